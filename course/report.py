"""The class report: which tests did the class fail, and why (``python -m course report``).

Run after ``autograde`` on the same workdir. It reads what grading left there:

    gradebook.db           scores per submission and per test cell (manual grades too)
    autograded/            the executed notebooks: each failing test cell's error
    manifest.json          who was expected to submit what (optional)
    results/               each submission's status and the grader's notes (optional)

and writes ``WORKDIR/report/``:

    index.html             one self-contained page (no network): per assignment the score
                           histogram, mean and median, missing/errored/flagged counts, the
                           share of the class that passed each test cell, the most frequent
                           failure messages with who got them, cells that hit the time limit,
                           and the test cells with the lowest pass rates
    tests.csv              one row per assignment and test cell
    <assignment>.png       the score histograms, as drawn on the page

A failure message is the check's first line and its hint (``dlkit.checks`` writes both),
with hidden-test code redacted as in feedback, ANSI colours removed, and its length
capped: a submission controls what its functions raise, so nothing of it reaches the
page unescaped or unbounded.
"""

from __future__ import annotations

import base64
import csv
import html
import json
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from nbformat import from_dict

from . import notebooks
from .config import ASSIGNMENTS
from .preprocessors import _REDACTED, hidden_test_lines

#: caps on what a submission can put on the page
MAX_TITLE, MAX_HINT, TOP_MESSAGES, MAX_NAMES = 200, 300, 5, 12
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", re.I)
_TIMEOUT = ("CellTimeoutError", "NotebookTimeBudgetExceeded", "TimeoutError")


class NothingGraded(RuntimeError):
    """The workdir holds no graded submission yet."""


@dataclass
class Message:
    """One failure message of a test cell and the students who got it."""

    title: str
    hint: str
    students: list[str] = field(default_factory=list)


@dataclass
class TestCell:
    grade_id: str
    exercise: str
    points: float
    passed: int = 0
    graded: int = 0
    messages: dict[str, Message] = field(default_factory=dict)
    timeouts: list[str] = field(default_factory=list)

    @property
    def pass_rate(self) -> float:
        return self.passed / self.graded if self.graded else 0.0

    def top(self, n: int = TOP_MESSAGES) -> list[Message]:
        return sorted(self.messages.values(), key=lambda m: (-len(m.students), m.title))[:n]


@dataclass
class AssignmentReport:
    id: str
    title: str
    max_score: float
    scores: dict[str, float] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    errored: dict[str, str] = field(default_factory=dict)
    flagged: dict[str, str] = field(default_factory=dict)
    tests: list[TestCell] = field(default_factory=list)
    #: exercise -> [submissions that passed every test cell of it, submissions graded]
    exercises: dict[str, list[int]] = field(default_factory=dict)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.scores.values()) if self.scores else 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.scores.values()) if self.scores else 0.0

    def weakest(self, n: int = 5) -> list[TestCell]:
        """The test cells with the lowest pass rates, one per exercise."""
        graded = [t for t in self.tests if t.graded and t.pass_rate < 1.0]
        picked: dict[str, TestCell] = {}
        for t in sorted(graded, key=lambda t: (t.pass_rate, -t.points)):
            picked.setdefault(t.exercise, t)
        return list(picked.values())[:n]


# --- reading what grading left -----------------------------------------------------------


def _clean(text: str, limit: int) -> str:
    text = _ANSI.sub("", text).replace("\r", "")
    text = "".join(ch if ch.isprintable() else " " for ch in text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def failure_message(output: dict, hidden: set[str]) -> tuple[str, str]:
    """(title, hint) of an error output: the check's first line and its ``Hint:`` line."""
    evalue = str(output.get("evalue") or "")[:20_000]
    lines = [line for line in evalue.split("\n") if line.strip()]
    if hidden:
        lines = [_REDACTED if any(h in line for h in hidden) else line for line in lines]
    first = lines[0] if lines else ""
    ename = str(output.get("ename") or "Error")
    if ename == "NotImplementedError" and not first:
        first = "the exercise was not attempted (the stub's raise is still there)"
    title = f"{ename}: {first}" if first else ename
    hint = next(
        (line.strip()[5:].strip() for line in lines if line.strip().startswith("Hint:")), ""
    )
    return _clean(title, MAX_TITLE), _clean(hint, MAX_HINT)


def _test_id(cell: dict) -> str | None:
    """The grade_id of a test cell (graded, not an answer), else None."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta.get("grade_id") if meta.get("grade") and not meta.get("solution") else None


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, ValueError):
        return None


def _gradebook(workdir: Path) -> dict:
    """{assignment: {student: (score, {grade_id: (auto_score or score, max_score)})}}."""
    from nbgrader.api import Gradebook

    db = workdir / "gradebook.db"
    if not db.exists():
        return {}
    found: dict = defaultdict(dict)
    with Gradebook(f"sqlite:///{db}") as gb:
        for assignment in gb.assignments:
            for submission in assignment.submissions:
                cells = {}
                for nb in submission.notebooks:
                    for grade in nb.grades:
                        cells[grade.name] = (float(grade.score or 0), float(grade.max_score or 0))
                found[assignment.name][submission.student_id] = (float(submission.score), cells)
    return found


def build(workdir: Path) -> list[AssignmentReport]:
    """The report's data, from a workdir that ``autograde`` (or ``grade``) filled."""
    workdir = Path(workdir).resolve()
    grades = _gradebook(workdir)
    manifest = _read_json(workdir / "manifest.json") or []
    entries = {(e.get("student"), e.get("assignment")): e for e in manifest}
    results = {}
    for path in sorted((workdir / "results").glob("*/*/result.json")):
        result = _read_json(path)
        if isinstance(result, dict) and "student" in result and "assignment" in result:
            results[(result["student"], result["assignment"])] = result
    if not any(grades.values()):
        raise NothingGraded(
            f"nothing graded in {workdir}: run `python -m course autograde --workdir {workdir}` "
            "(or `python -m course grade SUBMISSIONS`) first"
        )
    reports = []
    for a in ASSIGNMENTS:
        graded = grades.get(a.id, {})
        expected = sorted(
            {e["student"] for e in manifest if e.get("assignment") == a.id}
            | {s for (s, aid) in results if aid == a.id}
            | set(graded)
        )
        if not expected:
            continue  # not collected or not graded yet
        release = workdir / "release" / a.id / a.notebook
        if not release.exists():
            release = a.path("release")
        rel = _notebook(release) or from_dict({"cells": []})
        # each test cell's exercise, as the course defines it (course check keeps it so)
        owner = {
            notebooks.grade_id(t): name
            for name, ex in notebooks.exercises(rel).items()
            for t in ex.tests
        }
        tests = [
            TestCell(
                _test_id(c),
                owner[_test_id(c)],
                float(notebooks.nbgrader_meta(c).get("points") or 0),
            )
            for c in rel.cells
            if _test_id(c)
        ]
        by_id = {t.grade_id: t for t in tests}
        # what feedback redacts; from the source notebook where the course has it, else from
        # each autograded notebook (the grader restored its test cells)
        hidden = _hidden(a.path("source")) if a.path("source").exists() else None
        report = AssignmentReport(a.id, a.title, float(a.points), tests=tests)
        for student in expected:
            entry = entries.get((student, a.id), {})
            result = results.get((student, a.id), {})
            status = str(result.get("status") or "")
            notes = [*entry.get("notes", []), *result.get("notes", [])]
            if student not in graded:
                if status.startswith("error") or (status and not status.startswith("missing")):
                    report.errored[student] = status
                else:
                    report.missing.append(student)
                continue
            score, cells = graded[student]
            report.scores[student] = score
            if notes:
                report.flagged[student] = "; ".join(dict.fromkeys(map(str, notes)))
            full: dict[str, bool] = {}
            for grade_id, (got, out_of) in cells.items():
                if grade_id in by_id:
                    passed = got >= out_of > 0 or out_of == 0
                    by_id[grade_id].graded += 1
                    by_id[grade_id].passed += passed
                    exercise = by_id[grade_id].exercise
                    full[exercise] = full.get(exercise, True) and passed
            for exercise, passed in full.items():
                counts = report.exercises.setdefault(exercise, [0, 0])
                counts[0] += passed
                counts[1] += 1
            _read_failures(
                workdir / "autograded" / student / a.id / a.notebook, student, by_id, cells, hidden
            )
        reports.append(report)
    return reports


def _notebook(path: Path):
    """The notebook at ``path`` as nbformat reads it (sources joined), None when unreadable."""
    import nbformat

    try:
        return nbformat.reads(path.read_text(encoding="utf-8", errors="replace"), as_version=4)
    except Exception:  # a malformed notebook still gets its scores counted
        return None


def _hidden(path: Path) -> set[str]:
    """What feedback redacts: the lines only the hidden tests of ``path`` hold."""
    nb = _notebook(path)
    return hidden_test_lines(nb) if nb is not None else set()


def _timed_out(output: dict) -> bool:
    return any(t in json.dumps(output)[:100_000] for t in _TIMEOUT)


def _read_failures(path: Path, student: str, by_id: dict, cells: dict, hidden) -> None:
    """Count ``student``'s failure messages and time limits into the test cells ``by_id``."""
    if hidden is None:
        hidden = _hidden(path)
    nb = _read_json(path)
    if not isinstance(nb, dict):
        return
    answer_timed_out = False  # an answer cell that hit the limit shows at the next test
    for cell in nb.get("cells", []):
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            answer_timed_out |= any(_timed_out(o) for o in cell.get("outputs", []))
            continue
        test = by_id.get(_test_id(cell))
        if test is None:
            continue
        if answer_timed_out and student not in test.timeouts:
            test.timeouts.append(student)
        answer_timed_out = False
        got, out_of = cells.get(test.grade_id, (0.0, test.points))
        for output in cell.get("outputs", []):
            if output.get("output_type") != "error":
                continue
            if any(t in str(output.get("ename", "")) for t in _TIMEOUT):
                if student not in test.timeouts:
                    test.timeouts.append(student)
            if got >= out_of > 0:
                continue
            title, hint = failure_message(output, hidden)
            key = _NUMBER.sub("#", title) + "\n" + _NUMBER.sub("#", hint)
            test.messages.setdefault(key, Message(title, hint)).students.append(student)
            break


# --- writing the report ------------------------------------------------------------------


def _histogram(report: AssignmentReport) -> bytes:
    """PNG of the score distribution, in the course's figure style."""
    import io

    from dlkit.plot import CLASS_COLORS, new_figure

    fig, ax = new_figure(pyplot=False, scale=0.8, dpi=100)
    scores = list(report.scores.values())
    top = max(report.max_score, max(scores, default=0.0), 1.0)
    # one bar per point while that stays readable (scores are whole or half points)
    bins = int(top) + 1 if top <= 40 else 20
    ax.hist(
        scores, bins=bins, range=(0, top + 1 if top <= 40 else top),
        color=CLASS_COLORS[1], edgecolor="white", align="left" if top <= 40 else "mid",
    )  # fmt: skip
    ax.axvline(report.mean, color=CLASS_COLORS[0], lw=2, label=f"mean {report.mean:.1f}")
    ax.axvline(report.median, color="0.2", lw=1.5, ls="--", label=f"median {report.median:.1f}")
    ax.set(
        xlabel=f"score (out of {report.max_score:g})",
        ylabel="submissions",
        title=f"{report.id}: {len(scores)} graded",
    )
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(frameon=False)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _names(students: list[str]) -> str:
    shown = ", ".join(html.escape(s) for s in students[:MAX_NAMES])
    more = len(students) - MAX_NAMES
    return shown + (f" and {more} more" if more > 0 else "")


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


_CSS = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2em auto;max-width:70em;
 color:#222;padding:0 1em}
h1{margin-bottom:.2em} h2{border-top:2px solid #ddd;padding-top:1em;margin-top:2em}
table{border-collapse:collapse;width:100%;margin:.6em 0}
th,td{border-bottom:1px solid #e4e4e4;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f6f6f6} td.num{text-align:right;white-space:nowrap}
.bar{display:inline-block;height:.8em;background:#0072B2;vertical-align:middle}
.low{color:#b22} .msg{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px}
.hint{color:#555} .who{color:#666;font-size:13px}
.summary{display:flex;gap:2em;flex-wrap:wrap;align-items:flex-start}
.next{background:#fff6e5;border-left:4px solid #E69F00;padding:.5em 1em}
img{max-width:100%}
"""


def render(reports: list[AssignmentReport], pngs: dict[str, bytes]) -> str:
    """The self-contained HTML page (figures inline, no script, no outside resource)."""
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<title>Class report</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Class report</h1>",
        "<p>What the class got wrong, per assignment: the score distribution, each test "
        "cell's pass rate, and the failure messages students saw most (first line and hint; "
        "hidden-test code redacted).</p><ul>",
        *(
            f"<li><a href='#{html.escape(r.id)}'>{html.escape(r.id)}</a>: "
            f"{len(r.scores)} graded, mean {r.mean:.1f} / {r.max_score:g}</li>"
            for r in reports
        ),
        "</ul>",
    ]
    for r in reports:
        parts.append(
            f"<h2 id='{html.escape(r.id)}'>{html.escape(r.id)}: {html.escape(r.title)}</h2>"
        )
        weakest = r.weakest()
        if weakest:
            items = "".join(
                f"<li><code>{html.escape(t.grade_id)}</code> ({html.escape(t.exercise)}): "
                f"{_pct(t.pass_rate)} passed"
                + (
                    f"; most often: <span class='msg'>{html.escape(t.top(1)[0].title)}</span>"
                    if t.messages
                    else ""
                )
                + "</li>"
                for t in weakest
            )
            parts.append(
                f"<div class='next'><strong>Where to spend the next lecture</strong>"
                f"<ol>{items}</ol></div>"
            )
        img = base64.b64encode(pngs[r.id]).decode("ascii")
        parts.append(
            "<div class='summary'>"
            f"<img alt='score histogram of {html.escape(r.id)}' src='data:image/png;base64,{img}'>"
            "<table style='width:auto'>"
            f"<tr><th>graded</th><td class='num'>{len(r.scores)}</td></tr>"
            f"<tr><th>mean</th><td class='num'>{r.mean:.1f} / {r.max_score:g}</td></tr>"
            f"<tr><th>median</th><td class='num'>{r.median:.1f}</td></tr>"
            f"<tr><th>missing</th><td class='num'>{len(r.missing)}</td></tr>"
            f"<tr><th>errored</th><td class='num'>{len(r.errored)}</td></tr>"
            f"<tr><th>flagged</th><td class='num'>{len(r.flagged)}</td></tr>"
            "</table></div>"
        )
        for label, group in (("Missing", r.missing), ("Errored", list(r.errored))):
            if group:
                parts.append(
                    f"<p><strong>{label}:</strong> <span class='who'>{_names(group)}</span></p>"
                )
        if r.flagged:
            rows = "".join(
                f"<tr><td>{html.escape(s)}</td><td>{html.escape(_clean(n, 300))}</td></tr>"
                for s, n in list(r.flagged.items())[:50]
            )
            parts.append(
                f"<details><summary>Flagged by the grader ({len(r.flagged)})</summary>"
                f"<table><tr><th>student</th><th>notes</th></tr>{rows}</table></details>"
            )
        parts.append(
            "<table><tr><th>exercise</th><th>test cell</th><th>points</th><th>passed</th>"
            "<th>most frequent failures (students)</th></tr>"
        )
        shown = set()
        for t in r.tests:
            low = " class='low'" if t.graded and t.pass_rate < 0.5 else ""
            exercise = ""
            if t.exercise not in shown:  # the exercise's name and share once, on its first test
                shown.add(t.exercise)
                done, of = r.exercises.get(t.exercise, [0, 0])
                share = (
                    f"<div class='who'>{_pct(done / of)} passed all its tests</div>" if of else ""
                )
                exercise = f"<code>{html.escape(t.exercise)}</code>{share}"
            msgs = "".join(
                f"<div><span class='msg'>{html.escape(m.title)}</span> ({len(m.students)})"
                + (f"<div class='hint'>Hint: {html.escape(m.hint)}</div>" if m.hint else "")
                + f"<div class='who'>{_names(m.students)}</div></div>"
                for m in t.top()
            )
            if t.timeouts:
                msgs += f"<div class='low'>time limit: {_names(t.timeouts)}</div>"
            parts.append(
                f"<tr><td>{exercise}</td>"
                f"<td><code>{html.escape(t.grade_id)}</code></td><td class='num'>{t.points:g}</td>"
                f"<td class='num'{low}>{_pct(t.pass_rate)} "
                f"<span class='bar' style='width:{round(40 * t.pass_rate)}px'></span></td>"
                f"<td>{msgs or '&mdash;'}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write(workdir: Path, log=print) -> Path:
    """Write ``WORKDIR/report/`` (index.html, tests.csv, one PNG per assignment)."""
    workdir = Path(workdir).resolve()
    reports = build(workdir)
    out = workdir / "report"
    out.mkdir(parents=True, exist_ok=True)
    pngs = {}
    for r in reports:
        pngs[r.id] = _histogram(r)
        (out / f"{r.id}.png").write_bytes(pngs[r.id])
    with (out / "tests.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(
            [
                "assignment",
                "exercise",
                "test_cell",
                "points",
                "graded",
                "pass_rate",
                "top_message",
                "top_message_count",
            ]
        )
        for r in reports:
            for t in r.tests:
                top = t.top(1)
                writer.writerow(
                    [
                        r.id,
                        t.exercise,
                        t.grade_id,
                        f"{t.points:g}",
                        t.graded,
                        f"{t.pass_rate:.3f}",
                        top[0].title if top else "",
                        len(top[0].students) if top else 0,
                    ]
                )
    page = out / "index.html"
    page.write_text(render(reports, pngs), encoding="utf-8")
    log(f"class report: {page} ({len(reports)} assignment(s))")
    return page
