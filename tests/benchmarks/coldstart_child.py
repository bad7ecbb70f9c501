"""One cold start, in a fresh process: import, load the model, read one frame, exit.

    python tests/benchmarks/coldstart_child.py edge-digits FRAME.png
    python tests/benchmarks/coldstart_child.py keras FRAME.png [MODEL.keras]
    python tests/benchmarks/coldstart_child.py classify-only -   (no OpenCV: the floor)

Started by ``test_bench_coldstart.py``, which times the whole process from spawn to exit
and takes its peak RSS from ``wait4``. Prints the phases it saw as one JSON line.
"""
from __future__ import annotations

import json
import sys
import time

START = time.perf_counter()


def current_rss_mb() -> float | None:
    """This process's resident memory now (Linux), for the per-phase breakdown."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def phase_marker():
    """``(phases, memory, mark)``: ``mark(name)`` records the milliseconds since the last
    mark (the first since START) and the resident memory after the step."""
    phases, memory, last = {}, {"python": current_rss_mb()}, [START]

    def mark(name: str) -> None:
        now = time.perf_counter()
        phases[name], memory[name], last[0] = (now - last[0]) * 1e3, current_rss_mb(), now

    return phases, memory, mark


def edge_digits_run(frame_path: str) -> dict:
    # The same modules `from edge_digits import DigitReader` imports, one at a time, so
    # that each one's share of the start-up time and memory shows.
    phases, memory, mark = phase_marker()

    import numpy  # noqa: F401
    mark("import numpy")
    import cv2
    mark("import cv2")
    import ai_edge_litert.interpreter  # noqa: F401
    mark("import ai_edge_litert")
    from edge_digits import DigitReader
    mark("import edge_digits")
    reader = DigitReader()
    mark("load model")
    reading = reader.read(cv2.imread(frame_path))
    mark("read one frame")
    return {"text": reading.text, "backend": reader.backend, "phases_ms": phases,
            "rss_mb_after": memory}


def classify_only_run() -> dict:
    """numpy + LiteRT + the classifier on 8 blank patches, without OpenCV: the stack's floor."""
    phases, memory, mark = phase_marker()

    import numpy as np
    mark("import numpy")
    import ai_edge_litert.interpreter  # noqa: F401
    mark("import ai_edge_litert")
    from edge_digits.classify import DigitClassifier
    mark("import edge_digits.classify")
    classifier = DigitClassifier()
    mark("load model")
    probabilities = classifier.classify(np.zeros((8, 28, 28), np.uint8))
    mark("classify 8 patches")
    return {"text": "".join(str(v) for v in probabilities.argmax(axis=1)),
            "backend": classifier.backend, "phases_ms": phases, "rss_mb_after": memory}


def keras_run(frame_path: str, model_path: str | None) -> dict:
    import cv2
    import keras
    import numpy as np
    import tensorflow as tf

    # One thread per pool: the fair "one core" (the process is pinned to one CPU).
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)

    from edge_digits.frame import as_gray
    from edge_digits.locate import locate_digits
    from edge_digits.normalize import normalize_digit
    imported = time.perf_counter()
    if model_path:
        model = keras.models.load_model(model_path)
    else:
        from export.network import build_sequential
        model = build_sequential()
    loaded = time.perf_counter()
    lines = locate_digits(as_gray(cv2.imread(frame_path)))
    inks = [candidate.ink for line in lines for candidate in line]
    patches = np.stack([normalize_digit(ink) for ink in inks]) if inks else np.zeros((1, 28, 28), np.uint8)
    probabilities = np.asarray(model(patches[..., None].astype(np.float32) / 255.0, training=False))
    done = time.perf_counter()
    return {"text": "".join(str(v) for v in probabilities.argmax(axis=1)),
            "backend": f"keras {keras.__version__}",
            "phases_ms": {"import": (imported - START) * 1e3, "load": (loaded - imported) * 1e3,
                          "read": (done - loaded) * 1e3}}


if __name__ == "__main__":
    mode, frame = sys.argv[1], sys.argv[2]
    if mode == "edge-digits":
        result = edge_digits_run(frame)
    elif mode == "classify-only":
        result = classify_only_run()
    else:
        result = keras_run(frame, sys.argv[3] if len(sys.argv) > 3 else None)
    from edge_digits.bench import peak_rss_mb  # tiny module: after the measured work
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))
