"""The convolution explorer (notebook 09): a 3x3 kernel, stride and padding on one digit.

It runs the ``conv2d_single`` it is given (notebook 09 passes the student's own, Exercise 3):
padding is zeros around the digit, and a stride keeps every ``stride``-th position of the
stride-1 map in each direction, which is the strided convolution. While the function is a
stub the feature-map panel says which exercise to finish.
"""

from __future__ import annotations

import textwrap

import numpy as np

from .. import conv, data, yours_or_reference
from .._validation import check_choice, check_int
from ._base import _bind, _Interactive, _unfinished


class _BadMap(ValueError):
    """What conv2d_single returned is not a 2-D map."""


class ConvExplorer(_Interactive):
    """One 8x8 digit, a 3x3 kernel and the feature map ``conv2d_single`` makes of them.

    ``kernel`` is a preset name of :data:`dlkit.conv.KERNELS` or a 3x3 array; the nine
    number boxes edit its entries (the preset menu then shows "custom"). ``stride`` and
    ``pad`` change the geometry; ``index`` picks the digit. :meth:`draw` returns the
    feature map it shows (None while ``conv2d_single`` is unfinished or fails).

    ``conv2d_single(x, k)`` is the valid cross-correlation of one 2-D image with one 2-D
    kernel (default dlkit's). A stub (raises NotImplementedError) is replaced by dlkit's
    reference where this copy of dlkit carries it (:func:`dlkit.yours_or_reference`); else
    the feature-map panel says "finish Exercise 3 (conv2d_single)". It never raises.
    """

    presets = tuple(conv.KERNELS)
    what = "Exercise 3 (conv2d_single)"

    def __init__(
        self,
        kernel="vertical edge",
        stride: int = 1,
        pad: int = 0,
        index: int = 0,
        *,
        conv2d_single=conv.conv2d_single,
    ):
        super().__init__(ncols=3)
        if not callable(conv2d_single):
            raise TypeError(
                f"conv2d_single must be a function; got {type(conv2d_single).__name__}."
            )
        try:
            conv2d_single = yours_or_reference(
                conv2d_single, conv.conv2d_single, np.eye(3), np.ones((2, 2)), say=None
            )
        except Exception:  # written, but fails on the example: draw() shows its error
            pass
        self.conv2d_single = conv2d_single
        self._note = None
        self.fig.set_size_inches(
            self.fig.get_size_inches()[0] * 0.75, self.fig.get_size_inches()[1] * 0.8
        )
        if isinstance(kernel, str):
            check_choice(kernel, "kernel", list(self.presets))
            self.preset = kernel
            self.kernel = conv.KERNELS[kernel].copy()
        else:
            self.kernel = np.array(kernel, dtype=float)
            if self.kernel.shape != (3, 3):
                raise ValueError(
                    f"kernel must be a 3x3 array or a preset name; got shape {self.kernel.shape}."
                )
            self.preset = "custom"
        self.stride = check_int(stride, "stride", minimum=1)
        self.pad = check_int(pad, "pad", minimum=0)
        X, self.labels = data.digits()
        self.images = X.reshape(-1, 8, 8)
        self.index = check_int(index, "index", minimum=0)
        self.controls = []
        self._boxes = []

    def padded(self) -> np.ndarray:
        """The current digit with ``pad`` rows and columns of zeros on every side."""
        return np.pad(self.images[self.index], self.pad)

    def feature_map(self) -> np.ndarray:
        """The feature map of the current digit, kernel, stride and padding: ``conv2d_single``
        on the padded digit, every ``stride``-th row and column (raises what it raises)."""
        out = self.conv2d_single(self.padded(), self.kernel.copy())
        if out is None:
            raise _BadMap("conv2d_single returned None: return the array")
        out = np.asarray(out, dtype=float)
        if out.ndim != 2:
            raise _BadMap(f"conv2d_single returned an array of shape {out.shape}, not a 2-D map")
        return out[:: self.stride, :: self.stride]

    def _build(self) -> None:
        for ax in self.axes:
            ax.clear()
            ax.set_xticks([])
            ax.set_yticks([])
        self._input = self.axes[0].imshow(np.zeros((12, 12)), cmap="gray_r", vmin=0, vmax=16)
        self._kernel = self.axes[1].imshow(np.zeros((3, 3)), cmap="RdBu_r", vmin=-1, vmax=1)
        self._texts = [
            self.axes[1].text(v, u, "", ha="center", va="center", fontsize="small")
            for u in range(3)
            for v in range(3)
        ]
        self._output = self.axes[2].imshow(np.zeros((8, 8)), cmap="RdBu_r", vmin=-1, vmax=1)
        for ax in self.axes:
            ax.set_title("placeholder\n", fontsize="medium")
        self._freeze_layout()

    def draw(self) -> np.ndarray | None:
        self._ensure_built()
        self.index = min(self.index, len(self.images) - 1)
        shown = self.padded()
        self._input.set_data(shown)
        self._input.set_extent((-0.5, shown.shape[1] - 0.5, shown.shape[0] - 0.5, -0.5))
        self.axes[0].set_title(
            f"input: a {self.labels[self.index]}, {shown.shape[0]}x{shown.shape[1]}"
            + (f"\n(with pad={self.pad})" if self.pad else "\n"),
            fontsize="medium",
        )
        lim = max(float(np.abs(self.kernel).max()), 1e-9)
        self._kernel.set_data(self.kernel)
        self._kernel.set_clim(-lim, lim)
        for text, value in zip(self._texts, self.kernel.ravel(), strict=True):
            text.set_text(f"{value:.2g}")
        self.axes[1].set_title(f"kernel: {self.preset}\nstride={self.stride}", fontsize="medium")
        if self._note is not None:
            self._note.remove()
            self._note = None
        try:
            out = self.feature_map()
        except NotImplementedError:
            return self._no_map(None)
        except _BadMap as exc:
            return self._no_map(str(exc))
        except Exception as exc:  # a student's function that fails: say so, never raise
            return self._no_map(f"conv2d_single raised {type(exc).__name__}: {exc}")
        lim = max(float(np.abs(out).max()), 1e-9) if out.size else 1.0
        self._output.set_visible(True)
        self._output.set_data(out)
        self._output.set_clim(-lim, lim)
        self._output.set_extent((-0.5, out.shape[1] - 0.5, out.shape[0] - 0.5, -0.5))
        self.axes[2].set_title(
            f"feature map {out.shape[0]}x{out.shape[1]}\nred > 0, blue < 0", fontsize="medium"
        )
        return out

    def _no_map(self, error: str | None) -> None:
        """The feature-map panel without a map: which exercise to finish, or the error."""
        ax = self.axes[2]
        self._output.set_visible(False)
        ax.set_title("feature map\n", fontsize="medium")
        before = len(ax.texts)
        if error is None:
            _unfinished(ax, self.what)
        else:
            text = textwrap.fill(textwrap.shorten(error, 150), 32)
            ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes,
                    color="firebrick", fontsize="small")  # fmt: skip
        self._note = ax.texts[before]
        return None

    def _set_preset(self, change) -> None:
        if change["new"] == "custom":
            return
        self.preset = change["new"]
        self.kernel = conv.KERNELS[self.preset].copy()
        for box, value in zip(self._boxes, self.kernel.ravel(), strict=True):
            box.unobserve(self._edit_entry, names="value")
            box.value = float(value)
            box.observe(self._edit_entry, names="value")
        self.refresh()

    def _edit_entry(self, change) -> None:
        for k, box in enumerate(self._boxes):
            self.kernel.flat[k] = float(box.value)
        self.preset = "custom"
        if self._menu is not None and self._menu.value != "custom":
            self._menu.unobserve(self._set_preset, names="value")
            self._menu.value = "custom"
            self._menu.observe(self._set_preset, names="value")
        self.refresh()

    _menu = None

    def _controls(self) -> list:
        import ipywidgets as w  # loaded only when the controls are built

        self._menu = w.Dropdown(
            options=[*self.presets, "custom"], value=self.preset, description="kernel"
        )
        self._menu.observe(self._set_preset, names="value")
        stride = w.IntSlider(value=self.stride, min=1, max=3, description="stride")
        pad = w.IntSlider(value=self.pad, min=0, max=2, description="padding")
        index = w.IntSlider(value=self.index, min=0, max=len(self.images) - 1, description="digit")
        _bind(self, stride, "stride", int)
        _bind(self, pad, "pad", int)
        _bind(self, index, "index", int)
        layout = w.Layout(width="70px")
        self._boxes = [
            w.FloatText(value=float(v), step=0.5, layout=layout) for v in self.kernel.ravel()
        ]
        for box in self._boxes:
            box.observe(self._edit_entry, names="value")
        grid = w.VBox([w.HBox(self._boxes[3 * r : 3 * r + 3]) for r in range(3)])
        self.controls = [self._menu, stride, pad, index, grid]
        return self.controls


def conv_explorer(
    kernel="vertical edge",
    stride: int = 1,
    pad: int = 0,
    index: int = 0,
    *,
    conv2d_single=conv.conv2d_single,
) -> ConvExplorer:
    """A 3x3 kernel, stride and padding on one 8x8 digit, with the feature map that
    ``conv2d_single`` (yours, in notebook 09) makes of them."""
    return ConvExplorer(kernel, stride, pad, index, conv2d_single=conv2d_single)
