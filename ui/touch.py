"""Phones and touch screens: what fits a phone held upright, and a canvas toolbar that needs no hover."""

from __future__ import annotations

import json

import streamlit as st

TOOLBAR_ROOM = "2.65rem"
"""Height of streamlit-drawable-canvas's toolbar row above the canvas (where its own CSS puts it on hover)."""

HIDDEN_BUTTONS = ("Update the app with this drawing", "Edit")
"""The toolbar's buttons this app has no use for: the reading already updates on each pen lift, and
moving or scaling strokes (edit mode) would only puzzle someone drawing a digit, or stop a phone drawing."""

ROOM_CSS = f"<style>[data-testid=stBidiComponentIsolated] {{ margin-top: {TOOLBAR_ROOM}; }}</style>"
"""The page's rule that leaves room above each canvas for its toolbar. It is the page's, not the canvas's own,
so that it holds from the moment the canvas appears: added later from inside, it pushed the canvas down by the
toolbar's height a moment after it appeared (under a stroke that had begun)."""

TOOLBAR_CSS = (f".dc-toolbar {{ opacity: 1 !important; top: -{TOOLBAR_ROOM} !important; transition: none !important; }} "
               f".dc-toolbar button:is({', '.join(f'[aria-label={json.dumps(label)}]' for label in HIDDEN_BUTTONS)}) "
               "{ display: none !important; }")
"""The rule each canvas's shadow root is given: the toolbar shown in the room above the canvas, its unused buttons hidden."""

SHOW_TOOLBAR = """<script>
(() => {
  if (window.hdrToolbarShown) return;
  window.hdrToolbarShown = true;
  let waiting = false;
  const show = () => document.querySelectorAll("[data-testid=stBidiComponentIsolated]").forEach(host => {
    const root = host.shadowRoot;
    if (!root) {  // attached a moment after the host appears, with no change to the page to tell: look again
      if (!waiting) { waiting = true; requestAnimationFrame(() => { waiting = false; show(); }); }
    } else if (!root.querySelector("style[data-hdr-toolbar]")) {
      const style = document.createElement("style");
      style.dataset.hdrToolbar = "";
      style.textContent = TOOLBAR_CSS;
      root.appendChild(style);
    }
  });
  new MutationObserver(show).observe(document.body, {childList: true, subtree: true});
  show();
})();
</script>""".replace("TOOLBAR_CSS", json.dumps(TOOLBAR_CSS))


def is_phone(user_agent: str) -> bool:
    """Whether a browser's User-Agent is a phone's: "Mobi" anywhere in it, as MDN advises (tablets leave it out)."""
    return "Mobi" in user_agent


def on_a_phone() -> bool:
    """Whether this session's browser is a phone; False where the request has no headers (AppTest)."""
    headers = st.context.headers
    return is_phone(headers.get("User-Agent", "") if headers else "")


def announce(read: str, confidence: float, phone: bool) -> None:
    """On a ``phone`` (``on_a_phone()``, which the page has asked already), also show a new reading as a toast:
    there the result lies below the canvas, out of sight while drawing. Shown once per reading, not again on
    reruns that read the same."""
    said = f"Reads {read}, {confidence:.0%} sure"
    if phone and st.session_state.get("touch.announced") != said:
        st.session_state["touch.announced"] = said
        st.toast(said, icon=":material/draw:")


def make_room_for_toolbar() -> None:
    """Leave room above the canvases for their toolbar (``ROOM_CSS``); call it before drawing a canvas."""
    st.html(ROOM_CSS)  # a style alone: Streamlit adds no element, so no gap


def show_toolbar() -> None:
    """Keep the canvas's toolbar in view above the canvas, not only while a mouse hovers it, with just its
    undo, redo and clear buttons (``HIDDEN_BUTTONS``).

    streamlit-drawable-canvas fades its toolbar in on hover, and while faded out it still lies over the
    canvas's top-right corner. A touch screen has no hover, so there the buttons never show, and a stroke
    begun in that corner is lost or presses a hidden button. The component draws inside a shadow root,
    which the page's own CSS cannot reach, so a script adds the rule to each canvas's root.
    """
    st.html(SHOW_TOOLBAR, unsafe_allow_javascript=True)
