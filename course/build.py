"""``python -m course build``: source/ -> release/ (student notebooks) and solutions/.

1. Every source notebook gets the configured Colab badge and setup cell and loses
   any outputs, execution counts and widget state (source/ is stored clean).
2. nbgrader's ``generate_assignment`` writes the student version into release/.
3. nbgrader's ``generate_solution`` executes the source into solutions/, with
   outputs; widgets fall back to static figures there (``DLKIT_NO_WIDGETS=1``).
4. dlkit/_exercises.py is written from the notebooks: which exercise (notebook and
   number) each dlkit reference belongs to, for dlkit's messages (course/publish.py).

The gradebook used while building is a throwaway one: building never touches the
grading state under grading/.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from nbgrader.converters import GenerateAssignment, GenerateSolution

from . import nbg, notebooks
from .config import ASSIGNMENTS, ROOT, Assignment
from .publish import EXERCISE_TABLE, exercise_table_source


class BuildError(RuntimeError):
    pass


def clean(nb) -> list[str]:
    """Strip outputs, execution counts and widget state in place; return what changed."""
    changed = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            if cell.get("outputs"):
                cell.outputs = []
                changed.append("outputs")
            if cell.get("execution_count") is not None:
                cell.execution_count = None
                changed.append("execution counts")
        for key in ("execution", "collapsed", "scrolled"):
            if key in cell.metadata:
                del cell.metadata[key]
                changed.append(f"cell metadata {key}")
    if "widgets" in nb.metadata:
        del nb.metadata["widgets"]
        changed.append("widget state")
    return sorted(set(changed))


def sync_source(assignment: Assignment, write: bool = True) -> list[str]:
    """Render templates into and clean one source notebook; return what was (or would be) changed."""
    path = assignment.path("source")
    nb = notebooks.read(path)
    changed = notebooks.render_templates(nb, assignment) + clean(nb)
    if changed and write:
        notebooks.write(nb, path)
    return changed


def sync_exercise_table(write: bool = True) -> bool:
    """Write dlkit/_exercises.py from the notebooks of the whole course; return whether it
    was (or would be) changed."""
    text = exercise_table_source()
    if EXERCISE_TABLE.exists() and EXERCISE_TABLE.read_text() == text:
        return False
    if write:
        EXERCISE_TABLE.write_text(text)
    return True


def build(
    out: Path = ROOT,
    assignments=ASSIGNMENTS,
    *,
    solutions: bool = True,
    sync: bool = True,
    log=print,
) -> None:
    """Generate ``out/release`` (and ``out/solutions``) for ``assignments``."""
    out = Path(out)
    for a in assignments:
        if sync:
            changed = sync_source(a)
            if changed:
                log(f"source/{a.id}: updated {', '.join(changed)}")
    if sync and sync_exercise_table():
        log(f"{EXERCISE_TABLE.relative_to(ROOT)}: updated")
    with tempfile.TemporaryDirectory(prefix="dlfs-build-") as tmp:
        cfg = nbg.load_config(
            workdir=Path(tmp), release=out / "release", solutions=out / "solutions"
        )
        nbg.use_ipc(cfg, Path(tmp) / "k")
        for a in assignments:
            start = time.perf_counter()
            result = nbg.run(GenerateAssignment, cfg, a.id, force=True, create_assignment=True)
            _require(result, f"generate_assignment {a.id}")
            log(f"release/{a.id}/{a.notebook}: generated ({time.perf_counter() - start:.1f} s)")
            if solutions:
                start = time.perf_counter()
                with nbg.env(DLKIT_NO_WIDGETS="1"):
                    result = nbg.run(GenerateSolution, cfg, a.id, force=True)
                _require(result, f"generate_solution {a.id}")
                _check_executed(out / "solutions" / a.id / a.notebook)
                _stable_outputs(out / "solutions" / a.id / a.notebook)
                log(
                    f"solutions/{a.id}/{a.notebook}: executed ({time.perf_counter() - start:.1f} s)"
                )


def _require(result: dict, what: str) -> None:
    if not result["success"]:
        raise BuildError(f"{what} failed:\n{result.get('log', '')}\n{result.get('error', '')}")


VOLATILE_TAG = "volatile-output"


def _stable_outputs(path: Path) -> None:
    """Store cells tagged ``volatile-output`` (timings, say) without output, and each run
    of printed text as one output.

    A volatile cell's output changes on every run; keeping it would make every build a
    diff. Such cells should also be tagged ``nbval-ignore-output``. Text printed by one
    cell arrives in as many pieces as the kernel happened to flush (a progress bar, a
    loop of prints): joined, the same text gives the same notebook on every build.
    """
    nb = notebooks.read(path)
    changed = False
    for cell in nb.cells:
        if VOLATILE_TAG in cell.metadata.get("tags", []):
            changed |= bool(cell.get("outputs"))
            cell.outputs = []
        outputs = cell.get("outputs", [])
        joined = []
        for output in outputs:
            last = joined[-1] if joined else None
            if (
                last is not None
                and output.get("output_type") == last.get("output_type") == "stream"
                and output.get("name") == last.get("name")
            ):
                last["text"] += output["text"]
            else:
                joined.append(output)
        if len(joined) != len(outputs):
            cell.outputs = joined
            changed = True
    if changed:
        notebooks.write(nb, path)


def _check_executed(path: Path) -> None:
    """A solution notebook must run without a single error."""
    nb = notebooks.read(path)
    for i, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                name = notebooks.grade_id(cell) or f"cell {i}"
                raise BuildError(f"{path}: {name} raised {output['ename']}: {output['evalue']}")
