"""Build a corpus of awkward and hostile files (imported by the tests; nothing is stored in the repo).

``build(folder)`` writes the files and returns a list of :class:`Case`: one per
article *input* (a file, or a row/line of a table), with what the loader must
do with it: load it (and the text it must contain) or report it (and a word of
the reason). Tests check every case, and that inputs = loaded + reported.
"""
from __future__ import annotations

import json
import random
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

GERMAN = (
    "Größere Sensoren, schärfere Objektive: Die Kamera überzeugt mit präziser Farbwiedergabe. "
    "Äußerst günstig ist das Gerät aber nicht."
)
UMLAUT_WORDS = ("Größere", "schärfere", "überzeugt", "präziser", "Äußerst", "günstig")


@dataclass
class Case:
    """One article input of the hostile corpus and the expected outcome."""

    source: str                      # file name relative to the corpus folder
    outcome: str                     # "load" or "skip"
    row: int | None = None           # line/record for tabular inputs
    contains: tuple[str, ...] = ()   # text the loaded article must contain
    absent: tuple[str, ...] = ()     # text it must not contain
    reason: str = ""                 # a word of the skip reason
    doc_id: str | None = None
    extra: dict = field(default_factory=dict)


def paragraph(i: int) -> str:
    return f"Absatz {i}: " + GERMAN


def build(folder: Path, *, big_mb: float = 20.0) -> list[Case]:
    """Write the hostile corpus into ``folder`` and return its cases."""
    folder.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []

    def write(name: str, data: bytes | str, case: Case) -> None:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        cases.append(case)

    def article(label: str) -> str:
        return f"Überschrift mit Umlauten: {label}\n\n{GERMAN}\n\n{paragraph(2)}"

    text = article("UTF-8")
    write("utf8.txt", text, Case("utf8.txt", "load", contains=UMLAUT_WORDS + ("Überschrift",)))
    write("bom_crlf.txt", b"\xef\xbb\xbf" + article("BOM").replace("\n", "\r\n").encode("utf-8"),
          Case("bom_crlf.txt", "load", contains=UMLAUT_WORDS, absent=("\ufeff", "\r")))
    write("cp1252.txt", (article("cp1252") + " Preis: 999 € „Zitat“").encode("cp1252"),
          Case("cp1252.txt", "load", contains=UMLAUT_WORDS + ("999 €", "„Zitat“")))
    write("latin1.txt", article("Latin-1").encode("latin-1"), Case("latin1.txt", "load", contains=UMLAUT_WORDS))
    # UTF-8 article with one stray Windows-1252 byte (an ü pasted from an old file)
    write("mixed.txt", article("gemischt").encode("utf-8") + " Zurück".encode("cp1252"),
          Case("mixed.txt", "load", contains=UMLAUT_WORDS + ("Zurück",)))
    write("nfd.txt", unicodedata.normalize("NFD", article("NFD")),
          Case("nfd.txt", "load", contains=UMLAUT_WORDS, absent=("u\u0308", "a\u0308", "o\u0308")))
    write("utf16.txt", b"\xff\xfe" + article("UTF-16").encode("utf-16-le"), Case("utf16.txt", "load", contains=UMLAUT_WORDS))
    write("empty.txt", b"", Case("empty.txt", "skip", reason="empty"))
    write("whitespace.txt", " \n\t\r\n  \n", Case("whitespace.txt", "skip", reason="white space"))
    write("garbage.txt", random.Random(6).randbytes(4096), Case("garbage.txt", "skip", reason="binary"))
    write("picture.png", b"\x89PNG\r\n\x1a\n" + random.Random(7).randbytes(512),
          Case("picture.png", "skip", reason="unknown file type"))
    write("nul.txt", ("Nullbytes im Text\n\n" + GERMAN).encode("utf-8").replace(b"Kamera", b"Kam\x00era"),
          Case("nul.txt", "load", contains=("Kamera", "Größere"), absent=("\x00",)))
    # a 20 MB article: many paragraphs (as a real dump would have)
    para = "\n\n".join(paragraph(i) for i in range(50))
    n = int(big_mb * 1024 * 1024 / len(para.encode("utf-8"))) + 1
    write("big.txt", "Ein sehr langer Artikel\n\n" + "\n\n".join([para] * n),
          Case("big.txt", "load", contains=("Absatz 49", "Größere")))
    write("dup_a.txt", article("Duplikat") + "\n\nDuplikat.", Case("dup_a.txt", "load", contains=("Duplikat",)))
    write("dup_b.txt", article("Duplikat") + "\n\nDuplikat.", Case("dup_b.txt", "skip", reason="duplicate"))
    html = (
        "<!DOCTYPE html><html><head><title>Seitentitel</title><script>var secret = 'head';</script></head>"
        "<body><nav>Menü</nav><h1>Xiaomi &amp; Leica</h1>"
        "<p>Die <b>Kamera</b> überzeugt&nbsp;mit <a href=\"javascript:alert(1)\">Farben</a>.</p>"
        "<script>alert('xss')</script><style>p {color: red}</style>"
        "<p>Der Preis liegt bei 999&#8239;€ &ndash; &lt;teuer&gt;.<br>Neue Zeile.</p>"
        "<img src=x onerror=\"alert(2)\" alt=\"Bild\"><noscript>kein JS</noscript>"
        "<p>Ende &amp;uuml; bleibt wörtlich.</p></body></html>"
    )
    write("page.html", html, Case("page.html", "load",
                                  contains=("Xiaomi & Leica", "Die Kamera überzeugt mit Farben.", "<teuer>",
                                            "Neue Zeile.", "&uuml; bleibt"),
                                  absent=("alert", "secret", "<script", "color: red", "onerror", "<p>",
                                          "<b>", "kein JS", "Seitentitel")))
    write("markup.txt", f"<p>{GERMAN}</p>\n<p>Zweiter Absatz ohne Skript.</p><script>document.cookie</script>",
          Case("markup.txt", "load", contains=("Zweiter Absatz ohne Skript.", "Größere"),
               absent=("document.cookie", "<p>")))
    write("unclosed_script.html", f"<p>{GERMAN}</p><script>steal()</p>ohne Ende",
          Case("unclosed_script.html", "load", contains=("Größere",), absent=("steal",)))
    write("nav_only.txt", "YouTube Instagram Vimeo RSS", Case("nav_only.txt", "skip", reason="nothing left"))
    write("sub/nested.txt", "Artikel im Unterordner\n\n" + GERMAN,
          Case("sub/nested.txt", "load", contains=("Unterordner",), doc_id="sub/nested"))
    write("unknown_outlet.txt", "Ohne Metadaten\n\n" + GERMAN,
          Case("unknown_outlet.txt", "load", contains=("Ohne Metadaten",), extra={"outlet": "unknown"}))

    # a CSV with quoted newlines, an unknown column and a row with too many fields
    csv_text = (
        'doc_id,outlet,text,Leserbewertung\n'
        'c1,csvpost,"Erste Zeile\n\nZweiter Absatz, mit Komma und ""Zitat"".",5\n'
        'c2,csvpost,"Zweiter Artikel\nmit Zeilenumbruch im Feld.",3\n'
        'c3,csvpost,zu viele Felder,1,2,3\n'
    )
    write("table.csv", csv_text, Case("table.csv", "load", row=2,
                                      contains=("Erste Zeile", 'Zweiter Absatz, mit Komma und "Zitat".'),
                                      doc_id="c1", extra={"Leserbewertung": "5"}))
    cases.append(Case("table.csv", "load", row=5, contains=("Zweiter Artikel\n\nmit Zeilenumbruch im Feld.",),
                      doc_id="c2"))
    cases.append(Case("table.csv", "skip", row=7, reason="fields"))

    lines = [
        json.dumps({"doc_id": "j1", "outlet": "jsonpost", "text": "JSON-Artikel\n\n" + GERMAN}, ensure_ascii=False),
        '{"doc_id": "j2", "text": "abgeschnitten',
        json.dumps({"doc_id": "j3", "outlet": "jsonpost", "text": "Dritter Artikel\n\nMit \\u00fc: " + GERMAN}),
        "[1, 2, 3]",
        json.dumps({"doc_id": "j5", "outlet": "jsonpost", "text": {"nested": "object"}}),
    ]
    write("lines.jsonl", "\n".join(lines) + "\n\n",
          Case("lines.jsonl", "load", row=1, contains=("JSON-Artikel",), doc_id="j1"))
    cases.append(Case("lines.jsonl", "skip", row=2, reason="not valid JSON"))
    cases.append(Case("lines.jsonl", "load", row=3, contains=("Dritter Artikel",), doc_id="j3"))
    cases.append(Case("lines.jsonl", "skip", row=4, reason="not an object"))
    cases.append(Case("lines.jsonl", "skip", row=5, reason="not text"))
    write("broken.json", '{"title": "kaputt", "maintext": ', Case("broken.json", "skip", reason="not valid JSON"))

    # metadata: unknown column, unparsable date, a missing article, a path escaping the folder
    meta = (
        "file,outlet,date,Ressort\n"
        "utf8.txt,alpha,2022-05-23,Technik\n"
        "cp1252.txt,beta,gestern,Technik\n"
        "latin1.txt,beta,31.02.2022,\n"
        "missing.txt,alpha,2022-05-24,Technik\n"
        "../outside.txt,alpha,2022-05-24,\n"
        "/etc/passwd,alpha,2022-05-24,\n"
        "dup_a.txt,alpha,23. Mai 2022,\n"
        "dup_b.txt,alpha,2022-05-23,\n"
    )
    (folder / "metadata.csv").write_text(meta, encoding="utf-8")
    return cases


#: Metadata rows that must be reported (row = line in metadata.csv) with a word of the reason.
METADATA_PROBLEMS = {5: "not in the corpus folder", 6: "outside", 7: "outside"}
#: Metadata dates that must load as unparsed text.
UNPARSED_DATES = {"cp1252.txt": "gestern", "latin1.txt": "31.02.2022"}
