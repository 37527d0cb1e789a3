"""Mutants for 05_optimizers: plausible wrong answers each test cell must catch.

Each function ``<exercise>__<mistake>`` stands for one student mistake; functions named
``<exercise>__ok_<variant>`` are different but correct answers that must pass.
Bodies are self-contained: they run in the notebook's namespace (np and dlkit).
"""

import numpy as np

import dlkit

# ------------------------------------------------------------------------------ gd_step


def gd_step__plus(w, g, lr):
    """Gradient ascent: w + lr * g."""
    return w + lr * g


def gd_step__no_lr(w, g, lr):
    """Forgets the learning rate: w - g."""
    return w - g


def gd_step__in_place(w, g, lr):
    """Updates the caller's array with w -= lr * g and returns it."""
    w -= lr * g
    return w


def gd_step__float64(w, g, lr):
    """Converts the weights to float64 (float32 models double their memory)."""
    return np.asarray(w, dtype=np.float64) - lr * np.asarray(g, dtype=np.float64)


def gd_step__returns_none(w, g, lr):
    """Computes the step but forgets to return it."""
    w = w - lr * g


def gd_step__delegates(w, g, lr):
    """Calls dlkit's reference step."""
    return dlkit.optim.gd_step(w, g, lr)


def gd_step__ok_copy_then_subtract(w, g, lr):
    """Correct: copies w first, then updates the copy in place."""
    w_new = w.copy()
    w_new -= lr * g
    return w_new


def gd_step__ok_np_subtract(w, g, lr):
    """Correct: np.subtract with np.multiply."""
    return np.subtract(w, np.multiply(lr, g))


# ------------------------------------------------------------------------------ iterate_minibatches


def iterate_minibatches__separate_permutations(X, y, batch_size, shuffle=True, rng=None):
    """Shuffles X and y with two different permutations: samples lose their labels."""
    rng = np.random.default_rng(0) if rng is None else rng
    n = len(X)
    if shuffle:
        X, y = X[rng.permutation(n)], y[rng.permutation(n)]
    for start in range(0, n, batch_size):
        yield X[start : start + batch_size], y[start : start + batch_size]


def iterate_minibatches__drops_last(X, y, batch_size, shuffle=True, rng=None):
    """Drops the last, incomplete batch."""
    rng = np.random.default_rng(0) if rng is None else rng
    n = len(X)
    order = rng.permutation(n) if shuffle else np.arange(n)
    for start in range(0, n - batch_size + 1, batch_size):
        idx = order[start : start + batch_size]
        yield X[idx], y[idx]


def iterate_minibatches__never_shuffles(X, y, batch_size, shuffle=True, rng=None):
    """Ignores shuffle: always the original order."""
    for start in range(0, len(X), batch_size):
        yield X[start : start + batch_size], y[start : start + batch_size]


def iterate_minibatches__overlapping(X, y, batch_size, shuffle=True, rng=None):
    """Steps the start by 1 instead of batch_size: batches overlap."""
    rng = np.random.default_rng(0) if rng is None else rng
    n = len(X)
    order = rng.permutation(n) if shuffle else np.arange(n)
    for start in range(0, n, max(batch_size // 2, 1)):
        idx = order[start : start + batch_size]
        yield X[idx], y[idx]


def iterate_minibatches__off_by_one_slice(X, y, batch_size, shuffle=True, rng=None):
    """Slices start:start + batch_size + 1, so neighbouring batches share a sample."""
    rng = np.random.default_rng(0) if rng is None else rng
    n = len(X)
    order = rng.permutation(n) if shuffle else np.arange(n)
    for start in range(0, n, batch_size):
        idx = order[start : start + batch_size + 1]
        yield X[idx], y[idx]


def iterate_minibatches__ignores_rng(X, y, batch_size, shuffle=True, rng=None):
    """Always draws from a fresh default_rng(0): every epoch has the same order."""
    n = len(X)
    order = np.random.default_rng(0).permutation(n) if shuffle else np.arange(n)
    for start in range(0, n, batch_size):
        idx = order[start : start + batch_size]
        yield X[idx], y[idx]


def iterate_minibatches__shuffles_in_place(X, y, batch_size, shuffle=True, rng=None):
    """Shuffles the caller's X and y in place (with one permutation)."""
    rng = np.random.default_rng(0) if rng is None else rng
    n = len(X)
    if shuffle:
        order = rng.permutation(n)
        X[...] = X[order]
        y[...] = y[order]
    for start in range(0, n, batch_size):
        yield X[start : start + batch_size], y[start : start + batch_size]


def iterate_minibatches__delegates(X, y, batch_size, shuffle=True, rng=None):
    """Hands the work to dlkit's reference generator."""
    yield from dlkit.optim.iterate_minibatches(X, y, batch_size, shuffle=shuffle, rng=rng)


def iterate_minibatches__ok_list(X, y, batch_size, shuffle=True, rng=None):
    """Correct: returns a list of pairs instead of a generator."""
    rng = np.random.default_rng(0) if rng is None else rng
    order = rng.permutation(len(X)) if shuffle else np.arange(len(X))
    return [
        (X[order[s : s + batch_size]], y[order[s : s + batch_size]])
        for s in range(0, len(X), batch_size)
    ]


def iterate_minibatches__ok_array_split(X, y, batch_size, shuffle=True, rng=None):
    """Correct: np.array_split at the multiples of batch_size, with np.take."""
    n = X.shape[0]
    if shuffle:
        order = (np.random.default_rng(0) if rng is None else rng).permutation(n)
    else:
        order = np.arange(n)
    for idx in np.array_split(order, np.arange(batch_size, n, batch_size)):
        yield np.take(X, idx, axis=0), np.take(y, idx, axis=0)


def iterate_minibatches__ok_shuffled_copies(X, y, batch_size, shuffle=True, rng=None):
    """Correct: shuffles copies once, then slices them."""
    if shuffle:
        gen = rng if rng is not None else np.random.default_rng(0)
        order = gen.permutation(len(y))
        X, y = X[order], y[order]
    start = 0
    while start < len(y):
        yield X[start : start + batch_size], y[start : start + batch_size]
        start += batch_size


# ------------------------------------------------------------------------------ momentum_step


def momentum_step__sign_flipped(w, g, v, lr, beta=0.9):
    """Moves along the velocity: w + lr * v."""
    v_new = beta * v + (1 - beta) * g
    return w + lr * v_new, v_new


def momentum_step__classical(w, g, v, lr, beta=0.9):
    """Uses the classical form v = beta * v + g instead of the exponential average."""
    v_new = beta * v + g
    return w - lr * v_new, v_new


def momentum_step__swapped_weights(w, g, v, lr, beta=0.9):
    """Swaps the weights of the average: (1 - beta) * v + beta * g."""
    v_new = (1 - beta) * v + beta * g
    return w - lr * v_new, v_new


def momentum_step__old_velocity(w, g, v, lr, beta=0.9):
    """Steps with the previous velocity instead of the new one."""
    v_new = beta * v + (1 - beta) * g
    return w - lr * v, v_new


def momentum_step__in_place(w, g, v, lr, beta=0.9):
    """Updates the caller's w and v in place."""
    v *= beta
    v += (1 - beta) * g
    w -= lr * v
    return w, v


def momentum_step__fixed_beta(w, g, v, lr, beta=0.9):
    """Hard-codes beta = 0.9 and ignores the argument."""
    v_new = 0.9 * v + 0.1 * g
    return w - lr * v_new, v_new


def momentum_step__delegates(w, g, v, lr, beta=0.9):
    """Calls dlkit's reference step."""
    return dlkit.optim.momentum_step(w, g, v, lr, beta)


def momentum_step__delegates_classical(w, g, v, lr, beta=0.9):
    """Converts to the classical form and calls dlkit's classical step."""
    w_new, v_c = dlkit.optim.classical_momentum_step(w, g, v / (1 - beta), lr * (1 - beta), beta)
    return w_new, v_c * (1 - beta)


def momentum_step__ok_interpolation(w, g, v, lr, beta=0.9):
    """Correct: v + (1 - beta) * (g - v), the same average written as an interpolation."""
    v_new = v + (1.0 - beta) * (g - v)
    return w - lr * v_new, v_new


def momentum_step__ok_copies(w, g, v, lr, beta=0.9):
    """Correct: in-place arithmetic on copies."""
    w_new, v_new = w.copy(), v.copy()
    v_new *= beta
    v_new += (1 - beta) * g
    w_new -= lr * v_new
    return w_new, v_new


# ------------------------------------------------------------------------------ adagrad_step


def adagrad_step__no_accumulation(w, g, G, lr, eps=1e-8):
    """Does not accumulate: G = g**2 (that is RMSProp with beta = 0)."""
    G_new = g**2
    return w - lr * g / (np.sqrt(G_new) + eps), G_new


def adagrad_step__no_sqrt(w, g, G, lr, eps=1e-8):
    """Divides by G instead of its square root."""
    G_new = G + g**2
    return w - lr * g / (G_new + eps), G_new


def adagrad_step__accumulates_g(w, g, G, lr, eps=1e-8):
    """Adds the gradient instead of its square."""
    G_new = G + g
    return w - lr * g / (np.sqrt(np.abs(G_new)) + eps), G_new


def adagrad_step__old_sum(w, g, G, lr, eps=1e-8):
    """Divides by the sum before adding this step's gradient."""
    G_new = G + g**2
    return w - lr * g / (np.sqrt(G) + eps), G_new


def adagrad_step__eps_inside_sqrt(w, g, G, lr, eps=1e-8):
    """Adds eps inside the square root instead of after it."""
    G_new = G + g**2
    return w - lr * g / np.sqrt(G_new + eps), G_new


def adagrad_step__in_place(w, g, G, lr, eps=1e-8):
    """Updates the caller's w and G in place."""
    G += g**2
    w -= lr * g / (np.sqrt(G) + eps)
    return w, G


def adagrad_step__delegates(w, g, G, lr, eps=1e-8):
    """Calls dlkit's reference step."""
    return dlkit.optim.adagrad_step(w, g, G, lr, eps)


def adagrad_step__ok_square(w, g, G, lr, eps=1e-8):
    """Correct: np.square and the learning rate folded into the denominator."""
    G_new = G + np.square(g)
    return w - g / ((np.sqrt(G_new) + eps) / lr), G_new


def adagrad_step__ok_g_times_g(w, g, G, lr, eps=1e-8):
    """Correct: g * g and a separate per-weight rate."""
    G_new = G + g * g
    rate = lr / (np.sqrt(G_new) + eps)
    return w - rate * g, G_new


# ------------------------------------------------------------------------------ rmsprop_step


def rmsprop_step__averages_g(w, g, s, lr, beta=0.9, eps=1e-8):
    """Averages g instead of g**2 (square root of a negative: NaN)."""
    s_new = beta * s + (1 - beta) * g
    with np.errstate(invalid="ignore"):
        return w - lr * g / (np.sqrt(s_new) + eps), s_new


def rmsprop_step__no_sqrt(w, g, s, lr, beta=0.9, eps=1e-8):
    """Divides by s instead of sqrt(s)."""
    s_new = beta * s + (1 - beta) * g**2
    return w - lr * g / (s_new + eps), s_new


def rmsprop_step__swapped_beta(w, g, s, lr, beta=0.9, eps=1e-8):
    """Keeps (1 - beta) of the old average and adds beta * g**2."""
    s_new = (1 - beta) * s + beta * g**2
    return w - lr * g / (np.sqrt(s_new) + eps), s_new


def rmsprop_step__accumulates(w, g, s, lr, beta=0.9, eps=1e-8):
    """Sums the squares like AdaGrad (s + g**2) instead of averaging them."""
    s_new = s + g**2
    return w - lr * g / (np.sqrt(s_new) + eps), s_new


def rmsprop_step__old_average(w, g, s, lr, beta=0.9, eps=1e-8):
    """Divides by the previous average instead of the updated one."""
    s_new = beta * s + (1 - beta) * g**2
    return w - lr * g / (np.sqrt(s) + eps), s_new


def rmsprop_step__eps_inside_sqrt(w, g, s, lr, beta=0.9, eps=1e-8):
    """Adds eps inside the square root instead of after it."""
    s_new = beta * s + (1 - beta) * g**2
    return w - lr * g / np.sqrt(s_new + eps), s_new


def rmsprop_step__in_place(w, g, s, lr, beta=0.9, eps=1e-8):
    """Updates the caller's w and s in place."""
    s *= beta
    s += (1 - beta) * g**2
    w -= lr * g / (np.sqrt(s) + eps)
    return w, s


def rmsprop_step__delegates(w, g, s, lr, beta=0.9, eps=1e-8):
    """Calls dlkit's reference step."""
    return dlkit.optim.rmsprop_step(w, g, s, lr, beta, eps)


def rmsprop_step__ok_interpolation(w, g, s, lr, beta=0.9, eps=1e-8):
    """Correct: s + (1 - beta) * (g**2 - s)."""
    s_new = s + (1.0 - beta) * (np.square(g) - s)
    return w - lr * g / (np.sqrt(s_new) + eps), s_new


def rmsprop_step__ok_rms_name(w, g, s, lr, beta=0.9, eps=1e-8):
    """Correct: names the root mean square before dividing."""
    s_new = beta * s + (1 - beta) * g * g
    rms = np.sqrt(s_new)
    return w - lr * (g / (rms + eps)), s_new


# ------------------------------------------------------------------------------ adam_step


def adam_step__beta1_in_second_moment(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Uses beta1 for the second moment (v = beta1 v + (1 - beta1) g^2), a common erratum."""
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta1 * v + (1 - beta1) * g**2
    m_hat = m_new / (1 - beta1**t)
    v_hat = v_new / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


def adam_step__no_bias_correction(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Skips the bias correction: steps with m / (sqrt(v) + eps)."""
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g**2
    return w - lr * m_new / (np.sqrt(v_new) + eps), m_new, v_new


def adam_step__correct_only_m(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Bias-corrects the first moment only."""
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g**2
    return w - lr * (m_new / (1 - beta1**t)) / (np.sqrt(v_new) + eps), m_new, v_new


def adam_step__correction_t_minus_1(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Bias correction with t - 1 (counts steps from 0; divides by 0 at t = 1)."""
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g**2
    with np.errstate(divide="ignore", invalid="ignore"):
        m_hat = m_new / (1 - beta1 ** (t - 1)) if t > 1 else m_new / 0.0
        v_hat = v_new / (1 - beta2 ** (t - 1)) if t > 1 else v_new / 0.0
        return w - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


def adam_step__correction_t_plus_1(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Bias correction with t + 1."""
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g**2
    m_hat = m_new / (1 - beta1 ** (t + 1))
    v_hat = v_new / (1 - beta2 ** (t + 1))
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


def adam_step__beta1_in_v_correction(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Corrects v with 1 - beta1**t instead of 1 - beta2**t."""
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g**2
    m_hat = m_new / (1 - beta1**t)
    v_hat = v_new / (1 - beta1**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


def adam_step__returns_corrected(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Returns the bias-corrected moments as the new state."""
    m_hat = (beta1 * m + (1 - beta1) * g) / (1 - beta1**t)
    v_hat = (beta2 * v + (1 - beta2) * g**2) / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m_hat, v_hat


def adam_step__g_not_squared(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Averages |g| instead of g**2 in the second moment."""
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * np.abs(g)
    m_hat = m_new / (1 - beta1**t)
    v_hat = v_new / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


def adam_step__eps_outside_division(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Adds eps to the whole ratio: m_hat / sqrt(v_hat) + eps."""
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g**2
    m_hat = m_new / (1 - beta1**t)
    v_hat = v_new / (1 - beta2**t)
    return w - lr * (m_hat / np.sqrt(v_hat) + eps), m_new, v_new


def adam_step__in_place(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Updates the caller's w, m and v in place."""
    m *= beta1
    m += (1 - beta1) * g
    v *= beta2
    v += (1 - beta2) * g**2
    w -= lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return w, m, v


def adam_step__wrong_default_lr(w, g, m, v, t, lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8):
    """Uses lr = 0.01 as the default instead of Adam's 0.001."""
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g**2
    m_hat = m_new / (1 - beta1**t)
    v_hat = v_new / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


def adam_step__delegates(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Calls dlkit's reference step."""
    return dlkit.optim.adam_step(w, g, m, v, t, lr, beta1, beta2, eps)


def adam_step__ok_pytorch_arrangement(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Correct: PyTorch's arrangement, step size lr / (1 - beta1^t), denom sqrt(v) / sqrt(1 - beta2^t) + eps."""
    import math

    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g * g
    denom = np.sqrt(v_new) / math.sqrt(1 - beta2**t) + eps
    return w - (lr / (1 - beta1**t)) * m_new / denom, m_new, v_new


def adam_step__eps_inside_sqrt(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Adds eps inside the square root, sqrt(v_hat + eps), instead of after it."""
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g**2
    m_hat = m_new / (1 - beta1**t)
    v_hat = v_new / (1 - beta2**t)
    return w - lr * m_hat / np.sqrt(v_hat + eps), m_new, v_new


def adam_step__ok_powers(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Correct: np.power, np.square and a per-weight rate."""
    m_new = np.multiply(beta1, m) + np.multiply(1.0 - beta1, g)
    v_new = np.multiply(beta2, v) + np.multiply(1.0 - beta2, np.square(g))
    rate = lr / (np.sqrt(v_new / (1.0 - np.power(beta2, t))) + eps)
    return w - rate * m_new / (1.0 - np.power(beta1, t)), m_new, v_new


# ------------------------------------------------------------------------------ step_decay


def step_decay__no_floor(lr0, epoch, drop=0.5, every=10):
    """Smooth decay drop ** (epoch / every) instead of steps."""
    return lr0 * drop ** (epoch / every)


def step_decay__counts_from_one(lr0, epoch, drop=0.5, every=10):
    """Counts epochs from 1: drop ** ((epoch - 1) // every)."""
    return lr0 * drop ** ((epoch - 1) // every)


def step_decay__drop_one_epoch_early(lr0, epoch, drop=0.5, every=10):
    """Drops at epoch 9, 19, ...: drop ** ((epoch + 1) // every)."""
    return lr0 * drop ** ((epoch + 1) // every)


def step_decay__multiplies(lr0, epoch, drop=0.5, every=10):
    """Multiplies by drop times the number of drops instead of raising to a power."""
    return lr0 * drop * (epoch // every)


def step_decay__rounds(lr0, epoch, drop=0.5, every=10):
    """Rounds epoch / every instead of flooring it."""
    return lr0 * drop ** round(epoch / every)


def step_decay__fixed_defaults(lr0, epoch, drop=0.5, every=10):
    """Ignores the drop and every arguments."""
    return lr0 * 0.5 ** (epoch // 10)


def step_decay__delegates(lr0, epoch, drop=0.5, every=10):
    """Calls dlkit's reference schedule."""
    return dlkit.optim.step_decay(lr0, epoch, drop, every)


def step_decay__ok_math_floor(lr0, epoch, drop=0.5, every=10):
    """Correct: math.floor of a true division."""
    import math

    return lr0 * math.pow(drop, math.floor(epoch / every))


def step_decay__ok_loop(lr0, epoch, drop=0.5, every=10):
    """Correct: multiplies by drop once per completed period."""
    lr = float(lr0)
    for _ in range(epoch // every):
        lr *= drop
    return lr


# ------------------------------------------------------------------------------ fit_mlp
# The bodies use the notebook's iterate_minibatches (the tests put dlkit's reference in its place).


def fit_mlp__never_shuffles(params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu"):
    """Asks iterate_minibatches for the original order (shuffle=False) every epoch."""
    states = [({}, {}) for _ in params]
    losses = []
    for _ in range(epochs):
        batch_losses = []
        for Xb, Yb in iterate_minibatches(X, Y, batch_size, shuffle=False):  # noqa: F821 (the notebook's Exercise 2)
            P, cache = dlkit.layers.mlp_forward(Xb, params, hidden=hidden)
            batch_losses.append(-np.sum(Yb * np.log(np.clip(P, 1e-12, 1.0))) / len(Xb))
            grads = dlkit.layers.mlp_backward(Yb, cache, params, hidden=hidden)
            new, new_states = [], []
            for (W, b), (dW, db), (sW, sb) in zip(params, grads, states):
                W, sW = step(W, dW, sW)
                b, sb = step(b, db, sb)
                new.append((W, b))
                new_states.append((sW, sb))
            params, states = new, new_states
        losses.append(float(np.mean(batch_losses)))
    return params, losses


def fit_mlp__ignores_rng(params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu"):
    """Does not pass rng on: every epoch shuffles with a fresh default generator (the same order each time)."""
    states = [({}, {}) for _ in params]
    losses = []
    for _ in range(epochs):
        batch_losses = []
        for Xb, Yb in iterate_minibatches(X, Y, batch_size):  # noqa: F821 (the notebook's Exercise 2)
            P, cache = dlkit.layers.mlp_forward(Xb, params, hidden=hidden)
            batch_losses.append(-np.sum(Yb * np.log(np.clip(P, 1e-12, 1.0))) / len(Xb))
            grads = dlkit.layers.mlp_backward(Yb, cache, params, hidden=hidden)
            new, new_states = [], []
            for (W, b), (dW, db), (sW, sb) in zip(params, grads, states):
                W, sW = step(W, dW, sW)
                b, sb = step(b, db, sb)
                new.append((W, b))
                new_states.append((sW, sb))
            params, states = new, new_states
        losses.append(float(np.mean(batch_losses)))
    return params, losses


def fit_mlp__new_generator_each_epoch(
    params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu"
):
    """Creates np.random.default_rng(0) inside the epoch loop, ignoring the rng it was given."""
    states = [({}, {}) for _ in params]
    losses = []
    for _ in range(epochs):
        gen = np.random.default_rng(0)
        batch_losses = []
        for Xb, Yb in iterate_minibatches(X, Y, batch_size, rng=gen):  # noqa: F821 (the notebook's Exercise 2)
            P, cache = dlkit.layers.mlp_forward(Xb, params, hidden=hidden)
            batch_losses.append(-np.sum(Yb * np.log(np.clip(P, 1e-12, 1.0))) / len(Xb))
            grads = dlkit.layers.mlp_backward(Yb, cache, params, hidden=hidden)
            new, new_states = [], []
            for (W, b), (dW, db), (sW, sb) in zip(params, grads, states):
                W, sW = step(W, dW, sW)
                b, sb = step(b, db, sb)
                new.append((W, b))
                new_states.append((sW, sb))
            params, states = new, new_states
        losses.append(float(np.mean(batch_losses)))
    return params, losses


def fit_mlp__shared_state(params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu"):
    """Keeps one state dict for all parameter arrays."""
    rng = np.random.default_rng(0) if rng is None else rng
    state = {}
    losses = []
    for _ in range(epochs):
        batch_losses = []
        for Xb, Yb in iterate_minibatches(X, Y, batch_size, rng=rng):  # noqa: F821 (the notebook's Exercise 2)
            P, cache = dlkit.layers.mlp_forward(Xb, params, hidden=hidden)
            batch_losses.append(-np.sum(Yb * np.log(np.clip(P, 1e-12, 1.0))) / len(Xb))
            grads = dlkit.layers.mlp_backward(Yb, cache, params, hidden=hidden)
            new = []
            for (W, b), (dW, db) in zip(params, grads):
                W, state = step(W, dW, state)
                b, state = step(b, db, state)
                new.append((W, b))
            params = new
        losses.append(float(np.mean(batch_losses)))
    return params, losses


def fit_mlp__state_reset_each_step(
    params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu"
):
    """Passes a fresh {} at every call: momentum and Adam forget everything."""
    rng = np.random.default_rng(0) if rng is None else rng
    losses = []
    for _ in range(epochs):
        batch_losses = []
        for Xb, Yb in iterate_minibatches(X, Y, batch_size, rng=rng):  # noqa: F821 (the notebook's Exercise 2)
            P, cache = dlkit.layers.mlp_forward(Xb, params, hidden=hidden)
            batch_losses.append(-np.sum(Yb * np.log(np.clip(P, 1e-12, 1.0))) / len(Xb))
            grads = dlkit.layers.mlp_backward(Yb, cache, params, hidden=hidden)
            params = [
                (step(W, dW, {})[0], step(b, db, {})[0]) for (W, b), (dW, db) in zip(params, grads)
            ]
        losses.append(float(np.mean(batch_losses)))
    return params, losses


def fit_mlp__state_reset_each_epoch(
    params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu"
):
    """Creates the state dicts inside the epoch loop."""
    rng = np.random.default_rng(0) if rng is None else rng
    losses = []
    for _ in range(epochs):
        states = [({}, {}) for _ in params]
        batch_losses = []
        for Xb, Yb in iterate_minibatches(X, Y, batch_size, rng=rng):  # noqa: F821 (the notebook's Exercise 2)
            P, cache = dlkit.layers.mlp_forward(Xb, params, hidden=hidden)
            batch_losses.append(-np.sum(Yb * np.log(np.clip(P, 1e-12, 1.0))) / len(Xb))
            grads = dlkit.layers.mlp_backward(Yb, cache, params, hidden=hidden)
            new, new_states = [], []
            for (W, b), (dW, db), (sW, sb) in zip(params, grads, states):
                W, sW = step(W, dW, sW)
                b, sb = step(b, db, sb)
                new.append((W, b))
                new_states.append((sW, sb))
            params, states = new, new_states
        losses.append(float(np.mean(batch_losses)))
    return params, losses


def fit_mlp__ignores_returned_state(
    params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu"
):
    """Keeps passing the original dicts and throws away the state the rule returns."""
    rng = np.random.default_rng(0) if rng is None else rng
    states = [({}, {}) for _ in params]
    losses = []
    for _ in range(epochs):
        batch_losses = []
        for Xb, Yb in iterate_minibatches(X, Y, batch_size, rng=rng):  # noqa: F821 (the notebook's Exercise 2)
            P, cache = dlkit.layers.mlp_forward(Xb, params, hidden=hidden)
            batch_losses.append(-np.sum(Yb * np.log(np.clip(P, 1e-12, 1.0))) / len(Xb))
            grads = dlkit.layers.mlp_backward(Yb, cache, params, hidden=hidden)
            params = [
                (step(W, dW, sW)[0], step(b, db, sb)[0])
                for (W, b), (dW, db), (sW, sb) in zip(params, grads, states)
            ]
        losses.append(float(np.mean(batch_losses)))
    return params, losses


def fit_mlp__skips_bias(params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu"):
    """Updates the weight matrices only; the biases never move."""
    rng = np.random.default_rng(0) if rng is None else rng
    states = [{} for _ in params]
    losses = []
    for _ in range(epochs):
        batch_losses = []
        for Xb, Yb in iterate_minibatches(X, Y, batch_size, rng=rng):  # noqa: F821 (the notebook's Exercise 2)
            P, cache = dlkit.layers.mlp_forward(Xb, params, hidden=hidden)
            batch_losses.append(-np.sum(Yb * np.log(np.clip(P, 1e-12, 1.0))) / len(Xb))
            grads = dlkit.layers.mlp_backward(Yb, cache, params, hidden=hidden)
            new = []
            for k, ((W, b), (dW, db)) in enumerate(zip(params, grads)):
                W, states[k] = step(W, dW, states[k])
                new.append((W, b))
            params = new
        losses.append(float(np.mean(batch_losses)))
    return params, losses


def fit_mlp__sums_losses(params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu"):
    """Reports the sum of the mini-batch losses of an epoch instead of their mean."""
    rng = np.random.default_rng(0) if rng is None else rng
    states = [({}, {}) for _ in params]
    losses = []
    for _ in range(epochs):
        total = 0.0
        for Xb, Yb in iterate_minibatches(X, Y, batch_size, rng=rng):  # noqa: F821 (the notebook's Exercise 2)
            P, cache = dlkit.layers.mlp_forward(Xb, params, hidden=hidden)
            total += -np.sum(Yb * np.log(np.clip(P, 1e-12, 1.0))) / len(Xb)
            grads = dlkit.layers.mlp_backward(Yb, cache, params, hidden=hidden)
            new, new_states = [], []
            for (W, b), (dW, db), (sW, sb) in zip(params, grads, states):
                W, sW = step(W, dW, sW)
                b, sb = step(b, db, sb)
                new.append((W, b))
                new_states.append((sW, sb))
            params, states = new, new_states
        losses.append(float(total))
    return params, losses


def fit_mlp__weighted_mean(params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu"):
    """Weights the batch losses by their sizes (the task asks for the plain mean over batches)."""
    rng = np.random.default_rng(0) if rng is None else rng
    states = [({}, {}) for _ in params]
    losses = []
    for _ in range(epochs):
        total = 0.0
        for Xb, Yb in iterate_minibatches(X, Y, batch_size, rng=rng):  # noqa: F821 (the notebook's Exercise 2)
            P, cache = dlkit.layers.mlp_forward(Xb, params, hidden=hidden)
            total += -np.sum(Yb * np.log(np.clip(P, 1e-12, 1.0)))
            grads = dlkit.layers.mlp_backward(Yb, cache, params, hidden=hidden)
            new, new_states = [], []
            for (W, b), (dW, db), (sW, sb) in zip(params, grads, states):
                W, sW = step(W, dW, sW)
                b, sb = step(b, db, sb)
                new.append((W, b))
                new_states.append((sW, sb))
            params, states = new, new_states
        losses.append(float(total / len(X)))
    return params, losses


def fit_mlp__batch_loss_summed_over_samples(
    params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu"
):
    """Sums the cross-entropy over the samples of a batch instead of averaging it."""
    rng = np.random.default_rng(0) if rng is None else rng
    states = [({}, {}) for _ in params]
    losses = []
    for _ in range(epochs):
        batch_losses = []
        for Xb, Yb in iterate_minibatches(X, Y, batch_size, rng=rng):  # noqa: F821 (the notebook's Exercise 2)
            P, cache = dlkit.layers.mlp_forward(Xb, params, hidden=hidden)
            batch_losses.append(-np.sum(Yb * np.log(np.clip(P, 1e-12, 1.0))))
            grads = dlkit.layers.mlp_backward(Yb, cache, params, hidden=hidden)
            new, new_states = [], []
            for (W, b), (dW, db), (sW, sb) in zip(params, grads, states):
                W, sW = step(W, dW, sW)
                b, sb = step(b, db, sb)
                new.append((W, b))
                new_states.append((sW, sb))
            params, states = new, new_states
        losses.append(float(np.mean(batch_losses)))
    return params, losses


def fit_mlp__loss_after_update(
    params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu"
):
    """Measures each batch's loss after the update instead of before it."""
    rng = np.random.default_rng(0) if rng is None else rng
    states = [({}, {}) for _ in params]
    losses = []
    for _ in range(epochs):
        batch_losses = []
        for Xb, Yb in iterate_minibatches(X, Y, batch_size, rng=rng):  # noqa: F821 (the notebook's Exercise 2)
            P, cache = dlkit.layers.mlp_forward(Xb, params, hidden=hidden)
            grads = dlkit.layers.mlp_backward(Yb, cache, params, hidden=hidden)
            new, new_states = [], []
            for (W, b), (dW, db), (sW, sb) in zip(params, grads, states):
                W, sW = step(W, dW, sW)
                b, sb = step(b, db, sb)
                new.append((W, b))
                new_states.append((sW, sb))
            params, states = new, new_states
            P, _ = dlkit.layers.mlp_forward(Xb, params, hidden=hidden)
            batch_losses.append(-np.sum(Yb * np.log(np.clip(P, 1e-12, 1.0))) / len(Xb))
        losses.append(float(np.mean(batch_losses)))
    return params, losses


def fit_mlp__drops_last_batch(
    params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu"
):
    """Skips the last batch when it is smaller than batch_size."""
    rng = np.random.default_rng(0) if rng is None else rng
    states = [({}, {}) for _ in params]
    losses = []
    for _ in range(epochs):
        batch_losses = []
        for Xb, Yb in iterate_minibatches(X, Y, batch_size, rng=rng):  # noqa: F821 (the notebook's Exercise 2)
            if len(Xb) < batch_size:
                continue
            P, cache = dlkit.layers.mlp_forward(Xb, params, hidden=hidden)
            batch_losses.append(-np.sum(Yb * np.log(np.clip(P, 1e-12, 1.0))) / len(Xb))
            grads = dlkit.layers.mlp_backward(Yb, cache, params, hidden=hidden)
            new, new_states = [], []
            for (W, b), (dW, db), (sW, sb) in zip(params, grads, states):
                W, sW = step(W, dW, sW)
                b, sb = step(b, db, sb)
                new.append((W, b))
                new_states.append((sW, sb))
            params, states = new, new_states
        losses.append(float(np.mean(batch_losses)) if batch_losses else 0.0)
    return params, losses


def fit_mlp__in_place(params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu"):
    """Writes the new values into the caller's arrays and returns the caller's list."""
    rng = np.random.default_rng(0) if rng is None else rng
    states = [[{}, {}] for _ in params]
    losses = []
    for _ in range(epochs):
        batch_losses = []
        for Xb, Yb in iterate_minibatches(X, Y, batch_size, rng=rng):  # noqa: F821 (the notebook's Exercise 2)
            P, cache = dlkit.layers.mlp_forward(Xb, params, hidden=hidden)
            batch_losses.append(-np.sum(Yb * np.log(np.clip(P, 1e-12, 1.0))) / len(Xb))
            grads = dlkit.layers.mlp_backward(Yb, cache, params, hidden=hidden)
            for k, ((W, b), (dW, db)) in enumerate(zip(params, grads)):
                W_new, states[k][0] = step(W, dW, states[k][0])
                b_new, states[k][1] = step(b, db, states[k][1])
                W[...] = W_new
                b[...] = b_new
        losses.append(float(np.mean(batch_losses)))
    return params, losses


def fit_mlp__full_batch(params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu"):
    """Ignores the mini-batches: one step per epoch on all the data."""
    states = [({}, {}) for _ in params]
    losses = []
    for _ in range(epochs):
        for _batch in iterate_minibatches(X, Y, batch_size, rng=rng):  # noqa: F821 (the notebook's Exercise 2)
            pass
        P, cache = dlkit.layers.mlp_forward(X, params, hidden=hidden)
        losses.append(float(-np.sum(Y * np.log(np.clip(P, 1e-12, 1.0))) / len(X)))
        grads = dlkit.layers.mlp_backward(Y, cache, params, hidden=hidden)
        new, new_states = [], []
        for (W, b), (dW, db), (sW, sb) in zip(params, grads, states):
            W, sW = step(W, dW, sW)
            b, sb = step(b, db, sb)
            new.append((W, b))
            new_states.append((sW, sb))
        params, states = new, new_states
    return params, losses


def fit_mlp__ignores_hidden(params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu"):
    """Always uses ReLU hidden layers, whatever hidden says."""
    rng = np.random.default_rng(0) if rng is None else rng
    states = [({}, {}) for _ in params]
    losses = []
    for _ in range(epochs):
        batch_losses = []
        for Xb, Yb in iterate_minibatches(X, Y, batch_size, rng=rng):  # noqa: F821 (the notebook's Exercise 2)
            P, cache = dlkit.layers.mlp_forward(Xb, params)
            batch_losses.append(-np.sum(Yb * np.log(np.clip(P, 1e-12, 1.0))) / len(Xb))
            grads = dlkit.layers.mlp_backward(Yb, cache, params)
            new, new_states = [], []
            for (W, b), (dW, db), (sW, sb) in zip(params, grads, states):
                W, sW = step(W, dW, sW)
                b, sb = step(b, db, sb)
                new.append((W, b))
                new_states.append((sW, sb))
            params, states = new, new_states
        losses.append(float(np.mean(batch_losses)))
    return params, losses


def fit_mlp__one_epoch_short(params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu"):
    """Runs epochs - 1 epochs."""
    rng = np.random.default_rng(0) if rng is None else rng
    states = [({}, {}) for _ in params]
    losses = []
    for _ in range(epochs - 1):
        batch_losses = []
        for Xb, Yb in iterate_minibatches(X, Y, batch_size, rng=rng):  # noqa: F821 (the notebook's Exercise 2)
            P, cache = dlkit.layers.mlp_forward(Xb, params, hidden=hidden)
            batch_losses.append(-np.sum(Yb * np.log(np.clip(P, 1e-12, 1.0))) / len(Xb))
            grads = dlkit.layers.mlp_backward(Yb, cache, params, hidden=hidden)
            new, new_states = [], []
            for (W, b), (dW, db), (sW, sb) in zip(params, grads, states):
                W, sW = step(W, dW, sW)
                b, sb = step(b, db, sb)
                new.append((W, b))
                new_states.append((sW, sb))
            params, states = new, new_states
        losses.append(float(np.mean(batch_losses)))
    return params, losses


def fit_mlp__dlkit_batches(params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu"):
    """Draws the batches with dlkit.optim.iterate_minibatches instead of the notebook's generator."""
    rng = np.random.default_rng(0) if rng is None else rng
    states = [({}, {}) for _ in params]
    losses = []
    for _ in range(epochs):
        batch_losses = []
        for Xb, Yb in dlkit.optim.iterate_minibatches(X, Y, batch_size, rng=rng):
            P, cache = dlkit.layers.mlp_forward(Xb, params, hidden=hidden)
            batch_losses.append(-np.sum(Yb * np.log(np.clip(P, 1e-12, 1.0))) / len(Xb))
            grads = dlkit.layers.mlp_backward(Yb, cache, params, hidden=hidden)
            new, new_states = [], []
            for (W, b), (dW, db), (sW, sb) in zip(params, grads, states):
                W, sW = step(W, dW, sW)
                b, sb = step(b, db, sb)
                new.append((W, b))
                new_states.append((sW, sb))
            params, states = new, new_states
        losses.append(float(np.mean(batch_losses)))
    return params, losses


def fit_mlp__ok_flat_arrays(params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu"):
    """Correct: a flat list of arrays [W1, b1, W2, b2, ...] with a flat list of states, dlkit's loss, rng positional."""
    gen = rng if rng is not None else np.random.default_rng(0)
    arrays = [a for pair in params for a in pair]
    states = [{} for _ in arrays]
    history = np.zeros(epochs)
    for epoch in range(epochs):
        batch_losses = []
        for Xb, Yb in iterate_minibatches(X, Y, batch_size, True, gen):  # noqa: F821 (the notebook's Exercise 2)
            pairs = list(zip(arrays[0::2], arrays[1::2]))
            P, cache = dlkit.layers.mlp_forward(Xb, pairs, hidden=hidden, output="softmax")
            batch_losses.append(dlkit.losses.categorical_cross_entropy(Yb, P))
            grads = [
                g
                for pair in dlkit.layers.mlp_backward(Yb, cache, pairs, hidden=hidden)
                for g in pair
            ]
            stepped = [step(a, g, s) for a, g, s in zip(arrays, grads, states)]
            arrays = [a for a, _ in stepped]
            states = [s for _, s in stepped]
        history[epoch] = np.mean(batch_losses)
    return list(zip(arrays[0::2], arrays[1::2])), list(history)


def fit_mlp__ok_dict_states_logits(
    params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu"
):
    """Correct: states in a dict keyed by (layer, name), biases stepped first, the loss from the logits with dlkit."""
    if rng is None:
        rng = np.random.default_rng(0)
    params = list(params)
    states = {}
    losses = []
    for _ in range(epochs):
        total, count = 0.0, 0
        for Xb, Yb in iterate_minibatches(X, Y, batch_size=batch_size, shuffle=True, rng=rng):  # noqa: F821 (the notebook's Exercise 2)
            _, cache = dlkit.layers.mlp_forward(Xb, params, hidden=hidden)
            total += dlkit.losses.cross_entropy_from_logits(Yb, cache["Z"][-1])
            count += 1
            grads = dlkit.layers.mlp_backward(Yb, cache, params, hidden=hidden)
            for layer in range(len(params)):
                W, b = params[layer]
                dW, db = grads[layer]
                b, states[layer, "b"] = step(b, db, states.get((layer, "b"), {}))
                W, states[layer, "W"] = step(W, dW, states.get((layer, "W"), {}))
                params[layer] = (W, b)
        losses.append(total / count)
    return params, losses


# ------------------------------------------------------------------------------ update_ratio


def update_ratio__divides_by_new(w, w_new):
    """Divides by the norm of the new weights instead of the old ones."""
    return float(np.linalg.norm(w_new - w) / np.linalg.norm(w_new))


def update_ratio__inverted(w, w_new):
    """Weights over step: ||w|| / ||w_new - w||."""
    return float(np.linalg.norm(w) / np.linalg.norm(w_new - w))


def update_ratio__squared(w, w_new):
    """Forgets the square roots: a ratio of squared norms."""
    return float(np.sum((w_new - w) ** 2) / np.sum(w**2))


def update_ratio__mean_elementwise(w, w_new):
    """The mean of the element-wise ratios |w_new - w| / |w|."""
    return float(np.mean(np.abs(w_new - w) / np.abs(w)))


def update_ratio__max_abs(w, w_new):
    """Largest change over largest weight."""
    return float(np.max(np.abs(w_new - w)) / np.max(np.abs(w)))


def update_ratio__per_column(w, w_new):
    """The mean of per-column norm ratios (a norm per unit, not over all entries)."""
    return float(np.mean(np.linalg.norm(w_new - w, axis=0) / np.linalg.norm(w, axis=0)))


def update_ratio__norm_of_new_minus_norm(w, w_new):
    """Change of the norm, | ||w_new|| - ||w|| | / ||w||, instead of the norm of the change."""
    return float(abs(np.linalg.norm(w_new) - np.linalg.norm(w)) / np.linalg.norm(w))


def update_ratio__ok_vdot(w, w_new):
    """Correct: square roots of dot products of the flattened arrays."""
    import math

    d = (w_new - w).ravel()
    return math.sqrt(float(np.vdot(d, d))) / math.sqrt(float(np.vdot(w.ravel(), w.ravel())))


def update_ratio__ok_linalg_norm(w, w_new):
    """Correct: np.linalg.norm without an axis (flattens every shape), returned as a NumPy scalar."""
    return np.linalg.norm(np.subtract(w_new, w)) / np.linalg.norm(w)
