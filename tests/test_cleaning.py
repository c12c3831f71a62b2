"""Cleaning rules on small literal articles with hand-checked outcomes."""
from __future__ import annotations

import pytest

from analysis import cleaning

BODY = "Die Kamera soll im Juli auf den Markt kommen. Der Preis ist noch unbekannt."
BODY2 = "Leica hält sich seit mehr als 100 Jahren in der Fotoindustrie. Das ist bekannt."


def rules(result):
    return [(p.rule, p.text) for p in result.removed]


def parts(result):
    return [(p.part, p.text) for p in result.kept]


def test_split_paragraphs_blank_lines_or_lines():
    assert cleaning.split_paragraphs("a\nb\n\n  c  \n\n\n\nd") == ["a b", "c", "d"]
    assert cleaning.split_paragraphs("a\r\nb\r\nc") == ["a", "b", "c"]
    assert cleaning.split_paragraphs("a  \t b\n \t\n c") == ["a b", "c"]
    assert cleaning.split_paragraphs(" \n\n\t") == []


def test_date_prefix_is_removed_and_kept_as_metadata():
    result = cleaning.structure(f" date 2022-05 {BODY}\n\n{BODY2}")
    assert result.date_in_text == "2022-05"
    assert rules(result) == [("date_prefix", "date 2022-05")]
    assert result.kept[0].text == BODY
    assert "2022-05" in result.removed[0].reason


def test_navigation_line_only_first():
    nav = "YouTube Instagram Vimeo RSS VIDEOAKTIV"
    result = cleaning.structure(f"{nav}\n\nXiaomi und Leica: eine Partnerschaft\n\n{BODY}\n\n{nav}")
    assert rules(result)[0] == ("navigation", nav)
    # a navigation-like line later in the text is not a navigation bar (it may be an alt text)
    assert sum(rule == "navigation" for rule, _ in rules(result)) == 1
    assert not cleaning._is_navigation("Teilen Sie diesen Artikel auf Facebook.")


@pytest.mark.parametrize("line", ["Bildunterschrift 1", "Foto 2", "Abb. 3:", "Bildquelle", "Video"])
def test_caption_placeholders(line):
    result = cleaning.structure(f"{BODY}\n\n{line}\n\n{BODY2}")
    assert rules(result) == [("caption_placeholder", line)]


@pytest.mark.parametrize(
    "line, removed",
    [
        ("Leica xiaomi stratetic partnership", True),
        ("Leica xiaomi stratetic partnership2", True),  # glued digit: a file name
        ("xiaomi-12-ultra.jpg", True),
        ("Erste Zeile", False),                         # capitalised words only: a heading
        ("Xiaomi & Leica", False),
        ("Leica kommt", True),                          # lower-case word, no function word
        ("Die Kamera kommt", False),                    # German function word
        ("Größere Sensoren bald", False),               # umlaut: German text
        ("Kamera kommt.", False),                       # punctuation: a sentence
        ("Xiaomi", False),                              # one word
    ],
)
def test_alt_texts_in_german(line, removed):
    result = cleaning.structure(f"{BODY}\n\n{line}\n\n{BODY2}", language="de")
    assert (("alt_text", line) in rules(result)) is removed


def test_alt_text_rule_follows_the_language():
    english = ("Xiaomi teams up with Leica for better cameras\n\n"
               "The first phone is due in July. It will cost more than the last one.\n\n"
               "leica xiaomi partnership photo\n\nSales figures are not known yet.")
    assert cleaning.guess_language(english) == "en"
    result = cleaning.structure(english)  # language guessed
    assert rules(result) == [("alt_text", "leica xiaomi partnership photo")]
    assert result.kept[0].part == "headline"
    # no word list for French: only the file-name cues apply
    french = cleaning.structure("la caméra arrive bientôt\n\nimage01.jpg\n\nLe prix est inconnu.", language="fr")
    assert rules(french) == [("alt_text", "image01.jpg")]
    assert cleaning.guess_language(BODY + " " + BODY2) == "de"


def test_parts_headline_subheading_lead_body_caption():
    raw = (
        "Xiaomi und Leica: langfristige Partnerschaft\n\n"
        f"{BODY}\n\n"
        "Ein ungewöhnliches Paar\n\n"
        f"{BODY2}\n\n"
        "Gruppe (v.l.n.r.): Andreas Mohrland, Marius Eschweiler, Matthias Harsch\n\n"
        f"{BODY} Noch mehr."
    )
    result = cleaning.structure(raw)
    assert [p for p, _ in parts(result)] == ["headline", "lead", "subheading", "body", "caption", "body"]
    assert result.headline == "Xiaomi und Leica: langfristige Partnerschaft"
    assert result.text.split("\n\n")[1] == BODY
    assert result.parts == ["headline", "lead", "subheading", "body", "caption", "body"]


def test_a_first_sentence_is_the_lead_not_a_headline():
    result = cleaning.structure(f"{BODY}\n\n{BODY2}")
    assert [p for p, _ in parts(result)] == ["lead", "body"]


def test_title_from_metadata_is_the_headline_and_never_removed():
    title = "Leica kommt"  # would be an alt text without the title
    result = cleaning.structure(f"{title}\n\n{BODY}", title=title)
    assert rules(result) == []
    assert result.kept[0].part == "headline"


def test_clean_false_only_labels():
    raw = f" date 2022-05 YouTube Instagram Vimeo RSS\n\n{BODY}\n\nBildunterschrift 1\n\nLeica xiaomi partnership"
    result = cleaning.structure(raw, clean=False)
    assert result.removed == []
    assert len(result.kept) == 4
    assert result.date_in_text is None


def test_article_that_is_only_furniture_keeps_nothing():
    result = cleaning.structure("YouTube Instagram Vimeo RSS\n\nBildunterschrift 1")
    assert result.kept == []
    assert [r for r, _ in rules(result)] == ["navigation", "caption_placeholder"]


def test_long_paragraphs_are_cheap():
    """Checks read only a few words, so a one-paragraph 2 MB article is not quadratic."""
    huge = ("Wort " * 400_000).strip()
    result = cleaning.structure(f"Überschrift\n\n{huge}")
    assert [p.part for p in result.kept] == ["headline", "lead"]
    assert len(result.kept[1].text) == len(huge)


# --------------------------------------------------------------------------- fast language guess


HARD_TEXTS = [
    "",
    "the",
    "The camera and the phone are in the box, and it is new.",
    "Die Kamera und das Telefon. The camera and the phone and the box and the lens.",
    "THE AND OF TO IN — the and of to in",
    "don't won’t it's the-end a-b-c und-oder",
    "x " * 5000 + "the the the the",  # the English words lie beyond the first 2,000 words
    "the " * 1999 + "und",
    "Ärger über Öl — „Zitat“ und «mehr» in the end of the day",
    "word" + "-" * 50 + "the and of",
    "İSTANBUL and THE İ the of und",  # "İ" lower-cases to two characters: the word-by-word path
    "ΣΟΦΙΑΣ the and of ΣΑΣ to the",  # Greek capital sigma: final form in context
    "3der _die x’the 'and’ of—to",
]


@pytest.mark.parametrize("text", HARD_TEXTS)
@pytest.mark.parametrize("max_words", [1, 2, 3, 50, 2000])
def test_fast_language_guess_equals_the_reference(text, max_words):
    assert cleaning.guess_language(text, max_words=max_words) == \
        cleaning._guess_language_reference(text, max_words=max_words)
    words = cleaning._first_words(text, max_words)
    assert words == [m.group(0) for m in cleaning._WORD.finditer(text)][:max_words]


def test_lower_case_keeps_every_characters_word_class():
    """What the language guess relies on when it lower-cases the whole text first."""
    import re

    start, inner = re.compile(r"[^\W\d_]"), re.compile(r"[\w\-’']")
    changed = []
    for code in range(0x110000):
        ch = chr(code)
        low = ch.lower()
        if len(low) == 1 and (bool(start.fullmatch(ch)) != bool(start.fullmatch(low))
                              or bool(inner.fullmatch(ch)) != bool(inner.fullmatch(low))):
            changed.append(hex(code))
    assert changed == []


def test_fast_language_guess_equals_the_reference_on_real_articles():
    from analysis import paths

    path = paths.SHARED_DATA / "10kgnad" / "articles_test.tsv"
    if not path.is_file():
        pytest.skip(f"10kGNAD not found at {path}")
    import csv

    with open(path, encoding="utf-8", newline="") as f:
        texts = [r["text"] for r in csv.DictReader(f, delimiter="\t")]
    texts += [" ".join(texts[:40])]  # one long text: the prefix scan stops early
    english = "The company said on Monday that the deal was off, and that it would not be revived."
    texts += [english * k for k in (1, 3, 300)]
    got = [cleaning.guess_language(t) for t in texts]
    assert got == [cleaning._guess_language_reference(t) for t in texts]
    assert "en" in got and "de" in got


@pytest.mark.parametrize("text", [
    "Foto: dpa", "foto (Archiv)", "Bildquelle: Leica", "Im Bild: Lei Jun", "auf dem bild:x", "© Xiaomi",
    "V.l.n.r.: A, B", "Die Gäste (v. l. n. r.) lachen", "Sie sagte v.l.n.r", "Er kam v. L. N. R.", "xv.l.n.r.",
    "Der Fotograf", "Bild", "Ein Bild: das", "vor allem", "v. a. die Kamera", "Credit:", "Credits: x", "",
    "Quelle(n)", "(v.l.n.r.)", "v.\tl.\nn.  r.", "Kv. l. n. r.", "ÄV. L. N. R.", "_v.l.n.r.",
])
def test_caption_cue_shortcut_equals_the_pattern(text):
    from analysis.cleaning import _CAPTION_CUE, _has_caption_cue

    assert _has_caption_cue(text) == bool(_CAPTION_CUE.search(text)), text
