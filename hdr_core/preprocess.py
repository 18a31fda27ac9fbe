"""Any user image -> an MNIST-style (28, 28) float32 array: white ink on black, values in [0, 1].

MNIST was made from NIST's binary scans (LeCun, Cortes, Burges): each digit was size-normalised
to fit a 20x20 box while keeping its aspect ratio, anti-aliased to grey levels, and placed in a
28x28 field so that its centre of mass sits at the centre. A model trained on MNIST has only
ever seen digits made that way, so every image a person draws or photographs is put through the
same recipe here, one small function per step, before the model sees it.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import BinaryIO, Union

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError
from scipy import ndimage

from .constants import DIGIT_BOX, IMAGE_SIZE
from .errors import EmptyImageError, ImageTooLargeError, ImageTooSmallError, InvalidImageError, NotADigitError

ImageInput = Union[bytes, bytearray, memoryview, BinaryIO, Image.Image, np.ndarray]

MAX_FILE_BYTES = 10 * 1024 * 1024
"""Largest file read, the same 10 MB as the app's upload limit."""

MAX_PIXELS = 40_000_000
"""Largest image (width x height) decoded at all; larger ones are refused from their header."""

MIN_SIDE = 8
"""Smallest width or height that can hold a legible digit."""

WORK_SIDE = 1024
"""Large photos are reduced to this longest side first: a digit needs far fewer pixels."""

MIN_CONTRAST = 0.15
"""Ink must differ from the background by at least this share of the full grey range."""

INK_FLOOR = 0.2
"""After normalisation, fainter values are background texture or noise, not ink."""

LIGHTING_WINDOW_MIN = 12
"""The paper-brightness estimate looks at least this many pixels across, wider than MNIST's strokes."""

LIGHTING_TOLERANCE = 0.08
"""Paper whose estimated brightness varies less than this is taken as evenly lit and left alone."""

DENSE_INK_SHARE = 0.25
"""A digit leaves most of the page blank; above this share of ink, the ink is checked for noise."""

SOLID_SHARE = 0.5
"""Pen strokes are solid: most of their pixels survive a 2x2 opening, while noise crumbles away."""

SPECK_FRACTION = 0.05
"""Ink blobs smaller than this share of the largest blob are specks of dirt, not strokes."""

FAINT_PEAK = 2 * INK_FLOOR
"""A blob that nowhere reaches this strength is shading (what is left of a shadow's edge), not a
stroke: the core of a pen stroke is as dark as the ink gets."""


def open_image(data: ImageInput) -> Image.Image:
    """Decode bytes, a file object, a NumPy array or a PIL image into a fully loaded PIL image.

    The size is checked from the header before any pixel is decoded, so a decompression bomb is
    refused without using its memory; animated images give their first frame.
    """
    if isinstance(data, Image.Image):
        image = data
    elif isinstance(data, np.ndarray):
        try:
            image = Image.fromarray(np.ascontiguousarray(data))
        except (TypeError, ValueError) as err:
            raise InvalidImageError(f"This array is not an image ({data.dtype}, shape {data.shape}).") from err
    else:
        raw = bytes(data) if isinstance(data, (bytes, bytearray, memoryview)) else data.read()
        if not raw:
            raise InvalidImageError("The file is empty.")
        if len(raw) > MAX_FILE_BYTES:
            raise ImageTooLargeError(f"The file is {len(raw) / 2**20:.1f} MB; files up to {MAX_FILE_BYTES // 2**20} MB are accepted.")
        try:
            image = Image.open(io.BytesIO(raw))
        except Image.DecompressionBombError as err:
            raise ImageTooLargeError("The image is too large to open safely.") from err
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as err:
            raise InvalidImageError("The file is not an image this app can read (PNG, JPEG, WebP, BMP, GIF or TIFF).") from err
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ImageTooLargeError(
            f"The image is {width}x{height} pixels; images up to {MAX_PIXELS // 1_000_000} megapixels are accepted."
        )
    try:
        if getattr(image, "n_frames", 1) > 1:
            image.seek(0)
        image.load()
    except Image.DecompressionBombError as err:
        raise ImageTooLargeError("The image is too large to open safely.") from err
    except (OSError, SyntaxError, ValueError, EOFError) as err:
        raise InvalidImageError("The image file is damaged or incomplete and cannot be read.") from err
    if min(width, height) < MIN_SIDE:
        raise ImageTooSmallError(f"The image is {width}x{height} pixels; a digit needs at least {MIN_SIDE}x{MIN_SIDE}.")
    return image


def apply_exif_orientation(image: Image.Image) -> Image.Image:
    """Turn a photo upright as its EXIF orientation tag says (phones store pixels sideways)."""
    try:
        return ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError, TypeError, KeyError):
        return image  # a broken EXIF block is no reason to refuse the pixels


def composite_on_white(image: Image.Image) -> Image.Image:
    """Lay a transparent image onto white paper, as canvas exports and many PNGs need.

    Transparent pixels would otherwise read as black and hide black strokes drawn on them.
    """
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        image.mode in ("P", "L", "RGB") and "transparency" in image.info
    )
    if not has_alpha:
        return image
    if image.mode == "RGBA" and image.getchannel("A").getextrema()[0] == 255:
        return image.convert("RGB")  # opaque after all (the canvas paints its white ground): the same pixels, faster
    rgba = image.convert("RGBA")
    paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(paper, rgba).convert("RGB")


def limit_size(image: Image.Image, longest: int = WORK_SIDE) -> Image.Image:
    """Reduce a large photo to ``longest`` pixels on its longest side, anti-aliased."""
    if max(image.size) <= longest:
        return image
    if image.mode not in ("L", "RGB", "I", "F"):
        image = image.convert("RGB")
    reduced = image.copy()
    reduced.thumbnail((longest, longest), Image.Resampling.BILINEAR, reducing_gap=2.0)
    return reduced


def to_grayscale(image: Image.Image) -> np.ndarray:
    """Luminance as float32 in [0, 1] (1 = white), from any mode: colour, CMYK, palette, 16-bit."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        values = np.asarray(image, dtype=np.float32)
        if values.ndim == 3:
            values = values.mean(axis=2)
        if image.mode.startswith("I;16"):
            top = 65535.0
        elif image.mode == "F":
            top = max(float(values.max()), 1.0)
        else:
            top = 65535.0 if values.max() > 255 else 255.0
        return np.clip(values / np.float32(top), 0.0, 1.0).astype(np.float32)
    if image.mode != "L":
        image = image.convert("L")
    return np.asarray(image, dtype=np.float32) / np.float32(255.0)


def background_level(values: np.ndarray) -> float:
    """The grey level of the paper (or ground): the median of the whole image.

    A digit covers a minority of its image even when drawn thick, cropped tight or stretched to
    fill its box (scanned digit sets such as Semeion), where it touches the border on every side;
    the border alone would then be read as ink.
    """
    return float(np.median(values))


def to_ink(gray: np.ndarray) -> np.ndarray:
    """Make ink bright on a dark ground, the MNIST polarity (white ink on black).

    The background is the image's median grey (see ``background_level``). Dark ink on light
    paper (the usual drawing, scan or photo) is inverted; light ink on a dark ground (an MNIST
    sample) is kept.
    """
    background = background_level(gray)
    darker_ink = background - float(gray.min())
    lighter_ink = float(gray.max()) - background
    return (1.0 - gray) if darker_ink > lighter_ink else gray


def _max_pool(values: np.ndarray, factor: int) -> np.ndarray:
    """The brightest pixel of each factor x factor block (edges padded by repetition)."""
    height, width = values.shape
    padded = np.pad(values, ((0, -height % factor), (0, -width % factor)), mode="edge")
    # Strided element-wise maxima: ten times faster than reducing a reshaped (h, f, w, f) array.
    rows = padded[0::factor].copy()
    for i in range(1, factor):
        np.maximum(rows, padded[i::factor], out=rows)
    pooled = rows[:, 0::factor].copy()
    for j in range(1, factor):
        np.maximum(pooled, rows[:, j::factor], out=pooled)
    return pooled


def flatten_lighting(ink: np.ndarray) -> np.ndarray:
    """Even out uneven light on paper (a shadow, a lamp to one side) so only the ink stands out.

    MNIST's scans had perfectly even paper. The paper's own brightness is estimated by a
    morphological closing over a sixth of the image, and at least 12 pixels (it erases the
    strokes, which are narrower, and follows the edge of a shadow), and the image is divided by
    it. Evenly lit input - the canvas, scans, MNIST itself - passes unchanged.
    """
    paper = 1.0 - ink
    factor = max(1, min(paper.shape) // 48)
    small = _max_pool(paper, factor)
    span = max(LIGHTING_WINDOW_MIN, min(paper.shape) / 6)  # wider than any pen stroke
    window = max(3, math.ceil(span / factor))
    estimate = ndimage.minimum_filter(ndimage.maximum_filter(small, window, mode="nearest"), window, mode="nearest")
    if float(estimate.max() - estimate.min()) < LIGHTING_TOLERANCE:
        return ink
    estimate = ndimage.uniform_filter(estimate, 3, mode="nearest")
    brightness = np.asarray(Image.fromarray(estimate.astype(np.float32)).resize(paper.shape[::-1], Image.Resampling.BILINEAR))
    return (1.0 - np.clip(paper / np.maximum(brightness, 0.05), 0.0, 1.0)).astype(np.float32)


def suppress_background(ink: np.ndarray) -> np.ndarray:
    """Zero the background, stretch the ink to full strength and drop specks of noise and faint shading.

    MNIST digits lie on a pure black ground with saturated strokes; paper grey, JPEG noise, stray
    dots and the faint rest of a shadow's edge have no place there. Raises ``EmptyImageError`` when
    nothing stands out.
    """
    background = background_level(ink)
    contrast = float(ink.max()) - background
    if contrast < MIN_CONTRAST:
        raise EmptyImageError("No digit found: the image is blank or a single colour. Draw or upload a digit.")
    strength = np.clip((ink - background) / contrast, 0.0, 1.0)
    strength[strength < INK_FLOOR] = 0.0
    ink_pixels = strength > 0
    if ink_pixels.mean() > DENSE_INK_SHARE:
        solid = ndimage.binary_opening(ink_pixels, structure=np.ones((2, 2), dtype=bool))
        if solid.sum() < SOLID_SHARE * ink_pixels.sum():
            raise NotADigitError("No digit stands out: the image looks like noise or texture. Try a digit on plain paper.")
    labels, count = ndimage.label(strength > 0, structure=np.ones((3, 3), dtype=bool))
    if count > 1:
        areas = np.bincount(labels.ravel())
        areas[0] = 0
        peaks = ndimage.maximum(strength, labels, index=np.arange(count + 1))
        specks = (areas < SPECK_FRACTION * areas.max()) | (peaks < FAINT_PEAK)
        specks[0] = False
        strength[specks[labels]] = 0.0
    return strength.astype(np.float32, copy=False)


def crop_to_ink(ink: np.ndarray) -> np.ndarray:
    """Cut the image down to the bounding box of its ink, as NIST's digits were segmented."""
    rows = np.flatnonzero(ink.any(axis=1))
    cols = np.flatnonzero(ink.any(axis=0))
    if rows.size == 0:
        raise EmptyImageError("No digit found: the image is blank. Draw or upload a digit.")
    return ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def fit_into_box(digit: np.ndarray, box: int = DIGIT_BOX) -> np.ndarray:
    """Scale the digit so its longer side is ``box`` (20) pixels, aspect ratio kept, anti-aliased.

    This is MNIST's size normalisation; the grey edge pixels come from the anti-aliasing, and the
    strongest pixel is full ink, as in MNIST.
    """
    height, width = digit.shape
    scale = box / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    resized = Image.fromarray(np.ascontiguousarray(digit, dtype=np.float32)).resize(size, Image.Resampling.BILINEAR)
    fitted = np.clip(np.asarray(resized, dtype=np.float32), 0.0, 1.0)
    peak = float(fitted.max())
    if peak <= 0.0:
        raise EmptyImageError("No digit found: the ink is too faint. Draw or upload a digit.")
    return fitted / np.float32(peak)


def center_by_mass(digit: np.ndarray, size: int = IMAGE_SIZE) -> np.ndarray:
    """Place the digit in a ``size`` x ``size`` black field with its centre of mass at the centre.

    This is MNIST's final step: the 20x20 digit is translated so that the mean position of its
    ink falls on the middle of the 28x28 image.
    """
    height, width = digit.shape
    center_y, center_x = ndimage.center_of_mass(digit)
    middle = size / 2.0  # MNIST's centres of mass average (14.0, 14.0) in pixel-index coordinates
    top = int(np.clip(round(middle - center_y), 0, size - height))
    left = int(np.clip(round(middle - center_x), 0, size - width))
    field = np.zeros((size, size), dtype=np.float32)
    field[top : top + height, left : left + width] = digit
    return field


@dataclass(frozen=True)
class PreprocessSteps:
    """Every intermediate image of :func:`preprocess`, to show a user what the model saw and why."""

    upright: Image.Image
    gray: np.ndarray
    ink: np.ndarray
    flattened: np.ndarray
    cleaned: np.ndarray
    cropped: np.ndarray
    boxed: np.ndarray
    result: np.ndarray


def preprocess_steps(data: ImageInput) -> PreprocessSteps:
    """Run the whole MNIST recipe and keep each stage (see the module docstring)."""
    upright = composite_on_white(apply_exif_orientation(open_image(data)))
    gray = to_grayscale(limit_size(upright))
    ink = to_ink(gray)
    flattened = flatten_lighting(ink)
    cleaned = suppress_background(flattened)
    cropped = crop_to_ink(cleaned)
    boxed = fit_into_box(cropped)
    return PreprocessSteps(upright, gray, ink, flattened, cleaned, cropped, boxed, center_by_mass(boxed))


def preprocess(data: ImageInput) -> np.ndarray:
    """Turn any image of one digit into the (28, 28) float32 array the model expects."""
    return preprocess_steps(data).result
