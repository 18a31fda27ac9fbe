"""The engine's small public API: pure helpers, metrics and result types."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import numpy as np
import pytest

from hdr_core import metrics
from hdr_core.constants import INPUT_SHAPE
from hdr_core.model import Prediction
from hdr_core.scaling import as_model_batch, scale_uint8


def test_hdr_core_never_imports_streamlit():
    code = (
        "import sys, hdr_core, hdr_core.model, hdr_core.data, hdr_core.metrics, hdr_core.synth, hdr_core.robustness\n"
        "hdr_core.Predictor\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'streamlit'], 'streamlit was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_importing_hdr_core_loads_neither_tensorflow_nor_keras():
    code = "import sys, hdr_core; assert not {'tensorflow', 'keras'} & set(sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_uint8_pixels_scale_to_the_unit_range():
    scaled = scale_uint8(np.array([0, 51, 255], dtype=np.uint8))
    assert scaled.dtype == np.float32
    np.testing.assert_allclose(scaled, [0.0, 0.2, 1.0])


def test_one_image_or_many_become_a_model_batch():
    assert as_model_batch(np.zeros((28, 28))).shape == (1, *INPUT_SHAPE)
    assert as_model_batch([np.zeros((28, 28))] * 3).shape == (3, *INPUT_SHAPE)
    assert as_model_batch(np.zeros((5, 28, 28, 1))).shape == (5, *INPUT_SHAPE)


@pytest.mark.parametrize("bad", [np.zeros((27, 28)), np.full((28, 28), 255.0), np.zeros((2, 3, 28, 28))])
def test_a_model_batch_refuses_wrong_shapes_and_unscaled_pixels(bad):
    with pytest.raises(ValueError):
        as_model_batch(bad)


def test_a_prediction_is_frozen_and_names_its_digit_confidence_and_runner_up():
    result = Prediction.from_probabilities([0.01, 0.02, 0.7, 0.2, 0.01, 0.01, 0.01, 0.02, 0.01, 0.01])
    assert (result.digit, result.runner_up) == (2, 3)
    assert result.confidence == pytest.approx(0.7)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.digit = 5


def test_the_confusion_matrix_counts_true_rows_against_predicted_columns():
    matrix = metrics.confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0], num_classes=3)
    np.testing.assert_array_equal(matrix, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])


def test_the_per_class_report_gives_precision_recall_and_f1():
    report = metrics.classification_report(np.array([[1, 1, 0], [0, 1, 0], [1, 0, 2]]))
    assert report[0] == {"digit": 0, "precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert report[2]["precision"] == 1.0 and report[2]["recall"] == pytest.approx(2 / 3)
    assert report[1]["f1"] == pytest.approx(2 * 0.5 * 1.0 / 1.5)


def test_expected_calibration_error_is_zero_when_confidence_matches_accuracy():
    probabilities = np.array([[0.75, 0.25]] * 4)
    assert metrics.calibration(probabilities, [0, 0, 0, 1], bins=10)["ece"] == pytest.approx(0.0)


def test_expected_calibration_error_measures_overconfidence():
    probabilities = np.array([[0.95, 0.05]] * 10)
    result = metrics.calibration(probabilities, [0] * 5 + [1] * 5, bins=10)
    assert result["ece"] == pytest.approx(0.45)
    assert sum(b["count"] for b in result["bins"]) == 10


def test_accuracy_at_confidence_reports_coverage_and_accuracy_above_each_threshold():
    probabilities = np.array([[0.9, 0.1], [0.6, 0.4], [0.3, 0.7], [0.45, 0.55]])
    rows = metrics.accuracy_at_confidence(probabilities, [0, 1, 1, 0], [0.5, 0.65])
    assert rows[0] == {"threshold": 0.5, "coverage": 1.0, "accuracy": 0.5}
    assert rows[1] == {"threshold": 0.65, "coverage": 0.5, "accuracy": 1.0}


def test_the_confidence_threshold_is_where_confident_readings_reach_the_target_accuracy():
    confidence = np.array([0.99, 0.95, 0.9, 0.8, 0.7, 0.6])
    probabilities = np.stack([confidence, 1 - confidence], axis=1)
    y_true = [0, 0, 0, 1, 0, 1]  # the 0.8 and 0.6 readings are wrong
    assert metrics.confidence_threshold(probabilities, y_true, target_accuracy=1.0) == 0.9
    assert metrics.confidence_threshold(probabilities, y_true, target_accuracy=0.8) == 0.7
    assert metrics.confidence_threshold(probabilities, [1] * 6, target_accuracy=0.5) == 1.0
