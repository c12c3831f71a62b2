"""The cache: cached and uncached runs give the same tables; a change invalidates only what it affects."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pandas as pd
import pytest

from analysis import cache, paths, pipeline

PY = sys.executable


def _tables(folder):
    return {p.name: pd.read_parquet(p) for p in sorted(folder.glob("*.parquet"))}


def _assert_same(a, b):
    ta, tb = _tables(a), _tables(b)
    assert ta.keys() == tb.keys() and ta
    for name in ta:
        pd.testing.assert_frame_equal(ta[name], tb[name], obj=name)


def _cli(*args):
    env = dict(os.environ, TQDM_DISABLE="1")
    return subprocess.run([PY, "-m", "analysis", "run", *args], capture_output=True, text=True, env=env)


@pytest.fixture
def corpus_dir(tmp_path):
    """The two seed articles as a folder, one chunk each (chunk size 1)."""
    folder = tmp_path / "corpus"
    shutil.copytree(paths.SEEDS, folder)
    return folder


def test_cached_equals_uncached_and_hits_every_chunk(tmp_path, corpus_dir):
    c = tmp_path / "cache"
    cold = pipeline.run(corpus_dir, out=tmp_path / "cold", cache_dir=c, progress=False, chunk_size=1)
    warm = pipeline.run(corpus_dir, out=tmp_path / "warm", cache_dir=c, progress=False, chunk_size=1)
    none = pipeline.run(corpus_dir, out=tmp_path / "none", use_cache=False, progress=False, chunk_size=1)
    assert sum(cold["cache_hits"].values()) == 0
    assert warm["cache_hits"]["sentences"] == warm["cache_hits"]["frames"] == warm["cache_hits"]["counts"] == 2
    _assert_same(tmp_path / "cold", tmp_path / "warm")
    _assert_same(tmp_path / "cold", tmp_path / "none")


def test_changed_article_invalidates_only_its_chunk(tmp_path, corpus_dir):
    c = tmp_path / "cache"
    pipeline.run(corpus_dir, out=tmp_path / "a", cache_dir=c, progress=False, chunk_size=1)
    target = sorted(corpus_dir.glob("*.txt"))[1]
    target.write_text(target.read_text(encoding="utf-8") + "\n\nEin neuer Absatz über Leica und Xiaomi.", encoding="utf-8")
    again = pipeline.run(corpus_dir, out=tmp_path / "b", cache_dir=c, progress=False, chunk_size=1)
    assert again["chunks"] == 2
    assert again["cache_hits"]["sentences"] == 1 and again["cache_hits"]["frames"] == 1
    fresh = pipeline.run(corpus_dir, out=tmp_path / "c", use_cache=False, progress=False, chunk_size=1)
    _assert_same(tmp_path / "b", tmp_path / "c")
    assert "Ein neuer Absatz" in " ".join(pd.read_parquet(tmp_path / "b" / "sentences.parquet")["text"])


def test_changed_codebook_recodes_frames_only(tmp_path, corpus_dir):
    c = tmp_path / "cache"
    book = tmp_path / "book.yaml"
    shutil.copy(paths.CODEBOOKS / "tech-partnership.yaml", book)
    pipeline.run(corpus_dir, out=tmp_path / "a", cache_dir=c, progress=False, chunk_size=1, codebook=book)
    v1 = pipeline.stage_versions(codebook=book)
    book.write_text(book.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    v2 = pipeline.stage_versions(codebook=book)
    assert v1["frames"] != v2["frames"]
    assert {k for k in v1 if v1[k] != v2[k]} == {"frames"}
    again = pipeline.run(corpus_dir, out=tmp_path / "b", cache_dir=c, progress=False, chunk_size=1, codebook=book)
    assert again["cache_hits"]["frames"] == 0
    assert again["cache_hits"]["sentences"] == 2 and again["cache_hits"]["counts"] == 2


def test_input_digest_is_by_content_and_remembered(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("text\nHallo Welt.\n", encoding="utf-8")
    b.write_text("text\nHallo Welt.\n", encoding="utf-8")
    root = tmp_path / "c"
    assert cache.input_digest(a, root=root) == cache.input_digest(b, root=root)
    old = time.time() - 60
    os.utime(a, (old, old))
    first = cache.input_digest(a, root=root)
    assert (root / "inputs.json").is_file()
    a.write_text("text\nHallo Mond.\n", encoding="utf-8")  # new mtime and content: re-hashed
    assert cache.input_digest(a, root=root) != first


def test_cli_warm_run_restores_outputs_without_pandas(tmp_path, corpus_dir):
    c = tmp_path / "cache"
    res = _cli(str(corpus_dir), "--out", str(tmp_path / "out1"), "--cache-dir", str(c))
    assert res.returncode == 0, res.stderr
    env = dict(os.environ, TQDM_DISABLE="1")
    res = subprocess.run([PY, "-X", "importtime", "-m", "analysis", "run", str(corpus_dir), "--out", str(tmp_path / "out2"),
                          "--cache-dir", str(c)], capture_output=True, text=True, env=env)
    assert res.returncode == 0 and "unchanged since a cached run" in res.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in res.stderr.splitlines() if line.startswith("import time:")}
    assert "pandas" not in imported and "numpy" not in imported
    _assert_same(tmp_path / "out1", tmp_path / "out2")
    # an output file changed by the user is never served again from the cache
    victim = tmp_path / "out2" / "sentences.parquet"
    with open(victim, "ab") as f:
        f.write(b"x")
    _tables(tmp_path / "out1")  # the other output folder is untouched
    res = _cli(str(corpus_dir), "--out", str(tmp_path / "out2"), "--cache-dir", str(c))
    assert res.returncode == 0 and "unchanged since a cached run" in res.stderr
    _assert_same(tmp_path / "out1", tmp_path / "out2")  # the damaged file was replaced
    # a cache file changed behind our back is never served
    run_dir = next((c / "runs").iterdir())
    with open(run_dir / "frames.parquet", "ab") as f:
        f.write(b"x")
    res = _cli(str(corpus_dir), "--out", str(tmp_path / "out3"), "--cache-dir", str(c))
    assert res.returncode == 0 and "unchanged since a cached run" not in res.stderr
    _assert_same(tmp_path / "out1", tmp_path / "out3")


def test_no_cache_writes_nothing(tmp_path, corpus_dir):
    c = tmp_path / "cache"
    res = _cli(str(corpus_dir), "--out", str(tmp_path / "out"), "--cache-dir", str(c), "--no-cache")
    assert res.returncode == 0, res.stderr
    assert not c.exists()


def test_cache_root_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_root() == (tmp_path / "media-analysis").resolve()
    assert cache.cache_root(tmp_path / "x") == (tmp_path / "x").resolve()


# --------------------------------------------------------------------------- JSON snapshots of derived data


def test_json_snapshot_builds_once_then_restores_and_rebuilds_a_damaged_file(tmp_path):
    source = tmp_path / "words.txt"
    source.write_text("gut 1\nschlecht -1\n", encoding="utf-8")
    calls = []

    def build():
        calls.append(1)
        return {w: float(v) for w, v in (line.split() for line in source.read_text(encoding="utf-8").splitlines())}

    kwargs = dict(sources=[source], version="1", build=build, encode=lambda d: [list(d), list(d.values())],
                  restore=lambda data: dict(zip(data[0], data[1], strict=True)))
    first, how1 = cache.json_snapshot(tmp_path / "c", "words", **kwargs)
    second, how2 = cache.json_snapshot(tmp_path / "c", "words", **kwargs)
    assert (how1, how2, len(calls)) == ("built", "snapshot", 1)
    assert second == first == {"gut": 1.0, "schlecht": -1.0} and list(second) == ["gut", "schlecht"]
    (snap,) = (tmp_path / "c").glob("words-*.json")
    snap.write_text('[["gut"], [1.0, 2.0]', encoding="utf-8")  # truncated JSON
    assert cache.json_snapshot(tmp_path / "c", "words", **kwargs) == (first, "built")
    snap.write_text('[["gut"], [1.0, 2.0]]', encoding="utf-8")  # valid JSON that restore rejects
    assert cache.json_snapshot(tmp_path / "c", "words", **kwargs) == (first, "built")
    assert cache.json_snapshot(tmp_path / "c", "words", **kwargs)[1] == "snapshot"
    # a changed source or version is another file; no folder: always built
    source.write_text("gut 0.5\n", encoding="utf-8")
    assert cache.json_snapshot(tmp_path / "c", "words", **kwargs) == ({"gut": 0.5}, "built")
    assert cache.json_snapshot(tmp_path / "c", "words", **{**kwargs, "version": "2"})[1] == "built"
    assert len(list((tmp_path / "c").glob("words-*.json"))) == 3
    assert cache.json_snapshot(None, "words", **kwargs) == ({"gut": 0.5}, "built")
