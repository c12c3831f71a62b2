"""Split German paragraphs into sentences, without data downloads.

A rule-based splitter in the tradition of the Punkt and SoMaJo splitters, but
with a fixed list of German abbreviations instead of a trained model, so it
needs no data and gives the same result on every machine. A sentence ends at
``.``, ``!``, ``?`` or ``…`` (with any closing quotes or brackets) that is
followed by white space and an upper-case letter, a digit or an opening quote —
unless the full stop belongs to

* an abbreviation (``Dr.``, ``z. B.``, ``bzw.``, ``Nr.``; see :data:`ABBREVIATIONS`),
* a single letter (initials such as ``A. Merkel``),
* an ordinal number (``3. Mai``, ``am 20. Jahrestag``, ``der 2. Platz``).

References
----------
Kiss, T., & Strunk, J. (2006). Unsupervised multilingual sentence boundary
detection. *Computational Linguistics*, 32(4), 485–525.

Proisl, T., & Uhrig, P. (2016). SoMaJo: State-of-the-art tokenization for German
web and social media texts. *Proceedings of the 10th Web as Corpus Workshop*, 57–62.
"""
from __future__ import annotations

import re

#: Abbreviations (lower case, without the final full stop) that never end a sentence.
ABBREVIATIONS = frozenset(
    """
    abb abk abs abt allg anm art aufl bd bearb beil bes betr bspw bzgl bzw ca chr co corp dipl
    dr dt ebd ehem eig einschl engl entspr erg etc ev evtl exkl fa fam ff fr frl frz geb gebr gegr
    gem ges gest ggf ggü hg hl hr hrsg inc inh insb inkl jh jhd jr kap kath kfz kl lt ltd max
    mio mrd min mr mrs ms mind mwst nachf nr o.ä od pkw pl prof prov rd rel resp sek sen sog spez
    st std str stv tab tel tsd usw urspr va verf vgl vs vorm vors weibl wg zb zt zzgl ua uä uu dh
    ggfs jan feb febr mär apr jun jul aug sep sept okt nov dez mo di mi do fr sa so
    """.split()
)

#: Words after which ``<number>.`` is an ordinal, not a sentence end.
ORDINAL_CONTEXT = frozenset(
    "am im zum vom der die das dem den des bis ab seit zur beim ihr ihre ihrem ihren sein seine seinem seinen jeder jede jedes".split()
)

MONTHS = frozenset(
    "januar jänner februar märz april mai juni juli august september oktober november dezember".split()
)

_CANDIDATE = re.compile(r"(?:[.!?…]+|\.\.\.)[\"'“”»«’)\]]*(?=\s+[\"'„“»«(\[]?[A-ZÄÖÜ0-9])")
_NEXT_WORD = re.compile(r"\s*([\w\-]*)")
_CLOSERS = "\"'“”»«’)]"
_OPENERS = "(\"'„“»«["


def _token_before(text: str, end: int) -> str | None:
    r"""The run of non-space characters that ends at ``end`` (``None`` if there is none).

    Same result as ``re.search(r"(\S+?)$", text[:end])``, without copying the
    text or scanning it from the start: ``$`` also matches before a final
    newline, so a token directly before a trailing ``"\n"`` counts.
    """
    if end <= 0:
        return None
    stop = end
    if text[end - 1].isspace():
        if text[end - 1] == "\n" and end >= 2 and not text[end - 2].isspace():
            stop = end - 1
        else:
            return None
    i = stop
    while i > 0 and not text[i - 1].isspace():
        i -= 1
    return text[i:stop]


def _is_boundary(text: str, end_punct: int, punct: str) -> bool:
    """Decide whether the punctuation run ending at ``end_punct`` ends a sentence."""
    if punct[0] != ".":
        return True
    if punct.startswith("..."):
        return True
    before_end = end_punct - len(punct)
    token = _token_before(text, before_end)
    if token is None:
        return True
    bare = token.lstrip(_OPENERS).lower()
    if not bare:
        return True
    # abbreviations, including dotted ones like "z.B" or "u.a"
    if bare in ABBREVIATIONS:
        return False
    if "." in bare:
        if bare.replace(".", "") in ABBREVIATIONS:
            return False
        if all(len(seg) <= 2 for seg in bare.split(".") if seg):
            return False  # d.h, u.a, v.ln, o.ä
    if len(bare) == 1 and bare.isalpha():
        return False  # initials, "z. B."
    if bare.isdigit():
        next_word = _NEXT_WORD.match(text, end_punct).group(1).lower()
        if next_word in MONTHS or next_word.isdigit():
            return False
        # the token before the number (white space between them skipped)
        j = before_end - len(token)
        while j > 0 and text[j - 1].isspace():
            j -= 1
        prev = _token_before(text, j)
        if prev and prev.lower() in ORDINAL_CONTEXT and len(bare) <= 3:
            return False
    return True


def split_spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of one paragraph; stripped of surrounding white space.

    Parameters
    ----------
    text
        One paragraph (no blank lines inside).

    Returns
    -------
    list of tuple
        Character offsets into ``text``; ``text[start:end]`` is a sentence.
    """
    spans = []
    start = 0
    for m in _CANDIDATE.finditer(text):
        if _is_boundary_run(text, m):
            spans.append((start, m.end()))
            start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def _is_boundary_run(text: str, m: re.Match) -> bool:
    run = m.group(0)
    punct = run.rstrip(_CLOSERS)
    end_punct = m.start() + len(punct)
    return _is_boundary(text, end_punct, punct)


def split(text: str) -> list[str]:
    """The sentences of one paragraph as strings (see :func:`split_spans`)."""
    return [text[s:e] for s, e in split_spans(text)]
