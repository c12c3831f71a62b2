"""textblob-de's sentiment, as shipped, and a fast path with identical scores.

``textblob_de.sentiments.PatternAnalyzer().analyze(text)`` (the analyser behind
``TextBlobDE(text).sentiment`` for one sentence) works in five steps:

1. split the text into tokens with pattern's ``PatternTokenizer``;
2. tag the tokens as **one** sequence with pattern's Brill tagger (lexicon,
   morphological rules for unknown words, contextual rules);
3. chunk the sentence (unused by the sentiment) and lemmatise each word from its
   tag (``predicative`` for adjectives, ``singularize`` for plural nouns,
   ``conjugate`` for verbs) and lower-case it;
4. join the lemmas and re-tokenise them;
5. look every lower-cased lemma up in the German polarity lexicon and average
   the polarities of the words found (negation: ``p * -0.5``; modifiers;
   ``!``).

About 85 % of the time goes into step 2 (profiled on GerNTSA): every unknown word runs through all
288 morphological rules and every token through all 373 contextual rules, with
string operations per rule. :class:`FastTextBlob` keeps steps 1, 4 and 5 as
they are (it calls the same pattern functions) and replaces 2 and 3 by an
equivalent implementation: rules are compiled once, contextual rules are
indexed by the tag they change (the tag a rule sees is the token's tag before
any contextual rule, so the *last* matching rule decides), morphological rules
are pre-filtered per word and cached, lemmas are cached per ``(word, tag)``,
and no chunking is done. Texts that hit a corner the fast path does not model
(white space other than spaces inside a token) go through the reference
analyser, so the fast path never changes a score; ``tests/test_sentiment.py``
checks equality on the GerNTSA sentences.

The fast path does not import ``textblob_de``: its ``__init__`` imports
TextBlob, NLTK and ``scipy.stats`` (1.6-3.5 s per process). It imports only the
pattern library vendored in textblob-de (``_pattern``, under the module names
textblob-de itself uses) and re-creates textblob-de's sentiment lexicon object
and ``PatternTokenizer`` (:func:`pattern_tokenize`). The reference analyser
imports textblob-de on first use. pattern's tagger lexicon and the sentiment
lexicon, which pattern parses from text and XML in every process (~0.25 s), are
kept after the first load as a JSON snapshot in the cache folder
(:func:`load_pattern_data`, keyed by the data files' content).

The lexicon lookup lower-cases every lemma, while the lexicon stores nouns
capitalised ("Augenwischerei", "Erfolg"): these never match. This is the
shipped behaviour and is kept here on purpose; see
:mod:`analysis.sentiment.lexicon` for the corrected method.

References
----------
Killer, M. (2014). textblob-de: German language support for TextBlob.
https://github.com/markuskiller/textblob-de

Klenner, M., Clematide, S., Wiegand, M., & Peters, R. (2010). German Polarity
Lexicon, version 1.1 (the lexicon shipped with textblob-de).

De Smedt, T., & Daelemans, W. (2012). Pattern for Python. *Journal of Machine
Learning Research*, 13, 2063–2067.

Brill, E. (1995). Transformation-based error-driven learning and natural
language processing. *Computational Linguistics*, 21(4), 543–565.
"""
from __future__ import annotations

import importlib.util
import os
import re
import string
import sys
import warnings
from functools import lru_cache
from itertools import chain
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textblob_de.sentiments import PatternAnalyzer

_PUNCT = string.punctuation


def _textblob_de_folder() -> str:
    """The installed ``textblob_de`` package folder, found without importing it (NLTK, SciPy: seconds)."""
    spec = importlib.util.find_spec("textblob_de")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("textblob-de is not installed; the textblob-de method needs it "
                                  "(pip install 'textblob-de==0.4.3' 'textblob<0.18')")
    return list(spec.submodule_search_locations)[0]


def _import_vendored_pattern(folder: str) -> tuple[ModuleType, ModuleType]:
    """``(_pattern.text, _pattern.text.de)``: the pattern library vendored in textblob-de.

    Imported under the module names textblob-de uses (``textblob_de/packages.py`` puts
    ``textblob_de/ext`` on ``sys.path`` and imports ``_pattern``), so a later import of
    textblob-de (the reference analyser) finds these very module objects in ``sys.modules``.
    ``sys.path`` is restored afterwards. ``_pattern`` imports neither NLTK nor SciPy.
    """
    ext = os.path.join(folder, "ext")
    added = "_pattern" not in sys.modules
    if added:
        sys.path.append(ext)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            importlib.import_module("_pattern")
            text = importlib.import_module("_pattern.text")
            de = importlib.import_module("_pattern.text.de")
    finally:
        if added and ext in sys.path:
            del sys.path[len(sys.path) - 1 - sys.path[::-1].index(ext)]
    return text, de


_TEXTBLOB_DE = _textblob_de_folder()
pattern_text, pattern_de = _import_vendored_pattern(_TEXTBLOB_DE)


# --- re-created from textblob-de 0.4.3 ------------------------------------------------------------
# The sentiment lexicon object (textblob_de/sentiments.py) and the tokenizer (PatternTokenizer in
# textblob_de/tokenizers.py) of textblob-de, copied here so that the fast path need not import
# textblob_de, whose __init__ imports textblob -> nltk -> scipy.stats (1.6-3.5 s per process).
# textblob-de: Copyright 2014-2019 Markus Killer, MIT licence,
# https://github.com/markuskiller/textblob-de (itself adapted from TextBlob, (c) Steven Loria, MIT,
# and textblob-fr). The data (de-sentiment.xml) is read from the installed textblob_de folder.
# tests/test_sentiment.py checks that scores and tokens equal textblob-de's own.

class _Sentiment(pattern_text.Sentiment):
    """textblob-de's ``Sentiment``: pattern's, with diacritics mapped when the lexicon is loaded."""

    def load(self, path: str | None = None) -> None:
        """Load the XML lexicon, then also annotate each form with à/é/è/ê/ï replaced (as textblob-de)."""
        pattern_text.Sentiment.load(self, path)
        # Map "précaire" to "precaire" (without diacritics, +1% accuracy).
        if not path:
            for w, pos in list(self.items()):
                w0 = w
                if not w.endswith(("à", "è", "é", "ê", "ï")):
                    w = w.replace("à", "a")
                    w = w.replace("é", "e")
                    w = w.replace("è", "e")
                    w = w.replace("ê", "e")
                    w = w.replace("ï", "i")
                if w != w0:
                    for pos, (p, s, i) in pos.items():
                        self.annotate(w, pos, p, s, i)


_SENTIMENT_XML = os.path.join(_TEXTBLOB_DE, "data", "de-sentiment.xml")
_SENTIMENT = _Sentiment(
    path=_SENTIMENT_XML,
    synset=None,
    negations=("nicht", "ohne", "nie", "nein", "kein", "keiner", "keine", "nichts"),
    modifiers=("RB", "JJ"),
    modifier=lambda w: w.endswith("lich"),
    language="de",
)


def pattern_sentiment(text: str) -> tuple:
    """``(polarity, subjectivity)`` of ``text`` with textblob-de's lexicon (its ``pattern_sentiment``).

    The result is pattern's ``Score`` tuple; its ``assessments`` list the words found.
    """
    return _SENTIMENT(text)


def _pattern_word_tokenize(sentence: str) -> list[str]:
    """``PatternTokenizer.word_tokenize(sentence, include_punc=True)`` of textblob-de."""
    if sentence.strip() == "":
        return []
    tokens = sentence.split(" ")
    # a substring test on string.punctuation, as in textblob-de (Issue #4 there)
    if len(tokens) == 1 and tokens[0] in _PUNCT:
        return tokens
    last = tokens[-1]
    if last.endswith(".") and len(last) > 1:  # do not split "." into ["", "."] (Issue #5 there)
        tokens = tokens[:-1] + [last[:-1], "."]
    return tokens


def pattern_tokenize(text: str) -> list[str]:
    """The tokens of ``text`` as textblob-de's ``PatternTokenizer().tokenize(text)`` returns them.

    pattern's ``find_tokens`` with German abbreviations splits the text into
    sentences (space-separated tokens); each sentence is split on spaces and a
    final period is split off.
    """
    sentences = pattern_text.find_tokens(text, punctuation=_PUNCT, abbreviations=pattern_de.ABBREVIATIONS,
                                         replace=pattern_text.replacements, linebreak=r"\n{2,}")
    return list(chain.from_iterable(_pattern_word_tokenize(s) for s in sentences))


_OTHER_SPACE = re.compile(r"[^\S ]")

# Contextual-rule commands, as small integers.
_CTX_CMDS = {
    "prevtag": 0, "nexttag": 1, "prev2tag": 2, "next2tag": 3, "prev1or2tag": 4, "next1or2tag": 5,
    "prev1or2or3tag": 6, "next1or2or3tag": 7, "surroundtag": 8, "curwd": 9, "prevwd": 10, "nextwd": 11,
    "prev1or2wd": 12, "next1or2wd": 13, "prevwdtag": 14, "nextwdtag": 15, "wdprevtag": 16, "wdnexttag": 17,
    "wdand2aft": 18, "wdand2tagbfr": 19, "wdand2tagaft": 20, "lbigram": 21, "rbigram": 22,
    "prevbigram": 23, "nextbigram": 24,
}
_TWO_ARG = {8, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24}


def reference_polarity(text: str) -> float:
    """Polarity of ``text`` from textblob-de's own ``PatternAnalyzer`` (slow; the reference).

    Imports textblob-de (and with it TextBlob, NLTK and SciPy) on first use.
    """
    return float(_reference_analyzer().analyze(text).polarity)


@lru_cache(maxsize=1)
def _reference_analyzer() -> PatternAnalyzer:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from textblob_de.sentiments import PatternAnalyzer  # noqa: PLC0415 - seconds: only when asked for

    return PatternAnalyzer()


# --- a snapshot of pattern's loaded data ---------------------------------------------------------
# pattern reads its German word lists lazily, line by line: the tagger's lexicon (~0.08 s) and the
# sentiment XML (~0.2 s) in every process that scores a sentence. Once loaded, both are written to a
# JSON file in the user cache folder, keyed by the content of the two data files, and later processes
# fill pattern's lazy dictionaries from it (~0.05 s). No pickle: JSON holds only strings, numbers and
# lists, so a damaged or foreign file can only be a miss. The rule files and the verb table are small
# or as quick to read as JSON and are loaded by pattern as before.

#: Part of the snapshot's key: bumped whenever what it holds or how it is restored changes.
SNAPSHOT_VERSION = "2"


def _snapshot_containers() -> dict:
    """The lazy dictionaries the snapshot fills, by name."""
    return {"lexicon": pattern_de.parser.lexicon, "sentiment": _SENTIMENT}


def _snapshot_state() -> dict:
    """The loaded lexicon and sentiment lexicon as flat JSON-ready columns, in insertion order.

    A sentiment entry is ``word -> {pos: scores}``; ``pos`` may be ``None`` and
    ``scores`` a list (averaged by ``load``) or a tuple (added by ``annotate``).
    """
    lexicon = dict.items(pattern_de.parser.lexicon)
    words, n_senses, pos, kind, values = [], [], [], [], []
    for word, senses in dict.items(_SENTIMENT):
        words.append(word)
        n_senses.append(len(senses))
        for p, v in senses.items():
            pos.append(p)
            kind.append("t" if isinstance(v, tuple) else "l")
            values.append(len(v))
            values.extend(v)
    return {
        "lexicon": {"word": [w for w, _ in lexicon], "tag": [t for _, t in lexicon]},
        "sentiment": {"word": words, "n_senses": n_senses, "pos": pos, "kind": "".join(kind), "values": values},
        "labeler": list(_SENTIMENT.labeler.items()),
        "synsets": list(_SENTIMENT._synsets.items()),
        "language": _SENTIMENT._language,
    }


def _restore_snapshot(state: dict) -> None:
    """Fill pattern's empty lexicon and sentiment lexicon from :func:`_snapshot_state` data, as ``load`` would."""
    lexicon = state["lexicon"]
    if len(lexicon["word"]) != len(lexicon["tag"]):
        raise ValueError("lexicon columns of different lengths")
    sent = state["sentiment"]
    entries = {}
    values, kinds, pos = sent["values"], sent["kind"], sent["pos"]
    k = i = 0
    for word, n in zip(sent["word"], sent["n_senses"], strict=True):
        senses = {}
        for _ in range(n):
            size = values[i]
            v = values[i + 1:i + 1 + size]
            senses[pos[k]] = tuple(v) if kinds[k] == "t" else v
            i += 1 + size
            k += 1
        entries[word] = senses
    if k != len(pos) or i != len(values):
        raise ValueError("sentiment columns of different lengths")
    synsets = {key: v for key, v in state["synsets"]}
    labeler = dict(state["labeler"])
    language = state["language"]
    # everything read and checked: now fill the containers (nothing is filled from a damaged file)
    dict.update(pattern_de.parser.lexicon, zip(lexicon["word"], lexicon["tag"]))
    dict.update(_SENTIMENT, entries)
    dict.update(_SENTIMENT.labeler, labeler)
    dict.update(_SENTIMENT._synsets, synsets)
    _SENTIMENT._language = language


def load_pattern_data(*, use_snapshot: bool = True) -> str:
    """Load pattern's German data for the fast path: from the snapshot if there is one, else from pattern.

    Returns how: ``"snapshot"``, ``"built"`` (pattern loaded the data; a
    snapshot was written for the next process if the cache is on) or
    ``"loaded"`` (something was loaded before: pattern loads the rest). A
    snapshot is used only while both dictionaries are still empty, so data is
    never loaded twice or mixed. The snapshot lives in
    :func:`analysis.terms.cache_dir` (see :func:`analysis.cache.json_snapshot`).
    """
    from .. import cache, terms  # noqa: PLC0415 - terms: the project's folder for data derived from packages

    containers = _snapshot_containers()
    if any(dict.__len__(x) for x in containers.values()):
        for x in containers.values():
            len(x)  # a lazy dictionary loads itself on first use
        return "loaded"

    def build() -> None:
        for x in containers.values():
            len(x)

    _, how = cache.json_snapshot(terms.cache_dir() if use_snapshot else None, "textblob-de-pattern",
                                 sources=[x._path for x in containers.values()], version=SNAPSHOT_VERSION,
                                 build=build, encode=lambda _: _snapshot_state(), restore=_restore_snapshot)
    return how


class FastTextBlob:
    """textblob-de's ``PatternAnalyzer`` polarity with identical results, about 5x faster (see the benchmark).

    Use :meth:`assess` for the polarity and the assessed words of one text.
    """

    def __init__(self) -> None:
        load_pattern_data()
        parser = pattern_de.parser
        # Force pattern's lazy loading, then keep plain containers.
        lexicon = parser.lexicon
        lexicon.get("der")
        self.lexicon: dict[str, str] = dict(lexicon.items())
        morphology = parser.morphology
        len(morphology)
        context = parser.context
        len(context)
        self.default = parser.default
        self._cd_match = pattern_text.CD.match
        self._morph_rules = self._compile_morphology(list(morphology))
        self._index_morphology()
        self._ctx_rules = self._compile_context(list(context))
        self._tokenize = pattern_tokenize
        self._sentiment = _SENTIMENT
        self._stts = pattern_de.stts
        self._lemma_cache: dict[tuple[str, str], str] = {}
        self._morph_cache: dict[str, tuple] = {}
        self._tag_cache: dict[tuple[str, ...], list[str]] = {}

    # -- morphology -------------------------------------------------------
    @staticmethod
    def _compile_morphology(rules: list[list[str]]) -> list[tuple]:
        cmds = {"word", "char", "haspref", "hassuf", "addpref", "addsuf", "deletepref", "deletesuf", "goodleft",
                "goodright"}
        cmds |= {"f" + c for c in cmds}
        out = []
        f = x = pos = cmd = None
        for r in rules:
            # Same parsing as pattern's Morphology.apply (including its carrying over of
            # the previous rule's values when a line matches neither form).
            if r[1] in cmds:
                f, x, pos, cmd = False, r[0], r[-2], r[1].lower()
            if r[2] in cmds:
                f, x, pos, cmd = True, r[1], r[-2], r[2].lower().lstrip("f")
            out.append((f, r[0], x, pos, cmd))
        return out

    def _index_morphology(self) -> None:
        """Index the rules by command so a word is checked against few of them."""
        self._m_word: dict[str, list[int]] = {}
        self._m_suffix: dict[str, list[int]] = {}
        self._m_prefix: dict[str, list[int]] = {}
        self._m_other: list[int] = []  # char, add*, delete*: checked one by one
        self._m_neighbour: list[int] = []  # goodleft / goodright: decided per occurrence
        for k, (f, r0, x, pos, cmd) in enumerate(self._morph_rules):
            if cmd in ("goodleft", "goodright"):
                self._m_neighbour.append(k)
            elif cmd == "word":
                self._m_word.setdefault(x, []).append(k)
            elif cmd == "hassuf":
                self._m_suffix.setdefault(x, []).append(k)
            elif cmd == "haspref":
                self._m_prefix.setdefault(x, []).append(k)
            elif cmd in ("char", "addpref", "addsuf", "deletepref", "deletesuf"):
                self._m_other.append(k)
        self._m_suffix_lengths = sorted({len(x) for x in self._m_suffix})
        self._m_prefix_lengths = sorted({len(x) for x in self._m_prefix})

    def _morph_candidates(self, w: str) -> tuple:
        """The morphological rules that can fire for ``w``, in rule order: word conditions are decided here."""
        cached = self._morph_cache.get(w)
        if cached is not None:
            return cached
        known = self.lexicon
        hits = list(self._m_neighbour)
        hits.extend(self._m_word.get(w, ()))
        for n in self._m_suffix_lengths:
            # str.endswith("") is True, as in pattern; w[-0:] would be the whole word.
            hits.extend(self._m_suffix.get(w[-n:] if n else "", ()))
        for n in self._m_prefix_lengths:
            hits.extend(self._m_prefix.get(w[:n], ()))
        rules = self._morph_rules
        for k in self._m_other:
            f, r0, x, pos, cmd = rules[k]
            if (cmd == "char" and x in w) \
                    or (cmd == "addpref" and x + w in known) \
                    or (cmd == "addsuf" and w + x in known) \
                    or (cmd == "deletepref" and w.startswith(x) and w[len(x):] in known) \
                    or (cmd == "deletesuf" and w.endswith(x) and w[:-len(x)] in known):
                hits.append(k)
        keep = []
        for k in sorted(set(hits)):
            f, r0, x, pos, cmd = rules[k]
            keep.append((f, r0, x, pos, cmd if cmd in ("goodleft", "goodright") else "always"))
        cached = tuple(keep)
        if len(self._morph_cache) < 500_000:
            self._morph_cache[w] = cached
        return cached

    def _morphology(self, w: str, prev_w, next_w) -> str:
        tag = self.default[0]
        for f, r0, x, pos, cmd in self._morph_candidates(w):
            if f and tag != r0:
                continue
            if cmd == "always" or (cmd == "goodleft" and x == next_w) or (cmd == "goodright" and x == prev_w):
                tag = pos
        return tag

    # -- context ----------------------------------------------------------
    @staticmethod
    def _compile_context(rules: list[list[str]]) -> dict[str, list[tuple]]:
        """Per tag, the rules that can change it, as ``[(cmd, {key: (order, new_tag)}), ...]``.

        A rule applies to a token whose tag *before* the contextual rules equals the
        rule's first field (or ``*``); every condition looks only at the words and at
        the neighbours' tags, never at the token's own current tag, so the rule with
        the highest order among those whose condition holds decides the tag.
        """
        by_tag: dict[str, dict[int, dict]] = {}
        for order, r in enumerate(rules):
            cmd = _CTX_CMDS.get(r[2].lower(), -1)
            if cmd < 0:
                continue
            x, y = r[3], r[4] if len(r) > 4 else ""
            key = (x, y) if cmd in _TWO_ARG else x
            table = by_tag.setdefault(r[0], {}).setdefault(cmd, {})
            table[key] = (order, r[1])  # a later rule with the same key wins
        star = by_tag.pop("*", {})
        out = {}
        for tag in set(by_tag) | {"__other__"}:
            merged: dict[int, dict] = {}
            for source in (by_tag.get(tag, {}), star):
                for cmd, table in source.items():
                    target = merged.setdefault(cmd, {})
                    for key, value in table.items():
                        if key not in target or target[key][0] < value[0]:
                            target[key] = value
            out[tag] = list(merged.items())
        return out

    def _context(self, words: list[str], tags: list[str]) -> list[str]:
        n = len(words)
        pad = "STAART"
        w = [pad, pad, pad] + words + [pad, pad, pad]
        t = [pad, pad, pad] + tags + [pad, pad, pad]
        rules_for = self._ctx_rules
        other = rules_for["__other__"]
        for i in range(3, n + 3):
            orig = t[i]
            if orig == pad:
                continue
            best = -1
            new = None
            for cmd, table in rules_for.get(orig, other):
                if cmd == 0:
                    keys = (t[i - 1],)
                elif cmd == 1:
                    keys = (t[i + 1],)
                elif cmd == 2:
                    keys = (t[i - 2],)
                elif cmd == 3:
                    keys = (t[i + 2],)
                elif cmd == 4:
                    keys = (t[i - 1], t[i - 2])
                elif cmd == 5:
                    keys = (t[i + 1], t[i + 2])
                elif cmd == 6:
                    keys = (t[i - 1], t[i - 2], t[i - 3])
                elif cmd == 7:
                    keys = (t[i + 1], t[i + 2], t[i + 3])
                elif cmd == 8:
                    keys = ((t[i - 1], t[i + 1]),)
                elif cmd == 9:
                    keys = (w[i],)
                elif cmd == 10:
                    keys = (w[i - 1],)
                elif cmd == 11:
                    keys = (w[i + 1],)
                elif cmd == 12:
                    keys = (w[i - 1], w[i - 2])
                elif cmd == 13:
                    keys = (w[i + 1], w[i + 2])
                elif cmd == 14:
                    keys = ((w[i - 1], t[i - 1]),)
                elif cmd == 15:
                    keys = ((w[i + 1], t[i + 1]),)
                elif cmd == 16:
                    keys = ((t[i - 1], w[i]),)
                elif cmd == 17:
                    keys = ((w[i], t[i + 1]),)
                elif cmd == 18:
                    keys = ((w[i], w[i + 2]),)
                elif cmd == 19:
                    keys = ((t[i - 2], w[i]),)
                elif cmd == 20:
                    keys = ((w[i], t[i + 2]),)
                elif cmd == 21:
                    keys = ((w[i - 1], w[i]),)
                elif cmd == 22:
                    keys = ((w[i], w[i + 1]),)
                elif cmd == 23:
                    keys = ((t[i - 2], t[i - 1]),)
                else:  # 24
                    keys = ((t[i + 1], t[i + 2]),)
                for key in keys:
                    hit = table.get(key)
                    if hit is not None and hit[0] > best:
                        best, new = hit
            if new is not None:
                t[i] = new
        return t[3:n + 3]

    # -- tagging ----------------------------------------------------------
    def tag(self, tokens: list[str]) -> list[str]:
        """Penn Treebank tags of ``tokens`` (one sequence), as pattern's German parser assigns them."""
        key = tuple(tokens)
        cached = self._tag_cache.get(key)
        if cached is not None:
            return cached
        words = [tok.replace("ß", "ss") for tok in tokens]
        lexicon = self.lexicon
        tags = []
        for i, tok in enumerate(words):
            tag = lexicon.get(tok, i == 0 and lexicon.get(tok.lower()) or None)
            tags.append(tag)
        default = self.default
        n = len(words)
        for i, tag in enumerate(tags):
            if tag is None:
                tok = words[i]
                if self._cd_match(tok) is not None:
                    tags[i] = default[2]
                else:
                    tags[i] = self._morphology(tok, words[i - 1] if i > 0 else None,
                                               words[i + 1] if i < n - 1 else None)
        tags = self._context(words, tags)
        stts = self._stts
        tags = [stts.get(tag, tag) for tag in tags]
        if len(self._tag_cache) < 200_000:
            self._tag_cache[key] = tags
        return tags

    def _lemma(self, word: str, tag: str) -> str:
        key = (word, tag)
        lemma = self._lemma_cache.get(key)
        if lemma is None:
            lemma = pattern_de.find_lemmata([[word, tag]])[0][2]
            self._lemma_cache[key] = lemma
        return lemma

    # -- sentiment --------------------------------------------------------
    def lemmas(self, text: str) -> list[str] | None:
        """The lemma string textblob-de's lemmatiser builds, as a list (``None``: use the reference)."""
        if text.strip() == "":
            return []
        text = text.replace("/", " FORWARDSLASH ")
        joined = " ".join(self._tokenize(text))
        if _OTHER_SPACE.search(joined):
            return None  # white space other than " " inside a token: the reference splits it differently
        tokens = joined.split(" ")
        tags = self.tag(tokens)
        out = []
        for i, (w, tag) in enumerate(zip(tokens, tags)):
            if w == "":
                continue  # pattern's "/NN/..." tokens, skipped by textblob-de
            lemma = self._lemma(w, tag).replace("ß", "ss")
            lemma = lemma.strip().replace("forwardslash", "/")
            if w[0].isupper() and i > 0:
                lemma = lemma.title()
            elif tag.startswith("N") and i == 0:
                lemma = lemma.title()
            if w in _PUNCT or lemma == "/":
                continue
            out.append(lemma)
        return out

    def assess(self, text: str) -> tuple[float, list[tuple[list[str], float]]]:
        """Polarity of ``text`` and the assessed words ``[(words, polarity), ...]``.

        The polarity equals ``PatternAnalyzer().analyze(text).polarity``.
        """
        lemmas = self.lemmas(text)
        if lemmas is None:
            analyzer = _reference_analyzer()
            joined = analyzer._lemmatize(text)
        else:
            joined = " ".join(lemmas)
        score = self._sentiment(joined)
        assessments = [(list(a[0]), float(a[1])) for a in score.assessments]
        return float(score[0]), assessments


@lru_cache(maxsize=1)
def fast() -> FastTextBlob:
    """The shared :class:`FastTextBlob` instance (built on first use, about 0.5 s)."""
    return FastTextBlob()


__all__ = ["FastTextBlob", "fast", "load_pattern_data", "reference_polarity", "pattern_sentiment", "pattern_tokenize"]
