"""Recognise the structure of a scraped article and record what cleaning removes.

A scraped article arrives as paragraphs (one per line or separated by blank
lines) that mix the story with page furniture: a navigation bar, image alt
texts, caption placeholders, a date stamp glued to the first line. This module
labels every paragraph with a *part* and decides, rule by rule, what is kept:

========================  ==========================================  =========
rule                      recognises                                  action
========================  ==========================================  =========
``date_prefix``           ``" date 2022-05 "`` before the first line  removed, date kept
``navigation``            a first line made of menu/social words      removed
``caption_placeholder``   ``"Bildunterschrift 1"``, ``"Foto 2"``      removed
``alt_text``              a short line with no German function word   removed
                          (``"Leica xiaomi stratetic partnership"``)
``caption``               a photo caption (``"Gruppe (v.l.n.r.): …"``) kept, part ``caption``
``headline``              the first short line without a full stop    kept, part ``headline``
``subheading``            a later short line without a full stop      kept, part ``subheading``
``lead``                  the first body paragraph                    kept, part ``lead``
``body``                  everything else                             kept, part ``body``
========================  ==========================================  =========

Every removal is returned with its rule and a reason, so a user can check
what was taken out (``articles.attrs["removed"]``). Raw files are never changed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

#: The parts a kept paragraph can have, in reading order.
PARTS = ("headline", "subheading", "lead", "body", "caption")
#: Parts that belong to the running text (captions are kept apart).
TEXT_PARTS = ("headline", "subheading", "lead", "body")

NAV_WORDS = frozenset(
    """youtube instagram vimeo rss facebook twitter x tiktok linkedin pinterest xing whatsapp telegram
    threads mastodon newsletter menü menu suche search home startseite login anmelden abo abonnieren
    kontakt impressum datenschutz teilen share drucken print mail e-mail podcast""".split()
)

# German function words: a line holding none of them is unlikely to be German prose.
FUNCTION_WORDS = frozenset(
    """der die das den dem des ein eine einer eines einem einen und oder aber doch denn nicht nur
    auch noch schon mit für von zu zum zur im in am an auf aus bei bis nach über unter vor wie
    als ist sind war waren wird werden hat haben kann können soll sollen will wer was wo warum
    wie wann ob dass es er sie wir ihr ich man sich so sehr mehr kein keine neue neuer neues
    neu gegen ohne um durch jetzt hier da dann""".split()
)

_DATE_PREFIX = re.compile(r"\A\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)\b\s*", re.IGNORECASE)
_PLACEHOLDER = re.compile(
    r"^(?:Bildunterschrift|Bildquelle|Bild|Foto|Fotos|Abbildung|Abb\.|Image|Caption|Grafik|Video)\s*\d*\s*:?\s*$",
    re.IGNORECASE,
)
_CAPTION_CUE = re.compile(
    r"(?:\(?\bv\.\s*l\.?\s*n\.?\s*r\.?\)?|^(?:Foto|Bild|Quelle|Bildquelle|Credit|Im Bild|Auf dem Bild)\s*[:(]|©)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_][\w\-’']*", re.UNICODE)
_GLUED_DIGIT = re.compile(r"[^\W\d_]{3,}\d+\b")
_FILE_NAME = re.compile(r"\.(?:jpe?g|png|gif|webp|svg)\b", re.IGNORECASE)
_TERMINAL = re.compile(r"[.!?…:;,\"“”»«)]\s*$")
_FULL_STOP = re.compile(r"[.…]\s*[\"“”»«)]?\s*$")


@dataclass
class Paragraph:
    """One paragraph of a raw article with its decision."""

    raw_index: int
    text: str
    part: str | None = None  # None while undecided; a PARTS value when kept
    rule: str | None = None  # the rule that removed it, or None when kept
    reason: str = ""


@dataclass
class Structure:
    """The outcome of :func:`structure` for one article."""

    kept: list[Paragraph] = field(default_factory=list)
    removed: list[Paragraph] = field(default_factory=list)
    date_in_text: str | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.kept)

    @property
    def parts(self) -> list[str]:
        return [p.part or "body" for p in self.kept]

    @property
    def headline(self) -> str:
        return next((p.text for p in self.kept if p.part == "headline"), "")


def split_paragraphs(text: str) -> list[str]:
    """Split raw text into paragraphs: at blank lines, or at every line if there are none."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    chunks = re.split(r"\n[ \t\f\v]*\n+", text) if re.search(r"\n[ \t\f\v]*\n", text) else text.split("\n")
    out = []
    for chunk in chunks:
        chunk = re.sub(r"[ \t\f\v]*\n[ \t\f\v]*", " ", chunk).strip()
        chunk = re.sub(r"[ \t\f\v]{2,}", " ", chunk)
        if chunk:
            out.append(chunk)
    return out


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _is_short_line(text: str, max_words: int) -> bool:
    return len(_words(text)) <= max_words and not _FULL_STOP.search(text)


def _is_navigation(text: str) -> bool:
    words = [w.lower() for w in re.findall(r"\S+", text)]
    if not words or len(words) > 15 or _TERMINAL.search(text):
        return False
    nav = sum(w.strip("|·•/") in NAV_WORDS for w in words)
    return nav >= 2 and nav / len(words) >= 0.6


def _is_alt_text(text: str) -> bool:
    words = _words(text)
    if not words or len(words) > 8 or _TERMINAL.search(text):
        return False
    if _FILE_NAME.search(text) or _GLUED_DIGIT.search(text):
        return True
    if len(words) < 2:
        return False
    return not any(w.lower() in FUNCTION_WORDS for w in words) and not re.search(r"[äöüßÄÖÜ]", text)


def structure(raw: str, *, title: str | None = None, clean: bool = True) -> Structure:
    """Label the paragraphs of one raw article and apply the cleaning rules.

    Parameters
    ----------
    raw
        The article as received (already decoded).
    title
        The headline from metadata, if known; a first paragraph equal to it is
        labelled ``headline``.
    clean
        If False, nothing is removed; paragraphs are only labelled.

    Returns
    -------
    Structure
        Kept paragraphs with their parts, removed paragraphs with rule and
        reason, and a date found in a ``date`` prefix.
    """
    result = Structure()
    paragraphs = [Paragraph(i, t) for i, t in enumerate(split_paragraphs(raw))]
    if not paragraphs:
        return result

    if clean:
        first = paragraphs[0]
        match = _DATE_PREFIX.match(first.text)
        if match:
            result.date_in_text = match.group(1)
            result.removed.append(
                Paragraph(first.raw_index, match.group(0).strip(), rule="date_prefix",
                          reason=f"date stamp glued to the first line; date {match.group(1)} kept as metadata")
            )
            first.text = first.text[match.end():].strip()
        if first.text and _is_navigation(first.text):
            first.rule, first.reason = "navigation", "first line made of menu and social-media words"

    for p in paragraphs:
        if not p.text:
            p.rule, p.reason = "empty", "nothing left after the date prefix"
        elif p.rule:
            continue
        elif clean and _PLACEHOLDER.match(p.text):
            p.rule, p.reason = "caption_placeholder", "image caption placeholder without content"
        elif clean and _is_alt_text(p.text):
            p.rule, p.reason = "alt_text", "short line without German function words or punctuation (image alt text)"
        elif _CAPTION_CUE.search(p.text):
            p.part = "caption"

    kept = [p for p in paragraphs if p.rule is None]
    result.removed.extend(p for p in paragraphs if p.rule and p.rule != "empty")

    seen_body = False
    for i, p in enumerate(kept):
        if p.part == "caption":
            continue
        is_first = i == 0
        if is_first and (
            (title and p.text.strip() == title.strip()) or _is_short_line(p.text, 20)
        ):
            p.part = "headline"
        elif _is_short_line(p.text, 12) and not p.text.endswith(","):
            p.part = "subheading"
        elif not seen_body:
            p.part, seen_body = "lead", True
        else:
            p.part = "body"
    result.kept = kept
    return result
