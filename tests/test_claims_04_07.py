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
