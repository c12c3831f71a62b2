"""Hostile input: every awkward file either loads with its text intact or is reported; nothing crashes.

The corpus is built at test time in a temporary folder (see ``tests/hostile.py``).
"""
from __future__ import annotations

import os
import warnings

import pandas as pd
import pytest

import hostile
from analysis import corpus


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile") / "corpus"
    cases = hostile.build(folder)
    # a file outside the corpus folder, reachable only through a link from inside
    outside = folder.parent / "outside.txt"
    outside.write_text("Geheimer Text außerhalb des Korpus. Er darf nicht geladen werden.", encoding="utf-8")
    try:
        os.symlink(outside, folder / "link.txt")
        cases.append(hostile.Case("link.txt", "skip", reason="outside the corpus folder"))
    except (OSError, NotImplementedError):  # pragma: no cover - no symlinks on this file system
        pass
    return folder, cases


@pytest.fixture(scope="module")
def loaded(built):
    folder, cases = built
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        articles = corpus.load(folder)
    return articles, cases, [w for w in caught if issubclass(w.category, corpus.CorpusWarning)]


def test_inputs_equal_loaded_plus_reported(loaded):
    articles, cases, _ = loaded
    skipped = corpus.skipped(articles)
    article_skips = skipped[skipped["kind"] == "article"]
    assert len(cases) == len(articles) + len(article_skips)
    assert sum(c.outcome == "load" for c in cases) == len(articles)
    sources = set(articles["source"]) | set(article_skips["source"])
    assert {c.source for c in cases} == sources


def test_every_case(loaded):
    """Each input: loaded with the expected text, or reported with the expected reason."""
    articles, cases, _ = loaded
    skipped = corpus.skipped(articles)
    failures = []
    for case in cases:
        label = case.source + (f", row {case.row}" if case.row else "")
        if case.outcome == "load":
            rows = articles[articles["source"] == case.source]
            if case.doc_id is not None:
                rows = rows[rows["doc_id"] == case.doc_id]
            if len(rows) != 1:
                failures.append(f"{label}: expected one article, got {len(rows)}")
                continue
            row = rows.iloc[0]
            failures += [f"{label}: {p!r} lost" for p in case.contains if p not in row["text"]]
            failures += [f"{label}: {p!r} kept" for p in case.absent if p in row["text"] or p in row["title"]]
            failures += [f"{label}: {c}={row[c]!r}" for c, v in case.extra.items() if row[c] != v]
        else:
            hit = skipped[(skipped["source"] == case.source) & (skipped["kind"] == "article")]
            if case.row is not None:
                hit = hit[hit["row"] == case.row]
            if len(hit) != 1:
                failures.append(f"{label}: not reported")
            elif case.reason not in hit.iloc[0]["reason"]:
                failures.append(f"{label}: reason {hit.iloc[0]['reason']!r} lacks {case.reason!r}")
    assert not failures, "\n".join(failures)


def test_every_skip_is_warned_with_file_and_row(loaded):
    articles, _, caught = loaded
    messages = [str(w.message) for w in caught]
    for s in corpus.skipped(articles).itertuples():
        where = s.source if pd.isna(s.row) else f"{s.source}, row {s.row}"
        assert any(m.startswith(f"skipped {where}: {s.reason}") for m in messages), where
    for p in corpus.problems(articles).itertuples():
        where = p.source if pd.isna(p.row) else f"{p.source}, row {p.row}"
        assert f"{where}: {p.problem}" in messages


def test_text_is_clean_unicode(loaded):
    articles, _, _ = loaded
    import unicodedata

    for text in articles["text"]:
        assert unicodedata.is_normalized("NFC", text)
        assert "\r" not in text and "\x00" not in text and "\ufeff" not in text
        assert "\u00c3" not in text  # no mojibake of UTF-8 read as Latin-1 ("Ã¼")


def test_encodings_are_recorded(loaded):
    articles, _, _ = loaded
    enc = articles.set_index("source")["encoding"]
    assert enc["utf8.txt"] == "utf-8"
    assert enc["bom_crlf.txt"] == "utf-8-sig"
    assert enc["cp1252.txt"] == enc["latin1.txt"] == "cp1252"
    assert enc["mixed.txt"] == "utf-8+cp1252"
    assert enc["utf16.txt"] == "utf-16"


def test_metadata_problems_are_reported(loaded):
    articles, _, _ = loaded
    meta = corpus.skipped(articles)
    meta = meta[meta["kind"] == "metadata"].set_index("row")
    assert meta["source"].eq("metadata.csv").all()
    assert set(meta.index) == set(hostile.METADATA_PROBLEMS)
    for row, reason in hostile.METADATA_PROBLEMS.items():
        assert reason in meta.loc[row, "reason"]
    by_source = articles.set_index("source")
    for source, value in hostile.UNPARSED_DATES.items():
        assert (by_source.loc[source, "date"], by_source.loc[source, "date_precision"]) == (value, "unparsed")
    problems = corpus.problems(articles)
    for value in hostile.UNPARSED_DATES.values():
        hit = problems[problems["problem"].str.contains(repr(value), regex=False)]
        assert hit["source"].tolist() == ["metadata.csv"] and hit["row"].notna().all()
    # metadata that did load: unknown column kept, German month name parsed
    assert by_source.loc["utf8.txt", "Ressort"] == "Technik"
    assert by_source.loc["dup_a.txt", "date"] == "2022-05-23"


def test_nothing_outside_the_folder_is_read(loaded):
    articles, _, _ = loaded
    assert not articles["text"].str.contains("Geheimer Text").any()
    assert not articles["text"].str.contains("root:").any()


def test_strict_raises_on_the_first_problem(built):
    folder, _ = built
    with pytest.raises(corpus.CorpusError, match=r"^\S.*: "):
        corpus.load(folder, strict=True)


@pytest.mark.parametrize("name", ["empty.txt", "garbage.txt", "dup_b.txt", "nav_only.txt", "lines.jsonl"])
def test_strict_names_the_file(built, tmp_path, name):
    folder, _ = built
    single = tmp_path / "c"
    single.mkdir()
    (single / "ok.txt").write_bytes((folder / "utf8.txt").read_bytes())
    (single / name).write_bytes((folder / name).read_bytes())
    if name == "dup_b.txt":
        (single / "dup_a.txt").write_bytes((folder / "dup_a.txt").read_bytes())
    with pytest.raises(corpus.CorpusError, match=name.replace(".", r"\.")):
        corpus.load(single, strict=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", corpus.CorpusWarning)
        assert len(corpus.load(single)) >= 1


def test_each_hostile_file_alone_never_crashes(built):
    """Loaded one by one, every input either loads or raises CorpusError (nothing else)."""
    folder, cases = built
    for source in sorted({c.source for c in cases}):
        path = folder / source
        if source == "big.txt" or path.suffix == ".png":
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", corpus.CorpusWarning)
            try:
                articles = corpus.load(path)
            except corpus.CorpusError as err:
                assert source.split("/")[-1] in str(err)
            else:
                assert len(articles) >= 1


def test_unterminated_csv_quote_is_reported(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text('doc_id,text\na,"Ein guter Artikel. Mit Text."\nb,"offenes Zitat\nc,weiter\n', encoding="utf-8")
    with pytest.warns(corpus.CorpusWarning, match=r"bad\.csv, row 3: a quote .* never closed.*lines 3-4"):
        articles = corpus.load(path)
    assert articles["doc_id"].tolist() == ["a"]


def test_oversized_file_is_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "MAX_FILE_BYTES", 100)
    (tmp_path / "small.txt").write_text("Kurzer Artikel. Mit Text.", encoding="utf-8")
    (tmp_path / "large.txt").write_text("Langer Artikel. " * 20, encoding="utf-8")
    with pytest.warns(corpus.CorpusWarning, match=r"large\.txt: file is .* above"):
        articles = corpus.load(tmp_path)
    assert articles["doc_id"].tolist() == ["small"]


def test_html_reprs_escape_article_text(loaded):
    articles, _, _ = loaded
    page = articles[articles["source"] == "page.html"]
    assert "<teuer>" in page.iloc[0]["text"]
    with pd.option_context("display.max_colwidth", None):
        html = page._repr_html_()
    assert "&lt;teuer&gt;" in html and "<teuer>" not in html
