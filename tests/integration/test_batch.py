"""Reading many files: bad files are reported one by one, good ones are still read, CSV is exact."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from PIL import Image

from hdr_core import Predictor, preprocess_steps
from hdr_core.batch import expand_files, read_files, to_csv
from hdr_core.synth import draw_underlined_number, low_resolution_scan
from tests.bad_files import mutants, pdf_of, seven, tiff_of
from tests.conftest import png_bytes, zipped


@pytest.fixture(scope="module")
def predictor():
    return Predictor.from_file()


def scans(mnist, count):
    _, test = mnist
    return [(f"digit-{i}.png", png_bytes(Image.fromarray(255 - test.x[i]).resize((112, 112)))) for i in range(count)], test.y[:count]


def test_bad_files_get_their_error_and_the_rest_are_still_read(predictor, mnist):
    files, labels = scans(mnist, 6)
    files.insert(2, ("broken.png", b"garbage"))
    files.append(("blank.png", png_bytes(Image.new("L", (50, 50), 255))))
    progress = []
    readings = read_files(predictor, files, total=len(files), on_progress=lambda done, total: progress.append((done, total)))
    assert [r.name for r in readings] == [name for name, _ in files]
    assert progress[-1] == (8, 8) and len(progress) == 8
    assert readings[2].text is None and "not an image" in readings[2].error
    assert readings[-1].text is None and "No digit" in readings[-1].error
    good = [r for r in readings if r.error is None]
    assert [r.text for r in good] == [str(y) for y in labels]
    assert all(r.thumbnail().startswith("data:image/png;base64,") for r in good)
    assert readings[2].picture is None  # not an image: nothing to show
    for reading, size in ((good[0], (96, 96)), (readings[-1], (50, 50))):  # a blank page shows itself beside its error
        assert Image.open(io.BytesIO(reading.picture)).size == size and reading.picture_url().startswith("data:image/png;base64,")


def test_the_csv_has_one_row_per_file_with_names_kept_as_plain_text(predictor, mnist):
    files, _ = scans(mnist, 2)
    files.append(('<b>"odd", name</b>.png', b""))
    rows = list(csv.reader(io.StringIO(to_csv(read_files(predictor, files)))))
    assert rows[0] == ["file", "reading", "confidence", "error"]
    assert len(rows) == 4 and rows[3][0] == '<b>"odd", name</b>.png' and rows[3][1] == "" and rows[3][3]
    assert 0.0 <= float(rows[1][2]) <= 1.0


def test_a_file_holding_a_whole_number_is_read_as_one_and_its_digits_shown_side_by_side(predictor, mnist):
    from tests.integration.test_numbers import written

    apart, apart_truth = written(mnist, [0, 1, 2])
    touching, touching_truth = written(mnist, [3, 4], gap=-4)
    files, labels = scans(mnist, 2)
    files += [("year.png", png_bytes(Image.fromarray(apart))), ("pair.png", png_bytes(Image.fromarray(touching)))]
    readings = read_files(predictor, files)
    assert [r.text for r in readings] == [str(y) for y in labels] + [apart_truth, touching_truth]
    assert readings[2].model_input.shape == (28, 28 * len(apart_truth))
    assert 0.0 < readings[2].confidence <= 1.0


def test_an_empty_batch_reads_nothing(predictor):
    assert read_files(predictor, []) == []


def test_a_zip_archive_is_read_image_by_image_in_name_order_beside_the_other_files(predictor, mnist):
    files, labels = scans(mnist, 5)
    archive = zipped({"scans/digit-10.png": files[2][1], "scans/digit-9.png": files[3][1], "scans/broken.png": b"garbage",
                      "scans/readme.txt": b"hello", "__MACOSX/scans/._digit-9.png": b"resource fork"})
    opened = expand_files([files[0], ("scans.zip", archive), files[1], ("cut.zip", archive[: len(archive) // 2]), files[4]])
    readings = read_files(predictor, opened.files)
    assert [(r.name, r.text) for r in readings] == [
        ("digit-0.png", str(labels[0])), ("scans.zip/scans/broken.png", None), ("scans.zip/scans/digit-9.png", str(labels[3])),
        ("scans.zip/scans/digit-10.png", str(labels[2])), ("digit-1.png", str(labels[1])), ("cut.zip", None),
        ("digit-4.png", str(labels[4]))]
    assert "not an image" in readings[1].error and "ZIP archive" in readings[5].error
    assert opened.left_out == (("scans.zip/scans/readme.txt", "not an image"),)


def test_every_page_of_a_scanned_pdf_is_read_in_order_and_a_broken_pdf_is_one_error(predictor, mnist):
    from tests.bad_files import pdf_of

    _, test = mnist
    pages = [Image.fromarray(255 - test.x[i]).resize((280, 280)) for i in range(3)]
    document = pdf_of(*pages)
    opened = expand_files([("scans.pdf", document), ("cut.pdf", document[: len(document) // 3])])
    readings = read_files(predictor, opened.files)
    assert [(r.name, r.text) for r in readings] == [
        ("scans.pdf, page 1", str(test.y[0])), ("scans.pdf, page 2", str(test.y[1])), ("scans.pdf, page 3", str(test.y[2])),
        ("cut.pdf", None)]
    assert "PDF" in readings[-1].error and opened.left_out == ()


def test_a_scanned_pdf_inside_a_zip_archive_is_read_page_by_page_beside_its_images(predictor, mnist):
    from tests.bad_files import pdf_of

    files, labels = scans(mnist, 4)
    _, test = mnist
    document = pdf_of(*(Image.fromarray(255 - test.x[i]).resize((280, 280)) for i in (2, 3)))
    archive = zipped({"scans/a.png": files[0][1], "scans/b.pdf": document, "scans/c.png": files[1][1]})
    readings = read_files(predictor, expand_files([("scans.zip", archive)]).files)
    assert [(r.name, r.text) for r in readings] == [
        ("scans.zip/scans/a.png", str(labels[0])), ("scans.zip/scans/b.pdf, page 1", str(labels[2])),
        ("scans.zip/scans/b.pdf, page 2", str(labels[3])), ("scans.zip/scans/c.png", str(labels[1]))]


def test_every_page_of_a_multi_page_tiff_is_read_and_a_damaged_one_is_an_error_not_a_crash(predictor, mnist):
    from tests.bad_files import tiff_of

    _, test = mnist
    document = tiff_of(*(Image.fromarray(255 - test.x[i]).resize((280, 280)) for i in range(3)))
    readings = read_files(predictor, expand_files([("fax.tif", document)]).files)
    assert [(r.name, r.text) for r in readings] == [(f"fax.tif, page {i + 1}", str(test.y[i])) for i in range(3)]
    for cut in (len(document) // 3, 2 * len(document) // 3, len(document) - 10):
        readings = read_files(predictor, expand_files([("cut.tif", document[:cut])]).files)
        assert readings and all(r.error or r.text for r in readings)


def test_in_a_batch_low_resolution_scans_are_read_by_the_scan_reader_and_the_other_files_by_the_digit_model(predictor, mnist):
    _, test = mnist
    rng = np.random.default_rng(3)
    files, labels = scans(mnist, 3)
    files += [(f"scan-{i}.png", low_resolution_scan(test.x[i], rng)) for i in range(3, 6)]
    readings = read_files(predictor, files)
    for (name, data), reading in zip(files, readings):
        steps = preprocess_steps(data)
        network = predictor.scans if name.startswith("scan-") else predictor
        assert steps.low_resolution_scan == name.startswith("scan-")
        expected = network.probabilities(steps.result)[0]
        assert reading.text == str(int(expected.argmax())) and reading.confidence == pytest.approx(float(expected.max()), abs=1e-6)
    assert [r.text for r in readings] == [str(y) for y in test.y[:6]]


def test_a_digit_with_a_line_under_it_is_read_without_the_line(predictor, mnist):
    _, test = mnist
    image, bare, _, _ = draw_underlined_number([test.x[0]], np.random.default_rng(0))  # a 7: read as 2 with its line
    readings = read_files(predictor, [("underlined.png", png_bytes(image)), ("bare.png", png_bytes(bare))])
    assert [r.text for r in readings] == ["7", "7"]
    assert np.array_equal(readings[0].model_input, readings[1].model_input)  # the line left out, nothing else


def test_a_damaged_archive_pdf_or_multi_page_tiff_gives_a_reading_or_a_message_for_each_file_or_page(predictor):
    batches = {"scans.zip": zipped({"a.png": png_bytes(seven()), "b.jpg": png_bytes(seven("RGB"), format="JPEG")}),
               "scans.pdf": pdf_of(seven(), seven()), "fax.tif": tiff_of(seven(), seven())}
    for name, data in batches.items():
        for damaged in mutants(data, 40, seed=len(data)):
            opened = expand_files([(name, damaged)])
            readings = read_files(predictor, opened.files)  # only a named InputError is caught there, into the reading
            assert len(readings) == len(opened.files) >= 1
            assert all((r.error is None) != (r.text is None) for r in readings)
