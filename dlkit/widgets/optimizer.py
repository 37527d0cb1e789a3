"""The optimizer playground (notebook 05): an optimizer's path over a 2-D loss landscape."""

from __future__ import annotations

import numpy as np

from .. import optim, plot
from .._validation import check_choice, check_int, check_positive
from ..landscapes import SURFACES, trajectory
from ._base import _function_or_todo, _given_unfinished, _Interactive


def _beta(beta) -> float:
    return optim._beta(beta, "beta")


def _make_optimizer(name: str, lr: float, beta: float, params=None, step_fn=None):
    """An optimizer by name where ``beta`` is its one decay rate (momentum, RMSProp's
    decay, Adam's beta1); GD and AdaGrad have none. ``step_fn``: the pure step it runs
    (a student's ``adam_step``, say), None for dlkit's kernels."""
    if name == "momentum":
        return optim.Momentum(params, lr=lr, beta=beta, step_fn=step_fn)
    if name == "rmsprop":
        return optim.RMSProp(params, lr=lr, beta=beta, step_fn=step_fn)
    if name == "adam":
        return optim.Adam(params, lr=lr, beta1=beta, step_fn=step_fn)
    return optim.get(name, params, lr=lr, step_fn=step_fn)


#: optimizer -> (the pure step of notebook 05 it runs, its exercise there, a tiny call)
STEPS = {
    "gd": ("gd_step", 1, lambda w: (w, w, 0.1)),
    "momentum": ("momentum_step", 3, lambda w: (w, w, w, 0.1, 0.9)),
    "adagrad": ("adagrad_step", 4, lambda w: (w, w, w, 0.1)),
    "rmsprop": ("rmsprop_step", 5, lambda w: (w, w, w, 0.1, 0.9)),
    "adam": ("adam_step", 6, lambda w: (w, w, w, w, 1, 0.1)),
}


def step_functions(given: dict) -> dict:
    """Optimizer name -> the pure step to run: a student's function (``given``, by the
    step's name, e.g. ``{"adam_step": adam_step}``), None for dlkit's kernels (nothing given,
    or a stub while this copy of dlkit carries the reference), or a string saying what to
    do when there is none to run: "finish Exercise N (name)" for a stub, "pass name=...
    (Exercise N)" where nothing was given and this copy of dlkit leaves the reference out
    (a student copy while notebook 05 is open)."""
    out = {}
    for name, (step, exercise, example) in STEPS.items():
        reference = getattr(optim, step)
        chosen = _function_or_todo(step, given.get(step), reference, example(np.ones(2)), exercise)
        out[name] = None if chosen is reference else chosen
    return out


class OptimizerPlayground(_Interactive):
    """An optimizer's path over a 2-D loss surface, with a log-scale learning rate.

    Left: contour lines of the surface (``dlkit.landscapes.SURFACES``: ``"ravine"``,
    ``"rosenbrock"``, ``"saddle"``) and the points the optimizer visits from the
    start point. Right: the gap ``f - f_min`` after every step on a log scale, so
    steady convergence is a straight line going down and divergence leaves the chart.
    With ``compare=True`` every optimizer runs with the same settings.

    ``beta`` is the momentum of ``"momentum"``, the decay of ``"rmsprop"`` and
    ``beta1`` of ``"adam"`` (``beta2 = 0.999``); GD and AdaGrad ignore it.

    ``gd_step``, ``momentum_step``, ``adagrad_step``, ``rmsprop_step``, ``adam_step``:
    your own update rules of notebook 05 (the pure steps, as the exercises define them), run
    in place of dlkit's; while one is still a stub its path is replaced by the note "finish
    Exercise N" (dlkit's reference runs instead where this copy of dlkit carries it).

    Only the paths are redrawn when a control moves: the contours are rendered once
    per surface and kept as a bitmap (Agg blitting).
    """

    optimizers = ("gd", "momentum", "adagrad", "rmsprop", "adam")
    lr_range = (1e-4, 1.0)
    max_steps = 500
    _gap_floor = 1e-12
    _gap_range = (1e-10, 1e5)

    def __init__(
        self,
        surface: str = "ravine",
        optimizer: str = "momentum",
        lr: float = 0.05,
        beta: float = 0.9,
        steps: int = 100,
        compare: bool = False,
        start=None,
        *,
        gd_step=None,
        momentum_step=None,
        adagrad_step=None,
        rmsprop_step=None,
        adam_step=None,
    ):
        super().__init__(ncols=2)
        given = {
            "gd_step": gd_step,
            "momentum_step": momentum_step,
            "adagrad_step": adagrad_step,
            "rmsprop_step": rmsprop_step,
            "adam_step": adam_step,
        }
        self.step_fns = step_functions(given)
        #: the functions given that are stubs (or fail on a tiny call): their paths say so
        self.unfinished = _given_unfinished(
            given, self.step_fns, {step: name for name, (step, _, _) in STEPS.items()}
        )
        self.surface = check_choice(surface, "surface", tuple(SURFACES))
        self.optimizer = check_choice(optimizer, "optimizer", self.optimizers)
        self.lr = check_positive(lr, "lr")
        self.beta = _beta(beta)
        self.steps = check_int(steps, "steps", minimum=1)
        if self.steps > self.max_steps:
            raise ValueError(f"steps must be <= {self.max_steps}; got {steps}.")
        self.compare = bool(compare)
        point = SURFACES[self.surface].start if start is None else np.asarray(start, float)
        if point.shape != (2,):
            raise ValueError(f"start must be a point (x, y); got {start!r}.")
        self.start_x, self.start_y = float(point[0]), float(point[1])
        self.controls = []
        self._shown = None  # (surface, steps) the background was drawn for
        self._background = None
        self._left_only = None  # (surface, bitmap of the figure without the right panel)
        self._syncing = False
        self._errors = {}  # optimizer -> the error its rule raised in the last draw

    # -- the maths: a plain function of the state ------------------------------------
    def paths(self) -> dict[str, np.ndarray]:
        """``{optimizer: points (k + 1, 2)}`` for the current settings; an optimizer without
        a rule to run (see :func:`step_functions`) is left out, see :meth:`missing`."""
        start = (self.start_x, self.start_y)
        out = {}
        for n in self._shown_names():
            fn = self.step_fns[n]
            if isinstance(fn, str):
                continue
            opt = _make_optimizer(n, self.lr, self.beta, step_fn=fn)
            try:
                out[n] = trajectory(self.surface, opt, self.steps, start)
            except Exception as error:  # a student's rule with a bug: say so, do not raise
                self._errors[n] = f"{STEPS[n][0]} raised {type(error).__name__}"
        return out

    def missing(self) -> dict[str, str]:
        """``{optimizer: what to do}`` for the optimizers shown without a path."""
        out = {n: f for n in self._shown_names() if isinstance(f := self.step_fns[n], str)}
        return {**out, **self._errors}

    def _shown_names(self) -> tuple:
        return self.optimizers if self.compare else (self.optimizer,)

    def summary(self, paths) -> dict[str, dict]:
        surface = SURFACES[self.surface]
        out = {}
        for name, path in paths.items():
            diverged = len(path) < self.steps + 1
            gap = np.inf if diverged else float(surface.gap(path[-1]))
            out[name] = {"steps": len(path) - 1, "diverged": diverged, "final_gap": gap}
        return out

    # -- drawing -------------------------------------------------------------------------
    def _build(self) -> None:
        left, right = self.axes
        left.clear()
        right.clear()
        surface = SURFACES[self.surface]
        plot.plot_surface(surface, left)
        left.set_title(surface.title, fontsize="small")
        self._artists = {}
        for k, name in enumerate(self.optimizers):
            color = plot.CLASS_COLORS[k % len(plot.CLASS_COLORS)]
            kw = {"color": color, "animated": True}
            self._artists[name] = (
                left.plot([], [], ".-", lw=1.5, ms=3, label=name, **kw)[0],
                left.plot([], [], "o", ms=7, **kw)[0],
                left.plot([], [], "X", ms=9, mec="k", **kw)[0],
                right.plot([], [], "-", lw=2, label=name, **kw)[0],
            )
        right.set_yscale("log")
        right.set_ylim(*self._gap_range)
        right.set_xlim(0, self.steps)  # ticks of the right size before the layout is frozen
        right.set_xlabel("step")
        right.set_ylabel("$f - f_{min}$ (log scale)")
        right.grid(True, which="major", alpha=0.3)
        self._readout = right.text(
            0.98, 0.97, "", transform=right.transAxes, ha="right", va="top",
            fontsize="small", family="monospace", animated=True,
            bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "0.8"},
        )  # fmt: skip
        self._note = left.text(
            0.5, 0.5, "", transform=left.transAxes, ha="center", va="center",
            color="0.25", fontsize="large", animated=True,
            bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "0.8"},
        )  # fmt: skip
        self._legend = left.legend([], [], fontsize="small", loc="lower right")
        self._legend.set_animated(True)
        if self._shown is None:
            self._freeze_layout()
        self._shown = (self.surface, None)

    def _cache_background(self) -> None:
        """Render everything but the animated artists, as the bitmap to paste.

        The contours (left) are drawn once per surface and kept as a bitmap of the figure
        without the right panel; a new number of steps only redraws the right panel (its
        x axis) on top of it: the same pixels as a full draw, in about half the time.
        """
        right = self.axes[1]
        right.set_xlim(0, self.steps)
        canvas = self._canvas()
        if self._left_only is None or self._left_only[0] != self.surface:
            right.set_visible(False)
            try:
                canvas.draw()
            finally:
                right.set_visible(True)
            self._left_only = (self.surface, canvas.copy_from_bbox(self.fig.bbox))
        else:
            canvas.restore_region(self._left_only[1])
        right.draw(canvas.get_renderer())
        self._background = canvas.copy_from_bbox(self.fig.bbox)
        self._shown = (self.surface, self.steps)

    def draw(self) -> dict:
        if self._shown is None or self._shown[0] != self.surface:
            self._build()  # new contours
        if self._shown[1] != self.steps:
            self._cache_background()
        self._errors = {}
        paths = self.paths()
        summary = self.summary(paths)
        missing = self.missing()
        for name, (line, first, last, curve) in self._artists.items():
            path = paths.get(name)
            if path is None:
                for artist in (line, first, last, curve):
                    artist.set_data([], [])
                continue
            line.set_data(path[:, 0], path[:, 1])
            first.set_data(path[:1, 0], path[:1, 1])
            last.set_data(path[-1:, 0], path[-1:, 1])
            gap = np.maximum(SURFACES[self.surface].gap(path), self._gap_floor)
            curve.set_data(np.arange(len(path)), gap)
        rows = [f"lr={self.lr:.2g} β={self.beta:.2f}"]
        for name, info in summary.items():
            result = (
                f"diverged at step {info['steps'] + 1}"
                if info["diverged"]
                else f"gap {info['final_gap']:.1e}"
            )
            rows.append(f"{name:<8} {result}")
        rows += [f"{name:<8} {todo}" for name, todo in missing.items()]
        self._readout.set_text("\n".join(rows))
        self._note.set_text(
            f"{next(iter(missing.values()))}\nto see this path" if not paths else ""
        )
        handles = [self._artists[name][0] for name in paths]
        self._legend.remove()
        self._legend = self.axes[0].legend(
            handles, list(paths), fontsize="small", loc="lower right"
        )
        self._legend.set_animated(True)
        return {"paths": paths, "summary": summary, "missing": missing}

    def _render(self, canvas) -> None:
        """Paste the cached contours, then draw only the paths and the readout."""
        canvas.restore_region(self._background)
        left, right = self.axes
        for line, first, last, curve in self._artists.values():
            for ax, artist in ((left, line), (left, first), (left, last), (right, curve)):
                if len(artist.get_xdata()):
                    ax.draw_artist(artist)
        if self._legend.get_texts():
            left.draw_artist(self._legend)
        if self._note.get_text():
            left.draw_artist(self._note)
        right.draw_artist(self._readout)

    # -- controls ----------------------------------------------------------------------------
    def _controls(self) -> list:
        import ipywidgets as w  # loaded only when the controls are built

        lo, hi = np.log10(self.lr_range)
        optimizer = w.Dropdown(
            options=self.optimizers, value=self.optimizer, description="optimizer"
        )
        surface = w.Dropdown(options=list(SURFACES), value=self.surface, description="surface")
        compare = w.Checkbox(value=self.compare, description="compare all", indent=False)
        lr = w.FloatLogSlider(
            value=self.lr, base=10, min=lo, max=hi, step=0.05, description="learning rate",
            readout_format=".2g",
        )  # fmt: skip
        beta = w.FloatSlider(
            value=self.beta, min=0.0, max=0.99, step=0.01, description="momentum β"
        )
        steps = w.IntSlider(
            value=self.steps, min=10, max=self.max_steps, step=10, description="steps"
        )
        # number boxes, not sliders: a slider would snap the start to its step (the
        # saddle's start, 0.001 off the ridge, would become exactly 0 and never leave it)
        start_x = w.BoundedFloatText(value=self.start_x, step=0.1, description="start x")
        start_y = w.BoundedFloatText(value=self.start_y, step=0.1, description="start y")
        for control in (lr, beta, steps):
            control.continuous_update = True
            control.style.description_width = "initial"
        self._start_sliders = (start_x, start_y)
        self._set_start_ranges()

        def on_change(attr, cast):
            def handler(change):
                setattr(self, attr, cast(change["new"]))
                if not self._syncing:
                    self.refresh()

            return handler

        for control, attr, cast in (
            (optimizer, "optimizer", str),
            (compare, "compare", bool),
            (lr, "lr", float),
            (beta, "beta", float),
            (steps, "steps", int),
            (start_x, "start_x", float),
            (start_y, "start_y", float),
        ):
            control.observe(on_change(attr, cast), names="value")
        surface.observe(self._on_surface, names="value")
        self.controls = [optimizer, surface, compare, lr, beta, steps, start_x, start_y]
        return self.controls

    def _set_start_ranges(self) -> None:
        surface = SURFACES[self.surface]
        self._syncing = True
        try:
            for slider, (lo, hi), value in zip(
                self._start_sliders, (surface.xlim, surface.ylim), surface.start, strict=True
            ):
                # widen first so that no intermediate state clips the value
                slider.max, slider.min = max(slider.max, hi), min(slider.min, lo)
                slider.value = float(value)
                slider.min, slider.max = lo, hi
        finally:
            self._syncing = False
        self.start_x, self.start_y = (float(v) for v in surface.start)

    def _on_surface(self, change) -> None:
        self.surface = change["new"]
        self._set_start_ranges()  # a new surface starts at its own start point
        self.refresh()


def optimizer_playground(
    surface: str = "ravine",
    optimizer: str = "momentum",
    lr: float = 0.05,
    beta: float = 0.9,
    steps: int = 100,
    compare: bool = False,
    start=None,
    **step_fns,
) -> OptimizerPlayground:
    """Sliders for an optimizer's path on a 2-D loss surface (the course's centrepiece).

    Pass your own update rules by name (``gd_step=gd_step, adam_step=adam_step``, ...) to
    run them instead of dlkit's; see :class:`OptimizerPlayground`."""
    return OptimizerPlayground(surface, optimizer, lr, beta, steps, compare, start, **step_fns)
