"""Files of several pages: a PDF's pages and a multi-page TIFF's, each read on its own; anything else is one page."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from hdr_core import ImageTooLargeError, InvalidImageError, InvalidPdfError, preprocess
from hdr_core.pages import page_count, page_image
from tests.bad_files import blank, pdf_of, seven, tiff_of


def test_a_multi_page_tiff_is_counted_and_each_page_decoded_on_its_own():
    data = tiff_of(blank(), seven(), blank())
    assert page_count(data) == 3
    assert [np.asarray(page_image(data, i)).min() < 128 for i in range(3)] == [False, True, False]
    assert np.array_equal(preprocess(page_image(data, 1)), preprocess(seven()))


def test_a_pdfs_pages_are_counted_and_rendered_through_the_same_calls():
    data = pdf_of(blank(), seven())
    assert page_count(data) == 2 and np.asarray(page_image(data, 1)).min() < 128


def test_an_animated_gif_or_a_plain_image_is_one_page():
    gif = io.BytesIO()
    seven().save(gif, format="GIF", save_all=True, append_images=[blank()], duration=100)
    assert page_count(gif.getvalue()) == 1 and page_count(tiff_of(seven())) == 1
    assert page_count(b"not an image at all") == 1  # reading it as one page says why


def test_a_page_beyond_the_pixel_limit_is_refused_before_it_is_decoded():
    data = tiff_of(seven().convert("1"), Image.new("1", (9000, 9000), 1), compression="group4")
    assert len(data) < 100_000 and page_count(data) == 2
    with pytest.raises(ImageTooLargeError, match="Page 2 is 9000x9000"):
        page_image(data, 1)


def test_a_page_that_cannot_be_had_is_a_named_error():
    with pytest.raises(InvalidImageError):
        page_image(b"not an image at all", 0)
    with pytest.raises(InvalidPdfError):
        page_count(pdf_of(seven())[:200])
