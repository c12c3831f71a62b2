"""One tokenisation shared by every analysis.

Tokens are found with one compiled regular expression (URLs, e-mail addresses,
numbers, words with inner hyphens or apostrophes, single punctuation marks), so
the result is the same on every machine and needs no model. Hyphenated compounds
(``Leica-Punkt``, ``US-Restriktionen``) stay one token, as in German spelling.
Every token keeps its character offsets into the article text, so any score
built on tokens can point back at the words that produced it.
"""
from __future__ import annotations

import itertools
import operator
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


def _scan(joined: str, pattern: re.Pattern = TOKEN_PATTERN) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Tokens of one long string: surfaces, starts, ends and kind codes (indices into ``_KIND_NAMES``).

    Same result as iterating ``pattern.finditer(joined)``, but the loop runs in C:
    ``re.split`` with the capturing groups returns, per token, the gap before it and
    one entry per kind group (``None`` where that kind did not match); the offsets are
    the running sums of the gap and token lengths.
    """
    parts = pattern.split(joined)
    groups = pattern.groups
    step = groups + 1
    n = (len(parts) - 1) // step
    if n == 0:
        empty = np.empty(0, dtype=np.int64)
        return np.empty(0, dtype=object), empty, empty, empty
    gap_len = np.fromiter(map(len, parts[0:-1:step]), dtype=np.int64, count=n)
    surface = np.empty(n, dtype=object)
    kind = np.zeros(n, dtype=np.int64)
    for k in range(groups):
        group = parts[k + 1 :: step]
        hit = np.fromiter(map(operator.is_not, group, itertools.repeat(None)), dtype=bool, count=n)
        if hit.any():
            surface[hit] = np.asarray(group, dtype=object)[hit]
            kind[hit] = k
    tok_len = np.fromiter(map(len, surface), dtype=np.int64, count=n)
    ends = np.cumsum(gap_len) + np.cumsum(tok_len)
    starts = ends - tok_len
    numbers = np.flatnonzero(kind == _NUMBER)
    if len(numbers):
        glued = np.fromiter((any(map(str.isalpha, t)) for t in surface[numbers]), dtype=bool, count=len(numbers))
        kind[numbers[glued]] = _WORD
    return surface, starts, ends, kind


def _scan_texts(values: list[str], pattern: re.Pattern) -> tuple[np.ndarray, ...]:
    """Tokens of many texts: row, token id, surface, start, end (offsets into the row's text), kind."""
    n = len(values)
    surface, starts, ends, kind = _scan(_SEPARATOR.join(values), pattern)
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=n)
    text_start = np.concatenate([[0], np.cumsum(lengths + len(_SEPARATOR))[:-1]]).astype(np.int64)
    rows = np.searchsorted(text_start, starts, side="right") - 1
    first = np.searchsorted(starts, text_start)  # index of each text's first token
    token_id = np.arange(len(starts), dtype=np.int64) - first[rows]
    shift = text_start[rows]
    return rows, token_id, surface, starts - shift, ends - shift, kind


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
    rows, token_id, surface, starts, ends, kind = _tokenize_values(values)
    shift = base.astype(np.int64)[rows] if n else np.empty(0, dtype=np.int64)
    frame = pd.DataFrame(
        {
            "doc_id": doc_ids[rows] if n else [],
            "outlet": outlets[rows] if n else [],
            "part": parts[rows] if n else [],
            "sentence_id": sids[rows] if n else [],
            "token_id": token_id,
            "token": surface,
            "start": starts + shift,
            "end": ends + shift,
            "kind": _KIND_NAMES[kind],
        }
    )
    frame["lower"] = frame["token"].str.lower() if len(frame) else frame["token"].astype(object)
    return frame[TOKEN_COLUMNS]


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
