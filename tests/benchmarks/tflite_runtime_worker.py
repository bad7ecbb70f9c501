"""Classify with tflite-runtime 2.14 (numpy < 2), in its own venv; print the figures as JSON.

    artifacts/tflite-venv/bin/python tests/benchmarks/tflite_runtime_worker.py --rounds 30

Run by ``test_bench_classify.py::test_tflite_runtime`` with ``PYTHONPATH`` at the repository
(``edge_digits`` imports without OpenCV for classify). Each figure is the median over rounds
of the mean time of one call within a round, the way pytest-benchmark computes its own.
"""
from __future__ import annotations

import argparse
import json
import platform
import statistics
import time

import numpy as np


def measure(function, rounds: int) -> dict:
    function()
    start = time.perf_counter()
    function()
    once = max(time.perf_counter() - start, 1e-7)
    iterations = max(1, min(1000, int(0.005 / once)))  # rounds of about 5 ms
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(iterations):
            function()
        samples.append((time.perf_counter() - start) / iterations)
    quartiles = statistics.quantiles(samples, n=4) if len(samples) > 1 else [samples[0]] * 3
    return {"median": statistics.median(samples), "mean": statistics.fmean(samples),
            "min": min(samples), "max": max(samples),
            "stddev": statistics.stdev(samples) if len(samples) > 1 else 0.0,
            "iqr": quartiles[2] - quartiles[0], "rounds": rounds, "iterations": iterations}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()

    import tflite_runtime
    from tflite_runtime.interpreter import Interpreter

    from edge_digits.classify import DigitClassifier

    patches = np.random.default_rng(5).integers(0, 256, (8, 28, 28), dtype=np.uint8)
    classifier = DigitClassifier(args.model, num_threads=1, backend="tflite-runtime")
    interpreter = Interpreter(model_path=args.model, num_threads=1)
    interpreter.allocate_tensors()
    source, target = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
    scale, zero = source["quantization"]
    out_scale, out_zero = target["quantization"]

    def plain(batch):
        results = []
        for patch in batch:
            x = patch.astype(np.float32) / 255.0
            q = np.clip(np.round(x / scale + zero), -128, 127).astype(np.int8)
            interpreter.set_tensor(source["index"], q[None, :, :, None])
            interpreter.invoke()
            y = interpreter.get_tensor(target["index"])[0]
            results.append((y.astype(np.float32) - out_zero) * out_scale)
        return np.array(results)

    np.testing.assert_allclose(plain(patches), classifier.classify(patches), atol=1e-6)
    version = getattr(tflite_runtime, "__version__", "?")
    results = []
    for count in (1, 8):
        batch = np.ascontiguousarray(patches[:count])
        for name, role, label, function in (
                (f"DigitClassifier {count}", "edge-digits", "DigitClassifier (tflite-runtime)",
                 lambda: classifier.classify(batch)),
                (f"plain {count}", "peer", "tflite-runtime Interpreter, one digit per call, float math",
                 lambda: plain(batch))):
            results.append({
                "name": name, "group": f"classify-{count}",
                "stats": measure(function, args.rounds),
                "extra_info": {"role": role, "label": label, "backend": f"tflite-runtime {version}",
                               "threads": 1, "model": args.model.rsplit("/", 1)[-1], "items": count,
                               "numpy": np.__version__, "process": "artifacts/tflite-venv"}})
    print(json.dumps({"versions": {"tflite-runtime": version, "numpy": np.__version__,
                                   "python": platform.python_version()}, "results": results}))


if __name__ == "__main__":
    main()
