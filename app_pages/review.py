"""Review: corrections people sent. Only for the app's admins, signed in with st.login."""

import streamlit as st

from ui import review
from ui.feedback import feedback_url, store

st.title("Review corrections")
if not st.user.is_logged_in:
    st.info("This page is for the people who run the app.", icon=":material/lock:")
    st.button("Log in", on_click=st.login, icon=":material/login:", key="review.login")
    st.stop()
if (st.user.email or "").lower() not in review.admins():
    st.error("Your account is not on this app's list of admins.", icon=":material/block:")
    st.button("Log out", on_click=st.logout, key="review.logout")
    st.stop()
review.show(store(feedback_url()))
