"""dlkit.plot: figures draw what they say, headless (Agg)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dlkit import activations, data, plot  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_half_plane_polygon():
    # x1 >= 0 inside the box [-1, 1]^2 is the right half
    poly = plot.half_plane_polygon([1.0, 0.0], 0.0, (-1, 1), (-1, 1))
    assert sorted(map(tuple, poly.round(9).tolist())) == [
        (0.0, -1.0),
        (0.0, 1.0),
        (1.0, -1.0),
        (1.0, 1.0),
    ]
    assert len(plot.half_plane_polygon([1.0, 0.0], -5.0, (-1, 1), (-1, 1))) == 0
    assert len(plot.half_plane_polygon([0.0, 0.0], 1.0, (-1, 1), (-1, 1))) == 4


def test_decision_line_and_data():
    X, y = data.logic_gate("and")
    ax = plot.plot_data(X, y)
    plot.plot_decision_line([1.0, 1.0], -1.5, ax=ax, xlim=(-0.5, 1.5), ylim=(-0.5, 1.5))
    line = ax.lines[-1]
    np.testing.assert_allclose(line.get_xdata(), [-0.5, 1.5])
    np.testing.assert_allclose(line.get_ydata(), [2.0, 0.0])
    assert len(ax.collections) == 2  # one scatter per class
    with pytest.raises(ValueError, match="2 weights"):
        plot.plot_decision_line([1.0, 2.0, 3.0], 0.0, ax=ax)


def test_decision_boundary_of_any_callable():
    X, y = data.blobs(30, rng=0)
    ax = plot.plot_decision_boundary(lambda G: (G[:, 0] > 0).astype(int), X, y, resolution=20)
    assert ax.get_xlim()[0] < X[:, 0].min()


def test_activation_and_error_plots():
    axes = plot.plot_activations({"relu": activations.relu}, {"relu": activations.relu_grad})
    assert len(axes) == 2
    assert [line.get_label() for line in axes[0].lines if not line.get_label().startswith("_")] == [
        "relu"
    ]
    ax = plot.plot_errors([3, 2, 0])
    assert [p.get_height() for p in ax.patches] == [3, 2, 0]
    plot.draw_neuron_diagram()


def test_new_figure_sizes_are_consistent():
    fig, ax = plot.new_figure()
    assert tuple(fig.get_size_inches()) == plot.FIGSIZE
    fig, axes = plot.new_figure(2, pyplot=False)
    assert axes.shape == (2,) and fig.get_size_inches()[0] == 2 * plot.FIGSIZE[0]


def test_loss_curves_and_mlp_diagram():
    ax = plot.plot_loss_curves({"train": [3.0, 2.0, 1.0], "validation": [3.5, 2.5, 2.0]}, log=True)
    assert [line.get_label() for line in ax.lines] == ["train", "validation"]
    assert ax.get_yscale() == "log"
    ax = plot.draw_mlp_diagram([2, 4, 3, 1])
    texts = " ".join(t.get_text() for t in ax.texts)
    for shape in ("X: (n, 2)", "$W_1$: (2, 4)", "$b_2$: (3,)", "$A_2$: (n, 3)", "(n, 1)"):
        assert shape in texts
    with pytest.raises(ValueError, match="at least two"):
        plot.draw_mlp_diagram([3])


def test_computational_graph_shows_values_and_local_derivatives():
    ax = plot.draw_computational_graph({"z1": 0.415, "E": 0.1082})
    texts = [t.get_text() for t in ax.texts]
    assert "0.415" in texts and "0.1082" in texts
    assert r"$\sigma'(z_1)$" in texts and "$a_2 - T$" in texts


def test_confusion_matrix_and_image_grid():
    from dlkit import metrics

    cm = metrics.confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], 3)
    ax = plot.plot_confusion_matrix(cm, labels="abc", title="test")
    assert [t.get_text() for t in ax.texts] == ["1", "1", "1", "1"]
    assert ax.get_xlabel() == "predicted class" and ax.get_title() == "test"
    with pytest.raises(ValueError, match="square"):
        plot.plot_confusion_matrix(np.ones((2, 3)))
    X, y = data.digits()
    fig = plot.plot_image_grid(X[:12], [str(v) for v in y[:12]], ncols=5)
    assert len(fig.axes) == 15 and sum(bool(a.images) for a in fig.axes) == 12
    with pytest.raises(ValueError, match="not square"):
        plot.plot_image_grid(np.ones((2, 10)))
    plt.close("all")


def test_roc_curve_plot():
    from dlkit import metrics

    fpr, tpr, _ = metrics.roc_curve([0, 1, 1, 0], [0.1, 0.8, 0.4, 0.4])
    ax = plot.plot_roc_curve(fpr, tpr, label="model")
    lines = ax.get_lines()
    assert len(lines) == 2  # the chance diagonal and the curve
    assert lines[1].get_xdata().tolist() == fpr.tolist()
    with pytest.raises(ValueError, match="same length"):
        plot.plot_roc_curve([0, 1], [0, 0.5, 1])


def test_plot_feature_maps_shows_one_row_per_layer_with_maps():
    from dlkit import layers, models

    L = layers
    model = models.Sequential(
        L.Conv2D(1, 3, 3, pad=1, rng=0),
        L.ReLU(),
        L.MaxPool2D(2),
        L.Flatten(),
        L.Dense(12, 2, rng=1),
    )
    fig = plot.plot_feature_maps(model, np.ones((1, 4, 4)))
    rows = [ax.get_ylabel() for ax in fig.axes if ax.get_ylabel()]
    assert rows == ["0: Conv2D", "1: ReLU", "2: MaxPool2D"]
    assert len(fig.axes) == 3 * 3
    with pytest.raises(ValueError, match="shape"):
        plot.plot_feature_maps(model, np.ones((4, 4)))
    with pytest.raises(ValueError, match="feature maps"):
        plot.plot_feature_maps(models.Sequential(L.Flatten()), np.ones((1, 2, 2)))


def test_sequence_model_diagrams_draw_three_rows():
    fig = plot.sequence_model_diagrams()
    assert len(fig.axes) == 3
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert "RNN" in titles[0] and "LSTM" in titles[1] and "attention" in titles[2]
    plt.close(fig)
