"""Print the README's Results and Performance tables from models/evaluation.json and bench/results/*.json.

    python bench/report.py

Nothing is measured here: every figure comes from the JSON the commands in the tables wrote.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load(path: str) -> dict | None:
    file = ROOT / path
    return json.loads(file.read_text()) if file.is_file() else None


def pct(value: float) -> str:
    return f"{value * 100:.2f}%"


def results() -> list[str]:
    e = load("models/evaluation.json")
    r = e["robustness"]
    rows = [
        ("MNIST test accuracy, all 10,000 test images", pct(e["test"]["accuracy"]), ">= 99.60%", "python train.py --evaluate-only"),
        ("MNIST test loss / expected calibration error", f"{e['test']['loss']:.4f} / {e['test']['calibration']['ece']:.4f}", "", "python train.py --evaluate-only"),
        (f"Semeion, {r['semeion']['n']:,} digits by about 80 writers, upload preprocessing", pct(r["semeion"]["accuracy"]), ">= 94%", "python train.py --evaluate-only"),
        (f"Canvas-style redraws of all {r['canvas']['n']:,} test digits", pct(r["canvas"]["accuracy"]), ">= 98.5%", "python train.py --evaluate-only"),
        (f"Phone photos of {r['photos']['n']:,} test digits on paper", pct(r["photos"]["accuracy"]), ">= 98%", "python train.py --evaluate-only"),
        *([("... the same digits written on ruled / squared notebook paper",
            f"{pct(r['photos_ruled']['accuracy'])} / {pct(r['photos_squared']['accuracy'])}", "", "python train.py --evaluate-only")]
          if "photos_ruled" in r else []),
        *([("... the same digits on a page photographed lying on a desk", pct(r["photos_on_a_desk"]["accuracy"]), "",
            "python train.py --evaluate-only")] if "photos_on_a_desk" in r else []),
        *([("... the same digits on a page photographed lying on a pale desk (white or light wood)",
            pct(r["photos_on_a_pale_desk"]["accuracy"]), "", "python train.py --evaluate-only")]
          if "photos_on_a_pale_desk" in r else []),
        *([("... the same digits written in pencil or a red, green or light-blue pen",
            pct(r["photos_light_ink"]["accuracy"]), "", "python train.py --evaluate-only")]
          if "photos_light_ink" in r else []),
        *([(f"Continental 1s and 7s: the {r['continental_ones_and_sevens']['n']:,} test 1s and 7s drawn with a flag / a bar, all / 1s / 7s",
            " / ".join(pct(r["continental_ones_and_sevens"][k]) for k in ("accuracy", "ones_accuracy", "sevens_accuracy")),
            "", "python train.py --evaluate-only")] if "continental_ones_and_sevens" in r else []),
        (f"Whole numbers of 2-6 test digits ({r['numbers']['n']:,}), whole / per digit",
         f"{pct(r['numbers']['whole_number_accuracy'])} / {pct(r['numbers']['digit_accuracy'])}", ">= 95% / >= 99%", "python train.py --evaluate-only"),
        *([("... the same numbers given their pen strokes, as the Draw page reads them",
            f"{pct(r['numbers_with_strokes']['whole_number_accuracy'])} / {pct(r['numbers_with_strokes']['digit_accuracy'])}",
            ">= 95% / >= 99%", "python train.py --evaluate-only")] if "numbers_with_strokes" in r else []),
        *([("... the same numbers printed on paper and photographed with a phone, read as an upload",
            f"{pct(r['numbers_photographed']['whole_number_accuracy'])} / {pct(r['numbers_photographed']['digit_accuracy'])}",
            "", "python train.py --evaluate-only")] if "numbers_photographed" in r else []),
        (f"Served LiteRT model ({e.get('weights', 'float32').split(' (')[0]} weights) against the Keras model, "
         "largest probability difference on 1,000 validation digits",
         f"{e['max_probability_difference_tflite_vs_keras']:.1e}", "", "python train.py --evaluate-only"),
        *([(f"Validation digits as binary low-resolution scans ({e['validation']['n']:,}; Semeion-like, for choosing models)",
            pct(e["validation"]["low_resolution_scans"]["accuracy"]), "", "python train.py --evaluate-only")]
          if "low_resolution_scans" in e["validation"] else []),
        ("*Not sure* note below this confidence (set on validation drawings)", pct(e["unsure_below"]["threshold"]), "", "python train.py --evaluate-only"),
    ]
    style = load("bench/results/style.json")
    if style:
        def ones_sevens(counts):
            return " / ".join(f"{pct(right / n)} ({right:,} of {n:,})" for right, n in (counts["ones"], counts["sevens"]))

        sets = style["sets"]
        rows.append(("Continental 1s and 7s of the test set read with the setting *I write 1 with a flag and cross my 7s*, "
                     "1s / 7s (the setting off: the *continental 1s and 7s* row)", ones_sevens(sets["test continental"]["continental"]), "",
                     "python bench/style.py"))
        fresh = sets["validation continental, fresh (judged on)"]
        rows.append(("... the validation 1s and 7s redrawn afresh (the setting was judged on them), 1s / 7s, the setting "
                     "off -> on", " / ".join(f"{pct(fresh['plain'][k][0] / fresh['plain'][k][1])} -> "
                                             f"{pct(fresh['continental'][k][0] / fresh['continental'][k][1])}"
                                             for k in ("ones", "sevens")), "", "python bench/style.py"))
        bare = sets["test canvas drawings, MNIST's style"]
        rows.append(("... and the cost: the test canvas drawings, as MNIST's writers draw (7s without a bar), read right "
                     "with the setting off / on, all / 7s",
                     " / ".join(", ".join(pct(bare[k][part][0] / bare[k][part][1]) for part in ("all", "sevens"))
                                for k in ("plain", "continental")), "", "python bench/style.py"))
        if "Semeion" in sets:
            semeion = sets["Semeion"]
            rows.append(("... and Semeion's digits (Italian writers) read with the setting off / on, all / 1s / 7s (its bar is "
                         "judged with the setting off, as the app reads by default)",
                         " / ".join(", ".join(pct(semeion[k][part][0] / semeion[k][part][1]) for part in ("all", "ones", "sevens"))
                                    for k in ("plain", "continental")), "", "python bench/style.py"))
    cuts = load("bench/results/number_cuts.json")
    if cuts:
        rows.append((f"Whole numbers of 2-6 validation digits ({cuts['numbers']:,}): a correct cut among the candidates / read right",
                     f"{pct(cuts['correct_split_among_candidates'])} / {pct(cuts['outcomes'].get('right', 0.0))}", "",
                     "python bench/number_cuts.py"))
        if "perfect_cuts" in cuts:
            perfect = cuts["perfect_cuts"]
            rows.append(("... the same numbers cut perfectly (each digit by its own ink), whole / per digit",
                         f"{pct(perfect['whole_number_accuracy'])} / {pct(perfect['digit_accuracy'])}", "", "python bench/number_cuts.py"))
        if "misread_because" in cuts:
            because = cuts["misread_because"]
            rows.append(("... read wrong from the image alone because the digit model misreads even a perfect cut / no correct "
                         "cut is among the candidates / another cut is chosen",
                         " / ".join(pct(because.get(name, 0.0)) for name in (
                             "the digit model misreads it even cut perfectly", "no correct split among the candidates",
                             "a correct split was there, another chosen")), "", "python bench/number_cuts.py"))
            rows.append(("... their digits as MNIST stores them / redrawn as on the canvas and cut perfectly, read right",
                         f"{pct(cuts['digit_accuracy_as_mnist_stores_them'])} / {pct(cuts['perfect_cuts']['digit_accuracy'])}",
                         "", "python bench/number_cuts.py"))
        if "misread_cut_perfectly" in cuts:
            misread = cuts["misread_cut_perfectly"]
            rows.append(("... the digits misread even cut perfectly: how many, how many distinct validation digits among "
                         f"them, how many read at least {misread['sure_at_least']:.0%} sure, the commonest misreadings",
                         f"{misread['digits']}, {misread['distinct_validation_digits']}, {misread['read_that_sure']}; "
                         + ", ".join(f"{name} ({n})" for name, n in list(misread["as"].items())[:3]),
                         "", "python bench/number_cuts.py"))
        if "with_pen_strokes" in cuts:
            drawn = cuts["with_pen_strokes"]
            rows.append(("... given their pen strokes: a correct cut among the candidates / read right, per digit",
                         f"{pct(drawn['correct_split_among_candidates'])} / {pct(drawn['whole_number_accuracy'])}, "
                         f"{pct(drawn['digit_accuracy'])}", "", "python bench/number_cuts.py"))
    points = load("bench/results/number_marks.json")
    if points:
        def in_place(found):
            return f"{pct(found['mark_in_place_share'])} ({found['mark_in_place']:,} of {found['digits_read_right']:,})"

        labels = {"point": "Numbers of 3-6 validation digits drawn with a decimal point ({n}), given their strokes: "
                           "the point in its place, of those whose digits are read right",
                  "comma": "... others drawn with a decimal comma ({n}): the comma in its place, likewise",
                  "minus": "Negative numbers of 1-5 validation digits ({n}), given their strokes: the minus in front, "
                           "of those whose digits are read right",
                  "hyphen": "... numbers of 2-6 digits with a hyphen between two ({n}): the hyphen in its place, likewise"}
        for kind, label in labels.items():
            if f"with_a_{kind}" in points:
                found = points[f"with_a_{kind}"]
                rows.append((label.format(n=f"{found['numbers']:,}"), in_place(found), "", "python bench/number_marks.py"))
        plain = points["without_a_mark"]
        rows.append((f"... numbers drawn without any of these marks ({plain['numbers']:,}), given their strokes: read with one",
                     f"{plain['read_with_a_mark']:,}", "", "python bench/number_marks.py"))
        alone = points.get("image_alone")
        if alone:
            rows.append(("... the same four sets read from the image alone, as an upload: the point / comma / minus / "
                         "hyphen in its place, likewise", " / ".join(in_place(alone[f"with_a_{kind}"]) for kind in labels),
                         "", "python bench/number_marks.py"))
            rows.append((f"... the same {alone['without_a_mark']['numbers']:,} numbers without a mark, from the image "
                         "alone: read with one", f"{alone['without_a_mark']['read_with_a_mark']:,}", "",
                         "python bench/number_marks.py"))
            shot, plain_shot = alone["photographed_with_a_point"], alone["photographed_without_a_mark"]
            rows.append((f"Numbers with a decimal point ({shot['numbers']:,}) / without a mark ({plain_shot['numbers']:,}), "
                         "printed and photographed, read as an upload: the point in its place, likewise / read with a mark",
                         f"{in_place(shot)} / {plain_shot['read_with_a_mark']:,}", "", "python bench/number_marks.py"))
    lines = load("bench/results/underlines.json")
    if lines:
        under, right = lines["underlined"], lines["underlined"]["read_right"]
        rows.append((f"Numbers of 2-6 validation digits drawn underlined ({under['numbers']:,}), read right given their "
                     "strokes / from the image alone (the same drawings without the line)",
                     f"{pct(right['given_strokes'] / under['numbers'])} / {pct(right['image_alone'] / under['numbers'])} "
                     f"({pct(right['given_strokes_without_the_line'] / under['numbers'])} / "
                     f"{pct(right['image_alone_without_the_line'] / under['numbers'])})", "", "python bench/underlines.py"))
        alone = lines["lines_alone"]
        rows.append((f"Lines drawn on their own on the number canvas ({alone['lines']:,}): refused as no number",
                     f"{alone['refused_as_no_number']:,}", "", "python bench/underlines.py"))
        if "single_digits" in lines:
            single, right = lines["single_digits"], lines["single_digits"]["read_right"]
            rows.append((f"Single validation digits drawn underlined ({single['digits']:,}), read right as an upload / on the "
                         "one-digit canvas (the same drawings without the line, as an upload)",
                         f"{pct(right['upload'] / single['digits'])} / {pct(right['one_digit_canvas'] / single['digits'])} "
                         f"({pct(right['upload_without_the_line'] / single['digits'])})", "", "python bench/underlines.py"))
    auto = load("bench/results/automatic.json")
    if auto:
        one, several = auto["single_digits"], auto["numbers_of_2_3_digits"]
        rows.append((f"Upload's Automatic mode: single validation digits ({one['drawings']:,}) / numbers of 2-3 of them "
                     f"({several['drawings']:,}, touching to well apart), drawn as on the canvas: read right (taken for a "
                     "number / for one digit)",
                     f"{pct(one['read_right'] / one['drawings'])} ({one['read_as_a_number']:,}) / "
                     f"{pct(several['read_right'] / several['drawings'])} "
                     f"({several['drawings'] - several['read_as_a_number']:,})", "", "python bench/automatic.py"))
        if "median_ms" in one:
            rows.append(("... the time to read one, preprocessing included, median: a single digit / a number",
                         f"{one['median_ms']:.2f} ms / {several['median_ms']:.2f} ms", "", "python bench/automatic.py"))
    shots = load("bench/results/photos.json")
    if shots and "on_a_desk" in shots["accuracy"]:
        figures = shots["accuracy"]

        def read(*papers: str) -> str:  # as the app reads them (without the line and page steps), per paper
            return " / ".join(f"{pct(figures[k]['as_the_app_reads_them'])} ({pct(figures[k]['without_the_line_and_page_steps'])})"
                              for k in papers)

        rows.append((f"Validation digits ({shots['digits']:,}) photographed on plain / ruled / squared paper / a page on a desk, "
                     "as the app reads them (without the line and page steps)",
                     read("plain", "ruled", "squared", "on_a_desk"), "", "python bench/photos.py"))
        if "on_a_desk_small_digit" in figures:
            rows.append(("... a page on a desk with the digit written small (5-10% of the frame height) / large (60-90%, "
                         "often running to the page's edge)",
                         read("on_a_desk_small_digit", "on_a_desk_large_digit"), "", "python bench/photos.py"))
        if "on_a_pale_desk" in figures:
            rows.append(("... a page on a pale desk (white or light wood, as light as the page or lighter)",
                         read("on_a_pale_desk"), "", "python bench/photos.py"))
        if "plain_light_ink" in figures:
            rows.append(("... plain paper, the digit written in pencil or a red, green or light-blue pen",
                         read("plain_light_ink"), "", "python bench/photos.py"))
        if "squared_light_ink" in figures:
            rows.append(("... in pencil or a light-coloured pen on ruled / squared paper / a page on a desk",
                         read("ruled_light_ink", "squared_light_ink", "on_a_desk_light_ink"), "", "python bench/photos.py"))
    tune = load("bench/results/fine_tune.json")
    if tune:
        rows += [
            (f"Fine-tuning on {tune['corrections']} corrections in one style: held-out drawings of that style",
             f"{pct(tune['held_out_accuracy_before'])} -> {pct(tune['held_out_accuracy_after'])}", "improves", "python bench/fine_tune.py"),
            ("... and MNIST test accuracy", f"{pct(tune['mnist_test_accuracy_before'])} -> {pct(tune['mnist_test_accuracy_after'])}",
             "within 0.1 points", "python bench/fine_tune.py"),
        ]
    return table(rows)


def performance() -> list[str]:
    rows = []
    core = load("bench/results/core.json")
    if core:
        single = core["canvas_image_preprocess_and_predict"]
        rows += [
            ("One 280x280 canvas image, preprocessing + prediction", f"median {single['median_ms']:.2f} ms (p95 {single['p95_ms']:.2f})", "<= 5 ms", "python bench/core.py"),
            ("One PNG upload, decoding + preprocessing + prediction", f"median {core['png_upload_preprocess_and_predict']['median_ms']:.2f} ms", "", "python bench/core.py"),
            (f"Batch of {core['batch']['digits']:,} preprocessed digits", f"{core['batch']['digits_per_second']:,} digits/s", ">= 2,000/s", "python bench/core.py"),
        ]
        if "four_digit_number_read" in core:
            number = core["four_digit_number_read"]
            rows.append(("A 4-digit number on the number canvas, cut (ink and pen strokes) and read", f"median {number['median_ms']:.1f} ms (p95 {number['p95_ms']:.1f})", "", "python bench/core.py"))
        if "phone_photo_preprocess_and_predict" in core:
            photo = core["phone_photo_preprocess_and_predict"]
            rows.append((f"A 12-megapixel phone photo ({photo['pixels']} JPEG, {photo['mean_file_mb']:.1f} MB), decoding + preprocessing + prediction",
                         f"median {photo['median_ms']:.1f} ms (p95 {photo['p95_ms']:.1f})", "", "python bench/core.py"))
        if "phone_photo_reading_held" in core:
            held = core["phone_photo_reading_held"]
            rows.append(("... the memory its reading holds, as read / as the Upload page keeps it to show while the file is on screen",
                         f"{held['read_mb']:.1f} MB / {held['kept_mb']:.1f} MB", "", "python bench/core.py"))
        if "heic_photo_preprocess_and_predict" in core:
            heic = core["heic_photo_preprocess_and_predict"]
            rows.append((f"... the same photo as HEIC, as iPhones save it ({heic['mean_file_mb']:.1f} MB)",
                         f"median {heic['median_ms']:.0f} ms", "", "python bench/core.py"))
    cold = load("bench/results/cold_start.json")
    if cold:
        rows += [
            ("Engine: process start to model ready", f"{cold['process_start_to_model_ready_s']:.2f} s", "", "python bench/cold_start.py"),
            ("Engine: resident memory after start / after 1,000 readings",
             f"{cold['rss_after_start_mb']:.0f} MB / {cold['rss_after_1000_readings_mb']:.0f} MB", "", "python bench/cold_start.py"),
        ]
    browser = load("bench/results/browser.json")
    if browser:
        latency = browser["mouse_up_to_prediction_ms"]
        rows += [
            ("Real Chromium: mouse-up to prediction shown", f"median {latency['median']:.0f} ms (p95 {latency['p95']:.0f})", "<= 400 ms", "python bench/browser.py"),
            ("Cold start: `streamlit run` to first prediction shown", f"{browser['cold_start_s']['first_prediction_shown']:.1f} s", "<= 15 s", "python bench/browser.py"),
        ]
    for mode, bars in (("protocol", ("0 / 0", "p95 <= 2 s", ">= 20/s")), ("browser", ("0 / 0", "median <= 1.5 s", ""))):
        load_run = load(f"bench/results/load_{mode}.json")
        if not load_run:
            continue
        server = load_run["server"]
        command = f"python bench/load.py {mode} --sessions {load_run['sessions']} --predictions {load_run['predictions_per_session']}"
        if server.get("further_predictions"):
            command += f" --then {server['further_predictions']}"
        who = "protocol-client sessions" if mode == "protocol" else "Chromium pages"
        rows += [
            (f"{load_run['sessions']} {who} x {load_run['predictions_per_session']} predictions: errors / mixed-up results",
             f"{load_run['errors']} / {load_run['mixed_up']}", bars[0], command),
            *([("... latency (mouse-up to prediction shown)", f"median {load_run['mouse_up_to_prediction_s']['median'] * 1000:.0f} ms, "
                f"p95 {load_run['mouse_up_to_prediction_s']['p95'] * 1000:.0f} ms", bars[1], command)]
              if "mouse_up_to_prediction_s" in load_run else []),
            ("... latency (" + ("rerun request to prediction" if mode == "protocol" else "start of the stroke to prediction shown, drawing included") + ")", f"median {load_run['latency_s']['median'] * 1000:.0f} ms, p95 {load_run['latency_s']['p95'] * 1000:.0f} ms",
             bars[1] if mode == "protocol" or "mouse_up_to_prediction_s" not in load_run else "", command),
            ("... throughput; server CPU (share of one core, of 2)", f"{load_run['throughput_per_s']:.1f} predictions/s; {server['cpu_share_of_one_core']:.2f}", bars[2], command),
            ("... server cost of one rerun (script thread CPU time), median / p95",
             f"{server['rerun_cpu_ms']['median']:.1f} / {server['rerun_cpu_ms']['p95']:.1f} ms (wall {server['rerun_wall_ms']['median']:.0f} ms)",
             "<= 50 ms" if mode == "protocol" else "", command),
            ("... server memory: after first visit / after the load" + (" / after further predictions" if server.get("rss_mb_after_further") else ""),
             " / ".join(f"{v:.0f} MB" for v in (server["rss_mb_at_start_after_first_visit"], server["rss_mb_after_load"], server.get("rss_mb_after_further")) if v),
             "<= 690 MB", command),
        ]
    return table(rows)


def table(rows) -> list[str]:
    lines = ["| measure | result | bar | command |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | `{d}` |" for a, b, c, d in rows]
    return lines


if __name__ == "__main__":
    print("## Results\n")
    print("\n".join(results()))
    print("\n## Performance\n")
    print("\n".join(performance()))
