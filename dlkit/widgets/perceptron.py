"""The perceptron demo (notebook 01): Rosenblatt's rule animated sample by sample."""

from __future__ import annotations

import numpy as np

from .. import plot
from .._validation import as_2d, as_labels, check_int
from ..data import logic_gate
from ..perceptron import perceptron_steps
from ._base import _bind, _Interactive


class PerceptronDemo(_Interactive):
    """Rosenblatt's rule, one sample at a time, on a 2-D data set such as a logic gate.

    ``position`` is how many samples the perceptron has seen (0 = before training).
    The left panel shows the data, the current line and the sample just looked at;
    the right panel counts mistakes per epoch so far.
    """

    def __init__(self, X, y, lr: float = 1.0, epochs: int = 8, *, title: str = ""):
        super().__init__(ncols=2)
        self.X = as_2d(X, "X")
        self.y = as_labels(y, "y", n_samples=self.X.shape[0])
        self.epochs = check_int(epochs, "epochs", minimum=1)
        self.steps = list(perceptron_steps(self.X, self.y, lr=lr, epochs=self.epochs))
        self.position = len(self.steps)
        self.title = title
        self.controls = []
        self._line = None

    @property
    def n_positions(self) -> int:
        return len(self.steps) + 1

    def errors_so_far(self) -> list[int]:
        errors = [0] * self.epochs
        for s in self.steps[: self.position]:
            errors[s.epoch] += int(s.mistake)
        return errors

    def _build(self) -> None:
        left, right = self.axes
        plot.plot_data(self.X, self.y, ax=left)
        binary_inputs = np.isin(self.X, (0, 1)).all()
        xlim, ylim = ((-0.5, 1.5), (-0.5, 1.5)) if binary_inputs else plot._limits(self.X)
        self._line = plot.DecisionLine(left, xlim, ylim)
        (self._ring,) = left.plot([], [], "o", ms=18, mfc="none", mec="k", mew=2, zorder=4)
        epochs = np.arange(1, self.epochs + 1)
        self._bars = right.bar(epochs, np.zeros(self.epochs), color=plot.CLASS_COLORS[1])
        right.set_xlabel("epoch")
        right.set_ylabel("misclassified samples")
        right.set_title("mistakes per epoch")
        right.set_xticks(epochs)
        right.set_ylim(0, self.X.shape[0] + 0.5)
        right.yaxis.get_major_locator().set_params(integer=True)
        left.set_title("\n" if self.title else "")
        self._freeze_layout()

    def draw(self) -> dict:
        self._ensure_built()
        if self.position == 0:
            w, b, label = np.zeros(2), 0.0, "before training: w = 0, b = 0"
            self._ring.set_data([], [])
        else:
            s = self.steps[self.position - 1]
            w, b = s.w, s.b
            verdict = "mistake -> update" if s.mistake else "correct -> no change"
            label = f"epoch {s.epoch + 1}, sample {s.index + 1}: {verdict}"
            self._ring.set_data([self.X[s.index, 0]], [self.X[s.index, 1]])
        self._line.update(w, b)
        self.axes[0].set_title(f"{self.title}\n{label}" if self.title else label, fontsize="medium")
        errors = self.errors_so_far()
        for bar, e in zip(self._bars, errors, strict=True):
            bar.set_height(e)
        return {"w": w, "b": b, "errors": errors}

    def _controls(self) -> list:
        import ipywidgets as w  # loaded only when the controls are built

        play = w.Play(
            value=self.position,
            min=0,
            max=len(self.steps),
            step=1,
            interval=350,
            description="play",
        )
        slider = w.IntSlider(
            value=self.position, min=0, max=len(self.steps), description="samples seen"
        )
        w.jslink((play, "value"), (slider, "value"))

        _bind(self, slider, "position", int)
        self.controls = [play, slider]
        return self.controls


def perceptron_demo(
    X=None, y=None, gate: str = "and", lr: float = 1.0, epochs: int = 8
) -> PerceptronDemo:
    """The perceptron rule animated on a logic gate (``gate``) or on your own ``(X, y)``."""
    if X is None:
        X, y = logic_gate(gate)
        title = f"{gate.upper()} gate"
    else:
        title = ""
    return PerceptronDemo(X, y, lr=lr, epochs=epochs, title=title)
