"""Terms: lemmas, stopwords, numbers/URLs, compounds, frequencies, TF-IDF and KWIC on literal corpora."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis import terms, tokens


def _tokens(rows):
    """rows: (doc_id, outlet, part, sentence_id, text)."""
    sents = pd.DataFrame(rows, columns=["doc_id", "outlet", "part", "sentence_id", "text"])
    return tokens.tokenize(sents)


@pytest.fixture(scope="module")
def toks():
    return _tokens(
        [
            ("d1", "a", "headline", 0, "Kameras für Smartphones"),
            ("d1", "a", "body", 1, "Der Kamerahersteller baut 3 Kameras und eine Kamera."),
            ("d1", "a", "body", 2, "Mehr unter https://example.org/leica heute."),
            ("d2", "b", "body", 0, "Doch die Firmen melden US-Restriktionen, doch keine Kamera."),
        ]
    )


def test_lemmas_of_german_word_forms():
    lem = terms.lemmatize(["Kameras", "Firmen", "US-Restriktionen", "Flagship-Smartphone", "Smartphones", "CEO", "X5", "gegangen"])
    got = dict(zip(lem["word"], lem["lemma"]))
    assert got["Kameras"] == "Kamera"
    assert got["Firmen"] == "Firma"
    assert got["US-Restriktionen"] == "US-Restriktion"  # first part kept, last part lemmatised
    assert got["Flagship-Smartphone"] == "Flagship-Smartphone"  # not HanTa's truncated "Smartphon"
    assert got["Smartphones"] == "Smartphone"
    assert got["CEO"] == "CEO" and got["X5"] == "X5"
    assert got["gegangen"] == "gehen"


def test_lemmatize_is_cached_per_form():
    terms.lemmatize(["Kameras"])
    assert "Kameras" in terms._LEMMAS
    before = len(terms._LEMMAS)
    terms.lemmatize(["Kameras", "Kameras"])
    assert len(terms._LEMMAS) == before


def test_stopwords_are_editable(tmp_path):
    default = terms.stopwords()
    assert {"der", "und", "nicht"} <= default
    assert "kamera" not in default
    custom = terms.stopwords(extra=["Leica"], keep=["nicht"])
    assert "leica" in custom and "nicht" not in custom
    f = tmp_path / "stop.txt"
    f.write_text("# mine\nKamera\nbaut  # verb\n", encoding="utf-8")
    assert terms.stopwords(f) == frozenset({"kamera", "baut"})
    with pytest.raises(FileNotFoundError, match="one word per line"):
        terms.stopwords(tmp_path / "missing.txt")


def test_annotate_marks_terms_stopwords_and_running_words(toks):
    ann = terms.annotate(toks)
    row = ann[ann["token"] == "Der"].iloc[0]
    assert row["stopword"] and row["term"] is None
    assert ann.loc[ann["kind"] == "punct", "term"].isna().all()
    assert not ann.loc[ann["kind"] == "punct", "counted"].any()
    assert ann.loc[ann["kind"] == "number", "counted"].all()
    # sentence-initial "Doch" is read as the particle because "doch" occurs in lower case
    doch = ann[ann["token"] == "Doch"].iloc[0]
    assert doch["lemma"] == "doch" and doch["stopword"]


def test_numbers_and_urls(toks):
    drop = terms.frequencies(toks, by="outlet")
    assert not drop["term"].isin(["3", "<Zahl>", "<URL>"]).any()
    keep = terms.frequencies(toks, by="outlet", numbers="keep", urls="keep")
    assert {"3", "https://example.org/leica"} <= set(keep["term"])
    mask = terms.frequencies(toks, by="outlet", numbers="mask", urls="mask")
    assert {"<Zahl>", "<URL>"} <= set(mask["term"])
    with pytest.raises(ValueError, match="drop"):
        terms.frequencies(toks, numbers="delete")


def test_frequencies_by_hand(toks):
    f = terms.frequencies(toks, by="outlet")
    a = f[f["outlet"] == "a"].set_index("term")
    # running words of a: 3 + 8 (incl. the number 3) + 4 (incl. the URL) = 15
    assert a["total"].iat[0] == 15
    assert a.loc["Kamera", "n"] == 3
    assert a.loc["Kamera", "per_1000"] == pytest.approx(1000 * 3 / 15)
    assert a.loc["Kamera", "rank"] == 1
    b = f[f["outlet"] == "b"].set_index("term")
    assert b["total"].iat[0] == 8
    assert b.loc["US-Restriktion", "n"] == 1
    assert "doch" not in b.index  # stopword


def test_frequencies_any_grouping(toks):
    by_part = terms.frequencies(toks, by="part")
    assert set(by_part["part"]) == {"headline", "body"}
    head = by_part[by_part["part"] == "headline"].set_index("term")
    assert head.loc["Kamera", "n"] == 1 and head["total"].iat[0] == 3
    by_two = terms.frequencies(toks, by=["outlet", "doc_id"])
    assert list(by_two.columns[:3]) == ["outlet", "doc_id", "term"]
    with pytest.raises(KeyError, match="available"):
        terms.frequencies(toks, by="rubric")


def test_units(toks):
    lower = terms.frequencies(toks, by="outlet", unit="lower")
    assert "kameras" in set(lower["term"]) and "Kamera" not in set(lower["term"])
    surface = terms.frequencies(toks, by="outlet", unit="token", stopwords=False)
    assert {"Doch", "doch"} <= set(surface["term"])


def test_compounds_count_toward_their_parts(toks):
    plain = terms.frequencies(toks, by="outlet").query("outlet == 'a'").set_index("term")
    split = terms.frequencies(toks, by="outlet", compounds="split").query("outlet == 'a'").set_index("term")
    add = terms.frequencies(toks, by="outlet", compounds="add").query("outlet == 'a'").set_index("term")
    assert plain.loc["Kamera", "n"] == 3
    assert split.loc["Kamera", "n"] == 4 and "Kamerahersteller" not in split.index
    assert split.loc["Hersteller", "n"] == 1
    assert add.loc["Kamera", "n"] == 4 and add.loc["Kamerahersteller", "n"] == 1
    parts = terms.compound_parts(["Kamerahersteller", "Smartphonehersteller", "Unternehmen", "Leica-Punkt"], ["NN"] * 4)
    got = dict(zip(parts["lemma"], parts["parts"]))
    assert got["Kamerahersteller"] == ("Kamera", "Hersteller")
    assert got["Smartphonehersteller"] == ("Smartphone", "Hersteller")  # split by word frequencies
    assert got["Unternehmen"] == ()
    assert got["Leica-Punkt"] == ("Leica", "Punkt")


def test_tfidf_by_hand():
    t = _tokens([("d1", "a", "body", 0, "Kamera Kamera Licht"), ("d2", "a", "body", 0, "Kamera Ton")])
    out = terms.tfidf(t, by="doc_id", unit="lower", stopwords=False, smooth=False)
    r = out.set_index(["doc_id", "term"])
    assert r.loc[("d1", "kamera"), "tfidf"] == pytest.approx(0.0)  # in every document
    assert r.loc[("d1", "licht"), "tf"] == pytest.approx(1 / 3)
    assert r.loc[("d1", "licht"), "tfidf"] == pytest.approx(1 / 3 * math.log(2))
    smooth = terms.tfidf(t, by="doc_id", unit="lower", stopwords=False).set_index(["doc_id", "term"])
    assert smooth.loc[("d2", "ton"), "idf"] == pytest.approx(math.log(3 / 2) + 1)


def test_kwic_glob_regex_lemma_and_phrase(toks):
    k = terms.kwic(toks, "Kamera*", window=2)
    assert k["keyword"].tolist() == ["Kameras", "Kamerahersteller", "Kameras", "Kamera", "Kamera"]
    assert list(k.columns[:4]) == ["doc_id", "outlet", "sentence_id", "token_id"]
    first = k.iloc[1]
    assert (first["left"], first["keyword"], first["right"]) == ("Smartphones Der", "Kamerahersteller", "baut 3")
    r = terms.kwic(toks, r"Kameras?", match="regex")
    assert len(r) == 4
    lem = terms.kwic(toks, "Kamera", on="lemma", window=1)
    assert lem["keyword"].tolist() == ["Kameras", "Kameras", "Kamera", "Kamera"]
    phrase = terms.kwic(toks, "eine Kamera", window=1)
    assert phrase["keyword"].tolist() == ["eine Kamera"] and phrase["right"].iat[0] == "."
    # offsets point at the article text
    assert (k["end"] - k["start"]).tolist() == [len(w) for w in k["keyword"]]
    with pytest.raises(ValueError, match="glob"):
        terms.kwic(toks, "x", match="fuzzy")


def test_kwic_window_stays_in_document(toks):
    k = terms.kwic(toks, "Doch", window=3, case=True)
    assert k["left"].iat[0] == ""  # d2 starts here: nothing from d1 leaks in


def test_large_table_is_lemmatised_once_per_type():
    text = "Die Kameras der Firmen zeigen Kameras."
    rows = [(f"d{i}", "a" if i % 2 else "b", "body", 0, text) for i in range(2000)]
    t = _tokens(rows)
    ann = terms.annotate(t)
    assert len(ann) == len(t)
    assert (ann.loc[ann["token"] == "Kameras", "lemma"] == "Kamera").all()
    f = terms.frequencies(t, by="outlet")
    assert f.set_index(["outlet", "term"]).loc[("a", "Kamera"), "n"] == 2000
    assert np.isclose(f["per_1000"].max(), 1000 * 2 / 6)


def test_disk_cache_round_trip(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDIA_ANALYSIS_CACHE", str(tmp_path))
    monkeypatch.setattr(terms, "LEMMA_TABLE", None)  # HanTa computes, the disk cache keeps
    monkeypatch.setattr(terms, "_LEMMAS", {})
    monkeypatch.setattr(terms, "_LOADED", set())
    # forms an earlier test took from the shipped table are never written to the disk cache
    monkeypatch.setattr(terms, "_FROM_TABLE", set())
    first = terms.lemmatize(["Kameras", "Firmen"])
    files = list(tmp_path.glob("terms-lemmas-*.parquet"))
    assert len(files) == 1
    monkeypatch.setattr(terms, "_LEMMAS", {})
    monkeypatch.setattr(terms, "_LOADED", set())
    monkeypatch.setattr(terms, "_lemma_one", lambda w: (_ for _ in ()).throw(AssertionError("not cached")))
    again = terms.lemmatize(["Kameras", "Firmen"])
    pd.testing.assert_frame_equal(first, again)
    monkeypatch.setenv("MEDIA_ANALYSIS_CACHE", "off")
    assert terms.cache_dir() is None


def test_prepare_lemmas_looks_up_without_hanta(seed_tokens, monkeypatch):
    """prepare_lemmas() takes what the shipped table knows and leaves the rest to lemmatize(), same answers."""
    monkeypatch.setenv("MEDIA_ANALYSIS_CACHE", "off")
    monkeypatch.setattr(terms, "_LEMMAS", {})
    monkeypatch.setattr(terms, "_FROM_TABLE", set())
    forms = list(pd.unique(seed_tokens.query("kind == 'word'")["token"]))
    forms += ["Xiaomileicaoptikpartnerschaften", "Leica-Kamerasensoren"]  # surely not in the table
    expected = terms.lemmatize(forms)
    monkeypatch.setattr(terms, "_LEMMAS", {})
    monkeypatch.setattr(terms, "_FROM_TABLE", set())
    real_lemma_one = terms._lemma_one
    monkeypatch.setattr(terms, "_lemma_one", lambda w: (_ for _ in ()).throw(AssertionError(f"HanTa ran on {w}")))
    unknown = terms.prepare_lemmas(forms)
    known = set(terms._LEMMAS)
    assert 0 < len(unknown) < len(forms) / 4 and set(forms) - known == set(unknown)
    assert "Xiaomileicaoptikpartnerschaften" not in known
    monkeypatch.setattr(terms, "_lemma_one", real_lemma_one)
    pd.testing.assert_frame_equal(terms.lemmatize(forms), expected)


def test_background_lemmas_equal_serial(monkeypatch):
    """A BackgroundLemmas process gives _lemma_one's answers; what it has not finished is dropped at close()."""
    import time

    monkeypatch.setenv("MEDIA_ANALYSIS_CACHE", "off")
    monkeypatch.setattr(terms, "_LEMMAS", {})
    monkeypatch.setattr(terms, "_UNSAVED", set())
    words = ["Kursmanipulationen", "Vukojevic", "psychiatrieren", "Leica-Kamerasensoren", "gegangen"]
    expected = dict(zip(words, terms._lemma_many(words)))
    monkeypatch.setattr(terms, "_LEMMAS", {})
    background = terms.BackgroundLemmas(batch=2)
    background.submit(words)
    deadline = time.monotonic() + 120
    while background.done < len(words) and time.monotonic() < deadline:
        background.collect()
        time.sleep(0.05)
    assert background.done == len(words)
    assert {w: terms._LEMMAS[w] for w in words} == expected
    assert terms._UNSAVED == set(words)  # to be written to the disk cache by the next lemmatize()
    background.submit(["Xiaomileicaoptik"] * 3)
    background.close()  # drops what is not done
    assert background.done <= len(words) + 3


def test_parallel_lemmatising_matches_serial(monkeypatch):
    words = [f"Kamera{i}s" for i in range(30)] + ["Firmen", "gegangen", "Kameras"]
    monkeypatch.setenv("MEDIA_ANALYSIS_CACHE", "off")
    monkeypatch.setattr(terms, "_LEMMAS", {})
    monkeypatch.setattr(terms, "PARALLEL_MIN", 10)
    par = terms._run_many(terms._lemma_many, words, chunk=8)
    assert par == terms._lemma_many(words)


def test_plot_term_map(toks):
    from analysis import plot

    f = terms.frequencies(toks, by="outlet")
    ax = plot.term_map(f, x="a", y="b")
    assert "Term map: a vs b" in {ax.get_title(loc=loc) for loc in ("left", "center", "right")}  # the style may left-align titles
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "Kamera" in texts
    assert len(ax.collections[0].get_offsets()) == f["term"].nunique()
    with pytest.raises(ValueError, match="known"):
        plot.term_map(f, x="a", y="zz")


# ---------------------------------------------------------------------------------------------
# the shipped lemma table: a fast path that must give exactly HanTa + rules per form

#: Hand-picked forms: nouns, verbs, adjectives, ordinals, compounds (closed and hyphenated),
#: capitalised sentence starts of verbs and function words, umlauts and ß, acronyms, digits, names.
HAND_PICKED = [
    "Kameras", "Kamera", "Firmen", "Smartphones", "Smartphone", "Partnerschaften", "Häuser", "Männer",
    "Durchbrüche", "Unternehmen", "unternehmen", "Essen", "essen", "Erfolg", "Augenwischerei",
    "gegangen", "punkten", "entwickelte", "entwickelt", "zeigen", "Zeigen", "zeigt", "kommen", "Kommen",
    "ging", "sind", "war", "wurde", "hat", "erste", "Erste", "ersten", "dritte", "neuen", "Neuen",
    "gemeinsam", "größte", "Größe", "Straße", "Straßen", "Äpfel", "Über", "über", "Öl", "ökonomisch",
    "Doch", "doch", "Einige", "einige", "Die", "die", "Der", "Auch", "Im", "Am",
    "Kamerahersteller", "Smartphonehersteller", "Partnerschaft", "Bundesregierung", "Regierungschefs",
    "Flagship-Smartphone", "US-Restriktionen", "Leica-Kamera", "Sub-Marke", "E-Mails", "Corona-Krise",
    "Xiaomi", "Leica", "Huawei", "Marius", "Berlin", "Deutschlands",
    "CEO", "AG", "X5", "12MP", "a", "A", "ß",
]


def _reference(words, monkeypatch):
    """Per-form HanTa + rules, as before the table: no table, no caches."""
    monkeypatch.setattr(terms, "LEMMA_TABLE", None)
    monkeypatch.setattr(terms, "_LEMMAS", {})
    monkeypatch.setattr(terms, "_FROM_TABLE", set())
    monkeypatch.setattr(terms, "PARALLEL_MIN", 10**9)
    return terms.lemmatize(words)


def _fast(words, monkeypatch):
    """The shipped path, cold: the table, then HanTa for what it lacks."""
    monkeypatch.setattr(terms, "LEMMA_TABLE", terms.paths.PACKAGE_DATA / "terms" / "lemma_table.parquet")
    monkeypatch.setattr(terms, "_LEMMAS", {})
    monkeypatch.setattr(terms, "_FROM_TABLE", set())
    return terms.lemmatize(words)


def test_lemma_table_is_shipped_and_current():
    import pyarrow.parquet as pq

    path = terms.paths.PACKAGE_DATA / "terms" / "lemma_table.parquet"
    meta = {k.decode(): v.decode() for k, v in pq.read_schema(path).metadata.items()}
    want = terms._lemma_table_versions()
    assert meta["rules_version"] == want["rules_version"] and meta["hanta"] == want["hanta"], meta
    assert meta["wordfreq"] == want["wordfreq"], meta
    assert meta["rules_digest"] == want["rules_digest"], (
        "the lemma rules in analysis/terms.py changed since the table was built: bump terms.RULES_VERSION and rebuild "
        "it with `.venv/bin/python analysis/data/terms/build_lemma_table.py`"
    )
    assert terms.LEMMA_TABLE == path and terms._lemma_table() is not None
    assert path.stat().st_size < 5_000_000
    words = terms._lemma_table()["words"].to_pylist()
    assert words == sorted(set(words))  # sorted and unique: binary search relies on it


def test_lemma_table_equals_hanta_on_hand_picked_forms(monkeypatch):
    monkeypatch.setenv("MEDIA_ANALYSIS_CACHE", "off")
    ref = _reference(HAND_PICKED, monkeypatch)
    fast = _fast(HAND_PICKED, monkeypatch)
    pd.testing.assert_frame_equal(fast, ref)
    # the table really answered: most of these forms, and the last part of hyphenated ones
    assert len(terms._FROM_TABLE & set(HAND_PICKED)) >= 50
    assert {"Kameras", "Zeigen", "Größe", "Äpfel", "Doch", "gegangen"} <= terms._FROM_TABLE
    assert {"Restriktionen", "Kamera"} <= terms._FROM_TABLE  # from US-Restriktionen, Leica-Kamera
    got = dict(zip(fast["word"], fast["lemma"]))
    assert got["Kameras"] == "Kamera" and got["US-Restriktionen"] == "US-Restriktion" and got["gegangen"] == "gehen"


def test_lemma_table_equals_hanta_on_real_forms(shared_data, monkeypatch):
    """Thousands of distinct forms from 10kGNAD articles, as annotate() hands them to lemmatize()."""
    import random

    from analysis import corpus

    monkeypatch.setenv("MEDIA_ANALYSIS_CACHE", "off")
    arts = corpus.load(shared_data / "10kgnad" / "articles_test.tsv", outlet="category").iloc[::10].head(100)
    toks = tokens.tokenize(corpus.sentences(arts))
    seen = []
    real = terms.lemmatize

    def capture(words):
        seen.extend(words)
        return pd.DataFrame({"word": list(words), "lemma": list(words), "pos": "XY"})

    monkeypatch.setattr(terms, "lemmatize", capture)
    terms.annotate(toks, stopwords=False)
    monkeypatch.setattr(terms, "lemmatize", real)
    forms = list(dict.fromkeys(seen))
    assert len(forms) > 5000
    # every form the table answers, compared with HanTa for a random 2,500 of them plus all hyphenated forms
    monkeypatch.setattr(terms, "LEMMA_TABLE", terms.paths.PACKAGE_DATA / "terms" / "lemma_table.parquet")
    hits = terms._from_table(forms)  # one hash join
    assert len(hits) > 0.6 * len(forms)
    few = forms[: terms._BISECT_MAX - 1]  # binary search: the same answers
    assert terms._from_table(few) == {f: hits[f] for f in few if f in hits}
    rng = random.Random(8)
    sample = rng.sample(sorted(hits), 2500) + [f for f in forms if "-" in f][:300] + rng.sample(forms, 200)
    sample = list(dict.fromkeys(sample))
    ref = _reference(sample, monkeypatch)
    fast = _fast(sample, monkeypatch)
    assert len(terms._FROM_TABLE) >= 2500
    pd.testing.assert_frame_equal(fast, ref)


def test_lemma_table_is_used_and_guarded(tmp_path, monkeypatch):
    """A table entry is what lemmatize returns (also for hyphenated last parts); a table built with
    other versions is ignored; table answers are not written to the user's disk cache."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = {"word": ["kameras"], "l_cut": [0], "l_add": [""], "l_case": [0], "l_pos": ["XY"],
            "c_cut": [7], "c_add": ["Testlemma"], "c_case": [0], "c_pos": ["NN"]}
    types = {"l_cut": pa.uint16(), "c_cut": pa.uint16(), "l_case": pa.uint8(), "c_case": pa.uint8()}
    table = pa.table({k: pa.array(v, type=types.get(k, pa.string())) for k, v in rows.items()})
    good = tmp_path / "good.parquet"
    pq.write_table(table.replace_schema_metadata(terms._lemma_table_versions()), good)
    stale = tmp_path / "stale.parquet"
    pq.write_table(table.replace_schema_metadata({**terms._lemma_table_versions(), "hanta": "0.0"}), stale)
    monkeypatch.setenv("MEDIA_ANALYSIS_CACHE", str(tmp_path))
    for attr, value in (("_LEMMAS", {}), ("_FROM_TABLE", set()), ("_LOADED", set()), ("_TABLE", None)):
        monkeypatch.setattr(terms, attr, value)
    monkeypatch.setattr(terms, "LEMMA_TABLE", good)
    got = terms.lemmatize(["Kameras", "US-Kameras", "Firmen"])
    assert got["lemma"].tolist() == ["Testlemma", "US-Testlemma", "Firma"]
    saved = pd.read_parquet(next(tmp_path.glob("terms-lemmas-*.parquet")))
    assert set(saved["word"]) == {"US-Kameras", "Firmen"}  # computed ones only
    for attr, value in (("_LEMMAS", {}), ("_FROM_TABLE", set()), ("_LOADED", {"lemmas"}), ("_TABLE", None)):
        monkeypatch.setattr(terms, attr, value)
    monkeypatch.setattr(terms, "LEMMA_TABLE", stale)
    assert terms._lemma_table() is None
    assert terms.lemmatize(["Kameras"])["lemma"].tolist() == ["Kamera"]


def test_lemma_table_decoding():
    assert terms._decode_lemma("Kameras", 1, "", 0) == "Kamera"
    assert terms._decode_lemma("Zeigen", 6, "zeigen", 0) == "zeigen"
    assert terms._decode_lemma("Zeigen", 0, "", 2) == "zeigen"
    assert terms._decode_lemma("punkten", 0, "", 1) == "Punkten"
    assert terms._decode_lemma("Häuser", 5, "aus", 0) == "Haus"


def test_lemma_table_lookup_paths_agree_and_survive_odd_strings():
    few = ["Kameras", "Straße", "İstanbul", "x\udc80y", "ẞ", "zeigen"]
    got = terms._from_table(few)  # binary search
    many = terms._from_table(few * (terms._BISECT_MAX // len(few) + 1))  # hash join, falls back on the surrogate
    assert got == many and got["Kameras"] == ("Kamera", "NN") and "x\udc80y" not in got
    assert "İstanbul" not in got  # its lower case is not a table word with a capital


# ---------------------------------------------------------------------------------------------
# fast paths, checked against the computations they replaced, on the seed articles and 10kGNAD


def _explode_compounds_pandas(rows: pd.DataFrame, compounds):
    """Term occurrences with compounds split or added, as frequencies() computed them with pandas."""
    if compounds is None:
        return rows
    nouns = rows["pos"].fillna("").str.startswith("NN").to_numpy() & rows["lemma"].notna().to_numpy()
    cand = rows.loc[nouns, ["lemma", "pos"]].drop_duplicates("lemma")
    table = terms.compound_parts(cand["lemma"], cand["pos"])
    table = table[table["parts"].map(len) > 0]
    if table.empty:
        return rows
    parts = table.set_index("lemma")["parts"]
    has = rows["lemma"].isin(parts.index).to_numpy() & nouns
    split_rows = rows[has].copy()
    split_rows["term"] = split_rows["lemma"].map(parts)
    split_rows = split_rows.explode("term")
    if compounds == "split":
        return pd.concat([rows[~has], split_rows]).sort_index(kind="stable")
    return pd.concat([rows, split_rows]).sort_index(kind="stable")


def _frequencies_pandas(data, *, by="outlet", unit="lemma", stopwords=True, numbers="drop", urls="drop", compounds=None, min_count=1):
    """terms.frequencies() as it was computed with pandas (groupby, merge, sort_values, rank)."""
    by = terms._as_list(by)
    ann = terms._annotated(terms.as_tokens(data, by=by), unit, stopwords, numbers, urls)
    totals = ann.loc[ann["counted"].to_numpy(), by].groupby(by, observed=True, sort=True).size().rename("total")
    slim = [c for c in dict.fromkeys([*by, "doc_id", "term", "lemma", "pos"]) if c in ann.columns]
    rows = _explode_compounds_pandas(ann.loc[ann["term"].notna().to_numpy(), slim], compounds)
    key = [*by, "term"]
    counts = rows.groupby(key, observed=True, sort=False).size().rename("n")
    if "doc_id" in rows.columns:
        ndocs = rows.drop_duplicates([*key, "doc_id"]).groupby(key, observed=True, sort=False).size().rename("n_docs")
    else:
        ndocs = pd.Series(1, index=counts.index, name="n_docs")
    out = pd.concat([counts, ndocs], axis=1).reset_index()
    out = out.merge(totals.reset_index(), on=by, how="left")
    out = out[out["n"] >= min_count]
    out["per_1000"] = 1000.0 * out["n"] / out["total"]
    out = out.sort_values([*by, "n", "term"], ascending=[True] * len(by) + [False, True], kind="stable")
    out["rank"] = out.groupby(by, observed=True)["n"].rank(method="min", ascending=False).astype(int)
    return out.reset_index(drop=True)[[*by, "term", "n", "n_docs", "total", "per_1000", "rank"]]


def assert_same_table(got: pd.DataFrame, want: pd.DataFrame) -> None:
    """Equal values, dtypes, index and attrs; object columns hold the same Python types."""
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert list(got.dtypes) == list(want.dtypes) and got.attrs == want.attrs
    for col in got.columns:
        if got[col].dtype == object:
            assert [type(v) for v in got[col]] == [type(v) for v in want[col]], col


@pytest.fixture(scope="module")
def seed_tokens():
    from analysis import corpus, paths

    articles = corpus.load(paths.SEEDS)
    return terms.annotate(tokens.tokenize(corpus.sentences(articles, parts=corpus.TEXT_PARTS)))


def _with(toks, **changes):
    """A copy of annotated tokens with some columns changed (the annotation is kept)."""
    out = toks.copy()
    for col, value in changes.items():
        out[col] = value(out) if callable(value) else value
    out.attrs = dict(toks.attrs)
    return out


def _frequency_cases(toks):
    cases = []
    for by in ("outlet", "doc_id", "part", ["outlet", "part"], ["part", "doc_id"], "sentence_id"):
        for compounds in (None, "split", "add"):
            for min_count in (1, 2, 3):
                cases.append((toks, {"by": by, "compounds": compounds, "min_count": min_count}))
    cases += [(toks, kw) for kw in ({"unit": "lower"}, {"unit": "token", "stopwords": False},
                                    {"numbers": "keep", "urls": "keep"}, {"numbers": "mask", "compounds": "split"})]
    outlets = list(dict.fromkeys(toks["outlet"]))
    # categories in another than sorted order, and unused ones
    cat = _with(toks, outlet=lambda t: pd.Categorical(t["outlet"], categories=["zz", *outlets[::-1], "aa"]))
    cases += [(cat, {"by": "outlet"}), (cat, {"by": ["part", "outlet"], "compounds": "add"})]
    missing = _with(toks, part=lambda t: t["part"].where(np.arange(len(t)) % 7 != 0))  # rows in no group
    cases += [(missing, {"by": "part"}), (missing, {"by": ["outlet", "part"], "compounds": "split"})]
    no_docs = toks.drop(columns="doc_id")
    no_docs.attrs = dict(toks.attrs)
    cases += [(no_docs, {"by": "outlet"}), (no_docs, {"by": "outlet", "compounds": "split"})]
    cases.append((_with(toks, term=None), {"by": "outlet"}))  # no terms at all
    cases.append((_with(toks, counted=lambda t: t["counted"] & (t["outlet"] != outlets[0])), {"by": "outlet"}))  # no total
    return cases


def test_frequencies_equal_the_pandas_computation(seed_tokens):
    cases = _frequency_cases(seed_tokens)
    for data, kw in cases:
        assert_same_table(terms.frequencies(data, **kw), _frequencies_pandas(data, **kw))
    nan_total = terms.frequencies(cases[-1][0], by="outlet")
    assert nan_total["total"].isna().any() and nan_total["total"].dtype == float


def test_frequencies_equal_the_pandas_computation_on_10kgnad(shared_data):
    from analysis import corpus

    arts = corpus.load(shared_data / "10kgnad" / "articles_test.tsv", outlet="category").iloc[::40].head(40)
    toks = terms.annotate(tokens.tokenize(corpus.sentences(arts)))
    assert toks["outlet"].nunique() > 3
    for kw in ({"by": "outlet"}, {"by": "outlet", "compounds": "split", "min_count": 2}, {"by": "doc_id", "compounds": "add"},
               {"by": ["outlet", "doc_id"], "unit": "lower", "stopwords": False}):
        assert_same_table(terms.frequencies(toks, **kw), _frequencies_pandas(toks, **kw))


def test_disk_cache_is_read_for_what_is_asked_and_kept_whole(tmp_path, monkeypatch):
    """A session reads only the entries it needs from the disk cache (the file once per version),
    and writing the file keeps the entries it never read."""
    monkeypatch.setenv("MEDIA_ANALYSIS_CACHE", str(tmp_path))
    monkeypatch.setattr(terms, "LEMMA_TABLE", None)  # HanTa computes, the disk cache keeps

    def new_session():
        for attr, value in (("_LEMMAS", {}), ("_FROM_TABLE", set()), ("_LOADED", set())):
            monkeypatch.setattr(terms, attr, value)

    new_session()
    monkeypatch.setattr(terms, "_DISK", {})
    first = terms.lemmatize(["Kameras", "Firmen", "gegangen"])
    path = terms._cache_file("lemmas")
    assert path.is_file() and "lemmas" not in terms._DISK  # written by this process: read again when asked
    new_session()
    lemma_one = terms._lemma_one
    monkeypatch.setattr(terms, "_lemma_one", lambda w: (_ for _ in ()).throw(AssertionError("not cached")))
    got = terms.lemmatize(["Firmen"])
    assert got.to_dict("records") == first[first["word"] == "Firmen"].to_dict("records")
    assert set(terms._LEMMAS) == {"Firmen"}  # only what was asked
    assert terms._DISK["lemmas"][0] == terms._file_signature(path)
    # a form not cached: computed, and the file written with the entries this session never read
    monkeypatch.setattr(terms, "_lemma_one", lemma_one)
    terms.lemmatize(["Partnerschaften"])
    saved = pd.read_parquet(path)
    assert saved["word"].tolist() == ["Kameras", "Firmen", "gegangen", "Partnerschaften"]  # the file's order, then new
    assert terms._LOADED == {"lemmas"}
    # the file changed by another process: its new version is read
    pd.DataFrame({"word": ["Testform"], "lemma": ["Testlemma"], "pos": ["NN"]}).to_parquet(path, index=False)
    new_session()
    monkeypatch.setattr(terms, "_lemma_one", lambda w: (_ for _ in ()).throw(AssertionError("not cached")))
    assert terms.lemmatize(["Testform"])["lemma"].tolist() == ["Testlemma"]
    # a damaged file is no cache (and rewritten on the next save)
    path.write_bytes(b"not parquet")
    new_session()
    monkeypatch.setattr(terms, "_lemma_one", lemma_one)
    assert terms.lemmatize(["Kameras"])["lemma"].tolist() == ["Kamera"]
    assert pd.read_parquet(path)["word"].tolist() == ["Kameras"]


def test_compound_cache_is_read_for_what_is_asked(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDIA_ANALYSIS_CACHE", str(tmp_path))
    for attr, value in (("_PARTS", {}), ("_LOADED", set()), ("_DISK", {})):
        monkeypatch.setattr(terms, attr, value)
    first = terms.compound_parts(["Kamerahersteller", "Leica-Punkt", "Unternehmen"], ["NN"] * 3)
    for attr, value in (("_PARTS", {}), ("_LOADED", set())):
        monkeypatch.setattr(terms, attr, value)
    monkeypatch.setattr(terms, "_parts_one", lambda *a: (_ for _ in ()).throw(AssertionError("not cached")))
    again = terms.compound_parts(["Kamerahersteller"], ["NN"])
    assert again.to_dict("records") == first.head(1).to_dict("records")
    assert set(terms._PARTS) == {"Kamerahersteller\tNN"}
    assert again["parts"].iat[0] == ("Kamera", "Hersteller")


def _term_map_pandas(freq, by, x, y, min_count):
    """What term_map computed with pandas: the wide counts, the cell ranks and the labelled cells."""
    f = freq.assign(**{by: freq[by].astype(str)})
    wide = f.pivot_table(index="term", columns=by, values="n", aggfunc="sum", fill_value=0)
    wide = wide[[x, y]]
    wide = wide[wide.sum(axis=1) >= min_count].sort_index()
    totals = f.drop_duplicates(by).set_index(by)["total"]
    nx, ny = wide[x].to_numpy(int), wide[y].to_numpy(int)
    cell = pd.Series(list(zip(nx, ny)))
    k = cell.groupby(cell).cumcount().to_numpy()
    size = cell.map(cell.value_counts()).to_numpy()
    lr = np.log2((np.where(nx == 0, 0.5, nx) / totals[x]) / (np.where(ny == 0, 0.5, ny) / totals[y]))
    rx = np.searchsorted(np.unique(nx), nx).astype(float)
    ry = np.searchsorted(np.unique(ny), ny).astype(float)
    frame = pd.DataFrame({"term": wide.index.to_numpy(), "nx": nx, "ny": ny, "rx": rx, "ry": ry, "lr": lr, "n": nx + ny})
    cells = (
        frame.sort_values("term")
        .groupby(["nx", "ny"], sort=False)
        .agg(terms=("term", list), rx=("rx", "first"), ry=("ry", "first"), lr=("lr", "first"), n=("n", "first"))
        .reset_index()
    )
    return wide.index.to_numpy(), nx, ny, totals, k, size, cells


def test_term_map_arrays_equal_the_pandas_computation(seed_tokens, shared_data):
    from analysis import corpus
    from analysis.plot import terms as plot_terms

    arts = corpus.load(shared_data / "10kgnad" / "articles_test.tsv", outlet="category").iloc[::40].head(40)
    gnad = terms.annotate(tokens.tokenize(corpus.sentences(arts)))
    cases = []
    for toks in (seed_tokens, gnad):
        for by, unit in (("outlet", "lemma"), ("doc_id", "lower"), ("part", "lemma")):
            freq = terms.frequencies(toks, by=by, unit=unit)
            groups = [str(g) for g in freq[by].unique()]
            if len(groups) > 1:
                cases += [(freq, by, groups[0], groups[1], m) for m in (0, 1, 2)] + [(freq, by, groups[-1], groups[0], 1)]
    assert len(cases) >= 16
    for freq, by, x, y, min_count in cases:
        term, nx, ny, totals, k, size, cells = _term_map_pandas(freq, by, x, y, min_count)
        got_term, got_nx, got_ny, got_totals = plot_terms._two_groups(freq, by, x, y, min_count)
        assert got_term.tolist() == term.tolist() and np.array_equal(got_nx, nx) and np.array_equal(got_ny, ny)
        assert got_nx.dtype == nx.dtype and {g: got_totals[g] for g in (x, y)} == {g: totals[g] for g in (x, y)}
        codes = pd.factorize(nx.astype(np.int64) * (int(ny.max()) + 1 if len(ny) else 1) + ny)[0]
        got_k, got_size = plot_terms._cumcount_and_size(codes)
        assert np.array_equal(got_k, k) and np.array_equal(got_size, size)
        lr = np.log2((np.where(nx == 0, 0.5, nx) / totals[x]) / (np.where(ny == 0, 0.5, ny) / totals[y]))
        rx = np.searchsorted(np.unique(nx), nx).astype(float)
        ry = np.searchsorted(np.unique(ny), ny).astype(float)
        assert_same_table(plot_terms._cells(term, codes, nx, ny, rx, ry, lr), cells)
