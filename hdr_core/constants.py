"""Input constants shared by training and inference, defined once so they cannot drift."""

IMAGE_SIZE = 28
"""MNIST images are 28x28 pixels."""

DIGIT_BOX = 20
"""MNIST digits were size-normalised to fit a 20x20 box inside the 28x28 field."""

INPUT_SHAPE = (IMAGE_SIZE, IMAGE_SIZE, 1)
"""What the model takes: one grey channel, white ink on black, values in [0, 1]."""

NUM_CLASSES = 10
"""The digits 0-9."""

MNIST_PATH_ENV = "HDR_MNIST_PATH"
"""Environment variable naming a local mnist.npz (Keras layout) to use instead of downloading."""

SEMEION_PATH_ENV = "HDR_SEMEION_PATH"
"""Environment variable naming a local semeion.npz (keys x, y) for the robustness check."""

MODELS_DIR_ENV = "HDR_MODELS_DIR"
"""Environment variable naming another folder of trained model + JSON artifacts (default: models/)."""
