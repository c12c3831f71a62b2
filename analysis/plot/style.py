"""Figure style, outlet colours and the one function that writes figures.

Every figure of the suite goes through :func:`save_figure`, which writes a PNG
and an SVG that are byte-identical from run to run. Outlets keep one colour in
every figure: colours come from the colour-blind-safe Okabe–Ito palette and are
assigned in the order in which outlets are registered (:func:`set_style`).
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt

from .. import paths

#: Okabe & Ito (2008) colour-blind-safe palette, without black.
OKABE_ITO = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#999999",  # grey
]

_OUTLET_COLORS: dict[str, str] = {}


def set_style(outlets: Iterable[str] | None = None) -> None:
    """Apply the suite's figure style and register outlets for fixed colours.

    Parameters
    ----------
    outlets
        Outlet names in the order their colours are assigned (e.g.
        ``articles["outlet"]``). Registering the whole corpus once, at the top of
        a notebook, keeps each outlet's colour the same in every figure.
    """
    mpl.rcParams.update(
        {
            "figure.figsize": (6.4, 3.6),
            "figure.dpi": 100,
            "savefig.dpi": 200,
            "savefig.bbox": "tight",
            "font.family": "DejaVu Sans",
            "font.size": 9,
            "axes.titlesize": 10,
            "axes.titleweight": "bold",
            "axes.labelsize": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.color": "#e6e6e6",
            "grid.linewidth": 0.6,
            "legend.frameon": False,
            "svg.hashsalt": "media-coverage-analysis",
            "svg.fonttype": "path",
            "path.simplify": True,
        }
    )
    _OUTLET_COLORS.clear()
    if outlets is not None:
        for name in dict.fromkeys(str(o) for o in outlets):
            outlet_color(name)


def outlet_color(outlet: str) -> str:
    """The colour of an outlet: fixed once assigned, new outlets get the next free colour."""
    outlet = str(outlet)
    if outlet not in _OUTLET_COLORS:
        _OUTLET_COLORS[outlet] = OKABE_ITO[len(_OUTLET_COLORS) % len(OKABE_ITO)]
    return _OUTLET_COLORS[outlet]


def outlet_palette(outlets: Iterable[str]) -> dict[str, str]:
    """A ``{outlet: colour}`` mapping for seaborn's ``palette=`` argument."""
    return {str(o): outlet_color(str(o)) for o in dict.fromkeys(outlets)}


def save_figure(
    fig: mpl.figure.Figure,
    name: str,
    *,
    notebook: str,
    directory: str | Path | None = None,
    formats: tuple[str, ...] = ("png", "svg"),
) -> list[Path]:
    """Write a figure as PNG and SVG, byte-identical from run to run.

    Files are named ``<notebook>_<name>.<ext>`` so each figure can be traced to
    the notebook that made it.

    Parameters
    ----------
    fig
        The figure (``ax.figure`` for an Axes).
    name
        A short slug for the figure, e.g. ``"tone-by-outlet"``.
    notebook
        The notebook's name without extension, e.g. ``"02-sentiment"``.
    directory
        Target folder; defaults to :data:`analysis.paths.FIGURES`.
    formats
        File formats to write.

    Returns
    -------
    list of Path
        The files written.
    """
    directory = Path(directory) if directory is not None else paths.FIGURES
    if not directory.is_absolute():
        directory = paths.ROOT / directory if not directory.exists() else directory.resolve()
    directory.mkdir(parents=True, exist_ok=True)
    metadata = {
        "png": {"Software": None},
        "svg": {"Date": None, "Creator": None},
        "pdf": {"CreationDate": None, "Producer": None, "Creator": None},
    }
    written = []
    with mpl.rc_context({"svg.hashsalt": "media-coverage-analysis"}):
        for ext in formats:
            path = directory / f"{notebook}_{name}.{ext}"
            fig.savefig(path, format=ext, metadata=metadata.get(ext))
            written.append(path)
    return written


def close_all() -> None:
    """Close every open figure (for tests and long notebooks)."""
    plt.close("all")
