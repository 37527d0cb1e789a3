"""Calling nbgrader's converters in-process with the course configuration.

One Python process runs every step (no 4 s CLI start-up per call); each converter
is nbgrader's own class, configured from course/nbgrader_config.py, with the
working directories moved where the caller wants them.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

from nbgrader.coursedir import CourseDirectory
from nbgrader.utils import capture_log
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from .config import ROOT

CONFIG_FILE = ROOT / "course" / "nbgrader_config.py"


def load_config(
    workdir: Path | None = None,
    release: Path | None = None,
    solutions: Path | None = None,
    cell_timeout: int | None = None,
) -> Config:
    """The course's nbgrader Config, optionally redirected.

    workdir   : where the gradebook, submitted/, autograded/ and feedback/ go
    release   : where generate_assignment writes (default: the repository's release/)
    solutions : where generate_solution writes (default: the repository's solutions/)
    """
    cfg = PyFileConfigLoader(CONFIG_FILE.name, path=str(CONFIG_FILE.parent)).load_config()
    cd = cfg.CourseDirectory
    cd.source_directory = str(ROOT / "source")
    if workdir is not None:
        workdir = Path(workdir).resolve()
        workdir.mkdir(parents=True, exist_ok=True)
        cd.submitted_directory = str(workdir / "submitted")
        cd.autograded_directory = str(workdir / "autograded")
        cd.feedback_directory = str(workdir / "feedback")
        cd.db_url = f"sqlite:///{workdir / 'gradebook.db'}"
    if release is not None:
        cd.release_directory = str(Path(release).resolve())
    if solutions is not None:
        cd.solution_directory = str(Path(solutions).resolve())
    if cell_timeout is not None:
        cfg.Execute.timeout = int(cell_timeout)
    # nbgrader logs every notebook at INFO; the course prints its own summary
    cfg.Application.log_level = logging.WARNING
    return cfg


def use_ipc(cfg: Config, folder: Path) -> None:
    """Kernels started with ``cfg`` talk over Unix sockets in ``folder``, not TCP.

    No port to race for between parallel kernels, no network needed (a sandboxed
    kernel has none), and no "running over TCP without encryption" warning. One
    kernel at a time per folder; keep its path short (a socket path has <= 107 bytes).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    cfg.KernelManager.transport = "ipc"
    cfg.KernelManager.ip = str(folder / "ipc")
    cfg.KernelManager.connection_file = str(folder / "kernel.json")


def run(converter_cls, cfg: Config, assignment_id: str, student_id: str = ".", **attrs) -> dict:
    """Run one nbgrader converter; return nbgrader's {success, log, error} dict."""
    coursedir = CourseDirectory(config=cfg)
    coursedir.assignment_id = assignment_id
    coursedir.student_id = student_id
    app = converter_cls(coursedir=coursedir, config=cfg)
    for name, value in attrs.items():
        setattr(app, name, value)
    app.log.setLevel(logging.WARNING)
    return capture_log(app)


@contextlib.contextmanager
def env(**values: str):
    """Set environment variables for the duration of a block (kernels inherit them)."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
