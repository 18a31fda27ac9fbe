"""Decimal points, commas, minus signs and hyphens, on the Draw page and in uploads: found where drawn, never where not.

    python bench/number_marks.py       # prints the figures, writes bench/results/number_marks.json

Numbers of *validation* digits (never test digits) are drawn as on the number canvas and read given
their pen strokes, each mark a stroke of its own, as the Draw page reads them: 3-6 digits with a
decimal point after a random digit (``synth.draw_decimal_number``: a tap of the same pen on the
line), others with a comma (a short stroke down from the line), 1-5 digits with a minus in
front (``synth.draw_signed_number``: a short level bar), and 2-6 digits with such a bar between two
of them (a hyphen, "12-05"). Among those whose digits are read right,
it counts how many have the mark in its place. Then numbers drawn without any mark (the same kind
the Results measure, given their strokes) are read, and every mark found in them is a false one.
Then all of it again from the image alone, as an upload is read (``image_alone``), with numbers with a
point and numbers without a mark printed on paper and photographed (``robustness.photographed_number``, as
the Results photograph numbers). Needs HDR_MNIST_PATH or Keras' download.
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

from hdr_core import Predictor  # noqa: E402
from hdr_core.data import load_mnist, train_validation_split  # noqa: E402
from hdr_core.numbers import default_segmenter, read_number  # noqa: E402
from hdr_core.robustness import NUMBER_SEED, photographed_number  # noqa: E402
from hdr_core.synth import draw_decimal_number, draw_number_with_masks, draw_signed_number, pen_strokes  # noqa: E402


def tally(readings, count: int, seed: int) -> dict:
    """Of (what was read, the number's digits, the number as written) for each number: how many were read
    with their digits right, and of those, how many with the mark in its place."""
    digits_right = in_place = 0
    for text, digits, written in readings:
        if "".join(c for c in text if c.isdigit()) == digits:
            digits_right += 1
            in_place += text == written
    return {"numbers": count, "seed": seed, "digits_read_right": digits_right, "mark_in_place": in_place,
            "mark_in_place_share": in_place / max(digits_right, 1)}


MARKS = {"point": ((3, 6), "."), "comma": ((3, 6), ","), "minus": ((1, 5), "-"), "hyphen": ((2, 6), "-")}
"""Each mark drawn: how many digits its numbers hold (fewest, most), and its character."""


def with_mark(predictor, segmenter, validation, count: int, seed: int, kind: str, image_alone: bool = False,
              photographed: bool = False) -> dict:
    """Numbers drawn with a mark of this ``kind`` (``MARKS``), read given their strokes (or from the image
    alone, or printed and photographed, which leaves the image alone): a point or comma, or a hyphen, after a
    random digit; a minus in front."""
    (fewest, most), char = MARKS[kind]
    rng, stroke_rng, photo_rng = (np.random.default_rng(seed + k) for k in range(3))

    def readings():
        for _ in range(count):
            chosen = rng.integers(0, len(validation), int(rng.integers(fewest, most + 1)))
            after = 0 if kind == "minus" else int(rng.integers(1, len(chosen)))
            drawn = [validation.x[i] for i in chosen]
            if kind in ("point", "comma"):
                image, own_inks, mark = draw_decimal_number(drawn, after, rng, comma=kind == "comma")
            else:
                image, own_inks, mark = draw_signed_number(drawn, rng, hyphen_after=after or None)
            strokes = pen_strokes(own_inks[:after], stroke_rng) + [mark] + pen_strokes(own_inks[after:], stroke_rng)
            if photographed:
                image = photographed_number(image, photo_rng)
            digits = "".join(str(int(validation.y[i])) for i in chosen)
            text = read_number(predictor, image, segmenter, None if image_alone or photographed else strokes).text
            yield text, digits, f"{digits[:after]}{char}{digits[after:]}"

    return tally(readings(), count, seed)


def without_marks(predictor, segmenter, validation, count: int, seed: int, image_alone: bool = False,
                  photographed: bool = False) -> dict:
    """Numbers drawn without any mark (as ``robustness.number_accuracy`` draws them), read given their strokes
    (or from the image alone, or printed and photographed as it photographs them, which leaves the image alone)."""
    rng, stroke_rng, photo_rng = (np.random.default_rng(seed + k) for k in range(3))
    marked = 0
    for _ in range(count):
        chosen = rng.integers(0, len(validation), int(rng.integers(2, 7)))
        image, own_inks = draw_number_with_masks([validation.x[i] for i in chosen], rng)
        strokes = pen_strokes(own_inks, stroke_rng)
        if photographed:
            image = photographed_number(image, photo_rng)
        marked += bool(read_number(predictor, image, segmenter, None if image_alone or photographed else strokes).marks)
    return {"numbers": count, "seed": seed, "read_with_a_mark": marked}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--numbers", type=int, default=500, help="numbers drawn with each mark")
    parser.add_argument("--plain-numbers", type=int, default=2000, help="numbers drawn without one")
    parser.add_argument("--photos", type=int, default=300, help="numbers photographed, with a point and without a mark")
    parser.add_argument("--seed", type=int, default=2077)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "number_marks.json")
    args = parser.parse_args()
    train, _ = load_mnist()
    _, validation = train_validation_split(train, 5000, 42)  # as train.py holds it out
    predictor, segmenter = Predictor.from_file(), default_segmenter()
    result = {f"with_a_{kind}": with_mark(predictor, segmenter, validation, args.numbers, args.seed + 1000 * k, kind)
              for k, kind in enumerate(MARKS)}
    result["without_a_mark"] = without_marks(predictor, segmenter, validation, args.plain_numbers, NUMBER_SEED + 200)
    alone = {f"with_a_{kind}": with_mark(predictor, segmenter, validation, args.numbers, args.seed + 1000 * k, kind, True)
             for k, kind in enumerate(MARKS)}
    alone["without_a_mark"] = without_marks(predictor, segmenter, validation, args.plain_numbers, NUMBER_SEED + 200, True)
    alone["photographed_with_a_point"] = with_mark(predictor, segmenter, validation, args.photos, args.seed + 5000, "point",
                                                   photographed=True)
    alone["photographed_without_a_mark"] = without_marks(predictor, segmenter, validation, args.photos, NUMBER_SEED + 300,
                                                         photographed=True)
    result["image_alone"] = alone
    print(json.dumps(result, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
