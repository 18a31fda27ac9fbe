"""Train the digit CNN on MNIST and write the model and its JSON artifacts into models/.

    python train.py                      # member 1 of the committed model: seed 44, both training stages
    python train.py --epochs 1 --restart-epochs 0 --limit 2000 --eval-limit 500 --number-samples 50 \
        --segmenter-numbers 100 --segmenter-epochs 1 --out /tmp/m   # about a minute

Every setting is an argparse default below and is saved in models/train_config.json, so the
model can be rebuilt and explained. Data: HDR_MNIST_PATH (a local mnist.npz) or Keras' download;
HDR_SEMEION_PATH (semeion.npz) adds the Semeion robustness figure.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import time
from pathlib import Path

import numpy as np


HALF_INK = (0.5,)
"""Training copies are traced at half ink (``--trace-levels``), as the served model's were; so were
those of runs from before the setting existed."""


def traced_at(config: dict) -> list[float]:
    """The ink levels a saved run's drawings were traced at: half ink for runs saved before the setting."""
    return config.get("trace_levels", list(HALF_INK))


def parse_args(argv=None) -> argparse.Namespace:
    from hdr_core.synth import TRACE_LEVELS

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--epochs", type=int, default=24)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--learning-rate", type=float, default=2e-3, help="peak Adam rate, cosine-decayed to 0")
    p.add_argument("--dropout", type=float, default=0.4)
    p.add_argument("--validation-size", type=int, default=5000, help="held out of MNIST's training set")
    p.add_argument("--limit", type=int, default=None, help="use only this many training images (quick runs)")
    p.add_argument("--eval-limit", type=int, default=None, help="evaluate on only this many test/robustness images")
    p.add_argument("--canvas-samples", type=int, default=20000, help="training digits also redrawn canvas-style")
    p.add_argument("--trace-levels", type=lambda text: tuple(float(v) for v in text.split(",")), default=HALF_INK,
                   help="ink levels a training digit's pen path is traced at when redrawn (synth.pen_core); the "
                        "served model's copies were traced at half ink, the figures' drawings at "
                        + ",".join(f"{level:g}" for level in TRACE_LEVELS))
    p.add_argument("--box-filled-samples", type=int, default=10000,
                   help="training digits also stretched to fill their box, as scanned digit sets are normalised")
    p.add_argument("--scan-samples", type=int, default=10000,
                   help="training digits also stored as binary low-resolution scans (Semeion's 16x16) and uploaded; "
                        "added in the restart (from the start with --restart-epochs 0)")
    p.add_argument("--elastic-samples", type=int, default=0,
                   help="training digits also bent by an elastic distortion (other writers' hands), half of them "
                        "then stored as low-resolution scans; added, like the scans, in the restart")
    p.add_argument("--style-samples", type=int, default=0,
                   help="training 1s and 7s redrawn as continental Europe writes them (a flag on the 1, a bar across "
                        "the 7), half of them then stored as low-resolution scans; added, like the scans, in the restart")
    p.add_argument("--number-digit-samples", type=int, default=0,
                   help="training digits drawn inside numbers as on the number canvas and cut out by their own ink, "
                        "as whole numbers' digits reach the model; added, like the scans, in the restart")
    p.add_argument("--restart-epochs", type=int, default=6,
                   help="then continue the best model with a new, shorter cosine cycle and the scans added (0: one cycle)")
    p.add_argument("--restart-learning-rate", type=float, default=5e-4, help="peak Adam rate of the restart")
    p.add_argument("--rotation", type=float, default=12.0, help="max rotation, degrees")
    p.add_argument("--zoom", type=float, default=0.12, help="max zoom in or out, share of size")
    p.add_argument("--stretch", type=float, default=0.20, help="max extra zoom of the width alone (aspect)")
    p.add_argument("--shear", type=float, default=0.15, help="max shear, share of the image")
    p.add_argument("--shift", type=float, default=0.08, help="max shift, share of the image")
    p.add_argument("--thickness-change", type=float, default=0.5, help="share of digits drawn thinner or thicker")
    p.add_argument("--photo-samples", type=int, default=2000, help="test digits photographed on simulated paper")
    p.add_argument("--number-samples", type=int, default=1000, help="whole numbers composed from test digits")
    p.add_argument("--segmenter-numbers", type=int, default=16000,
                   help="numbers of training digits whose candidate cuts teach the segment model (0: keep the one in --out)")
    p.add_argument("--segmenter-epochs", type=int, default=12)
    p.add_argument("--segmenter-seed", type=int, default=42, help="the segment model's numbers and weights")
    p.add_argument("--segmenter-only", action="store_true",
                   help="train only the segment model (the digit model is kept); --evaluate-only then refreshes the figures")
    p.add_argument("--seed", type=int, default=44,
                   help="weights, shuffling, augmentation and redraws (44: the first member of the served model)")
    p.add_argument("--split-seed", type=int, default=42, help="which training images are held out for validation")
    p.add_argument("--semeion", default=None, help="semeion.npz (default: $HDR_SEMEION_PATH)")
    p.add_argument("--unsure-target", type=float, default=0.995,
                   help="'not sure' below the confidence where validation drawings reach this accuracy (the readings "
                        "at or above it, together); 0.99 until November 2026, when drawings traced with their loops "
                        "open were read 99.1%% right overall, so nearly every reading cleared 99%%")
    p.add_argument("--feedback", default=None,
                   help="fine-tune the saved model with corrections: a feedback .npz (MNIST layout) or a SQLAlchemy URL")
    p.add_argument("--fine-tune-epochs", type=int, default=3)
    p.add_argument("--fine-tune-learning-rate", type=float, default=2e-4)
    p.add_argument("--feedback-repeats", type=int, default=60, help="times each correction is seen per fine-tuning epoch")
    p.add_argument("--force", action="store_true",
                   help="keep a fine-tuned model even if its MNIST test accuracy drops by more than 0.1 points; "
                        "with --combine: keep the average even if one member alone reads each validation set as well")
    p.add_argument("--combine", nargs="+", type=Path, default=None, metavar="KERAS",
                   help="average these trained .keras models into one; refused if one member alone reads each "
                        "validation set at least as well")
    p.add_argument("--scan-reader", action="store_true",
                   help="with --combine: write the average as the scan reader (digit_scans.tflite), which reads "
                        "low-resolution scans in place of the digit model; the digit model is kept")
    p.add_argument("--members-of", type=Path, default=None, metavar="KERAS",
                   help="write each member of an averaged model to OUT/member_K/digit_cnn.keras, then stop")
    p.add_argument("--chosen-by", default="mean of validation MNIST, canvas drawings and low-resolution scans",
                   help="why these members (recorded in train_config.json; e.g. a bench/candidates.py rule)")
    p.add_argument("--warm-start", type=Path, default=None, metavar="KERAS",
                   help="continue from this trained .keras model (a warm restart of the cosine schedule) instead of new weights")
    p.add_argument("--float-weights", dest="int8_weights", action="store_false",
                   help="serve float32 weights (default: 8-bit weights, dynamic-range quantised, about 3.5x the batch speed)")
    p.add_argument("--out", type=Path, default=Path("models"))
    p.add_argument("--train-only", action="store_true",
                   help="skip the evaluation (members of an average are evaluated together, by --combine; "
                        "with --combine: write the average and its LiteRT file only)")
    p.add_argument("--evaluate-only", action="store_true", help="re-evaluate the saved model; rewrite evaluation.json only")
    return p.parse_args(argv)


def pen_choices(share: float) -> list[float]:
    """How often each pen is drawn: as it is, thinner (2x2), thicker (2x2), thickest (3x3)."""
    return [1.0 - share, share * 0.4, share * 0.4, share * 0.2]


def vary_stroke_thickness(images, share: float):
    """Thin and thick pens: grey erosion or dilation (2x2 or 3x3) of a random share of the batch."""
    import tensorflow as tf

    thinner = -tf.nn.max_pool2d(-images, 2, 1, "SAME")
    thicker = tf.nn.max_pool2d(images, 2, 1, "SAME")
    thickest = tf.nn.max_pool2d(images, 3, 1, "SAME")
    logits = tf.math.log([pen_choices(share)])
    choice = tf.random.categorical(tf.repeat(logits, tf.shape(images)[0], axis=0), 1)[:, 0]
    pick = tf.one_hot(choice, 4)[:, :, None, None, None]
    return tf.reduce_sum(tf.stack([images, thinner, thicker, thickest], axis=1) * pick, axis=1)


def vary_stroke_thickness_any_backend(images, share: float, seed):
    """``vary_stroke_thickness`` in Keras ops, for training on a backend other than TensorFlow (JAX on a GPU)."""
    from keras import ops, random

    thinner = -ops.max_pool(-images, 2, 1, "same")
    thicker = ops.max_pool(images, 2, 1, "same")
    thickest = ops.max_pool(images, 3, 1, "same")
    logits = ops.log(ops.convert_to_tensor([pen_choices(share)]))
    choice = random.categorical(ops.repeat(logits, ops.shape(images)[0], axis=0), 1, seed=seed)[:, 0]
    pick = ops.one_hot(choice, 4)[:, :, None, None, None]
    return ops.sum(ops.stack([images, thinner, thicker, thickest], axis=1) * pick, axis=1)


def main(argv=None) -> None:
    args = parse_args(argv)

    import keras

    from hdr_core import data, model

    keras.utils.set_random_seed(args.seed)

    if args.members_of:  # an averaged model taken apart: its members, to continue or to recombine
        write_members(args.members_of, args.out)
        return

    # 1. Data: MNIST's training set minus a held-out validation set; the test set stays untouched.
    train_full, test = data.load_mnist()
    train, validation = data.train_validation_split(train_full, args.validation_size, args.split_seed)
    train = train.head(args.limit)
    keras_path = args.out / model.KERAS_MODEL_PATH.name
    if args.combine and args.scan_reader:
        write_scan_reader(args, validation)
        return
    if args.combine:
        args.out.mkdir(parents=True, exist_ok=True)
        ensemble = combine(args, validation, keras_path)
        if args.train_only:  # the average and the LiteRT file the app would serve, e.g. to time it; no evaluation
            model.export_tflite(ensemble, args.out / model.DEFAULT_MODEL_PATH.name, int8_weights=args.int8_weights)
            return
        evaluate(args, keras_path, validation, test.head(args.eval_limit))
        return
    if args.feedback:
        fine_tuning = fine_tune(args, train, validation, test, keras_path)
        if not fine_tuning["kept"]:
            raise SystemExit(f"refused: MNIST test accuracy would fall from {fine_tuning['test_accuracy_before']:.4%} to "
                             f"{fine_tuning['test_accuracy_after']:.4%} (more than 0.1 points); --force keeps it anyway")
        evaluate(args, keras_path, validation, test.head(args.eval_limit), fine_tuning)
        return
    if args.segmenter_only:
        train_segmenter(args, train, validation)
        return
    if not args.evaluate_only:
        for stage in training_stages(args, keras_path):
            keras.utils.set_random_seed(stage.seed)
            train_model(stage, train, validation, keras_path, data.fingerprint(train_full, test))
        if args.segmenter_numbers:  # 0 keeps the segment model already in --out
            train_segmenter(args, train, validation)
        if args.train_only:
            return
    evaluate(args, keras_path, validation, test.head(args.eval_limit))


RESTART_COPIES = ("scan_samples", "elastic_samples", "style_samples", "number_digit_samples")
"""The copies that join only in the restart: the first cycle of a run has none of them."""


def training_stages(args, keras_path: Path) -> list[argparse.Namespace]:
    """The runs one `python train.py` makes: a full cosine cycle from new weights on MNIST, canvas-style
    and box-filled copies, then a warm restart of its best model (a new, shorter cycle) with the
    low-resolution scans added. A run given --warm-start is itself the restart."""
    if args.warm_start or not args.restart_epochs:
        return [argparse.Namespace(**{**vars(args), "restart_epochs": 0})]
    first = argparse.Namespace(**{**vars(args), **dict.fromkeys(RESTART_COPIES, 0), "restart_epochs": 0})
    restart = argparse.Namespace(**{**vars(args), "epochs": args.restart_epochs, "learning_rate": args.restart_learning_rate,
                                    "warm_start": keras_path, "restart_epochs": 0})
    return [first, restart]


def augmented_dataset(args, x, y):
    """Training batches with augmentation: how people's digits differ from MNIST's.

    Pen width (grey erosion/dilation), slant (rotation and shear), size, aspect (the width zoomed
    on its own) and position, then full-strength ink as preprocessing gives.
    """
    import keras
    import tensorflow as tf
    from keras import layers

    geometry = keras.Sequential(
        [
            layers.RandomRotation(args.rotation / 360, fill_mode="constant"),
            layers.RandomZoom((-args.zoom, args.zoom), (-args.zoom - args.stretch, args.zoom + args.stretch), fill_mode="constant"),
            layers.RandomShear(args.shear, 0.0, fill_mode="constant"),
            layers.RandomTranslation(args.shift, args.shift, fill_mode="constant"),
        ],
        name="augmentation",
    )

    def augment(images, labels):
        images = geometry(vary_stroke_thickness(images, args.thickness_change), training=True)
        peak = tf.reduce_max(images, axis=[1, 2, 3], keepdims=True)
        return tf.clip_by_value(images / tf.maximum(peak, 1e-3), 0.0, 1.0), labels

    return (
        tf.data.Dataset.from_tensor_slices((x, y))
        .shuffle(len(y), seed=args.seed, reshuffle_each_iteration=True)
        .batch(args.batch_size)
        .map(augment, num_parallel_calls=tf.data.AUTOTUNE)
        .prefetch(tf.data.AUTOTUNE)
    )


def augmenting_layers(args) -> list:
    """``augmented_dataset``'s augmentation as layers, for Keras backends other than TensorFlow (JAX on a GPU).

    Put in front of the network while it trains, they run inside the compiled training step and pass
    images through unchanged when not training. The four geometric steps are one affine warp here:
    Keras' own RandomRotation/Zoom/Shear/Translation layers take about 300 ms a batch each on JAX
    (measured on an H100), the network itself 2.7 ms.
    """
    import keras
    from keras import ops

    class StrokeThickness(keras.layers.Layer):
        def __init__(self):
            super().__init__(name="stroke_thickness")
            self.seed = keras.random.SeedGenerator(args.seed)

        def call(self, images, training=False):
            return vary_stroke_thickness_any_backend(images, args.thickness_change, self.seed) if training else images

    class Geometry(keras.layers.Layer):
        def __init__(self):
            super().__init__(name="geometry")
            self.seed = keras.random.SeedGenerator(args.seed + 1)

        def call(self, images, training=False):
            return random_affine(images, args, self.seed) if training else images

    class FullStrength(keras.layers.Layer):
        def call(self, images, training=False):
            if not training:
                return images
            return ops.clip(images / ops.maximum(ops.max(images, axis=(1, 2, 3), keepdims=True), 1e-3), 0.0, 1.0)

    return [StrokeThickness(), Geometry(), FullStrength(name="full_strength")]


def random_affine(images, args, seed):
    """Rotation (up to ``args.rotation`` degrees), zoom (``args.zoom``, the width ``args.stretch`` more on its own),
    horizontal shear (``args.shear``) and shift (``args.shift`` of the size), drawn per image as Keras' layers draw
    them and applied in that order as one bilinear warp in Keras ops; outside the image is black."""
    from keras import ops, random

    n, height, width = ops.shape(images)[0], images.shape[1], images.shape[2]

    def uniform(limit):
        return random.uniform((n, 1), -limit, limit, seed=seed)

    angle = uniform(args.rotation * np.pi / 180)
    zoom_y, zoom_x = 1.0 + uniform(args.zoom), 1.0 + uniform(args.zoom + args.stretch)
    shear = uniform(args.shear)
    shift_y, shift_x = uniform(args.shift) * height, uniform(args.shift) * width

    # Where each output pixel comes from: shift back, unshear, unzoom (a zoom out samples wider), unrotate.
    ys, xs = np.meshgrid(np.arange(height) - (height - 1) / 2, np.arange(width) - (width - 1) / 2, indexing="ij")
    y = ops.convert_to_tensor(ys.reshape(1, -1), "float32") - shift_y
    x = ops.convert_to_tensor(xs.reshape(1, -1), "float32") - shift_x
    x = x + shear * y
    y, x = y * zoom_y, x * zoom_x
    cos, sin = ops.cos(angle), ops.sin(angle)
    y, x = cos * y - sin * x + (height - 1) / 2, sin * y + cos * x + (width - 1) / 2

    # Bilinear interpolation from the four neighbours, each zero where it falls outside the image.
    flat = ops.reshape(images, (n, height * width))
    y0, x0 = ops.floor(y), ops.floor(x)
    warped = 0.0
    for dy, dx in ((0, 0), (0, 1), (1, 0), (1, 1)):
        yy, xx = y0 + dy, x0 + dx
        weight = (1.0 - ops.abs(y - yy)) * (1.0 - ops.abs(x - xx))
        inside = (yy >= 0) & (yy <= height - 1) & (xx >= 0) & (xx <= width - 1)
        index = ops.cast(ops.clip(yy, 0, height - 1) * width + ops.clip(xx, 0, width - 1), "int32")
        warped = warped + ops.where(inside, weight * ops.take_along_axis(flat, index, axis=1), 0.0)
    return ops.reshape(warped, ops.shape(images))


def validation_dataset(validation):
    import keras

    from hdr_core.scaling import scale_uint8

    if keras.backend.backend() != "tensorflow":
        return scale_uint8(validation.x)[..., None], validation.y.astype("int32")

    import tensorflow as tf

    return tf.data.Dataset.from_tensor_slices((scale_uint8(validation.x)[..., None], validation.y.astype("int32"))).batch(512)


def training_images(args, train) -> tuple[np.ndarray, np.ndarray]:
    """MNIST's training digits, plus copies of some of them as people's digits reach the app."""
    from hdr_core.preprocess import preprocess
    from hdr_core.scaling import as_model_batch, scale_uint8
    from hdr_core.synth import (continental_style, digits_cut_from_numbers, draw_like_canvas, draw_points_like_canvas,
                                elastic_distortion, fill_box_like_scans, low_resolution_scan)

    rng = np.random.default_rng(args.seed)
    every = np.arange(len(train))

    def pick(pool, n):
        return rng.choice(pool, size=min(n, len(pool)), replace=False)

    copies = {}
    # 2. Canvas-style copies of some training digits: the pen strokes people draw on the Draw page.
    copies["canvas-style"] = made(pick(every, args.canvas_samples), lambda k, i: preprocess(draw_like_canvas(train.x[i], rng, levels=args.trace_levels)))
    # 3. Box-filled copies of others: scanned digit sets (Semeion, USPS) stretch each digit to fill its box.
    copies["box-filled"] = made(pick(every, args.box_filled_samples), lambda k, i: fill_box_like_scans(train.x[i]))
    # 4. Binary low-resolution scans of others, enlarged and uploaded: how Semeion's digits reach the app.
    copies["low-resolution scans"] = made(pick(every, args.scan_samples),
                                          lambda k, i: preprocess(low_resolution_scan(train.x[i], rng)))

    # 5. Elastically bent copies of others (Simard et al. 2003): loops, tails and flags as other people
    #    write them; every second one also scanned, as a foreign hand reaches the app in a scanned set.
    def bent(k, i):
        digit = elastic_distortion(train.x[i], rng)
        return preprocess(low_resolution_scan(digit, rng) if k % 2 else digit)
    copies["elastically bent"] = made(pick(every, args.elastic_samples), bent)

    # 6. Continental 1s and 7s: a flag on the 1 (which MNIST's writers seldom draw), a bar across the 7;
    #    drawn as on the canvas, every second one then scanned.
    def continental(k, i):
        drawn = preprocess(draw_points_like_canvas(continental_style(train.x[i], int(train.y[i]), rng, args.trace_levels), rng))
        return preprocess(low_resolution_scan((drawn * 255).astype(np.uint8), rng)) if k % 2 else drawn
    copies["continental 1s and 7s"] = made(pick(np.flatnonzero(np.isin(train.y, (1, 7))), args.style_samples), continental)

    # 7. Digits of whole numbers: others drawn inside numbers of 2-6 digits, each cut out by its own ink.
    chosen = pick(every, args.number_digit_samples)
    cut = digits_cut_from_numbers(train.x[chosen], rng, args.trace_levels)
    copies["cut from numbers"] = {int(i): d for i, d in zip(chosen, cut) if d is not None}

    made_copies = [d for d in copies.values() if d]  # one concatenation, not one whole-array copy per kind
    x_train = np.concatenate([scale_uint8(train.x)[..., None], *(as_model_batch(list(d.values())) for d in made_copies)])
    y_train = np.concatenate([train.y, *(train.y[np.array(list(d), dtype=int)] for d in made_copies)]).astype("int32")
    print(f"training on {len(y_train)} images (" + ", ".join(f"{len(d)} {name}" for name, d in copies.items()) + ")")
    return x_train, y_train


def made(indices, make) -> dict[int, np.ndarray]:
    """``make(k, i)`` for the k-th chosen training digit i; the few copies the app itself would refuse
    (a straight 1 scanned to solid ink is no digit to it) are left out, keyed by the digit they came from."""
    from hdr_core.errors import InputError

    copies = {}
    for k, i in enumerate(indices):
        try:
            copies[int(i)] = make(k, int(i))
        except InputError:
            continue
    return copies


def train_model(args, train, validation, model_path: Path, data_sha256: str) -> None:
    import keras

    try:
        import tensorflow as tf
    except ImportError:  # training on another Keras backend (KERAS_BACKEND=jax on a GPU machine)
        tf = None

    from hdr_core import constants, model

    started = time.time()
    x_train, y_train = training_images(args, train)
    print(f"validating on {len(validation)}")

    # 8. Augmentation: how people's digits differ from MNIST's - pen width, slant, size, aspect, position.
    if keras.backend.backend() == "tensorflow":
        batches, in_front = {"x": augmented_dataset(args, x_train, y_train)}, []
    else:  # no tf.data (KERAS_BACKEND=jax on a GPU machine): augmenting layers in front, inside the compiled step
        batches = {"x": x_train, "y": y_train, "batch_size": args.batch_size, "shuffle": True, "validation_batch_size": 512}
        in_front = augmenting_layers(args)

    # 9. Model and optimiser: Adam with a cosine-decayed learning rate (a warm start restarts the schedule).
    net = model.load_model(args.warm_start) if args.warm_start else model.build_model(args.dropout)
    steps = args.epochs * int(np.ceil(len(y_train) / args.batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(args.learning_rate, decay_steps=steps)
    trained = keras.Sequential([keras.Input(constants.INPUT_SHAPE), *in_front, net], name="augmented") if in_front else net
    trained.compile(keras.optimizers.Adam(schedule), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    net.summary()

    # 10. Train, keeping the epoch with the best validation accuracy (the test set plays no part).
    args.out.mkdir(parents=True, exist_ok=True)
    history = trained.fit(**batches, validation_data=validation_dataset(validation), epochs=args.epochs,
                          callbacks=[keep_best(net, model_path)], verbose=1)
    trained_seconds = time.time() - started

    config = {
        **{k: v for k, v in vars(args).items() if k not in WHERE_NOT_HOW},
        "input_shape": list(constants.INPUT_SHAPE),
        "num_classes": constants.NUM_CLASSES,
        "training_images": int(len(y_train)),
        "data_sha256": data_sha256,
        "parameters": int(net.count_params()),
        "layers": [
            {"name": layer.name, "type": type(layer).__name__, "output_shape": str(layer.output.shape), "parameters": int(layer.count_params())}
            for layer in net.layers
        ],
        "train_seconds": round(trained_seconds, 1),
        "versions": {
            "python": platform.python_version(),
            "tensorflow": tf.__version__ if tf else None,
            "keras": keras.__version__,
            "keras_backend": keras.backend.backend(),
            "numpy": np.__version__,
        },
    }
    learning_rates = [float(schedule(e * steps // args.epochs)) for e in range(args.epochs)]
    history_out = {"epoch": list(range(1, len(history.history["loss"]) + 1)), "learning_rate": learning_rates,
                   **{k: [float(v) for v in vs] for k, vs in history.history.items()}}
    if args.warm_start:  # the run it continues comes first, so the curves and settings tell the whole story
        config["warm_start"], history_out = continued_from(args.warm_start, history_out)
    earlier = saved_json(args.out / "train_config.json")
    for kept in ("segmenter", "scan_reader"):  # the models beside it stay until trained again themselves
        if kept in earlier:
            config[kept] = earlier[kept]
    for name, payload in [("train_config", config), ("history", history_out)]:
        (args.out / f"{name}.json").write_text(json.dumps(payload, indent=1) + "\n")


WHERE_NOT_HOW = {"out", "semeion", "feedback", "combine", "warm_start", "evaluate_only", "segmenter_only", "force",
                 "train_only"}
"""Arguments that say where files are or which mode ran, not how the model was made: left out of train_config.json."""


def write_members(keras_path: Path, out: Path) -> None:
    """Each member of an averaged model to OUT/member_K/, with the settings the average recorded for it
    (``member_settings``) as its train_config.json, so a warm start or a new average still knows its seed and run."""
    from hdr_core import model

    recorded = saved_json(keras_path.parent / "train_config.json").get("ensemble", {})
    settings = recorded.get("member_settings", [])
    for k, member in enumerate(model.ensemble_members(model.load_model(keras_path)), start=1):
        path = out / f"member_{k}" / model.KERAS_MODEL_PATH.name
        path.parent.mkdir(parents=True, exist_ok=True)
        member.save(path)
        if k <= len(settings):
            (path.parent / "train_config.json").write_text(json.dumps(settings[k - 1], indent=1) + "\n")
        print(f"wrote {path}")


def keep_best(net, path: Path):
    """Save ``net`` (not the augmenting model around it, if any) whenever validation accuracy is the best yet,
    as ``keras.callbacks.ModelCheckpoint(path, monitor="val_accuracy", save_best_only=True)`` does."""
    import keras

    class KeepBest(keras.callbacks.Callback):
        best = -np.inf

        def on_epoch_end(self, epoch, logs=None):
            if logs["val_accuracy"] > self.best:
                self.best = logs["val_accuracy"]
                net.save(path)

    return KeepBest()


def saved_json(path: Path) -> dict:
    """A JSON artifact a run saved (settings, history), or {} where there is none (a run from before it, a new folder)."""
    return json.loads(path.read_text()) if path.is_file() else {}


def continued_from(start: Path, history: dict) -> tuple[dict, dict]:
    """The settings of the run a warm start continues, and its history followed by the new epochs."""
    earlier, before = saved_json(start.parent / "train_config.json"), saved_json(start.parent / "history.json")
    settings = {k: earlier.get(k) for k in ("seed", "epochs", "learning_rate", "canvas_samples", "box_filled_samples",
                                             "training_images", "train_seconds", "data_sha256")}
    settings.update({k: earlier.get(k, 0) for k in RESTART_COPIES})  # runs from before an option had none
    settings["trace_levels"] = traced_at(earlier)
    if not before:
        return {"from": start.name, **settings}, history
    offset = len(before["epoch"])
    joined = {k: before.get(k, []) + history[k] for k in history}
    joined["epoch"] = list(range(1, offset + len(history["epoch"]) + 1))
    return {"from": start.name, **settings, "restarted_after_epoch": offset}, joined


def train_segmenter(args, train, validation) -> None:
    """The segment model for whole numbers: is a candidate cut from a number one whole digit?"""
    import keras

    from hdr_core import model
    from hdr_core.numbers import SEGMENTER_PATH
    from hdr_core.scaling import scale_uint8
    from hdr_core.synth import segmentation_examples

    # 1. Numbers drawn with training digits, cut as the app cuts them; each candidate labelled by the drawing.
    started = time.time()
    keras.utils.set_random_seed(args.segmenter_seed)
    rng = np.random.default_rng([args.segmenter_seed, 1])
    x, y = segmentation_examples(train.x, args.segmenter_numbers, rng, args.trace_levels)
    x_val, y_val = segmentation_examples(validation.x, max(1, args.segmenter_numbers // 5), rng, args.trace_levels)
    print(f"segment model: {len(y)} candidates ({y.mean():.1%} whole digits), validating on {len(y_val)}")

    # 2. A small CNN, trained briefly; the epoch with the best validation accuracy is kept.
    net = model.build_segmenter()
    net.compile(keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    candidate_path = args.out / "segmenter.keras"
    args.out.mkdir(parents=True, exist_ok=True)
    checkpoint = keras.callbacks.ModelCheckpoint(candidate_path, monitor="val_accuracy", save_best_only=True)
    history = net.fit(scale_uint8(x)[..., None], y, batch_size=256, epochs=args.segmenter_epochs, verbose=2,
                      validation_data=(scale_uint8(x_val)[..., None], y_val), callbacks=[checkpoint])
    best = model.load_model(candidate_path)
    model.export_tflite(best, args.out / SEGMENTER_PATH.name, int8_weights=False)
    candidate_path.unlink()

    # 3. Its settings and figures beside the digit model's.
    config_path = args.out / "train_config.json"
    config = saved_json(config_path)
    config["segmenter"] = {"numbers": args.segmenter_numbers, "epochs": args.segmenter_epochs, "seed": args.segmenter_seed,
                           "candidates": int(len(y)), "whole_share": float(y.mean()),
                           "validation_candidates": int(len(y_val)),
                           "validation_accuracy": max(float(a) for a in history.history["val_accuracy"]),
                           "parameters": int(net.count_params()), "train_seconds": round(time.time() - started, 1)}
    config_path.write_text(json.dumps(config, indent=1) + "\n")


def combine(args, validation, keras_path: Path):
    """Average trained members into one model, unless one member alone reads validation digits as well;
    the average is saved to ``keras_path`` and returned.

    The figures are the three validation sets (MNIST digits, canvas drawings, low-resolution scans;
    ``robustness.validation_readings``), read as the app reads them, variants included; an average is
    refused when one member reads each of them at least as well (``dominating_member``). Their means are
    printed too. The first member's settings and history are written beside the average as the model's.
    """
    from hdr_core import model, robustness

    members = [model.load_model(path) for path in args.combine]
    readings = [robustness.served_validation_readings(member, validation, int8_weights=args.int8_weights)
                for member in members]
    figures = [{name: robustness.served([r]).accuracy for name, r in member.items()} for member in readings]
    together = {name: robustness.served([member[name] for member in readings]).accuracy for name in readings[0]}
    mean = [float(np.mean(list(f.values()))) for f in figures]
    together_mean = float(np.mean(list(together.values())))
    print("validation (MNIST, canvas drawings, low-resolution scans; mean): "
          + "; ".join(f"member {i + 1} {' '.join(f'{a:.2%}' for a in f.values())} mean {m:.3%}"
                      for i, (f, m) in enumerate(zip(figures, mean)))
          + f"; averaged {' '.join(f'{a:.2%}' for a in together.values())} mean {together_mean:.3%}")
    beaten_by = dominating_member(figures, together)
    if beaten_by is not None and not args.force:
        raise SystemExit(f"refused: member {beaten_by + 1} alone reads each validation set at least as well as the "
                         "average (--force keeps it anyway)")
    ensemble = model.build_ensemble(members)
    ensemble.save(keras_path)
    config_path = args.out / "train_config.json"
    member_configs = [saved_json(path.parent / "train_config.json") for path in args.combine]
    config = ensemble_config(saved_json(config_path), member_configs, {
        "members": len(members), "how": "probabilities averaged", "chosen_by": args.chosen_by,
        "member_validation": figures, "ensemble_validation": together})
    config["parameters"] = int(ensemble.count_params())
    first_history = args.combine[0].parent / "history.json"
    if first_history.is_file() and first_history.resolve() != (args.out / "history.json").resolve():
        shutil.copyfile(first_history, args.out / "history.json")
    config_path.write_text(json.dumps(config, indent=1) + "\n")
    return ensemble


def write_scan_reader(args, validation) -> None:
    """The scan reader: the average of ``--combine``'s networks, served (LiteRT) beside the digit model to read
    the uploads that are low-resolution scans (``preprocess.is_low_resolution_scan``) in its place; its members'
    settings, why they were chosen and what it reads of the validation scans go into train_config.json."""
    from hdr_core import model, robustness

    args.out.mkdir(parents=True, exist_ok=True)
    path = model.export_tflite(model.build_ensemble([model.load_model(p) for p in args.combine]),
                               args.out / model.SCAN_MODEL_PATH.name, int8_weights=args.int8_weights)
    scans = robustness.scan_accuracy(model.Predictor(path), validation)
    config_path = args.out / "train_config.json"
    config = saved_json(config_path)
    config["scan_reader"] = {
        "file": path.name, "members": len(args.combine), "how": "probabilities averaged", "chosen_by": args.chosen_by,
        "weights": "int8" if args.int8_weights else "float32",
        "member_settings": [member_settings(saved_json(m.parent / "train_config.json")) for m in args.combine],
        "validation_low_resolution_scans": scans.accuracy}
    config_path.write_text(json.dumps(config, indent=1) + "\n")
    print(f"wrote {path}: validation low-resolution scans {scans.accuracy:.2%}")


def dominating_member(members: list[dict], together: dict) -> int | None:
    """The first member that reads every validation figure at least as well as the average of them all, if
    any: that average would cost more and read nothing better. An average that reads one set better than
    each member (most MNIST digits, say, where one member reads the most scans) is worth its cost."""
    for k, figures in enumerate(members):
        if all(figures[name] >= together[name] for name in together):
            return k
    return None


def ensemble_config(previous: dict, member_configs: list[dict], ensemble: dict) -> dict:
    """The settings saved beside an average: the first member's stand for the model's (its history is
    saved too), every member's under ``ensemble``, and the segment model's from the folder's old settings."""
    config = dict(member_configs[0] or previous)
    for kept in ("segmenter", "scan_reader"):  # trained apart, kept as they were
        config.pop(kept, None)
        if kept in previous:
            config[kept] = previous[kept]
    config["ensemble"] = {**ensemble, "member_settings": [member_settings(c) for c in member_configs]}
    return config


def member_settings(config: dict) -> dict:
    """The settings that tell one ensemble member from another, and the run it continued, if any."""
    settings = {k: config.get(k) for k in ("seed", "split_seed", "epochs", "learning_rate", *RESTART_COPIES,
                                           "training_images", "train_seconds")}
    settings["trace_levels"] = traced_at(config)
    if "warm_start" in config:
        settings["warm_start"] = {k: config["warm_start"].get(k) for k in ("seed", "epochs", "learning_rate", *RESTART_COPIES,
                                                                          "restarted_after_epoch")}
        settings["warm_start"]["trace_levels"] = traced_at(config["warm_start"])
    return settings


def load_feedback(source: str):
    """Corrections as (x uint8 (N, 28, 28), y): from a feedback .npz (MNIST layout) or a feedback database URL."""
    from hdr_core.feedback import FeedbackStore

    if source.endswith(".npz"):
        with np.load(source) as data:
            return data["x_train"], data["y_train"]
    records = FeedbackStore(source).records()[::-1]
    x = np.array([np.round(r.model_input * 255) for r in records], dtype=np.uint8).reshape(-1, 28, 28)
    return x, np.array([r.label for r in records], dtype=np.uint8)


def fine_tune(args, train, validation, test, keras_path: Path) -> dict:
    """Fine-tune the saved model on MNIST with the corrections mixed in (each repeated), at a low rate.

    The new model replaces the old only if its MNIST test accuracy falls by at most 0.1 points
    (or with --force); the test set only decides whether to keep it, it never trains it.
    """
    import keras

    from hdr_core import model
    from hdr_core.scaling import scale_uint8

    # 1. The corrections, repeated so the model sees them often enough, mixed into MNIST's training digits.
    x_feedback, y_feedback = load_feedback(args.feedback)
    if len(y_feedback) == 0:
        raise SystemExit(f"no corrections in {args.feedback}")
    x = np.concatenate([scale_uint8(train.x), np.repeat(scale_uint8(x_feedback), args.feedback_repeats, axis=0)])[..., None]
    y = np.concatenate([train.y, np.repeat(y_feedback, args.feedback_repeats)]).astype("int32")
    print(f"fine-tuning on {len(train)} MNIST digits and {len(y_feedback)} corrections x{args.feedback_repeats}")

    # 2. A few epochs from the saved weights, at a low learning rate, keeping the best validation epoch.
    net = model.load_model(keras_path)
    before = float((net.predict(scale_uint8(test.x)[..., None], verbose=0).argmax(axis=1) == test.y).mean())
    net.compile(keras.optimizers.Adam(args.fine_tune_learning_rate), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    candidate = args.out / "candidate.keras"
    checkpoint = keras.callbacks.ModelCheckpoint(candidate, monitor="val_accuracy", save_best_only=True)
    net.fit(augmented_dataset(args, x, y), validation_data=validation_dataset(validation),
            epochs=args.fine_tune_epochs, callbacks=[checkpoint], verbose=1)

    # 3. Keep it only if MNIST itself is not forgotten.
    tuned = model.load_model(candidate)
    after = float((tuned.predict(scale_uint8(test.x)[..., None], verbose=0).argmax(axis=1) == test.y).mean())
    kept = after >= before - 0.001 or args.force
    if kept:
        candidate.replace(keras_path)
    else:
        candidate.unlink()
    return {"feedback": str(args.feedback), "corrections": int(len(y_feedback)), "repeats": args.feedback_repeats,
            "epochs": args.fine_tune_epochs, "learning_rate": args.fine_tune_learning_rate,
            "test_accuracy_before": before, "test_accuracy_after": after, "kept": bool(kept), "forced": bool(args.force)}


def evaluate(args, keras_path: Path, validation, test, fine_tuning: dict | None = None) -> None:
    from hdr_core import data, evaluation, model
    from hdr_core.numbers import SEGMENTER_PATH
    from hdr_core.scaling import scale_uint8

    # 11. Convert the best Keras model to the LiteRT file the app serves, and check they agree.
    net = model.load_model(keras_path)
    model_path = model.export_tflite(net, args.out / model.DEFAULT_MODEL_PATH.name, int8_weights=args.int8_weights)
    predictor = model.Predictor.from_file(model_path)  # with the scan reader beside it, if there is one
    agreement = float(np.abs(net.predict(scale_uint8(validation.x[:1000])[..., None], verbose=0)
                             - predictor.network_probabilities(scale_uint8(validation.x[:1000]))).max())

    # 12. Evaluate the served model on the test set, then on realistic input through full preprocessing.
    beside = args.out / SEGMENTER_PATH.name
    segmenter = model.Predictor(beside if beside.is_file() else SEGMENTER_PATH, variants=False)  # a run into a new folder borrows models/'s
    semeion = data.load_semeion(args.semeion)
    figures = evaluation.evaluation(predictor, segmenter, validation, test, semeion.head(args.eval_limit) if semeion else None,
                                    photo_samples=args.photo_samples, number_samples=args.number_samples,
                                    unsure_target=args.unsure_target, int8_weights=args.int8_weights, agreement=agreement,
                                    keras_file=keras_path.name, fine_tuning=fine_tuning)
    print(evaluation.headline(figures))

    # 13. Write the artifacts the app and the README read.
    (args.out / "evaluation.json").write_text(json.dumps(figures, indent=1) + "\n")
    print(f"wrote {model_path}, {keras_path.name} and the JSON artifacts to {args.out}/")


if __name__ == "__main__":
    main()
