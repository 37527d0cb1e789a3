"""dlkit.landscapes: the 2-D loss surfaces and the paths optimizers take over them."""

import numpy as np
import pytest

from dlkit import landscapes, optim
from dlkit.checks import check_close


@pytest.mark.parametrize("name", sorted(landscapes.SURFACES))
def test_each_surface_has_zero_gap_and_gradient_at_its_minima(name):
    surface = landscapes.SURFACES[name]
    assert surface.name == name and repr(surface).startswith(f"Surface({name!r}")
    for point in surface.minima:
        assert surface.gap(point) == pytest.approx(0.0, abs=1e-12)
        check_close(
            surface.grad(point), np.zeros(2), f"gradient at a minimum of {name}", atol=1e-12
        )
    assert surface.gap(surface.start) > 0


@pytest.mark.parametrize("name", sorted(landscapes.SURFACES))
def test_each_gradient_matches_central_differences(name):
    surface = landscapes.SURFACES[name]
    rng = np.random.default_rng(0)
    h = 1e-6
    for _ in range(5):
        p = np.array([rng.uniform(*surface.xlim), rng.uniform(*surface.ylim)])
        numeric = [(surface.f(*(p + h * e)) - surface.f(*(p - h * e))) / (2 * h) for e in np.eye(2)]
        check_close(surface.grad(p), numeric, f"gradient of {name} at {p}", rtol=1e-5, atol=1e-6)


def test_trajectory_of_gradient_descent_on_the_ravine_by_hand():
    path = landscapes.trajectory("ravine", optim.GD(lr=0.06), steps=3)
    start = landscapes.SURFACES["ravine"].start
    # each step multiplies x by (1 - lr) and y by (1 - 20 lr)
    factors = np.array([1 - 0.06, 1 - 20 * 0.06])
    expected = np.array([start * factors**k for k in range(4)])
    check_close(path, expected, "GD path on the ravine", rtol=1e-12)


def test_trajectory_stops_early_when_the_optimizer_diverges():
    path = landscapes.trajectory("ravine", optim.GD(lr=0.2), steps=500)
    assert 1 < len(path) < 501
    assert np.all(np.isfinite(path))


def test_trajectory_accepts_names_a_start_and_resets_the_optimizer():
    opt = optim.Momentum(lr=0.05, beta=0.9)
    first = landscapes.trajectory("saddle", opt, steps=20, start=(1.0, 0.5))
    again = landscapes.trajectory(landscapes.SURFACES["saddle"], opt, steps=20, start=(1.0, 0.5))
    assert first[0].tolist() == [1.0, 0.5]
    check_close(again, first, "the same run twice (state reset)")
    by_name = landscapes.trajectory("rosenbrock", "adam", steps=5)
    assert by_name.shape == (6, 2)


def test_trajectory_errors_name_the_choices():
    with pytest.raises(ValueError, match="unknown surface 'bowl'; choose one of 'ravine'"):
        landscapes.trajectory("bowl", optim.GD(lr=0.1))
    with pytest.raises(ValueError, match=r"start must be a point \(x, y\)"):
        landscapes.trajectory("ravine", optim.GD(lr=0.1), start=(1.0, 2.0, 3.0))
