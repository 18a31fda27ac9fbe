"""Whole numbers: split an image of several digits into single digits and read them all at once.

Segmentation by recognition: the ink is cut into pieces (blobs, and slices of wide blobs at their
thinnest columns), every run of neighbouring pieces is a candidate digit, and two models judge each
candidate - the digit CNN (how surely it reads a digit there, framed exactly as a single digit is:
MNIST's 20x20 box and centre of mass) and a small segment model trained by ``train.py`` (whether
the candidate, seen with its neighbours, is one whole digit rather than a part of one or two
touching). Dynamic programming picks the split of the pieces that both find most likely.

Drawn on the canvas, a number also comes with its pen strokes, in the order they were drawn. A
person lifts the pen between digits and writes them one after another, so each stroke's ink is cut
into pieces on its own and the pieces are taken in drawing order: digits whose ink overlaps (a
leaning 1 tucked under a 9) then still fall into separate runs of pieces. For the same reason a
candidate digit that holds only part of a stroke is judged less likely.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Sequence

import numpy as np
from PIL import Image
from scipy import ndimage

from .errors import EmptyImageError, NotADigitError
from .ink import FRAGMENT_HEIGHT, Piece, as_piece, blobs_in, digit_height
from .marks import dashes, decimal_marks, number_line, ruled_lines
from .model import MODELS_DIR, Prediction, Predictor, Reading
from .preprocess import (
    TOO_MANY_MARKS,
    ImageInput,
    PreprocessSteps,
    center_by_mass,
    crop_to_ink,
    fit_into_box,
    preprocess_steps,
    suppress_background,
)

OVERLAP_TO_MERGE = 0.5
"""Ink blobs whose column ranges overlap by this share of the narrower one are parts of one digit
(the bar of a 5, the stem of a 4, a 7's crossbar)."""

NUMBER_ASPECT = 1.3
"""Ink laid out at least this much wider than tall, in separate groups, is taken for a number."""

DIGIT_ASPECT = 0.7
"""Typical width of a handwritten digit as a share of its height, to guess how many touch."""

MAYBE_NUMBER_ASPECT = 1.0
"""Ink at least as wide as tall that ``looks_like_number`` does not take (digits that touch) is also
cut as a number, and read as one if the cut finds several digits. Chosen on validation drawings and
photos (1.0, 1.2 and 1.4 tried): 1.0 read the most numbers right and split almost no single digits."""

NARROW_NUMBER_ASPECT = 0.4
"""Narrower ink, down to this share as wide as tall, is also cut as a number (two digits that touch, one
a 1 leaning on the other), but read as one only where the segment model doubts that all of it is one
digit (``ONE_DIGIT_BELOW``): many single digits are that wide. Chosen on validation drawings (rule 81:
0.4, 0.6 and 0.8 tried)."""

ONE_DIGIT_BELOW = 0.1
"""Narrow ink (``NARROW_NUMBER_ASPECT``) cut into several digits is read as a number only where the segment
model gives all of it, seen as one candidate, less than this probability of being one whole digit.
Chosen on validation drawings (rule 81: 0.05 to 0.5 tried)."""


@dataclass(frozen=True)
class Box:
    """Where a digit is, in pixels of the upright input image."""

    left: int
    top: int
    width: int
    height: int

    def scaled(self, factor: float) -> Box:
        """The same box in an image ``factor`` times as large (each side rounded to a pixel)."""
        return Box(round(self.left * factor), round(self.top * factor), round(self.width * factor),
                   round(self.height * factor))


@dataclass(frozen=True)
class Mark:
    """A decimal point (".") or comma (",") or a hyphen ("-") written between two digits of a number, or a
    minus ("-") in front."""

    after: int  # how many digits come before it
    char: str
    box: Box


@dataclass(frozen=True)
class NumberReading:
    """A number read digit by digit, left to right, with any decimal marks between its digits and its sign."""

    predictions: tuple[Prediction, ...]
    boxes: tuple[Box, ...]
    model_inputs: tuple[np.ndarray, ...]
    steps: PreprocessSteps
    marks: tuple[Mark, ...] = ()

    @property
    def text(self) -> str:
        """The number as written: its digits, with its marks in place ("3.50", "-4")."""
        digits = [str(p.digit) for p in self.predictions]
        for mark in sorted(self.marks, key=lambda m: m.after, reverse=True):
            digits.insert(mark.after, mark.char)
        return "".join(digits)

    @property
    def confidence(self) -> float:
        """How sure the model is of the whole number: the product of its digits' confidences."""
        return float(np.prod([p.confidence for p in self.predictions]))

    def for_showing(self) -> NumberReading:
        """This reading as a page keeps it to show again (``PreprocessSteps.for_showing``), its boxes and marks
        scaled with the upright image."""
        steps = self.steps.for_showing()
        scale = steps.upright.size[0] / self.steps.upright.size[0]
        return replace(self, steps=steps, boxes=tuple(b.scaled(scale) for b in self.boxes),
                       marks=tuple(replace(m, box=m.box.scaled(scale)) for m in self.marks))


def _column_groups(labels: np.ndarray, count: int) -> list[list[int]]:
    """Group connected components into digits by how much their column ranges overlap."""
    spans = ndimage.find_objects(labels, max_label=count)
    items = sorted(((s[1].start, s[1].stop, k + 1) for k, s in enumerate(spans) if s is not None))
    groups: list[tuple[int, int, list[int]]] = []
    for start, stop, label in items:
        if groups:
            g_start, g_stop, members = groups[-1]
            overlap = min(stop, g_stop) - max(start, g_start)
            if overlap > OVERLAP_TO_MERGE * min(stop - start, g_stop - g_start):
                groups[-1] = (min(start, g_start), max(stop, g_stop), members + [label])
                continue
        groups.append((start, stop, [label]))
    return _merge_fragments(groups, spans)


def _merge_fragments(groups: list[tuple[int, int, list[int]]], spans) -> list[list[int]]:
    """Join groups much shorter than the typical digit to the neighbour nearest in columns."""
    def height(members):
        return max(spans[m - 1][0].stop for m in members) - min(spans[m - 1][0].start for m in members)

    groups = list(groups)
    while len(groups) > 1:
        heights = [height(g[2]) for g in groups]
        typical = float(np.median(heights + [max(heights)]))
        small = [i for i, h in enumerate(heights) if h < FRAGMENT_HEIGHT * typical]
        if not small:
            break
        i = min(small, key=lambda k: heights[k])
        neighbours = [j for j in (i - 1, i + 1) if 0 <= j < len(groups)]
        gaps = [(groups[j][0] - groups[i][1]) if j > i else (groups[i][0] - groups[j][1]) for j in neighbours]
        j = neighbours[int(np.argmin(gaps))]
        a, b = sorted((i, j))
        merged = (min(groups[a][0], groups[b][0]), max(groups[a][1], groups[b][1]), groups[a][2] + groups[b][2])
        groups[a:b + 1] = [merged]
    return [members for _, _, members in groups]


SEGMENTER_PATH = MODELS_DIR / "digit_segments.tflite"
"""The segment model: is a candidate (seen with its neighbours) exactly one whole digit?"""

CUT_WIDTH = 0.7
"""Blobs wider than this share of the digit height may be touching digits: they are also cut."""

CUT_SPACING = 0.25
"""Cuts in a blob are at least this share of the digit height apart, and from its ends."""

MOST_PIECES_PER_DIGIT = 6
"""A digit is made of at most this many pieces (blobs or slices)."""

MOST_PIECES = 100
"""A number is cut into at most this many pieces (30 numbers of 20 digits drawn as on the canvas were cut into
at most 55): more is writing of another kind (a page of it). Every piece holds a mask the size of the ink map
and every run of pieces is read, so this bounds the time and memory one image can take (``preprocess.MOST_BLOBS``
bounds the blobs)."""

DIGIT_BONUS = 2.0
"""Added to the score of each digit read: a sum of log-probabilities favours fewer, larger digits.
Chosen on numbers of validation digits (0 to 3 tried; 1 to 3 read about equally well)."""

WINDOW_SPAN = 1.6
"""The segment model sees a square this many digit heights across, centred on the candidate."""

CONTEXT_INK = 0.35
"""Ink outside the candidate is shown this faint in the segment model's window, so it sees neighbours."""

STROKE_SPLIT_PENALTY = 3.0
"""Taken from the score of a candidate for each pen stroke it holds only part of: people lift the pen
between digits, so a digit rarely ends inside a stroke. Chosen on numbers of validation digits (0 to 4
tried, 3 read best); kept small enough that digits written without lifting the pen are still split."""

PART_OF_A_STROKE = (0.1, 0.9)
"""A candidate holding more than the first and less than the second share of a stroke's ink splits it
(where strokes cross, their ink belongs to both, so a little shared ink is no split)."""


def _cuts(blob: Piece, height: float) -> list[int]:
    """Columns where a wide, tall blob is thinnest: where touching digits may join (twice as many as expected)."""
    width = blob.right - blob.left
    if width <= CUT_WIDTH * height or blob.bottom - blob.top < FRAGMENT_HEIGHT * height:
        return []  # narrow enough for one digit, or a short stroke (a 5's bar) that cannot be two digits
    profile = ndimage.uniform_filter1d(blob.mask[:, blob.left : blob.right].sum(axis=0).astype(float), size=5)
    spacing = max(2, int(CUT_SPACING * height))
    wanted = 2 * max(1, round(width / (DIGIT_ASPECT * height)))
    chosen: list[int] = []
    for column in np.argsort(profile, kind="stable"):
        if spacing <= column <= width - spacing and all(abs(column - c) >= spacing for c in chosen):
            chosen.append(int(column))
            if len(chosen) == wanted:
                break
    return sorted(blob.left + c for c in chosen)


def strokes_in(cleaned: np.ndarray, strokes: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Each stroke's ink in the cleaned ink map (bool masks of the full image, which preprocessing may have reduced)."""
    ink = cleaned > 0
    inks = []
    for mask in strokes:
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != ink.shape:  # the ink map of a reduced photo
            mask = np.asarray(Image.fromarray(mask).resize(ink.shape[::-1], Image.Resampling.NEAREST))
        inks.append(mask & ink)
    return inks


def pieces(cleaned: np.ndarray, strokes: Sequence[np.ndarray] | None = None,
           height: float | None = None) -> tuple[list[Piece], float]:
    """Every blob of ink, wide ones also cut into slices, left to right; and the typical digit height.

    Given the pen strokes in drawing order (bool masks of the image, ``strokes.stroke_masks``), the
    blobs are those of each stroke's own ink (ink where two strokes cross belongs to both), and the
    pieces come stroke by stroke, left to right within a stroke. The digit height always comes from
    the whole ink's blobs; pass ``height`` when they were measured already. More than ``MOST_PIECES``
    pieces are no number: ``NotADigitError``.
    """
    groups = [cleaned > 0] if strokes is None else strokes_in(cleaned, strokes)
    blobs = [blobs_in(ink) for ink in groups]
    if not any(blobs):
        raise EmptyImageError("No digits found. Write or upload a number.")
    if height is None:  # from the whole ink: half a digit's strokes would mislead it
        height = digit_height(blobs_in(cleaned > 0) if strokes is not None else blobs[0])
    cut = [[(blob, [blob.left, *_cuts(blob, height), blob.right]) for blob in group] for group in blobs]
    if sum(len(edges) - 1 for group in cut for _, edges in group) > MOST_PIECES:
        raise NotADigitError(TOO_MANY_MARKS)
    found = []
    for group in cut:
        sliced = []
        for blob, edges in group:
            for a, b in zip(edges, edges[1:]):
                part = np.zeros_like(blob.mask)
                part[:, a:b] = blob.mask[:, a:b]
                if part.any():
                    sliced.append(as_piece(part))
        found += sorted(sliced, key=lambda p: (p.left + p.right) / 2)
    return found, height


def candidates(found: list[Piece]) -> list[tuple[int, int]]:
    """Every run of 1 to ``MOST_PIECES_PER_DIGIT`` neighbouring pieces, as (first, end) indices."""
    return [(i, j) for i in range(len(found)) for j in range(i + 1, min(i + MOST_PIECES_PER_DIGIT, len(found)) + 1)]


def union(found: list[Piece], run: tuple[int, int]) -> np.ndarray:
    return np.logical_or.reduce([p.mask for p in found[run[0] : run[1]]])


def digit_ink(cleaned: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """A candidate digit's ink alone, cropped to it: what ``fit_into_box`` takes."""
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    box = (slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1))
    return np.where(mask[box], cleaned[box], 0.0)


def digit_input(cleaned: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The (28, 28) input a candidate digit is read from: its ink alone, scaled into the 20x20 box
    with its aspect kept and placed in 28x28 by centre of mass, as a single digit is framed."""
    return center_by_mass(fit_into_box(digit_ink(cleaned, mask)))


def context_window(cleaned: np.ndarray, mask: np.ndarray, height: float, size: int = 28) -> np.ndarray:
    """What the segment model sees: ``WINDOW_SPAN`` digit heights around the candidate, size x size.

    The candidate's ink is full strength and the rest faint, so the model can tell a whole digit
    from a piece of one (the rest of it is nearby) or from two touching digits (too wide).
    """
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    side = max(2, round(WINDOW_SPAN * height))
    top = round((rows[0] + rows[-1]) / 2 - side / 2)
    left = round((cols[0] + cols[-1]) / 2 - side / 2)
    # The window may reach past the image's edge: there it is empty. Only the part inside is worked out.
    crop = np.zeros((side, side), dtype=np.float32)
    inside = (slice(max(top, 0), min(top + side, cleaned.shape[0])), slice(max(left, 0), min(left + side, cleaned.shape[1])))
    crop[inside[0].start - top : inside[0].stop - top, inside[1].start - left : inside[1].stop - left] = np.where(
        mask[inside], cleaned[inside], CONTEXT_INK * cleaned[inside])
    return np.clip(np.asarray(Image.fromarray(crop).resize((size, size), Image.Resampling.BOX), dtype=np.float32), 0.0, 1.0)


@lru_cache(maxsize=4)
def default_segmenter(path: str = str(SEGMENTER_PATH)) -> Predictor:
    """The segment model beside the digit model (thread-safe, loaded once per process)."""
    return Predictor(path, variants=False)


def stroke_splits(found: list[Piece], runs: list[tuple[int, int]], stroke_inks: Sequence[np.ndarray]) -> np.ndarray:
    """For each run of pieces, how many pen strokes it holds only part of (``PART_OF_A_STROKE``).

    ``stroke_inks`` are the strokes' ink in the ink map (``strokes_in``). Shares are summed over a
    run's pieces, counting ink twice only where pieces overlap (crossing strokes).
    """
    if not stroke_inks or not runs:
        return np.zeros(len(runs), dtype=int)
    shared = np.zeros((len(found), len(stroke_inks)))
    for a, piece in enumerate(found):
        box = (slice(piece.top, piece.bottom), slice(piece.left, piece.right))
        for b, ink in enumerate(stroke_inks):
            shared[a, b] = np.count_nonzero(piece.mask[box] & ink[box])
    sizes = np.maximum([np.count_nonzero(ink) for ink in stroke_inks], 1)
    cumulative = np.vstack([np.zeros(len(stroke_inks)), np.cumsum(shared, axis=0)])
    share = np.array([cumulative[j] - cumulative[i] for i, j in runs]) / sizes
    low, high = PART_OF_A_STROKE
    return ((share > low) & (share < high)).sum(axis=1)


def segment(cleaned: np.ndarray, predictor: Predictor, segmenter: Predictor | None = None,
            strokes: Sequence[np.ndarray] | None = None) -> list[tuple[Box, np.ndarray, Prediction]]:
    """Split a cleaned ink map (``PreprocessSteps.cleaned``) into digits, left to right, and read them.

    Returns each digit's box in the ink map, the (28, 28) input the model read, and its reading.
    Each candidate scores log P(digit CNN's reading) + log P(segment model: one whole digit); the
    split of the pieces into digits with the highest total wins (dynamic programming). Given the
    pen ``strokes`` (see ``pieces``), the ink is also cut stroke by stroke, and whichever cutting
    holds the more likely split wins: strokes keep overlapping digits apart, but where digits do
    not overlap, cutting the ink itself is often the surer. Either way, a candidate that holds only
    part of a stroke loses ``STROKE_SPLIT_PENALTY`` per stroke it splits.
    """
    segmenter = segmenter or default_segmenter()
    found, height = pieces(cleaned)
    stroke_inks = None if strokes is None else strokes_in(cleaned, strokes)
    total, digits = _best_split(cleaned, found, height, predictor, segmenter, stroke_inks)
    if stroke_inks is not None:
        by_stroke, stroke_digits = _best_split(cleaned, *pieces(cleaned, stroke_inks, height), predictor, segmenter,
                                               stroke_inks)
        if by_stroke > total:
            digits = stroke_digits
    readings = predictor.predict_many(np.stack([model_input for _, model_input in digits]))  # as single digits are read
    return [(box, model_input, reading) for (box, model_input), reading in zip(digits, readings)]


def _best_split(cleaned: np.ndarray, found: list[Piece], height: float, predictor: Predictor, segmenter: Predictor,
                stroke_inks: Sequence[np.ndarray] | None = None) -> tuple[float, list[tuple[Box, np.ndarray]]]:
    """The most likely split of the pieces into digits (dynamic programming), with its total score.

    Candidates are scored by the network's own reading (``Predictor.network_probabilities``):
    the test-time variants are for the digits finally read, not for the many cuts weighed.
    """
    runs = candidates(found)
    inputs, windows = [], []
    for run in runs:  # a candidate's mask is the size of the ink map: one at a time
        mask = union(found, run)
        inputs.append(digit_input(cleaned, mask))
        windows.append(context_window(cleaned, mask, height))
    network = predictor.network_probabilities(np.stack(inputs)).max(axis=1)  # scoring needs no variants
    whole = segmenter.probabilities(np.stack(windows))[:, 1]
    splits = STROKE_SPLIT_PENALTY * stroke_splits(found, runs, stroke_inks or [])
    score = {run: float(np.log(max(sure, 1e-9)) + np.log(max(w, 1e-9))) + DIGIT_BONUS - split
             for run, sure, w, split in zip(runs, network, whole, splits)}
    best, back = [0.0] + [-np.inf] * len(found), [0] * (len(found) + 1)
    for j in range(1, len(found) + 1):
        for i in range(max(0, j - MOST_PIECES_PER_DIGIT), j):
            if best[i] + score[i, j] > best[j]:
                best[j], back[j] = best[i] + score[i, j], i
    chosen, j = [], len(found)
    while j > 0:
        chosen.append((back[j], j))
        j = back[j]
    index = {run: k for k, run in enumerate(runs)}
    extents = {run: as_piece(union(found, run)) for run in chosen}
    order = sorted(chosen, key=lambda run: extents[run].left + extents[run].right)  # left to right, however drawn
    digits = []
    for run in order:
        extent = extents[run]
        digits.append((Box(extent.left, extent.top, extent.right - extent.left, extent.bottom - extent.top),
                       inputs[index[run]]))
    return best[-1], digits


def looks_like_number(steps: PreprocessSteps) -> bool:
    """Whether an image holds several digits side by side: wide ink in at least two separate groups.

    Touching digits are not split here, so a single wide digit is never mistaken for two.
    """
    ink = steps.cleaned > 0
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if rows.size == 0 or (cols[-1] - cols[0] + 1) < NUMBER_ASPECT * (rows[-1] - rows[0] + 1):
        return False
    labels, count = ndimage.label(ink, structure=np.ones((3, 3), dtype=bool))
    return len(_column_groups(labels, count)) > 1


def read_number(predictor: Predictor, image: ImageInput | PreprocessSteps, segmenter: Predictor | None = None,
                strokes: Sequence[np.ndarray] | None = None) -> NumberReading:
    """Read every digit in an image, left to right (see ``segment``); ``strokes``: its pen strokes, if drawn.
    A decimal point or comma between digits (``decimal_marks``), a minus sign in front and hyphens
    between digits (``dashes``) are set aside before the digits are cut, and read in their places: given
    the strokes, each must be a stroke of its own; from the image alone (an upload), have no other ink
    over or under it. A long flat line (an underline, ``ruled_lines``) is left out."""
    steps = image if isinstance(image, PreprocessSteps) else preprocess_steps(image)
    cleaned = steps.cleaned
    ink_map = suppress_background(steps.flattened, speck_fraction=0.0)  # a point may be dropped as a speck
    blobs = blobs_in(cleaned > 0)
    lines = ruled_lines(cleaned > 0, blobs)
    if lines:  # an underline is left out; a line alone is no number
        if len(lines) == len(blobs):
            raise EmptyImageError("No digits found: a line is not a number. Write the number's digits.")
        ruled = np.logical_or.reduce([line.mask for line in lines])
        cleaned, ink_map = np.where(ruled, 0.0, cleaned), np.where(ruled, 0.0, ink_map)
        blobs = [b for b in blobs if not any(b is line for line in lines)]  # a line is a whole blob: the rest stay as they were
    line = number_line(ink_map, digit_height(blobs))
    stroke_inks = None if strokes is None else strokes_in(ink_map, strokes)
    marks = decimal_marks(line, stroke_inks) + [(dash, "-") for dash in dashes(line, stroke_inks)]
    if marks:
        cleaned = np.where(np.logical_or.reduce([m.mask for m, _ in marks]), 0.0, cleaned)
    digits = segment(cleaned, predictor, segmenter, strokes)
    inputs = tuple(model_input for _, model_input, _ in digits)
    scale = steps.upright.size[0] / steps.cleaned.shape[1]  # the ink map may be a reduced photo
    boxes = tuple(b.scaled(scale) for b, _, _ in digits)
    placed = tuple(Mark(sum(b.left + b.width / 2 < m.left for b, _, _ in digits), char,
                        Box(m.left, m.top, m.right - m.left, m.bottom - m.top).scaled(scale)) for m, char in marks)
    return NumberReading(tuple(p for _, _, p in digits), boxes, inputs, steps,  # a minus in front; others between digits
                         tuple(m for m in placed if 0 < m.after < len(digits) or (m.after == 0 and m.char == "-")))


def number_in(predictor: Predictor, steps: PreprocessSteps, segmenter: Predictor | None = None) -> NumberReading | None:
    """The whole number an image holds, or None if it holds one digit (the Upload page's Automatic).

    Separate digits side by side are a number (``looks_like_number``). Ink at least
    ``MAYBE_NUMBER_ASPECT`` times as wide as tall may be digits that touch: it is cut as a number and
    kept as one if the cut finds several digits (the segment model judges whether a wide candidate is
    one digit). Narrower ink, from ``NARROW_NUMBER_ASPECT``, is kept as a number only if the segment
    model also doubts that all of it is one digit (``ONE_DIGIT_BELOW``), asked before it is cut: most single
    digits are that narrow, and need no cutting. Not in a low-resolution scan: scanned digit sets stretch each
    digit to fill its square grid, so a scanned 0 is as wide as tall. Anything else is one digit; ink that is
    nothing but lines is no number (``read_number`` says so), whatever its width.
    """
    segmenter = segmenter or default_segmenter()
    if looks_like_number(steps):
        return read_number(predictor, steps, segmenter)
    ink = steps.cleaned > 0
    extent = as_piece(ink)
    aspect = (extent.right - extent.left) / (extent.bottom - extent.top)
    if steps.low_resolution_scan or aspect < NARROW_NUMBER_ASPECT:
        return None
    if (aspect < MAYBE_NUMBER_ASPECT and one_digit_probability(steps.cleaned, segmenter) >= ONE_DIGIT_BELOW
            and not _only_lines(ink, extent)):
        return None
    number = read_number(predictor, steps, segmenter)
    return number if len(number.predictions) > 1 else None


def _only_lines(ink: np.ndarray, extent: Piece) -> bool:
    """Whether every blob of the ink (``extent``: all of it) is a ruled line (``ruled_lines``): nothing a digit could
    be read from. A lone blob is a line only if flat, at least twice as wide as tall: most single digits are told so
    without measuring their pen."""
    if (ndimage.label(ink, structure=np.ones((3, 3), dtype=bool))[1] == 1
            and extent.right - extent.left < 2 * (extent.bottom - extent.top)):
        return False
    blobs = blobs_in(ink)
    return len(ruled_lines(ink, blobs)) == len(blobs)


def one_digit_probability(cleaned: np.ndarray, segmenter: Predictor) -> float:
    """How sure the segment model is that all the ink of a cleaned ink map is one whole digit."""
    ink = cleaned > 0
    window = context_window(cleaned, ink, digit_height(blobs_in(ink)))
    return float(segmenter.probabilities(window[None])[0, 1])


def one_digit(steps: PreprocessSteps) -> PreprocessSteps:
    """The steps of an image of one digit with a line drawn under it left out (``ruled_lines``), and the
    digit framed again: cropped to its ink, fitted into the 20x20 box, centred by mass in 28x28, as MNIST
    framed its digits, which have nothing under them. The steps as they were where there is no such line,
    or nothing but lines."""
    ink = steps.cleaned > 0
    blobs = blobs_in(ink)
    if len(blobs) < 2:  # one blob: no line beside the digit
        return steps
    lines = ruled_lines(ink, blobs)
    if not lines or len(lines) == len(blobs):
        return steps
    cleaned = np.where(np.logical_or.reduce([line.mask for line in lines]), 0.0, steps.cleaned).astype(steps.cleaned.dtype)
    cropped = crop_to_ink(cleaned)
    boxed = fit_into_box(cropped)
    return replace(steps, cleaned=cleaned, cropped=cropped, boxed=boxed, result=center_by_mass(boxed), underline_left_out=True)


def read_digit(predictor: Predictor, image: ImageInput | PreprocessSteps) -> Reading:
    """Read an image of one digit, a line drawn under it left out (``one_digit``)."""
    return predictor.read(one_digit(image if isinstance(image, PreprocessSteps) else preprocess_steps(image)))


def read_digit_or_number(predictor: Predictor, image: ImageInput | PreprocessSteps,
                         segmenter: Predictor | None = None) -> Reading | NumberReading:
    """Read an image of one digit or of a whole number, whichever it holds (see ``number_in``)."""
    steps = image if isinstance(image, PreprocessSteps) else preprocess_steps(image)
    return number_in(predictor, steps, segmenter) or read_digit(predictor, steps)
