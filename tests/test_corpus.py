"""Loader tests: every input format, the cleaning rules on the seeds, errors that say what to do."""
from __future__ import annotations

import hashlib
import json
import warnings

import pandas as pd
import pytest

from analysis import corpus, paths

VIDEOAKTIV = "000_e81f54c3711b3aa5"
CURVED = "002_dda3f7069e300e3a"

ARTICLE = (
    "Xiaomi und Leica arbeiten zusammen\n\n"
    "Die Kamera soll am 3. Mai vorgestellt werden. Dr. Müller ist skeptisch.\n\n"
    "Der Preis ist z. B. noch unbekannt."
)


@pytest.fixture(scope="module")
def seeds():
    return corpus.load(paths.SEEDS)


@pytest.fixture(scope="module")
def seed_sentences(seeds):
    return corpus.sentences(seeds)


def _quiet_load(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", corpus.CorpusWarning)
        return corpus.load(*args, **kwargs)


# --------------------------------------------------------------------------- the seeds


def test_seeds_load_with_their_metadata(seeds):
    assert list(seeds.columns[: len(corpus.ARTICLE_COLUMNS)]) == corpus.ARTICLE_COLUMNS
    by_id = seeds.set_index("doc_id")
    assert list(by_id.index) == [VIDEOAKTIV, CURVED]
    assert by_id.loc[VIDEOAKTIV, "outlet"] == "videoaktiv"
    assert by_id.loc[VIDEOAKTIV, "outlet_name"] == "VIDEOAKTIV"
    assert by_id.loc[CURVED, "outlet"] == "curved"
    assert by_id.loc[CURVED, "url"].startswith("https://www.curved.de/")
    assert set(by_id["date"]) == {"2022-05"}
    assert set(by_id["date_precision"]) == {"month"}
    assert set(by_id["language"]) == {"de"}
    assert by_id.loc[VIDEOAKTIV, "title"] == "Xiaomi und Leica: langfristige Partnerschaft für bessere Kameras"
    assert len(corpus.skipped(seeds)) == 0
    assert len(corpus.problems(seeds)) == 0


def test_seed_results_are_frozen(seeds, seed_sentences):
    """Human coding is keyed on (doc_id, sentence_id): the seed text, parts and sentences must not move.

    If a deliberate change to cleaning or segmentation breaks this, the coded
    sentences must be re-keyed before the digests are updated.
    """
    digests = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in seeds["text"]]
    assert digests == [
        "93bd55b782932064ca2b4325f8bac0459c81513322f4015cf7f212be890afdeb",
        "2f6ccc7ad2302534bc01b3075ff1fb7bd0bb68b9405b641aa7031599824f60a5",
    ]
    assert seeds["parts"].tolist() == [
        "headline,lead,body,body,caption,body",
        "lead,body,subheading,body,body,subheading,body",
    ]
    h = hashlib.sha256()
    for r in seed_sentences.itertuples():
        h.update(f"{r.doc_id}\t{r.sentence_id}\t{r.paragraph}\t{r.part}\t{r.start}\t{r.end}\t{r.text}\n".encode())
    assert h.hexdigest() == "e21deb51cb935a7ce67bca5a6a6074733f78f54386648f7902108e067383538e"
    assert seed_sentences.groupby("doc_id").size().to_dict() == {VIDEOAKTIV: 15, CURVED: 23}


def test_seed_cleaning_rules_are_recorded(seeds):
    removed = corpus.removed(seeds)
    got = list(zip(removed["doc_id"], removed["rule"], removed["text"]))
    assert got == [
        (VIDEOAKTIV, "navigation", "YouTube Instagram Vimeo RSS VIDEOAKTIV"),
        (VIDEOAKTIV, "alt_text", "Leica xiaomi stratetic partnership"),
        (VIDEOAKTIV, "caption_placeholder", "Bildunterschrift 1"),
        (VIDEOAKTIV, "alt_text", "Leica xiaomi stratetic partnership2"),
        (CURVED, "date_prefix", "date 2022-05"),
    ]
    assert removed["reason"].str.len().gt(10).all()
    for text in ("YouTube Instagram", "stratetic", "Bildunterschrift", " date 2022-05"):
        assert not seeds["text"].str.contains(text, regex=False).any()
    assert seeds.set_index("doc_id").loc[CURVED, "text"].startswith("Xiaomi hat die Kamera-Katze")


def test_seed_parts(seeds):
    paras = corpus.paragraphs(seeds)
    va = paras[paras.doc_id == VIDEOAKTIV]
    cu = paras[paras.doc_id == CURVED]
    assert va["part"].tolist() == ["headline", "lead", "body", "body", "caption", "body"]
    assert va.iloc[4]["text"].startswith("Gruppe (v.ln.R):")
    assert cu[cu.part == "subheading"]["text"].tolist() == ["Xiaomi und Leica: Ein ungewöhnliches Paar",
                                                          "Nur Augenwischerei?"]
    assert cu.iloc[0]["part"] == "lead"
    for row in paras.itertuples():
        text = seeds.set_index("doc_id").loc[row.doc_id, "text"]
        assert text[row.start:row.end] == row.text


def test_seed_sentence_offsets_point_at_the_text(seeds, seed_sentences):
    texts = seeds.set_index("doc_id")["text"]
    for r in seed_sentences.itertuples():
        assert texts[r.doc_id][r.start:r.end] == r.text
    for doc, group in seed_sentences.groupby("doc_id"):
        assert group["sentence_id"].tolist() == list(range(len(group)))
    no_captions = corpus.sentences(seeds, parts=corpus.TEXT_PARTS)
    assert "caption" not in set(no_captions["part"])
    keys = set(zip(seed_sentences["doc_id"], seed_sentences["sentence_id"], seed_sentences["text"]))
    kept = set(zip(no_captions["doc_id"], no_captions["sentence_id"], no_captions["text"]))
    assert kept < keys  # the same ids for the same sentences: ids stay stable


def test_without_cleaning_nothing_is_removed(seeds):
    raw = corpus.load(paths.SEEDS, clean=False)
    assert len(corpus.removed(raw)) == 0
    assert raw.set_index("doc_id").loc[VIDEOAKTIV, "text"].startswith("YouTube Instagram")


# --------------------------------------------------------------------------- German sentence splitting


@pytest.mark.parametrize(
    "paragraph, expected",
    [
        ("Die Kamera kommt am 3. Mai in den Handel. Sie kostet viel.",
         ["Die Kamera kommt am 3. Mai in den Handel.", "Sie kostet viel."]),
        ("Dr. Müller sagt das. Prof. Schmidt nicht.", ["Dr. Müller sagt das.", "Prof. Schmidt nicht."]),
        ("Es gibt z. B. Leica. Und Zeiss.", ["Es gibt z. B. Leica.", "Und Zeiss."]),
        ("Das ist der 2. Platz für Xiaomi. Gut!", ["Das ist der 2. Platz für Xiaomi.", "Gut!"]),
        ("Kommt sie? Ja. „Sicher.“ Dann.", ["Kommt sie?", "Ja.", "„Sicher.“", "Dann."]),
    ],
)
def test_sentences_on_hard_german_cases(paragraph, expected):
    articles = pd.DataFrame({"doc_id": ["d"], "outlet": ["o"], "text": [paragraph], "parts": ["body"]})
    got = corpus.sentences(articles)
    assert got["text"].tolist() == expected
    for r in got.itertuples():
        assert paragraph[r.start:r.end] == r.text


def test_sentences_needs_a_text_column():
    with pytest.raises(KeyError, match="available"):
        corpus.sentences(pd.DataFrame({"doc_id": ["a"], "body": ["x"]}))


# --------------------------------------------------------------------------- input formats


def _check_article(articles, doc_id, outlet):
    row = articles.set_index("doc_id").loc[doc_id]
    assert row["outlet"] == outlet
    assert "Dr. Müller ist skeptisch." in row["text"]
    assert row["title"] == "Xiaomi und Leica arbeiten zusammen"
    return row


def test_folder_of_txt_with_metadata(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_text("Zweiter Artikel zum Thema\n\nLeica baut Kameras. Das ist bekannt.", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text(
        "file,outlet,outlet_name,date,url,author\n"
        "a.txt,tagesblatt,Tagesblatt,2022-05-23,https://example.org/a,Anna\n"
        "b.txt,wochenpost,Wochenpost,2022-05,,\n",
        encoding="utf-8",
    )
    articles = corpus.load(tmp_path)
    assert len(articles) == 2
    a = _check_article(articles, "a", "tagesblatt")
    assert (a["outlet_name"], a["date"], a["date_precision"], a["url"], a["author"]) == (
        "Tagesblatt", "2022-05-23", "day", "https://example.org/a", "Anna")
    assert articles.set_index("doc_id").loc["b", "date_precision"] == "month"
    assert articles["source"].tolist() == ["a.txt", "b.txt"]


def test_metadata_keyed_by_doc_id_and_mapped_columns(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("doc_id;quelle\na;tagesblatt\n", encoding="utf-8")
    articles = corpus.load(tmp_path, outlet="quelle")
    _check_article(articles, "a", "tagesblatt")


@pytest.mark.parametrize("suffix, sep", [(".csv", ","), (".tsv", "\t"), (".csv", ";")])
def test_csv_and_tsv_with_column_mapping(tmp_path, suffix, sep):
    frame = pd.DataFrame({"id": ["x1", "x2"], "source": ["tagesblatt", "wochenpost"],
                          "body": [ARTICLE, ARTICLE.replace("skeptisch", "begeistert")],
                          "published": ["2022-05-23", "23.05.2022"], "wordcount": [20, 21]})
    path = tmp_path / f"articles{suffix}"
    frame.to_csv(path, sep=sep, index=False)
    articles = corpus.load(path, text="body", outlet="source", doc_id="id", date="published")
    _check_article(articles, "x1", "tagesblatt")
    assert articles["date"].tolist() == ["2022-05-23", "2022-05-23"]
    assert articles["wordcount"].tolist() == ["20", "21"]  # unknown columns are kept
    assert "begeistert" in articles.set_index("doc_id").loc["x2", "text"]


def test_jsonl(tmp_path):
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(json.dumps({"doc_id": f"j{i}", "outlet": "jsonpost", "text": ARTICLE, "n": i},
                                         ensure_ascii=False) for i in range(2)).replace("\n", "\n\n")
                    .replace("skeptisch", "skeptisch", 1), encoding="utf-8")
    articles = _quiet_load(path, duplicates="keep")
    assert articles["doc_id"].tolist() == ["j0", "j1"]
    _check_article(articles, "j0", "jsonpost")


def test_parquet(tmp_path):
    path = tmp_path / "articles.parquet"
    pd.DataFrame({"doc_id": ["p1"], "medium": ["parkett"], "content": [ARTICLE],
                  "date": [pd.Timestamp("2022-05-23 10:30")]}).to_parquet(path)
    articles = corpus.load(path, text="content", outlet="medium")
    row = _check_article(articles, "p1", "parkett")
    assert (row["date"], row["date_precision"]) == ("2022-05-23T10:30:00", "time")


def test_news_please_json_files(tmp_path):
    record = {
        "authors": ["A. Autor"], "date_download": "2022-05-24 08:00:00", "date_modify": None,
        "date_publish": "2022-05-23 15:42:00", "description": "Leica und Xiaomi arbeiten zusammen.",
        "filename": "https%3A%2F%2Fexample.org%2Fa.json", "image_url": None, "language": "de",
        "localpath": None, "maintext": "Die Kamera soll am 3. Mai vorgestellt werden. Dr. Müller ist skeptisch.",
        "source_domain": "example.org", "title": "Xiaomi und Leica arbeiten zusammen",
        "title_page": None, "title_rss": None, "url": "https://example.org/a",
    }
    (tmp_path / "a.json").write_text(json.dumps(record), encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps(dict(record, maintext="Ganz anderer Text. Mit zwei Sätzen.",
                                                     filename="b", source_domain="other.org")), encoding="utf-8")
    articles = corpus.load(tmp_path)
    assert len(articles) == 2
    a = articles.set_index("source").loc["a.json"]
    assert a["outlet"] == "example.org"
    assert a["title"] == "Xiaomi und Leica arbeiten zusammen"
    assert (a["date"], a["date_precision"]) == ("2022-05-23T15:42:00", "time")
    assert a["url"] == "https://example.org/a"
    assert a["authors"] == "A. Autor"
    assert a["text"].startswith("Leica und Xiaomi arbeiten zusammen.\n\nDie Kamera")
    single = corpus.load(tmp_path / "b.json")
    assert single["outlet"].tolist() == ["other.org"]


def test_single_txt_file_with_unknown_outlet(tmp_path):
    path = tmp_path / "lonely.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    articles = corpus.load(path)
    row = _check_article(articles, "lonely", corpus.UNKNOWN_OUTLET)
    assert row["outlet_name"] == corpus.UNKNOWN_OUTLET


def test_file_with_unknown_outlet_loads_beside_known_ones(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(ARTICLE.replace("Preis", "Betrag"), encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("file,outlet\na.txt,tagesblatt\n", encoding="utf-8")
    with pytest.warns(corpus.CorpusWarning, match=r"b\.txt.*no row in metadata\.csv"):
        articles = corpus.load(tmp_path)
    assert articles.set_index("doc_id")["outlet"].to_dict() == {"a": "tagesblatt", "b": "unknown"}


def test_attrs_survive_merges(seeds, seed_sentences):
    """DataFrames in attrs must not break pandas' attrs comparison in merge/concat."""
    merged = seed_sentences.merge(seeds[["doc_id", "outlet_name"]], on="doc_id")
    assert len(merged) == len(seed_sentences)
    both = pd.concat([seeds, corpus.load(paths.SEEDS)])
    assert len(both) == 4
    assert seeds.merge(seeds[["doc_id"]].copy(), on="doc_id").shape[0] == 2


# --------------------------------------------------------------------------- errors name file, row and columns


def test_wrong_column_lists_the_available_ones(tmp_path):
    path = tmp_path / "articles.csv"
    pd.DataFrame({"body": [ARTICLE], "source": ["x"]}).to_csv(path, index=False)
    with pytest.raises(corpus.CorpusError) as err:
        corpus.load(path)
    message = str(err.value)
    assert "articles.csv" in message and "text='text'" in message
    assert "'body'" in message and "'source'" in message
    with pytest.raises(corpus.CorpusError, match=r"outlet='medium'.*Available columns: 'body', 'source'"):
        corpus.load(path, text="body", outlet="medium")


def test_missing_path_and_unknown_type(tmp_path):
    with pytest.raises(corpus.CorpusError, match="no such file or folder"):
        corpus.load(tmp_path / "nope")
    odd = tmp_path / "articles.docx"
    odd.write_bytes(b"PK\x03\x04")
    with pytest.raises(corpus.CorpusError, match=r"articles\.docx.*unknown file type"):
        corpus.load(odd)


def test_nothing_loadable_names_every_file(tmp_path):
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "blank.txt").write_text("   \n", encoding="utf-8")
    with pytest.raises(corpus.CorpusError, match=r"no articles found.*blank\.txt.*white space.*empty\.txt.*empty"):
        _quiet_load(tmp_path)


def test_bad_rows_are_named_by_line(tmp_path):
    path = tmp_path / "articles.jsonl"
    path.write_text(json.dumps({"text": ARTICLE}) + "\n{kaputt\n", encoding="utf-8")
    with pytest.warns(corpus.CorpusWarning, match=r"articles\.jsonl, row 2: line is not valid JSON"):
        articles = corpus.load(path)
    assert len(articles) == 1
    skipped = corpus.skipped(articles)
    assert skipped[["source", "row"]].values.tolist() == [["articles.jsonl", 2]]
    with pytest.raises(corpus.CorpusError, match=r"articles\.jsonl, row 2"):
        corpus.load(path, strict=True)


def test_duplicates_option(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(ARTICLE, encoding="utf-8")
    with pytest.warns(corpus.CorpusWarning, match="exact duplicate of 'a'"):
        once = corpus.load(tmp_path)
    assert once["doc_id"].tolist() == ["a"]
    with pytest.warns(corpus.CorpusWarning, match="same text as 'a'"):
        both = corpus.load(tmp_path, duplicates="keep")
    assert both["doc_id"].tolist() == ["a", "b"]
    with pytest.raises(ValueError, match="'skip', 'keep'"):
        corpus.load(tmp_path, duplicates="drop")


def test_same_text_in_two_outlets_is_kept(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("file,outlet\na.txt,one\nb.txt,two\n", encoding="utf-8")
    with pytest.warns(corpus.CorpusWarning, match="same text as 'a'"):
        articles = corpus.load(tmp_path)
    assert articles["outlet"].tolist() == ["one", "two"]
    assert corpus.problems(articles)["source"].tolist() == ["b.txt"]


def test_repeated_doc_ids_are_renamed_and_reported(tmp_path):
    path = tmp_path / "a.csv"
    pd.DataFrame({"doc_id": ["x", "x"], "text": [ARTICLE, ARTICLE + " Anders."]}).to_csv(path, index=False)
    # rows are file lines: the first record spans lines 2-6 (the text holds newlines)
    with pytest.warns(corpus.CorpusWarning, match=r"a\.csv, row 7: doc_id 'x' occurs more than once"):
        articles = corpus.load(path)
    assert articles["doc_id"].tolist() == ["x", "x~1"]


@pytest.mark.parametrize(
    "value, expected",
    [("2022-05-23", ("2022-05-23", "day")), ("2022-05", ("2022-05", "month")), ("2022", ("2022", "year")),
     ("23.05.2022", ("2022-05-23", "day")), ("23. Mai 2022", ("2022-05-23", "day")),
     ("2022-05-23T10:00:00+02:00", ("2022-05-23T10:00:00+02:00", "time")),
     ("Mon, 23 May 2022 10:00:00 +0200", ("2022-05-23T10:00:00+02:00", "time")),
     ("today", ("today", "unparsed")), ("2022-13", ("2022-13", "unparsed"))],
)
def test_dates(tmp_path, value, expected):
    path = tmp_path / "a.csv"
    pd.DataFrame({"text": [ARTICLE], "date": [value]}).to_csv(path, index=False)
    articles = _quiet_load(path)
    assert tuple(articles.loc[0, ["date", "date_precision"]]) == expected
    if expected[1] == "unparsed":
        assert corpus.problems(articles)["problem"].str.contains(repr(value), regex=False).any()


def test_metadata_file_names_without_extension(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("file,outlet\na,tagesblatt\n", encoding="utf-8")
    _check_article(corpus.load(tmp_path), "a", "tagesblatt")


def test_metadata_in_a_legacy_encoding_with_bom_and_crlf(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "metadata.csv").write_bytes("\ufefffile;outlet;outlet_name\r\na.txt;sz;Süddeutsche\r\n".encode("utf-8"))
    row = _check_article(corpus.load(tmp_path), "a", "sz")
    assert row["outlet_name"] == "Süddeutsche"
    (tmp_path / "metadata.csv").write_bytes("file;outlet;outlet_name\r\na.txt;sz;Süddeutsche\r\n".encode("cp1252"))
    assert corpus.load(tmp_path).loc[0, "outlet_name"] == "Süddeutsche"


@pytest.mark.parametrize(
    "data, text, encoding",
    [
        ("Größe".encode("utf-8"), "Größe", "utf-8"),
        (b"\xef\xbb\xbf" + "Größe".encode("utf-8"), "Größe", "utf-8-sig"),
        ("Größe €".encode("cp1252"), "Größe €", "cp1252"),
        ("Größe ".encode("utf-8") + "Maß".encode("cp1252"), "Größe Maß", "utf-8+cp1252"),
        ("Größe und Maß".encode("utf-16-le"), "Größe und Maß", "utf-16-le"),
        (b"\xff\xfe" + "Größe".encode("utf-16-le"), "Größe", "utf-16"),
    ],
)
def test_decode(data, text, encoding):
    assert corpus.decode(data) == (text, encoding)


def test_decode_refuses_binary_and_normalise_cleans():
    with pytest.raises(corpus.CorpusError, match="looks binary"):
        corpus.decode(b"\x00\x01\x02\x03" * 100, source="x.bin")
    text, notes = corpus.normalise_text("\ufeffa\r\nb\x00c\x07d\u0301")
    assert text == "a\nbcd\u0301"  # BOM, CR, NUL and BEL gone; d + acute has no composed form
    assert notes == ["removed 1 NUL byte(s)", "removed 1 control character(s)"]
    assert corpus.normalise_text("u\u0308ber")[0] == "über"


# --------------------------------------------------------------------------- reading large delimited files


@pytest.mark.parametrize("text", [
    "", "\n", "a", "a\n", "a\nb", "a\nb\n", "\n\na\n\n", 'x\t"multi\nline\n"\ty\nz\t"q"\t\n', "ä\n„b“\n\n",
    "a\x85b\nc\u2028d\n",  # other Unicode line breaks are not line ends for csv (as with StringIO(newline=""))
])
def test_lines_are_those_of_stringio(text):
    import csv
    import io

    assert list(corpus._lines(text)) == list(io.StringIO(text, newline=""))
    assert list(csv.reader(corpus._lines(text), delimiter="\t")) == \
        list(csv.reader(io.StringIO(text, newline=""), delimiter="\t"))


def test_tsv_with_quoted_line_breaks_keeps_row_numbers(tmp_path):
    path = tmp_path / "c.tsv"
    path.write_text('text\toutlet\n"Erste Zeile.\n\nZweiter Absatz."\ta\nDritter Text.\tb\n', encoding="utf-8")
    articles = _quiet_load(path, outlet="outlet")
    assert articles["text"].tolist() == ["Erste Zeile.\n\nZweiter Absatz.", "Dritter Text."]
    assert articles["doc_id"].tolist() == ["c-2", "c-5"]


def _messy_folder(folder):
    """Articles with metadata for some, a duplicate, an empty file, a repeated doc_id and cleaning to do."""
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "b.txt").write_text("Zweiter Artikel\n\nLeica baut Kameras. Das ist bekannt.", encoding="utf-8")
    (folder / "c.txt").write_text(ARTICLE, encoding="utf-8")  # same text as a.txt, same outlet: skipped
    (folder / "d.txt").write_text("   ", encoding="utf-8")  # empty: skipped
    (folder / "e.txt").write_text("Dritter Artikel\n\nfoto_2022.jpg\n\nXiaomi baut Telefone. Gut so.", encoding="utf-8")
    table = pd.DataFrame({"doc_id": ["x", "x", "y"], "text": ["Ein Text. Mit zwei Sätzen.", "Noch ein Text.",
                                                              "Dritter Text hier."], "page": [3, None, 5]})
    table.to_csv(folder / "more.csv", index=False)
    (folder / "metadata.csv").write_text("file,outlet,author\na.txt,tagesblatt,Anna\nc.txt,tagesblatt,\n"
                                         "e.txt,wochenpost,Ben\n", encoding="utf-8")


@pytest.mark.parametrize("batch_size", [1, 2, 3, 100])
def test_batches_give_what_load_gives(tmp_path, batch_size):
    _messy_folder(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", corpus.CorpusWarning)
        whole = corpus.load(tmp_path)
        batches = corpus.Batches(tmp_path, batch_size=batch_size)
        parts = list(batches)
    assert batches.inputs == 8 and batches.articles == len(whole) == 6
    assert all(len(p) == batch_size for p in parts[:-1]) and 0 < len(parts[-1]) <= batch_size
    assert all(list(p.columns) == list(whole.columns) for p in parts)  # the same columns in every batch
    joined = pd.concat(parts, ignore_index=True)
    pd.testing.assert_frame_equal(joined, whole, check_dtype=False)
    for got, expected in ((batches.removed(), corpus.removed(whole)), (batches.skipped(), corpus.skipped(whole)),
                          (batches.problems(), corpus.problems(whole))):
        pd.testing.assert_frame_equal(pd.DataFrame(got), pd.DataFrame(expected))
    assert len(batches.skipped()) == 2 and len(batches.removed()) >= 1
    with pytest.raises(RuntimeError, match="once"):
        list(batches)


def test_batches_fail_like_load(tmp_path):
    with pytest.raises(corpus.CorpusError, match="no such file"):
        corpus.Batches(tmp_path / "missing.csv")
    (tmp_path / "empty.txt").write_text("  ", encoding="utf-8")
    batches = corpus.Batches(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", corpus.CorpusWarning)
        with pytest.raises(corpus.CorpusError, match="no articles found.*empty.txt"):
            list(batches)
