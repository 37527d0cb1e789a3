"""Mutants for 04_backpropagation: plausible wrong answers each test cell must catch.

Each function ``<exercise>__<mistake>`` stands for one student mistake; functions named
``<exercise>__ok_<variant>`` are different but correct answers that must pass.
Bodies are self-contained: they run in the notebook's namespace (np, dlkit, and the
student's other functions such as dense_backward, relu_grad and mlp_backward).
"""

import numpy as np

import dlkit

# ------------------------------------------------------------------------------ sigmoid_grad


def sigmoid_grad__z_as_activation(z):
    """Uses a(1 - a) with z in place of the activation: z * (1 - z)."""
    z = np.asarray(z, dtype=float)
    return z * (1.0 - z)


def sigmoid_grad__no_derivative(z):
    """Returns the sigmoid itself instead of its derivative."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_grad__one_plus(z):
    """Writes sigma * (1 + sigma) (sign slip)."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    s = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return s * (1.0 + s)


def sigmoid_grad__unstable(z):
    """Computes the sigmoid as 1 / (1 + exp(-z)): overflows for z = -1e4."""
    s = 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))
    return s * (1.0 - s)


def sigmoid_grad__delegates(z):
    """Calls dlkit's reference derivative."""
    return dlkit.activations.sigmoid_grad(z)


def sigmoid_grad__ok_symmetric(z):
    """Correct: exp(-|z|) / (1 + exp(-|z|))**2, which is even in z and never overflows."""
    e = np.exp(-np.abs(np.asarray(z, dtype=float)))
    return e / (1.0 + e) ** 2


def sigmoid_grad__ok_dlkit_sigmoid(z):
    """Correct: uses dlkit's (stable) sigmoid, which the task allows."""
    s = dlkit.activations.sigmoid(z)
    return s * (1.0 - s)


# ------------------------------------------------------------------------------ relu_grad


def relu_grad__geq(z):
    """Tests z >= 0, so relu_grad(0) = 1 instead of the course's 0."""
    return (np.asarray(z) >= 0).astype(float)


def relu_grad__returns_relu(z):
    """Returns max(0, z) (the activation) instead of its slope."""
    return np.maximum(np.asarray(z, dtype=float), 0.0)


def relu_grad__flipped(z):
    """Marks the negative side: z < 0."""
    return (np.asarray(z) < 0).astype(float)


def relu_grad__sign(z):
    """Uses np.sign(z): -1 on the negative side instead of 0."""
    return np.sign(np.asarray(z, dtype=float))


def relu_grad__delegates(z):
    """Calls dlkit's reference derivative."""
    return dlkit.activations.relu_grad(z)


def relu_grad__ok_heaviside(z):
    """Correct: the Heaviside step with value 0 at 0."""
    return np.heaviside(np.asarray(z, dtype=float), 0.0)


# ------------------------------------------------------------------------------ tanh_grad


def tanh_grad__no_square(z):
    """Forgets the square: 1 - tanh(z)."""
    return 1.0 - np.tanh(np.asarray(z, dtype=float))


def tanh_grad__z_squared(z):
    """Uses z instead of tanh(z): 1 - z**2."""
    z = np.asarray(z, dtype=float)
    return 1.0 - z**2


def tanh_grad__sign(z):
    """Sign slip: tanh(z)**2 - 1."""
    return np.tanh(np.asarray(z, dtype=float)) ** 2 - 1.0


def tanh_grad__delegates(z):
    """Calls dlkit's reference derivative."""
    return dlkit.activations.tanh_grad(z)


def tanh_grad__ok_factored(z):
    """Correct: (1 - t)(1 + t) with t = tanh(z)."""
    t = np.tanh(np.asarray(z, dtype=float))
    return (1.0 - t) * (1.0 + t)


def tanh_grad__ok_sech(z):
    """Correct: 1 / cosh(z)**2."""
    return 1.0 / np.cosh(np.asarray(z, dtype=float)) ** 2


# ------------------------------------------------------------------------------ worked_example_step


def worked_example_step__ascent(x, T, w1, b1, w2, b2, eta):
    """Flips the sign of the update: w + eta * dE/dw."""
    z1 = w1 * x + b1
    a1 = 1.0 / (1.0 + np.exp(-z1))
    z2 = w2 * a1 + b2
    a2 = 1.0 / (1.0 + np.exp(-z2))
    d2 = (a2 - T) * a2 * (1 - a2)
    d1 = d2 * w2 * a1 * (1 - a1)
    return {
        "z1": z1,
        "a1": a1,
        "z2": z2,
        "a2": a2,
        "E": 0.5 * (T - a2) ** 2,
        "dE_dw2": d2 * a1,
        "dE_db2": d2,
        "dE_dw1": d1 * x,
        "dE_db1": d1,
        "w1": w1 + eta * d1 * x,
        "b1": b1 + eta * d1,
        "w2": w2 + eta * d2 * a1,
        "b2": b2 + eta * d2,
    }


def worked_example_step__no_sigmoid_grad_layer1(x, T, w1, b1, w2, b2, eta):
    """Leaves out a1 (1 - a1) when passing the error back into layer 1."""
    z1 = w1 * x + b1
    a1 = 1.0 / (1.0 + np.exp(-z1))
    z2 = w2 * a1 + b2
    a2 = 1.0 / (1.0 + np.exp(-z2))
    d2 = (a2 - T) * a2 * (1 - a2)
    d1 = d2 * w2
    return {
        "z1": z1,
        "a1": a1,
        "z2": z2,
        "a2": a2,
        "E": 0.5 * (T - a2) ** 2,
        "dE_dw2": d2 * a1,
        "dE_db2": d2,
        "dE_dw1": d1 * x,
        "dE_db1": d1,
        "w1": w1 - eta * d1 * x,
        "b1": b1 - eta * d1,
        "w2": w2 - eta * d2 * a1,
        "b2": b2 - eta * d2,
    }


def worked_example_step__no_half(x, T, w1, b1, w2, b2, eta):
    """Uses E = (T - a2)**2 without the 1/2: the loss and every gradient are twice too large."""
    z1 = w1 * x + b1
    a1 = 1.0 / (1.0 + np.exp(-z1))
    z2 = w2 * a1 + b2
    a2 = 1.0 / (1.0 + np.exp(-z2))
    d2 = 2 * (a2 - T) * a2 * (1 - a2)
    d1 = d2 * w2 * a1 * (1 - a1)
    return {
        "z1": z1,
        "a1": a1,
        "z2": z2,
        "a2": a2,
        "E": (T - a2) ** 2,
        "dE_dw2": d2 * a1,
        "dE_db2": d2,
        "dE_dw1": d1 * x,
        "dE_db1": d1,
        "w1": w1 - eta * d1 * x,
        "b1": b1 - eta * d1,
        "w2": w2 - eta * d2 * a1,
        "b2": b2 - eta * d2,
    }


def worked_example_step__updated_w2_in_backprop(x, T, w1, b1, w2, b2, eta):
    """Updates w2 first and then uses the NEW w2 to pass the error back into layer 1."""
    z1 = w1 * x + b1
    a1 = 1.0 / (1.0 + np.exp(-z1))
    z2 = w2 * a1 + b2
    a2 = 1.0 / (1.0 + np.exp(-z2))
    d2 = (a2 - T) * a2 * (1 - a2)
    w2_new = w2 - eta * d2 * a1
    d1 = d2 * w2_new * a1 * (1 - a1)
    return {
        "z1": z1,
        "a1": a1,
        "z2": z2,
        "a2": a2,
        "E": 0.5 * (T - a2) ** 2,
        "dE_dw2": d2 * a1,
        "dE_db2": d2,
        "dE_dw1": d1 * x,
        "dE_db1": d1,
        "w1": w1 - eta * d1 * x,
        "b1": b1 - eta * d1,
        "w2": w2_new,
        "b2": b2 - eta * d2,
    }


def worked_example_step__error_sign(x, T, w1, b1, w2, b2, eta):
    """Takes dE/da2 = T - a2 (wrong sign), so every gradient points uphill."""
    z1 = w1 * x + b1
    a1 = 1.0 / (1.0 + np.exp(-z1))
    z2 = w2 * a1 + b2
    a2 = 1.0 / (1.0 + np.exp(-z2))
    d2 = (T - a2) * a2 * (1 - a2)
    d1 = d2 * w2 * a1 * (1 - a1)
    return {
        "z1": z1,
        "a1": a1,
        "z2": z2,
        "a2": a2,
        "E": 0.5 * (T - a2) ** 2,
        "dE_dw2": d2 * a1,
        "dE_db2": d2,
        "dE_dw1": d1 * x,
        "dE_db1": d1,
        "w1": w1 - eta * d1 * x,
        "b1": b1 - eta * d1,
        "w2": w2 - eta * d2 * a1,
        "b2": b2 - eta * d2,
    }


def worked_example_step__sigmoid_grad_of_z(x, T, w1, b1, w2, b2, eta):
    """Evaluates the sigmoid derivative as z (1 - z) instead of a (1 - a)."""
    z1 = w1 * x + b1
    a1 = 1.0 / (1.0 + np.exp(-z1))
    z2 = w2 * a1 + b2
    a2 = 1.0 / (1.0 + np.exp(-z2))
    d2 = (a2 - T) * z2 * (1 - z2)
    d1 = d2 * w2 * z1 * (1 - z1)
    return {
        "z1": z1,
        "a1": a1,
        "z2": z2,
        "a2": a2,
        "E": 0.5 * (T - a2) ** 2,
        "dE_dw2": d2 * a1,
        "dE_db2": d2,
        "dE_dw1": d1 * x,
        "dE_db1": d1,
        "w1": w1 - eta * d1 * x,
        "b1": b1 - eta * d1,
        "w2": w2 - eta * d2 * a1,
        "b2": b2 - eta * d2,
    }


def worked_example_step__dw2_times_x(x, T, w1, b1, w2, b2, eta):
    """Multiplies the output delta by the network input x instead of the hidden activation a1."""
    z1 = w1 * x + b1
    a1 = 1.0 / (1.0 + np.exp(-z1))
    z2 = w2 * a1 + b2
    a2 = 1.0 / (1.0 + np.exp(-z2))
    d2 = (a2 - T) * a2 * (1 - a2)
    d1 = d2 * w2 * a1 * (1 - a1)
    return {
        "z1": z1,
        "a1": a1,
        "z2": z2,
        "a2": a2,
        "E": 0.5 * (T - a2) ** 2,
        "dE_dw2": d2 * x,
        "dE_db2": d2,
        "dE_dw1": d1 * x,
        "dE_db1": d1,
        "w1": w1 - eta * d1 * x,
        "b1": b1 - eta * d1,
        "w2": w2 - eta * d2 * x,
        "b2": b2 - eta * d2,
    }


def worked_example_step__ok_local_gradients(x, T, w1, b1, w2, b2, eta):
    """Correct: chains named local derivatives and uses the tanh form of the sigmoid."""

    def sig(v):
        return 0.5 * (1.0 + np.tanh(0.5 * v))

    z1 = w1 * x + b1
    a1 = sig(z1)
    z2 = w2 * a1 + b2
    a2 = sig(z2)
    dE_da2 = a2 - T
    da2_dz2 = sigmoid_grad(z2)  # noqa: F821 (the student's Exercise 1, in the notebook)
    dE_dz2 = dE_da2 * da2_dz2
    dE_da1 = dE_dz2 * w2
    dE_dz1 = dE_da1 * sigmoid_grad(z1)  # noqa: F821
    result = {
        "z1": z1,
        "a1": a1,
        "z2": z2,
        "a2": a2,
        "E": 0.5 * (T - a2) ** 2,
        "dE_dw2": dE_dz2 * a1,
        "dE_db2": dE_dz2,
        "dE_dw1": dE_dz1 * x,
        "dE_db1": dE_dz1,
    }
    for name in ("w1", "b1", "w2", "b2"):
        result[name] = {"w1": w1, "b1": b1, "w2": w2, "b2": b2}[name] - eta * result["dE_d" + name]
    return {k: float(v) for k, v in result.items()}


# ------------------------------------------------------------------------------ dense_backward


def dense_backward__db_mean(dZ, X, W):
    """Averages dZ over the samples for db (divides by n a second time)."""
    return dZ @ W.T, X.T @ dZ, dZ.mean(axis=0)


def dense_backward__dX_no_transpose(dZ, X, W):
    """Writes dX = dZ @ W without the transpose."""
    return dZ @ W, X.T @ dZ, dZ.sum(axis=0)


def dense_backward__dW_transposed(dZ, X, W):
    """Writes dW = dZ.T @ X: the transpose of the right gradient."""
    return dZ @ W.T, dZ.T @ X, dZ.sum(axis=0)


def dense_backward__db_wrong_axis(dZ, X, W):
    """Sums dZ over the units (axis=1) instead of the samples."""
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=1)


def dense_backward__wrong_order(dZ, X, W):
    """Returns (dW, dX, db) instead of (dX, dW, db)."""
    return X.T @ dZ, dZ @ W.T, dZ.sum(axis=0)


def dense_backward__delegates(dZ, X, W):
    """Calls dlkit's reference backward pass."""
    return dlkit.layers.dense_backward(dZ, X, W)


def dense_backward__ok_einsum(dZ, X, W):
    """Correct: the index formulas written with np.einsum."""
    return np.einsum("ik,jk->ij", dZ, W), np.einsum("ij,ik->jk", X, dZ), np.einsum("ik->k", dZ)


def dense_backward__ok_ones(dZ, X, W):
    """Correct: db as a product with a vector of ones, dW as (dZ.T @ X).T."""
    return (W @ dZ.T).T, (dZ.T @ X).T, np.ones(dZ.shape[0]) @ dZ


# ------------------------------------------------------------------------------ mlp_backward


def mlp_backward__no_relu_grad(Y, cache, params):
    """Forgets the hidden layers' ReLU derivative between layers."""
    A = cache["A"]
    dZ = (A[-1] - Y) / Y.shape[0]
    grads = []
    for layer in range(len(params) - 1, -1, -1):
        W = params[layer][0]
        grads.append((A[layer].T @ dZ, dZ.sum(axis=0)))
        dZ = dZ @ W.T
    return grads[::-1]


def mlp_backward__no_one_over_n(Y, cache, params):
    """Starts from A_L - Y without dividing by the number of samples."""
    A, Z = cache["A"], cache["Z"]
    dZ = A[-1] - Y
    grads = []
    for layer in range(len(params) - 1, -1, -1):
        W = params[layer][0]
        grads.append((A[layer].T @ dZ, dZ.sum(axis=0)))
        if layer > 0:
            dZ = (dZ @ W.T) * (Z[layer - 1] > 0)
    return grads[::-1]


def mlp_backward__reversed_order(Y, cache, params):
    """Returns the gradients last layer first (forgets to reverse the list)."""
    A, Z = cache["A"], cache["Z"]
    dZ = (A[-1] - Y) / Y.shape[0]
    grads = []
    for layer in range(len(params) - 1, -1, -1):
        W = params[layer][0]
        grads.append((A[layer].T @ dZ, dZ.sum(axis=0)))
        if layer > 0:
            dZ = (dZ @ W.T) * (Z[layer - 1] > 0)
    return grads


def mlp_backward__Z_for_dW(Y, cache, params):
    """Uses the previous layer's pre-activation Z instead of its activation A in dW."""
    A, Z = cache["A"], cache["Z"]
    dZ = (A[-1] - Y) / Y.shape[0]
    grads = []
    for layer in range(len(params) - 1, -1, -1):
        W = params[layer][0]
        inp = A[0] if layer == 0 else Z[layer - 1]
        grads.append((inp.T @ dZ, dZ.sum(axis=0)))
        if layer > 0:
            dZ = (dZ @ W.T) * (Z[layer - 1] > 0)
    return grads[::-1]


def mlp_backward__relu_instead_of_grad(Y, cache, params):
    """Multiplies by relu(Z) (the activation) instead of relu_grad(Z) between layers."""
    A, Z = cache["A"], cache["Z"]
    dZ = (A[-1] - Y) / Y.shape[0]
    grads = []
    for layer in range(len(params) - 1, -1, -1):
        W = params[layer][0]
        grads.append((A[layer].T @ dZ, dZ.sum(axis=0)))
        if layer > 0:
            dZ = (dZ @ W.T) * np.maximum(Z[layer - 1], 0.0)
    return grads[::-1]


def mlp_backward__Y_minus_P(Y, cache, params):
    """Starts from (Y - P) / n: every gradient has the wrong sign."""
    A, Z = cache["A"], cache["Z"]
    dZ = (Y - A[-1]) / Y.shape[0]
    grads = []
    for layer in range(len(params) - 1, -1, -1):
        W = params[layer][0]
        grads.append((A[layer].T @ dZ, dZ.sum(axis=0)))
        if layer > 0:
            dZ = (dZ @ W.T) * (Z[layer - 1] > 0)
    return grads[::-1]


def mlp_backward__delegates(Y, cache, params):
    """Calls dlkit's reference backward pass."""
    return dlkit.layers.mlp_backward(Y, cache, params, hidden="relu")


def mlp_backward__ok_student_helpers(Y, cache, params):
    """Correct: builds on the student's dense_backward and relu_grad, with an explicit reversed loop."""
    n = Y.shape[0]
    dZ = (cache["A"][-1] - Y) / n
    grads = [None] * len(params)
    for layer in reversed(range(len(params))):
        dA, dW, db = dense_backward(dZ, cache["A"][layer], params[layer][0])  # noqa: F821
        grads[layer] = (dW, db)
        if layer:
            dZ = dA * relu_grad(cache["Z"][layer - 1])  # noqa: F821
    return grads


def mlp_backward__ok_mask_from_A(Y, cache, params):
    """Correct: the ReLU mask taken from the activations (A > 0 exactly where Z > 0)."""
    A = cache["A"]
    dZ = (A[-1] - Y) / len(Y)
    out = []
    for layer in range(len(params) - 1, -1, -1):
        out.insert(0, (A[layer].T @ dZ, np.sum(dZ, axis=0)))
        dZ = (dZ @ params[layer][0].T) * (A[layer] > 0)
    return out


# ------------------------------------------------------------------------------ numerical_gradient


def numerical_gradient__one_sided_over_2h(f, x, h=1e-5):
    """Uses a one-sided difference but divides by 2h (half the slope)."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    f0 = float(f(x))
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + h
        grad[index] = (float(f(x)) - f0) / (2 * h)
        x[index] = saved
    return grad


def numerical_gradient__forward(f, x, h=1e-5):
    """Uses the one-sided forward difference (f(x + h) - f(x)) / h: error O(h)."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    f0 = float(f(x))
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + h
        grad[index] = (float(f(x)) - f0) / h
        x[index] = saved
    return grad


def numerical_gradient__no_restore(f, x, h=1e-5):
    """Perturbs the caller's x in place and never puts the entries back."""
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        x[index] += h
        f_plus = float(f(x))
        x[index] -= 2 * h
        f_minus = float(f(x))
        grad[index] = (f_plus - f_minus) / (2 * h)
    return grad


def numerical_gradient__ignores_h(f, x, h=1e-5):
    """Hard-codes the step 1e-5 and ignores the h it is given."""
    x = np.array(x, dtype=float)
    step = 1e-5
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + step
        f_plus = float(f(x))
        x[index] = saved - step
        f_minus = float(f(x))
        x[index] = saved
        grad[index] = (f_plus - f_minus) / (2 * step)
    return grad


def numerical_gradient__all_at_once(f, x, h=1e-5):
    """Perturbs every entry at once, giving the directional derivative in every slot."""
    x = np.array(x, dtype=float)
    return np.full_like(x, (float(f(x + h)) - float(f(x - h))) / (2 * h))


def numerical_gradient__flat_only(f, x, h=1e-5):
    """Loops over range(len(x)), so only the first axis of a 2-D x is visited (whole rows perturbed)."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(len(x)):
        saved = x[i].copy()
        x[i] = saved + h
        f_plus = float(f(x))
        x[i] = saved - h
        f_minus = float(f(x))
        x[i] = saved
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def numerical_gradient__delegates(f, x, h=1e-5):
    """Calls dlkit's reference numerical gradient."""
    return dlkit.gradcheck.numerical_gradient(f, np.array(x, dtype=np.float64), h)


def numerical_gradient__ok_in_place_restore(f, x, h=1e-5):
    """Correct: perturbs the caller's float array in place and restores every entry exactly."""
    grad = np.empty_like(x, dtype=float)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        fp = f(x)
        x[i] = old - h
        fm = f(x)
        x[i] = old
        grad[i] = (fp - fm) / (2 * h)
    return grad


def numerical_gradient__ok_unit_vectors(f, x, h=1e-5):
    """Correct: builds each h * e_i as a separate array, never touching x."""
    x = np.asarray(x, dtype=float)
    flat = np.zeros(x.size)
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = h
        e = e.reshape(x.shape)
        flat[i] = (f(x + e) - f(x - e)) / (2 * h)
    return flat.reshape(x.shape)


# ------------------------------------------------------------------------------ relative_error


def relative_error__no_abs(a, b):
    """Leaves out the absolute values: max(a - b) / max(a + b)."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    scale = np.max(a + b)
    return 0.0 if scale == 0 else float(np.max(a - b) / scale)


def relative_error__divide_by_a(a, b):
    """Divides by max(|a|) only, which is neither symmetric nor the stated formula."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    scale = np.max(np.abs(a))
    return 0.0 if scale == 0 else float(np.max(np.abs(a - b)) / scale)


def relative_error__norms(a, b):
    """Uses norms ||a - b|| / (||a|| + ||b||), a different (common) definition."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


def relative_error__no_zero_case(a, b):
    """Forgets the zero case: 0 / 0 gives nan (and a warning)."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    return np.max(np.abs(a - b)) / np.max(np.abs(a) + np.abs(b))


def relative_error__separate_maxima(a, b):
    """Divides by max|a| + max|b| instead of max(|a| + |b|)."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    scale = np.max(np.abs(a)) + np.max(np.abs(b))
    return 0.0 if scale == 0 else float(np.max(np.abs(a - b)) / scale)


def relative_error__delegates(a, b):
    """Calls dlkit's reference relative error."""
    return dlkit.gradcheck.relative_error(a, b)


def relative_error__ok_ravel(a, b):
    """Correct: works on flattened float copies and compares the denominator with 0.0."""
    a = np.ravel(a).astype(float)
    b = np.ravel(b).astype(float)
    num = np.abs(a - b).max()
    den = (np.abs(a) + np.abs(b)).max()
    if den == 0.0:
        return 0.0
    return float(num / den)


# ------------------------------------------------------------------------------ train_step


def train_step__ascent(params, X, Y, lr):
    """Gradient ascent: adds lr * gradient."""
    P, cache = dlkit.layers.mlp_forward(X, params, hidden="relu", output="softmax")
    loss = float(-np.sum(Y * np.log(np.clip(P, 1e-12, 1.0))) / X.shape[0])
    grads = mlp_backward(Y, cache, params)  # noqa: F821
    return [
        (W + lr * dW, b + lr * db) for (W, b), (dW, db) in zip(params, grads, strict=True)
    ], loss


def train_step__ignores_lr(params, X, Y, lr):
    """Ignores lr and always steps with 0.1."""
    P, cache = dlkit.layers.mlp_forward(X, params, hidden="relu", output="softmax")
    loss = float(-np.sum(Y * np.log(np.clip(P, 1e-12, 1.0))) / X.shape[0])
    grads = mlp_backward(Y, cache, params)  # noqa: F821
    return [
        (W - 0.1 * dW, b - 0.1 * db) for (W, b), (dW, db) in zip(params, grads, strict=True)
    ], loss


def train_step__last_layer_only(params, X, Y, lr):
    """Updates only the last layer; the others are returned unchanged."""
    P, cache = dlkit.layers.mlp_forward(X, params, hidden="relu", output="softmax")
    loss = float(-np.sum(Y * np.log(np.clip(P, 1e-12, 1.0))) / X.shape[0])
    grads = mlp_backward(Y, cache, params)  # noqa: F821
    new = [(W.copy(), b.copy()) for W, b in params]
    (W, b), (dW, db) = params[-1], grads[-1]
    new[-1] = (W - lr * dW, b - lr * db)
    return new, loss


def train_step__loss_after_update(params, X, Y, lr):
    """Reports the loss after the update instead of before it."""
    _, cache = dlkit.layers.mlp_forward(X, params, hidden="relu", output="softmax")
    grads = mlp_backward(Y, cache, params)  # noqa: F821
    new = [(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(params, grads, strict=True)]
    P, _ = dlkit.layers.mlp_forward(X, new, hidden="relu", output="softmax")
    return new, float(-np.sum(Y * np.log(np.clip(P, 1e-12, 1.0))) / X.shape[0])


def train_step__in_place(params, X, Y, lr):
    """Updates the caller's arrays in place (W -= lr * dW)."""
    P, cache = dlkit.layers.mlp_forward(X, params, hidden="relu", output="softmax")
    loss = float(-np.sum(Y * np.log(np.clip(P, 1e-12, 1.0))) / X.shape[0])
    grads = mlp_backward(Y, cache, params)  # noqa: F821
    for (W, b), (dW, db) in zip(params, grads, strict=True):
        W -= lr * dW
        b -= lr * db
    return params, loss


def train_step__loss_summed(params, X, Y, lr):
    """Reports the summed cross-entropy instead of the mean."""
    P, cache = dlkit.layers.mlp_forward(X, params, hidden="relu", output="softmax")
    loss = float(-np.sum(Y * np.log(np.clip(P, 1e-12, 1.0))))
    grads = mlp_backward(Y, cache, params)  # noqa: F821
    return [
        (W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(params, grads, strict=True)
    ], loss


def train_step__delegates_backward(params, X, Y, lr):
    """Calls dlkit's reference mlp_backward instead of the student's own."""
    P, cache = dlkit.layers.mlp_forward(X, params, hidden="relu", output="softmax")
    loss = float(-np.sum(Y * np.log(np.clip(P, 1e-12, 1.0))) / X.shape[0])
    grads = dlkit.layers.mlp_backward(Y, cache, params)
    return [
        (W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(params, grads, strict=True)
    ], loss


def train_step__delegates_train(params, X, Y, lr):
    """Copies the parameters into a dlkit model and calls dlkit.train.train_step."""
    sizes = [params[0][0].shape[0]] + [W.shape[1] for W, _ in params]
    model = dlkit.models.build_mlp(sizes, hidden="relu", output="softmax", rng=0)
    dense = [layer for layer in model.layers if isinstance(layer, dlkit.layers.Dense)]
    for layer, (W, b) in zip(dense, params, strict=True):
        layer.params["W"], layer.params["b"] = W.copy(), b.copy()
    loss = dlkit.train.train_step(model, X, Y, lr)
    return [(layer.params["W"], layer.params["b"]) for layer in dense], float(loss)


def train_step__ok_dlkit_loss(params, X, Y, lr):
    """Correct: loss from dlkit.losses (notebook 03's job), update through a helper."""
    P, cache = dlkit.layers.mlp_forward(X, params, hidden="relu", output="softmax")
    loss = dlkit.losses.categorical_cross_entropy(Y, P)
    grads = mlp_backward(Y, cache, params)  # noqa: F821

    def descend(p, g):
        return p - lr * g

    new_params = []
    for (W, b), (dW, db) in zip(params, grads, strict=True):
        new_params.append((descend(W, dW), descend(b, db)))
    return new_params, loss


def train_step__ok_keyword_backward(params, X, Y, lr):
    """Correct: calls mlp_backward with keyword arguments (the tests' stand-in must accept them)."""
    P, cache = dlkit.layers.mlp_forward(X, params, hidden="relu", output="softmax")
    grads = mlp_backward(Y=Y, cache=cache, params=params)  # noqa: F821
    loss = float(-np.mean(np.sum(Y * np.log(np.clip(P, 1e-12, 1.0)), axis=1)))
    return [
        (W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(params, grads, strict=True)
    ], loss
