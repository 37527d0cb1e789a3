"""The vanishing-gradients explorer (notebook 04): gradient norm per layer, sigmoid vs ReLU."""

from __future__ import annotations

import numpy as np

from .. import activations, layers
from .._validation import check_int, check_rng
from ..layers import Activation, Dense
from ..losses import categorical_cross_entropy_grad, one_hot
from ..models import build_mlp
from ._base import _bind, _choose, _Interactive, _unfinished

#: The pieces of notebook 04 the backward pass is made of, with a tiny call that tells a
#: written one from a stub: your ``dense_backward``, ``sigmoid_grad`` and ``relu_grad``.
_PIECES = {
    "dense_backward": (layers.dense_backward, (np.ones((2, 3)), np.ones((2, 4)), np.ones((4, 3)))),
    "sigmoid_grad": (activations.sigmoid_grad, (np.zeros(2),)),
    "relu_grad": (activations.relu_grad, (np.zeros(2),)),
}


def _pieces(given: dict) -> tuple[dict, list[str]]:
    """The function to run for each piece, and the names of those still to finish.

    A piece you pass runs once written; before that dlkit's reference runs where this copy
    of dlkit carries it (a student copy leaves notebook 04's answers out until it is due).
    """
    return _choose(given, _PIECES)


class VanishingGradients(_Interactive):
    """Gradient norm per layer of a deep sigmoid network against a ReLU one (log scale).

    Move ``depth`` and watch the sigmoid network's first layers receive gradients
    that are orders of magnitude smaller than its last ones, while ReLU with He
    initialisation keeps them of one size. The backward pass runs the pieces given
    (``dense_backward``, ``sigmoid_grad``, ``relu_grad``: a student's own); where one is
    still a stub the figure says which to finish.
    """

    pairs = (("sigmoid", "xavier"), ("relu", "he"))

    def __init__(self, depth: int = 10, seed: int = 0, **pieces):
        super().__init__()
        self.depth = check_int(depth, "depth", minimum=2)
        self.seed = check_int(seed, "seed", minimum=0)
        unknown = set(pieces) - set(_PIECES)
        if unknown:
            raise TypeError(
                f"vanishing_gradients() takes the pieces {', '.join(_PIECES)}; got {sorted(unknown)}"
            )
        self.pieces, self.unfinished = _pieces(pieces)
        self.controls = []
        self._lines = None

    def norms(self) -> dict[str, np.ndarray]:
        if self.unfinished:
            return {}
        return {
            f"{act} ({init} init)": gradient_norms(
                self.depth, act, init=init, rng=self.seed, **self.pieces
            )
            for act, init in self.pairs
        }

    def _build(self) -> None:
        ax = self.axes[0]
        if self.unfinished:
            ax.set_axis_off()
            _unfinished(ax, " and ".join(self.unfinished) + " (this notebook)")
            self._freeze_layout()
            return
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
        if not norms:
            return {}
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


def vanishing_gradients(depth: int = 10, seed: int = 0, **pieces) -> VanishingGradients:
    """Gradient norm per layer, deep sigmoid vs ReLU, with a slider for the depth.

    Pass your ``dense_backward``, ``sigmoid_grad`` and ``relu_grad`` to see your own
    backward pass at work (dlkit's reference stands in for one not written yet, where this
    copy of dlkit carries it).
    """
    return VanishingGradients(depth, seed, **pieces)


def gradient_norms(
    depth: int,
    activation: str,
    width: int = 32,
    n_samples: int = 64,
    init: str = "xavier",
    rng=None,
    *,
    dense_backward=None,
    sigmoid_grad=None,
    relu_grad=None,
) -> np.ndarray:
    """Norm of dL/dW for every layer of a random ``depth``-layer network, first layer first.

    The network is ``width`` units wide with ``activation`` in every hidden layer and
    a softmax output; the loss is the cross-entropy of random inputs and labels. With
    sigmoid the norms shrink layer after layer towards the input (vanishing
    gradients); with ReLU and He initialisation they stay of one size.

    The backward pass is made of ``dense_backward`` and the activation's derivative
    (``sigmoid_grad`` or ``relu_grad``; dlkit's own where not given), layer by layer.
    """
    depth = check_int(depth, "depth", minimum=1)
    rng = check_rng(rng)
    model = build_mlp(
        [width] * depth + [10], hidden=activation, output="softmax", init=init, rng=rng
    )
    X = rng.standard_normal((n_samples, width))
    Y = one_hot(rng.integers(0, 10, n_samples), 10)
    given = {"sigmoid": sigmoid_grad, "relu": relu_grad}.get(activation)
    derivative = given or activations.get(activation)[1]
    backward = dense_backward or layers.dense_backward
    dout, norms = categorical_cross_entropy_grad(Y, model.forward(X)), []
    for layer in reversed(model.layers):
        if isinstance(layer, Dense):
            dout, dW, _ = backward(dout, layer.X, layer.params["W"])
            norms.append(np.linalg.norm(dW))
        elif isinstance(layer, Activation) and layer.name == "softmax":
            dout = layers.softmax_backward(dout, layer.A)
        else:
            dout = dout * derivative(layer.Z)
    return np.array(norms[::-1])
