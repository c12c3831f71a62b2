"""Build ``lemma_table.parquet``: the lemmas of common German word forms, precomputed.

Usage (from the project root)::

    .venv/bin/python analysis/data/terms/build_lemma_table.py [--limit WORDS] [--jobs 2] [--work DIR]

The shipped table is the default ``--limit 430000`` (the 430,000 most frequent words,
plus 26,885 ß spellings: 456,885 words, 913,770 forms, 3.4 MB); it took about 55 minutes on
2 cores shared with other jobs (about 1.6 ms CPU per form). ``--limit 0`` takes all
630,336 words.

What it does: takes the German word list of wordfreq (``wordlist="best"``, in
descending frequency; only words with a letter and no digit or hyphen, i.e. the
forms that reach HanTa in :func:`analysis.terms._lemma_one`; wordfreq writes ``ß``
as ``ss``, so words with ``ss`` are added once more with ``ß``) and, for every word
``w``, runs the very function the library runs at run time, ``terms._lemma_one``,
on ``w`` and on ``w`` with a capital first letter (nouns and sentence starts).
The results are stored as a compact edit of the form (characters cut from the
end, characters added, first letter upper/lower-cased) plus the STTS tag, so
``analysis.terms`` looks a form up instead of calling HanTa and gets exactly the
answer HanTa + rules would give. The file records the HanTa, wordfreq and
:data:`analysis.terms.RULES_VERSION` versions and a hash of the rules' source;
``analysis.terms`` ignores the table when any of them differs, and
``tests/test_terms.py`` fails when the rules' source changed without a rebuild.

Work is checkpointed per chunk in ``--work`` (default ``/tmp/lemma-table-build``),
so an interrupted build resumes; ``--assemble-only`` writes the table from the
chunks done so far (the most frequent words first).

Licence of the output: the word forms come from wordfreq's data (Speer 2022,
CC BY-SA 4.0, built from Wikipedia, subtitles, news, books, web text and
other sources, see wordfreq's README); the table is therefore distributed under
CC BY-SA 4.0 with that attribution. The lemmas and tags are output of HanTa
(Wartena 2019; the HanTa software is LGPL-3.0, its outputs are data).

References
----------
Speer, R. (2022). wordfreq (v3.0). Zenodo. https://doi.org/10.5281/zenodo.7199437

Wartena, C. (2019). A probabilistic morphology model for German lemmatization.
*KONVENS 2019*, 40–49.
"""
from __future__ import annotations

import argparse
import os
import json
import sys
import time
from pathlib import Path

CHUNK = 10_000  # words per checkpoint


def candidate_words() -> list[str]:
    """wordfreq's German words in descending frequency that would reach HanTa."""
    import wordfreq

    words = [w for band in wordfreq.get_frequency_list("de", wordlist="best") for w in band]
    return [w for w in words if any(c.isalpha() for c in w) and not any(c.isdigit() for c in w) and "-" not in w]


def eszett(words: list[str]) -> list[str]:
    """wordfreq case-folds ``ß`` to ``ss`` (``strasse``); the forms as written (``straße``) are added."""
    return [w.replace("ss", "ß") for w in words if "ss" in w]


def capitalised(word: str) -> str:
    return word[:1].upper() + word[1:]


def _memoise_tagger() -> None:
    """Remember HanTa's two pure per-word computations for the last few words.

    ``analyze_forward(word)`` and ``analyze_viterbi(word, tag)`` depend only on the
    lower-cased word (and tag) and the model, so the capitalised variant of a word
    reuses the work done for its lower-case form: the same results, about half the time.
    """
    import functools

    from analysis import terms

    tagger = terms._tagger()
    if not getattr(tagger, "_memoised", False):
        tagger.analyze_forward = functools.lru_cache(maxsize=256)(tagger.analyze_forward)
        tagger.analyze_viterbi = functools.lru_cache(maxsize=256)(tagger.analyze_viterbi)
        tagger._memoised = True


def _work(words: list[str]) -> list[tuple]:
    from analysis import terms

    _memoise_tagger()
    out = []
    for w in words:
        low = terms._lemma_one(w)
        cap_form = capitalised(w)
        cap = terms._lemma_one(cap_form) if cap_form != w else low
        out.append((w, low, cap))
    return out


def encode(form: str, lemma: str) -> tuple[int, str, int]:
    """``(cut, add, case)`` with ``decode(form, cut, add, case) == lemma``, shortest ``add``."""
    from analysis.terms import _decode_lemma

    best = (len(form), lemma, 0)
    for case in (0, 1, 2):
        g = form if case == 0 else (form[:1].upper() + form[1:] if case == 1 else form[:1].lower() + form[1:])
        k = 0
        while k < min(len(g), len(lemma)) and g[k] == lemma[k]:
            k += 1
        cand = (len(form) - k, lemma[k:], case)
        if len(cand[1]) < len(best[1]) and _decode_lemma(form, *cand) == lemma:
            best = cand
    assert _decode_lemma(form, *best) == lemma, (form, lemma, best)
    return best


def assemble(work: Path, out: Path, n_chunks: int) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from analysis import terms

    rows = []
    for i in range(n_chunks):
        parts = [work / f"part-{i:05d}.json", work / f"part-ss-{i:05d}.json"]
        if not all(p.exists() for p in parts):
            break
        for part in parts:
            rows.extend((w, tuple(low), tuple(cap)) for w, low, cap in json.loads(part.read_text(encoding="utf-8")))
    # one row per word, sorted by word (code points), so terms can binary-search it
    rows = sorted({r[0]: r for r in reversed(rows)}.values())
    cols = {k: [] for k in ("word", "l_cut", "l_add", "l_case", "l_pos", "c_cut", "c_add", "c_case", "c_pos")}
    for w, (llem, lpos), (clem, cpos) in rows:
        cols["word"].append(w)
        for prefix, form, lemma, pos in (("l", w, llem, lpos), ("c", capitalised(w), clem, cpos)):
            cut, add, case = encode(form, lemma)
            cols[f"{prefix}_cut"].append(cut)
            cols[f"{prefix}_add"].append(add)
            cols[f"{prefix}_case"].append(case)
            cols[f"{prefix}_pos"].append(pos)
    types = {"l_cut": pa.uint16(), "c_cut": pa.uint16(), "l_case": pa.uint8(), "c_case": pa.uint8()}
    table = pa.table({k: pa.array(v, type=types.get(k, pa.string())) for k, v in cols.items()})
    table = table.replace_schema_metadata(terms._lemma_table_versions())
    tmp = out.with_suffix(".tmp")
    pq.write_table(table, tmp, compression="zstd", compression_level=19, use_dictionary=["l_add", "l_pos", "c_add", "c_pos"])
    tmp.replace(out)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB, {len(rows):,} words, {2 * len(rows):,} forms)")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--limit", type=int, default=430_000,
                   help="the most frequent WORDS of wordfreq's list (default 430,000: the shipped table; 0 = all 630,336)")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--work", type=Path, default=Path("/tmp/lemma-table-build"))
    p.add_argument("--out", type=Path, default=Path(__file__).with_name("lemma_table.parquet"))
    p.add_argument("--assemble-only", action="store_true")
    args = p.parse_args(argv)
    os.environ["MEDIA_ANALYSIS_CACHE"] = "off"  # neither read nor write the user's lemma cache
    from analysis import terms

    terms.LEMMA_TABLE = None  # compute everything, never look anything up
    words = candidate_words()[: args.limit or None]
    # chunk i: the next CHUNK words, then ("ss-") the ß spellings of those words
    chunks = []
    for i in range(0, len(words), CHUNK):
        chunks.append((f"part-{i // CHUNK:05d}", words[i : i + CHUNK]))
        chunks.append((f"part-ss-{i // CHUNK:05d}", eszett(words[i : i + CHUNK])))
    args.work.mkdir(parents=True, exist_ok=True)
    if not args.assemble_only:
        import multiprocessing

        todo = [(name, ws) for name, ws in chunks if not (args.work / f"{name}.json").exists()]
        print(f"{len(words):,} words (+ ß spellings) in {len(chunks)} chunks, {len(todo)} to do", flush=True)
        terms._tagger(), terms._freq("")
        t0 = time.perf_counter()
        with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
            for n, ((name, _), res) in enumerate(zip(todo, pool.imap(_work, [ws for _, ws in todo]))):
                tmp = args.work / f"{name}.tmp"
                tmp.write_text(json.dumps(res, ensure_ascii=False), encoding="utf-8")
                tmp.replace(args.work / f"{name}.json")
                print(f"{name} done ({n + 1}/{len(todo)}, {time.perf_counter() - t0:.0f} s)", flush=True)
    assemble(args.work, args.out, len(chunks) // 2)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
    main()
