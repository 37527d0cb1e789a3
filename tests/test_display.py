"""dlkit.display: whether widgets render, the text progress bar, a PNG shown in place."""

import io

from dlkit import display


def test_widgets_are_off_under_nbgrader_and_ci(monkeypatch):
    assert not display.widgets_enabled()  # conftest sets DLKIT_NO_WIDGETS; no kernel here either
    monkeypatch.delenv("DLKIT_NO_WIDGETS")
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert not display.widgets_enabled()


def test_progress_bar_is_throttled_and_silent_under_nbgrader(monkeypatch):
    out = io.StringIO()
    bar = display.TextProgressBar(1000, stream=out, enabled=True)
    for i in range(1, 1001):
        bar.update(i, "loss 1")
    text = out.getvalue()
    assert text.endswith("epoch 1000/1000 [########################] loss 1\n")
    assert text.count("\r") < 20
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    quiet = io.StringIO()
    display.TextProgressBar(3, stream=quiet).update(3)
    assert quiet.getvalue() == ""


def test_progress_bar_unit():
    out = io.StringIO()
    display.TextProgressBar(2, stream=out, enabled=True, unit="step").update(2)
    assert out.getvalue().startswith("\rstep 2/2 [")


def test_show_png_displays_once_then_updates_in_place(monkeypatch):
    import IPython.display

    shown = []

    class Handle:
        def update(self, obj):
            shown.append(("update", obj.data))

    def fake_display(obj, display_id=False):
        assert display_id is True
        shown.append(("display", obj.data))
        return Handle()

    monkeypatch.setattr(IPython.display, "display", fake_display)
    png = b"\x89PNG\r\n\x1a\n"
    handle = display.show_png(png)
    assert display.show_png(png, handle) is handle
    assert shown == [("display", png), ("update", png)]
