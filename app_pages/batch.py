"""Batch: many images of digits (or whole numbers) at once, a table of readings, and a CSV of them."""

import pandas as pd
import streamlit as st

from hdr_core.batch import expand_files, in_name_order, read_files, to_csv
from hdr_core.preprocess import FORMATS, UPLOAD_TYPES
from ui import resources, style, tables

st.title("Read many images")
st.caption("Upload many images of digits, or of numbers, a ZIP archive of them, a PDF of scanned pages or a whole "
           "folder. Each image or page is read on its own; one that cannot be read says why.")

writing = style.setting()
folder = st.segmented_control("Choose", ["Files", "A folder"], default="Files", required=True, key="batch.source") == "A folder"
files = st.file_uploader("A folder of images (its subfolders too)" if folder else "Images of digits or numbers",
                         type=[*UPLOAD_TYPES, "zip"], accept_multiple_files="directory" if folder else True,
                         key="batch.folder" if folder else "batch.files")
if not files:
    st.info(f"Choose a folder: every image in it ({FORMATS}, every page of a PDF) is read, and those in its ZIP "
            "archives; other files are left out." if folder else
            f"Choose or drop several images ({FORMATS}: every page of a PDF) or ZIP archives of them.",
            icon=":material/photo_library:")
    st.stop()
if folder:  # the browser lists a folder's files in no useful order
    files = sorted(files, key=lambda f: in_name_order(f.name))

key = (writing, *(f.file_id for f in files))
if st.session_state.get("batch.key") != key:  # read once per set of files (and style), not on every rerun
    progress = st.progress(0.0, text="Reading...")
    opened = expand_files((f.name, f.getvalue()) for f in files)  # each ZIP archive stands for its images, a PDF or TIFF for its pages
    readings = read_files(resources.reader(writing), opened.files, total=len(opened.files),
                          on_progress=lambda done, total: progress.progress(done / total, text=f"Read {done} of {total}"),
                          segmenter=resources.segmenter())
    progress.empty()
    st.session_state["batch.key"], st.session_state["batch.readings"] = key, readings
    st.session_state["batch.left_out"] = opened.left_out
readings, left_out = st.session_state["batch.readings"], st.session_state["batch.left_out"]
if left_out:  # names as plain text in a table, never as markdown
    with st.expander(f"Left out of the archives and PDFs: {len(left_out)} file{'s' if len(left_out) > 1 else ''}"):
        st.dataframe(pd.DataFrame(left_out, columns=["file", "why"]), hide_index=True, width="stretch")
if not readings:
    st.warning("There is no image in the archive to read.", icon=":material/folder_off:")  # a PDF has pages, or its error
    st.stop()

read_ok = [r for r in readings if r.error is None]
st.metric("Images read", f"{len(read_ok)} of {len(readings)}",
          help="Each image counts once, and so does each page of a PDF or TIFF and each image in a ZIP archive.")
table = pd.DataFrame([{"image": r.picture_url() or "", "file": r.name, "reading": r.text or "", "confidence": r.confidence,
                       "input": r.thumbnail() or "", "error": r.error or ""} for r in readings])  # blank, not "None"
st.dataframe(table, hide_index=True, width="stretch", column_config={
    "image": st.column_config.ImageColumn("image", width="small"),  # the file itself, to tell the rows apart
    "input": tables.MODEL_INPUT, "confidence": tables.CONFIDENCE,
})
st.download_button("Download CSV", to_csv(readings), file_name="digit-readings.csv", mime="text/csv",
                   icon=":material/download:", key="batch.download")
