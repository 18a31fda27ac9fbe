"""The result view shared by the Draw and Upload pages: reading, confidence, evidence."""

from __future__ import annotations

import numpy as np
import streamlit as st

from hdr_core.explain import explain
from hdr_core.model import Reading
from hdr_core.preprocess import SCAN_CELLS

from . import charts, resources, style

PIXEL = 8
"""Each of the model's 28x28 pixels is shown as an 8x8 block: 224 px, no smoothing."""


def enlarge(digit: np.ndarray, pixel: int = PIXEL) -> np.ndarray:
    """The 28x28 model input as a bigger uint8 image with hard pixel edges (nearest neighbour)."""
    return (np.kron(digit, np.ones((pixel, pixel), dtype=np.float32)) * 255).astype(np.uint8)


def show_model_input(reading: Reading) -> None:
    st.image(enlarge(reading.model_input), caption="What the model saw: 28x28, white ink on black", width=224)


@st.cache_data(max_entries=64, show_spinner=False)
def _explanation(model_input: np.ndarray, digit: int, scan: bool):
    return explain(resources.predictor().reader_for(scan), model_input, digit)


def evidence_picture(model_input: np.ndarray, evidence: np.ndarray, pixel: int = PIXEL) -> np.ndarray:
    """The input in grey with the evidence over it: red pushed towards the answer, blue against it."""
    scale = float(np.abs(evidence).max()) or 1.0
    push, pull = np.clip(evidence / scale, 0, 1), np.clip(-evidence / scale, 0, 1)
    grey = 0.35 * model_input
    rgb = np.stack([grey + 0.65 * push, grey, grey + 0.65 * pull], axis=-1)
    return (np.kron(np.clip(rgb, 0, 1), np.ones((pixel, pixel, 1))) * 255).astype(np.uint8)


def feature_mosaic(maps: np.ndarray, columns: int = 8, gap: int = 2, pixel: int = 3) -> np.ndarray:
    """The first layer's 32 feature maps tiled 8 across, each scaled to its own maximum."""
    size = maps.shape[0] * pixel
    rows = -(-maps.shape[-1] // columns)
    mosaic = np.full((rows * (size + gap) - gap, columns * (size + gap) - gap), 255, dtype=np.uint8)
    for k in range(maps.shape[-1]):
        tile = maps[..., k] / (float(maps[..., k].max()) or 1.0)
        r, c = divmod(k, columns)
        mosaic[r * (size + gap) : r * (size + gap) + size, c * (size + gap) : c * (size + gap) + size] = (
            np.kron(tile, np.ones((pixel, pixel))) * 255).astype(np.uint8)
    return mosaic


def show_explanation(model_input: np.ndarray, digit: int, *, about: str = "", key: str = "result.why",
                     scan: bool = False) -> None:
    """Which pixels of ``model_input`` pushed the model to read ``digit``, and what its first layer saw; ``about``:
    which digit of several that is (the expander's label stays the same, so it stays open for another); ``scan``:
    a low-resolution scan, read by the scan reader (``Predictor.reader_for``)."""
    box = st.expander("Why this answer?", key=key, on_change="rerun")
    if not box.open:  # worked out only while someone looks: it costs a batch of about 80 readings
        return
    with box:
        if about:
            st.caption(about)
        why = _explanation(model_input, digit, scan)
        left, right = st.columns([1, 2])
        left.image(evidence_picture(model_input, why.evidence), width="stretch",  # as tall as the mosaic of 4 x 8
                   caption=f"Red: areas that made it read {why.digit}; blue: areas that argued against. "
                           "Measured by hiding each 4x4 patch and watching the probability drop.")
        right.image(feature_mosaic(why.feature_maps), width="stretch",
                    caption="The first convolution layer's 32 filters: each responds to strokes of one direction or edge.")


def show_reading(reading: Reading, *, source: str, with_input: bool = True, drawing: str | None = None) -> None:
    """The digit, how sure the model is, every probability, the input the model saw, and feedback; ``drawing``:
    the drawing in progress it reads (``history.drawing_key``)."""
    from . import feedback, history

    prediction = reading.prediction
    threshold = resources.unsure_below()
    network = resources.predictor().reader_for(reading.steps.low_resolution_scan)  # the scan reader reads scans
    left, right = st.columns([1, 1.6], gap="medium")
    with left:
        st.metric("Prediction", str(prediction.digit), f"{prediction.confidence:.1%} sure", delta_color="off", delta_arrow="off")
        if network is not resources.predictor():
            st.caption("Read as a low-resolution scan (black and white only, a grid of at most "
                       f"{SCAN_CELLS} cells a side), by networks trained on more such scans.")
        if reading.steps.underline_left_out:
            st.caption("The line under the digit was left out: it is not part of the digit.")
        if prediction.confidence < threshold:
            runner_up = prediction.runner_up
            st.warning(
                f"Not sure. It could also be a **{runner_up}** ({prediction.probabilities[runner_up]:.0%}). "
                f"Readings below {threshold:.0%} confidence get this note: above it, the model reads "
                "canvas drawings of held-out digits right 99% of the time." + style.hint(prediction.digit, runner_up)
            )
    with right:
        st.vega_lite_chart(charts.probability_data(prediction.probabilities), charts.probability_spec(), width="stretch")
    if with_input:
        show_model_input(reading)
    history.remember(reading.model_input, str(prediction.digit), prediction.confidence, source, drawing)
    feedback.controls(reading.steps.upright, reading.model_input, prediction, source, key=f"{source}.feedback",
                      model_path=network.model_path)
    show_explanation(reading.model_input, prediction.digit, scan=reading.steps.low_resolution_scan)
