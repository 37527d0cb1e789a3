"""Put a submission's nbgrader metadata back in order before nbgrader sees it.

nbgrader refuses a whole submission (no grade at all) when a graded cell is duplicated,
its grade_id renamed or its flags edited, and silently misgrades a solution cell
whose metadata was stripped (Colab and other editors drop or copy it freely).
``repair`` matches the submission's cells to the released ones and

- resets the metadata of every known cell to the released metadata;
- keeps the first cell of each grade_id; later copies become ordinary cells (they
  still run, in order, as the student ran them);
- gives a cell with unknown or missing metadata back the grade_id it must have had:
  a test cell whose source equals a released one, or an answer cell that defines the
  function of an exercise whose answer cell is missing;
- strips the nbgrader metadata of any other unknown cell.

Each repair is described in the returned notes, so the grade stays tamper-evident.
"""

from __future__ import annotations

import copy
import re

from . import notebooks


def _defines(source: str) -> set[str]:
    return set(re.findall(r"^def\s+([A-Za-z_]\w*)\s*\(", source, flags=re.M))


def repair(nb, release) -> list[str]:
    """Fix ``nb`` in place against the released notebook ``release``; return notes."""
    released = {
        notebooks.grade_id(c): c
        for c in release.cells
        if notebooks.nbgrader_meta(c).get("grade_id")
    }
    by_source = {
        c.source.strip(): gid
        for gid, c in released.items()
        if not notebooks.nbgrader_meta(c).get("solution")
    }
    seen: set[str] = set()
    counts = {"reset": 0, "duplicate": 0, "renamed": 0, "restored": 0, "stripped": 0}
    unmatched = []
    for cell in nb.cells:
        meta = notebooks.nbgrader_meta(cell)
        gid = meta.get("grade_id") if meta else None
        if gid in released and gid not in seen:
            seen.add(gid)
            want = released[gid]
            if (
                dict(meta) != dict(notebooks.nbgrader_meta(want))
                or cell.cell_type != want.cell_type
            ):
                counts["reset"] += 1
            _adopt(cell, want)
        elif gid in released:
            cell.metadata.pop("nbgrader", None)
            counts["duplicate"] += 1
        else:
            unmatched.append(cell)
    for cell in unmatched:
        had_meta = bool(notebooks.nbgrader_meta(cell))
        gid = by_source.get(cell.source.strip())
        if gid is None and cell.cell_type == "code":
            missing = [
                g
                for g in released
                if g not in seen and notebooks.nbgrader_meta(released[g]).get("solution")
            ]
            gid = next((g for g in missing if g in _defines(cell.source)), None)
        if gid is not None and gid not in seen:
            seen.add(gid)
            _adopt(cell, released[gid])
            counts["renamed" if had_meta else "restored"] += 1
        elif had_meta:
            cell.metadata.pop("nbgrader", None)
            counts["stripped"] += 1
    notes = []
    for key, text in (
        ("reset", "cell metadata edited, reset"),
        ("duplicate", "duplicated graded cell(s) ungraded"),
        ("renamed", "renamed cell(s) matched back"),
        ("restored", "cell(s) without metadata matched back"),
        ("stripped", "unknown graded cell(s) ungraded"),
    ):
        if counts[key]:
            notes.append(f"{counts[key]} {text}")
    return notes


def _adopt(cell, released_cell) -> None:
    cell.metadata["nbgrader"] = copy.deepcopy(notebooks.nbgrader_meta(released_cell))
    if cell.cell_type != released_cell.cell_type:
        cell.cell_type = released_cell.cell_type
        if cell.cell_type == "code":
            cell.setdefault("outputs", [])
            cell.setdefault("execution_count", None)
        else:
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
