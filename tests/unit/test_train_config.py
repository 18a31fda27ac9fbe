"""The settings train.py saves beside an average of members describe that average, not a model it replaced."""

import train

FIRST = {"seed": 45, "epochs": 6, "learning_rate": 5e-4, "style_samples": 8000,
         "warm_start": {"seed": 45, "epochs": 6, "restarted_after_epoch": 24}}
SECOND = {"seed": 43, "epochs": 6, "learning_rate": 5e-4, "scan_samples": 10000}
OLD = {"seed": 44, "epochs": 24, "segmenter": {"numbers": 3000, "seed": 42}, "ensemble": {"members": 3}}


def test_an_average_is_described_by_its_first_member_and_lists_every_member():
    config = train.ensemble_config(OLD, [FIRST, SECOND], {"members": 2, "chosen_by": "a written rule"})
    assert config["seed"] == 45 and config["style_samples"] == 8000
    assert [m["seed"] for m in config["ensemble"]["member_settings"]] == [45, 43]
    assert config["ensemble"]["member_settings"][0]["warm_start"]["style_samples"] is None
    assert config["ensemble"]["chosen_by"] == "a written rule" and config["ensemble"]["members"] == 2


def test_the_segment_model_already_in_the_folder_keeps_its_settings():
    config = train.ensemble_config(OLD, [FIRST, SECOND], {"members": 2})
    assert config["segmenter"] == OLD["segmenter"]
    assert train.ensemble_config({"seed": 1}, [FIRST], {"members": 1}).get("segmenter") is None


def test_members_without_saved_settings_leave_the_folder_settings_in_place():
    config = train.ensemble_config(OLD, [{}, SECOND], {"members": 2})
    assert config["seed"] == 44 and config["segmenter"] == OLD["segmenter"]
    assert config["ensemble"]["member_settings"][0]["seed"] is None


def test_an_average_is_refused_only_when_one_member_reads_every_validation_set_as_well():
    together = {"mnist": 0.997, "canvas_drawings": 0.9886, "low_resolution_scans": 0.9606}
    best_scans = {"mnist": 0.9954, "canvas_drawings": 0.9872, "low_resolution_scans": 0.9652}  # higher mean, fewer digits
    assert train.dominating_member([best_scans, best_scans], together) is None
    assert train.dominating_member([best_scans, dict(together)], together) == 1  # the same as the average: no gain
    better = {**together, "mnist": 0.998}
    assert train.dominating_member([better, best_scans], together) == 0


def test_each_member_records_the_ink_levels_its_drawings_were_traced_at_half_ink_when_older():
    traced = {**FIRST, "trace_levels": [0.5, 0.7, 0.9], "warm_start": {**FIRST["warm_start"], "trace_levels": [0.5, 0.9]}}
    config = train.ensemble_config(OLD, [traced, SECOND], {"members": 2})
    first, second = config["ensemble"]["member_settings"]
    assert first["trace_levels"] == [0.5, 0.7, 0.9] and first["warm_start"]["trace_levels"] == [0.5, 0.9]
    assert second["trace_levels"] == list(train.HALF_INK)  # saved before the setting existed: traced at half ink


def test_a_warm_start_records_the_ink_levels_of_the_run_it_continues(tmp_path):
    earlier = tmp_path / "earlier"
    earlier.mkdir()
    (earlier / "train_config.json").write_text('{"seed": 45, "canvas_samples": 20000, "trace_levels": [0.5, 0.9]}')
    settings, _ = train.continued_from(earlier / "digit_cnn.keras", {"epoch": [1]})
    assert settings["trace_levels"] == [0.5, 0.9] and settings["canvas_samples"] == 20000
    (earlier / "train_config.json").write_text('{"seed": 45, "canvas_samples": 20000}')
    assert train.continued_from(earlier / "digit_cnn.keras", {"epoch": [1]})[0]["trace_levels"] == list(train.HALF_INK)


def test_the_default_trace_levels_are_half_ink_and_the_help_names_the_figures_levels(capsys):
    from hdr_core.synth import TRACE_LEVELS

    assert train.parse_args([]).trace_levels == train.HALF_INK
    assert train.parse_args(["--trace-levels", "0.5,0.8"]).trace_levels == (0.5, 0.8)
    try:
        train.parse_args(["--help"])
    except SystemExit:
        pass
    assert ",".join(f"{level:g}" for level in TRACE_LEVELS) in capsys.readouterr().out
