"""Mutants for 01_perceptron: plausible wrong answers each test cell must catch.

Each function ``<exercise>__<mistake>`` stands for one student mistake; functions named
``<exercise>__ok_<variant>`` are different but correct answers that must pass.
Bodies are self-contained: they run in the notebook's namespace (np, dlkit).
"""

import numpy as np

import dlkit

# ----------------------------------------------------------------------------- step


def step__strict_threshold(z):
    """Uses z > 0, so step(0) = 0 instead of 1."""
    return np.where(z > 0, 1.0, 0.0)


def step__sign(z):
    """Uses np.sign: -1 for negatives and 0 at zero."""
    return np.sign(z)


def step__half_at_zero(z):
    """Rescales np.sign to (sign + 1) / 2, which gives 0.5 at z = 0."""
    return (np.sign(z) + 1) / 2


def step__flattens(z):
    """Returns a flat 1-D array instead of keeping the shape of z."""
    return np.where(np.ravel(z) >= 0, 1.0, 0.0)


def step__in_place(z):
    """Overwrites z with the result instead of building a new array."""
    z[...] = np.where(z >= 0, 1.0, 0.0)
    return z


def step__delegates(z):
    """Calls dlkit's reference instead of writing the comparison."""
    return dlkit.activations.step(z)


def step__ok_astype(z):
    """Correct: a boolean comparison converted to floats."""
    return (np.asarray(z) >= 0).astype(float)


def step__ok_heaviside(z):
    """Correct: NumPy's heaviside with the value 1 at zero."""
    return np.heaviside(z, 1.0)


# -------------------------------------------------------------------------- sigmoid


def sigmoid__naive(z):
    """Textbook formula 1 / (1 + exp(-z)): exp overflows for very negative z."""
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid__naive_other_form(z):
    """exp(z) / (1 + exp(z)): inf / inf = nan for very positive z."""
    return np.exp(z) / (1.0 + np.exp(z))


def sigmoid__wrong_sign(z):
    """1 / (1 + exp(z)): the sign inside exp is flipped (this is sigmoid(-z))."""
    return 1.0 / (1.0 + np.exp(z))


def sigmoid__where_both_branches(z):
    """Puts both naive formulas in np.where, which evaluates (and overflows in) both."""
    return np.where(z >= 0, 1.0 / (1.0 + np.exp(-z)), np.exp(z) / (1.0 + np.exp(z)))


def sigmoid__clips_too_hard(z):
    """Clips z to [-10, 10] to avoid overflow, which distorts the values beyond it."""
    return 1.0 / (1.0 + np.exp(-np.clip(z, -10, 10)))


def sigmoid__delegates(z):
    """Calls dlkit's reference instead of writing the stable formula."""
    return dlkit.activations.sigmoid(z)


def sigmoid__naive_silenced(z):
    """The textbook formula inside np.errstate(all="ignore"): exp still overflows, the warning is
    only hidden (its values are right to the test's tolerance, so only the silencing gives it away)."""
    with np.errstate(all="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


def sigmoid__where_both_branches_silenced(z):
    """Both naive formulas in np.where, with NumPy's warnings switched off around them."""
    with np.errstate(over="ignore", invalid="ignore"):
        return np.where(z >= 0, 1.0 / (1.0 + np.exp(-z)), np.exp(z) / (1.0 + np.exp(z)))


def sigmoid__naive_seterr(z):
    """Switches the overflow warning off with np.seterr and restores it afterwards."""
    old = np.seterr(over="ignore")
    try:
        return 1.0 / (1.0 + np.exp(-z))
    finally:
        np.seterr(**old)


def sigmoid__ok_tanh(z):
    """Correct: sigmoid(z) = (1 + tanh(z / 2)) / 2, which never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))


def sigmoid__ok_mask(z):
    """Correct: fills the positive and negative halves through a boolean mask."""
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def sigmoid__ok_clip_500(z):
    """Correct: clipping to [-500, 500] keeps exp finite and changes nothing visible."""
    return 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))


# ----------------------------------------------------------------------------- relu


def relu__in_place(z):
    """Sets the negative entries of z to 0 in place and returns z."""
    z[z < 0] = 0
    return z


def relu__abs(z):
    """Returns |z|: negatives flipped instead of zeroed."""
    return np.abs(z)


def relu__leaky(z):
    """Leaks 0.01 z for negatives (Leaky ReLU, not ReLU)."""
    return np.where(z > 0, z, 0.01 * z)


def relu__np_max(z):
    """np.max(z, 0) reduces along axis 0 instead of comparing element-wise."""
    return np.max(z, 0)


def relu__delegates(z):
    """Calls dlkit's reference instead of np.maximum."""
    return dlkit.activations.relu(z)


def relu__ok_mask_multiply(z):
    """Correct: multiplies z by the mask z > 0."""
    return z * (z > 0)


def relu__ok_copy_then_assign(z):
    """Correct: copies z first, then zeroes the negatives of the copy."""
    out = np.array(z, dtype=float, copy=True)
    out[out < 0] = 0.0
    return out


# ----------------------------------------------------------------------- leaky_relu


def leaky_relu__ignores_alpha(z, alpha=0.01):
    """Hard-codes the slope 0.01 and ignores the alpha argument."""
    return np.where(z > 0, z, 0.01 * z)


def leaky_relu__plain_relu(z, alpha=0.01):
    """max(0, z): plain ReLU, no leak at all."""
    return np.maximum(0, z)


def leaky_relu__alpha_constant(z, alpha=0.01):
    """Returns the constant alpha for negatives instead of alpha * z."""
    return np.where(z > 0, z, alpha)


def leaky_relu__alpha_everywhere(z, alpha=0.01):
    """Multiplies the positive branch by alpha too."""
    return np.where(z > 0, alpha * z, z)


def leaky_relu__in_place(z, alpha=0.01):
    """Scales the negative entries of z in place."""
    z[z < 0] *= alpha
    return z


def leaky_relu__delegates(z, alpha=0.01):
    """Calls dlkit's reference instead of np.where."""
    return dlkit.activations.leaky_relu(z, alpha)


def leaky_relu__ok_maximum(z, alpha=0.01):
    """Correct for 0 <= alpha < 1: max(alpha z, z)."""
    return np.maximum(alpha * z, z)


def leaky_relu__ok_masks(z, alpha=0.01):
    """Correct: sum of the two branches weighted by masks."""
    return z * (z > 0) + alpha * z * (z <= 0)


# ------------------------------------------------------------------------------ elu


def elu__ignores_alpha(z, alpha=1.0):
    """Uses alpha = 1 whatever the argument says."""
    return np.where(z > 0, z, np.exp(np.minimum(z, 0)) - 1.0)


def elu__missing_minus_one(z, alpha=1.0):
    """alpha * exp(z) for negatives: forgets the - 1 (jumps at 0, never negative)."""
    return np.where(z > 0, z, alpha * np.exp(np.minimum(z, 0)))


def elu__clamped_like_relu(z, alpha=1.0):
    """Clamps at 0 as if ELU's range were [0, inf) like ReLU's."""
    return np.maximum(0, np.where(z > 0, z, alpha * (np.exp(np.minimum(z, 0)) - 1.0)))


def elu__exp_branch_everywhere(z, alpha=1.0):
    """Applies alpha * (exp(z) - 1) to positive z as well."""
    return alpha * (np.exp(z) - 1.0)


def elu__delegates(z, alpha=1.0):
    """Calls dlkit's reference instead of writing the two branches."""
    return dlkit.activations.elu(z, alpha)


def elu__ok_expm1(z, alpha=1.0):
    """Correct: expm1 on the clipped negative part (also accurate near 0)."""
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0)))


def elu__ok_naive_where(z, alpha=1.0):
    """Correct on moderate z: np.where with exp of the raw z (warns only for huge z)."""
    return np.where(z > 0, z, alpha * (np.exp(z) - 1))


# -------------------------------------------------------------------------- softmax


def softmax__axis0(z):
    """Normalises along axis 0 (columns of a batch) instead of the last axis."""
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def softmax__whole_array(z):
    """Normalises by the sum over the whole array, so batch rows do not sum to 1."""
    e = np.exp(z - np.max(z))
    return e / e.sum()


def softmax__no_max_subtraction(z):
    """Skips the max subtraction: exp overflows for large scores."""
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def softmax__no_keepdims(z):
    """Reduces without keepdims, so row maxima and sums broadcast along the wrong axis."""
    e = np.exp(z - np.max(z, axis=-1))
    return e / e.sum(axis=-1)


def softmax__unnormalised(z):
    """Returns exp(z - max) and forgets to divide by the sum."""
    return np.exp(z - np.max(z, axis=-1, keepdims=True))


def softmax__divides_by_max(z):
    """Divides by the largest exponential instead of the sum."""
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / e.max(axis=-1, keepdims=True)


def softmax__delegates(z):
    """Calls dlkit's reference instead of writing softmax."""
    return dlkit.activations.softmax(z)


def softmax__global_max(z):
    """Subtracts the max of the whole batch: a row far below it underflows to 0/0 = NaN."""
    e = np.exp(z - np.max(z))
    return e / e.sum(axis=-1, keepdims=True)


def softmax__ok_logsumexp(z):
    """Correct: exp(z - logsumexp(z)) with the row max taken out of the log-sum-exp."""
    z = np.asarray(z, dtype=float)
    m = z.max(axis=-1, keepdims=True)
    lse = m + np.log(np.exp(z - m).sum(axis=-1, keepdims=True))
    return np.exp(z - lse)


def softmax__ok_expand_dims(z):
    """Correct: row max and row sum restored with np.expand_dims instead of keepdims."""
    e = np.exp(z - np.expand_dims(np.max(z, axis=-1), -1))
    return e / np.expand_dims(e.sum(axis=-1), -1)


# --------------------------------------------------------------------------- neuron


def neuron__activation_before_bias(X, w, b, activation):
    """Applies the activation to X @ w and adds the bias afterwards."""
    return activation(X @ w) + b


def neuron__ignores_bias(X, w, b, activation):
    """Forgets the bias."""
    return activation(X @ w)


def neuron__ignores_activation(X, w, b, activation):
    """Returns the pre-activation X @ w + b without applying the activation."""
    return X @ w + b


def neuron__column_vector(X, w, b, activation):
    """Returns shape (n_samples, 1) by multiplying with w as a column."""
    return activation(X @ w.reshape(-1, 1) + b)


def neuron__loops_over_samples(X, w, b, activation):
    """Python loop over the samples instead of one matrix product."""
    return np.array([activation(np.array([x @ w + b]))[0] for x in X])


def neuron__loops_after_asarray(X, w, b, activation):
    """Converts X with np.asarray (which slips past the row trap), then loops over the rows."""
    rows = np.asarray(X)
    scores = np.empty(len(rows))
    for i in range(len(rows)):
        scores[i] = rows[i] @ w + b
    return activation(scores)


def neuron__activation_per_sample(X, w, b, activation):
    """One product, but the activation is called once per sample."""
    z = X @ w + b
    return np.array([activation(np.array([v]))[0] for v in z])


def neuron__delegates(X, w, b, activation):
    """Calls dlkit's reference neuron."""
    return dlkit.perceptron.neuron(X, w, b, activation)


def neuron__ok_transposed(X, w, b, activation):
    """Correct: w @ X.T is the same vector of scores."""
    return activation(w @ X.T + b)


def neuron__ok_dot(X, w, b, activation):
    """Correct: np.dot instead of @."""
    return activation(np.dot(X, w) + b)


def neuron__ok_loop_over_features(X, w, b, activation):
    """Correct: builds the scores one feature at a time (a loop that does not grow with the samples)."""
    z = np.full(X.shape[0], float(b))
    for j in range(X.shape[1]):
        z = z + X[:, j] * w[j]
    return activation(z)


# ------------------------------------------------------------------- perceptron_train


def perceptron_train__strict_threshold(X, y, lr=1.0, epochs=20):
    """Predicts 1 only for scores > 0, so a score of exactly 0 predicts 0."""
    w, b, errors = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        n = 0
        for i in range(len(X)):
            y_hat = 1 if X[i] @ w + b > 0 else 0
            if y[i] != y_hat:
                w = w + lr * (y[i] - y_hat) * X[i]
                b += lr * (y[i] - y_hat)
                n += 1
        errors.append(n)
    return w, b, errors


def perceptron_train__no_bias_update(X, y, lr=1.0, epochs=20):
    """Updates w but leaves b at 0."""
    w, b, errors = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        n = 0
        for i in range(len(X)):
            y_hat = 1 if X[i] @ w + b >= 0 else 0
            if y[i] != y_hat:
                w = w + lr * (y[i] - y_hat) * X[i]
                n += 1
        errors.append(n)
    return w, b, errors


def perceptron_train__updates_when_correct(X, y, lr=1.0, epochs=20):
    """Moves w towards +-x on every sample (w += lr (2y - 1) x), not only on mistakes."""
    w, b, errors = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        n = 0
        for i in range(len(X)):
            y_hat = 1 if X[i] @ w + b >= 0 else 0
            n += int(y[i] != y_hat)
            w = w + lr * (2 * y[i] - 1) * X[i]
            b += lr * (2 * y[i] - 1)
        errors.append(n)
    return w, b, errors


def perceptron_train__sign_flipped(X, y, lr=1.0, epochs=20):
    """Uses y_hat - y instead of y - y_hat (moves away from the correct answer)."""
    w, b, errors = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        n = 0
        for i in range(len(X)):
            y_hat = 1 if X[i] @ w + b >= 0 else 0
            if y[i] != y_hat:
                w = w + lr * (y_hat - y[i]) * X[i]
                b += lr * (y_hat - y[i])
                n += 1
        errors.append(n)
    return w, b, errors


def perceptron_train__ignores_lr(X, y, lr=1.0, epochs=20):
    """Forgets the learning rate in the updates."""
    w, b, errors = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        n = 0
        for i in range(len(X)):
            y_hat = 1 if X[i] @ w + b >= 0 else 0
            if y[i] != y_hat:
                w = w + (y[i] - y_hat) * X[i]
                b += y[i] - y_hat
                n += 1
        errors.append(n)
    return w, b, errors


def perceptron_train__cumulative_errors(X, y, lr=1.0, epochs=20):
    """Appends the running total of mistakes instead of each epoch's count."""
    w, b, errors, n = np.zeros(X.shape[1]), 0.0, [], 0
    for _ in range(epochs):
        for i in range(len(X)):
            y_hat = 1 if X[i] @ w + b >= 0 else 0
            if y[i] != y_hat:
                w = w + lr * (y[i] - y_hat) * X[i]
                b += lr * (y[i] - y_hat)
                n += 1
        errors.append(n)
    return w, b, errors


def perceptron_train__one_epoch_too_few(X, y, lr=1.0, epochs=20):
    """Off-by-one: runs range(epochs - 1) passes."""
    w, b, errors = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs - 1):
        n = 0
        for i in range(len(X)):
            y_hat = 1 if X[i] @ w + b >= 0 else 0
            if y[i] != y_hat:
                w = w + lr * (y[i] - y_hat) * X[i]
                b += lr * (y[i] - y_hat)
                n += 1
        errors.append(n)
    return w, b, errors


def perceptron_train__init_ones(X, y, lr=1.0, epochs=20):
    """Starts from w = ones instead of zeros."""
    w, b, errors = np.ones(X.shape[1]), 0.0, []
    for _ in range(epochs):
        n = 0
        for i in range(len(X)):
            y_hat = 1 if X[i] @ w + b >= 0 else 0
            if y[i] != y_hat:
                w = w + lr * (y[i] - y_hat) * X[i]
                b += lr * (y[i] - y_hat)
                n += 1
        errors.append(n)
    return w, b, errors


def perceptron_train__counts_after_epoch(X, y, lr=1.0, epochs=20):
    """Counts the mistakes of the final weights after each pass, not the updates during it."""
    w, b, errors = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        for i in range(len(X)):
            y_hat = 1 if X[i] @ w + b >= 0 else 0
            w = w + lr * (y[i] - y_hat) * X[i]
            b += lr * (y[i] - y_hat)
        errors.append(int(np.sum(np.where(X @ w + b >= 0, 1, 0) != y)))
    return w, b, errors


def perceptron_train__shuffles(X, y, lr=1.0, epochs=20):
    """Visits the samples in a random order instead of the given one."""
    rng = np.random.default_rng(0)
    w, b, errors = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        n = 0
        for i in rng.permutation(len(X)):
            y_hat = 1 if X[i] @ w + b >= 0 else 0
            if y[i] != y_hat:
                w = w + lr * (y[i] - y_hat) * X[i]
                b += lr * (y[i] - y_hat)
                n += 1
        errors.append(n)
    return w, b, errors


def perceptron_train__batch_update(X, y, lr=1.0, epochs=20):
    """Predicts the whole epoch with the old weights and updates once per pass."""
    w, b, errors = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        y_hat = np.where(X @ w + b >= 0, 1, 0)
        diff = y - y_hat
        w = w + lr * diff @ X
        b += lr * diff.sum()
        errors.append(int(np.count_nonzero(diff)))
    return w, b, errors


def perceptron_train__delegates(X, y, lr=1.0, epochs=20):
    """Calls dlkit's reference perceptron."""
    return dlkit.perceptron.perceptron_train(X, y, lr=lr, epochs=epochs)


def perceptron_train__ok_augmented(X, y, lr=1.0, epochs=20):
    """Correct: folds the bias into an augmented weight vector acting on [x, 1]."""
    X1 = np.column_stack([np.asarray(X, dtype=float), np.ones(len(X))])
    theta = np.zeros(X1.shape[1])
    errors = []
    for _ in range(epochs):
        n = 0
        for x, target in zip(X1, y):
            y_hat = 1 if x @ theta >= 0 else 0
            theta += lr * (target - y_hat) * x
            n += int(target != y_hat)
        errors.append(n)
    return theta[:-1], theta[-1], errors


def perceptron_train__ok_numpy_counts(X, y, lr=1.0, epochs=20):
    """Correct: always applies the (possibly zero) update and counts with NumPy integers."""
    w, b = np.zeros(np.shape(X)[1]), 0.0
    errors = [np.int64(0)] * epochs
    for epoch in range(epochs):
        for i in range(len(y)):
            err = y[i] - int(np.dot(X[i], w) + b >= 0)
            w += lr * err * X[i]
            b += lr * err
            errors[epoch] += np.int64(err != 0)
    return w, b, errors
