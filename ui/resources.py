"""Process-wide resources: the model is loaded once and shared by every session."""

from __future__ import annotations

import json
from pathlib import Path

import streamlit as st

from hdr_core.model import DEFAULT_MODEL_PATH, MODELS_DIR, Predictor
from hdr_core.numbers import SEGMENTER_PATH


@st.cache_resource(show_spinner="Loading the model...")
def predictor() -> Predictor:
    """One predictor per server process; it is thread-safe, so all sessions share it."""
    return Predictor.from_file(DEFAULT_MODEL_PATH)


def reader(style: str) -> Predictor:
    """The shared predictor, its readings weighed for a writer of ``style`` (``ui.style.setting``)."""
    return predictor().in_style(style)


@st.cache_resource(show_spinner=False)
def segmenter() -> Predictor:
    """The segment model that helps cut whole numbers into digits; shared like the digit model."""
    return Predictor.from_file(SEGMENTER_PATH, variants=False)


@st.cache_data(show_spinner=False)
def _artifact(path: str, modified: float) -> dict:
    return json.loads(Path(path).read_text())


def _file_and_version(name: str) -> tuple[str, float]:
    """An artifact's path and modification time: the cache keys, so a retrained model's files are read anew."""
    path = MODELS_DIR / f"{name}.json"
    return str(path), path.stat().st_mtime


def artifact(name: str) -> dict:
    """A JSON artifact that train.py wrote into models/ (evaluation, history, train_config)."""
    return _artifact(*_file_and_version(name))


@st.cache_data(show_spinner=False)
def _unsure_below(path: str, modified: float) -> float:
    return float(_artifact(path, modified)["unsure_below"]["threshold"])


def unsure_below() -> float:
    """Readings less confident than this get a 'not sure' note (set by train.py on validation drawings).

    Cached on its own: every reading needs it, and a copy of all of evaluation.json each time cost more.
    """
    return _unsure_below(*_file_and_version("evaluation"))
