"""Draw: a digit drawn on the canvas is read each time the pen lifts."""

import streamlit as st
from streamlit_drawable_canvas import st_canvas

from hdr_core import InputError
from hdr_core.strokes import render_strokes
from ui import resources, result

CANVAS = 280  # ten times MNIST's 28x28

st.title("Draw a digit")
st.caption("Draw one digit, 0 to 9, large or small, anywhere in the box. The reading updates each time you lift the pen.")

left, right = st.columns([1, 1.6], gap="large")
with left:
    pen = st.slider("Pen width", min_value=6, max_value=40, value=20, key="draw.pen")
    canvas = st_canvas(
        stroke_width=pen, stroke_color="#000000", background_color="#FFFFFF",
        width=CANVAS, height=CANVAS, drawing_mode="freedraw", key="draw.canvas",
    )
    st.caption("The toolbar under the canvas undoes, redoes and clears.")

with right:
    try:
        reading = resources.predictor().read(render_strokes(canvas.json_data, CANVAS, CANVAS))
    except InputError:
        st.info("Draw a digit on the canvas to see what the model reads, how sure it is, and what it saw.", icon=":material/draw:")
        st.stop()
    result.show_reading(reading)
