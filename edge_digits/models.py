"""The bundled default model and its manifest.

The default int8 model ships inside the package (``edge_digits/models/``) beside
``manifest.json``, put there by ``make bundle`` (``python -m export.bundle``). A manifest
names its model file (``file``) and that file's ``sha256``; loading a model checks it.

Two files cannot be replaced in one atomic step, so a bundle is written with a journal
(:func:`export.bundle.bundle`): the new manifest is first written in full as
``manifest.next.json`` (fsynced), then the model is renamed over the old one, then
``manifest.next.json`` is renamed over ``manifest.json``. Whenever the process is killed,
the model on disk is described either by ``manifest.json`` or by ``manifest.next.json``,
and :func:`load_manifest` takes the one whose ``sha256`` matches the model's bytes: what
loads is always a consistent pair. A model whose sha256 matches neither is refused with a
:class:`ModelError` naming both files.
"""
from __future__ import annotations

import json
from pathlib import Path

from .errors import ModelError

try:  # CPython's own SHA-256 (3.11: _sha256; 3.12 and later: _sha2), not hashlib's: hashlib
    # loads OpenSSL's libcrypto, 3.7 MB of a read process's memory (70.6 MB) for one digest
    from _sha256 import sha256
except ImportError:  # pragma: no cover - the module's name in other Pythons
    try:
        from _sha2 import sha256
    except ImportError:
        from hashlib import sha256

MODELS_DIR = Path(__file__).resolve().parent / "models"
MANIFEST_NAME = "manifest.json"
#: the journal of a bundle in progress: the manifest of the model being renamed into place
NEXT_MANIFEST_NAME = "manifest.next.json"
DEFAULT_MODEL = MODELS_DIR / "digits_int8.tflite"


def sha256_of(path: Path) -> str:
    digest = sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest_path_for(model_path: Path) -> Path:
    return Path(model_path).with_name(MANIFEST_NAME)


def _read_manifest(path: Path) -> dict | None:
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ModelError(f"manifest {path} is not readable JSON: {exc}") from exc
    return manifest if isinstance(manifest, dict) else None


def load_manifest(model_path: Path | str | None = None, data: bytes | None = None
                  ) -> dict | None:
    """The manifest beside ``model_path`` (default: the bundled model), if it describes it.

    Returns None when there is no manifest or it describes another file; raises
    :class:`ModelError` when the manifest exists but is not valid JSON. With ``data`` (the
    model's bytes), the manifest's ``sha256`` is checked against them: the journal
    ``manifest.next.json`` of an interrupted bundle is taken when it is the one that
    matches, and a :class:`ModelError` naming both files is raised when none does.
    """
    model_path = Path(model_path) if model_path is not None else DEFAULT_MODEL
    path = manifest_path_for(model_path)
    if not path.exists():
        return None
    manifest = _read_manifest(path)
    if manifest is None or manifest.get("file") != model_path.name:
        return None
    if data is None or "sha256" not in manifest:
        return manifest
    digest = sha256(data).hexdigest()
    if manifest["sha256"] == digest:
        return manifest
    pending = path.with_name(NEXT_MANIFEST_NAME)
    if pending.exists():
        try:
            journal = _read_manifest(pending)
        except ModelError:
            journal = None
        if journal and journal.get("file") == model_path.name and journal.get("sha256") == digest:
            return journal  # a bundle was interrupted after the model's rename
    raise ModelError(
        f"model {model_path} does not match its manifest {path}: the model's sha256 is "
        f"{digest[:16]}..., the manifest says {str(manifest['sha256'])[:16]}... (a model and "
        f"a manifest of different exports); bundle them again with 'make bundle'")


def labels_from(manifest: dict | None, num_classes: int) -> list[str]:
    """Class labels: the manifest's, else '0'..'9' (plus 'none' for an 11th class)."""
    if manifest and isinstance(manifest.get("labels"), list) and len(manifest["labels"]) == num_classes:
        return [str(label) for label in manifest["labels"]]
    labels = [str(i) for i in range(10)]
    if num_classes == 11:
        labels.append("none")
    if num_classes != len(labels):
        raise ModelError(f"model has {num_classes} output classes; expected 10 (digits) or 11 "
                         "(digits and 'none'), or a manifest with matching 'labels'")
    return labels
