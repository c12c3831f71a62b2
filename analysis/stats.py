"""Uncertainty for group means: bootstrap confidence intervals and permutation tests.

Both resample *sentences* (or whatever rows the table holds) within or across
groups, are vectorised with NumPy, and are deterministic: the random generator
is seeded (``seed=0`` by default), so the same data give the same intervals and
p-values on every run.

References
----------
Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*.
Chapman & Hall. (Percentile intervals, chapter 13.)

Good, P. (2005). *Permutation, Parametric and Bootstrap Tests of Hypotheses*
(3rd ed.). Springer. (Two-sample permutation test of a difference in means.)

Phipson, B., & Smyth, G. K. (2010). Permutation p-values should never be zero.
*Statistical Applications in Genetics and Molecular Biology*, 9(1), Article 39.
"""
from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

import numpy as np
import pandas as pd

_CHUNK = 2_000  # resamples per block, to bound memory


def _check(data: pd.DataFrame, columns: Iterable[str], where: str) -> None:
    missing = [c for c in columns if c and c not in data.columns]
    if missing:
        raise KeyError(f"{where}: missing column(s) {missing}; available columns: {list(data.columns)}")


def _weighted_means(values: np.ndarray, weights: np.ndarray, idx: np.ndarray) -> np.ndarray:
    w = weights[idx]
    total = w.sum(axis=1)
    return np.divide((values[idx] * w).sum(axis=1), total, out=np.full(len(idx), np.nan), where=total > 0)


def bootstrap_ci(data: pd.DataFrame, *, value: str = "polarity", by: str | list[str] = "outlet",
                 weight: str | None = None, n_boot: int = 2000, ci: float = 0.95, seed: int = 0) -> pd.DataFrame:
    """Percentile bootstrap confidence interval of the (weighted) mean of ``value`` per group.

    Rows are resampled with replacement within each group, ``n_boot`` times.

    Parameters
    ----------
    data
        One row per unit (e.g. per sentence, from :func:`analysis.sentiment.score`).
    value
        The numeric column.
    by
        Grouping column(s).
    weight
        Optional column of non-negative weights (e.g. word counts) for a
        weighted mean; ``None`` for the plain mean.
    n_boot
        Number of bootstrap resamples.
    ci
        Coverage of the interval (0.95 = 2.5th to 97.5th percentile).
    seed
        Seed of the random generator (the result is deterministic for a seed).

    Returns
    -------
    pandas.DataFrame
        The group columns, ``n``, ``mean``, ``ci_low``, ``ci_high``, ``se``
        (the bootstrap standard error), ``n_boot`` and ``ci``. A group with one
        row has an interval of zero width; that says nothing about certainty.
    """
    keys = [by] if isinstance(by, str) else list(by)
    _check(data, keys + [value, weight], "bootstrap_ci()")
    if not 0 < ci < 1:
        raise ValueError(f"bootstrap_ci(): ci must be between 0 and 1, not {ci}")
    if n_boot < 1:
        raise ValueError(f"bootstrap_ci(): n_boot must be positive, not {n_boot}")
    rng = np.random.default_rng(seed)
    alpha = (1 - ci) / 2
    rows = []
    for group, frame in data.groupby(keys, sort=True):
        vals = frame[value].to_numpy(dtype=float)
        w = frame[weight].to_numpy(dtype=float) if weight else np.ones(len(vals))
        if np.isnan(vals).any():
            raise ValueError(f"bootstrap_ci(): column {value!r} has missing values in group {group!r}")
        n = len(vals)
        mean = float(np.sum(vals * w) / np.sum(w)) if np.sum(w) > 0 else float("nan")
        boots = []
        for start in range(0, n_boot, _CHUNK):
            size = min(_CHUNK, n_boot - start)
            idx = rng.integers(0, n, size=(size, n))
            boots.append(_weighted_means(vals, w, idx))
        boots = np.concatenate(boots)
        lo, hi = np.nanquantile(boots, [alpha, 1 - alpha])
        key = group if isinstance(group, tuple) else (group,)
        rows.append({**dict(zip(keys, key)), "n": n, "mean": mean, "ci_low": float(lo), "ci_high": float(hi),
                     "se": float(np.nanstd(boots, ddof=1)) if len(boots) > 1 else float("nan"),
                     "n_boot": n_boot, "ci": ci})
    return pd.DataFrame(rows, columns=keys + ["n", "mean", "ci_low", "ci_high", "se", "n_boot", "ci"])


def permutation_test(data: pd.DataFrame, *, value: str = "polarity", by: str = "outlet",
                     pairs: Iterable[tuple[str, str]] | None = None, n_perm: int = 10_000, seed: int = 0,
                     alternative: str = "two-sided") -> pd.DataFrame:
    """Permutation test of the difference in mean ``value`` between groups.

    For each pair of groups (a, b) the group labels of their rows are shuffled
    ``n_perm`` times; the p-value is the share of shuffles whose difference in
    means is at least as extreme as the observed one, counting the observed
    labelling itself: ``p = (1 + #extreme) / (1 + n_perm)`` (Phipson & Smyth 2010),
    so it is never 0. When all distinct labellings number fewer than
    ``n_perm`` they are enumerated and the exact p-value is returned.

    Parameters
    ----------
    data
        One row per unit (e.g. per sentence).
    value
        The numeric column.
    by
        The group column (e.g. ``"outlet"``).
    pairs
        Pairs of groups to compare; default all pairs in sorted order.
    n_perm
        Number of random relabellings.
    seed
        Seed of the random generator.
    alternative
        ``"two-sided"`` (|diff|), ``"greater"`` (mean a > mean b) or ``"less"``.

    Returns
    -------
    pandas.DataFrame
        ``group_a``, ``group_b``, ``n_a``, ``n_b``, ``mean_a``, ``mean_b``,
        ``diff`` (a - b), ``p_value``, ``n_perm`` (relabellings used), ``exact``
        and ``alternative``.
    """
    _check(data, [value, by], "permutation_test()")
    if alternative not in ("two-sided", "greater", "less"):
        raise ValueError(f"permutation_test(): alternative must be 'two-sided', 'greater' or 'less', "
                         f"not {alternative!r}")
    groups = sorted(data[by].dropna().unique().tolist(), key=str)
    if pairs is None:
        pairs = list(combinations(groups, 2))
    rng = np.random.default_rng(seed)
    rows = []
    for a, b in pairs:
        for g in (a, b):
            if g not in groups:
                raise ValueError(f"permutation_test(): no group {g!r} in column {by!r}; groups: {groups}")
        xa = data.loc[data[by] == a, value].to_numpy(dtype=float)
        xb = data.loc[data[by] == b, value].to_numpy(dtype=float)
        pooled = np.concatenate([xa, xb])
        na, n = len(xa), len(xa) + len(xb)
        observed = xa.mean() - xb.mean()
        total = pooled.sum()
        from math import comb  # noqa: PLC0415

        exact = comb(n, na) <= n_perm
        if exact:
            sums = np.array([pooled[list(c)].sum() for c in combinations(range(n), na)])
            diffs = sums / na - (total - sums) / (n - na)
            used = len(diffs)
        else:
            diffs = []
            for start in range(0, n_perm, _CHUNK):
                size = min(_CHUNK, n_perm - start)
                perm = rng.permuted(np.tile(np.arange(n), (size, 1)), axis=1)
                sa = pooled[perm[:, :na]].sum(axis=1)
                diffs.append(sa / na - (total - sa) / (n - na))
            diffs = np.concatenate(diffs)
            used = n_perm
        tol = 1e-12 * max(1.0, abs(observed))
        if alternative == "two-sided":
            extreme = np.abs(diffs) >= abs(observed) - tol
        elif alternative == "greater":
            extreme = diffs >= observed - tol
        else:
            extreme = diffs <= observed + tol
        # Exact enumeration already contains the observed labelling.
        p = extreme.mean() if exact else (1 + extreme.sum()) / (1 + used)
        rows.append({"group_a": a, "group_b": b, "n_a": na, "n_b": n - na, "mean_a": float(xa.mean()),
                     "mean_b": float(xb.mean()), "diff": float(observed), "p_value": float(p), "n_perm": int(used),
                     "exact": bool(exact), "alternative": alternative})
    return pd.DataFrame(rows, columns=["group_a", "group_b", "n_a", "n_b", "mean_a", "mean_b", "diff", "p_value",
                                       "n_perm", "exact", "alternative"])


__all__ = ["bootstrap_ci", "permutation_test"]
