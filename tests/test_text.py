"""dlkit.recurrent's text pieces: the toy grammar, its scores, character windows,
temperature and sampling (notebook 10, section 7)."""

import numpy as np
import pytest

from dlkit import recurrent


def test_toy_text_is_reproducible_and_all_grammatical():
    text = recurrent.toy_text(400, rng=3)
    assert text == recurrent.toy_text(400, rng=3)
    assert text != recurrent.toy_text(400, rng=4)
    assert text.count(".") == 400 and text.endswith(".")
    assert recurrent.text_scores(text)["words"] == 1.0
    assert recurrent.text_scores(text)["sentences"] == 1.0
    assert " an " in f" {text}" and " a o" not in text and " an c" not in text
    assert sorted(set(recurrent.toy_text(3000, rng=0))) == sorted(" .abcdefghiklmnopqrstuvwxy")


@pytest.mark.parametrize(
    "text, words, sentences",
    [
        ("the cat sees an owl.", 1.0, 1.0),
        ("an old owl follows the tall child by the river.", 1.0, 1.0),
        ("a owl sees the cat.", 1.0, 0.0),  # "a" before a vowel
        ("an cat sees the owl.", 1.0, 0.0),  # "an" before a consonant
        ("the cat sees the dog reads the owl.", 1.0, 0.0),  # a second verb
        ("the cat sees.", 1.0, 0.0),  # no object
        ("teh cat sees the owl.", 0.8, 0.0),  # a misspelt word
        ("the cat sees the owl. the dog", 1.0, 1.0),  # the unfinished last sentence is not judged
    ],
)
def test_text_scores_judge_words_and_sentences(text, words, sentences):
    scores = recurrent.text_scores(text)
    assert scores["words"] == pytest.approx(words)
    assert scores["sentences"] == pytest.approx(sentences)


def test_text_scores_distinct_is_low_for_a_loop():
    loop = recurrent.text_scores("the cat sees the dog sees " * 20)
    assert loop["distinct"] == pytest.approx(3 / 59) and loop["sentences"] == 0.0
    assert recurrent.text_scores("the cat sees an owl.")["distinct"] == 1.0
    assert recurrent.text_scores("") == {"words": 0.0, "sentences": 0.0, "distinct": 0.0}
    with pytest.raises(TypeError, match="text must be a str"):
        recurrent.text_scores(["the cat"])


def test_char_windows_give_every_window_and_the_next_character():
    ids, next_ids, alphabet = recurrent.char_windows("abcab", 2)
    assert alphabet == "abc"
    assert ids.tolist() == [[0, 1], [1, 2], [2, 0]] and next_ids.tolist() == [2, 0, 1]
    assert ids.dtype.kind == "i" and ids.flags.writeable
    text = recurrent.toy_text(20, rng=0)
    ids, next_ids, alphabet = recurrent.char_windows(text, 7)
    assert ids.shape == (len(text) - 7, 7) and next_ids.shape == (len(text) - 7,)
    rebuilt = "".join(alphabet[i] for i in ids[0]) + "".join(alphabet[i] for i in next_ids)
    assert rebuilt == text


@pytest.mark.parametrize(
    "args, error, message",
    [
        (("abc", 3), ValueError, "too few for windows of T=3"),
        ((["a", "b", "c"], 1), TypeError, "text must be a str"),
        (("abcdef", 0), ValueError, "T"),
    ],
)
def test_char_windows_errors(args, error, message):
    with pytest.raises(error, match=message):
        recurrent.char_windows(*args)


def test_temperature_one_keeps_the_probabilities_and_others_reweight_them():
    p = np.array([[0.5, 0.3, 0.2, 0.0], [0.1, 0.1, 0.1, 0.7]])
    assert np.allclose(recurrent.with_temperature(p, 1.0), p)
    for tau in (0.3, 0.5, 2.0, 5.0):
        q = recurrent.with_temperature(p, tau)
        expected = p ** (1 / tau) / (p ** (1 / tau)).sum(axis=1, keepdims=True)
        assert np.allclose(q, expected) and np.allclose(q.sum(axis=1), 1)
        assert (q[0, 0] > p[0, 0]) == (tau < 1)  # the likeliest gains below 1, loses above
        assert q[0, 3] == 0.0  # what cannot happen stays impossible
    assert recurrent.with_temperature(p, 0).tolist() == [[1, 0, 0, 0], [0, 0, 0, 1]]
    assert np.allclose(recurrent.with_temperature(p[1], 1e6), [0.25, 0.25, 0.25, 0.25], atol=1e-5)
    tiny = recurrent.with_temperature(np.array([1e-300, 1 - 1e-300]), 0.01)  # no overflow
    assert np.all(np.isfinite(tiny))


@pytest.mark.parametrize(
    "probs, tau, message",
    [
        ([0.5, 0.5], -1.0, "temperature must be a finite number >= 0"),
        ([0.5, 0.5], float("nan"), "temperature must be a finite number >= 0"),
        ([0.5, -0.5], 1.0, "probs must be probabilities.*a negative entry"),
        ([[0.5, 0.5], [0.0, 0.0]], 1.0, "probs must be probabilities.*a row of zeros"),
        (np.ones((2, 2, 2)), 1.0, "probs"),
    ],
)
def test_with_temperature_errors(probs, tau, message):
    with pytest.raises(ValueError, match=message):
        recurrent.with_temperature(probs, tau)


def _bigram_predict(table, alphabet):
    """A 'model' whose next character depends on the last one only."""

    def predict(ids):
        return table[np.asarray(ids)[:, -1]]

    return predict


def test_sample_text_draws_from_the_reweighted_probabilities():
    alphabet = "ab"
    table = np.array([[0.2, 0.8], [0.7, 0.3]])
    predict = _bigram_predict(table, alphabet)
    samples = recurrent.sample_text(predict, "a", 2000, alphabet, T=1, n_samples=3, rng=0)
    assert len(samples) == 3 and all(len(s) == 2001 and s[0] == "a" for s in samples)
    assert samples == recurrent.sample_text(predict, "a", 2000, alphabet, T=1, n_samples=3, rng=0)
    pairs = [s[i : i + 2] for s in samples for i in range(2000)]
    after_a = np.mean([p[1] == "b" for p in pairs if p[0] == "a"])
    after_b = np.mean([p[1] == "a" for p in pairs if p[0] == "b"])
    assert after_a == pytest.approx(0.8, abs=0.03) and after_b == pytest.approx(0.7, abs=0.03)
    sharp = recurrent.sample_text(predict, "a", 2000, alphabet, T=1, temperature=0.5, rng=1)[0]
    after_a = np.mean([sharp[i + 1] == "b" for i in range(2000) if sharp[i] == "a"])
    assert after_a == pytest.approx(0.8**2 / (0.8**2 + 0.2**2), abs=0.03)
    greedy = recurrent.sample_text(predict, "a", 6, alphabet, T=1, temperature=0, rng=2)[0]
    assert greedy == "abababa"


def test_sample_text_feeds_the_last_T_characters():
    seen = []

    def predict(ids):
        seen.append(np.asarray(ids).copy())
        return np.tile([0.0, 1.0, 0.0], (len(ids), 1))

    assert recurrent.sample_text(predict, "cab", 2, "abc", T=3, rng=0) == ["cabbb"]
    assert [s.tolist() for s in seen] == [[[2, 0, 1]], [[0, 1, 1]]]


@pytest.mark.parametrize(
    "start, message",
    [("ab", "at least T=3"), ("abz", "never saw: \\['z'\\]")],
)
def test_sample_text_errors(start, message):
    def predict(ids):
        return np.full((len(ids), 3), 1 / 3)

    with pytest.raises(ValueError, match=message):
        recurrent.sample_text(predict, start, 5, "abc", T=3)


def test_sample_text_says_when_predict_does_not_fit_the_alphabet():
    def predict(ids):  # a model with 4 outputs for an alphabet of 3
        return np.full((len(ids), 4), 1 / 4)

    with pytest.raises(
        ValueError, match=r"shape \(n, len\(alphabet\)\) = \(2, 3\).*got shape \(2, 4\)"
    ):
        recurrent.sample_text(predict, "abc", 5, "abc", T=3, n_samples=2)
    with pytest.raises(ValueError, match="T"):
        recurrent.sample_text(predict, "abc", 5, "abc", T=0)
