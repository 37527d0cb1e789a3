"""The vanishing-gradients explorer (notebook 04): gradient norm per layer, sigmoid vs ReLU."""

from __future__ import annotations

import numpy as np

from .._validation import check_int, check_rng
from ..losses import categorical_cross_entropy_grad, one_hot
from ..models import build_mlp
from ._base import _bind, _Interactive


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
        self._ensure_built()
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
        import ipywidgets as w  # loaded only when the controls are built

        depth = w.IntSlider(value=self.depth, min=2, max=20, description="depth")
        seed = w.IntSlider(value=self.seed, min=0, max=20, description="seed")
        _bind(self, depth, "depth", int)
        _bind(self, seed, "seed", int)
        self.controls = [depth, seed]
        return self.controls


def vanishing_gradients(depth: int = 10, seed: int = 0) -> VanishingGradients:
    """Gradient norm per layer, deep sigmoid vs ReLU, with a slider for the depth."""
    return VanishingGradients(depth, seed)


def gradient_norms(
    depth: int,
    activation: str,
    width: int = 32,
    n_samples: int = 64,
    init: str = "xavier",
    rng=None,
) -> np.ndarray:
    """Norm of dL/dW for every layer of a random ``depth``-layer network, first layer first.

    The network is ``width`` units wide with ``activation`` in every hidden layer and
    a softmax output; the loss is the cross-entropy of random inputs and labels. With
    sigmoid the norms shrink layer after layer towards the input (vanishing
    gradients); with ReLU and He initialisation they stay of one size.
    """
    depth = check_int(depth, "depth", minimum=1)
    rng = check_rng(rng)
    model = build_mlp(
        [width] * depth + [10], hidden=activation, output="softmax", init=init, rng=rng
    )
    X = rng.standard_normal((n_samples, width))
    Y = one_hot(rng.integers(0, 10, n_samples), 10)
    model.backward(categorical_cross_entropy_grad(Y, model.forward(X)))
    return np.array(
        [np.linalg.norm(layer.grads["W"]) for layer, name in model.parameters() if name == "W"]
    )
