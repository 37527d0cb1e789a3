"""Figures for the course: data sets, decision boundaries, activation curves.

All helpers draw on a Matplotlib ``Axes`` (one is created when ``ax`` is None) and
return it, so they compose: ``ax = plot_data(X, y); plot_decision_line(w, b, ax=ax)``.
Figures share one size (:data:`FIGSIZE`) and one colour per class.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from ._validation import as_2d, as_labels, check_matching_rows
from .landscapes import SURFACES, Surface

__all__ = [
    "FIGSIZE",
    "CLASS_COLORS",
    "new_figure",
    "plot_data",
    "plot_decision_line",
    "DecisionLine",
    "half_plane_polygon",
    "plot_decision_boundary",
    "plot_activations",
    "plot_errors",
    "draw_neuron_diagram",
    "plot_loss_curves",
    "draw_mlp_diagram",
    "draw_computational_graph",
    "plot_surface",
    "plot_trajectories",
    "plot_confusion_matrix",
    "plot_image_grid",
    "plot_roc_curve",
    "plot_feature_maps",
    "sequence_model_diagrams",
]

#: width, height in inches of a single-panel figure
FIGSIZE = (5.5, 3.6)
#: one colour per class, colour-blind safe (Okabe-Ito)
CLASS_COLORS = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
_MARKERS = ("o", "s", "^", "D", "v", "P")


def new_figure(
    ncols: int = 1,
    nrows: int = 1,
    *,
    pyplot: bool = True,
    scale: float = 1.0,
    dpi: float | None = None,
):
    """A figure of the course's standard size with ``nrows x ncols`` axes.

    With ``pyplot=False`` the figure is not registered with pyplot: nothing is shown
    automatically, which is what the interactive widgets want.
    """
    size = (FIGSIZE[0] * ncols * scale, FIGSIZE[1] * nrows * scale)
    if pyplot:
        import matplotlib.pyplot as plt  # lazy: matplotlib is slow to import

        fig, axes = plt.subplots(nrows, ncols, figsize=size, squeeze=False, layout="constrained")
    else:
        from matplotlib.figure import Figure  # lazy: matplotlib is slow to import

        fig = Figure(figsize=size, layout="constrained", dpi=dpi)
        axes = fig.subplots(nrows, ncols, squeeze=False)
    if axes.size == 1:
        return fig, axes[0, 0]
    return fig, axes.ravel() if 1 in axes.shape else axes


def _ax(ax):
    return new_figure()[1] if ax is None else ax


def plot_data(
    X,
    y,
    ax=None,
    *,
    feature_names: Sequence[str] = ("$x_1$", "$x_2$"),
    class_names: Sequence[str] | None = None,
    s: float = 36,
):
    """Scatter a 2-D data set, one colour and marker per class."""
    X = as_2d(X, "X")
    y = as_labels(y, "y", n_samples=X.shape[0])
    if X.shape[1] != 2:
        raise ValueError(
            f"X must have exactly 2 features to be drawn in a plane; got shape {X.shape}."
        )
    ax = _ax(ax)
    for k, label in enumerate(np.unique(y)):
        mask = y == label
        name = class_names[k] if class_names is not None else f"class {label}"
        ax.scatter(
            X[mask, 0],
            X[mask, 1],
            s=s,
            c=CLASS_COLORS[k % len(CLASS_COLORS)],
            marker=_MARKERS[k % len(_MARKERS)],
            edgecolors="white",
            linewidths=0.6,
            label=name,
            zorder=3,
        )
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    ax.legend(loc="best", fontsize="small", framealpha=0.8)
    return ax


def _limits(X: np.ndarray, pad: float = 0.1) -> tuple[tuple[float, float], tuple[float, float]]:
    lo, hi = X.min(axis=0), X.max(axis=0)
    span = np.where(hi - lo > 0, hi - lo, 1.0)
    lo, hi = lo - pad * span, hi + pad * span
    return (float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1]))


def half_plane_polygon(w, b, xlim, ylim) -> np.ndarray:
    """Corners of the part of the box ``xlim x ylim`` where ``w @ x + b >= 0``.

    Returns an array of shape (k, 2), k = 0 when the half-plane misses the box. Cheap
    enough to recompute on every slider move (it clips one rectangle by one line).
    """
    w = np.asarray(w, dtype=float).ravel()
    corners = np.array(
        [[xlim[0], ylim[0]], [xlim[1], ylim[0]], [xlim[1], ylim[1]], [xlim[0], ylim[1]]]
    )
    values = corners @ w + float(b)
    out = []
    for i in range(4):  # Sutherland-Hodgman against a single edge
        p, q, vp, vq = corners[i], corners[(i + 1) % 4], values[i], values[(i + 1) % 4]
        if vp >= 0:
            out.append(p)
        if (vp >= 0) != (vq >= 0):
            out.append(p + (q - p) * (vp / (vp - vq)))
    return np.array(out).reshape(-1, 2)


def _line_points(w, b, xlim, ylim) -> np.ndarray:
    """Two points of the line ``w @ x + b = 0`` spanning the box (NaN if w = 0)."""
    w = np.asarray(w, dtype=float).ravel()
    if abs(w[1]) > 1e-12:
        xs = np.array(xlim, dtype=float)
        return np.column_stack([xs, -(w[0] * xs + b) / w[1]])
    if abs(w[0]) > 1e-12:
        return np.array([[-b / w[0], ylim[0]], [-b / w[0], ylim[1]]])
    return np.full((2, 2), np.nan)


class DecisionLine:
    """The artists of a linear decision boundary, cheap to move: see :meth:`update`."""

    def __init__(self, ax, xlim, ylim, *, shade: bool = True, color: str = "k"):
        from matplotlib.patches import Polygon  # lazy: matplotlib is slow to import

        self.ax, self.xlim, self.ylim = ax, tuple(xlim), tuple(ylim)
        box = np.array(
            [[xlim[0], ylim[0]], [xlim[1], ylim[0]], [xlim[1], ylim[1]], [xlim[0], ylim[1]]]
        )
        self.negative = Polygon(
            box, closed=True, facecolor=CLASS_COLORS[0], alpha=0.12, lw=0, zorder=0, visible=shade
        )
        self.positive = Polygon(
            box, closed=True, facecolor=CLASS_COLORS[1], alpha=0.18, lw=0, zorder=0, visible=shade
        )
        ax.add_patch(self.negative)
        ax.add_patch(self.positive)
        (self.line,) = ax.plot([], [], color=color, lw=2, zorder=2)
        ax.set_xlim(self.xlim)
        ax.set_ylim(self.ylim)

    def update(self, w, b) -> None:
        """Move the line to ``w @ x + b = 0``; shade the side predicted positive."""
        w = np.asarray(w, dtype=float).ravel()
        for patch, (sw, sb) in ((self.positive, (w, b)), (self.negative, (-w, -b))):
            corners = half_plane_polygon(sw, sb, self.xlim, self.ylim)
            patch.set_xy(corners if len(corners) else np.zeros((1, 2)))
        pts = _line_points(w, b, self.xlim, self.ylim)
        self.line.set_data(pts[:, 0], pts[:, 1])


def plot_decision_line(
    w, b, ax=None, *, xlim=None, ylim=None, shade: bool = True, color: str = "k"
):
    """Draw the line ``w[0] x1 + w[1] x2 + b = 0`` and shade the side where it is >= 0.

    Returns the axes. A zero weight vector has no line; only the shading is drawn.
    """
    w = np.asarray(w, dtype=float).ravel()
    if w.shape != (2,):
        raise ValueError(f"w must hold 2 weights for a line in the plane; got shape {w.shape}.")
    ax = _ax(ax)
    DecisionLine(ax, xlim or ax.get_xlim(), ylim or ax.get_ylim(), shade=shade, color=color).update(
        w, float(b)
    )
    return ax


def plot_decision_boundary(
    predict: Callable, X, y=None, ax=None, *, resolution: int = 200, **data_kwargs
):
    """Colour the plane by the class ``predict`` assigns, then scatter the data.

    ``predict`` maps an array of shape (n, 2) to labels of shape (n,) (or to scores,
    which are thresholded at 0.5 when they are not integers).
    """
    X = as_2d(X, "X")
    ax = _ax(ax)
    (x0, x1), (y0, y1) = _limits(X)
    xx, yy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    grid = np.column_stack([xx.ravel(), yy.ravel()])
    out = np.asarray(predict(grid))
    if out.ndim == 2:
        out = out.argmax(axis=1) if out.shape[1] > 1 else out[:, 0]
    if out.dtype.kind == "f":
        out = (out >= 0.5).astype(int)
    levels = np.arange(out.min(), out.max() + 2) - 0.5
    colors = [
        CLASS_COLORS[int(k) % len(CLASS_COLORS)] for k in range(int(out.min()), int(out.max()) + 1)
    ]
    ax.contourf(xx, yy, out.reshape(xx.shape), levels=levels, colors=colors, alpha=0.15, zorder=0)
    if y is not None:
        check_matching_rows(X, np.asarray(y), "X", "y")
        plot_data(X, y, ax=ax, **data_kwargs)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    return ax


def plot_activations(
    functions: Mapping[str, Callable],
    derivatives: Mapping[str, Callable] | None = None,
    *,
    z=None,
):
    """Plot activation functions (left) and, if given, their derivatives (right)."""
    z = np.linspace(-4, 4, 401) if z is None else np.asarray(z, dtype=float)
    ncols = 2 if derivatives else 1
    fig, axes = new_figure(ncols)
    axes = np.atleast_1d(axes)
    panels = [("activation $f(z)$", functions)] + (
        [("derivative $f'(z)$", derivatives)] if derivatives else []
    )
    for ax, (title, funcs) in zip(axes, panels, strict=True):
        for name, f in funcs.items():
            ax.plot(z, f(z), lw=2, label=name)
        ax.axhline(0, color="0.6", lw=0.8)
        ax.axvline(0, color="0.6", lw=0.8)
        ax.set_xlabel("$z$")
        ax.set_title(title)
        ax.legend(fontsize="small")
    return axes


def plot_errors(errors_per_epoch: Sequence[int], ax=None, *, title: str = "perceptron training"):
    """Bar chart of misclassified samples per epoch."""
    errors = np.asarray(errors_per_epoch)
    ax = _ax(ax)
    epochs = np.arange(1, errors.size + 1)
    ax.bar(epochs, errors, color=CLASS_COLORS[1])
    ax.set_xlabel("epoch")
    ax.set_ylabel("misclassified samples")
    ax.set_title(title)
    ax.set_xticks(epochs if errors.size <= 20 else epochs[:: max(1, errors.size // 10)])
    return ax


def draw_neuron_diagram(ax=None, n_inputs: int = 3, activation: str = "f"):
    """A diagram of one neuron: inputs, weights, the sum with the bias, the activation."""
    from matplotlib.patches import Circle, Rectangle  # lazy: matplotlib is slow to import

    ax = _ax(ax)
    ys = np.linspace(0.85, 0.15, n_inputs)
    body = (0.55, 0.5)
    for i, yy in enumerate(ys, start=1):
        ax.annotate(
            "",
            xy=(body[0] - 0.08, body[1]),
            xytext=(0.13, yy),
            arrowprops={"arrowstyle": "->", "color": "0.3", "lw": 1.2},
        )
        ax.text(0.08, yy, f"$x_{i}$", ha="center", va="center", fontsize=13)
        ax.text(
            0.33, yy + (body[1] - yy) * 0.45 + 0.035, f"$w_{i}$", fontsize=11, color=CLASS_COLORS[1]
        )
    ax.add_patch(Circle(body, 0.08, facecolor="#f2f2f2", edgecolor="k", lw=1.5))
    ax.text(*body, r"$\Sigma$", ha="center", va="center", fontsize=16)
    ax.text(body[0], body[1] + 0.13, "$+\\,b$", ha="center", fontsize=12, color=CLASS_COLORS[0])
    ax.annotate(
        "", xy=(0.78, 0.5), xytext=(body[0] + 0.08, 0.5), arrowprops={"arrowstyle": "->", "lw": 1.2}
    )
    ax.text(0.72, 0.56, "$z$", fontsize=12)
    ax.add_patch(Rectangle((0.78, 0.42), 0.1, 0.16, facecolor="#f2f2f2", edgecolor="k", lw=1.5))
    ax.text(0.83, 0.5, f"${activation}$", ha="center", va="center", fontsize=14)
    ax.annotate("", xy=(1.0, 0.5), xytext=(0.88, 0.5), arrowprops={"arrowstyle": "->", "lw": 1.2})
    ax.text(0.95, 0.56, "$a$", fontsize=12)
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1)
    ax.set_axis_off()
    return ax


def plot_loss_curves(
    history: Mapping[str, Sequence[float]], ax=None, *, log: bool = False, xlabel: str = "epoch"
):
    """One line per named series, e.g. ``{"train": [...], "validation": [...]}``."""
    ax = _ax(ax)
    for k, (name, values) in enumerate(history.items()):
        values = np.asarray(values, dtype=float)
        ax.plot(
            np.arange(1, values.size + 1),
            values,
            lw=2,
            label=name,
            color=CLASS_COLORS[(k + 1) % len(CLASS_COLORS)],
        )
    ax.set_xlabel(xlabel)
    ax.set_ylabel("loss")
    if log:
        ax.set_yscale("log")
    ax.legend(fontsize="small")
    return ax


def _surface(surface):
    if isinstance(surface, Surface):
        return surface
    if surface not in SURFACES:
        raise ValueError(f"unknown surface {surface!r}; choose one of {', '.join(SURFACES)}.")
    return SURFACES[surface]


def plot_surface(surface, ax=None, *, resolution: int = 120, levels: int = 18):
    """Contour lines of a 2-D loss surface (a name in ``dlkit.landscapes.SURFACES``).

    Levels are spaced on a log scale of ``f - f_min`` so that both the steep walls
    and the flat floor show; the minima are marked with stars.
    """
    surface = _surface(surface)
    ax = _ax(ax)
    xs = np.linspace(*surface.xlim, resolution)
    ys = np.linspace(*surface.ylim, resolution)
    gap = surface.gap(np.stack(np.meshgrid(xs, ys), axis=-1))
    top = float(np.percentile(gap, 95))
    lo = max(top * 1e-4, 1e-3) if surface.log_levels else top / levels
    ax.contour(xs, ys, gap, levels=np.geomspace(lo, top, levels), cmap="viridis", linewidths=1)
    ax.plot(*surface.minima.T, "*", color="k", ms=12, label="minimum")
    ax.set_xlim(surface.xlim)
    ax.set_ylim(surface.ylim)
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    return ax


def plot_trajectories(surface, paths: Mapping[str, np.ndarray], ax=None, *, contours: bool = True):
    """Paths of optimizers ``{label: array (k, 2)}`` over a surface's contours.

    Each path starts with a circle; a cross marks where it ended.
    """
    surface = _surface(surface)
    ax = plot_surface(surface, ax) if contours else _ax(ax)
    for k, (label, path) in enumerate(paths.items()):
        path = np.asarray(path, dtype=float)
        color = CLASS_COLORS[k % len(CLASS_COLORS)]
        ax.plot(path[:, 0], path[:, 1], ".-", color=color, lw=1.5, ms=3, label=label)
        ax.plot(*path[0], "o", color=color, ms=7)
        ax.plot(*path[-1], "X", color=color, ms=9, mec="k")
    ax.legend(fontsize="small", loc="lower right")
    return ax


def draw_mlp_diagram(layer_sizes: Sequence[int], ax=None, *, max_units: int = 6, batch: str = "n"):
    """Units of an MLP as circles, with the shape of every array under its layer.

    Layer ``l`` shows ``W_l: (n_{l-1}, n_l)`` and ``b_l: (n_l,)`` on the edges, and
    ``A_l: (batch, n_l)`` under the units (``X`` for the input).
    """
    sizes = [int(n) for n in layer_sizes]
    if len(sizes) < 2:
        raise ValueError(f"layer_sizes needs at least two entries; got {list(layer_sizes)}.")
    ax = ax if ax is not None else new_figure(scale=1.3)[1]
    xs = np.linspace(0.08, 0.92, len(sizes))

    def unit_positions(n):
        shown = min(n, max_units)
        return np.linspace(0.8, 0.25, shown) if shown > 1 else np.array([0.525]), shown < n

    previous = None
    for layer, (x, n) in enumerate(zip(xs, sizes, strict=True)):
        ys, truncated = unit_positions(n)
        if previous is not None:
            px, pys = previous
            for y0 in pys:
                for y1 in ys:
                    ax.plot([px, x], [y0, y1], color="0.75", lw=0.6, zorder=1)
            ax.text(
                (px + x) / 2,
                0.9,
                f"$W_{layer}$: ({sizes[layer - 1]}, {n})\n$b_{layer}$: ({n},)",
                ha="center",
                va="bottom",
                fontsize=9,
                color=CLASS_COLORS[1],
            )
        color = (
            "#f2f2f2" if 0 < layer < len(sizes) - 1 else ("#dde8f5" if layer == 0 else "#f5e3d9")
        )
        ax.scatter(np.full(len(ys), x), ys, s=260, facecolor=color, edgecolor="k", zorder=3)
        if truncated:
            ax.text(x, 0.17, "⋮", ha="center", va="center", fontsize=14)
        name = "X" if layer == 0 else (r"$\hat{Y}$" if layer == len(sizes) - 1 else f"$A_{layer}$")
        role = (
            "input" if layer == 0 else ("output" if layer == len(sizes) - 1 else f"hidden {layer}")
        )
        ax.text(x, 0.05, f"{role}\n{name}: ({batch}, {n})", ha="center", va="center", fontsize=9)
        previous = (x, ys)
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.02, 1.02)
    ax.set_axis_off()
    return ax


def draw_computational_graph(values: Mapping[str, float] | None = None, ax=None):
    """The graph of ``E = 1/2 (T - sigmoid(w2 sigmoid(w1 x + b1) + b2))^2``.

    Nodes are the quantities of the course's worked example (one neuron per layer);
    each arrow carries its local derivative, so the chain rule reads off the path
    from ``E`` back to a parameter. Pass ``values`` (``{"x": 0.1, "z1": 0.415, ...}``)
    to print them under the nodes.
    """
    from matplotlib.patches import FancyBboxPatch  # lazy: matplotlib is slow to import

    ax = ax if ax is not None else new_figure(scale=1.6)[1]
    main = [("x", 0.04), ("z1", 0.22), ("a1", 0.38), ("z2", 0.56), ("a2", 0.72), ("E", 0.92)]
    side = [
        ("w1", 0.13, "z1"),
        ("b1", 0.26, "z1"),
        ("w2", 0.47, "z2"),
        ("b2", 0.60, "z2"),
        ("T", 0.86, "E"),
    ]
    y_main, y_side = 0.42, 0.82
    pos = {name: (x, y_main) for name, x in main}
    pos.update({name: (x, y_side) for name, x, _ in side})
    labels = {
        "x": "$x$",
        "z1": "$z_1$",
        "a1": "$a_1$",
        "z2": "$z_2$",
        "a2": "$a_2$",
        "E": "$E$",
        "w1": "$w_1$",
        "b1": "$b_1$",
        "w2": "$w_2$",
        "b2": "$b_2$",
        "T": "$T$",
    }
    local = {
        ("x", "z1"): "$w_1$",
        ("z1", "a1"): r"$\sigma'(z_1)$",
        ("a1", "z2"): "$w_2$",
        ("z2", "a2"): r"$\sigma'(z_2)$",
        ("a2", "E"): "$a_2 - T$",
        ("w1", "z1"): "$x$",
        ("b1", "z1"): "$1$",
        ("w2", "z2"): "$a_1$",
        ("b2", "z2"): "$1$",
        ("T", "E"): "",
    }
    edges = list(zip([n for n, _ in main[:-1]], [n for n, _ in main[1:]], strict=True))
    edges += [(name, target) for name, _, target in side]
    for a, b in edges:
        (x0, y0), (x1, y1) = pos[a], pos[b]
        ax.annotate(
            "",
            xy=(x1 - 0.03 * np.sign(x1 - x0) if y0 == y1 else x1, y1 + (0.07 if y0 != y1 else 0)),
            xytext=(x0 + (0.03 if y0 == y1 else 0), y0 - (0.07 if y0 != y1 else 0)),
            arrowprops={"arrowstyle": "->", "lw": 1.3, "color": "0.35"},
        )
        ax.text(
            (x0 + x1) / 2 + (0.0 if y0 == y1 else 0.01),
            (y0 + y1) / 2 + (0.06 if y0 == y1 else 0),
            local[(a, b)],
            ha="center",
            fontsize=10,
            color=CLASS_COLORS[0],
        )
    for name, (x, y) in pos.items():
        ax.add_patch(
            FancyBboxPatch(
                (x - 0.03, y - 0.055),
                0.06,
                0.11,
                boxstyle="round,pad=0.01",
                facecolor="#dde8f5" if name in ("w1", "b1", "w2", "b2") else "#f2f2f2",
                edgecolor="k",
                lw=1.2,
            )
        )
        ax.text(x, y, labels[name], ha="center", va="center", fontsize=13)
        if values is not None and name in values:
            ax.text(x, y - 0.1, f"{values[name]:.4g}", ha="center", va="top", fontsize=9)
    ax.text(
        0.5,
        0.08,
        "coloured: the local derivative along each arrow; the gradient of E with respect to a node is the "
        "product along the path from E back to it",
        ha="center",
        fontsize=8.5,
        color="0.3",
    )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_axis_off()
    return ax


def plot_confusion_matrix(cm, ax=None, *, labels: Sequence | None = None, title: str = ""):
    """A confusion matrix as a heat map with the counts written in the cells.

    Rows are true classes, columns predicted ones (as :func:`dlkit.metrics.confusion_matrix`
    returns them); the colour is the fraction of each row, so small classes show too.
    """
    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise ValueError(
            f"cm must be a square (n_classes, n_classes) matrix; got shape {cm.shape}. "
            "Use dlkit.metrics.confusion_matrix(y_true, y_pred, n_classes)."
        )
    n = cm.shape[0]
    labels = list(range(n)) if labels is None else list(labels)
    if len(labels) != n:
        raise ValueError(f"labels has {len(labels)} entries for {n} classes.")
    ax = new_figure(scale=1.0)[1] if ax is None else ax
    rows = cm.sum(axis=1, keepdims=True)
    share = np.divide(cm, rows, out=np.zeros(cm.shape, dtype=float), where=rows > 0)
    ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
    for i in range(n):
        for j in range(n):
            if cm[i, j]:
                ax.text(
                    j, i, f"{cm[i, j]:g}", ha="center", va="center", fontsize="small",
                    color="white" if share[i, j] > 0.5 else "black",
                )  # fmt: skip
    ax.set_xticks(range(n), labels)
    ax.set_yticks(range(n), labels)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    if title:
        ax.set_title(title, fontsize="medium")
    return ax


def plot_image_grid(
    images, titles: Sequence[str] | None = None, *, ncols: int = 10, cmap: str = "gray_r",
    size: float = 0.9,
):  # fmt: skip
    """Small images in a grid, each with an optional title; returns the Figure.

    ``images`` is an array of shape (n, height, width), or (n, height*width) for square
    images such as the digits' 64 pixels.
    """
    import matplotlib.pyplot as plt  # lazy: matplotlib is slow to import

    images = np.asarray(images, dtype=float)
    if images.ndim == 2:
        side = int(round(np.sqrt(images.shape[1])))
        if side * side != images.shape[1]:
            raise ValueError(
                f"images of {images.shape[1]} pixels are not square; pass an array of shape "
                "(n, height, width)."
            )
        images = images.reshape(-1, side, side)
    if images.ndim != 3 or images.shape[0] == 0:
        raise ValueError(
            f"images must have shape (n, height, width) with n >= 1; got {images.shape}."
        )
    if titles is not None and len(titles) != images.shape[0]:
        raise ValueError(f"titles has {len(titles)} entries for {images.shape[0]} images.")
    n = images.shape[0]
    ncols = max(1, min(int(ncols), n))
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(size * ncols, (size + (0.3 if titles else 0)) * nrows),
        squeeze=False, layout="constrained",
    )  # fmt: skip
    for k, ax in enumerate(axes.ravel()):
        ax.set_axis_off()
        if k < n:
            ax.imshow(images[k], cmap=cmap, interpolation="nearest")
            if titles is not None:
                ax.set_title(str(titles[k]), fontsize="small")
    return fig


def plot_roc_curve(fpr, tpr, ax=None, *, label: str | None = None, chance: bool = True):
    """A ROC curve (true against false positive rate) as a step line, with the chance diagonal.

    ``fpr`` and ``tpr`` as :func:`dlkit.metrics.roc_curve` returns them. Returns the axes.
    """
    fpr = np.asarray(fpr, dtype=float)
    tpr = np.asarray(tpr, dtype=float)
    if fpr.ndim != 1 or fpr.shape != tpr.shape:
        raise ValueError(
            f"fpr and tpr must be 1-D of the same length; got shapes {fpr.shape} and "
            f"{tpr.shape}. Use fpr, tpr, _ = dlkit.metrics.roc_curve(y_true, scores)."
        )
    ax = _ax(ax)
    if chance:
        ax.plot([0, 1], [0, 1], color="0.6", ls="--", lw=1, label="chance (AUC 0.5)")
    ax.plot(fpr, tpr, lw=2, color=CLASS_COLORS[1], label=label)
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_aspect("equal")
    ax.set_xlabel("false positive rate (false alarms)")
    ax.set_ylabel("true positive rate (recall)")
    if label or chance:
        ax.legend(fontsize="small", loc="lower right")
    return ax


def plot_feature_maps(model, image, *, max_maps: int = 8, cmap: str = "gray_r", size: float = 0.9):
    """What a CNN makes of one image: a row per layer that outputs feature maps.

    ``model`` is a :class:`dlkit.models.Sequential` (or anything with a ``layers`` list
    whose layers are callables); ``image`` has shape (C, H, W) or (1, C, H, W). The image
    goes through the layers in evaluation mode, one at a time, and each layer whose output
    is a batch of maps (N, F, h, w) gets a row with its first ``max_maps`` maps, each
    scaled on its own (dark is large with the default ``cmap``). Returns the Figure.
    """
    import matplotlib.pyplot as plt  # lazy: matplotlib is slow to import

    x = np.asarray(image, dtype=float)
    if x.ndim == 3:
        x = x[None]
    if x.ndim != 4 or x.shape[0] != 1:
        raise ValueError(
            f"image must have shape (C, H, W) or (1, C, H, W); got {np.shape(image)}. "
            "For a grey 8x8 digit use image.reshape(1, 8, 8)."
        )
    rows = []
    for k, layer in enumerate(getattr(model, "layers", [])):
        x = layer(x)
        if np.ndim(x) == 4:
            rows.append((f"{k}: {type(layer).__name__}", np.asarray(x)[0, :max_maps]))
    if not rows:
        raise ValueError("model has no layer that outputs feature maps (N, F, h, w).")
    ncols = max(maps.shape[0] for _, maps in rows)
    fig, axes = plt.subplots(
        len(rows), ncols, figsize=(size * ncols + 1.2, (size + 0.25) * len(rows)),
        squeeze=False, layout="constrained",
    )  # fmt: skip
    for (label, maps), line in zip(rows, axes, strict=True):
        for f, ax in enumerate(line):
            ax.set_xticks([])
            ax.set_yticks([])
            if f < maps.shape[0]:
                ax.imshow(maps[f], cmap=cmap, interpolation="nearest")
                ax.set_title(f"map {f}", fontsize="small")
            else:
                ax.set_axis_off()
        line[0].set_ylabel(label, fontsize="small")
    return fig


def sequence_model_diagrams():
    """A picture of the roads a gradient takes back through time: vanilla RNN, LSTM, attention.

    Returns the pyplot figure (three rows). Red labels say what the gradient is multiplied
    by on each arrow on its way back from the output (right) to the first step (left).
    """
    import matplotlib.pyplot as plt  # lazy: matplotlib is slow to import
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    fig, axes = plt.subplots(3, 1, figsize=(9, 6.3))
    xs = np.arange(5) * 1.6
    titles = (
        "vanilla RNN: every step back multiplies by Wh.T and tanh'",
        "LSTM / GRU: the cell line c only multiplies by the forget gate f_t, and adds",
        "attention: the output reads every earlier state directly",
    )

    def box(ax, x, y, text, color):
        ax.add_patch(
            FancyBboxPatch(
                (x - 0.35, y - 0.25), 0.7, 0.5, boxstyle="round,pad=0.03", fc=color, ec="k"
            )
        )
        ax.text(x, y, text, ha="center", va="center", fontsize=9)

    def arrow(ax, a, b, label=None, color="k", rad=0.0, dy=0.12):
        ax.add_patch(
            FancyArrowPatch(
                a,
                b,
                arrowstyle="-|>",
                mutation_scale=12,
                color=color,
                connectionstyle=f"arc3,rad={rad}",
            )
        )
        if label:
            ax.text(
                (a[0] + b[0]) / 2,
                (a[1] + b[1]) / 2 + dy,
                label,
                color="C3",
                ha="center",
                fontsize=8,
            )

    for row, (ax, title) in enumerate(zip(axes, titles, strict=True)):
        ax.set_xlim(-0.8, xs[-1] + 2.2)
        ax.set_ylim(-0.9, 1.3)
        ax.axis("off")
        ax.set_title(title, fontsize=10, loc="left")
        for k, x in enumerate(xs):
            box(ax, x, 0, f"h{k + 1}", "#dbe9f6")
            ax.text(x, -0.75, f"x{k + 1}", ha="center", fontsize=9)
            arrow(ax, (x, -0.6), (x, -0.27))
        out_x = xs[-1] + 1.5
        box(ax, out_x, 0, "loss", "#f6e0db")
        if row == 0:
            for a, b in zip(xs[:-1], xs[1:], strict=True):
                arrow(ax, (a + 0.37, 0), (b - 0.37, 0), "Wh, tanh'")
            arrow(ax, (xs[-1] + 0.37, 0), (out_x - 0.37, 0))
        elif row == 1:
            for a, b in zip(xs[:-1], xs[1:], strict=True):
                arrow(ax, (a + 0.37, 0), (b - 0.37, 0), "Wh, tanh'", dy=-0.22)
                arrow(ax, (a, 0.9), (b, 0.9), "x f_t, +", dy=0.1)
            for x in xs:
                arrow(ax, (x, 0.27), (x, 0.85), color="0.5")
                ax.text(x + 0.08, 0.95, "c", fontsize=9)
            arrow(ax, (xs[-1] + 0.37, 0), (out_x - 0.37, 0))
            arrow(ax, (xs[-1], 0.9), (out_x - 0.1, 0.27))
        else:
            for x in xs:
                arrow(ax, (x + 0.2, 0.27), (out_x - 0.2, 0.27), rad=-0.15, color="C2")
            ax.text(
                out_x + 0.4,
                0.45,
                "softmax weights:\none hop from every step",
                color="C3",
                fontsize=8,
                ha="right",
            )
    fig.tight_layout()
    return fig
