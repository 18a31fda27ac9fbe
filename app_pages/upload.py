"""Upload: a photo or scan of a digit or a whole number, read the same way as a drawing."""

import streamlit as st

from hdr_core import InputError, preprocess_steps
from hdr_core.numbers import NumberReading, read_digit_or_number, read_number
from ui import resources, result
from ui.number_view import show_number
from ui.text import plain
from ui.upload import IMAGE_TYPES

st.title("Upload an image")
st.caption("A photo or scan of a handwritten digit, or of a number such as a year: dark ink on light paper or "
           "light on dark. Nothing is stored.")

upload = st.file_uploader("Image of a digit or a number", type=IMAGE_TYPES, key="upload.file")
read_as = st.segmented_control("Read as", ["Automatic", "One digit", "A number"], default="Automatic", key="upload.read_as")
if upload is None:
    st.info("Choose a PNG, JPEG, WebP, BMP, GIF or TIFF image.", icon=":material/upload_file:")
    st.stop()

try:
    steps = preprocess_steps(upload.getvalue())
    if read_as == "One digit":
        reading = resources.predictor().read(steps)
    elif read_as == "A number":
        reading = read_number(resources.predictor(), steps, resources.segmenter())
    else:  # several digits side by side, or touching, are read as a number
        reading = read_digit_or_number(resources.predictor(), steps, resources.segmenter())
except InputError as err:
    st.error(f"Could not read {plain(upload.name)}: {err}", icon=":material/error:")
    st.stop()

if isinstance(reading, NumberReading):
    show_number(reading, source="upload")
else:
    original, seen = st.columns(2)
    original.image(result.displayable(reading.steps.upright), caption=f"Uploaded: {upload.name}", width=224)
    with seen:
        result.show_model_input(reading)
    result.show_reading(reading, source="upload", with_input=False)
