"""Reliability: Krippendorff's alpha against known values, P/R/F1, coding sheets round trip, disagreements."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import codebook, corpus, framing, paths, reliability

nan = np.nan

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", example C: 4 coders, 12 units, missing values.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
]

BOOK = codebook.from_dict({"codebook": "two", "frames": [
    {"id": "a", "indicators": [{"type": "word", "terms": ["x"]}]},
    {"id": "b", "indicators": [{"type": "word", "terms": ["y"]}]},
]})


def test_alpha_published_example_nominal_and_interval():
    assert reliability.alpha(KRIPPENDORFF_2011, n_boot=0)["alpha"] == pytest.approx(0.743, abs=5e-4)
    assert reliability.alpha(KRIPPENDORFF_2011, level="interval", n_boot=0)["alpha"] == pytest.approx(0.849, abs=5e-4)
    # unit 12 has a single code: it is not pairable and not counted
    assert reliability.alpha(KRIPPENDORFF_2011, n_boot=0)["n_units"] == 11


def test_alpha_binary_hand_computed():
    # 10 units, two coders, one disagreement; n = 20 values: 3 ones, 17 zeros.
    # alpha = 1 - (n - 1) * (o_01 + o_10) / (2 * n_0 * n_1) = 1 - 19 * 2 / (2 * 3 * 17) = 64/102
    c1 = [1, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    c2 = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert reliability.alpha([c1, c2], n_boot=0)["alpha"] == pytest.approx(64 / 102)


def test_alpha_edge_cases_and_bootstrap():
    assert reliability.alpha([[1, 0, 1], [1, 0, 1]], n_boot=0)["alpha"] == 1.0
    assert np.isnan(reliability.alpha([[0, 0, 0], [0, 0, 0]], n_boot=0)["alpha"])
    c1 = [1, 1, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0]
    c2 = [1, 0, 0, 0, 0, 1, 0, 1, 1, 0, 1, 0]
    first = reliability.alpha([c1, c2], n_boot=300, seed=3)
    again = reliability.alpha([c1, c2], n_boot=300, seed=3)
    assert first == again
    assert first["low"] <= first["alpha"] <= first["high"] <= 1.0
    with pytest.raises(ValueError, match="unknown level 'nominl'"):
        reliability.alpha([c1, c2], level="nominl")


def _codings():
    keys = {"doc_id": ["d"] * 6, "sentence_id": list(range(6))}
    auto = pd.DataFrame({**keys, "a": [1, 1, 1, 0, 0, 0], "b": [0, 0, 0, 0, 0, 1],
                         "text": [f"s{i}" for i in range(6)]}).astype({"a": bool, "b": bool})
    human = pd.DataFrame({**keys, "a": [1, 1, 0, 1, 0, 0], "b": [0, 0, 0, 0, 0, 1]}).astype({"a": bool, "b": bool})
    return auto, human


def test_agreement_precision_recall_f1_by_hand():
    auto, human = _codings()
    ag = reliability.agreement(auto, human, codebook=BOOK, n_boot=50).set_index("frame")
    a = ag.loc["a"]
    assert (a["tp"], a["fp"], a["fn"]) == (2, 1, 1)
    assert a["precision"] == pytest.approx(2 / 3) and a["recall"] == pytest.approx(2 / 3)
    assert a["f1"] == pytest.approx(2 / 3) and a["agreement"] == pytest.approx(4 / 6)
    assert a["alpha"] == pytest.approx(reliability.alpha([[1, 1, 1, 0, 0, 0], [1, 1, 0, 1, 0, 0]], n_boot=0)["alpha"])
    assert ag.loc["b", "f1"] == 1.0 and ag.loc["b", "alpha"] == 1.0
    micro = ag.loc["micro"]
    assert (micro["tp"], micro["fp"], micro["fn"]) == (3, 1, 1)
    assert micro["f1"] == pytest.approx(6 / 8)
    assert ag.loc["macro", "f1"] == pytest.approx((2 / 3 + 1) / 2)


def test_disagreements_list_false_positives_and_negatives():
    auto, human = _codings()
    d = reliability.disagreements(auto, human, codebook=BOOK)
    assert d[["sentence_id", "frame", "kind", "text"]].values.tolist() == [
        [2, "a", "false positive", "s2"], [3, "a", "false negative", "s3"]]


def test_units_coded_by_one_side_fail_unless_dropped():
    auto, human = _codings()
    with pytest.raises(ValueError, match=r"1 unit\(s\) are coded by only one side.*missing='drop'"):
        reliability.agreement(auto, human.iloc[:5], codebook=BOOK)
    ag = reliability.agreement(auto, human.iloc[:5], codebook=BOOK, missing="drop", n_boot=0)
    assert ag.loc[0, "n"] == 5


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_sheet_round_trip(tmp_path, suffix):
    s = corpus.sentences(corpus.load(paths.SEEDS))
    c = framing.code(s)
    path = reliability.export_sheet(s, tmp_path / f"sheet{suffix}", prefill=c, coder="AB")
    back = reliability.read_sheet(path)
    assert len(back) == len(s) and back["text"].tolist() == s["text"].tolist()
    for f in framing.frame_columns():
        assert back[f].tolist() == c[f].tolist()
    assert (back["coder"] == "AB").all()
    empty = reliability.read_sheet(reliability.export_sheet(s, tmp_path / f"empty{suffix}"))
    assert not empty[framing.frame_columns()].to_numpy().any()


def test_read_sheet_accepts_marks_and_reports_bad_cells(tmp_path):
    sheet = pd.DataFrame({"doc_id": ["d", "d", "d", "d"], "sentence_id": [0, 1, 2, 3], "a": ["x", "", "ja", "0"],
                          "b": ["1", "no", "", "maybe"]})
    path = tmp_path / "s.csv"
    sheet.to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"s\.csv, row 5, column 'b': cannot read 'maybe' as yes/no"):
        reliability.read_sheet(path, codebook=BOOK)
    sheet.loc[3, "b"] = "1"
    sheet.to_csv(path, index=False)
    back = reliability.read_sheet(path, codebook=BOOK)
    assert back["a"].tolist() == [True, False, True, False]
    missing = reliability.read_sheet(path, codebook=BOOK, blank="missing")
    assert missing["a"].isna().tolist() == [False, True, False, False]
    with pytest.raises(ValueError, match=r"lacks the column\(s\) \['market'"):
        reliability.read_sheet(path)


def test_shipped_human_coding_reads_as_a_sheet():
    h = reliability.read_sheet(paths.PACKAGE_DATA / "framing" / "seeds_human_coding.csv")
    assert len(h) == len(corpus.sentences(corpus.load(paths.SEEDS)))
    assert h[framing.frame_columns()].to_numpy().sum() > 30


def test_vectorised_nominal_alpha_equals_the_krippendorff_package():
    rng = np.random.default_rng(1)
    m = rng.integers(0, 3, size=(3, 40)).astype(float)
    m[0, :5] = np.nan
    contrib = reliability._coincidences(m[:, (~np.isnan(m)).sum(axis=0) >= 2])
    ours = reliability._alpha_from_coincidences(contrib.sum(axis=0, keepdims=True))[0]
    assert ours == pytest.approx(reliability.alpha(m, n_boot=0)["alpha"])
    ours_2011 = reliability._alpha_from_coincidences(
        reliability._coincidences(np.asarray(KRIPPENDORFF_2011)[:, :11]).sum(axis=0, keepdims=True))[0]
    assert ours_2011 == pytest.approx(0.743, abs=5e-4)


# ---------------------------------------------------------------- fast paths: the same results as the general code


def test_bootstrap_weights_are_drawn_once_per_integer_seed():
    w = reliability._bootstrap_weights(0, 38, 1000)
    assert np.array_equal(w, np.random.default_rng(0).multinomial(38, np.full(38, 1 / 38), size=1000))
    assert reliability._bootstrap_weights(0, 38, 1000) is w and not w.flags.writeable
    assert not np.array_equal(reliability._bootstrap_weights(1, 38, 1000), w)
    # anything but an int seed is drawn anew (None: fresh entropy each time)
    fresh = [reliability._bootstrap_weights(None, 38, 1000) for _ in range(2)]
    assert not np.array_equal(*fresh)
    gen = np.random.default_rng(5)
    assert np.array_equal(reliability._bootstrap_weights(gen, 10, 20),
                          np.random.default_rng(5).multinomial(10, np.full(10, 0.1), size=20))


def _seed_coding():
    s = corpus.sentences(corpus.load(paths.SEEDS))
    human = reliability.read_sheet(paths.PACKAGE_DATA / "framing" / "seeds_human_coding.csv")
    return framing.code(s), human


def test_agreement_and_disagreements_equal_the_merge_based_code(monkeypatch):
    coded, human = _seed_coding()
    shuffled = human.sample(frac=1.0, random_state=3)
    calls = {
        "agreement": lambda: reliability.agreement(coded, human, n_boot=200, seed=4),
        "agreement_shuffled": lambda: reliability.agreement(coded, shuffled, n_boot=200, seed=4),
        "disagreements": lambda: reliability.disagreements(coded, human),
        "disagreements_shuffled": lambda: reliability.disagreements(coded.iloc[::-1], shuffled),
        "disagreements_no_evidence": lambda: reliability.disagreements(coded.drop(columns="evidence"), human),
    }
    fast = {k: f() for k, f in calls.items()}
    assert len(fast["disagreements"]) > 5
    for name in ("_paired_by_lookup", "_info_by_lookup", "_difference_rows"):
        monkeypatch.setattr(reliability, name, lambda *args, **kwargs: None)
    for k, f in calls.items():
        pd.testing.assert_frame_equal(fast[k], f(), check_exact=True, obj=k)
    # bool columns read directly equal the nullable-boolean route
    frames = framing.frame_columns()
    as_boolean = {f: "boolean" for f in frames}
    pd.testing.assert_frame_equal(fast["agreement"], reliability.agreement(
        coded.astype(as_boolean), human.astype(as_boolean), n_boot=200, seed=4), check_exact=True)
    pd.testing.assert_frame_equal(fast["disagreements"], reliability.disagreements(
        coded.astype(as_boolean), human.astype(as_boolean)), check_exact=True)


def test_sheet_cells_are_read_as_pandas_string_methods_read_them():
    column = pd.Series([" 1", "X", "ja ", "Nein", "", "nan", "0.0", "TRUE", "vielleicht", "-", "2", " ", np.nan, 1.0],
                       dtype=object)
    raw = column.astype(str).str.strip().str.lower()
    is_true, is_blank, bad = reliability._read_cells(column)
    assert is_true.tolist() == raw.isin(reliability.TRUE_VALUES).tolist()
    assert is_blank.tolist() == (raw.eq("") | raw.eq("nan")).tolist()
    assert bad.tolist() == (~(raw.isin(reliability.TRUE_VALUES) | raw.isin(reliability.FALSE_VALUES) | raw.eq("")
                              | raw.eq("nan"))).tolist()
    assert bad.sum() == 2 and is_true.sum() == 5


def test_bootstrap_sums_in_integers_equal_the_blas_product(monkeypatch):
    rng = np.random.default_rng(2)
    weights = reliability._bootstrap_weights(0, 266, 1000)
    whole = rng.integers(0, 3, (266, 4)).astype(float)  # two coders: whole-number contributions
    assert np.array_equal(reliability._weighted_sums(weights, whole), weights @ whole)
    fractional = whole / 3  # three coders: 1/(m_u - 1) = 1/2 ... the product is used as it was
    assert np.array_equal(reliability._weighted_sums(weights, fractional), weights @ fractional)
    coded, human = _seed_coding()
    fast = reliability.agreement(coded, human, n_boot=1000, seed=0)
    three = reliability.alpha(KRIPPENDORFF_2011, n_boot=300, seed=2)
    monkeypatch.setattr(reliability, "_weighted_sums", lambda w, c: w @ c)
    pd.testing.assert_frame_equal(fast, reliability.agreement(coded, human, n_boot=1000, seed=0), check_exact=True)
    assert reliability.alpha(KRIPPENDORFF_2011, n_boot=300, seed=2) == three
    rows = fast[fast["frame"] != "macro"]
    assert rows["alpha_low"].notna().all() and (rows["alpha_low"] < rows["alpha_high"]).sum() >= 5
