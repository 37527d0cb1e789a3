"""Delegation catalogue for 01_perceptron: answers that hand the exercise to dlkit.

See tests/mutants/delegation/00_getting_started.py for the format.
"""

import numpy as np

import dlkit

# ---------------------------------------------------------------------- step


def step__delegates_activation_table(z):
    """The reference through dlkit's table of activations: `dlkit.activations.step`."""
    return dlkit.activations.ACTIVATIONS["step"][0](z)


def step__delegates_activation_layer(z):
    """An object: the `dlkit.layers.Activation.__init__` layer for "step"."""
    return dlkit.layers.Activation("step").forward(np.atleast_2d(z)).reshape(np.shape(z))


# ---------------------------------------------------------------------- sigmoid


def sigmoid__delegates_sigmoid_layer(z):
    """An object: `dlkit.layers.Sigmoid.__init__`, then its forward pass."""
    return dlkit.layers.Sigmoid().forward(np.atleast_2d(z)).reshape(np.shape(z))


def sigmoid__delegates_getter(z):
    """A public sibling: `dlkit.activations.get` hands out the reference."""
    return dlkit.activations.get("sigmoid")[0](z)


# ---------------------------------------------------------------------- relu


def relu__delegates_leaky_relu(z):
    """A public sibling: `dlkit.activations.leaky_relu` with alpha = 0."""
    return dlkit.activations.leaky_relu(z, alpha=0.0)


def relu__delegates_relu_layer(z):
    """An object: `dlkit.layers.ReLU.__init__`, then its forward pass."""
    return dlkit.layers.ReLU().forward(np.atleast_2d(z)).reshape(np.shape(z))


# ---------------------------------------------------------------------- leaky_relu


def leaky_relu__delegates_layer(z, alpha=0.01):
    """An object: `dlkit.layers.LeakyReLU.__init__`, then its forward pass."""
    return dlkit.layers.LeakyReLU(alpha).forward(np.atleast_2d(z)).reshape(np.shape(z))


def leaky_relu__delegates_activation_table(z, alpha=0.01):
    """The reference through dlkit's table: `dlkit.activations.leaky_relu`."""
    return dlkit.activations.ACTIVATIONS["leaky_relu"][0](z, alpha)


# ---------------------------------------------------------------------- elu


def elu__delegates_layer(z, alpha=1.0):
    """An object: `dlkit.layers.ELU.__init__`, then its forward pass."""
    return dlkit.layers.ELU(alpha).forward(np.atleast_2d(z)).reshape(np.shape(z))


def elu__delegates_getter(z, alpha=1.0):
    """A public sibling: `dlkit.activations.get` hands out the reference."""
    return dlkit.activations.get("elu")[0](z, alpha)


# ---------------------------------------------------------------------- softmax


def softmax__delegates_softmax_layer(z):
    """An object: `dlkit.layers.Softmax.__init__`, then its forward pass."""
    return dlkit.layers.Softmax().forward(np.atleast_2d(z)).reshape(np.shape(z))


def softmax__delegates_mlp_forward(z):
    """A public sibling: `dlkit.layers.mlp_forward` of a one-layer identity network."""
    Z = np.atleast_2d(z)
    k = Z.shape[1]
    return dlkit.layers.mlp_forward(Z, [(np.eye(k), np.zeros(k))])[0].reshape(np.shape(z))


def softmax__delegates_losses_import(z):
    """The reference re-exported by dlkit.losses: `dlkit.activations.softmax` under its alias."""
    return dlkit.losses.softmax(z)


# ---------------------------------------------------------------------- neuron


def neuron__delegates_dense_forward(X, w, b, activation):
    """A public sibling: `dlkit.layers.dense_forward` with one unit, then the activation."""
    return activation(dlkit.layers.dense_forward(X, np.reshape(w, (-1, 1)), np.array([b])).ravel())


def neuron__delegates_dense_layer(X, w, b, activation):
    """An object: a `dlkit.layers.Dense.__init__` layer with w and b as its parameters."""
    layer = dlkit.layers.Dense(len(w), 1)
    layer.params["W"], layer.params["b"] = np.reshape(w, (-1, 1)), np.array([float(b)])
    return activation(layer.forward(X).ravel())


# ---------------------------------------------------------------------- perceptron_train


def perceptron_train__delegates_steps(X, y, lr=1.0, epochs=20):
    """A public sibling: the generator `dlkit.perceptron.perceptron_steps`, counted by epoch."""
    steps = list(dlkit.perceptron.perceptron_steps(X, y, lr, epochs))
    errors = [sum(s.mistake for s in steps if s.epoch == e) for e in range(epochs)]
    return steps[-1].w, float(steps[-1].b), errors


def perceptron_train__delegates_linear_predict(X, y, lr=1.0, epochs=20):
    """Writes the loop but scores each sample with `dlkit.perceptron.linear_predict`."""
    X = np.asarray(X, dtype=float)
    w, b, errors_per_epoch = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        errors = 0
        for i in range(len(X)):
            y_hat = 1 if dlkit.perceptron.linear_predict(X[i : i + 1], w, b)[0] >= 0 else 0
            delta = lr * (y[i] - y_hat)
            if delta != 0:
                w, b, errors = w + delta * X[i], b + delta, errors + 1
        errors_per_epoch.append(errors)
    return w, float(b), errors_per_epoch


def perceptron_train__delegates_private_check(X, y, lr=1.0, epochs=20):
    """Writes the loop but converts the labels with the private `dlkit.perceptron._check_binary`."""
    X = np.asarray(X, dtype=float)
    y = dlkit.perceptron._check_binary(np.asarray(y))
    w, b, errors_per_epoch = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        errors = 0
        for i in range(len(X)):
            delta = lr * (y[i] - (1 if X[i] @ w + b >= 0 else 0))
            if delta != 0:
                w, b, errors = w + delta * X[i], b + delta, errors + 1
        errors_per_epoch.append(errors)
    return w, float(b), errors_per_epoch
