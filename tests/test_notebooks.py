"""The notebooks stay thin and share one interface (papermill parameters, figure names)."""
from __future__ import annotations

import ast
import re

import nbformat
import pytest

from analysis import paths

NOTEBOOKS = sorted(paths.NOTEBOOKS.glob("[0-9]*.ipynb"))


def test_there_are_five_numbered_notebooks():
    assert [p.stem[:2] for p in NOTEBOOKS] == ["01", "02", "03", "04", "05"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_thin_and_parameterised(path):
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and "?" in first.source, "open with the question in Markdown"
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1, "exactly one cell tagged 'parameters' (papermill)"
    names = {t.id for node in ast.walk(ast.parse(params[0].source)) if isinstance(node, ast.Assign) for t in node.targets}
    assert {"corpus", "column_mapping", "figures_dir"} <= names
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        defs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
        assert not defs, f"{path.name}: move {[d.name for d in defs]} into analysis/"
    # figures are named after the notebook that makes them
    for match in re.finditer(r"notebook\s*=\s*[\"']([^\"']+)[\"']|NOTEBOOK\s*=\s*[\"']([^\"']+)[\"']",
                             "\n".join(c.source for c in nb.cells if c.cell_type == "code")):
        assert (match.group(1) or match.group(2)) == path.stem
