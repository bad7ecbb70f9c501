"""``edge-digits serve --config FILE``: the reading service (run at boot by systemd).

    edge-digits serve --config devices/raspberry-pi/config.example.toml
    edge-digits serve --config config.toml --check      # validate the config, then exit

Writes JSON lines (see :mod:`edge_digits.service`); logs to stderr (the journal). SIGTERM
(``systemctl stop``) and Ctrl-C end it cleanly, also during a reconnect wait. Exit codes:
0 done, 2 bad config / model / file source, 3 camera lost for good (systemd restarts it).
"""
from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading

from ..errors import ConfigError


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "serve", help="read a camera continuously, write JSON lines (devices, at boot)",
        description="Read a camera (or file) continuously as a config file says; write one "
                    "JSON object per frame. See devices/raspberry-pi/README.md.")
    parser.add_argument("--config", required=True, metavar="FILE",
                        help="TOML config (see devices/raspberry-pi/config.example.toml)")
    parser.add_argument("--check", action="store_true",
                        help="validate the config and exit")
    parser.add_argument("--log-level", default="info",
                        choices=("debug", "info", "warning", "error"))
    parser.set_defaults(run=run)
    return parser


def _want_preview(setting: str) -> bool:
    from ..preview import gui_available

    display = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if setting == "on" and not (display and gui_available()):
        raise ConfigError("preview = \"on\" but " + (
            "no display is attached (DISPLAY/WAYLAND_DISPLAY unset)" if not display else
            "this OpenCV is headless (use the apt python3-opencv via --system-site-packages)"))
    return setting == "on" or (setting == "auto" and display and gui_available())


def run(args: argparse.Namespace) -> int:
    from ..service import load_config, serve

    config = load_config(args.config)
    if args.check:
        print(f"{args.config}: OK ({config.source.spec}, {config.reader.threads} threads, "
              f"output {config.output.path})")
        return 0
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    stop = threading.Event()

    def request_stop(signum, _frame) -> None:
        logging.getLogger("edge_digits.service").info("signal %d: stopping", signum)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)

    on_frame = None
    window = None
    if config.preview != "off" and _want_preview(config.preview):
        from ..preview import PreviewWindow

        window = PreviewWindow(f"edge-digits: {config.source.spec}")

        def on_frame(frame, reading) -> None:
            if not window.show(frame, reading):
                stop.set()  # q or Esc in the window
    try:
        return serve(config, stop=stop, on_frame=on_frame)
    finally:
        if window is not None:
            window.close()
