"""Layers and the forward pass of a multilayer perceptron.

The arithmetic lives in pure functions (:func:`dense_forward`, :func:`mlp_forward`),
the ones students write in notebook 02; the layer objects wrap them, Keras-style::

    model = Sequential(Dense(2, 8, rng=0), ReLU(), Dense(8, 3, rng=1), Softmax())
    P = model(X)            # (n_samples, 3)

    model.compile(optimizer="adam", loss="categorical_cross_entropy", metrics=["accuracy"])
    history = model.fit(X, y, epochs=20, batch_size=32, validation_split=0.2)
    model.evaluate(X_test, y_test)      # {"loss": ..., "accuracy": ...}
    model.save("weights.npz"); model.load("weights.npz")

Training and evaluation modes: :class:`Dropout` drops units and :class:`BatchNorm`
uses batch statistics only in training mode. Every layer starts in evaluation mode
(as in Keras, calling a model never drops anything); ``fit`` switches to training
mode for its mini-batch steps and back, and ``model.train()`` / ``model.eval()`` do it
by hand in a loop of your own.

L2 weight decay is a property of a layer: ``Dense(n_in, n_out, l2=1e-4)`` adds
``l2 * W`` to ``dW`` in its backward pass, and ``model.penalty()`` (included in the
loss that ``fit`` and ``evaluate`` report) is ``0.5 * l2 * sum(W**2)`` over such layers.

Shapes follow the course convention: ``X`` is ``(n_samples, n_in)``, ``W`` is
``(n_in, n_out)``, ``b`` is ``(n_out,)`` and ``Z = X @ W + b`` is ``(n_samples, n_out)``.
Every layer has ``params`` and ``grads`` dicts with the same keys.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import activations, regularization
from ._validation import (
    as_2d,
    as_float_array,
    check_choice,
    check_int,
    check_positive,
    check_rng,
)
from .init import init_weights

__all__ = [
    "dense_forward",
    "dense_backward",
    "softmax_backward",
    "mlp_backward",
    "count_params",
    "mlp_forward",
    "Layer",
    "Dense",
    "Activation",
    "Identity",
    "ReLU",
    "LeakyReLU",
    "ELU",
    "Sigmoid",
    "Tanh",
    "Softmax",
    "Dropout",
    "BatchNorm",
    "Sequential",
    "build_mlp",
]

OUTPUT_ACTIVATIONS = (*activations.ACTIVATIONS, "softmax")


def dense_forward(X, W, b) -> np.ndarray:
    """``Z = X @ W + b`` for a batch.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_in)
    W : ndarray of shape (n_in, n_out)
    b : ndarray of shape (n_out,)

    Returns
    -------
    ndarray of shape (n_samples, n_out)

    Raises
    ------
    ValueError
        When the shapes do not fit, with the fix in the message.
    """
    W = as_float_array(W, "W", ndim=2)
    n_in, n_out = W.shape
    X = as_float_array(X, "X")
    if X.ndim != 2 or X.shape[1] != n_in:
        fix = " Use X.reshape(1, -1) for one sample." if X.ndim == 1 and X.shape[0] == n_in else ""
        if X.ndim == 2 and X.shape[0] == n_in:
            fix = " Is X transposed? Samples are rows."
        raise ValueError(
            f"X must have shape (n, {n_in}) for a layer {n_in} -> {n_out}; got {X.shape}.{fix}"
        )
    b = as_float_array(b, "b")
    if b.shape != (n_out,):
        fix = " Use b.ravel()." if b.size == n_out else ""
        raise ValueError(
            f"b must have shape ({n_out},) for a layer {n_in} -> {n_out}; got {b.shape}.{fix}"
        )
    Z = X @ W
    if Z.dtype == np.result_type(Z, b):
        Z += b  # in place: one array pass and one allocation fewer than X @ W + b
        return Z
    return Z + b


def dense_backward(dZ, X, W) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of ``Z = X @ W + b``, given the upstream gradient ``dZ = dL/dZ``.

    Any 1/n of a mean loss is already in ``dZ``.

    Parameters
    ----------
    dZ : ndarray of shape (n_samples, n_out)
    X : ndarray of shape (n_samples, n_in), the layer's input in the forward pass
    W : ndarray of shape (n_in, n_out)

    Returns
    -------
    dX : ndarray of shape (n_samples, n_in), ``dZ @ W.T``
    dW : ndarray of shape (n_in, n_out), ``X.T @ dZ``
    db : ndarray of shape (n_out,), ``dZ.sum(axis=0)``
    """
    W = as_float_array(W, "W", ndim=2)
    X = as_float_array(X, "X", ndim=2)
    dZ = as_float_array(dZ, "dZ", ndim=2)
    if X.shape[1] != W.shape[0] or dZ.shape != (X.shape[0], W.shape[1]):
        raise ValueError(
            f"shapes do not fit a layer {W.shape[0]} -> {W.shape[1]}: X {X.shape}, W {W.shape}, dZ {dZ.shape}; "
            f"expected X (n, {W.shape[0]}) and dZ (n, {W.shape[1]}) with the same n."
        )
    dW, db = _dense_param_grads(dZ, X)
    return dZ @ W.T, dW, db


def _dense_param_grads(dZ: np.ndarray, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return X.T @ dZ, dZ.sum(axis=0)


def softmax_backward(dA, A) -> np.ndarray:
    """Gradient through a softmax along the last axis: ``dZ = A * (dA - sum(dA * A))``.

    ``A`` is the softmax output; this is the Jacobian-vector product, row by row.
    """
    A = as_float_array(A, "A")
    dA = as_float_array(dA, "dA")
    return A * (dA - (dA * A).sum(axis=-1, keepdims=True))


def count_params(layer_sizes: Sequence[int]) -> int:
    """Number of weights and biases of an MLP: ``sum(n_in * n_out + n_out)`` over layers.

    >>> count_params([256, 100, 26])
    28326
    """
    sizes = [check_int(n, "layer_sizes[i]", minimum=1) for n in layer_sizes]
    return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True))


def _activation(name: str):
    check_choice(name, "activation", list(OUTPUT_ACTIVATIONS))
    return activations.softmax if name == "softmax" else activations.get(name)[0]


def mlp_forward(X, params, hidden: str = "relu", output: str = "softmax"):
    """Forward pass of an MLP given as a list of ``(W, b)``.

    ``hidden`` is applied after every layer but the last, ``output`` after the last.

    Returns
    -------
    Y_hat : ndarray of shape (n_samples, n_outputs)
    cache : dict with ``"A"``, the list ``[X, A1, ..., AL]`` of layer outputs (``A[0]`` is
        the input, ``A[-1]`` is ``Y_hat``), and ``"Z"``, the list ``[Z1, ..., ZL]`` of
        pre-activations: what the backward pass of notebook 04 needs.
    """
    f_hidden, f_output = _activation(hidden), _activation(output)
    A = as_2d(X, "X")
    cache = {"A": [A], "Z": []}
    for layer, (W, b) in enumerate(params, start=1):
        Z = dense_forward(A, W, b)
        A = f_output(Z) if layer == len(params) else f_hidden(Z)
        cache["Z"].append(Z)
        cache["A"].append(A)
    return A, cache


def mlp_backward(Y, cache, params, hidden: str = "relu") -> list[tuple[np.ndarray, np.ndarray]]:
    """Gradients of the mean loss for an MLP whose output and loss pair up so that
    ``dL/dZ_L = (Y_hat - Y) / n``: softmax + categorical cross-entropy, or sigmoid +
    binary cross-entropy.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_outputs), the targets (one-hot for softmax)
    cache : dict from :func:`mlp_forward` (``"A"``: [X, A1, ..., Y_hat], ``"Z"``: [Z1, ..., ZL])
    params : list of (W, b), as given to :func:`mlp_forward`
    hidden : name of the hidden activation used in the forward pass

    Returns
    -------
    list of (dW, db), shaped like ``params``.
    """
    A, Zs = cache["A"], cache["Z"]
    Y = as_float_array(Y, "Y", ndim=2)
    if Y.shape != A[-1].shape:
        raise ValueError(
            f"Y must have the shape of the output {A[-1].shape}; got {Y.shape}. One-hot encode labels."
        )
    d_hidden = activations.get(hidden)[1]
    dZ = (A[-1] - Y) / Y.shape[0]
    grads = []
    for layer in range(len(params) - 1, -1, -1):
        dA_prev, dW, db = dense_backward(dZ, A[layer], params[layer][0])
        grads.append((dW, db))
        if layer > 0:
            dZ = dA_prev * d_hidden(Zs[layer - 1])
    return grads[::-1]


class Layer:
    """Base class: ``forward(X)``, ``backward(dout)``, ``params``/``grads`` dicts, ``zero_grad()``.

    ``backward(dout)`` takes ``dL/d(output)``, fills ``grads`` (same keys as
    ``params``) and returns ``dL/d(input)``; it uses what the last ``forward`` kept.
    ``buffers`` holds state that is saved with the weights but not trained (BatchNorm's
    running averages). ``training`` is the mode (False, evaluation, unless set by
    :meth:`train`).
    """

    training = False

    def __init__(self):
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.buffers: dict[str, np.ndarray] = {}

    def forward(self, X) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self, dout) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _require_forward(self, kept) -> None:
        if kept is None:
            raise RuntimeError(
                f"{self!r}.backward() needs a forward() first: it uses the forward pass's input."
            )

    def __call__(self, X) -> np.ndarray:
        return self.forward(X)

    def train(self, mode: bool = True):
        """Switch to training mode (``mode=False``: evaluation mode); returns self."""
        self.training = bool(mode)
        return self

    def eval(self):
        """Switch to evaluation mode (no dropout, BatchNorm's running averages); returns self."""
        return self.train(False)

    def penalty(self) -> float:
        """This layer's regularisation term of the loss (0 unless it has one)."""
        return 0.0

    def zero_grad(self) -> None:
        for key, value in self.params.items():
            self.grads[key] = np.zeros_like(value)

    @property
    def n_params(self) -> int:
        return sum(int(p.size) for p in self.params.values())

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _float_dtype(dtype) -> np.dtype:
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(
            f"dtype must be a floating-point type such as np.float32 or np.float64; got {dtype}."
        )
    return dtype


class Dense(Layer):
    """Fully connected layer ``Z = X @ W + b`` with ``W`` of shape ``(n_in, n_out)``.

    ``l2 > 0`` adds L2 weight decay: ``dW`` gains ``l2 * W`` (:func:`dlkit.regularization.l2_grad`)
    and :meth:`penalty` is ``0.5 * l2 * sum(W**2)``. ``dtype=np.float32`` halves memory
    and roughly doubles speed.
    """

    def __init__(
        self,
        n_in: int,
        n_out: int,
        init: str = "he",
        rng=None,
        *,
        l2: float = 0.0,
        dtype=np.float64,
    ):
        super().__init__()
        self.n_in, self.n_out, self.init = (
            check_int(n_in, "n_in", minimum=1),
            check_int(n_out, "n_out", minimum=1),
            init,
        )
        self.l2 = check_positive(l2, "l2", allow_zero=True)
        dtype = _float_dtype(dtype)
        self.params = {
            "W": init_weights(n_in, n_out, init, rng).astype(dtype, copy=False),
            "b": np.zeros(n_out, dtype=dtype),
        }
        self.zero_grad()
        self.X: np.ndarray | None = None  # the last input, kept for the backward pass

    def forward(self, X) -> np.ndarray:
        self.X = as_2d(X, "X")
        return dense_forward(self.X, self.params["W"], self.params["b"])

    def backward(self, dout) -> np.ndarray:
        self._require_forward(self.X)
        dX, self.grads["W"], self.grads["b"] = dense_backward(dout, self.X, self.params["W"])
        self._add_decay()
        return dX

    def _param_grads(self, dout) -> None:
        """``backward`` without ``dX``: for the first layer, whose input needs no gradient."""
        self._require_forward(self.X)
        dout = as_float_array(dout, "dout", ndim=2)
        self.grads["W"], self.grads["b"] = _dense_param_grads(dout, self.X)
        self._add_decay()

    def _add_decay(self) -> None:
        if self.l2:
            self.grads["W"] += regularization.l2_grad(self.params["W"], self.l2)

    def penalty(self) -> float:
        return regularization.l2_penalty([self.params["W"]], self.l2) if self.l2 else 0.0

    def __repr__(self) -> str:
        extra = f", l2={self.l2:g}" if self.l2 else ""
        return f"Dense({self.n_in} -> {self.n_out}, init={self.init!r}{extra})"


class Activation(Layer):
    """An element-wise activation (or softmax) as a layer without parameters."""

    def __init__(self, name: str, **kwargs):
        super().__init__()
        self.name = check_choice(name, "name", list(OUTPUT_ACTIVATIONS))
        self.kwargs = kwargs
        self._f = _activation(name)
        self.Z: np.ndarray | None = None

    def forward(self, X) -> np.ndarray:
        self.Z = as_float_array(X, "X")
        self.A = self._f(self.Z, **self.kwargs)
        return self.A

    def backward(self, dout) -> np.ndarray:
        self._require_forward(self.Z)
        if self.name == "softmax":
            return softmax_backward(dout, self.A)
        return as_float_array(dout, "dout") * activations.get(self.name)[1](self.Z, **self.kwargs)

    def __repr__(self) -> str:
        args = [f"{k}={v!r}" for k, v in self.kwargs.items()]
        if type(self) is Activation:
            args.insert(0, repr(self.name))
        return f"{type(self).__name__}({', '.join(args)})"


class Identity(Activation):
    def __init__(self):
        super().__init__("identity")


class ReLU(Activation):
    def __init__(self):
        super().__init__("relu")


class LeakyReLU(Activation):
    def __init__(self, alpha: float = 0.01):
        super().__init__("leaky_relu", alpha=alpha)


class ELU(Activation):
    def __init__(self, alpha: float = 1.0):
        super().__init__("elu", alpha=alpha)


class Sigmoid(Activation):
    def __init__(self):
        super().__init__("sigmoid")


class Tanh(Activation):
    def __init__(self):
        super().__init__("tanh")


class Softmax(Activation):
    def __init__(self):
        super().__init__("softmax")


class Dropout(Layer):
    """Inverted dropout (:func:`dlkit.regularization.dropout_forward`), in training mode only.

    Each unit is dropped with probability ``p`` and the kept ones are scaled by
    ``1 / (1 - p)``; in evaluation mode (``predict``, ``evaluate``, validation) the
    layer passes its input through unchanged. ``rng`` (Generator or seed; None = seed
    0) draws the masks: give each Dropout layer its own seed.
    """

    def __init__(self, p: float = 0.5, rng=None):
        super().__init__()
        self.p = regularization._p_drop(p)
        self.rng = check_rng(rng)
        self.mask: np.ndarray | None = None

    def forward(self, X) -> np.ndarray:
        if not self.training or self.p == 0:
            self.mask = None
            return as_float_array(X, "X")
        out, self.mask = regularization.dropout_forward(X, self.p, self.rng)
        return out

    def backward(self, dout) -> np.ndarray:
        return regularization.dropout_backward(dout, self.mask, self.p)

    def __repr__(self) -> str:
        return f"Dropout(p={self.p:g})"


class BatchNorm(Layer):
    """Batch normalisation over the features of a batch ``(n_samples, n_features)``.

    Training mode: :func:`dlkit.regularization.batchnorm_forward` with the batch's
    mean and (biased) variance, and running averages updated as in PyTorch's
    ``BatchNorm1d``: ``running = (1 - momentum) * running + momentum * batch`` with the
    unbiased batch variance. Evaluation mode: the running averages. Parameters
    ``gamma`` (scale, starts at 1) and ``beta`` (shift, starts at 0) are learned;
    ``running_mean`` and ``running_var`` are buffers, saved with the weights.
    Backward works in both modes.
    """

    def __init__(self, n_features: int, momentum: float = 0.1, eps: float = 1e-5, dtype=np.float64):
        super().__init__()
        self.n_features = check_int(n_features, "n_features", minimum=1)
        self.momentum = check_positive(momentum, "momentum")
        if self.momentum > 1:
            raise ValueError(
                f"momentum must be in (0, 1], the weight of each new batch; got {momentum}."
            )
        self.eps = check_positive(eps, "eps")
        dtype = _float_dtype(dtype)
        self.params = {"gamma": np.ones(n_features, dtype), "beta": np.zeros(n_features, dtype)}
        self.buffers = {
            "running_mean": np.zeros(n_features, dtype),
            "running_var": np.ones(n_features, dtype),
        }
        self.zero_grad()
        self.cache: dict | None = None

    def forward(self, X) -> np.ndarray:
        X = as_2d(X, "X")
        if X.shape[1] != self.n_features:
            raise ValueError(
                f"X must have shape (n, {self.n_features}) for {self!r}; got {X.shape}."
            )
        gamma, beta = self.params["gamma"], self.params["beta"]
        if self.training:
            if X.shape[0] < 2:
                raise ValueError(
                    f"BatchNorm needs at least 2 samples per batch in training mode; got "
                    f"{X.shape[0]}. Use a larger batch_size, or model.eval() for one sample."
                )
            out, self.cache = regularization.batchnorm_forward(X, gamma, beta, self.eps)
            m, n = self.momentum, X.shape[0]
            unbiased = self.cache["var"] * (n / (n - 1))
            for name, batch in (("running_mean", self.cache["mean"]), ("running_var", unbiased)):
                running = self.buffers[name]
                running *= 1.0 - m
                running += m * batch
            return out
        inv_std = 1.0 / np.sqrt(self.buffers["running_var"] + self.eps)
        X_hat = (X - self.buffers["running_mean"]) * inv_std
        self.cache = {"X_hat": X_hat, "inv_std": inv_std, "gamma": gamma, "eval": True}
        return gamma * X_hat + beta

    def backward(self, dout) -> np.ndarray:
        self._require_forward(self.cache)
        cache = self.cache
        if cache.get("eval"):
            dout = as_float_array(dout, "dout", ndim=2)
            self.grads["gamma"] = (dout * cache["X_hat"]).sum(axis=0)
            self.grads["beta"] = dout.sum(axis=0)
            return dout * (cache["gamma"] * cache["inv_std"])
        dX, self.grads["gamma"], self.grads["beta"] = regularization.batchnorm_backward(dout, cache)
        return dX

    def __repr__(self) -> str:
        return f"BatchNorm({self.n_features}, momentum={self.momentum:g})"


class Sequential(Layer):
    """Layers applied one after the other, with a Keras-like training API.

    ``compile`` chooses the optimizer, loss and metrics; ``fit`` trains
    (:func:`dlkit.train.train_loop`); ``evaluate`` and ``predict`` run in evaluation
    mode; ``save``/``load`` write and read the weights as ``.npz``.
    """

    def __init__(self, *layers: Layer):
        super().__init__()
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(
                    f"layer {i} must be a dlkit Layer such as Dense or ReLU; got {type(layer).__name__}."
                )
        self.layers = list(layers)
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
            if i == 0 and isinstance(layer, Dense):
                layer._param_grads(dout)
                return
            dout = layer.backward(dout)

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
        from . import losses, optim

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
        X = as_2d(X, name)
        return X.astype(self.dtype, copy=False)

    def _targets(self, X: np.ndarray, y, name: str = "y") -> np.ndarray:
        """``y`` as the loss wants it, in the model's dtype; integer labels are one-hot
        encoded for categorical losses and become a column for a single output."""
        from . import losses

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
        X : array_like of shape (n_samples, n_features)
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
        from . import train
        from .callbacks import ProgressBar
        from .data import _n_val

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
        from . import train

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
        import os

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
