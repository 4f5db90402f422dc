"""auth: accounts, the caller's access scope and the audit log; no Streamlit. May import store and core."""
