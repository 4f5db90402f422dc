"""Alembic migrations; ``district-dashboard init`` runs them to head."""
