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
    "OptimizerPlayground",
    "optimizer_playground",
    "TrainingExplorer",
    "training_explorer",
    "RegularizationExplorer",
    "regularization_explorer",
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
        self._canvas().draw()  # a bare Figure's own canvas cannot draw
        self.fig.set_layout_engine("none")

    def render_png(self) -> bytes:
        """Draw the current state and return it as PNG bytes."""
        self.draw()
        self._render(self._canvas())
        return self._png()

    def _png(self) -> bytes:
        """The canvas's pixels as PNG, lightly compressed: it only travels to the local browser."""
        from PIL import Image  # a dependency of matplotlib

        canvas = self._canvas()
        buffer = io.BytesIO()
        Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba()).save(
            buffer, "png", compress_level=1
        )
        return buffer.getvalue()

    def _canvas(self):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        if not isinstance(self.fig.canvas, FigureCanvasAgg):
            FigureCanvasAgg(self.fig)  # attaches itself to the figure
        return self.fig.canvas

    def _render(self, canvas) -> None:
        """Fill the canvas's pixel buffer from the figure (one full Agg draw)."""
        canvas.draw()

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


def _beta(beta) -> float:
    from .optim import _beta as check

    return check(beta, "beta")


def _make_optimizer(name: str, lr: float, beta: float, params=None):
    """An optimizer by name where ``beta`` is its one decay rate (momentum, RMSProp's
    decay, Adam's beta1); GD and AdaGrad have none."""
    from . import optim

    if name == "momentum":
        return optim.Momentum(params, lr=lr, beta=beta)
    if name == "rmsprop":
        return optim.RMSProp(params, lr=lr, beta=beta)
    if name == "adam":
        return optim.Adam(params, lr=lr, beta1=beta)
    return optim.get(name, params, lr=lr)


class OptimizerPlayground(_Interactive):
    """An optimizer's path over a 2-D loss surface, with a log-scale learning rate.

    Left: contour lines of the surface (``dlkit.optim.SURFACES``: ``"ravine"``,
    ``"rosenbrock"``, ``"saddle"``) and the points the optimizer visits from the
    start point. Right: the gap ``f - f_min`` after every step on a log scale, so
    steady convergence is a straight line going down and divergence leaves the chart.
    With ``compare=True`` every optimizer runs with the same settings.

    ``beta`` is the momentum of ``"momentum"``, the decay of ``"rmsprop"`` and
    ``beta1`` of ``"adam"`` (``beta2 = 0.999``); GD and AdaGrad ignore it.

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
    ):
        from .optim import SURFACES

        super().__init__(ncols=2)
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
        self._syncing = False

    # -- the maths: a plain function of the state ------------------------------------
    def paths(self) -> dict[str, np.ndarray]:
        """``{optimizer: points (k + 1, 2)}`` for the current settings."""
        from .optim import trajectory

        names = self.optimizers if self.compare else (self.optimizer,)
        start = (self.start_x, self.start_y)
        return {
            n: trajectory(self.surface, _make_optimizer(n, self.lr, self.beta), self.steps, start)
            for n in names
        }

    def summary(self, paths) -> dict[str, dict]:
        from .optim import SURFACES

        surface = SURFACES[self.surface]
        out = {}
        for name, path in paths.items():
            diverged = len(path) < self.steps + 1
            gap = np.inf if diverged else float(surface.gap(path[-1]))
            out[name] = {"steps": len(path) - 1, "diverged": diverged, "final_gap": gap}
        return out

    # -- drawing -------------------------------------------------------------------------
    def _build(self) -> None:
        from .optim import SURFACES

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
        self._legend = left.legend([], [], fontsize="small", loc="lower right")
        self._legend.set_animated(True)
        if self._shown is None:
            self._freeze_layout()
        self._shown = (self.surface, None)

    def _cache_background(self) -> None:
        """Render everything but the animated artists once, as the bitmap to paste."""
        self.axes[1].set_xlim(0, self.steps)
        canvas = self._canvas()
        canvas.draw()
        self._background = canvas.copy_from_bbox(self.fig.bbox)
        self._shown = (self.surface, self.steps)

    def draw(self) -> dict:
        if self._shown is None or self._shown[0] != self.surface:
            self._build()  # new contours
        if self._shown[1] != self.steps:
            self._cache_background()
        paths = self.paths()
        summary = self.summary(paths)
        for name, (line, first, last, curve) in self._artists.items():
            path = paths.get(name)
            if path is None:
                for artist in (line, first, last, curve):
                    artist.set_data([], [])
                continue
            line.set_data(path[:, 0], path[:, 1])
            first.set_data(path[:1, 0], path[:1, 1])
            last.set_data(path[-1:, 0], path[-1:, 1])
            from .optim import SURFACES

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
        self._readout.set_text("\n".join(rows))
        handles = [self._artists[name][0] for name in paths]
        self._legend.remove()
        self._legend = self.axes[0].legend(
            handles, list(paths), fontsize="small", loc="lower right"
        )
        self._legend.set_animated(True)
        return {"paths": paths, "summary": summary}

    def _render(self, canvas) -> None:
        """Paste the cached contours, then draw only the paths and the readout."""
        canvas.restore_region(self._background)
        left, right = self.axes
        for line, first, last, curve in self._artists.values():
            for ax, artist in ((left, line), (left, first), (left, last), (right, curve)):
                if len(artist.get_xdata()):
                    ax.draw_artist(artist)
        left.draw_artist(self._legend)
        right.draw_artist(self._readout)

    # -- controls ----------------------------------------------------------------------------
    def _controls(self) -> list:
        import ipywidgets as w

        from .optim import SURFACES

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
        from .optim import SURFACES

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
) -> OptimizerPlayground:
    """Sliders for an optimizer's path on a 2-D loss surface (the course's centrepiece)."""
    return OptimizerPlayground(surface, optimizer, lr, beta, steps, compare, start)


class _TrainingView(_Interactive):
    """Shared by the widgets that train a network per setting: loss curves on the left
    (training solid, validation dashed), a progress bar that moves while a run trains,
    and the curves so far redrawn every ``redraw_every`` epochs.

    Subclasses define ``train()`` (calling ``self.on_epoch(epoch, history)`` after each
    epoch when it is set), ``epochs``, ``ylabel``, ``ylim_cap`` and the right panel.
    """

    ylabel = "cross-entropy loss"
    ylim_cap = 3.0  # the loss axis stops here, so a bad start does not flatten the rest
    redraw_every = 10

    def __init__(self):
        super().__init__(ncols=2)
        self.controls = []
        self._progress = None
        self._built = False
        self._live = False  # True while refresh() redraws the widget
        self.on_epoch = None  # called as on_epoch(epoch, history) while training

    def _build(self) -> None:
        left, right = self.axes
        (self._train_line,) = left.plot([], [], lw=2, color=plot.CLASS_COLORS[1], label="training")
        (self._val_line,) = left.plot(
            [], [], lw=2, ls="--", color=plot.CLASS_COLORS[0], label="validation"
        )
        self._build_extra(left)
        left.set_xlabel("epoch")
        left.set_ylabel(self.ylabel)
        left.legend(fontsize="small", loc="upper right")
        left.set_title("placeholder\n", fontsize="medium")
        right.set_title("placeholder", fontsize="medium")
        self._freeze_layout()
        self._built = True

    def _build_extra(self, ax) -> None:
        """More artists on the curves' axes (before the legend is drawn)."""

    def _show_curves(self, history, title) -> None:
        left = self.axes[0]
        epochs = np.arange(1, len(history["training"]) + 1)
        self._train_line.set_data(epochs, history["training"])
        self._val_line.set_data(epochs, history["validation"])
        left.set_xlim(0, self.epochs)
        values = [v for v in history["training"] + history["validation"] if np.isfinite(v)]
        left.set_ylim(0, min(max(values, default=1.0), self.ylim_cap) * 1.05 + 1e-3)
        left.set_title(title, fontsize="medium")

    def _train_with_progress(self) -> dict:
        """``self.train()``, moving the progress bar (and redrawing) when the widget is live."""
        if not self._built:
            self._build()
        if self._live:

            def on_epoch(epoch, history):
                self._progress.value = epoch
                if epoch % self.redraw_every == 0 and epoch < self.epochs:
                    self._show_curves(history, f"training... epoch {epoch}/{self.epochs}\n")
                    self._render(self._canvas())
                    self._image.value = self._png()

            self.on_epoch = on_epoch
            self._progress.max = self.epochs
        try:
            return self.train()
        finally:
            self.on_epoch = None

    def _draw_regions(self, predict, resolution: int):
        """Decision regions of ``predict`` over all the data, on a cleared right panel."""
        right = self.axes[1]
        right.clear()
        X, y, Xv, yv = self.data()
        with np.errstate(all="ignore"):
            plot.plot_decision_boundary(
                lambda G: np.nan_to_num(predict(G)), np.vstack([X, Xv]), None, right,
                resolution=resolution,
            )  # fmt: skip
        return right, (X, y, Xv, yv)

    def _epoch_controls(self, lo: int, hi: int, step: int) -> tuple:
        """The epochs slider and the progress bar (kept as ``self._progress``)."""
        import ipywidgets as w

        epochs = w.IntSlider(
            value=self.epochs, min=lo, max=hi, step=step, description="epochs",
            continuous_update=False,
        )  # fmt: skip
        self._progress = w.IntProgress(value=0, min=0, max=self.epochs, description="training")
        return epochs, self._progress

    def refresh(self, change=None) -> None:
        """Retrain and redraw, showing progress (and the curves so far) while training."""
        self._live = self._image is not None and self._progress is not None
        try:
            super().refresh(change)
        finally:
            self._live = False


class TrainingExplorer(_TrainingView):
    """Train a small network with the chosen optimizer and watch its loss curves.

    A ``2 -> 16 -> 16 -> 2`` ReLU network learns a noisy 2-D data set (two thirds
    for training, one third held out for validation). Left: training and
    validation loss per epoch; right: the decision regions reached. Too small a
    learning rate crawls, too large a one oscillates or diverges (the run stops
    and says so), momentum changes both. While a run trains, a progress bar moves
    and the curves are redrawn every few epochs.
    """

    optimizers = ("gd", "momentum", "adagrad", "rmsprop", "adam")
    datasets = ("moons", "circles", "xor", "spirals")
    batch_sizes = ("full", 64, 32, 16, 4)

    def __init__(
        self,
        dataset: str = "moons",
        optimizer: str = "momentum",
        lr: float = 0.1,
        beta: float = 0.9,
        epochs: int = 60,
        batch_size="full",
        hidden: int = 16,
        seed: int = 0,
    ):
        super().__init__()
        self.dataset = check_choice(dataset, "dataset", self.datasets)
        self.optimizer = check_choice(optimizer, "optimizer", self.optimizers)
        self.lr = check_positive(lr, "lr")
        self.beta = _beta(beta)
        self.epochs = check_int(epochs, "epochs", minimum=1)
        self.batch_size = check_choice(batch_size, "batch_size", self.batch_sizes)
        self.hidden = check_int(hidden, "hidden", minimum=1)
        self.seed = check_int(seed, "seed", minimum=0)

    def data(self):
        from .data import DATASETS

        X, y = DATASETS[self.dataset](300, rng=self.seed)
        order = np.random.default_rng(self.seed).permutation(len(y))
        cut = 2 * len(y) // 3
        return X[order[:cut]], y[order[:cut]], X[order[cut:]], y[order[cut:]]

    def train(self) -> dict:
        """One run with the current settings: the loss histories and the model."""
        from . import optim
        from .layers import build_mlp
        from .losses import categorical_cross_entropy, categorical_cross_entropy_grad, one_hot

        X, y, Xv, yv = self.data()
        Y, Yv = one_hot(y, 2), one_hot(yv, 2)
        model = build_mlp([2, self.hidden, self.hidden, 2], rng=self.seed)
        opt = _make_optimizer(self.optimizer, self.lr, self.beta, model)
        batch = len(y) if self.batch_size == "full" else int(self.batch_size)
        rng = np.random.default_rng(self.seed)
        history = {"training": [], "validation": []}
        diverged = None
        with np.errstate(all="ignore"):
            for epoch in range(1, self.epochs + 1):
                for Xb, Yb in optim.iterate_minibatches(X, Y, batch, rng=rng):
                    model.backward(categorical_cross_entropy_grad(Yb, model.forward(Xb)))
                    opt.step()
                train_loss = categorical_cross_entropy(Y, model.forward(X))
                val_loss = categorical_cross_entropy(Yv, model.forward(Xv))
                if not (np.isfinite(train_loss) and np.isfinite(val_loss)):
                    diverged = epoch
                    break
                history["training"].append(float(train_loss))
                history["validation"].append(float(val_loss))
                if self.on_epoch is not None:
                    self.on_epoch(epoch, history)
        accuracy = float(np.mean(model.forward(Xv).argmax(axis=1) == yv))
        return {"history": history, "model": model, "diverged": diverged, "accuracy": accuracy}

    def draw(self) -> dict:
        run = self._train_with_progress()
        history = run["history"]
        name = f"{self.optimizer}, lr={self.lr:.2g}" + (
            f", β={self.beta:.2f}" if self.optimizer in ("momentum", "rmsprop", "adam") else ""
        )
        if run["diverged"]:
            verdict = f"diverged at epoch {run['diverged']}: the loss is no longer finite"
        else:
            verdict = (
                f"final loss: training {history['training'][-1]:.3f}, "
                f"validation {history['validation'][-1]:.3f}"
            )
        self._show_curves(history, f"{name}, batch {self.batch_size}\n{verdict}")
        right, (X, y, Xv, yv) = self._draw_regions(run["model"].forward, resolution=80)
        plot.plot_data(Xv, yv, ax=right, s=14)
        right.set_title(f"validation accuracy {run['accuracy']:.0%}", fontsize="medium")
        return {k: run[k] for k in ("history", "diverged", "accuracy")}

    def _controls(self) -> list:
        import ipywidgets as w

        optimizer = w.Dropdown(
            options=self.optimizers, value=self.optimizer, description="optimizer"
        )
        dataset = w.Dropdown(options=self.datasets, value=self.dataset, description="data")
        batch = w.Dropdown(
            options=self.batch_sizes, value=self.batch_size, description="batch size"
        )
        lr = w.FloatLogSlider(
            value=self.lr, base=10, min=-3, max=1, step=0.05, description="learning rate",
            readout_format=".2g", continuous_update=False,
        )  # fmt: skip
        beta = w.FloatSlider(
            value=self.beta, min=0, max=0.99, step=0.01, description="momentum β",
            continuous_update=False,
        )  # fmt: skip
        epochs, _ = self._epoch_controls(10, 200, 10)
        for control, attr in (
            (optimizer, "optimizer"),
            (dataset, "dataset"),
            (batch, "batch_size"),
            (lr, "lr"),
            (beta, "beta"),
            (epochs, "epochs"),
        ):
            _bind(self, control, attr)
        self.controls = [optimizer, lr, beta, dataset, batch, epochs, self._progress]
        return self.controls


def training_explorer(
    dataset: str = "moons",
    optimizer: str = "momentum",
    lr: float = 0.1,
    beta: float = 0.9,
    epochs: int = 60,
    batch_size="full",
) -> TrainingExplorer:
    """Train a small network with a chosen optimizer, learning rate and momentum."""
    return TrainingExplorer(dataset, optimizer, lr, beta, epochs, batch_size)


class RegularizationExplorer(_TrainingView):
    """Over-fit a small noisy data set, then tame it with dropout, L2 and a smaller network.

    A ``2 -> hidden -> hidden -> 2`` ReLU network (dlkit's :class:`~dlkit.layers.Sequential`,
    Adam, full batch) learns from only ``n_train`` noisy "moons" points and is judged
    on ``n_val`` fresh ones. Left: training and validation cross-entropy per epoch
    (the data loss, without the L2 term, both measured in evaluation mode), with the
    best validation epoch marked. Right: the decision regions with the training
    points (large) over the validation points (small). A big network without
    regularisation draws islands around single noisy points and its validation loss
    turns upward; dropout, L2 or fewer units smooth the boundary.
    """

    ylabel = "cross-entropy (data loss)"
    ylim_cap = 2.0
    redraw_every = 100
    l2_values = (0.0, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1)
    hidden_sizes = (2, 4, 8, 16, 32, 64, 128, 256)

    def __init__(
        self,
        dropout: float = 0.0,
        l2: float = 0.0,
        hidden: int = 64,
        epochs: int = 300,
        seed: int = 0,
        *,
        n_train: int = 30,
        n_val: int = 400,
        noise: float = 0.2,
        lr: float = 0.003,
    ):
        from .regularization import _p_drop

        super().__init__()
        self.dropout = _p_drop(dropout)
        self.l2 = check_positive(l2, "l2", allow_zero=True)
        self.hidden = check_int(hidden, "hidden", minimum=1)
        self.epochs = check_int(epochs, "epochs", minimum=1)
        self.seed = check_int(seed, "seed", minimum=0)
        self.n_train = check_int(n_train, "n_train", minimum=2)
        self.n_val = check_int(n_val, "n_val", minimum=2)
        self.noise = check_positive(noise, "noise", allow_zero=True)
        self.lr = check_positive(lr, "lr")

    def data(self):
        """``X_train, y_train, X_val, y_val``: the same noisy points for every setting."""
        from .data import moons

        X, y = moons(self.n_train + self.n_val, noise=self.noise, rng=self.seed)
        return X[: self.n_train], y[: self.n_train], X[self.n_train :], y[self.n_train :]

    def model(self):
        """The network for the current settings (not yet trained)."""
        from .layers import Dense, Dropout, ReLU, Sequential, Softmax

        rng = np.random.default_rng(self.seed)
        h, p, l2 = self.hidden, self.dropout, self.l2
        return Sequential(
            Dense(2, h, rng=rng, l2=l2), ReLU(), Dropout(p, rng=rng),
            Dense(h, h, rng=rng, l2=l2), ReLU(), Dropout(p, rng=rng),
            Dense(h, 2, rng=rng, l2=l2), Softmax(),
        ).compile(optimizer="adam", lr=self.lr)  # fmt: skip

    def train(self) -> dict:
        """One run: per-epoch data losses, the best validation epoch, the trained model."""
        from .callbacks import Callback
        from .losses import categorical_cross_entropy, one_hot

        X, y, Xv, yv = self.data()
        Y, Yv = one_hot(y, 2), one_hot(yv, 2)
        history = {"training": [], "validation": []}
        owner = self

        class Curves(Callback):
            def on_epoch_end(self, epoch, logs):
                history["training"].append(
                    float(categorical_cross_entropy(Y, self.model.predict(X)))
                )
                history["validation"].append(
                    float(categorical_cross_entropy(Yv, self.model.predict(Xv)))
                )
                if owner.on_epoch is not None:
                    owner.on_epoch(epoch + 1, history)

        model = self.model()
        with np.errstate(all="ignore"):
            model.fit(
                X, y, epochs=self.epochs, batch_size=None, callbacks=[Curves()],
                rng=self.seed, verbose=0,
            )  # fmt: skip
        val = np.asarray(history["validation"])
        accuracy = float(np.mean(model.predict(Xv).argmax(axis=1) == yv))
        return {
            "history": history,
            "model": model,
            "best_epoch": int(np.nanargmin(val)) + 1,
            "accuracy": accuracy,
        }

    def _build_extra(self, ax) -> None:
        self._best = ax.axvline(0, color="0.5", lw=1, ls=":", label="best validation")

    def settings(self) -> str:
        return f"hidden {self.hidden}, dropout {self.dropout:.2f}, L2 λ={self.l2:g}"

    def draw(self) -> dict:
        run = self._train_with_progress()
        history, best = run["history"], run["best_epoch"]
        gap = history["validation"][-1] - history["training"][-1]
        self._show_curves(
            history,
            f"{self.settings()}\nfinal: training {history['training'][-1]:.3f}, validation "
            f"{history['validation'][-1]:.3f} (gap {gap:+.3f}); best epoch {best}",
        )
        self._best.set_xdata([best, best])
        right, (X, y, Xv, yv) = self._draw_regions(run["model"].predict, resolution=70)
        right.scatter(
            Xv[:, 0], Xv[:, 1], s=5, alpha=0.35, lw=0,
            c=[plot.CLASS_COLORS[k] for k in yv],
        )  # fmt: skip
        plot.plot_data(X, y, ax=right, s=40)
        right.set_title(
            f"{self.n_train} training points (large); validation accuracy {run['accuracy']:.0%}",
            fontsize="medium",
        )
        return {
            "history": history,
            "best_epoch": best,
            "gap": float(gap),
            "accuracy": run["accuracy"],
        }

    def _controls(self) -> list:
        import ipywidgets as w

        dropout = w.FloatSlider(
            value=self.dropout, min=0, max=0.8, step=0.05, description="dropout p",
            continuous_update=False,
        )  # fmt: skip
        l2_options = sorted({*self.l2_values, self.l2})
        l2 = w.SelectionSlider(
            options=[(f"{v:g}", v) for v in l2_options], value=self.l2, description="L2 λ",
            continuous_update=False,
        )  # fmt: skip
        hidden_options = sorted({*self.hidden_sizes, self.hidden})
        hidden = w.SelectionSlider(
            options=hidden_options, value=self.hidden, description="hidden units",
            continuous_update=False,
        )  # fmt: skip
        epochs, _ = self._epoch_controls(50, 600, 50)
        for control, attr in (
            (dropout, "dropout"),
            (l2, "l2"),
            (hidden, "hidden"),
            (epochs, "epochs"),
        ):
            _bind(self, control, attr)
        self.controls = [dropout, l2, hidden, epochs, self._progress]
        return self.controls


def regularization_explorer(
    dropout: float = 0.0,
    l2: float = 0.0,
    hidden: int = 64,
    epochs: int = 300,
    seed: int = 0,
) -> RegularizationExplorer:
    """Train vs validation curves on a small noisy set, with dropout, L2 and size sliders."""
    return RegularizationExplorer(dropout, l2, hidden, epochs, seed)
