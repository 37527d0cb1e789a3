"""Data sets for the course, splitting and scaling.

* Small 2-D sets generated on the spot (no downloads): every generator takes ``rng``,
  a ``numpy.random.Generator`` or an integer seed, and returns the same data for the
  same seed. Features are float64 arrays of shape ``(n_samples, n_features)``; labels
  are int64 arrays of shape ``(n_samples,)``.
* :func:`digits`: the 8x8 handwritten digits, shipped inside the package (1,797
  images, 64 features 0..16, labels 0..9). Source: the test set of the UCI "Optical
  Recognition of Handwritten Digits" data set (E. Alpaydin and C. Kaynak, 1998,
  https://doi.org/10.24432/C50P49), licensed CC BY 4.0, as distributed with
  scikit-learn (``sklearn/datasets/data/digits.csv.gz``), converted unchanged to
  ``dlkit/datasets/digits.npz`` (see ``dlkit/datasets/README.md``).
* :func:`heart_disease`: the 303 patients of the UCI Heart Disease (Cleveland) data,
  shipped inside the package as the unmodified file ``processed.cleveland.data``.
  Source: Janosi, A., Steinbrunn, W., Pfisterer, M., & Detrano, R. (1989). *Heart
  Disease* [Dataset]. UCI Machine Learning Repository. https://doi.org/10.24432/C52P4X,
  licensed CC BY 4.0. Column names in :data:`HEART_COLUMNS`, the categorical ones in
  :data:`HEART_CATEGORICAL`. Preprocessing for it (notebook 08): :func:`column_medians`,
  :func:`fill_missing`, :func:`encode_categorical`, and :func:`kfold_indices` for
  cross-validation.
* :func:`mnist`: MNIST (60,000 + 10,000 images, 28x28), downloaded on first use into
  a cache (``$DLKIT_DATA`` or ``~/.cache/dlkit``) and checked against SHA-256 sums;
  :func:`read_idx` parses the IDX files (gzip or raw).
* :func:`train_val_split` (notebook 06), :func:`standardize`, and the pair
  :func:`fit_standardizer` / :func:`apply_standardizer` that scales new data with the
  training data's statistics (notebook 07).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import os
from pathlib import Path

import numpy as np

from ._validation import (
    as_2d,
    as_float_array,
    check_choice,
    check_int,
    check_matching_rows,
    check_positive,
    check_rng,
)

__all__ = [
    "logic_gate",
    "players",
    "PLAYER_FEATURES",
    "blobs",
    "moons",
    "circles",
    "spirals",
    "xor",
    "study_hours",
    "DATASETS",
    "standardize",
    "fit_standardizer",
    "apply_standardizer",
    "train_val_split",
    "digits",
    "DIGITS_SHA256",
    "heart_disease",
    "HEART_COLUMNS",
    "HEART_CATEGORICAL",
    "HEART_SHA256",
    "column_medians",
    "fill_missing",
    "encode_categorical",
    "kfold_indices",
    "read_idx",
    "fetch",
    "mnist",
    "MNIST_FILES",
    "MNIST_MIRRORS",
]

_GATES = {
    "and": [0, 0, 0, 1],
    "or": [0, 1, 1, 1],
    "nand": [1, 1, 1, 0],
    "nor": [1, 0, 0, 0],
    "xor": [0, 1, 1, 0],
}

#: column names of :func:`players`
PLAYER_FEATURES = ("height (cm)", "age (years)")


def logic_gate(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Truth table of a two-input logic gate.

    Parameters
    ----------
    name : {"and", "or", "nand", "nor", "xor"}

    Returns
    -------
    X : ndarray of shape (4, 2)
        The inputs (0, 0), (0, 1), (1, 0), (1, 1).
    y : ndarray of shape (4,)
        The gate's output for each row, 0 or 1.
    """
    key = check_choice(str(name).lower(), "name", list(_GATES))
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    return X, np.array(_GATES[key], dtype=np.int64)


def players(n_samples: int = 60, rng=0) -> tuple[np.ndarray, np.ndarray]:
    """Basketball trial: accept (1) or reject (0) players by height and age.

    A made-up but linearly separable set: taller and younger players are accepted.
    Points too close to the true boundary are left out, so a straight line can
    separate the classes with a visible margin.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
        Height in cm and age in years (see ``PLAYER_FEATURES``), unscaled.
    y : ndarray of shape (n_samples,)
        1 for accepted, 0 for rejected.
    """
    n_samples = check_int(n_samples, "n_samples", minimum=2)
    rng = check_rng(rng)
    rows: list[np.ndarray] = []
    while len(rows) < n_samples:
        height = rng.uniform(160.0, 205.0)
        age = rng.uniform(16.0, 36.0)
        score = (height - 182.0) / 10.0 - (age - 26.0) / 5.0
        if abs(score) > 0.35:  # keep a margin around the boundary
            rows.append(np.array([height, age, float(score > 0)]))
    table = np.round(np.array(rows), 1)
    return table[:, :2], table[:, 2].astype(np.int64)


def blobs(
    n_samples: int = 100,
    n_classes: int = 2,
    std: float = 0.5,
    rng=0,
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian blobs in 2-D, one per class, centred on a circle of radius 2.

    With the default ``std`` the two-class version is linearly separable.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
    y : ndarray of shape (n_samples,), labels 0 .. n_classes - 1 in equal shares
    """
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    n_classes = check_int(n_classes, "n_classes", minimum=2)
    std = check_positive(std, "std")
    rng = check_rng(rng)
    y = np.arange(n_samples) % n_classes
    angles = 2 * np.pi * np.arange(n_classes) / n_classes + np.pi / 4
    centres = 2.0 * np.column_stack([np.cos(angles), np.sin(angles)])
    X = centres[y] + std * rng.standard_normal((n_samples, 2))
    order = rng.permutation(n_samples)
    return X[order], y[order].astype(np.int64)


def _shuffled(
    X: np.ndarray, y: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    order = rng.permutation(len(y))
    return X[order], y[order].astype(np.int64)


def moons(n_samples: int = 200, noise: float = 0.15, rng=0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (not linearly separable).

    Returns X of shape (n_samples, 2) and labels 0/1 in equal shares (class 0 gets the
    extra sample when ``n_samples`` is odd).
    """
    n_samples = check_int(n_samples, "n_samples", minimum=2)
    noise = check_positive(noise, "noise", allow_zero=True)
    rng = check_rng(rng)
    n0 = (n_samples + 1) // 2
    t0, t1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n_samples - n0)
    X = np.vstack(
        [
            np.column_stack([np.cos(t0), np.sin(t0)]),
            np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)]),
        ]
    )
    y = np.repeat([0, 1], [n0, n_samples - n0])
    return _shuffled(X + noise * rng.standard_normal(X.shape), y, rng)


def circles(
    n_samples: int = 200, noise: float = 0.08, factor: float = 0.5, rng=0
) -> tuple[np.ndarray, np.ndarray]:
    """A small circle (label 1, radius ``factor``) inside a large one (label 0, radius 1)."""
    n_samples = check_int(n_samples, "n_samples", minimum=2)
    noise = check_positive(noise, "noise", allow_zero=True)
    factor = check_positive(factor, "factor")
    if factor >= 1:
        raise ValueError(f"factor must be < 1 (the inner circle's radius); got {factor}.")
    rng = check_rng(rng)
    n0 = (n_samples + 1) // 2
    t = np.concatenate(
        [
            np.linspace(0, 2 * np.pi, n0, endpoint=False),
            np.linspace(0, 2 * np.pi, n_samples - n0, endpoint=False),
        ]
    )
    r = np.repeat([1.0, factor], [n0, n_samples - n0])
    X = np.column_stack([r * np.cos(t), r * np.sin(t)])
    y = np.repeat([0, 1], [n0, n_samples - n0])
    return _shuffled(X + noise * rng.standard_normal(X.shape), y, rng)


def spirals(
    n_samples: int = 300, n_classes: int = 3, noise: float = 0.2, rng=0
) -> tuple[np.ndarray, np.ndarray]:
    """``n_classes`` interleaved spiral arms (the classic multi-class toy problem)."""
    n_samples = check_int(n_samples, "n_samples", minimum=n_classes)
    n_classes = check_int(n_classes, "n_classes", minimum=2)
    noise = check_positive(noise, "noise", allow_zero=True)
    rng = check_rng(rng)
    y = np.arange(n_samples) % n_classes
    position = np.arange(n_samples) // n_classes / max(1, (n_samples - 1) // n_classes)
    radius = position
    angle = 4.0 * position + 2 * np.pi * y / n_classes + noise * rng.standard_normal(n_samples)
    X = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
    return _shuffled(X, y, rng)


def xor(n_samples: int = 200, noise: float = 0.25, rng=0) -> tuple[np.ndarray, np.ndarray]:
    """Noisy XOR: four clusters at the corners of a square, opposite corners share a label."""
    n_samples = check_int(n_samples, "n_samples", minimum=4)
    noise = check_positive(noise, "noise", allow_zero=True)
    rng = check_rng(rng)
    corners = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
    which = np.arange(n_samples) % 4
    X = corners[which] + noise * rng.standard_normal((n_samples, 2))
    y = np.array([0, 1, 1, 0])[which]
    return _shuffled(X, y, rng)


#: name -> generator of a 2-D classification set, for the playground widgets
DATASETS = {"moons": moons, "circles": circles, "xor": xor, "spirals": spirals, "blobs": blobs}

# hours studied and final exam score (out of 100) of 20 students: made up, roughly
# linear with noise, one student who crammed well and one who did not
_STUDY = np.array(
    [
        [0.5, 31],
        [1.0, 40],
        [1.5, 38],
        [2.0, 47],
        [2.0, 52],
        [2.5, 50],
        [3.0, 58],
        [3.0, 49],
        [3.5, 61],
        [4.0, 60],
        [4.5, 70],
        [5.0, 66],
        [5.0, 74],
        [5.5, 73],
        [6.0, 80],
        [6.5, 77],
        [7.0, 86],
        [7.5, 84],
        [8.0, 90],
        [9.0, 93],
    ]
)


def study_hours() -> tuple[np.ndarray, np.ndarray]:
    """A tiny regression table: hours studied -> exam score, 20 students.

    Returns
    -------
    X : ndarray of shape (20, 1), hours studied
    y : ndarray of shape (20,), exam score out of 100
    """
    return _STUDY[:, :1].copy(), _STUDY[:, 1].copy()


def standardize(X) -> np.ndarray:
    """Scale each column to zero mean and unit variance.

    A constant column has no spread to divide by; it becomes all zeros (never NaN).

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)

    Returns
    -------
    ndarray of shape (n_samples, n_features)
    """
    X = as_2d(X, "X")
    mean, std, constant = _column_stats(X)
    Z = (X - mean) / std
    Z[:, constant] = 0.0  # exactly: X - mean can leave rounding residue in a constant column
    return Z


def _column_stats(X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Column means, standard deviations (1 for a constant column) and the constant mask.

    Constant columns are found on the data itself: the rounding in mean() can leave a
    std of 1e-17 for a column of 0.1s, and tiny / tiny would be +-1, not 0.
    """
    constant = np.ptp(X, axis=0) == 0
    return X.mean(axis=0), np.where(constant, 1.0, X.std(axis=0)), constant


def fit_standardizer(X) -> tuple[np.ndarray, np.ndarray]:
    """Column means and standard deviations of (training) data, for :func:`apply_standardizer`.

    A constant column (the digits' always-blank border pixels) gets a standard
    deviation of 1 instead of 0, so that it becomes zeros rather than NaN.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)

    Returns
    -------
    mean, std : ndarrays of shape (n_features,)
    """
    X = as_2d(X, "X")
    if X.shape[0] == 0:
        raise ValueError("X has no rows: the statistics need at least one sample.")
    mean, std, _ = _column_stats(X)
    return mean, std


def apply_standardizer(X, mean, std) -> np.ndarray:
    """``(X - mean) / std`` with statistics from :func:`fit_standardizer` (a new array).

    Use the *training* data's ``mean`` and ``std`` for the validation and test data
    too: statistics computed from the test set would leak it into the model.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    mean, std : array_like of shape (n_features,)

    Returns
    -------
    ndarray of shape (n_samples, n_features)
    """
    X = as_2d(X, "X")
    mean = np.asarray(mean, dtype=float)
    std = np.asarray(std, dtype=float)
    for name, stat in (("mean", mean), ("std", std)):
        if stat.shape != (X.shape[1],):
            raise ValueError(
                f"{name} has shape {stat.shape} but X has {X.shape[1]} features; pass the "
                f"({X.shape[1]},) array returned by fit_standardizer on data with the same columns."
            )
    if np.any(std <= 0) or not np.all(np.isfinite(std)):
        raise ValueError(
            "std must be positive and finite in every column; fit_standardizer replaces the "
            "zero spread of a constant column by 1."
        )
    return (X - mean) / std


# ------------------------------------------------------------------ splitting
def _n_val(n: int, fraction, name: str) -> int:
    """``round(n * fraction)`` validation samples, checked to leave both parts non-empty."""
    if isinstance(fraction, bool) or not isinstance(fraction, int | float | np.floating):
        raise TypeError(f"{name} must be a number in (0, 1); got {type(fraction).__name__}.")
    if not 0 < fraction < 1:
        raise ValueError(
            f"{name} must be in (0, 1), the fraction of samples held out; got {fraction}. "
            "0.1 or 0.2 are usual."
        )
    n_val = int(np.floor(n * fraction + 0.5))
    if not 0 < n_val < n:
        raise ValueError(
            f"{name}={fraction} of {n} samples leaves {n_val} for validation and {n - n_val} "
            "for training; both need at least one. Use more data or another fraction."
        )
    return n_val


def train_val_split(X, y, val_fraction: float = 0.1, rng=None):
    """Split ``(X, y)`` at random into a training and a validation part.

    One permutation drawn from ``rng`` orders both arrays, so every sample keeps its
    label; the first ``round(n * val_fraction)`` samples of that order form the
    validation part.

    Parameters
    ----------
    X : array_like of shape (n_samples, ...)
    y : array_like of shape (n_samples, ...)
    val_fraction : float in (0, 1), default 0.1
    rng : numpy.random.Generator or int, optional (None = seed 0)

    Returns
    -------
    X_train, X_val, y_train, y_val : ndarrays (copies), in that order
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError("X and y must be arrays with one row (entry) per sample.")
    check_matching_rows(X, y)
    n_val = _n_val(X.shape[0], val_fraction, "val_fraction")
    order = check_rng(rng).permutation(X.shape[0])
    val, train = order[:n_val], order[n_val:]
    return X[train], X[val], y[train], y[val]


# ------------------------------------------------------------------ digits (shipped)
#: SHA-256 of ``dlkit/datasets/digits.npz`` as shipped
DIGITS_SHA256 = "dff739c317c3d7a561cd1d11ae22ab4ac7f0557489c9e3935e97bec510d05737"
_DATASETS_DIR = Path(__file__).resolve().parent / "datasets"


@functools.lru_cache(maxsize=1)
def _digits_arrays() -> tuple[np.ndarray, np.ndarray]:
    with np.load(_DATASETS_DIR / "digits.npz", allow_pickle=False) as f:
        return f["X"], f["y"]


def digits(return_images: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The 8x8 handwritten digits: 1,797 images of the digits 0-9 (about 180 each).

    Each pixel counts the "on" pixels of a 4x4 block of a 32x32 bitmap, so values are
    integers 0..16. Source and licence: see the module docstring (UCI, CC BY 4.0).
    Not in :data:`DATASETS`, which lists the 2-D generators of the playground widgets.

    Parameters
    ----------
    return_images : bool, default False
        Return ``X`` as images of shape (1797, 8, 8) instead of rows of 64 features.

    Returns
    -------
    X : ndarray of shape (1797, 64) (or (1797, 8, 8)), float64, values 0..16
    y : ndarray of shape (1797,), int64, labels 0..9
    """
    X, y = _digits_arrays()
    X = X.astype(np.float64)
    return (X.reshape(-1, 8, 8) if return_images else X), y.astype(np.int64)


# ------------------------------------------------------------------ heart disease (shipped)
#: SHA-256 of ``dlkit/datasets/processed.cleveland.data`` (the UCI file, unmodified)
HEART_SHA256 = "a74b7efa387bc9d108d7d0115d831fe9b414b29ae7124f331b622b4efa0427c8"
#: the 13 feature columns of :func:`heart_disease`, in the file's order
HEART_COLUMNS = (
    "age",
    "sex",
    "cp",
    "trestbps",
    "chol",
    "fbs",
    "restecg",
    "thalach",
    "exang",
    "oldpeak",
    "slope",
    "ca",
    "thal",
)
#: the categorical columns of :func:`heart_disease`: name -> (column index, category codes)
HEART_CATEGORICAL = {
    "cp": (2, (1.0, 2.0, 3.0, 4.0)),
    "restecg": (6, (0.0, 1.0, 2.0)),
    "slope": (10, (1.0, 2.0, 3.0)),
    "thal": (12, (3.0, 6.0, 7.0)),
}
_HEART_FILE = "processed.cleveland.data"


@functools.lru_cache(maxsize=1)
def _heart_table() -> np.ndarray:
    path = _DATASETS_DIR / _HEART_FILE
    raw = path.read_bytes()
    got = hashlib.sha256(raw).hexdigest()
    if got != HEART_SHA256:
        raise ValueError(
            f"{path} has SHA-256 {got}, expected {HEART_SHA256}: the shipped file was changed. "
            "Reinstall dlkit to get the original UCI file."
        )
    rows = [line.split(",") for line in raw.decode("ascii").splitlines() if line.strip()]
    table = np.array([[np.nan if v == "?" else float(v) for v in row] for row in rows])
    table.setflags(write=False)
    return table


def heart_disease() -> tuple[np.ndarray, np.ndarray]:
    """The UCI Heart Disease data of the Cleveland Clinic: 303 patients, 13 features.

    Source: Janosi, A., Steinbrunn, W., Pfisterer, M., & Detrano, R. (1989). *Heart
    Disease* [Dataset]. UCI Machine Learning Repository. https://doi.org/10.24432/C52P4X.
    Licence: CC BY 4.0. The file ``processed.cleveland.data`` ships unmodified and is
    checked against :data:`HEART_SHA256` when it is read. Original study: Detrano, R.
    et al. (1989), *American Journal of Cardiology* 64(5), 304-310.

    Returns
    -------
    X : ndarray of shape (303, 13), float64
        The features in the file's column order (:data:`HEART_COLUMNS`), ``NaN`` for
        the 6 missing values (4 in ``ca``, 2 in ``thal``). ``cp``, ``restecg``,
        ``slope`` and ``thal`` are category codes (:data:`HEART_CATEGORICAL`).
    y : ndarray of shape (303,), int64
        1 when the diagnosis ``num`` is 1-4 (disease, 139 patients), 0 when it is 0 (164).

    Raises
    ------
    ValueError
        If the shipped file does not match its SHA-256.
    """
    table = _heart_table()
    return table[:, :13].copy(), (table[:, 13] > 0).astype(np.int64)


def column_medians(X) -> np.ndarray:
    """The median of each column, ignoring ``NaN`` (an all-NaN column gives NaN).

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)

    Returns
    -------
    ndarray of shape (n_features,)
    """
    X = as_2d(X, "X")
    if X.shape[0] == 0:
        raise ValueError("X has no rows: a median needs at least one sample.")
    out = np.full(X.shape[1], np.nan)
    present = ~np.all(np.isnan(X), axis=0)
    if present.any():
        out[present] = np.nanmedian(X[:, present], axis=0)
    return out


def fill_missing(X, values) -> np.ndarray:
    """A copy of ``X`` with every ``NaN`` in column ``j`` replaced by ``values[j]``.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    values : array_like of shape (n_features,)
        One fill value per column, e.g. the training part's :func:`column_medians`.

    Returns
    -------
    ndarray of shape (n_samples, n_features), a new array; ``X`` is unchanged
    """
    X = as_2d(X, "X")
    values = as_float_array(values, "values", ndim=1)
    if values.shape != (X.shape[1],):
        raise ValueError(
            f"values must have one entry per column of X, shape ({X.shape[1]},); got "
            f"{values.shape}. Pass column_medians(X_train) for data with the same columns."
        )
    return np.where(np.isnan(X), values, X)


def _check_categories(categories, n_features: int) -> list[tuple[int, np.ndarray]]:
    if not isinstance(categories, dict):
        raise TypeError(
            "categories must be a dict {column index: list of category values}; got "
            f"{type(categories).__name__}."
        )
    blocks = []
    for column, values in sorted(categories.items()):
        if isinstance(column, bool) or not isinstance(column, int | np.integer):
            raise TypeError(f"categories' keys must be column indices (int); got {column!r}.")
        if not 0 <= column < n_features:
            raise ValueError(
                f"categories names column {column}, but X has {n_features} columns (0.."
                f"{n_features - 1})."
            )
        values = as_float_array(values, f"categories[{column}]", ndim=1)
        blocks.append((int(column), values))
    return blocks


def encode_categorical(X, categories) -> np.ndarray:
    """One-hot encode the listed columns of ``X`` with the categories given.

    The columns not listed come first, in their original order; then, for each listed
    column in increasing column index, one 0/1 column per category in the order given.
    A value that is not among a column's categories (one the training part never
    showed, or NaN) gives a row of zeros in that column's block.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    categories : dict {int: sequence of numbers}
        Column index -> its categories, fixed from the *training* part.

    Returns
    -------
    ndarray of shape (n_samples, n_features - len(categories) + total categories)
    """
    X = as_2d(X, "X")
    blocks = _check_categories(categories, X.shape[1])
    keep = np.ones(X.shape[1], dtype=bool)
    keep[[column for column, _ in blocks]] = False
    parts = [X[:, keep]]
    for column, values in blocks:
        parts.append((X[:, column : column + 1] == values).astype(X.dtype))
    return np.concatenate(parts, axis=1)


def kfold_indices(n: int, k: int, rng=None) -> list[tuple[np.ndarray, np.ndarray]]:
    """Indices of k-fold cross-validation, from one random permutation of ``0..n-1``.

    The permutation is cut into ``k`` consecutive folds; the first ``n % k`` folds get
    one sample more (as scikit-learn's ``KFold``). Fold ``i`` is the validation part of
    pair ``i``, the other folds (in permutation order) its training part, so every
    index is validated exactly once.

    Parameters
    ----------
    n : int, number of samples (at least k)
    k : int, number of folds (at least 2)
    rng : numpy.random.Generator or int, optional (None = seed 0)

    Returns
    -------
    list of k pairs (train_idx, val_idx) of int64 arrays
    """
    n = check_int(n, "n", minimum=1)
    k = check_int(k, "k", minimum=2)
    if k > n:
        raise ValueError(f"k={k} folds need at least k samples; got n={n}. Use k <= n.")
    order = check_rng(rng).permutation(n)
    sizes = np.full(k, n // k)
    sizes[: n % k] += 1
    stops = np.cumsum(sizes)
    pairs = []
    for start, stop in zip(stops - sizes, stops, strict=True):
        val = order[start:stop]
        train = np.concatenate([order[:start], order[stop:]])
        pairs.append((train.astype(np.int64), val.astype(np.int64)))
    return pairs


# ------------------------------------------------------------------ IDX files and MNIST
_IDX_TYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def read_idx(path) -> np.ndarray:
    """Read an IDX file (the format of MNIST), gzip-compressed or raw.

    The header is two zero bytes, a type code (0x08 uint8, 0x09 int8, 0x0B int16,
    0x0C int32, 0x0D float32, 0x0E float64), the number of dimensions, then each
    dimension as a big-endian uint32; the data follow in C order, big-endian.

    Returns
    -------
    ndarray of the stored shape, in native byte order

    Raises
    ------
    ValueError
        If the file is not IDX or is truncated.
    """
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":  # gzip magic
        raw = gzip.decompress(raw)
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_TYPES:
        raise ValueError(
            f"{path} is not an IDX file: it starts with {raw[:4]!r}, expected 0x00 0x00, a "
            "type code (0x08 for uint8) and the number of dimensions."
        )
    dtype, ndim = _IDX_TYPES[raw[2]], raw[3]
    header = 4 + 4 * ndim
    shape = tuple(int(d) for d in np.frombuffer(raw[4:header], dtype=">u4"))
    expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(shape) != ndim or len(raw) != expected:
        raise ValueError(
            f"{path} is truncated or corrupt: the header promises shape {shape} of {dtype} "
            f"({expected} bytes with the header), the file has {len(raw)} bytes. Delete it "
            "and download it again."
        )
    data = np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape)
    return data.astype(dtype.newbyteorder("="))


def _cache_dir(cache_dir) -> Path:
    if cache_dir is not None:
        return Path(cache_dir)
    if os.environ.get("DLKIT_DATA"):
        return Path(os.environ["DLKIT_DATA"])
    return Path.home() / ".cache" / "dlkit"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(url: str, sha256: str, cache_dir=None, filename: str | None = None) -> Path:
    """Download ``url`` into the cache once, checking its SHA-256; returns the local path.

    A file already in the cache with the right checksum is used as it is (no network);
    one with a wrong checksum is downloaded again. ``file://`` URLs work too.

    Raises
    ------
    ValueError
        If the downloaded file's SHA-256 differs from ``sha256`` (the file is deleted).
    OSError
        If the download fails (no network, for instance).
    """
    folder = _cache_dir(cache_dir)
    target = folder / (filename or url.rstrip("/").rsplit("/", 1)[-1])
    if target.exists() and _sha256(target) == sha256:
        return target
    folder.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    import urllib.request  # here, not at the top: it costs ~30 ms of import time

    try:
        with urllib.request.urlopen(url, timeout=60) as response, open(partial, "wb") as out:
            for block in iter(lambda: response.read(1 << 20), b""):
                out.write(block)
        got = _sha256(partial)
        if got != sha256:
            raise ValueError(
                f"SHA-256 mismatch for {url}: expected {sha256}, got {got}. The download is "
                "corrupt or the server sent another file; nothing was kept. Try again, or "
                "pass another mirror."
            )
        os.replace(partial, target)
    finally:
        if partial.exists():
            partial.unlink()
    return target


#: kind -> ((images file, SHA-256), (labels file, SHA-256)) of the gzip-compressed IDX files
MNIST_FILES = {
    "train": (
        (
            "train-images-idx3-ubyte.gz",
            "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        ),
        (
            "train-labels-idx1-ubyte.gz",
            "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        ),
    ),
    "test": (
        (
            "t10k-images-idx3-ubyte.gz",
            "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        ),
        (
            "t10k-labels-idx1-ubyte.gz",
            "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
        ),
    ),
}
#: base URLs tried in order (the same files; the original site often refuses downloads)
MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)


def mnist(kind: str = "train", cache_dir=None, url: str | None = None, return_images: bool = False):
    """MNIST handwritten digits, downloaded once into a cache and checked by SHA-256.

    Parameters
    ----------
    kind : {"train", "test"}
        60,000 training or 10,000 test images.
    cache_dir : path, optional
        Where the ``.gz`` files are kept; default ``$DLKIT_DATA``, else ``~/.cache/dlkit``.
    url : str, optional
        Base URL holding the four files (``.../train-images-idx3-ubyte.gz`` etc.);
        default: the mirrors in :data:`MNIST_MIRRORS`, in order. ``file://`` works.
    return_images : bool
        Return images (n, 28, 28) instead of rows of 784 pixels.

    Returns
    -------
    X : ndarray of shape (n, 784) (or (n, 28, 28)), float32 in [0, 1] (pixel / 255)
    y : ndarray of shape (n,), int64 labels 0..9
    """
    kind = check_choice(kind, "kind", list(MNIST_FILES))
    bases = [url] if url is not None else list(MNIST_MIRRORS)
    paths = []
    for filename, sha256 in MNIST_FILES[kind]:
        errors = []
        for base in bases:
            try:
                paths.append(fetch(base.rstrip("/") + "/" + filename, sha256, cache_dir, filename))
                break
            except (OSError, ValueError) as exc:
                errors.append(f"{base}: {exc}")
        else:
            raise OSError(
                f"could not get MNIST's {filename}: " + "; ".join(errors) + ". MNIST needs a "
                "network connection the first time; data.digits() ships with dlkit."
            )
    images, labels = read_idx(paths[0]), read_idx(paths[1])
    if images.shape[0] != labels.shape[0]:
        raise ValueError(
            f"MNIST files disagree: {images.shape[0]} images but {labels.shape[0]} labels."
        )
    X = images.astype(np.float32) * np.float32(1 / 255)
    if not return_images:
        X = X.reshape(X.shape[0], -1)
    return X, labels.astype(np.int64)
