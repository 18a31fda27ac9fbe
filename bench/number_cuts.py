"""Where whole numbers are lost: in the cutting, or in the reading.

    python bench/number_cuts.py          # prints the figures, writes bench/results/number_cuts.json
    python bench/number_cuts.py --seed 6 --reader runs/x/digit_cnn.tflite --out /tmp/x.json   # another digit model
    python bench/number_cuts.py --scale 0.7 --out /tmp/phone.json   # as on a phone's smaller number canvas

Numbers of 2-6 *validation* digits (never test digits, so this can guide development) are drawn
as on the number canvas, with each digit's own ink known. For each it records whether a correct
split exists among the candidates ``numbers.segment`` considers (the ceiling of the method) and
what ``read_number`` read: right, too many digits, too few, or the right count misread. It also
reads each digit cut out by its own ink (a perfect cut), which bounds what any cutting can reach
with the digit model as it is, and reads the number again given its pen strokes as the Draw page
does (``synth.pen_strokes``: each stroke belongs to one digit, half the digits take two).

Every number read wrong from the image alone is put down to one cause, the first that holds: the
digit model misreads it even cut perfectly; no correct split is among the candidates; or one was,
and another split was chosen. And the digits themselves are read twice, as MNIST stores them and
as redrawn on the canvas (cut perfectly), to show how much the redrawing costs the digit model.
The digits misread even cut perfectly are listed: how many, how many distinct validation digits they are
(digits are drawn with replacement), how many were read at least ``variants.UNSURE_BELOW`` sure, and as what.
``--scale`` shrinks each drawing, pen and all, as on the Draw page's number canvas on a phone (140 px
high, its pen 10 px, against 200 and 14). Needs HDR_MNIST_PATH or Keras' download.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from hdr_core import Predictor  # noqa: E402
from hdr_core.data import load_mnist, train_validation_split  # noqa: E402
from hdr_core.model import DEFAULT_MODEL_PATH, Prediction  # noqa: E402
from hdr_core.numbers import SEGMENTER_PATH, candidates, default_segmenter, digit_input, pieces, read_number, strokes_in, union  # noqa: E402
from hdr_core.preprocess import preprocess_steps  # noqa: E402
from hdr_core.robustness import digits_right  # noqa: E402
from hdr_core.scaling import scale_uint8  # noqa: E402
from hdr_core.synth import draw_number_with_masks, pen_strokes, whole_digit_runs  # noqa: E402
from hdr_core.variants import UNSURE_BELOW as SURE  # noqa: E402  (a reading this sure was read once, without variants)


def split_exists(count: int, runs: list[tuple[int, int]], wholes: list[bool], digits: int) -> bool:
    """Whether whole-digit runs chain from the first piece to the last in exactly ``digits`` steps."""
    reach = {0: {0}}
    for (i, j), whole in sorted(zip(runs, wholes), key=lambda item: item[0][1]):
        if whole and i in reach:
            reach.setdefault(j, set()).update(k + 1 for k in reach[i])
    return digits in reach.get(count, set())


def cut_possible(cleaned: np.ndarray, own_inks: list[np.ndarray], digits: int, strokes=None) -> bool:
    """Whether the candidates ``numbers.segment`` considers (given the pen strokes, if any) hold a correct split."""
    found, _ = pieces(cleaned, strokes)
    runs = candidates(found)
    return split_exists(len(found), runs, whole_digit_runs(cleaned, [union(found, run) for run in runs], own_inks), digits)


def read_perfect_cuts(predictor: Predictor, cleaned: np.ndarray, own_inks: list[np.ndarray]) -> list[Prediction]:
    """Each digit read cut out exactly by its own ink, framed as ``segment`` frames a digit."""
    return predictor.predict_many(np.stack([digit_input(cleaned, ink) for ink in strokes_in(cleaned, own_inks)]))


def shrunk(image: Image.Image, own_inks: list[np.ndarray], scale: float) -> tuple[Image.Image, list[np.ndarray]]:
    """A drawn number and its digits' ink masks made ``scale`` times the size, pen width included."""
    if scale == 1.0:
        return image, own_inks
    size = (round(image.size[0] * scale), round(image.size[1] * scale))
    masks = [np.asarray(Image.fromarray(ink.astype(np.uint8) * 255).resize(size, Image.Resampling.BILINEAR)) >= 128
             for ink in own_inks]
    return image.resize(size, Image.Resampling.LANCZOS), masks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--numbers", type=int, default=500)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "number_cuts.json")
    parser.add_argument("--segmenter", type=Path, default=SEGMENTER_PATH, help="a segment model to try (.tflite)")
    parser.add_argument("--reader", type=Path, default=DEFAULT_MODEL_PATH,
                        help="a digit model to try for the digits of numbers (.tflite)")
    parser.add_argument("--scale", type=float, default=1.0, help="draw each number this many times the size (pen included)")
    args = parser.parse_args()

    train_full, _ = load_mnist()
    _, validation = train_validation_split(train_full, 5000, 42)
    predictor, segmenter = Predictor.from_file(args.reader), default_segmenter(str(args.segmenter))
    rng, stroke_rng = np.random.default_rng(args.seed), np.random.default_rng(args.seed + 1)
    outcome, possible, perfect_numbers, perfect_digits, digits = Counter(), 0, 0, 0, 0
    stroke_possible, stroke_numbers, stroke_digits = 0, 0, 0
    causes, originals_right, image_digits = Counter(), 0, 0
    confusions, misread, sure_misreads = Counter(), set(), 0  # the digits misread even cut perfectly
    for _ in range(args.numbers):
        chosen = rng.integers(0, len(validation), int(rng.integers(2, 7)))
        truth = "".join(str(int(validation.y[i])) for i in chosen)
        image, own_inks = shrunk(*draw_number_with_masks([validation.x[i] for i in chosen], rng), args.scale)
        steps = preprocess_steps(image)
        can_cut = cut_possible(steps.cleaned, own_inks, len(truth))
        possible += can_cut
        text = read_number(predictor, steps, segmenter).text
        image_digits += digits_right(text, truth)
        originals_right += sum(p.digit == int(validation.y[i])
                               for p, i in zip(predictor.predict_many(scale_uint8(validation.x[chosen])), chosen))
        strokes = pen_strokes(own_inks, stroke_rng)
        stroke_possible += cut_possible(steps.cleaned, own_inks, len(truth), strokes)
        drawn = read_number(predictor, steps, segmenter, strokes).text
        stroke_numbers += drawn == truth
        stroke_digits += digits_right(drawn, truth)
        perfect_readings = read_perfect_cuts(predictor, steps.cleaned, own_inks)
        perfect = "".join(str(p.digit) for p in perfect_readings)
        for p, i in zip(perfect_readings, chosen):
            if p.digit != int(validation.y[i]):
                confusions[f"{int(validation.y[i])} read as {p.digit}"] += 1
                misread.add(int(i))
                sure_misreads += p.confidence >= SURE
        perfect_numbers += perfect == truth
        perfect_digits += digits_right(perfect, truth)
        digits += len(truth)
        if text != truth:
            causes["the digit model misreads it even cut perfectly" if perfect != truth
                   else "no correct split among the candidates" if not can_cut else "a correct split was there, another chosen"] += 1
        outcome["right" if text == truth else "too many digits" if len(text) > len(truth)
                else "too few digits" if len(text) < len(truth) else "right count, misread"] += 1

    result = {"numbers": args.numbers, "seed": args.seed, "scale": args.scale, "digits_from": "MNIST validation split (5,000 held out, split seed 42)",
              "segmenter": os.path.relpath(args.segmenter, ROOT), "reader": os.path.relpath(args.reader, ROOT),
              "digits": digits, "read_right": {"image_alone": outcome["right"], "digits_image_alone": image_digits,
                                               "given_pen_strokes": stroke_numbers,
                                               "digits_given_pen_strokes": stroke_digits, "digits_cut_perfectly": perfect_digits},
              "correct_split_among_candidates": possible / args.numbers,
              "perfect_cuts": {"whole_number_accuracy": perfect_numbers / args.numbers, "digit_accuracy": perfect_digits / digits},
              "with_pen_strokes": {"correct_split_among_candidates": stroke_possible / args.numbers,
                                   "whole_number_accuracy": stroke_numbers / args.numbers,
                                   "digit_accuracy": stroke_digits / digits},
              "outcomes": {k: v / args.numbers for k, v in sorted(outcome.items())},
              "misread_because": {k: v / args.numbers for k, v in causes.most_common()},
              "digit_accuracy_as_mnist_stores_them": originals_right / digits,
              "misread_cut_perfectly": {"digits": digits - perfect_digits, "distinct_validation_digits": len(misread),
                                        "sure_at_least": SURE, "read_that_sure": sure_misreads,
                                        "as": dict(confusions.most_common())}}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"a correct split is among the candidates for {result['correct_split_among_candidates']:.1%} of numbers")
    print(f"cut perfectly (each digit by its own ink), {perfect_numbers / args.numbers:.1%} would be read right, "
          f"{perfect_digits / digits:.2%} of digits")
    print(f"given the pen strokes: a correct split among the candidates for {stroke_possible / args.numbers:.1%}, "
          f"read right {stroke_numbers / args.numbers:.1%}, {stroke_digits / digits:.2%} of digits")
    for name, share in result["outcomes"].items():
        print(f"  {name}: {share:.1%}")
    print("read wrong from the image alone, because:")
    for name, share in result["misread_because"].items():
        print(f"  {name}: {share:.1%}")
    print(f"the same digits as MNIST stores them: {originals_right / digits:.2%} read right "
          f"(redrawn and cut perfectly: {perfect_digits / digits:.2%})")
    print(f"misread even cut perfectly: {digits - perfect_digits} digits ({len(misread)} distinct validation digits, "
          f"{sure_misreads} read at least {SURE:.0%} sure), most often " + ", ".join(
              f"{name} ({n})" for name, n in confusions.most_common(3)))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
