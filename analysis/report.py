"""One self-contained HTML report from the notebook suite.

``python -m analysis.report`` executes the notebooks (the coverage profile,
05, first; then 01–04) with papermill, with the same parameters as the
notebooks themselves (``corpus``, ``column_mapping``, ``figures_dir``), and
writes **one** HTML file with nbconvert:

* code hidden, every figure embedded as an image (no external files),
* tables readable (full-width, zebra rows, wrapped text),
* a table of contents with links to every section,
* no JavaScript at all and a Content-Security-Policy that forbids scripts and
  any network access, so article text in it can only ever be shown as text.

Usage::

    python -m analysis.report                                   # the seed articles -> report/
    python -m analysis.report --corpus my.csv --text body --outlet source --out my-report

From Python: :func:`build`. The executed notebooks and the figures of a run
are kept beside the HTML file (``<out>/notebooks``, ``<out>/figures``); the
project's own ``notebooks/`` and ``figures/`` are never changed.
"""
from __future__ import annotations

import argparse
import copy
import html
import logging
import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import nbformat

from . import paths

#: The notebook that opens the report (matched by its number prefix).
FIRST = "05"
#: Default output folder.
DEFAULT_OUT = paths.ROOT / "report"
#: Name of the HTML file inside the output folder.
REPORT_NAME = "coverage-report.html"
#: The parameters every notebook takes (its papermill ``parameters`` cell).
PARAMETERS = ("corpus", "column_mapping", "figures_dir")

#: No scripts, no network: images and fonts only from ``data:`` URIs, styles inline.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
    "script-src 'none'; connect-src 'none'; frame-src 'none'; object-src 'none'; "
    "base-uri 'none'; form-action 'none'"
)

_DANGEROUS_TAGS = ("script", "iframe", "object", "embed", "base", "form", "frame", "frameset", "applet", "link",
                   "noscript", "template")
_URL_ATTRS = ("href", "src", "action", "formaction", "xlink:href", "srcset", "data", "poster", "background")

REPORT_CSS = """
:root { --report-width: 62rem; }
body.jp-Notebook { max-width: var(--report-width); margin: 0 auto; padding: 1.5rem 1.25rem 4rem;
  font-size: 15px; line-height: 1.55; }
.jp-Cell { padding: 0.15rem 0; }
.jp-RenderedMarkdown h1 { font-size: 1.75rem; margin-top: 2.5rem; padding-top: 1rem;
  border-top: 3px solid #0072B2; }
.jp-RenderedMarkdown h2 { font-size: 1.3rem; margin-top: 1.75rem; }
.jp-RenderedMarkdown p, .jp-RenderedMarkdown li { max-width: 46rem; }
.jp-RenderedImage img, .jp-OutputArea-output img { max-width: 100%; height: auto; display: block; }
.jp-Notebook .jp-RenderedHTMLCommon table { font-size: 0.8rem; border-collapse: collapse; margin: 0.5rem 0 1rem;
  table-layout: auto; }
.jp-Notebook .jp-RenderedHTMLCommon th, .jp-Notebook .jp-RenderedHTMLCommon td { padding: 0.25rem 0.55rem;
  vertical-align: top; text-align: left; white-space: normal; max-width: 28rem; overflow-wrap: break-word; }
.jp-Notebook .jp-RenderedHTMLCommon td.num, .jp-Notebook .jp-RenderedHTMLCommon th.num { text-align: right;
  font-variant-numeric: tabular-nums; white-space: nowrap; }
.jp-Notebook .jp-RenderedHTMLCommon thead th { white-space: nowrap; background: #eef2f6;
  border-bottom: 1px solid #8a99a8; }
.jp-Notebook .jp-RenderedHTMLCommon tbody tr:nth-child(odd) { background: #f7f9fb; }
.jp-OutputArea-output { overflow-x: auto; }
.jp-OutputArea-output pre { white-space: pre-wrap; }
nav.report-toc { background: #f4f7fa; border-left: 4px solid #0072B2; padding: 0.75rem 1.25rem;
  margin: 1rem 0 2rem; }
nav.report-toc h2 { font-size: 1.05rem; margin: 0 0 0.4rem; border: 0; padding: 0; }
nav.report-toc ol { margin: 0; padding-left: 1.3rem; }
nav.report-toc ol ol { list-style: none; padding-left: 0.9rem; font-size: 0.92em; }
nav.report-toc a { text-decoration: none; }
.report-meta { color: #555; font-size: 0.9rem; }
.report-failed { border-left: 4px solid #D55E00; background: #fff4ec; padding: 0.6rem 0.9rem; }
@media print { nav.report-toc { break-after: page; } .jp-RenderedMarkdown h1 { break-before: page; } }
"""


class ReportError(RuntimeError):
    """A notebook failed or the report could not be written; the message says which and what to do."""


# --------------------------------------------------------------------------- choosing and running notebooks


def notebooks(folder: str | Path | None = None, *, only: Iterable[str] | None = None) -> list[Path]:
    """The notebooks of the report, in report order: the coverage profile (05) first, then the others.

    Parameters
    ----------
    folder
        Where the notebooks are; default :data:`analysis.paths.NOTEBOOKS`.
    only
        Number prefixes to keep, e.g. ``["05", "01"]``.
    """
    folder = Path(folder) if folder is not None else paths.NOTEBOOKS
    found = sorted(p for p in folder.glob("[0-9][0-9]-*.ipynb") if not p.name.endswith(".out.ipynb"))
    if only is not None:
        wanted = [str(o).zfill(2) for o in only]
        unknown = [w for w in wanted if not any(p.name.startswith(w + "-") for p in found)]
        if unknown:
            raise ReportError(
                f"no notebook numbered {', '.join(unknown)} in {folder}; "
                f"available: {', '.join(p.name for p in found) or 'none'}"
            )
        found = [p for p in found if p.name[:2] in wanted]
    if not found:
        raise ReportError(f"no notebooks (NN-name.ipynb) found in {folder}")
    return sorted(found, key=lambda p: (p.name[:2] != FIRST, p.name))


def execute(
    notebook: str | Path,
    output: str | Path,
    *,
    corpus: str | Path | None = None,
    column_mapping: Mapping[str, str] | None = None,
    figures_dir: str | Path | None = None,
    timeout: int = 1800,
) -> nbformat.NotebookNode:
    """Run one notebook with papermill and the suite's parameters; returns the executed notebook.

    Raises
    ------
    ReportError
        Naming the notebook, the failing cell's error and where the partly
        executed notebook was written.
    """
    import papermill as pm

    notebook, output = Path(notebook), Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    parameters = {
        "corpus": None if corpus is None else str(Path(corpus).expanduser().resolve()),
        "column_mapping": dict(column_mapping or {}),
        "figures_dir": None if figures_dir is None else str(Path(figures_dir).resolve()),
    }
    # papermill warns that it cannot read the type hints out of the parameter comments; the values are injected anyway
    logging.getLogger("papermill").setLevel(logging.ERROR)
    try:
        pm.execute_notebook(
            str(notebook), str(output), parameters=parameters, cwd=str(notebook.parent), progress_bar=False,
            log_output=False, execution_timeout=timeout, kernel_name="python3",
        )
    except pm.PapermillExecutionError as exc:
        raise ReportError(
            f"{notebook.name} failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue}. "
            f"The partly executed notebook is {output}; open it to see the cell."
        ) from exc
    except Exception as exc:  # noqa: BLE001 - a dead kernel, a timeout: name the notebook, keep the cause
        raise ReportError(f"{notebook.name} could not be run ({type(exc).__name__}: {exc}).") from exc
    return nbformat.read(output, as_version=4)


def _has_outputs(nb: nbformat.NotebookNode) -> bool:
    return any(c.get("outputs") for c in nb.cells if c.cell_type == "code")


# --------------------------------------------------------------------------- merging


def _strip_cells(nb: nbformat.NotebookNode) -> list:
    """The cells a reader sees: no parameter cells, no empty code cells, no warnings on stderr."""
    cells = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & {"parameters", "injected-parameters", "remove-cell", "report-skip"}:
            continue
        cell = copy.deepcopy(cell)
        if cell.cell_type == "code":
            cell.outputs = [
                o for o in cell.get("outputs", [])
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
            if not cell.outputs:
                continue
        elif cell.cell_type == "raw":
            continue
        cells.append(cell)
    return cells


def combine(
    executed: Sequence[nbformat.NotebookNode],
    *,
    title: str = "Coverage report",
    subtitle: str | None = None,
) -> nbformat.NotebookNode:
    """One notebook of all cells a reader sees, under a title cell."""
    intro = f"# {title}"
    if subtitle:
        intro += f"\n\n<p class=\"report-meta\">{html.escape(subtitle)}</p>"
    merged = nbformat.v4.new_notebook()
    merged.cells.append(nbformat.v4.new_markdown_cell(intro, metadata={"tags": ["report-title"]}))
    for nb in executed:
        merged.cells.extend(_strip_cells(nb))
    if executed:
        merged.metadata = copy.deepcopy(executed[0].metadata)
        merged.metadata.pop("papermill", None)
    return merged


# --------------------------------------------------------------------------- HTML


def _slug(text: str, used: set[str]) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"
    slug, i = base, 2
    while slug in used:
        slug, i = f"{base}-{i}", i + 1
    used.add(slug)
    return slug


def _make_safe(soup) -> None:
    """Remove every script, active element, event handler and non-``data:`` resource."""
    for tag in soup.find_all(_DANGEROUS_TAGS):
        tag.decompose()
    for tag in soup.find_all("meta"):
        if tag.get("http-equiv", "").lower() in {"refresh", "set-cookie"}:
            tag.decompose()
    for tag in soup.find_all(True):
        for attr in list(tag.attrs):
            value = tag.attrs[attr]
            value = " ".join(value) if isinstance(value, list) else str(value)
            if attr.lower().startswith("on"):
                del tag.attrs[attr]
            elif attr.lower() in _URL_ATTRS:
                v = value.strip().lower()
                internal = v.startswith("#") and attr.lower() == "href"
                if tag.name == "a" and attr.lower() == "href" and v.startswith(("http://", "https://", "mailto:")):
                    continue  # a plain link is fine: nothing loads until the reader clicks it
                if not (internal or v.startswith("data:image/")):
                    if tag.name == "img" and attr.lower() == "src":
                        tag.decompose()  # an image from elsewhere would load (or show broken): drop it
                        break
                    del tag.attrs[attr]
            elif attr.lower() == "style" and re.search(r"url\s*\(|expression\s*\(", value, re.IGNORECASE):
                del tag.attrs[attr]
    for style in soup.find_all("style"):
        text = style.string or ""
        if re.search(r"@import|url\s*\(\s*['\"]?(?!data:)", text, re.IGNORECASE):
            style.string = re.sub(r"@import[^;]*;", "", text)
            style.string = re.sub(r"url\s*\(\s*['\"]?(?!data:)[^)]*\)", "none", style.string, flags=re.IGNORECASE)


_NUMBER = re.compile(r"^[−+-]?(?:\d[\d,.\u2009 ]*|\.\d+)(?:e[+-]?\d+)?\s*%?$|^(?:nan|NaN|inf|-inf|<NA>|None)$")


def _align_numbers(soup) -> None:
    """Right-align table cells that hold numbers (and their column headers); text stays left-aligned."""
    for table in soup.find_all("table"):
        numeric_cols: dict[int, bool] = {}
        for row in table.select("tbody tr"):
            for i, cell in enumerate(row.find_all(["td", "th"])):
                text = cell.get_text(strip=True)
                if cell.name == "td" and text:
                    is_num = bool(_NUMBER.match(text))
                    numeric_cols[i] = numeric_cols.get(i, True) and is_num
                    if is_num:
                        cell["class"] = cell.get("class", []) + ["num"]
        for row in table.select("thead tr"):
            for i, cell in enumerate(row.find_all(["th", "td"])):
                if numeric_cols.get(i):
                    cell["class"] = cell.get("class", []) + ["num"]


def _toc(soup) -> None:
    """Give every h1/h2 a stable id and put a linked table of contents after the title."""
    used: set[str] = set()
    headings = soup.find_all(["h1", "h2"])
    for anchor in soup.select("a.anchor-link"):
        anchor.decompose()
    entries = []
    for h in headings:
        text = " ".join(h.get_text().split())
        h["id"] = _slug(text, used)
        entries.append((h.name, text, h["id"]))
    if len(entries) < 2:
        return
    nav = soup.new_tag("nav", attrs={"class": "report-toc", "aria-label": "Contents"})
    head = soup.new_tag("h2")
    head.string = "Contents"
    nav.append(head)
    top = soup.new_tag("ol")
    nav.append(top)
    current = None
    for level, text, slug in entries[1:]:  # the first h1 is the report title
        item = soup.new_tag("li")
        link = soup.new_tag("a", href=f"#{slug}")
        link.string = text
        item.append(link)
        if level == "h1" or current is None:
            top.append(item)
            current = item
        else:
            sub = current.find("ol")
            if sub is None:
                sub = soup.new_tag("ol")
                current.append(sub)
            sub.append(item)
    title = headings[0]
    cell = title.find_parent(class_="jp-Cell") or title
    cell.insert_after(nav)


def to_html(nb: nbformat.NotebookNode, *, title: str = "Coverage report") -> str:
    """Render a (combined) notebook as one self-contained, script-free HTML page.

    Code is hidden; images are embedded; headings get ids and a table of
    contents; everything that could run code or load something from the
    network is removed, and a Content-Security-Policy forbids it in the browser.
    """
    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.embed_images = True
    body, _ = exporter.from_notebook_node(nb)
    soup = BeautifulSoup(body, "html.parser")
    _make_safe(soup)
    if soup.head is None:
        raise ReportError("nbconvert produced HTML without a <head>; check the nbconvert installation")
    for meta in soup.head.find_all("meta", attrs={"http-equiv": True}):
        meta.decompose()
    csp = soup.new_tag("meta", attrs={"http-equiv": "Content-Security-Policy", "content": CONTENT_SECURITY_POLICY})
    soup.head.insert(0, csp)
    if soup.head.title is None:
        soup.head.append(soup.new_tag("title"))
    soup.head.title.string = title
    css = soup.new_tag("style")
    css.string = REPORT_CSS
    soup.head.append(css)
    if soup.html is not None:
        soup.html["lang"] = "en"
    _align_numbers(soup)
    _toc(soup)
    return str(soup)


# --------------------------------------------------------------------------- the whole job


def build(
    corpus: str | Path | None = None,
    *,
    column_mapping: Mapping[str, str] | None = None,
    out: str | Path | None = None,
    only: Iterable[str] | None = None,
    stored: bool = False,
    title: str = "Coverage report",
    notebook_folder: str | Path | None = None,
    log=print,
) -> Path:
    """Execute the notebooks for a corpus and write the HTML report; returns its path.

    Parameters
    ----------
    corpus
        The corpus (folder, CSV/TSV, JSONL, Parquet), as for
        :func:`analysis.corpus.load`; ``None`` for the seed articles.
    column_mapping
        Column names of a tabular corpus, e.g. ``{"text": "body"}``.
    out
        Output folder (default ``report/``); gets ``coverage-report.html``,
        the executed notebooks and the figures.
    only
        Number prefixes of the notebooks to include (default: all).
    stored
        Use the notebooks' stored outputs instead of executing them (only for
        the seed articles: the committed notebooks are executed on them).
    title
        The report's title.
    notebook_folder
        Where the notebooks are (default :data:`analysis.paths.NOTEBOOKS`).
    log
        Called with progress messages (``None`` for silence).

    Raises
    ------
    ReportError
        If a notebook failed. The others still run and the report is still
        written, with the failed notebook shown as a failure notice (the
        message names the notebook, the cell's error and the partly executed
        notebook to open).
    """
    log = log or (lambda *a, **k: None)
    out = Path(out) if out is not None else DEFAULT_OUT
    out.mkdir(parents=True, exist_ok=True)
    chosen = notebooks(notebook_folder, only=only)
    if stored and (corpus is not None or column_mapping):
        raise ReportError("stored outputs belong to the seed articles; drop --stored to run on your corpus")
    executed, failures = [], []
    for path in chosen:
        if stored:
            nb = nbformat.read(path, as_version=4)
            if not _has_outputs(nb):
                raise ReportError(f"{path.name} has no stored outputs; run 'make figures' first or drop --stored")
            log(f"using stored outputs of {path.name}")
        else:
            log(f"executing {path.name} ...")
            try:
                nb = execute(path, out / "notebooks" / path.name, corpus=corpus, column_mapping=column_mapping,
                             figures_dir=out / "figures")
            except ReportError as exc:
                # keep going: the other notebooks still make a useful report; the failure is shown in it
                log(f"FAILED: {exc}")
                failures.append(str(exc))
                nb = _failure_notebook(path, str(exc))
        executed.append(nb)
    subtitle = "Corpus: " + ("the two seed articles (VIDEOAKTIV and curved, May 2022)" if corpus is None
                             else Path(corpus).name)
    subtitle += ". Notebooks: " + ", ".join(p.stem for p in chosen) + "."
    page = to_html(combine(executed, title=title, subtitle=subtitle), title=title)
    target = out / REPORT_NAME
    target.write_text(page, encoding="utf-8")
    log(f"wrote {target} ({len(page.encode('utf-8')) / 1e6:.1f} MB)")
    if failures:
        raise ReportError(f"the report was written to {target}, but {len(failures)} notebook(s) failed and are "
                          f"shown as failed in it: " + " | ".join(failures))
    return target


def _failure_notebook(path: Path, message: str) -> nbformat.NotebookNode:
    """A stand-in for a notebook that failed: its title and the error, as escaped text."""
    title = f"{path.stem[:2]} · {path.stem[3:].replace('-', ' ')}"
    body = (f"# {html.escape(title)}\n\n<p class=\"report-failed\"><strong>This notebook failed on this corpus.</strong> "
            f"{html.escape(message)}</p>")
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(body)])


def _mapping(pairs: Sequence[str]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise SystemExit(f"--column expects OURS=THEIRS, e.g. --column text=body; got {pair!r}")
        mapping[key.strip()] = value.strip()
    return mapping


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analysis.report",
        description="Run the notebooks on a corpus and write one self-contained HTML report (code hidden).",
    )
    parser.add_argument("--corpus", help="folder of .txt files or a CSV/TSV/JSONL/Parquet file (default: the seeds)")
    cols = parser.add_argument_group("column mapping (tabular input), as in corpus.load() and 'python -m analysis run'")
    for name in ("text", "outlet", "title", "date", "doc-id", "url"):
        cols.add_argument(f"--{name}", metavar="COLUMN", help=f"column holding the {name.replace('-', '_')}")
    cols.add_argument("--column", action="append", default=[], metavar="OURS=THEIRS",
                      help="any other column, e.g. --column outlet_name=publisher")
    parser.add_argument("--out", default=None, help=f"output folder (default: {DEFAULT_OUT.relative_to(paths.ROOT)}/)")
    parser.add_argument("--only", default=None, help="notebook numbers to include, e.g. 05,01")
    parser.add_argument("--stored", action="store_true",
                        help="use the committed notebooks' outputs instead of executing them (seeds only; fast)")
    parser.add_argument("--report-title", default="Coverage report", help="the report's title")
    args = parser.parse_args(argv)
    if args.corpus is not None and not Path(args.corpus).expanduser().exists():
        parser.error(f"--corpus {args.corpus}: no such file or folder")
    only = [x.strip() for x in args.only.split(",") if x.strip()] if args.only else None
    try:
        mapping = {key: getattr(args, key) for key in ("text", "outlet", "title", "date", "doc_id", "url")
                   if getattr(args, key)}
        mapping.update(_mapping(args.column))
        build(args.corpus, column_mapping=mapping, out=args.out, only=only, stored=args.stored,
              title=args.report_title)
    except ReportError as exc:
        print(f"report: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
