"""dlkit.activations: hand-computed values, central differences, stability, PyTorch parity."""

import warnings

import numpy as np
import pytest

from dlkit import activations as A
from dlkit.checks import check_close, check_derivative

PAIRS = [
    ("sigmoid", A.sigmoid, A.sigmoid_grad),
    ("tanh", A.tanh, A.tanh_grad),
    ("relu", A.relu, A.relu_grad),
    ("leaky_relu", A.leaky_relu, A.leaky_relu_grad),
    ("elu", A.elu, A.elu_grad),
    ("identity", A.identity, A.identity_grad),
]
EXTREME = np.array([-1e4, -745.0, -100.0, -1.0, 0.0, 1.0, 100.0, 745.0, 1e4])


def test_hand_computed_values():
    check_close(A.step([-1.0, 0.0, 2.0]), [0, 1, 1], "step")
    check_close(A.sigmoid([0.0, np.log(3.0)]), [0.5, 0.75], "sigmoid")
    check_close(A.relu([-2.0, 0.0, 3.0]), [0, 0, 3], "relu")
    check_close(A.leaky_relu([-2.0, 3.0]), [-0.02, 3.0], "leaky_relu")
    check_close(A.leaky_relu([-2.0], alpha=0.1), [-0.2], "leaky_relu alpha")
    check_close(A.elu([-1.0, 2.0], alpha=2.0), [2.0 * (np.exp(-1.0) - 1.0), 2.0], "elu")
    check_close(A.tanh([0.0]), [0.0], "tanh")
    check_close(A.relu_grad([-1.0, 0.0, 1.0]), [0, 0, 1], "relu_grad at 0 is 0")


def test_softmax_reference_example_from_the_spec():
    check_close(A.softmax([1.6, 0.55, 0.98]), [0.5297, 0.1854, 0.2849], "softmax", atol=5e-5)


def test_softmax_rows_over_last_axis():
    z = np.random.default_rng(0).normal(size=(5, 4))
    p = A.softmax(z)
    check_close(p.sum(axis=-1), np.ones(5), "row sums")
    check_close(A.softmax(z + 100.0), p, "shift invariance")
    check_close(p[2], A.softmax(z[2]), "one row")


def test_elu_range_and_leaky_relu_definition():
    z = np.linspace(-10, 50, 1001)
    out = A.elu(z, alpha=1.5)
    assert out.min() > -1.5  # (-alpha, inf); far below -30, exp(z) - 1 rounds to -1 exactly
    assert (out[z < 0] < 0).all()
    check_close(A.leaky_relu(z, 0.01), np.maximum(0.01 * z, z), "leaky_relu = max(alpha z, z)")


@pytest.mark.parametrize("name, f, df", PAIRS)
def test_derivatives_match_central_differences(name, f, df):
    rng = np.random.default_rng(1)
    z = rng.uniform(-4, 4, size=(6, 5))
    z = z[np.abs(z) > 1e-3] if name in ("relu", "leaky_relu", "elu") else z  # away from the kink
    check_derivative(f, df, z, f"{name}_grad")


@pytest.mark.parametrize("name, f, df", PAIRS)
def test_stable_and_warning_free_for_huge_inputs(name, f, df):
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        out, grad = f(EXTREME), df(EXTREME)
    if name != "identity" and name not in ("relu", "leaky_relu", "elu"):
        assert np.isfinite(out).all() and np.isfinite(grad).all()
    assert not np.isnan(out).any() and not np.isnan(grad).any()


def test_softmax_stable_for_huge_inputs():
    z = np.array([[1e4, 0.0, -1e4], [-1e4, -1e4, -1e4]])
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        p = A.softmax(z)
    check_close(p, [[1, 0, 0], [1 / 3, 1 / 3, 1 / 3]], "softmax extreme")


def test_sigmoid_symmetry_and_bounds():
    z = np.linspace(-40, 40, 81)
    s = A.sigmoid(z)
    check_close(s + A.sigmoid(-z), np.ones_like(z), "sigmoid(z) + sigmoid(-z)")
    assert ((s >= 0) & (s <= 1)).all()


def test_float32_stays_float32():
    z = np.linspace(-3, 3, 7, dtype=np.float32)
    for name, f, df in PAIRS:
        assert f(z).dtype == np.float32, name
        assert df(z).dtype == np.float32, name
    assert A.softmax(z).dtype == np.float32
    assert A.step(z).dtype == np.float32


def test_scalars_lists_and_bad_input():
    assert A.sigmoid(0) == 0.5
    assert np.ndim(A.relu(-1.0)) == 0
    with pytest.raises(TypeError, match="z must contain real numbers"):
        A.sigmoid(["a", "b"])
    with pytest.raises(ValueError, match="alpha must be finite and >= 0"):
        A.leaky_relu([1.0], alpha=-1)
    with pytest.raises(ValueError, match="at least one axis"):
        A.softmax(3.0)
    with pytest.raises(ValueError, match="name must be one of"):
        A.get("swish")


def test_registry_is_consistent():
    for name, (f, df) in A.ACTIVATIONS.items():
        assert A.get(name) == (f, df)
        assert f.__name__ == name and df.__name__ == f"{name}_grad"


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu", "elu"])
def test_pytorch_parity(name):
    torch = pytest.importorskip("torch")
    z = np.random.default_rng(2).normal(scale=3, size=(4, 7))
    zt = torch.tensor(z, requires_grad=True)
    ours, ours_grad = A.get(name)
    theirs = {
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": torch.relu,
        "leaky_relu": lambda t: torch.nn.functional.leaky_relu(t, 0.01),
        "elu": lambda t: torch.nn.functional.elu(t, 1.0),
    }[name]
    out = theirs(zt)
    out.sum().backward()
    check_close(ours(z), out.detach().numpy(), f"{name} vs torch", rtol=1e-10, atol=1e-12)
    check_close(
        ours_grad(z), zt.grad.numpy(), f"{name}_grad vs torch autograd", rtol=1e-10, atol=1e-12
    )


def test_softmax_pytorch_parity():
    torch = pytest.importorskip("torch")
    z = np.random.default_rng(3).normal(scale=5, size=(3, 6))
    check_close(
        A.softmax(z), torch.softmax(torch.tensor(z), dim=-1).numpy(), "softmax vs torch", rtol=1e-10
    )
