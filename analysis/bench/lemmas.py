"""Lemma accuracy and speed: analysis.terms (HanTa + rules) vs raw HanTa vs textblob-de,
and the shipped lemma table (fast path) vs per-form HanTa (reference), cold.

Usage: .venv/bin/python -m analysis.bench.lemmas [--articles N] [--no-accuracy]

Gold: analysis/data/terms/lemmas_gold_seeds.tsv (92 forms from the seeds; the rules around HanTa were
written looking at these) and lemmas_gold_10kgnad.tsv (45 forms from 10kGNAD, held out).

Speed: the distinct word forms that ``terms.annotate`` hands to ``terms.lemmatize`` for the first N
(default 300) 10kGNAD test articles, cold (no disk cache, empty in-memory cache), in one process:
the reference (``terms.LEMMA_TABLE = None``: every form through HanTa + rules) and the fast path
(table lookup, HanTa for the rest), both serial (``PARALLEL_MIN`` raised) so CPU seconds compare;
then the fast path as the library runs it (both cores when >= PARALLEL_MIN forms are left). Also the
table's load time (first use in a fresh process, and again) and how many forms it answers. Results
of the two paths are compared and must be identical.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time

import pandas as pd


def accuracy() -> None:
    from HanTa import HanoverTagger as ht
    from textblob_de.lemmatizers import PatternParserLemmatizer

    from analysis import paths, terms

    hanta = ht.HanoverTagger("morphmodel_ger.pgz")
    tb = PatternParserLemmatizer()
    for gold_name in ("lemmas_gold_seeds.tsv", "lemmas_gold_10kgnad.tsv"):
        gold = pd.read_csv(paths.PACKAGE_DATA / "terms" / gold_name, sep="\t")
        print(gold_name)
        ours = dict(zip(*terms.lemmatize(gold["word"])[["word", "lemma"]].T.values))
        raw = {w: hanta.analyze(w)[0] for w in gold["word"]}
        tbl = {w: tb.lemmatize(w)[0][0] for w in gold["word"]}
        for name, pred in (("analysis.terms (HanTa + rules)", ours), ("HanTa analyze() raw", raw), ("textblob-de PatternParserLemmatizer", tbl)):
            ok = gold.apply(lambda r: pred[r.word] == r.lemma, axis=1)
            ok_ci = gold.apply(lambda r: pred[r.word].lower() == r.lemma.lower(), axis=1)
            print(f"{name:<38} exact {ok.mean():.3f}  ignoring case {ok_ci.mean():.3f}  (n={len(gold)})")
            print("   wrong:", ", ".join(f"{w}->{pred[w]}" for w in gold.loc[~ok_ci, "word"]))

    from analysis import paths as _paths

    df = pd.read_csv(_paths.SHARED_DATA / "10kgnad" / "articles_test.tsv", sep="\t")
    words = list(dict.fromkeys(re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", " ".join(df["text"].head(200)))))[:5000]
    table, terms.LEMMA_TABLE = terms.LEMMA_TABLE, None  # HanTa per form, as before the table
    terms._LEMMAS.clear()
    t = time.perf_counter(); terms.PARALLEL_MIN = 10**9; terms.lemmatize(words); a = time.perf_counter() - t
    terms.LEMMA_TABLE = table
    t = time.perf_counter(); [tb.lemmatize(w) for w in words[:1000]]; b = time.perf_counter() - t
    print(f"speed per distinct form (HanTa, no table): analysis.terms {1000 * a / len(words):.2f} ms (n={len(words)}), "
          f"textblob-de {1000 * b / 1000:.2f} ms (n=1000)")


def annotate_forms(n_articles: int) -> list[str]:
    """The distinct forms ``terms.annotate`` passes to ``terms.lemmatize`` for the first n 10kGNAD articles."""
    from analysis import corpus, paths, terms, tokens

    arts = corpus.load(paths.SHARED_DATA / "10kgnad" / "articles_test.tsv", outlet="category").head(n_articles)
    toks = tokens.tokenize(corpus.sentences(arts))
    seen: list[str] = []
    real = terms.lemmatize

    def capture(words):
        seen.extend(words)
        return pd.DataFrame({"word": list(words), "lemma": list(words), "pos": "XY"})

    terms.lemmatize = capture
    try:
        terms.annotate(toks)
    finally:
        terms.lemmatize = real
    return list(dict.fromkeys(seen))


_LOAD_SNIPPET = """
import time, os
os.environ["MEDIA_ANALYSIS_CACHE"] = "off"
import pandas, pyarrow
from analysis import terms
t = time.perf_counter(); c = time.process_time(); tab = terms._lemma_table()
w1, c1 = time.perf_counter() - t, time.process_time() - c
terms._TABLE = None
t = time.perf_counter(); terms._lemma_table(); w2 = time.perf_counter() - t
t = time.perf_counter(); terms.lemmatize(["Kameras"]); w3 = time.perf_counter() - t
print(f"{w1*1000:.0f} {c1*1000:.0f} {w2*1000:.0f} {w3*1000:.0f} {len(tab['words']) if tab else 0}")
"""


def speed(n_articles: int) -> None:
    os.environ["MEDIA_ANALYSIS_CACHE"] = "off"
    from analysis import terms

    path = terms.LEMMA_TABLE
    size = path.stat().st_size / 1e6 if path is not None and path.exists() else 0.0
    out = subprocess.run([sys.executable, "-c", _LOAD_SNIPPET], capture_output=True, text=True, check=True).stdout.split()
    print(f"lemma table {path.name if path else None}: {size:.2f} MB, {int(out[4]):,} words ({2 * int(out[4]):,} forms); "
          f"first load in a fresh process (pandas and pyarrow imported) {out[0]} ms wall, {out[1]} ms CPU; "
          f"reload {out[2]} ms; lemmatize(['Kameras']) after that {out[3]} ms")

    forms = annotate_forms(n_articles)
    terms._tagger(), terms._freq("")  # load HanTa and wordfreq before timing (both paths need them)
    results = {}
    for label, table, parallel_min in (("reference: HanTa per form (no table), 1 process", None, 10**9),
                                       ("fast path: table + HanTa for the rest, 1 process", path, 10**9),
                                       ("fast path as shipped (2 processes when >= PARALLEL_MIN left)", path, terms.PARALLEL_MIN)):
        terms.LEMMA_TABLE, keep_min = table, terms.PARALLEL_MIN
        terms.PARALLEL_MIN = parallel_min
        terms._LEMMAS.clear()
        terms._FROM_TABLE.clear()
        terms._TABLE = None
        c0, t0 = time.process_time(), time.perf_counter()
        res = terms.lemmatize(forms)
        cpu, wall = time.process_time() - c0, time.perf_counter() - t0
        terms.PARALLEL_MIN = keep_min
        from_table = len(terms._FROM_TABLE & set(forms))
        results[label] = (res, cpu, wall)
        print(f"{label:<62} {wall:7.2f} s wall {cpu:7.2f} s CPU (this process)  "
              f"answered by the table: {from_table:,} of {len(forms):,} forms")
    (ref, rc, rw), (fast, fc, fw), (ship, _, sw) = results.values()
    same = ref.equals(fast) and ref.equals(ship)
    print(f"distinct forms of {n_articles} articles: {len(forms):,}; results identical: {same}; "
          f"speed-up (1 process): {rw / fw:.1f}x wall, {rc / fc:.1f}x CPU; as shipped: {rw / sw:.1f}x wall")
    if not same:
        diff = ref.merge(fast, on="word", suffixes=("_ref", "_fast"))
        diff = diff[(diff["lemma_ref"] != diff["lemma_fast"]) | (diff["pos_ref"] != diff["pos_fast"])]
        print(diff.head(20).to_string())
        raise SystemExit(1)


def main() -> None:
    p = argparse.ArgumentParser(description="Lemma accuracy and speed")
    p.add_argument("--articles", type=int, default=300, help="10kGNAD articles whose distinct forms are lemmatised")
    p.add_argument("--no-accuracy", action="store_true", help="only the speed comparison")
    args = p.parse_args()
    os.environ["MEDIA_ANALYSIS_CACHE"] = "off"  # measure cold lemmatisation
    print("cores:", os.cpu_count(), "| load average:", " ".join(f"{x:.1f}" for x in os.getloadavg()))
    if not args.no_accuracy:
        accuracy()
    speed(args.articles)
    print("load average at the end:", " ".join(f"{x:.1f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
