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
from ._validation import as_2d, as_labels, check_choice, check_int, check_positive
from .data import logic_gate
from .perceptron import perceptron_steps

__all__ = [
    "widgets_enabled",
    "NeuronExplorer",
    "neuron_explorer",
    "PerceptronDemo",
    "perceptron_demo",
    "MLPPlayground",
    "mlp_playground",
    "LossExplorer",
    "loss_explorer",
    "VanishingGradients",
    "vanishing_gradients",
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
            # the image keeps its natural pixel width: stretched PNGs look blurry
            width = round(self.fig.get_size_inches()[0] * _DPI)
            self._image = w.Image(format="png", value=self.render_png(), width=str(width))
            rows = [
                w.HBox(controls[i : i + 3]) for i in range(0, len(controls), 3)
            ]  # three controls a row
            self._widget = w.VBox([*rows, self._image])
        return self._widget

    def _ipython_display_(self):
        from IPython.display import Image, display

        if widgets_enabled():
            display(self.widget)
        else:
            display(Image(data=self.render_png(), format="png"))
            print(self.static_note)


def _bind(owner: _Interactive, control, attr: str, cast=lambda value: value) -> None:
    """Keep ``owner.<attr>`` equal to the control's value and redraw on every change."""

    def on_change(change):
        setattr(owner, attr, cast(change["new"]))
        owner.refresh()

    control.observe(on_change, names="value")


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
    _bind(owner, slider, attr, float)
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


class MLPPlayground(_Interactive):
    """Decision regions of a random, untrained MLP ``2 -> hidden -> hidden -> 2``.

    Change the data set, the number of hidden units, the hidden activation and the
    initialiser, or draw new random weights (``seed``), and see which shapes of
    boundary a network of that kind can draw before any training. With ``init="zeros"``
    every unit is the same and the whole plane gets one colour: the symmetry problem.
    """

    datasets = ("moons", "circles", "xor")
    activations = ("relu", "tanh", "sigmoid", "leaky_relu")
    inits = ("he", "xavier", "small", "zeros")

    def __init__(
        self,
        dataset: str = "moons",
        hidden: int = 8,
        activation: str = "relu",
        init: str = "he",
        seed: int = 0,
        resolution: int = 120,
    ):
        super().__init__()
        self.dataset = check_choice(dataset, "dataset", self.datasets)
        self.hidden = check_int(hidden, "hidden", minimum=1)
        self.activation = check_choice(activation, "activation", self.activations)
        self.init = check_choice(init, "init", self.inits)
        self.seed = check_int(seed, "seed", minimum=0)
        self.resolution = check_int(resolution, "resolution", minimum=10)
        self._shown_dataset = None
        self.controls = []

    def model(self):
        from .layers import build_mlp

        return build_mlp(
            [2, self.hidden, self.hidden, 2],
            hidden=self.activation,
            output="softmax",
            init=self.init,
            rng=self.seed,
        )

    def _grid(self):
        (x0, x1), (y0, y1) = plot._limits(self.X)
        xs, ys = np.linspace(x0, x1, self.resolution), np.linspace(y0, y1, self.resolution)
        xx, yy = np.meshgrid(xs, ys)
        return np.column_stack([xx.ravel(), yy.ravel()]), (x0, x1, y0, y1)

    def _build(self) -> None:
        from matplotlib.colors import LinearSegmentedColormap

        from .data import DATASETS

        ax = self.axes[0]
        ax.clear()
        self.X, self.y = DATASETS[self.dataset](200, rng=0)
        self._points, extent = self._grid()
        cmap = LinearSegmentedColormap.from_list(
            "two", [plot.CLASS_COLORS[0], "white", plot.CLASS_COLORS[1]]
        )
        self._image_artist = ax.imshow(
            np.zeros((self.resolution, self.resolution)),
            origin="lower",
            extent=extent,
            aspect="auto",
            cmap=cmap,
            vmin=0,
            vmax=1,
            alpha=0.45,
            zorder=0,
        )
        plot.plot_data(self.X, self.y, ax=ax, s=18)
        ax.set_title("placeholder\n")
        self._shown_dataset = self.dataset
        self._freeze_layout()

    def draw(self) -> dict:
        if self._shown_dataset != self.dataset:
            self._build()
        model = self.model()
        p1 = model(self._points)[:, 1]
        self._image_artist.set_data(p1.reshape(self.resolution, self.resolution))
        acc = float(np.mean((model(self.X)[:, 1] >= 0.5) == self.y))
        self.axes[0].set_title(
            f"random 2-{self.hidden}-{self.hidden}-2 network, {self.activation}, {self.init} init, seed {self.seed}\n"
            f"untrained: {acc:.0%} of the points on the right side",
            fontsize="medium",
        )
        return {"accuracy": acc, "p1_range": (float(p1.min()), float(p1.max()))}

    def _controls(self) -> list:
        import ipywidgets as w

        dataset = w.Dropdown(options=self.datasets, value=self.dataset, description="data")
        hidden = w.IntSlider(
            value=self.hidden, min=1, max=32, description="hidden units", continuous_update=True
        )
        activation = w.Dropdown(
            options=self.activations, value=self.activation, description="activation"
        )
        init = w.Dropdown(options=self.inits, value=self.init, description="init")
        seed = w.IntSlider(value=self.seed, min=0, max=99, description="seed")
        again = w.Button(description="re-initialise", tooltip="draw new random weights")

        for control, attr in (
            (dataset, "dataset"),
            (hidden, "hidden"),
            (activation, "activation"),
            (init, "init"),
            (seed, "seed"),
        ):
            _bind(self, control, attr)
        again.on_click(lambda _: setattr(seed, "value", (seed.value + 1) % 100))
        self.controls = [dataset, activation, init, hidden, seed, again]
        return self.controls


def mlp_playground(
    dataset: str = "moons",
    hidden: int = 8,
    activation: str = "relu",
    init: str = "he",
    seed: int = 0,
) -> MLPPlayground:
    """Controls for the decision regions of a random network on moons, circles or XOR."""
    return MLPPlayground(dataset, hidden, activation, init, seed)


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
        self._shown_mode = None
        self.controls = []

    def curves(self) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """The x values and one y array per loss, for the current state."""
        from . import losses
        from .activations import sigmoid

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
        self._shown_mode = self.mode
        self._freeze_layout()

    def draw(self) -> dict:
        if self._shown_mode != self.mode:
            self._build()
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
        import ipywidgets as w

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


class VanishingGradients(_Interactive):
    """Gradient norm per layer of a deep sigmoid network against a ReLU one (log scale).

    Move ``depth`` and watch the sigmoid network's first layers receive gradients
    that are orders of magnitude smaller than its last ones, while ReLU with He
    initialisation keeps them of one size.
    """

    pairs = (("sigmoid", "xavier"), ("relu", "he"))

    def __init__(self, depth: int = 10, seed: int = 0):
        super().__init__()
        self.depth = check_int(depth, "depth", minimum=2)
        self.seed = check_int(seed, "seed", minimum=0)
        self.controls = []
        self._lines = None

    def norms(self) -> dict[str, np.ndarray]:
        from .gradcheck import gradient_norms

        return {
            f"{act} ({init} init)": gradient_norms(self.depth, act, init=init, rng=self.seed)
            for act, init in self.pairs
        }

    def _build(self) -> None:
        ax = self.axes[0]
        self._lines = [ax.plot([], [], "o-", lw=2, label=label)[0] for label in self.norms()]
        ax.set_yscale("log")
        ax.set_ylim(1e-10, 1e1)  # representative tick labels before the layout is frozen
        ax.set_xlabel("layer (1 = next to the input)")
        ax.set_ylabel("norm of dL/dW")
        ax.legend(fontsize="small", loc="lower right")
        ax.set_title("placeholder\n")
        self._freeze_layout()

    def draw(self) -> dict:
        if self._lines is None:
            self._build()
        ax = self.axes[0]
        norms = self.norms()
        for line, values in zip(self._lines, norms.values(), strict=True):
            line.set_data(np.arange(1, values.size + 1), values)
        everything = np.concatenate(list(norms.values()))
        ax.set_xlim(0.5, self.depth + 0.5)
        ax.set_ylim(everything.min() / 3, everything.max() * 3)
        ratio = {k: v[0] / v[-1] for k, v in norms.items()}
        ax.set_title(
            f"{self.depth} layers, gradient of the first / the last layer:\n"
            + ", ".join(f"{k.split()[0]} {r:.1e}" for k, r in ratio.items()),
            fontsize="medium",
        )
        return {k: v for k, v in norms.items()}

    def _controls(self) -> list:
        import ipywidgets as w

        depth = w.IntSlider(value=self.depth, min=2, max=20, description="depth")
        seed = w.IntSlider(value=self.seed, min=0, max=20, description="seed")
        _bind(self, depth, "depth", int)
        _bind(self, seed, "seed", int)
        self.controls = [depth, seed]
        return self.controls


def vanishing_gradients(depth: int = 10, seed: int = 0) -> VanishingGradients:
    """Gradient norm per layer, deep sigmoid vs ReLU, with a slider for the depth."""
    return VanishingGradients(depth, seed)
