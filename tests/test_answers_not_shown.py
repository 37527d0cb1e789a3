"""Visible tests check the answer; they do not show it (issue 24).

A student reads the visible part of every test cell (everything before
``### BEGIN HIDDEN TESTS``) and every failure hint. If the solution's own NumPy
expression is written there, scrolling down gives the answer away. This scan takes the
value expressions of the solution (every ``return``, ``yield`` and (augmented or
annotated) assignment between ``### BEGIN SOLUTION`` and ``### END SOLUTION``),
normalises them (``ast.unparse``, whitespace removed) and fails when one of them
appears verbatim in the visible part of a test cell of the same exercise or in one of
its ``hint=`` strings.

Trivial expressions are skipped: a bare name, a constant, an attribute, a subscript of
a name, a tuple made only of those, anything shorter than ``MIN_CHARS`` characters once
normalised, and the generic idioms in ``ALLOWED``. A tuple is checked element by
element, since ``return dX, dW, db`` is shown one element at a time.
"""

from __future__ import annotations

import ast
import re

import nbformat
import pytest

from course import notebooks
from course.config import ASSIGNMENTS

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
MIN_CHARS = 10  # normalised length below which an expression cannot give an answer away

# Generic idioms a test may write for its own reasons (normalised form).
ALLOWED = {
    "np.asarray(X,dtype=float)",  # input conversion, not an answer
    "np.asarray(z,dtype=float)",  # input conversion, not an answer
    "np.random.default_rng(0)",  # the documented default generator, stated in the exercise text
    "np.arange(n)",  # the natural order 0..n-1, which tests compare shuffled orders with
    "rng.permutation(n)",  # the order of random draws, pinned by the task text so tests are exact
}


def normalise(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _is_trivial(node: ast.expr) -> bool:
    if isinstance(node, ast.Name | ast.Constant | ast.Attribute):
        return True
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        return True
    if isinstance(node, ast.Tuple | ast.List):
        return all(_is_trivial(e) for e in node.elts)
    return False


def _marked_lines(source: str, begin: str, end: str | None) -> set[int]:
    """1-based line numbers strictly between the ``begin`` and ``end`` marker lines."""
    inside, lines = False, set()
    for number, line in enumerate(source.split("\n"), start=1):
        if line.strip() == begin:
            inside = True
        elif end is not None and line.strip() == end:
            inside = False
        elif inside:
            lines.add(number)
    return lines


def solution_expressions(source: str) -> set[str]:
    """The normalised, non-trivial value expressions of the code between the solution markers."""
    lines = _marked_lines(source, BEGIN_SOLUTION, END_SOLUTION)
    values: list[ast.expr] = []
    for node in ast.walk(notebooks.parse_cell(source)):
        if getattr(node, "lineno", None) not in lines:
            continue
        if isinstance(node, ast.Return | ast.Yield | ast.Assign | ast.AugAssign | ast.AnnAssign):
            if node.value is not None:
                values.append(node.value)
    found = set()
    while values:
        value = values.pop()
        if isinstance(value, ast.Tuple):
            values.extend(value.elts)
            continue
        if _is_trivial(value):
            continue
        text = normalise(ast.unparse(value))
        if len(text) >= MIN_CHARS and text not in ALLOWED:
            found.add(text)
    return found


def visible_part(source: str) -> str:
    return source.split(BEGIN_HIDDEN, 1)[0]


def _string_value(node: ast.expr) -> str:
    """The text of a hint: a literal string as Python sees it, else the unparsed expression."""
    try:
        value = ast.literal_eval(node)
    except ValueError:
        return ast.unparse(node)
    return value if isinstance(value, str) else ast.unparse(node)


def visible_texts(source: str) -> tuple[str, list[str]]:
    """The normalised visible code (raw text plus every unparsed expression) and its hints."""
    visible = visible_part(source)
    pieces = [normalise(visible)]
    hints = []
    tree = notebooks.parse_cell(visible)
    for node in ast.walk(tree):
        if isinstance(node, ast.expr):
            pieces.append(normalise(ast.unparse(node)))
        if isinstance(node, ast.keyword) and node.arg == "hint":
            hints.append(normalise(_string_value(node.value)))
    return "\n".join(pieces), hints


def scan(nb) -> list[str]:
    """Every place where a solution expression is shown; empty when none is."""
    problems = []
    for name, exercise in notebooks.exercises(nb).items():
        expressions = solution_expressions(exercise.solution.source)
        for cell in exercise.tests:
            code, hints = visible_texts(cell.source)
            for expr in sorted(expressions):
                if any(expr in hint for hint in hints):
                    where = "a hint"
                elif expr in code:
                    where = "the visible code"
                else:
                    continue
                problems.append(
                    f"{name}: {where} of test cell {notebooks.grade_id(cell)!r} shows the "
                    f"solution's expression {expr!r}"
                )
    return problems


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=[a.id for a in ASSIGNMENTS])
def test_visible_tests_do_not_show_the_solution(assignment):
    problems = scan(notebooks.read(assignment.path("source")))
    assert not problems, "\n".join(problems)


# --- the scan itself -----------------------------------------------------------------


def _tiny_notebook(test_source: str):
    solution = nbformat.v4.new_code_cell(
        "def step(w, g, lr):\n"
        "    ### BEGIN SOLUTION\n"
        "    new = w - lr * np.sign(g)\n"
        "    return new\n"
        "    ### END SOLUTION\n",
        metadata={"nbgrader": {"grade_id": "step", "solution": True, "grade": False}},
    )
    test = nbformat.v4.new_code_cell(
        test_source,
        metadata={"nbgrader": {"grade_id": "step_values", "grade": True, "points": 1}},
    )
    return nbformat.v4.new_notebook(cells=[solution, test])


def test_scan_collects_expressions_between_the_markers_only():
    source = (
        "def f(X, w):\n"
        "    outside = np.zeros_like(w) + 1\n"
        "    ### BEGIN SOLUTION\n"
        "    n = len(X)\n"
        "    Z = X @ w + np.ones(3)\n"
        "    Z += np.maximum(Z, 0)\n"
        "    return Z.sum(axis=0), n\n"
        "    ### END SOLUTION\n"
    )
    assert solution_expressions(source) == {"X@w+np.ones(3)", "np.maximum(Z,0)", "Z.sum(axis=0)"}


def test_scan_fails_on_an_expression_in_the_visible_code():
    nb = _tiny_notebook("expected = w  -  lr*np.sign( g )\ncheck(step(w, g, lr), expected)\n")
    [problem] = scan(nb)
    assert "step" in problem and "'step_values'" in problem and "'w-lr*np.sign(g)'" in problem


def test_scan_fails_on_an_expression_in_a_hint():
    nb = _tiny_notebook(
        'check(step(w, g, 0.1), [1.0], hint="the new weights are w - lr " "* np.sign(g).")\n'
    )
    [problem] = scan(nb)
    assert "hint" in problem and "'w-lr*np.sign(g)'" in problem


def test_scan_ignores_hidden_tests_and_passes_clean_cells():
    nb = _tiny_notebook(
        "check(step(1.0, 2.0, 0.5), 0.0, hint='step against the gradient.')\n"
        f"{BEGIN_HIDDEN}\nassert step(w, g, lr) == w - lr * np.sign(g)\n### END HIDDEN TESTS\n"
    )
    assert scan(nb) == []
