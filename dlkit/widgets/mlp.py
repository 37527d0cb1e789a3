"""The MLP playground (notebook 02): decision regions of a random, untrained network."""

from __future__ import annotations

import numpy as np

from .. import init as init_module
from .. import layers, plot
from .._validation import check_choice, check_int
from ..data import DATASETS
from ._base import _bind, _choose, _Interactive, _unfinished

#: the exercises of notebook 02 whose functions the playground runs
_EXERCISES = {"init_params": "Exercise 3 (init_params)", "mlp_forward": "Exercise 4 (mlp_forward)"}


class MLPPlayground(_Interactive):
    """Decision regions of a random, untrained MLP ``2 -> hidden -> hidden -> 2``.

    Change the data set, the number of hidden units, the hidden activation and the
    initialiser, or draw new random weights (``seed``), and see which shapes of
    boundary a network of that kind can draw before any training. With ``init="zeros"``
    every unit is the same and the whole plane gets one colour: the symmetry problem.

    The network is drawn by ``init_params`` and run by ``mlp_forward``: notebook 02 passes
    the student's own (Exercises 3 and 4); without them, dlkit's references. A function that
    is still a stub runs dlkit's reference where this copy of dlkit carries it (see
    :func:`dlkit.yours_or_reference`), else the panel says which exercise to finish.
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
        *,
        init_params=None,
        mlp_forward=None,
    ):
        super().__init__()
        given = {"init_params": init_params, "mlp_forward": mlp_forward}
        #: the functions to run, and the names of those still to write
        chosen, self.unfinished = _choose(given, _PIECES)
        self.init_params, self.mlp_forward = chosen["init_params"], chosen["mlp_forward"]
        self._yours = init_params is not None or mlp_forward is not None
        if mlp_forward is not None:  # Exercise 4 asks for these hidden activations only
            self.activations = ("relu", "tanh", "sigmoid")
        self.dataset = check_choice(dataset, "dataset", self.datasets)
        self.hidden = check_int(hidden, "hidden", minimum=1)
        self.activation = check_choice(activation, "activation", self.activations)
        self.init = check_choice(init, "init", self.inits)
        self.seed = check_int(seed, "seed", minimum=0)
        self.resolution = check_int(resolution, "resolution", minimum=10)
        self.controls = []

    def params(self) -> list:
        """The random network's ``(W, b)`` pairs, drawn by ``init_params`` from ``seed``."""
        return self.init_params(
            [2, self.hidden, self.hidden, 2], self.init, np.random.default_rng(self.seed)
        )

    def model(self):
        """The network as a function: points ``(n, 2)`` to class probabilities ``(n, 2)``."""
        params = self.params()
        return lambda X: self.mlp_forward(X, params, self.activation, "softmax")[0]

    def _grid(self):
        (x0, x1), (y0, y1) = plot._limits(self.X)
        xs, ys = np.linspace(x0, x1, self.resolution), np.linspace(y0, y1, self.resolution)
        xx, yy = np.meshgrid(xs, ys)
        return np.column_stack([xx.ravel(), yy.ravel()]), (x0, x1, y0, y1)

    def _build(self) -> None:
        from matplotlib.colors import LinearSegmentedColormap  # matplotlib on first draw

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
        todo = [_EXERCISES[name] for name in self.unfinished] or ["nothing"]
        self._note = _unfinished(ax, "\nand ".join(todo))
        self._note.set_visible(bool(self.unfinished))
        self._note.set_bbox(
            {"facecolor": "white", "alpha": 0.85, "edgecolor": "0.7"}
        )  # over the points
        ax.set_title("placeholder\n")
        self._freeze_layout()

    def draw(self) -> dict:
        self._ensure_built(self.dataset)
        network = f"random 2-{self.hidden}-{self.hidden}-2 network, {self.activation}, {self.init} init, seed {self.seed}"
        if self.unfinished:  # a stub: the data, no regions, and what to finish
            self._image_artist.set_visible(False)
            self.axes[0].set_title(f"{network}\nyour functions draw it", fontsize="medium")
            return {"accuracy": None, "p1_range": None, "unfinished": list(self.unfinished)}
        try:
            model = self.model()
            p1 = np.asarray(model(self._points))[:, 1]
            acc = float(np.mean((np.asarray(model(self.X))[:, 1] >= 0.5) == self.y))
        except Exception as error:  # a student's function that fails here: say so, do not raise
            if not self._yours:
                raise
            self._image_artist.set_visible(False)
            self._note.set_text(
                f"your init_params / mlp_forward raised\n{type(error).__name__}: {error}"[:200]
            )
            self._note.set_visible(True)
            self.axes[0].set_title(f"{network}\nyour functions draw it", fontsize="medium")
            return {"accuracy": None, "p1_range": None, "error": f"{type(error).__name__}: {error}"}
        self._note.set_visible(False)
        self._image_artist.set_visible(True)
        self._image_artist.set_data(p1.reshape(self.resolution, self.resolution))
        self.axes[0].set_title(
            f"{network}\nuntrained: {acc:.0%} of the points on the right side",
            fontsize="medium",
        )
        return {"accuracy": acc, "p1_range": (float(p1.min()), float(p1.max()))}

    def _controls(self) -> list:
        import ipywidgets as w  # loaded only when the controls are built

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


def _INIT_EXAMPLE():
    return [2, 3, 2], "he", np.random.default_rng(0)


def _FORWARD_EXAMPLE():
    return np.zeros((1, 2)), [(np.zeros((2, 2)), np.zeros(2))], "relu", "softmax"


#: The pieces of notebook 02 the playground runs, with a tiny call each (``init`` is also
#: the name of a setting, hence the module's other name here).
_PIECES = {
    "init_params": (init_module.init_params, _INIT_EXAMPLE),
    "mlp_forward": (layers.mlp_forward, _FORWARD_EXAMPLE),
}


def mlp_playground(
    dataset: str = "moons",
    hidden: int = 8,
    activation: str = "relu",
    init: str = "he",
    seed: int = 0,
    *,
    init_params=None,
    mlp_forward=None,
) -> MLPPlayground:
    """Controls for the decision regions of a random network on moons, circles or XOR.

    Pass your own ``init_params`` and ``mlp_forward`` (notebook 02, Exercises 3 and 4) and
    the playground draws and runs the network with them."""
    return MLPPlayground(
        dataset, hidden, activation, init, seed, init_params=init_params, mlp_forward=mlp_forward
    )
