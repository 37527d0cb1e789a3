"""The shared machinery of the explorers: a figure, its controls, PNG rendering, a static fallback.

Each explorer is a small object: its state lives in plain attributes, ``draw()``
redraws its figure from that state (no kernel needed, which is how the tests drive
it), and displaying it in a notebook shows sliders above the figure. The figure is a
``matplotlib.figure.Figure`` that pyplot does not manage; it is rendered to PNG and
put into an ``ipywidgets.Image``, updated in place on every move. This behaves the
same on ipywidgets 7.7 (Colab) and 8, and needs no ``%matplotlib widget``.

Where sliders cannot work (:func:`dlkit.display.widgets_enabled` is False: under
nbgrader, in CI, with ``DLKIT_NO_WIDGETS=1``, or without ipywidgets) the same figure
is shown as a static image instead.
"""

from __future__ import annotations

import io

import numpy as np

from .. import plot, released, yours_or_reference
from ..display import widgets_enabled

_DPI = 80


class _Interactive:
    """Base: a figure, some controls, a draw() from state, display with fallback."""

    static_note = "Static figure: interactive controls are off here (grading, CI or no widgets)."
    #: Names of the student's functions this explorer was given that are still stubs: it
    #: then shows what to finish instead of its figure (its controls change nothing yet).
    unfinished: list[str] = []

    def __init__(self, ncols: int = 1):
        self.fig, axes = plot.new_figure(ncols, pyplot=False, dpi=_DPI)
        self.axes = np.atleast_1d(axes)
        self._widget = None
        self._image = None

    # -- to implement -------------------------------------------------------------
    def draw(self) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def _controls(self) -> list:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- shared machinery ---------------------------------------------------------
    _built_for = None  # the setting the figure's artists were last built for

    def _ensure_built(self, key=True) -> None:
        """Build the figure's artists (``_build()``) on the first draw, and again whenever
        ``key``, the setting they depend on (a data set, a mode), has changed."""
        if self._built_for is None or self._built_for != key:
            self._build()
            self._built_for = key

    def _freeze_layout(self) -> None:
        """Lay the figure out once; redraws then skip the (slow) layout engine."""
        self._canvas().draw()  # a bare Figure's own canvas cannot draw
        self.fig.set_layout_engine("none")

    def render_png(self) -> bytes:
        """Draw the current state and return it as PNG bytes."""
        self.draw()
        self._render(self._canvas())
        return self._png()

    def _png(self) -> bytes:
        """The canvas's pixels as PNG, lightly compressed: it only travels to the local browser."""
        from PIL import Image  # a dependency of matplotlib, loaded on the first render

        canvas = self._canvas()
        buffer = io.BytesIO()
        Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba()).save(
            buffer, "png", compress_level=1
        )
        return buffer.getvalue()

    def _canvas(self):
        from matplotlib.backends.backend_agg import FigureCanvasAgg  # matplotlib on first draw

        if not isinstance(self.fig.canvas, FigureCanvasAgg):
            FigureCanvasAgg(self.fig)  # attaches itself to the figure
        return self.fig.canvas

    def _render(self, canvas) -> None:
        """Fill the canvas's pixel buffer from the figure (one full Agg draw)."""
        canvas.draw()

    def refresh(self, change=None) -> None:
        """Redraw into the image widget (called by every control)."""
        if self._image is not None:
            self._image.value = self.render_png()

    @property
    def widget(self):
        """The ipywidgets box: controls above the figure (built on first use)."""
        if self._widget is None:
            import ipywidgets as w  # loaded only when the controls are built

            controls = self._controls()
            # the image keeps its natural pixel width: stretched PNGs look blurry
            width = round(self.fig.get_size_inches()[0] * _DPI)
            self._image = w.Image(format="png", value=self.render_png(), width=str(width))
            rows = [
                w.HBox(controls[i : i + 3]) for i in range(0, len(controls), 3)
            ]  # three controls a row
            self._widget = w.VBox([*rows, self._image])
        return self._widget

    def _ipython_display_(self):
        from IPython.display import Image, display  # IPython only when shown in a notebook

        if widgets_enabled():
            display(self.widget)
        else:
            display(Image(data=self.render_png(), format="png"))
            print(self.static_note)


def _bind(owner: _Interactive, control, attr: str, cast=lambda value: value) -> None:
    """Keep ``owner.<attr>`` equal to the control's value and redraw on every change."""

    def on_change(change):
        setattr(owner, attr, cast(change["new"]))
        owner.refresh()

    control.observe(on_change, names="value")


def _slider(description: str, value: float, lo: float, hi: float, step: float, owner, attr: str):
    import ipywidgets as w  # loaded only when the controls are built

    slider = w.FloatSlider(
        value=value,
        min=lo,
        max=hi,
        step=step,
        description=description,
        continuous_update=True,
        readout_format=".2f",
    )
    _bind(owner, slider, attr, float)
    return slider


def _written(function, *example) -> bool:
    """Whether a student's ``function`` runs on ``example`` (False while it is a stub)."""
    try:
        function(*example)
    except NotImplementedError:
        return False
    return True


def _runs(function, *example) -> bool:
    """Whether a widget can draw with ``function``: written, and not a dlkit reference that
    this copy leaves out. (Publish records a widget's own probe call, so such a reference
    answers the probe, then fails on the slider's values.)"""
    return released(function) and _written(function, *example)


def _choose(given: dict, pieces: dict) -> tuple[dict, list[str]]:
    """For each piece ``name -> (reference, example)``: the function to run (``given[name]``,
    a student's, through :func:`dlkit.yours_or_reference`; dlkit's reference when none is
    given), and the names of those it cannot run yet (a stub, or a reference this copy of
    dlkit leaves out), in the order of ``pieces``."""
    chosen, unfinished = {}, []
    for name, (reference, example) in pieces.items():
        args = example() if callable(example) else example
        chosen[name] = yours_or_reference(given.get(name), reference, *args, say=None)
        if not _runs(chosen[name], *args):
            unfinished.append(name)
    return chosen, unfinished


def _function_or_todo(name: str, yours, reference, example: tuple, exercise, missing="pass"):
    """The function a widget runs for the piece ``name``, or what it shows instead (a str).

    Nothing given: dlkit's ``reference`` where this copy of dlkit carries it, else "pass
    name=... (Exercise N)" (``missing="finish"``: "finish Exercise N (name)"). Given: yours
    once it runs on ``example``; dlkit's reference while yours is a stub, where this copy
    carries it, else "finish Exercise N (name)"; "name raised Error" when yours fails on
    the example in another way (a widget never raises on a student's bug).
    """
    todo = f"finish Exercise {exercise} ({name})"
    if yours is None:
        if released(reference):
            return reference
        return todo if missing == "finish" else f"pass {name}=... (Exercise {exercise})"
    try:
        chosen = yours_or_reference(yours, reference, *example, say=None)
    except Exception as error:  # written, with a bug: the widget says so
        return f"{name} raised {type(error).__name__}"
    return chosen if chosen is reference or _written(chosen, *example) else todo


def _given_unfinished(given: dict, chosen: dict, keys: dict | None = None) -> list[str]:
    """The names of the functions a widget was given (not None) that it cannot run yet:
    their entry in ``chosen`` (from :func:`_function_or_todo`) is a message, not a function.
    ``keys`` maps each given name to its key in ``chosen``, in the order to list them
    (default: the names of ``chosen``, in its order)."""
    keys = {name: name for name in chosen} if keys is None else keys
    return [
        name
        for name, key in keys.items()
        if given.get(name) is not None and isinstance(chosen[key], str)
    ]


def _unfinished(ax, what: str):
    """Say on an empty panel which exercise to finish: the widget was given a stub.
    Returns the text artist (hide it with ``set_visible(False)`` once nothing is missing)."""
    return ax.text(
        0.5,
        0.5,
        f"finish {what}\nto see this",
        ha="center",
        va="center",
        transform=ax.transAxes,
        color="0.35",
        fontsize="large",
    )
