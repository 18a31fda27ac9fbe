"""This session's readings, kept only in the browser session (never stored on the server)."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

import numpy as np
import streamlit as st

from hdr_core.batch import thumbnail_url

KEY = "history.items"
LIMIT = 200


def remember(model_input: np.ndarray, reading: str, confidence: float, source: str) -> None:
    """Add a reading to the session's history once (reruns of the same reading are not repeated)."""
    items = st.session_state.setdefault(KEY, [])
    fingerprint = hashlib.sha1(model_input.tobytes()).hexdigest()
    if items and items[-1]["fingerprint"] == fingerprint:
        return
    items.append({"fingerprint": fingerprint, "time": datetime.now(timezone.utc), "source": source,
                  "reading": reading, "confidence": confidence, "input": thumbnail_url(model_input)})
    del items[:-LIMIT]
