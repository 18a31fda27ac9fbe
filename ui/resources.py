"""Process-wide resources: the model is loaded once and shared by every session, and loaded again when
train.py writes a new one while the server runs (each cache is keyed by its files' modification times)."""

from __future__ import annotations

import json
from pathlib import Path

import streamlit as st

from hdr_core.model import DEFAULT_MODEL_PATH, MODELS_DIR, SCAN_MODEL_PATH, Predictor
from hdr_core.numbers import SEGMENTER_PATH


def times_of(*paths: Path) -> tuple[int | None, ...]:
    """Each file's modification time (ns; None where there is none): a cache key that changes when train.py
    writes the file again."""
    return tuple(path.stat().st_mtime_ns if path.is_file() else None for path in paths)


def served_version() -> tuple[int | None, ...]:
    """Which files the readers are loaded from, as ``times_of`` tells it: a reading kept in a session
    (``ui.upload.read_once``) is made again when this changes."""
    return times_of(DEFAULT_MODEL_PATH, SCAN_MODEL_PATH, SEGMENTER_PATH)


@st.cache_resource(show_spinner="Loading the model...", max_entries=1)
def _predictor(path: str, version: tuple) -> Predictor:
    return Predictor.from_file(path)


def predictor() -> Predictor:
    """One predictor per server process; it is thread-safe, so all sessions share it. A model retrained while
    the server runs is loaded on the next rerun; a session still reading with the old one finishes with it."""
    return _predictor(str(DEFAULT_MODEL_PATH), times_of(DEFAULT_MODEL_PATH, SCAN_MODEL_PATH))


def reader(style: str) -> Predictor:
    """The shared predictor, its readings weighed for a writer of ``style`` (``ui.style.setting``)."""
    return predictor().in_style(style)


@st.cache_resource(show_spinner=False, max_entries=1)
def _segmenter(path: str, version: tuple) -> Predictor:
    return Predictor.from_file(path, variants=False)


def segmenter() -> Predictor:
    """The segment model that helps cut whole numbers into digits; shared, and loaded again, like the digit model."""
    return _segmenter(str(SEGMENTER_PATH), times_of(SEGMENTER_PATH))


@st.cache_data(show_spinner=False)
def _artifact(path: str, modified: int) -> dict:
    return json.loads(Path(path).read_text())


def _file_and_version(name: str) -> tuple[str, int]:
    """An artifact's path and modification time: the cache keys, so a retrained model's files are read anew."""
    path = MODELS_DIR / f"{name}.json"
    return str(path), path.stat().st_mtime_ns


def artifact(name: str) -> dict:
    """A JSON artifact that train.py wrote into models/ (evaluation, history, train_config)."""
    return _artifact(*_file_and_version(name))


@st.cache_data(show_spinner=False)
def _unsure_below(path: str, modified: int) -> float:
    return float(_artifact(path, modified)["unsure_below"]["threshold"])


def unsure_below() -> float:
    """Readings less confident than this get a 'not sure' note (set by train.py on validation drawings).

    Cached on its own: every reading needs it, and a copy of all of evaluation.json each time cost more.
    """
    return _unsure_below(*_file_and_version("evaluation"))
