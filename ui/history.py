"""This session's readings, kept only in the browser session (never stored on the server)."""

from __future__ import annotations

import base64
import hashlib
import io
from datetime import datetime, timezone

import numpy as np
import streamlit as st
from PIL import Image

KEY = "history.items"
LIMIT = 200


def _thumbnail(model_input: np.ndarray) -> str:
    buffer = io.BytesIO()
    Image.fromarray((np.kron(model_input, np.ones((2, 2))) * 255).astype(np.uint8)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def remember(model_input: np.ndarray, reading: str, confidence: float, source: str) -> None:
    """Add a reading to the session's history once (reruns of the same reading are not repeated)."""
    items = st.session_state.setdefault(KEY, [])
    fingerprint = hashlib.sha1(model_input.tobytes()).hexdigest()
    if items and items[-1]["fingerprint"] == fingerprint:
        return
    items.append({"fingerprint": fingerprint, "time": datetime.now(timezone.utc), "source": source,
                  "reading": reading, "confidence": confidence, "input": _thumbnail(model_input)})
    del items[:-LIMIT]
