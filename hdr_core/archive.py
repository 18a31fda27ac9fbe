"""ZIP archives of images, for reading many at once: listed without unpacking, each image unpacked only when
it is read, and limited so that a small archive cannot unpack into gigabytes (a zip bomb)."""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from dataclasses import dataclass
from typing import Callable

from .errors import ImageTooLargeError, InvalidArchiveError
from .preprocess import MAX_FILE_BYTES, UPLOAD_TYPES

READABLE_SUFFIXES = tuple(f".{t}" for t in UPLOAD_TYPES)
"""What is read inside an archive, by name, as the uploaders take it: images, and PDFs for their pages."""

MAX_IMAGES = 1000
"""Images read from one archive at most; more are listed as left out."""

MAX_UNPACKED_BYTES = 200 * 2**20
"""All the images of one archive together unpack to at most this; each on its own to at most
``MAX_FILE_BYTES``, the same as an uploaded file."""

SYSTEM_FILES = {"thumbs.db", "desktop.ini"}
"""Files that operating systems add to folders (as well as hidden ones, and macOS's __MACOSX copies)."""


@dataclass(frozen=True)
class ZipImages:
    """An archive's images, each a name ("scans.zip/2024/scan-1.png") and a function that unpacks it (raising a
    named InputError if it cannot), and what else it holds: (name, why it was not read)."""

    images: tuple[tuple[str, Callable[[], bytes]], ...]
    left_out: tuple[tuple[str, str], ...]


def is_archive(name: str) -> bool:
    """A ZIP archive is known by its name, as the uploaders know images by theirs."""
    return name.lower().endswith(".zip")


def is_system_file(member: str) -> bool:
    """Hidden files (.DS_Store, macOS's ._ copies), the __MACOSX folder and Windows' Thumbs.db: never a user's image."""
    parts = member.split("/")
    return parts[0] == "__MACOSX" or any(p.startswith(".") for p in parts) or parts[-1].lower() in SYSTEM_FILES


def zip_images(name: str, data: bytes, order: Callable[[str], object] = str) -> ZipImages:
    """List the images in a ZIP archive (in ``order`` of their paths) without unpacking any; raise
    InvalidArchiveError if the bytes are not a ZIP archive that can be opened."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as err:
        raise InvalidArchiveError("This is not a ZIP archive that can be opened: it may be cut short or damaged.") from err
    members = [m for m in archive.infolist() if not m.is_dir() and not is_system_file(m.filename)]
    images = sorted((m for m in members if m.filename.lower().endswith(READABLE_SUFFIXES)), key=lambda m: order(m.filename))
    left_out = [(m.filename, "not an image") for m in members if not m.filename.lower().endswith(READABLE_SUFFIXES)]
    left_out += [(m.filename, f"more than {MAX_IMAGES:,} images in one archive") for m in images[MAX_IMAGES:]]
    budget = [MAX_UNPACKED_BYTES]  # what the archive may still unpack to, shared by its images

    def unpacker(member: zipfile.ZipInfo) -> Callable[[], bytes]:
        return lambda: _unpack(archive, member, budget)

    return ZipImages(tuple((posixpath.join(name, m.filename), unpacker(m)) for m in images[:MAX_IMAGES]),
                     tuple((posixpath.join(name, n), why) for n, why in sorted(left_out, key=lambda x: order(x[0]))))


def _unpack(archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: list[int]) -> bytes:
    """One image's bytes, read no further than the limits allow (the sizes an archive declares can lie)."""
    if member.flag_bits & 0x1:
        raise InvalidArchiveError("This image is password-protected in its archive; unpack the archive first.")
    limit = min(MAX_FILE_BYTES, budget[0])
    if member.file_size > limit or budget[0] <= 0:
        raise _too_large(budget[0] < MAX_FILE_BYTES)
    try:
        with archive.open(member) as stream:
            data = stream.read(limit + 1)
    except NotImplementedError as err:
        raise InvalidArchiveError("This image is compressed in a way this app cannot unpack; unpack the archive first.") from err
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as err:
        raise InvalidArchiveError("This image is damaged in its archive and cannot be unpacked.") from err
    budget[0] -= len(data)
    if len(data) > limit:
        raise _too_large(limit < MAX_FILE_BYTES)
    return data


def _too_large(archive_spent: bool) -> ImageTooLargeError:
    if archive_spent:
        return ImageTooLargeError(f"The archive unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MB; "
                                  "this image was not read.")
    return ImageTooLargeError(f"This image unpacks to more than {MAX_FILE_BYTES // 2**20} MB; "
                              f"images up to {MAX_FILE_BYTES // 2**20} MB are accepted.")
