"""Dask partitions give exactly the tables of the pandas path (on a small real sample)."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis import parallel, paths, pipeline


@pytest.fixture(scope="module")
def sample():
    path = paths.SHARED_DATA / "10kgnad" / "articles_test.tsv"
    if not path.is_file():
        pytest.skip(f"10kGNAD not found at {path}")
    raw = pd.read_csv(path, sep="\t").iloc[100:116]
    return pd.DataFrame({"doc_id": [f"p{i:03d}" for i in range(len(raw))], "outlet": raw["category"].to_numpy(),
                         "text": raw["text"].to_numpy(), "parts": "lead"})


def test_dask_run_equals_pandas_run(tmp_path, sample):
    a = pipeline.run(sample, out=tmp_path / "pandas", use_cache=False, progress=False, chunk_size=4, workers=1)
    b = pipeline.run(sample, out=tmp_path / "dask", use_cache=False, progress=False, chunk_size=4, workers=2)
    assert b["workers"] == 2 and a["chunks"] == b["chunks"] > 2
    names = [n for n in a["files"] if n.endswith(".parquet")]
    assert {"sentences.parquet", "frames.parquet", "keyness.parquet"} <= set(names)
    for name in names:
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "pandas" / name),
                                      pd.read_parquet(tmp_path / "dask" / name), obj=name)


def test_map_stage_on_partitions_equals_pandas(sample):
    import dask.dataframe as dd

    ddf = dd.from_pandas(sample, npartitions=3, sort=False)
    sents = parallel.map_stage(ddf, "sentences")
    got = sents.compute().reset_index(drop=True)
    pd.testing.assert_frame_equal(got, pipeline.sentences(sample), check_dtype=False)
    toks = parallel.map_stage(sents, "tokens").compute(scheduler="synchronous").reset_index(drop=True)
    pd.testing.assert_frame_equal(toks, pipeline.tokens(pipeline.sentences(sample)), check_dtype=False)


def test_unknown_stage_is_named():
    import dask.dataframe as dd

    with pytest.raises(ValueError, match="sentences"):
        parallel.map_stage(dd.from_pandas(pd.DataFrame({"text": ["x"]}), npartitions=1), "keyness")


def test_chunks_sent_a_few_at_a_time_come_back_in_order_and_equal(sample):
    """More chunks than the window of partitions in flight (2 per worker thread): same tables, same order."""
    articles = sample.iloc[:10].reset_index(drop=True)
    bounds = [(i, i + 1) for i in range(len(articles))]
    keys = [f"k{i}" for i in range(len(articles))]
    plan = pipeline.Plan(versions=pipeline.stage_versions())
    chunks = ((articles.iloc[a:b], k) for (a, b), k in zip(bounds, keys))  # a stream, read lazily
    got = list(parallel.process_chunks(chunks, plan, workers=1))
    assert len(got) == len(bounds)
    for (a, b), (chunk, result) in zip(bounds, got):
        pd.testing.assert_frame_equal(chunk, articles.iloc[a:b])
        expected = pipeline.process_chunk(articles.iloc[a:b], "x", plan)
        for name in pipeline.OUTPUT_TABLES:
            pd.testing.assert_frame_equal(result[name].to_pandas(), expected[name], obj=name)
        pd.testing.assert_frame_equal(result["counts"], expected["counts"], obj="counts")


def test_workers_keep_freed_memory_for_the_next_chunk():
    import sys

    if not sys.platform.startswith("linux"):
        pytest.skip("glibc mallopt only")
    assert parallel._tune_malloc()


def test_dask_run_of_a_corpus_file_streams_and_equals_pandas_run(tmp_path, sample):
    """From a file, articles are cleaned batch by batch while the workers analyse earlier chunks."""
    path = tmp_path / "corpus.tsv"
    sample.rename(columns={"outlet": "category"}).to_csv(path, sep="\t", index=False)
    a = pipeline.run(path, out=tmp_path / "pandas", column_mapping={"outlet": "category"}, use_cache=False,
                     progress=False, chunk_size=4, workers=1)
    b = pipeline.run(path, out=tmp_path / "dask", column_mapping={"outlet": "category"}, use_cache=False,
                     progress=False, chunk_size=4, workers=2)
    assert b["workers"] == 2 and a["chunks"] == b["chunks"] > 2 and a["articles"] == len(sample)
    for name in a["files"]:
        if name.endswith(".parquet"):
            pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "pandas" / name),
                                          pd.read_parquet(tmp_path / "dask" / name), obj=name)


def test_load_sends_the_next_chunk_where_least_waits():
    load = parallel._Load({"tcp://b": 1, "tcp://a": 1, "tcp://c": 2})
    assert load.least() == "tcp://a"  # all idle: the first address
    load.add("k1", "tcp://a", 500)
    load.add("k2", "tcp://b", 300)
    assert load.least() == "tcp://c"  # two threads: 0 per thread
    load.add("k3", "tcp://c", 800)  # 400 per thread
    assert load.least() == "tcp://b"
    load.remove("k1")
    assert load.least() == "tcp://a"
    load.forget("tcp://a")
    assert load.least() == "tcp://b"
    assert parallel._Load({}).least() is None  # a shared cluster: Dask places the chunks
