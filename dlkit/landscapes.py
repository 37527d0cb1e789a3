"""2-D loss landscapes for pictures, and the path an optimizer takes over one.

``SURFACES`` holds three 2-D functions (an ill-conditioned ravine, Rosenbrock's
banana valley, a saddle), each a :class:`Surface` with its gradient, a start point and
a view window; :func:`trajectory` runs an optimizer of :mod:`dlkit.optim` on one of
them, which is what the optimizer playground of notebook 05 draws::

    path = trajectory("ravine", optim.Momentum(lr=0.05, beta=0.9), steps=60)  # (61, 2)
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, check_int
from .optim import get

__all__ = ["Surface", "SURFACES", "trajectory"]


class Surface:
    """A 2-D loss ``f(x, y)`` with its gradient, a start point and a view window.

    ``f`` accepts arrays (for contour plots); ``grad(p)`` takes a point ``(x, y)``.
    ``gap(p) = f(p) - f_min`` is 0 at the minimum, which makes log-scale plots of
    convergence read well.
    """

    def __init__(self, name, title, f, grad, start, xlim, ylim, minima, log_levels=False):
        self.name, self.title = name, title
        self._f, self._grad = f, grad
        self.start = np.array(start, dtype=float)
        self.xlim, self.ylim = xlim, ylim
        self.minima = np.atleast_2d(np.array(minima, dtype=float))
        self.f_min = float(f(self.minima[0, 0], self.minima[0, 1]))
        self.log_levels = log_levels

    def f(self, x, y):
        return self._f(x, y)

    def grad(self, p) -> np.ndarray:
        return np.array(self._grad(float(p[0]), float(p[1])))

    def gap(self, points) -> np.ndarray:
        """``f - f_min`` for one point ``(2,)`` or a path ``(k, 2)``."""
        points = np.asarray(points, dtype=float)
        return self._f(points[..., 0], points[..., 1]) - self.f_min

    def __repr__(self) -> str:
        return f"Surface({self.name!r}: {self.title})"


SURFACES = {
    s.name: s
    for s in (
        Surface(
            "ravine",
            "ravine: f = (x² + 20 y²) / 2, 20x steeper across than along",
            lambda x, y: 0.5 * (x**2 + 20.0 * y**2),
            lambda x, y: (x, 20.0 * y),
            start=(-4.5, 1.0),
            xlim=(-5.0, 5.0),
            ylim=(-2.0, 2.0),
            minima=[(0.0, 0.0)],
        ),
        Surface(
            "rosenbrock",
            "Rosenbrock: f = (1 - x)² + 100 (y - x²)², a curved valley",
            lambda x, y: (1.0 - x) ** 2 + 100.0 * (y - x**2) ** 2,
            lambda x, y: (-2.0 * (1.0 - x) - 400.0 * x * (y - x**2), 200.0 * (y - x**2)),
            start=(-1.2, 1.0),
            xlim=(-2.0, 2.0),
            ylim=(-1.0, 3.0),
            minima=[(1.0, 1.0)],
            log_levels=True,
        ),
        Surface(
            "saddle",
            "saddle: f = x²/2 + y⁴/4 - y²/2, flat at (0, 0), minima at y = ±1",
            lambda x, y: 0.5 * x**2 + 0.25 * y**4 - 0.5 * y**2,
            lambda x, y: (x, y**3 - y),
            start=(-2.5, 0.001),
            xlim=(-3.0, 3.0),
            ylim=(-1.6, 1.6),
            minima=[(0.0, 1.0), (0.0, -1.0)],
        ),
    )
}


def trajectory(surface, optimizer, steps: int = 100, start=None) -> np.ndarray:
    """The points an optimizer visits on a 2-D surface: an array ``(k + 1, 2)``.

    ``surface`` is a :class:`Surface` or a name in ``SURFACES``; ``optimizer`` an
    :class:`dlkit.optim.Optimizer` (its state is reset first) or a name (default settings).
    The walk stops early, with ``k < steps``, once a step leaves the finite numbers
    or goes further than 1e6 from the start: the optimizer diverged.
    """
    if not isinstance(surface, Surface):
        if surface not in SURFACES:
            options = ", ".join(repr(k) for k in SURFACES)
            raise ValueError(f"unknown surface {surface!r}; choose one of {options}.")
        surface = SURFACES[surface]
    opt = get(optimizer)
    opt.reset()
    steps = check_int(steps, "steps")
    p = surface.start.copy() if start is None else as_float_array(start, "start", ndim=1)
    if p.shape != (2,):
        raise ValueError(f"start must be a point (x, y); got shape {p.shape}.")
    path = np.empty((steps + 1, 2))
    path[0] = p
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, steps + 1):
            p = opt.update(p, surface.grad(p))
            if not np.all(np.isfinite(p)) or np.abs(p - path[0]).max() > 1e6:
                return path[:k]
            path[k] = p
    return path
