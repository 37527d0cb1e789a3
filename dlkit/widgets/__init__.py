"""Interactive explorers driven by sliders, one module per explorer, with a static fallback.

Each explorer is an object whose ``draw()`` redraws its figure from plain attributes
(no kernel needed, which is how the tests drive them); displayed in a notebook it shows
its controls above the figure, and where sliders cannot render (under nbgrader, in CI,
with ``DLKIT_NO_WIDGETS=1``, without ipywidgets; see :func:`dlkit.display.widgets_enabled`)
a static image instead. The shared machinery is in :mod:`dlkit.widgets._base`.

==================  ============================================================  ========
module              explorer                                                      notebook
==================  ============================================================  ========
``neuron``          :func:`neuron_explorer`: a neuron's decision line              01
``perceptron``      :func:`perceptron_demo`: Rosenblatt's rule, step by step       01
``mlp``             :func:`mlp_playground`: a random network's decision regions    02
``losses``          :func:`loss_explorer`: each loss against the prediction        03
``vanishing``       :func:`vanishing_gradients`, and the ``gradient_norms`` it     04
                    draws
``optimizer``       :func:`optimizer_playground`: paths over a 2-D landscape       05
``training``        :func:`training_explorer`: loss curves of a small network      05
``regularization``  :func:`regularization_explorer`: dropout, L2, network size     06
``threshold``       :func:`threshold_explorer`: a decision threshold, its           08
                    confusion matrix and ROC point
``conv``            :func:`conv_explorer`: a 3x3 kernel, stride, padding on a digit 09
``through_time``    :func:`gradient_through_time_explorer`: gradients through      10
                    time, the scale of Wh, tanh', clipping
``text``            :func:`temperature_explorer`: a next-character model writes   10
                    at the temperature you set
==================  ============================================================  ========
"""

from __future__ import annotations

import importlib

# public name -> the module that defines it; each module loads on first use, so a
# notebook pays only for the explorers it shows (the training ones pull in models)
_HOME = {
    "NeuronExplorer": "neuron",
    "neuron_explorer": "neuron",
    "PerceptronDemo": "perceptron",
    "perceptron_demo": "perceptron",
    "MLPPlayground": "mlp",
    "mlp_playground": "mlp",
    "LossExplorer": "losses",
    "loss_explorer": "losses",
    "VanishingGradients": "vanishing",
    "vanishing_gradients": "vanishing",
    "gradient_norms": "vanishing",
    "OptimizerPlayground": "optimizer",
    "optimizer_playground": "optimizer",
    "TrainingExplorer": "training",
    "training_explorer": "training",
    "RegularizationExplorer": "regularization",
    "regularization_explorer": "regularization",
    "ThresholdExplorer": "threshold",
    "threshold_explorer": "threshold",
    "ConvExplorer": "conv",
    "conv_explorer": "conv",
    "GradientThroughTime": "through_time",
    "gradient_through_time_explorer": "through_time",
    "TemperatureExplorer": "text",
    "temperature_explorer": "text",
}

__all__ = list(_HOME)


def __getattr__(name: str):
    if name in _HOME:
        value = getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'dlkit.widgets' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
