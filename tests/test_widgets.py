"""dlkit.widgets, driven headless: set a slider, the state and the figure follow."""

import os

import numpy as np
import pytest

from dlkit import conv as dlkit_conv
from dlkit import data, widgets

ipywidgets = pytest.importorskip("ipywidgets")


def test_neuron_explorer_sliders_move_the_line():
    X, y = data.players(40, rng=0)
    ex = widgets.neuron_explorer(data.standardize(X), y, w1=1.0, w2=-1.0, b=0.0)
    box = ex.widget
    assert isinstance(box, ipywidgets.VBox)
    before_png = ex._image.value
    before_line = ex._line.line.get_ydata().copy()
    w1, w2, b = ex.sliders
    b.value = 1.0  # the observer fires synchronously, no kernel needed
    assert ex.b == 1.0
    assert not np.allclose(ex._line.line.get_ydata(), before_line)
    assert ex._image.value != before_png and ex._image.value[:8] == b"\x89PNG\r\n\x1a\n"


def test_neuron_explorer_accuracy_matches_the_rule():
    X, y = data.players(60, rng=1)
    Xs = data.standardize(X)
    ex = widgets.NeuronExplorer(Xs, y, 0.0, 0.0, 1.0)
    assert ex.draw()["accuracy"] == np.mean(y == 1)  # everything predicted 1
    ex.w1, ex.w2, ex.b = -1.0, 0.0, -100.0
    assert ex.draw()["accuracy"] == np.mean(y == 0)


def test_perceptron_demo_steps_through_training():
    demo = widgets.perceptron_demo(gate="and", epochs=6)
    assert demo.n_positions == 6 * 4 + 1
    _ = demo.widget
    play, slider = demo.controls
    slider.value = 0
    assert demo.draw()["errors"] == [0] * 6
    slider.value = 4  # after the first epoch
    state = demo.draw()
    assert state["errors"][0] == 2 and sum(state["errors"]) == 2
    slider.value = demo.n_positions - 1
    assert demo.draw()["errors"] == [2, 3, 3, 2, 1, 0]


def test_static_fallback_displays_a_png(capsys, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    widgets.perceptron_demo(gate="xor", epochs=3)._ipython_display_()
    assert type(shown[0]).__name__ == "Image" and shown[0].data[:4] == b"\x89PNG"
    assert "Static figure" in capsys.readouterr().out


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="2 features"):
        widgets.neuron_explorer(np.ones((5, 3)), np.zeros(5))
    with pytest.raises(ValueError, match="y must have one label per sample"):
        widgets.neuron_explorer(np.ones((5, 2)), np.zeros(4))
    assert os.environ.get("DLKIT_NO_WIDGETS") == "1"


def test_mlp_playground_controls_change_the_network():
    pg = widgets.mlp_playground(dataset="moons", hidden=4, seed=0)
    _ = pg.widget
    dataset, activation, init, hidden, seed, again = pg.controls
    before = pg._image_artist.get_array().copy()
    again.click()  # re-initialise: a new seed, new weights, new regions
    assert pg.seed == 1 and not np.allclose(pg._image_artist.get_array(), before)
    hidden.value = 16
    assert sum(W.size + b.size for W, b in pg.params()) == 2 * 16 + 16 + 16 * 16 + 16 + 16 * 2 + 2
    dataset.value = "circles"
    assert pg.X.shape == (200, 2) and pg._built_for == "circles"
    init.value = "zeros"  # the symmetry problem: one output for the whole plane
    assert pg.draw()["p1_range"] == (0.5, 0.5)
    with pytest.raises(ValueError, match="dataset must be one of"):
        widgets.mlp_playground(dataset="mnist")


def _stub(*args, **kwargs):
    raise NotImplementedError()


def _left_out(function) -> bool:
    """dlkit.released in a student copy that leaves the open notebook's references out."""
    return not getattr(function, "__module__", "").startswith("dlkit.")


def _as_a_student_copy(monkeypatch) -> None:
    """Every dlkit function counts as left out (where dlkit and the widgets ask)."""
    import dlkit
    from dlkit.widgets import _base

    monkeypatch.setattr(dlkit, "released", _left_out)
    monkeypatch.setattr(_base, "released", _left_out)


def test_mlp_playground_runs_the_functions_it_is_given():
    """Notebook 02 passes the student's init_params and mlp_forward: the playground runs
    them (a wrong one changes the regions), and a stub gets the "finish" panel, no error."""
    from dlkit import init, layers

    calls = []

    def counting_init(sizes, method="he", rng=None):
        calls.append(sizes)
        return init.init_params(sizes, method, rng)

    def swapped_forward(X, params, hidden="relu", output="softmax"):
        Y, cache = layers.mlp_forward(X, params, hidden, output)
        return Y[:, ::-1], cache  # the classes swapped: the other colour everywhere

    reference = widgets.mlp_playground(hidden=4).draw()
    pg = widgets.mlp_playground(hidden=4, init_params=counting_init, mlp_forward=swapped_forward)
    got = pg.draw()
    assert calls[-1] == [2, 4, 4, 2] and pg.unfinished == []
    assert got["accuracy"] != reference["accuracy"]
    assert got["p1_range"] == pytest.approx(
        (1 - reference["p1_range"][1], 1 - reference["p1_range"][0])
    )
    assert pg.activations == ("relu", "tanh", "sigmoid")  # Exercise 4's hidden activations

    # stubs: this dlkit carries the references, so a stub's place is taken by them
    pg = widgets.mlp_playground(hidden=4, init_params=_stub, mlp_forward=swapped_forward)
    assert pg.init_params is init.init_params and pg.draw()["accuracy"] == got["accuracy"]


def test_mlp_playground_says_what_to_finish_where_the_reference_is_left_out(monkeypatch):
    """In a student copy with 02 open the references are left out: a stub's panel says
    which exercise to finish, the data is still drawn, and nothing raises."""

    _as_a_student_copy(monkeypatch)
    pg = widgets.mlp_playground(init_params=_stub, mlp_forward=_stub)
    _ = pg.widget  # renders once
    out = pg.draw()
    assert out["unfinished"] == pg.unfinished == ["init_params", "mlp_forward"]
    assert pg._note.get_visible() and "finish Exercise 3" in pg._note.get_text()
    assert not pg._image_artist.get_visible()
    pg.controls[2].value = "zeros"  # a control moved: still no error
    assert pg.draw()["accuracy"] is None

    def broken(X, params, hidden="relu", output="softmax"):
        return X[:, 0], {}  # one column: not (n, 2) probabilities

    def own_init(sizes, method="he", rng=None):  # a student's finished init_params
        return [(np.ones((m, n)), np.zeros(n)) for m, n in zip(sizes[:-1], sizes[1:], strict=True)]

    pg = widgets.mlp_playground(hidden=4, init_params=own_init, mlp_forward=broken)
    out = pg.draw()
    assert "error" in out and pg._note.get_visible()


def test_loss_explorer_curves_follow_the_target():
    ex = widgets.loss_explorer(mode="regression", target=1.0, delta=0.5)
    _ = ex.widget
    mode, target, label, delta = ex.controls
    x, curves = ex.curves()
    for name, values in curves.items():
        assert x[np.argmin(values)] == pytest.approx(1.0), name  # every loss is 0 at y_hat = y
    target.value = -1.5
    x, curves = ex.curves()
    assert x[np.argmin(curves["MSE"])] == pytest.approx(-1.5)
    assert ex._lines[0].get_xdata()[0] == pytest.approx(-4.5)
    mode.value = "classification"
    label.value = 0
    x, curves = ex.curves()
    bce = curves["binary cross-entropy"]
    assert bce[0] < bce[-1] and np.all(np.diff(bce) > 0), "label 0: a higher score costs more"
    assert ex._built_for == "classification" and len(ex._lines) == 3


def test_loss_explorer_draws_the_losses_it_is_given(monkeypatch):
    """Notebook 03 passes the student's losses: the explorer draws them (a wrong one changes
    its curve); a stub's curve is left out with a "finish" legend entry, the rest drawn."""
    from dlkit import losses

    def double_mse(y, y_hat):
        return 2 * losses.mse(y, y_hat)

    ex = widgets.loss_explorer(mode="regression", target=0.5, mse=double_mse, mae=losses.mae)
    x, curves = ex.curves()
    _, reference = widgets.loss_explorer(mode="regression", target=0.5).curves()
    assert np.allclose(curves["MSE"], 2 * reference["MSE"])
    assert np.allclose(curves["MAE"], reference["MAE"])

    # a stub, where this dlkit carries the reference: the reference is drawn
    ex = widgets.loss_explorer(mode="classification", hinge=_stub)
    assert ex.losses["hinge"] is losses.hinge and ex.unfinished == []

    # a stub in a student copy that leaves the references out: a note for that curve only
    _as_a_student_copy(monkeypatch)

    def own_bce(y, p, eps=1e-12):  # a student's finished binary_cross_entropy
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    ex = widgets.loss_explorer(mode="classification", binary_cross_entropy=own_bce, hinge=_stub)
    _ = ex.widget
    out = ex.draw()
    assert out["hinge: finish Exercise 8 (hinge)"] != out["hinge: finish Exercise 8 (hinge)"]  # NaN
    assert out["binary cross-entropy"] == pytest.approx(reference_bce_min(), abs=1e-3)
    labels = [t.get_text() for t in ex.axes[0].get_legend().get_texts()]
    assert "hinge: finish Exercise 8 (hinge)" in labels and "0-1 loss" in labels
    assert ex.unfinished == ["hinge"]  # the stub given; mse, mae, huber not given
    mode, target, label, delta = ex.controls
    label.value = 0  # a control moved: still drawn, still no error
    assert np.isnan(ex.draw()["hinge: finish Exercise 8 (hinge)"])

    def broken(y, y_hat):
        return np.ones(3)  # not one number

    ex = widgets.loss_explorer(mode="regression", mse=broken)
    assert "MSE: your mse raised ValueError" in ex.draw()


def reference_bce_min():
    from dlkit import losses
    from dlkit.activations import sigmoid

    return losses.binary_cross_entropy(np.ones(1), sigmoid(np.array([5.0])))


def test_vanishing_gradients_follows_the_depth_slider():
    v = widgets.vanishing_gradients(depth=4)
    _ = v.widget
    depth, seed = v.controls
    depth.value = 9
    assert [line.get_xdata().size for line in v._lines] == [9, 9]
    assert v.axes[0].get_yscale() == "log"
    sigmoid = v._lines[0].get_ydata()
    assert sigmoid[0] < sigmoid[-1] / 100


def test_vanishing_gradients_runs_the_backward_pieces_it_is_given(monkeypatch):
    """Notebook 04 passes the student's dense_backward, sigmoid_grad and relu_grad: the
    norms are theirs (a wrong derivative changes them); a stub stands aside for dlkit's
    reference where this copy carries it, else the figure says what to finish."""
    import dlkit
    from dlkit import activations

    calls = []

    def counted(z):
        calls.append(np.shape(z))
        return activations.sigmoid_grad(z)

    mine = widgets.vanishing_gradients(depth=5, sigmoid_grad=counted)
    reference = widgets.vanishing_gradients(depth=5)
    norms = mine.norms()
    assert len(calls) >= 2 + 4 and mine.unfinished == []  # the tiny probe, then 4 layers
    assert all(np.array_equal(norms[k], v) for k, v in reference.norms().items())
    wrong = widgets.vanishing_gradients(depth=5, relu_grad=lambda z: np.ones_like(z))
    assert not np.allclose(wrong.norms()["relu (he init)"], reference.norms()["relu (he init)"])

    def stub(*args):
        raise NotImplementedError

    assert widgets.vanishing_gradients(depth=5, dense_backward=stub).unfinished == []
    monkeypatch.setattr(dlkit, "released", lambda ref: False)  # a student copy, 04 open
    unfinished = widgets.vanishing_gradients(depth=5, dense_backward=stub, relu_grad=stub)
    assert unfinished.unfinished == ["dense_backward", "relu_grad"]
    assert unfinished.draw() == {}
    text = " ".join(t.get_text() for t in unfinished.axes[0].texts)
    assert "finish dense_backward and relu_grad" in text
    _ = unfinished.widget  # the controls still build and move without an error
    unfinished.controls[0].value = 8
    with pytest.raises(TypeError, match="dense_backward"):
        widgets.vanishing_gradients(depth=5, dense_forward=stub)


def test_optimizer_playground_sliders_move_the_path():
    pg = widgets.optimizer_playground(surface="ravine", optimizer="momentum", lr=0.05)
    _ = pg.widget
    optimizer, surface, compare, lr, beta, steps, start_x, start_y = pg.controls
    before_png, before_path = pg._image.value, pg.draw()["paths"]["momentum"].copy()
    lr.value = 0.01  # the observer fires synchronously
    assert pg.lr == pytest.approx(0.01)
    after = pg.draw()["paths"]["momentum"]
    assert not np.allclose(after, before_path)
    assert pg._image.value != before_png and pg._image.value[:8] == b"\x89PNG\r\n\x1a\n"
    beta.value = 0.0
    assert pg.beta == 0.0 and not np.allclose(pg.draw()["paths"]["momentum"], after)
    steps.value = 40
    assert pg.draw()["paths"]["momentum"].shape == (41, 2)


@pytest.mark.parametrize("yours", [False, True], ids=["dlkit's rules", "a student's, one a stub"])
def test_optimizer_playground_new_steps_redraw_only_the_right_panel_with_the_same_pixels(
    yours, monkeypatch
):
    """A new number of steps redraws the right panel over a bitmap of the contours; the
    image is pixel for pixel the one a full draw of the figure gives (also with a student's
    rules and the note of a stub, in a copy of dlkit that leaves 05 out)."""
    import io

    from PIL import Image

    kwargs = {}
    if yours:
        _student_copy(monkeypatch)
        kwargs = {"gd_step": lambda w, g, lr: w - lr * g, "adam_step": _stub}

    def full_draw(self):
        self.axes[1].set_xlim(0, self.steps)
        canvas = self._canvas()
        canvas.draw()
        self._background = canvas.copy_from_bbox(self.fig.bbox)
        self._shown = (self.surface, self.steps)

    images = []
    for full in (False, True):
        pg = widgets.optimizer_playground(surface="saddle", compare=True, **kwargs)
        if full:
            pg._cache_background = full_draw.__get__(pg)
        shown = []
        changes = [("steps", 300), ("steps", 40), ("surface", "ravine"), ("steps", 70)]
        changes += [("compare", False), ("optimizer", "adam"), ("steps", 90)]  # yours: a note
        for change in changes:
            setattr(pg, *change)
            shown.append(np.asarray(Image.open(io.BytesIO(pg.render_png()))))
        images.append(shown)
    for fast, full in zip(*images, strict=True):
        np.testing.assert_array_equal(fast, full)


def test_optimizer_playground_shows_momentum_overshooting():
    pg = widgets.OptimizerPlayground("ravine", "momentum", lr=0.05, beta=0.0, steps=150)
    plain = pg.draw()["paths"]["momentum"]
    pg.beta = 0.9
    heavy = pg.draw()["paths"]["momentum"]
    assert plain[:, 0].max() <= 0  # no momentum: creeps towards x = 0 from the left
    assert heavy[:, 0].max() > 0.1  # momentum: runs past the minimum and comes back


def test_optimizer_playground_rmsprop_escapes_the_saddle_sooner():
    pg = widgets.OptimizerPlayground("saddle", lr=0.05, steps=60, compare=True)
    paths = pg.draw()["paths"]
    assert set(paths) == set(widgets.OptimizerPlayground.optimizers)
    assert abs(paths["rmsprop"][-1, 1]) > 0.9  # reached a minimum at y = +-1
    assert abs(paths["gd"][-1, 1]) < 0.1  # still on the ridge through the saddle


def test_optimizer_playground_reports_divergence():
    pg = widgets.OptimizerPlayground("rosenbrock", "gd", lr=0.05, steps=100)
    summary = pg.draw()["summary"]["gd"]
    assert summary["diverged"] and summary["steps"] < 100
    assert "diverged at step" in pg._readout.get_text()
    pg.lr = 0.001
    assert not pg.draw()["summary"]["gd"]["diverged"]


def test_optimizer_playground_surface_change_resets_the_start():
    from dlkit.landscapes import SURFACES

    pg = widgets.optimizer_playground()
    _ = pg.widget
    optimizer, surface, compare, lr, beta, steps, start_x, start_y = pg.controls
    start_x.value = 1.0
    surface.value = "rosenbrock"
    assert (pg.start_x, pg.start_y) == tuple(SURFACES["rosenbrock"].start)
    assert (start_x.min, start_x.max) == SURFACES["rosenbrock"].xlim
    assert pg.draw()["paths"]["momentum"][0].tolist() == list(SURFACES["rosenbrock"].start)


def test_optimizer_playground_rejects_bad_settings():
    with pytest.raises(ValueError, match=r"surface must be one of 'ravine'"):
        widgets.optimizer_playground(surface="bowl")
    with pytest.raises(ValueError, match=r"beta must be in \[0, 1\)"):
        widgets.optimizer_playground(beta=1.0)


def test_training_explorer_trains_and_shows_progress():
    te = widgets.training_explorer(optimizer="momentum", lr=0.1, epochs=30)
    _ = te.widget
    optimizer, lr, beta, dataset, batch, epochs, progress = te.controls
    slow = te.draw()["history"]["training"][-1]
    lr.value = 1.0
    assert progress.value == 30  # the run behind the slider move filled the bar
    fast = te.draw()
    assert fast["history"]["training"][-1] < slow
    assert len(fast["history"]["validation"]) == 30 and fast["diverged"] is None
    optimizer.value = "adam"
    assert te.optimizer == "adam"


def test_training_explorer_stops_when_the_loss_blows_up(monkeypatch):
    te = widgets.TrainingExplorer(epochs=20)
    monkeypatch.setattr("dlkit.widgets.training.categorical_cross_entropy", lambda Y, P: np.inf)
    out = te.draw()
    assert out["diverged"] == 1 and out["history"]["training"] == []


def test_regularization_explorer_shows_overfitting_and_its_cures():
    ex = widgets.regularization_explorer()
    _ = ex.widget
    dropout, l2, hidden, epochs, progress = ex.controls
    plain = ex.draw()
    # without regularisation the validation loss turns upward well before the end
    val = plain["history"]["validation"]
    assert len(val) == 300 and plain["best_epoch"] < 150 and val[-1] > 1.5 * min(val)
    before = ex._image.value
    l2.value = 0.01  # slider move: retrain with weight decay, redraw
    assert ex.l2 == 0.01 and progress.value == 300 and ex._image.value != before
    decayed = ex.draw()
    assert decayed["history"]["validation"][-1] < val[-1] and decayed["gap"] < plain["gap"]
    l2.value = 0.0
    dropout.value = 0.3
    dropped = ex.draw()
    assert dropped["history"]["validation"][-1] < val[-1]
    hidden.value = 8
    assert ex.hidden == 8 and ex.model().n_params == 2 * 8 + 8 + 8 * 8 + 8 + 8 * 2 + 2


def test_regularization_explorer_rejects_bad_settings():
    with pytest.raises(ValueError, match="p_drop|dropout"):
        widgets.regularization_explorer(dropout=1.0)
    with pytest.raises(ValueError, match="l2"):
        widgets.regularization_explorer(l2=-0.1)
    with pytest.raises(ValueError, match="hidden"):
        widgets.regularization_explorer(hidden=0)


def test_gradient_norms_vanish_with_sigmoid_not_with_relu():
    sigmoid = widgets.gradient_norms(12, "sigmoid", init="xavier", rng=0)
    relu = widgets.gradient_norms(12, "relu", init="he", rng=0)
    assert sigmoid.shape == relu.shape == (12,)
    assert sigmoid[0] / sigmoid[-1] < 1e-5, "the first sigmoid layer gets a tiny gradient"
    assert 0.1 < relu[0] / relu[-1] < 10, "ReLU + He keeps gradients of one size"


def test_threshold_explorer_slider_moves_the_counts_and_the_roc_point():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, size=80)
    p = np.clip(0.5 + 0.3 * (y - 0.5) + 0.25 * rng.normal(size=80), 0, 1)
    ex = widgets.threshold_explorer(y, p, threshold=0.5)
    _ = ex.widget
    [slider] = ex.controls
    before_png = ex._image.value
    at_half = ex.draw()
    assert at_half["tp"] == np.sum((p >= 0.5) & (y == 1))
    assert at_half["fp"] == np.sum((p >= 0.5) & (y == 0))
    assert at_half["cm"].sum() == 80
    slider.value = 0.2  # the observer fires synchronously: lower threshold, more flagged
    low = ex.draw()
    assert ex.threshold == 0.2 and ex._image.value != before_png
    assert low["recall"] >= at_half["recall"] and low["fp"] >= at_half["fp"]
    assert ex._point.get_xdata()[0] == low["fpr"] and ex._point.get_ydata()[0] == low["tpr"]
    slider.value = 0.0  # everything flagged: the ROC point is (1, 1)
    assert (ex.draw()["fpr"], ex.draw()["tpr"]) == (1.0, 1.0)


def test_threshold_explorer_runs_the_precision_recall_f1_it_is_given(monkeypatch):
    """Notebook 08 passes the student's precision_recall_f1: the explorer shows what it
    returns; a stub gets a title that says what to finish (matrix and ROC point still move)."""
    from dlkit import metrics

    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, size=60)
    p = np.clip(0.5 + 0.3 * (y - 0.5) + 0.25 * rng.normal(size=60), 0, 1)
    reference = widgets.threshold_explorer(y, p).draw()

    def swapped(y_true, y_pred):  # precision and recall exchanged: a wrong answer shows
        precision, recall, f1 = metrics.precision_recall_f1(y_true, y_pred)
        return recall, precision, f1

    ex = widgets.threshold_explorer(y, p, precision_recall_f1=swapped)
    got = ex.draw()
    assert (got["precision"], got["recall"]) == (reference["recall"], reference["precision"])
    assert f"precision {reference['recall']:.2f}" in ex._title.get_text()

    # a stub, where this dlkit carries the reference: the reference answers
    ex = widgets.threshold_explorer(y, p, precision_recall_f1=_stub)
    assert ex.precision_recall_f1 is metrics.precision_recall_f1
    assert ex.draw()["precision"] == reference["precision"]

    # a stub in a student copy that leaves the reference out: say what to finish, no error
    _as_a_student_copy(monkeypatch)
    ex = widgets.threshold_explorer(y, p, precision_recall_f1=_stub)
    _ = ex.widget
    [slider] = ex.controls
    slider.value = 0.3
    st = ex.draw()
    assert st["precision"] is None and st["tp"] == np.sum((p >= 0.3) & (y == 1))
    assert ex.unfinished == ["precision_recall_f1"]
    assert "finish Exercise 4 (precision_recall_f1)" in ex._title.get_text()


def test_threshold_explorer_refuses_one_class_and_bad_scores():
    with pytest.raises(ValueError, match="both classes"):
        widgets.threshold_explorer(np.ones(5, dtype=int), np.linspace(0, 1, 5))
    with pytest.raises(ValueError, match="one entry per label"):
        widgets.threshold_explorer(np.array([0, 1, 0]), np.array([0.1, 0.9]))


def test_conv_explorer_controls_change_the_feature_map():
    ex = widgets.conv_explorer(kernel="vertical edge", stride=1, pad=0, index=0)
    assert ex.draw().shape == (6, 6)
    _ = ex.widget
    menu, stride, pad, index, _grid = ex.controls
    before = ex._image.value
    stride.value = 2  # the observer fires synchronously, no kernel needed
    assert ex.stride == 2 and ex.feature_map().shape == (3, 3)
    assert ex._image.value != before
    pad.value = 1
    assert ex.feature_map().shape == (4, 4)
    menu.value = "blur"
    assert np.allclose(ex.kernel, 1 / 9) and [b.value for b in ex._boxes] == [1 / 9] * 9
    ex._boxes[4].value = 2.0  # typing a number makes the kernel custom
    assert ex.kernel[1, 1] == 2.0 and ex.preset == "custom" and menu.value == "custom"
    index.value = 5
    digit = data.digits(return_images=True)[0][5]
    expected = dlkit_conv.conv2d_forward(
        digit[None, None], ex.kernel[None, None], np.zeros(1), 2, 1
    )[0, 0]
    assert np.allclose(ex.draw(), expected)


def test_conv_explorer_runs_the_conv2d_single_it_is_given(monkeypatch):
    """Notebook 09 passes the student's conv2d_single: the explorer runs it (a wrong one
    changes the map), a stub is replaced by dlkit's reference where this dlkit carries it
    and otherwise leaves a panel that says what to finish, and a function that fails or
    returns no map is told on the panel: the explorer never raises."""
    calls = []

    def mine(x, k):
        calls.append(x.shape)
        return dlkit_conv.conv2d_single(x, k)

    ex = widgets.conv_explorer(kernel="vertical edge", stride=2, pad=1, conv2d_single=mine)
    reference = widgets.conv_explorer(kernel="vertical edge", stride=2, pad=1)
    assert np.allclose(ex.draw(), reference.draw()) and (10, 10) in calls

    def flipped(x, k):  # the mathematicians' convolution: the edge map changes sign
        return dlkit_conv.conv2d_single(x, k[::-1, ::-1])

    wrong = widgets.conv_explorer(kernel="vertical edge", conv2d_single=flipped)
    assert np.allclose(wrong.draw(), -widgets.conv_explorer(kernel="vertical edge").draw())

    def stub(x, k):
        raise NotImplementedError()

    assert widgets.conv_explorer(conv2d_single=stub).conv2d_single is dlkit_conv.conv2d_single
    monkeypatch.setattr("dlkit.released", lambda reference: False)  # a student copy, 09 open
    unfinished = widgets.conv_explorer(conv2d_single=stub)
    _ = unfinished.widget  # builds the controls and renders: no exception
    assert unfinished.draw() is None and not unfinished._output.get_visible()
    texts = [t.get_text() for t in unfinished.axes[2].texts]
    assert texts == ["finish Exercise 3 (conv2d_single)\nto see this"]
    unfinished.controls[1].value = 2  # moving a slider redraws the same panel, once
    assert [t.get_text() for t in unfinished.axes[2].texts] == texts
    unfinished.conv2d_single = mine  # finished: the map comes back, the note goes
    assert unfinished.draw().shape == (3, 3) and unfinished._output.get_visible()
    assert len(unfinished.axes[2].texts) == 0
    for bad, said in [
        (lambda x, k: x.shape, "shape (2,)"),
        (lambda x, k: 1 / 0, "ZeroDivisionError"),
    ]:
        broken = widgets.conv_explorer(conv2d_single=bad)
        assert broken.draw() is None
        assert said in broken.axes[2].texts[0].get_text().replace("\n", " ")


def test_conv_explorer_rejects_a_bad_kernel():
    with pytest.raises(ValueError, match="3x3"):
        widgets.ConvExplorer(kernel=np.ones((2, 2)))


def test_gradient_through_time_follows_its_controls():
    g = widgets.gradient_through_time_explorer(T=10, scale=1.0, activation="identity")
    _ = g.widget
    steps, scale, activation, max_norm = g.controls
    steps.value = 25
    raw, clipped = g._lines
    assert raw.get_xdata().size == 25 and g.axes[0].get_yscale() == "log"
    scale.value = 1.2  # identity: the norm grows by exactly 1.2 per step back
    ys = raw.get_ydata()
    assert ys[0] / ys[-1] == pytest.approx(1.2**24)
    max_norm.value = 5.0  # the global norm is far above 5: the clipped curve sits lower, same shape
    ratio = clipped.get_ydata() / raw.get_ydata()
    assert np.allclose(ratio, ratio[0]) and ratio[0] < 1
    assert "clipped" in g.axes[0].get_title()
    activation.value = "tanh"  # tanh' < 1 on top of the same Wh: the first steps get less
    assert raw.get_ydata()[0] < ys[0]


def test_runs_counts_a_left_out_reference_out(monkeypatch):
    """Publish records a widget's own probe call, so a left-out reference answers that
    probe; _runs must not take it for a function to draw with (its slider values would fail)."""
    from dlkit import losses
    from dlkit.widgets._base import _runs

    example = (np.zeros(1), np.ones(1))
    assert _runs(losses.mse, *example) and not _runs(_stub, *example)
    _as_a_student_copy(monkeypatch)
    assert not _runs(losses.mse, *example)  # it runs here, but a student copy replays it
    assert _runs(lambda y, y_hat: float(np.mean((y_hat - y) ** 2)), *example)


def test_gradient_through_time_runs_the_functions_given(monkeypatch):
    """The explorer's tanh curve is the rnn_forward/rnn_backward it is given, its dashed curve
    the clip_gradients: a wrong one changes the figure, dlkit's own give today's figure, and a
    stub gives the "finish Exercise N" panel (never an exception) where dlkit's reference is
    left out, dlkit's reference where it is there (the instructor's copy)."""
    import dlkit
    from dlkit import recurrent

    calls = []

    def spy(fn):
        def run(*args):
            calls.append(fn.__name__)
            return fn(*args)

        return run

    def stub(*args):
        raise NotImplementedError

    def no_tanh_backward(dH, cache):  # forgets tanh' on the way back
        X, h0, Wx, Wh, b, H = cache
        dX, dh = np.zeros_like(X), np.zeros_like(h0)
        for t in reversed(range(X.shape[1])):
            da = dH[:, t] + dh
            dX[:, t], dh = da @ Wx.T, da @ Wh.T
        return dX, dh, None, None, None

    def clip_each(grads, max_norm):  # each part on its own norm: not by the global norm
        return [g * min(1.0, max_norm / np.linalg.norm(g)) for g in grads]

    def curves(**given):
        g = widgets.GradientThroughTime(T=12, scale=1.5, max_norm=2.0, **given)
        out = g.draw()
        return g, out

    _, default = curves()
    given = {
        "rnn_forward": spy(recurrent.rnn_forward),
        "rnn_backward": spy(recurrent.rnn_backward),
        "clip_gradients": spy(recurrent.clip_gradients),
    }
    _, same = curves(**given)
    assert {"rnn_forward", "rnn_backward", "clip_gradients"} <= set(calls)
    assert np.allclose(same["raw"], default["raw"]) and np.allclose(
        same["clipped"], default["clipped"]
    )
    _, wrong = curves(rnn_backward=no_tanh_backward)
    assert np.all(wrong["raw"][:-1] > default["raw"][:-1])  # without tanh' < 1 less vanishes
    _, wrong = curves(clip_gradients=clip_each)
    assert np.allclose(wrong["raw"], default["raw"])
    assert not np.allclose(wrong["clipped"], default["clipped"])
    # a fresh student in the instructor's copy: dlkit's reference, today's figure
    g, out = curves(rnn_forward=stub, rnn_backward=stub, clip_gradients=stub)
    assert g.unfinished == [] and np.allclose(out["clipped"], default["clipped"])
    # a student copy that leaves the references out: the panel says what to finish
    monkeypatch.setattr(dlkit, "released", lambda reference: False)
    g, out = curves(rnn_forward=recurrent.rnn_forward, rnn_backward=stub, clip_gradients=stub)
    assert g.unfinished == ["rnn_backward", "clip_gradients"] and out["raw"] is None
    assert g._note.get_visible() and "Exercise 5 (rnn_backward)" in g._note.get_text()
    assert all(len(line.get_xdata()) == 0 for line in g._lines)
    assert g.render_png()[:8] == b"\x89PNG\r\n\x1a\n"
    g.activation = "identity"  # the closed form needs no function: drawn, clipping still missing
    out = g.draw()
    assert out["first_over_last"] == pytest.approx(1.5**11) and out["clipped"] is None
    assert not g._note.get_visible() and "finish Exercise 6" in g.axes[0].get_title()
    g, out = curves(**given | {"clip_gradients": stub})
    assert np.allclose(out["raw"], default["raw"]) and len(g._lines[1].get_xdata()) == 0


# --- the widgets run the student's own functions (a stub: "finish Exercise N", no exception) ---
def _stub(*args, **kwargs):
    raise NotImplementedError()


def _student_copy(monkeypatch):
    """Make dlkit answer as a student copy that leaves notebook 05's references out."""
    import dlkit
    from dlkit.widgets import _base

    for module in (dlkit, _base):
        monkeypatch.setattr(module, "released", lambda reference: False)


def test_optimizer_playground_runs_the_rules_it_is_given(monkeypatch):
    calls = []

    def gd_step(w, g, lr):
        calls.append(lr)
        return w - lr * g

    def wrong_adam_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        return w - lr * np.sign(g), m, v  # signSGD, not Adam

    ref = widgets.OptimizerPlayground("saddle", lr=0.05, steps=60, compare=True).draw()["paths"]
    pg = widgets.OptimizerPlayground(
        "saddle", lr=0.05, steps=60, compare=True, gd_step=gd_step, adam_step=wrong_adam_step
    )
    got = pg.draw()
    assert calls.count(0.05) == 60, "the playground ran the gd_step it was given, every step"
    np.testing.assert_allclose(got["paths"]["gd"], ref["gd"], rtol=1e-12)
    assert not np.allclose(got["paths"]["adam"], ref["adam"]), "the wrong rule changes the path"
    np.testing.assert_array_equal(got["paths"]["rmsprop"], ref["rmsprop"])  # not given: dlkit's
    # a stub, where dlkit carries the reference: dlkit's path, as a fresh student sees today
    pg = widgets.OptimizerPlayground("saddle", "adam", lr=0.05, steps=60, adam_step=_stub)
    np.testing.assert_array_equal(pg.draw()["paths"]["adam"], ref["adam"])


def test_optimizer_playground_says_which_exercise_to_finish(monkeypatch):
    _student_copy(monkeypatch)

    def gd_step(w, g, lr):
        return w - lr * g

    pg = widgets.optimizer_playground(
        surface="ravine", optimizer="adam", gd_step=gd_step, adam_step=_stub
    )
    _ = pg.widget  # drawn once, no exception
    out = pg.draw()
    assert out["paths"] == {} and out["missing"] == {"adam": "finish Exercise 6 (adam_step)"}
    assert pg.unfinished == ["adam_step"]
    assert "finish Exercise 6 (adam_step)" in pg._note.get_text()
    optimizer, surface, compare, lr, beta, steps, start_x, start_y = pg.controls
    compare.value = True  # every optimizer: yours where written, the others say what to finish
    out = pg.draw()
    assert set(out["paths"]) == {"gd"}
    assert out["missing"]["momentum"] == "pass momentum_step=... (Exercise 3)"  # not given
    assert "momentum pass momentum_step" in pg._readout.get_text() and not pg._note.get_text()
    steps.value = 40
    assert pg.draw()["paths"]["gd"].shape == (41, 2)


def test_optimizer_playground_survives_a_rule_with_a_bug():
    def broken_momentum_step(w, g, v, lr, beta=0.9):
        return w - lr * g  # forgets the velocity: not a pair

    pg = widgets.OptimizerPlayground("ravine", "momentum", momentum_step=broken_momentum_step)
    out = pg.draw()
    assert out["paths"] == {} and "momentum_step raised TypeError" in out["missing"]["momentum"]
    assert pg.unfinished == []  # written: it fails only on the way (the readout says so)


def test_training_explorer_trains_with_the_functions_it_is_given(monkeypatch):
    seen = []

    def iterate_minibatches(X, y, batch_size, shuffle=True, rng=None):
        seen.append(batch_size)
        order = (np.random.default_rng(0) if rng is None else rng).permutation(len(X))
        for start in range(0, len(X), batch_size):
            yield X[order[start : start + batch_size]], y[order[start : start + batch_size]]

    def momentum_step(w, g, v, lr, beta=0.9):
        v_new = beta * v + (1 - beta) * g
        return w - lr * v_new, v_new

    def wrong_momentum_step(w, g, v, lr, beta=0.9):
        return w + lr * g, v  # uphill

    settings = {"optimizer": "momentum", "lr": 0.1, "epochs": 20, "batch_size": 16}
    ref = widgets.training_explorer(**settings).draw()["history"]["training"]
    te = widgets.training_explorer(
        **settings, iterate_minibatches=iterate_minibatches, momentum_step=momentum_step
    )
    got = te.draw()["history"]["training"]
    assert seen.count(16) == 20  # one pass of mini-batches per epoch (and a tiny probe first)
    np.testing.assert_allclose(got, ref, rtol=1e-10)
    wrong = widgets.training_explorer(**settings, momentum_step=wrong_momentum_step).draw()
    assert wrong["diverged"] or wrong["history"]["training"][-1] > ref[-1]
    _student_copy(monkeypatch)
    te = widgets.training_explorer(**settings, iterate_minibatches=_stub, momentum_step=_stub)
    _ = te.widget  # drawn once, no exception
    assert te.draw()["todo"] == "finish Exercise 2 (iterate_minibatches)"
    assert sorted(te.unfinished) == ["iterate_minibatches", "momentum_step"]
    te = widgets.training_explorer(
        **settings, iterate_minibatches=iterate_minibatches, momentum_step=_stub
    )
    assert te.draw()["todo"] == "finish Exercise 3 (momentum_step)"
    te.optimizer = "adam"  # not given, and left out of this copy
    assert te.draw()["todo"] == "pass adam_step=... (Exercise 6)"


def test_regularization_explorer_trains_with_the_functions_it_is_given(monkeypatch):
    calls = {"forward": 0, "backward": 0, "penalty": 0, "grad": 0}

    def dropout_forward(A, p_drop, rng, training=True):
        calls["forward"] += 1
        mask = rng.random(A.shape) < 1.0 - p_drop
        return A * mask / (1.0 - p_drop), mask

    def dropout_backward(dout, mask, p_drop):
        calls["backward"] += 1
        return dout if mask is None else dout * mask / (1.0 - p_drop)

    def l2_penalty(params, lam):
        calls["penalty"] += 1
        return 0.5 * lam * sum(float(np.sum(W**2)) for W, _ in params)

    def l2_grad(W, lam):
        calls["grad"] += 1
        return lam * W

    def wrong_l2_grad(W, lam):
        return -lam * W  # pushes the weights up

    settings = {"dropout": 0.3, "l2": 0.01, "hidden": 16, "epochs": 60}
    ref = widgets.regularization_explorer(**settings).draw()["history"]["validation"]
    mine = widgets.regularization_explorer(
        **settings, dropout_forward=dropout_forward, dropout_backward=dropout_backward,
        l2_penalty=l2_penalty, l2_grad=l2_grad,
    ).draw()  # fmt: skip
    assert all(n >= 60 for n in calls.values()), calls
    np.testing.assert_allclose(mine["history"]["validation"], ref, rtol=1e-8)
    wrong = widgets.regularization_explorer(**settings, l2_grad=wrong_l2_grad).draw()
    assert not np.allclose(wrong["history"]["validation"], ref)
    # a student copy that leaves notebook 06 out: a stub says what to finish, never raises
    import dlkit
    from dlkit.widgets import _base

    for owner in (dlkit, _base):
        monkeypatch.setattr(owner, "released", lambda reference: False)
    ex = widgets.regularization_explorer(
        dropout=0.0, l2=0.0, epochs=50, dropout_forward=dropout_forward,
        dropout_backward=_stub, l2_penalty=l2_penalty, l2_grad=_stub,
    )  # fmt: skip
    _ = ex.widget
    dropout, l2, hidden, epochs, progress = ex.controls
    assert ex.unfinished == ["dropout_backward", "l2_grad"]
    assert ex.draw()["todo"] is None  # no dropout, no L2: nothing of 06 runs
    l2.value = 0.01
    assert ex.draw()["todo"] == "finish Exercise 4 (l2_grad)"
    l2.value = 0.0
    dropout.value = 0.3
    assert ex.draw()["todo"] == "finish Exercise 3 (dropout_backward)"


def _bigram_model(text, alphabet):
    """A next-character 'model' that reads only the last character: counts from ``text``."""
    from dlkit import recurrent

    ids, next_ids, _ = recurrent.char_windows(text, 1)
    table = np.full((len(alphabet), len(alphabet)), 0.01)
    np.add.at(table, (ids[:, 0], next_ids), 1.0)
    table /= table.sum(axis=1, keepdims=True)
    return lambda windows: table[np.asarray(windows)[:, -1]]


def test_temperature_explorer_follows_its_controls():
    from dlkit import recurrent

    text = recurrent.toy_text(300, rng=0)
    alphabet = recurrent.char_windows(text, 1)[2]
    predict = _bigram_model(text, alphabet)
    ex = widgets.temperature_explorer(
        predict, alphabet, text[:24], T=24, context=" happy student sees the "
    )
    _ = ex.widget
    temperature, seed = ex.controls
    assert ex.axes[0].get_yscale() == "log"
    before = ex.draw()
    assert (
        before["text"]
        == recurrent.sample_text(predict, text[:24], 160, alphabet, T=24, temperature=1.0, rng=0)[
            0
        ][24:]
    )
    png = ex._image.value
    temperature.value = 0.3  # sharper: the likeliest character gains, the text repeats more
    sharp = ex.draw()
    top = int(np.argmax(before["probs"]))
    assert sharp["probs"][top] > before["probs"][top]
    assert np.allclose(sharp["probs"], recurrent.with_temperature(ex.probs, 0.3))
    assert ex._image.value != png and "τ = 0.30" in ex._titles[0].get_text()
    assert sharp["scores"]["distinct"] < before["scores"]["distinct"]
    temperature.value = 2.5  # flatter: misspellings
    flat = ex.draw()
    assert flat["unknown"] and flat["scores"]["words"] < sharp["scores"]["words"]
    listed = ex._text.get_text().split("not words of the grammar:")[1]
    assert flat["unknown"][0] in listed and f"and {len(flat['unknown']) - 10} more" in listed
    bar_tops = [bar.get_height() + bar.get_y() for bar in ex._bars]
    assert np.allclose(bar_tops, np.maximum(flat["probs"], 1e-7))
    seed.value = 3  # another text at the same temperature
    assert ex.draw()["text"] != flat["text"] and "sample 3" in ex._titles[1].get_text()
    seed.value = 0  # back: the same text as before, from the kept samples
    assert ex.draw()["text"] == flat["text"]


def test_temperature_explorer_says_what_to_finish_for_a_model_that_cannot_run():
    def stub_model(windows):
        raise NotImplementedError  # the student's rnn_forward, still a stub

    alphabet = " .abcdefghiklmnopqrstuvwxy"
    ex = widgets.TemperatureExplorer(stub_model, alphabet, "the cat sees the dog. the ", T=24)
    assert ex.unfinished
    out = ex.draw()
    assert out["probs"] is None and ex._note.get_visible()
    assert "finish Exercises 1-5" in ex._note.get_text()
    assert ex.render_png()[:4] == b"\x89PNG"  # a panel, never an exception


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"predict": None}, TypeError, "predict must be a function"),
        ({"alphabet": "aab"}, ValueError, "alphabet must be a str of distinct"),
        ({"start": "short"}, ValueError, "start must be a str of at least T=24"),
        ({"start": None}, ValueError, "start must be a str of at least T=24"),
        ({"context": "the cat sees the dog; the"}, ValueError, "never saw: \\[';'\\]"),
        ({"predict": lambda w: np.ones((len(w), 3)) / 3}, ValueError, "expected \\(26,\\)"),
    ],
)
def test_temperature_explorer_checks_its_arguments(kwargs, error, message):
    from dlkit import recurrent

    text = recurrent.toy_text(50, rng=0)
    alphabet = " .abcdefghiklmnopqrstuvwxy"
    args = {
        "predict": lambda w: np.full((len(w), 26), 1 / 26),
        "alphabet": alphabet,
        "start": text[:24],
        "T": 24,
    } | kwargs
    with pytest.raises(error, match=message):
        widgets.TemperatureExplorer(**args)
