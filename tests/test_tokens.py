"""The shared tokeniser: hand-checked German cases, offsets, and the fast path against the reference."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis import corpus, tokens


def _table(texts, starts=None):
    frame = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "outlet": "x", "part": "body",
                          "sentence_id": range(len(texts)), "text": texts})
    if starts is not None:
        frame["start"] = starts
    return frame


def test_hand_checked_tokens_and_kinds():
    toks = tokens.tokenize(_table(["Am 3. Mai kam Dr. Müller, z. B. mit 1.000 Euro."]))
    assert toks["token"].tolist() == ["Am", "3", ".", "Mai", "kam", "Dr", ".", "Müller", ",", "z", ".", "B", ".",
                                      "mit", "1.000", "Euro", "."]
    assert toks["kind"].tolist() == ["word", "number", "punct", "word", "word", "word", "punct", "word", "punct",
                                     "word", "punct", "word", "punct", "word", "number", "word", "punct"]
    assert toks["token_id"].tolist() == list(range(17))
    assert toks.loc[toks.token == "Müller", "lower"].item() == "müller"


def test_quotes_compounds_urls_and_glued_numbers():
    text = "„Der Leica-Punkt“ kostet 100-Euro-Scheine, siehe www.leica.de oder info@xiaomi.com – US-Restriktionen!"
    toks = tokens.tokenize(_table([text]))
    pairs = list(zip(toks["token"], toks["kind"]))
    assert ("„", "punct") in pairs and ("“", "punct") in pairs
    assert ("Leica-Punkt", "word") in pairs
    assert ("100-Euro-Scheine", "word") in pairs  # a number glued to a word counts as a word
    assert ("www.leica.de", "url") in pairs
    assert ("info@xiaomi.com", "url") in pairs
    assert ("US-Restriktionen", "word") in pairs
    assert ("–", "punct") in pairs and ("!", "punct") in pairs


def test_ordinals_and_symbols():
    toks = tokens.tokenize(_table(["Der 2. Platz: 5 % für 20€ & mehr_als"]))
    assert toks["token"].tolist() == ["Der", "2", ".", "Platz", ":", "5", "%", "für", "20", "€", "&", "mehr_als"]
    assert toks.loc[toks.token == "%", "kind"].item() == "symbol"
    assert toks.loc[toks.token == "€", "kind"].item() == "symbol"


def test_offsets_point_at_the_article_text():
    articles = pd.DataFrame({"doc_id": ["a"], "outlet": ["x"], "parts": ["headline,lead"],
                             "text": ["Leica und Xiaomi\n\nAm 3. Mai: „Gut“, sagte Dr. Lei Jun (Xiaomi)."]})
    sents = corpus.sentences(articles)
    toks = tokens.tokenize(sents)
    text = articles.loc[0, "text"]
    assert all(text[s:e] == t for s, e, t in zip(toks["start"], toks["end"], toks["token"]))
    # token ids restart in every sentence; sentence ids come from the sentences table
    assert toks.groupby("sentence_id")["token_id"].min().eq(0).all()
    assert sorted(toks["sentence_id"].unique()) == sents["sentence_id"].tolist()


def test_without_start_column_offsets_are_into_the_row_text():
    toks = tokens.tokenize(pd.DataFrame({"text": ["ab cd", "", "ef"]}))
    assert toks["token"].tolist() == ["ab", "cd", "ef"]
    assert toks["start"].tolist() == [0, 3, 0]
    assert toks["doc_id"].tolist() == ["0", "0", "2"]


def test_empty_input_gives_the_schema():
    toks = tokens.tokenize(pd.DataFrame({"text": ["", "  "]}))
    assert list(toks.columns) == tokens.TOKEN_COLUMNS
    assert toks.empty


def test_missing_text_column_names_the_columns():
    with pytest.raises(KeyError, match="available"):
        tokens.tokenize(pd.DataFrame({"body": ["x"]}))


def _reference(frame):
    """Token by token with the reference regex (tokenize_text), row by row."""
    rows = []
    for r in frame.itertuples():
        for j, (tok, s, e, kind) in enumerate(tokens.tokenize_text(r.text)):
            rows.append((r.doc_id, r.sentence_id, j, tok, s + r.start, e + r.start, kind))
    return pd.DataFrame(rows, columns=["doc_id", "sentence_id", "token_id", "token", "start", "end", "kind"])


def test_fast_path_equals_the_reference_on_hard_strings():
    texts = ["a@b.de x", "https://x.y/z). Neu", "www.a.de, und", "x_y __ z", "Straße-", "ab--cd 'x' y’z",
             "3-Jahre 3.000,5-fach 1:2", "", "€%&", "İstanbul ǅ ß", "e-mail@x.org.", "https://a.b"]
    frame = _table(texts, starts=[0] * len(texts))
    fast = tokens.tokenize(frame)
    ref = _reference(frame)
    pd.testing.assert_frame_equal(fast[ref.columns].reset_index(drop=True), ref, check_dtype=False)


def test_fast_path_equals_the_reference_on_real_articles(shared_data):
    path = shared_data / "10kgnad" / "articles_test.tsv"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    raw = pd.read_csv(path, sep="\t").head(150)
    articles = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(raw))], "outlet": raw["category"],
                             "text": raw["text"], "parts": "lead"})
    sents = corpus.sentences(articles)
    fast = tokens.tokenize(sents)
    ref = _reference(sents)
    assert len(fast) > 50_000
    pd.testing.assert_frame_equal(fast[ref.columns].reset_index(drop=True), ref, check_dtype=False)


def test_rows_of_maps_token_runs_to_rows():
    toks = pd.DataFrame({"doc_id": ["a", "a", "a", "b", "c"], "sentence_id": [0, 0, 1, 0, 0]})
    keys = pd.MultiIndex.from_arrays([["b", "a", "a"], [0, 1, 0]])
    assert tokens.rows_of(toks, keys).tolist() == [2, 2, 1, 0, -1]
    assert tokens.rows_of(toks.iloc[:0], keys).tolist() == []
