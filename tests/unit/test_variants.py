"""A digit the network is unsure of is also read in a few variants, made about its centre of mass."""

from __future__ import annotations

import numpy as np

from scipy import ndimage

from hdr_core.variants import UNSURE_BELOW, WIDTHS, centre_of_mass, variants, widened, with_variants


def _bar(rows=slice(6, 22), cols=slice(12, 16)) -> np.ndarray:
    image = np.zeros((28, 28), dtype=np.float32)
    image[rows, cols] = 1.0
    return image


def _extent(image: np.ndarray, axis: int) -> int:
    return int(np.ptp(np.flatnonzero(image.max(axis=axis) > 0.5))) + 1


def test_the_centre_of_mass_of_a_blank_image_is_its_middle_and_of_one_pixel_that_pixel():
    np.testing.assert_allclose(centre_of_mass(np.zeros((28, 28))), [13.5, 13.5])
    dot = np.zeros((28, 28))
    dot[5, 20] = 0.7
    np.testing.assert_allclose(centre_of_mass(dot), [5, 20])


def test_widening_a_digit_keeps_its_height_and_centre_of_mass_and_scales_its_width():
    bar = _bar(cols=slice(10, 18))  # 16 rows, 8 columns
    for factor, width in ((0.5, 4), (1.25, 10)):
        out = widened(bar, factor)
        assert _extent(out, 0) == width and _extent(out, 1) == 16
        np.testing.assert_allclose(centre_of_mass(out), centre_of_mass(bar), atol=0.05)
    np.testing.assert_allclose(widened(bar, 1.0), bar, atol=1e-6)


def test_widening_is_scipys_linear_affine_transform_of_the_same_map():
    rng = np.random.default_rng(0)
    for factor in (0.8, 1.25, 0.5, 2.0):
        image = (rng.random((28, 28)) * (rng.random((28, 28)) > 0.6)).astype(np.float32)
        centre = np.array([13.0, rng.uniform(6, 22)])
        inverse = np.diag([1.0, 1.0 / factor])
        expected = ndimage.affine_transform(image, inverse, offset=centre - inverse @ centre, order=1, mode="constant")
        np.testing.assert_allclose(widened(image, factor, centre), np.clip(expected, 0, 1), atol=1e-6)


def test_every_variant_is_a_digit_image_with_the_same_centre_of_mass():
    bar = _bar()
    copies = variants(bar)
    assert copies.ndim == 3 and copies.shape[1:] == (28, 28) and len(copies) >= 2
    assert copies.dtype == np.float32 and copies.min() >= 0.0 and copies.max() <= 1.0
    for copy in copies:
        assert not np.allclose(copy, bar)
        np.testing.assert_allclose(centre_of_mass(copy), centre_of_mass(bar), atol=0.3)


def test_other_widths_give_one_copy_each_and_the_apps_widths_the_same_copies_as_by_default():
    bar = _bar()
    tried = variants(bar, (0.6,) + WIDTHS)
    assert tried.shape == (1 + len(WIDTHS), 28, 28)
    np.testing.assert_array_equal(tried[1:], variants(bar))
    inked_columns = [np.count_nonzero(copy.max(axis=0) > 0.05) for copy in (tried[0], bar)]
    assert inked_columns[0] < inked_columns[1]  # 0.6 times as wide: narrower than the digit itself


def test_a_sure_reading_stands_and_an_unsure_one_is_averaged_with_its_variants_readings():
    images = np.stack([_bar(), _bar(cols=slice(8, 20)), np.zeros((28, 28), np.float32)])
    plain = np.full((3, 10), 0.01, dtype=np.float32)
    plain[0] = 0.001
    plain[0, 1] = 0.991  # sure
    plain[1, 1], plain[1, 7] = 0.5, 0.42  # unsure
    plain[2] = 0.1  # unsure: blank
    calls = []

    def read(batch):
        calls.append(len(batch))
        return np.repeat(np.eye(10, dtype=np.float32)[[7]], len(batch), axis=0)  # every variant reads 7

    assert 0.5 < UNSURE_BELOW <= 0.991
    out = with_variants(plain, images, read)
    k = len(variants(images[0]))
    assert calls == [2 * k]  # one batch, for the unsure digits' variants: the second and the blank one
    np.testing.assert_array_equal(out[0], plain[0])
    np.testing.assert_allclose(out[1], (plain[1] + k * np.eye(10)[7]) / (1 + k), rtol=1e-6)
    assert out[1].argmax() == 7 and np.isclose(out[1].sum(), 1.0)
    np.testing.assert_allclose(out[2], (plain[2] + k * np.eye(10)[7]) / (1 + k), rtol=1e-6)


def test_when_every_reading_is_sure_the_variants_are_never_read():
    plain = np.eye(10, dtype=np.float32)[[3, 4]]
    out = with_variants(plain, np.zeros((2, 28, 28), np.float32), lambda batch: (_ for _ in ()).throw(AssertionError))
    assert out is plain
