"""Train the GerNTSA classifier and write it to ``analysis/data/sentiment/``.

Run ``python -m analysis.sentiment.train`` (reads ``<SHARED_DATA>/gerntsa/sentences_dev.tsv``).
The settings are chosen by 5-fold cross-validation over a small grid (never by
looking at single sentences); the chosen model is then refitted on all
development sentences and saved as JSON + NPZ with its cross-validated scores.

References
----------
Goerke, C. et al. GerNTSA: German News Targeted Sentiment Analysis data set.
https://github.com/cgoer/GerNTSA (CC BY 4.0).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from .. import paths
from .classifier import LABELS, MODEL_STEM, Model

GERNTSA = paths.SHARED_DATA / "gerntsa"
#: Settings compared by cross-validation in :func:`select`.
GRID = [{"C": c} for c in (0.25, 0.5, 1.0)]
#: Seeds of the repeated cross-validation in :func:`select` (one 5-fold split each; scores averaged).
SEEDS = (0, 1, 2)


def load_gerntsa(name: str = "sentences_dev.tsv") -> pd.DataFrame:
    """A GerNTSA table from the shared data folder (raises with a hint if it is missing)."""
    path = GERNTSA / name
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: the GerNTSA development data lives in "
                                "../shared/data/gerntsa/ (set MEDIA_ANALYSIS_SHARED to another shared folder)")
    return pd.read_csv(path, sep="\t", keep_default_na=False)


def folds(labels, *, k: int = 5, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified ``k``-fold split (deterministic for a seed)."""
    from sklearn.model_selection import StratifiedKFold  # noqa: PLC0415

    y = np.asarray(labels)
    return list(StratifiedKFold(k, shuffle=True, random_state=seed).split(np.zeros(len(y)), y))


def cross_predict(texts, labels, *, k: int = 5, seed: int = 0, **settings) -> np.ndarray:
    """Out-of-fold labels: each sentence is scored by a model that never saw it."""
    texts = list(texts)
    y = np.asarray(labels)
    pred = np.empty(len(y), dtype=object)
    for train, test in folds(y, k=k, seed=seed):
        model = Model.fit([texts[i] for i in train], y[train], **settings)
        pred[test] = model.predict([texts[i] for i in test], evidence=False)["label"].to_numpy()
    return pred


def macro_f1(gold, pred) -> float:
    from sklearn.metrics import f1_score  # noqa: PLC0415

    return float(f1_score(gold, pred, labels=list(LABELS), average="macro"))


def select(texts, labels, *, k: int = 5, seeds=SEEDS, grid=GRID) -> tuple[dict, pd.DataFrame]:
    """The grid setting with the best mean macro-F1 over repeated ``k``-fold splits, and the table of all.

    Repeating the split with several seeds keeps the choice from following the
    luck of one split (the spread between seeds is about 0.01 macro-F1).
    """
    rows = []
    for setting in grid:
        scores = [macro_f1(labels, cross_predict(texts, labels, k=k, seed=s, **setting)) for s in seeds]
        rows.append({**setting, "macro_f1": float(np.mean(scores)), "macro_f1_by_seed": np.round(scores, 4).tolist()})
    table = pd.DataFrame(rows)
    best = table.sort_values("macro_f1", ascending=False, kind="mergesort").iloc[0]
    return {key: (best[key].item() if hasattr(best[key], "item") else best[key]) for key in grid[0]}, table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(MODEL_STEM), help="output path without extension")
    parser.add_argument("--no-search", action="store_true", help="use the default settings, skip the grid")
    args = parser.parse_args(argv)
    data = load_gerntsa()
    texts, labels = data["text"].tolist(), data["label"].to_numpy()
    if args.no_search:
        setting, table = {}, None
    else:
        setting, table = select(texts, labels)
        print(table.to_string(index=False))
    pred = cross_predict(texts, labels, **setting)
    score = macro_f1(labels, pred)
    print(f"chosen {setting or 'defaults'}: cross-validated macro-F1 {score:.3f}")
    model = Model.fit(texts, labels, **setting)
    meta = {"trained_on": "GerNTSA sentences_dev.tsv", "n_sentences": int(len(texts)),
            "cv": "5-fold stratified, seed 0", "cv_macro_f1": round(score, 4)}
    if table is not None:
        meta["selection"] = (f"C chosen from {[g['C'] for g in GRID]} by mean macro-F1 over 5-fold splits "
                             f"with seeds {list(SEEDS)}")
        meta["selection_scores"] = table.to_dict(orient="records")
    for path in model.save(Path(args.out), meta=meta):
        print("wrote", path.relative_to(paths.ROOT) if path.is_relative_to(paths.ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
