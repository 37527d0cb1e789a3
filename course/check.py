"""``python -m course check``: the course is consistent before it is released.

- source/ notebooks are clean (no outputs) and their badge and setup cell match
  course/config.py;
- grade_ids are unique, every exercise has locked test cells with points, and the
  points add up to the totals in course/config.py (and so in the README);
- release/ leaks neither solution code nor hidden tests;
- with a student repository configured, no badge or install line in source/ or
  release/ points at the instructor repository (:func:`instructor_links`);
- release/ and solutions/ are exactly what ``build`` makes from source/ (drift), and so
  is dlkit/_exercises.py (which exercise each dlkit reference belongs to).
  release/ is compared byte for byte; solutions/ by cell sources and metadata (their
  outputs are validated by nbval in the test suite instead).
"""

from __future__ import annotations

import ast
import re
import tempfile
from pathlib import Path

from . import config, notebooks
from .build import build, sync_exercise_table, sync_source
from .config import ASSIGNMENTS, Assignment

_REGION = {
    "solution": ("### BEGIN SOLUTION", "### END SOLUTION"),
    "hidden": ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"),
}
_MIN_LEAK_LENGTH = 16  # shorter lines ("return z", "import numpy") are too common to mean a leak


def _regions(source: str, kind: str) -> tuple[list[str], list[str]]:
    """Lines inside and outside the ``kind`` regions of one cell."""
    begin, end = _REGION[kind]
    inside, outside, within = [], [], False
    for line in source.split("\n"):
        stripped = line.strip()
        if stripped == begin:
            within = True
        elif stripped == end:
            within = False
        else:
            (inside if within else outside).append(stripped)
    return inside, outside


def find_leaks(source_nb, release_text: str) -> list[str]:
    """Solution or hidden-test lines of the source that appear in the release."""
    leaks = []
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        if marker in release_text:
            leaks.append(f"marker {marker!r} present")
    for kind in _REGION:
        secret, public = set(), []
        for cell in source_nb.cells:
            inside, outside = _regions(cell.source, kind)
            secret.update(inside)
            public.extend(outside)
        public_text = "\n".join(public)  # a secret line that is part of a public one is no leak
        for line in sorted(secret):
            if (
                len(line) >= _MIN_LEAK_LENGTH
                and not line.startswith("#")
                and line not in public_text
                and line in release_text
            ):
                leaks.append(f"{kind} line {line!r}")
    return leaks


def check_metadata(nb, assignment: Assignment) -> list[str]:
    problems = []
    ids = [notebooks.grade_id(c) for c in nb.cells if notebooks.grade_id(c)]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        problems.append(f"grade_ids used more than once: {duplicates}")
    try:
        exercises = notebooks.exercises(nb)
    except ValueError as exc:
        return [*problems, str(exc)]
    for name, ex in exercises.items():
        # a function (snake_case) or a class (CamelCase, e.g. EarlyStopping in 06)
        if not re.fullmatch(r"[a-z_][a-z0-9_]*|[A-Z][A-Za-z0-9]*", name):
            problems.append(
                f"solution cell {name!r} must be named after the function or class it defines"
            )
        if not re.search(rf"^(def {name}\(|class {name}\b)", ex.solution.source, flags=re.M):
            problems.append(f"solution cell {name!r} does not define {name}")
        if not ex.tests:
            problems.append(f"exercise {name!r} has no test cells")
        for cell in ex.tests:
            meta = notebooks.nbgrader_meta(cell)
            if not meta.get("points"):
                problems.append(f"test cell {meta['grade_id']!r} has no points")
            if not meta.get("locked"):
                problems.append(f"test cell {meta['grade_id']!r} is not locked")
            if _ends_with_value(cell.source):
                problems.append(
                    f"test cell {meta['grade_id']!r} ends with an expression: nbgrader would read its "
                    "value as a partial score; assign it (`_ = ...`) or end with a check"
                )
            if not cell.source.lstrip().startswith('"""Check'):
                problems.append(
                    f'test cell {meta["grade_id"]!r} must start with a """Check that ...""" docstring'
                )
    total = sum(ex.points for ex in exercises.values())
    if total != assignment.points:
        problems.append(
            f"test cells add up to {total:g} points; course/config.py says {assignment.points}"
        )
    return problems


# checks that return None: ending a test cell with one of these produces no output
_SILENT_CHECKS = {
    "check_close",
    "check_equal",
    "check_shape",
    "check_true",
    "check_finite",
    "check_derivative",
    "check_gradient",
}


def _ends_with_value(source: str) -> bool:
    """True if the cell's last statement is an expression that may display a value."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return False
    if not body or not isinstance(body[-1], ast.Expr):
        return False
    value = body[-1].value
    if isinstance(value, ast.Constant):  # a lone docstring
        return False
    if isinstance(value, ast.Call):
        func = value.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return name not in _SILENT_CHECKS and name != "print"
    return True


def _names(source: str) -> tuple[set[str], set[str]]:
    """(module-level names a cell binds, names it reads without binding them itself)."""
    tree = notebooks.parse_cell(source)
    bound, loads = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loads if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    top = set()  # what stays in the notebook's namespace (imports are harmless re-imports)
    scopes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.ListComp)
    scopes += (ast.SetComp, ast.DictComp, ast.GeneratorExp)
    for stmt in tree.body:
        if isinstance(stmt, ast.Import | ast.ImportFrom):
            continue
        stack = [stmt]
        while stack:
            node = stack.pop()
            if isinstance(node, scopes):
                if hasattr(node, "name"):
                    top.add(node.name)
                continue
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                top.add(node.id)
            stack.extend(ast.iter_child_nodes(node))
    return top, loads - bound


def _is_name(node) -> bool:
    return isinstance(node, ast.Name)


def _restored(source: str) -> set[str]:
    """Names a cell puts back as it found them: ``saved = X`` ... ``X = saved`` (a test that
    swaps dlkit's reference in for a student's function and restores it in ``finally``)."""
    pairs = set()
    for node in ast.walk(notebooks.parse_cell(source)):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        target, value = node.targets[0], node.value
        if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple):
            items = zip(target.elts, value.elts, strict=False)  # a, b = X, [] saves X in a
        else:
            items = [(target, value)]
        for t, v in items:
            if isinstance(t, ast.Name) and isinstance(v, ast.Name):
                pairs.add((t.id, v.id))
            elif isinstance(t, ast.Name) and isinstance(v, ast.Tuple):  # saved = X, Y
                pairs |= {(f"{t.id}#{k}", e.id) for k, e in enumerate(v.elts) if _is_name(e)}
            elif isinstance(t, ast.Tuple) and isinstance(v, ast.Name):  # X, Y = saved
                pairs |= {(e.id, f"{v.id}#{k}") for k, e in enumerate(t.elts) if _is_name(e)}
    return {name for name, saved in pairs if (saved, name) in pairs}


def check_namespace(nb) -> list[str]:
    """Cells that read a variable a test cell set last.

    Test cells run in the notebook's namespace: a test that reassigns ``X`` changes what
    a later cell plots, and in the student version hidden test cells are gone, so such a
    cell would see another value there (or none). Give test variables their own names.
    A test that saves ``X`` and puts it back (``saved = X`` ... ``X = saved``) leaves it as
    it found it.
    """
    problems, last = [], {}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        meta = notebooks.nbgrader_meta(cell)
        is_test = bool(meta.get("grade")) and not meta.get("solution")
        bound, reads = _names(cell.source)
        if is_test:
            bound -= _restored(cell.source)
        if not is_test:
            problems += [
                f"cell {i} reads {name!r}, which test cell {last[name]!r} set last; "
                "rename the test's variable"
                for name in sorted(reads)
                if name in last
            ]
        for name in bound:
            if is_test:
                last[name] = notebooks.grade_id(cell) or str(i)
            else:
                last.pop(name, None)
    return problems


def instructor_links(nb, repository: str | None = None) -> list[str]:
    """Cells whose Colab badge or dlkit install line points at the instructor repository.

    Only a problem while a student repository is configured (``STUDENT_REPOSITORY``):
    then students must never be sent to the repository that holds the solutions.
    """
    repository = repository or config.GITHUB_REPOSITORY
    # the name followed by a path, ".git", "@ref" or the end: not a longer repository name
    pattern = re.compile(
        r"(colab\.research\.google\.com/github/|git\+https://github\.com/|github\.com/)"
        + re.escape(repository)
        + r"(?![\w-])"
    )
    problems = []
    for i, cell in enumerate(nb.cells):
        for line in cell.source.split("\n"):
            if not pattern.search(line):
                continue
            what = "installs dlkit from" if "pip install" in line else "links to"
            if line.startswith(notebooks.BADGE_PREFIX):
                what = "has a Colab badge pointing at"
            name = notebooks.grade_id(cell) or f"{cell.cell_type} cell {i}"
            problems.append(
                f"cell {i} ({name}) {what} the instructor repository {repository} while "
                f"the student repository is {config.STUDENT_REPOSITORY}: run `make build`"
            )
            break
    return problems


def _solution_skeleton(path: Path) -> list:
    nb = notebooks.read(path)
    return [(c.cell_type, c.source, c.metadata.get("nbgrader")) for c in nb.cells]


def check(
    assignments=ASSIGNMENTS, *, drift: bool = True, solutions: bool = True, log=print
) -> list[str]:
    """Return a list of problems (empty when all is well)."""
    problems: list[str] = []
    for a in assignments:
        source = a.path("source")
        if not source.exists():
            problems.append(f"{source} is missing")
            continue
        pending = sync_source(a, write=False)
        if pending:
            problems.append(
                f"source/{a.id}: {', '.join(pending)} not in sync or not clean; run `make build`"
            )
        nb = notebooks.read(source)
        problems += [f"source/{a.id}: {p}" for p in check_metadata(nb, a)]
        problems += [f"source/{a.id}: {p}" for p in check_namespace(nb)]
        release = a.path("release")
        if not release.exists():
            problems.append(f"release/{a.id} is missing; run `make build`")
        else:
            problems += [
                f"release/{a.id} leaks {leak}" for leak in find_leaks(nb, release.read_text())
            ]
        if config.STUDENT_REPOSITORY:
            for stage, path in (("source", source), ("release", release)):
                if path.exists():
                    problems += [
                        f"{stage}/{a.id}: {p}" for p in instructor_links(notebooks.read(path))
                    ]
    if sync_exercise_table(write=False):
        problems.append(
            "dlkit/_exercises.py differs from what `make build` writes; rebuild and commit"
        )
    if drift and not problems:
        with tempfile.TemporaryDirectory(prefix="dlfs-check-") as tmp:
            build(Path(tmp), assignments, solutions=solutions, sync=False, log=lambda *_: None)
            for a in assignments:
                fresh = Path(tmp) / "release" / a.id / a.notebook
                if fresh.read_bytes() != a.path("release").read_bytes():
                    problems.append(
                        f"release/{a.id} differs from what `make build` generates; rebuild and commit"
                    )
                extra = {p.name for p in a.path("release").parent.iterdir()} - {
                    p.name for p in fresh.parent.iterdir()
                }
                if extra:
                    problems.append(
                        f"release/{a.id} holds files build does not make: {sorted(extra)}"
                    )
                if solutions:
                    committed = a.path("solutions")
                    if not committed.exists() or _solution_skeleton(
                        committed
                    ) != _solution_skeleton(Path(tmp) / "solutions" / a.id / a.notebook):
                        problems.append(
                            f"solutions/{a.id} differs from what `make build` generates; rebuild and commit"
                        )
    for p in problems:
        log(f"problem: {p}")
    return problems
