"""The result view for a whole number: boxes and readings drawn over the input, then each digit."""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import streamlit as st
from PIL import Image, ImageDraw

from hdr_core.numbers import Box, NumberReading

from . import resources, style
from .result import displayable, enlarge, show_explanation


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


def annotated(reading: NumberReading) -> Image.Image:
    """The input with a box around each digit and its reading beside it (``label_places``), and around each
    mark (a decimal point or comma, a minus or hyphen)."""
    picture = displayable(reading.steps.upright).convert("RGB")
    draw = ImageDraw.Draw(picture)
    line = max(2, picture.width // 300)
    size = max(12, 7 * line)
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
    st.image(annotated(reading), caption="Each digit found, with what the model read in it", width="stretch")
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
