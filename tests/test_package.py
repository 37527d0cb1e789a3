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
    assert dlkit.yours_or_reference(stub, reference, 1, say=None) is stub
    with pytest.raises(ValueError):  # any other error of yours is yours to see
        dlkit.yours_or_reference(lambda x: int("x"), reference, 1, say=None)
