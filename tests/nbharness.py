"""Run a notebook's cells in this process, to test its graded test cells cheaply.

Executing a notebook once and then redefining one function and re-running only that
exercise's test cells costs milliseconds, so every mutant, every stub and every
alternative correct solution can be tried (see tests/test_mutants.py).

Mutant catalogues live in ``tests/mutants/<assignment>.py``: each function is named
``<exercise>__<what_is_wrong>`` and its docstring says which mistake it stands for.
Functions named ``<exercise>__ok_<variant>`` are *correct* alternatives that must pass.
An exercise that asks for a class is mutated the same way, with classes.
``tests/mutants/delegation/<assignment>.py`` holds, in the same format, answers named
``<exercise>__delegates_<how>`` that hand the work to dlkit; the first ``dlkit.`` name in
backquotes in each docstring is the function the failure message must name.

Command line (prints a report, exits 1 when something is not caught)::

    python tests/nbharness.py 01_perceptron
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("DLKIT_NO_WIDGETS", "1")

from course import notebooks  # noqa: E402
from course.config import get_assignment  # noqa: E402

# the catalogues and their reader live in course/mutants.py (the demo uses them too);
# DELEGATION_DIR holds answers that hand an exercise to dlkit (a sibling, an object, a private
# helper): each must fail a test cell of its exercise with check_not_delegating's message
from course.mutants import DELEGATION_DIR, MUTANT_DIR, Variant, load_variants  # noqa: E402, F401


def _to_python(source: str) -> str:
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


class NotebookRun:
    """The namespace of a notebook whose cells have been executed in order."""

    def __init__(self, nb):
        self.nb = nb
        self.ns: dict = {"__name__": "__main__"}
        self._cells = 0
        self.exercises = notebooks.exercises(nb)

    def run(self, source: str) -> BaseException | None:
        """Execute one cell's source; return the exception it raised, if any."""
        import linecache

        import matplotlib.pyplot as plt

        python = _to_python(source)
        # register the source like IPython does, so inspect.getsource works on cell functions
        self._cells += 1
        filename = f"<notebook-cell-{self._cells}>"
        linecache.cache[filename] = (len(python), None, python.splitlines(True), filename)
        code = compile(python, filename, "exec")
        try:
            with (
                contextlib.redirect_stdout(io.StringIO()),
                contextlib.redirect_stderr(io.StringIO()),
            ):
                exec(code, self.ns)
        except Exception as exc:  # a failing test cell is data here
            return exc
        finally:
            plt.close("all")
        return None

    def run_all(self) -> dict[str, BaseException]:
        """Execute every code cell; return {grade_id or index: error} for cells that failed."""
        failures = {}
        for i, cell in enumerate(self.nb.cells):
            if cell.cell_type != "code":
                continue
            error = self.run(cell.source)
            if error is not None:
                failures[notebooks.grade_id(cell) or f"cell {i}"] = error
        return failures

    def failing_tests(self, exercise: str, definition: str, seed_offset: int = 0) -> list[str]:
        """Define ``exercise`` from ``definition``, run its test cells, restore the solution.

        Returns the grade_ids of the test cells that failed.
        """
        return list(self.test_errors(exercise, definition, seed_offset))

    def test_errors(
        self, exercise: str, definition: str, seed_offset: int = 0
    ) -> dict[str, BaseException]:
        """As :meth:`failing_tests`, with the error each failing test cell raised."""
        ex = self.exercises[exercise]
        error = self.run(definition)
        if error is not None:
            raise RuntimeError(f"the replacement for {exercise} does not even define: {error!r}")
        try:
            errors = {}
            for cell in ex.tests:
                failure = self.run(shift_seeds(cell.source, seed_offset))
                if failure is not None:
                    errors[notebooks.grade_id(cell)] = failure
            return errors
        finally:
            restore = self.run(ex.solution.source)
            if restore is not None:
                raise RuntimeError(f"could not restore the solution of {exercise}: {restore!r}")


def shift_seeds(source: str, offset: int) -> str:
    """Change every ``default_rng(<int>)`` seed in a test cell by ``offset``."""
    if not offset:
        return source
    return re.sub(
        r"default_rng\((\d+)\)", lambda m: f"default_rng({int(m.group(1)) + offset})", source
    )


def stub_source(assignment_id: str, exercise: str) -> str:
    """The release (student) version of an exercise's answer cell."""
    nb = notebooks.read(get_assignment(assignment_id).path("release"))
    for cell in nb.cells:
        if notebooks.grade_id(cell) == exercise:
            return cell.source
    raise KeyError(exercise)


def source_run(assignment_id: str) -> NotebookRun:
    run = NotebookRun(notebooks.read(get_assignment(assignment_id).path("source")))
    failures = run.run_all()
    if failures:
        raise AssertionError(f"{assignment_id}: the solution notebook fails: {failures}")
    return run


def report(assignment_id: str) -> int:
    run = source_run(assignment_id)
    problems = 0
    variants = load_variants(assignment_id)
    delegating = load_variants(assignment_id, DELEGATION_DIR)
    for exercise in run.exercises:
        mine = [v for v in variants if v.exercise == exercise]
        n_mutants = sum(not v.correct for v in mine)
        mine += [v for v in delegating if v.exercise == exercise]
        flag = "" if n_mutants >= 2 else "   <-- fewer than 2 mutants"
        problems += n_mutants < 2
        print(f"{exercise} ({run.exercises[exercise].points:g} points, {n_mutants} mutants){flag}")
        release = get_assignment(assignment_id).path("release")
        if release.exists():
            failed = run.failing_tests(exercise, stub_source(assignment_id, exercise))
            passed = [
                notebooks.grade_id(c)
                for c in run.exercises[exercise].tests
                if notebooks.grade_id(c) not in failed
            ]
            problems += bool(passed)
            print(f"   stub: {'all tests fail' if not passed else 'PASSES ' + ', '.join(passed)}")
        for v in mine:
            failed = run.failing_tests(exercise, v.source)
            if v.correct:
                bad = failed or [
                    f"seed+{k}" for k in (1, 2, 3) if run.failing_tests(exercise, v.source, k)
                ]
                problems += bool(bad)
                print(f"   ok   {v.name}: {'passes' if not bad else 'FAILS ' + ', '.join(bad)}")
            else:
                problems += not failed
                print(
                    f"   {'caught' if failed else 'MISSED'} {v.name} by {', '.join(failed) or '-'}"
                )
    for k in (1, 2, 3):
        for exercise in run.exercises:
            failed = run.failing_tests(exercise, run.exercises[exercise].solution.source, k)
            if failed:
                problems += 1
                print(f"solution of {exercise} fails {failed} with seeds shifted by {k}")
    print(f"{problems} problem(s)")
    return problems


if __name__ == "__main__":
    sys.exit(1 if report(sys.argv[1]) else 0)
