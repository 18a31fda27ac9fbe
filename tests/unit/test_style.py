"""A writing style weighs the readings of 1s and 7s; the plain style leaves the network's own."""

from __future__ import annotations

import numpy as np
import pytest

from hdr_core.style import CONTINENTAL, PLAIN, SEVEN_WEIGHT, weighed


def _row(**shares: float) -> np.ndarray:
    row = np.zeros((1, 10), dtype=np.float32)
    for name, share in shares.items():
        row[0, int(name[1:])] = share
    return row


def test_plain_readings_are_the_networks_own():
    probabilities = _row(d7=0.7, d1=0.3)
    assert weighed(probabilities, PLAIN) is probabilities


def test_for_a_continental_writer_a_flagged_one_the_network_took_for_a_seven_is_a_one():
    read = weighed(_row(d7=0.7, d1=0.3), CONTINENTAL)
    assert read.argmax() == 1 and read.sum() == pytest.approx(1.0)
    assert read[0, 7] / read[0, 1] == pytest.approx(0.7 / 0.3 * SEVEN_WEIGHT, rel=1e-5)


def test_a_sure_seven_stays_a_seven_and_other_digits_keep_their_order():
    read = weighed(_row(d7=0.999, d1=0.0005, d2=0.0005), CONTINENTAL)
    assert read.argmax() == 7
    assert read[0, 1] == pytest.approx(read[0, 2])


def test_a_refused_image_stays_unread_and_an_unknown_style_is_an_error():
    assert not weighed(np.zeros((2, 10), dtype=np.float32), CONTINENTAL).any()
    with pytest.raises(ValueError):
        weighed(_row(d7=1.0), "cursive")
