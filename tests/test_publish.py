"""``python -m course publish``: the student repository holds no answer that is not due.

Fast tests publish into a temporary folder and read it: what is there and what is not,
which dlkit functions an ``--upto`` leaves out (exactly the references of later
exercises, plus private helpers nothing else uses), the error they raise, the git
history, and the check that no notebook sends students to the instructor repository.
The slow tests run each release notebook on the fresh Colab-like runtime
(tests/fresh_runtime.py) with the dlkit published ``--upto`` that notebook (open: its own
references left out, their calls replayed) installed from the published tree: unsolved
(every cell outside the graded tests) and solved (its visible tests included). A notebook
that runs against the dlkit published with it also runs against every later one: that one
leaves out a subset of the references (those of later notebooks) and replays the same
recorded calls of this notebook. Another slow test runs, for each notebook, every answer of its mutant
catalogue through its visible tests against the dlkit published with it open: correct
variants pass, and no test fails for want of a left-out reference.
"""

from __future__ import annotations

import ast
import copy
import importlib
import json
import re
import subprocess
import sys
import warnings

import numpy as np
import pytest

from course import check, config, notebooks, publish
from course.config import ROOT
from course.grade import solved_release

IDS = [a.id for a in config.ASSIGNMENTS]
STUDENT_TOP = {"release", "dlkit", "README.md", "pyproject.toml", "environment.yml"}
STUDENT_TOP |= {"LICENSE", ".gitignore"}


@pytest.fixture(scope="module")
def published_all(tmp_path_factory):
    return publish.publish(tmp_path_factory.mktemp("student") / "all", log=lambda *_: None)


@pytest.fixture(scope="module")
def published_05(tmp_path_factory):
    dest = tmp_path_factory.mktemp("student") / "upto05"
    return publish.publish(dest, "05_optimizers", log=lambda *_: None)


# --- which dlkit objects answer which exercise ------------------------------------------------
def _resolve(name: str):
    parts = name.split(".")
    for cut in range(len(parts), 1, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(name)


def test_every_exercise_has_its_dlkit_reference_placed():
    """A new exercise must be findable: its delegation check names a dlkit reference
    (or EXTRA_REFERENCES adds one), or NO_REFERENCE says dlkit carries no answer."""
    assert publish.unplaced_exercises() == [], (
        "exercises without a dlkit reference for `publish --upto` to leave out: pass the "
        "reference to checks.check_not_delegating in a test cell, add it to "
        "EXTRA_REFERENCES in course/publish.py, or list the exercise in NO_REFERENCE"
    )
    refs = publish.exercise_references()
    exercises = {name for per in refs.values() for name in per}
    for name in publish.EXTRA_REFERENCES:
        assert name in exercises, f"EXTRA_REFERENCES: no exercise is called {name}"
    for name in publish.NO_REFERENCE:
        assert name in exercises, f"NO_REFERENCE: no exercise is called {name}"
        assert not refs_of(refs, name), f"{name} has a reference: drop it from NO_REFERENCE"
    for per in refs.values():
        for names in per.values():
            for name in names:
                assert callable(_resolve(name)), name


def refs_of(refs, exercise):
    return next(names for per in refs.values() for n, names in per.items() if n == exercise)


def test_needed_early_references_belong_to_the_notebook_or_a_later_one():
    owner = publish.owners()
    for name, (needed_by, why) in publish.NEEDED_EARLY.items():
        assert name in owner, f"NEEDED_EARLY: {name} answers no exercise"
        assert IDS.index(needed_by) <= owner[name], (name, needed_by, IDS[owner[name]])
        assert why


def test_instructor_readme_lists_what_stays_early():
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("### Two repositories") : readme.index("### Grading a class")]
    for name in publish.NEEDED_EARLY:
        if not name.split(".")[-1].startswith("_"):
            assert f"{name.split('.')[-1]}`" in section, f"README: say that {name} stays"
    assert "make publish" in section and "--upto" in section


# --- the published tree ---------------------------------------------------------------------
def _text_files(root):
    return [p for p in root.rglob("*") if p.is_file() and ".git" not in p.parts]


def test_published_tree_holds_only_what_students_need(published_all):
    dest = published_all.dest
    assert {p.name for p in dest.iterdir()} == STUDENT_TOP
    assert sorted(p.name for p in (dest / "release").iterdir()) == IDS
    for a in config.ASSIGNMENTS:
        assert (dest / "release" / a.id / a.notebook).read_bytes() == a.path("release").read_bytes()
    shipped = {p.relative_to(dest / "dlkit") for p in (dest / "dlkit").rglob("*") if p.is_file()}
    here = {
        p.relative_to(ROOT / "dlkit")
        for p in (ROOT / "dlkit").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert shipped == here, "the published dlkit is this dlkit, data included"
    for path in _text_files(dest):
        rel = path.relative_to(dest).as_posix()
        assert not rel.startswith(("source/", "solutions/", "tests/", "course/", "bench/")), rel
        assert "mutants" not in rel and "gradebook" not in rel, rel
        if path.suffix in (".npz", ".gz"):
            continue
        text = path.read_text()
        for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
            assert marker not in text, f"{rel} holds {marker!r}"
        assert "__delegates_" not in text and "__ok_" not in text, f"{rel}: mutant catalogue"
        assert config.GITHUB_REPOSITORY not in text, f"{rel} names the instructor repository"


def test_published_notebooks_leak_no_solution_or_hidden_test(published_all):
    for a in config.ASSIGNMENTS:
        source = notebooks.read(a.path("source"))
        text = (published_all.dest / "release" / a.id / a.notebook).read_text()
        assert check.find_leaks(source, text) == [], a.id
        readme = (published_all.dest / "README.md").read_text()
        assert check.find_leaks(source, readme) == []


def test_student_readme_packaging_and_licence(published_all):
    dest = published_all.dest
    readme = (dest / "README.md").read_text()
    for a in config.ASSIGNMENTS:
        assert a.colab_url in readme, f"the README's badge for {a.id}"
    for topic in (
        "## On Colab",
        "## On your own machine",
        "## Checking your work",
        "## Submitting",
    ):
        assert topic in readme
    assert f"git clone https://github.com/{config.PUBLIC_REPOSITORY}.git" in readme
    ours = publish.tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    theirs = publish.tomllib.loads((dest / "pyproject.toml").read_text())
    assert theirs["project"]["name"] == config.DIST_NAME == ours["name"]
    assert theirs["project"]["dependencies"] == ours["dependencies"]
    assert theirs["project"]["optional-dependencies"] == {"lab": ["jupyterlab>=4"]}
    student_text = (dest / "pyproject.toml").read_text() + (dest / "environment.yml").read_text()
    for tool in ("nbgrader", "pytest", "ruff", "nbval", "playwright"):
        assert tool not in student_text, f"students do not need {tool}"
    assert ours["license"] == "MIT"
    licence = (dest / "LICENSE").read_text()
    assert licence.startswith("MIT License") and "WITHOUT WARRANTY" in licence


def test_the_published_dlkit_builds_and_installs(published_all, tmp_path):
    """The setup cell pip-installs the student repository: its pyproject must build dlkit."""
    from fresh_runtime import build_wheel

    wheel = build_wheel(tmp_path, published_all.dest)
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    assert "dlkit/datasets/digits.npz" in names and "dlkit/widgets/optimizer.py" in names


def test_publish_refuses_folders_it_did_not_write(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="notes.txt"):
        publish.publish(tmp_path, log=lambda *_: None)
    with pytest.raises(ValueError, match="outside this repository"):
        publish.publish(ROOT / "student", log=lambda *_: None)
    with pytest.raises(KeyError, match="unknown assignment"):
        publish.publish(tmp_path / "x", "99_nothing", log=lambda *_: None)


def test_git_makes_one_commit_per_publish(tmp_path):
    dest = tmp_path / "student"
    first = publish.publish(dest, "01_perceptron", git=True, log=lambda *_: None)
    second = publish.publish(dest, "02_forward_propagation", git=True, log=lambda *_: None)
    assert first.commit != second.commit

    def git(*args):
        return subprocess.run(
            ["git", *args], cwd=dest, capture_output=True, text=True, check=True
        ).stdout

    assert git("rev-list", "--count", "HEAD").strip() == "2"
    assert git("status", "--porcelain") == ""
    changed = git("diff", "--name-only", "HEAD~1", "HEAD").split()
    assert "release/02_forward_propagation/02_forward_propagation.ipynb" in changed
    assert "Publish the course: notebooks up to 02_forward_propagation" in git("log", "-1")


# --- --upto: exactly the later references are left out -----------------------------------
def _bodies(path) -> dict[str, str]:
    """Qualified name (within the module) -> source of every function and method."""
    text = path.read_text()
    out = {}
    for node in ast.parse(text).body:
        items = [(node.name, node)] if isinstance(node, ast.FunctionDef) else []
        if isinstance(node, ast.ClassDef):
            items = [
                (f"{node.name}.{m.name}", m) for m in node.body if isinstance(m, ast.FunctionDef)
            ]
        for name, fn in items:
            out[name] = ast.get_source_segment(text, fn)
    return out


def test_upto_leaves_out_exactly_the_references_of_later_exercises(published_05):
    dest = published_05.dest
    expected = publish.left_out("05_optimizers")
    # 05 is out but not due: its references are left out with those of 06 and later
    later = {
        n for aid in IDS[5:] for names in publish.exercise_references()[aid].values() for n in names
    }
    due = {
        n for aid in IDS[:5] for names in publish.exercise_references()[aid].values() for n in names
    }
    kept = {n for n, (by, _) in publish.NEEDED_EARLY.items() if IDS.index(by) <= 5}
    # a later exercise may name a due one's reference again (07 rebuilds 02-05's pieces): due wins
    assert set(expected) == {n for n in later - due if not publish._within(n, kept)}, (
        "the references of 05 and later, no other"
    )
    assert "dlkit.optim.adam_step" in expected and "dlkit.layers.mlp_backward" not in expected
    changed = set()
    for path in (ROOT / "dlkit").rglob("*.py"):
        rel = path.relative_to(ROOT / "dlkit")
        module = "dlkit." + rel.with_suffix("").as_posix().replace("/", ".")
        module = module.removesuffix(".__init__")
        before, after = _bodies(path), _bodies(dest / "dlkit" / rel)
        assert before.keys() == after.keys(), module
        for name in before:
            if before[name] != after[name]:
                changed.add(f"{module}.{name}")
                assert "return replay(" in after[name] or "yield from replay(" in after[name], (
                    f"{module}.{name}"
                )
    # everything changed is a left-out reference, a method of a left-out class, or a
    # private helper that only left-out code used (the twin behind a public name)
    classes = {n for n in expected if n.split(".")[-1][0].isupper()}
    for c in changed:
        assert (
            c in expected
            or any(c.startswith(cls + ".") for cls in classes)
            or c.split(".")[-1].startswith("_")
        ), f"{c} was left out but answers no later exercise"
    for name in expected:
        assert name in changed or any(c.startswith(name + ".") for c in changed), name
    # nothing of notebooks 00..04 changed
    assert not (changed & due)
    assert published_05.assignments == IDS[:6]
    assert sorted(p.name for p in (dest / "release").iterdir()) == IDS[:6]


def test_left_out_references_raise_a_clear_error(published_05):
    """In the published dlkit: every left-out reference raises Unreleased naming its notebook
    when called with inputs no published notebook uses, every module imports, and the
    references of due notebooks work."""
    probe = """
import importlib, inspect, json, sys
import numpy as np
out = {}
for name, assignment in json.loads(sys.argv[1]).items():
    parts = name.split(".")
    obj = importlib.import_module(".".join(parts[:2]))
    for attr in parts[2:]:
        obj = getattr(obj, attr)
    required = [
        p for p in inspect.signature(obj).parameters.values()
        if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    keywords = {
        p.name: np.ones((2, 2)) for p in inspect.signature(obj).parameters.values()
        if p.default is p.empty and p.kind == p.KEYWORD_ONLY
    }
    try:
        result = obj(*[np.ones((2, 2))] * len(required), **keywords)
        if inspect.isgenerator(result):
            list(result)
        out[name] = "ran"
    except Exception as exc:
        out[name] = f"{type(exc).__name__}: {exc}"
import pkgutil, dlkit
for m in pkgutil.walk_packages(dlkit.__path__, "dlkit."):
    importlib.import_module(m.name)
out["__file__"] = dlkit.__file__
out["sigmoid"] = float(dlkit.activations.sigmoid(0.0))
out["sigmoid_grad"] = float(dlkit.activations.sigmoid_grad(0.0))
out["released"] = [dlkit.released(dlkit.optim.adam_step), dlkit.released(dlkit.layers.mlp_backward),
    dlkit.released(dlkit.callbacks.EarlyStopping), dlkit.released(dlkit.optim.Optimizer)]
print(json.dumps(out))
"""
    dest = published_05.dest
    names = {n: a for n, a in publish.left_out("05_optimizers").items() if n.count(".") == 2}
    result = subprocess.run(
        [sys.executable, "-c", probe, json.dumps(names)],
        cwd=dest,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(dest), "PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg"},
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out.pop("__file__").startswith(str(dest))
    assert out.pop("sigmoid") == 0.5 and out.pop("sigmoid_grad") == 0.25
    # what the demos ask before falling back on a reference (the full dlkit has them all)
    assert out.pop("released") == [False, True, False, True]
    for name, assignment in names.items():
        assert out[name].startswith("Unreleased: " + name), out[name]
        assert f"available once notebook {assignment} is due" in out[name], out[name]


@pytest.mark.parametrize("upto", IDS)
def test_every_cut_off_strips_cleanly_and_imports(upto, tmp_path):
    """Each `--upto` finds every later reference where the map says and leaves a dlkit whose
    modules all import (a new exercise whose reference the stripper cannot place fails here)."""
    import shutil

    pkg = tmp_path / "dlkit"
    shutil.copytree(ROOT / "dlkit", pkg, ignore=shutil.ignore_patterns("__pycache__"))
    names = publish.left_out(upto)
    done = publish.strip(pkg, names)
    stripped = {n for per in done.values() for n in per}
    for name in names:
        assert name in stripped or any(s.startswith(name + ".") for s in stripped), name
    code = "import importlib, pkgutil, dlkit\nfor m in pkgutil.walk_packages(dlkit.__path__, 'dlkit.'):\n    importlib.import_module(m.name)\nprint(dlkit.__file__)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith(str(pkg))


def test_strip_keeps_the_rest_of_a_module_byte_for_byte(tmp_path):
    pkg = tmp_path / "dlkit"
    pkg.mkdir()
    (pkg / "m.py").write_text(
        'def keep(x):\n    """Kept."""\n    return x\n\n\n'
        "def _twin(x):\n    return x * 2  # the arithmetic\n\n\n"
        'def answer(x):\n    """Doubles.\n\n    More.\n    """\n    # the answer\n    return _twin(x)\n\n\n'
        "class Obj:\n    k = 1\n\n    def run(self):\n        return _twin(self.k)\n"
    )
    done = publish.strip(pkg, {"dlkit.m.answer": "09_x", "dlkit.m.Obj": "09_x"})
    text = (pkg / "m.py").read_text()
    assert text.startswith('def keep(x):\n    """Kept."""\n    return x\n')
    assert "x * 2" not in text and "the answer" not in text and "More." not in text
    assert '    """Doubles."""' in text and "    k = 1" in text
    assert done == {"dlkit.m": ["dlkit.m.Obj.run", "dlkit.m._twin", "dlkit.m.answer"]}
    ast.parse(text)


# --- the calls the published notebooks make are replayed --------------------------------------
TOY = """\
import numpy as np


def step(w, g, v, lr=0.1):
    v *= 0.9
    v += g
    w -= lr * v
    return w, v


def scaled(x, factor=2.0):
    return x * factor


def draw(x, rng):
    return x + rng.normal(size=x.shape)


def batches(n, rng):
    order = rng.permutation(n)
    for i in range(0, n, 2):
        yield order[i : i + 2]


class Counter:
    def __init__(self, start):
        self.count = start

    def add(self, k):
        self.count += k
        return self.count
"""


@pytest.fixture
def toy(tmp_path, monkeypatch):
    import numpy as np

    from course.record import Recorder

    (tmp_path / "toyref").mkdir()
    (tmp_path / "toyref" / "__init__.py").write_text("")
    (tmp_path / "toyref" / "m.py").write_text(TOY)
    monkeypatch.syspath_prepend(str(tmp_path))
    m = importlib.import_module("toyref.m")
    names = ["step", "scaled", "draw", "batches", "Counter"]
    recorder = Recorder({f"toyref.m.{n}": [0, True] for n in names})
    recorder.install()
    rng = np.random.default_rng(5)
    w, v = np.ones(3), np.zeros(3)
    real = {"step": m.step(w, np.arange(3.0), v), "w": w.copy(), "v": v.copy()}
    real["scaled"] = m.scaled(np.arange(4.0) / 3)
    real["draw"] = m.draw(np.zeros(2), rng)
    real["batches"] = [b.copy() for b in m.batches(5, rng)]
    real["after"] = rng.normal()
    counter = m.Counter(3)
    real["add"] = counter.add(4)
    yield recorder.calls, real
    for name in ("toyref.m", "toyref"):
        sys.modules.pop(name, None)


def _replay(calls, name, **arguments):
    from course import unreleased

    call = unreleased.find(calls[f"toyref.m.{name}"], arguments)
    if call is None:
        raise unreleased.Unreleased(f"toyref.m.{name}", "09_x")
    return unreleased.outcome(call, arguments)


def test_a_recorded_call_is_replayed_with_its_effects(toy):
    """The outcome of a recorded call comes back: what it returned, the arrays it updated in
    place, the random numbers it drew (the generator's state), an object's attributes."""
    import numpy as np

    calls, real = toy
    w, v = np.ones(3), np.zeros(3)
    returned = _replay(calls, "step", w=w, g=np.arange(3.0), v=v, lr=0.1)
    assert np.array_equal(w, real["w"]) and np.array_equal(v, real["v"])
    assert np.array_equal(returned[0], real["step"][0])
    rng = np.random.default_rng(5)
    assert np.array_equal(_replay(calls, "draw", x=np.zeros(2), rng=rng), real["draw"])
    items = _replay(calls, "batches", n=5, rng=rng)
    assert [list(b) for b in items] == [list(b) for b in real["batches"]]
    assert rng.normal() == real["after"], "the generator was advanced as the real call did"
    counter = object.__new__(importlib.import_module("toyref.m").Counter)
    _replay(calls, "Counter.__init__", self=counter, start=3)
    assert counter.count == 3
    assert _replay(calls, "Counter.add", self=counter, k=4) == real["add"] == counter.count


def test_a_replay_tolerates_rounding_but_not_other_inputs(toy):
    import numpy as np

    from course import unreleased

    calls, real = toy
    x = np.arange(4.0) / 3
    close = _replay(calls, "scaled", x=x * (1 + 1e-12), factor=2.0)
    assert np.array_equal(close, real["scaled"])
    with pytest.raises(unreleased.Unreleased, match="not due yet"):
        _replay(calls, "scaled", x=x + 1e-3, factor=2.0)
    with pytest.raises(unreleased.Unreleased, match="09_x is due"):
        _replay(calls, "scaled", x=x, factor=3.0)


def test_the_full_dlkit_carries_every_reference():
    import dlkit

    for names in publish.exercise_references().values():
        for refs in names.values():
            for name in refs:
                assert dlkit.released(_resolve(name)), name


def test_dlkit_knows_the_exercise_of_every_reference_a_demo_runs_yours_for():
    """dlkit/_exercises.py is what build writes from the notebooks, and it names the exercise
    (notebook, number) of every dlkit reference that a notebook's demo hands to
    dlkit.yours_or_reference, so that a demo running a stub says which exercise to finish."""
    from dlkit._exercises import EXERCISES

    assert publish.EXERCISE_TABLE.read_text() == publish.exercise_table_source(), (
        "dlkit/_exercises.py is stale: run `python -m course build` and commit it"
    )
    demos = set()
    for a in config.ASSIGNMENTS:
        for cell in notebooks.read(a.path("source")).cells:
            if cell.cell_type != "code" or "yours_or_reference" not in cell.source:
                continue
            for node in ast.walk(notebooks.parse_cell(cell.source)):
                if isinstance(node, ast.Call) and publish._callee(node) == "yours_or_reference":
                    demos.add((a.id, publish._dotted(node.args[1]) or ast.unparse(node.args[1])))
    assert len(demos) >= 15, demos  # 02, 03, 05, 06, 09 and 10
    for aid, name in demos:
        if name.startswith("getattr(dlkit.losses"):  # 03: mse, mae and huber by name
            assert all(EXERCISES[f"dlkit.losses.{n}"][0] == aid for n in ("mse", "mae", "huber"))
            continue
        assert name in EXERCISES and EXERCISES[name][0] == aid, (aid, name)
    # notebook 03's mean squared error is its Exercise 1
    assert EXERCISES["dlkit.losses.mse"] == ("03_losses", 1)


def test_stubs_keep_generators_generators(tmp_path):
    pkg = tmp_path / "dlkit"
    pkg.mkdir()
    (pkg / "g.py").write_text("def batches(n):\n    for i in range(n):\n        yield i\n")
    publish.strip(pkg, {"dlkit.g.batches": "05_x"})
    text = (pkg / "g.py").read_text()
    assert 'yield from replay("dlkit.g.batches", "05_x", arguments)' in text
    assert (pkg / "_unreleased.py").read_text() == (ROOT / "course" / "unreleased.py").read_text()


# --- badges and install lines point at the student repository -----------------------------
def test_badges_and_install_lines_point_at_the_student_repository():
    assert config.STUDENT_REPOSITORY, "this course is configured with a student repository"
    assert config.STUDENT_REPOSITORY in config.INSTALL_URL
    for a in config.ASSIGNMENTS:
        assert config.STUDENT_REPOSITORY in a.colab_url
        for stage in ("source", "release"):
            assert check.instructor_links(notebooks.read(a.path(stage))) == [], (stage, a.id)


def test_check_names_the_cell_that_points_at_the_instructor_repository(monkeypatch):
    a = config.ASSIGNMENTS[0]
    nb = notebooks.read(a.path("release"))
    bad = copy.deepcopy(nb)
    setup = next(i for i, c in enumerate(bad.cells) if notebooks.grade_id(c) == "setup")
    old, new = config.PUBLIC_REPOSITORY, config.GITHUB_REPOSITORY
    bad.cells[0].source = bad.cells[0].source.replace(old, new)
    bad.cells[setup].source = bad.cells[setup].source.replace(old, new)
    problems = check.instructor_links(bad)
    assert len(problems) == 2, problems
    assert problems[0].startswith("cell 0 (") and "Colab badge" in problems[0]
    assert problems[1].startswith(f"cell {setup} (setup) installs dlkit from the instructor")
    # a longer repository name that starts with the instructor's is not the instructor's
    assert check.instructor_links(nb, config.GITHUB_REPOSITORY.split("/")[0] + "/dlfs") == []
    # course check reports it with the notebook's name
    monkeypatch.setattr(
        notebooks,
        "read",
        lambda path, _real=notebooks.read: bad if path == a.path("release") else _real(path),
    )
    problems = check.check(assignments=[a], drift=False, log=lambda *_: None)
    assert any(p.startswith(f"release/{a.id}: cell 0") for p in problems), problems


# --- the notebooks run against the published dlkit (slow) ---------------------------------
@pytest.fixture(scope="session")
def colab_base():
    from fresh_runtime import base_venv, find_python

    python, note = find_python()
    if note:
        warnings.warn(note, stacklevel=1)
    return base_venv(python)


@pytest.mark.slow
@pytest.mark.parametrize("a", config.ASSIGNMENTS, ids=lambda a: a.id)
def test_notebook_runs_against_the_dlkit_published_with_it(a, colab_base, tmp_path):
    """`publish --upto <a>`, then notebook <a> on the Colab-like runtime with that dlkit
    installed from the published tree: unsolved (cells outside the graded tests, widgets
    live, their controls moved) and solved (visible tests included) must hit no left-out
    reference. For the last notebook, this is the full publish (nothing left out: the
    unsolved run shows that the published tree installs and runs)."""
    from fresh_runtime import build_wheel, run_notebook, widget_views

    dest = tmp_path / "student"
    publish.publish(dest, a.id, log=lambda *_: None)
    wheel = build_wheel(tmp_path / "wheel", dest)
    runs = [("release", notebooks.read(dest / "release" / a.id / a.notebook), False)]
    if publish.left_out(a.id):  # else this dlkit is the checkout's, whose solutions build runs
        runs.append(("solved", solved_release(a.id, "all"), True))
    for label, nb, tests in runs:
        run = run_notebook(a.id, colab_base, wheel, tmp_path / label, nb=nb, keep_tests=tests)
        assert run.after["file"].startswith(run.before["prefix"] + "/"), run.after["file"]
        problems = run.unexpected_errors()
        assert not problems, f"{label}:\n" + "\n\n".join(problems)
        # every widget a cell shows is live (a widget whose first drawing fails shows only
        # its text repr, and no error reaches the cell) and one of its controls redraws it
        views = widget_views(run)
        shown = [c.index for c in run.cells if c.error is None and _shows_a_widget(c.source)]
        assert set(shown) <= set(views), (
            f"{label}: no live widget in cells {set(shown) - set(views)}"
        )
        assert len(run.controls) == len(views), f"{label}: {run.controls}, views in {views}"
        # a control redraws each one, unless it was given stubs and says what to finish
        # (never once solved)
        assert all(m["redrawn_by"] or m["unfinished"] for m in run.controls), run.controls
        if tests:
            assert not any(m["unfinished"] for m in run.controls), f"{label}: {run.controls}"
            assert any(c.kind == "test" for c in run.cells)
        assert not re.search(r"Unreleased", json.dumps([c.outputs for c in run.cells])), label


def _shows_a_widget(source: str) -> bool:
    """Whether a cell ends with a call of ``dlkit.widgets.<explorer>(...)`` (shown live)."""
    body = notebooks.parse_cell(source).body
    last = body[-1] if body else None
    return (
        isinstance(last, ast.Expr)
        and isinstance(last.value, ast.Call)
        and (publish._dotted(last.value.func) or "").startswith("dlkit.widgets.")
    )


VARIANTS_PROBE = """
import json, sys
dest, root, assignment = sys.argv[1:]
sys.path.insert(0, dest)
import dlkit  # the published copy, before nbharness puts the checkout first

assert dlkit.__file__.startswith(dest), dlkit.__file__
sys.path.insert(1, root + "/tests")
from nbharness import NotebookRun, load_variants, stub_source
from course.grade import solved_release

run = NotebookRun(solved_release(assignment, "all"))
out = {"__solved__": {k: f"{type(e).__name__}: {e}" for k, e in run.run_all().items()}}
variants = [(v.exercise, v.name, v.source, v.correct) for v in load_variants(assignment)]
variants += [(name, "stub", stub_source(assignment, name), False) for name in run.exercises]
for exercise, name, source, correct in variants:
    errors = run.test_errors(exercise, source)
    out[f"{exercise}__{name}"] = {
        "correct": correct,
        "source": source,
        "errors": {k: f"{type(e).__name__}: {e}" for k, e in errors.items()},
    }
print(json.dumps(out))
"""


@pytest.mark.slow
@pytest.mark.parametrize("a", config.ASSIGNMENTS, ids=lambda a: a.id)
def test_the_open_notebooks_visible_tests_judge_every_variant(a, tmp_path):
    """With notebook <a> open (`publish --upto <a>`), its visible tests, run against the
    published dlkit, pass every correct variant of the mutant catalogue and fail a wrong
    answer or a stub with the check's message, never with a missing reference."""
    dest = tmp_path / "student"
    publish.publish(dest, a.id, log=lambda *_: None)
    result = subprocess.run(
        [sys.executable, "-c", VARIANTS_PROBE, str(dest), str(ROOT), a.id],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg", "DLKIT_NO_WIDGETS": "1"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.splitlines()[-1])
    assert out.pop("__solved__") == {}, "the solved release notebook fails"
    problems = []
    for variant, found in out.items():
        # an answer that calls a left-out reference itself is told so (use your own): fine
        own_call = "dlkit" in found["source"]
        for cell, error in found["errors"].items():
            missing = "Unreleased" in error or "left out of this copy" in error
            if (missing and not own_call) or (found["correct"] and not missing):
                problems.append(f"{variant} in {cell}: {error[:300]}")
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_a_wrong_answer_in_the_open_notebook_fails_its_visible_test(colab_base, tmp_path):
    """With 05 open, its visible tests compare answers with replayed references: a wrong
    adam_step fails them with the check's own message (not a missing reference), and the
    other exercises, solved, pass."""
    from fresh_runtime import build_wheel, run_notebook

    from course.mutants import load_variants

    publish.publish(tmp_path / "student", "05_optimizers", log=lambda *_: None)
    wheel = build_wheel(tmp_path / "wheel", tmp_path / "student")
    nb = solved_release("05_optimizers", "all")
    wrong = next(
        v for v in load_variants("05_optimizers") if v.exercise == "adam_step" and not v.correct
    )
    cell = next(c for c in nb.cells if notebooks.grade_id(c) == "adam_step")
    cell.source = wrong.source
    run = run_notebook("05_optimizers", colab_base, wheel, tmp_path / "run", nb=nb, keep_tests=True)
    failed = {
        notebooks.grade_id(nb.cells[c.index]): c.error
        for c in run.cells
        if c.error and c.kind == "test"
    }
    assert failed, "the wrong adam_step passed every visible test"
    assert all(name.startswith("adam_step") for name in failed), sorted(failed)
    for error in failed.values():
        assert error["ename"] == "AssertionError" and "Unreleased" not in error["evalue"], error


def _dense_backward_products() -> dict[str, str]:
    """Every function and method of dlkit whose own code (docstrings aside) computes a dense
    layer's backward products: ``X.T @ dZ`` / ``np.matmul(X.T, dZ)`` (dW) or ``dZ @ W.T`` (dX).
    Qualified name -> the line."""
    import ast

    found = {}
    for path in sorted((ROOT / "dlkit").rglob("*.py")):
        module = "dlkit." + ".".join(path.relative_to(ROOT / "dlkit").with_suffix("").parts)
        module = module.removesuffix(".__init__")
        tree = ast.parse(path.read_text())
        scopes = [(module, tree.body)]
        scopes += [(f"{module}.{c.name}", c.body) for c in tree.body if isinstance(c, ast.ClassDef)]
        for prefix, body in scopes:
            for node in body:
                if not isinstance(node, ast.FunctionDef):
                    continue
                code = node.body[1:] if ast.get_docstring(node) else node.body
                for line in ast.unparse(code).splitlines():
                    if re.search(
                        r"\.T @ d\w*|matmul\(\w+\.T, d\w*|\bd\w*(\[[^\]]*\])? @ [\w\[\]'\"]+\.T\b",
                        line,
                    ):
                        found[f"{prefix}.{node.name}"] = line.strip()
    return found


def test_a_dense_layers_backward_products_are_left_out_until_04_is_due():
    """04's dense_backward (dW = X.T @ dZ, db, dX = dZ @ W.T) is written out in the Dense
    layer's fit path and in 10's memory RNN and gradient norms too: every dlkit function
    that computes these products is left out while 04 is open (and before)."""
    products = _dense_backward_products()
    assert "dlkit.layers.Dense._param_grads_into" in products
    assert "dlkit.layers._dense_param_grads" in products
    for upto in ("03_losses", "04_backpropagation"):
        gone = set(publish.left_out(upto))
        kept = {n: line for n, line in products.items() if not publish._within(n, gone)}
        assert not kept, f"--upto {upto} keeps {kept}"
    assert "dlkit.layers.Dense._backward_fit" not in publish.left_out("05_optimizers")


def test_every_optimizer_kernel_is_left_out_with_the_rules_it_computes():
    """The update rules of 05 live in dlkit.optim's private kernels too (``_adam`` behind
    ``adam_step``, ``_adam_into`` behind the optimizer objects' fast path): any private
    function there that moves weights in place (``w -= ...``) is left out while 05 is not
    out, and while 05 is open too: its demos and widgets run the student's own rules
    (``step_fn=``), so no kernel stays early (NEEDED_EARLY)."""
    import ast

    tree = ast.parse((ROOT / "dlkit" / "optim.py").read_text())
    kernels = {
        f"dlkit.optim.{node.name}"
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and node.name.startswith("_")
        and "w -= " in ast.unparse(node)
    }
    assert {"dlkit.optim._adam", "dlkit.optim._adam_into"} <= kernels
    before = publish.left_out("04_backpropagation")
    assert kernels <= set(before), sorted(kernels - set(before))
    open_05 = publish.left_out("05_optimizers")
    assert kernels <= set(open_05), sorted(kernels - set(open_05))
    assert not any(name.startswith("dlkit.optim.") for name in publish.NEEDED_EARLY)


def _convolution_kernels() -> dict[str, str]:
    """Every function and method of dlkit whose own code does the arithmetic of 09's
    exercises: cuts strided windows out of an image (``X[..., u : u + stride * n : stride]``,
    the heart of im2col, col2im and pooling) or multiplies by a bank of filters flattened
    to a matrix (``W.reshape(F, -1)`` on one side of an ``@``). Name -> which of the two."""
    import ast

    def what(fn) -> str | None:
        for node in ast.walk(fn):
            if (
                isinstance(node, ast.Slice)
                and node.step is not None
                and node.upper is not None
                and any(
                    isinstance(m, ast.BinOp) and isinstance(m.op, ast.Mult)
                    for m in ast.walk(node.upper)
                )
            ):
                return "strided windows"
        for node in ast.walk(fn):
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
                for m in ast.walk(node):
                    if (
                        isinstance(m, ast.Call)
                        and getattr(m.func, "attr", None) == "reshape"
                        and len(m.args) == 2
                        and isinstance(m.args[1], ast.UnaryOp)
                    ):
                        return "a product with the filters flattened"
        return None

    found = {}
    for path in sorted((ROOT / "dlkit").rglob("*.py")):
        rel = path.relative_to(ROOT / "dlkit").with_suffix("").as_posix().replace("/", ".")
        module = ("dlkit." + rel).removesuffix(".__init__")
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef):
                items = [(node.name, node)]
            elif isinstance(node, ast.ClassDef):
                items = [
                    (f"{node.name}.{m.name}", m)
                    for m in node.body
                    if isinstance(m, ast.FunctionDef)
                ]
            else:
                items = []
            for name, fn in items:
                if kind := what(fn):
                    found[f"{module}.{name}"] = kind
    return found


def test_every_convolution_kernel_is_left_out_with_the_exercises_it_computes():
    """The convolution and pooling of 09 live in more places than its references: the
    channels-first twins that Conv2D runs with dlkit's functions (``_cols_t``, ``_col2im_t``,
    ``_conv_forward_t``, ``_conv_backward_t``), the public ``col2im`` (the scatter of
    ``conv2d_backward``) and the windows of max pooling. Any function or method of dlkit that
    does that arithmetic itself is left out while 09 is not out, and stays out while 09 is
    open (the CNN and the explorer run the student's functions). The layer objects only
    dispatch to the functions they are given, so they stay, for the notebook to pass its own."""
    kernels = _convolution_kernels()
    assert {
        "dlkit.conv.im2col",
        "dlkit.conv.col2im",
        "dlkit.conv._cols_t",
        "dlkit.conv._col2im_t",
        "dlkit.conv._pool_windows",
        "dlkit.conv.conv2d_forward",
    } <= set(kernels), sorted(kernels)
    for upto in ("08_heart_disease", "09_convolutions"):
        gone = publish.left_out(upto)
        kept = sorted(n for n in kernels if not publish._within(n, gone))
        assert not kept, f"--upto {upto} keeps {[(n, kernels[n]) for n in kept]}"
        assert not publish._within("dlkit.layers.Conv2D.forward", gone)
        assert not publish._within("dlkit.layers.MaxPool2D.forward", gone)
    assert not [n for n in publish.NEEDED_EARLY if n.startswith("dlkit.conv.")]


def test_adam_written_out_anywhere_is_left_out_until_05_is_due():
    """Adam's update (``beta2 * v``, the bias corrections) lives in dlkit.optim's kernels and,
    written out, in recurrent.train_memory_rnn (notebook 10's memory RNN): every dlkit
    function whose code (not its docstring) carries it is left out while 05 is not due."""
    carriers = set()
    for path in (ROOT / "dlkit").rglob("*.py"):
        module = "dlkit." + path.relative_to(ROOT / "dlkit").with_suffix("").as_posix().replace(
            "/", "."
        )
        for node in ast.parse(path.read_text()).body:
            if not isinstance(node, ast.FunctionDef):
                continue
            body = node.body[1:] if ast.get_docstring(node) else node.body
            if "beta2 *" in "\n".join(ast.unparse(b) for b in body):
                carriers.add(f"{module}.{node.name}")
    assert "dlkit.recurrent.train_memory_rnn" in carriers
    for upto in ("04_backpropagation", "05_optimizers"):
        missing = carriers - set(publish.left_out(upto)) - set(publish.NEEDED_EARLY)
        assert not missing, (upto, sorted(missing))
    assert not carriers & set(publish.left_out("06_improving_training"))


# --- notebook 10: no released code computes its answers ----------------------------------
def _student_10() -> str:
    """The student's functions of notebook 10: its solution cells, as the source holds them."""
    nb = notebooks.read(ROOT / "source" / "10_recurrent" / "10_recurrent.ipynb")
    exercises = notebooks.exercises(nb)
    names = ("embedding_forward", "embedding_backward", "rnn_step", "rnn_forward")
    names += ("rnn_backward", "clip_gradients")
    return "import numpy as np\n\n" + "\n\n".join(exercises[n].solution.source for n in names)


#: what each kept object of notebook 10 computes, with dlkit's defaults or the functions given
USES_10 = """
import numpy as np
from dlkit import layers, recurrent, widgets

def uses(pieces):
    emb = {k: pieces[k] for k in ("embedding_forward", "embedding_backward") if k in pieces}
    rnn = {k: pieces[k] for k in ("rnn_forward", "rnn_backward") if k in pieces}
    fwd = {k: pieces[k] for k in ("embedding_forward", "rnn_forward") if k in pieces}
    ids, y = recurrent.memory_task(64, T=5, rng=1)

    def layer_pair():
        embedding, cell = layers.Embedding(4, 3, rng=0, **emb), layers.SimpleRNN(5, rng=1, **rnn)
        out = cell(embedding(ids))
        embedding.backward(cell.backward(np.ones_like(out)))
        return [out, cell.grads["Wh"], embedding.grads["E"]]

    def trained():
        params, history = recurrent.train_memory_rnn(ids, y, hidden=5, emb=3, epochs=2, rng=0, **pieces)
        return [params["Wh"], history["grad_norm"], recurrent.memory_rnn_predict(params, ids, **fwd)]

    def explorer():  # never raises: a function it cannot run gets the "finish" panel
        w = widgets.GradientThroughTime(T=6, scale=3.0, max_norm=1.0, **rnn,
                                        clip_gradients=pieces.get("clip_gradients"))
        norms = w.norms()
        if w.unfinished:
            raise LookupError(f"finish panel for {w.unfinished}: {w.draw()}")
        return [norms["raw"], norms["clipped"]]

    return {
        "gradient_through_time": lambda: recurrent.gradient_through_time(T=6, rng=0, **rnn),
        "train_memory_rnn": trained,
        "layers": layer_pair,
        "explorer": explorer,
    }
"""

PROBE_10 = """
import json, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
exec(sys.argv[2])
student = {k: v for k, v in dict(globals()).items() if k in (
    "embedding_forward", "embedding_backward", "rnn_forward", "rnn_backward", "clip_gradients")}
exec(sys.argv[3])
import dlkit
assert dlkit.__file__.startswith(sys.argv[1]), dlkit.__file__
out = {}
for label, pieces in (("defaults", {}), ("student", student)):
    for name, run in uses(pieces).items():
        try:
            out[f"{label} {name}"] = [np.asarray(a, dtype=float).ravel().tolist() for a in run()]
        except Exception as exc:
            out[f"{label} {name}"] = f"{type(exc).__name__}: {exc}"[:200]
print(json.dumps(out))
"""


def _run_10(root, tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", PROBE_10, str(root), _student_10(), USES_10],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg", "DLKIT_NO_WIDGETS": "1"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.splitlines()[-1])


def test_no_released_code_carries_the_arithmetic_of_10(tmp_path):
    """While 10 is open its answers (the embedding lookup and gradient, the tanh RNN and its
    backpropagation through time, clipping by global norm) are left out, and nothing that
    stays computes them on its own: gradient_through_time (and its explorer), train_memory_rnn
    (its _memory_rnn_loss), memory_rnn_predict and the Embedding/SimpleRNN layers run the
    functions they are given, else dlkit.recurrent's. In a copy stripped `--upto 10` with no
    records, each of them raises Unreleased with dlkit's defaults and, given the student's
    functions, gives the numbers of the full dlkit. Statically: no function of
    dlkit/recurrent.py that stays, nor the layers, runs the cell (np.tanh), the embedding
    gradient (np.add.at) or builds tanh' (1 - h**2)."""
    import shutil

    names = publish.left_out("10_recurrent")
    for name in ("rnn_forward", "rnn_backward", "rnn_step", "embedding_forward"):
        assert f"dlkit.recurrent.{name}" in names, name
    for name in ("embedding_backward", "clip_gradients", "global_norm"):
        assert f"dlkit.recurrent.{name}" in names, name
    pkg = tmp_path / "copy" / "dlkit"
    shutil.copytree(ROOT / "dlkit", pkg, ignore=shutil.ignore_patterns("__pycache__"))
    stripped = {n for per in publish.strip(pkg, names).values() for n in per}
    # the static look, on what the copy keeps
    tree = ast.parse((pkg / "recurrent.py").read_text())
    layers_tree = ast.parse((pkg / "layers.py").read_text())
    kept = [
        (f"dlkit.recurrent.{node.name}", node)
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and f"dlkit.recurrent.{node.name}" not in stripped
    ]
    kept += [
        (f"dlkit.layers.{node.name}", node)
        for node in layers_tree.body
        if isinstance(node, ast.ClassDef) and node.name in ("Embedding", "SimpleRNN")
    ]
    assert {"dlkit.recurrent.gradient_through_time", "dlkit.recurrent._memory_rnn_loss"} <= {
        n for n, _ in kept
    }
    for name, node in kept:
        text = ast.unparse(node)
        for sign in ("np.tanh", "np.add.at", "** 2)", "**2)"):
            assert sign not in text, f"{name} computes an answer of 10 itself ({sign})"
    # what they do
    full, copy_ = _run_10(ROOT, tmp_path), _run_10(tmp_path / "copy", tmp_path)
    for key, value in copy_.items():
        label, use = key.split(" ", 1)
        if label == "defaults":
            raised = (
                "LookupError: finish panel" if use == "explorer" else "Unreleased: dlkit.recurrent."
            )
            assert isinstance(value, str) and value.startswith(raised), (
                f"{use} ran without the left-out references: it computes 10's answers itself"
            )
            assert isinstance(full[key], list), full[key]
        else:
            assert isinstance(value, list), f"{use}: {value}"
            for got, want in zip(value, full[f"defaults {use}"], strict=True):
                np.testing.assert_allclose(got, want, rtol=1e-7, atol=1e-12, err_msg=use)


@pytest.mark.parametrize("upto", ["05_optimizers", "06_improving_training"])
def test_the_open_notebooks_answers_are_all_left_out(upto):
    """05 and 06 keep nothing early (NEEDED_EARLY): their widgets and long demos run the
    student's own functions (05's update rules and mini-batches inside dlkit's optimizer
    objects, 06's dropout, L2 and early stopping inside dlkit's layers and a callback), so
    while either is open every object that answers one of its exercises is left out, unless
    a due notebook's exercise names it too."""
    refs = publish.exercise_references()
    due = {n for aid in IDS[: IDS.index(upto)] for names in refs[aid].values() for n in names}
    gone = publish.left_out(upto)
    kept = sorted(
        n
        for names in refs[upto].values()
        for n in names
        if n not in due and not publish._within(n, gone)
    )
    assert not kept, f"readable while {upto} is open: {kept}"
    assert not [n for n, (by, _) in publish.NEEDED_EARLY.items() if by == upto]
