"""The course pipeline: generated files match source/, nothing leaks, metadata adds up."""

import copy
import re
import subprocess
import sys
import zipfile

import nbformat
import pytest
import tomllib

from course import check, config, notebooks
from course.build import clean
from course.grade import collect, tampering
from course.preprocessors import LimitOutputBytes

ROOT = config.ROOT


@pytest.mark.slow
@pytest.mark.xdist_group("build")
def test_release_and_solutions_are_what_build_generates():
    """`python -m course check`: clean sources, templates, metadata, leaks, then drift."""
    problems = check.check(log=lambda *_: None)
    assert not problems, "\n".join(problems)


def test_release_is_tracked_completely():
    """The drift check compares files; also no stray untracked file may hide in release/."""
    out = subprocess.run(
        ["git", "status", "--porcelain", "--", "release", "solutions"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout
    untracked = [line for line in out.splitlines() if line.startswith("??")]
    assert not untracked, f"generated but not committed: {untracked}"


@pytest.mark.parametrize("a", config.ASSIGNMENTS, ids=lambda a: a.id)
def test_source_is_clean_and_metadata_adds_up(a):
    nb = notebooks.read(a.path("source"))
    assert clean(copy.deepcopy(nb)) == []
    assert notebooks.render_templates(copy.deepcopy(nb), a) == []
    assert check.check_metadata(nb, a) == []
    assert check.find_leaks(nb, a.path("release").read_text()) == []


def test_readme_states_the_points():
    readme = (ROOT / "README.md").read_text()
    for a in config.ASSIGNMENTS:
        row = next(line for line in readme.splitlines() if f"`{a.id}`" in line)
        assert re.search(rf"\|\s*{a.points}\s*\|", row), (
            f"README row for {a.id} must state {a.points} points"
        )
        assert a.colab_url in row, (
            f"README badge for {a.id} must point at {a.colab_url} (course/config.py)"
        )
    total = sum(a.points for a in config.ASSIGNMENTS)
    assert f"{total} points" in readme


def _tiny_notebook():
    nb = nbformat.v4.new_notebook()
    meta = {"grade": False, "locked": False, "schema_version": 3, "solution": True, "task": False}
    nb.cells = [
        nbformat.v4.new_code_cell(
            "def f(x):\n    ### BEGIN SOLUTION\n    return x * 2 + secret_offset\n    ### END SOLUTION",
            metadata={"nbgrader": {**meta, "grade_id": "f"}},
        ),
        nbformat.v4.new_code_cell(
            '"""Check that f doubles."""\ncheck_close(f(1), 2)\n### BEGIN HIDDEN TESTS\ncheck_close(f(123456), 246912)\n### END HIDDEN TESTS',
            metadata={
                "nbgrader": {
                    **meta,
                    "solution": False,
                    "grade": True,
                    "locked": True,
                    "points": 2,
                    "grade_id": "f_values",
                }
            },
        ),
    ]
    return nb


def test_leak_detection_finds_solution_and_hidden_lines():
    nb = _tiny_notebook()
    assert check.find_leaks(nb, "def f(x):\n    raise NotImplementedError()") == []
    leaks = check.find_leaks(
        nb, "return x * 2 + secret_offset\ncheck_close(f(123456), 246912)\n### BEGIN SOLUTION"
    )
    assert any("solution line" in leak for leak in leaks)
    assert any("hidden line" in leak for leak in leaks)
    assert any("BEGIN SOLUTION" in leak for leak in leaks)


def test_metadata_problems_are_reported():
    a = config.Assignment("x", "x", 1, 5)
    nb = _tiny_notebook()
    assert check.check_metadata(nb, a) == ["test cells add up to 2 points; course/config.py says 5"]
    nb.cells.append(copy.deepcopy(nb.cells[1]))
    nb.cells[2].metadata.nbgrader["points"] = 0
    nb.cells[2].source = '"""Check that f returns."""\ncheck_no_warnings(f, 1)'
    problems = " | ".join(check.check_metadata(nb, a))
    assert "used more than once: ['f_values']" in problems
    assert "has no points" in problems
    assert "ends with an expression" in problems


def test_value_ending_test_cells_are_recognised():
    assert check._ends_with_value("x = 1\ncheck_not_delegating(f, g, args=(1,))")
    assert check._ends_with_value("f(1)")
    assert not check._ends_with_value("_ = check_not_delegating(f, g)")
    assert not check._ends_with_value("checks.check_close(f(1), 2)")
    assert not check._ends_with_value('"""Check that nothing."""')


def test_templates_come_from_config_only():
    a = config.ASSIGNMENTS[0]
    nb = notebooks.read(a.path("source"))
    setup = next(c for c in nb.cells if notebooks.grade_id(c) == "setup")
    assert config.INSTALL_URL in setup.source and config.COURSE_MARKER in setup.source
    assert notebooks.badge_line(a) in nb.cells[0].source
    broken = copy.deepcopy(nb)
    next(c for c in broken.cells if notebooks.grade_id(c) == "setup").source = "import dlkit"
    broken.cells[0].source = broken.cells[0].source.replace(
        config.PUBLIC_REPOSITORY, "someone/else"
    )
    assert notebooks.render_templates(broken, a) == ["badge", "setup cell"]
    assert notebooks.render_templates(broken, a) == []
    # the repositories are named in config.py and nowhere else in the tooling
    for path in (ROOT / "course").glob("*.py"):
        if path.name != "config.py":
            for repository in filter(None, (config.GITHUB_REPOSITORY, config.STUDENT_REPOSITORY)):
                assert repository not in path.read_text(), path


def test_collect_accepts_folders_and_zips(tmp_path):
    a = config.ASSIGNMENTS[0]
    src = tmp_path / "in"
    for rel in (
        f"alice/{a.notebook}",
        f"bob smith/deep/er/{a.notebook}",
        "carol/notes.ipynb",
        f"dave/.ipynb_checkpoints/{a.notebook}",
        f"top_level_{a.notebook}",
    ):
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text("{}")
    messages = []
    pairs = collect(src, tmp_path / "work", log=messages.append)
    assert pairs == [("alice", a.id), ("bob_smith", a.id)]
    assert any("not a notebook of this course" in m for m in messages)
    assert any("folder named after the student" in m for m in messages)
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(src / "alice" / a.notebook, f"alice/{a.notebook}")
    assert collect(archive, tmp_path / "work2") == [("alice", a.id)]
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("../../escape.ipynb", "{}")
    with pytest.raises(ValueError, match="outside the folder"):
        collect(evil, tmp_path / "work3")


def test_tampering_is_described(tmp_path):
    a = config.ASSIGNMENTS[0]
    nb = notebooks.read(a.path("release"))
    tests = [
        c
        for c in nb.cells
        if notebooks.nbgrader_meta(c).get("grade")
        and not notebooks.nbgrader_meta(c).get("solution")
    ]
    tests[0].source = "pass"
    nb.cells.remove(tests[1])
    notebooks.write(nb, tmp_path / "x.ipynb")
    assert tampering(tmp_path / "x.ipynb", a.path("release")) == [
        "1 test cell(s) edited, originals graded",
        "1 test cell(s) deleted, put back and graded",
    ]


def test_limit_output_bytes():
    pp = LimitOutputBytes(max_bytes=10)
    cell = nbformat.v4.new_code_cell("print()")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="x" * 1000),
        nbformat.v4.new_output("execute_result", data={"text/plain": "y" * 50}, execution_count=1),
        nbformat.v4.new_output("stream", name="stdout", text="short"),
    ]
    cell, _ = pp.preprocess_cell(cell, {}, 0)
    assert (
        cell.outputs[0].text.startswith("x" * 10) and "990 more characters" in cell.outputs[0].text
    )
    assert "40 more characters" in cell.outputs[1].data["text/plain"]
    assert cell.outputs[2].text == "short"


def test_packaging():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert meta["name"] == config.DIST_NAME != "dlkit"  # PyPI's dlkit is another project
    for dep in meta["dependencies"]:
        assert "==" not in dep and "<" not in dep, f"no tight pins for Colab: {dep}"
    assert not any("ipywidgets>=8" in d for d in meta["dependencies"])
    env = (ROOT / "environment.yml").read_text()
    assert "python=3.11" in env and "-e .[dev]" in env


@pytest.mark.slow
def test_dlkit_installs_from_a_git_url(tmp_path):
    """What the setup cell does on Colab, with a local clone instead of GitHub (offline)."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    if not (clone / "dlkit" / "__init__.py").exists():
        pytest.skip("dlkit is not committed yet")
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            f"git+file://{clone}",
        ],
        check=True,
    )
    out = subprocess.run(
        [sys.executable, "-c", "import dlkit; print(dlkit.__course__, dlkit.__file__)"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(target)},
        capture_output=True,
        text=True,
        check=True,
    )
    marker, path = out.stdout.split()
    assert marker == config.COURSE_MARKER and path.startswith(str(target))


def test_check_namespace_flags_cells_that_read_a_test_variable():
    def code(src, test=None):
        cell = nbformat.v4.new_code_cell(src)
        if test:
            cell.metadata["nbgrader"] = {
                "grade": True, "grade_id": test, "locked": True, "points": 1,
                "schema_version": 3, "solution": False, "task": False,
            }  # fmt: skip
        return cell

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        code("y_pred = model(X)"),
        code("from dlkit import checks\ny_pred = np.zeros(3)\nfor k in range(3): pass", "f_hidden"),
        code("plot(y_pred)\ndef g(k):\n    return k"),  # reads the test's y_pred; k is an argument
        code("checks.check_true(True, 'ok')"),  # a re-import in a test cell is harmless
        code("y_pred = 1\nprint(y_pred)"),  # binds its own
    ]
    problems = check.check_namespace(nb)
    assert problems == [
        "cell 2 reads 'y_pred', which test cell 'f_hidden' set last; rename the test's variable"
    ]
    # the loop variable k of the test cell is also left behind, but nothing reads it
    # a test that swaps a function and puts it back (saved = f ... f = saved) leaves f as it was
    nb.cells = [
        code("def f(x):\n    return x"),
        code(
            "yours_t, calls_t = f, []\nf = ref\ntry:\n    run(f)\nfinally:\n    f = yours_t",
            "g_test",
        ),
        code("pair_t = f, h\nf = ref\ntry:\n    run(f)\nfinally:\n    f, h = pair_t", "k_test"),
        code("show(f)"),
        code("saved_t = f\nf = ref", "h_test"),  # not put back
        code("show(f)"),
    ]
    assert check.check_namespace(nb) == [
        "cell 5 reads 'f', which test cell 'h_test' set last; rename the test's variable"
    ]
    for a in config.ASSIGNMENTS:
        assert check.check_namespace(notebooks.read(a.path("source"))) == [], a.id


def test_build_joins_printed_text_and_empties_volatile_cells(tmp_path):
    """Text a cell prints arrives in as many pieces as the kernel flushed: the build
    stores it as one output per stream, so that a rebuild gives the same notebook."""
    from course.build import VOLATILE_TAG, _stable_outputs

    out = nbformat.v4.new_output
    nb = nbformat.v4.new_notebook()
    split = nbformat.v4.new_code_cell("for i in range(3): print(i)")
    split.outputs = [
        out("stream", name="stdout", text="0\n"),
        out("stream", name="stdout", text="1\n2\n"),
        out("stream", name="stderr", text="careful\n"),
        out("stream", name="stdout", text="3\n"),
        out("execute_result", data={"text/plain": "4"}, execution_count=1),
        out("stream", name="stdout", text="5\n"),
        out("stream", name="stdout", text="6\n"),
    ]
    volatile = nbformat.v4.new_code_cell("time()", metadata={"tags": [VOLATILE_TAG]})
    volatile.outputs = [out("stream", name="stdout", text="0.1 s\n")]
    nb.cells = [split, volatile]
    path = tmp_path / "nb.ipynb"
    notebooks.write(nb, path)
    _stable_outputs(path)
    split, volatile = notebooks.read(path).cells
    assert [(o.output_type, o.get("name"), o.get("text")) for o in split.outputs] == [
        ("stream", "stdout", "0\n1\n2\n"),
        ("stream", "stderr", "careful\n"),
        ("stream", "stdout", "3\n"),
        ("execute_result", None, None),
        ("stream", "stdout", "5\n6\n"),
    ]
    assert volatile.outputs == []
