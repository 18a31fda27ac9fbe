"""Corrections are stored exactly, concurrently, durably, and only when valid, in SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from hdr_core.feedback import SCHEMA_VERSION, FeedbackRecord, FeedbackStore, InvalidFeedbackError, png_bytes

ROOT = Path(__file__).resolve().parents[2]


def record(label: int = 4, predicted: int = 9, seed: int = 0) -> FeedbackRecord:
    rng = np.random.default_rng(seed)
    model_input = rng.random((28, 28), dtype=np.float32)
    return FeedbackRecord(image_png=png_bytes(Image.fromarray((model_input * 255).astype(np.uint8))),
                          model_input=model_input, predicted=predicted, label=label, confidence=0.61,
                          model_version="abc123def456", source="draw")


def test_a_correction_comes_back_exactly_as_it_was_stored(database_url):
    store = FeedbackStore(database_url)
    original = record()
    new_id = store.add(original)
    [back] = store.records()
    assert back.id == new_id and store.count() == 1
    assert (back.label, back.predicted, back.source, back.model_version, back.style) == (4, 9, "draw", "abc123def456", "plain")
    assert back.image_png == original.image_png and back.confidence == pytest.approx(0.61)
    np.testing.assert_array_equal(back.model_input, original.model_input)
    assert not back.correct and store.records(wrong_only=True)[0].id == new_id
    store.dispose()


def test_the_schema_is_created_once_and_versioned(database_url):
    FeedbackStore(database_url).add(record())
    again = FeedbackStore(database_url)  # opening an existing database keeps its rows and its version
    from sqlalchemy import select

    with again.engine.connect() as connection:
        assert connection.execute(select(again.schema_info.c.version)).scalars().all() == [SCHEMA_VERSION]
    assert again.count() == 1
    again.dispose()


def test_a_version_1_database_is_brought_up_to_date_when_opened_and_keeps_its_rows(database_url):
    from sqlalchemy import Column, DateTime, Float, Integer, LargeBinary, MetaData, SmallInteger, String, Table, create_engine, select

    old = record()
    metadata = MetaData()  # the schema as version 1 made it: no style column
    feedback = Table("feedback", metadata, Column("id", Integer, primary_key=True, autoincrement=True),
                     Column("created_at", DateTime(timezone=True), nullable=False), Column("source", String(16), nullable=False),
                     Column("predicted", SmallInteger, nullable=False), Column("label", SmallInteger, nullable=False),
                     Column("confidence", Float, nullable=False), Column("model_version", String(64), nullable=False),
                     Column("image_png", LargeBinary, nullable=False), Column("model_input", LargeBinary, nullable=False))
    schema_info = Table("schema_info", metadata, Column("version", Integer, nullable=False))
    engine = create_engine(database_url)
    with engine.begin() as connection:
        metadata.create_all(connection)
        connection.execute(schema_info.insert().values(version=1))
        connection.execute(feedback.insert().values(
            created_at=old.created_at, source="draw", predicted=9, label=4, confidence=0.61, model_version="abc123def456",
            image_png=old.image_png, model_input=old.model_input.tobytes()))
    engine.dispose()

    store = FeedbackStore(database_url)
    [kept] = store.records()
    assert (kept.label, kept.predicted, kept.style) == (4, 9, "plain")  # read before the setting existed
    store.add(dataclasses.replace(record(), style="continental"))
    assert [r.style for r in store.records()] == ["continental", "plain"]
    with store.engine.connect() as connection:
        assert connection.execute(select(store.schema_info.c.version)).scalars().all() == [SCHEMA_VERSION]
    store.dispose()


def test_twenty_threads_writing_fifty_records_each_lose_none(database_url):
    store = FeedbackStore(database_url)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for k in range(50):
                store.add(record(label=k % 10, predicted=(k + n) % 10, seed=n * 100 + k))
        except BaseException as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert store.count() == 1000
    assert len({r.id for r in store.records()}) == 1000
    store.dispose()


WRITER = """
import sys, numpy as np
from tests.integration.test_feedback import record
from hdr_core.feedback import FeedbackStore
store = FeedbackStore(sys.argv[1])
for k in range(100000):
    new_id = store.add(record(label=k % 10, seed=k))
    print(new_id, flush=True)  # printed only after the commit returned
"""


def test_a_writer_killed_mid_stream_leaves_every_committed_row_intact(database_url):
    FeedbackStore(database_url).dispose()  # schema first, so the writer only inserts
    writer = subprocess.Popen([sys.executable, "-c", WRITER, database_url], cwd=ROOT, stdout=subprocess.PIPE,
                              text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    committed = []
    deadline = time.monotonic() + 60
    while len(committed) < 150 and time.monotonic() < deadline:
        committed.append(int(writer.stdout.readline()))
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    committed += [int(line) for line in writer.stdout.read().split()]
    assert len(committed) >= 150
    store = FeedbackStore(database_url)
    stored = {r.id: r for r in store.records()}
    assert set(committed) <= set(stored)
    assert all(stored[i].model_input.shape == (28, 28) for i in committed)
    if database_url.startswith("sqlite"):
        from sqlalchemy import text

        with store.engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    store.dispose()


@pytest.mark.parametrize(
    "change",
    [
        {"label": 12}, {"label": -1}, {"predicted": 10}, {"label": True}, {"label": "4"},
        {"image_png": b""}, {"image_png": b"GIF89a not a png"},
        {"model_input": np.zeros((27, 28), np.float32)}, {"model_input": np.full((28, 28), 2.0, np.float32)},
        {"confidence": 1.5}, {"source": "camera"}, {"model_version": ""}, {"style": "cursive"},
    ],
    ids=lambda c: next(iter(c)) + "=" + repr(next(iter(c.values())))[:12],
)
def test_bad_values_are_refused_with_a_clear_error_and_nothing_is_written(database_url, change):
    store = FeedbackStore(database_url)
    with pytest.raises(InvalidFeedbackError) as caught:
        store.add(dataclasses.replace(record(), **change))
    assert str(caught.value)
    assert store.count() == 0
    store.dispose()


def test_the_database_itself_refuses_a_label_that_is_not_a_digit(database_url):
    from sqlalchemy.exc import IntegrityError

    store = FeedbackStore(database_url)
    good = record()
    with pytest.raises(IntegrityError), store.engine.begin() as connection:
        connection.execute(store.table.insert().values(
            created_at=good.created_at, source="draw", predicted=1, label=12, confidence=0.5, model_version="x",
            image_png=good.image_png, model_input=good.model_input.tobytes()))
    assert store.count() == 0
    store.dispose()


def test_corrections_export_as_an_npz_in_mnist_layout(tmp_path):
    store = FeedbackStore(f"sqlite:///{tmp_path / 'f.db'}")
    for k in range(5):
        store.add(record(label=k, seed=k))
    out = tmp_path / "feedback.npz"
    subprocess.run([sys.executable, "-m", "hdr_core.feedback", "export", str(out), "--url", store.url], cwd=ROOT,
                   check=True, capture_output=True)
    with np.load(out) as data:
        assert data["x_train"].shape == (5, 28, 28) and data["x_train"].dtype == np.uint8
        assert data["y_train"].tolist() == [0, 1, 2, 3, 4] and data["x_test"].shape == (0, 28, 28)
    store.dispose()
