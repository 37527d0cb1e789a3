"""Mutants for 06_improving_training: plausible wrong answers each test cell must catch.

Each function (or class) ``<exercise>__<mistake>`` stands for one student mistake; those named
``<exercise>__ok_<variant>`` are different but correct answers that must pass.
Bodies are self-contained: they run in the notebook's namespace (np and dlkit).
"""

import numpy as np

import dlkit

# ------------------------------------------------------------------------------ train_val_split


def train_val_split__separate_permutations(X, y, val_fraction=0.1, rng=None):
    """Shuffles X and y with two different permutations: samples lose their labels."""
    X, y = np.asarray(X), np.asarray(y)
    rng = np.random.default_rng(0 if rng is None else rng)
    n = X.shape[0]
    n_val = round(n * val_fraction)
    Xs, ys = X[rng.permutation(n)], y[rng.permutation(n)]
    return Xs[n_val:], Xs[:n_val], ys[n_val:], ys[:n_val]


def train_val_split__no_shuffle(X, y, val_fraction=0.1, rng=None):
    """Does not shuffle: the first rows become the validation part."""
    X, y = np.asarray(X), np.asarray(y)
    n_val = round(X.shape[0] * val_fraction)
    return X[n_val:], X[:n_val], y[n_val:], y[:n_val]


def train_val_split__floor(X, y, val_fraction=0.1, rng=None):
    """Truncates n * val_fraction with int() instead of rounding it."""
    X, y = np.asarray(X), np.asarray(y)
    rng = np.random.default_rng(0 if rng is None else rng)
    n = X.shape[0]
    n_val = int(n * val_fraction)
    order = rng.permutation(n)
    return X[order[n_val:]], X[order[:n_val]], y[order[n_val:]], y[order[:n_val]]


def train_val_split__ceil(X, y, val_fraction=0.1, rng=None):
    """Rounds n * val_fraction up."""
    X, y = np.asarray(X), np.asarray(y)
    rng = np.random.default_rng(0 if rng is None else rng)
    n = X.shape[0]
    n_val = int(np.ceil(n * val_fraction))
    order = rng.permutation(n)
    return X[order[n_val:]], X[order[:n_val]], y[order[n_val:]], y[order[:n_val]]


def train_val_split__fraction_for_training(X, y, val_fraction=0.1, rng=None):
    """Uses val_fraction as the share of the TRAINING part."""
    X, y = np.asarray(X), np.asarray(y)
    rng = np.random.default_rng(0 if rng is None else rng)
    n = X.shape[0]
    n_train = round(n * val_fraction)
    order = rng.permutation(n)
    return X[order[:n_train]], X[order[n_train:]], y[order[:n_train]], y[order[n_train:]]


def train_val_split__overlap(X, y, val_fraction=0.1, rng=None):
    """Trains on every sample, the validation ones included."""
    X, y = np.asarray(X), np.asarray(y)
    rng = np.random.default_rng(0 if rng is None else rng)
    n = X.shape[0]
    n_val = round(n * val_fraction)
    order = rng.permutation(n)
    return X[order], X[order[:n_val]], y[order], y[order[:n_val]]


def train_val_split__off_by_one_overlap(X, y, val_fraction=0.1, rng=None):
    """Slices the training part from n_val - 1: one sample is in both parts."""
    X, y = np.asarray(X), np.asarray(y)
    rng = np.random.default_rng(0 if rng is None else rng)
    n = X.shape[0]
    n_val = round(n * val_fraction)
    order = rng.permutation(n)
    return X[order[n_val - 1 :]], X[order[:n_val]], y[order[n_val - 1 :]], y[order[:n_val]]


def train_val_split__in_place_shuffle(X, y, val_fraction=0.1, rng=None):
    """Shuffles the caller's arrays in place before cutting them."""
    rng = np.random.default_rng(0 if rng is None else rng)
    n = X.shape[0]
    n_val = round(n * val_fraction)
    order = rng.permutation(n)
    X[...] = X[order]
    y[...] = y[order]
    return X[n_val:].copy(), X[:n_val].copy(), y[n_val:].copy(), y[:n_val].copy()


def train_val_split__ignores_rng(X, y, val_fraction=0.1, rng=None):
    """Always uses seed 0, whatever rng it is given."""
    X, y = np.asarray(X), np.asarray(y)
    n = X.shape[0]
    n_val = round(n * val_fraction)
    order = np.random.default_rng(0).permutation(n)
    return X[order[n_val:]], X[order[:n_val]], y[order[n_val:]], y[order[:n_val]]


def train_val_split__none_is_fresh_entropy(X, y, val_fraction=0.1, rng=None):
    """Passes rng=None to default_rng: a different split on every call."""
    X, y = np.asarray(X), np.asarray(y)
    rng = np.random.default_rng(rng)
    n = X.shape[0]
    n_val = round(n * val_fraction)
    order = rng.permutation(n)
    return X[order[n_val:]], X[order[:n_val]], y[order[n_val:]], y[order[:n_val]]


def train_val_split__sklearn_order_mixup(X, y, val_fraction=0.1, rng=None):
    """Returns (X_train, y_train, X_val, y_val) instead of (X_train, X_val, y_train, y_val)."""
    X, y = np.asarray(X), np.asarray(y)
    rng = np.random.default_rng(0 if rng is None else rng)
    n = X.shape[0]
    n_val = round(n * val_fraction)
    order = rng.permutation(n)
    return X[order[n_val:]], y[order[n_val:]], X[order[:n_val]], y[order[:n_val]]


def train_val_split__delegates(X, y, val_fraction=0.1, rng=None):
    """Calls dlkit's reference split."""
    return dlkit.data.train_val_split(X, y, val_fraction, rng)


def train_val_split__ok_choice_mask(X, y, val_fraction=0.1, rng=None):
    """Correct: picks the validation rows with rng.choice and a boolean mask."""
    X, y = np.asarray(X), np.asarray(y)
    rng = np.random.default_rng(0 if rng is None else rng)
    n = X.shape[0]
    is_val = np.zeros(n, dtype=bool)
    is_val[rng.choice(n, size=round(n * val_fraction), replace=False)] = True
    return X[~is_val], X[is_val], y[~is_val], y[is_val]


def train_val_split__ok_argsort_keys(X, y, val_fraction=0.1, rng=None):
    """Correct: a permutation from argsort of uniform keys, validation part taken from the end."""
    if rng is None:
        rng = 0
    if not isinstance(rng, np.random.Generator):
        rng = np.random.default_rng(rng)
    order = np.argsort(rng.random(len(X)))
    n_train = len(X) - int(np.floor(len(X) * val_fraction + 0.5))
    return (
        np.take(X, order[:n_train], axis=0),
        np.take(X, order[n_train:], axis=0),
        np.take(y, order[:n_train], axis=0),
        np.take(y, order[n_train:], axis=0),
    )


# ------------------------------------------------------------------------------ dropout_forward


def dropout_forward__no_rescale(A, p_drop, rng, training=True):
    """Forgets the 1 / (1 - p) scaling of inverted dropout."""
    if not training:
        return A, None
    mask = rng.random(A.shape) < 1.0 - p_drop
    return A * mask, mask


def dropout_forward__keeps_with_p(A, p_drop, rng, training=True):
    """Swaps keep and drop: keeps each unit with probability p_drop."""
    if not training:
        return A, None
    mask = rng.random(A.shape) < p_drop
    return A * mask / (1.0 - p_drop), mask


def dropout_forward__multiplies_by_keep(A, p_drop, rng, training=True):
    """Scales the kept units by (1 - p) instead of dividing by it."""
    if not training:
        return A, None
    mask = rng.random(A.shape) < 1.0 - p_drop
    return A * mask * (1.0 - p_drop), mask


def dropout_forward__divides_by_p(A, p_drop, rng, training=True):
    """Divides by p_drop instead of 1 - p_drop."""
    if not training:
        return A, None
    mask = rng.random(A.shape) < 1.0 - p_drop
    return A * mask / max(p_drop, 1e-12), mask


def dropout_forward__ignores_training(A, p_drop, rng, training=True):
    """Drops units at test time too."""
    mask = rng.random(A.shape) < 1.0 - p_drop
    return A * mask / (1.0 - p_drop), mask


def dropout_forward__rescales_at_test(A, p_drop, rng, training=True):
    """Mixes the two conventions: inverted scaling in training AND (1 - p) at test time."""
    if not training:
        return A * (1.0 - p_drop), None
    mask = rng.random(A.shape) < 1.0 - p_drop
    return A * mask / (1.0 - p_drop), mask


def dropout_forward__ones_mask_at_test(A, p_drop, rng, training=True):
    """Returns a mask of ones instead of None at test time."""
    if not training:
        return A, np.ones(A.shape, dtype=bool)
    mask = rng.random(A.shape) < 1.0 - p_drop
    return A * mask / (1.0 - p_drop), mask


def dropout_forward__in_place(A, p_drop, rng, training=True):
    """Applies the mask to the caller's array in place."""
    if not training:
        return A, None
    mask = rng.random(A.shape) < 1.0 - p_drop
    A *= mask / (1.0 - p_drop)
    return A, mask


def dropout_forward__scaled_mask(A, p_drop, rng, training=True):
    """Puts the scaling into the mask (returns mask / (1 - p) instead of a 0/1 mask)."""
    if not training:
        return A, None
    mask = (rng.random(A.shape) < 1.0 - p_drop) / (1.0 - p_drop)
    return A * mask, mask


def dropout_forward__global_random(A, p_drop, rng, training=True):
    """Draws the mask from np.random instead of the rng it is given."""
    if not training:
        return A, None
    mask = np.random.random(A.shape) < 1.0 - p_drop
    return A * mask / (1.0 - p_drop), mask


def dropout_forward__float64(A, p_drop, rng, training=True):
    """Converts the activations to float64 (float32 models double their memory)."""
    A = np.asarray(A, dtype=np.float64)
    if not training:
        return A, None
    mask = rng.random(A.shape) < 1.0 - p_drop
    return A * mask / (1.0 - p_drop), mask


def dropout_forward__one_mask_per_feature(A, p_drop, rng, training=True):
    """Draws one mask entry per unit and shares it across the samples of the batch."""
    if not training:
        return A, None
    mask = np.broadcast_to(rng.random(A.shape[-1]) < 1.0 - p_drop, A.shape)
    return A * mask / (1.0 - p_drop), mask


def dropout_forward__delegates(A, p_drop, rng, training=True):
    """Calls dlkit's reference dropout."""
    return dlkit.regularization.dropout_forward(A, p_drop, rng, training)


def dropout_forward__ok_where(A, p_drop, rng, training=True):
    """Correct: keeps where a uniform draw is at least p_drop, with np.where."""
    if not training:
        return A.copy(), None
    keep = rng.random(A.shape) >= p_drop
    return np.where(keep, A / (1 - p_drop), 0.0), keep


def dropout_forward__ok_binomial(A, p_drop, rng, training=True):
    """Correct: a 0/1 mask from rng.binomial, cast to A's dtype."""
    if training is False:
        return A, None
    mask = rng.binomial(1, 1.0 - p_drop, size=A.shape).astype(A.dtype)
    return A * mask * (1.0 / (1.0 - p_drop)), mask


# ------------------------------------------------------------------------------ dropout_backward


def dropout_backward__no_rescale(dout, mask, p_drop):
    """Forgets the 1 / (1 - p) scale: dout * mask."""
    if mask is None:
        return dout
    return dout * mask


def dropout_backward__divides_by_p(dout, mask, p_drop):
    """Divides by p_drop instead of the keep probability 1 - p_drop."""
    if mask is None:
        return dout
    return dout * mask / p_drop


def dropout_backward__multiplies_by_keep(dout, mask, p_drop):
    """Multiplies by 1 - p_drop instead of dividing by it."""
    if mask is None:
        return dout
    return dout * mask * (1.0 - p_drop)


def dropout_backward__inverted_mask(dout, mask, p_drop):
    """Sends the gradient to the dropped units: uses 1 - mask."""
    if mask is None:
        return dout
    return dout * (1 - np.asarray(mask, dtype=float)) / (1.0 - p_drop)


def dropout_backward__new_mask(dout, mask, p_drop):
    """Draws a new mask in the backward pass instead of using the forward pass's."""
    if mask is None:
        return dout
    fresh = np.random.default_rng().random(dout.shape) < 1.0 - p_drop
    return dout * fresh / (1.0 - p_drop)


def dropout_backward__ignores_mask(dout, mask, p_drop):
    """Scales every unit, dropped or not."""
    return dout / (1.0 - p_drop)


def dropout_backward__scales_at_test_time(dout, mask, p_drop):
    """Scales by 1 / (1 - p) also when mask is None (test time)."""
    if mask is None:
        return dout / (1.0 - p_drop)
    return dout * mask / (1.0 - p_drop)


def dropout_backward__zero_at_test_time(dout, mask, p_drop):
    """Returns zeros when mask is None."""
    if mask is None:
        return np.zeros_like(dout)
    return dout * mask / (1.0 - p_drop)


def dropout_backward__no_none_case(dout, mask, p_drop):
    """Forgets the test-time case: multiplies by None and fails."""
    return dout * mask / (1.0 - p_drop)


def dropout_backward__in_place(dout, mask, p_drop):
    """Scales the caller's dout in place."""
    if mask is None:
        return dout
    dout *= mask / (1.0 - p_drop)
    return dout


def dropout_backward__float64(dout, mask, p_drop):
    """Converts the gradient to float64."""
    dout = np.asarray(dout, dtype=np.float64)
    if mask is None:
        return dout
    return dout * mask / (1.0 - p_drop)


def dropout_backward__returns_mask_too(dout, mask, p_drop):
    """Returns the pair (dA, mask) like the forward pass."""
    if mask is None:
        return dout, None
    return dout * mask / (1.0 - p_drop), mask


def dropout_backward__delegates(dout, mask, p_drop):
    """Calls dlkit's reference backward pass."""
    return dlkit.regularization.dropout_backward(dout, mask, p_drop)


def dropout_backward__ok_where(dout, mask, p_drop):
    """Correct: np.where on the mask, a copy at test time."""
    if mask is None:
        return dout.copy()
    return np.where(mask, dout / (1 - p_drop), 0)


def dropout_backward__ok_scale_first(dout, mask, p_drop):
    """Correct: the scale as a Python float, the mask converted to dout's dtype."""
    if mask is not None:
        keep = 1.0 - p_drop
        return dout * np.asarray(mask).astype(dout.dtype) * (1.0 / keep)
    return dout


# ------------------------------------------------------------------------------ l2_penalty


def l2_penalty__includes_biases(params, lam):
    """Penalises the biases too."""
    return 0.5 * lam * float(sum(np.sum(W**2) + np.sum(b**2) for W, b in params))


def l2_penalty__no_half(params, lam):
    """Forgets the factor 0.5."""
    return lam * float(sum(np.sum(W**2) for W, _ in params))


def l2_penalty__mean(params, lam):
    """Averages the squared weights instead of summing them."""
    return 0.5 * lam * float(sum(np.mean(W**2) for W, _ in params))


def l2_penalty__l1(params, lam):
    """Sums absolute values (L1) instead of squares."""
    return 0.5 * lam * float(sum(np.sum(np.abs(W)) for W, _ in params))


def l2_penalty__norm_not_squared(params, lam):
    """Uses the Frobenius norm instead of its square."""
    return 0.5 * lam * float(sum(np.linalg.norm(W) for W, _ in params))


def l2_penalty__first_layer_only(params, lam):
    """Returns inside the loop: only the first layer counts."""
    for W, _ in params:
        return 0.5 * lam * float(np.sum(W**2))


def l2_penalty__last_layer_only(params, lam):
    """Overwrites the total in the loop instead of adding to it."""
    total = 0.0
    for W, _ in params:
        total = np.sum(W**2)
    return 0.5 * lam * float(total)


def l2_penalty__per_layer_list(params, lam):
    """Returns one penalty per layer instead of their sum."""
    return [0.5 * lam * float(np.sum(W**2)) for W, _ in params]


def l2_penalty__ignores_lam(params, lam):
    """Forgets lam."""
    return 0.5 * float(sum(np.sum(W**2) for W, _ in params))


def l2_penalty__delegates(params, lam):
    """Calls dlkit's reference penalty."""
    return dlkit.regularization.l2_penalty(params, lam)


def l2_penalty__ok_vdot(params, lam):
    """Correct: np.vdot of each flattened weight matrix with itself."""
    return 0.5 * lam * sum(float(np.vdot(W, W)) for W, _ in params)


def l2_penalty__ok_norm_squared(params, lam):
    """Correct: squared Frobenius norms, indexing the pairs."""
    total = 0.0
    for layer in params:
        total = total + np.linalg.norm(np.asarray(layer[0], dtype=float)) ** 2
    return lam * total / 2


# ------------------------------------------------------------------------------ l2_grad


def l2_grad__two_lam(W, lam):
    """Forgets that the 0.5 cancels the 2: returns 2 * lam * W."""
    return 2 * lam * W


def l2_grad__no_lam(W, lam):
    """Forgets lam: returns W."""
    return W.copy()


def l2_grad__half(W, lam):
    """Keeps the 0.5 of the penalty: returns 0.5 * lam * W."""
    return 0.5 * lam * W


def l2_grad__sign(W, lam):
    """Returns the L1 gradient lam * sign(W)."""
    return lam * np.sign(W)


def l2_grad__in_place(W, lam):
    """Scales the caller's weights in place."""
    W *= lam
    return W


def l2_grad__float64(W, lam):
    """Converts the weights to float64."""
    return lam * np.asarray(W, dtype=np.float64)


def l2_grad__delegates(W, lam):
    """Calls dlkit's reference gradient."""
    return dlkit.regularization.l2_grad(W, lam)


def l2_grad__ok_multiply(W, lam):
    """Correct: np.multiply."""
    return np.multiply(W, lam)


def l2_grad__ok_copy_then_scale(W, lam):
    """Correct: copies W, then scales the copy in place."""
    out = W.copy()
    out *= lam
    return out


# ------------------------------------------------------------------------------ add_l2_grads


def add_l2_grads__biases_too(grads, params, lam):
    """Penalises the biases too: db + lam * b."""
    return [(dW + lam * W, db + lam * b) for (dW, db), (W, b) in zip(grads, params, strict=True)]


def add_l2_grads__two_lam(grads, params, lam):
    """Forgets that the 1/2 of the penalty cancels the 2: dW + 2 lam W."""
    return [(dW + 2 * lam * W, db) for (dW, db), (W, _) in zip(grads, params, strict=True)]


def add_l2_grads__half_lam(grads, params, lam):
    """Keeps the 1/2 of the penalty: dW + lam W / 2."""
    return [(dW + 0.5 * lam * W, db) for (dW, db), (W, _) in zip(grads, params, strict=True)]


def add_l2_grads__replaces(grads, params, lam):
    """Replaces the data gradient by the penalty's: lam W instead of dW + lam W."""
    return [(lam * W, db) for (_, db), (W, _) in zip(grads, params, strict=True)]


def add_l2_grads__subtracts(grads, params, lam):
    """Subtracts the penalty's gradient: dW - lam W."""
    return [(dW - lam * W, db) for (dW, db), (W, _) in zip(grads, params, strict=True)]


def add_l2_grads__adds_the_penalty(grads, params, lam):
    """Adds the penalty's value, 0.5 lam sum(W**2), instead of its gradient."""
    return [
        (dW + 0.5 * lam * np.sum(W**2), db) for (dW, db), (W, _) in zip(grads, params, strict=True)
    ]


def add_l2_grads__first_layer_only(grads, params, lam):
    """Adds lam W to the first layer only."""
    out = [(dW, db) for dW, db in grads]
    out[0] = (grads[0][0] + lam * params[0][0], grads[0][1])
    return out


def add_l2_grads__in_place(grads, params, lam):
    """Adds lam W to the caller's dW arrays in place (dW += ...)."""
    for (dW, _), (W, _) in zip(grads, params, strict=True):
        dW += lam * W
    return grads


def add_l2_grads__overwrites_list(grads, params, lam):
    """Writes the new pairs into the caller's list."""
    for k, ((dW, db), (W, _)) in enumerate(zip(grads, params, strict=True)):
        grads[k] = (dW + lam * W, db)
    return grads


def add_l2_grads__float64(grads, params, lam):
    """Converts the gradients to float64."""
    return [
        (np.asarray(dW, dtype=np.float64) + lam * np.asarray(W, dtype=np.float64), db)
        for (dW, db), (W, _) in zip(grads, params, strict=True)
    ]


def add_l2_grads__delegates(grads, params, lam):
    """Calls dlkit's reference."""
    return dlkit.regularization.add_l2_grads(grads, params, lam)


def add_l2_grads__ok_loop(grads, params, lam):
    """Correct: a loop with lam * W written out, appending tuples."""
    out = []
    for k in range(len(grads)):
        dW, db = grads[k]
        W = params[k][0]
        out.append((dW + lam * W, db))
    return out


def add_l2_grads__ok_copy_then_add(grads, params, lam):
    """Correct: copies each dW, adds the student's l2_grad in place on the copy, copies db too."""
    out = []
    for (dW, db), (W, _) in zip(grads, params, strict=True):
        new = dW.copy()
        new += l2_grad(W, lam)  # noqa: F821 (the notebook's l2_grad)
        out.append([new, db.copy()])
    return out


# ------------------------------------------------------------------------------ EarlyStopping


class EarlyStopping__stops_late:
    """Off by one: stops after patience + 1 bad epochs (wait > patience)."""

    def __init__(self, patience=5, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best, self.best_epoch, self.wait, self.n = np.inf, None, 0, 0

    def update(self, val_loss):
        if val_loss < self.best - self.min_delta:
            self.best, self.best_epoch, self.wait = val_loss, self.n, 0
        else:
            self.wait += 1
        self.n += 1
        return self.wait > self.patience


class EarlyStopping__stops_early:
    """Off by one: stops after patience - 1 bad epochs."""

    def __init__(self, patience=5, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best, self.best_epoch, self.wait, self.n = np.inf, None, 0, 0

    def update(self, val_loss):
        if val_loss < self.best - self.min_delta:
            self.best, self.best_epoch, self.wait = val_loss, self.n, 0
        else:
            self.wait += 1
        self.n += 1
        return self.wait >= self.patience - 1


class EarlyStopping__never_resets_wait:
    """Counts every bad epoch, consecutive or not: wait is never reset."""

    def __init__(self, patience=5, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best, self.best_epoch, self.wait, self.n = np.inf, None, 0, 0

    def update(self, val_loss):
        if val_loss < self.best - self.min_delta:
            self.best, self.best_epoch = val_loss, self.n
        else:
            self.wait += 1
        self.n += 1
        return self.wait >= self.patience


class EarlyStopping__ignores_min_delta:
    """Any decrease counts as an improvement, whatever min_delta."""

    def __init__(self, patience=5, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best, self.best_epoch, self.wait, self.n = np.inf, None, 0, 0

    def update(self, val_loss):
        if val_loss < self.best:
            self.best, self.best_epoch, self.wait = val_loss, self.n, 0
        else:
            self.wait += 1
        self.n += 1
        return self.wait >= self.patience


class EarlyStopping__not_strict:
    """Counts an improvement of exactly min_delta (or an equal loss) as an improvement (<= instead of <)."""

    def __init__(self, patience=5, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best, self.best_epoch, self.wait, self.n = np.inf, None, 0, 0

    def update(self, val_loss):
        if val_loss <= self.best - self.min_delta:
            self.best, self.best_epoch, self.wait = val_loss, self.n, 0
        else:
            self.wait += 1
        self.n += 1
        return self.wait >= self.patience


class EarlyStopping__best_epoch_one_based:
    """Counts epochs from 1 in best_epoch."""

    def __init__(self, patience=5, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best, self.best_epoch, self.wait, self.n = np.inf, None, 0, 0

    def update(self, val_loss):
        self.n += 1
        if val_loss < self.best - self.min_delta:
            self.best, self.best_epoch, self.wait = val_loss, self.n, 0
        else:
            self.wait += 1
        return self.wait >= self.patience


class EarlyStopping__best_tracks_minimum:
    """Lowers best on every smaller loss, even one that is not an improvement by more than min_delta."""

    def __init__(self, patience=5, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best, self.best_epoch, self.wait, self.n = np.inf, None, 0, 0

    def update(self, val_loss):
        if val_loss < self.best - self.min_delta:
            self.best_epoch, self.wait = self.n, 0
        else:
            self.wait += 1
        self.best = min(self.best, val_loss)
        self.n += 1
        return self.wait >= self.patience


class EarlyStopping__best_starts_at_zero:
    """Starts best at 0 instead of infinity: no positive loss ever improves."""

    def __init__(self, patience=5, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best, self.best_epoch, self.wait, self.n = 0.0, None, 0, 0

    def update(self, val_loss):
        if val_loss < self.best - self.min_delta:
            self.best, self.best_epoch, self.wait = val_loss, self.n, 0
        else:
            self.wait += 1
        self.n += 1
        return self.wait >= self.patience


class EarlyStopping__compares_with_last:
    """Compares each loss with the previous epoch's loss instead of the best so far."""

    def __init__(self, patience=5, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best, self.best_epoch, self.wait, self.n = np.inf, None, 0, 0
        self.last = np.inf

    def update(self, val_loss):
        if val_loss < self.last - self.min_delta:
            self.wait = 0
            if val_loss < self.best:
                self.best, self.best_epoch = val_loss, self.n
        else:
            self.wait += 1
        self.last = val_loss
        self.n += 1
        return self.wait >= self.patience


class EarlyStopping__wrong_defaults:
    """Uses patience=10 as the default (Keras-like habit) instead of 5."""

    def __init__(self, patience=10, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best, self.best_epoch, self.wait, self.n = np.inf, None, 0, 0

    def update(self, val_loss):
        if val_loss < self.best - self.min_delta:
            self.best, self.best_epoch, self.wait = val_loss, self.n, 0
        else:
            self.wait += 1
        self.n += 1
        return self.wait >= self.patience


class EarlyStopping__delegates(dlkit.callbacks.EarlyStopping):
    """Subclasses dlkit's reference callback."""

    def __init__(self, patience=5, min_delta=0.0):
        super().__init__(patience, min_delta)


class EarlyStopping__ok_history:
    """Correct: keeps the whole history; wait is the number of updates since the best one."""

    def __init__(self, patience=5, min_delta=0.0):
        self.patience = patience
        self.min_delta = min_delta
        self.losses = []
        self.best = float("inf")
        self.best_epoch = None

    @property
    def wait(self):
        if self.best_epoch is None:
            return len(self.losses)
        return len(self.losses) - 1 - self.best_epoch

    def update(self, val_loss):
        self.losses.append(val_loss)
        if self.best - val_loss > self.min_delta:
            self.best = val_loss
            self.best_epoch = len(self.losses) - 1
        return self.wait >= self.patience


class EarlyStopping__ok_counter_first:
    """Correct: increments the update counter first and stores counter - 1."""

    def __init__(self, patience=5, min_delta=0.0):
        self.patience = int(patience)
        self.min_delta = float(min_delta)
        self.best = np.inf
        self.best_epoch = None
        self.wait = 0
        self._count = 0

    def update(self, val_loss):
        self._count += 1
        improved = val_loss < self.best - self.min_delta
        self.wait = 0 if improved else self.wait + 1
        if improved:
            self.best = val_loss
            self.best_epoch = self._count - 1
        return bool(self.wait >= self.patience)
