"""Entry point: routes to the pages in app_pages/ (not pages/, which Streamlit would also list on its own
before this router first runs). Run with `streamlit run streamlit_app.py`."""

import streamlit as st

from ui.review import auth_configured
from ui.timing import rerun_timer

st.set_page_config(page_title="Handwritten digit recognizer", page_icon=":material/draw:", layout="wide")

pages = [
    st.Page("app_pages/draw.py", title="Draw", icon=":material/draw:", default=True),
    st.Page("app_pages/upload.py", title="Upload", icon=":material/upload_file:"),
    st.Page("app_pages/batch.py", title="Batch", icon=":material/photo_library:"),
    st.Page("app_pages/history.py", title="History", icon=":material/history:"),
    st.Page("app_pages/model.py", title="Model", icon=":material/insights:"),
    st.Page("app_pages/about.py", title="About", icon=":material/info:"),
]
if auth_configured():  # the Review page exists only where st.login is set up
    pages.append(st.Page("app_pages/review.py", title="Review", icon=":material/rate_review:"))
page = st.navigation(pages)
with rerun_timer(page.title):
    page.run()
