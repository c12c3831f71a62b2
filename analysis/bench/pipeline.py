"""Speed and memory of ``python -m analysis run`` on real long German articles (``make bench``).

What it does, in one run, printing every figure:

1. builds corpora of 10,000 and 100,000 articles by replicating the 1,028
   10kGNAD test articles (``../shared/data/10kgnad/articles_test.tsv``; the
   category is the outlet). Copy ``k > 0`` of an article gets `` Meldung k.``
   appended, so no two articles are identical (the loader drops exact
   duplicates) and every chunk is new to the cache;
2. times ``python -m analysis --help`` (median of several runs);
3. times the naive loop ``TextBlobDE(text).sentiment.polarity`` per article on
   a sample spread evenly over the same corpus (:func:`sample_texts`), as written
   and with one shared Punkt tokenizer (the faster of the two is the baseline;
   warm-up not counted), per article of the corpus by a ratio estimator (the
   sample's time per character times the mean length of the corpus a run
   analyses: the sample's articles are shorter or longer than the corpus's, and
   the 100,000-article corpus's copies carry longer suffixes);
4. runs the full pipeline cold (empty cache folder, empty lemma cache) through
   the command line with 1 and 2 Dask workers on 10,000 articles and with 2 on
   100,000: wall and CPU time, peak memory of the whole process tree (PSS, so
   pages shared by forked processes count once, sampled every 3 s; and the summed
   RSS, an upper bound, every 0.25 s), seconds and peak memory per stage (from ``summary.json``),
   articles per second, and the ratio against the naive loop per article. The
   machine's speed drifts by up to 1.5x within minutes, so the baseline is
   measured again after every cold run and each run is compared with the mean of
   the two baselines around it; the 2-worker run of the smallest size is repeated
   (``--rounds``, default 3) and the median of its ratios is given;
5. runs the same command again (warm cache) into the same and a new folder;
6. projects the memory of a 1,000,000-article run from the two sizes.

Wall and CPU times are both printed (and the ratio to the naive loop for both);
on a shared virtual machine both drift, CPU times as well: the same
10,000-article command took 37-53 s of CPU within ten minutes on 22 Nov 2026.

Usage::

    python -m analysis.bench.pipeline                 # 10k and 100k (about 6 minutes on 2 cores)
    python -m analysis.bench.pipeline --sizes 10000   # only 10k
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from .. import paths

SOURCE = paths.SHARED_DATA / "10kgnad" / "articles_test.tsv"
#: Modules imported once before timing, so their bytecode is cached (see ``--no-bytecode-cache``).
WARM_IMPORTS = ("analysis.cli", "analysis.pipeline", "analysis.parallel", "analysis.sentiment", "analysis.keyness",
                "analysis.terms", "analysis.framing", "distributed", "dask.dataframe", "pyarrow.parquet", "tqdm.auto",
                "textblob_de")


#: Articles per TSV file: a larger corpus becomes a folder of such files, as the loader
#: reads files of at most ``corpus.MAX_FILE_BYTES`` (200 MiB; 25,000 articles are about 67 MB).
PART_ARTICLES = 25_000


def build_corpus(n: int, folder: Path) -> Path:
    """``n`` articles replicated from 10kGNAD as a TSV (category, text); copies made distinct.

    Up to :data:`PART_ARTICLES` articles: one file ``gnad_<n>.tsv``; more: a folder
    ``gnad_<n>/`` of files ``part_000.tsv`` ... of that many articles each.
    """
    import csv

    parts = n > PART_ARTICLES
    target = folder / (f"gnad_{n}" if parts else f"gnad_{n}.tsv")
    if target.exists():
        return target
    with open(SOURCE, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    tmp = folder / f".tmp-gnad_{n}"
    if parts:
        tmp.mkdir(parents=True, exist_ok=True)
    for first in range(0, n, PART_ARTICLES if parts else max(n, 1)):
        last = min(n, first + (PART_ARTICLES if parts else n))
        path = tmp / f"part_{first // PART_ARTICLES:03d}.tsv" if parts else tmp
        with open(path, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, delimiter="\t")
            writer.writerow(["category", "text"])
            for i in range(first, last):
                row = rows[i % len(rows)]
                copy = i // len(rows)
                text = row["text"] if copy == 0 else f"{row['text']} Meldung {copy}."
                writer.writerow([row["category"], text])
    tmp.replace(target)
    return target


def _texts(corpus_path: Path) -> Iterator[str]:
    """The texts of a benchmark corpus (a TSV, or a folder of them read in name order)."""
    import csv

    files = sorted(corpus_path.glob("*.tsv")) if corpus_path.is_dir() else [corpus_path]
    for path in files:
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                yield row["text"]


def corpus_size(corpus_path: Path) -> tuple[int, float]:
    """Articles in a benchmark corpus and their mean length in characters."""
    total = chars = 0
    for text in _texts(corpus_path):
        total += 1
        chars += len(text)
    return total, chars / max(total, 1)


def sample_texts(corpus_path: Path, n: int) -> dict:
    """A systematic sample of ``n`` texts spread evenly over the corpus, with the corpus's size.

    Article ``(2i + 1) N / 2n`` for ``i = 0 .. n-1`` (``N`` articles in all, every
    file of a folder in name order), so the sample covers the whole corpus rather
    than its first articles (the first 100 of the 10kGNAD test set are 8.5 %
    longer than its mean).

    Returns
    -------
    dict
        ``texts`` (the sample), ``articles`` (``N``) and ``mean_chars`` (the corpus's
        mean text length in characters).
    """
    total, mean_chars = corpus_size(corpus_path)
    n = max(1, min(n, total))
    wanted = {(2 * i + 1) * total // (2 * n) for i in range(n)}
    sample = [text for i, text in enumerate(_texts(corpus_path)) if i in wanted]
    return {"texts": sample, "articles": total, "mean_chars": mean_chars}


def _median_seconds(cmd: list[str], runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


class _TreeMemory:
    """Peak memory of a process and all its descendants, sampled in a thread.

    Two measures: the sum of the processes' PSS (pages shared by forked workers
    counted once), every ``pss_interval`` seconds, and the sum of their RSS (shared
    pages counted in every process, so an upper bound), every ``interval`` seconds.
    A PSS sample costs the machine about 70 ms of CPU with a 100,000-article run's
    processes (the kernel walks their page tables), so it is taken every few seconds;
    RSS is read from ``/proc/<pid>/statm`` and costs next to nothing. (PSS ten times a
    second took about a sixth of a core from the run being measured.)
    """

    def __init__(self, pid: int, interval: float = 0.25, pss_interval: float = 3.0):
        import psutil

        self.root = psutil.Process(pid)
        self.interval = interval
        self.pss_interval = pss_interval
        self.peak = 0       # PSS
        self.peak_rss = 0   # summed RSS (upper bound)
        self._page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _rss(self, p) -> int:
        try:
            with open(f"/proc/{p.pid}/statm") as f:
                return int(f.read().split()[1]) * self._page
        except (OSError, ValueError, IndexError):
            return p.memory_info().rss

    def _run(self) -> None:
        import psutil

        last_pss = -1e9
        while not self._stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
                rss = 0
                for p in procs:
                    try:
                        rss += self._rss(p)
                    except psutil.Error:
                        pass
                self.peak_rss = max(self.peak_rss, rss)
                now = time.monotonic()
                if now - last_pss >= self.pss_interval:
                    last_pss = now
                    total = 0
                    for p in procs:
                        try:  # PSS: shared pages (forked workers) counted once in the sum
                            total += getattr(p.memory_full_info(), "pss", 0) or p.memory_info().rss
                        except psutil.Error:
                            pass
                    self.peak = max(self.peak, total)
            except psutil.Error:
                pass
            self._stop.wait(self.interval)

    def stop(self) -> tuple[int, int]:
        self._stop.set()
        self._thread.join()
        return self.peak, self.peak_rss


def run_cli(args: list[str], env: dict) -> dict:
    """Run ``python -m analysis`` with ``args``: wall and CPU seconds, peak tree memory, exit code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "analysis", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    meter = _TreeMemory(proc.pid)
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    peak, peak_rss = meter.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        raise RuntimeError(f"python -m analysis {' '.join(args)} failed ({proc.returncode}):\n{err[-3000:]}")
    return {"wall": wall, "cpu": cpu, "peak": peak, "peak_rss": peak_rss, "stderr": err}


def naive_textblob(sample: dict, *, as_written: bool = False) -> dict:
    """Seconds per article of the naive loop on a sample (:func:`sample_texts`).

    ``as_written=False`` (the baseline): ``TextBlobDE(text, tokenizer=tok)`` with one
    NLTK Punkt tokenizer built once, which gives the same polarities as the loop a
    user writes and is the stronger baseline; ``True``: ``TextBlobDE(text)`` per
    article, as a user writes it, where every ``TextBlobDE`` builds a new Punkt
    tokenizer (re-reading the German Punkt tables), on a quarter of the sample.
    One warm-up article (the sample's first, timed again after) is not counted.

    The sample's texts are shorter or longer than the corpus's on average (a
    systematic sample of 100-300 10kGNAD articles: 0.89-1.07 times the mean
    length), and the loop's time grows with the length, so the time per article of
    the corpus is estimated with a ratio estimator: the sample's seconds per
    character times the corpus's mean characters per article (``wall``, ``cpu``).
    ``wall_sample`` is the plain mean over the sample's articles.

    References
    ----------
    Cochran, W. G. (1977). *Sampling techniques* (3rd ed.), ch. 6 (ratio estimators). Wiley.
    """
    from textblob_de import NLTKPunktTokenizer, TextBlobDE

    texts = sample["texts"]
    if as_written:
        texts, make = texts[: max(1, len(texts) // 4)], TextBlobDE
    else:
        tok = NLTKPunktTokenizer()

        def make(text):
            return TextBlobDE(text, tokenizer=tok)

    make(texts[0]).sentiment.polarity  # warm-up: lexicon loading is not counted
    t0, c0 = time.perf_counter(), time.process_time()
    for text in texts:
        make(text).sentiment.polarity
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    chars = sum(map(len, texts))
    scale = sample["mean_chars"] / chars  # seconds per character x mean characters per article
    return {"articles": len(texts), "wall": wall * scale, "cpu": cpu * scale, "wall_sample": wall / len(texts),
            "length": chars / len(texts) / sample["mean_chars"]}


def _mb(n: float) -> str:
    return f"{n / 2**20:,.0f} MB"


def _stage_table(summary: dict) -> list[str]:
    lines = []
    order = ["load", "sentences", "tokens", "sentiment", "frames", "keyness", "write"]
    cpu = summary.get("cpu_seconds", {})
    for stage in order + [s for s in summary["seconds"] if s not in order]:
        if stage in summary["seconds"]:
            lines.append(f"      {stage:<10} {summary['seconds'][stage]:9.1f} s wall {cpu.get(stage, float('nan')):7.1f} s CPU"
                         f"   peak {_mb(summary['peak_rss'].get(stage, 0)):>9}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.bench.pipeline", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], help="corpus sizes (default 10000 100000)")
    parser.add_argument("--scaling-size", type=int, default=10_000, help="size for the 1 vs 2 worker comparison")
    parser.add_argument("--naive-sample", type=int, default=200,
                        help="articles for the naive TextBlobDE loop, spread over the corpus (default 200)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="cold runs of the smallest size with 2 workers, each between two baselines (default 3)")
    parser.add_argument("--workdir", type=Path, default=None, help="folder for corpora, caches and outputs")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--chunk-size", type=int, default=None,
                        help="passed to `python -m analysis run` (default: the pipeline's chunk size)")
    parser.add_argument("--sentiment-method", default=None,
                        help="passed to `python -m analysis run` (default: the sentiment module's default)")
    parser.add_argument("--no-bytecode-cache", action="store_true",
                        help="run as the environment is (no .pyc files written if PYTHONDONTWRITEBYTECODE is set)")
    args = parser.parse_args(argv)
    if not SOURCE.is_file():
        print(f"10kGNAD not found at {SOURCE}; set MEDIA_ANALYSIS_SHARED to the shared folder", file=sys.stderr)
        return 1
    work = args.workdir or Path(tempfile.gettempdir()) / "media-analysis-bench"
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, TQDM_DISABLE="1", PYTHONHASHSEED="0")
    print(f"machine: {os.cpu_count()} cores; Python {sys.version.split()[0]}; work folder {work}")
    if not args.no_bytecode_cache:
        # An installed package has compiled bytecode (.pyc files; pip writes them at install time,
        # Python on first import). With PYTHONDONTWRITEBYTECODE set and none written, every
        # process (CLI, fork server, workers) compiles pandas, scikit-learn, dask ... from source
        # again, which costs several CPU seconds per process. Measure the installed state: a
        # bytecode cache in the work folder, filled once before any timing.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "; ".join(f"import {m}" for m in WARM_IMPORTS)], env=env, check=True)
        print(f"bytecode cache: {work / 'pycache'} (filled in {time.perf_counter() - t0:.1f} s before timing; "
              "--no-bytecode-cache measures without)")
    else:
        print(f"bytecode cache: as the environment has it (PYTHONDONTWRITEBYTECODE="
              f"{os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r})")
    try:
        load = os.getloadavg()
        print(f"load average at start: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    except OSError:
        pass
    sizes = sorted(set(args.sizes))
    corpora = {n: build_corpus(n, work) for n in sorted(set(sizes) | ({args.scaling_size} if args.scaling_size else set()))}

    help_s = _median_seconds([sys.executable, "-m", "analysis", "--help"])
    print(f"\n`python -m analysis --help`: {help_s * 1000:.0f} ms (median of 7)")

    sample = sample_texts(corpora[min(corpora)], args.naive_sample)
    mean_chars = {n: sample["mean_chars"] if n == min(corpora) else corpus_size(path)[1]
                  for n, path in corpora.items()}
    written = naive_textblob(sample, as_written=True)
    baselines = [naive_textblob(sample)]
    naive = baselines[0]
    print(f"naive loop TextBlobDE(text).sentiment.polarity per article, on a sample spread over the "
          f"{sample['articles']:,}-article corpus ({len(sample['texts'])} articles, every "
          f"{sample['articles'] / len(sample['texts']):.0f}th; their mean length {naive['length']:.2f}x the corpus's, "
          f"so the time per character times the corpus's mean length is used):\n"
          f"   as written ({written['articles']} articles): {written['wall'] * 1000:.1f} ms wall, "
          f"{written['cpu'] * 1000:.1f} ms CPU (a new Punkt tokenizer per article)\n"
          f"   one shared tokenizer ({naive['articles']} articles): {naive['wall'] * 1000:.1f} ms wall, "
          f"{naive['cpu'] * 1000:.1f} ms CPU ({naive['wall_sample'] * 1000:.1f} ms per article of the sample)"
          f"  <- the baseline; measured again after every cold run below")

    # The machine's speed drifts by up to 1.5x within minutes (a shared virtual machine), so
    # the baseline is measured again after every cold run and each run is compared with the
    # mean of the baselines measured right before and right after it; the 2-worker run on the
    # smallest size (the 10,000-article target) is repeated --rounds times.
    results: dict[str, list] = {}
    plan = []
    if args.scaling_size:
        plan.append((args.scaling_size, 1, 1))
    for n in sizes:
        plan.append((n, 2, max(1, args.rounds) if n == sizes[0] else 1))
    for n, workers, rounds in plan:
        tag = f"{n}-w{workers}"
        cache_dir, out = work / f"cache-{tag}", work / f"out-{tag}"
        run_env = dict(env, MEDIA_ANALYSIS_CACHE=str(cache_dir / "terms"))  # the lemma cache starts empty too
        cmd = ["run", str(corpora[n]), "--outlet", "category", "--out", str(out), "--cache-dir", str(cache_dir),
               "--workers", str(workers), "--quiet"]
        if args.sentiment_method:
            cmd += ["--sentiment-method", args.sentiment_method]
        if args.chunk_size:
            cmd += ["--chunk-size", str(args.chunk_size)]
        print(f"\n== {n:,} articles, {workers} worker(s): python -m analysis {' '.join(cmd)}")
        for round_ in range(1, rounds + 1):
            shutil.rmtree(cache_dir, ignore_errors=True)
            shutil.rmtree(out, ignore_errors=True)
            load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
            cold = run_cli(cmd, run_env)
            load_after = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
            before, after = baselines[-1], naive_textblob(sample)
            baselines.append(after)
            summary = json.loads((out / "summary.json").read_text())
            per_article = cold["wall"] / summary["articles"]
            per_article_cpu = cold["cpu"] / summary["articles"]
            # the baseline per article of *this* corpus: its mean length, not the sampled corpus's
            longer = mean_chars[n] / sample["mean_chars"]
            base_wall = (before["wall"] + after["wall"]) / 2 * longer
            base_cpu = (before["cpu"] + after["cpu"]) / 2 * longer
            ratio = base_wall / per_article
            label = f"cold{f' (round {round_} of {rounds})' if rounds > 1 else ''}"
            print(f"   {label}: {cold['wall']:.1f} s wall, {cold['cpu']:.1f} s CPU, peak memory {_mb(cold['peak'])} "
                  f"(PSS of all processes; summed RSS, an upper bound: {_mb(cold['peak_rss'])}); "
                  f"{summary['articles'] / cold['wall']:,.0f} articles/s; load average {load_before:.1f} "
                  f"before, {load_after:.1f} after (1-minute; 2.0 = both cores busy)")
            print(f"   per article: {per_article * 1000:.2f} ms wall, {per_article_cpu * 1000:.2f} ms CPU; baseline "
                  f"{before['wall'] * 1000:.1f} ms before, {after['wall'] * 1000:.1f} ms after -> "
                  f"{ratio:.1f}x faster than the naive loop (wall, against their mean; "
                  f"{before['wall'] * longer / per_article:.1f}-{after['wall'] * longer / per_article:.1f}x against each"
                  f"{f'; articles {longer:.3f}x as long as the sampled corpus' if n != sample['articles'] else ''}), "
                  f"{base_cpu / per_article_cpu:.1f}x (CPU)")
            print("   per stage (seconds summed over chunks, in the workers for per-chunk stages; CPU of the process "
                  "that ran it; peak RSS of one process):")
            print("\n".join(_stage_table(summary)))
            results.setdefault(tag, []).append({"cold": cold, "summary": summary, "ratio": ratio})
        # warm: the same command again (median of 3), with --help timed right before, under the same load
        r = results[tag][-1]
        help_now = _median_seconds([sys.executable, "-m", "analysis", "--help"], runs=5)
        warm_same = statistics.median(run_cli(cmd, run_env)["wall"] for _ in range(3))
        warm_out = run_cli(cmd, run_env)["stderr"]
        warm_new = run_cli([*cmd[:4], "--out", str(out) + "-again", *cmd[6:]], run_env)
        shutil.rmtree(str(out) + "-again", ignore_errors=True)
        hit = "unchanged since a cached run" in warm_out or warm_same < 0.2 * r["cold"]["wall"]
        print(f"   warm (same command again, median of 3): {warm_same * 1000:.0f} ms = {warm_same / help_now:.2f}x "
              f"--help ({help_now * 1000:.0f} ms, timed just before), {r['cold']['wall'] / warm_same:,.0f}x faster than cold"
              f"{'' if hit else ' (NOT a finished-run cache hit: code of a stage changed since the cold run?)'}; "
              f"into a new folder (copies the files): {warm_new['wall'] * 1000:.0f} ms")
        r.update(warm=warm_same, warm_new=warm_new["wall"], help=help_now)

    print("\n== summary")
    print(f"   --help {help_s * 1000:.0f} ms at the start; naive TextBlobDE (shared tokenizer, per article of the "
          f"corpus) measured {len(baselines)} times: "
          + ", ".join(f"{b['wall'] * 1000:.1f}" for b in baselines) + " ms wall")
    for tag, runs in results.items():
        ratios = [r["ratio"] for r in runs]
        walls = ", ".join(f"{r['cold']['wall']:.1f}" for r in runs)
        spread = f"; median of {len(runs)}: {statistics.median(ratios):.1f}x" if len(runs) > 1 else ""
        print(f"   {tag}: cold {walls} s -> " + ", ".join(f"{x:.1f}x" for x in ratios)
              + f" the naive loop (wall, against the baselines measured around each run){spread}")
    w1 = results.get(f"{args.scaling_size}-w1")
    w2 = results.get(f"{args.scaling_size}-w2")
    if w1 and w2:
        a1, a2 = w1[0]["cold"], w2[0]["cold"]
        print(f"   scaling on {args.scaling_size:,} articles: 1 worker {a1['wall']:.1f} s, 2 workers "
              f"{a2['wall']:.1f} s (its first round) -> speed-up {a1['wall'] / a2['wall']:.2f}x (wall); "
              f"CPU {a1['cpu']:.1f} s vs {a2['cpu']:.1f} s (the cost of the parallel run: "
              f"{a2['cpu'] / a1['cpu']:.2f}x the CPU)")
    # the highest peak of each size's rounds, as the summary lines below print it
    two = sorted((int(t.split("-")[0]), max(r["cold"]["peak"] for r in rs))
                 for t, rs in results.items() if t.endswith("-w2"))
    if len(two) >= 2:
        (n0, p0), (n1, p1) = two[0], two[-1]
        slope = (p1 - p0) / (n1 - n0)
        base = p0 - slope * n0
        print(f"   peak memory (2 workers): {n0:,} articles {_mb(p0)}, {n1:,} articles "
              f"{_mb(p1)}; growth {slope / 1024:.1f} KB per article -> projected for 1,000,000 "
              f"articles on one machine: {_mb(base + slope * 1_000_000)}")
    for tag, runs in results.items():
        r = runs[-1]
        s = r["summary"]
        print(f"   {tag}: cold {r['cold']['wall']:.1f} s ({s['articles'] / r['cold']['wall']:,.0f} art/s, "
              f"peak {_mb(max(x['cold']['peak'] for x in runs))}), warm {r['warm'] * 1000:.0f} ms "
              f"({r['warm'] / r['help']:.2f}x --help)")
    if not args.keep:
        for tag in results:
            shutil.rmtree(work / f"cache-{tag}", ignore_errors=True)
            shutil.rmtree(work / f"out-{tag}", ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
