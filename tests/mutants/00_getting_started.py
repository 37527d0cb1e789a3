"""Plausible wrong answers (and correct alternatives) for 00_getting_started.

Each function is pasted into the notebook in place of the exercise it is named after
(``<exercise>__<what_is_wrong>``); tests/nbharness.py checks that a test cell of that
exercise catches every mutant and that every ``__ok_`` variant passes.
"""

import numpy as np

import dlkit

# ----------------------------------------------------------------------------- standardize


def standardize__global_stats(X):
    """Uses one mean and one std for the whole array (axis=None) instead of one per column."""
    X = np.asarray(X, dtype=float)
    std = X.std()
    return (X - X.mean()) / (std if std > 0 else 1.0)


def standardize__axis_1(X):
    """Standardises each row (axis=1) instead of each column."""
    X = np.asarray(X, dtype=float)
    std = X.std(axis=1, keepdims=True)
    return (X - X.mean(axis=1, keepdims=True)) / np.where(std > 0, std, 1.0)


def standardize__sample_std(X):
    """Divides by the sample standard deviation (ddof=1) instead of the population one."""
    X = np.asarray(X, dtype=float)
    std = X.std(axis=0, ddof=1) if X.shape[0] > 1 else np.zeros(X.shape[1])
    return (X - X.mean(axis=0)) / np.where(std > 0, std, 1.0)


def standardize__no_constant_guard(X):
    """Divides by the std without handling constant columns (0/0 gives NaN and a warning)."""
    X = np.asarray(X, dtype=float)
    return (X - X.mean(axis=0)) / X.std(axis=0)


def standardize__nan_to_num_afterwards(X):
    """Divides by a zero std and patches the NaNs afterwards (NumPy still warns)."""
    X = np.asarray(X, dtype=float)
    return np.nan_to_num((X - X.mean(axis=0)) / X.std(axis=0))


def standardize__divides_by_variance(X):
    """Divides by the variance instead of the standard deviation."""
    X = np.asarray(X, dtype=float)
    var = X.var(axis=0)
    return (X - X.mean(axis=0)) / np.where(var > 0, var, 1.0)


def standardize__mean_only(X):
    """Only subtracts the column means; forgets to divide by the std."""
    X = np.asarray(X, dtype=float)
    return X - X.mean(axis=0)


def standardize__std_only(X):
    """Only divides by the column std; forgets to centre the columns."""
    X = np.asarray(X, dtype=float)
    std = X.std(axis=0)
    return X / np.where(std > 0, std, 1.0)


def standardize__min_max(X):
    """Min-max scaling to [0, 1] instead of standardisation."""
    X = np.asarray(X, dtype=float)
    span = X.max(axis=0) - X.min(axis=0)
    return (X - X.min(axis=0)) / np.where(span > 0, span, 1.0)


def standardize__in_place(X):
    """Modifies the caller's array in place with X -= mean and X /= std."""
    mean = X.mean(axis=0)
    std = X.std(axis=0)
    X -= mean
    X /= np.where(std > 0, std, 1.0)
    return X


def standardize__returns_none(X):
    """Computes the result but forgets the return statement."""
    X = np.asarray(X, dtype=float)
    std = X.std(axis=0)
    Z = (X - X.mean(axis=0)) / np.where(std > 0, std, 1.0)


def standardize__delegates(X):
    """Calls dlkit's reference implementation instead of writing the computation."""
    return dlkit.data.standardize(X)


def standardize__std_plus_mask(X):
    """Adds 1 to the std exactly where it is 0: a column of 0.1s has a computed std of about
    1.4e-17, not 0, so it is divided by that and comes out as +-1 instead of 0."""
    X = np.asarray(X, dtype=float)
    std = X.std(axis=0)
    return (X - X.mean(axis=0)) / (std + (std == 0))


def standardize__std_equals_zero(X):
    """Finds constant columns with std == 0, which misses a column of 0.1s (std 1.4e-17)."""
    X = np.asarray(X, dtype=float)
    std = X.std(axis=0)
    return (X - X.mean(axis=0)) / np.where(std == 0, 1.0, std)


def standardize__std_positive(X):
    """Divides where std > 0, as the usual recipe says: the same miss as std == 0."""
    X = np.asarray(X, dtype=float)
    std = X.std(axis=0)
    return (X - X.mean(axis=0)) / np.where(std > 0, std, 1.0)


def standardize__ok_ptp(X):
    """Correct: a column is constant when its range max - min is exactly 0."""
    X = np.asarray(X, dtype=float)
    constant = np.ptp(X, axis=0) == 0
    return (X - X.mean(axis=0)) / np.where(constant, 1.0, X.std(axis=0))


def standardize__ok_all_equal_to_first_row(X):
    """Correct: a column is constant when every entry equals the one in the first row."""
    X = np.asarray(X, dtype=float)
    constant = np.all(X == X[:1], axis=0)
    return (X - X.mean(axis=0)) / np.where(constant, 1.0, X.std(axis=0))


def standardize__ok_relative_tolerance(X):
    """Correct: a std below 1e-12 of the column's largest magnitude counts as zero."""
    X = np.asarray(X, dtype=float)
    std = X.std(axis=0)
    tiny = std <= 1e-12 * np.abs(X).max(axis=0)
    return (X - X.mean(axis=0)) / np.where(tiny, 1.0, std)


def standardize__ok_divide_where(X):
    """Correct: np.divide with where= (non-constant columns) and a zero-filled output array."""
    X = np.asarray(X, dtype=float)
    centred = X - X.mean(axis=0, keepdims=True)
    std = np.sqrt((centred**2).mean(axis=0, keepdims=True))
    spread = np.broadcast_to(np.ptp(X, axis=0, keepdims=True) > 0, X.shape)
    return np.divide(centred, np.broadcast_to(std, X.shape), out=np.zeros(X.shape), where=spread)


# ----------------------------------------------------------------------------- accuracy


def accuracy__count(y_true, y_pred):
    """Returns the number of correct predictions instead of the fraction."""
    return float(np.sum(np.asarray(y_true) == np.asarray(y_pred)))


def accuracy__error_rate(y_true, y_pred):
    """Returns the error rate 1 - accuracy."""
    return float(np.mean(np.asarray(y_true) != np.asarray(y_pred)))


def accuracy__percentage(y_true, y_pred):
    """Returns a percentage (x100) instead of a fraction."""
    return float(100 * np.mean(np.asarray(y_true) == np.asarray(y_pred)))


def accuracy__integer_division(y_true, y_pred):
    """Divides the count of hits by n with // (integer division)."""
    y_true = np.asarray(y_true)
    return np.sum(y_true == np.asarray(y_pred)) // len(y_true)


def accuracy__first_element_only(y_true, y_pred):
    """Compares only the first pair of labels."""
    return float(y_true[0] == y_pred[0])


def accuracy__lists_not_converted(y_true, y_pred):
    """Uses == on the raw inputs, which compares two lists as a whole."""
    return float(np.mean(y_true == y_pred))


def accuracy__returns_0d_array(y_true, y_pred):
    """Returns a 0-d NumPy array (keepdims-style) instead of a Python float."""
    return np.asarray(np.mean(np.asarray(y_true) == np.asarray(y_pred), keepdims=True)).reshape(())


def accuracy__delegates(y_true, y_pred):
    """Calls dlkit's reference implementation instead of writing the computation."""
    return dlkit.metrics.accuracy(y_true, y_pred)


def accuracy__ok_count_nonzero(y_true, y_pred):
    """Correct: counts the hits with np.count_nonzero and divides by the size."""
    y_true = np.asarray(y_true)
    return np.count_nonzero(y_true == np.asarray(y_pred)) / y_true.size


def accuracy__ok_python_loop(y_true, y_pred):
    """Correct: a plain Python loop over pairs (fine for a metric on labels)."""
    hits = sum(1 for t, p in zip(y_true, y_pred) if t == p)
    return hits / len(y_true)


# ----------------------------------------------------------------------------- linear_predict


def linear_predict__missing_bias(X, w, b):
    """Forgets to add the bias."""
    return X @ w


def linear_predict__minus_bias(X, w, b):
    """Subtracts the bias instead of adding it."""
    return X @ w - b


def linear_predict__bias_on_features(X, w, b):
    """Adds the bias to every feature before the product: (X + b) @ w."""
    return (X + b) @ w


def linear_predict__sum_everything(X, w, b):
    """Sums X * w over every axis, returning a single number."""
    return np.sum(X * w) + b


def linear_predict__transposed(X, w, b):
    """Multiplies X.T by w (only runs when X is square, and then gives wrong values)."""
    return X.T @ w + b


def linear_predict__column_output(X, w, b):
    """Treats w as a column, returning shape (n_samples, 1)."""
    return X @ w.reshape(-1, 1) + b


def linear_predict__loop_over_rows(X, w, b):
    """Python loop over the samples instead of one matrix product."""
    return np.array([x @ w + b for x in X])


def linear_predict__loop_with_index(X, w, b):
    """Python loop over row indices with X[i]."""
    z = np.zeros(X.shape[0])
    for i in range(X.shape[0]):
        z[i] = np.dot(X[i], w) + b
    return z


def linear_predict__delegates(X, w, b):
    """Calls dlkit's reference implementation instead of writing the computation."""
    return dlkit.perceptron.linear_predict(X, w, b)


def linear_predict__ok_w_times_XT(X, w, b):
    """Correct: w @ X.T, the same product written the other way round."""
    return w @ X.T + b


def linear_predict__ok_elementwise_sum(X, w, b):
    """Correct: broadcast X * w and sum over the features."""
    return (X * w).sum(axis=1) + b


def linear_predict__ok_einsum(X, w, b):
    """Correct: np.einsum over the feature axis."""
    return np.einsum("ij,j->i", X, w) + b


def linear_predict__loop_after_asarray(X, w, b):
    """Converts X with np.asarray first (dropping the run-time guard), then loops over rows."""
    X = np.asarray(X, dtype=float)
    return np.array([float(x @ w + b) for x in X])


def linear_predict__loop_with_map(X, w, b):
    """map over the rows of np.asarray(X): a loop over the samples without a for statement."""
    return np.array(list(map(lambda row: row @ w, np.asarray(X)))) + b


def linear_predict__apply_along_axis(X, w, b):
    """np.apply_along_axis, which calls a Python function once per row."""
    return np.apply_along_axis(lambda row: row @ w, 1, np.asarray(X)) + b


def linear_predict__ok_loop_over_features(X, w, b):
    """Correct: a loop over the features (its length does not grow with the samples)."""
    z = np.full(X.shape[0], float(b))
    for j in range(X.shape[1]):
        z = z + X[:, j] * w[j]
    return z
