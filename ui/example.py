"""The About page's worked example: a real canvas drawing, photographed on ruled notebook paper."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

from hdr_core.strokes import render_strokes
from hdr_core.synth import notebook_lines

EXAMPLE = Path(__file__).resolve().parent.parent / "assets" / "example_drawing.json"


def example_photo() -> Image.Image:
    """A 7 drawn on the app's canvas, as a dim phone photo of ruled paper: blue ink, uneven light, a slight tilt."""
    drawing = render_strokes(json.loads(EXAMPLE.read_text()), 280, 280).convert("L")
    strokes = Image.eval(drawing, lambda v: 255 - v).rotate(-8, fillcolor=0).filter(ImageFilter.GaussianBlur(1.2))
    ink = np.asarray(strokes, dtype=np.float32) / 255
    rows, cols = np.mgrid[0:280, 0:280] / 280.0
    paper = 0.55 + 0.3 * cols - 0.1 * rows  # light from the right, a shadow lower left
    rng = np.random.default_rng(0)
    noise = rng.normal(0, 0.02, paper.shape)
    lines = notebook_lines("ruled", paper.shape, -5.0, rng)  # the page turned a little less than the writing
    blue = np.array([0.15, 0.2, 0.5])
    pixels = (paper + noise)[..., None] * lines * (1 - ink[..., None]) + ink[..., None] * blue * paper[..., None]
    return Image.fromarray((np.clip(pixels, 0, 1) * 255).astype(np.uint8))
