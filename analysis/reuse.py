"""Text reuse: passages of at least ``n`` words that two articles share (e.g. press-release wording).

Every article is reduced to its sequence of words (lower case; punctuation and
line breaks ignored, so a shared passage may run across sentences). Each run of
``n`` consecutive words (a "shingle") is hashed; shingles found in two articles
of different groups are matched, and overlapping matches on the same diagonal
are merged into maximal passages — the greedy string tiling idea of Wise (1993)
on word n-grams, as used in news-reuse studies (Clough et al. 2002). The work is
array operations on the tokens table; only the (few) passages are assembled in Python.

References
----------
Wise, M. J. (1993). String similarity via greedy string tiling and running
Karp-Rabin matching. Technical report, University of Sydney.

Clough, P., Gaizauskas, R., Piao, S. S. L., & Wilks, Y. (2002). METER: MEasuring
TExt Reuse. *Proceedings of ACL 2002*, 152–159.
"""
from __future__ import annotations

import html

import numpy as np
import pandas as pd

from . import terms as _terms

__all__ = ["shared_passages", "highlight"]

_COLUMNS = [
    "doc_a",
    "doc_b",
    "group_a",
    "group_b",
    "n_words",
    "start_a",
    "end_a",
    "start_b",
    "end_b",
    "text_a",
    "text_b",
]


def shared_passages(
    data: pd.DataFrame,
    *,
    n: int = 5,
    between: str | None = "outlet",
    max_occurrences: int = 50,
) -> pd.DataFrame:
    """Passages of at least ``n`` consecutive words that two documents share.

    Parameters
    ----------
    data
        Tokens, sentences or articles.
    n
        Minimum passage length in words (numbers count as words).
    between
        Only pairs of documents whose value in this column differs (default:
        different outlets). ``None``: any two documents.
    max_occurrences
        Shingles found in more documents than this are boilerplate (a site's
        footer) and are not paired; how many were left out is in
        ``attrs["skipped_shingles"]``.

    Returns
    -------
    pandas.DataFrame
        One row per passage: ``doc_a``, ``doc_b`` (``doc_a`` first in data order),
        ``group_a``, ``group_b``, ``n_words``, ``start_a``, ``end_a``,
        ``start_b``, ``end_b`` (character offsets into the article texts),
        ``text_a``, ``text_b`` (the passage as written in each). Sorted by
        descending ``n_words``.
    """
    if n < 2:
        raise ValueError(f"n={n}: a shared passage needs at least 2 words")
    toks = _terms.as_tokens(data, by=between)
    words = toks[toks["kind"].isin(["word", "number"])].reset_index(drop=True)
    out = pd.DataFrame(columns=_COLUMNS)
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
    # shingles present in at least two documents (of two different groups, when `between` is set)
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
    # merge consecutive shingles on the same diagonal into passages
    pairs = pairs.assign(diag=pairs["row_a"] - pairs["row_b"]).sort_values(["doc_a", "doc_b", "diag", "row_a"])
    ra = pairs["row_a"].to_numpy()
    same = (
        (pairs["doc_a"].to_numpy()[1:] == pairs["doc_a"].to_numpy()[:-1])
        & (pairs["doc_b"].to_numpy()[1:] == pairs["doc_b"].to_numpy()[:-1])
        & (pairs["diag"].to_numpy()[1:] == pairs["diag"].to_numpy()[:-1])
        & (ra[1:] == ra[:-1] + 1)
    )
    run = np.cumsum(np.r_[True, ~same])
    pairs["run"] = run
    agg = pairs.groupby("run").agg(
        row_a=("row_a", "min"), last_a=("row_a", "max"), row_b=("row_b", "min"), doc_a=("doc_a", "first"), doc_b=("doc_b", "first")
    )
    agg["n_words"] = agg["last_a"] - agg["row_a"] + n
    end_a = agg["row_a"] + agg["n_words"] - 1
    end_b = agg["row_b"] + agg["n_words"] - 1
    starts = words["start"].to_numpy()
    ends = words["end"].to_numpy()
    doc_ids = words["doc_id"].to_numpy()
    res = pd.DataFrame(
        {
            "doc_a": doc_ids[agg["row_a"].to_numpy()],
            "doc_b": doc_ids[agg["row_b"].to_numpy()],
            "group_a": group[agg["row_a"].to_numpy()],
            "group_b": group[agg["row_b"].to_numpy()],
            "n_words": agg["n_words"].to_numpy(),
            "start_a": starts[agg["row_a"].to_numpy()],
            "end_a": ends[end_a.to_numpy()],
            "start_b": starts[agg["row_b"].to_numpy()],
            "end_b": ends[end_b.to_numpy()],
        }
    )
    res["text_a"] = _passage_text(toks, res["doc_a"], res["start_a"], res["end_a"])
    res["text_b"] = _passage_text(toks, res["doc_b"], res["start_b"], res["end_b"])
    res = res.sort_values(["n_words", "doc_a", "start_a"], ascending=[False, True, True], kind="stable").reset_index(drop=True)
    res.attrs["skipped_shingles"] = out.attrs["skipped_shingles"]
    res.attrs["n"] = n
    return res[_COLUMNS]


def _passage_text(toks: pd.DataFrame, docs, starts, ends) -> list[str]:
    """The passage as written: its tokens, punctuation included, spaced as in the text."""
    out = []
    by_doc = {d: g for d, g in toks.groupby("doc_id", sort=False)} if len(docs) else {}
    for d, s, e in zip(docs, starts, ends):
        g = by_doc[d]
        sel = g[(g["start"] >= s) & (g["end"] <= e)]
        text, prev_end = "", None
        for tok, ts, te in zip(sel["token"], sel["start"], sel["end"]):
            text += ("" if prev_end is None or ts == prev_end else " ") + str(tok)
            prev_end = te
        out.append(text)
    return out


def highlight(articles: pd.DataFrame, passages: pd.DataFrame, doc_id: str, *, format: str = "text", context: int | None = None) -> str:
    """One article's text with the passages it shares marked.

    Parameters
    ----------
    articles
        The articles table (``doc_id``, ``text``); offsets in ``passages`` point into ``text``.
    passages
        The output of :func:`shared_passages`.
    doc_id
        The article to show.
    format
        ``"text"``: passages wrapped in ``[[`` and ``]]``; ``"html"``: in ``<mark>``
        (escaped, line breaks as ``<br>``), for ``IPython.display.HTML``.
    context
        Show only the marked passages with this many characters around each
        (joined by ``…``); ``None`` shows the whole article.

    Returns
    -------
    str
    """
    _terms._check_choice("format", format, ("text", "html"))
    if "doc_id" not in articles.columns or "text" not in articles.columns:
        raise KeyError(f"highlight(): articles need columns doc_id and text; available: {list(articles.columns)}")
    match = articles.loc[articles["doc_id"].astype(str) == str(doc_id), "text"]
    if match.empty:
        raise ValueError(f"highlight(): doc_id {doc_id!r} not in the articles; known: {articles['doc_id'].astype(str).tolist()[:10]}")
    text = str(match.iat[0])
    spans = []
    for side in ("a", "b"):
        sel = passages[passages[f"doc_{side}"].astype(str) == str(doc_id)]
        spans += list(zip(sel[f"start_{side}"].astype(int), sel[f"end_{side}"].astype(int)))
    spans = sorted(set(spans))
    merged: list[list[int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    open_, close = ("<mark>", "</mark>") if format == "html" else ("[[", "]]")
    esc = html.escape if format == "html" else (lambda x: x)
    pieces, cursor = [], 0
    for s, e in merged:
        before = text[cursor:s]
        if context is not None:
            if cursor == 0:
                before = "…" + before[-context:] if len(before) > context else before
            elif len(before) > 2 * context:
                before = before[:context] + " … " + before[-context:]
        pieces.append(esc(before) + open_ + esc(text[s:e]) + close)
        cursor = e
    tail = text[cursor:]
    if context is not None and len(tail) > context:
        tail = tail[:context] + "…"
    pieces.append(esc(tail))
    result = "".join(pieces)
    return result.replace("\n", "<br>") if format == "html" else result
