"""PDF scans: a scanner's PDF holds each page as a picture, so each page is rendered to an image (PDFium,
through pypdfium2) and read like an uploaded photo of it."""

from __future__ import annotations

import threading

import pypdfium2 as pdfium
from PIL import Image

from .errors import InvalidPdfError

RENDER_SIDE = 1024
"""Pixels on a rendered page's longer side: what preprocessing reduces a large photo to anyway
(``preprocess.WORK_SIDE``), whatever size the page declares."""

_PDFIUM = threading.Lock()
"""PDFium is not thread-safe, and every session of the app runs in a thread of one process."""


IMAGE_SIGNATURES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"II*\x00", b"MM\x00*", b"RIFF")
"""How the image formats begin: such a file is an image even if "%PDF-" appears in its first bytes."""


def is_pdf(data: bytes) -> bool:
    """A PDF is known by its header: ``%PDF-`` within its first 1,024 bytes (the standard allows a few bytes
    before it), in a file that does not begin as an image does."""
    return b"%PDF-" in data[:1024] and not data.startswith(IMAGE_SIGNATURES) and data[4:8] != b"ftyp"


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        # PDFium's last-error code can be left over from another document, so the file itself is asked: an
        # encrypted PDF that fails to open needs a password (one without a user password opens as any other).
        if b"/Encrypt" in data:
            raise InvalidPdfError("This PDF is password-protected; save it without a password first.") from err
        raise InvalidPdfError("This is not a PDF that can be opened: it may be cut short, damaged or empty.") from err
    if len(document) == 0:
        document.close()
        raise InvalidPdfError("This PDF has no pages.")
    return document


def page_count(data: bytes) -> int:
    """How many pages a PDF has; raises InvalidPdfError if it cannot be opened or has none."""
    with _PDFIUM:
        document = _open(data)
        try:
            return len(document)
        finally:
            document.close()


def render_page(data: bytes, index: int = 0) -> Image.Image:
    """One page of a PDF as a greyscale image ``RENDER_SIDE`` pixels on its longer side, white paper
    where the page is blank; raises InvalidPdfError if it cannot be opened or rendered."""
    with _PDFIUM:
        document = _open(data)
        try:
            page = document[index]
            try:
                width, height = page.get_size()
                if not 0 < max(width, height) < 1e6:
                    raise InvalidPdfError(f"Page {index + 1} of this PDF has no usable size.")
                bitmap = page.render(scale=RENDER_SIDE / max(width, height), grayscale=True)
                try:
                    return bitmap.to_pil().convert("L")  # a copy: the bitmap's memory is PDFium's, freed here
                finally:
                    bitmap.close()
            finally:
                page.close()
        except pdfium.PdfiumError as err:
            raise InvalidPdfError(f"Page {index + 1} of this PDF cannot be rendered.") from err
        finally:
            document.close()
