"""Instructor grading: collect, autograde (in parallel), feedback, export.

One command per step (``python -m course <step> ...``, see the README), and ``grade``
runs them all::

    collect SUBMISSIONS   folder or .zip -> WORKDIR/submitted/<student>/<assignment>/,
                          the manifest (who submitted what, who did not), the class
                          gradebook with the assignments registered, a template copy
    autograde             every (student, assignment) through N workers
                          (course/parallel.py -> course/worker.py), then the results
                          merged into the class gradebook by this process alone
    feedback              regenerate feedback HTML from the gradebook (autograde already
                          writes it; use this after manual grading)
    export                WORKDIR/grades.csv: one row per student and assignment,
                          with a status saying why a row scored what it did

SUBMISSIONS is a folder holding one folder per student, with the student's notebooks
anywhere inside it, named as released::

    submissions/alice/00_getting_started.ipynb
    submissions/bob/whatever/01_perceptron.ipynb

or a .zip of such folders, or a .zip of files named by the LMS with the student first
(``alice_00_getting_started.ipynb``, ``alice_12345_678_00_getting_started.ipynb``),
matched with nbgrader's own zip-collection plugin (FileNameCollectorPlugin).
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import sys
import warnings
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

from . import nbg, notebooks
from .config import ASSIGNMENTS, ROOT

DEFAULT_WORKDIR = ROOT / "grading"
GRADER_KERNEL = "dlfs-grader"
MEMORY_LIMIT = os.environ.get("DLFS_MEMORY_LIMIT", "4G")  # address space of a grading kernel
CPU_LIMIT = os.environ.get("DLFS_CPU_LIMIT", "900")  # CPU seconds of a grading kernel
MANIFEST = "manifest.json"
#: what a grading kernel may not read (besides the workdir and its scratch copies)
PROTECTED = tuple(ROOT / p for p in ("source", "solutions", "tests", ".git"))


@dataclass
class GradeRow:
    student: str
    assignment: str
    score: float
    max_score: float
    status: str  # "graded", "graded (...)", "error: ..." or "missing: ..."
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


def lms_name_plugin():
    """nbgrader's FileNameCollectorPlugin, set up for ``<student>_[late_][<digits>_]*<notebook>``.

    The LMS adds its own numbers and, for a re-upload, a suffix (``-1``, `` (2)``):
    ``alice_00_getting_started.ipynb``, ``smith_jo_48213_99120_01_perceptron-1.ipynb``.
    """
    from nbgrader.plugins import FileNameCollectorPlugin

    ids = "|".join(re.escape(a.id) for a in ASSIGNMENTS)
    return FileNameCollectorPlugin(
        named_regexp=(
            rf"^(?P<student_id>.+?)_(?:late_)?(?:\d+_)*"
            rf"(?P<file_id>(?:{ids}))(?:-\d+| ?\(\d+\))?\.ipynb$"
        )
    )


def _find(submissions: Path, lms: bool, log) -> tuple[dict, dict]:
    """{(student, assignment): path} and {student: [ignored files]} of a submissions folder."""
    known = {a.id: a for a in ASSIGNMENTS}
    plugin = lms_name_plugin() if lms else None
    found, extra = {}, {}
    for path in sorted(p for p in submissions.rglob("*") if p.is_file()):
        rel = path.relative_to(submissions)
        if any(part.startswith((".", "__")) for part in rel.parts) or path.name == "timestamp.txt":
            continue  # .ipynb_checkpoints, __MACOSX, .DS_Store
        if len(rel.parts) < 2:
            info = (
                plugin.collect(path.name)
                if plugin is not None and path.suffix == ".ipynb"
                else None
            )
            if info is None:
                if path.suffix == ".ipynb":
                    log(
                        f"skipped {rel}: put each student's notebooks in a folder named after the student"
                    )
                continue
            student, assignment = _safe_id(info["student_id"]), known[info["file_id"]]
        else:
            student = _safe_id(rel.parts[0])
            assignment = known.get(path.stem) if path.suffix == ".ipynb" else None
            if assignment is None:
                if path.suffix == ".ipynb":
                    log(f"skipped {rel}: {path.stem!r} is not a notebook of this course")
                extra.setdefault(student, []).append(str(Path(*rel.parts[1:])))
                continue
        if (student, assignment.id) in found:
            log(f"skipped {rel}: a second copy of {assignment.notebook} for {student}")
            extra.setdefault(student, []).append(str(rel))
            continue
        found[(student, assignment.id)] = path
    return found, extra


def read_roster(path: Path) -> list[str]:
    """Student ids from a roster file: the first column of each line (CSV or plain text).

    Blank lines, ``#`` comments and a header whose first cell is ``student``,
    ``student_id``, ``id`` or ``username`` are skipped.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no roster at {path}: one student id per line (or a CSV)")
    ids = []
    with path.open(newline="", encoding="utf-8-sig") as f:
        for k, row in enumerate(csv.reader(f)):
            first = row[0].strip() if row else ""
            if not first or first.startswith("#"):
                continue
            if k == 0 and first.lower() in {"student", "student_id", "id", "username"}:
                continue
            ids.append(first)
    if not ids:
        raise ValueError(f"the roster {path} lists no student")
    return list(dict.fromkeys(ids))


def collect(
    submissions: Path,
    workdir: Path,
    log=print,
    *,
    assignments: list[str] | None = None,
    lms: bool | None = None,
    roster: list[str] | None = None,
) -> list[tuple[str, str]]:
    """Copy submissions into ``workdir/submitted/<student>/<assignment>/``; return the pairs found.

    Also writes ``workdir/manifest.json``: every (student, assignment) expected, i.e.
    every student seen times every assignment graded (``assignments``, default: all
    that anyone submitted), with the notebook or None, and notes on ignored files.
    Top-level notebooks are read as LMS file names in a .zip (or with ``lms=True``).
    With a ``roster`` (student ids, see :func:`read_roster`), every student on it gets
    rows even without any submission (graded 0 as missing), and a submission from
    someone not on it is graded with a note saying so.
    """
    submissions = Path(submissions)
    workdir = Path(workdir)
    if not submissions.exists():
        raise FileNotFoundError(f"no submissions at {submissions}")
    is_zip = submissions.suffix == ".zip"
    if is_zip:
        submissions = _unpack(submissions, workdir / "incoming")
    found, extra = _find(submissions, lms if lms is not None else is_zip, log)
    graded = assignments or sorted({a for _, a in found})
    students = sorted({s for s, _ in found} | set(extra) | set(roster or ()))
    if roster is not None and not graded:
        graded = [a.id for a in ASSIGNMENTS]
    entries = []
    for student in students:
        for assignment_id in graded:
            path = found.get((student, assignment_id))
            target = None
            if path is not None:
                target = workdir / "submitted" / student / assignment_id / f"{assignment_id}.ipynb"
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
            ignored = extra.get(student, [])
            notes = (
                [f"ignored {len(ignored)} other file(s): {', '.join(ignored[:3])}"]
                if ignored
                else []
            )
            if roster is not None and student not in roster:
                notes.append("not on the roster")
            entries.append(
                {
                    "student": student,
                    "assignment": assignment_id,
                    "notebook": str(target) if target else None,
                    "notes": notes,
                }
            )
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / MANIFEST).write_text(json.dumps(entries, indent=1))
    return sorted(k for k in found if k[1] in graded)


def tampering(submitted: Path, release: Path) -> list[str]:
    """How a submission's test cells differ from the released ones (nbgrader restores them)."""
    from .worker import _tampering

    try:
        sub = notebooks.read(submitted)
    except Exception as exc:  # unreadable JSON is reported by the grader itself
        return [f"unreadable notebook ({type(exc).__name__})"]
    return _tampering(sub, notebooks.read(release))


def _quiet() -> None:
    # nbgrader's gradebook emits SQLAlchemy "not in session" warnings, and nbformat
    # complains about cells without ids in old notebooks: neither affects the grades
    warnings.filterwarnings("ignore", message=".*not in session.*")
    warnings.filterwarnings("ignore", message=".*missing an id field.*")


def _manifest(workdir: Path) -> list[dict]:
    path = Path(workdir) / MANIFEST
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: run `python -m course collect` first")
    return json.loads(path.read_text())


def prepare(workdir: Path, cell_timeout: int | None = None):
    """Register the manifest's assignments in the class gradebook; copy it as the workers' template."""
    from nbgrader.converters import GenerateAssignment

    _quiet()
    workdir = Path(workdir).resolve()
    cfg = nbg.load_config(workdir=workdir, release=workdir / "release", cell_timeout=cell_timeout)
    for assignment_id in sorted({e["assignment"] for e in _manifest(workdir)}):
        # registers the assignment and its test cells (checksums, hidden tests) in the gradebook
        result = nbg.run(GenerateAssignment, cfg, assignment_id, force=True, create_assignment=True)
        if not result["success"]:
            raise RuntimeError(f"could not register {assignment_id}:\n{result.get('error', '')}")
    (workdir / "template").mkdir(exist_ok=True)
    shutil.copyfile(workdir / "gradebook.db", workdir / "template" / "gradebook.db")
    return cfg


def task_kwargs(workdir: Path, entry: dict, **options) -> dict:
    """The arguments of ``course.worker.grade_one`` for one manifest entry."""
    workdir = Path(workdir).resolve()
    return {
        "assignment_id": entry["assignment"],
        "student": entry["student"],
        "notebook": entry["notebook"],
        "out": str(workdir / "results" / entry["student"] / entry["assignment"]),
        "template_db": str(workdir / "template" / "gradebook.db"),
        "release": str(workdir / "release"),
        "deny": tuple(str(p) for p in (*PROTECTED, workdir)),
        **options,
    }


def autograde(
    workdir: Path = DEFAULT_WORKDIR,
    *,
    workers: int | None = None,
    cell_timeout: int | None = None,
    budget: int | None = None,
    feedback: bool = True,
    merge_only: bool = False,
    sandbox: bool = True,
    log=print,
) -> None:
    """Grade every manifest entry with ``workers`` processes, then merge (single writer).

    Every kernel runs in the bubblewrap sandbox (course/sandbox.py); where it cannot
    run this raises :class:`SandboxUnavailable` saying why, unless ``sandbox=False``.
    """
    from .parallel import run_parallel
    from .worker import grade_one

    _quiet()
    workdir = Path(workdir).resolve()
    if not merge_only:
        require_sandbox(sandbox, log)
        kernel = install_grader_kernel(workdir, sandbox=sandbox)
        options = {
            "cell_timeout": cell_timeout,
            "budget": budget,
            "feedback": feedback,
            "kernel_name": kernel,
            "sandboxed": sandbox,
        }
        tasks = {}
        for entry in _manifest(workdir):
            kwargs = task_kwargs(workdir, entry, **options)
            if entry["notebook"] is None:
                grade_one(**kwargs)  # writes the "missing" result at once
            else:
                tasks[(entry["student"], entry["assignment"])] = kwargs
        hard = (budget or 300) + 3 * (cell_timeout or 30) + 120
        results = run_parallel(tasks, workers=workers, hard_timeout=hard, log=log)
        for key, result in results.items():
            out = Path(tasks[key]["out"])
            if "student" not in result:  # the worker died or failed: record why
                out.mkdir(parents=True, exist_ok=True)
                result = {"student": key[0], "assignment": key[1], **result}
                (out / "result.json").write_text(json.dumps(result))
    merge(workdir)


NO_SANDBOX_WARNING = (
    "WARNING: grading WITHOUT the OS sandbox (--no-sandbox): a submission can read files "
    "and reach other kernels on this machine. Use it for your own tests, not for a class."
)


def require_sandbox(sandbox: bool, log=print) -> None:
    """Refuse to grade when the sandbox was asked for and cannot run; warn when it was not."""
    from . import sandbox as bwrap

    if not sandbox:
        log(NO_SANDBOX_WARNING)
        return
    reason = bwrap.unavailable()
    if reason:
        raise bwrap.SandboxUnavailable(
            f"cannot grade safely: {reason}.\nEvery grading kernel runs in a bubblewrap "
            "sandbox so that no submission can read another's files or reach its kernel. "
            "To grade anyway (your own tests, never a class), pass --no-sandbox."
        )


def _results(workdir: Path) -> dict:
    found = {}
    for path in sorted((Path(workdir) / "results").glob("*/*/result.json")):
        result = json.loads(path.read_text())
        found[(result["student"], result["assignment"])] = (result, path.parent)
    return found


def merge(workdir: Path) -> None:
    """Write every result into the class gradebook and nbgrader's folders (the one writer)."""
    from nbgrader.api import Gradebook

    _quiet()
    workdir = Path(workdir).resolve()
    cfg = nbg.load_config(workdir=workdir)
    with Gradebook(cfg.CourseDirectory.db_url, cfg.CourseDirectory.course_id) as gb:
        for (student, assignment_id), (result, folder) in _results(workdir).items():
            if not result.get("status", "").startswith("graded"):
                continue
            gb.update_or_create_student(student)
            gb.update_or_create_submission(assignment_id, student)
            for cell, values in result.get("cells", {}).items():
                notebook_id, name = cell.split("/", 1)
                if "auto_comment" in values:
                    comment = gb.find_comment(name, notebook_id, assignment_id, student)
                    comment.auto_comment = values["auto_comment"]
                else:
                    grade = gb.find_grade(name, notebook_id, assignment_id, student)
                    grade.auto_score = values["auto_score"]
                    grade.needs_manual_grade = values["needs_manual_grade"]
            gb.db.commit()
            for kind, ext in (("autograded", "ipynb"), ("feedback", "html")):
                src = folder / f"{assignment_id}.{ext}"
                if src.exists():
                    dest = workdir / kind / student / assignment_id / src.name
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(src, dest)


def feedback(workdir: Path = DEFAULT_WORKDIR, log=print) -> int:
    """Regenerate the feedback of every graded submission from the class gradebook."""
    from nbgrader.converters import GenerateFeedback

    from .worker import add_notes

    _quiet()
    workdir = Path(workdir).resolve()
    cfg = nbg.load_config(workdir=workdir, release=workdir / "release")
    done = 0
    for (student, assignment_id), (result, _) in _results(workdir).items():
        if result.get("status", "").startswith("graded"):
            outcome = nbg.run(GenerateFeedback, cfg, assignment_id, student, force=True)
            done += bool(outcome["success"])
            if not outcome["success"]:
                log(f"  feedback failed for {student} {assignment_id}")
                continue
            # the grader's notes on top, as autograde writes them
            page = workdir / "feedback" / student / assignment_id / f"{assignment_id}.html"
            if page.exists():
                add_notes(page, result.get("notes", []))
    return done


def export(workdir: Path = DEFAULT_WORKDIR) -> list[GradeRow]:
    """One row per manifest entry (student x assignment) into ``workdir/grades.csv``."""
    from nbgrader.api import Gradebook, MissingEntry

    _quiet()
    workdir = Path(workdir).resolve()
    cfg = nbg.load_config(workdir=workdir)
    results = _results(workdir)
    rows = []
    with Gradebook(cfg.CourseDirectory.db_url, cfg.CourseDirectory.course_id) as gb:
        max_scores = {a.name: float(a.max_score) for a in gb.assignments}
        for entry in _manifest(workdir):
            key = (entry["student"], entry["assignment"])
            result = results.get(key, (None, None))[0] or {
                "status": "error: not graded (run `python -m course autograde`)",
                "notes": [],
            }
            status = result.get("status") or "error: no result"
            score = 0.0
            if status.startswith("graded"):
                try:  # the gradebook, not the worker's file, is what counts (manual grades too)
                    score = float(gb.find_submission(key[1], key[0]).score)
                except MissingEntry:
                    status = "error: result not merged into the gradebook"
            notes = list(entry.get("notes", [])) + list(result.get("notes", []))
            rows.append(
                GradeRow(
                    key[0],
                    key[1],
                    score,
                    max_scores.get(key[1], 0.0),
                    status,
                    "; ".join(dict.fromkeys(notes)),
                )
            )
    write_csv(rows, workdir / "grades.csv")
    return rows


def grade(
    submissions: Path,
    workdir: Path = DEFAULT_WORKDIR,
    *,
    cell_timeout: int | None = None,
    budget: int | None = None,
    workers: int | None = None,
    feedback: bool = True,
    assignments: list[str] | None = None,
    roster: list[str] | None = None,
    sandbox: bool = True,
    log=print,
) -> list[GradeRow]:
    """All the steps on a fresh ``workdir``: collect, autograde, export; return the rows."""
    require_sandbox(sandbox, lambda *_: None)  # before anything is written
    workdir = Path(workdir).resolve()
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    collect(Path(submissions).resolve(), workdir, log=log, assignments=assignments, roster=roster)
    prepare(workdir, cell_timeout=cell_timeout)
    autograde(
        workdir,
        workers=workers,
        cell_timeout=cell_timeout,
        budget=budget,
        feedback=feedback,
        sandbox=sandbox,
        log=log,
    )
    return export(workdir)


def _bytes(size: str) -> int:
    """'4G' -> 4294967296 (prlimit wants bytes: with a suffix it sets a tiny limit)."""
    size = size.strip().upper()
    factor = {"K": 2**10, "M": 2**20, "G": 2**30}.get(size[-1:], 1)
    return int(float(size.rstrip("KMG")) * factor)


def install_grader_kernel(workdir: Path, sandbox: bool = True) -> str:
    """A kernelspec for grading; returns the kernel name.

    Layers, outermost first (README, "Parallel, and safe against hostile submissions"):

    - ``prlimit`` caps memory and CPU time, so a submission that allocates many
      gigabytes gets a MemoryError in its own cell instead of taking the machine down;
    - with ``sandbox``, course/sandbox.py runs the kernel under bubblewrap: its own
      PID, network, IPC and mount namespaces, read-only system, one writable folder
      (see that module); ``sandbox=False`` is for machines without it (a warning
      is printed and every result says so);
    - course/kernel_guard.py keeps dlkit.checks unpatched, refuses to start processes
      or load native code, and keeps the instructor's files unreadable when there is
      no sandbox to hide them.

    The kernel talks to the grader over IPC (Unix sockets in the kernel's own folder,
    see course/worker.py), not TCP: a sandboxed kernel has no network, and no two
    kernels can race for a port. Interrupts (the cell time limit) go as messages
    because a signal sent from outside does not reach a process in the sandbox.
    """
    spec = Path(workdir) / "jupyter" / "kernels" / GRADER_KERNEL
    spec.mkdir(parents=True, exist_ok=True)
    prlimit = shutil.which("prlimit")
    limits = [prlimit, f"--as={_bytes(MEMORY_LIMIT)}", f"--cpu={int(CPU_LIMIT)}"] if prlimit else []
    guard = str(ROOT / "course" / "kernel_guard.py")
    kernel = [sys.executable, guard]
    if sandbox:
        from . import sandbox as bwrap

        bwrap.write_spec(spec / "sandbox.json", kernel, read_only=[guard])
        launcher = [sys.executable, "-I", "-S", str(ROOT / "course" / "sandbox.py")]
        kernel = [*launcher, str(spec / "sandbox.json")]
    argv = [*limits, *kernel, "-f", "{connection_file}"]
    name = "sandboxed" if sandbox else "not sandboxed"
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": argv,
                "display_name": f"Python 3 (grading, limited, {name})",
                "language": "python",
                "interrupt_mode": "message",
            },
            indent=1,
        )
    )
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(Path(workdir) / "jupyter"), os.environ.get("JUPYTER_PATH", "")) if p
    )
    return GRADER_KERNEL


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
