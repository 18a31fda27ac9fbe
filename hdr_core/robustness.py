"""Accuracy on realistic input: every image goes through the full preprocessing a user's image gets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np

from .constants import NUM_CLASSES
from .data import Split
from .errors import InputError
from .model import readers
from .numbers import one_digit
from .preprocess import ImageInput, preprocess_steps
from .scaling import as_model_batch, scale_uint8
from .synth import (continental_style, draw_like_canvas, draw_points_like_canvas, low_resolution_scan, on_a_desk,
                    photo_of_paper, semeion_as_scan)
from .variants import WIDTHS, variants, where_unsure

CANVAS_SEED = 2024
"""Seed of the canvas-style redraws of the test digits, so the figure is reproducible."""

PHOTO_SEED = 2025
"""Seed of the simulated phone photos of the test digits."""

VALIDATION_CANVAS_SEED = 7
"""Seed of the canvas-style redraws of the validation digits (used to set the 'not sure' threshold)."""

VALIDATION_SCAN_SEED = 8
"""Seed of the low-resolution scans of the validation digits (Semeion-like input without Semeion)."""

CONTINENTAL_SEED = 2027
"""Seed of the continental-style redraws of the test 1s and 7s."""

VALIDATION_CONTINENTAL_SEED = 9
"""Seed of the continental-style redraws of the validation 1s and 7s."""


@dataclass(frozen=True)
class Readings:
    """What the model read from a set of images, compared with their labels."""

    probabilities: np.ndarray  # (N, 10); all zero where preprocessing refused the image
    labels: np.ndarray

    @property
    def predicted(self) -> np.ndarray:
        """The digit read from each image, -1 where preprocessing refused it."""
        return np.where(self.probabilities.any(axis=1), self.probabilities.argmax(axis=1), -1)

    @property
    def accuracy(self) -> float:
        return float((self.predicted == self.labels).mean())

    def summary(self) -> dict:
        wrong = np.flatnonzero(self.predicted != self.labels)
        return {
            "n": int(len(self.labels)),
            "accuracy": self.accuracy,
            "errors": int(len(wrong)),
            "refused_by_preprocessing": int((self.predicted == -1).sum()),
            "misclassified": wrong.tolist(),
            "most_confused": self.most_confused(),
        }

    def most_confused(self, top: int = 5) -> list[dict]:
        """The commonest mistakes, as (true digit, digit read, how often), refusals left out."""
        wrong = (self.predicted != self.labels) & (self.predicted >= 0)
        pairs, counts = np.unique(np.stack([self.labels[wrong], self.predicted[wrong]], axis=1), axis=0, return_counts=True)
        order = np.argsort(-counts, kind="stable")[:top]
        return [{"true": int(pairs[i][0]), "read": int(pairs[i][1]), "count": int(counts[i])} for i in order]


def read_all(predictor, images: Iterable[ImageInput], labels: np.ndarray) -> Readings:
    """Preprocess every image as the app would, then read them all in one batch per network (``model.readers``:
    low-resolution scans by the predictor's scan reader, if it has one)."""
    tensors, scans, kept = [], [], []  # only the 28x28 inputs are kept: every stage of 10,000 images would not fit
    for i, image in enumerate(images):
        try:
            steps = one_digit(preprocess_steps(image))  # a line under the digit left out, as the app reads one digit
        except InputError:
            continue  # counted as wrong: the app could not read it either
        tensors.append(steps.result)
        scans.append(steps.low_resolution_scan)
        kept.append(i)
    probabilities = np.zeros((len(labels), NUM_CLASSES), dtype=np.float32)
    for reader, positions in readers(predictor, scans):
        probabilities[[kept[k] for k in positions]] = reader.probabilities(np.stack([tensors[k] for k in positions]))
    return Readings(probabilities, np.asarray(labels, dtype=int))


def canvas_images(split: Split, seed: int = CANVAS_SEED) -> Iterable:
    """The split's digits redrawn as on the Draw page's canvas (see ``synth.draw_like_canvas``)."""
    rng = np.random.default_rng(seed)
    return (draw_like_canvas(digit, rng) for digit in split.x)


def canvas_accuracy(predictor, split: Split, seed: int = CANVAS_SEED) -> Readings:
    return read_all(predictor, canvas_images(split, seed), split.y)


def continental_readings(predictor, split: Split, seed: int = CONTINENTAL_SEED) -> Readings:
    """The split's 1s and 7s drawn on the canvas as much of continental Europe writes them
    (``synth.continental_style``: a flag on the 1, a bar across the 7), read through full preprocessing."""
    rng = np.random.default_rng(seed)
    chosen = np.flatnonzero(np.isin(split.y, (1, 7)))
    images = (draw_points_like_canvas(continental_style(split.x[i], int(split.y[i]), rng), rng) for i in chosen)
    return read_all(predictor, images, split.y[chosen])


def continental_accuracy(predictor, split: Split, seed: int = CONTINENTAL_SEED) -> dict:
    """``continental_readings`` summed up: accuracy over the 1s and 7s, and over each apart."""
    readings = continental_readings(predictor, split, seed)
    right = readings.predicted == readings.labels
    return {"n": int(len(readings.labels)), "accuracy": readings.accuracy, "seed": seed,
            **{f"{name}_accuracy": float(right[readings.labels == digit].mean()) for name, digit in (("ones", 1), ("sevens", 7))},
            "most_confused": readings.most_confused()}


def semeion_accuracy(predictor, split: Split) -> Readings:
    """Semeion digits, enlarged and uploaded as PNG scans of dark ink on white."""
    return read_all(predictor, (semeion_as_scan(digit) for digit in split.x), split.y)


def scan_accuracy(predictor, split: Split, seed: int = VALIDATION_SCAN_SEED) -> Readings:
    """The split's digits as binary low-resolution scans, uploaded (see ``synth.low_resolution_scan``)."""
    rng = np.random.default_rng(seed)
    return read_all(predictor, (low_resolution_scan(digit, rng) for digit in split.x), split.y)


def validation_readings(predictor, validation: Split) -> dict[str, Readings]:
    """The three validation figures models are chosen by: MNIST digits as they are, the same digits
    drawn as on the canvas, and as binary low-resolution scans. The test set plays no part."""
    return {"mnist": Readings(predictor.probabilities(scale_uint8(validation.x)), np.asarray(validation.y, dtype=int)),
            "canvas_drawings": canvas_accuracy(predictor, validation, VALIDATION_CANVAS_SEED),
            "low_resolution_scans": scan_accuracy(predictor, validation)}


@dataclass(frozen=True)
class NetworkReadings:
    """A network's own readings of a set (no variants) and its readings of each input's variants,
    (N, len(WIDTHS), 10), all zero where preprocessing refused the image: from these follows what the
    app reads, for the network alone or for an average of networks (``served``)."""

    plain: Readings
    of_variants: np.ndarray


class _Keeping:
    """Reads with the network alone, keeping every batch it is given, so their variants can be read after."""

    def __init__(self, network) -> None:
        self.network, self.batches = network, []

    def probabilities(self, images) -> np.ndarray:
        batch = as_model_batch(images)
        self.batches.append(batch[..., 0])
        return self.network.network_probabilities(batch)


def served_validation_readings(keras_model, validation: Split, continental: bool = False,
                               int8_weights: bool = True, widths: tuple[float, ...] = WIDTHS) -> dict[str, NetworkReadings]:
    """``validation_readings`` of a trained Keras model converted as the app serves it (LiteRT first;
    needs TensorFlow; ``int8_weights`` as ``model.export_tflite``), as ``NetworkReadings`` so that
    averages of models can be read as the app would read them. ``continental`` adds the validation
    1s and 7s in continental style. ``widths``: the variants' widths, to try others than the app's."""
    import tempfile
    from pathlib import Path

    from .model import Predictor, export_tflite

    with tempfile.TemporaryDirectory() as tmp:
        network = Predictor(export_tflite(keras_model, Path(tmp) / "candidate.tflite", int8_weights), variants=False)
        keeping = _Keeping(network)
        readings = validation_readings(keeping, validation)
        if continental:
            readings["continental_ones_and_sevens"] = continental_readings(keeping, validation,
                                                                           VALIDATION_CONTINENTAL_SEED)
        out = {}
        for (name, plain), batch in zip(readings.items(), keeping.batches, strict=True):
            kept = plain.probabilities.any(axis=1)  # one batch per set, of the images preprocessing kept
            of_variants = np.zeros((len(kept), len(widths), NUM_CLASSES), dtype=np.float32)
            copies = np.concatenate([variants(image, widths) for image in batch])
            of_variants[kept] = network.network_probabilities(copies).reshape(len(batch), len(widths), NUM_CLASSES)
            out[name] = NetworkReadings(plain, of_variants)
    return out


def served(networks: list[NetworkReadings]) -> Readings:
    """What the average of these networks reads as the app reads digits (one network: what it reads):
    their own readings averaged, and where that average is unsure, averaged with the averaged readings
    of the variants (``variants.where_unsure``). Refused images stay refused: all zero."""
    plain = np.mean([n.plain.probabilities for n in networks], axis=0)
    of_variants = np.mean([n.of_variants for n in networks], axis=0)
    return Readings(where_unsure(plain, of_variants), networks[0].plain.labels)


def photo_accuracy(predictor, split: Split, seed: int = PHOTO_SEED, lines: str | None = None,
                   on_desk: bool = False, pale_desk: bool = False, ink_tone: str = "dark") -> Readings:
    """The split's digits printed on simulated paper and photographed (see ``synth.photo_of_paper``);
    ``lines`` ("ruled" or "squared") prints a notebook page's lines under them, ``on_desk`` photographs
    the page lying on a desk (``synth.on_a_desk``), a pale one with ``pale_desk``; ``ink_tone`` "light" writes
    them in pencil or a light-coloured pen."""
    rng = np.random.default_rng(seed)

    def photo(digit):
        shot = photo_of_paper(digit, rng, lines=lines, ink_tone=ink_tone)
        return on_a_desk(shot, rng, pale_desk) if on_desk else shot

    return read_all(predictor, (photo(digit) for digit in split.x), split.y)


DESK_SEED = 2031
"""Seed of the photos of the test digits on a page lying on a desk."""

PALE_DESK_SEED = 2032
"""Seed of the photos of the test digits on a page lying on a pale desk."""

LIGHT_INK_SEED = 2033
"""Seed of the photos of the test digits written in light ink (pencil, a red, green or light-blue pen)."""


NOTEBOOK_SEEDS = {"ruled": 2029, "squared": 2030}
"""Seeds of the photos of the test digits written on notebook paper, one per kind of paper."""


NUMBER_SEED = 2026
"""Seed of the whole numbers composed from test digits."""


def digits_right(read: str, truth: str) -> int:
    """How many digits of a number were read right, strictly: a reading with the wrong count of digits
    scores none (its digits cannot be matched to the truth's)."""
    return sum(a == b for a, b in zip(read, truth)) if len(read) == len(truth) else 0


NUMBER_PHOTO_SIZE = (960, 720)
"""Frame of the photographed numbers: a phone photo reduced to about a megapixel."""


def photographed_number(image, rng: np.random.Generator) -> bytes:
    """A number drawn as on the canvas (dark on white), printed on paper and photographed with a phone
    (``synth.photo_of_paper`` in a ``NUMBER_PHOTO_SIZE`` frame): a JPEG."""
    from .synth import photo_of_paper

    return photo_of_paper(255 - np.asarray(image.convert("L")), rng, NUMBER_PHOTO_SIZE)


def number_accuracy(predictor, split: Split, count: int = 1000, seed: int = NUMBER_SEED, segmenter=None,
                    with_strokes: bool = False, photographed: bool = False) -> dict:
    """Numbers of 2-6 test digits drawn as on the canvas (``synth.draw_number_with_masks``), read whole.

    ``with_strokes`` also hands the reader the pen strokes, as the Draw page does (``synth.pen_strokes``);
    without them it has the image alone, as for an upload. ``photographed`` prints each number on paper
    and photographs it (``photographed_number``) before it is read as an upload. The numbers are the
    same either way. Per-digit accuracy is strict: a number cut into the wrong count of digits scores
    none of its digits.
    """
    from .numbers import read_number
    from .synth import draw_number_with_masks, pen_strokes

    if with_strokes and photographed:
        raise ValueError("a photographed number has no pen strokes")
    rng, stroke_rng, photo_rng = (np.random.default_rng(seed + k) for k in range(3))
    whole = right = digits_total = wrong_count = refused = 0
    for _ in range(count):
        chosen = rng.integers(0, len(split), int(rng.integers(2, 7)))
        truth = "".join(str(int(split.y[i])) for i in chosen)
        digits_total += len(truth)
        try:
            image, own_inks = draw_number_with_masks([split.x[i] for i in chosen], rng)
            strokes = pen_strokes(own_inks, stroke_rng) if with_strokes else None
            if photographed:
                image = photographed_number(image, photo_rng)
            text = read_number(predictor, image, segmenter, strokes).text
        except InputError:
            refused += 1
            continue
        whole += text == truth
        right += digits_right(text, truth)
        wrong_count += len(text) != len(truth)
    return {"n": count, "whole_number_accuracy": whole / count, "digit_accuracy": right / digits_total,
            "digits": digits_total, "wrong_digit_count": wrong_count, "refused": refused, "seed": seed}
