"""Measured accuracy of every fixed set, in one place, and the bounds tests assert.

Each set (tests/sets.py) is scored into right / wrong / rejected (tests/scoring.py).
``MEASURED[name] = (n, right, wrong)``: its size and the fractions measured with the
bundled model named by ``MODEL``. Names ending in ``:digits`` count the digits of correctly
segmented strings instead of frames (right = neither wrong nor rejected).

**Margin rule**: a test asserts ``right >= floor(name)`` and ``wrong <= ceiling(name)``,
each ``slack(n) = 1 + isqrt(n) // 10`` items from the measured value (1 item on up to 399,
3 on 1,000, 11 on 10,000): the readings are deterministic on one machine, the slack
absorbs a flip or two on another CPU or library version, and a change that makes a few more
frames wrong fails.

**Re-pinning** after a model swap or a deliberate change: ``.venv/bin/python -m
tests.measure`` re-measures every set (~2 minutes) and prints ``MODEL`` and ``MEASURED``
in this file's format: paste them over the ones below, and say why in the commit.
"""
from __future__ import annotations

from math import isqrt

#: every set, in the order tests.measure prints them
NAMES = (
    "frames/clean", "frames/clean:digits", "frames/hard", "frames/hard:digits",
    "frames/touching", "frames/touching-pairs", "frames/touching-line", "frames/wide", "frames/large-photos",
    "scenes/closeup", "scenes/grid", "scenes/large", "scenes/marker", "scenes/note",
    "scenes/pair", "scenes/shadow", "scenes/tilted", "scenes/photo",
    "mnist/test", "mnist/camera",
    "postcode/all", "postcode/free-form", "postcode/boxes",
    "postcode/fr-boxes", "postcode/jp-boxes", "postcode/jp-city_start", "postcode/fr-city_start",
    "postcode/de-city_start", "postcode/hu-city_start", "postcode/us-city_end",
    "dev/sudoku-hand", "dev/sudoku-blank", "dev/sudoku-small-hand", "dev/sudoku-small-blank",
    "dev/femnist", "dev/hwd1000",
)

# ---- paste the output of `python -m tests.measure` below this line ----
MODEL = 'b162026376bfad50'  # sha256[:16] of the bundled model measured
MEASURED = {
    'frames/clean': (100, 0.9000, 0.0200),
    'frames/clean:digits': (675, 0.9970, 0.0030),
    'frames/hard': (80, 0.5250, 0.0750),
    'frames/hard:digits': (295, 0.9898, 0.0102),
    'frames/touching': (60, 0.7000, 0.1833),
    'frames/touching-pairs': (150, 0.7733, 0.0800),
    'frames/touching-line': (10, 0.5000, 0.5000),
    'frames/wide': (40, 0.7750, 0.0250),
    'frames/large-photos': (30, 0.8000, 0.0000),
    'scenes/closeup': (40, 0.9500, 0.0000),
    'scenes/grid': (40, 0.8500, 0.0000),
    'scenes/large': (40, 0.9750, 0.0000),
    'scenes/marker': (40, 0.8000, 0.0000),
    'scenes/note': (40, 0.9000, 0.0000),
    'scenes/pair': (40, 0.9750, 0.0000),
    'scenes/shadow': (40, 0.9000, 0.0250),
    'scenes/tilted': (40, 0.8750, 0.0250),
    'scenes/photo': (16, 1.0000, 0.0000),
    'mnist/test': (10000, 0.9850, 0.0037),
    'mnist/camera': (600, 0.9467, 0.0100),
    'postcode/all': (140, 0.7500, 0.0071),
    'postcode/free-form': (100, 0.8200, 0.0100),
    'postcode/boxes': (40, 0.5750, 0.0000),
    'postcode/fr-boxes': (20, 0.4500, 0.0000),
    'postcode/jp-boxes': (20, 0.7000, 0.0000),
    'postcode/jp-city_start': (20, 0.7500, 0.0000),
    'postcode/fr-city_start': (20, 0.7500, 0.0500),
    'postcode/de-city_start': (20, 0.9500, 0.0000),
    'postcode/hu-city_start': (20, 0.8500, 0.0000),
    'postcode/us-city_end': (20, 0.8000, 0.0000),
    'dev/sudoku-hand': (576, 0.9653, 0.0000),
    'dev/sudoku-blank': (403, 0.9975, 0.0025),
    'dev/sudoku-small-hand': (576, 0.9323, 0.0087),
    'dev/sudoku-small-blank': (403, 1.0000, 0.0000),
    'dev/femnist': (600, 0.9833, 0.0017),
    'dev/hwd1000': (200, 1.0000, 0.0000),
}
# ---- end of the pasted table ----


def base(name: str) -> str:
    """The set a name scores (``frames/clean:digits`` -> ``frames/clean``)."""
    return name.split(":")[0]


def as_counts(score, name: str) -> tuple[int, int, int]:
    """(n, right, wrong) counts of a Score for ``name`` (per digit for ``:digits``)."""
    if name.endswith(":digits"):
        return (score.digits, score.digits - score.digits_wrong - score.digits_rejected,
                score.digits_wrong)
    return score.n, score.right, score.wrong


def row(name: str, counts) -> str:
    n, right, wrong = counts
    return f"    {name!r}: ({n}, {right / max(1, n):.4f}, {wrong / max(1, n):.4f}),"


def slack(n: int) -> int:
    return 1 + isqrt(n) // 10


def floor(name: str) -> float:
    n, right, _ = MEASURED[name]
    return right - slack(n) / n


def ceiling(name: str) -> float:
    n, _, wrong = MEASURED[name]
    return wrong + slack(n) / n


def problems(name: str, counts) -> list[str]:
    """What is out of bounds in measured ``counts`` (n, right, wrong) of set ``name``."""
    n, right, wrong = counts
    want_n, want_right, want_wrong = MEASURED[name]
    found = []
    if n != want_n and not name.endswith(":digits"):  # (digits: as many as segmented right)
        found.append(f"{n} items, expected {want_n}")
    if right / n < floor(name) - 1e-9:
        found.append(f"right {right / n:.4f} < floor {floor(name):.4f} (measured {want_right})")
    if wrong / n > ceiling(name) + 1e-9:
        found.append(f"wrong {wrong / n:.4f} > ceiling {ceiling(name):.4f} (measured {want_wrong})")
    return found


def check(name: str, score) -> None:
    """Assert that a Score of set ``name`` is within its bounds (tests call this)."""
    counts = as_counts(score, name)
    assert name in MEASURED, f"{name}: not in tests/expected.py; run python -m tests.measure {name}"
    found = problems(name, counts)
    n, right, wrong = counts
    assert not found, (f"{name}: " + "; ".join(found) +
                       f" [right {right}/{n}, wrong {wrong}/{n}, rejected {n - right - wrong}/{n}]")
