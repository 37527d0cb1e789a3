"""Mutants for 03_losses: plausible wrong answers each test cell must catch.

Each function ``<exercise>__<mistake>`` stands for one student mistake; functions named
``<exercise>__ok_<variant>`` are different but correct answers that must pass.
Bodies are self-contained: they run in the notebook's namespace (np, dlkit).
"""

import numpy as np

import dlkit

# ------------------------------------------------------------------------------ mse


def mse__sum(y, y_hat):
    """Sums the squared residuals instead of averaging them."""
    return float(np.sum((y_hat - y) ** 2))


def mse__no_square(y, y_hat):
    """Averages the signed residuals: positive and negative errors cancel."""
    return float(np.mean(y_hat - y))


def mse__rmse(y, y_hat):
    """Takes the square root at the end (RMSE, a different function)."""
    return float(np.sqrt(np.mean((y_hat - y) ** 2)))


def mse__abs(y, y_hat):
    """Uses the absolute residual (that is MAE)."""
    return float(np.mean(np.abs(y_hat - y)))


def mse__axis0(y, y_hat):
    """Averages over axis 0 only: an array, not one number, for 2-D inputs."""
    return np.mean((y_hat - y) ** 2, axis=0)


def mse__delegates(y, y_hat):
    """Calls dlkit's reference instead of writing the formula."""
    return dlkit.losses.mse(y, y_hat)


def mse__ok_dot(y, y_hat):
    """Correct: the squared norm of the flattened residual divided by its size."""
    r = (np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)).ravel()
    return r @ r / r.size


def mse__ok_square(y, y_hat):
    """Correct: np.square and np.mean, returned as a NumPy scalar."""
    return np.mean(np.square(np.subtract(y, y_hat)))


# ------------------------------------------------------------------------------ mae


def mae__no_abs(y, y_hat):
    """Forgets the absolute value: signed residuals cancel."""
    return float(np.mean(y_hat - y))


def mae__sum(y, y_hat):
    """Sums instead of averaging."""
    return float(np.sum(np.abs(y_hat - y)))


def mae__squared(y, y_hat):
    """Squares the residuals (that is MSE)."""
    return float(np.mean((y_hat - y) ** 2))


def mae__median(y, y_hat):
    """Takes the median of the absolute residuals instead of the mean."""
    return float(np.median(np.abs(y_hat - y)))


def mae__abs_of_mean(y, y_hat):
    """Takes the absolute value of the mean residual instead of the mean of absolute values."""
    return float(np.abs(np.mean(y_hat - y)))


def mae__delegates(y, y_hat):
    """Calls dlkit's reference instead of writing the formula."""
    return dlkit.losses.mae(y, y_hat)


def mae__ok_norm(y, y_hat):
    """Correct: the L1 norm of the flattened residual divided by its size."""
    r = np.ravel(np.asarray(y, dtype=float) - np.asarray(y_hat, dtype=float))
    return float(np.linalg.norm(r, 1) / r.size)


# ---------------------------------------------------------------------------- huber


def huber__branches_swapped(y, y_hat, delta=1.0):
    """Uses the linear piece for small residuals and the quadratic one for large ones."""
    a = np.abs(y_hat - y)
    return float(np.mean(np.where(a <= delta, delta * (a - 0.5 * delta), 0.5 * a**2)))


def huber__missing_half(y, y_hat, delta=1.0):
    """Forgets the 0.5 in the quadratic piece."""
    a = np.abs(y_hat - y)
    return float(np.mean(np.where(a <= delta, a**2, delta * (a - 0.5 * delta))))


def huber__delta_ignored(y, y_hat, delta=1.0):
    """Hard-codes delta = 1 instead of using the argument."""
    a = np.abs(y_hat - y)
    return float(np.mean(np.where(a <= 1.0, 0.5 * a**2, a - 0.5)))


def huber__threshold_only(y, y_hat, delta=1.0):
    """Uses delta as the threshold but forgets it as the slope of the linear piece."""
    a = np.abs(y_hat - y)
    return float(np.mean(np.where(a <= delta, 0.5 * a**2, a - 0.5 * delta)))


def huber__no_offset(y, y_hat, delta=1.0):
    """Linear piece delta * |r| without the -0.5 delta offset (a jump at |r| = delta)."""
    a = np.abs(y_hat - y)
    return float(np.mean(np.where(a <= delta, 0.5 * a**2, delta * a)))


def huber__signed_residual(y, y_hat, delta=1.0):
    """Compares the signed residual with delta, so large negative residuals stay quadratic."""
    r = y_hat - y
    return float(np.mean(np.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta))))


def huber__sum(y, y_hat, delta=1.0):
    """Sums instead of averaging."""
    a = np.abs(y_hat - y)
    return float(np.sum(np.where(a <= delta, 0.5 * a**2, delta * (a - 0.5 * delta))))


def huber__delegates(y, y_hat, delta=1.0):
    """Calls dlkit's reference instead of writing the formula."""
    return dlkit.losses.huber(y, y_hat, delta=delta)


def huber__ok_clip(y, y_hat, delta=1.0):
    """Correct: the quadratic part of the clipped residual plus delta times the excess."""
    a = np.abs(np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float))
    q = np.minimum(a, delta)
    return float(np.mean(0.5 * q**2 + delta * (a - q)))


def huber__ok_mask(y, y_hat, delta=1.0):
    """Correct: fills the two branches with a boolean mask."""
    a = np.abs(np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float))
    out = delta * (a - 0.5 * delta)
    small = a <= delta
    out[small] = 0.5 * a[small] ** 2
    return out.mean()


# ------------------------------------------------------------- binary_cross_entropy


def binary_cross_entropy__no_clip(y, p, eps=1e-12):
    """No clipping: log(0) = -inf and 0 * log(0) = nan when p is exactly 0 or 1."""
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def binary_cross_entropy__no_minus(y, p, eps=1e-12):
    """Forgets the minus sign: the loss is negative."""
    p = np.clip(p, eps, 1 - eps)
    return float(np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def binary_cross_entropy__clip_in_place(y, p, eps=1e-12):
    """Clips p in place with out=p, changing the caller's array."""
    np.clip(p, eps, 1 - eps, out=p)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def binary_cross_entropy__log10(y, p, eps=1e-12):
    """Uses the base-10 logarithm."""
    p = np.clip(p, eps, 1 - eps)
    return float(-np.mean(y * np.log10(p) + (1 - y) * np.log10(1 - p)))


def binary_cross_entropy__missing_negative_term(y, p, eps=1e-12):
    """Keeps only the y log p term: class-0 samples cost nothing."""
    p = np.clip(p, eps, 1 - eps)
    return float(-np.mean(y * np.log(p)))


def binary_cross_entropy__sum(y, p, eps=1e-12):
    """Sums over the samples instead of averaging."""
    p = np.clip(p, eps, 1 - eps)
    return float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))


def binary_cross_entropy__fixed_eps(y, p, eps=1e-12):
    """Clips with a hard-coded 1e-12 instead of the eps argument."""
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def binary_cross_entropy__delegates(y, p, eps=1e-12):
    """Calls dlkit's reference instead of writing the formula."""
    return dlkit.losses.binary_cross_entropy(y, p, eps=eps)


def binary_cross_entropy__ok_log1p(y, p, eps=1e-12):
    """Correct: log1p(-p) for the class-0 term."""
    y = np.asarray(y, dtype=float)
    p = np.clip(np.asarray(p, dtype=float), eps, 1 - eps)
    return float(np.mean(-y * np.log(p) - (1 - y) * np.log1p(-p)))


def binary_cross_entropy__ok_where(y, p, eps=1e-12):
    """Correct for 0/1 targets: picks the probability of the true class, clipped on both ends separately."""
    p = np.asarray(p, dtype=float)
    p_true = np.where(np.asarray(y) == 1, p, 1.0 - p)
    return float(-np.mean(np.log(np.clip(p_true, eps, 1.0))))


# ---------------------------------------------------------------------------- one_hot


def one_hot__transposed(labels, n_classes):
    """Returns the (n_classes, n) transpose: one column per sample."""
    Y = np.zeros((n_classes, len(labels)))
    Y[labels, np.arange(len(labels))] = 1.0
    return Y


def one_hot__off_by_one(labels, n_classes):
    """Treats labels as 1-based (labels - 1): label 0 lands in the last column."""
    return np.eye(n_classes)[np.asarray(labels) - 1]


def one_hot__classes_from_labels(labels, n_classes):
    """Uses labels.max() + 1 columns instead of n_classes."""
    labels = np.asarray(labels)
    return np.eye(labels.max() + 1)[labels]


def one_hot__wrong_rows(labels, n_classes):
    """Sets Y[labels, labels] instead of Y[arange(n), labels]."""
    labels = np.asarray(labels)
    Y = np.zeros((len(labels), n_classes))
    Y[labels, labels] = 1.0
    return Y


def one_hot__delegates(labels, n_classes):
    """Calls dlkit's reference instead of writing the encoding."""
    return dlkit.losses.one_hot(labels, n_classes)


def one_hot__ok_eye(labels, n_classes):
    """Correct: rows of the identity matrix."""
    return np.eye(n_classes)[np.asarray(labels)]


def one_hot__ok_compare_int(labels, n_classes):
    """Correct: broadcast comparison with arange, as integers."""
    return (np.asarray(labels)[:, None] == np.arange(n_classes)).astype(int)


# ----------------------------------------------------------- categorical_cross_entropy


def categorical_cross_entropy__binary_term(Y, P, eps=1e-12):
    """Adds the (1 - Y) log(1 - P) term of binary cross-entropy (the common erratum)."""
    P = np.clip(P, eps, 1 - eps)
    return float(-np.sum(Y * np.log(P) + (1 - Y) * np.log(1 - P)) / P.shape[0])


def categorical_cross_entropy__mean_over_classes(Y, P, eps=1e-12):
    """np.mean over the whole matrix: divides by n * K instead of n."""
    P = np.clip(P, eps, 1.0)
    return float(-np.mean(Y * np.log(P)))


def categorical_cross_entropy__no_clip(Y, P, eps=1e-12):
    """No clipping: log(0) = -inf and 0 * log(0) = nan when P contains zeros."""
    return float(-np.sum(Y * np.log(P)) / P.shape[0])


def categorical_cross_entropy__sum_over_samples(Y, P, eps=1e-12):
    """Sums over the samples without dividing by n."""
    P = np.clip(P, eps, 1.0)
    return float(-np.sum(Y * np.log(P)))


def categorical_cross_entropy__clip_in_place(Y, P, eps=1e-12):
    """Clips P in place (P[P < eps] = eps), changing the caller's array."""
    P[P < eps] = eps
    return float(-np.sum(Y * np.log(P)) / P.shape[0])


def categorical_cross_entropy__no_minus(Y, P, eps=1e-12):
    """Forgets the minus sign."""
    P = np.clip(P, eps, 1.0)
    return float(np.sum(Y * np.log(P)) / P.shape[0])


def categorical_cross_entropy__delegates(Y, P, eps=1e-12):
    """Calls dlkit's reference instead of writing the formula."""
    return dlkit.losses.categorical_cross_entropy(Y, P, eps=eps)


def categorical_cross_entropy__ok_pick(Y, P, eps=1e-12):
    """Correct: picks each row's true-class probability with argmax, clips it to [eps, 1 - eps]."""
    P = np.asarray(P, dtype=float)
    true = np.asarray(Y).argmax(axis=1)
    return float(-np.mean(np.log(np.clip(P[np.arange(P.shape[0]), true], eps, 1 - eps))))


def categorical_cross_entropy__ok_maximum(Y, P, eps=1e-12):
    """Correct: np.maximum for the lower clip and a row sum before the mean."""
    P = np.maximum(np.asarray(P, dtype=float), eps)
    return float(np.mean(-(np.asarray(Y) * np.log(P)).sum(axis=1)))


# ----------------------------------------------------------- cross_entropy_from_logits


def cross_entropy_from_logits__naive_softmax(Y, Z):
    """exp(Z) without the max shift, then log: overflows to inf / nan at large logits."""
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    return float(-np.sum(Y * np.log(P)) / Z.shape[0])


def cross_entropy_from_logits__log_of_softmax(Y, Z):
    """Stable softmax, then log: log(0) = -inf for probabilities that underflow."""
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    P = E / E.sum(axis=1, keepdims=True)
    return float(-np.sum(Y * np.log(P)) / Z.shape[0])


def cross_entropy_from_logits__clipped_softmax(Y, Z):
    """Stable softmax, clipped, then log: finite but about 27.6 instead of the true huge loss."""
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    P = np.clip(E / E.sum(axis=1, keepdims=True), 1e-12, 1.0)
    return float(-np.sum(Y * np.log(P)) / Z.shape[0])


def cross_entropy_from_logits__no_max_shift(Y, Z):
    """log-sum-exp without subtracting the maximum: exp overflows for large logits."""
    log_P = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
    return float(-np.sum(Y * log_P) / Z.shape[0])


def cross_entropy_from_logits__global_max(Y, Z):
    """Subtracts the maximum of the whole batch instead of each row's: a low row underflows to log(0)."""
    shifted = Z - Z.max()
    log_P = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-np.sum(Y * log_P) / Z.shape[0])


def cross_entropy_from_logits__wrong_axis(Y, Z):
    """Normalises over axis 0 (the samples) instead of the classes."""
    shifted = Z - Z.max(axis=0, keepdims=True)
    log_P = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
    return float(-np.sum(Y * log_P) / Z.shape[0])


def cross_entropy_from_logits__shift_in_place(Y, Z):
    """Subtracts the row maximum in place (Z -= ...), changing the caller's array."""
    Z -= Z.max(axis=1, keepdims=True)
    log_P = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
    return float(-np.sum(Y * log_P) / Z.shape[0])


def cross_entropy_from_logits__mean_over_classes(Y, Z):
    """np.mean over the whole matrix: divides by n * K instead of n."""
    shifted = Z - Z.max(axis=1, keepdims=True)
    log_P = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-np.mean(Y * log_P))


def cross_entropy_from_logits__forgets_max_back(Y, Z):
    """Uses the shifted logits for the true class but adds the max back in the log-sum-exp."""
    m = Z.max(axis=1, keepdims=True)
    shifted = Z - m
    log_P = shifted - (m + np.log(np.exp(shifted).sum(axis=1, keepdims=True)))
    return float(-np.sum(Y * log_P) / Z.shape[0])


def cross_entropy_from_logits__delegates(Y, Z):
    """Calls dlkit's reference instead of writing log-sum-exp."""
    return dlkit.losses.cross_entropy_from_logits(Y, Z)


def cross_entropy_from_logits__delegates_softmax(Y, Z):
    """Calls dlkit's softmax and categorical cross-entropy (unstable at large logits, and not the exercise)."""
    return dlkit.losses.categorical_cross_entropy(Y, dlkit.activations.softmax(Z))


def cross_entropy_from_logits__ok_logaddexp(Y, Z):
    """Correct: np.logaddexp.reduce along the classes, minus the true-class logit."""
    Z = np.asarray(Z, dtype=float)
    lse = np.logaddexp.reduce(Z, axis=1)
    return float(np.mean(lse - (np.asarray(Y) * Z).sum(axis=1)))


def cross_entropy_from_logits__ok_pick(Y, Z):
    """Correct: max plus log-sum-exp of the shifted row, minus the true-class logit picked by argmax."""
    Z = np.asarray(Z, dtype=float)
    m = Z.max(axis=1)
    lse = m + np.log(np.exp(Z - m[:, None]).sum(axis=1))
    true = np.asarray(Y).argmax(axis=1)
    return (lse - Z[np.arange(Z.shape[0]), true]).mean()


# ------------------------------------------------------------------------------ hinge


def hinge__no_max(y, scores):
    """Forgets max(0, .): samples beyond the margin get a negative loss."""
    return float(np.mean(1 - y * scores))


def hinge__zero_one_labels(y, scores):
    """Converts the labels as if they were 0/1 (2y - 1), which breaks -1 labels."""
    return float(np.mean(np.maximum(0, 1 - (2 * y - 1) * scores)))


def hinge__no_margin(y, scores):
    """Uses max(0, -y s) (margin 0, the perceptron loss)."""
    return float(np.mean(np.maximum(0, -y * scores)))


def hinge__mean_over_violations(y, scores):
    """Averages only over the samples that violate the margin."""
    loss = np.maximum(0, 1 - y * scores)
    return float(loss[loss > 0].mean()) if (loss > 0).any() else 0.0


def hinge__squared(y, scores):
    """Squares the hinge (the squared hinge loss, a different function)."""
    return float(np.mean(np.maximum(0, 1 - y * scores) ** 2))


def hinge__sum(y, scores):
    """Sums instead of averaging."""
    return float(np.sum(np.maximum(0, 1 - y * scores)))


def hinge__delegates(y, scores):
    """Calls dlkit's reference instead of writing the formula."""
    return dlkit.losses.hinge(y, scores)


def hinge__ok_clip(y, scores):
    """Correct: np.clip with no upper bound."""
    return np.clip(1.0 - np.asarray(y) * np.asarray(scores), 0.0, None).mean()


def hinge__ok_where(y, scores):
    """Correct: np.where on the margin."""
    m = 1.0 - np.asarray(y, dtype=float) * np.asarray(scores, dtype=float)
    return float(np.mean(np.where(m > 0, m, 0.0)))


# ---------------------------------------------------------------------- output_and_loss


def output_and_loss__softmax_multilabel(task):
    """Uses softmax + categorical cross-entropy for multi-label (labels would compete)."""
    return {
        "regression": ("identity", "mse"),
        "binary": ("sigmoid", "binary_cross_entropy"),
        "multiclass": ("softmax", "categorical_cross_entropy"),
        "multilabel": ("softmax", "categorical_cross_entropy"),
    }[task]


def output_and_loss__sigmoid_multiclass(task):
    """Uses sigmoid + binary cross-entropy for multi-class."""
    return {
        "regression": ("identity", "mse"),
        "binary": ("sigmoid", "binary_cross_entropy"),
        "multiclass": ("sigmoid", "binary_cross_entropy"),
        "multilabel": ("sigmoid", "binary_cross_entropy"),
    }[task]


def output_and_loss__mse_binary(task):
    """Pairs the sigmoid with MSE for binary classification."""
    return {
        "regression": ("identity", "mse"),
        "binary": ("sigmoid", "mse"),
        "multiclass": ("softmax", "categorical_cross_entropy"),
        "multilabel": ("sigmoid", "binary_cross_entropy"),
    }[task]


def output_and_loss__sigmoid_regression(task):
    """Uses a sigmoid output for regression (outputs squeezed into (0, 1))."""
    return {
        "regression": ("sigmoid", "mse"),
        "binary": ("sigmoid", "binary_cross_entropy"),
        "multiclass": ("softmax", "categorical_cross_entropy"),
        "multilabel": ("sigmoid", "binary_cross_entropy"),
    }[task]


def output_and_loss__swapped_order(task):
    """Returns (loss, activation) instead of (activation, loss)."""
    return {
        "regression": ("mse", "identity"),
        "binary": ("binary_cross_entropy", "sigmoid"),
        "multiclass": ("categorical_cross_entropy", "softmax"),
        "multilabel": ("binary_cross_entropy", "sigmoid"),
    }[task]


def output_and_loss__returns_none(task):
    """Builds the pair but forgets to return it."""
    _pair = ("sigmoid", "binary_cross_entropy") if task in ("binary", "multilabel") else None


def output_and_loss__ok_if_chain(task):
    """Correct: an if/elif chain returning tuples."""
    if task == "regression":
        return ("identity", "mse")
    if task in ("binary", "multilabel"):
        return ("sigmoid", "binary_cross_entropy")
    if task == "multiclass":
        return ("softmax", "categorical_cross_entropy")
    raise ValueError(task)


def output_and_loss__ok_list(task):
    """Correct: returns a two-element list."""
    activation = {"regression": "identity", "multiclass": "softmax"}.get(task, "sigmoid")
    loss = {"regression": "mse", "multiclass": "categorical_cross_entropy"}.get(
        task, "binary_cross_entropy"
    )
    return [activation, loss]
