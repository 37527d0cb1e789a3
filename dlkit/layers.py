"""Layers and the forward pass of a multilayer perceptron.

The arithmetic lives in pure functions (:func:`dense_forward`, :func:`mlp_forward`),
the ones students write in notebook 02; the layer objects wrap them, Keras-style::

    model = Sequential(Dense(2, 8, rng=0), ReLU(), Dense(8, 3, rng=1), Softmax())
    P = model(X)            # (n_samples, 3)

Shapes follow the course convention: ``X`` is ``(n_samples, n_in)``, ``W`` is
``(n_in, n_out)``, ``b`` is ``(n_out,)`` and ``Z = X @ W + b`` is ``(n_samples, n_out)``.
Every layer has ``params`` and ``grads`` dicts with the same keys.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import activations
from ._validation import as_2d, as_float_array, check_choice, check_int, check_rng
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
    return X @ W + b


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
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)


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
    """

    def __init__(self):
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}

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

    def zero_grad(self) -> None:
        for key, value in self.params.items():
            self.grads[key] = np.zeros_like(value)

    @property
    def n_params(self) -> int:
        return sum(int(p.size) for p in self.params.values())

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Dense(Layer):
    """Fully connected layer ``Z = X @ W + b`` with ``W`` of shape ``(n_in, n_out)``."""

    def __init__(self, n_in: int, n_out: int, init: str = "he", rng=None):
        super().__init__()
        self.n_in, self.n_out, self.init = (
            check_int(n_in, "n_in", minimum=1),
            check_int(n_out, "n_out", minimum=1),
            init,
        )
        self.params = {"W": init_weights(n_in, n_out, init, rng), "b": np.zeros(n_out)}
        self.zero_grad()
        self.X: np.ndarray | None = None  # the last input, kept for the backward pass

    def forward(self, X) -> np.ndarray:
        self.X = as_2d(X, "X")
        return dense_forward(self.X, self.params["W"], self.params["b"])

    def backward(self, dout) -> np.ndarray:
        self._require_forward(self.X)
        dX, self.grads["W"], self.grads["b"] = dense_backward(dout, self.X, self.params["W"])
        return dX

    def __repr__(self) -> str:
        return f"Dense({self.n_in} -> {self.n_out}, init={self.init!r})"


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


class Sequential(Layer):
    """Layers applied one after the other."""

    def __init__(self, *layers: Layer):
        super().__init__()
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(
                    f"layer {i} must be a dlkit Layer such as Dense or ReLU; got {type(layer).__name__}."
                )
        self.layers = list(layers)

    def forward(self, X) -> np.ndarray:
        out = X
        for layer in self.layers:
            out = layer.forward(out)
        return out

    def backward(self, dout) -> np.ndarray:
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    def parameters(self):
        """``(layer, name)`` pairs of every parameter, in layer order (for optimizers)."""
        return [(layer, name) for layer in self.layers for name in layer.params]

    def zero_grad(self) -> None:
        for layer in self.layers:
            layer.zero_grad()

    @property
    def n_params(self) -> int:
        return sum(layer.n_params for layer in self.layers)

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
) -> Sequential:
    """A :class:`Sequential` MLP, e.g. ``build_mlp([2, 16, 3])``: Dense, hidden activation, ..., Dense, output."""
    rng = check_rng(rng)
    sizes = list(layer_sizes)
    layers: list[Layer] = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(Dense(n_in, n_out, init=init, rng=rng))
        name = output if i == len(sizes) - 2 else hidden
        layers.append(_NAMED[name]() if name in _NAMED else Activation(name))
    return Sequential(*layers)
