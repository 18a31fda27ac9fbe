"""Helpers to drive the real app in Chromium: start the server, draw strokes, read the metric."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]

# Strokes of digits as a person draws them on the 280x280 canvas, in canvas pixels.
STROKES = {
    7: [[(75, 60), (205, 60), (140, 170), (115, 235)]],
    1: [[(120, 70), (150, 45), (150, 240)]],
    0: [[(140, 45), (95, 70), (80, 140), (95, 210), (140, 235), (185, 210), (200, 140), (185, 70), (140, 45)]],
    4: [[(160, 45), (80, 170), (205, 170)], [(165, 110), (165, 240)]],
}


WATCH_MOUSE_UP = """() => {
  window.__up = null; window.__shown = null;
  document.addEventListener('mouseup', () => { window.__up = performance.now(); window.__shown = null; }, true);
  const value = () => {
    const metric = [...document.querySelectorAll('[data-testid=stMetric]')].find(m => m.innerText.includes('Prediction'));
    const node = metric && metric.querySelector('[data-testid=stMetricValue]');
    return node && !metric.closest('[data-stale=true]') ? node.innerText.trim() : null;
  };
  new MutationObserver(() => {
    if (window.__up !== null && window.__shown === null && value() !== null) window.__shown = performance.now();
  }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
}"""
"""Page script for the benchmarks: stamps the last mouseup and the moment a fresh "Prediction" value
shows (``window.__up``, ``window.__shown``, both performance.now()), so Playwright's polling is not counted."""


def chromium_path() -> str | None:
    return os.environ.get("HDR_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def streamlit_server(timeout: float = 90.0, env: dict | None = None, with_process: bool = False,
                     log_path: Path | None = None):
    """`streamlit run streamlit_app.py` on a free loopback port; yields its URL (and process) once healthy.
    Its log goes to ``log_path`` where one is given (for a failing test to show), else to a temporary file."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    # Its log goes to a file, never to a pipe nobody reads while the tests run: a full pipe would stop the server
    log = open(log_path, "w+b") if log_path else tempfile.TemporaryFile()
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **(env or {})},
                               stdout=subprocess.DEVNULL, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"streamlit did not become healthy: {log.read().decode(errors='replace')[-2000:]}")
            time.sleep(0.2)
        yield (url, process) if with_process else url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


CANVAS_SETTLED = """() => {
  const app = document.querySelector('[data-testid=stApp]');
  const hosts = [...document.querySelectorAll('[data-testid=stBidiComponentIsolated]')]
    .filter(host => host.shadowRoot && host.shadowRoot.querySelector('canvas.upper-canvas'));
  if (!app || app.dataset.testScriptState !== 'notRunning' || hosts.length !== 1
      || !hosts[0].shadowRoot.querySelector('style[data-hdr-toolbar]')) { window.__canvasAt = null; return false; }
  const box = hosts[0].shadowRoot.querySelector('canvas.upper-canvas').getBoundingClientRect();
  const at = [box.x, box.y, box.width, box.height].join(), now = performance.now();
  if (!window.__canvasAt || window.__canvasAt.at !== at) { window.__canvasAt = {at, since: now}; return false; }
  return now - window.__canvasAt.since >= 300;
}"""
"""Whether the page is ready to be drawn on: its script has finished, it holds one canvas, with its toolbar in
place (ui.touch), and the canvas has not moved for 300 ms. Right after the page opens or the mode changes, the
canvas may not be there yet, or lie below the blocks of the mode before until they go, or not draw yet."""


def settled_canvas(page):
    """The canvas, once the page is ready to be drawn on (``CANVAS_SETTLED``)."""
    page.wait_for_function(CANVAS_SETTLED, polling=100)
    return page.locator("canvas.upper-canvas").first


def draw(page, strokes, pause_between: bool = False) -> None:
    """Draw strokes on the canvas with the mouse, as a person would: press, move in small steps, release."""
    box = settled_canvas(page).bounding_box()
    for stroke in strokes:
        (x, y), rest = stroke[0], stroke[1:]
        page.mouse.move(box["x"] + x, box["y"] + y)
        page.mouse.down()
        for nx, ny in rest:
            page.mouse.move(box["x"] + nx, box["y"] + ny, steps=8)
        page.mouse.up()
        if pause_between:
            page.wait_for_timeout(400)


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "user_agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                       "Chrome/126.0.0.0 Mobile Safari/537.36"}
"""A browser context as a phone held upright gives one: its screen, touch, and a phone's User-Agent."""


def draw_with_a_finger(page, strokes) -> None:
    """Draw strokes on the canvas by touch, as on a phone: each stroke one touch, moved in small steps."""
    box, touch = settled_canvas(page).bounding_box(), page.context.new_cdp_session(page)
    for stroke in strokes:
        points = [(box["x"] + x, box["y"] + y) for x, y in stroke]
        touch.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": points[0][0], "y": points[0][1]}]})
        for (x0, y0), (x1, y1) in zip(points, points[1:]):
            for step in range(1, 9):
                at = {"x": x0 + (x1 - x0) * step / 8, "y": y0 + (y1 - y0) * step / 8}
                touch.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [at]})
        touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        page.wait_for_timeout(400)


def fake_camera(frame, path: Path) -> list[str]:
    """Chromium's arguments for a camera that films ``frame`` (a PIL image), and no permission prompt.

    Chromium plays the file as its camera; it takes YUV4MPEG2 with 4:2:0 colour, written here by hand.
    """
    import numpy as np

    ycc = np.asarray(frame.convert("RGB").convert("YCbCr"))
    height, width = ycc.shape[:2]
    picture = ycc[..., 0].tobytes() + ycc[::2, ::2, 1].tobytes() + ycc[::2, ::2, 2].tobytes()
    path.write_bytes(f"YUV4MPEG2 W{width} H{height} F30:1 Ip A1:1 C420jpeg\n".encode() + b"FRAME\n" + picture)
    return ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={path}"]


def prediction(page, timeout: float = 30_000) -> str:
    """The value shown by the metric labelled "Prediction", once it is there."""
    metric = page.locator('[data-testid="stMetric"]', has_text="Prediction").locator('[data-testid="stMetricValue"]')
    metric.first.wait_for(timeout=timeout)
    return metric.first.inner_text().strip()


def clear_canvas(page) -> None:
    page.get_by_role("button", name="Reset canvas & history").first.click()
