"""The catalogues of plausible wrong answers (``tests/mutants/``), read as data.

``tests/mutants/<assignment>.py`` holds one function per student mistake, named
``<exercise>__<what_is_wrong>`` with a docstring saying which mistake it stands for;
``<exercise>__ok_<variant>`` are correct alternatives that must pass.
``tests/mutants/delegation/<assignment>.py`` holds, in the same format, answers named
``<exercise>__delegates_<how>`` that hand the work to dlkit. The tests prove each
mistake is caught (tests/test_mutants.py); ``python -m course demo`` hands one mistake
per exercise in as an example student's work, so the feedback and the class report
show real failure messages.
"""

from __future__ import annotations

import importlib.util
import inspect
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from .config import ROOT

MUTANT_DIR = ROOT / "tests" / "mutants"
DELEGATION_DIR = MUTANT_DIR / "delegation"


@dataclass
class Variant:
    exercise: str
    name: str
    doc: str
    source: str  # the answer, renamed to the exercise's own name
    correct: bool


def load_variants(assignment_id: str, directory: Path = MUTANT_DIR) -> list[Variant]:
    """The mutants (and correct alternatives) catalogued for an assignment in ``directory``
    (``DELEGATION_DIR`` for the answers that hand the work to dlkit)."""
    path = directory / f"{assignment_id}.py"
    if not path.exists() and directory != MUTANT_DIR:
        return []
    spec = importlib.util.spec_from_file_location(
        f"{directory.name}_{assignment_id}".replace("-", "_"), path
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # inspect.getsource(<class>) looks the module up there
    spec.loader.exec_module(module)
    variants = []
    for name, func in vars(module).items():
        if (
            not (inspect.isfunction(func) or inspect.isclass(func))
            or "__" not in name.strip("_")
            or func.__module__ != module.__name__
        ):
            continue
        exercise, variant = name.split("__", 1)
        source = inspect.getsource(func)
        # a function exercise or a class exercise (EarlyStopping in 06)
        source = re.sub(
            rf"^(def|class) {re.escape(name)}\b", rf"\1 {exercise}", source, count=1, flags=re.M
        )
        variants.append(
            Variant(
                exercise, variant, inspect.getdoc(func) or "", source, variant.startswith("ok_")
            )
        )
    return variants


def first_mistakes(assignment_id: str) -> dict[str, str]:
    """{exercise: source of its first catalogued mistake}, for every exercise that has one."""
    if not (MUTANT_DIR / f"{assignment_id}.py").exists():
        return {}
    found: dict[str, str] = {}
    for v in load_variants(assignment_id):
        if not v.correct:
            found.setdefault(v.exercise, v.source)
    return found
