"""dlkit.data and dlkit.metrics: shapes, determinism, the promised properties."""

import numpy as np
import pytest

from dlkit import data, metrics
from dlkit.checks import check_close


@pytest.mark.parametrize(
    "gate, y",
    [
        ("and", [0, 0, 0, 1]),
        ("or", [0, 1, 1, 1]),
        ("xor", [0, 1, 1, 0]),
        ("NAND", [1, 1, 1, 0]),
        ("nor", [1, 0, 0, 0]),
    ],
)
def test_logic_gates(gate, y):
    X, labels = data.logic_gate(gate)
    assert X.shape == (4, 2) and X.dtype == np.float64
    assert labels.tolist() == y


def test_unknown_gate_names_the_choices():
    with pytest.raises(ValueError, match="name must be one of 'and', 'or'"):
        data.logic_gate("xnor")


def test_players_are_deterministic_separable_and_plausible():
    X, y = data.players(80, rng=5)
    X2, y2 = data.players(80, rng=np.random.default_rng(5))
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    assert X.shape == (80, 2) and y.shape == (80,)
    assert (
        160 <= X[:, 0].min() and X[:, 0].max() <= 205 and 16 <= X[:, 1].min() <= X[:, 1].max() <= 36
    )
    assert 0.2 < y.mean() < 0.8
    score = (X[:, 0] - 182.0) / 10.0 - (X[:, 1] - 26.0) / 5.0
    assert np.array_equal(score > 0, y == 1)  # the generating line separates them


def test_blobs_are_balanced_and_deterministic():
    X, y = data.blobs(101, n_classes=3, rng=1)
    assert X.shape == (101, 2) and np.bincount(y).tolist() == [34, 34, 33]
    assert np.array_equal(X, data.blobs(101, n_classes=3, rng=1)[0])
    assert not np.array_equal(X, data.blobs(101, n_classes=3, rng=2)[0])


def test_rng_must_be_a_generator_or_a_seed():
    with pytest.raises(TypeError, match="np.random.default_rng"):
        data.blobs(rng="seed")
    with pytest.raises(ValueError, match="n_samples must be >= 1"):
        data.blobs(0)


def test_standardize_columns_and_constant_column():
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.normal(5, 3, 50), np.full(50, 7.0), rng.uniform(-1, 1, 50)])
    Z = data.standardize(X)
    check_close(Z.mean(axis=0), np.zeros(3), "column means", atol=1e-12)
    check_close(Z.std(axis=0), [1.0, 0.0, 1.0], "column stds")
    assert not np.isnan(Z).any()
    with pytest.raises(ValueError, match="X must be 2-D; got shape \\(3,\\). Use X.reshape"):
        data.standardize([1.0, 2.0, 3.0])


def test_accuracy():
    assert metrics.accuracy([1, 0, 1, 1], [1, 1, 1, 0]) == 0.5
    assert isinstance(metrics.accuracy(np.array([1]), np.array([1])), float)
    with pytest.raises(
        ValueError, match="y_pred must have one label per sample: expected length 3, got 2"
    ):
        metrics.accuracy([1, 0, 1], [1, 0])
    with pytest.raises(ValueError, match="ravel"):
        metrics.accuracy([1, 0], np.array([[1], [0]]))


def test_standardize_constant_columns_that_floats_cannot_represent():
    for value, rows in ((0.1, 3), (0.1, 7), (0.3, 10), (1e-20, 5)):
        Z = data.standardize(np.column_stack([np.full(rows, value), np.arange(rows, dtype=float)]))
        assert np.array_equal(Z[:, 0], np.zeros(rows)), (value, rows)


@pytest.mark.parametrize("name", sorted(data.DATASETS))
def test_two_d_classification_sets(name):
    X, y = data.DATASETS[name](101, rng=3)
    assert X.shape == (101, 2) and y.shape == (101,) and y.dtype == np.int64
    counts = np.bincount(y)
    assert counts.max() - counts.min() <= 1, "classes in equal shares"
    X2, y2 = data.DATASETS[name](101, rng=3)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    assert not np.array_equal(X, data.DATASETS[name](101, rng=4)[0])


def test_moons_circles_xor_are_not_linearly_separable_but_learnable_by_geometry():
    from dlkit.perceptron import perceptron_train

    for make in (data.moons, data.circles, data.xor):
        X, y = make(200, noise=0.05, rng=0)
        w, b, errors = perceptron_train(X, y, epochs=30)
        assert errors[-1] > 0, make.__name__
    X, y = data.circles(200, noise=0.0, factor=0.5)
    check_close(np.hypot(*X.T), np.where(y == 1, 0.5, 1.0), "radii without noise")
    X, y = data.xor(200, noise=0.0)
    assert np.array_equal(y, (np.sign(X[:, 0]) != np.sign(X[:, 1])).astype(int))


def test_noise_and_factor_are_validated():
    with pytest.raises(ValueError, match="factor must be < 1"):
        data.circles(factor=1.5)
    with pytest.raises(ValueError, match="noise must be finite and >= 0"):
        data.moons(noise=-0.1)


def test_study_hours_table():
    X, y = data.study_hours()
    assert X.shape == (20, 1) and y.shape == (20,)
    slope, intercept = np.polyfit(X[:, 0], y, 1)
    assert 5 < slope < 9 and 25 < intercept < 45
    X[0, 0] = 99.0
    assert data.study_hours()[0][0, 0] == 0.5, "callers get a copy"
