"""Evaluate TFLite variants through the runtime's own interpreter code (DigitClassifier).

    >>> result = evaluate_variant("int8", tflite_bytes, x_test, y_test, keras_predictions)
    >>> result.accuracy, result.agreement, result.size_bytes

Every variant is written to a temporary file and loaded by
:class:`edge_digits.classify.DigitClassifier`, exactly as users load the bundled model, so
the numbers measured here are the numbers users get.
"""
from __future__ import annotations

import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from edge_digits.classify import DigitClassifier


@dataclass(frozen=True)
class VariantResult:
    """One model variant measured on the test set."""

    name: str  #: float32, float16, dynamic, int8 (or keras)
    accuracy: float  #: fraction of test digits classified right
    agreement: float  #: fraction of test digits where it predicts what the Keras model predicts
    size_bytes: int  #: the .tflite file's size (the .keras file's for keras)
    per_class_accuracy: tuple  #: accuracy per true label 0..9
    predictions: np.ndarray  #: (M,) predicted class per test digit

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("predictions")
        data["per_class_accuracy"] = [round(v, 5) for v in self.per_class_accuracy]
        data["accuracy"], data["agreement"] = round(self.accuracy, 5), round(self.agreement, 5)
        return data


def per_class(predictions: np.ndarray, labels: np.ndarray, num_labels: int = 10) -> tuple:
    """Accuracy on the digits of each true label (NaN for a label with no digits)."""
    out = []
    for label in range(num_labels):
        mask = labels == label
        out.append(float((predictions[mask] == label).mean()) if mask.any() else float("nan"))
    return tuple(out)


def score(name: str, predictions: np.ndarray, labels: np.ndarray, reference: np.ndarray,
          size_bytes: int) -> VariantResult:
    """Accuracy, agreement with ``reference`` predictions and per-class accuracy."""
    predictions = np.asarray(predictions)
    return VariantResult(name=name, accuracy=float((predictions == labels).mean()),
                         agreement=float((predictions == reference).mean()),
                         size_bytes=int(size_bytes),
                         per_class_accuracy=per_class(predictions, labels),
                         predictions=predictions)


def predict_tflite(path: Path, pixels: np.ndarray, num_threads: int = 1) -> np.ndarray:
    """Predicted class per (N, 28, 28) uint8 digit, through DigitClassifier."""
    with DigitClassifier(path, num_threads=num_threads) as classifier:
        return classifier.classify(pixels).argmax(axis=1)


def evaluate_variant(name: str, flatbuffer: bytes, x_test: np.ndarray, y_test: np.ndarray,
                     reference: np.ndarray, num_threads: int = 1) -> VariantResult:
    """Measure one TFLite variant given as bytes."""
    with tempfile.TemporaryDirectory(prefix="edge-digits-eval-") as folder:
        path = Path(folder) / f"digits_{name}.tflite"
        path.write_bytes(flatbuffer)
        predictions = predict_tflite(path, x_test, num_threads)
    return score(name, predictions, y_test, reference, len(flatbuffer))
