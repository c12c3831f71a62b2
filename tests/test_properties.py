"""Property-based tests (hypothesis) for the text pipeline.

Any Unicode string goes through loading, sentences, tokens, sentiment and
frames without an exception; offsets always point at the text they name;
keyness of A against B is keyness of B against A with the sign flipped.

Examples are derandomised (the same on every run) so ``make test`` is
reproducible; set ``HYPOTHESIS_PROFILE=explore`` for fresh random examples.
"""
from __future__ import annotations

import importlib
import os
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import cleaning, corpus, tokens

settings.register_profile("repro", derandomize=True, database=None, deadline=None, max_examples=150,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("explore", database=None, deadline=None, max_examples=1000,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repro"))

# Pieces of German news text and of the ways it goes wrong.
FRAGMENTS = [
    "Dr.", "Prof.", "3. Mai", "z. B.", "z.B.", "u.a.", "Nr. 5", "der 2. Platz", "v.l.n.r.", " ", "  ", "\n", "\n\n",
    "\r\n", "\t", ".", "!", "?", "…", "...", "„", "“", "»", "«", "(", ")", ":", ";", ",", "-", "–", "'", "’",
    "Xiaomi", "Leica-Kamera", "US-Restriktionen", "100-Jahre", "12.000", "3,5", "Größe", "ÄÖÜ", "ß",
    "u\u0308", "e\u0301", "https://example.org/a?b=1.", "www.leica.de", "info@leica.de", "#hashtag", "@user",
    "🙂", "👍🏽", "\u200b", "\u00a0", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\ufeff",
    " date 2022-05 ", "Bildunterschrift 1", "YouTube Instagram Vimeo RSS", "<p>", "</p>", "<br>",
    "<script>alert(1)</script>", "&amp;", "&lt;", "İ", "ǅ", "ﬁ", "Σ", "ς", "\u0301", "A.", "B.",
    "Preis", "teuer", "auf den Markt", "nicht", "kein", "gut", "schlecht", "Augenwischerei", "soll",
]
german_like = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=60).map("".join)
any_text = st.one_of(st.text(max_size=400), german_like)


def _articles(texts: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "outlet": ["o"] * len(texts),
                         "text": texts})


def _check_sentences(articles: pd.DataFrame, sents: pd.DataFrame) -> None:
    assert list(sents.columns) == corpus.SENTENCE_COLUMNS
    texts = articles.set_index("doc_id")["text"]
    for r in sents.itertuples():
        assert texts[r.doc_id][r.start:r.end] == r.text
        assert r.text.strip() == r.text and r.text
        assert r.part in cleaning.PARTS
    for _, group in sents.groupby("doc_id"):
        assert group["sentence_id"].tolist() == list(range(len(group)))
        assert group["start"].is_monotonic_increasing


@given(st.lists(any_text, min_size=1, max_size=3))
def test_sentences_of_any_text(texts):
    articles = _articles(texts)
    _check_sentences(articles, corpus.sentences(articles))
    paras = corpus.paragraphs(articles)
    for r in paras.itertuples():
        assert articles.set_index("doc_id").loc[r.doc_id, "text"][r.start:r.end] == r.text


@given(any_text)
def test_tokens_of_any_text(text):
    articles = _articles([text])
    sents = corpus.sentences(articles)
    toks = tokens.tokenize(sents)
    assert list(toks.columns) == tokens.TOKEN_COLUMNS
    assert set(toks["kind"]) <= {"word", "number", "punct", "url", "symbol"}
    for t in toks.itertuples():
        assert text[t.start:t.end] == t.token
        assert t.lower == t.token.lower()
    for _, group in toks.groupby("sentence_id"):
        assert group["token_id"].tolist() == list(range(len(group)))
    # the same tokens and kinds as the reference regex, match by match
    ref = [(tok, s, e, kind) for r in sents.itertuples()
           for tok, s, e, kind in ((t, s + r.start, e + r.start, k) for t, s, e, k in tokens.tokenize_text(r.text))]
    assert list(zip(toks["token"], toks["start"], toks["end"], toks["kind"])) == ref


@settings(max_examples=60)
@given(st.one_of(any_text, st.binary(max_size=300)))
def test_load_any_file_loads_or_says_why(content):
    """A file with any content loads as one clean article or raises CorpusError naming it."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "artikel.txt"
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", corpus.CorpusWarning)
            try:
                articles = corpus.load(path)
            except corpus.CorpusError as err:
                assert "artikel.txt" in str(err)
                return
    assert len(articles) == 1
    text = articles.loc[0, "text"]
    assert text and "\r" not in text and "\x00" not in text
    assert len(articles.loc[0, "parts"].split(",")) == len(text.split("\n\n"))
    _check_sentences(articles, corpus.sentences(articles))


@given(any_text)
def test_cleaning_keeps_or_records_every_paragraph(text):
    result = cleaning.structure(text)
    raw = cleaning.split_paragraphs(text)
    assert len(result.kept) + sum(p.rule != "date_prefix" for p in result.removed) == len(raw)
    assert all(p.rule and p.reason for p in result.removed)
    assert all(p.part in cleaning.PARTS for p in result.kept)


def _optional(name: str, function: str):
    """The module if it exists and has the function yet (other helpers are writing them)."""
    try:
        module = importlib.import_module(f"analysis.{name}")
    except ModuleNotFoundError:
        pytest.skip(f"analysis.{name} does not exist yet")
    if not hasattr(module, function):
        pytest.skip(f"analysis.{name}.{function} does not exist yet")
    return module


@settings(max_examples=30)
@given(st.lists(any_text, min_size=1, max_size=3))
def test_sentiment_of_any_text(texts):
    sentiment = _optional("sentiment", "score")
    sents = corpus.sentences(_articles(texts))
    for method in getattr(sentiment, "METHODS", ("default",)):
        scored = sentiment.score(sents, method=method)
        assert len(scored) == len(sents), method
        pol = scored["polarity"].to_numpy(dtype=float)
        assert np.all((pol >= -1) & (pol <= 1)), method
        assert set(scored["label"]) <= {"negative", "neutral", "positive"}, method
    direct = sentiment.score(pd.DataFrame({"text": texts}))  # raw strings too, not only sentences
    assert len(direct) == len(texts)


@settings(max_examples=40)
@given(st.lists(any_text, min_size=1, max_size=3))
def test_frames_of_any_text(texts):
    framing = _optional("framing", "code")
    sents = corpus.sentences(_articles(texts))
    coded = framing.code(sents)
    frames = framing.frame_columns()
    assert len(coded) == len(sents)
    for f in frames:
        assert coded[f].dtype == bool
    raw = framing.code(pd.DataFrame({"text": texts}))
    assert len(raw) == len(texts)
    ev = framing.evidence(raw)
    if len(ev) and {"row", "start", "end", "match"} <= set(ev.columns):
        for r in ev.itertuples():
            assert texts[r.row][r.start:r.end] == r.match


WORDS = ["Kamera", "Leica", "Xiaomi", "Preis", "teuer", "gut", "Partnerschaft", "Handy", "Foto", "Sensor",
         "neu", "Markt", "Test", "Zoom", "Design"]


@settings(max_examples=40)
@given(st.lists(st.sampled_from(WORDS), min_size=3, max_size=40),
       st.lists(st.sampled_from(WORDS), min_size=3, max_size=40),
       st.sampled_from(["g2", "chi2", "log_ratio", "log_odds_prior"]))
def test_keyness_is_antisymmetric(words_a, words_b, measure):
    keyness = _optional("keyness", "compare")
    toks = tokens.tokenize(pd.DataFrame({
        "doc_id": ["a", "b"], "outlet": ["A", "B"], "part": ["body", "body"], "sentence_id": [0, 0],
        "text": [" ".join(words_a), " ".join(words_b)], "start": [0, 0],
    }))
    options = dict(by="outlet", measure=measure, min_count=1, unit="lower", stopwords=False)
    ab = keyness.compare(toks, target="A", reference="B", **options).set_index("term")
    ba = keyness.compare(toks, target="B", reference="A", **options).set_index("term")
    assert set(ab.index) == set(ba.index)
    ba = ba.loc[ab.index]
    np.testing.assert_allclose(ab["stat"], -ba["stat"], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(ab["effect"], -ba["effect"], rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(ab["n_target"], ba["n_reference"])
    np.testing.assert_allclose(ab["p"], ba["p"], rtol=1e-9, atol=1e-12, equal_nan=True)


caption_text = st.lists(st.one_of(st.sampled_from(["v.", "V.", "l.", "L", "n.", "r", "R.", " ", "\t", "(", ")", "©",
                                                   "Foto", "bild", "Im Bild", ":", "x", "Kv", "_"]),
                                  st.text(max_size=3)), max_size=12).map("".join)


@given(st.one_of(caption_text, any_text))
def test_caption_cue_shortcut_equals_the_pattern(text):
    assert cleaning._has_caption_cue(text) == bool(cleaning._CAPTION_CUE.search(text))


@given(st.one_of(any_text, st.text(alphabet="ab .\n\u00a0\u2003\x1c", max_size=200)), st.data())
def test_token_before_equals_the_regex_definition(text, data):
    import re

    from analysis import segment

    end = data.draw(st.integers(min_value=0, max_value=len(text)))
    m = re.search(r"(\S+?)$", text[:end])
    assert segment._token_before(text, end) == (m.group(1) if m else None)


@given(st.one_of(any_text, st.text(alphabet="the and of to der die und İΣσςaA-’' 3_.", max_size=300)),
       st.sampled_from([1, 3, 2000]))
def test_language_guess_equals_the_reference(text, max_words):
    assert cleaning.guess_language(text, max_words=max_words) == \
        cleaning._guess_language_reference(text, max_words=max_words)
