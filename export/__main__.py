"""``python -m export``: train the reference CNN, quantize, evaluate, bundle the default model.

    python -m export --mnist ../shared/data/mnist.npz --threads 2     # make export
    python -m export --mnist ../shared/data/mnist.npz --quick --out artifacts/quick
    python -m export --mnist ../shared/data/mnist.npz --none-class    # -> artifacts/none-class

MNIST comes from --mnist, else $EDGE_DIGITS_MNIST, else keras.datasets.mnist.load_data().
Exit 0 on success, 2 on bad input or a refused export (one line on stderr), 130 on Ctrl-C.
"""
from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text}")
    return value


def _fraction(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a fraction in 0..1 (0.988 for 98.8%), got {text}")
    return value


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m export", description=__doc__.splitlines()[0])
    parser.add_argument("--mnist", help="Keras-format mnist.npz (default: $EDGE_DIGITS_MNIST, "
                        "else keras.datasets.mnist.load_data())")
    parser.add_argument("--out", type=Path, help="output folder (default artifacts/export, "
                        "artifacts/quick with --quick)")
    bundle = parser.add_mutually_exclusive_group()
    bundle.add_argument("--bundle-dir", type=Path, help="also bundle the int8 model + manifest "
                        "here (default: not bundled; 'make bundle' / python -m export.bundle "
                        "artifacts/export bundles into edge_digits/models/)")
    bundle.add_argument("--no-bundle", action="store_true", help="do not bundle (the default)")
    parser.add_argument("--quick", action="store_true", help="smoke test: 6,000 digits, 1 "
                        "epoch, gate 70%%, no bundling unless --bundle-dir")
    parser.add_argument("--epochs", type=_positive_int, help="default 20")
    parser.add_argument("--batch-size", type=_positive_int, help="default 128")
    parser.add_argument("--learning-rate", type=float, help="Adam's peak rate (default 0.002)")
    parser.add_argument("--seed", type=int, help="default 1")
    parser.add_argument("--augment", choices=("camera", "none"), help="training augmentation "
                        "(default camera)")
    parser.add_argument("--augment-copies", type=_positive_int, help="augmented variants per digit")
    parser.add_argument("--no-cache", action="store_true", help="do not reuse augmented digits "
                        "cached in artifacts/cache")
    parser.add_argument("--none-class", action="store_true", help="add an 11th class 'none' "
                        "trained on generated non-digits (default out artifacts/none-class, "
                        "not bundled unless --bundle-dir)")
    parser.add_argument("--builder", choices=("sequential", "functional", "blocks3", "blocks2x2"),
                        help="sequential / functional: the reference network (the same one); "
                             "blocks3: three batch-normalized convolution blocks; "
                             "blocks2x2: 2x2 pixel blocks as channels (a cheaper first layer)")
    parser.add_argument("--width", type=_positive_float, help="filters and hidden units relative "
                        "to the reference design (default 1: exactly the reference)")
    parser.add_argument("--members", type=_positive_int, help="networks trained apart (seeds "
                        "seed, seed + 1, ...) and averaged in one int8 model (default 1)")
    parser.add_argument("--plain-graph", action="store_true", help="convert the network's "
                        "graph as trained (default: the reference design in the same "
                        "function's faster graph, export.network.fast_form)")
    parser.add_argument("--gate", type=_fraction, help="minimum int8 test accuracy (default 0.988)")
    parser.add_argument("--threads", type=_positive_int, default=1, help="CPU threads for training and "
                        "evaluation")
    for name, what in (("femnist", "FEMNIST digits .npz (training writers used)"),
                       ("letters", "FEMNIST letters .npz (none class)"),
                       ("hwd1000", "hwd1000 digits .npz (training part used)"),
                       ("fonts", "folder of handwriting fonts (training families used)")):
        parser.add_argument(f"--{name}", help=f"{what}; default $EDGE_DIGITS_{name.upper()}, "
                            "else not used")
    parser.add_argument("--mine-frames", type=int, help="digit-free frames mined for hard "
                        "negatives (none class; default 1500, 0 off)")
    parser.add_argument("--letters-limit", type=_positive_int, help="at most this many "
                        "handwritten letters in the none class (default 6000)")
    parser.add_argument("--train-limit", type=_positive_int, help="use only the first N training digits")
    return parser.parse_args(argv)


def config_from(args: argparse.Namespace):
    from .pipeline import ExportConfig, quick_config

    config = quick_config() if args.quick else ExportConfig()
    train = config.train
    for name in ("epochs", "batch_size", "learning_rate", "seed"):
        if getattr(args, name) is not None:
            train = replace(train, **{name: getattr(args, name)})
    changes = {"train": train, "threads": args.threads,
               "mnist": args.mnist or os.environ.get("EDGE_DIGITS_MNIST") or None}
    for name in ("out", "augment", "augment_copies", "builder", "width", "members", "gate",
                 "train_limit"):
        if getattr(args, name) is not None:
            changes[name] = getattr(args, name)
    from .extra_data import ExtraPaths

    changes["extra"] = ExtraPaths(**{name: getattr(args, name) or os.environ.get(
        f"EDGE_DIGITS_{name.upper()}") or None for name in ("femnist", "letters", "hwd1000", "fonts")})
    if args.letters_limit is not None:
        changes["letters_limit"] = args.letters_limit
    if args.mine_frames is not None:
        changes["mine_frames"] = args.mine_frames
    if args.none_class:
        # The bundled default stays the 10-class reference network: never replace it by accident.
        changes.update(none_class=True, bundle_dir=None)
        if args.out is None and not args.quick:
            changes["out"] = Path("artifacts/none-class")
    if args.plain_graph:
        changes["fast_graph"] = False
    if args.no_cache:
        changes["cache_dir"] = None
    if args.bundle_dir is not None:
        changes["bundle_dir"] = args.bundle_dir
    elif args.no_bundle:
        changes["bundle_dir"] = None
    return replace(config, **changes)


def main(argv=None) -> int:
    args = parse_args(argv)
    # Quiet TensorFlow's C++ start-up chatter and fix its thread pools before it is imported.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    except RuntimeError:  # TensorFlow already running (called from a test): keep its pools
        pass
    from .errors import ExportError
    from .pipeline import run

    try:
        run(config_from(args), log=lambda line: print(line, flush=True))
    except ExportError as exc:
        print(f"export: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("export: interrupted; the previous model and manifest were left untouched",
              file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
