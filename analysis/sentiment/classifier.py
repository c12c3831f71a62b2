"""A sentence classifier trained on GerNTSA: word n-grams plus lexicon features, logistic regression.

Features, all built on the project's shared token table:

* stemmed word unigrams and bigrams (Snowball German stemmer, lower case),
  TF-IDF weighted (sublinear tf, l2 norm); a word in the scope of a negator
  (at most three tokens after ``nicht``, ``kein``, ... in the same clause) gets
  the prefix ``NEG_``, so "nicht gut" and "gut" are different features;
* a ``LEX+`` / ``LEX-`` token per polar word found by the corrected lexicon
  (:mod:`analysis.sentiment.lexicon`, after negation), so the n-gram model can
  generalise over the lexicon's 7,000 words, not only the words seen in training;
* five dense lexicon features (positive and negative hit counts, sum and mean
  of the scores, log length), standardised.

A multinomial logistic regression with balanced class weights (neutral is
59 % of GerNTSA) maps the features to {negative, neutral, positive}. The
polarity reported is ``P(positive) - P(negative)``, in [-1, 1].

The trained model ships as plain arrays (``gerntsa_lr.npz``: coefficients,
intercepts, idf weights, scaler) and JSON (vocabulary, classes, settings,
attribution), never as a pickle; :meth:`Model.load` rebuilds it without
scikit-learn's training code. Train it with ``python -m analysis.sentiment.train``.

References
----------
Goerke, C. et al. GerNTSA: German News Targeted Sentiment Analysis data set.
https://github.com/cgoer/GerNTSA (CC BY 4.0).

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
    "licensed CC BY 4.0; the model weights are a derived work under the same licence."
)

DEFAULTS = {"C": 1.0, "ngram_range": [1, 2], "min_df": 2, "dense_weight": 1.0}


@lru_cache(maxsize=1)
def _stemmer():
    from nltk.stem.snowball import SnowballStemmer  # noqa: PLC0415 - no NLTK data needed

    return SnowballStemmer("german")


_STEMS: dict[str, str] = {}


def _stem_all(lowers: np.ndarray) -> np.ndarray:
    stem = _stemmer().stem
    uniq = pd.unique(lowers)
    for w in uniq:
        if w not in _STEMS:
            _STEMS[w] = stem(w)
    return pd.Series(lowers).map(_STEMS).to_numpy(dtype=object)


def featurize(values: list[str]) -> tuple[list[str], np.ndarray, pd.DataFrame]:
    """Feature documents (space-separated feature tokens), dense lexicon features and lexicon hits."""
    words = lexicon.token_table(values)
    n = len(values)
    hits = lexicon.assess(words)
    if len(words):
        stems = _stem_all(words["lower"].to_numpy(dtype=object))
        negators = lexicon.rules()["negators"]
        is_neg = words["lower"].isin(negators).to_numpy()
        idx = np.arange(len(words))
        last = pd.Series(np.where(is_neg, idx, np.nan)).groupby(
            [words["row"].to_numpy(), words["clause"].to_numpy()]).ffill().to_numpy()
        pos = words["token_id"].to_numpy()
        has = ~np.isnan(last) & ~is_neg
        last_i = np.where(has, last, 0).astype(np.int64)
        in_scope = has & ((pos - pos[last_i]) <= lexicon.NEGATION_WINDOW)
        feats = np.where(in_scope, "NEG_" + pd.Series(stems).astype(str), pd.Series(stems).astype(str))
        tok_feats = pd.Series(feats, dtype=object)
        rows = words["row"].to_numpy()
        if len(hits):
            lex_tok = pd.Series(np.where(hits["score"].to_numpy() > 0, "LEX+", "LEX-"), dtype=object)
            # put each lexicon marker right after its word so bigrams see "LEX+" next to neighbours
            order_key = np.concatenate([words["token_id"].to_numpy() * 2, hits["token_id"].to_numpy() * 2 + 1])
            all_rows = np.concatenate([rows, hits["row"].to_numpy()])
            all_feats = pd.concat([tok_feats, lex_tok], ignore_index=True)
            order = np.lexsort((order_key, all_rows))
            rows_sorted, feats_sorted = all_rows[order], all_feats.to_numpy()[order]
        else:
            rows_sorted, feats_sorted = rows, tok_feats.to_numpy()
        joined = lexicon.join_by_row(rows_sorted, feats_sorted)
        docs = pd.Series("", index=np.arange(n), dtype=object)
        docs.loc[joined.index] = joined.to_numpy()
        n_words = np.bincount(rows, minlength=n)
    else:
        docs = pd.Series("", index=np.arange(n), dtype=object)
        n_words = np.zeros(n, dtype=np.int64)
    dense = np.zeros((n, 5))
    if len(hits):
        r = hits["row"].to_numpy()
        s = hits["score"].to_numpy()
        dense[:, 0] = np.bincount(r, weights=(s > 0).astype(float), minlength=n)
        dense[:, 1] = np.bincount(r, weights=(s < 0).astype(float), minlength=n)
        dense[:, 2] = np.bincount(r, weights=s, minlength=n)
        cnt = np.bincount(r, minlength=n)
        dense[:, 3] = np.divide(dense[:, 2], cnt, out=np.zeros(n), where=cnt > 0)
    dense[:, 4] = np.log1p(n_words)
    return docs.tolist(), dense, hits


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
        self._features = np.empty(len(vocabulary) + len(self.scale_mean), dtype=object)
        for term, i in vocabulary.items():
            self._features[i] = term
        for j in range(len(self.scale_mean)):
            self._features[len(vocabulary) + j] = ["lex_pos_count", "lex_neg_count", "lex_sum", "lex_mean",
                                                   "log_length"][j]

    # -- training ---------------------------------------------------------
    @classmethod
    def fit(cls, texts: list[str], labels: list[str], **settings) -> "Model":
        """Train on ``texts`` with gold ``labels`` (see :data:`DEFAULTS` for the settings)."""
        from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415
        from sklearn.linear_model import LogisticRegression  # noqa: PLC0415

        cfg = {**DEFAULTS, **settings}
        docs, dense, _ = featurize(list(texts))
        vec = TfidfVectorizer(token_pattern=r"\S+", lowercase=False, ngram_range=tuple(cfg["ngram_range"]),
                              min_df=cfg["min_df"], sublinear_tf=True)
        X = vec.fit_transform(docs)
        mean = dense.mean(axis=0)
        std = dense.std(axis=0)
        std[std == 0] = 1.0
        Xd = sp.csr_matrix((dense - mean) / std * cfg["dense_weight"])
        clf = LogisticRegression(C=cfg["C"], class_weight="balanced", max_iter=5000)
        clf.fit(sp.hstack([X, Xd]).tocsr(), np.asarray(labels))
        vocab = {str(k): int(v) for k, v in vec.vocabulary_.items()}
        return cls(vocab, vec.idf_, clf.coef_, clf.intercept_, mean, std, [str(c) for c in clf.classes_], cfg)

    # -- scoring ----------------------------------------------------------
    def _matrix(self, docs: list[str], dense: np.ndarray) -> sp.csr_matrix:
        from sklearn.feature_extraction.text import CountVectorizer  # noqa: PLC0415

        cv = CountVectorizer(token_pattern=r"\S+", lowercase=False, vocabulary=self.vocabulary,
                             ngram_range=tuple(self.settings["ngram_range"]))
        X = cv.transform(docs).astype(float).tocsr()
        X.data = 1.0 + np.log(X.data)  # sublinear tf
        X = X @ sp.diags(self.idf)
        norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        X = sp.diags(1.0 / norms) @ X
        Xd = sp.csr_matrix((dense - self.scale_mean) / self.scale_std * self.settings["dense_weight"])
        return sp.hstack([X, Xd]).tocsr()

    def predict(self, texts: list[str], *, evidence: bool = True, top: int = 4) -> pd.DataFrame:
        """Class probabilities, label, polarity and the features that pushed the decision most.

        Returns a table with one row per text: ``p_negative``, ``p_neutral``,
        ``p_positive``, ``label``, ``polarity`` and ``evidence`` (the ``top``
        features by their contribution to the predicted class relative to the
        mean of the three class scores).
        """
        docs, dense, _ = featurize(list(texts))
        X = self._matrix(docs, dense)
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
        coo = X.tocoo()
        contrib = coo.data * centred[best[coo.row], coo.col]
        frame = pd.DataFrame({"row": coo.row, "col": coo.col, "contrib": contrib})
        frame = frame[frame["contrib"] > 0]
        frame = frame.sort_values(["row", "contrib", "col"], ascending=[True, False, True], kind="mergesort")
        frame = frame.groupby("row", sort=False).head(top)
        cols = frame["col"].to_numpy()
        names = self._features[cols].astype(object)
        # dense lexicon features: show their raw value ("lex_neg_count=0"), not only the name
        n_vocab = len(self.vocabulary)
        dense = cols >= n_vocab
        if dense.any():
            j = cols[dense] - n_vocab
            xs = np.asarray(X[frame["row"].to_numpy()[dense], cols[dense]]).ravel()
            raw = xs / self.settings["dense_weight"] * self.scale_std[j] + self.scale_mean[j]
            names[dense] = [f"{n}={v:.3g}" for n, v in zip(names[dense], raw)]
        text = [f"{n}({c:+.2f})" for n, c in zip(names, frame["contrib"].to_numpy())]
        joined = lexicon.join_by_row(frame["row"].to_numpy(), text, sep="; ")
        out = [""] * X.shape[0]
        for i, v in joined.items():
            out[int(i)] = v
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
            "dense_features": ["lex_pos_count", "lex_neg_count", "lex_sum", "lex_mean", "log_length"],
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
