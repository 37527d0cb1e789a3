"""The dlkit package as a whole: lazy imports, marker, public names, validation messages."""

import subprocess
import sys

import numpy as np
import pytest

import dlkit
from dlkit import _validation as V


def test_import_is_lazy():
    code = (
        "import sys, dlkit; dlkit.activations; dlkit.checks; dlkit.data; dlkit.perceptron; dlkit.widgets;"
        "heavy = [m for m in ('matplotlib', 'ipywidgets', 'IPython') if m in sys.modules];"
        "print(heavy)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_marker_and_version():
    assert dlkit.__course__ == "deep-learning-fundamentals"
    from course import config

    assert config.COURSE_MARKER == dlkit.__course__
    assert dlkit.__version__
    with pytest.raises(AttributeError):
        dlkit.nonexistent  # noqa: B018


@pytest.mark.parametrize("name", dlkit.__all__)
def test_every_module_declares_its_public_names(name):
    module = getattr(dlkit, name)
    for public in module.__all__:
        assert hasattr(module, public), f"dlkit.{name}.{public}"


@pytest.mark.parametrize("name", dlkit.__all__)
def test_every_public_definition_is_in_all(name):
    import inspect

    module = getattr(dlkit, name)
    defined = {
        key
        for key, value in vars(module).items()
        if not key.startswith("_")
        and (inspect.isfunction(value) or inspect.isclass(value))
        and value.__module__ == module.__name__
    }
    assert defined <= set(module.__all__), (
        f"missing from dlkit.{name}.__all__: {sorted(defined - set(module.__all__))}"
    )


def test_validation_messages_name_argument_and_fix():
    with pytest.raises(
        ValueError, match=r"X must be 2-D; got shape \(3,\). Use X.reshape\(1, -1\)"
    ):
        V.as_2d([1, 2, 3])
    with pytest.raises(TypeError, match="must contain real numbers; got dtype <U1"):
        V.as_float_array(["a"], "z")
    with pytest.raises(TypeError, match="array-like of numbers"):
        V.as_float_array([[1, 2], [3]], "X")
    with pytest.raises(TypeError, match="epochs must be an integer"):
        V.check_int(2.5, "epochs")
    with pytest.raises(ValueError, match="lr must be finite and > 0; got 0"):
        V.check_positive(0, "lr")
    assert V.as_float_array(np.ones(2, dtype=np.float32), "x").dtype == np.float32


def test_yours_or_reference_picks_what_a_demo_should_run(monkeypatch):
    """Yours once it runs; dlkit's reference while yours is a stub and this copy carries it;
    yours still (unfinished) where a student copy leaves the reference out."""
    said = []

    def reference(x):
        return x + 1

    def stub(x):
        raise NotImplementedError

    def yours(x):
        return x + 2

    assert dlkit.yours_or_reference(yours, reference, 1, say=said.append) is yours
    assert dlkit.yours_or_reference(None, reference, 1, say=said.append) is reference
    assert dlkit.yours_or_reference(stub, reference, 1, say=said.append) is reference
    assert said == ["reference: yours", "reference: dlkit's reference (yours is not written yet)"]
    monkeypatch.setattr(dlkit, "released", lambda ref: False)
    assert dlkit.yours_or_reference(yours, reference, 1, say=None) is yours  # never wrapped
    assert dlkit.yours_or_reference(stub, reference, 1, say=None).__wrapped__ is stub
    with pytest.raises(ValueError):  # any other error of yours is yours to see
        dlkit.yours_or_reference(lambda x: int("x"), reference, 1, say=None)


def test_a_demo_that_runs_your_stub_says_which_exercise_to_finish(monkeypatch):
    """A student copy that leaves the reference out runs your stub: what the demo raises,
    however deep inside dlkit, says in one line which function to write, in which exercise
    of which notebook (dlkit/_exercises.py), and to run the cell again."""
    from dlkit._exercises import EXERCISES

    monkeypatch.setattr(dlkit, "released", lambda ref: False)

    def conv2d_forward(X, W, b, stride=1, pad=0):
        # YOUR CODE HERE
        raise NotImplementedError()

    X, W, b = np.ones((1, 1, 4, 4)), np.ones((1, 1, 3, 3)), np.zeros(1)
    said = []
    chosen = dlkit.yours_or_reference(
        conv2d_forward, dlkit.conv.conv2d_forward, X, W, b, say=said.append
    )
    assert said == ["conv2d_forward: yours (not written yet: finish it to run this)"]
    assert chosen.__name__ == "conv2d_forward" and chosen.__wrapped__ is conv2d_forward
    layer = dlkit.layers.Conv2D(1, 2, kernel_size=3, rng=0, conv2d_forward=chosen)
    with pytest.raises(NotImplementedError) as caught:
        layer.forward(np.ones((2, 1, 5, 5)))
    notebook, number = EXERCISES["dlkit.conv.conv2d_forward"]  # 09_convolutions, 5
    assert str(caught.value) == (
        f"this cell runs your conv2d_forward, which is not written yet: finish Exercise {number} "
        f"of {notebook} (conv2d_forward), then run the cells again from the first one that "
        "stopped with this message"
    )
    assert type(caught.value) is NotImplementedError  # so a cell's `except` still catches it
    assert caught.value.__cause__ is None and caught.value.__suppress_context__  # one message

    # the student's own name for it; a reference the table does not know: no exercise
    def my_loss(y, y_hat):
        raise NotImplementedError()

    wrapped = dlkit.yours_or_reference(my_loss, dlkit.losses.mse, np.zeros(2), np.ones(2), say=None)
    with pytest.raises(
        NotImplementedError,
        match=r"^this cell runs your my_loss, .*"
        r"finish Exercise \d+ of 03_losses \(mse\), then run the cells again from .*$",
    ):
        wrapped(np.zeros(3), np.ones(3))
    wrapped = dlkit.yours_or_reference(my_loss, lambda y, y_hat: 0.0, 1, 2, say=None)
    with pytest.raises(
        NotImplementedError,
        match=r"^this cell runs your my_loss, which is not "
        r"written yet: finish your my_loss, then run the cells again from the first one .*$",
    ):
        wrapped(1, 2)

    # another NotImplementedError (a reference this copy leaves out, say) keeps its words
    class Unreleased(NotImplementedError):
        pass

    calls = []

    def half_done(x):
        calls.append(x)
        if len(calls) > 1:
            raise Unreleased("dlkit.optim.adam_step is left out of this copy of dlkit")
        raise NotImplementedError()

    wrapped = dlkit.yours_or_reference(half_done, dlkit.optim.adam_step, 1, say=None)
    with pytest.raises(Unreleased, match="left out"):
        wrapped(2)
