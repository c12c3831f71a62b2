"""Sentence sentiment with several methods, evidence, aggregation, tone towards actors and agreement.

One entry point, :func:`score`, runs any of the methods in :data:`METHODS` and
returns the same columns for each (:data:`SCORE_COLUMNS`):

``polarity``
    in [-1, 1]; ``label`` in {negative, neutral, positive}; ``method``; and
    ``evidence``: the words and rules that produced the score, e.g.
    ``"nicht→gut(-0.50); Erfolg(+1.00)"``.

Methods
-------
``textblob-de``
    textblob-de's ``PatternAnalyzer`` as shipped (lemmas lower-cased, so
    capitalised lexicon nouns never match), computed by a fast path that gives
    identical polarities (:mod:`analysis.sentiment.textblob`). Label: the sign
    of the polarity.
``textblob-de-corrected``
    the same lexicon, found for nouns and inflected forms, with negation scope
    and intensifiers, scored as joins on the token table
    (:mod:`analysis.sentiment.lexicon`). Label: the sign of the polarity.
``gerntsa-lr``
    a logistic regression on word n-grams and lexicon features trained on the
    GerNTSA development sentences (:mod:`analysis.sentiment.classifier`).
    Polarity ``P(positive) - P(negative)``; label the most probable class.

:data:`DEFAULT_METHOD` is the method with the best cross-validated macro-F1
on GerNTSA (``python -m analysis.bench.sentiment`` prints the figures).

Levels: :func:`aggregate` (paragraph, article, outlet; length-weighted or not),
:func:`towards` (tone of the sentences or clauses that mention an actor), and
:func:`agreement` (per-sentence agreement between methods).

References
----------
Goerke, C. et al. GerNTSA: German News Targeted Sentiment Analysis data set.
https://github.com/cgoer/GerNTSA (CC BY 4.0).

Liu, B. (2012). *Sentiment Analysis and Opinion Mining*. Morgan & Claypool.
(Sentence-, document- and aspect/entity-level sentiment.)
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from . import classifier, lexicon

#: The labels, in order.
LABELS = ("negative", "neutral", "positive")
#: Known methods.
METHODS = ("textblob-de", "textblob-de-corrected", "gerntsa-lr")
#: The method with the best cross-validated macro-F1 on GerNTSA (see the README figures).
DEFAULT_METHOD = "gerntsa-lr"
#: Columns :func:`score` adds.
SCORE_COLUMNS = ["polarity", "label", "method", "evidence"]

_ALIASES = {"default": DEFAULT_METHOD, "textblob": "textblob-de", "corrected": "textblob-de-corrected",
            "classifier": "gerntsa-lr"}


def _resolve(method: str) -> str:
    name = _ALIASES.get(method, method)
    if name not in METHODS:
        raise ValueError(f"unknown sentiment method {method!r}; known methods: {', '.join(METHODS)} "
                         f"(or 'default' = {DEFAULT_METHOD})")
    return name


def _sign_labels(pol: np.ndarray) -> np.ndarray:
    return np.where(pol > 0, "positive", np.where(pol < 0, "negative", "neutral")).astype(object)


def _textblob(values: list[str], words=None) -> pd.DataFrame:
    from . import textblob  # noqa: PLC0415 - loads pattern's German tagger and lexicon (a fraction of a second): only when asked for

    fast = textblob.fast()
    pols, evs = [], []
    for v in values:
        p, assessed = fast.assess(v)
        pols.append(p)
        evs.append("; ".join(f"{' '.join(words)}({s:+.2f})" for words, s in assessed))
    pol = np.clip(np.asarray(pols, dtype=float), -1.0, 1.0)
    return pd.DataFrame({"polarity": pol, "label": _sign_labels(pol), "evidence": evs})


def _corrected(values: list[str], words=None) -> pd.DataFrame:
    pol, ev, _ = lexicon.polarity(values, words=words)
    return pd.DataFrame({"polarity": pol, "label": _sign_labels(pol), "evidence": ev.to_numpy(dtype=object)})


def _classifier(values: list[str], words=None) -> pd.DataFrame:
    out = classifier.shipped().predict(values, words=words)
    return out[["polarity", "label", "evidence"]]


_RUNNERS = {"textblob-de": _textblob, "textblob-de-corrected": _corrected, "gerntsa-lr": _classifier}

#: Up to this many texts, :func:`score` keeps the scores of its most recent calls (a notebook scores the
#: same sentences more than once, e.g. :func:`score` with every method and then :func:`agreement`).
_MEMO_TEXTS = 2000


def _run(name: str, values: list[str], words: pd.DataFrame | None) -> pd.DataFrame:
    """The polarity, label and evidence of each text by one method (positional rows), as a new frame.

    A method's scores depend only on the texts (in order): the lexicons, rules and
    model they use are the package's files, loaded once per process. So for inputs
    of up to :data:`_MEMO_TEXTS` texts tokenised here (no ``words``), the result is
    kept per ``(method, scorer, texts)`` (the six most recent) and a copy is returned.
    """
    if words is None and len(values) <= _MEMO_TEXTS:
        return _run_memo(name, _RUNNERS[name], tuple(values)).copy()
    return _RUNNERS[name](values, words)[["polarity", "label", "evidence"]]


@functools.lru_cache(maxsize=6)
def _run_memo(name: str, runner, values: tuple[str, ...]) -> pd.DataFrame:
    return runner(list(values), None)[["polarity", "label", "evidence"]]


def score(data: pd.DataFrame, *, text: str = "text", method: str | Iterable[str] = "default",
          tokens: pd.DataFrame | None = None) -> pd.DataFrame:
    """Sentiment of every row of ``data``.

    Parameters
    ----------
    data
        Any table with a text column, usually :func:`analysis.corpus.sentences`.
    text
        The column holding the text.
    method
        One of :data:`METHODS` (``"default"`` = :data:`DEFAULT_METHOD`), or a list
        of methods: then the result has one row per input row and method (long
        format, the input rows repeated in the order of ``method``).
    tokens
        The token table of ``data`` from :func:`analysis.tokens.tokenize`, if
        already computed (``data`` then needs ``doc_id`` and ``sentence_id``):
        the sentences are not tokenised again. The scores are the same.

    Returns
    -------
    pandas.DataFrame
        ``data`` with the columns :data:`SCORE_COLUMNS` added: ``polarity`` in
        [-1, 1], ``label`` in {negative, neutral, positive}, ``method``, and
        ``evidence`` (the words and rules that produced the score; empty when no
        word counted). Scores are deterministic.

    Raises
    ------
    KeyError
        If ``text`` is not a column (the message lists the columns).
    ValueError
        For an unknown method (the message lists the known ones).
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"score() expects a DataFrame, got {type(data).__name__}")
    if text not in data.columns:
        raise KeyError(f"score(): no text column {text!r}; available columns: {list(data.columns)}")
    methods = [method] if isinstance(method, str) else list(method)
    if not methods:
        raise ValueError(f"score(): no method given; known methods: {', '.join(METHODS)}")
    names = [_resolve(m) for m in methods]
    clash = [c for c in SCORE_COLUMNS if c in data.columns]
    if clash:
        raise ValueError(f"score(): the input already has the column(s) {clash}; drop or rename them first")
    values = data[text].fillna("").astype(str).tolist()
    words = None
    if tokens is not None and any(n != "textblob-de" for n in names):
        words = lexicon.token_table(values, tokens=tokens, data=data)
    parts = []
    for name in names:
        result = _run(name, values, words)
        result["method"] = name
        frame = data.reset_index(drop=True).copy()
        for col in SCORE_COLUMNS:
            frame[col] = result[col].to_numpy()
        frame.index = data.index
        parts.append(frame)
    out = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
    out["polarity"] = out["polarity"].astype(float)
    return out


# ---------------------------------------------------------------------------
# Levels
# ---------------------------------------------------------------------------

_LEVELS = {"sentence": ["doc_id", "sentence_id"], "paragraph": ["doc_id", "paragraph"], "article": ["doc_id"],
           "outlet": ["outlet"]}


def _require(data: pd.DataFrame, columns: Iterable[str], where: str) -> None:
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise KeyError(f"{where}: missing column(s) {missing}; available columns: {list(data.columns)}")


def aggregate(scored: pd.DataFrame, *, level: str = "outlet", by: str | list[str] | None = None,
              weight: str = "length", text: str = "text") -> pd.DataFrame:
    """Mean sentence polarity per paragraph, article or outlet.

    Parameters
    ----------
    scored
        The result of :func:`score` on sentences (one or several methods).
    level
        ``"paragraph"`` (doc_id, paragraph), ``"article"`` (doc_id) or
        ``"outlet"``; ignored when ``by`` is given.
    by
        Grouping columns instead of ``level``.
    weight
        ``"length"``: each sentence weighs by its number of word tokens, so a
        long sentence counts more (the polarity of the text as a reader meets
        it); ``"none"``: every sentence counts once (unweighted mean).
    text
        The text column (for the word counts).

    Returns
    -------
    pandas.DataFrame
        The grouping columns and ``method``, then ``n_sentences``, ``n_words``,
        ``polarity`` (the weighted or unweighted mean), ``share_positive``,
        ``share_negative`` and ``weighting`` (which mean it is).
    """
    if weight not in ("length", "none"):
        raise ValueError(f"aggregate(): weight must be 'length' or 'none', not {weight!r}")
    if by is None:
        if level not in _LEVELS or level == "sentence":
            raise ValueError(f"aggregate(): unknown level {level!r}; use 'paragraph', 'article' or 'outlet'")
        keys = list(_LEVELS[level])
        if level in ("paragraph", "article") and "outlet" in scored.columns:
            keys = ["outlet"] + keys
    else:
        keys = [by] if isinstance(by, str) else list(by)
    _require(scored, keys + ["polarity", "label", text], "aggregate()")
    frame = scored.copy()
    if "method" not in frame.columns:
        frame["method"] = ""
    frame["n_words"] = _word_counts(frame[text]) if len(frame) else []
    frame["_w"] = frame["n_words"].astype(float) if weight == "length" else 1.0
    frame["_wp"] = frame["_w"] * frame["polarity"]
    frame["_pos"] = frame["label"].eq("positive").astype(float)
    frame["_neg"] = frame["label"].eq("negative").astype(float)
    groups = frame.groupby(keys + ["method"], sort=True, dropna=False)
    if set(keys) & {"method", "polarity", "n_words", "_w", "_wp", "_pos", "_neg"}:
        out = groups.agg(n_sentences=("polarity", "size"), n_words=("n_words", "sum"), _wp=("_wp", "sum"),
                         _w=("_w", "sum"), share_positive=("_pos", "mean"), share_negative=("_neg", "mean"))
    else:  # the same sums and means, three groupby calls instead of six
        out = groups[["n_words", "_wp", "_w"]].sum()
        out.insert(0, "n_sentences", groups.size())
        shares = groups[["_pos", "_neg"]].mean()
        out["share_positive"], out["share_negative"] = shares["_pos"], shares["_neg"]
    out["polarity"] = np.divide(out["_wp"], out["_w"], out=np.zeros(len(out)), where=out["_w"].to_numpy() > 0)
    out["weighting"] = "length-weighted (word tokens)" if weight == "length" else "unweighted (each sentence once)"
    out = out.drop(columns=["_wp", "_w"]).reset_index()
    return out[keys + ["method", "n_sentences", "n_words", "polarity", "share_positive", "share_negative",
                       "weighting"]]


def _word_counts(texts: pd.Series) -> np.ndarray:
    """The number of word tokens (:func:`lexicon.token_table`) of each text (int64, positional).

    Each distinct text is tokenised once (the tokens of a text do not depend on the
    other texts), so a table of several methods' scores of the same sentences costs
    one tokenisation of the sentences.
    """
    codes, distinct = pd.factorize(texts.fillna("").astype(str))
    words = lexicon.token_table(list(distinct))
    return np.bincount(words["row"].to_numpy(), minlength=len(distinct))[codes]


# ---------------------------------------------------------------------------
# Towards actors
# ---------------------------------------------------------------------------

#: Clause boundaries for ``scope="clause"``: punctuation that separates clauses, and
#: the coordinating conjunctions that start a new one.
CLAUSE_BOUNDARY = re.compile(r"[,;:–—()\"„“”»«]|\s-\s|\b(?:aber|doch|jedoch|sondern|während|obwohl|weil)\b")


def clauses(data: pd.DataFrame, *, text: str = "text") -> pd.DataFrame:
    """Split each row's text into clauses: one row per clause with ``row``, ``clause``, ``start``, ``end``, ``text``.

    Offsets are into the row's text. A clause ends at a comma, semicolon,
    colon, dash, bracket or quote, or before ``aber``, ``doch``, ``jedoch``,
    ``sondern``, ``während``, ``obwohl``, ``weil``.
    """
    rows = []
    for r, value in enumerate(data[text].fillna("").astype(str)):
        start = 0
        k = 0
        for m in CLAUSE_BOUNDARY.finditer(value):
            if value[start:m.start()].strip():
                rows.append((r, k, start, m.start(), value[start:m.start()]))
                k += 1
            # a conjunction opens the next clause; punctuation belongs to none
            start = m.start() if m.group(0)[0].isalpha() else m.end()
        if value[start:].strip():
            rows.append((r, k, start, len(value), value[start:]))
    return pd.DataFrame(rows, columns=["row", "clause", "start", "end", "text"])


def towards(sentences: pd.DataFrame, *, actors: Mapping | pd.DataFrame | None = None, method: str = "default",
            scope: str = "clause", text: str = "text") -> pd.DataFrame:
    """Tone of the text around each mention of an actor: one row per mention.

    Parameters
    ----------
    sentences
        Sentences (``doc_id``, ``sentence_id``, ``outlet`` and a text column).
    actors
        The actor list for :func:`analysis.actors.mentions` (``None`` = its
        default list; a mapping ``{actor: [regex, ...]}`` or a table).
    method
        A sentiment method (see :func:`score`).
    scope
        ``"sentence"``: the mention gets the tone of its whole sentence;
        ``"clause"``: the tone of the clause that contains it (see
        :func:`clauses`), so "X glänzt, aber Y enttäuscht" is positive for X and
        negative for Y.
    text
        The text column.

    Returns
    -------
    pandas.DataFrame
        The mention columns (``doc_id``, ``sentence_id``, ``actor``, ``match``,
        ``start``/``end``: offsets into the article text when the sentences
        carry ``start``, else into the sentence), ``outlet`` if present, ``scope``, ``scope_text`` (the scored text),
        and :data:`SCORE_COLUMNS`.
    """
    from .. import actors as actors_mod  # noqa: PLC0415

    if scope not in ("sentence", "clause"):
        raise ValueError(f"towards(): scope must be 'sentence' or 'clause', not {scope!r}")
    _require(sentences, ["doc_id", "sentence_id", text], "towards()")
    local = sentences.reset_index(drop=True)
    base = local[["doc_id", "sentence_id", text]].rename(columns={text: "text"}).copy()
    base["start"] = local["start"].to_numpy() if "start" in local.columns else 0
    found = actors_mod.mentions(base, actors=actors, text="text")  # offsets into the article text
    if found.empty:
        cols = list(found.columns) + (["outlet"] if "outlet" in local else []) + ["scope", "scope_text"] + SCORE_COLUMNS
        return pd.DataFrame(columns=cols)
    key = local[["doc_id", "sentence_id"]].copy()
    key["row"] = np.arange(len(local))
    found = found.merge(key, on=["doc_id", "sentence_id"], how="left", validate="many_to_one")
    if scope == "sentence":
        found["scope_text"] = local[text].to_numpy()[found["row"].to_numpy()]
    else:
        cl = clauses(local, text=text)
        # the clause that contains the mention's start
        rel = found[["row", "start"]].copy()
        rel["start"] = rel["start"].to_numpy() - base["start"].to_numpy()[rel["row"].to_numpy()]  # within the sentence
        merged = rel.reset_index().merge(cl, on="row", suffixes=("", "_c"))
        inside = merged[(merged["start"] >= merged["start_c"]) & (merged["start"] < merged["end"])]
        inside = inside.drop_duplicates("index").set_index("index")
        sentence_text = pd.Series(local[text].to_numpy()[found["row"].to_numpy()], index=found.index)
        found["scope_text"] = inside["text"].reindex(found.index).fillna(sentence_text)
    found["scope"] = scope
    if "outlet" in local.columns:
        found["outlet"] = local["outlet"].to_numpy()[found["row"].to_numpy()]
    found = found.drop(columns=["row"])
    return score(found, text="scope_text", method=method)


def tone_towards(mentions: pd.DataFrame, *, by: str | list[str] = ("outlet", "actor")) -> pd.DataFrame:
    """Per outlet and actor: mentions, mean polarity and the share of each label (unweighted, one mention = one)."""
    keys = [by] if isinstance(by, str) else list(by)
    _require(mentions, keys + ["polarity", "label"], "tone_towards()")
    frame = mentions.assign(_pos=mentions["label"].eq("positive").astype(float),
                            _neg=mentions["label"].eq("negative").astype(float))
    out = frame.groupby(keys, sort=True).agg(n_mentions=("polarity", "size"), polarity=("polarity", "mean"),
                                             share_positive=("_pos", "mean"), share_negative=("_neg", "mean"))
    return out.reset_index()


# ---------------------------------------------------------------------------
# Agreement
# ---------------------------------------------------------------------------

def agreement(data: pd.DataFrame, *, text: str = "text", methods: Iterable[str] = METHODS,
              keys: Iterable[str] | None = None) -> pd.DataFrame:
    """Per sentence: every method's label and polarity side by side, and whether they agree.

    Returns
    -------
    pandas.DataFrame
        ``keys`` (default: ``doc_id``, ``sentence_id``, ``outlet`` where present),
        the text, ``label_<method>``, ``polarity_<method>`` and
        ``evidence_<method>`` for each method, ``n_labels`` (how many distinct
        labels), ``agree`` (all methods give the same label) and ``pattern``
        (the labels joined by ``/`` in method order, e.g.
        ``"neutral/positive/positive"``).
    """
    methods = [_resolve(m) for m in methods]
    if keys is None:
        keys = [k for k in ("doc_id", "sentence_id", "outlet") if k in data.columns]
    keys = list(keys)
    out = data[keys + [text]].reset_index(drop=True).copy()
    names = [f"{kind}_{m}" for m in methods for kind in ("label", "polarity", "evidence")]
    if (not len(out) or not out.columns.is_unique or len(set(methods)) < len(methods) or text in SCORE_COLUMNS
            or any(name in out.columns for name in names)):
        return _agreement_by_columns(data, out, text, methods)
    # the scores of score(data[[text]], method=m), without building a scored table per method
    values = out[text].fillna("").astype(str).tolist()
    new: dict[str, np.ndarray] = {}
    for m in methods:
        s = _run(m, values, None)
        new[f"label_{m}"] = s["label"].to_numpy()
        new[f"polarity_{m}"] = s["polarity"].to_numpy().astype(float)
        new[f"evidence_{m}"] = s["evidence"].to_numpy()
    labels = pd.DataFrame({f"label_{m}": new[f"label_{m}"] for m in methods}, index=out.index)
    new["n_labels"] = labels.nunique(axis=1).to_numpy()
    new["agree"] = new["n_labels"] == 1
    new["pattern"] = labels.astype(str).agg("/".join, axis=1).to_numpy()
    # all columns joined at once (setting them one by one costs a block insertion each)
    result = pd.concat([out, pd.DataFrame(new, index=out.index)], axis=1)
    result.attrs = out.attrs
    result.flags.allows_duplicate_labels = out.flags.allows_duplicate_labels
    return result


def _agreement_by_columns(data: pd.DataFrame, out: pd.DataFrame, text: str, methods: list[str]) -> pd.DataFrame:
    """:func:`agreement` column by column through :func:`score` (for tables whose column names clash)."""
    for m in methods:
        s = score(data[[text]].reset_index(drop=True), text=text, method=m)
        out[f"label_{m}"] = s["label"].to_numpy()
        out[f"polarity_{m}"] = s["polarity"].to_numpy()
        out[f"evidence_{m}"] = s["evidence"].to_numpy()
    labels = out[[f"label_{m}" for m in methods]]
    out["n_labels"] = labels.nunique(axis=1)
    out["agree"] = out["n_labels"].eq(1)
    out["pattern"] = labels.astype(str).agg("/".join, axis=1)
    return out


def cohen_kappa(a: Iterable, b: Iterable, *, labels: Iterable) -> float:
    """Cohen's kappa of two codings of the same items, over the categories ``labels``.

    The same computation, step by step, as scikit-learn's ``cohen_kappa_score(a, b,
    labels=labels)`` (unweighted), so the values are identical (a test checks
    this); written out here because importing ``sklearn.metrics`` costs more than a
    second. Items whose label in either coding is not in ``labels`` are left out, as
    there; ``nan`` when kappa is undefined (no item left, or both codings use a
    single category).

    References
    ----------
    Cohen, J. (1960). A coefficient of agreement for nominal scales.
    *Educational and Psychological Measurement*, 20(1), 37–46.
    """
    labels = list(labels)
    index = {label: i for i, label in enumerate(labels)}
    ia = np.array([index.get(x, -1) for x in a], dtype=np.int64)
    ib = np.array([index.get(x, -1) for x in b], dtype=np.int64)
    if len(ia) != len(ib):
        raise ValueError(f"cohen_kappa(): the codings have {len(ia)} and {len(ib)} items; they must code the same items")
    keep = (ia >= 0) & (ib >= 0)
    n = len(labels)
    confusion = np.zeros((n, n), dtype=np.int64)
    np.add.at(confusion, (ia[keep], ib[keep]), 1)
    confusion = confusion.astype(np.float64)
    sum0 = np.sum(confusion, axis=0)
    sum1 = np.sum(confusion, axis=1)
    total = np.sum(sum0)
    if total == 0:
        return float("nan")
    expected = np.outer(sum0, sum1) / total
    weights = np.ones((n, n), dtype=np.float64)
    np.fill_diagonal(weights, 0)
    denominator = np.sum(weights * expected)
    if denominator == 0:
        return float("nan")
    return float(1 - np.sum(weights * confusion) / denominator)


def agreement_summary(table: pd.DataFrame, *, methods: Iterable[str] = METHODS) -> pd.DataFrame:
    """Pairwise agreement of methods: share of equal labels, Cohen's kappa and the polarity correlation.

    References
    ----------
    Cohen, J. (1960). A coefficient of agreement for nominal scales.
    *Educational and Psychological Measurement*, 20(1), 37–46.
    """
    methods = [_resolve(m) for m in methods]
    rows = []
    for i, a in enumerate(methods):
        for b in methods[i + 1:]:
            la, lb = table[f"label_{a}"], table[f"label_{b}"]
            pa, pb = table[f"polarity_{a}"], table[f"polarity_{b}"]
            kappa = cohen_kappa(la, lb, labels=LABELS) if len(table) > 1 else float("nan")
            corr = float(np.corrcoef(pa, pb)[0, 1]) if len(table) > 2 and pa.std() > 0 and pb.std() > 0 else float("nan")
            rows.append({"method_a": a, "method_b": b, "n": len(table), "share_equal": float((la == lb).mean()),
                         "kappa": float(kappa), "polarity_r": corr})
    return pd.DataFrame(rows)


__all__ = ["score", "aggregate", "towards", "tone_towards", "clauses", "agreement", "agreement_summary", "cohen_kappa",
           "METHODS", "DEFAULT_METHOD", "LABELS", "SCORE_COLUMNS", "lexicon", "classifier", "textblob"]
