"""Reference activation functions and their derivatives.

Every function is element-wise except :func:`softmax`, which works along the last
axis. Derivatives take the pre-activation ``z`` (not the activation) and return
d f(z) / dz. All functions accept scalars, lists or arrays of any shape, keep
float32 as float32, and stay finite and warning-free for ``|z|`` up to 1e4 and beyond.

Conventions used throughout the course: ``step(0) = 1``, ``relu_grad(0) = 0``, and
Leaky ReLU / ELU take their positive branch for ``z > 0``.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, check_choice, check_positive

__all__ = [
    "identity",
    "identity_grad",
    "step",
    "step_grad",
    "sigmoid",
    "sigmoid_grad",
    "tanh",
    "tanh_grad",
    "relu",
    "relu_grad",
    "leaky_relu",
    "leaky_relu_grad",
    "elu",
    "elu_grad",
    "softmax",
    "ACTIVATIONS",
    "get",
]


def _z(z) -> np.ndarray:
    return as_float_array(z, "z")


def _out(a: np.ndarray):
    # a 0-d input gives a NumPy scalar back, like NumPy's own ufuncs
    return a[()] if a.ndim == 0 else a


def identity(z):
    """Return ``z`` unchanged (as a float array): the output for regression."""
    return _out(_z(z).copy())


def identity_grad(z):
    """Derivative of the identity: ones shaped like ``z``."""
    return _out(np.ones_like(_z(z)))


def step(z):
    """Heaviside step: 1 where ``z >= 0``, else 0 (the perceptron's activation)."""
    z = _z(z)
    return _out(np.where(z >= 0, 1.0, 0.0).astype(z.dtype))


def step_grad(z):
    """Zero wherever it is defined: the reason a step neuron cannot learn by gradient descent."""
    return _out(np.zeros_like(_z(z)))


def sigmoid(z):
    """Logistic function ``1 / (1 + exp(-z))``, computed without overflow.

    For negative ``z`` the equivalent form ``exp(z) / (1 + exp(z))`` is used, so the
    exponential is only ever taken of a non-positive number.
    """
    z = _z(z)
    ez = np.exp(-np.abs(z))  # never overflows: the argument is <= 0
    return _out(np.where(z >= 0, 1.0 / (1.0 + ez), ez / (1.0 + ez)))


def sigmoid_grad(z):
    """``sigmoid(z) * (1 - sigmoid(z))``, as a function of the pre-activation ``z``."""
    s = np.asarray(sigmoid(z))
    return _out(s * (1.0 - s))


def tanh(z):
    """Hyperbolic tangent, range (-1, 1)."""
    return _out(np.tanh(_z(z)))


def tanh_grad(z):
    """``1 - tanh(z)**2``."""
    t = np.tanh(_z(z))
    return _out(1.0 - t * t)


def relu(z):
    """Rectified linear unit ``max(0, z)``."""
    z = _z(z)
    return _out(np.maximum(z, 0).astype(z.dtype, copy=False))


def relu_grad(z):
    """1 where ``z > 0``, else 0 (the course takes 0 at ``z = 0``)."""
    z = _z(z)
    return _out((z > 0).astype(z.dtype))


def leaky_relu(z, alpha: float = 0.01):
    """``z`` for ``z > 0`` and ``alpha * z`` otherwise (i.e. ``max(alpha z, z)`` for alpha < 1)."""
    z = _z(z)
    alpha = check_positive(alpha, "alpha", allow_zero=True)
    return _out(np.where(z > 0, z, alpha * z).astype(z.dtype))


def leaky_relu_grad(z, alpha: float = 0.01):
    """1 for ``z > 0``, else ``alpha``."""
    z = _z(z)
    alpha = check_positive(alpha, "alpha", allow_zero=True)
    return _out(np.where(z > 0, 1.0, alpha).astype(z.dtype))


def elu(z, alpha: float = 1.0):
    """Exponential linear unit: ``z`` for ``z > 0``, else ``alpha * (exp(z) - 1)``.

    Its range is ``(-alpha, inf)``: unlike ReLU it takes negative values.
    """
    z = _z(z)
    alpha = check_positive(alpha, "alpha", allow_zero=True)
    # clip before exp: np.where evaluates both branches, and exp(1e4) would overflow
    return _out(np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0))).astype(z.dtype))


def elu_grad(z, alpha: float = 1.0):
    """1 for ``z > 0``, else ``alpha * exp(z)``."""
    z = _z(z)
    alpha = check_positive(alpha, "alpha", allow_zero=True)
    return _out(np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0))).astype(z.dtype))


def softmax(z):
    """Softmax along the last axis: each row becomes a probability vector.

    Parameters
    ----------
    z : array_like of shape (..., n_classes)
        Scores (logits).

    Returns
    -------
    ndarray of the same shape, non-negative, summing to 1 along the last axis.
    """
    z = as_float_array(z, "z")
    if z.ndim == 0:
        raise ValueError(
            "z must have at least one axis (the classes); got a scalar. Use np.atleast_1d(z)."
        )
    # subtract the row max so exp cannot overflow; softmax is unchanged by the shift
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


#: name -> (function, derivative); used by neurons, layers and the plotting helpers.
ACTIVATIONS = {
    "identity": (identity, identity_grad),
    "step": (step, step_grad),
    "sigmoid": (sigmoid, sigmoid_grad),
    "tanh": (tanh, tanh_grad),
    "relu": (relu, relu_grad),
    "leaky_relu": (leaky_relu, leaky_relu_grad),
    "elu": (elu, elu_grad),
}


def get(name: str):
    """Return ``(function, derivative)`` for an activation name such as ``"relu"``."""
    check_choice(name, "name", list(ACTIVATIONS))
    return ACTIVATIONS[name]
