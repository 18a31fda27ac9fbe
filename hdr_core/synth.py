"""Generators that turn dataset digits into the kind of image a real user gives the app.

Used to measure the model on realistic input (and, from training digits only, to teach it that
input); they need scikit-image, which the app itself does not.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw
from scipy import ndimage

CANVAS_SIZE = 280
"""The Draw page's canvas is 280x280 pixels, ten times MNIST's 28x28."""

PEN_WIDTHS = (10, 30)
"""Stroke widths, in canvas pixels, of the pens people use on the canvas (thin to thick)."""

DIGIT_HEIGHTS = (0.40, 0.85)
"""How much of the canvas height a drawn digit takes up."""


def skeleton(digit: np.ndarray, upscale: int = 4) -> np.ndarray:
    """Centre-line points (row, col) of a digit, in its own pixel coordinates: the path a pen took.

    The digit is enlarged first so the thinned line is smooth rather than staircased.
    """
    from skimage.morphology import skeletonize

    big = ndimage.zoom(np.asarray(digit, dtype=np.float32) / 255.0, upscale, order=1) > 0.5
    points = np.argwhere(skeletonize(big)).astype(np.float32)
    if len(points) == 0:
        points = np.argwhere(big).astype(np.float32)
    return (points + 0.5) / upscale


def draw_like_canvas(digit: np.ndarray, rng: np.random.Generator, size: int = CANVAS_SIZE) -> Image.Image:
    """Redraw a dataset digit as a person draws it on the canvas.

    Its skeleton is retraced with a round black pen 10-30 px wide on a white ``size`` x ``size``
    canvas; the digit takes 40-85% of the canvas height and lies anywhere on it.
    """
    points = skeleton(digit)
    pen = float(rng.uniform(*PEN_WIDTHS))
    height = float(rng.uniform(*DIGIT_HEIGHTS)) * size
    top_left = points.min(axis=0)
    extent = np.maximum(points.max(axis=0) - top_left, 1.0)
    scale = (height - pen) / extent[0]
    if extent[1] * scale + pen > size:  # a very wide digit must still fit on the canvas
        scale = (size - pen) / extent[1]
    drawn = extent * scale + pen
    room = np.maximum(size - drawn, 0.0)
    offset = np.array([rng.uniform(0, room[0]), rng.uniform(0, room[1])]) + pen / 2
    centres = (points - top_left) * scale + offset
    canvas = Image.new("L", (size, size), 255)
    draw = ImageDraw.Draw(canvas)
    radius = pen / 2
    for row, col in centres:
        draw.ellipse((col - radius, row - radius, col + radius, row + radius), fill=0)
    return canvas


def semeion_as_scan(digit: np.ndarray, upscale: int = 10) -> bytes:
    """A 16x16 Semeion digit as a user would upload its scan: enlarged, dark ink on white, PNG bytes."""
    paper = 255 - np.asarray(digit, dtype=np.uint8)
    image = Image.fromarray(paper).resize((paper.shape[1] * upscale, paper.shape[0] * upscale), Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def fill_box_like_scans(digit: np.ndarray) -> np.ndarray:
    """A dataset digit stretched to fill a square box, as scanned sets such as Semeion and USPS
    normalise digits (aspect ratio lost), then framed as MNIST frames digits: (28, 28) float32."""
    from .preprocess import center_by_mass, crop_to_ink

    crop = crop_to_ink(np.asarray(digit, dtype=np.float32) / 255.0)
    stretched = np.asarray(Image.fromarray(crop).resize((20, 20), Image.Resampling.BILINEAR), dtype=np.float32)
    return center_by_mass(np.clip(stretched / max(float(stretched.max()), 1e-6), 0.0, 1.0))
