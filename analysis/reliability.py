"""Validate frame coding as content analysts do: coding sheets, Krippendorff's alpha, P/R/F1.

The workflow:

1. :func:`export_sheet` writes a coding sheet (CSV or XLSX): one row per
   sentence, one column per frame, for a human coder to fill in with 1/0
   (``x``/blank, ``ja``/``nein`` and ``yes``/``no`` are read too).
2. :func:`read_sheet` reads it back and checks every cell.
3. :func:`agreement` compares the automatic coder with the human coding:
   Krippendorff's alpha per frame with a bootstrap interval, percentage
   agreement, and precision, recall and F1 of the automatic coder (the human
   coding taken as the reference), per frame and pooled (micro) and averaged
   (macro). :func:`disagreements` lists the sentences where they differ.

The same functions compare two human coders (pass both codings).

References
----------
Krippendorff, K. (2004). *Content analysis: An introduction to its methodology*
(2nd ed.). Sage. (alpha >= .800 good, .667-.800 tentative conclusions.)

Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability.
Annenberg School for Communication Departmental Papers, 43.

Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard
reliability measure for coding data. *Communication Methods and Measures*,
1(1), 77-89.

Zapf, A., Castell, S., Morawietz, L., & Karch, A. (2016). Measuring
inter-rater reliability for nominal data - which coefficients and confidence
intervals are appropriate? *BMC Medical Research Methodology*, 16, 93.
"""
from __future__ import annotations

import functools
import warnings
from collections.abc import Sequence
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd

from . import codebook as cbm
from .codebook import Codebook
from .framing import DEFAULT_CODEBOOK

__all__ = [
    "TRUE_VALUES",
    "FALSE_VALUES",
    "sheet",
    "export_sheet",
    "read_sheet",
    "alpha",
    "agreement",
    "disagreements",
]

#: Cell values read as "frame present" / "frame absent" (case-insensitive).
TRUE_VALUES = frozenset({"1", "1.0", "x", "ja", "j", "yes", "y", "true", "wahr"})
FALSE_VALUES = frozenset({"0", "0.0", "nein", "n", "no", "false", "falsch", "-"})

_KEYS = ("doc_id", "sentence_id")
_INFO = ("outlet", "part")


def sheet(
    data: pd.DataFrame,
    *,
    codebook: str | Path | Codebook | dict = DEFAULT_CODEBOOK,
    text: str = "text",
    prefill: pd.DataFrame | None = None,
    coder: str = "",
) -> pd.DataFrame:
    """A coding sheet: one row per unit, one (empty) column per frame.

    Parameters
    ----------
    data
        The units to code, normally :func:`analysis.corpus.sentences`, with
        ``doc_id`` and ``sentence_id``.
    codebook
        The codebook whose frames make the columns.
    prefill
        A coded table (:func:`analysis.framing.code`) to prefill the frame
        columns with 1/0 (e.g. to correct the automatic coding). Leave it out
        for independent coding, which is what a reliability test needs.
    coder
        The coder's name or initials, written into a ``coder`` column.

    Returns
    -------
    pandas.DataFrame
        ``doc_id``, ``sentence_id``, ``outlet`` and ``part`` (when present),
        ``text``, one column per frame, ``coder``, ``notes``.
    """
    cb = cbm.load(codebook)
    _require(data, [*_KEYS, text], "sheet")
    cols = [c for c in (*_KEYS, *_INFO) if c in data.columns]
    out = data[cols].reset_index(drop=True).copy()
    out["text"] = data[text].to_numpy()
    for f in cb.frame_ids:
        out[f] = ""
    if prefill is not None:
        _require(prefill, [*_KEYS, *cb.frame_ids], "sheet(prefill=...)")
        pre = out[list(_KEYS)].merge(prefill[[*_KEYS, *cb.frame_ids]], on=list(_KEYS), how="left")
        for f in cb.frame_ids:
            out[f] = pre[f].map({True: 1, False: 0}).astype("Int64").astype(str).replace("<NA>", "")
    out["coder"] = coder
    out["notes"] = ""
    return out


def export_sheet(
    data: pd.DataFrame,
    path: str | Path,
    *,
    codebook: str | Path | Codebook | dict = DEFAULT_CODEBOOK,
    text: str = "text",
    prefill: pd.DataFrame | None = None,
    coder: str = "",
) -> Path:
    """Write a coding sheet (see :func:`sheet`) as CSV or XLSX, chosen by the file suffix.

    An XLSX file gets a second worksheet ``codebook`` with each frame's
    definition, so coders have the rules beside the sentences, and its frame
    cells accept only 1, 0 or x. A CSV file is
    written as UTF-8 with a byte-order mark, which Excel opens correctly.

    Returns
    -------
    Path
        The file written.
    """
    cb = cbm.load(codebook)
    table = sheet(data, codebook=cb, text=text, prefill=prefill, coder=coder)
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table.to_csv(path, index=False, encoding="utf-8-sig")
    elif suffix == ".xlsx":
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            table.to_excel(writer, sheet_name="coding", index=False)
            cb.definitions()[["frame", "label", "definition"]].to_excel(writer, sheet_name="codebook", index=False)
            ws = writer.sheets["coding"]
            ws.freeze_panes = "A2"
            # frame cells accept only 1, 0 or x (or stay empty): typos are caught while coding
            from openpyxl.worksheet.datavalidation import DataValidation

            check = DataValidation(type="list", formula1='"1,0,x"', allow_blank=True, showErrorMessage=True,
                                   errorTitle="yes/no", error="Enter 1 (or x) if the frame is present, 0 or nothing if not.")
            ws.add_data_validation(check)
            for f in cb.frame_ids:
                letter = ws.cell(row=1, column=table.columns.get_loc(f) + 1).column_letter
                check.add(f"{letter}2:{letter}{len(table) + 1}")
            text_col = table.columns.get_loc("text") + 1
            ws.column_dimensions[ws.cell(row=1, column=text_col).column_letter].width = 80
    else:
        raise ValueError(f"export_sheet(): cannot write {path.name!r}; use a .csv or .xlsx file name")
    return path


def read_sheet(
    path: str | Path,
    *,
    codebook: str | Path | Codebook | dict = DEFAULT_CODEBOOK,
    blank: str = "absent",
) -> pd.DataFrame:
    """Read a filled coding sheet (CSV or XLSX) and check every frame cell.

    Parameters
    ----------
    path
        The sheet written by :func:`export_sheet` (or any table with
        ``doc_id``, ``sentence_id`` and one column per frame).
    codebook
        The codebook whose frames are expected as columns.
    blank
        What an empty cell means: ``"absent"`` (the frame is not there: coders
        mark only what they see) or ``"missing"`` (not coded; kept as NA and
        left out of alpha for that unit).

    Returns
    -------
    pandas.DataFrame
        The sheet with boolean frame columns (nullable ``boolean`` when
        ``blank="missing"``).

    Raises
    ------
    ValueError
        For a cell that is neither yes nor no, naming the file, the row (as the
        spreadsheet numbers it) and the column.
    """
    if blank not in ("absent", "missing"):
        raise ValueError(f"read_sheet(): blank={blank!r}; use 'absent' or 'missing'")
    cb = cbm.load(codebook)
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"read_sheet(): {path} does not exist")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    elif suffix in (".xlsx", ".xlsm"):
        table = pd.read_excel(path, sheet_name=0, dtype=str, keep_default_na=False, engine="openpyxl")
    else:
        raise ValueError(f"read_sheet(): cannot read {path.name!r}; use a .csv or .xlsx file")
    missing = [c for c in (*_KEYS, *cb.frame_ids) if c not in table.columns]
    if missing:
        raise ValueError(f"{path.name}: the sheet lacks the column(s) {missing}; columns found: "
                         f"{list(table.columns)}. Export a fresh sheet with reliability.export_sheet().")
    table["sentence_id"] = pd.to_numeric(table["sentence_id"], errors="raise").astype(int)
    for f in cb.frame_ids:
        is_true, is_blank, bad = _read_cells(table[f])
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"{path.name}, row {i + 2}, column {f!r}: cannot read {table[f].iat[i]!r} as yes/no "
                f"({int(bad.sum())} such cell(s)). Write 1 or x for present, 0 or leave it empty for absent."
            )
        if blank == "absent":
            table[f] = is_true
        else:
            col = pd.array(is_true, dtype="boolean")
            col[is_blank] = pd.NA
            table[f] = col
    if table.duplicated(list(_KEYS)).any():
        dup = table.loc[table.duplicated(list(_KEYS), keep=False), list(_KEYS)].head(3).to_dict("records")
        raise ValueError(f"{path.name}: the same (doc_id, sentence_id) appears more than once, e.g. {dup}; "
                         "keep one row per unit.")
    return table


def _read_cells(column: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which cells of a sheet column say yes, which are blank and which are unreadable (three bool arrays).

    A cell is read as its text (``str``, as ``astype(str)``), stripped of white
    space and lower-cased; ``""`` and ``"nan"`` are blank.
    """
    raw = [v.strip().lower() for v in column.astype(str).tolist()]
    n = len(raw)
    is_true = np.fromiter((v in TRUE_VALUES for v in raw), dtype=bool, count=n)
    is_false = np.fromiter((v in FALSE_VALUES for v in raw), dtype=bool, count=n)
    is_blank = np.fromiter((v == "" or v == "nan" for v in raw), dtype=bool, count=n)
    return is_true, is_blank, ~(is_true | is_false | is_blank)


def alpha(
    data,
    *,
    level: str = "nominal",
    n_boot: int = 1000,
    seed: int = 0,
    ci: float = 0.95,
) -> dict:
    """Krippendorff's alpha with a bootstrap confidence interval.

    Parameters
    ----------
    data
        Reliability data: coders in rows, units in columns (array-like or
        DataFrame); missing codes as ``NaN``.
    level
        Level of measurement: ``nominal``, ``ordinal``, ``interval`` or ``ratio``.
    n_boot
        Bootstrap replicates (units drawn with replacement); 0 for no interval.
    seed
        Seed of the random generator (the interval is deterministic for a seed).
    ci
        Coverage of the percentile interval.

    Returns
    -------
    dict
        ``alpha``, ``low``, ``high``, ``n_units`` (units coded by at least two
        coders). ``alpha`` is NaN when all codes are the same value (alpha is
        undefined without variation).

    References
    ----------
    Krippendorff (2011) for the coefficient (computed with the
    ``krippendorff`` package); the interval is a percentile bootstrap over
    units (Zapf et al., 2016), not Hayes & Krippendorff's (2007) resampling
    of pairable values.
    """
    levels = ("nominal", "ordinal", "interval", "ratio")
    if level not in levels:
        raise ValueError(f"alpha(): unknown level {level!r}; use one of {levels}")
    m = np.asarray(data, dtype=float)
    if m.ndim != 2:
        raise ValueError("alpha(): expected a 2-d table, coders in rows and units in columns")
    pairable = (~np.isnan(m)).sum(axis=0) >= 2
    m = m[:, pairable]
    value = _alpha(m, level)
    low = high = np.nan
    if n_boot and m.shape[1] > 1 and not np.isnan(value):
        if level == "nominal":
            # vectorised: a replicate's coincidence matrix is the weighted sum of the units' contributions
            contrib = _coincidences(m)
            reps = _alpha_from_coincidences(_weighted_sums(_bootstrap_weights(seed, m.shape[1], n_boot), contrib))
        else:
            rng = np.random.default_rng(seed)
            reps = np.asarray([_alpha(m[:, rng.integers(0, m.shape[1], m.shape[1])], level) for _ in range(n_boot)])
        # a replicate without variation has no alpha and is left out
        reps = reps[~np.isnan(reps)]
        if len(reps):
            low, high = np.quantile(reps, [(1 - ci) / 2, 1 - (1 - ci) / 2])
    return {"alpha": value, "low": float(low), "high": float(high), "n_units": int(m.shape[1])}


def _draw_weights(seed, n_units: int, n_boot: int) -> np.ndarray:
    """How often each unit is drawn in each bootstrap replicate (n_boot x n_units), from ``default_rng(seed)``."""
    rng = np.random.default_rng(seed)
    return rng.multinomial(n_units, np.full(n_units, 1 / n_units), size=n_boot)


@functools.lru_cache(maxsize=8)
def _memo_weights(seed: int, n_units: int, n_boot: int) -> np.ndarray:
    weights = _draw_weights(seed, n_units, n_boot)
    weights.flags.writeable = False
    return weights


def _bootstrap_weights(seed, n_units: int, n_boot: int) -> np.ndarray:
    """:func:`_draw_weights`, drawn once per process for an integer seed.

    The draws depend only on the seed and the two sizes, and :func:`agreement`
    asks for the same ones for every frame (same units, same seed), so they are
    kept (read-only). Any other seed (None, a generator, a sequence) is drawn anew.
    """
    if type(seed) is int:
        return _memo_weights(seed, n_units, n_boot)
    return _draw_weights(seed, n_units, n_boot)


def _weighted_sums(weights: np.ndarray, contrib: np.ndarray) -> np.ndarray:
    """``weights @ contrib`` (replicates x units times units x cells).

    With two coders per unit every contribution is a whole number, so each sum
    is an exact integer below 2**53, the same in any order of summation; it is
    then computed in integers, which spares a BLAS call (whose worker threads
    keep spinning, and using CPU, for a while after it). Otherwise BLAS as before.
    """
    whole = contrib.astype(np.int64)
    if (np.array_equal(whole, contrib) and (whole >= 0).all() and weights.dtype.kind in "iu"
            and float(weights.sum(axis=1).max(initial=0)) * float(whole.max(initial=0)) < 2.0 ** 53):
        return (weights @ whole).astype(np.float64)
    return weights @ contrib


def _coincidences(m: np.ndarray) -> np.ndarray:
    """Each unit's contribution to the coincidence matrix (units x categories², flattened).

    Krippendorff (2011): a unit coded by m_u coders adds 1/(m_u - 1) for every
    ordered pair of its values.
    """
    cats = np.unique(m[~np.isnan(m)])
    counts = np.stack([(m == c).sum(axis=0) for c in cats], axis=1).astype(float)  # units x C
    m_u = counts.sum(axis=1)
    pairs = counts[:, :, None] * counts[:, None, :]
    idx = np.arange(len(cats))
    pairs[:, idx, idx] -= counts
    return (pairs / (m_u - 1)[:, None, None]).reshape(len(m_u), -1)


def _alpha_from_coincidences(o: np.ndarray) -> np.ndarray:
    """Nominal alpha for each row of flattened coincidence matrices."""
    c = int(round(np.sqrt(o.shape[1])))
    o = o.reshape(-1, c, c)
    n_c = o.sum(axis=2)
    n = n_c.sum(axis=1)
    observed = n - np.trace(o, axis1=1, axis2=2)
    expected = n ** 2 - (n_c ** 2).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(expected > 0, 1 - (n - 1) * observed / expected, np.nan)


def _alpha(m: np.ndarray, level: str) -> float:
    values = m[~np.isnan(m)]
    if values.size == 0 or np.unique(values).size < 2:
        return np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(krippendorff.alpha(reliability_data=m, level_of_measurement=level))


def _require(data: pd.DataFrame, columns: Sequence[str], func: str) -> None:
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise KeyError(f"{func}(): missing column(s) {missing}; available: {list(data.columns)}")


def _normalise_keys(table: pd.DataFrame, keys: Sequence[str]) -> None:
    """Same key types on both sides (a sheet read back has text ids and integer sentence ids)."""
    if "doc_id" in keys:
        table["doc_id"] = table["doc_id"].astype(str)
    if "sentence_id" in keys:
        table["sentence_id"] = table["sentence_id"].astype(int)


def _unit_keys(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, list[tuple]]:
    """The normalised ``doc_id`` (text) and ``sentence_id`` (integer) of each row, and the pairs of both."""
    doc = table["doc_id"].astype(str).to_numpy()
    sid = table["sentence_id"].astype(int).to_numpy()
    return doc, sid, list(zip(doc.tolist(), sid.tolist()))


def _paired_by_lookup(auto: pd.DataFrame, human: pd.DataFrame, frames: list[str], keys: Sequence[str]
                      ) -> pd.DataFrame | None:
    """What the outer merge in :func:`_paired` gives when both sides code the same units once each.

    Applies to the default keys and frame columns of NumPy dtypes (bool, as
    :func:`analysis.framing.code` and :func:`read_sheet` give them); the rows
    are the units sorted by (doc_id, sentence_id), as an outer merge sorts its
    keys. Returns None when it does not apply (the merge is used then).
    """
    if tuple(keys) != _KEYS or set(frames) & set(_KEYS):
        return None
    if not all(isinstance(t[f].dtype, np.dtype) for t in (auto, human) for f in frames):
        return None
    doc, sid, unit_a = _unit_keys(auto)
    _, _, unit_h = _unit_keys(human)
    row_h = dict(zip(unit_h, range(len(unit_h))))
    if len(unit_a) != len(unit_h) or len(row_h) != len(unit_h) or len(set(unit_a)) != len(unit_a):
        return None
    if any(u not in row_h for u in unit_a):
        return None
    ia = np.array(sorted(range(len(unit_a)), key=unit_a.__getitem__), dtype=np.int64)
    ih = np.array([row_h[unit_a[i]] for i in ia], dtype=np.int64)
    data = {"doc_id": doc[ia], "sentence_id": sid[ia]}
    data.update({f"{f}_auto": auto[f].to_numpy()[ia] for f in frames})
    data.update({f"{f}_human": human[f].to_numpy()[ih] for f in frames})
    return pd.DataFrame(data)


def _paired(auto: pd.DataFrame, human: pd.DataFrame, frames: list[str], keys: Sequence[str], missing: str) -> pd.DataFrame:
    _require(auto, [*keys, *frames], "agreement (auto)")
    _require(human, [*keys, *frames], "agreement (human)")
    fast = _paired_by_lookup(auto, human, frames, keys)
    if fast is not None:
        return fast
    a = auto[[*keys, *frames]].copy()
    h = human[[*keys, *frames]].copy()
    for t in (a, h):
        _normalise_keys(t, keys)
    merged = a.merge(h, on=list(keys), how="outer", suffixes=("_auto", "_human"), indicator=True)
    unmatched = merged[merged["_merge"] != "both"]
    if len(unmatched) and missing == "error":
        example = unmatched[list(keys)].head(3).to_dict("records")
        raise ValueError(
            f"{len(unmatched)} unit(s) are coded by only one side, e.g. {example} "
            f"({(unmatched['_merge'] == 'left_only').sum()} only automatic, "
            f"{(unmatched['_merge'] == 'right_only').sum()} only human). Code the same units, "
            "or pass missing='drop' to compare the common units."
        )
    return merged[merged["_merge"] == "both"].drop(columns="_merge").reset_index(drop=True)


def agreement(
    auto: pd.DataFrame,
    human: pd.DataFrame,
    *,
    codebook: str | Path | Codebook | dict = DEFAULT_CODEBOOK,
    keys: Sequence[str] = _KEYS,
    n_boot: int = 1000,
    seed: int = 0,
    missing: str = "error",
) -> pd.DataFrame:
    """Agreement of an automatic coding with a human coding, per frame.

    Parameters
    ----------
    auto, human
        Coded tables with the key columns and one boolean column per frame
        (:func:`analysis.framing.code`, :func:`read_sheet`).
    keys
        The columns identifying a unit.
    n_boot, seed
        Bootstrap replicates and seed for the alpha interval (see :func:`alpha`).
    missing
        ``"error"`` (default) if a unit is coded by one side only; ``"drop"``
        to compare the units both coded.

    Returns
    -------
    pandas.DataFrame
        One row per frame, then ``micro`` (all frame decisions pooled) and
        ``macro`` (mean over frames): ``frame``, ``n`` (units), ``n_auto`` and
        ``n_human`` (units coded with the frame), ``tp``, ``fp``, ``fn``,
        ``agreement`` (share of equal decisions), ``alpha``, ``alpha_low``,
        ``alpha_high`` (nominal Krippendorff's alpha between the two codings
        and its bootstrap interval), ``precision``, ``recall``, ``f1`` (the
        human coding as reference).

    References
    ----------
    Krippendorff (2004, 2011); Zapf et al. (2016).
    """
    frames = cbm.load(codebook).frame_ids
    pairs = _paired(auto, human, frames, keys, missing)
    rows = []
    stacked_a, stacked_h = [], []
    for f in frames:
        av, hv, matrix = _decisions(pairs[f"{f}_auto"], pairs[f"{f}_human"])
        stacked_a.append(av)
        stacked_h.append(hv)
        rows.append({"frame": f, **_scores(av, hv), **_alpha_cols(alpha(matrix, n_boot=n_boot, seed=seed))})
    av, hv = np.concatenate(stacked_a), np.concatenate(stacked_h)
    micro = {"frame": "micro", **_scores(av, hv)}
    micro["n"] = rows[0]["n"] if rows else 0
    # pooled alpha: every (unit, frame) decision as one unit
    micro.update(_alpha_cols(alpha(np.vstack([av, hv]).astype(float), n_boot=n_boot, seed=seed)))
    out = pd.DataFrame(rows)
    macro = {"frame": "macro", "n": micro["n"]}
    for col in ("agreement", "alpha", "precision", "recall", "f1"):
        macro[col] = float(out[col].mean(skipna=True)) if len(out) else np.nan
    result = pd.concat([out, pd.DataFrame([micro, macro])], ignore_index=True)
    for col in ("n_auto", "n_human", "tp", "fp", "fn"):
        result[col] = result[col].astype("Int64")
    return result[
        ["frame", "n", "n_auto", "n_human", "tp", "fp", "fn", "agreement", "alpha", "alpha_low", "alpha_high",
         "precision", "recall", "f1"]
    ]


def _decisions(auto: pd.Series, human: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One frame's two codings: the decisions of the units both coded (two bool arrays) and the
    2 x units reliability matrix for :func:`alpha` (1.0/0.0, NaN where a side did not code the unit)."""
    if auto.dtype == bool and human.dtype == bool:  # nothing missing (framing.code, read_sheet's default)
        av, hv = auto.to_numpy(), human.to_numpy()
        return av, hv, np.vstack([av.astype(float), hv.astype(float)])
    a = auto.astype("boolean")
    h = human.astype("boolean")
    ok = (a.notna() & h.notna()).to_numpy()
    av, hv = a.to_numpy(dtype=bool, na_value=False)[ok], h.to_numpy(dtype=bool, na_value=False)[ok]
    matrix = np.vstack([a.astype("Float64").to_numpy(dtype=float, na_value=np.nan),
                        h.astype("Float64").to_numpy(dtype=float, na_value=np.nan)])
    return av, hv, matrix


def _alpha_cols(res: dict) -> dict:
    return {"alpha": res["alpha"], "alpha_low": res["low"], "alpha_high": res["high"]}


def _scores(a: np.ndarray, h: np.ndarray) -> dict:
    tp = int((a & h).sum())
    fp = int((a & ~h).sum())
    fn = int((~a & h).sum())
    precision = tp / (tp + fp) if tp + fp else np.nan
    recall = tp / (tp + fn) if tp + fn else np.nan
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else np.nan
    return {"n": int(len(a)), "n_auto": int(a.sum()), "n_human": int(h.sum()), "tp": tp, "fp": fp, "fn": fn,
            "agreement": float((a == h).mean()) if len(a) else np.nan,
            "precision": precision, "recall": recall, "f1": f1}


def disagreements(
    auto: pd.DataFrame,
    human: pd.DataFrame,
    *,
    codebook: str | Path | Codebook | dict = DEFAULT_CODEBOOK,
    keys: Sequence[str] = _KEYS,
    text: str = "text",
    missing: str = "error",
) -> pd.DataFrame:
    """The units where the automatic and the human coding differ, one row per unit and frame.

    Returns
    -------
    pandas.DataFrame
        The key columns, ``frame``, ``auto``, ``human``, ``kind`` (``"false
        positive"``: coded automatically only; ``"false negative"``: by the
        human only), ``text`` and ``evidence`` (the automatic coder's matches
        for that frame) when ``auto`` has them.
    """
    frames = cbm.load(codebook).frame_ids
    pairs = _paired(auto, human, frames, keys, missing)
    extra = [c for c in (text, "evidence") if c in auto.columns]
    pairs = _with_info(pairs, auto, keys, extra)
    rows = _difference_rows(pairs, frames, keys, extra, text)
    if rows is None:
        rows = []
        for f in frames:
            diff = _differ(pairs[f"{f}_auto"], pairs[f"{f}_human"])
            for _, r in pairs[diff].iterrows():
                ev = ""
                if "evidence" in pairs.columns and isinstance(r["evidence"], str):
                    ev = "; ".join(e.split(": ", 1)[1] for e in r["evidence"].split("; ") if e.startswith(f + ": "))
                rows.append({**{k: r[k] for k in keys}, "frame": f, "auto": bool(r[f"{f}_auto"]),
                             "human": bool(r[f"{f}_human"]),
                             "kind": "false positive" if bool(r[f"{f}_auto"]) else "false negative",
                             "text": r[text] if text in pairs.columns else "", "evidence": ev})
    return pd.DataFrame(rows, columns=[*keys, "frame", "auto", "human", "kind", "text", "evidence"])


def _difference_rows(pairs: pd.DataFrame, frames: list[str], keys: Sequence[str], extra: list[str], text: str
                     ) -> list[dict] | None:
    """The rows of :func:`disagreements` read from the columns as object arrays, which is what
    ``iterrows`` gives for a table holding text (the default keys); None where that does not apply."""
    if tuple(keys) != _KEYS or not pairs.columns.is_unique or (text in pairs.columns and text not in [*keys, *extra]):
        return None
    values = {c: pairs[c].to_numpy(dtype=object) for c in dict.fromkeys([*keys, *extra])}
    rows = []
    for f in frames:
        auto_f = pairs[f"{f}_auto"].to_numpy(dtype=object)
        human_f = pairs[f"{f}_human"].to_numpy(dtype=object)
        for i in np.flatnonzero(_differ(pairs[f"{f}_auto"], pairs[f"{f}_human"])):
            ev = ""
            if "evidence" in pairs.columns and isinstance(values["evidence"][i], str):
                ev = "; ".join(e.split(": ", 1)[1] for e in values["evidence"][i].split("; ") if e.startswith(f + ": "))
            rows.append({**{k: values[k][i] for k in keys}, "frame": f, "auto": bool(auto_f[i]),
                         "human": bool(human_f[i]),
                         "kind": "false positive" if bool(auto_f[i]) else "false negative",
                         "text": values[text][i] if text in pairs.columns else "", "evidence": ev})
    return rows


def _differ(auto: pd.Series, human: pd.Series) -> np.ndarray:
    """Where the two codings of a frame differ (a unit one side did not code never differs)."""
    if auto.dtype == bool and human.dtype == bool:
        return auto.to_numpy() != human.to_numpy()
    a = auto.astype("boolean")
    h = human.astype("boolean")
    return (a != h).fillna(False).to_numpy(dtype=bool)


def _with_info(pairs: pd.DataFrame, auto: pd.DataFrame, keys: Sequence[str], extra: list[str]) -> pd.DataFrame:
    """``pairs`` with the ``extra`` columns of ``auto`` (text, evidence) of the same unit: a left merge on the keys."""
    found = _info_by_lookup(pairs, auto, keys, extra)
    if found is not None:
        return found
    info = auto[[*keys, *extra]].copy()
    _normalise_keys(info, keys)
    return pairs.merge(info, on=list(keys), how="left")


def _info_by_lookup(pairs: pd.DataFrame, auto: pd.DataFrame, keys: Sequence[str], extra: list[str]
                    ) -> pd.DataFrame | None:
    """The left merge of :func:`_with_info` as a lookup, when every unit of ``pairs`` is found exactly
    once in ``auto`` (default keys, NumPy-typed extra columns); None otherwise."""
    if (tuple(keys) != _KEYS or set(extra) & set(pairs.columns)
            or not all(isinstance(auto[c].dtype, np.dtype) for c in extra)):
        return None
    _, _, unit_a = _unit_keys(auto)
    row_a = dict(zip(unit_a, range(len(unit_a))))
    if len(row_a) != len(unit_a):
        return None
    idx = [row_a.get(u, -1) for u in zip(pairs["doc_id"].tolist(), pairs["sentence_id"].tolist())]
    if -1 in idx:
        return None
    take = np.array(idx, dtype=np.int64)
    data = {c: pairs[c] for c in pairs.columns}
    data.update({c: auto[c].to_numpy()[take] for c in extra})
    return pd.DataFrame(data)
