"""dlkit.layers: the pure forward functions, the layer objects, PyTorch parity."""

import numpy as np
import pytest

from dlkit import activations, init, layers, models
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
    assert models.build_mlp([4, 7, 5, 3]).n_params == layers.count_params([4, 7, 5, 3])


def test_mlp_forward_cache_and_softmax_rows():
    X = np.random.default_rng(0).normal(size=(6, 4))
    params = init.init_params([4, 5, 3], rng=1)
    Y, cache = layers.mlp_forward(X, params, hidden="tanh", output="softmax")
    assert Y.shape == (6, 3) and len(cache["A"]) == 3 and len(cache["Z"]) == 2
    assert cache["A"][0] is not None and np.array_equal(cache["A"][0], X)
    check_close(cache["A"][1], np.tanh(cache["Z"][0]), "A1 = tanh(Z1)")
    check_close(Y.sum(axis=1), np.ones(6), "softmax rows")
    check_close(cache["Z"][1], cache["A"][1] @ params[1][0] + params[1][1], "Z2")


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
    text = repr(models.build_mlp([2, 4, 1], output="sigmoid"))
    assert (
        "Dense(2 -> 4" in text
        and "ReLU()" in text
        and "Sigmoid()" in text
        and "17 parameters" in text
    )
    with pytest.raises(TypeError, match="must be a dlkit Layer"):
        models.Sequential(layers.ReLU(), np.tanh)
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
    model = models.build_mlp([3, 5, 4, 3], hidden=hidden, output="softmax", rng=12)
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
    model = models.build_mlp([2, 7, 3], hidden="tanh", rng=3)
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
    model = models.Sequential(layers.Dense(50, 4, rng=0), layers.Dropout(0.5), layers.ReLU())
    model.train()
    assert all(layer.training for layer in model.layers)
    model.eval()
    assert not any(layer.training for layer in model.layers)
    assert np.array_equal(model.predict(X), model.predict(X))


def test_dropout_and_dense_run_the_functions_they_are_given():
    """A Dropout layer built on given functions (notebook 06's), and Dense's L2 with given
    penalty and gradient: they run those, with the results of dlkit's for the same maths."""
    from dlkit import regularization

    seen = []

    def forward(A, p_drop, rng, training=True):
        seen.append("forward")
        mask = rng.random(A.shape) < 1.0 - p_drop
        return A * mask / (1.0 - p_drop), mask

    def backward(dout, mask, p_drop):
        seen.append("backward")
        return dout * mask / (1.0 - p_drop)

    X = np.random.default_rng(0).normal(size=(5, 4))
    mine, ref = (
        layers.Dropout(0.5, rng=1, forward=forward, backward=backward),
        layers.Dropout(0.5, rng=1),
    )
    mine.training = ref.training = True  # as fit sets it
    np.testing.assert_allclose(mine.forward(X), ref.forward(X))
    np.testing.assert_allclose(mine.backward(np.ones((5, 4))), ref.backward(np.ones((5, 4))))
    assert seen == ["forward", "backward"]
    mine.training = False
    assert np.array_equal(mine.forward(X), X) and np.array_equal(mine.backward(X), X)
    assert seen == ["forward", "backward"], "evaluation mode runs neither"
    dense = layers.Dense(4, 3, rng=0, l2=0.1, l2_grad=lambda W, lam: 2 * lam * W,
                         l2_penalty=lambda params, lam: 7.0)  # fmt: skip
    plain = layers.Dense(4, 3, rng=0)
    dense.forward(X), plain.forward(X)
    dense.backward(np.ones((5, 3))), plain.backward(np.ones((5, 3)))
    W = dense.params["W"]
    np.testing.assert_allclose(dense.grads["W"], plain.grads["W"] + 0.2 * W)
    assert dense.penalty() == 7.0
    assert layers.Dense(4, 3, rng=0, l2=0.1).penalty() == pytest.approx(
        regularization.l2_penalty([W], 0.1)
    )


@pytest.mark.parametrize(
    "make, name",
    [
        (lambda bad: layers.Dense(2, 3, l2_grad=bad), "l2_grad"),
        (lambda bad: layers.Dropout(0.5, backward=bad), "backward"),
        (lambda bad: layers.Conv2D(1, 2, conv2d_forward=bad), "conv2d_forward"),
        (lambda bad: layers.MaxPool2D(2, maxpool2d_backward=bad), "maxpool2d_backward"),
        (lambda bad: layers.Embedding(4, 2, embedding_backward=bad), "embedding_backward"),
        (lambda bad: layers.SimpleRNN(3, rnn_forward=bad), "rnn_forward"),
    ],
)
def test_every_layer_checks_the_functions_it_is_given(make, name):
    """Every layer that runs given functions defaults to dlkit's (None) and refuses what
    cannot be called, naming the argument."""
    make(None)  # dlkit's
    with pytest.raises(
        TypeError, match=f"{name} must be a function \\(or None for dlkit's\\); got str"
    ):
        make("my_function")
