"""Helpers shared by the Streamlit pages: language and URL state, cached data, offline maps, escaping."""
