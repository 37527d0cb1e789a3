"""Delegation catalogue for 07_capstone: answers that hand the exercise to dlkit.

See tests/mutants/delegation/00_getting_started.py for the format. build_and_train is
meant to use dlkit's modelling API; what it may not do is load data itself (the held-out
digits the hidden test draws would leak into training).
"""

import numpy as np

import dlkit

# ---------------------------------------------------------------------- fit_standardizer


def fit_standardizer__delegates_private_column_stats(X):
    """The private helper behind the reference: `dlkit.data._column_stats`."""
    mean, std, _ = dlkit.data._column_stats(np.asarray(X, dtype=float))
    return mean, std


def fit_standardizer__delegates_standardize(X):
    """A public sibling: the std recovered from `dlkit.data.standardize`."""
    X = np.asarray(X, dtype=float)
    Z = dlkit.data.standardize(X)
    mean = X.mean(axis=0)
    moving = np.abs(Z).sum(axis=0) > 0
    std = np.ones(X.shape[1])
    std[moving] = ((X - mean)[:, moving] ** 2).sum(axis=0) / ((X - mean) * Z)[:, moving].sum(axis=0)
    return mean, std


def fit_standardizer__delegates_batchnorm(X):
    """An object: a `dlkit.layers.BatchNorm.__init__` layer measures the batch."""
    X = np.asarray(X, dtype=float)
    layer = dlkit.layers.BatchNorm(X.shape[1], momentum=1.0)
    layer.forward(X)
    std = np.sqrt(layer.buffers["running_var"])  # momentum 1: the batch's own statistics
    return layer.buffers["running_mean"], np.where(std == 0, 1.0, std)


# ---------------------------------------------------------------------- apply_standardizer


def apply_standardizer__delegates_dense_forward(X, mean, std):
    """A public sibling: `dlkit.layers.dense_forward` with W = diag(1/std), b = -mean/std."""
    return dlkit.layers.dense_forward(X, np.diag(1.0 / std), -mean / std)


def apply_standardizer__delegates_imported_alias(X, mean, std):
    """The reference under another name: `dlkit.data.apply_standardizer` imported as apply."""
    from dlkit.data import apply_standardizer as apply

    return apply(X, mean, std)


# ---------------------------------------------------------------------- confusion_matrix


def confusion_matrix__delegates_one_hot_product(y_true, y_pred, n_classes):
    """A public sibling: the product of two `dlkit.losses.one_hot` matrices."""
    T = dlkit.losses.one_hot(y_true, n_classes)
    P = dlkit.losses.one_hot(y_pred, n_classes)
    return (T.T @ P).astype(np.int64)


def confusion_matrix__delegates_module_dict(y_true, y_pred, n_classes):
    """The reference looked up in the module's namespace: `dlkit.metrics.confusion_matrix`."""
    return vars(dlkit.metrics)["confusion_matrix"](y_true, y_pred, n_classes)


# ---------------------------------------------------------------------- build_and_train


def build_and_train__delegates_all_digits(X_train, y_train, rng=None):
    """Trains on every digit from `dlkit.data.digits`, the held-out ones included."""
    X, y = dlkit.data.digits()
    X = dlkit.data.standardize(X)
    rng = np.random.default_rng(0 if rng is None else rng)
    model = dlkit.models.Sequential(
        dlkit.layers.Dense(64, 128, rng=rng),
        dlkit.layers.ReLU(),
        dlkit.layers.Dense(128, 10, rng=rng),
        dlkit.layers.Softmax(),
    )
    model.compile(optimizer="adam", loss="categorical_cross_entropy")
    model.fit(X, y, epochs=30, batch_size=32, rng=rng, verbose=0)
    return model


def build_and_train__delegates_cached_digits(X_train, y_train, rng=None):
    """The same leak through the private, cached `dlkit.data._digits_arrays`."""
    X, y = dlkit.data._digits_arrays()
    X = dlkit.data.standardize(X)
    rng = np.random.default_rng(0 if rng is None else rng)
    model = dlkit.models.Sequential(
        dlkit.layers.Dense(64, 128, rng=rng),
        dlkit.layers.ReLU(),
        dlkit.layers.Dense(128, 10, rng=rng),
        dlkit.layers.Softmax(),
    )
    model.compile(optimizer="adam", loss="categorical_cross_entropy")
    model.fit(X, y, epochs=30, batch_size=32, rng=rng, verbose=0)
    return model


def build_and_train__ok_dlkit_split_and_callbacks(X_train, y_train, rng=None):
    """Correct: dlkit's split, one-hot, model, optimizer and callbacks are all allowed."""
    rng = np.random.default_rng(0 if rng is None else rng)
    X_fit, X_val, y_fit, y_val = dlkit.data.train_val_split(X_train, y_train, 0.1, rng=rng)
    model = dlkit.models.Sequential(
        dlkit.layers.Dense(X_train.shape[1], 128, rng=rng),
        dlkit.layers.ReLU(),
        dlkit.layers.Dense(128, 10, rng=rng),
        dlkit.layers.Softmax(),
    )
    model.compile(optimizer=dlkit.optim.Adam(lr=1e-3), loss="categorical_cross_entropy")
    model.fit(
        X_fit,
        dlkit.losses.one_hot(y_fit, 10),
        epochs=60,
        batch_size=32,
        rng=rng,
        verbose=0,
        validation_data=(X_val, dlkit.losses.one_hot(y_val, 10)),
        callbacks=[dlkit.callbacks.EarlyStopping(patience=8)],
    )
    return model
