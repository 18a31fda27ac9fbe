"""The one place where pixel values become model input, used by training and inference alike."""

from __future__ import annotations

import numpy as np

from .constants import IMAGE_SIZE, INPUT_SHAPE


def scale_uint8(images: np.ndarray) -> np.ndarray:
    """Map 8-bit pixels (0 = background, 255 = ink, as MNIST stores them) to float32 in [0, 1]."""
    return np.asarray(images, dtype=np.float32) / np.float32(255.0)


def as_model_batch(images: np.ndarray | list[np.ndarray]) -> np.ndarray:
    """Stack one (28, 28) image or many into a contiguous float32 batch of shape (N, 28, 28, 1)."""
    batch = np.asarray(images, dtype=np.float32)
    if batch.ndim == 2:
        batch = batch[None]
    if batch.ndim == 4 and batch.shape[-1] == 1:
        batch = batch[..., 0]
    if batch.ndim != 3 or batch.shape[1:] != (IMAGE_SIZE, IMAGE_SIZE):
        raise ValueError(f"expected images of shape (28, 28) or (N, 28, 28), got {np.shape(images)}")
    if batch.size and (batch.min() < 0.0 or batch.max() > 1.0):
        raise ValueError("pixel values must lie in [0, 1]; scale uint8 images with scale_uint8 first")
    return np.ascontiguousarray(batch.reshape((-1, *INPUT_SHAPE)))
