"""District culture and equity dashboard.

The package is layered one way: page scripts (``pages/``) call services in this package, which call the
named query units in ``dashboard/store/queries/``, which talk to the database. Nothing below the pages imports Streamlit.
"""

__version__ = "0.1.0"
