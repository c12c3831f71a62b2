"""Sentiment: hand-checked sentences, one schema for every method, the textblob-de fast path, levels."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import paths, sentiment
from analysis.sentiment import classifier, lexicon, textblob

GERNTSA = paths.SHARED_DATA / "gerntsa" / "sentences_dev.tsv"
GNAD = paths.SHARED_DATA / "10kgnad" / "articles_test.tsv"


def corrected(text: str) -> pd.Series:
    return sentiment.score(pd.DataFrame({"text": [text]}), method="textblob-de-corrected").iloc[0]


# --- corrected lexicon method: hand-checked sentences ----------------------------------------------

def test_negation_before_adjective():
    row = corrected("Das Ergebnis ist nicht gut.")
    assert row["polarity"] == pytest.approx(-0.5)  # gut = +1.0, negated: -0.5 * 1.0
    assert row["label"] == "negative"
    assert "nicht→gut" in row["evidence"]


def test_negated_noun_kein_problem_is_positive():
    row = corrected("Für Xiaomi ist das kein Problem.")
    assert row["polarity"] == pytest.approx(0.5)  # Problem = -1.0, negated
    assert row["label"] == "positive"
    assert "kein→Problem" in row["evidence"]


def test_verb_final_negation_reaches_back_within_the_clause():
    # "enttäuscht" is in the lexicon with -1.0; "nicht" follows it with no polar word after it in its
    # clause, so it negates backwards: -0.5 * -1.0 = +0.5. "sagt er" is a new clause.
    row = corrected("Die Kamera enttäuscht nicht, sagt er.")
    hits = lexicon.assess(lexicon.token_table(["Die Kamera enttäuscht nicht, sagt er."]))
    assert len(hits) == 1 and hits.loc[0, "negated"] == "nicht"
    assert row["polarity"] == pytest.approx(0.5)
    assert row["evidence"] == "nicht→enttäuscht(+0.50)"


def test_negation_does_not_cross_a_clause_boundary():
    row = corrected("Er kam nicht, das Ergebnis ist gut.")
    assert row["polarity"] == pytest.approx(1.0)


def test_capitalised_nouns_are_found():
    assert corrected("Das ist reine Augenwischerei.")["evidence"].count("Augenwischerei(-1.00)") == 1
    row = corrected("Die Partnerschaft ist ein Erfolg.")
    assert row["polarity"] == pytest.approx((0.7 + 1.0) / 2)
    assert "Erfolg(+1.00)" in row["evidence"]


def test_shipped_textblob_misses_capitalised_nouns():
    # the defect the corrected method fixes: textblob-de lower-cases "Augenwischerei"
    assert textblob.reference_polarity("Das ist reine Augenwischerei.") >= 0
    assert "Augenwischerei" not in sentiment.score(pd.DataFrame({"text": ["Das ist Augenwischerei."]}),
                                                   method="textblob-de").loc[0, "evidence"]


def test_intensifiers_and_downtoners():
    base = corrected("Die Kamera ist spannend.")["polarity"]
    assert base == pytest.approx(0.7)
    assert corrected("Die Kamera ist sehr spannend.")["polarity"] == pytest.approx(1.0)  # 0.7 * 1.5, capped
    assert corrected("Die Kamera ist etwas spannend.")["polarity"] == pytest.approx(0.42)  # 0.7 * 0.6
    assert "sehr→spannend" in corrected("Die Kamera ist sehr spannend.")["evidence"]


def test_inflected_forms_are_found():
    row = corrected("Ein guter Start mit schönen Bildern.")
    assert "guter(+1.00)" in row["evidence"] and "schönen(+1.00)" in row["evidence"]


# --- one schema, determinism, errors ----------------------------------------------------------------

SAMPLE = pd.DataFrame({
    "doc_id": ["a", "a", "b", "b"],
    "sentence_id": [0, 1, 0, 1],
    "outlet": ["x", "x", "y", "y"],
    "text": ["Das ist ein großer Erfolg.", "Die Kamera ist nicht gut.", "", "Der Preis steht noch nicht fest."],
}, index=[10, 11, 12, 13])


@pytest.mark.parametrize("method", sentiment.METHODS)
def test_every_method_returns_the_same_schema(method):
    out = sentiment.score(SAMPLE, method=method)
    assert list(out.columns) == list(SAMPLE.columns) + sentiment.SCORE_COLUMNS
    assert list(out.index) == list(SAMPLE.index)
    assert out["polarity"].between(-1, 1).all()
    assert set(out["label"]) <= set(sentiment.LABELS)
    assert (out["method"] == method).all()
    assert out["evidence"].map(lambda v: isinstance(v, str)).all()
    assert out.loc[12, "polarity"] == 0 or method == "gerntsa-lr"  # empty text: no evidence
    assert out.loc[12, "evidence"] == "" or method == "gerntsa-lr"
    # deterministic
    pd.testing.assert_frame_equal(out, sentiment.score(SAMPLE, method=method))


def test_label_follows_polarity_for_lexicon_methods():
    out = sentiment.score(SAMPLE, method=["textblob-de", "textblob-de-corrected"])
    assert len(out) == 2 * len(SAMPLE)
    sign = np.sign(out["polarity"]).map({1.0: "positive", -1.0: "negative", 0.0: "neutral"})
    assert (sign == out["label"]).all()


def test_default_method_and_errors():
    out = sentiment.score(SAMPLE)
    assert (out["method"] == sentiment.DEFAULT_METHOD).all()
    with pytest.raises(ValueError, match="known methods: textblob-de, textblob-de-corrected, gerntsa-lr"):
        sentiment.score(SAMPLE, method="vader")
    with pytest.raises(KeyError, match="available columns"):
        sentiment.score(SAMPLE, text="body")
    with pytest.raises(ValueError, match="already has the column"):
        sentiment.score(out)


# --- classifier model file ---------------------------------------------------------------------------

def test_model_ships_as_json_and_npz_with_attribution():
    folder = paths.PACKAGE_DATA / "sentiment"
    assert not list(folder.glob("*.pkl")) and not list(folder.glob("*.pickle")) and not list(folder.glob("*.joblib"))
    info = json.loads((folder / "gerntsa_lr.json").read_text(encoding="utf-8"))
    assert "GerNTSA" in info["attribution"] and "CC BY 4.0" in info["attribution"]
    assert info["classes"] == list(sentiment.LABELS)
    model = classifier.Model.load()
    assert model.coef.shape == (3, len(model.vocabulary) + len(classifier.DENSE_FEATURES))
    assert info["settings"]["features_version"] == classifier.FEATURES_VERSION
    assert info["dense_features"] == list(classifier.DENSE_FEATURES)


def test_afinn_lexicon_finds_nouns_and_verbs_with_negation():
    words = lexicon.token_table(["Das war die Hölle.", "Eine Verbesserung, aber keine Gerechtigkeit."])
    hits = lexicon.assess(words, lexicon="afinn-de")
    got = {(r.row, r.token): round(r.score, 2) for r in hits.itertuples()}
    # AFINN valences / 5: Hölle -4, Verbesserung +2, Gerechtigkeit +2 (negated by "keine": * -0.5)
    assert got == {(0, "Hölle"): -0.8, (1, "Verbesserung"): 0.4, (1, "Gerechtigkeit"): -0.2}
    with pytest.raises(ValueError, match="unknown lexicon"):
        lexicon.assess(words, lexicon="sentiws")


def test_feature_tokens_mark_negation_and_both_lexicons():
    docs, dense, hits = classifier.featurize(["Das ist nicht gut.", "Ein großer Erfolg!", ""])
    # Snowball stems in lower case; "gut" negated (NEG_), then its markers of both lexicons
    assert docs == ["das ist nicht NEG_gut LEX- AF-", "ein gross AF+ erfolg LEX+ AF+", ""]
    assert dense.shape == (3, len(classifier.DENSE_FEATURES))
    col = dict(zip(classifier.DENSE_FEATURES, dense[1]))
    assert (col["lex_pos_count"], col["lex_neg_count"], col["afinn_pos_count"]) == (1, 0, 2)
    assert col["log_length"] == pytest.approx(np.log(4))  # "Ein großer Erfolg": 3 words + 1
    assert set(hits["lexicon"]) == {"german-polarity", "afinn-de"}


def test_ngrams_stay_within_a_text():
    toks = pd.DataFrame({"row": [0, 0, 0, 1, 1], "feature": ["a", "b", "c", "d", "e"]})
    got = classifier.ngrams(toks, (1, 2))
    assert got.values.tolist() == [[0, "a"], [0, "b"], [0, "c"], [1, "d"], [1, "e"],
                                   [0, "a b"], [0, "b c"], [1, "d e"]]
    with pytest.raises(ValueError, match="only"):
        classifier.ngrams(toks, (2, 3))


def test_tfidf_features_equal_scikit_learn():
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = ["Ein großer Erfolg für Leica.", "Ein schwerer Fehler, sagt Xiaomi.", "Kein großer Fehler.",
             "Der Termin ist am Montag.", "Ein toller Erfolg am Montag.", "Das ist nicht gut."]
    labels = ["positive", "negative", "positive", "neutral", "positive", "negative"]
    model = classifier.Model.fit(texts, labels, min_df=2)
    docs, dense, _ = classifier.featurize(texts)
    ref = TfidfVectorizer(token_pattern=r"\S+", lowercase=False, ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    Xref = ref.fit_transform(docs)
    assert sorted(model.vocabulary) == sorted(ref.vocabulary_)
    order = [ref.vocabulary_[t] for t in sorted(model.vocabulary, key=model.vocabulary.get)]
    toks, dense2, _ = classifier.feature_tokens(texts)
    X = model._matrix(classifier.ngrams(toks), dense2, len(texts))[:, : len(model.vocabulary)]
    assert np.allclose(X.toarray(), Xref.toarray()[:, order])


def _string_path_counts(model, texts):
    """The term counts as first written: feature strings, bigram strings, one vocabulary look-up."""
    toks, dense, _ = classifier.feature_tokens(texts)
    return classifier._counts(classifier.ngrams(toks), model._index, len(texts)), dense


def test_numeric_features_equal_the_string_features():
    texts = ["Das ist nicht gut.", "Ein großer Erfolg!", "", "Kein großer Fehler, aber nicht gut.",
             "Ein großer Erfolg, ein großer Erfolg.", "Unbekannte Wörter hier"]
    labels = ["negative", "positive", "neutral", "negative", "positive", "neutral"]
    model = classifier.Model.fit(texts, labels, min_df=1)
    # a bigram whose parts are not unigrams of the vocabulary
    pair = classifier.featurize(["nur zusammen"])[0][0]
    assert len(pair.split(" ")) == 2 and not set(pair.split(" ")) & set(model.vocabulary)
    model.vocabulary = {**model.vocabulary, pair: len(model.vocabulary)}
    model = classifier.Model(model.vocabulary, np.r_[model.idf, 1.0],
                             np.c_[model.coef, np.zeros(3)], model.intercept, model.scale_mean,
                             model.scale_std, model.classes, model.settings)
    for text_set in (texts, texts + ["nur zusammen", "nur", "zusammen nur"], ["", ""], []):
        got, dense = model._counts_fast(text_set, None)
        ref, ref_dense = _string_path_counts(model, text_set)
        assert (got != ref).nnz == 0 and got.shape == ref.shape
        assert np.array_equal(dense, ref_dense)
    got, _ = model._counts_fast(["nur zusammen"], None)
    assert got[0, model.vocabulary[pair]] == 1


@pytest.mark.skipif(not GNAD.exists(), reason=f"10kGNAD not found at {GNAD} (shared data missing)")
def test_numeric_features_equal_the_string_features_on_real_sentences():
    from analysis import corpus

    articles = corpus.load(GNAD, outlet="category").head(150)
    texts = corpus.sentences(articles)["text"].tolist()
    model = classifier.shipped()
    got, dense = model._counts_fast(texts, None)
    ref, ref_dense = _string_path_counts(model, texts)
    assert len(texts) > 2000 and ref.nnz > 20000
    assert (got != ref).nnz == 0
    assert np.array_equal(dense, ref_dense)


def test_classifier_round_trip_and_evidence(tmp_path):
    texts = ["Ein großer Erfolg.", "Ein schwerer Fehler.", "Der Termin ist am Montag.", "Ein toller Sieg.",
             "Eine schlimme Niederlage.", "Die Sitzung beginnt um neun."] * 3
    labels = ["positive", "negative", "neutral"] * 6
    model = classifier.Model.fit(texts, labels, min_df=1)
    model.save(tmp_path / "m")
    again = classifier.Model.load(tmp_path / "m")
    a = model.predict(texts)
    b = again.predict(texts)
    pd.testing.assert_frame_equal(a, b)
    assert (a["label"] == labels).mean() > 0.8
    assert np.allclose(a[["p_negative", "p_neutral", "p_positive"]].sum(axis=1), 1.0)
    assert a["evidence"].str.len().gt(0).all()


# --- textblob-de fast path -------------------------------------------------------------------------

HARD = [
    "Das ist nicht gut.", "Sehr schön!", "Kein Problem :-)", "Dr. Müller kam am 3. Mai nach Berlin/Brandenburg.",
    "", "   ", "Es war (!) ein Fehler.", "Die Straße ist groß und die Weißwurst schmeckt.", "Nie wieder!!!",
    "Xiaomi und Leica kündigen eine strategische Partnerschaft an.\n\nZweiter Absatz mit gutem Ende.",
]


def test_fast_path_equals_textblob_on_hand_cases():
    fast = textblob.FastTextBlob()
    for text in HARD:
        assert fast.assess(text)[0] == textblob.reference_polarity(text), text


def _real_sentences() -> list[str]:
    texts = []
    if GERNTSA.exists():
        texts += pd.read_csv(GERNTSA, sep="\t", keep_default_na=False)["text"].tolist()
    if GNAD.exists():
        from analysis import segment

        arts = pd.read_csv(GNAD, sep="\t", keep_default_na=False)["text"].head(40)
        for art in arts:
            texts += [s for s in segment.split(art)] if hasattr(segment, "split") else [art]
    return texts


@pytest.mark.skipif(not GERNTSA.exists(), reason=f"GerNTSA not found at {GERNTSA} (shared data missing)")
def test_fast_path_equals_textblob_on_thousands_of_real_sentences():
    texts = _real_sentences()
    assert len(texts) >= 1800
    fast = textblob.FastTextBlob()
    mismatches = [t for t in texts if fast.assess(t)[0] != textblob.reference_polarity(t)]
    assert mismatches == []


@pytest.mark.skipif(not GERNTSA.exists(), reason=f"GerNTSA not found at {GERNTSA} (shared data missing)")
def test_fast_tokenizer_equals_textblob_de_pattern_tokenizer_on_real_sentences():
    from textblob_de.tokenizers import PatternTokenizer

    texts = _real_sentences() + HARD + ["-.", "./", "Ende .", "a.b. c.", "\n\nÜberschrift\n\nText."]
    texts += [t.replace("/", " FORWARDSLASH ") for t in texts if "/" in t]  # as the fast path tokenizes
    assert len(texts) >= 1800
    reference = PatternTokenizer()
    mismatches = [t for t in texts if textblob.pattern_tokenize(t) != reference.tokenize(t)]
    assert mismatches == []
    # the data really exercise the tokenizer: abbreviations kept, sentence-final periods split off
    tokens = [tok for t in texts for tok in textblob.pattern_tokenize(t)]
    assert tokens.count(".") > 1500 and any(tok.endswith(".") and len(tok) > 1 for tok in tokens)


def test_fast_path_imports_neither_textblob_nor_nltk_nor_scipy_stats():
    code = (
        "import sys\n"
        "from analysis.sentiment import textblob\n"
        "assert textblob.fast().assess('Das ist nicht gut.')[0] == -0.5\n"
        "assert textblob.pattern_tokenize('Dr. Müller kam.') == ['Dr.', 'Müller', 'kam', '.']\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('nltk', 'textblob', 'textblob_de')\n"
        "               or m == 'scipy.stats' or m.startswith('scipy.stats.'))\n"
        "print(repr(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


_SNAPSHOT_PROBE = (
    "import hashlib, json\n"
    "from analysis import corpus, paths\n"
    "from analysis.sentiment import textblob\n"
    "how = textblob.load_pattern_data()\n"
    "state = json.dumps(textblob._snapshot_state(), ensure_ascii=False)\n"
    "texts = corpus.sentences(corpus.load(paths.SEEDS))['text'].tolist()\n"
    "texts += ['Das ist nicht gut.', 'Eine großartige, schöne Kamera!', 'Er kaufte sie nicht.']\n"
    "scores = [textblob.fast().assess(t) for t in texts]\n"
    "print(json.dumps({'how': how, 'state': hashlib.sha256(state.encode()).hexdigest(), 'n': len(texts),\n"
    "                  'scores': repr(scores), 'lexicon': len(textblob.pattern_de.parser.lexicon)}))\n"
)


def _snapshot_probe(cache: str) -> dict:
    env = {**os.environ, "MEDIA_ANALYSIS_CACHE": cache}
    done = subprocess.run([sys.executable, "-c", _SNAPSHOT_PROBE], capture_output=True, text=True, timeout=300,
                          cwd=Path(__file__).resolve().parents[1], env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_pattern_snapshot_restores_exactly_what_pattern_loads(tmp_path):
    # each run is a new process: pattern's data are loaded once per process
    plain = _snapshot_probe("off")
    first = _snapshot_probe(str(tmp_path))
    again = _snapshot_probe(str(tmp_path))
    assert (plain["how"], first["how"], again["how"]) == ("built", "built", "snapshot")
    files = list(tmp_path.glob("textblob-de-pattern-*.json"))
    assert len(files) == 1
    # the restored lexicon and sentiment lexicon (words, order, tags, scores, list vs tuple) and every score
    assert again["state"] == plain["state"] == first["state"]
    assert again["scores"] == plain["scores"] and again["n"] > 30 and again["lexicon"] > 30_000
    # a damaged snapshot is a miss: pattern loads the data and the file is written again
    files[0].write_text(files[0].read_text(encoding="utf-8")[:1000], encoding="utf-8")
    damaged = _snapshot_probe(str(tmp_path))
    assert damaged["how"] == "built" and damaged["state"] == plain["state"]
    assert _snapshot_probe(str(tmp_path))["how"] == "snapshot"


def test_polarity_lexicon_snapshot_equals_the_parsed_xml(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDIA_ANALYSIS_CACHE", str(tmp_path))
    parsed = lexicon._parse_polarity_lexicon(lexicon._textblob_lexicon_path())
    for how in ("built", "snapshot"):
        if how == "snapshot":  # the second time the XML is not parsed at all
            monkeypatch.setattr(lexicon, "_parse_polarity_lexicon", lambda path: pytest.fail("parsed again"))
        lexicon.polarity_lexicon.cache_clear()
        try:
            got = lexicon.polarity_lexicon()
        finally:
            lexicon.polarity_lexicon.cache_clear()
        assert list(got.items()) == list(parsed.items())  # forms, order and every float bit
        assert len(list(tmp_path.glob("german-polarity-lexicon-*.json"))) == 1
    assert len(parsed) > 1000 and parsed["gut"] > 0


def test_pattern_snapshot_is_not_used_once_pattern_has_loaded():
    # in this process pattern's dictionaries may be loaded already: nothing is restored over them
    len(textblob.pattern_de.parser.lexicon)
    assert textblob.load_pattern_data() == "loaded"


def test_fast_path_shares_the_pattern_modules_with_textblob_de():
    # imported under textblob-de's own module names: textblob-de finds the same objects, nothing twice
    from textblob_de import packages

    assert packages.pattern_de is textblob.pattern_de and packages.pattern_text is textblob.pattern_text
    assert not [m for m in sys.modules if m.startswith("textblob_de.ext._pattern")]
    assert textblob.pattern_sentiment("Das ist nicht gut.") == (-0.5, 0.0)


# --- levels, actors, agreement ----------------------------------------------------------------------

def test_aggregate_weighted_and_unweighted_by_hand():
    scored = pd.DataFrame({
        "doc_id": ["a", "a", "b"], "paragraph": [0, 0, 0], "outlet": ["x", "x", "y"],
        "text": ["Gut.", "Das ist leider gar nicht gut.", "Schlecht."],
        "polarity": [1.0, -0.5, -1.0], "label": ["positive", "negative", "negative"], "method": "m",
    })
    w = sentiment.aggregate(scored, level="outlet", weight="length").set_index("outlet")
    u = sentiment.aggregate(scored, level="outlet", weight="none").set_index("outlet")
    # x: words 1 and 6 -> (1*1 + 6*-0.5) / 7 = -2/7; unweighted (1 - 0.5) / 2 = 0.25
    assert w.loc["x", "polarity"] == pytest.approx(-2 / 7)
    assert u.loc["x", "polarity"] == pytest.approx(0.25)
    assert w.loc["x", "n_words"] == 7 and w.loc["x", "n_sentences"] == 2
    assert w.loc["x", "share_positive"] == pytest.approx(0.5)
    assert "length-weighted" in w.loc["x", "weighting"] and "unweighted" in u.loc["x", "weighting"]
    art = sentiment.aggregate(scored, level="article", weight="none")
    assert list(art.columns[:3]) == ["outlet", "doc_id", "method"]
    with pytest.raises(ValueError, match="weight must be"):
        sentiment.aggregate(scored, weight="words")


def test_towards_clause_scope_separates_actors():
    sents = pd.DataFrame({"doc_id": ["d"], "sentence_id": [0], "outlet": ["x"],
                          "text": ["Xiaomi ist gut, aber Huawei ist schlecht."]})
    clause = sentiment.towards(sents, method="textblob-de-corrected", scope="clause").set_index("actor")
    assert clause.loc["Xiaomi", "label"] == "positive"
    assert clause.loc["Huawei", "label"] == "negative"
    assert clause.loc["Huawei", "scope_text"].strip() == "aber Huawei ist schlecht."
    whole = sentiment.towards(sents, method="textblob-de-corrected", scope="sentence")
    assert (whole["polarity"] == 0).all()  # +1 and -1 average out over the sentence
    tone = sentiment.tone_towards(clause.reset_index())
    assert set(tone.columns) >= {"outlet", "actor", "n_mentions", "polarity"}
    custom = sentiment.towards(sents, actors={"Chinesische Hersteller": [r"Xiaomi", r"Huawei"]},
                               method="textblob-de-corrected")
    assert (custom["actor"] == "Chinesische Hersteller").sum() == 2


def test_agreement_table():
    table = sentiment.agreement(SAMPLE)
    for m in sentiment.METHODS:
        assert f"label_{m}" in table and f"evidence_{m}" in table
    assert table["agree"].equals(table["n_labels"].eq(1))
    assert table["pattern"].str.count("/").eq(2).all()
    summary = sentiment.agreement_summary(table)
    assert len(summary) == 3 and summary["share_equal"].between(0, 1).all()


# --- plots ---------------------------------------------------------------------------------------------

def test_plots_return_axes_and_check_columns():
    import matplotlib.pyplot as plt

    from analysis import plot, stats

    scored = sentiment.score(SAMPLE, method=["textblob-de", "textblob-de-corrected"])
    iv = stats.bootstrap_ci(scored[scored["method"] == "textblob-de-corrected"], n_boot=50)
    ax = plot.sentiment(iv)
    assert len(ax.get_yticklabels()) == 2 and ax.get_xlabel().startswith("mean sentence polarity")
    assert plot.sentiment_sentences(scored).get_xlim() == (-1.05, 1.05)
    bars = plot.sentiment_labels(scored)
    assert len(bars.get_yticklabels()) == 4  # 2 methods x 2 outlets
    tone = sentiment.tone_towards(sentiment.towards(
        pd.DataFrame({"doc_id": ["d"], "sentence_id": [0], "outlet": ["x"], "text": ["Xiaomi ist gut."]}),
        method="textblob-de-corrected"))
    assert plot.sentiment_towards(tone).get_yticklabels()[0].get_text() == "Xiaomi"
    with pytest.raises(KeyError, match="ci_low"):
        plot.sentiment(iv.drop(columns="ci_low"))
    plt.close("all")


def test_towards_keeps_article_offsets_for_clauses():
    sents = pd.DataFrame({"doc_id": ["d", "d"], "sentence_id": [0, 1], "outlet": ["x", "x"],
                          "text": ["Vorher.", "Xiaomi ist gut, aber Huawei ist schlecht."], "start": [0, 8]})
    out = sentiment.towards(sents, method="textblob-de-corrected").set_index("actor")
    assert out.loc["Huawei", "start"] == 8 + len("Xiaomi ist gut, aber ")
    assert out.loc["Huawei", "label"] == "negative" and out.loc["Xiaomi", "label"] == "positive"


def test_shared_token_table_gives_the_same_scores():
    from analysis import corpus, tokens as tokens_mod

    sents = corpus.sentences(corpus.load(paths.SEEDS))
    toks = tokens_mod.tokenize(sents)
    methods = ["textblob-de-corrected", "gerntsa-lr"]
    plain = sentiment.score(sents, method=methods)
    shared = sentiment.score(sents, method=methods, tokens=toks)
    pd.testing.assert_frame_equal(plain, shared)
    # rows in another order than the token table
    shuffled = sents.sample(frac=1.0, random_state=3)
    pd.testing.assert_frame_equal(sentiment.score(shuffled, method=methods),
                                  sentiment.score(shuffled, method=methods, tokens=toks))
    with pytest.raises(KeyError, match="tokens="):
        sentiment.score(sents.drop(columns="doc_id"), method="gerntsa-lr", tokens=toks)


def test_classifier_scores_texts_without_words():
    out = classifier.shipped().predict(["!!!", "42 %", ""])
    assert len(out) == 3 and out["polarity"].between(-1, 1).all()
    assert np.allclose(out[["p_negative", "p_neutral", "p_positive"]].sum(axis=1), 1.0)


def test_form_table_numbers_each_form_once_and_extends_its_lookups():
    table = lexicon.FormTable()
    ids = table.ids(["Erfolg", "nicht", "Erfolg", "sehr"])
    assert ids.tolist() == [0, 1, 0, 2] and table.lower == ["erfolg", "nicht", "sehr"]
    assert table.negator.tolist() == [False, True, False]
    assert np.isnan(table.factor[0]) and table.factor[2] == lexicon.rules()["intensifiers"]["sehr"]
    entry, prior = table.entries("german-polarity")
    lex = lexicon.polarity_lexicon()
    assert entry[0] == lexicon.lookup_key("Erfolg", lex) and prior[0] == lex[entry[0]]
    assert table.ids(["Problem", "Erfolg"]).tolist() == [3, 0]  # a new form after the entries were made
    entry, prior = table.entries("german-polarity")
    assert len(entry) == 4 and entry[3] == lexicon.lookup_key("Problem", lex) and prior[3] < 0
    with pytest.raises(ValueError, match="unknown lexicon"):
        lexicon.word_types(lexicon.token_table(["gut"])).entries("sentiws")


def test_cohen_kappa_equals_scikit_learn_exactly():
    import warnings

    from sklearn.metrics import cohen_kappa_score

    rng = np.random.default_rng(7)
    labels = list(sentiment.LABELS)
    cases = [(["negative", "positive", "negative", "neutral", "positive"],
              ["negative", "positive", "negative", "neutral", "negative"])]
    for n in (2, 3, 10, 57, 500):
        for p in ([1 / 3] * 3, [0.8, 0.1, 0.1], [0.5, 0.5, 0.0]):
            a = list(rng.choice(labels, size=n, p=p))
            b = [x if rng.random() < 0.6 else rng.choice(labels) for x in a]
            cases.append((a, b))
    cases.append((["positive", "oops", "negative", "neutral"], ["positive", "negative", "n/a", "neutral"]))
    assert sentiment.cohen_kappa(*cases[0], labels=labels) == 0.6875  # scikit-learn's documented example
    for a, b in cases:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = cohen_kappa_score(a, b, labels=labels)
        got = sentiment.cohen_kappa(a, b, labels=labels)
        assert (got == expected) or (np.isnan(got) and np.isnan(expected)), (a, b, got, expected)
    # one category in both codings: undefined, as in scikit-learn
    assert np.isnan(sentiment.cohen_kappa(["neutral"] * 4, ["neutral"] * 4, labels=labels))
    with pytest.raises(ValueError, match="same items"):
        sentiment.cohen_kappa(["neutral"], ["neutral", "positive"], labels=labels)


# --- memoised scores and word counts (fast paths of the notebooks) ------------------------------------

def _seed_sentences() -> pd.DataFrame:
    from analysis import corpus

    return corpus.sentences(corpus.load(paths.SEEDS))


def _runner_scores(data: pd.DataFrame, method: str) -> pd.DataFrame:
    """What score() computed before the memo: the method's runner called on the texts directly."""
    values = data["text"].fillna("").astype(str).tolist()
    return sentiment._RUNNERS[method](values, None)[["polarity", "label", "evidence"]]


@pytest.mark.parametrize("method", sentiment.METHODS)
def test_memoised_scores_equal_the_runner_and_are_independent_copies(method):
    sents = _seed_sentences()
    sentiment._run_memo.cache_clear()
    direct = _runner_scores(sents, method)
    first = sentiment.score(sents, method=method)
    first.loc[first.index[0], "polarity"] = 99.0  # changing a result must not reach the next call
    first.loc[first.index[0], "evidence"] = "changed"
    again = sentiment.score(sents, method=method)
    assert sentiment._run_memo.cache_info().hits >= 1
    for col in ("polarity", "label", "evidence"):
        assert again[col].tolist() == direct[col].tolist()
    assert again["polarity"].to_numpy().tobytes() == direct["polarity"].to_numpy(dtype=float).tobytes()
    # other texts (a sentence left out) are scored anew, not taken from the memo
    fewer = sentiment.score(sents.iloc[1:], method=method)
    assert fewer["evidence"].tolist() == _runner_scores(sents.iloc[1:], method)["evidence"].tolist()


def test_memoised_scores_follow_the_scorer():
    sents = pd.DataFrame({"text": ["Das ist gut.", "Das ist schlecht."]})
    before = sentiment.score(sents, method="textblob-de-corrected")
    original = sentiment._RUNNERS["textblob-de-corrected"]
    sentiment._RUNNERS["textblob-de-corrected"] = lambda values, words=None: pd.DataFrame(
        {"polarity": [0.25] * len(values), "label": ["positive"] * len(values), "evidence": ["x"] * len(values)})
    try:
        replaced = sentiment.score(sents, method="textblob-de-corrected")
    finally:
        sentiment._RUNNERS["textblob-de-corrected"] = original
    assert replaced["polarity"].tolist() == [0.25, 0.25] and before["polarity"].tolist() != [0.25, 0.25]
    assert sentiment.score(sents, method="textblob-de-corrected")["polarity"].tolist() == before["polarity"].tolist()


def test_agreement_equals_the_scores_of_each_method_on_real_sentences(shared_data):
    real = pd.read_csv(GERNTSA, sep="\t", usecols=["text"]).head(300)
    for data in (_seed_sentences(), real):
        sentiment.score(data, method=list(sentiment.METHODS))  # the memo is filled, as in the notebook
        table = sentiment.agreement(data)
        for m in sentiment.METHODS:
            direct = _runner_scores(data, m)
            assert table[f"label_{m}"].tolist() == direct["label"].tolist()
            assert table[f"evidence_{m}"].tolist() == direct["evidence"].tolist()
            assert table[f"polarity_{m}"].to_numpy().tobytes() == direct["polarity"].to_numpy(dtype=float).tobytes()


def test_word_counts_of_distinct_texts_equal_the_token_table_of_every_row(shared_data):
    sents = _seed_sentences()
    real = pd.read_csv(GNAD, sep="\t", usecols=["text"]).head(60)["text"]
    for texts in (pd.concat([sents["text"]] * 3, ignore_index=True),
                  pd.concat([real, real.iloc[::2], pd.Series([None, "", "Gut."])], ignore_index=True)):
        words = lexicon.token_table(texts.fillna("").astype(str).tolist())  # the previous computation
        expected = np.bincount(words["row"].to_numpy(), minlength=len(texts))
        got = sentiment._word_counts(texts)
        assert got.dtype == expected.dtype and got.tolist() == expected.tolist()
    scored = sentiment.score(sents, method=list(sentiment.METHODS))
    out = sentiment.aggregate(scored, level="paragraph")
    assert out["n_words"].sum() == 3 * len(lexicon.token_table(sents["text"].tolist()))


def test_agreement_equals_the_table_built_column_by_column(shared_data):
    real = pd.read_csv(GERNTSA, sep="\t", usecols=["text"]).head(300)
    seeds = _seed_sentences()
    for data in (seeds, seeds.set_index("doc_id", drop=False).iloc[::-1], real):
        keys = [k for k in ("doc_id", "sentence_id", "outlet") if k in data.columns]
        for methods in (list(sentiment.METHODS), ["gerntsa-lr", "textblob-de-corrected"]):
            before = sentiment._agreement_by_columns(  # the previous computation: score() per method, column by column
                data, data[keys + ["text"]].reset_index(drop=True).copy(), "text", methods)
            pd.testing.assert_frame_equal(sentiment.agreement(data, methods=methods), before, check_exact=True)


def _aggregate_before(scored: pd.DataFrame, keys: list[str], weight: str) -> pd.DataFrame:
    """aggregate() as it was computed before: token table of every row and one named aggregation."""
    frame = scored.copy()
    words = lexicon.token_table(frame["text"].fillna("").astype(str).tolist())
    frame["n_words"] = np.bincount(words["row"].to_numpy(), minlength=len(frame))
    frame["_w"] = frame["n_words"].astype(float) if weight == "length" else 1.0
    frame["_wp"] = frame["_w"] * frame["polarity"]
    frame["_pos"] = frame["label"].eq("positive").astype(float)
    frame["_neg"] = frame["label"].eq("negative").astype(float)
    out = frame.groupby(keys + ["method"], sort=True, dropna=False).agg(
        n_sentences=("polarity", "size"), n_words=("n_words", "sum"), _wp=("_wp", "sum"), _w=("_w", "sum"),
        share_positive=("_pos", "mean"), share_negative=("_neg", "mean"))
    out["polarity"] = np.divide(out["_wp"], out["_w"], out=np.zeros(len(out)), where=out["_w"].to_numpy() > 0)
    out["weighting"] = "length-weighted (word tokens)" if weight == "length" else "unweighted (each sentence once)"
    out = out.drop(columns=["_wp", "_w"]).reset_index()
    return out[keys + ["method", "n_sentences", "n_words", "polarity", "share_positive", "share_negative",
                       "weighting"]]


def test_aggregate_equals_the_previous_computation_on_real_sentences(shared_data):
    seeds = sentiment.score(_seed_sentences(), method=list(sentiment.METHODS))
    real = pd.read_csv(GERNTSA, sep="\t", usecols=["text"]).head(400)
    real = real.assign(outlet=[None if i % 11 == 0 else f"o{i % 5}" for i in range(len(real))],
                       doc_id=[f"d{i // 6}" for i in range(len(real))], paragraph=[i % 3 for i in range(len(real))])
    real = sentiment.score(real, method=["textblob-de-corrected", "gerntsa-lr"])  # None outlets: dropna=False
    for scored in (seeds, real):
        for weight in ("length", "none"):
            for level, keys in (("outlet", ["outlet"]), ("paragraph", ["outlet", "doc_id", "paragraph"])):
                got = sentiment.aggregate(scored, level=level, weight=weight)
                pd.testing.assert_frame_equal(got, _aggregate_before(scored, keys, weight), check_exact=True)
