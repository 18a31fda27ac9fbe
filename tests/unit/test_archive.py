"""ZIP archives of images: listed in name order, unpacked one image at a time, and never beyond their limits."""

from __future__ import annotations

import random
import struct
import zipfile

import pytest

from hdr_core import archive
from hdr_core.archive import zip_images
from hdr_core.batch import in_name_order, expand_files
from hdr_core.errors import ImageTooLargeError, InvalidArchiveError, InvalidPdfError
from hdr_core.pdf import RENDER_SIDE
from tests.conftest import zipped


def patched(data: bytes, local_offset: int, central_offset: int, value: int) -> bytes:
    """Set a 2-byte field of the (only) member's local header and central directory entry."""
    out = bytearray(data)
    struct.pack_into("<H", out, local_offset, value)
    struct.pack_into("<H", out, data.index(b"PK\x01\x02") + central_offset, value)
    return bytes(out)


def unpack_all(images):
    out = []
    for name, unpack in images:
        try:
            out.append((name, unpack()))
        except (InvalidArchiveError, ImageTooLargeError) as err:
            out.append((name, err))
    return out


def test_an_archives_images_are_listed_in_name_order_and_named_inside_it():
    data = zipped({"scan-10.png": b"ten", "2024/scan-2.png": b"two", "scan-9.JPG": b"nine", "2024/": b""})
    listing = zip_images("scans.zip", data, order=in_name_order)
    assert [name for name, _ in listing.images] == ["scans.zip/2024/scan-2.png", "scans.zip/scan-9.JPG", "scans.zip/scan-10.png"]
    assert [unpack() for _, unpack in listing.images] == [b"two", b"nine", b"ten"]
    assert listing.left_out == ()


def test_other_files_are_left_out_with_why_and_system_files_are_not_mentioned():
    data = zipped({"a.png": b"a", "notes.txt": b"hi", "inner.zip": b"PK", "__MACOSX/._a.png": b"x",
                   ".DS_Store": b"x", "sub/._b.png": b"x", "sub/Thumbs.db": b"x", "sub/desktop.ini": b"x"})
    listing = zip_images("s.zip", data)
    assert [name for name, _ in listing.images] == ["s.zip/a.png"]
    assert listing.left_out == (("s.zip/inner.zip", "not an image"), ("s.zip/notes.txt", "not an image"))


@pytest.mark.parametrize("data", [b"", b"not a zip at all", zipped({"a.png": random.Random(0).randbytes(2000)})[:1000]],
                         ids=["empty", "not a zip", "cut short"])
def test_bytes_that_are_not_a_whole_zip_archive_raise_the_named_error(data):
    with pytest.raises(InvalidArchiveError, match="not a ZIP archive that can be opened"):
        zip_images("x.zip", data)


def test_a_password_protected_image_gets_its_own_error():
    data = patched(zipped({"a.png": b"secret"}, zipfile.ZIP_STORED), 6, 8, 0x1)  # general purpose flag: encrypted
    [(name, err)] = unpack_all(zip_images("x.zip", data).images)
    assert name == "x.zip/a.png" and isinstance(err, InvalidArchiveError) and "password-protected" in str(err)


def test_an_image_compressed_by_a_method_python_cannot_unpack_gets_its_own_error():
    data = patched(zipped({"a.png": b"deflate64"}, zipfile.ZIP_STORED), 8, 10, 9)  # method 9: Deflate64
    [(_, err)] = unpack_all(zip_images("x.zip", data).images)
    assert isinstance(err, InvalidArchiveError) and "cannot unpack" in str(err)


def test_a_damaged_image_in_an_archive_gets_its_own_error_and_the_others_are_unpacked():
    data = bytearray(zipped({"a.png": b"first image " * 50, "b.png": b"second"}, zipfile.ZIP_STORED))
    data[data.index(b"first image")] ^= 0xFF  # the stored bytes no longer match their checksum
    a, b = unpack_all(zip_images("x.zip", bytes(data)).images)
    assert isinstance(a[1], InvalidArchiveError) and "damaged" in str(a[1])
    assert b == ("x.zip/b.png", b"second")


def test_an_image_that_unpacks_beyond_the_file_limit_is_refused_before_it_is_unpacked():
    data = zipped({"bomb.png": bytes(archive.MAX_FILE_BYTES + 1), "ok.png": b"ok"})
    assert len(data) < 50_000  # a zip bomb: small to upload, large to unpack
    bomb, ok = unpack_all(zip_images("x.zip", data).images)
    assert isinstance(bomb[1], ImageTooLargeError) and "unpacks to more than 10 MB" in str(bomb[1])
    assert ok[1] == b"ok"


def test_an_archive_stops_unpacking_once_its_images_together_reach_the_archive_limit(monkeypatch):
    monkeypatch.setattr(archive, "MAX_UNPACKED_BYTES", 25)
    data = zipped({f"{i}.png": bytes(10) for i in range(4)})
    results = unpack_all(zip_images("x.zip", data).images)
    assert [r for _, r in results[:2]] == [bytes(10)] * 2
    assert isinstance(results[2][1], ImageTooLargeError) and "archive unpacks to more than" in str(results[2][1])
    assert isinstance(results[3][1], ImageTooLargeError)


def test_images_beyond_the_count_limit_are_left_out_and_say_why(monkeypatch):
    monkeypatch.setattr(archive, "MAX_IMAGES", 2)
    listing = zip_images("x.zip", zipped({f"{i}.png": b"i" for i in range(4)}))
    assert [name for name, _ in listing.images] == ["x.zip/0.png", "x.zip/1.png"]
    assert listing.left_out == (("x.zip/2.png", "more than 2 images in one archive"),
                                ("x.zip/3.png", "more than 2 images in one archive"))


def test_expand_files_keeps_other_files_and_turns_a_broken_archive_into_one_file_that_raises():
    opened = expand_files([("a.png", b"a"), ("s.zip", zipped({"b.png": b"b", "c.txt": b"c"})), ("bad.zip", b"nope")])
    assert [name for name, _ in opened.files] == ["a.png", "s.zip/b.png", "bad.zip"]
    assert opened.files[0][1] == b"a" and opened.files[1][1]() == b"b"
    with pytest.raises(InvalidArchiveError):
        opened.files[2][1]()
    assert opened.left_out == (("s.zip/c.txt", "not an image"),)


def test_a_pdf_or_multi_page_tiff_in_an_archive_stands_for_its_pages_and_a_broken_one_for_its_error():
    from tests.bad_files import pdf_of, seven, tiff_of

    document, fax = pdf_of(seven(), seven()), tiff_of(seven(), seven(), seven(size=200))
    opened = expand_files([("s.zip", zipped({"a.png": b"a", "scans/b.pdf": document, "fax.TIF": fax, "one.tif": tiff_of(seven()),
                                             "cut.pdf": document[:300]}))])
    assert [name for name, _ in opened.files] == [
        "s.zip/a.png", "s.zip/cut.pdf", "s.zip/fax.TIF, page 1", "s.zip/fax.TIF, page 2", "s.zip/fax.TIF, page 3",
        "s.zip/one.tif", "s.zip/scans/b.pdf, page 1", "s.zip/scans/b.pdf, page 2"]
    with pytest.raises(InvalidPdfError, match="cut short"):
        opened.files[1][1]()
    assert opened.files[4][1]().size == (200, 200) and opened.files[7][1]().height == RENDER_SIDE
    assert opened.left_out == ()
