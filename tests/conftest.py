"""Shared test setup: headless plotting, no widgets, one BLAS thread."""

import os
import sys
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ["DLKIT_NO_WIDGETS"] = "1"  # kernels started by the tests inherit this
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
