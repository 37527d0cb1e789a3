"""dlkit.layers.Embedding and SimpleRNN: the layers of notebook 10 inside Sequential.

Each layer runs the pure functions of dlkit.recurrent (checked against them, central
differences and PyTorch where it is installed); Sequential lets integer token ids through
fit/evaluate/predict, takes a SimpleRNN's input size from the layer below, and the
memory task of notebook 10 is learnt well past a baseline without memory.
"""

import io

import numpy as np
import pytest

from dlkit import callbacks, layers, models, recurrent
from dlkit.checks import check_close
from dlkit.gradcheck import gradcheck, numerical_gradient

L = layers


def _memory_model(T_hidden=16, dtype=np.float64, seeds=(0, 1, 2)):
    return models.Sequential(
        L.Embedding(4, 8, rng=seeds[0], dtype=dtype),
        L.SimpleRNN(T_hidden, rng=seeds[1], dtype=dtype),
        L.Dense(T_hidden, 4, rng=seeds[2], dtype=dtype),
        L.Softmax(),
    )


# ------------------------------------------------------------------------------ the layers alone


def test_embedding_layer_runs_the_reference_functions():
    emb = L.Embedding(6, 3, rng=0)
    E = emb.params["E"]
    assert E.shape == (6, 3) and np.all(np.abs(E) <= 0.05)  # Keras's uniform start
    ids = np.array([[1, 4, 1], [0, 5, 1]])
    out = emb(ids)
    check_close(out, recurrent.embedding_forward(ids, E), "Embedding forward")
    G = np.random.default_rng(1).normal(size=(2, 3, 3))
    assert emb.backward(G) is None  # token ids have no gradient
    check_close(emb.grads["E"], recurrent.embedding_backward(G, ids, 6), "dE")
    check_close(emb.grads["E"][1], G[0, 0] + G[0, 2] + G[1, 2], "dE of a repeated id")
    assert emb.n_params == 18 and repr(emb) == "Embedding(vocab_size=6, dim=3)"


@pytest.mark.parametrize("return_sequences", [True, False])
def test_simple_rnn_layer_runs_the_reference_functions(return_sequences):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(3, 5, 4))
    rnn = L.SimpleRNN(6, input_dim=4, return_sequences=return_sequences, rng=0)
    Wx, Wh, b = (rnn.params[k] for k in ("Wx", "Wh", "b"))
    assert Wx.shape == (4, 6) and Wh.shape == (6, 6) and b.shape == (6,) and rnn.n_params == 66
    check_close(Wh @ Wh.T, np.eye(6), "Wh starts orthogonal", atol=1e-12)
    Hs, cache = recurrent.rnn_forward(X, np.zeros((3, 6)), Wx, Wh, b)
    out = rnn(X)
    check_close(out, Hs if return_sequences else Hs[:, -1], "SimpleRNN forward")
    G = rng.normal(size=out.shape)
    dH = G if return_sequences else np.concatenate([np.zeros((3, 4, 6)), G[:, None]], axis=1)
    dX, _, dWx, dWh, db = recurrent.rnn_backward(dH, cache)
    check_close(rnn.backward(G), dX, "dX")
    for name, want in (("Wx", dWx), ("Wh", dWh), ("b", db)):
        check_close(rnn.grads[name], want, f"d{name}")
    shown = "return_sequences=True" if return_sequences else "last state"
    assert repr(rnn) == f"SimpleRNN(4 -> 6, tanh, {shown})"


def test_the_layers_run_the_functions_they_are_given():
    """Notebook 10 passes the student's pieces: the layers run those (a wrong one changes
    the outputs and gradients), dlkit's when none is given."""
    ids = np.array([[1, 3, 1], [0, 2, 2]])
    doubled = {
        "embedding_forward": lambda i, E: 2 * recurrent.embedding_forward(i, E),
        "embedding_backward": lambda d, i, v: 2 * recurrent.embedding_backward(d, i, v),
    }
    plain, wrong = L.Embedding(4, 3, rng=0), L.Embedding(4, 3, rng=0, **doubled)
    check_close(wrong(ids), 2 * plain(ids), "Embedding with the forward given")
    G = np.ones((2, 3, 3))
    plain.backward(G), wrong.backward(G)
    check_close(wrong.grads["E"], 2 * plain.grads["E"], "Embedding with the backward given")

    def forward_no_bias(X, h0, Wx, Wh, b):  # a student who forgot the bias
        return recurrent.rnn_forward(X, h0, Wx, Wh, np.zeros_like(b))

    def backward_no_db(dH, cache):
        dX, dh0, dWx, dWh, db = recurrent.rnn_backward(dH, cache)
        return dX, dh0, dWx, dWh, 0 * db

    X = np.random.default_rng(4).normal(size=(2, 3, 3))
    plain = L.SimpleRNN(4, input_dim=3, rng=0)
    wrong = L.SimpleRNN(
        4, input_dim=3, rng=0, rnn_forward=forward_no_bias, rnn_backward=backward_no_db
    )
    for layer in (plain, wrong):
        layer.params["b"] = np.full(4, 0.5)
    assert not np.allclose(wrong(X), plain(X))
    wrong.backward(np.ones((2, 4)))
    plain.backward(np.ones((2, 4)))
    assert np.all(wrong.grads["b"] == 0) and np.any(plain.grads["b"] != 0)
    check_close(wrong.grads["Wh"].shape, plain.grads["Wh"].shape, "shapes")


@pytest.mark.parametrize("return_sequences", [True, False])
def test_simple_rnn_input_gradient_matches_central_differences(return_sequences):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(2, 4, 3))
    rnn = L.SimpleRNN(5, return_sequences=return_sequences, rng=1)  # built by the first input
    G = rng.normal(size=rnn(X).shape)
    assert rnn.input_dim == 3 and repr(rnn).startswith("SimpleRNN(3 -> 5")
    rnn(X)
    numeric = numerical_gradient(lambda V: np.sum(rnn.forward(V) * G), X.copy())
    rnn(X)
    check_close(rnn.backward(G), numeric, "dX", rtol=1e-6, atol=1e-9)


def test_an_unbuilt_simple_rnn_has_no_parameters_until_its_first_input():
    rnn = L.SimpleRNN(4)
    assert rnn.params == {} and rnn.n_params == 0 and repr(rnn).startswith("SimpleRNN(? -> 4")
    rnn(np.zeros((1, 2, 3)))
    assert rnn.n_params == 3 * 4 + 4 * 4 + 4
    with pytest.raises(ValueError, match="was built for 3 features per step; got input_dim=5"):
        rnn.build(5)


# ------------------------------------------------------------------------------ inside Sequential


def test_gradcheck_of_both_layers_inside_a_sequential(capsys):
    model = models.Sequential(
        L.Embedding(5, 3, rng=0),
        L.SimpleRNN(4, return_sequences=True, rng=1),
        L.Tanh(),
        L.SimpleRNN(3, rng=2),
        L.Dense(3, 2, rng=3),
        L.Softmax(),
    )
    assert model.layers[1].input_dim == 3 and model.layers[3].input_dim == 4  # inferred
    ids = np.random.default_rng(4).integers(0, 5, size=(4, 6))
    model.layers[0].params["E"] *= 20  # away from the nearly linear start: a real check
    rows = gradcheck(model, ids, np.eye(2)[[0, 1, 1, 0]], tol=1e-6)
    assert [r.name for r in rows] == [
        "layers[0].E",
        "layers[1].Wx",
        "layers[1].Wh",
        "layers[1].b",
        "layers[3].Wx",
        "layers[3].Wh",
        "layers[3].b",
        "layers[4].W",
        "layers[4].b",
    ]
    assert "FAILED" not in capsys.readouterr().out


def test_gradcheck_of_a_simple_rnn_on_real_valued_sequences():
    model = models.Sequential(L.SimpleRNN(4, input_dim=2, rng=0), L.Dense(4, 1, rng=1))
    X = np.random.default_rng(5).normal(size=(5, 7, 2))
    gradcheck(model, X, np.ones((5, 1)), loss="mse", verbose=False)


def test_sequential_takes_the_input_size_from_the_layer_below_or_says_what_is_missing():
    model = models.Sequential(
        L.Embedding(7, 5), L.Dropout(0.1), L.SimpleRNN(3, return_sequences=True), L.SimpleRNN(2)
    )
    assert (model.layers[2].input_dim, model.layers[3].input_dim) == (5, 3)
    assert model.n_params == 7 * 5 + (5 * 3 + 9 + 3) + (3 * 2 + 4 + 2)
    assert "SimpleRNN(5 -> 3, tanh, return_sequences=True)" in repr(model)
    grown = models.Sequential(L.Embedding(3, 2))
    grown.layers += [L.SimpleRNN(4), L.Dense(4, 3)]  # appended: built by compile
    assert len(grown.compile("adam").optimizer.slots) == 1 + 3 + 2
    assert grown.layers[1].input_dim == 2
    with pytest.raises(
        ValueError, match=r"as the first layer it needs SimpleRNN\(8, input_dim=D\)"
    ):
        models.Sequential(L.SimpleRNN(8), L.Dense(8, 2))
    with pytest.raises(ValueError, match="after Flatten"):
        models.Sequential(L.Flatten(), L.SimpleRNN(8))
    with pytest.raises(ValueError, match="expects 4 features per step but layer 0 .* gives 5"):
        models.Sequential(L.Embedding(7, 5), L.SimpleRNN(8, input_dim=4))


def _no_memory_baseline(ids, y, test_ids, test_y):
    """The best rule that sees only the last symbol (notebook 10's baseline)."""
    table = np.zeros((4, 4))
    np.add.at(table, (ids[:, -1], y), 1)
    return np.mean(table.argmax(axis=1)[test_ids[:, -1]] == test_y)


def test_fit_learns_the_memory_task_where_no_memory_stays_at_chance():
    ids, y = recurrent.memory_task(1000, T=20, rng=1)
    test_ids, test_y = recurrent.memory_task(1000, T=20, rng=2)
    baseline = _no_memory_baseline(ids, y, test_ids, test_y)
    assert baseline < 0.3
    model = _memory_model().compile("adam", lr=0.01)
    history = model.fit(ids, y, epochs=4, batch_size=64, rng=0, verbose=0)
    scores = model.evaluate(test_ids, test_y)
    assert scores["accuracy"] > 0.9 > baseline + 0.6
    assert history.history["loss"][-1] < history.history["loss"][0]
    P = model.predict(test_ids[:5])
    assert P.shape == (5, 4) and np.allclose(P.sum(axis=1), 1)
    check_close(P.argmax(axis=1), test_y[:5], "predicted first symbols")


def test_integer_ids_stay_integers_through_fit_and_the_callbacks_work(tmp_path, monkeypatch):
    ids, y = recurrent.memory_task(600, T=10, rng=3)
    model = _memory_model().compile("adam", lr=0.01)
    seen = []
    forward = L.Embedding.forward

    def spy(self, X):
        seen.append(np.asarray(X).dtype.kind)
        return forward(self, X)

    monkeypatch.setattr(L.Embedding, "forward", spy)
    stream = io.StringIO()
    stopper = callbacks.EarlyStopping(patience=1, monitor="val_accuracy")
    checkpoint = callbacks.ModelCheckpoint(tmp_path / "best.npz", save_best_only=True)
    plateau = callbacks.ReduceLROnPlateau(patience=1, factor=0.5)
    history = model.fit(
        ids,
        y,
        epochs=30,
        batch_size=50,
        validation_split=0.25,
        callbacks=[
            stopper,
            checkpoint,
            plateau,
            callbacks.ProgressBar(per_epoch=True, stream=stream),
        ],
        rng=0,
        verbose=0,
    )
    assert set(seen) == {"i"}
    run = len(history.history["loss"])
    assert stopper.stopped_epoch == run - 1 < 29  # stopped early
    assert {"loss", "accuracy", "val_loss", "val_accuracy", "lr"} <= set(history.history)
    assert stream.getvalue().count("val_accuracy") == run
    best = _memory_model().load(checkpoint.last_path)
    val_ids, val_y = ids[450:], y[450:]
    assert best.compile().evaluate(val_ids, val_y)["loss"] == pytest.approx(
        min(history.history["val_loss"])
    )
    assert model.evaluate(val_ids, val_y)["accuracy"] == max(history.history["val_accuracy"])


def test_save_load_round_trip(tmp_path):
    ids, y = recurrent.memory_task(200, T=6, rng=4)
    model = _memory_model().compile("adam", lr=0.01)
    model.fit(ids, y, epochs=2, verbose=0)
    path = model.save(tmp_path / "rnn")
    clone = _memory_model(seeds=(7, 8, 9)).load(path)
    check_close(clone.predict(ids), model.predict(ids), "predictions after load", rtol=0)
    with pytest.raises(
        ValueError, match=r"layer 1 \(SimpleRNN\(8 -> 12.*\(8, 16\).*The file holds: Embedding"
    ):
        _memory_model(T_hidden=12).load(path)


# ------------------------------------------------------------------------------ clear errors


@pytest.mark.parametrize(
    "bad, error, message",
    [
        (
            np.array([[0.0, 1.0], [2.0, 3.0]]),
            TypeError,
            r"integer token ids .*got dtype float64\. Convert whole-number floats with X\.astype\(int\)",
        ),
        (
            np.array([[0.5, 1.0]]),
            TypeError,
            r"leave the Embedding out and start with SimpleRNN\(units, input_dim=D\)",
        ),
        (np.array([["a", "b"]]), TypeError, r"Map the tokens to integers 0, \.\.\., 3 first"),
        (np.array([True, False])[None], TypeError, "got dtype bool"),
        (
            np.array([0, 1, 2]),
            ValueError,
            r"2-D token ids of shape \(n_sequences, T\).*got shape \(3,\)\. Use X\.reshape\(1, -1\)",
        ),
        (np.zeros((2, 3, 1), dtype=int), ValueError, r"got shape \(2, 3, 1\)\.$"),
        (
            np.array([[0, 1], [4, 2]]),
            ValueError,
            r"ids in \[0, 4\) for Embedding\(vocab_size=4, dim=8\); got X\[1, 0\] = 4 .*Embedding\(vocab_size=5, \.\.\.\)",
        ),
        (np.array([[0, -1]]), ValueError, r"got X\[0, 1\] = -1"),
    ],
)
def test_bad_ids_are_clear_errors_everywhere(bad, error, message):
    model = _memory_model().compile()
    y = np.zeros(len(bad), dtype=int)
    for call in (
        lambda: model.fit(bad, y, verbose=0),
        lambda: model.evaluate(bad, y),
        lambda: model.predict(bad),
        lambda: model.layers[0](bad),
    ):
        with pytest.raises(error, match=message):
            call()
    good = np.zeros((len(bad), 3), dtype=int)
    with pytest.raises(error, match=message.replace("X", "X_val")):
        model.fit(good, y, validation_data=(bad, y), verbose=0)


def test_layer_inputs_and_arguments_are_checked():
    rnn = L.SimpleRNN(4, input_dim=3)
    with pytest.raises(
        ValueError, match=r"3-D, \(n_sequences, T, features per step\).*Put an Embedding"
    ):
        rnn(np.zeros((2, 5)))
    with pytest.raises(ValueError, match=r"Use X\[\.\.\., None\]"):
        L.SimpleRNN(4, input_dim=1)(np.zeros((2, 5)))
    with pytest.raises(ValueError, match=r"shape \(N, T, 3\).*input_dim=2\) for 2 features"):
        rnn(np.zeros((2, 5, 2)))
    with pytest.raises(RuntimeError, match="needs a forward"):
        rnn.backward(np.zeros((2, 4)))
    rnn(np.zeros((2, 5, 3)))
    with pytest.raises(ValueError, match=r"dout must have the shape of the output \(2, 4\)"):
        rnn.backward(np.zeros((2, 5, 4)))
    emb = L.Embedding(3, 2)
    emb(np.zeros((1, 4), dtype=int))
    with pytest.raises(ValueError, match=r"dout must have the shape of the output \(1, 4, 2\)"):
        emb.backward(np.zeros((1, 4, 3)))
    with pytest.raises(ValueError, match="units must be >= 1"):
        L.SimpleRNN(0)
    with pytest.raises(TypeError, match="return_sequences must be True or False"):
        L.SimpleRNN(3, return_sequences="yes")
    with pytest.raises(ValueError, match="vocab_size must be >= 1"):
        L.Embedding(0, 3)
    with pytest.raises(TypeError, match="dim must be an integer"):
        L.Embedding(3, 2.0)
    with pytest.raises(TypeError, match="dtype must be a floating-point type"):
        L.Embedding(3, 2, dtype=int)


def test_a_dense_model_still_takes_integer_features_as_floats():
    model = models.build_mlp([2, 4, 2], rng=0).compile("adam")
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    model.fit(X, [0, 1, 1, 0], epochs=2, verbose=0)
    assert model.predict(X).shape == (4, 2)


# ------------------------------------------------------------------------------ float32


def test_float32_stays_float32():
    ids, y = recurrent.memory_task(200, T=6, rng=5)
    model = _memory_model(dtype=np.float32).compile("adam", lr=0.01)
    model.fit(ids, y, epochs=2, batch_size=50, validation_split=0.2, verbose=0)
    f32 = np.dtype(np.float32)
    for layer in model.layers:
        for store in (layer.params, layer.grads):
            assert all(a.dtype == f32 for a in store.values()), layer
    assert model.predict(ids).dtype == f32
    assert model.layers[1].cache[5].dtype == f32  # the hidden states
    rnn = L.SimpleRNN(3, return_sequences=True, dtype=np.float32)
    out = rnn(np.ones((2, 4, 5), dtype=np.float32))
    assert out.dtype == f32 and rnn.backward(np.ones_like(out)).dtype == f32
    assert all(g.dtype == f32 for g in rnn.grads.values())


# ------------------------------------------------------------------------------ PyTorch parity


@pytest.mark.parametrize("return_sequences", [True, False])
def test_simple_rnn_layer_matches_torch(return_sequences):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(6)
    X = rng.normal(size=(4, 7, 3))
    layer = L.SimpleRNN(5, input_dim=3, return_sequences=return_sequences, rng=0)
    layer.params["b"] = rng.normal(size=5) * 0.3
    rnn = torch.nn.RNN(3, 5, nonlinearity="tanh", batch_first=True).double()
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(layer.params["Wx"].T))
        rnn.weight_hh_l0.copy_(torch.from_numpy(layer.params["Wh"].T))
        rnn.bias_ih_l0.copy_(torch.from_numpy(layer.params["b"]))
        rnn.bias_hh_l0.zero_()
    x = torch.from_numpy(X).requires_grad_(True)
    out, h_last = rnn(x)  # h0 = zeros, as in the layer
    ref = out if return_sequences else h_last[0]
    G = rng.normal(size=tuple(ref.shape))
    (ref * torch.from_numpy(G)).sum().backward()
    check_close(layer(X), ref.detach().numpy(), "SimpleRNN vs torch.nn.RNN", rtol=1e-10)
    check_close(layer.backward(G), x.grad.numpy(), "dX vs torch", rtol=1e-9)
    check_close(layer.grads["Wx"], rnn.weight_ih_l0.grad.numpy().T, "dWx vs torch", rtol=1e-9)
    check_close(layer.grads["Wh"], rnn.weight_hh_l0.grad.numpy().T, "dWh vs torch", rtol=1e-9)
    check_close(layer.grads["b"], rnn.bias_ih_l0.grad.numpy(), "db vs torch", rtol=1e-9)


def test_embedding_layer_matches_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    layer = L.Embedding(9, 4, rng=0)
    ids = rng.integers(0, 9, size=(3, 5))
    ids[0, :3] = 2  # repeated ids accumulate
    G = rng.normal(size=(3, 5, 4))
    emb = torch.nn.Embedding(9, 4).double()
    with torch.no_grad():
        emb.weight.copy_(torch.from_numpy(layer.params["E"]))
    out = emb(torch.from_numpy(ids))
    (out * torch.from_numpy(G)).sum().backward()
    check_close(layer(ids), out.detach().numpy(), "Embedding vs torch.nn.Embedding")
    layer.backward(G)
    check_close(layer.grads["E"], emb.weight.grad.numpy(), "dE vs torch")
