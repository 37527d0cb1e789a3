"""The notebooks and their widgets work in a real JupyterLab, driven by headless Chromium.

JupyterLab runs on 127.0.0.1 with throwaway settings; Debian's Chromium (``make setup``
installs it with apt) is driven by Playwright. Two kinds of test:

* a generated notebook with every course widget: after Run All each widget shows its
  controls and a PNG, and moving a slider with the keyboard replaces the image;
* the release (student) and solution versions of the course notebooks listed in
  ``NOTEBOOKS``, opened as copies: solutions through Run → Run All Cells, which must end
  without any error output; release versions cell by cell as a student would, where only
  the ``NotImplementedError`` of the exercises left to do may appear. Then the named
  sliders are moved with the keyboard, and the PNG of the same widget must change.

Screenshots of the page before and after the moves, and the widget's PNGs, are kept in
``build/browser/`` (their paths are in every failure message).

The test is marked ``browser`` (and ``slow``). It is skipped only on request:
``DLFS_SKIP_BROWSER=1`` or ``-m "not browser"``. Without Chromium or Playwright it fails.
"""

from __future__ import annotations

import base64
import contextlib
import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no lock, xdist_group has to do
    fcntl = None

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "build" / "browser"
SKIP_REQUESTED = os.environ.get("DLFS_SKIP_BROWSER", "") not in ("", "0")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.skipif(SKIP_REQUESTED, reason="DLFS_SKIP_BROWSER is set: browser test skipped"),
]

CHROMIUM = (
    shutil.which("chromium")
    or shutil.which("chromium-browser")
    or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDGET_CELLS = [
    "import dlkit\nX, y = dlkit.data.players()\n"
    "dlkit.widgets.neuron_explorer(dlkit.data.standardize(X), y)",
    'dlkit.widgets.perceptron_demo(gate="xor")',
    "dlkit.widgets.mlp_playground()",
    "dlkit.widgets.loss_explorer()",
    "dlkit.widgets.vanishing_gradients()",
    "dlkit.widgets.optimizer_playground()",
    "dlkit.widgets.training_explorer()",
    "dlkit.widgets.regularization_explorer()",
    "import numpy as np\ny_h = np.tile([0, 1], 30)\np_h = np.linspace(0.05, 0.95, 60) ** (1 - 0.5 * y_h)\n"
    "dlkit.widgets.threshold_explorer(y_h, p_h)",
    "dlkit.widgets.conv_explorer()",
    "dlkit.widgets.gradient_through_time_explorer()",
    "import numpy as np\nimport dlkit\nt = dlkit.recurrent.toy_text(200, rng=0)\n"
    "ids, nxt, a = dlkit.recurrent.char_windows(t, 1)\n"
    "table = np.ones((len(a), len(a)))\nnp.add.at(table, (ids[:, 0], nxt), 1)\n"
    "table /= table.sum(axis=1, keepdims=True)\n"
    "dlkit.widgets.temperature_explorer(lambda w: table[w[:, -1]], a, t[:24], T=24)",
]
# module -> for each widget to move: (labels that identify it, labels of the sliders to move)
NOTEBOOKS = {
    "01_perceptron": [(("w1", "w2", "b"), ("w1", "w2", "b"))],
    "05_optimizers": [
        (("surface", "learning rate", "momentum β"), ("learning rate", "momentum β"))
    ],
    "09_convolutions": [(("kernel", "stride", "padding", "digit"), ("stride", "padding", "digit"))],
    "10_recurrent": [
        (("steps T", "scale of Wh", "max_norm"), ("steps T", "scale of Wh", "max_norm")),
        (("temperature", "sample"), ("temperature", "sample")),
    ],
}
VERSIONS = ("release", "solutions")
# exercises not done yet raise this in the student version; nothing else may fail there
EXERCISE_ERROR = "NotImplementedError"
IDLE = ".jp-Notebook-ExecutionIndicator[data-status='idle']"
CELL_TIMEOUT_MS = 180_000
PRESSES = 4  # ArrowRight presses per slider


def _browser_missing() -> str | None:
    """Why the browser test cannot run here, or None."""
    missing = []
    if CHROMIUM is None:
        missing.append("Chromium (/usr/bin/chromium)")
    if importlib.util.find_spec("playwright") is None:
        missing.append("the Python package playwright")
    if not missing:
        return None
    return (
        f"the real-browser test needs {' and '.join(missing)}. Fix: run `make setup` as root "
        "(it installs Chromium with apt-get and playwright with the dev extras), or "
        "`apt-get install chromium` and `.venv/bin/pip install -e '.[dev]'`. To skip this "
        "test on purpose, set DLFS_SKIP_BROWSER=1 or pass -m 'not browser'."
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """One JupyterLab server for the module, started on first use."""

    def __init__(self, root: Path):
        self.root = root
        self.url = ""
        self.server = None

    def start(self) -> str:
        if self.server is not None:
            return self.url
        root = self.root
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("CI", "DLKIT_NO_WIDGETS", "NBGRADER_EXECUTION")
        }
        # nothing from earlier runs or from the user's ~/.jupyter: workspaces reopen files,
        # and settings can turn on dialogs that would intercept the clicks below
        for var, sub in (
            ("JUPYTER_RUNTIME_DIR", "runtime"),
            ("JUPYTER_CONFIG_DIR", "config"),
            ("JUPYTERLAB_SETTINGS_DIR", "settings"),
            ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
        ):
            env[var] = str(root / "jupyter" / sub)
        # JupyterLab 4 only puts cells near the viewport into the page ("windowing"); the
        # test needs every cell in the DOM. No news prompt either.
        settings = root / "jupyter" / "settings" / "@jupyterlab"
        (settings / "notebook-extension").mkdir(parents=True)
        (settings / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
            '{"windowingMode": "none"}'
        )
        (settings / "apputils-extension").mkdir(parents=True)
        (settings / "apputils-extension" / "notification.jupyterlab-settings").write_text(
            '{"fetchNews": "false"}'
        )
        env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
        port = _free_port()
        self.log = root / "lab.log"
        self.server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyter",
                "lab",
                "--no-browser",
                "--allow-root",
                f"--port={port}",
                "--ServerApp.ip=127.0.0.1",
                "--IdentityProvider.token=",
                "--ServerApp.password=",
                "--ServerApp.disable_check_xsrf=True",
                f"--ServerApp.root_dir={root}",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(self.log, "w"),
        )
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/api/status", timeout=2)
                return self.url
            except OSError:
                time.sleep(0.3)
        pytest.fail(f"JupyterLab did not start: {self.log.read_text()[-2000:]}")

    def shutdown_kernels(self) -> None:
        """Stop the notebook's kernel: the next test should not share the two cores with it."""
        try:
            with urllib.request.urlopen(f"{self.url}/api/sessions", timeout=10) as r:
                sessions = json.load(r)
            for s in sessions:
                req = urllib.request.Request(f"{self.url}/api/sessions/{s['id']}", method="DELETE")
                urllib.request.urlopen(req, timeout=10)
        except OSError:
            pass

    def stop(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=20)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    server = Lab(tmp_path_factory.mktemp("lab"))
    yield server
    server.stop()


@pytest.fixture
def browser_page(lab):
    """Call it in the test for (lab url, page, dialogs seen): a fresh headless Chromium.
    Without Chromium or Playwright the test itself fails (not its setup, and no skip)."""
    with contextlib.ExitStack() as stack:

        def launch():
            problem = _browser_missing()
            if problem:
                pytest.fail(problem, pytrace=False)
            from playwright.sync_api import sync_playwright

            # One browser at a time on the machine, even if xdist spreads these tests over
            # workers (pytest 9.2 with pytest-xdist 3.8 silently ignores xdist_group).
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            lock = stack.enter_context(open(ARTIFACTS / ".lock", "w"))
            if fcntl is not None:
                fcntl.flock(lock, fcntl.LOCK_EX)
            url = lab.start()
            p = stack.enter_context(sync_playwright())
            context = p.chromium.launch_persistent_context(
                str(lab.root / f"chromium-{time.monotonic_ns()}"),  # a fresh --user-data-dir
                executable_path=CHROMIUM,
                args=CHROMIUM_ARGS,
                headless=True,
                viewport={"width": 1400, "height": 1000},
            )
            stack.callback(lab.shutdown_kernels)
            stack.callback(context.close)
            page = context.pages[0] if context.pages else context.new_page()
            dialogs: list[str] = []
            # a dialog can pop up at any moment under load ("Select Kernel" when the session
            # was slow to start): accept it before the next action instead of timing out
            page.add_locator_handler(
                page.locator(".jp-Dialog"), lambda dialog: _accept_dialog(page, dialog, dialogs)
            )
            return url, page, dialogs

        yield launch


# -- page helpers ------------------------------------------------------------------------
def _accept_dialog(page, dialog, seen: list[str]) -> None:
    """Accept (or escape) a modal dialog, remembering what it said."""
    seen.append(" ".join(dialog.first.inner_text().split())[:300])
    accept = dialog.first.locator(".jp-mod-accept")
    if accept.count():
        accept.first.click()
    else:
        page.keyboard.press("Escape")


def _clear_dialogs(page, seen: list[str]) -> None:
    """Accept any dialog that is up now (the locator handler only runs before actions)."""
    for _ in range(3):
        dialog = page.locator(".jp-Dialog")
        if dialog.count() == 0 or not dialog.first.is_visible():
            return
        _accept_dialog(page, dialog, seen)
        page.wait_for_timeout(300)


def _open(page, url: str, path: str, workspace: str, n_code: int) -> None:
    # a workspace of its own: the default one would reopen the notebooks of earlier tests
    page.goto(f"{url}/lab/workspaces/{workspace}/tree/{path}")
    page.wait_for_selector(IDLE, timeout=60_000)
    # Lab adds the cells to the page in batches: under load an early count misses some
    page.wait_for_function(
        f"document.querySelectorAll('.jp-Notebook .jp-CodeCell').length >= {n_code}",
        timeout=60_000,
    )


_STARTED = "p => /\\[(\\*|\\d+)\\]/.test(p.textContent)"
_DONE = (  # the cell has its number and the kernel is idle again
    "p => /\\[\\d+\\]/.test(p.textContent) && "
    "document.querySelector(\".jp-Notebook-ExecutionIndicator[data-status='idle']\") !== null"
)
_ANY_STARTED = (
    "[...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]"
    ".some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))"
)
_NONE_RUNNING = (
    "![...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]"
    ".some(p => p.textContent.includes('[*]'))"
)


def _run_all(page, dialogs: list[str]) -> None:
    """Run → Run All Cells, then wait until no cell is queued or running."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    # Under load the first Run All can land before the kernel session is ready and run
    # nothing; retry it while no cell has even started (no "[*]" or "[n]" prompt).
    for _attempt in range(4):
        _clear_dialogs(page, dialogs)
        try:
            page.click("text=Run", timeout=10_000)
            page.click("text=Run All Cells", timeout=10_000)
            page.wait_for_function(_ANY_STARTED, timeout=15_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    else:
        raise AssertionError("Run All Cells never started a cell")
    page.wait_for_function(_NONE_RUNNING, timeout=CELL_TIMEOUT_MS * 2, polling=250)
    page.wait_for_selector(IDLE, timeout=60_000)


def _run_cell_by_cell(page, dialogs: list[str], n_code: int) -> None:
    """Run every code cell on its own (Ctrl+Enter), waiting for each, as a student would:
    Run All stops at the first error, and the student version has unsolved exercises."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    cells = page.locator(".jp-Notebook .jp-CodeCell")
    assert cells.count() == n_code, f"{cells.count()} code cells on the page, {n_code} in the file"
    for i in range(n_code):
        cell = cells.nth(i)
        prompt = cell.locator(".jp-InputPrompt").first
        # "[*]" shows at once when the cell is sent; if it does not, the key press was lost
        # (the first cell in particular, while the kernel session settles): press again
        for attempt in range(4):
            if attempt:
                _clear_dialogs(page, dialogs)
            try:
                prompt.click(timeout=10_000)  # selects the cell (command mode)
                page.keyboard.press("Control+Enter")
                page.wait_for_function(_STARTED, arg=prompt.element_handle(), timeout=15_000)
                break
            except PlaywrightTimeout:
                if attempt == 3:
                    raise AssertionError(f"code cell {i} did not start") from None
        page.wait_for_function(_DONE, arg=prompt.element_handle(), timeout=CELL_TIMEOUT_MS)


def _save_and_read(page, path: Path, n_code: int) -> nbformat.NotebookNode:
    """Save from the browser and read back what it ran (outputs with ename and all)."""
    before = path.stat().st_mtime_ns
    page.locator(".jp-Notebook").first.click(position={"x": 5, "y": 5})
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")
    deadline = time.time() + 30
    while time.time() < deadline:
        if path.stat().st_mtime_ns != before:
            try:
                nb = nbformat.read(path, as_version=4)
                code = [c for c in nb.cells if c.cell_type == "code"]
                if len(code) >= n_code:
                    return nb
            except Exception:  # a half-written file: try again
                pass
        time.sleep(0.3)
    raise AssertionError(f"the notebook was not saved to {path} within 30 s")


def _problems(nb, version: str) -> tuple[list[str], int]:
    """Output that should not be there, and how many exercise errors there were."""
    problems, expected = [], 0
    for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        head = cell.source.strip().splitlines()[0][:70] if cell.source.strip() else ""
        if cell.source.strip() and cell.execution_count is None:
            problems.append(f"code cell {i} ({head!r}) did not run")
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                # widget cells use dlkit's own code: they must work before the exercises are done
                exercise = out.ename == EXERCISE_ERROR and "dlkit.widgets." not in cell.source
                if version == "release" and exercise:
                    expected += 1
                else:
                    problems.append(f"code cell {i} ({head!r}): {out.ename}: {out.evalue}")
            elif out.output_type == "stream" and out.name == "stderr":
                problems.append(f"code cell {i} ({head!r}) wrote to stderr: {out.text[:300]}")
    return problems, expected


_FIND_WIDGETS = """labels => [...document.querySelectorAll('.widget-vbox')].flatMap((box, i) => {
    const image = [...box.children].some(c => c.classList.contains('widget-image'));
    const have = new Set([...box.querySelectorAll('.widget-label')].map(l => l.textContent.trim()));
    return image && labels.every(l => have.has(l)) ? [i] : [];
})"""
_IMAGE_BYTES = """async img => {
    const blob = await (await fetch(img.src)).blob();
    return await new Promise(done => {
        const reader = new FileReader();
        reader.onload = () => done(reader.result);
        reader.readAsDataURL(blob);
    });
}"""


def _png(image) -> bytes:
    return base64.b64decode(image.evaluate(_IMAGE_BYTES).split(",", 1)[1])


def _settle(page, image) -> None:
    """Wait until the kernel is idle and the image has stopped changing."""
    last = image.get_attribute("src")
    for _ in range(40):
        page.wait_for_timeout(300)
        page.wait_for_selector(IDLE, timeout=60_000)
        now = image.get_attribute("src")
        if now == last:
            return
        last = now


def _move_sliders(page, box, labels, shots: list[Path], stem: str) -> list[str]:
    """Move each named slider of `box` with ArrowRight; its image must change each time.
    Returns a line per move for the report."""
    image = box.locator(".widget-image")
    assert image.count() == 1, f"{stem}: expected one image in the widget, found {image.count()}"
    box.scroll_into_view_if_needed()
    _settle(page, image)
    first = _png(image)
    _shot(page, shots, f"{stem}-before.png")
    (ARTIFACTS / f"{stem}-plot-before.png").write_bytes(first)
    shots.append(ARTIFACTS / f"{stem}-plot-before.png")
    report = []
    for label in labels:
        slider = box.locator(
            ".widget-slider",
            has=page.locator(".widget-label", has_text=re.compile(f"^{re.escape(label)}$")),
        )
        assert slider.count() == 1, f"{stem}: no single slider labelled {label!r}"
        readout = slider.locator(".widget-readout")
        value = readout.inner_text() if readout.count() else ""
        src, png = image.get_attribute("src"), _png(image)
        slider.locator(".noUi-handle").first.focus()
        for _ in range(PRESSES):
            page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "([img, src]) => img.getAttribute('src') !== src",
            arg=[image.element_handle(), src],
            timeout=15_000,
        )
        _settle(page, image)
        moved = readout.inner_text() if readout.count() else ""
        assert moved != value, f"{stem}: slider {label!r} stayed at {value}"
        assert _png(image) != png, f"{stem}: moving {label!r} left the plot unchanged"
        report.append(f"{label}: {value} -> {moved}")
    last = _png(image)
    assert last != first
    (ARTIFACTS / f"{stem}-plot-after.png").write_bytes(last)
    shots.append(ARTIFACTS / f"{stem}-plot-after.png")
    _shot(page, shots, f"{stem}-after.png")
    return report


def _shot(page, shots: list[Path], name: str) -> None:
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    shots.append(path)


def _scratch_notebook(path: Path, sources: list[str]) -> None:
    """A notebook of code cells with the default Python kernel, for a test of its own."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in sources]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)


def _fresh_artifacts(stem: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{stem}-*.png"):
        old.unlink()


def _failure(exc: Exception, page, stem: str, shots: list[Path], dialogs, lab) -> AssertionError:
    try:
        _shot(page, shots, f"{stem}-failure.png")
    except Exception:  # the page may be gone
        pass
    listing = "\n  ".join(str(s) for s in shots) or "(none)"
    return AssertionError(
        f"{exc}\ndialogs seen: {dialogs}\nscreenshots:\n  {listing}\nJupyterLab log: {lab.log}"
    )


# -- the tests ----------------------------------------------------------------------------
def test_every_widget_renders_and_responds(lab, browser_page):
    url, page, dialogs = browser_page()
    stem = "widgets"
    _fresh_artifacts(stem)
    _scratch_notebook(lab.root / "widgets.ipynb", WIDGET_CELLS)
    shots: list[Path] = []
    try:
        _open(page, url, "widgets.ipynb", stem, len(WIDGET_CELLS))
        _run_all(page, dialogs)
        page.wait_for_function(
            f"document.querySelectorAll('.widget-image').length >= {len(WIDGET_CELLS)}",
            timeout=90_000,
        )
        images = page.locator(".widget-image")
        assert images.count() == len(WIDGET_CELLS)
        for i in range(len(WIDGET_CELLS)):
            assert images.nth(i).get_attribute("src"), f"widget {i} shows no image"
        # neuron, perceptron, mlp, losses, gradients, optimizers (lr, beta, steps),
        # training explorer (lr, beta, epochs), regularisation explorer (dropout, epochs),
        # threshold explorer (threshold)
        assert page.locator(".widget-slider").count() >= 3 + 1 + 2 + 2 + 2 + 3 + 3 + 2 + 1
        boxes = page.evaluate(_FIND_WIDGETS, ["w1", "w2", "b"])
        assert boxes, "no neuron explorer with sliders w1, w2, b"
        box = page.locator(".widget-vbox").nth(boxes[0])
        _move_sliders(page, box, ["w1"], shots, stem)
        # a widget that retrains per setting (notebook 06): the new curves must arrive
        boxes = page.evaluate(_FIND_WIDGETS, ["dropout p", "L2 λ", "hidden units"])
        assert boxes, "no regularisation explorer with sliders dropout p, L2 λ, hidden units"
        box = page.locator(".widget-vbox").nth(boxes[0])
        _move_sliders(page, box, ["dropout p"], shots, f"{stem}-regularisation")
        # notebook 08's decision threshold: a new confusion matrix and ROC point
        boxes = page.evaluate(_FIND_WIDGETS, ["threshold"])
        assert boxes, "no threshold explorer with a slider threshold"
        box = page.locator(".widget-vbox").nth(boxes[0])
        _move_sliders(page, box, ["threshold"], shots, f"{stem}-threshold")
    except Exception as exc:
        raise _failure(exc, page, stem, shots, dialogs, lab) from exc


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("module", list(NOTEBOOKS))
def test_notebook_runs_and_sliders_redraw(lab, browser_page, module, version):
    source = ROOT / version / module / f"{module}.ipynb"
    if not source.exists():  # a missing notebook is a failure, never a skip
        pytest.fail(f"{source} is missing (make build writes release/ and solutions/)")
    url, page, dialogs = browser_page()
    stem = f"{module}-{version}"
    _fresh_artifacts(stem)
    # a copy without outputs (Lab autosaves, and only this run's outputs should count)
    folder = lab.root / version / module
    shutil.copytree(source.parent, folder, dirs_exist_ok=True)
    copy = folder / source.name
    nb = nbformat.read(source, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(nb, copy)
    n_code = sum(c.cell_type == "code" for c in nb.cells)
    shots: list[Path] = []
    try:
        _open(page, url, f"{version}/{module}/{source.name}", stem, n_code)
        if version == "solutions":
            _run_all(page, dialogs)
        else:
            _run_cell_by_cell(page, dialogs, n_code)
        _shot(page, shots, f"{stem}-ran.png")
        ran = _save_and_read(page, copy, n_code)
        problems, expected = _problems(ran, version)
        assert not problems, "unexpected output:\n" + "\n".join(problems)
        if version == "release":
            assert expected, f"the student version raised no {EXERCISE_ERROR}: is it a release?"
        widget_cells = sum("dlkit.widgets." in c.source for c in nb.cells if c.cell_type == "code")
        shown = page.locator(".widget-image").count()
        assert shown == widget_cells, f"{widget_cells} widget cells but {shown} widget images"
        report = []
        for w, (identify, move) in enumerate(NOTEBOOKS[module]):
            boxes = page.evaluate(_FIND_WIDGETS, list(identify))
            assert boxes, f"no widget with the controls {identify} and an image"
            for k, index in enumerate(boxes):
                box = page.locator(".widget-vbox").nth(index)
                name = stem + (f"-w{w + 1}" if w else "") + (f"-{k + 1}" if k else "")
                report += _move_sliders(page, box, move, shots, name)
        print(f"{stem}: {expected} exercise errors; moved {report}; dialogs {dialogs}")
    except Exception as exc:
        raise _failure(exc, page, stem, shots, dialogs, lab) from exc


FAILING_CELLS = [
    "import numpy as np\nfrom dlkit import checks",
    "def sigmoid(z):\n    z = np.asarray(z, dtype=float)\n    return 1 / (1 + np.exp(-z))",
    '"""A student\'s naive sigmoid, run through the stability check of notebook 01."""\n'
    "checks.check_no_warnings(sigmoid, np.array([-1e4, 0.0, 1e4]))",
]


def test_a_failed_check_reads_compactly(lab, browser_page):
    """What a student sees when a check fails: the message first, their own line, no dlkit frame."""
    url, page, dialogs = browser_page()
    stem = "failed-check"
    _fresh_artifacts(stem)
    _scratch_notebook(lab.root / "failed-check.ipynb", FAILING_CELLS)
    shots: list[Path] = []
    try:
        _open(page, url, "failed-check.ipynb", stem, len(FAILING_CELLS))
        _run_all(page, dialogs)
        error = page.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
        )
        error.first.wait_for(timeout=60_000)
        lines = [line for line in error.first.inner_text().splitlines() if line.strip()]
        error.first.scroll_into_view_if_needed()
        _shot(page, shots, f"{stem}-cell.png")
        assert lines[0].startswith("AssertionError: sigmoid is numerically unstable"), lines
        assert any(line.startswith("Hint:") for line in lines[:5]), lines
        assert "    return 1 / (1 + np.exp(-z))" in error.first.inner_text(), lines
        assert not any("checks.py" in line or "During handling" in line for line in lines), lines
        assert len(lines) <= 10, lines
    except Exception as exc:
        raise _failure(exc, page, stem, shots, dialogs, lab) from exc


def _example_report() -> str:
    """A class report page from made-up results (render() is what `course report` writes)."""
    from course.report import AssignmentReport, Message, TestCell, _histogram, render

    tests = [
        TestCell("sigmoid_values", "sigmoid", 2, passed=9, graded=12),
        TestCell("sigmoid_stable", "sigmoid", 2, passed=3, graded=12),
        TestCell("step_hidden", "step", 1, passed=12, graded=12),
    ]
    tests[1].messages["a"] = Message(
        "AssertionError: sigmoid is numerically unstable",
        "np.exp(-z) overflows for large negative z; use two branches. <script>alert(1)</script>",
        ["ann", "bo", "cy", "dee", "eli", "fay", "gus", "hal", "ivy"],
    )
    tests[0].messages["b"] = Message("NotImplementedError", "", ["bo", "cy", "gus"])
    tests[1].timeouts.append("hal")
    r = AssignmentReport("01_perceptron", "The perceptron", 22, tests=tests)
    r.scores = {
        s: float(v)
        for s, v in zip("abcdefghijkl", [22, 20, 19, 12, 8, 21, 22, 3, 15, 17, 18, 22], strict=True)
    }
    r.missing, r.errored, r.flagged = (
        ["zed"],
        {"kim": "error: the kernel died"},
        {"hal": "a cell hit the time limit"},
    )
    return render([r], {r.id: _histogram(r)})


def test_class_report_renders_offline(lab, browser_page, tmp_path):
    """The instructor's class report: one self-contained page, figure shown, markup escaped."""
    url, page, dialogs = browser_page()
    stem = "class-report"
    _fresh_artifacts(stem)
    path = tmp_path / "index.html"
    path.write_text(_example_report(), encoding="utf-8")
    shots: list[Path] = []
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto(path.as_uri())
        page.get_by_text("Where to spend the next lecture").wait_for(timeout=30_000)
        width = page.locator("img").first.evaluate("img => img.naturalWidth")
        assert width > 100, f"the histogram did not load (naturalWidth {width})"
        assert page.locator("script").count() == 0
        assert "<script>alert(1)</script>" in page.inner_text("body")
        assert all(u.startswith(("file:", "data:")) for u in requests), requests
        _shot(page, shots, f"{stem}-page.png")
    except Exception as exc:
        raise _failure(exc, page, stem, shots, dialogs, lab) from exc
    assert not dialogs, dialogs
