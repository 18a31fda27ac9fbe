"""Readings of several models are combined as the app would read their average; numbers are scored strictly."""

from __future__ import annotations

import numpy as np

from hdr_core.data import Split
from hdr_core.robustness import NetworkReadings, Readings, continental_accuracy, digits_right, served
from hdr_core.variants import WIDTHS


def _one_hot(digits, refused=()):
    probabilities = np.eye(10, dtype=np.float32)[digits]
    probabilities[list(refused)] = 0.0
    return probabilities


def _network(probabilities, labels, of_variants=None):
    if of_variants is None:
        of_variants = np.repeat(probabilities[:, None], len(WIDTHS), axis=1)  # the variants read as the digit does
    return NetworkReadings(Readings(probabilities, labels), of_variants)


def test_an_average_of_networks_takes_the_mean_of_their_probabilities_where_it_is_sure():
    labels = np.array([3, 5, 7])
    first = _network(_one_hot([3, 5, 1]) * 0.6 + 0.04, labels)
    second = _network(_one_hot([3, 2, 7]) * 0.9 + 0.01, labels)
    together = served([first, second])
    np.testing.assert_allclose(together.probabilities, (first.plain.probabilities + second.plain.probabilities) / 2)
    assert together.predicted.tolist() == [3, 2, 7]  # the surer member wins where they disagree
    assert together.accuracy == 2 / 3


def test_where_the_average_is_unsure_the_averaged_variants_are_read_even_if_each_network_was_sure():
    labels = np.array([5, 4])
    first = _network(_one_hot([3, 4]) * 0.995 + 0.0005, labels, of_variants=np.stack([_one_hot([5, 9])] * 2, axis=1))
    second = _network(_one_hot([5, 4]) * 0.994 + 0.0006, labels, of_variants=np.stack([_one_hot([5, 9])] * 2, axis=1))
    together = served([first, second])
    # Each network alone is sure of its first reading (top over UNSURE_BELOW), so alone it would stand;
    # averaged they are unsure of the first digit, and the variants, which both read as 5, decide it.
    assert served([first]).predicted.tolist() == [3, 4]
    assert together.predicted.tolist() == [5, 4] and together.accuracy == 1.0
    np.testing.assert_array_equal(together.probabilities[1], (first.plain.probabilities[1] + second.plain.probabilities[1]) / 2)


def test_an_image_refused_by_preprocessing_stays_refused_and_wrong_when_averaged():
    labels = np.array([0, 4])
    members = [_network(_one_hot([0, 4], refused=[0]), labels), _network(_one_hot([0, 4], refused=[0]), labels)]
    together = served(members)
    assert together.predicted.tolist() == [-1, 4] and together.accuracy == 0.5


def test_the_commonest_mistakes_are_counted_by_true_and_read_digit():
    labels = np.array([9, 9, 9, 4, 4, 1, 2])
    readings = Readings(_one_hot([3, 3, 9, 6, 4, 7, 2], refused=[6]), labels)
    assert readings.most_confused() == [{"true": 9, "read": 3, "count": 2}, {"true": 1, "read": 7, "count": 1},
                                        {"true": 4, "read": 6, "count": 1}]
    assert Readings(_one_hot([1, 2]), np.array([1, 2])).most_confused() == []


def test_a_number_read_with_the_right_count_scores_each_digit_in_place():
    assert digits_right("1984", "1984") == 4
    assert digits_right("1934", "1984") == 3


def test_a_number_read_with_a_digit_too_many_or_too_few_scores_no_digits():
    assert digits_right("19884", "1984") == 0  # one digit cut in two: every later digit is out of place
    assert digits_right("194", "1984") == 0


class _SaysSeven:
    """A stand-in model that reads every digit as 7."""

    def probabilities(self, batch):
        return np.repeat(np.eye(10, dtype=np.float32)[[7]], len(batch), axis=0)


def test_continental_figures_read_only_the_ones_and_sevens_and_score_each_digit_apart():
    digits = np.zeros((5, 28, 28), dtype=np.uint8)
    for digit in digits:
        for row in range(4, 24):
            digit[row, 17 - row // 3 : 19 - row // 3] = 255  # a slanted stroke, as a 1 (the 7s are no different here)
    split = Split(digits, np.array([1, 7, 3, 1, 7]))
    figures = continental_accuracy(_SaysSeven(), split, seed=0)
    assert figures["n"] == 4 and figures["accuracy"] == 0.5  # the 3 is left out
    assert figures["ones_accuracy"] == 0.0 and figures["sevens_accuracy"] == 1.0
    assert figures["most_confused"] == [{"true": 1, "read": 7, "count": 2}]
