"""dlkit.callbacks: early stopping, LR reduction on plateau, history, progress."""

import io

import numpy as np
import pytest

from dlkit import callbacks, data, models


# ------------------------------------------------------------------ EarlyStopping.update
@pytest.mark.parametrize(
    "patience, losses, expected",
    [
        # the example of the docstring: the best (0.9) is never beaten, 3 failures stop
        (3, [1.0, 0.9, 0.95, 0.91, 0.92], [False, False, False, False, True]),
        # patience 1: the first epoch without improvement stops
        (1, [1.0, 0.9, 0.95], [False, False, True]),
        # an improvement resets the count: 2 failures, improvement, 2 failures (not 4)
        (3, [1.0, 1.1, 1.2, 0.5, 0.6, 0.7], [False] * 6),
        (2, [1.0, 1.1, 1.2], [False, False, True]),
        # equal is not better
        (2, [1.0, 1.0, 1.0], [False, False, True]),
    ],
)
def test_early_stopping_patience_sequences(patience, losses, expected):
    stopper = callbacks.EarlyStopping(patience=patience)
    assert [stopper.update(v) for v in losses] == expected


def test_early_stopping_off_by_one_both_ways():
    stopper = callbacks.EarlyStopping(patience=3)
    assert stopper.update(1.0) is False
    assert [stopper.update(2.0) for _ in range(2)] == [False, False]  # patience - 1 failures
    assert stopper.update(2.0) is True  # the patience-th failure
    assert stopper.update(2.0) is True  # and it stays True


def test_early_stopping_min_delta_best_epoch_and_nan():
    stopper = callbacks.EarlyStopping(patience=2, min_delta=0.1)
    assert stopper.best_epoch is None
    results = [stopper.update(v) for v in (1.0, 0.95, 0.85, 0.8)]
    # 0.95 is not 0.1 below 1.0; 0.85 is (best_epoch 2); 0.8 is not below 0.85 - 0.1
    assert results == [False, False, False, False]
    assert stopper.best == 0.85 and stopper.best_epoch == 2 and stopper.wait == 1
    assert stopper.update(float("nan")) is True  # NaN never improves
    maximise = callbacks.EarlyStopping(patience=1, monitor="val_accuracy")
    assert maximise.mode == "max"
    assert [maximise.update(v) for v in (0.5, 0.6, 0.6)] == [False, False, True]
    assert maximise.best_epoch == 1


def test_early_stopping_validates():
    with pytest.raises(ValueError, match="patience must be >= 1"):
        callbacks.EarlyStopping(patience=0)
    with pytest.raises(ValueError, match="min_delta must be finite and >= 0"):
        callbacks.EarlyStopping(min_delta=-1)
    with pytest.raises(ValueError, match="mode must be one of"):
        callbacks.EarlyStopping(mode="up")


class FakeModel:
    """Weights are one number; it records what callbacks do to it."""

    def __init__(self):
        self.w, self.stop_training, self.optimizer = 0, False, None

    def get_weights(self):
        return {"w": self.w}

    def set_weights(self, weights):
        self.w = weights["w"]


def test_early_stopping_restores_the_best_weights():
    model, stopper = FakeModel(), callbacks.EarlyStopping(patience=2)
    stopper.on_train_begin(model)
    for epoch, val_loss in enumerate([0.9, 0.5, 0.7, 0.8]):
        model.w = epoch * 10  # the weights after this epoch
        stopper.on_epoch_end(epoch, {"val_loss": val_loss})
    assert model.stop_training and stopper.stopped_epoch == 3 and stopper.best_epoch == 1
    stopper.on_train_end()
    assert model.w == 10
    keep = callbacks.EarlyStopping(patience=2, restore_best_weights=False)
    keep.on_train_begin(model)
    model.w = 99
    keep.on_epoch_end(0, {"val_loss": 1.0})
    keep.on_train_end()
    assert model.w == 99


def test_missing_monitor_says_how_to_fix():
    stopper = callbacks.EarlyStopping()
    stopper.on_train_begin(FakeModel())
    with pytest.raises(KeyError, match="validation_split="):
        stopper.on_epoch_end(0, {"loss": 1.0})


# ------------------------------------------------------------------ in fit
def _overfitting_problem():
    """Training labels are learnable; the validation labels are the same points with
    shuffled labels, so validation loss rises as the model fits the training set."""
    X, y = data.blobs(120, n_classes=3, std=0.4, rng=0)
    y_val = np.random.default_rng(1).permutation(y)
    model = models.build_mlp([2, 16, 3], rng=2)
    model.compile("adam", lr=0.05)
    return model, X, y, y_val


def test_fit_stops_early_and_restores_the_best_epoch():
    model, X, y, y_val = _overfitting_problem()
    stopper = callbacks.EarlyStopping(patience=3)
    history = model.fit(
        X, y, epochs=200, batch_size=16, validation_data=(X, y_val), callbacks=[stopper], verbose=0
    )
    val = history.val_loss
    assert len(val) == stopper.best_epoch + 3 + 1 < 200
    assert stopper.best_epoch == int(np.argmin(val))
    assert model.evaluate(X, y_val)["loss"] == pytest.approx(val[stopper.best_epoch], rel=1e-12)


def test_early_stopping_and_lr_reduction_in_one_fit():
    model, X, y, y_val = _overfitting_problem()
    reduce = callbacks.ReduceLROnPlateau(factor=0.5, patience=1, min_lr=0.01)
    stopper = callbacks.EarlyStopping(patience=5, restore_best_weights=False)
    history = model.fit(
        X,
        y,
        epochs=200,
        batch_size=16,
        validation_data=(X, y_val),
        callbacks=[reduce, stopper],
        verbose=0,
    )
    lr, val = history.lr, history.val_loss
    assert len(val) == stopper.best_epoch + 5 + 1
    # the optimizer's rate followed the scheduler: halved after 2 bad epochs, floored
    assert lr[0] == 0.05 and min(lr) >= 0.01 and lr == sorted(lr, reverse=True)
    assert 0.025 in lr and model.optimizer.lr == reduce.scheduler.lr
    # replay the rule of optim.PlateauSchedule on the logged losses: same rates
    from dlkit import optim

    replay = optim.PlateauSchedule(0.05, factor=0.5, patience=1, min_lr=0.01)
    assert [0.05] + [replay.update(v) for v in val[:-1]] == lr


def test_a_callback_returning_true_stops_and_all_hooks_run():
    seen = []

    class Spy(callbacks.Callback):
        def on_train_begin(self, model):
            seen.append(("begin", self.params["epochs"], self.params["steps"]))

        def on_epoch_end(self, epoch, logs):
            seen.append(("epoch", epoch, sorted(logs)))
            return epoch == 2

        def on_train_end(self):
            seen.append(("end",))

    model = models.build_mlp([2, 3, 2], rng=0).compile("sgd", lr=0.1)
    X, y = data.moons(40, rng=0)
    history = model.fit(X, y, epochs=10, batch_size=16, callbacks=[Spy()], verbose=0)
    assert len(history.loss) == 3 and history.epoch == [0, 1, 2]
    assert seen[0] == ("begin", 10, 3) and seen[-1] == ("end",)
    assert seen[1] == ("epoch", 0, ["accuracy", "loss", "lr"])


def test_reduce_lr_needs_a_compiled_model_and_validates():
    with pytest.raises(ValueError, match=r"factor must be in \(0, 1\)"):
        callbacks.ReduceLROnPlateau(factor=2)
    with pytest.raises(RuntimeError, match="compile"):
        callbacks.ReduceLROnPlateau().on_train_begin(FakeModel())


# ------------------------------------------------------------------ history and progress
def test_history_keys_shortcuts_and_plot():
    history = callbacks.History()
    history.on_epoch_end(0, {"loss": 1.0, "val_loss": 2.0})
    history.on_epoch_end(1, {"loss": 0.5, "val_loss": 1.5})
    assert history.history == {"loss": [1.0, 0.5], "val_loss": [2.0, 1.5]}
    assert history.loss == [1.0, 0.5] and history.accuracy == []
    assert "2 epochs" in repr(history)
    with pytest.raises(AttributeError):
        history.nonexistent  # noqa: B018
    ax = history.plot()
    assert [line.get_label() for line in ax.lines] == ["training loss", "validation loss"]


def test_progress_bar_text_and_per_epoch_lines():
    out = io.StringIO()
    bar = callbacks.ProgressBar(stream=out, enabled=True)
    bar.params = {"epochs": 2}
    bar.on_train_begin(None)
    assert not bar.live  # no kernel here: text
    bar.on_epoch_end(0, {"loss": 0.5, "lr": 0.1})
    bar.on_epoch_end(1, {"loss": 0.25, "lr": 0.1})
    bar.on_train_end()
    assert out.getvalue().endswith("epoch 2/2 [########################] loss 0.2500\n")
    lines = io.StringIO()
    per_epoch = callbacks.ProgressBar(per_epoch=True, stream=lines, enabled=True)
    per_epoch.params = {"epochs": 2}
    per_epoch.on_train_begin(None)
    per_epoch.on_epoch_end(0, {"loss": 0.5, "val_loss": 0.75})
    assert lines.getvalue() == "epoch 1/2 - loss 0.5000 - val_loss 0.7500\n"


def test_live_plot_updates_one_display_in_a_kernel(monkeypatch):
    import IPython.display

    from dlkit import display as dlkit_display

    shown = []

    class Handle:
        def update(self, obj):
            shown.append(("update", obj))

    def display(obj, display_id=False):
        shown.append(("display", obj))
        return Handle()

    monkeypatch.setattr(dlkit_display, "widgets_enabled", lambda: True)
    monkeypatch.setattr(IPython.display, "display", display)
    live = callbacks.LivePlot(interval=0)
    live.params = {"epochs": 3}
    live.on_train_begin(None)
    assert live.live
    for epoch in range(3):
        live.on_epoch_end(epoch, {"loss": 1.0 / (epoch + 1), "val_loss": 1.2 / (epoch + 1)})
    live.on_train_end()
    assert [kind for kind, _ in shown] == ["display", "update", "update", "update"]
    assert shown[0][1].data[:4] == b"\x89PNG"


# ------------------------------------------------------------------ ModelCheckpoint
def _noisy_run(checkpoint, epochs=25, **fit_kwargs):
    """A fit whose validation loss goes down, then up (shuffled validation labels)."""
    model, X, y, y_val = _overfitting_problem()
    history = model.fit(
        X, y, epochs=epochs, batch_size=16, validation_data=(X, y_val),
        callbacks=[checkpoint], verbose=0, **fit_kwargs,
    )  # fmt: skip
    return model, history, (X, y_val)


def _new_bests(values, larger_is_better=False):
    """0-based epochs where the value beat every earlier one (strictly)."""
    best, epochs = None, []
    for k, v in enumerate(values):
        if best is None or (v > best if larger_is_better else v < best):
            best, epochs = v, [*epochs, k]
    return epochs


def test_checkpoint_in_memory_keeps_the_best_epoch_and_restores_it():
    checkpoint = callbacks.ModelCheckpoint(save_best_only=True, restore_best=True)
    model, history, (X, y_val) = _noisy_run(checkpoint)
    val = history.val_loss
    assert checkpoint.best_epoch == int(np.argmin(val)) and checkpoint.best == min(val)
    assert checkpoint.saved_epochs == _new_bests(val)
    assert checkpoint.best_epoch < len(val) - 1, "the run should overfit after its best epoch"
    assert model.evaluate(X, y_val)["loss"] == pytest.approx(min(val), rel=1e-12)
    assert checkpoint.weights is checkpoint.best_weights


def test_checkpoint_without_restore_leaves_the_last_weights():
    checkpoint = callbacks.ModelCheckpoint(save_best_only=True)
    model, history, (X, y_val) = _noisy_run(checkpoint)
    assert model.evaluate(X, y_val)["loss"] == pytest.approx(history.val_loss[-1], rel=1e-12)
    model.set_weights(checkpoint.best_weights)
    assert model.evaluate(X, y_val)["loss"] == pytest.approx(min(history.val_loss), rel=1e-12)


def test_checkpoint_to_files_named_by_epoch_and_value(tmp_path):
    pattern = str(tmp_path / "ckpt-{epoch:02d}-{val_loss:.4f}")
    checkpoint = callbacks.ModelCheckpoint(pattern, save_best_only=True, verbose=1)
    model, history, (X, y_val) = _noisy_run(checkpoint)
    bests = _new_bests(history.val_loss)
    expected = sorted(f"ckpt-{k + 1:02d}-{history.val_loss[k]:.4f}.npz" for k in bests)
    assert sorted(p.name for p in tmp_path.iterdir()) == expected
    assert checkpoint.last_path == str(tmp_path / expected[-1])
    assert checkpoint.best_weights is None  # on disk only, unless restore_best
    fresh = models.build_mlp([2, 16, 3], rng=99).compile("adam")
    fresh.load(checkpoint.last_path)
    assert fresh.evaluate(X, y_val)["loss"] == pytest.approx(min(history.val_loss), rel=1e-12)


def test_checkpoint_every_epoch_to_one_file_holds_the_last_weights(tmp_path, capsys):
    path = tmp_path / "last.npz"
    checkpoint = callbacks.ModelCheckpoint(path, verbose=1)
    model, history, _ = _noisy_run(checkpoint, epochs=6)
    assert checkpoint.saved_epochs == list(range(6))
    assert capsys.readouterr().out.count("saving the weights to") == 6
    saved = models.build_mlp([2, 16, 3], rng=5).load(path).get_weights()
    for key, value in model.get_weights().items():
        assert np.array_equal(saved[key], value), key


def test_checkpoint_mode_max_on_accuracy_and_auto_mode():
    assert callbacks.ModelCheckpoint(monitor="val_accuracy").mode == "max"
    assert callbacks.ModelCheckpoint(monitor="val_loss").mode == "min"
    checkpoint = callbacks.ModelCheckpoint(monitor="accuracy", save_best_only=True)
    _, history, _ = _noisy_run(checkpoint, epochs=10)
    assert checkpoint.best == max(history.accuracy)
    assert checkpoint.saved_epochs == _new_bests(history.accuracy, larger_is_better=True)
    low = callbacks.ModelCheckpoint(monitor="accuracy", mode="min", save_best_only=True)
    _noisy_run(low, epochs=10)
    assert low.best == min(history.accuracy)


def test_checkpoint_with_early_stopping_and_lr_reduction():
    model, X, y, y_val = _overfitting_problem()
    checkpoint = callbacks.ModelCheckpoint(save_best_only=True, restore_best=True)
    stopper = callbacks.EarlyStopping(patience=4, restore_best_weights=False)
    reduce = callbacks.ReduceLROnPlateau(factor=0.5, patience=1)
    history = model.fit(
        X, y, epochs=200, batch_size=16, validation_data=(X, y_val),
        callbacks=[stopper, reduce, checkpoint], verbose=0,
    )  # fmt: skip
    assert len(history.val_loss) < 200 and checkpoint.best_epoch == stopper.best_epoch
    assert model.evaluate(X, y_val)["loss"] == pytest.approx(min(history.val_loss), rel=1e-12)


def test_checkpoint_errors_name_the_fix():
    with pytest.raises(ValueError, match="mode"):
        callbacks.ModelCheckpoint(mode="lowest")
    checkpoint = callbacks.ModelCheckpoint(save_best_only=True)
    checkpoint.on_train_begin(None)
    with pytest.raises(KeyError, match="validation_split="):
        checkpoint.on_epoch_end(0, {"loss": 1.0})
    assert "save_best_only=True" in repr(checkpoint)
    # NaN never improves: nothing is kept
    checkpoint.on_epoch_end(0, {"val_loss": float("nan")})
    assert checkpoint.best_epoch is None and checkpoint.saved_epochs == []


def test_stop_early_runs_the_monitor_it_is_given():
    """StopEarly: a monitor of one's own (notebook 06's EarlyStopping) decides inside fit;
    the callback keeps and restores the weights of the monitor's best epoch."""
    from dlkit import layers

    class Monitor:  # stops after 2 updates without a new best; best_epoch counts updates
        def __init__(self):
            self.best, self.best_epoch, self.wait, self.n = np.inf, None, 0, 0

        def update(self, value):
            if value < self.best:
                self.best, self.best_epoch, self.wait = value, self.n, 0
            else:
                self.wait += 1
            self.n += 1
            return self.wait >= 2

    X, y = data.moons(60, noise=0.3, rng=0)
    model = models.Sequential(layers.Dense(2, 32, rng=0), layers.ReLU(), layers.Dense(32, 2, rng=1),
                              layers.Softmax()).compile(optimizer="adam", lr=0.3)  # fmt: skip
    stopper = callbacks.StopEarly(Monitor(), restore_best_weights=True)
    history = model.fit(X, y, epochs=200, batch_size=None, validation_data=(X, y),
                        callbacks=[stopper], verbose=0)  # fmt: skip
    assert stopper.stopped_epoch == len(history.val_loss) - 1 < 199
    assert stopper.best == min(history.val_loss) == history.val_loss[stopper.best_epoch]
    assert model.evaluate(X, y)["loss"] == pytest.approx(stopper.best)
    reference = callbacks.StopEarly(callbacks.EarlyStopping(patience=2), restore_best_weights=False)
    model.fit(X, y, epochs=200, batch_size=None, validation_data=(X, y), callbacks=[reference],
              verbose=0)  # fmt: skip
    assert reference.stopped_epoch is not None
    with pytest.raises(TypeError, match="update"):
        callbacks.StopEarly(object())
