"""The autograder, through nbgrader itself: fair to good work, robust to bad work.

One batch of submissions is graded once (module fixture), in parallel: the example
class (full marks, empty, half right, every assignment) plus every hostile and
broken submission of tests/fixtures/submissions.py (loops, crashes, exits, syntax
errors, megabytes of output, edited/deleted/duplicated/renamed cells, stripped
metadata, broken JSON, no notebook, stray files, reading the hidden tests, patching
dlkit.checks, blanking cells). The batch must finish, each row must get the score
and status it deserves, and the honest students' scores must equal a clean run.
"""

import csv
import html
import os
import re
import shutil
import subprocess
import sys

import pytest
from fixtures.submissions import BROKEN, FIRST, exercise_points, hostile, write_hostile

from course import notebooks
from course.__main__ import EXAMPLE_STUDENTS, write_examples
from course.check import _regions
from course.config import ASSIGNMENTS, ROOT
from course.grade import format_table, grade, solved_release
from course.preprocessors import hidden_test_lines

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("autograde")]
CELL_TIMEOUT, BUDGET = 4, 20


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


OUTPUT_AND_TESTS = {
    "prints_megabytes": lambda c: (
        c.source + "\nprint('x' * 20_000_000)\nfor i in range(5000):\n    print(i)"
        if _first_answer(c)
        else None
    ),
    # an answer whose error message is markup, escape codes and megabytes: the feedback and
    # the class report must show it escaped and cut short
    "fakes_errors": lambda c: (
        "def standardize(X):\n    raise AssertionError(\"<script>alert('x')</script>\\x1b[31m\" "
        "+ 'A' * 2_000_000 + \"\\nHint: <img src=x onerror=alert(1)>\")"
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
    for student, edit in OUTPUT_AND_TESTS.items():
        notebooks.write(_edit(edit), subs / student / FIRST.notebook)
    nb = solved_release(FIRST.id, "all")
    nb.cells = [
        c
        for c in nb.cells
        if not notebooks.nbgrader_meta(c).get("grade") or notebooks.nbgrader_meta(c).get("solution")
    ]
    notebooks.write(nb, subs / "deletes_tests" / FIRST.notebook)
    write_hostile(subs)
    workdir = tmp_path_factory.mktemp("grading")
    rows = grade(
        subs, workdir, cell_timeout=CELL_TIMEOUT, budget=BUDGET, workers=2, log=lambda *_: None
    )
    print(format_table(rows))
    return {(r.student, r.assignment): r for r in rows}, workdir


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """The example class alone, one worker: what the honest students must score."""
    subs = tmp_path_factory.mktemp("clean")
    write_examples(subs)
    workdir = tmp_path_factory.mktemp("clean_grading")
    rows = grade(
        subs,
        workdir,
        cell_timeout=CELL_TIMEOUT,
        budget=BUDGET,
        workers=1,
        feedback=False,
        assignments=[FIRST.id],
        log=lambda *_: None,
    )
    return {r.student: r.score for r in rows}, workdir


def test_example_class(graded):
    rows, _ = graded
    for a in ASSIGNMENTS:
        full, empty, half = (
            rows[(s, a.id)] for s in ("ada_full_marks", "ben_empty", "cy_half_right")
        )
        assert full.status == "graded" and full.score == full.max_score == a.points
        assert empty.status == "graded" and empty.score == 0
        assert 0 < half.score < half.max_score
        mistakes = rows[("dee_mistakes", a.id)]  # a catalogued mistake in every second exercise
        assert mistakes.status == "graded" and 0 < mistakes.score < mistakes.max_score


def test_hostile_batch_leaves_honest_students_alone(graded, clean):
    rows, _ = graded
    assert {s: rows[(s, FIRST.id)].score for s in EXAMPLE_STUDENTS} == clean[0]


@pytest.mark.parametrize("student", list(hostile()))
def test_hostile_submission_gets_a_row_with_a_status(graded, student):
    if student == "eats_memory" and shutil.which("prlimit") is None:
        pytest.skip("prlimit not available: kernels run without a memory cap")
    _, status, score, note = hostile()[student]
    row = graded[0][(student, FIRST.id)]
    assert row.status.startswith(status), row
    assert note in row.notes, row
    if score == "same as wrong_answers":
        score = graded[0][("wrong_answers", FIRST.id)].score
        assert score == FIRST.points - exercise_points("standardize") - exercise_points(
            "linear_predict"
        )
    if score is not None:
        assert row.score == score, row


@pytest.mark.parametrize("student", list(BROKEN))
def test_broken_files_get_a_row_with_a_status(graded, student):
    status, score, note = BROKEN[student]
    row = graded[0][(student, FIRST.id)]
    assert row.status.startswith(status) and row.score == score and note in row.notes, row


def test_every_student_and_assignment_has_a_row(graded):
    rows, workdir = graded
    students = {s for s, _ in rows}
    assert {(s, a.id) for s in students for a in ASSIGNMENTS} == set(rows)
    with open(workdir / "grades.csv") as f:
        table = list(csv.DictReader(f))
    assert len(table) == len(rows) and all(r["status"] for r in table)
    assert rows[("kills_kernel", ASSIGNMENTS[1].id)].status.startswith("missing:")


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


def _leaks(page: str, source) -> list[str]:
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    hidden, visible = _code_lines(source, "hidden"), _code_lines(source, "visible")
    assert hidden - visible and visible
    public_text = "\n".join(visible)  # a hidden line that is part of a public one is no leak
    return sorted(line for line in hidden - visible if line not in public_text and line in text)


def test_feedback_without_hidden_tests(graded):
    rows, workdir = graded
    for a in ASSIGNMENTS:
        page = (workdir / "feedback" / "ada_full_marks" / a.id / f"{a.id}.html").read_text()
        text = html.unescape(re.sub(r"<[^>]+>", "", page))
        visible = _code_lines(notebooks.read(a.path("source")), "visible")
        assert any(line in text for line in visible), "the search cannot see code in the feedback"
    pages = sorted((workdir / "feedback").rglob("*.html"))
    assert len(pages) >= len([r for r in rows.values() if r.status.startswith("graded")])
    for page in pages:
        assignment = page.parent.name
        source = notebooks.read(next(a for a in ASSIGNMENTS if a.id == assignment).path("source"))
        leaked = _leaks(page.read_text(), source)
        assert not leaked, f"hidden test lines in {page}: {leaked[:3]}"


def test_feedback_names_the_failed_check_and_its_message(graded):
    _, workdir = graded
    page = (workdir / "feedback" / "ben_empty" / FIRST.id / f"{FIRST.id}.html").read_text()
    assert "NotImplementedError" in page
    page = (workdir / "feedback" / "wrong_answers" / FIRST.id / f"{FIRST.id}.html").read_text()
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert "standardize_hidden" in text or "AssertionError" in text
    assert "AssertionError: " in text  # the check's message, without the hidden code


def test_feedback_starts_with_the_graders_notes(graded):
    _, workdir = graded
    page = (workdir / "feedback" / "loops_forever" / FIRST.id / f"{FIRST.id}.html").read_text()
    notes = page[page.index("Notes from the grader") :]
    assert "a cell hit the time limit" in notes[: notes.index("</ul>")]
    page = (workdir / "feedback" / "ada_full_marks" / FIRST.id / f"{FIRST.id}.html").read_text()
    assert "Notes from the grader" not in page


def test_feedback_opens_with_a_summary_and_shows_failures_compactly(graded):
    """Per exercise, each test cell by name with its score and its failure's first line, on
    top; the failed check in the notebook reads compactly; nothing is fetched from the net."""
    _, workdir = graded
    page = (workdir / "feedback" / "wrong_answers" / FIRST.id / f"{FIRST.id}.html").read_text()
    summary = page[
        page.index("class='dlfs-summary'") : page.index("</div>", page.index("dlfs-summary"))
    ]
    text = html.unescape(re.sub(r"<[^>]+>", " ", summary))
    for name in ("standardize", "accuracy", "linear_predict"):
        assert re.search(rf"{name}\s*:\s*\d+ / \d+ points", text), text
    failed = re.findall(r"href='#(standardize_\w+)'", summary)
    assert failed and all(f"#{cell}" in page for cell in failed)
    assert "AssertionError: standardize" in text, text  # the check's title, not a bare score
    assert page.index("dlfs-summary") < page.index("Student's answer")
    body = html.unescape(re.sub(r"<[^>]+>", "", page[page.index("Student's answer") :]))
    assert "dlkit/checks.py" not in body and "During handling" not in body
    assert "mathjax" not in re.sub(r"<!--.*?-->", "", page, flags=re.S).lower()
    assert not re.search(r"<script[^>]+src=['\"]https?://", page)
    _screenshot(workdir / "feedback" / "wrong_answers" / FIRST.id / f"{FIRST.id}.html")


def _screenshot(page_path) -> None:
    """Keep a picture of one feedback page with the browser test's (build/browser/)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None or os.environ.get("DLFS_SKIP_BROWSER", "") not in ("", "0"):
        return
    out = ROOT / "build" / "browser" / "feedback-summary.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic"]
        + ["--no-first-run", "--disable-background-networking", "--disable-component-update"]
        + ["--disable-sync", "--window-size=1100,1400", f"--screenshot={out}"]
        + [page_path.as_uri()],
        capture_output=True,
        timeout=120,
        check=False,
    )


def test_regenerated_feedback_keeps_the_graders_notes(graded):
    """`python -m course feedback` (after manual grading) writes the same notes box on top."""
    from course.grade import feedback

    _, workdir = graded
    path = workdir / "feedback" / "loops_forever" / FIRST.id / f"{FIRST.id}.html"
    path.unlink()
    assert feedback(workdir, log=lambda *_: None) > 0
    page = path.read_text()
    assert page.count("Notes from the grader") == 1 and "a cell hit the time limit" in page


# --- the class report (python -m course report) ------------------------------------------


@pytest.fixture(scope="module")
def report(graded):
    from course.report import build, write

    _, workdir = graded
    page = write(workdir, log=lambda *_: None)
    return {r.id: r for r in build(workdir)}, page


def test_report_counts_agree_with_the_grades(graded, report):
    rows, workdir = graded
    reports, page = report
    assert {r for r in reports} == {a.id for a in ASSIGNMENTS}
    first = reports[FIRST.id]
    graded_rows = [
        r for r in rows.values() if r.assignment == FIRST.id and r.status.startswith("graded")
    ]
    assert sorted(first.scores) == sorted(r.student for r in graded_rows)
    assert first.mean == pytest.approx(sum(r.score for r in graded_rows) / len(graded_rows))
    assert "kills_kernel" in first.errored and "kills_kernel" in reports[ASSIGNMENTS[1].id].missing
    assert "loops_forever" in first.flagged and "time limit" in first.flagged["loops_forever"]
    # every test cell of the release, once; ada passes them all, ben none
    release_tests = [
        notebooks.grade_id(c)
        for c in notebooks.read(FIRST.path("release")).cells
        if notebooks.nbgrader_meta(c).get("grade")
        and not notebooks.nbgrader_meta(c).get("solution")
    ]
    assert [t.grade_id for t in first.tests] == release_tests
    for t in first.tests:
        assert t.graded == len(graded_rows) and 0 < t.passed < t.graded, t
    assert sorted(first.exercises) == sorted({t.exercise for t in first.tests})
    for exercise, (done, of) in first.exercises.items():  # ada passes all, ben none
        assert of == len(graded_rows) and 0 < done < of, exercise
        assert done <= min(t.passed for t in first.tests if t.exercise == exercise)
    with open(page.parent / "tests.csv") as f:
        table = list(csv.DictReader(f))
    assert len(table) == sum(len(r.tests) for r in reports.values())
    assert all(0 <= float(row["pass_rate"]) <= 1 for row in table)
    assert {p.name for p in page.parent.glob("*.png")} == {f"{a.id}.png" for a in ASSIGNMENTS}


def test_report_names_the_failure_and_who_got_it(report):
    reports, _ = report
    first = reports[FIRST.id]
    messages = [m for t in first.tests for m in t.messages.values()]
    stub = [m for m in messages if m.title.startswith("NotImplementedError")]
    assert stub and all("ben_empty" in m.students for m in stub)
    # a check's first line and its hint, for the catalogued wrong answers
    assert any(m.hint and "wrong_answers" in m.students for m in messages)
    timed_out = [t for t in first.tests if "loops_forever" in t.timeouts]
    assert timed_out, "the answer that loops forever shows up as a time limit"


def test_report_page_is_safe_and_small(report):
    _, page = report
    text = page.read_text()
    assert "<script" not in text.lower() and "<img src=x" not in text
    assert "&lt;script&gt;alert" in text and "\x1b" not in text
    assert page.stat().st_size < 1_000_000
    assert "http://" not in text and "https://" not in text, "the page must work offline"
    for a in ASSIGNMENTS:  # no hidden-test code, as in feedback
        hidden = hidden_test_lines(notebooks.read(a.path("source")))
        assert not [line for line in hidden if html.escape(line) in text or line in text], a.id
    assert "Where to spend the next lecture" in text


def test_report_on_a_partial_batch(clean):
    from course.report import build

    _, workdir = clean
    reports = build(workdir)
    assert [r.id for r in reports] == [FIRST.id]
    assert sorted(reports[0].scores) == sorted(EXAMPLE_STUDENTS)


def test_report_command_says_when_nothing_was_graded(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "course", "report", "--workdir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "nothing graded" in result.stderr and "autograde" in result.stderr
