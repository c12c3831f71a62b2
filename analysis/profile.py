"""The coverage profile: the outlets side by side, one number per question, each with its evidence.

This module does not analyse text itself. It summarises, per outlet, what the
analysis modules found, and adds the uncertainty a reader needs to compare
outlets fairly:

* :func:`tone` – mean sentence polarity (from :mod:`analysis.sentiment`) with a
  bootstrap interval (Efron & Tibshirani, 1993);
* :func:`shares` – the share of sentences with a property (a frame from
  :func:`analysis.framing.code`, a hedge), with Wilson score intervals
  (Wilson, 1927);
* :func:`key_terms` – each outlet's top key terms (from :func:`analysis.keyness.compare`);
* :func:`shared_text` – how much of each outlet's text it shares word for word
  with another outlet (from :func:`analysis.reuse.shared_passages`);
* :func:`summary` – one row per outlet with the headline numbers, and
  :func:`describe` – the written comparison that follows from them.

References
----------
Efron, B., & Tibshirani, R. J. (1993). *An introduction to the bootstrap*.
Chapman & Hall.

Wilson, E. B. (1927). Probable inference, the law of succession, and
statistical inference. *Journal of the American Statistical Association*,
22(158), 209-212.
"""
from __future__ import annotations

import html
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

#: Columns of :func:`tone`.
TONE_COLUMNS = ["outlet", "articles", "sentences", "mean", "low", "high", "resampled"]
#: Columns of :func:`shares`.
SHARE_COLUMNS = ["outlet", "measure", "n_units", "n", "share", "low", "high"]
#: Columns of :func:`key_terms`.
TERM_COLUMNS = ["outlet", "rank", "term", "n_target", "per_1000_target", "per_1000_reference", "stat", "p"]
#: Columns of :func:`shared_text`.
SHARED_COLUMNS = ["outlet", "words", "shared_words", "share", "passages", "longest", "partners"]
#: Below this many articles per outlet, :func:`tone` resamples sentences instead of articles.
MIN_ARTICLES_FOR_CLUSTERS = 10


def _need(data: pd.DataFrame, columns, what: str) -> None:
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise KeyError(f"{what} needs the column(s) {missing}; available: {list(data.columns)}")


def tone(
    scored: pd.DataFrame,
    *,
    by: str = "outlet",
    value: str = "polarity",
    level: float = 0.95,
    resamples: int = 2000,
    resample: str = "auto",
    seed: int = 0,
) -> pd.DataFrame:
    """Mean polarity per outlet with a percentile bootstrap interval.

    Parameters
    ----------
    scored
        Sentences with a polarity column (e.g. from ``sentiment.score``).
    by
        The grouping column.
    value
        The polarity column (values in [-1, 1]).
    level
        Coverage of the interval.
    resamples
        Bootstrap resamples.
    resample
        ``"articles"`` resamples whole articles (sentences of one article are
        not independent); ``"sentences"`` resamples sentences; ``"auto"``
        resamples articles when the outlet has at least
        :data:`MIN_ARTICLES_FOR_CLUSTERS` of them, else sentences (then the
        interval describes these texts, not the outlet's coverage in general).
    seed
        Seed of the random generator: the same numbers on every run.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TONE_COLUMNS` (``by`` renamed ``outlet``); ``resampled``
        says which units were resampled.

    References
    ----------
    Efron & Tibshirani (1993), ch. 13 (percentile intervals); Field & Welsh
    (2007), Bootstrapping clustered data, *JRSS B* 69(3), 369-390.
    """
    _need(scored, [by, value], "profile.tone()")
    if resample not in {"auto", "articles", "sentences"}:
        raise ValueError(f"resample={resample!r}; use 'auto', 'articles' or 'sentences'")
    rng = np.random.default_rng(seed)
    alpha = (1 - level) / 2
    rows = []
    for outlet, group in scored.groupby(by, sort=True):
        values = pd.to_numeric(group[value], errors="coerce").dropna()
        docs = group.loc[values.index, "doc_id"] if "doc_id" in group else pd.Series(range(len(values)), index=values.index)
        n_docs = docs.nunique()
        unit = resample
        if unit == "auto":
            unit = "articles" if n_docs >= MIN_ARTICLES_FOR_CLUSTERS else "sentences"
        if unit == "articles" and "doc_id" not in group:
            raise KeyError("profile.tone(resample='articles') needs a doc_id column")
        x = values.to_numpy(dtype=float)
        mean = float(x.mean()) if len(x) else float("nan")
        low = high = float("nan")
        if len(x) >= 2:
            if unit == "articles":
                sums = values.groupby(docs).agg(["sum", "size"])
                s, c = sums["sum"].to_numpy(), sums["size"].to_numpy()
                idx = rng.integers(0, len(s), size=(resamples, len(s)))
                boot = s[idx].sum(axis=1) / c[idx].sum(axis=1)
            else:
                idx = rng.integers(0, len(x), size=(resamples, len(x)))
                boot = x[idx].mean(axis=1)
            low, high = (float(q) for q in np.quantile(boot, [alpha, 1 - alpha]))
        rows.append((outlet, int(n_docs), len(x), mean, low, high, unit))
    return pd.DataFrame(rows, columns=TONE_COLUMNS)


def wilson(n: int | np.ndarray, total: int | np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion ``n / total``.

    References
    ----------
    Wilson (1927); Brown, Cai & DasGupta (2001), Interval estimation for a
    binomial proportion, *Statistical Science* 16(2), 101-133.
    """
    n, total = np.asarray(n, dtype=float), np.asarray(total, dtype=float)
    z = stats.norm.ppf(1 - (1 - level) / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = n / total
        denom = 1 + z**2 / total
        centre = (p + z**2 / (2 * total)) / denom
        half = z * np.sqrt(p * (1 - p) / total + z**2 / (4 * total**2)) / denom
    low = np.where(n == 0, 0.0, np.clip(centre - half, 0, 1))  # exact bounds, no rounding residue
    high = np.where(n == total, 1.0, np.clip(centre + half, 0, 1))
    return low, high


def shares(
    coded: pd.DataFrame,
    columns: Sequence[str],
    *,
    by: str = "outlet",
    exclude_parts: Sequence[str] | None = ("caption",),
    level: float = 0.95,
) -> pd.DataFrame:
    """The share of units (sentences) per outlet for which a boolean column is true, with Wilson intervals.

    Parameters
    ----------
    coded
        Units with boolean columns, e.g. from :func:`analysis.framing.code`.
    columns
        The boolean columns (frame ids, ``"hedge"``, ...).
    by
        The grouping column.
    exclude_parts
        Parts left out when a ``part`` column exists (captions by default, as
        in :func:`analysis.framing.profile`).
    level
        Coverage of the interval.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SHARE_COLUMNS`, outlets sorted, measures in the given order.
    """
    columns = list(columns)
    _need(coded, [by, *columns], "profile.shares()")
    data = coded
    if exclude_parts and "part" in data.columns:
        data = data[~data["part"].isin(list(exclude_parts))]
    rows = []
    for outlet, group in data.groupby(by, sort=True):
        for col in columns:
            n = int(group[col].astype(bool).sum())
            rows.append((outlet, col, len(group), n))
    out = pd.DataFrame(rows, columns=SHARE_COLUMNS[:4])
    out["share"] = out["n"] / out["n_units"].where(out["n_units"] > 0)
    out["low"], out["high"] = wilson(out["n"], out["n_units"], level)
    return out[SHARE_COLUMNS]


def key_terms(keyness: pd.DataFrame, *, top: int = 5) -> pd.DataFrame:
    """Each outlet's top key terms: over-represented against the rest, strongest first.

    Parameters
    ----------
    keyness
        The table from :func:`analysis.keyness.compare` (``target`` = outlet).
    top
        Terms per outlet.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TERM_COLUMNS`; ties in ``stat`` are broken by count,
        then alphabetically, so the choice is reproducible.
    """
    _need(keyness, ["target", "term", "n_target", "per_1000_target", "per_1000_reference", "stat"],
          "profile.key_terms()")
    data = keyness[keyness["per_1000_target"] > keyness["per_1000_reference"]].copy()
    if "p" not in data:
        data["p"] = np.nan
    data["_abs"] = data["stat"].abs()
    data = data.sort_values(["target", "_abs", "n_target", "term"], ascending=[True, False, False, True], kind="stable")
    data = data.groupby("target", sort=True).head(top).copy()
    data["rank"] = data.groupby("target").cumcount() + 1
    data = data.rename(columns={"target": "outlet"})
    return data[TERM_COLUMNS].reset_index(drop=True)


def shared_text(passages: pd.DataFrame, tokens: pd.DataFrame, *, by: str = "outlet") -> pd.DataFrame:
    """How many of each outlet's words lie in passages shared with another outlet.

    Parameters
    ----------
    passages
        The table from :func:`analysis.reuse.shared_passages` (offsets into the article texts).
    tokens
        The shared token table of the same corpus (:func:`analysis.tokens.tokenize`),
        to count words (word and number tokens).
    by
        The grouping column of the tokens.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SHARED_COLUMNS`: ``words`` (all words of the outlet),
        ``shared_words`` (words inside at least one shared passage; overlapping
        passages count once), ``share``, ``passages``, ``longest`` (words) and
        ``partners`` (the other outlets, comma-separated).
    """
    _need(tokens, ["doc_id", by, "start", "end", "kind"], "profile.shared_text()")
    _need(passages, ["doc_a", "doc_b", "group_a", "group_b", "start_a", "end_a", "start_b", "end_b", "n_words"],
          "profile.shared_text()")
    words = tokens[tokens["kind"].isin(["word", "number"])]
    spans = pd.concat([
        passages[["doc_a", "start_a", "end_a", "group_a", "group_b", "n_words"]].set_axis(
            ["doc_id", "start", "end", "group", "partner", "n_words"], axis=1),
        passages[["doc_b", "start_b", "end_b", "group_b", "group_a", "n_words"]].set_axis(
            ["doc_id", "start", "end", "group", "partner", "n_words"], axis=1),
    ], ignore_index=True)
    covered = np.zeros(len(words), dtype=bool)
    if len(spans):
        doc_of = words["doc_id"].to_numpy()
        start, end = words["start"].to_numpy(), words["end"].to_numpy()
        for doc_id, group in spans.groupby("doc_id", sort=False):
            mine = doc_of == doc_id
            for s, e in zip(group["start"], group["end"]):
                covered |= mine & (start >= s) & (end <= e)
    frame = pd.DataFrame({"outlet": words[by].to_numpy(), "covered": covered})
    rows = []
    for outlet, group in frame.groupby("outlet", sort=True):
        own = spans[spans["group"].astype(str) == str(outlet)]
        rows.append((
            outlet, len(group), int(group["covered"].sum()), group["covered"].mean() if len(group) else np.nan,
            len(own), int(own["n_words"].max()) if len(own) else 0,
            ", ".join(sorted({str(p) for p in own["partner"]})),
        ))
    return pd.DataFrame(rows, columns=SHARED_COLUMNS)


def summary(
    *,
    tone: pd.DataFrame,
    frames: pd.DataFrame,
    hedging: pd.DataFrame,
    terms: pd.DataFrame,
    shared: pd.DataFrame,
    actors: pd.DataFrame,
    labels: dict[str, str] | None = None,
) -> pd.DataFrame:
    """One row per outlet with the headline numbers of every panel of the profile.

    Parameters
    ----------
    tone, frames, hedging, terms, shared
        The tables of :func:`tone`, :func:`shares` (frames), :func:`shares`
        (the ``hedge`` column), :func:`key_terms` and :func:`shared_text`.
    actors
        The table of :func:`analysis.overview.actor_shares`.
    labels
        Readable names for frame ids (e.g. the codebook's labels).
    """
    labels = labels or {}
    outlets = sorted(set(tone["outlet"]) | set(frames["outlet"]))
    rows = []
    for outlet in outlets:
        t = tone[tone["outlet"] == outlet]
        f = frames[frames["outlet"] == outlet].sort_values(["share", "measure"], ascending=[False, True], kind="stable")
        h = hedging[hedging["outlet"] == outlet]
        k = terms[terms["outlet"] == outlet].sort_values("rank")
        s = shared[shared["outlet"] == outlet]
        a = actors[actors["outlet"] == outlet].sort_values(["sentences", "actor"], ascending=[False, True])
        rows.append({
            "outlet": outlet,
            "sentences": int(t["sentences"].iloc[0]) if len(t) else 0,
            "tone": float(t["mean"].iloc[0]) if len(t) else np.nan,
            "tone_interval": (f"[{t['low'].iloc[0]:+.2f}, {t['high'].iloc[0]:+.2f}]" if len(t) and
                              not np.isnan(t["low"].iloc[0]) else ""),
            "top_frame": labels.get(f["measure"].iloc[0], f["measure"].iloc[0]) if len(f) and f["n"].iloc[0] else "",
            "top_frame_share": float(f["share"].iloc[0]) if len(f) else np.nan,
            "hedged_share": float(h["share"].iloc[0]) if len(h) else np.nan,
            "shared_share": float(s["share"].iloc[0]) if len(s) else 0.0,
            "top_actor": a["actor"].iloc[0] if len(a) and a["sentences"].iloc[0] else "",
            "key_terms": ", ".join(k["term"].head(3)),
        })
    return pd.DataFrame(rows)


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _overlap(a: pd.Series, b: pd.Series) -> bool:
    return not (a["high"] < b["low"] or b["high"] < a["low"])


def describe(
    *,
    tone: pd.DataFrame,
    frames: pd.DataFrame,
    hedging: pd.DataFrame,
    terms: pd.DataFrame,
    shared: pd.DataFrame,
    actors: pd.DataFrame,
    names: dict[str, str] | None = None,
    labels: dict[str, str] | None = None,
) -> list[str]:
    """The written comparison: one plain-English sentence per panel, computed from the tables.

    Every statement follows from the numbers by a fixed rule (stated in the
    text): two outlets differ in tone only if their intervals do not overlap;
    the largest frame difference is named with both shares; and so on. The
    sentences are plain text (no markup); escape them before putting them
    into HTML or Markdown.

    Parameters
    ----------
    tone, frames, hedging, terms, shared, actors
        As for :func:`summary`.
    names
        Display names of the outlets (e.g. ``outlet -> outlet_name``).
    labels
        Readable names for frame ids.
    """
    names = names or {}
    labels = labels or {}

    def nm(o):
        return names.get(o, str(o))

    out = []
    t = tone.dropna(subset=["mean"]).sort_values(["mean", "outlet"], ascending=[False, True])
    if len(t) >= 2:
        hi, lo = t.iloc[0], t.iloc[-1]
        unit = "sentences" if (t["resampled"] == "sentences").any() else "articles"
        if _overlap(hi, lo):
            first = (f"{nm(hi['outlet'])} scores higher" if len(t) == 2 else f"{nm(hi['outlet'])} scores highest")
            second = "than" if len(t) == 2 else "and the lowest is"
            out.append(
                f"Tone: {first} (mean polarity {hi['mean']:+.2f}, 95% interval {hi['low']:+.2f} to "
                f"{hi['high']:+.2f}) {second} {nm(lo['outlet'])} ({lo['mean']:+.2f}, {lo['low']:+.2f} to "
                f"{lo['high']:+.2f}), but the intervals overlap: at this size the tone of the outlets cannot be "
                f"told apart."
            )
        else:
            out.append(
                f"Tone: {nm(hi['outlet'])} is more positive (mean polarity {hi['mean']:+.2f}, 95% interval "
                f"{hi['low']:+.2f} to {hi['high']:+.2f}) than {nm(lo['outlet'])} ({lo['mean']:+.2f}, "
                f"{lo['low']:+.2f} to {lo['high']:+.2f}); the intervals do not overlap."
            )
        if unit == "sentences":
            out[-1] += " The intervals resample sentences, so they describe these texts, not each outlet's coverage at large."
    elif len(t) == 1:
        r = t.iloc[0]
        out.append(f"Tone: {nm(r['outlet'])} has a mean polarity of {r['mean']:+.2f}.")

    if len(frames):
        wide = frames.pivot_table(index="measure", columns="outlet", values="share", sort=False)
        tops = []
        for o in sorted(frames["outlet"].unique()):
            f = frames[(frames["outlet"] == o) & (frames["n"] > 0)].sort_values(["share", "measure"],
                                                                                   ascending=[False, True])
            if len(f):
                tops.append(f"{labels.get(f['measure'].iloc[0], f['measure'].iloc[0])} in {nm(o)} "
                            f"({_pct(f['share'].iloc[0])} of its sentences)")
        text = ("Frames: the most frequent frame is " + "; ".join(tops) + "." if tops
                else "Frames: no frame was coded.")
        if wide.shape[1] >= 2:
            spread = (wide.max(axis=1) - wide.min(axis=1)).sort_values(ascending=False, kind="stable")
            frame = spread.index[0]
            hi_o, lo_o = wide.loc[frame].idxmax(), wide.loc[frame].idxmin()
            text += (f" The largest difference is in {labels.get(frame, frame)}: {_pct(wide.loc[frame, hi_o])} of "
                     f"{nm(hi_o)}'s sentences against {_pct(wide.loc[frame, lo_o])} of {nm(lo_o)}'s.")
        out.append(text)

    if len(hedging) >= 2:
        h = hedging.sort_values(["share", "outlet"], ascending=[False, True])
        hi, lo = h.iloc[0], h.iloc[-1]
        verdict = ("the intervals overlap, so the difference may be chance" if _overlap(hi, lo)
                   else "the intervals do not overlap")
        out.append(f"Hedging: {nm(hi['outlet'])} hedges {hi['n']} of {hi['n_units']} sentences ({_pct(hi['share'])}), "
                   f"{nm(lo['outlet'])} {lo['n']} of {lo['n_units']} ({_pct(lo['share'])}); {verdict}.")

    if len(terms):
        parts = []
        for o in sorted(terms["outlet"].unique()):
            k = terms[terms["outlet"] == o].sort_values("rank")["term"].head(3).tolist()
            parts.append(f"{nm(o)}: {', '.join(k)}")
        out.append("Key terms (used more than by the others): " + "; ".join(parts) + ".")

    if len(shared):
        if shared["passages"].sum() == 0:
            out.append("Shared passages: no passage is shared word for word between outlets (no sign of a common "
                       "press release).")
        else:
            s = shared.sort_values(["share", "outlet"], ascending=[False, True])
            top = s.iloc[0]
            partners = ", ".join(nm(p) for p in str(top["partners"]).split(", ") if p)
            out.append(f"Shared passages: {nm(top['outlet'])} shares {top['shared_words']} of its {top['words']} words "
                       f"({_pct(top['share'])}) word for word with {partners}; the longest passage has "
                       f"{int(s['longest'].max())} words.")

    if len(actors):
        named = actors[actors["sentences"] > 0]
        both = named.groupby("actor")["outlet"].nunique()
        n_outlets = actors["outlet"].nunique()
        common = [a for a in dict.fromkeys(named["actor"]) if both.get(a, 0) == n_outlets]
        only = {o: [a for a in named.loc[named["outlet"] == o, "actor"] if both.get(a, 0) == 1]
                for o in sorted(actors["outlet"].unique())}
        text = f"Actors: all outlets name {', '.join(common)}." if common else "Actors: no actor is named by all outlets."
        extra = [f"{nm(o)} {', '.join(a)}" for o, a in only.items() if a]
        if extra:
            text += " Named by one outlet only: " + "; ".join(extra) + "."
        out.append(text)
    return out


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>])")


def as_markdown(sentences: Sequence[str]) -> str:
    """A Markdown bullet list of plain-text sentences, with HTML and Markdown characters escaped.

    For showing :func:`describe` in a notebook (``display(Markdown(...))``) or a
    report: outlet names and terms come from the user's data and must never
    become markup.
    """
    items = []
    for sentence in sentences:
        text = html.escape(str(sentence), quote=False)
        items.append("- " + _MARKDOWN_SPECIAL.sub(r"\\\1", text))
    return "\n".join(items)


__all__ = ["tone", "wilson", "shares", "key_terms", "shared_text", "summary", "describe", "as_markdown"]
