"""One training epoch on MNIST-sized data: dlkit's ``Sequential.fit`` beside PyTorch (CPU).

A float32 784-256-128-10 MLP (ReLU, softmax + categorical cross-entropy, Adam,
lr 1e-3, batch 128, shuffled) on 60,000 random samples: the cost of the arithmetic
does not depend on the values, so no download is needed. Both loops report the mean
batch loss and the training accuracy of the epoch, as ``fit`` does.

Run ``python bench/epoch.py [--threads N] [--epochs K]``; it prints the median epoch
time of each (the first epoch, a warm-up, is left out) and the ratio. Epochs
alternate between the two libraries, so a busy machine slows both alike. The same
number of threads (default 1, see TECH_NOTES "BLAS threads") is given to OpenBLAS
and to PyTorch. PyTorch is optional: without it only dlkit's time is printed.
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


def torch_runner(X, y):
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
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
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


def main() -> None:
    X, y = data(args.samples)
    print(
        f"{args.samples:,} x {SIZES[0]} float32, MLP {'-'.join(map(str, SIZES))}, Adam, "
        f"batch {BATCH}, {args.threads} thread(s) for both; epochs alternate between the "
        "two so that both see the same machine load; first epoch of each left out"
    )
    runners = {
        "dlkit  Sequential.fit": dlkit_runner(X, y),
        "torch  CPU           ": torch_runner(X, y),
    }
    times: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(args.epochs + 1):
        for name, run in runners.items():
            if run is not None:
                times[name].append(run())
    medians = {}
    for name, values in times.items():
        if not values:
            print(f"{name}  not installed: no comparison")
            continue
        medians[name] = statistics.median(values[1:])
        print(f"{name}  {medians[name]:6.2f} s/epoch  ({_fmt(values)})")
        if args.rows:
            how = f"784-256-128-10, Adam, batch {BATCH}, {args.threads} thread(s), median"
            print(
                f"ROW\tepoch on MNIST-sized data: {name.split()[0]}\t{medians[name]:.2f} s\t{how}"
            )
    if len(medians) == 2:
        ours, theirs = medians.values()
        ratio = ours / theirs
        print(f"ratio dlkit / torch    {ratio:6.2f}  ({'faster' if ratio <= 1 else 'slower'})")
        if args.rows:
            print(f"ROW\tepoch time, dlkit / PyTorch CPU\t{ratio:.2f}\tbelow 1: dlkit is faster")


def _fmt(times: list[float]) -> str:
    return ", ".join(f"{t:.2f}" for t in times)


if __name__ == "__main__":
    main()
