"""Plots for the coverage profile (notebook 05), and the style helpers every plot module uses.

The style helpers (:func:`label`, :func:`footnote`, :func:`figsize`, ...) live
in :mod:`analysis.plot.style`; they are re-exported here so that
``from analysis import plot`` offers them as ``plot.label(...)``,
``plot.footnote(...)`` and so on.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from .corpus import actor_shares
from .style import outlet_color
from .style import (  # noqa: F401 - re-exported
    INK,
    LABELS,
    NEUTRAL,
    WIDTHS,
    add_labels,
    describe_n,
    figsize,
    footnote,
    label,
    label_or,
    language,
    localize,
    number,
    sources_of,
)

__all__: list[str] = [
    "profile_tone", "profile_shares", "profile_rate", "profile_shared", "profile_terms", "coverage_profile",
]


def _need(data: pd.DataFrame, columns, what: str) -> None:
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise KeyError(f"plot.{what}() needs the column(s) {missing}; available: {list(data.columns)}")


def _axes(ax, size):
    if ax is None:
        _, ax = plt.subplots(figsize=size, layout="constrained")
    return localize(ax)


def _dots(ax, outlets, mean, low, high, *, fmt):
    """One row per outlet (first outlet on top): a dot at the estimate, a line for the interval, the value beside it."""
    n = len(outlets)
    for i, (o, m, lo, hi) in enumerate(zip(outlets, mean, low, high)):
        y = n - 1 - i
        color = outlet_color(o)
        if np.isfinite(lo) and np.isfinite(hi):
            ax.plot([lo, hi], [y, y], color=color, linewidth=2.2, solid_capstyle="round", alpha=0.55)
        ax.plot([m], [y], "o", color=color, markersize=6.5, markeredgecolor="white", markeredgewidth=0.8)
        ax.annotate(fmt(m), (m, y), xytext=(0, 6), textcoords="offset points", ha="center", va="bottom",
                    fontsize=7, color=INK)
    ax.set_yticks(range(n), list(outlets)[::-1])
    ax.set_ylim(-0.6, n - 0.3)
    ax.grid(axis="y", visible=False)
    ax.tick_params(axis="y", length=0)


def profile_tone(tone: pd.DataFrame, *, ax=None):
    """Mean polarity per outlet with its interval (the table of :func:`analysis.profile.tone`).

    The zero line marks neutral; an outlet is more positive than another only
    where their intervals do not overlap.
    """
    _need(tone, ["outlet", "mean", "low", "high"], "profile_tone")
    t = tone.sort_values("outlet", key=lambda s: s.str.lower())
    ax = _axes(ax, figsize("column", 0.8 + 0.35 * len(t)))
    _dots(ax, t["outlet"], t["mean"], t["low"], t["high"], fmt=lambda v: f"{v:+.2f}".replace(".", "," if language() == "de" else "."))
    ax.axvline(0, color=NEUTRAL, linewidth=0.8, zorder=0)
    lo = np.nanmin(np.r_[t["low"].to_numpy(float), t["mean"].to_numpy(float)])
    hi = np.nanmax(np.r_[t["high"].to_numpy(float), t["mean"].to_numpy(float)])
    pad = max(0.05, (hi - lo) * 0.15)
    ax.set_xlim(max(-1.0, min(-0.1, lo - pad)), min(1.0, max(0.1, hi + pad)))
    ax.set_xlabel(label("tone axis short"))
    ax.set_title(label("tone"))
    return localize(ax)


def profile_rate(rates: pd.DataFrame, *, measure: str | None = None, title: str = "hedging",
                 axis_label: str = "hedging rate", ax=None):
    """One share per outlet with its Wilson interval, e.g. the hedged sentences.

    Parameters
    ----------
    rates
        The table of :func:`analysis.profile.shares`.
    measure
        Which measure to draw (default: the only one in the table).
    title, axis_label
        Label keys (see :func:`~analysis.plot.style.label`) or plain text.
    """
    _need(rates, ["outlet", "measure", "share", "low", "high"], "profile_rate")
    measures = list(dict.fromkeys(rates["measure"]))
    if measure is None:
        if len(measures) != 1:
            raise ValueError(f"the table holds several measures {measures}; pick one with measure=...")
        measure = measures[0]
    r = rates[rates["measure"] == measure].sort_values("outlet", key=lambda s: s.str.lower())
    ax = _axes(ax, figsize("column", 0.8 + 0.35 * len(r)))
    _dots(ax, r["outlet"], 100 * r["share"], 100 * r["low"], 100 * r["high"], fmt=lambda v: number(v / 100, 0, percent=True))
    ax.set_xlim(0, min(100, max(10, 100 * r["high"].max() * 1.1)))
    ax.set_xlabel(label_or(axis_label))
    ax.set_title(label_or(title))
    return localize(ax)


def profile_shares(shares: pd.DataFrame, *, labels: dict | None = None, ax=None):
    """Share of sentences per frame (rows) and outlet (bars in outlet colours) with Wilson intervals.

    Parameters
    ----------
    shares
        The table of :func:`analysis.profile.shares`.
    labels
        Readable names of the measures (frame ids), e.g. the codebook's labels.
    """
    _need(shares, ["outlet", "measure", "share", "low", "high"], "profile_shares")
    labels = labels or {}
    measures = list(dict.fromkeys(shares["measure"]))
    outlets = sorted(shares["outlet"].unique(), key=str.lower)
    ax = _axes(ax, figsize("wide", 0.9 + 0.16 * len(measures) * max(2, len(outlets))))
    height = 0.8 / max(1, len(outlets))
    for j, o in enumerate(outlets):
        rows = shares[shares["outlet"] == o].set_index("measure").reindex(measures)
        ys = np.arange(len(measures))[::-1] - (j - (len(outlets) - 1) / 2) * height
        values = 100 * rows["share"].to_numpy(float)
        err = np.vstack([values - 100 * rows["low"].to_numpy(float), 100 * rows["high"].to_numpy(float) - values])
        ax.barh(ys, values, height=height * 0.9, color=outlet_color(o), label=o)
        ax.errorbar(values, ys, xerr=np.clip(err, 0, None), fmt="none", ecolor=INK, elinewidth=0.7, capsize=1.5,
                    alpha=0.7)
    ax.set_yticks(np.arange(len(measures))[::-1], [labels.get(m, label_or(m)) for m in measures])
    ax.set_xlim(0, min(100, max(10, 100 * shares["high"].max() * 1.05)))
    ax.set_xlabel(label("frame share"))
    ax.set_title(label("frames"))
    ax.grid(axis="y", visible=False)
    ax.tick_params(axis="y", length=0)
    return localize(ax)


def profile_shared(shared: pd.DataFrame, *, ax=None):
    """Share of each outlet's words that it shares word for word with another outlet (:func:`analysis.profile.shared_text`)."""
    _need(shared, ["outlet", "share", "shared_words", "words", "passages"], "profile_shared")
    s = shared.sort_values("outlet", key=lambda x: x.str.lower())
    n = len(s)
    ax = _axes(ax, figsize("column", 0.8 + 0.35 * n))
    for i, r in enumerate(s.itertuples()):
        y = n - 1 - i
        value = 100 * float(r.share) if pd.notna(r.share) else 0.0
        ax.barh(y, value, height=0.55, color=outlet_color(r.outlet))
        note = f"{number(r.shared_words)} / {number(r.words)} {label('words')}"
        ax.text(value, y, "  " + note, va="center", ha="left", fontsize=7, color=INK)
    ax.set_yticks(range(n), list(s["outlet"])[::-1])
    top = 100 * float(s["share"].max()) if n and pd.notna(s["share"].max()) else 0.0
    ax.set_xlim(0, max(10.0, top * 1.6))
    ax.set_xlabel(label("shared text"))
    ax.set_title(label("shared passages"))
    ax.grid(axis="y", visible=False)
    ax.tick_params(axis="y", length=0)
    return localize(ax)


def profile_terms(terms: pd.DataFrame, *, top: int = 5, ax=None):
    """Each outlet's top key terms as a ranked list in the outlet's colour (:func:`analysis.profile.key_terms`).

    Beside each term: how often it occurs per 1,000 words in the outlet and in the others.
    """
    _need(terms, ["outlet", "rank", "term", "per_1000_target", "per_1000_reference"], "profile_terms")
    outlets = sorted(terms["outlet"].unique(), key=str.lower)
    ax = _axes(ax, figsize("wide", 0.6 + 0.2 * top))
    ax.set_axis_off()
    ax.set_title(f"{label('key terms')}  ", loc="left")
    ax.annotate(label("per 1000"), (1.0, 1.0), xycoords="axes fraction", xytext=(0, 10), textcoords="offset points",
                ha="right", va="bottom", fontsize=7, color=NEUTRAL)
    if not outlets:
        ax.text(0, 0.5, label("none"), transform=ax.transAxes)
        return ax
    width = 1 / len(outlets)
    step = 0.9 / (top + 1)
    for j, o in enumerate(outlets):
        x = j * width
        ax.text(x, 1.0, o, transform=ax.transAxes, fontweight="bold", color=outlet_color(o), va="top", fontsize=8.5)
        rows = terms[terms["outlet"] == o].sort_values("rank").head(top)
        for i, r in enumerate(rows.itertuples()):
            y = 1.0 - (i + 1) * step - 0.04
            ax.text(x, y, f"{r.rank}. {r.term}", transform=ax.transAxes, va="top", fontsize=8)
            ax.text(x + width * 0.92, y, f"{number(r.per_1000_target, 1)} / {number(r.per_1000_reference, 1)}",
                    transform=ax.transAxes, va="top", ha="right", fontsize=7.5, color=INK)
    return localize(ax)


def coverage_profile(
    *,
    tone: pd.DataFrame,
    frames: pd.DataFrame,
    hedging: pd.DataFrame,
    terms: pd.DataFrame,
    shared: pd.DataFrame,
    actors: pd.DataFrame,
    labels: dict | None = None,
    top_actors: int = 6,
    top_terms: int = 5,
):
    """The outlets side by side on one page: six panels in one figure.

    Tone (with intervals) and hedging on top, frames and actors in the middle,
    shared passages and key terms at the bottom. Each panel is also available
    alone (:func:`profile_tone`, :func:`profile_rate`, :func:`profile_shares`,
    :func:`~analysis.plot.corpus.actor_shares`, :func:`profile_shared`,
    :func:`profile_terms`).

    Returns
    -------
    matplotlib.figure.Figure
        The figure (a multi-panel figure has no single Axes to return).
    """
    outlets = sorted(set(tone["outlet"]) | set(frames["outlet"]), key=str.lower)
    n = max(2, len(outlets))
    n_frames = frames["measure"].nunique()
    n_actors = min(top_actors, actors["actor"].nunique()) if len(actors) else 1
    row0 = 0.9 + 0.3 * n
    row1 = 0.6 + 0.15 * max(n_frames, n_actors) * n
    row2 = 0.35 + 0.2 * (top_terms + 1)
    fig = plt.figure(figsize=(WIDTHS["wide"], row0 + row1 + row2 + 0.4), layout="constrained")
    gs = fig.add_gridspec(3, 6, height_ratios=[row0, row1, row2])
    profile_tone(tone, ax=fig.add_subplot(gs[0, 0:2]))
    ax = profile_rate(hedging, ax=fig.add_subplot(gs[0, 2:4]))
    ax.set_yticklabels([])
    ax = profile_shared(shared, ax=fig.add_subplot(gs[0, 4:6]))
    ax.set_yticklabels([])
    profile_shares(frames, labels=labels, ax=fig.add_subplot(gs[1, 0:4]))
    ax = actor_shares(actors, top=top_actors, ax=fig.add_subplot(gs[1, 4:6]))
    ax.get_legend().remove()
    ax.set_title(label("actors short"))
    ax.set_xlabel(label("sentences mentioning short"))
    profile_terms(terms, top=top_terms, ax=fig.add_subplot(gs[2, :]))
    handles = [Patch(color=outlet_color(o), label=o) for o in outlets]
    fig.legend(handles=handles, loc="outside upper right", ncol=len(handles), title=None, frameon=False)
    fig.suptitle(label("coverage profile"), x=0.0, ha="left", fontweight="bold", fontsize=11)
    return fig
