"""The widgets render and respond in a real JupyterLab, driven by headless Chromium.

A notebook with every course widget is opened in JupyterLab on 127.0.0.1; after
Run All, each widget must show its controls and a PNG, and moving a slider with the
keyboard must replace the image. Skipped where Chromium or Playwright is missing
(``make setup`` installs both when it can).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import nbformat
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
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
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (make setup installs it with apt where it can)")
    pytest.importorskip("playwright")
    root = tmp_path_factory.mktemp("lab")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in WIDGET_CELLS]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, root / "widgets.ipynb")
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
    # test needs every widget in the DOM. No news prompt either.
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
    server = subprocess.Popen(
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
        stderr=open(root / "lab.log", "w"),
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{url}/api/status", timeout=2)
            break
        except OSError:
            time.sleep(0.3)
    else:
        server.terminate()
        pytest.fail(f"JupyterLab did not start: {(root / 'lab.log').read_text()[-2000:]}")
    yield url, root
    server.terminate()
    server.wait(timeout=20)


def _clear_dialogs(page, seen: list[str]) -> None:
    """Accept (or escape) any modal dialog, remembering what it said."""
    for _ in range(3):
        dialog = page.locator(".jp-Dialog")
        if dialog.count() == 0 or not dialog.first.is_visible():
            return
        seen.append(dialog.first.inner_text()[:300])
        accept = dialog.first.locator(".jp-mod-accept")
        if accept.count():
            accept.first.click()
        else:
            page.keyboard.press("Escape")
        page.wait_for_timeout(300)


def test_every_widget_renders_and_responds(lab):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    url, root = lab
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        dialogs: list[str] = []
        try:
            page.goto(f"{url}/lab/tree/widgets.ipynb")
            page.wait_for_selector(
                ".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000
            )
            # Under load the first Run All can land before the kernel session is ready and
            # run nothing; retry it while no cell has even started (no "[*]" or "[n]" prompt).
            started = "[...document.querySelectorAll('.jp-InputPrompt')].some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))"
            for _attempt in range(4):
                _clear_dialogs(page, dialogs)
                page.click("text=Run", timeout=10_000)
                page.click("text=Run All Cells", timeout=10_000)
                try:
                    page.wait_for_function(started, timeout=15_000)
                    break
                except PlaywrightTimeout:
                    page.keyboard.press("Escape")
            page.wait_for_function(
                f"document.querySelectorAll('.widget-image').length >= {len(WIDGET_CELLS)}",
                timeout=90_000,
            )
            images = page.locator(".widget-image")
            assert images.count() == len(WIDGET_CELLS)
            for i in range(len(WIDGET_CELLS)):
                assert images.nth(i).get_attribute("src"), f"widget {i} shows no image"
            assert (
                page.locator(".widget-slider").count() >= 3 + 1 + 2 + 2
            )  # neuron, perceptron, playground, losses
            first = images.nth(0).get_attribute("src")
            handle = page.locator(".noUi-handle, .ui-slider-handle").first
            handle.focus()
            for _ in range(5):
                page.keyboard.press("ArrowRight")
            page.wait_for_function(
                "src => document.querySelector('.widget-image').getAttribute('src') !== src",
                arg=first,
                timeout=15_000,
            )
        except Exception as exc:
            raise AssertionError(
                f"{exc}\ndialogs seen: {dialogs}\nscreenshot: {root / 'lab.png'}"
            ) from exc
        finally:
            page.screenshot(path=str(root / "lab.png"), full_page=True)
            browser.close()
