"""store: the database (schema, engines and migrations, the settings registry, the named SQL query units, backup).
May import core only."""
