"""The continental writing style (``hdr_core.style``): what the setting gains and what it costs.

    python bench/style.py        # prints the figures, writes bench/results/style.json

1s and 7s drawn on the canvas as much of continental Europe writes them (``robustness.continental_readings``:
a flag on the 1, a bar across the 7) are read as the app reads them, with the setting off and on. So are
all the 1s and 7s of the canvas drawings (``robustness.canvas_accuracy``), drawn as MNIST's writers wrote
them: with the setting on, a 7 without a bar is what it costs. The weight was chosen on the validation
redraw of ``VALIDATION_CONTINENTAL_SEED`` and judged once on a fresh redraw (``JUDGED_SEED``); the test
1s and 7s (``CONTINENTAL_SEED``, the Results table's) were read once it had been kept. Needs
HDR_MNIST_PATH or Keras' download; Semeion is read too when HDR_SEMEION_PATH names it.
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
from hdr_core import robustness  # noqa: E402
from hdr_core.data import load_mnist, load_semeion, train_validation_split  # noqa: E402
from hdr_core.style import CONTINENTAL, PLAIN, STYLES, weighed  # noqa: E402

JUDGED_SEED = 19
"""The fresh redraw of the validation 1s and 7s the weight was judged on."""


def read_right(readings: robustness.Readings) -> dict:
    """How many digits were read right, of how many: the 1s, the 7s, both, and all."""
    right = readings.predicted == readings.labels
    counts = {name: [int(right[readings.labels == digit].sum()), int((readings.labels == digit).sum())]
              for name, digit in (("ones", 1), ("sevens", 7))}
    both = np.isin(readings.labels, (1, 7))
    return {**counts, "both": [int(right[both].sum()), int(both.sum())], "all": [int(right.sum()), len(right)]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "style.json")
    args = parser.parse_args()

    train_full, test = load_mnist()
    _, validation = train_validation_split(train_full, 5000, 42)
    plain = Predictor.from_file()
    sets = {
        "validation continental (chosen on)": lambda p: robustness.continental_readings(
            p, validation, robustness.VALIDATION_CONTINENTAL_SEED),
        "validation continental, fresh (judged on)": lambda p: robustness.continental_readings(p, validation, JUDGED_SEED),
        "test continental": lambda p: robustness.continental_readings(p, test),
        "validation canvas drawings, MNIST's style": lambda p: robustness.canvas_accuracy(
            p, validation, robustness.VALIDATION_CANVAS_SEED),
        "test canvas drawings, MNIST's style": lambda p: robustness.canvas_accuracy(p, test),
    }
    semeion = load_semeion()
    if semeion is not None:  # Italian writers: what the setting does to a set of mixed styles
        sets["Semeion"] = lambda p: robustness.semeion_accuracy(p, semeion)
    result = {"command": "python bench/style.py", "styles": list(STYLES), "sets": {}}
    for name, read in sets.items():
        readings = read(plain)  # each set drawn and read once; the setting weighs those readings, as Predictor.in_style does
        result["sets"][name] = row = {style: read_right(robustness.Readings(weighed(readings.probabilities, style),
                                                                            readings.labels)) for style in (PLAIN, CONTINENTAL)}
        print(f"{name}: " + "; ".join(
            f"{style}: 1s {row[style]['ones'][0]}/{row[style]['ones'][1]}, 7s {row[style]['sevens'][0]}/"
            f"{row[style]['sevens'][1]}" for style in (PLAIN, CONTINENTAL)))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
