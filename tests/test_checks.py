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


def test_check_vectorised():
    X, w = np.arange(12.0).reshape(4, 3), np.ones(3)

    def loop_iter(X, w, b):
        return np.array([x @ w + b for x in X])

    def loop_index(X, w, b):
        return np.array([X[i] @ w + b for i in range(len(X))])

    def loop_index_2d(X, w, b):
        return np.array([X[i, :] @ w + b for i in range(X.shape[0])])

    def vectorised(X, w, b):
        print(X)  # printing must not count as a loop
        return X @ w + b

    for bad in (loop_iter, loop_index, loop_index_2d):
        assert "uses a Python loop" in message(C.check_vectorised, bad, X, w, 1.0)
        # the run-time guard on its own, as for functions whose source cannot be read
        assert "loops over the samples" in message(
            C.check_vectorised, bad, X, w, 1.0, allow_loops=True
        )
    out = C.check_vectorised(vectorised, X, w, 1.0)
    assert type(out) is np.ndarray
    C.check_close(out, X @ w + 1.0, "X @ w + b")


def test_check_vectorised_reads_the_source_for_hidden_loops():
    X, w = np.arange(12.0).reshape(4, 3), np.ones(3)

    def converts_first(X, w, b):
        X = np.asarray(X)  # escapes the run-time guard...
        return np.array([x @ w + b for x in X])  # ...but not the source check

    assert "uses a Python loop (ListComp on line 3)" in message(
        C.check_vectorised, converts_first, X, w, 0.0
    )
    C.check_vectorised(converts_first, X, w, 0.0, allow_loops=True)


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
