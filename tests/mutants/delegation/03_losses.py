"""Delegation catalogue for 03_losses: answers that hand the exercise to dlkit.

See tests/mutants/delegation/00_getting_started.py for the format.
"""

import numpy as np

import dlkit

# ---------------------------------------------------------------------- mse


def mse__delegates_getter(y, y_hat):
    """A public sibling: `dlkit.losses.get` hands out the reference."""
    return dlkit.losses.get("mse")[0](y, y_hat)


def mse__delegates_gradient(y, y_hat):
    """A public sibling: the residuals rebuilt from `dlkit.losses.mse_grad` (2 r / n)."""
    r = dlkit.losses.mse_grad(y, y_hat) * np.size(y) / 2
    return float(np.mean(r**2))


def mse__delegates_private_pair(y, y_hat):
    """Validates with the private `dlkit.losses._pair`, then squares."""
    y, y_hat, _ = dlkit.losses._pair(y, y_hat, "y", "y_hat")
    return float(np.mean((y_hat - y) ** 2))


# ---------------------------------------------------------------------- mae


def mae__delegates_table(y, y_hat):
    """The reference through dlkit's table of losses: `dlkit.losses.mae`."""
    return dlkit.losses.LOSSES["mae"][0](y, y_hat)


def mae__delegates_gradient(y, y_hat):
    """A public sibling: sign(r) from `dlkit.losses.mae_grad`, times r."""
    sign = dlkit.losses.mae_grad(y, y_hat) * np.size(y)
    return float(np.mean(sign * (np.asarray(y_hat) - np.asarray(y))))


# ---------------------------------------------------------------------- huber


def huber__delegates_table(y, y_hat, delta=1.0):
    """The reference through dlkit's table of losses: `dlkit.losses.huber`."""
    return dlkit.losses.LOSSES["huber"][0](y, y_hat, delta=delta)


def huber__delegates_private_pair(y, y_hat, delta=1.0):
    """Validates with the private `dlkit.losses._pair`, then writes the two branches."""
    y, y_hat, _ = dlkit.losses._pair(y, y_hat, "y", "y_hat")
    a = np.abs(y_hat - y)
    return float(np.mean(np.where(a <= delta, 0.5 * a**2, delta * (a - 0.5 * delta))))


# ---------------------------------------------------------------------- binary_cross_entropy


def binary_cross_entropy__delegates_private_binary(y, p, eps=1e-12):
    """The private helper behind the reference: `dlkit.losses._binary`."""
    y, p, _ = dlkit.losses._binary(y, p, eps)
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p)))


def binary_cross_entropy__delegates_getter(y, p, eps=1e-12):
    """A public sibling: `dlkit.losses.get` hands out the reference."""
    return dlkit.losses.get("binary_cross_entropy")[0](y, p, eps=eps)


# ---------------------------------------------------------------------- one_hot


def one_hot__delegates_module_dict(labels, n_classes):
    """The reference looked up in the module's namespace: `dlkit.losses.one_hot`."""
    return vars(dlkit.losses)["one_hot"](labels, n_classes)


def one_hot__delegates_private_indices(labels, n_classes):
    """Converts the labels with the private `dlkit._validation.as_class_indices`."""
    labels = dlkit._validation.as_class_indices(labels)
    return np.eye(n_classes)[labels]


# ---------------------------------------------------------------------- categorical_cross_entropy


def categorical_cross_entropy__delegates_private_categorical(Y, P, eps=1e-12):
    """The private helper behind the reference: `dlkit.losses._categorical`."""
    Y, P, _ = dlkit.losses._categorical(Y, P, eps)
    return float(-np.sum(Y * np.log(P)) / P.shape[0])


def categorical_cross_entropy__delegates_logits(Y, P, eps=1e-12):
    """A public sibling: `dlkit.losses.cross_entropy_from_logits` of log P."""
    return dlkit.losses.cross_entropy_from_logits(Y, np.log(np.clip(P, eps, 1.0)))


# ---------------------------------------------------------------------- cross_entropy_from_logits


def cross_entropy_from_logits__delegates_softmax_then_loss(Y, Z):
    """Public siblings: categorical_cross_entropy of `dlkit.activations.softmax`."""
    return dlkit.losses.categorical_cross_entropy(Y, dlkit.activations.softmax(Z))


def cross_entropy_from_logits__delegates_private_logits(Y, Z):
    """The private helper behind the reference: `dlkit.losses._logits`."""
    Y, Z, _ = dlkit.losses._logits(Y, Z)
    shifted = Z - Z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-np.sum(Y * log_p) / Z.shape[0])


# ---------------------------------------------------------------------- hinge


def hinge__delegates_private_margin(y, scores):
    """The private helper behind the reference: `dlkit.losses._margin`."""
    y, scores, _ = dlkit.losses._margin(y, scores)
    return float(np.mean(np.maximum(0.0, 1.0 - y * scores)))


def hinge__delegates_getter(y, scores):
    """A public sibling: `dlkit.losses.get` hands out the reference."""
    return dlkit.losses.get("hinge")[0](y, scores)


# ---------------------------------------------------------------------- output_and_loss


def output_and_loss__delegates_loss_lookup(task):
    """Asks dlkit which losses exist with `dlkit.losses.get` instead of knowing the pairs."""
    table = {
        "regression": ("identity", "mse"),
        "binary": ("sigmoid", "binary_cross_entropy"),
        "multiclass": ("softmax", "categorical_cross_entropy"),
        "multilabel": ("sigmoid", "binary_cross_entropy"),
    }
    activation, loss = table[task]
    return activation, dlkit.losses.get(loss)[0].__name__


def output_and_loss__delegates_compile(task):
    """Asks dlkit's layer objects for the names: `dlkit.layers.Identity.__init__` first."""
    output = {"regression": "identity", "multiclass": "softmax"}.get(task, "sigmoid")
    layer = {"identity": dlkit.layers.Identity, "softmax": dlkit.layers.Softmax}.get(
        output, dlkit.layers.Sigmoid
    )()
    loss = {"identity": "mse", "softmax": "categorical_cross_entropy"}.get(
        output, "binary_cross_entropy"
    )
    return type(layer).__name__.lower(), loss
