"""The grading machinery without kernels: repair, LMS names, the guard, the sandbox, redaction."""

import copy
import importlib.util
import json
import os
import zipfile

import nbformat
import pytest

from course import notebooks
from course.config import ASSIGNMENTS, ROOT
from course.grade import _manifest, collect, lms_name_plugin, read_roster
from course.preprocessors import RedactHiddenTests, hidden_test_lines
from course.repair import repair

FIRST = ASSIGNMENTS[0]


def _release():
    return notebooks.read(FIRST.path("release"))


def _meta(nb):
    return [dict(notebooks.nbgrader_meta(c)) for c in nb.cells]


def test_repair_leaves_a_clean_submission_alone():
    nb = _release()
    before = _meta(nb)
    assert repair(nb, _release()) == [] and _meta(nb) == before


def test_repair_duplicates_renames_and_stripped_metadata():
    release = _release()
    dup = _release()
    dup.cells.insert(
        5, copy.deepcopy(next(c for c in dup.cells if notebooks.grade_id(c) == "accuracy"))
    )
    assert repair(dup, release) == ["1 duplicated graded cell(s) ungraded"]
    ids = [notebooks.grade_id(c) for c in dup.cells if notebooks.grade_id(c)]
    assert len(ids) == len(set(ids))

    renamed = _release()
    for cell in renamed.cells:
        meta = notebooks.nbgrader_meta(cell)
        if meta.get("grade"):
            meta["grade_id"] += "_x"
            meta["points"] = 99
    assert "renamed cell(s) matched back" in repair(renamed, release)[0]
    assert _meta(renamed) == _meta(release)

    stripped = _release()
    for cell in stripped.cells:
        cell.metadata.pop("nbgrader", None)
    repair(stripped, release)
    assert _meta(stripped) == _meta(release)


def test_repair_finds_an_answer_cell_by_the_function_it_defines():
    release = _release()
    nb = _release()
    answer = next(c for c in nb.cells if notebooks.grade_id(c) == "standardize")
    answer.metadata.pop("nbgrader")
    answer.source = "import numpy as np\n\ndef standardize(X):\n    return X"
    assert repair(nb, release) == ["1 cell(s) without metadata matched back"]
    assert notebooks.grade_id(answer) == "standardize"


@pytest.mark.parametrize(
    "name, student",
    [
        (f"alice_{FIRST.id}.ipynb", "alice"),
        (f"smith_jo_48213_99120_{FIRST.id}.ipynb", "smith_jo"),
        (f"bob_late_123_{FIRST.id}-1.ipynb", "bob"),
        (f"carol_{FIRST.id} (2).ipynb", "carol"),
    ],
)
def test_lms_file_names(name, student):
    info = lms_name_plugin().collect(name)
    assert info["student_id"] == student and info["file_id"] == FIRST.id


def test_lms_zip_manifest_has_missing_and_stray(tmp_path):
    archive = tmp_path / "lms.zip"
    other = ASSIGNMENTS[1]
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"alice_1_{FIRST.notebook}", "{}")
        zf.writestr(f"alice_1_{other.notebook}", "{}")
        zf.writestr(f"bob_2_{FIRST.notebook}", "{}")
        zf.writestr("bob/readme.txt", "hi")
    work = tmp_path / "work"
    pairs = collect(archive, work, log=lambda *_: None)
    assert pairs == [("alice", FIRST.id), ("alice", other.id), ("bob", FIRST.id)]
    entries = {(e["student"], e["assignment"]): e for e in _manifest(work)}
    assert entries[("bob", other.id)]["notebook"] is None  # a row for the missing notebook
    assert entries[("bob", FIRST.id)]["notes"] == ["ignored 1 other file(s): readme.txt"]


def test_roster_gives_absent_students_a_row_and_flags_strangers(tmp_path):
    roster_file = tmp_path / "roster.csv"
    roster_file.write_text(
        "student_id,name\n# comment\nalice,Alice A.\n\ncarol,Carol C.\nalice,dup\n"
    )
    roster = read_roster(roster_file)
    assert roster == ["alice", "carol"]
    subs = tmp_path / "subs"
    for student in ("alice", "mallory"):
        (subs / student).mkdir(parents=True)
        (subs / student / FIRST.notebook).write_text("{}")
    work = tmp_path / "work"
    pairs = collect(subs, work, log=lambda *_: None, assignments=[FIRST.id], roster=roster)
    assert pairs == [("alice", FIRST.id), ("mallory", FIRST.id)]
    entries = {e["student"]: e for e in _manifest(work)}
    assert sorted(entries) == ["alice", "carol", "mallory"]
    assert entries["carol"]["notebook"] is None  # graded 0 as missing
    assert entries["mallory"]["notes"] == ["not on the roster"] and entries["alice"]["notes"] == []
    # without --assignment: the assignments anyone submitted, for everyone on the roster
    collect(subs, tmp_path / "w2", log=lambda *_: None, roster=["carol"])
    rows = {(e["student"], e["assignment"]) for e in _manifest(tmp_path / "w2")}
    assert ("carol", FIRST.id) in rows and ("alice", FIRST.id) in rows
    with pytest.raises(ValueError, match="lists no student"):
        (tmp_path / "empty.txt").write_text("id\n\n")
        read_roster(tmp_path / "empty.txt")


def _guard():
    spec = importlib.util.spec_from_file_location(
        "kernel_guard", ROOT / "course" / "kernel_guard.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_guard_hook_blocks_protected_files_and_processes(tmp_path):
    guard = _guard()
    secret, own = tmp_path / "course", tmp_path / "course" / "autograded" / "me"
    own.mkdir(parents=True)
    (secret / "gradebook.db").write_text("hidden")
    (own / "mine.txt").write_text("mine")
    (tmp_path / "elsewhere").mkdir()
    link = tmp_path / "elsewhere" / "copy.db"
    link.hardlink_to(secret / "gradebook.db")
    roots = (str(secret.resolve()),)
    hook, armed = guard._make_hook(roots, guard._inodes(roots), str(own.resolve()) + "/", 0)
    hook("open", (str(own / "mine.txt"), "r", 0))  # its own folder: allowed
    for path in (secret / "gradebook.db", own / ".." / ".." / "gradebook.db", link, "/proc/1/mem"):
        with pytest.raises(PermissionError, match="blocked by the grader"):
            hook("open", (str(path), "r", 0))
    hook("subprocess.Popen", ("cat",))  # not armed yet: the kernel is starting
    armed[0] = True
    with pytest.raises(PermissionError):
        hook("subprocess.Popen", ("cat",))


def test_guard_hook_blocks_sockets_and_signals_to_others_once_armed():
    guard = _guard()
    pid = os.getpid()
    hook, armed = guard._make_hook((), set(), "/nowhere/", pid)
    hook("socket.connect", (None, ("127.0.0.1", 8888)))  # the kernel is still starting
    armed[0] = True
    for event, args in (
        ("socket.connect", (None, ("127.0.0.1", 8888))),
        ("socket.bind", (None, ("0.0.0.0", 9999))),
        ("os.kill", (pid + 1, 9)),
        ("os.killpg", (os.getpgid(0) + 1, 2)),
    ):
        with pytest.raises(PermissionError, match="blocked by the grader"):
            hook(event, args)
    hook("os.kill", (pid, 2))  # ipykernel interrupting itself
    hook("os.killpg", (os.getpgid(0), 2))


def test_guard_restore_puts_back_patched_checks():
    guard = _guard()
    saved = guard._snapshot()
    restore = guard._make_restore(saved)
    from dlkit import checks

    original = checks.check_close
    checks.check_close = lambda *a, **k: None
    try:
        assert "dlkit.checks.check_close" in restore()
    finally:
        checks.check_close = original
    assert checks.check_close is original and restore() == []


def test_redaction_keeps_the_message_and_drops_hidden_code():
    source = notebooks.read(FIRST.path("source"))
    hidden = sorted(hidden_test_lines(source), key=len)[-1]
    cell = next(c for c in source.cells if "### BEGIN HIDDEN TESTS" in c.source)
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text=f"stolen:\n{hidden}\nok\n"),
        nbformat.v4.new_output(
            "error", ename="AssertionError", evalue="shape: expected (3,)", traceback=[hidden]
        ),
    ]
    nb, _ = RedactHiddenTests().preprocess(source, {})
    text = json.dumps(nb)
    assert hidden not in json.dumps([c.outputs for c in nb.cells if c.cell_type == "code"])
    assert "stolen:" in text and "AssertionError: shape: expected (3,)" in text


def test_feedback_page_gets_the_graders_notes_on_top():
    from course.worker import with_notes

    page = "<html><head></head><body class='x'><h1>Feedback</h1></body></html>"
    assert with_notes(page, []) == page
    noted = with_notes(
        page, ["a cell hit the time limit", "a <b> & c", "a cell hit the time limit"]
    )
    assert noted.index("Notes from the grader") < noted.index("<h1>")
    assert noted.count("time limit") == 1 and "a &lt;b&gt; &amp; c" in noted


def test_class_report_redacts_what_feedback_redacts():
    """The report reads notebooks as nbformat does (sources stored as lists of lines)."""
    from course import report
    from course.preprocessors import hidden_test_lines

    for a in ASSIGNMENTS:
        expected = hidden_test_lines(notebooks.read(a.path("source")))
        assert expected and report._hidden(a.path("source")) == expected, a.id


def _summary_groups(nb) -> dict[str, list[str]]:
    """Exercise -> the test cells the feedback page's summary lists under it."""
    import re

    from course.preprocessors import FeedbackSummary

    for cell in nb.cells:
        meta = notebooks.nbgrader_meta(cell)
        if meta.get("grade"):
            meta["score"] = meta.get("points", 0)
    _, resources = FeedbackSummary().preprocess(nb, {})
    groups = {}
    for block in re.findall(
        r"<li><strong><code>(.*?)</code>.*?</ul></li>", resources["dlfs_summary"]
    ):
        groups[block] = []
    for name, body in re.findall(
        r"<li><strong><code>(.*?)</code></strong>(.*?)</ul></li>", resources["dlfs_summary"]
    ):
        groups[name] = re.findall(r"href='#([\w]+)'", body)
    return groups


def test_feedback_summary_files_each_test_under_its_own_exercise():
    """06 asks for l2_penalty and l2_grad in one cell after the other, then tests both:
    the summary files each test under the exercise it is named after (as the class
    report does), not under the answer cell it follows."""
    a = next(a for a in ASSIGNMENTS if a.id.startswith("06"))
    groups = _summary_groups(notebooks.read(a.path("release")))
    assert groups["l2_penalty"] == ["l2_penalty_values", "l2_penalty_hidden"]
    assert groups["l2_grad"] == ["l2_grad_values", "l2_grad_hidden"]
    assert list(groups)[:2] == ["train_val_split", "dropout_forward"]


def test_feedback_summary_survives_a_deleted_answer_cell():
    nb = _release()
    nb.cells = [c for c in nb.cells if notebooks.grade_id(c) != "accuracy"]
    groups = _summary_groups(nb)
    assert "accuracy" not in groups
    assert groups[notebooks.OTHER_TESTS] and all(
        t.startswith("accuracy_") for t in groups[notebooks.OTHER_TESTS]
    )
    with pytest.raises(ValueError, match="matches no exercise"):
        notebooks.exercises(nb)
