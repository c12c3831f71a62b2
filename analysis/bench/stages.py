"""CPU time of each per-chunk stage in one process, on 1,000 real 10kGNAD articles.

What :func:`analysis.pipeline.process_chunk` costs without Dask, start-up or
other processes: the chunk is processed once untimed (lexicons, model and the
per-process form tables warm), then ``--repeat`` times with the cache off; the
minimum CPU time (``time.process_time``) of each stage is printed. The pipeline
benchmark (:mod:`analysis.bench.pipeline`) measures whole runs; this one shows
where the per-article work goes.

Usage::

    .venv/bin/python -m analysis.bench.stages [--repeat 3] [--articles 1000]
"""
from __future__ import annotations

import argparse

from .. import corpus, paths, pipeline

SOURCE = paths.SHARED_DATA / "10kgnad" / "articles_test.tsv"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.bench.stages", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (the minimum is printed)")
    parser.add_argument("--articles", type=int, default=1000, help="articles in the chunk")
    args = parser.parse_args(argv)
    if not SOURCE.is_file():
        parser.error(f"{SOURCE} not found: the shared evaluation data is needed")
    articles = corpus.load(SOURCE, outlet="category").head(args.articles)
    articles.attrs = {}
    plan = pipeline.Plan(versions=pipeline.stage_versions())
    pipeline.process_chunk(articles, "warm-up", plan)
    best: dict[str, float] = {}
    for _ in range(max(args.repeat, 1)):
        cpu = pipeline.process_chunk(articles, "timed", plan)["meter"]["cpu"]
        for stage, seconds in cpu.items():
            best[stage] = min(best.get(stage, float("inf")), seconds)
    print(f"{len(articles):,} articles, CPU seconds per stage (min of {args.repeat}, one process, warm):")
    for stage in ("sentences", "tokens", "sentiment", "frames", "keyness"):
        if stage in best:
            print(f"   {stage:10s} {best[stage]:6.3f} s  ({best[stage] / len(articles) * 1000:.2f} ms per article)")
    total = sum(best.values())
    print(f"   {'total':10s} {total:6.3f} s  ({total / len(articles) * 1000:.2f} ms per article)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
