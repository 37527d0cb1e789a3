"""The MLP playground (notebook 02): decision regions of a random, untrained network."""

from __future__ import annotations

import numpy as np

from .. import plot
from .._validation import check_choice, check_int
from ..data import DATASETS
from ..models import build_mlp
from ._base import _bind, _Interactive


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
        self.controls = []

    def model(self):
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
        ax.set_title("placeholder\n")
        self._freeze_layout()

    def draw(self) -> dict:
        self._ensure_built(self.dataset)
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


def mlp_playground(
    dataset: str = "moons",
    hidden: int = 8,
    activation: str = "relu",
    init: str = "he",
    seed: int = 0,
) -> MLPPlayground:
    """Controls for the decision regions of a random network on moons, circles or XOR."""
    return MLPPlayground(dataset, hidden, activation, init, seed)
