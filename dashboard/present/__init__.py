"""present: what a reader sees, without Streamlit (one view model per page, chart builders, figures, images, the
board pack, CSV export). May import metrics, store and core."""
