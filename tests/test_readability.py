"""Readability and lexical diversity: hand-computed values, textstat agreement, syllable accuracy."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import paths, readability, tokens


def _tokens(rows):
    sents = pd.DataFrame(rows, columns=["doc_id", "outlet", "part", "sentence_id", "text"])
    return tokens.tokenize(sents)


def test_syllable_rules():
    got = readability.syllables(["Haus", "Kamera", "Zeitalter", "Kooperation", "Kriterien", "offiziell", "Qualität", "Steuer", "Handy", "Bäume"])
    assert got.tolist() == [1, 3, 3, 5, 4, 4, 3, 2, 2, 2]


@pytest.mark.parametrize("name", ["syllables_gold_seeds.tsv", "syllables_gold_10kgnad.tsv"])
def test_syllable_accuracy_on_hand_counts(name):
    gold = pd.read_csv(paths.PACKAGE_DATA / "terms" / name, sep="\t")
    pred = gold["word"].map(readability.syllables(gold["word"]))
    assert (pred == gold["syllables"]).mean() >= 0.9
    assert (pred - gold["syllables"]).abs().mean() <= 0.1


def test_scores_by_hand():
    # 2 sentences, 8 words: Der(1) Hund(1) bellt(1) laut(1) / Die(1) Katze(2) schläft(1) heute(2)
    t = _tokens([("d1", "a", "body", 0, "Der Hund bellt laut."), ("d1", "a", "body", 1, "Die Katze schläft heute.")])
    r = readability.score(t).iloc[0]
    assert (r.n_sentences, r.n_words, r.n_syllables) == (2, 8, 10)
    assert r.words_per_sentence == 4 and r.syllables_per_word == pytest.approx(1.25)
    assert r.flesch_amstad == pytest.approx(180 - 4 - 58.5 * 1.25)
    # MS = 0 % (>= 3 syllables), IW = 12.5 % ("schläft" has 7 letters), ES = 75 %
    assert r.pct_long_words == pytest.approx(12.5) and r.pct_1_syllable == pytest.approx(75.0)
    assert r.wiener_sachtextformel == pytest.approx(0.1672 * 4 + 0.1297 * 12.5 - 0.0327 * 75 - 0.875)
    assert r.ttr == 1.0 and r.mattr == 1.0  # shorter than the window: TTR


def test_agrees_with_textstat_where_splits_agree():
    textstat = pytest.importorskip("textstat")
    textstat.set_lang("de")
    text = "Der Hund bellt laut. Die Katze schläft heute. Wir gehen nach Hause."
    t = _tokens([("d1", "a", "body", i, s) for i, s in enumerate(["Der Hund bellt laut.", "Die Katze schläft heute.", "Wir gehen nach Hause."])])
    r = readability.score(t, syllable_method="pyphen").iloc[0]
    assert r.flesch_amstad == pytest.approx(textstat.flesch_reading_ease(text), abs=0.01)
    assert r.wiener_sachtextformel == pytest.approx(textstat.wiener_sachtextformel(text, 1), abs=0.01)


def test_mattr_against_a_direct_loop():
    rng = np.random.default_rng(0)
    codes = rng.integers(0, 30, size=400)
    groups = np.repeat(["x", "y"], [250, 150])
    got = readability.mattr(codes, groups, window=50)

    def direct(c, w):
        if len(c) < w:
            return len(set(c)) / len(c)
        return np.mean([len(set(c[s : s + w])) / w for s in range(len(c) - w + 1)])

    assert got["x"] == pytest.approx(direct(codes[:250], 50))
    assert got["y"] == pytest.approx(direct(codes[250:], 50))
    short = readability.mattr(np.array([1, 2, 1]), np.array(["z"] * 3), window=50)
    assert short["z"] == pytest.approx(2 / 3)


def test_groups_and_errors():
    t = _tokens([("d1", "a", "body", 0, "Eins zwei drei."), ("d2", "b", "body", 0, "Vier fünf sechs sieben.")])
    out = readability.score(t, by="outlet")
    assert out["outlet"].tolist() == ["a", "b"] and out["n_words"].tolist() == [3, 4]
    with pytest.raises(ValueError, match="rule"):
        readability.syllables(["x"], method="cmu")
    with pytest.raises(ValueError, match="no word tokens"):
        readability.score(_tokens([("d1", "a", "body", 0, "12 34.")]))
