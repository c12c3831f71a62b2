"""The per-stage benchmark prints a CPU time for every per-chunk stage (a smoke run on 20 real articles)."""
from __future__ import annotations

import pytest

from analysis.bench import stages


def test_prints_every_stage(capsys):
    if not stages.SOURCE.is_file():
        pytest.skip(f"{stages.SOURCE} not found (shared data missing)")
    assert stages.main(["--articles", "20", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("20 articles")
    for stage in ("sentences", "tokens", "sentiment", "frames", "keyness", "total"):
        assert f"   {stage}" in out
