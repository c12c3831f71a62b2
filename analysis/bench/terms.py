"""Benchmark of analysis.terms / analysis.keyness on 10kGNAD (../shared/data), replicated.

Usage: .venv/bin/python -m analysis.bench.terms [REPLICATES]
Prints wall time per stage; the lemma cache is cold at the first annotate.
``MEDIA_ANALYSIS_LEMMA_TABLE=off`` measures without the shipped lemma table (HanTa for every form).
"""
import os
import sys
import time

import pandas as pd

from analysis import corpus, keyness, paths, terms, tokens, collocations, readability, reuse


def timed(label, f):
    t = time.perf_counter()
    out = f()
    print(f"{label:<42} {time.perf_counter() - t:7.2f} s")
    return out


def main() -> None:
    rep = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    print("lemma cache:", os.environ.get("MEDIA_ANALYSIS_CACHE", "user cache dir"), "| cores:", os.cpu_count(),
          "| lemma table:", terms.LEMMA_TABLE.name if terms.LEMMA_TABLE else "off (MEDIA_ANALYSIS_LEMMA_TABLE=off)")
    src = paths.SHARED_DATA / "10kgnad" / "articles_test.tsv"
    t0 = time.perf_counter()
    arts = corpus.load(src, outlet="category")
    arts.attrs = {}
    sents = corpus.sentences(arts)
    tok1 = tokens.tokenize(sents)
    t_prep = time.perf_counter() - t0
    parts = []
    for r in range(rep):
        t = tok1.copy()
        t["doc_id"] = t["doc_id"].astype(str) + f"_{r}"
        parts.append(t)
    tok = pd.concat(parts, ignore_index=True)
    n_types = tok.loc[tok["kind"] == "word", "token"].nunique()
    print(f"articles: {len(arts) * rep:,}  tokens: {len(tok):,}  distinct word forms: {n_types:,}  (load+sentences+tokens of 1x: {t_prep:.1f} s)")



    ann = timed("annotate (cold lemma cache)", lambda: terms.annotate(tok))
    timed("annotate (warm lemma cache)", lambda: terms.annotate(tok))
    timed("frequencies by outlet", lambda: terms.frequencies(ann, by="outlet"))
    timed("frequencies by doc_id", lambda: terms.frequencies(ann, by="doc_id"))
    timed("frequencies compounds='split' (cold)", lambda: terms.frequencies(ann, by="outlet", compounds="split"))
    timed("tfidf by outlet", lambda: terms.tfidf(ann, by="outlet"))
    res = timed("keyness g2, 9 outlets one-vs-rest", lambda: keyness.compare(ann, by="outlet", measure="g2"))
    timed("keyness log_odds_prior", lambda: keyness.compare(ann, by="outlet", measure="log_odds_prior"))
    timed("keyness vs wordfreq (Web)", lambda: keyness.compare(ann, by="outlet", target="Web", reference="wordfreq"))
    timed("evidence (5 terms x 9 outlets)", lambda: keyness.evidence(ann, res, n_terms=5))
    timed("kwic 'Regierung*'", lambda: terms.kwic(ann, "Regierung*"))
    timed("collocations (bigrams)", lambda: collocations.find(ann, min_count=5))
    timed("readability per article", lambda: readability.score(tok))
    timed("reuse (8-word passages)", lambda: reuse.shared_passages(tok, n=8, between="outlet"))


if __name__ == "__main__":
    main()
