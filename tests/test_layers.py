"""dlkit.layers: the pure forward functions, the layer objects, PyTorch parity."""

import numpy as np
import pytest

from dlkit import activations, init, layers
from dlkit.checks import check_close


def test_dense_forward_by_hand():
    X = np.array([[1.0, 2.0], [0.0, -1.0]])
    W = np.array([[1.0, 0.0, 2.0], [0.5, -1.0, 0.0]])
    check_close(
        layers.dense_forward(X, W, [0.1, 0.2, 0.3]), [[2.1, -1.8, 2.3], [-0.4, 1.2, 0.3]], "Z"
    )


@pytest.mark.parametrize(
    "X, W, b, message",
    [
        (
            np.ones((5, 3)),
            np.ones((2, 4)),
            np.zeros(4),
            r"X must have shape \(n, 2\) for a layer 2 -> 4; got \(5, 3\)",
        ),
        (np.ones((2, 5)), np.ones((2, 4)), np.zeros(4), "Is X transposed"),
        (np.ones(2), np.ones((2, 4)), np.zeros(4), r"X.reshape\(1, -1\)"),
        (
            np.ones((5, 2)),
            np.ones((2, 4)),
            np.zeros((1, 4)),
            r"b must have shape \(4,\).*b.ravel\(\)",
        ),
    ],
)
def test_dense_forward_shape_errors_say_how_to_fix(X, W, b, message):
    with pytest.raises(ValueError, match=message):
        layers.dense_forward(X, W, b)


def test_count_params_matches_the_spec_and_the_models():
    assert layers.count_params([256, 100, 26]) == 28_326  # not 28,236 (erratum)
    assert layers.count_params([2, 1]) == 3
    assert layers.build_mlp([4, 7, 5, 3]).n_params == layers.count_params([4, 7, 5, 3])


def test_mlp_forward_cache_and_softmax_rows():
    X = np.random.default_rng(0).normal(size=(6, 4))
    params = init.init_params([4, 5, 3], rng=1)
    Y, cache = layers.mlp_forward(X, params, hidden="tanh", output="softmax")
    assert Y.shape == (6, 3) and len(cache["A"]) == 3 and len(cache["Z"]) == 2
    assert cache["A"][0] is not None and np.array_equal(cache["A"][0], X)
    check_close(cache["A"][1], np.tanh(cache["Z"][0]), "A1 = tanh(Z1)")
    check_close(Y.sum(axis=1), np.ones(6), "softmax rows")
    check_close(cache["Z"][1], cache["A"][1] @ params[1][0] + params[1][1], "Z2")


def test_sequential_equals_mlp_forward():
    X = np.random.default_rng(3).normal(size=(5, 2))
    model = layers.build_mlp([2, 6, 6, 3], hidden="relu", output="softmax", rng=4)
    params = [(m.params["W"], m.params["b"]) for m in model.layers if isinstance(m, layers.Dense)]
    check_close(model(X), layers.mlp_forward(X, params)[0], "Sequential vs mlp_forward")


def test_layer_objects():
    dense = layers.Dense(3, 2, init="xavier", rng=0)
    assert set(dense.params) == set(dense.grads) == {"W", "b"}
    assert dense.n_params == 8 and repr(dense) == "Dense(3 -> 2, init='xavier')"
    dense.grads["W"] += 1
    dense.zero_grad()
    assert not dense.grads["W"].any()
    out = layers.LeakyReLU(0.1)(np.array([[-1.0, 2.0]]))
    check_close(out, [[-0.1, 2.0]], "LeakyReLU(0.1)")
    assert repr(layers.LeakyReLU(0.1)) == "LeakyReLU(alpha=0.1)"
    text = repr(layers.build_mlp([2, 4, 1], output="sigmoid"))
    assert (
        "Dense(2 -> 4" in text
        and "ReLU()" in text
        and "Sigmoid()" in text
        and "17 parameters" in text
    )
    with pytest.raises(TypeError, match="must be a dlkit Layer"):
        layers.Sequential(layers.ReLU(), np.tanh)
    with pytest.raises(ValueError, match="activation must be one of"):
        layers.mlp_forward(np.ones((1, 2)), init.init_params([2, 1]), hidden="swish")


def test_activation_layers_use_the_reference_functions():
    z = np.linspace(-3, 3, 7).reshape(1, -1)
    for layer, f in (
        (layers.ReLU(), activations.relu),
        (layers.Tanh(), activations.tanh),
        (layers.Sigmoid(), activations.sigmoid),
        (layers.Softmax(), activations.softmax),
    ):
        check_close(layer(z), f(z), repr(layer))


def test_pytorch_parity():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    X = rng.normal(size=(7, 3))
    params = init.init_params([3, 4, 2], rng=6)
    net = torch.nn.Sequential(
        torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2), torch.nn.Softmax(dim=1)
    ).double()
    with torch.no_grad():
        for module, (W, b) in zip([net[0], net[2]], params, strict=True):
            module.weight.copy_(torch.tensor(W.T))  # torch stores (n_out, n_in)
            module.bias.copy_(torch.tensor(b))
        expected = net(torch.tensor(X)).numpy()
    check_close(layers.mlp_forward(X, params, hidden="tanh")[0], expected, "vs torch", rtol=1e-10)


# ------------------------------------------------------------------ backward passes


def test_dense_backward_by_hand_and_shapes():
    X = np.array([[1.0, 2.0], [3.0, 4.0]])
    W = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])
    dZ = np.array([[1.0, 0.0, 1.0], [0.0, 2.0, 0.0]])
    dX, dW, db = layers.dense_backward(dZ, X, W)
    check_close(dX, dZ @ W.T, "dX")
    check_close(dW, [[1.0, 6.0, 1.0], [2.0, 8.0, 2.0]], "dW = X.T @ dZ")
    check_close(db, [1.0, 2.0, 1.0], "db = dZ.sum(0), not the mean")
    with pytest.raises(ValueError, match="shapes do not fit a layer 2 -> 3"):
        layers.dense_backward(dZ.T, X, W)


@pytest.mark.parametrize("hidden", ["relu", "tanh", "sigmoid", "leaky_relu", "elu"])
def test_every_layer_backward_matches_central_differences(hidden):
    from dlkit import gradcheck, losses

    rng = np.random.default_rng(11)
    X = rng.normal(size=(6, 3))
    Y = losses.one_hot(rng.integers(0, 3, 6), 3)
    model = layers.build_mlp([3, 5, 4, 3], hidden=hidden, output="softmax", rng=12)
    for (
        layer,
        name,
    ) in model.parameters():  # non-zero biases: a dead ReLU row would feed Z = b = 0, a kink
        if name == "b":
            layer.params[name] = rng.uniform(0.1, 0.5, layer.params[name].shape)
    rows = gradcheck.gradcheck(model, X, Y, verbose=False)
    assert len(rows) == 6 and all(r.relative_error < 1e-6 for r in rows)
    out = model(X)
    dX = model.backward(losses.categorical_cross_entropy_grad(Y, out))
    numeric = gradcheck.numerical_gradient(
        lambda x: losses.categorical_cross_entropy(Y, model(x)), X.copy()
    )
    check_close(dX, numeric, "dL/dX", rtol=1e-5, atol=1e-8)


def test_mlp_backward_equals_the_layer_objects():
    from dlkit import losses

    rng = np.random.default_rng(2)
    X, Y = rng.normal(size=(8, 2)), losses.one_hot(rng.integers(0, 3, 8), 3)
    model = layers.build_mlp([2, 7, 3], hidden="tanh", rng=3)
    params = [(m.params["W"], m.params["b"]) for m in model.layers if isinstance(m, layers.Dense)]
    _, cache = layers.mlp_forward(X, params, hidden="tanh")
    grads = layers.mlp_backward(Y, cache, params, hidden="tanh")
    model.backward(losses.categorical_cross_entropy_grad(Y, model(X)))
    dense = [m for m in model.layers if isinstance(m, layers.Dense)]
    for (dW, db), m in zip(grads, dense, strict=True):
        check_close(dW, m.grads["W"], "dW")
        check_close(db, m.grads["b"], "db")


def test_backward_before_forward_is_a_clear_error():
    with pytest.raises(RuntimeError, match="needs a forward"):
        layers.Dense(2, 3).backward(np.ones((1, 3)))


@pytest.mark.parametrize("name", ["relu", "leaky_relu", "tanh", "sigmoid", "softmax", "elu"])
def test_backward_pytorch_parity(name):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    X, dout = rng.normal(size=(5, 4)), rng.normal(size=(5, 3))
    dense, act = layers.Dense(4, 3, rng=5), layers.Activation(name)
    out = act(dense(X))
    dX = dense.backward(act.backward(dout))
    Xt = torch.tensor(X, requires_grad=True)
    Wt = torch.tensor(dense.params["W"], requires_grad=True)
    bt = torch.tensor(dense.params["b"], requires_grad=True)
    f = {
        "relu": torch.relu,
        "tanh": torch.tanh,
        "sigmoid": torch.sigmoid,
        "softmax": lambda z: torch.softmax(z, dim=1),
        "leaky_relu": lambda z: torch.nn.functional.leaky_relu(z, 0.01),
        "elu": torch.nn.functional.elu,
    }[name]
    outt = f(Xt @ Wt + bt)
    outt.backward(torch.tensor(dout))
    check_close(out, outt.detach().numpy(), f"{name} forward", rtol=1e-10)
    check_close(dX, Xt.grad.numpy(), "dX vs autograd", rtol=1e-10, atol=1e-12)
    check_close(dense.grads["W"], Wt.grad.numpy(), "dW vs autograd", rtol=1e-10, atol=1e-12)
    check_close(dense.grads["b"], bt.grad.numpy(), "db vs autograd", rtol=1e-10, atol=1e-12)


# ------------------------------------------------------------------ modes, Dropout, Keras-like API


def test_dropout_layer_is_active_in_training_mode_only():
    X = np.ones((200, 50))
    drop = layers.Dropout(0.5, rng=0)
    assert not drop.training and drop(X) is X  # evaluation mode by default: identity
    out = drop.train()(X)
    assert set(np.unique(out)) == {0.0, 2.0} and abs(out.mean() - 1.0) < 0.05
    dX = drop.backward(np.ones_like(X))
    check_close(dX, out, "gradient flows through kept units only, scaled")
    assert repr(drop) == "Dropout(p=0.5)"
    model = layers.Sequential(layers.Dense(50, 4, rng=0), layers.Dropout(0.5), layers.ReLU())
    model.train()
    assert all(layer.training for layer in model.layers)
    model.eval()
    assert not any(layer.training for layer in model.layers)
    assert np.array_equal(model.predict(X), model.predict(X))


def _digits_model(dtype=np.float64, **kwargs):
    return layers.Sequential(
        layers.Dense(64, 32, rng=0, dtype=dtype, **kwargs),
        layers.ReLU(),
        layers.Dropout(0.2, rng=1),
        layers.Dense(32, 10, rng=2, dtype=dtype),
        layers.Softmax(),
    )


def test_compile_fit_evaluate_predict_on_digits():
    from dlkit import data

    X, y = data.digits()
    X = data.standardize(X)
    X_train, X_test, y_train, y_test = data.train_val_split(X, y, 0.25, rng=0)
    model = _digits_model().compile(optimizer="adam", lr=0.005)
    history = model.fit(X_train, y_train, epochs=8, batch_size=64, validation_split=0.2, verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy", "lr"}
    assert len(history.loss) == 8 and history.loss[-1] < history.loss[0]
    scores = model.evaluate(X_test, y_test)
    assert set(scores) == {"loss", "accuracy"} and scores["accuracy"] > 0.9
    P = model.predict(X_test)
    assert P.shape == (len(y_test), 10) and not model.training
    assert scores["accuracy"] == np.mean(P.argmax(axis=1) == y_test)
    # one-hot targets give the same result as integer labels
    from dlkit import losses

    assert model.evaluate(X_test, losses.one_hot(y_test, 10)) == scores


def test_validation_split_takes_the_last_fraction_keeping_rows_aligned():
    seen = {}

    class Spy:
        def __init__(self, loop):
            self.loop = loop

        def __call__(self, model, X, Y, **kwargs):
            seen.update(X=X, Y=Y, val=kwargs["validation_data"])
            return self.loop(model, X, Y, **kwargs)

    from dlkit import train

    X = np.arange(20.0).reshape(10, 2)
    y = np.arange(10) % 2
    model = layers.build_mlp([2, 2], rng=0).compile("sgd", lr=0.01)
    original = train.train_loop
    train.train_loop = Spy(original)
    try:
        model.fit(X, y, epochs=1, validation_split=0.3, verbose=0)
    finally:
        train.train_loop = original
    X_val, Y_val = seen["val"]
    assert np.array_equal(X_val, X[7:]) and np.array_equal(seen["X"], X[:7])
    assert np.array_equal(Y_val.argmax(axis=1), y[7:]) and np.array_equal(
        seen["Y"].argmax(axis=1), y[:7]
    )
    with pytest.raises(ValueError, match="validation_split must be in"):
        model.fit(X, y, validation_split=1.5, verbose=0)
    with pytest.raises(ValueError, match="not both"):
        model.fit(X, y, validation_split=0.2, validation_data=(X, y), verbose=0)


def test_fit_needs_compile_and_checks_inputs():
    model = layers.build_mlp([2, 3], rng=0)
    with pytest.raises(RuntimeError, match=r"model.compile\(optimizer='adam'"):
        model.fit(np.ones((4, 2)), np.zeros(4))
    model.compile()
    with pytest.raises(ValueError, match="same number of samples"):
        model.fit(np.ones((4, 2)), np.zeros(3, dtype=int), verbose=0)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, n_classes\)"):
        model.fit(np.ones((4, 2)), np.array([0, 1, 2, 3]), verbose=0)
    with pytest.raises(ValueError, match="loss must be one of"):
        model.compile(loss="cross_entropy")
    with pytest.raises(ValueError, match="metrics"):
        model.compile(metrics=["f1"])
    from dlkit import optim

    other = layers.build_mlp([2, 3], rng=1)
    with pytest.raises(ValueError, match="parameters of another model"):
        model.compile(optimizer=optim.Adam(other))
    unbound = optim.Adam(lr=0.01)
    assert model.compile(optimizer=unbound).optimizer is unbound and unbound.slots


def test_fused_softmax_cross_entropy_gradient_equals_the_chain():
    from dlkit import losses, train

    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(5, 3)), losses.one_hot(rng.integers(0, 4, 5), 4)
    model = layers.build_mlp([3, 6, 4], rng=1)
    objective = train._Objective(model, "categorical_cross_entropy")
    assert objective.fused
    out = model.forward(X)
    model._backward_fit(objective.dout(Y, out), skip_last=True)
    fused = [g.copy() for layer in model.layers for g in layer.grads.values()]
    model.backward(losses.categorical_cross_entropy_grad(Y, out))
    chain = [g for layer in model.layers for g in layer.grads.values()]
    for a, b in zip(fused, chain, strict=True):
        check_close(a, b, "fused vs chain rule", rtol=1e-10, atol=1e-14)
    assert not train._Objective(model, "mse").fused


def test_a_float32_model_stays_float32_through_fit():
    from dlkit import data, train

    X, y = data.digits()
    model = layers.Sequential(
        layers.Dense(64, 16, rng=0, dtype=np.float32, l2=1e-3),
        layers.BatchNorm(16, dtype=np.float32),
        layers.ReLU(),
        layers.Dropout(0.3, rng=1),
        layers.Dense(16, 10, rng=2, dtype=np.float32),
        layers.Softmax(),
    ).compile("adam")
    seen = []
    original = train._Objective.dout

    def spy(self, Y, out):
        assert model.layers[3].training and model.layers[3].mask is not None  # dropout on
        seen.append((Y.dtype, out.dtype))
        dout = original(self, Y, out)
        seen.append((dout.dtype,))
        return dout

    train._Objective.dout = spy
    try:
        model.fit(X[:300], y[:300], epochs=2, batch_size=50, validation_split=0.2, verbose=0)
    finally:
        train._Objective.dout = original
    f32 = np.dtype(np.float32)
    assert seen and all(dtype == f32 for entry in seen for dtype in entry)
    for layer in model.layers:
        for store in (layer.params, layer.grads, layer.buffers):
            assert all(a.dtype == f32 for a in store.values()), layer
    assert model.layers[0].X.dtype == f32 and model.layers[5].A.dtype == f32
    assert all(
        a.dtype == f32
        for s in model.optimizer.state.values()
        for a in s.values()
        if isinstance(a, np.ndarray)
    )
    assert model.predict(X[:3]).dtype == f32
    assert model.astype(np.float64).dtype == np.float64


def test_save_load_round_trip_and_mismatch(tmp_path):
    model = _digits_model(np.float32)
    bn = layers.Sequential(layers.Dense(3, 4, rng=0), layers.BatchNorm(4))
    bn.train()(np.random.default_rng(0).normal(size=(8, 3)))
    for net in (model, bn):
        path = net.save(tmp_path / f"weights{len(net.layers)}")
        assert path.endswith(".npz")
        clone = (
            _digits_model(np.float32)
            if net is model
            else layers.Sequential(layers.Dense(3, 4, rng=9), layers.BatchNorm(4))
        )
        clone.load(path)
        for (_, _, sa, name), (_, _, sb, _) in zip(net._state(), clone._state(), strict=True):
            assert np.array_equal(sa[name], sb[name]) and sa[name].dtype == sb[name].dtype
    other = layers.Sequential(
        layers.Dense(64, 16), layers.ReLU(), layers.Dropout(0.2), layers.Dense(16, 10)
    )
    other.layers.append(layers.Softmax())
    with pytest.raises(ValueError, match=r"layer 0 \(Dense\(64 -> 16.*\(64, 32\).*Dense\(64 -> 32"):
        other.load(tmp_path / "weights5.npz")
    with pytest.raises(
        ValueError, match=r"unexpected \['layer1.beta'.*The file holds: Dense\(3 -> 4"
    ):
        layers.build_mlp([3, 2]).load(tmp_path / "weights2.npz")
