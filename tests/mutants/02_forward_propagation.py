"""Mutants for 02_forward_propagation: plausible wrong answers each test cell must catch.

Each function ``<exercise>__<mistake>`` stands for one student mistake; functions named
``<exercise>__ok_<variant>`` are different but correct answers that must pass.
Bodies are self-contained: they run in the notebook's namespace (np, dlkit).
"""

import numpy as np

import dlkit

# ---------------------------------------------------------------------- dense_forward


def dense_forward__w_transposed(X, W, b):
    """Multiplies by W.T, as if W were stored (n_out, n_in)."""
    return X @ W.T + b


def dense_forward__column_convention(X, W, b):
    """Uses the samples-as-columns convention W.T @ X.T, returning Z transposed (n_out, n)."""
    return W.T @ X.T + b[:, None]


def dense_forward__w_times_x(X, W, b):
    """Writes W @ X, the product in the wrong order."""
    return W @ X + b


def dense_forward__no_bias(X, W, b):
    """Forgets to add the bias."""
    return X @ W


def dense_forward__bias_per_row(X, W, b):
    """Adds b as a column (b[:, None]), so b[i] goes to sample i; only runs when n == n_out."""
    return X @ W + b[:, None]


def dense_forward__elementwise(X, W, b):
    """Uses the element-wise product X * W instead of a matrix product."""
    return X * W + b


def dense_forward__row_loop(X, W, b):
    """Loops over the samples in Python instead of one matrix product."""
    return np.array([x @ W + b for x in X])


def dense_forward__applies_relu(X, W, b):
    """Applies an activation (ReLU) that does not belong to the pre-activation."""
    return np.maximum(0.0, X @ W + b)


def dense_forward__delegates(X, W, b):
    """Calls dlkit's reference instead of writing the product."""
    return dlkit.layers.dense_forward(X, W, b)


def dense_forward__ok_matmul(X, W, b):
    """Correct: np.matmul and an explicit broadcast of b to a row."""
    return np.matmul(X, W) + b.reshape(1, -1)


def dense_forward__row_loop_after_asarray(X, W, b):
    """Converts X with np.asarray (past the row trap), then fills Z one sample at a time."""
    rows = np.asarray(X)
    Z = np.empty((rows.shape[0], W.shape[1]))
    for i in range(rows.shape[0]):
        Z[i] = rows[i] @ W + b
    return Z


def dense_forward__apply_along_axis(X, W, b):
    """np.apply_along_axis, which runs a Python function once per sample."""
    return np.apply_along_axis(lambda x: x @ W + b, 1, np.asarray(X))


def dense_forward__ok_einsum(X, W, b):
    """Correct: the sum over inputs written with einsum."""
    return np.einsum("ik,kj->ij", X, W) + b


def dense_forward__ok_loop_over_units(X, W, b):
    """Correct: one column (unit) at a time; the loop runs n_out times, whatever the batch size."""
    Z = np.empty((X.shape[0], W.shape[1]))
    for j in range(W.shape[1]):
        Z[:, j] = X @ W[:, j] + b[j]
    return Z


# ----------------------------------------------------------------------- count_params


def count_params__weights_only(layer_sizes):
    """Counts the weights but forgets the biases."""
    return sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))


def count_params__input_biases(layer_sizes):
    """Gives every layer a bias per unit, the input layer included."""
    return sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:])) + sum(layer_sizes)


def count_params__bias_of_n_in(layer_sizes):
    """Counts n_in biases per layer (n_in * n_out + n_in) instead of n_out."""
    return sum(a * b + a for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))


def count_params__off_by_one(layer_sizes):
    """Stops the loop one layer early (range(len(layer_sizes) - 2))."""
    total = 0
    for i in range(len(layer_sizes) - 2):
        total += layer_sizes[i] * layer_sizes[i + 1] + layer_sizes[i + 1]
    return total


def count_params__returns_float(layer_sizes):
    """Returns the right number as a float (e.g. from np.sum over floats)."""
    sizes = np.asarray(layer_sizes, dtype=float)
    return float(np.sum(sizes[:-1] * sizes[1:] + sizes[1:]))


def count_params__returns_list(layer_sizes):
    """Returns the per-layer counts as a list instead of their total."""
    return [a * b + b for a, b in zip(layer_sizes[:-1], layer_sizes[1:])]


def count_params__delegates(layer_sizes):
    """Calls dlkit's reference instead of counting."""
    return dlkit.layers.count_params(layer_sizes)


def count_params__ok_numpy(layer_sizes):
    """Correct: vectorised with NumPy integer arrays (returns a NumPy integer)."""
    sizes = np.asarray(layer_sizes, dtype=np.int64)
    return np.sum(sizes[:-1] * sizes[1:] + sizes[1:])


def count_params__ok_shapes(layer_sizes):
    """Correct: sums the sizes of W and b shapes built for each layer."""
    total = 0
    for i in range(1, len(layer_sizes)):
        total += int(np.prod((layer_sizes[i - 1], layer_sizes[i]))) + layer_sizes[i]
    return total


# ------------------------------------------------------------------------ init_params


def _std(method, n_in, n_out):
    return {"small": 0.01, "xavier": np.sqrt(2.0 / (n_in + n_out)), "he": np.sqrt(2.0 / n_in)}[
        method
    ]


def init_params__he_variance_one_over_n_in(layer_sizes, method="he", rng=None):
    """He with variance 1 / n_in (LeCun's rule) instead of 2 / n_in."""
    rng = np.random.default_rng(0) if rng is None else rng
    params = []
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        std = {
            "zeros": 0.0,
            "small": 0.01,
            "xavier": np.sqrt(2.0 / (n_in + n_out)),
            "he": np.sqrt(1.0 / n_in),
        }[method]
        params.append((std * rng.standard_normal((n_in, n_out)), np.zeros(n_out)))
    return params


def init_params__xavier_n_in_only(layer_sizes, method="he", rng=None):
    """Xavier with variance 2 / n_in: uses only the fan-in."""
    rng = np.random.default_rng(0) if rng is None else rng
    params = []
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        std = {
            "zeros": 0.0,
            "small": 0.01,
            "xavier": np.sqrt(2.0 / n_in),
            "he": np.sqrt(2.0 / n_in),
        }[method]
        params.append((std * rng.standard_normal((n_in, n_out)), np.zeros(n_out)))
    return params


def init_params__variance_as_std(layer_sizes, method="he", rng=None):
    """Multiplies by the variance instead of its square root (sqrt forgotten)."""
    rng = np.random.default_rng(0) if rng is None else rng
    params = []
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        scale = {"zeros": 0.0, "small": 0.01, "xavier": 2.0 / (n_in + n_out), "he": 2.0 / n_in}[
            method
        ]
        params.append((scale * rng.standard_normal((n_in, n_out)), np.zeros(n_out)))
    return params


def init_params__w_transposed(layer_sizes, method="he", rng=None):
    """Creates W with shape (n_out, n_in), the other convention."""
    rng = np.random.default_rng(0) if rng is None else rng
    params = []
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        std = (
            0.0
            if method == "zeros"
            else {
                "small": 0.01,
                "xavier": np.sqrt(2.0 / (n_in + n_out)),
                "he": np.sqrt(2.0 / n_in),
            }[method]
        )
        params.append((std * rng.standard_normal((n_out, n_in)), np.zeros(n_out)))
    return params


def init_params__random_biases(layer_sizes, method="he", rng=None):
    """Draws the biases at random too instead of starting them at zero."""
    rng = np.random.default_rng(0) if rng is None else rng
    params = []
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        std = (
            0.0
            if method == "zeros"
            else {
                "small": 0.01,
                "xavier": np.sqrt(2.0 / (n_in + n_out)),
                "he": np.sqrt(2.0 / n_in),
            }[method]
        )
        params.append((std * rng.standard_normal((n_in, n_out)), std * rng.standard_normal(n_out)))
    return params


def init_params__global_state(layer_sizes, method="he", rng=None):
    """Ignores rng and draws from NumPy's global state (np.random.randn)."""
    params = []
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        std = (
            0.0
            if method == "zeros"
            else {
                "small": 0.01,
                "xavier": np.sqrt(2.0 / (n_in + n_out)),
                "he": np.sqrt(2.0 / n_in),
            }[method]
        )
        params.append((std * np.random.randn(n_in, n_out), np.zeros(n_out)))  # noqa: NPY002
    return params


def init_params__fixed_seed(layer_sizes, method="he", rng=None):
    """Ignores rng and always creates np.random.default_rng(0) inside."""
    rng = np.random.default_rng(0)
    params = []
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        std = (
            0.0
            if method == "zeros"
            else {
                "small": 0.01,
                "xavier": np.sqrt(2.0 / (n_in + n_out)),
                "he": np.sqrt(2.0 / n_in),
            }[method]
        )
        params.append((std * rng.standard_normal((n_in, n_out)), np.zeros(n_out)))
    return params


def init_params__uniform_unit(layer_sizes, method="he", rng=None):
    """Uses rng.random (uniform on [0, 1)) instead of a zero-mean normal."""
    rng = np.random.default_rng(0) if rng is None else rng
    params = []
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        std = (
            0.0
            if method == "zeros"
            else {
                "small": 0.01,
                "xavier": np.sqrt(2.0 / (n_in + n_out)),
                "he": np.sqrt(2.0 / n_in),
            }[method]
        )
        params.append((std * rng.random((n_in, n_out)), np.zeros(n_out)))
    return params


def init_params__int_zeros(layer_sizes, method="he", rng=None):
    """Builds zero biases (and zero weights) with an integer dtype."""
    rng = np.random.default_rng(0) if rng is None else rng
    params = []
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        if method == "zeros":
            W = np.zeros((n_in, n_out), dtype=int)
        else:
            std = {
                "small": 0.01,
                "xavier": np.sqrt(2.0 / (n_in + n_out)),
                "he": np.sqrt(2.0 / n_in),
            }[method]
            W = std * rng.standard_normal((n_in, n_out))
        params.append((W, np.zeros(n_out, dtype=int)))
    return params


def init_params__default_xavier(layer_sizes, method="xavier", rng=None):
    """Uses "xavier" as the default method instead of "he"."""
    rng = np.random.default_rng(0) if rng is None else rng
    params = []
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        std = (
            0.0
            if method == "zeros"
            else {
                "small": 0.01,
                "xavier": np.sqrt(2.0 / (n_in + n_out)),
                "he": np.sqrt(2.0 / n_in),
            }[method]
        )
        params.append((std * rng.standard_normal((n_in, n_out)), np.zeros(n_out)))
    return params


def init_params__delegates(layer_sizes, method="he", rng=None):
    """Calls dlkit's reference init_params."""
    return dlkit.init.init_params(layer_sizes, method=method, rng=rng)


def init_params__delegates_per_layer(layer_sizes, method="he", rng=None):
    """Loops over the layers itself but calls dlkit.init.init_weights for each W."""
    rng = np.random.default_rng(0) if rng is None else rng
    return [
        (dlkit.init.init_weights(n_in, n_out, method, rng), np.zeros(n_out))
        for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])
    ]


def init_params__ok_rng_normal(layer_sizes, method="he", rng=None):
    """Correct: rng.normal with the standard deviation as scale."""
    if rng is None:
        rng = np.random.default_rng(0)
    params = []
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        if method == "zeros":
            W = np.zeros((n_in, n_out))
        elif method == "small":
            W = rng.normal(0.0, 0.01, size=(n_in, n_out))
        elif method == "xavier":
            W = rng.normal(0.0, np.sqrt(2.0 / (n_in + n_out)), size=(n_in, n_out))
        else:
            W = rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out))
        params.append((W, np.zeros(n_out)))
    return params


def init_params__ok_transposed_draw(layer_sizes, method="he", rng=None):
    """Correct: draws (n_out, n_in) and transposes, a different random stream, and always draws (even for zeros)."""
    rng = np.random.default_rng(0) if rng is None else rng
    params = []
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        variance = {"zeros": 0.0, "small": 1e-4, "xavier": 2.0 / (n_in + n_out), "he": 2.0 / n_in}[
            method
        ]
        W = np.sqrt(variance) * rng.standard_normal((n_out, n_in)).T
        params.append((W, np.zeros(n_out)))
    return params


# ------------------------------------------------------------------------ mlp_forward


def mlp_forward__output_everywhere(X, params, hidden="relu", output="softmax"):
    """Applies the output activation after every layer (the hidden one is ignored)."""
    f = dlkit.activations.softmax if output == "softmax" else dlkit.activations.get(output)[0]
    A = X
    cache = {"A": [X], "Z": []}
    for W, b in params:
        Z = A @ W + b
        A = f(Z)
        cache["Z"].append(Z)
        cache["A"].append(A)
    return A, cache


def mlp_forward__hidden_everywhere(X, params, hidden="relu", output="softmax"):
    """Applies the hidden activation after the last layer too, then the output activation."""
    g = dlkit.activations.get(hidden)[0]
    o = dlkit.activations.softmax if output == "softmax" else dlkit.activations.get(output)[0]
    A = X
    cache = {"A": [X], "Z": []}
    for W, b in params:
        Z = A @ W + b
        A = g(Z)
        cache["Z"].append(Z)
        cache["A"].append(A)
    cache["A"][-1] = o(A)
    return cache["A"][-1], cache


def mlp_forward__cache_without_x(X, params, hidden="relu", output="softmax"):
    """Starts cache["A"] at A1, leaving out the input X."""
    g = dlkit.activations.get(hidden)[0]
    o = dlkit.activations.softmax if output == "softmax" else dlkit.activations.get(output)[0]
    A = X
    cache = {"A": [], "Z": []}
    for i, (W, b) in enumerate(params):
        Z = A @ W + b
        A = o(Z) if i == len(params) - 1 else g(Z)
        cache["Z"].append(Z)
        cache["A"].append(A)
    return A, cache


def mlp_forward__z_and_a_swapped(X, params, hidden="relu", output="softmax"):
    """Stores the activations under "Z" and the pre-activations under "A"."""
    g = dlkit.activations.get(hidden)[0]
    o = dlkit.activations.softmax if output == "softmax" else dlkit.activations.get(output)[0]
    A = X
    cache = {"A": [X], "Z": []}
    for i, (W, b) in enumerate(params):
        Z = A @ W + b
        A = o(Z) if i == len(params) - 1 else g(Z)
        cache["A"].append(Z)
        cache["Z"].append(A)
    return A, cache


def mlp_forward__softmax_axis0(X, params, hidden="relu", output="softmax"):
    """Writes its own softmax but normalises over axis 0 (the samples) instead of the classes."""

    def softmax(z):
        e = np.exp(z - z.max(axis=0, keepdims=True))
        return e / e.sum(axis=0, keepdims=True)

    acts = {
        "relu": lambda z: np.maximum(0.0, z),
        "tanh": np.tanh,
        "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
        "identity": lambda z: z,
        "softmax": softmax,
    }
    A = X
    cache = {"A": [X], "Z": []}
    for i, (W, b) in enumerate(params):
        Z = A @ W + b
        A = acts[output](Z) if i == len(params) - 1 else acts[hidden](Z)
        cache["Z"].append(Z)
        cache["A"].append(A)
    return A, cache


def mlp_forward__stops_early(X, params, hidden="relu", output="softmax"):
    """Loops over params[:-1] and applies the output activation there: one layer short."""
    g = dlkit.activations.get(hidden)[0]
    o = dlkit.activations.softmax if output == "softmax" else dlkit.activations.get(output)[0]
    A = X
    cache = {"A": [X], "Z": []}
    layers = params[:-1] if len(params) > 1 else params
    for i, (W, b) in enumerate(layers):
        Z = A @ W + b
        A = o(Z) if i == len(layers) - 1 else g(Z)
        cache["Z"].append(Z)
        cache["A"].append(A)
    return A, cache


def mlp_forward__z_from_input(X, params, hidden="relu", output="softmax"):
    """Computes each Z from the previous Z instead of the previous activation A."""
    g = dlkit.activations.get(hidden)[0]
    o = dlkit.activations.softmax if output == "softmax" else dlkit.activations.get(output)[0]
    A = X
    Z = X
    cache = {"A": [X], "Z": []}
    for i, (W, b) in enumerate(params):
        Z = Z @ W + b
        A = o(Z) if i == len(params) - 1 else g(Z)
        cache["Z"].append(Z)
        cache["A"].append(A)
    return A, cache


def mlp_forward__delegates(X, params, hidden="relu", output="softmax"):
    """Calls dlkit's reference forward pass."""
    return dlkit.layers.mlp_forward(X, params, hidden=hidden, output=output)


def mlp_forward__ok_own_activations(X, params, hidden="relu", output="softmax"):
    """Correct: own activation functions (stable softmax), last layer handled after the loop."""

    def softmax(z):
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    acts = {
        "relu": lambda z: np.maximum(0.0, z),
        "tanh": np.tanh,
        "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
        "identity": lambda z: z,
        "softmax": softmax,
    }
    A = X
    As, Zs = [X], []
    for W, b in params[:-1]:
        Z = A @ W + b
        A = acts[hidden](Z)
        Zs.append(Z)
        As.append(A)
    W, b = params[-1]
    Z = A @ W + b
    A = acts[output](Z)
    Zs.append(Z)
    As.append(A)
    return A, {"A": As, "Z": Zs}


def mlp_forward__ok_uses_dense_forward(X, params, hidden="relu", output="softmax"):
    """Correct: reuses the notebook's dense_forward and dlkit's activation getter."""
    A = X
    cache = {"A": [X], "Z": []}
    for i, (W, b) in enumerate(params):
        Z = dense_forward(X=A, W=W, b=b)  # noqa: F821 - defined in the notebook
        name = output if i == len(params) - 1 else hidden
        A = dlkit.activations.softmax(Z) if name == "softmax" else dlkit.activations.get(name)[0](Z)
        cache["Z"].append(Z)
        cache["A"].append(A)
    return A, cache


# ------------------------------------------------------------------------- xor_params


def xor_params__or():
    """Solves OR instead of XOR (the second hidden unit is not used)."""
    W1 = np.array([[1.0, 1.0], [1.0, 1.0]])
    b1 = np.array([0.0, -1.0])
    return [(W1, b1), (np.array([[4.0], [0.0]]), np.array([-2.0]))]


def xor_params__and():
    """Solves AND instead of XOR (only the second hidden unit is used)."""
    W1 = np.array([[1.0, 1.0], [1.0, 1.0]])
    b1 = np.array([0.0, -1.0])
    return [(W1, b1), (np.array([[0.0], [4.0]]), np.array([-2.0]))]


def xor_params__xnor():
    """Gets the sign of the output layer wrong: computes XNOR (outputs inverted)."""
    W1 = np.array([[1.0, 1.0], [1.0, 1.0]])
    b1 = np.array([0.0, -1.0])
    return [(W1, b1), (np.array([[-4.0], [8.0]]), np.array([2.0]))]


def xor_params__small_margin():
    """Right signs but tiny output weights: outputs about 0.49 and 0.51."""
    W1 = np.array([[1.0, 1.0], [1.0, 1.0]])
    b1 = np.array([0.0, -1.0])
    return [(W1, b1), (np.array([[0.08], [-0.16]]), np.array([-0.04]))]


def xor_params__row_vector_w2():
    """W2 as a row vector of shape (1, 2) instead of a column (2, 1)."""
    W1 = np.array([[1.0, 1.0], [1.0, 1.0]])
    b1 = np.array([0.0, -1.0])
    return [(W1, b1), (np.array([[4.0, -8.0]]), np.array([-2.0]))]


def xor_params__bias_as_column():
    """b1 of shape (2, 1) instead of (2,)."""
    W1 = np.array([[1.0, 1.0], [1.0, 1.0]])
    b1 = np.array([[0.0], [-1.0]])
    return [(W1, b1), (np.array([[4.0], [-8.0]]), np.array([-2.0]))]


def xor_params__ok_differences():
    """Correct: h1 = relu(x1 - x2), h2 = relu(x2 - x1), output 4 (h1 + h2) - 2."""
    W1 = np.array([[1.0, -1.0], [-1.0, 1.0]])
    b1 = np.zeros(2)
    return [(W1, b1), (np.array([[4.0], [4.0]]), np.array([-2.0]))]


def xor_params__ok_or_minus_and():
    """Correct: OR-like and AND-like hidden units with large weights, output OR minus AND."""
    W1 = np.array([[10.0, 10.0], [10.0, 10.0]])
    b1 = np.array([0.0, -10.0])
    return [(W1, b1), (np.array([[0.5], [-1.0]]), np.array([-2.5]))]
