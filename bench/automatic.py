"""How the Upload page's Automatic mode tells one digit from a number.

    python bench/automatic.py    # prints the figures, writes bench/results/automatic.json

Single *validation* digits (never test digits) and numbers of 2-3 of them are drawn as on the number
canvas (``synth.draw_number_with_masks``: the numbers' digits touching to well apart) and read from the
image alone as an upload in Automatic mode (``numbers.read_digit_or_number``). Counted: single digits
read right and taken for a number; numbers read right and taken for one digit. ``--aspect`` tries another
``numbers.MAYBE_NUMBER_ASPECT`` (from how many times as wide as tall ink is also tried as a number),
``--narrow-aspect`` and ``--one-digit-below`` another ``numbers.NARROW_NUMBER_ASPECT`` and
``ONE_DIGIT_BELOW`` (narrower ink tried as a number, kept where the segment model doubts it is one digit;
``--narrow-aspect 1`` reads as the app did before them).
Each drawing's reading is timed too, preprocessing included (median; run it on a quiet machine).
Needs HDR_MNIST_PATH or Keras' download.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from hdr_core import Predictor, numbers  # noqa: E402
from hdr_core.data import load_mnist, train_validation_split  # noqa: E402
from hdr_core.synth import draw_number_with_masks  # noqa: E402


def automatic(predictor, segmenter, validation, count: int, seed: int, digits: tuple[int, int]) -> dict:
    """``count`` drawings of ``digits`` (fewest, most) validation digits each, read in Automatic mode."""
    rng = np.random.default_rng(seed)
    right = as_number = 0
    seconds: list[float] = []
    for _ in range(count):
        size = digits[0] if digits[0] == digits[1] else int(rng.integers(digits[0], digits[1] + 1))
        chosen = rng.integers(0, len(validation), size)
        truth = "".join(str(int(validation.y[i])) for i in chosen)
        image, _ = draw_number_with_masks([validation.x[i] for i in chosen], rng)
        start = time.perf_counter()
        reading = numbers.read_digit_or_number(predictor, image, segmenter)
        seconds.append(time.perf_counter() - start)
        number = isinstance(reading, numbers.NumberReading)
        right += (reading.text if number else str(reading.prediction.digit)) == truth
        as_number += number
    return {"drawings": count, "seed": seed, "read_right": right, "read_as_a_number": as_number,
            "median_ms": round(1000 * float(np.median(seconds)), 2)}  # preprocessing and reading, one at a time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000, help="single digits, and numbers")
    parser.add_argument("--seed", type=int, default=101, help="the digits' seed; the numbers' is the next")
    parser.add_argument("--aspect", type=float, default=numbers.MAYBE_NUMBER_ASPECT)
    parser.add_argument("--narrow-aspect", type=float, default=numbers.NARROW_NUMBER_ASPECT)
    parser.add_argument("--one-digit-below", type=float, default=numbers.ONE_DIGIT_BELOW)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "automatic.json")
    args = parser.parse_args()

    train, _ = load_mnist()
    _, validation = train_validation_split(train, 5000, 42)  # as train.py holds it out
    numbers.MAYBE_NUMBER_ASPECT, numbers.NARROW_NUMBER_ASPECT = args.aspect, min(args.narrow_aspect, args.aspect)
    numbers.ONE_DIGIT_BELOW = args.one_digit_below
    predictor, segmenter = Predictor.from_file(), numbers.default_segmenter()
    result = {"maybe_number_aspect": args.aspect, "narrow_number_aspect": numbers.NARROW_NUMBER_ASPECT,
              "one_digit_below": args.one_digit_below,
              "single_digits": automatic(predictor, segmenter, validation, args.count, args.seed, (1, 1)),
              "numbers_of_2_3_digits": automatic(predictor, segmenter, validation, args.count, args.seed + 1, (2, 3))}
    print(json.dumps(result, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
