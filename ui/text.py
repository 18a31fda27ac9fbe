"""Showing user-supplied text (such as a file name) as text, never as Markdown or HTML."""

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: str) -> str:
    """Escape Markdown so a name like ``<b>**x**</b>`` is shown exactly as written."""
    return _MARKDOWN.sub(r"\\\1", text)
