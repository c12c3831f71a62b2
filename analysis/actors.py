"""Who is mentioned: companies, products and people, found by configurable patterns.

The default list covers the actors of the seed story (a smartphone maker, a
camera maker and their competitors). A user passes their own list for their
own story, as a mapping ``{actor: [pattern, ...]}`` or a DataFrame with
columns ``actor``, ``type`` and ``pattern``. Patterns are regular expressions
matched case-sensitively at word starts, so ``Leica`` also finds the first part
of the compounds ``Leica-Punkt`` and ``Leica-Kamera``.
"""
from __future__ import annotations

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
    return pd.DataFrame(rows, columns=["actor", "type", "pattern"])


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
    spec = table(actors)
    combined = re.compile(
        "|".join(f"(?P<a{i}>(?<![\\w-]){p}(?![^\\W_]))" for i, p in enumerate(spec["pattern"]))
    ) if len(spec) else None
    names = spec["actor"].tolist()
    kinds = spec["type"].tolist()
    base = sentences["start"].to_numpy() if "start" in sentences else [0] * len(sentences)
    rows = []
    if combined is not None:
        for doc_id, sid, value, offset in zip(sentences["doc_id"], sentences["sentence_id"], sentences[text].astype(str), base):
            for m in combined.finditer(value):
                i = int(m.lastgroup[1:])
                rows.append((doc_id, sid, names[i], kinds[i], m.group(0), int(offset) + m.start(), int(offset) + m.end()))
    return pd.DataFrame(rows, columns=MENTION_COLUMNS)
