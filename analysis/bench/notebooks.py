"""How much the notebooks cost on the seed articles beyond their imports (issue 8).

Target: every notebook, run on the seed articles as ``make figures`` runs it,
within 1.5x of the same notebook doing only its imports.

For each notebook in ``notebooks/`` this script executes, in one run and
interleaved (A, B, A, B, ...):

A. the notebook as ``make figures`` does: nbconvert's ``ExecutePreprocessor``
   (nbclient), the notebook's own kernel, the notebook's folder as
   working directory, ``PYTHONHASHSEED=0`` and ``TQDM_DISABLE=1`` as the
   Makefile sets them; the only change is that ``figures_dir`` (the
   ``parameters`` cell) points to a temporary folder, so ``figures/`` is not
   touched;
B. a copy that keeps only the import statements of its code cells (same kernel,
   same start, same imports, nothing else).

The figure cache (:mod:`analysis.plot.figure_cache`) is set by ``--figure-cache``:
``on`` (default) gives the benchmark its own empty cache folder, which the
untimed warm-up fills, so the timed runs of A take every figure (files and the
image shown) from the cache, as a re-run of ``make figures`` does; ``cold`` gives
every run of A a new empty folder, so each renders and stores every figure, as
a first run does; ``off`` switches the cache off (every figure rendered, nothing
stored: ``save_figure`` as before the cache).

It prints the median wall time (kernel start to the end of the last cell) and
the median CPU time of the kernel process (user + system, from psutil, with
any child processes of the kernel) for A and B, and the ratio A/B, per notebook
and in total (sums of the medians). Other load on the machine inflates wall
times; CPU times much less, so both are printed.

Usage::

    python -m analysis.bench.notebooks                  # all notebooks, 3 repetitions each
    python -m analysis.bench.notebooks --repeat 5 --only 01,03
    python -m analysis.bench.notebooks --cells          # also the median wall and CPU time of every cell of A
    python -m analysis.bench.notebooks --figure-cache cold   # every figure rendered (and stored) in every run
"""
from __future__ import annotations

import argparse
import ast
import copy
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from .. import paths

TARGET = 1.5


def imports_only(nb):
    """A copy of the notebook that keeps only the import statements of its code cells.

    Markdown cells and code cells without an import are dropped; within a code
    cell, the ``import``/``from ... import`` statements (top level) are kept in
    their order.
    """
    out = copy.deepcopy(nb)
    cells = []
    for cell in out.cells:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        kept = [ast.get_source_segment(cell.source, node) for node in tree.body
                if isinstance(node, (ast.Import, ast.ImportFrom))]
        if kept:
            cell.source = "\n".join(kept)
            cell.outputs = []
            cells.append(cell)
    out.cells = cells
    return out


def with_figures_dir(nb, directory: Path):
    """A copy whose ``parameters`` cell sends figures to ``directory`` (as papermill's ``-p`` would)."""
    out = copy.deepcopy(nb)
    for cell in out.cells:
        if cell.cell_type == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            cell.source = cell.source + f"\nfigures_dir = {str(directory)!r}"
            return out
    raise ValueError("the notebook has no cell tagged 'parameters' (needed to set figures_dir)")


def _cpu_seconds(proc) -> float:
    """User + system CPU of a process and its live children (psutil)."""
    import psutil

    total = 0.0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            t = p.cpu_times()
        except psutil.Error:
            continue
        total += t.user + t.system + t.children_user + t.children_system
    return total


def execute(nb, *, cwd: Path, timeout: int = 1200) -> dict:
    """Execute ``nb`` in a fresh kernel; wall and kernel CPU seconds, and (wall, CPU) of every cell.

    Wall time runs from the call (before the kernel starts) to the end of the
    last cell; CPU time is the kernel process's at the end of the last cell.
    """
    import psutil
    from nbconvert.preprocessors import ExecutePreprocessor

    marks: dict = {"cells": {}}

    def on_cell_start(cell, cell_index, **_):
        if "proc" not in marks:
            marks["proc"] = psutil.Process(client.km.provisioner.process.pid)
        marks["cell_start"] = time.perf_counter()
        marks["cell_cpu"] = _cpu_seconds(marks["proc"])

    def on_cell_executed(cell, cell_index, **_):
        now = time.perf_counter()
        marks["cpu"] = _cpu_seconds(marks["proc"])
        marks["cells"][cell_index] = (now - marks["cell_start"], marks["cpu"] - marks["cell_cpu"])
        marks["end"] = now

    # as `make figures` (jupyter nbconvert --execute): the notebook's kernel, its folder as working directory
    client = ExecutePreprocessor(timeout=timeout, record_timing=False,
                                 on_cell_start=on_cell_start, on_cell_executed=on_cell_executed)
    start = time.perf_counter()
    client.preprocess(nb, {"metadata": {"path": str(cwd)}})
    if "end" not in marks:
        raise RuntimeError("no cell was executed")
    return {"wall": marks["end"] - start, "cpu": marks["cpu"], "cells": marks["cells"]}


def _fmt_ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b > 0 else "n/a"


def main(argv: list[str] | None = None) -> int:
    import nbformat

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of each of A and B (default 3)")
    parser.add_argument("--only", default="", help="comma-separated notebook prefixes, e.g. 01,03")
    parser.add_argument("--cells", action="store_true", help="print the median wall and CPU time of every cell of A")
    parser.add_argument("--timeout", type=int, default=1200, help="seconds per cell (as make figures)")
    parser.add_argument("--warmup", type=int, default=1,
                        help="untimed runs of A and B per notebook before the timed ones (default 1)")
    parser.add_argument("--bytecode", choices=("cached", "inherit"), default="cached",
                        help="cached (default): kernels write and reuse .pyc files in a temporary folder, as "
                             "a normal installation does; inherit: keep this environment's settings "
                             "(e.g. PYTHONDONTWRITEBYTECODE=1 compiles every module at every import)")
    parser.add_argument("--figure-cache", choices=("on", "cold", "off"), default="on",
                        help="on (default): a cache folder of its own, filled by the warm-up, so timed runs hit it; "
                             "cold: a new empty folder for every run (everything rendered and stored); "
                             "off: no figure cache (everything rendered, nothing stored)")
    args = parser.parse_args(argv)

    os.environ["PYTHONHASHSEED"] = "0"   # as the Makefile exports them (the kernel inherits them)
    os.environ["TQDM_DISABLE"] = "1"
    pycache = None
    if args.bytecode == "cached":
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        pycache = tempfile.TemporaryDirectory(prefix="bench-notebooks-pyc-")
        os.environ["PYTHONPYCACHEPREFIX"] = pycache.name
    from ..plot import figure_cache

    figure_caches = tempfile.TemporaryDirectory(prefix="bench-notebooks-figure-cache-")
    serial = iter(range(1_000_000))

    def figure_cache_for_a_run() -> None:
        """Point the next kernel at the figure cache that --figure-cache asks for (kernels inherit os.environ)."""
        if args.figure_cache == "off":
            os.environ[figure_cache.ENV] = "off"
        elif args.figure_cache == "on":
            os.environ[figure_cache.ENV] = str(Path(figure_caches.name) / "shared")
        else:
            os.environ[figure_cache.ENV] = str(Path(figure_caches.name) / f"run-{next(serial)}")

    folder = paths.ROOT / "notebooks"
    notebooks = sorted(folder.glob("[0-9]*.ipynb"))
    if args.only:
        wanted = [w.strip() for w in args.only.split(",") if w.strip()]
        notebooks = [nb for nb in notebooks if any(nb.name.startswith(w) for w in wanted)]
        if not notebooks:
            parser.error(f"no notebook matches --only {args.only!r}")

    try:
        import psutil
        load = " ".join(f"{x:.2f}" for x in psutil.getloadavg())
    except Exception:  # pragma: no cover - psutil is a dependency
        load = "?"
    print(f"notebooks on the seed articles vs the same notebooks with only their imports; "
          f"{args.repeat} repetitions interleaved (A, B, A, B, ...) after {args.warmup} untimed; "
          f"bytecode {args.bytecode}; figure cache {args.figure_cache}"
          f"{' (filled by the warm-up: timed runs hit it)' if args.figure_cache == 'on' and args.warmup else ''}; "
          f"{os.cpu_count()} cores; load average at start {load}", flush=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-notebooks-") as tmp:
        for path in notebooks:
            source = nbformat.read(path, as_version=4)
            full = with_figures_dir(source, Path(tmp) / path.stem)
            bare = imports_only(source)
            runs = {"A": [], "B": []}
            for _ in range(args.warmup):
                figure_cache_for_a_run()
                execute(copy.deepcopy(full), cwd=folder, timeout=args.timeout)
                execute(copy.deepcopy(bare), cwd=folder, timeout=args.timeout)
            for _ in range(args.repeat):
                figure_cache_for_a_run()
                runs["A"].append(execute(copy.deepcopy(full), cwd=folder, timeout=args.timeout))
                runs["B"].append(execute(copy.deepcopy(bare), cwd=folder, timeout=args.timeout))
            med = {k: {m: statistics.median(r[m] for r in v) for m in ("wall", "cpu")} for k, v in runs.items()}
            rows.append((path.stem, med))
            print(f"{path.stem:<22} full {med['A']['wall']:6.2f} s wall {med['A']['cpu']:6.2f} s CPU | "
                  f"imports {med['B']['wall']:6.2f} s wall {med['B']['cpu']:6.2f} s CPU | "
                  f"ratio {_fmt_ratio(med['A']['wall'], med['B']['wall'])} wall, "
                  f"{_fmt_ratio(med['A']['cpu'], med['B']['cpu'])} CPU", flush=True)
            if args.cells:
                cells = runs["A"][0]["cells"]
                for index in sorted(cells):
                    wall = statistics.median(r["cells"][index][0] for r in runs["A"])
                    cpu = statistics.median(r["cells"][index][1] for r in runs["A"])
                    first = full.cells[index].source.strip().splitlines()
                    print(f"    cell {index:>2} {wall:6.2f} s wall {cpu:6.2f} s CPU  {first[0][:60] if first else ''}")
    tot = {k: {m: sum(med[k][m] for _, med in rows) for m in ("wall", "cpu")} for k in ("A", "B")}
    print(f"{'total':<22} full {tot['A']['wall']:6.2f} s wall {tot['A']['cpu']:6.2f} s CPU | "
          f"imports {tot['B']['wall']:6.2f} s wall {tot['B']['cpu']:6.2f} s CPU | "
          f"ratio {_fmt_ratio(tot['A']['wall'], tot['B']['wall'])} wall, "
          f"{_fmt_ratio(tot['A']['cpu'], tot['B']['cpu'])} CPU")
    over = [name for name, med in rows if med["A"]["cpu"] > TARGET * med["B"]["cpu"]]
    print(f"target: within {TARGET}x of imports only (CPU): "
          + ("met by every notebook" if not over else "not met by " + ", ".join(over)))
    if pycache is not None:
        pycache.cleanup()
    figure_caches.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
