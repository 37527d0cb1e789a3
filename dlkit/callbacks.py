"""Callbacks for :meth:`dlkit.models.Sequential.fit`, Keras-style, and the training history.

::

    model.fit(X, y, epochs=100, validation_split=0.2,
              callbacks=[EarlyStopping(patience=10), ReduceLROnPlateau(patience=3),
                         ModelCheckpoint("best.npz", save_best_only=True)])

The protocol (every method optional; :class:`Callback` has no-op defaults):

* ``on_train_begin(model)`` once, before the first epoch. ``self.params`` has already
  been set to ``{"epochs", "batch_size", "n_samples", "steps"}``.
* ``on_epoch_end(epoch, logs)`` after every epoch; ``epoch`` counts from 0 and ``logs``
  holds that epoch's ``"loss"``, ``"accuracy"``, ``"val_loss"``, ``"val_accuracy"``
  (when there is validation data and the metric is compiled) and ``"lr"``. Setting
  ``model.stop_training = True``, or returning True, ends training after this epoch
  (the other callbacks still see it).
* ``on_train_end()`` once, after the last epoch.

Callbacks run in the order given. :class:`EarlyStopping.update` is also the
reference for notebook 06's graded exercise (``EarlyStopping(patience, min_delta)``).
"""

from __future__ import annotations

import io
import math
import os
import time

from . import display, optim
from ._validation import check_choice, check_int, check_positive

__all__ = [
    "Callback",
    "History",
    "EarlyStopping",
    "StopEarly",
    "ReduceLROnPlateau",
    "ModelCheckpoint",
    "ProgressBar",
    "LivePlot",
]


class Callback:
    """Base class: override the hooks you need."""

    params: dict = {}

    def on_train_begin(self, model) -> None:
        self.model = model

    def on_epoch_end(self, epoch: int, logs: dict) -> bool | None:
        return None

    def on_train_end(self) -> None:
        return None

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class History(Callback):
    """Per-epoch values, like Keras: ``history.history["val_loss"][k]`` for epoch ``k``.

    ``history.loss``, ``.accuracy``, ``.val_loss``, ``.val_accuracy`` and ``.lr`` are
    shortcuts (an empty list when that value was not recorded); ``history.epoch`` lists
    the epoch numbers (from 0).
    """

    def __init__(self):
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []

    def on_epoch_end(self, epoch: int, logs: dict) -> None:
        self.epoch.append(epoch)
        for key, value in logs.items():
            self.history.setdefault(key, []).append(float(value))

    def __getattr__(self, name: str):
        if name in ("loss", "accuracy", "val_loss", "val_accuracy", "lr"):
            return self.__dict__.get("history", {}).get(name, [])
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def plot(self, ax=None, metric: str = "loss", log: bool = False):
        """Training and validation curves of ``metric`` ("loss" or "accuracy") on ``ax``."""
        from .plot import plot_loss_curves  # drawing code (and matplotlib) only when asked to draw

        check_choice(metric, "metric", ["loss", "accuracy", "lr"])
        series = {f"training {metric}": self.history.get(metric, [])}
        if self.history.get(f"val_{metric}"):
            series[f"validation {metric}"] = self.history[f"val_{metric}"]
        if metric == "lr":
            series = {"learning rate": self.history.get("lr", [])}
        ax = plot_loss_curves(series, ax=ax, log=log)
        ax.set_ylabel(metric)
        return ax

    def __repr__(self) -> str:
        keys = ", ".join(self.history)
        return f"History({len(self.epoch)} epochs: {keys})"


def _mode(monitor: str, mode: str) -> str:
    check_choice(mode, "mode", ["auto", "min", "max"])
    if mode == "auto":
        return "max" if "acc" in monitor else "min"
    return mode


def _monitored(logs: dict, monitor: str, who: str) -> float:
    if monitor not in logs:
        fix = (
            " Pass validation_split= or validation_data= to fit, or monitor='loss'."
            if monitor.startswith("val_")
            else ""
        )
        raise KeyError(
            f"{who}(monitor={monitor!r}) found no {monitor!r} in this epoch's logs "
            f"(it has {sorted(logs)}).{fix}"
        )
    return float(logs[monitor])


class EarlyStopping(Callback):
    """Stop training when the monitored value stops improving.

    An epoch *improves* when the value is lower than the best so far by more than
    ``min_delta`` (higher, for ``mode="max"``). :meth:`update` returns True once
    ``patience`` consecutive epochs have failed to improve: with ``patience=3`` and
    losses ``1.0, 0.9, 0.95, 0.91, 0.92`` it returns False, False, False, False, True.

    Parameters
    ----------
    patience : int >= 1
        Epochs without improvement to tolerate.
    min_delta : float >= 0
        Smallest change that counts as an improvement.
    monitor : str, default "val_loss"
        Key of the epoch logs to watch (as a callback of ``fit``).
    restore_best_weights : bool, default True
        At the end of training (stopped early or not) put back the weights of the
        best epoch. Keras defaults to False; here True, what one almost always wants.
    mode : {"auto", "min", "max"}
        "auto" maximises names containing "acc" and minimises the rest.

    Attributes
    ----------
    best : float
        Best value seen (``inf`` before the first update, for "min").
    best_epoch : int or None
        0-based index of the :meth:`update` call (= epoch of ``fit``) that gave
        ``best``; None before the first update.
    wait : int
        Consecutive updates without improvement so far.
    stopped_epoch : int or None
        Epoch at which training was stopped, if it was.
    """

    def __init__(
        self,
        patience: int = 5,
        min_delta: float = 0.0,
        *,
        monitor: str = "val_loss",
        restore_best_weights: bool = True,
        mode: str = "auto",
    ):
        self.patience = check_int(patience, "patience", minimum=1)
        self.min_delta = check_positive(min_delta, "min_delta", allow_zero=True)
        self.monitor = str(monitor)
        self.restore_best_weights = bool(restore_best_weights)
        self.mode = _mode(self.monitor, mode)
        self.model = None
        self.reset()

    def reset(self) -> None:
        """Forget the best value and the count, as at the start of training."""
        self.best = -math.inf if self.mode == "max" else math.inf
        self.best_epoch: int | None = None
        self.wait = 0
        self.n_updates = 0
        self.stopped_epoch: int | None = None
        self.best_weights: dict | None = None

    def update(self, value: float) -> bool:
        """Record one epoch's value; returns True when training should stop.

        A NaN value never improves.
        """
        value = float(value)
        if self.mode == "max":
            improved = value > self.best + self.min_delta
        else:
            improved = value < self.best - self.min_delta
        if improved:
            self.best, self.best_epoch, self.wait = value, self.n_updates, 0
        else:
            self.wait += 1
        self.n_updates += 1
        return self.wait >= self.patience

    @property
    def improved(self) -> bool:
        """Whether the last update was an improvement."""
        return self.wait == 0 and self.n_updates > 0

    def on_train_begin(self, model) -> None:
        self.model = model
        self.reset()

    def on_epoch_end(self, epoch: int, logs: dict) -> bool:
        stop = self.update(_monitored(logs, self.monitor, "EarlyStopping"))
        if self.improved and self.restore_best_weights:
            self.best_weights = self.model.get_weights()
        if stop:
            self.stopped_epoch = epoch
            self.model.stop_training = True
        return stop

    def on_train_end(self) -> None:
        if self.restore_best_weights and self.best_weights is not None:
            self.model.set_weights(self.best_weights)

    def __repr__(self) -> str:
        return (
            f"EarlyStopping(patience={self.patience}, min_delta={self.min_delta:g}, "
            f"monitor={self.monitor!r}, restore_best_weights={self.restore_best_weights})"
        )


class StopEarly(Callback):
    """Early stopping inside ``fit``, decided by a monitor object of your own.

    ``monitor`` is any object with ``update(value) -> bool`` (True: stop now) and the
    attributes ``best`` and ``best_epoch`` (the 0-based update that gave ``best``), such as
    the ``EarlyStopping`` class of notebook 06 (or dlkit's :class:`EarlyStopping`). After
    every epoch this callback hands it the value of ``watch`` from the epoch's logs, keeps
    a copy of the weights of the best epoch so far, and stops training when it says so;
    with ``restore_best_weights`` the best weights are put back when training ends.

    Attributes: ``best`` and ``best_epoch`` (the monitor's), ``stopped_epoch`` (None
    unless stopped).
    """

    def __init__(self, monitor, *, watch: str = "val_loss", restore_best_weights: bool = True):
        if not callable(getattr(monitor, "update", None)):
            raise TypeError(
                f"monitor must have an update(value) method, like EarlyStopping(patience=5); "
                f"got {type(monitor).__name__}."
            )
        self.monitor = monitor
        self.watch = str(watch)
        self.restore_best_weights = bool(restore_best_weights)
        self.model = None
        self.stopped_epoch: int | None = None
        self.best_weights: dict | None = None
        self._seen = 0

    @property
    def best(self):
        return self.monitor.best

    @property
    def best_epoch(self):
        return self.monitor.best_epoch

    def on_train_begin(self, model) -> None:
        self.model = model
        self.stopped_epoch, self.best_weights, self._seen = None, None, 0

    def on_epoch_end(self, epoch: int, logs: dict) -> bool:
        stop = bool(self.monitor.update(_monitored(logs, self.watch, "StopEarly")))
        if self.restore_best_weights and self.monitor.best_epoch == self._seen:
            self.best_weights = self.model.get_weights()  # this update gave the best value
        self._seen += 1
        if stop:
            self.stopped_epoch = epoch
            self.model.stop_training = True
        return stop

    def on_train_end(self) -> None:
        if self.restore_best_weights and self.best_weights is not None:
            self.model.set_weights(self.best_weights)

    def __repr__(self) -> str:
        return f"StopEarly({type(self.monitor).__name__}, watch={self.watch!r})"


class ReduceLROnPlateau(Callback):
    """Multiply the optimizer's learning rate by ``factor`` when ``monitor`` plateaus.

    A callback around :class:`dlkit.optim.PlateauSchedule` (whose rule it uses:
    the rate drops after *more than* ``patience`` epochs in a row without an
    improvement larger than ``min_delta``, as in PyTorch; Keras drops after
    ``patience``). The rate used in each epoch is logged as ``"lr"``.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        factor: float = 0.1,
        patience: int = 10,
        min_delta: float = 0.0,
        cooldown: int = 0,
        min_lr: float = 0.0,
        mode: str = "auto",
    ):
        self.monitor = str(monitor)
        self.mode = _mode(self.monitor, mode)
        self.options = {
            "factor": factor,
            "patience": patience,
            "min_delta": min_delta,
            "cooldown": cooldown,
            "min_lr": min_lr,
        }
        # build one now so that bad arguments fail here, not at fit time
        self.scheduler = optim.PlateauSchedule(1.0, **self.options)
        self.model = None

    def on_train_begin(self, model) -> None:
        self.model = model
        optimizer = getattr(model, "optimizer", None)
        if optimizer is None:
            raise RuntimeError(
                "ReduceLROnPlateau needs a compiled model: call model.compile(optimizer=...) first."
            )
        self.scheduler = optim.PlateauSchedule(optimizer=optimizer, **self.options)

    def on_epoch_end(self, epoch: int, logs: dict) -> None:
        value = _monitored(logs, self.monitor, "ReduceLROnPlateau")
        self.scheduler.update(-value if self.mode == "max" else value)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.options.items())
        return f"ReduceLROnPlateau(monitor={self.monitor!r}, {args})"


class ModelCheckpoint(Callback):
    """Keep the weights of the best epoch (or of every epoch), in memory or in a file, as Keras does.

    After each epoch the monitored value is compared with the best so far (lower is
    better for ``mode="min"``, higher for ``"max"``; a NaN never improves). With
    ``save_best_only=True`` the weights are kept only when it improved, otherwise
    after every epoch. ``restore_best=True`` puts the best epoch's weights back into
    the model when training ends (whether or not it was stopped early)::

        checkpoint = ModelCheckpoint("best.npz", monitor="val_loss", save_best_only=True)
        model.fit(X, y, validation_split=0.2, callbacks=[EarlyStopping(patience=10), checkpoint])
        model.load(checkpoint.last_path)        # the best weights, from the file

    Parameters
    ----------
    filepath : str or path-like, optional
        Where :meth:`dlkit.models.Sequential.save` writes the weights (an ``.npz``).
        It may name the epoch (counted from 1) and any logged value, formatted as in
        Keras: ``"ckpt-{epoch:02d}-{val_loss:.3f}.npz"``. None (the default) keeps the
        weights in memory only, in :attr:`weights`.
    monitor : str, default "val_loss"
        Key of the epoch logs to compare.
    mode : {"auto", "min", "max"}
        "auto" maximises names containing "acc" and minimises the rest.
    save_best_only : bool, default False
        Keep the weights only when the monitored value improved (Keras's default is
        False too: then every epoch is kept, and a ``filepath`` without ``{epoch}``
        holds the last one).
    restore_best : bool, default False
        At the end of training, set the model's weights to those of the best epoch.
    verbose : {0, 1}
        1 prints a line each time weights are kept.

    Attributes
    ----------
    best : float
        Best monitored value so far (``inf`` for "min", ``-inf`` for "max", before any).
    best_epoch : int or None
        0-based epoch of ``best``.
    best_weights : dict or None
        The best epoch's weights (``model.get_weights()``), kept when there is no
        ``filepath`` or with ``restore_best``.
    weights : dict or None
        The weights kept last, when there is no ``filepath``.
    last_path : str or None
        The file written last, when there is a ``filepath``.
    """

    def __init__(
        self,
        filepath=None,
        monitor: str = "val_loss",
        *,
        mode: str = "auto",
        save_best_only: bool = False,
        restore_best: bool = False,
        verbose: int = 0,
    ):
        self.filepath = None if filepath is None else os.fspath(filepath)
        self.monitor = str(monitor)
        self.mode = _mode(self.monitor, mode)
        self.save_best_only = bool(save_best_only)
        self.restore_best = bool(restore_best)
        self.verbose = check_choice(verbose, "verbose", [0, 1])
        self.model = None
        self.reset()

    def reset(self) -> None:
        """Forget the best value and the kept weights, as at the start of training."""
        self.best = -math.inf if self.mode == "max" else math.inf
        self.best_epoch: int | None = None
        self.best_weights: dict | None = None
        self.weights: dict | None = None
        self.last_path: str | None = None
        self.saved_epochs: list[int] = []

    def on_train_begin(self, model) -> None:
        self.model = model
        self.reset()

    def on_epoch_end(self, epoch: int, logs: dict) -> None:
        needs_value = self.save_best_only or self.restore_best or self.monitor in logs
        value = _monitored(logs, self.monitor, "ModelCheckpoint") if needs_value else math.nan
        improved = value > self.best if self.mode == "max" else value < self.best
        if improved:
            previous, self.best, self.best_epoch = self.best, value, epoch
        if self.save_best_only and not improved:
            return
        weights = self.model.get_weights()
        if self.filepath is None:
            self.weights = weights
            where = "memory"
        else:
            self.last_path = self.model.save(self.filepath.format(epoch=epoch + 1, **logs))
            where = self.last_path
        if improved and (self.filepath is None or self.restore_best):
            self.best_weights = weights
        self.saved_epochs.append(epoch)
        if self.verbose:
            why = (
                f"{self.monitor} improved from {previous:.5f} to {value:.5f}, " if improved else ""
            )
            print(f"Epoch {epoch + 1}: {why}saving the weights to {where}")

    def on_train_end(self) -> None:
        if self.restore_best and self.best_weights is not None:
            self.model.set_weights(self.best_weights)

    def __repr__(self) -> str:
        return (
            f"ModelCheckpoint({self.filepath!r}, monitor={self.monitor!r}, mode={self.mode!r}, "
            f"save_best_only={self.save_best_only}, restore_best={self.restore_best})"
        )


def _format_logs(logs: dict) -> str:
    return " - ".join(
        f"{key} {value:.4g}" if key == "lr" else f"{key} {value:.4f}" for key, value in logs.items()
    )


class ProgressBar(Callback):
    """Progress of ``fit``: a live loss plot in Jupyter, a text bar elsewhere.

    In a Jupyter kernel with widgets enabled (see
    :func:`dlkit.display.widgets_enabled`) and ``plot=True``, a small PNG of the
    training and validation loss is shown and replaced in place at most every
    ``interval`` seconds (and after the last epoch). Under nbgrader, in CI, with
    ``DLKIT_NO_WIDGETS=1`` or outside a kernel it prints a one-line text bar
    (:class:`dlkit.display.TextProgressBar`), which stays silent under nbgrader.
    ``plot=False`` always uses the text bar; ``per_epoch=True`` prints one line per
    epoch instead (``fit(verbose=2)``).
    """

    def __init__(
        self,
        plot: bool = True,
        interval: float = 1.0,
        per_epoch: bool = False,
        stream=None,
        enabled: bool | None = None,
    ):
        self.plot = bool(plot)
        self.interval = check_positive(interval, "interval", allow_zero=True)
        self.per_epoch = bool(per_epoch)
        self.stream = stream
        self.enabled = enabled
        self.history: dict[str, list[float]] = {}

    def _live(self) -> bool:
        if not self.plot or self.per_epoch or self.enabled is False:
            return False
        return display.widgets_enabled()

    def on_train_begin(self, model) -> None:
        self.model = model
        self.epochs = self.params.get("epochs", 1)
        self.history = {}
        self._last = -math.inf
        self._handle = None
        self.live = self._live()
        self.bar = display.TextProgressBar(self.epochs, stream=self.stream, enabled=self.enabled)

    def on_epoch_end(self, epoch: int, logs: dict) -> None:
        for key, value in logs.items():
            self.history.setdefault(key, []).append(float(value))
        message = _format_logs({k: v for k, v in logs.items() if k != "lr"})
        done = epoch + 1
        if self.live:
            now = time.perf_counter()
            if now - self._last >= self.interval or done >= self.epochs:
                self._last = now
                self._show(f"epoch {done}/{self.epochs}\n{message}")
        elif self.per_epoch:
            if self.bar.enabled:
                self.bar.stream.write(f"epoch {done}/{self.epochs} - {message}\n")
                self.bar.stream.flush()
        else:
            self.bar.update(done, message)

    def on_train_end(self) -> None:
        if self.live and self.history:
            last = {k: v[-1] for k, v in self.history.items() if k != "lr"}
            self._show(f"done, {len(self.history['loss'])} epochs\n{_format_logs(last)}")

    def render(self, title: str = "") -> bytes:
        """The loss figure as PNG bytes (what the live view shows)."""
        # matplotlib and the drawing code load only when a live plot is drawn
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator

        from .plot import plot_loss_curves

        fig = Figure(figsize=(5.5, 3.0), dpi=80)
        ax = fig.add_subplot()
        series = {"training loss": self.history.get("loss", [])}
        if self.history.get("val_loss"):
            series["validation loss"] = self.history["val_loss"]
        plot_loss_curves(series, ax=ax)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(title, fontsize=8)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        return buffer.getvalue()

    def _show(self, title: str) -> None:
        self._handle = display.show_png(self.render(title), self._handle)

    def __repr__(self) -> str:
        return f"ProgressBar(plot={self.plot}, interval={self.interval:g})"


class LivePlot(ProgressBar):
    """A :class:`ProgressBar` that draws the live loss plot where it can (text elsewhere)."""

    def __init__(self, interval: float = 1.0, stream=None, enabled: bool | None = None):
        super().__init__(plot=True, interval=interval, stream=stream, enabled=enabled)
