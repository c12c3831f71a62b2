"""The pipeline: stages, chunking, keyness from summed counts, and the command line."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pandas as pd
import pytest

from analysis import cache, corpus, keyness, paths, pipeline

PY = sys.executable


@pytest.fixture(scope="module")
def gnad_sample():
    """40 real articles of two categories from 10kGNAD (skips without the shared data)."""
    path = paths.SHARED_DATA / "10kgnad" / "articles_test.tsv"
    if not path.is_file():
        pytest.skip(f"10kGNAD not found at {path}")
    raw = pd.read_csv(path, sep="\t")
    raw = pd.concat([raw[raw.category == "Kultur"].head(20), raw[raw.category == "Web"].head(20)])
    articles = pd.DataFrame({"doc_id": [f"g{i:03d}" for i in range(len(raw))], "outlet": raw["category"].to_numpy(),
                             "text": raw["text"].to_numpy(), "parts": "lead"})
    return articles


@pytest.fixture(scope="module")
def seeds():
    articles = corpus.load(paths.SEEDS)
    articles.attrs = {}
    return articles


def test_keyness_from_summed_chunk_counts_equals_compare(gnad_sample):
    sents = pipeline.sentences(gnad_sample)
    toks = pipeline.tokens(sents)
    expected = keyness.compare(toks, by="outlet", measure="g2")
    # counts of three uneven chunks, summed
    bounds = [(0, 7), (7, 25), (25, len(gnad_sample))]
    parts = [pipeline.term_counts(pipeline.tokens(pipeline.sentences(gnad_sample.iloc[a:b]))) for a, b in bounds]
    got = pipeline.keyness_from_counts(pipeline.sum_counts(parts), measure="g2")
    assert len(got) > 100
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected.reset_index(drop=True), check_dtype=False)


def test_keyness_single_outlet_uses_general_german(seeds):
    one = seeds.iloc[:1]
    counts = pipeline.term_counts(pipeline.tokens(pipeline.sentences(one)))
    got = pipeline.keyness_from_counts(counts)
    expected = keyness.compare(pipeline.tokens(pipeline.sentences(one)), by="outlet", reference="wordfreq")
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected.reset_index(drop=True), check_dtype=False)


def test_term_counts_add_up_to_the_word_tokens(seeds):
    toks = pipeline.tokens(pipeline.sentences(seeds))
    counts = pipeline.term_counts(toks)
    assert counts["n"].sum() == toks["kind"].isin(["word", "number", "url"]).sum()
    # sentence-initial flag: the first token of every sentence that is a word
    firsts = toks[(toks.token_id == 0) & (toks.kind == "word")]
    assert counts.loc[counts["first"], "n"].sum() >= len(firsts)


def _term_counts_by_groupby(toks, by="outlet"):
    """term_counts as first written: a pandas groupby over the five key columns."""
    token = toks["token"].to_numpy(dtype=object)
    first = toks["token_id"].to_numpy() == 0
    first[1:] |= pd.Series(token[:-1]).isin(pipeline._OPENING).to_numpy() & (toks["token_id"].to_numpy()[1:] == 1)
    keep = toks["kind"].isin(pipeline._COUNTED_KINDS).to_numpy()
    frame = pd.DataFrame({by: toks[by].to_numpy()[keep], "kind": toks["kind"].to_numpy()[keep], "token": token[keep],
                          "lower": toks["lower"].to_numpy()[keep], "first": first[keep]})
    return frame.groupby(list(frame.columns), sort=False, observed=True).size().rename("n").reset_index()


def test_term_counts_equal_a_groupby(gnad_sample):
    toks = pipeline.tokens(pipeline.sentences(gnad_sample))
    assert len(toks) > 10_000
    pd.testing.assert_frame_equal(pipeline.term_counts(toks), _term_counts_by_groupby(toks))
    # a missing group value: left out, as groupby leaves it out
    toks = toks.copy()
    toks.loc[toks.index[:50], "outlet"] = None
    pd.testing.assert_frame_equal(pipeline.term_counts(toks), _term_counts_by_groupby(toks))
    # a form with two lower cases, a missing token, a categorical group: the general groupby, same result
    toks = pipeline.tokens(pipeline.sentences(gnad_sample))
    for change in ("lower", "token", "category"):
        odd = toks.copy()
        if change == "lower":
            odd.loc[odd.index[odd["kind"].eq("word")][:3], "lower"] = "anders"
        elif change == "token":
            odd.loc[odd.index[5], "token"] = None
        else:
            odd["outlet"] = odd["outlet"].astype("category")
        pd.testing.assert_frame_equal(pipeline.term_counts(odd), _term_counts_by_groupby(odd))
    empty = toks.iloc[:0]
    assert list(pipeline.term_counts(empty).columns) == ["outlet", "kind", "token", "lower", "first", "n"]


def test_sum_counts_equal_a_groupby(gnad_sample):
    parts = [pipeline.term_counts(pipeline.tokens(pipeline.sentences(gnad_sample.iloc[i:i + 10])))
             for i in range(0, len(gnad_sample), 10)]
    frame = pd.concat(parts, ignore_index=True)
    keys = ["outlet", "kind", "token", "lower", "first"]
    expected = frame.groupby(keys, sort=False, observed=True)["n"].sum().reset_index()
    got = pipeline.sum_counts(parts)
    pd.testing.assert_frame_equal(got, expected)
    assert got["n"].sum() == frame["n"].sum() and len(got) < len(frame)
    pd.testing.assert_frame_equal(pipeline.sum_counts([got]), got)


def test_sum_counts_by_hand():
    cols = ["outlet", "kind", "token", "lower", "first", "n"]
    a = pd.DataFrame([["x", "word", "Kamera", "kamera", False, 2], ["x", "word", "Die", "die", True, 1],
                      ["y", "word", "Kamera", "kamera", False, 1]], columns=cols)
    b = pd.DataFrame([["y", "word", "Kamera", "kamera", False, 4], ["x", "word", "Die", "die", False, 3],
                      ["x", "number", "2022", "2022", False, 1], ["x", "word", "Kamera", "kamera", False, 5]],
                     columns=cols)
    got = pipeline.sum_counts([a, None, b])
    expected = pd.DataFrame([["x", "word", "Kamera", "kamera", False, 7], ["x", "word", "Die", "die", True, 1],
                             ["y", "word", "Kamera", "kamera", False, 5], ["x", "word", "Die", "die", False, 3],
                             ["x", "number", "2022", "2022", False, 1]], columns=cols)
    pd.testing.assert_frame_equal(got, expected)


def test_chunk_bounds_cover_everything_and_are_local():
    keys = [cache.text_digest(str(i)) for i in range(2000)]
    bounds = pipeline.chunk_bounds(keys, size=100)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(keys)
    assert all(b0[1] == b1[0] for b0, b1 in zip(bounds, bounds[1:]))
    assert all(25 <= b - a <= 400 for a, b in bounds[:-1])
    # insert one article in the middle: every chunk away from it keeps its boundaries
    changed = keys[:1000] + [cache.text_digest("new")] + keys[1000:]
    before = {tuple(keys[a:b]) for a, b in bounds}
    after = {tuple(changed[a:b]) for a, b in pipeline.chunk_bounds(changed, size=100)}
    assert len(before - after) <= 2
    assert len(before & after) >= len(before) - 2


@pytest.mark.parametrize("batch", [1, 7, 100, 5000])
def test_chunker_fed_in_batches_cuts_where_chunk_bounds_cuts(batch):
    keys = [cache.text_digest(str(i)) for i in range(3000)]
    table = pd.DataFrame({"i": range(len(keys))})
    chunker = pipeline.Chunker(size=100)
    got = []
    for start in range(0, len(keys), batch):
        got += chunker.add(table.iloc[start:start + batch], keys[start:start + batch])
    got += chunker.flush()
    bounds = pipeline.chunk_bounds(keys, size=100)
    assert [(c["i"].iloc[0], c["i"].iloc[-1] + 1) for c, _ in got] == bounds
    assert all(k == keys[a:b] for (_, k), (a, b) in zip(got, bounds))
    assert all(c.index.tolist() == list(range(len(c))) for c, _ in got)
    assert chunker.flush() == []


def test_streamed_run_equals_run_on_the_loaded_table(tmp_path):
    """A corpus path is cleaned batch by batch while chunks are analysed: the same files as from the table."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    texts = {f"t{i}.txt": f"Artikel {i}\n\nXiaomi und Leica {i} arbeiten zusammen. Das ist gut. " * (1 + i % 3)
             for i in range(30)}
    texts["dup.txt"] = texts["t3.txt"]
    texts["empty.txt"] = " "
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = corpus.load(folder)
        a = pipeline.run(folder, out=tmp_path / "path", use_cache=False, progress=False, chunk_size=4)
    b = pipeline.run(table, out=tmp_path / "table", use_cache=False, progress=False, chunk_size=4)
    assert a["chunks"] == b["chunks"] > 3 and a["articles"] == b["articles"] == len(table) == 30
    assert a["files"] == b["files"]
    for name in a["files"]:
        if name.endswith(".parquet"):
            pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "path" / name),
                                          pd.read_parquet(tmp_path / "table" / name), obj=name)
        elif name.endswith(".csv"):
            assert (tmp_path / "path" / name).read_bytes() == (tmp_path / "table" / name).read_bytes(), name
    assert len(pd.read_csv(tmp_path / "path" / "skipped.csv")) == 2


def test_csv_written_chunk_by_chunk_equals_the_whole_table(tmp_path, gnad_sample):
    """The articles CSV, written as the chunks come, is byte for byte what read_parquet().to_csv() gives."""
    sample = gnad_sample.copy()
    sample["title"] = [None if i % 3 else f"Titel, {i} \"zitiert\"\nzweite Zeile" for i in range(len(sample))]
    pipeline.run(sample, out=tmp_path / "a", use_cache=False, progress=False, chunk_size=4)
    written = (tmp_path / "a" / "articles.csv").read_bytes()
    whole = pd.read_parquet(tmp_path / "a" / "articles.parquet")
    assert written == whole.to_csv(index=False).encode("utf-8") and len(whole) > 8
    # a column that is not text: the CSV is made from the finished file, as before
    sample["rank"] = range(len(sample))
    pipeline.run(sample, out=tmp_path / "b", use_cache=False, progress=False, chunk_size=4)
    whole = pd.read_parquet(tmp_path / "b" / "articles.parquet")
    assert whole["rank"].dtype.kind == "i"
    assert (tmp_path / "b" / "articles.csv").read_bytes() == whole.to_csv(index=False).encode("utf-8")
    # no CSV for more inputs than CSV_MAX_ROWS (a stale one is removed)
    writer = pipeline._TableWriter(tmp_path / "c.parquet", csv=False)
    writer.write(sample)
    assert writer.close() and not writer.has_csv and not (tmp_path / "c.csv").exists()


def test_prefetch_prepares_the_lemmas_and_changes_no_result(gnad_sample, monkeypatch):
    """_Prefetch looks up each chunk's forms (the background HanTa process may add some): same keyness."""
    from analysis import terms

    monkeypatch.setenv("MEDIA_ANALYSIS_CACHE", "off")
    parts = [pipeline.term_counts(pipeline.tokens(pipeline.sentences(gnad_sample.iloc[i:i + 10])))
             for i in range(0, len(gnad_sample), 10)]
    for name, empty in (("_LEMMAS", {}), ("_FROM_TABLE", set()), ("_UNSAVED", set())):
        monkeypatch.setattr(terms, name, empty)
    expected = pipeline.keyness_from_counts(pipeline.sum_counts(parts))
    for name, empty in (("_LEMMAS", {}), ("_FROM_TABLE", set()), ("_UNSAVED", set())):
        monkeypatch.setattr(terms, name, type(empty)())
    prefetch = pipeline._Prefetch()
    for part in parts:
        prefetch.add(part)
    prefetch.close()
    assert prefetch.error is None and 0 < prefetch.unknown and prefetch.analysed <= prefetch.unknown
    words = pd.concat(parts).query("kind == 'word'")["token"].unique()
    assert sum(w in terms._LEMMAS for w in words) >= len(words) - prefetch.unknown
    pd.testing.assert_frame_equal(pipeline.keyness_from_counts(pipeline.sum_counts(parts)), expected)
    # an error is kept, not raised: the work is done again later, where errors are reported
    broken = pipeline._Prefetch()
    broken.add(pd.DataFrame({"x": [1]}))
    broken.close()
    assert isinstance(broken.error, KeyError)


def test_article_keys_change_with_text_outlet_and_id(seeds):
    keys = pipeline.article_keys(seeds)
    assert len(set(keys)) == len(seeds)
    edited = seeds.copy()
    edited.loc[0, "text"] = edited.loc[0, "text"] + " Neu."
    new = pipeline.article_keys(edited)
    assert new[0] != keys[0] and new[1] == keys[1]


def test_run_writes_every_table(tmp_path, seeds):
    summary = pipeline.run(paths.SEEDS, out=tmp_path, use_cache=False, progress=False)
    for name in ("articles", "sentences", "frames", "keyness"):
        assert (tmp_path / f"{name}.parquet").is_file()
        assert (tmp_path / f"{name}.csv").is_file()  # small outputs also as CSV
    sents = pd.read_parquet(tmp_path / "sentences.parquet")
    pd.testing.assert_frame_equal(sents, pipeline.sentences(seeds), check_dtype=False)
    frames = pd.read_parquet(tmp_path / "frames.parquet")
    assert len(frames) == len(sents)
    assert (frames[["doc_id", "sentence_id"]].to_numpy() == sents[["doc_id", "sentence_id"]].to_numpy()).all()
    assert summary["rows"]["sentences"] == len(sents)
    assert set(pipeline.STAGES) - {"sentiment"} <= set(summary["seconds"]) | {"tokens"}
    assert json.loads((tmp_path / "summary.json").read_text())["articles"] == 2
    if summary["sentiment"] == "computed":
        senti = pd.read_parquet(tmp_path / "sentiment.parquet")
        assert len(senti) == len(sents)


def test_chunked_run_equals_single_chunk(tmp_path, gnad_sample):
    a = pipeline.run(gnad_sample, out=tmp_path / "one", use_cache=False, progress=False, chunk_size=10_000)
    b = pipeline.run(gnad_sample, out=tmp_path / "many", use_cache=False, progress=False, chunk_size=4)
    assert a["chunks"] == 1 and b["chunks"] > 3
    for name in a["files"]:
        if name.endswith(".parquet"):
            pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "one" / name), pd.read_parquet(tmp_path / "many" / name))


def _cli(*args, env=None, cwd=paths.ROOT):
    full = dict(os.environ, TQDM_DISABLE="1", **(env or {}))
    return subprocess.run([PY, "-m", "analysis", *args], capture_output=True, text=True, cwd=cwd, env=full)


def test_cli_help_imports_no_heavy_module():
    code = "import sys; from analysis import cli; print(sorted(m for m in ('pandas', 'numpy', 'dask', 'pyarrow') if m in sys.modules))"
    out = subprocess.run([PY, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    res = _cli("--help")
    assert res.returncode == 0 and "run" in res.stdout
    res = _cli("run", "--help")
    for option in ("--text", "--outlet", "--title", "--date", "--doc-id", "--url", "--cache-dir", "--no-cache",
                   "--workers", "--scheduler"):
        assert option in res.stdout


def test_cli_runs_any_tabular_corpus_with_a_column_mapping(tmp_path):
    table = pd.DataFrame({"body": ["Leica baut Kameras. Xiaomi baut Telefone.", "Sony baut Sensoren. Das ist gut."],
                          "source": ["a", "b"], "headline": ["Eins", "Zwei"]})
    table.to_csv(tmp_path / "in.csv", index=False)
    res = _cli("run", str(tmp_path / "in.csv"), "--out", str(tmp_path / "out"), "--text", "body", "--outlet", "source",
               "--title", "headline", "--no-cache", "--quiet")
    assert res.returncode == 0, res.stderr
    arts = pd.read_csv(tmp_path / "out" / "articles.csv")
    assert arts["outlet"].tolist() == ["a", "b"] and arts["title"].tolist() == ["Eins", "Zwei"]
    assert len(pd.read_parquet(tmp_path / "out" / "sentences.parquet")) >= 4


def test_cli_wrong_column_fails_with_the_available_columns(tmp_path):
    pd.DataFrame({"body": ["x"]}).to_csv(tmp_path / "in.csv", index=False)
    res = _cli("run", str(tmp_path / "in.csv"), "--out", str(tmp_path / "out"), "--no-cache", "--quiet")
    assert res.returncode == 2
    assert "body" in res.stderr and "Traceback" not in res.stderr
    res = _cli("run", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "out"))
    assert res.returncode == 2 and "no such file" in res.stderr


def test_frames_with_the_shared_tokens_equal_frames_tokenised_alone():
    """The chunk's one tokenisation is handed to frame coding; the codes must not change."""
    from analysis import corpus, paths, tokens

    sents = corpus.sentences(corpus.load(paths.SEEDS))
    shared = pipeline.frames(sents, tokens=tokens.tokenize(sents))
    pd.testing.assert_frame_equal(shared, pipeline.frames(sents))
    assert shared.drop(columns=[c for c in shared.columns if c in ("doc_id", "outlet", "sentence_id", "part", "paragraph", "evidence")]).to_numpy().any()


def test_table_writer_gives_the_same_file_from_pandas_or_arrow_chunks(tmp_path):
    chunks = [
        pd.DataFrame({"doc_id": ["a", "b"], "n": [1, 2], "evidence": [None, None], "p": [0.5, -1.0]}),
        pd.DataFrame({"doc_id": ["c"], "n": [3], "evidence": ["x: y [0:1]"], "p": [0.25]}),
        pd.DataFrame({"doc_id": pd.Series([], dtype=object), "n": pd.Series([], dtype="int64"),
                      "evidence": pd.Series([], dtype=object), "p": pd.Series([], dtype=float)}),
    ]
    frames = {}
    for how in ("pandas", "arrow"):
        writer = pipeline._TableWriter(tmp_path / f"{how}.parquet")
        for chunk in chunks:
            writer.write(chunk if how == "pandas" else pipeline.to_arrow(chunk))
        assert writer.close() and writer.rows == 3
        frames[how] = pd.read_parquet(tmp_path / f"{how}.parquet")
    pd.testing.assert_frame_equal(frames["pandas"], frames["arrow"])
    expected = pd.concat(chunks[:2], ignore_index=True)
    pd.testing.assert_frame_equal(frames["pandas"], expected)  # all-missing first chunk stored as text


def test_process_chunk_in_arrow_form_equals_the_pandas_tables_converted(tmp_path, seeds):
    versions = cache.stage_versions()
    pandas_plan = pipeline.Plan(versions=versions)
    expected = pipeline.process_chunk(seeds, "k", pandas_plan)
    for enabled in (False, True):  # converted once for the cache and the output, or only for the output
        plan = pipeline.Plan(versions=versions, cache_root=str(tmp_path / "c"), cache_enabled=enabled)
        for attempt in ("computed", "from the cache"):
            got = pipeline.process_chunk(seeds, "k", plan, arrow=True)
            assert got["hits"] == ([] if not enabled or attempt == "computed" else
                                   ["sentences", "sentiment", "frames", "counts"])
            for name in pipeline.OUTPUT_TABLES:
                assert got[name].schema.metadata is None
                assert got[name].equals(pipeline.to_arrow(expected[name])), (name, enabled, attempt)
            pd.testing.assert_frame_equal(got["counts"], expected["counts"])


def test_cluster_is_started_early_only_when_the_run_will_use_it(tmp_path, monkeypatch):
    big, small = tmp_path / "big.tsv", tmp_path / "small.tsv"
    big.write_bytes(b"x" * pipeline.AUTO_PARALLEL_BYTES)
    small.write_bytes(b"x" * 100)
    monkeypatch.setattr(pipeline, "_auto_workers", lambda: 2)
    assert pipeline._wants_cluster(big, "auto", None)
    assert not pipeline._wants_cluster(small, "auto", None)
    assert pipeline._wants_cluster(small, 2, None) and not pipeline._wants_cluster(big, 1, None)
    assert pipeline._wants_cluster(small, 1, "tcp://host:8786")
    monkeypatch.setattr(pipeline, "_auto_workers", lambda: 1)
    assert not pipeline._wants_cluster(big, "auto", None)


def test_long_chunks_are_processed_in_equal_parts():
    chunk = pd.DataFrame({"i": range(2500)})
    got = list(pipeline.parts(chunk, "k", size=1000))
    assert [len(p) for p, _ in got] == [833, 834, 833] and [k for _, k in got] == ["k-1of3", "k-2of3", "k-3of3"]
    assert pd.concat([p for p, _ in got], ignore_index=True).equals(chunk)
    assert [(len(p), k) for p, k in pipeline.parts(chunk.iloc[:1000], "k", size=1000)] == [(1000, "k")]
