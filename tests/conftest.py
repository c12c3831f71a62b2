"""Shared test fixtures."""
from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")
# Tests render every figure (a warm figure cache would let the renderer's tests pass from the
# cache) and leave the user's cache folder alone; the figure cache's own tests switch it on.
os.environ.setdefault("MEDIA_ANALYSIS_FIGURE_CACHE", "off")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from analysis import paths  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def shared_data():
    """The shared evaluation data folder; skips the test when it is not there."""
    if not paths.SHARED_DATA.is_dir():
        pytest.skip(f"shared evaluation data not found at {paths.SHARED_DATA}")
    return paths.SHARED_DATA
