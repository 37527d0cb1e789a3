"""Delegation catalogue for 04_backpropagation: answers that hand the exercise to dlkit.

See tests/mutants/delegation/00_getting_started.py for the format. Allowed, as the tasks
say: dlkit.activations.sigmoid in sigmoid_grad and worked_example_step, dlkit.activations.tanh
in tanh_grad, dlkit.layers.mlp_forward and dlkit.losses.categorical_cross_entropy in train_step.
"""

import numpy as np

import dlkit

# ---------------------------------------------------------------------- sigmoid_grad


def sigmoid_grad__delegates_getter(z):
    """The derivative handed out by `dlkit.activations.get`."""
    return dlkit.activations.get("sigmoid")[1](z)


def sigmoid_grad__delegates_table(z):
    """The reference through dlkit's table of activations: `dlkit.activations.sigmoid_grad`."""
    return dlkit.activations.ACTIVATIONS["sigmoid"][1](z)


def sigmoid_grad__delegates_layer_backward(z):
    """An object: the backward pass of a `dlkit.layers.Sigmoid.__init__` layer."""
    layer = dlkit.layers.Sigmoid()
    Z = np.atleast_2d(np.asarray(z, dtype=float))
    layer.forward(Z)
    return layer.backward(np.ones_like(Z)).reshape(np.shape(z))


# ---------------------------------------------------------------------- relu_grad


def relu_grad__delegates_step(z):
    """A public sibling: `dlkit.activations.step`, switched off at exactly 0."""
    z = np.asarray(z, dtype=float)
    return dlkit.activations.step(z) * (z != 0)


def relu_grad__delegates_layer_backward(z):
    """An object: the backward pass of a `dlkit.layers.ReLU.__init__` layer."""
    layer = dlkit.layers.ReLU()
    Z = np.atleast_2d(np.asarray(z, dtype=float))
    layer.forward(Z)
    return layer.backward(np.ones_like(Z)).reshape(np.shape(z))


# ---------------------------------------------------------------------- tanh_grad


def tanh_grad__delegates_getter(z):
    """The derivative handed out by `dlkit.activations.get`."""
    return dlkit.activations.get("tanh")[1](z)


def tanh_grad__delegates_layer_backward(z):
    """An object: the backward pass of a `dlkit.layers.Tanh.__init__` layer."""
    layer = dlkit.layers.Tanh()
    Z = np.atleast_2d(np.asarray(z, dtype=float))
    layer.forward(Z)
    return layer.backward(np.ones_like(Z)).reshape(np.shape(z))


def tanh_grad__ok_dlkit_tanh(z):
    """Correct: 1 - tanh(z)**2 with dlkit's tanh, allowed as dlkit's sigmoid is in sigmoid_grad."""
    return 1.0 - dlkit.activations.tanh(z) ** 2


# ---------------------------------------------------------------------- worked_example_step


def worked_example_step__delegates_sigmoid_grad(x, T, w1, b1, w2, b2, eta):
    """A public sibling of the allowed sigmoid: `dlkit.activations.sigmoid_grad` for the chain rule."""
    z1 = w1 * x + b1
    a1 = float(dlkit.activations.sigmoid(z1))
    z2 = w2 * a1 + b2
    a2 = float(dlkit.activations.sigmoid(z2))
    d2 = (a2 - T) * float(dlkit.activations.sigmoid_grad(z2))
    d1 = d2 * w2 * float(dlkit.activations.sigmoid_grad(z1))
    out = {"z1": z1, "a1": a1, "z2": z2, "a2": a2, "E": 0.5 * (T - a2) ** 2}
    out.update({"dE_dw2": d2 * a1, "dE_db2": d2, "dE_dw1": d1 * x, "dE_db1": d1})
    out.update({"w1": w1 - eta * d1 * x, "b1": b1 - eta * d1, "w2": w2 - eta * d2 * a1})
    out["b2"] = b2 - eta * d2
    return {k: float(v) for k, v in out.items()}


def worked_example_step__delegates_mlp_forward(x, T, w1, b1, w2, b2, eta):
    """The forward pass from `dlkit.layers.mlp_forward` of the 1-1-1 sigmoid network."""
    params = [(np.array([[w1]]), np.array([b1])), (np.array([[w2]]), np.array([b2]))]
    _, cache = dlkit.layers.mlp_forward(np.array([[x]]), params, hidden="sigmoid", output="sigmoid")
    (z1, z2), (a1, a2) = (
        [float(Z[0, 0]) for Z in cache["Z"]],
        [float(A[0, 0]) for A in cache["A"][1:]],
    )
    d2 = (a2 - T) * a2 * (1 - a2)
    d1 = d2 * w2 * a1 * (1 - a1)
    out = {"z1": z1, "a1": a1, "z2": z2, "a2": a2, "E": 0.5 * (T - a2) ** 2}
    out.update({"dE_dw2": d2 * a1, "dE_db2": d2, "dE_dw1": d1 * x, "dE_db1": d1})
    out.update({"w1": w1 - eta * d1 * x, "b1": b1 - eta * d1, "w2": w2 - eta * d2 * a1})
    out["b2"] = b2 - eta * d2
    return {k: float(v) for k, v in out.items()}


def worked_example_step__ok_dlkit_sigmoid(x, T, w1, b1, w2, b2, eta):
    """Correct: dlkit's sigmoid is allowed (the sigmoid_grad of Exercise 1 may use it)."""
    s = dlkit.activations.sigmoid
    z1 = w1 * x + b1
    a1 = float(s(z1))
    z2 = w2 * a1 + b2
    a2 = float(s(z2))
    d2 = (a2 - T) * a2 * (1 - a2)
    d1 = d2 * w2 * a1 * (1 - a1)
    out = {"z1": z1, "a1": a1, "z2": z2, "a2": a2, "E": 0.5 * (T - a2) ** 2}
    out.update({"dE_dw2": d2 * a1, "dE_db2": d2, "dE_dw1": d1 * x, "dE_db1": d1})
    out.update({"w1": w1 - eta * d1 * x, "b1": b1 - eta * d1, "w2": w2 - eta * d2 * a1})
    out["b2"] = b2 - eta * d2
    return {k: float(v) for k, v in out.items()}


# ---------------------------------------------------------------------- dense_backward


def dense_backward__delegates_private_param_grads(dZ, X, W):
    """The private helper behind the reference: `dlkit.layers._dense_param_grads` for dW and db."""
    dW, db = dlkit.layers._dense_param_grads(dZ, X)
    return dZ @ W.T, dW, db


def dense_backward__delegates_dense_layer(dZ, X, W):
    """An object: the backward pass of a `dlkit.layers.Dense.__init__` layer holding W."""
    layer = dlkit.layers.Dense(*W.shape)
    layer.params["W"] = W
    layer.forward(X)
    dX = layer.backward(dZ)
    return dX, layer.grads["W"], layer.grads["b"]


# ---------------------------------------------------------------------- mlp_backward


def mlp_backward__ok_dlkit_dense_backward(Y, cache, params):
    """Correct: the chain rule with dlkit's dense_backward, which the tests put in place of the
    student's own anyway (Exercise 5 is graded on its own; mlp_backward is graded on the chain)."""
    A, Z = cache["A"], cache["Z"]
    dZ = (A[-1] - Y) / Y.shape[0]
    grads = []
    for layer in range(len(params) - 1, -1, -1):
        dA, dW, db = dlkit.layers.dense_backward(dZ, A[layer], params[layer][0])
        grads.append((dW, db))
        if layer > 0:
            dZ = dA * (Z[layer - 1] > 0)
    return grads[::-1]


def mlp_backward__ok_dlkit_relu_grad(Y, cache, params):
    """Correct: the chain rule with dlkit's relu_grad between the layers (as the tests swap in)."""
    A, Z = cache["A"], cache["Z"]
    dZ = (A[-1] - Y) / Y.shape[0]
    grads = []
    for layer in range(len(params) - 1, -1, -1):
        W = params[layer][0]
        grads.append((A[layer].T @ dZ, dZ.sum(axis=0)))
        if layer > 0:
            dZ = (dZ @ W.T) * dlkit.activations.relu_grad(Z[layer - 1])
    return grads[::-1]


def mlp_backward__delegates_loss_gradient(Y, cache, params):
    """Starts from `dlkit.losses.cross_entropy_from_logits_grad` of the last Z."""
    A, Z = cache["A"], cache["Z"]
    dZ = dlkit.losses.cross_entropy_from_logits_grad(Y, Z[-1])
    grads = []
    for layer in range(len(params) - 1, -1, -1):
        W = params[layer][0]
        grads.append((A[layer].T @ dZ, dZ.sum(axis=0)))
        if layer > 0:
            dZ = (dZ @ W.T) * (Z[layer - 1] > 0)
    return grads[::-1]


def mlp_backward__delegates_numerical_gradient(Y, cache, params):
    """Differentiates numerically with `dlkit.gradcheck.numerical_gradient` instead of backprop."""
    X = cache["A"][0]

    def loss(_):
        Zs = X
        for k, (W, b) in enumerate(params):
            Zs = Zs @ W + b
            if k < len(params) - 1:
                Zs = np.maximum(Zs, 0)
        m = Zs.max(axis=1, keepdims=True)
        return float(np.mean(np.log(np.exp(Zs - m).sum(axis=1)) + m[:, 0] - (Y * Zs).sum(axis=1)))

    return [
        (dlkit.gradcheck.numerical_gradient(loss, W), dlkit.gradcheck.numerical_gradient(loss, b))
        for W, b in params
    ]


# ---------------------------------------------------------------------- numerical_gradient


def numerical_gradient__delegates_imported_alias(f, x, h=1e-5):
    """The reference under another name: `dlkit.gradcheck.numerical_gradient` imported as ng."""
    from dlkit.gradcheck import numerical_gradient as ng

    return ng(f, np.array(x, dtype=float), h)


def numerical_gradient__delegates_module_dict(f, x, h=1e-5):
    """The reference looked up in the module's namespace: `dlkit.gradcheck.numerical_gradient`."""
    return vars(dlkit.gradcheck)["numerical_gradient"](f, np.array(x, dtype=float), h)


# ---------------------------------------------------------------------- relative_error


def relative_error__delegates_imported_alias(a, b):
    """The reference under another name: `dlkit.gradcheck.relative_error` imported as rel."""
    from dlkit.gradcheck import relative_error as rel

    return rel(a, b)


def relative_error__delegates_module_dict(a, b):
    """The reference looked up in the module's namespace: `dlkit.gradcheck.relative_error`."""
    return vars(dlkit.gradcheck)["relative_error"](a, b)


# ---------------------------------------------------------------------- train_step


def train_step__delegates_dense_backward(params, X, Y, lr):
    """Backpropagates with `dlkit.layers.dense_backward` instead of the notebook's mlp_backward."""
    P, cache = dlkit.layers.mlp_forward(X, params, hidden="relu", output="softmax")
    loss = dlkit.losses.categorical_cross_entropy(Y, P)
    dZ, grads = (P - Y) / X.shape[0], []
    for layer in range(len(params) - 1, -1, -1):
        dA, dW, db = dlkit.layers.dense_backward(dZ, cache["A"][layer], params[layer][0])
        grads.append((dW, db))
        if layer > 0:
            dZ = dA * (cache["Z"][layer - 1] > 0)
    grads = grads[::-1]
    return [(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(params, grads)], loss


def train_step__delegates_gd_step(params, X, Y, lr):
    """Updates with `dlkit.optim.gd_step` (notebook 05's reference) instead of W - lr * dW."""
    P, cache = dlkit.layers.mlp_forward(X, params, hidden="relu", output="softmax")
    loss = float(-np.sum(Y * np.log(np.clip(P, 1e-12, 1.0))) / X.shape[0])
    grads = mlp_backward(Y, cache, params)  # noqa: F821 - the notebook's own
    new = [
        (dlkit.optim.gd_step(W, dW, lr), dlkit.optim.gd_step(b, db, lr))
        for (W, b), (dW, db) in zip(params, grads)
    ]
    return new, loss


def train_step__delegates_gd_optimizer(params, X, Y, lr):
    """An object: a `dlkit.optim.GD.__init__` optimizer applies the update."""
    P, cache = dlkit.layers.mlp_forward(X, params, hidden="relu", output="softmax")
    loss = float(-np.sum(Y * np.log(np.clip(P, 1e-12, 1.0))) / X.shape[0])
    grads = mlp_backward(Y, cache, params)  # noqa: F821 - the notebook's own
    opt = dlkit.optim.GD(lr=lr)
    new = [
        (opt.update(W, dW, key=("W", k)), opt.update(b, db, key=("b", k)))
        for k, ((W, b), (dW, db)) in enumerate(zip(params, grads))
    ]
    return new, loss
