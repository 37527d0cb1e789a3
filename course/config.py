"""Course metadata: the one place where the repository URLs and the assignments live.

Everything that names a repository (the Colab badges, the setup cell that installs
dlkit on Colab: both point at the student repository when one is configured) is
rendered from the values below by ``python -m course build``, and
``python -m course check`` fails when a notebook disagrees with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# --- the repository, configured here and nowhere else -------------------------------
GITHUB_REPOSITORY = "dlfs-course/deep-learning-fundamentals"
GIT_REF = "main"  # this (the instructor's) repository's branch
DIST_NAME = "dlfs-dlkit"  # pip distribution name of dlkit (import name: dlkit)
COURSE_MARKER = "deep-learning-fundamentals"  # value of dlkit.__course__

# The student repository (public), written by `python -m course publish`: release/ and
# dlkit/ only, no solutions and no hidden tests. When set, the Colab badges and the setup
# cell point at it, and `python -m course check` fails on any that still point here.
# None: students use this repository itself (fine for ungraded self-study only).
STUDENT_REPOSITORY: str | None = "dlfs-course/dlfs-student"
STUDENT_REF = "main"

REPOSITORY_URL = f"https://github.com/{GITHUB_REPOSITORY}"
# where students look: the badges and the setup cell's install line are rendered from these
PUBLIC_REPOSITORY = STUDENT_REPOSITORY or GITHUB_REPOSITORY
PUBLIC_REF = STUDENT_REF if STUDENT_REPOSITORY else GIT_REF
PUBLIC_URL = f"https://github.com/{PUBLIC_REPOSITORY}"
INSTALL_URL = f"{DIST_NAME} @ git+{PUBLIC_URL}.git@{PUBLIC_REF}"


@dataclass(frozen=True)
class Assignment:
    """One nbgrader assignment: ``source/<id>/<id>.ipynb``."""

    id: str
    title: str
    minutes: int  # estimated time for a student
    points: int  # total of the autograded test cells; checked against the notebook

    @property
    def notebook(self) -> str:
        return f"{self.id}.ipynb"

    def path(self, stage: str) -> Path:
        """Path of the notebook in ``source``, ``release`` or ``solutions``."""
        return ROOT / stage / self.id / self.notebook

    @property
    def colab_url(self) -> str:
        return (
            "https://colab.research.google.com/github/"
            f"{PUBLIC_REPOSITORY}/blob/{PUBLIC_REF}/release/{self.id}/{self.notebook}"
        )


ASSIGNMENTS: tuple[Assignment, ...] = (
    Assignment("00_getting_started", "Getting started: how the course works", 45, 10),
    Assignment("01_perceptron", "The neuron, activation functions and the perceptron", 90, 22),
    Assignment("02_forward_propagation", "Multilayer perceptrons: forward propagation", 90, 20),
    Assignment("03_losses", "Error, loss and cost functions", 75, 24),
    Assignment("04_backpropagation", "Backpropagation: the chain rule at work", 100, 30),
    Assignment("05_optimizers", "Optimizers: gradient descent and its descendants", 120, 38),
    Assignment(
        "06_improving_training", "Improving training: generalisation and regularisation", 110, 35
    ),
    Assignment("07_capstone", "Capstone: a digit classifier from scratch", 180, 51),
    Assignment("08_heart_disease", "A real project: predicting heart disease", 120, 28),
    Assignment("09_convolutions", "Convolutional networks from scratch", 120, 30),
    Assignment("10_recurrent", "Sequences and recurrent networks from scratch", 120, 30),
)


def get_assignment(assignment_id: str) -> Assignment:
    for a in ASSIGNMENTS:
        if a.id == assignment_id:
            return a
    known = ", ".join(a.id for a in ASSIGNMENTS)
    raise KeyError(f"unknown assignment {assignment_id!r}; known: {known}")
