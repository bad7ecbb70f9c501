"""report.py turns a pytest-benchmark JSON into BENCHMARKS.md: ratios, targets, reasons, plot."""
from __future__ import annotations

import json

import pytest

import report


def entry(group, name, median, *, role="edge-digits", label=None, items=1, **info):
    return {"group": group, "name": name,
            "stats": {"median": median, "min": median * 0.8, "iqr": median * 0.1, "rounds": 9},
            "extra_info": {"role": role, "label": label or name, "items": items,
                           "backend": "ai-edge-litert", **info}}


@pytest.fixture
def data():
    interleaved = {"median": {"classify": 20.0, "invoke": 18.0}, "min": {"classify": 15.0, "invoke": 14.0},
                   "rounds": 5}
    return {
        "machine_info": {"cpu": {"brand_raw": "Test CPU", "count": 2}, "python_version": "3.11"},
        "commit_info": {"id": "abcdef1234567", "dirty": False},
        "versions": {"numpy": "2.4"},
        "benchmarks": [
            entry("classify-8", "ours8", 160e-6, label="DigitClassifier (ai-edge-litert)", items=8),
            entry("classify-8", "floor8", 144e-6, role="floor", label="invoke() only", items=8,
                  interleaved_us_per_digit=interleaved),
            entry("classify-8", "keras8", 16e-3, role="peer", label="Keras model(x)", items=8,
                  weights="untrained weights"),
            entry("classify-1", "ours1", 30e-6, label="DigitClassifier (ai-edge-litert)"),
            entry("read", "read640", 2e-3, label="DigitReader.read 640x480", frame_size="640x480",
                  accuracy={"clean": 0.9, "hard": 0.5}, accuracy_frames=30,
                  interleaved_ms_per_frame={"median": {"read": 2.06, "read one view": 2.0,
                                                       "locate": 1.5, "normalize": 0.2},
                                            "min": {"read": 1.9, "read one view": 1.85,
                                                    "locate": 1.4, "normalize": 0.18},
                                            "rounds": 15}),
            entry("read", "plain640", 1e-3, role="peer", label="Otsu 640x480", frame_size="640x480",
                  accuracy={"clean": 0.1, "hard": 0.0}, accuracy_frames=30),
            entry("cold-start", "cold", 0.2, label="edge-digits cold", peak_rss_mb=70.0,
                  phases_ms={"import numpy": 80.0}, rss_mb_after={"import numpy": 28.0}),
            entry("cold-start", "keras-cold", 5.0, role="peer", label="Keras cold", peak_rss_mb=600.0),
            entry("tflite-runtime-worker", "info", 1.0, role="info"),
        ],
        "skipped": [{"test": "test_classify[tensorflow-1]", "reason": "no TFLite interpreter"}],
        "external": [entry("classify-8", "tflrt", 800e-6, role="peer", items=8,
                           label="tflite-runtime plain", process="artifacts/tflite-venv",
                           backend="tflite-runtime 2.14.0", numpy="1.26.4")],
    }


def test_headline_has_ratios_targets_and_reasons(data, tmp_path):
    text = report.render(data, tmp_path / "benchmarks.png")
    headline = text.split("## Headline")[1].split("## ")[0]
    assert "| Classify, µs per digit, batch of 8 (int8, 1 core) | 20.0" in headline
    assert "Keras model(x): 2000 µs (100×)" in headline  # 16 ms / 8 digits against 20 µs
    assert "tflite-runtime plain: 100 µs (5.0×)" in headline  # the external figure is merged
    assert "≤ 8 | **missed**" in headline
    assert "| 200 (fastest 160) | ≤ 250 | **met**" in headline  # cold start met
    assert "| Peak RSS of that process, MB | 70 | ≤ 60 | **missed**" in headline
    assert "Keras: 600 MB (8.6×)" in headline
    reasons = text.split("## Out of reach, and why")[1].split("## All figures")[0]
    assert "Classify, 8 µs per digit" in reasons and "18.0 µs" in reasons  # the interleaved floor
    assert "Read a 640x480 frame in 0.5 ms" in reasons
    assert "Cold start" in reasons  # memory missed: the cold start paragraph explains it
    assert "tflite-runtime (own venv) 2.14.0 with numpy 1.26.4" in text
    assert "untrained weights" in text
    # what the second view of unsure digits costs, timed in the same rounds
    assert "in alternating rounds 2.06 ms a frame, against 2.00 ms with one view" in text
    assert "(`upright_view`, `thick_view` 0): +3.0%." in text
    assert "tflite-runtime-worker" not in text  # role "info" figures are bookkeeping, not results
    assert "![Medians per benchmark, log scale](benchmarks.png)" in text
    assert "- `test_classify[tensorflow-1]`: no TFLite interpreter" in text.split("## Not measured")[1]


def test_main_writes_markdown_and_plot(data, tmp_path, capsys):
    pytest.importorskip("matplotlib", reason="the plot needs matplotlib (host side)")
    source = tmp_path / "bench.json"
    source.write_text(json.dumps(data))
    target = tmp_path / "BENCHMARKS.md"
    assert report.main([str(source), str(target)]) == 0
    assert target.read_text().startswith("# Benchmarks")
    plot = tmp_path / report.PLOT_NAME
    assert plot.exists() and plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_unreadable_json_is_one_clear_error(tmp_path, capsys):
    source = tmp_path / "broken.json"
    source.write_text("{not json")
    assert report.main([str(source), str(tmp_path / "out.md")]) == 2
    assert "cannot read" in capsys.readouterr().err
