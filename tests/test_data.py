"""dlkit.data and dlkit.metrics: shapes, determinism, the promised properties."""

import numpy as np
import pytest

from dlkit import data, metrics
from dlkit.checks import check_close


@pytest.mark.parametrize(
    "gate, y",
    [
        ("and", [0, 0, 0, 1]),
        ("or", [0, 1, 1, 1]),
        ("xor", [0, 1, 1, 0]),
        ("NAND", [1, 1, 1, 0]),
        ("nor", [1, 0, 0, 0]),
    ],
)
def test_logic_gates(gate, y):
    X, labels = data.logic_gate(gate)
    assert X.shape == (4, 2) and X.dtype == np.float64
    assert labels.tolist() == y


def test_unknown_gate_names_the_choices():
    with pytest.raises(ValueError, match="name must be one of 'and', 'or'"):
        data.logic_gate("xnor")


def test_players_are_deterministic_separable_and_plausible():
    X, y = data.players(80, rng=5)
    X2, y2 = data.players(80, rng=np.random.default_rng(5))
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    assert X.shape == (80, 2) and y.shape == (80,)
    assert (
        160 <= X[:, 0].min() and X[:, 0].max() <= 205 and 16 <= X[:, 1].min() <= X[:, 1].max() <= 36
    )
    assert 0.2 < y.mean() < 0.8
    score = (X[:, 0] - 182.0) / 10.0 - (X[:, 1] - 26.0) / 5.0
    assert np.array_equal(score > 0, y == 1)  # the generating line separates them


def test_blobs_are_balanced_and_deterministic():
    X, y = data.blobs(101, n_classes=3, rng=1)
    assert X.shape == (101, 2) and np.bincount(y).tolist() == [34, 34, 33]
    assert np.array_equal(X, data.blobs(101, n_classes=3, rng=1)[0])
    assert not np.array_equal(X, data.blobs(101, n_classes=3, rng=2)[0])


def test_rng_must_be_a_generator_or_a_seed():
    with pytest.raises(TypeError, match="np.random.default_rng"):
        data.blobs(rng="seed")
    with pytest.raises(ValueError, match="n_samples must be >= 1"):
        data.blobs(0)


def test_standardize_columns_and_constant_column():
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.normal(5, 3, 50), np.full(50, 7.0), rng.uniform(-1, 1, 50)])
    Z = data.standardize(X)
    check_close(Z.mean(axis=0), np.zeros(3), "column means", atol=1e-12)
    check_close(Z.std(axis=0), [1.0, 0.0, 1.0], "column stds")
    assert not np.isnan(Z).any()
    with pytest.raises(ValueError, match="X must be 2-D; got shape \\(3,\\). Use X.reshape"):
        data.standardize([1.0, 2.0, 3.0])


def test_accuracy():
    assert metrics.accuracy([1, 0, 1, 1], [1, 1, 1, 0]) == 0.5
    assert isinstance(metrics.accuracy(np.array([1]), np.array([1])), float)
    with pytest.raises(
        ValueError, match="y_pred must have one label per sample: expected length 3, got 2"
    ):
        metrics.accuracy([1, 0, 1], [1, 0])
    with pytest.raises(ValueError, match="ravel"):
        metrics.accuracy([1, 0], np.array([[1], [0]]))


def test_standardize_constant_columns_that_floats_cannot_represent():
    for value, rows in ((0.1, 3), (0.1, 7), (0.3, 10), (1e-20, 5)):
        Z = data.standardize(np.column_stack([np.full(rows, value), np.arange(rows, dtype=float)]))
        assert np.array_equal(Z[:, 0], np.zeros(rows)), (value, rows)


@pytest.mark.parametrize("name", sorted(data.DATASETS))
def test_two_d_classification_sets(name):
    X, y = data.DATASETS[name](101, rng=3)
    assert X.shape == (101, 2) and y.shape == (101,) and y.dtype == np.int64
    counts = np.bincount(y)
    assert counts.max() - counts.min() <= 1, "classes in equal shares"
    X2, y2 = data.DATASETS[name](101, rng=3)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    assert not np.array_equal(X, data.DATASETS[name](101, rng=4)[0])


def test_moons_circles_xor_are_not_linearly_separable_but_learnable_by_geometry():
    from dlkit.perceptron import perceptron_train

    for make in (data.moons, data.circles, data.xor):
        X, y = make(200, noise=0.05, rng=0)
        w, b, errors = perceptron_train(X, y, epochs=30)
        assert errors[-1] > 0, make.__name__
    X, y = data.circles(200, noise=0.0, factor=0.5)
    check_close(np.hypot(*X.T), np.where(y == 1, 0.5, 1.0), "radii without noise")
    X, y = data.xor(200, noise=0.0)
    assert np.array_equal(y, (np.sign(X[:, 0]) != np.sign(X[:, 1])).astype(int))


def test_noise_and_factor_are_validated():
    with pytest.raises(ValueError, match="factor must be < 1"):
        data.circles(factor=1.5)
    with pytest.raises(ValueError, match="noise must be finite and >= 0"):
        data.moons(noise=-0.1)


def test_study_hours_table():
    X, y = data.study_hours()
    assert X.shape == (20, 1) and y.shape == (20,)
    slope, intercept = np.polyfit(X[:, 0], y, 1)
    assert 5 < slope < 9 and 25 < intercept < 45
    X[0, 0] = 99.0
    assert data.study_hours()[0][0, 0] == 0.5, "callers get a copy"


# ------------------------------------------------------------------ train/validation split
def test_train_val_split_is_one_permutation_keeping_pairs():
    X = np.arange(40.0).reshape(20, 2)
    y = np.arange(20)
    X_train, X_val, y_train, y_val = data.train_val_split(X, y, 0.25, rng=3)
    assert X_train.shape == (15, 2) and X_val.shape == (5, 2) and y_val.shape == (5,)
    assert np.array_equal(X_train[:, 0], 2 * y_train) and np.array_equal(X_val[:, 0], 2 * y_val)
    assert sorted([*y_train, *y_val]) == list(range(20))
    order = np.random.default_rng(3).permutation(20)
    assert np.array_equal(y_val, order[:5]) and np.array_equal(y_train, order[5:])
    again = data.train_val_split(X, y, 0.25, rng=np.random.default_rng(3))
    assert all(
        np.array_equal(a, b) for a, b in zip(again, (X_train, X_val, y_train, y_val), strict=True)
    )
    assert data.train_val_split(X, y)[1].shape == (2, 2)  # default 10%


def test_train_val_split_messages():
    X, y = np.ones((10, 2)), np.zeros(10)
    with pytest.raises(ValueError, match=r"val_fraction must be in \(0, 1\)"):
        data.train_val_split(X, y, 0)
    with pytest.raises(ValueError, match="leaves 0 for validation"):
        data.train_val_split(X, y, 0.01)
    with pytest.raises(ValueError, match="same number of samples"):
        data.train_val_split(X, y[:5])


# ------------------------------------------------------------------ digits
def test_digits_shapes_classes_values_and_checksum():
    import hashlib
    from pathlib import Path

    X, y = data.digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64 and y.dtype == np.int64
    assert X.min() == 0 and X.max() == 16 and np.array_equal(X, np.round(X))
    assert np.bincount(y).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    images, y2 = data.digits(return_images=True)
    assert images.shape == (1797, 8, 8) and np.array_equal(images.reshape(-1, 64), X)
    assert np.array_equal(y, y2)
    X[0, 0] = 99  # the caller gets a copy: the cached arrays stay intact
    assert data.digits()[0][0, 0] == 0
    path = Path(data.__file__).parent / "datasets" / "digits.npz"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == data.DIGITS_SHA256
    # the first image is a zero, as in the original data set
    assert y[0] == 0 and data.digits()[0][0, :8].tolist() == [0, 0, 5, 13, 9, 1, 0, 0]


# ------------------------------------------------------------------ IDX and MNIST
def _write_idx(path, array, code, compress=False):
    import gzip
    import struct

    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    raw = header + array.astype(array.dtype.newbyteorder(">")).tobytes()
    path.write_bytes(gzip.compress(raw) if compress else raw)
    return path


@pytest.mark.parametrize("compress", [False, True])
@pytest.mark.parametrize(
    "dtype, code", [(np.uint8, 0x08), (np.int16, 0x0B), (np.int32, 0x0C), (np.float32, 0x0D)]
)
def test_read_idx_round_trip(tmp_path, dtype, code, compress):
    array = (np.arange(24).reshape(2, 3, 4) * 3 - 5 * (dtype != np.uint8)).astype(dtype)
    path = _write_idx(tmp_path / "a.idx", array, code, compress)
    got = data.read_idx(path)
    assert got.shape == (2, 3, 4) and got.dtype == np.dtype(dtype) and np.array_equal(got, array)


def test_read_idx_rejects_other_and_truncated_files(tmp_path):
    bad = tmp_path / "bad"
    bad.write_bytes(b"PK\x03\x04 not idx")
    with pytest.raises(ValueError, match="is not an IDX file"):
        data.read_idx(bad)
    path = _write_idx(tmp_path / "t.idx", np.zeros((5, 2), np.uint8), 0x08)
    path.write_bytes(path.read_bytes()[:-3])
    with pytest.raises(ValueError, match=r"truncated or corrupt.*shape \(5, 2\)"):
        data.read_idx(path)


def test_fetch_checks_the_checksum_and_caches(tmp_path):
    import hashlib

    source = tmp_path / "server" / "file.bin"
    source.parent.mkdir()
    source.write_bytes(b"some bytes")
    sha = hashlib.sha256(b"some bytes").hexdigest()
    cache = tmp_path / "cache"
    url = source.as_uri()
    with pytest.raises(ValueError, match=f"SHA-256 mismatch for {url}: expected 0+, got {sha}"):
        data.fetch(url, "0" * 64, cache)
    assert list(cache.iterdir()) == []  # nothing kept
    path = data.fetch(url, sha, cache)
    assert path == cache / "file.bin" and path.read_bytes() == b"some bytes"
    source.unlink()
    assert data.fetch(url, sha, cache) == path  # from the cache: the source is gone
    path.write_bytes(b"corrupt")
    with pytest.raises(OSError):  # a bad cached copy is fetched again (and the source is gone)
        data.fetch(url, sha, cache)


def test_mnist_loader_on_generated_files(tmp_path, monkeypatch):
    import hashlib

    server = tmp_path / "server"
    server.mkdir()
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (6, 28, 28), dtype=np.uint8)
    labels = np.array([5, 0, 4, 1, 9, 2], dtype=np.uint8)
    files = {}
    for kind, name, array, code in (
        ("images", "train-images-idx3-ubyte.gz", images, 0x08),
        ("labels", "train-labels-idx1-ubyte.gz", labels, 0x08),
    ):
        path = _write_idx(server / name, array, code, compress=True)
        files[kind] = (name, hashlib.sha256(path.read_bytes()).hexdigest())
    monkeypatch.setitem(data.MNIST_FILES, "train", (files["images"], files["labels"]))
    monkeypatch.setenv("DLKIT_DATA", str(tmp_path / "cache"))
    X, y = data.mnist("train", url=server.as_uri())
    assert X.shape == (6, 784) and X.dtype == np.float32 and y.tolist() == labels.tolist()
    check_close(X, images.reshape(6, -1) / 255.0, "pixels / 255", rtol=1e-6)
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == sorted(
        [files["images"][0], files["labels"][0]]
    )
    imgs, _ = data.mnist("train", url="file:///nonexistent", return_images=True)  # cached
    assert imgs.shape == (6, 28, 28)
    with pytest.raises(OSError, match="could not get MNIST's t10k-images"):
        data.mnist("test", cache_dir=tmp_path / "empty", url="file:///nonexistent")
    with pytest.raises(ValueError, match="kind must be one of 'train', 'test'"):
        data.mnist("validation")


def test_standardizer_uses_training_statistics_and_survives_constant_columns():
    X, _ = data.digits()
    train, test = X[:1000], X[1000:]
    mean, std = data.fit_standardizer(train)
    assert mean.shape == std.shape == (64,) and np.all(std > 0)
    constant = np.ptp(train, axis=0) == 0
    assert constant.any() and np.all(std[constant] == 1.0)  # the blank border pixels
    Z = data.apply_standardizer(train, mean, std)
    check_close(Z.mean(axis=0), np.zeros(64), atol=1e-12, name="training means")
    check_close(Z[:, ~constant].std(axis=0), np.ones((~constant).sum()), atol=1e-12)
    # new data is scaled with the training statistics, not its own
    Zt = data.apply_standardizer(test, mean, std)
    check_close(Zt, (test - mean) / std)
    assert not np.allclose(Zt.mean(axis=0)[~constant], 0)
    assert not np.shares_memory(Zt, test)
    # one row at a time works too (statistics of a single row would be meaningless)
    check_close(data.apply_standardizer(test[:1], mean, std), Zt[:1])


def test_standardizer_rejects_mismatched_statistics():
    X = np.ones((5, 3))
    with pytest.raises(ValueError, match=r"mean has shape \(2,\) but X has 3 features"):
        data.apply_standardizer(X, np.zeros(2), np.ones(3))
    with pytest.raises(ValueError, match="std must be positive"):
        data.apply_standardizer(X, np.zeros(3), np.zeros(3))
    with pytest.raises(ValueError, match="at least one sample"):
        data.fit_standardizer(np.ones((0, 3)))


def test_confusion_matrix():
    cm = metrics.confusion_matrix([0, 1, 2, 2, 2], [0, 2, 2, 2, 1], n_classes=4)
    assert cm.dtype == np.int64 and cm.shape == (4, 4)
    assert cm.tolist() == [[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 2, 0], [0, 0, 0, 0]]
    assert metrics.confusion_matrix([1, 0], [1.0, 0.0]).tolist() == [[1, 0], [0, 1]]
    rng = np.random.default_rng(3)
    t, p = rng.integers(0, 10, 500), rng.integers(0, 10, 500)
    cm = metrics.confusion_matrix(t, p, 10)
    assert cm.sum() == 500 and np.trace(cm) == np.sum(t == p)
    assert np.array_equal(cm.sum(axis=1), np.bincount(t, minlength=10))
    with pytest.raises(ValueError, match=r"argmax\(axis=1\)"):
        metrics.confusion_matrix([0, 1], [0.2, 0.9])
    with pytest.raises(ValueError, match=r"labels outside 0..2"):
        metrics.confusion_matrix([0, 3], [0, 1], n_classes=3)
