"""The result view shared by the Draw and Upload pages: reading, confidence, evidence."""

from __future__ import annotations

import numpy as np
import streamlit as st
from PIL import Image

from hdr_core.model import Reading
from hdr_core.preprocess import to_grayscale

from . import charts, resources

PIXEL = 8
"""Each of the model's 28x28 pixels is shown as an 8x8 block: 224 px, no smoothing."""


def enlarge(digit: np.ndarray, pixel: int = PIXEL) -> np.ndarray:
    """The 28x28 model input as a bigger uint8 image with hard pixel edges (nearest neighbour)."""
    return (np.kron(digit, np.ones((pixel, pixel), dtype=np.float32)) * 255).astype(np.uint8)


def displayable(image: Image.Image) -> Image.Image:
    """An 8-bit copy a browser can show (16-bit, float, CMYK and other modes cannot be)."""
    if image.mode in ("RGB", "RGBA", "L", "LA"):
        return image
    if image.mode.startswith(("I", "F")):
        return Image.fromarray((to_grayscale(image) * 255).astype(np.uint8))
    return image.convert("RGB")


def show_model_input(reading: Reading) -> None:
    st.image(enlarge(reading.model_input), caption="What the model saw: 28x28, white ink on black", width=224)


def show_reading(reading: Reading, *, with_input: bool = True) -> None:
    """The digit, how sure the model is, every probability, and the input the model saw."""
    prediction = reading.prediction
    threshold = resources.unsure_below()
    left, right = st.columns([1, 2], gap="medium")
    with left:
        st.metric("Prediction", str(prediction.digit), f"{prediction.confidence:.1%} sure", delta_color="off", delta_arrow="off")
        if prediction.confidence < threshold:
            runner_up = prediction.runner_up
            st.warning(
                f"Not sure. It could also be a **{runner_up}** ({prediction.probabilities[runner_up]:.0%}). "
                f"Readings below {threshold:.0%} confidence get this note: above it, the model reads "
                "canvas drawings of held-out digits right 99% of the time."
            )
        if with_input:
            show_model_input(reading)
    with right:
        st.altair_chart(charts.probability_chart(prediction.probabilities), width="stretch")
