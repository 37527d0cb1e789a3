"""Parallel grading loses nothing, and no submission reaches the one graded beside it.

56 submissions with 2 workers score exactly as sequentially:

Eight distinct honest variants of the smallest assignment (full marks, empty, half
right, five catalogued mutants) are graded once with one worker; then seven copies of
each, 56 submissions, with two workers. Every score and every test cell's points must
match, and every submission must be in the class gradebook (merged by the one writer).

A submission that hunts for other grading kernels (``/proc``, connection files,
loopback, signals, the gradebook, the source notebook, the home folder) is graded
beside a slow correct one: in the sandbox the correct one keeps full marks and the
attempt gets a note; without the sandbox the same attack costs the victim points.
"""

import json
import re
import shutil

import pytest
from fixtures.submissions import FIRST, clean_variants, reach_out, slow_but_correct

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


# --- isolation: a submission that goes after the kernel graded beside it -------------


def _reach_out(tmp_path_factory, sandbox):
    subs, workdir = tmp_path_factory.mktemp("reach_in"), tmp_path_factory.mktemp("reach")
    # Without the sandbox the victim stays busy until the attacker says it has sent its
    # sabotage (a file both can see), so a slow start on a loaded machine cannot let the
    # victim finish first; in the sandbox it cannot see the file and sleeps 10 s.
    marker = tmp_path_factory.mktemp("signal") / "hijacked"
    attacker = reach_out(workdir, seconds=14, marker=marker)
    notebooks.write(attacker, subs / "attacker" / FIRST.notebook)
    victim = slow_but_correct(seconds=10 if sandbox else 25, until=marker)
    notebooks.write(victim, subs / "victim" / FIRST.notebook)
    rows = grade(subs, workdir, workers=2, feedback=False, sandbox=sandbox, log=lambda *_: None)
    nb = notebooks.read(workdir / "autograded" / "attacker" / FIRST.id / FIRST.notebook)
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    found = json.loads(re.search(r"DLFS_REACH_OUT (.*)", printed)[1])
    return {r.student: r for r in rows}, found


def test_a_sandboxed_kernel_cannot_reach_the_kernel_graded_beside_it(tmp_path_factory):
    rows, found = _reach_out(tmp_path_factory, sandbox=True)
    assert rows["victim"].status == "graded" and rows["victim"].score == FIRST.points
    attacker = rows["attacker"]
    assert attacker.status == "graded" and attacker.score == FIRST.points
    assert "blocked" in attacker.notes, attacker
    assert found["hijacked"] == [] and found["kernels"] == [], found
    assert found["pids"] == ["1"], found  # its own PID namespace: bwrap's init and itself
    assert found["home"] == [], found  # a home of its own, empty
    refused = " ".join(found["refused"])
    for what in ("loopback", "signal", "gradebook", "source"):
        assert f"{what}:" in refused, found


def test_without_the_sandbox_the_same_attack_costs_the_victim_points(tmp_path_factory):
    """The attack is real: what the test above proves is the sandbox's doing."""
    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap missing: the test above fails and says how to install it")
    rows, found = _reach_out(tmp_path_factory, sandbox=False)
    assert found["hijacked"], found
    assert rows["victim"].score < FIRST.points, rows["victim"]
    assert "without the OS sandbox" in rows["victim"].notes
