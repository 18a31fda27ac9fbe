"""Shared fixtures: real MNIST digits (from HDR_MNIST_PATH or Keras' download) and image helpers."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
from PIL import Image


@pytest.fixture(scope="session")
def mnist():
    """MNIST's (train, test) splits; skips with the reason when no copy can be had."""
    from hdr_core.data import load_mnist

    try:
        return load_mnist()
    except Exception as err:  # no local file and no network
        pytest.skip(f"MNIST unavailable (set HDR_MNIST_PATH to a local mnist.npz): {err}")


@pytest.fixture(scope="session")
def semeion():
    from hdr_core.data import load_semeion

    split = load_semeion()
    if split is None:
        pytest.skip("Semeion unavailable: set HDR_SEMEION_PATH to semeion.npz")
    return split


def png_bytes(image: Image.Image, **save_args) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=save_args.pop("format", "PNG"), **save_args)
    return buffer.getvalue()


def zipped(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A ZIP archive holding these files (name -> bytes), made in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buffer.getvalue()


def drawn_seven(size: int = 280, offset: tuple[int, int] = (60, 50), scale: float = 1.0, pen: int = 18) -> Image.Image:
    """A hand-drawn-looking 7: black round strokes on white, like the Draw page's canvas."""
    from PIL import ImageDraw

    image = Image.new("L", (size, size), 255)
    draw = ImageDraw.Draw(image)
    ox, oy = offset
    points = [(ox, oy), (ox + 110 * scale, oy), (ox + 45 * scale, oy + 160 * scale)]
    draw.line(points, fill=0, width=round(pen * scale), joint="curve")
    for x, y in points:
        r = pen * scale / 2
        draw.ellipse((x - r, y - r, x + r, y + r), fill=0)
    return image


def camera_frame(ink: np.ndarray, seed: int = 0) -> Image.Image:
    """What a laptop's camera sees of ink (255 = ink, a dataset digit or a whole number) written on paper
    held up to it: a 640x480 frame, upright (a browser's camera photo carries no EXIF orientation)."""
    from PIL import ImageOps

    from hdr_core.synth import photo_of_paper

    return ImageOps.exif_transpose(Image.open(io.BytesIO(photo_of_paper(ink, np.random.default_rng(seed), (640, 480)))))
