"""Numbers that the prose of notebooks 00-03 states about its own figures and cells.

Each test recomputes a claim with dlkit, the way the notebook's cell does, so that the text
cannot drift away from what the figure shows again (issue 20). Fast: no notebook runs.
"""

import numpy as np
import pytest

from dlkit import activations, data, init, layers, losses, perceptron

# ------------------------------------------------------------------ 00: constant columns


def test_00_a_column_of_point_ones_has_a_tiny_nonzero_std():
    column = np.full(3, 0.1)
    std = column.std()
    assert 1e-17 < std < 2e-17  # "about 1.4e-17", not 0
    assert np.ptp(column) == 0  # the range sees the constant column exactly
    # the usual guard (divide by 1 where std == 0) misses it: tiny / tiny is -1, not 0
    guarded = (column - column.mean()) / np.where(std == 0, 1.0, std)
    assert np.allclose(np.abs(guarded), 1.0)
    X = np.column_stack([np.array([1.0, 2.0, 4.0]), column])
    assert np.array_equal(data.standardize(X)[:, 1], np.zeros(3))


# ------------------------------------------------------------- 01: softmax and perceptron


@pytest.mark.parametrize("z", [-3.0, -0.5, 0.0, 1.25, 8.0])
def test_01_two_class_softmax_first_entry_is_sigmoid(z):
    s = activations.softmax(np.array([z, 0.0]))
    assert s[0] == pytest.approx(activations.sigmoid(np.array(z)), rel=1e-12)
    assert s[1] == pytest.approx(activations.sigmoid(np.array(-z)), rel=1e-12)


@pytest.mark.parametrize("gate", ["and", "or", "nand"])
@pytest.mark.parametrize("lr", [0.25, 0.5, 2.0, 3.0])
def test_01_from_zero_the_learning_rate_only_scales_the_perceptron(gate, lr):
    X, y = data.logic_gate(gate)
    w1, b1, errors1 = perceptron.perceptron_train(X, y, lr=1.0, epochs=8)
    w, b, errors = perceptron.perceptron_train(X, y, lr=lr, epochs=8)
    assert errors == errors1
    assert np.allclose(w, lr * w1) and b == pytest.approx(lr * b1)


def test_01_or_with_lr_half_is_half_of_lr_one():
    X, y = data.logic_gate("or")
    w, b, errors = perceptron.perceptron_train(X, y, lr=1.0, epochs=6)
    assert list(w) == [1.0, 1.0] and b == -1.0 and errors == [2, 2, 1, 0, 0, 0]
    w, b, errors = perceptron.perceptron_train(X, y, lr=0.5, epochs=6)
    assert list(w) == [0.5, 0.5] and b == -0.5 and errors == [2, 2, 1, 0, 0, 0]


def test_01_rounding_breaks_a_tie_on_and_with_lr_point_one():
    X, y = data.logic_gate("and")
    assert perceptron.perceptron_train(X, y, lr=1.0, epochs=8)[2] == [2, 3, 3, 2, 1, 0, 0, 0]
    assert perceptron.perceptron_train(X, y, lr=0.1, epochs=8)[2] == [2, 3, 3, 0, 0, 0, 0, 0]


# ----------------------------------------------------------- 02: initialisation figures


def _deep_stack(activation, method, rng):
    X = rng.normal(size=(500, 256))
    params = init.init_params([256] * 11, method=method, rng=rng)
    _, cache = layers.mlp_forward(X, params, hidden=activation, output=activation)
    return cache["A"][1:]


@pytest.mark.parametrize(
    "activation, method, first, last, factor",
    [
        ("tanh", "small", (0.15, 0.17), (0.5e-8, 2e-8), (0.155, 0.165)),  # x0.16 per layer
        ("relu", "small", (0.085, 0.1), (1e-10, 6e-10), (0.105, 0.12)),  # x0.11, not 0.16
        ("tanh", "xavier", (0.6, 0.66), (0.2, 0.25), (0.87, 0.91)),  # 0.63 -> 0.23
        ("tanh", "he", (0.7, 0.75), (0.5, 0.6), (0.95, 0.99)),  # 0.72 -> 0.56
        ("relu", "xavier", (0.55, 0.62), (0.02, 0.035), (0.68, 0.74)),  # x0.71, 0.71^10 = 0.03
    ],
)
def test_02_deep_stack_std_per_layer(activation, method, first, last, factor):
    stds = [A.std() for A in _deep_stack(activation, method, np.random.default_rng(0))]
    per_layer = (stds[-1] / stds[0]) ** (1 / 9)
    assert first[0] < stds[0] < first[1]
    assert last[0] < stds[-1] < last[1]
    assert factor[0] < per_layer < factor[1]


def test_02_he_with_tanh_saturates_some_units_not_many():
    share = [np.mean(np.abs(A) > 0.9) for A in _deep_stack("tanh", "he", np.random.default_rng(0))]
    assert 0.27 < share[0] < 0.33  # about 30% in the first layer
    assert 0.04 < share[-1] < 0.08  # about 6% in the deeper ones
    share = [
        np.mean(np.abs(A) > 0.9) for A in _deep_stack("tanh", "xavier", np.random.default_rng(0))
    ]
    assert 0.12 < share[0] < 0.16 and max(share[2:]) < 0.01  # Xavier: 14%, then almost none


def test_02_zero_weights_what_moves_depends_on_the_activation():
    X = data.moons(5)[0]
    Y = losses.one_hot(np.array([0, 1, 2, 0, 1]), 3)
    for hidden in ["sigmoid", "relu", "tanh"]:
        params = init.init_params([2, 4, 3], method="zeros")
        moved = []
        for _ in range(3):
            _, cache = layers.mlp_forward(X, params, hidden=hidden, output="softmax")
            grads = layers.mlp_backward(Y, cache, params, hidden=hidden)
            (dW1, _), (dW2, _) = grads
            assert np.allclose(dW1, dW1[:, :1])  # every hidden unit gets the same update
            moved.append((np.abs(dW1).max() > 0, np.abs(dW2).max() > 0))
            params = [
                (W - 0.5 * dW, b - 0.5 * db) for (W, b), (dW, db) in zip(params, grads, strict=True)
            ]
        if hidden == "sigmoid":  # W2 from step 1, W1 from step 2
            assert moved == [(False, True), (True, True), (True, True)]
        else:  # f(0) = 0: A1 = 0, so neither weight matrix ever moves
            assert moved == [(False, False)] * 3


def test_02_the_hinted_xor_weights_give_a_band_between_parallel_lines():
    params = [
        (np.ones((2, 2)), np.array([0.0, -1.0])),
        (np.array([[4.0], [-8.0]]), np.array([-2.0])),
    ]
    g = np.linspace(-1.0, 2.5, 141)
    P = np.array([(a, b) for a in g for b in g])
    y_hat = layers.mlp_forward(P, params, hidden="relu", output="sigmoid")[0][:, 0]
    s = P.sum(axis=1)
    away = np.abs(s - 0.5) > 1e-9
    away &= np.abs(s - 1.5) > 1e-9
    assert np.array_equal((y_hat > 0.5)[away], ((s > 0.5) & (s < 1.5))[away])


# ------------------------------------------------------------------------- 03: losses


def test_03_outlier_residuals_against_each_line():
    X, y = data.study_hours()
    hours = X.ravel()
    a_ls, b_ls = np.polyfit(hours, y, deg=1)
    r_clean = 5.0 - (a_ls * 8.5 + b_ls)
    assert r_clean == pytest.approx(-89.1, abs=0.1) and r_clean**2 == pytest.approx(7940, abs=5)
    assert np.sum((y - (a_ls * hours + b_ls)) ** 2) == pytest.approx(255, abs=1)

    x_out, y_out = np.append(hours, 8.5), np.append(y, 5.0)
    a_grid, b_grid = np.linspace(0.0, 12.0, 61), np.linspace(0.0, 60.0, 61)
    expected = {"mse": (-74.1, 1380), "mae": (-85.8, 317), "huber": (-87.5, 268)}
    loss_of = {
        "mse": losses.mse,
        "mae": losses.mae,
        "huber": lambda t, p: losses.huber(t, p, delta=5.0),
    }
    for name, (r_expected, others_expected) in expected.items():
        table = np.array([[loss_of[name](y_out, a * x_out + b) for b in b_grid] for a in a_grid])
        i, j = np.unravel_index(table.argmin(), table.shape)
        a, b = a_grid[i], b_grid[j]
        assert 5.0 - (a * 8.5 + b) == pytest.approx(r_expected, abs=0.05)
        assert np.sum((y - (a * hours + b)) ** 2) == pytest.approx(others_expected, abs=1)
    # the MSE line still pays about four times the rest for the outlier
    assert 74.1**2 / 1380 == pytest.approx(4.0, abs=0.05)


def test_03_sigmoid_saturates_at_1_near_37_but_reaches_0_only_near_minus_745():
    s = activations.sigmoid
    assert s(np.array(37.0)) == 1.0 and s(np.array(36.0)) < 1.0
    assert s(np.array(-37.0)) == pytest.approx(8.5e-17, rel=0.01)
    assert s(np.array(-745.0)) > 0.0 and s(np.array(-746.0)) == 0.0


def test_03_natural_log_cross_entropy_is_not_an_upper_bound_of_the_0_1_loss():
    z = np.linspace(-5.0, 5.0, 100_001)
    bce = np.log1p(np.exp(-z))  # label 1: -log sigmoid(z)
    zero_one = (z < 0).astype(float)
    below = z[bce < zero_one]
    assert below.min() == pytest.approx(-np.log(np.e - 1), abs=1e-3)  # -0.5413
    assert below.max() < 0.0
    assert losses.binary_cross_entropy(np.array([1.0]), np.array([0.5])) == pytest.approx(np.log(2))
    assert np.all(bce / np.log(2) >= zero_one - 1e-12)  # base 2: an upper bound
    assert np.all(np.maximum(0.0, 1.0 - z) >= zero_one)  # hinge: an upper bound


def test_03_why_sigmoid_reaches_1_near_37():
    # 1 + e^-z rounds to 1 once e^-z is below half the spacing of floats above 1 (2.2e-16)
    threshold = np.log(2.0**53)  # 36.74
    s = activations.sigmoid
    assert s(np.array(threshold + 0.01)) == 1.0 and s(np.array(threshold - 0.01)) < 1.0
    assert np.spacing(1.0) == pytest.approx(2.2e-16, rel=0.01)
