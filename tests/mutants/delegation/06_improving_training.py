"""Delegation catalogue for 06_improving_training: answers that hand the exercise to dlkit.

See tests/mutants/delegation/00_getting_started.py for the format. EarlyStopping is a
class exercise: its variants are classes.
"""

import numpy as np

import dlkit

# ---------------------------------------------------------------------- train_val_split


def train_val_split__delegates_private_n_val(X, y, val_fraction=0.1, rng=None):
    """Counts the validation samples with the private `dlkit.data._n_val`."""
    X, y = np.asarray(X), np.asarray(y)
    rng = np.random.default_rng(0 if rng is None else rng)
    n_val = dlkit.data._n_val(len(X), val_fraction, "val_fraction")
    order = rng.permutation(len(X))
    return X[order[n_val:]], X[order[:n_val]], y[order[n_val:]], y[order[:n_val]]


def train_val_split__delegates_imported_alias(X, y, val_fraction=0.1, rng=None):
    """The reference under another name: `dlkit.data.train_val_split` imported as split."""
    from dlkit.data import train_val_split as split

    return split(X, y, val_fraction, rng=0 if rng is None else rng)


# ---------------------------------------------------------------------- dropout_forward


def dropout_forward__delegates_dropout_layer(A, p_drop, rng, training=True):
    """An object: a `dlkit.layers.Dropout.__init__` layer."""
    if not training:
        return A, None
    layer = dlkit.layers.Dropout(p_drop, rng=rng)
    out = layer.forward(A)
    return out, out != 0


def dropout_forward__delegates_private_p_drop(A, p_drop, rng, training=True):
    """Checks p_drop with the private `dlkit.regularization._p_drop`."""
    if not training:
        return A, None
    p = dlkit.regularization._p_drop(p_drop)
    mask = rng.random(A.shape) < 1 - p
    return A * mask / (1 - p), mask


# ---------------------------------------------------------------------- dropout_backward


def dropout_backward__delegates_dropout_layer(dout, mask, p_drop):
    """An object: a `dlkit.layers.Dropout.__init__` layer given the mask, then its backward."""
    layer = dlkit.layers.Dropout(p_drop)
    layer.mask = mask
    return layer.backward(dout)


def dropout_backward__delegates_private_p_drop(dout, mask, p_drop):
    """Checks p_drop with the private `dlkit.regularization._p_drop`."""
    p = dlkit.regularization._p_drop(p_drop)
    if mask is None:
        return dout
    return dout * mask / (1 - p)


# ---------------------------------------------------------------------- l2_penalty


def l2_penalty__delegates_private_weights(params, lam):
    """Collects the weights with the private `dlkit.regularization._weights`."""
    return 0.5 * lam * sum(float(np.sum(W**2)) for W in dlkit.regularization._weights(params))


def l2_penalty__delegates_l2_grad(params, lam):
    """A public sibling: sum of W * `dlkit.regularization.l2_grad`(W, lam), halved."""
    return 0.5 * sum(float(np.sum(W * dlkit.regularization.l2_grad(W, lam))) for W, _ in params)


# ---------------------------------------------------------------------- l2_grad


def l2_grad__delegates_numerical_gradient(W, lam):
    """Differentiates dlkit's penalty with `dlkit.gradcheck.numerical_gradient`."""
    f = lambda V: dlkit.regularization.l2_penalty([(V, None)], lam)  # noqa: E731
    return dlkit.gradcheck.numerical_gradient(f, np.array(W, dtype=float)).astype(W.dtype)


def l2_grad__delegates_module_dict(W, lam):
    """The reference looked up in the module's namespace: `dlkit.regularization.l2_grad`."""
    return vars(dlkit.regularization)["l2_grad"](W, lam)


# ---------------------------------------------------------------------- add_l2_grads


def add_l2_grads__delegates_gd_step(grads, params, lam):
    """A sibling does the arithmetic: `dlkit.optim.gd_step`(dW, -W, lam) is dW + lam * W."""
    return [
        (dlkit.optim.gd_step(dW, -W, lam), db)
        for (dW, db), (W, _) in zip(grads, params, strict=True)
    ]


def add_l2_grads__delegates_private_weights(grads, params, lam):
    """Collects the weights with the private `dlkit.regularization._weights`."""
    weights = dlkit.regularization._weights(params)
    return [(dW + lam * W, db) for (dW, db), W in zip(grads, weights, strict=True)]


def add_l2_grads__delegates_numerical_gradient(grads, params, lam):
    """Differentiates dlkit's penalty with `dlkit.gradcheck.numerical_gradient`."""
    out = []
    for (dW, db), (W, _) in zip(grads, params, strict=True):
        f = lambda V: dlkit.regularization.l2_penalty([V], lam)  # noqa: E731
        out.append((dW + dlkit.gradcheck.numerical_gradient(f, np.array(W, dtype=float)), db))
    return out


# ---------------------------------------------------------------------- EarlyStopping


class EarlyStopping__delegates_subclass(dlkit.callbacks.EarlyStopping):
    """Inherits everything from the reference: `dlkit.callbacks.EarlyStopping.__init__`."""


class EarlyStopping__delegates_wrapped_reference:
    """Wraps a `dlkit.callbacks.EarlyStopping.__init__` object and copies its attributes."""

    def __init__(self, patience=5, min_delta=0.0):
        self._inner = dlkit.callbacks.EarlyStopping(patience, min_delta)
        self.patience, self.min_delta = patience, min_delta
        self.best, self.best_epoch, self.wait = np.inf, None, 0

    def update(self, val_loss):
        stop = self._inner.update(val_loss)
        self.best, self.best_epoch, self.wait = (
            self._inner.best,
            self._inner.best_epoch,
            self._inner.wait,
        )
        return stop


class EarlyStopping__delegates_plateau_counter:
    """A sibling object counts the bad epochs: `dlkit.optim.PlateauSchedule.__init__`."""

    def __init__(self, patience=5, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self._plateau = dlkit.optim.PlateauSchedule(lr=1.0, patience=10**9, min_delta=min_delta)
        self.best, self.best_epoch, self.wait, self._n = np.inf, None, 0, 0

    def update(self, val_loss):
        self._plateau.update(val_loss)
        self.wait = self._plateau.bad_epochs
        if self.wait == 0:
            self.best, self.best_epoch = self._plateau.best, self._n
        self._n += 1
        return self.wait >= self.patience


class EarlyStopping__delegates_private_mode:
    """Writes update itself but asks the private `dlkit.callbacks._mode` which way is better."""

    def __init__(self, patience=5, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.mode = dlkit.callbacks._mode("val_loss", "auto")
        self.best, self.best_epoch, self.wait, self.n_updates = np.inf, None, 0, 0

    def update(self, val_loss):
        if val_loss < self.best - self.min_delta:
            self.best, self.best_epoch, self.wait = val_loss, self.n_updates, 0
        else:
            self.wait += 1
        self.n_updates += 1
        return self.wait >= self.patience
