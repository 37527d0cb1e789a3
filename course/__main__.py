"""Command line of the course tools: ``python -m course <command>``.

build, check, demo, publish (the student repository); the instructor's grading steps
collect, autograde, feedback, export (or all at once: grade), then report (what the class
got wrong); grade-one, the per-student step used by the parallel
workers and by cluster job arrays.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from .config import ASSIGNMENTS, ROOT
from .sandbox import SandboxUnavailable

#: the example class graded by ``demo``: who solves what ("mistakes": every exercise solved,
#: then every second one redefined by the first plausible wrong answer of its mutant
#: catalogue, tests/mutants/, so the feedback and the class report show real checks failing)
EXAMPLE_STUDENTS = {
    "ada_full_marks": "all",
    "ben_empty": "none",
    "cy_half_right": "half",
    "dee_mistakes": "mistakes",
}


def write_examples(dest: Path) -> Path:
    """Example submissions made from the current release: full marks, empty, half right, and
    half of the exercises with a common mistake."""
    from . import notebooks
    from .grade import solved_release
    from .mutants import first_mistakes

    for student, which in EXAMPLE_STUDENTS.items():
        for a in ASSIGNMENTS:
            names = list(notebooks.exercises(notebooks.read(a.path("source"))))
            solve = {"all": "all", "none": set(), "half": set(names[::2]), "mistakes": "all"}
            nb = solved_release(a.id, solve[which])
            if which == "mistakes":
                mistakes = first_mistakes(a.id)
                mistakes = {k: v for k, v in mistakes.items() if k in names[1::2]}
                for cell in nb.cells:
                    if notebooks.grade_id(cell) in mistakes:
                        cell.source += "\n\n\n" + mistakes[notebooks.grade_id(cell)]
            notebooks.write(nb, dest / student / a.notebook)
    return dest


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_build = sub.add_parser("build", help="source/ -> release/ and solutions/")
    p_build.add_argument("--no-solutions", action="store_true", help="only generate release/")
    p_grade = sub.add_parser("grade", help="collect + autograde + export, on a fresh workdir")
    p_grade.add_argument("submissions", type=Path, help="a folder or a .zip of submissions")
    p_collect = sub.add_parser("collect", help="submissions -> WORKDIR/submitted + manifest")
    p_collect.add_argument("submissions", type=Path, help="a folder or a .zip of submissions")
    p_collect.add_argument("--lms", action="store_true", help="top-level files are LMS-named")
    p_auto = sub.add_parser("autograde", help="grade the collected submissions in parallel")
    p_auto.add_argument(
        "--merge-only", action="store_true", help="only merge results/ (graded elsewhere)"
    )
    p_fb = sub.add_parser("feedback", help="regenerate feedback HTML from the gradebook")
    p_export = sub.add_parser(
        "export", help="WORKDIR/grades.csv, one row per student and assignment"
    )
    p_report = sub.add_parser(
        "report", help="WORKDIR/report/index.html: what the class got wrong, at a glance"
    )
    p_one = sub.add_parser("grade-one", help="grade one notebook (the per-student step)")
    p_one.add_argument("assignment")
    p_one.add_argument("student")
    p_one.add_argument("notebook", type=Path, help="the student's notebook (may be missing)")
    p_one.add_argument("--out", type=Path, required=True, help="folder for result.json etc.")
    # options shared by the grading steps, declared once
    for p in (p_grade, p_collect, p_auto, p_fb, p_export, p_report, p_one):
        p.add_argument(
            "--workdir", type=Path, default=ROOT / "grading",
            help="the grading folder (collect puts release/ and template/gradebook.db there)",
        )  # fmt: skip
    for p in (p_grade, p_collect):
        p.add_argument("--assignment", action="append", help="grade only this one (repeatable)")
        p.add_argument(
            "--roster", type=Path, default=None,
            help="student ids, one per line or a CSV's first column: everyone on it gets "
            "a row (0 when nothing was submitted); others get a note",
        )  # fmt: skip
    for p in (p_grade, p_auto):
        p.add_argument("--workers", type=int, default=None, help="default: the number of cores")
    for p in (p_grade, p_auto, p_one):
        p.add_argument("--timeout", type=int, default=None, help="seconds per cell (default 30)")
        p.add_argument(
            "--budget", type=int, default=None, help="seconds per notebook (default 300)"
        )
        p.add_argument("--no-feedback", action="store_true", help="skip the feedback HTML")
    p_check = sub.add_parser("check", help="drift, leaks and metadata")
    p_check.add_argument("--fast", action="store_true", help="skip regenerating solutions/")
    p_pub = sub.add_parser(
        "publish", help="write the student repository: release/, dlkit/, README, licence"
    )
    p_pub.add_argument("dest", type=Path, help="a folder outside this repository")
    p_pub.add_argument(
        "--upto", default=None, metavar="ASSIGNMENT",
        help="publish the notebooks up to this one: the earlier ones are due, this one is "
        "open (out, not yet due); dlkit leaves out the references of this notebook's "
        "exercises and of every later one (the published notebooks' own calls to them are "
        "replayed from records). Default: everything, nothing left out",
    )  # fmt: skip
    p_pub.add_argument(
        "--git", action="store_true", help="commit the result (git init on the first publish)"
    )
    p_demo = sub.add_parser("demo", help="build, then grade three example submissions")
    for p in (p_grade, p_auto, p_one, p_demo):
        p.add_argument(
            "--no-sandbox", action="store_true",
            help="run grading kernels without the bubblewrap sandbox (not for a class: "
            "a submission could then read files and reach other kernels)",
        )  # fmt: skip
    args = parser.parse_args(argv)
    try:
        return _run(args, time.perf_counter())
    except SandboxUnavailable as exc:
        print(f"python -m course {args.command}: {exc}", file=sys.stderr)
        return 2


def _run(args, start: float) -> int:
    """Carry out one parsed command."""
    roster = None
    if getattr(args, "roster", None) is not None:
        from .grade import read_roster

        roster = read_roster(args.roster)
    sandbox = not getattr(args, "no_sandbox", False)
    if args.command == "build":
        from .build import build

        build(solutions=not args.no_solutions)
    elif args.command == "check":
        from .check import check

        problems = check(solutions=not args.fast)
        print("course check: OK" if not problems else f"course check: {len(problems)} problem(s)")
        return 1 if problems else 0
    elif args.command == "publish":
        from .publish import publish

        try:
            publish(args.dest, args.upto, git=args.git)
        except (KeyError, ValueError, FileNotFoundError) as exc:
            print(f"python -m course publish: {exc.args[0]}", file=sys.stderr)
            return 2
    elif args.command == "grade":
        from .grade import format_table, grade

        rows = grade(
            args.submissions,
            args.workdir,
            cell_timeout=args.timeout,
            budget=args.budget,
            workers=args.workers,
            feedback=not args.no_feedback,
            assignments=args.assignment,
            roster=roster,
            sandbox=sandbox,
        )
        print(format_table(rows))
        print(f"grades: {args.workdir / 'grades.csv'}, feedback: {args.workdir / 'feedback'}")
    elif args.command == "collect":
        from . import grade

        pairs = grade.collect(
            args.submissions.resolve(),
            args.workdir,
            assignments=args.assignment,
            lms=args.lms or None,
            roster=roster,
        )
        grade.prepare(args.workdir)
        entries = grade._manifest(args.workdir)
        print(
            f"collected {len(pairs)} notebook(s); {len(entries)} row(s) expected "
            f"(manifest: {args.workdir / grade.MANIFEST})"
        )
    elif args.command == "autograde":
        from . import grade

        grade.autograde(
            args.workdir,
            workers=args.workers,
            cell_timeout=args.timeout,
            budget=args.budget,
            feedback=not args.no_feedback,
            merge_only=args.merge_only,
            sandbox=sandbox,
        )
    elif args.command == "feedback":
        from . import grade

        print(f"feedback regenerated for {grade.feedback(args.workdir)} submission(s)")
    elif args.command == "export":
        from .grade import export, format_table

        print(format_table(export(args.workdir)))
        print(f"grades: {args.workdir / 'grades.csv'}")
    elif args.command == "report":
        from .report import NothingGraded, write

        try:
            write(args.workdir)
        except NothingGraded as exc:
            print(f"python -m course report: {exc}", file=sys.stderr)
            return 1
    elif args.command == "grade-one":
        import json

        from .grade import PROTECTED, install_grader_kernel, require_sandbox
        from .worker import grade_one

        require_sandbox(sandbox)
        workdir = args.workdir.resolve()
        result = grade_one(
            args.assignment,
            args.student,
            args.notebook if args.notebook.exists() else None,
            args.out,
            template_db=workdir / "template" / "gradebook.db",
            release=workdir / "release",
            cell_timeout=args.timeout,
            budget=args.budget,
            feedback=not args.no_feedback,
            kernel_name=install_grader_kernel(
                Path(tempfile.mkdtemp(prefix="dlfs-kernel-")), sandbox=sandbox
            ),
            deny=(*PROTECTED, workdir),
            sandboxed=sandbox,
        )
        print(json.dumps({k: result[k] for k in ("student", "assignment", "score", "status")}))
        return 0  # a failed submission is a result too (its status says why)
    elif args.command == "demo":
        from .build import build
        from .grade import format_table, grade

        build()
        with tempfile.TemporaryDirectory(prefix="dlfs-examples-") as tmp:
            print("grading the example submissions (full marks, empty, half right):")
            rows = grade(write_examples(Path(tmp)), ROOT / "grading", sandbox=sandbox)
        print()
        print(format_table(rows))
        print("\ngrades: grading/grades.csv, feedback: grading/feedback/")
        from .report import write

        write(ROOT / "grading", log=lambda m: print(m.replace(str(ROOT) + "/", "")))
    print(f"done in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
