"""Digits photographed on notebook paper: what the line step (``preprocess.remove_ruled_lines``) is worth.

    python bench/notebook_paper.py       # prints the figures, writes bench/results/notebook_paper.json

*Validation* digits (never test digits, so this can guide development) are photographed as
``robustness.photo_accuracy`` photographs them, on plain, ruled and squared paper
(``synth.photo_of_paper``), and read through full upload preprocessing twice: as the app reads
them, and with the line step left out. Plain paper shows what the step costs where there are no
lines. Needs HDR_MNIST_PATH or Keras' download.
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

from hdr_core import Predictor, robustness  # noqa: E402
from hdr_core.data import load_mnist, train_validation_split  # noqa: E402

steps = importlib.import_module("hdr_core.preprocess")  # the module (the package's ``preprocess`` is its function)

SEED = 42
"""Seed of the photos (the validation photos of ``robustness`` use others)."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--digits", type=int, default=1000, help="validation digits photographed on each paper")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "notebook_paper.json")
    args = parser.parse_args()

    train_full, _ = load_mnist()
    _, validation = train_validation_split(train_full, 5000, 42)
    digits = validation.head(args.digits)
    predictor = Predictor.from_file()
    with_step = steps.remove_ruled_lines
    figures = {}
    for paper in ("plain", "ruled", "squared"):
        lines = None if paper == "plain" else paper
        figures[paper] = {}
        for name, step in (("with_the_line_step", with_step), ("without_it", lambda ink: ink)):
            steps.remove_ruled_lines = step  # preprocess_steps looks the step up in its module on every call
            try:
                figures[paper][name] = robustness.photo_accuracy(predictor, digits, SEED, lines=lines).accuracy
            finally:
                steps.remove_ruled_lines = with_step
        print(f"{paper:8} with the line step {figures[paper]['with_the_line_step']:.2%}, "
              f"without it {figures[paper]['without_it']:.2%}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"digits": args.digits, "seed": SEED,
                                    "digits_from": "MNIST validation split (5,000 held out, split seed 42)",
                                    "accuracy": figures}, indent=1) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
