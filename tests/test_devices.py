"""devices/: the files a Pi install uses agree with the code (unit, config, scripts)."""
from __future__ import annotations

import configparser
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from edge_digits.service import EXIT_SOURCE_LOST, load_config

DEVICES = Path(__file__).resolve().parents[1] / "devices"


def test_systemd_unit_runs_serve_and_restarts_on_the_right_exit_codes():
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read(DEVICES / "raspberry-pi" / "edge-digits.service")
    service = unit["Service"]
    assert service["ExecStart"] == ("@VENV@/bin/edge-digits serve --config "
                                    "/etc/edge-digits/config.toml")
    assert service["Restart"] == "on-failure"
    # the CLI's exit code for a bad config (restarting cannot help) vs a lost camera (it can)
    assert service["RestartPreventExitStatus"] == "2" and EXIT_SOURCE_LOST not in (0, 2)
    assert service["StateDirectory"] == "edge-digits"
    example = load_config(DEVICES / "raspberry-pi" / "config.example.toml")
    assert example.output.path.startswith("/var/lib/edge-digits/")  # the StateDirectory
    assert unit["Install"]["WantedBy"] == "multi-user.target"


@pytest.mark.parametrize("script", ["raspberry-pi/setup.sh", "pi-check/run.sh"])
def test_shell_scripts_parse(script):
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash")
    result = subprocess.run([bash, "-n", str(DEVICES / script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_setup_refuses_a_non_arm64_machine(tmp_path):
    import platform

    if platform.machine() == "aarch64" or shutil.which("bash") is None:
        pytest.skip("this check is for a non-Pi machine")
    result = subprocess.run(["bash", str(DEVICES / "raspberry-pi" / "setup.sh"),
                             "--venv", str(tmp_path / "v")], capture_output=True, text=True)
    assert result.returncode == 1
    assert "expected 64-bit Raspberry Pi OS (aarch64)" in result.stderr
    assert not (tmp_path / "v").exists()


def test_constraints_keep_numpy_1_for_apt_picamera2():
    lines = [line.split("#")[0].strip()
             for line in (DEVICES / "raspberry-pi" / "constraints.txt").read_text().splitlines()]
    assert {"numpy<2", "opencv-python-headless<4.12"} <= set(lines)


def test_frame_comparison_fails_on_any_different_string(tmp_path):
    def write(name, texts):
        path = tmp_path / name
        path.write_text("".join(json.dumps({"frame": f"f{i}.png", "text": t, "confidences": [0.9],
                                            "machine": "m", "backend": "b"}) + "\n"
                                for i, t in enumerate(texts)))
        return path

    script = DEVICES / "pi-check" / "frames.py"
    same = subprocess.run([sys.executable, str(script), "compare", str(write("a", ["12", "3"])),
                           str(write("b", ["12", "3"]))], capture_output=True, text=True)
    assert same.returncode == 0 and "2/2 frames read the same" in same.stdout
    other = subprocess.run([sys.executable, str(script), "compare", str(write("a", ["12", "3"])),
                            str(write("c", ["12", "8"]))], capture_output=True, text=True)
    assert other.returncode == 1 and "f1.png: '3' != '8'" in other.stdout
