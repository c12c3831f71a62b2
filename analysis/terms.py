"""Terms: lemmas, stopwords, compounds, term frequencies, TF-IDF and keyword-in-context.

Everything here works on the shared tokens table (:func:`analysis.tokens.tokenize`);
articles or sentences are tokenised on the way in. Work that needs Python per
word (lemmatising, splitting compounds) runs once per *distinct* word form and
is cached for the session, then mapped back onto the token rows with NumPy
indexing, so a corpus of a million tokens with 60,000 distinct forms costs
60,000 lemmatiser calls, not a million, and a second call costs almost nothing.

Lemmas come from the Hanover Tagger (HanTa), an offline morphological analyser
for German, used per word form (without sentence context). It was chosen over
textblob-de's pattern lemmatiser after measuring both on hand-lemmatised word
forms from the seed articles (see the project README): textblob-de leaves many
plural nouns unchanged (``Smartphones``, ``Firmen``, ``Partnerschaften``).
HanTa takes 1-2 ms per form, so its answers for about 910,000 common forms
(wordfreq's 430,000 most frequent German words and their ß spellings, lower case
and capitalised) ship precomputed in ``analysis/data/terms/lemma_table.parquet``
(:data:`LEMMA_TABLE`): a form found there gets exactly the answer HanTa and the
rules here would give (tested), and only the other forms go to HanTa.

References
----------
Wartena, C. (2019). A probabilistic morphology model for German lemmatization.
*Proceedings of the 15th Conference on Natural Language Processing (KONVENS 2019)*, 40–49.

Salton, G., & Buckley, C. (1988). Term-weighting approaches in automatic text
retrieval. *Information Processing & Management*, 24(5), 513–523.
"""
from __future__ import annotations

import bisect
import contextlib
import fnmatch
import functools
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from . import paths

__all__ = [
    "STOPWORDS_FILE",
    "UNITS",
    "as_tokens",
    "stopwords",
    "lemmatize",
    "prepare_lemmas",
    "BackgroundLemmas",
    "compound_parts",
    "annotate",
    "frequencies",
    "tfidf",
    "kwic",
    "cache_dir",
]

#: The editable stopword list shipped with the package (one word per line, ``#`` comments).
STOPWORDS_FILE = paths.PACKAGE_DATA / "terms" / "stopwords_de.txt"

#: What a "term" is: the lemma, the lower-cased word form, or the surface form as written.
UNITS = ("lemma", "lower", "token")

_NON_WORD_CHOICES = ("drop", "keep", "mask")
_COUNTED_KINDS = ("word", "number", "url")  # running words: the denominator of relative frequencies
_MASKS = {"number": "<Zahl>", "url": "<URL>"}

# ---------------------------------------------------------------------------------------------
# input handling


def _require(data: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise KeyError(f"{what}: missing column(s) {missing}; available: {list(data.columns)}")


def as_tokens(data: pd.DataFrame, *, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """The tokens table for ``data``: tokens as they are, sentences or articles tokenised.

    Parameters
    ----------
    data
        A tokens table (has ``token`` and ``kind``), a sentences table (has
        ``sentence_id`` and ``text``) or an articles table (has ``text``).
    by
        Grouping column(s) the caller needs. A column that articles have but
        tokens do not (e.g. ``date``) is carried over from the articles by ``doc_id``.

    Returns
    -------
    pandas.DataFrame
        The shared tokens table (:data:`analysis.tokens.TOKEN_COLUMNS` plus any carried-over columns).
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame (tokens, sentences or articles), got {type(data).__name__}")
    if {"token", "kind"} <= set(data.columns):
        toks = data
    elif "text" in data.columns:
        from . import corpus, tokens

        sentences = data if "sentence_id" in data.columns else corpus.sentences(data)
        toks = tokens.tokenize(sentences)
        wanted = [b for b in _as_list(by) if b not in toks.columns and b in data.columns]
        if wanted and "doc_id" in data.columns and "sentence_id" not in data.columns:
            meta = data[["doc_id", *wanted]].drop_duplicates("doc_id")
            toks = toks.merge(meta, on="doc_id", how="left")
    else:
        raise KeyError(
            "expected a tokens table (columns token, kind), sentences or articles (column text); "
            f"available: {list(data.columns)}"
        )
    if by is not None:
        _require(toks, _as_list(by), "by=")
    return toks


def _as_list(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)


# ---------------------------------------------------------------------------------------------
# stopwords


def stopwords(source: str | Path | Iterable[str] | None = None, *, extra: Iterable[str] = (), keep: Iterable[str] = ()) -> frozenset[str]:
    """The stopword set: the shipped list, a file of your own, or any iterable of words.

    Parameters
    ----------
    source
        ``None`` for :data:`STOPWORDS_FILE`; a path to a text file (one word per
        line, ``#`` starts a comment); or an iterable of words.
    extra
        Words to add (e.g. outlet names).
    keep
        Words to take out of the list (e.g. ``"nicht"`` when negation matters).

    Returns
    -------
    frozenset of str
        Lower-cased words.
    """
    if source is None or isinstance(source, (str, Path)):
        path = Path(source) if source is not None else STOPWORDS_FILE
        if not path.exists():
            raise FileNotFoundError(f"stopword file {path} does not exist; pass a path to a text file with one word per line")
        words = [line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()]
    else:
        words = [str(w) for w in source]
    result = {w.lower() for w in words if w} | {str(w).lower() for w in extra}
    return frozenset(result - {str(w).lower() for w in keep})


@functools.lru_cache(maxsize=1)
def _default_stopwords() -> frozenset[str]:
    return stopwords()


def _resolve_stopwords(value) -> frozenset[str]:
    if value is True:
        return stopwords()
    if value is False or value is None:
        return frozenset()
    if isinstance(value, (str, Path)):
        return stopwords(value)
    return frozenset(str(w).lower() for w in value)


# ---------------------------------------------------------------------------------------------
# lemmas and compounds (per distinct form, cached)

_TAGGER = None
_LEMMAS: dict[str, tuple[str, str]] = {}
_FROM_TABLE: set[str] = set()  # forms whose lemma came from the shipped table (not written to the disk cache)
_TABLE: dict | None = None  # the loaded lemma table (see _lemma_table)
_PARTS: dict[str, tuple[str, ...]] = {}
_FREQ: dict[str, float] | None = None
_LOADED: set[str] = set()
_PREPARED = False  # prepare_lemmas() has loaded the models
_UNSAVED: set[str] = set()  # forms analysed by a BackgroundLemmas process, not yet in the disk cache

#: Version of the rules around HanTa in this module; part of the cache file names, so a
#: change of rules never reuses lemmas made by older ones.
RULES_VERSION = "4"
#: Lemmatise in worker processes (both cores) when at least this many new forms are waiting.
PARALLEL_MIN = 4000
#: The shipped table of precomputed lemmas (``None`` turns it off). Built by
#: ``analysis/data/terms/build_lemma_table.py`` by running :func:`_lemma_one` itself on
#: wordfreq's German words (lower case and capitalised), so a form found in it gets
#: exactly the answer HanTa + rules would give; other forms go to HanTa. It is used
#: only when the HanTa and wordfreq versions and :data:`RULES_VERSION` it was built
#: with are the installed ones. ``MEDIA_ANALYSIS_LEMMA_TABLE=off`` in the environment
#: turns it off (the results stay the same; only HanTa does all the work).
LEMMA_TABLE: Path | None = (
    None
    if os.environ.get("MEDIA_ANALYSIS_LEMMA_TABLE", "").strip().lower() in ("off", "0", "no")
    else paths.PACKAGE_DATA / "terms" / "lemma_table.parquet"
)


def cache_dir() -> Path | None:
    """Where lemmas and compound splits are kept between sessions.

    ``$MEDIA_ANALYSIS_CACHE`` if set (``"off"`` disables the disk cache), else the
    user cache directory (``$XDG_CACHE_HOME``, default ``~/.cache``) +
    ``media-coverage-analysis``. Entries depend only on the word form, the HanTa
    version and :data:`RULES_VERSION`, so the cache never changes a result, only
    how long a first run takes.
    """
    import os

    env = os.environ.get("MEDIA_ANALYSIS_CACHE")
    if env is not None:
        return None if env.strip().lower() in ("off", "0", "no", "") else Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("media-coverage-analysis"))


def _cache_file(kind: str) -> Path | None:
    d = cache_dir()
    if d is None:
        return None
    return d / f"terms-{kind}-hanta{_installed('HanTa')}-rules{RULES_VERSION}.parquet"


# The disk cache is read lazily: a call looks up only the forms (or compound keys) it needs
# and does not find in the session, in the file's table as read once per version of the file
# (:data:`_DISK`, keyed by path, size, modification time and inode, so a file rewritten by
# another process is read again). Reading the whole file into a dictionary on the first
# call cost 50-80 ms for a cache of 20,000 forms, more than a notebook on two articles
# spends lemmatising. Before this process writes the file, the entries it has not read yet
# are merged in (:func:`_save_cache`), so nothing on disk is lost. The entries depend only on
# the form, the HanTa version and RULES_VERSION (in the file name): where they come from
# never changes a result.
_KEY_COLUMNS = {"lemmas": ("word", "lemma", "pos"), "compounds": ("key", "parts")}
_DISK: dict[str, tuple[tuple, object]] = {}  # kind -> (file signature, its pyarrow table or None)


def _file_signature(path: Path) -> tuple | None:
    """What identifies one version of a file: path, size, modification time (ns) and inode."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (str(path), st.st_size, st.st_mtime_ns, st.st_ino)


def _disk_table(kind: str):
    """The disk cache of ``kind`` as a pyarrow table (read once per version of the file), or ``None``."""
    path = _cache_file(kind)
    signature = None if path is None else _file_signature(path)
    if signature is None:
        _DISK.pop(kind, None)
        return None
    memo = _DISK.get(kind)
    if memo is not None and memo[0] == signature:
        return memo[1]
    try:
        import pyarrow.parquet as pq

        # ParquetFile, not read_table / pd.read_parquet: no pyarrow.dataset import, no pandas conversion;
        # one thread: less CPU in all than a thread pool for a file this small
        table = pq.ParquetFile(path).read(columns=list(_KEY_COLUMNS[kind]), use_threads=False)
    except Exception:  # a damaged cache file is ignored and rewritten
        table = None
    _DISK[kind] = (signature, table)
    return table


def _put_rows(kind: str, store: dict, table) -> None:
    """Add the entries of a disk-cache table to ``store``."""
    if kind == "lemmas":
        store.update(zip(table.column("word").to_pylist(),
                         zip(table.column("lemma").to_pylist(), table.column("pos").to_pylist())))
    else:
        store.update(zip(table.column("key").to_pylist(), (tuple(p) for p in table.column("parts").to_pylist())))


def _lookup_cache(kind: str, store: dict, keys: Iterable[str]) -> None:
    """Put the disk cache's entries for ``keys`` that ``store`` lacks into ``store``."""
    if kind in _LOADED:  # the whole file is in the store already
        return
    wanted = [k for k in dict.fromkeys(keys) if k not in store]
    if not wanted:
        return
    table = _disk_table(kind)
    if table is None:
        return
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        table = table.filter(pc.is_in(table.column(_KEY_COLUMNS[kind][0]), value_set=pa.array(wanted, type=pa.string())))
    except (UnicodeError, pa.ArrowException):  # e.g. a lone surrogate: take every entry
        pass
    _put_rows(kind, store, table)


def _load_cache(kind: str, store: dict) -> None:
    """Merge the whole disk cache into ``store`` (once): entries of the session come after the
    file's, as when the file was read first; an entry in both has the same value."""
    if kind in _LOADED:
        return
    _LOADED.add(kind)
    table = _disk_table(kind)
    if table is None:
        return
    session = list(store.items())
    store.clear()
    _put_rows(kind, store, table)
    store.update(session)


def _save_cache(kind: str, store: dict) -> None:
    path = _cache_file(kind)
    if path is None:
        return
    _load_cache(kind, store)  # keep what is on disk and not read yet
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "lemmas":
            rows = [(w, l, p) for w, (l, p) in store.items() if w not in _FROM_TABLE]
            frame = pd.DataFrame(rows, columns=["word", "lemma", "pos"])
        else:
            frame = pd.DataFrame({"key": list(store), "parts": [list(v) for v in store.values()]})
        tmp = path.with_suffix(f".tmp{id(store)}")
        frame.to_parquet(tmp, index=False)
        tmp.replace(path)
    except OSError:  # read-only home: keep going with the in-memory cache
        pass
    finally:
        _DISK.pop(kind, None)  # this process changed the file (or tried to): read it again if asked


def _run_many(func, items: list, chunk: int = 2000) -> list:
    """Apply ``func`` (a module-level function of a list) to chunks, on both cores when worth it."""
    if len(items) < PARALLEL_MIN:
        return func(items)
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    workers = max(1, min(os.cpu_count() or 1, 4))
    if workers == 1:
        return func(items)
    chunks = [items[i : i + chunk] for i in range(0, len(items), chunk)]
    _fast_tagger(), _freq("")  # load once here; forked workers share them
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return [x for part in pool.map(func, chunks) for x in part]
    except (OSError, RuntimeError, ValueError):  # no fork or no processes allowed: do it here
        return func(items)


class BackgroundLemmas:
    """HanTa on new word forms in one low-priority process, while this one does other work.

    The pipeline's client hands it the forms no table knows as the chunks' counts
    arrive (:meth:`submit`); a separate process analyses them at the lowest CPU
    priority (``nice`` 19), so it runs when a core would otherwise be idle and
    hardly slows the workers. :meth:`collect` stores the answers in this
    process's lemmas, exactly what :func:`lemmatize` would have computed (the same
    :func:`_lemma_one`); whatever is not done by :meth:`close` is simply analysed
    later by :func:`lemmatize`. Forms go in batches of ``batch`` so that little is
    lost when the rest is dropped.
    """

    def __init__(self, *, batch: int = 200) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # a fresh interpreter (from the fork server where there is one), not a fork of this
        # process, which runs threads (Dask's client)
        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context(method),
                                         initializer=_lowest_priority)
        self._batch = int(batch)
        self._pending: list = []  # (forms, future)
        self.done = 0  # forms analysed in the background and collected

    def submit(self, forms: Sequence[str]) -> None:
        """Queue ``forms`` (not yet known) for analysis."""
        forms = list(forms)
        for i in range(0, len(forms), self._batch):
            part = forms[i : i + self._batch]
            self._pending.append((part, self._pool.submit(_lemma_many, part)))

    def collect(self) -> int:
        """Store the answers of the finished batches; returns how many forms they held."""
        n, still = 0, []
        for part, future in self._pending:
            if not future.done():
                still.append((part, future))
            elif not future.cancelled() and future.exception() is None:
                _LEMMAS.update(zip(part, future.result()))
                _UNSAVED.update(part)
                n += len(part)
        self._pending = still
        self.done += n
        return n

    def close(self) -> int:
        """Collect what is finished, drop the rest and let the process go; returns the forms collected."""
        for _, future in self._pending:
            future.cancel()
        n = self.collect()
        self._pending = []
        self._pool.shutdown(wait=False, cancel_futures=True)  # a batch under way finishes on its own
        return n


def _lowest_priority() -> None:
    with contextlib.suppress(AttributeError, OSError):  # os.nice: POSIX only
        os.nice(19)


def _lemma_many(words: list[str]) -> list[tuple[str, str]]:
    _fast_tagger()
    return [_lemma_one(w) for w in words]


def _parts_many(items: list[tuple[str, str]]) -> list[tuple[str, ...]]:
    return [_parts_one(lemma, tag) for lemma, tag in items]


def _fast_tagger() -> "FastHanoverTagger":
    """Put :class:`analysis.hanta.FastHanoverTagger` in :data:`_TAGGER` (same answers, faster on new forms).

    :func:`_tagger` itself stays as it is: its source is part of the shipped lemma
    table's rules digest (:func:`_rules_digest`). The wrapper shares the loaded model
    and gives HanTa's answers bit for bit, so which of the two :func:`_tagger`
    returns never changes a result. Called by :func:`_lemma_many` and, before
    forking, by :func:`_run_many`, so workers inherit the wrapper.
    """
    global _TAGGER
    from .hanta import FastHanoverTagger

    tagger = _tagger()
    if not isinstance(tagger, FastHanoverTagger):
        _TAGGER = FastHanoverTagger(tagger)
    return _TAGGER


def _tagger():
    global _TAGGER
    if _TAGGER is None:
        from HanTa import HanoverTagger

        _TAGGER = HanoverTagger.HanoverTagger("morphmodel_ger.pgz")
    return _TAGGER


_ORDINAL_STEMS = frozenset("erst zweit dritt viert fünft sechst siebt neunt zehnt letzt".split())


def _lemma_one(word: str) -> tuple[str, str]:
    """Lemma and STTS tag of one word form, without context."""
    if not word or not any(ch.isalpha() for ch in word) or any(ch.isdigit() for ch in word):
        return word, "XY"
    if "-" in word:
        head, _, last = word.rpartition("-")
        if not last or not any(ch.isalpha() for ch in last):
            return word, "XY"
        lemma, pos = _lemma_one(last)
        if last[0].isupper() and lemma:
            lemma = lemma[0].upper() + lemma[1:]
        return f"{head}-{lemma}", pos
    if len(word) > 1 and word.isupper():  # acronyms: CEO, AG, US
        return word, "NE"
    known = _LEMMAS.get(word)  # the last part of a hyphenated form may be known already
    if known is not None:
        return known
    tagger = _tagger()
    lemma, pos = tagger.analyze(word)
    if not lemma or pos == "FM":  # foreign words keep their spelling
        return word, pos
    if word[0].islower() and pos.startswith(("NN", "NE")):
        # without context HanTa may read a lower-case verb as a noun ("punkten" -> "Punkt");
        # German nouns are capitalised, so try a verb reading, else keep the form
        vlemma, vpos = tagger.analyze(word, pos="VV(FIN)")
        ok = vlemma.endswith("n") and len(vlemma) <= len(word) + 1
        lemma, pos = (vlemma, vpos) if ok else (word, "XY")
    if pos.startswith(("NN", "NE")) and lemma.lower() != word.lower():
        f_lemma, f_word = _freq(lemma.lower()), _freq(word.lower())
        # guard against truncated stems of unknown nouns and names ("Smartphon", "Mariu"):
        # keep the form when the proposed lemma is far rarer in general German than the form
        if f_lemma * 100 < f_word or (f_lemma == 0 and (pos == "NE" or word.lower() == lemma.lower() + "er")):
            lemma = word
    if pos.startswith("ADJ") and lemma in _ORDINAL_STEMS:
        lemma += "e"  # ordinals: "erste" is not the adverb "erst"
    if word[0].isupper() and pos.startswith(("NN", "NE")):
        lemma = lemma[0].upper() + lemma[1:]
    return lemma, pos


def lemmatize(words: Iterable[str]) -> pd.DataFrame:
    """Lemmas of word forms, one row per distinct form (cached for the session).

    Each distinct form is analysed once by HanTa without sentence context
    (common forms are looked up in :data:`LEMMA_TABLE`, which holds HanTa's
    answers computed the same way). Hyphenated compounds keep their first parts
    and lemmatise the last one (``US-Restriktionen`` → ``US-Restriktion``);
    acronyms, numbers and words with digits stay as written.

    Parameters
    ----------
    words
        Word forms as written (case matters in German: ``Essen`` vs ``essen``).

    Returns
    -------
    pandas.DataFrame
        Columns ``word``, ``lemma``, ``pos`` (STTS tag from HanTa).

    References
    ----------
    Wartena, C. (2019). A probabilistic morphology model for German lemmatization.
    *KONVENS 2019*, 40–49.
    """
    unique = list(dict.fromkeys(str(w) for w in words))
    todo = _look_up([w for w in unique if w not in _LEMMAS])
    if todo:
        _LEMMAS.update(zip(todo, _run_many(_lemma_many, todo)))
    if todo or _UNSAVED:  # new answers (here or from a BackgroundLemmas process) go to the disk cache
        _save_cache("lemmas", _LEMMAS)
        _UNSAVED.clear()
    lemmas = [_LEMMAS[w] for w in unique]
    return pd.DataFrame({"word": unique, "lemma": [x[0] for x in lemmas], "pos": [x[1] for x in lemmas]},
                        columns=["word", "lemma", "pos"])


def _look_up(todo: list[str]) -> list[str]:
    """Put what the disk cache and the shipped table know of the forms ``todo`` into the session's
    lemmas (the forms and the last parts of hyphenated ones); returns the forms still unknown."""
    if todo:  # the disk cache first
        _lookup_cache("lemmas", _LEMMAS, [*todo, *(w.rpartition("-")[2] for w in todo if "-" in w)])
        todo = [w for w in todo if w not in _LEMMAS]
    if todo:  # then the shipped table
        lasts = [w.rpartition("-")[2] for w in todo if "-" in w]
        found = _from_table([*todo, *(x for x in lasts if x not in _LEMMAS)])
        if found:
            _LEMMAS.update(found)
            _FROM_TABLE.update(found)
            todo = [w for w in todo if w not in found]
    return todo


def prepare_lemmas(words: Iterable[str] = ()) -> list[str]:
    """Get ready to lemmatise ``words`` later: everything but running HanTa on new forms.

    Loads HanTa's model, wordfreq's German list and the shipped lemma table (once
    per process), and looks the forms up in the disk cache and the table, so that a
    later :func:`lemmatize` only analyses the forms neither knows. The pipeline
    calls it in a background thread of the client while the workers analyse the
    chunks, with the word forms of each chunk's counts; what it stores is exactly
    what :func:`lemmatize` would store, so it changes no result.

    Parameters
    ----------
    words
        Word forms as written.

    Returns
    -------
    list of str
        The distinct forms still unknown (HanTa analyses them when they are
        lemmatised, or earlier in a :class:`BackgroundLemmas` process).
    """
    global _PREPARED
    if not _PREPARED:
        _fast_tagger(), _freq(""), _lemma_table()
        _PREPARED = True
    return _look_up([w for w in dict.fromkeys(str(w) for w in words) if w not in _LEMMAS])


# ---------------------------------------------------------------------------------------------
# the shipped lemma table (precomputed _lemma_one results for common forms)


def _decode_lemma(form: str, cut: int, add: str, case: int) -> str:
    """A lemma from its table entry: ``form`` less ``cut`` final characters plus ``add``,
    first letter unchanged (``case`` 0), upper-cased (1) or lower-cased (2)."""
    s = form[: len(form) - cut] + add
    if case == 1:
        return s[:1].upper() + s[1:]
    if case == 2:
        return s[:1].lower() + s[1:]
    return s


def _rules_digest() -> str:
    """Hash of the source of the lemma rules (what the table was computed with)."""
    import hashlib
    import inspect

    src = "\n".join(inspect.getsource(f) for f in (_lemma_one, _tagger, _freq)) + repr(sorted(_ORDINAL_STEMS))
    return hashlib.sha256(src.encode("utf-8")).hexdigest()[:16]


@functools.lru_cache(maxsize=None)
def _installed(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def _lemma_table_versions(*, digest: bool = True) -> dict[str, str]:
    """What a lemma table must have been built with to be used (stored in its metadata)."""
    out = {"hanta": _installed("HanTa"), "wordfreq": _installed("wordfreq"), "rules_version": RULES_VERSION}
    if digest:
        out["rules_digest"] = _rules_digest()
    return out


def _lemma_table() -> dict | None:
    """The shipped table (loaded once), or ``None`` when absent, turned off or built with other versions."""
    global _TABLE
    path = LEMMA_TABLE
    if path is None:
        return None
    if _TABLE is not None and _TABLE["path"] == path:
        return _TABLE if _TABLE["table"] is not None else None
    _TABLE = {"path": path, "table": None}  # until loaded: not usable (also remembered when it fails)
    try:
        import pyarrow.parquet as pq

        # ParquetFile, not read_table: it does not import pyarrow.dataset (a slow import)
        table = pq.ParquetFile(path, read_dictionary=["l_add", "l_pos", "c_add", "c_pos"]).read()
    except Exception:  # missing or unreadable: lemmatise everything with HanTa
        return None
    meta = {k.decode(): v.decode() for k, v in (table.schema.metadata or {}).items()}
    wanted = _lemma_table_versions(digest=False)
    if any(meta.get(k) != v for k, v in wanted.items()):
        return None  # built with another HanTa, wordfreq or rules version
    _TABLE = {"path": path, "words": table.column("word").combine_chunks(), "table": table, "meta": meta}
    return _TABLE


_BISECT_MAX = 2000  # up to this many forms, look up by binary search; more: build a hash once


class _ArrowStrings:
    """A sorted pyarrow string array as a sequence of str, for :mod:`bisect`."""

    def __init__(self, array):
        self.array = array

    def __len__(self) -> int:
        return len(self.array)

    def __getitem__(self, i: int) -> str:
        return self.array[i].as_py()


def _from_table(forms: list[str]) -> dict[str, tuple[str, str]]:
    """Lemma and tag of the ``forms`` found in the shipped table (exactly :func:`_lemma_one`'s answer)."""
    if not forms:
        return {}
    tab = _lemma_table()
    if tab is None:
        return {}
    import pyarrow as pa
    import pyarrow.compute as pc

    # a form is a table word as it is (lower case) or with a capital first letter
    keys = [f[:1].lower() + f[1:] for f in forms]
    cap = [f != k for f, k in zip(forms, keys)]
    words = tab["words"]
    idx = None
    if len(keys) >= _BISECT_MAX:  # many forms: one hash join
        try:
            found = pc.index_in(pa.array(keys, type=pa.string()), value_set=words).to_numpy(zero_copy_only=False)
            idx = np.where(np.isnan(found), -1, found).astype(np.int64) if found.dtype.kind == "f" else found.astype(np.int64)
        except (UnicodeError, pa.ArrowException):  # e.g. a lone surrogate: look up one by one
            idx = None
    if idx is None:  # a few forms: binary search in the sorted words (code point order)
        seq = _ArrowStrings(words)
        idx = np.full(len(keys), -1, dtype=np.int64)
        for j, k in enumerate(keys):
            i = bisect.bisect_left(seq, k)
            if i < len(seq) and seq[i] == k:
                idx[j] = i
    hit = np.flatnonzero(idx >= 0)
    if not len(hit):
        return {}
    rows = idx[hit]
    taken = tab["table"].take(pa.array(rows))
    cols = {name: taken.column(name).to_pylist() for name in taken.column_names if name != "word"}
    out = {}
    for j, i in enumerate(hit):
        form, key = forms[i], keys[i]
        p = "c" if cap[i] else "l"
        if p == "c" and key[:1].upper() + key[1:] != form:
            continue  # e.g. "ß" -> "SS": not the capitalised table form
        lemma = _decode_lemma(form, cols[f"{p}_cut"][j], cols[f"{p}_add"][j], cols[f"{p}_case"][j])
        out[form] = (lemma, cols[f"{p}_pos"][j])
    return out


def _freq(word: str) -> float:
    global _FREQ
    if _FREQ is None:
        import wordfreq

        _FREQ = wordfreq.get_frequency_dict("de", wordlist="best")
    return _FREQ.get(word, 0.0)


_LINKING = ("", "s", "es", "n", "en", "e", "er")
_MIN_PART = 3


def _split_by_frequency(lower: str) -> tuple[str, str] | None:
    """Split an unknown noun into modifier + head using wordfreq's German list.

    Takes the longest head that is a common word (Zipf ≥ 3, i.e. at least once
    per million words) whose modifier, with a linking element (``-s-``, ``-n-``,
    ...) removed, is also a common word.
    """
    for i in range(_MIN_PART, len(lower) - _MIN_PART + 1):
        head = lower[i:]
        if _freq(head) < 1e-6:
            continue
        left = lower[:i]
        for link in _LINKING:
            if link and not left.endswith(link):
                continue
            modifier = left[: len(left) - len(link)] if link else left
            if len(modifier) >= _MIN_PART and _freq(modifier) >= 1e-6 and modifier not in _default_stopwords():
                return modifier, head
    return None


def _parts_one(lemma: str, pos: str) -> tuple[str, ...]:
    if not pos.startswith("NN") or len(lemma) < 2 * _MIN_PART:
        return ()
    if "-" in lemma:
        parts = tuple(p for p in lemma.split("-") if len(p) >= 2 and any(ch.isalpha() for ch in p))
        return tuple(p if not p.islower() else p for p in parts) if len(parts) > 1 else ()
    stem, morphs, _ = _tagger().analyze(lemma, taglevel=3)
    lower = lemma.lower()
    nouns = [i for i, (_, tag) in enumerate(morphs) if tag in ("NN", "NE")]
    parts: list[str] = []
    if len(nouns) > 1:
        pos_in_word = 0
        for i, (m, tag) in enumerate(morphs):
            if i == nouns[-1]:
                break
            if tag in ("NN", "NE", "ADJ", "VV") and len(m) >= 2:
                parts.append(m)
            pos_in_word += len(m)
        head = lower[pos_in_word:] if lower.startswith(stem[:pos_in_word]) else morphs[nouns[-1]][0]
        parts.append(head)
    elif len(lower) >= 8 and _freq(lower) < 1e-6:
        split = _split_by_frequency(lower)
        if split:
            parts = list(split)
    if len(parts) < 2:
        return ()
    return tuple(p[0].upper() + p[1:] for p in parts)


def compound_parts(lemmas: Iterable[str], pos: Iterable[str] | None = None) -> pd.DataFrame:
    """Constituents of German noun compounds (``Kamerahersteller`` → ``Kamera``, ``Hersteller``).

    HanTa's morphological analysis gives the parts of known compounds; a noun it
    cannot split that is rare in general German (wordfreq) and at least eight
    letters long is split into two common words where possible
    (``Smartphonehersteller`` → ``Smartphone`` + ``Hersteller``). Hyphenated
    compounds split at their hyphens. Non-nouns are not split.

    Parameters
    ----------
    lemmas
        Noun lemmas (as from :func:`lemmatize`).
    pos
        Their STTS tags; ``None`` looks them up with :func:`lemmatize`.

    Returns
    -------
    pandas.DataFrame
        Columns ``lemma`` and ``parts`` (a tuple; empty when the lemma is not split).

    References
    ----------
    Koehn, P., & Knight, K. (2003). Empirical methods for compound splitting.
    *Proceedings of EACL 2003*, 187–193.
    """
    lemmas = [str(x) for x in lemmas]
    if pos is None:
        table = lemmatize(lemmas)  # one row per distinct form
        tags = dict(zip(table["word"].tolist(), table["pos"].tolist()))
        pos = [tags[x] for x in lemmas]
    pairs = list(dict.fromkeys((lemma, str(tag)) for lemma, tag in zip(lemmas, pos)))
    _lookup_cache("compounds", _PARTS, (f"{lemma}\t{tag}" for lemma, tag in pairs))
    todo = [(lemma, tag) for lemma, tag in pairs if f"{lemma}\t{tag}" not in _PARTS]
    if todo:
        _PARTS.update(zip((f"{lemma}\t{tag}" for lemma, tag in todo), _run_many(_parts_many, todo)))
        _save_cache("compounds", _PARTS)
    out = [(lemma, _PARTS[f"{lemma}\t{tag}"]) for lemma, tag in pairs]
    return pd.DataFrame(out, columns=["lemma", "parts"]).drop_duplicates("lemma")


# ---------------------------------------------------------------------------------------------
# annotate: one term per token row


def _check_choice(name: str, value, choices) -> None:
    if value not in choices:
        raise ValueError(f"{name}={value!r} is not known; use one of {list(choices)}")


def annotate(
    data: pd.DataFrame,
    *,
    unit: str = "lemma",
    stopwords: bool | str | Path | Iterable[str] = True,
    numbers: str = "drop",
    urls: str = "drop",
) -> pd.DataFrame:
    """Add ``lemma``, ``pos``, ``term``, ``stopword`` and ``counted`` to a tokens table.

    Parameters
    ----------
    data
        Tokens (or sentences/articles, tokenised on the way in).
    unit
        ``"lemma"`` (default), ``"lower"`` or ``"token"``: what becomes the ``term``.
    stopwords
        ``True`` for the shipped list (:data:`STOPWORDS_FILE`), ``False`` for none,
        a path to your own file, or an iterable of words. Matched against the
        lower-cased lemma and word form.
    numbers, urls
        ``"drop"`` (no term), ``"keep"`` (the number or URL as written is a term)
        or ``"mask"`` (all become one term, ``<Zahl>`` or ``<URL>``).

    Returns
    -------
    pandas.DataFrame
        The tokens with ``lemma`` and ``pos`` (word tokens; ``None`` otherwise),
        ``term`` (``None`` where the token is not a term: punctuation, symbols,
        stopwords, dropped numbers/URLs), ``stopword`` and ``counted`` (a running
        word: word, number or URL token; the denominator of relative frequencies).

    Notes
    -----
    A capitalised sentence-initial word (``Doch``, ``Einige``) is lemmatised in
    lower case when the same form occurs in lower case elsewhere in the data, so
    it is not mistaken for a noun.
    """
    _check_choice("unit", unit, UNITS)
    _check_choice("numbers", numbers, _NON_WORD_CHOICES)
    _check_choice("urls", urls, _NON_WORD_CHOICES)
    toks = as_tokens(data)
    _require(toks, ["token", "lower", "kind", "token_id"], "annotate()")
    out = toks.copy(deep=False)  # new columns only; the input table is not modified
    kind = out["kind"].to_numpy()
    token = out["token"].to_numpy(dtype=object)
    lower = out["lower"].to_numpy(dtype=object)
    is_word = kind == "word"

    # sentence-initial capitals: use the lower-case form when the corpus has it
    first = out["token_id"].to_numpy() == 0
    if "sentence_id" in out:
        prev_quote = np.zeros(len(out), dtype=bool)
        prev_quote[1:] = np.isin(token[:-1], ["„", "“", '"', "»", "«", "(", "–", "-"]) & (out["token_id"].to_numpy()[1:] == 1)
        first = first | prev_quote
    seen_lower = pd.unique(token[is_word & ~first])
    lower_set = pd.Index(seen_lower)
    form = token.copy()
    cand = is_word & first
    if cand.any():
        swap = cand & lower_set.get_indexer(lower).__ge__(0) & (token != lower)
        form[swap] = lower[swap]

    stop = _resolve_stopwords(stopwords)
    lemma = np.full(len(out), None, dtype=object)
    pos = np.full(len(out), None, dtype=object)
    is_stop = np.zeros(len(out), dtype=bool)
    if is_word.any():
        # everything per distinct form, then mapped back with the codes
        codes, uniques = pd.factorize(form[is_word])
        table = lemmatize(uniques)
        lemma_u = table["lemma"].to_numpy(dtype=object)
        lemma[is_word] = lemma_u[codes]
        pos[is_word] = table["pos"].to_numpy(dtype=object)[codes]
        if stop:
            stop_u = pd.Series(uniques, dtype=object).str.lower().isin(stop).to_numpy()
            stop_u |= pd.Series(lemma_u, dtype=object).str.lower().isin(stop).to_numpy()
            is_stop[is_word] = stop_u[codes]
    out["lemma"] = lemma
    out["pos"] = pos
    out["stopword"] = is_stop

    if unit == "lemma":
        term = lemma.copy()
    elif unit == "lower":
        term = np.where(is_word, lower, None)
    else:
        term = np.where(is_word, token, None)
    term = term.astype(object)
    term[is_stop] = None
    for k, choice in (("number", numbers), ("url", urls)):
        sel = kind == k
        if choice == "keep":
            term[sel] = (lower if unit != "token" else token)[sel]
        elif choice == "mask":
            term[sel] = _MASKS[k]
    out["term"] = term
    out["counted"] = np.isin(kind, _COUNTED_KINDS)
    out.attrs["terms_unit"] = (unit, str(stopwords), numbers, urls)
    return out


def _annotated(data, unit, stopwords, numbers="drop", urls="drop") -> pd.DataFrame:
    """Annotate unless the table already is (same unit), to avoid repeated work."""
    if (
        isinstance(data, pd.DataFrame)
        and {"term", "counted", "lemma"} <= set(data.columns)
        and data.attrs.get("terms_unit") == (unit, str(stopwords), numbers, urls)
    ):
        return data
    out = annotate(data, unit=unit, stopwords=stopwords, numbers=numbers, urls=urls)
    out.attrs["terms_unit"] = (unit, str(stopwords), numbers, urls)
    return out


# ---------------------------------------------------------------------------------------------
# frequencies and TF-IDF
#
# Counting works on NumPy arrays (codes from ``pd.factorize``, one ``np.unique`` or
# ``pd.factorize`` per key, ``np.bincount``) instead of a chain of pandas operations: on a
# notebook's few hundred tokens a groupby, merge or sort costs a millisecond or more of fixed
# overhead each, and :func:`frequencies` runs once per keyness comparison. The result is the
# same table, row for row (tests/test_terms.py compares it with the pandas computation).


def _group_codes(ann: pd.DataFrame, by: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each row's group as a code in sorted group order (-1: a missing key), and a row of each group.

    The order is ``groupby(by, sort=True)``'s: sorted values per column (a categorical
    column: the order of its categories), the first column first. Rows with a missing
    value in any ``by`` column belong to no group, as in a groupby.
    """
    combined = np.zeros(len(ann), dtype=np.int64)
    missing = np.zeros(len(ann), dtype=bool)
    for col in by:
        values = ann[col]
        if isinstance(values.dtype, pd.CategoricalDtype):
            codes = values.cat.codes.to_numpy(dtype=np.int64)
            size = len(values.cat.categories)
        else:
            codes, uniques = pd.factorize(values, sort=True)
            codes = codes.astype(np.int64, copy=False)
            size = len(uniques)
        missing |= codes < 0
        # dense again after each column, so the combined code never overflows
        combined = pd.factorize(combined * max(size, 1) + np.maximum(codes, 0), sort=True)[0].astype(np.int64)
    if missing.any():
        combined = np.where(missing, -1, combined)
        kept = np.flatnonzero(~missing)
        dense, _ = pd.factorize(combined[kept], sort=True)
        combined[kept] = dense
    n_groups = int(combined.max()) + 1 if len(combined) and combined.max() >= 0 else 0
    first = np.full(n_groups, len(ann), dtype=np.int64)
    ok = combined >= 0
    np.minimum.at(first, combined[ok], np.flatnonzero(ok))
    return combined, first


def _occurrences(ann: pd.DataFrame, rows: np.ndarray, compounds: str | None) -> tuple[np.ndarray, np.ndarray]:
    """Positions (into ``ann``) and terms of the term occurrences, compounds split or added.

    ``rows`` are the rows with a term. A noun compound's row is replaced by (``"split"``) or
    repeated for (``"add"``) each of its parts (:func:`compound_parts`, asked about each noun
    lemma once, with the first tag seen with it, in order of appearance). These are the
    occurrences pandas' ``explode`` gave, in another order, which counting does not see.
    """
    _check_choice("compounds", compounds, (None, "split", "add"))
    term = ann["term"].to_numpy(dtype=object)[rows]
    if compounds is None or not len(rows):
        return rows, term
    lemma = ann["lemma"].to_numpy(dtype=object)[rows]
    pos = ann["pos"].to_numpy(dtype=object)[rows]
    pos_codes, pos_uniques = pd.factorize(pos)
    noun_tag = np.array([isinstance(t, str) and t.startswith("NN") for t in pos_uniques] + [False], dtype=bool)
    nouns = noun_tag[pos_codes] & pd.notna(lemma)  # code -1 (no tag) reads the appended False
    noun_at = np.flatnonzero(nouns)
    lemma_codes, lemma_uniques = pd.factorize(lemma[noun_at])
    first = np.full(len(lemma_uniques), len(noun_at), dtype=np.int64)
    np.minimum.at(first, lemma_codes, np.arange(len(noun_at)))
    # the first tag seen with each noun lemma, in order of first appearance (as drop_duplicates)
    table = compound_parts(list(lemma_uniques), list(pos[noun_at][first]))
    table = table[table["parts"].map(len) > 0]
    if table.empty:
        return rows, term
    parts = dict(zip(table["lemma"], table["parts"]))
    split = [parts.get(x) for x in lemma_uniques]
    has_u = np.array([p is not None for p in split], dtype=bool)
    has = np.zeros(len(rows), dtype=bool)
    has[noun_at] = has_u[lemma_codes]
    which = lemma_codes[has[noun_at]]
    lengths = np.array([len(split[c]) for c in which], dtype=np.int64)
    new_rows = np.repeat(rows[has], lengths)
    new_terms = np.empty(int(lengths.sum()), dtype=object)
    new_terms[:] = [p for c in which for p in split[c]]
    keep = ~has if compounds == "split" else np.ones(len(rows), dtype=bool)
    return np.concatenate([rows[keep], new_rows]), np.concatenate([term[keep], new_terms])


def _frequency_arrays(ann: pd.DataFrame, by: list[str], compounds: str | None) -> dict[str, np.ndarray]:
    """Per group and term: group code, term, ``n``, ``n_docs``; per group: running words and a row.

    Groups are coded in sorted order (:func:`_group_codes`); ``group_total`` is 0 for a
    group without running words.
    """
    group, first = _group_codes(ann, by)
    counted = ann["counted"].to_numpy(dtype=bool) & (group >= 0)
    group_total = np.bincount(group[counted], minlength=len(first)).astype(np.int64)
    # every row with a term (compounds looked up for all of them), then those in a group
    at, term = _occurrences(ann, np.flatnonzero(pd.notna(ann["term"].to_numpy(dtype=object))), compounds)
    in_group = group[at] >= 0
    at, term = at[in_group], term[in_group]
    g = group[at]
    term_codes, term_uniques = pd.factorize(term)
    pair_codes, pair_uniques = pd.factorize(g * max(len(term_uniques), 1) + term_codes)
    n = np.bincount(pair_codes, minlength=len(pair_uniques)).astype(np.int64)
    if "doc_id" in ann.columns:  # distinct (group, term, document) triples per pair
        doc_codes = pd.factorize(ann["doc_id"].to_numpy(dtype=object)[at], use_na_sentinel=False)[0]
        docs = int(doc_codes.max()) + 1 if len(doc_codes) else 1
        triples = pd.unique(pair_codes.astype(np.int64) * docs + doc_codes)
        n_docs = np.bincount(triples // docs, minlength=len(pair_uniques)).astype(np.int64)
    else:
        n_docs = np.ones(len(pair_uniques), dtype=np.int64)
    size = max(len(term_uniques), 1)
    return {
        "group": (pair_uniques // size).astype(np.int64),
        "term": np.asarray(term_uniques, dtype=object)[pair_uniques % size],
        "n": n,
        "n_docs": n_docs,
        "group_total": group_total,
        "group_row": first,
    }


def _rank_sorted(group: np.ndarray, n: np.ndarray) -> np.ndarray:
    """``rank(method="min", ascending=False)`` of ``n`` within groups, for rows sorted by group, then descending n."""
    size = len(n)
    if not size:
        return np.zeros(0, dtype=np.int64)
    idx = np.arange(size)
    new_group = np.r_[True, group[1:] != group[:-1]]
    new_value = new_group | np.r_[True, n[1:] != n[:-1]]
    group_start = np.maximum.accumulate(np.where(new_group, idx, 0))
    value_start = np.maximum.accumulate(np.where(new_value, idx, 0))
    return (value_start - group_start + 1).astype(np.int64)


def frequencies(
    data: pd.DataFrame,
    *,
    by: str | Sequence[str] = "outlet",
    unit: str = "lemma",
    stopwords: bool | str | Path | Iterable[str] = True,
    numbers: str = "drop",
    urls: str = "drop",
    compounds: str | None = None,
    min_count: int = 1,
) -> pd.DataFrame:
    """Term frequencies per group, with relative frequency per 1,000 running words.

    Parameters
    ----------
    data
        Tokens, sentences or articles.
    by
        Grouping column(s): ``"outlet"``, ``"doc_id"``, ``"part"`` or any column
        of the tokens (or of the articles, carried over by ``doc_id``).
    unit, stopwords, numbers, urls
        As in :func:`annotate`.
    compounds
        ``None`` (default): compounds count as themselves. ``"split"``: a noun
        compound counts toward each of its parts instead (``Kamerahersteller`` →
        ``Kamera`` and ``Hersteller``). ``"add"``: it counts as itself *and*
        toward its parts. See :func:`compound_parts`.
    min_count
        Keep terms occurring at least this often in a group.

    Returns
    -------
    pandas.DataFrame
        One row per group and term: the ``by`` columns, ``term``, ``n``,
        ``n_docs`` (documents of the group containing the term), ``total``
        (running words of the group: word, number and URL tokens including
        stopwords), ``per_1000`` (``1000 * n / total``) and ``rank`` (1 = most
        frequent in the group; ties share the lower rank). Sorted by group, then
        descending ``n``, then term.
    """
    by = _as_list(by)
    ann, table = _frequency_table(data, by, unit, stopwords, numbers, urls, compounds, min_count)
    rows = table["group_row"][table["group"]]
    columns = {b: ann[b].array.take(rows) for b in by}  # the groups' values as in the data (dtype kept)
    columns.update(
        term=table["term"], n=table["n"], n_docs=table["n_docs"], total=table["total"],
        per_1000=1000.0 * table["n"] / table["total"], rank=_rank_sorted(table["group"], table["n"]),
    )
    return pd.DataFrame(columns)[[*by, "term", "n", "n_docs", "total", "per_1000", "rank"]]


def _frequency_table(
    data: pd.DataFrame, by: list[str], unit: str, stopwords, numbers: str, urls: str, compounds: str | None, min_count: int
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """The annotated tokens and the columns of :func:`frequencies` as arrays, in its row order.

    ``group`` (codes in sorted group order), ``term``, ``n``, ``n_docs``, ``total`` (float
    with NaN where a group has terms but no running words, as a left merge gives) and
    ``group_row`` (a row of ``ann`` in each group, by code).
    """
    toks = as_tokens(data, by=by)
    ann = _annotated(toks, unit, stopwords, numbers, urls)
    arr = _frequency_arrays(ann, by, compounds)
    keep = arr["n"] >= min_count
    group, term, n, n_docs = arr["group"][keep], arr["term"][keep], arr["n"][keep], arr["n_docs"][keep]
    term_codes, _ = pd.factorize(term, sort=True)  # the terms' sorted order
    order = np.lexsort((term_codes, -n, group))
    group, term, n, n_docs = group[order], term[order], n[order], n_docs[order]
    total = arr["group_total"][group]
    if (total == 0).any():  # a group with terms but no running words: no total
        total = np.where(total == 0, np.nan, total.astype(float))
    return ann, {"group": group, "term": term, "n": n, "n_docs": n_docs, "total": total, "group_row": arr["group_row"]}


def tfidf(
    data: pd.DataFrame,
    *,
    by: str | Sequence[str] = "doc_id",
    unit: str = "lemma",
    stopwords: bool | str | Path | Iterable[str] = True,
    compounds: str | None = None,
    smooth: bool = True,
) -> pd.DataFrame:
    """TF-IDF of each term in each group (by default each document).

    ``tf`` is the relative frequency ``n / total`` (running words of the group);
    ``idf = ln(G / df)`` with ``G`` groups and ``df`` groups containing the term, or,
    with ``smooth=True`` (scikit-learn's default), ``ln((1 + G) / (1 + df)) + 1`` so
    that a term in every group keeps a small positive weight.

    Parameters
    ----------
    data
        Tokens, sentences or articles.
    by
        The "document" unit of TF-IDF: ``"doc_id"`` (default), ``"outlet"`` (each
        outlet's coverage as one document), or any column(s).
    unit, stopwords, compounds
        As in :func:`frequencies`.
    smooth
        Use the smoothed idf.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, ``term``, ``n``, ``tf``, ``df``, ``idf``, ``tfidf``;
        sorted by group and descending ``tfidf``.

    References
    ----------
    Salton, G., & Buckley, C. (1988). Term-weighting approaches in automatic text
    retrieval. *Information Processing & Management*, 24(5), 513–523.
    """
    by = _as_list(by)
    freq = frequencies(data, by=by, unit=unit, stopwords=stopwords, compounds=compounds)
    groups = freq[by].drop_duplicates().shape[0]
    df = freq.groupby("term", sort=False).size().rename("df")
    out = freq.merge(df.reset_index(), on="term", how="left")
    out["tf"] = out["n"] / out["total"]
    if smooth:
        out["idf"] = np.log((1 + groups) / (1 + out["df"])) + 1.0
    else:
        out["idf"] = np.log(groups / out["df"])
    out["tfidf"] = out["tf"] * out["idf"]
    out = out.sort_values([*by, "tfidf", "term"], ascending=[True] * len(by) + [False, True], kind="stable")
    return out.reset_index(drop=True)[[*by, "term", "n", "tf", "df", "idf", "tfidf"]]


# ---------------------------------------------------------------------------------------------
# keyword in context


def _pattern_regex(pattern: str, match: str, case: bool) -> re.Pattern:
    flags = 0 if case else re.IGNORECASE
    if match == "glob":
        return re.compile(fnmatch.translate(pattern), flags)
    if match == "regex":
        return re.compile(r"(?:" + pattern + r")\Z", flags)
    return re.compile(re.escape(pattern) + r"\Z", flags)


def _context_strings(token: np.ndarray, gap: np.ndarray, lo: int, hi: int) -> str:
    if hi <= lo:
        return ""
    parts = [token[lo]]
    for i in range(lo + 1, hi):
        parts.append((" " if gap[i] else "") + token[i])
    return "".join(parts)


def _layout(toks: pd.DataFrame) -> dict:
    """Arrays for building contexts: tokens in document order, with keys and bounds."""
    doc_key = pd.factorize(toks["doc_id"])[0]
    if len(doc_key) and (np.diff(doc_key) != 0).sum() + 1 != doc_key.max() + 1:
        raise ValueError("tokens of a document must be contiguous; sort the table by doc_id, sentence_id, token_id")
    sid = toks["sentence_id"].to_numpy(dtype=np.int64) if "sentence_id" in toks else np.zeros(len(toks), dtype=np.int64)
    sent_key = doc_key.astype(np.int64) * (int(sid.max()) + 1 if len(sid) else 1) + sid
    n = len(toks)
    starts = toks["start"].to_numpy()
    ends = toks["end"].to_numpy()
    gap = np.ones(n, dtype=bool)
    gap[1:] = (starts[1:] > ends[:-1]) | (sent_key[1:] != sent_key[:-1])
    change = np.r_[True, doc_key[1:] != doc_key[:-1]] if n else np.zeros(0, dtype=bool)
    doc_lo = np.maximum.accumulate(np.where(change, np.arange(n), 0)) if n else np.zeros(0, dtype=np.int64)
    last = np.r_[np.flatnonzero(change)[1:], n] if n else np.zeros(0, dtype=np.int64)
    doc_hi = last[np.cumsum(change) - 1] if n else np.zeros(0, dtype=np.int64)
    return {
        "token": toks["token"].astype(str).to_numpy(dtype=object),
        "gap": gap,
        "starts": starts,
        "ends": ends,
        "sent_key": sent_key,
        "doc_lo": doc_lo,
        "doc_hi": doc_hi,
    }


def _contexts(toks: pd.DataFrame, lay: dict, idx: np.ndarray, width: int, window: int) -> pd.DataFrame:
    token, gap = lay["token"], lay["gap"]
    rows = []
    for i in idx:
        j = i + width
        lo = max(lay["doc_lo"][i], i - window)
        hi = min(lay["doc_hi"][i], j + window)
        rows.append(
            (
                _context_strings(token, gap, lo, i),
                _context_strings(token, gap, i, j),
                _context_strings(token, gap, j, hi),
                int(lay["starts"][i]),
                int(lay["ends"][j - 1]),
            )
        )
    ctx = pd.DataFrame(rows, columns=["left", "keyword", "right", "start", "end"])
    cols = [c for c in ("doc_id", "outlet", "sentence_id", "token_id") if c in toks.columns]
    return pd.concat([toks.iloc[idx][cols].reset_index(drop=True), ctx], axis=1)


def kwic(
    data: pd.DataFrame,
    pattern: str | Sequence[str],
    *,
    window: int = 5,
    match: str = "glob",
    on: str = "token",
    case: bool = False,
    mask: np.ndarray | pd.Series | None = None,
) -> pd.DataFrame:
    """Keyword in context: every occurrence of a word or phrase with its neighbours.

    Parameters
    ----------
    data
        Tokens, sentences or articles.
    pattern
        A word pattern, or a phrase of several patterns separated by spaces (or a
        list), each matching one consecutive token within a sentence, e.g.
        ``"Leica-*"``, ``"auf den Markt"``.
    window
        Words (tokens) of context on each side, within the document.
    match
        ``"glob"`` (``*`` any characters, ``?`` one, ``[...]`` a class),
        ``"regex"`` (a regular expression matching the whole token) or ``"exact"``.
    on
        Match against the ``"token"`` as written, its ``"lower"`` form or its
        ``"lemma"`` (lemma-aware: ``"Kamera"`` finds ``Kameras`` and ``Kamera``).
    case
        Case-sensitive matching (default: ignore case).
    mask
        Optional boolean array over the token rows: only rows where it is true can
        start a match (used to show evidence from one outlet only).

    Returns
    -------
    pandas.DataFrame
        One row per occurrence: ``doc_id``, ``outlet`` (when present),
        ``sentence_id``, ``token_id``, ``left``, ``keyword``, ``right``, ``start``,
        ``end`` (character offsets of the keyword in the article text).
    """
    _check_choice("match", match, ("glob", "regex", "exact"))
    _check_choice("on", on, ("token", "lower", "lemma"))
    if window < 0:
        raise ValueError(f"window={window} must be zero or positive")
    toks = as_tokens(data)
    if on == "lemma" and "lemma" not in toks.columns:
        toks = annotate(toks, stopwords=False)
    toks = toks.reset_index(drop=True)
    codes = pd.factorize(toks["doc_id"])[0]
    if len(codes) and (np.diff(codes) != 0).sum() + 1 != codes.max() + 1:  # documents not contiguous
        order = np.argsort(codes, kind="stable")
        toks = toks.iloc[order].reset_index(drop=True)
        mask = None if mask is None else np.asarray(mask, dtype=bool)[order]
    elements = pattern.split() if isinstance(pattern, str) else list(pattern)
    if not elements:
        raise ValueError("kwic(): empty pattern")
    lay = _layout(toks)
    sent_key = lay["sent_key"]
    n = len(toks)
    value_codes: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def matches(column: str, rx: re.Pattern) -> np.ndarray:
        if column not in value_codes:
            col = toks[column].astype(object).where(toks[column].notna(), "")
            value_codes[column] = pd.factorize(col.astype(str))
        codes_, uniques = value_codes[column]
        ok_u = np.fromiter((bool(rx.match(u)) for u in uniques), dtype=bool, count=len(uniques))
        return ok_u[codes_]

    hit = np.ones(n, dtype=bool) if mask is None else np.asarray(mask, dtype=bool).copy()
    for k, el in enumerate(elements):
        if el == "*" and match == "glob":
            ok = np.ones(n, dtype=bool)
        else:
            rx = _pattern_regex(el, match, case)
            ok = matches(on, rx)
            if on == "lemma":  # a lemma pattern also matches the word as written
                ok |= matches("token", rx)
        if k == 0:
            hit &= ok
        else:
            shifted = np.zeros(n, dtype=bool)
            shifted[: n - k] = ok[k:] & (sent_key[k:] == sent_key[: n - k])
            hit &= shifted
    idx = np.flatnonzero(hit)
    return _contexts(toks, lay, idx, len(elements), window)
