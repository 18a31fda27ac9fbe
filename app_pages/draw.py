"""Draw: a digit (or a whole number) drawn on the canvas is read each time the pen lifts."""

import streamlit as st
from streamlit_drawable_canvas import st_canvas

from hdr_core import InputError
from hdr_core.numbers import looks_like_number, read_digit, read_number
from hdr_core.strokes import render_strokes, stroke_masks
from ui import history, resources, result, style, touch
from ui.number_view import show_number

SIZES = {"One digit": (280, 280), "A number": (700, 200)}  # the digit canvas is ten times MNIST's 28x28
PHONE_SIZES = {"One digit": (280, 280), "A number": (320, 140)}  # both fit a phone held upright
NUMBER_MARKS = (" A decimal point or comma between two digits is read too (a tap of the pen, or a short stroke down), "
                "and a minus in front or a hyphen between digits (a short level bar).")

st.title("Draw")
st.caption("Draw one digit, 0 to 9, large or small, anywhere in the box, or switch to a number. "
           "The reading updates each time you lift the pen.")

reader = resources.reader(style.setting())
mode = st.segmented_control("Draw", list(SIZES), default="One digit", key="draw.mode") or "One digit"
phone = touch.on_a_phone()
width, height = (PHONE_SIZES if phone else SIZES)[mode]
touch.make_room_for_toolbar()
left, right = st.columns([1, 1.6], gap="large") if mode == "One digit" else (st.container(), st.container())
with left:
    first_pen = 20 if mode == "One digit" else round(height * 0.07)  # a number's pen: 14 px on the 200 px canvas
    pen = st.slider("Pen width", min_value=6, max_value=40, value=first_pen, key=f"draw.pen.{mode}")
    canvas = st_canvas(stroke_width=pen, stroke_color="#000000", background_color="#FFFFFF", width=width, height=height,
                       drawing_mode="freedraw", key=f"draw.canvas.{mode}")
    st.caption("The buttons above the canvas undo, redo and clear.")

with right:
    try:
        image = render_strokes(canvas.json_data, width, height)
        drawing = history.drawing_key(mode, canvas.json_data)  # the history keeps a drawing once, as last read
        if mode == "One digit":
            reading = read_digit(reader, image)  # a line drawn under the digit is left out
            if looks_like_number(reading.steps):
                st.info("This looks like several digits: choose **A number** above to read them all.", icon=":material/pin:")
            result.show_reading(reading, source="draw", drawing=drawing)
            touch.announce(str(reading.prediction.digit), reading.prediction.confidence, phone)
        else:
            strokes = stroke_masks(canvas.json_data, width, height)  # digits that overlap stay apart by their strokes
            number = read_number(reader, image, resources.segmenter(), strokes)
            show_number(number, source="draw", drawing=drawing)
            touch.announce(number.text, number.confidence, phone)
    except InputError as err:
        if isinstance(canvas.json_data, dict) and canvas.json_data.get("objects"):  # drawn, but nothing to read
            st.info(str(err), icon=":material/draw:")
        else:
            st.info(f"Draw {'a digit' if mode == 'One digit' else 'a number'} on the canvas to see what the model "
                    f"reads, how sure it is, and what it saw.{'' if mode == 'One digit' else NUMBER_MARKS}",
                    icon=":material/draw:")

touch.show_toolbar()  # last, so that its empty element adds no gap between the controls
