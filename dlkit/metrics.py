"""Metrics for classifiers."""

from __future__ import annotations

import numpy as np

from ._validation import as_class_indices, as_labels

__all__ = ["accuracy", "confusion_matrix"]


def accuracy(y_true, y_pred) -> float:
    """Fraction of predictions equal to the true labels, between 0 and 1.

    Parameters
    ----------
    y_true, y_pred : array_like of shape (n_samples,)

    Returns
    -------
    float
    """
    y_true = as_labels(y_true, "y_true")
    y_pred = as_labels(y_pred, "y_pred", n_samples=y_true.shape[0])
    if y_true.shape[0] == 0:
        raise ValueError("y_true is empty: accuracy needs at least one sample.")
    return float(np.mean(y_true == y_pred))


def confusion_matrix(y_true, y_pred, n_classes: int | None = None) -> np.ndarray:
    """Counts of (true class, predicted class) pairs.

    Entry ``[i, j]`` counts the samples of class ``i`` predicted as class ``j``: the
    diagonal holds the correct predictions, each row sums to the size of a class.

    Parameters
    ----------
    y_true, y_pred : array_like of shape (n_samples,), integer labels 0..n_classes-1
    n_classes : int, optional
        Number of classes (rows and columns); by default one more than the largest
        label seen. Pass it so that a class absent from both still gets its row.

    Returns
    -------
    ndarray of shape (n_classes, n_classes), int64
    """
    y_true = as_class_indices(y_true, "y_true")
    y_pred = as_class_indices(y_pred, "y_pred", n_samples=y_true.shape[0])
    if n_classes is None:
        n_classes = int(max(y_true.max(initial=-1), y_pred.max(initial=-1))) + 1
    elif (
        isinstance(n_classes, bool) or not isinstance(n_classes, int | np.integer) or n_classes < 1
    ):
        raise ValueError(f"n_classes must be a positive integer; got {n_classes!r}.")
    for name, labels in (("y_true", y_true), ("y_pred", y_pred)):
        if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
            raise ValueError(
                f"{name} holds labels outside 0..{n_classes - 1} (min {labels.min()}, "
                f"max {labels.max()}); pass integer class labels, or a larger n_classes."
            )
    counts = np.bincount(y_true * n_classes + y_pred, minlength=n_classes * n_classes)
    return counts.reshape(n_classes, n_classes).astype(np.int64)
