"""``python -m dashboard`` is the same as the ``district-dashboard`` command."""

from dashboard.cli import main

raise SystemExit(main())
