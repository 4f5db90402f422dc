"""A blank page: the baseline every page's run time is compared with (a script Streamlit runs with no data)."""

import streamlit as st

st.write("blank")
