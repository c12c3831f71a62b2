"""The whole analysis as one pipeline of stages on DataFrames, in chunks, with a cache.

Stages (each a function from DataFrame to DataFrame, usable on its own):

==============  ==========================================  ============================================
stage           function                                    output
==============  ==========================================  ============================================
``load``        :func:`load`                                articles (:func:`analysis.corpus.load`)
``sentences``   :func:`sentences`                           sentences (:func:`analysis.corpus.sentences`)
``tokens``      :func:`tokens`                              tokens (:func:`analysis.tokens.tokenize`)
``sentiment``   :func:`sentiment`                           per sentence (:func:`analysis.sentiment.score`)
``frames``      :func:`frames`                              per sentence (:func:`analysis.framing.code`)
``keyness``     :func:`term_counts` per chunk, summed;      key terms per outlet
                then :func:`keyness_from_counts`            (same result as :func:`analysis.keyness.compare`)
==============  ==========================================  ============================================

:func:`run` applies them to a corpus of any size: the articles are cut into
chunks (a few hundred articles each, boundaries chosen by content so the cache
stays valid when articles are added or edited), each chunk goes through the
per-article stages and is written out at once, so memory holds one chunk's
tables, not the corpus's. Keyness needs only the per-outlet term counts, which
are summed over the chunks. Chunks run in this process, or on Dask partitions
(:mod:`analysis.parallel`) with ``workers > 1`` or a scheduler address; the
results are identical.

Every chunk's tables are cached (:mod:`analysis.cache`), keyed by the chunk's
articles and the version of each stage; the finished output files are cached
too, keyed by the input's content, so a re-run of the same corpus only copies
the files (or finds them still in place).
"""
from __future__ import annotations

import contextlib
import functools
import itertools
import json
import os
import sys
import time
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import cache as cache_mod
from . import corpus
from . import tokens as tokens_mod

__all__ = [
    "STAGES",
    "load",
    "sentences",
    "tokens",
    "sentiment",
    "frames",
    "term_counts",
    "sum_counts",
    "keyness_from_counts",
    "article_keys",
    "chunk_bounds",
    "Chunker",
    "parts",
    "stage_versions",
    "process_chunk",
    "run",
]

#: The stages, in order; timings and memory are reported per stage.
STAGES = ("load", "sentences", "tokens", "sentiment", "frames", "keyness")
#: Tables computed per chunk (and cached per chunk).
CHUNK_TABLES = ("sentences", "sentiment", "frames", "counts")
#: Key columns carried into the per-sentence result tables.
SENTENCE_KEYS = ["doc_id", "outlet", "paragraph", "part", "sentence_id"]
#: Output tables with fewer rows than this are also written as CSV.
CSV_MAX_ROWS = 50_000
DEFAULT_CHUNK_SIZE = 1000
#: With ``workers="auto"``, corpora of at least this many articles use all cores (Dask).
AUTO_PARALLEL_ARTICLES = 2_000
DEFAULT_CODEBOOK = cache_mod.DEFAULT_CODEBOOK
stage_versions = cache_mod.stage_versions
run_key = cache_mod.run_key

# --------------------------------------------------------------------------- stages


def load(path: str | os.PathLike, **column_mapping: str) -> pd.DataFrame:
    """Stage ``load``: the articles table (see :func:`analysis.corpus.load`)."""
    return corpus.load(path, **column_mapping)


def sentences(articles: pd.DataFrame) -> pd.DataFrame:
    """Stage ``sentences``: one row per sentence (see :func:`analysis.corpus.sentences`)."""
    return corpus.sentences(articles)


def tokens(sentences: pd.DataFrame) -> pd.DataFrame:
    """Stage ``tokens``: one row per token (see :func:`analysis.tokens.tokenize`)."""
    return tokens_mod.tokenize(sentences)


def _sentiment_module():
    try:
        from . import sentiment as module  # noqa: PLC0415 - built by the sentiment issue
    except ImportError:
        return None
    return module if hasattr(module, "score") else None


def _new_columns(result: pd.DataFrame, data: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The key columns of ``data`` plus the columns ``result`` added to it."""
    added = [c for c in result.columns if c not in data.columns]
    out = pd.concat([data[keys].reset_index(drop=True), result[added].reset_index(drop=True)], axis=1)
    for col in added:  # nested evidence (lists, dicts) becomes JSON text so it can be stored
        if out[col].dtype != object or not len(out) or pd.api.types.infer_dtype(out[col], skipna=False) == "string":
            continue  # all text already (checked in C)
        if not out[col].map(lambda v: v is None or isinstance(v, str)).all():
            out[col] = out[col].map(lambda v: v if v is None or isinstance(v, str) else json.dumps(v, ensure_ascii=False, default=str))
    return out


def sentiment(sentences: pd.DataFrame, *, method: str | None = None,
              tokens: pd.DataFrame | None = None) -> pd.DataFrame:
    """Stage ``sentiment``: the sentence keys plus the columns :func:`analysis.sentiment.score` adds.

    ``tokens``: the token table of ``sentences`` (stage ``tokens``), so the
    sentences are not tokenised again; the scores are the same.

    Raises
    ------
    ImportError
        If :mod:`analysis.sentiment` is not installed.
    """
    module = _sentiment_module()
    if module is None:
        raise ImportError("analysis.sentiment.score is not available")
    kwargs = {} if method is None else {"method": method}
    if tokens is not None:
        kwargs["tokens"] = tokens
    scored = module.score(sentences, text="text", **kwargs)
    return _new_columns(scored, sentences, [k for k in SENTENCE_KEYS if k in sentences.columns])


_CODEBOOKS: dict = {}


def _codebook(codebook):
    """The loaded codebook, parsed once per process (and again when its file changes)."""
    if not isinstance(codebook, (str, os.PathLike)):
        return codebook
    from . import codebook as cbm

    path = cache_mod._codebook_file(codebook)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return codebook  # let framing report the unknown codebook
    key = (str(codebook), str(path), stamp)
    if key not in _CODEBOOKS:
        _CODEBOOKS.clear()
        _CODEBOOKS[key] = cbm.load(codebook)
    return _CODEBOOKS[key]


def frames(
    sentences: pd.DataFrame,
    *,
    codebook: str | os.PathLike = DEFAULT_CODEBOOK,
    tokens: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Stage ``frames``: the sentence keys plus one boolean column per frame and the evidence.

    See :func:`analysis.framing.code`; ``tokens`` (the chunk's :func:`tokens`) spares a
    second tokenisation.
    """
    from . import framing

    coded = framing.code(sentences, text="text", codebook=_codebook(codebook), tokens=tokens)
    return _new_columns(coded, sentences, [k for k in SENTENCE_KEYS if k in sentences.columns])


#: Tokens that make the next token "sentence-initial" (as in :func:`analysis.terms.annotate`).
_OPENING = ["„", "“", '"', "»", "«", "(", "–", "-"]
_COUNTED_KINDS = ["word", "number", "url"]
_COUNT_KEYS = ("kind", "token", "lower", "first")


def term_counts(tokens: pd.DataFrame, *, by: str = "outlet") -> pd.DataFrame:
    """Per-chunk part of stage ``keyness``: how often each word form occurs per group.

    One row per group, kind, surface form, lower-case form and whether the form
    stood at the start of a sentence (which decides its lemma, see
    :func:`analysis.terms.annotate`), with the count ``n``, in order of first
    appearance (as ``groupby(sort=False)`` orders them). Counts of chunks add up
    (:func:`sum_counts`); :func:`keyness_from_counts` turns the sum into key terms.
    """
    token_id = tokens["token_id"].to_numpy()
    token = tokens["token"].to_numpy(dtype=object)
    # the forms, numbered once (-1: missing): what is decided per form is decided once
    codes, forms = pd.factorize(token)
    complete = not len(codes) or codes.min() >= 0
    first = token_id == 0
    if len(tokens):
        if complete:
            opening = np.fromiter(map(set(_OPENING).__contains__, forms), dtype=bool, count=len(forms))[codes[:-1]]
        else:
            opening = pd.Series(token[:-1]).isin(_OPENING).to_numpy()
        first[1:] |= opening & (token_id[1:] == 1)
    keep = tokens["kind"].isin(_COUNTED_KINDS).to_numpy()
    frame = pd.DataFrame(
        {
            by: tokens[by].to_numpy()[keep],
            "kind": tokens["kind"].to_numpy()[keep],
            "token": token[keep],
            "lower": tokens["lower"].to_numpy()[keep],
            "first": first[keep],
        }
    )
    fast = _counts_by_form(frame, codes[keep], len(forms), by=by) if complete else None
    if fast is not None:
        return fast
    keys = [by, *_COUNT_KEYS]
    return frame.groupby(keys, sort=False, observed=True).size().rename("n").reset_index()


def _counts_by_form(frame: pd.DataFrame, codes: np.ndarray, n_forms: int, *, by: str) -> pd.DataFrame | None:
    """:func:`term_counts`'s groups from the form numbers (``None``: the general groupby is needed).

    The tokenizer decides a form's kind and lower case once per distinct form, so
    the groups are those of (group, form, first): one hash pass over the group
    values and one over integers instead of one per key column. Checked, not
    assumed: ``None`` if a form has two kinds or lower cases, or a key is missing
    (which groupby leaves out; a missing value is unequal to itself, so the
    comparison finds it) or categorical. ``codes`` number the forms (no missing
    token), ``n_forms`` is their count.
    """
    if not len(frame) or isinstance(frame[by].dtype, pd.CategoricalDtype):
        return None
    groups, group_values = pd.factorize(frame[by].to_numpy())
    if groups.min() < 0:
        return None
    where = np.full(n_forms, -1, dtype=np.int64)
    where[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)  # the last write per form is its first row
    for column in ("kind", "lower"):
        col = frame[column].to_numpy()
        if not (col[where[codes]] == col).all():
            return None
    key = (codes.astype(np.int64) * len(group_values) + groups) * 2 + frame["first"].to_numpy(dtype=bool)
    key_codes, distinct = pd.factorize(key, sort=False)
    n = np.bincount(key_codes, minlength=len(distinct))
    first_row = np.empty(len(distinct), dtype=np.int64)
    first_row[key_codes[::-1]] = np.arange(len(key_codes) - 1, -1, -1)
    out = frame.iloc[first_row].reset_index(drop=True)
    out["n"] = n.astype(np.int64)
    return out


def sum_counts(parts: list[pd.DataFrame], *, by: str = "outlet") -> pd.DataFrame:
    """Add up :func:`term_counts` tables."""
    parts = [p for p in parts if p is not None and len(p)]
    if not parts:
        return pd.DataFrame({by: [], "kind": [], "token": [], "lower": [], "first": [], "n": []})
    frame = pd.concat(parts, ignore_index=True)
    # ``kind`` and ``lower`` follow from the token (the tokenizer decides both per distinct form),
    # so the groups are those of (group, token, first): numbered with three hash passes and summed
    # with bincount, in order of first appearance, as ``groupby(keys, sort=False)`` orders them
    # (2.4x faster on the 1.06 million count rows of 10,000 10kGNAD articles).
    tokens, _ = pd.factorize(frame["token"], sort=False, use_na_sentinel=False)
    groups, group_values = pd.factorize(frame[by], sort=False, use_na_sentinel=False)
    key = (tokens.astype(np.int64) * max(len(group_values), 1) + groups) * 2 + frame["first"].to_numpy(dtype=bool)
    codes, distinct = pd.factorize(key, sort=False)
    n = np.bincount(codes, weights=frame["n"].to_numpy(dtype=np.int64), minlength=len(distinct))
    first_row = np.empty(len(distinct), dtype=np.int64)
    first_row[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)  # the last write per code is its first row
    out = frame.iloc[first_row][[by, "kind", "token", "lower", "first"]].reset_index(drop=True)
    out["n"] = n.astype(np.int64)
    return out


def keyness_from_counts(
    counts: pd.DataFrame,
    *,
    by: str = "outlet",
    measure: str = "g2",
    unit: str = "lemma",
    min_count: int = 2,
) -> pd.DataFrame:
    """Stage ``keyness``: :func:`analysis.keyness.compare` (every outlet against the rest) from summed counts.

    The same result as ``keyness.compare(tokens, by=by, measure=measure, unit=unit,
    min_count=min_count)`` on the whole corpus's tokens (a test checks this), but
    from the counts of :func:`term_counts`, so the tokens of a large corpus never
    need to be in memory together. With one group only, the group is compared
    with general German (``reference="wordfreq"``).
    """
    from . import keyness as key
    from . import terms

    if counts.empty:
        return pd.DataFrame(columns=key.COLUMNS)
    compact = counts.copy()
    compact["token_id"] = np.where(compact["first"].to_numpy(dtype=bool), 0, 1)
    compact = compact.drop(columns=["first"])
    ann = terms.annotate(compact, unit=unit, stopwords=True)
    totals = ann.loc[ann["counted"].to_numpy()].groupby(by, observed=True, sort=True)["n"].sum()
    rows = ann[ann["term"].notna()]
    freq = rows.groupby([by, "term"], observed=True, sort=True)["n"].sum().rename("n").reset_index()
    table = freq.pivot_table(index="term", columns=by, values="n", aggfunc="sum", fill_value=0, observed=True)
    table.columns = [str(c) for c in table.columns]
    totals = totals[totals.index.isin(freq[by].unique())]
    totals.index = [str(i) for i in totals.index]
    groups = list(totals.index)
    # one group only: compare it with general German
    reference = "wordfreq" if len(groups) < 2 else None
    return key.from_counts(table, totals, reference=reference, measure=measure, min_count=min_count,
                           annotated=ann, unit=unit)


# --------------------------------------------------------------------------- chunks and versions


def article_keys(articles: pd.DataFrame) -> list[str]:
    """A content hash per article: its id, outlet, parts and text (what every derived row depends on)."""
    parts = articles["parts"] if "parts" in articles.columns else [""] * len(articles)
    return [
        cache_mod.text_digest(d, o, p, t)
        for d, o, p, t in zip(articles["doc_id"].astype(str), articles["outlet"].astype(str),
                              pd.Series(parts).astype(str), articles["text"].astype(str))
    ]


def _chunk_rule(size: int) -> tuple[int, int, int]:
    """``(low, modulus, high)`` of :func:`chunk_bounds` for an average chunk of ``size`` articles."""
    size = max(int(size), 1)
    return max(size // 2, 1), max(size // 2, 1), 2 * size


def chunk_bounds(keys: list[str], *, size: int = DEFAULT_CHUNK_SIZE) -> list[tuple[int, int]]:
    """Cut the articles into chunks of about ``size``, with boundaries chosen by content.

    A chunk has at least ``size // 2`` articles; after that, an article closes it
    when its hash, read as a number, is divisible by ``size // 2``, and at
    ``2 * size`` articles it is closed anyway (on average about ``size`` articles).
    Editing, inserting or removing an article therefore moves at most the
    boundaries next to it, and the other chunks keep their cache keys. (Chunks
    differ less in size than with a wider range, so at the end of a run no worker
    is left with a much larger last chunk than the others.)
    """
    low, modulus, high = _chunk_rule(size)
    bounds, start = [], 0
    for i, k in enumerate(keys):
        length = i - start + 1
        if length >= high or (length >= low and int(k[:12], 16) % modulus == 0):
            bounds.append((start, i + 1))
            start = i + 1
    if start < len(keys):
        bounds.append((start, len(keys)))
    return bounds


class Chunker:
    """:func:`chunk_bounds`, fed a batch of articles at a time: the same chunks, as tables.

    :meth:`add` takes the next articles and their :func:`article_keys` and returns
    the chunks they complete, ``(articles, keys)``; :meth:`flush` returns the
    last, incomplete one. Fed the whole corpus in any batches, it cuts where
    :func:`chunk_bounds` cuts.
    """

    def __init__(self, *, size: int = DEFAULT_CHUNK_SIZE) -> None:
        self.low, self.modulus, self.high = _chunk_rule(size)
        self._frames: list[pd.DataFrame] = []
        self._keys: list[str] = []

    def add(self, articles: pd.DataFrame, keys: list[str]) -> list[tuple[pd.DataFrame, list[str]]]:
        out, start, pending = [], 0, len(self._keys)
        for i, k in enumerate(keys):
            length = pending + i - start + 1
            if length >= self.high or (length >= self.low and int(k[:12], 16) % self.modulus == 0):
                out.append(self._close(articles.iloc[start:i + 1], keys[start:i + 1]))
                start, pending = i + 1, 0
        if start < len(keys):
            self._frames.append(articles.iloc[start:])
            self._keys.extend(keys[start:])
        return out

    def flush(self) -> list[tuple[pd.DataFrame, list[str]]]:
        if not self._keys:
            return []
        return [self._close(None, [])]

    def _close(self, piece: pd.DataFrame | None, keys: list[str]) -> tuple[pd.DataFrame, list[str]]:
        frames = self._frames + ([piece] if piece is not None else [])
        keys = self._keys + list(keys)
        self._frames, self._keys = [], []
        chunk = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
        return chunk.reset_index(drop=True), keys


# --------------------------------------------------------------------------- measuring


def _reset_peak() -> None:
    """Reset the kernel's peak-RSS mark of this process (Linux; no-op elsewhere)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def _peak_rss() -> int:
    """Peak resident memory of this process in bytes since the last :func:`_reset_peak`."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


@dataclass
class Meter:
    """Wall time, CPU time (of this process) and peak memory per stage, added up over chunks."""

    seconds: dict[str, float] = field(default_factory=dict)
    peak: dict[str, int] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        _reset_peak()
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - t0
            self.cpu[name] = self.cpu.get(name, 0.0) + time.process_time() - c0
            self.peak[name] = max(self.peak.get(name, 0), _peak_rss())

    def add(self, other: "Meter | Mapping") -> None:
        seconds = other.seconds if isinstance(other, Meter) else other["seconds"]
        peak = other.peak if isinstance(other, Meter) else other["peak"]
        cpu = other.cpu if isinstance(other, Meter) else other.get("cpu", {})
        for k, v in seconds.items():
            self.seconds[k] = self.seconds.get(k, 0.0) + v
        for k, v in cpu.items():
            self.cpu[k] = self.cpu.get(k, 0.0) + v
        for k, v in peak.items():
            self.peak[k] = max(self.peak.get(k, 0), v)

    def as_dict(self) -> dict:
        return {"seconds": dict(self.seconds), "peak": dict(self.peak), "cpu": dict(self.cpu)}


# --------------------------------------------------------------------------- one chunk


@dataclass
class Plan:
    """What to compute for every chunk, and where to cache it."""

    versions: dict[str, str]
    codebook: str | os.PathLike = DEFAULT_CODEBOOK
    sentiment_method: str | None = None
    by: str = "outlet"
    with_sentiment: bool = True
    cache_root: str | None = None
    cache_enabled: bool = False

    def cache(self) -> cache_mod.Cache:
        return cache_mod.Cache(self.cache_root, enabled=self.cache_enabled)


def process_chunk(articles: pd.DataFrame, chunk_key: str, plan: Plan, *, arrow: bool = False) -> dict:
    """The per-article stages for one chunk of articles, read from the cache where possible.

    Parameters
    ----------
    arrow
        Return the tables of :data:`OUTPUT_TABLES` as Arrow tables (as
        :func:`to_arrow` makes them) instead of pandas tables; a table just
        computed is converted once, for the cache and the output together.

    Returns
    -------
    dict
        ``sentences``, ``sentiment`` (``None`` without the sentiment module),
        ``frames`` and ``counts`` tables, ``meter`` (seconds and peak memory per
        stage) and ``hits`` (the tables that came from the cache).
    """
    cache = plan.cache()
    meter = Meter()
    out: dict = {"hits": []}
    versions = plan.versions
    written: dict = {}  # the Arrow tables the cache wrote (with pandas metadata)

    def cached(table: str):
        found = cache.read_chunk(table, versions[table], chunk_key)
        if found is not None:
            out["hits"].append(table)
        return found

    def store(table: str, frame: pd.DataFrame) -> None:
        written[table] = cache.write_chunk(table, versions[table], chunk_key, frame)

    with meter.stage("sentences"):
        sents = cached("sentences")
        if sents is None:
            sents = sentences(articles)
            store("sentences", sents)
    out["sentences"] = sents

    senti = None
    if plan.with_sentiment:
        with meter.stage("sentiment"):
            senti = cached("sentiment")
    with meter.stage("frames"):
        coded = cached("frames")
    with meter.stage("keyness"):
        counts = cached("counts")
    toks = None
    need_sentiment = plan.with_sentiment and senti is None
    if need_sentiment or coded is None or counts is None:  # one tokenisation, shared by every stage
        with meter.stage("tokens"):
            toks = tokens(sents)
    if need_sentiment:
        with meter.stage("sentiment"):
            senti = sentiment(sents, method=plan.sentiment_method, tokens=toks)
            store("sentiment", senti)
    out["sentiment"] = senti if plan.with_sentiment else None

    if coded is None:
        with meter.stage("frames"):
            coded = frames(sents, codebook=plan.codebook, tokens=toks)
            store("frames", coded)
    out["frames"] = coded
    if counts is None:
        with meter.stage("keyness"):
            counts = term_counts(toks, by=plan.by)
            store("counts", counts)
    del toks
    out["counts"] = counts
    if arrow:
        for name in OUTPUT_TABLES:
            if out.get(name) is not None:
                done = written.get(name)
                out[name] = done.replace_schema_metadata(None) if done is not None else to_arrow(out[name])
    out["meter"] = meter.as_dict()
    return out


# --------------------------------------------------------------------------- output


#: The per-sentence tables written to the output folder, chunk by chunk.
OUTPUT_TABLES = ("sentences", "sentiment", "frames")


def to_arrow(frame: pd.DataFrame):
    """A pandas table as an Arrow table, as written to the output files (no index, no pandas metadata)."""
    import pyarrow as pa

    table = pa.Table.from_pandas(frame, preserve_index=False)
    return table.replace_schema_metadata(None)


class _TableWriter:
    """Append chunks of one table to a Parquet file (written under a temporary name, then renamed).

    Chunks come as pandas tables or as Arrow tables made by :func:`to_arrow` (the Dask
    workers convert their tables themselves); both give the same file. The first chunk
    fixes the schema (a column that is all missing in it is stored as text).
    """

    def __init__(self, path: Path, *, csv: bool = False):
        self.path = path
        self.tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
        self.writer = None
        self.schema = None
        self.rows = 0
        # The CSV copy, written chunk by chunk (only while every column is text: then each chunk's
        # CSV lines are those of the whole file's, which `read_parquet(...).to_csv()` would give).
        self.csv_path = path.with_suffix(".csv")
        self._csv_tmp = path.with_name(f".tmp-{os.getpid()}-{self.csv_path.name}")
        self._csv = None
        self._csv_wanted = csv
        self.has_csv = False  # close() wrote the CSV copy

    def write(self, frame) -> None:
        if frame is None:
            return
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = frame if isinstance(frame, pa.Table) else to_arrow(frame)
        if self.schema is None:
            fields = [pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f for f in table.schema]
            self.schema = pa.schema(fields).remove_metadata()
            self.writer = pq.ParquetWriter(self.tmp, self.schema, compression="zstd")
            if self._csv_wanted and all(pa.types.is_string(f.type) for f in self.schema):
                self._csv = open(self._csv_tmp, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed in close/abort
                pd.DataFrame(columns=self.schema.names).to_csv(self._csv, index=False)
        if not table.schema.equals(self.schema):
            table = table.cast(self.schema)
        self.writer.write_table(table)
        self.rows += table.num_rows
        if self._csv is not None:
            table.to_pandas().to_csv(self._csv, index=False, header=False)

    def close(self) -> bool:
        """Finish the Parquet file (``False``: nothing was written) and the CSV copy if there is one."""
        if self.writer is None:
            return False
        self.writer.close()
        os.replace(self.tmp, self.path)
        if self._csv is not None:
            self._csv.close()
            self._csv = None
            os.replace(self._csv_tmp, self.csv_path)
            self.has_csv = True
        return True

    def abort(self) -> None:
        if self.writer is not None:
            with contextlib.suppress(Exception):
                self.writer.close()
        if self._csv is not None:
            with contextlib.suppress(Exception):
                self._csv.close()
        for tmp in (self.tmp, self._csv_tmp):
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _write_small(frame: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    frame.to_csv(tmp, index=False)
    os.replace(tmp, path)


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    writer = _TableWriter(path)
    writer.write(frame)
    if not writer.close():
        frame.to_parquet(path, index=False)


# --------------------------------------------------------------------------- the whole run


def _progress(total: int, desc: str, enabled: bool | None):
    from tqdm.auto import tqdm

    quiet = os.environ.get("CI", "").lower() in {"1", "true", "yes"} or os.environ.get("TQDM_DISABLE", "") not in {"", "0"}
    disable = (not enabled) if enabled is not None else quiet
    return tqdm(total=total, desc=desc, unit="art", disable=disable or quiet, leave=False, dynamic_ncols=True)


def _short_thread_switches(func):
    """Run ``func`` with a thread switch interval of :data:`SWITCH_INTERVAL` (restored afterwards).

    With a Dask cluster this process runs threads (the cluster's event loop, the client's
    connection) beside the main thread, which cleans articles and writes tables. With the
    default 5 ms switch interval every small step of theirs waits for the main thread's time
    slice: the local cluster took 7.6-8.2 s to start instead of 5.5-6.2 s (10,000 10kGNAD
    articles, 2 workers). A short interval only costs more thread switches.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        previous = sys.getswitchinterval()
        sys.setswitchinterval(min(previous, SWITCH_INTERVAL))
        try:
            return func(*args, **kwargs)
        finally:
            sys.setswitchinterval(previous)

    return wrapper


@_short_thread_switches
def run(
    source: str | os.PathLike | pd.DataFrame,
    *,
    out: str | os.PathLike,
    column_mapping: Mapping[str, str] | None = None,
    codebook: str | os.PathLike = DEFAULT_CODEBOOK,
    sentiment_method: str | None = None,
    measure: str = "g2",
    cache_dir: str | os.PathLike | None = None,
    use_cache: bool = True,
    workers: int | str = 1,
    scheduler: str | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: bool | None = None,
    run_key: str | None = None,
) -> dict:
    """Run every stage on a corpus and write the tables to ``out``.

    Parameters
    ----------
    source
        A corpus path (anything :func:`analysis.corpus.load` reads) or an articles table.
    out
        Output folder: ``articles``, ``sentences``, ``sentiment``, ``frames`` and
        ``keyness`` as Parquet (and CSV when they have fewer than
        :data:`CSV_MAX_ROWS` rows), ``removed.csv``/``skipped.csv`` from
        loading, and ``summary.json`` (counts, seconds and peak memory per stage).
    column_mapping
        Passed to :func:`analysis.corpus.load` (``{"text": "body", ...}``).
    codebook, sentiment_method, measure
        The framing codebook, the sentiment method (``None``: the module's
        default) and the keyness measure.
    cache_dir, use_cache
        The cache folder (default :func:`analysis.cache.cache_root`) and whether to use it.
    workers, scheduler
        ``"auto"``: all cores for inputs of :data:`AUTO_PARALLEL_BYTES` or more
        (tables: :data:`AUTO_PARALLEL_ARTICLES` rows), else 1. ``workers > 1`` runs the chunks on a Dask ``LocalCluster`` with that many
        worker processes; ``scheduler`` connects to an existing Dask cluster.
    chunk_size
        Average articles per chunk.
    progress
        Show a progress bar (default: yes, unless ``CI`` or ``TQDM_DISABLE`` is set).
    run_key
        The finished-run cache key computed by the CLI (stored with the outputs).

    Returns
    -------
    dict
        The summary also written to ``summary.json``.
    """
    t_start = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    mapping = dict(column_mapping or {})
    meter = Meter()
    if workers == "auto":  # decided before loading, from the size of the input
        workers = _auto_workers() if _wants_cluster(source, "auto", scheduler) else 1
    on_dask = scheduler is not None or int(workers) > 1
    # A Dask cluster takes seconds to start (processes, imports): start it now, in the
    # background, so it comes up while this process reads and cleans the first articles.
    starting = None
    if on_dask:
        from . import parallel

        starting = parallel.Starting(workers=workers, scheduler=scheduler)
    closer = prefetch = None
    try:
        with meter.stage("load"):
            batches = _Source(source, mapping, batch_size=max(chunk_size // 4, 1))
        # the workers import the sentiment stack themselves; here it is only looked up
        with_sentiment = _sentiment_available() if on_dask else _sentiment_module() is not None
        if not with_sentiment:
            warnings.warn("analysis.sentiment is not available: the sentiment table is not written", stacklevel=2)
        versions = stage_versions(codebook=codebook, sentiment_method=sentiment_method, measure=measure,
                                  mapping=mapping)
        cache = cache_mod.Cache(cache_dir, enabled=use_cache)
        plan = Plan(versions=versions, codebook=str(codebook), sentiment_method=sentiment_method,
                    with_sentiment=with_sentiment, cache_root=str(cache.root), cache_enabled=use_cache)

        # the articles table has at most one row per input: with fewer inputs than CSV_MAX_ROWS it gets
        # a CSV copy, written chunk by chunk (the per-sentence tables' sizes are known only at the end)
        writers = {name: _TableWriter(out / f"{name}.parquet",
                                      csv=name == "articles" and batches.inputs < CSV_MAX_ROWS)
                   for name in ("articles", *OUTPUT_TABLES)}
        prefetch = _Prefetch() if on_dask else None
        counts_parts: list[pd.DataFrame] = []
        counts_rows = 0
        n_articles = n_chunks = 0
        hits = {t: 0 for t in CHUNK_TABLES}
        t_chunks = time.perf_counter()
        bar = _progress(batches.inputs, "analysis", progress)
        try:
            chunks = _stream_chunks(batches, chunk_size, meter)
            for chunk, result in _execute(chunks, plan, starting=starting):
                with meter.stage("write"):
                    writers["articles"].write(chunk)
                    for name in OUTPUT_TABLES:
                        writers[name].write(result[name])
                meter.add(result["meter"])
                for t in result["hits"]:
                    hits[t] += 1
                counts_parts.append(result["counts"])
                if prefetch is not None:
                    prefetch.add(result["counts"])
                counts_rows += len(result["counts"])
                if counts_rows > 2_000_000 and len(counts_parts) > 1:
                    with meter.stage("keyness"):
                        counts_parts = [sum_counts(counts_parts)]
                        counts_rows = len(counts_parts[0])
                n_articles += len(chunk)
                n_chunks += 1
                bar.update(len(chunk))
            written = {name: w.close() for name, w in writers.items()}
        except BaseException:
            for w in writers.values():
                w.abort()
            raise
        finally:
            bar.close()
        if starting is not None:  # the workers are done: shut them down while keyness runs here
            closer = _close_in_background(starting)
            starting = None
        removed, skipped = batches.removed(), batches.skipped()
    except BaseException:
        if closer is not None:
            closer.join()
        if prefetch is not None:
            prefetch.close(finish=False)
            prefetch = None
        raise
    finally:
        if starting is not None:
            starting.close()
        if prefetch is not None:
            prefetch.close()
    t_chunks = time.perf_counter() - t_chunks
    with meter.stage("keyness"):
        total_counts = sum_counts(counts_parts)
        del counts_parts
        key_table = keyness_from_counts(total_counts, measure=measure)
    with meter.stage("write"):
        _write_parquet(key_table, out / "keyness.parquet")
        _write_small(removed, out / "removed.csv")
        _write_small(skipped, out / "skipped.csv")
        files = {"keyness.parquet", "removed.csv", "skipped.csv"}
        if len(key_table) < CSV_MAX_ROWS:
            _write_small(key_table, out / "keyness.csv")
            files.add("keyness.csv")
        else:
            with contextlib.suppress(FileNotFoundError):
                (out / "keyness.csv").unlink()
        rows = {"articles": n_articles, "keyness": len(key_table)}
        for name, ok in written.items():
            if not ok:
                for suffix in (".parquet", ".csv"):  # a stale file from an earlier run would mislead
                    with contextlib.suppress(FileNotFoundError):
                        (out / f"{name}{suffix}").unlink()
                continue
            files.add(f"{name}.parquet")
            rows[name] = writers[name].rows
            if writers[name].has_csv:
                files.add(f"{name}.csv")
            elif writers[name].rows < CSV_MAX_ROWS:
                pd.read_parquet(out / f"{name}.parquet").to_csv(out / f"{name}.csv", index=False)
                files.add(f"{name}.csv")
            else:
                with contextlib.suppress(FileNotFoundError):
                    (out / f"{name}.csv").unlink()
    if closer is not None:
        closer.join()
    total = time.perf_counter() - t_start
    summary = {
        "articles": n_articles,
        "rows": rows,
        "chunks": n_chunks,
        "cache_hits": hits,
        "cache": str(cache.root) if use_cache else None,
        "workers": workers if scheduler is None else f"scheduler {scheduler}",
        "seconds": {k: round(v, 4) for k, v in meter.seconds.items()},
        "cpu_seconds": {k: round(v, 4) for k, v in meter.cpu.items()},
        "peak_rss": meter.peak,
        "seconds_chunks": round(t_chunks, 4),
        "seconds_total": round(total, 4),
        "articles_per_second": round(n_articles / total, 2) if total else None,
        "sentiment": "computed" if with_sentiment else "unavailable",
        "versions": versions,
        "files": sorted(files) + ["summary.json"],
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    if run_key is not None:
        cache.put_run(run_key, {name: out / name for name in summary["files"]},
                      {"articles": n_articles, "rows": rows})
    cache_mod.write_marker(out, run_key, summary["files"])
    return summary


class _Prefetch:
    """The keyness stage's preparation, done in a thread of the client while the workers analyse the chunks.

    With the chunks on a cluster the client mostly waits for results. This thread
    uses that time to load what :func:`keyness_from_counts` needs (HanTa, wordfreq's
    list, the shipped lemma table, :mod:`analysis.keyness`) and to look up the word
    forms of each chunk's counts as they arrive (:func:`analysis.terms.prepare_lemmas`).
    The forms no table knows go to HanTa in a low-priority process
    (:class:`analysis.terms.BackgroundLemmas`), which uses the moments a core is idle; at
    the end only what it has not finished is analysed. It stores only what
    :func:`analysis.terms.lemmatize` would store, so it changes no result; an
    error here is kept (``error``) and the work is simply done later, where an error
    is reported. Used only with a cluster: in one process the main thread runs the
    stages itself and has no time to spare.
    """

    def __init__(self) -> None:
        import queue
        import threading

        self.error: BaseException | None = None
        self.unknown = 0  # distinct forms no table knew when looked up
        self.analysed = 0  # of these, analysed by HanTa in the background before the end
        self._background = None  # analysis.terms.BackgroundLemmas, started with the first unknown forms
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="analysis-prefetch", daemon=True)
        self._thread.start()

    def add(self, counts: pd.DataFrame) -> None:
        """Look up the word forms of one chunk's :func:`term_counts`."""
        self._queue.put(counts)

    def close(self, *, finish: bool = True) -> None:
        """Wait for the thread: after the look-ups given so far, or (``finish=False``) after the current one."""
        self._stop = not finish
        self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        try:
            from . import keyness  # noqa: F401 - imported now (scipy), not at the end
            from . import terms

            terms.prepare_lemmas()
            seen: set = set()
            while not self._stop:
                counts = self._queue.get()
                if counts is None:
                    return
                words = counts.loc[counts["kind"].to_numpy() == "word", ["token", "lower", "first"]]
                # a sentence-initial form may be lemmatised in lower case (see analysis.terms.annotate)
                initial = words["first"].to_numpy(dtype=bool)
                forms = pd.unique(np.concatenate([words["token"].to_numpy(), words["lower"].to_numpy()[initial]]))
                new = [f for f in forms.tolist() if f not in seen]  # each form is looked up once
                seen.update(new)
                unknown = terms.prepare_lemmas(new)
                self.unknown += len(unknown)
                if unknown:
                    if self._background is None:
                        self._background = terms.BackgroundLemmas()
                    self._background.submit(unknown)
        except Exception as exc:  # noqa: BLE001 - an optimisation only: the work is done again later
            self.error = exc
        finally:
            if self._background is not None:
                with contextlib.suppress(Exception):
                    self.analysed = self._background.close()


def _auto_workers() -> int:
    return min(os.cpu_count() or 1, 8)


#: With ``workers="auto"``, a corpus file (or folder) of at least this many bytes starts the
#: cluster before loading (about :data:`AUTO_PARALLEL_ARTICLES` articles of 2,000 characters).
AUTO_PARALLEL_BYTES = AUTO_PARALLEL_ARTICLES * 2_000


def _wants_cluster(source, workers, scheduler) -> bool:
    """Whether the run will use Dask, as far as it can be told before loading."""
    if scheduler is not None:
        return True
    if workers != "auto":
        return int(workers) > 1
    if _auto_workers() < 2:
        return False
    if isinstance(source, pd.DataFrame):
        return len(source) >= AUTO_PARALLEL_ARTICLES
    try:
        path = Path(source)
        size = (sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir()
                else path.stat().st_size)
    except OSError:
        return False
    return size >= AUTO_PARALLEL_BYTES


def _close_in_background(starting):
    import threading

    thread = threading.Thread(target=starting.close, name="analysis-cluster-close", daemon=True)
    thread.start()
    return thread


def _sentiment_available() -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(f"{__package__}.sentiment") is not None
    except (ImportError, ValueError):
        return False


class _Source:
    """The articles of a corpus path (cleaned batch by batch, :class:`analysis.corpus.Batches`)
    or of a table, in batches, with what loading removed and skipped."""

    def __init__(self, source, mapping: Mapping[str, str], *, batch_size: int) -> None:
        self._table = None
        if isinstance(source, pd.DataFrame):
            self._table = source
            self.inputs = len(source)
            self._batches = None
        else:
            self._batches = corpus.Batches(source, batch_size=batch_size, **mapping)
            self.inputs = self._batches.inputs

    def __iter__(self):
        if self._batches is not None:
            return iter(self._batches)
        table = self._table.copy()
        table.attrs = {}
        return iter([table])

    def removed(self) -> pd.DataFrame:
        return self._batches.removed() if self._batches is not None else corpus.removed(self._table)

    def skipped(self) -> pd.DataFrame:
        return self._batches.skipped() if self._batches is not None else corpus.skipped(self._table)


def _stream_chunks(batches, chunk_size: int, meter: Meter) -> Iterator[tuple[pd.DataFrame, str]]:
    """The chunks of :func:`chunk_bounds` with their cache keys, cut as the articles are cleaned."""
    chunker = Chunker(size=chunk_size)
    source = iter(batches)
    while True:
        with meter.stage("load"):
            batch = next(source, None)
            if batch is None:
                ready = chunker.flush()
            else:
                batch.attrs = {}
                ready = chunker.add(batch, article_keys(batch))
        for chunk, keys in ready:
            yield from parts(chunk, cache_mod.text_digest(*keys), size=chunk_size)
        if batch is None:
            return


def parts(chunk: pd.DataFrame, key: str, *, size: int = DEFAULT_CHUNK_SIZE) -> Iterator[tuple[pd.DataFrame, str]]:
    """A chunk of more than ``size`` articles as about equal parts of at most ``size``, each with its key.

    The unit of work (and of the chunk cache) is the part: content-defined chunks
    vary in length, and a long last chunk would keep one worker busy while the
    others wait. A part's key is the chunk's key and its place in the chunk, so it
    stays valid exactly as long as the chunk does.
    """
    n = -(-len(chunk) // max(int(size), 1))
    if n <= 1:
        yield chunk, key
        return
    cut = [round(i * len(chunk) / n) for i in range(n + 1)]
    for i in range(n):
        yield chunk.iloc[cut[i]:cut[i + 1]].reset_index(drop=True), f"{key}-{i + 1}of{n}"


#: Seconds between thread switches during :func:`run` (Python's default is 0.005).
SWITCH_INTERVAL = 0.0005

#: While a Dask cluster starts, at most this many chunks are cleaned ahead and kept waiting. Few:
#: the start-up's own work (imports, the scheduler) runs in this process too and shares its
#: interpreter lock with the cleaning, so cleaning more ahead only makes the workers wait longer
#: for their first chunks (measured: 8 chunks ahead, workers idle 3.3 s of a 29 s run).
READ_AHEAD = 2


def _execute(chunks, plan: Plan, *, starting=None):
    """``(articles, result)`` per chunk, in chunk order: in this process, or on Dask (see :mod:`analysis.parallel`)."""
    if starting is None:
        return ((chunk, process_chunk(chunk, k, plan)) for chunk, k in chunks)
    from . import parallel

    # Clean the first chunks while the cluster comes up, instead of waiting for it.
    ahead = []
    while not starting.ready() and len(ahead) < READ_AHEAD:
        item = next(chunks, None)
        if item is None:
            break
        ahead.append(item)
    return parallel.process_chunks(itertools.chain(ahead, chunks), plan, dask_client=starting.get())
