"""dlkit.regularization: inverted dropout, L2 weight decay, batch normalisation."""

import numpy as np
import pytest

from dlkit import gradcheck, init, layers, models, regularization
from dlkit.checks import check_close


# ------------------------------------------------------------------ dropout
@pytest.mark.parametrize("p_drop", [0.2, 0.5, 0.8])
def test_dropout_keeps_the_mean_and_drops_the_right_share(p_drop):
    A = np.full((400, 500), 3.0)
    out, mask = regularization.dropout_forward(A, p_drop, np.random.default_rng(0))
    assert mask.dtype == bool and mask.shape == A.shape
    assert abs(1 - mask.mean() - p_drop) < 0.01  # 200,000 draws: sd 0.0011
    check_close(out[mask], np.full(mask.sum(), 3.0 / (1 - p_drop)), "kept units, scaled")
    assert not out[~mask].any()
    assert abs(out.mean() - 3.0) < 0.05, "inverted dropout must preserve the mean"


def test_dropout_mask_rule_and_identity_cases():
    rng = np.random.default_rng(7)
    A = rng.normal(size=(6, 5))
    out, mask = regularization.dropout_forward(A, 0.3, np.random.default_rng(1))
    expected_mask = np.random.default_rng(1).random(A.shape) < 0.7
    assert np.array_equal(mask, expected_mask)
    check_close(out, A * expected_mask / 0.7, "out")
    out0, mask0 = regularization.dropout_forward(A, 0.0, rng)
    assert np.array_equal(out0, A) and mask0.all()
    out_eval, mask_eval = regularization.dropout_forward(A, 0.5, rng, training=False)
    assert out_eval is A and mask_eval is None


def test_dropout_keeps_float32_and_validates_p():
    A = np.ones((4, 3), dtype=np.float32)
    out, _ = regularization.dropout_forward(A, 0.5, 0)
    assert out.dtype == np.float32
    for bad in (1.0, -0.1):
        with pytest.raises(ValueError, match=r"p_drop must be in \[0, 1\)"):
            regularization.dropout_forward(A, bad, 0)
    with pytest.raises(TypeError, match="p_drop must be a real number"):
        regularization.dropout_forward(A, "0.5", 0)


def test_dropout_backward_routes_through_the_kept_units():
    A = np.random.default_rng(0).normal(size=(5, 4))
    _, mask = regularization.dropout_forward(A, 0.25, 3)
    dout = np.ones_like(A)
    check_close(regularization.dropout_backward(dout, mask, 0.25), mask / 0.75, "dA")
    assert regularization.dropout_backward(dout, None, 0.25) is dout
    with pytest.raises(ValueError, match="mask must have the shape of dout"):
        regularization.dropout_backward(dout, mask[:2], 0.25)


# ------------------------------------------------------------------ L2
def test_l2_penalty_counts_weights_only_in_every_form():
    W1, W2 = np.array([[1.0, 2.0]]), np.array([[3.0], [-1.0]])
    b = np.array([100.0])
    expected = 0.5 * 0.1 * (1 + 4 + 9 + 1)
    assert regularization.l2_penalty([W1, W2], 0.1) == pytest.approx(expected)
    assert regularization.l2_penalty([(W1, b), (W2, b)], 0.1) == pytest.approx(expected)
    assert regularization.l2_penalty({"W1": W1, "b1": b, "W2": W2, "b2": b}, 0.1) == (
        pytest.approx(expected)
    )
    model = models.build_mlp([3, 4, 2], rng=0)
    weights = [m.params["W"] for m in model.layers if isinstance(m, layers.Dense)]
    assert regularization.l2_penalty(model, 0.5) == pytest.approx(
        0.25 * sum((W**2).sum() for W in weights)
    )
    assert regularization.l2_penalty([W1], 0.0) == 0.0
    with pytest.raises(ValueError, match="lam must be finite and >= 0"):
        regularization.l2_penalty([W1], -1.0)


def test_l2_grad_is_the_derivative_of_the_penalty():
    W = np.random.default_rng(2).normal(size=(3, 4))
    check_close(regularization.l2_grad(W, 0.3), 0.3 * W, "lam * W")
    numeric = gradcheck.numerical_gradient(lambda w: regularization.l2_penalty([w], 0.3), W.copy())
    check_close(regularization.l2_grad(W, 0.3), numeric, "vs central differences", rtol=1e-6)
    assert regularization.l2_grad(W.astype(np.float32), 0.3).dtype == np.float32


def test_add_l2_grads_by_hand_by_central_differences_and_without_touching_its_inputs():
    params = [
        (np.array([[1.0, -2.0]]), np.array([5.0, 5.0])),
        (np.array([[3.0], [0.0]]), np.array([9.0])),
    ]
    grads = [
        (np.array([[0.5, -0.5]]), np.array([0.1, 0.2])),
        (np.array([[1.0], [2.0]]), np.array([0.3])),
    ]
    saved = [[a.copy() for a in pair] for pair in params + grads]
    out = regularization.add_l2_grads(grads, params, 0.1)
    check_close(out[0][0], [[0.6, -0.7]], "dW1")
    check_close(out[1][0], [[1.3], [2.0]], "dW2")
    assert out[0][1] is grads[0][1] and out[1][1] is grads[1][1]  # biases: not penalised
    for pair, copies in zip(params + grads, saved, strict=True):
        for array, copy in zip(pair, copies, strict=True):
            np.testing.assert_array_equal(array, copy)

    # the gradient of loss + l2_penalty, over every parameter of a small network
    from dlkit import losses

    rng = np.random.default_rng(5)
    params = init.init_params([3, 4, 2], rng=1)
    params = [(W, rng.normal(size=b.shape)) for W, b in params]
    X, Y = rng.normal(size=(6, 3)), losses.one_hot(rng.integers(0, 2, size=6), 2)
    _, cache = layers.mlp_forward(X, params, hidden="tanh")
    total = regularization.add_l2_grads(
        layers.mlp_backward(Y, cache, params, hidden="tanh"), params, 0.3
    )

    def loss(_):
        P, _ = layers.mlp_forward(X, params, hidden="tanh")
        return losses.categorical_cross_entropy(Y, P) + regularization.l2_penalty(params, 0.3)

    for (W, b), (dW, db) in zip(params, total, strict=True):
        for p, g in ((W, dW), (b, db)):
            check_close(
                g,
                gradcheck.numerical_gradient(loss, p),
                "vs central differences",
                rtol=1e-5,
                atol=1e-8,
            )


def test_add_l2_grads_is_pytorch_sgd_weight_decay_on_the_weights():
    """torch.optim.SGD(weight_decay=lam) adds lam * W to the gradient before its step."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(9)
    W, b = rng.normal(size=(4, 3)), rng.normal(size=3)
    dW, db = rng.normal(size=(4, 3)), rng.normal(size=3)
    [(dW_total, db_total)] = regularization.add_l2_grads([(dW, db)], [(W, b)], 0.2)
    W_t = torch.tensor(W, requires_grad=True)
    W_t.grad = torch.tensor(dW)
    torch.optim.SGD([W_t], lr=0.1, weight_decay=0.2).step()
    check_close(W - 0.1 * dW_total, W_t.detach().numpy(), "W after one SGD step", rtol=1e-12)
    assert db_total is db


def test_add_l2_grads_keeps_float32_and_validates():
    W = np.ones((2, 3), dtype=np.float32)
    [(dW, _)] = regularization.add_l2_grads(
        [(np.zeros_like(W), np.zeros(3))], [(W, np.zeros(3))], 0.5
    )
    assert dW.dtype == np.float32 and np.all(dW == 0.5)
    with pytest.raises(ValueError, match="one pair per layer"):
        regularization.add_l2_grads([(W, W[0])], [(W, W[0])] * 2, 0.1)
    with pytest.raises(ValueError, match="dW of layer 1 must have the shape of its W"):
        regularization.add_l2_grads([(W.T, W[0])], [(W, W[0])], 0.1)
    with pytest.raises(ValueError, match="lam"):
        regularization.add_l2_grads([(W, W[0])], [(W, W[0])], -1.0)


def test_dense_l2_adds_decay_to_the_gradient_and_penalty_to_the_loss():
    from dlkit import losses

    rng = np.random.default_rng(4)
    X, Y = rng.normal(size=(6, 3)), losses.one_hot(rng.integers(0, 2, 6), 2)
    model = models.Sequential(
        layers.Dense(3, 5, rng=1, l2=0.05), layers.Tanh(), layers.Dense(5, 2, rng=2, l2=0.05)
    )
    model.layers.append(layers.Softmax())
    assert "l2=0.05" in repr(model.layers[0])

    def loss(Y, P):
        return losses.categorical_cross_entropy(Y, P) + model.penalty()

    rows = gradcheck.gradcheck(
        model, X, Y, (loss, losses.categorical_cross_entropy_grad), verbose=False
    )
    assert all(r.ok for r in rows)


# ------------------------------------------------------------------ batch norm
def test_batchnorm_forward_standardises_then_scales():
    X = np.random.default_rng(0).normal(3.0, 2.0, size=(50, 4))
    gamma, beta = np.array([1.0, 2.0, 0.5, 1.0]), np.array([0.0, 1.0, -1.0, 0.0])
    out, cache = regularization.batchnorm_forward(X, gamma, beta)
    check_close(cache["X_hat"].mean(axis=0), np.zeros(4), "batch mean", atol=1e-12)
    check_close(cache["X_hat"].std(axis=0), np.ones(4), "batch std", rtol=1e-5)
    check_close(out, gamma * cache["X_hat"] + beta, "out")
    with pytest.raises(ValueError, match=r"gamma must have shape \(4,\)"):
        regularization.batchnorm_forward(X, np.ones(3), beta)


def test_batchnorm_backward_matches_central_differences():
    rng = np.random.default_rng(1)
    X, dout = rng.normal(size=(7, 3)), rng.normal(size=(7, 3))
    gamma, beta = rng.normal(size=3), rng.normal(size=3)
    _, cache = regularization.batchnorm_forward(X, gamma, beta)
    dX, dgamma, dbeta = regularization.batchnorm_backward(dout, cache)

    def f(x=X, g=gamma, b=beta):
        return float((regularization.batchnorm_forward(x, g, b)[0] * dout).sum())

    check_close(dX, gradcheck.numerical_gradient(lambda x: f(x=x), X.copy()), "dX", rtol=1e-5)
    check_close(
        dgamma, gradcheck.numerical_gradient(lambda g: f(g=g), gamma.copy()), "dgamma", rtol=1e-6
    )
    check_close(dbeta, dout.sum(axis=0), "dbeta")


def test_batchnorm_layer_pytorch_parity_train_and_eval():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    bn = layers.BatchNorm(4, momentum=0.1)
    ref = torch.nn.BatchNorm1d(4, momentum=0.1, eps=1e-5).double()
    bn.params["gamma"][:] = rng.uniform(0.5, 1.5, 4)
    bn.params["beta"][:] = rng.normal(size=4)
    with torch.no_grad():
        ref.weight.copy_(torch.tensor(bn.params["gamma"]))
        ref.bias.copy_(torch.tensor(bn.params["beta"]))
    bn.train()
    ref.train()
    for _ in range(3):
        X, dout = rng.normal(2.0, 3.0, size=(8, 4)), rng.normal(size=(8, 4))
        Xt = torch.tensor(X, requires_grad=True)
        out_t = ref(Xt)
        out_t.backward(torch.tensor(dout))
        check_close(bn(X), out_t.detach().numpy(), "train forward", rtol=1e-10)
        check_close(bn.backward(dout), Xt.grad.numpy(), "dX", rtol=1e-8, atol=1e-12)
        check_close(bn.grads["gamma"], ref.weight.grad.numpy(), "dgamma", rtol=1e-8)
        ref.weight.grad = ref.bias.grad = None
    check_close(bn.buffers["running_mean"], ref.running_mean.numpy(), "running mean", rtol=1e-10)
    check_close(bn.buffers["running_var"], ref.running_var.numpy(), "running var", rtol=1e-10)
    bn.eval()
    ref.eval()
    X = rng.normal(size=(1, 4))
    check_close(bn(X), ref(torch.tensor(X)).detach().numpy(), "eval forward", rtol=1e-10)


def test_batchnorm_layer_gradcheck_and_one_sample_message():
    from dlkit import losses

    rng = np.random.default_rng(3)
    X, Y = rng.normal(size=(9, 3)), losses.one_hot(rng.integers(0, 3, 9), 3)
    model = models.Sequential(
        layers.Dense(3, 4, rng=0), layers.BatchNorm(4), layers.Tanh(), layers.Dense(4, 3, rng=1)
    )
    model.layers.append(layers.Softmax())
    model.train()
    rows = gradcheck.gradcheck(model, X, Y, verbose=False, raise_on_failure=False)
    # a bias right before batch norm is subtracted out again: its gradient is exactly 0,
    # so the relative error of two zeros means nothing; check the absolute one
    assert all(r.ok or (r.name == "layers[0].b" and r.max_abs_error < 1e-9) for r in rows)
    model.eval()
    assert all(r.ok for r in gradcheck.gradcheck(model, X, Y, verbose=False))
    with pytest.raises(ValueError, match="at least 2 samples"):
        layers.BatchNorm(3).train()(np.ones((1, 3)))


def test_init_params_pairs_work_with_l2_penalty():
    params = init.init_params([4, 3, 2], rng=0)
    assert regularization.l2_penalty(params, 2.0) == pytest.approx(
        sum(float((W**2).sum()) for W, _ in params)
    )
