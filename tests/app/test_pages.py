"""Every page renders, uploads are read, and bad files get a message instead of a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from hdr_core.model import MODELS_DIR
from hdr_core.preprocess import UPLOAD_TYPES
from hdr_core.synth import low_resolution_scan
from tests.conftest import camera_frame, png_bytes, zipped

TIMEOUT = 120
ROOT = Path(__file__).resolve().parents[2]


def page(path: str) -> AppTest:
    return AppTest.from_file(str(ROOT / path), default_timeout=TIMEOUT)


def upload(at: AppTest, name: str, data: bytes, mime: str = "image/png") -> AppTest:
    at.file_uploader(key="upload.file").set_value((name, data, mime))
    return at.run()


def mnist_scan(digit: np.ndarray) -> bytes:
    """An MNIST test digit as a user's scan: enlarged 10x, dark ink on white paper, PNG."""
    paper = Image.fromarray(255 - digit).resize((280, 280), Image.Resampling.BICUBIC)
    return png_bytes(paper)


@pytest.mark.parametrize("path", ["streamlit_app.py", "app_pages/draw.py", "app_pages/upload.py", "app_pages/model.py", "app_pages/about.py"])
def test_every_page_renders_without_an_exception(path):
    at = page(path).run()
    assert not at.exception, [e.value for e in at.exception]


def test_the_draw_page_invites_a_drawing_on_an_empty_canvas():
    at = page("app_pages/draw.py").run()
    assert "Draw a digit on the canvas" in at.info[0].value
    assert not at.metric
    at.segmented_control(key="draw.mode").set_value("A number").run()
    assert "Draw a number on the canvas" in at.info[0].value and "decimal point or comma" in at.info[0].value
    assert "minus in front" in at.info[0].value
    assert not at.exception and not at.metric


def test_the_upload_page_reads_real_handwritten_digits(mnist):
    _, test = mnist
    at = page("app_pages/upload.py").run()
    for index in range(5):
        upload(at, f"digit-{index}.png", mnist_scan(test.x[index]))
        assert not at.exception and not at.error
        prediction = next(m for m in at.metric if m.label == "Prediction")
        assert prediction.value == str(test.y[index])
        chart = at.get("vega_lite_chart")[0].proto
        bars = pa.ipc.open_stream(chart.data.data).read_all().to_pydict()
        assert json.loads(chart.spec)["title"] == "Probability of each digit"
        assert bars["digit"] == [str(d) for d in range(10)] and sum(bars["probability"]) == pytest.approx(1.0, abs=1e-4)
        assert [d for d, r in zip(bars["digit"], bars["reading"]) if r == "chosen"] == [str(test.y[index])]


def test_a_low_resolution_scan_is_read_as_one_digit_by_the_scan_reader_and_the_page_says_so(mnist):
    _, test = mnist
    rng = np.random.default_rng(3)
    at = page("app_pages/upload.py").run()
    for index in (3, 4):  # a 0 stretched to fill its grid, as wide as tall: once read as the number "611"
        upload(at, f"scan-{index}.png", low_resolution_scan(test.x[index], rng))
        assert not at.exception and not at.error
        assert next(m for m in at.metric if m.label == "Prediction").value == str(test.y[index])
        assert any("Read as a low-resolution scan" in c.value for c in at.caption)
    upload(at, "digit.png", mnist_scan(test.x[3]))  # the same digit in grey: the digit model reads it, nothing said
    assert not any("low-resolution scan" in c.value for c in at.caption)


def test_a_corrupt_file_gets_an_error_message_and_no_exception():
    at = upload(page("app_pages/upload.py").run(), "broken.png", b"\x89PNG\r\n\x1a\n this is not really a png")
    assert not at.exception
    assert "not an image" in at.error[0].value
    assert not [m for m in at.metric if m.label == "Prediction"]


def test_a_blank_image_is_explained_not_classified():
    at = upload(page("app_pages/upload.py").run(), "blank.png", png_bytes(Image.new("L", (200, 200), 255)))
    assert not at.exception
    assert "No digit found" in at.error[0].value


def test_a_file_name_holding_markup_is_shown_as_text():
    at = upload(page("app_pages/upload.py").run(), "<b>**bold**</b>.png", b"garbage")
    shown = at.error[0].value
    assert r"\<b\>\*\*bold\*\*\</b\>" in shown


def test_the_model_page_shows_the_figures_that_train_py_wrote():
    evaluation = json.loads((MODELS_DIR / "evaluation.json").read_text())
    at = page("app_pages/model.py").run()
    shown = {m.label: m.value for m in at.metric}
    robustness = evaluation["robustness"]
    assert shown["MNIST test accuracy"] == f"{evaluation['test']['accuracy']:.2%}"
    assert shown["Semeion handwriting"] == f"{robustness['semeion']['accuracy']:.2%}"
    assert shown["Phone photos"] == f"{robustness['photos']['accuracy']:.2%}"
    assert shown["Continental 1s and 7s"] == f"{robustness['continental_ones_and_sevens']['accuracy']:.1%}"
    assert any(f"weights stored as {evaluation['weights']}" in c.value for c in at.caption)
    assert any(f"How digits are read: {evaluation['reader']}." in c.value for c in at.caption)


def test_the_about_page_states_its_limits_with_the_measured_figures_and_when_anything_is_stored():
    robustness = json.loads((MODELS_DIR / "evaluation.json").read_text())["robustness"]
    at = page("app_pages/about.py").run()
    text = " ".join(m.value for m in at.markdown)
    assert f"read right only {robustness['continental_ones_and_sevens']['ones_accuracy']:.0%}" in text
    assert f"{robustness['numbers_with_strokes']['whole_number_accuracy']:.0%} of test numbers" in text
    assert "unless you press **Right** or **Wrong**" in text


def test_a_low_confidence_reading_gets_a_not_sure_note_naming_the_runner_up():
    threshold = json.loads((MODELS_DIR / "evaluation.json").read_text())["unsure_below"]["threshold"]
    top = max(0.9 * threshold, 0.12)
    if top >= threshold:
        pytest.skip(f"the threshold {threshold:.3f} is too low for any reading to fall below it")

    def app(top: float):
        from hdr_core import preprocess_steps
        from hdr_core.model import Prediction, Reading
        from tests.conftest import drawn_seven
        from ui.result import show_reading

        rest = (1.0 - top - 0.9 * top) / 8
        unsure = Prediction.from_probabilities([rest, 0.9 * top, rest, rest, rest, rest, rest, top, rest, rest])
        show_reading(Reading(unsure, preprocess_steps(drawn_seven())), source="draw")

    at = AppTest.from_function(app, default_timeout=TIMEOUT, kwargs={"top": top}).run()
    assert not at.exception
    assert at.metric[0].value == "7"
    assert "Not sure" in at.warning[0].value and "**1**" in at.warning[0].value


def test_a_confident_reading_has_no_not_sure_note():
    def app():
        from hdr_core import preprocess_steps
        from hdr_core.model import Prediction, Reading
        from tests.conftest import drawn_seven
        from ui.result import show_reading

        sure = Prediction.from_probabilities([0.0] * 7 + [1.0, 0.0, 0.0])
        show_reading(Reading(sure, preprocess_steps(drawn_seven())), source="draw")

    at = AppTest.from_function(app, default_timeout=TIMEOUT).run()
    assert not at.exception and not at.warning


BAD_FILES = __import__("tests.bad_files", fromlist=["corpus"]).corpus()


@pytest.mark.parametrize("name,data,expected", BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_every_awkward_upload_gets_a_message_or_a_reading_and_never_an_exception(name, data, expected):
    if not name.endswith(tuple(f".{t}" for t in UPLOAD_TYPES)):
        name += ".png"  # the browser's uploader refuses other extensions itself; these are files renamed
    at = upload(page("app_pages/upload.py").run(), name, data, "application/octet-stream")
    assert not at.exception, [e.value for e in at.exception]
    readings = [m for m in at.metric if m.label == "Prediction"]
    if expected == "error":
        assert at.error and not readings
        assert "Traceback" not in at.error[0].value
    else:
        assert not at.error and readings


def test_the_batch_page_reads_every_file_reports_bad_ones_and_offers_a_csv(mnist):
    _, test = mnist
    at = page("app_pages/batch.py").run()
    assert "Choose or drop several images" in at.info[0].value
    files = [(f"scan-{i}.png", mnist_scan(test.x[i]), "image/png") for i in range(4)] + [("bad.png", b"nope", "image/png")]
    at.file_uploader(key="batch.files").set_value(files)
    at.run()
    assert not at.exception
    assert next(m for m in at.metric if m.label == "Images read").value == "4 of 5"
    table = at.dataframe[0].value
    assert list(table["file"]) == [name for name, _, _ in files]
    assert table["error"].iloc[-1] and (table["error"].iloc[:4] == "").all()  # blank cells, not "None"
    assert table["reading"].iloc[-1] == "" and table["reading"].iloc[:4].str.fullmatch(r"\d").all()
    assert table["input"].iloc[-1] == "" and table["input"].iloc[:4].str.startswith("data:image/png").all()
    assert table["image"].iloc[-1] == "" and table["image"].iloc[:4].str.startswith("data:image/png").all()
    assert list(table.columns) == ["image", "file", "reading", "confidence", "input", "error"]


def test_a_folder_is_read_file_by_file_listed_as_a_file_manager_lists_it(mnist):
    _, test = mnist
    at = page("app_pages/batch.py").run()
    at.segmented_control(key="batch.source").set_value("A folder").run()
    assert "Choose a folder" in at.info[0].value and not at.file_uploader(key="batch.folder").value
    names = ["scans/scan-10.png", "scans/2024/scan-2.png", "scans/scan-9.png", "scans/2024/scan-1.png"]
    at.file_uploader(key="batch.folder").set_value([(name, mnist_scan(test.x[i]), "image/png") for i, name in enumerate(names)])
    at.run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["file"]) == ["scans/2024/scan-1.png", "scans/2024/scan-2.png", "scans/scan-9.png", "scans/scan-10.png"]
    assert list(table["reading"]) == [str(test.y[names.index(name)]) for name in table["file"]]


def test_a_zip_archive_is_read_image_by_image_and_says_what_it_left_out(mnist):
    _, test = mnist
    archive = zipped({f"scans/scan-{i}.png": mnist_scan(test.x[i]) for i in (10, 9, 1)} | {
        "scans/notes.txt": b"hello", "<b>odd</b>.docx": b"x", ".DS_Store": b"x", "scans/bomb.png": bytes(11 * 2**20)})
    at = page("app_pages/batch.py").run()
    assert "ZIP archives" in at.info[0].value
    at.file_uploader(key="batch.files").set_value([("scans.zip", archive, "application/zip"), ("cut.zip", archive[:100], "application/zip")])
    at.run()
    assert not at.exception
    left_out, table = at.dataframe[0].value, at.dataframe[1].value  # the left-out list comes first, folded
    assert list(table["file"]) == ["scans.zip/scans/bomb.png", "scans.zip/scans/scan-1.png", "scans.zip/scans/scan-9.png",
                                   "scans.zip/scans/scan-10.png", "cut.zip"]
    assert list(table["reading"]) == ["", *(str(test.y[i]) for i in (1, 9, 10)), ""]
    assert "more than 10 MB" in table["error"].iloc[0] and "ZIP archive" in table["error"].iloc[-1]
    assert next(m for m in at.metric if m.label == "Images read").value == "3 of 5"
    assert at.expander[0].label == "Left out of the archives and PDFs: 2 files"
    assert list(left_out["file"]) == ["scans.zip/<b>odd</b>.docx", "scans.zip/scans/notes.txt"]


def test_a_scanned_pdf_is_read_page_by_page_on_the_batch_page_and_its_first_page_on_upload(mnist):
    from tests.bad_files import pdf_of

    _, test = mnist
    document = pdf_of(*(Image.fromarray(255 - test.x[i]).resize((280, 280)) for i in range(2)))
    at = page("app_pages/batch.py").run()
    at.file_uploader(key="batch.files").set_value([("scans.pdf", document, "application/pdf")]).run()
    assert not at.exception
    assert list(at.dataframe[0].value["reading"]) == [str(test.y[0]), str(test.y[1])]
    at = upload(page("app_pages/upload.py").run(), "scans.pdf", document, "application/pdf")
    assert not at.exception and not at.error
    assert next(m for m in at.metric if m.label == "Prediction").value == str(test.y[0])
    assert any("Page 1 of 2 is read here" in c.value for c in at.caption)


def test_a_multi_page_tiff_upload_says_which_page_is_read():
    from tests.bad_files import blank, seven, tiff_of

    at = upload(page("app_pages/upload.py").run(), "fax.tif", tiff_of(seven(), blank(), blank()), "image/tiff")
    assert not at.exception and next(m for m in at.metric if m.label == "Prediction").value == "7"
    assert any("Page 1 of 3 is read here" in c.value for c in at.caption)


def test_an_archive_with_no_image_in_it_gets_a_message():
    at = page("app_pages/batch.py").run()
    at.file_uploader(key="batch.files").set_value([("notes.zip", zipped({"notes.txt": b"hi"}), "application/zip")])
    at.run()
    assert not at.exception
    assert "no image in the archive" in at.warning[0].value and at.expander[0].label == "Left out of the archives and PDFs: 1 file"


def test_an_uploaded_digit_with_a_line_under_it_is_read_without_the_line(mnist):
    from hdr_core.synth import draw_underlined_number

    _, test = mnist
    image, bare, _, _ = draw_underlined_number([test.x[0]], np.random.default_rng(0))  # a 7: read as 2 with its line
    at = upload(page("app_pages/upload.py").run(), "answer.png", png_bytes(image))
    assert not at.exception and not at.error
    assert next(m for m in at.metric if m.label == "Prediction").value == "7"
    assert any("line under the digit was left out" in c.value for c in at.caption)
    at.segmented_control(key="upload.read_as").set_value("One digit").run()
    assert next(m for m in at.metric if m.label == "Prediction").value == "7"
    upload(at, "answer.png", png_bytes(bare))  # nothing under it: nothing said
    assert not any("line under the digit" in c.value for c in at.caption)


def test_an_upload_is_read_once_while_the_page_reruns_and_afresh_in_another_mode_keeping_only_what_it_shows(mnist, monkeypatch):
    import hdr_core

    reads, real = [], hdr_core.preprocess_steps
    monkeypatch.setattr(hdr_core, "preprocess_steps", lambda data, *args, **kwargs: reads.append(1) or real(data, *args, **kwargs))
    _, test = mnist
    at = upload(page("app_pages/upload.py").run(), "digit.png", mnist_scan(test.x[0]))
    at.run()
    at.run()  # reruns, as any click on the page makes
    assert not at.exception and len(reads) == 1
    assert next(m for m in at.metric if m.label == "Prediction").value == "7"
    steps = at.session_state["upload.last_reading"][1][0].steps  # what is kept: what the page shows, not the working maps
    assert steps.upright.size == (280, 280) and steps.result.shape == (28, 28) and steps.cleaned.size == steps.gray.size == 0
    at.segmented_control(key="upload.read_as").set_value("One digit").run()
    assert len(reads) == 2 and next(m for m in at.metric if m.label == "Prediction").value == "7"
    upload(at, "digit.png", mnist_scan(test.x[1]))  # another file, even under the same name
    assert len(reads) == 3 and next(m for m in at.metric if m.label == "Prediction").value == "2"
    at.file_uploader(key="upload.file").set_value(None).run()  # removed: its reading is not kept either
    assert "upload.last_reading" not in at.session_state and "Choose an image" in at.info[0].value


def test_an_uploaded_number_is_read_whole_automatically(mnist):
    from tests.integration.test_numbers import written

    paper, truth = written(mnist, [0, 1, 2])
    at = upload(page("app_pages/upload.py").run(), "year.png", png_bytes(Image.fromarray(paper)))
    assert not at.exception and not at.error
    assert next(m for m in at.metric if m.label == "Prediction").value == truth
    at.segmented_control(key="upload.read_as").set_value("One digit").run()
    assert len(next(m for m in at.metric if m.label == "Prediction").value) == 1


def test_why_a_digit_of_a_number_was_read_so_is_shown_for_the_digit_chosen(mnist):
    from tests.integration.test_numbers import written

    paper, truth = written(mnist, [0, 1, 2])
    at = upload(page("app_pages/upload.py").run(), "year.png", png_bytes(Image.fromarray(paper)))
    assert len(at.expander) == 1 and not at.expander[0].image  # worked out only once opened
    at.session_state["upload.number.why"] = True
    at.run()
    assert at.expander[0].caption[0].value == f"Digit 1, read as {truth[0]}:" and len(at.expander[0].image) == 2
    at.selectbox(key="upload.number.position").set_value(2).run()  # it stays open for another digit
    assert not at.exception and at.expander[0].caption[0].value == f"Digit 3, read as {truth[2]}:"
    assert len(at.expander[0].image) == 2


def test_an_uploaded_number_whose_digits_touch_is_still_read_whole_automatically(mnist):
    from tests.integration.test_numbers import written

    paper, truth = written(mnist, [3, 4], gap=-4)  # a 0 and a 4 in one blob of ink
    at = upload(page("app_pages/upload.py").run(), "touching.png", png_bytes(Image.fromarray(paper)))
    assert not at.exception and not at.error
    assert next(m for m in at.metric if m.label == "Prediction").value == truth


def test_a_phone_photo_of_a_number_written_on_squared_paper_is_read_whole(mnist):
    from hdr_core.synth import photo_of_paper
    from tests.integration.test_numbers import written

    paper, truth = written(mnist, [0, 1, 2, 3], gap=30)  # 7210
    photo = photo_of_paper(255 - paper, np.random.default_rng(0), (960, 720), lines="squared")
    at = upload(page("app_pages/upload.py").run(), "notebook.jpg", photo, "image/jpeg")
    assert not at.exception and not at.error
    assert next(m for m in at.metric if m.label == "Prediction").value == truth


def test_an_uploaded_price_is_read_with_its_decimal_point_in_place(mnist):
    from hdr_core.synth import draw_decimal_number

    _, test = mnist
    drawn, _, _ = draw_decimal_number([test.x[i] for i in (0, 1, 2)], 1, np.random.default_rng(0))  # 7.21
    at = upload(page("app_pages/upload.py").run(), "price.png", png_bytes(drawn))
    assert not at.exception and not at.error
    assert next(m for m in at.metric if m.label == "Prediction").value == "7.21"


def test_a_phone_photo_of_a_sticky_note_on_a_desk_is_read(mnist):
    from hdr_core.synth import on_a_desk, photo_of_paper

    _, test = mnist
    rng = np.random.default_rng(0)
    photo = on_a_desk(photo_of_paper(test.x[0], rng), rng)  # a 7 on a note, the desk all round it
    at = upload(page("app_pages/upload.py").run(), "note.jpg", photo, "image/jpeg")
    assert not at.exception and not at.error
    assert next(m for m in at.metric if m.label == "Prediction").value == str(test.y[0])


def test_a_phone_photo_of_a_digit_written_in_pencil_on_a_page_lit_from_one_side_is_read(mnist):
    from hdr_core.synth import photo_of_paper

    _, test = mnist
    photo = photo_of_paper(test.x[0], np.random.default_rng(0), ink_tone="light")  # its lit side: once taken for light ink
    at = upload(page("app_pages/upload.py").run(), "pencil.jpg", photo, "image/jpeg")
    assert not at.exception and not at.error
    assert next(m for m in at.metric if m.label == "Prediction").value == str(test.y[0])


def take_photo(at: AppTest, frame: Image.Image) -> AppTest:
    """Choose the camera on the Upload page and take a photo of ``frame``, as the browser sends one: a JPEG."""
    at.segmented_control(key="upload.source").set_value("The camera").run()
    at.camera_input(key="upload.camera").set_value(("image.jpg", png_bytes(frame, format="JPEG", quality=90), "image/jpeg"))
    return at.run()


def test_the_upload_page_asks_for_the_camera_only_once_it_is_chosen():
    at = page("app_pages/upload.py").run()
    assert not at.camera_input and len(at.file_uploader) == 1
    at.segmented_control(key="upload.source").set_value("The camera").run()
    assert len(at.camera_input) == 1 and not at.file_uploader
    assert not at.exception and "Take a photo" in at.info[0].value


def test_a_digit_photographed_with_the_camera_is_read(mnist):
    _, test = mnist
    at = take_photo(page("app_pages/upload.py").run(), camera_frame(test.x[0]))
    assert not at.exception and not at.error
    assert next(m for m in at.metric if m.label == "Prediction").value == str(test.y[0])
    assert len(at.image) == 1  # the model's input only: the camera shows its own photo


def test_a_number_photographed_with_the_camera_is_read_whole(mnist):
    from tests.integration.test_numbers import written

    paper, truth = written(mnist, [0, 1, 2, 3], gap=30)  # 7210
    at = take_photo(page("app_pages/upload.py").run(), camera_frame(255 - paper, seed=1))
    assert not at.exception and not at.error
    assert next(m for m in at.metric if m.label == "Prediction").value == truth


def test_a_camera_photo_of_blank_paper_gets_a_message():
    blank = Image.new("RGB", (640, 480), (200, 196, 188))
    at = take_photo(page("app_pages/upload.py").run(), blank)
    assert not at.exception
    assert at.error and at.error[0].value.startswith("Could not read the photo")


def test_the_explanation_is_worked_out_only_when_its_expander_is_open():
    def app():
        from hdr_core import preprocess_steps
        from hdr_core.model import Prediction, Reading
        from tests.conftest import drawn_seven
        from ui.result import show_reading

        show_reading(Reading(Prediction.from_probabilities([0.0] * 7 + [1.0, 0.0, 0.0]), preprocess_steps(drawn_seven())), source="draw")

    at = AppTest.from_function(app, default_timeout=TIMEOUT).run()
    assert len(at.expander) == 1 and not at.expander[0].image
    at.session_state["result.why"] = True
    at.run()
    assert not at.exception and len(at.expander[0].image) == 2


def test_a_continental_writer_can_say_so_and_their_flagged_one_is_read_as_a_one_and_their_crossed_seven_as_a_seven(mnist):
    from hdr_core.synth import continental_style, draw_points_like_canvas

    _, test = mnist
    rng = np.random.default_rng(0)
    one = draw_points_like_canvas(continental_style(test.x[2], 1, rng), rng)  # a 1 with a flag
    seven = draw_points_like_canvas(continental_style(test.x[0], 7, rng), rng)  # a 7 with a bar
    at = upload(page("app_pages/upload.py").run(), "one.png", png_bytes(one))
    assert next(m for m in at.metric if m.label == "Prediction").value == "7"  # MNIST's writers' 7 looks like it
    at.toggle(key="style.toggle").set_value(True).run()
    assert not at.exception and next(m for m in at.metric if m.label == "Prediction").value == "1"
    upload(at, "seven.png", png_bytes(seven))
    assert next(m for m in at.metric if m.label == "Prediction").value == "7"


def test_the_writing_style_chosen_on_one_page_holds_on_the_others():
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT).run()
    assert not at.toggle(key="style.toggle").value  # off unless chosen
    at.toggle(key="style.toggle").set_value(True).run()
    at.switch_page("app_pages/model.py").run()  # a page without the setting
    at.switch_page("app_pages/batch.py").run()
    assert at.toggle(key="style.toggle").value and not at.exception


def test_an_unsure_seven_that_could_be_a_one_points_to_the_continental_setting_while_it_is_off(mnist):
    from hdr_core.synth import continental_style, draw_points_like_canvas

    _, test = mnist
    rng = np.random.default_rng(0)
    one = draw_points_like_canvas(continental_style(test.x[89], 1, rng), rng)  # a flagged 1: read 7, not surely, else 1
    at = upload(page("app_pages/upload.py").run(), "one.png", png_bytes(one))
    assert next(m for m in at.metric if m.label == "Prediction").value == "7"
    assert "could also be a **1**" in at.warning[0].value and "I write 1 with a flag" in at.warning[0].value
    at.toggle(key="style.toggle").set_value(True).run()
    assert next(m for m in at.metric if m.label == "Prediction").value == "1"
    assert not any("I write 1 with a flag" in w.value for w in at.warning)


def test_in_a_number_an_unsure_seven_that_could_be_a_one_points_to_the_setting_once(mnist):
    from hdr_core.synth import continental_style, draw_points_like_canvas

    _, test = mnist
    rng = np.random.default_rng(0)
    ones = [np.asarray(draw_points_like_canvas(continental_style(test.x[i], 1, rng), rng).convert("L")) for i in (89, 74)]
    at = upload(page("app_pages/upload.py").run(), "ones.png", png_bytes(Image.fromarray(np.hstack(ones))))  # "11", flagged
    at.segmented_control(key="upload.read_as").set_value("A number").run()
    warning = at.warning[0].value
    assert "(read 7, could be 1)" in warning and warning.count("I write 1 with a flag") == 1
