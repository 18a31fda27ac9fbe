"""Data loading reads a local file when told to, and the validation split never touches the test set."""

from __future__ import annotations

import numpy as np

from hdr_core import data
from hdr_core.constants import MNIST_PATH_ENV


def small_npz(tmp_path):
    rng = np.random.default_rng(0)
    arrays = {
        "x_train": rng.integers(0, 256, (50, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, 50, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (10, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, 10, dtype=np.uint8),
    }
    path = tmp_path / "mini.npz"
    np.savez_compressed(path, **arrays)
    return path, arrays


def test_the_environment_variable_names_a_local_mnist_file(tmp_path, monkeypatch):
    path, arrays = small_npz(tmp_path)
    monkeypatch.setenv(MNIST_PATH_ENV, str(path))
    train, test = data.load_mnist()
    np.testing.assert_array_equal(train.x, arrays["x_train"])
    np.testing.assert_array_equal(test.y, arrays["y_test"])


def test_the_validation_split_is_seeded_disjoint_and_complete(tmp_path):
    path, _ = small_npz(tmp_path)
    train, _ = data.load_mnist(path)
    kept, held = data.train_validation_split(train, 10, seed=1)
    again_kept, again_held = data.train_validation_split(train, 10, seed=1)
    assert (len(kept), len(held)) == (40, 10)
    np.testing.assert_array_equal(held.x, again_held.x)
    rows = {row.tobytes() for row in np.concatenate([kept.x, held.x])}
    assert rows == {row.tobytes() for row in train.x}


def test_the_fingerprint_changes_with_the_data(tmp_path):
    path, _ = small_npz(tmp_path)
    train, test = data.load_mnist(path)
    changed = data.Split(test.x.copy(), test.y.copy())
    changed.x[0, 0, 0] ^= 1
    assert data.fingerprint(train, test) != data.fingerprint(train, changed)
    assert data.fingerprint(train, test) == data.fingerprint(train, test)
