"""Many files at once: each is preprocessed (with progress reported); whole numbers are read as they come,
single digits all together in one batch. A ZIP archive among them stands for the images inside it, a PDF
or multi-page TIFF for its pages."""

from __future__ import annotations

import base64
import csv
import functools
import io
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Union

import numpy as np
from PIL import Image

from .archive import is_archive, zip_images
from .errors import InputError
from .model import Predictor, readers
from .numbers import number_in, one_digit
from .pages import MAX_PAGES, page_count, page_image
from .pdf import is_pdf
from .preprocess import displayable, limit_size, preprocess_steps, upright_image


def png_url(data: bytes) -> str:
    """PNG bytes as a data URL, for a table cell."""
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def thumbnail_url(model_input: np.ndarray, pixel: int = 2) -> str:
    """A (28, 28) model input as a small PNG data URL, for a table cell."""
    buffer = io.BytesIO()
    Image.fromarray((np.kron(model_input, np.ones((pixel, pixel))) * 255).astype(np.uint8)).save(buffer, format="PNG")
    return png_url(buffer.getvalue())


PICTURE_SIDE = 96
"""A file's picture in the results is at most this many pixels on its longer side: enough to tell the files apart
at a glance (a table row shows it smaller still), about 5 KB each, so a thousand files' pictures stay small."""


def picture_of(image: Image.Image, side: int = PICTURE_SIDE) -> bytes:
    """The upright image, as the file shows it, made at most ``side`` pixels on its longer side: PNG bytes."""
    buffer = io.BytesIO()
    limit_size(displayable(image), side).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


@dataclass(frozen=True)
class FileReading:
    """One file's result: what was read in it (one digit, or a whole number) and how sure, or why it could not be read."""

    name: str
    text: str | None
    confidence: float | None
    error: str | None
    model_input: np.ndarray | None  # what the model saw: one 28x28 digit, or a number's digits side by side
    picture: bytes | None = None  # the file itself, small (``picture_of``)

    def thumbnail(self) -> str | None:
        """The model's input as a small PNG data URL (for a table cell)."""
        return None if self.model_input is None else thumbnail_url(self.model_input)

    def picture_url(self) -> str | None:
        """The file's picture as a PNG data URL (for a table cell); None where it could not be opened."""
        return None if self.picture is None else png_url(self.picture)


FileData = Union[bytes, Callable[[], Union[bytes, Image.Image]]]
"""A file's bytes, or a function that gets them or its image (an image in an archive, unpacked when it is
read; a page of a PDF or TIFF, rendered or decoded when it is read)."""


@dataclass(frozen=True)
class Opened:
    """The files to read, each ZIP archive replaced by its images and each PDF or multi-page TIFF by its
    pages, and what they held besides: (name, why it was not read)."""

    files: tuple[tuple[str, FileData], ...]
    left_out: tuple[tuple[str, str], ...]


def expand_files(files: Iterable[tuple[str, bytes]]) -> Opened:
    """Replace each ZIP archive (by its name) with the images inside it, in name order ("scans.zip/scan-1.png"),
    and each PDF or multi-page TIFF, on its own or in an archive, with its pages ("scan.pdf, page 2"); an
    archive, PDF or TIFF that cannot be opened stays one file, whose reading is its error."""
    opened: list[tuple[str, FileData]] = []
    left_out: list[tuple[str, str]] = []
    for name, data in files:
        if not is_archive(name):
            _add_pages(name, lambda: data, opened, left_out)
            continue
        try:
            archive = zip_images(name, data, order=in_name_order)
        except InputError as err:
            opened.append((name, functools.partial(_raise, err)))
            continue
        for member, unpack in archive.images:
            if member.lower().endswith(PAGED_SUFFIXES):  # unpacked now, to count its pages
                _add_pages(member, unpack, opened, left_out)
            else:  # unpacked when it is read
                opened.append((member, unpack))
        left_out += archive.left_out
    return Opened(tuple(opened), tuple(left_out))


PAGED_SUFFIXES = (".pdf", ".tif", ".tiff")
"""Files in an archive that may hold several pages, by name (outside archives, every file is asked)."""


def _add_pages(name: str, get: Callable[[], bytes], opened: list, left_out: list) -> None:
    """Append the file (name, bytes), or its pages if it is a PDF or multi-page TIFF, or (name, its error)."""
    try:
        data = get()
        pages = page_count(data)
    except InputError as err:
        opened.append((name, functools.partial(_raise, err)))
        return
    if pages == 1 and not is_pdf(data):
        opened.append((name, data))
        return
    opened.extend((f"{name}, page {i + 1}", functools.partial(page_image, data, i)) for i in range(min(pages, MAX_PAGES)))
    if pages > MAX_PAGES:
        left_out.append((f"{name}, pages {MAX_PAGES + 1}-{pages}", f"more than {MAX_PAGES:,} pages in one file"))


def _raise(err: Exception) -> bytes:
    raise err


def read_files(predictor: Predictor, files: Iterable[tuple[str, FileData]], total: int | None = None,
               on_progress: Callable[[int, int], None] | None = None, segmenter: Predictor | None = None
               ) -> list[FileReading]:
    """Read every (name, bytes) file; a file that cannot be read gets its error, the others still count.
    In place of bytes, a function that returns them (or raises a named InputError) is called when the file is read.

    A file holding a whole number (``numbers.number_in``, as the Upload page decides) is read as one; a
    single digit is read without a line drawn under it (``numbers.one_digit``).
    """
    results: list[FileReading | None] = []
    # Single digits, read together at the end: position, name, 28x28 input, a scan?, picture
    waiting: list[tuple[int, str, np.ndarray, bool, bytes]] = []
    for done, (name, data) in enumerate(files, start=1):
        picture = None
        try:
            upright = upright_image(data() if callable(data) else data)
            picture = picture_of(upright)
            steps = preprocess_steps(upright)
            number = number_in(predictor, steps, segmenter)
            if number is None:
                waiting.append((len(results), name, one_digit(steps).result, steps.low_resolution_scan, picture))
                results.append(None)
            else:
                results.append(FileReading(name, number.text, number.confidence, None, np.hstack(number.model_inputs), picture))
        except InputError as err:  # an image that opened, but shows no digit, keeps its picture
            results.append(FileReading(name, None, None, str(err), None, picture))
        if on_progress:
            on_progress(done, total or done)
    for reader, positions in readers(predictor, [scan for _, _, _, scan, _ in waiting]):  # one batch per network
        probabilities = reader.probabilities(np.stack([waiting[k][2] for k in positions]))
        for row, k in zip(probabilities, positions):
            i, name, model_input, _, picture = waiting[k]
            results[i] = FileReading(name, str(int(row.argmax())), float(row.max()), None, model_input, picture)
    return results


def in_name_order(name: str) -> tuple:
    """A sort key that orders file paths as a file manager lists them: folder by folder, case aside, and
    numbers by value ("scan-2.png" before "scan-10.png")."""
    return tuple(tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", level.casefold()))
                 for level in name.split("/"))


def to_csv(readings: list[FileReading]) -> str:
    """The results as CSV: file, reading (a digit or a number), confidence, error (file names as plain text)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["file", "reading", "confidence", "error"])
    for r in readings:
        writer.writerow([r.name, r.text or "",
                         "" if r.confidence is None else f"{r.confidence:.4f}", r.error or ""])
    return buffer.getvalue()
