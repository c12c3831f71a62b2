"""Benchmark every sentiment method on the GerNTSA development data.

Run ``python -m analysis.bench.sentiment`` (``--quick`` for a 300-sentence smoke run).
Prints, in one run:

* macro-F1, per-class F1 and accuracy of every method on
  ``<SHARED_DATA>/gerntsa/sentences_dev.tsv``, with 5-fold stratified
  cross-validation: the trained method (``gerntsa-lr``) is refitted on four
  folds and scores the fifth, so no sentence is scored by a model that saw it;
  the lexicon methods need no training and are scored on the same folds;
* the tone towards a target (``targets_dev.tsv``), sentence vs clause scope;
* scoring time per sentence of every method, and the textblob-de fast path
  against textblob-de's own ``PatternAnalyzer`` on the same sentences (with a
  check that the polarities are identical).

Timings depend on the machine's load; compare the ratios measured in one run.
"""
from __future__ import annotations

import argparse
import sys
import time

import numpy as np
import pandas as pd

from .. import sentiment
from ..sentiment import LABELS, textblob
from ..sentiment.classifier import Model
from ..sentiment.train import folds, load_gerntsa


def _metrics(gold, pred) -> dict:
    from sklearn.metrics import accuracy_score, f1_score  # noqa: PLC0415

    per = f1_score(gold, pred, labels=list(LABELS), average=None)
    return {"macro_f1": f1_score(gold, pred, labels=list(LABELS), average="macro"),
            **{f"f1_{c}": v for c, v in zip(LABELS, per)}, "accuracy": accuracy_score(gold, pred)}


def _shipped_settings() -> dict:
    """The training settings of the shipped model (so the benchmark scores what ships)."""
    from ..sentiment.classifier import DEFAULTS, shipped  # noqa: PLC0415

    return {k: v for k, v in shipped().settings.items() if k in DEFAULTS}


def cross_validated(data: pd.DataFrame, *, k: int = 5, seed: int = 0) -> tuple[pd.DataFrame, dict]:
    """Out-of-fold labels of every method and the scoring time per sentence (seconds)."""
    texts = data["text"].tolist()
    y = data["label"].to_numpy()
    pred = {m: np.empty(len(y), dtype=object) for m in sentiment.METHODS}
    seconds = {m: 0.0 for m in sentiment.METHODS}
    fold_id = np.empty(len(y), dtype=np.int64)
    for f, (train, test) in enumerate(folds(y, k=k, seed=seed)):
        fold_id[test] = f
        test_frame = pd.DataFrame({"text": [texts[i] for i in test]})
        for m in ("textblob-de", "textblob-de-corrected"):
            t0 = time.perf_counter()
            pred[m][test] = sentiment.score(test_frame, method=m)["label"].to_numpy()
            seconds[m] += time.perf_counter() - t0
        model = Model.fit([texts[i] for i in train], y[train], **_shipped_settings())
        t0 = time.perf_counter()
        pred["gerntsa-lr"][test] = model.predict(test_frame["text"].tolist())["label"].to_numpy()
        seconds["gerntsa-lr"] += time.perf_counter() - t0
    out = pd.DataFrame({"fold": fold_id, "gold": y, **pred})
    return out, {m: s / len(y) for m, s in seconds.items()}


def report(cv: pd.DataFrame) -> pd.DataFrame:
    """Pooled out-of-fold metrics per method, with the spread of macro-F1 over folds."""
    rows = []
    for m in sentiment.METHODS:
        row = {"method": m, **_metrics(cv["gold"], cv[m])}
        per_fold = [_metrics(g["gold"], g[m])["macro_f1"] for _, g in cv.groupby("fold")]
        row["macro_f1_fold_sd"] = float(np.std(per_fold, ddof=1)) if len(per_fold) > 1 else float("nan")
        rows.append(row)
    return pd.DataFrame(rows)


def targets_check(targets: pd.DataFrame, *, method: str) -> pd.DataFrame:
    """Macro-F1 of the tone of the sentence vs the clause around each GerNTSA target span."""
    texts = targets["text"].astype(str).reset_index(drop=True)
    frame = pd.DataFrame({"text": texts})
    whole = sentiment.score(frame, method=method)["label"].to_numpy()
    cl = sentiment.clauses(frame)
    spans = pd.DataFrame({"row": np.arange(len(targets)), "t": targets["target_from"].to_numpy()})
    m = spans.merge(cl, on="row")
    inside = m[(m["t"] >= m["start"]) & (m["t"] < m["end"])].drop_duplicates("row").set_index("row")
    clause_text = inside["text"].reindex(np.arange(len(targets))).fillna(texts)
    part = sentiment.score(pd.DataFrame({"text": clause_text.to_numpy()}), method=method)["label"].to_numpy()
    gold = targets["label"].to_numpy()
    return pd.DataFrame([{"scope": "sentence", **_metrics(gold, whole)}, {"scope": "clause", **_metrics(gold, part)}])


def speed(texts: list[str]) -> pd.DataFrame:
    """Fast path vs textblob-de's PatternAnalyzer on the same texts (ms per sentence) and equality."""
    fast = textblob.fast()
    fast.assess("Warm-up.")
    textblob.reference_polarity("Warm-up.")
    fresh = textblob.FastTextBlob()  # cold caches: no reuse of tags across the comparison
    t0 = time.perf_counter()
    a = [fresh.assess(t)[0] for t in texts]
    t_fast = time.perf_counter() - t0
    t0 = time.perf_counter()
    b = [textblob.reference_polarity(t) for t in texts]
    t_ref = time.perf_counter() - t0
    equal = int(sum(x == y for x, y in zip(a, b)))
    return pd.DataFrame([{"sentences": len(texts), "reference_ms": 1000 * t_ref / len(texts),
                          "fast_ms": 1000 * t_fast / len(texts), "speed_up": t_ref / t_fast,
                          "identical": equal}])


def throughput(texts: list[str]) -> pd.DataFrame:
    """Scoring time per sentence of every method on one large batch (warm: lexicons and model loaded)."""
    frame = pd.DataFrame({"text": texts})
    warm = frame.head(50)
    rows = []
    for m in sentiment.METHODS:
        sentiment.score(warm, method=m)
        t0 = time.perf_counter()
        sentiment.score(frame, method=m)
        dt = time.perf_counter() - t0
        rows.append({"method": m, "sentences": len(texts), "seconds": dt, "ms_per_sentence": 1000 * dt / len(texts)})
    return pd.DataFrame(rows)


def _gnad_sentences(limit: int) -> list[str]:
    from .. import paths, segment  # noqa: PLC0415

    path = paths.SHARED_DATA / "10kgnad" / "articles_test.tsv"
    if not path.exists():
        return []
    out: list[str] = []
    for art in pd.read_csv(path, sep="\t", keep_default_na=False)["text"]:
        out.extend(segment.split(art))
        if len(out) >= limit:
            break
    return out[:limit]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Sentiment methods on GerNTSA (cross-validated).")
    parser.add_argument("--quick", action="store_true", help="only the first 300 sentences (smoke test)")
    parser.add_argument("--speed-sample", type=int, default=500, help="sentences for the fast-path timing")
    parser.add_argument("--batch", type=int, default=10_000, help="10kGNAD sentences for the throughput run")
    args = parser.parse_args(argv)
    try:
        data = load_gerntsa("sentences_dev.tsv")
        targets = load_gerntsa("targets_dev.tsv")
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.quick:
        data = data.iloc[:300]
        targets = targets.iloc[:300]
    pd.set_option("display.width", 160)
    print(f"GerNTSA development sentences: {len(data)} "
          f"({', '.join(f'{k} {v}' for k, v in data['label'].value_counts().sort_index().items())})")
    cv, per_sentence = cross_validated(data)
    table = report(cv)
    table["ms_per_sentence"] = table["method"].map(lambda m: 1000 * per_sentence[m])
    print(f"\n5-fold stratified cross-validation (seed 0), pooled out-of-fold predictions "
          f"(gerntsa-lr refitted per fold with the shipped settings {_shipped_settings()}):")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    best = table.sort_values("macro_f1", ascending=False).iloc[0]["method"]
    print(f"\nbest cross-validated macro-F1: {best}; DEFAULT_METHOD = {sentiment.DEFAULT_METHOD}"
          + ("" if best == sentiment.DEFAULT_METHOD else "  <-- differs"))
    print(f"\nTone towards the target (targets_dev.tsv, {len(targets)} rows): the whole text vs the clause "
          "around the target span.")
    for m in ("textblob-de-corrected", sentiment.DEFAULT_METHOD):
        note = " (shipped model, trained on these sentences: optimistic)" if m == "gerntsa-lr" else ""
        print(f"method {m}{note}:")
        print(targets_check(targets, method=m).to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    n = min(args.speed_sample, len(data))
    print(f"\ntextblob-de fast path vs PatternAnalyzer ({n} sentences, cold caches):")
    print(speed(data["text"].tolist()[:n]).to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    batch = _gnad_sentences(300 if args.quick else args.batch)
    if batch:
        print(f"\nThroughput on {len(batch)} sentences of 10kGNAD articles (one call per method, warm):")
        print(throughput(batch).to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    try:
        import os  # noqa: PLC0415

        print(f"\nload average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    except OSError:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
