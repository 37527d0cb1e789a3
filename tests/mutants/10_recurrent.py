"""Mutants for 10_recurrent: plausible wrong answers each test cell must catch.

Each function ``<exercise>__<mistake>`` stands for one student mistake; functions named
``<exercise>__ok_<variant>`` are different but correct answers that must pass.
Bodies are self-contained: they run in the notebook's namespace (np, dlkit, and the
student's other functions such as rnn_step).
"""

import numpy as np

# ------------------------------------------------------------------------------ embedding_forward


def embedding_forward__columns(ids, E):
    """Picks columns instead of rows: E[:, ids] (transposed lookup)."""
    return np.asarray(E)[:, np.asarray(ids)].T


def embedding_forward__flattened(ids, E):
    """Flattens the ids: right for a vector, loses the batch shape of (N, T) ids."""
    return np.asarray(E)[np.ravel(ids)]


def embedding_forward__off_by_one(ids, E):
    """Counts ids from 1: E[ids - 1]."""
    return np.asarray(E)[np.asarray(ids) - 1]


def embedding_forward__one_hot_sum(ids, E):
    """Sums the embeddings of all ids instead of one row per id."""
    ids = np.asarray(ids)
    return np.broadcast_to(np.asarray(E)[ids.ravel()].sum(axis=0), ids.shape + (E.shape[1],))


def embedding_forward__ok_one_hot(ids, E):
    """Correct: one-hot vectors times E."""
    ids = np.asarray(ids)
    E = np.asarray(E, dtype=float)
    return np.eye(E.shape[0])[ids] @ E


def embedding_forward__ok_take(ids, E):
    """Correct: np.take along axis 0."""
    return np.take(E, ids, axis=0)


# ------------------------------------------------------------------------------ embedding_backward


def embedding_backward__overwrites_repeats(dout, ids, vocab_size):
    """dE[ids] = dout: a repeated id keeps only one of its gradients."""
    dout = np.asarray(dout, dtype=float)
    dE = np.zeros((vocab_size, dout.shape[-1]))
    dE[np.ravel(ids)] = dout.reshape(-1, dout.shape[-1])
    return dE


def embedding_backward__mean_of_repeats(dout, ids, vocab_size):
    """Averages the gradients of a repeated id instead of summing them."""
    dout = np.asarray(dout, dtype=float)
    ids = np.ravel(ids)
    dE = np.zeros((vocab_size, dout.shape[-1]))
    np.add.at(dE, ids, dout.reshape(-1, dout.shape[-1]))
    counts = np.bincount(ids, minlength=vocab_size)
    return dE / np.maximum(counts, 1)[:, None]


def embedding_backward__rows_from_ids(dout, ids, vocab_size):
    """Sizes dE by the largest id seen (max(ids) + 1) instead of vocab_size."""
    dout = np.asarray(dout, dtype=float)
    ids = np.ravel(ids)
    dE = np.zeros((ids.max() + 1, dout.shape[-1]))
    np.add.at(dE, ids, dout.reshape(-1, dout.shape[-1]))
    return dE


def embedding_backward__vector_ids_only(dout, ids, vocab_size):
    """Loops over the first axis only: right for a vector of ids, wrong for (N, T) ids."""
    dout = np.asarray(dout, dtype=float)
    dE = np.zeros((vocab_size, dout.shape[-1]))
    for k, v in enumerate(np.asarray(ids)):
        dE[v] += dout[k]
    return dE


def embedding_backward__transposed(dout, ids, vocab_size):
    """Returns dE transposed, (D, vocab_size)."""
    dout = np.asarray(dout, dtype=float)
    dE = np.zeros((vocab_size, dout.shape[-1]))
    np.add.at(dE, np.ravel(ids), dout.reshape(-1, dout.shape[-1]))
    return dE.T


def embedding_backward__ok_one_hot(dout, ids, vocab_size):
    """Correct: one-hot matrix transposed times dout."""
    dout = np.asarray(dout, dtype=float)
    onehot = np.eye(vocab_size)[np.ravel(ids)]
    return onehot.T @ dout.reshape(-1, dout.shape[-1])


def embedding_backward__ok_loop(dout, ids, vocab_size):
    """Correct: a loop with += over every position (np.ndindex)."""
    dout = np.asarray(dout, dtype=float)
    ids = np.asarray(ids)
    dE = np.zeros((vocab_size, dout.shape[-1]))
    for pos in np.ndindex(ids.shape):
        dE[ids[pos]] += dout[pos]
    return dE


def embedding_backward__ok_bincount(dout, ids, vocab_size):
    """Correct: one np.bincount with weights per column."""
    dout = np.asarray(dout, dtype=float).reshape(-1, np.shape(dout)[-1])
    ids = np.ravel(ids)
    return np.stack(
        [np.bincount(ids, weights=dout[:, j], minlength=vocab_size) for j in range(dout.shape[1])],
        axis=1,
    )


# ------------------------------------------------------------------------------ rnn_step


def rnn_step__no_previous_state(x_t, h_prev, Wx, Wh, b):
    """Forgets the recurrence: tanh(x_t Wx + b)."""
    return np.tanh(x_t @ Wx + b)


def rnn_step__wh_transposed(x_t, h_prev, Wx, Wh, b):
    """Uses h_prev @ Wh.T (PyTorch's storage order) instead of h_prev @ Wh."""
    return np.tanh(x_t @ Wx + h_prev @ Wh.T + b)


def rnn_step__sigmoid(x_t, h_prev, Wx, Wh, b):
    """Squashes with the sigmoid instead of tanh."""
    return 1.0 / (1.0 + np.exp(-(x_t @ Wx + h_prev @ Wh + b)))


def rnn_step__no_tanh(x_t, h_prev, Wx, Wh, b):
    """Forgets the nonlinearity: a linear recurrence."""
    return x_t @ Wx + h_prev @ Wh + b


def rnn_step__bias_outside(x_t, h_prev, Wx, Wh, b):
    """Adds the bias after the tanh."""
    return np.tanh(x_t @ Wx + h_prev @ Wh) + b


def rnn_step__ok_concatenated(x_t, h_prev, Wx, Wh, b):
    """Correct: one product of [x_t, h_prev] with the stacked [Wx; Wh]."""
    return np.tanh(np.concatenate([x_t, h_prev], axis=1) @ np.vstack([Wx, Wh]) + b)


def rnn_step__ok_exp(x_t, h_prev, Wx, Wh, b):
    """Correct: tanh written as 2 sigmoid(2a) - 1 in a stable form."""
    a = x_t @ Wx + h_prev @ Wh + b
    e = np.exp(-2.0 * np.abs(a))
    return np.sign(a) * (1.0 - e) / (1.0 + e)


# ------------------------------------------------------------------------------ rnn_forward


def rnn_forward__h0_every_step(X, h0, Wx, Wh, b):
    """Starts every step from h0: the state is not carried."""
    N, T, _ = X.shape
    H = np.zeros((N, T, Wh.shape[0]))
    for t in range(T):
        H[:, t] = rnn_step(X[:, t], h0, Wx, Wh, b)  # noqa: F821 (the student's Exercise 3)
    return H, (X, h0, Wx, Wh, b, H)


def rnn_forward__includes_h0(X, h0, Wx, Wh, b):
    """Returns T + 1 states, h0 first."""
    N, T, _ = X.shape
    H = np.zeros((N, T + 1, Wh.shape[0]))
    H[:, 0] = h0
    for t in range(T):
        H[:, t + 1] = rnn_step(X[:, t], H[:, t], Wx, Wh, b)  # noqa: F821 (the student's Exercise 3)
    return H, (X, h0, Wx, Wh, b, H)


def rnn_forward__shifted(X, h0, Wx, Wh, b):
    """Stores the state before each step: H[:, t] = h_{t-1}."""
    N, T, _ = X.shape
    H = np.zeros((N, T, Wh.shape[0]))
    h = h0
    for t in range(T):
        H[:, t] = h
        h = rnn_step(X[:, t], h, Wx, Wh, b)  # noqa: F821 (the student's Exercise 3)
    return H, (X, h0, Wx, Wh, b, H)


def rnn_forward__reversed_time(X, h0, Wx, Wh, b):
    """Reads the sequence from the last step to the first."""
    N, T, _ = X.shape
    H = np.zeros((N, T, Wh.shape[0]))
    h = h0
    for t in reversed(range(T)):
        h = rnn_step(X[:, t], h, Wx, Wh, b)  # noqa: F821 (the student's Exercise 3)
        H[:, t] = h
    return H, (X, h0, Wx, Wh, b, H)


def rnn_forward__cache_order(X, h0, Wx, Wh, b):
    """Right states, but the cache in another order (H first)."""
    N, T, _ = X.shape
    H = np.zeros((N, T, Wh.shape[0]))
    h = h0
    for t in range(T):
        h = rnn_step(X[:, t], h, Wx, Wh, b)  # noqa: F821 (the student's Exercise 3)
        H[:, t] = h
    return H, (H, X, h0, Wx, Wh, b)


def rnn_forward__time_major(X, h0, Wx, Wh, b):
    """Returns the states time-major, (T, N, H)."""
    N, T, _ = X.shape
    H = np.zeros((T, N, Wh.shape[0]))
    h = h0
    for t in range(T):
        h = rnn_step(X[:, t], h, Wx, Wh, b)  # noqa: F821 (the student's Exercise 3)
        H[t] = h
    return H, (X, h0, Wx, Wh, b, H)


def rnn_forward__ok_list_stack(X, h0, Wx, Wh, b):
    """Correct: collects the states in a list and stacks them on axis 1, with its own tanh."""
    states, h = [], h0
    for t in range(X.shape[1]):
        h = np.tanh(X[:, t] @ Wx + h @ Wh + b)
        states.append(h)
    H = np.stack(states, axis=1)
    return H, (X, h0, Wx, Wh, b, H)


def rnn_forward__ok_precomputed_inputs(X, h0, Wx, Wh, b):
    """Correct: computes X @ Wx + b for all steps at once, then loops for the recurrence."""
    A = X @ Wx + b
    H = np.empty(A.shape)
    h = h0
    for t in range(X.shape[1]):
        h = np.tanh(A[:, t] + h @ Wh)
        H[:, t] = h
    return H, (X, h0, Wx, Wh, b, H)


# ------------------------------------------------------------------------------ rnn_backward


def _bptt(dH, cache, *, carry=True, deriv_at="h_t", dWh_with="h_prev", forwards=False, wh_t=True):
    X, h0, Wx, Wh, b, H = cache
    T = X.shape[1]
    dX = np.zeros_like(X)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    dh_next = np.zeros_like(h0)
    order = range(T) if forwards else range(T - 1, -1, -1)
    for t in order:
        h_prev = h0 if t == 0 else H[:, t - 1]
        g = dH[:, t] + (dh_next if carry else 0.0)
        if deriv_at == "h_t":
            da = g * (1.0 - H[:, t] ** 2)
        elif deriv_at == "h_prev":
            da = g * (1.0 - h_prev**2)
        else:  # "dH_only": tanh' applied to dH but not to what returns from later steps
            da = dH[:, t] * (1.0 - H[:, t] ** 2) + (dh_next if carry else 0.0)
        dX[:, t] = da @ Wx.T
        dWx += X[:, t].T @ da
        dWh += (h_prev if dWh_with == "h_prev" else H[:, t]).T @ da
        db += da.sum(axis=0)
        dh_next = da @ (Wh.T if wh_t else Wh)
    return dX, dh_next, dWx, dWh, db


def rnn_backward__last_step_only(dH, cache):
    """Backpropagates only the last step: no loop over earlier steps."""
    X, h0, Wx, Wh, b, H = cache
    T = X.shape[1]
    h_prev = h0 if T == 1 else H[:, T - 2]
    da = dH[:, -1] * (1.0 - H[:, -1] ** 2)
    dX = np.zeros_like(X)
    dX[:, -1] = da @ Wx.T
    return dX, da @ Wh.T, X[:, -1].T @ da, h_prev.T @ da, da.sum(axis=0)


def rnn_backward__no_carry(dH, cache):
    """Does not carry dh_next into the step before: the gradient of h_t is dH[:, t] alone."""
    out = _bptt(dH, cache, carry=False)
    X, h0, Wx, Wh, b, H = cache
    da0 = dH[:, 0] * (1.0 - H[:, 0] ** 2)
    return out[0], da0 @ Wh.T, *out[2:]


def rnn_backward__tanh_grad_at_h_prev(dH, cache):
    """Takes tanh' at the previous state (1 - h_{t-1}**2) instead of the step's own output."""
    return _bptt(dH, cache, deriv_at="h_prev")


def rnn_backward__tanh_grad_on_dH_only(dH, cache):
    """Applies tanh' to dH[:, t] but adds dh_next after it (the carried gradient skips tanh')."""
    return _bptt(dH, cache, deriv_at="dH_only")


def rnn_backward__dWh_with_h_t(dH, cache):
    """Builds dWh from h_t instead of h_{t-1}."""
    return _bptt(dH, cache, dWh_with="h_t")


def rnn_backward__forwards_in_time(dH, cache):
    """Loops from the first step to the last, so dh_next comes from the wrong neighbour."""
    return _bptt(dH, cache, forwards=True)


def rnn_backward__wh_not_transposed(dH, cache):
    """Sends the gradient to the step before with Wh instead of Wh.T."""
    return _bptt(dH, cache, wh_t=False)


def rnn_backward__dh0_zero(dH, cache):
    """Returns zeros for dh0."""
    out = _bptt(dH, cache)
    return out[0], np.zeros_like(out[1]), *out[2:]


def rnn_backward__order_swapped(dH, cache):
    """Returns (dX, dh0, dWh, dWx, db): two gradients swapped (caught where D != H)."""
    dX, dh0, dWx, dWh, db = _bptt(dH, cache)
    return dX, dh0, dWh, dWx, db


def rnn_backward__writes_into_dH(dH, cache):
    """Right numbers, but writes into the caller's dH."""
    out = _bptt(dH.copy(), cache)
    dH += 0.0 * dH + 1.0  # leaves its mark on the caller's gradient
    return out


def rnn_backward__ok_einsum_after_loop(dH, cache):
    """Correct: collects da for every step first, then forms the weight gradients with einsum."""
    X, h0, Wx, Wh, b, H = cache
    N, T, _ = X.shape
    das = np.zeros_like(H)
    dh_next = np.zeros_like(h0)
    for t in range(T - 1, -1, -1):
        das[:, t] = (dH[:, t] + dh_next) * (1.0 - H[:, t] ** 2)
        dh_next = das[:, t] @ Wh.T
    H_prev = np.concatenate([h0[:, None], H[:, :-1]], axis=1)
    dX = das @ Wx.T
    dWx = np.einsum("ntd,nth->dh", X, das)
    dWh = np.einsum("ntk,nth->kh", H_prev, das)
    return dX, dh_next, dWx, dWh, das.sum(axis=(0, 1))


def rnn_backward__ok_while_loop(dH, cache):
    """Correct: a while loop counting down, new arrays on every update."""
    X, h0, Wx, Wh, b, H = cache
    dX = np.zeros(X.shape)
    dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(b.shape)
    g_carry = np.zeros(h0.shape)
    t = X.shape[1] - 1
    while t >= 0:
        h_prev = H[:, t - 1] if t > 0 else h0
        da = (dH[:, t] + g_carry) * (1.0 - np.square(H[:, t]))
        dX[:, t] = da @ Wx.T
        dWx = dWx + X[:, t].T @ da
        dWh = dWh + h_prev.T @ da
        db = db + np.sum(da, axis=0)
        g_carry = da @ Wh.T
        t -= 1
    return dX, g_carry, dWx, dWh, db


# ------------------------------------------------------------------------------ clip_gradients


def clip_gradients__each_on_its_own(grads, max_norm):
    """Clips each array by its own norm: changes the direction of the whole gradient."""
    out = []
    for g in grads:
        g = np.asarray(g, dtype=float)
        n = np.linalg.norm(g)
        out.append(g * (max_norm / n) if n > max_norm else g.copy())
    return out


def clip_gradients__always_scales(grads, max_norm):
    """Scales by max_norm / norm even when the norm is below max_norm (blows small gradients up)."""
    norm = np.sqrt(sum(np.sum(np.asarray(g) ** 2) for g in grads))
    return [np.asarray(g, dtype=float) * (max_norm / norm) for g in grads]


def clip_gradients__elementwise(grads, max_norm):
    """Clips every entry to [-max_norm, max_norm] (np.clip) instead of rescaling."""
    return [np.clip(np.asarray(g, dtype=float), -max_norm, max_norm) for g in grads]


def clip_gradients__inverted_factor(grads, max_norm):
    """Multiplies by norm / max_norm: makes large gradients even larger."""
    norm = np.sqrt(sum(np.sum(np.asarray(g) ** 2) for g in grads))
    scale = norm / max_norm if norm > max_norm else 1.0
    return [np.asarray(g, dtype=float) * scale for g in grads]


def clip_gradients__sum_of_norms(grads, max_norm):
    """Uses the sum of the arrays' norms instead of the global norm."""
    norm = sum(np.linalg.norm(np.asarray(g)) for g in grads)
    scale = max_norm / norm if norm > max_norm else 1.0
    return [np.asarray(g, dtype=float) * scale for g in grads]


def clip_gradients__no_sqrt(grads, max_norm):
    """Compares and divides by the sum of squares (the norm squared)."""
    norm2 = sum(np.sum(np.asarray(g) ** 2) for g in grads)
    scale = max_norm / norm2 if norm2 > max_norm else 1.0
    return [np.asarray(g, dtype=float) * scale for g in grads]


def clip_gradients__in_place(grads, max_norm):
    """Scales the caller's arrays in place (g *= scale) and returns them."""
    norm = np.sqrt(sum(np.sum(g**2) for g in grads))
    if norm > max_norm:
        for g in grads:
            g *= max_norm / norm
    return list(grads)


def clip_gradients__same_arrays_below(grads, max_norm):
    """Returns the caller's own arrays when no clipping is needed (not copies)."""
    norm = np.sqrt(sum(np.sum(g**2) for g in grads))
    if norm <= max_norm:
        return list(grads)
    return [g * (max_norm / norm) for g in grads]


def clip_gradients__ok_concatenate(grads, max_norm):
    """Correct: the norm of all entries concatenated into one vector, scale via min(1, ...)."""
    flat = np.concatenate([np.ravel(g) for g in grads])
    norm = np.linalg.norm(flat)
    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return [np.array(g, dtype=float) * scale for g in grads]


def clip_gradients__ok_torch_style(grads, max_norm):
    """Correct: PyTorch's formula, max_norm / (norm + 1e-6) clamped at 1 (within tolerance)."""
    norm = float(np.sqrt(sum(np.vdot(g, g) for g in grads)))
    coef = max_norm / (norm + 1e-6)
    return [np.asarray(g, dtype=float) * min(coef, 1.0) for g in grads]
