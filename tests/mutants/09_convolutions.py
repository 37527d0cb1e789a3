"""Mutants for 09_convolutions: plausible wrong answers each test cell must catch.

Each function ``<exercise>__<mistake>`` stands for one student mistake; functions named
``<exercise>__ok_<variant>`` are different but correct answers that must pass.
Bodies are self-contained: they run in the notebook's namespace (np, dlkit, and the
student's other functions such as conv_output_size, pad2d and im2col).
"""

import numpy as np

# ------------------------------------------------------------------------------ conv_output_size


def conv_output_size__off_by_one(n, k, stride=1, pad=0):
    """Forgets the + 1: counts the steps, not the positions."""
    if k > n + 2 * pad:
        raise ValueError("kernel too large")
    return (n + 2 * pad - k) // stride


def conv_output_size__pad_once(n, k, stride=1, pad=0):
    """Pads one side only: n + pad instead of n + 2 pad."""
    if k > n + pad:
        raise ValueError("kernel too large")
    return (n + pad - k) // stride + 1


def conv_output_size__true_division(n, k, stride=1, pad=0):
    """Divides with / and rounds to the nearest integer instead of flooring."""
    if k > n + 2 * pad:
        raise ValueError("kernel too large")
    return round((n + 2 * pad - k) / stride) + 1


def conv_output_size__no_error(n, k, stride=1, pad=0):
    """Never raises: returns 0 or a negative size when the kernel does not fit."""
    return (n + 2 * pad - k) // stride + 1


def conv_output_size__ceil(n, k, stride=1, pad=0):
    """Rounds up (keeps a last, partial window), returning an int."""
    import math

    if k > n + 2 * pad:
        raise ValueError("kernel too large")
    return math.ceil((n + 2 * pad - k) / stride) + 1


def conv_output_size__ok_math_floor(n, k, stride=1, pad=0):
    """Correct: math.floor of the true quotient, and the check written the other way round."""
    import math

    padded = n + 2 * pad
    if padded - k < 0:
        raise ValueError(f"kernel {k} larger than the padded input {padded}")
    return int(math.floor((padded - k) / stride)) + 1


# ------------------------------------------------------------------------------ pad2d


def pad2d__all_axes(X, pad):
    """Pads every axis, the samples and channels included."""
    return np.pad(X, pad)


def pad2d__one_side(X, pad):
    """Pads after the image only (bottom and right)."""
    return np.pad(X, ((0, 0), (0, 0), (0, 2 * pad), (0, 2 * pad)))


def pad2d__wrong_axes(X, pad):
    """Pads the channels and the rows instead of the rows and the columns."""
    return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)))


def pad2d__float64(X, pad):
    """Always returns float64 (np.zeros without dtype)."""
    N, C, H, W = X.shape
    out = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    out[:, :, pad : pad + H, pad : pad + W] = X
    return out


def pad2d__no_copy(X, pad):
    """Returns X itself for pad = 0."""
    if pad == 0:
        return X
    return np.pad(X, ((0, 0), (0, 0), (pad, pad), (pad, pad)))


def pad2d__ok_np_pad(X, pad):
    """Correct: np.pad with one (before, after) pair per axis."""
    return np.pad(X, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode="constant")


# ------------------------------------------------------------------------------ conv2d_single


def conv2d_single__flipped(x, k):
    """True convolution: flips the kernel."""
    k = k[::-1, ::-1]
    kh, kw = k.shape
    out = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i : i + kh, j : j + kw] * k)
    return out


def conv2d_single__square_kernel(x, k):
    """Uses kh for both kernel sides."""
    kh = k.shape[0]
    out = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kh + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i : i + kh, j : j + kh] * k[:kh, :kh])
    return out


def conv2d_single__no_plus_one(x, k):
    """Off by one: H - kh positions."""
    kh, kw = k.shape
    out = np.zeros((max(x.shape[0] - kh, 1), max(x.shape[1] - kw, 1)))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i : i + kh, j : j + kw] * k)
    return out


def conv2d_single__transposed_kernel(x, k):
    """Slides k.T instead of k."""
    kt = k.T
    kh, kw = kt.shape
    out = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i : i + kh, j : j + kw] * kt)
    return out


def conv2d_single__ok_window_view(x, k):
    """Correct: sliding_window_view and einsum, no Python loop."""
    windows = np.lib.stride_tricks.sliding_window_view(x, k.shape)
    return np.einsum("ijuv,uv->ij", windows, k)


def conv2d_single__ok_offsets(x, k):
    """Correct: a loop over the kernel entries, each adding a shifted image."""
    kh, kw = k.shape
    H_out, W_out = x.shape[0] - kh + 1, x.shape[1] - kw + 1
    out = np.zeros((H_out, W_out))
    for u in range(kh):
        for v in range(kw):
            out += k[u, v] * x[u : u + H_out, v : v + W_out]
    return out


# ------------------------------------------------------------------------------ im2col


def im2col__column_order_uvc(X, kh, kw, stride=1, pad=0):
    """Columns ordered (u, v, c) instead of (c, u, v)."""
    N, C, H, W = X.shape
    H_out = conv_output_size(H, kh, stride, pad)  # noqa: F821
    W_out = conv_output_size(W, kw, stride, pad)  # noqa: F821
    Xp = pad2d(X, pad)  # noqa: F821
    cols = np.empty((N, H_out, W_out, kh, kw, C), dtype=X.dtype)
    for u in range(kh):
        for v in range(kw):
            cols[:, :, :, u, v, :] = Xp[
                :, :, u : u + stride * H_out : stride, v : v + stride * W_out : stride
            ].transpose(0, 2, 3, 1)
    return cols.reshape(N * H_out * W_out, C * kh * kw)


def im2col__rows_column_major(X, kh, kw, stride=1, pad=0):
    """Rows ordered (n, j, i): the output columns vary slowest."""
    N, C, H, W = X.shape
    H_out = conv_output_size(H, kh, stride, pad)  # noqa: F821
    W_out = conv_output_size(W, kw, stride, pad)  # noqa: F821
    Xp = pad2d(X, pad)  # noqa: F821
    cols = np.empty((N, W_out, H_out, C, kh, kw), dtype=X.dtype)
    for u in range(kh):
        for v in range(kw):
            cols[:, :, :, :, u, v] = Xp[
                :, :, u : u + stride * H_out : stride, v : v + stride * W_out : stride
            ].transpose(0, 3, 2, 1)
    return cols.reshape(N * H_out * W_out, C * kh * kw)


def im2col__reshape_without_transpose(X, kh, kw, stride=1, pad=0):
    """Stacks the slices as (N, C, kh, kw, H_out, W_out) and reshapes without moving the axes."""
    N, C, H, W = X.shape
    H_out = conv_output_size(H, kh, stride, pad)  # noqa: F821
    W_out = conv_output_size(W, kw, stride, pad)  # noqa: F821
    Xp = pad2d(X, pad)  # noqa: F821
    cols = np.empty((N, C, kh, kw, H_out, W_out), dtype=X.dtype)
    for u in range(kh):
        for v in range(kw):
            cols[:, :, u, v] = Xp[
                :, :, u : u + stride * H_out : stride, v : v + stride * W_out : stride
            ]
    return cols.reshape(N * H_out * W_out, C * kh * kw)


def im2col__ignores_stride(X, kh, kw, stride=1, pad=0):
    """Slides one pixel at a time whatever the stride, then keeps the first rows."""
    N, C, H, W = X.shape
    H_out = conv_output_size(H, kh, stride, pad)  # noqa: F821
    W_out = conv_output_size(W, kw, stride, pad)  # noqa: F821
    Xp = pad2d(X, pad)  # noqa: F821
    cols = np.empty((N, H_out, W_out, C, kh, kw), dtype=X.dtype)
    for u in range(kh):
        for v in range(kw):
            cols[:, :, :, :, u, v] = Xp[:, :, u : u + H_out, v : v + W_out].transpose(0, 2, 3, 1)
    return cols.reshape(N * H_out * W_out, C * kh * kw)


def im2col__ignores_pad(X, kh, kw, stride=1, pad=0):
    """Forgets to pad (sizes computed without the padding)."""
    N, C, H, W = X.shape
    H_out = conv_output_size(H, kh, stride, 0)  # noqa: F821
    W_out = conv_output_size(W, kw, stride, 0)  # noqa: F821
    cols = np.empty((N, H_out, W_out, C, kh, kw), dtype=X.dtype)
    for u in range(kh):
        for v in range(kw):
            cols[:, :, :, :, u, v] = X[
                :, :, u : u + stride * H_out : stride, v : v + stride * W_out : stride
            ].transpose(0, 2, 3, 1)
    return cols.reshape(N * H_out * W_out, C * kh * kw)


def im2col__loops_over_pixels(X, kh, kw, stride=1, pad=0):
    """Correct values, but a Python loop over every output pixel."""
    N, C, H, W = X.shape
    H_out = conv_output_size(H, kh, stride, pad)  # noqa: F821
    W_out = conv_output_size(W, kw, stride, pad)  # noqa: F821
    Xp = pad2d(X, pad)  # noqa: F821
    cols = np.empty((N, H_out, W_out, C * kh * kw), dtype=X.dtype)
    for i in range(H_out):
        for j in range(W_out):
            patch = Xp[:, :, i * stride : i * stride + kh, j * stride : j * stride + kw]
            cols[:, i, j] = patch.reshape(N, -1)
    return cols.reshape(N * H_out * W_out, C * kh * kw)


def im2col__loops_over_channels(X, kh, kw, stride=1, pad=0):
    """Correct values, but one pass per channel."""
    N, C, H, W = X.shape
    H_out = conv_output_size(H, kh, stride, pad)  # noqa: F821
    W_out = conv_output_size(W, kw, stride, pad)  # noqa: F821
    Xp = pad2d(X, pad)  # noqa: F821
    cols = np.empty((N, H_out, W_out, C, kh, kw), dtype=X.dtype)
    for c in range(C):
        for u in range(kh):
            for v in range(kw):
                cols[:, :, :, c, u, v] = Xp[
                    :, c, u : u + stride * H_out : stride, v : v + stride * W_out : stride
                ]
    return cols.reshape(N * H_out * W_out, C * kh * kw)


def im2col__loops_over_samples(X, kh, kw, stride=1, pad=0):
    """Correct values, built one sample at a time."""

    def _im2col_cols(X, kh, kw, stride, pad):
        N, C, H, W = X.shape
        H_out = conv_output_size(H, kh, stride, pad)  # noqa: F821 - the notebook's
        W_out = conv_output_size(W, kw, stride, pad)  # noqa: F821
        Xp = pad2d(X, pad)  # noqa: F821
        cols = np.empty((N, H_out, W_out, C, kh, kw), dtype=X.dtype)
        for u in range(kh):
            for v in range(kw):
                cols[:, :, :, :, u, v] = Xp[
                    :, :, u : u + stride * H_out : stride, v : v + stride * W_out : stride
                ].transpose(0, 2, 3, 1)
        return cols

    N = X.shape[0]
    rows = []
    for n in range(N):
        Xn = np.asarray(X[n : n + 1])
        rows.append(_im2col_cols(Xn, kh, kw, stride, pad).reshape(-1, X.shape[1] * kh * kw))
    return np.concatenate(rows)


def im2col__ok_as_strided(X, kh, kw, stride=1, pad=0):
    """Correct: one as_strided view of the padded input, copied by reshape."""
    N, C, H, W = X.shape
    H_out = conv_output_size(H, kh, stride, pad)  # noqa: F821
    W_out = conv_output_size(W, kw, stride, pad)  # noqa: F821
    Xp = np.ascontiguousarray(pad2d(X, pad))  # noqa: F821
    sN, sC, sH, sW = Xp.strides
    view = np.lib.stride_tricks.as_strided(
        Xp,
        shape=(N, H_out, W_out, C, kh, kw),
        strides=(sN, sH * stride, sW * stride, sC, sH, sW),
        writeable=False,
    )
    return view.reshape(N * H_out * W_out, C * kh * kw)


def im2col__ok_sliding_window_view(X, kh, kw, stride=1, pad=0):
    """Correct: sliding_window_view, then every stride-th window, with np.pad."""
    N, C = X.shape[:2]
    Xp = np.pad(X, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    windows = np.lib.stride_tricks.sliding_window_view(Xp, (kh, kw), axis=(2, 3))
    windows = windows[:, :, ::stride, ::stride]  # (N, C, H_out, W_out, kh, kw)
    return windows.transpose(0, 2, 3, 1, 4, 5).reshape(-1, C * kh * kw)


# ------------------------------------------------------------------------------ conv2d_forward


def conv2d_forward__reshape_without_transpose(X, W, b, stride=1, pad=0):
    """Reshapes the (N*H_out*W_out, F) product straight to (N, F, H_out, W_out)."""

    def _forward_parts(X, W, stride, pad):
        N = X.shape[0]
        F, C, kh, kw = W.shape
        H_out = conv_output_size(X.shape[2], kh, stride, pad)  # noqa: F821
        W_out = conv_output_size(X.shape[3], kw, stride, pad)  # noqa: F821
        return N, F, kh, kw, H_out, W_out

    N, F, kh, kw, H_out, W_out = _forward_parts(X, W, stride, pad)
    out = im2col(X, kh, kw, stride, pad) @ W.reshape(F, -1).T + b  # noqa: F821
    return out.reshape(N, F, H_out, W_out)


def conv2d_forward__flipped_kernel(X, W, b, stride=1, pad=0):
    """True convolution: flips every kernel."""

    def _forward_parts(X, W, stride, pad):
        N = X.shape[0]
        F, C, kh, kw = W.shape
        H_out = conv_output_size(X.shape[2], kh, stride, pad)  # noqa: F821
        W_out = conv_output_size(X.shape[3], kw, stride, pad)  # noqa: F821
        return N, F, kh, kw, H_out, W_out

    N, F, kh, kw, H_out, W_out = _forward_parts(X, W, stride, pad)
    Wf = W[:, :, ::-1, ::-1]
    out = im2col(X, kh, kw, stride, pad) @ Wf.reshape(F, -1).T + b  # noqa: F821
    return out.reshape(N, H_out, W_out, F).transpose(0, 3, 1, 2)


def conv2d_forward__no_bias(X, W, b, stride=1, pad=0):
    """Forgets the bias."""

    def _forward_parts(X, W, stride, pad):
        N = X.shape[0]
        F, C, kh, kw = W.shape
        H_out = conv_output_size(X.shape[2], kh, stride, pad)  # noqa: F821
        W_out = conv_output_size(X.shape[3], kw, stride, pad)  # noqa: F821
        return N, F, kh, kw, H_out, W_out

    N, F, kh, kw, H_out, W_out = _forward_parts(X, W, stride, pad)
    out = im2col(X, kh, kw, stride, pad) @ W.reshape(F, -1).T  # noqa: F821
    return out.reshape(N, H_out, W_out, F).transpose(0, 3, 1, 2)


def conv2d_forward__weights_transposed_flatten(X, W, b, stride=1, pad=0):
    """Flattens W in the order (kh, kw, C) that does not match im2col's columns."""

    def _forward_parts(X, W, stride, pad):
        N = X.shape[0]
        F, C, kh, kw = W.shape
        H_out = conv_output_size(X.shape[2], kh, stride, pad)  # noqa: F821
        W_out = conv_output_size(X.shape[3], kw, stride, pad)  # noqa: F821
        return N, F, kh, kw, H_out, W_out

    N, F, kh, kw, H_out, W_out = _forward_parts(X, W, stride, pad)
    out = im2col(X, kh, kw, stride, pad) @ W.transpose(0, 2, 3, 1).reshape(F, -1).T + b  # noqa: F821
    return out.reshape(N, H_out, W_out, F).transpose(0, 3, 1, 2)


def conv2d_forward__loops_over_samples(X, W, b, stride=1, pad=0):
    """Correct values, one sample at a time."""

    def _forward_parts(X, W, stride, pad):
        N = X.shape[0]
        F, C, kh, kw = W.shape
        H_out = conv_output_size(X.shape[2], kh, stride, pad)  # noqa: F821
        W_out = conv_output_size(X.shape[3], kw, stride, pad)  # noqa: F821
        return N, F, kh, kw, H_out, W_out

    N, F, kh, kw, H_out, W_out = _forward_parts(X, W, stride, pad)
    outs = []
    for n in range(N):
        Xn = np.asarray(X[n : n + 1])
        o = im2col(Xn, kh, kw, stride, pad) @ W.reshape(F, -1).T + b  # noqa: F821
        outs.append(o.reshape(1, H_out, W_out, F).transpose(0, 3, 1, 2))
    return np.concatenate(outs)


def conv2d_forward__loops_over_pixels(X, W, b, stride=1, pad=0):
    """Correct values, one output pixel at a time."""

    def _forward_parts(X, W, stride, pad):
        N = X.shape[0]
        F, C, kh, kw = W.shape
        H_out = conv_output_size(X.shape[2], kh, stride, pad)  # noqa: F821
        W_out = conv_output_size(X.shape[3], kw, stride, pad)  # noqa: F821
        return N, F, kh, kw, H_out, W_out

    N, F, kh, kw, H_out, W_out = _forward_parts(X, W, stride, pad)
    Xp = pad2d(X, pad)  # noqa: F821
    out = np.empty((N, F, H_out, W_out), dtype=np.result_type(X, W))
    for i in range(H_out):
        for j in range(W_out):
            patch = Xp[:, :, i * stride : i * stride + kh, j * stride : j * stride + kw]
            out[:, :, i, j] = np.einsum("nchw,fchw->nf", patch, W) + b
    return out


def conv2d_forward__ok_einsum(X, W, b, stride=1, pad=0):
    """Correct: an einsum over the sliding windows, without im2col."""
    Xp = np.pad(X, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    windows = np.lib.stride_tricks.sliding_window_view(Xp, W.shape[2:], axis=(2, 3))
    windows = windows[:, :, ::stride, ::stride]
    return np.einsum("ncijuv,fcuv->nfij", windows, W) + b[None, :, None, None]


def conv2d_forward__ok_tensordot(X, W, b, stride=1, pad=0):
    """Correct: im2col reshaped to 6-D and np.tensordot, then moveaxis."""

    def _forward_parts(X, W, stride, pad):
        N = X.shape[0]
        F, C, kh, kw = W.shape
        H_out = conv_output_size(X.shape[2], kh, stride, pad)  # noqa: F821
        W_out = conv_output_size(X.shape[3], kw, stride, pad)  # noqa: F821
        return N, F, kh, kw, H_out, W_out

    N, F, kh, kw, H_out, W_out = _forward_parts(X, W, stride, pad)
    cols = im2col(X, kh, kw, stride, pad).reshape(N, H_out, W_out, -1)  # noqa: F821
    out = np.tensordot(cols, W.reshape(F, -1), axes=([3], [1])) + b
    return np.moveaxis(out, 3, 1)


# ------------------------------------------------------------------------------ conv2d_backward


def conv2d_backward__db_not_summed_over_pixels(dout, X, W, stride=1, pad=0):
    """Sums db over the samples only: shape (F, H_out, W_out)."""

    def _scatter(dcols, X_shape, kh, kw, stride, pad, H_out, W_out, accumulate=True):
        N, C, H, W = X_shape
        dcols = dcols.reshape(N, H_out, W_out, C, kh, kw)
        dXp = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=dcols.dtype)
        for u in range(kh):
            for v in range(kw):
                part = dcols[:, :, :, :, u, v].transpose(0, 3, 1, 2)
                sl = (
                    slice(None),
                    slice(None),
                    slice(u, u + stride * H_out, stride),
                    slice(v, v + stride * W_out, stride),
                )
                if accumulate:
                    dXp[sl] += part
                else:
                    dXp[sl] = part
        return dXp[:, :, pad : pad + H, pad : pad + W]

    def _backward(
        dout,
        X,
        W,
        stride,
        pad,
        *,
        accumulate=True,
        db_axes=(0, 2, 3),
        db_scale=1.0,
        flip=False,
        dW_order="nhwf",
    ):
        F, C, kh, kw = W.shape
        H_out, W_out = dout.shape[2], dout.shape[3]
        d2 = (
            dout.transpose(0, 2, 3, 1).reshape(-1, F) if dW_order == "nhwf" else dout.reshape(-1, F)
        )
        Wk = W[:, :, ::-1, ::-1] if flip else W
        dW = (d2.T @ im2col(X, kh, kw, stride, pad)).reshape(W.shape)  # noqa: F821
        if flip:
            dW = dW[:, :, ::-1, ::-1]
        db = dout.sum(axis=db_axes) * db_scale
        dX = _scatter(
            d2 @ Wk.reshape(F, -1), X.shape, kh, kw, stride, pad, H_out, W_out, accumulate
        )
        return dX, dW, db

    return _backward(dout, X, W, stride, pad, db_axes=0)


def conv2d_backward__db_mean(dout, X, W, stride=1, pad=0):
    """Averages db instead of summing."""

    def _scatter(dcols, X_shape, kh, kw, stride, pad, H_out, W_out, accumulate=True):
        N, C, H, W = X_shape
        dcols = dcols.reshape(N, H_out, W_out, C, kh, kw)
        dXp = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=dcols.dtype)
        for u in range(kh):
            for v in range(kw):
                part = dcols[:, :, :, :, u, v].transpose(0, 3, 1, 2)
                sl = (
                    slice(None),
                    slice(None),
                    slice(u, u + stride * H_out, stride),
                    slice(v, v + stride * W_out, stride),
                )
                if accumulate:
                    dXp[sl] += part
                else:
                    dXp[sl] = part
        return dXp[:, :, pad : pad + H, pad : pad + W]

    def _backward(
        dout,
        X,
        W,
        stride,
        pad,
        *,
        accumulate=True,
        db_axes=(0, 2, 3),
        db_scale=1.0,
        flip=False,
        dW_order="nhwf",
    ):
        F, C, kh, kw = W.shape
        H_out, W_out = dout.shape[2], dout.shape[3]
        d2 = (
            dout.transpose(0, 2, 3, 1).reshape(-1, F) if dW_order == "nhwf" else dout.reshape(-1, F)
        )
        Wk = W[:, :, ::-1, ::-1] if flip else W
        dW = (d2.T @ im2col(X, kh, kw, stride, pad)).reshape(W.shape)  # noqa: F821
        if flip:
            dW = dW[:, :, ::-1, ::-1]
        db = dout.sum(axis=db_axes) * db_scale
        dX = _scatter(
            d2 @ Wk.reshape(F, -1), X.shape, kh, kw, stride, pad, H_out, W_out, accumulate
        )
        return dX, dW, db

    return _backward(
        dout, X, W, stride, pad, db_scale=1.0 / (dout.shape[0] * dout.shape[2] * dout.shape[3])
    )


def conv2d_backward__overwrites_overlaps(dout, X, W, stride=1, pad=0):
    """col2im with = instead of +=: overlapping fields keep only the last gradient."""

    def _scatter(dcols, X_shape, kh, kw, stride, pad, H_out, W_out, accumulate=True):
        N, C, H, W = X_shape
        dcols = dcols.reshape(N, H_out, W_out, C, kh, kw)
        dXp = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=dcols.dtype)
        for u in range(kh):
            for v in range(kw):
                part = dcols[:, :, :, :, u, v].transpose(0, 3, 1, 2)
                sl = (
                    slice(None),
                    slice(None),
                    slice(u, u + stride * H_out, stride),
                    slice(v, v + stride * W_out, stride),
                )
                if accumulate:
                    dXp[sl] += part
                else:
                    dXp[sl] = part
        return dXp[:, :, pad : pad + H, pad : pad + W]

    def _backward(
        dout,
        X,
        W,
        stride,
        pad,
        *,
        accumulate=True,
        db_axes=(0, 2, 3),
        db_scale=1.0,
        flip=False,
        dW_order="nhwf",
    ):
        F, C, kh, kw = W.shape
        H_out, W_out = dout.shape[2], dout.shape[3]
        d2 = (
            dout.transpose(0, 2, 3, 1).reshape(-1, F) if dW_order == "nhwf" else dout.reshape(-1, F)
        )
        Wk = W[:, :, ::-1, ::-1] if flip else W
        dW = (d2.T @ im2col(X, kh, kw, stride, pad)).reshape(W.shape)  # noqa: F821
        if flip:
            dW = dW[:, :, ::-1, ::-1]
        db = dout.sum(axis=db_axes) * db_scale
        dX = _scatter(
            d2 @ Wk.reshape(F, -1), X.shape, kh, kw, stride, pad, H_out, W_out, accumulate
        )
        return dX, dW, db

    return _backward(dout, X, W, stride, pad, accumulate=False)


def conv2d_backward__dout_not_transposed(dout, X, W, stride=1, pad=0):
    """Flattens dout with reshape(-1, F) straight from (N, F, H_out, W_out)."""

    def _scatter(dcols, X_shape, kh, kw, stride, pad, H_out, W_out, accumulate=True):
        N, C, H, W = X_shape
        dcols = dcols.reshape(N, H_out, W_out, C, kh, kw)
        dXp = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=dcols.dtype)
        for u in range(kh):
            for v in range(kw):
                part = dcols[:, :, :, :, u, v].transpose(0, 3, 1, 2)
                sl = (
                    slice(None),
                    slice(None),
                    slice(u, u + stride * H_out, stride),
                    slice(v, v + stride * W_out, stride),
                )
                if accumulate:
                    dXp[sl] += part
                else:
                    dXp[sl] = part
        return dXp[:, :, pad : pad + H, pad : pad + W]

    def _backward(
        dout,
        X,
        W,
        stride,
        pad,
        *,
        accumulate=True,
        db_axes=(0, 2, 3),
        db_scale=1.0,
        flip=False,
        dW_order="nhwf",
    ):
        F, C, kh, kw = W.shape
        H_out, W_out = dout.shape[2], dout.shape[3]
        d2 = (
            dout.transpose(0, 2, 3, 1).reshape(-1, F) if dW_order == "nhwf" else dout.reshape(-1, F)
        )
        Wk = W[:, :, ::-1, ::-1] if flip else W
        dW = (d2.T @ im2col(X, kh, kw, stride, pad)).reshape(W.shape)  # noqa: F821
        if flip:
            dW = dW[:, :, ::-1, ::-1]
        db = dout.sum(axis=db_axes) * db_scale
        dX = _scatter(
            d2 @ Wk.reshape(F, -1), X.shape, kh, kw, stride, pad, H_out, W_out, accumulate
        )
        return dX, dW, db

    return _backward(dout, X, W, stride, pad, dW_order="nfhw")


def conv2d_backward__flipped_kernel(dout, X, W, stride=1, pad=0):
    """Backward of a true (flipped) convolution."""

    def _scatter(dcols, X_shape, kh, kw, stride, pad, H_out, W_out, accumulate=True):
        N, C, H, W = X_shape
        dcols = dcols.reshape(N, H_out, W_out, C, kh, kw)
        dXp = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=dcols.dtype)
        for u in range(kh):
            for v in range(kw):
                part = dcols[:, :, :, :, u, v].transpose(0, 3, 1, 2)
                sl = (
                    slice(None),
                    slice(None),
                    slice(u, u + stride * H_out, stride),
                    slice(v, v + stride * W_out, stride),
                )
                if accumulate:
                    dXp[sl] += part
                else:
                    dXp[sl] = part
        return dXp[:, :, pad : pad + H, pad : pad + W]

    def _backward(
        dout,
        X,
        W,
        stride,
        pad,
        *,
        accumulate=True,
        db_axes=(0, 2, 3),
        db_scale=1.0,
        flip=False,
        dW_order="nhwf",
    ):
        F, C, kh, kw = W.shape
        H_out, W_out = dout.shape[2], dout.shape[3]
        d2 = (
            dout.transpose(0, 2, 3, 1).reshape(-1, F) if dW_order == "nhwf" else dout.reshape(-1, F)
        )
        Wk = W[:, :, ::-1, ::-1] if flip else W
        dW = (d2.T @ im2col(X, kh, kw, stride, pad)).reshape(W.shape)  # noqa: F821
        if flip:
            dW = dW[:, :, ::-1, ::-1]
        db = dout.sum(axis=db_axes) * db_scale
        dX = _scatter(
            d2 @ Wk.reshape(F, -1), X.shape, kh, kw, stride, pad, H_out, W_out, accumulate
        )
        return dX, dW, db

    return _backward(dout, X, W, stride, pad, flip=True)


def conv2d_backward__ok_einsum(dout, X, W, stride=1, pad=0):
    """Correct: einsums over the sliding windows for dW, a loop over offsets for dX."""
    F, C, kh, kw = W.shape
    N, _, H, W_in = X.shape
    H_out, W_out = dout.shape[2], dout.shape[3]
    Xp = np.pad(X, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    windows = np.lib.stride_tricks.sliding_window_view(Xp, (kh, kw), axis=(2, 3))[
        :, :, ::stride, ::stride
    ]
    windows = windows[:, :, :H_out, :W_out]
    dW = np.einsum("ncijuv,nfij->fcuv", windows, dout)
    db = dout.sum(axis=(0, 2, 3))
    dXp = np.zeros_like(Xp, dtype=np.result_type(dout, W))
    for u in range(kh):
        for v in range(kw):
            dXp[:, :, u : u + stride * H_out : stride, v : v + stride * W_out : stride] += (
                np.einsum("nfij,fc->ncij", dout, W[:, :, u, v])
            )
    return dXp[:, :, pad : pad + H, pad : pad + W_in], dW, db


# ------------------------------------------------------------------------------ maxpool2d


def maxpool2d__mean(X, size=2, stride=2):
    """Average pooling instead of max pooling."""

    def _pool_parts(X, size, stride):
        H_out = conv_output_size(X.shape[2], size, stride)  # noqa: F821
        W_out = conv_output_size(X.shape[3], size, stride)  # noqa: F821
        return [
            X[:, :, u : u + stride * H_out : stride, v : v + stride * W_out : stride]
            for u in range(size)
            for v in range(size)
        ]

    return np.mean(_pool_parts(X, size, stride), axis=0)


def maxpool2d__from_zero(X, size=2, stride=2):
    """Starts the running maximum at 0: negative windows come out 0."""

    def _pool_parts(X, size, stride):
        H_out = conv_output_size(X.shape[2], size, stride)  # noqa: F821
        W_out = conv_output_size(X.shape[3], size, stride)  # noqa: F821
        return [
            X[:, :, u : u + stride * H_out : stride, v : v + stride * W_out : stride]
            for u in range(size)
            for v in range(size)
        ]

    return np.maximum(np.max(_pool_parts(X, size, stride), axis=0), 0.0)


def maxpool2d__stride_is_size(X, size=2, stride=2):
    """Ignores the stride and steps by the window size."""

    def _pool_parts(X, size, stride):
        H_out = conv_output_size(X.shape[2], size, stride)  # noqa: F821
        W_out = conv_output_size(X.shape[3], size, stride)  # noqa: F821
        return [
            X[:, :, u : u + stride * H_out : stride, v : v + stride * W_out : stride]
            for u in range(size)
            for v in range(size)
        ]

    return np.max(_pool_parts(X, size, size), axis=0)


def maxpool2d__reshape_trick(X, size=2, stride=2):
    """Reshapes into blocks (right only for stride == size and sizes divisible by size)."""
    N, C, H, W = X.shape
    H2, W2 = H // size, W // size
    Xc = X[:, :, : H2 * size, : W2 * size]
    return Xc.reshape(N, C, H2, size, W2, size).max(axis=(3, 5))


def maxpool2d__loops_over_samples(X, size=2, stride=2):
    """Correct values, one sample at a time."""

    def _pool_parts(X, size, stride):
        H_out = conv_output_size(X.shape[2], size, stride)  # noqa: F821
        W_out = conv_output_size(X.shape[3], size, stride)  # noqa: F821
        return [
            X[:, :, u : u + stride * H_out : stride, v : v + stride * W_out : stride]
            for u in range(size)
            for v in range(size)
        ]

    return np.concatenate(
        [np.max(_pool_parts(np.asarray(X[n : n + 1]), size, stride), axis=0) for n in range(len(X))]
    )


def maxpool2d__ok_window_view(X, size=2, stride=2):
    """Correct: sliding_window_view, every stride-th window, max over the window axes."""
    windows = np.lib.stride_tricks.sliding_window_view(X, (size, size), axis=(2, 3))
    return windows[:, :, ::stride, ::stride].max(axis=(-2, -1))


# ------------------------------------------------------------------------------ maxpool2d_backward


def maxpool2d_backward__spread_over_window(dout, X, size=2, stride=2):
    """Spreads each window's gradient evenly (the gradient of average pooling)."""

    def _pool_backward(dout, X, size, stride, route):
        H_out, W_out = dout.shape[2], dout.shape[3]
        windows = np.stack(
            [
                X[:, :, u : u + stride * H_out : stride, v : v + stride * W_out : stride]
                for u in range(size)
                for v in range(size)
            ],
            axis=2,
        )
        weights = route(windows)  # (N, C, size*size, H_out, W_out)
        dX = np.zeros(X.shape)
        for k in range(size * size):
            u, v = divmod(k, size)
            dX[:, :, u : u + stride * H_out : stride, v : v + stride * W_out : stride] += (
                weights[:, :, k] * dout
            )
        return dX

    return _pool_backward(dout, X, size, stride, lambda w: np.full(w.shape, 1.0 / (size * size)))


def maxpool2d_backward__every_tie(dout, X, size=2, stride=2):
    """Sends the full gradient to every entry equal to the maximum."""

    def _pool_backward(dout, X, size, stride, route):
        H_out, W_out = dout.shape[2], dout.shape[3]
        windows = np.stack(
            [
                X[:, :, u : u + stride * H_out : stride, v : v + stride * W_out : stride]
                for u in range(size)
                for v in range(size)
            ],
            axis=2,
        )
        weights = route(windows)  # (N, C, size*size, H_out, W_out)
        dX = np.zeros(X.shape)
        for k in range(size * size):
            u, v = divmod(k, size)
            dX[:, :, u : u + stride * H_out : stride, v : v + stride * W_out : stride] += (
                weights[:, :, k] * dout
            )
        return dX

    return _pool_backward(
        dout, X, size, stride, lambda w: (w == w.max(axis=2, keepdims=True)).astype(float)
    )


def maxpool2d_backward__last_tie(dout, X, size=2, stride=2):
    """Picks the last maximum on ties."""

    def _pool_backward(dout, X, size, stride, route):
        H_out, W_out = dout.shape[2], dout.shape[3]
        windows = np.stack(
            [
                X[:, :, u : u + stride * H_out : stride, v : v + stride * W_out : stride]
                for u in range(size)
                for v in range(size)
            ],
            axis=2,
        )
        weights = route(windows)  # (N, C, size*size, H_out, W_out)
        dX = np.zeros(X.shape)
        for k in range(size * size):
            u, v = divmod(k, size)
            dX[:, :, u : u + stride * H_out : stride, v : v + stride * W_out : stride] += (
                weights[:, :, k] * dout
            )
        return dX

    def last(w):
        k = w.shape[2] - 1 - np.argmax(w[:, :, ::-1], axis=2)
        return (np.arange(w.shape[2])[None, None, :, None, None] == k[:, :, None]).astype(float)

    return _pool_backward(dout, X, size, stride, last)


def maxpool2d_backward__overwrites(dout, X, size=2, stride=2):
    """Writes with = instead of +=: overlapping windows keep one gradient."""
    H_out, W_out = dout.shape[2], dout.shape[3]
    dX = np.zeros(X.shape)
    for i in range(H_out):
        for j in range(W_out):
            win = X[:, :, i * stride : i * stride + size, j * stride : j * stride + size]
            flat = win.reshape(*win.shape[:2], -1)
            k = flat.argmax(axis=2)
            u, v = np.divmod(k, size)
            n_idx, c_idx = np.indices(k.shape)
            dX[n_idx, c_idx, i * stride + u, j * stride + v] = dout[:, :, i, j]
    return dX


def maxpool2d_backward__argmax_over_whole_map(dout, X, size=2, stride=2):
    """Sends every window's gradient to the maximum of the whole feature map."""
    dX = np.zeros(X.shape)
    flat = X.reshape(*X.shape[:2], -1)
    k = flat.argmax(axis=2)
    n_idx, c_idx = np.indices(k.shape)
    dX.reshape(*X.shape[:2], -1)[n_idx, c_idx, k] = dout.sum(axis=(2, 3))
    return dX


def maxpool2d_backward__ok_loop_over_windows(dout, X, size=2, stride=2):
    """Correct: a loop over the output pixels with np.argmax and np.unravel_index, adding up."""
    H_out, W_out = dout.shape[2], dout.shape[3]
    dX = np.zeros(X.shape, dtype=np.result_type(X, dout))
    N, C = X.shape[:2]
    for i in range(H_out):
        for j in range(W_out):
            win = X[:, :, i * stride : i * stride + size, j * stride : j * stride + size].reshape(
                N, C, -1
            )
            u, v = np.unravel_index(win.argmax(axis=2), (size, size))
            n_idx, c_idx = np.indices((N, C))
            np.add.at(dX, (n_idx, c_idx, i * stride + u, j * stride + v), dout[:, :, i, j])
    return dX


def maxpool2d_backward__ok_uses_forward(dout, X, size=2, stride=2):
    """Correct: compares each window offset with maxpool2d's output, first match wins."""
    H_out, W_out = dout.shape[2], dout.shape[3]
    pooled = maxpool2d(X, size, stride)  # noqa: F821
    taken = np.zeros(pooled.shape, dtype=bool)
    dX = np.zeros(X.shape, dtype=np.result_type(X, dout))
    for u in range(size):
        for v in range(size):
            sl = (
                slice(None),
                slice(None),
                slice(u, u + stride * H_out, stride),
                slice(v, v + stride * W_out, stride),
            )
            hit = (X[sl] == pooled) & ~taken
            taken |= hit
            dX[sl] += np.where(hit, dout, 0.0)
    return dX
