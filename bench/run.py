"""Benchmarks: import time, slider redraw time, notebook execution time.

Run with ``make bench``; prints measured figures (medians), asserts nothing.
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


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1e3:7.1f} ms"


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
        print(f"{label:<48} {median_ms(samples)}  (median of {repeats} fresh processes)")


def bench_sliders(moves: int = 30) -> None:
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
    playground = widgets.optimizer_playground()
    _ = playground.widget
    names = ("optimizer", "surface", "compare", "lr", "beta", "steps", "start_x", "start_y")
    pg = dict(zip(names, playground.controls, strict=True))
    rivals = widgets.optimizer_playground(surface="saddle", compare=True)
    _ = rivals.widget
    rivals_beta = rivals.controls[4]
    trainer = widgets.training_explorer()
    _ = trainer.widget
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
    ):
        samples = []
        for i in range(moves):
            t = time.perf_counter()
            move(i)
            samples.append(time.perf_counter() - t)
        print(
            f"{label:<48} {median_ms(samples)}  (median of {moves} moves, kernel round trip excluded)"
        )


def bench_notebooks() -> None:
    from course.config import ASSIGNMENTS

    env = {**os.environ, "DLKIT_NO_WIDGETS": "1"}
    jupyter = Path(sys.executable).with_name("jupyter")
    for a in ASSIGNMENTS:
        t = time.perf_counter()
        subprocess.run(
            [
                str(jupyter),
                "nbconvert",
                "--to",
                "notebook",
                "--execute",
                "--stdout",
                str(a.path("source")),
            ],
            capture_output=True,
            check=True,
            env=env,
        )
        print(
            f"{'execute ' + a.id + ' (nbconvert, incl. kernel)':<48} {time.perf_counter() - t:7.1f} s"
        )


if __name__ == "__main__":
    print(f"python {sys.version.split()[0]} on {os.cpu_count()} cores")
    bench_import()
    bench_sliders()
    bench_notebooks()
