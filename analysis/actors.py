"""Who is mentioned: companies, products and people, found by configurable patterns.

The default list covers the actors of the seed story (a smartphone maker, a
camera maker and their competitors). A user passes their own list for their
own story, as a mapping ``{actor: [pattern, ...]}`` or a DataFrame with
columns ``actor``, ``type`` and ``pattern``. Patterns are regular expressions
matched case-sensitively at word starts, so ``Leica`` also finds the first part
of the compounds ``Leica-Punkt`` and ``Leica-Kamera``.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Mapping

import pandas as pd

#: Default actors: ``actor -> (type, patterns)``.
DEFAULT_ACTORS: dict[str, tuple[str, list[str]]] = {
    "Xiaomi": ("company", [r"Xiaomi", r"Redmi"]),
    "Leica": ("company", [r"Leica"]),
    "Huawei": ("company", [r"Huawei", r"Mate \d+"]),
    "Honor": ("company", [r"Honor"]),
    "Sony": ("company", [r"Sony"]),
    "Oppo": ("company", [r"Oppo", r"OPPO", r"Find X\d"]),
    "Hasselblad": ("company", [r"Hasselblad"]),
    "Apple": ("company", [r"Apple", r"iPhone"]),
    "Samsung": ("company", [r"Samsung", r"Galaxy"]),
    "Google": ("company", [r"Google", r"Pixel"]),
    "Vivo": ("company", [r"Vivo\b", r"vivo\b"]),
    "Zeiss": ("company", [r"Zeiss"]),
}

#: Columns of the mentions table.
MENTION_COLUMNS = ["doc_id", "sentence_id", "actor", "type", "match", "start", "end"]


def table(actors: Mapping | pd.DataFrame | None = None) -> pd.DataFrame:
    """The actor list as a table with columns ``actor``, ``type``, ``pattern``.

    Parameters
    ----------
    actors
        ``None`` for :data:`DEFAULT_ACTORS`; a mapping ``{actor: [patterns]}``
        (or ``{actor: (type, [patterns])}``); or a DataFrame with those columns.
    """
    if actors is None:
        actors = DEFAULT_ACTORS
    if isinstance(actors, pd.DataFrame):
        missing = {"actor", "pattern"} - set(actors.columns)
        if missing:
            raise KeyError(f"actor table needs columns 'actor' and 'pattern'; missing {sorted(missing)}")
        frame = actors.copy()
        if "type" not in frame:
            frame["type"] = "actor"
        return frame[["actor", "type", "pattern"]].reset_index(drop=True)
    return pd.DataFrame(_rows(actors), columns=["actor", "type", "pattern"])


def _rows(actors: Mapping) -> list[tuple]:
    """``(actor, type, pattern)`` for every pattern of an actor mapping, each checked to be a valid regex."""
    rows = []
    for actor, spec in actors.items():
        if isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[1], (list, tuple)):
            kind, patterns = spec
        else:
            kind, patterns = "actor", [spec] if isinstance(spec, str) else list(spec)
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"actor {actor!r}: pattern {pattern!r} is not a valid regular expression ({exc})") from exc
            rows.append((actor, kind, pattern))
    return rows


def _lists(actors: Mapping | pd.DataFrame | None) -> tuple[list, list, list]:
    """The actor names, types and patterns of :func:`table` as three lists (without building the table)."""
    if isinstance(actors, pd.DataFrame):
        spec = table(actors)
        return spec["actor"].tolist(), spec["type"].tolist(), spec["pattern"].tolist()
    rows = _rows(DEFAULT_ACTORS if actors is None else actors)
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]


@functools.lru_cache(maxsize=16)
def _combined(patterns: tuple[str, ...]) -> re.Pattern | None:
    """One regex finding every pattern at a word start (not after a letter, digit or hyphen) and
    ending before no letter or digit; the group ``a<i>`` names the pattern that matched.

    The word-start check is the same for every pattern, so when no pattern has a
    top-level ``|`` (none has a ``|`` at all) it is tested once before the
    alternatives instead of inside each: the same matches, found without trying
    every alternative at every position of the text.
    """
    if not patterns:
        return None
    each = "|".join(f"(?P<a{i}>{p}(?![^\\W_]))" for i, p in enumerate(patterns))
    if not any("|" in p for p in patterns):
        try:
            return re.compile(f"(?<![\\w-])(?:{each})")
        except re.error:
            pass
    return re.compile("|".join(f"(?P<a{i}>(?<![\\w-]){p}(?![^\\W_]))" for i, p in enumerate(patterns)))


def mentions(sentences: pd.DataFrame, *, actors: Mapping | pd.DataFrame | None = None, text: str = "text") -> pd.DataFrame:
    """Every mention of an actor in every sentence.

    Parameters
    ----------
    sentences
        Table with ``doc_id``, ``sentence_id`` and a text column.
    actors
        The actor list (see :func:`table`).
    text
        The text column.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`MENTION_COLUMNS`; ``start``/``end`` are offsets into the
        article text when the sentences carry a ``start`` column.
    """
    if text not in sentences.columns:
        raise KeyError(f"mentions(): no column {text!r}; available: {list(sentences.columns)}")
    names, kinds, patterns = _lists(actors)
    combined = _combined(tuple(patterns))
    base = sentences["start"].to_numpy() if "start" in sentences else [0] * len(sentences)
    rows = []
    if combined is not None:
        for doc_id, sid, value, offset in zip(sentences["doc_id"], sentences["sentence_id"], sentences[text].astype(str), base):
            for m in combined.finditer(value):
                i = int(m.lastgroup[1:])
                rows.append((doc_id, sid, names[i], kinds[i], m.group(0), int(offset) + m.start(), int(offset) + m.end()))
    return pd.DataFrame(rows, columns=MENTION_COLUMNS)
