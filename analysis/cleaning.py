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
``alt_text``              a short line with a lower-case word but no  removed
                          function word of the article's language
                          (``"Leica xiaomi stratetic partnership"``),
                          or an image file name
``caption``               a photo caption (``"Gruppe (v.l.n.r.): …"``) kept, part ``caption``
``headline``              the first short line without a full stop    kept, part ``headline``
``subheading``            a later short line without a full stop      kept, part ``subheading``
``lead``                  the first body paragraph                    kept, part ``lead``
``body``                  everything else                             kept, part ``body``
========================  ==========================================  =========

Every removal is returned with its rule and a reason, so a user can check
what was taken out (``articles.attrs["removed"]``). Raw files are never changed.

The function-word test of ``alt_text`` needs to know the language: German and
English word lists are built in; for an article in another language only the
file-name cues apply. When the language is not given it is guessed from the
function words (:func:`guess_language`), so English articles do not lose their
headlines to a German rule. Every check reads at most the first few words of a
paragraph, so a 20 MB article is structured in a few seconds.
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Callable
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
# English function words, for the alt-text rule on English articles.
FUNCTION_WORDS_EN = frozenset(
    """the a an and or but not no of to in on at by for with from as is are was were be been has have
    had will would can could should may might must it its this that these those he she they we you i
    his her their our your who what which when where why how than then there here new more most
    about after before over under into out up down""".split()
)
#: Function words per language code (the first two letters of ``language``).
FUNCTION_WORDS_BY_LANGUAGE = {"de": FUNCTION_WORDS, "en": FUNCTION_WORDS_EN}

_DATE_PREFIX = re.compile(r"\A\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)\b\s*", re.IGNORECASE)
_PLACEHOLDER = re.compile(
    r"^(?:Bildunterschrift|Bildquelle|Bild|Foto|Fotos|Abbildung|Abb\.|Image|Caption|Grafik|Video)\s*\d*\s*:?\s*$",
    re.IGNORECASE,
)
_CAPTION_CUE = re.compile(
    r"(?:\(?\bv\.\s*l\.?\s*n\.?\s*r\.?\)?|^(?:Foto|Bild|Quelle|Bildquelle|Credit|Im Bild|Auf dem Bild)\s*[:(]|©)",
    re.IGNORECASE,
)
# The same cues, split so that long paragraphs are not scanned for nothing (see _has_caption_cue).
_CAPTION_START = re.compile(r"(?:Foto|Bild|Quelle|Bildquelle|Credit|Im Bild|Auf dem Bild)\s*[:(]", re.IGNORECASE)
_CAPTION_VLNR = re.compile(r"\bv\.\s*l\.?\s*n\.?\s*r", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_][\w\-’']*", re.UNICODE)
_GLUED_DIGIT = re.compile(r"[^\W\d_]{3,}\d+\b")
_FILE_NAME = re.compile(r"\.(?:jpe?g|png|gif|webp|svg)\b", re.IGNORECASE)
_TERMINAL = re.compile(r"[.!?…:;,\"“”»«)]\s*$")
_FULL_STOP = re.compile(r"[.…]\s*[\"“”»«)]?\s*$")
_BLANK_LINE = re.compile(r"\n[ \t\f\v]*\n")
_BLANK_LINES = re.compile(r"\n[ \t\f\v]*\n+")
_LINE_BREAK = re.compile(r"[ \t\f\v]*\n[ \t\f\v]*")
_SPACES = re.compile(r"[ \t\f\v]{2,}")


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
    chunks = _BLANK_LINES.split(text) if _BLANK_LINE.search(text) else text.split("\n")
    out = []
    for chunk in chunks:
        if "\n" in chunk:
            chunk = _LINE_BREAK.sub(" ", chunk)
        chunk = chunk.strip()
        if "  " in chunk or "\t" in chunk or "\f" in chunk or "\v" in chunk:
            chunk = _SPACES.sub(" ", chunk)
        if chunk:
            out.append(chunk)
    return out


def _words(text: str, limit: int | None = None) -> list[str]:
    """The words of ``text``; with ``limit``, at most ``limit`` of them (enough to test a length)."""
    if limit is None:
        return _WORD.findall(text)
    return [m.group(0) for m in itertools.islice(_WORD.finditer(text), limit)]


def _ends(pattern: re.Pattern, text: str) -> bool:
    """``pattern.search(text)`` for a pattern anchored at the end, reading only the tail."""
    return bool(pattern.search(text.rstrip()[-64:]))


def _is_short_line(text: str, max_words: int) -> bool:
    return len(_words(text, max_words + 1)) <= max_words and not _ends(_FULL_STOP, text)


def _is_navigation(text: str) -> bool:
    words = [m.group(0).lower() for m in itertools.islice(re.finditer(r"\S+", text), 16)]
    if not words or len(words) > 15 or _ends(_TERMINAL, text):
        return False
    nav = sum(w.strip("|·•/") in NAV_WORDS for w in words)
    return nav >= 2 and nav / len(words) >= 0.6


def _is_alt_text(text: str, language: str | Callable[[], str] = "de") -> bool:
    words = _words(text, 9)
    if not words or len(words) > 8 or _ends(_TERMINAL, text):
        return False
    if _FILE_NAME.search(text) or _GLUED_DIGIT.search(text):
        return True
    if len(words) < 2 or all(w[0].isupper() for w in words):
        return False  # one word, or capitalised words only ("Erste Zeile", "Xiaomi & Leica"): a heading
    if callable(language):  # the article's language, guessed only when a line gets this far
        language = language()
    function_words = FUNCTION_WORDS_BY_LANGUAGE.get(language)
    if function_words is None:
        return False  # no word list for this language: only file-name cues apply
    if language == "de" and re.search(r"[äöüßÄÖÜ]", text):
        return False
    return not any(w.lower() in function_words for w in words)


def _has_caption_cue(text: str) -> bool:
    """``bool(_CAPTION_CUE.search(text))``, scanning the text only where a cue can be.

    "v. l. n. r." needs a "v." (any case) and the other cues stand at the start or
    are "©", so most paragraphs are decided by two substring tests.
    """
    if "©" in text or _CAPTION_START.match(text):
        return True
    return ("v." in text or "V." in text) and _CAPTION_VLNR.search(text) is not None


def _first_words(text: str, limit: int) -> list[str]:
    """The first ``limit`` matches of the word pattern in ``text``, scanning only as much text as needed.

    ``findall`` on a prefix gives the same matches as on the whole text except
    possibly the last one (a word cut at the end of the prefix), so the prefix is
    long enough once it holds more than ``limit`` matches.
    """
    size = 8 * limit
    while size < len(text):
        found = _WORD.findall(text, 0, size)
        if len(found) > limit:
            return found[:limit]
        size *= 4
    return _WORD.findall(text)[:limit]


def guess_language(text: str, *, max_words: int = 2000) -> str:
    """``"en"`` if the first words hold clearly more English than German function words, else ``"de"``.

    A deliberately small guess, used only to pick the word list of the
    ``alt_text`` rule when an article's language is not given.
    """
    lowered_text = text.lower()
    if len(lowered_text) == len(text):
        # Every character lower-cases to one character of the same word class (a test checks
        # all of Unicode), so the words of the lower-cased text are the lower-cased words.
        lowered = _first_words(lowered_text, max_words)
    else:  # a character whose lower case is longer ("İ"): lower-case the words themselves
        words = _first_words(text, max_words)
        # words hold no white space: lower-case them in one call, then count in C
        lowered = " ".join(words).lower().split(" ") if words else []
    german = sum(map(FUNCTION_WORDS.__contains__, lowered))
    english = sum(map(FUNCTION_WORDS_EN.__contains__, lowered))
    return "en" if english > 2 * german and english >= 3 else "de"


def _guess_language_reference(text: str, *, max_words: int = 2000) -> str:
    """:func:`guess_language` as first written (one word at a time); the tests compare the two."""
    words = [m.group(0).lower() for m in itertools.islice(_WORD.finditer(text), max_words)]
    german = sum(w in FUNCTION_WORDS for w in words)
    english = sum(w in FUNCTION_WORDS_EN for w in words)
    return "en" if english > 2 * german and english >= 3 else "de"


def structure(raw: str, *, title: str | None = None, clean: bool = True, language: str | None = None) -> Structure:
    """Label the paragraphs of one raw article and apply the cleaning rules.

    Parameters
    ----------
    raw
        The article as received (already decoded).
    title
        The headline from metadata, if known; a first paragraph equal to it is
        labelled ``headline``, and no paragraph equal to it is removed.
    clean
        If False, nothing is removed; paragraphs are only labelled.
    language
        The article's language (``"de"``, ``"en"``, ``"de-AT"`` ...); picks the
        function words of the ``alt_text`` rule. None guesses it
        (:func:`guess_language`).

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
    lang = (language or "").strip().lower()[:2]
    if not lang:  # guessed when the alt-text rule first needs it (most articles never do)
        guessed: list[str] = []

        def lang() -> str:
            if not guessed:
                guessed.append(guess_language(raw))
            return guessed[0]

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

    title_text = " ".join(title.split()) if title else None
    for p in paragraphs:
        if not p.text:
            p.rule, p.reason = "empty", "nothing left after the date prefix"
        elif p.rule:
            continue
        elif title_text and p.text == title_text:
            continue  # the known headline is never furniture
        elif clean and _PLACEHOLDER.match(p.text):
            p.rule, p.reason = "caption_placeholder", "image caption placeholder without content"
        elif clean and _is_alt_text(p.text, lang):
            p.rule, p.reason = "alt_text", "short line without German function words or punctuation (image alt text)"
        elif _has_caption_cue(p.text):
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
