"""What a :class:`~edge_digits.read.DigitReader` is built from: one place for the defaults.

    >>> config = ReaderConfig(threshold=0.9, threads=2)
    >>> reader = DigitReader.from_config(config)      # what the CLI and ``serve`` both do

The ``[reader]`` section of a service config (``edge-digits serve``) and the reader
options of the command line (``--model``, ``--threads``, ``--threshold``, ``read``'s
``--partial``) are both a :class:`ReaderConfig`, so a default (the threshold) lives here
and nowhere else.
"""
from __future__ import annotations

from dataclasses import dataclass

#: the default rejection threshold: a digit below this probability is shown as ``?``
DEFAULT_THRESHOLD = 0.7

#: the interpreters a reader may ask for
BACKENDS = ("auto", "ai-edge-litert", "tflite-runtime", "tensorflow")


@dataclass(frozen=True, slots=True)
class ReaderConfig:
    #: a .tflite digit classifier; "" = the bundled int8 model (a service config's relative
    #: path is taken from the config file's folder)
    model: str = ""
    #: interpreter threads (a Pi 4/5 has 4 cores)
    threads: int = 1
    #: a digit below this confidence is reported as "?"; at most the model's largest
    #: attainable probability (0.9961 for the bundled int8 model)
    threshold: float = DEFAULT_THRESHOLD
    #: "auto", "ai-edge-litert", "tflite-runtime" or "tensorflow"
    backend: str = "auto"
    #: report a string with rejected digits among its read ones as it is ("1?34"); false:
    #: the frame reports nothing and names it in "unread" (ReadOptions.partial_strings)
    partial: bool = False
