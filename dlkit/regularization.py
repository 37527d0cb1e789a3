"""Regularisation and normalisation: dropout, L2 weight decay, batch normalisation.

Reference implementations of notebook 06's exercises, as pure functions; the layer
objects in :mod:`dlkit.layers` (``Dropout``, ``BatchNorm``, ``Dense(..., l2=...)``)
call them.

* **Inverted dropout** (:func:`dropout_forward`): at training time each unit is kept
  with probability ``1 - p_drop`` and the kept units are scaled by ``1 / (1 - p_drop)``,
  so the expected activation is unchanged and nothing needs rescaling at test time.
* **L2 weight decay** (:func:`l2_penalty`, :func:`l2_grad`, :func:`add_l2_grads`): the
  loss gains ``0.5 * lam * sum(W**2)`` over every weight matrix (biases are not
  penalised), and each weight gradient gains ``lam * W``.
* **Batch normalisation** (:func:`batchnorm_forward`, :func:`batchnorm_backward`):
  standardise each feature with the batch's mean and variance, then scale by ``gamma``
  and shift by ``beta``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ._validation import as_float_array, check_positive, check_rng, check_unit_interval

__all__ = [
    "dropout_forward",
    "dropout_backward",
    "l2_penalty",
    "l2_grad",
    "add_l2_grads",
    "batchnorm_forward",
    "batchnorm_backward",
]


def _p_drop(p_drop) -> float:
    return check_unit_interval(
        p_drop,
        "p_drop",
        "It is the probability of dropping a unit: 0.5 for hidden layers and 0.2 for inputs "
        "are usual; 1 would drop everything.",
    )


def dropout_forward(A, p_drop: float, rng=None, training: bool = True):
    """Inverted dropout on a batch of activations.

    Each entry is kept with probability ``1 - p_drop``: ``mask = rng.random(A.shape) <
    1 - p_drop``. Kept entries are scaled by ``1 / (1 - p_drop)`` so that the expected
    value of every unit is the same as without dropout; at test time
    (``training=False``) nothing is dropped and nothing is rescaled.

    Parameters
    ----------
    A : ndarray of any shape, typically (n_samples, n_units)
        Activations; float32 stays float32.
    p_drop : float in [0, 1)
        Probability of dropping a unit. ``p_drop=0`` returns ``A`` unchanged (all kept).
    rng : numpy.random.Generator or int, optional
        Source of the random mask; pass one Generator for a whole training run so that
        every batch gets a new mask (``None`` means seed 0, the same mask every call).
    training : bool, default True
        ``False`` (test time) returns the input unchanged.

    Returns
    -------
    out : ndarray shaped like ``A``, ``A * mask / (1 - p_drop)``
    mask : ndarray of bool shaped like ``A`` (True = kept), or None when ``training``
        is False (no mask was drawn).
    """
    A = as_float_array(A, "A")
    p_drop = _p_drop(p_drop)
    if not training:
        return A, None
    rng = check_rng(rng)
    dtype = A.dtype if A.dtype in (np.float32, np.float64) else np.float64
    mask = rng.random(A.shape, dtype=dtype) < 1.0 - p_drop
    # Python float scale: a NumPy float64 scalar would promote float32 work to float64
    return A * mask * (1.0 / (1.0 - p_drop)), mask


def dropout_backward(dout, mask, p_drop: float) -> np.ndarray:
    """Gradient through inverted dropout: ``dout * mask / (1 - p_drop)``.

    ``mask`` is the one :func:`dropout_forward` returned; ``None`` (test time) passes
    ``dout`` through.
    """
    dout = as_float_array(dout, "dout")
    p_drop = _p_drop(p_drop)
    if mask is None:
        return dout
    mask = np.asarray(mask)
    if mask.shape != dout.shape:
        raise ValueError(
            f"mask must have the shape of dout {dout.shape}; got {mask.shape}. Pass the mask "
            "that dropout_forward returned for this batch."
        )
    return dout * mask * (1.0 / (1.0 - p_drop))


def _weights(params) -> list[np.ndarray]:
    """The weight matrices in ``params`` (see :func:`l2_penalty`)."""
    if hasattr(params, "parameters"):  # a model: the "W" of every layer
        return [layer.params[name] for layer, name in params.parameters() if name == "W"]
    if isinstance(params, Mapping):
        return [np.asarray(v) for k, v in params.items() if str(k).startswith("W")]
    if isinstance(params, np.ndarray):
        return [params]
    try:
        items = list(params)
    except TypeError:
        raise TypeError(
            "params must be a list of weight arrays, a list of (W, b) pairs, a dict whose "
            f"weight keys start with 'W', or a model; got {type(params).__name__}."
        ) from None
    weights = []
    for item in items:
        # a (W, b) pair as init_params returns it: only W is a weight
        weights.append(np.asarray(item[0] if isinstance(item, tuple) else item))
    return weights


def l2_penalty(params, lam: float) -> float:
    """L2 penalty ``0.5 * lam * sum of squared weights``; biases are not penalised.

    Parameters
    ----------
    params : one of
        * a list of weight arrays ``[W1, W2, ...]`` (every array counts),
        * a list of ``(W, b)`` pairs, as :func:`dlkit.init.init_params` returns (only
          ``W`` counts),
        * a dict such as ``{"W1": ..., "b1": ..., "W2": ...}`` (keys starting with
          ``"W"`` count),
        * a model with ``.parameters()`` (every parameter named ``"W"`` counts).
    lam : float >= 0
        Regularisation strength.

    Returns
    -------
    float
    """
    lam = check_positive(lam, "lam", allow_zero=True)
    total = 0.0
    for i, W in enumerate(_weights(params)):
        W = as_float_array(W, f"weight {i}")
        total += float(np.vdot(W, W))
    return 0.5 * lam * total


def l2_grad(W, lam: float) -> np.ndarray:
    """Gradient of the L2 penalty with respect to ``W``: ``lam * W`` (added to ``dW``).

    Parameters
    ----------
    W : ndarray of shape (n_in, n_out)
    lam : float >= 0

    Returns
    -------
    ndarray shaped like ``W`` (same dtype)
    """
    W = as_float_array(W, "W")
    return check_positive(lam, "lam", allow_zero=True) * W


def add_l2_grads(grads, params, lam: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """The gradients of ``loss + l2_penalty(params, lam)`` from those of the loss alone.

    Parameters
    ----------
    grads : list of (dW, db), one pair per layer, e.g. from
        :func:`dlkit.layers.mlp_backward`
    params : list of (W, b), the same layers, as :func:`dlkit.init.init_params` returns
    lam : float >= 0

    Returns
    -------
    list of (dW + lam * W, db): new weight gradients (same dtype as ``dW``), the bias
    gradients as they were (biases are not penalised). Neither input is modified.
    """
    lam = check_positive(lam, "lam", allow_zero=True)
    grads, params = list(grads), list(params)
    if len(grads) != len(params):
        raise ValueError(
            f"grads and params must have one pair per layer; got {len(grads)} gradient pairs "
            f"and {len(params)} parameter pairs. Pass the params the gradients were computed for."
        )
    out = []
    for layer, ((dW, db), (W, _)) in enumerate(zip(grads, params, strict=True), start=1):
        dW = as_float_array(dW, f"dW of layer {layer}")
        W = as_float_array(W, f"W of layer {layer}")
        if dW.shape != W.shape:
            raise ValueError(
                f"dW of layer {layer} must have the shape of its W {W.shape}; got {dW.shape}. "
                "Are grads and params in the same (layer) order?"
            )
        # a Python float times W keeps float32 weights in float32
        out.append((dW + (lam * W).astype(dW.dtype, copy=False), db))
    return out


def batchnorm_forward(X, gamma, beta, eps: float = 1e-5):
    """Batch normalisation with the batch's own statistics (training mode).

    ``X_hat = (X - mean) / sqrt(var + eps)`` per feature (``var`` is the biased batch
    variance), then ``out = gamma * X_hat + beta``. At test time a layer uses running
    averages instead (see :class:`dlkit.layers.BatchNorm`).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    gamma, beta : ndarray of shape (n_features,)
    eps : float > 0, added to the variance so a constant feature does not divide by 0

    Returns
    -------
    out : ndarray of shape (n_samples, n_features)
    cache : dict with ``X_hat``, ``mean``, ``var``, ``inv_std`` and ``gamma``, what
        :func:`batchnorm_backward` needs (and ``mean``/``var`` for running averages).
    """
    X = as_float_array(X, "X", ndim=2)
    gamma = as_float_array(gamma, "gamma", ndim=1)
    beta = as_float_array(beta, "beta", ndim=1)
    n_features = X.shape[1]
    for name, arr in (("gamma", gamma), ("beta", beta)):
        if arr.shape != (n_features,):
            raise ValueError(
                f"{name} must have shape ({n_features},), one entry per feature of X "
                f"{X.shape}; got {arr.shape}."
            )
    eps = check_positive(eps, "eps")
    mean = X.mean(axis=0)
    centred = X - mean
    var = (centred * centred).mean(axis=0)
    inv_std = 1.0 / np.sqrt(var + eps)
    X_hat = centred * inv_std
    cache = {"X_hat": X_hat, "mean": mean, "var": var, "inv_std": inv_std, "gamma": gamma}
    return gamma * X_hat + beta, cache


def batchnorm_backward(dout, cache):
    """Backward pass of :func:`batchnorm_forward` (training mode).

    ``dX = inv_std / n * (n * dX_hat - sum(dX_hat) - X_hat * sum(dX_hat * X_hat))`` with
    ``dX_hat = dout * gamma``, sums over the batch.

    Returns
    -------
    dX : ndarray of shape (n_samples, n_features)
    dgamma, dbeta : ndarray of shape (n_features,)
    """
    dout = as_float_array(dout, "dout", ndim=2)
    X_hat = cache["X_hat"]
    if dout.shape != X_hat.shape:
        raise ValueError(
            f"dout must have the shape of the forward output {X_hat.shape}; got {dout.shape}."
        )
    n = X_hat.shape[0]
    dgamma = (dout * X_hat).sum(axis=0)
    dbeta = dout.sum(axis=0)
    dX_hat = dout * cache["gamma"]
    dX = (cache["inv_std"] / n) * (
        n * dX_hat - dX_hat.sum(axis=0) - X_hat * (dX_hat * X_hat).sum(axis=0)
    )
    return dX, dgamma, dbeta
