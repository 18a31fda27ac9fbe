"""History: this session's readings. Kept in your browser session only; gone when you close it."""

import pandas as pd
import streamlit as st

from ui import tables
from ui.history import KEY

st.title("History")
st.caption("What the model read in this session, newest first. It lives only in this browser session: nothing here is stored.")

items = st.session_state.get(KEY, [])
if not items:
    st.info("Nothing read yet. Draw or upload a digit and it appears here.", icon=":material/history:")
    st.stop()

table = pd.DataFrame(items[::-1])[["input", "time", "source", "reading", "confidence"]]
st.dataframe(table, hide_index=True, width="stretch", column_config={
    "input": tables.MODEL_INPUT, "time": st.column_config.DatetimeColumn("time (UTC)", format="HH:mm:ss"),
    "confidence": tables.CONFIDENCE,
})
left, right = st.columns(2)
left.download_button("Download CSV", table.drop(columns=["input"]).to_csv(index=False), file_name="my-readings.csv",
                     mime="text/csv", icon=":material/download:", key="history.download")
if right.button("Clear history", icon=":material/delete:", key="history.clear"):
    st.session_state[KEY] = []
    st.rerun()
