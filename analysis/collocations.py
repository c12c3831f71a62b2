"""Collocations and multi-word terms: word sequences that occur together more often than chance.

Two kinds of multi-word term matter in German news:

* **hyphenated compounds** written as one token (``Leica-Punkt``,
  ``Flagship-Smartphone``, ``US-Restriktionen``): :func:`hyphenated` lists them
  with their parts;
* **collocations** of separate words (``Leica Camera AG``, ``auf den Markt
  kommen``): :func:`find` counts every n-gram inside a sentence and scores it.

Scores for bigrams ``x y`` among ``N`` word positions, with ``n_xy`` the bigram
count and ``n_x``, ``n_y`` the word counts:

* ``pmi``: pointwise mutual information ``log2(n_xy N / (n_x n_y))`` (Church &
  Hanks 1990); for longer n-grams the same with the product of all word counts
  and ``N^(k-1)``;
* ``g2``: Dunning's (1993) log-likelihood on the 2×2 table of "position holds
  ``x``" × "next position holds ``y``" (four cells; bigrams only);
* ``t``: the t-score ``(n_xy − n_x n_y / N) / sqrt(n_xy)`` (Church et al. 1991; bigrams only).

All are computed with array operations on the tokens table, so they scale to
large corpora. Each collocation can be shown in context with
``terms.kwic(data, "Leica Camera AG")``.

References
----------
Church, K. W., & Hanks, P. (1990). Word association norms, mutual information,
and lexicography. *Computational Linguistics*, 16(1), 22–29.

Church, K., Gale, W., Hanks, P., & Hindle, D. (1991). Using statistics in
lexical analysis. In U. Zernik (Ed.), *Lexical Acquisition* (pp. 115–164). Erlbaum.

Dunning, T. (1993). Accurate methods for the statistics of surprise and
coincidence. *Computational Linguistics*, 19(1), 61–74.

Evert, S. (2008). Corpora and collocations. In A. Lüdeling & M. Kytö (Eds.),
*Corpus Linguistics. An International Handbook* (Vol. 2, pp. 1212–1248). de Gruyter.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from . import keyness as _keyness
from . import terms as _terms

__all__ = ["find", "hyphenated"]

_MEMBER_KINDS = ("word", "number")


def find(
    data: pd.DataFrame,
    *,
    size: int = 2,
    by: str | Sequence[str] | None = None,
    min_count: int = 2,
    unit: str = "lower",
    stopwords: bool | str | Path | Iterable[str] = True,
    sort: str = "g2",
) -> pd.DataFrame:
    """Collocations: n-grams of adjacent words within a sentence, with association scores.

    Parameters
    ----------
    data
        Tokens, sentences or articles.
    size
        Words per n-gram (2 = bigrams).
    by
        Optional grouping column(s): scores computed within each group.
    min_count
        Keep n-grams occurring at least this often (in the group).
    unit
        ``"lower"`` (default), ``"token"`` or ``"lemma"``: the word form the n-grams are made of.
    stopwords
        Drop n-grams that start or end with a stopword (``"auf den"``), so what
        remains looks like a term; inner stopwords stay (``"Head of Development"``).
        ``False`` keeps all. Same choices as :func:`analysis.terms.annotate`.
    sort
        Column to sort by within each group (descending): ``"g2"``, ``"pmi"``, ``"t"`` or ``"n"``.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, ``collocation`` (words joined by spaces), ``n``,
        ``n_words`` (the word counts, a tuple), ``pmi``, ``g2``, ``t`` (NaN for
        n-grams longer than two), ``example_doc`` and ``example_sentence`` (where it first occurs).
    """
    if size < 2:
        raise ValueError(f"size={size}: a collocation has at least 2 words")
    _terms._check_choice("sort", sort, ("g2", "pmi", "t", "n"))
    _terms._check_choice("unit", unit, _terms.UNITS)
    by = _terms._as_list(by)
    toks = _terms.as_tokens(data, by=by or None)
    ann = _terms._annotated(toks, "lower", False) if unit != "lemma" else _terms._annotated(toks, "lemma", False)
    ann = ann.reset_index(drop=True)
    words = {"lower": ann["lower"], "token": ann["token"], "lemma": ann["lemma"].fillna(ann["lower"])}[unit]
    words = words.astype(str).to_numpy(dtype=object)
    stop = _terms._resolve_stopwords(stopwords)
    is_stop = pd.Series(ann["lower"]).isin(stop).to_numpy() if stop else np.zeros(len(ann), dtype=bool)
    frames = []
    groups = [((), np.ones(len(ann), dtype=bool))] if not by else [
        ((k,) if not isinstance(k, tuple) else k, ann.index.isin(idx)) for k, idx in ann.groupby(by, sort=True).groups.items()
    ]
    for key, sel in groups:
        frame = _find_in(ann[sel].reset_index(drop=True), words[sel], is_stop[sel], size, min_count)
        for col, val in zip(by, key):
            frame.insert(0, col, val)
        frames.append(frame.sort_values([sort, "collocation"], ascending=[False, True], kind="stable"))
    cols = [*by, "collocation", "n", "n_words", "pmi", "g2", "t", "example_doc", "example_sentence"]
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)
    return out[[c for c in cols if c in out.columns]]


def _find_in(ann: pd.DataFrame, words: np.ndarray, is_stop: np.ndarray, size: int, min_count: int) -> pd.DataFrame:
    n = len(ann)
    member = np.isin(ann["kind"].to_numpy(), _MEMBER_KINDS)
    code, uniques = pd.factorize(pd.Series(words, dtype=object))
    code = code.astype(np.int64)
    unigram = np.bincount(code[member], minlength=len(uniques))
    total = int(member.sum())
    doc = pd.factorize(ann["doc_id"])[0].astype(np.int64)
    sent = doc * (int(ann["sentence_id"].max()) + 1 if n else 1) + ann["sentence_id"].to_numpy(dtype=np.int64)
    m = n - size + 1
    if m <= 0:
        return pd.DataFrame(columns=["collocation", "n", "n_words", "pmi", "g2", "t", "example_doc", "example_sentence"])
    ok = member[:m].copy()
    key = code[:m].copy()
    for k in range(1, size):
        ok &= member[k : k + m] & (sent[k : k + m] == sent[:m])
        key = pd.factorize(key * len(uniques) + code[k : k + m])[0].astype(np.int64)
    ok &= ~is_stop[:m] & ~is_stop[size - 1 : size - 1 + m]
    pos = np.flatnonzero(ok)
    if len(pos) == 0:
        return pd.DataFrame(columns=["collocation", "n", "n_words", "pmi", "g2", "t", "example_doc", "example_sentence"])
    keys = key[pos]
    uk, first_idx, counts = np.unique(keys, return_index=True, return_counts=True)
    keep = counts >= min_count
    first = pos[first_idx[keep]]
    counts = counts[keep]
    word_codes = np.stack([code[first + k] for k in range(size)], axis=1)
    word_counts = unigram[word_codes].astype(float)
    pmi = np.log2(counts * float(total) ** (size - 1) / word_counts.prod(axis=1))
    if size == 2:
        a = counts.astype(float)
        nx, ny = word_counts[:, 0], word_counts[:, 1]
        # 2x2 table over positions: x at i (row) vs y at i+1 (column)
        g2 = _keyness.g2(a, ny - a, nx, total - nx)
        g2 = np.sign(a - nx * ny / total) * g2
        t = (a - nx * ny / total) / np.sqrt(a)
    else:
        g2 = np.full(len(counts), np.nan)
        t = np.full(len(counts), np.nan)
    label = [" ".join(str(uniques[c]) for c in row) for row in word_codes]
    return pd.DataFrame(
        {
            "collocation": label,
            "n": counts.astype(int),
            "n_words": [tuple(int(x) for x in row) for row in word_counts],
            "pmi": pmi,
            "g2": g2,
            "t": t,
            "example_doc": ann["doc_id"].to_numpy()[first],
            "example_sentence": ann["sentence_id"].to_numpy()[first],
        }
    )


def hyphenated(
    data: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = "outlet",
    min_count: int = 1,
    unit: str = "lemma",
) -> pd.DataFrame:
    """Hyphenated multi-word terms (``Leica-Punkt``, ``US-Restriktionen``) with counts and parts.

    Parameters
    ----------
    data
        Tokens, sentences or articles.
    by
        Grouping column(s), or ``None`` for the whole corpus.
    min_count
        Keep terms occurring at least this often in a group.
    unit
        ``"lemma"`` (``US-Restriktionen`` → ``US-Restriktion``), ``"lower"`` or ``"token"``.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, ``term``, ``n``, ``parts`` (tuple of the hyphen-separated
        parts), ``head`` (the last part, which carries the meaning in German:
        a ``Leica-Kamera`` is a ``Kamera``), sorted by group, descending ``n``, term.
    """
    by = _terms._as_list(by)
    toks = _terms.as_tokens(data, by=by or None)
    ann = _terms._annotated(toks, unit, False)
    rows = ann[(ann["kind"] == "word") & ann["token"].str.contains("-", regex=False)]
    rows = rows[rows["term"].notna()]
    key = [*by, "term"]
    out = rows.groupby(key, sort=False).size().rename("n").reset_index() if len(rows) else pd.DataFrame(columns=[*key, "n"])
    out = out[out["n"] >= min_count]
    out["parts"] = out["term"].astype(str).str.split("-").map(lambda p: tuple(x for x in p if x))
    out["head"] = out["parts"].map(lambda p: p[-1] if p else "")
    out = out.sort_values([*by, "n", "term"], ascending=[True] * len(by) + [False, True], kind="stable")
    return out.reset_index(drop=True)[[*by, "term", "n", "parts", "head"]]
