"""Load articles into tidy tables: articles, paragraphs and sentences.

``load`` reads a corpus in any of the common formats and returns one row per
article; ``paragraphs`` and ``sentences`` derive the finer tables from it.

Supported inputs
----------------
* a folder of ``.txt`` (or ``.html``) files, one article each, in sub-folders
  too, with an optional metadata table (``metadata.csv``/``metadata.tsv``)
  whose ``file`` or ``doc_id`` column names the article;
* a folder of news-please ``.json`` files (or any mix of the formats below);
* a single CSV, TSV, JSONL (``.jsonl``/``.ndjson``), Parquet or news-please JSON file;
* a single ``.txt`` file.

Tabular inputs name their columns with keyword arguments, e.g.
``load("my.csv", text="body", outlet="source")``.

What the loader does with awkward input
---------------------------------------
* Text is decoded as UTF-8 (a byte-order mark is dropped); bytes that are not
  UTF-8 are read as Windows-1252, which covers Latin-1 German text, so umlauts
  survive even in a file that mixes both. UTF-16 with a byte-order mark is read too.
  Line ends become ``\\n``, text is normalised to Unicode NFC (decomposed
  umlauts are composed), stray NUL and control characters are removed (with a
  warning).
* HTML markup is reduced to its visible text: block elements become
  paragraphs, ``<script>``, ``<style>`` and similar elements are dropped with
  their content, entities are decoded once.
* Binary files, empty or white-space-only articles, rows whose text is not
  text, lines of a JSONL file that are not JSON, CSV rows with too many
  fields, exact duplicates of an article of the same outlet, files above
  :data:`MAX_FILE_BYTES`, links pointing outside the corpus folder, and
  metadata rows naming a file that is not there are *skipped and reported*.
* Unparsable dates are kept as text with ``date_precision == "unparsed"``;
  unknown columns are kept as metadata; an article without outlet gets
  ``outlet == "unknown"``.

Nothing is dropped silently: every input that cannot be loaded is reported in
a :class:`CorpusWarning` naming the file (and row or line) and the reason, and
listed in ``articles.attrs["skipped"]`` (columns :data:`SKIPPED_COLUMNS`);
other problems that did not stop an article from loading are listed in
``articles.attrs["warnings"]``; what cleaning removed from the kept articles is
listed in ``articles.attrs["removed"]`` (see :mod:`analysis.cleaning`). Every
article input is accounted for: articles loaded plus article inputs skipped
equals the articles offered. With ``strict=True`` the first problem raises
:class:`CorpusError` instead.

Row numbers in these tables are line numbers of the file for CSV, TSV and
JSONL (the header is line 1), and 1-based record numbers for Parquet and JSON
arrays.

Files are only ever read, never written, and only inside the corpus folder:
metadata can name files but not open them, and neither an absolute path, a
``..`` in a metadata file name nor a symbolic link can reach outside the folder.
Nothing is unpickled or evaluated.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import html
import json
import math
import re
import sys
import unicodedata
import warnings
from collections.abc import Iterable
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath, PureWindowsPath

import pandas as pd

from . import cleaning, segment

__all__ = [
    "ARTICLE_COLUMNS", "PARAGRAPH_COLUMNS", "SENTENCE_COLUMNS", "SKIPPED_COLUMNS", "REMOVED_COLUMNS",
    "WARNING_COLUMNS", "TEXT_PARTS", "CorpusError", "CorpusWarning", "decode", "strip_html",
    "looks_like_html", "normalise_text", "load", "Batches", "paragraphs", "sentences", "removed", "skipped",
    "problems",
]

#: The columns every articles table has, in this order.
ARTICLE_COLUMNS = [
    "doc_id", "outlet", "outlet_name", "title", "date", "date_precision", "url", "language",
    "text", "parts", "source",
]
#: Columns of the paragraphs table.
PARAGRAPH_COLUMNS = ["doc_id", "outlet", "paragraph", "part", "text", "start", "end"]
#: Columns of the sentences table.
SENTENCE_COLUMNS = ["doc_id", "outlet", "paragraph", "part", "sentence_id", "text", "start", "end"]
#: Columns of ``articles.attrs["skipped"]``: ``kind`` is ``"article"`` for an
#: article input (file, row or line) that was not loaded, ``"metadata"`` for a
#: metadata row that was not used.
SKIPPED_COLUMNS = ["source", "row", "reason", "kind"]
#: Columns of ``articles.attrs["removed"]``.
REMOVED_COLUMNS = ["doc_id", "source", "raw_paragraph", "rule", "reason", "text"]
#: Columns of ``articles.attrs["warnings"]``: problems that did not stop an article from loading.
WARNING_COLUMNS = ["source", "row", "problem"]
#: Parts of the running text; captions are kept apart (``sentences[sentences.part.isin(TEXT_PARTS)]``).
TEXT_PARTS = cleaning.TEXT_PARTS

UNKNOWN_OUTLET = "unknown"
TEXT_SUFFIXES = {".txt", ".text", ".md", ".html", ".htm"}
TABLE_SUFFIXES = {".csv", ".tsv", ".tab", ".jsonl", ".ndjson", ".parquet", ".pq"}
METADATA_NAMES = ("metadata.csv", "metadata.tsv", "meta.csv")
IGNORED_NAMES = {"readme.md", "readme.txt", "readme", "license", "license.txt", "license.md"}
#: Files larger than this are reported instead of read.
MAX_FILE_BYTES = 200 * 1024 * 1024
DUPLICATE_ACTIONS = ("skip", "keep")


class CorpusError(ValueError):
    """Raised for input that cannot be read (always in strict mode)."""


class CorpusWarning(UserWarning):
    """A problem with one input (file, row, metadata); the corpus still loads."""


class AttrTable(pd.DataFrame):
    """A table kept in ``DataFrame.attrs`` (``skipped``, ``removed``, ``warnings``).

    It behaves like any DataFrame, except that ``==`` between two whole tables
    returns one bool (:meth:`pandas.DataFrame.equals`). pandas compares the
    ``attrs`` of its inputs when it merges or concatenates frames; with plain
    DataFrames in ``attrs`` that comparison raises "The truth value of a
    DataFrame is ambiguous", so ``articles.merge(...)`` would fail.

    pandas deep-copies ``attrs`` into every derived frame; this table is
    shared instead (``deepcopy`` returns it unchanged), so filtering a large
    corpus does not copy its cleaning record each time. Treat it as read-only
    (``corpus.removed(articles).copy()`` for a table of your own).
    """

    _metadata: list[str] = []

    def __eq__(self, other):  # type: ignore[override]
        return isinstance(other, pd.DataFrame) and pd.DataFrame.equals(self, other)

    def __ne__(self, other):  # type: ignore[override]
        return not self.__eq__(other)

    __hash__ = None  # type: ignore[assignment]

    def __deepcopy__(self, memo=None):
        return self


# --------------------------------------------------------------------------- decoding


def _cp1252_fallback(error: UnicodeDecodeError):
    """Decode the bytes that are not UTF-8 one by one as Windows-1252 (Latin-1 where undefined)."""
    bad = error.object[error.start:error.end]
    return bad.decode("cp1252", errors="_latin1_byte"), error.end


def _latin1_byte(error: UnicodeDecodeError):
    return error.object[error.start:error.end].decode("latin-1"), error.end


codecs.register_error("_latin1_byte", _latin1_byte)
codecs.register_error("_cp1252_fallback", _cp1252_fallback)

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")


def decode(data: bytes, *, source: str = "<bytes>") -> tuple[str, str]:
    """Decode raw bytes to text; returns ``(text, encoding)``.

    UTF-8 is tried first (a byte-order mark is removed); bytes that are not
    valid UTF-8 are read as Windows-1252, which covers Latin-1 German text,
    so a file in either encoding, or a mix of both, keeps its umlauts. UTF-16
    and UTF-32 need a byte-order mark (or UTF-16 is recognised from its NUL
    bytes). ``encoding`` is ``"utf-8"``, ``"utf-8-sig"``, ``"cp1252"``,
    ``"utf-8+cp1252"`` (mixed), ``"utf-16"`` or ``"utf-32"``.

    The text is returned as decoded; :func:`normalise_text` does line ends,
    NFC and control characters.

    Raises
    ------
    CorpusError
        If the bytes look binary (more than 1 % NUL bytes or 5 % control characters).
    """
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return data.decode("utf-32", errors="replace"), "utf-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    if data.startswith(b"\xef\xbb\xbf"):
        data, encoding = data[3:], "utf-8-sig"
    else:
        encoding = "utf-8"
    n = len(data)
    nul = data.count(b"\x00")
    if n and nul / n > 0.3:
        # UTF-16 without a byte-order mark: German text has a NUL in every other byte.
        even, odd = data[0::2].count(b"\x00"), data[1::2].count(b"\x00")
        guess = "utf-16-le" if odd > 0.9 * nul else "utf-16-be" if even > 0.9 * nul else None
        if guess and n % 2 == 0:
            text = data.decode(guess, errors="replace")
            if len(_CONTROL.findall(text)) <= 0.05 * max(len(text), 1):
                return text, guess
    if n and nul / n > 0.01:
        raise CorpusError(
            f"{source}: looks binary ({nul} NUL bytes in {n} bytes); save the article as UTF-8 text"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="_cp1252_fallback")
        encoding = "utf-8+cp1252" if _UTF8_MULTIBYTE.search(data) else "cp1252"
    control = len(_CONTROL.findall(text)) - nul
    if text and control / len(text) > 0.05:
        raise CorpusError(
            f"{source}: looks binary ({control} control characters in {len(text)}); "
            "save the article as UTF-8 text"
        )
    return text, encoding


def normalise_text(text: str) -> tuple[str, list[str]]:
    """Line ends to ``\\n``, Unicode NFC, stray NUL/control characters and lone surrogates removed.

    Returns
    -------
    tuple
        The text and a list of notes on what was changed beyond line ends and
        NFC (empty for ordinary text).
    """
    notes = []
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    controls = _CONTROL.findall(text)
    if controls:
        nul = controls.count("\x00")
        if nul:
            notes.append(f"removed {nul} NUL byte(s)")
        if len(controls) > nul:
            notes.append(f"removed {len(controls) - nul} control character(s)")
        text = _CONTROL.sub("", text)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        fixed = text.encode("utf-8", errors="replace").decode("utf-8")
        notes.append(f"replaced {sum(1 for a, b in zip(text, fixed) if a != b)} invalid character(s) "
                     "(lone surrogates) with '?'")
        text = fixed
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return text, notes


class _TextExtractor(HTMLParser):
    """Collect the visible text of an HTML page, one paragraph per block element."""

    BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
              "figure", "figcaption", "article", "section", "aside", "nav", "main", "blockquote",
              "pre", "table", "tr", "header", "footer", "title", "hr", "address", "form", "body"}
    SKIP = {"script", "style", "noscript", "template", "svg", "math", "iframe", "head", "object",
            "embed", "canvas", "select", "button"}
    VOID_SKIP = {"img", "input", "meta", "link", "source", "track", "area", "base", "param", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skip: list[str] = []
        self.h1: str | None = None
        self._h1_start: int | None = None

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skip.append(tag)
        elif self._skip:
            return
        elif tag == "br":
            self.chunks.append("\n")
        elif tag in ("td", "th"):
            self.chunks.append(" ")
        elif tag in self.BLOCKS:
            self.chunks.append("\n\n")
        if tag == "h1" and self.h1 is None and not self._skip:
            self._h1_start = len(self.chunks)

    def handle_startendtag(self, tag, attrs):
        if tag in self.SKIP:
            return  # <script/> has no content
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if self._skip:
            if tag in self._skip:
                while self._skip and self._skip.pop() != tag:
                    pass
            return
        if tag == "h1" and self._h1_start is not None and self.h1 is None:
            self.h1 = " ".join("".join(self.chunks[self._h1_start:]).split())
        if tag in self.BLOCKS:
            self.chunks.append("\n\n")

    def handle_data(self, data):
        if not self._skip:
            self.chunks.append(data)


_HTML_HINT = re.compile(
    r"<\s*(?:html|head|body|p|div|br|script|style|span|a|b|i|em|strong|h[1-6]|img|ul|ol|li|table|"
    r"article|section|iframe|noscript|figure|figcaption|header|footer|nav|meta|link)\b[^>]*>"
    r"|<\s*/\s*(?:p|div|span|a|b|i|em|strong|h[1-6]|li|script|style)\s*>|<!--|<!DOCTYPE",
    re.IGNORECASE,
)


def strip_html(text: str) -> str:
    """Visible text of HTML markup.

    Block elements become paragraphs, ``<br>`` a line break; scripts, styles,
    embedded objects and the document head are dropped with their content;
    character references (``&uuml;``, ``&amp;``) are decoded exactly once.
    """
    return _parse_html(text)[0]


def _parse_html(text: str) -> tuple[str, str | None]:
    """Visible text and the first ``<h1>`` heading."""
    parser = _TextExtractor()
    parser.feed(text)
    parser.close()
    out = "".join(parser.chunks)
    return out.replace("\xa0", " "), parser.h1 or None


def looks_like_html(text: str) -> bool:
    """True if ``text`` contains HTML tags (anywhere in the text)."""
    return "<" in text and bool(_HTML_HINT.search(text))


# --------------------------------------------------------------------------- reporting


_PACKAGE_DIR = str(Path(__file__).resolve().parent)


def _caller_level() -> int:
    """The ``stacklevel`` that makes a warning point at the first caller outside this package."""
    frame, level = sys._getframe(1), 1
    while frame is not None and str(Path(frame.f_code.co_filename).resolve()).startswith(_PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    return level


class _Report:
    """Collects skipped inputs and warnings; in strict mode raises on the first."""

    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.rows: list[dict] = []
        self.notes: list[dict] = []

    @staticmethod
    def _where(source: str, row) -> str:
        return source if row is None else f"{source}, {row}" if isinstance(row, str) else f"{source}, row {row}"

    def skip(self, source: str, reason: str, row: int | None = None, *, kind: str = "article") -> None:
        where = self._where(source, row)
        if self.strict:
            raise CorpusError(f"{where}: {reason}")
        warnings.warn(f"skipped {where}: {reason}", CorpusWarning, stacklevel=_caller_level())
        self.rows.append({"source": source, "row": row, "reason": reason, "kind": kind})

    def warn(self, source: str, problem: str, row: int | None = None) -> None:
        where = self._where(source, row)
        if self.strict:
            raise CorpusError(f"{where}: {problem}")
        warnings.warn(f"{where}: {problem}", CorpusWarning, stacklevel=_caller_level())
        self.notes.append({"source": source, "row": row, "problem": problem})

    def skipped(self) -> AttrTable:
        frame = AttrTable(self.rows, columns=SKIPPED_COLUMNS)
        frame["row"] = frame["row"].astype("Int64")
        return frame

    def warnings(self) -> AttrTable:
        frame = AttrTable(self.notes, columns=WARNING_COLUMNS)
        frame["row"] = frame["row"].astype("Int64")
        return frame


# --------------------------------------------------------------------------- reading tables

# A record is (row number, {column: value}); row numbers are 1-based lines or records.
Record = tuple[int, dict]


def _read_bytes(path: Path, name: str, report: _Report) -> bytes | None:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            report.skip(name, f"file is {size / 1e6:.0f} MB, above the {MAX_FILE_BYTES / 1e6:.0f} MB limit "
                              "(corpus.MAX_FILE_BYTES); split it into articles")
            return None
        return path.read_bytes()
    except OSError as exc:
        report.skip(name, f"could not be read ({exc.strerror or exc})")
        return None


def _decode_file(path: Path, name: str, report: _Report) -> tuple[str, str] | None:
    data = _read_bytes(path, name, report)
    if data is None:
        return None
    try:
        return decode(data, source=name)
    except CorpusError as exc:
        report.skip(name, str(exc).split(": ", 1)[-1])
        return None


def _sniff_delimiter(header_line: str) -> str:
    best, best_n = ",", 0
    for delim in (",", ";", "\t", "|"):
        try:
            n = len(next(csv.reader([header_line], delimiter=delim)))
        except (csv.Error, StopIteration):
            continue
        if n > best_n:
            best, best_n = delim, n
    return best


def _unique_columns(names: list[str]) -> list[str]:
    out, seen = [], {}
    for i, name in enumerate(names):
        name = str(name).strip().lstrip("\ufeff").strip() or f"column_{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        seen.setdefault(name, 0)
        out.append(name)
    return out


def _lines(text: str):
    """The lines of ``text`` with their ``"\\n"``, one at a time.

    What ``io.StringIO(text, newline="")`` gives for a text whose line ends are all
    ``"\\n"`` (as :func:`normalise_text` leaves them), without its copy of the whole
    text at four bytes per character (1 GB for a 250 MB corpus file).
    """
    start, n = 0, len(text)
    find = text.find
    while start < n:
        end = find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end + 1]
        start = end + 1


def _read_delimited(text: str, name: str, suffix: str, report: _Report) -> list[Record] | None:
    """Records of a CSV/TSV text with their first line numbers; bad rows are reported, not fatal."""
    text, _ = normalise_text(text)
    if not text.strip():
        report.skip(name, "the file is empty")
        return None
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if suffix in {".tsv", ".tab"} else _sniff_delimiter(first_line)
    csv.field_size_limit(2**31 - 1)
    reader = csv.reader(_lines(text), delimiter=delimiter)
    records: list[Record] = []
    header = None
    last_line = 0
    try:
        for fields in reader:
            line = last_line + 1
            last_line = reader.line_num
            if not fields or all(not f.strip() for f in fields):
                continue
            if header is None:
                header = _unique_columns(fields)
                continue
            if len(fields) > len(header):
                report.skip(name, f"has {len(fields)} fields but the header has {len(header)}; "
                                  "check the quoting of this row", row=line)
                continue
            fields = fields + [""] * (len(header) - len(fields))
            records.append((line, dict(zip(header, fields))))
    except csv.Error as exc:
        report.skip(name, f"could not be parsed from line {last_line + 1} on ({exc}); "
                          "the rows before it were loaded", row=last_line + 1)
    if header is None:
        report.skip(name, "the file is empty")
        return None
    if records and text.count('"') % 2 and last_line > records[-1][0]:
        line = records.pop()[0]
        report.skip(name, f"a quote opened in the row starting on line {line} is never closed, so lines "
                          f"{line}-{last_line} were read as one row; fix the quoting", row=line)
    return [(r, rec) for r, rec in records] if records else []


def _read_jsonl(text: str, name: str, report: _Report) -> list[Record]:
    records: list[Record] = []
    for i, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            msg = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
            report.skip(name, f"line is not valid JSON ({msg})", row=i)
            continue
        if not isinstance(obj, dict):
            report.skip(name, f"line is JSON but not an object ({type(obj).__name__})", row=i)
            continue
        records.append((i, obj))
    return records


def _read_parquet(path: Path, name: str, report: _Report) -> list[Record] | None:
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # noqa: BLE001 - any reader error is reported with the file name
        report.skip(name, f"could not be read as Parquet ({type(exc).__name__}: {exc})")
        return None
    frame.columns = _unique_columns([str(c) for c in frame.columns])
    return [(i, rec) for i, rec in enumerate(frame.to_dict("records"), start=1)]


def _read_json(path: Path, name: str, report: _Report) -> list[Record] | None:
    decoded = _decode_file(path, name, report)
    if decoded is None:
        return None
    text, _ = decoded
    try:
        obj = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        report.skip(name, f"not valid JSON (line {exc.lineno}: {exc.msg})")
        return None
    except RecursionError:
        report.skip(name, "not readable JSON (nested too deeply)")
        return None
    if isinstance(obj, dict):
        return [(0, obj)]  # row 0: the file is the record
    if not isinstance(obj, list):
        report.skip(name, f"JSON holds a {type(obj).__name__}, not an object or a list of objects")
        return None
    records: list[Record] = []
    for i, rec in enumerate(obj, start=1):
        if isinstance(rec, dict):
            records.append((i, rec))
        else:
            report.skip(name, f"JSON record is a {type(rec).__name__}, not an object", row=i)
    return records


def _read_records(path: Path, name: str, report: _Report) -> list[Record] | None:
    """Records of one tabular or JSON file (None if the whole file was reported)."""
    suffix = path.suffix.lower()
    if suffix in {".parquet", ".pq"}:
        data = _read_bytes(path, name, report)
        return None if data is None else _read_parquet(path, name, report)
    if suffix == ".json":
        return _read_json(path, name, report)
    decoded = _decode_file(path, name, report)
    if decoded is None:
        return None
    text, _ = decoded
    if suffix in {".jsonl", ".ndjson"}:
        return _read_jsonl(normalise_text(text)[0], name, report)
    return _read_delimited(text, name, suffix, report)


# --------------------------------------------------------------------------- records -> rows


def _news_please(obj: dict) -> dict:
    """Map a news-please record to our columns (other keys are kept as metadata)."""
    text = "\n\n".join(str(x) for x in (obj.get("description"), obj.get("maintext")) if x)
    row = {k: v for k, v in obj.items() if k not in {"description", "maintext"} and not isinstance(v, (dict, list))}
    if isinstance(obj.get("authors"), list):
        row["authors"] = "; ".join(str(a) for a in obj["authors"] if a)
    row.update(
        doc_id=obj.get("filename") or obj.get("url") or "",
        title=obj.get("title") or "",
        text=text,
        date=obj.get("date_publish") or obj.get("date_modify") or obj.get("date_download") or "",
        url=obj.get("url") or "",
        outlet=obj.get("source_domain") or "",
        language=obj.get("language") or "",
    )
    return row


def _is_news_please(keys: set[str]) -> bool:
    return "maintext" in keys or ("source_domain" in keys and "text" not in keys)


def _missing_columns(columns: Iterable[str], mapping: dict[str, str], source: str) -> str | None:
    columns = list(columns)
    missing = [f"{key}={col!r}" for key, col in mapping.items() if col not in columns]
    if not missing:
        return None
    available = ", ".join(repr(c) for c in columns) or "(none)"
    example = next((c for c in columns if c not in mapping.values()), "body")
    return (f"{source}: no column {', '.join(missing)}. Available columns: {available}. "
            f"Name the right one, e.g. corpus.load(path, text={example!r}).")


def _rows_from_records(records: list[Record], source: str, mapping: dict[str, str], explicit: set[str],
                       report: _Report, *, single: bool) -> list[dict]:
    """Rename columns by the mapping and attach source and row; a missing column is an error."""
    if not records:
        return []
    keys: dict[str, None] = {}
    for _, rec in records:
        keys.update(dict.fromkeys(str(k) for k in rec))
    text_col = mapping.get("text", "text")
    if text_col not in keys and _is_news_please(set(keys)):
        rows = []
        for row_no, rec in records:
            row = _news_please(rec)
            row.update(source=source, _row=row_no or None)
            rows.append(row)
        return rows
    wanted = {k: v for k, v in mapping.items() if k == "text" or k in explicit}
    problem = _missing_columns(keys, wanted, source)
    if problem:
        if single or report.strict:
            raise CorpusError(problem)
        report.skip(source, problem.split(": ", 1)[1])
        return []
    rename = {v: k for k, v in mapping.items() if v in keys}
    rows = []
    for row_no, rec in records:
        row = {}
        for key, value in rec.items():
            key = str(key)
            if key in rename:
                row[rename[key]] = value
            elif key in rename.values() and key not in rename:
                row.setdefault(f"{key}_original", value)  # shadowed by a mapped column
            elif key in ("source", "_row", "_meta_row", "_date_origin", "_no_metadata"):
                row[f"{key}_original"] = value
            else:
                row.setdefault(key, value)
        row.update(source=source, _row=row_no or None)
        rows.append(row)
    return rows


def _read_text_file(path: Path, name: str, report: _Report) -> dict | None:
    decoded = _decode_file(path, name, report)
    if decoded is None:
        return None
    text, encoding = decoded
    doc = str(PurePosixPath(name).with_suffix(""))
    return {"doc_id": doc, "text": text, "source": name, "encoding": encoding}


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except (ValueError, OSError, RuntimeError):
        return False


def _walk(folder: Path) -> list[Path]:
    """Every non-hidden file under ``folder``, sorted by relative path; links are not followed into folders."""
    out = []
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            entries = list(current.iterdir())
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(".") or entry.name == "__pycache__":
                continue
            if entry.is_dir() and not entry.is_symlink():
                stack.append(entry)
            elif entry.is_file() or entry.is_symlink():
                out.append(entry)
    return sorted(out, key=lambda p: p.relative_to(folder).as_posix())


def _read_folder(folder: Path, report: _Report, mapping: dict[str, str], explicit: set[str]) -> list[dict]:
    rows: list[dict] = []
    meta_file = next((folder / n for n in METADATA_NAMES if (folder / n).is_file()), None)
    for path in _walk(folder):
        name = path.relative_to(folder).as_posix()
        suffix = path.suffix.lower()
        if path == meta_file or path.name.lower() in IGNORED_NAMES:
            continue
        if path.is_symlink() and not _inside(path, folder):
            report.skip(name, "is a link pointing outside the corpus folder; copy the file in instead")
            continue
        if not path.exists():
            report.skip(name, "is a broken link")
            continue
        if suffix in TEXT_SUFFIXES:
            row = _read_text_file(path, name, report)
            if row:
                rows.append(row)
        elif suffix in TABLE_SUFFIXES or suffix == ".json":
            records = _read_records(path, name, report)
            if records is not None:
                rows.extend(_rows_from_records(records, name, mapping, explicit, report, single=False))
        else:
            report.skip(name, f"unknown file type {suffix or '(none)'}; "
                              "use .txt, .html, .csv, .tsv, .jsonl, .parquet or .json")
    if meta_file is not None:
        rows = _merge_metadata(rows, meta_file, folder, report, mapping)
    return rows


def _safe_name(name: str) -> str | None:
    """The metadata file name as a relative POSIX path, or None if it points outside the folder."""
    name = name.strip().replace("\\", "/")
    if not name or "\x00" in name:
        return None
    if PurePosixPath(name).is_absolute() or PureWindowsPath(name).drive or PureWindowsPath(name).is_absolute():
        return None
    parts = [p for p in PurePosixPath(name).parts if p not in ("", ".")]
    if not parts or ".." in parts:
        return None
    return "/".join(parts)


def _merge_metadata(rows: list[dict], meta_file: Path, folder: Path, report: _Report,
                    mapping: dict[str, str]) -> list[dict]:
    meta_name = meta_file.name
    records = _read_records(meta_file, meta_name, report)
    if not records:
        return rows
    rename = {v: k for k, v in mapping.items() if k != "text"}
    columns = {str(k) for _, rec in records for k in rec}
    key = "file" if "file" in columns else "doc_id" if "doc_id" in columns or "doc_id" in rename.values() else None
    if key is None:
        report.skip(meta_name, "metadata has neither a 'file' nor a 'doc_id' column; it was not used. "
                               f"Available columns: {', '.join(sorted(columns))}", kind="metadata")
        return rows
    by_key: dict[str, tuple[int, dict]] = {}
    for row_no, record in records:
        record = {rename.get(str(k), str(k)): v for k, v in record.items()}
        raw_name = str(record.get(key, "") or "")
        name = _safe_name(raw_name) if key == "file" else raw_name.strip()
        if key == "file" and name is None:
            report.skip(meta_name, f"file name {raw_name!r} is empty or points outside the corpus folder; "
                                   "row ignored (name files relative to the folder)", row=row_no, kind="metadata")
            continue
        if not name:
            report.skip(meta_name, f"empty {key}; row ignored", row=row_no, kind="metadata")
            continue
        if name in by_key:
            report.skip(meta_name, f"names {name!r} again (first on row {by_key[name][0]}); this row was ignored",
                        row=row_no, kind="metadata")
            continue
        by_key[name] = (row_no, record)
    seen = set()
    for row in rows:
        name = row["source"] if key == "file" else str(row.get("doc_id", ""))
        found = by_key.get(name)
        if found is None and key == "file" and row.get("_row") is None:
            name = str(PurePosixPath(name).with_suffix(""))  # "a" in the file column names "a.txt"
            found = by_key.get(name)
        if found is None:
            if row.get("_row") is None and Path(row["source"]).suffix.lower() in TEXT_SUFFIXES:
                row["_no_metadata"] = meta_name  # warned about if the article loads
            continue
        seen.add(name)
        row_no, record = found
        row["_meta_row"] = row_no
        for col, value in record.items():
            if col == "file" or value is None or (isinstance(value, str) and value == ""):
                continue
            if isinstance(value, float) and math.isnan(value):
                continue
            if col in ("source", "_row", "_meta_row", "_date_origin", "_no_metadata", "text"):
                col = f"{col.lstrip('_')}_metadata"
            if col == "date":
                row["_date_origin"] = (meta_name, row_no)
            row[col] = value
    for name, (row_no, _) in by_key.items():
        if name not in seen:
            report.skip(meta_name, f"names {name!r}, which is not in the corpus folder", row=row_no, kind="metadata")
    return rows


# --------------------------------------------------------------------------- dates

_GERMAN_MONTHS = {
    "januar": "January", "jänner": "January", "februar": "February", "märz": "March", "april": "April",
    "mai": "May", "juni": "June", "juli": "July", "august": "August", "september": "September",
    "oktober": "October", "november": "November", "dezember": "December",
}
_GERMAN_MONTH = re.compile(r"\b(" + "|".join(_GERMAN_MONTHS) + r")\b", re.IGNORECASE)


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


def _parse_date(value: str) -> pd.Timestamp | None:
    """A timestamp from common date spellings, or None. Never reads the clock ("today", "now")."""
    if not re.search(r"\d{4}|\d{1,2}\.\d{1,2}\.\d{2}", value):
        return None
    m = re.fullmatch(r"(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{2}|\d{4})", value)
    if m:
        day, month, year = (int(x) for x in m.groups())
        year += 2000 if year < 100 else 0
        try:
            return pd.Timestamp(datetime(year, month, day))
        except ValueError:
            return None
    value = _GERMAN_MONTH.sub(lambda mm: _GERMAN_MONTHS[mm.group(1).lower()], value)
    value = re.sub(r"(\d{1,2})\.\s+(?=[A-Za-z])", r"\1 ", value)  # "23. May 2022"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            parsed = pd.Timestamp(value)
        except (ValueError, TypeError, OverflowError):
            try:
                parsed = pd.to_datetime(value, dayfirst=True)
            except (ValueError, TypeError, OverflowError):
                return None
    if parsed is None or pd.isna(parsed):
        return None
    return parsed


def _normalise_date(value, source: str, row, report: _Report) -> tuple[str, str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "", ""
    if isinstance(value, (pd.Timestamp, datetime)):
        parsed = pd.Timestamp(value)
        if pd.isna(parsed):
            return "", ""
    else:
        value = str(value).strip()
        if not value:
            return "", ""
        precision = _date_precision(value)
        if precision in {"year", "month", "day"}:
            if precision != "year":
                try:
                    datetime.strptime(value + ("-01" if precision == "month" else ""), "%Y-%m-%d")
                except ValueError:
                    report.warn(source, f"date {value!r} is not a calendar date; kept as text with "
                                        "date_precision 'unparsed'", row=row)
                    return value, "unparsed"
            return value, precision
        parsed = _parse_date(value)
        if parsed is None:
            report.warn(source, f"date {value!r} could not be parsed; kept as text with date_precision "
                                "'unparsed' (write dates as YYYY-MM-DD)", row=row)
            return value, "unparsed"
    if parsed.hour or parsed.minute or parsed.second or parsed.tzinfo is not None:
        return parsed.isoformat(), "time"
    return parsed.strftime("%Y-%m-%d"), "day"


# --------------------------------------------------------------------------- building the table


def _as_text(value, source: str, row, report: _Report) -> str | None:
    """The article text of a cell as a string, or None (reported) if it is not text."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        try:
            return decode(bytes(value), source=source)[0]
        except CorpusError as exc:
            report.skip(source, str(exc).split(": ", 1)[-1], row=row)
            return None
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return "\n\n".join(value)
    if hasattr(value, "tolist") and not isinstance(value, (int, float)):
        listed = value.tolist()
        if isinstance(listed, list) and all(isinstance(v, str) for v in listed):
            return "\n\n".join(listed)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    report.skip(source, f"the text is a {type(value).__name__}, not text", row=row)
    return None


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def load(
    path: str | Path,
    *,
    strict: bool = False,
    clean: bool = True,
    duplicates: str = "skip",
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
        Raise :class:`CorpusError` on the first problem (a skipped input or any
        warning) instead of skipping and reporting it.
    clean
        Apply the cleaning rules of :mod:`analysis.cleaning` (navigation bars,
        alt texts, caption placeholders, date prefixes). Parts are labelled either way.
    duplicates
        ``"skip"`` (default): an article whose cleaned text equals an earlier
        article's of the same outlet is skipped and reported; ``"keep"``: it is
        kept and reported in ``attrs["warnings"]``. The same text in two
        different outlets (agency copy) is always kept and reported.
    text, outlet, title, date, doc_id, url
        Column names in tabular input (and in the metadata table of a folder),
        e.g. ``text="body", outlet="source"``.
    **columns
        Further renames ``ours="theirs"`` for other columns.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ARTICLE_COLUMNS` plus any metadata. ``attrs["skipped"]``
        lists inputs that could not be loaded (:data:`SKIPPED_COLUMNS`),
        ``attrs["warnings"]`` problems that did not stop an article
        (:data:`WARNING_COLUMNS`), ``attrs["removed"]`` what cleaning removed
        (:data:`REMOVED_COLUMNS`).

    Raises
    ------
    CorpusError
        If the path does not exist, a named column is missing (the message
        lists the available columns), nothing loads, or, with ``strict=True``,
        on the first problem.

    Warns
    -----
    CorpusWarning
        For every input skipped and every other problem, naming the file and row.
    """
    report = _Report(strict)
    rows = _read_rows(path, report, duplicates=duplicates, text=text,
                      mapping={"outlet": outlet, "title": title, "date": date, "doc_id": doc_id, "url": url,
                               **columns})
    articles, removed_frame = _build(rows, report, clean=clean, duplicates=duplicates)
    if articles.empty:
        raise _nothing_loaded(Path(path).expanduser(), report)
    articles.attrs["skipped"] = report.skipped()
    articles.attrs["removed"] = removed_frame
    articles.attrs["warnings"] = report.warnings()
    return articles


def _read_rows(path, report: _Report, *, duplicates: str, text: str, mapping: dict) -> list[dict]:
    """Check the options of :func:`load` and read every input into a raw row (not yet cleaned)."""
    if duplicates not in DUPLICATE_ACTIONS:
        raise ValueError(f"duplicates={duplicates!r}; use one of {', '.join(map(repr, DUPLICATE_ACTIONS))}")
    path = Path(path).expanduser()
    if not path.exists():
        raise CorpusError(f"{path}: no such file or folder. Pass a folder of .txt files or a "
                          "CSV/TSV/JSONL/Parquet/JSON file.")
    mapping, given = {"text": text}, mapping
    for key, value in given.items():
        if value is not None:
            mapping[key] = str(value)
    explicit = set(mapping) - {"text"} | ({"text"} if text != "text" else set())
    if path.is_dir():
        rows = _read_folder(path, report, mapping, explicit)
    else:
        suffix = path.suffix.lower()
        if suffix in TEXT_SUFFIXES:
            rows = [r for r in [_read_text_file(path, path.name, report)] if r]
        elif suffix in TABLE_SUFFIXES or suffix == ".json":
            records = _read_records(path, path.name, report)
            rows = [] if records is None else _rows_from_records(records, path.name, mapping, explicit, report,
                                                                 single=True)
        else:
            raise CorpusError(f"{path}: unknown file type {suffix!r}; use .txt, .html, .csv, .tsv, .jsonl, "
                              ".parquet or .json")
    return rows


def _nothing_loaded(path, report: _Report) -> CorpusError:
    skipped_frame = report.skipped()
    detail = (f" {len(skipped_frame)} input(s) were skipped: "
              + "; ".join(f"{report._where(s.source, None if pd.isna(s.row) else int(s.row))}: {s.reason}"
                          for s in skipped_frame.itertuples())) if len(skipped_frame) else ""
    return CorpusError(f"{path}: no articles found (looked for "
                       f"{', '.join(sorted(TEXT_SUFFIXES | TABLE_SUFFIXES | {'.json'}))}).{detail}")


#: Keys of a raw row that are not article columns (where it came from, for reports).
_ROW_INTERNALS = ("_row", "_meta_row", "_date_origin", "_no_metadata")


class _Builder:
    """Turns raw rows into article records one at a time, remembering ids and texts seen so far."""

    def __init__(self, report: _Report, *, clean: bool, duplicates: str) -> None:
        self.report = report
        self.clean = clean
        self.duplicates = duplicates
        self.seen_ids: dict[str, int] = {}
        self.seen_texts: dict[str, tuple[str, str, str]] = {}

    def article(self, row: dict) -> tuple[dict | None, list[dict]]:
        """The article record of one raw row (None: skipped and reported) and what cleaning removed."""
        source = str(row.get("source", ""))
        where_row = row.pop("_row", None)
        row.pop("_meta_row", None)
        date_origin = row.pop("_date_origin", None)
        no_metadata = row.pop("_no_metadata", None)
        raw = _as_text(row.get("text"), source, where_row, self.report)
        if raw is None:
            return None, []
        raw, notes = normalise_text(raw)
        for note in notes:
            self.report.warn(source, note, row=where_row)
        if looks_like_html(raw):
            raw, heading = _parse_html(raw)
            if heading and not _cell(row.get("title")):
                row["title"] = heading
        if not raw.strip():
            self.report.skip(source, "article text is empty" if not raw else "article text is only white space",
                             row=where_row)
            return None, []
        language = _cell(row.get("language"))
        structure = cleaning.structure(raw, title=_cell(row.get("title")) or None, clean=self.clean,
                                       language=language or None)
        if not structure.kept:
            self.report.skip(source, "nothing left after cleaning ("
                             + ", ".join(sorted({p.rule for p in structure.removed})) + ")", row=where_row)
            return None, []
        if no_metadata:
            self.report.warn(source, f"has no row in {no_metadata}; its outlet, date and title are unknown")
        outlet_value = _cell(row.get("outlet")) or UNKNOWN_OUTLET
        doc = _cell(row.get("doc_id")) or (Path(source).stem + (f"-{where_row}" if where_row else ""))
        digest = hashlib.sha1(structure.text.encode("utf-8")).hexdigest()
        if digest in self.seen_texts:
            first_doc, first_source, first_outlet = self.seen_texts[digest]
            if first_outlet == outlet_value and self.duplicates == "skip":
                self.report.skip(source, f"exact duplicate of {first_doc!r} ({first_source}), same outlet "
                                         f"{outlet_value!r}; pass duplicates='keep' to keep both", row=where_row)
                return None, []
            self.report.warn(source, f"same text as {first_doc!r} ({first_source}, outlet {first_outlet!r})",
                             row=where_row)
        else:
            self.seen_texts[digest] = (doc, source, outlet_value)
        if doc in self.seen_ids:
            self.seen_ids[doc] += 1
            new = f"{doc}~{self.seen_ids[doc]}"
            while new in self.seen_ids:
                self.seen_ids[doc] += 1
                new = f"{doc}~{self.seen_ids[doc]}"
            self.report.warn(source, f"doc_id {doc!r} occurs more than once; renamed to {new!r}", row=where_row)
            self.seen_ids[new] = 0
            doc = new
        else:
            self.seen_ids[doc] = 0
        date_source, date_row = date_origin or (source, where_row)
        date_value, precision = _normalise_date(
            row.get("date") if _cell(row.get("date")) or isinstance(row.get("date"), (pd.Timestamp, datetime))
            else structure.date_in_text,
            date_source, date_row, self.report,
        )
        if _cell(row.get("date_precision")) and precision != "unparsed":
            precision = _cell(row["date_precision"])
        record = {k: v for k, v in row.items()}
        record.update(
            doc_id=doc,
            outlet=outlet_value,
            outlet_name=_cell(row.get("outlet_name")) or outlet_value,
            title=_cell(row.get("title")) or structure.headline,
            date=date_value,
            date_precision=precision,
            url=_cell(row.get("url")),
            language=language or cleaning.guess_language(structure.text),
            text=structure.text,
            parts=",".join(structure.parts),
            source=source,
        )
        removed = [{"doc_id": doc, "source": source, "raw_paragraph": p.raw_index, "rule": p.rule,
                    "reason": p.reason, "text": p.text}
                   for p in sorted(structure.removed, key=lambda p: p.raw_index)]
        return record, removed


def _frame(records: list[dict], extra: list[str] | None = None) -> pd.DataFrame:
    """The articles table of ``records``: :data:`ARTICLE_COLUMNS`, then the other columns
    (``extra``, in this order, when given; otherwise in order of appearance)."""
    if not records:
        return pd.DataFrame(columns=ARTICLE_COLUMNS + list(extra or []))
    frame = pd.DataFrame.from_records(records)
    if extra is None:
        extra = [c for c in frame.columns if c not in ARTICLE_COLUMNS]
    frame = frame.reindex(columns=ARTICLE_COLUMNS + list(extra)).reset_index(drop=True)
    for col in ARTICLE_COLUMNS:
        if col != "text":
            frame[col] = frame[col].astype(str)
    return frame


def _build(rows: list[dict], report: _Report, *, clean: bool, duplicates: str) -> tuple[pd.DataFrame, AttrTable]:
    builder = _Builder(report, clean=clean, duplicates=duplicates)
    records, removed_rows = [], []
    for row in rows:
        record, removed = builder.article(row)
        if record is not None:
            records.append(record)
            removed_rows.extend(removed)
    removed_frame = AttrTable(removed_rows, columns=REMOVED_COLUMNS)
    if not records:
        return pd.DataFrame(columns=ARTICLE_COLUMNS), removed_frame
    return _frame(records), removed_frame


class Batches:
    """:func:`load`, a batch of articles at a time: for corpora too large to clean in one go.

    Iterating gives articles tables of ``batch_size`` rows (the last one shorter),
    with the same rows, in the same order, as :func:`load` gives at once, and the
    same columns in every batch. The inputs are read when the object is made
    (``inputs`` counts them); cleaning happens batch by batch, so a caller can
    work on one batch while the next is cleaned. After the iteration,
    :meth:`removed`, :meth:`skipped` and :meth:`problems` report as
    ``attrs["removed"]``, ``attrs["skipped"]`` and ``attrs["warnings"]`` of
    :func:`load` do. Iterate once.

    Parameters
    ----------
    path
        As for :func:`load`.
    batch_size
        Articles per batch.
    **options
        The other arguments of :func:`load` (``strict``, ``clean``,
        ``duplicates``, ``text``, ``outlet``, ...).

    Raises
    ------
    CorpusError
        As :func:`load`: when the path is missing or unknown while the object is
        made; when nothing loads, at the end of the iteration.
    """

    def __init__(self, path: str | Path, *, batch_size: int = 1000, strict: bool = False, clean: bool = True,
                 duplicates: str = "skip", text: str = "text", **columns: str | None) -> None:
        self.path = Path(path).expanduser()
        self.batch_size = max(int(batch_size), 1)
        self._report = _Report(strict)
        self._rows = _read_rows(path, self._report, duplicates=duplicates, text=text, mapping=columns)
        self._builder = _Builder(self._report, clean=clean, duplicates=duplicates)
        self._removed: list[dict] = []
        self.inputs = len(self._rows)
        #: The metadata columns after :data:`ARTICLE_COLUMNS`, as :func:`load` orders them.
        self.extra = list(dict.fromkeys(k for row in self._rows for k in row
                                        if k not in ARTICLE_COLUMNS and k not in _ROW_INTERNALS))
        self.articles = 0

    def __iter__(self):
        rows, self._rows = self._rows, None
        if rows is None:
            raise RuntimeError("a Batches object can be iterated once; make a new one")
        records: list[dict] = []
        for i, row in enumerate(rows):
            rows[i] = None  # the raw text is not needed any more
            record, removed = self._builder.article(row)
            if record is None:
                continue
            records.append(record)
            self._removed.extend(removed)
            if len(records) >= self.batch_size:
                self.articles += len(records)
                yield _frame(records, self.extra)
                records = []
        if records:
            self.articles += len(records)
            yield _frame(records, self.extra)
        if not self.articles:
            raise _nothing_loaded(self.path, self._report)

    def removed(self) -> pd.DataFrame:
        """What cleaning removed from the articles so far (:data:`REMOVED_COLUMNS`)."""
        return AttrTable(self._removed, columns=REMOVED_COLUMNS)

    def skipped(self) -> pd.DataFrame:
        """Inputs that could not be loaded so far (:data:`SKIPPED_COLUMNS`)."""
        return self._report.skipped()

    def problems(self) -> pd.DataFrame:
        """Problems that did not stop an article so far (:data:`WARNING_COLUMNS`)."""
        return self._report.warnings()


def removed(articles: pd.DataFrame) -> pd.DataFrame:
    """What cleaning removed from the articles, with the rule and the reason."""
    return articles.attrs.get("removed", AttrTable(columns=REMOVED_COLUMNS))


def skipped(articles: pd.DataFrame) -> pd.DataFrame:
    """Inputs that could not be loaded, with the reason (:data:`SKIPPED_COLUMNS`)."""
    return articles.attrs.get("skipped", AttrTable(columns=SKIPPED_COLUMNS))


def problems(articles: pd.DataFrame) -> pd.DataFrame:
    """Problems that did not stop an article from loading (:data:`WARNING_COLUMNS`)."""
    return articles.attrs.get("warnings", AttrTable(columns=WARNING_COLUMNS))


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
