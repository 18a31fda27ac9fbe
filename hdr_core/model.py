"""The CNN, loading it, and a fast thread-safe predictor that returns small frozen results."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from .constants import INPUT_SHAPE, MODELS_DIR_ENV, NUM_CLASSES
from .errors import ModelNotFoundError
from .preprocess import ImageInput, PreprocessSteps, preprocess_steps
from .scaling import as_model_batch

MODELS_DIR = Path(os.environ.get(MODELS_DIR_ENV) or Path(__file__).resolve().parent.parent / "models")
"""The trained model and its JSON artifacts: the repository's models/ unless HDR_MODELS_DIR names another."""
DEFAULT_MODEL_PATH = MODELS_DIR / "digit_cnn.keras"
PREDICT_CHUNK = 512
"""Large batches go through the model in chunks of this many digits, so memory stays bounded."""


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


def load_model(path: str | Path = DEFAULT_MODEL_PATH):
    """Load a saved ``.keras`` model; raises ``ModelNotFoundError`` when the file is missing."""
    import keras

    path = Path(path)
    if not path.is_file():
        raise ModelNotFoundError(f"No trained model at {path}. Run `python train.py` to make one.")
    return keras.saving.load_model(path, compile=False)


def model_version(path: str | Path = DEFAULT_MODEL_PATH) -> str:
    """A short content hash of the model file, so every reading can name the model that made it."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


@dataclass(frozen=True)
class Reading:
    """One image read end to end: what the model saw (every preprocessing stage) and what it said."""

    prediction: Prediction
    steps: PreprocessSteps

    @property
    def model_input(self) -> np.ndarray:
        """The (28, 28) array the model was given."""
        return self.steps.result


class Predictor:
    """Runs a Keras model on preprocessed digits, safely from many threads and fast for one digit.

    ``model.predict`` is neither thread-safe nor quick for small inputs; instead the model is
    traced once into a TensorFlow graph with a fixed input signature, and every call runs that
    graph. Graph execution holds no Python state, so sessions on many threads can share one
    predictor.
    """

    def __init__(self, model) -> None:
        import tensorflow as tf

        self.model = model
        spec = tf.TensorSpec(shape=(None, *INPUT_SHAPE), dtype=tf.float32)

        @tf.function(input_signature=[spec], autograph=False)
        def forward(batch):
            return model(batch, training=False)

        self._forward = forward.get_concrete_function()
        self.probabilities(np.zeros(INPUT_SHAPE[:2], dtype=np.float32))  # warm up once, not on a user's request

    @classmethod
    def from_file(cls, path: str | Path = DEFAULT_MODEL_PATH) -> "Predictor":
        return cls(load_model(path))

    def probabilities(self, images) -> np.ndarray:
        """Class probabilities, shape (N, 10), for one (28, 28) array or a batch of them."""
        batch = as_model_batch(images)
        if len(batch) <= PREDICT_CHUNK:
            return self._forward(batch).numpy()
        return np.concatenate(
            [self._forward(batch[i : i + PREDICT_CHUNK]).numpy() for i in range(0, len(batch), PREDICT_CHUNK)]
        )

    def predict(self, image: np.ndarray) -> Prediction:
        """Read one preprocessed (28, 28) digit."""
        return Prediction.from_probabilities(self.probabilities(image)[0])

    def read(self, image: ImageInput) -> Reading:
        """Preprocess any image of one digit and read it; raises an ``InputError`` for unusable input."""
        steps = preprocess_steps(image)
        return Reading(self.predict(steps.result), steps)

    def predict_many(self, images) -> list[Prediction]:
        """Read a batch of preprocessed digits in one pass through the model."""
        return [Prediction.from_probabilities(row) for row in self.probabilities(images)]
