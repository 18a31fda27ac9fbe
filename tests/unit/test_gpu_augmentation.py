"""The augmentation train.py uses on Keras backends other than TensorFlow (JAX on a GPU machine): layers in
front of the network while it trains. They are Keras ops, so they run here on the TensorFlow backend too."""

import argparse

import keras
import numpy as np
import pytest
from scipy import ndimage

import train
from hdr_core import model
from hdr_core.constants import INPUT_SHAPE


@pytest.fixture()
def digits(mnist):
    return (mnist[0].x[:64].astype("float32") / 255.0)[..., None]


def settings(**changes) -> argparse.Namespace:
    return argparse.Namespace(**{**vars(train.parse_args([])), **changes})


def apply(layers, images, training):
    for layer in layers:
        images = layer(images, training=training)
    return np.asarray(images)


def test_the_augmenting_layers_pass_images_through_unchanged_when_not_training(digits):
    assert np.array_equal(apply(train.augmenting_layers(settings()), digits, training=False), digits)


def test_the_augmenting_layers_change_every_batch_and_keep_full_strength_ink_while_training(digits):
    keras.utils.set_random_seed(1)
    augmented = apply(train.augmenting_layers(settings()), digits, training=True)
    assert augmented.shape == digits.shape and not np.allclose(augmented, digits)
    assert augmented.min() >= 0.0 and np.allclose(augmented.max(axis=(1, 2, 3)), 1.0)


def test_a_warp_with_no_rotation_zoom_shear_or_shift_returns_the_image_unchanged(digits):
    still = settings(rotation=0.0, zoom=0.0, stretch=0.0, shear=0.0, shift=0.0)
    warped = np.asarray(train.random_affine(keras.ops.convert_to_tensor(digits), still, keras.random.SeedGenerator(3)))
    np.testing.assert_allclose(warped, digits, atol=1e-6)


def test_a_shift_alone_moves_each_digit_within_its_limit_and_keeps_its_ink(digits):
    shifted = np.asarray(train.random_affine(keras.ops.convert_to_tensor(digits), settings(
        rotation=0.0, zoom=0.0, stretch=0.0, shear=0.0, shift=0.08), keras.random.SeedGenerator(5)))
    moves = np.array([np.subtract(ndimage.center_of_mass(a[..., 0]), ndimage.center_of_mass(b[..., 0]))
                      for a, b in zip(shifted, digits)])
    assert np.abs(moves).max() <= 0.08 * 28 + 0.1 and np.abs(moves).max() > 0.5
    np.testing.assert_allclose(shifted.sum(axis=(1, 2, 3)), digits.sum(axis=(1, 2, 3)), rtol=0.02)


def test_the_network_learns_through_the_layers_and_only_the_network_is_saved(digits, mnist, tmp_path):
    keras.utils.set_random_seed(2)
    net = model.build_model()
    trained = keras.Sequential([keras.Input(INPUT_SHAPE), *train.augmenting_layers(settings()), net])
    trained.compile(keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    before = [w.copy() for w in net.get_weights()]
    labels = mnist[0].y[:64].astype("int32")
    trained.fit(digits, labels, batch_size=32, epochs=1, validation_data=(digits, labels),
                callbacks=[train.keep_best(net, tmp_path / "best.keras")], verbose=0)
    assert any(not np.array_equal(a, b) for a, b in zip(before, net.get_weights()))
    saved = model.load_model(tmp_path / "best.keras")
    assert saved.name == "digit_cnn" and all(layer.name != "geometry" for layer in saved.layers)
    np.testing.assert_allclose(saved.predict(digits[:4], verbose=0), net.predict(digits[:4], verbose=0), atol=1e-5)
