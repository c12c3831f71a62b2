"""Load articles into tidy tables: articles, paragraphs and sentences.

``load`` reads a corpus in any of the common formats and returns one row per
article; ``paragraphs`` and ``sentences`` derive the finer tables from it.

Supported inputs
----------------
* a folder of ``.txt`` (or ``.html``) files, one article each, with an optional
  metadata table (``metadata.csv``/``metadata.tsv``) whose ``file`` or
  ``doc_id`` column names the article;
* a folder of news-please ``.json`` files;
* a single CSV, TSV, JSONL (``.jsonl``/``.ndjson``), Parquet or news-please JSON file;
* a single ``.txt`` file.

Tabular inputs name their columns with keyword arguments, e.g.
``load("my.csv", text="body", outlet="source")``.

Nothing is dropped silently: a file or row that cannot be loaded is reported
in a warning naming it and the reason, and listed in ``articles.attrs["skipped"]``;
what cleaning removed from the kept articles is listed in
``articles.attrs["removed"]`` (see :mod:`analysis.cleaning`). With
``strict=True`` the first problem raises :class:`CorpusError` instead.
"""
from __future__ import annotations

import html
import json
import re
import unicodedata
import warnings
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

from . import cleaning, segment

#: The columns every articles table has, in this order.
ARTICLE_COLUMNS = [
    "doc_id", "outlet", "outlet_name", "title", "date", "date_precision", "url", "language",
    "text", "parts", "source",
]
#: Columns of the paragraphs table.
PARAGRAPH_COLUMNS = ["doc_id", "outlet", "paragraph", "part", "text", "start", "end"]
#: Columns of the sentences table.
SENTENCE_COLUMNS = ["doc_id", "outlet", "paragraph", "part", "sentence_id", "text", "start", "end"]
#: Parts of the running text; captions are kept apart (``sentences[sentences.part.isin(TEXT_PARTS)]``).
TEXT_PARTS = cleaning.TEXT_PARTS

UNKNOWN_OUTLET = "unknown"
TEXT_SUFFIXES = {".txt", ".text", ".md", ".html", ".htm"}
TABLE_SUFFIXES = {".csv", ".tsv", ".tab", ".jsonl", ".ndjson", ".parquet", ".pq"}
METADATA_NAMES = ("metadata.csv", "metadata.tsv", "meta.csv")
MAX_FILE_BYTES = 200 * 1024 * 1024


class CorpusError(ValueError):
    """Raised for input that cannot be read (always in strict mode)."""


# --------------------------------------------------------------------------- decoding


def decode(data: bytes, *, source: str = "<bytes>") -> tuple[str, str]:
    """Decode raw bytes to NFC text; returns ``(text, encoding)``.

    UTF-8 (with or without BOM) is tried first, then Windows-1252, which covers
    Latin-1 German text. Line ends are normalised to ``\\n``.

    Raises
    ------
    CorpusError
        If the bytes look binary (NUL bytes or many control characters).
    """
    if b"\x00" in data[:100_000] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CorpusError(f"{source}: looks binary (contains NUL bytes); save the article as UTF-8 text")
    encoding = "utf-8"
    if data.startswith(b"\xef\xbb\xbf"):
        data, encoding = data[3:], "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, encoding = data.decode("utf-16"), "utf-16"
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text, encoding = data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                text, encoding = data.decode("latin-1"), "latin-1"
    sample = text[:20_000]
    control = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    if sample and control / len(sample) > 0.05:
        raise CorpusError(f"{source}: looks binary ({control} control characters); save the article as UTF-8 text")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return unicodedata.normalize("NFC", text), encoding


class _TextExtractor(HTMLParser):
    """Collect the visible text of an HTML page, one paragraph per block element."""

    BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "br", "figcaption", "article",
              "section", "blockquote", "tr", "header", "footer", "title"}
    SKIP = {"script", "style", "noscript", "template", "svg", "iframe", "head"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skip += 1
        elif tag in self.BLOCKS:
            self.chunks.append("\n\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skip:
            self._skip -= 1
        elif tag in self.BLOCKS:
            self.chunks.append("\n\n")

    def handle_data(self, data):
        if not self._skip:
            self.chunks.append(data)


_HTML_HINT = re.compile(r"<\s*(?:html|body|p|div|br|script|span|a|h[1-6])\b[^>]*>", re.IGNORECASE)


def strip_html(text: str) -> str:
    """Visible text of HTML markup (scripts and styles dropped, block elements become paragraphs)."""
    parser = _TextExtractor()
    parser.feed(text)
    parser.close()
    return html.unescape("".join(parser.chunks))


def looks_like_html(text: str) -> bool:
    """True if ``text`` contains HTML block or inline tags."""
    return bool(_HTML_HINT.search(text[:50_000]))


# --------------------------------------------------------------------------- loading


class _Report:
    """Collects skipped inputs; warns or raises."""

    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.rows: list[dict] = []

    def skip(self, source: str, reason: str, row: int | None = None) -> None:
        where = source if row is None else f"{source}, row {row}"
        if self.strict:
            raise CorpusError(f"{where}: {reason}")
        warnings.warn(f"skipped {where}: {reason}", stacklevel=4)
        self.rows.append({"source": source, "row": row, "reason": reason})

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=["source", "row", "reason"])


def _read_table(path: Path, report: _Report) -> pd.DataFrame | None:
    suffix = path.suffix.lower()
    try:
        if suffix in {".parquet", ".pq"}:
            return pd.read_parquet(path)
        data = path.read_bytes()
        text, _ = decode(data, source=str(path))
        if suffix in {".jsonl", ".ndjson"}:
            records = []
            for i, line in enumerate(text.split("\n"), start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    report.skip(str(path), f"line is not valid JSON ({exc.msg})", row=i)
                    continue
                if not isinstance(obj, dict):
                    report.skip(str(path), "line is JSON but not an object", row=i)
                    continue
                obj["_row"] = i
                records.append(obj)
            return pd.DataFrame.from_records(records)
        import io

        sep = "\t" if suffix in {".tsv", ".tab"} else None
        frame = pd.read_csv(io.StringIO(text), sep=sep, engine="python", dtype=str, keep_default_na=False)
        frame["_row"] = range(2, len(frame) + 2)  # 1-based, after the header line
        return frame
    except CorpusError as exc:
        report.skip(str(path), str(exc).split(": ", 1)[-1])
    except Exception as exc:  # noqa: BLE001 - any parser error is reported with the file name
        report.skip(str(path), f"could not be parsed as {suffix.lstrip('.').upper()} ({type(exc).__name__}: {exc})")
    return None


def _news_please(obj: dict) -> dict:
    """Map a news-please record to our columns."""
    text = "\n\n".join(x for x in (obj.get("description"), obj.get("maintext")) if x)
    return {
        "doc_id": obj.get("filename") or obj.get("url"),
        "title": obj.get("title") or "",
        "text": text,
        "date": obj.get("date_publish") or obj.get("date_modify") or obj.get("date_download") or "",
        "url": obj.get("url") or "",
        "outlet": obj.get("source_domain") or "",
        "language": obj.get("language") or "",
    }


def _date_precision(value: str) -> str:
    value = str(value or "").strip()
    if not value:
        return ""
    if re.fullmatch(r"\d{4}", value):
        return "year"
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return "month"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return "day"
    return "time" if re.match(r"\d{4}-\d{2}-\d{2}[T ]\d", value) else "unparsed"


def _normalise_date(value, source: str, report: _Report) -> tuple[str, str]:
    value = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip()
    if not value:
        return "", ""
    if _date_precision(value) in {"year", "month", "day"}:
        return value, _date_precision(value)
    try:
        parsed = pd.Timestamp(value)
    except (ValueError, TypeError):
        parsed = None
    if parsed is None or pd.isna(parsed):
        try:
            parsed = pd.to_datetime(value, dayfirst=True)
        except (ValueError, TypeError):
            warnings.warn(f"{source}: date {value!r} could not be parsed; kept as text with precision 'unparsed'",
                          stacklevel=4)
            return value, "unparsed"
    if parsed.hour or parsed.minute or parsed.second:
        return parsed.isoformat(), "time"
    return parsed.strftime("%Y-%m-%d"), "day"


def _check_columns(frame: pd.DataFrame, mapping: dict[str, str], source: str) -> None:
    missing = [f"{key}={col!r}" for key, col in mapping.items() if col not in frame.columns]
    if missing:
        available = ", ".join(repr(c) for c in frame.columns if c != "_row")
        raise CorpusError(
            f"{source}: no column {' '.join(missing)}. Available columns: {available}. "
            f"Name the right one, e.g. corpus.load(path, text='body')."
        )


def _rows_from_table(frame: pd.DataFrame, source: str, mapping: dict[str, str], report: _Report) -> list[dict]:
    text_col = mapping.get("text", "text")
    if text_col not in frame.columns and {"maintext", "source_domain"} <= set(frame.columns):
        return [dict(_news_please(r), source=source) for r in frame.to_dict("records")]
    _check_columns(frame, {"text": text_col}, source)
    explicit = {k: v for k, v in mapping.items() if k != "text"}
    _check_columns(frame, explicit, source)
    rename = {v: k for k, v in mapping.items()}
    rows = []
    for record in frame.to_dict("records"):
        row = {rename.get(k, k): v for k, v in record.items()}
        row["source"] = source
        rows.append(row)
    return rows


def _read_text_file(path: Path, report: _Report) -> dict | None:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            report.skip(str(path), f"file is {size / 1e6:.0f} MB, above the {MAX_FILE_BYTES / 1e6:.0f} MB limit")
            return None
        text, encoding = decode(path.read_bytes(), source=str(path))
    except CorpusError as exc:
        report.skip(str(path), str(exc).split(": ", 1)[-1])
        return None
    except OSError as exc:
        report.skip(str(path), f"could not be read ({exc.strerror})")
        return None
    return {"doc_id": path.stem, "text": text, "source": path.name, "encoding": encoding}


def _read_folder(folder: Path, report: _Report, mapping: dict[str, str]) -> list[dict]:
    rows: list[dict] = []
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    meta_file = next((folder / n for n in METADATA_NAMES if (folder / n).is_file()), None)
    for path in files:
        suffix = path.suffix.lower()
        if path == meta_file or path.name.lower() in {"readme.md", "readme.txt", "license", "license.txt"}:
            continue
        if suffix in TEXT_SUFFIXES:
            row = _read_text_file(path, report)
            if row:
                rows.append(row)
        elif suffix == ".json":
            rows.extend(_read_json(path, report))
        elif suffix in TABLE_SUFFIXES:
            frame = _read_table(path, report)
            if frame is not None:
                rows.extend(_rows_from_table(frame, path.name, mapping, report))
        else:
            report.skip(path.name, f"unknown file type {suffix or '(none)'}; use .txt, .csv, .tsv, .jsonl, .parquet or .json")
    if meta_file is not None:
        rows = _merge_metadata(rows, meta_file, folder, report)
    return rows


def _read_json(path: Path, report: _Report) -> list[dict]:
    try:
        text, _ = decode(path.read_bytes(), source=str(path))
        obj = json.loads(text)
    except CorpusError as exc:
        report.skip(path.name, str(exc).split(": ", 1)[-1])
        return []
    except json.JSONDecodeError as exc:
        report.skip(path.name, f"not valid JSON (line {exc.lineno}: {exc.msg})")
        return []
    records = obj if isinstance(obj, list) else [obj]
    rows = []
    for i, rec in enumerate(records):
        if not isinstance(rec, dict):
            report.skip(path.name, "JSON record is not an object", row=i)
            continue
        row = _news_please(rec) if "maintext" in rec or "source_domain" in rec else dict(rec)
        row.setdefault("doc_id", path.stem if len(records) == 1 else f"{path.stem}-{i}")
        if not row.get("doc_id"):
            row["doc_id"] = path.stem
        row["source"] = path.name
        rows.append(row)
    return rows


def _merge_metadata(rows: list[dict], meta_file: Path, folder: Path, report: _Report) -> list[dict]:
    meta = _read_table(meta_file, report)
    if meta is None:
        return rows
    meta = meta.drop(columns=["_row"], errors="ignore")
    key = "file" if "file" in meta.columns else "doc_id" if "doc_id" in meta.columns else None
    if key is None:
        report.skip(meta_file.name, "metadata has neither a 'file' nor a 'doc_id' column; it was not used")
        return rows
    by_key = {}
    for record in meta.to_dict("records"):
        name = str(record.get(key, "")).strip()
        if key == "file" and (Path(name).is_absolute() or ".." in Path(name).parts):
            report.skip(meta_file.name, f"file name {name!r} points outside the corpus folder; row ignored")
            continue
        by_key[name] = record
    seen = set()
    for row in rows:
        name = row["source"] if key == "file" else row.get("doc_id")
        record = by_key.get(name)
        if record is None:
            continue
        seen.add(name)
        for col, value in record.items():
            if col == "file" or value is None or value == "":
                continue
            row[col] = value
    for name in by_key:
        if name not in seen:
            warnings.warn(f"{meta_file.name}: metadata names {name!r}, which is not in {folder}", stacklevel=4)
    return rows


def load(
    path: str | Path,
    *,
    strict: bool = False,
    clean: bool = True,
    text: str = "text",
    outlet: str | None = None,
    title: str | None = None,
    date: str | None = None,
    doc_id: str | None = None,
    url: str | None = None,
    **columns: str,
) -> pd.DataFrame:
    """Load a corpus into one row per article.

    Parameters
    ----------
    path
        A folder of article files, or one CSV/TSV/JSONL/Parquet/JSON/TXT file.
    strict
        Raise :class:`CorpusError` on the first problem instead of skipping and
        reporting it.
    clean
        Apply the cleaning rules of :mod:`analysis.cleaning` (navigation bars,
        alt texts, caption placeholders, date prefixes). Parts are labelled either way.
    text, outlet, title, date, doc_id, url
        Column names in tabular input, e.g. ``text="body", outlet="source"``.
    **columns
        Further renames ``ours="theirs"`` for other columns.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ARTICLE_COLUMNS` plus any metadata. ``attrs["skipped"]``
        lists inputs that could not be loaded, ``attrs["removed"]`` what
        cleaning removed.

    Raises
    ------
    CorpusError
        If the path does not exist, a named column is missing, or nothing loads.
    """
    path = Path(path).expanduser()
    if not path.exists():
        raise CorpusError(f"{path}: no such file or folder. Pass a folder of .txt files or a CSV/TSV/JSONL/Parquet file.")
    mapping = {"text": text}
    for key, value in {"outlet": outlet, "title": title, "date": date, "doc_id": doc_id, "url": url, **columns}.items():
        if value is not None:
            mapping[key] = value
    report = _Report(strict)
    if path.is_dir():
        rows = _read_folder(path, report, mapping)
    else:
        suffix = path.suffix.lower()
        if suffix in TEXT_SUFFIXES:
            rows = [r for r in [_read_text_file(path, report)] if r]
        elif suffix == ".json":
            rows = _read_json(path, report)
        elif suffix in TABLE_SUFFIXES:
            frame = _read_table(path, report)
            rows = [] if frame is None else _rows_from_table(frame, path.name, mapping, report)
        else:
            raise CorpusError(f"{path}: unknown file type {suffix!r}; use .txt, .csv, .tsv, .jsonl, .parquet or .json")
    articles, removed = _build(rows, report, clean=clean)
    if articles.empty:
        skipped = report.frame()
        detail = f" {len(skipped)} input(s) were skipped: " + "; ".join(
            f"{s.source}: {s.reason}" for s in skipped.itertuples()
        ) if len(skipped) else ""
        raise CorpusError(f"{path}: no articles found (looked for {', '.join(sorted(TEXT_SUFFIXES | TABLE_SUFFIXES | {'.json'}))}).{detail}")
    articles.attrs["skipped"] = report.frame()
    articles.attrs["removed"] = removed
    return articles


def _build(rows: list[dict], report: _Report, *, clean: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    records, removed = [], []
    seen_ids: dict[str, int] = {}
    for row in rows:
        source = str(row.get("source", ""))
        where_row = row.pop("_row", None)
        raw = row.get("text")
        if raw is None or (isinstance(raw, float) and pd.isna(raw)):
            raw = ""
        raw = unicodedata.normalize("NFC", str(raw)).replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
        if looks_like_html(raw):
            raw = strip_html(raw)
        if not raw.strip():
            report.skip(source, "article text is empty", row=where_row)
            continue
        structure = cleaning.structure(raw, title=str(row.get("title") or "") or None, clean=clean)
        if not structure.kept:
            report.skip(source, "nothing left after cleaning (" + ", ".join(p.rule for p in structure.removed) + ")",
                        row=where_row)
            continue
        doc = str(row.get("doc_id") or "").strip() or (Path(source).stem + (f"-{where_row}" if where_row else ""))
        if doc in seen_ids:
            seen_ids[doc] += 1
            new = f"{doc}~{seen_ids[doc]}"
            warnings.warn(f"{source}: doc_id {doc!r} occurs more than once; renamed to {new!r}", stacklevel=3)
            doc = new
        else:
            seen_ids[doc] = 0
        date_value, precision = _normalise_date(row.get("date") or structure.date_in_text, source, report)
        if row.get("date_precision"):
            precision = str(row["date_precision"])
        outlet_value = str(row.get("outlet") or "").strip() or UNKNOWN_OUTLET
        record = dict(row)
        record.update(
            doc_id=doc,
            outlet=outlet_value,
            outlet_name=str(row.get("outlet_name") or "").strip() or outlet_value,
            title=str(row.get("title") or "").strip() or structure.headline,
            date=date_value,
            date_precision=precision,
            url=str(row.get("url") or "").strip(),
            language=str(row.get("language") or "").strip() or "de",
            text=structure.text,
            parts=",".join(structure.parts),
            source=source,
        )
        records.append(record)
        for p in sorted(structure.removed, key=lambda p: p.raw_index):
            removed.append({"doc_id": doc, "source": source, "raw_paragraph": p.raw_index, "rule": p.rule,
                            "reason": p.reason, "text": p.text})
    if not records:
        return pd.DataFrame(columns=ARTICLE_COLUMNS), pd.DataFrame(columns=["doc_id", "source", "raw_paragraph", "rule", "reason", "text"])
    frame = pd.DataFrame.from_records(records)
    extra = [c for c in frame.columns if c not in ARTICLE_COLUMNS]
    frame = frame[ARTICLE_COLUMNS + extra].reset_index(drop=True)
    for col in ARTICLE_COLUMNS:
        if col != "text":
            frame[col] = frame[col].astype(str)
    removed_frame = pd.DataFrame(removed, columns=["doc_id", "source", "raw_paragraph", "rule", "reason", "text"])
    return frame, removed_frame


def removed(articles: pd.DataFrame) -> pd.DataFrame:
    """What cleaning removed from the articles, with the rule and the reason."""
    return articles.attrs.get("removed", pd.DataFrame(columns=["doc_id", "source", "raw_paragraph", "rule", "reason", "text"]))


def skipped(articles: pd.DataFrame) -> pd.DataFrame:
    """Inputs that could not be loaded, with the reason."""
    return articles.attrs.get("skipped", pd.DataFrame(columns=["source", "row", "reason"]))


# --------------------------------------------------------------------------- derived tables


def _require(data: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise KeyError(
            f"{what} needs the column(s) {missing}; available: {list(data.columns)}. "
            "Pass the articles table from corpus.load()."
        )


def paragraphs(articles: pd.DataFrame) -> pd.DataFrame:
    """One row per paragraph with its part and offsets into the article text.

    Parameters
    ----------
    articles
        The table from :func:`load`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PARAGRAPH_COLUMNS`.
    """
    _require(articles, ["doc_id", "outlet", "text"], "paragraphs()")
    out = []
    has_parts = "parts" in articles.columns
    for doc_id, outlet, text, parts in zip(
        articles["doc_id"], articles["outlet"], articles["text"],
        articles["parts"] if has_parts else [""] * len(articles),
    ):
        labels = str(parts).split(",") if parts else []
        pos = 0
        for i, chunk in enumerate(str(text).split("\n\n")):
            start, end = pos, pos + len(chunk)
            pos = end + 2
            if not chunk.strip():
                continue
            part = labels[i] if i < len(labels) else ("lead" if i == 0 else "body")
            out.append((doc_id, outlet, i, part, chunk, start, end))
    return pd.DataFrame(out, columns=PARAGRAPH_COLUMNS)


def sentences(articles: pd.DataFrame, *, parts: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per sentence, with offsets into the article text.

    German abbreviations and ordinals (``"3. Mai"``, ``"Dr."``, ``"z. B."``) do
    not end a sentence (see :mod:`analysis.segment`).

    Parameters
    ----------
    articles
        The table from :func:`load`.
    parts
        Keep only these parts (e.g. :data:`TEXT_PARTS` to leave captions out).
        Sentence ids are assigned before filtering, so they stay stable.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SENTENCE_COLUMNS`; ``article.text[start:end] == text``.
    """
    paras = paragraphs(articles)
    rows = []
    current, counter = None, 0
    for doc_id, outlet, para, part, text, start in zip(
        paras["doc_id"], paras["outlet"], paras["paragraph"], paras["part"], paras["text"], paras["start"]
    ):
        if doc_id != current:
            current, counter = doc_id, 0
        for s, e in segment.split_spans(text):
            rows.append((doc_id, outlet, para, part, counter, text[s:e], start + s, start + e))
            counter += 1
    frame = pd.DataFrame(rows, columns=SENTENCE_COLUMNS)
    if parts is not None:
        frame = frame[frame["part"].isin(list(parts))].reset_index(drop=True)
    return frame
