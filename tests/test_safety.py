"""Safety: YAML loaded safely, article text escaped in HTML, no pickle/eval, no path escapes."""
from __future__ import annotations

import ast
import json
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

from analysis import corpus, paths

PACKAGE = paths.ROOT / "analysis"
SCRIPT = "<script>alert('xss')</script>"
ARTICLE = f"Xiaomi und Leica\n\nDie Kamera kommt. Ein Leser schrieb {SCRIPT} in den Kommentar."


# --------------------------------------------------------------------------- YAML codebooks


def test_codebook_yaml_cannot_construct_python_objects(tmp_path):
    codebook = pytest.importorskip("analysis.codebook")
    marker = tmp_path / "pwned"
    for tag in ("!!python/object/apply:os.system", "!!python/object/new:os.system", "!!python/name:os.system"):
        path = tmp_path / "evil.yaml"
        path.write_text(
            "codebook: evil\ntitle: Evil\nunit: sentence\nframes:\n"
            f"  - id: x\n    label: {tag} [\"touch {marker}\"]\n    definition: d\n"
            "    indicators:\n      - type: word\n        terms: [a]\n",
            encoding="utf-8",
        )
        with pytest.raises(codebook.CodebookError, match=r"evil\.yaml, line 6"):
            codebook.load(path)
    assert not marker.exists()


def test_bad_codebook_names_line_and_problem(tmp_path):
    codebook = pytest.importorskip("analysis.codebook")
    path = tmp_path / "bad.yaml"
    path.write_text("codebook: bad\ntitle: Bad\nframes:\n  - id: x\n   label: wrong indent\n", encoding="utf-8")
    with pytest.raises(codebook.CodebookError, match=r"bad\.yaml, line \d+, column \d+: YAML syntax error"):
        codebook.load(path)


def test_every_shipped_codebook_loads():
    codebook = pytest.importorskip("analysis.codebook")
    names = codebook.available()
    assert names, "no codebooks shipped"
    for name in names:
        assert codebook.load(name).frames


# --------------------------------------------------------------------------- HTML


def _loaded_with_script(tmp_path) -> pd.DataFrame:
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"doc_id": "a", "outlet": "o", "text": ARTICLE,
                                "title": "<img src=x onerror=alert(1)>"}) + "\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", corpus.CorpusWarning)
        return corpus.load(path)


def test_loader_drops_script_elements(tmp_path):
    articles = _loaded_with_script(tmp_path)
    assert "alert('xss')" not in articles.loc[0, "text"]
    assert "<script" not in articles.loc[0, "text"]


def test_dataframe_html_escapes_article_text():
    sentences = pd.DataFrame({"doc_id": ["a"], "sentence_id": [0], "text": [f"Text {SCRIPT} &amp; <b>fett</b>"]})
    with pd.option_context("display.max_colwidth", None):
        html = sentences._repr_html_()
    assert "<script" not in html and "<b>fett" not in html
    assert "&lt;script&gt;" in html and "&amp;amp;" in html


def test_tables_of_the_pipeline_escape_text(tmp_path):
    articles = _loaded_with_script(tmp_path)
    articles.loc[0, "text"] += f" {SCRIPT}"  # as if a loader had kept it
    sentences = corpus.sentences(articles)
    for table in (articles, sentences, corpus.paragraphs(articles)):
        with pd.option_context("display.max_colwidth", None):
            html = table._repr_html_()
        assert "<script" not in html.lower() and "<img" not in html.lower()


def test_report_html_never_runs_article_text():
    report = pytest.importorskip("analysis.report")
    nbformat = pytest.importorskip("nbformat")
    table = pd.DataFrame({"text": [SCRIPT + ' <img src=x onerror="alert(2)">']})
    with pd.option_context("display.max_colwidth", None):
        table_html = table._repr_html_()
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Bericht"),
        nbformat.v4.new_code_cell("articles", outputs=[nbformat.v4.new_output(
            "execute_result", data={"text/html": table_html, "text/plain": SCRIPT}, execution_count=1)]),
        nbformat.v4.new_code_cell("print(text)", outputs=[nbformat.v4.new_output("stream", name="stdout",
                                                                                 text=SCRIPT + "\n")]),
        nbformat.v4.new_code_cell("HTML(raw)", outputs=[nbformat.v4.new_output(
            "display_data", data={"text/html": SCRIPT + '<img src="x" onerror="alert(3)"><a href="javascript:alert(4)">x</a>'})]),
    ]
    html = report.to_html(nb, title="Test")
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    assert soup.find_all(["script", "iframe", "object", "embed"]) == []
    for tag in soup.find_all(True):
        for attr, value in tag.attrs.items():
            assert not attr.lower().startswith("on"), f"<{tag.name} {attr}=...>"
            assert "javascript:" not in str(value).lower()
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert" in html  # the article text is still shown, as text
    assert SCRIPT in soup.get_text()


# --------------------------------------------------------------------------- no pickle, no eval

FORBIDDEN_MODULES = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "joblib", "shelve", "marshal"}
FORBIDDEN_BUILTINS = {"eval", "exec", "compile", "__import__", "input"}
SAFE_LOADERS = {"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"}


#: What reads a pickle: a module that imports ``pickle`` but names none of these only writes one
#: (the figure cache digests a ``pickle.Pickler`` stream as its key and never reads it back).
PICKLE_READERS = {"load", "loads", "Unpickler", "_Unpickler", "_load", "_loads"}


def _writes_pickles_only(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in PICKLE_READERS and isinstance(node.value, ast.Name) \
                and node.value.id in {"pickle", "_pickle", "cPickle"}:
            return False
        if isinstance(node, ast.ImportFrom) and node.module in {"pickle", "_pickle", "cPickle"} \
                and any(a.name in PICKLE_READERS or a.name == "*" for a in node.names):
            return False
        if isinstance(node, ast.Import) and any(a.asname and a.name in {"pickle", "_pickle"} for a in node.names):
            return False  # an alias would hide the calls from this check
    return True


def _violations(source: str, name: str) -> list[str]:
    found = []
    tree = ast.parse(source, filename=name)
    writes_only = _writes_pickles_only(tree)
    for node in ast.walk(tree):
        where = f"{name}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            mods = [a.name for a in node.names] + ([node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
            for mod in mods:
                if mod == "pickle" and isinstance(node, ast.Import) and writes_only:
                    continue
                if mod.split(".")[0] in FORBIDDEN_MODULES:
                    found.append(f"{where}: imports {mod}")
        elif isinstance(node, ast.Call):
            func = node.func
            kwargs = {k.arg: k.value for k in node.keywords}
            if isinstance(func, ast.Name) and func.id in FORBIDDEN_BUILTINS:
                found.append(f"{where}: calls {func.id}()")
            if isinstance(func, ast.Attribute):
                attr = func.attr
                if attr in {"read_pickle", "to_pickle", "unsafe_load", "full_load", "unsafe_load_all", "full_load_all"}:
                    found.append(f"{where}: calls .{attr}()")
                if attr in {"load", "load_all"} and isinstance(func.value, ast.Name) and func.value.id == "yaml":
                    loader = kwargs.get("Loader") or (node.args[1] if len(node.args) > 1 else None)
                    name_ = getattr(loader, "attr", getattr(loader, "id", None))
                    if name_ not in SAFE_LOADERS:
                        found.append(f"{where}: yaml.{attr}() without a safe Loader")
                if attr in {"system", "popen"} and isinstance(func.value, ast.Name) and func.value.id == "os":
                    found.append(f"{where}: calls os.{attr}()")
                if attr == "eval" and isinstance(func.value, ast.Name) and func.value.id in {"pd", "pandas"}:
                    found.append(f"{where}: calls pd.eval()")
            for key in ("allow_pickle", "shell"):
                value = kwargs.get(key)
                if isinstance(value, ast.Constant) and value.value is True:
                    found.append(f"{where}: {key}=True")
            value = kwargs.get("escape")
            if isinstance(value, ast.Constant) and value.value is False:
                found.append(f"{where}: escape=False writes text into HTML unescaped")
        elif isinstance(node, ast.Attribute) and node.attr in {"Loader", "UnsafeLoader", "FullLoader"} \
                and isinstance(node.value, ast.Name) and node.value.id == "yaml":
            found.append(f"{where}: uses yaml.{node.attr}")
    return found


def test_the_checker_finds_what_it_should():
    bad = ("import pickle; pickle.loads(b)\nfrom joblib import load\nimport yaml\nyaml.load(s)\nyaml.load(s, Loader=yaml.FullLoader)\n"
           "eval('1')\nexec('x=1')\npd.read_pickle(p)\nnp.load(p, allow_pickle=True)\ndf.to_html(escape=False)\n")
    found = _violations(bad, "bad.py")
    assert len(found) == 10  # line 5 twice: yaml.load without SafeLoader, and yaml.FullLoader
    assert {int(f.split(":")[1]) for f in found} == set(range(1, 11)) - {3}
    good = "import yaml\nyaml.safe_load(s)\nyaml.load(s, Loader=yaml.SafeLoader)\nre.compile('x')\ndf.eval('a+b')\n"
    assert _violations(good, "good.py") == []
    # a pickle written (digested) but never read is allowed; any reader, or an alias, is not
    assert _violations("import pickle\np = pickle.Pickler(f)\np.dump(x)\n", "writes.py") == []
    for reads in ("import pickle\npickle.load(f)\n", "import pickle\nfrom pickle import Unpickler\n",
                  "import pickle as p\np.dumps(x)\n", "import pickle\npickle._Unpickler(f)\n"):
        assert _violations(reads, "reads.py"), reads


def test_no_pickle_or_eval_in_the_library_and_notebooks():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        found += _violations(path.read_text(encoding="utf-8"), str(path.relative_to(paths.ROOT)))
    for nb_path in sorted(paths.NOTEBOOKS.glob("*.ipynb")):
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        for i, cell in enumerate(nb["cells"]):
            if cell["cell_type"] == "code":
                src = "".join(cell["source"])
                src = "\n".join(line for line in src.splitlines() if not line.lstrip().startswith(("%", "!")))
                found += _violations(src, f"{nb_path.name} cell {i}")
    assert not found, "\n".join(found)


def test_parquet_reader_is_not_the_unsafe_pyarrow():
    """pyarrow < 14.0.1 unpickles extension types from Parquet files (CVE-2023-47248)."""
    import pyarrow

    version = tuple(int(x) for x in re.findall(r"\d+", pyarrow.__version__)[:3])
    assert version >= (14, 0, 1)


# --------------------------------------------------------------------------- paths stay inside the corpus


@pytest.mark.parametrize("name", ["../secret.txt", "/etc/passwd", "..\\secret.txt", "sub/../../secret.txt",
                                  "C:\\Windows\\win.ini", "./../secret.txt", "~/secret.txt"])
def test_metadata_paths_cannot_escape_the_corpus(tmp_path, name, monkeypatch):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (tmp_path / "secret.txt").write_text("Geheimnis außerhalb. Nicht laden.", encoding="utf-8")
    (folder / "a.txt").write_text("Ein Artikel im Korpus. Mit zwei Sätzen.", encoding="utf-8")
    (folder / "metadata.csv").write_text(f"file,outlet\na.txt,o\n\"{name}\",evil\n", encoding="utf-8")
    opened = []
    real = Path.read_bytes

    def spy(self):
        opened.append(self.resolve())
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", spy)
    with pytest.warns(corpus.CorpusWarning, match="metadata.csv, row 3"):
        articles = corpus.load(folder)
    assert articles["doc_id"].tolist() == ["a"]
    assert not articles["text"].str.contains("Geheimnis").any()
    assert all(p.is_relative_to(folder.resolve()) for p in opened), opened
    skipped = corpus.skipped(articles)
    assert skipped[skipped.kind == "metadata"]["row"].tolist() == [3]


def test_links_out_of_the_corpus_are_not_followed(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (tmp_path / "secret.txt").write_text("Geheimnis außerhalb. Nicht laden.", encoding="utf-8")
    (folder / "a.txt").write_text("Ein Artikel im Korpus. Mit zwei Sätzen.", encoding="utf-8")
    try:
        (folder / "link.txt").symlink_to(tmp_path / "secret.txt")
        (folder / "dir").symlink_to(tmp_path, target_is_directory=True)
    except (OSError, NotImplementedError):
        pytest.skip("no symbolic links on this file system")
    with pytest.warns(corpus.CorpusWarning) as caught:
        articles = corpus.load(folder)
    messages = [str(w.message) for w in caught]
    assert any(re.match(r"skipped link\.txt: is a link pointing outside", m) for m in messages), messages
    assert any(re.match(r"skipped dir: is a link pointing outside", m) for m in messages), messages
    assert articles["doc_id"].tolist() == ["a"]
    assert not articles["text"].str.contains("Geheimnis").any()
