"""Phone photos of paper: what the notebook-line and page steps of preprocessing are worth.

    python bench/photos.py       # prints the figures, writes bench/results/photos.json

*Validation* digits (never test digits, so this can guide development) are photographed as
``robustness.photo_accuracy`` photographs them: on plain, ruled and squared paper
(``synth.photo_of_paper``), and on plain paper lying on a desk (``synth.on_a_desk``), there also
written small (5-10% of the frame height) and large (60-90%, often running to the page's edge), and
on a pale desk (as light as the page or lighter: a white table).
Each photo is read through full upload preprocessing twice: as the app reads it, and without the
two steps made for these photos (``paper.remove_ruled_lines`` and
``paper.keep_the_page``, as ``preprocess`` calls them). Plain paper shows what the steps cost where there is nothing for
them to do. Needs HDR_MNIST_PATH or Keras' download.
"""

from __future__ import annotations

import argparse
import importlib
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
from hdr_core.robustness import read_all  # noqa: E402
from hdr_core.synth import PHOTO_INK_HEIGHT, on_a_desk, photo_of_paper  # noqa: E402

steps = importlib.import_module("hdr_core.preprocess")  # the module (the package's ``preprocess`` is its function)

SEED = 42
"""Seed of the photos (the validation photos of ``robustness`` use others)."""

PAPERS = {"plain": {}, "ruled": {"lines": "ruled"}, "squared": {"lines": "squared"}, "on_a_desk": {"desk": True},
          "on_a_desk_small_digit": {"desk": True, "ink_height": (0.05, 0.10)},
          "on_a_desk_large_digit": {"desk": True, "ink_height": (0.60, 0.90)},
          "on_a_pale_desk": {"desk": True, "pale": True}, "plain_light_ink": {"ink_tone": "light"},
          "ruled_light_ink": {"lines": "ruled", "ink_tone": "light"},
          "squared_light_ink": {"lines": "squared", "ink_tone": "light"},
          "on_a_desk_light_ink": {"desk": True, "ink_tone": "light"}}
"""How each set of photos is taken. The small and large digits leave issue 4's range of digit sizes (20-60% of
the frame height): a digit written small on a page photographed from afar, and one filling a note. Light ink:
pencil or a red, green or light-blue pen (``synth.LIGHT_INKS``)."""


def photos(digits, paper: dict, seed: int = SEED) -> list[bytes]:
    rng = np.random.default_rng(seed)
    shots = [photo_of_paper(digit, rng, lines=paper.get("lines"), ink_height=paper.get("ink_height", PHOTO_INK_HEIGHT),
                            ink_tone=paper.get("ink_tone", "dark")) for digit in digits]
    return [on_a_desk(shot, rng, paper.get("pale", False)) for shot in shots] if paper.get("desk") else shots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--digits", type=int, default=1000, help="validation digits photographed on each paper")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "photos.json")
    parser.add_argument("--seed", type=int, default=SEED, help="seed of the photos (another: fresh photos of the same digits)")
    parser.add_argument("--papers", default=",".join(PAPERS), help="which of the papers, comma-separated")
    parser.add_argument("--as-served-only", action="store_true", help="skip the reading without the line and page steps")
    args = parser.parse_args()

    train_full, _ = load_mnist()
    _, validation = train_validation_split(train_full, 5000, 42)
    digits = validation.head(args.digits)
    predictor = Predictor.from_file()
    as_served = steps.remove_ruled_lines, steps.keep_the_page
    figures = {}
    for name in args.papers.split(","):
        images = photos(digits.x, PAPERS[name], args.seed)
        figures[name] = {"as_the_app_reads_them": read_all(predictor, images, digits.y).accuracy}
        print(f"{name:10} as the app reads them {figures[name]['as_the_app_reads_them']:.2%}", flush=True)
        if args.as_served_only:
            continue
        steps.remove_ruled_lines = steps.keep_the_page = lambda image: image  # looked up on every call
        try:
            figures[name]["without_the_line_and_page_steps"] = read_all(predictor, images, digits.y).accuracy
        finally:
            steps.remove_ruled_lines, steps.keep_the_page = as_served
        print(f"{name:10} without the line and page steps {figures[name]['without_the_line_and_page_steps']:.2%}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"digits": args.digits, "seed": args.seed,
                                    "digits_from": "MNIST validation split (5,000 held out, split seed 42)",
                                    "accuracy": figures}, indent=1) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
