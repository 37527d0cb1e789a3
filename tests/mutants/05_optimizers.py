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
