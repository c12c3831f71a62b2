"""Tests for the HTML report (analysis.report) and its check in headless Chromium (analysis.browser).

The browser tests need Chromium (``.ci/install-browser`` installs Debian's package);
without it they skip with a message. Rendering a report for a new corpus executes
notebook 01 with papermill (about half a minute).
"""
from __future__ import annotations

import base64
import os
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis import browser, paths, report

PAYLOAD = '<script>alert("xss")</script><img src=x onerror=alert(2)>'
# A 1x1 PNG
PIXEL = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8ffff3f0005fe02fea7d605a60000000049454e44ae426082"
)).decode()

needs_browser = pytest.mark.skipif(
    browser.find_chromium() is None,
    reason="no Chromium found: run .ci/install-browser (Debian: apt-get install chromium) to check the report "
           "in a real browser",
)


def _notebook(name: str) -> nbformat.NotebookNode:
    """A small executed notebook with a parameters cell, code, a table, a figure and hostile text."""
    table = pd.DataFrame({"outlet": ["a", "b"], "title": [PAYLOAD, "ok"], "words": [12, 1234]})
    with pd.option_context("display.max_colwidth", None):
        table_html = table._repr_html_()
    return new_notebook(cells=[
        new_markdown_cell(f"# {name}\n\nQuestion and orientation."),
        new_code_cell("corpus = None", metadata={"tags": ["parameters"]}),
        new_code_cell("SECRET_CODE_LINE = 1"),
        new_markdown_cell("## A table"),
        new_code_cell("table", outputs=[new_output("execute_result", execution_count=1, data={
            "text/html": table_html, "text/plain": repr(table)})]),
        new_markdown_cell("## A figure"),
        new_code_cell("ax = plot.something()", outputs=[
            new_output("display_data", data={"image/png": PIXEL, "text/plain": "<Figure>"}),
            new_output("stream", name="stderr", text="UserWarning: something noisy\n"),
        ]),
        new_code_cell("print(title)", outputs=[new_output("stream", name="stdout", text=PAYLOAD + "\n")]),
        new_code_cell("display(HTML(raw))", outputs=[new_output("display_data", data={
            "text/html": f'<p onclick="alert(3)">{PAYLOAD}<a href="javascript:alert(4)">x</a>'
                         f'<iframe src="https://example.org"></iframe><img src="https://example.org/t.png"></p>',
            "text/plain": "raw"})]),
    ])


@pytest.fixture(scope="module")
def page_html() -> str:
    merged = report.combine([_notebook("05 · Profile"), _notebook("01 · Overview")], title="Test report",
                            subtitle="Corpus: <evil>.csv")
    return report.to_html(merged, title="Test report")


def test_code_parameters_and_warnings_are_hidden(page_html):
    assert "SECRET_CODE_LINE" not in page_html
    assert "corpus = None" not in page_html
    assert "something noisy" not in page_html


def test_report_has_no_script_and_a_content_security_policy(page_html):
    soup = BeautifulSoup(page_html, "html.parser")
    assert soup.find_all("script") == []
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert csp is not None and "script-src 'none'" in csp["content"]
    assert not soup.find_all("iframe")
    assert not [t for t in soup.find_all(True) if any(a.startswith("on") for a in t.attrs)]
    assert not [a for a in soup.find_all("a", href=True) if a["href"].lower().startswith("javascript:")]


def test_article_text_is_escaped_as_text(page_html):
    soup = BeautifulSoup(page_html, "html.parser")
    # the payload is visible as text (table cell, printed output) and never became markup
    assert PAYLOAD in soup.get_text()
    assert soup.get_text().count(PAYLOAD) >= 4  # 2 tables + 2 printed outputs
    assert "<evil>.csv" in soup.get_text()
    assert not soup.find("evil")


def test_figures_are_embedded_and_nothing_loads_from_outside(page_html):
    soup = BeautifulSoup(page_html, "html.parser")
    images = soup.find_all("img")
    # one figure per notebook; images pointing elsewhere (src=x, https://...) are removed, not left broken
    assert len(images) == 2
    assert all(i["src"] == f"data:image/png;base64,{PIXEL}" for i in images)
    assert "cdnjs" not in page_html and "require.js" not in page_html.lower()


def test_table_of_contents_links_every_section_in_order(page_html):
    soup = BeautifulSoup(page_html, "html.parser")
    nav = soup.find("nav", class_="report-toc")
    links = [(a.get_text(), a["href"]) for a in nav.find_all("a")]
    assert [t for t, _ in links] == ["05 · Profile", "A table", "A figure", "01 · Overview", "A table", "A figure"]
    ids = {t["id"] for t in soup.find_all(id=True)}
    assert all(href[1:] in ids for _, href in links)
    assert len({href for _, href in links}) == len(links)  # repeated headings get distinct anchors


def test_numbers_are_right_aligned_text_left(page_html):
    soup = BeautifulSoup(page_html, "html.parser")
    row = soup.find("table").find("tbody").find("tr")
    cells = row.find_all("td")
    assert "num" not in cells[0].get("class", []) and "num" in cells[2].get("class", [])


def test_notebook_order_puts_the_profile_first(tmp_path):
    for name in ["01-corpus-overview", "02-sentiment", "05-coverage-profile", "03-key-terms"]:
        nbformat.write(new_notebook(), tmp_path / f"{name}.ipynb")
    order = [p.stem for p in report.notebooks(tmp_path)]
    assert order == ["05-coverage-profile", "01-corpus-overview", "02-sentiment", "03-key-terms"]
    assert [p.stem for p in report.notebooks(tmp_path, only=["1", "05"])] == ["05-coverage-profile",
                                                                              "01-corpus-overview"]
    with pytest.raises(report.ReportError, match="available: 01-corpus-overview.ipynb"):
        report.notebooks(tmp_path, only=["09"])


def test_cli_explains_bad_arguments(tmp_path, capsys):
    assert report.main(["--corpus", str(paths.SEEDS), "--stored", "--out", str(tmp_path)]) == 1
    assert "drop --stored" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        report.main(["--corpus", str(tmp_path / "missing.csv")])
    assert "no such file" in capsys.readouterr().err
    with pytest.raises(SystemExit, match="OURS=THEIRS"):
        report.main(["--column", "text", "--out", str(tmp_path)])


# --------------------------------------------------------------------------- real reports


def _stored_outputs_present() -> bool:
    found = sorted(paths.NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    return bool(found) and all(
        any(c.get("outputs") for c in nbformat.read(p, as_version=4).cells if c.cell_type == "code") for p in found
    )


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory) -> Path:
    if not _stored_outputs_present():
        pytest.skip("the notebooks have no stored outputs yet; run 'make figures' first")
    out = tmp_path_factory.mktemp("seed-report")
    assert report.main(["--stored", "--out", str(out)]) == 0
    return out / report.REPORT_NAME


def test_seed_report_holds_every_figure_of_every_notebook(seed_report):
    figures = sum(
        1
        for p in report.notebooks()
        for c in nbformat.read(p, as_version=4).cells if c.cell_type == "code"
        for o in c.get("outputs", []) if "image/png" in o.get("data", {})
    )
    soup = BeautifulSoup(seed_report.read_text(encoding="utf-8"), "html.parser")
    images = [i for i in soup.find_all("img") if i.get("src", "").startswith("data:image/png;base64,")]
    assert figures > 0 and len(images) == figures
    first_h1 = [h.get_text(strip=True) for h in soup.find_all("h1")][1]
    assert first_h1.startswith(report.notebooks()[0].stem[:2])


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory) -> Path:
    """A report for a user's CSV whose titles and outlet names hold HTML, executed with papermill."""
    folder = tmp_path_factory.mktemp("hostile")
    csv = folder / "my articles.csv"
    pd.DataFrame({
        "source": ["<b>Bold</b> News", "plain"],
        "headline": [PAYLOAD, "Leica und Xiaomi arbeiten zusammen"],
        "body": ["Leica baut Kameras für Xiaomi. Das Ergebnis ist gut.\n\nHuawei war früher Partner von Leica.",
                 "Xiaomi und Leica arbeiten zusammen. Die Kamera ist neu."],
    }).to_csv(csv, index=False)
    out = folder / "out"
    # as under `make`, which exports MPLBACKEND=Agg: the figures must still reach the notebook and the report
    saved = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = "Agg"
    try:
        target = report.build(csv, column_mapping={"text": "body", "outlet": "source", "title": "headline"},
                              out=out, only=["01"], log=None)
    finally:
        if saved is None:
            os.environ.pop("MPLBACKEND", None)
        else:
            os.environ["MPLBACKEND"] = saved
    return target


def test_report_for_a_users_csv_uses_its_columns_and_escapes_its_text(hostile_report):
    text = hostile_report.read_text(encoding="utf-8")
    soup = BeautifulSoup(text, "html.parser")
    assert soup.find_all("script") == []
    assert PAYLOAD in soup.get_text()  # shown as text in the articles table
    assert "<b>Bold</b> News" in soup.get_text() and not soup.find("b", string="Bold")
    assert (hostile_report.parent / "figures" / "01-corpus-overview_actors.png").is_file()
    executed = nbformat.read(hostile_report.parent / "notebooks" / "01-corpus-overview.ipynb", as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and '"text": "body"' in injected[0].source
    figures = [o for c in executed.cells if c.cell_type == "code" for o in c.get("outputs", [])
               if "image/png" in o.get("data", {})]
    assert len(figures) == 4  # shown inline although MPLBACKEND=Agg
    assert len(soup.find_all("img")) == 4


@needs_browser
def test_seed_report_loads_in_chromium_and_every_figure_renders(seed_report, tmp_path):
    check = browser.check_page(seed_report, screenshot=tmp_path / "report.png")
    assert check.loaded, "the page did not finish loading"
    assert check.errors == [], check.errors
    assert check.info["images"] > 0 and check.info["broken_images"] == []
    assert all(w > 0 and h > 0 and shown > 200 for w, h, shown in check.info["image_sizes"])
    assert check.info["scripts"] == 0 and check.info["dead_toc_links"] == []
    assert check.info["toc_links"] >= 2
    assert check.info["body_width"] <= check.info["window_width"]  # no horizontal scrolling
    assert check.ok
    png = check.screenshot.read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 50_000


@needs_browser
def test_hostile_report_opens_no_dialog_in_chromium(hostile_report):
    check = browser.check_page(hostile_report)
    assert check.loaded and check.dialogs == [] and check.errors == [], (check.dialogs, check.errors)
    assert check.info["broken_images"] == [] and check.info["images"] >= 4


@needs_browser
def test_browser_check_catches_a_broken_page(tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<html><head><title>bad</title></head><body><nav class="report-toc"><a href="#nowhere">x</a></nav>'
        '<img src="missing.png"><script>console.error("boom"); alert("hi")</script></body></html>',
        encoding="utf-8",
    )
    check = browser.check_page(bad)
    assert not check.ok
    assert check.info["broken_images"] and check.info["dead_toc_links"] == ["#nowhere"]
    assert check.dialogs == ["hi"]
    assert any("boom" in e for e in check.errors)
    assert check.info["scripts"] == 1


def test_browser_check_without_browser_says_what_to_do(monkeypatch, tmp_path):
    page = tmp_path / "p.html"
    page.write_text("<html></html>", encoding="utf-8")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("CHROMIUM", raising=False)
    assert browser.find_chromium() is None
    with pytest.raises(FileNotFoundError, match="install-browser"):
        browser.check_page(page)


def test_cli_column_flags_match_the_analysis_cli(monkeypatch, tmp_path):
    seen = {}

    def fake_build(corpus, **kwargs):
        seen.update(kwargs, corpus=corpus)
        return tmp_path / report.REPORT_NAME

    monkeypatch.setattr(report, "build", fake_build)
    csv = tmp_path / "my.csv"
    csv.write_text("body,source\nText.,x\n", encoding="utf-8")
    assert report.main(["--corpus", str(csv), "--text", "body", "--outlet", "source",
                        "--column", "outlet_name=publisher", "--only", "05,01", "--out", str(tmp_path)]) == 0
    assert seen["column_mapping"] == {"text": "body", "outlet": "source", "outlet_name": "publisher"}
    assert seen["only"] == ["05", "01"] and seen["corpus"] == str(csv)


def test_a_failing_notebook_is_reported_and_the_others_still_make_the_report(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    params = new_code_cell("corpus = None\ncolumn_mapping = {}\nfigures_dir = None", metadata={"tags": ["parameters"]})
    nbformat.write(new_notebook(cells=[new_markdown_cell("# 05 · Fine"), params,
                                       new_code_cell("print('corpus is', corpus)")],
                                metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                         "language": "python"}}), folder / "05-fine.ipynb")
    nbformat.write(new_notebook(cells=[new_markdown_cell("# 01 · Broken"), params,
                                       new_code_cell("raise ValueError('<b>no</b> such column')")],
                                metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                         "language": "python"}}), folder / "01-broken.ipynb")
    with pytest.raises(report.ReportError, match="01-broken.ipynb failed in cell .*ValueError"):
        report.build(paths.SEEDS, out=tmp_path / "out", notebook_folder=folder, log=None)
    page = (tmp_path / "out" / report.REPORT_NAME).read_text(encoding="utf-8")
    soup = BeautifulSoup(page, "html.parser")
    assert "corpus is" in soup.get_text()  # the notebook that worked is in the report
    failed = soup.find(class_="report-failed")
    assert failed is not None and "<b>no</b> such column" in failed.get_text() and not failed.find("b", string="no")
    assert [a.get_text() for a in soup.select("nav.report-toc a")] == ["05 · Fine", "01 · broken"]
