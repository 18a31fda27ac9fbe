"""The real app in a real browser: draw with the mouse, upload a file, open every page."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import camera_frame, png_bytes, zipped
from tests.e2e.browser import (CHROMIUM_ARGS, PHONE, STROKES, chromium_path, clear_canvas, draw, draw_with_a_finger,
                                  fake_camera, prediction, settled_canvas, streamlit_server)

PlaywrightTimeout = pytest.importorskip("playwright.sync_api").TimeoutError

SCREENSHOTS = os.environ.get("HDR_SCREENSHOT_DIR")  # set to write the README's screenshots


def screenshot(page, name: str) -> None:
    if SCREENSHOTS:
        # The router's titles, not the file names a cold server lists first (text matching is case-blind; a pattern is not)
        page.locator("[data-testid=stSidebarNav]", has_text=re.compile("Draw")).wait_for(state="attached")  # a phone folds it away
        page.wait_for_timeout(500)
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def open_number_canvas(page, app_url) -> None:
    """The Draw page, switched to a number."""
    page.goto(app_url)
    page.get_by_text("Draw a digit on the canvas").wait_for()
    page.get_by_text("A number", exact=True).click()
    page.get_by_text("Draw a number on the canvas").wait_for()


def seven_and_four() -> tuple[list, list]:
    """The strokes of a 7 and a 4 side by side on the 700x200 number canvas, rows 43 to 164, 220 px apart."""
    return tuple([[(x * 0.62 + 40 + offset, y * 0.62 + 15) for x, y in stroke] for stroke in STROKES[d]]
                 for offset, d in ((0, 7), (220, 4)))


@pytest.mark.parametrize("digit", [7, 0, 4, 1])
def test_a_digit_drawn_with_the_mouse_is_read_when_the_pen_lifts(page, app_url, digit):
    page.goto(app_url)
    page.get_by_text("Draw a digit on the canvas").wait_for()
    draw(page, STROKES[digit], pause_between=True)
    page.wait_for_function(
        "d => [...document.querySelectorAll('[data-testid=stMetric]')].some(m => m.innerText.includes('Prediction')"
        " && m.querySelector('[data-testid=stMetricValue]').innerText.trim() === String(d))", arg=digit)
    assert prediction(page) == str(digit)
    assert not page.locator("[data-testid=stToast]").count()  # a desktop shows the result beside the canvas
    if digit == 7:
        screenshot(page, "draw")


def test_the_canvas_lies_in_its_place_before_its_toolbar_rule_arrives_so_it_never_jumps_under_a_stroke(browser, app_url):
    places = []
    for rule_withheld in (False, True):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        if rule_withheld:  # as while it is on its way: the page script that adds it (ui/touch.py) then does nothing
            page.add_init_script("window.hdrToolbarShown = true")
        page.goto(app_url)
        page.get_by_text("Draw a digit on the canvas").wait_for()
        page.wait_for_timeout(1000)
        places.append(page.locator("canvas.upper-canvas").first.bounding_box()["y"])
        context.close()
    assert places[0] == places[1]


def test_a_tap_on_the_canvas_is_not_read_as_a_digit_and_a_stroke_after_it_is(page, app_url):
    page.goto(app_url)
    page.get_by_text("Draw a digit on the canvas").wait_for()
    box = settled_canvas(page).bounding_box()
    page.mouse.click(box["x"] + 140, box["y"] + 140)  # a stray tap, as a finger brushing the canvas leaves
    page.get_by_text("Only a dot so far").wait_for()
    with pytest.raises(PlaywrightTimeout):
        prediction(page, timeout=2_000)
    draw(page, [[(x + 60, y) for x, y in stroke] for stroke in STROKES[1]])  # beside the dot, which stays
    assert prediction(page) == "1"


def test_a_sevens_bar_drawn_first_is_not_read_as_a_digit_until_its_stem_is_drawn(page, app_url):
    page.goto(app_url)
    page.get_by_text("Draw a digit on the canvas").wait_for()
    bar, stem = [STROKES[7][0][:2]], [STROKES[7][0][1:]]
    draw(page, bar)
    page.get_by_text("Only a level line so far").wait_for()
    with pytest.raises(PlaywrightTimeout):
        prediction(page, timeout=2_000)
    draw(page, stem)
    assert prediction(page) == "7"


def test_why_a_drawing_was_read_so_shows_its_pictures_side_by_side_without_overlap(page, app_url):
    page.goto(app_url)
    page.get_by_text("Draw a digit on the canvas").wait_for()
    draw(page, STROKES[7])
    page.get_by_text("Why this answer?").click()
    pictures = page.locator("[data-testid=stExpander] [data-testid=stImage] img")
    pictures.nth(1).wait_for()
    heatmap, mosaic = (pictures.nth(i).bounding_box() for i in range(2))
    assert heatmap["x"] + heatmap["width"] <= mosaic["x"] and heatmap["width"] >= 100


def test_clearing_the_canvas_brings_back_the_invitation(page, app_url):
    page.goto(app_url)
    draw(page, STROKES[1])
    assert prediction(page) == "1"
    clear_canvas(page)
    page.get_by_text("Draw a digit on the canvas").wait_for()


def test_an_uploaded_png_is_read(page, app_url, tmp_path, mnist):
    _, test = mnist
    path = tmp_path / "scan-of-a-two.png"
    Image.fromarray(255 - test.x[1]).resize((280, 280), Image.Resampling.BICUBIC).save(path)
    page.goto(f"{app_url}/upload")
    page.locator('input[type="file"]').set_input_files(str(path))
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stMetric]')].some(m => m.innerText.includes('Prediction'))")
    assert prediction(page) == str(test.y[1])
    screenshot(page, "upload")


def test_an_iphones_heic_photo_is_read(page, app_url, tmp_path):  # turned upright: tests/unit/test_preprocess.py
    from tests.bad_files import heic_from_an_iphone

    path = tmp_path / "IMG_0001.HEIC"  # as an iPhone names it
    path.write_bytes(heic_from_an_iphone())
    page.goto(f"{app_url}/upload")
    page.locator('input[type="file"]').set_input_files(str(path))
    assert prediction(page) == "7"


def test_a_scanned_pdf_is_read_and_its_other_pages_pointed_to_the_batch_page(page, app_url, tmp_path):
    from tests.bad_files import pdf_of, seven

    path = tmp_path / "scan_0001.pdf"  # as a scanner names it
    path.write_bytes(pdf_of(seven(), Image.new("L", (280, 280), 255)))
    page.goto(f"{app_url}/upload")
    page.locator('input[type="file"]').set_input_files(str(path))
    assert prediction(page) == "7"
    page.get_by_text("Page 1 of 2 is read here").wait_for()


def test_the_continental_setting_in_the_sidebar_reads_a_flagged_one_as_a_one_and_holds_on_another_page(
        page, app_url, tmp_path, mnist):
    import numpy as np

    from hdr_core.synth import continental_style, draw_points_like_canvas

    _, test = mnist
    rng = np.random.default_rng(0)
    path = tmp_path / "flagged-one.png"
    draw_points_like_canvas(continental_style(test.x[2], 1, rng), rng).save(path)  # read as 7 by default
    page.goto(f"{app_url}/upload")
    page.locator('input[type="file"]').set_input_files(str(path))
    assert prediction(page) == "7"
    setting = page.get_by_role("switch", name="I write 1 with a flag and cross my 7s")
    setting.click(force=True)  # (the not-sure note under the reading names the setting too)
    page.wait_for_function("() => [...document.querySelectorAll('[data-testid=stMetricValue]')].some(m => m.innerText.trim() === '1')")
    page.locator("[data-testid=stSidebarNav]").get_by_text("Draw", exact=True).click()
    page.get_by_text("The buttons above the canvas").wait_for()
    assert setting.is_checked()


def test_a_file_that_is_not_an_image_gets_a_message(page, app_url, tmp_path):
    path = tmp_path / "notes.png"
    path.write_bytes(b"this is a text file with an image extension")
    page.goto(f"{app_url}/upload")
    page.locator('input[type="file"]').set_input_files(str(path))
    page.get_by_text("is not an image this app can read").wait_for()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_digit_held_up_to_the_camera_is_read(browser, app_url, tmp_path, mnist, device):
    _, test = mnist
    index = next(i for i in range(100) if test.y[i] == 3)  # not the same turned over, so a mirrored photo would show
    camera = browser.browser_type.launch(executable_path=chromium_path(),
                                         args=CHROMIUM_ARGS + fake_camera(camera_frame(test.x[index]), tmp_path / "camera.y4m"))
    try:
        page = camera.new_context(**(PHONE if device == "phone" else {"viewport": {"width": 1280, "height": 1000}})).new_page()
        page.goto(f"{app_url}/upload")
        page.get_by_text("A file", exact=True).wait_for()
        page.get_by_text("The camera", exact=True).click()
        page.wait_for_function("() => document.querySelector('[data-testid=stCameraInput] video')?.videoWidth > 0")  # it films
        box = page.locator("[data-testid=stCameraInput]").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
        page.get_by_role("button", name="Take Photo").click()
        assert prediction(page) == "3"
        if device == "desktop":
            page.get_by_role("heading", name="Upload an image").scroll_into_view_if_needed()  # taking the photo scrolled down
            screenshot(page, "camera")
    finally:
        camera.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_app_follows_the_systems_light_or_dark_setting_in_its_own_colour(browser, app_url, scheme):
    context = browser.new_context(color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(app_url)
        page.get_by_text("Draw a digit on the canvas").wait_for()
        background = page.locator("[data-testid=stApp]").evaluate("app => getComputedStyle(app).backgroundColor")
        red, green, blue = map(int, re.findall(r"\d+", background)[:3])
        assert (red + green + blue > 600) == (scheme == "light"), background
        accent = page.locator("[data-testid=stSliderThumbValue]").first.evaluate("value => getComputedStyle(value).color")
        assert accent == "rgb(228, 87, 46)"  # the theme's primaryColor, #e4572e, in either
    finally:
        context.close()


def test_the_model_page_shows_its_charts(page, app_url):
    page.goto(f"{app_url}/model")
    page.get_by_text("MNIST test accuracy").wait_for()
    page.locator("[data-testid=stVegaLiteChart]").first.wait_for()
    screenshot(page, "model")
    page.get_by_role("tab", name="Errors").click()
    page.get_by_text("Confusion matrix").wait_for()
    assert page.locator("[data-testid=stVegaLiteChart]").count() >= 2
    screenshot(page, "model-errors")


def test_a_page_opened_by_its_address_on_a_fresh_server_has_the_apps_own_navigation(browser):
    # A reload or a bookmark right after the server (re)starts, as it does after Community Cloud wakes
    # an app: the page must still run through the router, not as a bare script with file-name navigation.
    with streamlit_server() as url:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(f"{url}/upload")
        page.get_by_role("heading", name="Upload an image").wait_for(timeout=30_000)
        page.wait_for_timeout(1000)
        navigation = page.locator("[data-testid=stSidebarNav]").inner_text()
        context.close()
    assert "Draw" in navigation and "About" in navigation, navigation
    assert "review" not in navigation.lower()  # the admins' page is listed only where sign-in is set up


def test_the_about_page_pictures_the_preprocessing(page, app_url):
    page.goto(f"{app_url}/about")
    page.get_by_text("How an image is prepared").wait_for()
    page.locator("[data-testid=stImage]").nth(7).wait_for()  # all eight steps are pictured
    screenshot(page, "about")


def test_a_batch_of_200_images_is_read_with_progress_and_exported_as_csv(page, app_url, tmp_path, mnist):
    _, test = mnist
    paths = []
    for i in range(200):
        path = tmp_path / f"digit-{i:03d}.png"
        Image.fromarray(255 - test.x[i]).resize((84, 84), Image.Resampling.BICUBIC).save(path)
        paths.append(str(path))
    page.goto(f"{app_url}/batch")
    page.get_by_text("Choose or drop several images").wait_for()
    page.evaluate("""() => { window.__progressSeen = false;
        new MutationObserver(() => { if (document.querySelector('[data-testid=stProgress]')) window.__progressSeen = true; })
          .observe(document.body, {subtree: true, childList: true}); }""")
    page.locator('input[type="file"]').set_input_files(paths)
    page.locator('[data-testid="stMetric"]', has_text="Images read").get_by_text("200 of 200").wait_for(timeout=120_000)
    assert page.evaluate("() => window.__progressSeen")
    screenshot(page, "batch")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    rows = Path(download.value.path()).read_text().splitlines()
    assert rows[0] == "file,reading,confidence,error" and len(rows) == 201
    digits = [int(row.split(",")[1]) for row in rows[1:]]
    assert sum(d == y for d, y in zip(digits, test.y[:200])) >= 196


def test_a_whole_folder_is_read_with_its_subfolders_and_without_its_other_files(page, app_url, tmp_path, mnist):
    _, test = mnist
    folder = tmp_path / "scans"
    (folder / "2024").mkdir(parents=True)
    for i in range(6):  # scans/digit-0.png, scans/2024/digit-1.png, ...
        Image.fromarray(255 - test.x[i]).resize((84, 84)).save(folder / ("2024" if i % 2 else "") / f"digit-{i}.png")
    (folder / "notes.txt").write_text("not an image")
    page.goto(f"{app_url}/batch")
    page.get_by_text("Choose or drop several images").wait_for()
    page.get_by_text("A folder", exact=True).click()
    page.get_by_text("Choose a folder").wait_for()
    page.locator('input[type="file"]').set_input_files(folder)
    page.locator('[data-testid="stMetric"]', has_text="Images read").get_by_text("6 of 6").wait_for()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    rows = [row.split(",")[:2] for row in Path(download.value.path()).read_text().splitlines()[1:]]
    assert rows == [[f"scans/2024/digit-{i}.png", str(test.y[i])] for i in (1, 3, 5)] + [
        [f"scans/digit-{i}.png", str(test.y[i])] for i in (0, 2, 4)]


def test_a_zip_archive_of_scans_is_read_image_by_image_and_names_what_it_left_out(page, app_url, tmp_path, mnist):
    _, test = mnist
    scans = {f"scans/digit-{i}.png": png_bytes(Image.fromarray(255 - test.x[i]).resize((84, 84))) for i in range(6)}
    path = tmp_path / "scans.zip"  # as a Mac zips a folder: with its __MACOSX copies and .DS_Store
    path.write_bytes(zipped(scans | {"scans/notes.txt": b"not an image", "scans/.DS_Store": b"\0" * 64,
                                     "__MACOSX/scans/._digit-0.png": b"\0" * 64}))
    page.goto(f"{app_url}/batch")
    page.get_by_text("Choose or drop several images").wait_for()
    page.locator('input[type="file"]').set_input_files(path)
    page.locator('[data-testid="stMetric"]', has_text="Images read").get_by_text("6 of 6").wait_for()
    page.get_by_text("Left out of the archives and PDFs: 1 file").click()
    page.locator("[data-testid=stExpander] [data-testid=stDataFrame]").wait_for()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    rows = [row.split(",")[:2] for row in Path(download.value.path()).read_text().splitlines()[1:]]
    assert rows == [[f"scans.zip/scans/digit-{i}.png", str(test.y[i])] for i in range(6)]


def test_a_file_type_the_uploader_does_not_take_is_refused_with_a_message(page, app_url, tmp_path):
    path = tmp_path / "drawing.svg"
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg"><path d="M4 4 L24 4"/></svg>')
    page.goto(f"{app_url}/upload")
    page.locator('input[type="file"]').set_input_files(str(path))
    page.get_by_text("not allowed", exact=False).first.wait_for()
    assert not page.locator('[data-testid="stMetric"]', has_text="Prediction").count()


def test_several_digits_drawn_in_one_digit_mode_bring_a_hint_to_switch_to_number_mode(page, app_url):
    page.goto(app_url)
    page.get_by_text("Draw a digit on the canvas").wait_for()
    strokes = []
    for offset, digit in zip((0, 130), (1, 0)):  # two small digits side by side on the 280x280 canvas
        strokes += [[(x * 0.45 + 10 + offset, y * 0.45 + 70) for x, y in stroke] for stroke in STROKES[digit]]
    draw(page, strokes, pause_between=True)
    page.get_by_text("This looks like several digits").wait_for()
    assert len(prediction(page)) == 1  # one digit is still read, beneath the hint


def test_a_number_drawn_in_number_mode_is_read_digit_by_digit_and_kept_once_in_the_history(page, app_url):
    open_number_canvas(page, app_url)
    strokes = []
    for offset, digit in zip((0, 170, 340), (7, 1, 4)):  # three digits side by side on the 700x200 canvas
        strokes += [[(x * 0.62 + 40 + offset, y * 0.62 + 15) for x, y in stroke] for stroke in STROKES[digit]]
    draw(page, strokes, pause_between=True)
    try:
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=stMetric]')].some(m => m.innerText.includes('Prediction')"
            " && m.querySelector('[data-testid=stMetricValue]').innerText.trim() === '714')")
    except PlaywrightTimeout:
        shown = [m.inner_text() for m in page.locator('[data-testid=stMetric]').all()]
        raise AssertionError(f"expected 714, the page shows {shown}") from None
    screenshot(page, "draw-number")
    page.get_by_role("link", name="History").click()  # the same session
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    rows = Path(download.value.path()).read_text().splitlines()
    assert [row.split(",")[1:3] for row in rows[1:]] == [["draw", "714"]]  # read after each stroke, kept once


def test_a_decimal_point_tapped_between_digits_in_number_mode_is_read_in_its_place(page, app_url):
    open_number_canvas(page, app_url)
    seven, four = seven_and_four()
    draw(page, seven, pause_between=True)
    box = page.locator("canvas.upper-canvas").first.bounding_box()
    page.mouse.click(box["x"] + 215, box["y"] + 156)  # a tap of the pen on the line, without moving it
    page.wait_for_timeout(400)
    draw(page, four, pause_between=True)
    page.locator('[data-testid="stMetric"]', has_text="Prediction").get_by_text("7.4", exact=True).wait_for()


def test_a_minus_drawn_in_front_of_a_digit_in_number_mode_makes_it_negative(page, app_url):
    open_number_canvas(page, app_url)
    draw(page, [[(40, 100), (110, 100)]], pause_between=True)  # a short level bar, level with the 4's middle
    draw(page, [[(x * 0.62 + 100, y * 0.62 + 15) for x, y in stroke] for stroke in STROKES[4]], pause_between=True)
    page.locator('[data-testid="stMetric"]', has_text="Prediction").get_by_text("-4", exact=True).wait_for()


def test_an_underlined_number_is_read_without_its_line_and_a_line_alone_is_not_read(page, app_url):
    open_number_canvas(page, app_url)
    seven, four = seven_and_four()
    draw(page, seven + four, pause_between=True)
    draw(page, [[(60, 186), (420, 186)]], pause_between=True)  # underlined, clear of the digits
    page.locator('[data-testid="stMetric"]', has_text="Prediction").get_by_text("74", exact=True).wait_for()
    clear_canvas(page)
    page.get_by_text("Draw a number on the canvas").wait_for()
    draw(page, [[(100, 100), (500, 104)]])
    page.get_by_text("Only a level line so far").wait_for()


def test_on_a_phone_the_number_canvas_fits_the_screen_and_reads_a_number_drawn_by_touch_to_its_corner(phone_page, app_url):
    page = phone_page
    open_number_canvas(page, app_url)
    box = settled_canvas(page).bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["viewport"]["width"]
    strokes = []  # three digits side by side; the 4 begins in the canvas's top-right corner, under the toolbar's place
    for offset, digit in zip((0, 95, 190), (7, 1, 4)):
        strokes += [[(x * 0.45 + 10 + offset, y * 0.45 + 5) for x, y in stroke] for stroke in STROKES[digit]]
    draw_with_a_finger(page, strokes)
    assert prediction(page) == "714"
    page.locator("[data-testid=stToast]", has_text="Reads 714").wait_for()  # the result is below, out of sight
    screenshot(page, "phone")
    digits = page.locator("[data-testid=stImage]", has_text="%").all()[-3:]  # what the model saw of each digit
    assert len({round(d.bounding_box()["y"]) for d in digits}) == 1  # side by side, not stacked as columns are
    # With no hover on a touch screen, the undo, redo and clear buttons must show of themselves
    assert page.locator(".dc-toolbar").first.evaluate("toolbar => getComputedStyle(toolbar).opacity") == "1"
    shown = [b.get_attribute("aria-label") for b in page.locator(".dc-toolbar button").all() if b.is_visible()]
    assert shown == ["Undo", "Redo", "Reset canvas & history"]  # not the component's edit and send buttons
    page.get_by_role("button", name="Reset canvas & history").first.tap()
    page.get_by_text("Draw a number on the canvas").wait_for()


def test_on_a_phone_the_model_pages_charts_fit_the_screen(phone_page, app_url):
    page = phone_page
    page.goto(f"{app_url}/model")
    for tab in ("Training", "Errors"):  # the training curves, then the confusion matrix
        page.get_by_role("tab", name=tab).tap()
        chart = page.locator("[data-testid=stVegaLiteChart] svg").locator("visible=true").first
        chart.wait_for()
        page.wait_for_timeout(500)  # let Vega lay the chart out
        box = chart.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["viewport"]["width"], tab
