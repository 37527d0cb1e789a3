"""The numbers that the prose of notebook 08 quotes from its own cells and figures.

The source notebook is executed once, in this process (about 3 s, see nbharness.py), and
each test reads what a cell computed and pins the value the markdown states, so the prose
cannot drift from the figures. The data facts are checked on dlkit directly.
"""

import numpy as np
import pytest
from nbharness import source_run

import dlkit
from course import notebooks
from course.config import get_assignment

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ns():
    return source_run("08_heart_disease").ns


def _markdown() -> str:
    nb = notebooks.read(get_assignment("08_heart_disease").path("source"))
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_08_the_table():
    X, y = dlkit.data.heart_disease()
    assert (y.sum(), (y == 0).sum()) == (139, 164)
    assert round(100 * np.mean(y == 0)) == 54  # the majority rule is right for 54%
    assert round(100 * y.mean()) == 46  # "a disease rate near 46%"
    assert np.isnan(X).sum() == 6
    sex = X[:, dlkit.data.HEART_COLUMNS.index("sex")]
    assert 0.64 < sex.mean() < 0.70  # "about two thirds of them men"
    oldpeak = X[:, dlkit.data.HEART_COLUMNS.index("oldpeak")]
    assert np.mean(oldpeak[y == 0] < 0.5) > 0.5 > np.mean(oldpeak[y == 1] < 0.5)
    assert round(100 * np.mean(oldpeak[y == 0] == 0)) == 45
    for name in ("age", "oldpeak"):
        j = dlkit.data.HEART_COLUMNS.index(name)
        assert X[y == 1, j].mean() > X[y == 0, j].mean()
    j = dlkit.data.HEART_COLUMNS.index("thalach")
    assert X[y == 1, j].mean() < X[y == 0, j].mean()
    assert round(100 / 61, 1) == 1.6 and round(100 / 60, 1) == 1.7


def test_08_split_and_pipeline(ns):
    assert (len(ns["y_fit"]), len(ns["y_val"]), len(ns["y_test"])) == (194, 48, 61)
    assert ns["X_fit"].shape[1] == 22
    assert (len(ns["y_rest"]) // 5, len(ns["y_rest"]) % 5) == (48, 2)  # folds of 48 or 49


def test_08_training_run(ns):
    history, best = ns["history"], ns["early_stopping"].best_epoch
    assert best + 1 == 9 and round(history.val_loss[best], 3) == 0.362
    assert len(history.epoch) == 24
    assert len(set(np.round(history.lr, 8))) == 3  # halved twice
    y_val = ns["y_val"]
    assert np.sum((ns["p_val_mlp"] >= 0.5) == y_val) == 41
    assert np.sum((ns["p_val_logreg"] >= 0.5) == y_val) == 39
    assert round(dlkit.metrics.roc_auc(y_val, ns["p_val_mlp"]), 3) == 0.899
    assert round(dlkit.metrics.roc_auc(y_val, ns["p_val_logreg"]), 3) == 0.899
    # "more than half of the sick patients score above every healthy one"
    for p in (ns["p_val_mlp"], ns["p_val_logreg"]):
        assert np.mean(p[y_val == 1] > p[y_val == 0].max()) > 0.5


def test_08_threshold(ns):
    y_val, p = ns["y_val"], ns["p_val_mlp"]
    assert (y_val.sum(), (y_val == 0).sum()) == (23, 25)
    cm = dlkit.metrics.confusion_matrix(y_val, (p >= 0.5).astype(int), 2)
    assert (cm[1, 0], cm[0, 1]) == (5, 2)
    assert round(ns["t90"], 3) == 0.198
    cm = dlkit.metrics.confusion_matrix(y_val, (p >= ns["t90"]).astype(int), 2)
    assert (cm[1, 1], cm[0, 1]) == (21, 13)
    assert round(cm[1, 1] / (cm[1, 1] + cm[0, 1]), 2) == 0.62
    assert round(np.mean(p[y_val == 1] >= 0.20), 2) == 0.87


def test_08_cross_validation(ns):
    cv = ns["cv"]
    m, lr, net = cv["majority"], cv["logistic regression"], cv["network"]
    assert round(100 * m["accuracy"].mean()) == 54
    assert (round(100 * m["accuracy"].min()), round(100 * m["accuracy"].max())) == (48, 63)
    assert np.all(m["auc"] == 0.5)
    assert f"{lr['accuracy'].mean():.1%} ± {lr['accuracy'].std():.1%}" == "80.6% ± 2.8%"
    assert f"{lr['auc'].mean():.3f} ± {lr['auc'].std():.3f}" == "0.878 ± 0.029"
    assert f"{net['accuracy'].mean():.1%} ± {net['accuracy'].std():.1%}" == "76.0% ± 5.3%"
    assert f"{net['auc'].mean():.3f} ± {net['auc'].std():.3f}" == "0.853 ± 0.034"
    assert (round(100 * net["accuracy"].min()), round(100 * net["accuracy"].max())) == (71, 86)


def test_08_test_part(ns):
    y_test, p = ns["y_test"], ns["p_test"]
    assert round(dlkit.metrics.roc_auc(y_test, p), 3) == 0.966
    assert y_test.sum() == 27
    for t, found, alarms in [(0.5, 22, 1), (ns["t90"], 25, 4)]:
        cm = dlkit.metrics.confusion_matrix(y_test, (p >= t).astype(int), 2)
        assert (cm[1, 1], cm[0, 1]) == (found, alarms)
        assert f"{np.trace(cm) / cm.sum():.1%}" == "90.2%"


def test_08_prose_quotes_these_numbers():
    text = _markdown()
    for quoted in ("0.362", "0.198", "80.6% ± 2.8%", "0.878 ± 0.029", "76.0% ± 5.3%", "0.853 ± 0.034",
                   "0.966", "90.2%", "25 of the 27", "41 and logistic regression for 39"):  # fmt: skip
        assert quoted in text, quoted
