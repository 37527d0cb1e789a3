"""The stored outputs of solutions/ are what the notebooks really print (nbval)."""

import os
import subprocess
import sys

import pytest

from course.config import ASSIGNMENTS, ROOT

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("a", ASSIGNMENTS, ids=lambda a: a.id)
def test_solution_outputs_validate_with_nbval(a):
    env = {
        **os.environ,
        "DLKIT_NO_WIDGETS": "1",
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            str(ROOT / "course" / "nbval_sanitize.cfg"),
            "--rootdir",
            str(a.path("solutions").parent),
            str(a.path("solutions")),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-4000:]
