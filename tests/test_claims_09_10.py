"""The numbers that the prose of notebooks 09 and 10 quotes from its own figures and cells.

Each test recomputes, with dlkit, what a notebook cell computes, and pins the values the
markdown states. Fast: no notebook is executed.
"""

import functools

import numpy as np

import dlkit
from dlkit import conv

# --- 09_convolutions ---------------------------------------------------------------------


def test_09_parameter_counts_in_the_prose():
    assert 784 * 128 + 128 == 100_480  # section 1: dense 784 -> 128
    assert 224 * 224 * 3 == 150_528 and 150_528 * 1000 + 1000 > 150_000_000  # "over 150 million"
    assert 8 * 9 + 8 == 80  # eight 3x3 filters
    assert 16 * 8 * 9 + 16 == 1_168  # section 4
    assert 28 * 28 * 8 == 6_272 and 28 * 28 * 16 == 12_544
    dense = 6_272 * 12_544 + 12_544
    assert dense == 78_688_512 and round(dense / 1_168, -3) == 67_000  # "about 67,000 times"
    assert conv.conv_output_size(8, 3) == 6 and conv.conv_output_size(8, 3, pad=1) == 8
    assert conv.conv_output_size(28, 3, stride=2, pad=1) == 14


def test_09_a_digit_shifted_by_one_pixel_is_a_different_vector():
    X, _ = dlkit.data.digits(return_images=True)
    digit = X[0]
    shifted = np.zeros_like(digit)
    shifted[:, 1:] = digit[:, :-1]
    cosine = digit.ravel() @ shifted.ravel() / (np.linalg.norm(digit) * np.linalg.norm(shifted))
    assert f"{cosine:.2f}" == "0.57"


def _edge_pixels(x, axis):
    """Inked pixels with a blank neighbour before them (side -1) or after them (side +1)."""
    before = np.zeros_like(x, dtype=bool)
    after = np.zeros_like(x, dtype=bool)
    if axis == 1:
        before[:, 1:] = (x[:, 1:] > 0) & (x[:, :-1] == 0)
        after[:, :-1] = (x[:, :-1] > 0) & (x[:, 1:] == 0)
    else:
        before[1:] = (x[1:] > 0) & (x[:-1] == 0)
        after[:-1] = (x[:-1] > 0) & (x[1:] == 0)
    return before, after


def test_09_edge_kernels_are_negative_on_one_side_of_the_strokes_and_positive_on_the_other():
    X, _ = dlkit.data.digits(return_images=True)
    x = X[0] / 16.0
    for name, axis in (("vertical edge", 1), ("horizontal edge", 0)):
        out = conv.conv2d_forward(x[None, None], conv.KERNELS[name][None, None], np.zeros(1), pad=1)
        before, after = _edge_pixels(x, axis)
        # blue (negative) where the stroke starts (left / top), red (positive) where it ends
        assert np.mean(out[0, 0][before] < 0) >= 0.8, name
        assert np.mean(out[0, 0][after] > 0) >= 0.8, name
    sharpen = conv.conv2d_forward(
        x[None, None], conv.KERNELS["sharpen"][None, None], np.zeros(1), pad=1
    )
    beside = (x == 0) & (conv.maxpool2d(np.pad(x, 1)[None, None], 3, 1)[0, 0] > 0)
    assert np.mean(sharpen[0, 0][beside] < 0) >= 0.8  # blank pixels next to ink turn negative


@functools.cache
def _models():
    X_all, y_all = dlkit.data.digits()
    split = dlkit.data.train_val_split
    X_rest, X_test, y_rest, y_test = split(X_all, y_all, val_fraction=0.2, rng=1)
    X_train, X_val, y_train, y_val = split(X_rest, y_rest, val_fraction=0.2, rng=2)

    def as_images(X):
        return (X / 16.0).reshape(-1, 1, 8, 8)

    L = dlkit.layers
    cnn = dlkit.models.Sequential(
        L.Conv2D(1, 8, kernel_size=3, pad=1, rng=1),
        L.ReLU(),
        L.MaxPool2D(2),
        L.Flatten(),
        L.Dense(8 * 4 * 4, 10, rng=2),
        L.Softmax(),
    )
    cnn.compile(optimizer="adam", loss="categorical_cross_entropy", metrics=["accuracy"], lr=3e-3)
    cnn.fit(
        as_images(X_train),
        y_train,
        epochs=15,
        batch_size=32,
        validation_data=(as_images(X_val), y_val),
        verbose=0,
        rng=0,
    )
    mean, std = dlkit.data.fit_standardizer(X_train)
    mlp = dlkit.models.Sequential(
        L.Dense(64, 128, rng=1), L.ReLU(), L.Dense(128, 10, rng=3), L.Softmax()
    )
    mlp.compile(optimizer="adam", loss="categorical_cross_entropy", metrics=["accuracy"], lr=1e-3)
    mlp.fit(
        dlkit.data.apply_standardizer(X_train, mean, std),
        y_train,
        epochs=20,
        batch_size=32,
        verbose=0,
        rng=0,
    )
    cnn_acc = cnn.evaluate(as_images(X_test), y_test)["accuracy"]
    mlp_acc = mlp.evaluate(dlkit.data.apply_standardizer(X_test, mean, std), y_test)["accuracy"]
    digit = as_images(X_test[:1])
    maps = cnn.layers[1](cnn.layers[0](digit))[0]
    return cnn, mlp, cnn_acc, mlp_acc, digit[0, 0], maps


def test_09_cnn_matches_the_mlp_with_seven_times_fewer_parameters():
    cnn, mlp, cnn_acc, mlp_acc, _, _ = _models()
    assert cnn.n_params == 1_370 and mlp.n_params == 9_610
    assert cnn.layers[0].n_params == 80 and cnn.layers[4].n_params == 1_290
    assert round(mlp.n_params / cnn.n_params) == 7
    assert f"{cnn_acc:.1%}" == "97.2%" and f"{mlp_acc:.1%}" == "97.2%"


def test_09_feature_maps_of_the_first_test_digit():
    _, _, _, _, image, maps = _models()
    corr = [np.corrcoef(m.ravel(), image.ravel())[0, 1] for m in maps]
    assert all(0.76 <= round(corr[f], 2) <= 0.87 for f in (1, 2, 6))
    assert all(-0.3 <= round(corr[f], 2) <= 0.01 for f in (0, 5, 7))
    assert int(np.argmin(maps.sum(axis=(1, 2)))) == 0  # map 0 responds least
