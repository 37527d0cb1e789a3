"""Mutants for 08_heart_disease: plausible wrong answers each test cell must catch.

Each function ``<exercise>__<mistake>`` stands for one student mistake; functions named
``<exercise>__ok_<variant>`` are different but correct answers that must pass.
Bodies are self-contained: they run in the notebook's namespace (np and dlkit).
"""

import numpy as np

import dlkit

# ------------------------------------------------------------------------------ column_medians


def column_medians__median_with_nan(X):
    """np.median: one NaN in a column makes its median NaN."""
    return np.median(X, axis=0)


def column_medians__mean(X):
    """The mean of the values present instead of their median."""
    return np.nanmean(X, axis=0)


def column_medians__nan_as_zero(X):
    """Counts a missing value as 0 before taking the median."""
    return np.median(np.nan_to_num(X, nan=0.0), axis=0)


def column_medians__per_row(X):
    """Wrong axis: one median per sample (row)."""
    return np.nanmedian(X, axis=1)


def column_medians__fills_in_place(X):
    """Writes zeros into the caller's NaN entries while computing."""
    X[np.isnan(X)] = 0.0
    return np.median(X, axis=0)


def column_medians__delegates(X):
    """Calls dlkit's reference."""
    return dlkit.data.column_medians(X)


def column_medians__ok_sorted_by_hand(X):
    """Correct: the middle of each column's sorted present values, one column at a time."""
    X = np.asarray(X, dtype=float)
    out = []
    for j in range(X.shape[1]):
        v = np.sort(X[~np.isnan(X[:, j]), j])
        m = len(v)
        out.append(v[m // 2] if m % 2 else (v[m // 2 - 1] + v[m // 2]) / 2)
    return np.array(out)


def column_medians__ok_masked_array(X):
    """Correct: a masked array hides the NaN entries."""
    masked = np.ma.masked_invalid(np.asarray(X, dtype=float))
    return np.ma.median(masked, axis=0).filled(np.nan)


# ------------------------------------------------------------------------------ fill_missing


def fill_missing__in_place(X, values):
    """Fills the caller's array in place and returns it."""
    rows, cols = np.nonzero(np.isnan(X))
    X[rows, cols] = values[cols]
    return X


def fill_missing__row_values(X, values):
    """Uses the row index to pick the fill value instead of the column index."""
    out = X.copy()
    rows, cols = np.nonzero(np.isnan(out))
    out[rows, cols] = np.asarray(values)[rows % len(values)]
    return out


def fill_missing__zeros(X, values):
    """Ignores the values and fills every gap with 0."""
    return np.nan_to_num(X, nan=0.0)


def fill_missing__own_medians(X, values):
    """Ignores the given values and fills with the medians of X itself (a leak on test data)."""
    return np.where(np.isnan(X), np.nanmedian(X, axis=0), X)


def fill_missing__row_loop(X, values):
    """Correct values, but a Python loop over the rows."""
    out = np.array(X, dtype=float)
    for i in range(out.shape[0]):
        row = out[i]
        out[i] = np.where(np.isnan(row), values, row)
    return out


def fill_missing__delegates(X, values):
    """Calls dlkit's reference."""
    return dlkit.data.fill_missing(X, values)


def fill_missing__ok_copy_and_mask(X, values):
    """Correct: a copy, then boolean indexing with the column indices of the gaps."""
    out = np.array(X, dtype=float, copy=True)
    mask = np.isnan(out)
    out[mask] = np.broadcast_to(np.asarray(values, dtype=float), out.shape)[mask]
    return out


def fill_missing__ok_column_loop(X, values):
    """Correct: a loop over the columns (not the rows) is fine."""
    out = np.array(X, dtype=float)
    for j in range(out.shape[1]):
        out[np.isnan(out[:, j]), j] = values[j]
    return out


# ------------------------------------------------------------------------------ encode_categorical


def encode_categorical__dict_order(X, categories):
    """Blocks in the dict's order instead of increasing column index."""
    others = [j for j in range(X.shape[1]) if j not in categories]
    blocks = [X[:, others].astype(float)]
    for j in categories:
        blocks.append((X[:, [j]] == np.asarray(categories[j])).astype(float))
    return np.concatenate(blocks, axis=1)


def encode_categorical__sorted_categories(X, categories):
    """Sorts each column's categories instead of keeping the order given."""
    others = [j for j in range(X.shape[1]) if j not in categories]
    blocks = [X[:, others].astype(float)]
    for j in sorted(categories):
        blocks.append((X[:, [j]] == np.sort(np.asarray(categories[j]))).astype(float))
    return np.concatenate(blocks, axis=1)


def encode_categorical__keeps_original_column(X, categories):
    """Keeps the categorical columns as numbers too, before the one-hot blocks."""
    blocks = [X.astype(float)]
    for j in sorted(categories):
        blocks.append((X[:, [j]] == np.asarray(categories[j])).astype(float))
    return np.concatenate(blocks, axis=1)


def encode_categorical__blocks_first(X, categories):
    """Puts the one-hot blocks before the other columns."""
    others = [j for j in range(X.shape[1]) if j not in categories]
    blocks = [(X[:, [j]] == np.asarray(categories[j])).astype(float) for j in sorted(categories)]
    return np.concatenate(blocks + [X[:, others].astype(float)], axis=1)


def encode_categorical__categories_from_data(X, categories):
    """Takes the categories from X itself (np.unique) instead of the list given: the test part's."""
    others = [j for j in range(X.shape[1]) if j not in categories]
    blocks = [X[:, others].astype(float)]
    for j in sorted(categories):
        blocks.append((X[:, [j]] == np.unique(X[:, j])).astype(float))
    return np.concatenate(blocks, axis=1)


def encode_categorical__unseen_to_first(X, categories):
    """Gives an unseen value a 1 in the first category's column instead of zeros."""
    others = [j for j in range(X.shape[1]) if j not in categories]
    blocks = [X[:, others].astype(float)]
    for j in sorted(categories):
        block = (X[:, [j]] == np.asarray(categories[j])).astype(float)
        block[block.sum(axis=1) == 0, 0] = 1.0
        blocks.append(block)
    return np.concatenate(blocks, axis=1)


def encode_categorical__row_loop(X, categories):
    """Correct values, but a Python loop over the rows."""
    others = [j for j in range(X.shape[1]) if j not in categories]
    rows = []
    for x in np.asarray(X, dtype=float).tolist():
        row = [x[j] for j in others]
        for j in sorted(categories):
            row += [1.0 if x[j] == c else 0.0 for c in categories[j]]
        rows.append(row)
    return np.array(rows)


def encode_categorical__delegates(X, categories):
    """Calls dlkit's reference."""
    return dlkit.data.encode_categorical(X, categories)


def encode_categorical__ok_boolean_mask_and_hstack(X, categories):
    """Correct: a boolean mask for the kept columns, np.hstack, np.equal.outer for the blocks."""
    X = np.asarray(X, dtype=float)
    keep = np.ones(X.shape[1], dtype=bool)
    keep[list(categories)] = False
    parts = [X[:, keep]]
    for j in sorted(categories):
        parts.append(np.equal.outer(X[:, j], np.asarray(categories[j], dtype=float)).astype(float))
    return np.hstack(parts)


def encode_categorical__ok_preallocated(X, categories):
    """Correct: one zero array filled block by block, a loop over categories (not rows)."""
    X = np.asarray(X, dtype=float)
    others = [j for j in range(X.shape[1]) if j not in categories]
    width = len(others) + sum(len(categories[j]) for j in categories)
    out = np.zeros((X.shape[0], width))
    out[:, : len(others)] = X[:, others]
    col = len(others)
    for j in sorted(categories):
        for c in categories[j]:
            out[:, col] = X[:, j] == c
            col += 1
    return out


# ------------------------------------------------------------------------------ precision_recall_f1


def precision_recall_f1__swapped(y_true, y_pred):
    """Precision and recall swapped (the denominators exchanged)."""
    tp = np.sum((y_true == 1) & (y_pred == 1))
    fp = np.sum((y_true == 0) & (y_pred == 1))
    fn = np.sum((y_true == 1) & (y_pred == 0))
    recall = tp / (tp + fp) if tp + fp else 0.0
    precision = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return float(precision), float(recall), float(f1)


def precision_recall_f1__arithmetic_mean(y_true, y_pred):
    """F1 as the arithmetic mean (P + R) / 2 instead of the harmonic mean."""
    tp = np.sum((y_true == 1) & (y_pred == 1))
    fp = np.sum((y_true == 0) & (y_pred == 1))
    fn = np.sum((y_true == 1) & (y_pred == 0))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return float(precision), float(recall), float((precision + recall) / 2)


def precision_recall_f1__no_zero_guard(y_true, y_pred):
    """Divides without a guard: nan (and a warning) when nothing is predicted positive."""
    tp = np.sum((y_true == 1) & (y_pred == 1))
    fp = np.sum((y_true == 0) & (y_pred == 1))
    fn = np.sum((y_true == 1) & (y_pred == 0))
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    return float(precision), float(recall), float(2 * precision * recall / (precision + recall))


def precision_recall_f1__accuracy_as_precision(y_true, y_pred):
    """Returns the accuracy in place of the precision."""
    tp = np.sum((y_true == 1) & (y_pred == 1))
    fn = np.sum((y_true == 1) & (y_pred == 0))
    precision = float(np.mean(y_true == y_pred))
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return float(precision), float(recall), float(f1)


def precision_recall_f1__negative_class(y_true, y_pred):
    """Computes the three numbers for class 0 instead of class 1."""
    tp = np.sum((y_true == 0) & (y_pred == 0))
    fp = np.sum((y_true == 1) & (y_pred == 0))
    fn = np.sum((y_true == 0) & (y_pred == 1))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return float(precision), float(recall), float(f1)


def precision_recall_f1__delegates(y_true, y_pred):
    """Calls dlkit's reference."""
    return dlkit.metrics.precision_recall_f1(y_true, y_pred)


def precision_recall_f1__ok_confusion_counts(y_true, y_pred):
    """Correct: counts from np.bincount of 2 * y_true + y_pred, errstate and nan_to_num."""
    tn, fp, fn, tp = np.bincount(2 * np.asarray(y_true, int) + np.asarray(y_pred, int), minlength=4)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.nan_to_num(tp / np.float64(tp + fp))
        recall = np.nan_to_num(tp / np.float64(tp + fn))
        f1 = np.nan_to_num(2 * tp / np.float64(2 * tp + fp + fn))
    return float(precision), float(recall), float(f1)


# ------------------------------------------------------------------------------ roc_curve


def roc_curve__strict_threshold(y_true, scores):
    """Counts score > threshold (strictly) as positive."""
    y_true = np.asarray(y_true)
    scores = np.asarray(scores, dtype=float)
    distinct = np.unique(scores)[::-1]
    flagged = scores[None, :] > distinct[:, None]
    tp = (flagged & (y_true == 1)).sum(axis=1)
    fp = (flagged & (y_true == 0)).sum(axis=1)
    tpr = np.concatenate([[0.0], tp / np.sum(y_true == 1)])
    fpr = np.concatenate([[0.0], fp / np.sum(y_true == 0)])
    return fpr, tpr, np.concatenate([[np.inf], distinct])


def roc_curve__no_inf(y_true, scores):
    """Leaves out the +inf threshold and the (0, 0) point."""
    y_true = np.asarray(y_true)
    scores = np.asarray(scores, dtype=float)
    distinct = np.unique(scores)[::-1]
    flagged = scores[None, :] >= distinct[:, None]
    tp = (flagged & (y_true == 1)).sum(axis=1)
    fp = (flagged & (y_true == 0)).sum(axis=1)
    return fp / np.sum(y_true == 0), tp / np.sum(y_true == 1), distinct


def roc_curve__increasing(y_true, scores):
    """Thresholds in increasing order (np.unique without reversing)."""
    y_true = np.asarray(y_true)
    scores = np.asarray(scores, dtype=float)
    distinct = np.unique(scores)
    flagged = scores[None, :] >= distinct[:, None]
    tp = (flagged & (y_true == 1)).sum(axis=1)
    fp = (flagged & (y_true == 0)).sum(axis=1)
    tpr = np.concatenate([[0.0], tp / np.sum(y_true == 1)])
    fpr = np.concatenate([[0.0], fp / np.sum(y_true == 0)])
    return fpr, tpr, np.concatenate([[np.inf], distinct])


def roc_curve__every_score(y_true, scores):
    """One threshold per sample (sorted scores with their duplicates) instead of per distinct score."""
    y_true = np.asarray(y_true)
    scores = np.asarray(scores, dtype=float)
    distinct = np.sort(scores)[::-1]
    flagged = scores[None, :] >= distinct[:, None]
    tp = (flagged & (y_true == 1)).sum(axis=1)
    fp = (flagged & (y_true == 0)).sum(axis=1)
    tpr = np.concatenate([[0.0], tp / np.sum(y_true == 1)])
    fpr = np.concatenate([[0.0], fp / np.sum(y_true == 0)])
    return fpr, tpr, np.concatenate([[np.inf], distinct])


def roc_curve__divides_by_n(y_true, scores):
    """Divides both counts by the number of samples instead of positives and negatives."""
    y_true = np.asarray(y_true)
    scores = np.asarray(scores, dtype=float)
    distinct = np.unique(scores)[::-1]
    flagged = scores[None, :] >= distinct[:, None]
    tp = (flagged & (y_true == 1)).sum(axis=1)
    fp = (flagged & (y_true == 0)).sum(axis=1)
    n = len(y_true)
    return np.r_[0.0, fp / n], np.r_[0.0, tp / n], np.r_[np.inf, distinct]


def roc_curve__swapped(y_true, scores):
    """Returns (tpr, fpr, thresholds): the rates swapped."""
    y_true = np.asarray(y_true)
    scores = np.asarray(scores, dtype=float)
    distinct = np.unique(scores)[::-1]
    flagged = scores[None, :] >= distinct[:, None]
    tp = (flagged & (y_true == 1)).sum(axis=1)
    fp = (flagged & (y_true == 0)).sum(axis=1)
    return (
        np.r_[0.0, tp / np.sum(y_true == 1)],
        np.r_[0.0, fp / np.sum(y_true == 0)],
        np.r_[np.inf, distinct],
    )


def roc_curve__sample_loop(y_true, scores):
    """Correct values, but counts with a Python loop over the samples for every threshold."""
    y_true = np.asarray(y_true)
    scores = np.asarray(scores, dtype=float)
    distinct = np.unique(scores)[::-1]
    n_pos, n_neg = np.sum(y_true == 1), np.sum(y_true == 0)
    tpr, fpr = [0.0], [0.0]
    for t in distinct:
        tp = fp = 0
        for s, label in zip(scores.tolist(), y_true.tolist()):
            if s >= t:
                tp += label == 1
                fp += label == 0
        tpr.append(tp / n_pos)
        fpr.append(fp / n_neg)
    return np.array(fpr), np.array(tpr), np.concatenate([[np.inf], distinct])


def roc_curve__delegates(y_true, scores):
    """Calls dlkit's reference."""
    return dlkit.metrics.roc_curve(y_true, scores)


def roc_curve__ok_sort_and_cumsum(y_true, scores):
    """Correct: sort once, cumulative counts, keep the last position of each run of ties."""
    y_true = np.asarray(y_true)
    scores = np.asarray(scores, dtype=float)
    order = np.argsort(-scores, kind="stable")
    s, y = scores[order], y_true[order]
    last = np.r_[np.flatnonzero(np.diff(s) != 0), len(s) - 1]
    tp = np.cumsum(y == 1)[last]
    fp = np.cumsum(y == 0)[last]
    return np.r_[0.0, fp / fp[-1]], np.r_[0.0, tp / tp[-1]], np.r_[np.inf, s[last]]


def roc_curve__ok_threshold_loop(y_true, scores):
    """Correct: a loop over the distinct thresholds with vectorised counts inside."""
    y_true = np.asarray(y_true)
    scores = np.asarray(scores, dtype=float)
    thresholds = np.r_[np.inf, np.unique(scores)[::-1]]
    pos, neg = scores[y_true == 1], scores[y_true == 0]
    tpr = np.array([np.mean(pos >= t) for t in thresholds])
    fpr = np.array([np.mean(neg >= t) for t in thresholds])
    return fpr, tpr, thresholds


# ------------------------------------------------------------------------------ roc_auc


def roc_auc__strict_wins_only(y_true, scores):
    """Counts only strict wins: a tie counts 0 instead of one half."""
    y_true = np.asarray(y_true)
    scores = np.asarray(scores, dtype=float)
    pos = scores[y_true == 1][:, None]
    neg = scores[y_true == 0][None, :]
    return float(np.mean(pos > neg))


def roc_auc__ties_count_one(y_true, scores):
    """Counts a tie as a full win (>=)."""
    y_true = np.asarray(y_true)
    scores = np.asarray(scores, dtype=float)
    pos = scores[y_true == 1][:, None]
    neg = scores[y_true == 0][None, :]
    return float(np.mean(pos >= neg))


def roc_auc__left_riemann(y_true, scores):
    """A step (left Riemann) sum under the curve instead of trapezoids: ties lose their half."""
    fpr, tpr, _ = roc_curve(y_true, scores)  # noqa: F821 - the notebook's roc_curve
    return float(np.sum(np.diff(fpr) * tpr[:-1]))


def roc_auc__reversed(y_true, scores):
    """Integrates fpr over tpr (axes exchanged): 1 - AUC."""
    fpr, tpr, _ = roc_curve(y_true, scores)  # noqa: F821 - the notebook's roc_curve
    return float(np.sum(np.diff(tpr) * (fpr[1:] + fpr[:-1]) / 2))


def roc_auc__accuracy(y_true, scores):
    """Returns the accuracy at threshold 0.5 instead of an area."""
    return float(np.mean((np.asarray(scores) >= 0.5) == np.asarray(y_true)))


def roc_auc__delegates(y_true, scores):
    """Calls dlkit's reference."""
    return dlkit.metrics.roc_auc(y_true, scores)


def roc_auc__ok_trapezoids(y_true, scores):
    """Correct: trapezoids under the notebook's own roc_curve."""
    fpr, tpr, _ = roc_curve(y_true, scores)  # noqa: F821 - the notebook's roc_curve
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))


def roc_auc__ok_ranks(y_true, scores):
    """Correct: the Mann-Whitney U statistic from average ranks (ties share their rank)."""
    y_true = np.asarray(y_true)
    scores = np.asarray(scores, dtype=float)
    values, inverse, counts = np.unique(scores, return_inverse=True, return_counts=True)
    first = np.cumsum(counts) - counts + 1
    ranks = (first + (counts - 1) / 2)[inverse]
    n_pos = np.sum(y_true == 1)
    n_neg = len(y_true) - n_pos
    u = ranks[y_true == 1].sum() - n_pos * (n_pos + 1) / 2
    return float(u / (n_pos * n_neg))


# ------------------------------------------------------------------------------ threshold_for_recall


def threshold_for_recall__smallest(y_true, scores, min_recall):
    """Returns the smallest score instead of the largest threshold that reaches the target."""
    return float(np.min(scores))


def threshold_for_recall__strict(y_true, scores, min_recall):
    """Counts score > t (strictly) as positive when measuring the recall."""
    y_true = np.asarray(y_true)
    scores = np.asarray(scores, dtype=float)
    candidates = np.unique(scores)[::-1]
    recalls = np.mean(scores[y_true == 1][None, :] > candidates[:, None], axis=1)
    return float(candidates[np.argmax(recalls >= min_recall)])


def threshold_for_recall__strictly_above_target(y_true, scores, min_recall):
    """Requires recall > min_recall instead of >=."""
    y_true = np.asarray(y_true)
    scores = np.asarray(scores, dtype=float)
    candidates = np.unique(scores)[::-1]
    recalls = np.mean(scores[y_true == 1][None, :] >= candidates[:, None], axis=1)
    return float(candidates[np.argmax(recalls > min_recall)])


def threshold_for_recall__quantile(y_true, scores, min_recall):
    """Takes the (1 - min_recall) quantile of all scores, positives and negatives mixed."""
    return float(np.quantile(np.asarray(scores, dtype=float), 1 - min_recall))


def threshold_for_recall__delegates(y_true, scores, min_recall):
    """Calls dlkit's reference."""
    return dlkit.metrics.threshold_for_recall(y_true, scores, min_recall)


def threshold_for_recall__ok_positive_scores_sorted(y_true, scores, min_recall):
    """Correct: the answer is a positive's score; the k-th largest with k = ceil(min_recall * n_pos)."""
    y_true = np.asarray(y_true)
    pos = np.sort(np.asarray(scores, dtype=float)[y_true == 1])[::-1]
    n_pos = len(pos)
    for k in range(n_pos + 1):
        if k / n_pos >= min_recall:
            return float(pos[max(k - 1, 0)]) if k else float(np.max(scores))
    return float(pos[-1])


def threshold_for_recall__ok_loop_over_thresholds(y_true, scores, min_recall):
    """Correct: walk down the distinct scores until the recall is reached."""
    y_true = np.asarray(y_true)
    scores = np.asarray(scores, dtype=float)
    positives = scores[y_true == 1]
    for t in sorted(set(scores.tolist()), reverse=True):
        if np.mean(positives >= t) >= min_recall:
            return float(t)
    return float(scores.min())


# ------------------------------------------------------------------------------ kfold_indices


def kfold_indices__drops_remainder(n, k, rng=None):
    """Folds of n // k each: the last n % k samples are never validated."""
    rng = np.random.default_rng(0 if rng is None else rng)
    order = rng.permutation(n)
    size = n // k
    folds = [order[i * size : (i + 1) * size] for i in range(k)]
    return [(np.setdiff1d(order, f), f) for f in folds]


def kfold_indices__overlapping(n, k, rng=None):
    """Folds of ceil(n / k) starting every n // k: neighbouring folds overlap."""
    rng = np.random.default_rng(0 if rng is None else rng)
    order = rng.permutation(n)
    size, step = -(-n // k), n // k
    folds = [order[i * step : i * step + size] for i in range(k)]
    return [(np.setdiff1d(order, f), f) for f in folds]


def kfold_indices__remainder_last(n, k, rng=None):
    """The larger folds come last instead of first."""
    rng = np.random.default_rng(0 if rng is None else rng)
    order = rng.permutation(n)
    sizes = np.full(k, n // k)
    sizes[k - n % k :] += 1 if n % k else 0
    folds = np.split(order, np.cumsum(sizes)[:-1])
    return [(np.concatenate(folds[:i] + folds[i + 1 :]), folds[i]) for i in range(k)]


def kfold_indices__no_shuffle(n, k, rng=None):
    """Consecutive indices without the permutation."""
    folds = np.array_split(np.arange(n), k)
    return [(np.concatenate(folds[:i] + folds[i + 1 :]), folds[i]) for i in range(k)]


def kfold_indices__train_includes_val(n, k, rng=None):
    """The training part is every index, the validation fold included."""
    rng = np.random.default_rng(0 if rng is None else rng)
    order = rng.permutation(n)
    return [(order.copy(), f) for f in np.array_split(order, k)]


def kfold_indices__ignores_rng(n, k, rng=None):
    """Always seed 0, whatever rng is given."""
    order = np.random.default_rng(0).permutation(n)
    folds = np.array_split(order, k)
    return [(np.concatenate(folds[:i] + folds[i + 1 :]), folds[i]) for i in range(k)]


def kfold_indices__delegates(n, k, rng=None):
    """Calls dlkit's reference."""
    return dlkit.data.kfold_indices(n, k, rng=rng)


def kfold_indices__ok_array_split(n, k, rng=None):
    """Correct: np.array_split makes the first n % k pieces one larger."""
    rng = np.random.default_rng(0 if rng is None else rng)
    folds = np.array_split(rng.permutation(n), k)
    return [(np.concatenate(folds[:i] + folds[i + 1 :]), folds[i]) for i in range(k)]


def kfold_indices__ok_mask_and_sorted(n, k, rng=None):
    """Correct: fold boundaries by hand, a boolean mask for the training part, sorted indices."""
    if not isinstance(rng, np.random.Generator):
        rng = np.random.default_rng(0 if rng is None else rng)
    order = rng.permutation(n)
    pairs, start = [], 0
    for i in range(k):
        stop = start + n // k + (1 if i < n % k else 0)
        in_val = np.zeros(n, dtype=bool)
        in_val[order[start:stop]] = True
        pairs.append((np.flatnonzero(~in_val), np.sort(order[start:stop])))
        start = stop
    return pairs


# ------------------------------------------------------------------------------ build_and_train_heart


def build_and_train_heart__untrained(X_train, y_train, rng=None):
    """Builds and compiles the model but never calls fit."""
    rng = np.random.default_rng(0 if rng is None else rng)
    model = dlkit.models.Sequential(
        dlkit.layers.Dense(X_train.shape[1], 16, rng=rng),
        dlkit.layers.ReLU(),
        dlkit.layers.Dense(16, 1, rng=rng),
        dlkit.layers.Sigmoid(),
    )
    model.compile(optimizer="adam", loss="binary_cross_entropy")
    return model


def build_and_train_heart__probability_of_no_disease(X_train, y_train, rng=None):
    """Trains on the flipped labels: predict gives the probability of NO disease."""
    rng = np.random.default_rng(0 if rng is None else rng)
    model = dlkit.models.Sequential(
        dlkit.layers.Dense(X_train.shape[1], 16, rng=rng),
        dlkit.layers.ReLU(),
        dlkit.layers.Dense(16, 1, rng=rng),
        dlkit.layers.Sigmoid(),
    )
    model.compile(optimizer="adam", loss="binary_cross_entropy", lr=0.01)
    model.fit(X_train, 1 - y_train, epochs=60, batch_size=32, rng=rng, verbose=0)
    return model


def build_and_train_heart__no_sigmoid(X_train, y_train, rng=None):
    """No output sigmoid, trained with MSE on the labels: predict returns scores outside [0, 1]."""
    rng = np.random.default_rng(0 if rng is None else rng)
    model = dlkit.models.Sequential(
        dlkit.layers.Dense(X_train.shape[1], 16, rng=rng),
        dlkit.layers.ReLU(),
        dlkit.layers.Dense(16, 1, rng=rng),
    )
    model.compile(optimizer="adam", loss="mse", lr=0.01)
    model.fit(X_train, 3.0 * y_train - 1.0, epochs=60, batch_size=32, rng=rng, verbose=0)
    return model


def build_and_train_heart__two_softmax_outputs(X_train, y_train, rng=None):
    """Two softmax outputs (one per class): predict has shape (n, 2), not (n, 1)."""
    rng = np.random.default_rng(0 if rng is None else rng)
    model = dlkit.models.Sequential(
        dlkit.layers.Dense(X_train.shape[1], 16, rng=rng),
        dlkit.layers.ReLU(),
        dlkit.layers.Dense(16, 2, rng=rng),
        dlkit.layers.Softmax(),
    )
    model.compile(optimizer="adam", loss="categorical_cross_entropy", lr=0.01)
    model.fit(X_train, y_train, epochs=60, batch_size=32, rng=rng, verbose=0)
    return model


def build_and_train_heart__returns_history(X_train, y_train, rng=None):
    """Returns what fit returns (a History) instead of the model."""
    rng = np.random.default_rng(0 if rng is None else rng)
    model = dlkit.models.Sequential(
        dlkit.layers.Dense(X_train.shape[1], 16, rng=rng),
        dlkit.layers.ReLU(),
        dlkit.layers.Dense(16, 1, rng=rng),
        dlkit.layers.Sigmoid(),
    )
    model.compile(optimizer="adam", loss="binary_cross_entropy", lr=0.01)
    return model.fit(X_train, y_train, epochs=60, batch_size=32, rng=rng, verbose=0)


def build_and_train_heart__checkpoint_in_cwd(X_train, y_train, rng=None):
    """A good model, but ModelCheckpoint writes best.npz into the current folder."""
    rng = np.random.default_rng(0 if rng is None else rng)
    model = dlkit.models.Sequential(
        dlkit.layers.Dense(X_train.shape[1], 16, rng=rng),
        dlkit.layers.ReLU(),
        dlkit.layers.Dense(16, 1, rng=rng),
        dlkit.layers.Sigmoid(),
    )
    model.compile(optimizer="adam", loss="binary_cross_entropy", lr=0.01)
    import atexit
    import os

    path = os.path.abspath("best_heart_mutant.npz")
    atexit.register(lambda: os.path.exists(path) and os.remove(path))  # tidy up after the test run
    checkpoint = dlkit.callbacks.ModelCheckpoint(path, save_best_only=True)
    model.fit(X_train, y_train, epochs=60, batch_size=32, validation_split=0.2, rng=rng,
              callbacks=[dlkit.callbacks.EarlyStopping(patience=15), checkpoint], verbose=0)  # fmt: skip
    return model


def build_and_train_heart__loads_all_patients(X_train, y_train, rng=None):
    """Trains on every patient from dlkit.data.heart_disease, the held-out ones included."""
    X, y = dlkit.data.heart_disease()
    medians = dlkit.data.column_medians(X)
    cats = {j: list(c) for j, c in dlkit.data.HEART_CATEGORICAL.values()}
    X = dlkit.data.standardize(
        dlkit.data.encode_categorical(dlkit.data.fill_missing(X, medians), cats)
    )
    rng = np.random.default_rng(0 if rng is None else rng)
    model = dlkit.models.Sequential(
        dlkit.layers.Dense(X.shape[1], 1, rng=rng), dlkit.layers.Sigmoid()
    )
    model.compile(optimizer="adam", loss="binary_cross_entropy", lr=0.01)
    model.fit(X, y, epochs=60, batch_size=32, rng=rng, verbose=0)
    return model


def build_and_train_heart__ok_logistic_regression(X_train, y_train, rng=None):
    """Correct: logistic regression (no hidden layer) is good enough here."""
    rng = np.random.default_rng(0 if rng is None else rng)
    model = dlkit.models.Sequential(
        dlkit.layers.Dense(X_train.shape[1], 1, rng=rng), dlkit.layers.Sigmoid()
    )
    model.compile(optimizer="adam", loss="binary_cross_entropy", lr=0.01)
    model.fit(X_train, y_train, epochs=100, batch_size=32, rng=rng, verbose=0)
    return model


def build_and_train_heart__ok_sgd_l2_early_stopping(X_train, y_train, rng=None):
    """Correct: 32 tanh units with L2, SGD with momentum, early stopping on a validation split."""
    rng = np.random.default_rng(0 if rng is None else rng)
    model = dlkit.models.Sequential(
        dlkit.layers.Dense(X_train.shape[1], 32, rng=rng, l2=1e-3),
        dlkit.layers.Tanh(),
        dlkit.layers.Dense(32, 1, rng=rng),
        dlkit.layers.Sigmoid(),
    )
    model.compile(optimizer=dlkit.optim.SGD(lr=0.02, momentum=0.9), loss="binary_cross_entropy")
    model.fit(X_train, y_train, epochs=200, batch_size=16, validation_split=0.2, rng=rng, verbose=0,
              callbacks=[dlkit.callbacks.EarlyStopping(patience=20)])  # fmt: skip
    return model
