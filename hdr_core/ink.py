"""Ink: what counts as ink, and the ink as numbers are cut from it: its blobs (``Piece``), the typical height
of a digit and the pen's width."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

INK_FLOOR = 0.2
"""After normalisation, fainter values are background texture or noise, not ink."""

FRAGMENT_HEIGHT = 0.5
"""A group less than this share of the typical digit height is a fragment (a bar, a piece cut off by
a pen lift) and joins its nearest neighbour."""


@dataclass(frozen=True)
class Piece:
    """A blob of ink, or a slice of a wide blob: the smallest unit a digit is built from."""

    mask: np.ndarray  # bool, the shape of the whole ink map
    left: int
    right: int  # exclusive
    top: int
    bottom: int  # exclusive


def as_piece(mask: np.ndarray) -> Piece:
    """The piece of ink a (non-empty) bool mask holds, with its extent."""
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return Piece(mask, int(cols[0]), int(cols[-1] + 1), int(rows[0]), int(rows[-1] + 1))


def in_place(mask: np.ndarray, box: tuple[slice, slice], shape: tuple[int, int]) -> np.ndarray:
    """A mask cut to ``box`` put back in place in a bool array of ``shape``."""
    full = np.zeros(shape, dtype=bool)
    full[box] = mask
    return full


def blobs_in(ink: np.ndarray) -> list[Piece]:
    """Each blob of the ink (8-connected), as a piece the size of the ink map."""
    labels, _ = ndimage.label(ink, structure=np.ones((3, 3), dtype=bool))
    return [as_piece(in_place(labels[box] == k + 1, box, ink.shape)) for k, box in enumerate(ndimage.find_objects(labels))]


def digit_height(blobs: list[Piece]) -> float:
    """The typical height of one digit: the median of the blobs at least half as tall as the tallest."""
    heights = np.array([b.bottom - b.top for b in blobs], dtype=float)
    return float(np.median(heights[heights >= FRAGMENT_HEIGHT * heights.max()]))


def pen_width(ink: np.ndarray) -> float:
    """The width of the strokes, in pixels: twice the ink's area over its edge (a stroke of width w and
    length l has area w*l and about 2*l edge pixels)."""
    edge = ink & ~ndimage.binary_erosion(ink)
    return 2.0 * float(ink.sum()) / max(float(edge.sum()), 1.0)
