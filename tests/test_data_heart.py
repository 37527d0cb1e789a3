"""Notebook 08's references: the shipped heart data, its preprocessing, k-fold indices and
the binary metrics (precision/recall/F1, ROC curve, AUC, threshold for a recall).

The AUC is checked three ways: hand-computed cases, the pairwise (Mann-Whitney) count on
random scores with ties, and scikit-learn's roc_auc_score where it is installed.
"""

import hashlib

import numpy as np
import pytest

from dlkit import data, metrics

# ------------------------------------------------------------------ the shipped file


def test_heart_disease_shapes_missing_values_labels_and_checksum():
    X, y = data.heart_disease()
    assert X.shape == (303, 13) and X.dtype == np.float64
    assert y.shape == (303,) and y.dtype == np.int64
    assert np.isnan(X).sum() == 6
    missing = dict(zip(data.HEART_COLUMNS, np.isnan(X).sum(axis=0).tolist(), strict=True))
    assert missing["ca"] == 4 and missing["thal"] == 2
    assert sorted(np.unique(y).tolist()) == [0, 1]
    assert y.sum() == 139 and (y == 0).sum() == 164
    path = data._DATASETS_DIR / "processed.cleveland.data"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == data.HEART_SHA256
    # the first row of the UCI file, verbatim
    assert X[0].tolist() == [63, 1, 1, 145, 233, 1, 2, 150, 0, 2.3, 3, 0, 6]
    assert y[0] == 0 and y[1] == 1  # num 0 -> 0, num 2 -> 1


def test_heart_disease_returns_copies():
    X, y = data.heart_disease()
    X[0, 0] = -1.0
    y[0] = 7
    X2, y2 = data.heart_disease()
    assert X2[0, 0] == 63 and y2[0] == 0


def test_heart_columns_and_categories_match_the_data():
    X, _ = data.heart_disease()
    assert len(data.HEART_COLUMNS) == 13
    assert set(data.HEART_CATEGORICAL) == {"cp", "restecg", "slope", "thal"}
    for name, (j, codes) in data.HEART_CATEGORICAL.items():
        assert data.HEART_COLUMNS[j] == name
        present = X[~np.isnan(X[:, j]), j]
        assert set(np.unique(present).tolist()) == set(codes), name


def test_heart_disease_checks_the_file(monkeypatch, tmp_path):
    copy = tmp_path / "processed.cleveland.data"
    copy.write_bytes((data._DATASETS_DIR / "processed.cleveland.data").read_bytes() + b"\n1")
    monkeypatch.setattr(data, "_DATASETS_DIR", tmp_path)
    data._heart_table.cache_clear()
    try:
        with pytest.raises(ValueError, match="SHA-256"):
            data.heart_disease()
    finally:
        data._heart_table.cache_clear()


def test_heart_file_ships_in_the_wheel():
    from pathlib import Path

    pyproject = (Path(data.__file__).parent.parent / "pyproject.toml").read_text()
    [line] = [row for row in pyproject.splitlines() if row.startswith("package-data")]
    assert '"dlkit.datasets"' in line and '"*.data"' in line


# ------------------------------------------------------------------ preprocessing


def test_column_medians_skip_nan():
    X = np.array([[1.0, np.nan], [3.0, 4.0], [10.0, 6.0], [2.0, np.nan]])
    assert data.column_medians(X).tolist() == [2.5, 5.0]
    all_nan = np.array([[np.nan, 1.0], [np.nan, 2.0]])
    got = data.column_medians(all_nan)
    assert np.isnan(got[0]) and got[1] == 1.5
    with pytest.raises(ValueError, match="2-D"):
        data.column_medians([1.0, 2.0])


def test_fill_missing_copies_and_fills_per_column():
    X = np.array([[1.0, np.nan], [np.nan, 4.0]])
    out = data.fill_missing(X, [9.0, 8.0])
    assert out.tolist() == [[1.0, 8.0], [9.0, 4.0]]
    assert np.isnan(X[0, 1])
    with pytest.raises(
        ValueError, match=r"values must have one entry per column of X, shape \(2,\)"
    ):
        data.fill_missing(X, [1.0, 2.0, 3.0])


def test_encode_categorical_layout_order_and_unseen_values():
    X = np.array([[10.0, 1.0, 0.5, 3.0], [20.0, 2.0, 0.6, 7.0], [30.0, 5.0, 0.7, 6.0]])
    out = data.encode_categorical(X, {3: [3, 6, 7], 1: [2, 1]})
    assert out.tolist() == [
        [10.0, 0.5, 0, 1, 1, 0, 0],
        [20.0, 0.6, 1, 0, 0, 0, 1],
        [30.0, 0.7, 0, 0, 0, 1, 0],  # 5 is not a category of column 1: zeros
    ]
    assert data.encode_categorical(X, {}).tolist() == X.tolist()
    with pytest.raises(ValueError, match="X has 4 columns"):
        data.encode_categorical(X, {4: [1]})
    with pytest.raises(TypeError, match="dict"):
        data.encode_categorical(X, [(1, [1, 2])])


def test_heart_pipeline_gives_22_finite_columns():
    X, _ = data.heart_disease()
    filled = data.fill_missing(X, data.column_medians(X))
    cats = {j: list(codes) for j, codes in data.HEART_CATEGORICAL.values()}
    encoded = data.encode_categorical(filled, cats)
    assert encoded.shape == (303, 22) and np.all(np.isfinite(encoded))
    assert np.all(encoded[:, 9:].sum(axis=1) == 4)  # one category per block, every patient


# ------------------------------------------------------------------ k-fold


@pytest.mark.parametrize("n, k", [(23, 5), (20, 4), (7, 7), (303, 5), (11, 2)])
def test_kfold_indices_partition_sizes_and_permutation(n, k):
    pairs = data.kfold_indices(n, k, rng=3)
    assert len(pairs) == k
    sizes = [len(val) for _, val in pairs]
    assert sizes == [n // k + 1] * (n % k) + [n // k] * (k - n % k)
    order = np.random.default_rng(3).permutation(n)
    assert np.concatenate([val for _, val in pairs]).tolist() == order.tolist()
    for train, val in pairs:
        assert np.intersect1d(train, val).size == 0
        assert sorted(np.concatenate([train, val]).tolist()) == list(range(n))
        assert train.dtype == np.int64 and val.dtype == np.int64


def test_kfold_indices_rng_and_validation():
    a = data.kfold_indices(30, 3)
    b = data.kfold_indices(30, 3, rng=0)
    assert all(np.array_equal(x[1], y[1]) for x, y in zip(a, b, strict=True))
    c = data.kfold_indices(30, 3, rng=np.random.default_rng(1))
    assert not np.array_equal(a[0][1], c[0][1])
    with pytest.raises(ValueError, match="k=5 folds need at least k samples"):
        data.kfold_indices(4, 5)
    with pytest.raises(ValueError):
        data.kfold_indices(10, 1)


# ------------------------------------------------------------------ binary metrics


def test_precision_recall_f1_by_hand_and_zero_denominators():
    y_true = np.array([1, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    y_pred = np.array([1, 1, 1, 0, 1, 1, 1, 1, 1, 0])
    p, r, f1 = metrics.precision_recall_f1(y_true, y_pred)
    assert (p, r) == (3 / 8, 3 / 4)
    assert f1 == pytest.approx(2 * p * r / (p + r), rel=1e-15)
    assert metrics.precision_recall_f1([1, 0], [0, 0]) == (0.0, 0.0, 0.0)
    assert metrics.precision_recall_f1([0, 0], [1, 0]) == (0.0, 0.0, 0.0)
    with pytest.raises(ValueError, match="binary labels"):
        metrics.precision_recall_f1([0, 2], [0, 1])


def test_roc_curve_by_hand_with_a_tie():
    fpr, tpr, thresholds = metrics.roc_curve([0, 1, 1, 0, 1, 0], [0.2, 0.9, 0.5, 0.5, 0.3, 0.1])
    assert thresholds.tolist() == [np.inf, 0.9, 0.5, 0.3, 0.2, 0.1]
    assert tpr == pytest.approx([0, 1 / 3, 2 / 3, 1, 1, 1])
    assert fpr == pytest.approx([0, 0, 1 / 3, 1 / 3, 2 / 3, 1])
    with pytest.raises(ValueError, match="both classes"):
        metrics.roc_curve([1, 1], [0.2, 0.3])
    with pytest.raises(ValueError, match=r"scores.ravel\(\)"):
        metrics.roc_curve([1, 0, 1], [[0.2], [0.3], [0.4]])
    with pytest.raises(ValueError, match="one entry per label"):
        metrics.roc_curve([1, 0], [0.2, 0.3, 0.4])


def _pairwise_auc(y, s):
    pos, neg = s[y == 1][:, None], s[y == 0][None, :]
    return np.mean((pos > neg) + 0.5 * (pos == neg))


@pytest.mark.parametrize("seed", range(5))
def test_roc_auc_is_the_pairwise_probability_with_ties_half(seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=200)
    s = np.round(rng.normal(size=200) + y, 1)  # rounding makes many ties
    assert metrics.roc_auc(y, s) == pytest.approx(_pairwise_auc(y, s), rel=1e-12)
    # the brute-force curve: rates at every distinct threshold, score >= t
    fpr, tpr, thresholds = metrics.roc_curve(y, s)
    for i, t in enumerate(thresholds[1:], start=1):
        assert tpr[i] == np.mean(s[y == 1] >= t) and fpr[i] == np.mean(s[y == 0] >= t)


def test_roc_auc_by_hand():
    assert metrics.roc_auc([0, 0, 1, 1], [0.1, 0.3, 0.6, 0.9]) == 1.0
    assert metrics.roc_auc([0, 0, 1, 1], [0.9, 0.6, 0.3, 0.1]) == 0.0
    assert metrics.roc_auc([0, 1, 1, 0], [0.1, 0.8, 0.4, 0.4]) == 0.875
    assert metrics.roc_auc([1, 0, 1], [0.5, 0.5, 0.5]) == 0.5


@pytest.mark.parametrize("seed", range(3))
def test_roc_auc_equals_sklearn(seed):
    sk = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=300)
    s = np.round(rng.random(300) + 0.3 * y, 2)
    assert metrics.roc_auc(y, s) == pytest.approx(sk.roc_auc_score(y, s), rel=1e-12)
    fpr, tpr, _ = metrics.roc_curve(y, s)
    sk_fpr, sk_tpr, _ = sk.roc_curve(y, s, drop_intermediate=False)
    assert fpr == pytest.approx(sk_fpr) and tpr == pytest.approx(sk_tpr)


def test_threshold_for_recall():
    y = np.array([1, 0, 1, 1, 0, 1, 0, 0])
    s = np.array([0.95, 0.9, 0.7, 0.6, 0.5, 0.4, 0.3, 0.1])
    assert metrics.threshold_for_recall(y, s, 0.7) == 0.6
    assert metrics.threshold_for_recall(y, s, 0.5) == 0.7
    assert metrics.threshold_for_recall(y, s, 1.0) == 0.4
    assert metrics.threshold_for_recall(y, s, 0.0) == 0.95
    rng = np.random.default_rng(4)
    y = rng.integers(0, 2, size=150)
    s = np.round(rng.random(150) + 0.5 * y, 2)
    for target in (0.3, 0.8, 0.95):
        t = metrics.threshold_for_recall(y, s, target)
        assert np.mean(s[y == 1] >= t) >= target
        higher = np.unique(s)[np.unique(s) > t]
        assert all(np.mean(s[y == 1] >= h) < target for h in higher)
    with pytest.raises(ValueError, match="min_recall"):
        metrics.threshold_for_recall(y, s, 1.5)
    with pytest.raises(ValueError, match="no positive"):
        metrics.threshold_for_recall([0, 0], [0.1, 0.2], 0.5)
