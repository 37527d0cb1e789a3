"""Parallel grading loses nothing: 56 submissions with 2 workers score exactly as sequentially.

Eight distinct honest variants of the smallest assignment (full marks, empty, half
right, five catalogued mutants) are graded once with one worker; then seven copies of
each, 56 submissions, with two workers. Every score and every test cell's points must
match, and every submission must be in the class gradebook (merged by the one writer).
"""

import json

import pytest
from fixtures.submissions import FIRST, clean_variants

from course import nbg, notebooks
from course.grade import grade

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("autograde")]
COPIES = 7


def _cells(workdir, student):
    path = workdir / "results" / student / FIRST.id / "result.json"
    return json.loads(path.read_text())["cells"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    variants = clean_variants()
    seq_in, par_in = tmp_path_factory.mktemp("seq_in"), tmp_path_factory.mktemp("par_in")
    for name, nb in variants.items():
        notebooks.write(nb, seq_in / name / FIRST.notebook)
        for copy in range(COPIES):
            notebooks.write(nb, par_in / f"s{copy}_{name}" / FIRST.notebook)
    seq_dir, par_dir = tmp_path_factory.mktemp("seq"), tmp_path_factory.mktemp("par")
    options = {"cell_timeout": 10, "feedback": False, "log": lambda *_: None}
    seq = grade(seq_in, seq_dir, workers=1, **options)
    par = grade(par_in, par_dir, workers=2, **options)
    return variants, (seq, seq_dir), (par, par_dir)


def test_parallel_scores_equal_sequential_scores(runs):
    variants, (seq, seq_dir), (par, par_dir) = runs
    assert len(par) == COPIES * len(variants) >= 50
    expected = {r.student: r for r in seq}
    assert len({r.score for r in seq}) >= 4, "the variants should not all score the same"
    for row in par:
        variant = row.student.split("_", 1)[1]
        assert row.status == expected[variant].status == "graded", row
        assert row.score == expected[variant].score, row
        assert _cells(par_dir, row.student) == _cells(seq_dir, variant), row.student


def test_every_result_is_in_the_class_gradebook(runs):
    from nbgrader.api import Gradebook

    _, _, (par, par_dir) = runs
    cfg = nbg.load_config(workdir=par_dir)
    with Gradebook(cfg.CourseDirectory.db_url, cfg.CourseDirectory.course_id) as gb:
        scores = {s.student.id: s.score for s in gb.assignment_submissions(FIRST.id)}
        assert scores == {r.student: r.score for r in par}
        for row in par[:5]:
            for key, values in _cells(par_dir, row.student).items():
                notebook_id, name = key.split("/", 1)
                if "auto_score" in values:
                    grade = gb.find_grade(name, notebook_id, FIRST.id, row.student)
                    assert grade.auto_score == values["auto_score"]
