"""Many files at once: each is preprocessed (with progress reported), then all are read in one batch."""

from __future__ import annotations

import base64
import csv
import io
from dataclasses import dataclass
from typing import Callable, Iterable

import numpy as np
from PIL import Image

from .errors import InputError
from .model import Predictor
from .preprocess import preprocess


def thumbnail_url(model_input: np.ndarray, pixel: int = 2) -> str:
    """A (28, 28) model input as a small PNG data URL, for a table cell."""
    buffer = io.BytesIO()
    Image.fromarray((np.kron(model_input, np.ones((pixel, pixel))) * 255).astype(np.uint8)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@dataclass(frozen=True)
class FileReading:
    """One file's result: a digit and its confidence, or the reason it could not be read."""

    name: str
    digit: int | None
    confidence: float | None
    error: str | None
    model_input: np.ndarray | None

    def thumbnail(self) -> str | None:
        """The model's 28x28 input as a small PNG data URL (for a table cell)."""
        return None if self.model_input is None else thumbnail_url(self.model_input)


def read_files(predictor: Predictor, files: Iterable[tuple[str, bytes]], total: int | None = None,
               on_progress: Callable[[int, int], None] | None = None) -> list[FileReading]:
    """Read every (name, bytes) file; a file that cannot be read gets its error, the others still count."""
    names, inputs, errors = [], [], []
    for done, (name, data) in enumerate(files, start=1):
        names.append(name)
        try:
            inputs.append(preprocess(data))
            errors.append(None)
        except InputError as err:
            inputs.append(None)
            errors.append(str(err))
        if on_progress:
            on_progress(done, total or done)
    readable = [i for i, x in enumerate(inputs) if x is not None]
    probabilities = predictor.probabilities(np.stack([inputs[i] for i in readable])) if readable else np.zeros((0, 10))
    results: list[FileReading] = [FileReading(n, None, None, e, None) for n, e in zip(names, errors)]
    for row, i in zip(probabilities, readable):
        results[i] = FileReading(names[i], int(row.argmax()), float(row.max()), None, inputs[i])
    return results


def to_csv(readings: list[FileReading]) -> str:
    """The results as CSV: file, digit, confidence, error (file names written as plain text)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["file", "digit", "confidence", "error"])
    for r in readings:
        writer.writerow([r.name, "" if r.digit is None else r.digit,
                         "" if r.confidence is None else f"{r.confidence:.4f}", r.error or ""])
    return buffer.getvalue()
