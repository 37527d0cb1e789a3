"""The references left out of a published dlkit, and the calls it still answers.

``python -m course publish --upto ASSIGNMENT`` copies this file into the student
repository as ``dlkit/_unreleased.py``: it must import nothing but NumPy and the standard
library. Every function left out of that copy of dlkit keeps its signature and its
docstring's first line; its body becomes ``return replay(name, assignment, locals())``.

The published notebooks themselves still call some left-out references: the visible tests
of an open notebook compare the student's answer with dlkit's reference on seeded inputs,
and a few demos and figures run them. Publishing runs every published notebook, solved,
with the full dlkit and records those calls (course/record.py): the arguments, what the
call returned, and what it changed in its arguments (arrays updated in place, a random
generator drawn from, an object's attributes). The copy ships these records, and
:func:`replay` answers a call whose arguments match a recorded one (to a relative 1e-6,
so another NumPy or BLAS does not matter) with the recorded outcome; any other call raises
:class:`Unreleased`. So the student repository holds the expected outcomes of the
notebooks' own examples (what a visible test prints when it fails), never the code that
computes them.
"""

from __future__ import annotations

import builtins
import copy
import gzip
import hashlib
import pickle
import types
from pathlib import Path

import numpy as np

RECORDS = "_recorded.pkl.gz"  # beside this module in the published dlkit
RTOL, ATOL = 1e-6, 1e-9


class Unreleased(NotImplementedError):
    """A reference left out of this copy of dlkit until its notebook is due."""

    def __init__(self, name: str, assignment: str):
        super().__init__(
            f"{name} is left out of this copy of dlkit: it answers an exercise of notebook "
            f"{assignment}, which is not due yet. This copy answers only the calls that the "
            "published notebooks make themselves (their demos and visible tests, on their own "
            "inputs), and this call is not one of them: use your own function instead (in a "
            "demo: finish the exercises above it). It is available once notebook "
            f"{assignment} is due (the course publishes it then)."
        )
        self.name = name
        self.assignment = assignment


# --- arguments as keys ---------------------------------------------------------------------
def canon(value, leaves: list, seen=None):
    """A hashable structure of ``value`` with every number (array or float) replaced by a
    placeholder and appended to ``leaves``; the exact key adds the leaves' bytes."""
    seen = set() if seen is None else seen
    if isinstance(value, np.ndarray | np.generic):
        array = np.asarray(value)
        if array.dtype == object:
            return ("objarray", array.shape, tuple(canon(v, leaves, seen) for v in array.flat))
        leaves.append(array)
        return ("nd", array.dtype.str, array.shape)
    if isinstance(value, bool | int | str | bytes | type(None)):
        return value
    if isinstance(value, float):
        leaves.append(np.asarray(value))
        return ("float",)
    if isinstance(value, list | tuple):
        return (type(value).__name__, tuple(canon(v, leaves, seen) for v in value))
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda kv: repr(kv[0]))
        return ("dict", tuple((k, canon(v, leaves, seen)) for k, v in items))
    if isinstance(value, np.random.Generator):
        return ("rng", repr(value.bit_generator.state))
    if isinstance(value, types.ModuleType):
        return ("module", value.__name__)
    if isinstance(value, types.FunctionType):  # what it computes: its name and what it holds
        if id(value) in seen:
            return ("fn", value.__module__, value.__qualname__)
        seen.add(id(value))
        cells = tuple(_cell(c) for c in value.__closure__ or ())
        held = (value.__defaults__, value.__kwdefaults__, cells)
        return ("fn", value.__module__, value.__qualname__, canon(held, leaves, seen))
    if callable(value) and hasattr(value, "__qualname__"):
        return ("fn", getattr(value, "__module__", None), value.__qualname__)
    if id(value) in seen:
        return ("cycle", type(value).__qualname__)
    if hasattr(value, "__dict__"):
        seen.add(id(value))
        return ("obj", type(value).__qualname__, canon(vars(value), leaves, seen))
    return ("other", type(value).__qualname__)


def _cell(cell):
    try:
        return cell.cell_contents
    except ValueError:  # an empty cell
        return None


def exact_key(structure, leaves) -> tuple:
    digest = hashlib.sha1()
    for leaf in leaves:
        digest.update(leaf.dtype.str.encode() + repr(leaf.shape).encode())
        digest.update(np.ascontiguousarray(leaf).tobytes())
    return (structure, digest.hexdigest())


def key_of(arguments: dict):
    """(exact key, structure, leaves) of a call's arguments (parameter name -> value)."""
    leaves: list = []
    structure = canon(arguments, leaves)
    return exact_key(structure, leaves), structure, [np.array(leaf) for leaf in leaves]


def _close(a: list, b: list) -> bool:
    for x, y in zip(a, b, strict=True):
        if x.shape != y.shape:
            return False
        if x.dtype.kind in "fc" or y.dtype.kind in "fc":
            if not np.allclose(x, y, rtol=RTOL, atol=ATOL, equal_nan=True):
                return False
        elif not np.array_equal(x, y):
            return False
    return True


# --- putting a recorded outcome back -------------------------------------------------------
def assign(target, value):
    """Make ``target`` hold ``value`` in place where it can (arrays, lists, dicts, objects,
    random generators); return what the caller should hold (``target`` or a new value)."""
    if isinstance(target, np.ndarray) and isinstance(value, np.ndarray):
        if target.shape == value.shape and target.flags.writeable:
            target[...] = value
            return target
        return value.copy()
    if isinstance(target, np.random.Generator) and isinstance(value, dict):
        target.bit_generator.state = value
        return target
    if isinstance(value, dict) and set(value) == {STATE} and hasattr(target, "__dict__"):
        assign(vars(target), value[STATE])
        return target
    if isinstance(target, dict) and isinstance(value, dict):
        for k in list(target):
            if k not in value:
                del target[k]
        for k, v in value.items():
            target[k] = assign(target[k], v) if k in target else copy.deepcopy(v)
        return target
    if isinstance(target, list) and isinstance(value, list):
        if len(target) == len(value):
            target[:] = [assign(t, v) for t, v in zip(target, value, strict=True)]
        else:
            target[:] = copy.deepcopy(value)
        return target
    return copy.deepcopy(value)


STATE = "__dlkit_object_attributes__"  # an object's attributes after a call, in a snapshot


def snapshot(value):
    """What ``assign`` puts back: a copy, with random generators as their state and other
    objects as their attributes."""
    if isinstance(value, np.random.Generator):
        return copy.deepcopy(value.bit_generator.state)
    if isinstance(value, np.ndarray | np.generic | bool | int | float | str | bytes | type(None)):
        return copy.deepcopy(value)
    if isinstance(value, dict):
        return {k: snapshot(v) for k, v in value.items()}
    if isinstance(value, list):
        return [snapshot(v) for v in value]
    if isinstance(value, tuple):
        return tuple(snapshot(v) for v in value)
    if hasattr(value, "__dict__") and not callable(value):
        return {STATE: snapshot(vars(value))}
    return copy.deepcopy(value)


# --- the records -------------------------------------------------------------------------------
_RECORDS: dict | None = None


def load(path: Path | None = None) -> dict:
    """name -> list of recorded calls, each a dict: exact (key), structure, leaves,
    changed (parameter -> snapshot after the call), returned, returns_argument (parameter
    name or None), error ((class name, message) or None), generator (bool)."""
    global _RECORDS
    if path is not None:
        with gzip.open(path, "rb") as handle:
            return pickle.load(handle)
    if _RECORDS is None:
        here = Path(__file__).with_name(RECORDS)
        _RECORDS = {}
        if here.exists():
            with gzip.open(here, "rb") as handle:
                _RECORDS = pickle.load(handle)
    return _RECORDS


def find(calls: list, arguments: dict):
    """The recorded call that matches ``arguments`` exactly, else to RTOL; or None."""
    exact, structure, leaves = key_of(arguments)
    for call in calls:
        if call["exact"] == exact:
            return call
    for call in calls:
        if call["structure"] == structure and _close(call["leaves"], leaves):
            return call
    return None


def outcome(call: dict, arguments: dict):
    """Put a recorded call's changes into ``arguments`` and give back its result."""
    for name, after in call["changed"].items():
        assign(arguments[name], after)
    if call["error"] is not None:
        kind, message = call["error"]
        error = getattr(builtins, kind, None)
        if not (isinstance(error, type) and issubclass(error, Exception)):
            error = RuntimeError
        raise error(message)
    if call["returns_argument"] is not None:
        return arguments[call["returns_argument"]]
    return copy.deepcopy(call["returned"])


def replay(name: str, assignment: str, arguments: dict):
    """What a left-out reference does: the recorded outcome of this call, or Unreleased.
    For a generator function, the recorded items (its body is ``yield from replay(...)``)."""
    arguments = dict(arguments)
    call = find(load().get(name, []), arguments)
    if call is None:
        raise Unreleased(name, assignment)
    return outcome(call, arguments)
