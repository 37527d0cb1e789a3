"""dlkit.recurrent: embeddings, the vanilla RNN and BPTT, clipping, the memory task.

Each reference is checked against a plain loop (the oracle), central differences, and
PyTorch (torch.nn.RNN with tanh and batch_first, torch.nn.Embedding,
torch.nn.utils.clip_grad_norm_) where it is installed.
"""

import numpy as np
import pytest

from dlkit import recurrent
from dlkit.checks import check_close
from dlkit.gradcheck import numerical_gradient


def _rnn_problem(N=3, T=5, D=4, H=6, seed=0):
    rng = np.random.default_rng(seed)
    return (
        rng.normal(size=(N, T, D)),
        np.tanh(rng.normal(size=(N, H))),
        rng.normal(size=(D, H)) * 0.6,
        rng.normal(size=(H, H)) * 0.5,
        rng.normal(size=H) * 0.3,
    )


def _loop_forward(X, h0, Wx, Wh, b):
    N, T, _ = X.shape
    H = np.zeros((N, T, Wh.shape[0]))
    for n in range(N):
        h = h0[n]
        for t in range(T):
            pre = np.array(
                [
                    sum(X[n, t, d] * Wx[d, j] for d in range(Wx.shape[0]))
                    + sum(h[k] * Wh[k, j] for k in range(Wh.shape[0]))
                    + b[j]
                    for j in range(Wh.shape[0])
                ]
            )
            h = np.tanh(pre)
            H[n, t] = h
    return H


# ------------------------------------------------------------------------------ embeddings


def test_embedding_forward_is_one_hot_times_E_for_any_shape():
    rng = np.random.default_rng(1)
    E = rng.normal(size=(7, 3))
    for shape in [(), (5,), (2, 4), (2, 3, 2)]:
        ids = rng.integers(0, 7, size=shape)
        check_close(recurrent.embedding_forward(ids, E), np.eye(7)[ids] @ E, f"lookup {shape}")


def test_embedding_backward_adds_repeats_by_hand():
    dE = recurrent.embedding_backward(
        np.array([[1.0, 2.0], [10.0, 20.0], [100.0, 200.0]]), [1, 3, 1], 5
    )
    check_close(dE, [[0, 0], [101, 202], [0, 0], [10, 20], [0, 0]], "dE")


def test_embedding_backward_matches_central_differences():
    rng = np.random.default_rng(2)
    E = rng.normal(size=(6, 3))
    ids = rng.integers(0, 6, size=(3, 4))
    G = rng.normal(size=(3, 4, 3))
    numeric = numerical_gradient(lambda W: np.sum(recurrent.embedding_forward(ids, W) * G), E)
    check_close(recurrent.embedding_backward(G, ids, 6), numeric, "dE", rtol=1e-6, atol=1e-8)


def test_embedding_validates_its_inputs():
    E = np.zeros((4, 2))
    with pytest.raises(TypeError, match="ids must hold integers"):
        recurrent.embedding_forward(np.array([0.0, 1.0]), E)
    with pytest.raises(IndexError, match=r"ids must lie in \[0, 4\)"):
        recurrent.embedding_forward(np.array([0, 4]), E)
    with pytest.raises(ValueError, match="dout must have shape"):
        recurrent.embedding_backward(np.zeros((3, 2)), np.array([0, 1]), 4)


def test_embedding_matches_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    E = rng.normal(size=(9, 4))
    ids = rng.integers(0, 9, size=(3, 5))
    G = rng.normal(size=(3, 5, 4))
    emb = torch.nn.Embedding(9, 4).double()
    with torch.no_grad():
        emb.weight.copy_(torch.from_numpy(E))
    out = emb(torch.from_numpy(ids))
    (out * torch.from_numpy(G)).sum().backward()
    check_close(recurrent.embedding_forward(ids, E), out.detach().numpy(), "lookup vs torch")
    check_close(recurrent.embedding_backward(G, ids, 9), emb.weight.grad.numpy(), "dE vs torch")


# ------------------------------------------------------------------------------ the RNN


def test_rnn_step_by_hand():
    x = np.array([[0.5, -1.0, 2.0], [0.0, 0.3, -0.2]])
    h = np.array([[0.1, -0.4], [0.7, 0.2]])
    Wx = np.array([[0.2, -0.1], [0.4, 0.3], [-0.5, 0.1]])
    Wh = np.array([[0.6, -0.2], [0.3, 0.8]])
    b = np.array([0.05, -0.1])
    # first row, first unit: 0.5*0.2 - 1*0.4 + 2*(-0.5) + 0.1*0.6 - 0.4*0.3 + 0.05 = -1.31
    assert recurrent.rnn_step(x, h, Wx, Wh, b)[0, 0] == pytest.approx(np.tanh(-1.31))
    check_close(
        recurrent.rnn_step(x, h, Wx, Wh, b),
        [[-0.8642754128, -0.5298956075], [0.6351489524, -0.0099996667]],
        "rnn_step",
    )


def test_rnn_forward_matches_a_loop_oracle_and_keeps_the_cache():
    X, h0, Wx, Wh, b = _rnn_problem()
    H, cache = recurrent.rnn_forward(X, h0, Wx, Wh, b)
    check_close(H, _loop_forward(X, h0, Wx, Wh, b), "H", rtol=1e-12)
    assert len(cache) == 6 and cache[5] is H and cache[0] is X


def test_rnn_forward_validates_shapes():
    X, h0, Wx, Wh, b = _rnn_problem()
    with pytest.raises(ValueError, match=r"Wx maps inputs to hidden units: \(D, H\)"):
        recurrent.rnn_forward(X, h0, Wx.T, Wh, b)
    with pytest.raises(ValueError, match="X must be 3-D"):
        recurrent.rnn_forward(X[0], h0, Wx, Wh, b)
    with pytest.raises(ValueError, match="dH must have the shape"):
        recurrent.rnn_backward(np.zeros((1, 1, 1)), recurrent.rnn_forward(X, h0, Wx, Wh, b)[1])


@pytest.mark.parametrize("T", [1, 2, 6])
def test_rnn_backward_matches_central_differences(T):
    X, h0, Wx, Wh, b = _rnn_problem(T=T, seed=T)
    G = np.random.default_rng(10 + T).normal(size=(X.shape[0], T, Wh.shape[0]))
    params = {"X": X, "h0": h0, "Wx": Wx, "Wh": Wh, "b": b}
    grads = recurrent.rnn_backward(G, recurrent.rnn_forward(**params)[1])
    for k, name in enumerate(params):
        numeric = numerical_gradient(
            lambda v, name=name: np.sum(recurrent.rnn_forward(**{**params, name: v})[0] * G),
            np.array(params[name]),
        )
        check_close(grads[k], numeric, f"d{name}, T = {T}", rtol=1e-5, atol=1e-8)


def _torch_rnn(torch, Wx, Wh, b):
    D, H = Wx.shape
    rnn = torch.nn.RNN(D, H, nonlinearity="tanh", batch_first=True).double()
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(Wx.T))
        rnn.weight_hh_l0.copy_(torch.from_numpy(Wh.T))
        rnn.bias_ih_l0.copy_(torch.from_numpy(b))
        rnn.bias_hh_l0.zero_()
    return rnn


def test_rnn_forward_and_backward_match_torch():
    torch = pytest.importorskip("torch")
    X, h0, Wx, Wh, b = _rnn_problem(N=4, T=7, D=3, H=5, seed=4)
    G = np.random.default_rng(5).normal(size=(4, 7, 5))
    rnn = _torch_rnn(torch, Wx, Wh, b)
    x = torch.from_numpy(X).requires_grad_(True)
    h = torch.from_numpy(h0[None]).requires_grad_(True)
    out, h_last = rnn(x, h)
    (out * torch.from_numpy(G)).sum().backward()
    H, cache = recurrent.rnn_forward(X, h0, Wx, Wh, b)
    check_close(H, out.detach().numpy(), "H vs torch.nn.RNN", rtol=1e-10)
    check_close(H[:, -1], h_last.detach().numpy()[0], "last state vs torch", rtol=1e-10)
    dX, dh0, dWx, dWh, db = recurrent.rnn_backward(G, cache)
    check_close(dX, x.grad.numpy(), "dX vs torch", rtol=1e-9)
    check_close(dh0, h.grad.numpy()[0], "dh0 vs torch", rtol=1e-9)
    check_close(dWx, rnn.weight_ih_l0.grad.numpy().T, "dWx vs torch", rtol=1e-9)
    check_close(dWh, rnn.weight_hh_l0.grad.numpy().T, "dWh vs torch", rtol=1e-9)
    check_close(db, rnn.bias_ih_l0.grad.numpy(), "db vs torch (either bias)", rtol=1e-9)
    check_close(db, rnn.bias_hh_l0.grad.numpy(), "db vs torch's second bias", rtol=1e-9)


# ------------------------------------------------------------------------------ clipping


def test_clip_gradients_by_hand():
    grads = [np.array([3.0, 0.0]), np.array([[0.0], [4.0]])]
    clipped = recurrent.clip_gradients(grads, 4.0)
    check_close(clipped[0], [2.4, 0.0], "first")
    check_close(clipped[1], [[0.0], [3.2]], "second")
    same = recurrent.clip_gradients(grads, 5.0)  # exactly at the threshold: unchanged
    assert all(np.array_equal(a, g) and a is not g for a, g in zip(same, grads, strict=True))
    assert recurrent.global_norm(grads) == pytest.approx(5.0)
    with pytest.raises(ValueError, match="max_norm must be a positive number"):
        recurrent.clip_gradients(grads, 0)


@pytest.mark.parametrize("max_norm", [0.5, 3.0, 1e3])
def test_clip_gradients_matches_torch(max_norm):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(6)
    grads = [rng.normal(size=(3, 4)), rng.normal(size=5), rng.normal(size=(2, 2, 2))]
    tensors = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for t, g in zip(tensors, grads, strict=True):
        t.grad = torch.from_numpy(g.copy())
    torch.nn.utils.clip_grad_norm_(tensors, max_norm)
    for ours, t in zip(recurrent.clip_gradients(grads, max_norm), tensors, strict=True):
        check_close(ours, t.grad.numpy(), "clipped gradient vs torch", rtol=1e-6)


# ------------------------------------------------------------------------------ through time, memory


@pytest.mark.parametrize("scale", [0.8, 1.0, 1.2])
def test_gradient_through_time_without_tanh_changes_by_the_scale_per_step(scale):
    norms = recurrent.gradient_through_time(T=12, scale=scale, activation="identity", n_samples=4)
    assert norms[-1] == pytest.approx(2.0)  # sqrt(n_samples) unit rows
    check_close(norms[:-1] / norms[1:], np.full(11, scale), "ratio per step", rtol=1e-9)


def test_gradient_through_time_with_tanh_is_below_the_identity_bound():
    tanh = recurrent.gradient_through_time(T=20, scale=1.0, activation="tanh")
    assert np.all(
        tanh <= recurrent.gradient_through_time(T=20, scale=1.0, activation="identity") + 1e-12
    )
    assert tanh[0] < 1e-3 * tanh[-1]


def test_gradient_through_time_runs_the_rnn_it_is_given():
    """The tanh curve is backpropagation through time by the functions given (notebook 10
    passes the student's); identity is the closed form and runs none of them."""
    calls = []

    def forward(*args):
        calls.append("forward")
        return recurrent.rnn_forward(*args)

    def backward(dH, cache):
        calls.append("backward")
        return recurrent.rnn_backward(dH, cache)

    def no_tanh_backward(dH, cache):  # forgets tanh' = 1 - h**2
        X, h0, Wx, Wh, b, H = cache
        return recurrent.rnn_backward(dH, (X, h0, Wx, Wh, b, np.zeros_like(H)))

    default = recurrent.gradient_through_time(T=15, scale=1.5, rng=0)
    given = recurrent.gradient_through_time(
        T=15, scale=1.5, rng=0, rnn_forward=forward, rnn_backward=backward
    )
    assert calls == ["forward", "backward"] and np.array_equal(given, default)
    wrong = recurrent.gradient_through_time(T=15, scale=1.5, rng=0, rnn_backward=no_tanh_backward)
    assert np.all(wrong[:-1] > default[:-1])
    check_close(
        wrong,
        recurrent.gradient_through_time(T=15, scale=1.5, activation="identity", rng=0),
        "without tanh' the norm changes by the scale per step",
        rtol=1e-9,
    )
    calls.clear()
    recurrent.gradient_through_time(T=5, activation="identity", rnn_forward=forward)
    assert calls == []


def test_train_memory_rnn_runs_the_pieces_it_is_given():
    """train_memory_rnn and memory_rnn_predict chain the functions given (notebook 10 passes
    the student's): the same functions give the same run, a wrong clipping another one."""
    ids, y = recurrent.memory_task(200, T=6, rng=1)
    calls = {}

    def spy(fn):
        def run(*args):
            calls[fn.__name__] = calls.get(fn.__name__, 0) + 1
            return fn(*args)

        return run

    names = (
        "embedding_forward",
        "embedding_backward",
        "rnn_forward",
        "rnn_backward",
        "clip_gradients",
    )
    pieces = {name: spy(getattr(recurrent, name)) for name in names}
    kwargs = {"hidden": 8, "epochs": 2, "rng": 0, "max_norm": 0.5}
    params, history = recurrent.train_memory_rnn(ids, y, **kwargs)
    params2, history2 = recurrent.train_memory_rnn(ids, y, **kwargs, **pieces)
    assert set(calls) == set(names) and calls["clip_gradients"] == 2 * 4  # 4 batches per epoch
    assert history2 == history and all(np.array_equal(params[k], params2[k]) for k in params)
    calls.clear()
    P = recurrent.memory_rnn_predict(
        params,
        ids,
        embedding_forward=pieces["embedding_forward"],
        rnn_forward=pieces["rnn_forward"],
    )
    assert calls == {"embedding_forward": 1, "rnn_forward": 1}
    check_close(P, recurrent.memory_rnn_predict(params, ids), "predict with the pieces given")
    _, unclipped = recurrent.train_memory_rnn(
        ids, y, **kwargs, clip_gradients=lambda grads, max_norm: [g.copy() for g in grads]
    )
    assert unclipped["loss"] != history["loss"]


def test_memory_task_labels_are_the_first_symbol():
    ids, y = recurrent.memory_task(50, T=6, n_symbols=3, rng=0)
    assert ids.shape == (50, 6) and ids.min() >= 0 and ids.max() <= 2
    assert np.array_equal(y, ids[:, 0])


def test_train_memory_rnn_learns_a_short_memory_task():
    ids, y = recurrent.memory_task(400, T=8, rng=1)
    params, history = recurrent.train_memory_rnn(ids, y, hidden=16, epochs=6, rng=0)
    test_ids, test_y = recurrent.memory_task(300, T=8, rng=2)
    accuracy = np.mean(recurrent.memory_rnn_predict(params, test_ids).argmax(axis=1) == test_y)
    assert accuracy > 0.9
    assert len(history["loss"]) == 6 and history["loss"][-1] < history["loss"][0]
