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


class Layer:
    """Base class: ``forward(X)``, ``params``/``grads`` dicts, ``zero_grad()``."""

    def __init__(self):
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}

    def forward(self, X) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

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
        return self._f(self.Z, **self.kwargs)

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
