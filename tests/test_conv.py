"""dlkit.conv and the Conv2D / MaxPool2D / Flatten layers: a loop oracle, central
differences, PyTorch where installed, and a small CNN that trains in Sequential."""

from __future__ import annotations

import numpy as np
import pytest

from dlkit import conv, data, layers, models
from dlkit.gradcheck import numerical_gradient

CASES = [  # (N, C, H, W, F, k, stride, pad)
    (2, 1, 5, 5, 1, 3, 1, 0),
    (2, 3, 7, 6, 4, 3, 2, 1),
    (1, 2, 6, 8, 3, 2, 2, 0),
    (3, 2, 5, 4, 2, 3, 1, 2),
    (2, 1, 9, 9, 2, 4, 3, 1),
]


def _loop_conv(X, W, b, stride, pad):
    N, C, H, W_ = X.shape
    F, _, kh, kw = W.shape
    Xp = np.pad(X, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh = (H + 2 * pad - kh) // stride + 1
    ow = (W_ + 2 * pad - kw) // stride + 1
    out = np.zeros((N, F, oh, ow))
    for n in range(N):
        for f in range(F):
            for i in range(oh):
                for j in range(ow):
                    patch = Xp[n, :, i * stride : i * stride + kh, j * stride : j * stride + kw]
                    out[n, f, i, j] = np.sum(patch * W[f]) + b[f]
    return out


def _loop_pool(X, size, stride):
    N, C, H, W = X.shape
    oh, ow = (H - size) // stride + 1, (W - size) // stride + 1
    out = np.zeros((N, C, oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[:, :, i, j] = X[
                :, :, i * stride : i * stride + size, j * stride : j * stride + size
            ].max(axis=(2, 3))
    return out


def _data(case, seed=0):
    N, C, H, W, F, k, stride, pad = case
    rng = np.random.default_rng(seed)
    return (
        rng.normal(size=(N, C, H, W)),
        rng.normal(size=(F, C, k, k)),
        rng.normal(size=F),
        stride,
        pad,
    )


def test_output_size_and_errors():
    assert conv.conv_output_size(28, 3, 1, 1) == 28
    assert conv.conv_output_size(8, 3) == 6
    assert conv.conv_output_size(7, 3, 2, 1) == 4
    assert conv.conv_output_size(8, 2, 2) == 4
    assert conv.conv_output_size(5, 2, 2) == 2  # floors like PyTorch
    with pytest.raises(ValueError, match="does not fit"):
        conv.conv_output_size(3, 5)
    with pytest.raises(ValueError, match="4-D batch"):
        conv.conv2d_forward(np.ones((5, 5)), np.ones((1, 1, 3, 3)), np.zeros(1))
    with pytest.raises(ValueError, match="channels"):
        conv.conv2d_forward(np.ones((1, 2, 5, 5)), np.ones((1, 1, 3, 3)), np.zeros(1))


def test_pad2d_and_single():
    X = np.arange(8.0).reshape(1, 2, 2, 2)
    P = conv.pad2d(X, 1)
    assert P.shape == (1, 2, 4, 4)
    assert P.sum() == X.sum() and np.array_equal(P[:, :, 1:3, 1:3], X)
    x = np.arange(16.0).reshape(4, 4)
    k = np.array([[1.0, 0.0], [0.0, -1.0]])
    assert np.allclose(conv.conv2d_single(x, k), np.full((3, 3), -5.0))


@pytest.mark.parametrize("case", CASES)
def test_forward_matches_loops(case):
    X, W, b, stride, pad = _data(case)
    np.testing.assert_allclose(
        conv.conv2d_forward(X, W, b, stride, pad), _loop_conv(X, W, b, stride, pad), atol=1e-12
    )


def test_im2col_order():
    X = np.arange(2 * 2 * 3 * 3, dtype=float).reshape(2, 2, 3, 3)
    cols = conv.im2col(X, 2, 2)
    assert cols.shape == (2 * 2 * 2, 2 * 2 * 2)
    # row (n=1, i=0, j=1), column (c=1, u=1, v=0) is X[1, 1, 1, 1]
    assert cols[1 * 4 + 0 * 2 + 1, 1 * 4 + 1 * 2 + 0] == X[1, 1, 1, 1]


@pytest.mark.parametrize("case", CASES)
def test_backward_central_differences(case):
    X, W, b, stride, pad = _data(case, seed=1)
    G = np.random.default_rng(2).normal(size=conv.conv2d_forward(X, W, b, stride, pad).shape)
    dX, dW, db = conv.conv2d_backward(G, X, W, stride, pad)
    for arr, d in ((X, dX), (W, dW), (b, db)):
        num = numerical_gradient(
            lambda _: np.sum(G * conv.conv2d_forward(X, W, b, stride, pad)), arr
        )
        np.testing.assert_allclose(d, num, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("size,stride", [(2, 2), (3, 1), (2, 1), (3, 2)])
def test_pool_matches_loops_and_gradient(size, stride):
    X = np.random.default_rng(3).normal(size=(2, 3, 7, 6))
    np.testing.assert_allclose(conv.maxpool2d(X, size, stride), _loop_pool(X, size, stride))
    G = np.random.default_rng(4).normal(size=conv.maxpool2d(X, size, stride).shape)
    dX = conv.maxpool2d_backward(G, X, size, stride)
    num = numerical_gradient(lambda _: np.sum(G * conv.maxpool2d(X, size, stride)), X)
    np.testing.assert_allclose(dX, num, rtol=1e-6, atol=1e-8)


def test_pool_ties_first_maximum():
    X = np.ones((1, 1, 2, 2))
    dX = conv.maxpool2d_backward(np.full((1, 1, 1, 1), 5.0), X)
    assert np.array_equal(dX[0, 0], [[5.0, 0.0], [0.0, 0.0]])


@pytest.mark.parametrize("case", CASES)
def test_pytorch_parity_conv(case):
    torch = pytest.importorskip("torch")
    X, W, b, stride, pad = _data(case, seed=5)
    tX = torch.tensor(X, requires_grad=True)
    tW = torch.tensor(W, requires_grad=True)
    tb = torch.tensor(b, requires_grad=True)
    out = torch.nn.functional.conv2d(tX, tW, tb, stride=stride, padding=pad)
    G = np.random.default_rng(6).normal(size=tuple(out.shape))
    out.backward(torch.tensor(G))
    np.testing.assert_allclose(
        conv.conv2d_forward(X, W, b, stride, pad), out.detach().numpy(), atol=1e-10
    )
    dX, dW, db = conv.conv2d_backward(G, X, W, stride, pad)
    np.testing.assert_allclose(dX, tX.grad.numpy(), atol=1e-10)
    np.testing.assert_allclose(dW, tW.grad.numpy(), atol=1e-10)
    np.testing.assert_allclose(db, tb.grad.numpy(), atol=1e-10)


@pytest.mark.parametrize(
    "size,stride,ties", [(2, 2, False), (3, 1, False), (2, 2, True), (2, 1, True)]
)
def test_pytorch_parity_pool(size, stride, ties):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    X = (
        rng.integers(0, 3, size=(2, 2, 6, 7)).astype(float)
        if ties
        else rng.normal(size=(2, 2, 6, 7))
    )
    tX = torch.tensor(X, requires_grad=True)
    out = torch.nn.functional.max_pool2d(tX, size, stride)
    G = rng.normal(size=tuple(out.shape))
    out.backward(torch.tensor(G))
    np.testing.assert_allclose(conv.maxpool2d(X, size, stride), out.detach().numpy())
    np.testing.assert_allclose(
        conv.maxpool2d_backward(G, X, size, stride), tX.grad.numpy(), atol=1e-12
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_layers_keep_dtype_and_match_functions(dtype):
    rng = np.random.default_rng(8)
    X = rng.normal(size=(3, 2, 8, 8)).astype(dtype)
    layer = layers.Conv2D(2, 4, 3, stride=1, pad=1, rng=0, dtype=dtype)
    out = layer(X)
    assert out.dtype == dtype and out.shape == (3, 4, 8, 8)
    np.testing.assert_allclose(
        out, conv.conv2d_forward(X, layer.params["W"], layer.params["b"], 1, 1), rtol=1e-5
    )
    G = rng.normal(size=out.shape).astype(dtype)
    dX = layer.backward(G)
    dX_ref, dW_ref, db_ref = conv.conv2d_backward(G, X, layer.params["W"], 1, 1)
    assert dX.dtype == dtype and layer.grads["W"].dtype == dtype
    np.testing.assert_allclose(layer.grads["W"], dW_ref, rtol=1e-4)
    np.testing.assert_allclose(layer.grads["b"], db_ref, rtol=1e-4)
    np.testing.assert_allclose(dX, dX_ref, rtol=1e-4, atol=1e-5)
    pool, flat = layers.MaxPool2D(2), layers.Flatten()
    P = pool(out)
    assert P.dtype == dtype and P.shape == (3, 4, 4, 4)
    Fl = flat(P)
    assert Fl.shape == (3, 64)
    assert flat.backward(Fl).shape == P.shape
    assert pool.backward(P).dtype == dtype
    assert "Conv2D(2 -> 4" in repr(layer) and "MaxPool2D(size=2" in repr(pool)
    with pytest.raises(ValueError, match="channels"):
        layer(np.ones((1, 3, 8, 8)))


def _small_cnn(dtype=np.float64):
    return models.Sequential(
        layers.Conv2D(1, 4, 3, pad=1, rng=0, dtype=dtype),
        layers.ReLU(),
        layers.MaxPool2D(2),
        layers.Flatten(),
        layers.Dense(4 * 4 * 4, 10, rng=1, dtype=dtype),
        layers.Softmax(),
    )


def test_cnn_trains_saves_and_loads(tmp_path):
    X, y = data.digits(return_images=True)
    X, y = X[:400, None] / 16.0, y[:400]
    model = _small_cnn()
    model.compile(optimizer="adam", loss="categorical_cross_entropy", metrics=["accuracy"], lr=3e-3)
    history = model.fit(X, y, epochs=12, batch_size=32, verbose=0, rng=0)
    assert history.loss[-1] < history.loss[0]
    assert model.evaluate(X, y)["accuracy"] > 0.9
    path = model.save(tmp_path / "cnn")
    other = _small_cnn().load(path)
    np.testing.assert_allclose(other.predict(X), model.predict(X))


def test_cnn_float32_stays_float32():
    model = _small_cnn(np.float32)
    model.compile(optimizer="adam", loss="categorical_cross_entropy")
    X = np.random.default_rng(10).normal(size=(16, 1, 8, 8))
    model.fit(X, np.arange(16) % 10, epochs=1, batch_size=8, verbose=0)
    for layer in model.layers:
        for p in layer.params.values():
            assert p.dtype == np.float32
    assert model.predict(X).dtype == np.float32


def test_layers_run_the_functions_they_are_given():
    """Notebook 09 trains its CNN with the student's functions: Conv2D and MaxPool2D run
    what they are given (any function with dlkit's signature), with the same results as
    dlkit's fast path for a correct one, another result for a wrong one, the layer's dtype
    kept, and a stub's NotImplementedError passed on."""
    rng = np.random.default_rng(11)
    X = rng.normal(size=(3, 2, 6, 6))
    calls = []

    def forward(X_, W, b, stride, pad):
        calls.append("forward")
        return conv.conv2d_forward(X_, W, b, stride, pad)

    def backward(dout, X_, W, stride, pad):
        calls.append("backward")
        return conv.conv2d_backward(dout, X_, W, stride, pad)

    fast = layers.Conv2D(2, 4, 3, stride=2, pad=1, rng=0)
    given = layers.Conv2D(
        2, 4, 3, stride=2, pad=1, rng=0, conv2d_forward=forward, conv2d_backward=backward
    )
    out = given(X)
    np.testing.assert_allclose(out, fast(X), rtol=1e-12, atol=1e-12)
    G = rng.normal(size=out.shape)
    np.testing.assert_allclose(given.backward(G), fast.backward(G), rtol=1e-12, atol=1e-12)
    for key in ("W", "b"):
        np.testing.assert_allclose(given.grads[key], fast.grads[key], rtol=1e-12, atol=1e-12)
    assert calls == ["forward", "backward"]

    def flipped(X_, W, b, stride, pad):  # a wrong answer: the mathematicians' convolution
        return conv.conv2d_forward(X_, W[:, :, ::-1, ::-1], b, stride, pad)

    wrong = layers.Conv2D(2, 4, 3, stride=2, pad=1, rng=0, conv2d_forward=flipped)
    assert not np.allclose(wrong(X), fast(X))

    def stub(*args):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        layers.Conv2D(2, 4, 3, rng=0, conv2d_forward=stub)(X)
    with pytest.raises(TypeError, match="returned None"):
        layers.Conv2D(2, 4, 3, rng=0, conv2d_forward=lambda *a: None)(X)
    with pytest.raises(TypeError, match="must be a function"):
        layers.Conv2D(2, 4, 3, conv2d_backward="conv")
    # a float32 layer stays float32 even when the function promotes to float64
    f32 = layers.Conv2D(
        2, 4, 3, rng=0, dtype=np.float32,
        conv2d_forward=lambda *a: forward(*a).astype(np.float64),
        conv2d_backward=lambda *a: tuple(g.astype(np.float64) for g in backward(*a)),
    )  # fmt: skip
    out32 = f32(X.astype(np.float32))
    assert out32.dtype == np.float32
    assert f32.backward(np.ones_like(out32)).dtype == np.float32
    assert f32.grads["W"].dtype == np.float32 and f32.grads["b"].dtype == np.float32

    def mean_pool(X_, size, stride):  # a wrong answer: average pooling
        windows = [X_[:, :, u::stride, v::stride][:, :, : X_.shape[2] // stride, : X_.shape[3] // stride]
                   for u in range(size) for v in range(size)]  # fmt: skip
        return np.mean(windows, axis=0)

    pooled = layers.MaxPool2D(2)(X)
    assert not np.allclose(layers.MaxPool2D(2, maxpool2d=mean_pool)(X), pooled)
    seen = []
    pool = layers.MaxPool2D(
        2,
        maxpool2d=lambda *a: seen.append("maxpool2d") or conv.maxpool2d(*a),
        maxpool2d_backward=lambda *a: seen.append("backward") or conv.maxpool2d_backward(*a),
    )
    np.testing.assert_array_equal(pool(X), pooled)
    ones = np.ones_like(pooled)
    np.testing.assert_array_equal(pool.backward(ones), conv.maxpool2d_backward(ones, X))
    assert seen == ["maxpool2d", "backward"]
    unfinished = layers.MaxPool2D(2, maxpool2d_backward=stub)
    unfinished(X)
    with pytest.raises(NotImplementedError):
        unfinished.backward(ones)
