"""dlkit: the helper package of *Deep Learning Fundamentals, from scratch*.

Every notebook of the course imports it. Submodules load on first use, so
``import dlkit`` is nearly free and never pulls in matplotlib or ipywidgets::

    import dlkit
    dlkit.activations.sigmoid(0.0)   # imports dlkit.activations (and NumPy) now

Modules
-------
activations  reference activation functions and their derivatives
callbacks    training callbacks (EarlyStopping, ReduceLROnPlateau, a progress bar with a
             live loss plot) and the History that fit returns
checks       assertions with actionable messages, used by the notebooks' tests
data         small data sets (logic gates, players, blobs, moons, circles, XOR, spirals,
             study hours), the 8x8 digits (shipped), MNIST (downloaded, IDX reader),
             train/validation split and standardisation
gradcheck    numerical gradients, relative error, a per-parameter gradient check
init         weight initialisers: zeros, small random, Xavier/Glorot, He
layers       dense_forward, mlp_forward, and Dense/activation/Dropout/BatchNorm layer objects;
             Sequential with compile/fit/evaluate/predict/save/load
losses       reference loss functions, their gradients, and one-hot encoding
metrics      accuracy
optim        optimizers (GD, momentum, AdaGrad, RMSProp, Adam) as pure steps and objects,
             mini-batches, learning-rate schedules
perceptron   linear prediction, a single neuron and Rosenblatt's learning rule
regularization  inverted dropout, L2 weight decay, batch normalisation (pure functions)
train        the training loop behind Sequential.fit, and a minimal fit(model, X, Y, lr=...)
plot         figures: data sets, decision boundaries, activation and loss curves, diagrams
widgets      interactive figures (neuron, perceptron, MLP playground, losses), with a
             static figure where widgets cannot render
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"
# Marker checked by every notebook's setup cell: an unrelated project on PyPI is also
# called `dlkit`, and this attribute tells ours apart.
__course__ = "deep-learning-fundamentals"

__all__ = [
    "activations",
    "callbacks",
    "checks",
    "data",
    "gradcheck",
    "init",
    "layers",
    "losses",
    "metrics",
    "optim",
    "perceptron",
    "plot",
    "regularization",
    "train",
    "widgets",
]


def __getattr__(name: str):
    if name in __all__:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'dlkit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
