"""The writing-style setting (``hdr_core.style``), in the sidebar of the pages that read digits."""

from __future__ import annotations

import streamlit as st

from hdr_core.style import CONTINENTAL, PLAIN

CHOSEN = "settings.continental"
"""Where the choice is kept: a widget's own state is dropped on a page that does not show it."""


def setting() -> str:
    """Show the setting in the sidebar and return the style chosen (plain unless the person says otherwise)."""
    continental = st.sidebar.toggle(
        "I write 1 with a flag and cross my 7s", value=st.session_state.get(CHOSEN, False), key="style.toggle",
        help="As much of continental Europe writes them. The model learned from American writers, whose 7 "
             "looks like a flagged 1; with this on, a digit that could be either is read as a 1 unless its 7 "
             "is crossed. A 7 without a bar is then read less surely.")
    st.session_state[CHOSEN] = continental
    return chosen()


def chosen() -> str:
    """The style this session chose (plain until the setting is turned on)."""
    return CONTINENTAL if st.session_state.get(CHOSEN) else PLAIN


HINT = ("If you write your 1s with a flag and cross your 7s, say so in the sidebar (**I write 1 with a flag and cross "
        "my 7s**): such 1s are then read as 1s far more often.")
"""For a 7 that may be a 1 (a correction, a close runner-up): a flagged 1, as much of continental Europe writes
it, is often read as a 7 (``hdr_core.style``)."""


def hint(read: int, meant: int) -> str:
    """``HINT`` with a space in front where a digit read as ``read`` is, or may be, ``meant``: a 7 that is a 1,
    while the setting is off; otherwise nothing."""
    return " " + HINT if (read, meant) == (7, 1) and chosen() == PLAIN else ""

