"""Sequences: embeddings, the vanilla RNN cell, backpropagation through time, clipping.

Reference implementations for notebook 10, NumPy only (ground floor). Batch first, as
``torch.nn.RNN(batch_first=True)``: a sequence batch ``X`` has shape ``(N, T, D)``, hidden
states ``(N, T, H)``; ``Wx`` is ``(D, H)``, ``Wh`` is ``(H, H)``, ``b`` is ``(H,)`` and

    h_t = tanh(x_t @ Wx + h_{t-1} @ Wh + b),   h_0 given.

PyTorch stores the transposes (``weight_ih_l0`` is ``Wx.T``, ``weight_hh_l0`` is ``Wh.T``)
and two biases whose sum is ``b``.

Also here: a synthetic task that needs memory (:func:`memory_task`), a small
embedding + RNN + softmax classifier trained with Adam and clipping
(:func:`train_memory_rnn`), and the gradient that reaches each earlier step
(:func:`gradient_through_time`) that the widget of notebook 10 draws.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._validation import as_float_array, check_int, check_rng

__all__ = [
    "embedding_forward",
    "embedding_backward",
    "rnn_step",
    "rnn_forward",
    "rnn_backward",
    "global_norm",
    "clip_gradients",
    "gradient_through_time",
    "memory_task",
    "train_memory_rnn",
    "memory_rnn_predict",
]


# ------------------------------------------------------------------------------ embeddings


def _ids(ids, name: str = "ids") -> np.ndarray:
    arr = np.asarray(ids)
    if arr.dtype.kind not in "iu":
        raise TypeError(
            f"{name} must hold integers (token ids); got dtype {arr.dtype}. "
            f"Convert with np.asarray({name}).astype(int)."
        )
    return arr


def embedding_forward(ids, E) -> np.ndarray:
    """Look up one row of ``E`` per id: ``E[ids]``, of shape ``ids.shape + (D,)``.

    Equivalent to one-hot encoding the ids and multiplying by ``E`` (vocab_size, D).
    """
    E = as_float_array(E, "E", ndim=2)
    ids = _ids(ids)
    if ids.size and (ids.min() < 0 or ids.max() >= E.shape[0]):
        raise IndexError(
            f"ids must lie in [0, {E.shape[0]}) for E of shape {E.shape}; "
            f"got values from {ids.min()} to {ids.max()}."
        )
    return E[ids]


def embedding_backward(dout, ids, vocab_size: int) -> np.ndarray:
    """Gradient of the loss with respect to ``E``: shape ``(vocab_size, D)``.

    Row ``v`` is the sum of ``dout`` over every position whose id is ``v``; repeated ids
    accumulate (``np.add.at``), ids that never occur get zeros.
    """
    ids = _ids(ids)
    vocab_size = check_int(vocab_size, "vocab_size", minimum=1)
    dout = as_float_array(dout, "dout")
    if dout.shape[:-1] != ids.shape:
        raise ValueError(
            f"dout must have shape ids.shape + (D,) = {ids.shape + ('D',)}; got {dout.shape}."
        )
    dE = np.zeros((vocab_size, dout.shape[-1]), dtype=dout.dtype)
    np.add.at(dE, ids.reshape(-1), dout.reshape(-1, dout.shape[-1]))
    return dE


# ------------------------------------------------------------------------------ the RNN


def _rnn_shapes(X, h0, Wx, Wh, b):
    X = as_float_array(X, "X", ndim=3)
    Wx = as_float_array(Wx, "Wx", ndim=2)
    Wh = as_float_array(Wh, "Wh", ndim=2)
    b = as_float_array(b, "b", ndim=1)
    h0 = as_float_array(h0, "h0", ndim=2)
    N, _, D = X.shape
    H = Wh.shape[0]
    if Wx.shape != (D, H) or Wh.shape != (H, H) or b.shape != (H,) or h0.shape != (N, H):
        raise ValueError(
            f"with X of shape {X.shape} (N, T, D) and Wh of shape {Wh.shape} (H, H), expected "
            f"Wx {(D, H)}, b {(H,)}, h0 {(N, H)}; got Wx {Wx.shape}, b {b.shape}, h0 {h0.shape}. "
            "Wx maps inputs to hidden units: (D, H), not (H, D)."
        )
    return X, h0, Wx, Wh, b


def rnn_step(x_t, h_prev, Wx, Wh, b) -> np.ndarray:
    """One step of the vanilla RNN: ``tanh(x_t @ Wx + h_prev @ Wh + b)``, shape (N, H)."""
    x_t = as_float_array(x_t, "x_t", ndim=2)
    h_prev = as_float_array(h_prev, "h_prev", ndim=2)
    return np.tanh(x_t @ Wx + h_prev @ Wh + b)


def rnn_forward(X, h0, Wx, Wh, b):
    """Unroll the RNN over ``T`` steps: ``(H, cache)`` with ``H`` of shape (N, T, H).

    ``H[:, t]`` is the hidden state after reading ``X[:, t]``; ``h0`` (N, H) is not in ``H``.
    """
    X, h0, Wx, Wh, b = _rnn_shapes(X, h0, Wx, Wh, b)
    N, T, _ = X.shape
    Hs = np.empty((N, T, Wh.shape[0]), dtype=np.result_type(X, Wx, Wh, b, h0))
    h = h0
    for t in range(T):
        h = np.tanh(X[:, t] @ Wx + h @ Wh + b)
        Hs[:, t] = h
    return Hs, (X, h0, Wx, Wh, b, Hs)


def rnn_backward(dH, cache):
    """Backpropagation through time: ``(dX, dh0, dWx, dWh, db)``.

    ``dH`` (N, T, H) is the gradient of the loss with respect to every hidden state as it
    is used *outside* the recurrence (by the layer above); the gradient flowing back
    through ``h_t -> h_{t+1}`` is added on the way, from the last step to the first.
    """
    X, h0, Wx, Wh, b, Hs = cache
    dH = as_float_array(dH, "dH", ndim=3)
    if dH.shape != Hs.shape:
        raise ValueError(f"dH must have the shape of the hidden states {Hs.shape}; got {dH.shape}.")
    N, T, _ = X.shape
    dX = np.zeros_like(X)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    dh_next = np.zeros_like(h0)
    for t in reversed(range(T)):
        h_prev = h0 if t == 0 else Hs[:, t - 1]
        dz = (dH[:, t] + dh_next) * (1.0 - Hs[:, t] ** 2)  # tanh' at the step's output
        dX[:, t] = dz @ Wx.T
        dWx += X[:, t].T @ dz
        dWh += h_prev.T @ dz
        db += dz.sum(axis=0)
        dh_next = dz @ Wh.T
    return dX, dh_next, dWx, dWh, db


# ------------------------------------------------------------------------------ clipping


def global_norm(grads) -> float:
    """The L2 norm of all entries of all arrays together: sqrt(sum of squares)."""
    return float(np.sqrt(sum(float(np.sum(np.square(g))) for g in grads)))


def clip_gradients(grads, max_norm: float) -> list[np.ndarray]:
    """Clip by global norm, as ``torch.nn.utils.clip_grad_norm_``.

    When the global norm of ``grads`` exceeds ``max_norm``, every array is multiplied by
    ``max_norm / norm`` (the direction is kept); otherwise copies are returned unchanged.
    """
    if isinstance(max_norm, bool) or not isinstance(max_norm, numbers.Real) or max_norm <= 0:
        raise ValueError(f"max_norm must be a positive number; got {max_norm!r}.")
    grads = [as_float_array(g, f"grads[{i}]") for i, g in enumerate(grads)]
    norm = global_norm(grads)
    scale = float(max_norm) / norm if norm > max_norm else 1.0
    return [g * scale if scale != 1.0 else g.copy() for g in grads]


# ------------------------------------------------------------------------------ through time


def gradient_through_time(
    T: int = 30,
    scale: float = 1.0,
    activation: str = "tanh",
    hidden: int = 32,
    n_samples: int = 16,
    rng=None,
    *,
    rnn_forward=None,
    rnn_backward=None,
) -> np.ndarray:
    """Norm of dL/dh_t for t = 1..T when the loss depends on the last state only.

    ``Wh`` is a random orthogonal matrix times ``scale``, so its largest singular value
    is ``scale``; inputs and ``Wx`` are random. With ``activation="identity"`` the norm
    changes by exactly ``scale`` per step back (an orthogonal matrix keeps every norm), so
    the result is that closed form, ``sqrt(n_samples) * scale ** (T - t)``, with no network
    run. With tanh, the RNN is run by ``rnn_forward`` and ``rnn_backward`` (default:
    dlkit's; a notebook passes the student's own, as written in notebook 10): ``Wx`` is
    folded into the inputs and the cell gets the identity in its place, so the gradient
    that ``rnn_backward`` returns for the input of step ``t`` is the one of the
    pre-activation ``a_t``, and ``dL/dh_{t-1} = dL/da_t @ Wh.T``.
    The result has ``T`` entries, the first for the first step; the gradient of the last
    state is a random unit direction per sample, so the last entry is sqrt(n_samples).
    """
    T = check_int(T, "T", minimum=1)
    if activation not in ("tanh", "identity"):
        raise ValueError(f"activation must be 'tanh' or 'identity'; got {activation!r}.")
    rng = check_rng(rng)
    Q, _ = np.linalg.qr(rng.standard_normal((hidden, hidden)))
    Wh = float(scale) * Q
    Wx = rng.standard_normal((hidden, hidden)) / np.sqrt(hidden)
    X = rng.standard_normal((n_samples, T, hidden))
    g = rng.standard_normal((n_samples, hidden))
    g /= np.linalg.norm(g, axis=1, keepdims=True)
    last = float(np.linalg.norm(g))
    if activation == "identity":
        return last * float(scale) ** np.arange(T - 1, -1, -1, dtype=float)
    run = _pieces({"rnn_forward": rnn_forward, "rnn_backward": rnn_backward})
    forward, backward = run["rnn_forward"], run["rnn_backward"]
    inputs = np.stack([X[:, t] @ Wx for t in range(T)], axis=1)  # x_t @ Wx, step by step
    _, cache = forward(inputs, np.zeros((n_samples, hidden)), np.eye(hidden), Wh, np.zeros(hidden))
    dH = np.zeros((n_samples, T, hidden))
    dH[:, -1] = g  # the loss reads the last state only
    d_pre = np.asarray(backward(dH, cache)[0], dtype=float)  # dL/da_t (the input weights are I)
    norms = np.empty(T)
    norms[-1] = last
    norms[:-1] = np.linalg.norm(d_pre[:, 1:] @ Wh.T, axis=(0, 2))  # dL/dh_t = dL/da_{t+1} Wh^T
    return norms


# ------------------------------------------------------------------------------ a task with memory


def memory_task(n: int, T: int = 12, n_symbols: int = 4, rng=None):
    """Sequences of ``T`` random symbols; the label is the **first** symbol.

    Returns ``(ids, y)``: ``ids`` int array (n, T) with values in [0, n_symbols), ``y`` (n,).
    A model that sees only the last few symbols is right by chance only (1 / n_symbols);
    to do better it must carry the first symbol through ``T - 1`` steps.
    """
    n = check_int(n, "n", minimum=1)
    T = check_int(T, "T", minimum=1)
    n_symbols = check_int(n_symbols, "n_symbols", minimum=2)
    rng = check_rng(rng)
    ids = rng.integers(0, n_symbols, size=(n, T))
    return ids, ids[:, 0].copy()


def _init_memory_rnn(vocab: int, emb: int, hidden: int, n_classes: int, rng) -> dict:
    return {
        "E": rng.standard_normal((vocab, emb)) * 0.5,
        "Wx": rng.standard_normal((emb, hidden)) / np.sqrt(emb),
        "Wh": np.linalg.qr(rng.standard_normal((hidden, hidden)))[0],
        "b": np.zeros(hidden),
        "Wy": rng.standard_normal((hidden, n_classes)) / np.sqrt(hidden),
        "by": np.zeros(n_classes),
    }


#: the functions a memory RNN runs, by name: dlkit's unless a notebook passes its own
_PIECES = (
    "embedding_forward",
    "embedding_backward",
    "rnn_forward",
    "rnn_backward",
    "clip_gradients",
)


def _pieces(given: dict) -> dict:
    """Name -> function: each given one, else dlkit's (looked up when called)."""
    return {name: given.get(name) or globals()[name] for name in _PIECES}


def _memory_rnn_loss(
    params: dict, ids: np.ndarray, y: np.ndarray, want_grads: bool = True, pieces=None
):
    run = _pieces(pieces or {})
    X = run["embedding_forward"](ids, params["E"])
    N = ids.shape[0]
    h0 = np.zeros((N, params["Wh"].shape[0]))
    Hs, cache = run["rnn_forward"](X, h0, params["Wx"], params["Wh"], params["b"])
    logits = Hs[:, -1] @ params["Wy"] + params["by"]
    logits = logits - logits.max(axis=1, keepdims=True)
    P = np.exp(logits)
    P /= P.sum(axis=1, keepdims=True)
    loss = float(-np.mean(np.log(P[np.arange(N), y] + 1e-12)))
    if not want_grads:
        return loss, P, None
    dlogits = P.copy()
    dlogits[np.arange(N), y] -= 1.0
    dlogits /= N
    dH = np.zeros_like(Hs)
    dH[:, -1] = dlogits @ params["Wy"].T
    dX, _, dWx, dWh, db = run["rnn_backward"](dH, cache)
    grads = {
        "E": run["embedding_backward"](dX, ids, params["E"].shape[0]),
        "Wx": dWx,
        "Wh": dWh,
        "b": db,
        "Wy": Hs[:, -1].T @ dlogits,
        "by": dlogits.sum(axis=0),
    }
    return loss, P, grads


def memory_rnn_predict(
    params: dict, ids, *, embedding_forward=None, rnn_forward=None
) -> np.ndarray:
    """Class probabilities (N, n_classes) of a model trained by :func:`train_memory_rnn`;
    the forward pieces as there (default: dlkit's)."""
    ids = _ids(ids)
    pieces = {"embedding_forward": embedding_forward, "rnn_forward": rnn_forward}
    return _memory_rnn_loss(params, ids, np.zeros(ids.shape[0], dtype=int), False, pieces)[1]


def train_memory_rnn(
    ids,
    y,
    *,
    hidden: int = 32,
    emb: int = 8,
    epochs: int = 30,
    batch_size: int = 64,
    lr: float = 0.01,
    max_norm: float | None = 5.0,
    rng=None,
    embedding_forward=None,
    embedding_backward=None,
    rnn_forward=None,
    rnn_backward=None,
    clip_gradients=None,
):
    """Train embedding -> RNN -> softmax on the last state, with Adam and global-norm clipping.

    Returns ``(params, history)``; ``history`` has per-epoch ``"loss"`` (mean training
    loss), ``"accuracy"`` (on the training set after the epoch) and ``"grad_norm"`` (the
    largest global gradient norm seen in the epoch, before clipping).

    The pieces of notebook 10 it chains (``embedding_forward``, ``embedding_backward``,
    ``rnn_forward``, ``rnn_backward``, ``clip_gradients``) are dlkit's unless given: the
    notebook passes the student's own.
    """
    pieces = {
        "embedding_forward": embedding_forward,
        "embedding_backward": embedding_backward,
        "rnn_forward": rnn_forward,
        "rnn_backward": rnn_backward,
        "clip_gradients": clip_gradients,
    }
    clip = _pieces(pieces)["clip_gradients"]
    ids = _ids(ids)
    y = _ids(y, "y")
    rng = check_rng(rng)
    vocab = int(ids.max()) + 1
    n_classes = int(y.max()) + 1
    params = _init_memory_rnn(vocab, emb, hidden, n_classes, rng)
    m = {k: np.zeros_like(v) for k, v in params.items()}
    v = {k: np.zeros_like(w) for k, w in params.items()}
    beta1, beta2, eps, t = 0.9, 0.999, 1e-8, 0
    history = {"loss": [], "accuracy": [], "grad_norm": []}
    N = ids.shape[0]
    keys = list(params)
    for _ in range(epochs):
        order = rng.permutation(N)
        losses, biggest = [], 0.0
        for start in range(0, N, batch_size):
            batch = order[start : start + batch_size]
            loss, _, grads = _memory_rnn_loss(params, ids[batch], y[batch], True, pieces)
            losses.append(loss)
            g = [grads[k] for k in keys]
            # the norm the notebook's formula defines, by NumPy (for the history only)
            biggest = max(biggest, float(np.linalg.norm(np.concatenate([a.ravel() for a in g]))))
            if max_norm is not None:
                g = clip(g, max_norm)
            t += 1
            for k, gk in zip(keys, g, strict=True):
                m[k] = beta1 * m[k] + (1 - beta1) * gk
                v[k] = beta2 * v[k] + (1 - beta2) * gk**2
                step = lr * float(np.sqrt(1 - beta2**t) / (1 - beta1**t))
                params[k] = params[k] - step * m[k] / (np.sqrt(v[k]) + eps)
        P = _memory_rnn_loss(params, ids, y, False, pieces)[1]
        history["loss"].append(float(np.mean(losses)))
        history["accuracy"].append(float(np.mean(P.argmax(axis=1) == y)))
        history["grad_norm"].append(biggest)
    return params, history
