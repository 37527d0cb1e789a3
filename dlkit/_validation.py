"""Input checks at dlkit's public boundaries.

Every message names the argument, says what was expected and what was received, and
suggests a fix. All checks raise ``ValueError`` or ``TypeError``.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np


def as_float_array(x, name: str, *, ndim: int | Sequence[int] | None = None) -> np.ndarray:
    """Return ``x`` as a float ndarray (float32 stays float32), checking its dimension."""
    if isinstance(x, np.ndarray) and x.dtype.kind == "f":
        arr = x
    else:
        try:
            arr = np.asarray(x)
        except Exception as exc:  # ragged lists and other oddities
            raise TypeError(
                f"{name} must be array-like of numbers; got {type(x).__name__} "
                f"({exc}). Pass a NumPy array, e.g. np.array(...)."
            ) from exc
        if arr.dtype == object or arr.dtype.kind not in "biuf":
            raise TypeError(
                f"{name} must contain real numbers; got dtype {arr.dtype}. "
                f"Convert it with np.asarray({name}, dtype=float)."
            )
        arr = arr.astype(np.float64)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(
                f"{name} must be {want}; got shape {arr.shape}.{_reshape_hint(arr, allowed, name)}"
            )
    return arr


def _reshape_hint(arr: np.ndarray, allowed: tuple[int, ...], name: str) -> str:
    if arr.ndim == 1 and 2 in allowed:
        return (
            f" Use {name}.reshape(1, -1) for one sample or {name}.reshape(-1, 1) for one feature."
        )
    if arr.ndim == 2 and 1 in allowed and 1 in arr.shape:
        return f" Use {name}.ravel() to drop the length-1 axis."
    return ""


def as_2d(X, name: str = "X") -> np.ndarray:
    """A batch ``(n_samples, n_features)``."""
    return as_float_array(X, name, ndim=2)


def as_labels(y, name: str = "y", *, n_samples: int | None = None) -> np.ndarray:
    """1-D labels, optionally of a known length."""
    arr = np.asarray(y)
    if arr.ndim == 2 and 1 in arr.shape:
        raise ValueError(
            f"{name} must be 1-D with one label per sample; got shape {arr.shape}. "
            f"Use {name}.ravel()."
        )
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D with one label per sample; got shape {arr.shape}.")
    if n_samples is not None and arr.shape[0] != n_samples:
        raise ValueError(
            f"{name} must have one label per sample: expected length {n_samples}, "
            f"got {arr.shape[0]}. Check that X and {name} come from the same data set."
        )
    return arr


def as_class_indices(labels, name: str = "labels", *, n_samples: int | None = None) -> np.ndarray:
    """1-D integer class indices (int64); whole-number floats are accepted."""
    arr = as_labels(labels, name, n_samples=n_samples)
    if arr.dtype.kind in "iub":
        return arr.astype(np.int64)
    if arr.dtype.kind == "f":
        bad = ~np.isfinite(arr) | (np.round(arr) != arr)
    else:  # strings, objects: find the first entry that is not an integer
        bad = np.array(
            [isinstance(v, bool) or not isinstance(v, numbers.Integral) for v in arr.tolist()],
            dtype=bool,
        )
    if bad.any():
        index = int(np.flatnonzero(bad)[0])
        value = arr.tolist()[index]  # a plain Python value: repr shows 1.5, not np.float64(1.5)
        hint = (
            " Probabilities or scores? Take .argmax(axis=1) of the model's output."
            if arr.dtype.kind == "f"
            else ""
        )
        raise ValueError(
            f"{name} must be integer class indices 0, 1, ..., n_classes - 1; got {value!r} "
            f"at index {index}. Map class names to integers with "
            f"np.unique({name}, return_inverse=True)[1].{hint}"
        )
    return arr.astype(np.int64)


def check_matching_rows(X: np.ndarray, y: np.ndarray, x_name: str = "X", y_name: str = "y") -> None:
    if X.shape[0] != y.shape[0]:
        raise ValueError(
            f"{x_name} and {y_name} must have the same number of samples; "
            f"got {x_name}.shape={X.shape} and {y_name}.shape={y.shape}."
        )


def check_same_shape(a: np.ndarray, b: np.ndarray, a_name: str, b_name: str) -> None:
    """Two arrays compared entry by entry (targets and predictions) must agree in shape."""
    if a.shape == b.shape:
        return
    fix = f"Pass one entry of {a_name} for every entry of {b_name}."
    if {a.ndim, b.ndim} == {1, 2} and a.shape[0] == b.shape[0]:
        column, column_name = (a, a_name) if a.ndim == 2 else (b, b_name)
        if column.shape[1] == 1:
            # (n,) - (n, 1) broadcasts to (n, n): a silent, classic source of wrong losses
            fix = (
                f"Use {column_name}.ravel(): an (n,) array combined with an (n, 1) one "
                "broadcasts to an (n, n) matrix instead of pairing the entries."
            )
    raise ValueError(
        f"{a_name} and {b_name} must have the same shape; got {a_name}.shape={a.shape} "
        f"and {b_name}.shape={b.shape}. {fix}"
    )


def check_positive(value, name: str, *, allow_zero: bool = False) -> float:
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"{name} must be a real number; got {type(value).__name__}.")
    if value < 0 or (value == 0 and not allow_zero) or not np.isfinite(value):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be finite and {bound}; got {value}.")
    return float(value)


def check_int(value, name: str, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {value!r} ({type(value).__name__}).")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value}.")
    return int(value)


def check_unit_interval(value, name: str, meaning: str) -> float:
    """A number in [0, 1) such as a decay rate or a drop probability; ``meaning`` says what
    it is and which values are usual."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"{name} must be a real number in [0, 1); got {type(value).__name__}.")
    if not 0 <= value < 1:
        raise ValueError(f"{name} must be in [0, 1); got {value}. {meaning}")
    return float(value)


def check_choice(value, name: str, choices: Sequence[str]) -> str:
    if value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {options}; got {value!r}.")
    return value


def check_functions(**given) -> None:
    """Each function given to run in place of dlkit's is a function, or None (dlkit's)."""
    for name, fn in given.items():
        if fn is not None and not callable(fn):
            raise TypeError(
                f"{name} must be a function (or None for dlkit's); got {type(fn).__name__}."
            )


def check_rng(rng) -> np.random.Generator:
    """Accept a Generator, an integer seed or None (the course's fixed seed 0).

    NumPy's global state is never touched, and None is deterministic on purpose:
    every figure and every run of a notebook comes out the same.
    """
    if rng is None:
        return np.random.default_rng(0)
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"rng must be a numpy.random.Generator or an integer seed; got {type(rng).__name__}. "
        "Create one with np.random.default_rng(seed)."
    )
