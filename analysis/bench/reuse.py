"""Time reuse.shared_passages on 10kGNAD replicated R times (replicas share their category).

Usage: .venv/bin/python -m analysis.bench.reuse [R]"""
import sys
import time

import pandas as pd

from analysis import corpus, paths, reuse, tokens


def main() -> None:
    rep = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    arts = corpus.load(paths.SHARED_DATA / "10kgnad" / "articles_test.tsv", outlet="category")
    tok1 = tokens.tokenize(corpus.sentences(arts))
    tok = pd.concat([tok1.assign(doc_id=tok1["doc_id"].astype(str) + f"_{r}") for r in range(rep)], ignore_index=True)
    t = time.perf_counter()
    p = reuse.shared_passages(tok, n=8, between="outlet")
    print(f"{len(tok):,} tokens, {len(arts) * rep:,} articles: shared_passages(n=8) {time.perf_counter() - t:.1f} s, {len(p):,} passages")


if __name__ == "__main__":
    main()
