"""Mutants for 07_capstone: plausible wrong answers each test cell must catch.

Each function ``<exercise>__<mistake>`` stands for one student mistake; functions named
``<exercise>__ok_<variant>`` are different but correct answers that must pass.
Bodies are self-contained: they run in the notebook's namespace (np and dlkit).
"""

import numpy as np

import dlkit

# ------------------------------------------------------------------------------ fit_standardizer


def fit_standardizer__no_constant_fix(X):
    """Keeps a standard deviation of 0 for constant columns (0 / 0 = nan later)."""
    return X.mean(axis=0), X.std(axis=0)


def fit_standardizer__per_row(X):
    """Wrong axis: statistics of each sample (row) instead of each feature."""
    std = X.std(axis=1)
    return X.mean(axis=1), np.where(std == 0, 1.0, std)


def fit_standardizer__ddof1(X):
    """Sample standard deviation (ddof=1) instead of the population one."""
    std = X.std(axis=0, ddof=1)
    return X.mean(axis=0), np.where(std == 0, 1.0, std)


def fit_standardizer__returns_std_mean(X):
    """Returns the pair in the wrong order, (std, mean)."""
    std = X.std(axis=0)
    return np.where(std == 0, 1.0, std), X.mean(axis=0)


def fit_standardizer__global_statistics(X):
    """One mean and one standard deviation for the whole array, broadcast to every column."""
    mean = np.full(X.shape[1], X.mean())
    return mean, np.full(X.shape[1], X.std())


def fit_standardizer__constant_to_zero_mean(X):
    """Fixes constant columns by zeroing their mean instead of setting std to 1."""
    std = X.std(axis=0)
    mean = np.where(std == 0, 0.0, X.mean(axis=0))
    return mean, np.where(std == 0, 1.0, std)


def fit_standardizer__centres_in_place(X):
    """Subtracts the mean from the caller's X in place while computing the std."""
    mean = X.mean(axis=0)
    X -= mean
    std = np.sqrt((X**2).mean(axis=0))
    return mean, np.where(std == 0, 1.0, std)


def fit_standardizer__delegates(X):
    """Calls dlkit's reference."""
    return dlkit.data.fit_standardizer(X)


def fit_standardizer__ok_mask_assignment(X):
    """Correct: std[std == 0] = 1 on the computed array."""
    mean = X.mean(axis=0)
    std = X.std(axis=0)
    std[std == 0] = 1.0
    return mean, std


def fit_standardizer__ok_by_hand(X):
    """Correct: sums written out, and np.ptp to find constant columns."""
    X = np.asarray(X, dtype=float)
    n = X.shape[0]
    mean = X.sum(axis=0) / n
    std = np.sqrt(((X - mean) ** 2).sum(axis=0) / n)
    return mean, np.where(np.ptp(X, axis=0) == 0, 1.0, std)


# ------------------------------------------------------------------------------ apply_standardizer


def apply_standardizer__recomputes_statistics(X, mean, std):
    """The leak: standardises X with its own statistics, ignoring the training ones."""
    own_std = X.std(axis=0)
    return (X - X.mean(axis=0)) / np.where(own_std == 0, 1.0, own_std)


def apply_standardizer__subtract_only(X, mean, std):
    """Centres but forgets to divide by the standard deviation."""
    return X - mean


def apply_standardizer__multiplies(X, mean, std):
    """Multiplies by the standard deviation instead of dividing."""
    return (X - mean) * std


def apply_standardizer__wrong_order(X, mean, std):
    """Divides first, then subtracts: X / std - mean."""
    return X / std - mean


def apply_standardizer__in_place(X, mean, std):
    """Standardises the caller's array in place and returns it."""
    X -= mean
    X /= std
    return X


def apply_standardizer__delegates(X, mean, std):
    """Calls dlkit's reference."""
    return dlkit.data.apply_standardizer(X, mean, std)


def apply_standardizer__ok_numpy_ufuncs(X, mean, std):
    """Correct: np.divide(np.subtract(X, mean), std)."""
    return np.divide(np.subtract(X, mean), std)


def apply_standardizer__ok_copy_then_in_place(X, mean, std):
    """Correct: a float copy of X, updated in place."""
    Z = np.array(X, dtype=float)
    Z -= mean
    Z /= std
    return Z


# ------------------------------------------------------------------------------ confusion_matrix


def confusion_matrix__transposed(y_true, y_pred, n_classes):
    """Rows are predicted classes, columns true ones."""
    C = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(C, (y_pred, y_true), 1)
    return C


def confusion_matrix__n_classes_from_data(y_true, y_pred, n_classes):
    """Ignores n_classes: the size comes from the largest label seen."""
    k = int(max(y_true.max(), y_pred.max())) + 1
    C = np.zeros((k, k), dtype=np.int64)
    np.add.at(C, (y_true, y_pred), 1)
    return C


def confusion_matrix__python_loop(y_true, y_pred, n_classes):
    """Counts with a Python loop over the samples."""
    C = np.zeros((n_classes, n_classes), dtype=np.int64)
    for t, p in zip(y_true, y_pred):
        C[t, p] += 1
    return C


def confusion_matrix__fancy_index_increment(y_true, y_pred, n_classes):
    """C[y_true, y_pred] += 1: repeated pairs are counted only once."""
    C = np.zeros((n_classes, n_classes), dtype=np.int64)
    C[y_true, y_pred] += 1
    return C


def confusion_matrix__float_counts(y_true, y_pred, n_classes):
    """np.zeros without a dtype: the counts come out as floats."""
    C = np.zeros((n_classes, n_classes))
    np.add.at(C, (y_true, y_pred), 1)
    return C


def confusion_matrix__delegates(y_true, y_pred, n_classes):
    """Calls dlkit's reference."""
    return dlkit.metrics.confusion_matrix(y_true, y_pred, n_classes)


def confusion_matrix__ok_bincount(y_true, y_pred, n_classes):
    """Correct: one code per pair, counted with np.bincount."""
    codes = np.asarray(y_true) * n_classes + np.asarray(y_pred)
    return np.bincount(codes, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def confusion_matrix__ok_one_hot_product(y_true, y_pred, n_classes):
    """Correct: the product of the one-hot matrices, T.T @ P."""
    classes = np.arange(n_classes)
    T = (np.asarray(y_true)[:, None] == classes).astype(np.int64)
    P = (np.asarray(y_pred)[:, None] == classes).astype(np.int64)
    return T.T @ P


# ------------------------------------------------------------------------------ build_and_train


def build_and_train__untrained(X_train, y_train, rng=None):
    """Builds and compiles the model but never calls fit."""
    rng = np.random.default_rng(0 if rng is None else rng)
    model = dlkit.models.Sequential(
        dlkit.layers.Dense(X_train.shape[1], 128, rng=rng),
        dlkit.layers.ReLU(),
        dlkit.layers.Dense(128, 10, rng=rng),
        dlkit.layers.Softmax(),
    )
    model.compile(optimizer="adam", loss="categorical_cross_entropy", metrics=["accuracy"])
    return model


def build_and_train__one_epoch(X_train, y_train, rng=None):
    """Trains for a single epoch (fit's default), far too briefly."""
    rng = np.random.default_rng(0 if rng is None else rng)
    model = dlkit.models.Sequential(
        dlkit.layers.Dense(X_train.shape[1], 128, rng=rng),
        dlkit.layers.ReLU(),
        dlkit.layers.Dense(128, 10, rng=rng),
        dlkit.layers.Softmax(),
    )
    model.compile(optimizer="adam", loss="categorical_cross_entropy", metrics=["accuracy"])
    model.fit(X_train, y_train, batch_size=32, rng=rng, verbose=0)
    return model


def build_and_train__bottleneck(X_train, y_train, rng=None):
    """A hidden layer of 2 units: too narrow to separate 10 classes."""
    rng = np.random.default_rng(0 if rng is None else rng)
    model = dlkit.models.Sequential(
        dlkit.layers.Dense(X_train.shape[1], 2, rng=rng),
        dlkit.layers.ReLU(),
        dlkit.layers.Dense(2, 10, rng=rng),
        dlkit.layers.Softmax(),
    )
    model.compile(optimizer="adam", loss="categorical_cross_entropy", metrics=["accuracy"])
    model.fit(X_train, y_train, epochs=40, batch_size=32, rng=rng, verbose=0)
    return model


def build_and_train__no_softmax(X_train, y_train, rng=None):
    """No output softmax (trained on logits): predict returns scores, not probabilities."""
    rng = np.random.default_rng(0 if rng is None else rng)
    model = dlkit.models.Sequential(
        dlkit.layers.Dense(X_train.shape[1], 128, rng=rng),
        dlkit.layers.ReLU(),
        dlkit.layers.Dense(128, 10, rng=rng),
    )
    model.compile(optimizer="adam", loss="cross_entropy_from_logits", metrics=["accuracy"])
    model.fit(X_train, y_train, epochs=40, batch_size=32, rng=rng, verbose=0)
    return model


def build_and_train__returns_history(X_train, y_train, rng=None):
    """Returns what fit returns (the History), not the model."""
    rng = np.random.default_rng(0 if rng is None else rng)
    model = dlkit.models.Sequential(
        dlkit.layers.Dense(X_train.shape[1], 128, rng=rng),
        dlkit.layers.ReLU(),
        dlkit.layers.Dense(128, 10, rng=rng),
        dlkit.layers.Softmax(),
    )
    model.compile(optimizer="adam", loss="categorical_cross_entropy", metrics=["accuracy"])
    return model.fit(X_train, y_train, epochs=40, batch_size=32, rng=rng, verbose=0)


def build_and_train__learning_rate_too_small(X_train, y_train, rng=None):
    """Plain gradient descent with lr=1e-4: the loss hardly moves in 40 epochs."""
    rng = np.random.default_rng(0 if rng is None else rng)
    model = dlkit.models.Sequential(
        dlkit.layers.Dense(X_train.shape[1], 128, rng=rng),
        dlkit.layers.ReLU(),
        dlkit.layers.Dense(128, 10, rng=rng),
        dlkit.layers.Softmax(),
    )
    model.compile(optimizer="sgd", loss="categorical_cross_entropy", metrics=["accuracy"], lr=1e-4)
    model.fit(X_train, y_train, epochs=40, batch_size=32, rng=rng, verbose=0)
    return model


def build_and_train__ok_early_stopping(X_train, y_train, rng=None):
    """Correct: 128 hidden units, validation_split with EarlyStopping and ReduceLROnPlateau."""
    rng = np.random.default_rng(0 if rng is None else rng)
    model = dlkit.models.Sequential(
        dlkit.layers.Dense(X_train.shape[1], 128, rng=rng),
        dlkit.layers.ReLU(),
        dlkit.layers.Dense(128, 10, rng=rng),
        dlkit.layers.Softmax(),
    )
    model.compile(optimizer="adam", loss="categorical_cross_entropy", metrics=["accuracy"])
    model.fit(
        X_train,
        y_train,
        epochs=150,
        batch_size=32,
        validation_split=0.15,
        callbacks=[
            dlkit.callbacks.EarlyStopping(patience=10),
            dlkit.callbacks.ReduceLROnPlateau(factor=0.5, patience=3),
        ],
        rng=rng,
        verbose=0,
    )
    return model


def build_and_train__ok_two_hidden_layers_momentum(X_train, y_train, rng=None):
    """Correct: two tanh hidden layers, one-hot targets, momentum, float32."""
    rng = np.random.default_rng(0 if rng is None else rng)
    model = dlkit.models.Sequential(
        dlkit.layers.Dense(X_train.shape[1], 96, init="xavier", rng=rng, dtype=np.float32),
        dlkit.layers.Tanh(),
        dlkit.layers.Dense(96, 48, init="xavier", rng=rng, dtype=np.float32),
        dlkit.layers.Tanh(),
        dlkit.layers.Dense(48, 10, init="xavier", rng=rng, dtype=np.float32),
        dlkit.layers.Softmax(),
    )
    model.compile(optimizer="momentum", loss="categorical_cross_entropy", lr=0.1, beta=0.9)
    Y = dlkit.losses.one_hot(y_train, 10)
    model.fit(X_train, Y, epochs=40, batch_size=64, rng=rng, verbose=0)
    return model
