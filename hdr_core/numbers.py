"""Whole numbers: split an image of several digits into single digits and read them all at once.

Each digit is then framed exactly as a single digit is (``fit_into_box`` and ``center_by_mass``,
MNIST's 20x20 box and centre of mass), so a number is read by the same model with no retraining.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from .errors import EmptyImageError
from .model import Prediction, Predictor
from .preprocess import ImageInput, PreprocessSteps, center_by_mass, fit_into_box, preprocess_steps

OVERLAP_TO_MERGE = 0.5
"""Ink blobs whose column ranges overlap by this share of the narrower one are parts of one digit
(the bar of a 5, the stem of a 4, a 7's crossbar)."""

FRAGMENT_HEIGHT = 0.5
"""A group less than this share of the typical digit height is a fragment (a bar, a piece cut off by
a pen lift) and joins its nearest neighbour."""

WIDEST_DIGIT = 1.3
"""A blob wider than this many times its height holds more than one digit (touching digits).
Chosen on numbers made of MNIST training digits, never test digits."""

TALL_PIECE = 0.6
"""Both sides of a cut between touching digits must be at least this share of the blob's height."""

NUMBER_ASPECT = 1.3
"""Ink laid out at least this much wider than tall, in separate groups, is taken for a number."""

DIGIT_ASPECT = 0.7
"""Typical width of a handwritten digit as a share of its height, to guess how many touch."""


@dataclass(frozen=True)
class Box:
    """Where a digit is, in pixels of the upright input image."""

    left: int
    top: int
    width: int
    height: int


@dataclass(frozen=True)
class NumberReading:
    """A number read digit by digit, left to right."""

    predictions: tuple[Prediction, ...]
    boxes: tuple[Box, ...]
    model_inputs: tuple[np.ndarray, ...]
    steps: PreprocessSteps

    @property
    def text(self) -> str:
        return "".join(str(p.digit) for p in self.predictions)

    @property
    def confidence(self) -> float:
        """How sure the model is of the whole number: the product of its digits' confidences."""
        return float(np.prod([p.confidence for p in self.predictions]))


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


def _ink_height(ink: np.ndarray) -> int:
    rows = np.flatnonzero(ink.any(axis=1))
    return int(rows[-1] - rows[0] + 1) if rows.size else 0


def _split_touching(ink: np.ndarray) -> list[tuple[int, int]]:
    """Column ranges of the digits in one blob: cut where the ink is thinnest near the expected joins.

    A cut is kept only if the ink on both sides stands tall (a join between two digits); a long
    tail or crossbar of one wide digit leaves a short piece, so that digit stays whole.
    """
    height, width = _ink_height(ink), ink.shape[1]
    if width <= WIDEST_DIGIT * height:
        return [(0, width)]
    count = max(2, round(width / (DIGIT_ASPECT * height)))
    profile = ndimage.uniform_filter1d(ink.sum(axis=0), size=3)
    cuts, step = [0], width / count
    for k in range(1, count):
        low, high = max(int(step * (k - 0.35)), cuts[-1] + 1), min(int(step * (k + 0.35)), width - 1)
        if high <= low:
            continue
        cut = low + int(np.argmin(profile[low:high]))
        if min(_ink_height(ink[:, cuts[-1]:cut]), _ink_height(ink[:, cut:])) >= TALL_PIECE * height:
            cuts.append(cut)
    cuts.append(width)
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b - a >= 2]


def segment(cleaned: np.ndarray) -> list[tuple[Box, np.ndarray]]:
    """Split a cleaned ink map (``PreprocessSteps.cleaned``) into digits, left to right.

    Returns each digit's box in the ink map and its ink alone (other digits' ink removed).
    """
    labels, count = ndimage.label(cleaned > 0, structure=np.ones((3, 3), dtype=bool))
    if count == 0:
        raise EmptyImageError("No digits found. Write or upload a number.")
    digits = []
    for members in _column_groups(labels, count):
        mask = np.isin(labels, members)
        rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
        top, left = rows[0], cols[0]
        ink = np.where(mask, cleaned, 0.0)[top : rows[-1] + 1, left : cols[-1] + 1]
        for a, b in _split_touching(ink):
            piece = ink[:, a:b]
            rows_p = np.flatnonzero(piece.any(axis=1))
            if rows_p.size == 0:
                continue
            piece = piece[rows_p[0] : rows_p[-1] + 1]
            box = Box(int(left + a), int(top + rows_p[0]), int(b - a), int(piece.shape[0]))
            digits.append((box, piece))
    return digits


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


def read_number(predictor: Predictor, image: ImageInput | PreprocessSteps) -> NumberReading:
    """Read every digit in an image, left to right, in one batch through the model."""
    steps = image if isinstance(image, PreprocessSteps) else preprocess_steps(image)
    pieces = segment(steps.cleaned)
    inputs = tuple(center_by_mass(fit_into_box(piece)) for _, piece in pieces)
    scale = steps.upright.size[0] / steps.cleaned.shape[1]  # the ink map may be a reduced photo
    boxes = tuple(Box(round(b.left * scale), round(b.top * scale), round(b.width * scale), round(b.height * scale))
                  for b, _ in pieces)
    return NumberReading(tuple(predictor.predict_many(np.stack(inputs))), boxes, inputs, steps)
