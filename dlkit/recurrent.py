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
(:func:`gradient_through_time`) that the widget of notebook 10 draws; and for text, a
small generated grammar (:func:`toy_text`, :func:`text_scores`), character windows
(:func:`char_windows`) and sampling with a temperature (:func:`with_temperature`,
:func:`sample_text`).
"""

from __future__ import annotations

import functools
import numbers
import re

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
    "toy_text",
    "text_scores",
    "unknown_words",
    "char_windows",
    "with_temperature",
    "sample_text",
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


# ------------------------------------------------------------------ text, a character at a time

# A small grammar of our own: every sentence is
#   det [adj] noun verb det [adj] noun [place].
# with "an" before a vowel, so a model must learn spelling, word order and that one rule.
_DETERMINERS = ("the", "a")
_ADJECTIVES = ("small", "old", "red", "quiet", "happy", "clever", "tall")
_NOUNS = ("cat", "dog", "robot", "student", "teacher", "bird", "child", "farmer", "fox", "owl")
_VERBS = ("sees", "likes", "finds", "follows", "draws", "reads", "paints", "helps", "calls")
_PLACES = ("in the garden", "by the river", "at night", "on the hill", "after school")


_KNOWN_WORDS = frozenset(
    " ".join((*_DETERMINERS, "an", *_ADJECTIVES, *_NOUNS, *_VERBS, *_PLACES)).split()
)


def _noun_phrase(rng) -> list[str]:
    words = [str(rng.choice(_ADJECTIVES))] if rng.random() < 0.5 else []
    words.append(str(rng.choice(_NOUNS)))
    det = str(rng.choice(_DETERMINERS))
    if det == "a" and words[0][0] in "aeiou":
        det = "an"
    return [det, *words]


def toy_text(n_sentences: int = 700, rng=None) -> str:
    """``n_sentences`` sentences of a small English grammar, joined by single spaces.

    Each sentence is ``det [adj] noun verb det [adj] noun [place].``, lower case, with
    "an" before a vowel (``"an old owl sees the cat by the river."``): 7 adjectives, 10
    nouns, 9 verbs and 5 places, written with 26 characters (24 letters, space and full
    stop). Generated, not downloaded: the same ``rng`` gives the same text.
    :func:`text_scores` says how much of a text the grammar could have written.
    """
    n_sentences = check_int(n_sentences, "n_sentences", minimum=1)
    rng = check_rng(rng)
    sentences = []
    for _ in range(n_sentences):
        words = [*_noun_phrase(rng), str(rng.choice(_VERBS)), *_noun_phrase(rng)]
        if rng.random() < 0.5:
            words.append(str(rng.choice(_PLACES)))
        sentences.append(" ".join(words) + ".")
    return " ".join(sentences)


@functools.cache  # built once: text_scores runs on every move of the temperature explorer
def _grammar_pattern():
    det = r"(?:the|a|an)"
    adj = "(?:" + "|".join(_ADJECTIVES) + ")"
    noun_phrase = rf"{det} (?:{adj} )?(?:{'|'.join(_NOUNS)})"
    verb = "(?:" + "|".join(_VERBS) + ")"
    place = "(?:" + "|".join(_PLACES) + ")"
    return re.compile(rf"{noun_phrase} {verb} {noun_phrase}(?: {place})?")


def _a_or_an_right(sentence: str) -> bool:
    words = sentence.split()
    return all(
        (nxt[0] in "aeiou") == (word == "an")
        for word, nxt in zip(words, words[1:], strict=False)
        if word in ("a", "an")
    )


def text_scores(text: str) -> dict[str, float]:
    """How much of ``text`` the grammar of :func:`toy_text` could have written.

    Returns shares in [0, 1]: ``"words"``, the words (split at spaces and full stops) that
    are words of the grammar; ``"sentences"``, the complete sentences (between full stops;
    an unfinished last one is not counted) that the grammar makes, "a"/"an" included;
    ``"distinct"``, distinct runs of three words over all runs of three words (a full stop
    counts as a word): low when the text repeats itself.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str; got {type(text).__name__}.")
    words = text.replace(".", " ").split()
    sentences = [s.strip() for s in text.split(".")[:-1]]
    tokens = text.replace(".", " .").split()
    triples = list(zip(tokens, tokens[1:], tokens[2:], strict=False))
    pattern = _grammar_pattern()
    good = [bool(pattern.fullmatch(s)) and _a_or_an_right(s) for s in sentences]
    return {
        "words": float(np.mean([w in _KNOWN_WORDS for w in words])) if words else 0.0,
        "sentences": float(np.mean(good)) if sentences else 0.0,
        "distinct": len(set(triples)) / len(triples) if triples else 0.0,
    }


def unknown_words(text: str) -> list[str]:
    """The distinct words of ``text`` (split at spaces and full stops) that the grammar of
    :func:`toy_text` does not have, sorted."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str; got {type(text).__name__}.")
    return sorted(set(text.replace(".", " ").split()) - _KNOWN_WORDS)


def char_windows(text: str, T: int):
    """Every window of ``T`` characters of ``text`` and the character after it, as ids.

    Returns ``(ids, next_ids, alphabet)``: ``ids`` int (N, T) with N = len(text) - T,
    ``next_ids`` (N,), and ``alphabet`` the sorted distinct characters as one string
    (id ``i`` is ``alphabet[i]``).
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str; got {type(text).__name__}.")
    T = check_int(T, "T", minimum=1)
    if len(text) <= T:
        raise ValueError(
            f"text has {len(text)} characters, too few for windows of T={T}: "
            "pass a longer text or a smaller T."
        )
    alphabet = "".join(sorted(set(text)))
    codes = np.searchsorted(np.array(list(alphabet)), np.array(list(text)))
    ids = np.lib.stride_tricks.sliding_window_view(codes[:-1], T).copy()
    return ids, codes[T:].copy(), alphabet


def with_temperature(probs, temperature: float) -> np.ndarray:
    """Re-weight probability rows by a temperature: ``softmax(log(probs) / temperature)``.

    That is ``p_i ** (1 / temperature)``, renormalised along the last axis: 1 leaves the
    rows as they are, below 1 sharpens them towards their largest entry, above 1 flattens
    them towards uniform. ``temperature=0`` is the limit: all the weight on the largest
    entry (the first one on ties).
    """
    probs = as_float_array(probs, "probs", ndim=(1, 2))
    if np.any(probs < 0) or np.any(probs.sum(axis=-1) <= 0):
        raise ValueError(
            "probs must be probabilities: entries >= 0 and every row with a positive one; "
            f"got {'a negative entry' if np.any(probs < 0) else 'a row of zeros'}."
        )
    temperature = float(temperature)
    if not np.isfinite(temperature) or temperature < 0:
        raise ValueError(f"temperature must be a finite number >= 0; got {temperature}.")
    if temperature == 0:
        out = np.zeros_like(probs)
        np.put_along_axis(out, probs.argmax(axis=-1)[..., None], 1.0, axis=-1)
        return out
    with np.errstate(divide="ignore"):
        logits = np.log(probs) / temperature
    logits = logits - logits.max(axis=-1, keepdims=True)
    weights = np.exp(logits)
    return weights / weights.sum(axis=-1, keepdims=True)


def _check_start(text, alphabet: str, T: int, name: str = "start") -> str:
    """``text`` that a next-character model can read: a str of at least ``T`` characters, all
    in ``alphabet``; raises ValueError saying which."""
    if not isinstance(text, str) or len(text) < T:
        raise ValueError(
            f"{name} must be a str of at least T={T} characters (the model reads T at a time); "
            f"got {text!r}."
        )
    unknown = sorted(set(text) - set(alphabet))
    if unknown:
        raise ValueError(
            f"{name} has characters the model never saw: {unknown}; use only {alphabet!r}."
        )
    return text


def sample_text(
    predict,
    start: str,
    n_chars: int,
    alphabet: str,
    *,
    T: int,
    temperature: float = 1.0,
    n_samples: int = 1,
    rng=None,
) -> list[str]:
    """Let a next-character model write: ``n_samples`` continuations of ``start``.

    ``predict`` maps ids (n, T) to probabilities (n, len(alphabet)) of the next character
    (a trained :class:`~dlkit.models.Sequential`'s ``predict``). Each step feeds the last
    ``T`` characters of every sample, re-weights the probabilities by
    :func:`with_temperature` and draws the next character from them. Returns the
    ``n_samples`` texts, ``start`` included, each ``len(start) + n_chars`` long.
    """
    T = check_int(T, "T", minimum=1)
    _check_start(start, alphabet, T)
    n_chars = check_int(n_chars, "n_chars", minimum=0)
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    rng = check_rng(rng)
    codes = np.empty((n_samples, len(start) + n_chars), dtype=np.intp)
    codes[:, : len(start)] = [alphabet.index(c) for c in start]
    for i in range(len(start), codes.shape[1]):
        probs = np.asarray(predict(codes[:, i - T : i]))
        if probs.shape != (n_samples, len(alphabet)):
            raise ValueError(
                f"predict must return probabilities of shape (n, len(alphabet)) = "
                f"({n_samples}, {len(alphabet)}) for {n_samples} window(s) of {T} ids; got "
                f"shape {probs.shape}. Pass the predict of a model with a softmax over the "
                "alphabet of char_windows."
            )
        probs = with_temperature(probs, temperature)
        cumulative = probs.cumsum(axis=1)
        draws = rng.random((n_samples, 1)) * cumulative[:, -1:]
        codes[:, i] = np.minimum((cumulative <= draws).sum(axis=1), len(alphabet) - 1)
    return ["".join(alphabet[c] for c in row) for row in codes]
