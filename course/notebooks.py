"""Reading nbgrader notebooks and rendering the parts that come from course/config.py.

The Colab badge (a line of the first markdown cell) and the setup cell (the code
cell with grade_id ``setup``) are rendered here from the configuration, so the
repository URL is written in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import config

BADGE_PREFIX = "[![Open In Colab]"
SETUP_ID = "setup"

SETUP_TEMPLATE = """\
# Setup: nothing to edit here. On Colab this installs the course helpers (dlkit).
import sys

try:
    import dlkit

    assert dlkit.__course__ == "{marker}"
except (ImportError, AssertionError, AttributeError):
    %pip install -q --no-deps "{install_url}"
    for _name in [m for m in sys.modules if m == "dlkit" or m.startswith("dlkit.")]:
        del sys.modules[_name]
    import dlkit

import matplotlib.pyplot as plt
import numpy as np

from dlkit import checks

rng = np.random.default_rng(0)  # one seeded generator for the whole notebook
print(f"dlkit {{dlkit.__version__}} ready")"""


def badge_line(assignment: config.Assignment) -> str:
    return (
        f"{BADGE_PREFIX}(https://colab.research.google.com/assets/colab-badge.svg)]"
        f"({assignment.colab_url})"
    )


def setup_source() -> str:
    return SETUP_TEMPLATE.format(marker=config.COURSE_MARKER, install_url=config.INSTALL_URL)


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def grade_id(cell) -> str | None:
    return nbgrader_meta(cell).get("grade_id")


def render_templates(nb, assignment: config.Assignment) -> list[str]:
    """Put the configured badge and setup cell into ``nb`` in place; return what changed."""
    changed = []
    first_md = next((c for c in nb.cells if c.cell_type == "markdown"), None)
    if first_md is None:
        raise ValueError(
            f"{assignment.id}: the notebook needs a first markdown cell with the title"
        )
    lines = first_md.source.split("\n")
    badge = badge_line(assignment)
    for i, line in enumerate(lines):
        if line.startswith(BADGE_PREFIX):
            if line != badge:
                lines[i] = badge
                changed.append("badge")
            break
    else:
        lines[1:1] = ["", badge]
        changed.append("badge")
    first_md.source = "\n".join(lines)
    setup = [c for c in nb.cells if grade_id(c) == SETUP_ID]
    if len(setup) != 1:
        raise ValueError(
            f"{assignment.id}: expected one cell with grade_id 'setup', found {len(setup)}"
        )
    if setup[0].source != setup_source():
        setup[0].source = setup_source()
        changed.append("setup cell")
    return changed


def parse_cell(source: str):
    """A code cell as a Python ``ast.Module``, IPython syntax (``%magic``, ``!cmd``) included;
    an empty module when it does not parse."""
    import ast

    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return ast.parse(TransformerManager().transform_cell(source))
    except SyntaxError:
        return ast.parse("")


def read(path: Path):
    return nbformat.read(str(path), as_version=4)


def write(nb, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))


@dataclass
class Exercise:
    """A graded exercise: one solution cell and the test cells named after it."""

    name: str
    solution: object
    tests: list = field(default_factory=list)

    @property
    def points(self) -> float:
        return sum(nbgrader_meta(c).get("points", 0) for c in self.tests)


#: Where ``exercises(nb, strict=False)`` files test cells that match no solution cell.
OTHER_TESTS = "other tests"


def exercises(nb, *, strict: bool = True) -> dict[str, Exercise]:
    """Map each solution cell's grade_id to its test cells (``<name>_<aspect>``).

    A test cell belongs to the exercise whose name is the longest prefix of its
    grade_id, so ``leaky_relu_values`` goes to ``leaky_relu``, not ``relu``. A test
    cell that matches no exercise is an error, unless ``strict=False`` (a submission
    whose answer cell was deleted): it then goes to :data:`OTHER_TESTS`, last.
    """
    found: dict[str, Exercise] = {}
    other: list = []
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("solution") and cell.cell_type == "code":
            found[meta["grade_id"]] = Exercise(meta["grade_id"], cell)
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade") and not meta.get("solution"):
            owners = [name for name in found if meta["grade_id"].startswith(name + "_")]
            if not owners:
                if strict:
                    raise ValueError(
                        f"test cell {meta['grade_id']!r} matches no exercise; name it "
                        "<exercise>_<aspect>"
                    )
                other.append(cell)
                continue
            found[max(owners, key=len)].tests.append(cell)
    if other:
        found[OTHER_TESTS] = Exercise(OTHER_TESTS, None, other)
    return found
