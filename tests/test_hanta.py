"""FastHanoverTagger gives HanTa's answers bit for bit (hand-picked and real word forms)."""
from __future__ import annotations

import copy
import sys

import pandas as pd
import pytest
from HanTa.HanoverTagger import HanoverTagger

from analysis import terms, tokens
from analysis.hanta import FastHanoverTagger

# the two calls terms._lemma_one makes
CALLS = ({}, {"pos": "VV(FIN)"})

TRICKY = [
    # one or two letters, short words (HanTa guesses unknown morphemes differently below 4 letters)
    "a", "A", "e", "x", "ß", "Ä", "ü", "ab", "Ei", "zu", "qi", "Ufo", "zzq", "Lkw", "aaaa",
    # quote-like forms HanTa normalises, punctuation, apostrophes
    "``", "'", "´", "Peter's", "geht's",
    # upper case, mixed case
    "ÖSTERREICH", "EU", "McDonalds", "eBay", "iPhone",
    # umlauts and ß
    "Äußerungen", "größer", "Straße", "Weiß", "Müllabfuhr", "übermäßig", "Öffentlichkeit",
    # compounds without hyphens, known and unknown parts
    "Donaudampfschifffahrtsgesellschaftskapitän", "Smartphonehersteller", "Kamerahersteller",
    "Arbeitsklimaindex", "Pauschalabgeltungen", "Partnerschaften",
    # longer than HanTa's longest morpheme (65 letters) and its length cap (24)
    "Grundstücksverkehrsgenehmigungszuständigkeitsübertragungsverordnung",
    "Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetzesänderungsvorschlag" * 2,
    "x" * 40,
    # verbs and forms _lemma_one asks about twice (lower-case "nouns")
    "punkten", "gegangen", "downloaden", "gestreamt", "twittert", "aufgehört", "erste", "zweiten",
    # foreign words
    "Computer", "Weekend", "The", "naïve", "café", "Pokémon", "Ångström", "Kindergarten", "Schadenfreude",
    # hyphens (terms never sends them to HanTa, HanTa takes them)
    "US-Restriktionen", "All-in-Vertrag",
]


@pytest.fixture(scope="module")
def original() -> HanoverTagger:
    return HanoverTagger("morphmodel_ger.pgz")


@pytest.fixture(scope="module")
def fast(original) -> FastHanoverTagger:
    tagger = FastHanoverTagger(original)
    assert tagger._fast  # the shipped model fits the fast path
    return tagger


def _same(a, b) -> bool:
    """Equal values of the same types (``repr`` tells 0.0 from -0.0 and float from numpy.float64)."""
    return repr(a) == repr(b)


def _mismatches(original: HanoverTagger, fast: FastHanoverTagger, words) -> list:
    bad = []
    for word in words:
        for kwargs in CALLS:
            want, got = original.analyze(word, **kwargs), fast.analyze(word, **kwargs)
            if not _same(want, got):
                bad.append((word, kwargs, want, got))
    return bad


def _lattice(method, *args) -> list:
    """The lattice ``method`` (a bound ``analyze_forward`` or ``analyze_viterbi``) builds, exactly.

    Its local ``table`` (and ``backpointer``) as left when the method returns, every
    row as its list of items: insertion order, states, values, back pointers.
    """
    code, found = method.__func__.__code__, {}

    def spy(frame, event, arg):
        if event == "return" and frame.f_code is code:
            local = frame.f_locals
            found.update({k: [[(s, repr(v)) for s, v in row.items()] for row in local[k]]
                          for k in ("table", "backpointer") if k in local})

    sys.setprofile(spy)
    try:
        method(*args)
    finally:
        sys.setprofile(None)
    return [found.get("table"), found.get("backpointer")]


def _lattice_mismatches(original: HanoverTagger, fast: FastHanoverTagger, words) -> list:
    """Words whose forward or Viterbi lattice (Viterbi towards the best three tags) differs in any way."""
    bad = []
    for word in words:
        low = word.lower()
        if _lattice(fast.analyze_forward, low) != _lattice(original.analyze_forward, low):
            bad.append((word, "forward"))
        for tag, _ in original.analyze_forward(low)[:3]:
            if _lattice(fast.analyze_viterbi, low, -tag) != _lattice(original.analyze_viterbi, low, -tag):
                bad.append((word, -tag))
    return bad


def test_tricky_words_give_hanta_answers(original, fast):
    assert _mismatches(original, fast, TRICKY) == []


def test_the_replaced_methods_match_on_tricky_words(original, fast):
    for word in ["", *TRICKY]:
        low = word.lower()
        forward = original.analyze_forward(low)
        assert _same(fast.analyze_forward(low), forward), word
        for tag, _ in forward[:3]:
            assert fast.analyze_viterbi(low, -tag) == original.analyze_viterbi(low, -tag), (word, tag)
        for kwargs in ({"taglevel": 0}, {"taglevel": 2}, {"taglevel": 3}, {"casesensitive": False}, {"pos": "NN"}):
            if word:
                assert _same(fast.analyze(word, **kwargs), original.analyze(word, **kwargs)), (word, kwargs)


def test_lattices_are_hantas_to_the_insertion_order(original, fast):
    for tagger in (original, fast):  # the spy sees the tables
        table, _ = _lattice(tagger.analyze_forward, "smartphonehersteller")
        assert sum(map(len, table)) > 50
        table, backpointer = _lattice(tagger.analyze_viterbi, "smartphonehersteller", -tagger.tag2int["NN"])
        assert len(table) == len(backpointer) == len("smartphonehersteller") + 2 and table[-1]
    assert _lattice_mismatches(original, fast, ["", *TRICKY]) == []


def test_empty_word_fails_as_in_hanta(original, fast):
    with pytest.raises(IndexError):
        original.analyze("")
    with pytest.raises(IndexError):
        fast.analyze("")


def test_sentence_tagging_matches(original, fast):
    sent = ["Die", "Gewerkschaft", "lanciert", "den", "All-in-Rechner", "für", "Smartphonehersteller", "."]
    assert fast.tag_sent(sent) == original.tag_sent(sent)
    assert fast.tag_sent(sent, taglevel=3) == original.tag_sent(sent, taglevel=3)


def test_model_outside_the_assumptions_falls_back_to_hanta(original):
    odd = copy.copy(original)
    tag = next(t for t in odd.LP_hapax_t if t in odd.LP_s_t)
    suffixes = dict(odd.LP_s_t[tag])
    del suffixes[next(s for s in suffixes if len(s) == 4)]  # this tag's suffix list no longer matches the others
    odd.LP_s_t = {**odd.LP_s_t, tag: suffixes}
    fallback = FastHanoverTagger(odd)
    assert not fallback._fast
    assert _mismatches(odd, fallback, ["Smartphonehersteller", "punkten", "Weekend"]) == []


def test_terms_installs_the_fast_tagger(monkeypatch, original):
    words = ["Kamerahersteller", "punkten", "Smartphonehersteller", "Pauschalabgeltungen", "ersten"]
    monkeypatch.setattr(terms, "_LEMMAS", {})
    monkeypatch.setattr(terms, "_TAGGER", original)
    want = [terms._lemma_one(w) for w in words]
    got = terms._lemma_many(words)
    assert isinstance(terms._TAGGER, FastHanoverTagger)
    assert got == want


def _gnad_forms(path, articles: int = 300, every: int = 7) -> list[str]:
    """Every ``every``-th distinct word form (in order of first use) of the first ``articles`` articles."""
    raw = pd.read_csv(path, sep="\t").head(articles)
    seen: dict[str, None] = {}
    for text in raw["text"]:
        for tok, _, _, kind in tokens.tokenize_text(text):
            if kind == "word":
                seen.setdefault(tok, None)
    return list(seen)[::every]


def test_real_word_forms_give_hanta_answers(shared_data, original, fast):
    path = shared_data / "10kgnad" / "articles_test.tsv"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    forms = _gnad_forms(path)
    assert len(forms) > 3000
    assert sum(len(w) >= 15 for w in forms) > 300  # long, mostly rare compounds are well represented
    assert _mismatches(original, fast, forms) == []
    assert _lattice_mismatches(original, fast, forms[::10]) == []
