"""Collocations and hyphenated multi-word terms on a literal corpus with hand-computed scores."""
from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy import stats

from analysis import collocations, tokens


def _tokens(rows):
    sents = pd.DataFrame(rows, columns=["doc_id", "outlet", "part", "sentence_id", "text"])
    return tokens.tokenize(sents)


@pytest.fixture(scope="module")
def toks():
    return _tokens(
        [
            ("d1", "a", "body", 0, "Leica Camera AG baut Kameras."),
            ("d1", "a", "body", 1, "Die Leica Camera AG und Xiaomi."),
            ("d2", "b", "body", 0, "Der rote Leica-Punkt auf dem Xiaomi 12 Ultra."),
            ("d2", "b", "body", 1, "Das Xiaomi 12 Ultra mit US-Restriktionen."),
        ]
    )


def test_bigram_scores_by_hand(toks):
    out = collocations.find(toks, min_count=2, stopwords=False).set_index("collocation")
    # word positions (word + number tokens): 5 + 6 + 8 + 6 = 25; leica 2, camera 2, "leica camera" 2
    r = out.loc["leica camera"]
    assert r["n"] == 2 and r["n_words"] == (2, 2)
    assert r["pmi"] == pytest.approx(math.log2(2 * 25 / (2 * 2)))
    # 2x2 over positions: x at i and y at i+1: a=2, b=n_y-a=0, c=n_x-a=0, d=25-2
    table = [[2, 0], [0, 23]]
    g, *_ = stats.chi2_contingency(table, correction=False, lambda_="log-likelihood")
    assert r["g2"] == pytest.approx(g)
    assert r["t"] == pytest.approx((2 - 2 * 2 / 25) / math.sqrt(2))
    assert "xiaomi 12" in out.index and "12 ultra" in out.index  # numbers are members


def test_collocations_stay_inside_sentences(toks):
    out = collocations.find(toks, min_count=1, stopwords=False)
    assert "kameras die" not in set(out["collocation"])  # sentence 0 ends after "Kameras"
    assert "ultra das" not in set(out["collocation"])


def test_stopwords_at_the_edges_drop_ngrams(toks):
    out = collocations.find(toks, min_count=1)
    assert not out["collocation"].str.match(r"^(die|der|das|und|auf|dem|mit) |.* (die|der|das|und|auf|dem|mit)$").any()
    tri = collocations.find(toks, size=3, min_count=2).set_index("collocation")
    assert set(tri.index) == {"leica camera ag", "xiaomi 12 ultra"}
    assert tri.loc["leica camera ag", "pmi"] == pytest.approx(math.log2(2 * 25**2 / (2 * 2 * 2)))
    assert tri["g2"].isna().all()


def test_by_group(toks):
    out = collocations.find(toks, by="outlet", min_count=2)
    assert set(out.loc[out["outlet"] == "a", "collocation"]) == {"leica camera", "camera ag"}
    assert set(out.loc[out["outlet"] == "b", "collocation"]) == {"xiaomi 12", "12 ultra"}


def test_hyphenated_terms(toks):
    h = collocations.hyphenated(toks, by="outlet")
    assert h["term"].tolist() == ["Leica-Punkt", "US-Restriktion"]
    assert h["parts"].tolist() == [("Leica", "Punkt"), ("US", "Restriktion")]
    assert h["head"].tolist() == ["Punkt", "Restriktion"]
    assert (h["outlet"] == "b").all()


def test_errors(toks):
    with pytest.raises(ValueError, match="at least 2"):
        collocations.find(toks, size=1)
    with pytest.raises(ValueError, match="pmi"):
        collocations.find(toks, sort="dice")
