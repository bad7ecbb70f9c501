"""``edge-digits serve --config FILE``: the reading service (run at boot by systemd).

    edge-digits serve --config devices/raspberry-pi/config.example.toml
    edge-digits serve --config config.toml --check      # load the model, open the source, exit

Writes JSON lines (see :mod:`edge_digits.service`); logs to stderr (the journal). SIGTERM
(``systemctl stop``) and Ctrl-C end it cleanly, also during a reconnect wait. Exit codes:
0 done, 2 bad config / model / file source, or a source that cannot work here (picamera2
not installed: one line, never retried), 3 camera lost for good (systemd restarts it; with
``--check``: the live source cannot be opened now). The log says where readings go.
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
                        help="validate the config, load the model, open the source once, exit")
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
    from ..errors import SourceError, SourceUnavailable
    from ..service import EXIT_SOURCE_LOST, check, load_config, serve
    from ..sources import is_live

    config = load_config(args.config)
    if args.check:
        try:
            summary = check(config)
        except SourceUnavailable:
            raise  # one line, exit 2: it cannot work here
        except SourceError as exc:
            if not is_live(config.source.spec):
                raise
            print(f"edge-digits serve: error: {args.config}: {exc} (the service would keep "
                  f"retrying it)", file=sys.stderr)
            return EXIT_SOURCE_LOST
        print(f"{args.config}: OK: {summary}")
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
        # a stop requested while the process is already ending (the source ran out) must not
        # kill it: the interpreter restores the default action while it shuts down
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if window is not None:
            window.close()
