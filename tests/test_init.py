"""dlkit.init: shapes, the promised variances, determinism, PyTorch's twins."""

import numpy as np
import pytest

from dlkit import init

SHAPES = [(400, 300), (784, 128)]


@pytest.mark.parametrize("name", sorted(init.INITIALISERS))
def test_shape_dtype_and_determinism(name):
    f = init.INITIALISERS[name]
    W = f(5, 3, rng=np.random.default_rng(1))
    assert W.shape == (5, 3) and W.dtype == np.float64
    assert np.array_equal(W, f(5, 3, rng=np.random.default_rng(1)))
    assert np.array_equal(f(5, 3, rng=None), f(5, 3, rng=0)), "None means the course's fixed seed 0"


@pytest.mark.parametrize("n_in, n_out", SHAPES)
@pytest.mark.parametrize(
    "name, variance",
    [
        ("xavier", lambda i, o: 2 / (i + o)),
        ("xavier_uniform", lambda i, o: 2 / (i + o)),
        ("he", lambda i, o: 2 / i),
        ("he_uniform", lambda i, o: 2 / i),
        ("small", lambda i, o: 1e-4),
    ],
)
def test_variance_matches_theory(name, variance, n_in, n_out):
    for seed in range(3):
        W = init.init_weights(n_in, n_out, name, rng=seed)
        assert abs(W.mean()) < 0.05 * np.sqrt(variance(n_in, n_out)) * 10
        assert W.var() == pytest.approx(variance(n_in, n_out), rel=0.05)


def test_zeros_are_zero_and_biases_start_at_zero():
    assert not init.zeros(3, 4).any()
    params = init.init_params([4, 8, 3], method="xavier", rng=2)
    assert [(W.shape, b.shape) for W, b in params] == [((4, 8), (8,)), ((8, 3), (3,))]
    assert all(not b.any() for _, b in params)


def test_init_params_draws_through_one_generator():
    a = init.init_params([3, 5, 5, 2], rng=np.random.default_rng(7))
    b = init.init_params([3, 5, 5, 2], rng=np.random.default_rng(7))
    c = init.init_params([3, 5, 5, 2], rng=np.random.default_rng(8))
    assert all(np.array_equal(x[0], y[0]) for x, y in zip(a, b, strict=True))
    assert not np.array_equal(a[0][0], c[0][0])
    assert not np.array_equal(a[1][0], a[2][0]), "layers must not repeat the same draw"


def test_bad_arguments():
    with pytest.raises(ValueError, match="method must be one of"):
        init.init_weights(2, 3, "kaiming")
    with pytest.raises(ValueError, match="at least an input and an output size"):
        init.init_params([4])
    with pytest.raises(ValueError, match="n_in must be >= 1"):
        init.he_normal(0, 3)
    with pytest.raises(TypeError, match="default_rng"):
        init.he_normal(2, 3, rng="seed")


@pytest.mark.parametrize("name", ["xavier_uniform", "he_uniform", "xavier", "he"])
def test_pytorch_variance_parity(name):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    t = torch.empty(300, 400, dtype=torch.float64)  # torch stores (n_out, n_in)
    {
        "xavier_uniform": torch.nn.init.xavier_uniform_,
        "xavier": torch.nn.init.xavier_normal_,
        "he_uniform": lambda w: torch.nn.init.kaiming_uniform_(w, nonlinearity="relu"),
        "he": lambda w: torch.nn.init.kaiming_normal_(w, nonlinearity="relu"),
    }[name](t)
    ours = init.init_weights(400, 300, name, rng=0)
    assert ours.var() == pytest.approx(float(t.var()), rel=0.05)
    if name.endswith("uniform"):
        assert np.abs(ours).max() == pytest.approx(float(t.abs().max()), rel=0.01)
