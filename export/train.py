"""Train a digit network: Adam, categorical cross-entropy, cosine learning-rate decay, seeded.

    >>> history = train(model, pool, y_fit, x_val, y_val, TrainSettings(epochs=20))

Each epoch shows every training digit once, either as it is or as one of its precomputed
augmented variants (``pool[k]``, chosen at random per digit and epoch), so augmentation
costs no time per step. Validation data is never augmented; the test set is never seen here.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass

import keras
import numpy as np


@dataclass(frozen=True)
class TrainSettings:
    """Training settings, recorded in the manifest."""

    epochs: int = 20  #: passes over the training digits
    batch_size: int = 128  #: digits per step
    learning_rate: float = 2e-3  #: Adam's peak learning rate, reached after the warm-up
    warmup_epochs: float = 1.0  #: linear warm-up from learning_rate / 10
    final_learning_rate_fraction: float = 0.01  #: cosine decay ends at this fraction of the peak
    original_fraction: float = 0.5  #: chance a digit is shown un-augmented in an epoch (pool > 1)
    seed: int = 1  #: seeds Keras, NumPy and the epoch shuffles

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class TrainResult:
    """What training produced besides the weights."""

    history: dict  #: per-epoch lists: loss, accuracy, val_loss, val_accuracy, learning_rate
    seconds: float  #: wall time of model.fit


def to_input(pixels: np.ndarray) -> np.ndarray:
    """(N, 28, 28) uint8 -> (N, 28, 28, 1) float32 in 0..1: the network's input."""
    return (pixels.astype(np.float32) * np.float32(1.0 / 255.0))[..., None]


class PoolBatches(keras.utils.PyDataset):
    """Shuffled batches drawn from a pool of variants of the same training digits.

    Parameters
    ----------
    pool : (K, N, 28, 28) uint8 ndarray
        ``pool[0]`` the digits as they are, ``pool[1:]`` augmented variants of them.
    labels : (N,) int ndarray
    """

    def __init__(self, pool: np.ndarray, labels: np.ndarray, num_classes: int, batch_size: int,
                 original_fraction: float, seed: int):
        super().__init__()
        self.pool, self.batch_size = pool, batch_size
        self.one_hot = keras.utils.to_categorical(labels, num_classes).astype(np.float32)
        self.original_fraction = original_fraction
        self.rng = np.random.default_rng(seed)
        self.on_epoch_end()

    def __len__(self) -> int:
        return -(-self.pool.shape[1] // self.batch_size)

    def on_epoch_end(self) -> None:
        count = self.pool.shape[1]
        self.order = self.rng.permutation(count)
        if self.pool.shape[0] == 1:
            self.variant = np.zeros(count, np.intp)
        else:
            augmented = self.rng.integers(1, self.pool.shape[0], count)
            keep = self.rng.random(count) < self.original_fraction
            self.variant = np.where(keep, 0, augmented)

    def __getitem__(self, index: int):
        rows = self.order[index * self.batch_size:(index + 1) * self.batch_size]
        return to_input(self.pool[self.variant[rows], rows]), self.one_hot[rows]

    def epoch_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """This epoch's inputs and targets, in batch order, as two arrays."""
        return to_input(self.pool[self.variant[self.order], self.order]), self.one_hot[self.order]


def train(model: keras.Model, pool: np.ndarray, y_fit: np.ndarray, x_val: np.ndarray,
          y_val: np.ndarray, settings: TrainSettings, verbose: int = 2) -> TrainResult:
    """Compile and fit ``model`` in place; return its history and the training time."""
    num_classes = int(model.outputs[0].shape[-1])
    batches = PoolBatches(pool, y_fit, num_classes, settings.batch_size,
                          settings.original_fraction, settings.seed)
    steps = len(batches) * settings.epochs
    warmup = min(int(len(batches) * settings.warmup_epochs), steps // 2)
    if warmup:
        schedule = keras.optimizers.schedules.CosineDecay(
            initial_learning_rate=settings.learning_rate / 10, decay_steps=steps - warmup,
            alpha=settings.final_learning_rate_fraction * 10, warmup_target=settings.learning_rate,
            warmup_steps=warmup)
    else:
        schedule = keras.optimizers.schedules.CosineDecay(
            initial_learning_rate=settings.learning_rate, decay_steps=steps,
            alpha=settings.final_learning_rate_fraction)
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    validation = (to_input(x_val), keras.utils.to_categorical(y_val, num_classes))
    # One fit() call per epoch on whole arrays, in PoolBatches' order (shuffle=False): the
    # same batches as fitting on PoolBatches itself, but Keras' array adapter prefetches,
    # where a PyDataset runs each batch through Python first (measured: 11.4 s against
    # about 7 s an epoch here).
    history: dict[str, list[float]] = {}
    start = time.perf_counter()
    for epoch in range(settings.epochs):
        x_epoch, y_epoch = batches.epoch_arrays()
        fit = model.fit(x_epoch, y_epoch, batch_size=settings.batch_size, shuffle=False,
                        initial_epoch=epoch, epochs=epoch + 1, validation_data=validation,
                        verbose=verbose)
        for key, values in fit.history.items():
            history.setdefault(key, []).extend(float(v) for v in values)
        batches.on_epoch_end()
    seconds = time.perf_counter() - start
    return TrainResult(history=history, seconds=seconds)
