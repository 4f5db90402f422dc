"""core: the pure vocabulary of the product (the canonical sources and their columns, problems found in a file,
the disclosure rules, school-year labels, the project's paths). Imports nothing else of the package."""
