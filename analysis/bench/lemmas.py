"""Lemma accuracy and speed: analysis.terms (HanTa + rules) vs raw HanTa vs textblob-de.

Usage: .venv/bin/python -m analysis.bench.lemmas
Gold: analysis/data/terms/lemmas_gold_seeds.tsv (92 forms from the seeds; the rules around HanTa were
written looking at these) and lemmas_gold_10kgnad.tsv (45 forms from 10kGNAD, held out).
Speed: distinct word forms of the first 200 10kGNAD articles, per form, cold.
"""
import os
import re
import time

import pandas as pd


def main() -> None:
    os.environ["MEDIA_ANALYSIS_CACHE"] = "off"  # measure cold lemmatisation
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

    df = pd.read_csv(paths.SHARED_DATA / "10kgnad" / "articles_test.tsv", sep="\t")
    words = list(dict.fromkeys(re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", " ".join(df["text"].head(200)))))[:5000]
    t = time.perf_counter(); terms.PARALLEL_MIN = 10**9; terms.lemmatize(words); a = time.perf_counter() - t
    t = time.perf_counter(); [tb.lemmatize(w) for w in words[:1000]]; b = time.perf_counter() - t
    print(f"speed per distinct form: analysis.terms {1000 * a / len(words):.2f} ms (n={len(words)}), textblob-de {1000 * b / 1000:.2f} ms (n=1000)")


if __name__ == "__main__":
    main()
