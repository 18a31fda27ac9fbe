"""hdr_core: the engine of the handwritten-digit recognizer. Plain Python; never imports Streamlit.

Preprocessing and errors load at once; the model (and so TensorFlow) only when first used.
"""

from .constants import DIGIT_BOX, IMAGE_SIZE, INPUT_SHAPE, NUM_CLASSES
from .errors import (
    EmptyImageError,
    HdrError,
    ImageTooLargeError,
    ImageTooSmallError,
    InputError,
    InvalidImageError,
    ModelNotFoundError,
)
from .preprocess import PreprocessSteps, preprocess, preprocess_steps

_LAZY = {"Predictor", "Prediction", "Reading", "build_model", "load_model", "model_version", "DEFAULT_MODEL_PATH"}


def __getattr__(name: str):
    if name in _LAZY:
        from . import model

        return getattr(model, name)
    raise AttributeError(f"module 'hdr_core' has no attribute {name!r}")


__all__ = [
    "DIGIT_BOX", "IMAGE_SIZE", "INPUT_SHAPE", "NUM_CLASSES",
    "HdrError", "InputError", "InvalidImageError", "ImageTooLargeError", "ImageTooSmallError", "EmptyImageError",
    "ModelNotFoundError", "PreprocessSteps", "preprocess", "preprocess_steps", *sorted(_LAZY),
]
