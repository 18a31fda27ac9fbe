"""Generators of realistic input: low-resolution scans of a digit, and the pen strokes of a drawn number."""

import io

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from hdr_core.errors import EmptyImageError
from hdr_core.preprocess import preprocess
from hdr_core.synth import (SCAN_GRIDS, continental_style, digits_cut_from_numbers, elastic_distortion, low_resolution_scan,
                            draw_decimal_number, draw_signed_number, draw_underlined_number, light_ink, pen_core, pen_strokes,
                            photo_of_paper, skeleton)


def a_slanted_one() -> np.ndarray:
    digit = np.zeros((28, 28), dtype=np.uint8)
    for row in range(4, 24):
        digit[row, 17 - row // 3 : 19 - row // 3] = 255
    return digit


def test_a_low_resolution_scan_is_binary_dark_on_white_and_fills_its_square_grid():
    for seed in range(5):
        scan = np.asarray(Image.open(io.BytesIO(low_resolution_scan(a_slanted_one(), np.random.default_rng(seed)))))
        side = scan.shape[0] // 10
        assert scan.shape == (side * 10, side * 10) and SCAN_GRIDS[0] <= side <= SCAN_GRIDS[1]
        assert set(np.unique(scan)) == {0, 255} and (scan == 255).mean() > 0.5  # white paper, dark ink
        ink_columns = np.flatnonzero((scan == 0).any(axis=0))
        assert ink_columns[0] == 0 and ink_columns[-1] == scan.shape[1] - 1  # a slanted 1 stretched to the full width


def test_a_straight_one_scanned_into_a_square_grid_is_solid_ink_which_preprocessing_refuses():
    straight = np.zeros((28, 28), dtype=np.uint8)
    straight[4:24, 13:15] = 255
    with pytest.raises(EmptyImageError):
        preprocess(low_resolution_scan(straight, np.random.default_rng(0)))


def test_a_low_resolution_scan_goes_through_upload_preprocessing_like_a_user_file():
    digit = preprocess(low_resolution_scan(a_slanted_one(), np.random.default_rng(0)))
    assert digit.shape == (28, 28) and digit.max() == 1.0 and digit[0].max() == 0.0


def test_pen_strokes_each_belong_to_one_digit_and_together_are_its_ink():
    inks = []
    for left in (10, 60, 110, 160):
        ink = np.zeros((80, 220), dtype=bool)
        ink[10:70, left : left + 30] = True
        inks.append(ink)
    strokes = pen_strokes(inks, np.random.default_rng(0))
    assert len(inks) < len(strokes) <= 2 * len(inks)  # some digits take two strokes, none more
    owner = [[k for k, ink in enumerate(inks) if (stroke & ink).any()] for stroke in strokes]
    assert all(len(o) == 1 for o in owner) and [o[0] for o in owner] == sorted(o[0] for o in owner)  # in writing order
    for k, ink in enumerate(inks):
        mine = [s for s, o in zip(strokes, owner) if o[0] == k]
        np.testing.assert_array_equal(np.logical_or.reduce(mine), ink)
        assert sum(s.sum() for s in mine) == ink.sum()  # split, not copied


def test_an_elastic_distortion_bends_a_digit_smoothly_and_keeps_its_ink_shape_and_type():
    digit = a_slanted_one()
    bent = elastic_distortion(digit, np.random.default_rng(0))
    assert bent.shape == digit.shape and bent.dtype == np.uint8
    assert not np.array_equal(bent, digit)  # it moved
    assert 0.7 < bent.astype(float).sum() / digit.astype(float).sum() < 1.3  # nothing torn off or added
    # Smooth, not noise: the ink stays close to where it was, so the two overlap a good deal.
    overlap = ((bent > 127) & (digit > 127)).sum() / (digit > 127).sum()
    assert overlap > 0.4
    assert np.array_equal(bent, elastic_distortion(digit, np.random.default_rng(0)))  # reproducible from a seed


def test_a_continental_one_gets_a_flag_down_to_the_left_of_the_top_of_its_stem():
    digit = a_slanted_one()
    stem = skeleton(digit)
    styled = continental_style(digit, 1, np.random.default_rng(0))
    flag = styled[len(stem):]
    top = stem[np.argmin(stem[:, 0])]
    assert len(flag) and np.allclose(flag[0], top)
    assert flag[-1][0] > top[0] and flag[-1][1] < top[1] - 2  # down and clearly to the left
    assert np.array_equal(styled[: len(stem)], stem)  # the stem itself is unchanged


def test_a_continental_seven_gets_a_bar_across_its_stem_and_other_digits_none():
    seven = np.zeros((28, 28), dtype=np.uint8)
    seven[5:7, 6:22] = 255  # the top bar
    for row in range(7, 24):
        seven[row, 20 - (row - 7) // 2 : 22 - (row - 7) // 2] = 255  # the stem, leaning left
    stem = skeleton(seven)
    bar = continental_style(seven, 7, np.random.default_rng(0))[len(stem):]
    middle = stem[:, 0].min() + 0.45 * np.ptp(stem[:, 0]), stem[:, 0].min() + 0.6 * np.ptp(stem[:, 0])
    assert np.ptp(bar[:, 1]) > 3 * np.ptp(bar[:, 0])  # nearly level
    assert middle[0] - 1 <= bar[:, 0].mean() <= middle[1] + 1  # across the middle of the stem
    assert continental_style(seven, 3, np.random.default_rng(0)) is None


def a_ring() -> np.ndarray:
    rows, cols = np.mgrid[:28, :28]
    radius = np.hypot(rows - 14, (cols - 14) * 1.3)
    return ((radius > 6) & (radius < 9)).astype(np.uint8) * 255


def test_digits_cut_from_numbers_come_back_one_each_in_order_framed_as_mnist_digits():
    shapes = ["ring", "one", "ring", "ring", "one", "one", "ring", "one", "ring"]
    digits = np.stack([a_ring() if s == "ring" else a_slanted_one() for s in shapes])
    for seed in range(3):
        framed = digits_cut_from_numbers(digits, np.random.default_rng(seed))
        assert len(framed) == len(digits)
        for shape, digit in zip(shapes, framed):
            assert digit.shape == (28, 28) and digit.dtype == np.float32 and digit.max() == 1.0
            rows, cols = np.flatnonzero(digit.max(axis=1) > 0.1), np.flatnonzero(digit.max(axis=0) > 0.1)
            assert rows[-1] - rows[0] + 1 in (19, 20, 21)  # the 20x20 box's height: each digit stands alone
            wide = cols[-1] - cols[0] + 1 > 12
            assert wide == (shape == "ring")  # in order: a neighbour's ink is not in it
            assert (digit[14, 14] < 0.1) == (shape == "ring")  # the ring's hole stays open


def a_bold_zero_with_a_grey_loop() -> np.ndarray:
    """A ring of full ink whose small hole anti-aliasing has greyed in, as in MNIST's bold 0s, 6s and 8s."""
    rows, cols = np.mgrid[:28, :28]
    distance = np.hypot(rows - 14, cols - 14)
    digit = np.where(distance < 8, 255, 0).astype(np.uint8)
    digit[distance < 3] = 170  # two thirds ink: over the half-ink line, under the core's
    return digit


def holes(ink: np.ndarray) -> int:
    return ndimage.label(~np.pad(ink, 1))[1] - 1  # background pieces beyond the one around the digit


def test_a_loop_greyed_in_by_anti_aliasing_is_traced_open():
    digit = a_bold_zero_with_a_grey_loop()
    assert holes(pen_core(digit, levels=(0.5,))) == 0  # at half ink the loop fills in: traced as a dot or a stroke
    assert holes(pen_core(digit)) == 1


def test_a_faint_stroke_is_traced_whole_rather_than_broken_or_shrunk():
    digit = np.zeros((28, 28), dtype=np.uint8)
    digit[4:24, 13:15] = 255
    digit[12:15, 13:15] = 150  # a faint stretch in the middle of a 1: gone above 0.59 of full ink
    core = pen_core(digit)
    assert ndimage.label(core, structure=np.ones((3, 3)))[1] == 1
    fading = np.zeros((28, 28), dtype=np.uint8)
    fading[4:24, 13:15] = np.linspace(140, 255, 20).astype(np.uint8)[:, None]  # a 1 that fades towards its top
    rows = np.flatnonzero(pen_core(fading).any(axis=1))
    assert (rows[-1] - rows[0]) >= 0.9 * 4 * 20 - 4  # still nearly the whole 1 (enlarged 4 times), not its foot alone


def test_traced_at_half_ink_only_the_skeleton_is_as_the_served_models_training_copies_were_drawn():
    digit = a_bold_zero_with_a_grey_loop()
    big = ndimage.zoom(digit.astype(np.float32) / 255.0, 4, order=1) > 0.5
    assert np.array_equal(pen_core(digit, levels=(0.5,)), big)
    assert len(skeleton(digit, levels=(0.5,))) != len(skeleton(digit))


@pytest.mark.parametrize("comma", [False, True], ids=["point", "comma"])
def test_a_decimal_number_has_its_mark_on_the_line_between_the_digits_it_follows_and_precedes(comma):
    for seed in range(4):
        digits = [a_ring(), a_slanted_one(), a_ring()]
        image, own_inks, mark = draw_decimal_number(digits, 1 + seed % 2, np.random.default_rng(seed), comma=comma)
        after = 1 + seed % 2
        ink = np.asarray(image) < 128
        assert mark.any() and (ink & mark).sum() == mark.sum() and not any((own & mark).any() for own in own_inks)
        columns = [np.flatnonzero(m.any(axis=0)) for m in (own_inks[after - 1], mark, own_inks[after])]
        assert columns[0][-1] < columns[1][0] and columns[1][-1] < columns[2][0]  # apart from both neighbours
        rows = np.flatnonzero(mark.any(axis=1))
        digit_rows = np.flatnonzero(own_inks[after - 1].any(axis=1))
        assert rows[0] > (digit_rows[0] + digit_rows[-1]) / 2  # low on the line
        tall, wide = rows[-1] - rows[0] + 1, columns[1][-1] - columns[1][0] + 1
        assert (tall > 1.3 * wide) == comma  # a comma goes down from the line; a point is a tap


def test_a_negative_number_has_its_minus_level_with_the_first_digits_middle_in_front_of_it():
    for seed in range(4):
        image, own_inks, minus = draw_signed_number([a_ring(), a_slanted_one()], np.random.default_rng(seed))
        ink = np.asarray(image) < 128
        assert minus.any() and (ink & minus).sum() == minus.sum() and not any((own & minus).any() for own in own_inks)
        rows, cols = np.flatnonzero(minus.any(axis=1)), np.flatnonzero(minus.any(axis=0))
        first_rows, first_cols = np.flatnonzero(own_inks[0].any(axis=1)), np.flatnonzero(own_inks[0].any(axis=0))
        assert cols[-1] < first_cols[0] and cols[-1] - cols[0] > 2 * (rows[-1] - rows[0])  # in front, and level
        height = first_rows[-1] - first_rows[0]
        assert first_rows[0] + height / 4 < (rows[0] + rows[-1]) / 2 < first_rows[-1] - height / 4


def test_a_hyphenated_number_has_its_bar_level_between_the_digits_it_follows_and_precedes():
    for seed in range(4):
        image, own_inks, bar = draw_signed_number([a_ring(), a_slanted_one(), a_ring()], np.random.default_rng(seed),
                                                  hyphen_after=1 + seed % 2)
        after = 1 + seed % 2
        assert bar.any() and not any((own & bar).any() for own in own_inks)
        columns = [np.flatnonzero(m.any(axis=0)) for m in (own_inks[after - 1], bar, own_inks[after])]
        assert columns[0][-1] < columns[1][0] and columns[1][-1] < columns[2][0]
        rows, digit_rows = np.flatnonzero(bar.any(axis=1)), np.flatnonzero(own_inks[after - 1].any(axis=1))
        height = digit_rows[-1] - digit_rows[0]
        assert digit_rows[0] + height / 4 < (rows[0] + rows[-1]) / 2 < digit_rows[-1] - height / 4


def test_an_underlined_number_has_one_line_clear_below_all_its_digits_and_is_the_same_number_without_it():
    for seed in range(4):
        image, bare, own_inks, line = draw_underlined_number([a_ring(), a_slanted_one(), a_ring()], np.random.default_rng(seed))
        ink, bare_ink = np.asarray(image) < 128, np.asarray(bare) < 128
        assert (ink == (bare_ink | line)).all() and not (bare_ink & line).any()
        assert ndimage.label(line, structure=np.ones((3, 3)))[1] == 1  # one unbroken stroke
        line_cols, line_rows = np.flatnonzero(line.any(axis=0)), np.flatnonzero(line.any(axis=1))
        digit_cols = np.flatnonzero(bare_ink.any(axis=0))
        assert line_cols[0] <= digit_cols[0] and line_cols[-1] >= digit_cols[-1]  # under every digit
        for col in range(line_cols[0], line_cols[-1] + 1):  # below the digits in every column, sloping or not
            above = np.flatnonzero(bare_ink[:, col])
            assert not len(above) or above[-1] < np.flatnonzero(line[:, col])[0]
        assert line_rows[-1] < image.size[1]


def test_light_inks_are_28_to_65_percent_as_bright_as_white_and_only_pencil_is_grainy():
    rng = np.random.default_rng(0)
    for _ in range(200):
        colour, grain = light_ink(rng)
        luminance = float(colour @ np.array([0.299, 0.587, 0.114]))
        assert 0.28 <= luminance <= 0.65
        assert (grain > 0) == bool(np.ptp(colour) == 0)  # grey graphite is grainy; a pen's ink is solid


def test_a_photo_in_light_ink_is_fainter_than_one_in_a_pen_and_an_unknown_tone_is_refused():
    digit = np.zeros((28, 28), dtype=np.uint8)
    digit[4:24, 12:16] = 255
    darkest = {tone: np.asarray(Image.open(io.BytesIO(photo_of_paper(digit, np.random.default_rng(1), ink_tone=tone)))
                                .convert("L")).min() for tone in ("dark", "light")}
    assert darkest["light"] > darkest["dark"] + 30
    with pytest.raises(ValueError, match="ink_tone"):
        photo_of_paper(digit, np.random.default_rng(1), ink_tone="invisible")
