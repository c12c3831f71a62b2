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
