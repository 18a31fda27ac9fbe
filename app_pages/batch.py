"""Batch: many images of digits (or whole numbers) at once, a table of readings, and a CSV of them."""

import pandas as pd
import streamlit as st

from hdr_core.batch import read_files, to_csv
from ui import resources
from ui.upload import IMAGE_TYPES

st.title("Read many images")
st.caption("Upload a folder's worth of images of digits, or of numbers. Each is read on its own; a file that cannot "
           "be read says why.")

files = st.file_uploader("Images of digits or numbers", type=IMAGE_TYPES, accept_multiple_files=True, key="batch.files")
if not files:
    st.info("Choose or drop several images: PNG, JPEG, WebP, BMP, GIF or TIFF.", icon=":material/photo_library:")
    st.stop()

key = tuple(f.file_id for f in files)
if st.session_state.get("batch.key") != key:  # read once per set of files, not on every rerun
    progress = st.progress(0.0, text="Reading...")
    readings = read_files(resources.predictor(), ((f.name, f.getvalue()) for f in files), total=len(files),
                          on_progress=lambda done, total: progress.progress(done / total, text=f"Read {done} of {total}"),
                          segmenter=resources.segmenter())
    progress.empty()
    st.session_state["batch.key"], st.session_state["batch.readings"] = key, readings
readings = st.session_state["batch.readings"]

read_ok = [r for r in readings if r.error is None]
st.metric("Files read", f"{len(read_ok)} of {len(readings)}")
table = pd.DataFrame([{"input": r.thumbnail(), "file": r.name, "reading": r.text or "", "confidence": r.confidence,
                       "error": r.error or ""} for r in readings])  # blank, not "None", where there is nothing
st.dataframe(table, hide_index=True, width="stretch", column_config={
    "input": st.column_config.ImageColumn("model input"),
    "confidence": st.column_config.ProgressColumn("confidence", format="percent", min_value=0.0, max_value=1.0),
})
st.download_button("Download CSV", to_csv(readings), file_name="digit-readings.csv", mime="text/csv",
                   icon=":material/download:", key="batch.download")
