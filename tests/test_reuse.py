"""Shared passages between articles of different outlets, with offsets and highlighting."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis import reuse, tokens

A = "Xiaomi meldet heute: Das erste Smartphone soll im Juli auf den Markt kommen. Sonst nichts."
B = "Laut Mitteilung soll das Gerät schon im Juli auf den Markt kommen, sagt Xiaomi heute."
C = "Ganz anders: im Juli auf den Markt kommen."


def _articles():
    return pd.DataFrame({"doc_id": ["a1", "b1", "a2"], "outlet": ["x", "y", "x"], "text": [A, B, C]})


def _tokens():
    arts = _articles()
    sents = arts.assign(sentence_id=0, part="body", start=0)
    return tokens.tokenize(sents[["doc_id", "outlet", "part", "sentence_id", "text", "start"]])


def test_finds_the_shared_passage_with_offsets():
    p = reuse.shared_passages(_tokens(), n=5)
    # a1-b1 and b1-a2 share "im Juli auf den Markt kommen" (6 words); a1-a2 are the same outlet
    assert len(p) == 2
    assert set(zip(p["doc_a"], p["doc_b"])) == {("a1", "b1"), ("b1", "a2")}
    assert (p["n_words"] == 6).all()
    first = p[p["doc_a"] == "a1"].iloc[0]
    assert A[first.start_a : first.end_a] == "im Juli auf den Markt kommen"
    assert B[first.start_b : first.end_b] == "im Juli auf den Markt kommen"
    assert first.text_a == "im Juli auf den Markt kommen"


def test_n_and_between():
    assert reuse.shared_passages(_tokens(), n=7).empty
    anyone = reuse.shared_passages(_tokens(), n=5, between=None)
    assert ("a1", "a2") in set(zip(anyone["doc_a"], anyone["doc_b"]))
    with pytest.raises(ValueError, match="at least 2"):
        reuse.shared_passages(_tokens(), n=1)


def test_punctuation_and_case_do_not_break_a_passage():
    arts = pd.DataFrame({"doc_id": ["p", "q"], "outlet": ["x", "y"], "text": ["Eins, zwei, drei vier fünf.", "eins zwei drei, vier fünf"]})
    t = tokens.tokenize(arts.assign(sentence_id=0, part="body"))
    p = reuse.shared_passages(t, n=5)
    assert p["n_words"].tolist() == [5]
    assert p["text_a"].iat[0] == "Eins, zwei, drei vier fünf"


def test_boilerplate_is_counted_not_hidden():
    arts = pd.DataFrame({"doc_id": list("pqr"), "outlet": list("xyz"), "text": ["alle sagen das gleiche hier"] * 3})
    t = tokens.tokenize(arts.assign(sentence_id=0, part="body"))
    p = reuse.shared_passages(t, n=5, max_occurrences=2)
    assert p.empty and p.attrs["skipped_shingles"] == 1


def test_highlight():
    p = reuse.shared_passages(_tokens(), n=5)
    text = reuse.highlight(_articles(), p, "b1")
    assert "[[im Juli auf den Markt kommen]]" in text
    assert text.replace("[[", "").replace("]]", "") == B
    html = reuse.highlight(_articles(), p, "a1", format="html")
    assert "<mark>im Juli auf den Markt kommen</mark>" in html
    short = reuse.highlight(_articles(), p, "a1", context=10)
    assert short.startswith("…") and "[[im Juli" in short
    with pytest.raises(ValueError, match="known"):
        reuse.highlight(_articles(), p, "zz")
