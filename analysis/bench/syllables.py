"""Syllable counting accuracy: analysis.readability rule vs pyphen (textstat's method).

Usage: .venv/bin/python -m analysis.bench.syllables
Gold: analysis/data/terms/syllables_gold_seeds.tsv (81 words from the seed articles; the rule was tuned on
these) and syllables_gold_10kgnad.tsv (45 words from 10kGNAD articles, held out).
"""
import pandas as pd

from analysis import paths, readability


def main() -> None:
    for name in ("syllables_gold_seeds.tsv", "syllables_gold_10kgnad.tsv"):
        gold = pd.read_csv(paths.PACKAGE_DATA / "terms" / name, sep="\t")
        for method in ("rule", "pyphen"):
            pred = gold["word"].map(readability.syllables(gold["word"], method=method))
            exact = (pred == gold["syllables"]).mean()
            mae = (pred - gold["syllables"]).abs().mean()
            print(f"{name:<28} {method:<7} exact {exact:.3f}  mean abs error {mae:.3f}  (n={len(gold)})")


if __name__ == "__main__":
    main()
