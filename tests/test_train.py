"""dlkit.train: the loop learns, is deterministic, and reports progress quietly."""

import numpy as np
import pytest

from dlkit import data, init, layers, losses, models, optim, train


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


# -- fit_mlp: the functional loop of notebook 05 ----------------------------------------------
def _explicit_fit(params, X, Y, step, epochs, batch_size, seed, hidden):
    """fit_mlp's contract written out (one generator, one state per array, plain mean of batches)."""
    gen = np.random.default_rng(seed)
    states = {}
    params = [(W.copy(), b.copy()) for W, b in params]
    history = []
    for _ in range(epochs):
        batch_losses = []
        order = gen.permutation(len(X))
        for start in range(0, len(X), batch_size):
            idx = order[start : start + batch_size]
            P, cache = layers.mlp_forward(X[idx], params, hidden=hidden)
            batch_losses.append(losses.categorical_cross_entropy(Y[idx], P))
            grads = layers.mlp_backward(Y[idx], cache, params, hidden=hidden)
            for k, ((W, b), (dW, db)) in enumerate(zip(params, grads, strict=True)):
                W, states[k, "W"] = step(W, dW, states.get((k, "W"), {}))
                b, states[k, "b"] = step(b, db, states.get((k, "b"), {}))
                params[k] = (W, b)
        history.append(np.mean(batch_losses))
    return params, history


def _problem(sizes=(4, 6, 3), n=29, seed=0):
    rng = np.random.default_rng(seed)
    params = [
        (rng.normal(scale=0.7, size=(a, b)), rng.normal(scale=0.3, size=b))
        for a, b in zip(sizes[:-1], sizes[1:], strict=True)
    ]
    X = rng.normal(size=(n, sizes[0]))
    Y = losses.one_hot(rng.integers(0, sizes[-1], size=n), sizes[-1])
    return params, X, Y


@pytest.mark.parametrize(
    "rule, hidden, batch_size",
    [("adam", "relu", 8), ("momentum", "tanh", 5), ("rmsprop", "sigmoid", 100), ("gd", "relu", 1)],
)
def test_fit_mlp_follows_its_contract(rule, hidden, batch_size):
    params, X, Y = _problem()
    before = [(W.copy(), b.copy()) for W, b in params]
    step = optim.step_rule(rule, lr=0.05)
    got, history = train.fit_mlp(
        params, X, Y, step, epochs=3, batch_size=batch_size, rng=7, hidden=hidden
    )
    expected, expected_history = _explicit_fit(params, X, Y, step, 3, batch_size, 7, hidden)
    assert isinstance(history, list) and len(history) == 3
    assert all(isinstance(v, float) for v in history)
    np.testing.assert_allclose(history, expected_history, rtol=1e-12)
    for (W, b), (W_ref, b_ref), (W0, b0), (W_in, b_in) in zip(
        got, expected, before, params, strict=True
    ):
        np.testing.assert_allclose(W, W_ref, rtol=1e-12)
        np.testing.assert_allclose(b, b_ref, rtol=1e-12)
        np.testing.assert_array_equal(W_in, W0)  # the caller's arrays are untouched
        np.testing.assert_array_equal(b_in, b0)


def test_fit_mlp_gives_every_array_its_own_state_and_a_new_order_every_epoch():
    params, X, Y = _problem(sizes=(3, 4, 2), n=12)
    calls = []

    def recording(w, g, state):
        calls.append((w.shape, state.get("k", 0), state.get("shape", w.shape)))
        return w - 0.1 * g, {"k": state.get("k", 0) + 1, "shape": w.shape}

    train.fit_mlp(params, X, Y, recording, epochs=2, batch_size=5, rng=np.random.default_rng(1))
    for shape in [(3, 4), (4,), (4, 2), (2,)]:
        mine = [(k, owner) for s, k, owner in calls if s == shape]
        assert [k for k, _ in mine] == list(range(6))  # 3 batches (5 + 5 + 2) x 2 epochs
        assert all(owner == shape for _, owner in mine)
    # rng=None is seed 0, drawn once for the whole run (epochs differ)
    gd = optim.step_rule("gd", lr=0.1)
    a = train.fit_mlp(params, X, Y, gd, epochs=2, batch_size=4, rng=None)
    b = train.fit_mlp(params, X, Y, gd, epochs=2, batch_size=4, rng=0)
    np.testing.assert_array_equal(a[1], b[1])


def test_fit_mlp_learns_the_digits():
    X, y = data.digits()
    X = X[:600] / 16.0
    Y = losses.one_hot(y[:600], 10)
    params, history = train.fit_mlp(
        init.init_params([64, 32, 10], rng=0), X, Y, optim.step_rule("adam", lr=0.01), epochs=8
    )
    P, _ = layers.mlp_forward(X, params)
    assert history[-1] < history[0] / 5
    assert np.mean(P.argmax(axis=1) == y[:600]) > 0.95


def test_fit_mlp_validates_its_inputs():
    params, X, Y = _problem()
    step = optim.step_rule("gd", lr=0.1)
    with pytest.raises(ValueError, match="same number of samples"):
        train.fit_mlp(params, X, Y[:-1], step)
    with pytest.raises(TypeError, match="step must be a function"):
        train.fit_mlp(params, X, Y, "adam")
    with pytest.raises(ValueError, match="params must map X's 4 features to Y's 3 classes"):
        train.fit_mlp(params[:1], X, Y, step)
    with pytest.raises(ValueError, match="epochs"):
        train.fit_mlp(params, X, Y, step, epochs=0)
    with pytest.raises(ValueError, match="batch_size"):
        train.fit_mlp(params, X, Y, step, batch_size=0)
    with pytest.raises(ValueError, match="activation"):
        train.fit_mlp(params, X, Y, step, hidden="swish")
    with pytest.raises(TypeError, match="rng"):
        train.fit_mlp(params, X, Y, step, rng="seed")
