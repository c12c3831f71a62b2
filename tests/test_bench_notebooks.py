"""Tests for analysis.bench.notebooks: the imports-only copy, the figures folder, and one timed kernel run."""
from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from analysis.bench import notebooks as bench


def _notebook():
    params = new_code_cell('corpus = None\ncolumn_mapping = {}\nfigures_dir = None')
    params.metadata["tags"] = ["parameters"]
    return new_notebook(cells=[
        new_markdown_cell("# Question"),
        params,
        new_code_cell("import os\nx = 1\nfrom pathlib import (\n    Path,\n)\nprint(x)"),
        new_code_cell("y = x + 1\ny"),
        new_code_cell("if True:\n    import json  # nested: not a top-level import\nimport sys as _sys"),
    ])


def test_imports_only_keeps_the_top_level_imports_in_order_and_nothing_else():
    nb = _notebook()
    bare = bench.imports_only(nb)
    assert [c.cell_type for c in bare.cells] == ["code", "code"]
    assert bare.cells[0].source == "import os\nfrom pathlib import (\n    Path,\n)"
    assert bare.cells[1].source == "import sys as _sys"
    assert nb.cells[2].source.endswith("print(x)")  # the original is untouched


def test_with_figures_dir_overrides_the_parameter_after_the_defaults(tmp_path):
    nb = _notebook()
    out = bench.with_figures_dir(nb, tmp_path)
    ns: dict = {}
    exec(out.cells[1].source, ns)
    assert ns["figures_dir"] == str(tmp_path)
    assert ns["corpus"] is None
    assert nb.cells[1].source.endswith("figures_dir = None")
    nb.cells[1].metadata["tags"] = []
    with pytest.raises(ValueError, match="parameters"):
        bench.with_figures_dir(nb, tmp_path)


def test_every_notebook_has_a_parameters_cell_and_imports(tmp_path):
    for path in sorted((bench.paths.ROOT / "notebooks").glob("[0-9]*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        assert bench.imports_only(nb).cells, path.name
        assert str(tmp_path) in "".join(c.source for c in bench.with_figures_dir(nb, tmp_path).cells)


def test_execute_times_a_real_kernel_run_with_its_cpu(tmp_path):
    nb = new_notebook(cells=[new_code_cell("import math"),
                             new_code_cell("total = sum(math.sqrt(i) for i in range(300_000))")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    result = bench.execute(nb, cwd=tmp_path, timeout=120)
    assert set(result["cells"]) == {0, 1}
    assert result["cpu"] > 0
    assert result["wall"] >= max(wall for wall, _ in result["cells"].values())
    assert all(cpu >= 0 for _, cpu in result["cells"].values())
    assert nb.cells[1].outputs == []  # executed: no error output
