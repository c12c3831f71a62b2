"""A sentence classifier trained on GerNTSA: word n-grams plus two lexicons, logistic regression.

Features, all built on the project's shared token table:

* stemmed word unigrams and bigrams (Snowball German stemmer via PyStemmer,
  lower case), TF-IDF weighted (sublinear tf, smoothed idf, l2 norm); a word in
  the scope of a negator (at most three tokens after ``nicht``, ``kein``, ... in
  the same clause) gets the prefix ``NEG_``, so "nicht gut" and "gut" are
  different features;
* a ``LEX+`` / ``LEX-`` token after each polar word of the German Polarity
  Lexicon (the corrected lookup of :mod:`analysis.sentiment.lexicon`, after
  negation) and an ``AF+`` / ``AF-`` token after each word of AFINN-165 in
  German translation (:func:`analysis.sentiment.lexicon.afinn_lexicon`), so
  the model generalises over the lexicons' words, not only the words seen in
  training;
* eight dense lexicon features (per lexicon: positive and negative hit
  counts, sum of scores; the mean score of the first; log length), standardised.

A multinomial logistic regression with balanced class weights (neutral is
59 % of GerNTSA) maps the features to {negative, neutral, positive}. The
polarity reported is ``P(positive) - P(negative)``, in [-1, 1].

Features are built and scored with NumPy and pandas (no scikit-learn at
scoring time: vocabulary lookups are one ``Index.get_indexer`` per batch);
scikit-learn is used only to fit the regression. The trained model ships as
plain arrays (``gerntsa_lr.npz``: coefficients, intercepts, idf weights,
scaler) and JSON (vocabulary, classes, settings, attribution), never as a
pickle. Train it with ``python -m analysis.sentiment.train``.

References
----------
Goerke, C. et al. GerNTSA: German News Targeted Sentiment Analysis data set.
https://github.com/cgoer/GerNTSA (CC BY 4.0).

Nielsen, F. Å. (2011). A new ANEW: Evaluation of a word list for sentiment
analysis in microblogs. *Proceedings of the ESWC2011 Workshop on 'Making
Sense of Microposts'*, CEUR Workshop Proceedings 718, 93–98.

Pang, B., Lee, L., & Vaithyanathan, S. (2002). Thumbs up? Sentiment
classification using machine learning techniques. *EMNLP 2002*, 79–86.
(N-gram classifiers and negation marking.)

Porter, M. F. (2001). Snowball: A language for stemming algorithms.
https://snowballstem.org/
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .. import paths
from . import lexicon

#: Where the shipped model lives (``.json`` + ``.npz``).
MODEL_STEM = paths.PACKAGE_DATA / "sentiment" / "gerntsa_lr"
LABELS = ("negative", "neutral", "positive")
ATTRIBUTION = (
    "Trained on the development half of GerNTSA (Goerke et al., https://github.com/cgoer/GerNTSA), "
    "licensed CC BY 4.0; the model weights are a derived work under the same licence. Lexicon features: "
    "German Polarity Lexicon (Klenner et al. 2010, as shipped by textblob-de) and AFINN-165 in German "
    "translation (Nielsen 2011, ODbL 1.0)."
)
#: Version of the feature extraction; a model trained with another version is refused.
FEATURES_VERSION = 2
#: The dense lexicon features, in column order.
DENSE_FEATURES = ("lex_pos_count", "lex_neg_count", "lex_sum", "lex_mean", "log_length",
                  "afinn_pos_count", "afinn_neg_count", "afinn_sum")

DEFAULTS = {"C": 0.5, "ngram_range": [1, 2], "min_df": 2, "dense_weight": 1.0}


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer  # noqa: PLC0415 - PyStemmer: the Snowball algorithms in C

    return Stemmer.Stemmer("german")


_STEMS: dict[str, str] = {}


def _stems_of(forms) -> np.ndarray:
    """The Snowball stem of each (distinct, lower-case) form, remembered across calls."""
    new = [w for w in forms if w not in _STEMS]
    if new:
        _STEMS.update(zip(new, _stemmer().stemWords(new)))
    return np.array([_STEMS[w] for w in forms], dtype=object)


def _negation_scope(words: pd.DataFrame, types: "lexicon.WordTypes | None" = None) -> np.ndarray:
    """True for a word at most :data:`~lexicon.NEGATION_WINDOW` tokens after a negator in its clause."""
    if types is None:
        is_neg = words["lower"].isin(lexicon.rules()["negators"]).to_numpy()
    else:
        is_neg = types.negator[types.codes]
    first, _ = lexicon.clause_bounds(words["row"].to_numpy(), words["clause"].to_numpy())
    last = lexicon.fill_last(is_neg, first)
    pos = words["token_id"].to_numpy()
    has = (last >= 0) & ~is_neg
    last_i = np.where(has, last, 0)
    return has & ((pos - pos[last_i]) <= lexicon.NEGATION_WINDOW)


def _dense(n: int, hits: pd.DataFrame, *, mean: bool) -> np.ndarray:
    r = hits["row"].to_numpy(dtype=np.int64)
    s = hits["score"].to_numpy(dtype=float)
    cols = [np.bincount(r, weights=(s > 0).astype(float), minlength=n),
            np.bincount(r, weights=(s < 0).astype(float), minlength=n),
            np.bincount(r, weights=s, minlength=n)]
    if mean:
        cnt = np.bincount(r, minlength=n)
        cols.append(np.divide(cols[2], cnt, out=np.zeros(n), where=cnt > 0))
    return np.column_stack(cols) if n else np.zeros((0, len(cols)))


def _feature_parts(values: list[str], words: pd.DataFrame | None):
    """What :func:`feature_tokens` and :meth:`Model.predict` share: the word table, its
    distinct forms, both lexicons' hits, the negation scope and the dense features."""
    n = len(values)
    words = lexicon.token_table(values) if words is None else words
    types = lexicon.word_types(words)
    hits_gp = lexicon.assess(words, types=types)
    hits_af = lexicon.assess(words, lexicon="afinn-de", types=types)
    rows = words["row"].to_numpy(dtype=np.int64)
    in_scope = _negation_scope(words, types) if len(words) else np.zeros(0, dtype=bool)
    n_words = np.bincount(rows, minlength=n)
    dense = np.column_stack([_dense(n, hits_gp, mean=True), np.log1p(n_words), _dense(n, hits_af, mean=False)])
    return words, types, hits_gp, hits_af, in_scope, dense


def _in_text_order(words: pd.DataFrame, hits_gp: pd.DataFrame, hits_af: pd.DataFrame, parts_feat: list):
    """Rows and features of the words and the lexicon markers, each marker right after its word."""
    parts_rows = [words["row"].to_numpy(), hits_gp["row"].to_numpy(), hits_af["row"].to_numpy()]
    parts_key = [words["token_id"].to_numpy() * 3, hits_gp["token_id"].to_numpy() * 3 + 1,
                 hits_af["token_id"].to_numpy() * 3 + 2]
    all_rows = np.concatenate(parts_rows).astype(np.int64)
    all_key = np.concatenate(parts_key).astype(np.int64)
    order = np.lexsort((all_key, all_rows))
    return all_rows[order], np.concatenate(parts_feat)[order]


def feature_tokens(values: list[str], *, words: pd.DataFrame | None = None
                   ) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame]:
    """The feature tokens of every text in order, the dense lexicon features and the lexicon hits.

    ``words``: the :func:`analysis.sentiment.lexicon.token_table` of ``values``
    if it is already at hand (it is computed otherwise).

    Returns
    -------
    tokens
        ``row`` (position in ``values``) and ``feature`` (stem, ``NEG_`` stem,
        ``LEX±`` or ``AF±`` marker), in text order; markers follow their word.
    dense
        One row per text, the columns :data:`DENSE_FEATURES`.
    hits
        The German Polarity Lexicon hits of :func:`analysis.sentiment.lexicon.assess`
        and the AFINN hits, with a ``lexicon`` column.
    """
    words, types, hits_gp, hits_af, in_scope, dense = _feature_parts(values, words)
    stems = _stems_of(types.lower)[types.codes] if len(words) else np.zeros(0, dtype=object)
    feats = np.where(in_scope, "NEG_" + pd.Series(stems, dtype=object), pd.Series(stems, dtype=object))
    parts_feat = [feats.astype(object),
                  np.where(hits_gp["score"].to_numpy() > 0, "LEX+", "LEX-").astype(object),
                  np.where(hits_af["score"].to_numpy() > 0, "AF+", "AF-").astype(object)]
    rows, feats = _in_text_order(words, hits_gp, hits_af, parts_feat)
    toks = pd.DataFrame({"row": rows, "feature": feats})
    hits = pd.concat([hits_gp.assign(lexicon="german-polarity"), hits_af.assign(lexicon="afinn-de")],
                     ignore_index=True)
    return toks, dense, hits


def ngrams(tokens: pd.DataFrame, ngram_range=(1, 2)) -> pd.DataFrame:
    """Word n-grams within each text (``row``, ``term``): unigrams and bigrams joined by a space."""
    lo, hi = ngram_range
    if lo != 1 or hi not in (1, 2):
        raise ValueError(f"ngram_range={ngram_range!r}: only (1, 1) and (1, 2) are supported")
    rows = tokens["row"].to_numpy()
    feats = tokens["feature"].to_numpy(dtype=object)
    out = [pd.DataFrame({"row": rows, "term": feats})]
    if hi == 2 and len(rows) > 1:
        same = rows[1:] == rows[:-1]
        bigrams = feats[:-1][same] + " " + feats[1:][same]
        out.append(pd.DataFrame({"row": rows[1:][same], "term": bigrams}))
    return pd.concat(out, ignore_index=True)


def _counts(terms: pd.DataFrame, vocabulary: pd.Index, n: int) -> sp.csr_matrix:
    col = vocabulary.get_indexer(terms["term"])
    keep = col >= 0
    X = sp.coo_matrix((np.ones(int(keep.sum())), (terms["row"].to_numpy()[keep], col[keep])),
                      shape=(n, len(vocabulary))).tocsr()
    X.sum_duplicates()
    return X


def featurize(values: list[str]) -> tuple[list[str], np.ndarray, pd.DataFrame]:
    """Feature documents (space-separated feature tokens), dense lexicon features and lexicon hits.

    A readable view of :func:`feature_tokens`, e.g. to inspect what the model sees.
    """
    toks, dense, hits = feature_tokens(values)
    docs = [""] * len(values)
    for i, v in lexicon.join_by_row(toks["row"].to_numpy(), toks["feature"].tolist()).items():
        docs[int(i)] = v
    return docs, dense, hits


class Model:
    """The trained classifier: vocabulary, idf, scaler and logistic-regression weights."""

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray, coef: np.ndarray, intercept: np.ndarray,
                 scale_mean: np.ndarray, scale_std: np.ndarray, classes: list[str], settings: dict,
                 meta: dict | None = None) -> None:
        self.vocabulary = vocabulary
        self.idf = np.asarray(idf, dtype=float)
        self.coef = np.asarray(coef, dtype=float)
        self.intercept = np.asarray(intercept, dtype=float)
        self.scale_mean = np.asarray(scale_mean, dtype=float)
        self.scale_std = np.asarray(scale_std, dtype=float)
        self.classes = list(classes)
        self.settings = dict(settings)
        self.meta = dict(meta or {})
        if len(self.scale_mean) != len(DENSE_FEATURES):
            raise ValueError(f"this model has {len(self.scale_mean)} dense features, this version of the code "
                             f"builds {len(DENSE_FEATURES)} ({', '.join(DENSE_FEATURES)}): retrain it with "
                             "`python -m analysis.sentiment.train`")
        terms = np.empty(len(vocabulary), dtype=object)
        for term, i in vocabulary.items():
            terms[i] = term
        self._index = pd.Index(terms)
        self._features = np.concatenate([terms, np.asarray(DENSE_FEATURES, dtype=object)])
        self._ids = None
        self._form_ids = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))

    # -- features ---------------------------------------------------------
    def _feature_ids(self):
        """The vocabulary as numbers: an id per single feature, its column as a unigram, and the
        bigrams as sorted ``id_a * size + id_b`` keys with their columns (built once)."""
        if self._ids is None:
            ids: dict[str, int] = {}
            uni, bi_a, bi_b, bi_col = [], [], [], []
            for term, col in self.vocabulary.items():
                parts = term.split(" ")
                for part in parts:
                    if part not in ids:
                        ids[part] = len(ids)
                if len(parts) == 1:
                    uni.append((ids[term], col))
                else:
                    bi_a.append(ids[parts[0]])
                    bi_b.append(ids[parts[1]])
                    bi_col.append(col)
            size = max(len(ids), 1)
            unigram = np.full(size, -1, dtype=np.int64)
            for i, col in uni:
                unigram[i] = col
            keys = np.asarray(bi_a, dtype=np.int64) * size + np.asarray(bi_b, dtype=np.int64)
            order = np.argsort(keys, kind="stable")
            self._ids = (ids, unigram, keys[order], np.asarray(bi_col, dtype=np.int64)[order], size)
        return self._ids

    def _form_features(self, types: "lexicon.WordTypes") -> tuple[np.ndarray, np.ndarray]:
        """Per form of ``types``: the feature id of its stem and of ``NEG_`` + stem (-1: not in the
        vocabulary), kept per form number of :data:`lexicon.FORMS`, so each form is stemmed and
        looked up once per process."""
        table = lexicon.FORMS
        known = self._form_ids
        if len(known[0]) < len(table.forms):
            ids = self._feature_ids()[0]
            stems = _stems_of(table.lower[len(known[0]):])
            plain = np.fromiter((ids.get(t, -1) for t in stems), dtype=np.int64, count=len(stems))
            negated = np.fromiter((ids.get("NEG_" + t, -1) for t in stems), dtype=np.int64, count=len(stems))
            known = self._form_ids = (np.concatenate([known[0], plain]), np.concatenate([known[1], negated]))
        return known[0][types.ids], known[1][types.ids]

    def _counts_fast(self, values: list[str], words: pd.DataFrame | None):
        """Term counts (as :func:`_counts` of :func:`ngrams` of :func:`feature_tokens`) and dense
        features, with the features as numbers: no feature or bigram strings are built."""
        n = len(values)
        words, types, hits_gp, hits_af, in_scope, dense = _feature_parts(values, words)
        ids, unigram, bigram_keys, bigram_cols, size = self._feature_ids()
        plain, negated = self._form_features(types)
        codes = types.codes
        fid = np.where(in_scope, negated[codes], plain[codes]) if len(codes) else np.zeros(0, dtype=np.int64)
        marker = {m: ids.get(m, -1) for m in ("LEX+", "LEX-", "AF+", "AF-")}
        parts = [fid.astype(np.int64),
                 np.where(hits_gp["score"].to_numpy() > 0, marker["LEX+"], marker["LEX-"]).astype(np.int64),
                 np.where(hits_af["score"].to_numpy() > 0, marker["AF+"], marker["AF-"]).astype(np.int64)]
        rows, fids = _in_text_order(words, hits_gp, hits_af, parts)
        known = fids >= 0
        ucol = np.where(known, unigram[np.maximum(fids, 0)], -1)
        r_parts, c_parts = [rows[ucol >= 0]], [ucol[ucol >= 0]]
        hi = self.settings["ngram_range"][1]
        if hi == 2 and len(rows) > 1 and len(bigram_keys):
            pair = (rows[1:] == rows[:-1]) & known[1:] & known[:-1]
            key = fids[:-1][pair] * size + fids[1:][pair]
            at = np.minimum(np.searchsorted(bigram_keys, key), len(bigram_keys) - 1)
            hit = bigram_keys[at] == key
            r_parts.append(rows[1:][pair][hit])
            c_parts.append(bigram_cols[at[hit]])
        r = np.concatenate(r_parts)
        c = np.concatenate(c_parts)
        X = sp.coo_matrix((np.ones(len(r)), (r, c)), shape=(n, len(self.vocabulary))).tocsr()
        X.sum_duplicates()
        return X, dense

    @staticmethod
    def _tfidf(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
        X = counts.astype(float)
        X.data = 1.0 + np.log(X.data)  # sublinear tf
        X = X @ sp.diags(idf)
        norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return (sp.diags(1.0 / norms) @ X).tocsr()

    def _matrix(self, terms: pd.DataFrame | sp.csr_matrix, dense: np.ndarray, n: int) -> sp.csr_matrix:
        counts = terms if sp.issparse(terms) else _counts(terms, self._index, n)
        X = self._tfidf(counts, self.idf)
        Xd = sp.csr_matrix((dense - self.scale_mean) / self.scale_std * self.settings["dense_weight"])
        return sp.hstack([X, Xd]).tocsr()

    # -- training ---------------------------------------------------------
    @classmethod
    def fit(cls, texts: list[str], labels: list[str], **settings) -> "Model":
        """Train on ``texts`` with gold ``labels`` (see :data:`DEFAULTS` for the settings).

        The vocabulary keeps the n-grams found in at least ``min_df`` texts; idf is
        ``ln((1 + n) / (1 + df)) + 1`` (smoothed, as scikit-learn computes it).
        """
        from sklearn.linear_model import LogisticRegression  # noqa: PLC0415

        cfg = {**DEFAULTS, **settings}
        texts = list(texts)
        n = len(texts)
        toks, dense, _ = feature_tokens(texts)
        terms = ngrams(toks, tuple(cfg["ngram_range"]))
        df = terms.drop_duplicates(["row", "term"])["term"].value_counts()
        kept = np.sort(df[df >= cfg["min_df"]].index.to_numpy(dtype=object).astype(str)).astype(object)
        vocab = {str(t): i for i, t in enumerate(kept)}
        idf = np.log((1.0 + n) / (1.0 + df.reindex(kept).to_numpy(dtype=float))) + 1.0
        mean = dense.mean(axis=0)
        std = dense.std(axis=0)
        std[std == 0] = 1.0
        X = cls._tfidf(_counts(terms, pd.Index(kept), n), idf)
        Xd = sp.csr_matrix((dense - mean) / std * cfg["dense_weight"])
        clf = LogisticRegression(C=cfg["C"], class_weight="balanced", max_iter=5000)
        clf.fit(sp.hstack([X, Xd]).tocsr(), np.asarray(labels))
        cfg["features_version"] = FEATURES_VERSION
        return cls(vocab, idf, clf.coef_, clf.intercept_, mean, std, [str(c) for c in clf.classes_], cfg)

    # -- scoring ----------------------------------------------------------
    def predict(self, texts: list[str], *, evidence: bool = True, top: int = 4,
                words: pd.DataFrame | None = None) -> pd.DataFrame:
        """Class probabilities, label, polarity and the features that pushed the decision most.

        Returns a table with one row per text: ``p_negative``, ``p_neutral``,
        ``p_positive``, ``label``, ``polarity`` and ``evidence`` (the ``top``
        features by their contribution to the predicted class relative to the
        mean of the three class scores). ``words``: the token table of the
        texts if already at hand (:func:`analysis.sentiment.lexicon.token_table`).
        """
        texts = list(texts)
        counts, dense = self._counts_fast(texts, words)
        X = self._matrix(counts, dense, len(texts))
        logits = np.asarray(X @ self.coef.T) + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        prob = np.exp(logits)
        prob /= prob.sum(axis=1, keepdims=True)
        k = {c: i for i, c in enumerate(self.classes)}
        best = prob.argmax(axis=1)
        out = pd.DataFrame({f"p_{c}": prob[:, k[c]] for c in LABELS})
        out["label"] = np.asarray(self.classes, dtype=object)[best]
        out["polarity"] = np.clip(prob[:, k["positive"]] - prob[:, k["negative"]], -1.0, 1.0)
        if evidence:
            out["evidence"] = self._evidence(X, best, top)
        return out

    def _evidence(self, X: sp.csr_matrix, best: np.ndarray, top: int) -> list[str]:
        # Contribution of feature j to class c, relative to the mean class: x_j * (w_cj - mean_c w_j).
        centred = self.coef - self.coef.mean(axis=0, keepdims=True)
        if not X.has_sorted_indices:
            X = X.sorted_indices()
        coo = X.tocoo()  # by row, then by column
        contrib = coo.data * centred[best[coo.row], coo.col]
        keep = contrib > 0
        rows, cols, contrib, values = coo.row[keep], coo.col[keep], contrib[keep], coo.data[keep]
        # per row: largest contribution first, ties by column (= np.lexsort((cols, -contrib, rows)):
        # two stable sorts of entries already in (row, column) order); then the first `top` of each row
        order = np.argsort(-contrib, kind="stable")
        order = order[np.argsort(rows[order], kind="stable")]
        rows, cols, contrib, values = rows[order], cols[order], contrib[order], values[order]
        if len(rows):
            new_row = np.r_[True, rows[1:] != rows[:-1]]
            first = np.flatnonzero(new_row)
            rank = np.arange(len(rows)) - first[np.cumsum(new_row) - 1]
            head = rank < top
            rows, cols, contrib, values = rows[head], cols[head], contrib[head], values[head]
        names = self._features[cols].astype(object)
        # dense lexicon features: show their raw value ("lex_neg_count=0"), not only the name
        n_vocab = len(self.vocabulary)
        dense = cols >= n_vocab
        if dense.any():
            j = cols[dense] - n_vocab
            raw = values[dense] / self.settings["dense_weight"] * self.scale_std[j] + self.scale_mean[j]
            names[dense] = [f"{n}={v:.3g}" for n, v in zip(names[dense], raw.tolist())]
        text = ["%s(%+.2f)" % item for item in zip(names.tolist(), contrib.tolist())]
        joined = lexicon.join_by_row(rows, text, sep="; ")
        out = [""] * X.shape[0]
        for i, v in zip(joined.index.tolist(), joined.tolist()):
            out[i] = v
        return out

    # -- storage ----------------------------------------------------------
    def save(self, stem: str | Path = MODEL_STEM, *, meta: dict | None = None) -> tuple[Path, Path]:
        """Write ``<stem>.json`` and ``<stem>.npz`` (no pickle)."""
        stem = Path(stem)
        stem.parent.mkdir(parents=True, exist_ok=True)
        info = {
            "model": "multinomial logistic regression (scikit-learn), balanced class weights",
            "attribution": ATTRIBUTION,
            "licence": "CC BY 4.0",
            "classes": self.classes,
            "settings": self.settings,
            "dense_features": list(DENSE_FEATURES),
            **(meta or self.meta),
            "vocabulary": sorted(self.vocabulary, key=self.vocabulary.get),
        }
        json_path = stem.with_suffix(".json")
        npz_path = stem.with_suffix(".npz")
        json_path.write_text(json.dumps(info, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
        np.savez_compressed(npz_path, coef=self.coef, intercept=self.intercept, idf=self.idf,
                            scale_mean=self.scale_mean, scale_std=self.scale_std)
        return json_path, npz_path

    @classmethod
    def load(cls, stem: str | Path = MODEL_STEM) -> "Model":
        """Read a model written by :meth:`save`."""
        stem = Path(stem)
        json_path = stem.with_suffix(".json")
        if not json_path.exists():
            raise FileNotFoundError(f"no sentiment model at {json_path}; train one with "
                                    "`python -m analysis.sentiment.train`")
        info = json.loads(json_path.read_text(encoding="utf-8"))
        with np.load(stem.with_suffix(".npz"), allow_pickle=False) as arrays:
            data = {k: arrays[k] for k in arrays.files}
        vocab = {term: i for i, term in enumerate(info.pop("vocabulary"))}
        return cls(vocab, data["idf"], data["coef"], data["intercept"], data["scale_mean"], data["scale_std"],
                   info["classes"], info["settings"], meta=info)


@lru_cache(maxsize=1)
def shipped() -> Model:
    """The model shipped in :data:`MODEL_STEM`."""
    return Model.load(MODEL_STEM)
