"""devices/raspberry-pi/edge-digits-web.service agrees with `edge-digits web`."""
from __future__ import annotations

import configparser
import shlex
from pathlib import Path

from edge_digits.cli import build_parser

PI = Path(__file__).resolve().parents[1] / "devices" / "raspberry-pi"


def test_web_unit_serves_the_network_with_a_token_from_a_private_file():
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read(PI / "edge-digits-web.service")
    service = unit["Service"]
    command = shlex.split(service["ExecStart"])
    assert command[0] == "@VENV@/bin/edge-digits"
    args = build_parser().parse_args(command[1:])  # the flags are the command's own
    assert (args.command, args.host, args.port) == ("web", "0.0.0.0", 8080)
    assert args.token is None  # the token is not written in the unit ...
    assert service["EnvironmentFile"] == "/etc/edge-digits/web.env"  # ... but read from here
    assert "EDGE_DIGITS_TOKEN" in (PI / "README.md").read_text()
    assert service["RestartPreventExitStatus"] == "2" and service["Restart"] == "on-failure"
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_readme_install_commands_name_the_unit_and_the_extra():
    text = (PI / "README.md").read_text()
    assert "edge-digits-web.service" in text and "'.[web]'" in text and "#token=" in text
