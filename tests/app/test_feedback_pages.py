"""Corrections are stored only when sent; the session's history is kept; Review is for admins only."""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from hdr_core import Predictor
from hdr_core.model import DEFAULT_MODEL_PATH, SCAN_MODEL_PATH, model_version
from hdr_core.synth import low_resolution_scan
from hdr_core.feedback import FeedbackStore
from tests.app.test_pages import TIMEOUT, mnist_scan, page, upload


@pytest.fixture()
def feedback_db(tmp_path, monkeypatch):
    path = tmp_path / "feedback.db"
    monkeypatch.setenv("HDR_FEEDBACK_URL", f"sqlite:///{path}")
    return path


def test_sending_a_correction_stores_exactly_one_row(feedback_db, mnist):
    _, test = mnist
    at = upload(page("app_pages/upload.py").run(), "two.png", mnist_scan(test.x[1]))
    read = next(m for m in at.metric if m.label == "Prediction").value
    at.selectbox(key="upload.feedback.label").set_value(3 if read != "3" else 5).run()
    at.button(key="upload.feedback.wrong").click().run()
    assert not at.exception
    assert "your correction is saved (#1)" in at.success[0].value
    [stored] = FeedbackStore(f"sqlite:///{feedback_db}").records()
    assert stored.predicted == int(read) and stored.label in (3, 5) and stored.source == "upload"
    assert stored.image_png.startswith(b"\x89PNG") and stored.model_input.shape == (28, 28)
    at.run()  # a rerun does not send it again
    assert FeedbackStore(f"sqlite:///{feedback_db}").count() == 1


def test_a_right_reading_is_stored_with_its_own_label(feedback_db, mnist):
    _, test = mnist
    at = upload(page("app_pages/upload.py").run(), "seven.png", mnist_scan(test.x[0]))
    at.button(key="upload.feedback.right").click().run()
    [stored] = FeedbackStore(f"sqlite:///{feedback_db}").records()
    assert stored.correct and stored.label == stored.predicted
    assert at.success[0].value == "Thank you: your confirmation is saved (#1)."  # not called a correction


def test_a_large_photo_sent_as_a_confirmation_is_stored_at_the_size_it_was_read_at(feedback_db, mnist):
    import io

    from PIL import Image

    _, test = mnist
    photo = Image.fromarray(255 - test.x[0]).resize((3000, 3000), Image.Resampling.BICUBIC).convert("RGB")
    buffer = io.BytesIO()
    photo.save(buffer, format="JPEG", quality=90)
    at = upload(page("app_pages/upload.py").run(), "photo.jpg", buffer.getvalue(), "image/jpeg")
    assert next(m for m in at.metric if m.label == "Prediction").value == "7"
    at.button(key="upload.feedback.right").click().run()
    [stored] = FeedbackStore(f"sqlite:///{feedback_db}").records()
    assert Image.open(io.BytesIO(stored.image_png)).size == (1024, 1024)  # not as decoded (1500x1500)


def test_feedback_on_a_scan_names_the_scan_reader_that_read_it_and_other_feedback_the_digit_model(feedback_db, mnist):
    _, test = mnist
    at = upload(page("app_pages/upload.py").run(), "scan.png", low_resolution_scan(test.x[0], np.random.default_rng(0)))
    at.button(key="upload.feedback.right").click().run()
    upload(at, "seven.png", mnist_scan(test.x[0]))
    at.button(key="upload.feedback.right").click().run()
    assert not at.exception
    stored = FeedbackStore(f"sqlite:///{feedback_db}").records()
    assert sorted(r.model_version for r in stored) == sorted([model_version(SCAN_MODEL_PATH), model_version(DEFAULT_MODEL_PATH)])
    assert model_version(SCAN_MODEL_PATH) != model_version(DEFAULT_MODEL_PATH)


def test_the_correction_offered_first_is_the_models_second_guess(feedback_db, mnist):
    _, test = mnist
    scan = mnist_scan(test.x[0])
    expected = Predictor.from_file().read(scan).prediction
    at = upload(page("app_pages/upload.py").run(), "seven.png", scan)
    assert next(m for m in at.metric if m.label == "Prediction").value == str(expected.digit)
    assert at.selectbox(key="upload.feedback.label").value == expected.runner_up
    assert at.button(key="upload.feedback.wrong").label == f"Wrong, it is {expected.runner_up}"


def test_reading_without_sending_stores_nothing_at_all(feedback_db, mnist):
    _, test = mnist
    at = upload(page("app_pages/upload.py").run(), "seven.png", mnist_scan(test.x[0]))
    assert next(m for m in at.metric if m.label == "Prediction")
    at.selectbox(key="upload.feedback.label").set_value(1).run()  # choosing is not sending
    assert not at.exception
    assert not feedback_db.exists()  # not even an empty database is created


def test_the_history_page_lists_this_sessions_readings_and_clears_them(mnist):
    _, test = mnist
    at = page("streamlit_app.py").run()
    at.switch_page("app_pages/upload.py").run()
    upload(at, "a.png", mnist_scan(test.x[0]))
    upload(at, "b.png", mnist_scan(test.x[1]))
    at.switch_page("app_pages/history.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == 2 and list(table["source"]) == ["upload", "upload"]
    at.button(key="history.clear").click().run()
    assert "Nothing read yet" in at.info[0].value


def test_the_review_page_is_hidden_when_login_is_not_configured():
    at = page("streamlit_app.py").run()
    assert not at.exception
    with pytest.raises(Exception):
        at.switch_page("app_pages/review.py").run()


def test_the_review_view_lists_corrections_and_their_confusion(tmp_path):
    from tests.integration.test_feedback import record

    url = f"sqlite:///{tmp_path / 'r.db'}"
    store = FeedbackStore(url)
    store.add(record(label=4, predicted=9))
    store.add(record(label=7, predicted=7, seed=1))

    def app(url: str):
        from hdr_core.feedback import FeedbackStore
        from ui.review import show

        show(FeedbackStore(url))

    at = AppTest.from_function(app, kwargs={"url": url}, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert next(m for m in at.metric if m.label == "Model was wrong").value == "1"
    assert len(at.dataframe[0].value) == 2
    at.toggle(key="review.wrong_only").set_value(True).run()
    assert len(at.dataframe[0].value) == 1


def test_correcting_a_seven_to_a_one_points_to_the_continental_setting_unless_it_is_on(feedback_db, mnist):
    import numpy as np

    from hdr_core.synth import continental_style, draw_points_like_canvas
    from tests.conftest import png_bytes

    _, test = mnist
    rng = np.random.default_rng(0)
    one = png_bytes(draw_points_like_canvas(continental_style(test.x[2], 1, rng), rng))  # a flagged 1: read as 7
    seven = png_bytes(draw_points_like_canvas(continental_style(test.x[0], 7, rng), rng))  # a crossed 7: read as 7 either way
    for setting_on, image in ((False, one), (True, seven)):
        at = page("app_pages/upload.py").run()
        at.toggle(key="style.toggle").set_value(setting_on).run()
        upload(at, "digit.png", image)
        assert next(m for m in at.metric if m.label == "Prediction").value == "7"
        at.selectbox(key="upload.feedback.label").set_value(1).run()
        at.button(key="upload.feedback.wrong").click().run()
        assert not at.exception and "your correction is saved" in at.success[0].value
        assert ("I write 1 with a flag" in at.success[0].value) is not setting_on
    assert [r.style for r in FeedbackStore(f"sqlite:///{feedback_db}").records()] == ["continental", "plain"]  # newest first
