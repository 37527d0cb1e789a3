"""Where progress reaches the screen: rich output or text, a text progress bar, a PNG shown in place.

The one small helper through which :mod:`dlkit.callbacks` (and the explorers of
:mod:`dlkit.widgets`) decide how to show something: :func:`widgets_enabled` says whether
rich output (sliders, images updated in place) can render here, :class:`TextProgressBar`
is the one-line fallback (silent under nbgrader), and :func:`show_png` shows an image
and later replaces it in place. IPython is imported only when something is shown.
"""

from __future__ import annotations

import os
import sys
import time

__all__ = ["widgets_enabled", "TextProgressBar", "show_png"]

_DISABLING_ENV = ("NBGRADER_EXECUTION", "CI", "DLKIT_NO_WIDGETS")


def widgets_enabled() -> bool:
    """True when sliders can render: inside a Jupyter kernel, ipywidgets installed,
    and not under nbgrader, CI or ``DLKIT_NO_WIDGETS``."""
    if any(os.environ.get(name) for name in _DISABLING_ENV):
        return False
    try:  # probed on each call, not at import: both are slow to import and may be missing
        import ipywidgets  # noqa: F401
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class TextProgressBar:
    """``epoch 37/100 [#######.............] loss 0.4213``, redrawn at most 10 times a second.

    ``unit`` names what is counted ("epoch", "step", ...).
    """

    def __init__(
        self,
        total: int,
        width: int = 24,
        stream=None,
        enabled: bool | None = None,
        unit: str = "epoch",
    ):
        self.total, self.width, self.unit = total, width, unit
        self.stream = stream or sys.stdout
        self.enabled = not os.environ.get("NBGRADER_EXECUTION") if enabled is None else enabled
        self._last = 0.0

    def update(self, done: int, message: str = "") -> None:
        now = time.perf_counter()
        if not self.enabled or (done < self.total and now - self._last < 0.1):
            return
        self._last = now
        filled = int(self.width * done / self.total)
        bar = "#" * filled + "." * (self.width - filled)
        end = "\n" if done >= self.total else ""
        self.stream.write(f"\r{self.unit} {done}/{self.total} [{bar}] {message}{end}")
        self.stream.flush()


def show_png(data: bytes, handle=None):
    """Show PNG bytes below the running cell, or replace what ``handle`` shows; returns the handle.

    The first call (``handle=None``) displays the image and returns a display handle;
    pass it back to update that image in place instead of adding a new one.
    """
    from IPython.display import Image, display  # IPython only once something is shown

    image = Image(data=data, format="png")
    if handle is None:
        return display(image, display_id=True)
    handle.update(image)
    return handle
