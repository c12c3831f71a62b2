"""Plots for the framing analyses: frame profiles, co-occurrence, actors, markers, validation.

Each function takes the table of the matching :mod:`analysis.framing` or
:mod:`analysis.reliability` function, draws on ``ax`` (a new figure if
``None``) and returns the Axes.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .style import outlet_color

__all__ = [
    "frame_heatmap",
    "frame_profile",
    "frame_cooccurrence",
    "frame_actors",
    "hedge_rates",
    "frame_validation",
]


def _label(frame: str, labels: Mapping[str, str] | None) -> str:
    if labels and frame in labels:
        return labels[frame]
    return frame.replace("_", " & " if frame == "heritage_quality" else " ")


def _new_ax(ax, size):
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def _annotated_grid(ax, values: np.ndarray, text: np.ndarray, xlabels, ylabels, *, cmap, vmin, vmax, cbar_label):
    im = ax.imshow(values, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    ax.set_xticks(range(len(xlabels)), labels=xlabels, rotation=30, ha="right")
    ax.set_yticks(range(len(ylabels)), labels=ylabels)
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    span = (vmax - vmin) or 1
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            v = values[i, j]
            dark = not np.isnan(v) and (v - vmin) / span > 0.55
            ax.text(j, i, text[i, j], ha="center", va="center", fontsize=8, color="white" if dark else "#222222")
    cbar = ax.figure.colorbar(im, ax=ax, fraction=0.04, pad=0.02)
    cbar.set_label(cbar_label)
    cbar.outline.set_visible(False)
    return im


def _text_values(column: pd.Series) -> list[str] | None:
    """``column.astype(str)`` as a list, for columns of text (object dtype, every value a str) or int64;
    None for any other column (the caller then uses pandas)."""
    if column.dtype == np.int64:
        return [str(v) for v in column.tolist()]
    if column.dtype == object:
        values = column.tolist()
        if all(type(v) is str for v in values):
            return values
    return None


def _profile_cells(profile: pd.DataFrame, rows: list[str], frames: list[str]):
    """The cells of :func:`frame_heatmap` without pivot tables: the row labels (the ``rows`` values joined
    by " · ", in order of appearance), the share and count grids (NaN share and 0 count where a row lacks a
    frame) and each row's first ``n_units``. None when a (row, frame) pair repeats, a column is of another
    type than the profile's, or a ``rows`` column is neither text nor int64 (the pandas way then decides)."""
    if not all(c in profile.columns for c in ("frame", "share", "n_frame", "n_units", *rows)):
        return None
    if (profile["share"].dtype != np.float64 or profile["n_frame"].dtype != np.int64
            or profile["n_units"].dtype != np.int64 or "_row" in profile.columns):
        return None
    columns = [_text_values(profile[r]) for r in rows]
    if any(c is None for c in columns) or _text_values(profile["frame"]) is None:
        return None
    keys = [" · ".join(parts) for parts in zip(*columns)]
    order = list(dict.fromkeys(keys))
    at_row = {k: i for i, k in enumerate(order)}
    at_frame = {f: j for j, f in enumerate(frames)}
    share = np.full((len(order), len(frames)), np.nan)
    count = np.zeros((len(order), len(frames)))
    units: dict[str, int] = {}
    seen = set()
    for key, frame, s, c, n in zip(keys, profile["frame"].tolist(), profile["share"].tolist(),
                                   profile["n_frame"].tolist(), profile["n_units"].tolist()):
        cell = (at_row[key], at_frame[frame])
        if cell in seen:
            return None
        seen.add(cell)
        share[cell] = s
        count[cell] = c
        units.setdefault(key, n)
    return order, share, count, [units[k] for k in order]


def frame_heatmap(
    profile: pd.DataFrame,
    *,
    rows: str | Sequence[str] = "outlet",
    labels: Mapping[str, str] | None = None,
    title: str | None = "Share of sentences carrying each frame",
    ax=None,
):
    """Heatmap of a frame profile: groups in rows, frames in columns, share (and count) in cells.

    Parameters
    ----------
    profile
        The table from :func:`analysis.framing.profile`.
    rows
        The grouping column(s) shown as rows (e.g. ``["outlet", "part"]``).
    labels
        Optional readable names for frame ids.
    """
    rows = [rows] if isinstance(rows, str) else list(rows)
    frames = list(dict.fromkeys(profile["frame"]))
    cells = _profile_cells(profile, rows, frames)
    if cells is None:
        keyed = profile.assign(_row=profile[rows].astype(str).agg(" · ".join, axis=1))
        order = list(dict.fromkeys(keyed["_row"]))
        share = keyed.pivot(index="_row", columns="frame", values="share").reindex(index=order, columns=frames)
        count = keyed.pivot(index="_row", columns="frame", values="n_frame").reindex(index=order, columns=frames)
        units = keyed.groupby("_row", sort=False)["n_units"].first().reindex(order)
        cells = order, share.to_numpy(dtype=float), count.fillna(0).to_numpy(), list(units)
    order, share_values, count_values, units = cells
    text = np.array([[f"{s:.0%}\n({int(c)})" if not np.isnan(s) else "" for s, c in zip(sr, cr)]
                     for sr, cr in zip(share_values, count_values)])
    ax = _new_ax(ax, (1.0 + 0.85 * len(frames), 0.9 + 0.55 * len(order)))
    ylabels = [f"{r} (n={int(n)})" for r, n in zip(order, units)]
    _annotated_grid(ax, share_values, text, [_label(f, labels) for f in frames], ylabels,
                    cmap="Blues", vmin=0, vmax=max(0.5, float(np.nanmax(share_values)) if share_values.size else 1),
                    cbar_label="share of sentences")
    if title:
        ax.set_title(title)
    return ax


def _profile_bars(profile: pd.DataFrame, by: str, frames: list[str]) -> dict | None:
    """For each group (``by`` as text, in order of appearance) of :func:`frame_profile`: the shares per
    frame (a Series as ``set_index("frame").reindex(frames)["share"].fillna(0)`` gives it), the counts
    (0 where missing) and the first ``n_units`` in frame order (0 if none). Without a selection per group;
    None when a (group, frame) pair repeats or a column has another type (pandas then decides)."""
    if not all(c in profile.columns for c in ("frame", "share", "n_frame", "n_units", by)) or by == "frame":
        return None
    dtypes = (profile["share"].dtype, profile["n_frame"].dtype, profile["n_units"].dtype)
    if dtypes != (np.float64, np.int64, np.int64):
        return None
    keys = _text_values(profile[by])
    if keys is None or _text_values(profile["frame"]) is None:
        return None
    at_frame = {f: j for j, f in enumerate(frames)}
    found: dict[str, dict[int, tuple]] = {}
    for g, frame, s, c, n in zip(keys, profile["frame"].tolist(), profile["share"].tolist(),
                                 profile["n_frame"].tolist(), profile["n_units"].tolist()):
        cells = found.setdefault(g, {})
        if at_frame[frame] in cells:
            return None
        cells[at_frame[frame]] = (s, c, n)
    index = pd.Index(frames, name="frame")
    bars = {}
    for g, cells in found.items():
        share = pd.Series([cells[j][0] if j in cells else 0.0 for j in range(len(frames))], index=index,
                          name="share", dtype=np.float64)
        n_frame = [cells[j][1] if j in cells else 0 for j in range(len(frames))]
        n_units = next((cells[j][2] for j in range(len(frames)) if j in cells), 0)
        bars[g] = share, n_frame, int(n_units)
    return bars


def frame_profile(
    profile: pd.DataFrame,
    *,
    by: str = "outlet",
    labels: Mapping[str, str] | None = None,
    title: str | None = "Frame profile per outlet",
    ax=None,
):
    """Horizontal bars: the share of sentences with each frame, one bar per group (outlet colours).

    Parameters
    ----------
    profile
        The table from :func:`analysis.framing.profile` grouped by ``by`` only.
    """
    frames = list(dict.fromkeys(profile["frame"]))
    bars = _profile_bars(profile, by, frames)
    groups = list(bars) if bars is not None else list(dict.fromkeys(profile[by].astype(str)))
    ax = _new_ax(ax, (6.4, 0.6 + 0.45 * len(frames) * max(1, len(groups)) / 2 + 0.5))
    height = 0.8 / max(1, len(groups))
    y = np.arange(len(frames))
    for k, g in enumerate(groups):
        if bars is not None:
            share, n_frame, n_units = bars[g]
        else:
            sel = profile[profile[by].astype(str) == g].set_index("frame").reindex(frames)
            n_units = int(sel["n_units"].dropna().iloc[0]) if sel["n_units"].notna().any() else 0
            share, n_frame = sel["share"].fillna(0), sel["n_frame"].fillna(0)
        pos = y - 0.4 + height * (k + 0.5)
        ax.barh(pos, share, height=height * 0.92, color=outlet_color(g), label=f"{g} (n={n_units})")
        for p, s, c in zip(pos, share, n_frame):
            ax.text(s + 0.01, p, f"{s:.0%} ({int(c)})", va="center", fontsize=7, color="#333333")
    ax.set_yticks(y, labels=[_label(f, labels) for f in frames])
    ax.invert_yaxis()
    ax.set_xlim(0, min(1.0, max(0.2, float(profile["share"].max()) * 1.25)))
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_xlabel("share of sentences with the frame")
    ax.grid(axis="y", visible=False)
    ax.legend(title=by, loc="lower right")
    if title:
        ax.set_title(title)
    return ax


def _grid(table: pd.DataFrame, row: str, col: str, value: str, rows: list, cols: list) -> np.ndarray | None:
    """``table.pivot(index=row, columns=col, values=value).reindex(index=rows, columns=cols)`` as a float
    array (NaN where a cell has no value), for a numeric ``value`` column and text labels; None when a
    (row, col) pair repeats or the columns are of other types (pandas then decides, or raises)."""
    if value not in table.columns or table[value].dtype not in (np.int64, np.float64):
        return None
    row_values, col_values = _text_values(table[row]), _text_values(table[col])
    if row_values is None or col_values is None or table[row].dtype != object or table[col].dtype != object:
        return None
    at_row = {r: i for i, r in enumerate(rows)}
    at_col = {c: j for j, c in enumerate(cols)}
    out = np.full((len(rows), len(cols)), np.nan)
    seen = set()
    for r, c, v in zip(row_values, col_values, table[value].tolist()):
        if (r, c) in seen:
            return None
        seen.add((r, c))
        if r in at_row and c in at_col:
            out[at_row[r], at_col[c]] = v
    return out


def _top_actors(table: pd.DataFrame, top: int) -> list[tuple[str, int]] | None:
    """The ``top`` actors by ``n_actor`` (first value per actor, stable descending sort), as
    ``(actor, n_actor)``; None unless the actors are text and ``n_actor`` is int64."""
    if not {"actor", "n_actor"} <= set(table.columns) or table["n_actor"].dtype != np.int64:
        return None
    actors = _text_values(table["actor"])
    if actors is None or table["actor"].dtype != object:
        return None
    first: dict[str, int] = {}
    for a, n in zip(actors, table["n_actor"].tolist()):
        first.setdefault(a, n)
    return sorted(first.items(), key=lambda item: -item[1])[:top]


def _marker_rates(markers: pd.DataFrame, by: str) -> tuple[list, list, dict] | None:
    """For :func:`hedge_rates`: the categories and (category, marker) pairs that occur (n > 0 summed over
    the groups, in order of appearance) and per group (``by`` as text) the rate of each pair (0 if not
    listed). None when a (group, category, marker) repeats or a column has another type."""
    needed = ("category", "marker", "n", "per_1000", by)
    if not all(c in markers.columns for c in needed) or by in ("category", "marker"):
        return None
    if markers["n"].dtype != np.int64 or markers["per_1000"].dtype != np.float64:
        return None
    if markers["category"].dtype != object or markers["marker"].dtype != object:
        return None
    groups, cats, names = _text_values(markers[by]), _text_values(markers["category"]), _text_values(markers["marker"])
    if groups is None or cats is None or names is None:
        return None
    total: dict[tuple, int] = {}
    rate: dict[tuple, float] = {}
    for g, c, m, n, r in zip(groups, cats, names, markers["n"].tolist(), markers["per_1000"].tolist()):
        total[(c, m)] = total.get((c, m), 0) + n
        if (g, c, m) in rate:
            return None
        rate[(g, c, m)] = r
    used = [pair for pair, n in total.items() if n > 0]
    categories = list(dict.fromkeys(c for c, _ in used))
    order = [(c, m) for c in categories for cc, m in used if cc == c]
    values = {g: [float(rate.get((g, c, m), 0.0)) for c, m in order] for g in dict.fromkeys(groups)}
    return categories, order, values


def frame_cooccurrence(
    cooc: pd.DataFrame,
    *,
    value: str = "n_both",
    labels: Mapping[str, str] | None = None,
    title: str | None = "Frames in the same sentence",
    ax=None,
):
    """Heatmap of frame co-occurrence (:func:`analysis.framing.cooccurrence`).

    ``value="n_both"`` shows counts (the diagonal: sentences with the frame);
    ``value="jaccard"`` shows the Jaccard index.
    """
    frames = list(dict.fromkeys(cooc["frame_a"]))
    vals = _grid(cooc, "frame_a", "frame_b", value, frames, frames)
    if vals is None:
        grid = cooc.pivot(index="frame_a", columns="frame_b", values=value).reindex(index=frames, columns=frames)
        vals = grid.to_numpy(dtype=float)
    fmt = (lambda v: "" if np.isnan(v) else f"{int(v)}") if value == "n_both" else (lambda v: "" if np.isnan(v) else f"{v:.2f}")
    text = np.array([[fmt(v) for v in row] for row in vals])
    names = [_label(f, labels) for f in frames]
    ax = _new_ax(ax, (1.2 + 0.75 * len(frames), 0.8 + 0.6 * len(frames)))
    vmax = float(np.nanmax(vals)) if np.isfinite(vals).any() else 1.0
    _annotated_grid(ax, vals, text, names, names, cmap="Purples", vmin=0, vmax=vmax or 1,
                    cbar_label="sentences with both" if value == "n_both" else "Jaccard index")
    if title:
        ax.set_title(title)
    return ax


def frame_actors(
    table: pd.DataFrame,
    *,
    top: int = 10,
    labels: Mapping[str, str] | None = None,
    title: str | None = "Actors in frames (sentences naming the actor)",
    ax=None,
):
    """Heatmap actor x frame: sentences naming the actor that carry the frame (:func:`analysis.framing.actor_frames`).

    Row labels show how many sentences name the actor; the ``top`` most mentioned actors are shown.
    """
    frames = list(dict.fromkeys(table["frame"]))
    totals = _top_actors(table, top)
    vals = _grid(table, "actor", "frame", "n_sentences", [a for a, _ in totals], frames) if totals is not None else None
    if vals is None:
        first = table.groupby("actor", sort=False)["n_actor"].first()
        first = first.sort_values(ascending=False, kind="stable").head(top)
        grid = table.pivot(index="actor", columns="frame", values="n_sentences")
        vals = grid.reindex(index=first.index, columns=frames).to_numpy(dtype=float)
        totals = list(first.items())
    text = np.array([[("" if np.isnan(v) or v == 0 else f"{int(v)}") for v in row] for row in vals])
    ax = _new_ax(ax, (1.4 + 0.8 * len(frames), 0.8 + 0.42 * len(totals)))
    vmax = float(np.nanmax(vals)) if vals.size and np.isfinite(vals).any() else 1.0
    _annotated_grid(ax, vals, text, [_label(f, labels) for f in frames],
                    [f"{a} ({int(n)})" for a, n in totals], cmap="Greens", vmin=0, vmax=vmax or 1,
                    cbar_label="sentences")
    if title:
        ax.set_title(title)
    return ax


def hedge_rates(
    markers: pd.DataFrame,
    *,
    by: str = "outlet",
    title: str | None = "Hedging and attribution markers",
    ax=None,
):
    """Horizontal bars of marker rates per 1,000 words (:func:`analysis.framing.markers`), by group.

    Markers that never occur are left out; hedges and attributions are separated by a line.
    """
    rates = _marker_rates(markers, by)
    if rates is not None:
        cats, order, values = rates
        groups = list(values)
    else:
        used = markers.groupby(["category", "marker"], sort=False)["n"].sum()
        used = used[used > 0].reset_index()
        cats = list(dict.fromkeys(used["category"]))
        order = [(c, m) for c in cats for m in used.loc[used["category"] == c, "marker"]]
        groups = list(dict.fromkeys(markers[by].astype(str)))
    ax = _new_ax(ax, (6.4, 0.8 + 0.32 * max(1, len(order)) * max(1, len(groups)) / 1.5))
    height = 0.8 / max(1, len(groups))
    y = np.arange(len(order))
    for k, g in enumerate(groups):
        if rates is not None:
            vals = values[g]
        else:
            sel = markers[markers[by].astype(str) == g].set_index(["category", "marker"])
            vals = [float(sel["per_1000"].get((c, m), 0.0)) for c, m in order]
        ax.barh(y - 0.4 + height * (k + 0.5), vals, height=height * 0.92, color=outlet_color(g), label=g)
    ax.set_yticks(y, labels=[f"{m.replace('_', ' ')}" for _, m in order])
    ax.invert_yaxis()
    for c in cats[1:]:
        first = next(i for i, (cc, _) in enumerate(order) if cc == c)
        ax.axhline(first - 0.5, color="#999999", lw=0.8)
    for c in cats:
        idx = [i for i, (cc, _) in enumerate(order) if cc == c]
        ax.text(1.0, (idx[0] + idx[-1]) / 2, c, transform=ax.get_yaxis_transform(), rotation=270, va="center",
                ha="left", fontsize=8, color="#555555")
    ax.set_xlabel("occurrences per 1,000 words")
    ax.grid(axis="y", visible=False)
    ax.legend(title=by, loc="lower right")
    if title:
        ax.set_title(title)
    return ax


def frame_validation(
    agreement: pd.DataFrame,
    *,
    labels: Mapping[str, str] | None = None,
    title: str | None = "Automatic coder vs human coding",
    ax=None,
):
    """Precision, recall and F1 per frame as bars, Krippendorff's alpha with its interval as points.

    Parameters
    ----------
    agreement
        The table from :func:`analysis.reliability.agreement` (the ``micro`` row is shown last).
    """
    rows = agreement[agreement["frame"] != "macro"].reset_index(drop=True)
    names = [_label(f, labels) if f != "micro" else "all (micro)" for f in rows["frame"]]
    ax = _new_ax(ax, (7.2, 3.8))
    x = np.arange(len(rows))
    colors = {"precision": "#56B4E9", "recall": "#009E73", "f1": "#0072B2"}
    w = 0.22
    for k, col in enumerate(("precision", "recall", "f1")):
        ax.bar(x + (k - 1.5) * w, rows[col].fillna(0), width=w, color=colors[col], label=col.replace("f1", "F1"))
    err = np.vstack([(rows["alpha"] - rows["alpha_low"]).clip(lower=0).fillna(0),
                     (rows["alpha_high"] - rows["alpha"]).clip(lower=0).fillna(0)])
    ax.errorbar(x + 1.5 * w, rows["alpha"], yerr=err, fmt="D", color="#D55E00", ms=4, capsize=2, lw=1,
                label="Krippendorff's α (95% CI)")
    ax.axhline(0.8, color="#D55E00", lw=0.7, ls="--")
    ax.axhline(0.667, color="#D55E00", lw=0.7, ls=":")
    ax.set_xticks(x, labels=names, rotation=30, ha="right")
    ax.set_ylim(0, 1.08)
    ax.set_ylabel("score")
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.32), ncol=4, fontsize=8)
    if title:
        ax.set_title(title)
    return ax
