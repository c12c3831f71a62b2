"""Frame coding: every indicator type, negation, quotes, evidence, profiles, markers and the seed validation."""
from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

from analysis import codebook, corpus, framing, paths, plot, reliability, tokens  # noqa: E402


def cb(*indicators, negation=None, min_hits=1):
    spec = {"codebook": "t", "frames": [{"id": "f", "min_hits": min_hits, "indicators": list(indicators)}]}
    if negation is not None:
        spec["negation"] = negation
    return codebook.from_dict(spec)


def units(*texts):
    return pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "sentence_id": 0, "text": list(texts)})


def coded(texts, book):
    return framing.code(units(*texts), codebook=book)["f"].tolist()


# ---------------------------------------------------------------- indicator types


def test_lemma_matches_inflected_forms_but_not_other_words():
    book = cb({"type": "lemma", "terms": ["Preis", "entwickeln", "teuer"]})
    assert coded(["Die Preise steigen.", "Zu hohen Preisen.", "Sie entwickelten es.", "gemeinsam entwickelt",
                  "ein teureres Modell", "Preisverleihung", "Entwicklerkonferenz"], book) == \
        [True, True, True, True, True, False, False]


def test_lemma_separable_verb_participle():
    book = cb({"type": "lemma", "terms": ["ankündigen"]})
    assert coded(["Xiaomi hat es angekündigt.", "Es wurde ankündigen.", "Sie kündigten"], book) == [True, True, False]


def test_word_is_exact_and_case_insensitive():
    book = cb({"type": "word", "terms": ["Leak"]})
    assert coded(["Ein leak zeigt es.", "Die Leaks zeigen es.", "LEAK!"], book) == [True, False, True]


def test_glob_wildcards_and_compound_parts():
    book = cb({"type": "glob", "terms": ["*markt", "Sens?r"]})
    assert coded(["Der Smartphonemarkt wächst.", "Der Smartphone-Markt wächst.", "Ein Sensor.",
                  "Die Sensoren.", "Marktanteil"], book) == [True, True, True, False, False]


def test_phrase_is_consecutive_within_a_unit_and_takes_wildcards():
    book = cb({"type": "phrase", "terms": ["auf den Markt", "seit * Jahren"]})
    assert coded(["Es kommt im Juli auf den Markt.", "Es kommt auf den neuen Markt.", "Es kommt auf den",
                  "Markt. Leica ist seit 100 Jahren da."], book) == [True, False, False, True]
    # a phrase never runs from one unit into the next
    assert coded(["kommt auf den", "Markt"], book) == [False, False]


def test_near_rule_window_both_directions_and_not_across_units():
    book = cb({"type": "near", "terms": ["soll"], "near": ["kommen", "Juli"], "window": 3, "negation": "keep"})
    assert coded(["Das Gerät soll im Juli kommen.", "Im Juli soll es da sein.",
                  "Es soll nach sehr langer Zeit endlich kommen.", "soll", "kommen"], book) == \
        [True, True, False, False, False]


def test_min_hits():
    book = cb({"type": "word", "terms": ["preis", "kosten"]}, min_hits=2)
    assert coded(["Preis und Kosten", "nur der Preis"], book) == [True, False]


# ---------------------------------------------------------------- negation and quotes


def test_negation_drops_a_match_unless_exception_or_keep():
    book = cb({"type": "glob", "terms": ["gerücht*"]})
    assert coded(["Es gibt Gerüchte.", "Das ist kein Gerücht.", "Das ist nicht mehr als ein Gerücht.",
                  "Nicht nur ein Gerücht.", "Das ist nicht, wie man hört, ein Gerücht."], book) == \
        [True, False, True, True, True]  # the last: 'nicht' is 5 words before, outside the window of 3
    keep = cb({"type": "glob", "terms": ["gerücht*"], "negation": "keep"})
    ev = framing.evidence(units("Das ist kein Gerücht."), codebook=keep)
    assert ev[["match", "negated", "counted"]].values.tolist() == [["Gerücht", True, True]]


def test_negation_window_is_configurable():
    book = cb({"type": "glob", "terms": ["gerücht*"]}, negation={"window": 6})
    assert coded(["Das ist nicht, wie man hört, ein Gerücht."], book) == [False]


def test_quotes_drop_and_only():
    text = "Die Firma nennt es „eine Revolution“, doch es bleibt eine Revolution."
    ev = framing.evidence(units(text), codebook=cb({"type": "word", "terms": ["revolution"]}))
    assert ev["quoted"].tolist() == [True, False]
    drop = cb({"type": "word", "terms": ["revolution"], "quotes": "drop"})
    only = cb({"type": "word", "terms": ["revolution"], "quotes": "only"})
    assert coded(["Sie sagen „Revolution“.", "Eine Revolution."], drop) == [False, True]
    assert coded(["Sie sagen „Revolution“.", "Eine Revolution."], only) == [True, False]
    # other quotation marks
    assert coded(['Sie sagen »Revolution«.', 'Sie sagen "Revolution".', "Sie sagen “Revolution”."], drop) == \
        [False, False, False]


# ---------------------------------------------------------------- output and evidence


def test_code_keeps_rows_and_adds_frames_and_evidence():
    data = units("Die Preise steigen.", "Nichts hier.").set_index(pd.Index([10, 20]))
    out = framing.code(data, codebook=cb({"type": "lemma", "terms": ["Preis"]}))
    assert out.index.tolist() == [10, 20]
    assert out["f"].dtype == bool and out["f"].tolist() == [True, False]
    assert out["evidence"].tolist() == ["f: Preise [4:10]", ""]


def test_evidence_offsets_point_at_the_match():
    s = corpus.sentences(corpus.load(paths.SEEDS))
    ev = framing.evidence(s)
    text = s.set_index(["doc_id", "sentence_id"])["text"]
    assert len(ev) > 50
    for r in ev.itertuples():
        assert text[(r.doc_id, r.sentence_id)][r.start:r.end] == r.match


def test_shared_tokens_give_the_same_coding():
    s = corpus.sentences(corpus.load(paths.SEEDS))
    pd.testing.assert_frame_equal(framing.code(s), framing.code(s, tokens=tokens.tokenize(s)))


def test_missing_text_column_lists_columns():
    with pytest.raises(KeyError, match=r"no column 'body'.*available columns: \['doc_id', 'sentence_id', 'text'\]"):
        framing.code(units("x"), text="body")


def test_empty_and_odd_input():
    out = framing.code(units("", "   ", "123 456", "!!!"))
    assert not out[framing.frame_columns()].to_numpy().any()
    assert framing.code(units()).shape[0] == 0


def test_item_frames_score_and_min_items():
    book = codebook.from_dict({"codebook": "i", "unit": "article", "frames": [{"id": "eco", "min_items": 2, "items": [
        {"id": "q1", "question": "gains?", "indicators": [{"type": "glob", "terms": ["gewinn*"]}]},
        {"id": "q2", "question": "costs?", "indicators": [{"type": "word", "terms": ["kosten"]}]},
        {"id": "q3", "question": "jobs?", "indicators": [{"type": "word", "terms": ["jobs"]}]},
    ]}]})
    out = framing.code(units("Gewinne und Kosten.", "Nur Gewinne."), codebook=book)
    assert out["eco_q1"].tolist() == [True, True] and out["eco_q2"].tolist() == [True, False]
    assert out["eco_score"].round(3).tolist() == [0.667, 0.333]
    assert out["eco"].tolist() == [True, False]


def test_generic_frames_run_on_the_seed_articles_with_evidence():
    articles = corpus.load(paths.SEEDS)
    out = framing.code(articles, codebook="generic-frames")
    assert len(out) == 2 and {"conflict", "economic_score", "conflict_q4"} <= set(out.columns)
    ev = framing.evidence(articles, codebook="generic-frames")
    assert set(ev["doc_id"]) == set(articles["doc_id"])
    assert (ev["item"] != "").all()
    econ = ev[(ev["frame"] == "economic") & (ev["item"] == "q2")]
    assert "Preis" in econ["match"].tolist()


# ---------------------------------------------------------------- profiles, co-occurrence, markers, quotes, actors


def _toy():
    return pd.DataFrame({
        "doc_id": ["a", "a", "a", "b", "b"], "sentence_id": [0, 1, 2, 0, 1], "outlet": ["X", "X", "X", "Y", "Y"],
        "part": ["headline", "body", "caption", "lead", "body"],
        "text": ["Der Preis sinkt.", "Gerüchte um den Preis.", "Preis", "Huawei schweigt.", "Ein Leak."],
    })


def test_profile_and_cooccurrence_hand_counts():
    c = framing.code(_toy())
    p = framing.profile(c).set_index(["outlet", "frame"])
    assert p.loc[("X", "market"), ["n_units", "n_frame"]].tolist() == [2, 2]  # caption left out
    assert p.loc[("Y", "speculation"), "share"] == 1.0
    assert p.loc[("Y", "competition"), "share"] == 0.5
    parts = framing.profile(c, by=["outlet", "part"], exclude_parts=None)
    assert parts.set_index(["outlet", "part", "frame"]).loc[("X", "caption", "market"), "n_frame"] == 1
    co = framing.cooccurrence(c).set_index(["frame_a", "frame_b"])
    assert co.loc[("market", "speculation"), "n_both"] == 1
    assert co.loc[("market", "market"), "n_both"] == 2
    assert co.loc[("market", "speculation"), "jaccard"] == pytest.approx(1 / (2 + 3 - 1))


def test_markers_rate_per_1000_words():
    data = pd.DataFrame({"outlet": ["X", "X", "Y"],
                         "text": ["Es soll wohl kommen.", "Laut Bericht kommt es.", "Es kommt."]})
    m = framing.markers(data).set_index(["outlet", "marker"])
    assert m.loc[("X", "soll"), "n"] == 1 and m.loc[("X", "soll"), "words"] == 8
    assert m.loc[("X", "soll"), "per_1000"] == pytest.approx(125.0)
    assert m.loc[("X", "laut"), "example"] == "Laut Bericht kommt es."
    assert m.loc[("Y", "soll"), "n"] == 0 and m.loc[("Y", "soll"), "per_1000"] == 0


def test_quotes_and_sources():
    data = units("„Das ist ein Durchbruch“, heißt es bei Leica.", "Laut Pressemitteilung kommt es im Juli.",
                 "Ohne Zitat.")
    q = framing.quotes(data)
    assert q["quote"].tolist() == ["Das ist ein Durchbruch"]
    assert q["source"].tolist() == ["unnamed (heißt es)"] and q["actors"].tolist() == ["Leica"]
    s = framing.sources(data)
    assert set(s["source"]) == {"unnamed (heißt es)", "press release", "report"}
    assert "d2" not in set(s["doc_id"])


def test_actor_frames_and_summary():
    c = framing.code(_toy())
    af = framing.actor_frames(c).set_index(["actor", "frame"])
    assert af.loc[("Huawei", "competition"), ["n_sentences", "n_actor"]].tolist() == [1, 1]
    summary = framing.actor_summary(_toy().assign(text=["Leica", "Leica und Huawei", "Leica", "x", "y"]))
    row = summary[(summary["actor"] == "Leica") & (summary["outlet"] == "X")].iloc[0]
    assert (row["mentions"], row["caption_mentions"]) == (2, 1)


# ---------------------------------------------------------------- the seeds: validation against the human coding


def test_human_coding_covers_every_seed_sentence():
    s = corpus.sentences(corpus.load(paths.SEEDS))
    h = pd.read_csv(paths.PACKAGE_DATA / "framing" / "seeds_human_coding.csv")
    assert list(zip(h["doc_id"], h["sentence_id"])) == list(zip(s["doc_id"], s["sentence_id"]))
    assert (h["text"] == s["text"]).all()
    assert set(h[framing.frame_columns()].stack().unique()) <= {0, 1}


def test_coder_reaches_micro_f1_075_on_the_seeds():
    s = corpus.sentences(corpus.load(paths.SEEDS))
    human = reliability.read_sheet(paths.PACKAGE_DATA / "framing" / "seeds_human_coding.csv")
    ag = reliability.agreement(framing.code(s), human, n_boot=0).set_index("frame")
    assert ag.loc["micro", "f1"] >= 0.75
    assert (ag.loc[framing.frame_columns(), "f1"] >= 0.5).all()


# ---------------------------------------------------------------- plots


def test_plots_return_axes():
    s = corpus.sentences(corpus.load(paths.SEEDS))
    c = framing.code(s)
    human = reliability.read_sheet(paths.PACKAGE_DATA / "framing" / "seeds_human_coding.csv")
    try:
        axes = [
            plot.frame_heatmap(framing.profile(c)),
            plot.frame_heatmap(framing.profile(c, by=["outlet", "part"]), rows=["outlet", "part"]),
            plot.frame_profile(framing.profile(c)),
            plot.frame_cooccurrence(framing.cooccurrence(c)),
            plot.frame_actors(framing.actor_frames(c)),
            plot.hedge_rates(framing.markers(s)),
            plot.frame_validation(reliability.agreement(c, human, n_boot=20)),
        ]
        for ax in axes:
            assert isinstance(ax, matplotlib.axes.Axes) and ax.get_title()
        assert len(axes[0].texts) == 2 * 7
    finally:
        plot.close_all()


def test_speed_is_linear_in_vocabulary_not_per_regex_per_token():
    # a corpus of 2,000 repeated sentences codes in one vectorised pass: the vocabulary stays small
    s = corpus.sentences(corpus.load(paths.SEEDS))
    big = pd.concat([s] * 50, ignore_index=True)
    big["doc_id"] = np.repeat(np.arange(50), len(s)).astype(str)
    out = framing.code(big)
    assert out["market"].sum() == 50 * framing.code(s)["market"].sum()


def test_shared_tokens_in_any_order_and_from_other_rows():
    s = corpus.sentences(corpus.load(paths.SEEDS))
    tk = tokens.tokenize(s).sample(frac=1.0, random_state=0)  # shuffled rows
    pd.testing.assert_frame_equal(framing.code(s), framing.code(s, tokens=tk))
    part = s.iloc[5:12]  # tokens of more sentences than coded are ignored
    pd.testing.assert_frame_equal(framing.code(part), framing.code(part, tokens=tokens.tokenize(s)))


def test_article_profile_hand_counts():
    data = _toy()
    data.loc[len(data)] = ["c", 0, "Y", "body", "Nichts."]
    ap = framing.article_profile(framing.code(data)).set_index(["outlet", "frame"])
    assert ap.loc[("Y", "speculation"), ["n_articles", "n_with_frame"]].tolist() == [2, 1]
    assert ap.loc[("Y", "speculation"), "share_articles"] == 0.5
    assert ap.loc[("Y", "speculation"), "mean_share"] == pytest.approx((1.0 + 0.0) / 2)
    assert ap.loc[("X", "market"), "mean_share"] == 1.0  # article a: 2 of 2 text sentences (caption left out)
