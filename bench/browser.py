"""Responsiveness in a real browser: mouse-up to new prediction shown, and cold start.

    python bench/browser.py              # prints medians, writes bench/results/browser.json

Starts `streamlit run streamlit_app.py` on a free loopback port and drives Debian's Chromium with
Playwright. Each round clears the canvas, draws a one-stroke digit, and times from the browser's
own mouseup event to the moment the "Prediction" metric shows a value (both stamped inside the
page with performance.now(), so Playwright's polling is not counted).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from tests.e2e.browser import (  # noqa: E402
    CHROMIUM_ARGS, STROKES, WATCH_MOUSE_UP, chromium_path, clear_canvas, draw, streamlit_server)

ONE_STROKE = [STROKES[7], STROKES[0], STROKES[1]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "browser.json")
    args = parser.parse_args()
    if not chromium_path():
        sys.exit("No Chromium found: install Debian's `chromium` (or set HDR_CHROMIUM).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        started = time.perf_counter()
        with streamlit_server() as url:
            healthy = time.perf_counter() - started
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(url)
            page.get_by_text("Draw a digit on the canvas").wait_for(timeout=60_000)
            draw(page, STROKES[7])
            page.locator('[data-testid="stMetric"]', has_text="Prediction").wait_for(timeout=60_000)
            cold = time.perf_counter() - started

            page.evaluate(WATCH_MOUSE_UP)
            latencies = []
            for i in range(args.rounds):
                clear_canvas(page)
                page.get_by_text("Draw a digit on the canvas").wait_for()
                page.wait_for_timeout(300)
                draw(page, ONE_STROKE[i % len(ONE_STROKE)])
                page.wait_for_function("() => window.__shown !== null", timeout=30_000)
                latencies.append(page.evaluate("() => window.__shown - window.__up"))
        browser.close()

    latencies = np.array(latencies)
    result = {
        "mouse_up_to_prediction_ms": {"median": round(float(np.median(latencies)), 1),
                                      "p95": round(float(np.percentile(latencies, 95)), 1),
                                      "min": round(float(latencies.min()), 1), "rounds": len(latencies)},
        "cold_start_s": {"server_healthy": round(healthy, 2), "first_prediction_shown": round(cold, 2)},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"mouse-up to prediction shown: median {result['mouse_up_to_prediction_ms']['median']} ms, "
          f"p95 {result['mouse_up_to_prediction_ms']['p95']} ms over {len(latencies)} strokes")
    print(f"cold start: server healthy {healthy:.1f} s, first prediction shown {cold:.1f} s after `streamlit run`")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
