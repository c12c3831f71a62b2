"""Framing codebooks: load a YAML codebook safely and check it before any coding.

A codebook names the frames of a study, defines each in words (for human
coders) and lists the *indicators* an automatic coder looks for (for
:func:`analysis.framing.code`). It is plain YAML so researchers can edit it.

Format
------
.. code-block:: yaml

    codebook: story-frames          # an id (letters, digits, "-", "_")
    title: Story frames of a technology partnership
    unit: sentence                  # what one coding decision covers: sentence or article
    language: de
    negation:                       # optional; these are the defaults
      window: 3                     # words before an indicator that may negate it
      words: [nicht, kein, keine, ...]
      except: [nicht nur, ...]      # phrases that look like a negation but are none
    frames:
      - id: market                  # becomes a column name: a Python identifier
        label: Market move
        definition: Prices, costs, market share, sales ...
        min_hits: 1                 # indicator matches needed (default 1)
        indicators:
          - type: lemma             # a German word and its inflected forms
            terms: [Preis, Kosten, kaufen]
          - type: word              # exact word forms
            terms: [teuer, günstig]
          - type: glob              # wildcards: * any letters, ? one letter
            terms: ["*markt", "Marktanteil*"]
          - type: phrase            # consecutive words; each may be a glob
            terms: ["auf den Markt", "in den Handel"]
          - type: near              # a term within `window` words of another
            terms: [soll, dürfte, könnte]
            near: [kommen, erscheinen, "start*"]
            window: 6
            negation: keep          # drop (default): a negated match does not count
            quotes: keep            # keep (default) | drop | only: matches inside „…“

A frame may instead be defined by yes/no *items* (as in Semetko & Valkenburg,
2000), each with its own ``indicators``; it is present when at least
``min_items`` items are answered yes.

Every word of a ``lemma``/``word``/``glob`` term is matched against whole
words, case-insensitively; a hyphenated compound (``Leica-Kamera``) also
matches on each of its parts. ``lemma`` expands a German base form with the
regular inflection endings (``Preis`` -> ``Preise``, ``Preisen``, ``Preises``;
``entwickeln`` -> ``entwickelt``, ``entwickelte``, ``entwickelnd`` ...). It
uses rules, not a dictionary: list irregular forms (``Märkte``) as words.

Errors
------
A codebook that cannot be used raises :class:`CodebookError` naming the file,
the line and the problem, and saying what to do, before any text is coded.
Loading uses ``yaml.SafeLoader`` (no Python objects are ever constructed).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from . import paths

__all__ = [
    "Codebook",
    "CodebookError",
    "Frame",
    "Indicator",
    "Item",
    "Negation",
    "available",
    "load",
    "from_dict",
    "indicators",
]

INDICATOR_TYPES = ("lemma", "word", "glob", "phrase", "near")
UNITS = ("sentence", "article")
NEGATION_EFFECTS = ("drop", "keep")
QUOTE_EFFECTS = ("keep", "drop", "only")

DEFAULT_NEGATION_WORDS = (
    "nicht", "kein", "keine", "keinen", "keinem", "keiner", "keines", "nie", "niemals",
    "nichts", "weder", "ohne", "kaum",
)
DEFAULT_NEGATION_EXCEPT = (
    "nicht nur", "nicht zuletzt", "nicht mehr als", "nicht viel mehr als", "nichts anderes als",
    "nichts als", "nicht ohne", "kein wunder", "nicht zu unterschätzen", "ohne zweifel",
)

_TOP_KEYS = {"codebook", "title", "description", "unit", "language", "version", "reference",
             "references", "negation", "frames"}
_FRAME_KEYS = {"id", "label", "definition", "examples", "notes", "min_hits", "indicators", "items",
               "min_items", "reference"}
_ITEM_KEYS = {"id", "question", "indicators", "notes"}
_INDICATOR_KEYS = {"id", "type", "terms", "near", "window", "negation", "quotes", "notes"}
_NEGATION_KEYS = {"window", "words", "except"}
_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CODEBOOK_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")
# Letters (any script), digits, hyphen, apostrophe, dot, ampersand, wildcards.
_TERM_WORD = re.compile(r"^[\w\-'’.&*?+]+$")


class CodebookError(ValueError):
    """A codebook that cannot be used: the message names file, line and problem."""


@dataclass(frozen=True)
class Negation:
    """How negation is recognised: a negation word up to ``window`` words before a match."""

    window: int = 3
    words: tuple[str, ...] = DEFAULT_NEGATION_WORDS
    except_: tuple[str, ...] = DEFAULT_NEGATION_EXCEPT


@dataclass(frozen=True)
class Indicator:
    """One indicator: what to look for and how negation and quotes affect it."""

    id: str
    type: str
    terms: tuple[str, ...]
    near: tuple[str, ...] = ()
    window: int = 5
    negation: str = "drop"
    quotes: str = "keep"


@dataclass(frozen=True)
class Item:
    """A yes/no question of a frame, answered yes when one of its indicators matches."""

    id: str
    question: str
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class Frame:
    """A frame: its definition for coders and its indicators for the automatic coder."""

    id: str
    label: str
    definition: str
    indicators: tuple[Indicator, ...] = ()
    items: tuple[Item, ...] = ()
    min_hits: int = 1
    min_items: int = 1

    @property
    def all_indicators(self) -> tuple[Indicator, ...]:
        """The frame's indicators, including those of its items."""
        return self.indicators + tuple(i for item in self.items for i in item.indicators)


@dataclass(frozen=True)
class Codebook:
    """A validated codebook (see the module documentation for the YAML format)."""

    id: str
    title: str
    unit: str
    frames: tuple[Frame, ...]
    negation: Negation = field(default_factory=Negation)
    language: str = "de"
    description: str = ""
    references: tuple[str, ...] = ()
    source: str = "<dict>"

    @property
    def frame_ids(self) -> list[str]:
        """The frame ids in codebook order (the boolean columns of a coding)."""
        return [f.id for f in self.frames]

    def frame(self, frame_id: str) -> Frame:
        """The frame with this id."""
        for f in self.frames:
            if f.id == frame_id:
                return f
        raise KeyError(f"no frame {frame_id!r} in codebook {self.id!r}; frames: {', '.join(self.frame_ids)}")

    def definitions(self) -> pd.DataFrame:
        """A table of the frames (id, label, definition, number of indicators/items)."""
        return pd.DataFrame(
            {
                "frame": [f.id for f in self.frames],
                "label": [f.label for f in self.frames],
                "definition": [f.definition for f in self.frames],
                "indicators": [len(f.all_indicators) for f in self.frames],
                "items": [len(f.items) for f in self.frames],
            }
        )


# ----------------------------------------------------------------------------------------------
# Loading YAML with line numbers


class _Node:
    """A YAML value with the line it came from (1-based)."""

    __slots__ = ("value", "line")

    def __init__(self, value: Any, line: int):
        self.value = value
        self.line = line


#: libyaml's safe loader when available (fast), else the pure-Python one; both keep line numbers.
_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.lru_cache(maxsize=1)
def _scalar_loader() -> yaml.SafeLoader:
    return yaml.SafeLoader("")


_STR_TAG = "tag:yaml.org,2002:str"


def _to_located(node: yaml.Node, source: str) -> _Node:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, _Node] = {}
        for key_node, value_node in node.value:
            key = _to_located(key_node, source)
            if not isinstance(key.value, str):
                raise CodebookError(f"{source}, line {key.line}: the key {key.value!r} is not a word; "
                                    "write keys as plain names such as `id:` or `terms:`.")
            if key.value in out:
                raise CodebookError(
                    f"{source}, line {key.line}: the key {key.value!r} appears twice in the same block "
                    f"(first on line {out[key.value].line}); keep one of them."
                )
            out[key.value] = _to_located(value_node, source)
        return _Node(out, line)
    if isinstance(node, yaml.SequenceNode):
        return _Node([_to_located(n, source) for n in node.value], line)
    if node.tag == _STR_TAG and isinstance(node, yaml.ScalarNode):
        return _Node(node.value, line)  # what the safe constructor gives for a string
    constructor = _scalar_loader()
    try:
        value = constructor.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as err:
        raise CodebookError(
            f"{source}, line {line}: {err.problem or 'cannot read this value'} ({node.tag}); "
            "codebooks hold only plain text, numbers, lists and mappings."
        ) from None
    return _Node(value, line)


def _parse(text: str, source: str) -> _Node:
    try:
        node = yaml.compose(text, Loader=_COMPOSER)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "an unknown line"
        problem = err.problem or err.context or "invalid YAML"
        raise CodebookError(
            f"{source}, {where}: YAML syntax error: {problem}. Check the indentation and quoting "
            "there (a term with ':' or a leading '*' needs quotes, e.g. \"*markt\")."
        ) from None
    except yaml.YAMLError as err:  # pragma: no cover - other reader errors (e.g. control characters)
        raise CodebookError(f"{source}: cannot read the YAML: {err}") from None
    if node is None:
        raise CodebookError(f"{source}: the codebook is empty; start from a shipped one: "
                            f"{', '.join(available())}.")
    return _to_located(node, source)


# ----------------------------------------------------------------------------------------------
# Validation


class _Checker:
    def __init__(self, source: str):
        self.source = source

    def fail(self, line: int, where: str, problem: str, todo: str) -> None:
        prefix = f"{self.source}, line {line}"
        raise CodebookError(f"{prefix}: {where}{': ' if where else ''}{problem}. {todo}")

    def mapping(self, node: _Node, where: str, known: set[str], required: tuple[str, ...]) -> dict[str, _Node]:
        if not isinstance(node.value, dict):
            self.fail(node.line, where, f"expected a block of `key: value` lines, got {_kind(node.value)}",
                      f"Write it as a mapping with the keys {', '.join(required)}.")
        for key, value in node.value.items():
            if key not in known:
                self.fail(value.line, where, f"unknown key {key!r}",
                          f"Use one of: {', '.join(sorted(known))} (check the spelling).")
        for key in required:
            if key not in node.value:
                self.fail(node.line, where, f"the required key {key!r} is missing", f"Add `{key}: ...`.")
        return node.value

    def text(self, node: _Node | None, where: str, default: str = "") -> str:
        if node is None:
            return default
        if node.value is None:
            return default
        if not isinstance(node.value, (str, int, float)) or isinstance(node.value, bool):
            self.fail(node.line, where, f"expected text, got {_kind(node.value)}", "Write plain text.")
        return str(node.value)

    def integer(self, node: _Node | None, where: str, default: int, minimum: int = 1) -> int:
        if node is None:
            return default
        if not isinstance(node.value, int) or isinstance(node.value, bool) or node.value < minimum:
            self.fail(node.line, where, f"expected a whole number >= {minimum}, got {node.value!r}",
                      f"Write a number such as {max(minimum, default)}.")
        return node.value

    def choice(self, node: _Node | None, where: str, choices: tuple[str, ...], default: str) -> str:
        if node is None:
            return default
        if node.value not in choices:
            self.fail(node.line, where, f"{node.value!r} is not allowed", f"Use one of: {', '.join(choices)}.")
        return node.value

    def terms(self, node: _Node | None, where: str, kind: str, allow_spaces: bool) -> tuple[str, ...]:
        if node is None:
            self.fail(0, where, "no `terms`", "List the words to look for: `terms: [word, other word]`.")
        values = node.value if isinstance(node.value, list) else [node]
        if isinstance(node.value, str):
            values = [node]
        if not values:
            self.fail(node.line, where, "the list of terms is empty", "Add at least one term or remove the indicator.")
        out = []
        for item in values:
            term = item.value
            if not isinstance(term, str) or isinstance(term, bool):
                if isinstance(term, (int, float)) and not isinstance(term, bool):
                    term = str(term)
                else:
                    self.fail(item.line, where, f"the term {term!r} is not text",
                              "Write each term as a word; quote words YAML reads otherwise (\"ja\", \"no\", \"on\").")
            term = " ".join(term.split())
            if not term:
                self.fail(item.line, where, "an empty term", "Remove it.")
            words = term.split(" ")
            if len(words) > 1 and not allow_spaces:
                self.fail(item.line, where, f"the {kind} term {term!r} has several words",
                          "Use `type: phrase` for multi-word terms, or split it into single words.")
            for w in words:
                if not _TERM_WORD.match(w) or w.strip("*?") == "" and len(words) == 1:
                    self.fail(item.line, where, f"the term {term!r} is not a word pattern",
                              "Use letters, digits and hyphens; * for any letters and ? for one letter "
                              "(regular expressions are not allowed).")
            if kind != "glob" and kind != "phrase" and kind != "near" and re.search(r"[*?]", term):
                self.fail(item.line, where, f"the {kind} term {term!r} contains a wildcard",
                          "Use `type: glob` for wildcard terms.")
            out.append(term)
        return tuple(out)


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return f"{type(value).__name__} {value!r}"


def _build(root: _Node, source: str) -> Codebook:
    c = _Checker(source)
    top = c.mapping(root, "", _TOP_KEYS, ("codebook", "frames"))
    cb_id = c.text(top["codebook"], "codebook")
    if not _CODEBOOK_ID.match(cb_id):
        c.fail(top["codebook"].line, "codebook", f"the id {cb_id!r} is not a simple name",
               "Use letters, digits, '-' and '_' (e.g. `codebook: my-story`).")
    unit = c.choice(top.get("unit"), "unit", UNITS, "sentence")
    negation = Negation()
    if "negation" in top:
        neg = c.mapping(top["negation"], "negation", _NEGATION_KEYS, ())
        negation = Negation(
            window=c.integer(neg.get("window"), "negation window", 3, minimum=0),
            words=tuple(w.lower() for w in c.terms(neg["words"], "negation words", "word", False))
            if "words" in neg else DEFAULT_NEGATION_WORDS,
            except_=tuple(w.lower() for w in c.terms(neg["except"], "negation except", "phrase", True))
            if "except" in neg else DEFAULT_NEGATION_EXCEPT,
        )
    frames_node = top["frames"]
    if not isinstance(frames_node.value, list) or not frames_node.value:
        c.fail(frames_node.line, "frames", "expected a non-empty list of frames",
               "Write each frame as a list entry starting with `- id: ...`.")
    frames: list[Frame] = []
    seen_frames: dict[str, int] = {}
    seen_indicators: dict[str, int] = {}
    for n, frame_node in enumerate(frames_node.value, start=1):
        where = f"frame {n}"
        if isinstance(frame_node.value, dict) and isinstance(frame_node.value.get("id", _Node(None, 0)).value, str):
            where = f"frame {frame_node.value['id'].value!r}"
        f = c.mapping(frame_node, where, _FRAME_KEYS, ("id",))
        fid = c.text(f["id"], where)
        where = f"frame {fid!r}"
        if not _ID.match(fid):
            c.fail(f["id"].line, where, "the id is not a valid column name",
                   "Use letters, digits and '_' and start with a letter (e.g. `heritage_quality`).")
        if fid in seen_frames:
            c.fail(f["id"].line, where, f"the id is used twice (first on line {seen_frames[fid]})",
                   "Give every frame its own id.")
        seen_frames[fid] = f["id"].line
        if ("indicators" in f) == ("items" in f):
            c.fail(frame_node.line, where, "a frame needs either `indicators` or `items` (not both, not neither)",
                   "Add `indicators:` with at least one indicator, or `items:` with yes/no questions.")
        indicators: tuple[Indicator, ...] = ()
        items: tuple[Item, ...] = ()
        if "indicators" in f:
            indicators = _indicators(c, f["indicators"], fid, where, seen_indicators)
        else:
            if not isinstance(f["items"].value, list) or not f["items"].value:
                c.fail(f["items"].line, where, "`items` must be a non-empty list", "Write each item as `- id: ...`.")
            item_list = []
            seen_items: set[str] = set()
            for m, item_node in enumerate(f["items"].value, start=1):
                iw = f"{where}, item {m}"
                it = c.mapping(item_node, iw, _ITEM_KEYS, ("id", "indicators"))
                iid = c.text(it["id"], iw)
                if not _ID.match(iid) or iid in seen_items:
                    c.fail(it["id"].line, iw, f"the item id {iid!r} is not a new simple name",
                           "Use a unique id of letters, digits and '_' (e.g. q1).")
                seen_items.add(iid)
                item_list.append(Item(
                    id=iid,
                    question=c.text(it.get("question"), iw),
                    indicators=_indicators(c, it["indicators"], f"{fid}.{iid}", iw, seen_indicators),
                ))
            items = tuple(item_list)
        frames.append(Frame(
            id=fid,
            label=c.text(f.get("label"), where, default=fid),
            definition=c.text(f.get("definition"), where).strip(),
            indicators=indicators,
            items=items,
            min_hits=c.integer(f.get("min_hits"), f"{where} min_hits", 1),
            min_items=c.integer(f.get("min_items"), f"{where} min_items", 1),
        ))
    refs_node = top.get("references") or top.get("reference")
    refs: tuple[str, ...] = ()
    if refs_node is not None:
        refs = tuple(str(r.value) for r in refs_node.value) if isinstance(refs_node.value, list) else (
            c.text(refs_node, "references"),)
    return Codebook(
        id=cb_id,
        title=c.text(top.get("title"), "title", default=cb_id),
        unit=unit,
        frames=tuple(frames),
        negation=negation,
        language=c.text(top.get("language"), "language", default="de"),
        description=c.text(top.get("description"), "description").strip(),
        references=refs,
        source=source,
    )


def _indicators(c: _Checker, node: _Node, prefix: str, where: str, seen: dict[str, int]) -> tuple[Indicator, ...]:
    if not isinstance(node.value, list) or not node.value:
        c.fail(node.line, where, "`indicators` must be a non-empty list",
               "Write each indicator as `- type: lemma` with `terms: [...]`.")
    out = []
    for k, ind_node in enumerate(node.value, start=1):
        iw = f"{where}, indicator {k}"
        d = c.mapping(ind_node, iw, _INDICATOR_KEYS, ("type", "terms"))
        kind = c.choice(d["type"], iw + " type", INDICATOR_TYPES, "word")
        iid = c.text(d.get("id"), iw, default=f"{kind}{k}")
        if not re.match(r"^[\w\-]+$", iid):
            c.fail(d["id"].line, iw, f"the indicator id {iid!r} is not a simple name", "Use letters, digits, '-', '_'.")
        full_id = f"{prefix}.{iid}"
        if full_id in seen:
            c.fail(ind_node.line, iw, f"the indicator id {iid!r} is used twice in this frame "
                   f"(first on line {seen[full_id]})", "Give each indicator its own `id:`.")
        seen[full_id] = ind_node.line
        terms_node = d["terms"]
        if terms_node.line == 0:  # pragma: no cover
            terms_node.line = ind_node.line
        terms = c.terms(terms_node, iw, kind, allow_spaces=kind == "phrase")
        near: tuple[str, ...] = ()
        if kind == "near":
            if "near" not in d:
                c.fail(ind_node.line, iw, "a `near` indicator needs a `near:` list",
                       "Add `near: [word, ...]`: the words that must occur within `window` words.")
            near = c.terms(d["near"], iw, "near", allow_spaces=False)
        elif "near" in d:
            c.fail(d["near"].line, iw, f"`near:` only applies to `type: near`, not {kind!r}",
                   "Change the type to `near` or remove `near:`.")
        out.append(Indicator(
            id=full_id,
            type=kind,
            terms=terms,
            near=near,
            window=c.integer(d.get("window"), iw + " window", 5),
            negation=c.choice(d.get("negation"), iw + " negation", NEGATION_EFFECTS, "drop"),
            quotes=c.choice(d.get("quotes"), iw + " quotes", QUOTE_EFFECTS, "keep"),
        ))
    return tuple(out)


# ----------------------------------------------------------------------------------------------
# Public API


def available() -> list[str]:
    """The names of the codebooks shipped with the package (``load(name)`` loads one)."""
    return sorted(p.stem for p in paths.CODEBOOKS.glob("*.yaml"))


def load(source: str | Path | Codebook | dict) -> Codebook:
    """Load and validate a codebook.

    Parameters
    ----------
    source
        A shipped codebook's name (see :func:`available`), a path to a YAML
        file, a mapping in the YAML structure, or an already loaded
        :class:`Codebook` (returned as is).

    Returns
    -------
    Codebook

    Raises
    ------
    CodebookError
        If the file is missing, is not valid YAML, or breaks a rule of the
        format; the message names the file, the line and what to change.
    """
    if isinstance(source, Codebook):
        return source
    if isinstance(source, dict):
        return from_dict(source)
    path = Path(source)
    if not path.suffix and not path.exists():
        shipped = paths.CODEBOOKS / f"{source}.yaml"
        if shipped.exists():
            path = shipped
        else:
            raise CodebookError(
                f"no codebook named {str(source)!r}; shipped codebooks: {', '.join(available())}, "
                "or pass the path to your own YAML file."
            )
    if not path.exists():
        raise CodebookError(f"{path}: file not found; pass an existing YAML file or one of: {', '.join(available())}.")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise CodebookError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start}); save it as UTF-8.") from None
    source_name = path.name if path.parent == paths.CODEBOOKS else str(path)
    return _load_text(text, source_name)


@functools.lru_cache(maxsize=32)
def _load_text(text: str, source_name: str) -> Codebook:
    # cached by content: a changed file is read and checked again
    return _build(_parse(text, source_name), source_name)


def from_dict(data: dict, *, source: str = "<dict>") -> Codebook:
    """Validate a codebook given as a Python mapping (the YAML structure)."""
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return _build(_parse(text, source), source)


def indicators(codebook: str | Path | Codebook) -> pd.DataFrame:
    """A table of every indicator: frame, item, indicator id, type, terms, options.

    Useful to show a codebook in a notebook or to review it with coders.
    """
    cb = load(codebook)
    rows = []
    for f in cb.frames:
        groups = [(None, f.indicators)] + [(it.id, it.indicators) for it in f.items]
        for item, inds in groups:
            for ind in inds:
                rows.append({
                    "frame": f.id,
                    "item": item,
                    "indicator": ind.id,
                    "type": ind.type,
                    "terms": ", ".join(ind.terms),
                    "near": ", ".join(ind.near),
                    "window": ind.window if ind.type == "near" else None,
                    "negation": ind.negation,
                    "quotes": ind.quotes,
                })
    return pd.DataFrame(rows)
