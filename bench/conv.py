"""Convolutions: dlkit's Conv2D beside PyTorch's conv2d (CPU), one layer and one CNN epoch.

Two measurements, float32, the same number of threads for OpenBLAS and PyTorch (default 1):

* one convolution layer, forward and backward: a batch of 64, 8 -> 16 channels, 28x28,
  3x3 kernel, padding 1 (dlkit: ``Conv2D.forward`` + ``backward``; PyTorch:
  ``torch.nn.functional.conv2d`` and ``autograd``, input gradient included);
* one training epoch of a small CNN on 4,096 random 28x28 images (conv 1 -> 8, ReLU, pool,
  conv 8 -> 16, ReLU, pool, dense 784 -> 10, softmax + cross-entropy, Adam, batch 64):
  ``Sequential.fit`` against the same network in a plain PyTorch loop.

Run ``python bench/conv.py [--threads N] [--repeats K]``; the medians and the ratios are
printed (below 1: dlkit is faster). PyTorch is optional: without it only dlkit's times.
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
parser.add_argument("--repeats", type=int, default=20, help="layer passes per library")
parser.add_argument("--epochs", type=int, default=3, help="epochs per library (first is warm-up)")
parser.add_argument("--rows", action="store_true", help="also print ROW lines for bench/run.py")
args = parser.parse_args()
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(args.threads)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from dlkit import layers, models  # noqa: E402

try:
    import torch
except ImportError:  # PyTorch is optional
    torch = None

rows = []


def row(what, measured, how):
    rows.append((what, measured, how))
    print(f"{what}: {measured} ({how})")


def median(samples):
    return statistics.median(samples)


def layer_times():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 8, 28, 28), dtype=np.float32)
    conv = layers.Conv2D(8, 16, 3, pad=1, rng=0, dtype=np.float32)
    dout = rng.standard_normal((64, 16, 28, 28), dtype=np.float32)
    ours = []
    for _ in range(args.repeats):
        t = time.perf_counter()
        conv.forward(X)
        conv.backward(dout)
        ours.append(time.perf_counter() - t)
    theirs = []
    if torch is not None:
        torch.set_num_threads(args.threads)
        tX = torch.tensor(X, requires_grad=True)
        tW = torch.tensor(conv.params["W"], requires_grad=True)
        tb = torch.tensor(conv.params["b"], requires_grad=True)
        tdout = torch.tensor(dout)
        for _ in range(args.repeats):
            t = time.perf_counter()
            out = torch.nn.functional.conv2d(tX, tW, tb, padding=1)
            out.backward(tdout)
            theirs.append(time.perf_counter() - t)
            tX.grad = tW.grad = tb.grad = None
    return median(ours), (median(theirs) if theirs else None)


def cnn_epoch_times():
    rng = np.random.default_rng(1)
    n = 4096
    X = rng.standard_normal((n, 1, 28, 28), dtype=np.float32)
    y = rng.integers(0, 10, n)
    L = layers
    model = models.Sequential(
        L.Conv2D(1, 8, 3, pad=1, rng=1, dtype=np.float32),
        L.ReLU(),
        L.MaxPool2D(2),
        L.Conv2D(8, 16, 3, pad=1, rng=2, dtype=np.float32),
        L.ReLU(),
        L.MaxPool2D(2),
        L.Flatten(),
        L.Dense(16 * 7 * 7, 10, rng=3, dtype=np.float32),
        L.Softmax(),
    )
    model.compile(optimizer="adam", loss="categorical_cross_entropy", lr=1e-3)
    ours, theirs = [], []
    net = opt = None
    if torch is not None:
        torch.set_num_threads(args.threads)
        torch.manual_seed(0)
        nn = torch.nn
        net = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(16 * 7 * 7, 10),
        )
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        tX, ty = torch.tensor(X), torch.tensor(y)
    for _ in range(args.epochs):  # alternate, so a busy machine slows both alike
        t = time.perf_counter()
        model.fit(X, y, epochs=1, batch_size=64, verbose=0, rng=0)
        ours.append(time.perf_counter() - t)
        if net is not None:
            t = time.perf_counter()
            perm = torch.randperm(n)
            for s in range(0, n, 64):
                idx = perm[s : s + 64]
                opt.zero_grad()
                loss = nn.functional.cross_entropy(net(tX[idx]), ty[idx])
                loss.backward()
                opt.step()
            theirs.append(time.perf_counter() - t)
    ours, theirs = ours[1:] or ours, theirs[1:] or theirs
    return median(ours), (median(theirs) if theirs else None)


threads = f"{args.threads} thread(s)"
ours, theirs = layer_times()
shape = "batch 64, 8 -> 16 channels, 28x28, 3x3, pad 1, float32"
row("conv layer forward+backward: dlkit", f"{ours * 1e3:.1f} ms", f"{shape}, {threads}, median")
if theirs is not None:
    row(
        "conv layer forward+backward: torch",
        f"{theirs * 1e3:.1f} ms",
        f"same shapes, {threads}, median",
    )
    row("conv layer time, dlkit / PyTorch CPU", f"{ours / theirs:.2f}", "below 1: dlkit is faster")
ours, theirs = cnn_epoch_times()
net = "conv8-pool-conv16-pool-dense, Adam, 4,096 images 28x28, batch 64"
row("CNN epoch: dlkit", f"{ours:.2f} s", f"{net}, {threads}, median")
if theirs is not None:
    row("CNN epoch: torch", f"{theirs:.2f} s", f"same network and loop, {threads}, median")
    row("CNN epoch time, dlkit / PyTorch CPU", f"{ours / theirs:.2f}", "below 1: dlkit is faster")
if args.rows:
    for what, measured, how in rows:
        print(f"ROW\t{what}\t{measured}\t{how}")
