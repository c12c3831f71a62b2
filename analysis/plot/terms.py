"""Plots for the key-terms analyses: keyness bars and a scattertext-style term map."""
from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .style import outlet_color

__all__ = ["keyness", "term_map"]

_GREY = "#999999"
_LABELS = {
    "g2": "signed log-likelihood G²",
    "chi2": "signed χ²",
    "log_ratio": "Log Ratio (log₂ of relative-frequency ratio)",
    "pct_diff": "%DIFF",
    "log_odds_prior": "log-odds z-score (informative Dirichlet prior)",
}


def _color_for(name: str) -> str:
    name = str(name)
    if name.startswith(("rest", "general")):
        return _GREY
    return outlet_color(name)


def keyness(
    result: pd.DataFrame,
    *,
    target: str | None = None,
    n: int = 10,
    value: str = "stat",
    ax: plt.Axes | None = None,
) -> plt.Axes:
    """Key terms in both directions: what the target over-uses (right) and under-uses (left).

    Parameters
    ----------
    result
        Output of :func:`analysis.keyness.compare`.
    target
        Which target to show (default: the first in ``result``).
    n
        Terms per direction.
    value
        ``"stat"`` (the measure) or ``"effect"`` (Log Ratio).
    ax
        Axes to draw on; a new figure when ``None``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if value not in ("stat", "effect"):
        raise ValueError(f"value={value!r} is not known; use 'stat' or 'effect'")
    targets = list(dict.fromkeys(result["target"])) if "target" in result else []
    target = (targets[0] if targets else "") if target is None else str(target)
    if target not in targets:
        # A small group may have no term that reaches min_count: say so in the figure instead of failing.
        warnings.warn(
            f"plot.keyness(): no key terms for target={target!r} (targets with terms: {targets}); "
            "lower min_count in keyness.compare() or check the name",
            stacklevel=2,
        )
        if ax is None:
            _, ax = plt.subplots(figsize=(6.4, 1.6))
        ax.text(0.5, 0.5, f"No key terms for {target}: no term reaches the minimum count",
                ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    # rows of the target as positions into ``result`` (NumPy indexing, no sub-tables)
    at = np.flatnonzero((result["target"] == target).to_numpy())
    reference = str(result["reference"].iat[at[0]])
    values = result[value].to_numpy()
    pos = at[values[at] > 0]
    pos = pos[_select(values[pos], n, "nlargest")]
    neg = at[values[at] < 0]
    neg = neg[_select(values[neg], n, "nsmallest")]
    rows = np.concatenate([neg, pos[::-1]])  # bottom: most under-used; top: most over-used
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, max(2.4, 0.22 * len(rows) + 1.0)))
    y = np.arange(len(rows))
    bars = values[rows]
    colors = [outlet_color(target) if v > 0 else _color_for(reference) for v in bars.tolist()]
    ax.barh(y, bars, color=colors, height=0.7)
    general = reference.startswith("general")
    ref_counts = result["per_1000_reference"].to_numpy()[rows] * 1e6 if general else result["n_reference"].to_numpy()[rows]
    terms, counts = result["term"].to_numpy()[rows].tolist(), result["n_target"].to_numpy()[rows].tolist()
    ax.set_yticks(y)
    ax.set_yticklabels([f"{t}  ({a}|{b:,.0f})" if b >= 10 or float(b).is_integer() else f"{t}  ({a}|{b:.1f})" for t, a, b in zip(terms, counts, ref_counts.tolist())])
    ax.axvline(0, color="#333333", linewidth=0.8)
    measure = str(result["measure"].iat[at[0]])
    ax.set_xlabel(_LABELS.get(measure, measure) if value == "stat" else "Log Ratio (effect size)")
    ax.set_ylabel("term (count in target | " + ("per 10⁹ words of general German)" if general else "in reference)"), fontsize=8, color="#555555")
    ax.set_title(f"Key terms: {target} vs {reference}")
    ax.grid(axis="y", visible=False)
    lim = np.nanmax(np.abs(bars.astype(float))) if len(rows) else 1.0
    ax.set_xlim(-lim * 1.08 if len(neg) else -lim * 0.05, lim * 1.08 if len(pos) else lim * 0.05)
    ax.text(0.99, 0.01, f"more in {target} →", transform=ax.transAxes, ha="right", va="bottom", fontsize=8, color=outlet_color(target))
    if len(neg):
        ax.text(0.01, 0.99, f"← more in {reference}", transform=ax.transAxes, ha="left", va="top", fontsize=8, color=_color_for(reference))
    return ax


def _select(values: np.ndarray, n: int, method: str) -> np.ndarray:
    """Positions of ``Series(values).nlargest(n, keep="first")`` (or ``nsmallest``), in its order.

    ``DataFrame.nlargest(n, column)`` on one column is this Series method on the column,
    so ties come out in the same order (pandas sorts differently when ``n`` covers every row).
    """
    return getattr(pd.Series(values), method)(n, keep="first").index.to_numpy()


def term_map(
    freq: pd.DataFrame,
    *,
    x: str,
    y: str,
    by: str = "outlet",
    n_labels: int = 6,
    min_count: int = 1,
    ax: plt.Axes | None = None,
) -> plt.Axes:
    """A static scattertext-style term map: each term placed by its count in two groups.

    As in scattertext (Kessler 2017), axes are frequency *ranks* so that a few
    very frequent terms do not squeeze the rest into a corner: here the dense
    rank of the count (every distinct count is one step; tick labels show the
    counts). Terms with the same pair of counts share a cell and are spread
    around its centre in alphabetical order, so no point hides another. Terms
    near the diagonal are used alike; the top-left and bottom-right hold what
    one group uses and the other does not. The ``n_labels`` most distinctive
    cells on each side (largest Log Ratio, then count) and the most frequent
    shared terms are labelled with their terms (``+k`` = k more in the cell).

    Parameters
    ----------
    freq
        Output of :func:`analysis.terms.frequencies` (``term``, ``n``, ``total`` per group).
    x, y
        The two groups (values of ``by``).
    by
        The grouping column of ``freq``.
    n_labels
        Labelled cells per side.
    min_count
        Leave out terms with fewer occurrences in both groups together.
    ax
        Axes to draw on; a new figure when ``None``.

    Returns
    -------
    matplotlib.axes.Axes

    References
    ----------
    Kessler, J. S. (2017). Scattertext: a browser-based tool for visualizing how
    corpora differ. *Proceedings of ACL 2017, System Demonstrations*, 85–90.
    """
    if by not in freq.columns:
        raise KeyError(f"term_map(): no column {by!r}; available: {list(freq.columns)}")
    groups = [str(g) for g in freq[by].unique()]
    for g in (x, y):
        if str(g) not in groups:
            raise ValueError(f"term_map(): {g!r} is not a value of {by!r}; known: {groups}")
    x, y = str(x), str(y)
    term_sorted, nx, ny, totals = _two_groups(freq, by, x, y, min_count)
    lx, ly = np.unique(nx), np.unique(ny)
    rx = np.searchsorted(lx, nx).astype(float)
    ry = np.searchsorted(ly, ny).astype(float)
    # spread terms sharing a cell on a small sunflower around its centre, alphabetically
    cell_codes = pd.factorize(nx.astype(np.int64) * (int(ny.max()) + 1 if len(ny) else 1) + ny)[0]
    k, size = _cumcount_and_size(cell_codes)
    radius = 0.38 * np.sqrt((k + 0.5) / np.maximum(size, 1))
    angle = k * 2.399963  # golden angle
    jx = np.where(size > 1, radius * np.cos(angle), 0.0)
    jy = np.where(size > 1, radius * np.sin(angle), 0.0)
    px, py = rx + jx, ry + jy
    lr = np.log2((np.where(nx == 0, 0.5, nx) / totals[x]) / (np.where(ny == 0, 0.5, ny) / totals[y]))
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 6.0))
    cx, cy = outlet_color(x), outlet_color(y)
    colors = np.where(lr > 0.5, cx, np.where(lr < -0.5, cy, "#aaaaaa"))
    ax.scatter(px, py, s=9, c=list(colors), alpha=0.8, linewidths=0, zorder=2)
    both = np.intersect1d(lx, ly)  # equal counts: the line of equal use
    ax.plot(np.searchsorted(lx, both), np.searchsorted(ly, both), color="#cccccc", linewidth=0.8, zorder=0)
    cells = _cells(term_sorted, cell_codes, nx, ny, rx, ry, lr)
    pick_x = cells[cells["lr"] > 0.5].sort_values(["lr", "n"], ascending=False).head(n_labels)
    pick_y = cells[cells["lr"] < -0.5].sort_values(["lr", "n"], ascending=[True, False]).head(n_labels)
    shared = cells[cells["lr"].abs() <= 0.5].sort_values("n", ascending=False).head(max(2, n_labels // 2))
    xspan, yspan = len(lx) + 0.2, len(ly) + 0.2
    fig_w, fig_h = ax.figure.get_size_inches()
    char_w = xspan * 4.2 / (fig_w * 72 * 0.8)  # ~4.2 pt per character at 7 pt
    line_h = yspan * 10.0 / (fig_h * 72 * 0.8)
    placed: list[tuple[float, float, float, float]] = []
    for sel, color in ((pick_x, cx), (pick_y, cy), (shared, "#333333")):
        for r in sel.itertuples():
            words = r.terms[:3]
            label = ", ".join(words) + (f" +{len(r.terms) - 3}" if len(r.terms) > 3 else "")
            width = len(label) * char_w
            right_side = r.rx > 0.6 * max(len(lx) - 1, 1)
            x0 = r.rx - 0.25 - width if right_side else r.rx + 0.25
            for dy in (0.0, 0.45, -0.45, 0.9, -0.9, 1.35, -1.35):
                box = (x0, r.ry + dy - line_h / 2, x0 + width, r.ry + dy + line_h / 2)
                if all(box[2] < b[0] or box[0] > b[2] or box[3] < b[1] or box[1] > b[3] for b in placed):
                    break
            placed.append(box)
            ax.annotate(
                label,
                xy=(r.rx, r.ry),
                xytext=(x0 + (width if right_side else 0), r.ry + dy),
                fontsize=7,
                color=color,
                ha="right" if right_side else "left",
                va="center",
                zorder=3,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
                arrowprops={"arrowstyle": "-", "color": "#bbbbbb", "linewidth": 0.5} if dy else None,
            )
    ax.set_xticks(np.arange(len(lx)))
    ax.set_xticklabels([str(v) for v in lx], fontsize=7)
    ax.set_yticks(np.arange(len(ly)))
    ax.set_yticklabels([str(v) for v in ly], fontsize=7)
    if len(lx) > 25:
        ax.xaxis.set_major_locator(plt.MaxNLocator(12, integer=True))
        ax.set_xticklabels([str(lx[int(t)]) if 0 <= int(t) < len(lx) else "" for t in ax.get_xticks()])
    if len(ly) > 25:
        ax.yaxis.set_major_locator(plt.MaxNLocator(12, integer=True))
        ax.set_yticklabels([str(ly[int(t)]) if 0 <= int(t) < len(ly) else "" for t in ax.get_yticks()])
    ax.set_xlim(-0.6, len(lx) - 0.4)
    ax.set_ylim(-0.6, len(ly) - 0.4)
    ax.set_xlabel(f"count in {x} (rank scale) →   coloured: used more by {x}", color="#333333")
    ax.set_ylabel(f"count in {y} (rank scale) →   coloured: used more by {y}", color="#333333")
    ax.set_title(f"Term map: {x} vs {y}")
    ax.xaxis.label.set_color(cx)
    ax.yaxis.label.set_color(cy)
    return ax


def _two_groups(freq: pd.DataFrame, by: str, x: str, y: str, min_count: int):
    """Terms (sorted) with their counts in groups ``x`` and ``y`` and the groups' totals.

    What ``freq.pivot_table(index="term", columns=by, values="n", aggfunc="sum",
    fill_value=0)[[x, y]]`` gives (groups compared as text; terms used at least
    ``min_count`` times in the two together, in sorted order), by NumPy indexing;
    ``totals`` maps a group (as text) to the ``total`` of its first row.
    """
    group = freq[by].astype(str).to_numpy(dtype=object)
    term_codes, terms = pd.factorize(freq["term"], sort=True)
    n = freq["n"].to_numpy()
    counts = {}
    for g in (x, y):
        col = np.zeros(len(terms), dtype=n.dtype if len(n) else np.int64)
        sel = group == g
        np.add.at(col, term_codes[sel], n[sel])
        counts[g] = col
    nx, ny = counts[x].astype(int), counts[y].astype(int)
    keep = (counts[x] + counts[y]) >= min_count
    first = {}
    for g, total in zip(group, freq["total"].to_numpy()):
        first.setdefault(g, total)
    return np.asarray(terms, dtype=object)[keep], nx[keep], ny[keep], first


def _cumcount_and_size(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's number within its code (0, 1, ... in row order) and the number of rows with its code."""
    if not len(codes):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    start = np.r_[True, sorted_codes[1:] != sorted_codes[:-1]]
    idx = np.arange(len(codes))
    k = np.empty(len(codes), dtype=np.int64)
    k[order] = idx - np.maximum.accumulate(np.where(start, idx, 0))
    size = np.bincount(codes)[codes]
    return k, size


def _cells(terms, codes, nx, ny, rx, ry, lr) -> pd.DataFrame:
    """One row per cell (pair of counts), in order of first appearance among the sorted terms:
    ``nx``, ``ny``, ``terms`` (a list, sorted), and ``rx``, ``ry``, ``lr``, ``n`` of its first term."""
    first = np.full(int(codes.max()) + 1 if len(codes) else 0, len(codes), dtype=np.int64)
    np.minimum.at(first, codes, np.arange(len(codes)))
    members: list[list] = [[] for _ in range(len(first))]
    for code, term in zip(codes.tolist(), terms.tolist()):
        members[code].append(term)
    n = nx + ny
    return pd.DataFrame({"nx": nx[first], "ny": ny[first], "terms": members, "rx": rx[first], "ry": ry[first],
                         "lr": lr[first], "n": n[first]})
