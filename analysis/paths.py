"""Where things are: one place for every path the library and the notebooks use.

Notebooks and scripts import these names instead of building paths from the
current working directory, so they run from any folder.
"""
from __future__ import annotations

import os
from pathlib import Path

#: The project root (the folder holding ``analysis/``, ``notebooks/`` and ``seeds/``).
ROOT = Path(__file__).resolve().parent.parent
#: The default corpus: the two seed articles and their metadata.
SEEDS = ROOT / "seeds"
#: Where ``save_figure`` writes figures by default.
FIGURES = ROOT / "figures"
#: The notebook suite.
NOTEBOOKS = ROOT / "notebooks"
#: Data files shipped inside the package (lexicons, trained models, codings).
PACKAGE_DATA = Path(__file__).resolve().parent / "data"
#: Codebooks shipped inside the package.
CODEBOOKS = Path(__file__).resolve().parent / "codebooks"
#: The shared folder beside the project root (evaluation data); override with
#: the environment variable ``MEDIA_ANALYSIS_SHARED``.
SHARED = Path(os.environ.get("MEDIA_ANALYSIS_SHARED", ROOT.parent / "shared")).resolve()
#: External evaluation data (GerNTSA, 10kGNAD); read, never copied into the repository.
SHARED_DATA = SHARED / "data"

__all__ = ["ROOT", "SEEDS", "FIGURES", "NOTEBOOKS", "PACKAGE_DATA", "CODEBOOKS", "SHARED", "SHARED_DATA"]
