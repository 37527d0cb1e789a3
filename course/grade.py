"""``python -m course grade SUBMISSIONS``: autograde, feedback and a grades CSV.

SUBMISSIONS is a folder or a .zip holding one folder per student, with the student's
notebooks anywhere inside it, named as released (``00_getting_started.ipynb``)::

    submissions/alice/00_getting_started.ipynb
    submissions/bob/whatever/01_perceptron.ipynb

Every run starts from a fresh working folder (default ``grading/``): submissions are
copied to ``submitted/``, nbgrader's ``autograde`` runs each one (hidden tests,
timeouts, restored test cells), ``generate_feedback`` writes HTML without the hidden
tests to ``feedback/``, and ``grades.csv`` gets one row per student and assignment.
A submission that kills its kernel is retried once and then scored 0 with the reason,
and the batch goes on.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import sys
import time
import warnings
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.converters import Autograde, GenerateAssignment, GenerateFeedback

from . import nbg, notebooks
from .config import ASSIGNMENTS, ROOT

DEFAULT_WORKDIR = ROOT / "grading"
GRADER_KERNEL = "dlfs-grader"
MEMORY_LIMIT = os.environ.get("DLFS_MEMORY_LIMIT", "4G")  # address space of a grading kernel
CPU_LIMIT = os.environ.get("DLFS_CPU_LIMIT", "900")  # CPU seconds of a grading kernel


@dataclass
class GradeRow:
    student: str
    assignment: str
    score: float
    max_score: float
    status: str  # "graded" or "error: ..."
    notes: str = ""


def _safe_id(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._") or "student"


def _unpack(zip_path: Path, dest: Path) -> Path:
    with zipfile.ZipFile(zip_path) as zf:
        for member in zf.infolist():
            target = (dest / member.filename).resolve()
            if not str(target).startswith(str(dest.resolve())):
                raise ValueError(
                    f"{zip_path}: refusing to extract {member.filename!r} outside the folder"
                )
        zf.extractall(dest)
    return dest


def collect(submissions: Path, workdir: Path, log=print) -> list[tuple[str, str]]:
    """Copy submissions into ``workdir/submitted/<student>/<assignment>/``; return the pairs."""
    submissions = Path(submissions)
    if not submissions.exists():
        raise FileNotFoundError(f"no submissions at {submissions}")
    if submissions.suffix == ".zip":
        submissions = _unpack(submissions, workdir / "incoming")
    known = {a.id: a for a in ASSIGNMENTS}
    pairs = []
    for path in sorted(submissions.rglob("*.ipynb")):
        rel = path.relative_to(submissions)
        if any(part.startswith((".", "__")) for part in rel.parts):
            continue  # .ipynb_checkpoints, __MACOSX
        if len(rel.parts) < 2:
            log(f"skipped {rel}: put each student's notebooks in a folder named after the student")
            continue
        assignment = known.get(path.stem)
        if assignment is None:
            log(f"skipped {rel}: {path.stem!r} is not a notebook of this course")
            continue
        student = _safe_id(rel.parts[0])
        if (student, assignment.id) in pairs:
            log(f"skipped {rel}: a second copy of {assignment.notebook} for {student}")
            continue
        target = workdir / "submitted" / student / assignment.id / assignment.notebook
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        pairs.append((student, assignment.id))
    return pairs


def tampering(submitted: Path, release: Path) -> list[str]:
    """How a submission's test cells differ from the released ones (nbgrader restores them)."""
    try:
        sub = notebooks.read(submitted)
    except Exception as exc:  # unreadable JSON is reported by autograde itself
        return [f"unreadable notebook ({type(exc).__name__})"]
    given = {
        notebooks.grade_id(c): c.source
        for c in sub.cells
        if notebooks.nbgrader_meta(c).get("grade")
    }
    released = {
        notebooks.grade_id(c): c.source
        for c in notebooks.read(release).cells
        if notebooks.nbgrader_meta(c).get("grade")
        and not notebooks.nbgrader_meta(c).get("solution")
    }
    notes = []
    edited = sorted(k for k in released if k in given and given[k].strip() != released[k].strip())
    missing = sorted(k for k in released if k not in given)
    if edited:
        notes.append(f"{len(edited)} test cell(s) edited, originals graded")
    if missing:
        notes.append(f"{len(missing)} test cell(s) deleted, put back and graded")
    return notes


def _notes(autograded: Path, submitted: Path, release: Path) -> list[str]:
    notes = set(tampering(submitted, release))
    if autograded.exists():
        text = autograded.read_text(errors="replace")
        if "CellTimeoutError" in text:
            notes.add("a cell hit the time limit")
        if "[output truncated by the grader" in text or "Output truncated" in text:
            notes.add("output truncated")
    return sorted(notes)


def _failure_reason(result: dict) -> str:
    text = f"{result.get('log', '')}\n{result.get('error', '')}"
    for marker, reason in (
        ("DeadKernelError", "the kernel died (crash, os._exit or out of memory)"),
        ("old metadata format", "test cells were duplicated or their metadata edited"),
        ("CellExecutionError", "the notebook could not be executed"),
    ):
        if marker in text:
            return reason
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else "autograde failed"


def grade(
    submissions: Path,
    workdir: Path = DEFAULT_WORKDIR,
    *,
    cell_timeout: int | None = None,
    feedback: bool = True,
    log=print,
) -> list[GradeRow]:
    """Autograde every submission found in ``submissions``; write ``workdir/grades.csv``."""
    workdir = Path(workdir).resolve()
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    pairs = collect(Path(submissions).resolve(), workdir, log=log)
    # nbgrader's gradebook emits SQLAlchemy "not in session" warnings, and nbformat
    # complains about cells without ids in old notebooks: neither affects the grades
    warnings.filterwarnings("ignore", message=".*not in session.*")
    warnings.filterwarnings("ignore", message=".*missing an id field.*")
    cfg = nbg.load_config(workdir=workdir, release=workdir / "release", cell_timeout=cell_timeout)
    kernel = install_grader_kernel(workdir)
    if kernel:
        cfg.Execute.kernel_name = kernel
    rows: list[GradeRow] = []
    for assignment_id in sorted({a for _, a in pairs}):
        # registers the assignment and its test cells (checksums) in the gradebook
        result = nbg.run(GenerateAssignment, cfg, assignment_id, force=True, create_assignment=True)
        if not result["success"]:
            raise RuntimeError(f"could not register {assignment_id}:\n{result.get('error', '')}")
    for student, assignment_id in pairs:
        start = time.perf_counter()
        result = nbg.run(Autograde, cfg, assignment_id, student, force=True, create_student=True)
        if not result["success"] and "DeadKernelError" not in str(result):
            result = nbg.run(
                Autograde, cfg, assignment_id, student, force=True, create_student=True
            )  # port races
        autograded = workdir / "autograded" / student / assignment_id / f"{assignment_id}.ipynb"
        status = "graded" if result["success"] else f"error: {_failure_reason(result)}"
        if result["success"] and feedback:
            fb = nbg.run(GenerateFeedback, cfg, assignment_id, student, force=True)
            if not fb["success"]:
                status = "graded (feedback failed)"
        notes = _notes(
            autograded,
            workdir / "submitted" / student / assignment_id / f"{assignment_id}.ipynb",
            workdir / "release" / assignment_id / f"{assignment_id}.ipynb",
        )
        rows.append(GradeRow(student, assignment_id, 0.0, 0.0, status, "; ".join(notes)))
        log(f"  {student:<16} {assignment_id:<22} {status} ({time.perf_counter() - start:.1f} s)")
    _fill_scores(rows, cfg)
    write_csv(rows, workdir / "grades.csv")
    return rows


def _bytes(size: str) -> int:
    """'4G' -> 4294967296 (prlimit wants bytes: with a suffix it sets a tiny limit)."""
    size = size.strip().upper()
    factor = {"K": 2**10, "M": 2**20, "G": 2**30}.get(size[-1:], 1)
    return int(float(size.rstrip("KMG")) * factor)


def install_grader_kernel(workdir: Path) -> str | None:
    """A kernelspec that runs this Python under ``prlimit`` (memory and CPU caps).

    A submission that allocates many gigabytes then gets a MemoryError in its own
    cell instead of taking the grading machine down. Returns the kernel name, or
    None where ``prlimit`` is not available (the notebook's own kernel is used).
    """
    prlimit = shutil.which("prlimit")
    if prlimit is None:
        return None
    spec = workdir / "jupyter" / "kernels" / GRADER_KERNEL
    spec.mkdir(parents=True, exist_ok=True)
    argv = [
        prlimit,
        f"--as={_bytes(MEMORY_LIMIT)}",
        f"--cpu={int(CPU_LIMIT)}",
        sys.executable,
        "-m",
        "ipykernel_launcher",
        "-f",
        "{connection_file}",
    ]
    (spec / "kernel.json").write_text(
        json.dumps(
            {"argv": argv, "display_name": "Python 3 (grading, limited)", "language": "python"},
            indent=1,
        )
    )
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(workdir / "jupyter"), os.environ.get("JUPYTER_PATH", "")) if p
    )
    return GRADER_KERNEL


def _fill_scores(rows: list[GradeRow], cfg) -> None:
    with Gradebook(cfg.CourseDirectory.db_url, cfg.CourseDirectory.course_id) as gb:
        for row in rows:
            row.max_score = float(gb.find_assignment(row.assignment).max_score)
            try:
                submission = gb.find_submission(row.assignment, row.student)
            except MissingEntry:
                continue  # failed: keeps 0
            if row.status.startswith("graded"):
                row.score = float(submission.score)


def write_csv(rows: list[GradeRow], path: Path) -> None:
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(GradeRow.__dataclass_fields__))
        writer.writeheader()
        for row in rows:
            writer.writerow(asdict(row))


def format_table(rows: list[GradeRow]) -> str:
    """The grades as a fixed-width table, one row per student and assignment."""
    header = f"{'student':<16} {'assignment':<22} {'score':>11}  status"
    lines = [header, "-" * len(header)]
    for r in sorted(rows, key=lambda r: (r.student, r.assignment)):
        notes = f" ({r.notes})" if r.notes else ""
        lines.append(
            f"{r.student:<16} {r.assignment:<22} {r.score:>5g} / {r.max_score:<3g}  {r.status}{notes}"
        )
    return "\n".join(lines)


def solved_release(assignment_id: str, solve) -> object:
    """The release notebook with the answers of ``solve`` (names, or "all") filled in."""
    from .config import get_assignment

    a = get_assignment(assignment_id)
    release, source = notebooks.read(a.path("release")), notebooks.read(a.path("source"))
    answers = {
        name: strip_solution_markers(ex.solution.source)
        for name, ex in notebooks.exercises(source).items()
    }
    for cell in release.cells:
        name = notebooks.grade_id(cell)
        if name in answers and (solve == "all" or name in solve):
            cell.source = answers[name]
    return release


def strip_solution_markers(source: str) -> str:
    return "\n".join(
        line
        for line in source.split("\n")
        if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION")
    )
