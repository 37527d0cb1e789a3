"""A single neuron and Rosenblatt's perceptron learning rule.

Shapes follow the course convention: ``X`` is ``(n_samples, n_features)``, ``w`` is
``(n_features,)`` and ``b`` a number, so ``z = X @ w + b`` has shape ``(n_samples,)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from . import activations
from ._validation import as_2d, as_float_array, as_labels, check_int, check_positive

__all__ = ["linear_predict", "neuron", "perceptron_train", "perceptron_steps", "PerceptronStep"]


def _check_weights(X: np.ndarray, w, b) -> tuple[np.ndarray, float]:
    w = as_float_array(w, "w", ndim=1)
    if w.shape[0] != X.shape[1]:
        raise ValueError(
            f"w must have one weight per feature: X has {X.shape[1]} features (shape {X.shape}), "
            f"w has shape {w.shape}."
        )
    b = np.asarray(b, dtype=float)
    if b.size != 1:
        raise ValueError(f"b must be a single number for one neuron; got shape {b.shape}.")
    return w, float(b.reshape(()))


def linear_predict(X, w, b) -> np.ndarray:
    """``X @ w + b`` for a batch: one score per sample, shape ``(n_samples,)``."""
    X = as_2d(X, "X")
    w, b = _check_weights(X, w, b)
    return X @ w + b


def neuron(X, w, b, activation: str | Callable = "sigmoid") -> np.ndarray:
    """Output of one neuron, ``activation(X @ w + b)``, shape ``(n_samples,)``.

    ``activation`` is a function or the name of one in :mod:`dlkit.activations`.
    """
    f = activations.get(activation)[0] if isinstance(activation, str) else activation
    if not callable(f):
        raise TypeError(
            f"activation must be a function or a name; got {type(activation).__name__}."
        )
    return np.asarray(f(linear_predict(X, w, b)))


class PerceptronStep(NamedTuple):
    """State of the perceptron after it has looked at one sample."""

    epoch: int
    index: int  # which sample was looked at
    w: np.ndarray  # weights after the update (a copy)
    b: float
    mistake: bool  # whether the sample was misclassified (and so triggered an update)


def _check_binary(y: np.ndarray) -> np.ndarray:
    values = set(np.unique(y).tolist())
    if not values <= {0, 1}:
        raise ValueError(
            f"y must contain only the labels 0 and 1; got {sorted(values)}. "
            "Map {-1, +1} labels with (y + 1) // 2."
        )
    return y.astype(float)


def perceptron_steps(X, y, lr: float = 1.0, epochs: int = 20):
    """Run the perceptron rule and yield a :class:`PerceptronStep` after every sample.

    The rule: start from ``w = 0, b = 0``; for each epoch visit the samples in order;
    predict ``step(x @ w + b)`` (so a score of exactly 0 predicts 1); add
    ``lr * (y - y_hat) * x`` to ``w`` and ``lr * (y - y_hat)`` to ``b``.
    """
    X = as_2d(X, "X")
    y = _check_binary(as_labels(y, "y", n_samples=X.shape[0]))
    lr = check_positive(lr, "lr")
    epochs = check_int(epochs, "epochs", minimum=1)
    w = np.zeros(X.shape[1])
    b = 0.0
    for epoch in range(epochs):
        for i in range(X.shape[0]):
            y_hat = 1.0 if X[i] @ w + b >= 0 else 0.0
            delta = lr * (y[i] - y_hat)
            w = w + delta * X[i]
            b = b + delta
            yield PerceptronStep(epoch, i, w.copy(), b, bool(delta != 0))


def perceptron_train(X, y, lr: float = 1.0, epochs: int = 20):
    """Train a perceptron with Rosenblatt's rule for exactly ``epochs`` passes.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,), labels 0 or 1
    lr : float, learning rate (> 0)
    epochs : int, number of passes over the data (>= 1)

    Returns
    -------
    w : ndarray of shape (n_features,)
    b : float
    errors_per_epoch : list of int, length ``epochs``: the number of misclassified
        samples (updates) during each pass.
    """
    X_arr = as_2d(X, "X")
    w, b = np.zeros(X_arr.shape[1]), 0.0
    errors = [0] * check_int(epochs, "epochs", minimum=1)
    for s in perceptron_steps(X_arr, y, lr=lr, epochs=epochs):
        w, b = s.w, s.b
        errors[s.epoch] += int(s.mistake)
    return w, b, errors
