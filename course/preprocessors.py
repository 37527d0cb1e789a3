"""nbgrader preprocessors the course adds to nbgrader's own."""

from __future__ import annotations

import html
import json
import re
import time
from pathlib import Path

import jinja2
from jupyter_core.utils import run_sync
from nbconvert.exporters import HTMLExporter
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Integer, Unicode

from . import notebooks

_NOTE = "\n... [output truncated by the grader: {n:,} more characters]\n"
_TEXT_MIMES = ("text/plain", "text/html", "text/markdown", "text/latex")


def _map_text(output, fn) -> None:
    """Replace an output's stream text and its textual display data by ``fn(text)``."""
    if "text" in output:
        output["text"] = fn(output["text"])
    data = output.get("data", {})
    for mime in _TEXT_MIMES:
        if mime in data:
            data[mime] = fn(data[mime])


class LimitOutputBytes(NbGraderPreprocessor):
    """Truncate every text output to ``max_bytes`` characters.

    nbgrader's LimitOutput counts lines, so a single line of 50 MB passes through it
    into the autograded notebook and the feedback; this closes that gap.
    """

    max_bytes = Integer(100_000, help="Largest text output kept per output, in characters").tag(
        config=True
    )

    def _cut(self, text):
        if isinstance(text, list):
            text = "".join(text)
        if len(text) <= self.max_bytes:
            return text
        return text[: self.max_bytes] + _NOTE.format(n=len(text) - self.max_bytes)

    def preprocess_cell(self, cell, resources, index):
        for output in cell.get("outputs", []):
            _map_text(output, self._cut)
            if "traceback" in output:
                output["traceback"] = [self._cut(line) for line in output["traceback"]]
        return cell, resources


# --- grading a hostile submission -------------------------------------------------------

_RESTORE = (
    "try:\n"
    "    print('DLFS_GUARD', __import__('json').dumps("
    "__import__('_dlfs_guard').restore(get_ipython().user_ns)))\n"
    "except ImportError:\n"
    "    pass\n"
)
_CANARY = "from dlkit import checks as _dlfs_canary\n_dlfs_canary.check_close(1.0, 2.0, name='grader canary')\n"


def _is_test(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution")


class GuardedExecute(Execute):
    """nbgrader's Execute with a time budget per notebook and guards around the tests.

    - ``notebook_budget``: seconds for the whole notebook. Each cell gets at most
      what is left (and at most ``timeout``); once it is spent, the remaining code
      cells are not run and get an error output, so their tests score 0.
    - Before each test cell, the grading kernel's ``_dlfs_guard.restore()`` (see
      course/kernel_guard.py) puts back dlkit, numpy and builtins as they were
      before the submission ran: a patched ``checks.check_close`` does not survive.
    - After the last cell, a canary check that must fail is run: if it passes, the
      kernel itself was tampered with (cells blanked, errors swallowed).
    - ``report_path``: where a JSON summary of the above is written for the grader.
    """

    notebook_budget = Integer(
        0, help="Seconds for the whole notebook (0: no budget, only the per-cell timeout)"
    ).tag(config=True)
    report_path = Unicode("", help="Where to write a JSON report of the guards").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        self._deadline = (
            time.monotonic() + self.notebook_budget if self.notebook_budget > 0 else None
        )
        self._report = {"restored": [], "skipped_cells": 0, "canary": "not run"}
        try:
            return super().preprocess(nb, resources, km)
        finally:
            if self.report_path:
                Path(self.report_path).write_text(json.dumps(self._report))

    def _left(self) -> float | None:
        return None if self._deadline is None else self._deadline - time.monotonic()

    def _get_timeout(self, cell):
        timeout = super()._get_timeout(cell)
        left = self._left()
        if left is None:
            return timeout
        left = max(1, int(left))
        return left if timeout is None else min(timeout, left)

    def _hidden(self, code: str, timeout: int = 20) -> dict:
        """Run code in the kernel without touching the notebook; return status and stdout."""
        out = []

        def hook(msg):
            if msg["header"]["msg_type"] == "stream":
                out.append(msg["content"].get("text", ""))

        try:
            reply = run_sync(self.kc.execute_interactive)(
                code, store_history=False, timeout=timeout, output_hook=hook
            )
        except Exception as exc:  # timeout or dead kernel: the notebook's own cells report it
            return {"status": f"failed ({type(exc).__name__})", "stdout": ""}
        content = reply.get("content", {})
        return {
            "status": content.get("status"),
            "ename": content.get("ename"),
            "stdout": "".join(out),
        }

    def preprocess_cell(self, cell, resources, index):
        left = self._left()
        if cell.cell_type == "code" and left is not None and left <= 0:
            cell.outputs = [
                NotebookNode(
                    output_type="error",
                    ename="NotebookTimeBudgetExceeded",
                    evalue=f"not run: the notebook used up its {self.notebook_budget} s",
                    traceback=[
                        f"NotebookTimeBudgetExceeded: not run, the notebook used up its "
                        f"{self.notebook_budget} s"
                    ],
                )
            ]
            self._report["skipped_cells"] += 1
            return cell, resources
        if cell.cell_type == "code" and _is_test(cell):
            result = self._hidden(_RESTORE)
            for line in result["stdout"].splitlines():
                if line.startswith("DLFS_GUARD "):
                    for name in json.loads(line.split(" ", 1)[1]):
                        if name not in self._report["restored"]:
                            self._report["restored"].append(name)
        cell, resources = super().preprocess_cell(cell, resources, index)
        if index == len(self.nb.cells) - 1:
            self._hidden(_RESTORE)
            result = self._hidden(_CANARY)
            self._report["canary"] = (
                "failed as it must"
                if result["status"] == "error" and result.get("ename") == "AssertionError"
                else f"did not fail ({result['status']})"
            )
        return cell, resources


_REDACTED = "[hidden test code removed by the grader]"
_MIN_HIDDEN = 16  # shorter lines (")", "else:") say nothing about the hidden tests


def hidden_test_lines(nb) -> set[str]:
    """Stripped lines that occur only inside the hidden-test regions of ``nb``."""
    hidden, public = set(), set()
    for cell in nb.cells:
        inside = False
        for line in cell.get("source", "").split("\n"):
            text = line.strip()
            if text == "### BEGIN HIDDEN TESTS":
                inside = True
            elif text == "### END HIDDEN TESTS":
                inside = False
            elif len(text) >= _MIN_HIDDEN:
                (hidden if inside else public).add(text)
    return hidden - public


class RedactHiddenTests(NbGraderPreprocessor):
    """Remove hidden-test code from outputs before ClearHiddenTests removes it from the source.

    A failing hidden test's traceback quotes the test's lines, and a submission can
    print its caller's source (``inspect.stack()``). In cells holding hidden tests, an
    error keeps only ``ename: evalue`` (which test failed and the check's message);
    in every cell, an output line quoting a hidden-test line is replaced.
    """

    def preprocess(self, nb, resources):
        self._lines = hidden_test_lines(nb)
        return super().preprocess(nb, resources)

    def _scrub(self, text):
        joined = "".join(text) if isinstance(text, list) else text
        if not self._lines:
            return joined
        out = []
        for line in joined.split("\n"):
            out.append(_REDACTED if any(h in line for h in self._lines) else line)
        return "\n".join(out)

    def preprocess_cell(self, cell, resources, index):
        has_hidden = "### BEGIN HIDDEN TESTS" in cell.get("source", "")
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["evalue"] = self._scrub(output.get("evalue", ""))
                if has_hidden:
                    output["traceback"] = [f"{output.get('ename', 'Error')}: {output['evalue']}"]
                else:
                    output["traceback"] = [
                        self._scrub(line) for line in output.get("traceback", [])
                    ]
            _map_text(output, self._scrub)
        return cell, resources


# --- feedback pages, faster ------------------------------------------------------------


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled Jinja templates kept in memory for the life of the process.

    nbconvert builds a new Jinja environment for every exporter, and nbgrader a new
    exporter for every feedback page, so each page used to compile the same nine
    templates again (about 1 s of the 2-3 s a page took on the 2-core machine). Jinja
    checks each template's source checksum before reusing its bytecode.
    """

    def __init__(self):
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_TEMPLATES = _CompiledTemplates()


def _first_failure(cell) -> str:
    """The first line of a test cell's error (a check's title), '' when it passed."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            first = (output.get("evalue") or "").strip().split("\n")[0]
            return f"{output.get('ename', 'Error')}: {first}"[:300]
    return ""


def _points(value) -> str:
    return f"{float(value or 0):g}"


class FeedbackSummary(NbGraderPreprocessor):
    """A summary for the top of the feedback page, in ``resources['dlfs_summary']``.

    nbgrader's page lists "Test cell (Score: 0.0 / 1.0)" once per test cell without
    saying which; this lists, per exercise, its points and each test cell by name with
    its score and, when it failed, the first line of the failure (a check's title),
    each linking to the cell. Runs after GetGrades (scores) and the redaction of
    hidden tests (so it only sees what the page shows).
    """

    def preprocess(self, nb, resources):
        rows = []
        # the course's own grouping (the class report's too); a submission may have lost
        # an answer cell, whose tests then come last, as "other tests"
        for name, exercise in notebooks.exercises(nb, strict=False).items():
            tests = exercise.tests
            if not tests:
                continue
            got = sum(float(t.metadata.nbgrader.get("score") or 0) for t in tests)
            out_of = sum(float(t.metadata.nbgrader.get("points") or 0) for t in tests)
            items = []
            for test in tests:
                meta = test.metadata.nbgrader
                failure = _first_failure(test)
                full = float(meta.get("score") or 0) >= float(meta.get("points") or 0)
                mark = "&#10003;" if full and not failure else "&#10007;"
                detail = (
                    f" &mdash; <span class='dlfs-failure'>{html.escape(failure)}</span>"
                    * bool(failure)
                )
                items.append(
                    f"<li class='{'dlfs-pass' if full else 'dlfs-fail'}'>{mark} "
                    f"<a href='#{html.escape(meta['grade_id'])}'><code>"
                    f"{html.escape(meta['grade_id'])}</code></a> "
                    f"{_points(meta.get('score'))} / {_points(meta.get('points'))}{detail}</li>"
                )
            rows.append(
                f"<li><strong><code>{html.escape(name)}</code></strong>: "
                f"{got:g} / {out_of:g} points<ul>{''.join(items)}</ul></li>"
            )
        resources["dlfs_summary"] = (
            "<div id='toc' class='dlfs-summary'><style>.dlfs-summary ul{list-style:none;"
            "padding-left:1.2em}.dlfs-pass{color:#2a7a2a}.dlfs-fail{color:#b22}"
            ".dlfs-failure{color:#333}</style>"
            f"<p>Per exercise, each test and its score; click a test to see it below.</p>"
            f"<ul>{''.join(rows)}</ul></div>"
        )
        return nb, resources


_TOC = re.compile(r'<div id="toc">.*?</div>', re.S)
_MATHJAX = re.compile(
    r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->|"
    r"<script[^>]*mathjax[^>]*>.*?</script>",
    re.S | re.I,
)


class FeedbackExporter(HTMLExporter):
    """The feedback page: nbconvert's HTML, the course's summary on top, nothing from the network.

    - Templates are compiled once per grading process (see ``_CompiledTemplates``).
    - nbgrader's list of anonymous "Test cell" links is replaced by FeedbackSummary's.
    - MathJax is not loaded from a CDN: an instructor may return feedback through an
      LMS that blocks outside scripts, so formulas stay readable TeX (``$\\sigma(z)$``).
    """

    def _create_environment(self):
        environment = super()._create_environment()
        environment.bytecode_cache = _TEMPLATES
        return environment

    def from_notebook_node(self, nb, resources=None, **kw):
        page, resources = super().from_notebook_node(nb, resources, **kw)
        summary = resources.get("dlfs_summary")
        if summary:
            page = _TOC.sub(lambda _: summary, page, count=1)
        return _MATHJAX.sub("", page), resources
