"""Cold start and memory of the engine: a fresh process, from start to model ready, then 1,000 readings.

    python bench/cold_start.py          # prints medians, writes bench/results/cold_start.json

Each repeat starts a new Python process that imports hdr_core, loads the predictor and reads
1,000 canvas drawings (preprocessing + prediction); it reports the time to model ready and its
resident memory (VmRSS) after start and after the readings. The drawings are made beforehand.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import time, sys, json
started = time.perf_counter()
import numpy as np
from hdr_core import Predictor, preprocess
predictor = Predictor.from_file()
predictor.predict(np.zeros((28, 28), np.float32))
ready = time.perf_counter() - started

def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

after_start = rss_mb()
canvases = np.load(sys.argv[1])["canvases"]
for i in range(1000):
    predictor.predict(preprocess(canvases[i % len(canvases)]))
print(json.dumps({"ready_s": ready, "rss_after_start_mb": after_start, "rss_after_1000_mb": rss_mb(),
                  "tensorflow_imported": "tensorflow" in sys.modules}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "cold_start.json")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from hdr_core.data import load_mnist
    from hdr_core.synth import draw_like_canvas

    _, test = load_mnist()
    rng = np.random.default_rng(0)
    canvases = np.stack([np.asarray(draw_like_canvas(test.x[i], rng).convert("RGB")) for i in range(200)])
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        np.savez(Path(tmp) / "canvases.npz", canvases=canvases)
        for _ in range(args.repeats):
            out = subprocess.run([sys.executable, "-c", CHILD, str(Path(tmp) / "canvases.npz")], cwd=ROOT, check=True,
                                 capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))

    def median(key: str) -> float:
        return round(float(np.median([r[key] for r in runs])), 3)

    result = {"process_start_to_model_ready_s": median("ready_s"), "rss_after_start_mb": median("rss_after_start_mb"),
              "rss_after_1000_readings_mb": median("rss_after_1000_mb"),
              "tensorflow_imported": any(r["tensorflow_imported"] for r in runs), "repeats": args.repeats, "runs": runs}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"process start to model ready: median {result['process_start_to_model_ready_s']} s")
    print(f"resident memory: {result['rss_after_start_mb']} MB after start, {result['rss_after_1000_readings_mb']} MB "
          f"after 1,000 readings (medians of {args.repeats}); TensorFlow imported: {result['tensorflow_imported']}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
