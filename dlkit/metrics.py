"""Metrics for classifiers."""

from __future__ import annotations

import numpy as np

from ._validation import as_labels

__all__ = ["accuracy"]


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
