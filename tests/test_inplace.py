"""The in-place fast paths of training (issue 23) give the results of the reference code.

The optimizer objects update through two preallocated scratch arrays per parameter,
``fit`` gathers batches into buffers and scores them from labels, and a Dense layer
writes ``dW``/``db`` into arrays it owns while ``fit`` runs. Each must agree with the
pure functions students compare with (bit for bit where the operations are the same),
keep float32 as float32, and not write into arrays the user holds.
"""

import numpy as np
import pytest

from dlkit import layers, losses, models, optim, train

RULES = [
    (lambda: optim.GD(lr=0.1), optim.gd_step, [], {"lr": 0.1}),
    (lambda: optim.SGD(lr=0.1), optim.gd_step, [], {"lr": 0.1}),
    (
        lambda: optim.SGD(lr=0.1, momentum=0.8),
        optim.classical_momentum_step,
        ["v"],
        {"lr": 0.1, "beta": 0.8},
    ),
    (
        lambda: optim.SGD(lr=0.1, momentum=0.8, nesterov=True),
        optim.classical_momentum_step,
        ["v"],
        {"lr": 0.1, "beta": 0.8, "nesterov": True},
    ),
    (
        lambda: optim.Momentum(lr=0.1, beta=0.8),
        optim.momentum_step,
        ["v"],
        {"lr": 0.1, "beta": 0.8},
    ),
    (lambda: optim.AdaGrad(lr=0.1), optim.adagrad_step, ["G"], {"lr": 0.1}),
    (
        lambda: optim.RMSProp(lr=0.1, beta=0.8),
        optim.rmsprop_step,
        ["s"],
        {"lr": 0.1, "beta": 0.8},
    ),
    (
        lambda: optim.Adam(lr=0.1, beta1=0.8, beta2=0.9),
        optim.adam_step,
        ["m", "v"],
        {"lr": 0.1, "beta1": 0.8, "beta2": 0.9},
    ),
]
IDS = ["gd", "sgd", "sgd-momentum", "sgd-nesterov", "momentum", "adagrad", "rmsprop", "adam"]


def _layer_and_grads(dtype, steps=5, seed=0):
    rng = np.random.default_rng(seed)
    layer = layers.Dense(5, 3, rng=seed, dtype=dtype)
    layer.params["b"] += rng.normal(size=3).astype(dtype)
    grads = [
        {"W": rng.normal(size=(5, 3)).astype(dtype), "b": rng.normal(size=3).astype(dtype)}
        for _ in range(steps)
    ]
    return layer, grads


def _pure_path(pure, state_names, kw, w, grads):
    state = [np.zeros_like(w) for _ in state_names]
    path = []
    for t, g in enumerate(grads, start=1):
        extra = {"t": t} if pure is optim.adam_step else {}
        out = pure(w, g, *state, **extra, **kw)
        w, *state = out if isinstance(out, tuple) else (out,)
        path.append(w)
    return path


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("make", "pure", "state_names", "kw"), RULES, ids=IDS)
def test_object_steps_equal_the_pure_steps_bit_for_bit(make, pure, state_names, kw, dtype):
    layer, grads = _layer_and_grads(dtype)
    start = {k: v.copy() for k, v in layer.params.items()}
    held = layer.params["W"]  # an array the user holds: updated in place, as before
    opt = make()
    opt.slots = [(layer, "W"), (layer, "b")]
    expected = {k: _pure_path(pure, state_names, kw, start[k], [g[k] for g in grads]) for k in "Wb"}
    for step, g in enumerate(grads):
        given = {k: v.copy() for k, v in g.items()}
        layer.grads = g
        opt.step()
        for k in "Wb":
            assert layer.params[k].dtype == dtype
            np.testing.assert_array_equal(layer.params[k], expected[k][step], err_msg=f"{k} {step}")
            np.testing.assert_array_equal(g[k], given[k])  # gradients are read, not written
    assert layer.params["W"] is held and not np.array_equal(held, start["W"])
    for key, state in opt.state.items():
        w = layer.params[key[1]]
        arrays = [a for a in state.values() if isinstance(a, np.ndarray)]
        assert len(arrays) == len(state_names)
        assert all(a.shape == w.shape and a.dtype == dtype for a in arrays)
        a, b = opt._scratch[key]
        assert a.shape == b.shape == w.shape and a.dtype == b.dtype == dtype
        assert not np.shares_memory(a, w) and not np.shares_memory(a, b)
    opt.reset()
    assert not opt.state and not opt._scratch


def test_mixed_dtypes_take_the_allocating_kernels_with_the_pure_steps_casting():
    w = np.random.default_rng(1).normal(size=(4, 3)).astype(np.float32)
    grads = [np.random.default_rng(s).normal(size=(4, 3)) for s in range(4)]  # float64
    opt = optim.Adam(lr=0.05)
    got = w
    for g in grads:
        got = opt.update(got, g)
    assert not opt._scratch  # no work arrays for a float64 gradient of float32 weights
    expected = _pure_path(optim.adam_step, ["m", "v"], {"lr": 0.05}, w, grads)[-1]
    np.testing.assert_array_equal(got, expected)


def test_update_returns_new_arrays_and_reuses_its_work_arrays():
    opt = optim.RMSProp(lr=0.1)
    w = np.ones((2, 3), dtype=np.float32)
    w1 = opt.update(w, np.full((2, 3), 0.5, dtype=np.float32))
    scratch = opt._scratch["w"]
    w2 = opt.update(w1, np.full((2, 3), 0.5, dtype=np.float32))
    assert np.array_equal(w, np.ones((2, 3))) and w1 is not w and w2 is not w1
    assert opt._scratch["w"] is scratch and w2.dtype == np.float32


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dense_fit_backward_equals_dense_backward_and_owns_its_gradients(dtype):
    rng = np.random.default_rng(2)
    layer = layers.Dense(6, 4, rng=0, dtype=dtype, l2=0.01)
    held = layer.grads["W"]  # from zero_grad: never written into
    X = rng.normal(size=(7, 6)).astype(dtype)
    for _ in range(3):
        dZ = rng.normal(size=(7, 4)).astype(dtype)
        layer.forward(X)
        dX = layer._backward_fit(dZ)
        fit_grads = {k: v.copy() for k, v in layer.grads.items()}
        reused = layer.grads["W"]
        ref_dX = layer.backward(dZ)  # the public pass: new arrays, as documented
        np.testing.assert_array_equal(dX, ref_dX)
        for k in "Wb":
            np.testing.assert_array_equal(fit_grads[k], layer.grads[k])
            assert layer.grads[k].dtype == dtype
        assert layer.grads["W"] is not reused
        layer.forward(X)
        layer._param_grads(dZ)
        assert layer.grads["W"] is reused  # the layer's own array, written again
        np.testing.assert_array_equal(layer.grads["W"], fit_grads["W"])
    assert np.array_equal(held, np.zeros((6, 4)))


def _model(dtype):
    return models.Sequential(
        layers.Dense(8, 16, rng=0, dtype=dtype),
        layers.ReLU(),
        layers.Dense(16, 3, rng=1, dtype=dtype),
        layers.Softmax(),
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fit_equals_a_hand_written_loop(dtype):
    data = np.random.default_rng(3)
    X = data.normal(size=(50, 8)).astype(dtype)
    y = data.integers(0, 3, 50)
    Y = losses.one_hot(y, 3).astype(dtype)
    model = _model(dtype).compile("adam", lr=0.01)
    history = model.fit(X, y, epochs=2, batch_size=16, rng=7, verbose=0)

    twin = _model(dtype)
    opt = optim.Adam(twin, lr=0.01)
    rng = np.random.default_rng(7)
    for epoch in range(2):
        order = rng.permutation(50)
        batch_losses, correct = [], 0
        for start in range(0, 50, 16):
            idx = order[start : start + 16]
            twin.train()
            out = twin.forward(X[idx])
            batch_losses.append(losses.categorical_cross_entropy(Y[idx], out) * len(idx))
            correct += int(np.sum(out.argmax(axis=1) == y[idx]))
            dout = (out - Y[idx]) * (1.0 / len(idx))
            for layer in reversed(twin.layers[:-1]):
                dout = layer.backward(dout)
            opt.step()
        assert history.loss[epoch] == pytest.approx(sum(batch_losses) / 50, rel=1e-12)
        assert history.accuracy[epoch] == correct / 50
    for a, b in zip(model.layers, twin.layers, strict=True):
        for k in a.params:
            assert a.params[k].dtype == dtype
            np.testing.assert_array_equal(a.params[k], b.params[k], err_msg=f"{a} {k}")


def test_targets_that_are_not_one_hot_are_scored_by_the_loss_itself():
    data = np.random.default_rng(4)
    X = data.normal(size=(30, 8))
    Y = losses.one_hot(data.integers(0, 3, 30), 3) * 0.9 + 0.1 / 3  # label smoothing
    model = _model(np.float64).compile("adam", lr=0.01)
    objective = train._Objective(model, "categorical_cross_entropy")
    assert objective.labels_of(Y) is None
    assert objective.labels_of(losses.one_hot(np.array([0, 2]), 3)).tolist() == [0, 2]
    history = model.fit(X, Y, epochs=1, batch_size=30, shuffle=False, verbose=0)
    fresh = _model(np.float64)
    P = fresh.forward(X)
    assert history.loss[0] == pytest.approx(losses.categorical_cross_entropy(Y, P), rel=1e-12)


def test_value_from_labels_is_categorical_cross_entropy():
    rng = np.random.default_rng(5)
    for dtype in (np.float32, np.float64):
        P = rng.dirichlet(np.ones(4), size=9).astype(dtype)
        P[0] = [1, 0, 0, 0]  # a zero probability on a wrong class and on the true one
        labels = rng.integers(0, 4, 9)
        labels[0] = 1
        Y = losses.one_hot(labels, 4)
        got = train._Objective.value_from_labels(labels, P)
        assert got == pytest.approx(losses.categorical_cross_entropy(Y, P), rel=1e-12)


def test_train_loop_gives_the_same_weights_with_or_without_the_batch_buffers():
    data = np.random.default_rng(6)
    X = data.normal(size=(40, 8))
    Y = losses.one_hot(data.integers(0, 3, 40), 3)
    trained = []
    for inputs in (X, np.asfortranarray(X)):  # a Fortran-ordered X is indexed batch by batch
        model = _model(np.float64)
        opt = optim.SGD(model, lr=0.1, momentum=0.9)
        history = train.train_loop(model, inputs, Y, optimizer=opt, epochs=2, batch_size=12, rng=1)
        trained.append((history.loss, [layer.params.get("W") for layer in model.layers]))
    (loss_a, weights_a), (loss_b, weights_b) = trained
    assert loss_a == loss_b
    for a, b in zip(weights_a, weights_b, strict=True):
        assert (a is None and b is None) or np.array_equal(a, b)


# -- one buffer for the whole model (dlkit.optim._FlatSlots) -----------------------------
def _apart(model):
    """The same model with every parameter in an array of its own: the per-parameter path."""
    for layer in model.layers:
        for k in layer.params:
            layer.params[k] = layer.params[k].copy()
    return model


def _with_batchnorm(dtype):
    return models.Sequential(
        layers.Dense(8, 16, rng=0, dtype=dtype),
        layers.BatchNorm(16),
        layers.ReLU(),
        layers.Dense(16, 3, rng=1, dtype=dtype),
        layers.Softmax(),
    ).astype(dtype)


OBJECTS = [make for make, *_ in RULES]


@pytest.mark.parametrize("build", [_model, _with_batchnorm], ids=["dense", "batchnorm"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("make", OBJECTS, ids=IDS)
def test_one_buffer_step_equals_the_per_parameter_steps_bit_for_bit(make, dtype, build):
    data = np.random.default_rng(8)
    X = data.normal(size=(45, 8)).astype(dtype)
    y = data.integers(0, 3, 45)
    packed, apart = build(dtype), _apart(build(dtype))
    held = packed.layers[0].params["W"]
    for model in (packed, apart):
        model.compile(make())
        model.fit(X, y, epochs=2, batch_size=16, rng=3, verbose=0)
    flat = packed.optimizer._flat
    assert flat is not None and apart.optimizer._flat is None
    # Dense layers write their gradients into one buffer; BatchNorm's are gathered
    assert flat.gather == (build is _with_batchnorm)
    assert packed.layers[0].params["W"] is held  # trained in place, as before
    for a, b in zip(packed.layers, apart.layers, strict=True):
        for k in a.params:
            assert a.params[k].dtype == dtype and np.shares_memory(a.params[k], flat.w)
            np.testing.assert_array_equal(a.params[k], b.params[k], err_msg=f"{a} {k}")
    for (la, k), (lb, _) in zip(packed.parameters(), apart.parameters(), strict=True):
        sa, sb = packed.optimizer.state[(id(la), k)], apart.optimizer.state[(id(lb), k)]
        assert sa.keys() == sb.keys() and sa["t"] == sb["t"] == 6
        for name, value in sa.items():
            if isinstance(value, np.ndarray):  # the flat state, seen through views
                assert np.shares_memory(value, flat.state[name])
                np.testing.assert_array_equal(value, sb[name])


def test_a_parameter_replaced_mid_training_takes_the_per_parameter_path_without_a_jump():
    data = np.random.default_rng(9)
    X, y = data.normal(size=(40, 8)), data.integers(0, 3, 40)
    packed, apart = _model(np.float64), _apart(_model(np.float64))
    for model in (packed, apart):
        model.compile("adam", lr=0.01)
        model.fit(X, y, epochs=1, batch_size=16, rng=1, verbose=0)
    assert packed.optimizer._flat is not None
    packed.layers[2].params["b"] = packed.layers[2].params["b"].copy()  # no longer in the buffer
    for model in (packed, apart):
        model.fit(X, y, epochs=1, batch_size=16, rng=2, verbose=0)
    assert packed.optimizer._flat is None
    for a, b in zip(packed.layers, apart.layers, strict=True):
        for k in a.params:
            np.testing.assert_array_equal(a.params[k], b.params[k])
    packed.optimizer.reset()
    assert not packed.optimizer.state


def test_sequential_packs_its_parameters_with_their_values_and_astype_packs_again():
    model = _model(np.float64)
    fresh = _apart(_model(np.float64))
    arrays = [layer.params[k] for layer, k in model.parameters()]
    assert all(a.base is arrays[0].base for a in arrays)
    for a, b in zip(arrays, [layer.params[k] for layer, k in fresh.parameters()], strict=True):
        np.testing.assert_array_equal(a, b)
    model.astype(np.float32)
    arrays = [layer.params[k] for layer, k in model.parameters()]
    assert all(a.dtype == np.float32 and a.base is arrays[0].base for a in arrays)
    assert optim._contiguous_view(arrays).size == model.n_params
    assert optim._contiguous_view(arrays[::-1]) is None  # out of order: not one run


@pytest.mark.parametrize(
    "row",
    [[0, 1, 1], [0, 0.5, 0.5], [0, 0, 0], [1, 0, np.nan], [np.nan, 0, 0], [2, 0, 0], [1, -1, 0]],
)
def test_labels_are_used_only_for_exactly_one_hot_targets(row):
    objective = train._Objective(_model(np.float64), "categorical_cross_entropy")
    Y = losses.one_hot(np.array([0, 2, 1]), 3)
    assert objective.labels_of(Y).tolist() == [0, 2, 1]
    Y[1] = row
    assert objective.labels_of(Y) is None


def test_parameters_apart_are_looked_at_once_and_new_slots_are_taken_as_they_come(monkeypatch):
    """The per-parameter path does not pay for examining the same layout on every step,
    and an optimizer given other slots after stepping starts over instead of failing."""
    data = np.random.default_rng(10)
    X, y = data.normal(size=(40, 8)), data.integers(0, 3, 40)
    model = _apart(_model(np.float64)).compile("sgd", lr=0.1, momentum=0.9)
    looked = []
    real = optim._contiguous_view
    monkeypatch.setattr(optim, "_contiguous_view", lambda arrays: looked.append(1) or real(arrays))
    model.fit(X, y, epochs=2, batch_size=8, verbose=0)
    assert model.optimizer._flat is None and len(looked) == 1  # 10 steps, one look
    packed = _model(np.float64).compile("adam", lr=0.01)
    packed.fit(X, y, epochs=1, batch_size=8, verbose=0)
    assert packed.optimizer._flat is not None
    first = packed.layers[0]
    packed.optimizer.slots = [(first, "W"), (first, "b")]  # fewer slots than the buffer's
    twin = _apart(_model(np.float64)).compile("adam", lr=0.01)
    twin.fit(X, y, epochs=1, batch_size=8, verbose=0)
    twin.optimizer.slots = [(twin.layers[0], "W"), (twin.layers[0], "b")]
    for model in (packed, twin):
        layer = model.layers[0]
        layer.grads = {"W": np.ones((8, 16)), "b": np.ones(16)}
        model.optimizer.step()
    np.testing.assert_array_equal(packed.layers[0].params["W"], twin.layers[0].params["W"])
