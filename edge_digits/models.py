"""The bundled default model and its manifest.

The default int8 model ships inside the package (``edge_digits/models/``) beside
``manifest.json``, written by ``make export``. A manifest names its model file (``file``)
and that file's ``sha256``.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .errors import ModelError

MODELS_DIR = Path(__file__).resolve().parent / "models"
MANIFEST_NAME = "manifest.json"
DEFAULT_MODEL = MODELS_DIR / "digits_int8.tflite"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest_path_for(model_path: Path) -> Path:
    return Path(model_path).with_name(MANIFEST_NAME)


def load_manifest(model_path: Path | str | None = None) -> dict | None:
    """The manifest beside ``model_path`` (default: the bundled model), if it describes it.

    Returns None when there is no manifest or it describes another file; raises
    :class:`ModelError` when the manifest exists but is not valid JSON.
    """
    model_path = Path(model_path) if model_path is not None else DEFAULT_MODEL
    path = manifest_path_for(model_path)
    if not path.exists():
        return None
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ModelError(f"manifest {path} is not readable JSON: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("file") != model_path.name:
        return None
    return manifest


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
