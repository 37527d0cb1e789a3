"""Reference loss functions and their gradients.

Every loss returns the mean over the batch as a Python float; every ``<name>_grad``
returns dL/d(prediction), shaped like the prediction and already divided by the
number of terms in that mean. Regression losses, binary cross-entropy and hinge
average over all entries of an ``(n,)`` or ``(n, k)`` array; the categorical losses
sum over classes and average over the ``n`` samples.

Which output goes with which loss: identity with ``mse``/``mae``/``huber``, sigmoid
with ``binary_cross_entropy``, softmax with ``categorical_cross_entropy`` (or, more
stably, raw scores with ``cross_entropy_from_logits``), raw scores with ``hinge``.

The arithmetic runs in float64 whatever the input (float32 cannot even represent
``1 - 1e-12``); gradients are then cast back to the prediction's dtype, so float32
predictions get float32 gradients.
"""

from __future__ import annotations

import numpy as np

from ._validation import (
    as_class_indices,
    as_float_array,
    check_choice,
    check_int,
    check_positive,
    check_same_shape,
)
from .activations import softmax

__all__ = [
    "mse",
    "mse_grad",
    "mae",
    "mae_grad",
    "huber",
    "huber_grad",
    "binary_cross_entropy",
    "binary_cross_entropy_grad",
    "one_hot",
    "categorical_cross_entropy",
    "categorical_cross_entropy_grad",
    "cross_entropy_from_logits",
    "cross_entropy_from_logits_grad",
    "hinge",
    "hinge_grad",
    "LOSSES",
    "get",
]


# --------------------------------------------------------------------------- checks


def _first_bad(bad: np.ndarray):
    index = tuple(int(i) for i in np.argwhere(bad)[0])
    return index[0] if len(index) == 1 else index


def _pair(y, pred, y_name: str, pred_name: str):
    """Targets and predictions of shape (n,) or (n, k), in float64, and the prediction's dtype."""
    y = as_float_array(y, y_name, ndim=(1, 2))
    pred = as_float_array(pred, pred_name, ndim=(1, 2))
    check_same_shape(y, pred, y_name, pred_name)
    if pred.size == 0:
        raise ValueError(
            f"{pred_name} is empty (shape {pred.shape}); a loss needs at least one sample. "
            "Check the slice or the batch that produced it."
        )
    return y.astype(np.float64), pred.astype(np.float64), pred.dtype


def _categorical_pair(Y, P, p_name: str):
    """One-hot targets and predictions of shape (n, k), in float64, and P's dtype."""
    Y = as_float_array(Y, "Y")
    P = as_float_array(P, p_name, ndim=2)
    if Y.ndim == 1 and Y.shape[0] == P.shape[0]:
        raise ValueError(
            f"Y must be one-hot of shape {P.shape}; got shape {Y.shape}, which looks like "
            f"class labels. Convert them with one_hot(labels, {P.shape[1]})."
        )
    Y = as_float_array(Y, "Y", ndim=2)
    check_same_shape(Y, P, "Y", p_name)
    if P.size == 0:
        raise ValueError(
            f"{p_name} is empty (shape {P.shape}); a loss needs at least one sample and one class."
        )
    _check_unit_interval(Y, "Y", "Build Y with one_hot(labels, n_classes).")
    sums = Y.sum(axis=1, dtype=np.float64)
    bad = ~np.isclose(sums, 1.0, rtol=0.0, atol=1e-6)
    if bad.any():
        row = _first_bad(bad)
        raise ValueError(
            f"Y must have one-hot rows, each summing to 1; row {row} sums to {sums[row]:g}. "
            "Build Y with one_hot(labels, n_classes)."
        )
    return Y.astype(np.float64), P.astype(np.float64), P.dtype


def _check_unit_interval(arr: np.ndarray, name: str, fix: str) -> None:
    # written so that NaN counts as out of range: a NaN probability is always a bug upstream
    bad = ~((arr >= 0) & (arr <= 1))
    if bad.any():
        index = _first_bad(bad)
        raise ValueError(f"{name} must lie in [0, 1]; got {arr[index]:g} at index {index}. {fix}")


def _check_eps(eps, upper: float) -> float:
    eps = check_positive(eps, "eps")
    if eps >= upper:
        raise ValueError(
            f"eps must be a small clipping margin below {upper:g}; got {eps:g}. "
            "Keep the default 1e-12."
        )
    return eps


# --------------------------------------------------------------------------- regression


def mse(y, y_hat) -> float:
    """Mean squared error (L2 loss), ``mean((y_hat - y)**2)`` over all entries.

    Parameters
    ----------
    y : array_like of shape (n_samples,) or (n_samples, n_outputs)
        Targets.
    y_hat : array_like of the same shape as ``y``
        Predictions.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the shapes differ (an ``(n,)`` against an ``(n, 1)`` array is the classic
        broadcasting bug; the message suggests ``.ravel()``).
    """
    y, y_hat, _ = _pair(y, y_hat, "y", "y_hat")
    return float(np.mean((y_hat - y) ** 2))


def mse_grad(y, y_hat) -> np.ndarray:
    """``2 (y_hat - y) / N`` with N the number of entries, shaped like ``y_hat``."""
    y, y_hat, dtype = _pair(y, y_hat, "y", "y_hat")
    return (2.0 * (y_hat - y) / y_hat.size).astype(dtype)


def mae(y, y_hat) -> float:
    """Mean absolute error (L1 loss), ``mean(|y_hat - y|)`` over all entries.

    Parameters
    ----------
    y : array_like of shape (n_samples,) or (n_samples, n_outputs)
        Targets.
    y_hat : array_like of the same shape as ``y``
        Predictions.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the shapes differ.
    """
    y, y_hat, _ = _pair(y, y_hat, "y", "y_hat")
    return float(np.mean(np.abs(y_hat - y)))


def mae_grad(y, y_hat) -> np.ndarray:
    """``sign(y_hat - y) / N``, shaped like ``y_hat``; 0 where ``y_hat == y``."""
    y, y_hat, dtype = _pair(y, y_hat, "y", "y_hat")
    return (np.sign(y_hat - y) / y_hat.size).astype(dtype)


def huber(y, y_hat, delta: float = 1.0) -> float:
    """Huber loss: quadratic for small residuals, linear for large ones.

    With ``r = y_hat - y``, each entry costs ``0.5 r**2`` if ``|r| <= delta`` and
    ``delta (|r| - 0.5 delta)`` otherwise; the two pieces meet with equal slope at
    ``|r| = delta``, so outliers pull with a bounded force ``delta``.

    Parameters
    ----------
    y : array_like of shape (n_samples,) or (n_samples, n_outputs)
        Targets.
    y_hat : array_like of the same shape as ``y``
        Predictions.
    delta : float, default 1.0
        Where the quadratic part turns linear; must be > 0.

    Returns
    -------
    float
        The mean over all entries.

    Raises
    ------
    ValueError
        If the shapes differ or ``delta <= 0``.
    """
    y, y_hat, _ = _pair(y, y_hat, "y", "y_hat")
    delta = check_positive(delta, "delta")
    a = np.abs(y_hat - y)
    return float(np.mean(np.where(a <= delta, 0.5 * a * a, delta * (a - 0.5 * delta))))


def huber_grad(y, y_hat, delta: float = 1.0) -> np.ndarray:
    """``clip(y_hat - y, -delta, delta) / N``, shaped like ``y_hat``."""
    y, y_hat, dtype = _pair(y, y_hat, "y", "y_hat")
    delta = check_positive(delta, "delta")
    return (np.clip(y_hat - y, -delta, delta) / y_hat.size).astype(dtype)


# --------------------------------------------------------------------------- binary


def _binary(y, p, eps):
    y, p, dtype = _pair(y, p, "y", "p")
    eps = _check_eps(eps, 0.5)
    _check_unit_interval(
        y, "y", "Binary targets are 0 or 1; convert -1/+1 labels with (y + 1) / 2."
    )
    _check_unit_interval(
        p,
        "p",
        "p must be probabilities: apply sigmoid to the scores first.",
    )
    # log(0) is -inf: keep p a hair away from 0 and 1 so a confident mistake costs a lot, not inf
    return y, np.clip(p, eps, 1.0 - eps), dtype


def binary_cross_entropy(y, p, eps: float = 1e-12) -> float:
    """Binary cross-entropy (log loss) for a sigmoid output.

    ``mean(-(y log p + (1 - y) log(1 - p)))`` over all entries, with ``p`` clipped to
    ``[eps, 1 - eps]`` so that ``p`` exactly 0 or 1 gives a large but finite loss.

    Parameters
    ----------
    y : array_like of shape (n_samples,) or (n_samples, n_labels)
        Targets, 0 or 1 (any value in [0, 1] is accepted).
    p : array_like of the same shape as ``y``
        Predicted probabilities of class 1, in [0, 1].
    eps : float, default 1e-12
        Clipping margin, in (0, 0.5).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the shapes differ, or ``y`` or ``p`` leave [0, 1] (for ``p``: did you pass
        scores instead of probabilities?).
    """
    y, p, _ = _binary(y, p, eps)
    return float(np.mean(-(y * np.log(p) + (1.0 - y) * np.log1p(-p))))


def binary_cross_entropy_grad(y, p, eps: float = 1e-12) -> np.ndarray:
    """``(-y / p + (1 - y) / (1 - p)) / N`` at the clipped ``p``, shaped like ``p``."""
    y, p, dtype = _binary(y, p, eps)
    return ((-y / p + (1.0 - y) / (1.0 - p)) / p.size).astype(dtype)


# --------------------------------------------------------------------------- categorical


def one_hot(labels, n_classes: int) -> np.ndarray:
    """Encode integer class labels as one-hot rows.

    Parameters
    ----------
    labels : array_like of shape (n_samples,)
        Class indices in ``[0, n_classes)``.
    n_classes : int
        Number of classes (columns of the result).

    Returns
    -------
    ndarray of shape (n_samples, n_classes), float64
        Row ``i`` is 1 in column ``labels[i]`` and 0 elsewhere, so
        ``one_hot(labels, k).argmax(axis=1)`` gives ``labels`` back.

    Raises
    ------
    ValueError
        If a label is not an integer or lies outside ``[0, n_classes)``.
    """
    n_classes = check_int(n_classes, "n_classes", minimum=1)
    labels = as_class_indices(labels)
    bad = (labels < 0) | (labels >= n_classes)
    if bad.any():
        index = _first_bad(bad)
        value = int(labels[index])
        if value < 0:
            fix = (
                "Class indices are never negative (-1/+1 are hinge-loss labels): "
                "map them with np.unique(labels, return_inverse=True)[1]."
            )
        elif value == n_classes and labels.min() >= 1:
            fix = "The labels look 1-based: use labels - 1."
        else:
            fix = f"Use n_classes={int(labels.max()) + 1} or more, or remap the labels."
        raise ValueError(
            f"labels must lie in [0, n_classes) = [0, {n_classes}); got {value} at index {index}. "
            f"{fix}"
        )
    Y = np.zeros((labels.shape[0], n_classes))
    Y[np.arange(labels.shape[0]), labels] = 1.0
    return Y


def _categorical(Y, P, eps):
    Y, P, dtype = _categorical_pair(Y, P, "P")
    eps = _check_eps(eps, 1.0)
    _check_unit_interval(
        P,
        "P",
        "P must be probabilities: apply softmax to the scores first, "
        "or pass the scores to cross_entropy_from_logits(Y, Z).",
    )
    # only log P appears (no log(1 - P)), so only the lower end needs clipping
    return Y, np.clip(P, eps, 1.0), dtype


def categorical_cross_entropy(Y, P, eps: float = 1e-12) -> float:
    """Categorical cross-entropy for a softmax output: ``-(1/n) sum_i sum_j Y_ij log P_ij``.

    Only the probability given to the true class counts. There is no
    ``(1 - Y) log(1 - P)`` term: that belongs to binary cross-entropy, and adding it
    here gives a different (wrong) number.

    Parameters
    ----------
    Y : array_like of shape (n_samples, n_classes)
        One-hot targets (see :func:`one_hot`).
    P : array_like of shape (n_samples, n_classes)
        Predicted probabilities, each row summing to 1; clipped below at ``eps``.
    eps : float, default 1e-12
        Smallest probability used inside the log, in (0, 1).

    Returns
    -------
    float
        Summed over classes, averaged over samples.

    Raises
    ------
    ValueError
        If the shapes differ (1-D ``Y`` means labels: use :func:`one_hot`), a row of
        ``Y`` is not one-hot, or ``P`` leaves [0, 1].
    """
    Y, P, _ = _categorical(Y, P, eps)
    return float(-np.sum(Y * np.log(P)) / P.shape[0])


def categorical_cross_entropy_grad(Y, P, eps: float = 1e-12) -> np.ndarray:
    """``-Y / clip(P, eps, 1) / n``, shaped like ``P``."""
    Y, P, dtype = _categorical(Y, P, eps)
    return (-Y / P / P.shape[0]).astype(dtype)


def _logits(Y, Z):
    return _categorical_pair(Y, Z, "Z")


def cross_entropy_from_logits(Y, Z) -> float:
    """Categorical cross-entropy of ``softmax(Z)``, computed stably from the logits ``Z``.

    ``log softmax(Z) = Z - m - log(sum_j exp(Z_j - m))`` with ``m`` the row maximum
    (log-sum-exp), so no exponential overflows and no probability rounds to 0 before
    its log is taken: the result is finite for ``|Z|`` of 1e4 and beyond.

    Parameters
    ----------
    Y : array_like of shape (n_samples, n_classes)
        One-hot targets (see :func:`one_hot`).
    Z : array_like of shape (n_samples, n_classes)
        Scores (logits) before the softmax.

    Returns
    -------
    float
        Summed over classes, averaged over samples.

    Raises
    ------
    ValueError
        If the shapes differ (1-D ``Y`` means labels: use :func:`one_hot`) or a row of
        ``Y`` is not one-hot.
    """
    Y, Z, _ = _logits(Y, Z)
    # subtract the row max so exp cannot overflow; the shift cancels inside log softmax
    shifted = Z - Z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-np.sum(Y * log_p) / Z.shape[0])


def cross_entropy_from_logits_grad(Y, Z) -> np.ndarray:
    """``(softmax(Z) - Y) / n``, shaped like ``Z`` (rows of ``Y`` sum to 1)."""
    Y, Z, dtype = _logits(Y, Z)
    return ((softmax(Z) - Y) / Z.shape[0]).astype(dtype)


# --------------------------------------------------------------------------- margin


def _margin(y, scores):
    y, scores, dtype = _pair(y, scores, "y", "scores")
    bad = (y != 1) & (y != -1)
    if bad.any():
        index = _first_bad(bad)
        if np.isin(y, (0.0, 1.0)).all():
            fix = "These look like 0/1 labels: convert them with 2 * y - 1."
        else:
            fix = "Hinge loss takes one label, -1 or +1, per score."
        raise ValueError(f"y must hold labels -1 or +1; got {y[index]:g} at index {index}. {fix}")
    return y, scores, dtype


def hinge(y, scores) -> float:
    """Hinge loss ``mean(max(0, 1 - y * s))``: zero once a sample is right by a margin of 1.

    Parameters
    ----------
    y : array_like of shape (n_samples,) or (n_samples, n_outputs)
        Labels, -1 or +1.
    scores : array_like of the same shape as ``y``
        Raw scores ``s`` (no sigmoid); the sign is the predicted class.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the shapes differ or a label is not -1 or +1 (0/1 labels: use ``2 * y - 1``).
    """
    y, s, _ = _margin(y, scores)
    return float(np.mean(np.maximum(0.0, 1.0 - y * s)))


def hinge_grad(y, scores) -> np.ndarray:
    """``-y / N`` where the margin is violated (``1 - y s > 0``), else 0; shaped like ``scores``."""
    y, s, dtype = _margin(y, scores)
    return (np.where(1.0 - y * s > 0, -y, 0.0) / s.size).astype(dtype)


#: name -> (loss, gradient with respect to the prediction); used by training loops and plots.
LOSSES = {
    "mse": (mse, mse_grad),
    "mae": (mae, mae_grad),
    "huber": (huber, huber_grad),
    "binary_cross_entropy": (binary_cross_entropy, binary_cross_entropy_grad),
    "categorical_cross_entropy": (categorical_cross_entropy, categorical_cross_entropy_grad),
    "cross_entropy_from_logits": (cross_entropy_from_logits, cross_entropy_from_logits_grad),
    "hinge": (hinge, hinge_grad),
}


def get(name: str):
    """Return ``(loss, gradient)`` for a loss name such as ``"mse"``."""
    check_choice(name, "name", list(LOSSES))
    return LOSSES[name]


def _resolve(loss):
    """A loss name or a ``(loss, gradient)`` pair, as the training tools accept it."""
    return get(loss) if isinstance(loss, str) else loss
