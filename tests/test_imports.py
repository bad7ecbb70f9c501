"""The runtime never imports TensorFlow or Keras: checked in a fresh interpreter."""
from __future__ import annotations

import subprocess
import sys

import pytest

CHECK = """
import sys
import numpy as np
{body}
heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras', 'tf_keras'))
print(','.join(heavy))
"""


@pytest.mark.parametrize("body", [
    "import edge_digits",
    "from edge_digits import DigitReader, normalize_digit",
    "from edge_digits import DigitReader\n"
    "with DigitReader() as reader:\n"
    "    reader.read(np.full((480, 640, 3), 200, np.uint8))",
    "from edge_digits.cli import build_parser\nbuild_parser()",
])
def test_no_tensorflow(body):
    result = subprocess.run([sys.executable, "-c", CHECK.format(body=body)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"imported: {result.stdout.strip()}"


def test_a_read_loads_no_library_it_does_not_need():
    """Reading a frame loads neither OpenSSL (hashlib: 3.7 MB of a read process's 70) nor
    statistics and what it imports (decimal, fractions, random: 1.5 MB); the model's
    checksum is still checked (a model that does not match its manifest is refused:
    tests/test_bundle_atomic.py). What numpy and OpenCV load themselves is not counted
    (numpy 1.24, Raspberry Pi OS's, imports hashlib with numpy.random)."""
    body = ("import cv2, numpy\nbefore = set(sys.modules)\n"
            "from edge_digits import DigitReader\n"
            "with DigitReader() as reader:\n"
            "    reader.read(cv2.imread('edge_digits/samples/digits_one_line.jpg'))\n"
            "print(','.join(sorted(m for m in ('_hashlib', 'hashlib', 'statistics', 'decimal')"
            " if m in sys.modules and m not in before)))")
    result = subprocess.run([sys.executable, "-c", "import sys\n" + body],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"loaded: {result.stdout.strip()}"
