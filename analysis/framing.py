"""Frame coding with a dictionary codebook, with the evidence for every decision.

The coder applies a YAML codebook (:mod:`analysis.codebook`) to any table with
a text column, usually the sentences from :func:`analysis.corpus.sentences`:

>>> coded = framing.code(sentences)                    # one boolean column per frame
>>> hits = framing.evidence(sentences)                 # one row per indicator match

How matching works (fast on large corpora)
------------------------------------------
Texts are split into tokens once with the shared tokeniser
(:func:`analysis.tokens.tokenize`). Word indicators (``lemma``, ``word``,
``glob``) are compiled to regular expressions and matched against the
*vocabulary* (each distinct lower-cased word once, and each part of a
hyphenated compound), not against every token; the matches are then joined
back onto the tokens with NumPy indexing. Phrases are checked as consecutive
words, proximity rules (``near``) with sorted position arrays. The cost is
one pass over the tokens plus one regex pass over the vocabulary, which grows
far more slowly than the corpus.

Negation and quotes
-------------------
A match is *negated* when one of the codebook's negation words (``nicht``,
``kein`` ...) stands up to ``negation.window`` words before it in the same
unit, unless that word starts an exception such as ``nicht nur`` or ``nicht
viel mehr als``. A match is *quoted* when it lies inside quotation marks
(``„…“``, ``“…”``, ``»…«``, ``"…"``). Each indicator says what that means for
it (``negation: drop|keep``, ``quotes: keep|drop|only``); matches that do not
count are still listed in the evidence with ``counted = False``.

References
----------
Entman, R. M. (1993). Framing: Toward clarification of a fractured paradigm.
*Journal of Communication*, 43(4), 51-58.

Semetko, H. A., & Valkenburg, P. M. (2000). Framing European politics: A
content analysis of press and television news. *Journal of Communication*,
50(2), 93-109.

Matthes, J., & Kohring, M. (2008). The content analysis of media frames:
Toward improving reliability and validity. *Journal of Communication*, 58(2),
258-279.
"""
from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import actors as actors_mod
from . import codebook as cbm
from . import tokens as tokens_mod
from .codebook import Codebook, Indicator

__all__ = [
    "DEFAULT_CODEBOOK",
    "EVIDENCE_COLUMNS",
    "code",
    "evidence",
    "frame_columns",
    "profile",
    "article_profile",
    "cooccurrence",
    "markers",
    "quotes",
    "sources",
    "actor_frames",
    "actor_summary",
    "examples",
]

#: The codebook used when none is given: the seven story frames of a technology partnership.
DEFAULT_CODEBOOK = "tech-partnership"
#: The hedging and attribution markers (a codebook of the same format).
MARKER_CODEBOOK = "hedging"

#: Columns of the evidence table.
EVIDENCE_COLUMNS = [
    "row", "frame", "item", "indicator", "type", "match", "start", "end", "negated", "quoted", "counted",
]

_WORD_KINDS = ("word", "number")
_QUOTE_SPAN = re.compile(
    r"„[^“”\"„]*(?:[“”\"]|$)"      # German „…“ (also closed by ” or ")
    r"|“[^”„“]*(?:”|$)"            # English “…”
    r"|»[^«»]*(?:«|$)"            # German »…«
    r"|«[^»«]*(?:»|$)"            # Swiss/French «…»
    r"|\"[^\"]*(?:\"|$)"           # straight quotes
)
_QUOTE_CHARS = re.compile(r"[„“”»«\"]")


# ------------------------------------------------------------------------------------------------
# Term patterns


_NOUN_ENDINGS = "e|en|er|ern|es|n|s|ns|in|innen"
_ADJ_ENDINGS = "e|em|en|er|es|ere|erem|eren|erer|eres|ste|stem|sten|ster|stes|este|estem|esten|ester|estes"
_VERB_ENDINGS = "e|e|est|st|t|et|en|end|ende|endem|enden|ender|endes|te|test|ten|tet|tete|teten|etest|eten|ete"
_PART_ENDINGS = "|e|em|en|er|es"
_SEPARABLE = ("zurück", "heraus", "vorbei", "weiter", "voran", "an", "auf", "aus", "bei", "ein", "mit", "nach",
              "vor", "zu", "weg", "fest", "dar", "her", "hin", "los")


def _lemma_forms(term: str) -> list[tuple[str, str]]:
    """Regexes (lower case) for a German base form and its regular inflections, each with its literal prefix."""
    low = term.lower()
    if term[:1].isupper():  # noun
        return [(f"{re.escape(low)}(?:{_NOUN_ENDINGS})?", low)]
    if low.endswith(("eln", "ern")) or (low.endswith("en") and len(low) > 4):  # verb
        stem = low[:-1] if low.endswith(("eln", "ern")) else low[:-2]
        s = re.escape(stem)
        forms = [(f"{s}(?:{_VERB_ENDINGS})?", stem), (f"ge{s}(?:t|et|en)(?:{_PART_ENDINGS})?", "ge" + stem)]
        if stem.startswith(("be", "ge", "er", "ver", "zer", "ent", "emp", "miss")) or stem.endswith("ier"):
            forms.append((f"{s}(?:t|et)(?:{_PART_ENDINGS})", stem))
        for prefix in _SEPARABLE:
            rest = stem[len(prefix):]
            if stem.startswith(prefix) and len(rest) >= 3:
                p, r = re.escape(prefix), re.escape(rest)
                forms.append((f"{p}ge{r}(?:t|et|en)(?:{_PART_ENDINGS})?", prefix + "ge" + rest))
                forms.append((f"{p}zu{r}en", prefix + "zu" + rest))
                break
        return forms
    # adjective, adverb, particle; -el/-er adjectives drop the e when inflected (teuer -> teure, dunkel -> dunkle)
    forms = [(f"{re.escape(low)}(?:{_ADJ_ENDINGS})?", low)]
    if low.endswith(("er", "el")) and len(low) > 3:
        elided = low[:-2] + low[-1]
        forms.append((f"{re.escape(elided)}(?:{_ADJ_ENDINGS})", elided))
    return forms


def _lemma_regex(term: str) -> str:
    """One regex (lower case) for a German base form and its regular inflections."""
    return "(?:" + "|".join(rx for rx, _ in _lemma_forms(term)) + ")"


_ANY_WORD = r"[\w'’\-]*"


def _glob_regex(term: str) -> str:
    out = []
    for ch in term.lower():
        if ch == "*":
            out.append(r"[\w'’\-]*")
        elif ch == "?":
            out.append(r"\w")
        else:
            out.append(re.escape(ch))
    return "".join(out)


@functools.lru_cache(maxsize=None)
def _specs(word: str, kind: str) -> tuple[tuple[str, str, str], ...]:
    """A term as ``(regex, anchor, where)`` alternatives: the anchor is a literal that every match
    starts with (``where="prefix"``), ends with (``"suffix"``) or contains (``"infix"``), so only the
    words sharing it need a regex test."""
    if kind == "lemma":
        return tuple((rx, prefix, "prefix") for rx, prefix in _lemma_forms(word))
    low = word.lower()
    if kind == "word" or not re.search(r"[*?]", low):
        return ((re.escape(low), low, "prefix"),)
    runs = re.split(r"[*?]", low)
    rx = _glob_regex(word)
    if rx == _ANY_WORD:
        return ((rx, "", ""),)
    if len(runs[0]) >= 2:
        return ((rx, runs[0], "prefix"),)
    if len(runs[-1]) >= 2:
        return ((rx, runs[-1], "suffix"),)
    longest = max(runs, key=len)
    return ((rx, longest, "infix" if longest else ""),)


# ------------------------------------------------------------------------------------------------
# The matching engine


@dataclass
class _Words:
    """The word tokens of all units, as flat arrays in reading order."""

    row: np.ndarray        # unit (row of the input) of each word
    first: np.ndarray      # global index of the first word of the word's unit
    last: np.ndarray       # global index of the last word of the word's unit
    type_id: np.ndarray    # index into `types`
    start: np.ndarray      # offsets into the unit's text
    end: np.ndarray
    types: pd.Series       # distinct lower-cased words
    parts: pd.DataFrame    # type_id, part: the parts of hyphenated types

    def __len__(self) -> int:
        return len(self.row)


def _words(texts: pd.Series, tokens: pd.DataFrame | None) -> _Words:
    if tokens is None:
        frame = pd.DataFrame({"text": texts.to_numpy()})
        tokens = tokens_mod.tokenize(frame)
        tokens = tokens[tokens["kind"].isin(_WORD_KINDS)]
        row = tokens["doc_id"].astype(np.int64).to_numpy()
        start = tokens["start"].to_numpy(dtype=np.int64)
        end = tokens["end"].to_numpy(dtype=np.int64)
    else:
        row = tokens["_row"].to_numpy(dtype=np.int64)
        start = tokens["start"].to_numpy(dtype=np.int64) - tokens["_base"].to_numpy(dtype=np.int64)
        end = tokens["end"].to_numpy(dtype=np.int64) - tokens["_base"].to_numpy(dtype=np.int64)
    codes, uniques = pd.factorize(tokens["lower"].to_numpy())
    types = pd.Series(uniques, dtype=object)
    n = len(row)
    if n:
        change = np.flatnonzero(np.r_[True, row[1:] != row[:-1]])
        lengths = np.diff(np.r_[change, n])
        first = np.repeat(change, lengths)
        last = np.repeat(change + lengths - 1, lengths)
    else:
        first = last = np.zeros(0, dtype=np.int64)
    hyphenated = types[types.str.contains("-", regex=False)]
    parts = hyphenated.str.split("-").explode()
    parts = pd.DataFrame({"type_id": parts.index.to_numpy(dtype=np.int64), "part": parts.to_numpy()})
    parts = parts[parts["part"].str.len() > 0]
    return _Words(row, first, last, codes.astype(np.int64), start, end, types, parts)


@functools.lru_cache(maxsize=None)
def _compiled(regex: str) -> re.Pattern:
    """A term's regex, compiled once per process (a codebook has more than ``re``'s cache holds)."""
    return re.compile(regex)


class _Vocabulary:
    """Regex matching against the distinct words (and compound parts) once each.

    Words are kept sorted (and sorted reversed), so the words sharing a term's
    literal prefix or suffix are found by binary search; only those get a regex
    test. A term is matched on a whole word or on any part of a hyphenated compound.
    """

    def __init__(self, words: _Words):
        self.ntypes = len(words.types)
        strings = words.types.tolist() + words.parts["part"].tolist()
        ids = np.concatenate([np.arange(self.ntypes, dtype=np.int64), words.parts["type_id"].to_numpy(dtype=np.int64)])
        self.strings, self.ids = strings, ids
        order = sorted(range(len(strings)), key=strings.__getitem__)
        self.fwd = [strings[i] for i in order]
        self.fwd_ids = ids[np.asarray(order, dtype=np.int64)]
        rev = [x[::-1] for x in strings]
        order = sorted(range(len(rev)), key=rev.__getitem__)
        self.bwd = [rev[i] for i in order]
        self.bwd_ids = ids[np.asarray(order, dtype=np.int64)]
        self._cache: dict[tuple[str, str, str], np.ndarray] = {}
        self._joined: str | None = None
        self._offsets = np.zeros(0, dtype=np.int64)

    def _candidates(self, anchor: str, where: str) -> tuple[list[str], np.ndarray]:
        if where in ("prefix", "suffix"):
            keys, ids = (self.fwd, self.fwd_ids) if where == "prefix" else (self.bwd, self.bwd_ids)
            key = anchor if where == "prefix" else anchor[::-1]
            lo, hi = bisect.bisect_left(keys, key), bisect.bisect_left(keys, key + "\U0010ffff")
            cand = keys[lo:hi]
            return ([c[::-1] for c in cand] if where == "suffix" else cand), ids[lo:hi]
        if where == "infix":
            if self._joined is None:
                self._joined = "\n".join(self.strings)
                self._offsets = np.cumsum([0] + [len(x) + 1 for x in self.strings[:-1]])
            pos = np.fromiter((m.start() for m in re.finditer(re.escape(anchor), self._joined)), dtype=np.int64)
            idx = np.unique(np.searchsorted(self._offsets, pos, side="right") - 1)
            return [self.strings[i] for i in idx], self.ids[idx]
        return self.strings, self.ids

    def spec_mask(self, regex: str, anchor: str, where: str) -> np.ndarray:
        """Boolean array over all types for one ``(regex, anchor, where)`` alternative."""
        key = (regex, anchor, where)
        if key not in self._cache:
            if regex == _ANY_WORD:
                out = np.ones(self.ntypes, dtype=bool)
            else:
                out = np.zeros(self.ntypes, dtype=bool)
                cand, ids = self._candidates(anchor, where)
                if cand:
                    match = _compiled(regex).fullmatch
                    hit = np.fromiter((match(c) is not None for c in cand), dtype=bool, count=len(cand))
                    out[ids[hit]] = True
            self._cache[key] = out
        return self._cache[key]

    def mask(self, terms: Sequence[str], kind: str) -> np.ndarray:
        """Boolean array over all types: the type (or a part of it) matches one of the terms."""
        out = np.zeros(self.ntypes, dtype=bool)
        for term in terms:
            for spec in _specs(term, kind):
                out |= self.spec_mask(*spec)
        return out


def _phrase_starts(words: _Words, masks: list[np.ndarray]) -> np.ndarray:
    """Global word indices where a sequence of word masks matches consecutively within a unit."""
    pos = np.flatnonzero(masks[0][words.type_id])
    k = len(masks)
    if k > 1 and len(pos):
        pos = pos[pos + k - 1 <= words.last[pos]]
        for j in range(1, k):
            if not len(pos):
                break
            pos = pos[masks[j][words.type_id[pos + j]]]
    return pos


def _phrase_masks(vocab: _Vocabulary, term: str, kind: str) -> list[np.ndarray]:
    return [vocab.mask([w], kind) for w in term.split(" ")]


def _negated(words: _Words, vocab: _Vocabulary, cb: Codebook) -> np.ndarray:
    """For every word: is there a negation word within the window before it (same unit)?"""
    n = len(words)
    if not n or cb.negation.window == 0:
        return np.zeros(n, dtype=bool)
    neg_mask = vocab.mask(cb.negation.words, "word")
    # a compound part does not negate: only whole words count
    neg_whole = np.zeros_like(neg_mask)
    neg_types = set(w.lower() for w in cb.negation.words)
    idx = np.flatnonzero(neg_mask)
    neg_whole[idx[np.isin(words.types.iloc[idx].to_numpy(), list(neg_types))]] = True
    flag = neg_whole[words.type_id].copy()
    for phrase in cb.negation.except_:
        masks = _phrase_masks(vocab, phrase, "word")
        for p in _phrase_starts(words, masks):
            flag[p:p + len(masks)] = False
    cs = np.r_[0, np.cumsum(flag)]
    g = np.arange(n)
    lo = np.maximum(words.first, g - cb.negation.window)
    return (cs[g] - cs[lo]) > 0


def _quote_spans(texts: pd.Series) -> dict[int, list[tuple[int, int]]]:
    has = texts.str.contains(_QUOTE_CHARS, regex=True).to_numpy(dtype=bool)
    spans: dict[int, list[tuple[int, int]]] = {}
    for i in np.flatnonzero(has):
        found = [(m.start(), m.end()) for m in _QUOTE_SPAN.finditer(texts.iat[i]) if m.end() - m.start() > 1]
        if found:
            spans[int(i)] = found
    return spans


def _match(
    texts: pd.Series, cb: Codebook, tokens: pd.DataFrame | None = None
) -> pd.DataFrame:
    """All indicator matches of a codebook in a series of texts (positional rows)."""
    words = _words(texts, tokens)
    vocab = _Vocabulary(words)
    negated = _negated(words, vocab, cb)
    pieces = []
    for frame in cb.frames:
        groups = [("", frame.indicators)] + [(item.id, item.indicators) for item in frame.items]
        for item, inds in groups:
            for ind in inds:
                pieces.append(_match_indicator(words, vocab, ind, frame.id, item, negated))
    hits = _stack(pieces) if pieces else pd.DataFrame(columns=EVIDENCE_COLUMNS)
    hits = hits.drop_duplicates(["row", "frame", "item", "indicator", "start", "end"])
    # the text matched, from the unit's own text
    text_arr = texts.to_numpy()
    hits["match"] = [text_arr[r][s:e] for r, s, e in zip(hits["row"], hits["start"], hits["end"])]
    spans = _quote_spans(texts)
    quoted = np.zeros(len(hits), dtype=bool)
    if spans:
        for k, (r, s) in enumerate(zip(hits["row"].to_numpy(), hits["start"].to_numpy())):
            for a, b in spans.get(int(r), ()):
                if a <= s < b:
                    quoted[k] = True
                    break
    hits["quoted"] = quoted
    neg_effect = hits["_negation"].to_numpy()
    quote_effect = hits["_quotes"].to_numpy()
    counted = ~((neg_effect == "drop") & hits["negated"].to_numpy())
    counted &= ~((quote_effect == "drop") & quoted)
    counted &= ~((quote_effect == "only") & ~quoted)
    hits["counted"] = counted
    hits = hits.sort_values(["row", "start", "frame", "indicator"], kind="stable").reset_index(drop=True)
    return hits[EVIDENCE_COLUMNS]


def _match_indicator(
    words: _Words, vocab: _Vocabulary, ind: Indicator, frame: str, item: str, negated: np.ndarray
) -> pd.DataFrame:
    starts: list[np.ndarray] = []
    ends: list[np.ndarray] = []
    if ind.type in ("lemma", "word", "glob"):
        mask = vocab.mask(ind.terms, ind.type)
        pos = np.flatnonzero(mask[words.type_id])
        starts.append(pos)
        ends.append(pos)
    elif ind.type == "phrase":
        for term in ind.terms:
            masks = _phrase_masks(vocab, term, "glob")
            pos = _phrase_starts(words, masks)
            starts.append(pos)
            ends.append(pos + len(masks) - 1)
    elif ind.type == "near":
        a = np.flatnonzero(vocab.mask(ind.terms, "glob")[words.type_id])
        b = np.flatnonzero(vocab.mask(ind.near, "glob")[words.type_id])
        if len(a) and len(b):
            lo = np.maximum(words.first[a], a - ind.window)
            hi = np.minimum(words.last[a], a + ind.window)
            # nearest b to each a within [lo, hi], not the same word
            i = np.searchsorted(b, a)
            best = np.full(len(a), -1, dtype=np.int64)
            bestd = np.full(len(a), np.iinfo(np.int64).max)
            for cand_idx in (i - 1, i, i + 1):
                ok = (cand_idx >= 0) & (cand_idx < len(b))
                cand = np.where(ok, b[np.clip(cand_idx, 0, len(b) - 1)], -1)
                valid = ok & (cand != a) & (cand >= lo) & (cand <= hi)
                d = np.abs(cand - a)
                better = valid & (d < bestd)
                best[better] = cand[better]
                bestd[better] = d[better]
            keep = best >= 0
            a, best = a[keep], best[keep]
            starts.append(np.minimum(a, best))
            ends.append(np.maximum(a, best))
            # negation is judged at the indicator term, not at the near word
            neg_at = a
        else:
            neg_at = np.zeros(0, dtype=np.int64)
    s = np.concatenate(starts) if starts else np.zeros(0, dtype=np.int64)
    e = np.concatenate(ends) if ends else np.zeros(0, dtype=np.int64)
    at = neg_at if ind.type == "near" else s
    return {
        "row": words.row[s],
        "frame": frame,
        "item": item,
        "indicator": ind.id,
        "type": ind.type,
        "start": words.start[s],
        "end": words.end[e],
        "negated": negated[at] if len(at) else np.zeros(0, dtype=bool),
        "_negation": ind.negation,
        "_quotes": ind.quotes,
    }


def _stack(pieces: list[dict]) -> pd.DataFrame:
    """One table of the indicators' matches (:func:`_match_indicator`): array columns joined,
    text columns repeated per match."""
    sizes = np.array([len(p["row"]) for p in pieces], dtype=np.int64)
    columns = {}
    for name, value in pieces[0].items():
        if isinstance(value, np.ndarray):
            columns[name] = np.concatenate([p[name] for p in pieces])
        else:
            values = np.empty(len(pieces), dtype=object)
            values[:] = [p[name] for p in pieces]
            columns[name] = np.repeat(values, sizes)
    return pd.DataFrame(columns)


# ------------------------------------------------------------------------------------------------
# Public API: coding


def _check_text(data: pd.DataFrame, text: str, func: str) -> None:
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"{func}(): expected a DataFrame with a {text!r} column, got {type(data).__name__}")
    if text not in data.columns:
        raise KeyError(f"{func}(): no column {text!r}; available columns: {list(data.columns)}. "
                       f"Pass text=<the column holding the text>.")


def _shared_tokens(data: pd.DataFrame, tokens: pd.DataFrame | None) -> pd.DataFrame | None:
    """Attach each token of a shared token table to its row of ``data`` (None: tokenise anew)."""
    if tokens is None:
        return None
    missing = {"doc_id", "sentence_id", "token_id", "lower", "start", "end", "kind"} - set(tokens.columns)
    if missing:
        raise KeyError(f"tokens= needs the table from analysis.tokens.tokenize(data); missing columns {sorted(missing)}")
    n = len(data)
    keys = pd.DataFrame({
        "doc_id": data["doc_id"].to_numpy() if "doc_id" in data else np.arange(n).astype(str),
        "sentence_id": data["sentence_id"].to_numpy() if "sentence_id" in data else np.arange(n),
        "_row": np.arange(n),
        "_base": data["start"].to_numpy() if "start" in data else np.zeros(n, dtype=np.int64),
    })
    if keys.duplicated(["doc_id", "sentence_id"]).any():
        raise ValueError("tokens= needs one row per (doc_id, sentence_id) in data; tokenise this table instead "
                         "(leave tokens=None)")
    index = pd.MultiIndex.from_arrays([keys["doc_id"].to_numpy(), keys["sentence_id"].to_numpy()])
    row = tokens_mod.rows_of(tokens, index)
    keep = (row >= 0) & np.isin(tokens["kind"].to_numpy(), list(_WORD_KINDS))
    out = pd.DataFrame({
        "_row": row[keep],
        "token_id": tokens["token_id"].to_numpy()[keep],
        "lower": tokens["lower"].to_numpy()[keep],
        "start": tokens["start"].to_numpy()[keep],
        "end": tokens["end"].to_numpy()[keep],
    })
    out["_base"] = keys["_base"].to_numpy()[out["_row"].to_numpy()] if len(out) else np.zeros(0, dtype=np.int64)
    r = out["_row"].to_numpy()
    t = out["token_id"].to_numpy()
    in_order = len(out) < 2 or bool(np.all((r[1:] > r[:-1]) | ((r[1:] == r[:-1]) & (t[1:] > t[:-1]))))
    if not in_order:
        out = out.sort_values(["_row", "token_id"], kind="stable").reset_index(drop=True)
    return out


def _texts(data: pd.DataFrame, text: str) -> pd.Series:
    return data[text].fillna("").astype(str).reset_index(drop=True)


def evidence(
    data: pd.DataFrame,
    *,
    text: str = "text",
    codebook: str | Path | Codebook | dict = DEFAULT_CODEBOOK,
    keys: Sequence[str] = ("doc_id", "sentence_id"),
    tokens: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every indicator match of a codebook in the texts: the evidence behind :func:`code`.

    Parameters
    ----------
    data
        A table with a text column (sentences, paragraphs or whole articles).
    text
        The column holding the text.
    codebook
        A shipped codebook's name, a YAML path, a mapping or a loaded codebook.
    keys
        Columns of ``data`` copied into the evidence to identify the unit (those
        present are used).
    tokens
        The shared token table of the same rows (:func:`analysis.tokens.tokenize`),
        to avoid tokenising twice in a pipeline; tokenised here if omitted.

    Returns
    -------
    pandas.DataFrame
        One row per match: the key columns, ``row`` (position in ``data``),
        ``frame``, ``item`` (yes/no item, or ``""``), ``indicator``, ``type``,
        ``match`` (the words matched), ``start``/``end`` (offsets into the
        unit's text), ``negated``, ``quoted`` and ``counted`` (whether the match
        counts for the frame after the negation and quote rules).
    """
    _check_text(data, text, "evidence")
    cb = cbm.load(codebook)
    hits = _match(_texts(data, text), cb, _shared_tokens(data, tokens))
    key_cols = [k for k in keys if k in data.columns]
    if key_cols:
        ids = data[key_cols].reset_index(drop=True).iloc[hits["row"].to_numpy()].reset_index(drop=True)
        hits = pd.concat([ids, hits], axis=1)
    return hits


def frame_columns(codebook: str | Path | Codebook | dict = DEFAULT_CODEBOOK) -> list[str]:
    """The boolean frame columns :func:`code` adds for a codebook."""
    return cbm.load(codebook).frame_ids


def code(
    data: pd.DataFrame,
    *,
    text: str = "text",
    codebook: str | Path | Codebook | dict = DEFAULT_CODEBOOK,
    tokens: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Code every unit (row) for the frames of a codebook.

    Parameters
    ----------
    data
        A table with a text column: the sentences from
        :func:`analysis.corpus.sentences` for sentence codebooks, the articles
        for article codebooks (any table works).
    text
        The column holding the text.
    codebook
        A shipped codebook's name (:func:`analysis.codebook.available`), a
        YAML path, a mapping or a loaded codebook; default: the seven story
        frames of a technology partnership.
    tokens
        The shared token table of the same rows (:func:`analysis.tokens.tokenize`),
        to avoid tokenising twice in a pipeline; tokenised here if omitted.

    Returns
    -------
    pandas.DataFrame
        ``data`` (same rows, same order) plus one boolean column per frame id;
        for frames made of yes/no items also one boolean column per item
        (``<frame>_<item>``) and ``<frame>_score`` (share of items answered
        yes); and ``evidence``: the counted matches as
        ``"frame: match [start:end]; ..."`` (offsets into the unit's text).
        :func:`evidence` gives the same matches as a table.

    References
    ----------
    Semetko & Valkenburg (2000) for item-based frames; Matthes & Kohring
    (2008) on coding frames from their elements.
    """
    _check_text(data, text, "code")
    cb = cbm.load(codebook)
    clash = [f for f in cb.frame_ids if f in data.columns]
    out = data.copy()
    if clash:
        out = out.drop(columns=clash)
    hits = _match(_texts(data, text), cb, _shared_tokens(data, tokens))
    counted = hits[hits["counted"]]
    n = len(data)
    for frame in cb.frames:
        fh = counted[counted["frame"] == frame.id]
        if frame.items:
            yes = np.zeros(n, dtype=np.int64)
            for item in frame.items:
                rows = fh.loc[fh["item"] == item.id, "row"].unique()
                col = np.zeros(n, dtype=bool)
                col[rows] = True
                out[f"{frame.id}_{item.id}"] = col
                yes += col
            out[f"{frame.id}_score"] = yes / len(frame.items)
            out[frame.id] = yes >= frame.min_items
        else:
            count = np.bincount(fh["row"].to_numpy(dtype=np.int64), minlength=n)[:n] if len(fh) else np.zeros(n)
            out[frame.id] = count >= frame.min_hits
    ev = [""] * n
    if len(counted):
        labels = counted["frame"] + ": " + counted["match"] + " [" + counted["start"].astype(str) + ":" + \
            counted["end"].astype(str) + "]"
        labelled = pd.DataFrame({"row": counted["row"].to_numpy(), "label": labels.to_numpy()}).drop_duplicates()
        rows_arr = labelled["row"].to_numpy()  # sorted: hits are sorted by row
        label_list = labelled["label"].tolist()
        bounds = np.r_[0, np.flatnonzero(rows_arr[1:] != rows_arr[:-1]) + 1, len(rows_arr)]
        for a, b in zip(bounds[:-1], bounds[1:]):
            ev[int(rows_arr[a])] = "; ".join(label_list[a:b])
    out["evidence"] = ev
    return out


# ------------------------------------------------------------------------------------------------
# Profiles and co-occurrence


def _frame_ids(coded: pd.DataFrame, codebook) -> list[str]:
    ids = cbm.load(codebook).frame_ids
    missing = [f for f in ids if f not in coded.columns]
    if missing:
        raise KeyError(f"the table has no frame columns {missing}; code it first with framing.code(..., "
                       f"codebook=...) using the same codebook (columns: {list(coded.columns)})")
    return ids


def profile(
    coded: pd.DataFrame,
    *,
    by: str | Sequence[str] = "outlet",
    codebook: str | Path | Codebook | dict = DEFAULT_CODEBOOK,
    exclude_parts: Sequence[str] | None = ("caption",),
) -> pd.DataFrame:
    """Frame profiles: the share of units (sentences) carrying each frame, per group.

    Parameters
    ----------
    coded
        The result of :func:`code`.
    by
        Grouping column(s): ``"outlet"``, ``["outlet", "part"]``, ``"doc_id"``...
    codebook
        The codebook used for coding (to know the frame columns).
    exclude_parts
        Parts left out when a ``part`` column exists and is not grouped by
        (captions are kept apart from the running text by default).

    Returns
    -------
    pandas.DataFrame
        Columns: the ``by`` columns, ``frame``, ``n_units``, ``n_frame``,
        ``share`` (= n_frame / n_units), in codebook order.
    """
    ids = _frame_ids(coded, codebook)
    by = [by] if isinstance(by, str) else list(by)
    missing = [b for b in by if b not in coded.columns]
    if missing:
        raise KeyError(f"profile(): no column(s) {missing}; available: {list(coded.columns)}")
    data = coded
    if exclude_parts and "part" in data.columns and "part" not in by:
        data = data[~data["part"].isin(list(exclude_parts))]
    long = data.melt(id_vars=by, value_vars=ids, var_name="frame", value_name="present")
    long["present"] = long["present"].astype(bool)
    out = long.groupby(by + ["frame"], sort=False, observed=True)["present"].agg(n_units="size", n_frame="sum")
    out = out.reset_index()
    out["n_frame"] = out["n_frame"].astype(int)
    out["share"] = out["n_frame"] / out["n_units"]
    out["frame"] = pd.Categorical(out["frame"], categories=ids, ordered=True)
    out = out.sort_values(by + ["frame"], kind="stable").reset_index(drop=True)
    out["frame"] = out["frame"].astype(str)
    return out


def article_profile(
    coded: pd.DataFrame,
    *,
    by: str = "outlet",
    codebook: str | Path | Codebook | dict = DEFAULT_CODEBOOK,
    exclude_parts: Sequence[str] | None = ("caption",),
) -> pd.DataFrame:
    """Frames per article: how many of a group's articles use each frame, and how much of each article.

    Parameters
    ----------
    coded
        Coded sentences (:func:`code`) with ``doc_id`` and the ``by`` column.

    Returns
    -------
    pandas.DataFrame
        Columns: ``by``, ``frame``, ``n_articles``, ``n_with_frame`` (articles
        with at least one sentence carrying the frame), ``share_articles``
        (= n_with_frame / n_articles) and ``mean_share`` (the mean over the
        articles of the share of their sentences with the frame).
    """
    ids = _frame_ids(coded, codebook)
    for col in ("doc_id", by):
        if col not in coded.columns:
            raise KeyError(f"article_profile(): no column {col!r}; available: {list(coded.columns)}")
    data = coded
    if exclude_parts and "part" in data.columns:
        data = data[~data["part"].isin(list(exclude_parts))]
    per_doc = data.groupby([by, "doc_id"], sort=True)[ids].mean()
    long = per_doc.reset_index().melt(id_vars=[by, "doc_id"], value_vars=ids, var_name="frame", value_name="share")
    out = long.groupby([by, "frame"], sort=False).agg(
        n_articles=("doc_id", "nunique"), n_with_frame=("share", lambda x: int((x > 0).sum())),
        mean_share=("share", "mean")).reset_index()
    out["share_articles"] = out["n_with_frame"] / out["n_articles"]
    out["frame"] = pd.Categorical(out["frame"], categories=ids, ordered=True)
    out = out.sort_values([by, "frame"], kind="stable").reset_index(drop=True)
    out["frame"] = out["frame"].astype(str)
    return out[[by, "frame", "n_articles", "n_with_frame", "share_articles", "mean_share"]]


def cooccurrence(
    coded: pd.DataFrame,
    *,
    codebook: str | Path | Codebook | dict = DEFAULT_CODEBOOK,
    exclude_parts: Sequence[str] | None = ("caption",),
) -> pd.DataFrame:
    """How often two frames occur in the same unit.

    Returns
    -------
    pandas.DataFrame
        One row per ordered frame pair: ``frame_a``, ``frame_b``, ``n_both``
        (units with both; on the diagonal the units with the frame), ``n_a``,
        ``n_b`` and ``jaccard`` = n_both / (n_a + n_b - n_both).

    References
    ----------
    Jaccard, P. (1912). The distribution of the flora in the alpine zone.
    *New Phytologist*, 11(2), 37-50.
    """
    ids = _frame_ids(coded, codebook)
    data = coded
    if exclude_parts and "part" in data.columns:
        data = data[~data["part"].isin(list(exclude_parts))]
    m = data[ids].to_numpy(dtype=np.int64)
    both = m.T @ m
    n = np.diag(both)
    rows = []
    for i, a in enumerate(ids):
        for j, b in enumerate(ids):
            union = n[i] + n[j] - both[i, j]
            rows.append((a, b, int(both[i, j]), int(n[i]), int(n[j]), both[i, j] / union if union else np.nan))
    return pd.DataFrame(rows, columns=["frame_a", "frame_b", "n_both", "n_a", "n_b", "jaccard"])


def examples(
    coded: pd.DataFrame,
    *,
    codebook: str | Path | Codebook | dict = DEFAULT_CODEBOOK,
    by: str = "outlet",
    n: int = 2,
    text: str = "text",
) -> pd.DataFrame:
    """Evidence sentences: up to ``n`` coded units per group and frame, with what matched.

    Returns
    -------
    pandas.DataFrame
        ``by``, ``frame``, the key columns present, ``text`` and ``evidence``
        (only the matches for that frame).
    """
    ids = _frame_ids(coded, codebook)
    keys = [k for k in ("doc_id", "sentence_id", "part") if k in coded.columns]
    rows = []
    for frame in ids:
        sel = coded[coded[frame].astype(bool)]
        for group, part in sel.groupby(by, sort=True):
            for _, r in part.head(n).iterrows():
                ev = "; ".join(e.split(": ", 1)[1] for e in str(r.get("evidence", "")).split("; ")
                               if e.startswith(frame + ": "))
                rows.append({by: group, "frame": frame, **{k: r[k] for k in keys}, "text": r[text], "evidence": ev})
    return pd.DataFrame(rows, columns=[by, "frame", *keys, "text", "evidence"])


# ------------------------------------------------------------------------------------------------
# Hedging and attribution, quotes and sources


def markers(
    data: pd.DataFrame,
    *,
    text: str = "text",
    by: str | Sequence[str] = "outlet",
    codebook: str | Path | Codebook | dict = MARKER_CODEBOOK,
) -> pd.DataFrame:
    """Hedging and attribution markers as rates per 1,000 words, with an example each.

    Every indicator of the marker codebook (default: ``hedging``, with the
    frames ``hedge`` and ``attribution``) is one marker, e.g. ``soll``,
    ``könnte``, ``vermutlich`` or ``laut``, ``zufolge``, ``heißt es``.

    Parameters
    ----------
    data
        Sentences (or any units) with the ``by`` columns.
    by
        Grouping column(s), e.g. ``"outlet"``.

    Returns
    -------
    pandas.DataFrame
        Columns: the ``by`` columns, ``category`` (the marker codebook's
        frame), ``marker`` (indicator id without the category), ``n``,
        ``words`` (word tokens in the group), ``per_1000`` (= 1000 n / words)
        and ``example`` (the first unit where the marker occurs). Markers never
        seen in a group are listed with ``n = 0``.

    References
    ----------
    Hyland, K. (1998). *Hedging in scientific research articles*. Benjamins.
    """
    _check_text(data, text, "markers")
    by = [by] if isinstance(by, str) else list(by)
    missing = [b for b in by if b not in data.columns]
    if missing:
        raise KeyError(f"markers(): no column(s) {missing}; available: {list(data.columns)}")
    cb = cbm.load(codebook)
    texts = _texts(data, text)
    hits = _match(texts, cb)
    hits = hits[hits["counted"]]
    groups = data[by].reset_index(drop=True)
    tok = tokens_mod.tokenize(pd.DataFrame({"text": texts.to_numpy()}))
    nwords = tok[tok["kind"] == "word"].groupby(tok["doc_id"].astype(np.int64)).size()
    wc = groups.assign(_w=nwords.reindex(range(len(groups)), fill_value=0).to_numpy())
    words = wc.groupby(by, sort=True)["_w"].sum().rename("words").reset_index()
    hits = pd.concat([groups.iloc[hits["row"].to_numpy()].reset_index(drop=True), hits.reset_index(drop=True)], axis=1)
    hits["marker"] = hits["indicator"].str.split(".").str[-1]
    hits["example"] = texts.to_numpy()[hits["row"].to_numpy()] if len(hits) else []
    counts = hits.groupby(by + ["frame", "marker"], sort=False).agg(n=("row", "size"), example=("example", "first"))
    counts = counts.reset_index().rename(columns={"frame": "category"})
    # every marker in every group, zeros included
    all_markers = pd.DataFrame(
        [(f.id, ind.id.split(".")[-1]) for f in cb.frames for ind in f.all_indicators], columns=["category", "marker"]
    )
    grid = words[by].merge(all_markers, how="cross")
    out = grid.merge(counts, on=by + ["category", "marker"], how="left").merge(words, on=by, how="left")
    out["n"] = out["n"].fillna(0).astype(int)
    out["example"] = out["example"].fillna("")
    out["per_1000"] = np.where(out["words"] > 0, 1000 * out["n"] / out["words"].where(out["words"] > 0, 1), np.nan)
    return out[by + ["category", "marker", "n", "words", "per_1000", "example"]]


#: Cues that show where a statement comes from: source type -> regular expression.
SOURCE_CUES: dict[str, str] = {
    "press release": r"\b(?:Pressemitteilung|Pressemeldung|Presseerklärung|Medienmitteilung|Pressekonferenz)\w*|\bpress release",
    "company statement": r"\bnach eigenen Angaben\b|\beigenen Angaben zufolge\b|\b(?:Unternehmens|Firmen)?[Ss]precher(?:in)?\b"
                         r"|\b(?:teilte|teilt)\b[^.]*\bmit\b|\b(?:kündigte|kündigt)\b[^.]*\ban\b|\bbestätigt\w*",
    "test": r"\b(?:im|unserem|ersten)\s+(?:[\w\- ]+\s)?Test\b|\bTests?\b|\bTestbericht\w*|\bgetestet\b",
    "rumour or leak": r"\bGerücht\w*|\bLeaks?\b|\bgeleakt\w*|\bInsider\w*|\bSpekulation\w*|\bmunkel\w*|\bangeblich\w*",
    "unnamed (heißt es)": r"\b(?:heißt|hieß) es\b",
    "report": r"\blaut\b|\bzufolge\b|\bberichte[nt]?\b|\bmeldete?\b|\bwie [A-ZÄÖÜ]\w+ (?:berichtet|meldet)",
    "speech": r"\b(?:sagt|sagte|sagten|erklärt|erklärte|erklärten|betont|betonte|meint|meinte|kommentiert\w*|zitiert\w*)\b",
}


def quotes(
    data: pd.DataFrame,
    *,
    text: str = "text",
    actors: dict | pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Direct quotes (text in quotation marks), with the source cues and actors of their sentence.

    Returns
    -------
    pandas.DataFrame
        One row per quote: the key columns present (``doc_id``, ``sentence_id``,
        ``outlet``, ``part``), ``quote`` (without the marks), ``start``/``end``
        (offsets into the unit's text), ``source`` (the source types whose cue
        occurs in the unit outside the quote, see :data:`SOURCE_CUES`, or
        ``"unattributed"``) and ``actors`` (actors named in the unit).
    """
    _check_text(data, text, "quotes")
    texts = _texts(data, text)
    spans = _quote_spans(texts)
    keys = [k for k in ("doc_id", "sentence_id", "outlet", "part") if k in data.columns]
    keyframe = data[keys].reset_index(drop=True)
    rows = []
    who = _actors_per_row(data, texts, actors)
    for r, found in sorted(spans.items()):
        t = texts.iat[r]
        outside = t
        for a, b in found:
            outside = outside[:a] + " " * (b - a) + outside[b:]
        src = [name for name, rx in SOURCE_CUES.items() if re.search(rx, outside, re.IGNORECASE)]
        for a, b in found:
            rows.append({**keyframe.iloc[r].to_dict(), "quote": t[a:b].strip("„“”»«\"‚‘ "), "start": a, "end": b,
                         "source": ", ".join(src) or "unattributed", "actors": who.get(r, "")})
    return pd.DataFrame(rows, columns=[*keys, "quote", "start", "end", "source", "actors"])


def _actors_per_row(data: pd.DataFrame, texts: pd.Series, actors) -> dict[int, str]:
    frame = pd.DataFrame({"doc_id": np.arange(len(texts)), "sentence_id": 0, "text": texts.to_numpy()})
    found = actors_mod.mentions(frame, actors=actors)
    if not len(found):
        return {}
    return found.groupby("doc_id")["actor"].agg(lambda s: ", ".join(dict.fromkeys(s))).to_dict()


def sources(
    data: pd.DataFrame,
    *,
    text: str = "text",
    actors: dict | pd.DataFrame | None = None,
    cues: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Who is cited: every unit with a source cue (press release, company, test, rumour, ...).

    Cues are matched case-insensitively.

    Parameters
    ----------
    cues
        ``{source type: regular expression}``; default :data:`SOURCE_CUES`.

    Returns
    -------
    pandas.DataFrame
        One row per unit and source type: the key columns present,
        ``source``, ``cue`` (the words that matched), ``actors`` (actors named
        in the unit) and ``text``.
    """
    _check_text(data, text, "sources")
    cues = SOURCE_CUES if cues is None else cues
    texts = _texts(data, text)
    keys = [k for k in ("doc_id", "sentence_id", "outlet", "part") if k in data.columns]
    keyframe = data[keys].reset_index(drop=True)
    who = _actors_per_row(data, texts, actors)
    rows = []
    for name, rx in cues.items():
        compiled = re.compile(rx, re.IGNORECASE)
        hit = texts.str.contains(compiled, regex=True).to_numpy(dtype=bool)
        for r in np.flatnonzero(hit):
            m = compiled.search(texts.iat[r])
            rows.append({**keyframe.iloc[r].to_dict(), "source": name, "cue": m.group(0), "actors": who.get(int(r), ""),
                         "text": texts.iat[r], "_row": int(r)})
    out = pd.DataFrame(rows, columns=[*keys, "source", "cue", "actors", "text", "_row"])
    return out.sort_values(["_row", "source"], kind="stable").drop(columns="_row").reset_index(drop=True)


# ------------------------------------------------------------------------------------------------
# Actors in frames


def actor_summary(
    sentences: pd.DataFrame,
    *,
    mentions: pd.DataFrame | None = None,
    actors: dict | pd.DataFrame | None = None,
    by: str = "outlet",
) -> pd.DataFrame:
    """How often each actor is mentioned, in the running text and in captions (kept apart).

    Returns
    -------
    pandas.DataFrame
        One row per actor and ``by`` group: ``mentions`` (in the text parts),
        ``sentences`` (text sentences naming the actor), ``caption_mentions``.
    """
    if mentions is None:
        mentions = actors_mod.mentions(sentences, actors=actors)
    info = sentences[["doc_id", "sentence_id", by, "part"]] if by != "part" else sentences[["doc_id", "sentence_id", "part"]]
    m = mentions.merge(info, on=["doc_id", "sentence_id"], how="left")
    m["caption"] = m["part"].eq("caption")
    text = m[~m["caption"]]
    out = text.groupby(["actor", by]).agg(mentions=("match", "size"),
                                          sentences=("sentence_id", lambda s: s.groupby(text.loc[s.index, "doc_id"]).nunique().sum()))
    cap = m[m["caption"]].groupby(["actor", by]).size().rename("caption_mentions")
    out = out.join(cap, how="outer").fillna(0).astype(int).reset_index()
    return out.sort_values(["mentions", "actor"], ascending=[False, True], kind="stable").reset_index(drop=True)


def actor_frames(
    coded: pd.DataFrame,
    *,
    mentions: pd.DataFrame | None = None,
    actors: dict | pd.DataFrame | None = None,
    codebook: str | Path | Codebook | dict = DEFAULT_CODEBOOK,
    exclude_parts: Sequence[str] | None = ("caption",),
) -> pd.DataFrame:
    """In which frames each actor appears: sentences naming the actor, per frame.

    Parameters
    ----------
    coded
        Coded sentences (:func:`code`), with ``doc_id`` and ``sentence_id``.
    mentions
        Actor mentions (:func:`analysis.actors.mentions`); found if omitted.

    Returns
    -------
    pandas.DataFrame
        One row per actor and frame: ``actor``, ``frame``, ``n_sentences``
        (sentences naming the actor that carry the frame), ``n_actor``
        (sentences naming the actor) and ``share`` = n_sentences / n_actor.
    """
    ids = _frame_ids(coded, codebook)
    data = coded
    if exclude_parts and "part" in data.columns:
        data = data[~data["part"].isin(list(exclude_parts))]
    if mentions is None:
        mentions = actors_mod.mentions(data, actors=actors)
    pairs = mentions[["doc_id", "sentence_id", "actor"]].drop_duplicates()
    m = pairs.merge(data[["doc_id", "sentence_id", *ids]], on=["doc_id", "sentence_id"], how="inner")
    n_actor = m.groupby("actor").size().rename("n_actor")
    long = m.melt(id_vars=["doc_id", "sentence_id", "actor"], value_vars=ids, var_name="frame", value_name="present")
    out = long.groupby(["actor", "frame"], sort=False)["present"].sum().astype(int).rename("n_sentences").reset_index()
    out = out.merge(n_actor.reset_index(), on="actor")
    out["share"] = out["n_sentences"] / out["n_actor"]
    out["frame"] = pd.Categorical(out["frame"], categories=ids, ordered=True)
    out = out.sort_values(["n_actor", "actor", "frame"], ascending=[False, True, True], kind="stable")
    out["frame"] = out["frame"].astype(str)
    return out.reset_index(drop=True)[["actor", "frame", "n_sentences", "n_actor", "share"]]
