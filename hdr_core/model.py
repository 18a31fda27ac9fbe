"""The CNN (built and trained with Keras) and the predictor that serves it (LiteRT, no TensorFlow).

Training writes two files: ``digit_cnn.keras``, the Keras model (the source of truth, for
retraining and fine-tuning), and ``digit_cnn.tflite``, the same network converted with its weights
stored as 8-bit integers (dynamic-range quantisation: activations stay float). The app and every
reported figure use the ``.tflite`` through LiteRT: it reads a digit in well under a millisecond
and keeps TensorFlow out of the server, which would cost about 650 MB of memory, and which
Streamlit resets after every script run (``keras.backend.clear_session``) so that each reading
would rebuild its kernels.
"""

from __future__ import annotations

import copy
import hashlib
import os
import queue
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Sequence

import numpy as np

from .constants import INPUT_SHAPE, MODELS_DIR_ENV, NUM_CLASSES
from .errors import ModelNotFoundError
from .preprocess import ImageInput, PreprocessSteps, preprocess_steps
from .scaling import as_model_batch
from .style import PLAIN, known, weighed
from .variants import with_variants

MODELS_DIR = Path(os.environ.get(MODELS_DIR_ENV) or Path(__file__).resolve().parent.parent / "models")
"""The trained model and its JSON artifacts: the repository's models/ unless HDR_MODELS_DIR names another."""
KERAS_MODEL_PATH = MODELS_DIR / "digit_cnn.keras"
DEFAULT_MODEL_PATH = MODELS_DIR / "digit_cnn.tflite"
SCAN_MODEL_PATH = MODELS_DIR / "digit_scans.tflite"
"""The scan reader: an average of networks continued on more low-resolution scans, which reads the uploads
that are such scans (``preprocess.is_low_resolution_scan``) in place of the digit model; ``train.py
--combine ... --scan-reader`` writes it. A digit model read from a folder without one reads scans itself."""

BATCH_SIZES = (1, 2, 8, 64)
"""Batch shapes the interpreters are built for (2: the variants of one digit, ``hdr_core.variants``);
a larger batch runs in chunks of the largest."""

BATCH_THREADS = min(4, os.cpu_count() or 1)
"""Threads of an interpreter for the largest batch shape (a folder of uploads, a number's candidate
cuts): a big batch is worth spreading over the cores; one digit is not."""


@dataclass(frozen=True)
class Prediction:
    """What the model reads in one digit: the digit and the probability of each of the ten."""

    digit: int
    probabilities: tuple[float, ...]

    @property
    def confidence(self) -> float:
        return self.probabilities[self.digit]

    @property
    def runner_up(self) -> int:
        """The second most likely digit."""
        return int(np.argsort(self.probabilities)[-2])

    @classmethod
    def from_probabilities(cls, probabilities: Sequence[float]) -> "Prediction":
        values = tuple(float(p) for p in probabilities)
        return cls(digit=int(np.argmax(values)), probabilities=values)


@dataclass(frozen=True)
class Reading:
    """One image read end to end: what the model saw (every preprocessing stage) and what it said."""

    prediction: Prediction
    steps: PreprocessSteps

    @property
    def model_input(self) -> np.ndarray:
        """The (28, 28) array the model was given."""
        return self.steps.result

    def for_showing(self) -> Reading:
        """This reading as a page keeps it to show again (``PreprocessSteps.for_showing``)."""
        return replace(self, steps=self.steps.for_showing())


def build_model(dropout: float = 0.4):
    """A compact all-convolutional CNN: two stages of conv-conv-strided conv, then a small dense head.

    Batch normalisation after every convolution and dropout after each stage; strided 5x5
    convolutions learn their own downsampling instead of max-pooling. About 330k parameters.
    """
    import keras
    from keras import layers

    def conv(x, filters, kernel, strides=1):
        x = layers.Conv2D(filters, kernel, strides=strides, padding="same" if strides > 1 else "valid", use_bias=False)(x)
        x = layers.BatchNormalization()(x)
        return layers.ReLU()(x)

    inputs = keras.Input(shape=INPUT_SHAPE, name="digit")
    x = conv(inputs, 32, 3)  # 26x26
    x = conv(x, 32, 3)  # 24x24
    x = layers.Dropout(dropout)(conv(x, 32, 5, strides=2))  # 12x12
    x = conv(x, 64, 3)  # 10x10
    x = conv(x, 64, 3)  # 8x8
    x = layers.Dropout(dropout)(conv(x, 64, 5, strides=2))  # 4x4
    x = layers.Flatten()(x)
    x = layers.Dense(128, use_bias=False)(x)
    x = layers.Dropout(dropout)(layers.ReLU()(layers.BatchNormalization()(x)))
    outputs = layers.Dense(NUM_CLASSES, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="digit_cnn")


def build_ensemble(members: list):
    """One model that averages the probabilities of several trained CNNs (members trained with other seeds)."""
    import keras
    from keras import layers

    inputs = keras.Input(shape=INPUT_SHAPE, name="digit")
    renamed = [keras.Model(m.inputs, m.outputs[0], name=f"member_{i + 1}") for i, m in enumerate(members)]
    outputs = layers.Average(name="probabilities")([member(inputs) for member in renamed])
    return keras.Model(inputs, outputs, name=f"digit_cnn_ensemble_of_{len(members)}")


def ensemble_members(ensemble) -> list:
    """The trained CNNs an averaged model holds (``build_ensemble``), in order, each a model of its own
    (to continue one of them, or to average them with others)."""
    import keras

    members = [layer for layer in ensemble.layers if isinstance(layer, keras.Model) and layer.name.startswith("member_")]
    if not members:
        raise ValueError(f"{ensemble.name} is not an average of trained members")
    return members


def build_segmenter(dropout: float = 0.3):
    """A small CNN that tells whether a candidate cut from a number is one whole digit (class 1) or not.

    It sees the candidate in a window with its neighbours faint (``numbers.context_window``), so it
    can recognise a part of a digit or two touching digits. About 60k parameters.
    """
    import keras
    from keras import layers

    inputs = keras.Input(shape=INPUT_SHAPE, name="window")
    x = layers.MaxPooling2D()(layers.Conv2D(16, 3, activation="relu")(inputs))  # 13x13
    x = layers.MaxPooling2D()(layers.Conv2D(32, 3, activation="relu")(x))  # 5x5
    x = layers.Flatten()(layers.Conv2D(64, 3, activation="relu")(x))  # 3x3
    x = layers.Dropout(dropout)(layers.Dense(64, activation="relu")(x))
    outputs = layers.Dense(2, activation="softmax", name="whole_digit")(x)
    return keras.Model(inputs, outputs, name="digit_segments")


def load_model(path: str | Path = KERAS_MODEL_PATH):
    """Load the saved Keras model (for training and checks; the app serves the .tflite)."""
    import keras

    path = Path(path)
    if not path.is_file():
        raise ModelNotFoundError(f"No trained model at {path}. Run `python train.py` to make one.")
    return keras.saving.load_model(path, compile=False)


def export_tflite(model, path: str | Path, int8_weights: bool = True) -> Path:
    """Convert a Keras model to a LiteRT flatbuffer, as the app serves it.

    ``int8_weights``: dynamic-range quantisation (``tf.lite.Optimize.DEFAULT``): weights stored as
    8-bit integers, activations float. On two CPU cores it reads a batch about 3.5 times as fast as
    float32 weights, and the validation digits as well (one image more or fewer in 5,000); ``False``
    keeps float32 weights, the Keras model's numbers exactly.
    """
    import tempfile

    import tensorflow as tf

    path = Path(path)
    with tempfile.TemporaryDirectory() as saved:
        model.export(saved, format="tf_saved_model", verbose=False)
        converter = tf.lite.TFLiteConverter.from_saved_model(saved)
        if int8_weights:
            converter.optimizations = [tf.lite.Optimize.DEFAULT]
        path.write_bytes(converter.convert())
    return path


def model_version(path: str | Path = DEFAULT_MODEL_PATH) -> str:
    """A short content hash of the served model file, so every reading can name the model that made it."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def readers(predictor, low_resolution_scans: Sequence[bool]) -> list[tuple["Predictor", list[int]]]:
    """Who reads each of a batch of preprocessed images (``PreprocessSteps.low_resolution_scan`` of each), as
    (reader, positions) pairs, one batch per network: the scans the predictor's scan reader, if it has one
    (``Predictor.reader_for``), the rest the predictor itself (as does anything else with a ``probabilities``
    method, for the whole batch)."""
    is_scan = [getattr(predictor, "scans", None) is not None and bool(scan) for scan in low_resolution_scans]
    groups = [(predictor, [i for i, scan in enumerate(is_scan) if not scan])]
    if any(is_scan):
        groups.append((predictor.reader_for(True), [i for i, scan in enumerate(is_scan) if scan]))
    return [(reader, positions) for reader, positions in groups if positions]


class Predictor:
    """Reads preprocessed digits with the LiteRT model; safe to share between threads, fast for one digit.

    A LiteRT interpreter must not be used by two threads at once, so each call borrows one from a
    pool (one pool per batch shape) and gives it back; the pool grows to as many interpreters as
    there are concurrent callers. An interpreter for one digit or up to 8 uses one thread (concurrency
    comes from callers); one for the largest batch shape uses ``BATCH_THREADS``.

    ``variants``: a digit the network is unsure of is also read narrowed and widened, and
    the readings averaged (``hdr_core.variants``), as the app reads digits. ``False`` gives the
    network's own output, for any other network served this way (the segment model).

    ``style``: the writing style its readings of digits are weighed for (``hdr_core.style``; ``in_style``).

    ``scans``: the scan reader's file (``SCAN_MODEL_PATH``): an image that is a low-resolution scan is read
    by it instead (``reader_for``); ``from_file`` finds it beside the digit model.
    """

    def __init__(self, model_path: str | Path = DEFAULT_MODEL_PATH, variants: bool = True,
                 scans: str | Path | None = None) -> None:
        self.model_path = Path(model_path)
        self.variants = variants
        self.style = PLAIN
        self.scans = Predictor(scans, variants) if scans is not None else None
        if not self.model_path.is_file():
            raise ModelNotFoundError(f"No trained model at {self.model_path}. Run `python train.py` to make one.")
        self._model_bytes = self.model_path.read_bytes()
        self._pools: dict[int, queue.SimpleQueue] = {size: queue.SimpleQueue() for size in BATCH_SIZES}
        self._pools[1].put(self._interpreter(1))  # built now, not on a user's first request
        if variants:
            self._pools[2].put(self._interpreter(2))  # the variants of one unsure digit
        self._inspector = None  # an interpreter that keeps every intermediate tensor, made when first asked
        self._inspector_lock = threading.Lock()

    @classmethod
    def from_file(cls, path: str | Path = DEFAULT_MODEL_PATH, variants: bool = True) -> "Predictor":
        """The network in ``path``; a digit model (``variants``) with the scan reader saved beside it, if any."""
        scans = Path(path).with_name(SCAN_MODEL_PATH.name)
        return cls(path, variants, scans if variants and scans.is_file() else None)

    def reader_for(self, low_resolution_scan: bool) -> "Predictor":
        """Who reads an image (``PreprocessSteps.low_resolution_scan`` of it): the scan reader for a low-resolution
        scan (in this predictor's style), if there is one; else this predictor."""
        if low_resolution_scan and self.scans is not None:
            return self.scans.in_style(self.style)
        return self

    def in_style(self, style: str) -> "Predictor":
        """This predictor reading for a writer of ``style`` (``hdr_core.style.STYLES``): the same network
        and interpreters, shared, with every reading of a digit weighed for that style (``probabilities``);
        ``network_probabilities``, which weigh a number's cuts, stay the network's own."""
        if known(style) == self.style:
            return self
        styled = copy.copy(self)  # shares the pools of interpreters, which are thread-safe
        styled.style = style
        return styled

    def _interpreter(self, size: int):
        from ai_edge_litert.interpreter import Interpreter

        threads = BATCH_THREADS if size == BATCH_SIZES[-1] else 1
        interpreter = Interpreter(model_content=self._model_bytes, num_threads=threads)
        interpreter.resize_tensor_input(interpreter.get_input_details()[0]["index"], [size, *INPUT_SHAPE])
        interpreter.allocate_tensors()
        return interpreter

    def _run(self, batch: np.ndarray) -> np.ndarray:
        """Probabilities for a batch of at most the largest batch size, padded up to a built shape."""
        size = next(s for s in BATCH_SIZES if s >= len(batch))
        if len(batch) < size:
            batch = np.concatenate([batch, np.zeros((size - len(batch), *INPUT_SHAPE), dtype=np.float32)])
        pool = self._pools[size]
        try:
            interpreter = pool.get_nowait()
        except queue.Empty:
            interpreter = self._interpreter(size)
        try:
            interpreter.set_tensor(interpreter.get_input_details()[0]["index"], batch)
            interpreter.invoke()
            return interpreter.get_tensor(interpreter.get_output_details()[0]["index"]).copy()
        finally:
            pool.put(interpreter)

    def _network(self, batch: np.ndarray) -> np.ndarray:
        """The network's output for a batch already made by ``as_model_batch``, in chunks of the largest shape."""
        largest = BATCH_SIZES[-1]
        out = [self._run(batch[i : i + largest])[: min(largest, len(batch) - i)] for i in range(0, len(batch), largest)]
        return np.concatenate(out) if out else np.zeros((0, NUM_CLASSES), dtype=np.float32)

    def network_probabilities(self, images) -> np.ndarray:
        """The network's own output, shape (N, 10), for one (28, 28) array or a batch of them: no variants."""
        return self._network(as_model_batch(images))

    def probabilities(self, images) -> np.ndarray:
        """Class probabilities, shape (N, 10), for one (28, 28) array or a batch of them, as the app reads
        digits: with ``variants``, an unsure reading is averaged with its variants' readings; then weighed
        for the writing ``style`` (``in_style``; the plain style leaves them as they are)."""
        batch = as_model_batch(images)
        read = self._network(batch)
        if self.variants and len(read):
            read = with_variants(read, batch[..., 0], self.network_probabilities)
        return weighed(read, self.style)

    def first_layer(self, image: np.ndarray) -> np.ndarray:
        """The first convolution layer's output (after batch norm and ReLU) for one digit: (26, 26, 32)."""
        from ai_edge_litert.interpreter import Interpreter

        with self._inspector_lock:
            if self._inspector is None:
                self._inspector = Interpreter(model_content=self._model_bytes, num_threads=1,
                                              experimental_preserve_all_tensors=True)
                self._inspector.allocate_tensors()
            inspector = self._inspector
            inspector.set_tensor(inspector.get_input_details()[0]["index"], as_model_batch(image))
            inspector.invoke()
            first_op_output = inspector._get_ops_details()[0]["outputs"][0]
            return inspector.get_tensor(first_op_output)[0].copy()

    def predict(self, image: np.ndarray) -> Prediction:
        """Read one preprocessed (28, 28) digit."""
        return Prediction.from_probabilities(self.probabilities(image)[0])

    def predict_many(self, images) -> list[Prediction]:
        """Read a batch of preprocessed digits in as few passes through the model as possible."""
        return [Prediction.from_probabilities(row) for row in self.probabilities(images)]

    def read(self, image: ImageInput | PreprocessSteps) -> Reading:
        """Preprocess any image of one digit and read it; raises an ``InputError`` for unusable input."""
        steps = image if isinstance(image, PreprocessSteps) else preprocess_steps(image)
        return Reading(self.reader_for(steps.low_resolution_scan).predict(steps.result), steps)
