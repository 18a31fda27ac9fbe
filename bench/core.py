"""Core speed: preprocessing + prediction of one canvas image, batch throughput, and a whole number.

    python bench/core.py            # prints medians, writes bench/results/core.json
    python bench/core.py --model candidate.tflite --out /tmp/candidate.json   # the same for another model

Canvas images are MNIST test digits redrawn as on the Draw page (280x280, RGBA as the canvas
component returns them); uploads are the same images as PNG bytes; phone photos are MNIST test
digits printed on paper and photographed at 12 megapixels (4032x3024, JPEG quality 90 as phone
cameras save them, ``synth.photo_of_paper``). Each is read as the app reads one digit
(``numbers.read_digit``: preprocessing, a line under the digit left out, prediction). The memory a
photo's reading holds is measured as read and as the Upload page keeps it while it shows it
(``Reading.for_showing``). Needs HDR_MNIST_PATH or Keras' download.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from hdr_core import Predictor, preprocess  # noqa: E402
from hdr_core.data import load_mnist  # noqa: E402
from hdr_core.numbers import default_segmenter, read_digit, read_number  # noqa: E402
from hdr_core.scaling import scale_uint8  # noqa: E402
from hdr_core.synth import draw_like_canvas, draw_number_with_masks, pen_strokes, photo_of_paper  # noqa: E402


def timed(fn, repeats: int) -> np.ndarray:
    """Seconds per call of ``fn``, one sample per call."""
    samples = np.empty(repeats)
    for i in range(repeats):
        start = time.perf_counter()
        fn(i)
        samples[i] = time.perf_counter() - start
    return samples


def held_mb(reading) -> float:
    """The megabytes a reading holds: its upright image and every array of its preprocessing stages."""
    steps, upright = reading.steps, reading.steps.upright
    arrays = (steps.gray, steps.ink, steps.flattened, steps.cleaned, steps.cropped, steps.boxed, steps.result)
    return (sum(a.nbytes for a in arrays) + upright.width * upright.height * len(upright.getbands())) / 1e6


def as_heic(jpeg: bytes) -> bytes:
    """A JPEG photo saved again as HEIC (quality 80), upright pixels and orientation tag kept, as an iPhone saves it."""
    image = Image.open(io.BytesIO(jpeg))
    buffer = io.BytesIO()
    image.save(buffer, format="HEIF", quality=80, exif=image.info.get("exif", b""))
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=500, help="single-image calls to time")
    parser.add_argument("--batch", type=int, default=1000, help="digits per batch")
    parser.add_argument("--batch-repeats", type=int, default=15)
    parser.add_argument("--numbers", type=int, default=100, help="4-digit numbers (number canvas) to time")
    parser.add_argument("--photos", type=int, default=8, help="12-megapixel phone photos to make (each read 3 times)")
    parser.add_argument("--heic-photos", type=int, default=2, help="of those, saved again as HEIC (as iPhones do) and read 3 times")
    parser.add_argument("--model", type=Path, default=None, help="a .tflite model to time (default: the served one)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "core.json")
    args = parser.parse_args()

    _, test = load_mnist()
    predictor = Predictor.from_file(args.model) if args.model else Predictor.from_file()
    rng = np.random.default_rng(0)
    canvases = [np.asarray(draw_like_canvas(test.x[i], rng).convert("RGBA")) for i in range(args.images)]
    uploads = []
    for canvas in canvases:
        buffer = io.BytesIO()
        Image.fromarray(canvas).save(buffer, format="PNG")
        uploads.append(buffer.getvalue())

    for i in range(20):  # warm caches and the graph
        predictor.predict(preprocess(canvases[i]))

    canvas_s = timed(lambda i: read_digit(predictor, canvases[i]), args.images)
    upload_s = timed(lambda i: read_digit(predictor, uploads[i]), args.images)
    preprocess_s = timed(lambda i: preprocess(canvases[i]), args.images)
    batch = scale_uint8(test.x[: args.batch])
    predictor.predict_many(batch)
    batch_s = timed(lambda i: predictor.predict_many(batch), args.batch_repeats)
    segmenter = default_segmenter()
    numbers = []  # as the Draw page reads them: the canvas image and its pen strokes
    for i in range(args.numbers):
        image, own_inks = draw_number_with_masks(list(test.x[4 * i : 4 * i + 4]), rng)
        numbers.append((image.convert("RGBA"), pen_strokes(own_inks, rng)))
    read_number(predictor, numbers[0][0], segmenter, numbers[0][1])
    number_s = timed(lambda i: read_number(predictor, numbers[i][0], segmenter, numbers[i][1]), args.numbers)
    photos = [photo_of_paper(test.x[i], rng, size=(4032, 3024), quality=90) for i in range(args.photos)]
    photo_s = timed(lambda i: read_digit(predictor, photos[i % len(photos)]), 3 * len(photos))
    photo_readings = [read_digit(predictor, photo) for photo in photos]
    held = {"read_mb": round(float(np.median([held_mb(r) for r in photo_readings])), 1),
            "kept_mb": round(float(np.median([held_mb(r.for_showing()) for r in photo_readings])), 1)}
    del photo_readings
    heics = [as_heic(photo) for photo in photos[: args.heic_photos]]
    heic_s = timed(lambda i: read_digit(predictor, heics[i % len(heics)]), 3 * len(heics)) if heics else None

    def ms(samples: np.ndarray) -> dict:
        return {"median_ms": round(float(np.median(samples)) * 1e3, 3), "p95_ms": round(float(np.percentile(samples, 95)) * 1e3, 3)}

    result = {
        "canvas_image_preprocess_and_predict": ms(canvas_s),
        "png_upload_preprocess_and_predict": ms(upload_s),
        "canvas_image_preprocess_only": ms(preprocess_s),
        "batch": {"digits": args.batch, "median_s": round(float(np.median(batch_s)), 4),
                  "digits_per_second": round(args.batch / float(np.median(batch_s)))},
        "four_digit_number_read": ms(number_s),
        "phone_photo_preprocess_and_predict": {**ms(photo_s), "pixels": "4032x3024",
                                               "mean_file_mb": round(float(np.mean([len(p) for p in photos])) / 2**20, 2)},
        "phone_photo_reading_held": held,
        **({"heic_photo_preprocess_and_predict": {**ms(heic_s), "pixels": "4032x3024",
                                                  "mean_file_mb": round(float(np.mean([len(h) for h in heics])) / 2**20, 2)}}
           if heics else {}),
        **({"model": str(args.model)} if args.model else {}),
        "samples": {"single": args.images, "batch_repeats": args.batch_repeats, "numbers": args.numbers,
                    "photos": args.photos, "heic_photos": len(heics), "photo_repeats": 3},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"one 280x280 canvas image, preprocess + predict: median {result['canvas_image_preprocess_and_predict']['median_ms']} ms"
          f" (p95 {result['canvas_image_preprocess_and_predict']['p95_ms']} ms)")
    print(f"one PNG upload, decode + preprocess + predict:  median {result['png_upload_preprocess_and_predict']['median_ms']} ms")
    print(f"batch of {args.batch} preprocessed digits: {result['batch']['digits_per_second']} digits/s (median of {args.batch_repeats})")
    print(f"a 4-digit number on the number canvas, cut (ink and strokes) and read: median "
          f"{result['four_digit_number_read']['median_ms']} ms")
    print(f"a 12-megapixel phone photo (JPEG), decode + preprocess + predict: median "
          f"{result['phone_photo_preprocess_and_predict']['median_ms']} ms")
    print(f"its reading holds {held['read_mb']} MB, kept to show {held['kept_mb']} MB (medians)")
    if heics:
        print(f"the same photo as HEIC: median {result['heic_photo_preprocess_and_predict']['median_ms']} ms")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
