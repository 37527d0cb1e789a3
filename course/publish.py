"""``python -m course publish DEST [--upto ASSIGNMENT] [--git]``: the student repository.

This repository (the instructor's) holds every solution and hidden test in ``source/``;
students get a separate one that holds only what they need:

    release/<id>/<id>.ipynb   the student notebooks (all of them, or those up to --upto)
    dlkit/                    the helper package with its data (pip-installable from there)
    README.md                 what to do on Colab and locally, how to check work, how to submit
    pyproject.toml            dlkit's runtime dependencies, plus jupyterlab as the "lab" extra
    environment.yml           the same for conda
    LICENSE                   the licence this repository declares (pyproject.toml)

Nothing from ``source/``, ``solutions/``, ``tests/``, ``course/``, ``bench/``, ``grading/``.

dlkit carries reference implementations (later notebooks build on earlier answers),
so a student who reads dlkit reads the answers. ``--upto ASSIGNMENT`` publishes the
notebooks up to ASSIGNMENT: those before it are due, ASSIGNMENT itself is open (out, not
yet due). The copied dlkit leaves out the references of the exercises of ASSIGNMENT and
every later notebook: their bodies (and every private helper that only they used) are
replaced by a replay of the calls that the published notebooks make to them (their
visible tests and demos, recorded by running each published notebook, solved, with the
full dlkit: course/record.py, course/unreleased.py); any other call raises an error
saying when they become available. Which dlkit object answers which exercise is read from
the notebooks themselves (the references each test cell passes to
``checks.check_not_delegating``), completed by :data:`EXTRA_REFERENCES`;
:data:`NO_REFERENCE` lists the exercises whose answer dlkit does not carry, and
:data:`NEEDED_EARLY` the references that stay because a published notebook runs them in
a way records cannot answer (a widget's sliders, a training loop; see the README, "Two
repositories").
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from . import config, notebooks
from .config import ASSIGNMENTS, ROOT

try:
    import tomllib
except ImportError:  # Python 3.10
    from pip._vendor import tomli as tomllib

# --- which dlkit objects answer which exercise ---------------------------------------------
#: Exercises whose reference the delegation check does not name literally (a variable, a
#: second object carrying the same arithmetic). Exercise name -> dlkit qualified names.
EXTRA_REFERENCES: dict[str, tuple[str, ...]] = {
    # 03: the training engine's loss from labels (fit, softmax + cross-entropy) computes the
    # categorical cross-entropy of the true class's clipped probability
    "categorical_cross_entropy": ("dlkit.train._Objective.value_from_labels",),
    # 04: a dense layer's backward products written out elsewhere: the Dense layer's fit
    # path (dW and db into its own arrays, dX), the memory RNN's loss (its output layer's
    # gradients, and 03's cross-entropy: left out until 04, the later one, is due) and the
    # gradient norms through time (dL/dh = dL/da @ Wh.T)
    "dense_backward": (
        "dlkit.layers._dense_param_grads",
        "dlkit.layers.Dense._param_grads",
        "dlkit.layers.Dense._backward_fit",
        "dlkit.layers.Dense._param_grads_into",
        "dlkit.recurrent._memory_rnn_loss",
        "dlkit.recurrent.gradient_through_time",
    ),
    # 05: the in-place kernels behind each step and each optimizer object (Adam wraps _adam),
    # and their twins that write into work arrays (the objects' fast path, _<rule>_into)
    "gd_step": ("dlkit.optim._gd", "dlkit.optim._gd_into"),
    "momentum_step": (
        "dlkit.optim._ema_momentum",
        "dlkit.optim._classical_momentum",
        "dlkit.optim._ema_momentum_into",
        "dlkit.optim._classical_momentum_into",
    ),
    "adagrad_step": (
        "dlkit.optim._adagrad",
        "dlkit.optim._adagrad_into",
        "dlkit.optim._scaled_step_into",
    ),
    "rmsprop_step": (
        "dlkit.optim._rmsprop",
        "dlkit.optim._rmsprop_into",
        "dlkit.optim._scaled_step_into",
    ),
    "adam_step": (
        "dlkit.optim._adam",
        "dlkit.optim._adam_into",
        # notebook 10's memory RNN steps its weights with Adam written out (m, v, bias
        # correction): an answer of 05 while 05 is open; only notebook 10 runs it
        "dlkit.recurrent.train_memory_rnn",
    ),
    # 06: the class students write is dlkit's callback (the Dropout layer only calls the
    # functions it is given, or dlkit's: it carries no answer and stays)
    "EarlyStopping": ("dlkit.callbacks.EarlyStopping",),
    # 09: the channels-first kernels Conv2D runs with dlkit's functions (im2col, the forward
    # and backward passes in another layout), the public col2im (the scatter of
    # conv2d_backward) and the windows behind max pooling
    "im2col": ("dlkit.conv._cols_t",),
    "conv2d_forward": ("dlkit.conv._conv_forward_t",),
    "conv2d_backward": ("dlkit.conv.col2im", "dlkit.conv._col2im_t", "dlkit.conv._conv_backward_t"),
    "maxpool2d": ("dlkit.conv._pool_windows",),
    # 10: nothing more. The Embedding and SimpleRNN layers, train_memory_rnn (and its
    # _memory_rnn_loss), gradient_through_time and its explorer carry none of the arithmetic
    # of 10's exercises: they call the functions they are given (notebook 10 passes the
    # student's), else dlkit.recurrent's, which are left out with 10 (tested:
    # test_no_released_code_carries_the_arithmetic_of_10)
}

#: Exercises whose answer dlkit does not carry: nothing to leave out.
NO_REFERENCE: dict[str, str] = {
    "xor_params": "hand-set weights; dlkit has no XOR network",
    "output_and_loss": "a question answered with names, not code in dlkit",
    "worked_example_step": "one neuron per layer by hand; dlkit's passes are batched",
    "train_digits": "the student's own pieces trained together; dlkit carries no such recipe",
    "build_and_train_heart": "the student trains dlkit's Sequential on purpose (no reference)",
}

#: References that stay in the published dlkit once a notebook is out, because that notebook
#: runs them in a way that recorded calls cannot answer (course/record.py): a widget whose
#: controls call them with any value, a demo that trains a network for hundreds of steps or
#: sweeps a fine grid. Name -> (the notebook that runs it, what for); when that is the
#: notebook whose exercise the reference answers, its answer is readable while it is open.
#: Empty: every such widget and demo runs the student's own functions instead
#: (dlkit.yours_or_reference; README, "Widgets and long demos run the student's own
#: functions"). Publish stops with TooManyCalls, naming the notebook, where a new one does
#: not; this is the escape hatch while it is rewritten.
NEEDED_EARLY: dict[str, tuple[str, str]] = {}


def _dotted(node) -> str | None:
    """``dlkit.optim.adam_step`` for an attribute chain rooted at the name ``dlkit``."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and node.id == "dlkit" and parts:
        return ".".join(["dlkit", *reversed(parts)])
    return None


def delegation_references(nb) -> dict[str, list[str]]:
    """Exercise name -> the dlkit references its test cells pass to check_not_delegating."""
    found: dict[str, list[str]] = {}
    for name, exercise in notebooks.exercises(nb).items():
        refs = found.setdefault(name, [])
        for cell in exercise.tests:
            for node in ast.walk(notebooks.parse_cell(cell.source)):
                if not (isinstance(node, ast.Call) and _callee(node) == "check_not_delegating"):
                    continue
                tree = notebooks.parse_cell(cell.source)
                for arg in node.args[1:]:
                    for dotted in _expand(arg, tree):
                        if dotted not in refs:
                            refs.append(dotted)
    return found


def _expand(arg, tree) -> list[str]:
    """The dlkit names an argument stands for: ``dlkit.x.y``, or ``*refs`` where the cell
    assigns ``refs = (dlkit.x.y, ...)``."""
    if isinstance(arg, ast.Starred) and isinstance(arg.value, ast.Name):
        found = []
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == arg.value.id for t in node.targets)
                and isinstance(node.value, ast.Tuple | ast.List)
            ):
                found += [d for d in map(_dotted, node.value.elts) if d]
        return found
    dotted = _dotted(arg)
    return [dotted] if dotted else []


def _callee(call: ast.Call) -> str | None:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def exercise_references(assignments=ASSIGNMENTS) -> dict[str, dict[str, list[str]]]:
    """Assignment id -> exercise -> the dlkit objects that answer it (from the notebooks)."""
    out = {}
    for a in assignments:
        refs = delegation_references(notebooks.read(a.path("source")))
        for name, extra in EXTRA_REFERENCES.items():
            if name in refs:
                refs[name] += [e for e in extra if e not in refs[name]]
        out[a.id] = refs
    return out


_EXERCISE_HEADING = re.compile(r"^#+\s.*?\bExercise (\d+)\b", re.M)


def exercise_numbers(nb) -> dict[str, int]:
    """Exercise name -> N, from the last "## Exercise N: ..." heading above its answer cell."""
    numbers, last = {}, None
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for found in _EXERCISE_HEADING.finditer(cell.source):
                last = int(found.group(1))
        meta = notebooks.nbgrader_meta(cell)
        if meta.get("solution") and cell.cell_type == "code":
            if last is None:
                raise ValueError(f"{meta['grade_id']}: no 'Exercise N' heading above it")
            numbers[meta["grade_id"]] = last
    return numbers


def exercise_table(assignments=ASSIGNMENTS) -> dict[str, tuple[str, int]]:
    """dlkit's reference of an exercise (the function or class of the exercise's own name
    that its tests compare with) -> (notebook, N): the first notebook with an exercise of
    that name (``dlkit.layers.mlp_forward``: 02, not 07's capstone version)."""
    table: dict[str, tuple[str, int]] = {}
    for a in assignments:
        numbers = exercise_numbers(notebooks.read(a.path("source")))
        for exercise, names in exercise_references([a])[a.id].items():
            for name in names:
                parts = name.split(".")
                if len(parts) == 3 and parts[2] == exercise and name not in table:
                    table[name] = (a.id, numbers[exercise])
    return table


#: where ``python -m course build`` writes :func:`exercise_table` for dlkit to read
EXERCISE_TABLE = ROOT / "dlkit" / "_exercises.py"

_EXERCISE_TABLE_HEAD = '''\
"""Which exercise of the course each dlkit reference belongs to, for messages.

Written by ``python -m course build`` from the notebooks (course/publish.py,
``exercise_table``): do not edit. :func:`dlkit.yours_or_reference` names the exercise
when a demo runs a function of the student's that is not written yet.
"""

# qualified name -> (notebook, exercise number); the exercise has the function's name
EXERCISES = {
'''


def exercise_table_source(assignments=ASSIGNMENTS) -> str:
    """The text of dlkit/_exercises.py (formatted as ruff formats it)."""
    table = sorted(exercise_table(assignments).items(), key=lambda kv: (kv[1], kv[0]))
    rows = [f'    "{name}": ("{nb}", {n}),' for name, (nb, n) in table]
    return _EXERCISE_TABLE_HEAD + "\n".join(rows) + "\n}\n"


def unplaced_exercises(assignments=ASSIGNMENTS) -> list[str]:
    """Exercises with no dlkit reference found and no entry in NO_REFERENCE."""
    return [
        f"{aid}: {name}"
        for aid, refs in exercise_references(assignments).items()
        for name, names in refs.items()
        if not names and name not in NO_REFERENCE
    ]


def owners(assignments=ASSIGNMENTS) -> dict[str, int]:
    """dlkit qualified name -> index of the first notebook whose exercise it answers."""
    out: dict[str, int] = {}
    for i, refs in enumerate(exercise_references(assignments).values()):
        for names in refs.values():
            for name in names:
                out.setdefault(name, i)
    return out


def left_out(upto: str | None, assignments=ASSIGNMENTS) -> dict[str, str]:
    """dlkit qualified name -> the assignment it answers, for ``upto`` (out, not yet due)
    and every later assignment; the references of the notebooks before it are due."""
    if upto is None:
        return {}
    ids = [a.id for a in assignments]
    if upto not in ids:
        raise KeyError(f"unknown assignment {upto!r}; known: {', '.join(ids)}")
    cut = ids.index(upto)
    due = set()  # references of due notebooks win: one object may answer two exercises
    for refs in exercise_references(assignments[:cut]).values():
        for names in refs.values():
            due.update(names)
    out_now = set(ids[: cut + 1])
    due |= {name for name, (needed_by, _) in NEEDED_EARLY.items() if needed_by in out_now}
    out: dict[str, str] = {}
    for aid, refs in exercise_references(assignments[cut:]).items():
        for names in refs.values():
            for name in names:
                if not _within(name, due):
                    out.setdefault(name, aid)
    return out


def _within(name: str, names) -> bool:
    """``name`` is one of ``names`` or a method of a class among them."""
    return name in names or any(name.startswith(n + ".") for n in names)


# --- leaving references out of a copy of dlkit ---------------------------------------------
def _stub_body(node, indent: str, name: str, assignment: str) -> list[str]:
    """The replacement of a function body: its docstring's first line, then the replay of
    the calls the published notebooks make (course/unreleased.py), else the error."""
    lines = []
    doc = ast.get_docstring(node)
    if doc:
        summary = doc.strip().split("\n\n")[0].replace('"""', "'''").replace("\\", "\\\\")
        lines.append(f'{indent}"""{summary}"""')
    lines.append(
        f"{indent}arguments = dict(locals())  # this call's, before anything else is bound"
    )
    lines.append(f"{indent}from dlkit._unreleased import replay")
    lines.append("")
    verb = "yield from" if _is_generator(node) else "return"
    lines.append(f'{indent}{verb} replay("{name}", "{assignment}", arguments)')
    return lines


def _is_generator(fn) -> bool:
    """Whether a function's own body (not a nested function's) yields."""
    todo = list(fn.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Yield | ast.YieldFrom):
            return True
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            todo.extend(ast.iter_child_nodes(node))
    return False


def _functions(node, prefix: str):
    """(qualified name, FunctionDef) for ``node`` and, for a class, each of its methods."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        yield prefix, node
    elif isinstance(node, ast.ClassDef):
        for item in node.body:
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                yield f"{prefix}.{item.name}", item


def _replace_bodies(text: str, targets: list[tuple[str, ast.AST, str]]) -> str:
    """Replace the body of each (name, function node, assignment), keeping the rest byte for byte."""
    lines = text.split("\n")
    for name, node, assignment in sorted(targets, key=lambda t: -t[1].lineno):
        first, last = node.body[0].lineno, node.body[-1].end_lineno
        indent = re.match(r"\s*", lines[first - 1]).group(0)
        lines[first - 1 : last] = _stub_body(node, indent, name, assignment)
    return "\n".join(lines)


class StripError(ValueError):
    pass


def _module_file(pkg: Path, module: str) -> Path:
    path = pkg / (module.replace(".", "/") + ".py")
    if not path.exists():
        path = pkg / module.replace(".", "/") / "__init__.py"
    return path


def _resolve(pkg: Path, name: str) -> tuple[Path, str, list[str]]:
    """``dlkit.layers.Dropout.forward`` -> (dlkit/layers.py, "dlkit.layers", ["Dropout", "forward"])."""
    parts = name.split(".")
    for cut in range(len(parts) - 1, 1, -1):
        path = _module_file(pkg, ".".join(parts[1:cut]))
        if path.exists():
            return path, ".".join(parts[:cut]), parts[cut:]
    raise StripError(f"{name}: no module of dlkit holds it")


def strip(pkg: Path, names: dict[str, str]) -> dict[str, list[str]]:
    """Leave ``names`` (qualified name -> assignment) out of the dlkit copy at ``pkg``.

    Every function body named (every method, for a class) becomes an ``Unreleased``
    error; then every private module-level function that no code left in dlkit calls any
    more (the twin behind a public reference) is left out the same way, until none is.
    Returns module (``dlkit.optim``) -> the qualified names left out there.
    """
    plan: dict[Path, list[tuple[str, list[str], str]]] = {}
    for name, assignment in names.items():
        path, module, attrs = _resolve(pkg, name)
        plan.setdefault(path, []).append((module, attrs, assignment))
    done: dict[str, list[str]] = {}
    for path, items in plan.items():
        tree = ast.parse(path.read_text())
        top = {n.name: n for n in tree.body if hasattr(n, "name")}
        targets = []
        for module, attrs, assignment in items:
            node = top.get(attrs[0])
            if node is None:
                raise StripError(f"{module}.{attrs[0]}: not defined at the top of {path.name}")
            if len(attrs) == 2:
                node = next((m for m in node.body if getattr(m, "name", None) == attrs[1]), None)
                if node is None:
                    raise StripError(f"{module}.{'.'.join(attrs)}: no such method")
            for qual, fn in _functions(node, f"{module}.{'.'.join(attrs)}"):
                targets.append((qual, fn, assignment))
        path.write_text(_replace_bodies(path.read_text(), _dedupe(targets)))
        done[_module_name(pkg, path)] = sorted(t[0] for t in _dedupe(targets))
    shutil.copy2(Path(__file__).with_name("unreleased.py"), pkg / "_unreleased.py")
    _strip_orphans(pkg, names, done)
    return done


def _module_name(pkg: Path, path: Path) -> str:
    rel = path.relative_to(pkg).with_suffix("").as_posix().replace("/", ".")
    return "dlkit." + rel.removesuffix(".__init__")


def _dedupe(targets):
    seen, out = set(), []
    for t in targets:
        if t[0] not in seen:
            seen.add(t[0])
            out.append(t)
    return out


def _used_names(pkg: Path) -> dict[Path, set[str]]:
    """Per module: every name and attribute its code loads."""
    used = {}
    for path in pkg.rglob("*.py"):
        names = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Name):
                names.add(node.id)
            elif isinstance(node, ast.Attribute):
                names.add(node.attr)
            elif isinstance(node, ast.alias):
                names.add(node.name.split(".")[-1])
        used[path] = names
    return used


def _strip_orphans(pkg: Path, names: dict[str, str], done: dict[str, list[str]]) -> None:
    """Leave out private helpers that only left-out code used."""
    while True:
        used = _used_names(pkg)
        changed = False
        for path in list(used):
            module = _module_name(pkg, path)
            if module not in done:
                continue
            # a helper is left out until the notebook of the first reference it served is out
            assignment = min(a for n, a in names.items() if _resolve(pkg, n)[1] == module)
            tree = ast.parse(path.read_text())
            orphans = []
            for node in tree.body:
                if not isinstance(node, ast.FunctionDef) or not node.name.startswith("_"):
                    continue
                qual = f"{module}.{node.name}"
                if qual in done[module]:
                    continue
                elsewhere = any(node.name in u for p, u in used.items() if p != path)
                calls = sum(
                    1
                    for n in ast.walk(tree)
                    if isinstance(n, ast.Name) and n.id == node.name and isinstance(n.ctx, ast.Load)
                )
                if not elsewhere and calls == 0:
                    orphans.append((qual, node, assignment))
            if orphans:
                path.write_text(_replace_bodies(path.read_text(), orphans))
                done[module] = sorted(done[module] + [o[0] for o in orphans])
                changed = True
        if not changed:
            return


# --- the student repository -----------------------------------------------------------------
#: what the published tree may hold at its top
PUBLISHED_TOP = {
    "release",
    "dlkit",
    "README.md",
    "pyproject.toml",
    "environment.yml",
    "LICENSE",
    ".gitignore",
    ".git",
}

MIT_LICENSE = """\
MIT License

Copyright (c) {holder}

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""

LICENSES = {"MIT": MIT_LICENSE}

PYPROJECT = """\
# The course helpers (dlkit), installable from this repository:
#   pip install "{dist} @ git+{url}.git@{ref}"
# Locally: pip install -e ".[lab]" installs them with JupyterLab.
[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

[project]
name = "{dist}"
version = "{version}"
description = "{description}"
readme = "README.md"
license = "{license}"
requires-python = "{requires_python}"
dependencies = [
{dependencies}
]

[project.optional-dependencies]
lab = ["jupyterlab>=4"]

[tool.setuptools]
packages = {packages}
package-data = {package_data}
"""

ENVIRONMENT = """\
# conda env create -f environment.yml && conda activate dlfs && jupyter lab release/
name: dlfs
channels:
  - conda-forge
dependencies:
  - python=3.11
  - pip
  - pip:
      - -e .[lab]
"""

GITIGNORE = """\
.venv/
__pycache__/
.ipynb_checkpoints/
"""


def _toml_list(items) -> str:
    return "[" + ", ".join(f'"{i}"' for i in items) + "]"


def student_pyproject() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    p, setup = project["project"], project["tool"]["setuptools"]
    data = {"dlkit": ["_recorded.pkl.gz"], **setup["package-data"]}  # the replayed calls
    package_data = "{ " + ", ".join(f'"{k}" = {_toml_list(v)}' for k, v in data.items()) + " }"
    return PYPROJECT.format(
        dist=p["name"],
        url=config.PUBLIC_URL,
        ref=config.PUBLIC_REF,
        version=p["version"],
        description=p["description"],
        license=p["license"],
        requires_python=p["requires-python"],
        dependencies="\n".join(f'    "{d}",' for d in p["dependencies"]),
        packages=_toml_list(setup["packages"]),
        package_data=package_data,
    )


def declared_license() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"]


def _readme_rows(assignments) -> list[str]:
    """The notebook table's header and the rows of ``assignments``, from this README."""
    lines = (ROOT / "README.md").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| # | notebook"))
    rows = lines[start : start + 2]
    for a in assignments:
        row = next((line for line in lines[start:] if f"`{a.id}`" in line), None)
        if row is None:
            raise ValueError(f"README.md has no row for {a.id} in the notebook table")
        rows.append(row)
    return rows


STUDENT_README = """\
# Deep Learning Fundamentals, from scratch: the student notebooks

A course of Jupyter notebooks in which you build a neural network in NumPy alone: the
neuron and its activation functions, forward propagation, loss functions,
backpropagation, optimizers and regularisation, ending with a classifier trained with your
own pipeline. Every exercise is graded automatically, and its visible tests tell you what
was expected, what your code returned, by how much it differs and what the likely mistake
is. Everything runs offline on a laptop CPU, each notebook in seconds.

This is the **student repository**: the notebooks to fill in (`release/`) and the course
helpers they import (`dlkit/`). It holds no solutions and no hidden tests.{upto_note}

## Notebooks

{table}

## On Colab

Click a badge above, then run the cells from the top. Nothing to configure, no restart:

- Colab may warn that the notebook was not authored by Google: choose *Run anyway*.
- The first code cell installs the course helpers (`dlkit`) from this repository in about
  ten seconds and prints `dlkit <version> ready`. If it also prints `Note: you may need
  to restart the kernel`, ignore the note: the cell has already loaded `dlkit`.
- Your edits live in a temporary copy: *File → Save a copy in Drive* to keep them.
- After a disconnection the variables and `dlkit` are gone: *Runtime → Run all*.
- Colab does not lock the test cells: leave them as they are (grading uses the originals).

## On your own machine

```bash
git clone {url}.git
cd {name}
python3 -m venv .venv && .venv/bin/pip install -e ".[lab]"
.venv/bin/jupyter lab release/
```

(Conda instead: `conda env create -f environment.yml && conda activate dlfs && jupyter lab release/`.)

## Checking your work

Fill in each `# YOUR CODE HERE` (delete the `raise NotImplementedError()` below it), then
run the test cells under it. A passing test prints nothing; a failing one raises an
`AssertionError` whose message says what was expected, what your code returned (shapes
first), where and by how much it differs, and a hint about the likely mistake. For the full
Python traceback, run `dlkit.checks.verbose(True)` and run the cell again.

Hidden tests run when your notebook is graded: they try other inputs (other shapes, other
random data, extreme values), and each hidden test's description says what it checks. If
the visible tests pass because of a lucky example, the hidden ones will tell.

## Submitting

1. *Kernel → Restart Kernel and Run All Cells* (on Colab: *Runtime → Restart and run all*)
   and check that no cell shows an error.
2. Save the notebook and hand in the file itself, `<assignment>.ipynb` with its name
   unchanged (on Colab: *File → Download → Download .ipynb*), the way your instructor asks
   (your course's learning platform, or the Assignments tab of a JupyterHub).
3. Leave the test cells as they are: grading puts the original tests back anyway.

## Licence

{license} (see `LICENSE`).
"""


def student_readme(assignments, upto: str | None) -> str:
    note = ""
    if upto is not None:
        note = (
            f"\n\nThe notebooks up to `{upto}` are out; `{upto}` is the one you are working on.\n"
            "The `dlkit` here leaves out the reference implementations of its exercises and\n"
            "of those of later notebooks: they answer only the calls the notebooks make\n"
            "themselves (their demos and visible tests), and any other call raises an error\n"
            "saying when they become available."
        )
    return STUDENT_README.format(
        upto_note=note,
        table="\n".join(_readme_rows(assignments)),
        url=config.PUBLIC_URL,
        name=config.PUBLIC_REPOSITORY.split("/")[-1],
        license=declared_license(),
    )


@dataclass
class Published:
    dest: Path
    assignments: list[str]
    left_out: dict[str, list[str]]  # module -> qualified names left out
    replayed: dict[str, int] = field(default_factory=dict)  # name -> calls recorded
    commit: str | None = None


#: where publish keeps the recorded calls of each notebook (they depend on the notebook,
#: dlkit and the recorder only; recording a notebook takes as long as running it)
RECORD_CACHE = ROOT / "build" / "recordings"


def watched(k: int, assignments=ASSIGNMENTS) -> dict[str, list]:
    """What notebook ``k`` is recorded for: every reference first answered in notebook k or
    later (only those can be left out while it is published) -> [owner, shadows]; a call
    inside a call of one that is left out whenever it is needs no record of its own. The
    references that stay once notebook k is out (NEEDED_EARLY) are not recorded."""
    ids = [a.id for a in assignments]
    kept = {n for n, (needed_by, _) in NEEDED_EARLY.items() if ids.index(needed_by) <= k}
    return {
        name: [owner, not _within(name, NEEDED_EARLY)]
        for name, owner in owners(assignments).items()
        if owner >= k and not _within(name, kept)
    }


class TooManyCalls(ValueError):
    pass


def write_records(pkg: Path, shown, removed, assignments=ASSIGNMENTS, cache=RECORD_CACHE):
    """Record the calls that the published notebooks make to the left-out references and
    write them beside ``dlkit/_unreleased.py``; return name -> number of calls."""
    import gzip
    import pickle

    from .record import recorded
    from .unreleased import RECORDS

    stripped = {name for names in removed.values() for name in names}
    ids = [a.id for a in assignments]
    calls: dict[str, list] = {}
    for a in shown:
        found = recorded(a.id, watched(ids.index(a.id), assignments), cache)
        heavy = {n: count for n, count in found["overflow"].items() if n in stripped}
        if heavy:
            raise TooManyCalls(
                f"{a.id} calls {', '.join(f'{n} ({c} times)' for n, c in heavy.items())}: "
                "too often, or on too much data, to replay from records; let the notebook run "
                "the student's function instead, or keep the reference (NEEDED_EARLY in "
                "course/publish.py)"
            )
        for name, entries in found["calls"].items():
            if name not in stripped:
                continue
            mine = calls.setdefault(name, [])
            mine += [e for e in entries if all(e["exact"] != m["exact"] for m in mine)]
    with gzip.open(pkg / RECORDS, "wb") as handle:
        pickle.dump(calls, handle, protocol=4)
    return {name: len(entries) for name, entries in sorted(calls.items())}


def publish(
    dest: Path,
    upto: str | None = None,
    *,
    git: bool = False,
    assignments=ASSIGNMENTS,
    log=print,
    cache: Path | None = RECORD_CACHE,
) -> Published:
    """Write the student repository into ``dest`` (replacing what a former publish wrote)."""
    dest = Path(dest).resolve()
    if dest == ROOT or ROOT in dest.parents:
        raise ValueError(f"{dest}: publish outside this repository (e.g. ../student-repo)")
    ids = [a.id for a in assignments]
    if upto is not None and upto not in ids:
        raise KeyError(f"unknown assignment {upto!r}; known: {', '.join(ids)}")
    shown = assignments if upto is None else assignments[: ids.index(upto) + 1]
    dest.mkdir(parents=True, exist_ok=True)
    for child in dest.iterdir():  # a former publish: start clean, keep the git history
        if child.name == ".git":
            continue
        if child.name not in PUBLISHED_TOP:
            raise ValueError(
                f"{dest} holds {child.name}, which publish did not write: "
                "give an empty folder or a former publish"
            )
        shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    for a in shown:
        release = a.path("release")
        if not release.exists():
            raise FileNotFoundError(f"{release} is missing; run `make build` first")
        shutil.copytree(
            release.parent,
            dest / "release" / a.id,
            ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"),
        )
    shutil.copytree(
        ROOT / "dlkit",
        dest / "dlkit",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints"),
    )
    removed = strip(dest / "dlkit", left_out(upto, assignments)) if upto else {}
    replayed = write_records(dest / "dlkit", shown, removed, assignments, cache) if removed else {}
    (dest / "README.md").write_text(student_readme(shown, upto))
    (dest / "pyproject.toml").write_text(student_pyproject())
    (dest / "environment.yml").write_text(ENVIRONMENT)
    holder = "the authors of Deep Learning Fundamentals, from scratch"
    (dest / "LICENSE").write_text(LICENSES[declared_license()].format(holder=holder))
    (dest / ".gitignore").write_text(GITIGNORE)
    result = Published(dest, [a.id for a in shown], removed, replayed)
    n_left = sum(len(v) for v in removed.values())
    n_calls = sum(replayed.values())
    log(
        f"published {len(shown)} notebook(s) to {dest}"
        + (
            f"; dlkit leaves out {n_left} function(s) of {upto} and later notebooks and "
            f"replays {n_calls} call(s) the published notebooks make to them"
            if upto
            else ""
        )
    )
    if git:
        result.commit = _commit(dest, upto)
        log(f"committed {result.commit[:12]} in {dest}")
    return result


def _git(dest: Path, *args: str) -> str:
    env_args = ["-c", "user.name=course publish", "-c", "user.email=course@localhost"]
    out = subprocess.run(
        ["git", *env_args, *args], cwd=dest, capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed in {dest}:\n{out.stderr}")
    return out.stdout.strip()


def _commit(dest: Path, upto: str | None) -> str:
    if not (dest / ".git").exists():
        _git(dest, "init", "-q", "-b", config.PUBLIC_REF)
    _git(dest, "add", "-A")
    what = f"notebooks up to {upto}" if upto else "all notebooks"
    _git(dest, "commit", "-q", "--allow-empty", "-m", f"Publish the course: {what}")
    return _git(dest, "rev-parse", "HEAD")
