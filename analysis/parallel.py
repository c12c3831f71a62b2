"""The per-article stages on Dask DataFrame partitions: one machine's cores or a whole cluster.

Every pipeline chunk (:func:`analysis.pipeline.chunk_bounds`) becomes a Dask
DataFrame partition, scattered to the workers as they need it (on a cluster of
its own, to the worker with the fewest waiting articles; at most two per
worker thread at a time, so the workers hold a few chunks, never the corpus;
the chunks can come from a stream, cleaned while the workers analyse earlier ones);
each partition goes through :func:`analysis.pipeline.process_chunk`, the very
function the pandas path runs, so the results are identical (a test checks
this). The workers convert their tables to Arrow themselves and send back only
those and the chunk's term counts; results are handed on in chunk order, so the
output files are the same as without Dask.

Start-up: a local cluster's workers are forked from one server process that has
imported the stage modules (pandas, the sentiment model's code, ...) once, and
the cluster is started in the background while the client loads the corpus
(:class:`Starting`); on any other cluster a worker plugin imports the modules
when the client connects.

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
from collections.abc import Iterable, Iterator, Sequence

import pandas as pd

from . import pipeline

__all__ = ["client", "Starting", "partitions", "process_chunks", "map_stage"]


#: Modules every worker needs. A local cluster's workers are forked from a server process
#: that has imported them once (``multiprocessing`` "forkserver"), so a worker starts in a
#: fraction of a second and shares their memory; on any other cluster a worker plugin
#: imports them when the client connects, before the first chunk arrives.
WORKER_MODULES = (
    "numpy", "pandas", "pyarrow", "pyarrow.parquet",
    # the partitions' tasks are dask.dataframe functions: unpickling the first one imports it
    # (about a second of CPU per worker when not preloaded)
    "dask.dataframe",
    "analysis.corpus", "analysis.tokens", "analysis.framing", "analysis.pipeline", "analysis.sentiment",
)


def _forkserver_preload() -> bool:
    """Make a local cluster fork its workers from a server that has imported :data:`WORKER_MODULES`.

    Returns ``False`` where ``forkserver`` is not available (Windows): workers are then spawned.
    """
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return False
    import dask
    from distributed.utils import get_mp_context

    with dask.config.set({"distributed.worker.multiprocessing-method": "forkserver"}):
        ctx = get_mp_context()  # sets distributed's own preload list (distributed, pandas, ...) once
    try:
        from multiprocessing import forkserver

        current = list(forkserver._forkserver._preload_modules)  # noqa: SLF001 - no public getter
    except AttributeError:  # pragma: no cover - other Python versions
        current = ["distributed"]
    ctx.set_forkserver_preload(current + [m for m in WORKER_MODULES if m not in current])
    return True


def _start_forkserver() -> bool:
    """Start the fork server at once, preloading ``distributed`` and :data:`WORKER_MODULES`.

    The server is a process of its own: started first, it imports those modules
    (about two seconds of CPU) on the other core while this process imports
    ``distributed`` and starts the scheduler, instead of after them. The cluster's
    workers are then forked from it (:func:`_forkserver_preload` only sets the list a
    server started later would use). Returns ``False`` where ``forkserver`` is not
    available.
    """
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return False
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload(["distributed", *WORKER_MODULES])
    forkserver.ensure_running()
    return True


def _import_worker_modules() -> list[str]:
    """Import :data:`WORKER_MODULES` (those that are installed); returns the ones imported."""
    import importlib

    done = []
    for name in WORKER_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            continue
        done.append(name)
    return done


#: glibc ``mallopt`` settings for the workers: trim threshold, top pad, mmap threshold (bytes).
_MALLOC_SETTINGS = {-1: 256 << 20, -2: 64 << 20, -3: 32 << 20}


def _tune_malloc() -> bool:
    """Let a worker keep freed heap memory for the next chunk instead of returning it to the system.

    Dask starts workers with ``MALLOC_TRIM_THRESHOLD_=65536`` and runs tasks in a thread
    with its own malloc arena; together they return memory to the system after nearly
    every large table and fault it in again for the next one: measured on a 1,000-article
    chunk, 367,000 page faults and 1.5 s of system time per chunk, against 16,000-73,000
    and 0.05-0.35 s with these settings (``mallopt`` M_TRIM_THRESHOLD 256 MB, M_TOP_PAD
    64 MB, M_MMAP_THRESHOLD 32 MB). The price is memory: each worker keeps up to a few
    hundred MB of freed heap for the next chunk, part of the 100,000-article peak
    (4,082 MiB with 1,000-article chunks, 3,240 MiB with ``--chunk-size 500``; see the
    README). glibc (Linux) only; elsewhere nothing happens.
    """
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return all(mallopt(param, value) == 1 for param, value in _MALLOC_SETTINGS.items())


def _preload_plugin():
    from distributed.diagnostics.plugin import WorkerPlugin

    class PreloadAnalysis(WorkerPlugin):
        """On every worker when it joins: import the stage modules and tune malloc (:func:`_tune_malloc`)."""

        name = "analysis-preload"

        def setup(self, worker):  # noqa: ARG002 - the plugin interface
            _import_worker_modules()
            _tune_malloc()

    return PreloadAnalysis()


def _open(workers: int | None, scheduler: str | None):
    """Connect to ``scheduler`` or start a local cluster; returns ``(client, cluster or None, forkserver)``."""
    if not scheduler:  # Starting has usually started it already; then this only checks it runs
        _start_forkserver()
    import dask
    from distributed import Client, LocalCluster

    for name in ("distributed", "distributed.worker", "distributed.scheduler", "distributed.nanny"):
        logging.getLogger(name).setLevel(logging.ERROR)
    if scheduler:
        c = Client(scheduler, set_as_default=False)
        try:
            c.register_plugin(_preload_plugin(), name="analysis-preload")
        except BaseException:
            c.close()
            raise
        return c, None, False
    n = int(workers or os.cpu_count() or 1)
    config = {
        "distributed.worker.daemon": False,
        "distributed.admin.tick.limit": "10s",
        # The stages are pure Python and hold the GIL: the worker's sampling profiler (every
        # 10 ms) and frequent monitors would interrupt them and cost CPU for nothing here.
        "distributed.worker.profile.enabled": False,
        "distributed.admin.tick.interval": "500ms",
        "distributed.admin.system-monitor.interval": "2s",
        "distributed.worker.memory.monitor-interval": "1s",
    }
    forkserver = _forkserver_preload()
    if forkserver:
        config["distributed.worker.multiprocessing-method"] = "forkserver"
    cluster = c = None
    try:
        with dask.config.set(config):
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                                   silence_logs=logging.ERROR)
            c = Client(cluster, set_as_default=False)
            c.register_plugin(_preload_plugin(), name="analysis-preload")
    except BaseException:
        _shutdown(c, cluster, forkserver)
        raise
    return c, cluster, forkserver


def _shutdown(c, cluster, forkserver: bool) -> None:
    try:
        if c is not None:
            c.close()
    finally:
        try:
            if cluster is not None:
                cluster.close()
        finally:
            if forkserver:
                _stop_forkserver()


@contextlib.contextmanager
def client(*, workers: int | None = None, scheduler: str | None = None) -> Iterator:
    """A ``distributed.Client``: on a new ``LocalCluster`` (``workers`` processes) or at ``scheduler``.

    The local cluster is closed when the ``with`` block ends; a remote one is left running.
    Either way every worker has imported the stage modules (:data:`WORKER_MODULES`) before
    it gets work.
    """
    c, cluster, forkserver = _open(workers, scheduler)
    try:
        with c.as_current():  # dask's own compute() inside the block runs on this client
            yield c
    finally:
        _shutdown(c, cluster, forkserver)


def _stop_forkserver() -> None:
    """Stop the fork server once its workers are gone: frees its memory, and its CPU time is
    accounted to this process's children (it is waited for)."""
    with contextlib.suppress(Exception):
        from multiprocessing import forkserver

        forkserver._forkserver._stop()  # noqa: SLF001 - the only way to stop it before exit


class Starting:
    """A :func:`client` started in a background thread, so the cluster comes up while the
    client process does other work (loading the corpus); :meth:`get` waits for it."""

    def __init__(self, *, workers: int | None = None, scheduler: str | None = None):
        import threading

        self._opened = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._start, args=(workers, scheduler),
                                        name="analysis-cluster-start", daemon=True)
        self._thread.start()

    def _start(self, workers, scheduler) -> None:
        try:
            if not scheduler:  # the fork server imports the workers' modules on the other core ...
                _start_forkserver()
            # ... while this thread imports dask.dataframe, which process_chunks needs (1.3-1.6 s
            # of CPU): here, before the cluster starts, rather than on the main thread once the
            # workers wait for chunks (and in this thread only, so no two threads import dask's
            # modules at the same time)
            with contextlib.suppress(ImportError):  # process_chunks raises it where it matters
                import dask.dataframe  # noqa: F401
            self._opened = _open(workers, scheduler)
        except BaseException as exc:  # noqa: BLE001 - re-raised in get()
            self._error = exc

    def ready(self) -> bool:
        """Whether the start-up has finished (successfully or not): :meth:`get` would not wait."""
        return not self._thread.is_alive()

    def get(self):
        """The running ``distributed.Client`` (waits until the cluster is up; raises its start-up error)."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._opened[0]

    def close(self) -> None:
        """Close the client (and the local cluster); waits for the start-up to finish first."""
        self._thread.join()
        opened, self._opened = self._opened, None
        if opened is not None:
            _shutdown(*opened)


def partitions(articles: pd.DataFrame, bounds: Sequence[tuple[int, int]], dask_client):
    """The articles as a Dask DataFrame with one partition per ``(start, end)`` chunk, scattered to the workers."""
    import dask.dataframe as dd

    pieces = [articles.iloc[a:b] for a, b in bounds]
    futures = dask_client.scatter(pieces)
    return dd.from_delayed(futures, meta=articles.iloc[:0], verify_meta=False)


def _process_partition(articles: pd.DataFrame, chunk_key: str, plan: "pipeline.Plan") -> dict:
    """:func:`analysis.pipeline.process_chunk` on a worker, with the output tables as Arrow tables.

    The conversion from pandas (the costly part of writing a table) happens here, in
    parallel; Arrow tables travel to the client as flat buffers, and the client only
    appends them to the output files.
    """
    return pipeline.process_chunk(articles, chunk_key, plan, arrow=True)


class _Load:
    """The articles sent to each worker and not yet done, to send the next chunk where the least waits.

    Used with a cluster started here (a fixed set of workers). A chunk's task runs
    on the worker that holds its data, so where it is scattered decides where it
    runs. Sending each chunk to the worker with the fewest waiting articles per
    thread (ties: the first address in sorted order) keeps the workers about
    equally busy to the end; left to itself, the scheduler may queue the last chunk
    behind another on one worker while the other has nothing left to do.
    """

    def __init__(self, nthreads: dict[str, int]) -> None:
        self._threads = {w: max(int(n), 1) for w, n in sorted(nthreads.items())}
        self._waiting = dict.fromkeys(self._threads, 0)
        self._tasks: dict[str, tuple[str | None, int]] = {}

    def least(self) -> str | None:
        """The worker to send the next chunk to (``None``: no worker known, let Dask choose)."""
        if not self._waiting:
            return None
        return min(self._waiting, key=lambda w: self._waiting[w] / self._threads[w])

    def add(self, key: str, worker: str | None, n: int) -> None:
        self._tasks[key] = (worker, n)
        if worker in self._waiting:
            self._waiting[worker] += n

    def remove(self, key: str) -> None:
        worker, n = self._tasks.pop(key, (None, 0))
        if worker in self._waiting:
            self._waiting[worker] -= n

    def forget(self, worker: str) -> None:
        """Send nothing more to ``worker`` (it left the cluster)."""
        self._waiting.pop(worker, None)


def process_chunks(
    chunks: Iterable[tuple[pd.DataFrame, str]],
    plan: "pipeline.Plan",
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    dask_client=None,
) -> Iterator[tuple[pd.DataFrame, dict]]:
    """:func:`analysis.pipeline.process_chunk` on every ``(articles, chunk key)`` chunk, as a Dask partition.

    Yields ``(articles, result)`` in the order of ``chunks``. The tables of the
    per-sentence stages come back as Arrow tables (see :func:`_process_partition`);
    the term counts as a pandas table. ``chunks`` is read lazily, one chunk each
    time a worker has room for it, so it can be a stream (the pipeline cleans the
    next articles while the workers analyse the previous ones). ``dask_client``: a
    running client to use (left open); otherwise one is started (:func:`client`)
    and closed at the end.
    """
    import dask
    import dask.dataframe as dd
    from distributed import as_completed

    own = contextlib.nullcontext(dask_client) if dask_client is not None else client(workers=workers, scheduler=scheduler)
    with own as c, c.as_current():
        # Chunks are sent as they are needed, not all at once: at most `window` partitions are
        # on the workers at a time, so their memory holds a few chunks, not the corpus.
        nthreads = c.nthreads()
        window = max(2 * sum(nthreads.values()), 2)
        # a cluster of our own has a fixed set of workers; elsewhere workers come and go: Dask places
        load = _Load(nthreads if getattr(c, "cluster", None) is not None else {})
        source = iter(chunks)
        index: dict[str, tuple[int, pd.DataFrame, object]] = {}
        count = 0

        def submit_next() -> list:
            nonlocal count
            item = next(source, None)
            if item is None:
                return []
            articles, key = item
            # one partition, scattered to the worker with the least work waiting (the task runs
            # where its data is); held here until the task is done
            worker = load.least()
            try:
                data = c.scatter(articles, workers=[worker] if worker else None)
            except (KeyError, ValueError, OSError, TimeoutError):  # the worker is gone: let Dask choose
                if worker is None:
                    raise
                load.forget(worker)
                worker, data = None, c.scatter(articles)
            ddf = dd.from_delayed([data], meta=articles.iloc[:0], verify_meta=False)
            future = c.compute(dask.delayed(_process_partition)(ddf.to_delayed()[0], key, plan))
            index[future.key] = (count, articles, ddf)
            load.add(future.key, worker, len(articles))
            count += 1
            return [future]

        queue = as_completed([f for _ in range(window) for f in submit_next()])
        done: dict[int, tuple[pd.DataFrame, dict]] = {}
        next_i = 0
        for future in queue:
            load.remove(future.key)
            i, articles, ddf = index.pop(future.key)
            done[i] = (articles, future.result())
            future.release()
            del ddf
            for new in submit_next():
                queue.add(new)
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
