"""Gradients through time (notebook 10): how much of the loss's gradient reaches each earlier step."""

from __future__ import annotations

import numpy as np

from .._validation import check_int
from ..recurrent import gradient_through_time
from ._base import _bind, _Interactive, _slider


class GradientThroughTime(_Interactive):
    """Norm of dL/dh_t for every step t of an RNN whose loss reads only the last state (log scale).

    ``Wh`` is an orthogonal matrix times ``scale``: its largest singular value is ``scale``.
    With ``activation="identity"`` the norm is multiplied by exactly ``scale`` per step
    back (a straight line on the log scale); tanh multiplies by tanh' <= 1 on top, so
    the gradient vanishes faster and explodes more slowly. Clipping by global norm (the
    per-step gradients taken as the parts of one gradient) lowers the whole curve by one
    factor when their global norm exceeds ``max_norm``; it cannot lift a vanished one.
    """

    activations = ("tanh", "identity")

    def __init__(
        self,
        T: int = 30,
        scale: float = 1.0,
        activation: str = "tanh",
        max_norm: float = 10.0,
        seed: int = 0,
    ):
        super().__init__()
        self.T = check_int(T, "T", minimum=2)
        self.scale = float(scale)
        if activation not in self.activations:
            raise ValueError(f"activation must be 'tanh' or 'identity'; got {activation!r}.")
        self.activation = activation
        self.max_norm = float(max_norm)
        self.seed = check_int(seed, "seed", minimum=0)
        self.controls = []
        self._lines = None

    def norms(self) -> dict[str, np.ndarray]:
        raw = gradient_through_time(self.T, self.scale, self.activation, rng=self.seed)
        total = float(np.sqrt(np.sum(raw**2)))
        factor = min(1.0, self.max_norm / total) if total > 0 else 1.0
        return {"raw": raw, "clipped": raw * factor, "global_norm": np.array(total)}

    def _build(self) -> None:
        ax = self.axes[0]
        (raw,) = ax.plot([], [], "o-", ms=3, lw=2, label="norm of dL/dh_t")
        (clipped,) = ax.plot([], [], "--", lw=2, color="C3", label="after clipping (global norm)")
        self._lines = (raw, clipped)
        ax.set_yscale("log")
        ax.set_ylim(1e-8, 1e8)
        # no minor ticks (dozens of tick artists on a span of many decades: a third of a
        # redraw) and the title at a fixed height (matplotlib otherwise measures every
        # tick label on each draw to place it): the slider stays well under 100 ms
        from matplotlib.ticker import LogLocator, NullLocator

        ax.yaxis.set_major_locator(LogLocator(numticks=9))
        ax.yaxis.set_minor_locator(NullLocator())
        ax.set_xlabel("time step t (the loss reads the last one)")
        ax.set_ylabel("gradient norm")
        ax.legend(fontsize="small", loc="upper left")
        ax.set_title("placeholder\n", y=1.0)  # an explicit y: no automatic placement
        self._freeze_layout()

    def draw(self) -> dict:
        self._ensure_built()
        ax = self.axes[0]
        out = self.norms()
        steps = np.arange(1, self.T + 1)
        self._lines[0].set_data(steps, out["raw"])
        self._lines[1].set_data(steps, out["clipped"])
        both = np.concatenate([out["raw"], out["clipped"]])
        both = both[both > 0]
        lo, hi = max(both.min() / 3, 1e-300), both.max() * 3
        ax.set_xlim(0.5, self.T + 0.5)
        ax.set_ylim(lo, hi)
        first_over_last = out["raw"][0] / out["raw"][-1]
        clipped = float(out["global_norm"]) > self.max_norm
        ax.set_title(
            f"{self.activation}, largest singular value of Wh = {self.scale:.2f}: "
            f"first / last step {first_over_last:.1e}\n"
            + (
                f"global norm {float(out['global_norm']):.1e} > max_norm {self.max_norm:g}: clipped"
                if clipped
                else f"global norm {float(out['global_norm']):.1e} <= max_norm {self.max_norm:g}: "
                "not clipped"
            ),
            fontsize="medium",
        )
        return {"raw": out["raw"], "clipped": out["clipped"], "first_over_last": first_over_last}

    def _controls(self) -> list:
        import ipywidgets as w  # loaded only when the controls are built

        T = w.IntSlider(value=self.T, min=2, max=80, description="steps T")
        scale = _slider("scale of Wh", self.scale, 0.5, 3.0, 0.05, self, "scale")
        activation = w.Dropdown(
            options=self.activations, value=self.activation, description="activation"
        )
        max_norm = _slider("max_norm", self.max_norm, 1.0, 100.0, 1.0, self, "max_norm")
        _bind(self, T, "T", int)
        _bind(self, activation, "activation", str)
        self.controls = [T, scale, activation, max_norm]
        return self.controls


def gradient_through_time_explorer(
    T: int = 30, scale: float = 1.0, activation: str = "tanh", max_norm: float = 10.0
) -> GradientThroughTime:
    """Gradient norm reaching each earlier step, with sliders for T, the scale of Wh, tanh or
    identity, and the clipping threshold."""
    return GradientThroughTime(T, scale, activation, max_norm)
