"""Delegation catalogue for 05_optimizers: answers that hand the exercise to dlkit.

See tests/mutants/delegation/00_getting_started.py for the format.
"""

import numpy as np

import dlkit

# ---------------------------------------------------------------------- gd_step


def gd_step__delegates_gd_optimizer(w, g, lr):
    """An object: `dlkit.optim.GD.__init__`, then its update of one array."""
    return dlkit.optim.GD(lr=lr).update(w, g)


def gd_step__delegates_momentum_without_momentum(w, g, lr):
    """A public sibling: `dlkit.optim.momentum_step` with beta = 0 is plain gradient descent."""
    return dlkit.optim.momentum_step(w, g, np.zeros_like(w), lr, beta=0.0)[0]


def gd_step__delegates_private_gd(w, g, lr):
    """The private helper behind the reference: `dlkit.optim._gd` on a copy."""
    w = w.copy()
    dlkit.optim._gd(w, g, lr)
    return w


# ---------------------------------------------------------------------- iterate_minibatches


def iterate_minibatches__delegates_getattr(X, y, batch_size, shuffle=True, rng=None):
    """The reference looked up by name: `dlkit.optim.iterate_minibatches`."""
    yield from getattr(dlkit.optim, "iterate_minibatches")(  # noqa: B009
        X, y, batch_size, shuffle=shuffle, rng=rng
    )


def iterate_minibatches__delegates_split_for_the_order(X, y, batch_size, shuffle=True, rng=None):
    """Borrows the shuffling of `dlkit.data.train_val_split` (with a tiny validation part)."""
    n = len(X)
    order = np.arange(n)
    if shuffle:
        rng = np.random.default_rng(0) if rng is None else rng
        _, val, tr, _ = dlkit.data.train_val_split(
            np.arange(n), np.arange(n), 0.5 / n + 1e-9, rng=rng
        )
        order = np.concatenate([tr, val])
    for start in range(0, n, batch_size):
        idx = order[start : start + batch_size]
        yield X[idx], y[idx]


# ---------------------------------------------------------------------- momentum_step


def momentum_step__delegates_momentum_optimizer(w, g, v, lr, beta=0.9):
    """An object: `dlkit.optim.Momentum.__init__` with its velocity set to v."""
    opt = dlkit.optim.Momentum(lr=lr, beta=beta)
    opt.state["w"] = {"t": 0, "v": np.array(v, dtype=float)}
    w_new = opt.update(w, g)
    return w_new, opt.state["w"]["v"]


def momentum_step__delegates_private_ema(w, g, v, lr, beta=0.9):
    """The private helper behind the reference: `dlkit.optim._ema_momentum` on copies."""
    w, v = w.copy(), v.copy()
    dlkit.optim._ema_momentum(w, g, v, lr, beta)
    return w, v


# ---------------------------------------------------------------------- adagrad_step


def adagrad_step__delegates_adagrad_optimizer(w, g, G, lr, eps=1e-8):
    """An object: `dlkit.optim.AdaGrad.__init__` with its sum of squares set to G."""
    opt = dlkit.optim.AdaGrad(lr=lr, eps=eps)
    opt.state["w"] = {"t": 0, "G": np.array(G, dtype=float)}
    return opt.update(w, g), opt.state["w"]["G"]


def adagrad_step__delegates_private_adagrad(w, g, G, lr, eps=1e-8):
    """The private helper behind the reference: `dlkit.optim._adagrad` on copies."""
    w, G = w.copy(), G.copy()
    dlkit.optim._adagrad(w, g, G, lr, eps)
    return w, G


# ---------------------------------------------------------------------- rmsprop_step


def rmsprop_step__delegates_rmsprop_optimizer(w, g, s, lr, beta=0.9, eps=1e-8):
    """An object: `dlkit.optim.RMSProp.__init__` with its average set to s."""
    opt = dlkit.optim.RMSProp(lr=lr, beta=beta, eps=eps)
    opt.state["w"] = {"t": 0, "s": np.array(s, dtype=float)}
    return opt.update(w, g), opt.state["w"]["s"]


def rmsprop_step__delegates_private_rmsprop(w, g, s, lr, beta=0.9, eps=1e-8):
    """The private helper behind the reference: `dlkit.optim._rmsprop` on copies."""
    w, s = w.copy(), s.copy()
    dlkit.optim._rmsprop(w, g, s, lr, beta, eps)
    return w, s


# ---------------------------------------------------------------------- adam_step


def adam_step__delegates_adam_optimizer(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """An object: `dlkit.optim.Adam.__init__` with its state set to m, v and t - 1."""
    opt = dlkit.optim.Adam(lr=lr, beta1=beta1, beta2=beta2, eps=eps)
    opt.state["w"] = {"t": t - 1, "m": np.array(m, dtype=float), "v": np.array(v, dtype=float)}
    w_new = opt.update(w, g)
    return w_new, opt.state["w"]["m"], opt.state["w"]["v"]


def adam_step__delegates_private_adam(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """The private helper behind the reference: `dlkit.optim._adam` on copies."""
    w, m, v = w.copy(), m.copy(), v.copy()
    dlkit.optim._adam(w, g, m, v, t, lr, beta1, beta2, eps)
    return w, m, v


def adam_step__delegates_siblings(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Public siblings: the moments from `dlkit.optim.momentum_step` and rmsprop_step."""
    _, m_new = dlkit.optim.momentum_step(w, g, m, 1.0, beta1)
    _, v_new = dlkit.optim.rmsprop_step(w, g, v, 1.0, beta2, eps)
    m_hat, v_hat = m_new / (1 - beta1**t), v_new / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


# ---------------------------------------------------------------------- step_decay


def step_decay__delegates_exponential_decay(lr0, epoch, drop=0.5, every=10):
    """A public sibling: `dlkit.optim.exponential_decay` of the number of finished periods."""
    return dlkit.optim.exponential_decay(lr0, epoch // every, gamma=drop)


def step_decay__delegates_module_dict(lr0, epoch, drop=0.5, every=10):
    """The reference looked up in the module's namespace: `dlkit.optim.step_decay`."""
    return vars(dlkit.optim)["step_decay"](lr0, epoch, drop, every)


# ---------------------------------------------------------------------- fit_mlp


def fit_mlp__delegates_reference(
    params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu"
):
    """The reference loop: `dlkit.train.fit_mlp`."""
    return dlkit.train.fit_mlp(params, X, Y, step, epochs, batch_size, rng, hidden)


def fit_mlp__delegates_sequential(
    params, X, Y, step, epochs=10, batch_size=32, rng=None, hidden="relu"
):
    """A model: `dlkit.models.build_mlp`, its weights set from params, trained by dlkit's loop."""
    sizes = [params[0][0].shape[0]] + [W.shape[1] for W, _ in params]
    model = dlkit.models.build_mlp(sizes, hidden=hidden)
    dense = [layer for layer in model.layers if "W" in layer.params]
    for layer, (W, b) in zip(dense, params):
        layer.params["W"], layer.params["b"] = W.copy(), b.copy()
    history = dlkit.train.train_loop(
        model,
        X,
        Y,
        optimizer=dlkit.optim.GD(model, lr=0.1),
        epochs=epochs,
        batch_size=batch_size,
        rng=rng,
    )
    return [(layer.params["W"], layer.params["b"]) for layer in dense], list(history.loss)


# ---------------------------------------------------------------------- update_ratio


def update_ratio__delegates_module_dict(w, w_new):
    """The reference looked up in the module's namespace: `dlkit.optim.update_ratio`."""
    return vars(dlkit.optim)["update_ratio"](w, w_new)


def update_ratio__delegates_l2_penalty(w, w_new):
    """Squared norms from `dlkit.regularization.l2_penalty` (0.5 * lam * sum of squares, lam = 2)."""
    step = dlkit.regularization.l2_penalty([w_new - w], 2.0)
    return float(np.sqrt(step / dlkit.regularization.l2_penalty([w], 2.0)))
