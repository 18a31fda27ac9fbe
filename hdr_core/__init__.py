"""hdr_core: the engine of the handwritten-digit recognizer. Plain Python; never imports Streamlit.

Reading digits needs NumPy, Pillow, SciPy and LiteRT only; TensorFlow is imported only to build,
train or convert the model.
"""

from .constants import DIGIT_BOX, IMAGE_SIZE, INPUT_SHAPE, NUM_CLASSES
from .errors import (
    EmptyImageError,
    HdrError,
    ImageTooLargeError,
    ImageTooSmallError,
    InputError,
    InvalidArchiveError,
    InvalidDrawingError,
    InvalidImageError,
    InvalidPdfError,
    ModelNotFoundError,
    NotADigitError,
)
from .model import DEFAULT_MODEL_PATH, Prediction, Predictor, Reading, build_model, load_model, model_version
from .preprocess import PreprocessSteps, preprocess, preprocess_steps

__all__ = [
    "DIGIT_BOX", "IMAGE_SIZE", "INPUT_SHAPE", "NUM_CLASSES",
    "HdrError", "InputError", "InvalidImageError", "InvalidArchiveError", "InvalidDrawingError", "InvalidPdfError", "ImageTooLargeError", "ImageTooSmallError", "EmptyImageError",
    "ModelNotFoundError", "NotADigitError", "PreprocessSteps", "preprocess", "preprocess_steps",
    "DEFAULT_MODEL_PATH", "Prediction", "Predictor", "Reading", "build_model", "load_model", "model_version",
]
