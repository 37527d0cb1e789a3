"""Delegation catalogue for 00_getting_started: answers that hand the exercise to dlkit.

Each ``<exercise>__delegates_<how>`` is a short answer that gets its numbers from dlkit
through a public sibling, an object, a private helper or another name for the reference.
Every one must fail a test cell of its exercise with check_not_delegating's message, naming
the dlkit function in backquotes in its docstring (the first one called). Bodies run in
the notebook's namespace (np, dlkit).
"""

import numpy as np

import dlkit

# ---------------------------------------------------------------------- standardize


def standardize__delegates_fit_and_apply(X):
    """Public siblings: `dlkit.data.fit_standardizer`, then apply_standardizer."""
    X = np.asarray(X, dtype=float)
    return dlkit.data.apply_standardizer(X, *dlkit.data.fit_standardizer(X))


def standardize__delegates_column_stats(X):
    """A private helper: `dlkit.data._column_stats` gives the means and safe stds."""
    X = np.asarray(X, dtype=float)
    mean, std, _ = dlkit.data._column_stats(X)
    return (X - mean) / std


def standardize__delegates_imported_alias(X):
    """The reference under another name: `dlkit.data.standardize` imported as scale."""
    from dlkit.data import standardize as scale

    return scale(X)


# ---------------------------------------------------------------------- accuracy


def accuracy__delegates_confusion_matrix(y_true, y_pred):
    """A public sibling: the diagonal of `dlkit.metrics.confusion_matrix`."""
    C = dlkit.metrics.confusion_matrix(y_true, y_pred)
    return float(np.trace(C) / C.sum())


def accuracy__delegates_n_correct(y_true, y_pred):
    """A private helper of the training loop: `dlkit.train._n_correct` on one-hot rows."""
    y_true, y_pred = np.asarray(y_true).astype(int), np.asarray(y_pred).astype(int)
    k = int(max(y_true.max(), y_pred.max())) + 1
    return dlkit.train._n_correct(np.eye(k)[y_true], np.eye(k)[y_pred]) / len(y_true)


def accuracy__delegates_getattr(y_true, y_pred):
    """The reference looked up by name: getattr(dlkit.metrics, ...) is `dlkit.metrics.accuracy`."""
    return getattr(dlkit.metrics, "accuracy")(y_true, y_pred)  # noqa: B009


# ---------------------------------------------------------------------- linear_predict


def linear_predict__delegates_neuron(X, w, b):
    """A public sibling: `dlkit.perceptron.neuron` with the identity activation."""
    return dlkit.perceptron.neuron(X, w, b, "identity")


def linear_predict__delegates_dense_forward(X, w, b):
    """A public sibling: `dlkit.layers.dense_forward` with one output unit."""
    return dlkit.layers.dense_forward(X, np.reshape(w, (-1, 1)), np.array([b])).ravel()


def linear_predict__delegates_dense_layer(X, w, b):
    """An object: a `dlkit.layers.Dense.__init__` layer whose weights are set to w and b."""
    layer = dlkit.layers.Dense(len(w), 1)
    layer.params["W"], layer.params["b"] = np.reshape(w, (-1, 1)), np.array([float(b)])
    return layer.forward(X).ravel()
