"""The result view for a whole number: boxes and readings drawn over the input, then each digit."""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import streamlit as st
from PIL import Image, ImageDraw

from hdr_core.numbers import Box, NumberReading
from hdr_core.preprocess import displayable

from . import resources, style, touch
from .result import enlarge, show_explanation


def label_places(boxes: Sequence[Box], sizes: Sequence[tuple[int, int]], width: int, height: int,
                 gap: int) -> list[tuple[int, int]]:
    """Where each digit's label (``sizes``: its width and height) goes in a picture ``width`` x ``height``: above
    its box, left-aligned with it, or below the box where it would run into the label before it (digits written
    close together), or else just right of that label; never past the picture's edge."""
    places: list[tuple[int, int]] = []
    ends = {"above": -math.inf, "below": -math.inf}  # where the last label in each row ends
    for box, (w, h) in zip(boxes, sizes):
        left = max(0, min(box.left, width - w))
        spots = {"above": (left, max(0, box.top - h - gap)),
                 "below": (left, min(height - h, box.top + box.height + gap))}
        row = next((row for row in ("above", "below") if left >= ends[row] + gap), None)
        if row is None:  # both rows taken there: above, after the last label
            row, spots["above"] = "above", (max(0, min(int(ends["above"]) + gap, width - w)), spots["above"][1])
        places.append(spots[row])
        ends[row] = spots[row][0] + w
    return places


SHOWN_WIDTH = {"desktop": 820, "phone": 358}
"""About how wide the picture of a number is shown, in CSS pixels: the wide layout's column on a laptop's
screen, and a phone's held upright (390 less the margins). A 12-megapixel photo is shrunk eleven times to fit a
phone, so its labels are drawn for the width it is shown at, not for the photo's own."""

LABEL_PX, LINE_PX = 17, 2
"""The height of a label's text and the width of a box's line, in CSS pixels, as the picture is shown."""


def label_size(picture_width: int, shown_width: int) -> tuple[int, int]:
    """The box's line width and the labels' font size, in the picture's own pixels, that show as ``LINE_PX`` and
    ``LABEL_PX`` once a picture ``picture_width`` wide is shown ``shown_width`` wide."""
    scale = picture_width / shown_width
    return max(1, round(LINE_PX * scale)), max(10, round(LABEL_PX * scale))


def annotated(reading: NumberReading, shown_width: int = SHOWN_WIDTH["desktop"]) -> Image.Image:
    """The input with a box around each digit and its reading beside it (``label_places``), and around each
    mark (a decimal point or comma, a minus or hyphen), drawn to be read at ``shown_width`` (``label_size``)."""
    picture = displayable(reading.steps.upright).convert("RGB")
    draw = ImageDraw.Draw(picture)
    line, size = label_size(picture.width, shown_width)
    labels = [f"{prediction.digit} {prediction.confidence:.0%}" for prediction in reading.predictions]
    extents = [draw.textbbox((0, 0), label, font_size=size) for label in labels]
    places = label_places(reading.boxes, [(right, bottom) for _, _, right, bottom in extents],
                          picture.width, picture.height, gap=line + 2)
    for box, label, place in zip(reading.boxes, labels, places):
        draw.rectangle((box.left, box.top, box.left + box.width, box.top + box.height), outline=(228, 87, 46), width=line)
        draw.text(place, label, fill=(228, 87, 46), font_size=size)
    for mark in reading.marks:
        box = mark.box
        draw.rectangle((box.left - line, box.top - line, box.left + box.width + line, box.top + box.height + line),
                       outline=(228, 87, 46), width=max(1, line // 2))
    return picture


def show_number(reading: NumberReading, *, source: str, drawing: str | None = None) -> None:
    from . import feedback, history

    threshold = resources.unsure_below()
    st.metric("Prediction", reading.text, f"{reading.confidence:.1%} sure of all {len(reading.predictions)} digits",
              delta_color="off", delta_arrow="off")
    shown_width = SHOWN_WIDTH["phone" if touch.on_a_phone() else "desktop"]
    st.image(annotated(reading, shown_width), caption="Each digit found, with what the model read in it", width="stretch")
    unsure = [i for i, p in enumerate(reading.predictions) if p.confidence < threshold]
    if unsure:
        st.warning("Not sure of digit " + ", ".join(
            f"{i + 1} (read {reading.predictions[i].digit}, could be {reading.predictions[i].runner_up})" for i in unsure)
            + f": below {threshold:.0%} confidence."
            + max((style.hint(reading.predictions[i].digit, reading.predictions[i].runner_up) for i in unsure), key=len))  # once
    row = st.container(horizontal=True, gap="small")  # in a row that wraps: columns would stack on a phone
    for prediction, model_input in zip(reading.predictions, reading.model_inputs):
        row.image(enlarge(model_input, 3), caption=f"{prediction.digit}: {prediction.confidence:.0%}", width=84)
    history.remember(np.hstack(reading.model_inputs), reading.text, reading.confidence, source, drawing)
    position = st.selectbox("Correct or explain a digit", range(len(reading.predictions)), key=f"{source}.number.position",
                            format_func=lambda i: f"digit {i + 1}: read as {reading.predictions[i].digit}")
    box = reading.boxes[position]
    crop = reading.steps.upright.crop((box.left, box.top, box.left + box.width, box.top + box.height))
    chosen, seen = reading.predictions[position], reading.model_inputs[position]
    feedback.controls(crop, seen, chosen, source, key=f"{source}.number.feedback.{position}")
    show_explanation(seen, chosen.digit, about=f"Digit {position + 1}, read as {chosen.digit}:", key=f"{source}.number.why")
