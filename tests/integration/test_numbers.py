"""Whole numbers are cut into digits, read in one batch, and boxed where each digit is."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw
from scipy import ndimage

from hdr_core import EmptyImageError, Predictor, numbers, preprocess_steps
from hdr_core.numbers import (
    context_window,
    default_segmenter,
    NumberReading,
    looks_like_number,
    one_digit,
    read_digit,
    read_digit_or_number,
    read_number,
    segment,
)
from hdr_core.robustness import number_accuracy
from hdr_core.synth import (draw_decimal_number, draw_number_with_masks, draw_signed_number, draw_underlined_number,
                            low_resolution_scan, pen_strokes, photo_of_paper, segmentation_examples)
from tests.conftest import drawn_seven
from tests.e2e.browser import STROKES


@pytest.fixture(scope="module")
def predictor():
    return Predictor.from_file()


def written(mnist, indices, gap=20, overlap=0):
    """Test digits side by side as dark ink on white paper, enlarged 4x, ``gap`` px apart (negative: touching)."""
    _, test = mnist
    glyphs = [np.asarray(Image.fromarray(255 - test.x[i]).resize((112, 112), Image.Resampling.BICUBIC)) for i in indices]
    crops = []
    for g in glyphs:
        cols = np.flatnonzero((g < 128).any(axis=0))
        crops.append(g[:, cols[0] : cols[-1] + 1])
    width = sum(c.shape[1] for c in crops) + gap * (len(crops) - 1) + 80
    paper = np.full((152, width), 255, dtype=np.uint8)
    x = 40
    for c in crops:
        paper[20:132, x : x + c.shape[1]] = np.minimum(paper[20:132, x : x + c.shape[1]], c)
        x += c.shape[1] + gap
    return paper, "".join(str(int(test.y[i])) for i in indices)


def test_separate_digits_are_read_as_the_number_they_form(predictor, mnist):
    paper, truth = written(mnist, [0, 1, 2, 3])  # 7, 2, 1, 0
    reading = read_number(predictor, paper)
    assert reading.text == truth
    assert [b.left for b in reading.boxes] == sorted(b.left for b in reading.boxes)
    assert all(b.height > 60 for b in reading.boxes)
    assert 0.0 < reading.confidence <= min(p.confidence for p in reading.predictions)


def test_a_large_photo_of_a_number_is_kept_to_show_at_the_size_it_was_read_at_with_its_boxes_and_point_scaled(
        predictor, mnist):
    paper, _ = written(mnist, [0, 1, 2], gap=40)  # 7, 2, 1
    image = Image.fromarray(paper)
    cols = np.flatnonzero((paper < 128).any(axis=0))
    after_first = cols[np.flatnonzero(np.diff(cols) > 1)[0]]
    ImageDraw.Draw(image).ellipse((after_first + 14, 118, after_first + 26, 130), fill=0)  # a point after the 7
    large = image.resize((image.width * 6, image.height * 6), Image.Resampling.BICUBIC)
    reading = read_number(predictor, preprocess_steps(large))
    shown = reading.for_showing()
    assert reading.text == shown.text == "7.21" and max(shown.steps.upright.size) == 1024
    scale = 1024 / large.width
    for box, kept in zip([*reading.boxes, reading.marks[0].box], [*shown.boxes, shown.marks[0].box]):
        assert all(abs(getattr(kept, side) - getattr(box, side) * scale) <= 1 for side in ("left", "top", "width", "height"))
        inside = np.asarray(shown.steps.upright)[kept.top:kept.top + kept.height, kept.left:kept.left + kept.width]
        assert inside.min() < 64  # the ink it was drawn around


class CountingPredictor(Predictor):
    """The served predictor, counting the images each reader is asked about."""

    def __init__(self):
        super().__init__()
        self.with_variants, self.network_alone = [], []

    def probabilities(self, images):
        self.with_variants.append(len(images))
        return super().probabilities(images)

    def network_probabilities(self, images):
        self.network_alone.append(len(images))
        return super().network_probabilities(images)


def test_cuts_are_weighed_by_the_network_alone_and_only_the_chosen_digits_read_with_variants(predictor, mnist):
    paper, truth = written(mnist, [0, 1, 2, 3], gap=-2)  # touching, so many cuts are weighed
    counting = CountingPredictor()
    reading = read_number(counting, paper)
    assert reading.text == truth
    assert counting.with_variants == [len(reading.predictions)]  # one call, for the digits read
    assert sum(counting.network_alone) > len(reading.predictions)  # every candidate weighed
    assert reading.predictions == tuple(predictor.predict_many(np.stack(reading.model_inputs)))  # as single digits


def test_digits_whose_ink_overlaps_are_kept_apart_by_their_pen_strokes(predictor, mnist):
    _, test = mnist
    truth, strokes = "", []
    paper = np.full((152, 260), 255, dtype=np.uint8)
    x = 40
    for i in (2, 1):  # a 1, then a 2 whose left end is drawn over the 1's right edge
        glyph = np.asarray(Image.fromarray(255 - test.x[i]).resize((112, 112), Image.Resampling.BICUBIC))
        cols = np.flatnonzero((glyph < 128).any(axis=0))
        x = x if not strokes else int(np.flatnonzero(strokes[0].any(axis=0))[-1]) - cols[0] - 6
        paper[20:132, x : x + 112] = np.minimum(paper[20:132, x : x + 112], glyph)
        stroke = np.zeros(paper.shape, dtype=bool)
        stroke[20:132, x : x + 112] = glyph < 128
        strokes.append(stroke)
        truth += str(int(test.y[i]))
    assert (strokes[0] & strokes[1]).any()  # their ink really overlaps: one blob on paper
    reading = read_number(predictor, paper, strokes=strokes)
    assert reading.text == truth and len(reading.boxes) == 2
    assert reading.boxes[0].left < reading.boxes[1].left


def test_touching_digits_are_split_where_they_meet(predictor, mnist):
    paper, truth = written(mnist, [3, 4, 5], gap=-4)  # 0, 4, 1 touching
    assert len(segment(preprocess_steps(paper).cleaned, predictor)) == 3
    assert read_number(predictor, paper).text == truth


def test_digits_written_without_lifting_the_pen_are_still_split(predictor, mnist):
    paper, truth = written(mnist, [3, 4, 5], gap=-4)  # 0, 4, 1 touching, given as one pen stroke
    assert read_number(predictor, paper, strokes=[paper < 128]).text == truth


@pytest.mark.parametrize("seed", range(4))
def test_a_number_printed_on_paper_and_photographed_is_read_as_an_upload(predictor, mnist, seed):
    paper, truth = written(mnist, [0, 1, 2, 3], gap=30)  # 7, 2, 1, 0
    photo = photo_of_paper(255 - paper, np.random.default_rng(seed), (960, 720))  # rotated, lit unevenly, EXIF-tagged JPEG
    # (seed 1 leaves faint rests of a shadow's edge at the frame's border, once read as parts of the digits)
    assert read_number(predictor, photo).text == truth


def test_photographed_numbers_are_measured_on_the_same_numbers_but_never_with_strokes(predictor, mnist):
    _, test = mnist
    shot = number_accuracy(predictor, test, count=5, photographed=True)
    drawn = number_accuracy(predictor, test, count=5)
    assert shot["digits"] == drawn["digits"] and 0.0 <= shot["digit_accuracy"] <= 1.0
    with pytest.raises(ValueError):
        number_accuracy(predictor, test, count=1, photographed=True, with_strokes=True)


def test_several_digits_side_by_side_look_like_a_number_and_one_digit_does_not(mnist):
    paper, _ = written(mnist, [0, 1])
    assert looks_like_number(preprocess_steps(paper))
    assert not looks_like_number(preprocess_steps(drawn_seven()))


def test_automatic_reading_takes_touching_digits_for_a_number_and_one_digit_for_one(predictor, mnist):
    apart, apart_truth = written(mnist, [0, 1])
    touching, touching_truth = written(mnist, [3, 4], gap=-4)  # 0 and 4 touching: one blob, as wide as tall
    assert not looks_like_number(preprocess_steps(touching))
    for paper, truth in ((apart, apart_truth), (touching, touching_truth)):
        reading = read_digit_or_number(predictor, paper)
        assert isinstance(reading, NumberReading) and reading.text == truth
    single = read_digit_or_number(predictor, drawn_seven())
    assert not isinstance(single, NumberReading) and single.prediction.digit == 7


def test_automatic_reading_takes_a_1_leaning_on_its_neighbour_for_a_number_though_narrower_than_tall(predictor, mnist):
    for indices in ([4, 2], [2, 4]):  # a 4 and a 1 touching: one blob, narrower than tall (read "4" before rule 81)
        paper, truth = written(mnist, indices, gap=-4)
        steps = preprocess_steps(paper)
        ink = steps.cleaned > 0
        rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
        assert np.ptp(cols) < np.ptp(rows) and not looks_like_number(steps)
        reading = read_digit_or_number(predictor, steps)
        assert isinstance(reading, NumberReading) and reading.text == truth


@pytest.mark.parametrize("segment_model_says_one_digit", [0.0, 0.9])
def test_dashes_stacked_narrower_than_tall_are_no_number_in_automatic_reading(predictor, monkeypatch,
                                                                                segment_model_says_one_digit):
    # Narrow ink is cut only where the segment model doubts it is one digit; lines alone are refused either way.
    paper = np.full((300, 300), 255, dtype=np.uint8)
    paper[50:56, 100:200] = paper[240:246, 100:200] = 0  # 100 px wide, 196 px tall: nothing but two lines
    monkeypatch.setattr(numbers, "one_digit_probability", lambda cleaned, segmenter: segment_model_says_one_digit)
    with pytest.raises(EmptyImageError, match="a line is not a number"):
        read_digit_or_number(predictor, paper)


def test_a_low_resolution_scan_of_one_digit_stretched_to_fill_its_grid_is_read_as_one_digit(predictor, mnist):
    _, test = mnist
    rng = np.random.default_rng(3)
    scans = [low_resolution_scan(digit, rng) for digit in test.x[:40]]  # the 0 at index 3 was read as "611"
    readings = [read_digit_or_number(predictor, scan) for scan in scans]
    assert not any(isinstance(r, NumberReading) for r in readings)
    assert sum(r.prediction.digit == y for r, y in zip(readings, test.y)) >= 38


def test_a_digit_in_two_strokes_stays_one_digit(predictor):
    paper = np.full((200, 200), 255, dtype=np.uint8)
    paper[40:52, 60:150] = 0  # the bar of a 5, not touching the rest
    paper[60:170, 60:72] = 0
    paper[100:112, 60:140] = 0
    paper[100:170, 130:142] = 0
    paper[160:172, 60:140] = 0
    assert len(segment(preprocess_steps(paper).cleaned, predictor)) == 1


def test_the_segment_model_tells_a_whole_digit_from_half_of_one(mnist):
    paper, _ = written(mnist, [3, 1], gap=60)  # a 0 and a 2, well apart
    cleaned = preprocess_steps(paper).cleaned
    labels, _ = ndimage.label(cleaned > 0, structure=np.ones((3, 3), dtype=bool))
    zero = labels == labels[:, np.flatnonzero((labels > 0).any(axis=0))[0]].max()  # the leftmost blob
    cols = np.flatnonzero(zero.any(axis=0))
    half = zero.copy()
    half[:, (cols[0] + cols[-1]) // 2 :] = False
    height = float(np.ptp(np.flatnonzero(zero.any(axis=1))) + 1)
    whole = default_segmenter().probabilities(np.stack([context_window(cleaned, m, height) for m in (zero, half)]))[:, 1]
    assert whole[0] > 0.5 > whole[1]


def test_a_drawn_number_comes_with_the_ink_of_each_digit(mnist):
    train, _ = mnist
    image, masks = draw_number_with_masks(list(train.x[:3]), np.random.default_rng(0))
    ink = np.asarray(image) < 128
    assert len(masks) == 3 and all(m.shape == ink.shape and m.any() for m in masks)
    np.testing.assert_array_equal(np.logical_or.reduce(masks), ink)


def test_segment_examples_hold_whole_digits_and_parts_of_them(mnist):
    train, _ = mnist
    windows, labels = segmentation_examples(train.x[:200], 5, np.random.default_rng(0))
    assert windows.dtype == np.uint8 and windows.shape[1:] == (28, 28) and len(windows) == len(labels)
    assert 0 < labels.sum() < len(labels)  # both kinds, as the segment model must learn


def _canvas(digits, gap):
    """Digits drawn with the end-to-end tests' strokes on the 700x200 number canvas: the image and each stroke's mask."""
    def paint(lines):
        image = Image.new("L", (700, 200), 255)
        pen = ImageDraw.Draw(image)
        for line in lines:
            pen.line(line, fill=0, width=14, joint="curve")
            for x, y in (line[0], line[-1]):
                pen.ellipse((x - 7, y - 7, x + 7, y + 7), fill=0)
        return image

    lines = [[(x * 0.62 + 40 + k * gap, y * 0.62 + 15) for x, y in stroke] for k, d in enumerate(digits) for stroke in STROKES[d]]
    return paint(lines).convert("RGB"), [np.asarray(paint([line])) < 128 for line in lines]


@pytest.mark.parametrize("digits", [(1, 0), (7, 1), (4, 7), (0, 4), (1, 1)])
def test_two_digits_drawn_apart_on_the_number_canvas_are_read_with_or_without_their_strokes(predictor, digits):
    image, strokes = _canvas(digits, gap=80)
    truth = "".join(map(str, digits))
    assert read_number(predictor, image).text == truth
    assert read_number(predictor, image, strokes=strokes).text == truth


@pytest.mark.parametrize("mark", [".", ","])
def test_a_decimal_mark_drawn_between_digits_is_read_in_its_place_given_the_strokes_or_from_the_image_alone(
        predictor, mnist, mark):
    _, test = mnist
    rng, strokes_rng = np.random.default_rng(3), np.random.default_rng(4)
    read = read_alone = 0
    for _ in range(10):
        chosen = rng.integers(0, len(test), int(rng.integers(3, 6)))
        after = int(rng.integers(1, len(chosen)))
        image, own_inks, point = draw_decimal_number([test.x[i] for i in chosen], after, rng, comma=mark == ",")
        digits = "".join(str(int(test.y[i])) for i in chosen)
        strokes = pen_strokes(own_inks[:after], strokes_rng) + [point] + pen_strokes(own_inks[after:], strokes_rng)
        reading = read_number(predictor, image, strokes=strokes)
        read += reading.text == f"{digits[:after]}{mark}{digits[after:]}"
        read_alone += read_number(predictor, image).text == f"{digits[:after]}{mark}{digits[after:]}"  # as an upload
        if reading.marks:
            box = reading.marks[0].box  # boxed where the point is, in the drawing's pixels
            assert np.asarray(image.convert("L"))[box.top : box.top + box.height, box.left : box.left + box.width].min() == 0
    assert read >= 9 and read_alone >= (9 if mark == "." else 8)


def test_a_number_drawn_without_a_point_is_read_without_one_however_its_digits_break(predictor, mnist):
    _, test = mnist
    rng, strokes_rng = np.random.default_rng(5), np.random.default_rng(6)
    for _ in range(30):  # a fifth of the digits have a pen lift, and its pieces can be point-sized
        chosen = rng.integers(0, len(test), int(rng.integers(2, 7)))
        image, own_inks = draw_number_with_masks([test.x[i] for i in chosen], rng)
        assert read_number(predictor, image, strokes=pen_strokes(own_inks, strokes_rng)).marks == ()
        assert read_number(predictor, image).marks == ()  # as an upload: the pieces lie over or under their digits


@pytest.mark.parametrize("dash, seed, fewest, most", [("minus", 7, 1, 3), ("hyphen", 9, 2, 4)])
def test_a_minus_in_front_or_a_hyphen_between_digits_is_read_given_the_strokes_or_from_the_image_alone(
        predictor, mnist, dash, seed, fewest, most):
    _, test = mnist
    rng, strokes_rng = np.random.default_rng(seed), np.random.default_rng(seed + 1)
    read = read_alone = 0
    for _ in range(10):
        chosen = rng.integers(0, len(test), int(rng.integers(fewest, most + 1)))
        after = 0 if dash == "minus" else int(rng.integers(1, len(chosen)))
        image, own_inks, bar = draw_signed_number([test.x[i] for i in chosen], rng, hyphen_after=after or None)
        digits = "".join(str(int(test.y[i])) for i in chosen)
        strokes = pen_strokes(own_inks[:after], strokes_rng) + [bar] + pen_strokes(own_inks[after:], strokes_rng)
        read += read_number(predictor, image, strokes=strokes).text == f"{digits[:after]}-{digits[after:]}"
        read_alone += read_number(predictor, image).text == f"{digits[:after]}-{digits[after:]}"
    assert read >= 9 and read_alone >= 9


@pytest.mark.parametrize("with_strokes", [True, False])
def test_a_number_underlined_is_read_without_its_line_and_a_line_alone_is_no_number(predictor, mnist, with_strokes):
    paper, truth = written(mnist, [0, 1, 2, 3])  # 7, 2, 1, 0: dark ink on white, digits in rows 20-132
    underlined = paper.copy()
    underlined[140:146, 30:-30] = 0  # a ruled line under the whole number, 6 px thick, clear of the digits
    line = np.zeros(paper.shape, dtype=bool)
    line[140:146, 30:-30] = True
    strokes = [paper < 128, line] if with_strokes else None
    assert read_number(predictor, underlined, strokes=strokes).text == truth
    alone = np.full(paper.shape, 255, dtype=np.uint8)
    alone[70:76, 30:-30] = 0
    with pytest.raises(EmptyImageError, match="a line is not a number"):
        read_number(predictor, alone, strokes=[line] if with_strokes else None)


def test_one_digit_underlined_is_read_without_its_line_as_an_upload_or_on_the_one_digit_canvas(predictor, mnist):
    _, test = mnist
    paper, _ = written(mnist, [0])  # a 7 in rows 20-132
    paper[140:146, 30:-30] = 0  # a line under it, clear of it and wider
    assert not one_digit(preprocess_steps(paper)).cleaned[138:148].any()  # left out, the digit framed again without it
    steps = preprocess_steps(written(mnist, [0])[0])
    assert one_digit(steps) is steps  # nothing under it: read as before
    rng, read = np.random.default_rng(0), 0
    for i in range(20):  # drawn with the canvas's pen, the line a little below: 16 were read right with the line in
        image, _, _, _ = draw_underlined_number([test.x[i]], rng)
        reading = read_digit_or_number(predictor, image)  # an upload, read automatically
        assert not isinstance(reading, NumberReading)
        assert read_digit(predictor, image).prediction.digit == reading.prediction.digit  # the one-digit canvas
        read += reading.prediction.digit == test.y[i]
    assert read >= 19
