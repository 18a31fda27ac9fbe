"""The marks written with a number besides its digits: a decimal point or comma between two digits, a minus in
front or a hyphen between two, and a line drawn under it (left out). Each is told by its shape and where it lies
against the digits, and on the canvas by being a pen stroke of its own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
from scipy import ndimage

from .ink import FRAGMENT_HEIGHT, Piece, blobs_in, digit_height, pen_width

MARK_SIZE = (0.06, 0.35)
"""A decimal point's larger side, as shares of the typical digit height: larger than a speck of noise,
smaller than any digit (a 1 is as tall as the others; a fragment of a digit is at least half as tall)."""

MARK_PEN = 1.6
"""A decimal point is a tap of the pen: no side of it longer than this many pen widths. A piece of a
digit's stroke cut off where the pen skipped is often longer."""

COMMA_ASPECT, COMMA_SIZE = 1.3, 0.5
"""A comma is a short stroke down from the line: taller than a point may be, but at most twice
``MARK_PEN`` pen widths and this share of a digit's height, and this many times as tall as wide."""

MARK_GAP = 0.05
"""A decimal mark stands apart: no other ink nearer than this share of the digit height."""

MARK_LINE = 0.2
"""A decimal mark sits on the line: its lowest ink is at most this share of the digit height above
the bottom of its neighbouring digits, and its top below their middle."""

MARK_STROKE = 0.9
"""A decimal mark is one pen stroke's own ink: that stroke holds at least this share of the mark's ink,
and other ink of at most the rest of that share."""


@dataclass(frozen=True)
class NumberLine:
    """A number's ink as its marks are looked for in it: the ink, its blobs, those tall enough to be (part
    of) a digit (at least ``FRAGMENT_HEIGHT`` of the typical digit height), that height and the pen's width."""

    ink: np.ndarray
    blobs: list[Piece]
    digits: list[Piece]
    height: float
    pen: float

    def beside(self, blob: Piece) -> tuple[list[Piece], list[Piece]]:
        """The digits left and right of a blob (by their centres)."""
        return ([d for d in self.digits if (d.left + d.right) / 2 < blob.left],
                [d for d in self.digits if (d.left + d.right) / 2 > blob.right])

    def ink_in_columns(self, blob: Piece, from_row: int = 0) -> bool:
        """Whether other ink lies in the blob's columns, from ``from_row`` down."""
        return bool((self.ink[from_row:, blob.left:blob.right] & ~blob.mask[from_row:, blob.left:blob.right]).any())

    def stands_apart(self, blob: Piece) -> bool:
        """Whether no other ink lies nearer the blob than ``MARK_GAP`` of the digit height."""
        pad = int(np.ceil(MARK_GAP * self.height))
        rows = slice(max(blob.top - pad, 0), blob.bottom + pad)
        cols = slice(max(blob.left - pad, 0), blob.right + pad)
        others = self.ink[rows, cols] & ~blob.mask[rows, cols]
        return not others.any() or ndimage.distance_transform_edt(~others)[blob.mask[rows, cols]].min() >= MARK_GAP * self.height


def number_line(ink_map: np.ndarray, height: float) -> NumberLine:
    """The ink of a number as ``decimal_marks`` and ``dashes`` look at it, worked out once for both.
    ``ink_map``: the ink with its small blobs (``suppress_background`` drops a point with the specks);
    ``height``: the typical digit height."""
    ink = ink_map > 0
    blobs = blobs_in(ink)
    digits = [b for b in blobs if b.bottom - b.top >= FRAGMENT_HEIGHT * height]
    pen = pen_width(np.logical_or.reduce([b.mask for b in digits])) if digits else 0.0
    return NumberLine(ink, blobs, digits, height, pen)


def _line_through(near: Sequence[Piece]) -> tuple[float, float]:
    """The top and bottom of the line the nearest digits stand on (their means)."""
    return float(np.mean([d.top for d in near])), float(np.mean([d.bottom for d in near]))


def _between(left: list[Piece], right: list[Piece]) -> tuple[Piece, Piece]:
    """The digits nearest a blob on either side."""
    return max(left, key=lambda d: d.right), min(right, key=lambda d: d.left)


def _own_stroke(blob: Piece, stroke_inks: Sequence[np.ndarray]) -> bool:
    """Whether the blob is one pen stroke's own ink (``MARK_STROKE``)."""
    area = blob.mask.sum()
    return any((stroke & blob.mask).sum() >= MARK_STROKE * area and (stroke & ~blob.mask).sum() <= (1 - MARK_STROKE) * area
               for stroke in stroke_inks)


def decimal_marks(line: NumberLine, stroke_inks: Sequence[np.ndarray] | None) -> list[tuple[Piece, str]]:
    """Blobs that are a decimal point (".") or comma (","), left to right, with their character.

    A point is small (``MARK_SIZE``), a tap of the pen (``MARK_PEN``); a comma a short stroke down
    (``COMMA_ASPECT``). A mark lies between two digits (blobs at least ``FRAGMENT_HEIGHT`` of a digit
    tall on either side), on their line (``MARK_LINE``), with no other ink in its columns in the lower
    half of the line and none nearer than ``MARK_GAP``. And it is a pen stroke of its own
    (``MARK_STROKE``): a piece of a digit cut off where the pen skipped can look just like a point, but
    it belongs to the digit's stroke. ``stroke_inks``: each pen stroke's ink in the line's ink map
    (``strokes_in``), or None for an image alone, where a mark must have no other ink in its columns.
    """
    if len(line.digits) < 2:
        return []
    height, pen = line.height, line.pen
    marks = []
    for blob in line.blobs:
        h, w = blob.bottom - blob.top, blob.right - blob.left
        if max(h, w) < MARK_SIZE[0] * height:
            continue  # a speck
        if max(h, w) <= min(MARK_PEN * pen, MARK_SIZE[1] * height):
            char = "."
        elif COMMA_ASPECT * w <= h <= min(2 * MARK_PEN * pen, COMMA_SIZE * height):
            char = ","
        else:
            continue
        left, right = line.beside(blob)
        if not left or not right:
            continue
        top, bottom = _line_through(_between(left, right))
        middle = int(round((top + bottom) / 2))
        if blob.top < middle or blob.bottom < bottom - MARK_LINE * height:
            continue
        if line.ink_in_columns(blob, middle):
            continue  # under a digit's stroke: a piece of it (a 7's bar above the line may overhang a point)
        # From the image alone a piece of a digit cut off where the pen skipped is told from a mark only by
        # where it is: it lies over or under the rest of its digit, so a mark has no other ink in its columns.
        alone = stroke_inks is None
        if line.stands_apart(blob) and (not line.ink_in_columns(blob) if alone else _own_stroke(blob, stroke_inks)):
            marks.append((blob, char))
    return sorted(marks, key=lambda m: m[0].left)


MINUS_LENGTH = (0.2, 1.0)
"""A minus sign's or hyphen's length, as shares of the typical digit height."""


def dashes(line: NumberLine, stroke_inks: Sequence[np.ndarray] | None) -> list[Piece]:
    """Blobs that are a minus sign in front of a number or a hyphen between two of its digits ("12-05"),
    left to right.

    A dash is a short level bar (``MINUS_LENGTH``, at least twice as long as it is thick, and no
    thicker than a point may be across, ``MARK_PEN``, give or take a slight slope) with no other ink in
    its columns, none nearer than ``MARK_GAP``, and a pen stroke of its own (``MARK_STROKE``), as
    ``decimal_marks`` asks of a point. A minus lies in front of every digit (blobs at least
    ``FRAGMENT_HEIGHT`` of a digit tall), level with the middle half of the first; a hyphen between two
    digits, level with the middle half of the two. ``stroke_inks``: as for ``decimal_marks``.
    """
    if not line.digits:
        return []
    height, pen = line.height, line.pen
    first = min(line.digits, key=lambda d: d.left)
    found = []
    for blob in line.blobs:
        h, w = blob.bottom - blob.top, blob.right - blob.left
        if not MINUS_LENGTH[0] * height <= w <= MINUS_LENGTH[1] * height or w < 2 * h or h > MARK_PEN * pen + 0.1 * w:
            continue
        left, right = line.beside(blob)
        if not left and blob.right <= first.left:  # in front: a minus
            near = (first,)
        elif left and right:  # between two digits: a hyphen
            near = _between(left, right)
        else:
            continue
        top, bottom = _line_through(near)
        middle, quarter = (blob.top + blob.bottom) / 2, (bottom - top) / 4
        if not top + quarter <= middle <= bottom - quarter:
            continue
        if line.ink_in_columns(blob):
            continue
        if line.stands_apart(blob) and (stroke_inks is None or _own_stroke(blob, stroke_inks)):  # columns clear already
            found.append(blob)
    return sorted(found, key=lambda d: d.left)


UNDERLINE_DROP = 0.1
"""An underline's middle lies below the bottom of the digits (the median of those tall enough for one)
less this share of the digit height."""

UNDERLINE_WIDTH = 0.6
"""A line wholly below a single digit is an underline when it is at least this share of the digit's width long."""


def ruled_lines(ink: np.ndarray, blobs: list[Piece] | None = None) -> list[Piece]:
    """Blobs that are a ruled line, not part of a number: an underline, or a line drawn on its own.

    A line is flat: at least twice as long as it is tall, no column holding more of its ink than a dash
    may be thick (``MARK_PEN`` widths of the digits' pen), and no taller than that give or take a slope
    of a tenth of its length. And it lies under the digits (``UNDERLINE_DROP``), under at least two of them
    and longer than a dash may be (``MINUS_LENGTH``) or a digit is tall: a 5's long bar written apart from
    its body is as flat and as long, but at the top, and a 2's base cut off by a pen lift lies under one
    digit. Where a single digit stands on the page, a line under it is one if it lies wholly below all ink
    over it and is at least ``UNDERLINE_WIDTH`` of the digit's width long (a digit underlined). With no
    other ink, any flat blob is one. ``blobs``: the ink's, where labelled already.
    """
    blobs = blobs_in(ink) if blobs is None else blobs

    def flat(blob: Piece, pen: float) -> bool:
        h, w = blob.bottom - blob.top, blob.right - blob.left
        thickest = blob.mask[blob.top : blob.bottom, blob.left : blob.right].sum(axis=0).max()
        return w >= 2 * h and h <= MARK_PEN * pen + 0.1 * w and thickest <= MARK_PEN * pen

    pen = pen_width(ink)
    is_flat = [flat(b, pen) for b in blobs]
    maybe = [b for b, f in zip(blobs, is_flat) if f]
    others = [b for b, f in zip(blobs, is_flat) if not f]
    if not others:
        return maybe
    pen = pen_width(np.logical_or.reduce([b.mask for b in others]))  # the digits' pen, not the line's own
    height = digit_height(others)
    digits = [b for b in others if b.bottom - b.top >= FRAGMENT_HEIGHT * height]
    line = float(np.median([d.bottom for d in digits]))

    def under(blob: Piece) -> list[Piece]:  # the digits that stand over it
        return [d for d in digits if blob.left <= (d.left + d.right) / 2 <= blob.right]

    def under_the_digit(blob: Piece, over: int) -> bool:  # the one digit on the page: wholly below it, about as wide
        return (len(digits) == over == 1
                and all(blob.top >= o.bottom for o in others if o.left < blob.right and o.right > blob.left)
                and blob.right - blob.left >= UNDERLINE_WIDTH * (digits[0].right - digits[0].left))

    def is_ruled(blob: Piece) -> bool:  # under several digits and long, or under the one digit
        over = len(under(blob))
        return (blob.right - blob.left > MINUS_LENGTH[1] * height and over >= 2) or under_the_digit(blob, over)

    return [b for b in maybe
            if flat(b, pen) and (b.top + b.bottom) / 2 > line - UNDERLINE_DROP * height and is_ruled(b)]
