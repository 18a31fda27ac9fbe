"""'Right' / 'Wrong, it is ...' under each result: stored only when the person sends it."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import streamlit as st

from hdr_core.feedback import FEEDBACK_URL_ENV, FeedbackRecord, FeedbackStore, png_bytes
from hdr_core.model import DEFAULT_MODEL_PATH, Prediction, model_version
from hdr_core.preprocess import displayable

from .resources import times_of
from .style import chosen, hint

CONSENT = ("Sending stores the image, what the model saw and read, and your answer, to improve the model. "
           "Nothing is stored unless you send it.")


def feedback_url() -> str | None:
    """A SQLAlchemy URL from Streamlit secrets (feedback_url) or HDR_FEEDBACK_URL; None: the local SQLite file."""
    try:
        return st.secrets.get("feedback_url") or os.environ.get(FEEDBACK_URL_ENV)
    except Exception:  # no secrets file: the app must start without one
        return os.environ.get(FEEDBACK_URL_ENV)


@st.cache_resource(show_spinner=False)
def store(url: str | None) -> FeedbackStore:
    return FeedbackStore(url)


@st.cache_resource(show_spinner=False)
def _model_version(path: str, modified: tuple) -> str:
    return model_version(path)


def served_model_version(path: str = str(DEFAULT_MODEL_PATH)) -> str:
    """The content hash of the network in ``path``, hashed again only when train.py writes it anew (keyed as the
    networks themselves are, ``resources.times_of``)."""
    return _model_version(path, times_of(Path(path)))


def _send(image, model_input: np.ndarray, prediction: Prediction, label: int, source: str, sent_key: str,
          model_path: str) -> None:
    record = FeedbackRecord(image_png=png_bytes(displayable(image)), model_input=model_input,
                            predicted=prediction.digit, label=int(label), confidence=prediction.confidence,
                            model_version=served_model_version(model_path), source=source, style=chosen())
    try:
        new_id = store(feedback_url()).add(record)
    except Exception as err:  # the database may be down; the reading on screen is not lost
        st.session_state[sent_key] = f"error: could not save ({type(err).__name__}). Please try again later."
        return
    what = "confirmation" if label == prediction.digit else "correction"  # Right, or Wrong, it is ...
    st.session_state[sent_key] = f"Thank you: your {what} is saved (#{new_id})." + hint(prediction.digit, label)


def controls(image, model_input: np.ndarray, prediction: Prediction, source: str, key: str,
             model_path: Path = DEFAULT_MODEL_PATH) -> None:
    """Right / Wrong buttons for one digit; nothing is written until one is pressed. ``model_path``: the network
    that read it (the scan reader reads low-resolution scans), whose version the feedback records."""
    sent_key = f"feedback.sent.{hashlib.sha1(model_input.tobytes()).hexdigest()[:16]}"
    if sent_key in st.session_state:
        message = st.session_state[sent_key]
        (st.error if message.startswith("error") else st.success)(message.removeprefix("error: "))
        return
    right, label, wrong = st.columns([1, 1, 1.4], vertical_alignment="bottom")
    right.button("Right", icon=":material/check:", key=f"{key}.right", on_click=_send,
                 args=(image, model_input, prediction, prediction.digit, source, sent_key, str(model_path)))
    others = [d for d in range(10) if d != prediction.digit]
    # Offered first: the model's second guess, most often the true digit when the first guess is wrong
    guess = others.index(prediction.runner_up) if prediction.runner_up in others else 0
    actual = label.selectbox("It is", others, index=guess, key=f"{key}.label")
    wrong.button(f"Wrong, it is {actual}", icon=":material/close:", key=f"{key}.wrong", on_click=_send,
                 args=(image, model_input, prediction, actual, source, sent_key, str(model_path)))
    st.caption(CONSENT)
