"""Grade one student's notebook for one assignment, in a scratch course of its own.

``grade_one`` is the unit of work of every grading path: the parallel driver's
workers call it in-process, and ``python -m course grade-one`` runs it as a command
(a cluster job array runs that command once per student). It never writes to the
class gradebook: it works on a private copy of the template gradebook (the
assignment registered, no students) and leaves in ``out``

    result.json                 score, per-cell points, status and notes
    <assignment>.ipynb          the autograded notebook (all outputs, for the instructor)
    <assignment>.html           the feedback (no hidden tests)

The single writer (``course.grade.merge``) later copies these into the class
gradebook and the workdir. The kernel talks to nbgrader over IPC transport: Unix
sockets and the connection file in a folder of its own (``kernel_dir``), the only
folder a sandboxed kernel can write (course/sandbox.py). No TCP port is opened, so
kernels of parallel workers (or of concurrent jobs on a cluster node) never race
for one, and a kernel without a network can still be reached.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import tempfile
import time
import warnings
from pathlib import Path

from nbgrader.api import Gradebook
from nbgrader.converters import Autograde, GenerateFeedback

from . import nbg, notebooks
from .repair import repair

RESULT = "result.json"
NO_SANDBOX_NOTE = "graded without the OS sandbox (--no-sandbox)"
_ERRORS = (
    ("DeadKernelError", "the kernel died (crash, os._exit or out of memory)"),
    ("old metadata format", "graded cells were duplicated or their metadata edited"),
    ("Kernel died before replying", "the kernel could not start"),
    ("kernel_info", "the kernel could not start"),
    ("CellExecutionError", "the notebook could not be executed"),
)


def failure_reason(text: str) -> str:
    for marker, reason in _ERRORS:
        if marker in text:
            return reason
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else "autograde failed"


def _tampering(sub, release) -> list[str]:
    """How a submission's test cells differ from the released ones (the originals are graded)."""
    given = {
        notebooks.grade_id(c): c.source
        for c in sub.cells
        if notebooks.nbgrader_meta(c).get("grade")
    }
    released = {
        notebooks.grade_id(c): c.source
        for c in release.cells
        if notebooks.nbgrader_meta(c).get("grade")
        and not notebooks.nbgrader_meta(c).get("solution")
    }
    edited = sorted(k for k in released if k in given and given[k].strip() != released[k].strip())
    missing = sorted(k for k in released if k not in given)
    notes = []
    if edited:
        notes.append(f"{len(edited)} test cell(s) edited, originals graded")
    if missing:
        notes.append(f"{len(missing)} test cell(s) deleted, put back and graded")
    return notes


def _output_notes(autograded: Path, guard: dict) -> list[str]:
    notes = []
    if autograded.exists():
        text = autograded.read_text(errors="replace")
        if "CellTimeoutError" in text:
            notes.append("a cell hit the time limit")
        if "NotebookTimeBudgetExceeded" in text:
            notes.append("the notebook's time budget ran out, later cells not run")
        if "[output truncated by the grader" in text or "Output truncated" in text:
            notes.append("output truncated")
        if "blocked by the grader" in text:
            notes.append("tried to reach protected files, other processes or the network (blocked)")
    checks_patched = [n for n in guard.get("restored", []) if n.startswith(("dlkit", "checks"))]
    others = [n for n in guard.get("restored", []) if n not in checks_patched]
    if checks_patched:
        notes.append(
            f"patched dlkit ({', '.join(checks_patched[:3])}): originals restored for the tests"
        )
    if others:
        notes.append(f"patched {', '.join(others[:3])}: restored for the tests")
    return notes


def _scores(db_url: str, assignment_id: str, student: str) -> dict:
    with Gradebook(db_url) as gb:
        submission = gb.find_submission(assignment_id, student)
        cells = {}
        for nb in submission.notebooks:
            for grade in nb.grades:
                cells[f"{nb.name}/{grade.name}"] = {
                    "auto_score": grade.auto_score,
                    "needs_manual_grade": grade.needs_manual_grade,
                }
            for comment in nb.comments:
                cells[f"{nb.name}/{comment.name}"] = {"auto_comment": comment.auto_comment}
        return {
            "score": float(submission.score),
            "max_score": float(submission.max_score),
            "cells": cells,
        }


def grade_one(
    assignment_id: str,
    student: str,
    notebook: Path | None,
    out: Path,
    *,
    template_db: Path,
    release: Path,
    cell_timeout: int | None = None,
    budget: int | None = None,
    feedback: bool = True,
    kernel_name: str | None = None,
    deny: tuple[Path, ...] = (),
    scratch_root: Path | None = None,
    sandboxed: bool = True,
) -> dict:
    """Autograde ``notebook`` as ``student``'s ``assignment_id``; write and return result.json."""
    start = time.perf_counter()
    # nbgrader's gradebook warns about SQLAlchemy sessions; nothing a grade depends on
    warnings.filterwarnings("ignore", message=".*not in session.*")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for old in (RESULT, f"{assignment_id}.ipynb", f"{assignment_id}.html"):
        (out / old).unlink(missing_ok=True)
    result = {
        "student": student,
        "assignment": assignment_id,
        "score": 0.0,
        "max_score": None,
        "status": "",
        "notes": [],
        "cells": {},
        "timings": {},  # seconds per phase (nbgrader's autograde, feedback); "seconds" in all
    }
    release_nb_path = Path(release) / assignment_id / f"{assignment_id}.ipynb"
    try:
        release_nb = notebooks.read(release_nb_path)
    except Exception as exc:
        return _finish(result, out, f"error: no release notebook ({exc})", start)
    if notebook is None or not Path(notebook).exists():
        return _finish(result, out, f"missing: no {assignment_id}.ipynb submitted", start)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nb = notebooks.read(Path(notebook))
        if not isinstance(nb.get("cells"), list):
            raise ValueError("no list of cells")
    except Exception as exc:
        result["notes"].append(f"unreadable notebook ({type(exc).__name__})")
        return _finish(result, out, "error: not a valid notebook file (broken JSON)", start)
    repaired = repair(nb, release_nb)
    result["notes"] += _tampering(nb, release_nb) + repaired
    if not sandboxed:
        result["notes"].append(NO_SANDBOX_NOTE)

    scratch = Path(tempfile.mkdtemp(prefix=f"dlfs-{student}-", dir=scratch_root))
    # short and apart from the scratch course: a Unix socket's path has at most 107 bytes,
    # and a sandboxed kernel sees this folder only
    kernel_dir = Path(tempfile.mkdtemp(prefix="dlfsk-"))
    try:
        target = scratch / "submitted" / student / assignment_id / f"{assignment_id}.ipynb"
        notebooks.write(nb, target)
        shutil.copyfile(template_db, scratch / "gradebook.db")
        cfg = nbg.load_config(workdir=scratch, release=release, cell_timeout=cell_timeout)
        if budget is not None:
            cfg.GuardedExecute.notebook_budget = int(budget)
        cfg.GuardedExecute.report_path = str(scratch / "guard.json")
        if kernel_name:
            cfg.Execute.kernel_name = kernel_name
        nbg.use_ipc(cfg, kernel_dir)
        deny_paths = [*map(str, deny), str(scratch)]
        outcome = None
        for _attempt in range(2):  # a kernel that failed to start gets a second chance
            with nbg.env(DLFS_GUARD_DENY=os.pathsep.join(deny_paths)):
                phase = time.perf_counter()
                outcome = nbg.run(
                    Autograde, cfg, assignment_id, student, force=True, create_student=True
                )
            text = f"{outcome.get('log', '')}\n{outcome.get('error', '')}"
            result["timings"]["autograde"] = round(time.perf_counter() - phase, 2)
            if outcome["success"] or "DeadKernelError" in text:
                break
        autograded = scratch / "autograded" / student / assignment_id / f"{assignment_id}.ipynb"
        guard = {}
        if (scratch / "guard.json").exists():
            guard = json.loads((scratch / "guard.json").read_text())
        result["notes"] += _output_notes(autograded, guard)
        if not outcome["success"] or not autograded.exists():
            return _finish(result, out, f"error: {failure_reason(text)}", start)
        result.update(_scores(cfg.CourseDirectory.db_url, assignment_id, student))
        status = "graded"
        if guard.get("canary", "").startswith("did not fail"):
            result["notes"].append("a check that must fail passed: the kernel was tampered with")
            result["score"] = 0.0
            status = "error: tampering detected (checks forced to pass), scored 0; review by hand"
        shutil.copyfile(autograded, out / f"{assignment_id}.ipynb")
        if feedback:
            phase = time.perf_counter()
            fb = nbg.run(GenerateFeedback, cfg, assignment_id, student, force=True)
            result["timings"]["feedback"] = round(time.perf_counter() - phase, 2)
            made = scratch / "feedback" / student / assignment_id / f"{assignment_id}.html"
            if fb["success"] and made.exists():
                add_notes(made, result["notes"])
                shutil.copyfile(made, out / f"{assignment_id}.html")
            elif status == "graded":
                status = "graded (feedback failed)"
        return _finish(result, out, status, start)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(kernel_dir, ignore_errors=True)


def add_notes(path: Path, notes: list[str]) -> None:
    """Put the grader's notes on top of the feedback page at ``path`` (see :func:`with_notes`)."""
    if notes:
        path.write_text(with_notes(path.read_text(encoding="utf-8"), notes), encoding="utf-8")


def with_notes(page: str, notes: list[str]) -> str:
    """The feedback page with the grader's notes (time limits, tampering, no sandbox) on top."""
    if not notes:
        return page
    items = "".join(f"<li>{html.escape(note)}</li>" for note in dict.fromkeys(notes))
    box = (
        '<div class="dlfs-grader-notes" style="margin:1em;padding:0.5em 1em;'
        'border-left:4px solid #c60;background:#fff7ee">'
        f"<strong>Notes from the grader</strong><ul>{items}</ul></div>"
    )
    at = page.find(">", page.find("<body")) + 1 if "<body" in page else 0
    return page[:at] + box + page[at:]


def _finish(result: dict, out: Path, status: str, start: float) -> dict:
    result["status"] = status
    result["seconds"] = round(time.perf_counter() - start, 2)
    tmp = out / (RESULT + ".tmp")
    tmp.write_text(json.dumps(result, indent=1))
    tmp.replace(out / RESULT)  # a reader never sees half a result
    return result
