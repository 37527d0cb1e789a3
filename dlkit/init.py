"""Weight initialisers: zeros, small random, Xavier/Glorot and He.

Every initialiser returns a weight matrix of shape ``(n_in, n_out)`` drawn through
``rng`` (a ``numpy.random.Generator``, an integer seed, or None for seed 0). Biases
start at zero. Why the variances matter:

- zeros: every unit of a layer computes the same thing and gets the same gradient,
  so they stay identical forever (the symmetry problem);
- Xavier/Glorot, ``Var(W) = 2 / (n_in + n_out)``: keeps the variance of activations
  and gradients steady through tanh/sigmoid layers;
- He, ``Var(W) = 2 / n_in``: the same for ReLU layers, which zero half their inputs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._validation import check_choice, check_int, check_positive, check_rng

__all__ = [
    "zeros",
    "small_normal",
    "xavier_normal",
    "xavier_uniform",
    "he_normal",
    "he_uniform",
    "INITIALISERS",
    "init_weights",
    "init_params",
]


def _sizes(n_in, n_out) -> tuple[int, int]:
    return check_int(n_in, "n_in", minimum=1), check_int(n_out, "n_out", minimum=1)


def zeros(n_in: int, n_out: int, rng=None) -> np.ndarray:
    """All-zero weights: shown in the course to fail (every unit stays the same)."""
    return np.zeros(_sizes(n_in, n_out))


def small_normal(n_in: int, n_out: int, rng=None, scale: float = 0.01) -> np.ndarray:
    """Normal with a small fixed standard deviation ``scale`` (default 0.01)."""
    scale = check_positive(scale, "scale")
    return scale * check_rng(rng).standard_normal(_sizes(n_in, n_out))


def xavier_normal(n_in: int, n_out: int, rng=None) -> np.ndarray:
    """Glorot normal: mean 0, variance ``2 / (n_in + n_out)``."""
    n_in, n_out = _sizes(n_in, n_out)
    return np.sqrt(2.0 / (n_in + n_out)) * check_rng(rng).standard_normal((n_in, n_out))


def xavier_uniform(n_in: int, n_out: int, rng=None) -> np.ndarray:
    """Glorot uniform on ``[-a, a]`` with ``a = sqrt(6 / (n_in + n_out))`` (same variance)."""
    n_in, n_out = _sizes(n_in, n_out)
    limit = np.sqrt(6.0 / (n_in + n_out))
    return check_rng(rng).uniform(-limit, limit, (n_in, n_out))


def he_normal(n_in: int, n_out: int, rng=None) -> np.ndarray:
    """He (Kaiming) normal: mean 0, variance ``2 / n_in``."""
    n_in, n_out = _sizes(n_in, n_out)
    return np.sqrt(2.0 / n_in) * check_rng(rng).standard_normal((n_in, n_out))


def he_uniform(n_in: int, n_out: int, rng=None) -> np.ndarray:
    """He uniform on ``[-a, a]`` with ``a = sqrt(6 / n_in)`` (variance ``2 / n_in``)."""
    n_in, n_out = _sizes(n_in, n_out)
    limit = np.sqrt(6.0 / n_in)
    return check_rng(rng).uniform(-limit, limit, (n_in, n_out))


#: method name -> initialiser; "glorot" is another name for "xavier"
INITIALISERS = {
    "zeros": zeros,
    "small": small_normal,
    "xavier": xavier_normal,
    "glorot": xavier_normal,
    "xavier_uniform": xavier_uniform,
    "he": he_normal,
    "he_uniform": he_uniform,
}


def init_weights(n_in: int, n_out: int, method: str = "he", rng=None) -> np.ndarray:
    """Weights of shape ``(n_in, n_out)`` by ``method`` (a key of :data:`INITIALISERS`)."""
    check_choice(method, "method", list(INITIALISERS))
    return INITIALISERS[method](n_in, n_out, rng=check_rng(rng))


def init_params(
    layer_sizes: Sequence[int], method: str = "he", rng=None
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Parameters of an MLP with ``layer_sizes = [n_inputs, n_hidden..., n_outputs]``.

    Returns
    -------
    list of (W, b), one pair per layer: ``W`` of shape ``(layer_sizes[l], layer_sizes[l+1])``
    drawn by ``method``, ``b`` of shape ``(layer_sizes[l+1],)`` filled with zeros. All layers
    draw from the same generator, one after the other.
    """
    sizes = [check_int(n, "layer_sizes[i]", minimum=1) for n in layer_sizes]
    if len(sizes) < 2:
        raise ValueError(
            f"layer_sizes needs at least an input and an output size; got {list(layer_sizes)}. "
            "Example: [2, 4, 1] for 2 inputs, 4 hidden units and 1 output."
        )
    rng = check_rng(rng)
    return [
        (init_weights(n_in, n_out, method, rng), np.zeros(n_out))
        for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)
    ]
