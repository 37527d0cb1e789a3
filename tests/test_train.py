"""dlkit.train: the loop learns, is deterministic, and reports progress quietly."""

import io

import numpy as np
import pytest

from dlkit import data, layers, losses, train


def test_fit_learns_moons_full_batch_and_mini_batch():
    X, y = data.moons(200, noise=0.1, rng=0)
    Y = losses.one_hot(y, 2)
    for batch_size, epochs in ((None, 300), (32, 60)):
        model = layers.build_mlp([2, 16, 16, 2], rng=1)
        history = train.fit(
            model, X, Y, lr=0.5, epochs=epochs, batch_size=batch_size, progress=False
        )
        assert len(history.loss) == epochs and history.loss[-1] < history.loss[0] / 5
        assert np.mean(train.predict_classes(model, X) == y) >= 0.95


def test_fit_is_deterministic_for_a_seed():
    X, y = data.moons(60, rng=1)
    runs = []
    for _ in range(2):
        model = layers.build_mlp([2, 8, 2], rng=3)
        runs.append(
            train.fit(
                model, X, losses.one_hot(y, 2), epochs=5, batch_size=8, rng=4, progress=False
            ).loss
        )
    assert runs[0] == runs[1]


def test_train_step_decreases_the_loss_and_sigmoid_output_works():
    X, y = data.blobs(40, rng=0)
    Y = y.reshape(-1, 1).astype(float)
    model = layers.build_mlp([2, 4, 1], output="sigmoid", rng=0)
    first = train.train_step(model, X, Y, lr=0.5, loss="binary_cross_entropy")
    for _ in range(50):
        last = train.train_step(model, X, Y, lr=0.5, loss="binary_cross_entropy")
    assert last < first
    assert train.predict_classes(model, X).shape == (40,)


def test_progress_bar_is_throttled_and_silent_under_nbgrader(monkeypatch):
    out = io.StringIO()
    bar = train.ProgressBar(1000, stream=out, enabled=True)
    for i in range(1, 1001):
        bar.update(i, "loss 1")
    text = out.getvalue()
    assert text.endswith("epoch 1000/1000 [########################] loss 1\n")
    assert text.count("\r") < 20
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    quiet = io.StringIO()
    train.ProgressBar(3, stream=quiet).update(3)
    assert quiet.getvalue() == ""


def test_fit_validates_its_inputs():
    model = layers.build_mlp([2, 2], rng=0)
    with pytest.raises(ValueError, match="same number of samples"):
        train.fit(model, np.ones((3, 2)), np.ones((2, 2)))
    with pytest.raises(ValueError, match="lr must be finite and > 0"):
        train.fit(model, np.ones((2, 2)), np.ones((2, 2)), lr=0)


def test_progress_bar_unit():
    out = io.StringIO()
    train.ProgressBar(2, stream=out, enabled=True, unit="step").update(2)
    assert out.getvalue().startswith("\rstep 2/2 [")
