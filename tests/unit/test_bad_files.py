"""Every awkward file gets a named error with a message, or is read; nothing else escapes."""

from __future__ import annotations

import numpy as np
import pytest

from hdr_core import InputError, preprocess
from tests.bad_files import corpus

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


def mutants(data: bytes, count: int, seed: int) -> list[bytes]:
    """``count`` copies of a file, each damaged by chance as files are in transit or on a failing disk:
    bytes overwritten here and there, a run of them replaced, or a run of stray bytes put in."""
    rng = np.random.default_rng(seed)
    copies = []
    for k in range(count):
        damaged, at = bytearray(data), int(rng.integers(len(data)))
        run = bytes(rng.integers(0, 256, int(rng.integers(1, 65)), dtype=np.uint8))
        if k % 3 == 0:
            for spot in rng.integers(0, len(data), int(rng.integers(1, 21))):
                damaged[spot] = int(rng.integers(256))
        elif k % 3 == 1:
            damaged[at : at + len(run)] = run
        else:
            damaged[at:at] = run
        copies.append(bytes(damaged))
    return copies


@pytest.mark.parametrize("name,data", READABLE, ids=[name for name, _ in READABLE])
def test_a_readable_file_with_bytes_damaged_anywhere_is_still_read_or_refused_with_a_message(name, data):
    for damaged in mutants(data, 60, seed=len(data)):
        try:
            preprocess(damaged)
        except InputError:
            pass


def test_a_damaged_archive_pdf_or_multipage_tiff_gives_each_file_or_page_or_a_message():
    from hdr_core.batch import expand_files, picture_of
    from hdr_core.preprocess import upright_image
    from tests.bad_files import pdf_of, seven, tiff_of
    from tests.conftest import png_bytes, zipped

    batches = {"scans.zip": zipped({"a.png": png_bytes(seven()), "b.jpg": png_bytes(seven("RGB"), format="JPEG")}),
               "scans.pdf": pdf_of(seven(), seven()), "fax.tif": tiff_of(seven(), seven())}
    for name, data in batches.items():
        for damaged in mutants(data, 40, seed=len(data)):
            for _, file in expand_files([(name, damaged)]).files:  # as the Batch page reads them
                try:
                    upright = upright_image(file() if callable(file) else file)
                    picture_of(upright)
                    preprocess(upright)
                except InputError:
                    pass
