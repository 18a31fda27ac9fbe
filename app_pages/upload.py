"""Upload: a photo or scan of a digit or a whole number, or a photo taken with the camera here, read the
same way as a drawing."""

import streamlit as st

from hdr_core import InputError, preprocess_steps
from hdr_core.numbers import NumberReading, read_digit, read_digit_or_number, read_number
from hdr_core.pages import page_count
from hdr_core.preprocess import FORMATS, UPLOAD_TYPES, displayable
from ui import resources, result, style
from ui.number_view import show_number
from ui.text import plain
from ui.upload import CAMERA_WIDTH, forget, read_once

st.title("Upload an image")
st.caption("A photo or scan of a handwritten digit, or of a number such as a year or a price (a decimal point, a minus "
           "or a hyphen is read too), in pen or pencil on paper, or light on a dark ground. Or take the photo here with your "
           "camera. Nothing is stored.")

reader = resources.reader(style.setting())
camera = st.segmented_control("Image from", ["A file", "The camera"], default="A file", required=True,
                              key="upload.source") == "The camera"
if camera:  # the browser asks for the camera only once it is chosen
    upload = st.camera_input("Hold the paper close, the digits large, sharp and upright", key="upload.camera",
                             width=CAMERA_WIDTH)
else:
    upload = st.file_uploader("Image of a digit or a number", type=UPLOAD_TYPES, key="upload.file")
read_as = st.segmented_control("Read as", ["Automatic", "One digit", "A number"], default="Automatic", key="upload.read_as")
if upload is None:
    forget()
    st.info("Take a photo of a digit or a number written on paper." if camera else
            f"Choose an image: {FORMATS}.", icon=":material/upload_file:")
    st.stop()


def read(data: bytes):
    """The reading of the upload in the mode chosen, and how many pages the file has."""
    steps = preprocess_steps(data)  # a PDF or TIFF of several pages: its first
    if read_as == "One digit":
        reading = read_digit(reader, steps)
    elif read_as == "A number":
        reading = read_number(reader, steps, resources.segmenter())
    else:  # several digits side by side, or touching, are read as a number
        reading = read_digit_or_number(reader, steps, resources.segmenter())
    return reading.for_showing(), page_count(data)  # kept while the page reruns: what it shows, not the working maps


try:  # read once, not again each time the page reruns
    reading, pages = read_once(upload.file_id, (read_as, style.chosen(), resources.served_version()),
                               lambda: read(upload.getvalue()))
except InputError as err:
    st.error(f"Could not read {'the photo' if camera else plain(upload.name)}: {err}", icon=":material/error:")
    st.stop()

if pages > 1:
    st.caption(f"Page 1 of {pages} is read here; the Batch page reads every page.")
if isinstance(reading, NumberReading):
    show_number(reading, source="upload")
elif camera:  # the camera shows its photo itself
    result.show_reading(reading, source="upload")
else:
    original, seen = st.columns(2)
    original.image(displayable(reading.steps.upright), caption=f"Uploaded: {upload.name}", width=224)
    with seen:
        result.show_model_input(reading)
    result.show_reading(reading, source="upload", with_input=False)
