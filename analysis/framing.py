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
from collections.abc import Iterable, Sequence
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
    # ``re.escape`` works character by character, so the literal runs between wildcards are escaped whole
    return "".join(_ANY_WORD if run == "*" else r"\w" if run == "?" else re.escape(run)
                   for run in re.split(r"([*?])", term.lower()))


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
    types: np.ndarray      # distinct lower-cased words (object array)
    part_type: np.ndarray  # the parts of hyphenated types: the type's index ...
    part: list[str]        # ... and the part (non-empty), in type order

    def __len__(self) -> int:
        return len(self.row)


def _words(texts: pd.Series, tokens: pd.DataFrame | None) -> _Words:
    if tokens is None:
        # integer unit ids: the token table's doc_id is the row itself
        frame = pd.DataFrame({"doc_id": np.arange(len(texts)), "text": texts.to_numpy()})
        tokens = tokens_mod.tokenize(frame)
        kind = tokens["kind"].to_numpy()
        keep = (kind == _WORD_KINDS[0]) | (kind == _WORD_KINDS[1])
        row = tokens["doc_id"].to_numpy()[keep].astype(np.int64)
        start = tokens["start"].to_numpy(dtype=np.int64)[keep]
        end = tokens["end"].to_numpy(dtype=np.int64)[keep]
        lower = tokens["lower"].to_numpy()[keep]
    else:
        row = tokens["_row"].to_numpy(dtype=np.int64)
        start = tokens["start"].to_numpy(dtype=np.int64) - tokens["_base"].to_numpy(dtype=np.int64)
        end = tokens["end"].to_numpy(dtype=np.int64) - tokens["_base"].to_numpy(dtype=np.int64)
        lower = tokens["lower"].to_numpy()
    codes, types = pd.factorize(lower)
    types = np.asarray(types, dtype=object)
    n = len(row)
    if n:
        change = np.flatnonzero(np.r_[True, row[1:] != row[:-1]])
        lengths = np.diff(np.r_[change, n])
        first = np.repeat(change, lengths)
        last = np.repeat(change + lengths - 1, lengths)
    else:
        first = last = np.zeros(0, dtype=np.int64)
    part_type: list[int] = []
    part: list[str] = []
    for i, t in enumerate(types.tolist()):
        if "-" in t:
            for p in t.split("-"):
                if p:
                    part_type.append(i)
                    part.append(p)
    return _Words(row, first, last, codes.astype(np.int64), start, end, types,
                  np.asarray(part_type, dtype=np.int64), part)


@functools.lru_cache(maxsize=None)
def _compiled(regex: str) -> re.Pattern:
    """A term's regex, compiled once per process (a codebook has more than ``re``'s cache holds)."""
    return re.compile(regex)


#: The wildcard ``*`` of a glob (any run of word letters, apostrophes and hyphens), compiled once.
_ANY_WORD_RX = re.compile(_ANY_WORD)
_QUANTIFIERS = "?*+{"


def _suffix_language(tail: str) -> frozenset[str] | None:
    """Every string a regex tail such as ``(?:e|en|es)?`` or ``(?:t|et)(?:|e|en)en`` matches in full.

    Only tails made of letter/digit literals and non-capturing groups of plain
    letter/digit alternatives (each group optionally followed by one ``?``) are
    understood, which covers the lemma forms of :func:`_lemma_forms`; for any
    other tail ``None`` is returned (the caller then uses the regex).
    """
    language = {""}
    i, n = 0, len(tail)
    while i < n:
        if tail.startswith("(?:", i):
            close = tail.find(")", i)
            if close < 0:
                return None
            alternatives = tail[i + 3:close].split("|")
            if not all(a.isalnum() for a in alternatives if a):
                return None
            i = close + 1
            if i < n and tail[i] == "?":
                alternatives.append("")
                i += 1
        elif tail[i].isalnum():
            alternatives = [tail[i]]
            i += 1
        else:
            return None
        if i < n and tail[i] in _QUANTIFIERS:
            return None
        language = {a + b for a in language for b in alternatives}
    return frozenset(language)


def _infix_test(anchor: str, word: str) -> bool:
    """``*anchor*`` in full: the anchor occurs with only word letters, apostrophes or hyphens around it."""
    full = _ANY_WORD_RX.fullmatch
    k = len(anchor)
    i = word.find(anchor)
    while i >= 0:
        if full(word, 0, i) is not None and full(word, i + k) is not None:
            return True
        i = word.find(anchor, i + 1)
    return False


@functools.lru_cache(maxsize=None)
def _spec_test(regex: str, anchor: str, where: str):
    """A predicate ``word -> bool`` equal to ``re.fullmatch(regex, word) is not None``.

    The term regexes are literals, a literal followed by a finite set of
    endings (the lemma forms) or a literal with a wildcard before and/or
    after it; those are tested with string operations (compiling hundreds of
    regexes costs more than matching a small vocabulary). Any other regex
    (e.g. ``sens?r``, ``*bild*qualität*``) is compiled and used as is.
    """
    literal = re.escape(anchor)
    k = len(anchor)
    full = _ANY_WORD_RX.fullmatch
    if regex == literal:
        return lambda word: word == anchor
    if regex == literal + _ANY_WORD:
        return lambda word: word.startswith(anchor) and full(word, k) is not None
    if regex == _ANY_WORD + literal and k:
        return lambda word: word.endswith(anchor) and full(word, 0, len(word) - k) is not None
    if regex == _ANY_WORD + literal + _ANY_WORD and k:
        return functools.partial(_infix_test, anchor)
    if regex.startswith(literal):
        endings = _suffix_language(regex[len(literal):])
        if endings is not None:
            return lambda word: word.startswith(anchor) and word[k:] in endings
    match = _compiled(regex).fullmatch
    return lambda word: match(word) is not None


_NO_IDS = np.zeros(0, dtype=np.int64)


def _occurrences(text: str, literal: str) -> list[int]:
    """Start offsets of the non-overlapping occurrences of ``literal`` in ``text`` (as ``re.finditer`` finds them)."""
    out = []
    i = text.find(literal)
    step = max(len(literal), 1)
    while i >= 0:
        out.append(i)
        i = text.find(literal, i + step)
    return out


class _Vocabulary:
    """Regex matching against the distinct words (and compound parts) once each.

    Words are kept sorted (and sorted reversed), so the words sharing a term's
    literal prefix or suffix are found by binary search; only those get a regex
    test. A term is matched on a whole word or on any part of a hyphenated compound.
    """

    def __init__(self, words: _Words):
        self.ntypes = len(words.types)
        strings = words.types.tolist() + words.part
        ids = np.concatenate([np.arange(self.ntypes, dtype=np.int64), words.part_type])
        self.strings, self.ids = strings, ids
        order = sorted(range(len(strings)), key=strings.__getitem__)
        self.fwd = [strings[i] for i in order]
        self.fwd_ids = ids[np.asarray(order, dtype=np.int64)]
        rev = [x[::-1] for x in strings]
        order = sorted(range(len(rev)), key=rev.__getitem__)
        self.bwd = [rev[i] for i in order]
        self.bwd_ids = ids[np.asarray(order, dtype=np.int64)]
        self._cache: dict[tuple[str, str, str], np.ndarray] = {}
        self._masks: dict[tuple[tuple[str, ...], str], np.ndarray] = {}
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
            pos = np.asarray(_occurrences(self._joined, anchor), dtype=np.int64)
            idx = np.unique(np.searchsorted(self._offsets, pos, side="right") - 1)
            return [self.strings[i] for i in idx], self.ids[idx]
        return self.strings, self.ids

    def spec_ids(self, regex: str, anchor: str, where: str) -> np.ndarray:
        """The types (indices, possibly repeated) matching one ``(regex, anchor, where)`` alternative."""
        key = (regex, anchor, where)
        found = self._cache.get(key)
        if found is None:
            if regex == _ANY_WORD:
                found = np.arange(self.ntypes, dtype=np.int64)
            else:
                cand, ids = self._candidates(anchor, where)
                found = _NO_IDS
                if cand:
                    test = _spec_test(regex, anchor, where)
                    found = ids[np.fromiter(map(test, cand), dtype=bool, count=len(cand))]
            self._cache[key] = found
        return found

    def mask(self, terms: Sequence[str], kind: str) -> np.ndarray:
        """Boolean array over all types: the type (or a part of it) matches one of the terms.

        Computed once per vocabulary for the same terms and kind (phrases share
        words); the array returned is shared: callers must not change it.
        """
        key = (tuple(terms), kind)
        out = self._masks.get(key)
        if out is None:
            out = np.zeros(self.ntypes, dtype=bool)
            for term in terms:
                for spec in _specs(term, kind):
                    found = self.spec_ids(*spec)
                    if len(found):
                        out[found] = True
            self._masks[key] = out
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
    neg_whole[idx[np.isin(words.types[idx], list(neg_types))]] = True
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
    spans: dict[int, list[tuple[int, int]]] = {}
    has_quote = _QUOTE_CHARS.search
    for i, t in enumerate(texts.tolist()):
        if has_quote(t) is not None:
            found = [(m.start(), m.end()) for m in _QUOTE_SPAN.finditer(t) if m.end() - m.start() > 1]
            if found:
                spans[i] = found
    return spans


#: Up to this many units, :func:`_match` keeps its last results (a notebook asks for the same
#: matches more than once, e.g. ``code`` and ``evidence`` of the same articles).
_MEMO_UNITS = 2000


def _match(
    texts: pd.Series, cb: Codebook, tokens: pd.DataFrame | None = None
) -> pd.DataFrame:
    """All indicator matches of a codebook in a series of texts (positional rows).

    The matches depend only on the texts (in order) and the codebook, so for
    small inputs tokenised here they are kept per ``(texts, codebook)`` (the
    two most recent) and a copy is returned.
    """
    if tokens is None and len(texts) <= _MEMO_UNITS:
        return _match_memo(tuple(texts.tolist()), cb).copy()
    return _match_texts(texts, cb, tokens)


@functools.lru_cache(maxsize=2)
def _match_memo(texts: tuple[str, ...], cb: Codebook) -> pd.DataFrame:
    return _match_texts(pd.Series(texts, dtype=object), cb, None)


def _match_texts(texts: pd.Series, cb: Codebook, tokens: pd.DataFrame | None) -> pd.DataFrame:
    """:func:`_match` without the memo."""
    words = _words(texts, tokens)
    vocab = _Vocabulary(words)
    negated = _negated(words, vocab, cb)
    pieces = []
    for frame in cb.frames:
        groups = [("", frame.indicators)] + [(item.id, item.indicators) for item in frame.items]
        for item, inds in groups:
            for ind in inds:
                pieces.append(_match_indicator(words, vocab, ind, frame.id, item, negated))
    return _hits_table(pieces, texts)


def _hits_table(pieces: list[dict], texts: pd.Series) -> pd.DataFrame:
    """The evidence table (:data:`EVIDENCE_COLUMNS`) of the indicators' matches (:func:`_match_indicator`).

    Repeated matches (same unit, frame, item, indicator, start and end) are
    kept once (the first); each match gets the text it covers, whether it lies
    inside quotation marks and whether it counts after the negation and quote
    rules. Rows are sorted by unit, start, frame and indicator (stable). Done on
    arrays: the per-indicator labels are joined by a piece index.
    """
    sizes = np.array([len(p["row"]) for p in pieces], dtype=np.int64)
    piece = np.repeat(np.arange(len(pieces), dtype=np.int64), sizes)
    row = np.concatenate([p["row"] for p in pieces]) if pieces else np.zeros(0, dtype=np.int64)
    start = np.concatenate([p["start"] for p in pieces]) if pieces else np.zeros(0, dtype=np.int64)
    end = np.concatenate([p["end"] for p in pieces]) if pieces else np.zeros(0, dtype=np.int64)
    negated = np.concatenate([p["negated"] for p in pieces]) if pieces else np.zeros(0, dtype=bool)
    labels: dict[tuple, int] = {}
    label = np.array([labels.setdefault((p["frame"], p["item"], p["indicator"]), len(labels)) for p in pieces],
                     dtype=np.int64)[piece]
    if len(row) > 1:  # drop repeated matches, keeping the first (a stable sort keeps equal keys in order)
        order = np.lexsort((end, start, row, label))
        k = [x[order] for x in (label, row, start, end)]
        repeat = np.ones(len(row) - 1, dtype=bool)
        for x in k:
            repeat &= x[1:] == x[:-1]
        if repeat.any():
            keep = np.ones(len(row), dtype=bool)
            keep[order[1:][repeat]] = False
            piece, row, start, end, negated = (x[keep] for x in (piece, row, start, end, negated))
    n = len(row)
    # the text matched, from the unit's own text
    text_arr = texts.to_numpy()
    match = np.empty(n, dtype=object) if n else np.zeros(0, dtype=float)
    if n:
        match[:] = [text_arr[r][a:b] for r, a, b in zip(row.tolist(), start.tolist(), end.tolist())]
    spans = _quote_spans(texts)
    quoted = np.zeros(n, dtype=bool)
    if spans:
        for k_, (r, a) in enumerate(zip(row.tolist(), start.tolist())):
            for lo, hi in spans.get(r, ()):
                if lo <= a < hi:
                    quoted[k_] = True
                    break
    neg_drop = np.array([p["_negation"] == "drop" for p in pieces], dtype=bool)[piece]
    quote_effect = np.array([p["_quotes"] for p in pieces], dtype=object)[piece]
    counted = ~(neg_drop & negated)
    counted &= ~((quote_effect == "drop") & quoted)
    counted &= ~((quote_effect == "only") & ~quoted)
    # sort by unit, start, frame and indicator (the strings by their rank)
    frame_of = [p["frame"] for p in pieces]
    indicator_of = [p["indicator"] for p in pieces]
    frame_rank = {f: i for i, f in enumerate(sorted(set(frame_of)))}
    indicator_rank = {f: i for i, f in enumerate(sorted(set(indicator_of)))}
    order = np.lexsort((np.array([indicator_rank[x] for x in indicator_of], dtype=np.int64)[piece],
                        np.array([frame_rank[x] for x in frame_of], dtype=np.int64)[piece], start, row))
    piece = piece[order]

    def labels_of(name: str) -> np.ndarray:
        values = np.empty(len(pieces), dtype=object)
        values[:] = [p[name] for p in pieces]
        return values[piece]

    return pd.DataFrame({
        "row": row[order], "frame": labels_of("frame"), "item": labels_of("item"),
        "indicator": labels_of("indicator"), "type": labels_of("type"), "match": match[order],
        "start": start[order], "end": end[order], "negated": negated[order], "quoted": quoted[order],
        "counted": counted[order],
    }, columns=EVIDENCE_COLUMNS)


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
    counted = hits["counted"].to_numpy()
    row, frame_of, item_of = (hits[c].to_numpy()[counted] for c in ("row", "frame", "item"))
    n = len(data)
    new: dict[str, np.ndarray | list[str]] = {}
    for frame in cb.frames:
        in_frame = frame_of == frame.id
        frame_rows = row[in_frame]
        if frame.items:
            frame_items = item_of[in_frame]
            yes = np.zeros(n, dtype=np.int64)
            for item in frame.items:
                col = np.zeros(n, dtype=bool)
                col[frame_rows[frame_items == item.id]] = True
                new[f"{frame.id}_{item.id}"] = col
                yes += col
            new[f"{frame.id}_score"] = yes / len(frame.items)
            new[frame.id] = yes >= frame.min_items
        else:
            count = np.bincount(frame_rows, minlength=n)[:n] if len(frame_rows) else np.zeros(n)
            new[frame.id] = count >= frame.min_hits
    match, start, end = (hits[c].to_numpy()[counted] for c in ("match", "start", "end"))
    new["evidence"] = _evidence_strings(row, frame_of, match, start, end, n)
    return _with_columns(out, new)


def _with_columns(out: pd.DataFrame, new: dict) -> pd.DataFrame:
    """``out`` with the columns ``new`` set (``out[name] = values`` for each, in order), added in one step.

    Columns ``out`` already has are replaced in place; the others are joined
    at the end at once (setting them one by one costs a block insertion each),
    keeping ``out``'s attrs and flags.
    """
    if not out.columns.is_unique:
        for name, values in new.items():
            out[name] = values
        return out
    for name in [name for name in new if name in out.columns]:
        out[name] = new.pop(name)
    if not new:
        return out
    result = pd.concat([out, pd.DataFrame(new, index=out.index)], axis=1)
    result.attrs = out.attrs
    result.flags.allows_duplicate_labels = out.flags.allows_duplicate_labels
    return result


def _evidence_strings(row: np.ndarray, frame: np.ndarray, match: np.ndarray, start: np.ndarray, end: np.ndarray,
                      n: int) -> list[str]:
    """Per unit, its counted matches as ``"frame: match [start:end]; ..."`` (each label once, in order).

    ``row`` is sorted (the matches are sorted by unit); units without a match get ``""``.
    """
    ev = [""] * n
    if len(row):
        labels = [f"{f}: {m} [{a}:{b}]" for f, m, a, b in zip(frame.tolist(), match.tolist(), start.tolist(),
                                                               end.tolist())]
        bounds = np.r_[0, np.flatnonzero(row[1:] != row[:-1]) + 1, len(row)].tolist()
        rows = row.tolist()
        for a, b in zip(bounds[:-1], bounds[1:]):
            ev[rows[a]] = "; ".join(dict.fromkeys(labels[a:b]))
    return ev


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
    fast = _profile_by_group(data, by, ids)
    if fast is not None:
        return fast
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
    fast = _article_profile_by_group(data, by, ids)
    if fast is not None:
        return fast
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


def _group_codes(data: pd.DataFrame, by: list[str]) -> tuple[list[tuple], np.ndarray] | None:
    """The sorted distinct groups of the ``by`` columns and each row's group number, when every ``by``
    column passes :func:`_group_values` (so Python sorts the groups as pandas' groupby does); else None."""
    columns = [_group_values(data[b]) for b in by]
    if any(c is None for c in columns):
        return None
    keys = list(zip(*columns))
    groups = sorted(set(keys))
    number = {g: i for i, g in enumerate(groups)}
    return groups, np.fromiter((number[k] for k in keys), dtype=np.int64, count=len(keys))


def _profile_by_group(data: pd.DataFrame, by: list[str], ids: list[str]) -> pd.DataFrame | None:
    """:func:`profile` counted with ``bincount`` per group (the melt and groupby of the general case).

    Applies to bool frame columns (the output of :func:`code`) and ``by``
    columns of text or integers; returns None otherwise.
    """
    if not len(data) or len(set(by)) < len(by) or set(by) & {"frame", "present", "n_units", "n_frame", "share", *ids}:
        return None
    if not all(data[f].dtype == bool for f in ids):
        return None
    grouped = _group_codes(data, by)
    if grouped is None:
        return None
    groups, code = grouped
    k = len(groups)
    n_units = np.repeat(np.bincount(code, minlength=k), len(ids))
    n_frame = np.stack([np.bincount(code[data[f].to_numpy()], minlength=k) for f in ids], axis=1).reshape(-1)
    out: dict = {b: [g[j] for g in groups for _ in ids] for j, b in enumerate(by)}
    out.update({"frame": ids * k, "n_units": n_units, "n_frame": n_frame, "share": n_frame / n_units})
    return pd.DataFrame(out)


def _article_profile_by_group(data: pd.DataFrame, by: str, ids: list[str]) -> pd.DataFrame | None:
    """:func:`article_profile` computed per article and group in Python (the two groupbys of the general case).

    Applies to bool frame columns and ``by``/``doc_id`` columns of text or
    integers; the per-article shares are exact (count / sentences) and their
    means are taken by one pandas groupby, as in the general case. Returns None otherwise.
    """
    names = {"frame", "share", "n_articles", "n_with_frame", "share_articles", "mean_share", "doc_id", *ids}
    if not len(data) or by in names or not all(data[f].dtype == bool for f in ids):
        return None
    grouped = _group_codes(data, [by, "doc_id"])
    if grouped is None:
        return None
    docs, code = grouped  # (group, doc_id) pairs, sorted
    n_sentences = np.bincount(code, minlength=len(docs)).tolist()
    hits = [np.bincount(code[data[f].to_numpy()], minlength=len(docs)).tolist() for f in ids]
    members: dict = {}
    for i, (group, _) in enumerate(docs):
        members.setdefault(group, []).append(i)
    rows, flat, row_of = [], [], []
    for group, docs_in in members.items():
        for j, frame in enumerate(ids):
            shares = [hits[j][i] / n_sentences[i] for i in docs_in]
            row_of.extend([len(rows)] * len(shares))
            flat.extend(shares)
            rows.append((group, frame, len(docs_in), sum(1 for x in shares if x > 0)))
    mean_share = pd.Series(flat, dtype=np.float64).groupby(np.asarray(row_of, dtype=np.int64)).mean().to_numpy()
    n_articles = np.array([r[2] for r in rows], dtype=np.int64)
    n_with = np.array([r[3] for r in rows], dtype=np.int64)
    return pd.DataFrame({
        by: [r[0] for r in rows], "frame": [r[1] for r in rows], "n_articles": n_articles, "n_with_frame": n_with,
        "share_articles": n_with / n_articles, "mean_share": mean_share,
    })


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
    fast = _examples_by_group(coded, ids, keys, by, n, text)
    if fast is not None:
        return fast
    rows = []
    for frame in ids:
        sel = coded[coded[frame].astype(bool)]
        for group, part in sel.groupby(by, sort=True):
            for _, r in part.head(n).iterrows():
                ev = "; ".join(e.split(": ", 1)[1] for e in str(r.get("evidence", "")).split("; ")
                               if e.startswith(frame + ": "))
                rows.append({by: group, "frame": frame, **{k: r[k] for k in keys}, "text": r[text], "evidence": ev})
    return pd.DataFrame(rows, columns=[by, "frame", *keys, "text", "evidence"])


def _examples_by_group(coded: pd.DataFrame, ids: list[str], keys: list[str], by, n: int, text: str
                       ) -> pd.DataFrame | None:
    """:func:`examples` from the columns as object arrays (what ``iterrows`` gives), without a groupby per frame.

    Applies to bool frame columns, a ``by`` column of text or integers and
    unique column names; returns None otherwise.
    """
    if (not isinstance(by, str) or by not in coded.columns or not coded.columns.is_unique
            or by in {*keys, "frame", text, "evidence"} or text not in coded.columns
            or type(n) is not int or n < 0):
        return None
    if not all(coded[f].dtype == bool for f in ids):
        return None
    grouped = _group_codes(coded, [by])
    if grouped is None:
        return None
    groups, code = grouped
    cell = {c: coded[c].to_numpy(dtype=object) for c in dict.fromkeys([*keys, text])}
    evidence = coded["evidence"].to_numpy(dtype=object) if "evidence" in coded.columns else None
    rows = []
    for frame in ids:
        flagged = np.flatnonzero(coded[frame].to_numpy())
        shown: dict[int, list[int]] = {}
        for i in flagged.tolist():
            taken = shown.setdefault(int(code[i]), [])
            if len(taken) < n:
                taken.append(i)
        for g in sorted(shown):
            for i in shown[g]:
                ev = "; ".join(e.split(": ", 1)[1] for e in str(evidence[i] if evidence is not None else "").split("; ")
                               if e.startswith(frame + ": "))
                rows.append({by: groups[g][0], "frame": frame, **{k: cell[k][i] for k in keys}, "text": cell[text][i],
                             "evidence": ev})
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
    fast = _markers_by_group(data, texts, hits, cb, by)
    if fast is not None:
        return fast
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


# column names markers() uses on the way (a `by` column of the same name takes the general path)
_MARKER_NAMES = {"category", "marker", "n", "words", "per_1000", "example", "_w", *EVIDENCE_COLUMNS}


def _markers_by_group(data: pd.DataFrame, texts: pd.Series, hits: pd.DataFrame, cb: Codebook, by: list[str]
                      ) -> pd.DataFrame | None:
    """:func:`markers` counted in one pass over the matches (the groupby and merges of the general case).

    Applies when every ``by`` column holds only text or only integers (no NaN,
    not categorical), so the groups sort the same in Python; returns None otherwise.
    """
    if not len(data) or len(set(by)) < len(by) or set(by) & _MARKER_NAMES:
        return None
    columns = []
    for b in by:
        col = data[b]
        values = _group_values(col)
        if values is None:
            return None
        columns.append(values)
    group_of = list(zip(*columns))
    frame = pd.DataFrame({"doc_id": np.arange(len(texts)), "text": texts.to_numpy()})
    tok = tokens_mod.tokenize(frame)
    is_word = tok["kind"].to_numpy() == "word"
    n_words = np.bincount(tok["doc_id"].to_numpy()[is_word].astype(np.int64), minlength=len(texts))
    words: dict[tuple, int] = {}
    for g, w in zip(group_of, n_words.tolist()):
        words[g] = words.get(g, 0) + w
    counted = hits["counted"].to_numpy()
    text_values = texts.tolist()
    n: dict[tuple, int] = {}
    example: dict[tuple, str] = {}
    for r, frame_id, indicator in zip(*(hits[c].to_numpy()[counted].tolist() for c in ("row", "frame", "indicator"))):
        key = (group_of[r], frame_id, indicator.split(".")[-1])
        if key not in n:
            n[key] = 0
            example[key] = text_values[r]
        n[key] += 1
    all_markers = [(f.id, ind.id.split(".")[-1]) for f in cb.frames for ind in f.all_indicators]
    grid = [(g, category, marker) for g in sorted(words) for category, marker in all_markers]
    count = np.array([n.get(k, 0) for k in grid], dtype=np.int64)
    total = np.array([words[k[0]] for k in grid], dtype=np.int64)
    per_1000 = np.where(total > 0, 1000 * count / np.where(total > 0, total, 1), np.nan)
    out = {b: [k[0][j] for k in grid] for j, b in enumerate(by)}
    out.update({"category": [k[1] for k in grid], "marker": [k[2] for k in grid], "n": count, "words": total,
                "per_1000": per_1000, "example": [example.get(k, "") for k in grid]})
    return pd.DataFrame(out, columns=by + ["category", "marker", "n", "words", "per_1000", "example"])


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
    key_row = _key_rows(data[keys].reset_index(drop=True), spans)
    rows = []
    who = _actors_per_row(data, texts, actors)
    for r, found in sorted(spans.items()):
        t = texts.iat[r]
        outside = t
        for a, b in found:
            outside = outside[:a] + " " * (b - a) + outside[b:]
        src = [name for name, rx in SOURCE_CUES.items() if re.search(rx, outside, re.IGNORECASE)]
        for a, b in found:
            rows.append({**key_row[r], "quote": t[a:b].strip("„“”»«\"‚‘ "), "start": a, "end": b,
                         "source": ", ".join(src) or "unattributed", "actors": who.get(r, "")})
    return pd.DataFrame(rows, columns=[*keys, "quote", "start", "end", "source", "actors"])


def _key_rows(keyframe: pd.DataFrame, rows: Iterable[int]) -> dict[int, dict]:
    """``{r: keyframe.iloc[r].to_dict()}`` for the rows ``rows``.

    When a column holds objects (text ids) a row is an object Series, whose
    ``to_dict`` boxes each cell as ``to_dict("records")`` does: then the rows are
    read in one call instead of one Series per row.
    """
    rows = sorted(set(rows))
    if keyframe.columns.is_unique and any(dtype == object for dtype in keyframe.dtypes):
        return dict(zip(rows, keyframe.iloc[rows].to_dict("records")))
    return {r: keyframe.iloc[r].to_dict() for r in rows}


def _actors_per_row(data: pd.DataFrame, texts: pd.Series, actors) -> dict[int, str]:
    """The actors named in each unit (position), in order of their first mention, joined by ", "."""
    frame = pd.DataFrame({"doc_id": np.arange(len(texts)), "sentence_id": 0, "text": texts.to_numpy()})
    found = actors_mod.mentions(frame, actors=actors)
    named: dict[int, dict] = {}
    for r, actor in zip(found["doc_id"].tolist(), found["actor"].tolist()):
        named.setdefault(r, {})[actor] = None
    return {r: ", ".join(names) for r, names in named.items()}


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
    who = _actors_per_row(data, texts, actors)
    values = texts.tolist()
    found = []
    for name, rx in cues.items():
        search = re.compile(rx, re.IGNORECASE).search
        for r, t in enumerate(values):
            m = search(t)
            if m is not None:
                found.append((r, name, m.group(0)))
    # by unit, then source type (stable: a source type named twice keeps the cue order)
    found.sort(key=lambda f: (f[0], f[1]))
    key_row = _key_rows(data[keys].reset_index(drop=True), (f[0] for f in found))
    rows = [{**key_row[r], "source": name, "cue": cue, "actors": who.get(r, ""), "text": values[r]}
            for r, name, cue in found]
    return pd.DataFrame(rows, columns=[*keys, "source", "cue", "actors", "text"])


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
    fast = _actor_summary_by_units(sentences, mentions, by)
    if fast is not None:
        return fast
    info = sentences[["doc_id", "sentence_id", by, "part"]] if by != "part" else sentences[["doc_id", "sentence_id", "part"]]
    m = mentions.merge(info, on=["doc_id", "sentence_id"], how="left")
    m["caption"] = m["part"].eq("caption")
    text = m[~m["caption"]]
    out = text.groupby(["actor", by]).agg(mentions=("match", "size"),
                                          sentences=("sentence_id", lambda s: s.groupby(text.loc[s.index, "doc_id"]).nunique().sum()))
    cap = m[m["caption"]].groupby(["actor", by]).size().rename("caption_mentions")
    out = out.join(cap, how="outer").fillna(0).astype(int).reset_index()
    return out.sort_values(["mentions", "actor"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _unit_rows(data: pd.DataFrame) -> dict[tuple, int] | None:
    """Row position of each ``(doc_id, sentence_id)``; None if a key is missing (NaN) or not unique."""
    if "doc_id" not in data or "sentence_id" not in data:
        return None
    doc, sid = data["doc_id"], data["sentence_id"]
    if doc.isna().any() or sid.isna().any():
        return None
    rows = dict(zip(zip(doc.tolist(), sid.tolist()), range(len(data))))
    return rows if len(rows) == len(data) else None


def _mention_rows(data: pd.DataFrame, mentions: pd.DataFrame) -> list[int] | None:
    """For each mention, the row of ``data`` with its ``(doc_id, sentence_id)``, when every mention has
    exactly one such row and the mentions are the table of :func:`analysis.actors.mentions`; else None."""
    if list(mentions.columns) != actors_mod.MENTION_COLUMNS or not len(mentions):
        return None
    rows = _unit_rows(data)
    if rows is None:
        return None
    found = [rows.get(k) for k in zip(mentions["doc_id"].tolist(), mentions["sentence_id"].tolist())]
    if None in found or not all(type(a) is str for a in mentions["actor"].tolist()):
        return None
    return found


def _same_type_values(values: list) -> bool:
    """All text or all integers (values that sort the same in Python as in pandas)."""
    return all(type(v) is str for v in values) or all(type(v) is int for v in values)


def _group_values(column: pd.Series) -> list | None:
    """The values of a grouping column as a list, when they are all text (object dtype) or all
    integers (int64): no NaN, and Python sorts them as pandas does. None otherwise."""
    if column.dtype != object and column.dtype != np.int64:
        return None
    values = column.tolist()
    return values if _same_type_values(values) else None


def _actor_summary_by_units(sentences: pd.DataFrame, mentions: pd.DataFrame, by: str) -> pd.DataFrame | None:
    """:func:`actor_summary` counted per mention (the merge and the groupby of the general case, by lookups).

    Applies when every mention's sentence is found once, the actors are text
    and the ``by`` values text or integers (no NaN, not categorical); returns
    None otherwise.
    """
    if by in actors_mod.MENTION_COLUMNS or by == "caption" or by not in sentences or "part" not in sentences:
        return None
    if sentences[by].dtype != object and sentences[by].dtype != np.int64:
        return None
    rows = _mention_rows(sentences, mentions)
    if rows is None:
        return None
    group_of = sentences[by].tolist()
    part = sentences["part"].tolist()
    used = [group_of[i] for i in rows]
    if not _same_type_values(used):
        return None
    n_text: dict[tuple, int] = {}
    units: dict[tuple, set] = {}
    n_caption: dict[tuple, int] = {}
    for actor, i, group in zip(mentions["actor"].tolist(), rows, used):
        key = (actor, group)
        if part[i] == "caption":
            n_caption[key] = n_caption.get(key, 0) + 1
        else:
            n_text[key] = n_text.get(key, 0) + 1
            units.setdefault(key, set()).add(i)
    keys = sorted(n_text.keys() | n_caption.keys())
    keys.sort(key=lambda k: (-n_text.get(k, 0), k[0]))  # stable: ties keep the (actor, by) order
    return pd.DataFrame({
        "actor": [k[0] for k in keys],
        by: [k[1] for k in keys],
        "mentions": np.array([n_text.get(k, 0) for k in keys], dtype=np.int64),
        "sentences": np.array([len(units.get(k, ())) for k in keys], dtype=np.int64),
        "caption_mentions": np.array([n_caption.get(k, 0) for k in keys], dtype=np.int64),
    })


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
    fast = _actor_frames_by_units(data, mentions, ids)
    if fast is not None:
        return fast
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


def _actor_frames_by_units(data: pd.DataFrame, mentions: pd.DataFrame, ids: list[str]) -> pd.DataFrame | None:
    """:func:`actor_frames` counted per (sentence, actor) pair (the merge, melt and groupby of the general
    case, by lookups), when every mention's sentence is found once and the frame columns are bool."""
    if not all(data[f].dtype == bool for f in ids):
        return None
    rows = _mention_rows(data, mentions)
    if rows is None:
        return None
    flags = np.column_stack([data[f].to_numpy() for f in ids]).astype(np.int64) if ids else np.zeros((len(data), 0))
    per_actor: dict[str, list[int]] = {}
    for actor, i in dict.fromkeys(zip(mentions["actor"].tolist(), rows)):  # each sentence once per actor
        per_actor.setdefault(actor, []).append(i)
    n_actor = {a: len(r) for a, r in per_actor.items()}
    present = {a: flags[np.asarray(r, dtype=np.int64)].sum(axis=0) for a, r in per_actor.items()}
    actors = sorted(per_actor, key=lambda a: (-n_actor[a], a))
    n_sentences = np.array([present[a][j] for a in actors for j in range(len(ids))], dtype=np.int64)
    n = np.repeat(np.array([n_actor[a] for a in actors], dtype=np.int64), len(ids))
    return pd.DataFrame({
        "actor": np.repeat(np.array(actors, dtype=object), len(ids)),
        "frame": np.array(ids * len(actors), dtype=object),
        "n_sentences": n_sentences,
        "n_actor": n,
        "share": n_sentences / n,
    })
