"""``edge-digits info``: the model's manifest summary and the interpreter backend in use.

    edge-digits info
    edge-digits info --model artifacts/digits_int8.tflite --json
"""
from __future__ import annotations

import argparse
import json


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("info", help="show the model's manifest and the interpreter backend",
                                   description="Show the model's manifest summary and the interpreter backend.")
    parser.add_argument("--model", default=None, metavar="PATH",
                        help="a .tflite digit model (default: the bundled int8 model)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.set_defaults(run=run)
    return parser


def summary(classifier) -> dict:
    """What ``info`` prints: the interpreter's view of the model plus its manifest."""
    manifest = classifier.manifest or {}
    info = {
        "model": str(classifier.model_path),
        "backend": classifier.backend,
        "threads": classifier.num_threads,
        "input": {"shape": list(classifier.input_shape), "dtype": str(classifier.input_dtype),
                  "scale": float(classifier.input_scale), "zero_point": int(classifier.input_zero_point)},
        "classes": classifier.num_classes,
        "labels": list(classifier.labels),
        "manifest": bool(manifest),
    }
    for key in ("sha256", "size_bytes", "variant", "created", "created_utc", "accuracy",
                "metrics", "training", "versions"):
        if key in manifest:
            info[key] = manifest[key]
    architecture = manifest.get("architecture")
    if isinstance(architecture, dict):
        info["architecture"] = {k: architecture[k] for k in ("name", "params") if k in architecture}
    return info


def _format(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={_format(v)}" for k, v in value.items()
                         if not isinstance(v, (dict, list)) or k in ("shape",))
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return str(value)


def run(args: argparse.Namespace) -> int:
    from ..classify import DigitClassifier

    with DigitClassifier(args.model) as classifier:
        info = summary(classifier)
    if args.json:
        print(json.dumps(info, indent=2, default=str))
        return 0
    if not info["manifest"]:
        info["manifest"] = "none beside the model (labels assumed 0-9)"
    width = max(len(key) for key in info)
    for key, value in info.items():
        print(f"{key:<{width}}  {_format(value)}")
    return 0
