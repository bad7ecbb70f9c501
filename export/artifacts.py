"""Write export artifacts atomically, build the manifest, and apply the export gate.

    >>> ensure_writable(folder)                  # before training: fail fast
    >>> check_gate(int8_accuracy, float_accuracy, gate=0.988, folder=bundle)
    >>> commit(folder, {"digits_int8.tflite": data, "manifest.json": manifest_bytes(m)})

``commit`` writes every file to a temporary file in the target folder first and only then
renames them over the old ones with ``os.replace`` (atomic on one file system), the manifest
first as the journal ``manifest.next.json`` and renamed to ``manifest.json`` last (a model
loads with whichever of the two describes it, see ``edge_digits.models``): an export that fails or is interrupted before the renames leaves the previous model
and manifest byte-identical and no temporary files behind.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from .errors import GateRefused, OutputError

MODEL_NAME = "digits_int8.tflite"
MANIFEST_NAME = "manifest.json"
NEXT_MANIFEST_NAME = "manifest.next.json"  #: the journal (see edge_digits.models)
DEFAULT_GATE = 0.988  #: minimum int8 test accuracy
MAX_DROP = 0.002  #: maximum int8 accuracy loss against the float model (0.2 points)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def ensure_writable(folder: Path) -> Path:
    """Create ``folder`` if needed and prove a file can be written there."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-check-"):
            pass
    except OSError as exc:
        raise OutputError(f"output folder {folder} is not writable ({exc.strerror or exc}); "
                          "choose another with --out / --bundle-dir") from exc
    return folder


def check_gate(int8_accuracy: float, float_accuracy: float, gate: float = DEFAULT_GATE,
               max_drop: float = MAX_DROP, kept: str = "the previous model and manifest") -> None:
    """Raise :class:`GateRefused` (one line) if the int8 model is not good enough."""
    problems = []
    if int8_accuracy < gate:
        problems.append(f"int8 test accuracy {int8_accuracy:.2%} is below the gate {gate:.2%}")
    if float_accuracy - int8_accuracy > max_drop + 1e-12:
        problems.append(f"int8 test accuracy {int8_accuracy:.2%} is "
                        f"{(float_accuracy - int8_accuracy) * 100:.2f} points below the float "
                        f"model's {float_accuracy:.2%} (allowed: {max_drop * 100:.2f})")
    if problems:
        raise GateRefused(f"refused: {'; '.join(problems)}; {kept} left untouched")


def manifest_bytes(manifest: dict) -> bytes:
    return (json.dumps(manifest, indent=2, sort_keys=False) + "\n").encode()


def commit(folder: Path, files: dict[str, bytes]) -> list[Path]:
    """Write ``files`` (name -> bytes) into ``folder`` atomically, in the given order.

    All temporary files are written and flushed to disk before the first rename, so any
    failure up to then leaves the folder as it was.
    """
    folder = Path(folder)
    staged: list[tuple[str, Path]] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            handle = tempfile.NamedTemporaryFile(dir=folder, prefix=f".{name}.", suffix=".tmp",
                                                 delete=False)
            with handle:
                staged.append((name, Path(handle.name)))
                handle.write(data)
                handle.flush()
                # NamedTemporaryFile creates 0600; the model must be readable like any file.
                os.fchmod(handle.fileno(), 0o666 & ~_umask())
                os.fsync(handle.fileno())
        written = []
        # The manifest goes in first as the journal manifest.next.json, the files it
        # describes next, and the journal becomes manifest.json last: killed at any moment,
        # the folder's model loads with a manifest that describes it (edge_digits.models).
        journal = [temporary for name, temporary in staged if name == MANIFEST_NAME]
        if journal:
            from .bundle import recover

            recover(folder, MODEL_NAME)  # an interrupted commit's journal is finished first
            os.replace(journal[0], folder / NEXT_MANIFEST_NAME)
        for name, temporary in staged:
            if name != MANIFEST_NAME:
                os.replace(temporary, folder / name)
                written.append(folder / name)
        if journal:
            os.replace(folder / NEXT_MANIFEST_NAME, folder / MANIFEST_NAME)
            written.append(folder / MANIFEST_NAME)
        return written
    except OSError as exc:
        raise OutputError(f"could not write {list(files)} into {folder} ({exc.strerror or exc}); "
                          "files not yet renamed were left as they were") from exc
    finally:
        for _, temporary in staged:
            if temporary.exists():
                temporary.unlink()


def sha256_bytes(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()
