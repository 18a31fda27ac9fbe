"""Explanations point at the ink that made the reading, and show the first layer's response."""

from __future__ import annotations

import numpy as np
import pytest

from hdr_core import Predictor, preprocess
from hdr_core.explain import explain, occlusion
from tests.conftest import drawn_seven


@pytest.fixture(scope="module")
def predictor():
    return Predictor.from_file()


def test_the_evidence_lies_on_the_strokes_of_the_digit(predictor):
    digit = preprocess(drawn_seven())
    why = explain(predictor, digit, predictor.predict(digit).digit)
    assert why.evidence.shape == (28, 28)
    assert why.evidence[digit > 0.5].mean() > 5 * abs(why.evidence[digit == 0].mean())


def test_skipping_empty_patches_gives_the_same_map_as_hiding_every_patch(predictor):
    digit = preprocess(drawn_seven())
    fast = occlusion(predictor, digit, 7)
    base = float(predictor.probabilities(digit)[0, 7])
    total, covered = np.zeros_like(digit), np.zeros_like(digit)
    for r in range(0, 25, 2):
        for c in range(0, 25, 2):
            hidden = digit.copy()
            hidden[r : r + 4, c : c + 4] = 0
            total[r : r + 4, c : c + 4] += base - float(predictor.probabilities(hidden)[0, 7])
            covered[r : r + 4, c : c + 4] += 1
    np.testing.assert_allclose(fast, total / covered, atol=1e-5)


def test_the_first_layer_gives_32_feature_maps_that_respond_to_the_strokes(predictor):
    digit = preprocess(drawn_seven())
    maps = predictor.first_layer(digit)
    assert maps.shape == (26, 26, 32) and maps.min() >= 0.0  # after ReLU
    assert maps.max() > 0.0
