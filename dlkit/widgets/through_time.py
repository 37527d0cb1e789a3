"""Gradients through time (notebook 10): how much of the loss's gradient reaches each earlier step."""

from __future__ import annotations

import numpy as np

from .. import recurrent
from .._validation import check_int
from ._base import _bind, _choose, _Interactive, _slider, _unfinished

#: tiny calls that tell a student's function from its stub (one sequence, one step, one unit)
_EXAMPLES = {
    "rnn_forward": (
        np.zeros((1, 1, 1)),
        np.zeros((1, 1)),
        np.ones((1, 1)),
        np.ones((1, 1)),
        np.zeros(1),
    ),
    "rnn_backward": (
        np.ones((1, 1, 1)),
        (
            np.zeros((1, 1, 1)),
            np.zeros((1, 1)),
            np.ones((1, 1)),
            np.ones((1, 1)),
            np.zeros(1),
            np.zeros((1, 1, 1)),
        ),
    ),
    "clip_gradients": ([np.ones(2)], 1.0),
}
_EXERCISES = {
    "rnn_forward": "Exercise 4 (rnn_forward)",
    "rnn_backward": "Exercise 5 (rnn_backward)",
    "clip_gradients": "Exercise 6 (clip_gradients)",
}


class GradientThroughTime(_Interactive):
    """Norm of dL/dh_t for every step t of an RNN whose loss reads only the last state (log scale).

    ``Wh`` is an orthogonal matrix times ``scale``: its largest singular value is ``scale``.
    With ``activation="identity"`` the norm is multiplied by exactly ``scale`` per step
    back (a straight line on the log scale); tanh multiplies by tanh' <= 1 on top, so
    the gradient vanishes faster and explodes more slowly. Clipping by global norm (the
    per-step gradients taken as the parts of one gradient) lowers the whole curve by one
    factor when their global norm exceeds ``max_norm``; it cannot lift a vanished one.

    ``rnn_forward``, ``rnn_backward`` and ``clip_gradients`` are the functions it runs
    (default: dlkit's). Notebook 10 passes the student's own: the tanh curve is their
    backpropagation through time (:func:`dlkit.recurrent.gradient_through_time`), the
    dashed one their clipping, applied to one array per step holding that step's norm
    (clipping by global norm depends only on the parts' norms). Where one is still a stub,
    dlkit's reference runs if this copy of dlkit carries it; otherwise the panel says which
    exercise to finish. The identity curve is the closed form ``scale ** (T - t)`` (an
    orthogonal matrix keeps every norm) and needs no function.
    """

    activations = ("tanh", "identity")

    def __init__(
        self,
        T: int = 30,
        scale: float = 1.0,
        activation: str = "tanh",
        max_norm: float = 10.0,
        seed: int = 0,
        *,
        rnn_forward=None,
        rnn_backward=None,
        clip_gradients=None,
    ):
        super().__init__()
        given = {
            "rnn_forward": rnn_forward,
            "rnn_backward": rnn_backward,
            "clip_gradients": clip_gradients,
        }
        pieces = {name: (getattr(recurrent, name), _EXAMPLES[name]) for name in given}
        #: the functions to run, and which are still stubs (their curves say "finish ...")
        self.functions, self.unfinished = _choose(given, pieces)
        self.T = check_int(T, "T", minimum=2)
        self.scale = float(scale)
        if activation not in self.activations:
            raise ValueError(f"activation must be 'tanh' or 'identity'; got {activation!r}.")
        self.activation = activation
        self.max_norm = float(max_norm)
        self.seed = check_int(seed, "seed", minimum=0)
        self.controls = []
        self._lines = None

    def _missing(self, names) -> list[str]:
        return [_EXERCISES[n] for n in names if n in self.unfinished]

    def norms(self) -> dict[str, np.ndarray | None]:
        """The norm of dL/dh_t per step (``raw``), after clipping (``clipped``), and their
        global norm; ``None`` for what a stub cannot compute yet."""
        if self.activation == "tanh" and self._missing(("rnn_forward", "rnn_backward")):
            return {"raw": None, "clipped": None, "global_norm": None}
        raw = recurrent.gradient_through_time(
            self.T,
            self.scale,
            self.activation,
            rng=self.seed,
            rnn_forward=self.functions["rnn_forward"],
            rnn_backward=self.functions["rnn_backward"],
        )
        total = np.array(np.linalg.norm(raw))  # the global norm of the per-step gradients
        if self._missing(("clip_gradients",)):
            return {"raw": raw, "clipped": None, "global_norm": total}
        parts = self.functions["clip_gradients"]([np.array([n]) for n in raw], self.max_norm)
        clipped = np.array([np.linalg.norm(part) for part in parts])
        return {"raw": raw, "clipped": clipped, "global_norm": total}

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
        _unfinished(ax, "the exercises")
        self._note = ax.texts[-1]  # says which exercise to finish while one is a stub
        self._note.set_visible(False)
        self._freeze_layout()

    def draw(self) -> dict:
        self._ensure_built()
        ax = self.axes[0]
        out = self.norms()
        steps = np.arange(1, self.T + 1)
        ax.set_xlim(0.5, self.T + 0.5)
        head = f"{self.activation}, largest singular value of Wh = {self.scale:.2f}: "
        if out["raw"] is None:  # the student's RNN is still a stub
            missing = "\nand ".join(self._missing(("rnn_forward", "rnn_backward")))
            for line in self._lines:
                line.set_data([], [])
            self._note.set_text(f"finish {missing}\nto see the tanh curve")
            self._note.set_visible(True)
            ax.set_ylim(1e-8, 1e8)
            ax.set_title(head.rstrip(": ") + "\nyour RNN is not written yet", fontsize="medium")
            return {"raw": None, "clipped": None, "first_over_last": None}
        self._note.set_visible(False)
        self._lines[0].set_data(steps, out["raw"])
        both = (
            out["raw"] if out["clipped"] is None else np.concatenate([out["raw"], out["clipped"]])
        )
        both = both[both > 0]
        lo, hi = max(both.min() / 3, 1e-300), both.max() * 3
        ax.set_ylim(lo, hi)
        first_over_last = out["raw"][0] / out["raw"][-1]
        total = float(out["global_norm"])
        if out["clipped"] is None:
            self._lines[1].set_data([], [])
            second = f"finish {self._missing(('clip_gradients',))[0]} to see the clipped curve"
        else:
            self._lines[1].set_data(steps, out["clipped"])
            relation = "> max_norm" if total > self.max_norm else "<= max_norm"
            verdict = "clipped" if total > self.max_norm else "not clipped"
            second = f"global norm {total:.1e} {relation} {self.max_norm:g}: {verdict}"
        ax.set_title(
            head + f"first / last step {first_over_last:.1e}\n" + second, fontsize="medium"
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
    T: int = 30,
    scale: float = 1.0,
    activation: str = "tanh",
    max_norm: float = 10.0,
    *,
    rnn_forward=None,
    rnn_backward=None,
    clip_gradients=None,
) -> GradientThroughTime:
    """Gradient norm reaching each earlier step, with sliders for T, the scale of Wh, tanh or
    identity, and the clipping threshold; it runs the ``rnn_forward``, ``rnn_backward`` and
    ``clip_gradients`` given (notebook 10 passes yours; default: dlkit's)."""
    return GradientThroughTime(
        T,
        scale,
        activation,
        max_norm,
        rnn_forward=rnn_forward,
        rnn_backward=rnn_backward,
        clip_gradients=clip_gradients,
    )
