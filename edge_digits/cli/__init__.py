"""The ``edge-digits`` command: thin subcommands over the library API.

    edge-digits read IMAGE|DIR|VIDEO|CAMERA [--json] [--annotate DIR] [--threshold T]
    edge-digits info
    edge-digits postcode IMAGE|DIR|VIDEO|CAMERA --format jp
    edge-digits serve --config FILE          (devices: run at boot, JSON lines)
    edge-digits bench [--threads N] [--json]

Each subcommand lives in its own module with ``add_parser(subparsers)`` and ``run(args)``.
Errors of the library (:class:`~edge_digits.errors.EdgeDigitsError`) and argument errors
become one line on stderr and exit code 2. Exit codes: 0 everything was read; 1 some inputs
(files of a folder, frames) could not be read, each reported in one line on stderr, the
others were; 2 bad usage or input that stops everything; 3 ``serve``: a live source lost
for good; 130 interrupted.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from ..errors import EdgeDigitsError

#: subcommand modules, in the order ``--help`` lists them
COMMANDS = ("read", "postcode", "serve", "web", "info", "bench")


class _OneLineParser(argparse.ArgumentParser):
    """An argument error is one line on stderr and exit code 2 (no usage dump: ``-h``
    shows it)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} -h)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(
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
