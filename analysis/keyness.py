"""Keyness: which terms one group (outlet, article, part) uses more than others, and how strongly.

:func:`compare` is the one entry point: one row per target group and term, with
the same columns whatever the measure, signed so that over-use by the target is
positive. With more than two groups each target is compared with the rest
(one-vs-rest); ``reference="wordfreq"`` compares with general German instead, so
a single article's distinctive vocabulary shows without a second outlet.
:func:`evidence` returns the keyword-in-context lines behind the key terms.

The contingency table for a term ``w``, target ``T`` and reference ``R``::

                 T          R
    w            a          b          a + b
    not w        c = N_T-a  d = N_R-b
                 N_T        N_R        N

Measures (``stat`` column):

``g2``
    Log-likelihood G² (Dunning 1993) in its **four-cell** form, i.e. the G-test
    of independence on the whole 2×2 table, ``2 Σ O ln(O/E)`` over all four
    cells with ``E = row total × column total / N`` (equal to
    ``scipy.stats.power_divergence(..., lambda_="log-likelihood")`` on the
    table). Rayson & Garside's (2000) **two-cell** form, which sums only the
    ``a`` and ``b`` cells and is what the Lancaster log-likelihood calculator
    reports, is available with ``g2_form="two-cell"``; the two differ little
    when the term is rare relative to the corpora. No correction by default;
    ``correction="williams"`` divides by Williams's (1976) q. ``p`` from χ²(1).
``chi2``
    Pearson's χ² on the same 2×2 table (four cells); ``correction="yates"``
    applies Yates's continuity correction. ``p`` from χ²(1).
``log_ratio``
    Hardie's (2014) Log Ratio, ``log2((a/N_T) / (b/N_R))``; a zero count is
    replaced by 0.5 so the ratio stays finite. No ``p`` (NaN).
``pct_diff``
    %DIFF (Gabrielatos & Marchi 2012), ``100 (a/N_T − b/N_R) / (b/N_R)``, with
    the same 0.5 replacement of a zero reference count. No ``p`` (NaN).
``log_odds_prior``
    Log-odds ratio with an informative Dirichlet prior, as a z-score (Monroe,
    Colaresi & Quinn 2008, eq. 22), the measure scattertext uses. The prior
    (``prior=``) is the pooled counts of the compared groups (``"corpus"``,
    default) or general German (``"wordfreq"``), scaled to ``prior_strength``
    pseudo-tokens (default: one per compared term), plus 0.01 per term. ``p`` is
    the two-sided normal p-value of z.

``effect`` is always the Log Ratio (binary log of the ratio of relative
frequencies, zeros replaced by 0.5), so effect sizes compare across measures:
+1 means twice as frequent in the target, −1 half as frequent.

p-values treat every token as an independent draw. Words in a text are not
independent (a topic word recurs), so p-values from few documents are far too
small; with a handful of articles read the effect sizes and the examples
(:func:`evidence`), not the p-values.

References
----------
Dunning, T. (1993). Accurate methods for the statistics of surprise and
coincidence. *Computational Linguistics*, 19(1), 61–74.

Rayson, P., & Garside, R. (2000). Comparing corpora using frequency profiling.
*Proceedings of the Workshop on Comparing Corpora*, 1–6.

Williams, D. A. (1976). Improved likelihood ratio tests for complete
contingency tables. *Biometrika*, 63(1), 33–37.

Hardie, A. (2014). Log Ratio – an informal introduction. ESRC Centre for
Corpus Approaches to Social Science (CASS), Lancaster University.

Gabrielatos, C., & Marchi, A. (2012). Keyness: Appropriate metrics and
practical issues. *CADS International Conference*, Bologna.

Monroe, B. L., Colaresi, M. P., & Quinn, K. M. (2008). Fightin' words: Lexical
feature selection and evaluation for identifying the content of political
conflict. *Political Analysis*, 16(4), 372–403.

Kessler, J. S. (2017). Scattertext: a browser-based tool for visualizing how
corpora differ. *Proceedings of ACL 2017, System Demonstrations*, 85–90.

Speer, R. (2022). wordfreq (v3.0). Zenodo. https://doi.org/10.5281/zenodo.7199437
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import special

from . import terms as _terms

__all__ = ["MEASURES", "COLUMNS", "compare", "contingency", "evidence", "general_german"]

#: Known measures for :func:`compare`.
MEASURES = ("g2", "chi2", "log_ratio", "pct_diff", "log_odds_prior")

#: The output columns of :func:`compare`, whatever the measure.
COLUMNS = [
    "target",
    "reference",
    "term",
    "n_target",
    "n_reference",
    "total_target",
    "total_reference",
    "per_1000_target",
    "per_1000_reference",
    "stat",
    "p",
    "effect",
    "measure",
]

_CORRECTIONS = {"g2": ("none", "williams"), "chi2": ("none", "yates")}
_GENERAL = ("wordfreq", "general")
#: The notional size of the general-German reference corpus (tokens) used to turn
#: wordfreq proportions into counts for G², χ² and the log-odds.
REFERENCE_SIZE = 1_000_000_000


# ---------------------------------------------------------------------------------------------
# the statistics, on arrays


def _xlogx_over(o: np.ndarray, e: np.ndarray) -> np.ndarray:
    """``o * ln(o / e)`` with ``0 * ln 0 = 0``."""
    o = np.asarray(o, dtype=float)
    e = np.asarray(e, dtype=float)
    out = np.zeros(np.broadcast(o, e).shape)
    pos = o > 0
    np.divide(o, e, out=out, where=pos)
    np.log(out, out=out, where=pos)
    return np.where(pos, o * out, 0.0)


def _table(a, b, n_t, n_r):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    n_t = np.broadcast_to(np.asarray(n_t, dtype=float), a.shape)
    n_r = np.broadcast_to(np.asarray(n_r, dtype=float), a.shape)
    c, d = n_t - a, n_r - b
    n = n_t + n_r
    row_w, row_o = a + b, c + d
    e = (row_w * n_t / n, row_w * n_r / n, row_o * n_t / n, row_o * n_r / n)
    return (a, b, c, d), e, n, n_t, n_r


def g2(a, b, n_t, n_r, *, form: str = "four-cell", correction: str = "none") -> np.ndarray:
    """Unsigned log-likelihood G² for counts ``a`` (target) and ``b`` (reference).

    See the module docstring for the two forms and the Williams correction.
    """
    (oa, ob, oc, od), (ea, eb, ec, ed), n, n_t, n_r = _table(a, b, n_t, n_r)
    if form == "four-cell":
        g = 2 * (_xlogx_over(oa, ea) + _xlogx_over(ob, eb) + _xlogx_over(oc, ec) + _xlogx_over(od, ed))
    elif form == "two-cell":
        g = 2 * (_xlogx_over(oa, ea) + _xlogx_over(ob, eb))
    else:
        raise ValueError(f"g2_form={form!r} is not known; use 'four-cell' or 'two-cell'")
    if correction == "williams":
        row_w, row_o = oa + ob, oc + od
        with np.errstate(divide="ignore", invalid="ignore"):
            q = 1 + (n / row_w + n / row_o - 1) * (n / n_t + n / n_r - 1) / (6 * n)
        g = g / q
    return np.maximum(g, 0.0)


def chi2(a, b, n_t, n_r, *, correction: str = "none") -> np.ndarray:
    """Unsigned Pearson χ² on the 2×2 table, optionally with Yates's correction."""
    obs, exp, *_ = _table(a, b, n_t, n_r)
    total = np.zeros(np.shape(obs[0]))
    for o, e in zip(obs, exp):
        dev = np.abs(o - e)
        if correction == "yates":
            dev = np.maximum(dev - 0.5, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            total = total + np.where(e > 0, dev**2 / e, 0.0)
    return total


def log_ratio(a, b, n_t, n_r) -> np.ndarray:
    """Hardie's Log Ratio: ``log2`` of the ratio of relative frequencies (zeros → 0.5)."""
    a = np.where(np.asarray(a, dtype=float) == 0, 0.5, a)
    b = np.where(np.asarray(b, dtype=float) == 0, 0.5, b)
    return np.log2((a / n_t) / (b / n_r))


def pct_diff(a, b, n_t, n_r) -> np.ndarray:
    """%DIFF: percentage difference of relative frequencies (zero reference count → 0.5)."""
    b = np.where(np.asarray(b, dtype=float) == 0, 0.5, b)
    nf_t = np.asarray(a, dtype=float) / n_t
    nf_r = b / n_r
    return 100.0 * (nf_t - nf_r) / nf_r


def log_odds_prior(a, b, n_t, n_r, alpha, alpha0) -> np.ndarray:
    """z-score of the log-odds ratio with an informative Dirichlet prior (Monroe et al. 2008, eq. 22)."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    alpha = np.asarray(alpha, dtype=float)
    delta = np.log((a + alpha) / (n_t + alpha0 - a - alpha)) - np.log((b + alpha) / (n_r + alpha0 - b - alpha))
    var = 1.0 / (a + alpha) + 1.0 / (b + alpha)
    return delta / np.sqrt(var)


# ---------------------------------------------------------------------------------------------
# general German


def general_german(words: Iterable[str]) -> pd.Series:
    """Relative frequency of each word in general German (wordfreq's ``"best"`` list).

    Words are looked up in lower case; a word missing from the list (below its
    floor of about 1 in 100 million) gets 0. Multi-part forms with hyphens are
    estimated by wordfreq from their parts.

    Parameters
    ----------
    words
        Word forms.

    Returns
    -------
    pandas.Series
        Index: the distinct words; values: proportions of running words.

    References
    ----------
    Speer, R. (2022). wordfreq (v3.0). Zenodo. https://doi.org/10.5281/zenodo.7199437
    """
    uniq = pd.unique(pd.Series(list(words), dtype=object).astype(str))
    low = pd.Series(uniq, dtype=object).str.lower()
    freq = np.asarray(_general_lookup(low.tolist()), dtype=float)
    return pd.Series(freq, index=pd.Index(uniq, name="word"), name="frequency")


# wordfreq's answers are kept per lower-case word, in the session and on disk (next to the lemma
# cache, :func:`analysis.terms.cache_dir`): loading wordfreq's German list into a dictionary takes
# about half a second and its tokenizer (for hyphenated words) another third, on every first call
# in a process; a notebook re-run then reads a small table of the words it asks for instead. An
# entry depends only on the word and the wordfreq version (in the file name), so the cache never
# changes a result.
_WORDFREQ: dict[str, float] = {}
_WORDFREQ_STATE: dict[str, object] = {"loaded": False, "floor": None}


def _general_cache_file() -> Path | None:
    folder = _terms.cache_dir()
    if folder is None:
        return None
    return folder / f"keyness-general-de-best-wordfreq{_terms._installed('wordfreq')}.parquet"


def _general_load() -> None:
    """Read the disk cache of wordfreq answers once per process (a damaged file is ignored)."""
    if _WORDFREQ_STATE["loaded"]:
        return
    _WORDFREQ_STATE["loaded"] = True
    path = _general_cache_file()
    if path is None or not path.is_file():
        return
    try:
        import pyarrow.parquet as pq

        # not read_table (it imports pyarrow.dataset, 12 ms); one thread for a small file
        table = pq.ParquetFile(path).read(use_threads=False)
        words = table.column("word").to_pylist()
        values = table.column("frequency").to_pylist()
        floor = (table.schema.metadata or {}).get(b"floor")
    except Exception:  # noqa: BLE001 - a damaged cache file is a miss, and is rewritten
        return
    _WORDFREQ.update(zip(words, values))
    if floor is not None and _WORDFREQ_STATE["floor"] is None:
        _WORDFREQ_STATE["floor"] = float(floor.decode("ascii"))


def _general_save() -> None:
    path = _general_cache_file()
    if path is None:
        return
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.table({"word": pa.array(list(_WORDFREQ), type=pa.string()),
                          "frequency": pa.array(list(_WORDFREQ.values()), type=pa.float64())})
        if _WORDFREQ_STATE["floor"] is not None:
            table = table.replace_schema_metadata({"floor": repr(_WORDFREQ_STATE["floor"])})
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    except OSError:  # a read-only cache folder: keep the answers for this session only
        pass


def _general_lookup(lowers: list[str]) -> list[float]:
    """wordfreq's frequency of each lower-case word (hyphenated or multi-word forms estimated
    by wordfreq from their parts; 0 for a word not in the list)."""
    _general_load()
    todo = [w for w in dict.fromkeys(lowers) if w not in _WORDFREQ]
    if todo:
        import wordfreq

        table = wordfreq.get_frequency_dict("de", wordlist="best")
        for w in todo:
            f = table.get(w)
            if f is None:
                f = wordfreq.word_frequency(w, "de") if ("-" in w or " " in w) else 0.0
            _WORDFREQ[w] = float(f)
        if _WORDFREQ_STATE["floor"] is None:
            _WORDFREQ_STATE["floor"] = float(min(table.values()))
        _general_save()
    return [_WORDFREQ[w] for w in lowers]


def _general_floor() -> float:
    """The smallest frequency in wordfreq's German list (the reference of a term it lacks)."""
    _general_load()
    if _WORDFREQ_STATE["floor"] is None:
        import wordfreq

        _WORDFREQ_STATE["floor"] = float(min(wordfreq.get_frequency_dict("de", wordlist="best").values()))
        _general_save()
    return _WORDFREQ_STATE["floor"]


# ---------------------------------------------------------------------------------------------
# compare


def contingency(
    data: pd.DataFrame,
    *,
    by: str = "outlet",
    unit: str = "lemma",
    stopwords: bool | str | Path | Iterable[str] = True,
    compounds: str | None = None,
) -> tuple[pd.DataFrame, pd.Series]:
    """Term counts per group as a wide table, and each group's running words.

    Returns
    -------
    counts : pandas.DataFrame
        Index: term; one column per group; integer counts.
    totals : pandas.Series
        Running words (word, number and URL tokens, stopwords included) per group.
    """
    if not isinstance(by, str):  # several columns: pandas' own reshape (columns are tuples)
        freq = _terms.frequencies(data, by=by, unit=unit, stopwords=stopwords, compounds=compounds)
        counts = freq.pivot_table(index="term", columns=by, values="n", aggfunc="sum", fill_value=0, observed=True)
        counts.columns = [str(c) for c in counts.columns]
        totals = freq.drop_duplicates(by).set_index(by)["total"]
        totals.index = [str(i) for i in totals.index]
        return counts, totals
    ann, table = _terms._frequency_table(data, [by], unit, stopwords, "drop", "drop", compounds, 1)
    return _wide(ann, by, table)


def _wide(ann: pd.DataFrame, by: str, table: dict[str, np.ndarray]) -> tuple[pd.DataFrame, pd.Series]:
    """The term-by-group count table and the groups' totals from :func:`analysis.terms.frequencies`'
    columns (``table``), by NumPy indexing.

    The same as ``freq.pivot_table(index="term", columns=by, values="n", aggfunc="sum",
    fill_value=0, observed=True)`` of the frequency table ``freq`` (columns and index as
    text, below): ``freq`` has one row per group and term, sorted by group, so its groups
    are the pivot's (sorted) columns and no cell needs a sum, and the terms in sorted
    order are the pivot's index. tests/test_keyness.py compares the two.
    """
    groups, first = np.unique(table["group"], return_index=True)
    names = [str(v) for v in ann[by].iloc[table["group_row"][groups]]]
    term_codes, terms = pd.factorize(table["term"], sort=True)
    values = np.zeros((len(terms), len(groups)), dtype=np.int64)
    values[term_codes, np.searchsorted(groups, table["group"])] = table["n"]
    counts = pd.DataFrame(values, index=pd.Index(np.asarray(terms, dtype=object), name="term"), columns=names)
    totals = pd.Series(table["total"][first], index=names, name="total")
    return counts, totals


def compare(
    data: pd.DataFrame,
    *,
    by: str = "outlet",
    target: str | Sequence[str] | None = None,
    reference: str | None = None,
    measure: str = "g2",
    min_count: int = 2,
    unit: str = "lemma",
    stopwords: bool | str | Path | Iterable[str] = True,
    compounds: str | None = None,
    correction: str = "none",
    g2_form: str = "four-cell",
    prior: str | pd.Series = "corpus",
    prior_strength: float | None = None,
    reference_size: float = REFERENCE_SIZE,
) -> pd.DataFrame:
    """Key terms of each target group against a reference.

    Parameters
    ----------
    data
        Tokens (from :func:`analysis.tokens.tokenize`), sentences or articles.
    by
        The grouping column (``"outlet"``, ``"doc_id"``, ``"part"``, ...).
    target
        The group(s) whose key terms to find. ``None``: every group in turn.
    reference
        ``None`` (default): all other groups pooled (one-vs-rest; with two groups,
        simply the other one). A group name: that group only. ``"wordfreq"``:
        general German from wordfreq (see Notes).
    measure
        One of :data:`MEASURES`: ``"g2"``, ``"chi2"``, ``"log_ratio"``,
        ``"pct_diff"``, ``"log_odds_prior"`` (see the module docstring).
    min_count
        Keep terms occurring at least this often in target and reference
        together (against general German: in the target).
    unit, stopwords, compounds
        What a term is (see :func:`analysis.terms.frequencies`).
    correction
        ``"none"`` (default); ``"williams"`` for ``g2``; ``"yates"`` for ``chi2``.
    g2_form
        ``"four-cell"`` (default, the G-test on the full 2×2 table) or
        ``"two-cell"`` (Rayson & Garside 2000).
    prior
        For ``log_odds_prior``: ``"corpus"`` (pooled counts of target and
        reference), ``"wordfreq"`` (general German), or a Series of prior counts
        indexed by term. Every term also gets 0.01 pseudo-counts so no cell is empty.
    prior_strength
        Total pseudo-counts of the prior (α₀); default: the number of terms
        compared, i.e. one pseudo-count per term on average, spread in
        proportion to the prior frequencies. Larger values shrink rare terms more.
    reference_size
        Against general German: the notional size of the reference corpus in
        tokens (wordfreq gives proportions, not counts). Effect sizes do not
        depend on it; G², χ², z and p do.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`: ``target``, ``reference`` (its label), ``term``,
        ``n_target``, ``n_reference``, ``total_target``, ``total_reference``,
        ``per_1000_target``, ``per_1000_reference``, ``stat`` (the measure,
        positive = more frequent in the target), ``p`` (NaN where undefined),
        ``effect`` (Log Ratio), ``measure``. Sorted by target, then descending
        ``stat``, then term.

    Notes
    -----
    Against general German, ``n_reference`` is the wordfreq proportion times
    ``reference_size`` (a float). For lemmas, the reference frequency of a lemma
    is the sum of the wordfreq frequencies of its forms seen in the data plus the
    lemma itself. Words missing from wordfreq get its floor frequency (the
    rarest listed word), so their effect is a lower bound.

    References
    ----------
    See the module docstring (Dunning 1993; Rayson & Garside 2000; Hardie 2014;
    Gabrielatos & Marchi 2012; Monroe et al. 2008; Speer 2022).
    """
    _terms._check_choice("measure", measure, MEASURES)
    allowed = _CORRECTIONS.get(measure, ("none",))
    if correction not in allowed:
        raise ValueError(f"correction={correction!r} does not apply to measure={measure!r}; use one of {list(allowed)}")
    toks = _terms.as_tokens(data, by=by)
    ann = _terms._annotated(toks, unit, stopwords)
    counts, totals = contingency(ann, by=by, unit=unit, stopwords=stopwords, compounds=compounds)
    groups = list(totals.index)
    general = reference is not None and str(reference) in _GENERAL
    if reference is not None and not general and str(reference) not in groups:
        raise ValueError(f"reference={reference!r} is not a value of {by!r}; known: {groups} (or 'wordfreq' for general German)")
    if target is None:
        targets = groups if reference is None or general else [g for g in groups if g != str(reference)]
    else:
        targets = [str(t) for t in ([target] if isinstance(target, str) else target)]
        unknown = [t for t in targets if t not in groups]
        if unknown:
            raise ValueError(f"target={unknown} not found in column {by!r}; known: {groups}")
    if not general and len(groups) < 2:
        raise ValueError(f"only one group in {by!r} ({groups}); compare needs two, or use reference='wordfreq'")

    out = from_counts(
        counts, totals, targets=targets, reference=reference, measure=measure, min_count=min_count,
        correction=correction, g2_form=g2_form, prior=prior, prior_strength=prior_strength,
        reference_size=reference_size, annotated=ann, unit=unit,
    )
    out.attrs["measure"] = measure
    out.attrs["by"] = by
    out.attrs["unit"] = unit
    out.attrs["g2_form"] = g2_form if measure == "g2" else None
    out.attrs["correction"] = correction
    out.attrs["stopwords"] = stopwords if isinstance(stopwords, (bool, str, Path)) else frozenset(stopwords)
    return out


def from_counts(
    counts: pd.DataFrame,
    totals: pd.Series,
    *,
    targets: list[str] | None = None,
    reference: str | None = None,
    measure: str = "g2",
    min_count: int = 2,
    correction: str = "none",
    g2_form: str = "four-cell",
    prior: str = "corpus",
    prior_strength: float | None = None,
    reference_size: float = REFERENCE_SIZE,
    annotated: pd.DataFrame | None = None,
    unit: str = "lemma",
) -> pd.DataFrame:
    """Keyness from a term-by-group count table (what :func:`compare` computes after counting).

    Use it when the counts were summed elsewhere, e.g. over the chunks of a corpus
    too large to hold its tokens in memory (:func:`analysis.pipeline.keyness_from_counts`).

    Parameters
    ----------
    counts
        One row per term, one column per group: the term's count in the group.
    totals
        Running words per group (the denominators), indexed like ``counts.columns``.
    targets
        Groups to score; default every group.
    reference
        ``None`` (each target against the rest), a group, or ``"wordfreq"`` (general German).
    measure, min_count, correction, g2_form, prior, prior_strength, reference_size, unit
        As in :func:`compare`.
    annotated
        The annotated tokens behind the counts; needed against general German
        (to find a lemma's word forms) and for ``prior="wordfreq"``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`, as :func:`compare`.
    """
    groups = [str(g) for g in totals.index]
    general = reference is not None and str(reference) in _GENERAL
    targets = groups if targets is None else [str(t) for t in targets]
    if general:
        ref_freq = _general_reference(annotated, counts.index, unit)
    frames = []
    term_all = counts.index.to_numpy()
    try:  # each term's place in sorted order, once (sorting strings per target was the slow part)
        term_rank = np.empty(len(term_all), dtype=np.int64)
        term_rank[np.argsort(term_all, kind="stable")] = np.arange(len(term_all))
    except TypeError:  # terms that do not compare with each other: let pandas sort
        term_rank = None
    for t in targets:
        a = counts[t].to_numpy(dtype=float)
        n_t = float(totals[t])
        if general:
            b = ref_freq.reindex(counts.index).to_numpy(dtype=float) * reference_size
            n_r = float(reference_size)
            label = "general German (wordfreq)"
            keep = a >= min_count
        else:
            others = [g for g in groups if g != t] if reference is None else [str(reference)]
            b = counts[others].to_numpy(dtype=float).sum(axis=1)
            n_r = float(totals[others].sum())
            label = others[0] if len(others) == 1 else "rest (" + ", ".join(others) + ")"
            keep = (a + b >= min_count) & (a + b > 0)
        a, b = a[keep], b[keep]
        term = term_all[keep]
        stat, p = _measure(measure, a, b, n_t, n_r, correction, g2_form, prior, prior_strength, term, annotated, unit)
        size = len(term)
        columns = {
            "target": _repeat(t, size),
            "reference": _repeat(label, size),
            "term": term,
            "n_target": a.astype(int),
            "n_reference": b if general else b.astype(int),
            "total_target": np.full(size, int(n_t), dtype=np.int64),
            "total_reference": np.full(size, n_r, dtype=float) if general else np.full(size, int(n_r), dtype=np.int64),
            "per_1000_target": 1000 * a / n_t,
            "per_1000_reference": 1000 * b / n_r,
            "stat": np.asarray(stat),
            "p": np.asarray(p),
            "effect": log_ratio(a, b, n_t, n_r),
            "measure": _repeat(measure, size),
        }
        if term_rank is None:
            frame = pd.DataFrame({"stat": columns["stat"], "term": term})
            order = frame.sort_values(["stat", "term"], ascending=[False, True], kind="stable").index.to_numpy()
        else:  # the same order: descending stat (NaN last), then term
            order = _order(np.asarray(stat, dtype=float), term_rank[keep])
        frames.append({name: values[order] for name, values in columns.items()})
    if not frames:
        return pd.DataFrame(columns=COLUMNS)[COLUMNS]
    # one table from the targets' columns (what concatenating one table per target gave, built once)
    return pd.DataFrame({name: np.concatenate([f[name] for f in frames]) for name in COLUMNS})


def _repeat(value: str, size: int) -> np.ndarray:
    """An object array holding ``value`` ``size`` times (one object, as a table column of a scalar;
    ``np.full`` would make a new string per element)."""
    out = np.empty(size, dtype=object)
    out.fill(value)
    return out


def _order(stat: np.ndarray, term_rank: np.ndarray) -> np.ndarray:
    """Row order of ``sort_values(["stat", "term"], ascending=[False, True])``: NaN stats last, then by term."""
    nan = np.isnan(stat)
    key = np.where(nan, 0.0, -stat)
    return np.lexsort((term_rank, key, nan))


def _general_reference(ann: pd.DataFrame, terms_index: pd.Index, unit: str) -> pd.Series:
    """Reference proportion per term from wordfreq (lemmas: sum over their observed forms)."""
    rows = ann[ann["term"].notna()]
    pairs = pd.DataFrame({"term": rows["term"].astype(str), "form": rows["lower"].astype(str)}).drop_duplicates()
    pairs = pd.concat([pairs, pd.DataFrame({"term": terms_index.astype(str), "form": terms_index.astype(str).str.lower()})])
    pairs = pairs.drop_duplicates()
    freq = general_german(pairs["form"])
    pairs["f"] = pairs["form"].map(freq).fillna(0.0)
    out = pairs.groupby("term")["f"].sum()
    floor = _general_floor()
    return out.where(out > 0, floor)


def _chi2_sf(value: np.ndarray) -> np.ndarray:
    """``scipy.stats.chi2.sf(value, df=1)`` (the same function, ``special.chdtrc``), without
    importing ``scipy.stats`` (a second of start-up); 1 for values at or below 0.

    Evaluated once per distinct value: a corpus's statistics repeat a lot (every
    term seen once in the target and never in the rest has the same G²), and the
    function costs about a microsecond per value (10kGNAD, 354,150 values: 21,603
    distinct, 12x less time). The results are the same values.
    """
    x = np.maximum(np.asarray(value, dtype=float), 0.0)
    if x.size < 1024:
        return special.chdtrc(1, x)
    distinct, inverse = np.unique(x, return_inverse=True)
    return special.chdtrc(1, distinct)[inverse].reshape(x.shape)


def _norm_sf(z: np.ndarray) -> np.ndarray:
    """``scipy.stats.norm.sf(z)`` (the same function, ``special.ndtr(-z)``)."""
    return special.ndtr(-np.asarray(z, dtype=float))


def _measure(measure, a, b, n_t, n_r, correction, g2_form, prior, prior_strength, term, ann, unit):
    sign = np.sign(a / n_t - b / n_r)
    if measure == "g2":
        value = g2(a, b, n_t, n_r, form=g2_form, correction=correction)
        return sign * value, _chi2_sf(value)
    if measure == "chi2":
        value = chi2(a, b, n_t, n_r, correction=correction)
        return sign * value, _chi2_sf(value)
    if measure == "log_ratio":
        return log_ratio(a, b, n_t, n_r), np.full(len(a), np.nan)
    if measure == "pct_diff":
        return pct_diff(a, b, n_t, n_r), np.full(len(a), np.nan)
    # log-odds with informative Dirichlet prior
    alpha0 = float(prior_strength) if prior_strength is not None else float(len(a))
    if isinstance(prior, pd.Series):
        base = prior.reindex(term).fillna(0.0).to_numpy(dtype=float)
    elif prior == "corpus":
        base = a + b
    elif prior in _GENERAL:
        base = _general_reference(ann, pd.Index(term), unit).reindex(term).to_numpy(dtype=float)
    else:
        raise ValueError(f"prior={prior!r} is not known; use 'corpus', 'wordfreq' or a Series of counts by term")
    share = base / base.sum() if base.sum() > 0 else np.full(len(base), 1.0 / max(len(base), 1))
    alpha = alpha0 * share + 0.01
    z = log_odds_prior(a, b, n_t, n_r, alpha, alpha0 + 0.01 * len(alpha))
    return z, 2 * _norm_sf(np.abs(z))


# ---------------------------------------------------------------------------------------------
# evidence


def evidence(
    data: pd.DataFrame,
    result: pd.DataFrame,
    *,
    n_terms: int = 5,
    n_lines: int = 2,
    window: int = 6,
    direction: str = "over",
) -> pd.DataFrame:
    """Keyword-in-context lines behind the top key terms of each target.

    Parameters
    ----------
    data
        The tokens (or sentences/articles) given to :func:`compare`.
    result
        The output of :func:`compare` (its ``attrs`` say which ``by`` and ``unit`` to use).
    n_terms
        Key terms per target.
    n_lines
        Example lines per term (the first ones in the data).
    window
        Tokens of context on each side.
    direction
        ``"over"``: terms the target over-uses (lines from the target's
        documents); ``"under"``: terms it under-uses (lines from the reference).

    Returns
    -------
    pandas.DataFrame
        ``target``, ``term``, ``stat``, ``effect`` and the :func:`analysis.terms.kwic`
        columns (``doc_id``, ``outlet``, ``sentence_id``, ``left``, ``keyword``, ``right``, ...).
    """
    _terms._check_choice("direction", direction, ("over", "under"))
    by = result.attrs.get("by", "outlet")
    unit = result.attrs.get("unit", "lemma")
    columns = ["target", "term", "stat", "effect", "doc_id", "outlet", "sentence_id", "token_id", "left", "keyword", "right", "start", "end"]
    toks = _terms.as_tokens(data, by=by)
    ann = _terms._annotated(toks, unit, result.attrs.get("stopwords", True)).reset_index(drop=True)
    general = bool(len(result)) and str(result["reference"].iat[0]).startswith("general")
    if direction == "under" and general:
        return pd.DataFrame(columns=columns)  # general German has no lines to show
    if direction == "over":
        top = result[result["stat"] > 0].groupby("target", sort=False).head(n_terms)
    else:
        top = result[result["stat"] < 0].iloc[::-1].groupby("target", sort=False).head(n_terms)
    top = top[["target", "term", "stat", "effect"]].reset_index(drop=True)
    top["order"] = np.arange(len(top))
    if top.empty:
        return pd.DataFrame(columns=columns)
    # the first n_lines rows of each top term in the target's (or, "under", the others') documents
    rows = np.flatnonzero(pd.Series(ann["term"].to_numpy(), dtype=object).isin(set(top["term"])).to_numpy())
    row_terms = ann["term"].to_numpy()[rows]
    row_groups = ann[by].iloc[rows].astype(str).to_numpy()
    picked, of_top = [], []
    for i, (term, target) in enumerate(zip(top["term"].tolist(), top["target"].astype(str).tolist())):
        mine = row_groups == target
        sel = rows[(row_terms == term) & (mine if direction == "over" else ~mine)][:n_lines]
        picked.append(sel)
        of_top.append(np.full(len(sel), i, dtype=np.int64))
    lay = _terms._layout(ann)
    lines = _terms._contexts(ann, lay, np.concatenate(picked), 1, window)
    meta = top[["target", "term", "stat", "effect"]].iloc[np.concatenate(of_top)].reset_index(drop=True)
    out = pd.concat([meta, lines], axis=1)
    return out[[c for c in columns if c in out.columns]]
