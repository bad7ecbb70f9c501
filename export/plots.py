"""Pictures of an export: training curves and the int8 confusion matrix, as PNG bytes.

    >>> png = training_curves(history)          # bytes, written by artifacts.commit
    >>> png = confusion_matrix(labels, predictions, class_names)

Matplotlib runs with the Agg backend (no display needed).
"""
from __future__ import annotations

import io

import numpy as np


def _figure(*args, **kwargs):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt, plt.subplots(*args, **kwargs)


def _png(plt, figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=100)
    plt.close(figure)
    return buffer.getvalue()


def training_curves(history: dict) -> bytes:
    """Loss and accuracy per epoch, training and validation, as a PNG."""
    plt, (figure, (loss_axis, accuracy_axis)) = _figure(1, 2, figsize=(10, 4))
    epochs = np.arange(1, len(history.get("loss", [])) + 1)
    for key, style in (("loss", "-"), ("val_loss", "--")):
        if key in history:
            loss_axis.plot(epochs, history[key], style, label=key)
    for key, style in (("accuracy", "-"), ("val_accuracy", "--")):
        if key in history:
            accuracy_axis.plot(epochs, history[key], style, label=key)
    loss_axis.set(xlabel="epoch", ylabel="cross-entropy", title="loss", yscale="log")
    accuracy_axis.set(xlabel="epoch", ylabel="accuracy", title="accuracy")
    for axis in (loss_axis, accuracy_axis):
        axis.grid(alpha=0.3)
        axis.legend()
    return _png(plt, figure)


def confusion_counts(labels: np.ndarray, predictions: np.ndarray, num_classes: int) -> np.ndarray:
    """(num_classes, num_classes) int counts, rows true label, columns prediction."""
    counts = np.zeros((num_classes, num_classes), np.int64)
    np.add.at(counts, (labels.astype(np.intp), predictions.astype(np.intp)), 1)
    return counts


def confusion_matrix(labels: np.ndarray, predictions: np.ndarray, class_names: list[str],
                     title: str = "int8 model on the MNIST test set") -> bytes:
    """Confusion matrix with counts in the cells, as a PNG."""
    counts = confusion_counts(labels, predictions, len(class_names))
    plt, (figure, axis) = _figure(figsize=(7, 6))
    shown = np.log1p(counts)  # log scale so the few errors are visible beside ~1000 hits
    image = axis.imshow(shown, cmap="Blues")
    for row in range(counts.shape[0]):
        for col in range(counts.shape[1]):
            if counts[row, col]:
                axis.text(col, row, str(counts[row, col]), ha="center", va="center", fontsize=7,
                          color="white" if shown[row, col] > shown.max() * 0.6 else "black")
    axis.set(xticks=range(len(class_names)), yticks=range(len(class_names)),
             xticklabels=class_names, yticklabels=class_names, xlabel="predicted",
             ylabel="true", title=title)
    figure.colorbar(image, ax=axis, label="log(1 + count)")
    return _png(plt, figure)
