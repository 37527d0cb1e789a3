"""nbgrader's own Validator: solutions pass every test cell, release stubs pass none."""

import pytest
from nbgrader.validator import Validator

from course.config import ASSIGNMENTS

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("a", ASSIGNMENTS, ids=lambda a: a.id)
def test_solution_passes_all_test_cells(a):
    result = Validator().validate(str(a.path("solutions")))
    assert not result.get("failed") and not result.get("changed"), result


@pytest.mark.parametrize("a", ASSIGNMENTS, ids=lambda a: a.id)
def test_release_passes_no_test_cell(a):
    validator = Validator()
    validator.invert = True
    result = validator.validate(str(a.path("release")))
    # a cell whose checks are all hidden is only a docstring in the release: it cannot fail
    # there, and autograde restores its checks (test_autograde grades the empty release 0)
    passing = [cell["source"] for cell in result.get("passed", []) if "checks." in cell["source"]]
    assert not passing, f"test cells that pass on the stubs: {passing}"
    hidden_only = [
        cell["source"] for cell in result.get("passed", []) if "checks." not in cell["source"]
    ]
    assert all("hidden" in s.lower() or "Check" in s for s in hidden_only)
