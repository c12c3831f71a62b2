"""Tests for analysis.profile (the coverage profile) and its plots, with hand-computed expectations."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import plot, profile, reuse, tokens


def test_wilson_interval_matches_the_formula():
    low, high = profile.wilson(5, 10)
    assert (round(float(low), 4), round(float(high), 4)) == (0.2366, 0.7634)
    low, high = profile.wilson(0, 14)
    assert float(low) == 0.0 and 0.2 < float(high) < 0.22  # 0 of 14: upper bound 0.215


def test_tone_means_and_seeded_intervals():
    scored = pd.DataFrame({
        "outlet": ["a"] * 3 + ["b"] * 4,
        "doc_id": ["a1"] * 3 + ["b1"] * 4,
        "polarity": [0.5, 0.5, 0.5, -1.0, 1.0, -1.0, 1.0],
    })
    t = profile.tone(scored).set_index("outlet")
    assert t.loc["a", "mean"] == 0.5 and t.loc["a", "low"] == 0.5 and t.loc["a", "high"] == 0.5
    assert t.loc["b", "mean"] == 0.0 and -1 <= t.loc["b", "low"] < 0 < t.loc["b", "high"] <= 1
    assert t.loc["b", "resampled"] == "sentences"  # one article: sentences are resampled
    again = profile.tone(scored).set_index("outlet")
    assert again.loc["b", "low"] == t.loc["b", "low"]  # same seed, same interval


def test_tone_resamples_articles_when_there_are_enough():
    docs = [f"d{i}" for i in range(12)]
    scored = pd.DataFrame({"outlet": "a", "doc_id": np.repeat(docs, 2), "polarity": np.tile([0.2, 0.4], 12)})
    t = profile.tone(scored)
    assert t.loc[0, "resampled"] == "articles" and t.loc[0, "articles"] == 12
    # every article has mean 0.3: every resample of articles gives 0.3
    assert t.loc[0, "low"] == pytest.approx(0.3) and t.loc[0, "high"] == pytest.approx(0.3)
    with pytest.raises(ValueError, match="auto"):
        profile.tone(scored, resample="bogus")


def test_shares_leave_captions_out_and_carry_intervals():
    coded = pd.DataFrame({
        "outlet": ["a", "a", "a", "a", "b", "b"],
        "part": ["lead", "body", "body", "caption", "body", "body"],
        "hedge": [True, False, False, True, False, False],
    })
    s = profile.shares(coded, ["hedge"]).set_index("outlet")
    assert s.loc["a", "n_units"] == 3 and s.loc["a", "n"] == 1
    assert s.loc["a", "share"] == pytest.approx(1 / 3)
    assert s.loc["a", "low"] < 1 / 3 < s.loc["a", "high"]
    assert s.loc["b", "share"] == 0 and s.loc["b", "low"] == 0
    with pytest.raises(KeyError, match="available"):
        profile.shares(coded, ["frame_x"])


def test_key_terms_keep_over_represented_terms_with_stable_ties():
    k = pd.DataFrame({
        "target": ["a"] * 4 + ["b"],
        "term": ["zeta", "alpha", "under", "beta", "x"],
        "n_target": [3, 3, 0, 2, 1],
        "per_1000_target": [8.0, 8.0, 0.0, 5.0, 3.0],
        "per_1000_reference": [0.0, 0.0, 4.0, 0.0, 1.0],
        "stat": [4.3, 4.3, -6.0, 2.9, 0.5],
        "p": [0.04, 0.04, 0.01, 0.09, 0.5],
    })
    top = profile.key_terms(k, top=2)
    assert top[top["outlet"] == "a"]["term"].tolist() == ["alpha", "zeta"]  # tie broken alphabetically
    assert "under" not in top["term"].tolist()  # used less than by the others
    assert top["rank"].tolist() == [1, 2, 1]


def test_shared_text_counts_covered_words_once():
    sentences = pd.DataFrame({
        "doc_id": ["a1", "b1"], "outlet": ["a", "b"], "part": ["body", "body"], "sentence_id": [0, 0],
        "text": ["Das Handy kommt im Juli auf den Markt.", "Laut Xiaomi kommt im Juli auf den Markt ein Handy."],
        "start": [0, 0],
    })
    toks = tokens.tokenize(sentences)
    passages = reuse.shared_passages(toks, n=3)
    assert passages["n_words"].tolist() == [6]
    shared = profile.shared_text(passages, toks).set_index("outlet")
    assert shared.loc["a", "words"] == 8 and shared.loc["a", "shared_words"] == 6
    assert shared.loc["b", "words"] == 10 and shared.loc["b", "share"] == pytest.approx(0.6)
    assert shared.loc["a", "partners"] == "b" and shared.loc["a", "longest"] == 6
    none = profile.shared_text(reuse.shared_passages(toks, n=7), toks)
    assert none["shared_words"].tolist() == [0, 0] and none["passages"].tolist() == [0, 0]


def _tables(tone_b_mean=0.3, tone_b_low=0.25):
    tone = pd.DataFrame({"outlet": ["a", "b"], "articles": [1, 1], "sentences": [10, 8], "mean": [0.1, tone_b_mean],
                         "low": [0.0, tone_b_low], "high": [0.2, tone_b_mean + 0.05], "resampled": ["sentences"] * 2})
    frames = profile.shares(pd.DataFrame({
        "outlet": ["a"] * 4 + ["b"] * 4,
        "market": [True, True, True, False, False, False, False, True],
        "tech": [False, True, False, False, True, True, False, False],
    }), ["market", "tech"])
    hedging = profile.shares(pd.DataFrame({"outlet": ["a"] * 4 + ["b"] * 4,
                                           "hedge": [1, 0, 0, 0, 1, 1, 1, 0]}), ["hedge"])
    terms = pd.DataFrame({"outlet": ["a", "b"], "rank": [1, 1], "term": ["Preis", "Sensor"], "n_target": [2, 2],
                          "per_1000_target": [5.0, 6.0], "per_1000_reference": [0.0, 0.0], "stat": [3.0, 3.0],
                          "p": [0.08, 0.08]})
    shared = pd.DataFrame({"outlet": ["a", "b"], "words": [100, 80], "shared_words": [0, 0], "share": [0.0, 0.0],
                           "passages": [0, 0], "longest": [0, 0], "partners": ["", ""]})
    actors = pd.DataFrame({"outlet": ["a", "b", "a", "b"], "actor": ["Leica", "Leica", "Sony", "Sony"],
                           "mentions": [3, 2, 1, 0], "sentences": [3, 2, 1, 0], "outlet_sentences": [10, 8, 10, 8],
                           "share": [0.3, 0.25, 0.1, 0.0]})
    return dict(tone=tone, frames=frames, hedging=hedging, terms=terms, shared=shared, actors=actors)


def test_describe_follows_the_numbers():
    text = profile.describe(**_tables(), names={"a": "Alpha"}, labels={"market": "Market move"})
    tone, frames, hedging, terms, shared, actors = text
    assert tone.startswith("Tone: b is more positive") and "do not overlap" in tone
    assert frames.startswith("Frames: the most frequent frame is Market move in Alpha (75% of its sentences); "
                             "tech in b (50% of its sentences).")
    assert "largest difference is in Market move: 75% of Alpha's sentences against 25% of b's" in frames
    assert hedging.startswith("Hedging: b hedges 3 of 4 sentences (75%), Alpha 1 of 4 (25%)")
    assert "overlap" in hedging
    assert terms == "Key terms (used more than by the others): Alpha: Preis; b: Sensor."
    assert "no passage is shared" in shared
    assert actors == "Actors: all outlets name Leica. Named by one outlet only: Alpha Sony."


def test_describe_says_when_tone_cannot_be_told_apart():
    tone = profile.describe(**_tables(tone_b_mean=0.15, tone_b_low=0.1), names={"a": "Alpha"})[0]
    assert tone.startswith("Tone: b scores higher (mean polarity +0.15, 95% interval +0.10 to +0.20) than Alpha")
    assert "cannot be told apart" in tone and "resample sentences" in tone


def test_summary_has_one_row_per_outlet():
    table = profile.summary(**_tables(), labels={"market": "Market move"}).set_index("outlet")
    assert table.loc["a", "top_frame"] == "Market move"
    assert table.loc["b", "hedged_share"] == pytest.approx(0.75)
    assert table.loc["a", "tone_interval"] == "[+0.00, +0.20]"
    assert table.loc["a", "top_actor"] == "Leica"


def test_profile_figure_has_six_panels_and_a_legend_per_outlet():
    plot.set_style(outlets=["a", "b"])
    fig = plot.coverage_profile(**_tables())
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles == ["Tone", "Hedging", "Shared passages", "Frames", "Actors", "Key terms  "]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["a", "b"]
    tone_ax = fig.axes[0]
    dots = [line for line in tone_ax.lines if line.get_marker() == "o"]
    assert [round(float(d.get_xdata()[0]), 2) for d in dots] == [0.1, 0.3]


def test_single_panels_in_german_use_decimal_commas():
    plot.set_style(outlets=["a", "b"], language="de")
    try:
        ax = plot.profile_tone(_tables()["tone"])
        ax.figure.canvas.draw()
        ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
        assert any("," in t for t in ticks) and not any("." in t for t in ticks)
        assert ax.get_title(loc="left") == "Tonalität"
        ax = plot.profile_rate(_tables()["hedging"])
        assert [t.get_text() for t in ax.texts] == ["25 %", "75 %"]
    finally:
        plot.set_style(language="en")


def test_as_markdown_escapes_html_and_markdown():
    md = profile.as_markdown(["<b>News</b> *x* [a](javascript:y)", "plain"])
    assert md.splitlines() == ["- &lt;b&gt;News&lt;/b&gt; \\*x\\* \\[a\\]\\(javascript:y\\)", "- plain"]
