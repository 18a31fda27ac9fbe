"""A model that train.py writes again while the server runs is served from the next rerun on, everywhere."""

from __future__ import annotations

import os
import shutil

import pytest

from hdr_core.model import DEFAULT_MODEL_PATH, SCAN_MODEL_PATH, model_version
from hdr_core.numbers import SEGMENTER_PATH
from tests.app.test_pages import mnist_scan, page, upload
from ui import feedback, resources
from ui.upload import LAST


@pytest.fixture()
def models(tmp_path, monkeypatch):
    """A copy of the served model files, which the app's resources load instead, and a way to 'retrain' one."""
    for path in (DEFAULT_MODEL_PATH, SCAN_MODEL_PATH, SEGMENTER_PATH):
        shutil.copy(path, tmp_path / path.name)
    monkeypatch.setattr(resources, "DEFAULT_MODEL_PATH", tmp_path / DEFAULT_MODEL_PATH.name)
    monkeypatch.setattr(resources, "SCAN_MODEL_PATH", tmp_path / SCAN_MODEL_PATH.name)
    monkeypatch.setattr(resources, "SEGMENTER_PATH", tmp_path / SEGMENTER_PATH.name)

    def retrain(name: str, like: os.PathLike) -> None:
        """Write the file ``name`` again with other weights (those of ``like``), a second later than before."""
        target = tmp_path / name
        stamp = target.stat().st_mtime_ns
        shutil.copy(like, target)
        os.utime(target, ns=(stamp + 1_000_000_000, stamp + 1_000_000_000))

    return tmp_path, retrain


def test_the_digit_model_is_loaded_once_and_again_only_when_its_file_is_written_anew(models):
    folder, retrain = models
    first = resources.predictor()
    assert resources.predictor() is first and resources.reader("plain").model_path == folder / DEFAULT_MODEL_PATH.name
    retrain(DEFAULT_MODEL_PATH.name, like=SCAN_MODEL_PATH)  # the scan reader's weights: another digit network
    second = resources.predictor()
    assert second is not first and second._model_bytes == SCAN_MODEL_PATH.read_bytes()
    assert first._model_bytes == DEFAULT_MODEL_PATH.read_bytes()  # a session still holding the old one can finish


def test_the_segment_model_and_the_scan_reader_are_loaded_again_when_written_anew(models):
    _, retrain = models
    segmenter, scans = resources.segmenter(), resources.predictor().scans
    retrain(SEGMENTER_PATH.name, like=SEGMENTER_PATH)
    retrain(SCAN_MODEL_PATH.name, like=DEFAULT_MODEL_PATH)
    assert resources.segmenter() is not segmenter
    assert resources.predictor().scans._model_bytes == DEFAULT_MODEL_PATH.read_bytes() != scans._model_bytes


def test_feedback_names_the_version_of_the_model_file_as_it_is_now(models):
    folder, retrain = models
    served = str(folder / DEFAULT_MODEL_PATH.name)
    assert feedback.served_model_version(served) == model_version(DEFAULT_MODEL_PATH)
    retrain(DEFAULT_MODEL_PATH.name, like=SCAN_MODEL_PATH)
    assert feedback.served_model_version(served) == model_version(SCAN_MODEL_PATH) != model_version(DEFAULT_MODEL_PATH)


def test_an_upload_on_screen_is_read_again_by_a_model_retrained_meanwhile(models, mnist):
    _, retrain = models
    _, test = mnist
    at = upload(page("app_pages/upload.py").run(), "seven.png", mnist_scan(test.x[0]))
    kept = at.session_state[LAST]
    at.run()  # a rerun, nothing changed: the kept reading stands
    assert at.session_state[LAST] is kept or at.session_state[LAST][1] is kept[1]
    retrain(DEFAULT_MODEL_PATH.name, like=SCAN_MODEL_PATH)
    at.run()
    assert not at.exception and at.session_state[LAST][0] != kept[0]
    assert next(m for m in at.metric if m.label == "Prediction").value == str(test.y[0])
