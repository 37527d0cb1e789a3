"""Training loops: the one engine behind ``Sequential.fit`` and the plain ``fit``.

Two ways in:

* Keras-like, on a model (see :class:`dlkit.models.Sequential`)::

      model = Sequential(Dense(64, 32), ReLU(), Dense(32, 10), Softmax())
      model.compile(optimizer="adam", loss="categorical_cross_entropy", metrics=["accuracy"])
      history = model.fit(X, y, epochs=50, validation_split=0.2,
                          callbacks=[EarlyStopping(patience=5)])

* Functional, on a list of ``(W, b)`` with an update rule ``step(w, g, state)``
  (the training loop students write in notebook 05)::

      params, losses = fit_mlp(params, X, one_hot(y, 10), optim.step_rule("adam", lr=0.01))

* The minimal loop of notebooks 02-04, plain gradient descent::

      history = fit(model, X, one_hot(y, 2), lr=0.5, epochs=200, batch_size=32)
      history.plot()

Both run :func:`train_loop`. What an epoch reports: with ``Sequential.fit``,
``"loss"`` is the mean of the mini-batch losses seen during the epoch (in training
mode, so with dropout active, plus any L2 penalty) and ``"accuracy"`` the fraction of
training samples classified right in those same batches, as Keras reports them; with
the plain ``fit``, both are measured on the whole training set after the epoch, as
notebooks 02-05 plot them. ``"val_loss"`` and ``"val_accuracy"`` are measured after
the epoch, in evaluation mode; ``"lr"`` is the learning rate used during the epoch.

Speed: softmax + categorical cross-entropy (and sigmoid + binary cross-entropy) are
fused, the backward pass starting from ``dL/dZ = (P - Y) / n``; the first layer's
input gradient is not computed; a float32 model trains in float32 throughout
(inputs are cast once to the model's dtype). Per ``fit``, not per batch: one-hot
targets are checked once and each batch's loss and accuracy are computed from the
labels; shuffled batches are gathered into two buffers (``np.take(..., out=)``); each
Dense layer writes ``dW`` and ``db`` into arrays it owns (allocated on the first step,
then reused: copy ``layer.grads[...]`` if you keep it across steps of ``fit``; arrays
from ``zero_grad``, ``backward`` or your own are never written into); the optimizer
objects update in place through preallocated work arrays (:mod:`dlkit.optim`).
``bench/epoch.py`` measures an epoch against PyTorch and against the machine's GEMM rate.

Progress is shown by the :class:`dlkit.callbacks.ProgressBar` callback, which reaches the
screen through :mod:`dlkit.display` (a live loss plot, or its one-line text bar).
"""

from __future__ import annotations

import numpy as np

from . import layers, losses, optim
from ._validation import as_2d, check_choice, check_int, check_positive, check_rng
from .callbacks import History
from .callbacks import ProgressBar as _ProgressCallback
from .layers import Activation

__all__ = ["History", "train_step", "train_loop", "fit", "fit_mlp", "predict_classes"]


def train_step(model, X, Y, lr: float, loss="categorical_cross_entropy") -> float:
    """One gradient-descent step on the batch ``(X, Y)``; returns the loss before the step."""
    loss_f, loss_grad = losses._resolve(loss)
    out = model.forward(X)
    value = loss_f(Y, out)
    model.backward(loss_grad(Y, out))
    for layer, name in model.parameters():
        layer.params[name] = layer.params[name] - lr * layer.grads[name]
    return value


def predict_classes(model, X) -> np.ndarray:
    """Class labels: argmax of the outputs, or ``output >= 0.5`` for a single output."""
    out = model.forward(X)
    return (out[:, 0] >= 0.5).astype(int) if out.shape[1] == 1 else out.argmax(axis=1)


# ------------------------------------------------------------------ the engine
# (output activation, loss) pairs whose gradient dL/dZ is (P - Y) / size
_FUSED = {("softmax", "categorical_cross_entropy"), ("sigmoid", "binary_cross_entropy")}


class _Objective:
    """Loss value, and where the backward pass starts, for one model and one loss."""

    def __init__(self, model, loss):
        self.loss_f, self.loss_grad = losses._resolve(loss)
        stack = getattr(model, "layers", None)
        last = stack[-1].name if stack and isinstance(stack[-1], Activation) else None
        self.fused = isinstance(loss, str) and (last, loss) in _FUSED
        self.per_sample = loss != "binary_cross_entropy"  # BCE averages over every entry

    def value(self, Y, out) -> float:
        return self.loss_f(Y, out)

    def labels_of(self, Y: np.ndarray) -> np.ndarray | None:
        """The class of every row when ``Y`` is exactly one-hot and the loss is the fused
        softmax + categorical cross-entropy, else None. Checked once per ``fit``: the loss
        and the accuracy of each batch then need only the labels (:meth:`value_from_labels`)."""
        if not (self.fused and self.per_sample) or Y.ndim != 2 or Y.shape[1] < 2:
            return None
        labels = Y.argmax(axis=1)
        # one-hot: a 1 where each row peaks, and no other entry than those n is non-zero
        # (NaN counts as non-zero; a row whose peak is not exactly 1 fails the first test)
        if not (
            np.all(Y[np.arange(Y.shape[0]), labels] == 1) and np.count_nonzero(Y) == Y.shape[0]
        ):
            return None
        return labels

    @staticmethod
    def value_from_labels(labels: np.ndarray, P: np.ndarray, eps: float = 1e-12) -> float:
        """Mean categorical cross-entropy from the labels: ``-mean(log clip(P[i, y_i]))``,
        the value of :func:`dlkit.losses.categorical_cross_entropy` without its per-call
        checks (they were done once on the whole of ``Y``) and without the zero terms."""
        p = P[np.arange(P.shape[0]), labels].astype(np.float64)
        np.clip(p, eps, 1.0, out=p)
        np.log(p, out=p)
        return float(-np.sum(p) / P.shape[0])

    def dout(self, Y, out) -> np.ndarray:
        if self.fused:
            # softmax + CCE (or sigmoid + BCE): dL/dZ = (P - Y) / n, no division by P
            scale = 1.0 / (out.shape[0] if self.per_sample else out.size)
            dZ = out - Y
            dZ *= scale
            return dZ
        return self.loss_grad(Y, out)


def _n_correct(Y: np.ndarray, out: np.ndarray) -> int:
    if out.shape[1] == 1:
        return int(np.count_nonzero((out[:, 0] >= 0.5) == (Y[:, 0] >= 0.5)))
    return int(np.count_nonzero(out.argmax(axis=1) == Y.argmax(axis=1)))


def _penalty(model) -> float:
    penalty = getattr(model, "penalty", None)
    return penalty() if penalty is not None else 0.0


def _set_mode(model, training: bool) -> None:
    method = getattr(model, "train" if training else "eval", None)
    if method is not None:
        method()


def _backward(model, dout, fused: bool) -> None:
    backward = getattr(model, "_backward_fit", None)
    if backward is not None:
        backward(dout, skip_last=fused)
    elif fused:
        for layer in reversed(model.layers[:-1]):
            dout = layer.backward(dout)
    else:
        model.backward(dout)


def _evaluate(model, X, Y, objective, metrics, batch_size: int = 4096) -> dict:
    """Mean loss (+ L2 penalty) and metrics over ``(X, Y)`` in evaluation mode."""
    was_training = getattr(model, "training", False)
    _set_mode(model, False)
    try:
        total, correct, n = 0.0, 0, X.shape[0]
        for start in range(0, n, batch_size):
            Xb, Yb = X[start : start + batch_size], Y[start : start + batch_size]
            out = model.forward(Xb)
            total += objective.value(Yb, out) * Xb.shape[0]
            if "accuracy" in metrics:
                correct += _n_correct(Yb, out)
    finally:
        _set_mode(model, was_training)
    result = {"loss": total / n + _penalty(model)}
    if "accuracy" in metrics:
        result["accuracy"] = correct / n
    return result


def _model_dtype(model):
    for layer, name in model.parameters():
        return layer.params[name].dtype
    return np.dtype(np.float64)


def _model_inputs(model, X, dtype) -> np.ndarray:
    """``X`` in the model's dtype, except integer token ids for a model whose first layer
    is an :class:`~dlkit.layers.Embedding`: they stay integers."""
    X = np.asarray(X)
    stack = getattr(model, "layers", None)
    if X.dtype.kind in "iu" and stack and isinstance(stack[0], layers.Embedding):
        return X
    return X.astype(dtype, copy=False)


def train_loop(
    model,
    X,
    Y,
    *,
    optimizer,
    loss="categorical_cross_entropy",
    epochs: int = 1,
    batch_size: int | None = 32,
    validation_data=None,
    metrics=("accuracy",),
    callbacks=(),
    shuffle: bool = True,
    rng=None,
    train_scores: str = "running",
) -> History:
    """Train ``model`` with ``optimizer`` on ``(X, Y)``; returns a :class:`History`.

    Parameters
    ----------
    model : a :class:`dlkit.models.Sequential` (anything with ``forward``,
        ``backward`` and ``parameters``)
    X : ndarray of shape (n_samples, n_features) (or what the first layer takes: integer
        token ids stay integers for a model that starts with an Embedding)
    Y : ndarray of shape (n_samples, n_outputs), targets as the loss wants them
        (one-hot for categorical losses)
    optimizer : a :class:`dlkit.optim.Optimizer` bound to ``model``
    loss : a name in :data:`dlkit.losses.LOSSES` or a ``(loss, gradient)`` pair
    epochs : int >= 1
    batch_size : int >= 1, or None for full-batch training
    validation_data : ``(X_val, Y_val)`` or None
    metrics : ``("accuracy",)`` or ``()``
    callbacks : sequence of :class:`dlkit.callbacks.Callback`
    shuffle : bool
        Visit the samples in a new random order (drawn from ``rng``) every epoch.
    rng : numpy.random.Generator or int, optional (None = seed 0)
    train_scores : {"running", "end"}
        How ``"loss"`` and ``"accuracy"`` are measured: the mean over the epoch's
        mini-batches ("running", free), or on all of ``(X, Y)`` after the epoch in
        evaluation mode ("end", one more forward pass).

    Returns
    -------
    History
        One entry per epoch run (fewer than ``epochs`` when a callback stopped
        training); see the module docstring for what each key means.
    """
    dtype = _model_dtype(model)
    X = _model_inputs(model, X, dtype)
    Y = np.asarray(Y, dtype=dtype)
    epochs = check_int(epochs, "epochs", minimum=1)
    n = X.shape[0]
    batch = n if batch_size is None else check_int(batch_size, "batch_size", minimum=1)
    rng = check_rng(rng)
    running = check_choice(train_scores, "train_scores", ["running", "end"]) == "running"
    objective = _Objective(model, loss)
    if validation_data is not None:
        X_val, Y_val = validation_data
        validation_data = _model_inputs(model, X_val, dtype), np.asarray(Y_val, dtype=dtype)
    history = History()
    callbacks = list(callbacks)
    params = {"epochs": epochs, "batch_size": batch, "n_samples": n, "steps": -(-n // batch)}
    model.stop_training = False
    for callback in callbacks:
        callback.params = params
        callback.on_train_begin(model)
    with_accuracy = running and "accuracy" in metrics
    # per fit, not per batch: the labels of one-hot targets (the loss and the accuracy of a
    # batch then need no check of Y and no argmax of it), and two batch buffers that every
    # shuffled batch is gathered into (np.take, no new arrays per batch)
    labels = objective.labels_of(Y) if running else None
    gather = shuffle and batch < n and X.ndim >= 1 and X.flags.c_contiguous
    if gather:
        X_buf = np.empty((batch, *X.shape[1:]), dtype=X.dtype)
        Y_buf = np.empty((batch, *Y.shape[1:]), dtype=Y.dtype)
    try:
        for epoch in range(epochs):
            _set_mode(model, True)
            lr = optimizer.lr
            order = rng.permutation(n) if shuffle and batch < n else None
            total, correct = 0.0, 0
            for start in range(0, n, batch):
                lab = None
                if order is None:
                    Xb, Yb = X[start : start + batch], Y[start : start + batch]
                    if labels is not None:
                        lab = labels[start : start + batch]
                else:
                    idx = order[start : start + batch]
                    if gather:
                        m = idx.shape[0]
                        Xb = np.take(X, idx, axis=0, out=X_buf[:m], mode="clip")
                        Yb = np.take(Y, idx, axis=0, out=Y_buf[:m], mode="clip")
                    else:
                        Xb, Yb = X[idx], Y[idx]
                    if labels is not None:
                        lab = labels[idx]
                out = model.forward(Xb)
                if running:
                    if lab is None:
                        value = objective.value(Yb, out)
                    else:
                        value = objective.value_from_labels(lab, out)
                    total += (value + _penalty(model)) * Xb.shape[0]
                if with_accuracy:
                    if lab is None:
                        correct += _n_correct(Yb, out)
                    else:
                        correct += int(np.count_nonzero(out.argmax(axis=1) == lab))
                _backward(model, objective.dout(Yb, out), objective.fused)
                optimizer.step()
            _set_mode(model, False)
            if running:
                logs = {"loss": total / n}
                if with_accuracy:
                    logs["accuracy"] = correct / n
            else:
                logs = _evaluate(model, X, Y, objective, metrics)
            if validation_data is not None:
                scores = _evaluate(model, *validation_data, objective, metrics)
                logs.update({f"val_{key}": value for key, value in scores.items()})
            logs["lr"] = lr
            history.on_epoch_end(epoch, logs)
            for callback in callbacks:
                if callback.on_epoch_end(epoch, dict(logs)) is True:
                    model.stop_training = True
            if model.stop_training:
                break
    finally:
        _set_mode(model, False)
    for callback in callbacks:
        callback.on_train_end()
    return history


def fit(
    model,
    X,
    Y,
    *,
    loss="categorical_cross_entropy",
    lr: float = 0.1,
    epochs: int = 100,
    batch_size: int | None = None,
    rng=None,
    progress: bool = True,
) -> History:
    """Train ``model`` with plain gradient descent (:class:`dlkit.optim.GD`).

    ``batch_size=None`` is full-batch gradient descent; otherwise each epoch visits
    the samples in a new random order (drawn from ``rng``) in batches of that size.
    ``Y`` is 2-D (one-hot for categorical losses). Returns a :class:`History` whose
    ``loss`` is the loss on all of ``(X, Y)`` after each epoch, and ``accuracy``
    likewise (recorded for one-hot targets).
    """
    X = as_2d(X, "X")
    Y = as_2d(Y, "Y")
    if X.shape[0] != Y.shape[0]:
        raise ValueError(
            f"X and Y must have the same number of samples; got {X.shape} and {Y.shape}."
        )
    lr = check_positive(lr, "lr")
    return train_loop(
        model,
        X,
        Y,
        optimizer=optim.GD(model, lr=lr),
        loss=loss,
        epochs=epochs,
        batch_size=batch_size,
        metrics=("accuracy",) if Y.shape[1] > 1 else (),
        callbacks=[_ProgressCallback(plot=False, enabled=None if progress else False)],
        rng=rng,
        train_scores="end",
    )


def fit_mlp(params, X, Y, step, epochs: int = 10, batch_size: int = 32, rng=None, hidden="relu"):
    """Train an MLP given as a list of ``(W, b)`` with an update rule; the reference of
    notebook 05's ``fit_mlp``.

    Every epoch draws one shuffled pass of mini-batches from
    :func:`dlkit.optim.iterate_minibatches` (with ``rng``; the last batch may be smaller)
    and, for every batch: a forward pass (:func:`dlkit.layers.mlp_forward`, ``hidden``
    activations, softmax output), the mean categorical cross-entropy of the batch,
    gradients from :func:`dlkit.layers.mlp_backward`, then one call
    ``step(w, g, state) -> (w_new, state)`` for every parameter array (each W and each
    b), each array with its own state dict, ``{}`` at first and kept across steps.

    Parameters
    ----------
    params : list of (W, b), W of shape (n_in, n_out), b of shape (n_out,)
    X : ndarray of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_classes), one-hot targets
    step : callable ``step(w, g, state) -> (w_new, new_state)``, such as
        :func:`dlkit.optim.step_rule`'s
    epochs : int >= 1
    batch_size : int >= 1
    rng : numpy.random.Generator, int or None (None: ``np.random.default_rng(0)``), the
        one generator that shuffles every epoch
    hidden : the hidden activation's name ("relu", "tanh", "sigmoid", ...)

    Returns
    -------
    params : list of (W, b), new arrays (the caller's are not modified)
    losses : list of float, one per epoch: the mean of that epoch's mini-batch losses,
        each measured before its update

    Raises
    ------
    ValueError, TypeError
        For shapes that do not fit together, a step that is not callable, or bad
        epochs, batch_size, rng or hidden.
    """
    X = as_2d(X, "X")
    Y = as_2d(Y, "Y")
    if Y.shape[0] != X.shape[0]:
        raise ValueError(
            f"X and Y must have the same number of samples; got X.shape={X.shape} and "
            f"Y.shape={Y.shape}. One row of Y (one-hot) per row of X."
        )
    if not callable(step):
        raise TypeError(
            f"step must be a function step(w, g, state) -> (w_new, state); got "
            f"{type(step).__name__}. Build one with dlkit.optim.step_rule('adam', lr=0.01)."
        )
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    rng = check_rng(rng)
    params = [(np.array(W, dtype=float), np.array(b, dtype=float)) for W, b in params]
    if not params or params[0][0].shape[0] != X.shape[1] or params[-1][0].shape[1] != Y.shape[1]:
        sizes = [W.shape for W, _ in params]
        raise ValueError(
            f"params must map X's {X.shape[1]} features to Y's {Y.shape[1]} classes; got "
            f"weight shapes {sizes}. Build them with dlkit.init.init_params([{X.shape[1]}, ..., "
            f"{Y.shape[1]}])."
        )
    states = [({}, {}) for _ in params]
    history = []
    for _ in range(epochs):
        batch_losses = []
        for Xb, Yb in optim.iterate_minibatches(X, Y, batch_size, rng=rng):
            P, cache = layers.mlp_forward(Xb, params, hidden=hidden, output="softmax")
            batch_losses.append(losses.categorical_cross_entropy(Yb, P))
            grads = layers.mlp_backward(Yb, cache, params, hidden=hidden)
            new_params, new_states = [], []
            for (W, b), (dW, db), (sW, sb) in zip(params, grads, states, strict=True):
                W, sW = step(W, dW, sW)
                b, sb = step(b, db, sb)
                new_params.append((W, b))
                new_states.append((sW, sb))
            params, states = new_params, new_states
        history.append(float(np.mean(batch_losses)))
    return params, history
