"""One training epoch on MNIST-sized data: dlkit's ``Sequential.fit`` beside PyTorch (CPU).

A float32 784-256-128-10 MLP (ReLU, softmax + categorical cross-entropy, Adam,
lr 1e-3, batch 128, shuffled) on 60,000 random samples: the cost of the arithmetic
does not depend on the values, so no download is needed. Both loops report the mean
batch loss and the training accuracy of the epoch, as ``fit`` does.

Run ``python bench/epoch.py [--threads N] [--epochs K]``; it prints the median epoch
time of each (the first epoch, a warm-up, is left out) and the ratios. PyTorch runs
twice: with its default Adam (``foreach``) and with ``Adam(fused=True)``. Epochs
alternate between dlkit, both PyTorch rows and the GEMM-only pass below, so a busy
machine slows all alike; the load average is printed before and after. The same
number of threads (default 1, see TECH_NOTES "BLAS threads") is given to OpenBLAS
and to PyTorch. PyTorch is optional: without it only dlkit's time is printed.

How near the machine's limit the epoch is: an epoch needs a fixed set of matrix
products (per batch: X @ W for 3 layers, X.T @ dZ for 3 layers, dZ @ W.T for the 2
upper layers; about 60 GFLOP in all). The GEMM-only pass runs exactly these
products, at the epoch's own shapes, into preallocated arrays with nothing else in
between: its time is the floor for the epoch, and its rate is "the machine's GEMM rate
at these shapes". The share printed is GEMM-only time / epoch time (= the epoch's
GFLOP/s over that rate). A last, separate epoch is timed piece by piece (forward,
backward, optimizer step, the rest) to say where the remaining time goes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--threads", type=int, default=1, help="BLAS / torch threads (default 1)")
parser.add_argument("--epochs", type=int, default=4, help="epochs per library (default 4)")
parser.add_argument("--samples", type=int, default=60_000)
parser.add_argument("--rows", action="store_true", help="also print ROW lines for bench/run.py")
args = parser.parse_args()
# before NumPy loads: OpenBLAS reads these once
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(args.threads)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from dlkit import callbacks, models  # noqa: E402

SIZES = (784, 256, 128, 10)
BATCH = 128


def data(n: int):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, SIZES[0]), dtype=np.float32)
    y = rng.integers(0, SIZES[-1], n)
    return X, y


class EpochTimer(callbacks.Callback):
    def on_train_begin(self, model):
        self.last = time.perf_counter()

    def on_epoch_end(self, epoch, logs):
        self.time = time.perf_counter() - self.last


def dlkit_runner(X, y):
    model = models.build_mlp(SIZES, rng=0, dtype=np.float32)
    model.compile(optimizer="adam", lr=1e-3, loss="categorical_cross_entropy", metrics=["accuracy"])
    timer = EpochTimer()
    rng = np.random.default_rng(1)

    def epoch() -> float:
        model.fit(X, y, epochs=1, batch_size=BATCH, callbacks=[timer], rng=rng, verbose=0)
        assert model.dtype == np.float32
        return timer.time

    return epoch


def gemm_runner(n: int):
    """The epoch's matrix products alone (see the module docstring); returns (run, flop)."""
    rng = np.random.default_rng(2)
    sizes = [BATCH] * (n // BATCH) + ([n % BATCH] if n % BATCH else [])
    pairs = list(zip(SIZES[:-1], SIZES[1:], strict=True))
    Ws = [rng.standard_normal(p, dtype=np.float32) for p in pairs]
    jobs, flop = [], 0
    for m in sorted(set(sizes)):
        count = sizes.count(m)
        for i, (a, b) in enumerate(pairs):
            X = rng.standard_normal((m, a), dtype=np.float32)
            dZ = rng.standard_normal((m, b), dtype=np.float32)
            jobs.append((count, X, Ws[i], np.empty((m, b), np.float32)))  # forward
            jobs.append((count, X.T, dZ, np.empty((a, b), np.float32)))  # dW
            flop += 2 * 2 * m * a * b * count
            if i > 0:  # no dX for the first layer
                jobs.append((count, dZ, Ws[i].T, np.empty((m, a), np.float32)))
                flop += 2 * m * a * b * count

    def run() -> float:
        start = time.perf_counter()
        for count, A, B, out in jobs:
            for _ in range(count):
                np.matmul(A, B, out=out)
        return time.perf_counter() - start

    return run, flop


def breakdown(X, y) -> dict[str, float]:
    """One more dlkit epoch, timed piece by piece (timers add a few ms)."""
    model = models.build_mlp(SIZES, rng=0, dtype=np.float32)
    model.compile(optimizer="adam", lr=1e-3, loss="categorical_cross_entropy", metrics=["accuracy"])
    spent = {"forward (3 GEMMs, ReLU, softmax)": 0.0, "backward (5 GEMMs, ReLU')": 0.0}
    spent["Adam step (one buffer, 235k weights)"] = 0.0

    def timed(obj, attr, key):
        original = getattr(obj, attr)

        def wrapper(*a, **k):
            start = time.perf_counter()
            try:
                return original(*a, **k)
            finally:
                spent[key] += time.perf_counter() - start

        setattr(obj, attr, wrapper)

    timed(model, "forward", "forward (3 GEMMs, ReLU, softmax)")
    timed(model, "_backward_fit", "backward (5 GEMMs, ReLU')")
    timed(model.optimizer, "step", "Adam step (one buffer, 235k weights)")
    rng = np.random.default_rng(1)
    model.fit(X, y, epochs=1, batch_size=BATCH, rng=rng, verbose=0)  # warm-up
    for key in spent:
        spent[key] = 0.0
    start = time.perf_counter()
    model.fit(X, y, epochs=1, batch_size=BATCH, rng=rng, verbose=0)
    total = time.perf_counter() - start
    spent["the rest (batches, loss, accuracy, one-hot, fit's setup)"] = total - sum(spent.values())
    return {"total": total, **spent}


def torch_runner(X, y, fused: bool = False):
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    net = torch.nn.Sequential(
        torch.nn.Linear(SIZES[0], SIZES[1]),
        torch.nn.ReLU(),
        torch.nn.Linear(SIZES[1], SIZES[2]),
        torch.nn.ReLU(),
        torch.nn.Linear(SIZES[2], SIZES[3]),
    )
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, fused=fused)
    loss_f = torch.nn.CrossEntropyLoss()  # softmax + cross-entropy, fused
    n = Xt.shape[0]

    def epoch() -> float:
        start = time.perf_counter()
        order = torch.randperm(n)
        total, correct = 0.0, 0
        for s in range(0, n, BATCH):
            idx = order[s : s + BATCH]
            xb, yb = Xt[idx], yt[idx]
            out = net(xb)
            loss = loss_f(out, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
            correct += int((out.argmax(1) == yb).sum())
        return time.perf_counter() - start

    return epoch


def _load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    X, y = data(args.samples)
    print(
        f"{args.samples:,} x {SIZES[0]} float32, MLP {'-'.join(map(str, SIZES))}, Adam, "
        f"batch {BATCH}, {args.threads} thread(s) for all; epochs alternate between the "
        "runners so that all see the same machine load; first epoch of each left out"
    )
    load_before = _load()
    print(f"before: {load_before} (1, 5, 15 min; {os.cpu_count()} cores)")
    gemm, flop = gemm_runner(args.samples)
    runners = {
        "dlkit  Sequential.fit": dlkit_runner(X, y),
        "torch  CPU           ": torch_runner(X, y),
        "torch  CPU fused Adam": torch_runner(X, y, fused=True),
        "GEMM only (the floor)": gemm,
    }
    times: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(args.epochs + 1):
        for name, run in runners.items():
            if run is not None:
                times[name].append(run())
    load_after = _load()
    medians = {}
    for name, values in times.items():
        if not values:
            print(f"{name}  not installed: no comparison")
            continue
        medians[name] = statistics.median(values[1:])
        rate = flop / medians[name] / 1e9
        print(f"{name}  {medians[name]:6.2f} s/epoch  {rate:6.1f} GFLOP/s  ({_fmt(values)})")
    print(f"after: {load_after}")
    ours = medians["dlkit  Sequential.fit"]
    floor = medians["GEMM only (the floor)"]
    # figures per round (the runs of one round are seconds apart, so they share the load),
    # then the median over rounds: steadier on a busy machine than a ratio of medians
    share = _paired(times["GEMM only (the floor)"], times["dlkit  Sequential.fit"])
    print(
        f"GEMM time {floor:.2f} s of dlkit's {ours:.2f} s epoch: the epoch reaches "
        f"{share:.0%} of the GEMM rate at its own shapes ({flop / 1e9:.1f} GFLOP, "
        f"{flop / floor / 1e9:.0f} GFLOP/s; share: median of the per-round ratios)"
    )
    ratios = {}
    for name, label in [("torch  CPU           ", "torch"), ("torch  CPU fused Adam", "fused")]:
        if name in medians:
            ratios[label] = _paired(times["dlkit  Sequential.fit"], times[name])
            word = "faster" if ratios[label] <= 1 else "slower"
            print(
                f"ratio dlkit / {name.strip():20s} {ratios[label]:5.2f}  ({word}; median per round)"
            )
    parts = breakdown(X, y)
    total = parts.pop("total")
    print(f"where one dlkit epoch goes ({total:.2f} s, timed separately):")
    for key, value in parts.items():
        print(f"  {key:58s} {value:5.2f} s  {value / total:4.0%}")
    if args.rows:
        how = f"784-256-128-10, Adam, batch {BATCH}, {args.threads} thread(s), median"
        load = f"{load_before} at the start, {load_after} at the end"
        print(f"ROW\tepoch on MNIST-sized data: dlkit\t{ours:.2f} s\t{how}; {load}")
        for name, label in [
            ("torch  CPU           ", "torch"),
            ("torch  CPU fused Adam", "torch fused Adam"),
        ]:
            if name in medians:
                print(f"ROW\tepoch on MNIST-sized data: {label}\t{medians[name]:.2f} s\t{how}")
        if "torch" in ratios:
            print(
                f"ROW\tepoch time, dlkit / PyTorch CPU\t{ratios['torch']:.2f}\tbelow 1: dlkit is faster; median of per-round ratios"
            )
        if "fused" in ratios:
            print(
                f"ROW\tepoch time, dlkit / PyTorch CPU fused Adam\t{ratios['fused']:.2f}\t"
                "median of per-round ratios; target <= 0.75"
            )
        print(
            f"ROW\tepoch: GEMM time / total (share of the GEMM rate)\t{floor:.2f} / {ours:.2f} s "
            f"({share:.0%})\tthe epoch's products alone at its shapes, {flop / floor / 1e9:.0f} "
            "GFLOP/s; target >= 60%"
        )


def _paired(top: list[float], bottom: list[float]) -> float:
    """Median over the rounds (warm-up left out) of top / bottom, round by round."""
    return statistics.median(a / b for a, b in zip(top[1:], bottom[1:], strict=True))


def _fmt(times: list[float]) -> str:
    return ", ".join(f"{t:.2f}" for t in times)


if __name__ == "__main__":
    main()
