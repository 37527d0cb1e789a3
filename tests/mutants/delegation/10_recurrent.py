"""Delegation catalogue for 10_recurrent: answers that hand the exercise to dlkit.

See tests/mutants/delegation/00_getting_started.py for the format. Allowed, as the task
says: dlkit.recurrent.rnn_step inside rnn_forward (its tests swap it in for the student's).
"""

import numpy as np

import dlkit

# ---------------------------------------------------------------------- embedding_forward


def embedding_forward__delegates_reference(ids, E):
    """The reference itself: `dlkit.recurrent.embedding_forward`."""
    return dlkit.recurrent.embedding_forward(ids, E)


def embedding_forward__delegates_one_hot(ids, E):
    """A sibling from notebook 03: `dlkit.losses.one_hot` of the ids, times E."""
    ids = np.asarray(ids)
    onehot = dlkit.losses.one_hot(ids.ravel(), E.shape[0])
    return (onehot @ E).reshape(ids.shape + (E.shape[1],))


# ---------------------------------------------------------------------- embedding_backward


def embedding_backward__delegates_reference(dout, ids, vocab_size):
    """The reference under another name: `dlkit.recurrent.embedding_backward` imported as grad."""
    from dlkit.recurrent import embedding_backward as grad

    return grad(dout, ids, vocab_size)


def embedding_backward__delegates_dense_backward(dout, ids, vocab_size):
    """A public sibling: `dlkit.layers.dense_backward` of the one-hot layer gives dW = onehot.T @ dout."""
    dout = np.asarray(dout, dtype=float).reshape(-1, np.shape(dout)[-1])
    onehot = np.eye(vocab_size)[np.ravel(ids)]
    return dlkit.layers.dense_backward(dout, onehot, np.zeros((vocab_size, dout.shape[1])))[1]


# ---------------------------------------------------------------------- rnn_step


def rnn_step__delegates_reference(x_t, h_prev, Wx, Wh, b):
    """The reference itself: `dlkit.recurrent.rnn_step`."""
    return dlkit.recurrent.rnn_step(x_t, h_prev, Wx, Wh, b)


def rnn_step__delegates_forward_one_step(x_t, h_prev, Wx, Wh, b):
    """A sibling: `dlkit.recurrent.rnn_forward` over a sequence of one step."""
    return dlkit.recurrent.rnn_forward(x_t[:, None], h_prev, Wx, Wh, b)[0][:, 0]


def rnn_step__delegates_activation(x_t, h_prev, Wx, Wh, b):
    """The nonlinearity from dlkit: `dlkit.activations.tanh`."""
    return dlkit.activations.tanh(x_t @ Wx + h_prev @ Wh + b)


# ---------------------------------------------------------------------- rnn_forward


def rnn_forward__delegates_reference(X, h0, Wx, Wh, b):
    """The reference itself: `dlkit.recurrent.rnn_forward`."""
    return dlkit.recurrent.rnn_forward(X, h0, Wx, Wh, b)


def rnn_forward__delegates_shape_check(X, h0, Wx, Wh, b):
    """A private helper for the shapes: `dlkit.recurrent._rnn_shapes`, then a loop."""
    X, h0, Wx, Wh, b = dlkit.recurrent._rnn_shapes(X, h0, Wx, Wh, b)
    H = np.zeros((X.shape[0], X.shape[1], Wh.shape[0]))
    h = h0
    for t in range(X.shape[1]):
        h = np.tanh(X[:, t] @ Wx + h @ Wh + b)
        H[:, t] = h
    return H, (X, h0, Wx, Wh, b, H)


def rnn_forward__ok_allowed_step(X, h0, Wx, Wh, b):
    """Allowed: a loop over dlkit.recurrent.rnn_step (the task allows the step)."""
    H = np.zeros((X.shape[0], X.shape[1], Wh.shape[0]))
    h = h0
    for t in range(X.shape[1]):
        h = dlkit.recurrent.rnn_step(X[:, t], h, Wx, Wh, b)
        H[:, t] = h
    return H, (X, h0, Wx, Wh, b, H)


# ---------------------------------------------------------------------- rnn_backward


def rnn_backward__delegates_reference(dH, cache):
    """The reference itself: `dlkit.recurrent.rnn_backward`."""
    return dlkit.recurrent.rnn_backward(dH, cache)


def rnn_backward__delegates_numerical(dH, cache):
    """Numerical gradients instead of backpropagation: `dlkit.gradcheck.numerical_gradient`."""
    X, h0, Wx, Wh, b, H = cache
    params = {"X": X, "h0": h0, "Wx": Wx, "Wh": Wh, "b": b}

    def loss(name):
        def f(v):
            h = params["h0"] if name != "h0" else v
            W = {**params, name: v}
            out = h
            total = 0.0
            for t in range(X.shape[1]):
                out = np.tanh(W["X"][:, t] @ W["Wx"] + out @ W["Wh"] + W["b"])
                total += np.sum(out * dH[:, t])
            return total

        return f

    return tuple(
        dlkit.gradcheck.numerical_gradient(loss(n), np.array(params[n], dtype=float))
        for n in ["X", "h0", "Wx", "Wh", "b"]
    )


def rnn_backward__delegates_dense_backward(dH, cache):
    """Each step's dense backward pass from `dlkit.layers.dense_backward`."""
    X, h0, Wx, Wh, b, H = cache
    dX = np.zeros_like(X)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    dh = np.zeros_like(h0)
    for t in range(X.shape[1] - 1, -1, -1):
        h_prev = h0 if t == 0 else H[:, t - 1]
        da = (dH[:, t] + dh) * (1 - H[:, t] ** 2)
        dXt, dW1, db1 = dlkit.layers.dense_backward(da, X[:, t], Wx)
        dh, dW2, _ = dlkit.layers.dense_backward(da, h_prev, Wh)
        dX[:, t] = dXt
        dWx, dWh, db = dWx + dW1, dWh + dW2, db + db1
    return dX, dh, dWx, dWh, db


# ---------------------------------------------------------------------- clip_gradients


def clip_gradients__delegates_reference(grads, max_norm):
    """The reference itself: `dlkit.recurrent.clip_gradients`."""
    return dlkit.recurrent.clip_gradients(grads, max_norm)


def clip_gradients__delegates_global_norm(grads, max_norm):
    """A public sibling for the norm: `dlkit.recurrent.global_norm`."""
    norm = dlkit.recurrent.global_norm(grads)
    scale = max_norm / norm if norm > max_norm else 1.0
    return [np.asarray(g, dtype=float) * scale for g in grads]
