"""Cutting a number into candidate digits: pieces, runs of neighbouring pieces, context windows."""

from __future__ import annotations

import numpy as np
import pytest

from hdr_core.errors import EmptyImageError, NotADigitError
from hdr_core.marks import dashes, decimal_marks, number_line, ruled_lines
from hdr_core.numbers import MOST_PIECES, MOST_PIECES_PER_DIGIT, candidates, context_window, pieces, stroke_splits


def bars(*spans: tuple[int, int], height: int = 100, width: int = 400) -> np.ndarray:
    """An ink map with one full-height stroke per (left, right) column span."""
    ink = np.zeros((height + 40, width), dtype=np.float32)
    for left, right in spans:
        ink[20 : 20 + height, left:right] = 1.0
    return ink


def test_separate_blobs_are_pieces_ordered_left_to_right():
    found, height = pieces(bars((200, 215), (40, 55)))
    assert [p.left for p in found] == [40, 200] and height == 100


def test_ink_that_would_be_cut_into_more_pieces_than_any_number_has_is_refused_before_it_is_cut():
    ink = np.zeros((8 * 60, 440), dtype=np.float32)
    for row in range(8):  # eight lines of a page, each blob ten digit heights wide: about 29 pieces a line
        ink[row * 60 + 10 : row * 60 + 50, 20:420] = 1.0
    with pytest.raises(NotADigitError, match="Too many separate marks"):
        pieces(ink)
    found, _ = pieces(ink[:60 * (MOST_PIECES // 30)])  # the first few lines are cut as ever
    assert 0 < len(found) <= MOST_PIECES


def test_a_blob_wider_than_a_digit_is_also_cut_at_its_thinnest_columns():
    ink = bars((40, 200))
    ink[60:140, 100:120] = 0.0  # a thin waist where two digits would touch
    found, _ = pieces(ink)
    assert len(found) > 1
    assert any(abs(p.left - 110) <= 12 for p in found[1:])
    assert np.array_equal(np.logical_or.reduce([p.mask for p in found]), ink > 0)  # no ink lost or doubled
    assert sum(p.mask.sum() for p in found) == (ink > 0).sum()


def test_candidates_are_runs_of_neighbouring_pieces_up_to_the_most_one_digit_has():
    runs = candidates(list(range(10)))
    assert runs == [(i, j) for i in range(10) for j in range(i + 1, min(i + MOST_PIECES_PER_DIGIT, 10) + 1)]
    assert max(j - i for i, j in runs) == MOST_PIECES_PER_DIGIT < 10


def test_the_context_window_shows_the_candidate_bright_and_its_neighbours_faint():
    ink = bars((100, 115), (150, 165))
    found, height = pieces(ink)
    window = context_window(ink, found[0].mask, height)
    assert window.shape == (28, 28) and window.dtype == np.float32
    left, right = window[:, :14], window[:, 15:]
    assert left.max() == pytest.approx(1.0) and 0.0 < right.max() < 0.5


def test_an_empty_ink_map_raises_empty_image_error():
    with pytest.raises(EmptyImageError):
        pieces(np.zeros((50, 50), dtype=np.float32))


def test_given_pen_strokes_the_pieces_come_stroke_by_stroke_and_ink_they_share_belongs_to_both():
    ink = bars((100, 130), (120, 150))  # two bars whose ink overlaps: one blob on paper
    first, second = bars((120, 150)) > 0, bars((100, 130)) > 0  # the right one was drawn first
    assert len(pieces(ink)[0]) == 1
    found, height = pieces(ink, [first, second])
    assert [p.left for p in found] == [120, 100] and height == 100  # drawing order, not left to right
    assert (found[0].mask & found[1].mask)[:, 120:130].all(axis=1)[20:120].all()
    again, same_height = pieces(ink, [first, second], height=height)  # the height measured already, passed in
    assert same_height == height and all((a.mask == b.mask).all() and a.left == b.left for a, b in zip(again, found))
    assert len(again) == len(found)


def test_a_candidate_that_holds_only_part_of_a_pen_stroke_splits_it():
    ink = bars((40, 55), (100, 115), (160, 175))
    found, _ = pieces(ink)
    first_stroke, second_stroke = bars((40, 55), (100, 115)) > 0, bars((160, 175)) > 0  # a pen lift only before the third
    runs = [(0, 1), (0, 2), (1, 3), (2, 3), (0, 3)]
    assert stroke_splits(found, runs, [first_stroke, second_stroke]).tolist() == [1, 0, 1, 0, 0]
    assert stroke_splits(found, runs, []).tolist() == [0] * len(runs)  # no strokes known: nothing split


def test_ink_where_two_strokes_cross_is_no_split():
    left = bars((40, 55)) > 0
    left[60:65, 40:110] = True  # its tail runs into the next bar
    right = bars((100, 115)) > 0
    found, _ = pieces(np.maximum(left, right).astype(np.float32), [left, right])
    assert len(found) == 2 and (found[0].mask & found[1].mask).any()
    assert stroke_splits(found, [(0, 1), (1, 2), (0, 2)], [left, right]).tolist() == [0, 0, 0]


def disc(ink: np.ndarray, row: int, col: int, radius: int = 7) -> np.ndarray:
    """A round tap of the pen centred at (row, col), drawn into ``ink``; returns its mask."""
    rows, cols = np.ogrid[: ink.shape[0], : ink.shape[1]]
    mask = (rows - row) ** 2 + (cols - col) ** 2 <= radius**2
    ink[mask] = 1.0
    return mask


def marks_in(ink: np.ndarray, strokes: list[np.ndarray] | None) -> list[tuple[int, str]]:
    return [(mark.left, char) for mark, char in decimal_marks(number_line(ink, 100.0), strokes)]


def test_a_tap_of_the_pen_on_the_line_between_two_digits_is_a_decimal_point_and_a_short_stroke_down_a_comma():
    ink = bars((40, 55), (200, 215))  # two digits 100 px tall, from row 20 to 120
    point = disc(ink, 112, 125)
    assert marks_in(ink, [bars((40, 55)) > 0, point, bars((200, 215)) > 0]) == [(118, ".")]
    ink = bars((40, 55), (200, 215))
    comma = np.zeros(ink.shape, dtype=bool)
    comma[106:134, 122:130] = True  # a short stroke down from the line, taller than a point
    ink[comma] = 1.0
    assert marks_in(ink, [comma]) == [(122, ",")]


def test_ink_like_a_point_is_not_a_mark_where_it_belongs_to_a_digits_stroke_or_is_not_on_the_line_between_digits():
    ink = bars((40, 55), (200, 215))
    point = disc(ink, 112, 125)
    assert marks_in(ink, [(ink > 0) & ~point]) == []  # no stroke of its own: a piece of a digit cut off by a pen lift
    assert marks_in(ink, [point | (bars((40, 55)) > 0)]) == []  # part of the first digit's stroke
    for row, col in ((40, 125), (112, 300), (112, 62)):  # high on the line; after the last digit; against a digit
        ink = bars((40, 55), (200, 215))
        point = disc(ink, row, col)
        assert marks_in(ink, [point]) == [], (row, col)
    ink = bars((40, 55), (200, 215))
    ink[60:96, 122:128] = 1.0  # a stroke ending just above it, in its columns, in the lower half of the line
    assert marks_in(ink, [disc(ink, 112, 125)]) == []


def test_from_the_image_alone_a_point_is_found_between_digits_but_not_with_ink_over_or_under_it():
    ink = bars((40, 55), (200, 215))
    disc(ink, 112, 125)
    assert marks_in(ink, None) == [(118, ".")]
    ink[22:40, 120:132] = 1.0  # a digit's stroke above it (a 7's bar overhanging, or the rest of a digit the pen skipped)
    assert marks_in(ink, None) == []
    assert marks_in(ink, [disc(ink, 112, 125)]) == [(118, ".")]  # given the strokes, it is a stroke of its own


def test_a_short_level_bar_of_its_own_in_front_of_the_first_digit_at_its_middle_is_a_minus_sign():
    ink = bars((140, 155), (200, 215))  # digits from row 20 to 120
    bar = np.zeros(ink.shape, dtype=bool)
    bar[64:76, 60:110] = True  # 50 px long, 12 thick, level with the first digit's middle
    ink[bar] = 1.0
    assert [(d.left, d.right) for d in dashes(number_line(ink, 100.0), [bar, bars((140, 155)) > 0, bars((200, 215)) > 0])] == [(60, 110)]


def test_a_short_level_bar_of_its_own_between_two_digits_at_their_middle_is_a_hyphen():
    ink = bars((40, 55), (200, 215))
    bar = np.zeros(ink.shape, dtype=bool)
    bar[64:76, 100:150] = True
    ink[bar] = 1.0
    assert [(d.left, d.right) for d in dashes(number_line(ink, 100.0), [bar])] == [(100, 150)]


@pytest.mark.parametrize("where", ["part of a stroke", "high", "after the last digit", "too short", "thick", "over ink"])
def test_a_bar_is_no_dash_where_it_belongs_to_a_digit_or_is_not_level_with_the_digits_beside_it(where):
    ink = bars((140, 155), (200, 215))
    rows, cols = {"high": (22, 34), "thick": (50, 90)}.get(where, (64, 76)), {"after the last digit": (240, 290), "too short": (95, 110)}.get(where, (60, 110))
    bar = np.zeros(ink.shape, dtype=bool)
    bar[rows[0] : rows[1], cols[0] : cols[1]] = True
    ink[bar] = 1.0
    if where == "over ink":
        ink[110:118, 80:90] = 1.0  # ink under the bar, in its columns
    stroke = bar | (bars((140, 155)) > 0) if where == "part of a stroke" else bar
    assert dashes(number_line(ink, 100.0), [stroke]) == []


def lines_in(ink: np.ndarray) -> list[tuple[int, int]]:
    return [(line.left, line.right) for line in ruled_lines(ink > 0)]


def test_a_long_flat_line_under_the_digits_is_a_ruled_line_and_a_dash_or_a_digit_is_not():
    ink = bars((40, 55), (200, 215))  # two digits 100 px tall, strokes 15 px thick, rows 20 to 120
    ink[126:138, 30:230] = 1.0  # an underline, 200 px long and 12 thick
    assert lines_in(ink) == [(30, 230)]
    ink[126:138, 30:230] = 0.0
    ink[64:76, 100:150] = 1.0  # a hyphen: shorter than a digit is tall
    assert lines_in(ink) == []
    ink = np.pad(bars((40, 55), (200, 215)), ((0, 40), (0, 0)))
    ink[126:156, 30:230] = 1.0  # a bar twice as thick as the digits' pen: a blot, not a ruled line
    assert lines_in(ink) == []
    ink = bars((40, 55), (200, 215))
    ink[20:32, 55:150] = 1.0  # a 7's long bar, joined to its stem: part of the digit
    assert lines_in(ink) == []
    ink = bars((40, 55), (200, 215))
    ink[4:16, 60:190] = 1.0  # a 5's long bar written apart from its body: at the top, not under the digits
    assert lines_in(ink) == []
    ink = bars((40, 55), (200, 215))
    ink[126:138, 30:170] = 1.0  # a 2's base cut off by a pen lift: long and low, but under one digit only
    assert lines_in(ink) == []


def test_a_flat_line_wholly_below_a_single_digit_and_about_as_wide_is_an_underline():
    one = bars((100, 115))
    one[126:138, 95:120] = 1.0  # a 1 underlined: shorter than the digit is tall, but as wide as the 1
    assert lines_in(one) == [(95, 120)]
    one[126:138, 95:120] = 0.0
    one[126:138, 104:111] = 1.0  # a dot under the 1, not a line
    assert lines_in(one) == []
    one[126:138, 104:111] = 0.0
    one[110:122, 119:160] = 1.0  # a foot level with the 1's own foot, beside it: not below the 1
    assert lines_in(one) == []


def test_a_line_on_its_own_is_a_ruled_line_whatever_its_length_and_a_slope_is_allowed():
    ink = np.zeros((140, 400), dtype=np.float32)
    ink[60:72, 150:220] = 1.0
    assert lines_in(ink) == [(150, 220)]
    ink = np.zeros((140, 400), dtype=np.float32)
    for col in range(20, 380):  # a line 12 px thick rising 30 px over 360
        row = 90 - (col - 20) // 12
        ink[row : row + 12, col] = 1.0
    assert lines_in(ink) == [(20, 380)]
