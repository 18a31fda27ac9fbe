"""Streamlit-side pieces shared by the pages: cached resources, the result view, charts."""
