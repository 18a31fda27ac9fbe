"""Corrections people choose to send: stored through SQLAlchemy (SQLite by default, any URL instead).

    python -m hdr_core.feedback count  [--url URL]
    python -m hdr_core.feedback export out.npz [--url URL]     # MNIST layout, for train.py --feedback

Nothing is stored unless a person submits it. The schema is created on first use and versioned
(table ``schema_info``; an older database is brought up to date when opened, its rows kept); SQLite
files use write-ahead logging, so a writer killed mid-stream leaves every committed row intact.
"""

from __future__ import annotations

import argparse
import io
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from .constants import IMAGE_SIZE, NUM_CLASSES
from .errors import HdrError
from .style import PLAIN, STYLES

FEEDBACK_URL_ENV = "HDR_FEEDBACK_URL"
DEFAULT_DB = Path(__file__).resolve().parent.parent / "data" / "feedback.db"
SCHEMA_VERSION = 2
"""1: the first schema. 2: the writing style each reading was weighed for (``hdr_core.style``), "plain" for
the rows a version-1 database already held (the setting did not exist)."""
SOURCES = ("draw", "upload")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class InvalidFeedbackError(HdrError, ValueError):
    """A correction that cannot be stored as it is (a label of 12, an empty image...); nothing is written."""


@dataclass(frozen=True)
class FeedbackRecord:
    """One correction: what the model saw and said, and what the person says it is."""

    image_png: bytes
    model_input: np.ndarray
    predicted: int
    label: int
    confidence: float
    model_version: str
    source: str
    style: str = PLAIN  # the writing style the reading was weighed for (hdr_core.style)
    created_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    id: int | None = None

    @property
    def correct(self) -> bool:
        return self.predicted == self.label

    def validate(self) -> None:
        """Raise ``InvalidFeedbackError`` naming the first value that cannot be stored."""
        for name in ("predicted", "label"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 0 <= value < NUM_CLASSES:
                raise InvalidFeedbackError(f"{name} must be a digit 0-9, not {value!r}")
        if not isinstance(self.image_png, (bytes, bytearray)) or not bytes(self.image_png).startswith(PNG_SIGNATURE):
            raise InvalidFeedbackError("the image must be a non-empty PNG")
        array = np.asarray(self.model_input)
        if array.shape != (IMAGE_SIZE, IMAGE_SIZE) or not np.isfinite(array).all() or array.min() < 0 or array.max() > 1:
            raise InvalidFeedbackError("the model input must be a 28x28 array of values in [0, 1]")
        if not 0.0 <= float(self.confidence) <= 1.0:
            raise InvalidFeedbackError(f"confidence must lie in [0, 1], not {self.confidence!r}")
        if self.source not in SOURCES:
            raise InvalidFeedbackError(f"source must be one of {SOURCES}, not {self.source!r}")
        if self.style not in STYLES:
            raise InvalidFeedbackError(f"style must be one of {STYLES}, not {self.style!r}")
        if not self.model_version or len(self.model_version) > 64:
            raise InvalidFeedbackError("the model version must be a short non-empty string")


def default_url() -> str:
    """HDR_FEEDBACK_URL if set, else a SQLite file in the repository's data/ folder."""
    return os.environ.get(FEEDBACK_URL_ENV) or f"sqlite:///{DEFAULT_DB}"


def _tables():
    from sqlalchemy import (CheckConstraint, Column, DateTime, Float, Integer, LargeBinary, MetaData, SmallInteger,
                            String, Table)

    metadata = MetaData()
    feedback = Table(
        "feedback", metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("source", String(16), nullable=False),
        Column("predicted", SmallInteger, nullable=False),
        Column("label", SmallInteger, nullable=False),
        Column("confidence", Float, nullable=False),
        Column("model_version", String(64), nullable=False),
        Column("style", String(16), nullable=False, server_default=PLAIN),
        Column("image_png", LargeBinary, nullable=False),
        Column("model_input", LargeBinary, nullable=False),  # 28x28 float32, C order
        CheckConstraint("predicted BETWEEN 0 AND 9", name="predicted_is_a_digit"),
        CheckConstraint("label BETWEEN 0 AND 9", name="label_is_a_digit"),
        CheckConstraint("source IN ('draw', 'upload')", name="known_source"),
    )
    schema_info = Table("schema_info", metadata, Column("version", Integer, nullable=False))
    return metadata, feedback, schema_info


class FeedbackStore:
    """Where corrections are kept; safe to share between threads (SQLAlchemy's pool does the locking)."""

    def __init__(self, url: str | None = None) -> None:
        from sqlalchemy import create_engine, event, select

        self.url = url or default_url()
        if self.url.startswith("sqlite:///"):
            Path(self.url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
            self.engine = create_engine(self.url, connect_args={"timeout": 30})

            @event.listens_for(self.engine, "connect")
            def _wal(connection, _record):  # readers never block the writer; a killed writer loses nothing committed
                cursor = connection.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.close()
        else:
            self.engine = create_engine(self.url, pool_pre_ping=True, pool_size=5, max_overflow=20)
        self.metadata, self.table, self.schema_info = _tables()
        with self.engine.begin() as connection:
            self.metadata.create_all(connection)
            version = connection.execute(select(self.schema_info.c.version)).scalar()
            if version is None:
                connection.execute(self.schema_info.insert().values(version=SCHEMA_VERSION))
            elif version > SCHEMA_VERSION:
                raise HdrError(f"the feedback database has schema version {version}; this app knows {SCHEMA_VERSION}")
            elif version < SCHEMA_VERSION:
                self._upgrade(connection, version)

    def _upgrade(self, connection, version: int) -> None:
        """Bring a database of an older schema version up to ``SCHEMA_VERSION`` in the opening transaction."""
        from sqlalchemy import text

        if version < 2:  # its readings were all plain: the style setting came with version 2
            connection.execute(text(f"ALTER TABLE feedback ADD COLUMN style VARCHAR(16) DEFAULT '{PLAIN}' NOT NULL"))
        connection.execute(self.schema_info.update().values(version=SCHEMA_VERSION))

    def add(self, record: FeedbackRecord) -> int:
        """Store one correction in its own transaction; returns its id. Invalid records write nothing."""
        record.validate()
        values = {
            "created_at": record.created_at, "source": record.source, "predicted": int(record.predicted),
            "label": int(record.label), "confidence": float(record.confidence), "model_version": record.model_version,
            "style": record.style,
            "image_png": bytes(record.image_png),
            "model_input": np.ascontiguousarray(record.model_input, dtype=np.float32).tobytes(),
        }
        with self.engine.begin() as connection:
            return int(connection.execute(self.table.insert().values(**values)).inserted_primary_key[0])

    def count(self) -> int:
        from sqlalchemy import func, select

        with self.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(self.table)).scalar())

    def records(self, wrong_only: bool = False, limit: int | None = None) -> list[FeedbackRecord]:
        """Corrections, newest first."""
        from sqlalchemy import select

        query = select(self.table).order_by(self.table.c.id.desc()).limit(limit)
        if wrong_only:
            query = query.where(self.table.c.label != self.table.c.predicted)
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [
            FeedbackRecord(
                image_png=bytes(r["image_png"]),
                model_input=np.frombuffer(r["model_input"], dtype=np.float32).reshape(IMAGE_SIZE, IMAGE_SIZE),
                predicted=int(r["predicted"]), label=int(r["label"]), confidence=float(r["confidence"]),
                model_version=r["model_version"], source=r["source"], style=r["style"], created_at=r["created_at"],
                id=int(r["id"]),
            )
            for r in rows
        ]

    def export_npz(self, path: str | Path) -> int:
        """Write every correction as an .npz in MNIST layout (x_train uint8, ink = 255; y_train = label)."""
        records = self.records()[::-1]
        x = np.array([np.round(r.model_input * 255) for r in records], dtype=np.uint8).reshape(-1, IMAGE_SIZE, IMAGE_SIZE)
        y = np.array([r.label for r in records], dtype=np.uint8)
        empty_x, empty_y = np.zeros((0, IMAGE_SIZE, IMAGE_SIZE), np.uint8), np.zeros((0,), np.uint8)
        np.savez_compressed(path, x_train=x, y_train=y, x_test=empty_x, y_test=empty_y)
        return len(records)

    def dispose(self) -> None:
        self.engine.dispose()


def png_bytes(image) -> bytes:
    """A PIL image as PNG bytes, for ``FeedbackRecord.image_png``."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m hdr_core.feedback", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["count", "export"])
    parser.add_argument("path", nargs="?", help="export: the .npz to write")
    parser.add_argument("--url", default=None, help=f"SQLAlchemy URL (default: ${FEEDBACK_URL_ENV} or {DEFAULT_DB})")
    args = parser.parse_args(argv)
    store = FeedbackStore(args.url)
    if args.command == "count":
        print(store.count())
    else:
        if not args.path:
            parser.error("export needs the path of the .npz to write")
        print(f"wrote {store.export_npz(args.path)} corrections to {args.path}")


if __name__ == "__main__":
    main()
