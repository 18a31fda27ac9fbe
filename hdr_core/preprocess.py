"""Any user image -> an MNIST-style (28, 28) float32 array: white ink on black, values in [0, 1].

MNIST was made from NIST's binary scans (LeCun, Cortes, Burges): each digit was size-normalised
to fit a 20x20 box while keeping its aspect ratio, anti-aliased to grey levels, and placed in a
28x28 field so that its centre of mass sits at the centre. A model trained on MNIST has only
ever seen digits made that way, so every image a person draws or photographs is put through the
same recipe here, one small function per step, before the model sees it.
"""

from __future__ import annotations

import functools
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


PAGE_MAP_SIDE = 128
"""A photographed page is looked for on a copy about this many pixels across."""

PAGE_SHARE = (0.10, 0.97)
"""A page photographed on a desk fills between these shares of the frame."""

PAGE_BORDER = 0.7
"""What lies around a page (a desk) runs along at least this share of the frame's edge. A shadow
across a sheet that fills the frame does not: the lit part of the sheet reaches the edge."""

PAGE_RECTANGULAR = 0.85
"""A page is a rectangle, seen a little askew: its area is at least this share of the smallest
turned rectangle around it (an ellipse, such as a light 0 on a dark ground, is 0.79)."""

PAGE_DESK = 0.75
"""What lies around a page is at most this share of the page's lightness: clearly darker."""

PAGE_SHADES = (0.4, 0.2, 0.1)
"""Paper in shadow is still paper: the page is what is lighter than the desk by one of these shares of
the way from the desk's grey to the paper's. Where a shadow falls across the page (a phone held over
it), only a lower share takes in its shaded part; the most rectangular region found is the page."""

PAGE_WRITING = 0.001
"""A page holds writing: at least this share of it is as dark as ink."""

PAGE_HOLES = 0.25
"""Writing on a page covers less than this share of it."""

PAGE_STROKE = (0.08, 0.2)
"""A stroke written up to the page's edge cuts a notch into the light region taken for the page. A notch
whose ink is at most the first share of the page's shorter side thick (from its middle to its nearest
edge: half a pen's width, not a shadow's or the desk's) and reaches at least the second share of it in
from the page's edge (a digit's stroke runs into the page; the rim of a shadow or of the page itself
lies along its edge) is the writing, and is given back to the page."""


def _median(values: np.ndarray) -> float:
    """``np.median(values)``, found without sorting where one extreme value fills more than half of
    them (the white of a canvas, the black ground of its ink): that value is then the median."""
    flat = values.ravel()
    for extreme in (flat.max(), flat.min()) if flat.size else ():
        if np.count_nonzero(flat == extreme) > flat.size // 2:
            return float(extreme)
    return float(np.median(flat))


def _histogram(values: np.ndarray, bins: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """``np.histogram(values, bins, range=(0.0, 1.0))`` of values in [0, 1], counted directly: the same
    counts and edges (scaling by a power of two is exact), without its general checks."""
    counts = np.bincount(np.minimum((values * bins).astype(np.intp), bins - 1).ravel(), minlength=bins)
    return counts, np.linspace(0.0, 1.0, bins + 1, dtype=np.result_type(0.0, 1.0, values))


def _threshold(values: np.ndarray) -> float:
    """Otsu's threshold: the grey level that best splits the values (in [0, 1]) into a darker and a lighter group."""
    counts, edges = _histogram(values)
    share = counts / max(counts.sum(), 1)
    below = np.cumsum(share)[:-1]
    mean_below = np.cumsum(share * (edges[:-1] + edges[1:]) / 2)[:-1]
    total = mean_below[-1] + share[-1] * (edges[-2] + edges[-1]) / 2
    between = (total * below - mean_below) ** 2 / np.maximum(below * (1.0 - below), 1e-12)
    return float(edges[1:-1][np.argmax(between)])


def _hull_corners(mask: np.ndarray) -> np.ndarray | None:
    """The corners (x, y) of the mask's convex hull, in order; None where the mask has no area (a line)."""
    from scipy.spatial import ConvexHull, QhullError

    points = np.argwhere(mask & ~ndimage.binary_erosion(mask))[:, ::-1].astype(np.float64)  # its edge holds every corner
    try:
        return points[ConvexHull(points).vertices]
    except (QhullError, ValueError):
        return None


def _rectangularity(mask: np.ndarray) -> float:
    """The mask's area over that of the smallest turned rectangle holding it (1 for a rectangle)."""
    corners = _hull_corners(mask)
    if corners is None:
        return 0.0
    sides = np.diff(np.vstack([corners, corners[:1]]), axis=0)
    best = np.inf
    for angle in np.arctan2(sides[:, 1], sides[:, 0]):  # the smallest rectangle has a side along the hull's
        cos, sin = np.cos(angle), np.sin(angle)
        turned = corners @ np.array([[cos, -sin], [sin, cos]])  # each side in turn laid level
        best = min(best, float(np.prod(np.ptp(turned, axis=0) + 1.0)))
    return float(mask.sum()) / best


def _convex_hull(mask: np.ndarray) -> np.ndarray:
    """The mask with its convex hull filled in (the mask itself where it has no area)."""
    from PIL import ImageDraw

    corners = _hull_corners(mask)
    if corners is None:
        return mask
    hull = Image.new("1", mask.shape[::-1])
    ImageDraw.Draw(hull).polygon([tuple(corner) for corner in corners], fill=1, outline=1)
    return np.asarray(hull) | mask


def _stroke_limits(page: np.ndarray) -> tuple[float, float]:
    """How thick a pen's stroke on the page may be (from its middle to its nearest edge), and how far into the
    page a stroke written up to its edge reaches at least (``PAGE_STROKE``), in pixels of the page's map."""
    rows, cols = np.nonzero(page)
    side = min(np.ptp(rows), np.ptp(cols)) + 1
    return PAGE_STROKE[0] * side, PAGE_STROKE[1] * side


def _writing_at_the_edge(page: np.ndarray, dark: np.ndarray) -> np.ndarray:
    """The notches that writing cuts into the page, to be given back to it (see ``PAGE_STROKE``).

    MNIST's forms had nothing but paper around the writing, so all the writing must stay on the page.
    A digit written large on a note often runs to the note's edge, and its strokes then join the desk
    around it: the light region taken for the page has a notch there, and the strokes (with a loop
    they close, a 0's or a 9's) would be blanked with the desk. Each notch (the page's convex hull less
    the page) whose ink (``dark``: ink-dark pixels) is as thin as a pen's stroke and runs well into the
    page is put back. A notch that a shadow or the desk makes is broad, and the rim of a shadow or of
    the page lies along its edge: they stay out.
    """
    hull = _convex_hull(page)
    notches, count = ndimage.label(hull & ~page)
    given_back = np.zeros_like(page)
    if not count:
        return given_back
    thickest, shallowest = _stroke_limits(page)
    depth = ndimage.distance_transform_edt(np.pad(hull, 1))[1:-1, 1:-1]  # from the page's edge (its hull's)
    for box, k in zip(ndimage.find_objects(notches), range(1, count + 1)):
        notch = notches[box] == k
        ink = notch & dark[box]
        if not ink.any() or float(depth[box][ink].max()) < shallowest:
            continue
        if float(ndimage.distance_transform_edt(np.pad(ink, 1)).max()) <= thickest:  # padded: the box's edge is no edge of the ink
            given_back[box] |= notch
    return given_back


def _frame_edge(values: np.ndarray) -> np.ndarray:
    """The pixels along the four sides of an image, in one row."""
    return np.concatenate([values[0], values[-1], values[:, 0], values[:, -1]])


def _page_region(light: np.ndarray) -> tuple[np.ndarray, float] | None:
    """The largest light region of a reduced photo, holes filled, and its rectangularity, if it could be
    a page on a desk: it fills a plausible share of the frame, the desk runs along most of the frame's
    edge, writing leaves only small holes in it, and it is rectangular. None otherwise."""
    if not light.any():
        return None
    labels, _ = ndimage.label(light)
    page = ndimage.binary_fill_holes(labels == 1 + int(np.argmax(np.bincount(labels.ravel())[1:])))
    if not (PAGE_SHARE[0] <= page.mean() <= PAGE_SHARE[1]) or (~_frame_edge(page)).mean() < PAGE_BORDER:
        return None
    if (page & ~light).sum() > PAGE_HOLES * page.sum():
        return None
    rectangularity = _rectangularity(page)
    return (page, rectangularity) if rectangularity >= PAGE_RECTANGULAR else None


def _page_on_a_desk(gray: np.ndarray, factor: int, small: np.ndarray, light: np.ndarray,
                    pale: bool) -> tuple[np.ndarray, np.ndarray] | None:
    """Where the page lies in a photo of it on a desk (see ``keep_the_page``), in its copy ``small``
    reduced ``factor`` times (split by ``light``): the page less its own edge, and that less its writing (the
    strokes given back to it by ``_writing_at_the_edge``, and any other), its paper alone; or None where no
    page is found.

    On a dark desk the page is the largest region lighter than the desk; on a ``pale`` one (lighter
    than the page), the largest region darker than the desk, taken only where the page is darker
    by more than ``INK_FLOOR`` (its edge would otherwise be read as ink) and holds something darker
    still (a drawing's strokes on a white canvas are darker than the canvas, but hold nothing darker).
    """
    if not pale:
        desk, paper = _median(small[~light]), _median(small[light])
        if desk > PAGE_DESK * paper:
            return None
        ink = (desk + paper) / 2
        regions = (small > desk + shade * (paper - desk) for shade in PAGE_SHADES)
    else:
        if (~_frame_edge(light)).mean() > 1 - PAGE_BORDER:
            return None  # the frame's edge is not mostly pale desk
        desk, paper = _median(small[light]), _median(small[~light])
        ink = paper - (desk - paper) / 2
        if paper > (1 - INK_FLOOR) * desk or float(gray.min()) >= ink:
            return None
        regions = (small < desk - shade * (desk - paper) for shade in PAGE_SHADES)
    found = [region for region in map(_page_region, regions) if region]
    if not found:
        return None
    darkest = -_max_pool(-gray, factor)
    dark = darkest < ink  # the darkest pixel of each block as dark as ink: thin strokes count
    page = max(found, key=lambda region: region[1])[0]  # the first of equals: the threshold nearest the desk's grey
    strokes = _writing_at_the_edge(page, dark)
    inner = ndimage.binary_erosion(page | strokes, iterations=2)  # the page's own edge is shaded: blank it too
    writing = inner & dark
    if writing.sum() < max(4, PAGE_WRITING * inner.sum()):
        return None  # a blank patch (a 0 drawn to fill its box, light inside dark ink) is no page
    # The paper alone, its grey to be carried onto the desk: not the strokes given back, nor any other writing
    # (a stroke may end on the page's edge without cutting into it), each with its blurred rim. Writing is what
    # is darker than the paper around it (its grey with strokes closed over) by as much as ink is darker than
    # paper; a shadow is broader than any stroke, and stays paper.
    around = _closing(small, 2 * math.ceil(_stroke_limits(page)[0]) + 1)
    written = inner & (darkest < around - abs(paper - ink))
    kept = inner & ~ndimage.binary_dilation(strokes, iterations=2)
    alone = kept & ~ndimage.binary_dilation(written)
    return inner, alone if alone.any() else kept


def keep_the_page(gray: np.ndarray) -> np.ndarray:
    """Blank what lies around a photographed page or note (a desk), so that only paper and ink remain.

    MNIST's digits were scanned from forms that filled the scanner: there was nothing but paper
    around the writing. In a phone photo of a note on a desk, the desk would be read as ink (or
    the note itself, where the desk fills most of the frame). The page is the largest light region
    of a reduced copy (each pixel the lightest of its block, so the writing drops out), its holes
    filled, at whichever of a few thresholds (``PAGE_SHADES``: a shadow across the page) makes it
    most rectangular; when it is clearly lighter than its surroundings, rectangular, and surrounded
    along much of the frame's edge, everything outside it, and its own edge, is given the grey of
    the nearest paper of the page (not of its writing), as if the paper went on; writing that runs to
    the page's edge stays (``_writing_at_the_edge``). A page darker than a pale desk (a sticky note on a
    white table) is found the same way, light and dark swapped.
    Anything else passes unchanged.
    """
    if min(gray.shape) < 64:
        return gray
    factor = max(1, min(gray.shape) // PAGE_MAP_SIDE)
    small = _max_pool(gray, factor)
    light = small > _threshold(small)
    if not light.any() or light.all():
        return gray
    edge = _frame_edge(gray)
    found = None
    if np.count_nonzero(edge < PAGE_DESK * float(gray.max())) >= PAGE_BORDER / 2 * edge.size:
        found = _page_on_a_desk(gray, factor, small, light, pale=False)  # much of the frame's edge is dark: perhaps a desk
    if found is None:
        found = _page_on_a_desk(gray, factor, small, light, pale=True)
    if found is None:
        return gray
    inner, paper = found
    # Outside, the paper's own grey goes on as it was at the nearest point of the page (lit or shaded), not
    # of writing that reaches its edge, which would be drawn on across the desk as a streak of ink.
    nearest = ndimage.distance_transform_edt(~paper, return_distances=False, return_indices=True)
    carried = Image.fromarray(small[nearest[0], nearest[1]].astype(np.float32)).resize(gray.shape[::-1], Image.Resampling.BILINEAR)
    kept = np.asarray(Image.fromarray(inner).resize(gray.shape[::-1], Image.Resampling.NEAREST))
    return np.where(kept, gray, np.asarray(carried, dtype=np.float32))


def background_level(values: np.ndarray) -> float:
    """The grey level of the paper (or ground): the median of the whole image.

    A digit covers a minority of its image even when drawn thick, cropped tight or stretched to
    fill its box (scanned digit sets such as Semeion), where it touches the border on every side;
    the border alone would then be read as ink.
    """
    return _median(values)


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
    padded = values
    if height % factor or width % factor:
        padded = np.pad(values, ((0, -height % factor), (0, -width % factor)), mode="edge")
    # Strided element-wise maxima: ten times faster than reducing a reshaped (h, f, w, f) array.
    rows = padded[0::factor].copy()
    for i in range(1, factor):
        np.maximum(rows, padded[i::factor], out=rows)
    pooled = rows[:, 0::factor].copy()
    for j in range(1, factor):
        np.maximum(pooled, rows[:, j::factor], out=pooled)
    return pooled


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
        brightness = _closing(paper, window // 2 * 2 + 1)  # odd: centred on each pixel, a sharp edge stays where it is
    else:
        factor = max(1, min(paper.shape) // 48)
        estimate = _closing(_max_pool(paper, factor), max(3, math.ceil(_lighting_span(paper.shape) / factor)))
        if float(estimate.max() - estimate.min()) < LIGHTING_TOLERANCE:
            return ink
        estimate = ndimage.uniform_filter(estimate, 3, mode="nearest")
        brightness = np.asarray(Image.fromarray(estimate.astype(np.float32)).resize(paper.shape[::-1], Image.Resampling.BILINEAR))
    return (1.0 - np.clip(paper / np.maximum(brightness, 0.05), 0.0, 1.0)).astype(np.float32)


def _lighting_span(shape: tuple[int, ...]) -> float:
    """How widely ``flatten_lighting`` looks before the pen is known, in pixels: a sixth of the image, and at
    least ``LIGHTING_WINDOW_MIN`` (wider than any pen stroke)."""
    return max(LIGHTING_WINDOW_MIN, min(shape) / 6)


def _closing(values: np.ndarray, size: int) -> np.ndarray:
    """A grey closing over a size x size square: the lightest value nearby, then the darkest of those."""
    return ndimage.minimum_filter(ndimage.maximum_filter(values, size, mode="nearest"), size, mode="nearest")


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
    median depth of the ink's ridges (the middle of its strokes) in the strong ink of the larger blobs.
    """
    if (cleaned > 0).mean() >= STROKES_SHARE:
        return None
    strong = cleaned >= 0.5
    labels, count = ndimage.label(strong, structure=np.ones((3, 3), dtype=bool))
    if not count:
        return None
    areas = np.bincount(labels.ravel())
    areas[0] = 0
    strokes = (areas >= 0.1 * areas.max())[labels]
    rows, cols = np.flatnonzero(strokes.any(axis=1)), np.flatnonzero(strokes.any(axis=0))
    strokes = np.pad(strokes[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1], 1)  # the same depths, found faster
    depth = ndimage.distance_transform_edt(strokes)
    ridge = strokes & (depth >= ndimage.maximum_filter(depth, 3))
    window = max(LIGHTING_WINDOW_MIN, math.ceil(PEN_WINDOW * 2 * float(np.median(depth[ridge]))))
    return window if window < _lighting_span(cleaned.shape) else None


LINE_MAP_SIDE = 128
"""Ruled lines are looked for on a copy about this many pixels across (each pixel the brightest of its block)."""

LINE_TILT = 12.0
"""Largest tilt of a ruled line, in degrees: a page photographed a little askew."""

LINE_TILT_STEP = 0.25
"""Finest tilt tried, in degrees (first whole degrees, then quarters around the best): over a
1,000-pixel photo a line is then less than a pixel off."""

LINE_COVER = 0.75
"""A ruled line is marked along at least this share of its length; a digit's stroke is far shorter."""

LINE_FAINT = 0.6
"""Printed lines are fainter than the ink written over them: at most this share of its strength."""

LINE_TRACE = 0.08
"""Pixels this share of the ink's strength above the paper count as marked when looking for lines."""


@functools.lru_cache(maxsize=256)
def _tilted_rows(height: int, width: int, degrees: float) -> tuple[np.ndarray, int, int, np.ndarray]:
    """The rows k of a ``height`` x ``width`` map tilted by ``degrees``: row k meets column c at row
    k + shift[c] (k counted from -top), ``length`` of them, and how many columns each crosses inside
    the map. The same for every image of a size, so worked out once."""
    shift = np.round(np.tan(np.deg2rad(degrees)) * (np.arange(width) - width / 2)).astype(int)
    top, length = int(shift.max()), height + int(shift.max() - shift.min())
    span = np.cumsum(np.bincount(top - shift, minlength=length + height)
                     - np.bincount(top - shift + height, minlength=length + height))[:length]
    for table in (shift, span):
        table.setflags(write=False)  # shared between calls: read only
    return shift, top, length, span


def _lines_across(marked: np.ndarray, factor: int) -> tuple[float, list[float], int] | None:
    """Straight lines of marked pixels crossing the map ``marked`` from side to side, nearly level:
    the tilt (rows per column), each line's row at the middle column in full-size pixels (the map is
    ``factor`` times smaller), and how many of them are long (not a corner's), or None."""
    height, width = marked.shape
    marked_rows, marked_cols = np.nonzero(marked)

    def along(degrees: float):
        shift, top, length, span = _tilted_rows(height, width, float(degrees))
        counts = np.bincount(marked_rows - shift[marked_cols] + top, minlength=length)
        cover = counts / np.maximum(span, 1)
        long_lines = np.flatnonzero((span >= width // 3) & (cover >= LINE_COVER))
        # Lines that leave through the top or bottom edge cross a corner only: short, but lines too.
        lines = np.flatnonzero((span >= max(8, width // 10)) & (cover >= LINE_COVER))
        return float(cover[long_lines].sum()), degrees, lines - top, long_lines

    coarse = max((along(d) for d in np.arange(-LINE_TILT, LINE_TILT + 0.5)), key=lambda found: found[0])
    fine = np.arange(-3, 4) * LINE_TILT_STEP + coarse[1]
    score, degrees, rows, long_rows = max((along(d) for d in fine), key=lambda found: found[0])
    if not score:
        return None
    # Neighbouring rows are one line: keep each run's middle.
    return float(np.tan(np.deg2rad(degrees))), [float(run.mean() + 0.5) * factor for run in _runs(rows)], len(_runs(long_rows))


def _runs(indices: np.ndarray) -> list[np.ndarray]:
    """Sorted indices split into runs of neighbours (3, 4, 5, 9, 10 -> [3, 4, 5], [9, 10])."""
    return np.split(indices, np.flatnonzero(np.diff(indices) > 1) + 1)


def remove_ruled_lines(ink: np.ndarray) -> np.ndarray:
    """Take the printed lines of ruled or squared notebook paper out, keeping the ink written over them.

    MNIST's digits were written in boxes on forms and cut out onto a plain ground: no line ever
    crossed one. Faint straight lines that run across the whole image, several of them parallel and
    level give or take ``LINE_TILT`` degrees (and lines running down it, found the same way), are
    each taken out along their length; the darker ink crossing them stays. They are looked for on a
    reduced copy (each pixel the brightest of its block). A drawing without faint marks - the
    canvas, a clean scan - passes unchanged at once.
    """
    factor = max(1, min(ink.shape) // LINE_MAP_SIDE)
    small = _max_pool(ink, factor)
    if min(small.shape) < 16:
        return ink
    paper, strongest = _median(small), float(ink.max())
    marked = small > paper + LINE_TRACE * (strongest - paper)
    if np.count_nonzero(marked & (small <= LINE_FAINT * strongest)) < min(small.shape):
        return ink  # not even one line's worth of faint marks
    across, down = _lines_across(marked, factor), _lines_across(marked.T, factor)  # both found before either goes
    if not any(found is not None and found[2] >= 2 for found in (across, down)):
        return ink  # one lone line could be a long stroke; ruled paper has many
    out = ink.copy()
    # A lone line is taken out only beside a family of lines the other way: a margin on ruled paper.
    for lines, view in ((across, out), (down, out.T)):
        if lines is not None:
            _lower_lines(view, lines[0], lines[1], strongest, factor)
    return out


LINE_BLOCKS = 8
"""A line's strength is measured in this many stretches along it, as the light along a page varies."""


def _lower_lines(ink: np.ndarray, slope: float, middles: list[float], strongest: float, factor: int) -> None:
    """Take each line across ``ink`` out (in place), undoing how a printed line shows through paper.

    Along a line, its cross-section (the median over the columns of each stretch, which the
    strokes crossing it barely move) less the paper beside it (the cross-section's lowest point)
    is what the line adds to the paper; where ink covers the line the ink alone shows, so a pixel
    ``v`` over a line adding ``p`` to paper ``b`` becomes ``b + (v - b - p) / (1 - p / (strongest - b))``:
    the paper under the line becomes the paper beside it, and the strongest ink stays as strong.
    The lines were found on a copy ``factor`` times smaller.
    """
    height, width = ink.shape
    reach = factor + 4  # rows either side of a line's estimated centre: the estimate's error, the line's width and blur
    cols = np.arange(width)
    offsets = np.arange(-reach, reach + 1)[:, None]
    blocks = np.minimum(cols * LINE_BLOCKS // width, LINE_BLOCKS - 1)
    for middle in middles:
        rows = np.round(middle + slope * (cols - factor * (-(-width // factor)) / 2))[None, :].astype(int) + offsets
        inside = (rows >= 0) & (rows < height)
        crossed = inside.all(axis=0)  # columns where the line and its surroundings are in the image
        if not crossed.any():
            continue
        strip = ink[np.clip(rows, 0, height - 1), cols]
        whole = np.median(strip[:, crossed], axis=1, keepdims=True)
        if whole.max() > LINE_FAINT * strongest:
            continue  # as strong as the ink: a stroke, not a printed line
        line = np.broadcast_to(whole, strip.shape).copy()
        for b in range(LINE_BLOCKS):
            part = (blocks == b) & crossed
            if part.sum() >= reach:
                local = np.median(strip[:, part], axis=1, keepdims=True)
                if local.max() <= LINE_FAINT * strongest:  # else a stroke runs along the line there
                    line[:, blocks == b] = local
        paper = line.min(axis=0, keepdims=True)  # the paper beside the line, which stays as it is
        clean = np.clip(paper + (strip - line) / np.maximum(1.0 - (line - paper) / (strongest - paper), 1e-3), 0.0, None)
        ink[rows[inside], np.broadcast_to(cols, rows.shape)[inside]] = clean[inside]


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


def preprocess_steps(data: ImageInput) -> PreprocessSteps:
    """Run the whole MNIST recipe and keep each stage (see the module docstring)."""
    upright = composite_on_white(apply_exif_orientation(open_image(data)))
    gray = to_grayscale(limit_size(upright))
    scan = is_low_resolution_scan(gray)
    gray = keep_the_page(gray)
    ink = to_ink(gray)
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
