"""dlkit.perceptron: the neuron and Rosenblatt's rule, checked by hand and by properties."""

import numpy as np
import pytest

from dlkit import activations, data, perceptron
from dlkit.checks import check_close, check_equal


def test_linear_predict_and_neuron():
    X = np.array([[1.0, 2.0], [3.0, -1.0]])
    check_close(perceptron.linear_predict(X, [0.5, -1.0], 2.0), [0.5, 4.5], "X @ w + b")
    check_close(perceptron.neuron(X, [0.5, -1.0], 2.0, "step"), [1, 1], "step neuron")
    check_close(
        perceptron.neuron(X, [0.0, 0.0], 0.0, activations.sigmoid), [0.5, 0.5], "sigmoid neuron"
    )


def test_linear_predict_validates_shapes():
    with pytest.raises(ValueError, match="w must have one weight per feature: X has 2 features"):
        perceptron.linear_predict(np.ones((3, 2)), np.ones(3), 0.0)
    with pytest.raises(ValueError, match="b must be a single number"):
        perceptron.linear_predict(np.ones((3, 2)), np.ones(2), np.ones(2))


def test_perceptron_on_and_by_hand():
    # traced by hand: updates at (0,0) and (1,1) in epoch 1, ...
    X, y = data.logic_gate("and")
    w, b, errors = perceptron.perceptron_train(X, y, lr=1.0, epochs=8)
    check_close(w, [2.0, 1.0], "w")
    assert b == -3.0
    check_equal(errors, [2, 3, 3, 2, 1, 0, 0, 0], "errors per epoch")


@pytest.mark.parametrize("gate", ["and", "or", "nand", "nor"])
def test_linearly_separable_gates_are_learned(gate):
    X, y = data.logic_gate(gate)
    w, b, errors = perceptron.perceptron_train(X, y, epochs=20)
    assert errors[-1] == 0 and len(errors) == 20
    assert np.array_equal((X @ w + b >= 0).astype(int), y)


def test_xor_is_never_learned():
    X, y = data.logic_gate("xor")
    _, _, errors = perceptron.perceptron_train(X, y, epochs=50)
    assert min(errors) > 0


def test_blobs_converge_and_steps_agree_with_train():
    X, y = data.blobs(40, rng=3)
    w, b, errors = perceptron.perceptron_train(X, y, lr=0.5, epochs=30)
    assert errors[-1] == 0
    steps = list(perceptron.perceptron_steps(X, y, lr=0.5, epochs=30))
    assert len(steps) == 30 * 40
    check_close(steps[-1].w, w, "last step")
    assert sum(s.mistake for s in steps) == sum(errors)


def test_labels_must_be_binary():
    X, _ = data.logic_gate("and")
    with pytest.raises(ValueError, match=r"only the labels 0 and 1; got \[-1, 1\]"):
        perceptron.perceptron_train(X, [-1, -1, -1, 1])
    with pytest.raises(ValueError, match="epochs must be >= 1"):
        perceptron.perceptron_train(X, [0, 0, 0, 1], epochs=0)
