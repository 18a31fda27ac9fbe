"""The committed model, on real data, through the real predictor."""

from __future__ import annotations

import json
import threading

import numpy as np
import pytest
from PIL import Image

import subprocess
import sys

from hdr_core import DEFAULT_MODEL_PATH, ModelNotFoundError, Predictor, load_model, preprocess, preprocess_steps
from hdr_core.data import Split, train_validation_split
from hdr_core.model import KERAS_MODEL_PATH, MODELS_DIR, SCAN_MODEL_PATH, export_tflite, readers
from hdr_core.numbers import SEGMENTER_PATH
from hdr_core.paper import keep_the_page
from hdr_core.robustness import canvas_accuracy, continental_readings, semeion_accuracy
from hdr_core.scaling import scale_uint8
from hdr_core.style import CONTINENTAL, PLAIN, weighed
from hdr_core.synth import NOTEBOOK_LINES, draw_like_canvas, low_resolution_scan, on_a_desk, photo_of_paper

EVALUATION = json.loads((MODELS_DIR / "evaluation.json").read_text())

# Issue #2's bars, checked here: 99.60% on the MNIST test set, 94% on Semeion (read with the scan reader
# since November 2026) and 98.5% on canvas drawings. Each test also checks that the figure in
# evaluation.json is reproduced exactly.
MNIST_BAR, SEMEION_BAR, CANVAS_BAR = 0.9960, 0.94, 0.985


@pytest.fixture(scope="module")
def predictor():
    return Predictor.from_file()


def test_the_committed_model_is_small_enough_to_ship():
    files = (DEFAULT_MODEL_PATH, KERAS_MODEL_PATH, SCAN_MODEL_PATH, SEGMENTER_PATH)
    assert sum(path.stat().st_size for path in files) <= 10 * 1024 * 1024


def test_reading_a_digit_never_imports_tensorflow_or_keras():
    code = (
        "import sys, numpy as np\n"
        "from hdr_core import Predictor\n"
        "Predictor.from_file().predict(np.zeros((28, 28), np.float32))\n"
        "assert not {'tensorflow', 'keras'} & set(sys.modules), 'inference pulled in TensorFlow'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_served_litert_model_with_8_bit_weights_reads_as_the_keras_model_does(predictor, mnist):
    _, test = mnist
    digits = scale_uint8(test.x[:200])
    keras_probabilities = load_model(KERAS_MODEL_PATH).predict(digits[..., None], verbose=0)
    served = predictor.network_probabilities(digits)
    np.testing.assert_array_equal(served.argmax(axis=1), keras_probabilities.argmax(axis=1))
    np.testing.assert_allclose(served, keras_probabilities, atol=0.05)
    assert EVALUATION["weights"].startswith("int8")


def test_converted_with_float_weights_the_litert_model_gives_the_keras_models_numbers(mnist, tmp_path):
    _, test = mnist
    digits = scale_uint8(test.x[:200])
    keras_model = load_model(KERAS_MODEL_PATH)
    exact = Predictor(export_tflite(keras_model, tmp_path / "float.tflite", int8_weights=False))
    np.testing.assert_allclose(exact.network_probabilities(digits), keras_model.predict(digits[..., None], verbose=0), atol=1e-4)
    assert (tmp_path / "float.tflite").stat().st_size > 3 * DEFAULT_MODEL_PATH.stat().st_size  # 32-bit against 8-bit


def test_the_committed_model_reads_the_mnist_test_set_as_evaluation_json_says(predictor, mnist):
    _, test = mnist
    predicted = predictor.probabilities(scale_uint8(test.x)).argmax(axis=1)
    accuracy = float((predicted == test.y).mean())
    assert len(test) == 10_000
    assert accuracy >= MNIST_BAR
    assert accuracy == pytest.approx(EVALUATION["test"]["accuracy"], abs=1e-4)
    assert sorted(np.flatnonzero(predicted != test.y).tolist()) == [m["index"] for m in EVALUATION["test"]["misclassified"]]


def test_real_handwriting_from_semeion_is_read_through_upload_preprocessing(predictor, semeion):
    readings = semeion_accuracy(predictor, semeion)
    assert len(readings.labels) == 1593
    assert readings.accuracy >= SEMEION_BAR
    assert readings.accuracy == pytest.approx(EVALUATION["robustness"]["semeion"]["accuracy"], abs=2e-3)


def test_canvas_style_redraws_of_all_test_digits_are_read(predictor, mnist):
    _, test = mnist
    readings = canvas_accuracy(predictor, test)
    assert readings.accuracy >= CANVAS_BAR
    assert readings.accuracy == pytest.approx(EVALUATION["robustness"]["canvas"]["accuracy"], abs=1e-3)


@pytest.mark.parametrize("lines", NOTEBOOK_LINES)
def test_digits_photographed_on_notebook_paper_are_cut_out_from_its_lines_and_read(predictor, mnist, lines):
    _, test = mnist
    rng = np.random.default_rng(3)
    for digit, label in zip(test.x[:8], test.y[:8]):
        steps = preprocess_steps(photo_of_paper(digit, rng, lines=lines))
        assert steps.cropped.shape[0] < 0.7 * steps.cleaned.shape[0]  # the digit (20-60% of the frame), not the page
        assert predictor.read(steps).prediction.digit == label


def test_digits_written_in_pencil_or_a_light_coloured_pen_and_photographed_are_read(predictor, mnist):
    _, test = mnist
    rng = np.random.default_rng(3)
    read = sum(predictor.read(photo_of_paper(digit, rng, ink_tone="light")).prediction.digit == label
               for digit, label in zip(test.x[:40], test.y[:40]))
    assert read >= 39  # all 40; 37 when the lit side of a page could make the ink out to be light on a dark ground


def test_digits_in_pencil_or_a_light_pen_on_squared_paper_are_read_as_well_as_they_are_apart_from_its_grid(predictor, mnist):
    _, test = mnist
    rng = np.random.default_rng(3)
    read = sum(predictor.read(photo_of_paper(digit, rng, lines="squared", ink_tone="light")).prediction.digit == label
               for digit, label in zip(test.x[:100], test.y[:100]))
    assert read >= 98  # 99; 94 when lines along the frame's edge or cutting its corner stayed, and pencil's pores hid its pen


def test_digits_on_a_page_photographed_lying_on_a_desk_are_read(predictor, mnist):
    _, test = mnist
    rng = np.random.default_rng(3)
    found = read = 0
    for digit, label in zip(test.x[:8], test.y[:8]):
        steps = preprocess_steps(on_a_desk(photo_of_paper(digit, rng), rng))
        found += steps.cropped.shape[0] < 0.5 * steps.cleaned.shape[0]  # the digit, not the desk around the page
        read += predictor.read(steps).prediction.digit == label
    assert found == 8 and read >= 7  # one page here is half in shadow: found at a lower shade (PAGE_SHADES)


def test_digits_written_large_on_a_note_on_a_desk_keep_the_strokes_that_run_to_its_edge(predictor, mnist):
    _, test = mnist
    rng = np.random.default_rng(3)
    read = 0
    for digit, label in zip(test.x[:40], test.y[:40]):  # 60-90% of the frame high: strokes often run off the note
        read += predictor.read(on_a_desk(photo_of_paper(digit, rng, ink_height=(0.6, 0.9)), rng)).prediction.digit == label
    assert read >= 37  # 38 of these 40; 35 before bold strokes were given back (NOTCHED_BOLDER), 31 when all were blanked


def test_light_digits_on_a_dark_ground_are_not_taken_for_notes_notched_by_bold_strokes(mnist):
    # Two validation 3s enlarged white on black: with bolder notches given back (NOTCHED_BOLDER), their outlines passed
    # as notes on a dark desk (0.87-0.88 rectangular) and the paper's grey was carried into them (read 9 and 5).
    _, validation = train_validation_split(mnist[0], 5000, 42)
    for i in (3384, 4217):
        gray = np.asarray(Image.fromarray(validation.x[i]).resize((280, 280), Image.Resampling.BILINEAR), np.float32) / 255
        np.testing.assert_array_equal(keep_the_page(gray), gray)


def test_digits_on_a_page_photographed_lying_on_a_pale_desk_are_read(predictor, mnist):
    _, test = mnist
    rng = np.random.default_rng(3)
    found = read = 0
    for digit, label in zip(test.x[:8], test.y[:8]):
        steps = preprocess_steps(on_a_desk(photo_of_paper(digit, rng), rng, pale=True))
        found += steps.cropped.shape[0] < 0.5 * steps.cleaned.shape[0]  # the digit, not the page's edges
        read += predictor.read(steps).prediction.digit == label
    assert found >= 7 and read >= 7  # 92.60% of validation photos on pale desks are read (bench/photos.py): 7 of these 8


def test_one_digit_and_a_batch_give_the_same_readings(predictor, mnist):
    _, test = mnist
    digits = scale_uint8(test.x[:64])
    batch = predictor.predict_many(digits)
    singles = [predictor.predict(d) for d in digits]
    assert [p.digit for p in batch] == [p.digit for p in singles]
    np.testing.assert_allclose([p.probabilities for p in batch], [p.probabilities for p in singles], atol=1e-5)
    assert sum(batch[i].digit == test.y[i] for i in range(64)) >= 63
    assert all(abs(sum(p.probabilities) - 1.0) < 1e-4 for p in batch)


@pytest.mark.parametrize("count", [3, 9, 64, 130])
def test_batches_of_any_size_are_read_whole_and_in_order(predictor, mnist, count):
    _, test = mnist
    probabilities = predictor.probabilities(scale_uint8(test.x[:count]))
    assert probabilities.shape == (count, 10)
    last = predictor.probabilities(scale_uint8(test.x[count - 1]))[0]
    np.testing.assert_allclose(probabilities[-1], last, atol=1e-5)


def test_many_threads_sharing_one_predictor_get_their_own_answers(predictor, mnist):
    _, test = mnist
    digits = scale_uint8(test.x[:400])
    expected = [p.digit for p in predictor.predict_many(digits)]
    results: dict[int, int] = {}
    errors: list[BaseException] = []

    def worker(start: int) -> None:
        try:
            for i in range(start, len(digits), 8):
                results[i] = predictor.predict(digits[i]).digit
        except BaseException as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert [results[i] for i in range(len(digits))] == expected


def test_a_drawn_digit_goes_from_pixels_to_the_right_answer(predictor):
    from tests.conftest import drawn_seven

    assert predictor.predict(preprocess(drawn_seven())).digit == 7


def test_a_missing_model_file_raises_a_named_error(tmp_path):
    with pytest.raises(ModelNotFoundError):
        load_model(tmp_path / "nothing.keras")


def test_an_ensemble_gives_the_mean_of_its_members_probabilities():
    import keras

    from hdr_core.model import build_ensemble, build_model

    keras.utils.set_random_seed(1)
    members = [build_model(), build_model()]
    digits = np.random.default_rng(0).random((4, 28, 28, 1)).astype(np.float32)
    expected = (members[0].predict(digits, verbose=0) + members[1].predict(digits, verbose=0)) / 2
    np.testing.assert_allclose(build_ensemble(members).predict(digits, verbose=0), expected, atol=1e-6)


def test_an_ensemble_taken_apart_gives_back_its_members_in_order():
    import keras

    from hdr_core.model import build_ensemble, build_model, ensemble_members

    keras.utils.set_random_seed(2)
    members = [build_model(), build_model(), build_model()]
    digits = np.random.default_rng(1).random((4, 28, 28, 1)).astype(np.float32)
    taken = ensemble_members(build_ensemble(members))
    assert [m.name for m in taken] == ["member_1", "member_2", "member_3"]
    for original, again in zip(members, taken):
        np.testing.assert_array_equal(again.predict(digits, verbose=0), original.predict(digits, verbose=0))
    with pytest.raises(ValueError, match="not an average"):
        ensemble_members(members[0])


def test_the_served_reader_leaves_sure_digits_to_the_network_and_averages_unsure_ones_with_their_variants(predictor, mnist):
    from hdr_core.numbers import default_segmenter
    from hdr_core.variants import UNSURE_BELOW, variants

    _, test = mnist
    digits = scale_uint8(test.x[:2000])
    plain = predictor.network_probabilities(digits)
    served = predictor.probabilities(digits)
    sure = plain.max(axis=1) >= UNSURE_BELOW
    assert 0 < (~sure).sum() < 0.1 * len(digits)  # a few, not none
    np.testing.assert_array_equal(served[sure], plain[sure])
    for i in np.flatnonzero(~sure)[:20]:
        expected = (plain[i] + predictor.network_probabilities(variants(digits[i])).sum(axis=0)) / (1 + len(variants(digits[i])))
        np.testing.assert_allclose(served[i], expected, atol=1e-5)
    assert not default_segmenter().variants  # the segment model answers another question: no variants


def test_a_predictor_in_a_style_shares_its_network_and_weighs_only_its_readings_of_digits(predictor, mnist):
    _, test = mnist
    continental = predictor.in_style(CONTINENTAL)
    assert continental._pools is predictor._pools and predictor.style == PLAIN  # the plain one is left as it was
    assert continental.in_style(CONTINENTAL) is continental and predictor.in_style(PLAIN) is predictor
    digits = scale_uint8(test.x[:64])
    assert np.array_equal(continental.network_probabilities(digits), predictor.network_probabilities(digits))
    assert np.allclose(continental.probabilities(digits), weighed(predictor.probabilities(digits), CONTINENTAL))
    with pytest.raises(ValueError):
        predictor.in_style("cursive")


def test_flagged_ones_are_read_as_ones_in_the_continental_style_and_crossed_sevens_stay_sevens(predictor, mnist):
    _, test = mnist
    some = Split(test.x[:1000], test.y[:1000])  # about 220 1s and 7s, drawn with a flag and a bar
    plain = continental_readings(predictor, some)
    styled = continental_readings(predictor.in_style(CONTINENTAL), some)
    ones, sevens = plain.labels == 1, plain.labels == 7
    assert (styled.predicted[ones] == 1).sum() > (plain.predicted[ones] == 1).sum()
    assert (styled.predicted[ones] == 1).mean() >= 0.9 and (styled.predicted[sevens] == 7).mean() >= 0.9


def test_low_resolution_scans_are_read_by_the_scan_reader_and_everything_else_by_the_digit_model(predictor, mnist):
    _, test = mnist
    assert predictor.scans is not None and predictor.scans.model_path == SCAN_MODEL_PATH
    rng = np.random.default_rng(0)
    scans = [preprocess_steps(low_resolution_scan(digit, rng)) for digit in test.x[:40]]
    drawings = [preprocess_steps(draw_like_canvas(digit, rng)) for digit in test.x[:40]]
    assert all(s.low_resolution_scan for s in scans) and not any(d.low_resolution_scan for d in drawings)
    for steps, network in [*((s, predictor.scans) for s in scans[:3]), *((d, predictor) for d in drawings[:3])]:
        assert predictor.read(steps).prediction == network.predict(steps.result)
    flags = [s.low_resolution_scan for s in (scans[0], drawings[0], scans[1])]
    assert [(reader.model_path.name, positions) for reader, positions in readers(predictor, flags)] == [
        ("digit_cnn.tflite", [1]), ("digit_scans.tflite", [0, 2])]
    # The two networks differ: on these scans the readings are not all the same.
    assert not np.allclose(predictor.scans.probabilities(np.stack([s.result for s in scans])),
                           predictor.probabilities(np.stack([s.result for s in scans])), atol=1e-3)
    assert sum(predictor.read(s).prediction.digit == y for s, y in zip(scans, test.y)) >= 38


def test_a_scan_read_in_a_style_is_weighed_for_it_by_the_scan_reader(predictor, mnist):
    _, test = mnist
    steps = preprocess_steps(low_resolution_scan(test.x[0], np.random.default_rng(1)))
    continental = predictor.in_style(CONTINENTAL)
    expected = weighed(predictor.scans.probabilities(steps.result), CONTINENTAL)[0]
    np.testing.assert_allclose(continental.read(steps).prediction.probabilities, expected, atol=1e-6)
    assert continental.reader_for(steps.low_resolution_scan).model_path == SCAN_MODEL_PATH


def test_a_digit_model_in_a_folder_without_a_scan_reader_reads_scans_itself(tmp_path, mnist):
    _, test = mnist
    alone = tmp_path / DEFAULT_MODEL_PATH.name
    alone.write_bytes(DEFAULT_MODEL_PATH.read_bytes())
    reader = Predictor.from_file(alone)
    steps = preprocess_steps(low_resolution_scan(test.x[0], np.random.default_rng(2)))
    assert reader.scans is None and reader.reader_for(steps.low_resolution_scan) is reader
    assert reader.read(steps).prediction == Predictor(DEFAULT_MODEL_PATH).predict(steps.result)
    assert Predictor.from_file(SEGMENTER_PATH, variants=False).scans is None  # not a digit model
