"""The threshold explorer (notebook 08): one decision threshold, its confusion matrix and ROC point."""

from __future__ import annotations

import numpy as np

from .. import metrics, plot, yours_or_reference
from ._base import _Interactive, _runs, _slider

_LABELS = ("no disease", "disease")


class ThresholdExplorer(_Interactive):
    """Predict class 1 when ``score >= threshold``: confusion matrix, precision, recall, ROC point.

    The left panel is the confusion matrix of that decision, the right one the ROC curve
    of the scores with the current threshold's point on it. Nothing is retrained: a
    threshold only changes which scores count as positive.

    Precision, recall and F1 come from ``precision_recall_f1``: notebook 08 passes the
    student's own (Exercise 4), else dlkit's reference. A stub runs dlkit's reference where
    this copy of dlkit carries it (:func:`dlkit.yours_or_reference`); else the title says
    which exercise to finish, and the matrix and the ROC point still follow the slider.
    """

    def __init__(
        self, y_true, scores, threshold: float = 0.5, labels=_LABELS, *, precision_recall_f1=None
    ):
        super().__init__(ncols=2)
        self.fpr, self.tpr, _ = metrics.roc_curve(y_true, scores)  # validates both arrays
        self.y_true = np.asarray(y_true).astype(np.int64)
        self.scores = np.asarray(scores, dtype=float)
        self.auc = metrics.roc_auc(self.y_true, self.scores)
        self.threshold = float(threshold)
        self.labels = tuple(labels)
        self.controls = []
        self.precision_recall_f1 = yours_or_reference(
            precision_recall_f1, metrics.precision_recall_f1, *_EXAMPLE, say=None
        )
        self.unfinished = (
            [] if _runs(self.precision_recall_f1, *_EXAMPLE) else ["precision_recall_f1"]
        )

    def state(self) -> dict:
        """Counts and rates of the decision ``score >= threshold`` (precision, recall and F1
        None while ``precision_recall_f1`` is a stub)."""
        y_pred = (self.scores >= self.threshold).astype(np.int64)
        cm = metrics.confusion_matrix(self.y_true, y_pred, 2)
        if self.unfinished:
            precision = recall = f1 = None
        else:
            precision, recall, f1 = self.precision_recall_f1(self.y_true, y_pred)
        tn, fp, fn, tp = (int(v) for v in cm.ravel())
        return {
            "cm": cm,
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "tn": tn,
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "fpr": fp / (fp + tn),
            "tpr": tp / (tp + fn),
        }

    def _build(self) -> None:
        # The artists are made once and draw() only updates their data; the static parts
        # (axes, ticks, the ROC curve) are rendered once into a bitmap that every slider
        # move pastes before drawing the few artists that change (see _render)
        ax = self.axes[0]
        ax.clear()
        self._matrix = ax.imshow(np.zeros((2, 2)), cmap="Blues", vmin=0, vmax=1, animated=True)
        self._counts = [
            [
                ax.text(j, i, "", ha="center", va="center", fontsize="large", animated=True)
                for j in range(2)
            ]
            for i in range(2)
        ]
        ax.set_xticks(range(2), self.labels)
        ax.set_yticks(range(2), self.labels)
        ax.set_xlabel("predicted class")
        ax.set_ylabel("true class")
        # the title changes with the threshold: an animated text where a two-line title goes
        title = ax.set_title(" \n ", fontsize="medium")
        self._title = ax.text(
            0.5, 1.0, "", transform=ax.transAxes, ha="center", va="baseline",
            fontsize="medium", animated=True,
        )  # fmt: skip
        ax = self.axes[1]
        ax.clear()
        plot.plot_roc_curve(self.fpr, self.tpr, ax=ax, label=f"ROC, AUC {self.auc:.3f}")
        (self._point,) = ax.plot(
            [0], [0], "o", ms=10, color=plot.CLASS_COLORS[0], zorder=5, animated=True
        )
        ax.set_title("where this threshold sits on the ROC curve", fontsize="medium")
        self._freeze_layout()  # draws once: what it leaves on the canvas is the static part
        self._background = self._canvas().copy_from_bbox(self.fig.bbox)
        # the title's own position, now that the layout is fixed
        self._title.set_position(
            self.axes[0].transAxes.inverted().transform(title.get_window_extent().p0)
        )
        self._title.set_va("bottom")

    def draw(self) -> dict:
        self._ensure_built()
        st = self.state()
        cm = st["cm"]
        share = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)  # colour: fraction of the row
        self._matrix.set_data(share)
        for i in range(2):
            for j in range(2):
                self._counts[i][j].set_text(str(cm[i, j]))
                self._counts[i][j].set_color("white" if share[i, j] > 0.5 else "black")
        if self.unfinished:
            rates = "finish Exercise 4 (precision_recall_f1)"
        else:
            rates = f"precision {st['precision']:.2f}, recall {st['recall']:.2f}"
        self._title.set_text(
            f"threshold {self.threshold:.2f}: {rates}\n{st['fn']} missed, {st['fp']} false alarms"
        )
        self._point.set_data([st["fpr"]], [st["tpr"]])
        return st

    def _render(self, canvas) -> None:
        """Paste the static bitmap, then draw only what the threshold changes."""
        canvas.restore_region(self._background)
        left, right = self.axes
        for artist in (self._matrix, *self._counts[0], *self._counts[1], self._title):
            left.draw_artist(artist)
        right.draw_artist(self._point)

    def _controls(self) -> list:
        slider = _slider("threshold", self.threshold, 0.0, 1.0, 0.01, self, "threshold")
        self.controls = [slider]
        return self.controls


_EXAMPLE = (np.array([1, 0, 1]), np.array([1, 1, 0]))


def threshold_explorer(
    y_true, scores, threshold: float = 0.5, *, precision_recall_f1=None
) -> ThresholdExplorer:
    """A threshold slider over probabilities ``scores``: confusion matrix, precision, recall, ROC point.

    Pass your own ``precision_recall_f1`` (notebook 08, Exercise 4) and the explorer uses it."""
    return ThresholdExplorer(y_true, scores, threshold, precision_recall_f1=precision_recall_f1)
