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


# ---------------------------------------------------------------- fast paths: the same results as the general code
# Each fast path is compared with the computation it replaces (kept in the module as the general path, or
# written out here as it was), on the seed articles and, when the shared data is there, on 10kGNAD articles.

import re  # noqa: E402
import warnings  # noqa: E402
from io import BytesIO  # noqa: E402

from analysis import actors  # noqa: E402


def _seeds():
    articles = corpus.load(paths.SEEDS)
    return articles, corpus.sentences(articles)


def _gnad(shared_data, tmp_path, n=40):
    table = pd.read_csv(shared_data / "10kgnad" / "articles_test.tsv", sep="\t").head(n)
    path = tmp_path / "gnad.tsv"
    table.to_csv(path, sep="\t", index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        articles = corpus.load(path, outlet="category")
    return articles, corpus.sentences(articles)


def _term_specs():
    """Every (regex, anchor, where) of the shipped codebooks' terms, as any indicator type, plus odd globs."""
    specs = set()
    terms = {"Sens?r", "*bild*qualität*", "glauben*s", "a.b*", "*x-y", "*", "??", "*e*", "*ee", "ee*", "Leica-*"}
    for name in codebook.available():
        book = codebook.load(name)
        terms |= set(book.negation.words)
        for f in book.frames:
            for ind in f.all_indicators:
                for t in ind.terms + ind.near:
                    terms |= set(t.split(" "))
    for t in terms:
        for kind in ("lemma", "word", "glob"):
            specs.update(framing._specs(t, kind))
    return sorted(specs)


def test_term_tests_equal_the_term_regexes_on_words_near_each_term():
    _, s = _seeds()
    words = set(tokens.tokenize(s)["lower"])
    words |= {p for w in words for p in w.split("-")}
    endings = ["", "e", "en", "er", "ern", "es", "n", "s", "t", "et", "te", "ten", "ste", "x", "-x", ".", "'s", "’s",
               "-", "_", "ß", "1", " ", "é"]
    specs = _term_specs()
    assert len(specs) > 900
    used_regex = 0
    for regex, anchor, where in specs:
        near = {anchor + e for e in endings} | {e + anchor for e in endings} | {e + anchor + e for e in endings}
        near |= {anchor[:-1] + e for e in endings}
        test, match = framing._spec_test(regex, anchor, where), re.compile(regex).fullmatch
        for w in sorted(words | near):
            assert test(w) == (match(w) is not None), (regex, w)
        used_regex += getattr(test, "__name__", "") == "<lambda>" and "match" in test.__code__.co_freevars
    assert 0 < used_regex < 20  # only the few unusual wildcard terms still use a regex


def _brute_force_mask(vocab, terms, kind):
    """The type (or one of its compound parts) fully matches a term regex: every string tested with `re`
    (a lone ``*``, e.g. in the phrase ``seit * Jahren``, stands for any word)."""
    out = np.zeros(vocab.ntypes, dtype=bool)
    for term in terms:
        for regex, _, _ in framing._specs(term, kind):
            if regex == framing._ANY_WORD:
                out[:] = True
                continue
            rx = re.compile(regex)
            for s, i in zip(vocab.strings, vocab.ids.tolist()):
                if rx.fullmatch(s):
                    out[i] = True
    return out


def _check_masks(texts):
    words = framing._words(texts, None)
    vocab = framing._Vocabulary(words)
    checked = 0
    for name in codebook.available():
        book = codebook.load(name)
        groups = [(book.negation.words, "word")]
        for f in book.frames:
            for ind in f.all_indicators:
                if ind.type in ("lemma", "word", "glob"):
                    groups.append((ind.terms, ind.type))
                else:
                    groups += [((w,), "glob") for t in ind.terms + ind.near for w in t.split(" ")]
        for terms, kind in groups:
            got = vocab.mask(terms, kind)
            assert np.array_equal(got, _brute_force_mask(vocab, terms, kind)), (name, terms, kind)
            assert vocab.mask(terms, kind) is got  # kept per vocabulary
            checked += int(got.sum())
    return checked


def test_vocabulary_masks_equal_brute_force_regex_matching_on_the_seeds():
    _, s = _seeds()
    assert _check_masks(framing._texts(s, "text")) > 100


def test_vocabulary_masks_equal_brute_force_regex_matching_on_10kgnad(shared_data, tmp_path):
    _, s = _gnad(shared_data, tmp_path, n=25)
    assert _check_masks(framing._texts(s, "text")) > 500


def _pieces(texts, book):
    words = framing._words(texts, None)
    vocab = framing._Vocabulary(words)
    negated = framing._negated(words, vocab, book)
    return [framing._match_indicator(words, vocab, ind, f.id, item, negated)
            for f in book.frames for item, inds in [("", f.indicators)] + [(i.id, i.indicators) for i in f.items]
            for ind in inds]


def _hits_by_pandas(pieces, texts):
    """The evidence table as framing built it before it worked on arrays (pandas drop_duplicates and sort)."""
    sizes = np.array([len(p["row"]) for p in pieces], dtype=np.int64)
    columns = {}
    for name, value in pieces[0].items():
        if isinstance(value, np.ndarray):
            columns[name] = np.concatenate([p[name] for p in pieces])
        else:
            values = np.empty(len(pieces), dtype=object)
            values[:] = [p[name] for p in pieces]
            columns[name] = np.repeat(values, sizes)
    hits = pd.DataFrame(columns).drop_duplicates(["row", "frame", "item", "indicator", "start", "end"])
    text_arr = texts.to_numpy()
    hits["match"] = [text_arr[r][s:e] for r, s, e in zip(hits["row"], hits["start"], hits["end"])]
    spans = framing._quote_spans(texts)
    quoted = np.zeros(len(hits), dtype=bool)
    for k, (r, s) in enumerate(zip(hits["row"].to_numpy(), hits["start"].to_numpy())):
        quoted[k] = any(a <= s < b for a, b in spans.get(int(r), ()))
    hits["quoted"] = quoted
    counted = ~((hits["_negation"].to_numpy() == "drop") & hits["negated"].to_numpy())
    counted &= ~((hits["_quotes"].to_numpy() == "drop") & quoted)
    counted &= ~((hits["_quotes"].to_numpy() == "only") & ~quoted)
    hits["counted"] = counted
    hits = hits.sort_values(["row", "start", "frame", "indicator"], kind="stable").reset_index(drop=True)
    return hits[framing.EVIDENCE_COLUMNS]


def _check_hits(s):
    texts = framing._texts(s, "text")
    n = 0
    for name in codebook.available():
        pieces = _pieces(texts, codebook.load(name))
        # the same matches twice and a repeated phrase hit: repeats are dropped, the first kept
        pieces = pieces + [dict(pieces[0])] + [dict(p, negated=~p["negated"]) for p in pieces[:3]]
        got = framing._hits_table(pieces, texts)
        pd.testing.assert_frame_equal(got, _hits_by_pandas(pieces, texts), check_exact=True)
        n += len(got)
    return n


def test_hits_table_equals_the_pandas_evidence_pipeline():
    _, s = _seeds()
    assert _check_hits(s) > 100
    empty = pd.DataFrame({"text": ["", "Nichts."]})
    pieces = _pieces(framing._texts(empty, "text"), codebook.load("entman"))
    pd.testing.assert_frame_equal(framing._hits_table(pieces, empty["text"]), _hits_by_pandas(pieces, empty["text"]))


def test_hits_table_equals_the_pandas_evidence_pipeline_on_10kgnad(shared_data, tmp_path):
    _, s = _gnad(shared_data, tmp_path)
    assert _check_hits(s) > 500


def _code_by_setitem(data, book, hits):
    """code()'s columns as it set them before: one pandas selection and one column assignment at a time."""
    out = data.copy()
    out = out.drop(columns=[f for f in book.frame_ids if f in data.columns])
    counted = hits[hits["counted"]]
    n = len(data)
    for frame in book.frames:
        fh = counted[counted["frame"] == frame.id]
        if frame.items:
            yes = np.zeros(n, dtype=np.int64)
            for item in frame.items:
                col = np.zeros(n, dtype=bool)
                col[fh.loc[fh["item"] == item.id, "row"].unique()] = True
                out[f"{frame.id}_{item.id}"] = col
                yes += col
            out[f"{frame.id}_score"] = yes / len(frame.items)
            out[frame.id] = yes >= frame.min_items
        else:
            count = np.bincount(fh["row"].to_numpy(dtype=np.int64), minlength=n)[:n] if len(fh) else np.zeros(n)
            out[frame.id] = count >= frame.min_hits
    ev = [""] * n
    if len(counted):
        labels = counted["frame"] + ": " + counted["match"] + " [" + counted["start"].astype(str) + ":" + \
            counted["end"].astype(str) + "]"
        labelled = pd.DataFrame({"row": counted["row"].to_numpy(), "label": labels.to_numpy()}).drop_duplicates()
        for r, part in labelled.groupby("row", sort=False):
            ev[int(r)] = "; ".join(part["label"])
    out["evidence"] = ev
    return out


def test_code_equals_column_by_column_assignment():
    articles, s = _seeds()
    cases = [(s, "tech-partnership"), (s, "entman"), (articles, "generic-frames"), (articles, "hedging"),
             (framing.code(articles, codebook="generic-frames"), "generic-frames"),  # its item columns exist
             (s.set_index(pd.Index(range(500, 500 + len(s)))), "tech-partnership")]
    for data, name in cases:
        book = codebook.load(name)
        got = framing.code(data, codebook=name)
        want = _code_by_setitem(data, book, framing._match_texts(framing._texts(data, "text"), book, None))
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        assert got.attrs.keys() == data.attrs.keys() and list(got.columns) == list(want.columns)
    assert articles.attrs  # the articles carry attrs: they are kept


def test_match_memo_gives_equal_independent_copies():
    _, s = _seeds()
    texts, book = framing._texts(s, "text"), codebook.load("tech-partnership")
    first = framing._match(texts, book)
    first.loc[0, "match"] = "changed"
    second = framing._match(texts, book)
    assert second is not first and second.loc[0, "match"] != "changed"
    pd.testing.assert_frame_equal(second, framing._match_texts(texts, book, None), check_exact=True)
    # a different text is a different key
    other = texts.copy()
    other.iloc[0] = other.iloc[0] + " Preis"
    changed = framing._match(other, book)
    assert len(changed) > len(second)
    pd.testing.assert_frame_equal(changed, framing._match_texts(other, book, None), check_exact=True)


def _general(monkeypatch, *names):
    """Switch the named fast paths off (they return None, so the general code runs)."""
    for name in names:
        monkeypatch.setattr(framing, name, lambda *args, **kwargs: None)


def _check_fast_paths(monkeypatch, articles, s):
    c = framing.code(s)
    ts = s[s["part"] != "caption"]
    calls = {
        "profile": lambda: framing.profile(c),
        "profile_parts": lambda: framing.profile(c, by=["outlet", "part"], exclude_parts=None),
        "profile_doc": lambda: framing.profile(c, by="doc_id"),
        "article_profile": lambda: framing.article_profile(c),
        "examples": lambda: framing.examples(c, by="outlet", n=2),
        "examples_part": lambda: framing.examples(c, by="part", n=3),
        "markers": lambda: framing.markers(ts),
        "markers_parts": lambda: framing.markers(s, by=["outlet", "part"]),
        "actor_summary": lambda: framing.actor_summary(s),
        "actor_summary_part": lambda: framing.actor_summary(s, by="part"),
        "actor_frames": lambda: framing.actor_frames(c),
        "entman_profile": lambda: framing.profile(framing.code(s, codebook="entman"), codebook="entman"),
    }
    fast = {k: f() for k, f in calls.items()}
    with monkeypatch.context() as m:
        _general(m, "_profile_by_group", "_article_profile_by_group", "_examples_by_group", "_markers_by_group",
                 "_actor_summary_by_units", "_actor_frames_by_units")
        for k, f in calls.items():
            pd.testing.assert_frame_equal(fast[k], f(), check_exact=True, obj=k)
    return fast


def test_fast_paths_equal_the_general_code_on_the_seeds(monkeypatch):
    fast = _check_fast_paths(monkeypatch, *_seeds())
    assert len(fast["actor_summary"]) > 5 and fast["markers"]["n"].sum() > 5


def test_fast_paths_equal_the_general_code_on_10kgnad(shared_data, tmp_path, monkeypatch):
    fast = _check_fast_paths(monkeypatch, *_gnad(shared_data, tmp_path))
    assert fast["article_profile"]["mean_share"].gt(0).sum() > 10  # shares averaged over many articles


def test_fast_paths_on_odd_groups(monkeypatch):
    data = _toy().assign(outlet=[3, 3, 1, 2, 2], text=["Leica und Sony", "Huawei", "Apple Leica", "Zeiss", "Sony"])
    data.loc[2, "part"] = "caption"
    c = framing.code(data)
    calls = [lambda: framing.profile(c), lambda: framing.article_profile(c), lambda: framing.examples(c, n=1),
             lambda: framing.actor_summary(data), lambda: framing.actor_frames(c), lambda: framing.markers(data)]
    fast = [f() for f in calls]
    assert fast[0]["outlet"].dtype == np.int64 and fast[0]["outlet"].tolist()[0] == 2
    _general(monkeypatch, "_profile_by_group", "_article_profile_by_group", "_examples_by_group", "_markers_by_group",
             "_actor_summary_by_units", "_actor_frames_by_units")
    for got, f in zip(fast, calls):
        pd.testing.assert_frame_equal(got, f(), check_exact=True)


def _sources_by_pandas(data):
    """sources() as it was written with pandas (str.contains, iloc per row, groupby of actors, sort_values)."""
    texts = framing._texts(data, "text")
    keys = [k for k in ("doc_id", "sentence_id", "outlet", "part") if k in data.columns]
    keyframe = data[keys].reset_index(drop=True)
    found = actors.mentions(pd.DataFrame({"doc_id": np.arange(len(texts)), "sentence_id": 0, "text": texts.to_numpy()}))
    who = found.groupby("doc_id")["actor"].agg(lambda s: ", ".join(dict.fromkeys(s))).to_dict() if len(found) else {}
    rows = []
    for name, rx in framing.SOURCE_CUES.items():
        compiled = re.compile(rx, re.IGNORECASE)
        for r in np.flatnonzero(texts.str.contains(compiled, regex=True).to_numpy(dtype=bool)):
            rows.append({**keyframe.iloc[r].to_dict(), "source": name, "cue": compiled.search(texts.iat[r]).group(0),
                         "actors": who.get(int(r), ""), "text": texts.iat[r], "_row": int(r)})
    out = pd.DataFrame(rows, columns=[*keys, "source", "cue", "actors", "text", "_row"])
    return out.sort_values(["_row", "source"], kind="stable").drop(columns="_row").reset_index(drop=True)


def test_quotes_and_sources_equal_the_pandas_versions(monkeypatch):
    _, s = _seeds()
    ts = s[s["part"] != "caption"]
    assert len(framing.sources(ts)) > 5
    pd.testing.assert_frame_equal(framing.sources(ts), _sources_by_pandas(ts), check_exact=True)
    quotes = framing.quotes(ts)
    assert len(quotes) > 0
    monkeypatch.setattr(framing, "_key_rows", lambda kf, rows: {r: kf.iloc[r].to_dict() for r in rows})
    pd.testing.assert_frame_equal(quotes, framing.quotes(ts), check_exact=True)
    pd.testing.assert_frame_equal(framing.sources(ts), _sources_by_pandas(ts), check_exact=True)


def _finditer_all(pattern, texts):
    return [[(m.lastgroup, m.start(), m.end()) for m in pattern.finditer(t)] for t in texts]


def test_actor_regex_with_one_word_start_check_finds_the_same_mentions(shared_data):
    texts = corpus.sentences(corpus.load(paths.SEEDS))["text"].tolist()
    texts += pd.read_csv(shared_data / "10kgnad" / "articles_test.tsv", sep="\t")["text"].head(300).tolist()
    texts += ["Leica-Kamera, Leica_X, XLeica, Mate 60 Pro, Find X7, vivo X100, Vivo-Handy, iPhone15 OPPO."]
    patterns = tuple(actors.table()["pattern"])
    plain = re.compile("|".join(f"(?P<a{i}>(?<![\\w-]){p}(?![^\\W_]))" for i, p in enumerate(patterns)))
    combined = actors._combined(patterns)
    assert combined.pattern != plain.pattern
    found = _finditer_all(combined, texts)
    assert found == _finditer_all(plain, texts) and sum(map(len, found)) > 100
    # a pattern with "|" keeps the alternation as written
    assert actors._combined(("Leica|Zeiss", "Sony")).pattern.startswith("(?P<a0>(?<![\\w-])Leica|Zeiss")


def _png(ax):
    buf = BytesIO()
    ax.figure.savefig(buf, format="png", dpi=60)
    return buf.getvalue()


def test_plots_draw_the_same_figures_as_with_pandas_tables(monkeypatch):
    from analysis.plot import framing as plot_framing

    _, s = _seeds()
    c = framing.code(s)
    human = reliability.read_sheet(paths.PACKAGE_DATA / "framing" / "seeds_human_coding.csv")
    tables = dict(profile=framing.profile(c), parts=framing.profile(c, by=["outlet", "part"], exclude_parts=None),
                  cooc=framing.cooccurrence(c), actors=framing.actor_frames(c), markers=framing.markers(s))
    draw = [
        lambda: plot.frame_heatmap(tables["profile"]),
        lambda: plot.frame_heatmap(tables["parts"], rows=["outlet", "part"]),
        lambda: plot.frame_profile(tables["profile"]),
        lambda: plot.frame_cooccurrence(tables["cooc"]),
        lambda: plot.frame_cooccurrence(tables["cooc"], value="jaccard"),
        lambda: plot.frame_actors(tables["actors"], top=4),
        lambda: plot.hedge_rates(tables["markers"]),
        lambda: plot.frame_validation(reliability.agreement(c, human, n_boot=50)),
    ]
    try:
        fast = [_png(f()) for f in draw]
        plot.close_all()
        for name in ("_profile_cells", "_profile_bars", "_grid", "_top_actors", "_marker_rates"):
            monkeypatch.setattr(plot_framing, name, lambda *args, **kwargs: None)
        assert [_png(f()) for f in draw] == fast
    finally:
        plot.close_all()
