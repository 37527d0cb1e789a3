"""dlkit.checks: every failure is an AssertionError that says shapes, values, error and hint."""

import numpy as np
import pytest

from dlkit import activations
from dlkit import checks as C


def message(func, *args, **kwargs) -> str:
    with pytest.raises(AssertionError) as info:
        func(*args, **kwargs)
    return str(info.value)


def test_check_close_passes_and_reports_values():
    C.check_close([1.0, 2.0], np.array([1.0, 2.0 + 1e-9]), "v")
    text = message(C.check_close, [1.0, 2.5, 3.0], [1.0, 2.0, 3.0], "v", hint="look at b")
    assert "v has the wrong values" in text
    assert "shape: (3,) as expected" in text
    assert "first difference at index (1,): expected 2, got 2.5" in text
    assert "max abs error 0.5" in text and "max rel error 0.25" in text
    assert "wrong entries: 1 of 3" in text
    assert text.endswith("Hint: look at b")


def test_shape_is_reported_first_with_a_guess():
    text = message(C.check_close, np.zeros((3, 4)), np.zeros((4, 3)), "Z")
    assert text.splitlines()[1].strip() == "shape: expected (4, 3), got (3, 4)"
    assert "transposed" in text
    assert "single number" in message(C.check_close, 3.0, [1.0, 2.0], "s")
    assert "broadcasting" in message(C.check_shape, np.zeros((5, 5)), (5,), "y")
    assert "extra axis" in message(C.check_shape, np.zeros((5, 1)), (5,), "y")
    assert "off-by-one" in message(C.check_equal, [1, 2, 3], [1, 2], "errors")


def test_none_and_tuples_and_strings_get_a_hint():
    assert "forget the `return`" in message(C.check_close, None, [1.0], "f(x)")
    assert "tuple of 2 arrays" in message(
        C.check_close, (np.ones(2), np.ones(2)), [1.0, 1.0], "f(x)"
    )
    assert "must be numeric" in message(C.check_close, "hello", [1.0], "f(x)")


def test_nan_is_called_out():
    text = message(C.check_close, [np.nan, 1.0], [0.5, 1.0], "p")
    assert "NaN or inf" in text
    text = message(C.check_finite, [1.0, np.inf], "p")
    assert "non-finite" in text and "index (1,)" in text


def test_check_raises():
    def bad(x):
        raise ValueError("x must be positive")

    assert isinstance(C.check_raises(bad, 1, exception=ValueError, match="positive"), ValueError)
    assert "returned normally" in message(C.check_raises, abs, -1, exception=ValueError)
    assert "raised ValueError, expected TypeError" in message(
        C.check_raises, bad, 1, exception=TypeError
    )
    assert "does not mention" in message(
        C.check_raises, bad, 1, exception=ValueError, match="shape"
    )


def test_check_no_warnings_catches_overflow_but_not_underflow():
    def naive(z):
        return 1 / (1 + np.exp(-z))

    assert "numerically unstable" in message(C.check_no_warnings, naive, np.array([-1e4]))
    out = C.check_no_warnings(activations.sigmoid, np.array([-1e4, 1e4]))
    assert out[0] == 0.0 and out[1] == 1.0


def test_check_input_unchanged():
    def in_place(z):
        z[z < 0] = 0
        return z

    assert "modified its argument number 1" in message(
        C.check_input_unchanged, in_place, np.array([-1.0, 2.0])
    )
    z = np.array([-1.0, 2.0])
    C.check_input_unchanged(activations.relu, z)


def test_derivative_and_gradient_checks():
    C.check_derivative(activations.tanh, activations.tanh_grad, np.linspace(-2, 2, 9))
    text = message(
        C.check_derivative,
        activations.sigmoid,
        activations.sigmoid,
        np.linspace(-2, 2, 9),
        "sigmoid_grad",
    )
    assert "sigmoid_grad has the wrong values" in text
    C.check_gradient(lambda x: (x**2).sum(), lambda x: 2 * x, np.arange(6.0).reshape(2, 3))
    assert "gradient" in message(C.check_gradient, lambda x: (x**2).sum(), lambda x: x, np.ones(3))


def test_not_delegating_catches_every_alias_and_restores():
    from dlkit.activations import sigmoid as alias

    def honest(z):
        return 1 / (1 + np.exp(-z))

    def lazy(z):
        return alias(z)

    def lazier(z):
        import dlkit

        return dlkit.activations.sigmoid(z)

    C.check_not_delegating(honest, activations.sigmoid, args=(np.zeros(2),))
    for cheat in (lazy, lazier):
        assert "calls dlkit's reference implementation" in message(
            C.check_not_delegating, cheat, activations.sigmoid, args=(np.zeros(2),)
        )
    assert activations.sigmoid(0.0) == 0.5  # restored afterwards


def test_not_delegating_lets_other_errors_through():
    def broken(z):
        raise NotImplementedError

    with pytest.raises(NotImplementedError):
        C.check_not_delegating(broken, activations.sigmoid, args=(0.0,))


# ------------------------------------------------------ check_vectorised: loops over samples
# "Vectorised" means: no Python loop whose length grows with the number of samples. The
# check traps iterating or row-indexing X, and measures the Python lines the student's
# code runs on n and on k * n samples; loops over features or classes must pass.

_X = np.arange(12.0).reshape(4, 3)
_W = np.ones(3)


def _vectorised(X, w, b):
    print(X)  # printing must not count as a loop
    return X @ w + b


def _loop_iter(X, w, b):
    return np.array([x @ w + b for x in X])


def _loop_index(X, w, b):
    return np.array([X[i] @ w + b for i in range(len(X))])


def _loop_index_2d(X, w, b):
    return np.array([X[i, :] @ w + b for i in range(X.shape[0])])


def _converts_first(X, w, b):
    X = np.asarray(X)  # escapes the row trap...
    out = []
    for x in X:  # ...but not the measurement
        out.append(x @ w + b)
    return np.array(out)


def _loop_over_features(X, w, b):
    z = np.full(X.shape[0], float(b))
    for j in range(X.shape[1]):
        z = z + X[:, j] * w[j]
    return z


def _loop_over_columns_of_transpose(X, w, b):
    z = b
    for column, weight in zip(X.T, w, strict=True):
        z = z + column * weight
    return z


def test_vectorised_passes_and_returns_a_plain_array():
    out = C.check_vectorised(_vectorised, _X, _W, 1.0)
    assert type(out) is np.ndarray
    C.check_close(out, _X @ _W + 1.0, "X @ w + b")


def test_vectorised_row_trap_names_the_loop():
    for bad in (_loop_iter, _loop_index, _loop_index_2d):
        text = message(C.check_vectorised, bad, _X, _W, 1.0)
        assert "loops over the samples one at a time" in text
        # the trap is there even without the measurement
        assert "one at a time" in message(C.check_vectorised, bad, _X, _W, 1.0, allow_loops=True)


def test_vectorised_measurement_catches_a_loop_the_trap_misses():
    text = message(C.check_vectorised, _converts_first, _X, _W, 0.0)
    assert "runs Python code once per sample" in text
    assert "line 4 of _converts_first (`for x in X:" in text
    assert "for 4 samples" in text and "for 36 samples" in text
    C.check_vectorised(_converts_first, _X, _W, 0.0, allow_loops=True)


def test_vectorised_allows_loops_over_features():
    for ok in (_loop_over_features, _loop_over_columns_of_transpose):
        C.check_close(C.check_vectorised(ok, _X, _W, 0.5), _X @ _W + 0.5, ok.__name__)


def test_vectorised_catches_loops_hidden_in_numpy_and_builtins():
    def along_axis(X, w, b):
        return np.apply_along_axis(np.dot, 1, X, w) + b

    def with_map(X, w, b):
        return np.array(list(map(lambda row: row @ w, np.asarray(X)))) + b

    def with_vectorize(X, w, b):
        rows = np.asarray(X)
        return np.vectorize(lambda i: rows[i] @ w + b)(np.arange(len(rows)))

    for bad in (along_axis, with_map, with_vectorize):
        assert "runs Python code once per sample" in message(C.check_vectorised, bad, _X, _W, 0.0)


def test_vectorised_per_class_pairs_pass_and_per_sample_arguments_grow_together():
    """07's confusion matrix: a loop over class pairs is fine, one over the samples is not."""
    y_true = np.array([0, 1, 2, 2, 1, 0, 3])
    y_pred = np.array([0, 2, 2, 1, 1, 0, 3])

    def per_pair(y_true, y_pred, k):
        counts = np.zeros((k, k), dtype=int)
        for i in range(k):
            for j in range(k):
                counts[i, j] = np.sum((y_true == i) & (y_pred == j))
        return counts

    def per_sample(y_true, y_pred, k):
        counts = np.zeros((k, k), dtype=int)
        for t, p in zip(np.asarray(y_true), y_pred, strict=True):
            counts[t, p] += 1
        return counts

    got = C.check_vectorised(per_pair, y_true, y_pred, 7)
    assert got.sum() == 7 and got[2, 2] == 1
    # y_pred has one entry per sample too: it is repeated with y_true (or zip would stop early)
    assert "ran 8 times for 7 samples and 43 times for 42 samples" in message(
        C.check_vectorised, per_sample, y_true, y_pred, 7
    )
    # explicit per_sample gives the same verdicts
    C.check_vectorised(per_pair, y_true, y_pred, 7, per_sample=0)
    assert "once per sample" in message(
        C.check_vectorised, per_sample, y_true, y_pred, 7, per_sample=[0]
    )


def test_vectorised_square_inputs_fall_back_to_scaling_x_only():
    """A weight matrix with as many rows as X is not per-sample: the check must still work."""
    X = np.arange(9.0).reshape(3, 3)
    W = np.eye(3)

    def dense(X, W, b):
        return X @ W + b

    C.check_close(C.check_vectorised(dense, X, W, np.zeros(3)), X, "X @ I")


def test_vectorised_reports_a_function_that_only_works_for_one_batch_size():
    def hard_coded(X, w, b):
        return X.reshape(4, 3) @ w + b

    text = message(C.check_vectorised, hard_coded, _X, _W, 0.0)
    assert "fails on a larger batch" in text and "hard-code" in text


def test_vectorised_restores_an_existing_tracer():
    import sys

    def tracer(frame, event, arg):
        return None

    sys.settrace(tracer)
    try:
        C.check_vectorised(_vectorised, _X, _W, 0.0)
        assert sys.gettrace() is tracer
    finally:
        sys.settrace(None)


def test_vectorised_hint_can_fit_the_exercise():
    text = message(C.check_vectorised, _converts_first, _X, _W, 0.0, hint="use one product.")
    assert text.endswith("Hint: use one product.")
    text = message(C.check_vectorised, _loop_iter, _X, _W, 0.0, hint="use one product.")
    assert text.endswith("Hint: use one product.")


def test_caller_hint_survives_a_shape_mismatch():
    text = message(C.check_close, np.zeros(3), np.zeros(2), "v", hint="did you keep the bias?")
    assert "reduction over the wrong axis" in text and "did you keep the bias?" in text


def test_checks_run_a_generator_to_the_end():
    """A generator function runs no code until iterated: the checks must iterate it."""
    from dlkit import optim

    def batches_delegating(X, y, batch_size):
        yield from optim.iterate_minibatches(X, y, batch_size)

    def batches_in_place(X, y, batch_size):
        X += 1  # the mistake only happens once the body runs
        yield X, y

    X, y = np.arange(12.0).reshape(6, 2), np.arange(6)
    with pytest.raises(AssertionError, match="reference implementation"):
        C.check_not_delegating(batches_delegating, optim.iterate_minibatches, args=(X, y, 4))
    with pytest.raises(AssertionError, match="modified its argument number 1"):
        C.check_input_unchanged(batches_in_place, X.copy(), y, 4)
    items = C.check_no_warnings(lambda: (v for v in range(3)))
    assert items == [0, 1, 2]


def test_relative_error_against_an_expected_zero_reads_inf():
    with pytest.raises(AssertionError) as info:
        C.check_close(np.array([1.0, 0.0, 2.0]), np.array([0.0, 0.0, 1.0]), name="mask")
    assert "max rel error inf" in str(info.value) and "e+30" not in str(info.value)


# ------------------------------------------------- delegation: every door into dlkit is trapped


def test_not_delegating_traps_siblings_objects_and_private_helpers():
    from dlkit import data, layers, models, optim

    X = np.random.default_rng(0).normal(size=(6, 3))
    doors = {
        "dlkit.data.fit_standardizer": lambda X: data.apply_standardizer(
            X, *data.fit_standardizer(X)
        ),
        "dlkit.data._column_stats": lambda X: X - data._column_stats(X)[0],
        "dlkit.models.build_mlp": lambda X: models.build_mlp([3, 4, 2]).n_params,
        "dlkit.layers.Dense.__init__": lambda X: layers.Dense(3, 2).forward(X),
        "dlkit.optim.Adam.__init__": lambda X: optim.Adam(lr=0.1),
        "dlkit.layers._dense_param_grads": lambda X: layers._dense_param_grads(X, X),
        "dlkit.activations.sigmoid": lambda X: activations.ACTIVATIONS["sigmoid"][0](X),
    }
    for name, door in doors.items():
        text = message(C.check_not_delegating, door, data.standardize, args=(X,))
        assert f"calls dlkit's reference implementation ({name})" in text, text
        assert "not only dlkit.data.standardize" in text
        assert text.endswith("instead of dlkit's functions.")
    # everything restored: the doors work again outside the check
    assert models.build_mlp([3, 4, 2]).n_params == 26
    assert data.standardize(X).shape == (6, 3)


def test_not_delegating_traps_methods_properties_and_cached_helpers():
    from dlkit import callbacks, data, layers, models, optim

    model = models.Sequential(layers.Dense(2, 3), layers.ReLU())  # built before the check: fine
    data._digits_arrays()  # a warm cache must not let the reference taken below through
    for name, door in {
        "dlkit.models.Sequential.n_params": lambda: model.n_params,  # a property
        "dlkit.layers.Layer.__call__": lambda: model(np.ones((1, 2))),  # an inherited method
        "dlkit.callbacks.EarlyStopping.update": lambda: callbacks.EarlyStopping.update(None, 1.0),
        "dlkit.optim.Optimizer._slot": lambda: optim.Adam._slot(None, None, None),
        "dlkit.data._digits_arrays": data._digits_arrays,  # an lru_cache wrapper
    }.items():
        assert f"({name})" in message(C.check_not_delegating, door)
    assert model.n_params == 9


def test_not_delegating_sees_a_swallowed_trap():
    from dlkit import losses

    def sneaky(y, y_hat):
        try:
            return losses.mse(y, y_hat)
        except Exception:  # the trap fired: quietly fall back to an honest answer
            return float(np.mean((y - y_hat) ** 2))

    text = message(C.check_not_delegating, sneaky, args=(np.zeros(3), np.ones(3)))
    assert "(dlkit.losses.mse)" in text


def test_not_delegating_allows_what_the_exercise_may_use():
    from dlkit import layers, losses, models

    X = np.random.default_rng(1).normal(size=(4, 2))
    params = [(np.ones((2, 3)), np.zeros(3)), (np.ones((3, 2)), np.zeros(2))]

    def step(X, params):  # may use mlp_forward (and whatever it calls inside dlkit)
        P, _ = layers.mlp_forward(X, params)
        return P

    def step_and_loss(X, params):
        return losses.categorical_cross_entropy(np.eye(2)[[0, 1, 0, 1]], step(X, params))

    C.check_not_delegating(step, layers.mlp_backward, args=(X, params), allow=[layers.mlp_forward])
    C.check_not_delegating(step, args=(X, params), allow=layers)  # a module
    C.check_not_delegating(step, args=(X, params), allow=layers.mlp_forward)  # a single one
    text = message(
        C.check_not_delegating, step_and_loss, args=(X, params), allow=[layers.mlp_forward]
    )
    assert "(dlkit.losses.categorical_cross_entropy)" in text
    assert "allowed here: dlkit.layers.mlp_forward" in text
    # a class allows its methods and those it inherits from dlkit's base classes
    C.check_not_delegating(
        lambda: models.Sequential(layers.Dense(2, 2)).n_params,
        allow=[models.Sequential, layers.Dense],
    )
    # a reference is never allowed, even inside an allowed module
    assert "(dlkit.layers.mlp_forward)" in message(
        C.check_not_delegating, step, layers.mlp_forward, args=(X, params), allow=[layers]
    )


def test_not_delegating_counts_dlkit_reached_through_code_outside_dlkit():
    import dlkit

    via_lambda = lambda z: dlkit.activations.relu(z)  # noqa: E731 - a helper in a notebook

    def relu(z):
        return via_lambda(z)

    assert "(dlkit.activations.relu)" in message(C.check_not_delegating, relu, args=(np.ones(2),))


def test_not_delegating_runs_generators_and_class_exercises_inside_the_trap():
    from dlkit import callbacks, optim

    def batches(X, y, batch_size):
        yield from optim.iterate_minibatches(X, y, batch_size)

    X, y = np.arange(12.0).reshape(6, 2), np.arange(6)
    assert "(dlkit.optim.iterate_minibatches)" in message(
        C.check_not_delegating, batches, args=(X, y, 4)
    )
    # an allowed generator: its body (and dlkit's helpers it calls) may run while iterated
    items = C.check_not_delegating(batches, args=(X, y, 4), allow=[optim.iterate_minibatches])
    assert len(items) == 2

    class EarlyStopping(callbacks.EarlyStopping):  # "my own" class, by inheritance
        pass

    def run(patience, losses):
        monitor = EarlyStopping(patience)
        return [monitor.update(loss) for loss in losses]

    assert "(dlkit.callbacks.EarlyStopping.__init__)" in message(
        C.check_not_delegating, run, args=(2, [1.0, 2.0, 3.0])
    )


def test_not_delegating_restores_dlkit_after_errors_and_interrupts():
    from dlkit import layers

    targets = C._targets()
    real = {id(t.obj): t.obj.__code__ for t in targets if t.where is None}

    def interrupted():
        layers.Dense(2, 2)  # allowed below; the interrupt comes from inside dlkit's code path
        raise KeyboardInterrupt

    def broken():
        raise ValueError("my own bug")

    with pytest.raises(KeyboardInterrupt):
        C.check_not_delegating(interrupted, allow=[layers])
    with pytest.raises(ValueError, match="my own bug"):
        C.check_not_delegating(broken)
    for t in targets:
        if t.where is None:
            assert t.obj.__code__ is real[id(t.obj)], t.name
    assert not C._TRAP.active and C._TRAP.depth == 0
    assert layers.Dense(2, 3).n_params == 9  # __init__ has a closure cell (super()): restored


def test_not_delegating_covers_all_of_dlkit_but_checks():
    names = {t.name for t in C._targets()}
    assert len(names) > 300
    assert not any(n.startswith("dlkit.checks.") for n in names)
    for expected in (
        "dlkit.data._column_stats",
        "dlkit.layers._dense_param_grads",
        "dlkit.models.Sequential.fit",
        "dlkit.models.Sequential.n_params",
        "dlkit.optim.Optimizer.step",
        "dlkit.optim.Adam._apply",
        "dlkit._validation.as_float_array",
        "dlkit.landscapes.trajectory",
    ):
        assert any(n == expected or n.startswith(expected) for n in names), expected
    assert "numpy" not in {t.module.split(".")[0] for t in C._targets()}
    # its speed (trap and restore all of dlkit) is measured by bench/run.py, not here


def test_a_check_inside_a_check_cannot_widen_what_is_allowed():
    from dlkit import losses

    def mse(y, y_hat):  # asks for permission from inside the outer check
        return C.check_not_delegating(losses.mse, args=(y, y_hat), allow=[losses])

    text = message(C.check_not_delegating, mse, args=(np.zeros(2), np.ones(2)))
    assert "(dlkit.losses.mse)" in text


def test_a_forged_active_flag_does_not_switch_the_trap_off():
    from dlkit import losses

    C._TRAP.active = True  # as a submission might set it before the test cells run
    try:
        text = message(C.check_not_delegating, losses.mse, args=(np.zeros(2), np.ones(2)))
    finally:
        C._TRAP.active = False
    assert "(dlkit.losses.mse)" in text


def test_allowed_dlkit_code_runs_with_the_trap_lifted_and_set_again_after():
    from dlkit import data, layers, models

    X = np.random.default_rng(2).normal(size=(8, 3))
    seen = []

    def fit_then_cheat(X):
        model = models.Sequential(layers.Dense(3, 2, rng=0))  # allowed: built at full speed
        seen.append(next(t for t in C._TRAP.current if t.obj is layers.dense_forward).installed())
        model.forward(X)  # allowed again, after the trap was set again
        return data.standardize(X)  # not allowed

    text = message(C.check_not_delegating, fit_then_cheat, args=(X,), allow=[layers, models])
    assert "(dlkit.data.standardize)" in text
    assert seen == [True]  # the trap was set again once the allowed call returned
    # an allowed call whose gates were not all lifted (an interrupted lift) still runs
    targets = C._targets()
    dense_forward = next(t for t in targets if t.name == "dlkit.layers.dense_forward")
    with C._trapped(allow=[layers]):
        dense_forward.rearm()
        C._TRAP.depth = 1  # as if inside allowed code
        try:
            assert layers.dense_forward(np.ones((1, 2)), np.ones((2, 1)), np.zeros(1))[0, 0] == 2
        finally:
            C._TRAP.depth = 0
    assert layers.dense_forward(np.ones((1, 2)), np.ones((2, 1)), np.zeros(1))[0, 0] == 2


def test_generator_functions_get_generator_gates():
    """Python 3.13 deprecates giving a generator function the code of a plain function."""
    import inspect
    import warnings

    from dlkit import optim

    for t in C._targets():
        if t.where is None:
            kind = inspect.CO_GENERATOR
            assert (t.obj.__code__.co_flags & kind) == (t.gate.co_flags & kind), t.name
    X, y = np.arange(12.0).reshape(6, 2), np.arange(6)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        text = message(C.check_not_delegating, lambda: optim.iterate_minibatches(X, y, 4))
    assert "(dlkit.optim.iterate_minibatches)" in text  # fired when the check iterated it
    # a generator made inside the check and iterated after it runs the real code
    leftover = C.check_not_delegating(lambda: [optim.iterate_minibatches(X, y, 3)])[0]
    assert [len(b) for b, _ in leftover] == [3, 3]


def test_not_delegating_takes_the_check_s_own_hint():
    from dlkit import data

    text = message(
        C.check_not_delegating,
        lambda: data.digits(),
        allow=[data.standardize],
        hint="train on the data you are given.",
    )
    assert (
        text.splitlines()[0]
        == "<lambda> calls dlkit's reference implementation (dlkit.data.digits)."
    )
    assert "write the computation yourself" not in text
    assert "allowed here: dlkit.data.standardize; the rest of dlkit" in text
    assert text.endswith("Hint: train on the data you are given.")


# ------------------------------------------------------------- compact failures (IPython)


def _failure(code: str, filename: str = "<ipython-input-7-abc123>") -> AssertionError:
    import linecache

    namespace = {"np": np, "checks": C}
    # IPython registers each cell's source like this, so tracebacks can quote it
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    with pytest.raises(AssertionError) as info:
        exec(compile(code, filename, "exec"), namespace)
    return info.value


def test_a_failed_check_renders_message_first_without_dlkit_frames():
    error = _failure(
        "checks.check_close(np.ones(3), np.zeros(3), name='relu(z)', hint='clip at 0')"
    )
    lines = error._render_traceback_()
    assert lines[0].endswith("AssertionError\x1b[0m: relu(z) has the wrong values.")
    assert "Hint: clip at 0" in lines and str(error).startswith("relu(z) has the wrong values.")
    assert not any("checks.py" in line or "Traceback" in line for line in lines)


def test_the_students_own_line_is_shown_when_their_code_raised():
    code = (
        "def sigmoid(z):\n"
        "    z = np.asarray(z, dtype=float)\n"
        "    return 1 / (1 + np.exp(-z))\n"
        "checks.check_no_warnings(sigmoid, np.array([-1e4, 1e4]))\n"
    )
    lines = _failure(code)._render_traceback_()
    text = "\n".join(lines)
    assert text.index("numerically unstable") < text.index("In your code")
    assert "In your code, cell In[7], line 3, in sigmoid:" in lines
    assert "    return 1 / (1 + np.exp(-z))" in lines
    assert "FloatingPointError: overflow encountered in exp" in lines
    assert "checks.py" not in text and "During handling" not in text


def test_verbose_gives_the_full_traceback_back():
    C.verbose(True)
    try:
        error = _failure("checks.check_true(False, 'no')")
        assert not hasattr(error, "_render_traceback_")
    finally:
        C.verbose(False)
    assert hasattr(_failure("checks.check_true(False, 'no')"), "_render_traceback_")


def test_ipython_shows_the_compact_form_and_normal_errors_stay_normal(capsys):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.run_cell("import numpy as np\nfrom dlkit import checks")
    shell.run_cell("def relu(z):\n    return np.maximum(z, 0.1)")
    shell.run_cell("checks.check_close(relu(np.zeros(2)), np.zeros(2), name='relu(z)')")
    shown = capsys.readouterr().out
    first = [line for line in shown.splitlines() if line.strip()][:2]
    assert "relu(z) has the wrong values." in first[0], shown
    assert "checks.py" not in shown and "Traceback" not in shown
    shell.run_cell("relu(undefined_name)")
    assert "NameError" in capsys.readouterr().out  # IPython's own traceback
