"""Delegation catalogue for 02_forward_propagation: answers that hand the exercise to dlkit.

See tests/mutants/delegation/00_getting_started.py for the format. mlp_forward may use
dlkit.activations (the task says so), so its doors are the others.
"""

import numpy as np

import dlkit

# ---------------------------------------------------------------------- dense_forward


def dense_forward__delegates_mlp_forward(X, W, b):
    """A public sibling: `dlkit.layers.mlp_forward` of a one-layer identity network."""
    return dlkit.layers.mlp_forward(X, [(W, b)], output="identity")[0]


def dense_forward__delegates_linear_predict(X, W, b):
    """A public sibling from notebook 00: `dlkit.perceptron.linear_predict`, one unit at a time."""
    return np.stack(
        [dlkit.perceptron.linear_predict(X, W[:, j], b[j]) for j in range(W.shape[1])], axis=1
    )


def dense_forward__delegates_dense_layer(X, W, b):
    """An object: a `dlkit.layers.Dense.__init__` layer holding W and b."""
    layer = dlkit.layers.Dense(*W.shape)
    layer.params["W"], layer.params["b"] = W, b
    return layer.forward(X)


# ---------------------------------------------------------------------- count_params


def count_params__delegates_build_mlp(layer_sizes):
    """A public sibling: `dlkit.models.build_mlp`, then the model's n_params."""
    return dlkit.models.build_mlp(layer_sizes).n_params


def count_params__delegates_dense_layers(layer_sizes):
    """Objects: one `dlkit.layers.Dense.__init__` per layer, summing their n_params."""
    return sum(dlkit.layers.Dense(a, b).n_params for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))


def count_params__delegates_init_params(layer_sizes):
    """A public sibling: counts the arrays that `dlkit.init.init_params` makes."""
    return int(sum(W.size + b.size for W, b in dlkit.init.init_params(layer_sizes)))


# ---------------------------------------------------------------------- init_params


def init_params__delegates_initialiser_table(layer_sizes, method="he", rng=None):
    """Public siblings: one dlkit initialiser per method, starting with `dlkit.init.zeros`."""
    rng = np.random.default_rng(0) if rng is None else rng
    table = {
        "zeros": dlkit.init.zeros,
        "small": dlkit.init.small_normal,
        "xavier": dlkit.init.xavier_normal,
        "he": dlkit.init.he_normal,
    }
    return [
        (table[method](a, b, rng), np.zeros(b)) for a, b in zip(layer_sizes[:-1], layer_sizes[1:])
    ]


def init_params__delegates_dense_layers(layer_sizes, method="he", rng=None):
    """Objects: the weights of `dlkit.layers.Dense.__init__` layers."""
    rng = np.random.default_rng(0) if rng is None else rng
    inits = {"zeros": "zeros", "small": "small", "xavier": "xavier", "he": "he"}
    layers = [
        dlkit.layers.Dense(a, b, init=inits[method], rng=rng)
        for a, b in zip(layer_sizes[:-1], layer_sizes[1:])
    ]
    return [(layer.params["W"], np.zeros(layer.n_out)) for layer in layers]


def init_params__delegates_private_sizes(layer_sizes, method="he", rng=None):
    """Draws the weights itself but checks the sizes with the private `dlkit.init._sizes`."""
    rng = np.random.default_rng(0) if rng is None else rng
    params = []
    for a, b in zip(layer_sizes[:-1], layer_sizes[1:]):
        n_in, n_out = dlkit.init._sizes(a, b)
        std = {"zeros": 0.0, "small": 0.01, "xavier": np.sqrt(2 / (n_in + n_out))}.get(
            method, np.sqrt(2 / n_in)
        )
        params.append((std * rng.standard_normal((n_in, n_out)), np.zeros(n_out)))
    return params


# ---------------------------------------------------------------------- mlp_forward


def mlp_forward__delegates_dense_forward(X, params, hidden="relu", output="softmax"):
    """Writes the loop but computes each Z with `dlkit.layers.dense_forward` (not allowed here)."""
    act = dlkit.activations
    f = {"relu": act.relu, "tanh": act.tanh, "sigmoid": act.sigmoid, "identity": act.identity}
    f["softmax"] = act.softmax
    A, cache = X, {"A": [X], "Z": []}
    for layer, (W, b) in enumerate(params, start=1):
        Z = dlkit.layers.dense_forward(A, W, b)
        A = f[output](Z) if layer == len(params) else f[hidden](Z)
        cache["Z"].append(Z)
        cache["A"].append(A)
    return A, cache


def mlp_forward__delegates_private_activation(X, params, hidden="relu", output="softmax"):
    """Looks the activations up with the private `dlkit.layers._activation`."""
    A, cache = X, {"A": [X], "Z": []}
    for layer, (W, b) in enumerate(params, start=1):
        Z = A @ W + b
        A = dlkit.layers._activation(output if layer == len(params) else hidden)(Z)
        cache["Z"].append(Z)
        cache["A"].append(A)
    return A, cache


def mlp_forward__delegates_sequential(X, params, hidden="relu", output="softmax"):
    """Objects: a `dlkit.layers.Dense.__init__` layer per (W, b) inside a Sequential."""
    layers = []
    for W, b in params:
        dense = dlkit.layers.Dense(*W.shape)
        dense.params["W"], dense.params["b"] = W, b
        layers.append(dense)
    cache = {"A": [X], "Z": []}
    A = X
    for k, dense in enumerate(layers, start=1):
        Z = dense.forward(A)
        A = dlkit.activations.softmax(Z) if k == len(layers) else dlkit.activations.relu(Z)
        cache["Z"].append(Z)
        cache["A"].append(A)
    return A, cache


def mlp_forward__ok_activation_getter_allowed(X, params, hidden="relu", output="softmax"):
    """Correct: dlkit.activations (notebook 01's job) is allowed here, its get() included."""
    A, cache = X, {"A": [X], "Z": []}
    for layer, (W, b) in enumerate(params, start=1):
        Z = A @ W + b
        name = output if layer == len(params) else hidden
        A = dlkit.activations.softmax(Z) if name == "softmax" else dlkit.activations.get(name)[0](Z)
        cache["Z"].append(Z)
        cache["A"].append(A)
    return A, cache


# ---------------------------------------------------------------------- xor_params


def xor_params__delegates_training_on_the_gate(rng=None):
    """Trains for the weights instead of setting them: `dlkit.data.logic_gate` and a dlkit model."""
    X, y = dlkit.data.logic_gate("xor")
    model = dlkit.models.Sequential(
        dlkit.layers.Dense(2, 2, rng=0),
        dlkit.layers.ReLU(),
        dlkit.layers.Dense(2, 1, rng=0),
        dlkit.layers.Sigmoid(),
    )
    model.compile(optimizer="adam", loss="binary_cross_entropy")
    model.fit(X, y.reshape(-1, 1), epochs=200, batch_size=4, verbose=0)
    (d1, d2) = model.layers[0], model.layers[2]
    return [(d1.params["W"], d1.params["b"]), (d2.params["W"], d2.params["b"])]


def xor_params__delegates_init_then_set(rng=None):
    """Starts from `dlkit.init.init_params` and overwrites the entries by hand."""
    (W1, b1), (W2, b2) = dlkit.init.init_params([2, 2, 1], method="zeros")
    W1[:] = 1.0
    b1[:] = [0.0, -1.0]
    W2[:, 0] = [4.0, -8.0]
    b2[:] = -2.0
    return [(W1, b1), (W2, b2)]
