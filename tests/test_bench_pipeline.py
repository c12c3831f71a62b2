"""The pipeline benchmark's baseline: a sample spread over the corpus, scaled to the corpus's mean length."""
from __future__ import annotations

import csv

import pytest

from analysis.bench import pipeline as bench


def _write_tsv(path, texts):
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter="\t")
        writer.writerow(["category", "text"])
        for text in texts:
            writer.writerow(["Inland", text])


def test_sample_is_spread_over_the_whole_corpus(tmp_path):
    texts = [f"Text {i}." + "x" * i for i in range(10)]  # lengths 7 .. 16 (i = 0 .. 9)
    path = tmp_path / "c.tsv"
    _write_tsv(path, texts)
    sample = bench.sample_texts(path, 4)
    # article (2i + 1) * 10 // 8 for i = 0..3: 1, 3, 6, 8 (not the first four)
    assert sample["texts"] == [texts[1], texts[3], texts[6], texts[8]]
    assert sample["articles"] == 10
    assert sample["mean_chars"] == pytest.approx(sum(map(len, texts)) / 10)  # 11.5


def test_sample_reads_every_file_of_a_folder_in_name_order(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    _write_tsv(folder / "part_001.tsv", ["dd", "eeeeee"])
    _write_tsv(folder / "part_000.tsv", ["a", "bb", "ccc"])
    sample = bench.sample_texts(folder, 2)
    # 5 articles in the order a, bb, ccc, dd, eeeeee; articles 1 and 3
    assert sample["texts"] == ["bb", "dd"]
    assert sample["articles"] == 5
    assert sample["mean_chars"] == pytest.approx(14 / 5)


def test_sample_never_asks_for_more_articles_than_there_are(tmp_path):
    path = tmp_path / "c.tsv"
    _write_tsv(path, ["eins", "zwei"])
    assert bench.sample_texts(path, 50)["texts"] == ["eins", "zwei"]


def test_naive_loop_is_scaled_to_the_corpus_mean_length():
    pytest.importorskip("textblob_de")
    short, long = "Das ist gut.", "Das ist sehr gut. Der Tag war schön und lang. " * 3
    # the corpus's articles are on average twice as long as the sample's
    sample = {"texts": [short, long], "articles": 2, "mean_chars": len(short) + len(long)}
    naive = bench.naive_textblob(sample)
    assert naive["articles"] == 2
    assert naive["length"] == pytest.approx(0.5)
    # per article of the corpus = the sample's time per character x the corpus's mean length
    assert naive["wall"] == pytest.approx(2 * naive["wall_sample"])


def test_corpus_size_counts_every_file(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    _write_tsv(folder / "part_000.tsv", ["a", "bb", "ccc"])
    _write_tsv(folder / "part_001.tsv", ["dddddd"])
    assert bench.corpus_size(folder) == (4, pytest.approx(12 / 4))
