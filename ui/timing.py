"""Server-side cost of each script run, for the load benchmark: on only when HDR_RERUN_LOG names a file."""

from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager

RERUN_LOG_ENV = "HDR_RERUN_LOG"
_lock = threading.Lock()


@contextmanager
def rerun_timer(page: str = ""):
    """Append '<page> <milliseconds>' to the log after the script run, however it ends (st.stop too)."""
    log = os.environ.get(RERUN_LOG_ENV)
    started = time.perf_counter()
    try:
        yield
    finally:
        if log:
            with _lock, open(log, "a") as out:
                out.write(f"{page} {(time.perf_counter() - started) * 1e3:.2f}\n")
