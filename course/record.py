"""Record the calls that a published notebook makes to dlkit's references.

``python -m course publish --upto A`` leaves out of the student's dlkit the references of
notebook A and later (course/publish.py) and ships, instead, the outcome of every call
that the published notebooks make to them (course/unreleased.py replays it). This
module finds those calls: it runs a release notebook with its answers filled in (visible
tests and demos; no hidden test is in a release notebook), then as released (the demos
that fall back on a reference while an exercise is unfinished), in a fresh Python process,
with the full dlkit of this checkout, each watched reference's code swapped for a recorder, so
every call is seen however it is reached (a module attribute, a name imported earlier, a
method, from inside other dlkit code, inside a delegation check).

A call is recorded unless it runs inside a recorded call of a reference that is left out
whenever this one is (a reference of the same or a later notebook): in the published copy
that outer call is replayed whole and never makes the inner one.

Command line (what publish runs, once per notebook)::

    python -m course.record OUT.pkl.gz ASSIGNMENT WATCH.json
"""

from __future__ import annotations

import contextlib
import copy
import gzip
import hashlib
import importlib
import inspect
import io
import json
import os
import pickle
import subprocess
import sys
import tempfile
import types
from pathlib import Path

from .config import ROOT
from .unreleased import canon, exact_key, key_of, snapshot

_HOOK = "__dlkit_record_call__"


class _Watched:
    def __init__(self, name: str, owner: int, shadows: bool, fn: types.FunctionType):
        self.name, self.owner, self.shadows, self.fn = name, owner, shadows, fn
        self.original = fn.__code__
        twin = types.FunctionType(
            fn.__code__, fn.__globals__, fn.__name__, fn.__defaults__, fn.__closure__
        )
        twin.__kwdefaults__ = fn.__kwdefaults__
        self.twin = twin
        self.signature = inspect.signature(twin)


def _wrapper_code(index: int, n_free: int, name: str) -> types.CodeType:
    free = [f"v{i}" for i in range(n_free)]
    touch = f"    if kwargs is None: ({', '.join(free)},)\n" if free else ""
    text = (
        f"def _factory({', '.join(free)}):\n"
        "    def wrapper(*args, **kwargs):\n"
        f"    {touch}"
        f"        return {_HOOK}({index}, args, kwargs)\n"
        "    return wrapper\n"
    )
    namespace: dict = {}
    exec(compile(text, f"<recorder of {name}>", "exec"), namespace)
    code = namespace["_factory"](*range(n_free)).__code__
    return code.replace(co_name=name, co_qualname=name) if hasattr(code, "co_qualname") else code


def _functions(name: str) -> list[tuple[str, types.FunctionType]]:
    """The function objects behind a qualified dlkit name (every method, for a class)."""
    parts = name.split(".")
    for cut in range(len(parts) - 1, 1, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = inspect.getattr_static(obj, attr)
        break
    else:
        raise ImportError(name)
    if isinstance(obj, staticmethod | classmethod):
        obj = obj.__func__
    if isinstance(obj, types.FunctionType):
        return [(name, obj)]
    if isinstance(obj, type):
        out = []
        for attr, member in vars(obj).items():
            if isinstance(member, staticmethod | classmethod):
                member = member.__func__
            if isinstance(member, types.FunctionType):
                out.append((f"{name}.{attr}", member))
        return out
    return []


#: A reference that one notebook calls more often, or on more data, than this cannot be
#: replayed from records of a sensible size (a training loop, a figure over a fine grid): it
#: is reported, and publish says to keep it (publish.NEEDED_EARLY) or to change the notebook.
MAX_CALLS = 400
MAX_BYTES = 4_000_000


class Recorder:
    def __init__(self, watch: dict[str, list]):
        """``watch``: qualified name -> [owner (notebook index), shadows (bool)]."""
        self.calls: dict[str, list] = {}
        self.keys: dict[str, set] = {}
        self.size: dict[str, int] = {}
        self.overflow: dict[str, int] = {}  # name -> calls seen, for those past the limits
        self.stack: list[_Watched] = []
        self.targets: list[_Watched] = []
        for name, (owner, shadows) in watch.items():
            for qual, fn in _functions(name):
                if any(t.fn is fn for t in self.targets):
                    continue
                self.targets.append(_Watched(qual, owner, shadows, fn))

    def install(self):
        for index, target in enumerate(self.targets):
            target.fn.__globals__[_HOOK] = self.call
            n_free = len(target.original.co_freevars)
            code = _wrapper_code(index, n_free, target.fn.__name__)
            # dlkit's delegation check traps the functions whose code lives in dlkit's files
            target.fn.__code__ = code.replace(co_filename=target.original.co_filename)

    def call(self, index: int, args: tuple, kwargs: dict):
        target = self.targets[index]
        if any(outer.shadows and outer.owner >= target.owner for outer in self.stack):
            return target.twin(*args, **kwargs)
        try:
            bound = target.signature.bind(*args, **kwargs)
        except TypeError:
            return target.twin(*args, **kwargs)
        bound.apply_defaults()
        arguments = dict(bound.arguments)
        exact, structure, leaves = key_of(arguments)
        before = {n: _key(v) for n, v in arguments.items()}
        self.stack.append(target)
        error = None
        try:
            result = target.twin(*args, **kwargs)
        except Exception as exc:
            error = exc
        finally:
            self.stack.pop()
        generator = inspect.isgenerator(result) if error is None else False
        entry = {
            "exact": exact,
            "structure": structure,
            "leaves": leaves,
            "changed": {},
            "returned": None,
            "returns_argument": None,
            "error": None if error is None else (type(error).__name__, str(error)),
            "generator": generator,
        }
        if generator:
            return self._record_generator(target, entry, arguments, before, result)
        self._finish(target, entry, arguments, before, None if error else result)
        if error is not None:
            raise error
        return result

    def _record_generator(self, target, entry, arguments, before, generator):
        items = []
        try:
            for item in generator:
                items.append(copy.deepcopy(item))
                yield item
        finally:
            self._finish(target, entry, arguments, before, items, returned_is_snapshot=True)

    def _finish(self, target, entry, arguments, before, result, returned_is_snapshot=False):
        for n, v in arguments.items():
            if _key(v) != before[n]:
                entry["changed"][n] = snapshot(v)
        same = [n for n, v in arguments.items() if result is v and not _immutable(v)]
        if same:
            entry["returns_argument"] = same[0]
        else:
            entry["returned"] = result if returned_is_snapshot else copy.deepcopy(result)
        name = target.name
        if name in self.overflow:
            self.overflow[name] += 1
            return
        keys = self.keys.setdefault(name, set())
        if entry["exact"] in keys:
            return
        try:
            size = len(pickle.dumps(entry))
        except Exception as exc:  # noqa: BLE001 - reported, not recorded
            print(f"record: {name}: cannot keep this call ({exc})", file=sys.stderr)
            return
        keys.add(entry["exact"])
        self.size[name] = self.size.get(name, 0) + size
        self.calls.setdefault(name, []).append(entry)
        if len(keys) > MAX_CALLS or self.size[name] > MAX_BYTES:
            self.overflow[name] = len(self.calls.pop(name))


def _immutable(value) -> bool:
    return isinstance(value, bool | int | float | str | bytes | tuple | type(None))


def _key(value):
    leaves: list = []
    return exact_key(canon(value, leaves), leaves)


def run_notebook(nb, log=lambda *_: None) -> list[str]:
    """Execute every code cell of ``nb`` in this process; return the failures."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from IPython.core.inputtransformer2 import TransformerManager

    from . import notebooks

    namespace: dict = {"__name__": "__main__"}
    failures = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        python = TransformerManager().transform_cell(cell.source)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(python, f"<cell {i}>", "exec"), namespace)
        except Exception as exc:  # noqa: BLE001 - a failing cell is reported
            failures.append(f"cell {i} ({notebooks.grade_id(cell)}): {type(exc).__name__}: {exc}")
        finally:
            plt.close("all")
    return failures


def record_notebook(assignment_id: str, watch: dict) -> tuple[dict, list[str]]:
    """In this process: run the release notebook solved, then unsolved (demos that fall back
    on dlkit's reference while an exercise is unfinished), with ``watch`` recorded. Returns
    the records and the failures of the solved run (the unsolved one stops at its stubs)."""
    import dlkit

    from . import notebooks
    from .config import get_assignment
    from .grade import solved_release

    for module in dlkit.__all__:
        importlib.import_module(f"dlkit.{module}")
    recorder = Recorder(watch)
    recorder.install()
    # while this notebook is published, what it watches may be left out: its demos must take
    # the path they take on such a copy (the student's function, not dlkit's)
    watched = list(watch)

    def released(reference) -> bool:
        fn = getattr(reference, "__func__", reference)
        name = f"{getattr(fn, '__module__', '')}.{getattr(fn, '__qualname__', '')}"
        return not any(name == w or name.startswith(w + ".") for w in watched)

    dlkit.released = released
    failures = run_notebook(solved_release(assignment_id, "all"))
    run_notebook(notebooks.read(get_assignment(assignment_id).path("release")))
    return {"calls": recorder.calls, "overflow": recorder.overflow}, failures


def _fingerprint(assignment_id: str, watch: dict) -> str:
    from .config import get_assignment
    from .grade import solved_release

    digest = hashlib.sha256(json.dumps(watch, sort_keys=True).encode())
    digest.update(json.dumps(solved_release(assignment_id, "all"), sort_keys=True).encode())
    digest.update(get_assignment(assignment_id).path("release").read_bytes())
    for path in sorted((ROOT / "dlkit").rglob("*.py")) + [
        Path(__file__),
        Path(__file__).with_name("unreleased.py"),
    ]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def recorded(assignment_id: str, watch: dict, cache: Path | None = None) -> dict:
    """{"calls": name -> recorded calls, "overflow": name -> calls made, for the references
    past MAX_CALLS or MAX_BYTES} of notebook ``assignment_id`` (run in a fresh process; kept
    in ``cache`` under the fingerprint of the notebook, dlkit and ``watch``)."""
    if cache is not None:
        cached = cache / f"{assignment_id}-{_fingerprint(assignment_id, watch)}.pkl.gz"
        if cached.exists():
            with gzip.open(cached, "rb") as handle:
                return pickle.load(handle)
    with tempfile.TemporaryDirectory() as tmp:
        out, spec = Path(tmp) / "calls.pkl.gz", Path(tmp) / "watch.json"
        spec.write_text(json.dumps(watch))
        env = {**os.environ, "MPLBACKEND": "Agg", "DLKIT_NO_WIDGETS": "1"}
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
        work = Path(tmp) / "work"
        work.mkdir()
        result = subprocess.run(
            [sys.executable, "-m", "course.record", str(out), assignment_id, str(spec)],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"recording the calls of {assignment_id} failed:\n{result.stdout[-3000:]}"
                f"\n{result.stderr[-3000:]}"
            )
        with gzip.open(out, "rb") as handle:
            calls = pickle.load(handle)
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        with gzip.open(partial, "wb") as handle:
            pickle.dump(calls, handle)
        partial.replace(cached)
        for stale in cache.glob(f"{assignment_id}-*.pkl.gz"):  # an older notebook or dlkit
            if stale != cached:
                stale.unlink(missing_ok=True)
    return calls


def main(argv: list[str]) -> int:
    out, assignment_id, spec = argv
    import time

    start = time.perf_counter()
    calls, failures = record_notebook(assignment_id, json.loads(Path(spec).read_text()))
    counts = {name: len(c) for name, c in calls["calls"].items()}
    print(
        f"record {assignment_id}: {time.perf_counter() - start:.1f} s, {counts}, "
        f"too many: {calls['overflow']}",
        file=sys.stderr,
    )
    for failure in failures:
        print(f"record {assignment_id}: {failure}", file=sys.stderr)
    with gzip.open(out, "wb") as handle:
        pickle.dump(calls, handle)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
