"""Mutants for 07_capstone: plausible wrong answers each test cell must catch.

Each function ``<exercise>__<mistake>`` stands for one student mistake; functions named
``<exercise>__ok_<variant>`` are different but correct answers that must pass.
Bodies are self-contained: they run in the notebook's namespace (np and dlkit).
"""

import numpy as np

import dlkit

# ------------------------------------------------------------------------------ fit_standardizer


def fit_standardizer__no_constant_fix(X):
    """Keeps a standard deviation of 0 for constant columns (0 / 0 = nan later)."""
    return X.mean(axis=0), X.std(axis=0)


def fit_standardizer__per_row(X):
    """Wrong axis: statistics of each sample (row) instead of each feature."""
    std = X.std(axis=1)
    return X.mean(axis=1), np.where(std == 0, 1.0, std)


def fit_standardizer__ddof1(X):
    """Sample standard deviation (ddof=1) instead of the population one."""
    std = X.std(axis=0, ddof=1)
    return X.mean(axis=0), np.where(std == 0, 1.0, std)


def fit_standardizer__returns_std_mean(X):
    """Returns the pair in the wrong order, (std, mean)."""
    std = X.std(axis=0)
    return np.where(std == 0, 1.0, std), X.mean(axis=0)


def fit_standardizer__global_statistics(X):
    """One mean and one standard deviation for the whole array, broadcast to every column."""
    mean = np.full(X.shape[1], X.mean())
    return mean, np.full(X.shape[1], X.std())


def fit_standardizer__constant_to_zero_mean(X):
    """Fixes constant columns by zeroing their mean instead of setting std to 1."""
    std = X.std(axis=0)
    mean = np.where(std == 0, 0.0, X.mean(axis=0))
    return mean, np.where(std == 0, 1.0, std)


def fit_standardizer__centres_in_place(X):
    """Subtracts the mean from the caller's X in place while computing the std."""
    mean = X.mean(axis=0)
    X -= mean
    std = np.sqrt((X**2).mean(axis=0))
    return mean, np.where(std == 0, 1.0, std)


def fit_standardizer__delegates(X):
    """Calls dlkit's reference."""
    return dlkit.data.fit_standardizer(X)


def fit_standardizer__ok_mask_assignment(X):
    """Correct: std[std == 0] = 1 on the computed array."""
    mean = X.mean(axis=0)
    std = X.std(axis=0)
    std[std == 0] = 1.0
    return mean, std


def fit_standardizer__ok_by_hand(X):
    """Correct: sums written out, and np.ptp to find constant columns."""
    X = np.asarray(X, dtype=float)
    n = X.shape[0]
    mean = X.sum(axis=0) / n
    std = np.sqrt(((X - mean) ** 2).sum(axis=0) / n)
    return mean, np.where(np.ptp(X, axis=0) == 0, 1.0, std)


# ------------------------------------------------------------------------------ apply_standardizer


def apply_standardizer__recomputes_statistics(X, mean, std):
    """The leak: standardises X with its own statistics, ignoring the training ones."""
    own_std = X.std(axis=0)
    return (X - X.mean(axis=0)) / np.where(own_std == 0, 1.0, own_std)


def apply_standardizer__subtract_only(X, mean, std):
    """Centres but forgets to divide by the standard deviation."""
    return X - mean


def apply_standardizer__multiplies(X, mean, std):
    """Multiplies by the standard deviation instead of dividing."""
    return (X - mean) * std


def apply_standardizer__wrong_order(X, mean, std):
    """Divides first, then subtracts: X / std - mean."""
    return X / std - mean


def apply_standardizer__in_place(X, mean, std):
    """Standardises the caller's array in place and returns it."""
    X -= mean
    X /= std
    return X


def apply_standardizer__delegates(X, mean, std):
    """Calls dlkit's reference."""
    return dlkit.data.apply_standardizer(X, mean, std)


def apply_standardizer__ok_numpy_ufuncs(X, mean, std):
    """Correct: np.divide(np.subtract(X, mean), std)."""
    return np.divide(np.subtract(X, mean), std)


def apply_standardizer__ok_copy_then_in_place(X, mean, std):
    """Correct: a float copy of X, updated in place."""
    Z = np.array(X, dtype=float)
    Z -= mean
    Z /= std
    return Z


# ------------------------------------------------------------------------------ confusion_matrix


def confusion_matrix__transposed(y_true, y_pred, n_classes):
    """Rows are predicted classes, columns true ones."""
    C = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(C, (y_pred, y_true), 1)
    return C


def confusion_matrix__n_classes_from_data(y_true, y_pred, n_classes):
    """Ignores n_classes: the size comes from the largest label seen."""
    k = int(max(y_true.max(), y_pred.max())) + 1
    C = np.zeros((k, k), dtype=np.int64)
    np.add.at(C, (y_true, y_pred), 1)
    return C


def confusion_matrix__python_loop(y_true, y_pred, n_classes):
    """Counts with a Python loop over the samples."""
    C = np.zeros((n_classes, n_classes), dtype=np.int64)
    for t, p in zip(y_true, y_pred):
        C[t, p] += 1
    return C


def confusion_matrix__fancy_index_increment(y_true, y_pred, n_classes):
    """C[y_true, y_pred] += 1: repeated pairs are counted only once."""
    C = np.zeros((n_classes, n_classes), dtype=np.int64)
    C[y_true, y_pred] += 1
    return C


def confusion_matrix__float_counts(y_true, y_pred, n_classes):
    """np.zeros without a dtype: the counts come out as floats."""
    C = np.zeros((n_classes, n_classes))
    np.add.at(C, (y_true, y_pred), 1)
    return C


def confusion_matrix__delegates(y_true, y_pred, n_classes):
    """Calls dlkit's reference."""
    return dlkit.metrics.confusion_matrix(y_true, y_pred, n_classes)


def confusion_matrix__ok_bincount(y_true, y_pred, n_classes):
    """Correct: one code per pair, counted with np.bincount."""
    codes = np.asarray(y_true) * n_classes + np.asarray(y_pred)
    return np.bincount(codes, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def confusion_matrix__ok_one_hot_product(y_true, y_pred, n_classes):
    """Correct: the product of the one-hot matrices, T.T @ P."""
    classes = np.arange(n_classes)
    T = (np.asarray(y_true)[:, None] == classes).astype(np.int64)
    P = (np.asarray(y_pred)[:, None] == classes).astype(np.int64)
    return T.T @ P


# ------------------------------------------------------------------------------ mlp_forward
# (the cell also holds the pasted dropout_forward; these mutants redefine mlp_forward only)


def mlp_forward__no_rescale(X, params, hidden="relu", output="softmax", p_drop=0.0, rng=None):
    """Drops units but forgets to scale the kept ones by 1 / (1 - p_drop)."""
    A, cache = X, {"A": [X], "Z": [], "masks": []}
    for layer, (W, b) in enumerate(params, start=1):
        Z = A @ W + b
        if layer == len(params):
            A = dlkit.activations.softmax(Z)
        else:
            A, mask = np.maximum(Z, 0.0), None
            if p_drop > 0:
                mask = rng.random(A.shape) < 1 - p_drop
                A = A * mask
            cache["masks"].append(mask)
        cache["Z"].append(Z)
        cache["A"].append(A)
    return A, cache


def mlp_forward__dropout_on_output(
    X, params, hidden="relu", output="softmax", p_drop=0.0, rng=None
):
    """Applies dropout after every layer, the softmax output included."""
    A, cache = X, {"A": [X], "Z": [], "masks": []}
    for layer, (W, b) in enumerate(params, start=1):
        Z = A @ W + b
        A = dlkit.activations.softmax(Z) if layer == len(params) else np.maximum(Z, 0.0)
        mask = None
        if p_drop > 0:
            A, mask = dropout_forward(A, p_drop, rng)  # noqa: F821
        if layer < len(params):
            cache["masks"].append(mask)
        cache["Z"].append(Z)
        cache["A"].append(A)
    return A, cache


def mlp_forward__caches_before_dropout(
    X, params, hidden="relu", output="softmax", p_drop=0.0, rng=None
):
    """Passes the dropped activations on, but caches the ones before dropout."""
    A, cache = X, {"A": [X], "Z": [], "masks": []}
    for layer, (W, b) in enumerate(params, start=1):
        Z = A @ W + b
        if layer == len(params):
            A = dlkit.activations.softmax(Z)
            cache["A"].append(A)
        else:
            A = np.maximum(Z, 0.0)
            cache["A"].append(A)
            mask = None
            if p_drop > 0:
                A, mask = dropout_forward(A, p_drop, rng)  # noqa: F821
            cache["masks"].append(mask)
        cache["Z"].append(Z)
    return A, cache


def mlp_forward__next_layer_undropped(
    X, params, hidden="relu", output="softmax", p_drop=0.0, rng=None
):
    """Caches the dropped activations, but the next layer multiplies the ones before dropout."""
    A, cache = X, {"A": [X], "Z": [], "masks": []}
    for layer, (W, b) in enumerate(params, start=1):
        Z = A @ W + b
        if layer == len(params):
            A = dlkit.activations.softmax(Z)
            cache["A"].append(A)
        else:
            A = np.maximum(Z, 0.0)
            dropped, mask = dropout_forward(A, p_drop, rng) if p_drop > 0 else (A, None)  # noqa: F821
            cache["A"].append(dropped)
            cache["masks"].append(mask)
        cache["Z"].append(Z)
    return A, cache


def mlp_forward__new_generator_each_call(
    X, params, hidden="relu", output="softmax", p_drop=0.0, rng=None
):
    """Seeds a new generator inside: every batch gets the same masks."""
    rng = np.random.default_rng(0)
    A, cache = X, {"A": [X], "Z": [], "masks": []}
    for layer, (W, b) in enumerate(params, start=1):
        Z = A @ W + b
        if layer == len(params):
            A = dlkit.activations.softmax(Z)
        else:
            A, mask = dropout_forward(np.maximum(Z, 0.0), p_drop, rng, training=p_drop > 0)  # noqa: F821
            cache["masks"].append(mask)
        cache["Z"].append(Z)
        cache["A"].append(A)
    return A, cache


def mlp_forward__ok_binomial_masks(
    X, params, hidden="relu", output="softmax", p_drop=0.0, rng=None
):
    """Correct: 0/1 masks from rng.binomial, no "masks" key without dropout, a dict of activations."""
    functions = {
        "relu": dlkit.activations.relu,
        "tanh": dlkit.activations.tanh,
        "softmax": dlkit.activations.softmax,
        "sigmoid": dlkit.activations.sigmoid,
        "identity": dlkit.activations.identity,
    }
    As, Zs, masks = [X], [], []
    for layer, (W, b) in enumerate(params):
        Zs.append(As[-1] @ W + b)
        if layer == len(params) - 1:
            As.append(functions[output](Zs[-1]))
        elif p_drop > 0:
            masks.append(rng.binomial(1, 1.0 - p_drop, size=Zs[-1].shape))
            As.append(functions[hidden](Zs[-1]) * masks[-1] / (1.0 - p_drop))
        else:
            As.append(functions[hidden](Zs[-1]))
    cache = {"A": As, "Z": Zs}
    if p_drop > 0:
        cache["masks"] = masks
    return As[-1], cache


# ------------------------------------------------------------------------------ mlp_backward


def mlp_backward__forgets_dropout_backward(Y, cache, params, p_drop=0.0):
    """Notebook 04's backward pass unchanged: the gradient skips the dropout masks."""
    A, Z = cache["A"], cache["Z"]
    dZ = (A[-1] - Y) / Y.shape[0]
    grads = []
    for layer in range(len(params) - 1, -1, -1):
        grads.append((A[layer].T @ dZ, dZ.sum(axis=0)))
        if layer > 0:
            dZ = (dZ @ params[layer][0].T) * (Z[layer - 1] > 0)
    return grads[::-1]


def mlp_backward__no_dropout_scale(Y, cache, params, p_drop=0.0):
    """Multiplies by the mask but forgets the 1 / (1 - p_drop)."""
    A, Z = cache["A"], cache["Z"]
    dZ = (A[-1] - Y) / Y.shape[0]
    grads = []
    for layer in range(len(params) - 1, -1, -1):
        grads.append((A[layer].T @ dZ, dZ.sum(axis=0)))
        if layer > 0:
            dA = dZ @ params[layer][0].T
            if p_drop > 0:
                dA = dA * cache["masks"][layer - 1]
            dZ = dA * (Z[layer - 1] > 0)
    return grads[::-1]


def mlp_backward__mask_of_the_wrong_layer(Y, cache, params, p_drop=0.0):
    """Uses the mask of the layer above (masks[layer] instead of masks[layer - 1])."""
    A, Z = cache["A"], cache["Z"]
    dZ = (A[-1] - Y) / Y.shape[0]
    grads = []
    for layer in range(len(params) - 1, -1, -1):
        grads.append((A[layer].T @ dZ, dZ.sum(axis=0)))
        if layer > 0:
            dA = dZ @ params[layer][0].T
            if p_drop > 0:
                masks = cache["masks"]
                dA = dA * masks[min(layer, len(masks) - 1)] / (1 - p_drop)
            dZ = dA * (Z[layer - 1] > 0)
    return grads[::-1]


def mlp_backward__no_mean(Y, cache, params, p_drop=0.0):
    """The softmax gradient without the 1/n: dZ = P - Y."""
    A, Z = cache["A"], cache["Z"]
    dZ = A[-1] - Y
    grads = []
    for layer in range(len(params) - 1, -1, -1):
        grads.append((A[layer].T @ dZ, dZ.sum(axis=0)))
        if layer > 0:
            dA = dZ @ params[layer][0].T
            if p_drop > 0:
                dA = dA * cache["masks"][layer - 1] / (1 - p_drop)
            dZ = dA * (Z[layer - 1] > 0)
    return grads[::-1]


def mlp_backward__ok_where_and_insert(Y, cache, params, p_drop=0.0):
    """Correct: np.where for the mask and the ReLU, gradients inserted at the front."""
    A, Z = cache["A"], cache["Z"]
    dZ = (A[-1] - Y) / len(Y)
    grads = []
    for layer in reversed(range(len(params))):
        grads.insert(0, (A[layer].T @ dZ, np.sum(dZ, axis=0)))
        if layer:
            dA = dZ @ params[layer][0].T
            if p_drop:
                dA = np.where(cache["masks"][layer - 1], dA / (1.0 - p_drop), 0.0)
            dZ = np.where(Z[layer - 1] > 0, dA, 0.0)
    return grads


# ------------------------------------------------------------------------------ adam_update


def adam_update__t_not_incremented(w, g, state, lr=1e-3):
    """Keeps t at 1: every step bias-corrects as if it were the first."""
    m = state.get("m", np.zeros_like(w))
    v = state.get("v", np.zeros_like(w))
    w, m, v = adam_step(w, g, m, v, 1, lr=lr)  # noqa: F821
    return w, {"m": m, "v": v, "t": 1}


def adam_update__t_from_zero(w, g, state, lr=1e-3):
    """Starts counting at t = 0 (the bias correction divides by 1 - beta^0 = 0)."""
    t = state.get("t", 0)
    m = state.get("m", np.zeros_like(w))
    v = state.get("v", np.zeros_like(w))
    with np.errstate(all="ignore"):
        w, m, v = adam_step(w, g, m, v, t, lr=lr)  # noqa: F821
    return w, {"m": m, "v": v, "t": t + 1}


def adam_update__ignores_lr(w, g, state, lr=1e-3):
    """Does not pass lr on: always adam_step's default 1e-3."""
    m = state.get("m", np.zeros_like(w))
    v = state.get("v", np.zeros_like(w))
    t = state.get("t", 0) + 1
    w, m, v = adam_step(w, g, m, v, t)  # noqa: F821
    return w, {"m": m, "v": v, "t": t}


def adam_update__no_bias_correction(w, g, state, lr=1e-3):
    """A pasted adam_step without the bias corrections."""
    m = 0.9 * state.get("m", np.zeros_like(w)) + 0.1 * g
    v = 0.999 * state.get("v", np.zeros_like(w)) + 0.001 * g**2
    return w - lr * m / (np.sqrt(v) + 1e-8), {"m": m, "v": v, "t": state.get("t", 0) + 1}


def adam_update__beta1_in_v(w, g, state, lr=1e-3):
    """A pasted adam_step with beta1 in the second moment (a classic erratum)."""
    t = state.get("t", 0) + 1
    m = 0.9 * state.get("m", np.zeros_like(w)) + 0.1 * g
    v = 0.9 * state.get("v", np.zeros_like(w)) + 0.1 * g**2
    w_new = w - lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.9**t)) + 1e-8)
    return w_new, {"m": m, "v": v, "t": t}


def adam_update__updates_w_in_place(w, g, state, lr=1e-3):
    """Writes the step into the caller's array (w -= ...)."""
    m = state.get("m", np.zeros_like(w))
    v = state.get("v", np.zeros_like(w))
    t = state.get("t", 0) + 1
    new_w, m, v = adam_step(w, g, m, v, t, lr=lr)  # noqa: F821
    w -= w - new_w
    return w, {"m": m, "v": v, "t": t}


def adam_update__ok_state_updated_in_place(w, g, state, lr=1e-3):
    """Correct: fills and updates the dict it is given (with new arrays) and returns it."""
    if not state:
        state.update(m=np.zeros_like(w), v=np.zeros_like(w), t=0)
    state["t"] += 1
    new_w, state["m"], state["v"] = adam_step(w, g, state["m"], state["v"], state["t"], lr=lr)  # noqa: F821
    return new_w, state


# ------------------------------------------------------------------------------ fit_mlp


def fit_mlp__forgets_dropout_backward(
    params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu", p_drop=0.0
):
    """Drops units in the forward pass but calls mlp_backward without p_drop."""
    rng = np.random.default_rng(0 if rng is None else rng)
    params = [(W.copy(), b.copy()) for W, b in params]
    states = [[{}, {}] for _ in params]
    losses = []
    for _ in range(epochs):
        batch_losses = []
        for Xb, Yb in iterate_minibatches(X, Y, batch_size, shuffle=True, rng=rng):  # noqa: F821
            P, cache = mlp_forward(Xb, params, hidden=hidden, p_drop=p_drop, rng=rng)  # noqa: F821
            batch_losses.append(-np.sum(Yb * np.log(P)) / len(Xb))
            grads = mlp_backward(Yb, cache, params)  # noqa: F821
            new_params = []
            for k, ((W, b), (dW, db)) in enumerate(zip(params, grads)):
                W, states[k][0] = step(W, dW, states[k][0])
                b, states[k][1] = step(b, db, states[k][1])
                new_params.append((W, b))
            params = new_params
        losses.append(float(np.mean(batch_losses)))
    return params, losses


def fit_mlp__no_shuffling(
    params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu", p_drop=0.0
):
    """Visits the samples in the same order every epoch (shuffle=False)."""
    rng = np.random.default_rng(0 if rng is None else rng)
    params = [(W.copy(), b.copy()) for W, b in params]
    states = [[{}, {}] for _ in params]
    losses = []
    for _ in range(epochs):
        batch_losses = []
        for Xb, Yb in iterate_minibatches(X, Y, batch_size, shuffle=False, rng=rng):  # noqa: F821
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


def fit_mlp__same_order_every_epoch(
    params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu", p_drop=0.0
):
    """Shuffles with a fresh default generator each epoch, ignoring rng: one order, repeated."""
    rng = np.random.default_rng(0 if rng is None else rng)
    params = [(W.copy(), b.copy()) for W, b in params]
    states = [[{}, {}] for _ in params]
    losses = []
    for _ in range(epochs):
        batch_losses = []
        for Xb, Yb in iterate_minibatches(X, Y, batch_size, shuffle=True, rng=None):  # noqa: F821
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


def fit_mlp__shared_state(
    params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu", p_drop=0.0
):
    """One state dict for every parameter array."""
    rng = np.random.default_rng(0 if rng is None else rng)
    params = [(W.copy(), b.copy()) for W, b in params]
    state = {}
    losses = []
    for _ in range(epochs):
        batch_losses = []
        for Xb, Yb in iterate_minibatches(X, Y, batch_size, shuffle=True, rng=rng):  # noqa: F821
            P, cache = mlp_forward(Xb, params, hidden=hidden, p_drop=p_drop, rng=rng)  # noqa: F821
            batch_losses.append(-np.sum(Yb * np.log(P)) / len(Xb))
            grads = mlp_backward(Yb, cache, params, p_drop=p_drop)  # noqa: F821
            new_params = []
            for (W, b), (dW, db) in zip(params, grads):
                try:
                    W, state = step(W, dW, state)
                    b, state = step(b, db, state)
                except ValueError:  # the shapes do not broadcast: start over
                    state = {}
                new_params.append((W, b))
            params = new_params
        losses.append(float(np.mean(batch_losses)))
    return params, losses


def fit_mlp__state_reset_each_step(
    params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu", p_drop=0.0
):
    """Passes an empty state at every step: momentum and Adam forget their history."""
    rng = np.random.default_rng(0 if rng is None else rng)
    params = [(W.copy(), b.copy()) for W, b in params]
    losses = []
    for _ in range(epochs):
        batch_losses = []
        for Xb, Yb in iterate_minibatches(X, Y, batch_size, shuffle=True, rng=rng):  # noqa: F821
            P, cache = mlp_forward(Xb, params, hidden=hidden, p_drop=p_drop, rng=rng)  # noqa: F821
            batch_losses.append(-np.sum(Yb * np.log(P)) / len(Xb))
            grads = mlp_backward(Yb, cache, params, p_drop=p_drop)  # noqa: F821
            params = [
                (step(W, dW, {})[0], step(b, db, {})[0]) for (W, b), (dW, db) in zip(params, grads)
            ]
        losses.append(float(np.mean(batch_losses)))
    return params, losses


def fit_mlp__skips_bias(
    params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu", p_drop=0.0
):
    """Updates the weights only; the biases keep their initial values."""
    rng = np.random.default_rng(0 if rng is None else rng)
    params = [(W.copy(), b.copy()) for W, b in params]
    states = [{} for _ in params]
    losses = []
    for _ in range(epochs):
        batch_losses = []
        for Xb, Yb in iterate_minibatches(X, Y, batch_size, shuffle=True, rng=rng):  # noqa: F821
            P, cache = mlp_forward(Xb, params, hidden=hidden, p_drop=p_drop, rng=rng)  # noqa: F821
            batch_losses.append(-np.sum(Yb * np.log(P)) / len(Xb))
            grads = mlp_backward(Yb, cache, params, p_drop=p_drop)  # noqa: F821
            new_params = []
            for k, ((W, b), (dW, _)) in enumerate(zip(params, grads)):
                W, states[k] = step(W, dW, states[k])
                new_params.append((W, b))
            params = new_params
        losses.append(float(np.mean(batch_losses)))
    return params, losses


def fit_mlp__losses_summed(
    params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu", p_drop=0.0
):
    """Reports the sum of the epoch's mini-batch losses instead of their mean."""
    rng = np.random.default_rng(0 if rng is None else rng)
    params = [(W.copy(), b.copy()) for W, b in params]
    states = [[{}, {}] for _ in params]
    losses = []
    for _ in range(epochs):
        total = 0.0
        for Xb, Yb in iterate_minibatches(X, Y, batch_size, shuffle=True, rng=rng):  # noqa: F821
            P, cache = mlp_forward(Xb, params, hidden=hidden, p_drop=p_drop, rng=rng)  # noqa: F821
            total += -np.sum(Yb * np.log(P)) / len(Xb)
            grads = mlp_backward(Yb, cache, params, p_drop=p_drop)  # noqa: F821
            new_params = []
            for k, ((W, b), (dW, db)) in enumerate(zip(params, grads)):
                W, states[k][0] = step(W, dW, states[k][0])
                b, states[k][1] = step(b, db, states[k][1])
                new_params.append((W, b))
            params = new_params
        losses.append(float(total))
    return params, losses


def fit_mlp__drops_last_batch(
    params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu", p_drop=0.0
):
    """Skips the last, smaller mini-batch of every epoch."""
    rng = np.random.default_rng(0 if rng is None else rng)
    params = [(W.copy(), b.copy()) for W, b in params]
    states = [[{}, {}] for _ in params]
    losses = []
    for _ in range(epochs):
        batch_losses = []
        for Xb, Yb in iterate_minibatches(X, Y, batch_size, shuffle=True, rng=rng):  # noqa: F821
            if len(Xb) < batch_size:
                continue
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


def fit_mlp__updates_callers_list(
    params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu", p_drop=0.0
):
    """Writes the new (W, b) pairs into the caller's list instead of a new one."""
    rng = np.random.default_rng(0 if rng is None else rng)
    states = [[{}, {}] for _ in params]
    losses = []
    for _ in range(epochs):
        batch_losses = []
        for Xb, Yb in iterate_minibatches(X, Y, batch_size, shuffle=True, rng=rng):  # noqa: F821
            P, cache = mlp_forward(Xb, params, hidden=hidden, p_drop=p_drop, rng=rng)  # noqa: F821
            batch_losses.append(-np.sum(Yb * np.log(P)) / len(Xb))
            grads = mlp_backward(Yb, cache, params, p_drop=p_drop)  # noqa: F821
            for k, ((W, b), (dW, db)) in enumerate(zip(list(params), grads)):
                W, states[k][0] = step(W, dW, states[k][0])
                b, states[k][1] = step(b, db, states[k][1])
                params[k] = (W, b)
        losses.append(float(np.mean(batch_losses)))
    return params, losses


def fit_mlp__full_batch(
    params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu", p_drop=0.0
):
    """Ignores batch_size: one full-batch step per epoch."""
    rng = np.random.default_rng(0 if rng is None else rng)
    params = [(W.copy(), b.copy()) for W, b in params]
    states = [[{}, {}] for _ in params]
    losses = []
    for _ in range(epochs):
        P, cache = mlp_forward(X, params, hidden=hidden, p_drop=p_drop, rng=rng)  # noqa: F821
        losses.append(float(-np.sum(Y * np.log(P)) / len(X)))
        grads = mlp_backward(Y, cache, params, p_drop=p_drop)  # noqa: F821
        new_params = []
        for k, ((W, b), (dW, db)) in enumerate(zip(params, grads)):
            W, states[k][0] = step(W, dW, states[k][0])
            b, states[k][1] = step(b, db, states[k][1])
            new_params.append((W, b))
        params = new_params
    return params, losses


def fit_mlp__ok_state_dict_and_dlkit_loss(
    params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu", p_drop=0.0
):
    """Correct: states in a dict keyed by (layer, name), the loss by dlkit's categorical_cross_entropy."""
    rng = np.random.default_rng(0 if rng is None else rng)
    current = {
        (k, name): np.array(value)
        for k, pair in enumerate(params)
        for name, value in zip("Wb", pair)
    }
    states = {key: {} for key in current}
    losses = []
    for _ in range(epochs):
        batch_losses = []
        for Xb, Yb in iterate_minibatches(X, Y, batch_size, rng=rng):  # noqa: F821
            pairs = [(current[(k, "W")], current[(k, "b")]) for k in range(len(params))]
            P, cache = mlp_forward(Xb, pairs, hidden=hidden, p_drop=p_drop, rng=rng)  # noqa: F821
            batch_losses.append(dlkit.losses.categorical_cross_entropy(Yb, P))
            for k, (dW, db) in enumerate(mlp_backward(Yb, cache, pairs, p_drop=p_drop)):  # noqa: F821
                for name, g in (("W", dW), ("b", db)):
                    current[(k, name)], states[(k, name)] = step(
                        current[(k, name)], g, states[(k, name)]
                    )
        losses.append(sum(batch_losses) / len(batch_losses))
    return [(current[(k, "W")], current[(k, "b")]) for k in range(len(params))], losses


def fit_mlp__ok_loss_from_logits(
    params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu", p_drop=0.0
):
    """Correct: the batch loss by dlkit.losses.cross_entropy_from_logits on cache["Z"][-1] (allowed, as in 05)."""
    rng = np.random.default_rng(0 if rng is None else rng)
    params = [(np.array(W), np.array(b)) for W, b in params]
    states = [[{}, {}] for _ in params]
    losses = []
    for _ in range(epochs):
        batch_losses = []
        for Xb, Yb in iterate_minibatches(X, Y, batch_size, shuffle=True, rng=rng):  # noqa: F821
            _, cache = mlp_forward(Xb, params, hidden=hidden, p_drop=p_drop, rng=rng)  # noqa: F821
            batch_losses.append(dlkit.losses.cross_entropy_from_logits(Yb, cache["Z"][-1]))
            grads = mlp_backward(Yb, cache, params, p_drop=p_drop)  # noqa: F821
            for k, (dW, db) in enumerate(grads):
                W, states[k][0] = step(params[k][0], dW, states[k][0])
                b, states[k][1] = step(params[k][1], db, states[k][1])
                params = params[:k] + [(W, b)] + params[k + 1 :]
        losses.append(float(np.mean(batch_losses)))
    return params, losses


# ------------------------------------------------------------------------------ network_grad_check


def network_grad_check__one_sided(params, X, Y, h=1e-5):
    """Forward differences (f(theta + h) - f(theta)) / h: an error of order h."""
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    params = [(np.asarray(W, dtype=np.float64), np.asarray(b, dtype=np.float64)) for W, b in params]

    def flatten(pairs):
        return np.concatenate([np.concatenate([W.ravel(), b.ravel()]) for W, b in pairs])

    def unflatten(theta):
        pairs, start = [], 0
        for W, b in params:
            W_new, b_new = (
                theta[start : start + W.size].reshape(W.shape),
                theta[start + W.size : start + W.size + b.size],
            )
            pairs.append((W_new, b_new))
            start += W.size + b.size
        return pairs

    def loss(theta):
        P, _ = mlp_forward(X, unflatten(theta))  # noqa: F821
        return -np.sum(Y * np.log(P)) / len(X)

    _, cache = mlp_forward(X, params)  # noqa: F821
    grad_backprop = flatten(mlp_backward(Y, cache, params))  # noqa: F821
    theta = flatten(params)
    grad_numeric = np.zeros_like(theta)
    for i in range(theta.size):
        saved = theta[i]
        theta[i] = saved + h
        up = loss(theta)
        theta[i] = saved
        down = loss(theta)
        grad_numeric[i] = (up - down) / h
    scale = np.max(np.abs(grad_backprop) + np.abs(grad_numeric))
    return float(np.max(np.abs(grad_backprop - grad_numeric)) / scale), grad_backprop, grad_numeric


def network_grad_check__float32(params, X, Y, h=1e-5):
    """Central differences in the dtype it is given: float32 rounding swamps a step of 1e-5."""
    dtype = np.result_type(*[W for W, _ in params])
    X = np.asarray(X, dtype=dtype)
    Y = np.asarray(Y, dtype=dtype)
    params = [(np.asarray(W, dtype=dtype), np.asarray(b, dtype=dtype)) for W, b in params]

    def flatten(pairs):
        return np.concatenate([np.concatenate([W.ravel(), b.ravel()]) for W, b in pairs])

    def unflatten(theta):
        pairs, start = [], 0
        for W, b in params:
            W_new, b_new = (
                theta[start : start + W.size].reshape(W.shape),
                theta[start + W.size : start + W.size + b.size],
            )
            pairs.append((W_new, b_new))
            start += W.size + b.size
        return pairs

    def loss(theta):
        P, _ = mlp_forward(X, unflatten(theta))  # noqa: F821
        return -np.sum(Y * np.log(P)) / len(X)

    _, cache = mlp_forward(X, params)  # noqa: F821
    grad_backprop = flatten(mlp_backward(Y, cache, params))  # noqa: F821
    theta = flatten(params)
    grad_numeric = np.zeros_like(theta)
    for i in range(theta.size):
        saved = theta[i]
        theta[i] = saved + h
        up = loss(theta)
        theta[i] = saved - h
        down = loss(theta)
        theta[i] = saved
        grad_numeric[i] = (up - down) / (2 * h)
    scale = np.max(np.abs(grad_backprop) + np.abs(grad_numeric))
    return float(np.max(np.abs(grad_backprop - grad_numeric)) / scale), grad_backprop, grad_numeric


def network_grad_check__bias_first(params, X, Y, h=1e-5):
    """Flattens each layer as b, then W (consistent, but not the order asked for)."""
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    params = [(np.asarray(W, dtype=np.float64), np.asarray(b, dtype=np.float64)) for W, b in params]

    def flatten(pairs):
        return np.concatenate([np.concatenate([b.ravel(), W.ravel()]) for W, b in pairs])

    def unflatten(theta):
        pairs, start = [], 0
        for W, b in params:
            b_new, W_new = (
                theta[start : start + b.size],
                theta[start + b.size : start + b.size + W.size].reshape(W.shape),
            )
            pairs.append((W_new, b_new))
            start += W.size + b.size
        return pairs

    def loss(theta):
        P, _ = mlp_forward(X, unflatten(theta))  # noqa: F821
        return -np.sum(Y * np.log(P)) / len(X)

    _, cache = mlp_forward(X, params)  # noqa: F821
    grad_backprop = flatten(mlp_backward(Y, cache, params))  # noqa: F821
    theta = flatten(params)
    grad_numeric = np.zeros_like(theta)
    for i in range(theta.size):
        saved = theta[i]
        theta[i] = saved + h
        up = loss(theta)
        theta[i] = saved - h
        down = loss(theta)
        theta[i] = saved
        grad_numeric[i] = (up - down) / (2 * h)
    scale = np.max(np.abs(grad_backprop) + np.abs(grad_numeric))
    return float(np.max(np.abs(grad_backprop - grad_numeric)) / scale), grad_backprop, grad_numeric


def network_grad_check__no_restore(params, X, Y, h=1e-5):
    """Leaves each entry at theta_i - h after perturbing it."""
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    params = [(np.asarray(W, dtype=np.float64), np.asarray(b, dtype=np.float64)) for W, b in params]

    def flatten(pairs):
        return np.concatenate([np.concatenate([W.ravel(), b.ravel()]) for W, b in pairs])

    def unflatten(theta):
        pairs, start = [], 0
        for W, b in params:
            W_new, b_new = (
                theta[start : start + W.size].reshape(W.shape),
                theta[start + W.size : start + W.size + b.size],
            )
            pairs.append((W_new, b_new))
            start += W.size + b.size
        return pairs

    def loss(theta):
        P, _ = mlp_forward(X, unflatten(theta))  # noqa: F821
        return -np.sum(Y * np.log(P)) / len(X)

    _, cache = mlp_forward(X, params)  # noqa: F821
    grad_backprop = flatten(mlp_backward(Y, cache, params))  # noqa: F821
    theta = flatten(params)
    grad_numeric = np.zeros_like(theta)
    for i in range(theta.size):
        saved = theta[i]
        theta[i] = saved + h
        up = loss(theta)
        theta[i] = saved - h
        down = loss(theta)
        grad_numeric[i] = (up - down) / (2 * h)
    scale = np.max(np.abs(grad_backprop) + np.abs(grad_numeric))
    return float(np.max(np.abs(grad_backprop - grad_numeric)) / scale), grad_backprop, grad_numeric


def network_grad_check__absolute_error(params, X, Y, h=1e-5):
    """Reports max |a - b|, not divided by the size of the gradients."""
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    params = [(np.asarray(W, dtype=np.float64), np.asarray(b, dtype=np.float64)) for W, b in params]

    def flatten(pairs):
        return np.concatenate([np.concatenate([W.ravel(), b.ravel()]) for W, b in pairs])

    def unflatten(theta):
        pairs, start = [], 0
        for W, b in params:
            W_new, b_new = (
                theta[start : start + W.size].reshape(W.shape),
                theta[start + W.size : start + W.size + b.size],
            )
            pairs.append((W_new, b_new))
            start += W.size + b.size
        return pairs

    def loss(theta):
        P, _ = mlp_forward(X, unflatten(theta))  # noqa: F821
        return -np.sum(Y * np.log(P)) / len(X)

    _, cache = mlp_forward(X, params)  # noqa: F821
    grad_backprop = flatten(mlp_backward(Y, cache, params))  # noqa: F821
    theta = flatten(params)
    grad_numeric = np.zeros_like(theta)
    for i in range(theta.size):
        saved = theta[i]
        theta[i] = saved + h
        up = loss(theta)
        theta[i] = saved - h
        down = loss(theta)
        theta[i] = saved
        grad_numeric[i] = (up - down) / (2 * h)
    return float(np.max(np.abs(grad_backprop - grad_numeric))), grad_backprop, grad_numeric


def network_grad_check__ok_dlkit_helpers(params, X, Y, h=1e-5):
    """Correct: dlkit.gradcheck's numerical_gradient and relative_error (allowed), np.split to unflatten."""
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    arrays = [np.asarray(a, dtype=float) for pair in params for a in pair]
    cuts = np.cumsum([a.size for a in arrays])[:-1]

    def unflatten(theta):
        pieces = [piece.reshape(a.shape) for piece, a in zip(np.split(theta, cuts), arrays)]
        return list(zip(pieces[0::2], pieces[1::2]))

    def f(theta):
        return dlkit.losses.categorical_cross_entropy(Y, mlp_forward(X, unflatten(theta))[0])  # noqa: F821

    theta = np.concatenate([a.ravel() for a in arrays])
    _, cache = mlp_forward(X, unflatten(theta.copy()))  # noqa: F821
    backprop = np.concatenate(
        [
            np.concatenate([dW.ravel(), db.ravel()])
            for dW, db in mlp_backward(Y, cache, unflatten(theta.copy()))  # noqa: F821
        ]
    )  # noqa: F821
    numeric = dlkit.gradcheck.numerical_gradient(f, theta, h)
    return dlkit.gradcheck.relative_error(backprop, numeric), backprop, numeric


# ------------------------------------------------------------------------------ train_digits


def train_digits__untrained(X_train, y_train, rng=None):
    """Initialises the network but never trains it."""
    return init_classifier(  # noqa: F821
        [X_train.shape[1], 128, 10], rng=np.random.default_rng(0 if rng is None else rng)
    )  # noqa: F821


def train_digits__one_epoch(X_train, y_train, rng=None):
    """Trains for a single epoch (fit_mlp's default is 10), far too briefly at this learning rate."""
    rng = np.random.default_rng(0 if rng is None else rng)
    params = init_classifier([X_train.shape[1], 128, 10], rng=rng)  # noqa: F821
    params, _ = fit_mlp(  # noqa: F821
        params,
        X_train,
        dlkit.losses.one_hot(y_train, 10),
        adam_update,  # noqa: F821
        epochs=1,
        rng=rng,  # noqa: F821
        p_drop=0.2,
    )
    return params


def train_digits__bottleneck(X_train, y_train, rng=None):
    """A hidden layer of 2 units: too narrow to separate 10 classes."""
    rng = np.random.default_rng(0 if rng is None else rng)
    params = init_classifier([X_train.shape[1], 2, 10], rng=rng)  # noqa: F821

    def rule(w, g, state):
        return adam_update(w, g, state, lr=2e-3)  # noqa: F821

    params, _ = fit_mlp(  # noqa: F821
        params, X_train, dlkit.losses.one_hot(y_train, 10), rule, epochs=20, rng=rng
    )  # noqa: F821
    return params


def train_digits__returns_losses_too(X_train, y_train, rng=None):
    """Returns what fit_mlp returns, (params, losses), not the parameters."""
    rng = np.random.default_rng(0 if rng is None else rng)
    params = init_classifier([X_train.shape[1], 128, 10], rng=rng)  # noqa: F821

    def rule(w, g, state):
        return adam_update(w, g, state, lr=2e-3)  # noqa: F821

    return fit_mlp(  # noqa: F821
        params, X_train, dlkit.losses.one_hot(y_train, 10), rule, epochs=20, rng=rng, p_drop=0.2
    )  # noqa: F821


def train_digits__learning_rate_too_small(X_train, y_train, rng=None):
    """Plain gradient descent with lr=1e-4: the loss hardly moves in 20 epochs."""
    rng = np.random.default_rng(0 if rng is None else rng)
    params = init_classifier([X_train.shape[1], 128, 10], rng=rng)  # noqa: F821

    def gd(w, g, state):
        return w - 1e-4 * g, state

    params, _ = fit_mlp(  # noqa: F821
        params, X_train, dlkit.losses.one_hot(y_train, 10), gd, epochs=20, rng=rng, p_drop=0.2
    )  # noqa: F821
    return params


def train_digits__ok_no_dropout_bigger_batches(X_train, y_train, rng=None):
    """Correct: dlkit's He initialiser, no dropout, Adam lr 3e-3, batches of 64, 25 epochs."""
    rng = np.random.default_rng(0 if rng is None else rng)
    params = dlkit.init.init_params([X_train.shape[1], 96, 10], rng=rng)

    def rule(w, g, state):
        return adam_update(w, g, state, lr=3e-3)  # noqa: F821

    params, _ = fit_mlp(  # noqa: F821
        params, X_train, dlkit.losses.one_hot(y_train, 10), rule, epochs=25, batch_size=64, rng=rng
    )  # noqa: F821
    return params
