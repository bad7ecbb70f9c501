"""A small mutation run: change the reader's code one small way at a time, run a fast
selection of tests, and count how many changes the tests notice ("killed").

    .venv/bin/python -m tests.mutation.run                 # listed + 60 generated mutants
    .venv/bin/python -m tests.mutation.run --listed        # the listed ones only
    .venv/bin/python -m tests.mutation.run --sample 200 --seed 3 --json artifacts/mutation.json

Mutants are applied to a copy of the project (``artifacts/mutation/repo``, with
``../shared`` linked beside it), never to the working tree, so an interrupted run leaves
nothing changed. Each is run with ``pytest -x`` over ``TESTS``; a mutant is *killed* when
the run fails (or times out), *survives* when it passes.

``LISTED``: the mutants issue 15 found surviving the whole suite, as (file, exact source
snippet, replacement): when code moves (``locate.py`` into a package), a snippet not found
in its file is looked for in every file of ``edge_digits/``, so only a snippet that no
longer exists needs re-pointing. Generated mutants: every comparison, arithmetic and
boolean operator, ``min``/``max`` and number of ``MODULES``, one token at a time (a
seeded sample of them).
"""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import subprocess
import sys
import time
import tokenize
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: the fast selection of tests each mutant is run against, cheapest first (-x stops at
#: the first failure, so killed mutants are quick)
TESTS = [
    # the golden outputs first: any mutant that changes a string, confidence, box or
    # candidate of its 255 frames fails there within seconds (it is in `make test` too)
    "tests/test_golden.py",
    "tests/test_results.py", "tests/test_normalize.py", "tests/test_classify.py",
    "tests/test_classify_models.py",  # float, 3-D and uint8 models (TensorFlow converts them)
    "tests/test_read.py", "tests/test_numbers.py", "tests/test_numbers_limits.py",
    "tests/test_look_again.py",
    "tests/test_touching.py", "tests/test_postcode.py",
    "tests/test_locate.py", "tests/test_locate_boundaries.py", "tests/test_params.py",
    "tests/test_read_scenes.py", "tests/test_options.py", "tests/test_accuracy.py",
    "tests/test_strangers.py",
    "-k", "not photo",  # the 8 MP and 2560x1920 photo sets: a third of the time, no more kills
]

#: the modules generated mutants are drawn from (a path that is a package: all its files)
MODULES = ["edge_digits/read.py", "edge_digits/classify.py", "edge_digits/normalize.py",
           "edge_digits/locate.py", "edge_digits/locate", "edge_digits/touching.py",
           "edge_digits/postcode/decide.py", "edge_digits/results.py", "edge_digits/numbers.py"]


@dataclass(frozen=True)
class Mutant:
    name: str
    file: str  #: path relative to the project root
    snippet: str  #: exact source text replaced (its first occurrence)
    replacement: str
    line: int = 0  #: generated mutants: the line of the token (1-based); 0: first occurrence


#: issue 15's surviving mutants: (name, file, snippet, replacement)
LISTED = [Mutant(*m) for m in [
    ("threshold 0.7 -> 0", "edge_digits/read.py", "DEFAULT_THRESHOLD = 0.7", "DEFAULT_THRESHOLD = 0.0"),
    ("threshold 0.7 -> 0.5", "edge_digits/read.py", "DEFAULT_THRESHOLD = 0.7", "DEFAULT_THRESHOLD = 0.5"),
    ("reading confidence min -> max", "edge_digits/results.py",
     "return min((s.confidence for s in self.strings), default=0.0)",
     "return max((s.confidence for s in self.strings), default=0.0)"),
    ("string confidence product -> min", "edge_digits/results.py",
     "        product = 1.0\n        for digit in self.digits:\n"
     "            product *= digit.confidence if digit.value is not None else 0.0\n"
     "        return product",
     "        return min((d.confidence if d.value is not None else 0.0 for d in self.digits),\n"
     "                   default=1.0)"),
    ("min_accepted_fraction 0.67 -> 0", "edge_digits/read.py", "min_accepted_fraction: float = 0.67",
     "min_accepted_fraction: float = 0.0"),
    ("label_height 1.45 -> 1.0", "edge_digits/read.py", "label_height: float = 1.45",
     "label_height: float = 1.0"),
    ("short_one 0.6 -> 0", "edge_digits/read.py", "short_one: float = 0.6", "short_one: float = 0.0"),
    ("edge_one 0.9 -> 0", "edge_digits/read.py", "edge_one: float = 0.9", "edge_one: float = 0.0"),
    ("partial_line 0.8 -> 0", "edge_digits/read.py", "partial_line: float = 0.8",
     "partial_line: float = 0.0"),
    ("ones_only 2 -> 0", "edge_digits/read.py", "ones_only: int = 2", "ones_only: int = 0"),
    ("unread_line 0.5 -> 0", "edge_digits/read.py", "unread_line: float = 0.5",
     "unread_line: float = 0.0"),
    ("unread_small 0.65 -> 0.8", "edge_digits/read_options.py", "unread_small: float = 0.65",
     "unread_small: float = 0.8"),
    ("trailing_marks 2 -> 0", "edge_digits/read_options.py", "trailing_marks: int = 2",
     "trailing_marks: int = 0"),
    ("tall_neighbour 0.9 -> 0", "edge_digits/read_options.py", "tall_neighbour: float = 0.9",
     "tall_neighbour: float = 0.0"),
    ("boundary_height 0.25 -> 1.0", "edge_digits/read_options.py", "boundary_height: float = 0.25",
     "boundary_height: float = 1.0"),
    ("sure_label 1.2 -> 1.45", "edge_digits/read.py", "sure_label: float = 1.2", "sure_label: float = 1.45"),
    ("split_margin 0.3 -> 0", "edge_digits/read.py", "split_margin: float = 0.3", "split_margin: float = 0.0"),
    ("none_split 0.5 -> 0.2", "edge_digits/read.py", "none_split: float = 0.5", "none_split: float = 0.2"),
    ("one_digit_sure 0.9 -> 0.5", "edge_digits/read.py", "one_digit_sure: float = 0.9",
     "one_digit_sure: float = 0.5"),
    ("width penalty -3 -> -1", "edge_digits/touching.py", "width_penalty: float = 3.0",
     "width_penalty: float = 1.0"),
    ("postcode margin 1.0 -> 0.05", "edge_digits/postcode/decide.py", "margin: float = 1.0",
     "margin: float = 0.05"),
    ("crop_floor 0.8 -> 1.0", "edge_digits/locate.py", "crop_floor: float = 0.8", "crop_floor: float = 1.0"),
]]

_SWAPS = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "==", "+": "-",
          "-": "+", "*": "/", "/": "*", "//": "*", "and": "or", "or": "and", "min": "max",
          "max": "min", "True": "False", "False": "True", "+=": "-=", "-=": "+=", "*=": "/="}


def _number(text: str) -> str | None:
    try:
        value = int(text, 0)
        return str(value + 1)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return None
    return "1.0" if value == 0 else repr(round(value * 1.5, 6))


def generate(root: Path, modules=MODULES) -> list[Mutant]:
    """One mutant per operator, boolean, min/max and number token of ``modules``."""
    files = []
    for module in modules:
        path = root / module
        if path.is_dir():
            files += sorted(path.rglob("*.py"))
        elif path.exists():
            files.append(path)
    mutants = []
    for path in files:
        source = path.read_text()
        lines = source.splitlines(keepends=True)
        previous = None
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            kind, text = token.type, token.string
            new = None
            if kind == tokenize.OP and text in _SWAPS:
                unary = text in "+-" and (previous is None or previous.type == tokenize.OP and
                                          previous.string not in ")]}")
                if not unary and not (text == "*" and previous is not None and previous.string in "(,"):
                    new = _SWAPS[text]
            elif kind == tokenize.NAME and text in _SWAPS:
                new = _SWAPS[text]
            elif kind == tokenize.NUMBER:
                new = _number(text)
            if kind not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT,
                            tokenize.DEDENT):
                previous = token
            if new is None:
                continue
            (row, col), (end_row, end_col) = token.start, token.end
            line = lines[row - 1]
            if line.lstrip().startswith(("raise", "assert")) or "f\"" in line or "f'" in line:
                continue  # error messages: not behaviour worth a mutant
            rel = str(path.relative_to(root))
            mutants.append(Mutant(f"{rel}:{row} {text} -> {new}", rel, line,
                                  line[:col] + new + line[end_col:], row))
    return mutants


def locate_file(repo: Path, mutant: Mutant) -> Path | None:
    """The file holding the mutant's snippet: its own, else any edge_digits file with it."""
    own = repo / mutant.file
    if own.exists() and mutant.snippet in own.read_text():
        return own
    if mutant.line:
        return None
    for path in sorted((repo / "edge_digits").rglob("*.py")):
        if mutant.snippet in path.read_text():
            return path
    return None


def apply(text: str, mutant: Mutant) -> str:
    if mutant.line:  # generated: exactly that line
        lines = text.splitlines(keepends=True)
        assert lines[mutant.line - 1] == mutant.snippet, mutant
        lines[mutant.line - 1] = mutant.replacement
        return "".join(lines)
    return text.replace(mutant.snippet, mutant.replacement, 1)


def make_copy(work: Path) -> Path:
    repo = work / "repo"
    if repo.exists():
        shutil.rmtree(repo)
    repo.mkdir(parents=True)
    for name in ("edge_digits", "tests", "export", "README.md", "pyproject.toml"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__", "mutation"))
        else:
            shutil.copy2(source, repo / name)
    shared = work / "shared"
    if not shared.exists():
        shared.symlink_to((ROOT.parent / "shared").resolve())
    return repo


def run_tests(repo: Path, tests, timeout: float) -> tuple[str, float, str]:
    env = dict(os.environ, PYTHONPATH=str(repo), OMP_NUM_THREADS="1", PYTHONDONTWRITEBYTECODE="1")
    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                               "-p", "no:randomly", *tests], cwd=repo, env=env, timeout=timeout,
                              capture_output=True, text=True)
    except subprocess.TimeoutExpired:
        return "killed (timeout)", time.perf_counter() - start, ""
    tail = [line[:160] for line in done.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))
            or " passed" in line or " failed" in line]
    status = "survived" if done.returncode == 0 else "killed"
    return status, time.perf_counter() - start, " | ".join(tail[-2:])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.mutation.run", description=__doc__.splitlines()[0])
    parser.add_argument("--listed", action="store_true", help="only issue 15's listed mutants")
    parser.add_argument("--generated-only", action="store_true")
    parser.add_argument("--sample", type=int, default=60, help="generated mutants to run (0: all)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--tests", nargs="*", default=TESTS)
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--survivors-of", type=Path,
                        help="run only the mutants that survived in this earlier --json")
    parser.add_argument("--reverse", action="store_true",
                        help="run the mutants last to first: a second run (--work elsewhere) "
                             "meets the first half-way")
    parser.add_argument("--work", type=Path, default=ROOT / "artifacts" / "mutation",
                        help="where the copy is made (another folder lets two runs go at once)")
    args = parser.parse_args(argv)

    work = args.work.resolve()
    repo = make_copy(work)
    check = subprocess.run([sys.executable, "-c", "import edge_digits; print(edge_digits.__file__)"],
                           cwd=repo, env=dict(os.environ, PYTHONPATH=str(repo)), capture_output=True, text=True)
    if not check.stdout.strip().startswith(str(repo)):
        sys.exit(f"mutation: the copy's edge_digits is not the one imported: {check.stdout} {check.stderr}")

    mutants = [] if args.generated_only else list(LISTED)
    if not args.listed:
        generated = generate(repo)
        if args.sample and args.sample < len(generated):
            generated = random.Random(args.seed).sample(generated, args.sample)
        print(f"mutation: {len(generate(repo))} generated mutants, running {len(generated)}", flush=True)
        mutants += generated
    if args.survivors_of:
        earlier = json.loads(args.survivors_of.read_text())
        # by what they change, not by name: a name holds a line number, which edits move
        survived = {(row["file"], row["snippet"], row["replacement"]): row["name"]
                    for row in earlier if row["status"] == "survived"}
        everything = list(LISTED) + generate(repo)
        mutants = [m for m in everything if (m.file, m.snippet, m.replacement) in survived]
        found = {(m.file, m.snippet, m.replacement) for m in mutants}
        gone = [name for key, name in survived.items() if key not in found]
        print(f"mutation: re-running {len(mutants)} survivors of {args.survivors_of}"
              + (f"; gone from the code (their line was rewritten): {', '.join(gone)}"
                 if gone else ""), flush=True)
    if args.reverse:
        mutants.reverse()
    baseline, seconds, tail = run_tests(repo, args.tests, args.timeout)
    print(f"mutation: unmutated run {baseline} in {seconds:.0f} s {tail}", flush=True)
    if baseline != "survived":
        sys.exit("mutation: the tests fail without a mutant: fix that first")

    results = []
    for mutant in mutants:
        path = locate_file(repo, mutant)
        if path is None:
            results.append({**asdict(mutant), "status": "not found", "seconds": 0, "tail": ""})
            print(f"  NOT FOUND  {mutant.name}", flush=True)
            continue
        original = path.read_text()
        try:
            path.write_text(apply(original, mutant))
            status, seconds, tail = run_tests(repo, args.tests, args.timeout)
        finally:
            path.write_text(original)
        results.append({**asdict(mutant), "path": str(path.relative_to(repo)), "status": status,
                        "seconds": round(seconds, 1), "tail": tail})
        print(f"  {status:16s} {seconds:5.0f} s  {mutant.name}  {tail if status != 'survived' else ''}",
              flush=True)
        if args.json:  # after every mutant: a run stopped early keeps what it measured
            write_json(args.json, results)

    def rate(rows):
        counted = [r for r in rows if r["status"] != "not found"]
        killed = sum(r["status"].startswith("killed") for r in counted)
        return killed, len(counted)

    listed = [r for r in results if not r["line"]]
    generated = [r for r in results if r["line"]]
    for label, rows in (("listed", listed), ("generated", generated), ("all", results)):
        killed, total = rate(rows)
        if total:
            print(f"mutation: {label}: {killed}/{total} killed ({100 * killed / total:.0f}%)")
    survivors = [r["name"] for r in results if r["status"] == "survived"]
    if survivors:
        print("mutation: survived:\n  " + "\n  ".join(survivors))
    if args.json:
        write_json(args.json, results)
    return 0


def write_json(path: Path, results: list) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_text(json.dumps(results, indent=1))
    partial.replace(path)


if __name__ == "__main__":
    sys.exit(main())
