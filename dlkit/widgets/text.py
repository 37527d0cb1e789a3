"""The temperature explorer (notebook 10): a next-character model writes at your temperature."""

from __future__ import annotations

import textwrap

import numpy as np

from .. import recurrent
from .._validation import check_int
from ._base import _bind, _Interactive, _slider, _unfinished

_WIDTH = 44  # characters per line of the sample
_FLOOR = 1e-7  # the bottom of the log scale
_LISTED = 10  # unknown words listed at most


class TemperatureExplorer(_Interactive):
    """What a next-character model gives after ``context``, and what it writes, at one temperature.

    The left panel shows the probabilities of the next character after ``context``,
    re-weighted by the temperature (:func:`dlkit.recurrent.with_temperature`) on a log
    scale, with the model's own (temperature 1) as black ticks. The right panel shows
    ``n_chars`` characters that the model writes after ``start``
    (:func:`dlkit.recurrent.sample_text`, seeded by ``seed``), its scores
    (:func:`dlkit.recurrent.text_scores`) and the words the grammar of
    :func:`dlkit.recurrent.toy_text` does not know, both without the first and the last
    word of the text (the start and the end may cut them).

    ``predict`` maps ids (n, T) to probabilities (n, len(alphabet)): notebook 10 passes its
    trained model's ``predict``. Samples already drawn are kept, so going back to a
    temperature costs nothing. A model whose pieces are still stubs (``predict`` raises
    NotImplementedError) gives a panel that says what to finish, and ``unfinished``
    names it.
    """

    def __init__(
        self,
        predict,
        alphabet: str,
        start: str,
        *,
        T: int,
        context: str | None = None,
        temperature: float = 1.0,
        n_chars: int = 160,
        seed: int = 0,
    ):
        super().__init__(ncols=2)
        if not callable(predict):
            raise TypeError(
                f"predict must be a function of ids (n, T) -> probabilities, such as a trained "
                f"model's predict; got {type(predict).__name__}."
            )
        if not isinstance(alphabet, str) or len(set(alphabet)) != len(alphabet) or not alphabet:
            raise ValueError(
                "alphabet must be a str of distinct characters (char_windows returns it)."
            )
        self.T = check_int(T, "T", minimum=1)
        self.start = recurrent._check_start(start, alphabet, self.T)
        context = start[-self.T :] if context is None else context
        self.context = recurrent._check_start(context, alphabet, self.T, "context")
        self.predict, self.alphabet = predict, alphabet
        self.temperature = float(temperature)
        self.n_chars = check_int(n_chars, "n_chars", minimum=1)
        self.seed = check_int(seed, "seed", minimum=0)
        self.controls = []
        self._samples: dict[tuple[float, int], str] = {}
        try:
            ids = np.array([[alphabet.index(c) for c in self.context[-self.T :]]])
            self.probs = np.asarray(predict(ids), dtype=float)[0]
        except NotImplementedError:
            self.probs = None
            self.unfinished = ["the model's pieces (Exercises 1-5)"]
        else:
            self.unfinished = []
            if self.probs.shape != (len(alphabet),):
                raise ValueError(
                    f"predict gave probabilities of shape {self.probs.shape} for one window; "
                    f"expected ({len(alphabet)},), one per character of the alphabet."
                )

    def sample(self) -> str:
        """The text written at the current temperature and seed (``start`` left out)."""
        key = (round(self.temperature, 6), self.seed)
        if key not in self._samples:
            self._samples[key] = recurrent.sample_text(
                self.predict,
                self.start,
                self.n_chars,
                self.alphabet,
                T=self.T,
                temperature=self.temperature,
                rng=self.seed,
            )[0][len(self.start) :]
        return self._samples[key]

    def state(self) -> dict:
        """The re-weighted probabilities, the sample, its scores and its unknown words."""
        if self.unfinished:
            return {"probs": None, "text": None, "scores": None, "unknown": None}
        text = self.sample()
        # scored without its first and last words, which the start and the end may cut
        inner = text.split(" ", 1)[-1].rsplit(" ", 1)[0]
        return {
            "probs": recurrent.with_temperature(self.probs, self.temperature),
            "text": text,
            "scores": recurrent.text_scores(inner),
            "unknown": recurrent.unknown_words(inner),
        }

    def _build(self) -> None:
        # Made once; draw() only changes the data of the animated artists, and _render pastes
        # a bitmap of the static parts (axes, ticks, the legend) before drawing them
        left, right = self.axes
        x = np.arange(len(self.alphabet))
        self._bars = left.bar(x, np.ones(len(x)), bottom=_FLOOR, width=0.8, color="C0")
        for bar in self._bars:
            bar.set_animated(True)
        if self.probs is not None:
            (self._marks,) = left.plot(
                x, self.probs, "_", color="black", ms=9, mew=1.5, label="τ = 1 (the model)",
                animated=True,
            )  # fmt: skip
            left.legend(fontsize="small", loc="upper left")
        left.set_xticks(x, [c if c != " " else "␣" for c in self.alphabet], fontsize="small")
        left.set_yscale("log")
        left.set_ylim(_FLOOR, 1.5)
        left.set_ylabel("probability of the next character")
        left.set_title(" ", fontsize="medium")  # room for the animated title
        right.set_axis_off()
        right.set_title(" \n ", fontsize="medium")
        self._titles = [
            ax.text(0.5, 1.02, "", transform=ax.transAxes, ha="center", va="bottom",
                    fontsize="medium", animated=True)
            for ax in (left, right)
        ]  # fmt: skip
        self._text = right.text(
            0.0, 0.98, "", va="top", ha="left", family="monospace", transform=right.transAxes,
            animated=True,
        )  # fmt: skip
        self._note = _unfinished(left, "Exercises 1-5")
        self._note.set_animated(True)
        self._note.set_visible(False)
        self._freeze_layout()  # draws once: what it leaves on the canvas is the static part
        self._background = self._canvas().copy_from_bbox(self.fig.bbox)

    def draw(self) -> dict:
        self._ensure_built()
        st = self.state()
        tau = f"τ = {self.temperature:.2f}"
        self._titles[0].set_text(f"after '…{self.context[-self.T :]}', {tau}")
        if st["probs"] is None:
            for bar in self._bars:
                bar.set_height(0)
            self._note.set_text("finish Exercises 1-5\n(the model runs your RNN)\nto see this")
            self._note.set_visible(True)
            self._titles[1].set_text(f"{tau}: the model cannot write yet")
            self._text.set_text("")
            return st
        for bar, p in zip(self._bars, st["probs"], strict=True):
            bar.set_height(max(p, _FLOOR) - _FLOOR)
        s = st["scores"]
        self._titles[1].set_text(
            f"{tau}, sample {self.seed}: words {s['words']:.2f}, sentences "
            f"{s['sentences']:.2f},\ndistinct runs of three words {s['distinct']:.2f}"
        )
        unknown = ", ".join(st["unknown"][:_LISTED]) if st["unknown"] else "none"
        if len(st["unknown"]) > _LISTED:
            unknown += f" and {len(st['unknown']) - _LISTED} more"
        self._text.set_text(
            f"start: {self.start!r}\n\n"
            + textwrap.fill(st["text"], _WIDTH)
            + "\n\nnot words of the grammar:\n"
            + textwrap.fill(unknown, _WIDTH)
        )
        return st

    def _render(self, canvas) -> None:
        """Paste the static bitmap, then draw only what the temperature and seed change."""
        canvas.restore_region(self._background)
        left, right = self.axes
        for bar in self._bars:
            left.draw_artist(bar)
        if self.probs is not None:  # the model's own, on top of the bars
            left.draw_artist(self._marks)
        for artist in (self._note, self._titles[0]):
            left.draw_artist(artist)
        for artist in (self._titles[1], self._text):
            right.draw_artist(artist)

    def _controls(self) -> list:
        import ipywidgets as w  # loaded only when the controls are built

        temperature = _slider("temperature", self.temperature, 0.0, 2.5, 0.05, self, "temperature")
        seed = w.IntSlider(value=self.seed, min=0, max=19, description="sample")
        _bind(self, seed, "seed", int)
        temperature.style.description_width = "initial"  # the whole word, not "temperat..."
        self.controls = [temperature, seed]
        return self.controls


def temperature_explorer(
    predict,
    alphabet: str,
    start: str,
    *,
    T: int,
    context: str | None = None,
    temperature: float = 1.0,
    n_chars: int = 160,
) -> TemperatureExplorer:
    """A temperature slider over a next-character model: the next character's probabilities
    after ``context`` and a text written from ``start`` (notebook 10, section 7)."""
    return TemperatureExplorer(
        predict, alphabet, start, T=T, context=context, temperature=temperature, n_chars=n_chars
    )
