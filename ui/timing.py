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
    """Append '<page> <wall ms> <cpu ms>' after each script run, however it ends (st.stop too).

    Wall time includes waiting for the CPU while other sessions run; CPU time is this script
    thread's own work (LiteRT runs in the calling thread, so the model's work is counted).
    """
    log = os.environ.get(RERUN_LOG_ENV)
    wall, cpu = time.perf_counter(), time.thread_time()
    try:
        yield
    finally:
        if log:
            line = f"{page} {(time.perf_counter() - wall) * 1e3:.2f} {(time.thread_time() - cpu) * 1e3:.2f}\n"
            with _lock, open(log, "a") as out:
                out.write(line)
