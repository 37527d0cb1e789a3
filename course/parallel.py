"""Parallel autograding: N long-lived workers, no shared ports or files, nothing lost.

Why this shape (measured, see ../shared/TECH_NOTES.md): one ``nbgrader autograde``
process per student pays nbgrader's ~4 s start-up every time (3x slower than
sequential), and processes sharing one SQLite gradebook lost a student to a kernel
port clash. Here

- each worker is a process started once ('spawn'), which imports nbgrader once and
  then runs ``course.worker.grade_one`` for one student after another, each in a
  scratch course with its own copy of the template gradebook: no worker ever opens
  the class gradebook; the parent merges the results (the single writer);
- kernels talk over IPC transport (Unix sockets in a folder of each kernel's own,
  see course/worker.py), so no two kernels on the machine race for a TCP port, even
  across concurrent grading runs; a kernel that fails to start is retried once;
- the parent watches every worker: a worker that dies or exceeds the hard time limit
  is killed and replaced, its student retried once, then given an error row. Every
  task ends with a result, so the batch always completes.
"""

from __future__ import annotations

import collections
import multiprocessing as mp
import os
import time
import traceback
from multiprocessing.connection import wait


def default_workers() -> int:
    return max(
        1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )


def _worker_main(conn, env: dict) -> None:
    os.environ.update(env)
    import warnings

    warnings.filterwarnings("ignore")
    from .worker import grade_one  # nbgrader is imported here, once per worker

    conn.send(("ready", os.getpid()))
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        try:
            result = grade_one(**task)
        except Exception:
            result = {"status": "error: the grader failed: " + traceback.format_exc(limit=3)[-300:]}
        conn.send(("done", result))


class _Worker:
    def __init__(self, ctx, env):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, env), daemon=True)
        self.proc.start()
        child.close()
        self.task = None
        self.key = None
        self.started = 0.0
        self.ready = False

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()


def run_parallel(
    tasks: dict, workers: int | None = None, hard_timeout: float = 600, log=print
) -> dict:
    """Run ``grade_one(**task)`` for every task (key -> kwargs); return key -> result.

    ``hard_timeout`` bounds one task's wall time (kernel start, the notebook's own
    budget, feedback); a worker that exceeds it is killed and replaced.
    """
    workers = workers or default_workers()
    env = {
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONWARNINGS": "ignore",
    }
    ctx = mp.get_context("spawn")
    pending = collections.deque(tasks)
    attempts = collections.Counter()
    results: dict = {}
    restarts = 0
    pool = [_Worker(ctx, env) for _ in range(min(workers, len(tasks)) or 1)]
    try:
        while pending or any(w.key is not None for w in pool):
            for w in pool:
                if w.ready and w.key is None and pending:
                    w.key = pending.popleft()
                    w.started = time.monotonic()
                    w.conn.send(tasks[w.key])
            ready = wait([w.conn for w in pool] + [w.proc.sentinel for w in pool], timeout=1.0)
            for i, w in enumerate(pool):
                problem = None
                if w.conn in ready or (w.proc.sentinel in ready and w.conn.poll()):
                    try:
                        kind, payload = w.conn.recv()
                    except (EOFError, OSError):
                        problem = "the grading worker died"
                    else:
                        if kind == "ready":
                            w.ready = True
                        else:
                            results[w.key] = payload
                            log_result(log, w.key, payload)
                            w.key = None
                        continue
                if problem is None and not w.proc.is_alive():
                    problem = "the grading worker died"
                if (
                    problem is None
                    and w.key is not None
                    and time.monotonic() - w.started > hard_timeout
                ):
                    problem = f"grading took longer than {hard_timeout:.0f} s"
                if problem is None:
                    continue
                key = w.key
                w.kill()
                restarts += 1
                if restarts > 2 * len(pool) + len(tasks):
                    raise RuntimeError(f"grading workers keep dying ({problem}); giving up")
                pool[i] = _Worker(ctx, env)
                if key is None:
                    continue
                attempts[key] += 1
                if attempts[key] < 2:
                    pending.appendleft(key)
                else:
                    results[key] = {"status": f"error: {problem}", "notes": [], "score": 0.0}
                    log_result(log, key, results[key])
    finally:
        for w in pool:
            if w.proc.is_alive():
                try:
                    w.conn.send(None)
                except OSError:
                    pass
        for w in pool:
            w.proc.join(10)
            w.kill()
    return results


def log_result(log, key, result) -> None:
    student, assignment = key
    seconds = result.get("seconds")
    took = f" ({seconds:.1f} s)" if seconds is not None else ""
    log(f"  {student:<16} {assignment:<22} {result.get('status', '?')}{took}")
