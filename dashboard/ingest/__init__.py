"""ingest: a file's way in (readers, mappings, validation, the bulk write, the loader, the summaries refreshed in
the same transaction, import history and undo, upload limits). May import metrics, store and core."""
