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
    group = words[between].astype(str).to_numpy() if between else np.zeros(len(words), dtype=object)
    sh_key, sh_doc = key[pos], doc[pos]
    sh_group = pd.factorize(group[pos])[0] if between else np.zeros(len(pos), dtype=np.int64)
    # shingles in at least two documents (of two different groups, when `between` is set)
    keys, key_code = np.unique(sh_key, return_inverse=True)
    ndoc = _distinct_per_key(key_code, sh_doc, len(keys))
    shared = ndoc >= 2
    if between:
        shared &= _distinct_per_key(key_code, sh_group, len(keys)) >= 2
    boiler = shared & (ndoc > max_occurrences)
    out.attrs["skipped_shingles"] = int(boiler.sum())
    use = (shared & ~boiler)[key_code]
    pairs = _pairs(key_code[use], pos[use], sh_doc[use], group[pos[use]], bool(between))
    if pairs is None:
        return out
    ra, rb, da, db = pairs
    # merge consecutive shingles on the same diagonal into passages
    diag = ra - rb
    order = np.lexsort((ra, diag, db, da))
    ra, rb, da, db, diag = ra[order], rb[order], da[order], db[order], diag[order]
    same = (da[1:] == da[:-1]) & (db[1:] == db[:-1]) & (diag[1:] == diag[:-1]) & (ra[1:] == ra[:-1] + 1)
    first = np.flatnonzero(np.r_[True, ~same])  # the first shingle of each passage
    last = np.r_[first[1:], len(ra)] - 1
    row_a, row_b = ra[first], rb[first]
    n_words = ra[last] - row_a + n
    starts = words["start"].to_numpy()
    ends = words["end"].to_numpy()
    doc_ids = words["doc_id"].to_numpy()
    res = {
        "doc_a": doc_ids[row_a],
        "doc_b": doc_ids[row_b],
        "group_a": group[row_a],
        "group_b": group[row_b],
        "n_words": n_words,
        "start_a": starts[row_a],
        "end_a": ends[row_a + n_words - 1],
        "start_b": starts[row_b],
        "end_b": ends[row_b + n_words - 1],
    }
    res["text_a"] = _passage_text(toks, res["doc_a"], res["start_a"], res["end_a"])
    res["text_b"] = _passage_text(toks, res["doc_b"], res["start_b"], res["end_b"])
    # longest first, then by document and position (a stable sort, as sort_values(kind="stable"))
    doc_rank = pd.factorize(res["doc_a"], sort=True)[0]
    order = np.lexsort((res["start_a"], doc_rank, -res["n_words"]))
    result = pd.DataFrame({c: (np.asarray(v, dtype=object) if c.startswith("text") else v)[order] for c, v in res.items()})
    result.attrs["skipped_shingles"] = out.attrs["skipped_shingles"]
    result.attrs["n"] = n
    return result[_COLUMNS]


def _distinct_per_key(key_code: np.ndarray, values: np.ndarray, n_keys: int) -> np.ndarray:
    """How many distinct ``values`` each key (code ``0 .. n_keys - 1``) has."""
    if not len(key_code):
        return np.zeros(n_keys, dtype=np.int64)
    value_code = pd.factorize(values)[0].astype(np.int64)
    pairs = pd.unique(key_code.astype(np.int64) * (int(value_code.max()) + 1) + value_code)
    return np.bincount(pairs // (int(value_code.max()) + 1), minlength=n_keys)


def _pairs(
    key_code: np.ndarray, row: np.ndarray, doc: np.ndarray, group: np.ndarray, between: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """Every pair of shingle occurrences with the same key, ``doc_a < doc_b`` (and of different
    groups when ``between``): rows and documents of both sides, or ``None`` when there is none.

    The pairs a self-merge of the occurrences on the key gives (in another order; the
    passages are sorted afterwards)."""
    if not len(key_code):
        return None
    order = np.argsort(key_code, kind="stable")
    key_code, row, doc, group = key_code[order], row[order], doc[order], group[order]
    start = np.flatnonzero(np.r_[True, key_code[1:] != key_code[:-1]])
    size = np.diff(np.r_[start, len(key_code)])
    per_row = np.repeat(size, size)  # each occurrence pairs with every occurrence of its key
    block = np.repeat(start, size)
    a = np.repeat(np.arange(len(key_code)), per_row)
    b = np.repeat(block, per_row) + (np.arange(int(per_row.sum())) - np.repeat(np.cumsum(per_row) - per_row, per_row))
    keep = doc[a] < doc[b]
    if between:
        keep &= group[a] != group[b]
    a, b = a[keep], b[keep]
    if not len(a):
        return None
    return row[a], row[b], doc[a], doc[b]


def _passage_text(toks: pd.DataFrame, docs, starts, ends) -> list[str]:
    """The passage as written: its tokens, punctuation included, spaced as in the text."""
    out = []
    if not len(docs):
        return out
    codes, uniques = pd.factorize(toks["doc_id"])
    order = np.argsort(codes, kind="stable")  # each document's rows in table order
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    where = {d: i for i, d in enumerate(uniques)}
    token = toks["token"].to_numpy()
    tok_start = toks["start"].to_numpy()
    tok_end = toks["end"].to_numpy()
    for d, s, e in zip(docs, starts, ends):
        i = where[d]
        rows = order[bounds[i] : bounds[i + 1]]
        rows = rows[(tok_start[rows] >= s) & (tok_end[rows] <= e)]
        text, prev_end = "", None
        for tok, ts, te in zip(token[rows], tok_start[rows].tolist(), tok_end[rows].tolist()):
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
