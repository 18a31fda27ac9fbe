"""The canvas's stroke JSON is painted on the server where the browser drew it."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
from PIL import Image
import pytest

from hdr_core import EmptyImageError, InputError, InvalidDrawingError, preprocess
from hdr_core.strokes import MAX_COMMANDS, MOST_STROKES, render_strokes, stroke_masks

EXAMPLE = Path(__file__).resolve().parents[2] / "assets" / "example_drawing.json"
DRAWING = json.loads(EXAMPLE.read_text())  # a 7 drawn with the mouse on the real canvas (Fabric 7 JSON)


def ink_box(image) -> tuple[int, int, int, int]:
    ink = np.asarray(image.convert("L")) < 128
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    return cols[0], rows[0], cols[-1], rows[-1]


def path_box(obj) -> tuple[float, float, float, float]:
    xs = [c[-2] for c in obj["path"]]
    ys = [c[-1] for c in obj["path"]]
    return min(xs), min(ys), max(xs), max(ys)


def test_a_stroke_is_painted_where_it_was_drawn_with_its_pen_width():
    obj = DRAWING["objects"][0]
    left, top, right, bottom = path_box(obj)
    half = obj["strokeWidth"] / 2
    got = ink_box(render_strokes(DRAWING, 280, 280))
    assert got == pytest.approx((left - half, top - half, right + half, bottom + half), abs=3)


def test_a_stroke_moved_on_the_canvas_is_painted_where_it_now_is():
    moved = copy.deepcopy(DRAWING)
    moved["objects"][0]["left"] -= 40
    moved["objects"][0]["top"] += 25
    before, after = ink_box(render_strokes(DRAWING, 280, 280)), ink_box(render_strokes(moved, 280, 280))
    assert np.subtract(after, before).tolist() == pytest.approx([-40, 25, -40, 25], abs=1)


def test_a_stroke_with_its_origin_at_the_top_left_is_placed_the_same():
    obj = DRAWING["objects"][0]
    corner = copy.deepcopy(DRAWING)
    c = corner["objects"][0]
    c["originX"], c["originY"] = "left", "top"
    c["left"] = obj["left"] - (obj["width"] + obj["strokeWidth"]) / 2
    c["top"] = obj["top"] - (obj["height"] + obj["strokeWidth"]) / 2
    assert ink_box(render_strokes(corner, 280, 280)) == pytest.approx(ink_box(render_strokes(DRAWING, 280, 280)), abs=1)


def test_the_painted_drawing_reads_like_the_digit_it_is():
    digit = preprocess(render_strokes(DRAWING, 280, 280))
    assert digit.shape == (28, 28) and digit.max() == pytest.approx(1.0)


@pytest.mark.parametrize("drawing", [None, {}, {"objects": []}, {"objects": [{"type": "rect", "width": 10}]}])
def test_a_canvas_without_strokes_raises_empty_image_error(drawing):
    with pytest.raises(EmptyImageError):
        render_strokes(drawing, 280, 280)


def test_each_stroke_gets_its_own_mask_in_drawing_order_and_together_they_are_the_drawing():
    two = copy.deepcopy(DRAWING)
    second = copy.deepcopy(two["objects"][0])
    second["left"] = float(second.get("left", 0)) + 100  # the same stroke again, further right
    two["objects"].append(second)
    masks = stroke_masks(two, 400, 280)
    assert len(masks) == len(two["objects"]) and all(m.shape == (280, 400) and m.dtype == bool for m in masks)
    assert ink_box(Image.fromarray(~masks[-1]))[0] > ink_box(Image.fromarray(~masks[0]))[0]  # the moved copy lies right
    ink = np.asarray(render_strokes(two, 400, 280).convert("L")) < 128
    np.testing.assert_array_equal(np.logical_or.reduce(masks), ink)


STROKE = {"type": "path", "path": [["M", 10, 10], ["L", 100, 100]], "strokeWidth": 20}


@pytest.mark.parametrize("drawing", [
    [], "objects", {"objects": 5}, {"objects": ["path"]},
    {"objects": [{**STROKE, "path": "M 10 10 L 100 100"}]},
    {"objects": [{**STROKE, "path": [["M", "ten", 10], ["L", 100, 100]]}]},
    {"objects": [{**STROKE, "path": [["M", 10, 10], ["Q", 100, 100]]}]},  # a curve needs four numbers
    {"objects": [{**STROKE, "path": [[], ["L", 100, 100]]}]},
    {"objects": [{**STROKE, "path": [["L", 100, 100], ["C", 1, 2, 3, 4, 5, 6]]}]},  # no M: nowhere to start from
    {"objects": [{**STROKE, "path": [["M", 10, 10], ["L", float("inf"), 100]]}]},
    {"objects": [{**STROKE, "strokeWidth": float("nan")}]},
    {"objects": [{**STROKE, "angle": "upright"}]},
    {"objects": [{**STROKE, "path": [[["M"], 10, 10], ["L", 100, 100]]}]},
    {"objects": [{**STROKE, "path": [["M", 1e300, 10], ["L", -1e300, 100]], "scaleX": 1e10}]},  # placed beyond floats
    {"objects": [{**STROKE, "path": [["M", 10, 10]] + [["L", k % 280, 50] for k in range(MAX_COMMANDS)]}]},
])
def test_stroke_data_not_shaped_as_the_canvas_sends_it_raises_invalid_drawing_error(drawing):
    with pytest.raises(InvalidDrawingError):
        render_strokes(drawing, 280, 280)
    with pytest.raises(InvalidDrawingError):
        stroke_masks(drawing, 280, 280)


def test_a_drawing_of_more_strokes_than_a_number_takes_is_painted_but_not_cut_stroke_by_stroke():
    many = {"objects": [{**STROKE, "path": [["M", 10 + k, 10], ["L", 100 + k, 100]]} for k in range(MOST_STROKES + 1)]}
    assert len(stroke_masks({"objects": many["objects"][:MOST_STROKES]}, 280, 280)) == MOST_STROKES
    with pytest.raises(InvalidDrawingError, match="too many to read as a number"):
        stroke_masks(many, 280, 280)
    assert (np.asarray(render_strokes(many, 280, 280).convert("L")) < 128).any()  # the one-digit canvas still reads it


@pytest.mark.parametrize("odd", [{"originX": []}, {"originY": {}}, {"stroke": []}, {"type": 5}, {"scaleX": True}])
def test_odd_values_where_the_canvas_sends_names_or_colours_never_raise_anything_but_input_errors(odd):
    try:
        render_strokes({"objects": [{**STROKE, **odd}]}, 280, 280)
    except InputError:
        pass


def test_a_pen_wider_than_the_canvas_covers_all_of_it_and_is_taken_for_a_dot():
    drawing = {"objects": [{**STROKE, "strokeWidth": 1e12}]}
    assert stroke_masks(drawing, 280, 280)[0].all()
    with pytest.raises(EmptyImageError, match="dot"):  # its path is far shorter than the pen is wide
        render_strokes(drawing, 280, 280)


def test_a_tap_alone_is_no_drawing_but_a_short_stroke_or_taps_apart_are():
    def stroke(*points, pen=20):
        return {"type": "path", "path": [["M", *points[0]], *(["L", *p] for p in points[1:])], "strokeWidth": pen}

    for tap in ([stroke((140, 140), (140, 140))], [stroke((140, 140), (146, 137), (143, 145))]):  # still, or a wobble
        with pytest.raises(EmptyImageError, match="dot"):
            render_strokes({"objects": tap}, 280, 280)
    for drawn in ([stroke((140, 120), (140, 150))], [stroke((40, 40), (40, 40)), stroke((140, 140), (140, 140))]):
        assert (np.asarray(render_strokes({"objects": drawn}, 280, 280).convert("L")) < 128).any()


def test_a_level_line_alone_is_no_digit_but_a_steeper_line_a_seven_or_two_lines_are_drawings():
    def stroke(*points, pen=20):
        return {"type": "path", "path": [["M", *points[0]], *(["L", *p] for p in points[1:])], "strokeWidth": pen}

    for level in ([stroke((40, 140), (240, 140))], [stroke((40, 140), (100, 146), (160, 136), (240, 143))],
                  [stroke((40, 150), (240, 130))], [stroke((120, 140), (150, 140))]):  # level, wobbly, sloping, short
        with pytest.raises(EmptyImageError, match="level line"):
            render_strokes({"objects": level}, 280, 280)
    for drawn in ([stroke((40, 170), (240, 110))], [stroke((60, 60), (220, 60)), stroke((220, 60), (120, 240))],
                  [stroke((60, 110), (220, 110)), stroke((60, 170), (220, 170))]):  # steep; a 7 bar first; two lines
        assert (np.asarray(render_strokes({"objects": drawn}, 280, 280).convert("L")) < 128).any()
