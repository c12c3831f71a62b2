"""Keyness statistics checked against hand-computed values on a literal corpus.

The corpus: outlet ``a`` has 10 running words, 4 of them "Kamera"; outlet ``b``
has 20, 2 of them "Kamera". The 2x2 table for "kamera" is

             a    b
    kamera   4    2      6
    other    6   18     24
            10   20     30

with expected counts 2, 4, 8, 16. By hand:
G2 (four cells) = 2 [4 ln 2 + 2 ln 1/2 + 6 ln 6/8 + 18 ln 18/16] = 3.560593;
G2 (two cells)  = 2 [4 ln 2 + 2 ln 1/2] = 2 ln 4 = 2.772589 - ... = 2.590590 (see below);
chi2 = 4/2 + 4/4 + 4/8 + 4/16 = 3.75; with Yates: 2.25 (1/2 + 1/4 + 1/8 + 1/16) = 2.109375;
Log Ratio = log2((4/10) / (2/20)) = 2; %DIFF = 100 (0.4 - 0.1) / 0.1 = 300;
Williams q = 1 + (30/6 + 30/24 - 1)(30/10 + 30/20 - 1) / 180 = 1.1020833.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis import keyness, tokens

A_TEXT = "Kamera Kamera Kamera Kamera Bild Bild Ton Ton Ton Licht."
B_TEXT = (
    "Kamera Kamera Bild Bild Bild Bild Bild Bild Licht Licht Licht Licht Licht Licht "
    "Farbe Farbe Farbe Farbe Farbe Farbe."
)


def _tokens(rows):
    sents = pd.DataFrame(
        [(f"d{i}", outlet, "body", 0, text) for i, (outlet, text) in enumerate(rows)],
        columns=["doc_id", "outlet", "part", "sentence_id", "text"],
    )
    return tokens.tokenize(sents)


@pytest.fixture(scope="module")
def toks():
    return _tokens([("a", A_TEXT), ("b", B_TEXT)])


def _row(result, term="kamera", target="a"):
    sel = result[(result["term"] == term) & (result["target"] == target)]
    assert len(sel) == 1, result
    return sel.iloc[0]


def _cmp(toks, **kw):
    return keyness.compare(toks, by="outlet", unit="lower", stopwords=False, min_count=1, **kw)


def test_schema_is_fixed_for_every_measure(toks):
    for measure in keyness.MEASURES:
        out = _cmp(toks, measure=measure)
        assert list(out.columns) == keyness.COLUMNS
        assert set(out["measure"]) == {measure}


def test_counts_and_totals(toks):
    r = _row(_cmp(toks, target="a"))
    assert (r.n_target, r.n_reference, r.total_target, r.total_reference) == (4, 2, 10, 20)
    assert r.per_1000_target == pytest.approx(400.0)
    assert r.per_1000_reference == pytest.approx(100.0)
    assert r.reference == "b"


def test_g2_four_cell_by_hand(toks):
    r = _row(_cmp(toks, target="a", measure="g2"))
    by_hand = 2 * (4 * math.log(2) + 2 * math.log(0.5) + 6 * math.log(6 / 8) + 18 * math.log(18 / 16))
    assert by_hand == pytest.approx(3.560593, abs=1e-6)
    assert r.stat == pytest.approx(3.560593, abs=1e-6)
    assert r.p == pytest.approx(stats.chi2.sf(3.560593, 1), rel=1e-6)
    assert r.effect == pytest.approx(2.0)


def test_g2_matches_scipy_power_divergence_for_every_term(toks):
    out = _cmp(toks, target="a", measure="g2")
    for r in out.itertuples():
        table = np.array([[r.n_target, r.n_reference], [r.total_target - r.n_target, r.total_reference - r.n_reference]])
        expected = stats.contingency.expected_freq(table)
        ref = stats.power_divergence(table, f_exp=expected, lambda_="log-likelihood", axis=None).statistic
        g, p, *_ = stats.chi2_contingency(table, correction=False, lambda_="log-likelihood")
        assert abs(r.stat) == pytest.approx(ref, rel=1e-9)
        assert abs(r.stat) == pytest.approx(g, rel=1e-9)
        assert r.p == pytest.approx(p, rel=1e-9)


def test_g2_two_cell_and_williams(toks):
    two = _row(_cmp(toks, target="a", measure="g2", g2_form="two-cell"))
    assert two.stat == pytest.approx(2 * (4 * math.log(2) + 2 * math.log(0.5)), abs=1e-9)
    assert two.stat == pytest.approx(2 * math.log(4), abs=1e-9)  # = 2.772589
    wil = _row(_cmp(toks, target="a", measure="g2", correction="williams"))
    assert wil.stat == pytest.approx(3.560593 / 1.1020833, abs=1e-5)


def test_chi2_by_hand_and_yates(toks):
    r = _row(_cmp(toks, target="a", measure="chi2"))
    assert r.stat == pytest.approx(3.75)
    assert r.p == pytest.approx(stats.chi2.sf(3.75, 1))
    y = _row(_cmp(toks, target="a", measure="chi2", correction="yates"))
    assert y.stat == pytest.approx(2.109375)
    assert y.stat == pytest.approx(stats.chi2_contingency([[4, 2], [6, 18]], correction=True)[0])


def test_log_ratio_and_pct_diff_have_no_p(toks):
    lr = _row(_cmp(toks, target="a", measure="log_ratio"))
    assert lr.stat == pytest.approx(2.0)
    assert np.isnan(lr.p)
    pd_ = _row(_cmp(toks, target="a", measure="pct_diff"))
    assert pd_.stat == pytest.approx(300.0)
    assert np.isnan(pd_.p)


def test_zero_count_uses_half_a_count(toks):
    # "farbe": 0 of 10 in a, 6 of 20 in b -> log2((0.5/10) / (6/20)) = log2(1/6)
    r = _row(_cmp(toks, target="a", measure="log_ratio"), term="farbe")
    assert r.stat == pytest.approx(math.log2((0.5 / 10) / (6 / 20)))
    assert r.n_target == 0 and r.n_reference == 6


def test_log_odds_prior_by_hand():
    # alpha_w = 1, alpha_0 = 4: delta = ln(5/9) - ln(3/21), var = 1/5 + 1/3
    z = keyness.log_odds_prior(np.array([4.0]), np.array([2.0]), 10.0, 20.0, np.array([1.0]), 4.0)
    assert z[0] == pytest.approx((math.log(5 / 9) - math.log(3 / 21)) / math.sqrt(1 / 5 + 1 / 3))
    assert z[0] == pytest.approx(1.859687, abs=1e-6)


def test_log_odds_prior_with_explicit_prior(toks):
    prior = pd.Series({"kamera": 1.0, "bild": 1.0, "ton": 1.0, "licht": 1.0, "farbe": 1.0})
    out = _cmp(toks, target="a", measure="log_odds_prior", prior=prior, prior_strength=5.0)
    r = _row(out)
    alpha = 5.0 * 0.2 + 0.01
    alpha0 = 5.0 + 0.05
    delta = math.log((4 + alpha) / (10 + alpha0 - 4 - alpha)) - math.log((2 + alpha) / (20 + alpha0 - 2 - alpha))
    z = delta / math.sqrt(1 / (4 + alpha) + 1 / (2 + alpha))
    assert r.stat == pytest.approx(z)
    assert r.p == pytest.approx(2 * stats.norm.sf(abs(z)))


def test_sign_and_mirror_for_two_groups(toks):
    out = _cmp(toks, measure="g2")  # every group in turn
    a, b = _row(out, target="a"), _row(out, target="b")
    assert a.stat > 0 and b.stat < 0
    assert a.stat == pytest.approx(-b.stat)
    assert a.effect == pytest.approx(-b.effect)
    # sorted: over-use first
    assert out[out["target"] == "a"]["stat"].is_monotonic_decreasing


def test_one_vs_rest_pools_the_other_groups():
    toks = _tokens([("a", A_TEXT), ("b", "Kamera Bild Bild Bild Ton."), ("c", "Kamera Licht Licht Licht Licht.")])
    out = keyness.compare(toks, by="outlet", target="a", unit="lower", stopwords=False, min_count=1)
    r = _row(out)
    assert (r.n_target, r.n_reference, r.total_target, r.total_reference) == (4, 2, 10, 10)
    assert r.reference == "rest (b, c)"
    pair = keyness.compare(toks, by="outlet", target="a", reference="b", unit="lower", stopwords=False, min_count=1)
    r2 = _row(pair)
    assert (r2.n_reference, r2.total_reference) == (1, 5)


def test_min_count_filters_on_target_plus_reference(toks):
    out = _cmp(toks, target="a").pipe(lambda d: d)
    assert "ton" in set(out["term"])  # 3 + 0
    strict = keyness.compare(toks, by="outlet", target="a", unit="lower", stopwords=False, min_count=7)
    assert set(strict["term"]) == {"bild", "licht"}  # 8 and 7 in total


def test_against_general_german(toks):
    import wordfreq

    out = keyness.compare(toks, by="outlet", target="a", reference="wordfreq", unit="lower", stopwords=False, min_count=1)
    r = _row(out)
    f = wordfreq.get_frequency_dict("de", wordlist="best")["kamera"]
    assert f == pytest.approx(wordfreq.word_frequency("kamera", "de"), rel=0.01)
    assert r.reference == "general German (wordfreq)"
    assert r.n_reference == pytest.approx(f * keyness.REFERENCE_SIZE)
    assert r.effect == pytest.approx(math.log2((4 / 10) / f))
    assert r.stat > 0


@pytest.fixture
def fresh_wordfreq_cache(tmp_path, monkeypatch):
    """An empty disk cache for wordfreq answers, and no answers kept in this process."""
    monkeypatch.setenv("MEDIA_ANALYSIS_CACHE", str(tmp_path))
    monkeypatch.setattr(keyness, "_WORDFREQ", {})
    monkeypatch.setattr(keyness, "_WORDFREQ_STATE", {"loaded": False, "floor": None})
    return tmp_path


def test_general_german_is_wordfreq_and_is_cached_on_disk(fresh_wordfreq_cache, monkeypatch):
    import wordfreq

    words = ["Kamera", "kamera", "Xiaomi-Leica", "Leica-Kamera", "gibtsnichtxyz", "und"]
    first = keyness.general_german(words)
    table = wordfreq.get_frequency_dict("de", wordlist="best")
    assert first["Kamera"] == first["kamera"] == table["kamera"]
    assert first["Leica-Kamera"] == wordfreq.word_frequency("leica-kamera", "de") > 0
    assert first["gibtsnichtxyz"] == 0.0
    floor = keyness._general_floor()
    assert floor == min(table.values())
    assert list(fresh_wordfreq_cache.glob("keyness-general-*.parquet"))
    # a new process (no answers in memory) takes every answer from the disk cache, without wordfreq
    monkeypatch.setattr(keyness, "_WORDFREQ", {})
    monkeypatch.setattr(keyness, "_WORDFREQ_STATE", {"loaded": False, "floor": None})

    def no_wordfreq(*args, **kwargs):
        raise AssertionError("wordfreq was asked although its answer is cached")

    monkeypatch.setattr(wordfreq, "get_frequency_dict", no_wordfreq)
    monkeypatch.setattr(wordfreq, "word_frequency", no_wordfreq)
    again = keyness.general_german(words)
    pd.testing.assert_series_equal(again, first)
    assert keyness._general_floor() == floor


def test_general_german_ignores_a_damaged_cache(fresh_wordfreq_cache):
    import wordfreq

    path = keyness._general_cache_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a parquet file")
    out = keyness.general_german(["kamera"])
    assert out["kamera"] == wordfreq.get_frequency_dict("de", wordlist="best")["kamera"]


def test_general_german_without_disk_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("MEDIA_ANALYSIS_CACHE", "off")
    monkeypatch.setattr(keyness, "_WORDFREQ", {})
    monkeypatch.setattr(keyness, "_WORDFREQ_STATE", {"loaded": False, "floor": None})
    assert keyness._general_cache_file() is None
    assert keyness.general_german(["kamera"])["kamera"] > 0


def test_errors_name_what_is_known(toks):
    with pytest.raises(ValueError, match="log_ratio"):
        keyness.compare(toks, measure="tf-idf")
    with pytest.raises(ValueError, match=r"known: \['a', 'b'\]"):
        keyness.compare(toks, target="zeit")
    with pytest.raises(ValueError, match="does not apply"):
        keyness.compare(toks, measure="g2", correction="yates")
    with pytest.raises(KeyError, match="available"):
        keyness.compare(toks, by="medium")


def test_accepts_articles_and_sentences():
    articles = pd.DataFrame(
        {"doc_id": ["x", "y"], "outlet": ["a", "b"], "text": [A_TEXT, B_TEXT], "title": ["", ""]}
    )
    try:
        out = keyness.compare(articles, by="outlet", target="a", unit="lower", stopwords=False, min_count=1)
    except Exception as exc:  # the corpus module may need more article columns
        pytest.skip(f"articles path needs corpus.sentences: {exc}")
    r = _row(out)
    assert (r.n_target, r.n_reference) == (4, 2)


def test_evidence_shows_target_lines(toks):
    out = _cmp(toks, target="a")
    top = out["term"].iat[0]
    assert top == "ton"  # 3 vs 0: G2 6.59 beats kamera's 3.56
    ev = keyness.evidence(toks, out, n_terms=2, n_lines=2, window=2)
    assert list(dict.fromkeys(ev["term"])) == ["ton", "kamera"]
    assert (ev["outlet"] == "a").all()
    assert (ev["keyword"].str.lower() == ev["term"]).all()
    assert len(ev) == 4
    assert ev["left"].iat[0] == "Bild Bild"
    assert ev["right"].iat[0] == "Ton Ton"
    under = keyness.evidence(toks, out, n_terms=1, n_lines=1, direction="under")
    assert under["term"].tolist() == ["farbe"] and (under["outlet"] == "b").all()


def test_plot_keyness_draws_both_directions(toks):
    from analysis import plot

    out = _cmp(toks, target="a")
    ax = plot.keyness(out, n=2)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["farbe  (0|6)", "licht  (1|6)", "kamera  (4|2)", "ton  (3|0)"]
    widths = [p.get_width() for p in ax.patches]
    assert widths[0] < 0 < widths[-1]
    assert "Key terms: a vs b" in {ax.get_title(loc=loc) for loc in ("left", "center", "right")}  # the style may left-align titles
    with pytest.raises(ValueError, match="value="):
        plot.keyness(out, value="p")


def test_plot_keyness_says_so_when_a_group_has_no_key_terms(toks):
    """A small outlet may have no term reaching min_count; the notebook must not crash on it."""
    from analysis import plot

    out = _cmp(toks, target="a")
    with pytest.warns(UserWarning, match="no key terms for target='zz'"):
        ax = plot.keyness(out, target="zz")
    assert "No key terms for zz" in ax.texts[0].get_text()
    with pytest.warns(UserWarning, match="no key terms"):
        plot.keyness(out.iloc[0:0], target="a")


def test_from_counts_is_compare_on_a_count_table():
    """Counts summed elsewhere (e.g. over chunks) give the same result as compare() on the tokens."""
    counts = pd.DataFrame({"a": [4, 0, 3], "b": [2, 6, 0]}, index=pd.Index(["kamera", "farbe", "ton"], name="term"))
    totals = pd.Series({"a": 10, "b": 12})
    out = keyness.from_counts(counts, totals, targets=["a"], measure="g2", min_count=1)
    kamera = out.set_index("term").loc["kamera"]
    assert (kamera.n_target, kamera.n_reference, kamera.total_target, kamera.total_reference) == (4, 2, 10, 12)
    assert kamera.stat == pytest.approx(keyness.g2(np.array([4.0]), np.array([2.0]), 10.0, 12.0)[0])
    assert out.set_index("term").loc["farbe", "stat"] < 0 < out.set_index("term").loc["ton", "stat"]


def test_rows_are_ordered_by_stat_then_term_with_ties():
    """from_counts orders rows as sort_values(["stat", "term"], ascending=[False, True]) would:
    equal counts give equal stats, and ties are broken by the term (capitals before lower case)."""
    terms_ = ["zeta", "Beta", "alpha", "Alpha", "gamma", "delta", "Epsilon", "eta"]
    counts = pd.DataFrame({"a": [3, 3, 3, 3, 0, 1, 0, 2], "b": [1, 1, 1, 1, 4, 1, 4, 2]}, index=pd.Index(terms_, name="term"))
    totals = pd.Series({"a": 30, "b": 30})
    for measure in keyness.MEASURES:
        out = keyness.from_counts(counts, totals, measure=measure, min_count=1)
        for target, group in out.groupby("target", sort=False):
            expected = group.sort_values(["stat", "term"], ascending=[False, True], kind="stable")
            assert group["term"].tolist() == expected["term"].tolist(), (measure, target)
        first = out[out["target"] == "a"]["term"].tolist()
        if measure != "log_odds_prior":
            assert first[:4] == ["Alpha", "Beta", "alpha", "zeta"], measure  # four-way tie, by term
    assert keyness._order(np.array([1.0, np.nan, 2.0, 1.0]), np.array([3, 0, 1, 2])).tolist() == [2, 3, 0, 1]


def test_p_values_equal_scipy_stats():
    from scipy import stats

    x = np.array([0.0, 1e-12, 0.5, 3.84, 10.83, 250.0, 1e4, np.nan, np.inf])
    assert np.array_equal(keyness._chi2_sf(x), stats.chi2.sf(x, df=1), equal_nan=True)
    assert keyness._chi2_sf(np.array([-1e-15]))[0] == stats.chi2.sf(-1e-15, df=1) == 1.0
    # long inputs are evaluated once per distinct value: still the same values, in place
    rng = np.random.default_rng(3)
    long = np.concatenate([rng.choice(x, size=2998), rng.gamma(1.0, 4.0, size=2000), [-0.0, -3.0]])
    rng.shuffle(long)
    got = keyness._chi2_sf(long.reshape(50, -1))
    assert got.shape == (50, len(long) // 50)
    assert np.array_equal(got.ravel(), stats.chi2.sf(np.maximum(long, 0.0), df=1), equal_nan=True)
    z = np.array([0.0, 1.96, 5.0, 40.0, np.nan, np.inf])
    assert np.array_equal(keyness._norm_sf(z), stats.norm.sf(z), equal_nan=True)


# ---------------------------------------------------------------------------------------------
# fast paths, checked against the computations they replaced, on the seed articles and 10kGNAD


@pytest.fixture(scope="module")
def seed_tokens():
    from analysis import corpus, paths, terms

    articles = corpus.load(paths.SEEDS)
    return terms.annotate(tokens.tokenize(corpus.sentences(articles, parts=corpus.TEXT_PARTS)))


@pytest.fixture(scope="module")
def gnad_tokens():
    from analysis import corpus, paths, terms

    path = paths.SHARED_DATA / "10kgnad" / "articles_test.tsv"
    if not path.is_file():
        pytest.skip(f"shared evaluation data not found at {paths.SHARED_DATA}")
    arts = corpus.load(path, outlet="category").iloc[::40].head(40)
    return terms.annotate(tokens.tokenize(corpus.sentences(arts)))


def _contingency_pandas(data, *, by="outlet", unit="lemma", stopwords=True, compounds=None):
    """keyness.contingency() as it was computed: a pivot table of terms.frequencies()."""
    from analysis import terms

    freq = terms.frequencies(data, by=by, unit=unit, stopwords=stopwords, compounds=compounds)
    counts = freq.pivot_table(index="term", columns=by, values="n", aggfunc="sum", fill_value=0, observed=True)
    counts.columns = [str(c) for c in counts.columns]
    totals = freq.drop_duplicates(by).set_index(by)["total"]
    totals.index = [str(i) for i in totals.index]
    return counts, totals


def _from_counts_per_target(counts, totals, *, targets=None, reference=None, measure="g2", min_count=2, correction="none",
                            g2_form="four-cell", prior="corpus", prior_strength=None, reference_size=keyness.REFERENCE_SIZE,
                            annotated=None, unit="lemma"):
    """keyness.from_counts() as it was computed: one table per target, then concatenated."""
    groups = [str(g) for g in totals.index]
    general = reference is not None and str(reference) in keyness._GENERAL
    targets = groups if targets is None else [str(t) for t in targets]
    if general:
        ref_freq = keyness._general_reference(annotated, counts.index, unit)
    frames = []
    term_all = counts.index.to_numpy()
    for t in targets:
        a = counts[t].to_numpy(dtype=float)
        n_t = float(totals[t])
        if general:
            b = ref_freq.reindex(counts.index).to_numpy(dtype=float) * reference_size
            n_r, label, keep = float(reference_size), "general German (wordfreq)", a >= min_count
        else:
            others = [g for g in groups if g != t] if reference is None else [str(reference)]
            b = counts[others].to_numpy(dtype=float).sum(axis=1)
            n_r = float(totals[others].sum())
            label = others[0] if len(others) == 1 else "rest (" + ", ".join(others) + ")"
            keep = (a + b >= min_count) & (a + b > 0)
        a, b, term = a[keep], b[keep], term_all[keep]
        stat, p = keyness._measure(measure, a, b, n_t, n_r, correction, g2_form, prior, prior_strength, term, annotated, unit)
        frame = pd.DataFrame({
            "target": t, "reference": label, "term": term, "n_target": a.astype(int),
            "n_reference": b if general else b.astype(int), "total_target": int(n_t),
            "total_reference": n_r if general else int(n_r), "per_1000_target": 1000 * a / n_t,
            "per_1000_reference": 1000 * b / n_r, "stat": stat, "p": p, "effect": keyness.log_ratio(a, b, n_t, n_r),
            "measure": measure,
        })
        frames.append(frame.sort_values(["stat", "term"], ascending=[False, True], kind="stable"))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=keyness.COLUMNS)
    return out[keyness.COLUMNS]


def _assert_same(got, want):
    if isinstance(got, pd.Series):
        pd.testing.assert_series_equal(got, want, check_exact=True)
        assert got.index.dtype == want.index.dtype
        return
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert list(got.dtypes) == list(want.dtypes) and got.index.dtype == want.index.dtype
    assert got.columns.dtype == want.columns.dtype and got.attrs == want.attrs
    for col in got.columns:
        if got[col].dtype == object:
            assert [type(v) for v in got[col]] == [type(v) for v in want[col]], col


def test_contingency_equals_the_pivot_table(seed_tokens, gnad_tokens):
    from analysis import terms

    cat = seed_tokens.copy()
    cat["outlet"] = pd.Categorical(cat["outlet"], categories=["zz", *sorted(set(cat["outlet"]), reverse=True)])
    cat.attrs = dict(seed_tokens.attrs)
    none = seed_tokens.copy()
    none["term"] = None
    none.attrs = dict(seed_tokens.attrs)
    cases = [(cat, {}), (none, {})]
    for toks in (seed_tokens, gnad_tokens):
        cases += [(toks, kw) for kw in ({}, {"by": "doc_id"}, {"by": "part", "compounds": "split"}, {"by": "sentence_id"},
                                        {"unit": "lower", "stopwords": False}, {"compounds": "add"})]
    for data, kw in cases:
        counts, totals = keyness.contingency(data, **kw)
        want_counts, want_totals = _contingency_pandas(data, **kw)
        _assert_same(counts, want_counts)
        _assert_same(totals, want_totals)
        assert counts.index.name == "term" and counts.columns.name is None
    assert terms.frequencies(gnad_tokens)["outlet"].nunique() == keyness.contingency(gnad_tokens)[0].shape[1] > 3


def test_from_counts_equals_one_table_per_target(seed_tokens, gnad_tokens):
    from analysis import terms

    for toks in (seed_tokens, gnad_tokens):
        ann = terms._annotated(toks, "lemma", True)
        counts, totals = keyness.contingency(ann)
        groups = list(totals.index)
        runs = [dict(measure=m, min_count=c) for m in keyness.MEASURES for c in (1, 2)]
        runs += [dict(reference="wordfreq", min_count=2, annotated=ann), dict(reference=groups[0], targets=groups[1:]),
                 dict(measure="g2", correction="williams", g2_form="two-cell"), dict(measure="chi2", correction="yates"),
                 dict(measure="log_odds_prior", prior="wordfreq", annotated=ann, prior_strength=50.0),
                 dict(min_count=10**6), dict(targets=[])]
        for kw in runs:
            _assert_same(keyness.from_counts(counts, totals, **kw), _from_counts_per_target(counts, totals, **kw))


def test_plot_keyness_rows_are_nlargest_and_nsmallest(seed_tokens, gnad_tokens):
    """The bars are the rows DataFrame.nlargest / nsmallest pick, ties included (NumPy indexing now)."""
    from analysis.plot import terms as plot_terms

    checked = 0
    for toks in (seed_tokens, gnad_tokens):
        for kw in ({"measure": "g2"}, {"measure": "log_ratio"}, {"reference": "wordfreq"}, {"by": "doc_id", "min_count": 1}):
            result = keyness.compare(toks, **{"by": "outlet", **kw})
            for target in list(dict.fromkeys(result["target"]))[:3]:
                sub = result[result["target"] == target]
                for value in ("stat", "effect"):
                    for n in (1, 3, 10, 10**4):
                        for method, sel in (("nlargest", sub[value] > 0), ("nsmallest", sub[value] < 0)):
                            want = getattr(sub[sel], method)(n, value, keep="first").index.to_numpy()
                            at = sub.index.to_numpy()[sel.to_numpy()]
                            assert np.array_equal(at[plot_terms._select(result[value].to_numpy()[at], n, method)], want)
                            checked += 1
    assert checked >= 320
