"""The release notebooks on a fresh Colab-like runtime: the setup cell installs dlkit.

The runtime (tests/fresh_runtime.py) is a new venv with Colab's Python and packages
(numpy 2.1, matplotlib 3.10, ipywidgets 7.7.1, IPython 7.34) and no dlkit. Each
release notebook runs in its own kernel there, from an empty folder, with its setup
cell installing a wheel of this checkout instead of the GitHub URL; every cell except
the graded test cells runs, and the only errors allowed are unfinished exercises.
"""

from __future__ import annotations

import warnings
import zipfile

import pytest
from fresh_runtime import (
    CellResult,
    allowed_failure,
    base_venv,
    build_wheel,
    find_python,
    run_notebook,
    widget_views,
)

from course import config, notebooks
from course.config import ROOT

STUB_TRACEBACK = [
    "-----",
    "NotImplementedError    Traceback (most recent call last)",
    "/tmp/ipykernel_1/1.py in <cell line: 0>()\n----> 1 sigmoid(z)\n",
    "/tmp/ipykernel_1/2.py in sigmoid(z)\n     12     # YOUR CODE HERE\n---> 13     raise NotImplementedError()\n",
    "NotImplementedError: ",
]


@pytest.fixture(scope="session")
def dlkit_wheel(tmp_path_factory):
    return build_wheel(tmp_path_factory.mktemp("dlkit-wheel"))


@pytest.fixture(scope="session")
def colab_runtime(dlkit_wheel):
    """The cached base venv (built on first use, needs PyPI) and a wheel of dlkit."""
    python, note = find_python()
    if note:
        warnings.warn(note, stacklevel=1)
    return base_venv(python), dlkit_wheel


@pytest.mark.slow
def test_the_installed_package_has_every_file_of_dlkit(dlkit_wheel):
    """Colab gets dlkit only through pip: a data file the build leaves out is missing there."""
    shipped = set(zipfile.ZipFile(dlkit_wheel).namelist())
    here = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "dlkit").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    missing = sorted(here - shipped)
    assert not missing, (
        f"not in the installed package (so not on Colab): {missing}; declare them in "
        "pyproject.toml ([tool.setuptools] packages / [tool.setuptools.package-data])"
    )


@pytest.mark.slow
@pytest.mark.parametrize("a", config.ASSIGNMENTS, ids=lambda a: a.id)
def test_release_notebook_on_a_fresh_colab_like_runtime(a, colab_runtime, tmp_path):
    base, wheel = colab_runtime
    run = run_notebook(a.id, base, wheel, tmp_path)

    # the setup cell took its install branch, installed into this runtime, and imported
    assert not run.before["dlkit_importable"], "dlkit was importable before the setup cell"
    setup = next(c for c in run.cells if c.kind == "setup")
    assert setup.error is None, f"the setup cell failed: {setup.error}"
    printed = "".join(out.get("text", "") for out in setup.outputs)
    assert "ready" in printed.splitlines()[-1], printed
    assert run.after["course"] == config.COURSE_MARKER
    assert run.after["file"].startswith(run.before["prefix"] + "/"), run.after["file"]
    # ... on Colab's versions, with live widgets and the inline backend
    assert run.after["ipywidgets"] == "7.7.1" and run.after["ipython"].startswith("7.34")
    assert run.after["widgets_enabled"] is True
    assert "inline" in run.after["backend"]

    problems = run.unexpected_errors()
    assert not problems, "\n\n".join(problems)

    # a failed check shows compactly on Colab's IPython 7.34 too: message first, the
    # student's own line, no frame of dlkit and no "During handling ..." banner
    shown = run.failing_check["traceback"]
    assert run.failing_check["ename"] == "AssertionError", run.failing_check
    assert "numerically unstable" in shown[0], shown
    assert "    return 1 / (1 + np.exp(-z))" in shown and "line 2, in probe_sigmoid" in "".join(
        shown
    )
    assert not any("checks.py" in line or "During handling" in line for line in shown), shown

    widget_cells = [c.index for c in run.cells if "dlkit.widgets." in c.source]
    assert widget_views(run) == widget_cells, "a widget cell showed no live widget"
    assert not any("Static figure" in str(c.outputs) for c in run.cells)
    assert len(run.controls) == len(widget_cells)
    for moved in run.controls:
        assert moved["redrawn_by"], f"no control of {moved['widget']} redrew its figure"


def _cell(source, kind="demo", ename=None, evalue="", traceback=None):
    error = ename and {"ename": ename, "evalue": evalue, "traceback": traceback or []}
    return CellResult(0, kind, source, error)


def test_only_unfinished_exercises_may_fail():
    """The rule run.unexpected_errors() applies, on cells that fail in known ways."""
    tainted = {"sigmoid", "out"}  # an answer's function, a name its failed demo left undefined

    def allowed(cell):
        return allowed_failure(cell, notebooks.parse_cell(cell.source), tainted) is not None

    stub = "NotImplementedError"
    assert allowed(_cell("def sigmoid(z):\n    raise NotImplementedError()", "solution", stub))
    assert allowed(_cell("sigmoid(z)", ename=stub, traceback=STUB_TRACEBACK))
    assert allowed(_cell("print(out)", ename="NameError", evalue="name 'out' is not defined"))
    # a NotImplementedError raised elsewhere (e.g. inside dlkit) is a bug
    assert not allowed(_cell("sigmoid(z)", ename=stub, traceback=STUB_TRACEBACK[:2] + ["x", "y"]))
    # a stub that dlkit runs (a layer given the student's function) must say what to finish
    layer = "/venv/lib/python3.13/site-packages/dlkit/layers.py in forward(self, X)\n---> 9 ...\n"
    deep = [*STUB_TRACEBACK[:3], layer, *STUB_TRACEBACK[3:]]
    assert not allowed(_cell("sigmoid(z)", ename=stub, traceback=deep))
    finish = (
        "this cell runs your sigmoid, which is not written yet: finish Exercise 2 of "
        "01_perceptron (sigmoid), then run the cells again from the first one that stopped "
        "with this message"
    )
    wrapper = "/venv/lib/python3.13/site-packages/dlkit/__init__.py in not_written_yet()\n"
    told = [*STUB_TRACEBACK[:3], layer, wrapper, f"NotImplementedError: {finish}"]
    assert allowed(_cell("sigmoid(z)", ename=stub, evalue=finish, traceback=told))
    # cells that use no student function must run cleanly
    assert not allowed(_cell("dlkit.plot.plot(z)", ename=stub, traceback=STUB_TRACEBACK))
    assert not allowed(_cell("sigmoid(z)", ename="ValueError"))
    assert not allowed(_cell("import dlkit", "setup", "ModuleNotFoundError"))
