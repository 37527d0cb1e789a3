"""Delegation catalogue for 09_convolutions: answers that hand the exercise to dlkit.

See tests/mutants/delegation/00_getting_started.py for the format. Allowed, as the tasks
say (inside the test cells, where the earlier exercises are dlkit's versions):
dlkit.conv.conv_output_size everywhere after Exercise 1, dlkit.conv.pad2d in im2col and the
convolution passes, dlkit.conv.im2col in conv2d_forward and conv2d_backward,
dlkit.conv.maxpool2d in maxpool2d_backward.
"""

import numpy as np

import dlkit

# ---------------------------------------------------------------------- conv_output_size


def conv_output_size__delegates_reference(n, k, stride=1, pad=0):
    """The reference itself: `dlkit.conv.conv_output_size`."""
    return dlkit.conv.conv_output_size(n, k, stride, pad)


def conv_output_size__delegates_pool_shape(n, k, stride=1, pad=0):
    """The shape of a pooled blank image: `dlkit.conv.maxpool2d`."""
    return dlkit.conv.maxpool2d(np.zeros((1, 1, n + 2 * pad, 1 + 2 * pad + k)), k, stride).shape[2]


# ---------------------------------------------------------------------- pad2d


def pad2d__delegates_reference(X, pad):
    """The reference itself: `dlkit.conv.pad2d`."""
    return dlkit.conv.pad2d(X, pad)


def pad2d__delegates_im2col(X, pad):
    """A 1x1 im2col with padding, reshaped back: `dlkit.conv.im2col`."""
    N, C, H, W = X.shape
    cols = dlkit.conv.im2col(X, 1, 1, 1, pad)
    return cols.reshape(N, H + 2 * pad, W + 2 * pad, C).transpose(0, 3, 1, 2)


# ---------------------------------------------------------------------- conv2d_single


def conv2d_single__delegates_reference(x, k):
    """The reference itself: `dlkit.conv.conv2d_single`."""
    return dlkit.conv.conv2d_single(x, k)


def conv2d_single__delegates_batch_forward(x, k):
    """The batch version on a batch of one: `dlkit.conv.conv2d_forward`."""
    return dlkit.conv.conv2d_forward(x[None, None], k[None, None], np.zeros(1))[0, 0]


# ---------------------------------------------------------------------- im2col


def im2col__delegates_reference(X, kh, kw, stride=1, pad=0):
    """The reference itself: `dlkit.conv.im2col`."""
    return dlkit.conv.im2col(X, kh, kw, stride, pad)


def im2col__delegates_identity_filters(X, kh, kw, stride=1, pad=0):
    """A convolution with one identity filter per column: `dlkit.conv.conv2d_forward`."""
    K = X.shape[1] * kh * kw
    W = np.eye(K).reshape(K, X.shape[1], kh, kw)
    out = dlkit.conv.conv2d_forward(X, W, np.zeros(K), stride, pad)
    return out.transpose(0, 2, 3, 1).reshape(-1, K)


# ---------------------------------------------------------------------- conv2d_forward


def conv2d_forward__delegates_reference(X, W, b, stride=1, pad=0):
    """The reference itself: `dlkit.conv.conv2d_forward`."""
    return dlkit.conv.conv2d_forward(X, W, b, stride, pad)


def conv2d_forward__delegates_single(X, W, b, stride=1, pad=0):
    """Exercise 3's reference, summed over channels, for stride 1 and no padding: `dlkit.conv.conv2d_single`."""
    N, C = X.shape[:2]
    F = W.shape[0]
    maps = [
        [sum(dlkit.conv.conv2d_single(X[n, c], W[f, c]) for c in range(C)) + b[f] for f in range(F)]
        for n in range(N)
    ]
    return np.array(maps)


# ---------------------------------------------------------------------- conv2d_backward


def conv2d_backward__delegates_reference(dout, X, W, stride=1, pad=0):
    """The reference itself: `dlkit.conv.conv2d_backward`."""
    return dlkit.conv.conv2d_backward(dout, X, W, stride, pad)


def conv2d_backward__delegates_col2im(dout, X, W, stride=1, pad=0):
    """dW and db by hand, dX through the private scatter: `dlkit.conv.col2im`."""
    F, C, kh, kw = W.shape
    d2 = dout.transpose(0, 2, 3, 1).reshape(-1, F)
    dX = dlkit.conv.col2im(d2 @ W.reshape(F, -1), X.shape, kh, kw, stride, pad)
    dW = (d2.T @ im2col(X, kh, kw, stride, pad)).reshape(W.shape)  # noqa: F821
    return dX, dW, dout.sum(axis=(0, 2, 3))


def conv2d_backward__delegates_numerical(dout, X, W, stride=1, pad=0):
    """Central differences instead of the backward pass: `dlkit.gradcheck.numerical_gradient`."""
    b = np.zeros(W.shape[0])

    def loss(_):
        return np.sum(dout * dlkit.conv.conv2d_forward(X, W, b, stride, pad))

    X, W = X.copy(), W.copy()
    dX = dlkit.gradcheck.numerical_gradient(loss, X)
    dW = dlkit.gradcheck.numerical_gradient(loss, W)
    return dX, dW, dout.sum(axis=(0, 2, 3))


# ---------------------------------------------------------------------- maxpool2d


def maxpool2d__delegates_reference(X, size=2, stride=2):
    """The reference itself: `dlkit.conv.maxpool2d`."""
    return dlkit.conv.maxpool2d(X, size, stride)


def maxpool2d__delegates_layer(X, size=2, stride=2):
    """An object: the pooling layer, `dlkit.layers.MaxPool2D.__init__`."""
    return dlkit.layers.MaxPool2D(size, stride).forward(X)


# ---------------------------------------------------------------------- maxpool2d_backward


def maxpool2d_backward__delegates_reference(dout, X, size=2, stride=2):
    """The reference itself: `dlkit.conv.maxpool2d_backward`."""
    return dlkit.conv.maxpool2d_backward(dout, X, size, stride)


def maxpool2d_backward__delegates_numerical(dout, X, size=2, stride=2):
    """Central differences of the pooled sum: `dlkit.gradcheck.numerical_gradient`."""
    X = np.array(X, dtype=float)
    return dlkit.gradcheck.numerical_gradient(
        lambda Z: np.sum(dout * maxpool2d(Z, size, stride)),  # noqa: F821
        X,
    )


def maxpool2d_backward__delegates_layer(dout, X, size=2, stride=2):
    """An object: the pooling layer's backward pass, `dlkit.layers.MaxPool2D.__init__`."""
    layer = dlkit.layers.MaxPool2D(size, stride)
    layer.forward(X)
    return layer.backward(dout)
