"""Validation figures of trained candidate models and of every average of them: how models are chosen.

    python bench/candidates.py runs/44/digit_cnn.keras runs/43/digit_cnn.keras runs/45/digit_cnn.keras
    python bench/candidates.py --sizes 1,3 runs/*/digit_cnn.keras   # each model, and the averages of three
    python bench/candidates.py models/digit_cnn.keras --float-weights --out /tmp/float.json   # 32-bit weights
    python bench/candidates.py models/digit_cnn.keras --widths 0.6,0.8,1.25 --out /tmp/w.json   # other variants

For each .keras model: the three validation figures `train.py --combine` chooses by (the 5,000
held-out MNIST digits, canvas drawings of them, binary low-resolution scans of them) and their
mean, plus the validation 1s and 7s drawn in continental style (not part of the mean). Then the
same for every average of the models (as `--combine` averages them), read as the app reads
digits: the members' probabilities averaged, and where the average is unsure, averaged with the
averaged readings of the narrowed and widened copies (hdr_core.variants). The test set and Semeion
are never read, so this can guide choices. Writes bench/results/candidates.json.
Needs HDR_MNIST_PATH or Keras' download, and TensorFlow (requirements-dev.txt).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from hdr_core import model, robustness  # noqa: E402
from hdr_core.data import load_mnist, train_validation_split  # noqa: E402
from hdr_core.variants import WIDTHS  # noqa: E402

FIGURES = ("mnist", "canvas_drawings", "low_resolution_scans")


def readings_of(path: Path, validation, int8_weights: bool = True,
                widths: tuple[float, ...] = WIDTHS) -> dict[str, robustness.NetworkReadings]:
    """The validation readings of one trained model converted as the app serves it (LiteRT, 8-bit weights),
    kept apart from its readings of the variants, so that averages are read as the app reads digits."""
    return robustness.served_validation_readings(model.load_model(path), validation, continental=True,
                                                 int8_weights=int8_weights, widths=widths)


def row(name: str, readings: dict[str, robustness.Readings]) -> dict:
    figures = {key: readings[key].accuracy for key in readings}
    return {"models": name, **figures, "mean": float(np.mean([figures[k] for k in FIGURES]))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="+", type=Path, help="trained .keras models")
    parser.add_argument("--sizes", default=None, help="only averages of these many models, e.g. 1,3 (default: all)")
    parser.add_argument("--float-weights", dest="int8_weights", action="store_false", help="convert with 32-bit weights, not 8-bit")
    parser.add_argument("--widths", default=",".join(map(str, WIDTHS)),
                        help="widths of the copies an unsure digit is also read as (default: the app's)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "candidates.json")
    args = parser.parse_args()
    widths = tuple(float(w) for w in args.widths.split(","))

    train_full, _ = load_mnist()
    _, validation = train_validation_split(train_full, 5000, 42)
    readings = {str(path.parent.name or path): readings_of(path, validation, args.int8_weights, widths)
                for path in args.models}
    rows = []
    sizes = [int(size) for size in args.sizes.split(",")] if args.sizes else range(1, len(readings) + 1)
    for size in sizes:
        for names in itertools.combinations(readings, size):
            together = {key: robustness.served([readings[n][key] for n in names]) for key in readings[names[0]]}
            rows.append(row(" + ".join(names), together))
    rows.sort(key=lambda r: -r["mean"])
    print("models | MNIST | canvas | scans | mean | continental 1s and 7s")
    for r in rows:
        print(f"{r['models']} | {r['mnist']:.2%} | {r['canvas_drawings']:.2%} | {r['low_resolution_scans']:.2%} | "
              f"{r['mean']:.3%} | {r['continental_ones_and_sevens']:.2%}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"validation": "MNIST training split, 5,000 held out (split seed 42)",
                                    "weights": "int8" if args.int8_weights else "float32",
                                    "variant_widths": list(widths), "rows": rows}, indent=1) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
