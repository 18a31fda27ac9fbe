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


TRACE_LEVELS = (0.5, 0.6, 0.7, 0.8, 0.9)
"""Ink levels at which a digit's pen path may be traced, as shares of full ink. MNIST anti-aliased
its digits, so the small loops of a bold 8, 6 or 9 are grey rather than black: traced at half ink
they fill in and the redrawn digit loses them (an 8 comes out as a 6 or a hook). ``pen_core`` takes
the highest level up to which the strokes stay whole."""

CORE_EXTENT = 0.9
"""Share of its height and width at half ink that a digit's core must keep: a faint stroke may thin
but not shrink away."""


def pen_core(digit: np.ndarray, upscale: int = 4, levels: tuple[float, ...] = TRACE_LEVELS) -> np.ndarray:
    """Where the pen went: the digit enlarged ``upscale`` times (smoothly) and binarised at each of
    ``levels`` in turn, keeping the last level before its ink breaks into another count of pieces
    (8-connected) or shrinks under ``CORE_EXTENT`` of its height or width at the first. So loops that
    anti-aliasing greyed in open again, while no stroke breaks or fades away. A bool image."""
    grey = ndimage.zoom(np.asarray(digit, dtype=np.float32) / 255.0, upscale, order=1)
    eight = np.ones((3, 3), dtype=bool)

    def shape(ink):
        rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
        extent = np.array([np.ptp(rows) + 1, np.ptp(cols) + 1]) if len(rows) else np.zeros(2)
        return ndimage.label(ink, structure=eight)[1], extent

    core = grey > levels[0]
    pieces, extent = shape(core)
    for level in levels[1:]:
        ink = grey > level
        count, kept = shape(ink)
        if count != pieces or np.any(kept < CORE_EXTENT * extent):
            break
        core = ink
    return core


def skeleton(digit: np.ndarray, upscale: int = 4, levels: tuple[float, ...] = TRACE_LEVELS) -> np.ndarray:
    """Centre-line points (row, col) of a digit, in its own pixel coordinates: the path a pen took.

    The digit is enlarged first so the thinned line is smooth rather than staircased, and thinned
    from its core (``pen_core``) so that its loops stay open.
    """
    from skimage.morphology import skeletonize

    big = pen_core(digit, upscale, levels)
    points = np.argwhere(skeletonize(big)).astype(np.float32)
    if len(points) == 0:
        points = np.argwhere(big).astype(np.float32)
    return (points + 0.5) / upscale


def draw_like_canvas(digit: np.ndarray, rng: np.random.Generator, size: int = CANVAS_SIZE, slant: float = 0.0,
                     pens: tuple[float, float] = PEN_WIDTHS, levels: tuple[float, ...] = TRACE_LEVELS) -> Image.Image:
    """Redraw a dataset digit as a person draws it on the canvas.

    Its skeleton is retraced with a round black pen 10-30 px wide on a white ``size`` x ``size``
    canvas; the digit takes 40-85% of the canvas height and lies anywhere on it. ``slant`` leans
    it forward (a personal handwriting style: 0.5 moves the top half the height to the right).
    ``levels``: see ``pen_core``.
    """
    points = skeleton(digit, levels=levels)
    if slant:
        points = points + np.stack([np.zeros(len(points)), slant * (points[:, 0].max() - points[:, 0])], axis=1)
    return draw_points_like_canvas(points, rng, size, pens)


def draw_points_like_canvas(points: np.ndarray, rng: np.random.Generator, size: int = CANVAS_SIZE,
                            pens: tuple[float, float] = PEN_WIDTHS) -> Image.Image:
    """The pen path ``points`` (row, col) drawn as ``draw_like_canvas`` draws a digit's skeleton."""
    pen = float(rng.uniform(*pens))
    height = float(rng.uniform(*DIGIT_HEIGHTS)) * size
    top_left = points.min(axis=0)
    extent = np.maximum(points.max(axis=0) - top_left, 1.0)
    scale = (height - pen) / extent[0]
    if extent[1] * scale + pen > size:  # a very wide digit must still fit on the canvas
        scale = (size - pen) / extent[1]
    drawn = extent * scale + pen
    room = np.maximum(size - drawn, 0.0)
    offset = np.array([rng.uniform(0, room[0]), rng.uniform(0, room[1])]) + pen / 2
    return _paint([(points - top_left) * scale + offset], pen, (size, size))


def _paint(strokes: list[np.ndarray], pen: float, size: tuple[int, int]) -> Image.Image:
    """Black round pen marks of width ``pen`` at every (row, col) centre, on a white canvas of (width, height)."""
    canvas = Image.new("L", size, 255)
    draw = ImageDraw.Draw(canvas)
    radius = pen / 2
    for centres in strokes:
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


def _stretched_square(digit: np.ndarray, side: int) -> np.ndarray:
    """A dataset digit cropped to its ink and stretched to fill a side x side square (aspect ratio lost)."""
    from .preprocess import crop_to_ink

    crop = crop_to_ink(np.asarray(digit, dtype=np.float32) / 255.0)
    return np.asarray(Image.fromarray(crop).resize((side, side), Image.Resampling.BILINEAR), dtype=np.float32)


def fill_box_like_scans(digit: np.ndarray) -> np.ndarray:
    """A dataset digit stretched to fill a square box, as scanned sets such as Semeion and USPS
    normalise digits (aspect ratio lost), then framed as MNIST frames digits: (28, 28) float32."""
    from .preprocess import center_by_mass

    stretched = _stretched_square(digit, 20)
    return center_by_mass(np.clip(stretched / max(float(stretched.max()), 1e-6), 0.0, 1.0))


SCAN_GRIDS = (12, 20)
"""Side, in cells, of the square grid a low-resolution scan stores a digit in (Semeion: 16, USPS: 16)."""

SCAN_THRESHOLDS = (0.3, 0.6)
"""Share of the darkest ink above which a binarising scanner marks a cell as ink."""


def low_resolution_scan(digit: np.ndarray, rng: np.random.Generator) -> bytes:
    """A dataset digit as scanned digit sets store one, then uploaded: PNG bytes, dark ink on white.

    Stretched to fill a small square grid (aspect ratio lost, as ``fill_box_like_scans``),
    binarised at a scanner's threshold, and enlarged 10x without smoothing as ``semeion_as_scan``
    enlarges a Semeion digit, so it goes through the same upload preprocessing.
    """
    cells = _stretched_square(digit, int(rng.integers(SCAN_GRIDS[0], SCAN_GRIDS[1] + 1)))
    marked = cells > rng.uniform(*SCAN_THRESHOLDS) * max(float(cells.max()), 1e-6)
    return semeion_as_scan(marked.astype(np.uint8) * 255)


ELASTIC_ALPHA = 34.0
"""Strength of the elastic distortion, in pixels of a 28x28 digit (Simard, Steinkraus and Platt, 2003)."""

ELASTIC_SIGMA = 4.0
"""Smoothness of the elastic distortion: the Gaussian width of its displacement field (same paper)."""


def elastic_distortion(digit: np.ndarray, rng: np.random.Generator, alpha: float = ELASTIC_ALPHA,
                       sigma: float = ELASTIC_SIGMA) -> np.ndarray:
    """Another writer's hand: a dataset digit bent by a smooth random displacement field.

    Simard et al.'s elastic distortion, the classic MNIST augmentation: uniform random shifts per
    pixel, smoothed by a Gaussian and scaled, move every pixel a little and its neighbours alike,
    so strokes curve, loops open or close and tails bend as they do between people. Same shape
    and dtype out as in.
    """
    digit = np.asarray(digit)
    field = [ndimage.gaussian_filter(rng.uniform(-1, 1, digit.shape), sigma, mode="constant") * alpha for _ in range(2)]
    rows, cols = np.meshgrid(np.arange(digit.shape[0]), np.arange(digit.shape[1]), indexing="ij")
    bent = ndimage.map_coordinates(digit.astype(np.float32), [rows + field[0], cols + field[1]], order=1, mode="constant")
    return np.clip(bent, 0, 255).astype(digit.dtype) if digit.dtype == np.uint8 else bent.astype(digit.dtype)


CONTINENTAL_FLAG_ANGLES = (30.0, 60.0)
"""Degrees below the horizontal at which a continental 1's flag leaves the top of its stem."""

CONTINENTAL_FLAG_LENGTHS = (0.2, 0.45)
"""Length of a continental 1's flag, and of a 7's crossbar (x1.4), as a share of the digit's height."""


def continental_style(digit: np.ndarray, label: int, rng: np.random.Generator,
                      levels: tuple[float, ...] = TRACE_LEVELS) -> np.ndarray | None:
    """The pen path of a 1 or a 7 as much of continental Europe writes them, from a dataset digit.

    A 1 gets a long flag from the top of its stem down to the left (MNIST's writers mostly draw a
    bare stroke, so the model reads such a 1 as 7); a 7 gets a short bar across its stem. Points
    (row, col) in the digit's pixel coordinates, for ``draw_points_like_canvas``; None for other digits.
    """
    points = skeleton(digit, levels=levels)
    height = float(np.ptp(points[:, 0])) or 1.0
    length = float(rng.uniform(*CONTINENTAL_FLAG_LENGTHS)) * height
    if label == 1:
        top = points[np.argmin(points[:, 0])]
        angle = np.deg2rad(rng.uniform(*CONTINENTAL_FLAG_ANGLES))
        mark = top + np.linspace(0.0, length, 40)[:, None] * np.array([np.sin(angle), -np.cos(angle)])
    elif label == 7:
        row = points[:, 0].min() + float(rng.uniform(0.45, 0.6)) * height
        near = points[np.abs(points[:, 0] - row) < 1.0]
        if not len(near):
            return points
        centre = np.array([row, near[:, 1].mean()])
        tilt = np.deg2rad(rng.uniform(-8.0, 8.0))
        mark = centre + np.linspace(-0.7, 0.7, 40)[:, None] * length * np.array([np.sin(tilt), np.cos(tilt)])
    else:
        return None
    return np.concatenate([points, mark])


NUMBER_HEIGHT = 200
"""The Draw page's number canvas is 200 px high (and as wide as the number needs)."""

NUMBER_PENS = (8, 20)
"""Pen widths (px) a number is drawn with on the number canvas: one pen for all its digits."""


def draw_number_with_masks(digits: list[np.ndarray], rng: np.random.Generator, height: int = NUMBER_HEIGHT,
                           levels: tuple[float, ...] = TRACE_LEVELS) -> tuple[Image.Image, list[np.ndarray]]:
    """Redraw several dataset digits as one number written with one pen on a wide white canvas, and
    where each digit's own ink is (bool masks: segmentation truth).

    Sizes vary by digit (+-15%), baselines wander, gaps between digits range from touching to
    wide, and some digits have a small gap inside (the pen lifted mid-stroke).
    """
    placed, pen, size, _ = _lay_out_number(digits, rng, height, levels)
    return _paint(placed, pen, size), [np.asarray(_paint([centres], pen, size)) < 128 for centres in placed]


def draw_decimal_number(digits: list[np.ndarray], point_after: int, rng: np.random.Generator,
                        height: int = NUMBER_HEIGHT, comma: bool = False) -> tuple[Image.Image, list[np.ndarray], np.ndarray]:
    """A number drawn as ``draw_number_with_masks`` draws it, with a decimal point after its first
    ``point_after`` digits ("3.50"): a tap of the same pen on the line, with room on either side; or
    with ``comma``, a short stroke from the line down and a little back ("3,50"). Also where each
    digit's own ink is, and the mark's (its pen stroke)."""
    return _paint_with_mark(*_lay_out_number(digits, rng, height, TRACE_LEVELS, point_after, comma))


def draw_signed_number(digits: list[np.ndarray], rng: np.random.Generator, height: int = NUMBER_HEIGHT,
                       hyphen_after: int | None = None) -> tuple[Image.Image, list[np.ndarray], np.ndarray]:
    """A negative number drawn as ``draw_number_with_masks`` draws it, with a minus in front ("-40"): a
    short bar of the same pen, 20-60% of a digit's height long, level with the first digit's middle
    (give or take 8%), a little apart from it; or, with ``hyphen_after``, such a bar after that many
    digits ("12-05"). Also where each digit's own ink is, and the bar's."""
    return _paint_with_mark(*_lay_out_number(digits, rng, height, TRACE_LEVELS, minus=hyphen_after is None,
                                             hyphen_after=hyphen_after))


def draw_underlined_number(digits: list[np.ndarray], rng: np.random.Generator, height: int = NUMBER_HEIGHT
                           ) -> tuple[Image.Image, Image.Image, list[np.ndarray], np.ndarray]:
    """A number drawn as ``draw_number_with_masks`` draws it, and underlined: one stroke of the same pen from
    a little before its first digit to a little past its last, sloping by up to 3% of its length, and
    clear of the digits: 5-25% of a digit's height below their lowest ink at its highest (the canvas grows
    to hold it). The number with its line and without it, each digit's own ink and the line's (its pen
    stroke)."""
    placed, pen, (width, _), _ = _lay_out_number(digits, rng, height, TRACE_LEVELS)
    digit_height = max(np.ptp(c[:, 0]) for c in placed) + pen
    left = min(c[:, 1].min() for c in placed) - float(rng.uniform(0.0, 0.2)) * digit_height
    right = max(c[:, 1].max() for c in placed) + float(rng.uniform(0.0, 0.2)) * digit_height
    rise = float(rng.uniform(-0.03, 0.03)) * (right - left)
    row = max(c[:, 0].max() for c in placed) + pen + float(rng.uniform(0.05, 0.25)) * digit_height + max(-rise, 0.0)
    steps = int(right - left) + 2  # a pen mark every pixel along it, as along a digit's skeleton
    line = np.stack([np.linspace(row, row + rise, steps), np.linspace(max(left, pen / 2), right, steps)], axis=1)
    size = (width, int(max(height, line[:, 0].max() + pen + 10)))
    image, own_inks, line_ink = _paint_with_mark(placed, pen, size, line)
    return image, _paint(placed, pen, size), own_inks, line_ink


def _paint_with_mark(placed: list[np.ndarray], pen: float, size: tuple[int, int],
                     mark: np.ndarray) -> tuple[Image.Image, list[np.ndarray], np.ndarray]:
    """The number painted with its mark, each digit's own ink, and the mark's."""
    return (_paint([*placed, mark], pen, size), [np.asarray(_paint([centres], pen, size)) < 128 for centres in placed],
            np.asarray(_paint([mark], pen, size)) < 128)


def _lay_out_number(digits: list[np.ndarray], rng: np.random.Generator, height: int, levels: tuple[float, ...],
                    point_after: int | None = None, comma: bool = False, minus: bool = False,
                    hyphen_after: int | None = None):
    """Pen centres of each digit of a number, the pen width, the canvas size (width, height) and the pen
    centres of a decimal point (or comma) after digit ``point_after``, of a minus in front, or of a
    hyphen after digit ``hyphen_after`` (None without any)."""
    pen = float(rng.uniform(*NUMBER_PENS))
    base = float(rng.uniform(0.45, 0.75)) * height
    placed, x, point = [], float(rng.uniform(10, 40)), None
    if minus:  # room in front for the bar and a gap
        bar, minus_left = float(rng.uniform(0.2, 0.6)) * base, x
        x += bar + pen + float(rng.uniform(0.1, 0.3)) * base
    for k, digit in enumerate(digits):
        points = skeleton(digit, levels=levels)
        if rng.random() < 0.2 and len(points) > 40:  # a pen lift: a small gap somewhere in the stroke
            centre = points[int(rng.integers(0, len(points)))]
            points = points[np.hypot(*(points - centre).T) > 1.2]
        top_left = points.min(axis=0)
        extent = np.maximum(points.max(axis=0) - top_left, 1.0)
        digit_height = base * float(rng.uniform(0.85, 1.15))
        scale = (digit_height - pen) / extent[0]
        y = (height - digit_height) / 2 + float(rng.uniform(-0.08, 0.08)) * height
        centres = (points - top_left) * scale + np.array([max(y, 0.0), x]) + pen / 2
        placed.append(centres)
        width = extent[1] * scale + pen
        if k + 1 == point_after:  # a tap of the pen on the line, a little apart from both digits
            x += width + float(rng.uniform(0.1, 0.3)) * digit_height
            tap = np.array([centres[:, 0].max() - float(rng.uniform(0.0, 0.1)) * digit_height, x + pen / 2])
            point = tap + rng.uniform(-0.25, 0.25, (3, 2)) * pen  # a short wobble within the pen's width
            if comma:  # from the line down, 12-20% of the digit's height, leaning back a little
                length = float(rng.uniform(0.12, 0.2)) * digit_height
                point = tap + np.linspace(0.0, 1.0, 12)[:, None] * np.array([length, -float(rng.uniform(0.0, 0.4)) * length])
            x += pen + float(rng.uniform(0.1, 0.3)) * digit_height
            continue
        if k + 1 == hyphen_after:  # a short level bar at this digit's middle, a little apart from both digits
            x += width + float(rng.uniform(0.1, 0.3)) * digit_height
            bar = float(rng.uniform(0.2, 0.6)) * base
            point = _level_bar(centres, x, bar, pen, base, rng)
            x += bar + pen + float(rng.uniform(0.1, 0.3)) * digit_height
            continue
        x += width + float(rng.uniform(-0.06, 0.45)) * max(width, 0.4 * digit_height)  # touching to well apart
    if minus:  # level with the first digit's middle
        point = _level_bar(placed[0], minus_left, bar, pen, base, rng)
    canvas_width = int(max(c[:, 1].max() for c in placed) + pen + rng.uniform(10, 40))
    return placed, pen, (canvas_width, height), point


def _level_bar(digit: np.ndarray, left: float, length: float, pen: float, base: float,
               rng: np.random.Generator) -> np.ndarray:
    """Pen centres of a minus or hyphen: a bar ``length`` long from ``left``, level with the middle of the
    digit beside it (pen centres), give or take 8% of the digit height ``base``, and nearly flat."""
    rows = digit[:, 0]
    middle = (rows.min() + rows.max()) / 2 + float(rng.uniform(-0.08, 0.08)) * base
    tilt = float(rng.uniform(-0.05, 0.05)) * length
    return np.stack([np.linspace(middle - tilt, middle + tilt, 12),
                     np.linspace(left + pen / 2, left + pen / 2 + length, 12)], axis=1)


TWO_STROKE_SHARE = 0.5
"""Share of drawn digits written in two pen strokes (a 4's stem, a 5's bar, a 7's crossbar)."""


def pen_strokes(own_inks: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """The pen strokes of a number drawn on the canvas, from each digit's own ink (bool masks).

    A person lifts the pen between digits, so every stroke belongs to one digit; about half the
    digits (``TWO_STROKE_SHARE``) take two strokes, split here by a random line through the digit.
    """
    strokes = []
    for ink in own_inks:
        if rng.random() >= TWO_STROKE_SHARE:
            strokes.append(ink)
            continue
        rows, cols = np.nonzero(ink)
        angle = rng.uniform(0, np.pi)
        side = (rows - rows.mean()) * np.cos(angle) - (cols - cols.mean()) * np.sin(angle) > 0
        for part in (side, ~side):
            stroke = np.zeros_like(ink)
            stroke[rows[part], cols[part]] = True
            if stroke.any():
                strokes.append(stroke)
    return strokes


WHOLE_SHARE = 0.9
"""A candidate is one whole digit when it holds this share of that digit's ink and this share of
its own ink is that digit's."""


STROKE_EXAMPLE_SHARE = 0.5
"""Share of the segment model's numbers cut with their pen strokes known, as on the Draw page."""


def segmentation_examples(digits: np.ndarray, count: int, rng: np.random.Generator,
                          levels: tuple[float, ...] = TRACE_LEVELS) -> tuple[np.ndarray, np.ndarray]:
    """Teaching material for the segment model, from ``count`` numbers drawn with dataset digits.

    Each number is cut into candidates exactly as ``numbers.segment`` cuts a user's number (half of
    them given their pen strokes, as the Draw page gives them); each candidate's context window is
    labelled 1 if it is one whole digit (by the drawing's own per-digit ink), else 0 (a part of a
    digit, or parts of two). Returns (uint8 windows, labels).
    """
    from .numbers import candidates, context_window, pieces, union
    from .preprocess import preprocess_steps

    windows, labels = [], []
    for _ in range(count):
        chosen = rng.integers(0, len(digits), int(rng.integers(2, 7)))
        image, own_inks = draw_number_with_masks([digits[i] for i in chosen], rng, levels=levels)
        strokes = pen_strokes(own_inks, rng) if rng.random() < STROKE_EXAMPLE_SHARE else None
        cleaned = preprocess_steps(image).cleaned
        found, height = pieces(cleaned, strokes)
        masks = [union(found, run) for run in candidates(found)]
        for mask, whole in zip(masks, whole_digit_runs(cleaned, masks, own_inks)):
            windows.append(np.round(context_window(cleaned, mask, height) * 255).astype(np.uint8))
            labels.append(int(whole))
    return np.stack(windows), np.array(labels, dtype=np.int32)


def digits_cut_from_numbers(digits: np.ndarray, rng: np.random.Generator,
                            levels: tuple[float, ...] = TRACE_LEVELS) -> list[np.ndarray | None]:
    """Dataset digits as the digits of whole numbers reach the model: drawn in order as numbers of
    2-6 digits (``draw_number_with_masks``), each then cut out by its own ink and framed as
    ``numbers.segment`` frames a digit (20x20 box, centre of mass in 28x28). Returns one (28, 28)
    float32 input per digit, in order; None where a digit left no ink of its own.
    """
    from .numbers import digit_input, strokes_in
    from .preprocess import preprocess_steps

    framed, start = [], 0
    while start < len(digits):
        group = list(digits[start : start + int(rng.integers(2, 7))])
        start += len(group)
        drawn = group if len(group) > 1 else group * 2  # a last digit alone is still drawn as a number's, twice
        image, own_inks = draw_number_with_masks(drawn, rng, levels=levels)
        cleaned = preprocess_steps(image).cleaned
        framed += [digit_input(cleaned, ink) if ink.any() else None for ink in strokes_in(cleaned, own_inks)[: len(group)]]
    return framed


def whole_digit_runs(cleaned: np.ndarray, masks: list[np.ndarray], own_inks: list[np.ndarray]) -> list[bool]:
    """Which candidates (the ink masks of runs of pieces, ``numbers.union``) are one whole digit,
    judged by each digit's own ink in the drawing."""
    from .numbers import strokes_in

    truths = strokes_in(cleaned, own_inks)
    wholes = []
    for mask in masks:
        area = mask.sum()
        shared = [(mask & truth).sum() for truth in truths]
        wholes.append(any(s >= WHOLE_SHARE * area and s >= WHOLE_SHARE * truth.sum() for s, truth in zip(shared, truths)))
    return wholes


EXIF_ORIENTATION = 0x0112
_STORED_FOR_ORIENTATION = {  # how a camera stores pixels so that the EXIF tag turns them upright
    1: None,
    3: Image.Transpose.ROTATE_180,
    6: Image.Transpose.ROTATE_90,
    8: Image.Transpose.ROTATE_270,
}


PHOTO_INK_HEIGHT = (0.20, 0.60)
"""Height of the ink in a photo, as a share of the frame's (issue 4's photos: 20-60%)."""

INK_TONES = ("dark", "light")
"""What ``photo_of_paper`` writes with: a black or dark-blue pen, or one of ``LIGHT_INKS``."""

LIGHT_INKS = {
    "pencil": ((0.35, 0.35, 0.35), (0.65, 0.65, 0.65)),
    "red pen": ((0.75, 0.08, 0.08), (0.95, 0.25, 0.25)),
    "green pen": ((0.05, 0.45, 0.15), (0.25, 0.65, 0.35)),
    "light-blue pen": ((0.15, 0.45, 0.75), (0.35, 0.65, 0.95)),
}
"""Light inks, as the share of the light falling on it that each reflects in red, green and blue (the darkest and
lightest of each): 28-65% as bright as white in grey (luminance), against 5-25% for a black or blue pen."""

PENCIL_GRAIN = (0.3, 0.6)
"""How much of a pencil stroke's graphite is missing at a pixel, at most (the paper's grain shows through)."""


def light_ink(rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """A light ink's colour (RGB, shares of the light) and its grain (0: solid ink): one of ``LIGHT_INKS``."""
    name = list(LIGHT_INKS)[int(rng.integers(len(LIGHT_INKS)))]
    darkest, lightest = (np.array(c) for c in LIGHT_INKS[name])
    if name == "pencil":  # graphite is grey, one shade across its three colours
        return darkest + rng.uniform() * (lightest - darkest), float(rng.uniform(*PENCIL_GRAIN))
    return rng.uniform(darkest, lightest), 0.0


def photo_of_paper(digit: np.ndarray, rng: np.random.Generator, size: tuple[int, int] = (640, 480),
                   lines: str | None = None, ink_height: tuple[float, float] = PHOTO_INK_HEIGHT,
                   quality: int = 60, ink_tone: str = "dark") -> bytes:
    """A dataset digit (or any ink map, 255 = ink, such as a whole number) printed in dark ink on paper
    and photographed with a phone: JPEG bytes.

    Paper texture and grain, a lighting gradient, a soft shadow, slight blur, rotation up to 10
    degrees, the ink at 20-60% of the frame height (``ink_height``; at most 90% of its width) anywhere in it,
    an EXIF orientation tag (pixels stored sideways or upside down, as phones do) and JPEG quality 60
    (``quality``: phone cameras save at about 90).
    ``lines`` prints the paper of a notebook under the ink (see ``notebook_lines``): "ruled" or
    "squared"; without it the paper is plain (and the photo the same as before lines existed).
    ``ink_tone``: "dark", a black or dark-blue pen; or "light", one of ``LIGHT_INKS`` (pencil, a red, green or
    light-blue pen), 28-65% as bright as the paper under it.
    """
    from PIL import ImageFilter

    if ink_tone not in INK_TONES:
        raise ValueError(f"ink_tone must be one of {INK_TONES}, not {ink_tone!r}")

    line_rng = np.random.default_rng(rng.integers(2**63)) if lines else None

    width, height = size
    rows, cols = np.mgrid[0:height, 0:width].astype(np.float32)
    # Paper: a base tone, slow blotches and fine grain.
    blotches = ndimage.gaussian_filter(rng.normal(0, 1, (height // 8, width // 8)), 3)
    blotches = ndimage.zoom(blotches / (np.abs(blotches).max() or 1), 8, order=1)[:height, :width]
    paper = rng.uniform(0.72, 0.95) + 0.03 * blotches + rng.normal(0, 0.015, (height, width))
    # Light from one side and a soft shadow across part of the page.
    angle = rng.uniform(0, 2 * np.pi)
    ramp = (np.cos(angle) * cols / width + np.sin(angle) * rows / height)
    paper *= 1.0 - rng.uniform(0.1, 0.3) * (ramp - ramp.min()) / (np.ptp(ramp) or 1)
    edge_angle = rng.uniform(0, 2 * np.pi)
    distance = np.cos(edge_angle) * (cols - rng.uniform(0, width)) + np.sin(edge_angle) * (rows - rng.uniform(0, height))
    paper *= 1.0 - rng.uniform(0.15, 0.35) / (1.0 + np.exp(-distance / rng.uniform(15, 40)))
    # Ink: the digit scaled to 20-60% of the frame height (ink_height), rotated, somewhere on the page.
    ink = np.asarray(digit, dtype=np.float32) / 255.0
    rows_ink = np.flatnonzero(ink.any(axis=1))
    scale = rng.uniform(*ink_height) * height / (rows_ink[-1] - rows_ink[0] + 1)
    scale = min(scale, 0.9 * width / ink.shape[1])  # a wide number still fits the frame
    tilt = rng.uniform(-10, 10)
    glyph = Image.fromarray(ink).resize((int(round(ink.shape[1] * scale)), int(round(ink.shape[0] * scale))),
                                        Image.Resampling.BICUBIC).rotate(tilt, resample=Image.Resampling.BILINEAR, expand=True)
    glyph = np.clip(np.asarray(glyph, dtype=np.float32), 0, 1)
    top = int(rng.uniform(0, max(1, height - glyph.shape[0])))
    left = int(rng.uniform(0, max(1, width - glyph.shape[1])))
    alpha = np.zeros((height, width), dtype=np.float32)
    gh, gw = min(glyph.shape[0], height - top), min(glyph.shape[1], width - left)
    alpha[top : top + gh, left : left + gw] = glyph[:gh, :gw]
    if ink_tone == "dark":
        ink_colour = rng.uniform(0.05, 0.25, size=3) * np.array([1.0, 1.0, rng.uniform(1.0, 2.5)])  # black or blue
    else:
        ink_colour, grain = light_ink(rng)
        alpha = alpha * (1.0 - grain * rng.random(alpha.shape, dtype=np.float32))  # pencil leaves paper between grains
    tone = np.array([1.0, rng.uniform(0.97, 1.0), rng.uniform(0.9, 1.0)])  # warm paper
    if lines:  # the page (lines and writing) turned together, give or take how straight the writer held the pen
        paper = paper[..., None] * notebook_lines(lines, (height, width), tilt + line_rng.uniform(-3, 3), line_rng)
        tone = tone * np.ones(3)
    else:
        paper = paper[..., None]
    pixels = paper * tone * (1 - alpha[..., None]) + alpha[..., None] * ink_colour * paper
    photo = Image.fromarray((np.clip(pixels, 0, 1) * 255).astype(np.uint8)).filter(
        ImageFilter.GaussianBlur(rng.uniform(0.4, 1.5)))
    orientation = int(rng.choice(list(_STORED_FOR_ORIENTATION)))
    stored = _STORED_FOR_ORIENTATION[orientation]
    if stored is not None:
        photo = photo.transpose(stored)
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = orientation
    buffer = io.BytesIO()
    photo.save(buffer, format="JPEG", quality=quality, exif=exif.tobytes())
    return buffer.getvalue()


NOTEBOOK_LINES = ("ruled", "squared")
"""The notebook papers ``photo_of_paper`` can print: lines across, or a grid of squares."""


def notebook_lines(kind: str, shape: tuple[int, int], tilt: float, rng: np.random.Generator) -> np.ndarray:
    """How much light a notebook page's printed lines let through, (height, width, 3) in (0, 1].

    Ruled paper: light blue lines across the page 6-12% of the frame height apart, 1-3 px wide,
    and on a third of pages a red margin line down it. Squared paper: a grey or blue grid 4-8% of
    the height apart. ``tilt`` turns the page by that many degrees (counter-clockwise, as
    ``Image.rotate``) within the frame.
    """
    if kind not in NOTEBOOK_LINES:
        raise ValueError(f"lines must be one of {NOTEBOOK_LINES}, not {kind!r}")
    height, width = shape
    rows, cols = np.mgrid[0:height, 0:width].astype(np.float32)
    turn = np.deg2rad(tilt)
    across = (rows - height / 2) * np.cos(turn) + (cols - width / 2) * np.sin(turn)  # distance down the page
    down = (cols - width / 2) * np.cos(turn) - (rows - height / 2) * np.sin(turn)  # distance along it
    pen = float(rng.uniform(1.0, 3.0))

    def line_strength(distance, spacing):
        offset = np.abs((distance - rng.uniform(0, spacing)) % spacing - spacing / 2)  # from the nearest line
        return np.clip(pen / 2 + 0.5 - (spacing / 2 - offset), 0.0, 1.0)  # anti-aliased, pen px wide

    if kind == "ruled":
        colour = np.array([rng.uniform(0.55, 0.75), rng.uniform(0.7, 0.85), rng.uniform(0.9, 1.0)])
        strength = line_strength(across, rng.uniform(0.06, 0.12) * height)
        light = 1.0 - strength[..., None] * (1.0 - colour)
        if rng.random() < 1 / 3:  # the margin
            margin = np.clip(pen / 2 + 0.5 - np.abs(down - rng.uniform(-0.45, 0.45) * width), 0.0, 1.0)
            light = light * (1.0 - margin[..., None] * (1.0 - np.array([0.95, 0.55, 0.55])))
        return light
    grey = rng.uniform(0.6, 0.8)
    colour = np.array([grey, grey, grey]) if rng.random() < 0.5 else np.array([grey * 0.85, grey * 0.95, 1.0])
    spacing = rng.uniform(0.04, 0.08) * height
    strength = np.maximum(line_strength(across, spacing), line_strength(down, spacing))
    return 1.0 - strength[..., None] * (1.0 - colour)


PALE_DESK = (0.75, 1.05)
"""Lightness of a pale desk (a white table, light wood): about as light as the page, or lighter."""


def on_a_desk(photo: bytes, rng: np.random.Generator, pale: bool = False) -> bytes:
    """A photo of a page (``photo_of_paper``) as a wider photo of the page lying on a desk: turned by
    up to 15 degrees, 45-80% of the frame's width, anywhere on a dark wooden or grey desk (``pale``: a
    white or light wooden one, ``PALE_DESK``, with finer grain); JPEG quality 70."""
    from PIL import ImageFilter, ImageOps

    page = ImageOps.exif_transpose(Image.open(io.BytesIO(photo))).convert("RGB")
    width, height = (round(side / rng.uniform(0.45, 0.80)) for side in page.size)
    if pale:  # white or light wood, its lightness drawn before the grain
        tone = (np.array([1.0, 1.0, 1.0]) if rng.random() < 0.5 else np.array([1.0, 0.93, 0.82])) * rng.uniform(*PALE_DESK)
    else:
        tone = np.array([0.35, 0.25, 0.15]) if rng.random() < 0.7 else np.array([0.3, 0.3, 0.3])  # wood or grey
    grain = ndimage.gaussian_filter(rng.normal(0, 1, (height, width)), (1, 12)) * (0.15 if pale else 0.4)  # streaks along the desk
    lightness = 1.0 if pale else rng.uniform(0.5, 1.3)  # a dark desk's, drawn after the grain
    desk = np.clip(tone * lightness * (1 + grain[..., None]), 0, 1)
    frame = Image.fromarray((desk * 255).astype(np.uint8))
    turn = rng.uniform(-15, 15)
    turned, shape = page.rotate(turn, expand=True), Image.new("L", page.size, 255).rotate(turn, expand=True)
    frame.paste(turned, (int(rng.uniform(0, max(1, width - turned.width))), int(rng.uniform(0, max(1, height - turned.height)))), shape)
    buffer = io.BytesIO()
    frame.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.0))).save(buffer, format="JPEG", quality=70)
    return buffer.getvalue()
