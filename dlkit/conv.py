"""Convolution and max pooling on batches of images, NumPy only (notebook 09).

Layout NCHW as in PyTorch: a batch ``X`` has shape ``(N, C, H, W)`` (samples, channels,
rows, columns), a filter bank ``W`` has shape ``(F, C, kh, kw)`` and the bias ``b`` has
shape ``(F,)``. Convolution here is what every deep-learning library calls convolution:
cross-correlation, the kernel slides over the image without being flipped::

    out[n, f, i, j] = b[f] + sum_{c,u,v} Xpad[n, c, i*stride + u, j*stride + v] * W[f, c, u, v]

:func:`im2col` copies every receptive field into one row of a matrix, so the whole
convolution becomes one matrix product (:func:`conv2d_forward`); the backward pass
(:func:`conv2d_backward`) is two more products and :func:`col2im`, which adds the rows
back onto the image. Output sizes floor like PyTorch (:func:`conv_output_size`); max
pooling sends each window's gradient to its first maximum in row-major order.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, check_int

__all__ = [
    "conv_output_size",
    "pad2d",
    "conv2d_single",
    "im2col",
    "col2im",
    "conv2d_forward",
    "conv2d_backward",
    "maxpool2d",
    "maxpool2d_backward",
    "KERNELS",
]

#: 3x3 kernels of notebook 09 and the convolution explorer.
KERNELS = {
    "identity": np.array([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]),
    "vertical edge": np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]]),
    "horizontal edge": np.array([[1.0, 2.0, 1.0], [0.0, 0.0, 0.0], [-1.0, -2.0, -1.0]]),
    "blur": np.full((3, 3), 1.0 / 9.0),
    "sharpen": np.array([[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]]),
    "outline": np.array([[-1.0, -1.0, -1.0], [-1.0, 8.0, -1.0], [-1.0, -1.0, -1.0]]),
}


def conv_output_size(n: int, k: int, stride: int = 1, pad: int = 0) -> int:
    """Output length of a convolution or pooling along one axis: ``(n + 2 pad - k) // stride + 1``.

    Raises
    ------
    ValueError
        When the kernel does not fit in the padded input (``k > n + 2 pad``).

    >>> conv_output_size(28, 3, stride=1, pad=1)
    28
    """
    n = check_int(n, "n", minimum=1)
    k = check_int(k, "k", minimum=1)
    stride = check_int(stride, "stride", minimum=1)
    pad = check_int(pad, "pad", minimum=0)
    if k > n + 2 * pad:
        raise ValueError(
            f"a kernel of size k={k} does not fit an input of size n={n} with pad={pad} "
            f"(padded size {n + 2 * pad}); use a smaller kernel or pad={(k - n + 1) // 2} or more."
        )
    return (n + 2 * pad - k) // stride + 1


def _as_batch(X, name: str = "X") -> np.ndarray:
    X = as_float_array(X, name)
    if X.ndim != 4:
        fix = ""
        if X.ndim == 2:
            fix = f" For one grey image use {name}[None, None] (shape (1, 1, H, W))."
        elif X.ndim == 3:
            fix = f" For one grey image per sample use {name}[:, None] (shape (N, 1, H, W))."
        raise ValueError(f"{name} must be a 4-D batch (N, C, H, W); got shape {X.shape}.{fix}")
    return X


def pad2d(X, pad: int) -> np.ndarray:
    """``X`` of shape (N, C, H, W) with ``pad`` zeros around the last two axes: (N, C, H + 2 pad, W + 2 pad)."""
    X = _as_batch(X)
    pad = check_int(pad, "pad", minimum=0)
    if pad == 0:
        return X.copy()
    out = np.zeros((*X.shape[:2], X.shape[2] + 2 * pad, X.shape[3] + 2 * pad), dtype=X.dtype)
    out[:, :, pad:-pad, pad:-pad] = X
    return out


def conv2d_single(x, k) -> np.ndarray:
    """Valid cross-correlation of a 2-D image ``x`` (H, W) with a 2-D kernel ``k`` (kh, kw).

    Returns an array of shape (H - kh + 1, W - kw + 1): ``out[i, j] = sum(x[i:i+kh, j:j+kw] * k)``.
    """
    x = as_float_array(x, "x", ndim=2)
    k = as_float_array(k, "k", ndim=2)
    out_h = conv_output_size(x.shape[0], k.shape[0])
    out_w = conv_output_size(x.shape[1], k.shape[1])
    out = np.zeros((out_h, out_w), dtype=np.result_type(x, k))
    for u in range(k.shape[0]):
        for v in range(k.shape[1]):
            out += k[u, v] * x[u : u + out_h, v : v + out_w]
    return out


def _geometry(shape, kh, kw, stride, pad):
    kh = check_int(kh, "kh", minimum=1)
    kw = check_int(kw, "kw", minimum=1)
    stride = check_int(stride, "stride", minimum=1)
    pad = check_int(pad, "pad", minimum=0)
    out_h = conv_output_size(shape[2], kh, stride, pad)
    out_w = conv_output_size(shape[3], kw, stride, pad)
    return kh, kw, stride, pad, out_h, out_w


def im2col(X, kh: int, kw: int, stride: int = 1, pad: int = 0) -> np.ndarray:
    """Every receptive field of ``X`` as one row of a matrix.

    Parameters
    ----------
    X : ndarray of shape (N, C, H, W)
    kh, kw : kernel height and width
    stride, pad : as in :func:`conv2d_forward`

    Returns
    -------
    ndarray of shape (N * out_h * out_w, C * kh * kw); rows ordered by (n, i, j), columns
    by (c, u, v), both row-major, so that ``cols @ W.reshape(F, -1).T`` is the convolution.
    """
    X = _as_batch(X)
    kh, kw, stride, pad, out_h, out_w = _geometry(X.shape, kh, kw, stride, pad)
    Xp = pad2d(X, pad) if pad else X
    N, C = X.shape[:2]
    cols = np.empty((N, out_h, out_w, C, kh, kw), dtype=X.dtype)
    for u in range(kh):
        for v in range(kw):
            window = Xp[:, :, u : u + stride * out_h : stride, v : v + stride * out_w : stride]
            cols[:, :, :, :, u, v] = window.transpose(0, 2, 3, 1)
    return cols.reshape(N * out_h * out_w, C * kh * kw)


def col2im(cols, X_shape, kh: int, kw: int, stride: int = 1, pad: int = 0) -> np.ndarray:
    """The adjoint of :func:`im2col`: adds every row back onto its receptive field.

    Returns an array of shape ``X_shape`` (N, C, H, W); overlapping fields add up, which
    is what the gradient of a convolution with respect to its input needs.
    """
    N, C, H, W_ = (int(s) for s in X_shape)
    kh, kw, stride, pad, out_h, out_w = _geometry((N, C, H, W_), kh, kw, stride, pad)
    cols = as_float_array(cols, "cols", ndim=2)
    if cols.shape != (N * out_h * out_w, C * kh * kw):
        raise ValueError(
            f"cols must have shape {(N * out_h * out_w, C * kh * kw)} for X_shape {tuple(X_shape)}, "
            f"a {kh}x{kw} kernel, stride {stride} and pad {pad}; got {cols.shape}."
        )
    cols = cols.reshape(N, out_h, out_w, C, kh, kw)
    Xp = np.zeros((N, C, H + 2 * pad, W_ + 2 * pad), dtype=cols.dtype)
    for u in range(kh):
        for v in range(kw):
            Xp[:, :, u : u + stride * out_h : stride, v : v + stride * out_w : stride] += cols[
                :, :, :, :, u, v
            ].transpose(0, 3, 1, 2)
    return Xp[:, :, pad : pad + H, pad : pad + W_] if pad else Xp


def _check_filters(X: np.ndarray, W, b=None):
    W = as_float_array(W, "W", ndim=4)
    if W.shape[1] != X.shape[1]:
        raise ValueError(
            f"W must have shape (F, {X.shape[1]}, kh, kw) for X with {X.shape[1]} channels; "
            f"got {W.shape}. W is (filters, channels, kernel height, kernel width)."
        )
    if b is not None:
        b = as_float_array(b, "b")
        if b.shape != (W.shape[0],):
            fix = " Use b.ravel()." if b.size == W.shape[0] else ""
            raise ValueError(
                f"b must have shape ({W.shape[0]},), one per filter; got {b.shape}.{fix}"
            )
    return W, b


def conv2d_forward(X, W, b, stride: int = 1, pad: int = 0) -> np.ndarray:
    """2-D convolution (cross-correlation) of a batch with a bank of filters, through :func:`im2col`.

    Parameters
    ----------
    X : ndarray of shape (N, C, H, W)
    W : ndarray of shape (F, C, kh, kw)
    b : ndarray of shape (F,)
    stride, pad : int

    Returns
    -------
    ndarray of shape (N, F, out_h, out_w), ``out_h = conv_output_size(H, kh, stride, pad)``.
    """
    X = _as_batch(X)
    W, b = _check_filters(X, W, b)
    F, _, kh, kw = W.shape
    out_h = conv_output_size(X.shape[2], kh, stride, pad)
    out_w = conv_output_size(X.shape[3], kw, stride, pad)
    cols = im2col(X, kh, kw, stride, pad)
    out = cols @ W.reshape(F, -1).T.astype(cols.dtype, copy=False)
    out += b.astype(out.dtype, copy=False)
    return out.reshape(X.shape[0], out_h, out_w, F).transpose(0, 3, 1, 2)


def conv2d_backward(dout, X, W, stride: int = 1, pad: int = 0):
    """Backward pass of :func:`conv2d_forward`, given ``dout = dL/d(out)``.

    Returns
    -------
    dX : ndarray of shape (N, C, H, W)
    dW : ndarray of shape (F, C, kh, kw)
    db : ndarray of shape (F,), ``dout`` summed over samples and pixels
    """
    X = _as_batch(X)
    W, _ = _check_filters(X, W)
    F, C, kh, kw = W.shape
    out_h = conv_output_size(X.shape[2], kh, stride, pad)
    out_w = conv_output_size(X.shape[3], kw, stride, pad)
    dout = as_float_array(dout, "dout")
    if dout.shape != (X.shape[0], F, out_h, out_w):
        raise ValueError(
            f"dout must have the shape of the forward output {(X.shape[0], F, out_h, out_w)}; "
            f"got {dout.shape}."
        )
    cols = im2col(X, kh, kw, stride, pad)
    d2 = dout.transpose(0, 2, 3, 1).reshape(-1, F)
    dW = (d2.T @ cols).reshape(W.shape)
    db = dout.sum(axis=(0, 2, 3))
    dX = col2im(d2 @ W.reshape(F, -1).astype(d2.dtype, copy=False), X.shape, kh, kw, stride, pad)
    return dX, dW, db


def _pool_windows(X: np.ndarray, size: int, stride: int):
    size = check_int(size, "size", minimum=1)
    stride = check_int(stride, "stride", minimum=1)
    out_h = conv_output_size(X.shape[2], size, stride)
    out_w = conv_output_size(X.shape[3], size, stride)
    # windows[n, c, u * size + v, i, j] = X[n, c, i*stride + u, j*stride + v]
    windows = np.stack(
        [
            X[:, :, u : u + stride * out_h : stride, v : v + stride * out_w : stride]
            for u in range(size)
            for v in range(size)
        ],
        axis=2,
    )
    return windows, size, stride, out_h, out_w


def maxpool2d(X, size: int = 2, stride: int = 2) -> np.ndarray:
    """Max pooling over ``size x size`` windows: (N, C, H, W) -> (N, C, out_h, out_w)."""
    X = _as_batch(X)
    windows, *_ = _pool_windows(X, size, stride)
    return windows.max(axis=2)


def maxpool2d_backward(dout, X, size: int = 2, stride: int = 2) -> np.ndarray:
    """Gradient of :func:`maxpool2d` with respect to ``X``.

    Each window's gradient goes to the position of its maximum; with ties, to the first
    maximum in row-major order within the window (as PyTorch). Overlapping windows add up.
    """
    X = _as_batch(X)
    windows, size, stride, out_h, out_w = _pool_windows(X, size, stride)
    dout = as_float_array(dout, "dout")
    if dout.shape != (*X.shape[:2], out_h, out_w):
        raise ValueError(
            f"dout must have the shape of the pooled output {(*X.shape[:2], out_h, out_w)}; "
            f"got {dout.shape}."
        )
    first = windows.argmax(axis=2)
    dX = np.zeros(X.shape, dtype=np.result_type(X, dout))
    for u in range(size):
        for v in range(size):
            dX[:, :, u : u + stride * out_h : stride, v : v + stride * out_w : stride] += np.where(
                first == u * size + v, dout, 0.0
            )
    return dX


# --- the layout Conv2D uses: channels first, one column per receptive field --------------
# The public im2col keeps the row order students write (rows (n, i, j)); the layer works on
# its transpose in (C, N, H, W) order instead, where every kernel offset is one contiguous
# block of the column matrix and no axis has to move inside the loops: about twice as fast.
# These kernels compute the answers of notebook 09 (im2col, conv2d_forward, conv2d_backward)
# in that other layout: `publish --upto` leaves them out with those exercises
# (EXTRA_REFERENCES in course/publish.py). Conv2D runs them only when it is given dlkit's
# own conv2d_forward / conv2d_backward (its default); given a student's, it runs those.


def _conv_forward_t(X: np.ndarray, W: np.ndarray, b: np.ndarray, stride: int, pad: int):
    """:func:`conv2d_forward` channels first: returns ``(out, cols)``, ``cols`` kept for dW."""
    F, _, kh, kw = W.shape
    cols, out_h, out_w = _cols_t(X.transpose(1, 0, 2, 3), kh, kw, stride, pad)
    out = W.reshape(F, -1).astype(X.dtype, copy=False) @ cols
    out += b.astype(out.dtype, copy=False)[:, None]
    return out.reshape(F, X.shape[0], out_h, out_w).transpose(1, 0, 2, 3), cols


def _conv_backward_t(
    dout: np.ndarray, X: np.ndarray, W: np.ndarray, stride: int, pad: int, cols=None
):
    """:func:`conv2d_backward` channels first (reuses ``cols`` when given): (dX, dW, db)."""
    F, _, kh, kw = W.shape
    if cols is None:
        cols, _, _ = _cols_t(X.transpose(1, 0, 2, 3), kh, kw, stride, pad)
    out_h, out_w = dout.shape[2], dout.shape[3]
    d2 = np.ascontiguousarray(dout.transpose(1, 0, 2, 3)).reshape(F, -1)
    dW = (d2 @ cols.T).reshape(W.shape)
    db = d2.sum(axis=1)
    dcols = W.reshape(F, -1).T.astype(d2.dtype, copy=False) @ d2
    return _col2im_t(dcols, X.shape, kh, kw, stride, pad, out_h, out_w), dW, db


def _cols_t(Xc: np.ndarray, kh: int, kw: int, stride: int, pad: int):
    """``Xc`` in (C, N, H, W) order -> columns of shape (C * kh * kw, N * out_h * out_w)."""
    C, N, H, W = Xc.shape
    out_h = conv_output_size(H, kh, stride, pad)
    out_w = conv_output_size(W, kw, stride, pad)
    if pad:
        Xp = np.zeros((C, N, H + 2 * pad, W + 2 * pad), dtype=Xc.dtype)
        Xp[:, :, pad : pad + H, pad : pad + W] = Xc
    else:
        Xp = Xc
    cols = np.empty((C, kh, kw, N, out_h, out_w), dtype=Xc.dtype)
    for u in range(kh):
        for v in range(kw):
            cols[:, u, v] = Xp[
                :, :, u : u + stride * out_h : stride, v : v + stride * out_w : stride
            ]
    return cols.reshape(C * kh * kw, N * out_h * out_w), out_h, out_w


def _col2im_t(
    dcols: np.ndarray, shape, kh: int, kw: int, stride: int, pad: int, out_h: int, out_w: int
):
    """The adjoint of :func:`_cols_t`: (C * kh * kw, N * out_h * out_w) -> (N, C, H, W)."""
    N, C, H, W = shape
    dcols = dcols.reshape(C, kh, kw, N, out_h, out_w)
    dXp = np.zeros((C, N, H + 2 * pad, W + 2 * pad), dtype=dcols.dtype)
    for u in range(kh):
        for v in range(kw):
            dXp[:, :, u : u + stride * out_h : stride, v : v + stride * out_w : stride] += dcols[
                :, u, v
            ]
    return dXp[:, :, pad : pad + H, pad : pad + W].transpose(1, 0, 2, 3)
