"""The per-article stages on Dask DataFrame partitions: one machine's cores or a whole cluster.

The articles become a Dask DataFrame with one partition per pipeline chunk
(:func:`analysis.pipeline.chunk_bounds`), scattered to the workers; each
partition goes through :func:`analysis.pipeline.process_chunk`, the very
function the pandas path runs, so the results are identical (a test checks
this). Results come back as they finish and are handed on in chunk order, so
the output files are the same as without Dask, and only the chunks in flight
are held in memory.

``scheduler=None`` starts a ``LocalCluster`` with ``workers`` single-threaded
worker processes (the stages are pure Python and hold the GIL, so processes,
not threads, use the cores); ``scheduler="tcp://host:8786"`` uses any running
Dask cluster whose workers have this package installed.

References
----------
Rocklin, M. (2015). Dask: Parallel computation with blocked algorithms and task
scheduling. *Proceedings of the 14th Python in Science Conference*, 130–136.
"""
from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator, Sequence

import pandas as pd

from . import pipeline

__all__ = ["client", "partitions", "process_chunks", "map_stage"]


@contextlib.contextmanager
def client(*, workers: int | None = None, scheduler: str | None = None) -> Iterator:
    """A ``distributed.Client``: on a new ``LocalCluster`` (``workers`` processes) or at ``scheduler``.

    The local cluster is closed when the ``with`` block ends; a remote one is left running.
    """
    import dask
    from distributed import Client, LocalCluster

    for name in ("distributed", "distributed.worker", "distributed.scheduler", "distributed.nanny"):
        logging.getLogger(name).setLevel(logging.ERROR)
    if scheduler:
        with Client(scheduler) as c:
            yield c
        return
    n = int(workers or os.cpu_count() or 1)
    with dask.config.set({"distributed.worker.daemon": False, "distributed.admin.tick.limit": "10s"}):
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=logging.ERROR)
        try:
            with Client(cluster) as c:
                yield c
        finally:
            cluster.close()


def partitions(articles: pd.DataFrame, bounds: Sequence[tuple[int, int]], dask_client):
    """The articles as a Dask DataFrame with one partition per ``(start, end)`` chunk, held on the workers."""
    import dask.dataframe as dd

    pieces = [articles.iloc[a:b] for a, b in bounds]
    futures = dask_client.scatter(pieces)
    return dd.from_delayed(futures, meta=articles.iloc[:0], verify_meta=False)


def process_chunks(
    articles: pd.DataFrame,
    bounds: Sequence[tuple[int, int]],
    chunk_keys: Sequence[str],
    plan: "pipeline.Plan",
    *,
    workers: int | None = None,
    scheduler: str | None = None,
) -> Iterator[dict]:
    """:func:`analysis.pipeline.process_chunk` on every partition, results yielded in chunk order."""
    import dask
    from distributed import as_completed

    with client(workers=workers, scheduler=scheduler) as c:
        ddf = partitions(articles, bounds, c)
        parts = ddf.to_delayed()
        tasks = [dask.delayed(pipeline.process_chunk)(p, k, plan) for p, k in zip(parts, chunk_keys)]
        futures = c.compute(tasks)
        index = {f.key: i for i, f in enumerate(futures)}
        done: dict[int, dict] = {}
        next_i = 0
        for future in as_completed(futures):
            done[index[future.key]] = future.result()
            future.release()
            while next_i in done:
                yield done.pop(next_i)
                next_i += 1


def map_stage(ddf, stage: str, **options):
    """One per-article stage on every partition of a Dask DataFrame, lazily (``ddf.map_partitions``).

    Parameters
    ----------
    ddf
        Articles (for ``"sentences"``) or sentences (for ``"tokens"``,
        ``"sentiment"``, ``"frames"``) as a Dask DataFrame.
    stage
        ``"sentences"``, ``"tokens"``, ``"sentiment"`` or ``"frames"``.
    **options
        Passed to the stage function (e.g. ``codebook=``).

    Returns
    -------
    dask.dataframe.DataFrame
        The stage's table, partition by partition; ``.compute()`` gives the same
        table as the pandas function on the whole input.
    """
    functions = {"sentences": pipeline.sentences, "tokens": pipeline.tokens,
                 "sentiment": pipeline.sentiment, "frames": pipeline.frames}
    if stage not in functions:
        raise ValueError(f"stage={stage!r} does not run per partition; use one of {sorted(functions)}")
    func = functions[stage]
    meta = func(ddf._meta, **options) if len(ddf._meta.columns) else None
    return ddf.map_partitions(func, **options, meta=meta)
