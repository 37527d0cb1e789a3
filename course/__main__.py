"""Command line of the course tools: ``python -m course {build,grade,check,demo}``."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from .config import ASSIGNMENTS, ROOT

#: the example class graded by ``demo``: who solves what
EXAMPLE_STUDENTS = {"ada_full_marks": "all", "ben_empty": "none", "cy_half_right": "half"}


def write_examples(dest: Path) -> Path:
    """Example submissions made from the current release: full marks, empty, half right."""
    from . import notebooks
    from .grade import solved_release

    for student, which in EXAMPLE_STUDENTS.items():
        for a in ASSIGNMENTS:
            names = list(notebooks.exercises(notebooks.read(a.path("source"))))
            solve = {"all": "all", "none": set(), "half": set(names[::2])}[which]
            notebooks.write(solved_release(a.id, solve), dest / student / a.notebook)
    return dest


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_build = sub.add_parser("build", help="source/ -> release/ and solutions/")
    p_build.add_argument("--no-solutions", action="store_true", help="only generate release/")
    p_grade = sub.add_parser("grade", help="autograde a folder or .zip of submissions")
    p_grade.add_argument("submissions", type=Path)
    p_grade.add_argument("--workdir", type=Path, default=ROOT / "grading")
    p_grade.add_argument("--timeout", type=int, default=None, help="seconds per cell (default 30)")
    p_check = sub.add_parser("check", help="drift, leaks and metadata")
    p_check.add_argument("--fast", action="store_true", help="skip regenerating solutions/")
    sub.add_parser("demo", help="build, then grade three example submissions")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    if args.command == "build":
        from .build import build

        build(solutions=not args.no_solutions)
    elif args.command == "check":
        from .check import check

        problems = check(solutions=not args.fast)
        print("course check: OK" if not problems else f"course check: {len(problems)} problem(s)")
        return 1 if problems else 0
    elif args.command == "grade":
        from .grade import format_table, grade

        rows = grade(args.submissions, args.workdir, cell_timeout=args.timeout)
        print(format_table(rows))
        print(f"grades: {args.workdir / 'grades.csv'}, feedback: {args.workdir / 'feedback'}")
    elif args.command == "demo":
        from .build import build
        from .grade import format_table, grade

        build()
        with tempfile.TemporaryDirectory(prefix="dlfs-examples-") as tmp:
            print("grading the example submissions (full marks, empty, half right):")
            rows = grade(write_examples(Path(tmp)), ROOT / "grading")
        print()
        print(format_table(rows))
        print("\ngrades: grading/grades.csv, feedback: grading/feedback/")
    print(f"done in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
