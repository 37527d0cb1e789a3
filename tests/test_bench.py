"""bench/RESULTS.md must keep up with the course: one measured row per benchmark item."""

import re
from pathlib import Path

from course.config import ASSIGNMENTS

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"


def _rows() -> dict[str, str]:
    rows = {}
    for line in RESULTS.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 2 and not set(cells[1]) <= set("-: "):
            rows[cells[0]] = cells[1]
    return rows


def test_results_hold_a_measured_figure_for_every_benchmark_row():
    rows = _rows()
    wanted = [
        "import dlkit",
        "whole course, every solution notebook",
        "epoch on MNIST-sized data: dlkit",
        "epoch on MNIST-sized data: torch",
        "epoch time, dlkit / PyTorch CPU",
        "conv layer time, dlkit / PyTorch CPU",
        "CNN epoch time, dlkit / PyTorch CPU",
        "autograde throughput: plain nbgrader (sequential)",
        "autograde throughput: course grader, 2 workers",
        "class report (course report)",
        *(f"solution {a.id}" for a in ASSIGNMENTS),
    ]
    missing = [w for w in wanted if w not in rows]
    assert not missing, f"bench/RESULTS.md lacks rows {missing}: run `make bench` and update it"
    sliders = [k for k in rows if ":" in k and ("explorer" in k or "playground" in k)]
    assert len(sliders) >= 8, "slider latencies (neuron explorer, optimizer playground, ...)"
    for what in [*wanted, *sliders]:
        assert re.search(r"\d", rows[what]), f"{what}: no measured figure ({rows[what]!r})"
