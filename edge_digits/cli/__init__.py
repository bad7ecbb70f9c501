"""The ``edge-digits`` command: thin subcommands over the library API.

    edge-digits read IMAGE|DIR|VIDEO|CAMERA [--json] [--annotate DIR] [--threshold T]
    edge-digits info
    edge-digits postcode IMAGE|DIR|VIDEO|CAMERA --format jp
    edge-digits serve --config FILE          (devices: run at boot, JSON lines)
    edge-digits bench [--threads N] [--json]

Each subcommand lives in its own module with ``add_parser(subparsers)`` and ``run(args)``.
Errors of the library (:class:`~edge_digits.errors.EdgeDigitsError`) become one line on
stderr and exit code 2.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from ..errors import EdgeDigitsError

#: subcommand modules, in the order ``--help`` lists them
COMMANDS = ("read", "postcode", "serve", "web", "info", "bench")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="edge-digits",
        description="Read handwritten digits from images, videos and cameras.")
    from .. import __version__
    parser.add_argument("--version", action="version", version=f"edge-digits {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        try:
            module = importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{name}":
                continue  # not written yet
            raise
        module.add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except EdgeDigitsError as exc:
        print(f"edge-digits {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"edge-digits {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. piped into `head`
        return 0


if __name__ == "__main__":
    sys.exit(main())
