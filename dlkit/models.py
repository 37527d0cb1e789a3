"""Models: ``Sequential`` with compile / fit / evaluate / predict / save / load, and ``build_mlp``.

Keras's split: the layers come from :mod:`dlkit.layers`, the model that stacks and
trains them lives here, and ``fit`` runs the one loop of :mod:`dlkit.train` with the
callbacks of :mod:`dlkit.callbacks`::

    model = Sequential(Dense(2, 8, rng=0), ReLU(), Dense(8, 3, rng=1), Softmax())
    P = model(X)            # (n_samples, 3)

    model.compile(optimizer="adam", loss="categorical_cross_entropy", metrics=["accuracy"])
    history = model.fit(X, y, epochs=20, batch_size=32, validation_split=0.2)
    model.evaluate(X_test, y_test)      # {"loss": ..., "accuracy": ...}
    model.save("weights.npz"); model.load("weights.npz")

Sequences: ``Sequential(Embedding(4, 8), SimpleRNN(16), Dense(16, 4), Softmax())``
takes integer token ids (n_samples, T) in ``fit``/``evaluate``/``predict``; a SimpleRNN
without ``input_dim`` gets its input size from the layer below when the model is built.

``model.train()`` / ``model.eval()`` switch every layer between training mode
(Dropout active, BatchNorm on batch statistics) and evaluation mode; ``fit`` does it
for its mini-batch steps. ``model.penalty()`` sums the layers' L2 terms, and is part
of the loss that ``fit`` and ``evaluate`` report.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from . import losses, optim, train
from ._validation import as_2d, as_float_array, check_choice, check_int, check_rng
from .callbacks import ProgressBar
from .data import _n_val
from .layers import (
    ELU,
    Activation,
    BatchNorm,
    Dense,
    Dropout,
    Embedding,
    Identity,
    Layer,
    LeakyReLU,
    ReLU,
    Sigmoid,
    SimpleRNN,
    Softmax,
    Tanh,
    _float_dtype,
)

__all__ = ["Sequential", "build_mlp"]


class Sequential(Layer):
    """Layers applied one after the other, with a Keras-like training API.

    ``compile`` chooses the optimizer, loss and metrics; ``fit`` trains
    (:func:`dlkit.train.train_loop`); ``evaluate`` and ``predict`` run in evaluation
    mode; ``save``/``load`` write and read the weights as ``.npz``.

    The model keeps its layers' parameters one after the other in one array (each
    ``layer.params[name]`` becomes a view of it, with the same values), so that an
    optimizer updates all of them with one NumPy call per operation; training updates
    them in place. An array taken from a layer before the layer joined the model is no
    longer that layer's parameter: read ``layer.params`` after building the model.
    """

    def __init__(self, *layers: Layer):
        super().__init__()
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(
                    f"layer {i} must be a dlkit Layer such as Dense or ReLU; got {type(layer).__name__}."
                )
        self.layers = list(layers)
        _build_recurrent(self.layers)  # before _pack: a SimpleRNN's weights must exist
        self._pack()
        self.optimizer = None
        self.loss = None
        self.metrics: tuple[str, ...] = ()
        self.stop_training = False

    def forward(self, X) -> np.ndarray:
        out = X
        for layer in self.layers:
            out = layer.forward(out)
        return out

    def backward(self, dout) -> np.ndarray:
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    def _backward_fit(self, dout, skip_last: bool = False) -> None:
        """The backward pass as training needs it: no gradient for the input ``X``, and
        with ``skip_last`` the output activation is left out (``dout`` is then dL/dZ)."""
        stack = self.layers[:-1] if skip_last else self.layers
        for i in range(len(stack) - 1, -1, -1):
            layer = stack[i]
            if isinstance(layer, Dense):
                if i == 0:
                    layer._param_grads(dout)
                    return
                dout = layer._backward_fit(dout)
            else:
                dout = layer.backward(dout)

    def _pack(self) -> None:
        """Put the parameters one after the other in one buffer (each ``params[name]``
        becomes a view of it, with the same values), and give the layers that write their
        gradients into arrays of their own during ``fit`` views of a second such buffer.
        The optimizers then update the whole model with one pass of each operation
        (``dlkit.optim._FlatSlots``) instead of one per parameter. Nothing happens for
        parameters of mixed dtypes or an array shared by two slots; arrays put in
        ``params`` later simply take the per-parameter path."""
        slots = self.parameters()
        arrays = [layer.params[name] for layer, name in slots]
        if len(arrays) < 2 or len({id(a) for a in arrays}) != len(arrays):
            return
        dtype = arrays[0].dtype
        if dtype.kind != "f" or any(a.dtype != dtype for a in arrays):
            return
        total = sum(a.size for a in arrays)
        shapes = [a.shape for a in arrays]
        values = optim._split(np.empty(total, dtype=dtype), shapes)
        grads = optim._split(np.zeros(total, dtype=dtype), shapes)
        buffers: dict[int, dict] = {}
        for (layer, name), a, view, grad in zip(slots, arrays, values, grads, strict=True):
            view[...] = a
            layer.params[name] = view
            buffers.setdefault(id(layer), {})[name] = grad
        for layer in self.layers:
            if id(layer) in buffers:
                layer._use_grad_buffers(buffers[id(layer)])

    def parameters(self):
        """``(layer, name)`` pairs of every parameter, in layer order (for optimizers)."""
        return [(layer, name) for layer in self.layers for name in layer.params]

    def zero_grad(self) -> None:
        for layer in self.layers:
            layer.zero_grad()

    def train(self, mode: bool = True):
        """Training mode for every layer (Dropout active, BatchNorm on batch statistics)."""
        self.training = bool(mode)
        for layer in self.layers:
            layer.train(mode)
        return self

    def penalty(self) -> float:
        """Sum of the layers' regularisation terms (L2 weight decay), added to the loss."""
        return sum(layer.penalty() for layer in self.layers)

    @property
    def dtype(self) -> np.dtype:
        """The dtype of the parameters (float64 for a model without any)."""
        for layer, name in self.parameters():
            return layer.params[name].dtype
        return np.dtype(np.float64)

    def astype(self, dtype):
        """Convert every parameter, gradient and buffer to ``dtype`` in place; returns self.

        Call it before :meth:`compile` (optimizer state keeps its dtype).
        """
        dtype = _float_dtype(dtype)
        for layer in self.layers:
            for store in (layer.params, layer.grads, layer.buffers):
                for key in store:
                    store[key] = store[key].astype(dtype, copy=False)
        self._pack()
        return self

    @property
    def n_params(self) -> int:
        return sum(layer.n_params for layer in self.layers)

    # -------------------------------------------------------------- Keras-like API
    def compile(
        self,
        optimizer="adam",
        loss="categorical_cross_entropy",
        metrics=("accuracy",),
        **optimizer_options,
    ):
        """Choose how :meth:`fit` trains; returns self.

        Parameters
        ----------
        optimizer : str or dlkit.optim.Optimizer
            A name (``"adam"``, ``"sgd"``, ``"momentum"``, ``"rmsprop"``, ``"adagrad"``,
            ``"gd"``) with ``optimizer_options`` such as ``lr=0.01``, or an optimizer
            object, built on this model or with no parameters (``optim.Adam(lr=1e-3)``).
        loss : str or (loss, gradient)
            A name in :data:`dlkit.losses.LOSSES`.
        metrics : sequence of str
            ``["accuracy"]`` (or ``"acc"``) or ``[]``.
        """
        _build_recurrent(self.layers)  # layers appended since the model was built
        if isinstance(optimizer, optim.Optimizer):
            if optimizer_options:
                raise TypeError(
                    f"options {sorted(optimizer_options)} apply to an optimizer given by name; "
                    f"set them when you build {optimizer!r} instead."
                )
            mine = {(id(layer), name) for layer, name in self.parameters()}
            if not optimizer.slots:
                optimizer.slots = self.parameters()
            elif {(id(layer), name) for layer, name in optimizer.slots} != mine:
                raise ValueError(
                    f"{optimizer!r} updates the parameters of another model. Build it with "
                    "this model (optim.Adam(model, ...)) or without parameters (optim.Adam(lr=...))."
                )
            self.optimizer = optimizer
        else:
            self.optimizer = optim.get(optimizer, self, **optimizer_options)
        if isinstance(loss, str):
            check_choice(loss, "loss", list(losses.LOSSES))
        elif not (isinstance(loss, tuple) and len(loss) == 2 and all(map(callable, loss))):
            raise TypeError(
                f"loss must be a name such as 'categorical_cross_entropy' or a (loss, gradient) "
                f"pair of functions; got {loss!r}."
            )
        self.loss = loss
        if isinstance(metrics, str):
            metrics = [metrics]
        names = []
        for metric in metrics:
            check_choice(metric, "metrics[i]", ["accuracy", "acc"])
            names.append("accuracy")
        self.metrics = tuple(dict.fromkeys(names))
        return self

    def _require_compiled(self, what: str) -> None:
        if self.optimizer is None:
            raise RuntimeError(
                f"call model.compile(optimizer='adam', loss='categorical_cross_entropy', "
                f"metrics=['accuracy']) before model.{what}()."
            )

    def _inputs(self, X, name: str = "X") -> np.ndarray:
        if self.layers and isinstance(self.layers[0], Embedding):
            return self.layers[0].check_ids(X, name)  # token ids stay integers
        X = as_float_array(X, name)
        if X.ndim < 2:
            X = as_2d(X, name)  # raises with the reshape hint
        return X.astype(self.dtype, copy=False)

    def _targets(self, X: np.ndarray, y, name: str = "y") -> np.ndarray:
        """``y`` as the loss wants it, in the model's dtype; integer labels are one-hot
        encoded for categorical losses and become a column for a single output."""
        y = np.asarray(y)
        if y.ndim == 2:
            targets = y
        elif y.ndim == 1:
            width = self.predict(X[:1]).shape[1]
            if self.loss in ("categorical_cross_entropy", "cross_entropy_from_logits"):
                targets = losses.one_hot(y, width)
            elif width == 1:
                targets = y.reshape(-1, 1)
            else:
                raise ValueError(
                    f"{name} is 1-D but the model has {width} outputs and loss {self.loss!r}: "
                    f"pass {name} of shape (n, {width})."
                )
        else:
            raise ValueError(f"{name} must be 1-D labels or 2-D targets; got shape {y.shape}.")
        if targets.shape[0] != X.shape[0]:
            raise ValueError(
                f"X and {name} must have the same number of samples; got X.shape={X.shape} "
                f"and {name}.shape={y.shape}."
            )
        return as_float_array(targets, name).astype(self.dtype, copy=False)

    def fit(
        self,
        X,
        y,
        epochs: int = 1,
        batch_size: int | None = 32,
        *,
        validation_split: float | None = None,
        validation_data=None,
        callbacks=None,
        shuffle: bool = True,
        rng=None,
        verbose: int = 1,
    ):
        """Train with the compiled optimizer and loss; returns a :class:`dlkit.callbacks.History`.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features), or (n_samples, T, D) sequences
            for a model that starts with a SimpleRNN, or integer token ids
            (n_samples, T) for one that starts with an Embedding (kept as integers)
        y : array_like of shape (n_samples,) or (n_samples, n_outputs)
            Integer class labels are one-hot encoded inside for a categorical loss
            (a softmax model); 2-D targets are used as given.
        epochs : int >= 1
        batch_size : int >= 1, or None for full-batch training
        validation_split : float in (0, 1), optional
            Hold out the LAST fraction of the samples (before any shuffling, as Keras
            does) for validation; shuffle the data first if it is ordered, or pass
            ``validation_data``. The count is ``round(n * validation_split)``.
        validation_data : (X_val, y_val), optional
            Used instead of ``validation_split``.
        callbacks : list of :class:`dlkit.callbacks.Callback`, optional
        shuffle : bool
            New random order of the training samples each epoch.
        rng : numpy.random.Generator or int, optional
            Draws the order (None = seed 0: the same run every time).
        verbose : {0, 1, 2}
            0 silent, 1 a progress bar (a live loss plot in Jupyter), 2 one line per epoch.
        """
        self._require_compiled("fit")
        X = self._inputs(X)
        Y = self._targets(X, y)
        if validation_data is not None:
            if validation_split is not None:
                raise ValueError("pass validation_split or validation_data, not both.")
            if not (isinstance(validation_data, tuple | list) and len(validation_data) == 2):
                raise TypeError("validation_data must be a pair (X_val, y_val).")
            X_val = self._inputs(validation_data[0], "X_val")
            validation = (X_val, self._targets(X_val, validation_data[1], "y_val"))
        elif validation_split is not None:
            n_val = _n_val(X.shape[0], validation_split, "validation_split")
            cut = X.shape[0] - n_val
            validation = (X[cut:], Y[cut:])
            X, Y = X[:cut], Y[:cut]
        else:
            validation = None
        callbacks = list(callbacks or [])
        verbose = check_choice(verbose, "verbose", [0, 1, 2])
        if verbose and not any(isinstance(c, ProgressBar) for c in callbacks):
            callbacks.append(ProgressBar(plot=verbose == 1, per_epoch=verbose == 2))
        return train.train_loop(
            self,
            X,
            Y,
            optimizer=self.optimizer,
            loss=self.loss,
            epochs=epochs,
            batch_size=batch_size,
            validation_data=validation,
            metrics=self.metrics,
            callbacks=callbacks,
            shuffle=shuffle,
            rng=rng,
        )

    def evaluate(self, X, y, batch_size: int = 4096) -> dict:
        """Loss (with any L2 penalty) and compiled metrics on ``(X, y)``, in evaluation mode.

        Returns a dict such as ``{"loss": 0.12, "accuracy": 0.97}``.
        """
        self._require_compiled("evaluate")
        X = self._inputs(X)
        Y = self._targets(X, y)
        batch_size = check_int(batch_size, "batch_size", minimum=1)
        objective = train._Objective(self, self.loss)
        return train._evaluate(self, X, Y, objective, self.metrics, batch_size)

    def predict(self, X, batch_size: int = 4096) -> np.ndarray:
        """The model's outputs for ``X`` in evaluation mode: ndarray (n_samples, n_outputs).

        Class labels: ``model.predict(X).argmax(axis=1)``.
        """
        X = self._inputs(X)
        batch_size = check_int(batch_size, "batch_size", minimum=1)
        was_training = self.training
        self.eval()
        try:
            outs = [self.forward(X[s : s + batch_size]) for s in range(0, X.shape[0], batch_size)]
        finally:
            self.train(was_training)
        return outs[0] if len(outs) == 1 else np.concatenate(outs)

    # -------------------------------------------------------------- weights
    def _state(self):
        for i, layer in enumerate(self.layers):
            for store in (layer.params, layer.buffers):
                for name in store:
                    yield i, layer, store, name

    def get_weights(self) -> dict[str, np.ndarray]:
        """Copies of every parameter and buffer, keyed ``"layer{i}.{name}"``."""
        return {f"layer{i}.{name}": store[name].copy() for i, _, store, name in self._state()}

    def set_weights(self, weights) -> None:
        """Copy ``weights`` (as :meth:`get_weights` returns them) into the model, in place.

        Raises ValueError naming the first missing, extra or mis-shaped entry.
        """
        weights = dict(weights)
        state = list(self._state())
        expected = {f"layer{i}.{name}" for i, _, _, name in state}
        missing, extra = sorted(expected - set(weights)), sorted(set(weights) - expected)
        if missing or extra:
            raise ValueError(
                "the weights do not fit this model's architecture: "
                + (f"missing {missing[:3]}" if missing else "")
                + ("; " if missing and extra else "")
                + (f"unexpected {extra[:3]}" if extra else "")
                + ". Build the same layers (sizes and order) as the model that was saved."
            )
        for i, layer, store, name in state:
            value = np.asarray(weights[f"layer{i}.{name}"])
            if value.shape != store[name].shape:
                raise ValueError(
                    f"layer {i} ({layer!r}) {name}: the weights have shape {value.shape}, "
                    f"this model has {store[name].shape}. Build the same layers (sizes and "
                    "order) as the model that was saved."
                )
        for i, _, store, name in state:
            np.copyto(store[name], weights[f"layer{i}.{name}"], casting="same_kind")

    def save(self, path) -> str:
        """Write every parameter and buffer to an ``.npz`` file; returns the path written.

        Only the weights are saved: rebuild the same layers, then :meth:`load`.
        """
        path = os.fspath(path)
        if not path.endswith(".npz"):
            path += ".npz"
        np.savez(
            path,
            __layers__=np.array([repr(layer) for layer in self.layers]),
            **self.get_weights(),
        )
        return path

    def load(self, path):
        """Read weights written by :meth:`save` into this model (same layers); returns self."""
        with np.load(path, allow_pickle=False) as f:
            weights = {key: f[key] for key in f.files if key != "__layers__"}
            saved = f["__layers__"].tolist() if "__layers__" in f.files else None
        try:
            self.set_weights(weights)
        except ValueError as exc:
            detail = f" The file holds: {', '.join(saved)}." if saved else ""
            raise ValueError(f"cannot load {path}: {exc}{detail}") from None
        return self

    def __repr__(self) -> str:
        lines = [f"  ({i}): {layer!r}" for i, layer in enumerate(self.layers)]
        return "Sequential(\n" + "\n".join(lines) + f"\n)  # {self.n_params:,} parameters"


def _features_out(layer: Layer, n_in: int | None) -> int | None:
    """The size of the last axis of ``layer``'s output given that of its input (None:
    unknown, or not a (..., features) layout)."""
    if isinstance(layer, Embedding):
        return layer.dim
    if isinstance(layer, SimpleRNN):
        return layer.units
    if isinstance(layer, Dense):
        return layer.n_out
    if isinstance(layer, Activation | Dropout | BatchNorm):
        return n_in
    return None


def _build_recurrent(layers: list[Layer]) -> None:
    """Give each SimpleRNN without ``input_dim`` the output size of the layer below it
    (an Embedding's ``dim``, another SimpleRNN's ``units``), so that its weights exist
    before ``compile`` hands them to the optimizer."""
    n_features = None
    for i, layer in enumerate(layers):
        if isinstance(layer, SimpleRNN):
            if layer.input_dim is None and n_features is None:
                where = "the first layer" if i == 0 else f"layer {i}, after {layers[i - 1]!r},"
                raise ValueError(
                    f"layer {i} ({layer!r}) cannot tell its input size: as {where} it needs "
                    f"SimpleRNN({layer.units}, input_dim=D) with D features per step, or an "
                    "Embedding before it."
                )
            if layer.input_dim is not None and n_features not in (None, layer.input_dim):
                raise ValueError(
                    f"layer {i} ({layer!r}) expects {layer.input_dim} features per step but "
                    f"layer {i - 1} ({layers[i - 1]!r}) gives {n_features}. Leave input_dim "
                    "out to take the size from the layer below."
                )
            layer.build(layer.input_dim or n_features)
        n_features = _features_out(layer, n_features)


_NAMED = {
    "identity": Identity,
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "elu": ELU,
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "softmax": Softmax,
}


def build_mlp(
    layer_sizes: Sequence[int],
    hidden: str = "relu",
    output: str = "softmax",
    init: str = "he",
    rng=None,
    *,
    dtype=np.float64,
) -> Sequential:
    """A :class:`Sequential` MLP, e.g. ``build_mlp([2, 16, 3])``: Dense, hidden activation, ..., Dense, output.

    ``dtype=np.float32`` builds a float32 model (faster; ``fit`` keeps it float32).
    """
    rng = check_rng(rng)
    sizes = list(layer_sizes)
    layers: list[Layer] = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(Dense(n_in, n_out, init=init, rng=rng, dtype=dtype))
        name = output if i == len(sizes) - 2 else hidden
        layers.append(_NAMED[name]() if name in _NAMED else Activation(name))
    return Sequential(*layers)
