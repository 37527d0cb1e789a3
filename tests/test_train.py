"""dlkit.train: the loop learns, is deterministic, and reports progress quietly."""

import numpy as np
import pytest

from dlkit import data, losses, models, train


def test_fit_learns_moons_full_batch_and_mini_batch():
    X, y = data.moons(200, noise=0.1, rng=0)
    Y = losses.one_hot(y, 2)
    for batch_size, epochs in ((None, 300), (32, 60)):
        model = models.build_mlp([2, 16, 16, 2], rng=1)
        history = train.fit(
            model, X, Y, lr=0.5, epochs=epochs, batch_size=batch_size, progress=False
        )
        assert len(history.loss) == epochs and history.loss[-1] < history.loss[0] / 5
        assert np.mean(train.predict_classes(model, X) == y) >= 0.95


def test_fit_is_deterministic_for_a_seed():
    X, y = data.moons(60, rng=1)
    runs = []
    for _ in range(2):
        model = models.build_mlp([2, 8, 2], rng=3)
        runs.append(
            train.fit(
                model, X, losses.one_hot(y, 2), epochs=5, batch_size=8, rng=4, progress=False
            ).loss
        )
    assert runs[0] == runs[1]


def test_train_step_decreases_the_loss_and_sigmoid_output_works():
    X, y = data.blobs(40, rng=0)
    Y = y.reshape(-1, 1).astype(float)
    model = models.build_mlp([2, 4, 1], output="sigmoid", rng=0)
    first = train.train_step(model, X, Y, lr=0.5, loss="binary_cross_entropy")
    for _ in range(50):
        last = train.train_step(model, X, Y, lr=0.5, loss="binary_cross_entropy")
    assert last < first
    assert train.predict_classes(model, X).shape == (40,)


def test_fit_validates_its_inputs():
    model = models.build_mlp([2, 2], rng=0)
    with pytest.raises(ValueError, match="same number of samples"):
        train.fit(model, np.ones((3, 2)), np.ones((2, 2)))
    with pytest.raises(ValueError, match="lr must be finite and > 0"):
        train.fit(model, np.ones((2, 2)), np.ones((2, 2)), lr=0)


def test_legacy_fit_prints_a_bar_and_runs_the_shared_loop(capsys):
    X, y = data.blobs(30, rng=0)
    model = models.build_mlp([2, 4, 2], rng=0)
    history = train.fit(model, X, losses.one_hot(y, 2), lr=0.1, epochs=3)
    assert capsys.readouterr().out.endswith(
        "epoch 3/3 [########################] "
        + (f"loss {history.loss[-1]:.4f} - accuracy {history.accuracy[-1]:.4f}\n")
    )
    assert history.lr == [0.1, 0.1, 0.1]  # plain gradient descent at a fixed rate


def test_plain_fit_reports_the_loss_on_all_data_after_each_epoch():
    X, y = data.moons(50, rng=0)
    Y = losses.one_hot(y, 2)
    model = models.build_mlp([2, 5, 2], rng=1)
    twin = models.build_mlp([2, 5, 2], rng=1)
    history = train.fit(model, X, Y, lr=0.3, epochs=4, progress=False)
    expected = []
    for _ in range(4):
        train.train_step(twin, X, Y, lr=0.3)
        expected.append(losses.categorical_cross_entropy(Y, twin(X)))
    assert history.loss == pytest.approx(expected, rel=1e-12)
    assert history.accuracy[-1] == np.mean(train.predict_classes(twin, X) == y)
    check = [layer.params[k] for layer in model.layers for k in layer.params]
    for a, b in zip(
        check, [layer.params[k] for layer in twin.layers for k in layer.params], strict=True
    ):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_sequential_fit_is_deterministic_and_verbose_2_prints_lines(capsys):
    X, y = data.spirals(90, rng=0)
    runs = []
    for _ in range(2):
        model = models.build_mlp([2, 8, 3], rng=0).compile("adam", lr=0.01)
        runs.append(model.fit(X, y, epochs=3, batch_size=16, rng=5, verbose=2).history)
    assert runs[0] == runs[1]
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("epoch 1/3 - loss ") and "accuracy" in lines[0] and len(lines) == 6


def test_binary_labels_with_a_sigmoid_output():
    X, y = data.blobs(60, rng=1)
    model = models.build_mlp([2, 4, 1], output="sigmoid", rng=0)
    model.compile("adam", loss="binary_cross_entropy", lr=0.05)
    history = model.fit(X, y, epochs=30, batch_size=20, verbose=0)
    assert history.accuracy[-1] >= 0.95 and model.evaluate(X, y)["accuracy"] >= 0.95
    regression = models.build_mlp([1, 4, 1], output="identity", rng=0)
    regression.compile("adam", loss="mse", metrics=[], lr=0.05)
    Xr, yr = data.study_hours()
    history = regression.fit(Xr / 10, yr / 100, epochs=50, batch_size=None, verbose=0)
    assert set(history.history) == {"loss", "lr"} and history.loss[-1] < history.loss[0]
