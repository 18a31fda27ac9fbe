"""Why the model said what it said: an occlusion map and the first layer's feature maps."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .constants import IMAGE_SIZE

PATCH = 4
"""Side of the square hidden at each position of the occlusion map, in model pixels."""

STRIDE = 2


@dataclass(frozen=True)
class Explanation:
    """Evidence for one reading of one (28, 28) digit."""

    digit: int
    evidence: np.ndarray
    """(28, 28): how much the chosen digit's probability drops when that area is hidden.
    Positive: the area pushed the model towards its answer; negative: hiding it would help."""
    feature_maps: np.ndarray
    """(26, 26, 32): what each of the first convolution layer's 32 filters responds to."""


def occlusion(predictor, image: np.ndarray, digit: int, patch: int = PATCH, stride: int = STRIDE) -> np.ndarray:
    """Hide each patch of the input in turn (set it to background) and measure the probability lost.

    All the hidden variants go through the model as one batch; each pixel's value is the mean
    drop over the patches that covered it. Patches with no ink are skipped: hiding background
    with background changes nothing, so their drop is exactly zero.
    """
    base = float(predictor.probabilities(image)[0, digit])
    corners = [(r, c) for r in range(0, IMAGE_SIZE - patch + 1, stride) for c in range(0, IMAGE_SIZE - patch + 1, stride)
               if image[r : r + patch, c : c + patch].any()]
    if not corners:
        return np.zeros_like(image)
    hidden = np.repeat(image[None], len(corners), axis=0)
    for k, (r, c) in enumerate(corners):
        hidden[k, r : r + patch, c : c + patch] = 0.0
    drops = base - predictor.probabilities(hidden)[:, digit]
    total, covered = np.zeros_like(image), np.zeros_like(image)
    for drop, (r, c) in zip(drops, corners):
        total[r : r + patch, c : c + patch] += drop
    for r in range(0, IMAGE_SIZE - patch + 1, stride):  # every patch position counts, skipped ones with zero
        for c in range(0, IMAGE_SIZE - patch + 1, stride):
            covered[r : r + patch, c : c + patch] += 1
    return (total / np.maximum(covered, 1)).astype(np.float32)


def explain(predictor, image: np.ndarray, digit: int) -> Explanation:
    return Explanation(digit, occlusion(predictor, image, digit), predictor.first_layer(image))
