"""Every awkward file gets a named error with a message, or is read; nothing else escapes."""

from __future__ import annotations

import numpy as np
import pytest

from hdr_core import InputError, preprocess
from tests.bad_files import corpus, mutants

CASES = corpus()


@pytest.mark.parametrize("name,data,expected", CASES, ids=[c[0] for c in CASES])
def test_each_awkward_file_is_refused_with_a_message_or_read(name, data, expected):
    if expected == "error":
        with pytest.raises(InputError) as caught:
            preprocess(data)
        assert len(str(caught.value)) > 10
    else:
        digit = preprocess(data)
        assert digit.shape == (28, 28) and np.isclose(digit.max(), 1.0)


READABLE = [(name, data) for name, data, expected in CASES if expected == "read"]


@pytest.mark.parametrize("name,data", READABLE, ids=[name for name, _ in READABLE])
def test_a_readable_file_cut_short_anywhere_is_still_read_or_refused_with_a_message(name, data):
    # Cut-short multi-page TIFFs and animated GIFs once escaped as TypeError, IndexError and struct.error.
    ends = range(1, len(data)) if len(data) <= 4096 else np.linspace(1, len(data) - 1, 200).astype(int)
    for end in ends:
        try:
            preprocess(data[:end])
        except InputError:
            pass


@pytest.mark.parametrize("name,data", READABLE, ids=[name for name, _ in READABLE])
def test_a_readable_file_with_bytes_damaged_anywhere_is_still_read_or_refused_with_a_message(name, data):
    for damaged in mutants(data, 60, seed=len(data)):
        try:
            preprocess(damaged)
        except InputError:
            pass

