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
==================  ============================================================  ========
"""

from __future__ import annotations

from .losses import LossExplorer, loss_explorer
from .mlp import MLPPlayground, mlp_playground
from .neuron import NeuronExplorer, neuron_explorer
from .optimizer import OptimizerPlayground, optimizer_playground
from .perceptron import PerceptronDemo, perceptron_demo
from .regularization import RegularizationExplorer, regularization_explorer
from .training import TrainingExplorer, training_explorer
from .vanishing import VanishingGradients, gradient_norms, vanishing_gradients

__all__ = [
    "NeuronExplorer",
    "neuron_explorer",
    "PerceptronDemo",
    "perceptron_demo",
    "MLPPlayground",
    "mlp_playground",
    "LossExplorer",
    "loss_explorer",
    "VanishingGradients",
    "vanishing_gradients",
    "gradient_norms",
    "OptimizerPlayground",
    "optimizer_playground",
    "TrainingExplorer",
    "training_explorer",
    "RegularizationExplorer",
    "regularization_explorer",
]
