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
    """
    if text not in sentences.columns:
        raise KeyError(f"tokenize(): no column {text!r}; available: {list(sentences.columns)}")
    n = len(sentences)
    doc_ids = sentences["doc_id"].to_numpy() if "doc_id" in sentences else np.arange(n).astype(str)
    outlets = sentences["outlet"].to_numpy() if "outlet" in sentences else np.full(n, "")
    parts = sentences["part"].to_numpy() if "part" in sentences else np.full(n, "")
    sids = sentences["sentence_id"].to_numpy() if "sentence_id" in sentences else np.arange(n)
    base = sentences["start"].to_numpy() if "start" in sentences else np.zeros(n, dtype=int)
    toks, starts, ends, kinds, rows, tids = [], [], [], [], [], []
    for i, value in enumerate(sentences[text].astype(str).to_numpy()):
        offset = int(base[i])
        for j, m in enumerate(TOKEN_PATTERN.finditer(value)):
            tok = m.group(0)
            kind = m.lastgroup
            if kind == "number" and any(ch.isalpha() for ch in tok):
                kind = "word"
            toks.append(tok)
            starts.append(m.start() + offset)
            ends.append(m.end() + offset)
            kinds.append(kind)
            rows.append(i)
            tids.append(j)
    rows_arr = np.asarray(rows, dtype=np.int64)
    frame = pd.DataFrame(
        {
            "doc_id": doc_ids[rows_arr] if n else [],
            "outlet": outlets[rows_arr] if n else [],
            "part": parts[rows_arr] if n else [],
            "sentence_id": sids[rows_arr] if n else [],
            "token_id": np.asarray(tids, dtype=np.int64),
            "token": toks,
            "start": np.asarray(starts, dtype=np.int64),
            "end": np.asarray(ends, dtype=np.int64),
            "kind": kinds,
        }
    )
    frame["lower"] = frame["token"].str.lower()
    return frame[TOKEN_COLUMNS]


def words(tokens: pd.DataFrame) -> pd.DataFrame:
    """Only the word tokens (no numbers, punctuation, URLs or symbols)."""
    return tokens[tokens["kind"] == "word"]
