"""dlkit.gradcheck: numerical gradients, relative error, the report that raises."""

import numpy as np
import pytest

from dlkit import gradcheck, layers, losses, models
from dlkit.checks import check_close


def test_numerical_gradient_of_known_functions():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    check_close(
        gradcheck.numerical_gradient(lambda v: (v**3).sum(), x), 3 * x**2, "d sum(x^3)", rtol=1e-8
    )
    assert np.array_equal(x, [[1.0, -2.0], [0.5, 3.0]]), "x is restored exactly"
    with pytest.raises(TypeError, match="float64 ndarray"):
        gradcheck.numerical_gradient(lambda v: v.sum(), [1.0, 2.0])


def test_relative_error():
    assert gradcheck.relative_error([0.0, 0.0], [0.0, 0.0]) == 0.0
    assert gradcheck.relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert gradcheck.relative_error([1.0], [1.1]) == pytest.approx(0.1 / 2.1)
    with pytest.raises(ValueError, match="same shape"):
        gradcheck.relative_error([1.0], [1.0, 2.0])


class _WrongDense(layers.Dense):
    def backward(self, dout):
        dX = super().backward(dout)
        self.grads["b"] = np.asarray(dout).mean(axis=0)  # the classic bug: mean instead of sum
        return dX


def test_gradcheck_reports_the_faulty_parameter(capsys):
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(6, 3)), losses.one_hot(rng.integers(0, 2, 6), 2)
    model = models.Sequential(
        _WrongDense(3, 4, rng=1), layers.Tanh(), layers.Dense(4, 2, rng=2), layers.Softmax()
    )
    with pytest.raises(AssertionError) as info:
        gradcheck.gradcheck(model, X, Y)
    message = str(info.value)
    assert "gradient check failed for layers[0].b" in message
    assert "layers[0].W" in message and "FAILED" in message and "ok" in message
    rows = gradcheck.gradcheck(model, X, Y, raise_on_failure=False, verbose=False)
    assert [r.ok for r in rows] == [True, False, True, True]


def test_gradcheck_restores_float32_parameters():
    model = models.build_mlp([2, 3, 2], rng=0)
    for layer, name in model.parameters():
        layer.params[name] = layer.params[name].astype(np.float32)
    X, Y = np.ones((2, 2)), losses.one_hot([0, 1], 2)
    gradcheck.gradcheck(model, X, Y, verbose=False, tol=1e-5)
    assert all(layer.params[name].dtype == np.float32 for layer, name in model.parameters())
