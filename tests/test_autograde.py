"""The autograder, through nbgrader itself: fair to good work, robust to bad work.

One batch of submissions is graded once (module fixture): the example class
(full marks, empty, half right) plus submissions that loop forever, kill their
kernel, print megabytes, delete or edit test cells. The batch must finish, and each
row must get the score it deserves.
"""

import csv
import html
import re
import shutil

import pytest

from course import notebooks
from course.__main__ import write_examples
from course.check import _regions
from course.config import ASSIGNMENTS
from course.grade import format_table, grade, solved_release

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("autograde")]
FIRST = ASSIGNMENTS[0]


def _edit(source_of):
    """A full-marks notebook of FIRST with some cells changed by ``source_of(cell)``."""
    nb = solved_release(FIRST.id, "all")
    for cell in nb.cells:
        new = source_of(cell)
        if new is not None:
            cell.source = new
    return nb


def _first_answer(cell):
    names = list(notebooks.exercises(notebooks.read(FIRST.path("source"))))
    return notebooks.grade_id(cell) == names[0]


HOSTILE = {
    "loops_forever": lambda c: "while True:\n    pass" if _first_answer(c) else None,
    "kills_kernel": lambda c: "import os\nos._exit(1)" if _first_answer(c) else None,
    "eats_memory": lambda c: (
        "import numpy as np\nhog = np.ones(6 * 2**30 // 8)" if _first_answer(c) else None
    ),
    "prints_megabytes": lambda c: (
        c.source + "\nprint('x' * 20_000_000)\nfor i in range(5000):\n    print(i)"
        if _first_answer(c)
        else None
    ),
    "edits_tests": lambda c: (
        '"""Check that nothing."""\npass'
        if notebooks.nbgrader_meta(c).get("grade")
        and not notebooks.nbgrader_meta(c).get("solution")
        else (
            "def broken(*args):\n    return None"
            if notebooks.nbgrader_meta(c).get("solution")
            else None
        )
    ),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    subs = write_examples(tmp_path_factory.mktemp("submissions"))
    for student, edit in HOSTILE.items():
        notebooks.write(_edit(edit), subs / student / FIRST.notebook)
    nb = solved_release(FIRST.id, "all")
    nb.cells = [
        c
        for c in nb.cells
        if not notebooks.nbgrader_meta(c).get("grade") or notebooks.nbgrader_meta(c).get("solution")
    ]
    notebooks.write(nb, subs / "deletes_tests" / FIRST.notebook)
    (subs / "stray.ipynb").write_text("{}")  # no student folder: skipped, not fatal
    (subs / "corrupt_json" / FIRST.notebook).parent.mkdir(parents=True)
    (subs / "corrupt_json" / FIRST.notebook).write_text('{"cells": [')  # a truncated upload
    workdir = tmp_path_factory.mktemp("grading")
    rows = grade(subs, workdir, cell_timeout=4, log=lambda *_: None)
    print(format_table(rows))
    return {(r.student, r.assignment): r for r in rows}, workdir


def test_example_class(graded):
    rows, _ = graded
    for a in ASSIGNMENTS:
        full, empty, half = (
            rows[(s, a.id)] for s in ("ada_full_marks", "ben_empty", "cy_half_right")
        )
        assert full.status == "graded" and full.score == full.max_score == a.points
        assert empty.status == "graded" and empty.score == 0
        assert 0 < half.score < half.max_score


def test_infinite_loop_is_interrupted_and_the_rest_graded(graded):
    row = graded[0][("loops_forever", FIRST.id)]
    assert row.status == "graded" and "time limit" in row.notes
    first_points = list(notebooks.exercises(notebooks.read(FIRST.path("source"))).values())[
        0
    ].points
    assert row.score == FIRST.points - first_points


def test_memory_hog_hits_the_limit_in_its_own_cell(graded):
    row = graded[0][("eats_memory", FIRST.id)]
    if shutil.which("prlimit") is None:
        pytest.skip("prlimit not available: kernels run without a memory cap")
    first_points = list(notebooks.exercises(notebooks.read(FIRST.path("source"))).values())[
        0
    ].points
    assert row.status == "graded" and row.score == FIRST.points - first_points


def test_dead_kernel_scores_zero_without_stopping_the_batch(graded):
    row = graded[0][("kills_kernel", FIRST.id)]
    assert row.score == 0 and row.status.startswith("error: the kernel died")
    assert graded[0][("ada_full_marks", FIRST.id)].score == FIRST.points  # graded after it


def test_unreadable_notebook_scores_zero_with_a_reason(graded):
    row = graded[0][("corrupt_json", FIRST.id)]
    assert row.score == 0 and row.status.startswith("error:")
    assert "unreadable notebook" in row.notes


def test_megabytes_of_output_are_truncated(graded):
    rows, workdir = graded
    row = rows[("prints_megabytes", FIRST.id)]
    assert row.status == "graded" and "output truncated" in row.notes
    autograded = workdir / "autograded" / "prints_megabytes" / FIRST.id / FIRST.notebook
    feedback = workdir / "feedback" / "prints_megabytes" / FIRST.id / f"{FIRST.id}.html"
    assert autograded.stat().st_size < 2_000_000 and feedback.stat().st_size < 3_000_000


def test_edited_and_deleted_test_cells_are_restored(graded):
    rows, _ = graded
    edited, deleted = rows[("edits_tests", FIRST.id)], rows[("deletes_tests", FIRST.id)]
    assert edited.score == 0 and "edited, originals graded" in edited.notes
    assert deleted.score == FIRST.points and "deleted, put back and graded" in deleted.notes


def _code_lines(nb, kind):
    """Substantial lines inside (hidden) or outside (visible) the hidden-test regions of any cell."""
    lines = set()
    for cell in nb.cells:
        inside, outside = _regions(cell.source, "hidden")
        lines.update(inside if kind == "hidden" else outside)
    return {line for line in lines if len(line) > 30 and not line.startswith(("#", '"""'))}


def test_csv_and_feedback_without_hidden_tests(graded):
    rows, workdir = graded
    with open(workdir / "grades.csv") as f:
        table = list(csv.DictReader(f))
    assert len(table) == len(rows)
    assert {"student", "assignment", "score", "max_score", "status", "notes"} <= set(table[0])
    for a in ASSIGNMENTS:
        page = (workdir / "feedback" / "ada_full_marks" / a.id / f"{a.id}.html").read_text()
        text = html.unescape(re.sub(r"<[^>]+>", "", page))
        source = notebooks.read(a.path("source"))
        hidden, visible = _code_lines(source, "hidden"), _code_lines(source, "visible")
        assert hidden - visible and visible
        assert any(line in text for line in visible), "the search cannot see code in the feedback"
        public_text = "\n".join(visible)  # a hidden line that is part of a public one is no leak
        leaked = sorted(
            line for line in hidden - visible if line not in public_text and line in text
        )
        assert not leaked, f"hidden test lines in the feedback: {leaked[:3]}"
