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
        ax.set_xlabel("time step t (the loss reads the last one)")
        ax.set_ylabel("gradient norm")
        ax.legend(fontsize="small", loc="upper left")
        ax.set_title("placeholder\n")
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


def sequence_model_diagrams():
    """A picture of the roads a gradient takes back through time: vanilla RNN, LSTM, attention.

    Returns the pyplot figure (three rows). Red labels say what the gradient is multiplied
    by on each arrow on its way back from the output (right) to the first step (left).
    """
    import matplotlib.pyplot as plt  # drawing only when asked
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    fig, axes = plt.subplots(3, 1, figsize=(9, 6.3))
    xs = np.arange(5) * 1.6
    titles = (
        "vanilla RNN: every step back multiplies by Wh.T and tanh'",
        "LSTM / GRU: the cell line c only multiplies by the forget gate f_t, and adds",
        "attention: the output reads every earlier state directly",
    )

    def box(ax, x, y, text, color):
        ax.add_patch(
            FancyBboxPatch(
                (x - 0.35, y - 0.25), 0.7, 0.5, boxstyle="round,pad=0.03", fc=color, ec="k"
            )
        )
        ax.text(x, y, text, ha="center", va="center", fontsize=9)

    def arrow(ax, a, b, label=None, color="k", rad=0.0, dy=0.12):
        ax.add_patch(
            FancyArrowPatch(
                a,
                b,
                arrowstyle="-|>",
                mutation_scale=12,
                color=color,
                connectionstyle=f"arc3,rad={rad}",
            )
        )
        if label:
            ax.text(
                (a[0] + b[0]) / 2,
                (a[1] + b[1]) / 2 + dy,
                label,
                color="C3",
                ha="center",
                fontsize=8,
            )

    for row, (ax, title) in enumerate(zip(axes, titles, strict=True)):
        ax.set_xlim(-0.8, xs[-1] + 2.2)
        ax.set_ylim(-0.9, 1.3)
        ax.axis("off")
        ax.set_title(title, fontsize=10, loc="left")
        for k, x in enumerate(xs):
            box(ax, x, 0, f"h{k + 1}", "#dbe9f6")
            ax.text(x, -0.75, f"x{k + 1}", ha="center", fontsize=9)
            arrow(ax, (x, -0.6), (x, -0.27))
        out_x = xs[-1] + 1.5
        box(ax, out_x, 0, "loss", "#f6e0db")
        if row == 0:
            for a, b in zip(xs[:-1], xs[1:], strict=True):
                arrow(ax, (a + 0.37, 0), (b - 0.37, 0), "Wh, tanh'")
            arrow(ax, (xs[-1] + 0.37, 0), (out_x - 0.37, 0))
        elif row == 1:
            for a, b in zip(xs[:-1], xs[1:], strict=True):
                arrow(ax, (a + 0.37, 0), (b - 0.37, 0), "Wh, tanh'", dy=-0.22)
                arrow(ax, (a, 0.9), (b, 0.9), "x f_t, +", dy=0.1)
            for x in xs:
                arrow(ax, (x, 0.27), (x, 0.85), color="0.5")
                ax.text(x + 0.08, 0.95, "c", fontsize=9)
            arrow(ax, (xs[-1] + 0.37, 0), (out_x - 0.37, 0))
            arrow(ax, (xs[-1], 0.9), (out_x - 0.1, 0.27))
        else:
            for x in xs:
                arrow(ax, (x + 0.2, 0.27), (out_x - 0.2, 0.27), rad=-0.15, color="C2")
            ax.text(
                out_x + 0.4,
                0.45,
                "softmax weights:\none hop from every step",
                color="C3",
                fontsize=8,
                ha="right",
            )
    fig.tight_layout()
    return fig
