"""``edge-digits bench``: the device benchmark runs without pytest-benchmark and reports sanely."""
from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from edge_digits.bench import LatencyStats, time_calls
from edge_digits.cli import main


@pytest.fixture(scope="module")
def frames_dir(tmp_path_factory, digit_pictures):
    """Two 640x480 frames of digits (MNIST test, or drawn without it), dark ink on light paper."""
    folder = tmp_path_factory.mktemp("frames")
    digits = digit_pictures["x_test"]
    for index in range(2):
        canvas = np.full((480, 640), 235, np.uint8)
        for position in range(4):
            digit = cv2.resize(digits[index * 4 + position], (84, 84))
            x = 120 + position * 100
            region = canvas[200:284, x:x + 84]
            np.minimum(region, 255 - digit, out=region)
        cv2.imwrite(str(folder / f"frame{index}.png"), cv2.cvtColor(canvas, cv2.COLOR_GRAY2BGR))
    return folder


def run_json(capsys, *argv) -> dict:
    code = main(["bench", "--runs", "5", "--warmup", "1", "--json", *argv])
    out = capsys.readouterr().out
    assert code == 0
    return json.loads(out)


def test_json_report_has_classify_and_read(capsys, frames_dir):
    report = run_json(capsys, "--no-pin", "--frames", str(frames_dir))
    names = [r["name"] for r in report["results"]]
    assert names[:2] == ["classify 1 digit", "classify 8 digits"]
    for result in report["results"]:
        stats = result["latency"]
        assert stats["runs"] == 5
        assert 0 < stats["min_ms"] <= stats["p50_ms"] <= stats["p95_ms"]
        assert result["init_ms"] > 0 and result["first_ms"] > 0
        assert result["per_item_us"] == pytest.approx(stats["p50_ms"] * 1e3 / result["items"])
    classify8 = report["results"][1]
    assert classify8["items"] == 8
    env = report["environment"]
    assert env["threads"] == 1 and env["pinned_cpu"] is None
    assert env["model"].endswith("digits_int8.tflite")
    assert report["peak_rss_mb"] is None or report["peak_rss_mb"] > 10


def test_read_benchmark_uses_the_given_frames(capsys, frames_dir):
    pytest.importorskip("edge_digits.read")
    report = run_json(capsys, "--no-pin", "--frames", str(frames_dir))
    read = [r for r in report["results"] if r["name"].startswith("read")]
    assert len(read) == 1
    assert read[0]["info"]["frame_sizes"] == ["640x480"]
    assert read[0]["info"]["frames"] == ["frame0.png", "frame1.png"]
    # the classify inputs are the digits found in those frames, not blank patches
    assert "located" in report["results"][1]["info"]["input"]


def test_threads_and_pinning_are_recorded(capsys, frames_dir, monkeypatch):
    import edge_digits.cli.bench as bench_cli

    monkeypatch.setattr(bench_cli, "pin_to_one_core", lambda: 7)  # never pin the test process
    assert run_json(capsys, "--frames", str(frames_dir))["environment"]["pinned_cpu"] == 7
    env = run_json(capsys, "--threads", "2", "--frames", str(frames_dir))["environment"]
    assert env["threads"] == 2 and env["pinned_cpu"] is None  # two threads are not one core


def test_text_output_is_a_table(capsys, frames_dir):
    assert main(["bench", "--runs", "3", "--warmup", "0", "--no-pin", "--frames", str(frames_dir)]) == 0
    out = capsys.readouterr().out
    assert "p95 ms" in out and "classify 8 digits" in out and "backend: " in out


def test_missing_model_is_one_clear_error(capsys, tmp_path):
    code = main(["bench", "--no-pin", "--runs", "1", "--model", str(tmp_path / "nope.tflite")])
    err = capsys.readouterr().err
    assert code == 2
    assert "model file not found" in err and "nope.tflite" in err
    assert "Traceback" not in err


def test_empty_frames_folder_is_an_error(capsys, tmp_path):
    code = main(["bench", "--no-pin", "--runs", "1", "--frames", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "no frames" in err and str(tmp_path) in err


@pytest.mark.parametrize("argv", [["--threads", "0"], ["--runs", "x"], ["--warmup", "-1"]])
def test_bad_numbers_are_refused(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["bench", *argv])
    assert exit_info.value.code == 2
    assert "expected" in capsys.readouterr().err


def test_time_calls_counts_every_call():
    calls = []
    first, warm, stats = time_calls(lambda: calls.append(1), runs=7, warmup=3)
    assert len(calls) == 1 + 3 + 7
    assert stats.runs == 7 and first >= 0 and warm >= 0
    with pytest.raises(ValueError, match="runs"):
        time_calls(lambda: None, runs=0, warmup=0)


def test_latency_stats_percentiles():
    stats = LatencyStats.from_seconds([0.001] * 19 + [0.021])
    assert stats.p50_ms == pytest.approx(1.0)
    assert stats.min_ms == pytest.approx(1.0)
    assert stats.p95_ms == pytest.approx(2.0)  # numpy's linear interpolation at 95 %
    assert stats.mean_ms == pytest.approx(2.0)


def test_stages_report_every_stage(capsys, frames_dir):
    code = main(["bench", "--stages", "--runs", "2", "--warmup", "1", "--no-pin", "--json",
                 "--frames", str(frames_dir)])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    names = [s["stage"] for s in report["stages"]]
    assert names == ["work image", "ink", "components", "blobs", "group", "crop", "classify",
                     "read", "plain"]
    assert all(s["wall_ms"] > 0 and s["frames"] == 2 and s["rounds"] == 2 for s in report["stages"])
    assert main(["bench", "--stages", "--runs", "1", "--no-pin", "--frames", str(frames_dir)]) == 0
    assert "classify" in capsys.readouterr().out
