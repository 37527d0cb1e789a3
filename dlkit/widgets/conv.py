"""The convolution explorer (notebook 09): a 3x3 kernel, stride and padding on one digit."""

from __future__ import annotations

import numpy as np

from .. import conv, data
from .._validation import check_choice, check_int
from ._base import _bind, _Interactive


class ConvExplorer(_Interactive):
    """One 8x8 digit, a 3x3 kernel and the feature map ``conv2d_forward`` makes of them.

    ``kernel`` is a preset name of :data:`dlkit.conv.KERNELS` or a 3x3 array; the nine
    number boxes edit its entries (the preset menu then shows "custom"). ``stride`` and
    ``pad`` change the geometry; ``index`` picks the digit. :meth:`draw` returns the
    feature map it shows.
    """

    presets = tuple(conv.KERNELS)

    def __init__(self, kernel="vertical edge", stride: int = 1, pad: int = 0, index: int = 0):
        super().__init__(ncols=3)
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

    def feature_map(self) -> np.ndarray:
        """The feature map of the current digit, kernel, stride and padding."""
        x = self.images[self.index][None, None]
        return conv.conv2d_forward(x, self.kernel[None, None], np.zeros(1), self.stride, self.pad)[
            0, 0
        ]

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

    def draw(self) -> np.ndarray:
        self._ensure_built()
        self.index = min(self.index, len(self.images) - 1)
        shown = conv.pad2d(self.images[self.index][None, None], self.pad)[0, 0]
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
        try:
            out = self.feature_map()
        except ValueError:  # the kernel does not fit (cannot happen for 3x3 on 8x8)
            out = np.zeros((1, 1))
        lim = max(float(np.abs(out).max()), 1e-9)
        self._output.set_data(out)
        self._output.set_clim(-lim, lim)
        self._output.set_extent((-0.5, out.shape[1] - 0.5, out.shape[0] - 0.5, -0.5))
        self.axes[2].set_title(
            f"feature map {out.shape[0]}x{out.shape[1]}\nred > 0, blue < 0", fontsize="medium"
        )
        return out

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
    kernel="vertical edge", stride: int = 1, pad: int = 0, index: int = 0
) -> ConvExplorer:
    """A 3x3 kernel, stride and padding on one 8x8 digit, with the feature map they make."""
    return ConvExplorer(kernel, stride, pad, index)
