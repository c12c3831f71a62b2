"""One tokenisation shared by every analysis.

Tokens are found with one compiled regular expression (URLs, e-mail addresses,
numbers, words with inner hyphens or apostrophes, single punctuation marks), so
the result is the same on every machine and needs no model. Hyphenated compounds
(``Leica-Punkt``, ``US-Restriktionen``) stay one token, as in German spelling.
Every token keeps its character offsets into the article text, so any score
built on tokens can point back at the words that produced it.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

#: Columns of the tokens table.
TOKEN_COLUMNS = ["doc_id", "outlet", "part", "sentence_id", "token_id", "token", "lower", "start", "end", "kind"]

TOKEN_PATTERN = re.compile(
    r"""
    (?P<url>(?:https?://|www\.)[^\s<>"“”„]+[^\s<>"“”„.,;:!?)\]]
           |[\w.+-]+@[\w-]+\.[\w.-]*\w)
    |(?P<number>\d+(?:[.,:]\d+)*(?:[-–][^\W\d_][\w]*(?:-[\w]+)*)?)
    |(?P<word>[^\W\d_](?:[\w]|[-'’](?=\w))*)
    |(?P<punct>[.,;:!?…„“”"'‚‘’«»()\[\]{}\-–—/])
    |(?P<symbol>[^\w\s])
    """,
    re.VERBOSE | re.UNICODE,
)


def tokenize_text(text: str) -> list[tuple[str, int, int, str]]:
    """Tokens of one string as ``(token, start, end, kind)``.

    A number glued to a word by a hyphen (``"100-Jahre"``) counts as a word.
    """
    out = []
    for m in TOKEN_PATTERN.finditer(text):
        kind = m.lastgroup
        tok = m.group(0)
        if kind == "number" and any(ch.isalpha() for ch in tok):
            kind = "word"
        out.append((tok, m.start(), m.end(), kind))
    return out


_KIND_NAMES = np.array(["url", "number", "word", "punct", "symbol"], dtype=object)
_KIND_INDEX = {k: i for i, k in enumerate(_KIND_NAMES)}
_NUMBER = 1
_WORD = 2
_SEPARATOR = "\n"  # no token contains white space, so texts joined by it tokenise as when apart

#: :data:`TOKEN_PATTERN` for texts without ``@``, ``://`` or ``www.``, where the URL and
#: e-mail branches cannot match; the word branch is written without a per-character
#: alternation (``\w*(?:[-'’]\w+)*`` matches exactly what ``(?:\w|[-'’](?=\w))*`` does).
#: Same tokens, about twice as fast. ``url`` is kept as an empty group so the kinds line up.
_PLAIN_PATTERN = re.compile(
    r"""
    (?P<url>(?!))
    |(?P<number>\d+(?:[.,:]\d+)*(?:[-–][^\W\d_][\w]*(?:-[\w]+)*)?)
    |(?P<word>[^\W\d_]\w*(?:[-'’]\w+)*)
    |(?P<punct>[.,;:!?…„“”"'‚‘’«»()\[\]{}\-–—/])
    |(?P<symbol>[^\w\s])
    """,
    re.VERBOSE | re.UNICODE,
)
_SPECIAL = ("@", "://", "www.")


def _one_group(pattern: re.Pattern) -> re.Pattern:
    """``pattern`` (alternatives in named groups, no other groups) with the whole token as its only group."""
    source = re.sub(r"\(\?P<\w+>", "(?:", pattern.pattern)
    one = re.compile("(" + source + ")", pattern.flags)
    assert one.groups == 1, pattern.pattern
    return one


_SPLITTERS: dict[re.Pattern, re.Pattern] = {}


def _scan(joined: str, pattern: re.Pattern = TOKEN_PATTERN
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Tokens of one long string: surfaces, starts, ends, kind codes (indices into ``_KIND_NAMES``)
    and lower-case forms.

    Same result as iterating ``pattern.finditer(joined)``, but the loop runs in C:
    ``re.split`` with the whole token as one group returns the gap before each token
    and the token; the offsets are the running sums of the gap and token lengths.
    The kind of each distinct token is the group that ``pattern.fullmatch`` gives
    it: the alternatives are tried in order, and the one that matched the token in
    the text is the first that can match the token alone (no alternative looks
    beyond the token), so every occurrence of a form has the same kind.
    """
    splitter = _SPLITTERS.get(pattern)
    if splitter is None:
        splitter = _SPLITTERS[pattern] = _one_group(pattern)
    parts = splitter.split(joined)
    n = (len(parts) - 1) // 2
    if n == 0:
        empty = np.empty(0, dtype=np.int64)
        return np.empty(0, dtype=object), empty, empty, empty, np.empty(0, dtype=object)
    tokens = parts[1::2]
    gap_len = np.fromiter(map(len, parts[0:-1:2]), dtype=np.int64, count=n)
    tok_len = np.fromiter(map(len, tokens), dtype=np.int64, count=n)
    surface = np.empty(n, dtype=object)
    surface[:] = tokens
    codes, forms = pd.factorize(surface)
    names = [pattern.fullmatch(t).lastgroup for t in forms]
    kind_of = np.array([_KIND_INDEX[k] for k in names], dtype=np.int64)
    # a number glued to a word by a hyphen ("100-Jahre") counts as a word
    for i in np.flatnonzero(kind_of == _NUMBER):
        if any(map(str.isalpha, forms[i])):
            kind_of[i] = _WORD
    lower_of = np.empty(len(forms), dtype=object)
    lower_of[:] = [t.lower() for t in forms]
    ends = np.cumsum(gap_len) + np.cumsum(tok_len)
    starts = ends - tok_len
    return surface, starts, ends, kind_of[codes], lower_of[codes]


def _scan_texts(values: list[str], pattern: re.Pattern) -> tuple[np.ndarray, ...]:
    """Tokens of many texts: row, token id, surface, start, end (offsets into the row's text), kind, lower."""
    n = len(values)
    surface, starts, ends, kind, lower = _scan(_SEPARATOR.join(values), pattern)
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=n)
    text_start = np.concatenate([[0], np.cumsum(lengths + len(_SEPARATOR))[:-1]]).astype(np.int64)
    rows = np.searchsorted(text_start, starts, side="right") - 1
    first = np.searchsorted(starts, text_start)  # index of each text's first token
    token_id = np.arange(len(starts), dtype=np.int64) - first[rows]
    shift = text_start[rows]
    return rows, token_id, surface, starts - shift, ends - shift, kind, lower


def _tokenize_values(values: list[str]) -> tuple[np.ndarray, ...]:
    """:func:`_scan_texts` with :data:`_PLAIN_PATTERN` where it gives the same tokens."""
    special = [i for i, v in enumerate(values) if any(s in v for s in _SPECIAL)]
    if not special:
        return _scan_texts(values, _PLAIN_PATTERN)
    is_special = np.zeros(len(values), dtype=bool)
    is_special[special] = True
    plain = np.flatnonzero(~is_special)
    a = _scan_texts([values[i] for i in plain], _PLAIN_PATTERN)
    b = _scan_texts([values[i] for i in special], TOKEN_PATTERN)
    rows = np.concatenate([plain[a[0]], np.asarray(special, dtype=np.int64)[b[0]]])
    order = np.argsort(rows, kind="stable")
    return (rows[order],) + tuple(np.concatenate([x, y])[order] for x, y in zip(a[1:], b[1:]))


def tokenize(sentences: pd.DataFrame, *, text: str = "text") -> pd.DataFrame:
    """One row per token of every sentence.

    Parameters
    ----------
    sentences
        The table from :func:`analysis.corpus.sentences` (any table with a text
        column works; missing key columns are filled in).
    text
        The column holding the text.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TOKEN_COLUMNS`; ``start``/``end`` are offsets into the
        article text when the input has a ``start`` column (as sentences do),
        otherwise into the row's text.

    Notes
    -----
    All texts are joined by a newline and scanned in one pass (see :func:`_scan`);
    no token contains white space, so the tokens and offsets are the same as
    tokenising each text alone with :func:`tokenize_text` (a test checks this).
    """
    if text not in sentences.columns:
        raise KeyError(f"tokenize(): no column {text!r}; available: {list(sentences.columns)}")
    n = len(sentences)
    doc_ids = sentences["doc_id"].to_numpy() if "doc_id" in sentences else np.arange(n).astype(str)
    outlets = sentences["outlet"].to_numpy() if "outlet" in sentences else np.full(n, "")
    parts = sentences["part"].to_numpy() if "part" in sentences else np.full(n, "")
    sids = sentences["sentence_id"].to_numpy() if "sentence_id" in sentences else np.arange(n)
    base = sentences["start"].to_numpy() if "start" in sentences else np.zeros(n, dtype=int)
    values = sentences[text].astype(str).tolist()
    rows, token_id, surface, starts, ends, kind, lower = _tokenize_values(values)
    shift = base.astype(np.int64)[rows] if n else np.empty(0, dtype=np.int64)
    return pd.DataFrame(
        {
            "doc_id": doc_ids[rows] if n else [],
            "outlet": outlets[rows] if n else [],
            "part": parts[rows] if n else [],
            "sentence_id": sids[rows] if n else [],
            "token_id": token_id,
            "token": surface,
            "lower": lower,
            "start": starts + shift,
            "end": ends + shift,
            "kind": _KIND_NAMES[kind],
        },
        columns=TOKEN_COLUMNS,
    )


def words(tokens: pd.DataFrame) -> pd.DataFrame:
    """Only the word tokens (no numbers, punctuation, URLs or symbols)."""
    return tokens[tokens["kind"] == "word"]


def rows_of(tokens: pd.DataFrame, keys: pd.MultiIndex) -> np.ndarray:
    """The position in ``keys`` of each token's sentence (``-1``: not there).

    ``keys`` holds one ``(doc_id, sentence_id)`` per row of the table the tokens
    belong to. Tokens come in runs, one per sentence, so each run is looked up
    once (no per-token Python).
    """
    d = tokens["doc_id"].to_numpy()
    sid = tokens["sentence_id"].to_numpy()
    if not len(d):
        return np.zeros(0, dtype=np.int64)
    change = np.r_[True, (d[1:] != d[:-1]) | (sid[1:] != sid[:-1])]
    starts = np.flatnonzero(change)
    lengths = np.diff(np.r_[starts, len(d)])
    run_rows = keys.get_indexer(pd.MultiIndex.from_arrays([d[starts], sid[starts]]))
    return np.repeat(run_rows, lengths).astype(np.int64)
