"""Assertions for the notebooks' tests, written to be read by students.

Every check raises ``AssertionError`` (the only failure nbgrader counts) with a message
that gives, in this order: the shape expected and the shape received, the first entry
that differs (expected vs got), the maximum absolute and relative error, and a hint
about the likely mistake. Checks return nothing useful on success, except those that
call the student's function, which return its result so that a test can go on. When
that function is a generator, they run it to the end and return its items as a list,
so its body is checked too.

Example
-------
>>> import numpy as np
>>> from dlkit.checks import check_close
>>> check_close(np.ones(3), np.ones(3), name="sigmoid(0)")
"""

from __future__ import annotations

import contextlib
import copy
import functools
import importlib
import inspect
import os
import sys
import types
import warnings
from collections.abc import Callable, Sequence

import numpy as np

__all__ = [
    "check_shape",
    "check_close",
    "check_equal",
    "check_finite",
    "check_true",
    "check_raises",
    "check_no_warnings",
    "check_input_unchanged",
    "check_derivative",
    "check_gradient",
    "check_not_delegating",
    "check_vectorised",
    "reference_for",
    "verbose",
]

_PREVIEW_SIZE = 8


# --------------------------------------------------------------------------- helpers


def _fail(title: str, lines: Sequence[str] = (), hint: str | None = None) -> None:
    parts = [title, *(f"  {line}" for line in lines)]
    if hint:
        parts.append(f"Hint: {hint}")
    error = AssertionError("\n".join(parts))
    if not _VERBOSE[0]:
        # IPython (JupyterLab, Notebook, VS Code, Colab; stored outputs and nbgrader's
        # feedback too) shows what this returns instead of the traceback; plain Python,
        # pytest and nbgrader's scoring still see an ordinary AssertionError
        error._render_traceback_ = functools.partial(_render_compact, error)
    raise error


# ------------------------------------------------------------- how a failure is shown

_VERBOSE = [os.environ.get("DLKIT_VERBOSE_CHECKS", "") not in ("", "0")]
_RED, _DIM, _RESET = "\x1b[0;31m", "\x1b[2m", "\x1b[0m"


def verbose(on: bool = True) -> None:
    """Show failed checks with IPython's full traceback (``True``) or compactly (``False``).

    Compact is the default: the check's message, then (when your code raised an error or
    a warning inside the check) the one line of your code where it happened. Set the
    environment variable ``DLKIT_VERBOSE_CHECKS=1`` to start verbose. Run the failing
    cell again after switching.
    """
    _VERBOSE[0] = bool(on)


def _cell_name(filename: str) -> str:
    """'cell In[5]' for an IPython cell, else the file name."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        shell = None
    number = getattr(getattr(shell, "compile", None), "_filename_map", {}).get(filename)
    if number is None:  # IPython 7 (Colab) names cells <ipython-input-5-1a2b3c>
        parts = filename.split("-")
        if filename.startswith("<ipython-input-") and len(parts) > 2 and parts[2].isdigit():
            number = int(parts[2])
    if number is not None:
        return f"cell In[{number}]"
    # ipykernel under IPython 7 stores each cell as /tmp/ipykernel_<pid>/<hash>.py
    return "your cell" if "ipykernel_" in filename else filename


def _student_origin(error: BaseException) -> list[str]:
    """Where the student's own code raised the error that made the check fail, in 3 lines."""
    import traceback

    cause = error.__cause__ or error.__context__
    if cause is None or cause.__traceback__ is None:
        return []
    library, _ = _library_dirs()  # shared with check_vectorised's line counter
    frames = [
        f
        for f in traceback.extract_tb(cause.__traceback__)
        if not _is_library(os.path.abspath(f.filename), library)
    ]
    what = f"{type(cause).__name__}: {str(cause).splitlines()[0] if str(cause) else ''}"
    if _TRAP_MESSAGE in str(cause):
        what = "this line hands the work to dlkit (see above)"
    if not frames:
        return [f"It started with {what}"]
    frame = frames[-1]
    return [
        f"In your code, {_cell_name(frame.filename)}, line {frame.lineno}, in {frame.name}:",
        f"    {frame.line or ''}",
        what,
    ]


def _render_compact(error: AssertionError) -> list[str]:
    """The lines IPython shows for a failed check (its ``_render_traceback_`` protocol)."""
    title, *rest = str(error).split("\n")
    lines = [f"{_RED}AssertionError{_RESET}: {title}", *rest]
    origin = _student_origin(error)
    if origin:
        lines += ["", *origin]
    lines.append(
        f"{_DIM}(full traceback: dlkit.checks.verbose(True), then run the cell again){_RESET}"
    )
    return lines


def _fmt(x) -> str:
    if isinstance(x, (float, np.floating)):
        return f"{float(x):.6g}"
    if isinstance(x, np.ndarray):
        if x.size <= _PREVIEW_SIZE:
            return np.array2string(x, precision=6, separator=", ")
        return f"array of shape {x.shape}"
    return repr(x)


def _shape_of(x) -> tuple[int, ...]:
    return tuple(np.shape(x))


def _shape_hint(expected: tuple[int, ...], got: tuple[int, ...]) -> str | None:
    """Guess the mistake behind a shape mismatch."""
    if len(expected) == 2 and got == expected[::-1]:
        return "the axes are swapped: is the result (or one of the matrices you multiplied) transposed?"
    if got == () and expected != ():
        return "you returned a single number: did you sum or average over every axis? Pass axis=... to keep the others."
    if len(got) == 2 and len(expected) == 1 and got == (expected[0], expected[0]):
        return (
            "an (n, n) result from (n,) inputs usually means broadcasting: an array of shape (n,) met one of "
            "shape (n, 1). Use .ravel() or reshape(-1) so both are 1-D."
        )
    if len(got) == len(expected) + 1 and 1 in got:
        return "there is an extra axis of length 1: use .ravel(), reshape, or drop keepdims=True."
    if len(got) + 1 == len(expected) and 1 in expected:
        return "an axis of length 1 is missing: use keepdims=True in the reduction, or reshape."
    if len(expected) == 1 and len(got) == 1 and abs(got[0] - expected[0]) == 1:
        return "one entry too many or too few: an off-by-one in a range() or a slice, or a reduction over the wrong axis?"
    if (
        len(got) == len(expected)
        and len(got) >= 1
        and got[:-1] == expected[:-1]
        and got[-1] != expected[-1]
    ):
        return "the last axis has the wrong length: did you reduce or index along the wrong axis?"
    if np.prod(got, dtype=int) == np.prod(expected, dtype=int):
        return "same number of entries, different arrangement: check your reshape or the axis you used."
    return None


def _as_numeric(got, name: str) -> np.ndarray:
    if got is None:
        _fail(
            f"{name} is None.",
            ["expected an array or a number, got None"],
            "did you forget the `return` statement at the end of your function?",
        )
    if isinstance(got, tuple) and got and isinstance(got[0], np.ndarray) and len(got) > 1:
        _fail(
            f"{name} is a tuple of {len(got)} arrays, not one array.",
            [f"got tuple of shapes {[np.shape(g) for g in got]}"],
            "return a single array (did a trailing comma turn the return value into a tuple?).",
        )
    try:
        arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        _fail(
            f"{name} must be numeric.",
            [f"got {type(got).__name__}: {got!r:.80}"],
            "return a NumPy array (or a number), not a string, a dict or a ragged list.",
        )
    return np.asarray(arr).view(np.ndarray)


# --------------------------------------------------------------------------- checks


def check_shape(
    got, expected_shape: Sequence[int], name: str = "result", hint: str | None = None
) -> None:
    """Assert ``np.shape(got) == expected_shape``."""
    expected_shape = tuple(int(s) for s in expected_shape)
    if got is None:
        _as_numeric(got, name)
    got_shape = _shape_of(got)
    if got_shape != expected_shape:
        _fail(
            f"{name} has the wrong shape.",
            [f"shape: expected {expected_shape}, got {got_shape}"],
            hint or _shape_hint(expected_shape, got_shape),
        )


def check_finite(got, name: str = "result", hint: str | None = None) -> None:
    """Assert that every entry of ``got`` is finite (no NaN, no inf)."""
    arr = _as_numeric(got, name)
    bad = ~np.isfinite(arr)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0]) if arr.ndim else ()
        value = arr[index] if arr.ndim else arr
        _fail(
            f"{name} contains {int(bad.sum())} non-finite value(s) (NaN or inf).",
            [f"shape: {arr.shape}", f"first at index {index}: got {value}"],
            hint
            or "NaN or inf usually comes from exp() of a large number, a division by zero or log(0).",
        )


def check_close(
    got,
    expected,
    name: str = "result",
    *,
    rtol: float = 1e-6,
    atol: float = 1e-8,
    hint: str | None = None,
) -> None:
    """Assert that ``got`` matches ``expected`` in shape and, within tolerance, in value.

    Parameters
    ----------
    got : array_like
        What the student's code returned.
    expected : array_like
        The correct answer.
    name : str
        How to call ``got`` in the message, e.g. ``"sigmoid(z)"``.
    rtol, atol : float
        Entries pass when ``|got - expected| <= atol + rtol * |expected|``.
    hint : str, optional
        The likely mistake, shown when values (not shapes) differ.
    """
    got_arr = _as_numeric(got, name)
    exp_arr = np.asarray(expected, dtype=float)
    if got_arr.shape != exp_arr.shape:
        guess = _shape_hint(exp_arr.shape, got_arr.shape)
        check_shape(
            got_arr, exp_arr.shape, name, hint=" ".join(h for h in (guess, hint) if h) or None
        )
    ok = np.isclose(got_arr, exp_arr, rtol=rtol, atol=atol, equal_nan=True)
    if ok.all():
        return
    bad = ~ok
    index = tuple(int(i) for i in np.argwhere(bad)[0]) if got_arr.ndim else ()
    g, e = got_arr[index], exp_arr[index]
    with np.errstate(all="ignore"):
        abs_err = np.abs(got_arr - exp_arr)
        # against an expected 0 any difference is infinitely large in relative terms
        # (dividing by the smallest float instead printed numbers like 4.5e+307)
        rel_err = np.where(
            exp_arr == 0, np.where(abs_err > 0, np.inf, 0.0), abs_err / np.abs(exp_arr)
        )
    finite = np.isfinite(abs_err)
    lines = [f"shape: {got_arr.shape} as expected"]
    where = f"at index {index}" if index else "value"
    lines.append(f"first difference {where}: expected {_fmt(e)}, got {_fmt(g)}")
    if finite.any():
        lines.append(
            f"max abs error {_fmt(abs_err[finite].max())}, max rel error {_fmt(rel_err[finite].max())} "
            f"(allowed: atol={atol:g}, rtol={rtol:g})"
        )
    lines.append(f"wrong entries: {int(bad.sum())} of {bad.size}")
    if got_arr.size <= _PREVIEW_SIZE and got_arr.ndim:
        lines.append(f"expected {_fmt(exp_arr)}")
        lines.append(f"got      {_fmt(got_arr)}")
    if not np.isfinite(got_arr).all() and np.isfinite(exp_arr).all():
        hint = (
            hint + " " if hint else ""
        ) + "Your result contains NaN or inf: look for exp() overflow, 0/0 or log(0)."
    _fail(f"{name} has the wrong values.", lines, hint)


def check_equal(got, expected, name: str = "result", hint: str | None = None) -> None:
    """Assert exact equality of numbers, arrays or sequences (shapes first)."""
    check_close(got, expected, name, rtol=0.0, atol=0.0, hint=hint)


def check_true(condition: bool, message: str, hint: str | None = None) -> None:
    """Assert a condition; ``message`` says what was expected and what was seen."""
    if not bool(condition):
        _fail(message, (), hint)


def check_raises(
    func: Callable,
    *args,
    exception: type[BaseException] | tuple[type[BaseException], ...] = Exception,
    match: str | None = None,
    hint: str | None = None,
    **kwargs,
) -> BaseException:
    """Assert that ``func(*args, **kwargs)`` raises ``exception``; return the exception."""
    label = getattr(func, "__name__", "the function")
    wanted = (
        exception.__name__
        if isinstance(exception, type)
        else " or ".join(e.__name__ for e in exception)
    )
    try:
        result = func(*args, **kwargs)
    except exception as exc:
        if match is not None and match.lower() not in str(exc).lower():
            _fail(
                f"{label} raised {type(exc).__name__} as expected, but its message does not mention {match!r}.",
                [f"message: {exc}"],
                hint,
            )
        return exc
    except Exception as exc:  # the wrong kind of error
        _fail(
            f"{label} raised {type(exc).__name__}, expected {wanted}.",
            [f"message: {exc}"],
            hint,
        )
    _fail(
        f"{label} should raise {wanted} for this input, but it returned normally.",
        [f"returned: {_fmt(result)}"],
        hint,
    )
    raise AssertionError  # unreachable; keeps type checkers happy


def _run(func: Callable, args: tuple, kwargs: dict):
    """``func(*args, **kwargs)``; a generator's items are collected into a list here, so
    that its body runs inside the caller's check (a generator function runs no code at
    all until it is iterated)."""
    result = func(*args, **kwargs)
    return list(result) if inspect.isgenerator(result) else result


def check_no_warnings(func: Callable, *args, hint: str | None = None, **kwargs):
    """Call ``func`` with NumPy floating-point warnings turned into errors; return its result."""
    label = getattr(func, "__name__", "the function")
    try:
        # underflow to 0 is harmless (sigmoid(-1e4) is 0.0); overflow, 0/0 and inf-inf are not
        with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
            warnings.simplefilter("error", RuntimeWarning)
            return _run(func, args, kwargs)
    except (FloatingPointError, RuntimeWarning) as exc:
        _fail(
            f"{label} is numerically unstable: NumPy reported a floating-point problem.",
            [f"NumPy said: {exc}"],
            hint
            or "exp() of a large positive number overflows; rewrite the formula so it never has to compute one.",
        )


def check_input_unchanged(func: Callable, *args, **kwargs):
    """Call ``func`` and assert that it did not modify any array argument; return its result."""
    label = getattr(func, "__name__", "the function")
    before = [copy.deepcopy(a) for a in args]
    result = _run(func, args, kwargs)
    for position, (old, new) in enumerate(zip(before, args, strict=True)):
        if isinstance(old, np.ndarray) and not np.array_equal(old, new, equal_nan=True):
            _fail(
                f"{label} modified its argument number {position + 1} in place.",
                [f"shape: {old.shape}", "the caller's array was changed by the call"],
                "work on a new array (np.where, np.maximum, x.copy()) instead of assigning into the input.",
            )
    return result


def check_derivative(
    f: Callable,
    df: Callable,
    z,
    name: str = "derivative",
    *,
    h: float = 1e-6,
    rtol: float = 1e-5,
    atol: float = 1e-7,
    hint: str | None = None,
) -> None:
    """Compare an element-wise derivative ``df(z)`` with central differences of ``f``.

    Choose ``z`` away from kinks (``relu`` at 0) where the derivative is not defined.
    """
    z = np.asarray(z, dtype=np.float64)
    numeric = (np.asarray(f(z + h), dtype=np.float64) - np.asarray(f(z - h), dtype=np.float64)) / (
        2 * h
    )
    check_close(
        df(z),
        numeric,
        name,
        rtol=rtol,
        atol=atol,
        hint=hint or "compare with the derivative of f worked out by hand.",
    )


def check_gradient(
    f: Callable,
    grad: Callable,
    x,
    name: str = "gradient",
    *,
    h: float = 1e-6,
    rtol: float = 1e-5,
    atol: float = 1e-7,
    hint: str | None = None,
) -> None:
    """Compare ``grad(x)`` with central differences of the scalar function ``f`` at ``x``."""
    from .gradcheck import numerical_gradient

    x = np.array(x, dtype=np.float64)
    numeric = numerical_gradient(f, x, h)
    check_close(grad(x), numeric, name, rtol=rtol, atol=atol, hint=hint)


def reference_for(reference: Callable, yours: Callable) -> Callable:
    """The piece a test cell grades a later exercise with: dlkit's ``reference``, so that a
    mistake in an earlier exercise is not counted twice; ``yours`` where this copy of dlkit
    leaves the reference out (a course's student repository, while its notebook is open)."""
    import dlkit

    return reference if dlkit.released(reference) else yours


# ------------------------------------------------------------- delegation and loops

_TRAP_MESSAGE = "__dlkit_reference_was_called__"
_TRAP_FILENAME = "<dlkit delegation trap>"
_INDEX_PLACEHOLDER = "__dlkit_trap_index__"


class _TrapState:
    """The delegation trap of this process: which dlkit functions it covers and what fired.

    While the trap is set, every function and method defined in dlkit's source files
    (``checks`` excepted) runs a gate instead of its own code: the gate calls
    :func:`_trap_call`, which records the function's name in ``fired`` and raises, unless
    the check allows that function. An allowed call lifts the trap (``depth`` counts the
    allowed calls under way) so that dlkit's own internals run at full speed, and sets it
    again when it returns.
    """

    def __init__(self):
        self.active = False
        self.depth = 0
        self.allowed: frozenset[int] = frozenset()
        self.fired: list[str] = []
        self.current: list[_Target] = []
        self.cache_key = None
        self.cached: list[_Target] = []


_TRAP = _TrapState()


@functools.cache
def _gate_template(n_free: int, generator: bool) -> types.CodeType:
    """Code of a gate with ``n_free`` free variables: a function's code can only be swapped
    for code with as many free variables as its closure has cells (``super()`` needs one),
    and (from Python 3.13 on, or with a DeprecationWarning) of the same kind: a generator
    function gets a generator gate, which fires when it is first iterated."""
    names = [f"_cell{i}" for i in range(n_free)]
    call = f"__import__('sys').modules['dlkit.checks']._trap_call('{_INDEX_PLACEHOLDER}', args, kwargs)"
    lines = ["def _factory():"]
    if names:
        lines.append(f"    {' = '.join(names)} = None")
    lines.append("    def _gate(*args, **kwargs):")
    lines.append(f"        return (yield from {call})" if generator else f"        return {call}")
    if names:
        lines.append(f"        {', '.join(names)}  # never runs; makes the cells free variables")
    lines.append("    return _gate")
    namespace: dict = {}
    exec(compile("\n".join(lines), _TRAP_FILENAME, "exec"), namespace)
    return namespace["_factory"]().__code__


def _gate_code(index: int, n_free: int, name: str, generator: bool = False) -> types.CodeType:
    template = _gate_template(n_free, generator)
    consts = tuple(index if c == _INDEX_PLACEHOLDER else c for c in template.co_consts)
    names = {"co_name": name}
    if hasattr(template, "co_qualname"):  # Python 3.11+: tracebacks show the function's name
        names["co_qualname"] = name
    return template.replace(co_consts=consts, **names)


class _Target:
    """One dlkit callable under the trap: a function whose ``__code__`` is swapped, or (for
    a C-level wrapper such as ``functools.lru_cache``) a module attribute that is replaced."""

    __slots__ = ("obj", "name", "module", "owner", "index", "gate", "saved", "where")

    def __init__(self, obj, name: str, module: str, owner, index: int, where=None):
        self.obj, self.name, self.module, self.owner, self.index = obj, name, module, owner, index
        self.where = where  # (module object, attribute) for a replaced attribute
        code = None if where else obj.__code__
        n_free = len(code.co_freevars) if code else 0
        generator = bool(code and code.co_flags & inspect.CO_GENERATOR)
        self.gate = _gate_code(index, n_free, getattr(obj, "__name__", "gate"), generator)
        if where:
            self.gate = types.FunctionType(self.gate, vars(where[0]), where[1])
        self.saved = None  # the real code (or attribute) while the trap is set

    def install(self) -> None:
        self.saved = getattr(*self.where) if self.where else self.obj.__code__
        if self.where and hasattr(self.saved, "cache_clear"):
            # a reference taken before the check (`from dlkit.data import _digits_arrays`)
            # would answer from its cache: emptied, it has to call the trapped function
            self.saved.cache_clear()
        self.rearm()

    def rearm(self) -> None:
        if self.where:
            setattr(*self.where, self.gate)
        else:
            self.obj.__code__ = self.gate

    def lift(self) -> None:
        """Put the real code back for a while (an allowed call is running), keeping ``saved``."""
        if self.saved is not None:
            if self.where:
                setattr(*self.where, self.saved)
            else:
                self.obj.__code__ = self.saved

    def installed(self) -> bool:
        if self.where:
            return getattr(*self.where) is self.gate
        return self.obj.__code__ is self.gate

    def uninstall(self) -> None:
        self.lift()
        self.saved = None

    def run(self, args: tuple, kwargs: dict):
        """Call the real thing (the trap is lifted while it runs)."""
        if self.where:
            return self.saved(*args, **kwargs)
        f = self.obj
        if f.__code__ is self.gate:  # not lifted (an interrupted lift): run a twin, not the gate
            f = types.FunctionType(
                self.saved, f.__globals__, f.__name__, f.__defaults__, f.__closure__
            )
            f.__kwdefaults__ = self.obj.__kwdefaults__
        return f(*args, **kwargs)


def _dlkit_modules() -> list[tuple[str, types.ModuleType]]:
    import dlkit

    for name in dlkit.__all__:  # a module loaded later would escape the trap
        if name != "checks":
            importlib.import_module(f"dlkit.{name}")
    return sorted(
        (name, module)
        for name, module in list(sys.modules.items())
        if name.startswith("dlkit.") and name != __name__ and module is not None
    )


def _collect(modules) -> list[_Target]:
    """Every function and method whose code lives in dlkit's files, ``checks`` excepted:
    public and private functions, methods, static and class methods, property accessors,
    and C-level wrappers (``lru_cache``) of such functions."""
    package = os.path.dirname(os.path.abspath(__file__)) + os.sep
    here = os.path.abspath(__file__)
    targets: list[_Target] = []
    seen: set[int] = set()

    def add(obj, module: str, owner, name: str | None = None, where=None) -> None:
        if id(obj) in seen:
            return
        if where is None:
            if not isinstance(obj, types.FunctionType):
                return
            filename = os.path.abspath(obj.__code__.co_filename)
            if not filename.startswith(package) or filename == here:
                return
            name = f"{obj.__module__}.{obj.__qualname__}"
        seen.add(id(obj))
        targets.append(_Target(obj, name, module, owner, len(targets), where))

    def walk_class(cls, module: str) -> None:
        for value in vars(cls).values():
            if isinstance(value, (staticmethod, classmethod)):
                value = value.__func__
            if isinstance(value, property):
                for accessor in (value.fget, value.fset, value.fdel):
                    add(accessor, module, cls)
            elif isinstance(value, type):
                if value.__module__ == module and value.__qualname__.startswith(cls.__qualname__):
                    walk_class(value, module)
            else:
                add(value, module, cls)

    for module_name, module in modules:
        for attr, value in list(vars(module).items()):
            if isinstance(value, type):
                if value.__module__ == module_name:
                    walk_class(value, module_name)
            elif isinstance(value, types.FunctionType):
                add(value, value.__module__, None)
            elif isinstance(getattr(value, "__wrapped__", None), types.FunctionType):
                add(value.__wrapped__, module_name, None)
                add(value, module_name, None, f"{module_name}.{attr}", where=(module, attr))
    return targets


def _targets() -> list[_Target]:
    modules = _dlkit_modules()
    key = tuple((name, id(module)) for name, module in modules)
    if key != _TRAP.cache_key:
        _TRAP.cached = _collect(modules)
        _TRAP.cache_key = key
    return _TRAP.cached


def _trap_call(index: int, args: tuple, kwargs: dict):
    """What every trapped dlkit function runs while a delegation check is under way."""
    state = _TRAP
    target = state.current[index]
    if not state.active:  # a generator's gate created in a check and iterated after it
        return (getattr(*target.where) if target.where else target.obj)(*args, **kwargs)
    if state.depth == 0 and index not in state.allowed:
        state.fired.append(target.name)
        raise RuntimeError(f"{target.name} may not be used here ({_TRAP_MESSAGE})")
    with _lifted(state):  # an allowed call: dlkit runs at full speed, its internals included
        result = target.run(args, kwargs)
    return _let_through(result) if inspect.isgenerator(result) else result


@contextlib.contextmanager
def _lifted(state: _TrapState):
    """Lift the trap while allowed dlkit code runs; set it again when it returns (whatever
    it calls in the meantime, dlkit's helpers or a function of the student's, runs freely)."""
    state.depth += 1
    if state.depth == 1:
        for target in state.current:
            target.lift()
    try:
        yield
    finally:
        state.depth -= 1
        if state.depth == 0 and state.active:
            for target in state.current:
                target.rearm()


def _let_through(generator):
    """Iterate a generator that an allowed dlkit function returned, its body still allowed."""
    while True:
        try:
            with _lifted(_TRAP):
                item = next(generator)
        except StopIteration as stop:
            return stop.value
        yield item


def _allowed(allow, targets: list[_Target]) -> frozenset[int]:
    ids, owners, modules = set(), set(), set()
    for item in allow:
        if isinstance(item, types.ModuleType):
            modules.add(item.__name__)
        elif isinstance(item, type):
            owners.update(item.__mro__)
        elif isinstance(item, property):
            ids.update(id(f) for f in (item.fget, item.fset, item.fdel) if f is not None)
        else:
            ids.add(id(getattr(item, "__func__", item)))
    return frozenset(
        t.index
        for t in targets
        if id(t.obj) in ids
        or t.owner in owners
        or any(t.module == m or t.module.startswith(m + ".") for m in modules)
    )


def _restore(targets: list[_Target]) -> None:
    """Put every real function back, even when a KeyboardInterrupt (a cell's timeout) arrives."""
    pending = None
    i = 0
    while i < len(targets):
        try:
            while i < len(targets):
                targets[i].uninstall()
                i += 1
        except KeyboardInterrupt as exc:  # uninstall is idempotent: finish, then re-raise
            pending = exc
    if pending is not None:
        raise pending


@contextlib.contextmanager
def _trapped(references: Sequence[Callable] = (), allow=()):
    """Make every dlkit function (and each of ``references``) raise when called, under any
    alias, except those in ``allow`` and whatever dlkit calls internally; yield the list of
    the names of trapped functions that were called."""
    state = _TRAP
    first = state.current[0] if state.current else None
    if state.active and state.depth > 0 and first is not None and first.saved is not None:
        # called from dlkit code that an outer check allows (the trap is lifted meanwhile)
        yield []
        return
    # a check inside a check (the trap really is set, not just flagged): only narrow what is allowed
    if state.active and first is not None and first.installed():
        outer_allowed, outer_fired = state.allowed, state.fired
        forbidden = {id(getattr(r, "__func__", r)) for r in references}
        state.allowed = outer_allowed & frozenset(
            i for i in _allowed(allow, state.current) if id(state.current[i].obj) not in forbidden
        )
        state.fired = []
        try:
            yield state.fired
        finally:
            outer_fired.extend(state.fired)
            state.allowed, state.fired = outer_allowed, outer_fired
        return
    targets = _targets()
    known = {id(t.obj) for t in targets}
    extras = []
    for ref in references:  # a reference outside dlkit's files is trapped as before
        ref = getattr(ref, "__func__", ref)
        if id(ref) not in known and isinstance(ref, types.FunctionType):
            known.add(id(ref))
            name = f"{ref.__module__}.{ref.__qualname__}"
            extras.append(_Target(ref, name, ref.__module__, None, len(targets) + len(extras)))
    current = targets + extras
    forbidden = {id(getattr(r, "__func__", r)) for r in references}
    state.current = current
    state.allowed = frozenset(
        i for i in _allowed(allow, current) if id(current[i].obj) not in forbidden
    )
    state.fired = []
    state.depth = 0
    try:
        state.active = True
        for target in current:
            target.install()
        yield state.fired
    finally:
        state.active = False
        state.depth = 0
        _restore(current)


def _mentions_trap(exc: BaseException | None) -> bool:
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if _TRAP_MESSAGE in str(exc):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _describe(item) -> str:
    if isinstance(item, types.ModuleType):
        return item.__name__
    item = getattr(item, "__func__", item)
    if isinstance(item, property):
        item = item.fget
    qualname = getattr(item, "__qualname__", None) or getattr(item, "__name__", repr(item))
    return f"{getattr(item, '__module__', '?')}.{qualname}"


def check_not_delegating(
    func: Callable,
    *references: Callable,
    args: tuple = (),
    kwargs: dict | None = None,
    allow=(),
    hint: str | None = None,
):
    """Assert that ``func(*args, **kwargs)`` hands no work to dlkit; return its result.

    dlkit ships reference solutions so that later notebooks work for everyone; an
    exercise asks you to write the maths yourself. While ``func`` runs, *every* function,
    method and object of dlkit (all modules but ``checks``, private helpers included)
    fails when it is called, however it was reached, except what ``allow`` names:
    functions, classes (their methods) or modules that the exercise may use, such as
    ``dlkit.layers.mlp_forward`` inside ``train_step``. What an allowed function calls
    inside dlkit is allowed too. ``references`` are the functions the exercise
    reimplements; they are named in the message and are never allowed. ``hint``
    replaces the default hint (use NumPy instead) and the line saying that the exercise is
    to write the computation.
    """
    label = getattr(func, "__name__", "your function")
    if not isinstance(allow, (list, tuple, set, frozenset)):
        allow = (allow,)
    error = None
    with _trapped(references, allow) as fired:
        try:
            result = _run(func, args, kwargs or {})
        except Exception as exc:  # judged below, once dlkit is restored
            error = exc
    if fired or _mentions_trap(error):
        called = fired[0] if fired else ", ".join(_describe(r) for r in references)
        # a check with its own hint says itself what the exercise wants (build_and_train: use dlkit)
        lines = [] if hint else ["the exercise is to write the computation yourself"]
        others = [name for name in dict.fromkeys(fired) if name != called]
        if others:
            lines.append(
                f"also called: {', '.join(others[:4])}{', ...' if len(others) > 4 else ''}"
            )
        names = [_describe(r) for r in references]
        if allow:
            lines.append(
                f"allowed here: {', '.join(_describe(a) for a in allow)}; "
                "the rest of dlkit (objects and private helpers included) is not"
            )
        elif called not in names:
            lines.append(
                "every function, method and object of dlkit counts here (layers, optimizers, "
                "private helpers)" + (f", not only {', '.join(names)}" if names else "")
            )
        _fail(
            f"{label} calls dlkit's reference implementation ({called}).",
            lines,
            hint
            or "use NumPy operations (np.exp, np.maximum, @, ...) instead of dlkit's functions.",
        )
    if error is not None:
        raise error
    return result


class _LoopDetected(Exception):
    pass


def _is_row_index(key) -> bool:
    first = key[0] if isinstance(key, tuple) and key else key
    return isinstance(first, (int, np.integer)) and not isinstance(first, bool)


class _NoLoopArray(np.ndarray):
    """An array that refuses to be iterated or indexed one row at a time.

    Only the array handed to the function is watched: arrays derived from it (``X.T``,
    ``X @ W``, ``y == k``) behave normally, so a loop over the columns of ``X.T`` or
    over classes is not mistaken for a loop over the samples.
    """

    _watched = False

    def __array_finalize__(self, obj):
        self._watched = False

    def __iter__(self):
        if self._watched:
            raise _LoopDetected("iterated over the rows")
        return super().__iter__()

    def __getitem__(self, key):
        if self._watched and _is_row_index(key):
            raise _LoopDetected(f"indexed a single row with {key!r}")
        return super().__getitem__(key)

    def __repr__(self):
        return repr(self.view(np.ndarray))

    def __str__(self):
        return str(self.view(np.ndarray))


def _library_dirs() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(folders whose code is never the student's, numpy's folder)."""
    import os
    import sys
    import sysconfig

    numpy_dir = os.path.dirname(np.__file__)
    folders = {numpy_dir, os.path.dirname(os.path.abspath(__file__))}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = sysconfig.get_paths().get(key)
        if path:
            folders.add(path)
    folders.update(
        p for p in sys.path if p.rstrip("/").endswith(("site-packages", "dist-packages"))
    )
    return tuple(os.path.join(os.path.abspath(f), "") for f in folders), (
        os.path.join(numpy_dir, ""),
    )


def _is_library(filename: str, folders: tuple[str, ...]) -> bool:
    return filename.startswith("<frozen") or filename.startswith(folders)


class _LineCounter:
    """Count the Python line events of the student's code during one call.

    Counted: every line that runs in a code object that is not from the standard
    library, an installed package or dlkit (that is, code written in the notebook), and
    the lines of NumPy's Python functions called directly from such code (so that
    ``np.apply_along_axis`` or ``np.vectorize`` count as the loops they are). Each line
    event is booked under the student's line that caused it.
    """

    def __init__(self):
        self.folders, self.numpy = _library_dirs()
        self.counts: dict[tuple[str, int, str], int] = {}
        self._kinds: dict = {}

    def _kind(self, code) -> str | None:
        kind = self._kinds.get(code, 0)
        if kind == 0:
            file = code.co_filename
            if not _is_library(file, self.folders):
                kind = "user"
            elif file.startswith(self.numpy):
                kind = "numpy"
            else:
                kind = None
            self._kinds[code] = kind
        return kind

    def _global(self, frame, event, arg):
        kind = self._kind(frame.f_code)
        if kind == "user":
            return self._local_user
        if (
            kind == "numpy"
            and frame.f_back is not None
            and self._kind(frame.f_back.f_code) == "user"
        ):
            caller = frame.f_back
            key = (caller.f_code.co_filename, caller.f_lineno, caller.f_code.co_name)

            def local(frame, event, arg, key=key):
                if event == "line":
                    self.counts[key] = self.counts.get(key, 0) + 1
                return local

            return local
        return None

    def _local_user(self, frame, event, arg):
        if event == "line":
            key = (frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name)
            self.counts[key] = self.counts.get(key, 0) + 1
        return self._local_user

    def run(self, func: Callable, args: tuple, kwargs: dict):
        import sys

        previous = sys.gettrace()
        sys.settrace(self._global)
        try:
            return _run(func, args, kwargs)
        finally:
            sys.settrace(previous)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _scaled(value, n: int, k: int):
    """``value`` with its first axis (the samples) repeated ``k`` times."""
    if isinstance(value, np.ndarray):
        return np.concatenate([value] * k, axis=0)
    if isinstance(value, list):
        return value * k
    return value


def _has_samples(value, n: int) -> bool:
    return isinstance(value, (np.ndarray, list)) and np.ndim(value) >= 1 and len(value) == n


def _count_lines(func: Callable, args: tuple, kwargs: dict) -> _LineCounter:
    counter = _LineCounter()
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        counter.run(func, args, kwargs)
    return counter


def _describe_line(func: Callable, key: tuple[str, int, str]) -> str:
    import linecache

    filename, lineno, co_name = key
    text = linecache.getline(filename, lineno).strip()
    code = getattr(func, "__code__", None)
    if code is not None and filename == code.co_filename and lineno >= code.co_firstlineno:
        where = f"line {lineno - code.co_firstlineno + 1} of {func.__name__}"
    else:
        where = f"line {lineno} of {co_name}"
    return f"{where} (`{text}`)" if text else where


def _loop_growth(
    func: Callable, X, args: tuple, kwargs: dict, per_sample
) -> tuple[int, int, int, int, str] | None:
    """Measure the Python-level work of ``func`` at n and at k * n samples.

    Returns ``(n, big, lines_n, lines_big, where)`` when the work grows with the number
    of samples (a Python loop over them), else None.
    """
    n = len(X)
    if n == 0:
        return None
    k = max(4, -(-(n + 32) // n))  # at least 4x, and at least 32 more samples
    big = k * n
    if per_sample is None:
        positions = [i for i, a in enumerate(args) if _has_samples(a, n)]
        names = [name for name, a in kwargs.items() if _has_samples(a, n)]
        attempts = [(positions, names), ([], [])] if positions or names else [([], [])]
    else:
        chosen = (per_sample,) if isinstance(per_sample, (int, str)) else tuple(per_sample)
        attempts = [
            ([i for i in chosen if isinstance(i, int)], [s for s in chosen if isinstance(s, str)])
        ]

    label = getattr(func, "__name__", "your function")
    small = _count_lines(func, (X, *args), kwargs)
    error = None
    for positions, names in attempts:
        big_args = tuple(_scaled(a, n, k) if i in positions else a for i, a in enumerate(args))
        big_kwargs = {key: _scaled(v, n, k) if key in names else v for key, v in kwargs.items()}
        try:
            large = _count_lines(func, (_scaled(X, n, k), *big_args), big_kwargs)
        except Exception as exc:  # try the next reading of which arguments are per sample
            error = exc
            continue
        break
    else:
        _fail(
            f"{label} fails on a larger batch: the same {n} samples repeated {k} times ({big} samples).",
            [f"it raised {type(error).__name__}: {error}"],
            "a vectorised function works for any number of samples: do not hard-code the batch size.",
        )
    growth = large.total - small.total
    if growth < max(2, (big - n) // 4):
        return None
    grown = {key: large.counts.get(key, 0) - small.counts.get(key, 0) for key in large.counts}
    worst = max(grown, key=grown.get)
    return (
        n,
        big,
        small.counts.get(worst, 0),
        large.counts.get(worst, 0),
        _describe_line(func, worst),
    )


def check_vectorised(
    func: Callable,
    X,
    *args,
    allow_loops: bool = False,
    per_sample=None,
    hint: str | None = None,
    **kwargs,
):
    """Call ``func(X, *args, **kwargs)`` and assert that it does not loop over the samples.

    "Vectorised" here means: no Python loop whose length grows with the number of
    samples (the rows of ``X``). Loops over features, layers or classes are allowed.
    Two checks:

    * ``X`` is handed over as an array that raises when it is iterated (``for x in X``)
      or indexed one row at a time (``X[i]``);
    * unless ``allow_loops``, the Python lines run by the student's own code (and by
      NumPy functions it calls directly, such as ``np.apply_along_axis``) are counted
      with ``sys.settrace`` on ``X`` and on ``X`` repeated k times; if that number grows
      with the samples, the function loops over them, however the loop is written.

    Parameters
    ----------
    func : callable
    X : array_like, the per-sample input (one sample per row, or per entry if 1-D)
    *args, **kwargs : further arguments of ``func``
    allow_loops : bool
        Skip the measurement (only the row trap applies).
    per_sample : int, str or sequence of them, optional
        Which further arguments also hold one entry per sample and are repeated with
        ``X`` (positions in ``args``, names in ``kwargs``). By default every array or
        list argument with ``len(X)`` entries is taken as per-sample (and, if the
        function then fails, none is).
    hint : str, optional
        What to do instead, in the exercise's terms (the default is generic).

    Returns ``func``'s result (for ``X`` itself) as a plain array.
    """
    label = getattr(func, "__name__", "your function")
    plain = np.asarray(X)
    watched = plain.view(_NoLoopArray)
    watched._watched = True
    try:
        result = _run(func, (watched, *args), kwargs)
    except _LoopDetected as exc:
        _fail(
            f"{label} loops over the samples one at a time ({exc}).",
            [f"X has shape {watched.shape}: one row per sample"],
            hint
            or "work on the whole batch at once (a matrix product, broadcasting, a reduction "
            "along an axis) instead of one sample at a time.",
        )
    if isinstance(result, np.ndarray):
        result = result.view(np.ndarray)
    if not allow_loops and plain.ndim >= 1:
        grown = _loop_growth(func, plain, args, kwargs, per_sample)
        if grown is not None:
            n, big, before, after, where = grown
            _fail(
                f"{label} runs Python code once per sample: its work grows with the batch size.",
                [
                    f"{where} ran {before} times for {n} samples and {after} times for {big} samples",
                    "a loop over features, layers or classes is fine; a loop over the samples is not",
                ],
                hint
                or "replace the loop over the samples by one operation on the whole batch (a "
                "matrix product, broadcasting or a reduction along an axis).",
            )
    return result
