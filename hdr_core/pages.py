"""Files of several pages, as scanners and fax machines save them: a PDF, or a TIFF holding one image per page.
Any other file is one page (an animated GIF's frames are not pages: its first frame is read)."""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

from . import pdf
from .errors import ImageTooLargeError, InvalidImageError
from .preprocess import DECODE_ERRORS, MAX_PIXELS

MAX_PAGES = 1000
"""Pages read from one file at most, like the images of one archive."""


def _tiff(data: bytes) -> Image.Image | None:
    try:
        image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, Image.DecompressionBombError, *DECODE_ERRORS):
        return None  # not an image that opens: reading it as one page gives the reason
    return image if image.format == "TIFF" else None


def page_count(data: bytes) -> int:
    """How many pages the file holds; 1 for an image of one page (or one that cannot be opened: reading it
    says why). Raises InvalidPdfError for a PDF that cannot be opened."""
    if pdf.is_pdf(data):
        return pdf.page_count(data)
    tiff = _tiff(data)
    try:
        return getattr(tiff, "n_frames", 1) if tiff is not None else 1
    except DECODE_ERRORS:
        return 1  # a damaged list of pages: read the first, which says whether it can be


def page_image(data: bytes, index: int) -> Image.Image:
    """Page ``index`` (from 0) of a PDF or multi-page TIFF as an image, for preprocessing; raises a named
    InputError if it cannot be had (the pixel limit is checked before the page is decoded)."""
    if pdf.is_pdf(data):
        return pdf.render_page(data, index)
    tiff = _tiff(data)
    if tiff is None:
        raise InvalidImageError("This file has no pages to read.")
    damaged = InvalidImageError(f"Page {index + 1} of this TIFF is damaged and cannot be read.")
    try:
        tiff.seek(index)
    except DECODE_ERRORS as err:
        raise damaged from err
    if tiff.width * tiff.height > MAX_PIXELS:
        raise ImageTooLargeError(f"Page {index + 1} is {tiff.width}x{tiff.height} pixels; images up to "
                                 f"{MAX_PIXELS // 1_000_000} megapixels are accepted.")
    try:
        return tiff.copy()  # this page alone, decoded
    except DECODE_ERRORS as err:
        raise damaged from err
