"""The course benchmark: one table of measured figures, asserting nothing.

Run with ``make bench``. Rows: ``import dlkit``, every widget's slider callback
(recompute + redraw to PNG, the kernel round trip excluded), every solution notebook
executed top to bottom (kernel start included) and the course total, and, when their
scripts are present, dlkit's training epoch against PyTorch (bench/epoch.py) and
autograding throughput (bench/grading.py). ``--skip NAME`` leaves a section out
(import, sliders, notebooks, epoch, grading); ``--markdown`` prints a Markdown table.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MPLBACKEND", "Agg")


ROWS: list[tuple[str, str, str]] = []  # (what, measured, how)


def row(what: str, measured: str, how: str = "") -> None:
    ROWS.append((what, measured, how))
    print(f"{what:<52} {measured:>12}  {how}", flush=True)


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1e3:.1f} ms"


def bench_import(repeats: int = 15) -> None:
    code = (
        "import time; t = time.perf_counter(); import dlkit{extra}; print(time.perf_counter() - t)"
    )
    for label, extra in (
        ("import dlkit", ""),
        ("import dlkit + dlkit.activations (NumPy)", "; dlkit.activations"),
    ):
        samples = [
            float(
                subprocess.run(
                    [sys.executable, "-c", code.format(extra=extra)],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
            )
            for _ in range(repeats)
        ]
        row(label, median_ms(samples), f"median of {repeats} fresh processes")


def bench_sliders(moves: int = 30) -> None:
    import numpy as np

    from dlkit import data, widgets

    X, y = data.players()
    explorer = widgets.neuron_explorer(data.standardize(X), y)
    _ = explorer.widget  # builds controls, figure and the first image
    demo = widgets.perceptron_demo(gate="xor")
    _ = demo.widget
    playground = widgets.mlp_playground()
    _ = playground.widget
    losses = widgets.loss_explorer()
    _ = losses.widget
    vanishing = widgets.vanishing_gradients()
    _ = vanishing.widget
    descent = widgets.optimizer_playground()
    _ = descent.widget
    names = ("optimizer", "surface", "compare", "lr", "beta", "steps", "start_x", "start_y")
    pg = dict(zip(names, descent.controls, strict=True))
    rivals = widgets.optimizer_playground(surface="saddle", compare=True)
    _ = rivals.widget
    rivals_beta = rivals.controls[4]
    trainer = widgets.training_explorer()
    _ = trainer.widget
    regulariser = widgets.regularization_explorer()
    _ = regulariser.widget
    # 80 scores of a fair classifier, about the size of notebook 08's validation part
    y_heart = np.tile([0, 1], 40)
    p_heart = np.linspace(0.02, 0.98, 80) ** (1 - 0.5 * y_heart)
    threshold = widgets.threshold_explorer(y_heart, p_heart)
    _ = threshold.widget
    convolution = widgets.conv_explorer()
    _ = convolution.widget
    through_time = widgets.gradient_through_time_explorer()
    _ = through_time.widget
    # notebook 10's next-character model (untrained: the same work per character written)
    from dlkit import layers, models, recurrent

    text = recurrent.toy_text(50, rng=0)
    alphabet = " .abcdefghiklmnopqrstuvwxy"
    char_model = models.Sequential(
        layers.Embedding(len(alphabet), 16, rng=0),
        layers.SimpleRNN(64, rng=1),
        layers.Dense(64, len(alphabet), rng=2),
        layers.Softmax(),
    )
    temperature = widgets.temperature_explorer(char_model.predict, alphabet, text[:24], T=24)
    _ = temperature.widget
    for label, move in (
        (
            "neuron explorer: move w1, redraw PNG",
            lambda i: setattr(explorer.sliders[0], "value", -2 + 4 * i / moves),
        ),
        (
            "perceptron demo: step the slider, redraw PNG",
            lambda i: setattr(demo.controls[1], "value", i % demo.n_positions),
        ),
        (
            "MLP playground: hidden units -> new net, regions",
            lambda i: setattr(playground.controls[3], "value", 1 + i % 32),
        ),
        (
            "loss explorer: move the target",
            lambda i: setattr(losses.controls[1], "value", -2 + 4 * i / moves),
        ),
        (
            "vanishing gradients: depth 2-20",
            lambda i: setattr(vanishing.controls[0], "value", 2 + i % 19),
        ),
        (
            "optimizer playground: learning rate (log)",
            lambda i: setattr(pg["lr"], "value", 10 ** (-3 + 2.5 * i / moves)),
        ),
        (
            "optimizer playground: momentum",
            lambda i: setattr(pg["beta"], "value", 0.98 * i / moves),
        ),
        (
            "optimizer playground: 5 optimizers, momentum",
            lambda i: setattr(rivals_beta, "value", 0.98 * i / moves),
        ),
        (
            "optimizer playground: steps (full redraw)",
            lambda i: setattr(pg["steps"], "value", 50 + 10 * (i % 40)),
        ),
        (
            "training explorer: learning rate (60 epochs)",
            lambda i: setattr(trainer.controls[1], "value", 10 ** (-2 + 2 * (i % 10) / 10)),
        ),
        (
            "regularisation explorer: dropout (300 epochs)",
            lambda i: setattr(regulariser.controls[0], "value", 0.05 * (i % 12)),
        ),
        (
            "threshold explorer: decision threshold",
            lambda i: setattr(threshold.controls[0], "value", round(i / moves, 2)),
        ),
        (
            "convolution explorer: move the digit",
            lambda i: setattr(convolution.controls[3], "value", i),
        ),
        (
            "convolution explorer: stride 1-3",
            lambda i: setattr(convolution.controls[1], "value", 1 + i % 3),
        ),
        (
            "gradients through time explorer: scale of Wh 0.5-3",
            lambda i: setattr(through_time.controls[1], "value", 0.5 + 2.5 * i / moves),
        ),
        (
            "temperature explorer: temperature 0-2.5, 160 new characters each",
            lambda i: setattr(temperature.controls[0], "value", round(2.5 * (i + 1) / moves, 2)),
        ),
    ):
        samples = []
        for i in range(moves):
            t = time.perf_counter()
            move(i)
            samples.append(time.perf_counter() - t)
        row(label, median_ms(samples), f"median of {moves} moves, kernel round trip excluded")


def bench_notebooks() -> None:
    from course.config import ASSIGNMENTS

    env = {**os.environ, "DLKIT_NO_WIDGETS": "1"}
    jupyter = Path(sys.executable).with_name("jupyter")
    total = 0.0
    for a in ASSIGNMENTS:
        t = time.perf_counter()
        subprocess.run(
            [str(jupyter), "nbconvert", "--to", "notebook", "--execute", "--stdout"]
            + [str(a.path("solutions"))],
            capture_output=True,
            check=True,
            env=env,
        )
        seconds = time.perf_counter() - t
        total += seconds
        row(f"solution {a.id}", f"{seconds:.1f} s", "nbconvert --execute, kernel start included")
    row("whole course, every solution notebook", f"{total:.1f} s", "sum of the rows above")


def bench_script(name: str, *args: str) -> None:
    """Run bench/<name>.py, which prints lines ``ROW<TAB>what<TAB>measured<TAB>how``."""
    script = ROOT / "bench" / f"{name}.py"
    if not script.exists():
        row(f"{name} benchmark", "not run", f"{script.name} is missing")
        return
    done = subprocess.run(
        [sys.executable, str(script), "--rows", *args], capture_output=True, text=True
    )
    lines = [line.split("\t")[1:] for line in done.stdout.splitlines() if line.startswith("ROW\t")]
    for what, measured, how in lines:
        row(what, measured, how)
    if done.returncode != 0 or not lines:
        row(f"{name} benchmark", "failed", done.stderr.strip().splitlines()[-1:] or "")


def bench_checks(repeats: int = 200) -> None:
    """What a delegation check adds to a test: trapping and restoring all of dlkit."""
    import time

    from dlkit import checks

    checks.check_not_delegating(lambda: None)  # the first call imports and lists dlkit
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        checks.check_not_delegating(lambda: None)
        samples.append(time.perf_counter() - start)
    row(
        "delegation check (trap and restore all of dlkit)",
        median_ms(samples),
        f"{len(checks._targets())} dlkit functions, median of {repeats}",
    )


SECTIONS = {
    "import": bench_import,
    "checks": bench_checks,
    "sliders": bench_sliders,
    "notebooks": bench_notebooks,
    "epoch": lambda: bench_script("epoch"),
    "conv": lambda: bench_script("conv"),
    # 60 submissions keep `make bench` short; bench/grading.py alone defaults to 200
    "grading": lambda: bench_script("grading", "--n", "60"),
}


def main(argv: list[str]) -> None:
    import argparse
    import platform

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip", action="append", default=[], choices=sorted(SECTIONS))
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table at the end")
    args = parser.parse_args(argv)
    print(
        f"python {platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}, "
        f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}"
    )
    for name, section in SECTIONS.items():
        if name not in args.skip:
            section()
    if args.markdown:
        print("\n| what | measured | how |\n|---|---|---|")
        for what, measured, how in ROWS:
            print(f"| {what} | {measured} | {how} |")


if __name__ == "__main__":
    main(sys.argv[1:])
