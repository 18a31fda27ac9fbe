"""Does feedback make the model better? Fine-tune on 200 corrections of one person's style.

    python bench/fine_tune.py         # writes bench/results/fine_tune.json (about 14 minutes on 2 cores)

A person who writes with a strong forward slant and a thick pen (canvas-style drawings of
MNIST *validation* digits, slant 0.5, pens 20-30 px) sends 200 corrections through the real
feedback store (SQLite); `train.py --feedback` fine-tunes a copy of the committed model with them.
Reported: accuracy on 2,000 held-out drawings of the same style (other validation digits), and
MNIST test accuracy, before and after. The test set never trains or tunes anything.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from hdr_core import Predictor, preprocess  # noqa: E402
from hdr_core.data import load_mnist, train_validation_split  # noqa: E402
from hdr_core.feedback import FeedbackRecord, FeedbackStore, png_bytes  # noqa: E402
from hdr_core.model import DEFAULT_MODEL_PATH, MODELS_DIR, model_version  # noqa: E402
from hdr_core.synth import draw_like_canvas  # noqa: E402

STYLE = {"slant": 0.5, "pens": (20, 30)}
FEEDBACK, HELD_OUT = 200, 2000


def drawings(split, rng):
    images = [draw_like_canvas(d, rng, **STYLE) for d in split.x]
    return images, np.stack([preprocess(i) for i in images])


def main() -> None:
    config = json.loads((MODELS_DIR / "train_config.json").read_text())
    train_full, _ = load_mnist()
    _, validation = train_validation_split(train_full, config["validation_size"], config.get("split_seed", config["seed"]))
    rng = np.random.default_rng(7)
    order = rng.permutation(len(validation))
    feedback_split = type(validation)(validation.x[order[:FEEDBACK]], validation.y[order[:FEEDBACK]])
    held_split = type(validation)(validation.x[order[FEEDBACK:FEEDBACK + HELD_OUT]], validation.y[order[FEEDBACK:FEEDBACK + HELD_OUT]])
    feedback_images, feedback_inputs = drawings(feedback_split, rng)
    _, held_inputs = drawings(held_split, rng)

    before_model = Predictor.from_file()
    before = float((before_model.probabilities(held_inputs).argmax(axis=1) == held_split.y).mean())

    with tempfile.TemporaryDirectory() as tmp:
        models = Path(tmp) / "models"
        shutil.copytree(MODELS_DIR, models)
        url = f"sqlite:///{Path(tmp) / 'feedback.db'}"
        store = FeedbackStore(url)  # the corrections, stored as the app stores them
        for image, model_input, label in zip(feedback_images, feedback_inputs, feedback_split.y):
            prediction = before_model.predict(model_input)
            store.add(FeedbackRecord(png_bytes(image), model_input, prediction.digit, int(label), prediction.confidence,
                                     model_version(DEFAULT_MODEL_PATH), "draw"))
        store.dispose()
        run = subprocess.run([sys.executable, "train.py", "--feedback", url, "--out", str(models), "--photo-samples", "200",
                              "--number-samples", "100"], cwd=ROOT, capture_output=True, text=True,
                             env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
        if run.returncode != 0:
            sys.exit(run.stderr[-2000:])
        tuning = json.loads((models / "evaluation.json").read_text())["fine_tuning"]
        after = float((Predictor(models / "digit_cnn.tflite").probabilities(held_inputs).argmax(axis=1) == held_split.y).mean())

    result = {
        "style": {"slant": STYLE["slant"], "pen_px": list(STYLE["pens"])},
        "corrections": FEEDBACK, "held_out_drawings": HELD_OUT,
        "held_out_accuracy_before": before, "held_out_accuracy_after": after,
        "mnist_test_accuracy_before": tuning["test_accuracy_before"], "mnist_test_accuracy_after": tuning["test_accuracy_after"],
        "mnist_change_points": round((tuning["test_accuracy_after"] - tuning["test_accuracy_before"]) * 100, 3),
        "fine_tuning": tuning,
    }
    out = ROOT / "bench" / "results" / "fine_tune.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"held-out drawings in this style: {before:.2%} before, {after:.2%} after fine-tuning on {FEEDBACK} corrections")
    print(f"MNIST test: {tuning['test_accuracy_before']:.2%} before, {tuning['test_accuracy_after']:.2%} after "
          f"({result['mnist_change_points']:+.2f} points)")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
