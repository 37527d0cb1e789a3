"""Every graded test cell can fail: stubs and mutants are caught, correct code passes.

For each assignment the source notebook is executed once, in this process (see
nbharness.py); then each exercise's answer is replaced by the release stub, by each
catalogued mutant (tests/mutants/<assignment>.py) and by each correct alternative, and
only that exercise's test cells (visible and hidden) are run again. The delegation
catalogue (tests/mutants/delegation/<assignment>.py) holds answers that hand the work to
dlkit; each must fail with check_not_delegating's message naming the dlkit function.
"""

import re

import pytest
from nbharness import DELEGATION_DIR, load_variants, shift_seeds, source_run, stub_source

from course import notebooks
from course.config import ASSIGNMENTS

SEED_OFFSETS = (1, 7, 123)
_RUNS = {}


def run_of(assignment_id):
    if assignment_id not in _RUNS:
        _RUNS[assignment_id] = source_run(assignment_id)
    return _RUNS[assignment_id]


def _exercises(a):
    return list(notebooks.exercises(notebooks.read(a.path("source"))))


def _params(kind, directory=None):
    for a in ASSIGNMENTS:
        group = pytest.mark.xdist_group(a.id)
        if kind == "exercise":
            for name in _exercises(a):
                yield pytest.param(a.id, name, id=f"{a.id}::{name}", marks=group)
        else:
            variants = load_variants(a.id) if directory is None else load_variants(a.id, directory)
            for v in variants:
                if v.correct == (kind == "correct"):
                    yield pytest.param(a.id, v, id=f"{a.id}::{v.exercise}__{v.name}", marks=group)


@pytest.mark.parametrize("assignment_id, variant", list(_params("mutant")))
def test_mutant_is_caught(assignment_id, variant):
    run = run_of(assignment_id)
    assert variant.exercise in run.exercises, (
        f"{variant.exercise} is not an exercise of {assignment_id}"
    )
    failed = run.failing_tests(variant.exercise, variant.source)
    assert failed, f"no test cell of {variant.exercise} catches the mistake: {variant.doc}"


@pytest.mark.parametrize(
    "assignment_id, variant",
    list(_params("correct")) + list(_params("correct", DELEGATION_DIR)),
)
def test_correct_alternative_passes_for_any_seed(assignment_id, variant):
    run = run_of(assignment_id)
    for offset in (0, *SEED_OFFSETS):
        failed = run.failing_tests(variant.exercise, variant.source, offset)
        assert not failed, (
            f"correct variant ({variant.doc}) fails {failed} with seeds shifted by {offset}"
        )


@pytest.mark.parametrize("assignment_id, exercise", list(_params("exercise")))
def test_solution_passes_for_any_seed(assignment_id, exercise):
    run = run_of(assignment_id)
    solution = run.exercises[exercise].solution.source
    for offset in SEED_OFFSETS:
        assert not run.failing_tests(exercise, solution, offset), f"seeds shifted by {offset}"


@pytest.mark.parametrize("assignment_id, exercise", list(_params("exercise")))
def test_stub_fails_every_test_cell(assignment_id, exercise):
    run = run_of(assignment_id)
    failed = run.failing_tests(exercise, stub_source(assignment_id, exercise))
    everything = [notebooks.grade_id(c) for c in run.exercises[exercise].tests]
    assert failed == everything, (
        f"the unmodified stub passes {sorted(set(everything) - set(failed))}"
    )


@pytest.mark.parametrize("assignment_id, exercise", list(_params("exercise")))
def test_each_exercise_has_at_least_two_mutants(assignment_id, exercise):
    mine = [v for v in load_variants(assignment_id) if v.exercise == exercise]
    assert sum(not v.correct for v in mine) >= 2
    assert any(v.correct for v in mine), "add a correct alternative (<exercise>__ok_<variant>)"


def test_seed_shifting_changes_only_literal_seeds():
    src = "rng = np.random.default_rng(3)\nother = default_rng(seed)"
    assert shift_seeds(src, 5) == "rng = np.random.default_rng(8)\nother = default_rng(seed)"


# ------------------------------------------------------------------------ delegation to dlkit

_DELEGATION_MESSAGE = "calls dlkit's reference implementation ({})."


@pytest.mark.parametrize("assignment_id, variant", list(_params("mutant", DELEGATION_DIR)))
def test_delegation_loses_its_points_and_the_message_names_the_function(assignment_id, variant):
    run = run_of(assignment_id)
    assert variant.exercise in run.exercises, (
        f"{variant.exercise} is not an exercise of {assignment_id}"
    )
    assert variant.name.startswith("delegates_"), (
        "name delegation variants <exercise>__delegates_<how>"
    )
    named = re.search(r"`(dlkit\.[\w.]+)`", variant.doc)
    assert named, "the docstring must name the dlkit function in backquotes"
    errors = run.test_errors(variant.exercise, variant.source)
    assert errors, f"no test cell of {variant.exercise} catches the delegation: {variant.doc}"
    wanted = _DELEGATION_MESSAGE.format(named.group(1))
    messages = {cell: str(error) for cell, error in errors.items()}
    assert any(wanted in text for text in messages.values()), (
        f"no failing cell says {wanted!r}; they say {messages}"
    )


@pytest.mark.parametrize("assignment_id, exercise", list(_params("exercise")))
def test_each_exercise_has_delegation_variants(assignment_id, exercise):
    mine = [v for v in load_variants(assignment_id, DELEGATION_DIR) if v.exercise == exercise]
    assert sum(not v.correct for v in mine) >= 2, (
        f"add answers that hand {exercise} to dlkit to tests/mutants/delegation/{assignment_id}.py"
    )


@pytest.mark.parametrize("assignment_id, exercise", list(_params("exercise")))
def test_each_exercise_has_a_delegation_check(assignment_id, exercise):
    """Some test cell of every exercise (visible or hidden, classes and generators included)
    runs it inside check_not_delegating."""
    nb = notebooks.read(next(a for a in ASSIGNMENTS if a.id == assignment_id).path("source"))
    tests = notebooks.exercises(nb)[exercise].tests
    calls = [
        notebooks.grade_id(cell)
        for cell in tests
        if re.search(r"check_not_delegating\(\s*" + r"\w+", cell.source)
    ]
    assert calls, f"no test cell of {exercise} calls checks.check_not_delegating"


# Exercises whose answers later exercises call. The later exercises' test cells swap in
# dlkit's reference for the earlier piece, so one mistake costs its own points only.
DOWNSTREAM = {
    "04_backpropagation": {
        "sigmoid_grad": ["worked_example_step"],
        "relu_grad": ["mlp_backward", "train_step"],
        "dense_backward": ["mlp_backward", "train_step"],
        "mlp_backward": ["train_step"],
    },
    "05_optimizers": {
        "iterate_minibatches": ["fit_mlp"],
    },
    "06_improving_training": {
        "l2_grad": ["add_l2_grads"],
    },
    # 07's pieces: the tests of fit_mlp and network_grad_check swap in stand-ins for the passes
    "07_capstone": {
        "mlp_forward": ["fit_mlp", "network_grad_check"],
        "mlp_backward": ["fit_mlp", "network_grad_check"],
        "adam_update": ["fit_mlp", "network_grad_check"],
    },
    "09_convolutions": {
        "conv_output_size": [
            "conv2d_single",
            "im2col",
            "conv2d_forward",
            "conv2d_backward",
            "maxpool2d",
            "maxpool2d_backward",
        ],
        "pad2d": ["im2col", "conv2d_forward", "conv2d_backward"],
        "im2col": ["conv2d_forward", "conv2d_backward"],
        "maxpool2d": ["maxpool2d_backward"],
    },
    "10_recurrent": {
        "rnn_step": ["rnn_forward"],
    },
}


def _upstream_params():
    for assignment_id, chains in DOWNSTREAM.items():
        group = pytest.mark.xdist_group(assignment_id)
        for upstream in chains:
            yield pytest.param(
                assignment_id,
                upstream,
                "stub",
                id=f"{assignment_id}::{upstream}__stub",
                marks=group,
            )
            for v in load_variants(assignment_id):
                if v.exercise == upstream and not v.correct:
                    yield pytest.param(
                        assignment_id,
                        upstream,
                        v.name,
                        id=f"{assignment_id}::{upstream}__{v.name}",
                        marks=group,
                    )


@pytest.mark.parametrize("assignment_id, upstream, variant_name", list(_upstream_params()))
def test_a_mistake_costs_only_its_own_points(assignment_id, upstream, variant_name):
    run = run_of(assignment_id)
    if variant_name == "stub":
        source = stub_source(assignment_id, upstream)
    else:
        [source] = [
            v.source
            for v in load_variants(assignment_id)
            if (v.exercise, v.name) == (upstream, variant_name)
        ]
    assert run.run(source) is None, f"the {variant_name} of {upstream} does not define"
    try:
        for later in DOWNSTREAM[assignment_id][upstream]:
            failed = run.failing_tests(later, run.exercises[later].solution.source)
            assert not failed, (
                f"with the {variant_name} of {upstream}, {later}'s cells {failed} fail too"
            )
    finally:
        assert run.run(run.exercises[upstream].solution.source) is None
