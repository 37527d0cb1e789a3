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
