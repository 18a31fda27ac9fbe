"""Where the readings of a whole number's digits are written over the input (ui.number_view)."""

from hdr_core.numbers import Box
from ui.number_view import SHOWN_WIDTH, label_places, label_size

LABEL = (40, 14)  # "5 100%" at the smallest font size


def overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[0] + LABEL[0] and b[0] < a[0] + LABEL[0] and a[1] < b[1] + LABEL[1] and b[1] < a[1] + LABEL[1]


def test_each_label_stands_above_its_digits_box_where_there_is_room():
    boxes = [Box(20, 50, 40, 60), Box(100, 55, 40, 60), Box(180, 50, 40, 60)]
    assert label_places(boxes, [LABEL] * 3, 300, 200, gap=4) == [(20, 32), (100, 37), (180, 32)]


def test_labels_of_digits_written_close_together_never_overlap():
    boxes = [Box(20 + 22 * i, 50, 20, 60) for i in range(6)]  # six digits, each narrower than its label
    places = label_places(boxes, [LABEL] * 6, 300, 200, gap=4)
    assert not any(overlap(a, b) for i, a in enumerate(places) for b in places[i + 1:])
    assert places[1] == (42, 114)  # the second goes below its box


def test_a_label_never_runs_past_the_pictures_edge():
    boxes = [Box(280, 0, 20, 30), Box(0, 180, 20, 20)]
    for x, y in label_places(boxes, [LABEL] * 2, 300, 200, gap=4):
        assert 0 <= x <= 300 - LABEL[0] and 0 <= y <= 200 - LABEL[1]


def test_labels_crowded_at_the_right_edge_stay_inside_the_picture():
    boxes = [Box(230 + 10 * i, 50, 10, 60) for i in range(7)]  # seven thin digits packed against the edge
    for x, y in label_places(boxes, [LABEL] * 7, 300, 200, gap=4):
        assert 0 <= x <= 300 - LABEL[0] and 0 <= y <= 200 - LABEL[1]


def test_labels_on_a_phone_photo_are_drawn_to_be_read_at_the_width_a_phone_shows_it():
    for shown in SHOWN_WIDTH.values():
        line, size = label_size(4032, shown)  # a 12-megapixel photo
        assert 16 <= size * shown / 4032 <= 18 and 1.5 <= line * shown / 4032 <= 2.5
    assert label_size(4032, SHOWN_WIDTH["phone"])[1] > 2 * label_size(4032, SHOWN_WIDTH["desktop"])[1]


def test_a_drawings_labels_keep_a_readable_size_however_small_the_drawing():
    assert label_size(320, SHOWN_WIDTH["phone"]) == (2, 15)  # the phone's number canvas
    assert label_size(100, SHOWN_WIDTH["desktop"]) == (1, 10)
