"""Command line: ``python -m analysis run CORPUS --out DIR`` (also installed as ``media-analysis``).

Only the standard library is imported at start-up, so ``--help`` is instant
and a re-run whose outputs are cached (see :mod:`analysis.cache`) never imports
pandas: it hashes the input (or recognises it by size and date), finds the
finished run in the cache and copies the files into ``--out`` (or finds them still there).
"""
from __future__ import annotations

import argparse
import os
import sys
import time

EPILOG = """\
examples:
  python -m analysis run seeds --out results
  python -m analysis run my.csv --text body --outlet source --out results
  python -m analysis run big.parquet --out results --workers 2
  python -m analysis run big.parquet --out results --scheduler tcp://10.0.0.5:8786

Outputs in DIR: articles, sentences, sentiment, frames and keyness tables
(.parquet; also .csv when small), removed.csv and skipped.csv (what loading
removed or could not read) and summary.json (rows, seconds and peak memory per
stage, cache hits). Derived tables are cached under $XDG_CACHE_HOME/media-analysis
(default ~/.cache/media-analysis) or --cache-dir; a re-run of an unchanged corpus
only copies the cached files (or finds them still in DIR).
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Compare how news outlets cover a story: sentences, sentiment, frames and key terms for any corpus.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EPILOG,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = sub.add_parser(
        "run",
        help="analyse a corpus and write the tables",
        description="Analyse a corpus (folder of .txt files, CSV/TSV, JSONL, Parquet or news-please JSON) "
        "and write the article, sentence, sentiment, frame and keyness tables.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EPILOG,
    )
    run.add_argument("corpus", help="path of the corpus (file or folder)")
    run.add_argument("--out", required=True, metavar="DIR", help="folder for the output tables (created if missing)")
    cols = run.add_argument_group("column mapping (tabular input), as in corpus.load()")
    for name in ("text", "outlet", "title", "date", "doc-id", "url"):
        cols.add_argument(f"--{name}", metavar="COLUMN", help=f"column holding the {name.replace('-', '_')}")
    analysis = run.add_argument_group("analysis options")
    analysis.add_argument("--codebook", default=None, metavar="NAME|YAML",
                          help="framing codebook: a shipped name or a YAML file (default: tech-partnership)")
    analysis.add_argument("--sentiment-method", default=None, metavar="METHOD",
                          help="sentiment method (default: the sentiment module's default)")
    analysis.add_argument("--measure", default="g2", metavar="MEASURE",
                          help="keyness measure: g2, chi2, log_ratio, pct_diff, log_odds_prior (default g2)")
    perf = run.add_argument_group("speed, cache and cluster")
    perf.add_argument("--cache-dir", metavar="DIR", help="cache folder (default $XDG_CACHE_HOME/media-analysis or ~/.cache/media-analysis)")
    perf.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    perf.add_argument("--workers", type=int, default=None, metavar="N",
                      help="worker processes; N > 1 runs the chunks on a local Dask cluster "
                      "(default: all cores for 2,000+ articles, else 1)")
    perf.add_argument("--scheduler", metavar="ADDRESS", help="run on an existing Dask cluster, e.g. tcp://host:8786")
    perf.add_argument("--chunk-size", type=int, default=1000, metavar="N", help="average articles per chunk (default 1000)")
    perf.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    return parser


def _mapping(args: argparse.Namespace) -> dict[str, str]:
    names = {"text": "text", "outlet": "outlet", "title": "title", "date": "date", "doc_id": "doc_id", "url": "url"}
    return {key: getattr(args, attr) for key, attr in names.items() if getattr(args, attr)}


def _say(args: argparse.Namespace, message: str) -> None:
    if not args.quiet:
        print(message, file=sys.stderr)


def _run(args: argparse.Namespace) -> int:
    from . import cache as cache_mod

    t0 = time.perf_counter()
    if not os.path.exists(args.corpus):
        print(f"error: {args.corpus}: no such file or folder. Pass a folder of .txt files or a "
              f"CSV/TSV/JSONL/Parquet file.", file=sys.stderr)
        return 2
    if args.workers is not None and args.workers < 1:
        print("error: --workers must be at least 1", file=sys.stderr)
        return 2
    mapping = _mapping(args)
    codebook = args.codebook or cache_mod.DEFAULT_CODEBOOK
    cache = cache_mod.Cache(args.cache_dir, enabled=not args.no_cache)
    versions = cache_mod.stage_versions(codebook=codebook, sentiment_method=args.sentiment_method,
                                        measure=args.measure, mapping=mapping)
    key = None
    if cache.enabled:
        digest = cache.input_digest(args.corpus)
        key = cache_mod.run_key(digest, versions=versions, mapping=mapping, options={"measure": args.measure})
        manifest = cache.get_run(key)
        if manifest is not None:
            from pathlib import Path

            placed = cache.restore_run(key, manifest, Path(args.out))
            rows = ", ".join(f"{v:,} {k}" for k, v in manifest.get("rows", {}).items())
            _say(args, f"{args.corpus}: unchanged since a cached run; {len(placed)} of {len(manifest['files'])} "
                       f"files placed in {args.out} ({rows}) in {time.perf_counter() - t0:.2f} s")
            return 0

    import warnings

    from . import corpus, pipeline

    workers = args.workers
    try:
        if workers is None and args.scheduler is None:
            workers = "auto"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            summary = pipeline.run(
                args.corpus, out=args.out, column_mapping=mapping, codebook=codebook,
                sentiment_method=args.sentiment_method, measure=args.measure, cache_dir=args.cache_dir,
                use_cache=not args.no_cache, workers=workers, scheduler=args.scheduler,
                chunk_size=args.chunk_size, progress=False if args.quiet else None, run_key=key,
            )
    except (corpus.CorpusError, KeyError, ValueError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        print(f"error: {message}", file=sys.stderr)
        return 2
    _report_warnings(args, caught)
    rows = ", ".join(f"{v:,} {k}" for k, v in summary["rows"].items())
    hits = sum(summary["cache_hits"].values())
    _say(args, f"{args.corpus}: {rows} written to {args.out} in {summary['seconds_total']:.1f} s "
               f"({summary['articles_per_second']:,.0f} articles/s; {summary['chunks']} chunks, "
               f"{hits} chunk tables from the cache)")
    return 0


def _report_warnings(args: argparse.Namespace, caught: list, shown: int = 5) -> None:
    """Print the first few warnings and how many more there were (all rows are in skipped.csv/removed.csv)."""
    if not caught:
        return
    for w in caught[:shown]:
        _say(args, f"warning: {w.message}")
    if len(caught) > shown:
        _say(args, f"... and {len(caught) - shown:,} more warnings (skipped inputs are listed in {args.out}/skipped.csv)")


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m analysis`` and ``media-analysis``."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    if args.command == "run":
        return _run(args)
    parser.error(f"unknown command {args.command!r}")  # pragma: no cover - argparse rejects it first
    return 2
