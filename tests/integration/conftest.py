"""Real databases for the feedback store: a SQLite file, and a PostgreSQL server started on loopback."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

from tests.e2e.browser import free_port


def _postgres_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL cluster on a free loopback port (HDR_TEST_POSTGRES_URL uses an existing one)."""
    if os.environ.get("HDR_TEST_POSTGRES_URL"):
        yield os.environ["HDR_TEST_POSTGRES_URL"]
        return
    initdb, pg_ctl = _postgres_bin("initdb"), _postgres_bin("pg_ctl")
    if not (initdb and pg_ctl):
        reason = "no PostgreSQL server here (Debian: apt install postgresql): PostgreSQL tests need one"
        pytest.fail(reason) if os.environ.get("HDR_REQUIRE_POSTGRES") else pytest.skip(reason)
    base = Path(tempfile.mkdtemp(prefix="hdr-postgres-"))  # outside pytest's root-only folders
    data, port = base / "data", free_port()
    as_user = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        shutil.chown(base, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    try:
        subprocess.run(as_user + [initdb, "-D", str(data), "-A", "trust", "-U", "hdr", "--no-sync"], check=True,
                       capture_output=True)
        subprocess.run(as_user + [pg_ctl, "-D", str(data), "-l", str(base / "log"), "-w", "-o",
                                  f"-p {port} -h 127.0.0.1 -k {base} -F", "start"], check=True, capture_output=True)
    except (subprocess.CalledProcessError, OSError) as err:
        reason = f"could not start PostgreSQL: {getattr(err, 'stderr', b'') or err}"
        pytest.fail(reason) if os.environ.get("HDR_REQUIRE_POSTGRES") else pytest.skip(reason)
    yield f"postgresql+psycopg://hdr@127.0.0.1:{port}/postgres"
    subprocess.run(as_user + [pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A fresh, empty database of each kind for one test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'feedback.db'}"
        return
    from sqlalchemy import create_engine, text

    server = request.getfixturevalue("postgres_server")
    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    yield server.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()
