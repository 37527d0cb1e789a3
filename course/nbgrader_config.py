"""nbgrader configuration of the course (loaded by ../nbgrader_config.py and by course/*.py).

Paths are relative to the repository root. nbgrader's working state (gradebook,
submissions, autograded notebooks, feedback) lives under grading/, which git ignores.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
# nbgrader's gradebook runs the `alembic` command: make the environment's bin/ visible
# even when the environment is not activated (`.venv/bin/nbgrader ...`, `make grade`).
_BIN = str(Path(sys.executable).parent)
if _BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _BIN + os.pathsep + os.environ.get("PATH", "")

from nbconvert.preprocessors import (
    ClearMetadataPreprocessor,  # noqa: E402
    CSSHTMLHeaderPreprocessor,  # noqa: E402
)
from nbgrader.preprocessors import (  # noqa: E402
    AssignLatePenalties,
    CheckCellMetadata,
    ClearHiddenTests,
    GetGrades,
    IgnorePattern,
    LimitOutput,
    SaveAutoGrades,
)

from course.preprocessors import (  # noqa: E402
    FeedbackExporter,
    FeedbackSummary,
    GuardedExecute,
    LimitOutputBytes,
    RedactHiddenTests,
)

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

c.CourseDirectory.course_id = "dlfs"
c.CourseDirectory.root = str(ROOT)
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.solution_directory = "solutions"  # nbgrader's default is "solution"
c.CourseDirectory.submitted_directory = "grading/submitted"
c.CourseDirectory.autograded_directory = "grading/autograded"
c.CourseDirectory.feedback_directory = "grading/feedback"
c.CourseDirectory.db_url = f"sqlite:///{ROOT / 'grading' / 'gradebook.db'}"
# the plain nbgrader CLI (nbgrader db ..., nbgrader list) works from the repository root too
(ROOT / "grading" / "exchange").mkdir(parents=True, exist_ok=True)
c.Exchange.root = str(ROOT / "grading" / "exchange")

# --- grading must survive any submission ----------------------------------------------
# A cell that runs longer than this is interrupted; grading goes on in the same kernel.
c.Execute.timeout = int(os.environ.get("DLFS_CELL_TIMEOUT", "30"))
# ... and the whole notebook gets this many seconds; cells left when it is spent score 0.
c.GuardedExecute.notebook_budget = int(os.environ.get("DLFS_NOTEBOOK_BUDGET", "300"))
# No per-cell timestamps in executed notebooks: solutions/ must come out the same each build.
c.Execute.record_timing = False
# A deleted test cell is put back (and run) instead of silently scoring 0.
c.OverwriteCells.add_missing_cells = True
# Megabytes of output: nbgrader limits lines; LimitOutputBytes also limits one huge line.
c.LimitOutput.max_lines = 1000
c.LimitOutput.max_traceback = 100
c.LimitOutputBytes.max_bytes = 100_000
c.Autograde.autograde_preprocessors = [
    GuardedExecute,  # nbgrader's Execute + the budget, restored dlkit.checks and a canary
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    LimitOutputBytes,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]
# Feedback shows scores, visible tests and each failed check's message, never the hidden
# tests: not in the source, and not quoted by a traceback or printed by a submission.
c.GenerateFeedback.exporter_class = FeedbackExporter  # templates compiled once per process
c.GenerateFeedback.preprocessors = [
    GetGrades,
    RedactHiddenTests,
    ClearHiddenTests,
    FeedbackSummary,  # per exercise: each test cell, its score, its failure's first line
    CSSHTMLHeaderPreprocessor,
]
