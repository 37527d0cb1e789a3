"""Gradient checking: compare backpropagation with central differences.

The numerical gradient of a scalar function ``f`` at ``x`` is, entry by entry,

    (f(x + h e_i) - f(x - h e_i)) / (2 h)

computed in float64. Two gradients agree when their relative error
``max |a - b| / max(|a| + |b|)`` is small: around 1e-7 or less for a correct
backward pass in float64, 1e-2 or more for a bug.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._validation import as_float_array, check_positive
from .losses import _resolve

__all__ = ["numerical_gradient", "relative_error", "GradcheckRow", "gradcheck"]


def numerical_gradient(f: Callable[[np.ndarray], float], x, h: float = 1e-5) -> np.ndarray:
    """Central-difference gradient of the scalar function ``f`` at ``x``.

    ``x`` is perturbed in place, one entry at a time, and restored; pass the very
    array ``f`` reads (a model's weight matrix, say) to differentiate through it.

    Returns
    -------
    ndarray shaped like ``x`` (float64).
    """
    h = check_positive(h, "h")
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError(
            f"x must be a float64 ndarray (perturbed in place); got {type(x).__name__}"
            f"{'' if not isinstance(x, np.ndarray) else ' of dtype ' + str(x.dtype)}. "
            "Use x = np.asarray(x, dtype=np.float64) and let f read that array."
        )
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + h
        up = float(f(x))
        x[index] = saved - h
        down = float(f(x))
        x[index] = saved  # restore exactly, not saved - h + h
        grad[index] = (up - down) / (2 * h)
    return grad


def relative_error(a, b) -> float:
    """``max |a - b| / max(|a| + |b|)``, 0 when both are zero: scale-free agreement."""
    a = as_float_array(a, "a")
    b = as_float_array(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape; got {a.shape} and {b.shape}.")
    scale = float(np.max(np.abs(a) + np.abs(b), initial=0.0))
    return 0.0 if scale == 0 else float(np.max(np.abs(a - b), initial=0.0)) / scale


@dataclass
class GradcheckRow:
    name: str
    shape: tuple
    max_abs_error: float
    relative_error: float
    ok: bool

    def __str__(self) -> str:
        status = "ok" if self.ok else "FAILED"
        return f"{self.name:<16} {str(self.shape):<12} {self.max_abs_error:>12.3e} {self.relative_error:>12.3e}  {status}"


def gradcheck(
    model,
    X,
    Y,
    loss="categorical_cross_entropy",
    *,
    h: float = 1e-5,
    tol: float = 1e-6,
    raise_on_failure: bool = True,
    verbose: bool = True,
) -> list[GradcheckRow]:
    """Check every parameter gradient of ``model`` (a :class:`~dlkit.models.Sequential`).

    ``loss`` is a name from :data:`dlkit.losses.LOSSES` or a pair ``(loss, loss_grad)``.
    The model's parameters are converted to float64 for the check (their dtype is
    restored afterwards). Prints one aligned row per parameter; raises
    ``AssertionError`` with the table if any relative error exceeds ``tol``.
    """
    loss_f, loss_grad = _resolve(loss)
    X = np.asarray(X)
    if X.dtype.kind not in "iu":  # integer token ids (an Embedding's input) stay integers
        X = X.astype(np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    saved = {(id(layer), name): layer.params[name] for layer, name in model.parameters()}
    try:
        for layer, name in model.parameters():
            layer.params[name] = np.array(layer.params[name], dtype=np.float64)
        out = model.forward(X)
        model.backward(loss_grad(Y, out))
        rows = []
        for layer, name in model.parameters():
            analytic = np.array(layer.grads[name], dtype=np.float64)
            numeric = numerical_gradient(
                lambda _: loss_f(Y, model.forward(X)), layer.params[name], h
            )
            index = next(k for k, m in enumerate(model.layers) if m is layer)
            err = relative_error(analytic, numeric)
            rows.append(
                GradcheckRow(
                    f"layers[{index}].{name}",
                    analytic.shape,
                    float(np.max(np.abs(analytic - numeric), initial=0.0)),
                    err,
                    err <= tol,
                )
            )
    finally:
        for layer, name in model.parameters():
            layer.params[name] = saved[(id(layer), name)]
    table = "\n".join(
        [
            f"{'parameter':<16} {'shape':<12} {'max abs err':>12} {'rel error':>12}  status",
            *map(str, rows),
        ]
    )
    if verbose:
        print(table)
    if raise_on_failure and not all(r.ok for r in rows):
        bad = ", ".join(r.name for r in rows if not r.ok)
        raise AssertionError(f"gradient check failed for {bad} (tolerance {tol:g}):\n{table}")
    return rows
