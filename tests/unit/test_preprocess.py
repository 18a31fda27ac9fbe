"""Preprocessing turns what people draw or photograph into MNIST-style digits."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw
from scipy import ndimage

from hdr_core import (
    EmptyImageError,
    ImageTooLargeError,
    ImageTooSmallError,
    InputError,
    InvalidImageError,
    NotADigitError,
    preprocess,
    preprocess_steps,
)
from hdr_core.imaging import histogram, max_pool, median
from hdr_core.paper import _carried_on, _writing_at_the_edge, keep_the_page, remove_ruled_lines
from hdr_core.preprocess import (FORMATS, IMAGE_TYPES, LIGHTING_WINDOW_MIN, UPLOAD_TYPES, apply_exif_orientation, cell_side,
                                 decode_reduced, is_low_resolution_scan, pen_window, to_grayscale, to_ink)
from hdr_core.constants import DIGIT_BOX, IMAGE_SIZE
from tests.conftest import drawn_seven, png_bytes


def ink_box(digit: np.ndarray) -> tuple[int, int]:
    rows, cols = np.flatnonzero(digit.any(axis=1)), np.flatnonzero(digit.any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def test_result_is_a_28x28_float32_array_in_unit_range_with_white_ink_on_black():
    digit = preprocess(png_bytes(drawn_seven()))
    assert digit.shape == (IMAGE_SIZE, IMAGE_SIZE) and digit.dtype == np.float32
    assert digit.min() == 0.0 and digit.max() == pytest.approx(1.0)
    assert digit[0].sum() == 0 and digit[:, 0].sum() == 0  # the border is background


def test_the_digit_fits_a_20x20_box_with_its_aspect_ratio_kept():
    digit = preprocess(drawn_seven())
    height, width = ink_box(digit)
    assert max(height, width) == DIGIT_BOX
    assert width / height == pytest.approx(128 / 178, abs=0.1)  # the drawn 7 is about 128 x 178 px


def test_the_centre_of_mass_sits_at_the_centre_of_the_field():
    center = ndimage.center_of_mass(preprocess(drawn_seven(offset=(20, 90))))
    assert center == pytest.approx((14.0, 14.0), abs=0.5)


def test_a_shifted_digit_gives_the_same_tensor():
    here = preprocess(drawn_seven(offset=(30, 20)))
    there = preprocess(drawn_seven(offset=(130, 95)))
    assert np.abs(here - there).max() < 1e-6


def test_a_rescaled_digit_gives_nearly_the_same_tensor():
    small = preprocess(drawn_seven(offset=(40, 40), scale=0.6))
    large = preprocess(drawn_seven(offset=(10, 10), scale=1.3))
    assert np.abs(small - large).mean() < 0.03


def test_dark_ink_on_light_paper_equals_the_inverse_of_light_ink_on_dark():
    dark_on_light = np.asarray(drawn_seven())
    light_on_dark = 255 - dark_on_light
    np.testing.assert_allclose(preprocess(dark_on_light), preprocess(light_on_dark), atol=1e-6)


def test_a_digit_cropped_so_tight_that_it_fills_the_border_keeps_its_polarity():
    paper = np.full((100, 100), 255, dtype=np.uint8)
    paper[:12], paper[-12:], paper[:, :12], paper[:, -12:] = 0, 0, 0, 0  # a box-shaped 0 touching every edge
    digit = preprocess(png_bytes(Image.fromarray(paper)))
    assert digit[14, 14] == 0.0  # the hole stays background...
    assert digit[14, 4:8].mean() > 0.5  # ...and the frame is ink


def pencil_ring_on_a_page_in_shadow() -> np.ndarray:
    """A grey level image: a page 0.6 bright in shadow, its right third in full light (0.95), and on the shaded
    part a faint ring drawn in pencil (0.62 of the paper's light)."""
    page = np.full((200, 200), 0.6, dtype=np.float32)
    page[:, 134:] = 0.95
    rows, cols = np.mgrid[0:200, 0:200]
    ring = np.abs(np.hypot(rows - 100, cols - 60) - 30) < 3
    page[ring] *= 0.62
    return ndimage.gaussian_filter(page, 1.0)


def test_pencil_on_the_shaded_part_of_a_page_lit_from_one_side_is_dark_ink_on_light_paper():
    gray = pencil_ring_on_a_page_in_shadow()
    assert gray.max() - np.median(gray) > np.median(gray) - gray.min()  # the lit paper is the farthest from the median
    np.testing.assert_allclose(to_ink(gray), 1.0 - gray)
    digit = preprocess(png_bytes(Image.fromarray((gray * 255).astype(np.uint8))))
    assert digit[14, 14] == 0.0 and digit[14, 3:25].max() > 0.9  # a ring with its hole, not the paper around it


def test_a_light_ring_on_a_dark_board_with_a_brighter_corner_stays_light_ink():
    board = np.full((200, 200), 0.2, dtype=np.float32)
    board[:60, 140:] = 0.35  # glare in one corner
    rows, cols = np.mgrid[0:200, 0:200]
    board[np.abs(np.hypot(rows - 110, cols - 80) - 30) < 3] = 0.8  # chalk
    np.testing.assert_allclose(to_ink(board), board)


def test_a_binary_scan_whose_ink_covers_most_of_it_is_judged_by_its_darkest_and_lightest_pixels_alone():
    scan = np.ones((160, 160), dtype=np.float32)
    scan[:, 40:130] = 0.0  # a 1 stretched to fill its box: more ink than paper
    np.testing.assert_allclose(to_ink(scan, evenly_lit=True), scan)  # as before the second measure, for such scans


def test_a_transparent_png_with_black_strokes_is_read_as_black_strokes():
    strokes = np.asarray(drawn_seven()) < 128
    rgba = np.zeros((*strokes.shape, 4), dtype=np.uint8)  # transparent black everywhere...
    rgba[strokes, 3] = 255  # ...except opaque black strokes, as a canvas export gives
    transparent = preprocess(png_bytes(Image.fromarray(rgba, "RGBA")))
    np.testing.assert_allclose(transparent, preprocess(drawn_seven()), atol=1e-6)


def test_a_palette_png_with_a_transparent_colour_is_composited_on_white():
    palette = drawn_seven().convert("P")
    palette.info["transparency"] = 255  # white pixels are transparent
    assert np.abs(preprocess(png_bytes(palette, transparency=255)) - preprocess(drawn_seven())).max() < 1e-6


def test_an_exif_rotated_jpeg_is_turned_upright():
    upright = drawn_seven().convert("RGB")
    stored_sideways = upright.transpose(Image.Transpose.ROTATE_90)  # how a phone keeps the pixels
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees clockwise to display
    jpeg = png_bytes(stored_sideways, format="JPEG", quality=95, exif=exif.tobytes())
    assert np.abs(preprocess(jpeg) - preprocess(upright)).mean() < 0.02
    assert np.abs(preprocess(png_bytes(stored_sideways, format="JPEG", quality=95)) - preprocess(upright)).mean() > 0.05


def test_an_iphone_heic_photo_is_read_and_turned_upright():
    from tests.bad_files import heic_from_an_iphone, seven

    heic = heic_from_an_iphone()
    assert heic[4:12] == b"ftypheic"
    assert np.abs(preprocess(heic) - preprocess(seven())).mean() < 0.02


def test_a_large_phone_jpeg_decodes_reduced_and_gives_nearly_the_tensor_of_decoding_it_whole():
    import io

    photo = drawn_seven(4032 // 4).resize((4032, 3024))  # 12 megapixels, as phones take them
    data = png_bytes(photo, format="JPEG", quality=90)
    opened = Image.open(io.BytesIO(data))
    assert decode_reduced(opened).size == (2016, 1512)  # JPEG's own 1/2 scale: still over WORK_SIDE
    whole = preprocess(Image.open(io.BytesIO(data)))  # an opened image is decoded as it is
    assert np.abs(preprocess(data) - whole).mean() < 0.01


def test_a_48_megapixel_phone_jpeg_is_read_but_as_many_pixels_of_png_are_refused():
    big = drawn_seven(8064 // 8).resize((8064, 6048))
    assert preprocess(png_bytes(big, format="JPEG", quality=80)).max() > 0.5  # decoded at 1/4 of its size
    with pytest.raises(ImageTooLargeError, match="40 megapixels"):
        preprocess(png_bytes(big.convert("1")))  # a PNG decodes whole: the pixel limit stands


def test_small_images_and_other_formats_decode_whole():
    import io

    for data in (png_bytes(drawn_seven(), format="JPEG"), png_bytes(drawn_seven(4032 // 4).resize((4032, 3024)))):
        opened = Image.open(io.BytesIO(data))
        assert decode_reduced(opened).size == opened.size


def test_every_image_mode_pillow_has_is_read_as_the_same_digit():
    from tests.bad_files import seven

    expected = preprocess(seven())
    for mode in ("1", "P", "RGBA", "CMYK", "YCbCr", "LAB", "HSV", "I", "F", "LA", "PA", "La", "RGBa", "RGBX"):
        assert np.abs(preprocess(seven("RGB").convert(mode)) - expected).mean() < 0.03, mode


@pytest.mark.parametrize("array", [np.full((280, 280), np.nan, np.float32), np.full((280, 280), np.inf),
                                   np.zeros((280, 280, 5), np.uint8), np.zeros((280, 280), np.complex64)],
                         ids=["nan", "infinite", "five channels", "complex"])
def test_an_array_that_is_no_image_is_a_named_error(array):
    with pytest.raises(InvalidImageError):
        preprocess(array)


def test_the_messages_name_every_image_format_the_uploaders_take():
    formats = {Image.registered_extensions()[f".{t}"] for t in UPLOAD_TYPES}
    assert formats == {"PNG", "JPEG", "WEBP", "BMP", "GIF", "TIFF", "HEIF", "PDF"}  # every type is read, and nothing else is named
    assert set(UPLOAD_TYPES) - set(IMAGE_TYPES) == {"pdf"}
    named = FORMATS.upper().replace(" OR ", ", ").split(", ")
    assert sorted(named) == sorted(f.replace("HEIF", "HEIC") for f in formats)


def test_an_image_without_an_orientation_tag_passes_the_orientation_step_uncopied():
    image = drawn_seven()
    assert apply_exif_orientation(image) is image


def test_sixteen_bit_and_cmyk_images_read_like_eight_bit_ones():
    reference = preprocess(drawn_seven())
    sixteen = Image.fromarray(np.asarray(drawn_seven(), dtype=np.uint16) * 257)
    assert np.abs(preprocess(png_bytes(sixteen)) - reference).max() < 0.02
    cmyk = png_bytes(drawn_seven().convert("CMYK"), format="JPEG", quality=95)
    assert np.abs(preprocess(cmyk) - reference).mean() < 0.02


def test_an_mnist_digit_given_as_an_image_comes_back_nearly_unchanged(mnist):
    _, test = mnist
    for digit in test.x[:20]:
        again = preprocess(Image.fromarray(digit))
        assert np.corrcoef(again.ravel(), digit.ravel() / 255.0)[0, 1] > 0.85


def test_specks_of_noise_away_from_the_digit_are_ignored():
    clean = preprocess(drawn_seven())
    dirty = np.asarray(drawn_seven()).copy()
    dirty[250:253, 250:253] = 0  # a fleck of dirt far from the 7
    dirty[5:7, 270:272] = 0
    assert np.abs(preprocess(dirty) - clean).max() < 1e-6


def test_faint_shading_away_from_the_digit_is_ignored_however_large():
    clean = preprocess(drawn_seven())
    shaded = np.asarray(drawn_seven()).copy()
    shaded[230:270, 230:270] = 178  # a patch of shadow, 30% as dark as the ink: the rest of a shadow's edge
    assert np.abs(preprocess(shaded) - clean).max() < 1e-6


def on_notebook_paper(drawing: Image.Image, spacing: int = 24, tilt: float = 4.0, grid: bool = False,
                      margin: int | None = None, line_grey: int = 190, rows: tuple[int, ...] = ()) -> np.ndarray:
    """The drawing over a page's printed lines: 2 px lines ``line_grey`` dark, ``spacing`` px apart,
    turned by ``tilt`` degrees; down the page too when ``grid``; a lone line down it at column ``margin``;
    lines at exactly the given ``rows`` (level) as well."""
    page = np.asarray(drawing, dtype=np.float32)
    r, c = np.mgrid[0 : page.shape[0], 0 : page.shape[1]].astype(np.float32)
    turn = np.deg2rad(tilt)
    on_line = ((r * np.cos(turn) + c * np.sin(turn)) % spacing) < 2
    if grid:
        on_line |= ((c * np.cos(turn) - r * np.sin(turn)) % spacing) < 2
    if margin is not None:
        on_line |= np.abs(c - margin) < 1
    for row in rows:
        on_line[row : row + 2] = True
    return (page * np.where(on_line, line_grey / 255, 1.0)).astype(np.uint8)  # printed under the ink: paper darkened


@pytest.mark.parametrize("paper", [{}, {"grid": True}, {"margin": 20}, {"tilt": -10.0, "grid": True}],
                         ids=["ruled", "squared", "ruled-with-margin", "squared-turned"])
def test_the_lines_of_notebook_paper_are_taken_out_and_the_digit_kept(paper):
    clean = preprocess(drawn_seven())
    lined = on_notebook_paper(drawn_seven(), **paper)
    assert preprocess_steps(lined).cleaned[:, :40].max() == 0  # no line is left beside the 7
    assert np.abs(preprocess(lined) - clean).mean() < 0.01


def test_the_paper_where_a_line_was_taken_out_keeps_the_grey_of_the_paper_beside_it():
    grey_page = Image.eval(drawn_seven(), lambda v: v * 200 // 255)  # paper 200 grey, not white
    lined = on_notebook_paper(grey_page, tilt=0.0)  # level lines on rows 0-1, 24-25, 48-49, ...
    flattened = preprocess_steps(lined).flattened[:, :40]  # left of the 7
    rows = np.arange(flattened.shape[0]) % 24
    near_a_line, between_lines = flattened[(rows >= 20) | (rows <= 5)], flattened[(rows >= 9) & (rows <= 15)]
    assert between_lines.mean() > 0.15  # the grey paper, as ink's strength
    assert abs(near_a_line.mean() - between_lines.mean()) < 0.02  # no dark bands along the lines


def test_a_stroke_written_along_a_ruled_line_is_kept():
    clean = preprocess(drawn_seven())
    lined = on_notebook_paper(drawn_seven(), tilt=0.0, rows=(49,))  # the 7's bar (rows 41-59) lies on a line
    assert np.abs(preprocess(lined) - clean).mean() < 0.01


def test_a_line_along_the_edge_of_the_frame_is_taken_out_as_the_others_are():
    lined = on_notebook_paper(drawn_seven(), tilt=0.0, grid=True)  # lines along the top (rows 0-1) and the left (columns 0-1)
    ink = preprocess_steps(lined).ink
    assert ink[:2, :40].min() > 0.2 and ink[:40, :2].min() > 0.2  # as strong as pencil over paper
    out = remove_ruled_lines(ink)
    assert out[:2].mean() < 0.05 and out[:, :2].mean() < 0.05  # were left whole: their paper shows on one side only


def test_evenly_spaced_lines_are_carried_on_to_those_that_only_cut_a_corner_of_the_frame():
    # Lines 24 px apart, at rows 50-122 in the middle column, climbing 20 px to either side of a 400 px wide image.
    assert _carried_on([50.0, 74.0, 98.0, 122.0], 0.1, 200, 400) == [2.0, 26.0, 50.0, 74.0, 98.0, 122.0, 146.0, 170.0, 194.0, 218.0]
    assert _carried_on([50.0, 74.0, 110.0], 0.1, 200, 400) == [50.0, 74.0, 110.0]  # unevenly spaced: as found
    assert _carried_on([50.0, 74.0], 0.1, 200, 400) == [50.0, 74.0]  # too few to tell


def test_a_notebook_line_that_only_cuts_a_corner_of_the_frame_is_taken_out_too():
    ink = preprocess_steps(on_notebook_paper(drawn_seven(), tilt=8.0)).ink
    corner = remove_ruled_lines(ink)[-40:, -40:]  # the last line crosses only a corner: too short to be found itself
    assert np.count_nonzero(ink[-40:, -40:] > 0.1) > 100
    assert np.count_nonzero(corner > 0.1) < 30  # 55 with that line left whole (a few pixels of the others stay)


def test_a_lone_long_faint_line_is_not_taken_for_notebook_paper():
    lone = np.asarray(drawn_seven()).copy()
    lone[250:253, 10:270] = 190  # one faint line under the 7: it could be a stroke, and ruled paper has many lines
    ink = preprocess_steps(lone).ink
    assert remove_ruled_lines(ink) is ink


def test_a_drawing_without_faint_marks_passes_the_line_step_unchanged():
    ink = preprocess_steps(drawn_seven()).ink
    assert remove_ruled_lines(ink) is ink


def on_a_dark_desk(drawing: Image.Image, turn: float = 8.0, desk: int = 70) -> Image.Image:
    """The drawing as a sheet of paper photographed lying turned on a desk ``desk`` grey, which shows all round it."""
    sheet = drawing.convert("L").rotate(turn, expand=True, fillcolor=0)
    shape = Image.new("L", drawing.size, 255).rotate(turn, expand=True)
    frame = Image.new("L", (sheet.width + 160, sheet.height + 120), desk)
    frame.paste(sheet, (90, 50), shape)
    return frame


def test_a_page_photographed_on_a_desk_is_read_as_the_page_alone():
    alone = preprocess(drawn_seven().rotate(8.0, expand=True, fillcolor=255))
    steps = preprocess_steps(on_a_dark_desk(drawn_seven()))
    assert steps.cropped.shape[0] < 0.6 * steps.cleaned.shape[0]  # the 7, not the desk around the page
    assert np.abs(steps.result - alone).mean() < 0.02


def test_a_page_with_a_shadow_across_it_on_a_desk_is_read_as_the_page_alone():
    page = np.asarray(drawn_seven(), dtype=np.float32)
    light = 1.0 - 0.6 * (1.0 - np.clip(np.linspace(-0.5, 1.5, page.shape[1]), 0.0, 1.0))  # the left third in shadow
    shadowed = Image.fromarray((page * light[None, :]).astype(np.uint8))  # its shaded paper nearer the desk's grey
    alone = preprocess(drawn_seven().rotate(8.0, expand=True, fillcolor=255))
    steps = preprocess_steps(on_a_dark_desk(shadowed))
    assert steps.cropped.shape[0] < 0.6 * steps.cleaned.shape[0]  # the 7, not the desk nor the shaded paper
    assert np.abs(steps.result - alone).mean() < 0.02


def test_a_digit_written_up_to_the_edge_of_a_note_on_a_desk_keeps_its_strokes():
    note = drawn_seven(offset=(60, 115))  # the 7's stem runs off the note's bottom edge
    alone = preprocess(note.rotate(8.0, expand=True, fillcolor=255))
    steps = preprocess_steps(on_a_dark_desk(note))
    assert steps.cropped.shape[0] < 0.6 * steps.cleaned.shape[0]  # the 7, not the desk around the note
    assert np.abs(steps.result - alone).mean() < 0.02  # its stem was not blanked with the desk


def test_a_zero_written_off_the_bottom_of_a_note_on_a_desk_is_read_as_the_zero_alone():
    note = Image.new("L", (280, 280), 255)
    ImageDraw.Draw(note).ellipse((70, 40, 210, 320), outline=0, width=18)  # its loop runs off the note's bottom edge
    alone = preprocess(note.rotate(8.0, expand=True, fillcolor=255))
    steps = preprocess_steps(on_a_dark_desk(note))
    # The loop cuts the paper inside it off from the rest of the note, too far from a rectangle to be a page
    # until the loop is given back: then the desk and the note were read as ink (a crop of 343 rows).
    assert steps.cropped.shape[0] < 0.6 * steps.cleaned.shape[0]
    assert np.abs(steps.result - alone).mean() < 0.02


def test_a_bold_zero_written_off_the_bottom_of_a_note_on_a_desk_is_read_as_the_zero_alone():
    note = Image.new("L", (280, 280), 255)
    ImageDraw.Draw(note).ellipse((70, 40, 210, 320), outline=0, width=50)  # a marker's loop, bolder than PAGE_STROKE
    alone = preprocess(note.rotate(8.0, expand=True, fillcolor=255))
    steps = preprocess_steps(on_a_dark_desk(note))
    assert steps.cropped.shape[0] < 0.6 * steps.cleaned.shape[0]  # 316 rows before NOTCHED_BOLDER (rule 94): note and desk
    assert np.abs(steps.result - alone).mean() < 0.02


def test_a_stroke_ending_at_the_edge_of_a_note_is_not_drawn_on_across_the_desk():
    note = drawn_seven(offset=(60, 108))  # the 7's stem ends on the note's bottom edge without cutting into it
    alone = preprocess(note.rotate(8.0, expand=True, fillcolor=255))
    steps = preprocess_steps(on_a_dark_desk(note))
    assert steps.cropped.shape[0] < 200  # the 7 (187 rows alone), not a streak of its grey down to the frame's edge
    assert np.abs(steps.result - alone).mean() < 0.02


def test_only_notches_in_a_page_as_thin_as_a_stroke_are_given_back_to_it():
    page = np.zeros((100, 140), dtype=bool)
    page[10:90, 10:130] = True
    dark = np.zeros_like(page)
    stroke, shadow = page.copy(), page.copy()
    stroke[60:90, 40:46] = False  # a pen stroke 6 px wide run to the page's bottom edge
    dark[60:90, 40:46] = True
    shadow[10:90, 90:130] = False  # a broad shadow over the page's right third, as dark as ink
    dark[10:90, 90:130] = True
    np.testing.assert_array_equal(stroke | _writing_at_the_edge(stroke, dark), page)
    assert not _writing_at_the_edge(shadow, dark).any()


def test_a_small_digit_on_a_page_photographed_on_a_desk_is_found():
    sheet = Image.new("L", (640, 480), 255)
    sheet.paste(drawn_seven().resize((48, 48), Image.Resampling.LANCZOS), (300, 200))  # thin strokes, 2-3 px
    steps = preprocess_steps(on_a_dark_desk(sheet))
    assert steps.cropped.shape[0] < 0.1 * steps.cleaned.shape[0]  # the 7, not the desk nor the page


def test_a_note_darker_than_the_pale_desk_it_lies_on_is_read_as_the_note_alone():
    note = Image.fromarray((np.asarray(drawn_seven(), dtype=np.float32) * 0.5).astype(np.uint8))  # an orange sticky note, in grey
    alone = preprocess(drawn_seven().rotate(8.0, expand=True, fillcolor=255))
    steps = preprocess_steps(on_a_dark_desk(note, desk=245))  # on a white table
    assert steps.cropped.shape[0] < 0.6 * steps.cleaned.shape[0]  # the 7, not the note's edges
    assert np.abs(steps.result - alone).mean() < 0.02


def thin_seven_on_a_page(shade: slice | None = None) -> np.ndarray:
    """A 7 written with a fine pen (8 px) on a 640x480 page lit from the left; ``shade``: columns in shadow (60% as light)."""
    sheet = Image.new("L", (640, 480), 235)
    ImageDraw.Draw(sheet).line([(250, 150), (370, 150), (300, 340)], fill=30, width=8, joint="curve")
    page = np.asarray(sheet, dtype=np.float32)
    if shade is not None:
        page[:, shade] *= 0.6
    return (page * np.linspace(1.0, 0.75, page.shape[1])[None, :]).astype(np.uint8)


def test_a_strip_of_shadow_on_the_page_narrower_than_a_sixth_of_it_is_not_read_as_ink():
    steps = preprocess_steps(thin_seven_on_a_page(shade=slice(550, 580)))  # 30 px: between the pen and a sixth of the page
    alone = preprocess_steps(thin_seven_on_a_page())
    assert steps.cropped.shape == alone.cropped.shape == (195, 125)  # the 7 alone
    assert np.abs(steps.result - alone.result).max() < 0.05


def test_the_light_is_looked_at_again_over_three_pen_widths_where_the_ink_is_strokes():
    strokes = np.zeros((480, 640), dtype=np.float32)
    strokes[100:400, 300:308] = 1.0  # a stroke 8 px wide
    strokes[100:108, 250:380] = 1.0
    assert pen_window(strokes) in range(24, 28)
    assert pen_window(strokes * 0.4) is None  # no strong ink: no pen to measure
    thick = np.zeros_like(strokes)
    thick[100:400, 300:330] = 1.0  # 30 px: three pens are no narrower than a sixth of the image (80 px)
    assert pen_window(thick) is None
    page = np.zeros_like(strokes)
    page[50:450, 100:600] = 0.8  # ink over most of the image is no stroke but a page or its shade
    page[100:400, 300:308] = 1.0
    assert pen_window(page) is None


def test_a_pencil_strokes_grain_does_not_make_its_pen_look_narrower():
    strokes = np.zeros((480, 640), dtype=np.float32)
    strokes[100:400, 300:320] = 1.0  # a stroke 20 px wide: the light is looked at again over 60 px
    strokes[100:120, 250:380] = 1.0
    grainy = strokes * np.where(np.random.default_rng(0).random(strokes.shape) < 0.1, 0.3, 1.0)  # a tenth of it paper
    assert pen_window(strokes) in range(58, 64)
    assert pen_window(grainy) in range(58, 64)  # 12 px (the least) when measured from the pores
    thin = np.zeros_like(strokes)
    thin[100:400, 300:301] = 1.0  # the strong middle of a thin pen (a small digit in a photo): measured, not smoothed away
    thin[420:421, 250:380] = 1.0  # apart from it
    assert pen_window(thin) == LIGHTING_WINDOW_MIN
    speck = np.zeros_like(strokes)
    speck[0, 0] = 1.0  # closed away on the image's edge: no pen to measure
    assert pen_window(speck) is None


def test_a_light_ring_on_a_dark_ground_is_not_taken_for_a_page():
    ring = Image.new("L", (280, 280), 0)
    ImageDraw.Draw(ring).ellipse((70, 40, 210, 240), outline=255, width=40)  # a thick 0, white on black as in MNIST
    gray = np.asarray(ring, dtype=np.float32) / 255
    assert keep_the_page(gray) is gray


def test_paper_half_in_shadow_is_not_taken_for_a_page_on_a_desk():
    shaded = np.asarray(drawn_seven(), dtype=np.float32) / 255 * 0.9
    shaded[:, :120] *= 0.7  # the left of the sheet in the shadow of a hand: still paper, with the 7 across it
    assert keep_the_page(shaded) is shaded


def test_a_canvas_drawing_passes_the_page_step_unchanged():
    gray = preprocess_steps(drawn_seven()).gray
    assert keep_the_page(gray) is gray


def test_steps_keep_every_stage_for_display():
    steps = preprocess_steps(drawn_seven())
    assert steps.gray.shape == (280, 280) and steps.ink.max() == pytest.approx(1.0)
    assert max(steps.boxed.shape) == DIGIT_BOX
    np.testing.assert_array_equal(steps.result, preprocess(drawn_seven()))


@pytest.mark.parametrize(
    "image",
    [
        Image.new("L", (280, 280), 255),
        Image.new("L", (280, 280), 0),
        Image.new("RGB", (100, 60), (200, 30, 30)),
        Image.new("RGBA", (280, 280), (0, 0, 0, 0)),
    ],
    ids=["white", "black", "single-colour", "fully-transparent"],
)
def test_blank_and_single_colour_images_raise_empty_image_error(image):
    with pytest.raises(EmptyImageError):
        preprocess(png_bytes(image))


def test_faint_smudges_below_the_contrast_floor_raise_empty_image_error():
    paper = np.full((200, 200), 240, dtype=np.uint8)
    paper[80:120, 80:120] = 225  # barely darker than the paper
    with pytest.raises(EmptyImageError):
        preprocess(paper)


@pytest.mark.parametrize("size", [(1, 1), (5, 40), (7, 7)])
def test_tiny_images_raise_image_too_small_error(size):
    with pytest.raises(ImageTooSmallError):
        preprocess(png_bytes(Image.new("L", size, 0)))


@pytest.mark.parametrize(
    "data",
    [b"", b"not an image at all", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, b"<svg xmlns='http://www.w3.org/2000/svg'></svg>"],
    ids=["empty", "text", "broken-png-header", "svg"],
)
def test_bytes_that_are_not_an_image_raise_invalid_image_error(data):
    with pytest.raises(InvalidImageError):
        preprocess(data)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_truncated_files_raise_invalid_image_error(fmt):
    whole = png_bytes(drawn_seven().convert("RGB"), format=fmt)
    with pytest.raises(InvalidImageError):
        preprocess(whole[: len(whole) // 2])


def test_an_enormous_declared_size_is_refused_before_decoding():
    bomb = png_bytes(Image.new("1", (8000, 6000), 0))  # 48 megapixels, a few kB compressed
    with pytest.raises(ImageTooLargeError):
        preprocess(bomb)


@pytest.mark.parametrize("kind", ["uniform", "gaussian", "colour"])
def test_pure_noise_raises_not_a_digit_error(kind):
    rng = np.random.default_rng(0)
    noise = {
        "uniform": rng.integers(0, 256, (200, 200)),
        "gaussian": rng.normal(128, 40, (200, 200)),
        "colour": rng.integers(0, 256, (150, 220, 3)),
    }[kind]
    with pytest.raises(NotADigitError):
        preprocess(png_bytes(Image.fromarray(np.clip(noise, 0, 255).astype(np.uint8))))


def test_a_digit_drawn_with_the_thickest_pen_is_not_mistaken_for_noise():
    thick = drawn_seven(offset=(10, 10), scale=1.45, pen=40)
    assert (np.asarray(thick) < 128).mean() > 0.25  # dense enough to be checked
    assert preprocess(thick).max() == pytest.approx(1.0)


def test_a_file_over_the_upload_limit_is_refused_before_decoding():
    with pytest.raises(ImageTooLargeError):
        preprocess(b"\x89PNG\r\n\x1a\n" + bytes(11 * 1024 * 1024))


def test_every_input_error_carries_a_message_for_the_user():
    with pytest.raises(InputError) as caught:
        preprocess(b"")
    assert str(caught.value) and "Traceback" not in str(caught.value)


def test_an_animated_gif_is_read_from_its_first_frame():
    first = drawn_seven()
    second = Image.new("L", first.size, 255)
    gif = png_bytes(first, format="GIF", save_all=True, append_images=[second])
    assert np.abs(preprocess(gif) - preprocess(first)).max() < 0.05


# The fast paths below must give exactly what the plain NumPy they replace gives: preprocessing's
# output, and so every figure measured with it, stays the same to the last bit.

def unit_range_samples():
    rng = np.random.default_rng(7)
    for size in (1, 2, 9, 400, 401, 19600):
        yield rng.random(size).astype(np.float32)
        yield (rng.integers(0, 256, size) / 255).astype(np.float32)  # an 8-bit image's greys
        yield (rng.integers(0, 65, size) / 64).astype(np.float32)  # greys on the histogram's bin edges
        yield np.where(rng.random(size) < 0.8, 1.0, rng.random(size)).astype(np.float32)  # mostly white paper
        yield np.where(rng.random(size) < 0.8, 0.0, rng.random(size))  # mostly black ground, float64
    for size in (10, 11):  # one extreme filling exactly half, and just over half
        for share in (size // 2, size // 2 + 1):
            yield np.r_[np.ones(share), np.linspace(0.2, 0.8, size - share)]
            yield np.r_[np.zeros(share), np.linspace(0.2, 0.8, size - share)]


def test_the_median_is_numpys_median_whether_or_not_one_value_fills_half_the_image():
    for values in unit_range_samples():
        assert median(values) == float(np.median(values))
        assert median(values.reshape(1, -1)) == float(np.median(values))


def test_the_histogram_behind_the_otsu_threshold_is_numpys():
    for values in unit_range_samples():
        counts, edges = histogram(values)
        expected_counts, expected_edges = np.histogram(values, bins=64, range=(0.0, 1.0))
        assert np.array_equal(counts, expected_counts)
        assert edges.dtype == expected_edges.dtype and np.array_equal(edges, expected_edges)


@pytest.mark.parametrize("shape, factor", [((280, 280), 2), ((281, 283), 2), ((100, 60), 3), ((50, 50), 1)])
def test_max_pooling_keeps_the_brightest_pixel_of_each_block_edges_repeated(shape, factor):
    values = np.random.default_rng(3).random(shape).astype(np.float32)
    padded = np.pad(values, ((0, -shape[0] % factor), (0, -shape[1] % factor)), mode="edge")
    blocks = padded.reshape(padded.shape[0] // factor, factor, padded.shape[1] // factor, factor)
    assert np.array_equal(max_pool(values, factor), blocks.max(axis=(1, 3)))


def a_cell_grid(seed: int = 0, side: int = 16) -> np.ndarray:
    """A bilevel grid as scanned digit sets store a digit (Semeion: 16x16): 255 paper, 0 ink; a bar and a stem."""
    grid = np.full((side, side), 255, dtype=np.uint8)
    grid[2:5, 3:13] = 0
    grid[5:14, 9:12] = 0
    grid[np.random.default_rng(seed).random((side, side)) < 0.05] = 0
    return grid


def enlarged(grid: np.ndarray, k: int) -> Image.Image:
    return Image.fromarray(grid).resize((grid.shape[1] * k, grid.shape[0] * k), Image.Resampling.NEAREST)


def test_a_bilevel_grid_enlarged_without_smoothing_is_a_low_resolution_scan_whatever_the_enlargement():
    grid = a_cell_grid()
    for k in (1, 3, 10, 20):
        gray = np.asarray(enlarged(grid, k), dtype=np.float32) / 255
        assert cell_side(gray) == k
        assert is_low_resolution_scan(gray)
    assert preprocess_steps(png_bytes(enlarged(grid, 10))).low_resolution_scan


def test_drawings_grey_scans_and_fine_bilevel_images_are_not_low_resolution_scans():
    seven = drawn_seven()  # drawn without smoothing: bilevel, but a grid of 280 cells a side
    assert cell_side(np.asarray(seven, dtype=np.float32)) == 1
    assert not preprocess_steps(png_bytes(seven)).low_resolution_scan
    grey = Image.fromarray(a_cell_grid()).resize((160, 160), Image.Resampling.BILINEAR)  # enlarged smoothly
    assert cell_side(np.asarray(grey, dtype=np.float32)) == 0 and not preprocess_steps(png_bytes(grey)).low_resolution_scan
    many = a_cell_grid(side=40)  # 40 cells a side: finer than the scans digit sets store
    assert not is_low_resolution_scan(np.asarray(enlarged(many, 5), dtype=np.float32) / 255)
    assert not is_low_resolution_scan(np.ones((160, 160), dtype=np.float32))  # one value: no ink at all
    cut = np.asarray(enlarged(a_cell_grid(), 10), dtype=np.float32)[:157, :157] / 255  # the last cells cut short
    assert cell_side(cut) == 1 and not is_low_resolution_scan(cut)


SIX_SCAN = """
....###........
...####........
...####........
..####.........
..###..........
..###..........
.###...........
.###...........
####......#....
####..#######..
###############
#########..####
#######....####
.#############.
..##########...
"""


def test_a_low_resolution_scan_whose_ink_runs_along_its_edge_is_not_taken_for_a_page_on_a_desk():
    # A validation digit as a 15x15 scan: its bold base runs along the frame's edge, which the page step took for
    # a desk around a page (the paper above it), and blanked, leaving a bar read as a 2.
    grid = np.array([[0 if c == "#" else 255 for c in row] for row in SIX_SCAN.split()], dtype=np.uint8)
    image = enlarged(grid, 10)
    steps = preprocess_steps(png_bytes(image))
    assert steps.low_resolution_scan
    np.testing.assert_array_equal(steps.gray, to_grayscale(image))  # nothing blanked


def test_steps_kept_for_showing_hold_a_large_scan_at_the_size_it_was_read_at_in_eight_bits():
    seven = np.asarray(drawn_seven(size=2800, offset=(600, 500), scale=10, pen=18)).astype(np.uint16) * 257
    steps = preprocess_steps(Image.fromarray(seven))  # a 16-bit scan of 7.8 megapixels
    shown = steps.for_showing()
    assert shown.upright.size == (1024, 1024) and shown.upright.mode in ("L", "RGB")
    assert np.asarray(shown.upright)[400, 500] < 64 and np.asarray(shown.upright)[10, 10] > 192  # ink dark, paper light
    assert shown.cleaned.size == shown.ink.size == 0 and np.array_equal(shown.result, steps.result)
    small = preprocess_steps(drawn_seven())
    assert small.for_showing().upright is small.upright  # the canvas's size already: not copied
