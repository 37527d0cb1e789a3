"""dlkit.optim: the update rules, their state, schedules, mini-batches, PyTorch parity."""

import math

import numpy as np
import pytest

from dlkit import layers, losses, models, optim
from dlkit.checks import check_close

RNG = np.random.default_rng(5)
W0 = RNG.normal(size=(3, 4))
GRADS = [RNG.normal(size=(3, 4)) for _ in range(6)]  # a gradient per step, t = 1..6


def _run_pure(step, state_names, **kw):
    """Apply a pure step to W0 with GRADS; returns the weights after each step."""
    w, state, path = W0.copy(), [np.zeros_like(W0) for _ in state_names], []
    for t, g in enumerate(GRADS, start=1):
        extra = {"t": t} if step is optim.adam_step else {}
        out = step(w, g, *state, **extra, **kw)
        w, *state = out if isinstance(out, tuple) else (out,)
        path.append(w)
    return path


def _run_object(opt):
    w, path = W0.copy(), []
    for g in GRADS:
        w = opt.update(w, g)
        path.append(w)
    return path


def test_gd_step_is_w_minus_lr_g():
    check_close(optim.gd_step(W0, GRADS[0], 0.1), W0 - 0.1 * GRADS[0], "gd_step")


def test_momentum_forms_by_hand():
    w, v = optim.momentum_step(np.array([1.0]), np.array([2.0]), np.array([0.5]), 0.1, beta=0.8)
    check_close(v, [0.8 * 0.5 + 0.2 * 2.0], "EMA velocity")
    check_close(w, [1.0 - 0.1 * 0.8], "EMA weights")
    w, v = optim.classical_momentum_step(
        np.array([1.0]), np.array([2.0]), np.array([0.5]), 0.1, 0.8
    )
    check_close(v, [0.8 * 0.5 + 2.0], "classical velocity")
    check_close(w, [1.0 - 0.1 * 2.4], "classical weights")


def test_ema_momentum_is_classical_with_scaled_lr():
    beta, lr = 0.9, 0.05
    ema = _run_pure(optim.momentum_step, ["v"], lr=lr, beta=beta)
    classical = _run_pure(optim.classical_momentum_step, ["v"], lr=lr * (1 - beta), beta=beta)
    for a, b in zip(ema, classical, strict=True):
        check_close(a, b, "EMA vs classical momentum", rtol=1e-12)


def test_adam_first_step_moves_each_weight_by_lr():
    # with bias correction, m_hat = g and v_hat = g^2 at t = 1: a step of lr * sign(g)
    w, m, v = optim.adam_step(W0, GRADS[0], np.zeros_like(W0), np.zeros_like(W0), 1, lr=0.01)
    check_close(W0 - w, 0.01 * np.sign(GRADS[0]), "first Adam step", rtol=1e-6)
    check_close(v, 0.001 * GRADS[0] ** 2, "second moment uses beta2")


def test_adam_by_hand_at_t3_with_state():
    w, g, m, v = 0.5, -2.0, 0.3, 0.2
    b1, b2, lr, eps, t = 0.8, 0.95, 0.1, 1e-8, 3
    m_new = b1 * m + (1 - b1) * g
    v_new = b2 * v + (1 - b2) * g * g
    m_hat, v_hat = m_new / (1 - b1**t), v_new / (1 - b2**t)
    expected = w - lr * m_hat / (math.sqrt(v_hat) + eps)
    out = optim.adam_step([w], [g], [m], [v], t, lr=lr, beta1=b1, beta2=b2, eps=eps)
    check_close(out[0], [expected], "adam w", rtol=1e-12)
    check_close(out[1], [m_new], "adam m", rtol=1e-12)
    check_close(out[2], [v_new], "adam v", rtol=1e-12)


def test_adagrad_and_rmsprop_by_hand():
    w, G = optim.adagrad_step([1.0], [2.0], [5.0], 0.5, eps=0.0)
    check_close(G, [9.0], "G accumulates g^2")
    check_close(w, [1.0 - 0.5 * 2.0 / 3.0], "adagrad w")
    w, s = optim.rmsprop_step([1.0], [2.0], [5.0], 0.5, beta=0.75, eps=0.0)
    check_close(s, [0.75 * 5.0 + 0.25 * 4.0], "s averages g^2")
    check_close(w, [1.0 - 0.5 * 2.0 / math.sqrt(4.75)], "rmsprop w")


@pytest.mark.parametrize(
    ("step", "state", "kw", "opt"),
    [
        (optim.gd_step, [], {"lr": 0.1}, optim.GD(lr=0.1)),
        (optim.momentum_step, ["v"], {"lr": 0.1, "beta": 0.8}, optim.Momentum(lr=0.1, beta=0.8)),
        (
            optim.classical_momentum_step,
            ["v"],
            {"lr": 0.1, "beta": 0.8},
            optim.SGD(lr=0.1, momentum=0.8),
        ),
        (optim.adagrad_step, ["G"], {"lr": 0.1}, optim.AdaGrad(lr=0.1)),
        (optim.rmsprop_step, ["s"], {"lr": 0.1, "beta": 0.8}, optim.RMSProp(lr=0.1, beta=0.8)),
        (
            optim.adam_step,
            ["m", "v"],
            {"lr": 0.1, "beta1": 0.8, "beta2": 0.9},
            optim.Adam(lr=0.1, beta1=0.8, beta2=0.9),
        ),
    ],
    ids=lambda x: getattr(x, "__name__", None) if callable(x) else None,
)
def test_objects_follow_the_pure_steps(step, state, kw, opt):
    for a, b in zip(_run_pure(step, state, **kw), _run_object(opt), strict=True):
        check_close(b, a, f"{type(opt).__name__} vs {step.__name__}", rtol=1e-12)


def test_pure_steps_do_not_modify_their_inputs():
    w, g, m, v = W0.copy(), GRADS[0].copy(), GRADS[1].copy(), GRADS[2] ** 2
    optim.adam_step(w, g, m, v, 2)
    optim.momentum_step(w, g, m, 0.1)
    for a, b in ((w, W0), (g, GRADS[0]), (m, GRADS[1]), (v, GRADS[2] ** 2)):
        assert np.array_equal(a, b)


def test_float32_stays_float32():
    model = models.build_mlp([4, 8, 3], rng=0)
    for layer, name in model.parameters():
        layer.params[name] = layer.params[name].astype(np.float32)
    X = RNG.normal(size=(16, 4)).astype(np.float32)
    Y = losses.one_hot(RNG.integers(0, 3, 16), 3).astype(np.float32)
    opt = optim.Adam(model, lr=0.01)
    for _ in range(3):
        out = model.forward(X)
        model.backward(losses.categorical_cross_entropy_grad(Y, out))
        opt.step()
    for layer, name in model.parameters():
        assert layer.params[name].dtype == np.float32, name
        for array in opt.state[(id(layer), name)].values():
            assert getattr(array, "dtype", np.float32) == np.float32


def test_optimizer_trains_a_model():
    X = RNG.normal(size=(64, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    Y = losses.one_hot(y, 2)
    model = models.build_mlp([2, 16, 2], rng=1)
    opt = optim.get("adam", model, lr=0.05)
    first = None
    for epoch in range(60):
        for Xb, Yb in optim.iterate_minibatches(X, Y, 16, rng=epoch):
            out = model.forward(Xb)
            model.backward(losses.categorical_cross_entropy_grad(Yb, out))
            opt.step()
        loss = losses.categorical_cross_entropy(Y, model.forward(X))
        first = loss if first is None else first
    assert loss < 0.5 * first and opt.t == 60 * 4


def test_step_without_gradient_says_what_to_do():
    layer = layers.Dense(2, 3, rng=0)
    layer.grads.clear()
    with pytest.raises(RuntimeError, match=r"call model.backward"):
        optim.SGD([(layer, "W")], lr=0.1).step()


def test_bad_inputs_name_the_argument():
    with pytest.raises(ValueError, match=r"v must have the same shape as w.*\(3, 4\)"):
        optim.momentum_step(W0, GRADS[0], np.zeros(4), 0.1)
    with pytest.raises(ValueError, match=r"beta2 must be in \[0, 1\)"):
        optim.adam_step(W0, GRADS[0], W0, W0, 1, beta2=1.0)
    with pytest.raises(ValueError, match=r"t must be >= 1"):
        optim.adam_step(W0, GRADS[0], W0, W0, 0)
    with pytest.raises(ValueError, match=r"lr must be finite and > 0"):
        optim.gd_step(W0, GRADS[0], -0.1)
    with pytest.raises(ValueError, match=r"unknown optimizer 'adamw'; choose one of"):
        optim.get("adamw")
    with pytest.raises(TypeError, match=r"params must be a model"):
        optim.SGD([W0], lr=0.1)


# -- mini-batches ------------------------------------------------------------------------
def test_minibatches_cover_everything_once_and_stay_aligned():
    X = np.arange(23 * 2).reshape(23, 2)
    y = X[:, 0] * 10
    batches = list(optim.iterate_minibatches(X, y, 5, rng=np.random.default_rng(3)))
    assert [len(b[0]) for b in batches] == [5, 5, 5, 5, 3]  # the partial batch is kept
    seen = np.concatenate([xb[:, 0] for xb, _ in batches])
    assert sorted(seen) == list(X[:, 0]) and not np.array_equal(seen, X[:, 0])
    for xb, yb in batches:
        assert np.array_equal(yb, xb[:, 0] * 10)


def test_minibatches_without_shuffle_keep_order():
    X, y = np.arange(10).reshape(10, 1), np.arange(10)
    batches = list(optim.iterate_minibatches(X, y, 4, shuffle=False))
    assert [b[1].tolist() for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


def test_minibatches_reject_mismatched_lengths():
    with pytest.raises(ValueError, match=r"same number of samples.*\(5, 2\).*\(4,\)"):
        next(optim.iterate_minibatches(np.zeros((5, 2)), np.zeros(4), 2))


# -- schedules -------------------------------------------------------------------------
def test_step_and_exponential_decay():
    assert [optim.step_decay(0.1, e, 0.5, 3) for e in (0, 2, 3, 5, 6, 9)] == [
        0.1,
        0.1,
        0.05,
        0.05,
        0.025,
        0.0125,
    ]
    assert optim.exponential_decay(0.2, 3, 0.5) == pytest.approx(0.025)


def test_reduce_on_plateau_waits_patience_then_reduces():
    sched = optim.PlateauSchedule(1.0, factor=0.5, patience=2, min_delta=0.01)
    lrs = [sched.update(x) for x in (1.0, 0.9, 0.895, 0.899, 0.95, 0.8, 0.9, 0.9, 0.9)]
    # 0.895 is not better than 0.9 by more than 0.01: three bad epochs -> halve
    assert lrs == [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25]


def test_reduce_on_plateau_updates_the_optimizer_and_respects_min_lr():
    opt = optim.Adam(lr=0.01)
    sched = optim.PlateauSchedule(optimizer=opt, factor=0.1, patience=0, min_lr=0.0005)
    for value in (1.0, 1.0, 1.0, 1.0):
        sched.update(value)
    assert opt.lr == 0.0005


# -- PyTorch parity --------------------------------------------------------------------------
TORCH_CASES = {
    "sgd": (lambda t, p: t.optim.SGD(p, lr=0.1), optim.GD(lr=0.1)),
    "sgd-momentum": (
        lambda t, p: t.optim.SGD(p, lr=0.1, momentum=0.8),
        optim.SGD(lr=0.1, momentum=0.8),
    ),
    "nesterov": (
        lambda t, p: t.optim.SGD(p, lr=0.1, momentum=0.8, nesterov=True),
        optim.SGD(lr=0.1, momentum=0.8, nesterov=True),
    ),
    "ema-momentum": (
        # the mapping documented in dlkit.optim: EMA form = SGD with lr / (1 - beta)
        lambda t, p: t.optim.SGD(p, lr=0.1 * (1 - 0.8), momentum=0.8),
        optim.Momentum(lr=0.1, beta=0.8),
    ),
    "adagrad": (lambda t, p: t.optim.Adagrad(p, lr=0.1), optim.AdaGrad(lr=0.1)),
    "rmsprop": (
        lambda t, p: t.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-8),
        optim.RMSProp(lr=0.01, beta=0.9),
    ),
    "adam": (
        lambda t, p: t.optim.Adam(p, lr=0.01, betas=(0.8, 0.95), eps=1e-8),
        optim.Adam(lr=0.01, beta1=0.8, beta2=0.95),
    ),
}


@pytest.mark.parametrize("case", sorted(TORCH_CASES))
def test_pytorch_parity(case):
    torch = pytest.importorskip("torch")
    make_torch, ours = TORCH_CASES[case]
    p = torch.nn.Parameter(torch.tensor(W0))
    opt = make_torch(torch, [p])
    w = W0.copy()
    for g in GRADS:
        p.grad = torch.tensor(g)
        opt.step()
        w = ours.update(w, g)
        check_close(w, p.detach().numpy(), f"{case} vs torch.optim", atol=1e-6, rtol=0)


def test_pytorch_parity_float32_model():
    torch = pytest.importorskip("torch")
    w32 = W0.astype(np.float32)
    p = torch.nn.Parameter(torch.tensor(w32))
    opt = torch.optim.Adam([p], lr=0.001)
    ours = optim.Adam(lr=0.001)
    w = w32
    for g in GRADS:
        p.grad = torch.tensor(g.astype(np.float32))
        opt.step()
        w = ours.update(w, g.astype(np.float32))
    assert w.dtype == np.float32
    check_close(w, p.detach().numpy(), "float32 Adam vs torch", atol=1e-6, rtol=0)


def test_pytorch_schedulers_agree():
    torch = pytest.importorskip("torch")
    p = torch.nn.Parameter(torch.zeros(1))

    def lrs(make, n, metrics=None):
        opt = torch.optim.SGD([p], lr=0.1)
        sched = make(opt)
        out = []
        for epoch in range(n):
            out.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step(metrics[epoch]) if metrics is not None else sched.step()
        return out

    step = lrs(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5), 10)
    check_close([optim.step_decay(0.1, e, 0.5, 3) for e in range(10)], step, "StepLR", rtol=1e-12)
    expo = lrs(lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9), 10)
    check_close(
        [optim.exponential_decay(0.1, e, 0.9) for e in range(10)], expo, "ExponentialLR", rtol=1e-9
    )
    metrics = [1.0, 0.9, 0.95, 0.91, 0.92, 0.93, 0.85, 0.86, 0.87, 0.88, 0.89, 0.9, 0.9, 0.9]
    plateau = lrs(
        lambda o: torch.optim.lr_scheduler.ReduceLROnPlateau(
            o, factor=0.5, patience=2, threshold=0.01, threshold_mode="abs", cooldown=1
        ),
        len(metrics),
        metrics,
    )
    ours = optim.PlateauSchedule(0.1, factor=0.5, patience=2, min_delta=0.01, cooldown=1)
    mine = [0.1] + [ours.update(m) for m in metrics[:-1]]
    check_close(mine, plateau, "ReduceLROnPlateau", rtol=1e-12)


# -- update rules as callables, and the update-to-weight ratio ------------------------------


@pytest.mark.parametrize(
    "name, hyper, pure, state_names",
    [
        ("gd", {"lr": 0.1}, optim.gd_step, []),
        ("momentum", {"lr": 0.1, "beta": 0.8}, optim.momentum_step, ["v"]),
        ("adagrad", {"lr": 0.1, "eps": 1e-6}, optim.adagrad_step, ["G"]),
        ("rmsprop", {"lr": 0.01, "beta": 0.7}, optim.rmsprop_step, ["s"]),
        ("adam", {"lr": 0.01, "beta1": 0.8, "beta2": 0.9}, optim.adam_step, ["m", "v"]),
    ],
)
def test_step_rule_follows_the_pure_step_and_keeps_its_state(name, hyper, pure, state_names):
    step = optim.step_rule(name, **hyper)
    w, state = W0.copy(), {}
    for g, expected in zip(GRADS, _run_pure(pure, state_names, **hyper), strict=True):
        w_before = w.copy()
        state_before = {k: np.copy(v) for k, v in state.items()}
        w_new, state_new = step(w, g, state)
        check_close(w, w_before, f"{name}: the caller's w is untouched")
        for key, value in state_before.items():
            check_close(state[key], value, f"{name}: the caller's state {key!r} is untouched")
        assert state_new is not state
        w, state = w_new, state_new
        check_close(w, expected, f"{name} rule against {pure.__name__}")
    assert set(state) == set(state_names) | ({"t"} if name == "adam" else set())
    if name == "adam":
        assert state["t"] == len(GRADS)


def test_step_rule_adam_defaults_and_object_agree():
    step, opt = optim.step_rule("adam"), optim.Adam(lr=1e-3)
    w, state, w_obj = W0.copy(), {}, W0.copy()
    for g in GRADS:
        w, state = step(w, g, state)
        w_obj = opt.update(w_obj, g)
    check_close(w, w_obj, "step_rule('adam') against Adam.update")
    assert optim.step_rule("GD", lr=0.5).__name__ == "gd_rule"


def test_step_rule_validates_when_it_is_built():
    with pytest.raises(ValueError, match="unknown update rule 'nesterov'"):
        optim.step_rule("nesterov", lr=0.1)
    with pytest.raises(ValueError, match="takes the hyperparameters lr, beta, eps; got beta1"):
        optim.step_rule("rmsprop", lr=0.1, beta1=0.9)
    with pytest.raises(ValueError, match="needs a learning rate"):
        optim.step_rule("momentum", beta=0.9)
    with pytest.raises(ValueError, match="lr"):
        optim.step_rule("gd", lr=-0.1)
    with pytest.raises(ValueError, match="beta"):
        optim.step_rule("momentum", lr=0.1, beta=1.5)
    with pytest.raises(TypeError, match="state must be the dict of this parameter array"):
        optim.step_rule("gd", lr=0.1)(W0, GRADS[0], None)


def test_update_ratio_by_hand_and_on_any_shape():
    assert optim.update_ratio(np.array([3.0, -4.0]), np.array([3.03, -4.04])) == pytest.approx(0.01)
    w = RNG.normal(size=(2, 3, 4))
    w_new = w + 1e-3 * RNG.normal(size=w.shape)
    expected = np.sqrt(np.sum((w_new - w) ** 2) / np.sum(w**2))
    got = optim.update_ratio(w, w_new)
    assert isinstance(got, float) and got == pytest.approx(expected, rel=1e-12)
    # gradient descent moves w by lr * ||g||
    assert optim.update_ratio(W0, optim.gd_step(W0, GRADS[0], 0.01)) == pytest.approx(
        0.01 * np.linalg.norm(GRADS[0]) / np.linalg.norm(W0)
    )


def test_update_ratio_validates():
    with pytest.raises(
        ValueError, match=r"w_new must have the shape of w: expected \(3, 4\), got \(4, 3\)"
    ):
        optim.update_ratio(W0, W0.T)
    with pytest.raises(ValueError, match="w is all zeros"):
        optim.update_ratio(np.zeros(3), np.ones(3))
    with pytest.raises(TypeError, match="w must contain real numbers"):
        optim.update_ratio(np.array(["a"]), np.array(["b"]))


@pytest.mark.parametrize("name", ["gd", "momentum", "adagrad", "rmsprop", "adam"])
def test_an_optimizer_runs_the_pure_step_it_is_given(name):
    """``step_fn=``: the object runs that step (a student's, in notebook 05) in place of its
    kernels, on one array (update) and on a model's one buffer (step); the pure reference
    gives the kernels' path, a wrong step another one."""
    from dlkit import train

    pure = getattr(optim, f"{name}_step")
    calls = []

    def counted(*args):
        calls.append(1)
        return pure(*args)

    def wrong(w, g, *rest):
        out = pure(w, -g, *rest)  # uphill
        return out

    rng = np.random.default_rng(3)
    grads = rng.normal(size=(6, 3, 2))
    paths = {}
    for label, fn in (("kernels", None), ("pure", counted), ("wrong", wrong)):
        opt = optim.get(name, lr=0.05, step_fn=fn)
        w = np.ones((3, 2))
        for g in grads:
            w = opt.update(w, g)
        paths[label] = w
    assert len(calls) == len(grads)
    np.testing.assert_allclose(paths["pure"], paths["kernels"], rtol=1e-12)
    assert not np.allclose(paths["wrong"], paths["kernels"])
    X = rng.normal(size=(40, 2))
    Y = losses.one_hot(rng.integers(0, 2, size=40), 2)
    histories = [
        train.train_loop(
            model := models.build_mlp([2, 5, 2], rng=0), X, Y,
            optimizer=optim.get(name, model, lr=0.05, step_fn=fn), epochs=3, batch_size=8,
        ).loss
        for fn in (None, pure)
    ]  # fmt: skip
    np.testing.assert_allclose(histories[1], histories[0], rtol=1e-10)


def test_a_step_fn_must_be_a_function():
    with pytest.raises(TypeError, match="step_fn must be a function"):
        optim.GD(lr=0.1, step_fn="gd")


@pytest.mark.parametrize("name", ["momentum", "adam"])
def test_an_optimizer_with_a_step_fn_makes_no_work_arrays(name):
    """The work arrays serve dlkit's in-place kernels only: an optimizer running a given
    step (per parameter or on a model's one buffer) makes none, one without does."""
    from dlkit import train

    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(32, 2)), losses.one_hot(rng.integers(0, 2, size=32), 2)
    for fn, makes in ((getattr(optim, f"{name}_step"), False), (None, True)):
        model = models.build_mlp([2, 4, 2], rng=0)
        opt = optim.get(name, model, lr=0.05, step_fn=fn)
        train.train_loop(model, X, Y, optimizer=opt, epochs=1, batch_size=8)
        assert opt._flat is not None  # the model's parameters share one buffer
        assert ("scratch" in vars(opt._flat)) == makes
        w = opt.update(np.ones((3, 2)), np.ones((3, 2)))  # one array on its own
        assert w.shape == (3, 2) and bool(opt._scratch) == makes
