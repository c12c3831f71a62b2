"""Readability and lexical diversity per article (or any grouping) — approximations.

All measures are computed from the shared tokens table, so words and sentences
are the same ones every other analysis sees:

* **Flesch reading ease, Amstad's German version** (Amstad 1978):
  ``180 − ASL − 58.5 × ASW`` with ASL the average sentence length in words and
  ASW the average syllables per word. Higher = easier (0–100 for most texts).
* **Erste Wiener Sachtextformel** (Bamberger & Vanecek 1984):
  ``0.1935 MS + 0.1672 SL + 0.1297 IW − 0.0327 ES − 0.875`` with MS the
  percentage of words with three or more syllables, SL the average sentence
  length, IW the percentage of words with more than six letters, ES the
  percentage of one-syllable words. Roughly a school grade (4 = easy, 15 = very hard).
* **TTR** (types / tokens) and **MATTR**, the moving-average type-token ratio
  over windows of ``window`` words (Covington & McFall 2010), which, unlike
  TTR, does not fall just because a text is longer. Texts shorter than the
  window get their TTR.

These are approximations: syllables are counted by rule, not from a
pronunciation dictionary (see :func:`syllables`); the formulas were fitted on
other texts decades ago; numbers and URLs are not words here; headlines and
captions count as sentences. Use them to compare outlets on the same story,
not as absolute grades. ``textstat`` implements the same two formulas on raw
text with its own word and sentence splitting and pyphen hyphenation; the tests
check that both agree where their splits agree.

References
----------
Amstad, T. (1978). *Wie verständlich sind unsere Zeitungen?* Dissertation, Universität Zürich.

Bamberger, R., & Vanecek, E. (1984). *Lesen – Verstehen – Lernen – Schreiben.
Die Schwierigkeitsstufen von Texten in deutscher Sprache.* Jugend und Volk.

Covington, M. A., & McFall, J. D. (2010). Cutting the Gordian knot: The
moving-average type–token ratio (MATTR). *Journal of Quantitative
Linguistics*, 17(2), 94–100.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from . import terms as _terms

__all__ = ["syllables", "mattr", "score"]

_VOWELS = "aeiouäöüy"
# vowel pairs that form one syllable nucleus in German (diphthongs, long vowels, "ie")
_ONE_NUCLEUS = ("ai", "au", "äu", "ei", "eu", "ey", "ie", "aa", "ee", "oo", "ay", "oi", "ui")
_VOWEL_RUN = re.compile(f"[{_VOWELS}]+")


def _syllables_rule(word: str) -> int:
    w = word.lower().replace("qu", "qw")  # the u of "qu" is no vowel
    # "ie" is one vowel, except before "ll" (of-fi-zi-ell) and in a final "-ien" (Kri-te-ri-en)
    w = re.sub(r"ie(?=ll)", "iä", w)
    if len(w) > 5:
        w = re.sub(r"ien$", "iän", w)
    count = 0
    for run in _VOWEL_RUN.findall(w):
        i = 0
        while i < len(run):
            if run[i : i + 2] in _ONE_NUCLEUS and not (run[i : i + 2] == "ie" and i + 2 < len(run)):
                i += 2
            else:
                i += 1
            count += 1
    if count == 0 and any(ch.isalpha() for ch in w):
        count = 1
    return count


def _syllables_pyphen(word: str) -> int:
    import pyphen

    global _PYPHEN
    try:
        dic = _PYPHEN
    except NameError:
        dic = _PYPHEN = pyphen.Pyphen(lang="de_DE")
    return len(dic.positions(word.lower())) + 1


def syllables(words: Iterable[str], *, method: str = "rule") -> pd.Series:
    """Syllables per word, computed once per distinct word.

    Parameters
    ----------
    words
        Word forms.
    method
        ``"rule"`` (default): vowel groups, with diphthongs and long vowels
        (``ei``, ``au``, ``eu``, ``äu``, ``ie``, ``aa``, ``ee``, ``oo``) as one
        nucleus. ``"pyphen"``: hyphenation points + 1 from the LibreOffice
        German hyphenation patterns via pyphen, as textstat does. Both are
        approximations; the README reports their agreement with hand counts.

    Returns
    -------
    pandas.Series
        Index: the distinct words; values: syllable counts (at least 1).
    """
    _terms._check_choice("method", method, ("rule", "pyphen"))
    uniq = pd.unique(pd.Series(list(words), dtype=object).astype(str))
    func = _syllables_rule if method == "rule" else _syllables_pyphen
    return pd.Series([func(w) for w in uniq], index=pd.Index(uniq, name="word"), dtype=int, name="syllables")


def mattr(codes: np.ndarray, groups: np.ndarray, window: int = 50) -> pd.Series:
    """Moving-average type-token ratio per group, vectorised.

    For each token ``i`` let ``prev[i]`` be the previous position of the same
    type in its group. The number of distinct types in the window starting at
    ``s`` is the number of positions ``i`` in ``[s, s + W)`` with
    ``prev[i] < s``; summing over windows, token ``i`` is counted in the windows
    ``s`` from ``max(prev[i] + 1, i − W + 1)`` to ``min(i, L − W)``. So MATTR is
    one pass of array arithmetic, without looping over windows.

    Parameters
    ----------
    codes
        Integer type codes of the word tokens, in text order, groups contiguous.
    groups
        Group label of each token (contiguous runs).
    window
        Window length ``W`` in tokens.

    Returns
    -------
    pandas.Series
        MATTR per group (TTR for groups shorter than the window).

    References
    ----------
    Covington, M. A., & McFall, J. D. (2010). Cutting the Gordian knot: The
    moving-average type–token ratio (MATTR). *Journal of Quantitative Linguistics*, 17(2), 94–100.
    """
    codes = np.asarray(codes, dtype=np.int64)
    gcode, glabels = pd.factorize(pd.Series(groups))
    n = len(codes)
    if n == 0:
        return pd.Series(dtype=float)
    start_of_group = np.r_[True, gcode[1:] != gcode[:-1]]
    gstart = np.maximum.accumulate(np.where(start_of_group, np.arange(n), 0))
    pos = np.arange(n) - gstart
    length = np.bincount(gcode)[gcode]
    # previous occurrence of the same type within the group (-1 if none)
    key = gcode.astype(np.int64) * (int(codes.max()) + 1) + codes
    order = np.lexsort((np.arange(n), key))
    prev = np.full(n, -1, dtype=np.int64)
    same = key[order][1:] == key[order][:-1]
    prev[order[1:][same]] = pos[order[:-1][same]]
    w = np.minimum(window, length)
    lo = np.maximum(prev + 1, pos - w + 1)
    hi = np.minimum(pos, length - w)
    contrib = np.clip(hi - lo + 1, 0, None)
    total = np.bincount(gcode, weights=contrib)
    glen = np.bincount(gcode)
    gw = np.minimum(window, glen)
    n_windows = glen - gw + 1
    values = total / (n_windows * gw)
    return pd.Series(values, index=pd.Index(glabels, name="group"), name="mattr")


def score(
    data: pd.DataFrame,
    *,
    by: str | Sequence[str] = "doc_id",
    window: int = 50,
    syllable_method: str = "rule",
) -> pd.DataFrame:
    """Readability and lexical diversity per group (default: per article).

    Parameters
    ----------
    data
        Tokens, sentences or articles.
    by
        Grouping column(s); ``"doc_id"`` gives one row per article, ``"outlet"``
        pools each outlet's articles (MATTR then runs over the concatenated texts).
    window
        MATTR window in words.
    syllable_method
        ``"rule"`` or ``"pyphen"`` (see :func:`syllables`).

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, ``n_sentences``, ``n_words``, ``n_syllables``,
        ``words_per_sentence``, ``syllables_per_word``, ``pct_3plus_syllables``,
        ``pct_long_words`` (> 6 letters), ``pct_1_syllable``, ``flesch_amstad``,
        ``wiener_sachtextformel``, ``ttr``, ``mattr``.

    References
    ----------
    Amstad (1978); Bamberger & Vanecek (1984); Covington & McFall (2010) — see the module docstring.
    """
    by = _terms._as_list(by)
    toks = _terms.as_tokens(data, by=by)
    words = toks[toks["kind"] == "word"]
    if words.empty:
        raise ValueError("score(): the data has no word tokens")
    low = words["lower"].astype(str)
    codes, uniq = pd.factorize(low)
    syl_u = syllables(uniq, method=syllable_method).to_numpy()
    syl = syl_u[codes]
    letters = low.str.len().to_numpy()
    sent_key = words["doc_id"].astype(str) + "\x1f" + words["sentence_id"].astype(str)
    frame = pd.DataFrame(
        {
            **{b: words[b].to_numpy() for b in by},
            "sent": sent_key.to_numpy(),
            "syl": syl,
            "poly": syl >= 3,
            "mono": syl == 1,
            "long": letters > 6,
        }
    )
    g = frame.groupby(by, sort=True)
    out = pd.DataFrame(
        {
            "n_sentences": g["sent"].nunique(),
            "n_words": g.size(),
            "n_syllables": g["syl"].sum(),
            "pct_3plus_syllables": 100 * g["poly"].mean(),
            "pct_long_words": 100 * g["long"].mean(),
            "pct_1_syllable": 100 * g["mono"].mean(),
        }
    )
    out["words_per_sentence"] = out["n_words"] / out["n_sentences"]
    out["syllables_per_word"] = out["n_syllables"] / out["n_words"]
    out["flesch_amstad"] = 180 - out["words_per_sentence"] - 58.5 * out["syllables_per_word"]
    out["wiener_sachtextformel"] = (
        0.1935 * out["pct_3plus_syllables"]
        + 0.1672 * out["words_per_sentence"]
        + 0.1297 * out["pct_long_words"]
        - 0.0327 * out["pct_1_syllable"]
        - 0.875
    )
    # diversity: group rows must be contiguous for MATTR; sort stably by group
    gkey = frame[by].astype(str).agg("\x1f".join, axis=1) if len(by) > 1 else frame[by[0]].astype(str)
    order = np.argsort(pd.factorize(gkey, sort=True)[0], kind="stable")
    m = mattr(codes[order], gkey.to_numpy()[order], window=window)
    ttr = pd.Series(codes).groupby(gkey.to_numpy()).nunique() / pd.Series(codes).groupby(gkey.to_numpy()).size()
    out = out.reset_index()
    key_out = out[by].astype(str).agg("\x1f".join, axis=1) if len(by) > 1 else out[by[0]].astype(str)
    out["ttr"] = key_out.map(ttr).to_numpy()
    out["mattr"] = key_out.map(m).to_numpy()
    cols = [
        *by,
        "n_sentences",
        "n_words",
        "n_syllables",
        "words_per_sentence",
        "syllables_per_word",
        "pct_3plus_syllables",
        "pct_long_words",
        "pct_1_syllable",
        "flesch_amstad",
        "wiener_sachtextformel",
        "ttr",
        "mattr",
    ]
    return out[cols]
