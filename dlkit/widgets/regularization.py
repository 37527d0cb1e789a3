"""The regularisation explorer (notebook 06): dropout, L2 and network size against over-fitting."""

from __future__ import annotations

import numpy as np

from .. import plot, regularization
from .._validation import check_int, check_positive
from ..callbacks import Callback
from ..data import moons
from ..layers import Dense, Dropout, ReLU, Softmax
from ..losses import categorical_cross_entropy, one_hot
from ..models import Sequential
from ..regularization import _p_drop
from ._base import _bind, _function_or_todo, _given_unfinished
from .training import _TrainingView

#: the functions of notebook 06 the explorer trains with -> (exercise, a tiny call)
FUNCTIONS = {
    "dropout_forward": (2, lambda a: (a, 0.5, np.random.default_rng(0))),
    "dropout_backward": (3, lambda a: (a, a > 0, 0.5)),
    "l2_penalty": (4, lambda a: ([(a, a[0])], 0.1)),
    "l2_grad": (4, lambda a: (a, 0.1)),
}


def regularisers(given: dict) -> dict:
    """Name -> the function to run: yours (``given``), dlkit's (none given, or a stub while
    this copy of dlkit carries the reference), or "finish Exercise N (name)"."""
    return {
        name: _function_or_todo(
            name,
            given.get(name),
            getattr(regularization, name),
            example(np.ones((2, 3))),
            exercise,
            missing="finish",
        )  # fmt: skip
        for name, (exercise, example) in FUNCTIONS.items()
    }


class RegularizationExplorer(_TrainingView):
    """Over-fit a small noisy data set, then tame it with dropout, L2 and a smaller network.

    A ``2 -> hidden -> hidden -> 2`` ReLU network (dlkit's :class:`~dlkit.models.Sequential`,
    Adam, full batch) learns from only ``n_train`` noisy "moons" points and is judged
    on ``n_val`` fresh ones. Left: training and validation cross-entropy per epoch
    (the data loss, without the L2 term, both measured in evaluation mode), with the
    best validation epoch marked. Right: the decision regions with the training
    points (large) over the validation points (small). A big network without
    regularisation draws islands around single noisy points and its validation loss
    turns upward; dropout, L2 or fewer units smooth the boundary.

    ``dropout_forward``, ``dropout_backward``, ``l2_penalty``, ``l2_grad``: your own
    functions of notebook 06, run by the network's Dropout and Dense layers in place of
    dlkit's; while one that a setting needs is still a stub, the figure says which exercise
    to finish.
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
        dropout_forward=None,
        dropout_backward=None,
        l2_penalty=None,
        l2_grad=None,
    ):
        super().__init__()
        given = {
            "dropout_forward": dropout_forward,
            "dropout_backward": dropout_backward,
            "l2_penalty": l2_penalty,
            "l2_grad": l2_grad,
        }
        self.functions = regularisers(given)
        #: the functions given that are stubs (or fail on a tiny call)
        self.unfinished = _given_unfinished(given, self.functions)
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
        X, y = moons(self.n_train + self.n_val, noise=self.noise, rng=self.seed)
        return X[: self.n_train], y[: self.n_train], X[self.n_train :], y[self.n_train :]

    def model(self):
        """The network for the current settings (not yet trained)."""
        rng = np.random.default_rng(self.seed)
        h, p, l2 = self.hidden, self.dropout, self.l2
        fns = {k: None if isinstance(f, str) else f for k, f in self.functions.items()}
        drop = {"forward": fns["dropout_forward"], "backward": fns["dropout_backward"]}
        decay = {"l2_grad": fns["l2_grad"], "l2_penalty": fns["l2_penalty"]}
        return Sequential(
            Dense(2, h, rng=rng, l2=l2, **decay), ReLU(), Dropout(p, rng=rng, **drop),
            Dense(h, h, rng=rng, l2=l2, **decay), ReLU(), Dropout(p, rng=rng, **drop),
            Dense(h, 2, rng=rng, l2=l2, **decay), Softmax(),
        ).compile(optimizer="adam", lr=self.lr)  # fmt: skip

    def todo(self) -> str | None:
        """What to finish before the current settings can train, or None."""
        needed = (["dropout_forward", "dropout_backward"] if self.dropout > 0 else []) + (
            ["l2_penalty", "l2_grad"] if self.l2 > 0 else []
        )
        return next((f for n in needed if isinstance(f := self.functions[n], str)), None)

    def train(self) -> dict:
        """One run: per-epoch data losses, the best validation epoch, the trained model."""
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
        run, todo = self._train_or_todo()
        if todo is not None:
            self._show_todo(todo, f"{self.settings()}\n")
            return {"history": None, "best_epoch": None, "gap": None, "accuracy": None,
                    "todo": todo}  # fmt: skip
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
            "todo": None,
        }

    def _controls(self) -> list:
        import ipywidgets as w  # loaded only when the controls are built

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
    **functions,
) -> RegularizationExplorer:
    """Train vs validation curves on a small noisy set, with dropout, L2 and size sliders.

    Pass your own functions of notebook 06 by name (``dropout_forward=``,
    ``dropout_backward=``, ``l2_penalty=``, ``l2_grad=``) to train with them."""
    return RegularizationExplorer(dropout, l2, hidden, epochs, seed, **functions)
