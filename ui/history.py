"""This session's readings, kept only in the browser session (never stored on the server)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

import numpy as np
import streamlit as st

from hdr_core.batch import thumbnail_url

KEY = "history.items"
LIMIT = 200


def drawing_key(mode: str, canvas_data: dict | None) -> str | None:
    """What identifies a drawing in progress on the Draw page: its mode and its first stroke, the same while
    strokes are added to it, new once the canvas is cleared and drawn on again. None on an empty canvas."""
    objects = (canvas_data or {}).get("objects") or []
    if not objects:
        return None
    first = json.dumps(objects[0].get("path"), separators=(",", ":"))
    return f"{mode}:{hashlib.sha1(first.encode()).hexdigest()}"


def remember(model_input: np.ndarray, reading: str, confidence: float, source: str, drawing: str | None = None) -> None:
    """Add a reading to the session's history once (reruns of the same reading are not repeated). A reading of
    a drawing in progress (``drawing``: its ``drawing_key``) replaces that drawing's last one: a number drawn
    stroke by stroke is kept as it was last read, not as each digit was added."""
    items = st.session_state.setdefault(KEY, [])
    fingerprint = hashlib.sha1(model_input.tobytes()).hexdigest()
    if items and items[-1]["fingerprint"] == fingerprint:
        return
    if drawing is not None and items and items[-1].get("drawing") == drawing:
        items.pop()
    items.append({"fingerprint": fingerprint, "time": datetime.now(timezone.utc), "source": source, "drawing": drawing,
                  "reading": reading, "confidence": confidence, "input": thumbnail_url(model_input)})
    del items[:-LIMIT]
