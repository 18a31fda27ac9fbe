"""A corpus of the awkward files people upload, generated rather than stored.

    python tests/bad_files.py OUT_DIR     # write them to a folder, to try by hand in the app

Each entry: file name, bytes, and what should happen: "error" (a named InputError, a clear
message) or "read" (an unusual but valid image of a digit that must be read).
"""

from __future__ import annotations

import hashlib
import io
import struct
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont


def _save(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def seven(mode: str = "L", size: int = 280) -> Image.Image:
    image = Image.new("L", (size, size), 255)
    draw = ImageDraw.Draw(image)
    s = size / 280
    draw.line([(70 * s, 60 * s), (190 * s, 60 * s), (120 * s, 230 * s)], fill=0, width=max(2, int(20 * s)), joint="curve")
    return image.convert(mode)


def heic_from_an_iphone() -> bytes:
    """A seven as an iPhone keeps a photo: HEIC, the pixels stored sideways and a tag that turns them upright."""
    from pillow_heif import register_heif_opener

    register_heif_opener()
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees clockwise to display
    return _save(seven("RGB").transpose(Image.Transpose.ROTATE_90), "HEIF", quality=90, exif=exif.tobytes())


def pdf_of(*pages: Image.Image) -> bytes:
    """Images saved as the pages of a PDF, as a scanner saves its scans (200 dpi)."""
    return _save(pages[0], "PDF", resolution=200, save_all=True, append_images=list(pages[1:]))


def tiff_of(*pages: Image.Image, **options) -> bytes:
    """Images saved as the pages of one TIFF, as scanners and fax machines save them."""
    return _save(pages[0], "TIFF", save_all=True, append_images=list(pages[1:]), **options)


def page_of_text() -> Image.Image:
    """A printed page, an invoice at 150 dpi, as a scanner makes it: a few thousand letters, none of them a digit to read."""
    page = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.load_default(size=22)
    for line in range(40):
        draw.text((100, 120 + 38 * line), f"Invoice 2026-{line:03d}   Total due: 1,250.00 EUR   Thank you for your order", fill=0, font=font)
    return page


def blank() -> Image.Image:
    """A blank page (a new one each time: saving an image can leave settings in its info for the next save)."""
    return Image.new("L", (280, 280), 255)


def _pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF written by hand from its objects (numbered from 1; the first is the catalogue)."""
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)
    return bytes(out)


def _rc4(key: bytes, data: bytes) -> bytes:
    state, j = list(range(256)), 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    out, i, j = bytearray(), 0, 0
    for byte in data:
        i, j = (i + 1) % 256, (j + state[(i + 1) % 256]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


def locked_pdf(user: bytes = b"secret", owner: bytes = b"owner") -> bytes:
    """A one-page PDF that opens only with a password (the PDF standard security handler, revision 2)."""
    pad = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")
    o = _rc4(hashlib.md5((owner + pad)[:32]).digest()[:5], (user + pad)[:32])
    permissions, file_id = -4, b"0123456789abcdef"
    u = _rc4(hashlib.md5((user + pad)[:32] + o + struct.pack("<i", permissions) + file_id).digest()[:5], pad)
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
                 b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>" % (o.hex().encode(), u.hex().encode(), permissions)],
                b"/Encrypt 4 0 R /ID [<%s> <%s>]" % (file_id.hex().encode(), file_id.hex().encode()))


def _declaring_width(heic: bytes, width: int) -> bytes:
    """The HEIC with its declared width (in its 'ispe' box) changed: pixels and file stay as they were."""
    at = heic.index(b"ispe") + 8  # after the box type, version and flags
    return heic[:at] + struct.pack(">I", width) + heic[at + 4 :]


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


def corpus() -> list[tuple[str, bytes, str]]:
    png = _save(seven(), "PNG")
    jpeg = _save(seven("RGB"), "JPEG", quality=90)
    palette = seven().convert("P")
    rgba = np.zeros((280, 280, 4), dtype=np.uint8)
    rgba[..., 3] = 255 - np.asarray(seven())
    noise = np.random.default_rng(0).integers(0, 256, (240, 240), dtype=np.uint8)
    wide_noise = np.random.default_rng(1).integers(0, 256, (1000, 3000), dtype=np.uint8)
    frames = [seven(), Image.new("L", (280, 280), 255)]
    heic = heic_from_an_iphone()
    scan = pdf_of(seven(), blank())
    fax = tiff_of(seven(), blank(), blank())  # pages uncompressed
    return [
        ("empty.png", b"", "error"),
        ("text-as-image.png", b"Dear diary, today I drew a seven.\n" * 20, "error"),
        ("truncated.png", png[: len(png) // 2], "error"),
        ("truncated.jpg", jpeg[: len(jpeg) // 2], "error"),
        ("one-pixel.png", _save(Image.new("L", (1, 1), 0), "PNG"), "error"),
        ("bomb.png", _save(Image.new("1", (9000, 9000), 0), "PNG"), "error"),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg" width="28" height="28"><path d="M4 4 L24 4 L12 24"/></svg>', "error"),
        ("all-white.png", _save(Image.new("L", (280, 280), 255), "PNG"), "error"),
        ("all-black.png", _save(Image.new("L", (280, 280), 0), "PNG"), "error"),
        ("noise.png", _save(Image.fromarray(noise), "PNG"), "error"),
        ("wide-noise.png", _save(Image.fromarray(wide_noise), "PNG"), "error"),  # reduced, its noise is sparse ink
        ("page-of-text.png", _save(page_of_text(), "PNG"), "error"),  # cut as a number, it once took all the memory
        ("over-the-limit.bmp", b"BM" + bytes(11 * 1024 * 1024), "error"),
        ('<img src=x onerror="alert(1)">.png', b"not an image", "error"),
        ("animated.gif", _save(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0), "read"),
        ("cmyk.jpg", _save(seven("CMYK"), "JPEG", quality=90), "read"),
        ("sixteen-bit.png", _save(Image.fromarray(np.asarray(seven(), dtype=np.uint16) * 257), "PNG"), "read"),
        ("palette-transparent.png", _save(palette, "PNG", transparency=255), "read"),
        ("transparent-strokes.png", _save(Image.fromarray(rgba, "RGBA"), "PNG"), "read"),
        ("tiny-but-legible.png", _save(seven(size=12), "PNG"), "read"),
        ("scan.tiff", _save(seven(), "TIFF"), "read"),
        ("photo.webp", _save(seven("RGB"), "WEBP", quality=80), "read"),
        ("iphone-photo.heic", heic, "read"),
        ("truncated.heic", heic[: len(heic) // 2], "error"),
        ("smaller-than-its-pixels.heic", _declaring_width(heic, 24), "error"),
        ("cielab-scan.tif", _save(seven("RGB").convert("LAB"), "TIFF"), "read"),
        ("fax.tif", fax, "read"),
        ("fax-cut-in-its-second-page.tif", fax[: 280 * 280 * 3 // 2], "read"),  # the first page is whole
        ("fax-cut-in-its-first-page.tif", fax[: 280 * 280 // 2], "error"),
        ("scan.pdf", scan, "read"),
        ("truncated.pdf", scan[: len(scan) // 2], "error"),
        ("locked.pdf", locked_pdf(), "error"),
        ("no-pages.pdf", _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]), "error"),
        ("blank-page.pdf", pdf_of(Image.new("L", (280, 280), 255)), "error"),
    ]


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "bad-files")
    out.mkdir(parents=True, exist_ok=True)
    for name, data, _ in corpus():
        (out / name.replace("/", "_")).write_bytes(data)
    print(f"wrote {len(corpus())} files to {out}/")
