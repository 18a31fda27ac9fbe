"""Entry point: routes to the pages in pages/. Run with `streamlit run streamlit_app.py`."""

import streamlit as st

from ui.review import auth_configured
from ui.timing import rerun_timer

st.set_page_config(page_title="Handwritten digit recognizer", page_icon=":material/draw:", layout="wide")

pages = [
    st.Page("pages/draw.py", title="Draw", icon=":material/draw:", default=True),
    st.Page("pages/upload.py", title="Upload", icon=":material/upload_file:"),
    st.Page("pages/batch.py", title="Batch", icon=":material/photo_library:"),
    st.Page("pages/history.py", title="History", icon=":material/history:"),
    st.Page("pages/model.py", title="Model", icon=":material/insights:"),
    st.Page("pages/about.py", title="About", icon=":material/info:"),
]
if auth_configured():  # the Review page exists only where st.login is set up
    pages.append(st.Page("pages/review.py", title="Review", icon=":material/rate_review:"))
page = st.navigation(pages)
with rerun_timer(page.title):
    page.run()
