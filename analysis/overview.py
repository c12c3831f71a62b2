"""What is in a corpus: tidy summary tables for the corpus overview (notebook 01).

Each function takes the tables of :mod:`analysis.corpus` (articles, sentences)
and returns one tidy table; :mod:`analysis.plot.corpus` draws them.

* :func:`outlets` – one row per outlet: articles, sentences, words, dates, removals.
* :func:`parts` – words, sentences and paragraphs by outlet and part of the article.
* :func:`sentence_lengths` – words per sentence, one row per sentence.
* :func:`removals` – what cleaning removed, one row per removed paragraph, with its outlet.
* :func:`actor_shares` – how many sentences of each outlet mention each actor.

A *word* is a token of kind ``word`` or ``number`` in the shared tokenisation
(:func:`analysis.tokens.tokenize`); punctuation, URLs and symbols are not words.
"""
from __future__ import annotations

import pandas as pd

from . import cleaning, corpus, tokens

#: Word-like token kinds counted as words.
WORD_KINDS = ("word", "number")
#: Columns of :func:`outlets`.
OUTLET_COLUMNS = [
    "outlet", "outlet_name", "articles", "sentences", "words", "words_per_article", "words_per_sentence",
    "first_date", "last_date", "removed_paragraphs", "removed_characters",
]
#: Columns of :func:`parts`.
PART_COLUMNS = ["outlet", "part", "paragraphs", "sentences", "words"]
#: Columns of :func:`removals`.
REMOVAL_COLUMNS = ["outlet", "doc_id", "source", "raw_paragraph", "rule", "reason", "text", "characters"]
#: Columns of :func:`actor_shares`.
ACTOR_COLUMNS = ["outlet", "actor", "mentions", "sentences", "outlet_sentences", "share"]


def _need(data: pd.DataFrame, columns, what: str) -> None:
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise KeyError(f"{what} needs the column(s) {missing}; available: {list(data.columns)}")


def _words_per_sentence(sentences: pd.DataFrame) -> pd.Series:
    toks = tokens.tokenize(sentences)
    toks = toks[toks["kind"].isin(WORD_KINDS)]
    counts = toks.groupby(["doc_id", "sentence_id"]).size()
    keys = pd.MultiIndex.from_frame(sentences[["doc_id", "sentence_id"]])
    return pd.Series(counts.reindex(keys, fill_value=0).to_numpy(), index=sentences.index, name="words")


def sentence_lengths(sentences: pd.DataFrame) -> pd.DataFrame:
    """Words per sentence.

    Parameters
    ----------
    sentences
        The table from :func:`analysis.corpus.sentences`.

    Returns
    -------
    pandas.DataFrame
        ``doc_id, outlet, part, sentence_id, words``, one row per sentence.
    """
    _need(sentences, ["doc_id", "outlet", "part", "sentence_id", "text"], "sentence_lengths()")
    out = sentences[["doc_id", "outlet", "part", "sentence_id"]].copy()
    out["words"] = _words_per_sentence(sentences).astype(int)
    return out.reset_index(drop=True)


def parts(articles: pd.DataFrame, *, sentences: pd.DataFrame | None = None) -> pd.DataFrame:
    """Paragraphs, sentences and words by outlet and part of the article.

    Parameters
    ----------
    articles
        The table from :func:`analysis.corpus.load`.
    sentences
        Its sentences (computed when not given).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PART_COLUMNS`; parts in reading order
        (:data:`analysis.cleaning.PARTS`), only those that occur.
    """
    _need(articles, ["doc_id", "outlet", "text"], "parts()")
    paras = corpus.paragraphs(articles)
    sents = corpus.sentences(articles) if sentences is None else sentences
    lengths = sentence_lengths(sents)
    table = (
        paras.groupby(["outlet", "part"]).size().rename("paragraphs").to_frame()
        .join(lengths.groupby(["outlet", "part"]).agg(sentences=("words", "size"), words=("words", "sum")), how="left")
        .fillna(0).astype(int).reset_index()
    )
    order = {p: i for i, p in enumerate(cleaning.PARTS)}
    table["_order"] = table["part"].map(order).fillna(len(order))
    return table.sort_values(["outlet", "_order"]).drop(columns="_order").reset_index(drop=True)[PART_COLUMNS]


def removals(articles: pd.DataFrame) -> pd.DataFrame:
    """What cleaning removed, one row per removed paragraph, with its outlet.

    Parameters
    ----------
    articles
        The table from :func:`analysis.corpus.load` (reads ``attrs["removed"]``).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`REMOVAL_COLUMNS`; ``rule`` names the cleaning rule of
        :mod:`analysis.cleaning`, ``reason`` says why in words.
    """
    removed = corpus.removed(articles)
    outlets_by_doc = dict(zip(articles["doc_id"], articles["outlet"]))
    out = removed.copy()
    out["outlet"] = out["doc_id"].map(outlets_by_doc)
    out["characters"] = out["text"].astype(str).str.len()
    return out.reindex(columns=REMOVAL_COLUMNS).reset_index(drop=True)


def outlets(articles: pd.DataFrame, *, sentences: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per outlet: how much text, from when, and how much cleaning removed.

    Parameters
    ----------
    articles
        The table from :func:`analysis.corpus.load`.
    sentences
        Its sentences (computed when not given).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`OUTLET_COLUMNS`, sorted by outlet. ``words_per_article``
        and ``words_per_sentence`` are medians; ``words`` and ``sentences``
        count every part, ``words_per_sentence`` only the running text
        (captions, often lists of names, left out). Dates are the ISO strings
        of the corpus (possibly partial, e.g. ``"2022-05"``).
    """
    _need(articles, ["doc_id", "outlet", "text"], "outlets()")
    sents = corpus.sentences(articles) if sentences is None else sentences
    lengths = sentence_lengths(sents)
    per_doc = lengths.groupby("doc_id")["words"].sum().reindex(articles["doc_id"], fill_value=0)
    frame = articles[["doc_id", "outlet"]].copy()
    frame["outlet_name"] = articles["outlet_name"] if "outlet_name" in articles else articles["outlet"]
    frame["words"] = per_doc.to_numpy()
    frame["date"] = articles["date"].astype(str) if "date" in articles else ""
    removed = removals(articles)
    rows = []
    for outlet, group in frame.groupby("outlet", sort=True):
        dates = sorted(d for d in group["date"] if d.strip())
        gone = removed[removed["outlet"] == outlet]
        own = lengths[lengths["outlet"] == outlet]
        prose = own[own["part"].isin(cleaning.TEXT_PARTS)]
        rows.append({
            "outlet": outlet,
            "outlet_name": group["outlet_name"].iloc[0],
            "articles": len(group),
            "sentences": len(own),
            "words": int(group["words"].sum()),
            "words_per_article": float(group["words"].median()),
            "words_per_sentence": float(prose["words"].median()) if len(prose) else float("nan"),
            "first_date": dates[0] if dates else "",
            "last_date": dates[-1] if dates else "",
            "removed_paragraphs": len(gone),
            "removed_characters": int(gone["characters"].sum()),
        })
    return pd.DataFrame(rows, columns=OUTLET_COLUMNS)


def actor_shares(sentences: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """How many sentences of each outlet mention each actor.

    A sentence that names an actor twice counts once in ``sentences`` and
    twice in ``mentions``; ``share`` is ``sentences / outlet_sentences``, so
    outlets with longer articles are comparable.

    Parameters
    ----------
    sentences
        The table from :func:`analysis.corpus.sentences` (the denominator).
    mentions
        The table from :func:`analysis.actors.mentions` for those sentences.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ACTOR_COLUMNS`, one row per outlet and actor mentioned
        (actors never mentioned by an outlet have a row with zeros when another
        outlet mentions them); sorted by overall mentions, then actor and outlet.
    """
    _need(sentences, ["doc_id", "outlet", "sentence_id"], "actor_shares()")
    _need(mentions, ["doc_id", "sentence_id", "actor"], "actor_shares()")
    totals = sentences.groupby("outlet").size().rename("outlet_sentences")
    keyed = mentions.merge(sentences[["doc_id", "sentence_id", "outlet"]], on=["doc_id", "sentence_id"], how="inner")
    if keyed.empty:
        return pd.DataFrame(columns=ACTOR_COLUMNS)
    counts = pd.concat(
        {
            "mentions": keyed.groupby(["outlet", "actor"]).size(),
            "sentences": keyed.drop_duplicates(["doc_id", "sentence_id", "actor"]).groupby(["outlet", "actor"]).size(),
        },
        axis=1,
    )
    full = pd.MultiIndex.from_product([totals.index, sorted(keyed["actor"].unique())], names=["outlet", "actor"])
    table = counts.reindex(full, fill_value=0).reset_index().merge(totals.reset_index(), on="outlet")
    table["share"] = table["sentences"] / table["outlet_sentences"]
    overall = table.groupby("actor")["mentions"].sum()
    table["_total"] = table["actor"].map(overall)
    table = table.sort_values(["_total", "actor", "outlet"], ascending=[False, True, True]).drop(columns="_total")
    return table.reset_index(drop=True)[ACTOR_COLUMNS].astype(
        {"mentions": int, "sentences": int, "outlet_sentences": int}
    )


__all__ = ["sentence_lengths", "parts", "removals", "outlets", "actor_shares"]
