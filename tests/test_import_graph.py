"""The shape of dlkit's import graph: one-way floors, no cycle, no drawing code on the ground floor.

Every ``import`` in dlkit counts, at module level and inside functions alike, found by
reading the source with :mod:`ast` (importing would hide function-level imports). The
floors, from the bottom up (a module imports only from its own floor or below):

==========  ===========================================================================
floor       modules
==========  ===========================================================================
0 ground    _validation _exercises activations losses init regularization metrics gradcheck
            perceptron data optim landscapes conv recurrent (NumPy only)
1           layers
2           train, callbacks (train may import callbacks, never the reverse: no cycle)
3           models
4           plot
5           widgets (the package and its modules)
beside      display (imports nothing from dlkit), checks (the ground floor only)
==========  ===========================================================================

One edge goes up on purpose: ``callbacks`` draws its loss curves with ``plot``
(``History.plot``, the live plot of ``ProgressBar``), inside those methods only.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import dlkit

PACKAGE = Path(dlkit.__file__).resolve().parent

GROUND = {
    "_validation",
    "_exercises",
    "activations",
    "losses",
    "init",
    "regularization",
    "metrics",
    "gradcheck",
    "perceptron",
    "data",
    "optim",
    "landscapes",
    "conv",
    "recurrent",
}
FLOORS = {
    **dict.fromkeys(GROUND, 0),
    "layers": 1,
    "train": 2,
    "callbacks": 2,
    "models": 3,
    "plot": 4,
    "widgets": 5,
}
BESIDE = {"display", "checks"}
# who may import the modules that stand beside the floors
BESIDE_USERS = {"display": {"callbacks", "widgets"}, "checks": set()}
DRAWING_LIBRARIES = ("matplotlib", "ipywidgets", "IPython", "PIL")
# imported inside functions on purpose: slow to import, or only needed to draw or display
LAZY_LIBRARIES = (*DRAWING_LIBRARIES, "urllib")
# (importer, imported, where) edges that go up a floor, and why
UPWARD = {("callbacks", "plot", "function"): "History.plot and ProgressBar draw loss curves"}
# dlkit.checks is rewritten on another branch; its lazy imports are left as they are
UNCHECKED_LAZY = {"checks"}


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _is_module(name: str, root: Path) -> bool:
    base = root.joinpath(*name.split("."))
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def _imports(path: Path, root: Path):
    """Yield ``(target, where, lineno)`` for every import in the file; ``where`` is
    "module" or "function"; targets in the package are full module names."""
    name = _module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))

    def visit(node, where):
        for child in ast.iter_child_nodes(node):
            inner = (
                "function" if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else where
            )
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield alias.name, where, child.lineno
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")
                    base = base[: len(base) - child.level + 1]
                    module = ".".join(base + ([child.module] if child.module else []))
                else:
                    module = child.module or ""
                for alias in child.names:
                    candidate = f"{module}.{alias.name}"
                    found = candidate if _is_module(candidate, root) else module
                    yield found, where, child.lineno
            yield from visit(child, inner)

    yield from visit(tree, "module")


def _short(module: str) -> str:
    """``dlkit.widgets.training`` -> ``widgets``, ``dlkit.optim`` -> ``optim``."""
    return module.split(".")[1] if module.count(".") >= 1 else module


def _graph(package: Path = PACKAGE):
    """``{module: [(target, where, lineno, path), ...]}`` for every module of ``package``."""
    edges = {}
    for path in sorted(package.rglob("*.py")):
        importer = _module_name(path, package.parent)
        edges.setdefault(importer, [])
        for target, where, lineno in _imports(path, package.parent):
            edges[importer].append((target, where, lineno, path))
    return edges


def _cycles(graph) -> list[list[str]]:
    """Import cycles among the graph's own modules (depth-first search)."""
    internal = {
        importer: sorted({t for t, *_ in targets if t in graph and t != importer})
        for importer, targets in graph.items()
    }
    state, stack, cycles = {}, [], []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in internal[node]:
            if state.get(nxt) == "open":
                cycles.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in internal:
        if node not in state:
            visit(node)
    return cycles


GRAPH = _graph()


def test_every_module_is_on_a_floor_or_beside():
    for module in GRAPH:
        if module == "dlkit":
            continue
        short = _short(module)
        assert short in FLOORS or short in BESIDE, (
            f"{module} is on no floor: add it to FLOORS in tests/test_import_graph.py "
            "(and to the map in dlkit/__init__.py)"
        )


def test_no_import_cycle():
    # dlkit/__init__.py imports its modules lazily (importlib), never statically
    assert not [t for t, *_ in GRAPH["dlkit"] if t in GRAPH]
    cycles = _cycles(GRAPH)
    assert not cycles, "import cycles in dlkit: " + "; ".join(" -> ".join(c) for c in cycles)


def test_the_cycle_finder_sees_imports_inside_functions(tmp_path):
    """A cycle held together by an import inside a method is still a cycle."""
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from . import b\n")
    (package / "b.py").write_text("from .sub import c\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "c.py").write_text(
        "class C:\n    def f(self):\n        from ..a import x  # lazy\n        return x\n"
    )
    graph = _graph(package)
    assert ("pkg.a", "function", 3) in [(t, w, n) for t, w, n, _ in graph["pkg.sub.c"]]
    assert _cycles(graph) == [["pkg.a", "pkg.b", "pkg.sub.c", "pkg.a"]]
    (package / "sub" / "c.py").write_text("import numpy\n")
    assert _cycles(_graph(package)) == []


def test_the_ground_floor_imports_no_drawing_code():
    bad = []
    for importer, targets in GRAPH.items():
        if _short(importer) not in GROUND:
            continue
        for target, where, lineno, path in targets:
            top = target.split(".")[0]
            drawing = top in DRAWING_LIBRARIES or (
                top == "dlkit" and _short(target) in {"plot", "widgets", "display"}
            )
            if drawing:
                bad.append(f"{path.name}:{lineno} imports {target} ({where} level)")
    assert not bad, "the ground floor must stay NumPy only:\n" + "\n".join(bad)


def test_imports_go_down_the_floors_only():
    bad = []
    for importer, targets in GRAPH.items():
        if importer == "dlkit":
            continue
        me = _short(importer)
        for target, where, lineno, path in targets:
            if not target.startswith("dlkit.") or target == "dlkit":
                continue
            other = _short(target)
            if other == me:
                continue
            if other in BESIDE:
                ok = me in BESIDE_USERS[other]
            elif me in BESIDE:  # display imports nothing from dlkit, checks the ground floor
                ok = me == "checks" and other in GROUND
            else:
                ok = FLOORS[other] <= FLOORS[me] or (me, other, where) in UPWARD
            if not ok:
                bad.append(f"{path.relative_to(PACKAGE.parent)}:{lineno}: {me} imports {other}")
    assert not bad, "imports against the floors (see this file's docstring):\n" + "\n".join(bad)


def test_function_level_imports_are_lazy_on_purpose_and_say_why():
    """Inside a function, only the slow libraries (and ``plot`` from ``callbacks``), each
    with a comment on the import or just above its block."""
    bad = []
    for importer, targets in GRAPH.items():
        if _short(importer) in UNCHECKED_LAZY:
            continue
        for target, where, lineno, path in targets:
            if where != "function":
                continue
            top = target.split(".")[0]
            upward = (_short(importer), _short(target), where) in UPWARD
            if not (top in LAZY_LIBRARIES or upward):
                bad.append(f"{path.name}:{lineno}: {target} could be imported at the top")
                continue
            lines = path.read_text(encoding="utf-8").splitlines()
            k = lineno - 1
            while k > 0 and (
                not lines[k - 1].strip() or lines[k - 1].strip().startswith(("import ", "from "))
            ):
                k -= 1  # up to the first import of the block (isort separates groups)
            block = lines[max(k - 1, 0) : lineno]
            if not any("#" in line for line in block):
                bad.append(f"{path.name}:{lineno}: lazy import of {target} without a reason")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if m != "dlkit"))
def test_every_module_states_its_one_job_in_a_first_docstring_line(module):
    path = PACKAGE.parent.joinpath(*module.split("."))
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert doc and doc.splitlines()[0].strip(), f"{module} has no docstring stating its job"
