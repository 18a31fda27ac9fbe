"""MNIST and Semeion loading: Keras' download by default, a local .npz when an env variable names one."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .constants import MNIST_PATH_ENV, SEMEION_PATH_ENV


@dataclass(frozen=True)
class Split:
    """Images as uint8 (N, H, W), 0 = background, 255 = ink, and their labels (N,)."""

    x: np.ndarray
    y: np.ndarray

    def __len__(self) -> int:
        return len(self.y)

    def head(self, limit: int | None) -> "Split":
        return self if limit is None else Split(self.x[:limit], self.y[:limit])


def load_mnist(path: str | os.PathLike | None = None) -> tuple[Split, Split]:
    """MNIST's (train, test) splits.

    Reads ``path``, else the file named by ``HDR_MNIST_PATH``, else ``keras.datasets.mnist.load_data()``
    (which downloads once into ~/.keras). A local file must use Keras' layout (x_train, y_train,
    x_test, y_test).
    """
    path = path or os.environ.get(MNIST_PATH_ENV)
    if path:
        with np.load(Path(path)) as data:
            train = Split(data["x_train"], data["y_train"])
            test = Split(data["x_test"], data["y_test"])
    else:
        import keras

        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
        train, test = Split(x_train, y_train), Split(x_test, y_test)
    return train, test


def load_semeion(path: str | os.PathLike | None = None) -> Split | None:
    """The Semeion handwritten digits (16x16, ink = 255) from ``path`` or ``HDR_SEMEION_PATH``; None if unset."""
    path = path or os.environ.get(SEMEION_PATH_ENV)
    if not path:
        return None
    with np.load(Path(path)) as data:
        return Split(data["x"], data["y"])


def fingerprint(*splits: Split) -> str:
    """sha256 over the arrays themselves (not the file, whose bytes carry zip timestamps)."""
    digest = hashlib.sha256()
    for split in splits:
        digest.update(np.ascontiguousarray(split.x).tobytes())
        digest.update(np.ascontiguousarray(split.y).tobytes())
    return digest.hexdigest()


def train_validation_split(train: Split, validation_size: int, seed: int) -> tuple[Split, Split]:
    """Hold out a seeded random ``validation_size`` of the training set; the test set is never touched."""
    order = np.random.default_rng(seed).permutation(len(train))
    held, kept = order[:validation_size], order[validation_size:]
    return Split(train.x[kept], train.y[kept]), Split(train.x[held], train.y[held])
