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


# ---------------------------------------------------------------------------------------------
# the NumPy computation, checked against the pandas one it replaced, on the seed articles and 10kGNAD


def _shared_passages_pandas(data, *, n=5, between="outlet", max_occurrences=50):
    """reuse.shared_passages() as it was computed with pandas (groupby, merge, sort_values)."""
    import numpy as np

    from analysis import terms

    toks = terms.as_tokens(data, by=between)
    words = toks[toks["kind"].isin(["word", "number"])].reset_index(drop=True)
    out = pd.DataFrame(columns=reuse._COLUMNS)
    out.attrs["skipped_shingles"] = 0
    if len(words) < n:
        return out
    doc = pd.factorize(words["doc_id"])[0].astype(np.int64)
    if (np.diff(doc) != 0).sum() + 1 != doc.max() + 1:
        order = np.argsort(doc, kind="stable")
        words = words.iloc[order].reset_index(drop=True)
        doc = doc[order]
    code, uniq = pd.factorize(words["lower"].astype(str))
    code = code.astype(np.int64)
    m = len(words) - n + 1
    ok = doc[n - 1 :] == doc[:m]
    key = code[:m].copy()
    for k in range(1, n):
        key = pd.factorize(key * len(uniq) + code[k : k + m])[0].astype(np.int64)
    pos = np.flatnonzero(ok)
    sh = pd.DataFrame({"key": key[pos], "row": pos, "doc": doc[pos]})
    group = words[between].astype(str).to_numpy() if between else np.zeros(len(words), dtype=object)
    sh["group"] = group[pos]
    ndoc = sh.groupby("key")["doc"].nunique()
    shared = ndoc[ndoc >= 2]
    if between:
        ngroup = sh[sh["key"].isin(shared.index)].groupby("key")["group"].nunique()
        shared = shared[ngroup.reindex(shared.index).to_numpy() >= 2]
    boiler = shared[shared > max_occurrences]
    out.attrs["skipped_shingles"] = int(len(boiler))
    sh = sh[sh["key"].isin(shared.index.difference(boiler.index))]
    if sh.empty:
        return out
    pairs = sh.merge(sh, on="key", suffixes=("_a", "_b"))
    pairs = pairs[pairs["doc_a"] < pairs["doc_b"]]
    if between:
        pairs = pairs[pairs["group_a"] != pairs["group_b"]]
    if pairs.empty:
        return out
    pairs = pairs.assign(diag=pairs["row_a"] - pairs["row_b"]).sort_values(["doc_a", "doc_b", "diag", "row_a"])
    ra = pairs["row_a"].to_numpy()
    same = (
        (pairs["doc_a"].to_numpy()[1:] == pairs["doc_a"].to_numpy()[:-1])
        & (pairs["doc_b"].to_numpy()[1:] == pairs["doc_b"].to_numpy()[:-1])
        & (pairs["diag"].to_numpy()[1:] == pairs["diag"].to_numpy()[:-1])
        & (ra[1:] == ra[:-1] + 1)
    )
    pairs["run"] = np.cumsum(np.r_[True, ~same])
    agg = pairs.groupby("run").agg(
        row_a=("row_a", "min"), last_a=("row_a", "max"), row_b=("row_b", "min"), doc_a=("doc_a", "first"), doc_b=("doc_b", "first")
    )
    agg["n_words"] = agg["last_a"] - agg["row_a"] + n
    end_a = agg["row_a"] + agg["n_words"] - 1
    end_b = agg["row_b"] + agg["n_words"] - 1
    starts, ends, doc_ids = words["start"].to_numpy(), words["end"].to_numpy(), words["doc_id"].to_numpy()
    res = pd.DataFrame({
        "doc_a": doc_ids[agg["row_a"].to_numpy()], "doc_b": doc_ids[agg["row_b"].to_numpy()],
        "group_a": group[agg["row_a"].to_numpy()], "group_b": group[agg["row_b"].to_numpy()],
        "n_words": agg["n_words"].to_numpy(), "start_a": starts[agg["row_a"].to_numpy()], "end_a": ends[end_a.to_numpy()],
        "start_b": starts[agg["row_b"].to_numpy()], "end_b": ends[end_b.to_numpy()],
    })

    def text(docs, s_, e_):
        by_doc = {d: g for d, g in toks.groupby("doc_id", sort=False)} if len(docs) else {}
        got = []
        for d, s, e in zip(docs, s_, e_):
            g = by_doc[d]
            sel = g[(g["start"] >= s) & (g["end"] <= e)]
            t, prev_end = "", None
            for tok, ts, te in zip(sel["token"], sel["start"], sel["end"]):
                t += ("" if prev_end is None or ts == prev_end else " ") + str(tok)
                prev_end = te
            got.append(t)
        return got

    res["text_a"] = text(res["doc_a"], res["start_a"], res["end_a"])
    res["text_b"] = text(res["doc_b"], res["start_b"], res["end_b"])
    res = res.sort_values(["n_words", "doc_a", "start_a"], ascending=[False, True, True], kind="stable").reset_index(drop=True)
    res.attrs["skipped_shingles"] = out.attrs["skipped_shingles"]
    res.attrs["n"] = n
    return res[reuse._COLUMNS]


def _assert_same(got, want):
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert list(got.dtypes) == list(want.dtypes) and got.attrs == want.attrs
    for col in got.columns:
        if got[col].dtype == object:
            assert [type(v) for v in got[col]] == [type(v) for v in want[col]], col


def test_shared_passages_equal_the_pandas_computation(shared_data):
    from analysis import corpus, paths

    seeds = tokens.tokenize(corpus.sentences(corpus.load(paths.SEEDS)))
    arts = corpus.load(shared_data / "10kgnad" / "articles_test.tsv", outlet="category").head(300)
    gnad = tokens.tokenize(corpus.sentences(arts))
    shuffled = gnad.sample(frac=1.0, random_state=3).sort_values(["sentence_id", "token_id"], kind="stable")  # documents not contiguous
    cases = [(_tokens(), {"n": n, "between": b}) for n in (2, 3, 5) for b in ("outlet", None)]
    cases += [(seeds, {"n": n, "between": b}) for n in (3, 5, 8) for b in ("outlet", None)]
    cases += [(gnad, {"n": 5, "between": "outlet"}), (gnad, {"n": 4, "between": None, "max_occurrences": 3}),
              (gnad, {"n": 6, "between": None}), (shuffled, {"n": 5, "between": "outlet"}),
              (gnad.head(3), {"n": 5}), (_tokens(), {"n": 3, "max_occurrences": 1})]
    found = 0
    for data, kw in cases:
        got = reuse.shared_passages(data, **kw)
        _assert_same(got, _shared_passages_pandas(data, **kw))
        found += len(got)
    assert found > 100
