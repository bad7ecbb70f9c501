"""Bundle an exported model into the runtime package: ``make bundle``.

    python -m export.bundle artifacts/export                     # into edge_digits/models/
    python -m export.bundle artifacts/export --to /opt/models    # anywhere else

``make export`` only writes ``artifacts/``; this separate, explicit step copies its int8
model and manifest into the folder the runtime loads from, so an export never changes the
tracked model by itself. The source pair is checked first (the manifest's sha256 must match
the model). The two files are replaced with a journal (see :mod:`edge_digits.models`): the
new manifest is written in full as ``manifest.next.json``, then the model is renamed over
the old one, then the journal over ``manifest.json``; every file is fsynced before its
rename and the folder after it. A journal left by a killed bundle is finished (or, if its
model never arrived, removed) before the next one starts (:func:`recover`). A process killed at any moment leaves a folder whose model
loads with a manifest that describes it (the old pair, or the new model with its journal).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from edge_digits.models import MANIFEST_NAME, MODELS_DIR, NEXT_MANIFEST_NAME

from .errors import OutputError

MODEL_NAME = "digits_int8.tflite"


def _fsync_dir(folder: Path) -> None:
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:  # some platforms cannot open a folder: the renames are still atomic
        return
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and one rename (fsynced)."""
    handle = tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".tmp", delete=False)
    temporary = Path(handle.name)
    try:
        with handle:
            handle.write(data)
            handle.flush()
            mask = os.umask(0)
            os.umask(mask)
            os.fchmod(handle.fileno(), 0o666 & ~mask)
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()


def read_pair(source: Path) -> tuple[bytes, bytes, dict]:
    """The model bytes, manifest bytes and manifest of an export folder, checked."""
    import hashlib

    model, manifest_path = source / MODEL_NAME, source / MANIFEST_NAME
    try:
        data, manifest_bytes = model.read_bytes(), manifest_path.read_bytes()
    except OSError as exc:
        raise OutputError(f"cannot bundle {source}: {exc.strerror or exc} ({exc.filename}); "
                          f"expected {MODEL_NAME} and {MANIFEST_NAME} written by make export") from None
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError as exc:
        raise OutputError(f"cannot bundle {source}: {manifest_path} is not JSON ({exc})") from None
    digest = hashlib.sha256(data).hexdigest()
    if not isinstance(manifest, dict) or manifest.get("file") != MODEL_NAME or \
            manifest.get("sha256") != digest:
        raise OutputError(f"cannot bundle {source}: {manifest_path} does not describe {model} "
                          f"(file {manifest.get('file') if isinstance(manifest, dict) else '?'!r},"
                          f" sha256 {str(manifest.get('sha256') if isinstance(manifest, dict) else '')[:16]}"
                          f"... but the model's is {digest[:16]}...)")
    return data, manifest_bytes, manifest


def recover(folder: Path, model_name: str = MODEL_NAME) -> None:
    """Finish or undo a bundle that was interrupted in ``folder`` before starting another.

    A journal that describes the model on disk is renamed to the manifest (the model's rename
    had happened); any other journal is stale (it had not) and is removed. Either way the
    folder's pair stays consistent, and the next journal cannot replace the one a model needs.
    """
    import hashlib

    journal, model = Path(folder) / NEXT_MANIFEST_NAME, Path(folder) / model_name
    if not journal.exists():
        return
    try:
        described = json.loads(journal.read_bytes()).get("sha256")
    except (OSError, ValueError, AttributeError):
        described = None
    if model.exists() and described == hashlib.sha256(model.read_bytes()).hexdigest():
        os.replace(journal, Path(folder) / MANIFEST_NAME)
    else:
        journal.unlink()
    _fsync_dir(Path(folder))


def bundle_bytes(target: Path, data: bytes, manifest_bytes: bytes) -> list[Path]:
    """Replace the pair in ``target`` by ``data`` and ``manifest_bytes`` (journaled)."""
    target = Path(target)
    try:
        target.mkdir(parents=True, exist_ok=True)
        recover(target)  # a journal still needed by the model on disk is consumed first
        _write_file(target / NEXT_MANIFEST_NAME, manifest_bytes)  # 1: the journal, complete
        _fsync_dir(target)
        _write_file(target / MODEL_NAME, data)  # 2: the model (journal describes it)
        _fsync_dir(target)
        os.replace(target / NEXT_MANIFEST_NAME, target / MANIFEST_NAME)  # 3: journal -> manifest
        _fsync_dir(target)
    except OSError as exc:
        raise OutputError(f"could not bundle into {target} ({exc.strerror or exc}); what is "
                          f"there still loads as a consistent pair") from exc
    return [target / MODEL_NAME, target / MANIFEST_NAME]


def bundle(source: Path, target: Path = MODELS_DIR) -> list[Path]:
    """Copy the checked model + manifest of export folder ``source`` into ``target``."""
    data, manifest_bytes, _ = read_pair(Path(source))
    return bundle_bytes(Path(target), data, manifest_bytes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m export.bundle",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="an export folder (e.g. artifacts/export)")
    parser.add_argument("--to", type=Path, default=MODELS_DIR,
                        help="where the runtime loads from (default edge_digits/models)")
    args = parser.parse_args(argv)
    try:
        written = bundle(args.source, args.to)
    except OutputError as exc:
        print(f"export.bundle: error: {exc}", file=sys.stderr)
        return 2
    print(f"bundled {written[0]} and {written[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
