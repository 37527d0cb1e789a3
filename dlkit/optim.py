"""Optimizers: update rules as pure steps and as objects, mini-batches, learning-rate schedules.

Two layers, one set of formulas:

* **Pure steps** (``gd_step``, ``momentum_step``, ``classical_momentum_step``,
  ``adagrad_step``, ``rmsprop_step``, ``adam_step``) take the weights, the gradient
  and the optimizer state, and return new arrays; the inputs are never modified.
  They are the references for notebook 05's exercises.
* **Optimizer objects** (``GD``, ``SGD``, ``Momentum``, ``AdaGrad``, ``RMSProp``,
  ``Adam``) keep the state for every parameter of a model and update it in place,
  which is what a training loop wants::

      model = models.build_mlp([2, 16, 2], rng=0)
      opt = optim.Adam(model, lr=1e-3)
      for Xb, Yb in optim.iterate_minibatches(X, Y, 32, rng=rng):
          out = model.forward(Xb)
          model.backward(losses.categorical_cross_entropy_grad(Yb, out))
          opt.step()

  ``opt.update(w, g)`` advances a single array instead (the optimizer playground
  moves a point on a 2-D surface this way). ``step_fn=`` runs a pure step of the same
  signature as dlkit's (your own ``momentum_step``, say) in place of dlkit's kernels:
  ``Momentum(lr=0.05, beta=0.9, step_fn=momentum_step)``.

Both layers run the same formulas as the same operations in the same order: the pure
steps through the in-place kernels (``_adam`` ...), the objects through their twins
(``_adam_into`` ...), which put every temporary into two work arrays allocated once per
parameter (``out=``), so that a step allocates nothing. The results are identical bit
for bit (tests/test_inplace.py); a gradient whose dtype differs from the weights' takes
the allocating kernels, whose casting is the pure steps'.

Momentum, two forms
-------------------
=========================  =================================  ===================
form                       update                             ``torch.optim``
=========================  =================================  ===================
exponential average        ``v = beta v + (1 - beta) g``      ``SGD(lr / (1 - beta),
(``momentum_step``,        ``w = w - lr v``                   momentum=beta)``
``Momentum``)
classical (heavy ball)     ``v = beta v + g``                 ``SGD(lr,
(``classical_momentum_     ``w = w - lr v``                   momentum=beta)``
step``, ``SGD``)
=========================  =================================  ===================

Starting from ``v = 0``, the average form's velocity is always ``(1 - beta)`` times
the classical one, so the two trace the same path when the average form's learning
rate is ``lr / (1 - beta)`` times the classical one. The average form keeps the step
size comparable to plain gradient descent whatever ``beta`` is; the classical form's
steps grow by up to ``1 / (1 - beta)`` (10x for ``beta = 0.9``).
``torch.optim.SGD(dampening=beta)`` is *not* the average form: PyTorch starts its
buffer at ``g`` rather than ``(1 - beta) g``.

The other rules agree with PyTorch (defaults aside) to floating-point precision:
``AdaGrad`` = ``torch.optim.Adagrad`` (no ``lr_decay``), ``RMSProp`` =
``torch.optim.RMSprop(alpha=beta)``, ``Adam`` = ``torch.optim.Adam``.
PyTorch's RMSprop defaults to ``alpha=0.99`` and ``lr=0.01``; ours to 0.9 and 0.01.

The 2-D loss surfaces that the optimizers are drawn on live in :mod:`dlkit.landscapes`.

Update rules as callables: ``step_rule("adam", lr=0.01)`` wraps a pure step into CS231n's
form ``step(w, g, state) -> (w_new, state)``, one state dict per parameter array, which is
what :func:`dlkit.train.fit_mlp` (the reference of notebook 05's training loop) calls.
``update_ratio(w, w_new)`` measures a step as ``||w_new - w|| / ||w||``, the learning-rate
gauge of notebook 05 (about 1e-3 is healthy).

Learning-rate schedules: ``step_decay`` (= ``torch.optim.lr_scheduler.StepLR``),
``exponential_decay`` (= ``ExponentialLR``) and ``PlateauSchedule`` (= PyTorch's ``ReduceLROnPlateau``,
with ``threshold_mode="abs"``).
"""

from __future__ import annotations

import functools
import inspect
import math

import numpy as np

from ._validation import (
    as_float_array,
    check_functions,
    check_int,
    check_positive,
    check_rng,
    check_unit_interval,
)

__all__ = [
    "iterate_minibatches",
    "gd_step",
    "momentum_step",
    "classical_momentum_step",
    "adagrad_step",
    "rmsprop_step",
    "adam_step",
    "step_rule",
    "STEP_RULES",
    "update_ratio",
    "Optimizer",
    "GD",
    "SGD",
    "Momentum",
    "AdaGrad",
    "RMSProp",
    "Adam",
    "OPTIMIZERS",
    "get",
    "step_decay",
    "exponential_decay",
    "PlateauSchedule",
]


# -- input checks ------------------------------------------------------------------
def _beta(value, name: str) -> float:
    return check_unit_interval(
        value, name, "It is a decay rate: 0.9 keeps about the last 10 steps, 0.999 about 1000."
    )


def _arrays(w, g, **state) -> tuple[np.ndarray, ...]:
    """Check that weights, gradient and state arrays are float arrays of one shape."""
    w = as_float_array(w, "w")
    out = [w]
    for name, value in {"g": g, **state}.items():
        arr = as_float_array(value, name)
        if arr.shape != w.shape:
            raise ValueError(
                f"{name} must have the same shape as w: expected {w.shape}, got {arr.shape}. "
                f"Keep one {name} entry for every weight (start from np.zeros_like(w))."
            )
        out.append(arr)
    return tuple(out)


def _copies(w, g, **state) -> tuple[np.ndarray, ...]:
    """Validated arrays, with w and the state copied so the caller's stay untouched."""
    arrays = _arrays(w, g, **state)
    return (arrays[0].copy(), arrays[1], *(a.copy() for a in arrays[2:]))


# -- in-place kernels: the one implementation of every rule -------------------------
# Scalars are Python floats: a NumPy float64 scalar would promote float32 work to
# float64 (5x slower Adam steps, see TECH_NOTES).
def _gd(w, g, lr):
    w -= lr * g


def _ema_momentum(w, g, v, lr, beta):
    v *= beta
    v += (1.0 - beta) * g
    w -= lr * v


def _classical_momentum(w, g, v, lr, beta, nesterov=False):
    v *= beta
    v += g
    w -= lr * (g + beta * v) if nesterov else lr * v


def _adagrad(w, g, G, lr, eps):
    G += g * g
    w -= lr * g / (np.sqrt(G) + eps)


def _rmsprop(w, g, s, lr, beta, eps):
    s *= beta
    s += (1.0 - beta) * (g * g)
    w -= lr * g / (np.sqrt(s) + eps)


def _adam(w, g, m, v, t, lr, beta1, beta2, eps):
    m *= beta1
    m += (1.0 - beta1) * g
    v *= beta2
    v += (1.0 - beta2) * (g * g)
    # w -= lr * m_hat / (sqrt(v_hat) + eps), with m_hat = m / (1 - beta1^t) and
    # v_hat = v / (1 - beta2^t), arranged as PyTorch does to save two array passes
    root_c2 = math.sqrt(1.0 - beta2**t)
    denom = np.sqrt(v)
    denom /= root_c2
    denom += eps
    w -= (lr / (1.0 - beta1**t)) * m / denom


# -- the same rules into preallocated scratch arrays (the optimizer objects' fast path) -----
# Each one does exactly the operations of the kernel above, in the same order and the same
# dtype, so the results are identical bit for bit; only the temporaries are not allocated
# anew on every step (an allocation of a weight-sized array costs page faults every time).
# ``a`` and ``b`` are scratch arrays shaped and typed like ``w``; their content is garbage.
def _gd_into(w, g, lr, a, b):
    np.multiply(g, lr, out=a)
    w -= a


def _ema_momentum_into(w, g, v, lr, beta, a, b):
    v *= beta
    np.multiply(g, 1.0 - beta, out=a)
    v += a
    np.multiply(v, lr, out=a)
    w -= a


def _classical_momentum_into(w, g, v, lr, beta, nesterov, a, b):
    v *= beta
    v += g
    if nesterov:
        np.multiply(v, beta, out=a)
        a += g
        a *= lr
    else:
        np.multiply(v, lr, out=a)
    w -= a


def _scaled_step_into(w, g, root, lr, eps, a, b):
    """``w -= lr * g / (root + eps)`` with ``root`` already in ``a``."""
    a += eps
    np.multiply(g, lr, out=b)
    b /= a
    w -= b


def _adagrad_into(w, g, G, lr, eps, a, b):
    np.multiply(g, g, out=a)
    G += a
    np.sqrt(G, out=a)
    _scaled_step_into(w, g, a, lr, eps, a, b)


def _rmsprop_into(w, g, s, lr, beta, eps, a, b):
    s *= beta
    np.multiply(g, g, out=a)
    a *= 1.0 - beta
    s += a
    np.sqrt(s, out=a)
    _scaled_step_into(w, g, a, lr, eps, a, b)


def _adam_into(w, g, m, v, t, lr, beta1, beta2, eps, a, b):
    m *= beta1
    np.multiply(g, 1.0 - beta1, out=a)
    m += a
    v *= beta2
    np.multiply(g, g, out=a)
    a *= 1.0 - beta2
    v += a
    np.sqrt(v, out=a)
    a /= math.sqrt(1.0 - beta2**t)
    a += eps
    np.multiply(m, lr / (1.0 - beta1**t), out=b)
    b /= a
    w -= b


# -- pure steps ----------------------------------------------------------------------
def gd_step(w, g, lr: float) -> np.ndarray:
    """Gradient descent: ``w - lr * g`` (a new array)."""
    w, g = _copies(w, g)
    _gd(w, g, check_positive(lr, "lr"))
    return w


def momentum_step(w, g, v, lr: float, beta: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
    """Momentum, exponential-average form: ``v = beta v + (1 - beta) g``; ``w -= lr v``.

    Returns the new ``(w, v)``; start with ``v = np.zeros_like(w)``.
    """
    w, g, v = _copies(w, g, v=v)
    _ema_momentum(w, g, v, check_positive(lr, "lr"), _beta(beta, "beta"))
    return w, v


def classical_momentum_step(
    w, g, v, lr: float, beta: float = 0.9, nesterov: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Momentum, classical form: ``v = beta v + g``; ``w -= lr v`` (``torch.optim.SGD``).

    With ``nesterov=True`` the step uses the look-ahead gradient ``g + beta v``.
    """
    w, g, v = _copies(w, g, v=v)
    _classical_momentum(w, g, v, check_positive(lr, "lr"), _beta(beta, "beta"), bool(nesterov))
    return w, v


def adagrad_step(w, g, G, lr: float, eps: float = 1e-8) -> tuple[np.ndarray, np.ndarray]:
    """AdaGrad: ``G = G + g^2``; ``w -= lr g / (sqrt(G) + eps)``. Returns ``(w, G)``."""
    w, g, G = _copies(w, g, G=G)
    _adagrad(w, g, G, check_positive(lr, "lr"), check_positive(eps, "eps", allow_zero=True))
    return w, G


def rmsprop_step(
    w, g, s, lr: float, beta: float = 0.9, eps: float = 1e-8
) -> tuple[np.ndarray, np.ndarray]:
    """RMSProp: ``s = beta s + (1 - beta) g^2``; ``w -= lr g / (sqrt(s) + eps)``.

    Returns ``(w, s)``.
    """
    w, g, s = _copies(w, g, s=s)
    _rmsprop(
        w,
        g,
        s,
        check_positive(lr, "lr"),
        _beta(beta, "beta"),
        check_positive(eps, "eps", allow_zero=True),
    )
    return w, s


def adam_step(
    w,
    g,
    m,
    v,
    t: int,
    lr: float = 1e-3,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Adam with bias correction; ``t`` counts steps from 1. Returns ``(w, m, v)``.

    ``m = beta1 m + (1 - beta1) g``, ``v = beta2 v + (1 - beta2) g^2``,
    ``m_hat = m / (1 - beta1^t)``, ``v_hat = v / (1 - beta2^t)``,
    ``w -= lr m_hat / (sqrt(v_hat) + eps)``.
    """
    w, g, m, v = _copies(w, g, m=m, v=v)
    t = check_int(t, "t", minimum=1)
    _adam(
        w,
        g,
        m,
        v,
        t,
        check_positive(lr, "lr"),
        _beta(beta1, "beta1"),
        _beta(beta2, "beta2"),
        check_positive(eps, "eps", allow_zero=True),
    )
    return w, m, v


# -- update rules as callables, and the size of a step ---------------------------------
def _rule_gd(w, g, state, lr):
    return gd_step(w, g, lr), {}


def _rule_momentum(w, g, state, lr, beta=0.9):
    v = state["v"] if "v" in state else np.zeros_like(w)
    w, v = momentum_step(w, g, v, lr, beta)
    return w, {"v": v}


def _rule_adagrad(w, g, state, lr, eps=1e-8):
    G = state["G"] if "G" in state else np.zeros_like(w)
    w, G = adagrad_step(w, g, G, lr, eps)
    return w, {"G": G}


def _rule_rmsprop(w, g, state, lr, beta=0.9, eps=1e-8):
    s = state["s"] if "s" in state else np.zeros_like(w)
    w, s = rmsprop_step(w, g, s, lr, beta, eps)
    return w, {"s": s}


def _rule_adam(w, g, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state.get("t", 0) + 1
    m = state["m"] if "m" in state else np.zeros_like(w)
    v = state["v"] if "v" in state else np.zeros_like(w)
    w, m, v = adam_step(w, g, m, v, t, lr, beta1, beta2, eps)
    return w, {"m": m, "v": v, "t": t}


STEP_RULES = {
    "gd": _rule_gd,
    "momentum": _rule_momentum,
    "adagrad": _rule_adagrad,
    "rmsprop": _rule_rmsprop,
    "adam": _rule_adam,
}


def step_rule(name: str, **hyper):
    """An update rule in CS231n's form: ``step(w, g, state) -> (w_new, new_state)``.

    The returned callable advances ONE parameter array. ``state`` is that array's own
    dict, ``{}`` before its first step; pass back the dict the previous call returned.
    Nothing is modified in place: ``w_new`` and the new state are new objects.

    Parameters
    ----------
    name : {"gd", "momentum", "adagrad", "rmsprop", "adam"}
        The pure step behind the rule: :func:`gd_step`, :func:`momentum_step`
        (exponential-average form, state ``{"v"}``), :func:`adagrad_step` (``{"G"}``),
        :func:`rmsprop_step` (``{"s"}``) or :func:`adam_step` (``{"m", "v", "t"}``,
        ``t`` counting this array's steps from 1).
    **hyper
        The step's hyperparameters: ``lr`` (required except for Adam, default 1e-3),
        ``beta``, ``beta1``, ``beta2``, ``eps`` as the pure step names them.

    Returns
    -------
    callable ``step(w, g, state) -> (w_new, new_state)``

    Raises
    ------
    ValueError
        For an unknown name, an unknown or missing hyperparameter, or a bad value.

    Examples
    --------
    >>> step = step_rule("momentum", lr=0.1, beta=0.9)
    >>> w, state = step(np.ones(2), np.ones(2), {})
    >>> w, state = step(w, np.ones(2), state)
    """
    key = str(name).lower()
    if key not in STEP_RULES:
        raise ValueError(
            f"unknown update rule {name!r}; choose one of {', '.join(map(repr, STEP_RULES))}."
        )
    rule = STEP_RULES[key]
    names = list(inspect.signature(rule).parameters)[3:]
    unknown = sorted(set(hyper) - set(names))
    if unknown:
        raise ValueError(
            f"step_rule({key!r}) takes the hyperparameters {', '.join(names)}; got "
            f"{', '.join(unknown)}. Check the spelling (beta1/beta2 are Adam's)."
        )
    if key != "adam" and "lr" not in hyper:
        raise ValueError(f"step_rule({key!r}) needs a learning rate: pass lr=..., e.g. lr=0.1.")
    # validate now, so a bad value fails here and not in the middle of training
    rule(np.zeros(1), np.zeros(1), {}, **hyper)

    def step(w, g, state):
        if not isinstance(state, dict):
            raise TypeError(
                f"state must be the dict of this parameter array ({{}} before its first step); "
                f"got {type(state).__name__}."
            )
        return rule(w, g, state, **hyper)

    step.__name__ = step.__qualname__ = f"{key}_rule"
    step.__doc__ = f"{key} update rule with {hyper}: step(w, g, state) -> (w_new, new_state)."
    return step


def update_ratio(w, w_new) -> float:
    """The size of a step relative to the weights: ``||w_new - w|| / ||w||``.

    Norms are Euclidean over all entries (Frobenius for a matrix). CS231n's rule of
    thumb: about 1e-3 per step for a weight matrix is healthy; much lower means the
    learning rate is too small, about 1e-1 or more too large.

    Parameters
    ----------
    w : ndarray of any shape, the weights before the step (not all zero)
    w_new : ndarray shaped like w, the weights after it

    Returns
    -------
    float

    Raises
    ------
    ValueError
        When the shapes differ or ``w`` is all zeros (biases start at zero: measure
        the weight matrices).
    """
    w = as_float_array(w, "w")
    w_new = as_float_array(w_new, "w_new")
    if w.shape != w_new.shape:
        raise ValueError(
            f"w_new must have the shape of w: expected {w.shape}, got {w_new.shape}. "
            "Pass one parameter array before and after the same step."
        )
    scale = float(np.linalg.norm(w.ravel()))
    if scale == 0.0:
        raise ValueError(
            "w is all zeros, so the ratio is undefined. Measure the weight matrices "
            "(biases start at zero), or wait for a step that moves w away from zero."
        )
    return float(np.linalg.norm((w_new - w).ravel())) / scale


# -- optimizer objects ----------------------------------------------------------------
def _slots(params) -> list:
    """``(holder, name)`` pairs whose ``holder.params[name]`` / ``.grads[name]`` we update."""
    if params is None:
        return []
    if hasattr(params, "parameters"):
        params = params.parameters()
    slots = list(params)
    for slot in slots:
        ok = isinstance(slot, tuple) and len(slot) == 2 and hasattr(slot[0], "params")
        if not ok:
            raise TypeError(
                "params must be a model (with .parameters()) or (layer, name) pairs such as "
                f"model.parameters() returns; got an element {slot!r}."
            )
    return slots


def _root(a: np.ndarray):
    while isinstance(a.base, np.ndarray):
        a = a.base
    return a


def _split(flat: np.ndarray, shapes: list) -> list:
    """Views of the consecutive pieces of the 1-D ``flat``, shaped as ``shapes``."""
    views, start = [], 0
    for shape in shapes:
        size = math.prod(shape)
        views.append(flat[start : start + size].reshape(shape))
        start += size
    return views


def _same(arrays: list, others: list | None) -> bool:
    """Whether two lists hold the very same objects, in the same order."""
    return (
        others is not None
        and len(arrays) == len(others)
        and all(a is b for a, b in zip(arrays, others, strict=True))
    )


def _contiguous_view(arrays: list) -> np.ndarray | None:
    """One 1-D array over ``arrays`` when they lie one after the other, in this order, in
    one writable float buffer (views of it, each C-contiguous); else None."""
    first = arrays[0]
    if not isinstance(first, np.ndarray) or first.dtype.kind != "f":
        return None
    root = _root(first)
    address = first.ctypes.data
    for a in arrays:
        if not (
            isinstance(a, np.ndarray)
            and a.dtype == first.dtype
            and a.flags.c_contiguous
            and a.flags.writeable
            and _root(a) is root
            and a.ctypes.data == address
        ):
            return None
        address += a.nbytes
    if not root.flags.c_contiguous or root.dtype != first.dtype:
        return None
    start = (first.ctypes.data - root.ctypes.data) // root.itemsize
    return root.reshape(-1)[start : start + (address - first.ctypes.data) // root.itemsize]


class _FlatSlots:
    """The parameters of an optimizer's slots as one array, for :meth:`Optimizer.step`.

    A :class:`dlkit.models.Sequential` keeps its parameters one after the other in one
    buffer (and its Dense layers write their gradients into a second one while ``fit``
    runs), so a rule can run once on the whole buffer instead of once per parameter: the
    same element-wise operations with the same scalars, so the same numbers bit for bit,
    with a dozen NumPy calls per step instead of a dozen per parameter (a model's biases
    are tiny arrays, on which a call costs far more than its arithmetic). The state
    arrays of each parameter (``optimizer.state[key]["m"]``, ...) are views of the flat
    state, so they read as before. Anything that does not fit (parameters replaced or
    apart, gradients of another dtype, step counts that differ) takes the per-parameter
    path, which gives the same results.
    """

    def __init__(self, keys, params, states, w):
        self.keys, self.params, self.states, self.w = keys, params, states, w
        self.grads: list = []
        self.g = None
        self.gather = False
        self.state = {"t": states[0]["t"]}
        self.views: dict[str, list] = {}

    @functools.cached_property
    def scratch(self) -> tuple:
        """Two work arrays like ``w``, made on the first step that needs them (none with a
        ``step_fn``, which computes its own)."""
        return (np.empty_like(self.w), np.empty_like(self.w))

    @classmethod
    def adopt(cls, slots, params, w, state: dict):
        """The flat form of ``slots`` whose ``params`` lie in ``w`` (their contiguous view),
        or None when their state does not allow one step for all (see the class)."""
        keys = [(id(layer), name) for layer, name in slots]
        if len(set(keys)) != len(keys):
            return None
        if all(key not in state for key in keys):
            for key in keys:
                state[key] = {"t": 0}
        states = [state.get(key) for key in keys]
        if any(s is None or s.get("t") != states[0].get("t") for s in states):
            return None
        names = [sorted(k for k, v in s.items() if isinstance(v, np.ndarray)) for s in states]
        if any(n != names[0] for n in names):
            return None
        for name in names[0]:
            for s, p in zip(states, params, strict=True):
                if s[name].shape != p.shape or s[name].dtype != p.dtype:
                    return None
        flat = cls(keys, params, states, w)
        for name in names[0]:
            flat.state[name] = np.concatenate([s[name].reshape(-1) for s in states])
        flat.share_new_state()
        return flat

    def holds(self, params: list, state: dict) -> bool:
        """Whether the slots still hold the arrays (and state) this was built on."""
        return _same(params, self.params) and all(
            state.get(key) is s for key, s in zip(self.keys, self.states, strict=True)
        )

    def take_grads(self, grads: list) -> bool:
        """Point ``g`` at the gradients (their own buffer when they share one, else a copy)."""
        if not _same(grads, self.grads):
            for g, p in zip(grads, self.params, strict=True):
                if not isinstance(g, np.ndarray) or g.shape != p.shape or g.dtype != p.dtype:
                    self.grads = []
                    return False
            self.grads = grads
            self.g = _contiguous_view(grads)
            self.gather = self.g is None
            if self.gather:
                self.g = np.empty_like(self.w)
                self._g_parts = _split(self.g, [p.shape for p in self.params])
        if self.gather:
            for part, g in zip(self._g_parts, grads, strict=True):
                np.copyto(part, g)
        return True

    def advance(self) -> None:
        self.state["t"] += 1
        for s in self.states:
            s["t"] += 1  # each parameter counts its steps, as on the per-parameter path

    def share_new_state(self) -> None:
        """Give each parameter's state views of any flat state array created by a step."""
        for name, flat in self.state.items():
            if name == "t" or (name in self.views and self.views[name][0].base is flat):
                continue
            views = self.views[name] = _split(flat, [p.shape for p in self.params])
            for s, view in zip(self.states, views, strict=True):
                s[name] = view


class Optimizer:
    """Base class: per-parameter state and ``step()`` (a model) / ``update()`` (one array).

    ``params`` is a model (anything with ``.parameters()``), the ``(layer, name)``
    pairs it returns, or None when only :meth:`update` will be used. ``step_fn`` (GD,
    Momentum, AdaGrad, RMSProp, Adam): a pure step with the signature of dlkit's
    (``gd_step``, ``momentum_step``, ...), such as your own of notebook 05, run in place of
    dlkit's kernels; None runs dlkit's.
    """

    name = "optimizer"

    def __init__(self, params=None, lr: float = 0.01, step_fn=None):
        self.lr = check_positive(lr, "lr")
        check_functions(step_fn=step_fn)
        self.step_fn = step_fn
        self.slots = _slots(params)
        self.state: dict = {}
        self._scratch: dict = {}  # two work arrays per parameter, reused by every step
        self._flat: _FlatSlots | None = None  # step()'s one-buffer path, see _FlatSlots
        self._apart: list | None = None  # parameters seen not to share one buffer
        self.t = 0

    # subclasses implement the rule on one array, in place; ``scratch`` is None or two
    # work arrays shaped and typed like ``w`` (then the ``_*_into`` kernels run)
    def _apply(
        self, w: np.ndarray, g: np.ndarray, state: dict, scratch
    ) -> None:  # pragma: no cover
        raise NotImplementedError

    def _work_arrays(self, w: np.ndarray, g: np.ndarray, state: dict, key):
        """Two scratch arrays for this parameter when every array shares ``w``'s dtype and
        shape (the usual case), else None: mixed dtypes take the allocating kernels, whose
        casting rules are the pure steps'. None with a ``step_fn`` too: it does not use them."""
        if self.step_fn is not None or g.dtype != w.dtype or g.shape != w.shape:
            return None
        for value in state.values():
            if isinstance(value, np.ndarray) and (value.dtype != w.dtype or value.shape != w.shape):
                return None
        scratch = self._scratch.get(key)
        if scratch is None or scratch[0].shape != w.shape or scratch[0].dtype != w.dtype:
            # zeros, not np.empty: a call's arguments are then the same on every run (a copy
            # of dlkit that leaves these kernels out replays recorded calls, matched by them)
            scratch = self._scratch[key] = (np.zeros_like(w), np.zeros_like(w))
        return scratch

    def _run_step_fn(self, w: np.ndarray, g: np.ndarray, slots: tuple, *hyper) -> None:
        """Advance ``w`` and its state arrays ``slots`` in place by ``self.step_fn``, a pure
        step called as dlkit's (``momentum_step(w, g, v, lr, beta) -> (w_new, v_new)``): the
        optimizer runs your rule instead of its kernels."""
        out = self.step_fn(w, g, *slots, *hyper)
        targets = (w, *slots)
        if len(targets) == 1:
            out = (out,)
        name = getattr(self.step_fn, "__name__", "step_fn")
        if not isinstance(out, tuple | list) or len(out) != len(targets):
            what = ", ".join(["w_new", *(f"{s}_new" for s in self.slot_names)])
            raise TypeError(f"{name} should return {what}; got {type(out).__name__}.")
        for target, new in zip(targets, out, strict=True):
            if new is not target:
                target[...] = new

    slot_names: tuple = ()

    @staticmethod
    def _slot(state: dict, name: str, w: np.ndarray) -> np.ndarray:
        """The state array ``name`` of a parameter, zeros like ``w`` on its first step."""
        slot = state.get(name)
        if slot is None:
            slot = state[name] = np.zeros_like(w)
        return slot

    def _advance(self, w: np.ndarray, g: np.ndarray, key) -> None:
        state = self.state.setdefault(key, {"t": 0})
        state["t"] += 1  # each parameter counts its own steps (Adam's t, from 1)
        self._apply(w, g, state, self._work_arrays(w, g, state, key))

    def step(self) -> None:
        """Update every parameter from its gradient (``layer.grads[name]``), in place."""
        self.t += 1
        if self._step_flat():
            return
        for layer, name in self.slots:
            if name not in layer.grads:
                raise RuntimeError(
                    f"no gradient for {name!r} of {layer!r}: call model.backward(...) "
                    "before optimizer.step()."
                )
            w = layer.params[name]
            if w.dtype.kind != "f":
                w = layer.params[name] = w.astype(np.float64)
            self._advance(w, layer.grads[name], (id(layer), name))

    def _step_flat(self) -> bool:
        """One step of every slot at once on their shared buffer (see :class:`_FlatSlots`);
        False, with nothing done, when the slots do not allow it."""
        if len(self.slots) < 2:
            return False
        params = [layer.params.get(name) for layer, name in self.slots]
        flat = self._flat
        if flat is None or not flat.holds(params, self.state):
            self._flat = None
            if _same(params, self._apart):
                return False  # this layout was looked at already: not one buffer
            w = _contiguous_view(params)
            if w is None:
                self._apart = params
                return False
            flat = self._flat = _FlatSlots.adopt(self.slots, params, w, self.state)
            if flat is None:
                return False
        if not flat.take_grads([layer.grads.get(name) for layer, name in self.slots]):
            return False
        flat.advance()
        scratch = None if self.step_fn is not None else flat.scratch
        self._apply(flat.w, flat.g, flat.state, scratch)
        flat.share_new_state()
        return True

    def update(self, w, g, key="w") -> np.ndarray:
        """One step on a single array: returns the new weights (``w`` is not modified).

        Each ``key`` keeps its own state (velocity, step count, ...), so one optimizer
        can move several independent arrays.
        """
        w, g = _arrays(w, g)
        w = w.copy()
        self._advance(w, g, key)
        return w

    def reset(self) -> None:
        """Forget all state (velocities, squared-gradient sums, the step count)."""
        self.state.clear()
        self._scratch.clear()
        self._flat = self._apart = None
        self.t = 0

    def __repr__(self) -> str:
        return f"{type(self).__name__}(lr={self.lr:g})"


class GD(Optimizer):
    """Plain gradient descent: ``w -= lr g``."""

    name = "gd"

    def __init__(self, params=None, lr: float = 0.01, step_fn=None):
        super().__init__(params, lr, step_fn)

    def _apply(self, w, g, state, scratch):
        if self.step_fn is not None:  # gd_step(w, g, lr)
            self._run_step_fn(w, g, (), self.lr)
        elif scratch is None:
            _gd(w, g, self.lr)
        else:
            _gd_into(w, g, self.lr, *scratch)


class SGD(Optimizer):
    """``torch.optim.SGD``: classical momentum ``v = beta v + g; w -= lr v`` (optional Nesterov)."""

    name = "sgd"

    def __init__(
        self, params=None, lr: float = 0.01, momentum: float = 0.0, nesterov: bool = False
    ):
        super().__init__(params, lr)  # no step_fn: the classical form is no exercise
        self.momentum = _beta(momentum, "momentum")
        self.nesterov = bool(nesterov)

    def _apply(self, w, g, state, scratch):
        if self.momentum == 0:
            GD._apply(self, w, g, state, scratch)
            return
        v = self._slot(state, "v", w)
        if scratch is None:
            _classical_momentum(w, g, v, self.lr, self.momentum, self.nesterov)
        else:
            _classical_momentum_into(w, g, v, self.lr, self.momentum, self.nesterov, *scratch)

    def __repr__(self) -> str:
        return f"SGD(lr={self.lr:g}, momentum={self.momentum:g}, nesterov={self.nesterov})"


class Momentum(Optimizer):
    """Momentum, exponential-average form: ``v = beta v + (1 - beta) g; w -= lr v``."""

    name = "momentum"

    slot_names = ("v",)

    def __init__(self, params=None, lr: float = 0.01, beta: float = 0.9, step_fn=None):
        super().__init__(params, lr, step_fn)
        self.beta = _beta(beta, "beta")

    def _apply(self, w, g, state, scratch):
        v = self._slot(state, "v", w)
        if self.step_fn is not None:  # momentum_step(w, g, v, lr, beta)
            self._run_step_fn(w, g, (v,), self.lr, self.beta)
        elif scratch is None:
            _ema_momentum(w, g, v, self.lr, self.beta)
        else:
            _ema_momentum_into(w, g, v, self.lr, self.beta, *scratch)

    def __repr__(self) -> str:
        return f"Momentum(lr={self.lr:g}, beta={self.beta:g})"


class AdaGrad(Optimizer):
    """AdaGrad: per-weight steps shrink with the sum of squared gradients."""

    name = "adagrad"

    slot_names = ("G",)

    def __init__(self, params=None, lr: float = 0.01, eps: float = 1e-8, step_fn=None):
        super().__init__(params, lr, step_fn)
        self.eps = check_positive(eps, "eps", allow_zero=True)

    def _apply(self, w, g, state, scratch):
        G = self._slot(state, "G", w)
        if self.step_fn is not None:  # adagrad_step(w, g, G, lr, eps)
            self._run_step_fn(w, g, (G,), self.lr, self.eps)
        elif scratch is None:
            _adagrad(w, g, G, self.lr, self.eps)
        else:
            _adagrad_into(w, g, G, self.lr, self.eps, *scratch)


class RMSProp(Optimizer):
    """RMSProp: per-weight steps scaled by a running average of squared gradients."""

    name = "rmsprop"

    slot_names = ("s",)

    def __init__(
        self, params=None, lr: float = 0.01, beta: float = 0.9, eps: float = 1e-8, step_fn=None
    ):
        super().__init__(params, lr, step_fn)
        self.beta = _beta(beta, "beta")
        self.eps = check_positive(eps, "eps", allow_zero=True)

    def _apply(self, w, g, state, scratch):
        s = self._slot(state, "s", w)
        if self.step_fn is not None:  # rmsprop_step(w, g, s, lr, beta, eps)
            self._run_step_fn(w, g, (s,), self.lr, self.beta, self.eps)
        elif scratch is None:
            _rmsprop(w, g, s, self.lr, self.beta, self.eps)
        else:
            _rmsprop_into(w, g, s, self.lr, self.beta, self.eps, *scratch)

    def __repr__(self) -> str:
        return f"RMSProp(lr={self.lr:g}, beta={self.beta:g})"


class Adam(Optimizer):
    """Adam: momentum on the gradient, RMSProp on its square, both bias-corrected."""

    name = "adam"
    slot_names = ("m", "v")

    def __init__(
        self,
        params=None,
        lr: float = 1e-3,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        step_fn=None,
    ):
        super().__init__(params, lr, step_fn)
        self.beta1 = _beta(beta1, "beta1")
        self.beta2 = _beta(beta2, "beta2")
        self.eps = check_positive(eps, "eps", allow_zero=True)

    def _apply(self, w, g, state, scratch):
        m = self._slot(state, "m", w)
        v = self._slot(state, "v", w)
        if self.step_fn is not None:  # adam_step(w, g, m, v, t, lr, beta1, beta2, eps)
            hyper = (state["t"], self.lr, self.beta1, self.beta2, self.eps)
            self._run_step_fn(w, g, (m, v), *hyper)
            return
        args = (w, g, m, v, state["t"], self.lr, self.beta1, self.beta2, self.eps)
        if scratch is None:
            _adam(*args)
        else:
            _adam_into(*args, *scratch)

    def __repr__(self) -> str:
        return f"Adam(lr={self.lr:g}, beta1={self.beta1:g}, beta2={self.beta2:g})"


OPTIMIZERS = {cls.name: cls for cls in (GD, SGD, Momentum, AdaGrad, RMSProp, Adam)}


def get(name, params=None, **kwargs) -> Optimizer:
    """An optimizer by name (``"gd"``, ``"sgd"``, ``"momentum"``, ``"adagrad"``,
    ``"rmsprop"``, ``"adam"``), or an :class:`Optimizer` passed through."""
    if isinstance(name, Optimizer):
        return name
    key = str(name).lower()
    if key not in OPTIMIZERS:
        options = ", ".join(repr(k) for k in OPTIMIZERS)
        raise ValueError(f"unknown optimizer {name!r}; choose one of {options}.")
    return OPTIMIZERS[key](params, **kwargs)


# -- mini-batches ------------------------------------------------------------------------
def iterate_minibatches(X, y, batch_size: int, shuffle: bool = True, rng=None):
    """Yield ``(X_batch, y_batch)`` pairs that cover every sample exactly once.

    With ``shuffle=True`` one permutation (drawn from ``rng``) orders both ``X`` and
    ``y``, so each sample keeps its label. The last batch is smaller when
    ``batch_size`` does not divide the number of samples; it is never dropped.
    ``rng=None`` means seed 0: pass one Generator for the whole training run so that
    every epoch gets a new order.
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError("X and y must be arrays with one row (entry) per sample.")
    if X.shape[0] != y.shape[0]:
        raise ValueError(
            f"X and y must have the same number of samples; got X.shape={X.shape} and "
            f"y.shape={y.shape}."
        )
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    n = X.shape[0]
    order = check_rng(rng).permutation(n) if shuffle else None
    for start in range(0, n, batch_size):
        if order is None:
            yield X[start : start + batch_size], y[start : start + batch_size]
        else:
            idx = order[start : start + batch_size]
            yield X[idx], y[idx]


# -- learning-rate schedules ---------------------------------------------------------------
def step_decay(lr0: float, epoch: int, drop: float = 0.5, every: int = 10) -> float:
    """``lr0 * drop ** floor(epoch / every)``, epochs counted from 0."""
    lr0 = check_positive(lr0, "lr0")
    epoch = check_int(epoch, "epoch")
    drop = check_positive(drop, "drop")
    every = check_int(every, "every", minimum=1)
    return lr0 * drop ** (epoch // every)


def exponential_decay(lr0: float, epoch: int, gamma: float = 0.95) -> float:
    """``lr0 * gamma ** epoch``, epochs counted from 0."""
    lr0 = check_positive(lr0, "lr0")
    epoch = check_int(epoch, "epoch")
    return lr0 * check_positive(gamma, "gamma") ** epoch


class PlateauSchedule:
    """Multiply the learning rate by ``factor`` when a metric stops improving.

    ``update(metric)`` is called once per epoch with, say, the validation loss. An
    epoch improves when the metric is lower than the best so far by more than
    ``min_delta``. After more than ``patience`` epochs in a row without improvement
    the rate is reduced (never below ``min_lr``) and the count starts again; after a
    reduction, ``cooldown`` epochs pass before counting resumes. Matches
    ``torch.optim.lr_scheduler.ReduceLROnPlateau(mode="min", threshold_mode="abs")``.
    Pass an optimizer to have its ``lr`` changed too. (The Keras-style callback for
    ``fit`` that drives this schedule is :class:`dlkit.callbacks.ReduceLROnPlateau`.)
    """

    def __init__(
        self,
        lr: float | None = None,
        *,
        optimizer: Optimizer | None = None,
        factor: float = 0.1,
        patience: int = 10,
        min_delta: float = 0.0,
        cooldown: int = 0,
        min_lr: float = 0.0,
    ):
        if lr is None and optimizer is None:
            raise ValueError("pass the starting learning rate `lr` or an `optimizer`.")
        self.optimizer = optimizer
        self.lr = check_positive(optimizer.lr if lr is None else lr, "lr")
        if not 0 < factor < 1:
            raise ValueError(f"factor must be in (0, 1); got {factor}. 0.1 or 0.5 are usual.")
        self.factor = float(factor)
        self.patience = check_int(patience, "patience")
        self.min_delta = check_positive(min_delta, "min_delta", allow_zero=True)
        self.cooldown = check_int(cooldown, "cooldown")
        self.min_lr = check_positive(min_lr, "min_lr", allow_zero=True)
        self.best = math.inf
        self.bad_epochs = 0
        self.cooldown_left = 0

    def update(self, metric: float) -> float:
        """Record one epoch's metric; returns the learning rate to use next."""
        metric = float(metric)
        if metric < self.best - self.min_delta:
            self.best = metric
            self.bad_epochs = 0
        else:
            self.bad_epochs += 1
        if self.cooldown_left > 0:
            self.cooldown_left -= 1
            self.bad_epochs = 0
        if self.bad_epochs > self.patience:
            self.lr = max(self.lr * self.factor, self.min_lr)
            self.cooldown_left = self.cooldown
            self.bad_epochs = 0
            if self.optimizer is not None:
                self.optimizer.lr = self.lr
        return self.lr
