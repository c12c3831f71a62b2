"""A corrected textblob-de: the same polarity lexicon, looked up properly, with negation scope and intensifiers.

textblob-de lower-cases every lemma before the lookup while its lexicon stores
nouns capitalised, so "Erfolg", "Problem" or "Augenwischerei" never count; its
negation only reaches a polar word that directly follows the negator ("nicht
gut") but misses German verb-final negation ("das gefällt mir nicht").
This method keeps the lexicon (Klenner et al. 2010, as shipped by textblob-de)
and scores a token table with joins instead of per-word Python:

* **lookup** - each distinct token is mapped once to a lexicon entry, trying the
  surface form (nouns keep their capital), the lower-cased form, the form with
  the first letter capitalised (a noun written at the start of a heading) and
  then the form without a German inflection ending (``-e``, ``-en``, ``-er``,
  ``-es``, ``-em``, ``-s``, ``-n``; also ``ß``/``ss`` spelling). The token table
  is then joined to that mapping, so scoring costs one merge per corpus.
* **negation scope** - a polar word is negated when a negator (``nicht``,
  ``kein``/``keine``/..., ``nie``, ``niemals``, ``nichts``, ``ohne``, ``weder``,
  ``kaum``) stands at most :data:`NEGATION_WINDOW` tokens before it in the same
  clause (clauses end at punctuation); a negator with no polar word after it in
  its clause negates the closest polar word before it in the clause (verb-final
  negation). A negated polarity is ``-0.5 * p``, textblob-de's rule ("nicht gut"
  is bad, but less than "schlecht").
* **intensifiers** - an intensifier or downtoner right before a polar word
  (at most one token between) multiplies it (``sehr`` 1.5, ``etwas`` 0.6,
  see :data:`INTENSIFIERS`), capped at +-1; it is not scored itself.

The sentence polarity is the mean of its scored words (as in textblob-de), so
``polarity`` stays in [-1, 1]; a sentence without a polar word scores 0.

References
----------
Klenner, M., Clematide, S., Wiegand, M., & Peters, R. (2010). German Polarity
Lexicon, version 1.1. University of Zurich.

Killer, M. (2014). textblob-de: German language support for TextBlob.
https://github.com/markuskiller/textblob-de

Taboada, M., Brooke, J., Tofiloski, M., Voll, K., & Stede, M. (2011).
Lexicon-based methods for sentiment analysis. *Computational Linguistics*,
37(2), 267–307. (Negation scope and intensifiers as multipliers.)

Wiegand, M., Balahur, A., Roth, B., Klakow, D., & Montoyo, A. (2010). A survey
on the role of negation in sentiment analysis. *Proceedings of the Workshop on
Negation and Speculation in NLP*, 60–68.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .. import paths
from .. import tokens as tokens_mod

#: Shipped rules: negators and intensifiers (JSON, editable).
RULES_FILE = paths.PACKAGE_DATA / "sentiment" / "rules.json"

#: How many tokens after a negator are in its scope.
NEGATION_WINDOW = 3

#: Multiplier applied to a negated polarity (textblob-de's rule).
NEGATION_FACTOR = -0.5

_ENDINGS = ("sten", "ste", "em", "en", "er", "es", "e", "n", "s")


@lru_cache(maxsize=1)
def rules() -> dict:
    """The negators and intensifiers from :data:`RULES_FILE`."""
    with open(RULES_FILE, encoding="utf-8") as fh:
        data = json.load(fh)
    data["negators"] = frozenset(data["negators"])
    data["intensifiers"] = {k: float(v) for k, v in data["intensifiers"].items()}
    return data


def _textblob_lexicon_path() -> Path:
    # Found without importing textblob_de (whose import pulls in NLTK and SciPy: seconds).
    import importlib.util  # noqa: PLC0415

    spec = importlib.util.find_spec("textblob_de")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("textblob-de is not installed; it ships the German polarity lexicon "
                                  "(pip install 'textblob-de==0.4.3' 'textblob<0.18')")
    return Path(list(spec.submodule_search_locations)[0]) / "data" / "de-sentiment.xml"


#: Part of the key of :func:`polarity_lexicon`'s snapshot: bump it when the lexicon is derived differently.
POLARITY_LEXICON_VERSION = "1"


@lru_cache(maxsize=1)
def polarity_lexicon() -> dict[str, float]:
    """The German Polarity Lexicon as shipped by textblob-de: ``{form: polarity}``.

    Polarities of several senses or parts of speech of one form are averaged, as
    pattern does; forms with polarity 0 are left out (they carry no sentiment).
    Parsing the XML takes about 0.1 s, so the result is kept as a JSON snapshot
    in :func:`analysis.terms.cache_dir`, keyed by the XML's content
    (:func:`analysis.cache.json_snapshot`).
    """
    from .. import cache, terms  # noqa: PLC0415

    path = _textblob_lexicon_path()
    value, _ = cache.json_snapshot(
        terms.cache_dir(), "german-polarity-lexicon", sources=[path], version=POLARITY_LEXICON_VERSION,
        build=lambda: _parse_polarity_lexicon(path),
        encode=lambda lex: {"form": list(lex), "polarity": list(lex.values())},
        restore=lambda data: dict(zip(data["form"], map(float, data["polarity"]), strict=True)))
    return value


def _parse_polarity_lexicon(path: Path) -> dict[str, float]:
    root = ET.parse(path).getroot()
    by_pos: dict[str, dict[str, list[float]]] = {}
    for w in root.findall("word"):
        form = w.get("form")
        if not form:
            continue
        by_pos.setdefault(form, {}).setdefault(w.get("pos"), []).append(float(w.get("polarity", 0.0)))
    out = {}
    for form, groups in by_pos.items():
        # plain Python means (6x faster than np.mean per form; the same values: one sense per form and pos)
        means = [sum(v) / len(v) for v in groups.values()]
        p = sum(means) / len(means)
        if p != 0.0:
            out[form] = p
    return out


def lookup_key(token: str, lexicon: dict[str, float]) -> str | None:
    """The lexicon entry a token counts as, or ``None``.

    Tried in order: the surface form, lower case, capitalised, ``ß`` -> ``ss``,
    then without an inflection ending (lower case and capitalised).
    """
    if token in lexicon:
        return token
    lower = token.lower()
    cap = lower[:1].upper() + lower[1:]
    for cand in (lower, cap, lower.replace("ß", "ss"), cap.replace("ß", "ss")):
        if cand in lexicon:
            return cand
    for ending in _ENDINGS:
        if lower.endswith(ending) and len(lower) - len(ending) >= 3:
            stem = lower[: -len(ending)]
            for cand in (stem, stem[:1].upper() + stem[1:]):
                if cand in lexicon:
                    return cand
    return None


#: A second lexicon: AFINN-165 in German translation (ODbL; see ``afinn_de.README.md`` beside it).
AFINN_FILE = paths.PACKAGE_DATA / "sentiment" / "afinn_de.tsv"


@lru_cache(maxsize=1)
def afinn_lexicon() -> dict[str, float]:
    """AFINN-165 in German translation: ``{word: valence / 5}``, so polarities lie in [-1, 1].

    References
    ----------
    Nielsen, F. Å. (2011). A new ANEW: Evaluation of a word list for sentiment
    analysis in microblogs. *Proceedings of the ESWC2011 Workshop on 'Making
    Sense of Microposts'*, CEUR Workshop Proceedings 718, 93–98.
    """
    table = pd.read_csv(AFINN_FILE, sep="\t", keep_default_na=False, dtype={"word": str})
    return dict(zip(table["word"], table["valence"].astype(float) / 5.0))


LEXICONS = {"german-polarity": polarity_lexicon, "afinn-de": afinn_lexicon}


def _lexicon(name: str) -> dict[str, float]:
    if name not in LEXICONS:
        raise ValueError(f"unknown lexicon {name!r}; known: {', '.join(LEXICONS)}")
    return LEXICONS[name]()


def token_table(values: list[str], *, tokens: pd.DataFrame | None = None,
                data: pd.DataFrame | None = None) -> pd.DataFrame:
    """Word tokens of ``values`` (one row per token): ``row``, ``token_id``, ``token``, ``lower``, ``clause``.

    Uses the project's shared tokenisation (:func:`analysis.tokens.tokenize`);
    ``row`` is the position of the text in ``values``; ``clause`` counts
    punctuation marks before the token within its text.

    ``tokens`` (with ``data``): the token table already computed for ``data``
    by :func:`analysis.tokens.tokenize` (keys ``doc_id``, ``sentence_id``), so
    the texts are not tokenised a second time; the result is the same.
    """
    if tokens is None:
        frame = pd.DataFrame({"text": values, "sentence_id": np.arange(len(values))})
        toks = tokens_mod.tokenize(frame, text="text")
        row = toks["sentence_id"].to_numpy()
    else:
        row = _rows_of(tokens, data, len(values))
        keep = row >= 0
        toks = tokens.loc[keep, ["token_id", "token", "lower", "kind"]].reset_index(drop=True)
        row = row[keep]
        if len(row) > 1 and (np.diff(row) < 0).any():  # data in another order than the tokens
            order = np.lexsort((toks["token_id"].to_numpy(), row))
            toks = toks.iloc[order].reset_index(drop=True)
            row = row[order]
    is_punct = toks["kind"].eq("punct").to_numpy()
    clause = pd.Series(is_punct.astype(np.int64)).groupby(row).cumsum().to_numpy()
    is_word = toks["kind"].eq("word").to_numpy()
    return pd.DataFrame({"row": row[is_word], "token_id": toks["token_id"].to_numpy()[is_word],
                         "token": toks["token"].to_numpy()[is_word], "lower": toks["lower"].to_numpy()[is_word],
                         "clause": clause[is_word]})


def _rows_of(tokens: pd.DataFrame, data: pd.DataFrame | None, n: int) -> np.ndarray:
    """The row of ``data`` each token belongs to (by ``doc_id``, ``sentence_id``; -1: not in ``data``)."""
    need = {"doc_id", "sentence_id", "token_id", "token", "lower", "kind"}
    if data is None or not {"doc_id", "sentence_id"} <= set(data.columns) or need - set(tokens.columns):
        raise KeyError("tokens= needs data with doc_id and sentence_id and the token table of "
                       f"analysis.tokens.tokenize(data) (columns {sorted(need)})")
    if len(data) != n:
        raise ValueError(f"tokens=: data has {len(data)} rows but {n} texts were given")
    index = pd.MultiIndex.from_arrays([data["doc_id"].to_numpy(), data["sentence_id"].to_numpy()])
    if index.has_duplicates:
        raise ValueError("tokens= needs one row per (doc_id, sentence_id) in data; leave tokens=None to "
                         "tokenise the texts instead")
    return tokens_mod.rows_of(tokens, index)


def clause_bounds(row: np.ndarray, clause: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each token, the index of the first and of the last token of its clause.

    ``row`` and ``clause`` must come in runs (sorted by row, clause counting up
    within a row), as :func:`token_table` returns them.
    """
    n = len(row)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    change = np.empty(n, dtype=bool)
    change[0] = True
    change[1:] = (row[1:] != row[:-1]) | (clause[1:] != clause[:-1])
    group = np.cumsum(change) - 1
    starts = np.flatnonzero(change)
    ends = np.r_[starts[1:], n] - 1
    return starts[group], ends[group]


def fill_last(mask: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Index of the last ``mask`` position at or before each position, within its clause (-1: none)."""
    if not len(mask):
        return np.zeros(0, dtype=np.int64)
    last = np.maximum.accumulate(np.where(mask, np.arange(len(mask)), -1))
    return np.where(last >= first, last, -1).astype(np.int64)


def fill_next(mask: np.ndarray, last_of: np.ndarray) -> np.ndarray:
    """Index of the next ``mask`` position at or after each position, within its clause (-1: none)."""
    n = len(mask)
    if not n:
        return np.zeros(0, dtype=np.int64)
    nxt = np.minimum.accumulate(np.where(mask, np.arange(n), n)[::-1])[::-1]
    return np.where(nxt <= last_of, nxt, -1).astype(np.int64)


class FormTable:
    """Every distinct token form met in this process, numbered, with what scoring needs of it.

    A corpus repeats its forms from chunk to chunk, so each form's lower case, rule
    flags and lexicon entries are computed once, when the form is first met, and
    kept in arrays indexed by the form's number (:meth:`ids`). Grows with the
    vocabulary of the corpus (one entry per distinct form).
    """

    def __init__(self) -> None:
        self.id_of: dict[str, int] = {}
        self.forms: list[str] = []
        self.lower: list[str] = []
        self.negator = np.zeros(0, dtype=bool)
        self.factor = np.zeros(0, dtype=float)
        self._entries: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def ids(self, forms) -> np.ndarray:
        """The number of each form (new forms are added)."""
        id_of = self.id_of
        new = [f for f in dict.fromkeys(forms) if f not in id_of]
        if new:
            rule = rules()
            negators, intens = rule["negators"], rule["intensifiers"]
            lower = [t.lower() for t in new]
            for f in new:
                id_of[f] = len(id_of)
            self.forms.extend(new)
            self.lower.extend(lower)
            self.negator = np.concatenate([self.negator, np.fromiter(map(negators.__contains__, lower), dtype=bool,
                                                                     count=len(lower))])
            self.factor = np.concatenate([self.factor, np.array([intens.get(w, np.nan) for w in lower],
                                                                dtype=float)])
        return np.fromiter(map(id_of.__getitem__, forms), dtype=np.int64, count=len(forms))

    def entries(self, lexicon: str) -> tuple[np.ndarray, np.ndarray]:
        """Per form number: the lexicon entry it counts as (:func:`lookup_key`; None: none) and its polarity."""
        entry, prior = self._entries.get(lexicon, (np.zeros(0, dtype=object), np.zeros(0, dtype=float)))
        if len(entry) < len(self.forms):
            lex = _lexicon(lexicon)
            new = [lookup_key(t, lex) for t in self.forms[len(entry):]]
            new_entry = np.empty(len(new), dtype=object)
            new_entry[:] = new
            new_prior = np.array([np.nan if e is None else lex[e] for e in new], dtype=float)
            entry, prior = np.concatenate([entry, new_entry]), np.concatenate([prior, new_prior])
            self._entries[lexicon] = (entry, prior)
        return entry, prior


#: The forms met so far by :func:`assess` and the classifier in this process.
FORMS = FormTable()


class WordTypes:
    """The distinct forms of a word-token table (:func:`word_types`), as numbers in :data:`FORMS`.

    ``codes`` gives, per token, the index of its form in ``forms``; ``ids`` the
    number of each form in :data:`FORMS`; ``negator`` and ``factor`` (the
    intensifier's factor, NaN for other words) apply the rules to each form.
    """

    __slots__ = ("codes", "forms", "ids", "negator", "factor")

    def __init__(self, codes: np.ndarray, forms: np.ndarray) -> None:
        self.codes = codes
        self.forms = forms
        self.ids = FORMS.ids(forms)
        self.negator = FORMS.negator[self.ids]
        self.factor = FORMS.factor[self.ids]

    @property
    def lower(self) -> list[str]:
        """The forms in lower case."""
        lower = FORMS.lower
        return [lower[i] for i in self.ids.tolist()]

    def entries(self, lexicon: str) -> tuple[np.ndarray, np.ndarray]:
        """Per form: the lexicon entry it counts as (:func:`lookup_key`; None: none) and its polarity."""
        if lexicon not in LEXICONS:
            raise ValueError(f"unknown lexicon {lexicon!r}; known: {', '.join(LEXICONS)}")
        entry, prior = FORMS.entries(lexicon)
        return entry[self.ids], prior[self.ids]


def word_types(words: pd.DataFrame) -> WordTypes:
    """The distinct forms of ``words`` (a :func:`token_table`), for :func:`assess` and the classifier.

    ``lower`` is taken to be the lower case of ``token``, as :func:`token_table` makes it.
    """
    codes, forms = pd.factorize(words["token"].to_numpy(dtype=object))
    return WordTypes(codes, np.asarray(forms, dtype=object))


def assess(words: pd.DataFrame, *, lexicon: str = "german-polarity", types: WordTypes | None = None) -> pd.DataFrame:
    """Score a word-token table: one row per polar word with its rule-adjusted score.

    Parameters
    ----------
    words
        From :func:`token_table` (``row``, ``token_id``, ``token``, ``lower``, ``clause``).
    lexicon
        ``"german-polarity"`` (the lexicon textblob-de ships, the default) or
        ``"afinn-de"`` (:func:`afinn_lexicon`); the same lookup, negation and
        intensifier rules apply to both.
    types
        :func:`word_types` of ``words`` if already at hand (scoring one table with
        both lexicons looks each form up once).

    Returns
    -------
    pandas.DataFrame
        ``row``, ``token_id``, ``token``, ``entry`` (the lexicon form), ``prior``
        (the lexicon polarity), ``score`` (after negation and intensifiers),
        ``negated`` (the negator or ""), ``modifier`` (the intensifier or "").
    """
    if lexicon not in LEXICONS:
        raise ValueError(f"unknown lexicon {lexicon!r}; known: {', '.join(LEXICONS)}")
    types = word_types(words) if types is None else types
    codes = types.codes
    # Each distinct form is looked up once; the tokens take its values by their codes.
    uniq_entry, uniq_prior = types.entries(lexicon)
    is_neg = types.negator[codes]
    factor = types.factor[codes]
    is_int = ~np.isnan(factor)
    # Negators and intensifiers are rules, not polar words.
    polar = (~np.isnan(uniq_prior) & ~types.negator & np.isnan(types.factor))[codes]
    n = len(words)
    row = words["row"].to_numpy()
    clause = words["clause"].to_numpy()
    pos = words["token_id"].to_numpy()
    idx = np.arange(n)

    first, last_of = clause_bounds(row, clause)
    negated_by = np.full(n, -1, dtype=np.int64)
    modified_by = np.full(n, -1, dtype=np.int64)
    if n:
        # Forward scope: the last negator before a polar word, within the window.
        last_neg = fill_last(is_neg, first)
        ok = polar & (last_neg >= 0)
        ok &= (pos - np.where(last_neg >= 0, pos[np.maximum(last_neg, 0)], 0)) <= NEGATION_WINDOW
        ok &= last_neg != idx
        negated_by[ok] = last_neg[ok]
        # Backward scope: a negator with no polar word after it in its clause
        # negates the closest polar word before it in the clause.
        next_polar = fill_next(polar, last_of)
        prev_polar = fill_last(polar, first)
        lonely = is_neg & (next_polar < 0) & (prev_polar >= 0)
        targets = prev_polar[lonely]
        fresh = negated_by[targets] < 0
        negated_by[targets[fresh]] = idx[lonely][fresh]
        # Intensifiers: directly before the polar word or with one token between.
        last_int = fill_last(is_int, first)
        has = polar & (last_int >= 0)
        gap = pos - np.where(last_int >= 0, pos[np.maximum(last_int, 0)], 0)
        has &= (gap >= 1) & (gap <= 2)
        modified_by[has] = last_int[has]
    # Only the polar words are kept: build their columns alone.
    at = np.flatnonzero(polar)
    pcodes = codes[at]
    prior = uniq_prior[pcodes]
    neg_at = negated_by[at]
    mod_at = modified_by[at]
    mult = np.where(mod_at >= 0, factor[np.maximum(mod_at, 0)], 1.0)
    score = np.clip(prior * mult, -1.0, 1.0)
    score = np.where(neg_at >= 0, score * NEGATION_FACTOR, score)
    forms = types.forms
    tok = forms[pcodes]
    return pd.DataFrame(
        {
            "row": row[at],
            "token_id": pos[at],
            "token": tok,
            "entry": uniq_entry[pcodes],
            "prior": prior,
            "score": score,
            "negated": np.where(neg_at >= 0, forms[codes[np.maximum(neg_at, 0)]], "").astype(object) if len(at)
            else np.zeros(0, dtype=object),
            "modifier": np.where(mod_at >= 0, forms[codes[np.maximum(mod_at, 0)]], "").astype(object) if len(at)
            else np.zeros(0, dtype=object),
        }
    )


def join_by_row(rows: np.ndarray, strings, *, sep: str = " ") -> pd.Series:
    """Join ``strings`` per value of ``rows`` (which must be sorted): ``{row: "a b c"}``.

    The same as ``pd.Series(strings).groupby(rows).agg(sep.join)``, without a
    Python call per group (list slices between the row boundaries).
    """
    rows = np.asarray(rows)
    if len(rows) == 0:
        return pd.Series(dtype=object)
    values = list(strings)
    cut = np.flatnonzero(rows[1:] != rows[:-1]) + 1
    starts = np.concatenate([[0], cut])
    ends = np.concatenate([cut, [len(rows)]])
    joined = [sep.join(values[a:b]) for a, b in zip(starts.tolist(), ends.tolist())]
    return pd.Series(joined, index=rows[starts], dtype=object)


def evidence_strings(hits: pd.DataFrame) -> pd.Series:
    """One evidence string per row: ``"nicht→gut(-0.50); Erfolg(+1.00)"``."""
    if hits.empty:
        return pd.Series(dtype=object)
    label = hits["token"].astype(str)
    label = np.where(hits["modifier"] != "", hits["modifier"] + "→" + label, label)
    label = np.where(hits["negated"] != "", hits["negated"] + "→" + pd.Series(label, index=hits.index), label)
    text = pd.Series(label, index=hits.index) + hits["score"].map(lambda v: f"({v:+.2f})")
    return join_by_row(hits["row"].to_numpy(), text.tolist(), sep="; ")


def polarity(values: list[str], *, words: pd.DataFrame | None = None) -> tuple[np.ndarray, pd.Series, pd.DataFrame]:
    """Polarity of each text (mean of scored words), its evidence and the word hits.

    ``words``: the :func:`token_table` of ``values`` if it is already at hand.
    """
    words = token_table(values) if words is None else words
    hits = assess(words)
    n = len(values)
    pol = np.zeros(n)
    if len(hits):
        means = hits.groupby("row")["score"].mean()
        pol[means.index.to_numpy()] = means.to_numpy()
    ev = pd.Series("", index=np.arange(n), dtype=object)
    strings = evidence_strings(hits)
    ev.loc[strings.index] = strings.to_numpy()
    return np.clip(pol, -1.0, 1.0), ev, hits
