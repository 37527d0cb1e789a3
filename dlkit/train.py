"""A minimal training loop: full-batch or mini-batch gradient descent.

::

    model = build_mlp([2, 16, 2], rng=0)
    history = fit(model, X, one_hot(y, 2), lr=0.5, epochs=200, batch_size=32)
    history.plot()

Progress is a one-line text bar that rewrites itself (``\\r``), which works in
JupyterLab, Colab and terminals; it stays silent under nbgrader.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field

import numpy as np

from ._validation import as_2d, check_int, check_positive, check_rng
from .losses import _resolve

__all__ = ["History", "train_step", "fit", "predict_classes", "ProgressBar"]


@dataclass
class History:
    """Mean training loss (and accuracy, for one-hot targets) after each epoch."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)

    def plot(self, ax=None):
        from .plot import plot_loss_curves

        return plot_loss_curves({"training loss": self.loss}, ax=ax)


class ProgressBar:
    """``epoch 37/100 [#######.............] loss 0.4213``, redrawn at most 10 times a second.

    ``unit`` names what is counted ("epoch", "step", ...).
    """

    def __init__(
        self,
        total: int,
        width: int = 24,
        stream=None,
        enabled: bool | None = None,
        unit: str = "epoch",
    ):
        self.total, self.width, self.unit = total, width, unit
        self.stream = stream or sys.stdout
        self.enabled = not os.environ.get("NBGRADER_EXECUTION") if enabled is None else enabled
        self._last = 0.0

    def update(self, done: int, message: str = "") -> None:
        now = time.perf_counter()
        if not self.enabled or (done < self.total and now - self._last < 0.1):
            return
        self._last = now
        filled = int(self.width * done / self.total)
        bar = "#" * filled + "." * (self.width - filled)
        end = "\n" if done >= self.total else ""
        self.stream.write(f"\r{self.unit} {done}/{self.total} [{bar}] {message}{end}")
        self.stream.flush()


def train_step(model, X, Y, lr: float, loss="categorical_cross_entropy") -> float:
    """One gradient-descent step on the batch ``(X, Y)``; returns the loss before the step."""
    loss_f, loss_grad = _resolve(loss)
    out = model.forward(X)
    value = loss_f(Y, out)
    model.backward(loss_grad(Y, out))
    for layer, name in model.parameters():
        layer.params[name] = layer.params[name] - lr * layer.grads[name]
    return value


def predict_classes(model, X) -> np.ndarray:
    """Class labels: argmax of the outputs, or ``output >= 0.5`` for a single output."""
    out = model.forward(X)
    return (out[:, 0] >= 0.5).astype(int) if out.shape[1] == 1 else out.argmax(axis=1)


def fit(
    model,
    X,
    Y,
    *,
    loss="categorical_cross_entropy",
    lr: float = 0.1,
    epochs: int = 100,
    batch_size: int | None = None,
    rng=None,
    progress: bool = True,
) -> History:
    """Train ``model`` with plain gradient descent.

    ``batch_size=None`` is full-batch gradient descent; otherwise each epoch visits
    the samples in a new random order (drawn from ``rng``) in batches of that size.
    """
    X = as_2d(X, "X")
    Y = as_2d(Y, "Y")
    if X.shape[0] != Y.shape[0]:
        raise ValueError(
            f"X and Y must have the same number of samples; got {X.shape} and {Y.shape}."
        )
    lr = check_positive(lr, "lr")
    epochs = check_int(epochs, "epochs", minimum=1)
    n = X.shape[0]
    batch = n if batch_size is None else check_int(batch_size, "batch_size", minimum=1)
    rng = check_rng(rng)
    loss_f, _ = _resolve(loss)
    bar = ProgressBar(epochs, enabled=None if progress else False)
    history = History()
    for epoch in range(1, epochs + 1):
        order = np.arange(n) if batch >= n else rng.permutation(n)
        for start in range(0, n, batch):
            idx = order[start : start + batch]
            train_step(model, X[idx], Y[idx], lr, loss)
        out = model.forward(X)
        history.loss.append(loss_f(Y, out))
        if Y.shape[1] > 1:
            history.accuracy.append(float(np.mean(out.argmax(axis=1) == Y.argmax(axis=1))))
        bar.update(epoch, f"loss {history.loss[-1]:.4f}")
    return history
