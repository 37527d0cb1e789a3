"""Metrics for classifiers.

Multi-class: :func:`accuracy`, :func:`confusion_matrix` (notebook 07). Binary, for the
positive class 1 (notebook 08): :func:`precision_recall_f1` of hard predictions, and for
scores (any number that grows with the belief in class 1, e.g. a predicted probability)
:func:`roc_curve`, :func:`roc_auc` and :func:`threshold_for_recall`. A sample is
predicted positive when ``score >= threshold``.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_class_indices, as_float_array, as_labels

__all__ = [
    "accuracy",
    "confusion_matrix",
    "precision_recall_f1",
    "roc_curve",
    "roc_auc",
    "threshold_for_recall",
]


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


def _binary_labels(y, name: str, n_samples: int | None = None) -> np.ndarray:
    y = as_class_indices(y, name, n_samples=n_samples)
    if y.size and (y.min() < 0 or y.max() > 1):
        raise ValueError(
            f"{name} must hold binary labels 0/1; got values from {y.min()} to {y.max()}. "
            "For a multi-class problem, compare one class against the rest: (y == c)."
        )
    return y


def _scores(y_true, scores) -> tuple[np.ndarray, np.ndarray]:
    y_true = _binary_labels(y_true, "y_true")
    scores = as_float_array(scores, "scores", ndim=1)
    if scores.shape[0] != y_true.shape[0]:
        raise ValueError(
            f"scores must have one entry per label: y_true has {y_true.shape[0]}, scores "
            f"{scores.shape[0]}. For model.predict's (n, 1) output, pass P[:, 0]."
        )
    if not np.all(np.isfinite(scores)):
        raise ValueError("scores contain NaN or inf; a ranking needs finite scores.")
    return y_true, scores


def precision_recall_f1(y_true, y_pred) -> tuple[float, float, float]:
    """Precision, recall and F1 score of the positive class 1.

    ``precision = TP / (TP + FP)`` (of the predicted positives, the fraction that are
    positive), ``recall = TP / (TP + FN)`` (of the positives, the fraction found) and
    ``F1 = 2 P R / (P + R)``; each is 0.0 where its denominator is 0.

    Parameters
    ----------
    y_true, y_pred : array_like of shape (n_samples,), labels 0/1

    Returns
    -------
    precision, recall, f1 : floats in [0, 1]
    """
    y_true = _binary_labels(y_true, "y_true")
    y_pred = _binary_labels(y_pred, "y_pred", n_samples=y_true.shape[0])
    tp = int(np.sum((y_true == 1) & (y_pred == 1)))
    fp = int(np.sum((y_true == 0) & (y_pred == 1)))
    fn = int(np.sum((y_true == 1) & (y_pred == 0)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return float(precision), float(recall), float(f1)


def _cumulative_counts(y_true: np.ndarray, scores: np.ndarray):
    """Distinct scores in decreasing order, and the true and false positives at each."""
    order = np.argsort(-scores, kind="stable")
    s, y = scores[order], y_true[order]
    # the last position of each run of equal scores: everything up to it is >= that score
    last = np.flatnonzero(np.r_[s[1:] != s[:-1], True])
    tp = np.cumsum(y)[last]
    return s[last], tp, (last + 1) - tp


def roc_curve(y_true, scores) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ROC curve: false and true positive rates at every distinct threshold.

    The thresholds are ``+inf`` followed by the distinct scores in decreasing order; at
    threshold ``t`` a sample is predicted positive when ``score >= t``. So the curve
    starts at (0, 0) (nothing predicted positive) and ends at (1, 1) (everything).

    Parameters
    ----------
    y_true : array_like of shape (n_samples,), labels 0/1, both classes present
    scores : array_like of shape (n_samples,), higher = more likely class 1

    Returns
    -------
    fpr, tpr, thresholds : ndarrays of shape (n_distinct_scores + 1,)
    """
    y_true, scores = _scores(y_true, scores)
    n_pos = int(y_true.sum())
    n_neg = y_true.shape[0] - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError(
            f"y_true must contain both classes for a ROC curve; got {n_pos} positive and "
            f"{n_neg} negative samples."
        )
    thresholds, tp, fp = _cumulative_counts(y_true, scores)
    fpr = np.r_[0.0, fp / n_neg]
    tpr = np.r_[0.0, tp / n_pos]
    return fpr, tpr, np.r_[np.inf, thresholds]


def roc_auc(y_true, scores) -> float:
    """Area under the ROC curve (trapezoids between its points).

    It equals the probability that a random positive sample scores higher than a random
    negative one, ties counting one half (the Mann-Whitney statistic), and scikit-learn's
    ``roc_auc_score``. 0.5 is chance, 1.0 a perfect ranking.

    Parameters
    ----------
    y_true : array_like of shape (n_samples,), labels 0/1, both classes present
    scores : array_like of shape (n_samples,)

    Returns
    -------
    float in [0, 1]
    """
    fpr, tpr, _ = roc_curve(y_true, scores)
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))


def threshold_for_recall(y_true, scores, min_recall: float) -> float:
    """The largest threshold (one of the scores) whose recall is at least ``min_recall``.

    Predicting positive when ``score >= threshold`` finds a fraction ``recall`` of the
    positives; lowering the threshold never lowers it. This returns the highest
    threshold that still reaches ``min_recall``, i.e. the one with the fewest false
    alarms among those that find enough of the positives.

    Parameters
    ----------
    y_true : array_like of shape (n_samples,), labels 0/1 with at least one positive
    scores : array_like of shape (n_samples,)
    min_recall : float in [0, 1]

    Returns
    -------
    float, one of ``scores``
    """
    y_true, scores = _scores(y_true, scores)
    min_recall = float(min_recall)
    if not 0.0 <= min_recall <= 1.0:
        raise ValueError(f"min_recall must be in [0, 1]; got {min_recall}.")
    if not y_true.any():
        raise ValueError("y_true has no positive sample: recall is undefined.")
    thresholds, tp, _ = _cumulative_counts(y_true, scores)
    reached = tp / y_true.sum() >= min_recall
    return float(thresholds[np.argmax(reached)])
