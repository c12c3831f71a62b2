"""Plots for the sentiment analyses (:mod:`analysis.sentiment`, :mod:`analysis.stats`).

Each function takes ``ax=None`` and returns the Axes; none saves or shows.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .style import outlet_color

__all__ = ["sentiment", "sentiment_sentences", "sentiment_towards", "sentiment_labels"]

_LABEL_COLORS = {"negative": "#D55E00", "neutral": "#BBBBBB", "positive": "#009E73"}


def _axes(ax, size=None):
    if ax is None:
        # constrained layout keeps tick labels, axis label and legend inside the figure,
        # so a footnote written below it never overlaps them
        _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def sentiment(intervals: pd.DataFrame, *, by: str = "outlet", ax=None, title: str | None = None):
    """Mean polarity per group with its bootstrap confidence interval (from :func:`analysis.stats.bootstrap_ci`)."""
    for col in (by, "mean", "ci_low", "ci_high", "n"):
        if col not in intervals.columns:
            raise KeyError(f"plot.sentiment(): missing column {col!r}; available: {list(intervals.columns)}")
    data = intervals.reset_index(drop=True)
    ax = _axes(ax, (6.4, 1.6 + 0.55 * len(data)))
    y = np.arange(len(data))[::-1]
    for yi, (_, row) in zip(y, data.iterrows()):
        color = outlet_color(str(row[by]))
        ax.plot([row["ci_low"], row["ci_high"]], [yi, yi], color=color, lw=2.5, solid_capstyle="round")
        ax.plot(row["mean"], yi, "o", color=color, ms=8, mec="white", mew=1)
        ax.annotate(f"{row['mean']:+.2f}  (n = {int(row['n'])})", (row["ci_high"], yi), xytext=(6, 0),
                    textcoords="offset points", va="center", fontsize=8)
    ax.axvline(0, color="#555555", lw=0.8, ls="--")
    ax.set_yticks(y, data[by].astype(str))
    lo = min(-0.2, float(data["ci_low"].min()) - 0.05)
    hi = max(0.2, float(data["ci_high"].max()) + 0.05)
    ax.set_xlim(lo, hi + (hi - lo) * 0.35)
    ax.set_ylim(-0.7, len(data) - 0.3)
    ci = float(data["ci"].iloc[0]) if "ci" in data.columns and len(data) else 0.95
    ax.set_xlabel(f"mean sentence polarity (−1 negative … +1 positive), {ci:.0%} bootstrap interval")
    ax.grid(axis="y", visible=False)
    ax.set_title(title or "Tone per outlet")
    return ax


def sentiment_sentences(scored: pd.DataFrame, *, by: str = "outlet", ax=None, title: str | None = None):
    """Every sentence's polarity per group (dots, jittered deterministically), with the group mean."""
    for col in (by, "polarity"):
        if col not in scored.columns:
            raise KeyError(f"plot.sentiment_sentences(): missing column {col!r}; available: {list(scored.columns)}")
    groups = list(dict.fromkeys(scored[by].astype(str)))
    ax = _axes(ax, (6.4, 1.6 + 0.7 * len(groups)))
    rng = np.random.default_rng(0)
    for k, g in enumerate(groups):
        vals = scored.loc[scored[by].astype(str) == g, "polarity"].to_numpy(dtype=float)
        yk = len(groups) - 1 - k
        jitter = rng.uniform(-0.18, 0.18, len(vals))
        color = outlet_color(g)
        ax.scatter(vals, yk + jitter, s=18, color=color, alpha=0.7, edgecolor="none")
        if len(vals):
            ax.plot([vals.mean()] * 2, [yk - 0.3, yk + 0.3], color="black", lw=2)
    ax.axvline(0, color="#555555", lw=0.8, ls="--")
    ax.set_yticks(range(len(groups))[::-1], groups)
    ax.set_xlim(-1.05, 1.05)
    ax.set_xlabel("sentence polarity (black bar: mean)")
    ax.grid(axis="y", visible=False)
    ax.set_title(title or "Sentence polarity per outlet")
    return ax


def sentiment_towards(tone: pd.DataFrame, *, ax=None, title: str | None = None):
    """Mean polarity towards each actor per outlet (from :func:`analysis.sentiment.tone_towards`).

    Marker area grows with the number of mentions; numbers next to the markers
    are the mentions behind each mean.
    """
    for col in ("outlet", "actor", "polarity", "n_mentions"):
        if col not in tone.columns:
            raise KeyError(f"plot.sentiment_towards(): missing column {col!r}; available: {list(tone.columns)}")
    actors = sorted(tone["actor"].astype(str).unique())
    outlets = list(dict.fromkeys(tone["outlet"].astype(str)))
    ax = _axes(ax, (6.4, 1.4 + 0.45 * max(len(actors), 1)))
    step = 0.6 / max(len(outlets), 1)
    for j, o in enumerate(outlets):
        sub = tone[tone["outlet"].astype(str) == o].set_index("actor")
        ys, xs, ns = [], [], []
        for k, a in enumerate(actors):
            if a in sub.index:
                ys.append(len(actors) - 1 - k + (j - (len(outlets) - 1) / 2) * step)
                xs.append(float(sub.loc[a, "polarity"]))
                ns.append(int(sub.loc[a, "n_mentions"]))
        ax.scatter(xs, ys, s=[25 + 12 * n for n in ns], color=outlet_color(o), label=o, edgecolor="white",
                   zorder=3)
        for x, y, n in zip(xs, ys, ns):
            ax.annotate(str(n), (x, y), xytext=(7, 0), textcoords="offset points", va="center", fontsize=7)
    ax.axvline(0, color="#555555", lw=0.8, ls="--")
    ax.set_yticks(range(len(actors))[::-1], actors)
    ax.set_xlim(-1.05, 1.05)
    ax.set_xlabel("mean polarity of the clauses mentioning the actor (numbers: mentions)")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right", fontsize=8, title=None)
    ax.set_title(title or "Tone towards actors")
    return ax


def sentiment_labels(scored: pd.DataFrame, *, by: str = "outlet", ax=None, title: str | None = None):
    """Share of negative / neutral / positive sentences per method and group (stacked bars)."""
    for col in (by, "method", "label"):
        if col not in scored.columns:
            raise KeyError(f"plot.sentiment_labels(): missing column {col!r}; available: {list(scored.columns)}")
    share = (scored.groupby(["method", by])["label"].value_counts(normalize=True).unstack(fill_value=0.0)
             .reindex(columns=list(_LABEL_COLORS), fill_value=0.0))
    methods = list(dict.fromkeys(scored["method"]))
    groups = list(dict.fromkeys(scored[by].astype(str)))
    share = share.reindex(pd.MultiIndex.from_product([methods, groups]), fill_value=0.0)
    ax = _axes(ax, (6.4, 1.8 + 0.35 * len(share)))
    y = np.arange(len(share))[::-1]
    left = np.zeros(len(share))
    for lab, color in _LABEL_COLORS.items():
        vals = share[lab].to_numpy()
        ax.barh(y, vals, left=left, color=color, label=lab, height=0.7, edgecolor="white")
        left += vals
    ax.set_yticks(y, [f"{m} · {g}" for m, g in share.index])
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of sentences")
    ax.grid(axis="y", visible=False)
    ax.legend(ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.18), fontsize=8)
    ax.set_title(title or "Sentence labels by method")
    return ax
