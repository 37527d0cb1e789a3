"""The numbers that the prose of notebook 10 quotes from its own figures and cells.

Each test recomputes, with dlkit, what a cell of 10_recurrent computes, and pins the
values the markdown states. No notebook is executed; the two training runs take about a
second each.
"""

import functools

import numpy as np
import pytest

from dlkit import recurrent


def test_10_try_it_cells():
    H, _ = recurrent.rnn_forward(
        np.ones((1, 4, 1)), np.zeros((1, 1)), np.array([[0.5]]), np.array([[1.0]]), np.zeros(1)
    )
    assert np.round(H.ravel(), 2).tolist() == [0.46, 0.75, 0.85, 0.87]
    h = recurrent.rnn_step(
        np.ones((2, 3)), np.zeros((2, 4)), np.full((3, 4), 0.1), np.eye(4), np.zeros(4)
    )
    assert np.allclose(h, 0.291, atol=5e-4)
    clipped = recurrent.clip_gradients([np.array([3.0, 0.0]), np.array([[0.0], [4.0]])], 1.0)
    assert np.allclose(clipped[0], [0.6, 0]) and np.allclose(clipped[1], [[0], [0.8]])
    dE = recurrent.embedding_backward(np.ones((3, 2)), np.array([1, 1, 0]), 4)
    assert dE.tolist() == [[1, 1], [2, 2], [0, 0], [0, 0]]


def _first_over_last(scale, activation):
    norms = recurrent.gradient_through_time(T=50, scale=scale, activation=activation, rng=0)
    return norms[0] / norms[-1]


def test_10_identity_changes_the_norm_by_the_scale_per_step():
    assert _first_over_last(1.0, "identity") == pytest.approx(1.0)
    assert _first_over_last(0.9, "identity") == pytest.approx(0.9**49)
    assert round(0.9**49, 3) == 0.006
    assert _first_over_last(1.1, "identity") == pytest.approx(1.1**49)
    assert round(1.1**49) == 107


def test_10_tanh_vanishes_at_scale_1_holds_at_2_explodes_at_3():
    assert 3e-11 < _first_over_last(1.0, "tanh") < 3e-10  # "about 10^-10"
    assert 4 < _first_over_last(2.0, "tanh") < 6  # "grows about 5 times"
    assert 1.5e5 < _first_over_last(3.0, "tanh") < 2.5e5  # "about 2 * 10^5"


@functools.cache
def _run(T, max_norm=5.0):
    ids, y = recurrent.memory_task(1000, T=T, rng=1)
    test_ids, test_y = recurrent.memory_task(1000, T=T, rng=2)
    params, history = recurrent.train_memory_rnn(
        ids, y, hidden=16, epochs=8, rng=0, max_norm=max_norm
    )
    accuracy = np.mean(recurrent.memory_rnn_predict(params, test_ids).argmax(axis=1) == test_y)
    return history, accuracy


def test_10_baseline_without_memory_is_at_chance():
    ids, y = recurrent.memory_task(1000, T=20, rng=1)
    test_ids, test_y = recurrent.memory_task(1000, T=20, rng=2)
    table = np.zeros((4, 4))
    np.add.at(table, (ids[:, -1], y), 1)
    assert round(np.mean(table.argmax(axis=1)[test_ids[:, -1]] == test_y), 3) == 0.247


def test_10_rnn_remembers_20_steps():
    history, accuracy = _run(20)
    acc = history["accuracy"]
    assert acc[0] > 0.25  # past the baseline within the first epoch
    assert acc[5] < 1.0 and all(a == 1.0 for a in acc[6:])  # every training sequence from epoch 7
    assert accuracy == 1.0
    assert 4.9 < max(history["grad_norm"]) < 5.0  # "just under the threshold (4.98)"


def test_10_rnn_stalls_at_40_steps_with_one_gradient_spike():
    history, accuracy = _run(40)
    assert round(accuracy, 3) == 0.456
    assert all(0.43 < a < 0.52 for a in history["accuracy"][2:])  # "stalls near 0.5"
    norms = history["grad_norm"]
    assert int(np.argmax(norms)) == 1 and 4e3 < norms[1] < 6e3  # epoch 2, about 5 * 10^3
    assert norms[1] > 1000 * np.median(norms)  # "a thousand times the usual"
    _, unclipped = _run(40, None)
    assert round(unclipped, 3) == 0.384


# ------------------------------------------------------------------------------ the layers' cells


def _layers_run(T):
    from dlkit import callbacks, layers, models

    ids, y = recurrent.memory_task(1000, T=T, rng=1)
    test_ids, test_y = recurrent.memory_task(1000, T=T, rng=2)
    model = models.Sequential(
        layers.Embedding(4, 8, rng=0),
        layers.SimpleRNN(16, rng=1),
        layers.Dense(16, 4, rng=2),
        layers.Softmax(),
    )
    model.compile(optimizer="adam", loss="categorical_cross_entropy", metrics=["accuracy"], lr=0.01)
    stopper = callbacks.EarlyStopping(patience=2, monitor="val_accuracy")
    model.fit(
        ids, y, epochs=8, batch_size=64, validation_split=0.2, rng=0, verbose=0, callbacks=[stopper]
    )
    return model, model.evaluate(test_ids, test_y)["accuracy"]


def test_10_the_layers_learn_20_and_40_steps():
    model, accuracy = _layers_run(20)
    assert accuracy == 1.0  # "right on all 1,000 test sequences"
    assert "SimpleRNN(8 -> 16" in repr(model)  # the input size comes from the Embedding
    assert round(_layers_run(40)[1], 3) == 0.930  # "they reach 0.930"


def test_10_a_small_embedding_start_lets_the_gradient_reach_the_first_step():
    from dlkit import layers

    ids, _ = recurrent.memory_task(1000, T=40, rng=1)
    found = []
    for table in (None, 0.5 * np.random.default_rng(0).standard_normal((4, 8))):
        embedding = layers.Embedding(4, 8, rng=0)
        assert np.all(np.abs(embedding.params["E"]) <= 0.05)  # "uniformly in [-0.05, 0.05]"
        cell = layers.SimpleRNN(16, input_dim=8, return_sequences=True, rng=1)
        if table is not None:
            embedding.params["E"] = table
        H = cell(embedding(ids))
        dH = np.zeros_like(H)
        dH[:, -1] = np.random.default_rng(3).normal(size=(1000, 16))
        dX = cell.backward(dH)
        found.append((np.mean(1 - H**2), np.linalg.norm(dX[:, 0]) / np.linalg.norm(dX[:, -1])))
    (small_tanh, small_reach), (large_tanh, large_reach) = found
    assert round(small_tanh, 2) == 0.99 and round(small_reach, 3) == 0.721
    assert round(0.99**39, 2) == 0.68  # "0.99^39 is about 0.68, close to the 0.721 measured"
    assert round(large_tanh, 2) == 0.84 and round(large_reach, 3) == 0.003  # "0.3% arrives"
    Wh = layers.SimpleRNN(16, input_dim=8, rng=1).params["Wh"]
    assert np.allclose(np.linalg.svd(Wh, compute_uv=False), 1.0)  # "singular values all equal 1"


# ------------------------------------------------------------------------------ section 7: text


@functools.cache
def _char_model():
    from dlkit import layers, models

    text = recurrent.toy_text(700, rng=0)
    ids, next_ids, alphabet = recurrent.char_windows(text, T=24)
    model = models.Sequential(
        layers.Embedding(len(alphabet), 16, rng=0),
        layers.SimpleRNN(64, rng=1),
        layers.Dense(64, len(alphabet), rng=2),
        layers.Softmax(),
    )
    model.compile(optimizer="adam", loss="categorical_cross_entropy", metrics=["accuracy"], lr=0.01)
    model.fit(ids, next_ids, epochs=3, batch_size=64, rng=0, verbose=0)
    return text, alphabet, model


def test_10_the_text_and_its_windows():
    text, alphabet, _ = _char_model()
    assert text.count(".") == 700 and 24_000 < len(text) < 26_000  # "about 25,000 characters"
    assert len(alphabet) == 26
    example = recurrent.text_scores("an old owl sees the cat by the river.")
    assert example["words"] == example["sentences"] == 1.0  # the prose's example is grammatical


def test_10_temperature_moves_weight_to_the_wrong_letters():
    text, alphabet, model = _char_model()
    probs = model.predict(np.array([[alphabet.index(c) for c in " happy student sees the "]]))[0]
    starts = sorted({w[0] for w in recurrent._ADJECTIVES + recurrent._NOUNS})
    assert "".join(starts) == "bcdfhoqrst"  # "ten letters can start the next word"
    rest = {}
    for tau in (0.5, 1.0, 2.0):
        q = recurrent.with_temperature(probs, tau)
        good = [q[alphabet.index(c)] for c in starts]
        rest[tau] = 1 - sum(good)
        assert max(good) == q[alphabet.index("t")]  # "t" a little more
        assert all(0.05 < g < 0.25 for g in good if g != q[alphabet.index("b")])  # about 0.1 each
    assert rest[0.5] < 1e-4 and round(rest[1.0], 3) == 0.003 and round(rest[2.0], 2) == 0.04


def _scores(tau):
    text, alphabet, model = _char_model()
    samples = recurrent.sample_text(
        model.predict, text[:24], 300, alphabet, T=24, temperature=tau, n_samples=20, rng=0
    )
    written = " ".join(s[24:].split(".", 1)[-1] for s in samples)
    return recurrent.text_scores(written), written


def test_10_scores_of_the_samples_by_temperature():
    scores = {tau: _scores(tau)[0] for tau in (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0)}
    assert all(0.96 <= round(scores[t]["words"], 2) <= 0.99 for t in (0.25, 0.5, 0.75, 1.0))
    assert round(scores[1.5]["words"], 2) == 0.80 and round(scores[2.0]["words"], 2) == 0.56
    assert round(scores[0.25]["distinct"], 2) == 0.18 and round(scores[1.0]["distinct"], 2) == 0.52
    assert all(s["sentences"] <= 0.21 for s in scores.values())  # "at most about one in five"
    assert max(s["sentences"] for s in scores.values()) > 0.19
    _, written = _scores(1.0)
    own = recurrent.text_scores(recurrent.toy_text(300, rng=1)[: len(written)])
    assert round(own["distinct"], 2) == 0.55 and own["words"] == 1.0


def test_10_the_samples_quoted():
    text, alphabet, model = _char_model()

    def sample(tau):
        return recurrent.sample_text(
            model.predict, text[:24], 150, alphabet, T=24, temperature=tau, rng=1
        )[0]

    assert sample(0).endswith("finds the teacher finds the teacher fin")  # the greedy loop
    assert "the farmer finds the teacher paints the owl" in sample(0.5)
    assert "a old owl" in sample(1.0)
    assert "the rover" in sample(1.5) and "pight lerows" in sample(1.5)
