"""The loss explorer (notebook 03): each loss against the prediction for one sample."""

from __future__ import annotations

import numpy as np

from .. import losses
from .._validation import check_choice, check_positive
from ..activations import sigmoid
from ._base import _bind, _choose, _Interactive

#: the losses the explorer draws: name, exercise of notebook 03, a tiny example call
_LOSSES = {
    "mse": ("Exercise 1", (np.zeros(1), np.ones(1))),
    "mae": ("Exercise 2", (np.zeros(1), np.ones(1))),
    "huber": ("Exercise 3", (np.zeros(1), np.ones(1))),
    "binary_cross_entropy": ("Exercise 4", (np.ones(1), np.full(1, 0.5))),
    "hinge": ("Exercise 8", (np.ones(1), np.ones(1))),
}


class LossExplorer(_Interactive):
    """Each loss against the prediction, for one sample with a chosen target.

    ``mode="regression"``: MSE, MAE and Huber(``delta``) against the prediction
    ``y_hat`` for the target ``target``. ``mode="classification"``: binary
    cross-entropy (of ``sigmoid(score)``), hinge (labels -1/+1) and the 0-1 loss
    against the raw score, for the label ``label`` (0 or 1).

    Each loss is the function given by name (``mse=``, ``mae=``, ``huber=``,
    ``binary_cross_entropy=``, ``hinge=``: notebook 03 passes the student's own), else
    dlkit's reference. A stub runs dlkit's reference where this copy of dlkit carries it
    (:func:`dlkit.yours_or_reference`); else its curve is left out, its legend entry says
    which exercise to finish, and the other curves are drawn.
    """

    modes = ("regression", "classification")

    def __init__(
        self,
        mode: str = "regression",
        target: float = 0.0,
        label: int = 1,
        delta: float = 1.0,
        **functions,
    ):
        super().__init__()
        unknown = sorted(set(functions) - set(_LOSSES))
        if unknown:
            raise TypeError(
                f"loss_explorer() got unknown losses {unknown}; it draws {list(_LOSSES)}."
            )
        self.mode = check_choice(mode, "mode", self.modes)
        self.target = float(target)
        self.label = int(label)
        self.delta = check_positive(delta, "delta")
        self.controls = []
        self.losses, todo = _pick(functions)
        # the student's functions given as stubs; and the losses not given whose reference
        # this copy of dlkit leaves out (both drawn as a note: which exercise to finish)
        self.unfinished = [name for name in todo if functions.get(name) is not None]
        self._todo = todo
        self.failed: dict[str, str] = {}  # the losses that raised on the last grid drawn

    def _curve(self, name: str, calls) -> np.ndarray:
        """One loss over the grid (``calls`` yields its arguments), or NaN where it cannot be
        drawn: a stub, or a student's function that raises on these inputs."""
        self.failed.pop(name, None)
        if name in self._todo:
            return np.full(241, np.nan)
        fn = self.losses[name]
        try:
            return np.array(
                [np.asarray(fn(*args, **kwargs), dtype=float).item() for args, kwargs in calls]
            )
        except Exception as error:
            if fn is getattr(losses, name):
                raise
            self.failed[name] = f"your {name} raised {type(error).__name__}"
            return np.full(241, np.nan)

    def _label(self, name: str, label: str) -> str:
        if name in self._todo:
            return f"{label}: finish {self._todo[name]} ({name})"
        return f"{label}: {self.failed[name]}" if name in self.failed else label

    def curves(self) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """The x values and one y array per loss, for the current state (NaN for a loss
        that cannot be drawn: its name then says why)."""
        if self.mode == "regression":
            x = np.linspace(self.target - 3, self.target + 3, 241)
            y = np.full(1, self.target)
            mse, mae, huber = (
                self._curve(name, [((y, np.array([v])), kwargs) for v in x])
                for name, kwargs in (("mse", {}), ("mae", {}), ("huber", {"delta": self.delta}))
            )
            return x, {
                self._label("mse", "MSE"): mse,
                self._label("mae", "MAE"): mae,
                self._label("huber", f"Huber (δ={self.delta:.2f})"): huber,
            }
        x = np.linspace(-5, 5, 241)
        y01 = np.full(1, float(self.label))
        bce = self._curve("binary_cross_entropy", [((y01, sigmoid(np.array([s]))), {}) for s in x])
        hinge = self._curve("hinge", [((2 * y01 - 1, np.array([s])), {}) for s in x])
        return x, {
            self._label("binary_cross_entropy", "binary cross-entropy"): bce,
            self._label("hinge", "hinge"): hinge,
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
        return {
            name: float(values.min()) if np.isfinite(values).any() else float("nan")
            for name, values in curves.items()
        }

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


def _pick(functions: dict):
    """The function to draw for each loss, and the exercises still to finish (by name)."""
    pieces = {name: (getattr(losses, name), example) for name, (_, example) in _LOSSES.items()}
    chosen, unfinished = _choose(functions, pieces)
    return chosen, {name: _LOSSES[name][0] for name in unfinished}


def loss_explorer(
    mode: str = "regression",
    target: float = 0.0,
    label: int = 1,
    delta: float = 1.0,
    *,
    mse=None,
    mae=None,
    huber=None,
    binary_cross_entropy=None,
    hinge=None,
) -> LossExplorer:
    """Each loss against the prediction for a chosen target (regression or classification).

    Pass your own losses (notebook 03: ``mse=mse, mae=mae, ...``) and the explorer draws them."""
    return LossExplorer(
        mode,
        target,
        label,
        delta,
        mse=mse,
        mae=mae,
        huber=huber,
        binary_cross_entropy=binary_cross_entropy,
        hinge=hinge,
    )
