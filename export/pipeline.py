"""The export, stage by stage: data -> training pool -> train -> convert -> evaluate -> gate -> write.

    >>> report = run(ExportConfig(mnist="../shared/data/mnist.npz"), log=print)

``build`` does everything in memory and returns an :class:`Export`; ``publish`` applies the
gate and writes the artifacts (atomically) into the output folder and, unless disabled, the
runtime package (``edge_digits/models/``). Nothing is written before the gate has passed, so
a failed, interrupted or refused export leaves the previous model and manifest as they were.
"""
from __future__ import annotations

import datetime
import hashlib
import importlib.metadata
import inspect
import io
import platform
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import numpy as np


from . import artifacts, augment, evaluate, plots, quantize
from .data import load_mnist, split_validation
from .extra_data import Extra, ExtraPaths, load_extra
from .network import (BUILDERS, REFERENCE_BUILDERS, REFERENCE_PARAMS, architecture, average,
                      fast_form)
from .train import TrainResult, TrainSettings, to_input, train

DIGIT_LABELS = [str(digit) for digit in range(10)]
CACHE_ENTRIES = 3  #: augmented pools kept in the cache folder
CAMERA_TEST_SEED = 10_000  #: seed of the camera-distorted test set (training uses small seeds)
NONE_LABEL = "none"
NONE_CLASS = 10  #: index of "none" in the 11-class model's output


@dataclass(frozen=True)
class ExportConfig:
    """What to export and where. ``quick`` is a smoke test: a subset, one epoch, no bundling."""

    mnist: str | None = None  #: Keras-format mnist.npz; None: keras.datasets.mnist.load_data()
    out: Path = Path("artifacts/export")  #: every variant, plots, model.keras, manifest
    #: where the int8 model + manifest are also bundled; None (the default): not -- bundling
    #: into edge_digits/models is its own explicit step, ``make bundle`` (export.bundle)
    bundle_dir: Path | None = None
    train: TrainSettings = field(default_factory=TrainSettings)
    validation_fraction: float = 0.1  #: of the training set, held out (never augmented)
    augment: str = "camera"  #: "camera" (see export/augment.py) or "none"
    augment_copies: int = 1  #: augmented variants precomputed per training digit
    none_class: bool = False  #: add an 11th class "none" trained on generated non-digits
    none_fraction: float = 0.1  #: generated non-digits, as a fraction of the training digits
    none_test_marks: int = 2000  #: generated non-digits (from test digits) to score the none class
    #: "sequential" or "functional" (the reference network, either way), "blocks3" or
    #: "blocks2x2" (see export/network.py)
    builder: str = "sequential"
    width: float = 1  #: filters and hidden units relative to the reference design (1: exactly it)
    #: networks trained apart (seeds seed, seed + 1, ...) and averaged in one int8 graph
    #: (:func:`export.network.average`); 1: one network
    members: int = 1
    #: convert the reference design in :func:`export.network.fast_form`'s graph (the same
    #: outputs, some 0.7 of the int8 time); False: the graph as trained
    fast_graph: bool = True
    gate: float = artifacts.DEFAULT_GATE  #: minimum int8 test accuracy
    max_drop: float = artifacts.MAX_DROP  #: maximum int8 loss against float32
    threads: int = 1  #: interpreter threads for evaluation
    train_limit: int | None = None  #: use only the first N training digits (quick)
    calibration_digits: int = 500  #: representative training digits for int8 calibration
    camera_test_digits: int = 10_000  #: test digits distorted like camera crops for a 2nd score
    verbose: int = 2  #: Keras fit verbosity (2: one line per epoch)
    cache_dir: Path | None = Path("artifacts/cache")  #: reuse augmented digits across runs; None: off
    extra: ExtraPaths = field(default_factory=ExtraPaths)  #: other writers, letters, fonts (optional)
    font_digits_per_font: int = 400  #: rendered digits per training handwriting font
    printed_digits_per_font: int = 40  #: rendered digits per printed face (Debian fonts)
    font_letters_per_font: int = 80  #: rendered non-digit glyphs per font (none class)
    mine_frames: int = 1500  #: digit-free frames mined for hard negatives (none class); 0: off
    mine_limit: int = 25_000  #: at most this many mined crops
    letters_limit: int = 6_000  #: at most this many handwritten letters (none class; 25,000: fewer strangers read)


def quick_config(**changes) -> ExportConfig:
    """A smoke-test export: 6,000 training digits, one epoch, no bundling, a gate for that.

    One epoch on a tenth of MNIST reaches about 85-90%, so the gate is 70% and the int8
    model may lose up to 5 points (an untrained model's int8 rounding differs more).
    """
    base = dict(out=Path("artifacts/quick"), bundle_dir=None, cache_dir=None,
                train=TrainSettings(epochs=1, batch_size=64, warmup_epochs=0.0),
                augment_copies=1, train_limit=6000, gate=0.70, max_drop=0.05,
                calibration_digits=100, mine_frames=20, mine_limit=2000,
                font_digits_per_font=20, printed_digits_per_font=5, font_letters_per_font=10)
    base.update(changes)
    return ExportConfig(**base)


@dataclass
class Export:
    """An export held in memory, not yet gated or written."""

    config: ExportConfig
    variants: dict  #: name -> .tflite bytes
    results: dict  #: name -> evaluate.VariantResult (including "keras")
    manifest: dict
    keras_bytes: bytes  #: the trained model as a .keras file
    pictures: dict  #: file name -> PNG bytes
    none_metrics: dict | None
    seconds: dict  #: stage -> wall seconds
    camera_accuracy: float  #: int8 accuracy on camera-distorted test digits


def _versions() -> dict:
    versions = {"python": platform.python_version()}
    for name in ("tensorflow", "tensorflow-cpu", "keras", "numpy", "opencv-python-headless",
                 "opencv-python", "ai-edge-litert", "matplotlib", "edge-digits"):
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pass
    return versions


def _keras_bytes(model) -> bytes:
    with tempfile.TemporaryDirectory(prefix="edge-digits-keras-") as folder:
        path = Path(folder) / "model.keras"
        model.save(path)
        return path.read_bytes()


def _cached(config: ExportConfig, name: str, key: list, make: Callable[[], np.ndarray],
            log: Callable[[str], None], valid: Callable[[np.ndarray], bool] = lambda value: True
            ) -> np.ndarray:
    """``make()``, or the array it made before under the same key (``config.cache_dir``;
    None: no cache). ``key`` is a list of strings: the data, the settings and the source of
    the code that makes the array, so a changed recipe never reuses an old one. The few
    most recent entries of each name are kept; a broken or invalid entry is made again.
    """
    if config.cache_dir is None:
        return make()
    digest = hashlib.sha256("|".join(key).encode()).hexdigest()
    path = Path(config.cache_dir) / f"{name}-{digest[:16]}.npy"
    if path.exists():
        try:
            value = np.load(path, allow_pickle=False)
            if valid(value):
                log(f"{name} from the cache {path}")
                return value
        except (OSError, ValueError):
            pass  # a broken cache file is made again below
    value = make()
    try:
        Path(config.cache_dir).mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        np.save(buffer, value, allow_pickle=False)
        artifacts.commit(Path(config.cache_dir), {path.name: buffer.getvalue()})
        # Keep the few most recent entries (a camera pool is 42 MB): older recipes are not
        # coming back.
        entries = sorted(Path(config.cache_dir).glob(f"{name}-*.npy"),
                         key=lambda entry: entry.stat().st_mtime, reverse=True)
        for stale in entries[CACHE_ENTRIES:]:
            stale.unlink()
    except OSError as exc:  # the cache is an optimization: never fail an export for it
        log(f"note: {name} not cached ({exc})")
    return value


def _camera_pool(x_fit: np.ndarray, config: ExportConfig, data_sha256: str,
                 log: Callable[[str], None]) -> np.ndarray:
    """The augmented variants, from the cache when the same ones were made before (the key
    covers the digits themselves, in their order, the seed, the number of copies and the
    source of the augmentation and normalization code). The digits' own checksum keeps a
    pool from being paired with labels it was not made for: the same sources, counts and
    seed split or ordered otherwise (another recipe's code) give other digits in the same
    shape."""
    import edge_digits.normalize

    key = [data_sha256, str(config.train_limit), str(config.validation_fraction),
           str(config.train.seed), str(config.augment_copies), str(x_fit.shape),
           hashlib.sha256(np.ascontiguousarray(x_fit).data).hexdigest(),
           inspect.getsource(augment), inspect.getsource(edge_digits.normalize)]
    return _cached(config, "camera-pool", key,
                   lambda: augment.camera_pool(x_fit, config.augment_copies, seed=config.train.seed),
                   log, valid=lambda pool: pool.shape == (config.augment_copies, *x_fit.shape)
                   and pool.dtype == np.uint8)


def _add_non_digits(pool, y_fit, x_val, y_val, config: ExportConfig):
    """Append generated non-digits (class 10, "none") to the training pool and validation set.

    Every pool variant gets its own non-digits, so they are as varied as the digits.
    """
    count = int(pool.shape[1] * config.none_fraction)
    none_fit = augment.non_digits(pool[0], count * pool.shape[0], seed=config.train.seed + 1)
    pool = np.concatenate([pool, none_fit.reshape(pool.shape[0], count, 28, 28)], axis=1)
    y_fit = np.concatenate([y_fit, np.full(count, NONE_CLASS, y_fit.dtype)])
    none_val = augment.non_digits(x_val, int(len(x_val) * config.none_fraction),
                                  seed=config.train.seed + 2)
    x_val = np.concatenate([x_val, none_val])
    y_val = np.concatenate([y_val, np.full(len(none_val), NONE_CLASS, y_val.dtype)])
    return pool, y_fit, x_val, y_val


def _with_extra_digits(x_train, y_train, extra: Extra, config: ExportConfig, log):
    """MNIST's training digits plus other writers' and rendered font digits."""
    from .glyphs import font_digits, printed_fonts

    parts_x, parts_y = [x_train, extra.digits], [y_train, extra.labels]
    if extra.fonts:
        x, y = font_digits(list(extra.fonts), config.font_digits_per_font, config.train.seed + 10)
        printed_x, printed_y = font_digits(printed_fonts(), config.printed_digits_per_font,
                                           config.train.seed + 11)
        parts_x += [x, printed_x]
        parts_y += [y, printed_y]
        log(f"rendered digits: {len(x)} from {len(extra.fonts)} handwriting fonts, "
            f"{len(printed_x)} from printed faces")
    if len(parts_x[1]):
        log(f"other writers' digits: {len(extra.digits)}")
    return np.concatenate(parts_x), np.concatenate(parts_y).astype(y_train.dtype)


def _mining_key(config: ExportConfig, extra: Extra) -> list:
    """What mined crops depend on: settings, sources, the generator's and the locate
    stage's code (the crops are what locate cuts out)."""
    from . import glyphs, mining
    from .synth import clutter
    import edge_digits.locate

    locate_code = [path.read_text() for path in
                   sorted(Path(edge_digits.locate.__file__).parent.glob("*.py"))]
    return ([str(config.mine_frames), str(config.mine_limit), str(config.train.seed)]
            + [source.sha256 for source in extra.sources]
            + [inspect.getsource(module) for module in (mining, clutter, glyphs)] + locate_code)


def _add_found_non_digits(pool, y_fit, extra: Extra, config: ExportConfig, log):
    """Append real non-digit material to the "none" class: handwritten letters, font glyphs
    and hard negatives mined from digit-free frames (each with its camera-like variants)."""
    from .glyphs import font_letters, printed_fonts
    from .mining import mine_negatives

    counts, parts = {}, []
    if len(extra.letters):
        letters = extra.letters
        if len(letters) > config.letters_limit:
            keep = np.random.default_rng(config.train.seed + 15).choice(
                len(letters), config.letters_limit, replace=False)
            letters = letters[np.sort(keep)]
        parts.append(letters)
        counts["handwritten letters"] = len(letters)
    fonts = list(extra.fonts) + (printed_fonts() if extra.fonts else [])
    if fonts:
        glyphs = font_letters(fonts, config.font_letters_per_font, config.train.seed + 12)
        parts.append(glyphs)
        counts["font glyphs"] = len(glyphs)
    if config.mine_frames:
        start = time.perf_counter()
        mined = _cached(config, "mined", _mining_key(config, extra),
                        lambda: mine_negatives(config.mine_frames, config.train.seed + 13,
                                               extra.letters, printed_fonts(),
                                               limit=config.mine_limit), log)
        parts.append(mined)
        counts["mined crops"] = len(mined)
        log(f"mined {len(mined)} crops from {config.mine_frames} digit-free frames in "
            f"{time.perf_counter() - start:.0f} s")
    if not parts:
        return pool, y_fit, counts
    found = np.concatenate(parts)
    variants = [found[None]]
    if pool.shape[0] > 1:
        variants.append(augment.camera_pool(found, pool.shape[0] - 1, seed=config.train.seed + 14))
    pool = np.concatenate([pool, np.concatenate(variants)], axis=1)
    y_fit = np.concatenate([y_fit, np.full(len(found), NONE_CLASS, y_fit.dtype)])
    return pool, y_fit, counts


def build(config: ExportConfig, log: Callable[[str], None] = lambda line: None) -> Export:
    """Load, train, convert and evaluate; return everything in memory."""
    import keras

    seconds: dict[str, float] = {}
    start = time.perf_counter()
    if config.builder not in BUILDERS:
        raise ValueError(f"unknown builder {config.builder!r}; expected one of {list(BUILDERS)}")
    mnist = load_mnist(config.mnist)
    x_train, y_train = mnist.x_train, mnist.y_train
    if config.train_limit:
        x_train, y_train = x_train[:config.train_limit], y_train[:config.train_limit]
    extra = load_extra(config.extra)
    x_train, y_train = _with_extra_digits(x_train, y_train, extra, config, log)
    x_fit, y_fit, x_val, y_val = split_validation(x_train, y_train, config.validation_fraction,
                                                  config.train.seed)
    data_sha256 = hashlib.sha256("|".join([mnist.sha256] + [s.sha256 for s in extra.sources]
                                          ).encode()).hexdigest()
    log(f"MNIST from {mnist.source} (sha256 {mnist.sha256[:12]}...), "
        f"{len(extra.sources)} other source(s): {len(x_fit)} training, "
        f"{len(x_val)} validation (held out), {len(mnist.x_test)} MNIST test digits")

    # The training pool: pool[0] the digits, pool[1:] their augmented variants.
    stage = time.perf_counter()
    pool = x_fit[None]
    if config.augment == "camera" and config.augment_copies > 0:
        pool = np.concatenate([pool, _camera_pool(x_fit, config, data_sha256, log)])
    elif config.augment not in ("camera", "none"):
        raise ValueError(f"unknown augmentation {config.augment!r}; expected 'camera' or 'none'")
    labels = DIGIT_LABELS + ([NONE_LABEL] if config.none_class else [])
    none_metrics = None
    none_counts: dict = {}
    if config.none_class:
        pool, y_fit, x_val, y_val = _add_non_digits(pool, y_fit, x_val, y_val, config)
        pool, y_fit, none_counts = _add_found_non_digits(pool, y_fit, extra, config, log)
    seconds["augment"] = time.perf_counter() - stage
    log(f"training pool: {pool.shape[0]} variant(s) of {pool.shape[1]} digits "
        f"(augmentation: {config.augment}, none class: {config.none_class}) "
        f"in {seconds['augment']:.1f} s")

    if config.members < 1:
        raise ValueError(f"members must be 1 or more, got {config.members}")
    members, trainings = [], []
    for index in range(config.members):
        # each member its own seed: its initial weights, dropout and batch order
        settings = replace(config.train, seed=config.train.seed + index)
        keras.utils.set_random_seed(settings.seed)
        member = BUILDERS[config.builder](num_classes=len(labels), width=config.width)
        if not index:
            member.summary(print_fn=lambda line, *args, **kwargs: log(line))
        if len(labels) == 10 and config.width == 1 and config.builder in REFERENCE_BUILDERS \
                and member.count_params() != REFERENCE_PARAMS:
            raise RuntimeError(f"reference network has {member.count_params()} parameters, "
                               f"expected {REFERENCE_PARAMS}")
        trainings.append(train(member, pool, y_fit, x_val, y_val, settings,
                               verbose=config.verbose))
        members.append(member)
        done = trainings[-1]
        log(("" if config.members == 1 else f"member {index + 1} of {config.members}: ")
            + f"training time: {done.seconds:.1f} s ({config.train.epochs} epochs, "
            f"{done.seconds / config.train.epochs:.1f} s/epoch); final validation accuracy "
            f"{done.history['val_accuracy'][-1]:.4f}")
    model = members[0] if config.members == 1 else average(members)
    # the first member's curves; the time of them all
    trained = TrainResult(history=trainings[0].history,
                          seconds=sum(result.seconds for result in trainings))
    seconds["train"] = trained.seconds

    stage = time.perf_counter()
    keras_predictions = model.predict(to_input(mnist.x_test), batch_size=1000,
                                      verbose=0).argmax(axis=1)
    keras_bytes = _keras_bytes(model)
    results = {"keras": evaluate.score("keras", keras_predictions, mnist.y_test,
                                       keras_predictions, len(keras_bytes))}
    rng = np.random.default_rng(config.train.seed)
    calibration = pool[0][rng.choice(pool.shape[1], min(config.calibration_digits,
                                                        pool.shape[1]), replace=False)]
    fast = config.fast_graph and config.builder in REFERENCE_BUILDERS
    variants = quantize.convert_all(fast_form(model) if fast else model, calibration)
    seconds["convert"] = time.perf_counter() - stage
    log(f"converted {', '.join(variants)} in {seconds['convert']:.1f} s")

    stage = time.perf_counter()
    for name, flatbuffer in variants.items():
        results[name] = evaluate.evaluate_variant(name, flatbuffer, mnist.x_test, mnist.y_test,
                                                  keras_predictions, config.threads)
    # A proxy for camera crops: the test digits distorted like camera crops (seeded apart
    # from training), so models trained with and without augmentation can be compared.
    camera_count = min(config.camera_test_digits, len(mnist.x_test))
    camera_test = augment.camera_pool(mnist.x_test[:camera_count], 1, seed=CAMERA_TEST_SEED)[0]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / artifacts.MODEL_NAME
        path.write_bytes(variants["int8"])
        camera_predictions = evaluate.predict_tflite(path, camera_test, config.threads)
    camera_accuracy = float((camera_predictions == mnist.y_test[:camera_count]).mean())
    if config.none_class:
        none_test = augment.non_digits(mnist.x_test, config.none_test_marks,
                                       seed=config.train.seed + 3)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / artifacts.MODEL_NAME
            path.write_bytes(variants["int8"])
            none_predictions = evaluate.predict_tflite(path, none_test, config.threads)
        none_metrics = {
            "generated_test_non_digits": int(len(none_test)),
            "non_digits_called_none": round(float((none_predictions == NONE_CLASS).mean()), 5),
            "test_digits_called_none": round(float((results["int8"].predictions == NONE_CLASS).mean()), 5),
        }
    seconds["evaluate"] = time.perf_counter() - stage

    io = quantize.io_details(variants["int8"])
    io["input"]["encoding"] = ("normalize_digit() patch, white ink on black, uint8 pixel p fed "
                               "as int8 p - 128 == (p ^ 0x80) viewed as int8: scale 1/255, "
                               "zero point -128, no float arithmetic")
    manifest = {
        "file": artifacts.MODEL_NAME,
        "sha256": artifacts.sha256_bytes(variants["int8"]),
        "size_bytes": len(variants["int8"]),
        "format": "tflite",
        "variant": "int8",
        "labels": labels,
        "input": io["input"],
        "output": io["output"],
        "architecture": {"name": ("reference CNN" if config.builder in REFERENCE_BUILDERS
                                  else f"{config.builder} CNN")
                         + ("" if config.width == 1 else f" x{config.width:g} width")
                         + (" + none class" if config.none_class else "")
                         + ("" if config.members == 1 else f", {config.members} averaged"),
                         "builder": config.builder, "width": config.width,
                         "members": config.members,
                         "params": int(model.count_params()),
                         "graph": ("export.network.fast_form: conv1 -> ReLU -> MaxPool as a 2x2 "
                                   "convolution over 2x2 pixel blocks and the largest of four "
                                   "(the same function)" if fast else "as trained"),
                         "layers": architecture(model)},
        "training": {**config.train.as_dict(), "optimizer": "Adam",
                     "loss": "categorical_crossentropy",
                     "schedule": "linear warm-up then cosine decay",
                     "validation_fraction": config.validation_fraction,
                     "training_digits": int(len(x_fit)), "validation_digits": int(len(y_val)),
                     "augmentation": config.augment,
                     "augmentation_copies": int(pool.shape[0] - 1),
                     "augmentation_details": augment.DESCRIPTION if config.augment == "camera" else None,
                     "none_class": config.none_class,
                     "none_class_details": augment.NON_DIGITS if config.none_class else None,
                     "seconds": round(trained.seconds, 1),
                     "final_val_accuracy": [round(result.history["val_accuracy"][-1], 5)
                                            for result in trainings] if config.members > 1
                     else round(trained.history["val_accuracy"][-1], 5)},
        "data": {"source": mnist.source, "sha256": mnist.sha256,
                 "test_digits": int(len(mnist.y_test)),
                 "sources": [{"name": "MNIST training digits", "path": mnist.source,
                              "sha256": mnist.sha256, "used": int(len(mnist.y_train)),
                              "role": "digits"}]
                            + [source.as_dict() for source in extra.sources]
                            + ([{"name": f"rendered glyphs and mined crops ({', '.join(f'{k}: {v}' for k, v in none_counts.items())})",
                                 "role": "digits and none"}] if config.none_class and none_counts else [])},
        "versions": _versions(),
        "accuracy": {name: round(result.accuracy, 5) for name, result in results.items()},
        "camera_test_accuracy": {"int8": round(camera_accuracy, 5), "digits": camera_count,
                                 "what": "MNIST test digits distorted by export/augment.py "
                                         f"camera_pool(seed={CAMERA_TEST_SEED})"},
        "variants": {name: result.as_dict() for name, result in results.items()},
        "none_class": none_metrics,
        "gate": {"min_int8_accuracy": config.gate, "max_drop_vs_float32": config.max_drop},
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": "python -m export " + " ".join(sys.argv[1:]),
    }
    pictures = {"training_curves.png": plots.training_curves(trained.history),
                "confusion_int8.png": plots.confusion_matrix(mnist.y_test,
                                                             results["int8"].predictions, labels)}
    seconds["total"] = time.perf_counter() - start
    return Export(config=config, variants=variants, results=results, manifest=manifest,
                  keras_bytes=keras_bytes, pictures=pictures, none_metrics=none_metrics,
                  seconds=seconds, camera_accuracy=camera_accuracy)


def publish(export: Export, log: Callable[[str], None] = lambda line: None) -> list[Path]:
    """Gate the export, then write it: the output folder, then the bundled copy."""
    config = export.config
    targets = [config.out] + ([config.bundle_dir] if config.bundle_dir is not None else [])
    kept = "the previous model and manifest in " + " and ".join(str(t) for t in targets) + " were"
    artifacts.check_gate(export.results["int8"].accuracy, export.results["float32"].accuracy,
                         config.gate, config.max_drop, kept=kept)
    manifest = artifacts.manifest_bytes(export.manifest)
    files = {f"digits_{name}.tflite": data for name, data in export.variants.items()}
    files.update(export.pictures)
    files["model.keras"] = export.keras_bytes
    files[artifacts.MANIFEST_NAME] = manifest  # last: it vouches for the files before it
    written = artifacts.commit(config.out, files)
    if config.bundle_dir is not None:
        from .bundle import bundle_bytes

        written += bundle_bytes(config.bundle_dir, export.variants["int8"], manifest)
    log(f"wrote {config.out}" + (f" and bundled {config.bundle_dir / artifacts.MODEL_NAME}"
                                 if config.bundle_dir is not None else ""))
    return written


def summary_table(export: Export) -> str:
    """The variants side by side, as text."""
    lines = [f"{'variant':<9} {'accuracy':>9} {'agreement':>10} {'size':>10}  worst digit",
             "-" * 56]
    for name, result in export.results.items():
        worst = int(np.nanargmin(result.per_class_accuracy))
        lines.append(f"{name:<9} {result.accuracy:>9.2%} {result.agreement:>10.2%} "
                     f"{result.size_bytes / 1024:>8.1f} KB  {worst} "
                     f"({result.per_class_accuracy[worst]:.2%})")
    lines.append(f"int8 on camera-distorted test digits: {export.camera_accuracy:.2%}")
    if export.none_metrics:
        lines.append(f"none class: {export.none_metrics['non_digits_called_none']:.2%} of "
                     f"generated non-digits called none, "
                     f"{export.none_metrics['test_digits_called_none']:.2%} of test digits")
    return "\n".join(lines)


def run(config: ExportConfig, log: Callable[[str], None] = lambda line: None) -> Export:
    """Check the output folders, build, publish; return the export."""
    artifacts.ensure_writable(config.out)
    if config.bundle_dir is not None:
        artifacts.ensure_writable(config.bundle_dir)
    export = build(config, log)
    log(summary_table(export))
    publish(export, log)
    log("stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in export.seconds.items()))
    return export
