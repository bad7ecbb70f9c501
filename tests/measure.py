"""Re-measure every fixed accuracy set with the bundled model; print tests/expected.py's table.

    .venv/bin/python -m tests.measure              # all sets (~2 minutes), the table to paste
    .venv/bin/python -m tests.measure frames/hard  # some sets only
    .venv/bin/python -m tests.measure --check      # and say which ones leave their bounds

After a model swap (or a deliberate change in behaviour), run it and paste its output over
``MEASURED`` in tests/expected.py: that is all there is to re-pinning. Sets whose data is
missing (../shared/data) are left out of the table with a note on stderr.
"""
from __future__ import annotations

import argparse
import hashlib
import sys
import time

from tests import expected, sets


def model_digest() -> str:
    from edge_digits.models import DEFAULT_MODEL
    return hashlib.sha256(DEFAULT_MODEL.read_bytes()).hexdigest()[:16]


def load_digits():
    from export.synth.frames import load_mnist_test
    from tests.conftest import mnist_path
    path = mnist_path()
    if path is None:
        sys.exit("measure: MNIST not found (../shared/data/mnist.npz or $EDGE_DIGITS_MNIST)")
    return load_mnist_test(str(path))


def run(names, check=False, out=sys.stdout) -> int:
    from edge_digits.read import DigitReader
    digits = load_digits()
    failed = 0
    lines = []
    with DigitReader() as reader:
        for name in names:
            need = sets.NEEDS.get(name)
            if need and not sets.data_path(need).exists():
                print(f"measure: {name} left out: ../shared/data/{need} is missing", file=sys.stderr)
                continue
            start = time.perf_counter()
            found = expected.as_counts(sets.measure(expected.base(name), reader, digits), name)
            seconds = time.perf_counter() - start
            lines.append(expected.row(name, found))
            note = ""
            if check and name in expected.MEASURED:
                problems = expected.problems(name, found)
                failed += bool(problems)
                note = "  <- " + "; ".join(problems) if problems else ""
            print(f"measure: {name:28s} {seconds:6.1f} s{note}", file=sys.stderr)
    print(f"MODEL = {model_digest()!r}  # sha256[:16] of the bundled model measured", file=out)
    print("MEASURED = {", file=out)
    for line in lines:
        print(line, file=out)
    print("}", file=out)
    return 1 if failed else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.measure", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="sets to measure (default: every set of tests/expected.py)")
    parser.add_argument("--check", action="store_true", help="flag sets outside their bounds (exit 1)")
    args = parser.parse_args(argv)
    names = args.names or list(expected.NAMES)
    unknown = [n for n in names if n not in expected.NAMES]
    if unknown:
        parser.error(f"unknown sets {unknown}; known: {', '.join(expected.NAMES)}")
    return run(names, args.check)


if __name__ == "__main__":
    sys.exit(main())
