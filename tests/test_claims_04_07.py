"""The numbers that the prose of notebooks 04-07 quotes from its own figures and cells.

Each test recomputes, with dlkit, what a notebook cell computes, and pins the values the
markdown states (issue 20: the prose must not drift from the figures again). Fast: no
notebook is executed.
"""

import numpy as np
import pytest

import dlkit
from dlkit import landscapes, optim

# --- 05_optimizers -----------------------------------------------------------------------


def _gap_after(surface, optimizer, steps):
    s = landscapes.SURFACES[surface]
    path = landscapes.trajectory(s, optimizer, steps=steps)
    return s.gap(path)[-1] if len(path) == steps + 1 else np.inf


def _steps_to_reach(surface, optimizer, steps, tol=1e-3):
    """The first step from which f - f_min stays below tol, as the notebook's helper counts."""
    s = landscapes.SURFACES[surface]
    below = s.gap(landscapes.trajectory(s, optimizer, steps=steps)) < tol
    if not below[-1]:
        return None
    return int(len(below) - np.argmin(below[::-1])) if not below.all() else 0


@pytest.mark.parametrize(
    "lr, gd_gap, momentum_gap", [(0.05, 0.0215, 0.0275), (0.06, 0.0060, 0.0384)]
)
def test_05_momentum_is_not_faster_at_the_same_learning_rate(lr, gd_gap, momentum_gap):
    gd = _gap_after("ravine", optim.GD(lr=lr), 60)
    momentum = _gap_after("ravine", optim.Momentum(lr=lr, beta=0.9), 60)
    assert gd == pytest.approx(gd_gap, abs=5e-5)
    assert momentum == pytest.approx(momentum_gap, abs=5e-5)
    assert momentum > gd


def test_05_the_two_momentum_forms_trace_one_path():
    average = landscapes.trajectory("ravine", optim.Momentum(lr=0.05, beta=0.9), steps=60)
    classical = landscapes.trajectory("ravine", optim.SGD(lr=0.005, momentum=0.9), steps=60)
    assert np.abs(average - classical).max() < 1e-12


@pytest.mark.parametrize(
    "surface, optimizer, steps, expected",
    [
        ("ravine", optim.GD(lr=0.09), 150, 49),
        ("ravine", optim.Momentum(lr=0.06, beta=0.9), 150, 83),
        ("ravine", optim.Momentum(lr=0.2, beta=0.5), 150, 15),
        ("rosenbrock", optim.Momentum(lr=0.018, beta=0.9), 3000, 107),
        ("rosenbrock", optim.GD(lr=0.002), 3000, None),
    ],
)
def test_05_race_at_each_methods_best_learning_rate(surface, optimizer, steps, expected):
    assert _steps_to_reach(surface, optimizer, steps) == expected


def test_05_the_race_uses_learning_rates_near_each_methods_best():
    """The notebook's learning rates are within 10% (in steps) of the best on a fine grid."""
    lrs = np.geomspace(1e-3, 3.0, 300)
    for make, used in [
        (lambda lr: optim.GD(lr=lr), 49),
        (lambda lr: optim.Momentum(lr=lr, beta=0.9), 83),
        (lambda lr: optim.Momentum(lr=lr, beta=0.5), 15),
    ]:
        best = min(_steps_to_reach("ravine", make(lr), 300) or np.inf for lr in lrs)
        assert used <= 1.1 * best + 1


def test_05_rosenbrock_gradient_descent_is_capped_by_the_walls():
    assert _steps_to_reach("rosenbrock", optim.GD(lr=0.00217), 3000) == pytest.approx(2950, abs=10)
    assert _gap_after("rosenbrock", optim.GD(lr=0.002), 3000) == pytest.approx(1.5e-3, rel=0.05)
    assert _gap_after("rosenbrock", optim.GD(lr=0.003), 3000) > 0.1  # zigzags between the walls
    assert np.isfinite(_gap_after("rosenbrock", optim.GD(lr=0.006), 3000))
    assert _gap_after("rosenbrock", optim.GD(lr=0.0065), 3000) == np.inf


def test_05_momentum_tolerates_twenty_times_larger_learning_rates():
    assert _gap_after("ravine", optim.GD(lr=0.099), 300) < 1e-3
    assert _gap_after("ravine", optim.GD(lr=0.101), 300) > 1e3
    assert _gap_after("ravine", optim.Momentum(lr=1.85, beta=0.9), 300) < 1e-10
    assert _gap_after("ravine", optim.Momentum(lr=1.95, beta=0.9), 300) == np.inf


def test_05_full_batch_and_mini_batches_agree_per_iteration():
    X, y = dlkit.data.moons(200, noise=0.2, rng=1)
    Y = dlkit.losses.one_hot(y, 2)
    loss = {}
    for name, batch_size in [("full", None), ("32", 32), ("1", 1)]:
        model = dlkit.models.build_mlp([2, 16, 2], rng=0)
        history = dlkit.train.fit(
            model, X, Y, lr=0.1, epochs=40, batch_size=batch_size, rng=0, progress=False
        )
        loss[name] = np.asarray(history.loss)
    # full batch: one iteration per epoch; batches of 32: 7 per epoch; single samples: 200
    assert loss["full"][7 - 1] == pytest.approx(0.476, abs=5e-4)
    assert loss["32"][0] == pytest.approx(0.475, abs=5e-4)
    assert loss["full"][35 - 1] == pytest.approx(0.340, abs=5e-4)
    assert loss["32"][4] == pytest.approx(0.343, abs=5e-4)
    assert loss["1"][0] == pytest.approx(0.301, abs=5e-4)  # after 200 iterations
    assert loss["32"][27] == pytest.approx(0.25, abs=0.01)  # after 196 iterations
    assert loss["32"][28] == pytest.approx(0.25, abs=0.01)  # after 203 iterations


# --- 07_capstone -------------------------------------------------------------------------


def test_07_per_pixel_standardisation_blows_up_rarely_inked_pixels():
    X, y = dlkit.data.digits()
    X_rest, X_test, y_rest, _ = dlkit.data.train_val_split(X, y, val_fraction=0.2, rng=1)
    X_train, X_val, _, _ = dlkit.data.train_val_split(X_rest, y_rest, val_fraction=0.2, rng=2)
    mean, std = dlkit.data.fit_standardizer(X_train)
    largest = {
        name: np.abs(dlkit.data.apply_standardizer(part, mean, std)).max()
        for name, part in [("training", X_train), ("validation", X_val), ("test", X_test)]
    }
    assert largest == pytest.approx({"training": 34, "validation": 86, "test": 30}, abs=0.5)
    rare = int(np.argmin(np.where(std == 1.0, np.inf, std)))
    assert rare == 56
    assert np.count_nonzero(X_train[:, rare]) == 1 and len(X_train) == 1150
    assert std[rare] == pytest.approx(0.029, abs=5e-4)
    assert dlkit.data.apply_standardizer(X_test, mean, std).dtype == np.float64


def test_07_one_full_strength_pixel_in_50000_images():
    column = np.zeros(50_000)
    column[0] = 1.0
    assert column.std() == pytest.approx(0.0045, abs=5e-5)
    assert (1.0 - column.mean()) / column.std() == pytest.approx(220, abs=5)
