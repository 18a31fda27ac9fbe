"""Small array operations the preprocessing steps share: a quick median, a histogram and Otsu's threshold
of grey levels in [0, 1], max-pooling and a grey closing."""

from __future__ import annotations

import numpy as np
from scipy import ndimage


def median(values: np.ndarray) -> float:
    """``np.median(values)``, found without sorting where one extreme value fills more than half of
    them (the white of a canvas, the black ground of its ink): that value is then the median."""
    flat = values.ravel()
    for extreme in (flat.max(), flat.min()) if flat.size else ():
        if np.count_nonzero(flat == extreme) > flat.size // 2:
            return float(extreme)
    return float(np.median(flat))


def histogram(values: np.ndarray, bins: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """``np.histogram(values, bins, range=(0.0, 1.0))`` of values in [0, 1], counted directly: the same
    counts and edges (scaling by a power of two is exact), without its general checks."""
    counts = np.bincount(np.minimum((values * bins).astype(np.intp), bins - 1).ravel(), minlength=bins)
    return counts, np.linspace(0.0, 1.0, bins + 1, dtype=np.result_type(0.0, 1.0, values))


def otsu_threshold(values: np.ndarray) -> float:
    """Otsu's threshold: the grey level that best splits the values (in [0, 1]) into a darker and a lighter group."""
    counts, edges = histogram(values)
    share = counts / max(counts.sum(), 1)
    below = np.cumsum(share)[:-1]
    mean_below = np.cumsum(share * (edges[:-1] + edges[1:]) / 2)[:-1]
    total = mean_below[-1] + share[-1] * (edges[-2] + edges[-1]) / 2
    between = (total * below - mean_below) ** 2 / np.maximum(below * (1.0 - below), 1e-12)
    return float(edges[1:-1][np.argmax(between)])


def max_pool(values: np.ndarray, factor: int) -> np.ndarray:
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


def closing(values: np.ndarray, size: int) -> np.ndarray:
    """A grey closing over a size x size square: the lightest value nearby, then the darkest of those."""
    return ndimage.minimum_filter(ndimage.maximum_filter(values, size, mode="nearest"), size, mode="nearest")
