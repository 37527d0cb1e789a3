"""The training explorer (notebook 05), and the base of the explorers that train a network per setting."""

from __future__ import annotations

import numpy as np

from .. import optim, plot
from .._validation import check_choice, check_int, check_positive
from ..data import DATASETS
from ..losses import categorical_cross_entropy, categorical_cross_entropy_grad, one_hot
from ..models import build_mlp
from ._base import _bind, _function_or_todo, _given_unfinished, _Interactive, _unfinished
from .optimizer import STEPS as _STEPS
from .optimizer import _beta, _make_optimizer, step_functions


def _batches_function(yours):
    """The mini-batch generator to run: yours (notebook 05's ``iterate_minibatches``), dlkit's
    (none given, or a stub while this copy of dlkit carries it), or "finish Exercise 2 ..."."""

    def as_list(*args):  # a generator runs only when iterated
        return list(yours(*args))

    given = None if yours is None else as_list
    example = (np.ones((3, 1)), np.ones(3), 2)
    chosen = _function_or_todo(
        "iterate_minibatches", given, optim.iterate_minibatches, example, 2, missing="finish"
    )
    return yours if chosen is as_list else chosen


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
        self._ensure_built()
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

    def _train_or_todo(self) -> tuple[dict | None, str | None]:
        """``(run, None)`` from :meth:`_train_with_progress`; ``(None, what to do)`` while a
        function given to the widget is a stub (``todo()``) or raises on the way."""
        todo = self.todo()
        if todo is not None:
            return None, todo
        try:
            return self._train_with_progress(), None
        except Exception as error:  # a student's function with a bug: say so
            return None, f"fix your function: it raised {type(error).__name__}"

    def _show_todo(self, todo: str, title: str) -> None:
        """Empty curves under ``title`` and, on the right, what to finish or fix."""
        self._ensure_built()
        self._show_curves({"training": [], "validation": []}, title)
        right = self.axes[1]
        right.clear()
        if todo.startswith("finish "):
            _unfinished(right, todo.removeprefix("finish "))
        else:
            right.text(0.5, 0.5, todo, ha="center", va="center", transform=right.transAxes)
        right.set_xticks([])
        right.set_yticks([])

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
        import ipywidgets as w  # loaded only when the controls are built

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

    ``gd_step``, ``momentum_step``, ``adagrad_step``, ``rmsprop_step``, ``adam_step`` and
    ``iterate_minibatches``: your own functions of notebook 05, run in place of dlkit's
    (see :class:`dlkit.widgets.OptimizerPlayground`); while one that a run needs is still a
    stub, the figure says which exercise to finish.
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
        *,
        iterate_minibatches=None,
        **step_fns,
    ):
        super().__init__()
        unknown = sorted(set(step_fns) - {step for step, _, _ in _STEPS.values()})
        if unknown:
            raise TypeError(f"unknown keyword argument(s): {', '.join(unknown)}")
        self.step_fns = step_functions(step_fns)
        self.batches = _batches_function(iterate_minibatches)
        #: the functions given that are stubs (or fail on a tiny call)
        self.unfinished = _given_unfinished(
            step_fns, self.step_fns, {step: name for name, (step, _, _) in _STEPS.items()}
        ) + _given_unfinished(
            {"iterate_minibatches": iterate_minibatches}, {"iterate_minibatches": self.batches}
        )
        self.dataset = check_choice(dataset, "dataset", self.datasets)
        self.optimizer = check_choice(optimizer, "optimizer", self.optimizers)
        self.lr = check_positive(lr, "lr")
        self.beta = _beta(beta)
        self.epochs = check_int(epochs, "epochs", minimum=1)
        self.batch_size = check_choice(batch_size, "batch_size", self.batch_sizes)
        self.hidden = check_int(hidden, "hidden", minimum=1)
        self.seed = check_int(seed, "seed", minimum=0)

    def data(self):
        X, y = DATASETS[self.dataset](300, rng=self.seed)
        order = np.random.default_rng(self.seed).permutation(len(y))
        cut = 2 * len(y) // 3
        return X[order[:cut]], y[order[:cut]], X[order[cut:]], y[order[cut:]]

    def todo(self) -> str | None:
        """What to finish before a run with the current settings can train, or None."""
        for need in (self.batches, self.step_fns[self.optimizer]):
            if isinstance(need, str):
                return need
        return None

    def train(self) -> dict:
        """One run with the current settings: the loss histories and the model."""
        X, y, Xv, yv = self.data()
        Y, Yv = one_hot(y, 2), one_hot(yv, 2)
        model = build_mlp([2, self.hidden, self.hidden, 2], rng=self.seed)
        step_fn = self.step_fns[self.optimizer]
        opt = _make_optimizer(self.optimizer, self.lr, self.beta, model, step_fn=step_fn)
        batch = len(y) if self.batch_size == "full" else int(self.batch_size)
        rng = np.random.default_rng(self.seed)
        history = {"training": [], "validation": []}
        diverged = None
        with np.errstate(all="ignore"):
            for epoch in range(1, self.epochs + 1):
                for Xb, Yb in self.batches(X, Y, batch, rng=rng):
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
        name = f"{self.optimizer}, lr={self.lr:.2g}" + (
            f", β={self.beta:.2f}" if self.optimizer in ("momentum", "rmsprop", "adam") else ""
        )
        run, todo = self._train_or_todo()
        if todo is not None:
            self._show_todo(todo, f"{name}\n")
            return {"history": None, "diverged": None, "accuracy": None, "todo": todo}
        history = run["history"]
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
        return {k: run[k] for k in ("history", "diverged", "accuracy")} | {"todo": None}

    def _controls(self) -> list:
        import ipywidgets as w  # loaded only when the controls are built

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
    **functions,
) -> TrainingExplorer:
    """Train a small network with a chosen optimizer, learning rate and momentum.

    Pass your own functions of notebook 05 by name (``iterate_minibatches=...``,
    ``gd_step=...``, ..., ``adam_step=...``) to train with them instead of dlkit's."""
    return TrainingExplorer(dataset, optimizer, lr, beta, epochs, batch_size, **functions)
