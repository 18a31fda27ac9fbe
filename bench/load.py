"""Many people at once against one `streamlit run` server: protocol-client sessions or real browsers.

    python bench/load.py protocol --sessions 20 --predictions 20   # writes bench/results/load_protocol.json
    python bench/load.py browser --sessions 5 --predictions 20     # writes bench/results/load_browser.json

protocol: each session is a light client speaking Streamlit's own websocket protocol
(`/_stcore/stream`, protobuf BackMsg/ForwardMsg from `streamlit.proto`), as the browser does: it
opens the app, then alternately sends a canvas drawing (the stroke JSON the canvas component
sends) and uploads a PNG (through the server's upload endpoint, then a rerun naming the file),
and waits for the "Prediction" metric. browser: each session is a Chromium page drawing one-stroke
digits with the mouse; its latency runs from the browser's own mouseup event to the prediction
shown (stamped inside the page), and also from the start of the stroke (drawing included). Both check every answer against the reading hdr_core gives the same input locally: a
different answer is a mixed-up result. The server's own cost per rerun (script start to end: the script thread's CPU
time, and its wall time, which also counts waiting for the CPU) is logged inside it
(HDR_RERUN_LOG); its memory and CPU share are read from /proc.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from tests.e2e.browser import STROKES, streamlit_server  # noqa: E402

CANVAS = 280


def stroke_json(strokes: list[list[tuple[float, float]]], pen: float = 20) -> dict:
    """The Fabric.js JSON the canvas component sends for these strokes (paths placed by their centre)."""
    objects = []
    for stroke in strokes:
        xs, ys = [p[0] for p in stroke], [p[1] for p in stroke]
        path = [["M", *stroke[0]]] + [["L", *p] for p in stroke[1:]]
        objects.append({"type": "Path", "originX": "center", "originY": "center",
                        "left": (min(xs) + max(xs)) / 2, "top": (min(ys) + max(ys)) / 2,
                        "width": max(xs) - min(xs), "height": max(ys) - min(ys), "stroke": "#000000",
                        "strokeWidth": pen, "scaleX": 1, "scaleY": 1, "angle": 0, "path": path})
    return {"version": "7.4.0", "objects": objects}


def drawings() -> list[dict]:
    """Varied drawings: each stroke set moved and scaled, so sessions send different inputs."""
    out = []
    for digit, strokes in sorted(STROKES.items()):
        for dx, dy, s in [(0, 0, 1.0), (-30, 10, 0.8), (20, -15, 0.9), (-10, 25, 0.7)]:
            moved = [[(70 + (x - 70) * s + dx, 40 + (y - 40) * s + dy) for x, y in stroke] for stroke in strokes]
            out.append(stroke_json(moved, pen=14 + 10 * s))
    return out


def uploads(count: int = 16) -> list[bytes]:
    from hdr_core.data import load_mnist
    from PIL import Image

    _, test = load_mnist()
    files = []
    for i in range(count):
        buffer = io.BytesIO()
        Image.fromarray(255 - test.x[i]).resize((140, 140), Image.Resampling.BICUBIC).save(buffer, format="PNG")
        files.append(buffer.getvalue())
    return files


class ServerWatch:
    """Samples the server's resident memory and CPU time from /proc while the load runs."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak_rss_mb, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def rss_mb(self) -> float:
        with open(f"/proc/{self.pid}/status") as status:
            return next(int(l.split()[1]) for l in status if l.startswith("VmRSS:")) / 1024

    def cpu_s(self) -> float:
        with open(f"/proc/{self.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            self.peak_rss_mb = max(self.peak_rss_mb, self.rss_mb())

    def __enter__(self):
        self.cpu_start, self.wall_start = self.cpu_s(), time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.cpu_used = self.cpu_s() - self.cpu_start
        self.wall = time.perf_counter() - self.wall_start


# --- protocol client -----------------------------------------------------------------------------

class ProtocolSession:
    """One visitor speaking Streamlit's websocket protocol."""

    def __init__(self, base: str) -> None:
        self.base, self.ws, self.session_id, self.pages, self.ids, self.xsrf = base, None, None, {}, {}, None

    async def __aenter__(self):
        import websockets

        def xsrf_cookie() -> str | None:  # the health check sets it, as for a browser; uploads must echo it
            with urllib.request.urlopen(self.base + "/_stcore/health", timeout=30) as response:
                cookies = response.headers.get_all("Set-Cookie") or []
            return next((c.split(";")[0].split("=", 1)[1] for c in cookies if c.startswith("_streamlit_xsrf=")), None)

        self.xsrf = await asyncio.to_thread(xsrf_cookie)
        self.ws = await websockets.connect(self.base.replace("http", "ws") + "/_stcore/stream",
                                           subprotocols=["streamlit"], max_size=None)
        await self.run([])
        return self

    async def __aexit__(self, *exc):
        await self.ws.close()

    async def run(self, states, page_hash: str | None = None):
        """Send a rerun with these widget states; return the new elements once the script has finished."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        message = BackMsg()
        message.rerun_script.widget_states.widgets.extend(states)
        if page_hash:
            message.rerun_script.page_script_hash = page_hash
        await self.ws.send(message.SerializeToString())
        elements = []
        while True:
            forward = ForwardMsg()
            forward.ParseFromString(await self.ws.recv())
            kind = forward.WhichOneof("type")
            if kind == "new_session":
                self.session_id = forward.new_session.initialize.session_id
            elif kind == "navigation":
                self.pages = {p.url_pathname or "draw": p.page_script_hash for p in forward.navigation.app_pages}
            elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                widget = getattr(element, element.WhichOneof("type"))
                if getattr(widget, "id", ""):
                    self.ids[widget.id.rsplit("-", 1)[-1]] = widget.id
                elements.append(element)
            elif kind == "script_finished":
                return elements

    @staticmethod
    def prediction(elements) -> str | None:
        return next((e.metric.body for e in elements if e.WhichOneof("type") == "metric" and e.metric.label == "Prediction"), None)

    async def draw(self, drawing: dict) -> str | None:
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        canvas = WidgetState(id=self.ids["draw.canvas.One digit"], json_value=json.dumps({"drawing": {"raw": drawing, "data": None}}))
        return self.prediction(await self.run([canvas], self.pages["draw"]))

    async def upload(self, name: str, data: bytes) -> str | None:
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        if "upload.file" not in self.ids:
            await self.run([], self.pages["upload"])
        file_id = uuid.uuid4().hex
        url = f"{self.base}/_stcore/upload_file/{self.session_id}/{file_id}"
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                f"Content-Type: image/png\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        if self.xsrf:
            headers.update({"X-Xsrftoken": self.xsrf, "Cookie": f"_streamlit_xsrf={self.xsrf}"})
        request = urllib.request.Request(url, data=body, method="PUT", headers=headers)
        await asyncio.to_thread(lambda: urllib.request.urlopen(request, timeout=30).read())
        state = WidgetState(id=self.ids["upload.file"])
        info = state.file_uploader_state_value.uploaded_file_info.add()
        info.file_id, info.name, info.size = file_id, name, len(data)
        info.file_urls.upload_url, info.file_urls.delete_url = url, url
        return self.prediction(await self.run([state], self.pages["upload"]))


async def protocol_load(base: str, sessions: int, predictions: int, inputs: list, expected: list) -> list[dict]:
    results: list[dict] = []

    async def visitor(number: int) -> None:
        try:
            async with ProtocolSession(base) as session:
                for k in range(predictions):
                    i = (number * 7 + k) % len(inputs)
                    kind, payload = inputs[i]
                    started = time.perf_counter()
                    try:
                        got = await (session.draw(payload) if kind == "draw" else session.upload(f"s{number}-{k}.png", payload))
                        results.append({"kind": kind, "ok": got is not None, "mixed": got is not None and got != expected[i],
                                        "latency_s": time.perf_counter() - started})
                    except Exception as err:  # counted, not raised: the run goes on
                        results.append({"kind": kind, "ok": False, "mixed": False, "error": repr(err),
                                        "latency_s": time.perf_counter() - started})
        except Exception as err:
            results.extend({"kind": "connect", "ok": False, "mixed": False, "error": repr(err), "latency_s": 0.0}
                           for _ in range(predictions))

    await asyncio.gather(*(visitor(n) for n in range(sessions)))
    return results


# --- browser sessions ----------------------------------------------------------------------------

def browser_load(base: str, sessions: int, predictions: int) -> list[dict]:
    from playwright.sync_api import sync_playwright

    from tests.e2e.browser import CHROMIUM_ARGS, WATCH_MOUSE_UP, chromium_path, clear_canvas, draw

    order = [7, 0, 1]  # one-stroke digits: each mouse-up is the whole digit, so the answer can be checked
    results: list[dict] = []
    lock = threading.Lock()

    def visitor(number: int) -> None:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(60_000)
            page.goto(base)
            page.get_by_text("Draw a digit on the canvas").wait_for()
            page.evaluate(WATCH_MOUSE_UP)
            for k in range(predictions):
                digit = order[(number + k) % len(order)]
                started = time.perf_counter()
                try:
                    draw(page, STROKES[digit])
                    metric = page.locator('[data-testid="stMetric"]', has_text="Prediction").locator('[data-testid="stMetricValue"]')
                    metric.first.wait_for()
                    got = metric.first.inner_text().strip()
                    latency = time.perf_counter() - started
                    page.wait_for_function("() => window.__shown !== null")
                    record = {"kind": "draw", "ok": True, "mixed": got != str(digit), "latency_s": latency,
                              "mouse_up_s": page.evaluate("() => (window.__shown - window.__up) / 1000")}
                    clear_canvas(page)
                    page.get_by_text("Draw a digit on the canvas").wait_for()
                except Exception as err:
                    record = {"kind": "draw", "ok": False, "mixed": False, "error": repr(err), "latency_s": time.perf_counter() - started}
                    page.goto(base)
                    page.evaluate(WATCH_MOUSE_UP)
                with lock:
                    results.append(record)
            browser.close()

    threads = [threading.Thread(target=visitor, args=(n,)) for n in range(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["protocol", "browser"])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--predictions", type=int, default=20, help="per session")
    parser.add_argument("--then", type=int, default=0, help="protocol: further predictions afterwards, for memory")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or ROOT / "bench" / "results" / f"load_{args.mode}.json"

    from hdr_core import Predictor
    from hdr_core.strokes import render_strokes

    predictor = Predictor.from_file()
    inputs = [("draw", d) for d in drawings()] + [("upload", u) for u in uploads()]
    expected = [str(predictor.read(render_strokes(p, CANVAS, CANVAS) if kind == "draw" else p).prediction.digit)
                for kind, p in inputs]

    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "reruns.log"
        with streamlit_server(env={"HDR_RERUN_LOG": str(log)}, with_process=True) as (base, process):
            watch = ServerWatch(process.pid)
            warm = asyncio.run(protocol_load(base, 1, 2, inputs, expected))  # load the model, as a first visitor would
            rss_start = watch.rss_mb()
            log.write_text("")
            with watch:
                if args.mode == "protocol":
                    results = asyncio.run(protocol_load(base, args.sessions, args.predictions, inputs, expected))
                else:
                    results = browser_load(base, args.sessions, args.predictions)
            rss_after = watch.rss_mb()
            lines = [line.split() for line in log.read_text().splitlines() if line.strip()]
            reruns = [float(fields[-1]) for fields in lines]  # CPU ms of the script thread
            reruns_wall = [float(fields[-2]) for fields in lines]
            rss_further = None
            if args.then:
                batches = -(-args.then // 100)
                asyncio.run(protocol_load(base, 5, 20 * batches, inputs, expected))
                rss_further = watch.rss_mb()

    latencies = np.array([r["latency_s"] for r in results if r["ok"]])
    errors = [r for r in results if not r["ok"]]
    mouse_up = np.array([r["mouse_up_s"] for r in results if r["ok"] and "mouse_up_s" in r])  # browser pages only
    result = {
        "mode": args.mode, "sessions": args.sessions, "predictions_per_session": args.predictions,
        "predictions": len(results), "errors": len(errors), "mixed_up": sum(r["mixed"] for r in results),
        "first_errors": [r.get("error") for r in errors[:5]],
        "latency_s": {"median": round(float(np.median(latencies)), 4) if len(latencies) else None,
                      "p95": round(float(np.percentile(latencies, 95)), 4) if len(latencies) else None},
        **({"mouse_up_to_prediction_s": {"median": round(float(np.median(mouse_up)), 4),
                                         "p95": round(float(np.percentile(mouse_up, 95)), 4)}} if len(mouse_up) else {}),
        "by_kind": {kind: {"n": int(sum(r["kind"] == kind for r in results)),
                           "median_s": round(float(np.median([r["latency_s"] for r in results if r["kind"] == kind and r["ok"]] or [np.nan])), 4)}
                    for kind in ("draw", "upload")},
        "throughput_per_s": round(len(latencies) / watch.wall, 2),
        "server": {"rss_mb_at_start_after_first_visit": round(rss_start, 1), "rss_mb_after_load": round(rss_after, 1),
                   "peak_rss_mb": round(watch.peak_rss_mb, 1),
                   "rss_mb_after_further": round(rss_further, 1) if rss_further else None, "further_predictions": args.then,
                   "cpu_share_of_one_core": round(watch.cpu_used / watch.wall, 3), "cores": os.cpu_count(),
                   "rerun_cpu_ms": {"median": round(float(np.median(reruns)), 2) if reruns else None,
                                    "p95": round(float(np.percentile(reruns, 95)), 2) if reruns else None, "n": len(reruns)},
                   "rerun_wall_ms": {"median": round(float(np.median(reruns_wall)), 2) if reruns_wall else None,
                                     "p95": round(float(np.percentile(reruns_wall, 95)), 2) if reruns_wall else None}},
        "warm_up": {"predictions": len(warm)},
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "first_errors"}, indent=1))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
