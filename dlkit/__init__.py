"""dlkit: the helper package of *Deep Learning Fundamentals, from scratch*.

Every notebook of the course imports it. Submodules load on first use, so
``import dlkit`` is nearly free and never pulls in matplotlib or ipywidgets::

    import dlkit
    dlkit.activations.sigmoid(0.0)   # imports dlkit.activations (and NumPy) now

Modules, from the ground floor up (each imports only modules on its floor or below)
------------------------------------------------------------------------------------
Ground floor, NumPy only:

activations  reference activation functions and their derivatives
losses       reference loss functions, their gradients, and one-hot encoding
init         weight initialisers: zeros, small random, Xavier/Glorot, He
regularization  inverted dropout, L2 weight decay, batch normalisation (pure functions)
metrics      accuracy and the confusion matrix
gradcheck    numerical gradients, relative error, a per-parameter gradient check
perceptron   linear prediction, a single neuron and Rosenblatt's learning rule
data         small data sets (logic gates, players, blobs, moons, circles, XOR, spirals,
             study hours), the 8x8 digits (shipped), MNIST (downloaded, IDX reader),
             train/validation split and standardisation
optim        update rules (GD, momentum, AdaGrad, RMSProp, Adam) as pure steps, as
             step(w, g, state) callables (step_rule) and as optimizer objects, the
             update-to-weight ratio, mini-batches, learning-rate schedules (PlateauSchedule)
landscapes   2-D loss surfaces (ravine, Rosenbrock, saddle) and an optimizer's path on one
conv         2-D convolution (im2col) and max pooling on (N, C, H, W) batches, with their
             backward passes
recurrent    embeddings, the vanilla RNN (step, forward, backpropagation through time),
             clipping by global norm, a memory task and a small RNN trained on it, a toy
             grammar's text and sampling with a temperature

Above it:

layers       layer objects (Dense, activations, Dropout, BatchNorm, Conv2D, MaxPool2D,
             Flatten, Embedding, SimpleRNN) and the functional
             passes (dense_forward/backward, mlp_forward/backward)
train        the one training loop (train_loop), a minimal fit(model, X, Y, lr=...), and
             fit_mlp(params, X, Y, step), the functional loop of notebook 05
callbacks    History, EarlyStopping, ReduceLROnPlateau, ModelCheckpoint, ProgressBar
models       Sequential (compile/fit/evaluate/predict/save/load) and build_mlp

Drawing, on top (widgets is imported by no other module; plot only by widgets and,
inside the methods that draw loss curves, by callbacks):

plot         figures: data sets, decision boundaries, activation and loss curves, diagrams
widgets      interactive explorers, one module per explorer, with a static figure where
             widgets cannot render

Beside:

display      where progress reaches the screen: widgets_enabled, a text progress bar,
             a PNG shown and replaced in place
checks       assertions with actionable messages, used by the notebooks' tests
"""

from __future__ import annotations

import functools
import importlib

__version__ = "0.1.0"
# Marker checked by every notebook's setup cell: an unrelated project on PyPI is also
# called `dlkit`, and this attribute tells ours apart.
__course__ = "deep-learning-fundamentals"

__all__ = [
    "activations",
    "losses",
    "init",
    "regularization",
    "metrics",
    "gradcheck",
    "perceptron",
    "data",
    "optim",
    "landscapes",
    "conv",
    "recurrent",
    "layers",
    "train",
    "callbacks",
    "models",
    "plot",
    "widgets",
    "display",
    "checks",
]


def released(reference) -> bool:
    """Whether this copy of dlkit carries the code of ``reference`` (a dlkit function, class
    or method). A course's student repository leaves out the references of the notebooks that
    are not due yet: those only replay the calls the notebooks make themselves. A demo that
    would fall back on such a reference runs the student's own function instead."""
    if isinstance(reference, type):
        return all(released(v) for v in vars(reference).values() if callable(v))
    code = getattr(getattr(reference, "__func__", reference), "__code__", None)
    return code is None or "dlkit._unreleased" not in code.co_names


def yours_or_reference(yours, reference, *example, say=print):
    """The function a demo or a widget should run in place of ``reference``.

    ``yours`` when it runs on ``example`` (the arguments of a tiny call); dlkit's
    ``reference`` when yours is not written yet (raises NotImplementedError) and this copy
    of dlkit carries the reference; else ``yours`` still: a student copy of dlkit leaves the
    answers of an open notebook out, so the demo runs your function once you finish it.
    Until then it runs yours in a thin wrapper whose NotImplementedError says, in one line,
    which function to write and in which exercise (see :func:`_not_written`).
    ``say`` (print, or None for silence) is told which it is, by the reference's name.
    ``yours=None`` (nothing given: a widget's default) is dlkit's reference.
    """
    name = getattr(reference, "__name__", "it")
    if yours is None:
        return reference
    try:
        yours(*example)
    except NotImplementedError:
        if released(reference):
            chosen, why = reference, "dlkit's reference (yours is not written yet)"
        else:
            chosen = _not_written(yours, reference)
            why = "yours (not written yet: finish it to run this)"
    else:
        chosen, why = yours, "yours"
    if say is not None:
        say(f"{name}: {why}")
    return chosen


def _not_written(yours, reference):
    """``yours`` (a stub: it raises NotImplementedError) as a demo should run it where no
    reference can stand in: a wrapper that calls it and turns the stub's bare
    NotImplementedError into one that says what to do, e.g. ``this cell runs your
    conv2d_forward, which is not written yet: finish Exercise 5 of 09_convolutions
    (conv2d_forward), then run the cells again from the first one that stopped with this
    message`` (the first is this cell, or one above that built what this one uses). The
    exercise is the one ``reference`` belongs to (dlkit/_exercises.py, written from the
    notebooks), else the message names just your function. Any other error passes through
    unchanged. Stateless on purpose: a recorded call (course/record.py) keys a function it
    is given by what its closure holds."""
    mine = getattr(yours, "__name__", "function")
    ref = getattr(reference, "__func__", reference)
    table = importlib.import_module(f"{__name__}._exercises").EXERCISES
    where = table.get(f"{getattr(ref, '__module__', '')}.{getattr(ref, '__qualname__', '')}")
    if where is None:
        todo = f"your {mine}"
    else:
        notebook, number = where
        todo = f"Exercise {number} of {notebook} ({getattr(ref, '__name__', mine)})"
    message = (
        f"this cell runs your {mine}, which is not written yet: finish {todo}, then run the "
        "cells again from the first one that stopped with this message"
    )

    @functools.wraps(yours, updated=())
    def not_written_yet(*args, **kwargs):
        try:
            return yours(*args, **kwargs)
        except NotImplementedError as error:
            if type(error) is not NotImplementedError:  # a left-out reference's, say: as it is
                raise
            raise NotImplementedError(message) from None

    return not_written_yet


def __getattr__(name: str):
    if name in __all__:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'dlkit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
