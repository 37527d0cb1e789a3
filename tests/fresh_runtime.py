"""Run the release notebooks the way a student first opens them on Colab.

A Colab runtime has NumPy, Matplotlib and ipywidgets but no dlkit, so the first code
cell of every notebook (the setup cell, rendered by course/notebooks.py) must install
dlkit and import it without a restart. This module recreates that situation:

1. A *base* virtual environment with Colab's versions of what the course uses
   (``COLAB_REQUIREMENTS``), built once with pip and cached under ``.compat/`` keyed
   by the interpreter and the requirement list. dlkit is never installed in it.
2. For every notebook, a fresh *overlay* venv (no pip of its own, ~0.1 s) that sees
   the base venv's packages through a ``.pth`` file: ``%pip install`` in the setup
   cell writes into the overlay, so each notebook starts without dlkit and the cached
   base stays clean, also when notebooks run in parallel.
3. A wheel of the working tree's dlkit, built once per test session without network.
4. The release notebook, executed with nbclient in a kernel of the overlay venv, from
   an empty working directory (like Colab's ``/content``), with the widget-disabling
   variables (CI, NBGRADER_EXECUTION, DLKIT_NO_WIDGETS) removed and Matplotlib's
   default (inline) backend. The only change to the notebook: the setup cell's
   install URL is replaced by the wheel's path; the graded test cells are left out.

Command line (prints what each notebook did; builds the base venv if needed)::

    python tests/fresh_runtime.py [assignment ...]
"""

from __future__ import annotations

import ast
import contextlib
import copy
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course import config, notebooks  # noqa: E402

PYTHON_VERSION = "3.13"  # Colab's Python (reported); another one is used if it is missing
# What Colab has preinstalled that the course uses (reported versions). ipykernel 6.17
# is the newest line that still goes with IPython 7.34.
COLAB_REQUIREMENTS = (
    "numpy==2.1.*",
    "matplotlib==3.10.*",
    "ipywidgets==7.7.1",
    "ipython==7.34.0",
    "ipykernel==6.17.1",
)
CACHE = ROOT / ".compat"
KERNEL_NAME = "colab-like"
# variables that switch dlkit's widgets to static figures or point Python elsewhere
CLEARED_ENV = (
    "CI",
    "NBGRADER_EXECUTION",
    "DLKIT_NO_WIDGETS",
    "MPLBACKEND",
    "PYTHONPATH",
    "PYTHONHOME",
    "VIRTUAL_ENV",
    "JUPYTER_PATH",
)
PROBE = "FRESH-RUNTIME-PROBE "
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

PROBE_BEFORE = f"""\
import importlib.util as _u, json as _j, sys as _s
print({PROBE!r} + _j.dumps({{"dlkit_importable": _u.find_spec("dlkit") is not None,
    "python": _s.version.split()[0], "prefix": _s.prefix}}))"""

PROBE_AFTER = f"""\
import json as _j, IPython as _I, ipywidgets as _W, matplotlib as _M, numpy as _N
print({PROBE!r} + _j.dumps({{"course": getattr(dlkit, "__course__", None),
    "file": dlkit.__file__, "ipython": _I.__version__, "ipywidgets": _W.__version__,
    "numpy": _N.__version__, "matplotlib": _M.__version__, "backend": _M.get_backend(),
    "widgets_enabled": dlkit.display.widgets_enabled()}}))"""

# a check that fails because the "student's" function overflows: IPython 7.34 must show
# it compactly (message, the student's line, no dlkit frames); see RuntimeRun.failing_check
FAILING_CHECK = """\
def probe_sigmoid(z):
    return 1 / (1 + np.exp(-z))


checks.check_no_warnings(probe_sigmoid, np.array([-1e4, 1e4]))"""

# moves the controls (sliders, drop-downs) of every widget the notebook displayed, in the
# live kernel, until one of them changes the image (some controls matter in one mode only)
PROBE_CONTROLS = f"""\
import json as _j
import ipywidgets as _W
from dlkit.widgets._base import _Interactive


def _controls(box):
    for child in getattr(box, "children", ()):
        if isinstance(child, (_W.FloatSlider, _W.IntSlider, _W.Dropdown)):
            yield child
        yield from _controls(child)


def _move(control):
    if isinstance(control, _W.Dropdown):
        control.index = (control.index + 1) % len(control.options)
    else:
        control.value = control.min if control.value != control.min else control.max


_moved = []
for _obj in [o for o in Out.values() if isinstance(o, _Interactive) and o._widget is not None]:
    _changed = None
    for _control in _controls(_obj.widget):
        _before = _obj._image.value
        _move(_control)
        if _obj._image.value != _before:
            _changed = _control.description
            break
    _moved.append(
        {{"widget": type(_obj).__name__, "redrawn_by": _changed, "unfinished": list(_obj.unfinished)}}
    )
print({PROBE!r} + _j.dumps(_moved))"""


# --- the environments --------------------------------------------------------------------
def find_python(version: str = PYTHON_VERSION) -> tuple[str, str | None]:
    """A working interpreter for ``version`` (like tests/compat.sh), else this one.

    Returns the interpreter and, when it is not the wanted version, a note saying so.
    """
    candidates = [shutil.which(f"python{version}")]
    candidates += sorted(
        str(p) for p in Path.home().glob(f".pyenv/versions/{version}*/bin/python{version}")
    )
    for candidate in filter(None, candidates):
        ok = subprocess.run([candidate, "-c", ""], capture_output=True).returncode == 0
        if ok:
            return candidate, None
    here = ".".join(map(str, sys.version_info[:2]))
    return sys.executable, f"python{version} not found: the Colab-like runtime uses Python {here}"


def _run(cmd: list[str], what: str, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise RuntimeError(
            f"{what} failed (exit {result.returncode}): {' '.join(map(str, cmd))}\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result


@contextlib.contextmanager
def _locked(path: Path):
    """An exclusive lock, so parallel test workers build the cached venv once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def base_venv(python: str | None = None, log=lambda *_: None) -> Path:
    """The cached venv with Colab's packages and no dlkit (built on first use)."""
    python = python or find_python()[0]
    version = _run([python, "-c", "import sys; print(sys.version)"], "python").stdout.strip()
    key = json.dumps({"python": version, "requirements": COLAB_REQUIREMENTS}, sort_keys=True)
    venv = CACHE / f"colab-runtime-{hashlib.sha256(key.encode()).hexdigest()[:10]}"
    stamp = venv / ".ok"
    with _locked(CACHE / "colab-runtime.lock"):
        if stamp.exists() and stamp.read_text() == key:
            return venv
        for stale in CACHE.glob("colab-runtime-*"):
            if stale.is_dir():
                shutil.rmtree(stale)
        start = time.perf_counter()
        log(f"building {venv.relative_to(ROOT)} ({' '.join(COLAB_REQUIREMENTS)})")
        _run([python, "-m", "venv", str(venv)], "creating the Colab-like venv")
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
        _run([*pip, *COLAB_REQUIREMENTS], "installing Colab's packages (needs PyPI)")
        absent = "import importlib.util as u; assert not u.find_spec('dlkit')"
        _run(
            [str(venv / "bin" / "python"), "-c", absent], "checking that dlkit is absent", cwd=venv
        )
        stamp.write_text(key)
        log(f"built in {time.perf_counter() - start:.0f} s")
    return venv


def overlay_venv(base: Path, where: Path) -> Path:
    """A fresh venv that sees ``base``'s packages but installs into its own folder."""
    _run([str(base / "bin" / "python"), "-m", "venv", "--without-pip", str(where)], "overlay venv")
    code = "import sysconfig; print(sysconfig.get_path('purelib')); print(sysconfig.get_path('platlib'))"
    base_dirs = dict.fromkeys(
        _run([str(base / "bin" / "python"), "-c", code], "base paths").stdout.split()
    )
    own = _run([str(where / "bin" / "python"), "-c", code], "overlay paths").stdout.split()[0]
    # an `import` line in a .pth file runs at start-up; addsitedir also reads base's .pth files
    lines = [f"import site; site.addsitedir({d!r})" for d in base_dirs]
    (Path(own) / "_colab_base.pth").write_text("\n".join(lines) + "\n")
    return where


def build_wheel(out: Path, root: Path = ROOT) -> Path:
    """A wheel of the dlkit in ``root`` (this checkout, or a published student repository),
    built offline from a copy (the tree stays clean)."""
    src = out / "src"
    shutil.copytree(root / "dlkit", src / "dlkit", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(root / name, src / name)
    wheels = out / "wheel"
    _run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
        + ["-w", str(wheels), str(src)],
        "building the dlkit wheel",
    )
    (wheel,) = wheels.glob("*.whl")
    return wheel


# --- running one notebook ------------------------------------------------------------------
@dataclass
class CellResult:
    index: int  # position in the release notebook
    kind: str  # "setup", "solution" or "demo"
    source: str
    error: dict | None = None  # ename, evalue, traceback (ANSI codes removed)
    outputs: list = field(default_factory=list)

    def head(self) -> str:
        return self.source.strip().splitlines()[0][:80] if self.source.strip() else ""


@dataclass
class RuntimeRun:
    assignment: str
    before: dict
    after: dict
    controls: list  # per displayed widget: which control redrew it
    cells: list[CellResult]
    skipped_tests: int
    seconds: float
    failing_check: dict | None = None  # the error of FAILING_CHECK, as the notebook shows it

    def unexpected_errors(self) -> list[str]:
        """Errors not explained by an unfinished exercise (see :func:`allowed_failure`)."""
        problems = []
        tainted = set()
        for cell in self.cells:
            tree = notebooks.parse_cell(cell.source)
            if cell.kind == "solution":
                tainted |= _defined(tree)
            if cell.error is None:
                continue
            reason = allowed_failure(cell, tree, tainted)
            if reason is None:
                tb = "\n".join(cell.error["traceback"])[-1500:]
                problems.append(
                    f"cell {cell.index} ({cell.kind}) `{cell.head()}` raised "
                    f"{cell.error['ename']}: {cell.error['evalue']}\n{tb}"
                )
            else:  # what it would have defined is now missing for later cells
                tainted |= _defined(tree)
        return problems


def _defined(tree) -> set[str]:
    """Top-level names a cell binds (functions, classes, assignment targets)."""
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        for target in ast.walk(node) if isinstance(node, ast.Assign | ast.AnnAssign) else ():
            if isinstance(target, ast.Name) and isinstance(target.ctx, ast.Store):
                names.add(target.id)
    return names


def _used(tree) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def allowed_failure(cell: CellResult, tree, tainted: set[str]) -> str | None:
    """Why an error is expected in a release notebook, or None when it is a bug.

    Rule: an answer cell may raise NotImplementedError (its stub); any other cell may
    fail only if it uses a name that an answer cell defines (or that an earlier cell
    failed to define for that reason), and then only with a NotImplementedError raised
    by the stub itself (innermost frame) where the cell called it without dlkit in
    between, one that says which exercise to finish (:data:`FINISH`: the stub reached
    through dlkit, picked by ``dlkit.yours_or_reference``), or a NameError for such a
    name. Everything else (setup, imports, dlkit, widgets, plots) must run cleanly.
    """
    ename, evalue = cell.error["ename"], cell.error["evalue"]
    if cell.kind == "solution" and ename == "NotImplementedError":
        return "unfinished answer"
    if cell.kind != "demo":
        return None
    uses = _used(tree) & tainted
    if not uses:
        return None
    if ename == "NotImplementedError" and FINISH.fullmatch(evalue):
        return f"runs unfinished {sorted(uses)} and says which exercise to finish"
    traceback = cell.error["traceback"]
    if ename == "NotImplementedError" and _from_stub(traceback) and not _through_dlkit(traceback):
        return f"calls unfinished {sorted(uses)}"
    missing = re.search(r"name '(\w+)' is not defined", evalue)
    if ename == "NameError" and missing and missing.group(1) in tainted:
        return f"uses {missing.group(1)}, not defined because an exercise is unfinished"
    return None


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


#: What a demo raises when dlkit runs a stub that no reference can stand in for
#: (dlkit.yours_or_reference in a student copy): one line saying what to finish.
FINISH = re.compile(
    r"this cell runs your \w+, which is not written yet: finish (Exercise \d+ of \w+ \(\w+\)|"
    r"your \w+), then run the cells again from the first one that stopped with this message"
)


def _through_dlkit(traceback: list[str]) -> bool:
    """True when a frame between the cell and the innermost one is dlkit's code."""
    return any(re.search(r"[/\\]dlkit[/\\][\w/\\]*\.py", frame) for frame in traceback[:-2])


def _from_stub(traceback: list[str]) -> bool:
    """True when the innermost frame is nbgrader's stub ``# YOUR CODE HERE / raise ...``."""
    innermost = traceback[-2] if len(traceback) >= 2 else ""
    return "YOUR CODE HERE" in innermost and "raise NotImplementedError" in innermost


def _probe(cell) -> object:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            for line in out.get("text", "").splitlines():
                if line.startswith(PROBE):
                    return json.loads(line[len(PROBE) :])
    raise AssertionError(f"probe printed nothing; outputs: {cell.get('outputs')}")


def _error(cell) -> dict | None:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return {
                "ename": out["ename"],
                "evalue": out["evalue"],
                "traceback": [_ANSI.sub("", line) for line in out["traceback"]],
            }
    return None


def colab_notebook(assignment_id: str, install_source: str, nb=None, keep_tests: bool = False):
    """The release notebook (or ``nb``, e.g. a solved one) as the test runs it: probes added,
    install source replaced, graded test cells left out unless ``keep_tests``.
    Returns (notebook, list of (index, kind) per kept cell)."""
    import nbformat

    if nb is None:
        nb = notebooks.read(config.get_assignment(assignment_id).path("release"))
    cells, kinds, skipped = [], [], 0
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        meta = notebooks.nbgrader_meta(cell)
        if meta.get("grade") and not meta.get("solution"):
            if keep_tests:
                cells.append(copy.deepcopy(cell))
                kinds.append((index, "test"))
                continue
            skipped += 1  # graded test cells fail on stubs by design
            continue
        cell = copy.deepcopy(cell)
        if notebooks.grade_id(cell) == notebooks.SETUP_ID:
            quoted = f'"{config.INSTALL_URL}"'
            if cell.source.count(quoted) != 1:
                raise AssertionError(
                    f"{assignment_id}: the setup cell does not install {quoted} exactly once"
                )
            cell.source = cell.source.replace(quoted, f'"{install_source}"')
            cells += [nbformat.v4.new_code_cell(PROBE_BEFORE), cell]
            kinds += [(None, "probe"), (index, "setup")]
            cells.append(nbformat.v4.new_code_cell(PROBE_AFTER))
            kinds.append((None, "probe"))
            cells.append(nbformat.v4.new_code_cell(FAILING_CHECK))
            kinds.append((None, "failing check"))
            continue
        cells.append(cell)
        kinds.append((index, "solution" if meta.get("solution") else "demo"))
    cells.append(nbformat.v4.new_code_cell(PROBE_CONTROLS))
    kinds.append((None, "probe"))
    if not any(kind == "setup" for _, kind in kinds):
        raise AssertionError(f"{assignment_id}: no setup cell")
    out = nbformat.v4.new_notebook(metadata=copy.deepcopy(nb.metadata))
    out.cells = cells
    return out, kinds, skipped


def kernel_env(prefix: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in CLEARED_ENV}
    env["PATH"] = f"{prefix / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["PIP_NO_INDEX"] = "1"  # the setup cell installs a local wheel: no network
    env["PYTHONNOUSERSITE"] = "1"
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # ipykernel 6.17's debugger on Python 3.13
    return env


def run_notebook(
    assignment_id: str,
    base: Path,
    wheel: Path,
    work: Path,
    timeout: int = 180,
    nb=None,
    keep_tests: bool = False,
):
    """Execute one release notebook (or ``nb``) in a fresh overlay of ``base``; return a
    RuntimeRun. ``keep_tests`` runs the graded test cells too (for a solved notebook)."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    start = time.perf_counter()
    prefix = overlay_venv(base, work / "venv")
    kernels = work / "kernels" / KERNEL_NAME
    kernels.mkdir(parents=True)
    spec = {
        "argv": [str(prefix / "bin" / "python"), "-m", "ipykernel_launcher", "-f"]
        + ["{connection_file}"],
        "display_name": "Colab-like (fresh)",
        "language": "python",
    }
    (kernels / "kernel.json").write_text(json.dumps(spec))
    content = work / "content"  # an empty folder, like Colab's /content: no dlkit beside it
    content.mkdir()
    nb, kinds, skipped = colab_notebook(assignment_id, str(wheel), nb, keep_tests)
    km = KernelManager(
        kernel_name=KERNEL_NAME,
        kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(work / "kernels")]),
    )
    client = NotebookClient(
        nb,
        km=km,
        timeout=timeout,
        allow_errors=True,
        store_widget_state=True,
        resources={"metadata": {"path": str(content)}},
    )
    try:
        client.execute(env=kernel_env(prefix))
    finally:
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    by_kind = {kind: cell for cell, (_, kind) in zip(nb.cells, kinds, strict=True)}
    err = _error(by_kind["setup"])
    if err:  # say why before the probes fail for want of dlkit
        printed = _ANSI.sub("", "".join(o.get("text", "") for o in by_kind["setup"].outputs))
        raise AssertionError(
            f"{assignment_id}: the setup cell failed on the fresh runtime: "
            f"{err['ename']}: {err['evalue']}\n{printed[-2000:]}\n"
            + "\n".join(err["traceback"])[-2000:]
        )
    probes = [cell for cell, (_, kind) in zip(nb.cells, kinds, strict=True) if kind == "probe"]
    failing = next(
        c for c, (_, kind) in zip(nb.cells, kinds, strict=True) if kind == "failing check"
    )
    for probe_cell in probes:
        err = _error(probe_cell)
        if err:
            raise AssertionError(
                f"{assignment_id}: probe cell failed: {err['ename']}: {err['evalue']}\n"
                + "\n".join(err["traceback"])[-2000:]
            )
    cells = [
        CellResult(index, kind, cell.source, _error(cell), cell.get("outputs", []))
        for cell, (index, kind) in zip(nb.cells, kinds, strict=True)
        if kind not in ("probe", "failing check")
    ]
    return RuntimeRun(
        assignment_id,
        before=_probe(probes[0]),
        after=_probe(probes[1]),
        controls=_probe(probes[2]),
        cells=cells,
        skipped_tests=skipped,
        seconds=time.perf_counter() - start,
        failing_check=_error(failing),
    )


def widget_views(run: RuntimeRun) -> list[int]:
    """Indices of the cells that displayed a live ipywidgets view."""
    return [
        c.index for c in run.cells if any(WIDGET_MIME in out.get("data", {}) for out in c.outputs)
    ]


def main(argv: list[str]) -> int:
    ids = argv or [a.id for a in config.ASSIGNMENTS]
    python, note = find_python()
    if note:
        print(note)
    base = base_venv(python, log=print)
    status = 0
    with tempfile.TemporaryDirectory() as tmp:
        wheel = build_wheel(Path(tmp) / "wheel")
        for assignment_id in ids:
            run = run_notebook(assignment_id, base, wheel, Path(tmp) / assignment_id)
            problems = run.unexpected_errors()
            status |= bool(problems)
            failed = sum(c.error is not None for c in run.cells)
            print(
                f"{assignment_id}: {run.seconds:.1f} s, Python {run.before['python']}, "
                f"dlkit before setup: {run.before['dlkit_importable']}, after: "
                f"{run.after['course']} (ipywidgets {run.after['ipywidgets']}, IPython "
                f"{run.after['ipython']}), {len(run.cells)} cells run, {failed} stopped at "
                f"a stub, {run.skipped_tests} test cells left out, widget views in cells "
                f"{widget_views(run)}, controls {run.controls}"
            )
            for problem in problems:
                print("  UNEXPECTED:", problem)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
