"""Bundling is its own step and is crash-safe: a process SIGKILLed at random moments while it
bundles leaves a folder whose model always loads with a manifest that describes it; a model
and a manifest that disagree are refused naming both files."""
from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from edge_digits.classify import DigitClassifier
from edge_digits.errors import ModelError
from edge_digits.models import DEFAULT_MODEL, MANIFEST_NAME, NEXT_MANIFEST_NAME, load_manifest
from export.bundle import MODEL_NAME, bundle, main as bundle_main
from export.errors import OutputError

ROOT = Path(__file__).resolve().parents[1]


def make_export(folder: Path, variant: int) -> bytes:
    """A small fake export: the bundled model padded by ``variant`` bytes (TFLite ignores
    bytes after the flatbuffer: a different file that loads) and its manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    data = DEFAULT_MODEL.read_bytes() + b"\0" * (64 * variant)
    manifest = json.loads((DEFAULT_MODEL.parent / MANIFEST_NAME).read_text())
    manifest.update(sha256=hashlib.sha256(data).hexdigest(), size_bytes=len(data),
                    variant_marker=variant)
    (folder / MODEL_NAME).write_bytes(data)
    (folder / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2))
    return data


def test_bundle_copies_a_checked_pair(tmp_path):
    data = make_export(tmp_path / "export", 1)
    target = tmp_path / "models"
    assert bundle_main([str(tmp_path / "export"), "--to", str(target)]) == 0
    assert sorted(p.name for p in target.iterdir()) == [MODEL_NAME, MANIFEST_NAME]
    with DigitClassifier(target / MODEL_NAME) as classifier:
        assert classifier.manifest["variant_marker"] == 1
        assert classifier.manifest["sha256"] == hashlib.sha256(data).hexdigest()


def test_bundle_refuses_a_torn_export(tmp_path, capsys):
    make_export(tmp_path / "a", 1)
    make_export(tmp_path / "b", 2)
    os.replace(tmp_path / "b" / MODEL_NAME, tmp_path / "a" / MODEL_NAME)  # model of b, manifest of a
    with pytest.raises(OutputError, match="does not describe"):
        bundle(tmp_path / "a", tmp_path / "models")
    assert not (tmp_path / "models" / MODEL_NAME).exists()
    assert bundle_main([str(tmp_path / "missing"), "--to", str(tmp_path / "m")]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_mismatched_model_and_manifest_are_refused_naming_both(tmp_path):
    make_export(tmp_path, 1)
    other = DEFAULT_MODEL.read_bytes() + b"\0" * 640
    (tmp_path / MODEL_NAME).write_bytes(other)
    with pytest.raises(ModelError) as caught:
        DigitClassifier(tmp_path / MODEL_NAME)
    message = str(caught.value)
    assert str(tmp_path / MODEL_NAME) in message and str(tmp_path / MANIFEST_NAME) in message
    assert "sha256" in message and "\n" not in message
    # A journal that describes the model is taken (a bundle killed after the model's rename)
    journal = json.loads((tmp_path / MANIFEST_NAME).read_text())
    journal.update(sha256=hashlib.sha256(other).hexdigest(), variant_marker=10)
    (tmp_path / NEXT_MANIFEST_NAME).write_text(json.dumps(journal))
    assert load_manifest(tmp_path / MODEL_NAME, other)["variant_marker"] == 10


def test_the_bundled_model_matches_its_manifest():
    data = DEFAULT_MODEL.read_bytes()
    assert load_manifest(DEFAULT_MODEL, data)["sha256"] == hashlib.sha256(data).hexdigest()
    assert not (DEFAULT_MODEL.parent / NEXT_MANIFEST_NAME).exists()


_BUNDLER = """
import sys
from pathlib import Path
from export.bundle import bundle
base, target = Path(sys.argv[1]), Path(sys.argv[2])
print("ready", flush=True)
i = 0
while True:
    bundle(base / f"v{i % 3}", target)
    i += 1
"""


def test_sigkill_while_bundling_always_leaves_a_consistent_pair(tmp_path):
    """A child bundles three exports in turn as fast as it can; it is SIGKILLed after a
    random delay, 40 times. After each kill the target folder's model must load and its
    manifest (manifest.json or the journal) must be that very export's."""
    datas = {variant: make_export(tmp_path / f"v{variant}", variant) for variant in range(3)}
    digests = {hashlib.sha256(d).hexdigest(): v for v, d in datas.items()}
    target = tmp_path / "models"
    bundle(tmp_path / "v0", target)
    rng = random.Random(13)
    seen_states = set()
    for _ in range(40):
        child = subprocess.Popen([sys.executable, "-c", _BUNDLER, str(tmp_path), str(target)],
                                 stdout=subprocess.PIPE, cwd=ROOT)
        assert child.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.0, 0.05))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
        data = (target / MODEL_NAME).read_bytes()
        variant = digests[hashlib.sha256(data).hexdigest()]  # always one whole export
        with DigitClassifier(target / MODEL_NAME) as classifier:
            assert classifier.manifest["variant_marker"] == variant
            assert classifier.manifest["sha256"] == hashlib.sha256(data).hexdigest()
            assert classifier.classify(np.zeros((1, 28, 28), np.uint8)).shape == (1, 11)
        journal = target / NEXT_MANIFEST_NAME
        seen_states.add("journal" if journal.exists() else "plain")
    assert "plain" in seen_states  # (the journal state is hit only when a kill lands in it)
