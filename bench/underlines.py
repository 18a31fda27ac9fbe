"""Underlined numbers and lines drawn alone, on the Draw page and in uploads.

    python bench/underlines.py       # prints the figures, writes bench/results/underlines.json

Numbers of 2-6 *validation* digits (never test digits) are drawn as on the number canvas and
underlined (``synth.draw_underlined_number``: one stroke of the same pen under all the digits), then
read given their pen strokes, the line a stroke of its own, as the Draw page reads them, and from the
image alone, as an upload is read. The same drawings without their line are read too, so the two
counts show what the line costs. Then lines drawn on their own on the number canvas (any length from a
third of the canvas to nearly all of it, any height on it, pens of 8-20 px, sloping a little) are read
given their stroke: each should be refused as no number (``EmptyImageError``), not read as digits.
And single validation digits drawn underlined the same way are read from the image alone, as an upload
is read automatically (``numbers.read_digit_or_number``) and as the one-digit canvas reads a drawing
(``numbers.read_digit``), with their line and without it. Needs HDR_MNIST_PATH or Keras' download.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from hdr_core import EmptyImageError, Predictor  # noqa: E402
from hdr_core.data import load_mnist, train_validation_split  # noqa: E402
from hdr_core.numbers import default_segmenter, read_digit, read_digit_or_number, read_number  # noqa: E402
from hdr_core.synth import NUMBER_HEIGHT, NUMBER_PENS, _paint, draw_underlined_number, pen_strokes  # noqa: E402

NUMBER_CANVAS = (700, NUMBER_HEIGHT)
"""The Draw page's number canvas on a computer, width by height."""


def underlined(predictor, segmenter, validation, count: int, seed: int) -> dict:
    """Numbers read right, whole, with their line and without it: given the strokes, and from the image alone."""
    rng, stroke_rng = np.random.default_rng(seed), np.random.default_rng(seed + 1)
    right = dict.fromkeys(("given_strokes", "given_strokes_without_the_line", "image_alone", "image_alone_without_the_line"), 0)
    for _ in range(count):
        chosen = rng.integers(0, len(validation), int(rng.integers(2, 7)))
        truth = "".join(str(int(validation.y[i])) for i in chosen)
        image, bare, own_inks, line = draw_underlined_number([validation.x[i] for i in chosen], rng)
        strokes = pen_strokes(own_inks, stroke_rng)
        right["given_strokes"] += read_number(predictor, image, segmenter, [*strokes, line]).text == truth
        right["given_strokes_without_the_line"] += read_number(predictor, bare, segmenter, strokes).text == truth
        right["image_alone"] += read_number(predictor, image, segmenter).text == truth
        right["image_alone_without_the_line"] += read_number(predictor, bare, segmenter).text == truth
    return {"numbers": count, "seed": seed, "read_right": right}


def text(reading) -> str:
    """What a reading says: a number's text, or a single digit."""
    return getattr(reading, "text", None) or str(reading.prediction.digit)


def single_digits(predictor, segmenter, validation, count: int, seed: int) -> dict:
    """Single digits read right with their line and without it: as an upload, and on the one-digit canvas."""
    rng = np.random.default_rng(seed)
    right = dict.fromkeys(("upload", "upload_without_the_line", "one_digit_canvas"), 0)
    for _ in range(count):
        i = int(rng.integers(0, len(validation)))
        image, bare, _, _ = draw_underlined_number([validation.x[i]], rng)
        truth = str(int(validation.y[i]))
        right["upload"] += text(read_digit_or_number(predictor, image, segmenter)) == truth
        right["upload_without_the_line"] += text(read_digit_or_number(predictor, bare, segmenter)) == truth
        right["one_digit_canvas"] += text(read_digit(predictor, image)) == truth
    return {"digits": count, "seed": seed, "read_right": right}


def lines_alone(predictor, segmenter, count: int, seed: int) -> dict:
    """How many lines drawn on their own are refused as no number, and what the others were read as."""
    rng = np.random.default_rng(seed)
    width, height = NUMBER_CANVAS
    refused, readings = 0, []
    for _ in range(count):
        pen = float(rng.uniform(*NUMBER_PENS))
        length = float(rng.uniform(0.33, 0.95)) * width
        left = float(rng.uniform(pen, width - length - pen))
        row = float(rng.uniform(pen, height - pen))
        rise = float(rng.uniform(-0.03, 0.03)) * length
        steps = int(length) + 2  # a pen mark every pixel along it
        line = np.stack([np.clip(np.linspace(row, row + rise, steps), pen / 2, height - pen / 2),
                         np.linspace(left, left + length, steps)], axis=1)
        image = _paint([line], pen, NUMBER_CANVAS)
        try:
            readings.append(read_number(predictor, image, segmenter, [np.asarray(image) < 128]).text)
        except EmptyImageError:
            refused += 1
    return {"lines": count, "seed": seed, "refused_as_no_number": refused, "read_as": sorted(set(readings))[:10]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--numbers", type=int, default=500)
    parser.add_argument("--lines", type=int, default=200)
    parser.add_argument("--seed", type=int, default=9077)
    parser.add_argument("--digits", type=int, default=1000)
    parser.add_argument("--digit-seed", type=int, default=7272)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "underlines.json")
    args = parser.parse_args()
    train, _ = load_mnist()
    _, validation = train_validation_split(train, 5000, 42)  # as train.py holds it out
    predictor, segmenter = Predictor.from_file(), default_segmenter()
    result = {"underlined": underlined(predictor, segmenter, validation, args.numbers, args.seed),
              "lines_alone": lines_alone(predictor, segmenter, args.lines, args.seed + 500),
              "single_digits": single_digits(predictor, segmenter, validation, args.digits, args.digit_seed)}
    print(json.dumps(result, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
