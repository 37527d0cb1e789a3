"""dlkit.models: Sequential (compile / fit / evaluate / predict / save / load) and build_mlp."""

import numpy as np
import pytest

from dlkit import layers, models
from dlkit.checks import check_close


def test_sequential_equals_mlp_forward():
    X = np.random.default_rng(3).normal(size=(5, 2))
    model = models.build_mlp([2, 6, 6, 3], hidden="relu", output="softmax", rng=4)
    params = [(m.params["W"], m.params["b"]) for m in model.layers if isinstance(m, layers.Dense)]
    check_close(model(X), layers.mlp_forward(X, params)[0], "Sequential vs mlp_forward")


def _digits_model(dtype=np.float64, **kwargs):
    return models.Sequential(
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
    model = models.build_mlp([2, 2], rng=0).compile("sgd", lr=0.01)
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
    model = models.build_mlp([2, 3], rng=0)
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

    other = models.build_mlp([2, 3], rng=1)
    with pytest.raises(ValueError, match="parameters of another model"):
        model.compile(optimizer=optim.Adam(other))
    unbound = optim.Adam(lr=0.01)
    assert model.compile(optimizer=unbound).optimizer is unbound and unbound.slots


def test_fused_softmax_cross_entropy_gradient_equals_the_chain():
    from dlkit import losses, train

    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(5, 3)), losses.one_hot(rng.integers(0, 4, 5), 4)
    model = models.build_mlp([3, 6, 4], rng=1)
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
    model = models.Sequential(
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
    bn = models.Sequential(layers.Dense(3, 4, rng=0), layers.BatchNorm(4))
    bn.train()(np.random.default_rng(0).normal(size=(8, 3)))
    for net in (model, bn):
        path = net.save(tmp_path / f"weights{len(net.layers)}")
        assert path.endswith(".npz")
        clone = (
            _digits_model(np.float32)
            if net is model
            else models.Sequential(layers.Dense(3, 4, rng=9), layers.BatchNorm(4))
        )
        clone.load(path)
        for (_, _, sa, name), (_, _, sb, _) in zip(net._state(), clone._state(), strict=True):
            assert np.array_equal(sa[name], sb[name]) and sa[name].dtype == sb[name].dtype
    other = models.Sequential(
        layers.Dense(64, 16), layers.ReLU(), layers.Dropout(0.2), layers.Dense(16, 10)
    )
    other.layers.append(layers.Softmax())
    with pytest.raises(ValueError, match=r"layer 0 \(Dense\(64 -> 16.*\(64, 32\).*Dense\(64 -> 32"):
        other.load(tmp_path / "weights5.npz")
    with pytest.raises(
        ValueError, match=r"unexpected \['layer1.beta'.*The file holds: Dense\(3 -> 4"
    ):
        models.build_mlp([3, 2]).load(tmp_path / "weights2.npz")
