"""Layer objects and the functional passes of a multilayer perceptron.

The arithmetic lives in pure functions (:func:`dense_forward`, :func:`dense_backward`,
:func:`mlp_forward`, :func:`mlp_backward`), the ones students write in notebooks 02 and
04; the layer objects wrap them, each with ``forward(X)``, ``backward(dout)`` and
``params``/``grads`` dicts with the same keys::

    dense = Dense(2, 8, rng=0)
    Z = dense(X)                  # (n_samples, 8)
    dX = dense.backward(dZ)       # fills dense.grads["W"], dense.grads["b"]

Sequences (notebook 10) are batch first: :class:`Embedding` turns integer token ids
``(N, T)`` into vectors ``(N, T, dim)``, and :class:`SimpleRNN` reads ``(N, T, D)`` and
returns every hidden state ``(N, T, units)`` or only the last ``(N, units)``; both run the
pure functions of :mod:`dlkit.recurrent`.

Stacking layers into a model that trains (``Sequential``, ``build_mlp``) is the job of
:mod:`dlkit.models`.

Training and evaluation modes: :class:`Dropout` drops units and :class:`BatchNorm`
uses batch statistics only in training mode. Every layer starts in evaluation mode
(as in Keras, calling a model never drops anything); ``fit`` switches to training
mode for its mini-batch steps and back, and ``layer.train()`` / ``layer.eval()`` do it
by hand in a loop of your own.

L2 weight decay is a property of a layer: ``Dense(n_in, n_out, l2=1e-4)`` adds
``l2 * W`` to ``dW`` in its backward pass, and ``layer.penalty()`` (which a model adds
to the loss that ``fit`` and ``evaluate`` report) is ``0.5 * l2 * sum(W**2)``.

Shapes follow the course convention: ``X`` is ``(n_samples, n_in)``, ``W`` is
``(n_in, n_out)``, ``b`` is ``(n_out,)`` and ``Z = X @ W + b`` is ``(n_samples, n_out)``.
Every layer has ``params`` and ``grads`` dicts with the same keys.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import activations, conv, recurrent, regularization
from ._validation import (
    as_2d,
    as_float_array,
    check_choice,
    check_functions,
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
    "Conv2D",
    "MaxPool2D",
    "Flatten",
    "Embedding",
    "SimpleRNN",
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

    def _use_grad_buffers(self, buffers: dict) -> None:
        """Arrays (one per parameter, shaped like it) that ``fit`` may write this layer's
        gradients into; layers that allocate their gradients ignore them."""

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
    and :meth:`penalty` is ``0.5 * l2 * sum(W**2)``; ``l2_grad=`` and ``l2_penalty=`` run
    other functions of the same signatures instead (your own of notebook 06:
    ``l2_grad(W, lam)``, and ``l2_penalty(params, lam)`` called with ``[(W, b)]``).
    ``dtype=np.float32`` halves memory and roughly doubles speed.
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
        l2_grad=None,
        l2_penalty=None,
    ):
        super().__init__()
        check_functions(l2_grad=l2_grad, l2_penalty=l2_penalty)
        self.l2_grad_fn, self.l2_penalty_fn = l2_grad, l2_penalty  # None: dlkit's
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
        if not self._param_grads_into(dout):
            self.grads["W"], self.grads["b"] = _dense_param_grads(dout, self.X)
        self._add_decay()

    def _backward_fit(self, dout) -> np.ndarray:
        """``backward`` as ``fit`` runs it: the same three products, ``dW`` and ``db``
        written into the layer's own gradient arrays (:meth:`_param_grads_into`)."""
        self._require_forward(self.X)
        dout = as_float_array(dout, "dout", ndim=2)
        W = self.params["W"]
        if dout.shape != (self.X.shape[0], W.shape[1]) or not self._param_grads_into(dout):
            return self.backward(dout)
        self._add_decay()
        return dout @ W.T

    def _param_grads_into(self, dout: np.ndarray) -> bool:
        """``dW = X.T @ dout`` and ``db = dout.sum(axis=0)`` into arrays this layer owns,
        allocated on the first call and reused by every later one (``fit`` only: no
        weight-sized allocation per step). The arrays that ``zero_grad``, ``backward``
        or a user put in ``grads`` are never written into; the first call replaces
        them. Returns False (nothing done) when the dtypes or shapes do not allow it."""
        W, X = self.params["W"], self.X
        dtype = np.result_type(X, dout)
        if dtype != W.dtype or X.ndim != 2 or dout.shape != (X.shape[0], W.shape[1]):
            return False
        own = getattr(self, "_own_grads", None)
        if own is None or own[0].shape != W.shape or own[0].dtype != dtype:
            own = self._own_grads = (np.empty_like(W), np.empty(W.shape[1], dtype=dtype))
        dW, db = own
        np.matmul(X.T, dout, out=dW)
        np.sum(dout, axis=0, out=db)
        self.grads["W"], self.grads["b"] = dW, db
        return True

    def _use_grad_buffers(self, buffers: dict) -> None:
        W = self.params["W"]
        dW, db = buffers.get("W"), buffers.get("b")
        if dW is not None and db is not None and dW.shape == W.shape and db.shape == (W.shape[1],):
            self._own_grads = (dW, db)

    def _add_decay(self) -> None:
        if self.l2:
            l2_grad = self.l2_grad_fn or regularization.l2_grad
            self.grads["W"] += l2_grad(self.params["W"], self.l2)

    def penalty(self) -> float:
        if not self.l2:
            return 0.0
        if self.l2_penalty_fn is not None:
            return float(self.l2_penalty_fn([(self.params["W"], self.params["b"])], self.l2))
        return regularization.l2_penalty([self.params["W"]], self.l2)

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
    0) draws the masks: give each Dropout layer its own seed. ``forward=`` and
    ``backward=`` run other functions of the signatures of dlkit's (your own
    ``dropout_forward(A, p_drop, rng)`` and ``dropout_backward(dout, mask, p_drop)`` of
    notebook 06) in place of dlkit's.
    """

    def __init__(self, p: float = 0.5, rng=None, *, forward=None, backward=None):
        super().__init__()
        self.p = regularization._p_drop(p)
        self.rng = check_rng(rng)
        self.mask: np.ndarray | None = None
        check_functions(forward=forward, backward=backward)
        self.forward_fn, self.backward_fn = forward, backward  # None: dlkit's

    def forward(self, X) -> np.ndarray:
        if not self.training or self.p == 0:
            self.mask = None
            return as_float_array(X, "X")
        dropout_forward = self.forward_fn or regularization.dropout_forward
        out, self.mask = dropout_forward(as_float_array(X, "X"), self.p, self.rng)
        return out

    def backward(self, dout) -> np.ndarray:
        if self.mask is None:  # nothing was dropped (evaluation mode, or p = 0)
            return as_float_array(dout, "dout")
        dropout_backward = self.backward_fn or regularization.dropout_backward
        return dropout_backward(as_float_array(dout, "dout"), self.mask, self.p)

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


class Conv2D(Layer):
    """2-D convolution over a batch (N, C, H, W) with ``F`` filters of shape (C, kh, kw).

    The arithmetic is :func:`dlkit.conv.conv2d_forward` and :func:`dlkit.conv.conv2d_backward`
    (through :func:`dlkit.conv.im2col`). ``W`` has shape (F, C, kh, kw), ``b`` shape (F,);
    He initialisation with fan-in ``C * kh * kw``. The output is (N, F, out_h, out_w).

    ``conv2d_forward`` and ``conv2d_backward`` are the functions the layer runs, with the
    signatures of dlkit's: ``conv2d_forward(X, W, b, stride, pad) -> out`` and
    ``conv2d_backward(dout, X, W, stride, pad) -> (dX, dW, db)``. Notebook 09 passes the
    student's own. With dlkit's (None, the default, or dlkit's functions given) the layer
    runs their channels-first twins, which keep im2col's matrix from the forward pass for
    ``dW``: about twice as fast.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int = 3,
        stride: int = 1,
        pad: int = 0,
        init: str = "he",
        rng=None,
        *,
        dtype=np.float64,
        conv2d_forward=None,
        conv2d_backward=None,
    ):
        super().__init__()
        self.in_channels = check_int(in_channels, "in_channels", minimum=1)
        self.out_channels = check_int(out_channels, "out_channels", minimum=1)
        self.kernel_size = check_int(kernel_size, "kernel_size", minimum=1)
        self.stride = check_int(stride, "stride", minimum=1)
        self.pad = check_int(pad, "pad", minimum=0)
        self.init = init
        check_functions(conv2d_forward=conv2d_forward, conv2d_backward=conv2d_backward)
        self.conv2d_forward = conv2d_forward  # None: dlkit's
        self.conv2d_backward = conv2d_backward
        dtype = _float_dtype(dtype)
        k, C, F = self.kernel_size, self.in_channels, self.out_channels
        W = init_weights(C * k * k, F, init, rng).T.reshape(F, C, k, k)
        self.params = {"W": np.ascontiguousarray(W, dtype=dtype), "b": np.zeros(F, dtype=dtype)}
        self.zero_grad()
        self.X: np.ndarray | None = None
        self._cols: np.ndarray | None = None

    def forward(self, X) -> np.ndarray:
        X = conv._as_batch(X)
        if X.shape[1] != self.in_channels:
            raise ValueError(
                f"X must have {self.in_channels} channels for {self!r}: shape (N, {self.in_channels}, H, W); "
                f"got {X.shape}."
            )
        self.X = X
        W, b = self.params["W"], self.params["b"]
        if self.conv2d_forward in (None, conv.conv2d_forward):  # dlkit's: its channels-first twin
            out, self._cols = conv._conv_forward_t(X, W, b, self.stride, self.pad)
            return out
        self._cols = None
        return _as_output(
            self.conv2d_forward(X, W, b, self.stride, self.pad), "conv2d_forward", X.dtype
        )

    def backward(self, dout) -> np.ndarray:
        self._require_forward(self.X)
        W = self.params["W"]
        dout = as_float_array(dout, "dout", ndim=4)
        if self.conv2d_backward in (None, conv.conv2d_backward):  # dlkit's: its channels-first twin
            dX, dW, db = conv._conv_backward_t(dout, self.X, W, self.stride, self.pad, self._cols)
        else:
            dX, dW, db = self.conv2d_backward(dout, self.X, W, self.stride, self.pad)
            dX = _as_output(dX, "conv2d_backward", dout.dtype)
        self.grads["W"] = np.asarray(dW).reshape(W.shape).astype(W.dtype, copy=False)
        self.grads["b"] = np.asarray(db).reshape(W.shape[0]).astype(W.dtype, copy=False)
        return dX

    def __repr__(self) -> str:
        k = self.kernel_size
        return (
            f"Conv2D({self.in_channels} -> {self.out_channels}, kernel={k}x{k}, "
            f"stride={self.stride}, pad={self.pad})"
        )


def _as_output(value, name: str, dtype) -> np.ndarray:
    """A function given to a layer returned ``value``: an array, in the layer's float dtype
    (a student's function may promote float32 to float64)."""
    if value is None:
        raise TypeError(f"{name} returned None: return the array (did you forget `return`?).")
    return np.asarray(value).astype(np.result_type(dtype, np.float32), copy=False)


class MaxPool2D(Layer):
    """Max pooling over ``size x size`` windows (:func:`dlkit.conv.maxpool2d`); no parameters.

    ``maxpool2d`` and ``maxpool2d_backward`` are the functions the layer runs, with the
    signatures of dlkit's (None, the default): ``maxpool2d(X, size, stride)`` and
    ``maxpool2d_backward(dout, X, size, stride)``. Notebook 09 passes the student's own.
    """

    def __init__(
        self,
        size: int = 2,
        stride: int | None = None,
        *,
        maxpool2d=None,
        maxpool2d_backward=None,
    ):
        super().__init__()
        self.size = check_int(size, "size", minimum=1)
        self.stride = self.size if stride is None else check_int(stride, "stride", minimum=1)
        check_functions(maxpool2d=maxpool2d, maxpool2d_backward=maxpool2d_backward)
        self.maxpool2d = maxpool2d  # None: dlkit's
        self.maxpool2d_backward = maxpool2d_backward
        self.X: np.ndarray | None = None

    def forward(self, X) -> np.ndarray:
        self.X = conv._as_batch(X)
        maxpool2d = self.maxpool2d or conv.maxpool2d
        return _as_output(maxpool2d(self.X, self.size, self.stride), "maxpool2d", self.X.dtype)

    def backward(self, dout) -> np.ndarray:
        self._require_forward(self.X)
        maxpool2d_backward = self.maxpool2d_backward or conv.maxpool2d_backward
        dX = maxpool2d_backward(dout, self.X, self.size, self.stride)
        return _as_output(dX, "maxpool2d_backward", np.result_type(self.X, np.asarray(dout)))

    def __repr__(self) -> str:
        return f"MaxPool2D(size={self.size}, stride={self.stride})"


class Flatten(Layer):
    """(N, d1, d2, ...) -> (N, d1 * d2 * ...): from feature maps to the input of a Dense layer."""

    def __init__(self):
        super().__init__()
        self.shape: tuple[int, ...] | None = None

    def forward(self, X) -> np.ndarray:
        X = as_float_array(X, "X")
        if X.ndim < 2:
            raise ValueError(
                f"X must have a batch axis and at least one more; got shape {X.shape}."
            )
        self.shape = X.shape
        return X.reshape(X.shape[0], -1)

    def backward(self, dout) -> np.ndarray:
        self._require_forward(self.shape)
        return as_float_array(dout, "dout").reshape(self.shape)


class Embedding(Layer):
    """A trainable lookup table: integer token ids ``(N, T)`` -> vectors ``(N, T, dim)``.

    Row ``v`` of the table ``E`` (vocab_size, dim) is the vector of token ``v``; the
    forward pass is :func:`dlkit.recurrent.embedding_forward` (``E[ids]``, the same as
    one-hot times ``E``) and the gradient :func:`dlkit.recurrent.embedding_backward`
    (repeated ids add up). Use it as the first layer of a :class:`~dlkit.models.Sequential`:
    ``fit``, ``evaluate`` and ``predict`` then take integer ids and keep them integers.

    Parameters
    ----------
    vocab_size : int >= 1
        Number of distinct tokens; every id must lie in ``[0, vocab_size)``.
    dim : int >= 1
        Length of each token's vector.
    rng : numpy.random.Generator or int, optional
        Draws the initial table, uniform on [-0.05, 0.05] as in Keras (None = seed 0).
        Small vectors keep the tanh of a :class:`SimpleRNN` above near its linear range,
        where it carries a state over many steps (``torch.nn.Embedding`` draws N(0, 1)).
    dtype : floating dtype, default float64
        ``np.float32`` keeps the table, the outputs and the gradient in float32.
    embedding_forward, embedding_backward : functions, optional
        What the forward and backward passes run, with the signatures of notebook 10's
        exercises (default: dlkit's); notebook 10 passes the student's own.

    Notes
    -----
    ``backward`` fills ``grads["E"]`` and returns None: token ids have no gradient.
    """

    def __init__(
        self,
        vocab_size: int,
        dim: int,
        *,
        rng=None,
        dtype=np.float64,
        embedding_forward=None,
        embedding_backward=None,
    ):
        super().__init__()
        check_functions(embedding_forward=embedding_forward, embedding_backward=embedding_backward)
        self._embedding_forward = embedding_forward  # None: dlkit's
        self._embedding_backward = embedding_backward
        self.vocab_size = check_int(vocab_size, "vocab_size", minimum=1)
        self.dim = check_int(dim, "dim", minimum=1)
        dtype = _float_dtype(dtype)
        E = check_rng(rng).uniform(-0.05, 0.05, (self.vocab_size, self.dim))
        self.params = {"E": E.astype(dtype, copy=False)}
        self.zero_grad()
        self.ids: np.ndarray | None = None  # the last input, kept for the backward pass

    def check_ids(self, X, name: str = "X") -> np.ndarray:
        """``X`` as token ids for this table: an integer array (N, T) with values in
        ``[0, vocab_size)``; raises TypeError or ValueError saying how to fix it."""
        ids = np.asarray(X)
        if ids.dtype.kind not in "iu":
            if ids.dtype.kind != "f":
                fix = (
                    f"Map the tokens to integers 0, ..., {self.vocab_size - 1} first, e.g. "
                    "np.unique(tokens, return_inverse=True)[1]."
                )
            elif np.all(np.isfinite(ids)) and np.all(ids == np.round(ids)):
                fix = f"Convert whole-number floats with {name}.astype(int)."
            else:
                fix = (
                    "For sequences of real-valued features (N, T, D), leave the Embedding out "
                    "and start with SimpleRNN(units, input_dim=D)."
                )
            raise TypeError(
                f"{name} must hold integer token ids for {self!r}; got dtype {ids.dtype}. {fix}"
            )
        if ids.ndim != 2:
            hint = f" Use {name}.reshape(1, -1) for one sequence." if ids.ndim == 1 else ""
            raise ValueError(
                f"{name} must be 2-D token ids of shape (n_sequences, T) for {self!r}; got "
                f"shape {ids.shape}.{hint}"
            )
        if ids.size and (ids.min() < 0 or ids.max() >= self.vocab_size):
            bad = np.argwhere((ids < 0) | (ids >= self.vocab_size))[0]
            raise ValueError(
                f"{name} must hold ids in [0, {self.vocab_size}) for {self!r}; got "
                f"{name}[{bad[0]}, {bad[1]}] = {ids[tuple(bad)]} (values from {ids.min()} to "
                f"{ids.max()}). Build Embedding(vocab_size={int(ids.max()) + 1}, ...) or map "
                f"the tokens to 0, ..., {self.vocab_size - 1}."
            )
        return ids

    def forward(self, X) -> np.ndarray:
        self.ids = self.check_ids(X)
        lookup = self._embedding_forward or recurrent.embedding_forward
        return lookup(self.ids, self.params["E"])

    def backward(self, dout) -> None:
        self._require_forward(self.ids)
        dout = as_float_array(dout, "dout")
        if dout.shape != (*self.ids.shape, self.dim):
            raise ValueError(
                f"dout must have the shape of the output {(*self.ids.shape, self.dim)} "
                f"(N, T, dim) for {self!r}; got {dout.shape}."
            )
        E = self.params["E"]
        backward = self._embedding_backward or recurrent.embedding_backward
        dE = np.asarray(backward(dout, self.ids, self.vocab_size))
        self.grads["E"] = dE.astype(E.dtype, copy=False)
        return None

    def __repr__(self) -> str:
        return f"Embedding(vocab_size={self.vocab_size}, dim={self.dim})"


class SimpleRNN(Layer):
    """The vanilla RNN over a batch of sequences: ``h_t = tanh(x_t @ Wx + h_{t-1} @ Wh + b)``.

    Batch first, as ``torch.nn.RNN(batch_first=True)``: the input is ``(N, T, D)``, the
    first state ``h_0`` is zeros, and the output is every state ``(N, T, units)`` with
    ``return_sequences=True``, else the last one ``(N, units)``. The forward pass is
    :func:`dlkit.recurrent.rnn_forward`, the backward pass
    :func:`dlkit.recurrent.rnn_backward` (backpropagation through time).

    Parameters
    ----------
    units : int >= 1
        Size ``H`` of the hidden state.
    input_dim : int >= 1, optional
        Features per step ``D``. Leave it out after an :class:`Embedding` (or another
        layer that says its output size) in a :class:`~dlkit.models.Sequential`, which
        sets it; a SimpleRNN on its own takes it from its first input.
    return_sequences : bool, default False
        Return all the states (to stack another SimpleRNN, or one output per step) or
        only the last (to classify the whole sequence).
    rng : numpy.random.Generator or int, optional
        Draws the initial weights (None = seed 0): ``Wx`` (D, units) Glorot/Xavier
        normal, ``Wh`` (units, units) a random orthogonal matrix (its singular values are
        all 1, see notebook 10), ``b`` zeros.
    dtype : floating dtype, default float64
    rnn_forward, rnn_backward : functions, optional
        What the forward and backward passes run, with the signatures of notebook 10's
        exercises (``rnn_forward`` returns ``(H, cache)`` with ``H`` last in the cache;
        default: dlkit's); notebook 10 passes the student's own.
    """

    def __init__(
        self,
        units: int,
        *,
        input_dim: int | None = None,
        return_sequences: bool = False,
        rng=None,
        dtype=np.float64,
        rnn_forward=None,
        rnn_backward=None,
    ):
        super().__init__()
        check_functions(rnn_forward=rnn_forward, rnn_backward=rnn_backward)
        self._rnn_forward = rnn_forward  # None: dlkit's
        self._rnn_backward = rnn_backward
        self.units = check_int(units, "units", minimum=1)
        if not isinstance(return_sequences, bool | np.bool_):
            raise TypeError(f"return_sequences must be True or False; got {return_sequences!r}.")
        self.return_sequences = bool(return_sequences)
        self.rng = check_rng(rng)
        self.dtype = _float_dtype(dtype)
        self.input_dim: int | None = None
        self.cache: tuple | None = None
        if input_dim is not None:
            self.build(input_dim)

    def build(self, input_dim: int) -> None:
        """Create ``Wx`` (input_dim, units), ``Wh`` (units, units) and ``b`` (units,).

        Called by the constructor with ``input_dim``, by
        :class:`~dlkit.models.Sequential` from the layer below, or by the first
        ``forward``; a built layer keeps its weights (build again only with the same size).
        """
        input_dim = check_int(input_dim, "input_dim", minimum=1)
        if self.input_dim is not None:
            if input_dim != self.input_dim:
                raise ValueError(
                    f"{self!r} was built for {self.input_dim} features per step; got "
                    f"input_dim={input_dim}. Build a new SimpleRNN for the other size."
                )
            return
        H = self.units
        Wx = init_weights(input_dim, H, "xavier", self.rng)
        Q, R = np.linalg.qr(self.rng.standard_normal((H, H)))
        Wh = Q * np.where(np.diag(R) < 0, -1.0, 1.0)  # orthogonal, uniformly distributed
        self.input_dim = input_dim
        self.params = {
            "Wx": Wx.astype(self.dtype, copy=False),
            "Wh": np.ascontiguousarray(Wh, dtype=self.dtype),
            "b": np.zeros(H, dtype=self.dtype),
        }
        self.zero_grad()

    def forward(self, X) -> np.ndarray:
        X = as_float_array(X, "X")
        if X.ndim != 3:
            hint = (
                " Integer token ids (N, T)? Put an Embedding before the SimpleRNN."
                if X.ndim == 2
                else ""
            )
            if X.ndim == 2 and self.input_dim == 1:
                hint = " Use X[..., None] for one feature per step."
            raise ValueError(
                f"X must be 3-D, (n_sequences, T, features per step), for {self!r}; got "
                f"shape {X.shape}.{hint}"
            )
        if self.input_dim is None:
            self.build(X.shape[2])
        if X.shape[2] != self.input_dim:
            raise ValueError(
                f"X must have shape (N, T, {self.input_dim}) for {self!r}; got {X.shape}. "
                f"Build SimpleRNN(..., input_dim={X.shape[2]}) for {X.shape[2]} features per step."
            )
        Wx, Wh, b = self.params["Wx"], self.params["Wh"], self.params["b"]
        h0 = np.zeros((X.shape[0], self.units), dtype=np.result_type(X, Wh))
        forward = self._rnn_forward or recurrent.rnn_forward
        Hs, self.cache = forward(X, h0, Wx, Wh, b)
        Hs = np.asarray(Hs)
        return Hs if self.return_sequences else Hs[:, -1].copy()

    def backward(self, dout) -> np.ndarray:
        self._require_forward(self.cache)
        Hs = self.cache[5]
        dout = as_float_array(dout, "dout")
        want = Hs.shape if self.return_sequences else (Hs.shape[0], Hs.shape[2])
        if dout.shape != want:
            raise ValueError(
                f"dout must have the shape of the output {want} for {self!r}; got {dout.shape}."
            )
        if self.return_sequences:
            dH = dout
        else:  # only the last state left the layer: no gradient reaches the others from above
            dH = np.zeros(Hs.shape, dtype=np.result_type(Hs, dout))
            dH[:, -1] = dout
        backward = self._rnn_backward or recurrent.rnn_backward
        dX, _, dWx, dWh, db = backward(dH, self.cache)
        for name, grad in (("Wx", dWx), ("Wh", dWh), ("b", db)):
            self.grads[name] = np.asarray(grad).astype(self.params[name].dtype, copy=False)
        return dX

    def __repr__(self) -> str:
        D = "?" if self.input_dim is None else self.input_dim
        out = "return_sequences=True" if self.return_sequences else "last state"
        return f"SimpleRNN({D} -> {self.units}, tanh, {out})"
