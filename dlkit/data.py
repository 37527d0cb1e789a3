"""Small data sets for the course, generated on the spot (no downloads), and scaling.

Every generator takes ``rng``, a ``numpy.random.Generator`` or an integer seed, and
returns the same data for the same seed. Features are float64 arrays of shape
``(n_samples, n_features)``; labels are int64 arrays of shape ``(n_samples,)``.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_2d, check_choice, check_int, check_positive, check_rng

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
    # test for constant columns on the data itself: the rounding in mean() can leave a
    # std of 1e-17 for a column of 0.1s, and tiny / tiny would be +-1, not 0
    constant = np.ptp(X, axis=0) == 0
    std = np.where(constant, 1.0, X.std(axis=0))
    Z = (X - X.mean(axis=0)) / std
    Z[:, constant] = 0.0
    return Z
