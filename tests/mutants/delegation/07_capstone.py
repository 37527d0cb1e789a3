"""Delegation catalogue for 07_capstone: answers that hand the exercise to dlkit.

See tests/mutants/delegation/00_getting_started.py for the format. The pieces of section 5
and train_digits are the student's own network: dlkit's layers, optimizers, regularisation,
training loops and models are out, and so is loading data inside train_digits (the held-out
digits the hidden test draws would leak into training).
"""

import numpy as np

import dlkit

# ---------------------------------------------------------------------- fit_standardizer


def fit_standardizer__delegates_private_column_stats(X):
    """The private helper behind the reference: `dlkit.data._column_stats`."""
    mean, std, _ = dlkit.data._column_stats(np.asarray(X, dtype=float))
    return mean, std


def fit_standardizer__delegates_standardize(X):
    """A public sibling: the std recovered from `dlkit.data.standardize`."""
    X = np.asarray(X, dtype=float)
    Z = dlkit.data.standardize(X)
    mean = X.mean(axis=0)
    moving = np.abs(Z).sum(axis=0) > 0
    std = np.ones(X.shape[1])
    std[moving] = ((X - mean)[:, moving] ** 2).sum(axis=0) / ((X - mean) * Z)[:, moving].sum(axis=0)
    return mean, std


def fit_standardizer__delegates_batchnorm(X):
    """An object: a `dlkit.layers.BatchNorm.__init__` layer measures the batch."""
    X = np.asarray(X, dtype=float)
    layer = dlkit.layers.BatchNorm(X.shape[1], momentum=1.0)
    layer.forward(X)
    std = np.sqrt(layer.buffers["running_var"])  # momentum 1: the batch's own statistics
    return layer.buffers["running_mean"], np.where(std == 0, 1.0, std)


# ---------------------------------------------------------------------- apply_standardizer


def apply_standardizer__delegates_dense_forward(X, mean, std):
    """A public sibling: `dlkit.layers.dense_forward` with W = diag(1/std), b = -mean/std."""
    return dlkit.layers.dense_forward(X, np.diag(1.0 / std), -mean / std)


def apply_standardizer__delegates_imported_alias(X, mean, std):
    """The reference under another name: `dlkit.data.apply_standardizer` imported as apply."""
    from dlkit.data import apply_standardizer as apply

    return apply(X, mean, std)


# ---------------------------------------------------------------------- confusion_matrix


def confusion_matrix__delegates_one_hot_product(y_true, y_pred, n_classes):
    """A public sibling: the product of two `dlkit.losses.one_hot` matrices."""
    T = dlkit.losses.one_hot(y_true, n_classes)
    P = dlkit.losses.one_hot(y_pred, n_classes)
    return (T.T @ P).astype(np.int64)


def confusion_matrix__delegates_module_dict(y_true, y_pred, n_classes):
    """The reference looked up in the module's namespace: `dlkit.metrics.confusion_matrix`."""
    return vars(dlkit.metrics)["confusion_matrix"](y_true, y_pred, n_classes)


# ---------------------------------------------------------------------- mlp_forward


def mlp_forward__delegates_reference(
    X, params, hidden="relu", output="softmax", p_drop=0.0, rng=None
):
    """Without dropout, the reference `dlkit.layers.mlp_forward` does the work."""
    if p_drop == 0:
        return dlkit.layers.mlp_forward(X, params, hidden=hidden, output=output)
    A, cache = X, {"A": [X], "Z": [], "masks": []}
    for layer, (W, b) in enumerate(params, start=1):
        Z = A @ W + b
        if layer == len(params):
            A = dlkit.activations.softmax(Z)
        else:
            A, mask = dropout_forward(dlkit.activations.relu(Z), p_drop, rng)  # noqa: F821
            cache["masks"].append(mask)
        cache["Z"].append(Z)
        cache["A"].append(A)
    return A, cache


def mlp_forward__delegates_dropout(
    X, params, hidden="relu", output="softmax", p_drop=0.0, rng=None
):
    """Dropout by the reference `dlkit.regularization.dropout_forward`."""
    A, cache = X, {"A": [X], "Z": [], "masks": []}
    for layer, (W, b) in enumerate(params, start=1):
        Z = A @ W + b
        if layer == len(params):
            A = dlkit.activations.softmax(Z)
        else:
            A, mask = dlkit.regularization.dropout_forward(
                dlkit.activations.relu(Z), p_drop, rng, training=p_drop > 0
            )
            cache["masks"].append(mask)
        cache["Z"].append(Z)
        cache["A"].append(A)
    return A, cache


def mlp_forward__delegates_dense_forward(
    X, params, hidden="relu", output="softmax", p_drop=0.0, rng=None
):
    """Each layer's product by `dlkit.layers.dense_forward`."""
    A, cache = X, {"A": [X], "Z": [], "masks": []}
    for layer, (W, b) in enumerate(params, start=1):
        Z = dlkit.layers.dense_forward(A, W, b)
        if layer == len(params):
            A = dlkit.activations.softmax(Z)
        else:
            A, mask = dropout_forward(dlkit.activations.relu(Z), p_drop, rng, training=p_drop > 0)  # noqa: F821
            cache["masks"].append(mask)
        cache["Z"].append(Z)
        cache["A"].append(A)
    return A, cache


# ---------------------------------------------------------------------- mlp_backward


def mlp_backward__delegates_reference(Y, cache, params, p_drop=0.0):
    """Without dropout, the reference `dlkit.layers.mlp_backward` does the work."""
    if p_drop == 0:
        return dlkit.layers.mlp_backward(Y, cache, params)
    A, Z = cache["A"], cache["Z"]
    dZ = (A[-1] - Y) / len(Y)
    grads = []
    for layer in range(len(params) - 1, -1, -1):
        grads.append((A[layer].T @ dZ, dZ.sum(axis=0)))
        if layer > 0:
            dA = dZ @ params[layer][0].T * cache["masks"][layer - 1] / (1 - p_drop)
            dZ = dA * (Z[layer - 1] > 0)
    return grads[::-1]


def mlp_backward__delegates_dense_backward(Y, cache, params, p_drop=0.0):
    """Each layer's gradients by `dlkit.layers.dense_backward`."""
    A, Z = cache["A"], cache["Z"]
    dZ = (A[-1] - Y) / len(Y)
    grads = []
    for layer in range(len(params) - 1, -1, -1):
        dA, dW, db = dlkit.layers.dense_backward(dZ, A[layer], params[layer][0])
        grads.append((dW, db))
        if layer > 0:
            if p_drop > 0:
                dA = dA * cache["masks"][layer - 1] / (1 - p_drop)
            dZ = dA * (Z[layer - 1] > 0)
    return grads[::-1]


def mlp_backward__delegates_dropout_backward(Y, cache, params, p_drop=0.0):
    """Dropout's gradient by the reference `dlkit.regularization.dropout_backward`."""
    A, Z = cache["A"], cache["Z"]
    masks = cache.get("masks") or [None] * len(params)
    dZ = (A[-1] - Y) / len(Y)
    grads = []
    for layer in range(len(params) - 1, -1, -1):
        grads.append((A[layer].T @ dZ, dZ.sum(axis=0)))
        if layer > 0:
            dA = dlkit.regularization.dropout_backward(
                dZ @ params[layer][0].T, masks[layer - 1], p_drop
            )
            dZ = dA * (Z[layer - 1] > 0)
    return grads[::-1]


# ---------------------------------------------------------------------- adam_update


def adam_update__delegates_adam_step(w, g, state, lr=1e-3):
    """The reference `dlkit.optim.adam_step` inside the rule."""
    t = state.get("t", 0) + 1
    w, m, v = dlkit.optim.adam_step(
        w, g, state.get("m", np.zeros_like(w)), state.get("v", np.zeros_like(w)), t, lr=lr
    )
    return w, {"m": m, "v": v, "t": t}


def adam_update__delegates_adam_object(w, g, state, lr=1e-3):
    """An object: a `dlkit.optim.Adam.__init__` optimizer kept in the state."""
    if "opt" not in state:
        state = {"opt": dlkit.optim.Adam(lr=lr)}
    return state["opt"].update(np.array(w, dtype=float), g), state


# ---------------------------------------------------------------------- fit_mlp


def fit_mlp__delegates_iterate_minibatches(
    params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu", p_drop=0.0
):
    """The batches from the reference `dlkit.optim.iterate_minibatches`."""
    rng = np.random.default_rng(0 if rng is None else rng)
    params = [(W.copy(), b.copy()) for W, b in params]
    states = [[{}, {}] for _ in params]
    losses = []
    for _ in range(epochs):
        batch_losses = []
        for Xb, Yb in dlkit.optim.iterate_minibatches(X, Y, batch_size, rng=rng):
            P, cache = mlp_forward(Xb, params, hidden=hidden, p_drop=p_drop, rng=rng)  # noqa: F821
            batch_losses.append(-np.sum(Yb * np.log(P)) / len(Xb))
            grads = mlp_backward(Yb, cache, params, p_drop=p_drop)  # noqa: F821
            new_params = []
            for k, ((W, b), (dW, db)) in enumerate(zip(params, grads)):
                W, states[k][0] = step(W, dW, states[k][0])
                b, states[k][1] = step(b, db, states[k][1])
                new_params.append((W, b))
            params = new_params
        losses.append(float(np.mean(batch_losses)))
    return params, losses


def fit_mlp__delegates_reference_backward(
    params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu", p_drop=0.0
):
    """Gradients from the reference `dlkit.layers.mlp_backward` instead of the notebook's."""
    rng = np.random.default_rng(0 if rng is None else rng)
    params = [(W.copy(), b.copy()) for W, b in params]
    states = [[{}, {}] for _ in params]
    losses = []
    for _ in range(epochs):
        batch_losses = []
        for Xb, Yb in iterate_minibatches(X, Y, batch_size, rng=rng):  # noqa: F821
            P, cache = mlp_forward(Xb, params, hidden=hidden, p_drop=p_drop, rng=rng)  # noqa: F821
            batch_losses.append(-np.sum(Yb * np.log(P)) / len(Xb))
            grads = dlkit.layers.mlp_backward(Yb, cache, params)
            new_params = []
            for k, ((W, b), (dW, db)) in enumerate(zip(params, grads)):
                W, states[k][0] = step(W, dW, states[k][0])
                b, states[k][1] = step(b, db, states[k][1])
                new_params.append((W, b))
            params = new_params
        losses.append(float(np.mean(batch_losses)))
    return params, losses


def fit_mlp__delegates_notebook_05_reference(
    params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu", p_drop=0.0
):
    """Notebook 05's loop as dlkit ships it, `dlkit.train.fit_mlp` (and no dropout)."""
    return dlkit.train.fit_mlp(
        params, X, Y, step, epochs=epochs, batch_size=batch_size, rng=rng, hidden=hidden
    )


# ---------------------------------------------------------------------- network_grad_check


def network_grad_check__delegates_reference_backward(params, X, Y, h=1e-5):
    """The analytic gradient from the reference `dlkit.layers.mlp_backward`."""
    params = [(np.asarray(W, dtype=float), np.asarray(b, dtype=float)) for W, b in params]
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    _, cache = mlp_forward(X, params)  # noqa: F821
    backprop = np.concatenate(
        [np.concatenate([dW.ravel(), db]) for dW, db in dlkit.layers.mlp_backward(Y, cache, params)]
    )
    return 0.0, backprop, backprop


def network_grad_check__delegates_reference_forward(params, X, Y, h=1e-5):
    """The loss evaluated with the reference `dlkit.layers.mlp_forward`."""
    params = [(np.asarray(W, dtype=float), np.asarray(b, dtype=float)) for W, b in params]
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    P, cache = dlkit.layers.mlp_forward(X, params)
    backprop = np.concatenate(
        [np.concatenate([dW.ravel(), db]) for dW, db in mlp_backward(Y, cache, params)]  # noqa: F821
    )  # noqa: F821
    return 0.0, backprop, backprop


# ---------------------------------------------------------------------- train_digits


def train_digits__delegates_sequential(X_train, y_train, rng=None):
    """The capstone of old: a `dlkit.layers.Dense.__init__` layer in a dlkit Sequential model, returning its weights."""
    rng = np.random.default_rng(0 if rng is None else rng)
    model = dlkit.models.Sequential(
        dlkit.layers.Dense(X_train.shape[1], 128, rng=rng),
        dlkit.layers.ReLU(),
        dlkit.layers.Dropout(0.2, rng=rng),
        dlkit.layers.Dense(128, 10, rng=rng),
        dlkit.layers.Softmax(),
    )
    model.compile(optimizer="adam", loss="categorical_cross_entropy")
    model.fit(X_train, y_train, epochs=40, batch_size=32, rng=rng, verbose=0)
    return [
        (model.layers[0].params["W"], model.layers[0].params["b"]),
        (model.layers[3].params["W"], model.layers[3].params["b"]),
    ]


def train_digits__delegates_all_digits(X_train, y_train, rng=None):
    """Trains on every digit from `dlkit.data.digits`, the held-out ones included."""
    X, y = dlkit.data.digits()
    X = dlkit.data.standardize(X)
    rng = np.random.default_rng(0 if rng is None else rng)
    params = init_classifier([64, 128, 10], rng=rng)  # noqa: F821
    params, _ = fit_mlp(  # noqa: F821
        params,
        X,
        dlkit.losses.one_hot(y, 10),
        adam_update,  # noqa: F821
        epochs=20,
        rng=rng,
        p_drop=0.2,  # noqa: F821
    )  # noqa: F821
    return params


def train_digits__delegates_adam_step(X_train, y_train, rng=None):
    """The update rule built on the reference `dlkit.optim.adam_step`."""
    rng = np.random.default_rng(0 if rng is None else rng)

    def rule(w, g, state):
        t = state.get("t", 0) + 1
        w, m, v = dlkit.optim.adam_step(
            w, g, state.get("m", 0 * w), state.get("v", 0 * w), t, lr=2e-3
        )
        return w, {"m": m, "v": v, "t": t}

    params = init_classifier([64, 128, 10], rng=rng)  # noqa: F821
    params, _ = fit_mlp(  # noqa: F821
        params, X_train, dlkit.losses.one_hot(y_train, 10), rule, epochs=20, rng=rng, p_drop=0.2
    )  # noqa: F821
    return params


def train_digits__delegates_dlkit_fit_mlp(X_train, y_train, rng=None):
    """dlkit's reference training loop `dlkit.train.fit_mlp` with the student's Adam rule."""
    rng = np.random.default_rng(0 if rng is None else rng)
    params = init_classifier([64, 128, 10], rng=rng)  # noqa: F821
    params, _ = dlkit.train.fit_mlp(
        params,
        X_train,
        dlkit.losses.one_hot(y_train, 10),
        adam_update,  # noqa: F821
        epochs=20,
        rng=rng,
    )
    return params


def train_digits__ok_dlkit_init_split_and_metrics(X_train, y_train, rng=None):
    """Correct: dlkit's init_params, train_val_split and accuracy are allowed (early choice of the epochs)."""
    rng = np.random.default_rng(0 if rng is None else rng)
    X_fit, X_check, y_fit, y_check = dlkit.data.train_val_split(X_train, y_train, 0.1, rng=rng)
    params = dlkit.init.init_params([X_train.shape[1], 128, 10], rng=rng)
    params[-1] = (0.1 * params[-1][0], params[-1][1])

    def rule(w, g, state):
        return adam_update(w, g, state, lr=2e-3)  # noqa: F821

    best, best_accuracy = params, -1.0
    for _ in range(4):
        params, _ = fit_mlp(  # noqa: F821
            params, X_fit, dlkit.losses.one_hot(y_fit, 10), rule, epochs=6, rng=rng, p_drop=0.2
        )  # noqa: F821
        accuracy = dlkit.metrics.accuracy(y_check, mlp_forward(X_check, params)[0].argmax(axis=1))  # noqa: F821
        if accuracy > best_accuracy:
            best, best_accuracy = params, accuracy
    return best
