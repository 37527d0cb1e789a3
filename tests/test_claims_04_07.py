"""The numbers that the prose of notebooks 04-07 quotes from its own figures and cells.

Each test recomputes, with dlkit, what a notebook cell computes, and pins the values the
markdown states (issue 20: the prose must not drift from the figures again). Fast: no
notebook is executed.
"""

import functools

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


# 05, section 8: the race of the four optimizers on the digits (fit_mlp, each rule on a tiny grid)
_RACE_GRID = {
    "gd": [0.3, 1.0, 3.0],
    "momentum": [0.3, 1.0, 3.0],
    "rmsprop": [0.003, 0.01, 0.03],
    "adam": [0.01, 0.03, 0.1],
}


@functools.lru_cache(maxsize=1)
def _digits_for_the_race():
    X, y = dlkit.data.digits()
    return X / 16.0, dlkit.losses.one_hot(y, 10), dlkit.init.init_params([64, 32, 10], rng=0)


@functools.cache
def _race_run(rule, lr, epochs=10):
    X, Y, params = _digits_for_the_race()
    _, history = dlkit.train.fit_mlp(
        params, X, Y, optim.step_rule(rule, lr=lr), epochs=epochs, batch_size=32, rng=1
    )
    return np.array(history)


def _best_of_the_grid(rule):
    return min(_RACE_GRID[rule], key=lambda lr: _race_run(rule, lr)[-1])


def test_05_race_best_learning_rates_and_final_losses():
    best = {rule: _best_of_the_grid(rule) for rule in _RACE_GRID}
    assert best == {"gd": 1.0, "momentum": 1.0, "rmsprop": 0.01, "adam": 0.03}
    final = {rule: _race_run(rule, lr)[-1] for rule, lr in best.items()}
    assert final == pytest.approx(
        {"momentum": 0.037, "adam": 0.041, "rmsprop": 0.043, "gd": 0.044}, abs=5e-4
    )
    assert max(final.values()) - min(final.values()) < 0.01  # no clear winner after 10 epochs
    assert max(best.values()) / min(best.values()) == pytest.approx(100)  # a factor of 100
    assert best["adam"] / 1e-3 == pytest.approx(30)  # thirty times Adam's default


def test_05_race_other_seeds_change_the_winner_not_the_last():
    X, Y, _ = _digits_for_the_race()
    for init_seed, shuffle_seed, winner, expected in [
        (1, 2, "adam", {"adam": 0.027, "gd": 0.050}),
        (2, 3, "rmsprop", {"rmsprop": 0.049, "gd": 0.092}),
    ]:
        params = dlkit.init.init_params([64, 32, 10], rng=init_seed)
        final = {
            rule: min(
                dlkit.train.fit_mlp(
                    params,
                    X,
                    Y,
                    optim.step_rule(rule, lr=lr),
                    epochs=10,
                    batch_size=32,
                    rng=shuffle_seed,
                )[1][-1]
                for lr in lrs
            )
            for rule, lrs in _RACE_GRID.items()
        }
        assert min(final, key=final.get) == winner
        assert max(final, key=final.get) == "gd"
        assert {k: final[k] for k in expected} == pytest.approx(expected, abs=5e-4)


def test_05_race_the_first_epochs():
    best = {rule: _race_run(rule, _best_of_the_grid(rule)) for rule in _RACE_GRID}
    first = {rule: history[0] for rule, history in best.items()}
    second = {rule: history[1] for rule, history in best.items()}
    assert first == pytest.approx(
        {"adam": 0.63, "momentum": 0.84, "rmsprop": 0.85, "gd": 1.13}, abs=5e-3
    )
    assert second == pytest.approx(
        {"adam": 0.19, "momentum": 0.24, "rmsprop": 0.25, "gd": 0.48}, abs=5e-3
    )
    # gradient descent has the highest loss of the four in every epoch
    for epoch in range(10):
        assert best["gd"][epoch] == max(history[epoch] for history in best.values())
    # Adam's loss goes up in the last epoch
    assert best["adam"][8] == pytest.approx(0.032, abs=5e-4)
    assert best["adam"][9] == pytest.approx(0.041, abs=5e-4)


def test_05_race_too_large_learning_rates_fail_differently():
    assert _race_run("gd", 3.0)[-1] == pytest.approx(np.log(10), abs=0.03)  # stuck near ln 10
    assert np.all(_race_run("gd", 3.0)[1:] > 2.3)
    assert _race_run("momentum", 3.0)[-1] == pytest.approx(0.16, abs=5e-3)
    assert _race_run("adam", 0.1)[-1] == pytest.approx(0.23, abs=5e-3)


# 05, section 9: the update-to-weight ratio of gradient descent at three learning rates
@functools.cache
def _gauge(lr):
    X, Y, params0 = _digits_for_the_race()
    ratios = {(64, 32): [], (32, 10): []}
    gd = optim.step_rule("gd", lr=lr)

    def measured(w, g, state):
        w_new, state = gd(w, g, state)
        if w.ndim == 2:
            ratios[w.shape].append(optim.update_ratio(w, w_new))
        return w_new, state

    params, history = dlkit.train.fit_mlp(params0, X, Y, measured, epochs=5, batch_size=32, rng=1)
    return np.array(ratios[(64, 32)]), np.array(ratios[(32, 10)]), np.array(history), params


def test_05_gauge_too_small_and_healthy():
    W1, W2, history, _ = _gauge(0.001)
    assert (np.median(W1), np.median(W2)) == pytest.approx((9.4e-5, 8.4e-5), rel=0.01)
    assert history[[0, -1]] == pytest.approx([2.305, 2.227], abs=5e-4)
    W1, W2, history, _ = _gauge(0.1)
    assert (np.median(W1), np.median(W2)) == pytest.approx((5.9e-3, 8.0e-3), rel=0.01)
    assert 5e-3 < W1[0] < 2e-2 and 5e-3 < W2[0] < 2e-2  # starting near 1e-2
    assert np.median(W1[-57:]) < np.median(W1[:57])  # and drifting down
    assert history[-1] == pytest.approx(0.277, abs=5e-4)


def test_05_gauge_too_large_kills_every_hidden_unit():
    W1, W2, history, params = _gauge(3.0)
    first_five = np.concatenate([W1[:5], W2[:5]])
    assert first_five.min() > 0.2 and first_five.max() < 2.2
    assert len(W1) + len(W2) == 570
    assert int(np.sum(W1 == 0) + np.sum(W2 == 0)) == 492
    for ratios in (W1, W2):
        moving = np.nonzero(ratios)[0]
        assert moving.max() == 113  # never moves again from step 114 on
        assert np.any((moving > 50) & (moving < 65)) and np.any((moving > 100) & (moving < 114))
        assert not np.any((moving > 37) & (moving < 53))  # bursts, not a steady flow
    X, _, _ = _digits_for_the_race()
    _, cache = dlkit.layers.mlp_forward(X, params)
    assert not np.any(cache["Z"][0] > 0)  # all 32 hidden units are dead for every image
    assert cache["Z"][0].shape[1] == 32
    assert history[-1] == pytest.approx(2.325, abs=5e-4)


def test_05_gauge_the_race_best_gradient_descent_rate_runs_at_4e_2():
    W1, W2, _, _ = _gauge(1.0)
    assert (np.median(W1), np.median(W2)) == pytest.approx((3.7e-2, 3.8e-2), abs=5e-4)


# --- 06_improving_training --------------------------------------------------------------


def _notebook_cell_06(marker):
    """The source of the one cell of notebook 06 that contains ``marker``."""
    from course import notebooks
    from course.config import get_assignment

    nb = notebooks.read(get_assignment("06_improving_training").path("source"))
    [source] = [c.source for c in nb.cells if marker in c.source]
    return source


def _run_cell_06(marker, **names):
    """Run that cell, as the notebook does, in a namespace holding np, dlkit and ``names``."""
    ns = {"np": np, "dlkit": dlkit, **names}
    exec(compile(_notebook_cell_06(marker), f"<06: {marker}>", "exec"), ns)
    return ns


@pytest.fixture(scope="module")
def scratch_06():
    """The two runs of "Your dropout and your L2, in a network of your own", with dlkit's pieces
    (which draw the same masks as a correct answer: the same rng.random calls)."""
    X_all, y_all = dlkit.data.moons(800, noise=0.35, rng=7)
    X_rest, _, y_rest, _ = dlkit.data.train_val_split(X_all, y_all, val_fraction=0.5, rng=1)
    X_train, X_val, y_train, y_val = dlkit.data.train_val_split(
        X_rest, y_rest, val_fraction=0.75, rng=2
    )
    ns = _run_cell_06(
        "def train_from_scratch(", X_train=X_train, X_val=X_val, y_train=y_train, y_val=y_val
    )
    reg = dlkit.regularization
    pieces = (reg.dropout_forward, reg.dropout_backward, reg.add_l2_grads)
    return {
        "none": {k: np.array(v) for k, v in ns["train_from_scratch"](0.0, 0.0, pieces).items()},
        "both": {k: np.array(v) for k, v in ns["train_from_scratch"](0.3, 0.01, pieces).items()},
    }


def test_06_without_regularisation_the_gap_opens_past_one(scratch_06):
    train, val = scratch_06["none"]["training"], scratch_06["none"]["validation"]
    assert len(train) == len(val) == 300
    assert train[-1] == pytest.approx(0.019, abs=5e-4)
    assert int(np.argmin(val)) + 1 == 23 and val.min() == pytest.approx(0.379, abs=5e-4)
    assert val[-1] == pytest.approx(1.025, abs=5e-4)
    assert val[-1] - train[-1] > 1
    assert np.all(np.diff(val[100:]) > -0.01)  # "climbs all the way": no real dip after step 100


def test_06_dropout_and_l2_keep_a_narrow_steady_gap(scratch_06):
    train, val = scratch_06["both"]["training"], scratch_06["both"]["validation"]
    assert train[-1] == pytest.approx(0.199, abs=5e-4)
    assert val[-1] == pytest.approx(0.349, abs=5e-4)
    assert val[-1] - train[-1] == pytest.approx(0.150, abs=5e-4)
    assert int(np.argmin(val)) + 1 == 124 and val.min() == pytest.approx(0.333, abs=5e-4)
    # "level off after about 100 steps": small ranges from there on, training near 0.2
    assert np.ptp(val[99:]) < 0.03 and np.ptp(train[99:]) < 0.03
    assert abs(train[99:].mean() - 0.2) < 0.02
    # "ends below the best the unregularised run reached at any step"
    assert val[-1] < scratch_06["none"]["validation"].min()


def test_06_batchnorm_challenge_check_reports_and_never_raises(capsys):
    marker = "def batchnorm_gradcheck("

    def stub(dout, cache):
        raise NotImplementedError("optional challenge, not attempted yet")

    _run_cell_06(marker, batchnorm_backward=stub)
    assert "not written yet" in capsys.readouterr().out

    ns = _run_cell_06(marker, batchnorm_backward=dlkit.regularization.batchnorm_backward)
    assert "All three agree" in capsys.readouterr().out
    assert all(err < 1e-9 for _, err in ns["report"])

    def without(term):
        """A backward pass that forgets the path through the mean or through the variance."""

        def backward(dout, cache):
            X_hat, n = cache["X_hat"], len(dout)
            dX_hat = dout * cache["gamma"]
            dX = n * dX_hat
            if term != "mean":
                dX = dX - dX_hat.sum(axis=0)
            if term != "variance":
                dX = dX - X_hat * (dX_hat * X_hat).sum(axis=0)
            return cache["inv_std"] / n * dX, (dout * X_hat).sum(axis=0), dout.sum(axis=0)

        return backward

    for term in ("mean", "variance"):
        ns = _run_cell_06(marker, batchnorm_backward=without(term))
        out = capsys.readouterr().out
        errors = dict(ns["report"])
        assert 0.1 <= errors["dX"] <= 0.5 and "WRONG" in out and "a path is missing" in out
        assert errors["dgamma"] < 1e-9 and errors["dbeta"] < 1e-9

    ns = _run_cell_06(marker, batchnorm_backward=lambda dout, cache: dout)
    assert "should return the three arrays" in capsys.readouterr().out


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


# --- 07_capstone: your own network (sections 5-8) ------------------------------------------


def _digits_parts():
    X, y = dlkit.data.digits()
    X_rest, X_test, y_rest, y_test = dlkit.data.train_val_split(X, y, val_fraction=0.2, rng=1)
    X_train, X_val, y_train, y_val = dlkit.data.train_val_split(
        X_rest, y_rest, val_fraction=0.2, rng=2
    )
    mean, std = dlkit.data.fit_standardizer(X_train)
    parts = [dlkit.data.apply_standardizer(part, mean, std) for part in (X_train, X_val, X_test)]
    return (*parts, y_train, y_val, y_test)


def _init_classifier(layer_sizes, rng, output_scale=0.1):
    """The notebook's init_classifier: He weights, zero biases, the output layer scaled."""
    rng = np.random.default_rng(rng)
    params = [
        (rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out)), np.zeros(n_out))
        for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:], strict=True)
    ]
    params[-1] = (output_scale * params[-1][0], params[-1][1])
    return params


def _fit_mlp(params, X, Y, lr, epochs, batch_size, rng, p_drop):
    """The notebook's fit_mlp with Adam, on dlkit's reference pieces (same random draws)."""
    from dlkit.regularization import dropout_backward, dropout_forward

    rng = np.random.default_rng(rng)
    params = [(W.copy(), b.copy()) for W, b in params]
    states = [[(np.zeros_like(a), np.zeros_like(a)) for a in pair] for pair in params]
    t, losses = 0, []
    for _ in range(epochs):
        batch_losses = []
        for Xb, Yb in optim.iterate_minibatches(X, Y, batch_size, rng=rng):
            A, As, Zs, masks = Xb, [Xb], [], []
            for layer, (W, b) in enumerate(params):
                Z = A @ W + b
                Zs.append(Z)
                if layer == len(params) - 1:
                    A = dlkit.activations.softmax(Z)
                else:
                    A, mask = dropout_forward(np.maximum(Z, 0), p_drop, rng, training=p_drop > 0)
                    masks.append(mask)
                As.append(A)
            batch_losses.append(dlkit.losses.categorical_cross_entropy(Yb, A))
            dZ, grads = (A - Yb) / len(Yb), []
            for layer in range(len(params) - 1, -1, -1):
                dA, dW, db = dlkit.layers.dense_backward(dZ, As[layer], params[layer][0])
                grads.append((dW, db))
                if layer > 0:
                    dZ = dropout_backward(dA, masks[layer - 1], p_drop) * (Zs[layer - 1] > 0)
            t += 1
            new_params = []
            for k, pair in enumerate(params):
                new_pair = []
                for which in (0, 1):
                    m, v = states[k][which]
                    w, m, v = optim.adam_step(pair[which], grads[::-1][k][which], m, v, t, lr=lr)
                    states[k][which] = (m, v)
                    new_pair.append(w)
                new_params.append(tuple(new_pair))
            params = new_params
        losses.append(float(np.mean(batch_losses)))
    return params, losses


def _accuracy(params, X, y):
    return int(np.sum(dlkit.layers.mlp_forward(X, params)[0].argmax(axis=1) == y))


def test_07_loss_at_initialisation_is_about_ln_10_with_a_small_output_layer():
    X_train, _, _, y_train, _, _ = _digits_parts()
    Y = dlkit.losses.one_hot(y_train, 10)
    he = _init_classifier([64, 128, 10], 10, output_scale=1.0)
    P_he, cache = dlkit.layers.mlp_forward(X_train, he)
    P_small, _ = dlkit.layers.mlp_forward(X_train, _init_classifier([64, 128, 10], 10))
    assert cache["Z"][-1].std() == pytest.approx(1.3, abs=0.05)
    assert dlkit.losses.categorical_cross_entropy(Y, P_he) == pytest.approx(2.87, abs=5e-3)
    small = dlkit.losses.categorical_cross_entropy(Y, P_small)
    assert small == pytest.approx(2.30, abs=5e-3) and abs(small - np.log(10)) < 0.01
    assert np.log(10) == pytest.approx(2.303, abs=5e-4)


def test_07_whole_network_gradient_check_sizes():
    assert dlkit.layers.count_params([64, 16, 10]) == 1210
    assert dlkit.layers.count_params([64, 128, 10]) == 9610
    X_train, _, _, y_train, _, _ = _digits_parts()
    params = _init_classifier([64, 16, 10], 11, output_scale=1.0)
    X, Y = X_train[:5], dlkit.losses.one_hot(y_train[:5], 10)
    _, cache = dlkit.layers.mlp_forward(X, params)
    grads = dlkit.layers.mlp_backward(Y, cache, params)
    for (W, b), (dW, db) in zip(params, grads, strict=True):
        for value, grad in ((W, dW), (b, db)):
            numeric = dlkit.gradcheck.numerical_gradient(
                lambda _: dlkit.losses.categorical_cross_entropy(
                    Y, dlkit.layers.mlp_forward(X, params)[0]
                ),
                value,
            )
            assert dlkit.gradcheck.relative_error(grad, numeric) < 1e-7


def test_07_twenty_images_are_memorised():
    X_train, _, _, y_train, _, _ = _digits_parts()
    params, losses = _fit_mlp(
        _init_classifier([64, 128, 10], 12),
        X_train[:20],
        dlkit.losses.one_hot(y_train[:20], 10),
        lr=3e-3,
        epochs=100,
        batch_size=20,
        rng=13,
        p_drop=0.0,
    )
    assert losses[0] == pytest.approx(2.28, abs=5e-3)
    assert losses[-1] < 0.001
    assert _accuracy(params, X_train[:20], y_train[:20]) == 20


def test_07_own_network_and_sequential_reach_the_same_accuracy():
    X_train, X_val, X_test, y_train, y_val, y_test = _digits_parts()
    assert (len(y_val), len(y_test), len(y_train)) == (288, 359, 1150)
    rng = np.random.default_rng(0)  # train_digits(X_train, y_train, rng=0)
    params = _init_classifier([64, 128, 10], rng)
    params, _ = _fit_mlp(params, X_train, dlkit.losses.one_hot(y_train, 10), 2e-3, 20, 32, rng, 0.2)
    assert _accuracy(params, X_val, y_val) == 282  # 97.9%
    own_test = _accuracy(params, X_test, y_test)
    model = dlkit.models.Sequential(
        dlkit.layers.Dense(64, 128, rng=1),
        dlkit.layers.ReLU(),
        dlkit.layers.Dropout(0.2, rng=2),
        dlkit.layers.Dense(128, 10, rng=3),
        dlkit.layers.Softmax(),
    )
    model.compile(optimizer="adam", loss="categorical_cross_entropy", metrics=["accuracy"], lr=1e-3)
    model.fit(
        X_train,
        y_train,
        epochs=200,
        batch_size=32,
        validation_data=(X_val, y_val),
        callbacks=[
            dlkit.callbacks.EarlyStopping(patience=10, restore_best_weights=True),
            dlkit.callbacks.ReduceLROnPlateau(factor=0.5, patience=4),
        ],
        rng=0,
        verbose=0,
    )
    assert round(model.evaluate(X_val, y_val)["accuracy"] * 288) == 282
    sequential_test = round(model.evaluate(X_test, y_test)["accuracy"] * 359)
    assert (own_test, sequential_test) == (348, 347)  # one image apart
