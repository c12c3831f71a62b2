"""Plots for the corpus overview (notebook 01): what is in the corpus and what cleaning removed.

Each function draws one table of :mod:`analysis.overview` on an Axes and
returns it; none saves or shows. Outlets keep their colours
(:func:`~analysis.plot.style.outlet_color`); labels follow the language set
with :func:`~analysis.plot.style.set_style`.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import to_rgb

from ..cleaning import PARTS
from .style import INK, figsize, label, label_or, localize, number, outlet_color

__all__ = ["corpus_parts", "sentence_lengths", "removals", "actor_shares"]

# Lightness of each part, blended from the outlet's colour towards white:
# headline darkest, caption lightest.
_PART_TINT = {"headline": 0.0, "subheading": 0.2, "lead": 0.38, "body": 0.55, "caption": 0.78}


def _tint(color: str, amount: float) -> tuple[float, float, float]:
    r, g, b = to_rgb(color)
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


def _axes(ax, size):
    if ax is None:
        _, ax = plt.subplots(figsize=size, layout="constrained")
    return localize(ax)


def _need(data: pd.DataFrame, columns, what: str) -> None:
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise KeyError(f"plot.{what}() needs the column(s) {missing}; available: {list(data.columns)}")


def corpus_parts(parts: pd.DataFrame, *, outlets: pd.DataFrame | None = None, ax=None):
    """Words by part of the article, one stacked bar per outlet.

    Parameters
    ----------
    parts
        The table from :func:`analysis.overview.parts`.
    outlets
        The table from :func:`analysis.overview.outlets`, to show the number of
        articles beside each outlet's name.
    ax
        Axes to draw on; a new figure when ``None``.
    """
    _need(parts, ["outlet", "part", "words"], "corpus_parts")
    names = sorted(parts["outlet"].unique(), key=str.lower)[::-1]
    ax = _axes(ax, figsize("wide", 0.9 + 0.45 * len(names)))
    order = [p for p in PARTS if p in set(parts["part"])] + sorted(set(parts["part"]) - set(PARTS))
    totals = parts.groupby("outlet")["words"].sum()
    for y, outlet in enumerate(names):
        left = 0
        rows = parts[parts["outlet"] == outlet].set_index("part")
        for part in order:
            if part not in rows.index:
                continue
            width = int(rows.loc[part, "words"])
            color = _tint(outlet_color(outlet), _PART_TINT.get(part, 0.65))
            ax.barh(y, width, left=left, height=0.62, color=color, edgecolor="white", linewidth=0.8)
            if width >= 0.08 * totals.max():
                dark = sum(color) / 3 < 0.55
                ax.text(left + width / 2, y, label_or(part), ha="center", va="center", fontsize=7,
                        color="white" if dark else INK)
            left += width
        ax.text(left + totals.max() * 0.01, y, number(left), va="center", ha="left", fontsize=8)
    ticks = []
    for outlet in names:
        if outlets is not None and outlet in set(outlets["outlet"]):
            n = int(outlets.loc[outlets["outlet"] == outlet, "articles"].iloc[0])
            ticks.append(f"{outlet}\n{number(n)} {label('article' if n == 1 else 'articles')}")
        else:
            ticks.append(outlet)
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=_tint("#555555", _PART_TINT.get(p, 0.65)), edgecolor="white", label=label_or(p))
               for p in order]
    ax.legend(handles=handles, ncol=len(handles), loc="lower right", bbox_to_anchor=(1.0, 1.0),
              handlelength=1.0, columnspacing=1.0, borderaxespad=0.2)
    ax.set_yticks(range(len(names)), ticks)
    ax.set_xlim(0, totals.max() * 1.1)
    ax.set_xlabel(label("words").capitalize())
    ax.set_title(label("words per part"))
    ax.grid(axis="y", visible=False)
    ax.tick_params(axis="y", length=0)
    return localize(ax)


def sentence_lengths(lengths: pd.DataFrame, *, ax=None, max_points: int = 400):
    """Words per sentence by outlet: every sentence as a dot, the median as a bar.

    Parameters
    ----------
    lengths
        The table from :func:`analysis.overview.sentence_lengths`.
    max_points
        Above this many sentences per outlet a box plot replaces the dots.
    ax
        Axes to draw on; a new figure when ``None``.
    """
    _need(lengths, ["outlet", "words"], "sentence_lengths")
    names = sorted(lengths["outlet"].unique(), key=str.lower)[::-1]
    ax = _axes(ax, figsize("wide", 0.9 + 0.45 * len(names)))
    rng = np.random.default_rng(0)  # fixed jitter: the same picture on every run
    for y, outlet in enumerate(names):
        values = lengths.loc[lengths["outlet"] == outlet, "words"].to_numpy()
        color = outlet_color(outlet)
        if len(values) > max_points:
            ax.boxplot(values, positions=[y], vert=False, widths=0.5, showfliers=False, patch_artist=True,
                       boxprops={"facecolor": _tint(color, 0.55), "edgecolor": color},
                       medianprops={"color": INK, "linewidth": 1.5}, whiskerprops={"color": color},
                       capprops={"color": color})
        else:
            jitter = rng.uniform(-0.18, 0.18, size=len(values))
            ax.scatter(values, y + jitter, s=14, color=color, alpha=0.8, linewidths=0)
        median = float(np.median(values)) if len(values) else np.nan
        ax.plot([median, median], [y - 0.3, y + 0.3], color=INK, linewidth=2)
        ax.text(median, y + 0.34, f"{label('median')} {number(median, 0 if median == int(median) else 1)}", ha="center", va="bottom", fontsize=7)
    ax.set_yticks(range(len(names)), names)
    ax.set_ylim(-0.6, len(names) - 0.25)
    ax.set_xlim(0, None)
    ax.set_xlabel(label("sentence length"))
    ax.set_title(label("sentence lengths"))
    ax.grid(axis="y", visible=False)
    ax.tick_params(axis="y", length=0)
    return localize(ax)


def removals(removed: pd.DataFrame, *, outlets=None, ax=None):
    """Paragraphs removed by cleaning, by rule and outlet.

    Parameters
    ----------
    removed
        The table from :func:`analysis.overview.removals`.
    outlets
        All outlets of the corpus, so outlets with nothing removed appear with 0.
    ax
        Axes to draw on; a new figure when ``None``.
    """
    _need(removed, ["outlet", "rule"], "removals")
    names = sorted(set(removed["outlet"].dropna()) | set(outlets if outlets is not None else []), key=str.lower)
    rules = removed["rule"].value_counts().sort_values(ascending=True)
    rule_order = sorted(rules.index, key=lambda r: (rules[r], r))
    ax = _axes(ax, figsize("wide", 0.9 + 0.16 * max(1, len(rule_order)) * max(2, len(names))))
    if removed.empty:
        ax.text(0.5, 0.5, label("nothing removed"), ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        ax.set_title(label("removed"))
        return ax
    counts = removed.groupby(["rule", "outlet"]).size()
    height = 0.8 / max(1, len(names))
    for j, outlet in enumerate(names):
        values = [int(counts.get((rule, outlet), 0)) for rule in rule_order]
        ys = np.arange(len(rule_order)) - (j - (len(names) - 1) / 2) * height
        ax.barh(ys, values, height=height * 0.92, color=outlet_color(outlet), label=outlet)
        for y, v in zip(ys, values):
            ax.text(v + 0.05, y, number(v), va="center", ha="left", fontsize=7, color=INK if v else "#999999")
    ax.set_yticks(range(len(rule_order)), [label_or(r) for r in rule_order])
    ax.set_xlabel(label("removed paragraphs"))
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlim(0, counts.max() * 1.15 + 0.3)
    ax.set_title(label("removed"))
    ax.grid(axis="y", visible=False)
    ax.tick_params(axis="y", length=0)
    ax.legend(title=label("outlet"), loc="lower right")
    return localize(ax)


def actor_shares(shares: pd.DataFrame, *, top: int = 10, ax=None):
    """Share of each outlet's sentences that mention each actor (the most-mentioned actors).

    Parameters
    ----------
    shares
        The table from :func:`analysis.overview.actor_shares`.
    top
        How many actors to show (by mentions over all outlets).
    ax
        Axes to draw on; a new figure when ``None``.
    """
    _need(shares, ["outlet", "actor", "share", "sentences"], "actor_shares")
    totals = shares.groupby("actor")["sentences"].sum().sort_values(ascending=False, kind="stable")
    actors = sorted(totals.index[:top], key=lambda a: (totals[a], a))  # most-mentioned at the top
    names = sorted(shares["outlet"].unique(), key=str.lower)
    ax = _axes(ax, figsize("wide", 0.9 + 0.16 * len(actors) * max(2, len(names))))
    height = 0.8 / max(1, len(names))
    for j, outlet in enumerate(names):
        rows = shares[shares["outlet"] == outlet].set_index("actor")
        values = [float(rows["share"].get(a, 0.0)) * 100 for a in actors]
        counts = [int(rows["sentences"].get(a, 0)) for a in actors]
        ys = np.arange(len(actors)) - (j - (len(names) - 1) / 2) * height
        ax.barh(ys, values, height=height * 0.92, color=outlet_color(outlet), label=outlet)
        for y, v, c in zip(ys, values, counts):
            ax.text(v + 0.5, y, number(c), va="center", ha="left", fontsize=6.5, color=INK if c else "#999999")
    ax.set_yticks(range(len(actors)), actors)
    ax.set_xlabel(label("sentences mentioning"))
    ax.set_title(label("actors"))
    ax.set_xlim(0, max(5.0, shares["share"].max() * 100 * 1.12))
    ax.grid(axis="y", visible=False)
    ax.tick_params(axis="y", length=0)
    ax.legend(title=label("outlet"), loc="lower right")
    return localize(ax)
