"""dlkit.losses: hand-computed values, central differences, stability, errata, PyTorch parity."""

import warnings

import numpy as np
import pytest

from dlkit import losses as L
from dlkit.activations import softmax
from dlkit.checks import check_close, check_gradient, check_input_unchanged

ELEMENTWISE = ["mse", "mae", "huber", "binary_cross_entropy", "hinge"]
CATEGORICAL = ["categorical_cross_entropy", "cross_entropy_from_logits"]


def _random_case(name, shape, rng):
    """Targets and predictions for loss ``name``, away from kinks and inside (0, 1)."""
    n, k = shape[0], (shape[1] if len(shape) == 2 else 3)
    sign = rng.choice([-1.0, 1.0], size=shape)
    if name == "mse":
        return rng.normal(size=shape), rng.normal(size=shape)
    if name == "mae":  # |residual| >= 0.1: far from the kink at 0
        y = rng.normal(size=shape)
        return y, y + sign * rng.uniform(0.1, 1.0, size=shape)
    if name == "huber":  # residuals on both sides of delta = 1, none close to it
        y = rng.normal(size=shape)
        small, large = rng.uniform(0.1, 0.8, size=shape), rng.uniform(1.2, 3.0, size=shape)
        return y, y + sign * np.where(rng.random(shape) < 0.5, small, large)
    if name == "binary_cross_entropy":
        return rng.integers(0, 2, size=shape).astype(float), rng.uniform(0.1, 0.9, size=shape)
    if name == "hinge":  # 1 - y s = -m with |m| >= 0.1: away from the kink at the margin
        y = rng.choice([-1.0, 1.0], size=shape)
        m = rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.1, 1.0, size=shape)
        return y, y * (1.0 + m)
    Y = L.one_hot(rng.integers(0, k, size=n), k)
    Z = rng.normal(scale=2.0, size=(n, k))
    if name == "categorical_cross_entropy":
        return Y, softmax(Z)
    return Y, Z


@pytest.fixture
def no_float_warnings():
    """Overflow, log(0), 0/0 and any RuntimeWarning become errors inside the block."""
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        yield


# --------------------------------------------------------------------------- by hand


def test_regression_hand_computed():
    y, y_hat = [1.0, 2.0, 3.0], [1.0, 2.0, 5.0]
    assert L.mse(y, y_hat) == pytest.approx(4.0 / 3.0)
    assert L.mae(y, y_hat) == pytest.approx(2.0 / 3.0)
    check_close(L.mse_grad(y, y_hat), [0.0, 0.0, 4.0 / 3.0], "mse_grad = 2 r / n")
    check_close(L.mae_grad(y, y_hat), [0.0, 0.0, 1.0 / 3.0], "mae_grad is 0 at r = 0")
    # (n, k): the mean runs over all n * k entries
    assert L.mse([[0.0, 0.0]], [[1.0, 3.0]]) == pytest.approx(5.0)


def test_huber_both_branches():
    y, y_hat = [0.0, 0.0], [0.5, -3.0]
    # |0.5| <= 1: 0.5 * 0.25; |-3| > 1: 1 * (3 - 0.5)
    assert L.huber(y, y_hat) == pytest.approx((0.125 + 2.5) / 2)
    check_close(L.huber_grad(y, y_hat), [0.25, -0.5], "huber_grad = clip(r, -delta, delta) / n")
    # delta = 2: |-3| > 2 gives 2 * (3 - 1)
    assert L.huber(y, y_hat, delta=2.0) == pytest.approx((0.125 + 4.0) / 2)
    r = np.array([0.3, -0.7, 0.9])
    assert L.huber(np.zeros(3), r) == pytest.approx(0.5 * L.mse(np.zeros(3), r))


def test_binary_cross_entropy_hand_computed():
    y, p = [1.0, 0.0], [0.8, 0.4]
    assert L.binary_cross_entropy(y, p) == pytest.approx(-(np.log(0.8) + np.log(0.6)) / 2)
    check_close(
        L.binary_cross_entropy_grad(y, p), [-1 / 0.8 / 2, 1 / 0.6 / 2], "binary_cross_entropy_grad"
    )


def test_categorical_cross_entropy_classic_example():
    Y, P = [[0.0, 1.0, 0.0]], [[0.2, 0.7, 0.1]]
    assert L.categorical_cross_entropy(Y, P) == pytest.approx(-np.log(0.7))
    check_close(L.categorical_cross_entropy_grad(Y, P), [[0.0, -1 / 0.7, 0.0]], "cce_grad")


def test_cross_entropy_from_logits_matches_softmax_then_cce():
    Z, Y = np.array([[1.6, 0.55, 0.98]]), np.array([[1.0, 0.0, 0.0]])
    # the spec's reference: softmax([1.6, 0.55, 0.98])[0] = 0.5297
    assert L.cross_entropy_from_logits(Y, Z) == pytest.approx(-np.log(0.5297), abs=1e-4)
    rng = np.random.default_rng(0)
    Y, Z = _random_case("cross_entropy_from_logits", (6, 4), rng)
    assert L.cross_entropy_from_logits(Y, Z) == pytest.approx(
        L.categorical_cross_entropy(Y, softmax(Z)), rel=1e-12
    )
    check_close(L.cross_entropy_from_logits_grad(Y, Z), (softmax(Z) - Y) / 6, "(P - Y) / n")


def test_hinge_with_a_margin_violation():
    # margins y s = 2 (fine), -0.5 (wrong side), 0.5 (right side but inside the margin)
    y, s = [1.0, -1.0, 1.0], [2.0, 0.5, 0.5]
    assert L.hinge(y, s) == pytest.approx((0.0 + 1.5 + 0.5) / 3)
    check_close(L.hinge_grad(y, s), [0.0, 1 / 3, -1 / 3], "hinge_grad")


def test_one_hot_hand_computed_and_round_trip():
    check_close(L.one_hot([2, 0, 1, 2], 3), [[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]], "one_hot")
    labels = np.random.default_rng(1).integers(0, 7, size=50)
    Y = L.one_hot(labels, 7)
    assert Y.shape == (50, 7) and Y.dtype == np.float64
    np.testing.assert_array_equal(Y.argmax(axis=1), labels)
    np.testing.assert_array_equal(Y.sum(axis=1), np.ones(50))
    np.testing.assert_array_equal(L.one_hot(np.array([1.0, 0.0]), 2), [[0, 1], [1, 0]])
    assert L.one_hot(np.array([], dtype=int), 4).shape == (0, 4)


# --------------------------------------------------------------------------- gradients


@pytest.mark.parametrize("shape", [(7,), (4, 3)])
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_gradients_match_central_differences(name, shape):
    rng = np.random.default_rng(2)
    f, df = L.get(name)
    y, pred = _random_case(name, shape, rng)
    check_gradient(lambda q: f(y, q), lambda q: df(y, q), pred, f"{name}_grad")


@pytest.mark.parametrize("shape", [(1, 3), (5, 4), (8, 10)])
@pytest.mark.parametrize("name", CATEGORICAL)
def test_categorical_gradients_match_central_differences(name, shape):
    rng = np.random.default_rng(3)
    f, df = L.get(name)
    Y, pred = _random_case(name, shape, rng)
    check_gradient(lambda q: f(Y, q), lambda q: df(Y, q), pred, f"{name}_grad")


def test_gradients_with_other_hyper_parameters():
    rng = np.random.default_rng(4)
    y = rng.normal(size=9)
    y_hat = y + rng.choice([-1.0, 1.0], size=9) * rng.uniform(0.6, 1.5, size=9)
    y_hat[np.abs(np.abs(y_hat - y) - 0.5) < 0.05] += 0.2  # keep |r| off delta = 0.5
    check_gradient(
        lambda q: L.huber(y, q, delta=0.5), lambda q: L.huber_grad(y, q, delta=0.5), y_hat, "huber"
    )
    soft = rng.uniform(0, 1, size=(3, 2))  # BCE accepts soft targets in [0, 1]
    p = rng.uniform(0.1, 0.9, size=(3, 2))
    check_gradient(
        lambda q: L.binary_cross_entropy(soft, q),
        lambda q: L.binary_cross_entropy_grad(soft, q),
        p,
        "binary_cross_entropy_grad, soft targets",
    )


# --------------------------------------------------------------------------- stability


def test_cross_entropies_finite_for_probabilities_exactly_0_and_1(no_float_warnings):
    y, p = np.array([1.0, 0.0, 1.0, 0.0]), np.array([1.0, 0.0, 0.0, 1.0])
    worst = -np.log(1e-12)  # a confident mistake costs -log(eps), not inf
    for dtype in (np.float64, np.float32):  # float32 cannot hold 1 - 1e-12
        # rel=1e-6: 1 - (1 - 1e-12) is 1e-12 only up to float64 rounding
        assert L.binary_cross_entropy(y, p.astype(dtype)) == pytest.approx(worst / 2, rel=1e-6)
        assert np.isfinite(L.binary_cross_entropy_grad(y, p.astype(dtype))).all()
    Y, P = L.one_hot([1, 1], 3), np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    assert L.categorical_cross_entropy(Y, P) == pytest.approx(worst / 2, rel=1e-9)
    assert np.isfinite(L.categorical_cross_entropy_grad(Y, P)).all()
    assert L.binary_cross_entropy([1.0, 0.0], [1.0, 0.0]) < 1e-11  # right and sure: ~0


def test_cross_entropy_from_logits_finite_for_huge_logits(no_float_warnings):
    Z = np.array([[1e4, 0.0, -1e4], [-1e4, 1e4, 0.0], [1e5, 1e5, -1e5]])
    Y = L.one_hot([0, 0, 1], 3)
    # rows: right and sure (0), wrong by 2e4 (2e4), a tie between two classes (log 2)
    assert L.cross_entropy_from_logits(Y, Z) == pytest.approx((0 + 2e4 + np.log(2)) / 3)
    check_close(
        L.cross_entropy_from_logits_grad(Y, Z),
        np.array([[0, 0, 0], [-1, 1, 0], [0.5, -0.5, 0]]) / 3,
        "gradient for huge logits",
    )
    assert np.isfinite(L.cross_entropy_from_logits(Y, Z.astype(np.float32)))


# --------------------------------------------------------------------------- errata


def test_categorical_cross_entropy_has_no_binary_term():
    Y, P = np.array([[0.0, 1.0, 0.0]]), np.array([[0.2, 0.7, 0.1]])
    # the frequent mistake: copying BCE's (1 - y) log(1 - p) term into the categorical loss
    wrong = -np.sum(Y * np.log(P) + (1 - Y) * np.log(1 - P))
    got = L.categorical_cross_entropy(Y, P)
    assert got == pytest.approx(-np.log(0.7), rel=1e-12)
    assert abs(got - wrong) > 0.3  # wrong adds -log 0.8 - log 0.9 = 0.329


# --------------------------------------------------------------------------- validation


def test_shape_errors_name_both_shapes_and_suggest_ravel():
    y = np.arange(5.0)
    with pytest.raises(ValueError, match=r"got y.shape=\(5,\) and y_hat.shape=\(5, 1\). Use y_hat"):
        L.mse(y, y.reshape(-1, 1))
    with pytest.raises(ValueError, match=r"y.shape=\(5, 1\) and p.shape=\(5,\). Use y.ravel\(\)"):
        L.binary_cross_entropy(y.reshape(-1, 1) / 5, y / 5)
    with pytest.raises(ValueError, match=r"y.shape=\(5,\) and y_hat.shape=\(4,\)"):
        L.mae(y, y[:4])
    with pytest.raises(ValueError, match=r"y must be 1-D or 2-D; got shape \(\)"):
        L.huber(1.0, 1.0)
    with pytest.raises(ValueError, match="y_hat is empty"):
        L.mse([], [])
    with pytest.raises(
        ValueError, match=r"looks like class labels. Convert them with one_hot\(labels, 3\)"
    ):
        L.categorical_cross_entropy([0, 2], softmax(np.zeros((2, 3))))
    with pytest.raises(ValueError, match=r"Z must be 2-D; got shape \(3,\)"):
        L.cross_entropy_from_logits([[1, 0, 0]], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"Y.shape=\(2, 3\) and P.shape=\(2, 4\)"):
        L.categorical_cross_entropy(L.one_hot([0, 1], 3), np.full((2, 4), 0.25))


def test_value_errors_name_the_offending_value_and_a_fix():
    with pytest.raises(ValueError, match=r"p must lie in \[0, 1\]; got 2.5 at index 1.*sigmoid"):
        L.binary_cross_entropy([1.0, 0.0], [0.5, 2.5])
    with pytest.raises(ValueError, match=r"y must lie in \[0, 1\]; got -1.*\(y \+ 1\) / 2"):
        L.binary_cross_entropy([-1.0, 1.0], [0.5, 0.5])
    with pytest.raises(ValueError, match=r"p must lie in \[0, 1\]; got nan"):
        L.binary_cross_entropy([1.0], [np.nan])
    with pytest.raises(ValueError, match=r"P must lie in \[0, 1\].*cross_entropy_from_logits"):
        L.categorical_cross_entropy([[1.0, 0.0]], [[3.0, -1.0]])
    with pytest.raises(ValueError, match=r"row 1 sums to 2"):
        L.categorical_cross_entropy([[1.0, 0.0], [1.0, 1.0]], np.full((2, 2), 0.5))
    with pytest.raises(
        ValueError, match=r"y must hold labels -1 or \+1; got 0 at index 0.*2 \* y - 1"
    ):
        L.hinge([0.0, 1.0, 1.0], [0.3, 0.2, -1.0])
    with pytest.raises(ValueError, match=r"got 3 at index 1. Hinge loss takes"):
        L.hinge_grad([1.0, 3.0], [0.3, 0.2])
    with pytest.raises(ValueError, match="delta must be finite and > 0; got 0"):
        L.huber([1.0], [2.0], delta=0)
    with pytest.raises(ValueError, match="eps must be a small clipping margin below 0.5"):
        L.binary_cross_entropy([1.0], [0.5], eps=0.5)
    with pytest.raises(ValueError, match="name must be one of 'mse'"):
        L.get("cross_entropy")


def test_one_hot_rejects_bad_labels():
    with pytest.raises(ValueError, match=r"\[0, 3\); got 3 at index 2. Use n_classes=4"):
        L.one_hot([0, 2, 3], 3)
    with pytest.raises(ValueError, match=r"got 3 at index 1. The labels look 1-based"):
        L.one_hot([1, 3, 2], 3)
    with pytest.raises(ValueError, match=r"got -1 at index 0. Class indices are never negative"):
        L.one_hot([-1, 1], 2)
    with pytest.raises(ValueError, match=r"integer class indices.*got 1.5 at index 1"):
        L.one_hot([0.0, 1.5], 3)
    with pytest.raises(ValueError, match=r"got 'cat' at index 0.*np.unique"):
        L.one_hot(["cat", "dog"], 2)
    with pytest.raises(ValueError, match=r"labels must be 1-D.*Use labels.ravel\(\)"):
        L.one_hot(np.zeros((4, 1), dtype=int), 2)
    with pytest.raises(TypeError, match="n_classes must be an integer"):
        L.one_hot([0, 1], 2.0)


# --------------------------------------------------------------------------- contracts


@pytest.mark.parametrize("name", ELEMENTWISE + CATEGORICAL)
def test_float32_kept_and_loss_is_a_python_float(name):
    f, df = L.get(name)
    y, pred = _random_case(name, (4, 3), np.random.default_rng(5))
    pred32 = pred.astype(np.float32)
    loss = f(y, pred32)
    assert type(loss) is float
    assert loss == pytest.approx(f(y, pred), rel=1e-5)
    assert df(y, pred32).dtype == np.float32  # float64 targets do not upcast the gradient
    assert df(y.astype(np.float32), pred32).dtype == np.float32
    assert df(y, pred).dtype == np.float64
    assert df(y, pred).shape == pred.shape


@pytest.mark.parametrize("name", ELEMENTWISE + CATEGORICAL)
def test_inputs_left_unchanged_and_lists_accepted(name):
    f, df = L.get(name)
    y, pred = _random_case(name, (3, 2), np.random.default_rng(6))
    check_input_unchanged(f, y, pred)
    check_input_unchanged(df, y, pred)
    assert f(y.tolist(), pred.tolist()) == f(y, pred)


def test_registry_is_consistent():
    assert sorted(L.LOSSES) == sorted(ELEMENTWISE + CATEGORICAL)
    for name, (f, df) in L.LOSSES.items():
        assert L.get(name) == (f, df)
        assert f.__name__ == name and df.__name__ == f"{name}_grad"
        assert name in L.__all__ and f"{name}_grad" in L.__all__


# --------------------------------------------------------------------------- PyTorch


def _torch_loss(name, torch, y, pred_t, n_classes):
    nn = torch.nn
    t = torch.tensor(y)
    if name == "mse":
        return nn.MSELoss()(pred_t, t)
    if name == "mae":
        return nn.L1Loss()(pred_t, t)
    if name == "huber":
        return nn.HuberLoss(delta=1.0)(pred_t, t)
    if name == "binary_cross_entropy":
        return nn.BCELoss()(pred_t, t)
    if name == "hinge":
        return torch.clamp(1 - t * pred_t, min=0).mean()
    labels = torch.tensor(y.argmax(axis=1))  # torch takes class indices, not one-hot rows
    if name == "categorical_cross_entropy":
        return nn.NLLLoss()(torch.log(pred_t), labels)
    return nn.CrossEntropyLoss()(pred_t, labels)


@pytest.mark.parametrize("name", ELEMENTWISE + CATEGORICAL)
def test_pytorch_parity(name):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    for shape in [(9,), (5, 4)] if name in ELEMENTWISE else [(9, 4), (2, 6)]:
        y, pred = _random_case(name, shape, rng)
        pred_t = torch.tensor(pred, dtype=torch.float64, requires_grad=True)
        theirs = _torch_loss(name, torch, y, pred_t, shape[-1])
        theirs.backward()
        f, df = L.get(name)
        check_close(f(y, pred), theirs.item(), f"{name} vs torch", rtol=1e-10, atol=1e-12)
        check_close(
            df(y, pred), pred_t.grad.numpy(), f"{name}_grad vs autograd", rtol=1e-10, atol=1e-12
        )


def test_huber_pytorch_parity_other_delta():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(8)
    y, y_hat = rng.normal(size=(6, 2)), rng.normal(scale=2.0, size=(6, 2))
    y_hat_t = torch.tensor(y_hat, requires_grad=True)
    theirs = torch.nn.HuberLoss(delta=0.7)(y_hat_t, torch.tensor(y))
    theirs.backward()
    check_close(L.huber(y, y_hat, delta=0.7), theirs.item(), "huber(delta=0.7)", rtol=1e-10)
    check_close(
        L.huber_grad(y, y_hat, delta=0.7), y_hat_t.grad.numpy(), "huber_grad(delta=0.7)", rtol=1e-10
    )
