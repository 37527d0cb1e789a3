"""Benchmark: plain sequential ``nbgrader autograde`` vs the course's parallel grader.

    .venv/bin/python bench/grading.py [--n 200] [--workers N] [--feedback]

Both grade the same N submissions of the smallest assignment (honest variants: full
marks, empty, half right, catalogued mistakes). The baseline is nbgrader's own CLI,
run once over the whole batch in a course folder of its own (one process, one kernel
after another, nbgrader's default preprocessors). The contender is
``course.grade.grade`` with N workers, timed end to end (collect, register, autograde,
merge, export; feedback only with --feedback, since plain autograde writes none).
Prints throughput in submissions per second and the ratio, and checks that both
gave every submission the same score.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("DLKIT_NO_WIDGETS", "1")

CONFIG = """\
c = get_config()
c.CourseDirectory.course_id = "bench"
c.CourseDirectory.root = {root!r}
c.CourseDirectory.db_url = "sqlite:///{root}/gradebook.db"
c.Execute.timeout = 30
"""


def write_batch(dest: Path, n: int) -> list[str]:
    from fixtures.submissions import FIRST, clean_variants

    from course import notebooks

    variants = list(clean_variants().items())
    students = []
    for i in range(n):
        name, nb = variants[i % len(variants)]
        student = f"s{i:03d}_{name}"
        notebooks.write(nb, dest / student / FIRST.notebook)
        students.append(student)
    return students


def plain_nbgrader(subs: Path, students: list[str], work: Path) -> tuple[float, dict]:
    """Sequential ``nbgrader autograde`` (one CLI run for the batch); returns seconds and scores."""
    from fixtures.submissions import FIRST
    from nbgrader.api import Gradebook

    (work / "source").mkdir(parents=True)
    shutil.copytree(ROOT / "source" / FIRST.id, work / "source" / FIRST.id)
    (work / "nbgrader_config.py").write_text(CONFIG.format(root=str(work)))
    for s in students:
        dest = work / "submitted" / s / FIRST.id
        dest.mkdir(parents=True)
        shutil.copyfile(subs / s / FIRST.notebook, dest / FIRST.notebook)
    nbgrader = [sys.executable, "-m", "nbgrader"]
    # nbgrader runs `alembic` from PATH: the environment's bin/ must be on it
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    run = {"cwd": work, "check": True, "capture_output": True, "env": env}
    subprocess.run([*nbgrader, "generate_assignment", FIRST.id, "--force"], **run)
    start = time.perf_counter()
    proc = subprocess.run(
        [*nbgrader, "autograde", FIRST.id, "--create", "--force"],
        cwd=work,
        capture_output=True,
        env=env,
    )
    seconds = time.perf_counter() - start
    if proc.returncode:
        print(proc.stderr.decode()[-2000:])
    with Gradebook(f"sqlite:///{work}/gradebook.db", "bench") as gb:
        scores = {sub.student.id: float(sub.score) for sub in gb.assignment_submissions(FIRST.id)}
    return seconds, scores


def ours(subs: Path, work: Path, workers: int, feedback: bool) -> tuple[float, dict]:
    from course.grade import grade

    start = time.perf_counter()
    rows = grade(subs, work, workers=workers, feedback=feedback, log=lambda *_: None)
    seconds = time.perf_counter() - start
    return seconds, {r.student: r.score for r in rows}


def main() -> int:
    from course.parallel import default_workers

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=200, help="submissions (default 200)")
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--feedback", action="store_true", help="also time feedback (ours only)")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--rows", action="store_true", help="also print ROW lines for bench/run.py")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="dlfs-bench-") as tmp:
        tmp = Path(tmp)
        students = write_batch(tmp / "subs", args.n)
        load = os.getloadavg()[0]
        print(f"{args.n} submissions, {os.cpu_count()} cores, load average {load:.1f} at start")
        if not args.skip_baseline:
            t_seq, seq = plain_nbgrader(tmp / "subs", students, tmp / "plain")
            print(
                f"plain nbgrader autograde (sequential): {t_seq:7.1f} s  "
                f"{args.n / t_seq:5.2f} submissions/s"
            )
        t_par, par = ours(tmp / "subs", tmp / "ours", args.workers, args.feedback)
        what = "with feedback" if args.feedback else "no feedback"
        print(
            f"course grader, {args.workers} workers ({what}): {t_par:7.1f} s  "
            f"{args.n / t_par:5.2f} submissions/s"
        )
        from course.report import write

        start = time.perf_counter()
        write(tmp / "ours", log=lambda *_: None)
        t_report = time.perf_counter() - start
        print(f"class report (python -m course report): {t_report:7.2f} s")
        print(f"load average {os.getloadavg()[0]:.1f} at the end (other processes share the cores)")
        from fixtures.submissions import FIRST

        how = f"{args.n} submissions of {FIRST.id}"
        if args.rows:
            if not args.skip_baseline:
                print(
                    f"ROW\tautograde throughput: plain nbgrader (sequential)\t"
                    f"{args.n / t_seq:.2f} submissions/s\t{how}, {t_seq:.0f} s"
                )
            print(
                f"ROW\tautograde throughput: course grader, {args.workers} workers\t"
                f"{args.n / t_par:.2f} submissions/s\t{how}, {t_par:.0f} s"
            )
            print(f"ROW\tclass report (course report)\t{t_report:.2f} s\t{how}")
        if not args.skip_baseline:
            print(f"speed-up: {t_seq / t_par:.2f}x")
            if args.rows:
                print(
                    f"ROW\tautograde speed-up over plain nbgrader\t{t_seq / t_par:.2f}x\tsame scores"
                )
            differ = sorted(s for s in students if seq.get(s) != par.get(s))
            print(
                "same score for every submission" if not differ else f"scores differ: {differ[:5]}"
            )
            return 1 if differ else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
