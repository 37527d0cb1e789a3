"""The neuron explorer (notebook 01): sliders for ``w1, w2, b`` moving a decision line."""

from __future__ import annotations

import numpy as np

from .. import plot
from .._validation import as_2d, as_labels, check_positive
from ._base import _Interactive, _slider


class NeuronExplorer(_Interactive):
    """One neuron ``step(w1 x1 + w2 x2 + b)`` over a 2-D data set.

    Move ``w1``, ``w2`` and ``b`` and watch the decision line turn and shift; the
    title reports the accuracy. Attributes ``w1, w2, b`` hold the current values.
    """

    def __init__(
        self,
        X,
        y,
        w1: float = 0.0,
        w2: float = 1.0,
        b: float = 0.0,
        *,
        feature_names=("$x_1$", "$x_2$"),
        class_names=None,
        limit: float = 5.0,
    ):
        super().__init__()
        self.X = as_2d(X, "X")
        if self.X.shape[1] != 2:
            raise ValueError(f"X must have 2 features to be drawn; got shape {self.X.shape}.")
        self.y = as_labels(y, "y", n_samples=self.X.shape[0])
        self.w1, self.w2, self.b = float(w1), float(w2), float(b)
        self.limit = check_positive(limit, "limit")
        self.feature_names = feature_names
        self.class_names = class_names
        (x0, x1), (y0, y1) = plot._limits(self.X)
        self._xlim, self._ylim = (x0, x1), (y0, y1)
        self.sliders = []
        self._line = None

    def accuracy(self) -> float:
        predicted = (self.X @ np.array([self.w1, self.w2]) + self.b >= 0).astype(int)
        return float(np.mean(predicted == self.y))

    def _build(self) -> None:
        ax = self.axes[0]
        plot.plot_data(
            self.X, self.y, ax=ax, feature_names=self.feature_names, class_names=self.class_names
        )
        self._line = plot.DecisionLine(ax, self._xlim, self._ylim)
        ax.set_title(
            "w = (0, 0), b = 0: accuracy 100%"
        )  # reserve the title's room before the layout is frozen
        self._freeze_layout()

    def draw(self) -> dict:
        self._ensure_built()
        self._line.update([self.w1, self.w2], self.b)
        acc = self.accuracy()
        self.axes[0].set_title(
            f"$w_1$={self.w1:.2f}, $w_2$={self.w2:.2f}, $b$={self.b:.2f}: accuracy {acc:.0%}"
        )
        return {"accuracy": acc, "w": (self.w1, self.w2), "b": self.b}

    def _controls(self) -> list:
        lim = self.limit
        self.sliders = [
            _slider("w1", self.w1, -lim, lim, 0.05, self, "w1"),
            _slider("w2", self.w2, -lim, lim, 0.05, self, "w2"),
            _slider("b", self.b, -lim, lim, 0.05, self, "b"),
        ]
        return self.sliders


def neuron_explorer(
    X, y, w1: float = 0.0, w2: float = 1.0, b: float = 0.0, **kwargs
) -> NeuronExplorer:
    """Sliders for a neuron's ``w1, w2, b`` moving its decision line over ``(X, y)``."""
    return NeuronExplorer(X, y, w1, w2, b, **kwargs)
