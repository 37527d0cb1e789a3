"""The loss explorer (notebook 03): each loss against the prediction for one sample."""

from __future__ import annotations

import numpy as np

from .. import losses
from .._validation import check_choice, check_positive
from ..activations import sigmoid
from ._base import _bind, _Interactive


class LossExplorer(_Interactive):
    """Each loss against the prediction, for one sample with a chosen target.

    ``mode="regression"``: MSE, MAE and Huber(``delta``) against the prediction
    ``y_hat`` for the target ``target``. ``mode="classification"``: binary
    cross-entropy (of ``sigmoid(score)``), hinge (labels -1/+1) and the 0-1 loss
    against the raw score, for the label ``label`` (0 or 1).
    """

    modes = ("regression", "classification")

    def __init__(
        self, mode: str = "regression", target: float = 0.0, label: int = 1, delta: float = 1.0
    ):
        super().__init__()
        self.mode = check_choice(mode, "mode", self.modes)
        self.target = float(target)
        self.label = int(label)
        self.delta = check_positive(delta, "delta")
        self.controls = []

    def curves(self) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """The x values and one y array per loss, for the current state."""
        if self.mode == "regression":
            x = np.linspace(self.target - 3, self.target + 3, 241)
            y = np.full(1, self.target)
            return x, {
                "MSE": np.array([losses.mse(y, [v]) for v in x]),
                "MAE": np.array([losses.mae(y, [v]) for v in x]),
                f"Huber (δ={self.delta:.2f})": np.array(
                    [losses.huber(y, [v], delta=self.delta) for v in x]
                ),
            }
        x = np.linspace(-5, 5, 241)
        y01 = np.full(1, float(self.label))
        return x, {
            "binary cross-entropy": np.array(
                [losses.binary_cross_entropy(y01, sigmoid(np.array([s]))) for s in x]
            ),
            "hinge": np.array([losses.hinge(2 * y01 - 1, [s]) for s in x]),
            "0-1 loss": ((x >= 0).astype(float) != self.label).astype(float),
        }

    def _build(self) -> None:
        ax = self.axes[0]
        ax.clear()
        x, curves = self.curves()
        self._lines = [ax.plot(x, v, lw=2, label=name)[0] for name, v in curves.items()]
        self._marker = ax.axvline(0, color="0.4", lw=1, ls="--")
        ax.set_ylim(-0.1, 5)
        ax.set_ylabel("loss for this sample")
        ax.set_xlabel(
            "prediction $\\hat{y}$"
            if self.mode == "regression"
            else "score $z$ (before the sigmoid)"
        )
        ax.legend(fontsize="small", loc="upper center")
        ax.set_title("placeholder\n")
        self._freeze_layout()

    def draw(self) -> dict:
        self._ensure_built(self.mode)
        x, curves = self.curves()
        for line, (name, values) in zip(self._lines, curves.items(), strict=True):
            line.set_data(x, values)
            line.set_label(name)
        self.axes[0].set_xlim(x[0], x[-1])
        self.axes[0].legend(fontsize="small", loc="upper center")
        if self.mode == "regression":
            self._marker.set_xdata([self.target, self.target])
            title = f"target y = {self.target:.2f}: every loss is 0 at $\\hat{{y}}$ = y"
        else:
            self._marker.set_xdata([0.0, 0.0])
            title = f"label y = {self.label}: the loss grows as the score points to class {1 - self.label}"
        self.axes[0].set_title(title, fontsize="medium")
        return {name: float(values.min()) for name, values in curves.items()}

    def _controls(self) -> list:
        import ipywidgets as w  # loaded only when the controls are built

        mode = w.Dropdown(options=self.modes, value=self.mode, description="task")
        target = w.FloatSlider(value=self.target, min=-2, max=2, step=0.1, description="target y")
        label = w.Dropdown(options=[0, 1], value=self.label, description="label y")
        delta = w.FloatSlider(value=self.delta, min=0.1, max=3, step=0.1, description="Huber δ")

        _bind(self, mode, "mode", str)
        _bind(self, target, "target", float)
        _bind(self, label, "label", int)
        _bind(self, delta, "delta", float)
        self.controls = [mode, target, label, delta]
        return self.controls


def loss_explorer(
    mode: str = "regression", target: float = 0.0, label: int = 1, delta: float = 1.0
) -> LossExplorer:
    """Each loss against the prediction for a chosen target (regression or classification)."""
    return LossExplorer(mode, target, label, delta)
