"""services: actions that span layers, written once for the CLI and the app (load and audit, undo and audit, a
setting changed and the summaries refreshed, the admin's account changes, the board pack handed out,
the demo district). May import present, ingest, auth, metrics, store, core;
never Streamlit."""
