"""Delegation catalogue for 08_heart_disease: answers that hand the exercise to dlkit.

See tests/mutants/delegation/00_getting_started.py for the format. build_and_train_heart
is meant to use dlkit's modelling API; what it may not do is load data itself (the
held-out patients the hidden test draws would leak into training).
"""

import numpy as np

import dlkit

# ---------------------------------------------------------------------- column_medians


def column_medians__delegates_imported_alias(X):
    """The reference under another name: `dlkit.data.column_medians` imported as medians."""
    from dlkit.data import column_medians as medians

    return medians(X)


def column_medians__delegates_module_dict(X):
    """The reference looked up in the module's namespace: `dlkit.data.column_medians`."""
    return vars(dlkit.data)["column_medians"](X)


# ---------------------------------------------------------------------- fill_missing


def fill_missing__delegates_imported_alias(X, values):
    """The reference under another name: `dlkit.data.fill_missing` imported as fill."""
    from dlkit.data import fill_missing as fill

    return fill(X, values)


def fill_missing__delegates_module_dict(X, values):
    """The reference looked up in the module's namespace: `dlkit.data.fill_missing`."""
    return vars(dlkit.data)["fill_missing"](X, values)


# ---------------------------------------------------------------------- encode_categorical


def encode_categorical__delegates_one_hot(X, categories):
    """A public sibling: `dlkit.losses.one_hot` of each value's position in its list."""
    X = np.asarray(X, dtype=float)
    others = [j for j in range(X.shape[1]) if j not in categories]
    blocks = [X[:, others]]
    for j in sorted(categories):
        match = X[:, [j]] == np.asarray(categories[j], dtype=float)
        block = dlkit.losses.one_hot(match.argmax(axis=1), len(categories[j]))
        blocks.append(block * match.any(axis=1)[:, None])
    return np.concatenate(blocks, axis=1)


def encode_categorical__delegates_imported_alias(X, categories):
    """The reference under another name: `dlkit.data.encode_categorical` imported as encode."""
    from dlkit.data import encode_categorical as encode

    return encode(X, categories)


# ---------------------------------------------------------------------- precision_recall_f1


def precision_recall_f1__delegates_confusion_matrix(y_true, y_pred):
    """A public sibling: the counts from `dlkit.metrics.confusion_matrix`."""
    (tn, fp), (fn, tp) = dlkit.metrics.confusion_matrix(y_true, y_pred, 2)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return float(precision), float(recall), float(f1)


def precision_recall_f1__delegates_imported_alias(y_true, y_pred):
    """The reference under another name: `dlkit.metrics.precision_recall_f1` imported as prf."""
    from dlkit.metrics import precision_recall_f1 as prf

    return prf(y_true, y_pred)


# ---------------------------------------------------------------------- roc_curve


def roc_curve__delegates_private_counts(y_true, scores):
    """A private helper: `dlkit.metrics._cumulative_counts` gives thresholds and counts."""
    y_true = np.asarray(y_true).astype(np.int64)
    thresholds, tp, fp = dlkit.metrics._cumulative_counts(y_true, np.asarray(scores, dtype=float))
    return np.r_[0.0, fp / fp[-1]], np.r_[0.0, tp / tp[-1]], np.r_[np.inf, thresholds]


def roc_curve__delegates_module_dict(y_true, scores):
    """The reference looked up in the module's namespace: `dlkit.metrics.roc_curve`."""
    return vars(dlkit.metrics)["roc_curve"](y_true, scores)


# ---------------------------------------------------------------------- roc_auc


def roc_auc__delegates_roc_curve(y_true, scores):
    """A public sibling: trapezoids under `dlkit.metrics.roc_curve`."""
    fpr, tpr, _ = dlkit.metrics.roc_curve(y_true, scores)
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))


def roc_auc__delegates_imported_alias(y_true, scores):
    """The reference under another name: `dlkit.metrics.roc_auc` imported as auc."""
    from dlkit.metrics import roc_auc as auc

    return auc(y_true, scores)


# ---------------------------------------------------------------------- threshold_for_recall


def threshold_for_recall__delegates_roc_curve(y_true, scores, min_recall):
    """A public sibling: the first threshold of `dlkit.metrics.roc_curve` whose tpr is enough."""
    _, tpr, thresholds = dlkit.metrics.roc_curve(y_true, scores)
    return float(thresholds[1:][np.argmax(tpr[1:] >= min_recall)])


def threshold_for_recall__delegates_precision_recall(y_true, scores, min_recall):
    """A public sibling: the recall of each threshold from `dlkit.metrics.precision_recall_f1`."""
    scores = np.asarray(scores, dtype=float)
    for t in np.unique(scores)[::-1]:
        if dlkit.metrics.precision_recall_f1(y_true, (scores >= t).astype(int))[1] >= min_recall:
            return float(t)
    return float(scores.min())


# ---------------------------------------------------------------------- kfold_indices


def kfold_indices__delegates_imported_alias(n, k, rng=None):
    """The reference under another name: `dlkit.data.kfold_indices` imported as folds."""
    from dlkit.data import kfold_indices as folds

    return folds(n, k, rng=rng)


def kfold_indices__delegates_module_dict(n, k, rng=None):
    """The reference looked up in the module's namespace: `dlkit.data.kfold_indices`."""
    return vars(dlkit.data)["kfold_indices"](n, k, rng=rng)


# ---------------------------------------------------------------------- build_and_train_heart


def build_and_train_heart__delegates_all_patients(X_train, y_train, rng=None):
    """Trains on every patient from `dlkit.data.heart_disease`, the held-out ones included."""
    X, y = dlkit.data.heart_disease()
    cats = {j: list(c) for j, c in dlkit.data.HEART_CATEGORICAL.values()}
    X = dlkit.data.encode_categorical(dlkit.data.fill_missing(X, np.nanmedian(X, axis=0)), cats)
    X = dlkit.data.standardize(X)
    rng = np.random.default_rng(0 if rng is None else rng)
    model = dlkit.models.Sequential(
        dlkit.layers.Dense(X.shape[1], 1, rng=rng), dlkit.layers.Sigmoid()
    )
    model.compile(optimizer="adam", loss="binary_cross_entropy", lr=0.01)
    model.fit(X, y, epochs=60, batch_size=32, rng=rng, verbose=0)
    return model


def build_and_train_heart__delegates_cached_table(X_train, y_train, rng=None):
    """The same leak through the private, cached `dlkit.data._heart_table`."""
    table = dlkit.data._heart_table()
    X, y = table[:, :13], (table[:, 13] > 0).astype(int)
    X = np.where(np.isnan(X), np.nanmedian(X, axis=0), X)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    rng = np.random.default_rng(0 if rng is None else rng)
    model = dlkit.models.Sequential(
        dlkit.layers.Dense(X.shape[1], 1, rng=rng), dlkit.layers.Sigmoid()
    )
    model.compile(optimizer="adam", loss="binary_cross_entropy", lr=0.01)
    model.fit(X, y, epochs=60, batch_size=32, rng=rng, verbose=0)
    return model


def build_and_train_heart__ok_dlkit_split_and_callbacks(X_train, y_train, rng=None):
    """Correct: dlkit's split, model, optimizer, metrics and all three callbacks are allowed."""
    import tempfile

    rng = np.random.default_rng(0 if rng is None else rng)
    X_fit, X_val, y_fit, y_val = dlkit.data.train_val_split(X_train, y_train, 0.2, rng=rng)
    model = dlkit.models.Sequential(
        dlkit.layers.Dense(X_train.shape[1], 8, rng=rng),
        dlkit.layers.ReLU(),
        dlkit.layers.Dense(8, 1, rng=rng),
        dlkit.layers.Sigmoid(),
    )
    model.compile(optimizer=dlkit.optim.Adam(lr=5e-3), loss="binary_cross_entropy")
    with tempfile.TemporaryDirectory() as folder:
        checkpoint = dlkit.callbacks.ModelCheckpoint(f"{folder}/w.npz", save_best_only=True)
        model.fit(X_fit, y_fit, epochs=200, batch_size=32, validation_data=(X_val, y_val), rng=rng,
                  callbacks=[dlkit.callbacks.EarlyStopping(patience=15), dlkit.callbacks.ReduceLROnPlateau(),
                             checkpoint], verbose=0)  # fmt: skip
        model.load(checkpoint.last_path)
    assert dlkit.metrics.roc_auc(y_val, model.predict(X_val)[:, 0]) > 0.5
    return model
