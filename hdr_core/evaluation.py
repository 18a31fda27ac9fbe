"""The figures ``train.py`` writes into ``models/evaluation.json``: the served model on the test set, on realistic
input made from test digits (canvas drawings, phone photos, whole numbers, Semeion's scans), and on validation, where
models are chosen and the *not sure* threshold is set. Nothing here trains or writes a file: train.py does both.

Every set is read as the app reads it (``Predictor.probabilities`` with the test-time variants, full upload
preprocessing for images); the seeds of the generated sets are in ``robustness``, so the figures can be made again.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import numpy as np
from PIL import Image

from . import metrics, model, robustness, synth, variants
from .data import Split
from .preprocess import SCAN_CELLS
from .scaling import scale_uint8

CONFIDENCE_THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99)
"""Confidences at which accuracy and coverage are reported (the Model page's table)."""

NOTEBOOK_HOW = {"ruled": "light blue lines 6-12% of the frame height apart, 1-3 px wide, a red margin on a third of pages",
                "squared": "a grey or blue grid 4-8% of the frame height across"}

CONTINENTAL_HOW = ("the 1s and 7s drawn as on the canvas (round pen 10-30 px, 280x280) the way much of continental "
                   "Europe writes them: a flag 20-45% of the height long, 30-60 degrees down to the left from the top of "
                   "the 1; a bar across the middle of the 7's stem; full preprocessing")


def png_base64(digit: np.ndarray) -> str:
    """A 28x28 digit as a base64 PNG, so the Model page can show it without the dataset."""
    buffer = io.BytesIO()
    Image.fromarray(digit).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def evaluation(predictor: model.Predictor, segmenter: model.Predictor, validation: Split, test: Split,
               semeion_split: Split | None, *, photo_samples: int, number_samples: int, unsure_target: float,
               int8_weights: bool, agreement: float, keras_file: str, fine_tuning: dict | None = None) -> dict:
    """evaluation.json's content for the served ``predictor`` (its scan reader beside it, if any); ``segmenter`` cuts
    whole numbers. ``photo_samples`` / ``number_samples``: how many test digits are photographed / numbers composed;
    ``unsure_target``: the accuracy the *not sure* threshold keeps on validation drawings; ``agreement``: the largest
    difference between the served file's and the Keras model's probabilities; ``fine_tuning``: what
    ``train.py --feedback`` reports, if it ran."""
    import keras  # its loss, exactly as training reports it

    probabilities = predictor.probabilities(scale_uint8(test.x))
    predicted = probabilities.argmax(axis=1)
    test_loss = float(keras.losses.sparse_categorical_crossentropy(test.y, probabilities).numpy().mean())
    wrong = np.flatnonzero(predicted != test.y)
    matrix = metrics.confusion_matrix(test.y, predicted)

    canvas = robustness.canvas_accuracy(predictor, test)
    photos = robustness.photo_accuracy(predictor, test.head(photo_samples))
    notebook = {kind: robustness.photo_accuracy(predictor, test.head(photo_samples), seed, lines=kind)
                for kind, seed in robustness.NOTEBOOK_SEEDS.items()}
    on_desk = robustness.photo_accuracy(predictor, test.head(photo_samples), robustness.DESK_SEED, on_desk=True)
    on_pale_desk = robustness.photo_accuracy(predictor, test.head(photo_samples), robustness.PALE_DESK_SEED,
                                             on_desk=True, pale_desk=True)
    light_ink = robustness.photo_accuracy(predictor, test.head(photo_samples), robustness.LIGHT_INK_SEED,
                                          ink_tone="light")
    numbers = robustness.number_accuracy(predictor, test, number_samples, segmenter=segmenter)
    drawn_numbers = robustness.number_accuracy(predictor, test, number_samples, segmenter=segmenter, with_strokes=True)
    photographed_numbers = robustness.number_accuracy(predictor, test, number_samples, segmenter=segmenter,
                                                      photographed=True)
    continental = robustness.continental_accuracy(predictor, test)
    validation_continental = robustness.continental_accuracy(predictor, validation, robustness.VALIDATION_CONTINENTAL_SEED)
    validation_readings = robustness.validation_readings(predictor, validation)
    val_probabilities = validation_readings["mnist"].probabilities
    validation_canvas, validation_scans = validation_readings["canvas_drawings"], validation_readings["low_resolution_scans"]
    unsure_below = metrics.confidence_threshold(validation_canvas.probabilities, validation.y, unsure_target)
    semeion = robustness.semeion_accuracy(predictor, semeion_split) if semeion_split else None
    return {
        "model_file": Path(predictor.model_path).name,
        "model_version": model.model_version(predictor.model_path),
        "keras_file": keras_file,
        "fine_tuning": fine_tuning,
        "weights": "int8 (dynamic-range quantised; activations float32)" if int8_weights else "float32",
        "reader": f"a reading whose top probability is below {variants.UNSURE_BELOW} is averaged with readings of the "
                  f"digit made {' and '.join(str(f) for f in variants.WIDTHS)} times as wide (hdr_core.variants)",
        "scan_reader": None if predictor.scans is None else {
            "file": predictor.scans.model_path.name, "model_version": model.model_version(predictor.scans.model_path),
            "reads": "uploads that are low-resolution scans (preprocess.is_low_resolution_scan: two grey levels, at most "
                     f"{SCAN_CELLS} cells a side), in place of the digit model; the same variants"},
        "max_probability_difference_tflite_vs_keras": agreement,
        "test": {
            "n": len(test),
            "loss": test_loss,
            "accuracy": float((predicted == test.y).mean()),
            "confusion_matrix": matrix.tolist(),
            "per_class": metrics.classification_report(matrix),
            "calibration": metrics.calibration(probabilities, test.y),
            "accuracy_at_confidence": metrics.accuracy_at_confidence(probabilities, test.y, list(CONFIDENCE_THRESHOLDS)),
            "misclassified": [
                {"index": int(i), "true": int(test.y[i]), "predicted": int(predicted[i]),
                 "confidence": float(probabilities[i].max()), "image_png_base64": png_base64(test.x[i])}
                for i in wrong
            ],
        },
        "validation": {
            "n": len(validation),
            "accuracy": float((val_probabilities.argmax(axis=1) == validation.y).mean()),
            "calibration": metrics.calibration(val_probabilities, validation.y),
            "accuracy_at_confidence": metrics.accuracy_at_confidence(val_probabilities, validation.y, list(CONFIDENCE_THRESHOLDS)),
            "canvas_drawings": {"accuracy": validation_canvas.accuracy, "seed": robustness.VALIDATION_CANVAS_SEED,
                                "calibration": metrics.calibration(validation_canvas.probabilities, validation.y)},
            "low_resolution_scans": {"accuracy": validation_scans.accuracy, "seed": robustness.VALIDATION_SCAN_SEED,
                                     "refused_by_preprocessing": validation_scans.summary()["refused_by_preprocessing"],
                                     "how": "validation digits stretched to fill a 12-20 cell square grid, binarised, "
                                            "enlarged 10x and uploaded: Semeion-like input for choosing models without Semeion"},
            "continental_ones_and_sevens": {**validation_continental, "how": CONTINENTAL_HOW},
        },
        "unsure_below": {
            "threshold": unsure_below,
            "target_accuracy": unsure_target,
            "how": "lowest confidence at which canvas-style drawings of the validation digits are read right "
                   f"{unsure_target:.1%} of the time; readings below it get a 'not sure' note",
        },
        "robustness": {
            "canvas": {**canvas.summary(), "seed": robustness.CANVAS_SEED,
                       "how": "MNIST test digits skeletonised (traced at the highest ink level, "
                              f"{synth.TRACE_LEVELS[0] * 100:.0f}-{synth.TRACE_LEVELS[-1]:.0%}, that keeps their strokes "
                              f"whole: synth.pen_core) and redrawn with round black pens {synth.PEN_WIDTHS[0]}-"
                              f"{synth.PEN_WIDTHS[1]} px wide on a white {synth.CANVAS_SIZE}x{synth.CANVAS_SIZE} canvas, "
                              f"{synth.DIGIT_HEIGHTS[0] * 100:.0f}-{synth.DIGIT_HEIGHTS[1]:.0%} of its height, anywhere "
                              "on it; full preprocessing"},
            "numbers": {**numbers, "how": "2-6 test digits drawn as one number with one round pen "
                        f"({synth.NUMBER_PENS[0]}-{synth.NUMBER_PENS[1]} px) on a {synth.NUMBER_HEIGHT} px high white "
                        "canvas: sizes +-15%, wandering baseline, gaps from touching to wide, a gap inside 20% of "
                        "digits; cut by recognition (digit CNN and segment model) in hdr_core.numbers"},
            "numbers_with_strokes": {**drawn_numbers, "how": "the same numbers, read given their pen strokes as the Draw "
                                     "page is (synth.pen_strokes: every stroke belongs to one digit, half the digits "
                                     "take two strokes)"},
            "numbers_photographed": {**photographed_numbers, "how": "the same numbers printed in dark ink on simulated "
                                     "paper and photographed as the single-digit photos are (synth.photo_of_paper: "
                                     "the number 20-60% of a 960x720 frame's height, rotated up to 10 degrees, EXIF "
                                     "orientation, JPEG quality 60), read as an upload"},
            "continental_ones_and_sevens": {**continental, "how": CONTINENTAL_HOW},
            "photos": {**photos.summary(), "seed": robustness.PHOTO_SEED,
                       "how": "MNIST test digits printed in dark ink on simulated paper (texture, lighting gradient, "
                              "soft shadow, blur, rotation up to 10 degrees, digit 20-60% of the frame), EXIF "
                              "orientation tags, JPEG quality 60, 640x480; full upload preprocessing"},
            **{f"photos_{kind}": {**readings.summary(), "seed": robustness.NOTEBOOK_SEEDS[kind],
                                  "how": f"the same test digits photographed the same way on {kind} notebook paper "
                                         f"({NOTEBOOK_HOW[kind]}, printed under the ink and turned with the page)"}
               for kind, readings in notebook.items()},
            "photos_on_a_desk": {**on_desk.summary(), "seed": robustness.DESK_SEED,
                                 "how": "the same test digits photographed the same way on plain paper, that photo then "
                                        "part of a wider one of the page lying on a desk (synth.on_a_desk: turned up to 15 "
                                        "degrees, 45-80% of the frame's width, a dark wooden or grey desk all round, JPEG "
                                        "quality 70)"},
            "photos_on_a_pale_desk": {**on_pale_desk.summary(), "seed": robustness.PALE_DESK_SEED,
                                      "how": "the same, on a pale desk (synth.on_a_desk pale: white or light wood, "
                                             "75-105% as light as white, about as light as the page or lighter)"},
            "photos_light_ink": {**light_ink.summary(), "seed": robustness.LIGHT_INK_SEED,
                                 "how": "the same test digits photographed the same way on plain paper, written in pencil "
                                        "(grey, grainy) or a red, green or light-blue pen (synth.LIGHT_INKS: 28-65% as bright "
                                        "as white, against 5-25% for the other photos' pens)"},
            "semeion": {**semeion.summary(), "how": "16x16 Semeion digits enlarged 10x (nearest), saved as PNG dark-on-white, full upload preprocessing"}
            if semeion else None,
        },
    }


def headline(evaluation: dict) -> str:
    """One line of the main figures, as train.py prints them after evaluating."""
    r, test = evaluation["robustness"], evaluation["test"]
    numbers, drawn, shot = r["numbers"], r["numbers_with_strokes"], r["numbers_photographed"]
    return (f"test accuracy {test['accuracy']:.4%}  canvas {r['canvas']['accuracy']:.4%}  photos {r['photos']['accuracy']:.4%}"
            f" (ruled {r['photos_ruled']['accuracy']:.2%}, squared {r['photos_squared']['accuracy']:.2%}, on a desk "
            f"{r['photos_on_a_desk']['accuracy']:.2%}, on a pale desk {r['photos_on_a_pale_desk']['accuracy']:.2%}, in light "
            f"ink {r['photos_light_ink']['accuracy']:.2%})"
            f"  numbers {numbers['whole_number_accuracy']:.2%} whole, {numbers['digit_accuracy']:.2%} digits"
            f" ({drawn['whole_number_accuracy']:.2%}, {drawn['digit_accuracy']:.2%} given the pen strokes;"
            f" {shot['whole_number_accuracy']:.2%}, {shot['digit_accuracy']:.2%} photographed)"
            f"  continental 1s and 7s {r['continental_ones_and_sevens']['accuracy']:.2%}"
            + (f"  semeion {r['semeion']['accuracy']:.4%}" if r["semeion"] else "  semeion: not measured (no HDR_SEMEION_PATH)"))
