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
import struct
import zlib
from dataclasses import dataclass, replace
from typing import BinaryIO, Union

import numpy as np
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener
from scipy import ndimage

from .constants import DIGIT_BOX, IMAGE_SIZE
from .errors import EmptyImageError, ImageTooLargeError, ImageTooSmallError, InvalidImageError, NotADigitError
from .imaging import closing, max_pool, median
from .ink import INK_FLOOR
from .paper import keep_the_page, remove_ruled_lines
from .pdf import is_pdf, render_page

ImageInput = Union[bytes, bytearray, memoryview, BinaryIO, Image.Image, np.ndarray]

register_heif_opener()  # Pillow opens HEIC/HEIF (iPhone photos), turned as the file says, like any other format

IMAGE_TYPES = ("png", "jpg", "jpeg", "webp", "bmp", "gif", "tif", "tiff", "heic", "heif")
"""The file name extensions of the images read, as the uploaders (and archives) take them."""

UPLOAD_TYPES = (*IMAGE_TYPES, "pdf")
"""What the uploaders take: the images, and PDF scans (a page rendered as an image, ``pdf.render_page``)."""

FORMATS = "PNG, JPEG, WebP, BMP, GIF, TIFF, HEIC or PDF"
"""The formats read, as the messages name them."""

DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, TypeError, KeyError, IndexError, RuntimeError,
                 struct.error, zlib.error)
"""What Pillow's decoders raise on a damaged file (a cut-short TIFF's list of pages raises TypeError, a GIF
with a damaged block struct.error, a HEIC declaring a size other than its pixels' RuntimeError; found by
cutting and flipping bytes of good files)."""

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

MOST_BLOBS = 100
"""A digit is a blob or two of ink, and a number a few per digit (a long one written with pen lifts, a few
dozen). More blobs than this that are not specks (``SPECK_FRACTION``) are text, a pattern or noise, not
writing to read (a page of printed text holds thousands). Each blob is weighed on its own further on, so
this also bounds the time and memory one image can take."""

TOO_MANY_MARKS = ("Too many separate marks to read: this looks like text, a pattern or noise, not a digit or a number. "
                  "Crop a photo or scan to the writing; on the canvas, clear it and draw again.")


def open_image(data: ImageInput) -> Image.Image:
    """Decode bytes, a file object, a NumPy array or a PIL image into a fully loaded PIL image (a PDF
    gives its first page, rendered).

    The size is checked from the header before any pixel is decoded, so a decompression bomb is
    refused without using its memory; animated images give their first frame.
    """
    if isinstance(data, Image.Image):
        image = data
    elif isinstance(data, np.ndarray):
        if np.issubdtype(data.dtype, np.floating) and not np.isfinite(data).all():
            raise InvalidImageError(f"This array holds values that are not numbers (NaN or infinite), shape {data.shape}.")
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
        if is_pdf(raw):  # a scan saved as PDF: its first page, rendered
            image = render_page(raw, 0)
        else:
            try:
                image = Image.open(io.BytesIO(raw))
            except Image.DecompressionBombError as err:
                raise ImageTooLargeError("The image is too large to open safely.") from err
            except (UnidentifiedImageError, *DECODE_ERRORS) as err:
                raise InvalidImageError(f"The file is not an image this app can read ({FORMATS}).") from err
            decode_reduced(image)
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ImageTooLargeError(
            f"The image is {width}x{height} pixels; images up to {MAX_PIXELS // 1_000_000} megapixels are accepted."
        )
    try:
        frames = getattr(image, "n_frames", 1)
    except DECODE_ERRORS:
        frames = 2  # later pages or frames are damaged: the first may still be whole
    try:
        if frames > 1:
            image.seek(0)
        image.load()
    except Image.DecompressionBombError as err:
        raise ImageTooLargeError("The image is too large to open safely.") from err
    except DECODE_ERRORS as err:
        raise InvalidImageError("The image file is damaged or incomplete and cannot be read.") from err
    if min(width, height) < MIN_SIDE:
        raise ImageTooSmallError(f"The image is {width}x{height} pixels; a digit needs at least {MIN_SIDE}x{MIN_SIDE}.")
    return convertible(image)


def convertible(image: Image.Image) -> Image.Image:
    """An image in a mode Pillow can convert to grey and colour: a CIELab scan (as some scanners and
    Photoshop save TIFFs) gives its lightness channel, which is the grey a person sees; premultiplied
    alpha is undone. Other modes pass unchanged."""
    if image.mode == "LAB":
        return image.getchannel("L")
    if image.mode in ("La", "RGBa"):
        return image.convert(image.mode.upper())
    return image


def decode_reduced(image: Image.Image, longest: int = WORK_SIDE) -> Image.Image:
    """Let a large JPEG decode at 1/2, 1/4 or 1/8 of its size (JPEG's own DCT scaling) while at least
    ``longest`` pixels remain on its longest side, as ``limit_size`` would reduce it anyway: a phone photo
    decodes several times faster and in a fraction of the memory. Other formats decode whole."""
    width, height = image.size
    if image.format == "JPEG" and max(width, height) >= 2 * longest:
        scale = longest / max(width, height)
        image.draft(None, (max(1, int(width * scale)), max(1, int(height * scale))))
    return image


def displayable(image: Image.Image) -> Image.Image:
    """An 8-bit copy a browser can show and PNG can store (16-bit, float, CMYK and other modes cannot be)."""
    if image.mode in ("RGB", "RGBA", "L", "LA"):
        return image
    if image.mode.startswith(("I", "F")):
        return Image.fromarray((to_grayscale(image) * 255).astype(np.uint8))
    return image.convert("RGB")


def apply_exif_orientation(image: Image.Image) -> Image.Image:
    """Turn a photo upright as its EXIF orientation tag says (phones store pixels sideways)."""
    try:
        if image.getexif().get(ExifTags.Base.Orientation, 1) not in range(2, 9):
            return image  # upright already (a canvas, most scans): no copy
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


SCAN_CELLS = 32
"""A low-resolution scan stores a digit in a grid of at most this many cells a side (Semeion and USPS: 16)."""


def cell_side(gray: np.ndarray) -> int:
    """Side, in pixels, of the square cells a bilevel image is made of: k when it is a smaller image enlarged
    k times without smoothing (every k x k block one value), 1 when it is not enlarged, 0 when it is not bilevel
    (it holds more than two grey levels, or one)."""
    low, high = float(gray.min()), float(gray.max())
    if low == high or not np.all((gray == low) | (gray == high)):
        return 0
    changes = [np.flatnonzero(np.any(np.diff(gray, axis=axis) != 0, axis=1 - axis)) + 1 for axis in (0, 1)]
    return int(np.gcd.reduce(np.concatenate([*changes, gray.shape]).astype(np.int64)))


def is_low_resolution_scan(gray: np.ndarray) -> bool:
    """Whether the image is a low-resolution scan as digit sets store them: bilevel (a scanner's black-and-white
    mode, binarised at a threshold), a grid of at most ``SCAN_CELLS`` cells a side, uploaded as it is or enlarged
    without smoothing. Semeion's digits are 16x16 such grids; they lost MNIST's grey edges, and their own aspect
    when stretched to fill the grid, so the app reads them with networks trained on more of them (``model``)."""
    side = cell_side(gray)
    return side > 0 and max(gray.shape) <= SCAN_CELLS * side


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
    return median(values)


def to_ink(gray: np.ndarray, evenly_lit: bool = False) -> np.ndarray:
    """Make ink bright on a dark ground, the MNIST polarity (white ink on black).

    Dark ink on light paper (the usual drawing, scan or photo) is inverted; light ink on a dark ground
    (an MNIST sample) is kept. It is taken for light ink only where the lightest pixel stands farther
    from the image's median grey (``background_level``) than the darkest, and, unless the image is known
    to be ``evenly_lit`` (a binary low-resolution scan), more of it stands out lighter than the ground
    around it than darker (``ground_level``). The first measure alone was fooled by uneven light: the light
    side of a page lit from one side stood farther from the median than pencil or a red pen on its shaded
    side. The second is not (a change in the light stands out by as much on both sides of it), but it
    cannot tell which is ink where the ink covers most of the image (a 1 in a scan stretched to fill its box).
    """
    background = background_level(gray)
    if float(gray.max()) - background < background - float(gray.min()):
        return 1.0 - gray
    if evenly_lit:
        return gray
    reduced, ground = ground_level(gray)
    stands_out = reduced - ground
    lighter = float(np.maximum(stands_out, 0.0).sum()) >= float(np.maximum(-stands_out, 0.0).sum())
    return gray if lighter else 1.0 - gray


GROUND_CELLS = 48
"""``ground_level`` works on a grid of about this many cells along the image's shorter side."""


def ground_level(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The image as a grid of cells (``GROUND_CELLS`` along its shorter side; each its mean grey) and the
    ground's grey in each: the median of the cells around it, over ``_lighting_span`` of the image.

    Writing on a page covers a minority of any such part of it, so the median is the paper's (or the
    ground's) grey there, however the light falls across the page. A digit that fills its image may cover
    more (a 1 in a scan stretched to fill its box), which is why ``to_ink`` does not ask this of such scans.
    """
    factor = max(1, min(gray.shape) // GROUND_CELLS)
    height, width = gray.shape[0] // factor * factor, gray.shape[1] // factor * factor  # the last few pixels left out
    reduced = gray[:height, :width].reshape(height // factor, factor, width // factor, factor).mean(axis=(1, 3))
    window = max(3, math.ceil(_lighting_span(gray.shape) / factor) // 2 * 2 + 1)  # odd: centred on each cell
    return reduced, ndimage.median_filter(reduced, window, mode="nearest")


def flatten_lighting(ink: np.ndarray, window: int | None = None) -> np.ndarray:
    """Even out uneven light on paper (a shadow, a lamp to one side) so only the ink stands out.

    MNIST's scans had perfectly even paper. The paper's own brightness is estimated by a
    morphological closing over a sixth of the image, and at least 12 pixels (it erases the
    strokes, which are narrower, and follows the edge of a shadow), and the image is divided by
    it. Evenly lit input - the canvas, scans, MNIST itself - passes unchanged. Given a ``window``
    (see ``pen_window``), the closing is taken over that many pixels, at full resolution.
    """
    paper = 1.0 - ink
    if window is not None:
        brightness = closing(paper, window // 2 * 2 + 1)  # odd: centred on each pixel, a sharp edge stays where it is
    else:
        factor = max(1, min(paper.shape) // 48)
        estimate = closing(max_pool(paper, factor), max(3, math.ceil(_lighting_span(paper.shape) / factor)))
        if float(estimate.max() - estimate.min()) < LIGHTING_TOLERANCE:
            return ink
        estimate = ndimage.uniform_filter(estimate, 3, mode="nearest")
        brightness = np.asarray(Image.fromarray(estimate.astype(np.float32)).resize(paper.shape[::-1], Image.Resampling.BILINEAR))
    return (1.0 - np.clip(paper / np.maximum(brightness, 0.05), 0.0, 1.0)).astype(np.float32)


def _lighting_span(shape: tuple[int, ...]) -> float:
    """How widely ``flatten_lighting`` looks before the pen is known, in pixels: a sixth of the image, and at
    least ``LIGHTING_WINDOW_MIN`` (wider than any pen stroke)."""
    return max(LIGHTING_WINDOW_MIN, min(shape) / 6)


PEN_WINDOW = 3
"""Where the light was uneven, it is evened out again over this many pen widths (see ``pen_window``)."""

STROKES_SHARE = 0.08
"""Ink that covers less than this share of the image is strokes, whose pen can be measured; more is a page
or its shading taken for ink, and no pen is measured in it."""

SHADE_DROPPED = 0.05
"""The second look is taken only where it leaves at least this share of the first look's ink as paper: where it
finds no shading, the first look stands (a look over a narrower window alone would only move the strokes' edges)."""


def pen_window(cleaned: np.ndarray) -> int | None:
    """How widely to look again at uneven light, in pixels, now that the ink is known: ``PEN_WINDOW`` pen widths;
    None where that would be no narrower than ``flatten_lighting`` looked the first time.

    MNIST's paper was evenly lit. Over a sixth of the image, the window ``flatten_lighting`` must use before
    the pen is known, a shaded part of a page narrower than that (a corner of the page in the shadow of a
    hand, the strip between a shadow's edge and the page's, a page a little darker than the pale desk it lies
    on) is taken for ink. Strokes are only as wide as the pen, so once the ink has been found, the light is
    evened out again over a few pen widths, and such shading is left as paper. The pen's width is twice the
    median depth of the ink's ridges (the middle of its strokes) in the strong ink of the larger blobs, closed over
    3x3 pixels first: pencil leaves pores of paper between its grains, and measured from them its pen looked a pixel
    or two wide, so a bold pencil digit was evened out over a few pixels and lost as shading.
    """
    if (cleaned > 0).mean() >= STROKES_SHARE:
        return None
    strong = cleaned >= 0.5
    rows, cols = np.flatnonzero(strong.any(axis=1)), np.flatnonzero(strong.any(axis=0))
    if not rows.size:
        return None
    strong = strong[max(rows[0] - 2, 0) : rows[-1] + 3, max(cols[0] - 2, 0) : cols[-1] + 3]  # the same, faster
    strong = ndimage.binary_closing(strong, np.ones((3, 3), dtype=bool))  # pencil's pores filled
    labels, count = ndimage.label(strong, structure=np.ones((3, 3), dtype=bool))
    if not count:
        return None  # a speck of strong ink on the image's edge, closed away
    areas = np.bincount(labels.ravel())
    areas[0] = 0
    strokes = np.pad((areas >= 0.1 * areas.max())[labels], 1)  # paper all round, also where ink meets the edge
    depth = ndimage.distance_transform_edt(strokes)
    ridge = strokes & (depth >= ndimage.maximum_filter(depth, 3))
    window = max(LIGHTING_WINDOW_MIN, math.ceil(PEN_WINDOW * 2 * float(np.median(depth[ridge]))))
    return window if window < _lighting_span(cleaned.shape) else None


def suppress_background(ink: np.ndarray, speck_fraction: float = SPECK_FRACTION) -> np.ndarray:
    """Zero the background, stretch the ink to full strength and drop specks of noise and faint shading.

    MNIST digits lie on a pure black ground with saturated strokes; paper grey, JPEG noise, stray
    dots and the faint rest of a shadow's edge have no place there. Raises ``EmptyImageError`` when
    nothing stands out, ``NotADigitError`` for noise or more than ``MOST_BLOBS`` blobs. Blobs under
    ``speck_fraction`` of the largest one's area are specks (a whole number's decimal point is kept with 0).
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
    labels, count = ndimage.label(ink_pixels, structure=np.ones((3, 3), dtype=bool))
    if count > 1:
        areas = np.bincount(labels.ravel())
        areas[0] = 0
        peaks = np.zeros(count + 1, dtype=strength.dtype)  # each blob's strongest pixel (ndimage.maximum sorts the image)
        np.maximum.at(peaks, labels[ink_pixels], strength[ink_pixels])
        if np.count_nonzero((areas >= SPECK_FRACTION * areas.max()) & (peaks >= FAINT_PEAK)) > MOST_BLOBS:
            raise NotADigitError(TOO_MANY_MARKS)
        specks = (areas < speck_fraction * areas.max()) | (peaks < FAINT_PEAK)
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
    low_resolution_scan: bool = False  # bilevel, at most SCAN_CELLS cells a side: read by the scan reader
    underline_left_out: bool = False  # a line under the one digit, left out by numbers.one_digit

    def for_showing(self, longest: int = WORK_SIDE) -> PreprocessSteps:
        """These steps as a page keeps them to show: without the working ink maps (``gray``, ``ink``,
        ``flattened``, ``cleaned``, left empty: 3 MB each for a phone photo), and with the upright image in 8 bits
        (``displayable``) and at most ``longest`` pixels on its longest side, the size the maps were made at: a
        40-megapixel scan would otherwise be kept at 117 MB. The pages show the upright image and the 28x28 stages,
        and read nothing more from the maps. Not for reading again; a number's boxes are scaled with the image
        (``NumberReading.for_showing``)."""
        empty = np.zeros((0, 0), dtype=np.float32)
        upright = self.upright if max(self.upright.size) <= longest else limit_size(displayable(self.upright), longest)
        return replace(self, upright=upright, gray=empty, ink=empty, flattened=empty, cleaned=empty)


def upright_image(data: ImageInput) -> Image.Image:
    """The image as a person sees it: decoded (``open_image``), turned upright and laid on white. Given to
    ``preprocess_steps`` in place of the file, it is not opened again."""
    return composite_on_white(apply_exif_orientation(open_image(data)))


def preprocess_steps(data: ImageInput) -> PreprocessSteps:
    """Run the whole MNIST recipe and keep each stage (see the module docstring)."""
    upright = upright_image(data)
    gray = to_grayscale(limit_size(upright))
    scan = is_low_resolution_scan(gray)
    if not scan:  # a grid of a few dozen cells is no photo of a note on a desk: its ink at the frame's edge is no desk
        gray = keep_the_page(gray)
    ink = to_ink(gray, evenly_lit=scan)
    lit = flatten_lighting(ink)
    flattened = remove_ruled_lines(lit)
    cleaned = suppress_background(flattened)
    window = pen_window(cleaned) if lit is not ink else None
    if window is not None:  # uneven light: evened out again, as closely as the pen allows
        second = remove_ruled_lines(flatten_lighting(ink, window))
        try:
            again = suppress_background(second)
        except (EmptyImageError, NotADigitError):
            again = None  # nothing clear was left: the first look stands
        if again is not None and np.count_nonzero(again) <= (1 - SHADE_DROPPED) * np.count_nonzero(cleaned):
            flattened, cleaned = second, again  # it found shading, and left it as paper
    cropped = crop_to_ink(cleaned)
    boxed = fit_into_box(cropped)
    return PreprocessSteps(upright, gray, ink, flattened, cleaned, cropped, boxed, center_by_mass(boxed), scan)


def preprocess(data: ImageInput) -> np.ndarray:
    """Turn any image of one digit into the (28, 28) float32 array the model expects."""
    return preprocess_steps(data).result
