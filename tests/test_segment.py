"""Sentence splitting on hard German cases (hand-checked), offsets, and speed-neutral rewrites."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis import corpus, segment


def _split(text):
    spans = segment.split_spans(text)
    for s, e in spans:  # offsets always point at the text
        assert text[s:e] == text[s:e].strip() and text[s:e]
    return [text[s:e] for s, e in spans]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Am 3. Mai stellt Xiaomi das Gerät vor. Es kostet viel.",
         ["Am 3. Mai stellt Xiaomi das Gerät vor.", "Es kostet viel."]),
        ("Dr. Müller spricht. Er lacht.", ["Dr. Müller spricht.", "Er lacht."]),
        ("Es gibt z. B. Leica. Und Sony.", ["Es gibt z. B. Leica.", "Und Sony."]),
        ("Es gibt z.B. Leica. Und Sony.", ["Es gibt z.B. Leica.", "Und Sony."]),
        ("Das ist u.a. neu. Gut.", ["Das ist u.a. neu.", "Gut."]),
        ("Der 2. Platz geht an Oppo. Dann Honor.", ["Der 2. Platz geht an Oppo.", "Dann Honor."]),
        ("Seit dem 20. Jahrestag feiert man. Dann nicht mehr.", ["Seit dem 20. Jahrestag feiert man.", "Dann nicht mehr."]),
        ("Bis 12. 2022 gilt das.", ["Bis 12. 2022 gilt das."]),
        ("Wir testen Version 3. Sie ist gut.", ["Wir testen Version 3.", "Sie ist gut."]),
        ("Er sagte: „Das ist gut.“ Dann ging er.", ["Er sagte: „Das ist gut.“", "Dann ging er."]),
        ("„Wirklich?“ fragte sie. „Ja!“ Er nickte.", ["„Wirklich?“ fragte sie.", "„Ja!“", "Er nickte."]),
        ("Er kam... Dann ging er.", ["Er kam...", "Dann ging er."]),
        ("A. Merkel kam. Sie ging.", ["A. Merkel kam.", "Sie ging."]),
        ("Das kostet ca. 100 Euro. Viel.", ["Das kostet ca. 100 Euro.", "Viel."]),
        ("Es (so hieß es.) Neu ist das.", ["Es (so hieß es.)", "Neu ist das."]),
        ("kleines Ende. klein weiter", ["kleines Ende. klein weiter"]),  # no upper-case start: no split
        ("", []),
        ("   ", []),
    ],
)
def test_hand_checked_german_cases(text, expected):
    assert _split(text) == expected


def test_sentences_offsets_point_at_the_article_text():
    articles = pd.DataFrame({
        "doc_id": ["a", "b"], "outlet": ["x", "y"],
        "text": ["Titel ohne Punkt\n\nAm 3. Mai kam Dr. Meier. Er sprach z. B. über Leica.",
                 "Der 1. Teil. „Zitat.“ Ende."],
        "parts": ["headline,lead", "lead"],
    })
    sents = corpus.sentences(articles)
    for row in sents.itertuples():
        text = articles.set_index("doc_id").loc[row.doc_id, "text"]
        assert text[row.start:row.end] == row.text
    assert sents[sents.doc_id == "a"]["text"].tolist() == ["Titel ohne Punkt", "Am 3. Mai kam Dr. Meier.",
                                                          "Er sprach z. B. über Leica."]
    assert sents[sents.doc_id == "b"]["text"].tolist() == ["Der 1. Teil.", "„Zitat.“", "Ende."]
    assert sents.groupby("doc_id")["sentence_id"].apply(list).to_dict() == {"a": [0, 1, 2], "b": [0, 1, 2]}


def _reference_token_before(text, end):
    """The original (slow) definition: the last run of non-space before ``end``."""
    m = re.search(r"(\S+?)$", text[:end])
    return m.group(1) if m else None


@pytest.mark.parametrize("text", ["abc def", "abc\n", "abc \n", "a\n\n", "", " x", "x y\nz", "„Dr",
                                  "a" * 60 + " " + "b" * 70 + ".", "x" * 100, "y\u00a0" + "z" * 50, "q\u2003r" * 30,
                                  " " + "w" * 48 + " v", "w" * 48 + "\x1c" + "u" * 3])
def test_token_before_matches_the_regex_definition(text):
    for end in range(len(text) + 1):
        assert segment._token_before(text, end) == _reference_token_before(text, end)


def test_seed_sentences_are_stable():
    """The framing coding is keyed on the seeds' sentence ids: they must not move."""
    from analysis import paths

    sents = corpus.sentences(corpus.load(paths.SEEDS))
    assert len(sents) > 20
    first = sents.groupby("doc_id").head(1)
    assert (first["sentence_id"] == 0).all()
    articles = corpus.load(paths.SEEDS).set_index("doc_id")
    for row in sents.itertuples():
        assert articles.loc[row.doc_id, "text"][row.start:row.end] == row.text
    coding = paths.PACKAGE_DATA / "framing" / "seeds_human_coding.csv"
    if coding.is_file():  # the human coding names sentences by (doc_id, sentence_id) and text
        human = pd.read_csv(coding)
        if {"doc_id", "sentence_id", "text"} <= set(human.columns):
            merged = human.merge(sents, on=["doc_id", "sentence_id"], suffixes=("_coded", ""))
            assert len(merged) == len(human)
            assert (merged["text_coded"] == merged["text"]).all()
