"""Upload: a photo or scan of one digit, read the same way as a drawing."""

import streamlit as st

from hdr_core import InputError
from ui import resources, result
from ui.text import plain
from ui.upload import IMAGE_TYPES

st.title("Upload an image")
st.caption("A photo or scan of one handwritten digit: dark ink on light paper or light on dark. Nothing is stored.")

upload = st.file_uploader("Image of a digit", type=IMAGE_TYPES, key="upload.file")
if upload is None:
    st.info("Choose a PNG, JPEG, WebP, BMP, GIF or TIFF image of one digit.", icon=":material/upload_file:")
    st.stop()

try:
    reading = resources.predictor().read(upload.getvalue())
except InputError as err:
    st.error(f"Could not read {plain(upload.name)}: {err}", icon=":material/error:")
    st.stop()

original, seen = st.columns(2)
original.image(result.displayable(reading.steps.upright), caption=f"Uploaded: {upload.name}", width=224)
with seen:
    result.show_model_input(reading)
result.show_reading(reading, with_input=False)
