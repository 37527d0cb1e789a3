"""Interactive figures driven by sliders, with a static fallback.

Each widget is a small object: its state lives in plain attributes, :meth:`draw`
redraws its figure from that state (no kernel needed, which is how the tests drive
it), and displaying it in a notebook shows sliders above the figure. The figure is a
``matplotlib.figure.Figure`` that pyplot does not manage; it is rendered to PNG and
put into an ``ipywidgets.Image``, updated in place on every move. This behaves the
same on ipywidgets 7.7 (Colab) and 8, and needs no ``%matplotlib widget``.

Where sliders cannot work (under nbgrader, in CI, with ``DLKIT_NO_WIDGETS=1``, or
without ipywidgets) the same figure is shown as a static image instead.
"""

from __future__ import annotations

import io
import os

import numpy as np

from . import plot
from ._validation import as_2d, as_labels, check_int, check_positive
from .data import logic_gate
from .perceptron import perceptron_steps

__all__ = [
    "widgets_enabled",
    "NeuronExplorer",
    "neuron_explorer",
    "PerceptronDemo",
    "perceptron_demo",
]

_DISABLING_ENV = ("NBGRADER_EXECUTION", "CI", "DLKIT_NO_WIDGETS")
_DPI = 80


def widgets_enabled() -> bool:
    """True when sliders can render: inside a Jupyter kernel, ipywidgets installed,
    and not under nbgrader, CI or ``DLKIT_NO_WIDGETS``."""
    if any(os.environ.get(name) for name in _DISABLING_ENV):
        return False
    try:
        import ipywidgets  # noqa: F401
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class _Interactive:
    """Base: a figure, some controls, a draw() from state, display with fallback."""

    static_note = "Static figure: interactive controls are off here (grading, CI or no widgets)."

    def __init__(self, ncols: int = 1):
        self.fig, axes = plot.new_figure(ncols, pyplot=False, dpi=_DPI)
        self.axes = np.atleast_1d(axes)
        self._widget = None
        self._image = None

    # -- to implement -------------------------------------------------------------
    def draw(self) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def _controls(self) -> list:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- shared machinery ---------------------------------------------------------
    def _freeze_layout(self) -> None:
        """Lay the figure out once; redraws then skip the (slow) layout engine."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(self.fig).draw()  # a bare Figure's own canvas cannot draw
        self.fig.set_layout_engine("none")

    def render_png(self) -> bytes:
        """Draw the current state and return it as PNG bytes."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from PIL import Image  # a dependency of matplotlib

        self.draw()
        # one Agg draw, then a light PNG compression: savefig would draw twice and
        # compress harder, and the image only travels to the local browser
        canvas = (
            self.fig.canvas
            if isinstance(self.fig.canvas, FigureCanvasAgg)
            else FigureCanvasAgg(self.fig)
        )
        canvas.draw()
        buffer = io.BytesIO()
        Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba()).save(
            buffer, "png", compress_level=1
        )
        return buffer.getvalue()

    def refresh(self, change=None) -> None:
        """Redraw into the image widget (called by every control)."""
        if self._image is not None:
            self._image.value = self.render_png()

    @property
    def widget(self):
        """The ipywidgets box: controls above the figure (built on first use)."""
        if self._widget is None:
            import ipywidgets as w

            controls = self._controls()
            self._image = w.Image(format="png", value=self.render_png())
            self._widget = w.VBox(
                [
                    w.HBox(controls[:3]),
                    *[w.HBox(controls[i : i + 3]) for i in range(3, len(controls), 3)],
                    self._image,
                ]
            )
        return self._widget

    def _ipython_display_(self):
        from IPython.display import Image, display

        if widgets_enabled():
            display(self.widget)
        else:
            display(Image(data=self.render_png(), format="png"))
            print(self.static_note)


def _slider(description: str, value: float, lo: float, hi: float, step: float, owner, attr: str):
    import ipywidgets as w

    slider = w.FloatSlider(
        value=value,
        min=lo,
        max=hi,
        step=step,
        description=description,
        continuous_update=True,
        readout_format=".2f",
    )

    def on_change(change):
        setattr(owner, attr, float(change["new"]))
        owner.refresh()

    slider.observe(on_change, names="value")
    return slider


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
        if self._line is None:
            self._build()
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
        if self._line is None:
            self._build()
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
        import ipywidgets as w

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

        def on_change(change):
            self.position = int(change["new"])
            self.refresh()

        slider.observe(on_change, names="value")
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
