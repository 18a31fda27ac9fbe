"""The Upload page's camera, and its reading kept while the page reruns (the file types the uploaders take are
hdr_core.preprocess.UPLOAD_TYPES)."""

from __future__ import annotations

from typing import Callable, TypeVar

import streamlit as st

CAMERA_WIDTH = 480
"""Width of the camera's picture on the Upload page, in pixels: a 4:3 photo large enough to check, with the
reading still in view below it (on a phone the screen's width)."""

LAST = "upload.last_reading"
"""Where the reading of the file on screen is kept: (its key, what reading it gave)."""

T = TypeVar("T")


def read_once(file_id: str, how: tuple, read: Callable[[], T]) -> T:
    """``read()`` for this upload read this way, read only once while it stays on screen.

    The page reruns with every click on it (a correction, a feedback choice), and a 12-megapixel phone
    photo takes about 80 ms to read again (median, ``python bench/core.py``; a number of several digits more).
    Only the latest reading is kept, in this session's memory; another file, another way of reading
    (``how``: the mode, the writing style, the served model's version) reads afresh, and ``forget`` drops it when the file is
    removed. A file that cannot be read raises each time, and nothing is kept of it.
    """
    key = (file_id, *how)
    last = st.session_state.get(LAST)
    if last is not None and last[0] == key:
        return last[1]
    st.session_state.pop(LAST, None)  # the previous file's reading goes before this one is read
    value = read()
    st.session_state[LAST] = (key, value)
    return value


def forget() -> None:
    """Drop the kept reading: the file it came from is gone from the page."""
    st.session_state.pop(LAST, None)
