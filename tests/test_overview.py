"""Tests for analysis.overview and its plots (analysis.plot.corpus) on a hand-counted corpus."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from analysis import actors, overview, plot
from analysis import corpus as corpora

# Article a1: a navigation line (removed), a headline, a lead of two sentences, a body of one.
# Words (word and number tokens): headline 4 ("Neue Kamera von Xiaomi"), lead 5 + 3, body 6
# ("Leica liefert die Optik , Leica-Fans jubeln ." -> the compound is one word). Total 18.
# Article b1: a lead of two sentences (5 + 3 words, "2022" is a number), a body of one (2). Total 10.
TEXTS = {
    "a1": "YouTube Instagram RSS\n\nNeue Kamera von Xiaomi\n\nXiaomi baut Kameras mit Leica. Das ist neu.\n\n"
          "Leica liefert die Optik, Leica-Fans jubeln.",
    "b1": "Huawei und Leica trennen sich. Das war 2022.\n\nXiaomi folgt.",
}


@pytest.fixture(scope="module")
def articles(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "articles.csv"
    pd.DataFrame({
        "doc_id": list(TEXTS), "outlet": ["a", "b"], "date": ["2022-05-02", "2022-05"], "text": list(TEXTS.values()),
    }).to_csv(path, index=False)
    return corpora.load(path)


@pytest.fixture(scope="module")
def sentences(articles):
    return corpora.sentences(articles)


def test_sentence_lengths_count_words_and_numbers_not_punctuation(sentences):
    lengths = overview.sentence_lengths(sentences)
    assert lengths["words"].tolist() == [4, 5, 3, 6, 5, 3, 2]
    assert lengths["part"].tolist() == ["headline", "lead", "lead", "body", "lead", "lead", "body"]


def test_parts_table_in_reading_order(articles, sentences):
    parts = overview.parts(articles, sentences=sentences)
    assert list(parts.columns) == overview.PART_COLUMNS
    a = parts[parts["outlet"] == "a"]
    assert a["part"].tolist() == ["headline", "lead", "body"]
    assert a["words"].tolist() == [4, 8, 6]
    assert a["sentences"].tolist() == [1, 2, 1]
    assert parts.loc[parts["outlet"] == "b", "words"].tolist() == [8, 2]


def test_outlets_summary(articles, sentences):
    table = overview.outlets(articles, sentences=sentences).set_index("outlet")
    assert table.loc["a", "words"] == 18 and table.loc["b", "words"] == 10
    assert table.loc["a", "sentences"] == 4 and table.loc["b", "sentences"] == 3
    assert table.loc["a", "words_per_sentence"] == 4.5  # median of 4, 5, 3, 6
    assert table.loc["b", "words_per_sentence"] == 3.0
    assert (table.loc["a", "first_date"], table.loc["b", "last_date"]) == ("2022-05-02", "2022-05")
    assert table.loc["a", "removed_paragraphs"] == 1
    assert table.loc["a", "removed_characters"] == len("YouTube Instagram RSS")
    assert table.loc["b", "removed_paragraphs"] == 0


def test_words_per_sentence_leaves_captions_out():
    sentences = pd.DataFrame({
        "doc_id": ["d"] * 3, "outlet": ["x"] * 3, "part": ["lead", "body", "caption"], "sentence_id": [0, 1, 2],
        "text": ["Eins zwei drei.", "Eins zwei drei vier fünf.", " ".join(["Name"] * 40)],
    })
    articles = pd.DataFrame({"doc_id": ["d"], "outlet": ["x"], "text": ["unused"], "date": [""]})
    table = overview.outlets(articles, sentences=sentences)
    assert table.loc[0, "words_per_sentence"] == 4.0  # median of 3 and 5; the 40-word caption is not prose
    assert table.loc[0, "words"] == 48


def test_removals_name_rule_reason_and_outlet(articles):
    removed = overview.removals(articles)
    assert removed[["outlet", "rule", "text"]].values.tolist() == [["a", "navigation", "YouTube Instagram RSS"]]
    assert "menu" in removed.loc[0, "reason"]


def test_actor_shares_count_sentences_once_and_fill_zeros(sentences):
    shares = overview.actor_shares(sentences, actors.mentions(sentences))
    table = shares.set_index(["outlet", "actor"])
    assert table.loc[("a", "Leica"), "mentions"] == 3  # twice in one sentence
    assert table.loc[("a", "Leica"), "sentences"] == 2
    assert table.loc[("a", "Leica"), "share"] == pytest.approx(0.5)
    assert table.loc[("b", "Xiaomi"), "share"] == pytest.approx(1 / 3)
    assert table.loc[("a", "Huawei"), "sentences"] == 0  # named by b only
    assert shares["actor"].tolist()[:2] == ["Leica", "Leica"]  # most mentioned first


def test_actor_shares_without_mentions_is_empty(sentences):
    empty = overview.actor_shares(sentences, actors.mentions(sentences, actors={"Nobody": ["Niemand"]}))
    assert empty.empty and list(empty.columns) == overview.ACTOR_COLUMNS


def test_wrong_columns_list_the_available_ones():
    with pytest.raises(KeyError, match="available"):
        overview.sentence_lengths(pd.DataFrame({"doc_id": ["x"]}))


def test_plots_draw_one_bar_per_value_in_outlet_colours(articles, sentences):
    plot.set_style(outlets=articles["outlet"])
    outlets = overview.outlets(articles, sentences=sentences)
    ax = plot.corpus_parts(overview.parts(articles, sentences=sentences), outlets=outlets)
    assert len(ax.patches) == 5  # a: headline, lead, body; b: lead, body
    assert [t.get_text() for t in ax.get_yticklabels()] == ["b\n1 article", "a\n1 article"]
    ax = plot.actor_shares(overview.actor_shares(sentences, actors.mentions(sentences)))
    bars = ax.patches
    assert len(bars) == 6  # three actors x two outlets
    assert {tuple(round(c, 3) for c in b.get_facecolor()[:3]) for b in bars} == {
        tuple(round(c, 3) for c in plt.matplotlib.colors.to_rgb(plot.outlet_color(o))) for o in "ab"
    }
    assert max(b.get_width() for b in bars) == pytest.approx(50.0)
    ax = plot.sentence_lengths(overview.sentence_lengths(sentences))
    assert sum(len(c.get_offsets()) for c in ax.collections) == 7


def test_removal_plot_says_when_nothing_was_removed(articles):
    empty = overview.removals(articles).iloc[0:0]
    ax = plot.removals(empty, outlets=["a", "b"])
    assert [t.get_text() for t in ax.texts] == ["Cleaning removed nothing"]
    ax = plot.removals(overview.removals(articles), outlets=["a", "b"])
    assert [round(b.get_width()) for b in ax.patches] == [1, 0]
