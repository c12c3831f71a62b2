"""Figure style, outlet colours, labels in two languages, and the one function that writes figures.

Every figure of the suite goes through :func:`save_figure`, which writes a PNG
and an SVG that are byte-identical from run to run.

The style is made to be used as is in a journal or a newsroom:

* **Column width.** Figures are drawn at the size they are printed, with 8–9 pt
  text: :func:`figsize` gives the single-column (89 mm) and full-width (183 mm)
  sizes of most journals, so nothing has to be scaled down (and become
  unreadable) later. PNGs are written at 300 dpi.
* **Colour-blind-safe outlet colours.** Outlets take their colours from the
  Okabe–Ito palette (Okabe & Ito, 2008), in a fixed order, so an outlet keeps its
  colour in every figure of every notebook (see :func:`set_style`).
* **German or English labels by one setting.** ``set_style(language="de")``
  switches every label that comes from :func:`label` (axis titles, legends,
  footnotes); numbers then use a decimal comma (:func:`number`).
* **Source and n.** :func:`footnote` writes the source and the number of
  articles/sentences under a figure.

References
----------
Okabe, M., & Ito, K. (2008). *Color Universal Design (CUD): How to make figures
and presentations that are friendly to colorblind people.* J*FLY.
https://jfly.uni-koeln.de/color/
"""
from __future__ import annotations

import difflib
import textwrap
import warnings
import weakref
from collections.abc import Iterable, Mapping
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt

from .. import paths
from ..cache import text_digest

#: Okabe & Ito (2008) colour-blind-safe palette, without black. The yellow is
#: last but one: it is the hardest to see on white.
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
#: Text and neutral marks (reference lines, "all outlets").
INK = "#333333"
NEUTRAL = "#8c8c8c"

#: Figure widths in inches: a journal's single column (89 mm) and full page width (183 mm).
WIDTHS = {"column": 3.5, "wide": 7.2}
#: The languages :func:`label` knows.
LANGUAGES = ("en", "de")

_OUTLET_COLORS: dict[str, str] = {}
_STATE = {"language": "en"}

# --------------------------------------------------------------------------- labels

#: Label texts by key: ``{key: {"en": ..., "de": ...}}``. Extend with :func:`add_labels`.
LABELS: dict[str, dict[str, str]] = {
    # generic
    "outlet": {"en": "Outlet", "de": "Medium"},
    "outlets": {"en": "Outlets", "de": "Medien"},
    "article": {"en": "article", "de": "Artikel"},
    "articles": {"en": "articles", "de": "Artikel"},
    "sentence": {"en": "sentence", "de": "Satz"},
    "sentences": {"en": "sentences", "de": "Sätze"},
    "paragraphs": {"en": "paragraphs", "de": "Absätze"},
    "words": {"en": "words", "de": "Wörter"},
    "mentions": {"en": "mentions", "de": "Nennungen"},
    "source": {"en": "Source", "de": "Quelle"},
    "n": {"en": "n", "de": "n"},
    "share": {"en": "Share", "de": "Anteil"},
    "count": {"en": "Count", "de": "Anzahl"},
    "all outlets": {"en": "All outlets", "de": "Alle Medien"},
    "interval": {"en": "95% interval", "de": "95-%-Intervall"},
    "none": {"en": "none", "de": "keine"},
    # parts of an article
    "part": {"en": "Part of the article", "de": "Teil des Artikels"},
    "headline": {"en": "Headline", "de": "Überschrift"},
    "subheading": {"en": "Subheading", "de": "Zwischentitel"},
    "lead": {"en": "Lead", "de": "Vorspann"},
    "body": {"en": "Body", "de": "Fließtext"},
    "caption": {"en": "Caption", "de": "Bildunterschrift"},
    # corpus overview
    "words per part": {"en": "Words by part of the article", "de": "Wörter nach Teil des Artikels"},
    "articles per outlet": {"en": "Articles per outlet", "de": "Artikel pro Medium"},
    "sentence length": {"en": "Sentence length (words)", "de": "Satzlänge (Wörter)"},
    "sentence lengths": {"en": "How long are the sentences?", "de": "Wie lang sind die Sätze?"},
    "median": {"en": "median", "de": "Median"},
    "removed": {"en": "What cleaning removed", "de": "Was die Bereinigung entfernt hat"},
    "removed paragraphs": {"en": "Removed paragraphs", "de": "Entfernte Absätze"},
    "nothing removed": {"en": "Cleaning removed nothing", "de": "Die Bereinigung hat nichts entfernt"},
    "navigation": {"en": "Navigation bar", "de": "Navigationsleiste"},
    "alt_text": {"en": "Image alt text", "de": "Bild-Alternativtext"},
    "caption_placeholder": {"en": "Caption placeholder", "de": "Platzhalter für Bildunterschrift"},
    "date_prefix": {"en": "Date stamp", "de": "Datumsstempel"},
    "actors": {"en": "Who is mentioned?", "de": "Wer wird genannt?"},
    "actor": {"en": "Actor", "de": "Akteur"},
    "sentences mentioning": {"en": "Sentences that mention the actor (%)",
                             "de": "Sätze, die den Akteur nennen (%)"},
    # coverage profile
    "tone": {"en": "Tone", "de": "Tonalität"},
    "tone axis": {"en": "Mean polarity (−1 negative … +1 positive)",
                  "de": "Mittlere Polarität (−1 negativ … +1 positiv)"},
    "tone axis short": {"en": "Mean polarity (−1 … +1)", "de": "Mittlere Polarität (−1 … +1)"},
    "actors short": {"en": "Actors", "de": "Akteure"},
    "sentences mentioning short": {"en": "Sentences naming the actor (%)", "de": "Sätze mit dem Akteur (%)"},
    "frames": {"en": "Frames", "de": "Frames"},
    "frame share": {"en": "Sentences with the frame (%)", "de": "Sätze mit dem Frame (%)"},
    "hedging": {"en": "Hedging", "de": "Abschwächungen"},
    "hedging rate": {"en": "Hedged sentences (%)", "de": "Sätze mit Abschwächungen (%)"},
    "key terms": {"en": "Key terms", "de": "Schlüsselbegriffe"},
    "shared passages": {"en": "Shared passages", "de": "Gemeinsame Passagen"},
    "shared text": {"en": "Words shared with others (%)", "de": "Mit anderen geteilte Wörter (%)"},
    "coverage profile": {"en": "Coverage profile", "de": "Berichterstattungsprofil"},
    "passages": {"en": "passages", "de": "Passagen"},
    "per 1000": {"en": "numbers: uses per 1,000 words in this outlet / in the others", "de": "Zahlen: pro 1.000 Wörter in diesem Medium / in den anderen"},
}


def add_labels(labels: Mapping[str, Mapping[str, str]]) -> None:
    """Register more label texts (e.g. in a plot module): ``{key: {"en": ..., "de": ...}}``.

    A key that exists is overwritten. Each entry needs an English text; a
    missing German text falls back to the English one.
    """
    for key, texts in labels.items():
        if "en" not in texts:
            raise ValueError(f"label {key!r} needs an English text ('en'); got {sorted(texts)}")
        LABELS[str(key)] = dict(texts)


def label(key: str, **values) -> str:
    """The text of a label in the current language (see :func:`set_style`).

    Parameters
    ----------
    key
        A key of :data:`LABELS` (e.g. ``"sentence length"``, ``"outlet"``, a part
        such as ``"headline"`` or a cleaning rule such as ``"alt_text"``).
    **values
        Values for ``{placeholders}`` in the text.

    Raises
    ------
    KeyError
        For an unknown key, naming the closest known keys.
    """
    texts = LABELS.get(key)
    if texts is None:
        close = difflib.get_close_matches(str(key), LABELS, n=5)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise KeyError(f"no label {key!r}.{hint} Register new labels with plot.add_labels({{key: {{'en': ..., 'de': ...}}}}).")
    text = texts.get(_STATE["language"]) or texts["en"]
    return text.format(**values) if values else text


def label_or(key: str, default: str | None = None) -> str:
    """Like :func:`label`, but returns ``default`` (or ``key``) for an unknown key.

    For values that come from the data (a cleaning rule, a frame id): known
    ones are translated, others are shown as they are.
    """
    try:
        return label(key)
    except KeyError:
        return str(key) if default is None else default


def language() -> str:
    """The current label language (``"en"`` or ``"de"``)."""
    return _STATE["language"]


def number(value: float, digits: int = 0, *, percent: bool = False) -> str:
    """A number formatted for the current language (decimal comma in German).

    ``number(0.1234, 1, percent=True)`` gives ``"12.3%"`` in English and
    ``"12,3 %"`` in German.
    """
    x = float(value) * (100 if percent else 1)
    text = f"{x:,.{digits}f}"
    if _STATE["language"] == "de":
        text = text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
        return text + (" %" if percent else "")
    return text + ("%" if percent else "")


class _DecimalComma(mpl.ticker.ScalarFormatter):
    """Tick labels with a decimal comma (German)."""

    def __call__(self, x, pos=None):
        return super().__call__(x, pos).replace(".", ",")


def localize(ax):
    """Give an Axes' numeric tick labels the current language's decimal mark (``0,5`` in German).

    Call it last, after the ticks are set; category labels are left alone.
    Returns the Axes.
    """
    if _STATE["language"] == "de":
        for axis in (ax.xaxis, ax.yaxis):
            if type(axis.get_major_formatter()) is mpl.ticker.ScalarFormatter:
                axis.set_major_formatter(_DecimalComma())
    return ax


# --------------------------------------------------------------------------- style


def set_style(outlets: Iterable[str] | None = None, *, language: str | None = None) -> None:
    """Apply the suite's figure style, the label language, and fix the outlet colours.

    Parameters
    ----------
    outlets
        The outlets of the corpus (e.g. ``articles["outlet"]``). They get the
        palette's colours in sorted order, so the same corpus gives every outlet
        the same colour in every notebook, whatever the row order. Outlets not
        registered here get the next free colour when first drawn.
    language
        ``"en"`` (default) or ``"de"``: the language of every label from
        :func:`label`. ``None`` keeps the current setting.

    Notes
    -----
    Text sizes are in points at the printed size (8–9 pt); draw figures at
    :func:`figsize` and print them at 100 % (single column or full width).
    """
    if language is not None:
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}; known: {', '.join(LANGUAGES)}")
        _STATE["language"] = language
    _inline_in_notebooks()
    mpl.rcParams.update(
        {
            "figure.figsize": (WIDTHS["wide"], 3.4),
            "figure.dpi": 125,  # 7.2 in = 900 px on screen (notebooks, report)
            "figure.facecolor": "white",
            "savefig.dpi": 300,
            "savefig.bbox": "tight",
            "savefig.pad_inches": 0.05,
            "savefig.facecolor": "white",
            "font.family": "DejaVu Sans",
            "font.size": 8.5,
            "axes.titlesize": 9.5,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "axes.titlepad": 8,
            "axes.labelsize": 8.5,
            "axes.labelcolor": INK,
            "axes.edgecolor": "#555555",
            "axes.linewidth": 0.7,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "axes.axisbelow": True,
            "axes.prop_cycle": mpl.cycler(color=OKABE_ITO),
            "grid.color": "#e6e6e6",
            "grid.linewidth": 0.6,
            "xtick.labelsize": 8,
            "ytick.labelsize": 8,
            "xtick.color": INK,
            "ytick.color": INK,
            "xtick.major.width": 0.6,
            "ytick.major.width": 0.6,
            "legend.frameon": False,
            "legend.fontsize": 8,
            "legend.title_fontsize": 8.5,
            "lines.linewidth": 1.5,
            "patch.linewidth": 0.5,
            "text.color": INK,
            "svg.hashsalt": "media-coverage-analysis",
            "svg.fonttype": "path",
            "path.simplify": True,
            "axes.unicode_minus": True,
        }
    )
    _OUTLET_COLORS.clear()
    if outlets is not None:
        names = sorted({str(o) for o in outlets})
        if len(names) > len(OKABE_ITO):
            warnings.warn(
                f"{len(names)} outlets but {len(OKABE_ITO)} colour-blind-safe colours: colours repeat "
                f"after the {len(OKABE_ITO)}th outlet; label outlets directly or plot fewer at a time.",
                stacklevel=2,
            )
        for name in names:
            outlet_color(name)


def _inline_in_notebooks() -> None:
    """Show figures in a notebook even when ``MPLBACKEND=Agg`` is set (as ``make`` does for scripts).

    In a Jupyter kernel with the non-interactive Agg backend, figures would
    silently not appear in the notebook (nor in the report built from it);
    switch to the inline backend there. Interactive backends (ipympl, ...) and
    plain Python are left alone.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with Jupyter
        return
    shell = get_ipython()
    if shell is None or type(shell).__name__ != "ZMQInteractiveShell":
        return
    if mpl.get_backend().lower() == "agg":
        shell.run_line_magic("matplotlib", "inline")


def outlet_color(outlet: str) -> str:
    """The colour of an outlet: fixed once assigned, new outlets get the next free colour."""
    outlet = str(outlet)
    if outlet not in _OUTLET_COLORS:
        _OUTLET_COLORS[outlet] = OKABE_ITO[len(_OUTLET_COLORS) % len(OKABE_ITO)]
    return _OUTLET_COLORS[outlet]


def outlet_palette(outlets: Iterable[str]) -> dict[str, str]:
    """A ``{outlet: colour}`` mapping for seaborn's ``palette=`` argument."""
    return {str(o): outlet_color(str(o)) for o in dict.fromkeys(outlets)}


def figsize(width: str | float = "wide", height: float | None = None, *, aspect: float = 0.5) -> tuple[float, float]:
    """A figure size in inches at the printed size.

    Parameters
    ----------
    width
        ``"column"`` (89 mm, one journal column), ``"wide"`` (183 mm, full page
        width) or a width in inches.
    height
        Height in inches; default ``width * aspect``.
    aspect
        Height relative to width when ``height`` is not given.
    """
    if isinstance(width, str):
        if width not in WIDTHS:
            raise ValueError(f"unknown width {width!r}; use one of {sorted(WIDTHS)} or a number of inches")
        width = WIDTHS[width]
    return (float(width), float(height) if height is not None else round(float(width) * aspect, 2))


# --------------------------------------------------------------------------- footnotes


def _figure_of(obj) -> mpl.figure.Figure:
    if isinstance(obj, mpl.figure.Figure):
        return obj
    fig = getattr(obj, "figure", None)
    if fig is None:
        raise TypeError(f"footnote() needs a Figure or an Axes, got {type(obj).__name__}")
    return fig.get_figure(root=True) if hasattr(fig, "get_figure") else fig


def describe_n(counts: Mapping[str, int] | int) -> str:
    """``{"articles": 2, "sentences": 38}`` -> ``"n = 2 articles, 38 sentences"`` (in the current language)."""
    if isinstance(counts, Mapping):
        parts = []
        for unit, value in counts.items():
            singular = {"articles": "article", "sentences": "sentence"}.get(unit)
            word = label_or(singular if (value == 1 and singular) else unit)
            parts.append(f"{number(value)} {word}")
        return f"{label('n')} = " + ", ".join(parts)
    return f"{label('n')} = {number(counts)}"


def sources_of(articles) -> str:
    """The outlets of an articles table with their date range, e.g. ``"curved, VIDEOAKTIV (2022-05)"``."""
    names = articles["outlet_name"] if "outlet_name" in articles else articles["outlet"]
    outlets = ", ".join(sorted({str(n) for n in names}, key=str.lower))
    dates = sorted(str(d) for d in articles.get("date", []) if str(d).strip())
    if not dates:
        return outlets
    first, last = dates[0][:10], dates[-1][:10]
    return f"{outlets} ({first})" if first == last else f"{outlets} ({first} – {last})"


def footnote(
    fig,
    *,
    source: str | None = None,
    n: Mapping[str, int] | int | str | None = None,
    note: str | None = None,
    articles=None,
):
    """Write the source and n under a figure (bottom left, small grey text).

    Parameters
    ----------
    fig
        The Figure, or an Axes of it.
    source
        Where the data come from, e.g. ``"VIDEOAKTIV, curved (2022-05)"``.
        Default with ``articles``: the outlets and dates of that table.
    n
        The number of units behind the figure: a mapping such as
        ``{"articles": 2, "sentences": 38}``, an int, or a finished text.
        Default with ``articles``: the number of articles.
    note
        A further sentence (method, measure, what an interval means).
    articles
        The articles table, to fill in ``source`` and ``n``.

    Returns
    -------
    matplotlib.text.Text
        The footnote; it is included when the figure is saved (tight bounding box).
    """
    figure = _figure_of(fig)
    if articles is not None:
        if source is None:
            source = sources_of(articles)
        if n is None:
            n = {"articles": len(articles)}
    pieces = []
    if source:
        pieces.append(f"{label('source')}: {source}")
    if n is not None:
        pieces.append(n if isinstance(n, str) else describe_n(n))
    text = ". ".join(pieces) + ("." if pieces else "")
    if note:
        text = f"{text} {note}".strip()
    for old in [t for t in figure.texts if t.get_gid() == "footnote"]:
        old.remove()
    width_in = figure.get_figwidth()
    wrapped = "\n".join(textwrap.wrap(text, width=max(40, int(width_in * 17))))
    return figure.text(
        0.0, 0.0, wrapped, transform=figure.transFigure, ha="left", va="top",
        fontsize=7, color="#666666", gid="footnote",
    )


# --------------------------------------------------------------------------- writing


def save_figure(
    fig: mpl.figure.Figure,
    name: str,
    *,
    notebook: str,
    directory: str | Path | None = None,
    formats: tuple[str, ...] = ("png", "svg"),
    cache: bool = True,
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
    cache
        Reuse the files (and, in a notebook, the image shown under the cell)
        rendered earlier from an identical figure in an identical environment
        (:mod:`analysis.plot.figure_cache`; ``MEDIA_ANALYSIS_FIGURE_CACHE=off``
        switches it off everywhere). The bytes written are the same either way.

    Returns
    -------
    list of Path
        The files written.
    """
    from . import figure_cache

    fig = _figure_of(fig)
    directory = Path(directory) if directory is not None else paths.FIGURES
    if not directory.is_absolute():
        directory = paths.ROOT / directory if not directory.exists() else directory.resolve()
    directory.mkdir(parents=True, exist_ok=True)
    targets = [directory / f"{notebook}_{name}.{ext}" for ext in formats]
    parts = [f"file.{ext}" for ext in formats]
    _catch_up(fig)
    key, shown = _cache_key(fig, formats) if cache else (None, [])
    if key is not None:
        hit = figure_cache.load(key, (*parts, *shown))
        if hit is not None:
            for path, part in zip(targets, parts):
                path.write_bytes(hit[part])
            _SKIPPED[fig] = tuple(formats)  # drawn later if it is saved again (see _catch_up)
            if shown:  # as after a render: no redraw after the cell; the image shown comes from the cache
                fig.stale = False
                _remember_shown(fig, key, {part: hit[part] for part in shown})
            return targets
    with mpl.rc_context({"svg.hashsalt": _SVG_HASHSALT}):
        for path, ext in zip(targets, formats):
            fig.savefig(path, format=ext, metadata=_METADATA.get(ext))
    if key is not None:
        figure_cache.store(key, {part: path.read_bytes() for path, part in zip(targets, parts)})
    _skip_idle_redraw(fig)
    if key is not None and shown and not fig.stale:  # the image shown is rendered after the cell, as always, and kept then
        _remember_shown(fig, key, {})
    return targets


def _cache_key(fig, formats) -> tuple[str | None, list[str]]:
    """The figure cache key of saving ``fig`` (``None``: off or uncacheable) and the parts of the images shown."""
    from . import figure_cache

    try:
        if figure_cache.cache_dir() is None:
            return None, []
        state, packages = figure_cache.figure_state(fig)
        request = {"export": "save_figure", "formats": tuple(formats), "hashsalt": _SVG_HASHSALT,
                   "metadata": tuple((ext, sorted(_METADATA.get(ext, {}).items())) for ext in formats)}
        key = figure_cache.figure_key(fig, request=request, state=state, packages=packages)
        shown = _inline_formatters(fig) if key is not None else []
        if shown is None:  # shown inline, but not through a shell's formatters that the cache can serve
            return None, []
        return key, shown
    except figure_cache.Uncacheable:
        return None, []
    except Exception as error:  # the cache must never cost a figure: render it as without the cache
        warnings.warn(f"figure cache skipped: {type(error).__name__}: {error}", stacklevel=3)
        return None, []


def _catch_up(fig) -> None:
    """Draw what a cache hit skipped, before the same figure is saved again.

    Every draw moves a constrained layout a little (three successive
    ``savefig`` calls of one figure give three different PNGs), so a figure
    saved again must have been drawn exactly as often as without the cache:
    the exports the hit skipped are rendered (into nothing) first, and the image
    shown if the cache served it.
    """
    skipped = _SKIPPED.pop(fig, None)
    if skipped is None:
        return
    import io

    record = _SHOWN.pop(fig, None)
    if record is not None:
        record.unwatch(fig)
    with mpl.rc_context({"svg.hashsalt": _SVG_HASHSALT}):
        for ext in skipped:
            fig.savefig(io.BytesIO(), format=ext, metadata=_METADATA.get(ext))
    _skip_idle_redraw(fig)
    if record is None and fig in _SERVED:  # the image shown came from the cache: draw it as the notebook did
        for original in _SERVED.pop(fig):
            original(fig)


_SVG_HASHSALT = "media-coverage-analysis"
_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "Producer": None, "Creator": None},
}


class _Shown:
    """What save_figure knows about the image a notebook will show of a figure it saved.

    The image comes from the cache (``images``), or is kept in the cache under
    ``key`` once rendered, but only if nothing in the figure changed after it
    was saved and the rcParams (``rc``) are the same. A change is seen through
    matplotlib's own signal: any artist that changes marks itself stale, which
    reaches the figure's ``stale_callback`` (how interactive backends know to
    redraw); save_figure watches that callback until the figure is shown.
    """

    __slots__ = ("key", "rc", "images", "changed", "previous")

    def __init__(self, key: str, rc: str, images: dict[str, bytes]):
        self.key, self.rc, self.images, self.changed, self.previous = key, rc, images, False, None

    def watch(self, fig) -> None:
        """Note any change of ``fig`` from now on (and pass it on to the callback that was there)."""
        previous = self.previous = fig.stale_callback

        def changed(artist, value):
            if value:
                self.changed = True
            if previous is not None:
                previous(artist, value)

        fig.stale_callback = changed

    def unwatch(self, fig) -> None:
        fig.stale_callback = self.previous


def _remember_shown(fig, key: str, images: dict[str, bytes]) -> None:
    from . import figure_cache

    record = _Shown(key, figure_cache.rc_digest(), images)
    old = _SHOWN.pop(fig, None)
    if old is not None:
        old.unwatch(fig)
    record.watch(fig)
    _SHOWN[fig] = record


_SHOWN: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
#: Figures whose export a cache hit skipped (their formats), and whose shown image the cache served.
_SKIPPED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_SERVED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _inline_formatters(fig) -> list[str] | None:
    """In a notebook with the inline backend: the cache parts of the images it shows of a figure.

    Wraps the shell's formatters for figures (once) in :class:`_ShownFromCache`
    and returns one part name per format shown (PNG by default), made from the
    formatter and its options (``bbox_inches``, ``dpi``, ...). ``[]`` when the
    figure is not shown inline (scripts, tests, other backends); ``None`` for the
    inline backend outside an IPython shell (nothing the cache could serve).
    """
    canvas = getattr(fig, "canvas", None)
    if canvas is None or getattr(canvas, "manager", None) is None:
        return []
    if "backend_inline" not in str(mpl.get_backend()) or not mpl.is_interactive():
        return []
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the inline backend
        return []
    shell = get_ipython()
    if shell is None or getattr(shell, "display_formatter", None) is None:
        return None
    figure_type = mpl.figure.Figure
    parts = []
    for mime, formatter in sorted(shell.display_formatter.formatters.items()):
        if mime == "text/plain" or figure_type not in getattr(formatter, "type_printers", {}):
            continue
        function = formatter.type_printers[figure_type]
        if not isinstance(function, _ShownFromCache):
            function = _ShownFromCache(function, mime)
            formatter.for_type(figure_type, function)
        parts.append(function.part)
    return parts


class _ShownFromCache:
    """A display formatter for figures: the image kept by save_figure while the figure is unchanged.

    Wraps the formatter the inline backend registered (IPython's
    ``print_figure`` with its options). For a figure that save_figure took from
    the cache, and that is unchanged since (same state, same rcParams), it
    returns the image kept with the files; for a figure it has just rendered,
    it renders as the wrapped formatter does and keeps the result; for any other
    figure, and for any later display of the same figure, it is the wrapped
    formatter.
    """

    def __init__(self, original, mime: str):
        import functools

        import IPython

        self.original, self.mime = original, mime
        func, args, keywords = original, (), {}
        if isinstance(original, functools.partial):
            func, args, keywords = original.func, original.args, original.keywords
        described = (mime, getattr(func, "__module__", "?"), getattr(func, "__qualname__", repr(type(func))),
                     repr(args), repr(sorted(keywords.items())), IPython.__version__)
        self.part = "shown." + mime.replace("/", "-") + "." + text_digest(repr(described))

    def __call__(self, fig):
        from . import figure_cache

        try:
            record = _SHOWN.pop(fig, None)  # only the first display after save_figure: later ones render
            if record is not None:
                record.unwatch(fig)
            unchanged = record is not None and not record.changed and figure_cache.rc_digest() == record.rc
        except Exception:  # pragma: no cover - e.g. an object that is not a figure
            unchanged = False
        if not unchanged:
            return self.original(fig)  # not saved, or changed since: render it as it is now
        cached = record.images.get(self.part)
        if cached is not None:
            _SERVED.setdefault(fig, []).append(self.original)
            return _decoded(cached)
        data = self.original(fig)  # rendered as always, from the state save_figure left, and kept
        encoded = _encoded(data)
        if encoded is not None:
            figure_cache.store(record.key, {self.part: encoded})
        return data


def _encoded(data) -> bytes | None:
    if isinstance(data, str):
        return b"s" + data.encode("utf-8", "surrogatepass")
    if isinstance(data, bytes):
        return b"b" + data
    return None  # nothing shown, or (data, metadata): not kept


def _decoded(blob: bytes):
    return blob[1:].decode("utf-8", "surrogatepass") if blob[:1] == b"s" else blob[1:]


def _skip_idle_redraw(fig: mpl.figure.Figure) -> None:
    """Spare the inline backend a rasterisation that nobody sees.

    Saving leaves the figure "stale", so after the cell pyplot's post-execute
    hook redraws it on its Agg canvas at screen resolution (``draw_idle``), and
    only then does the inline backend render it again, separately, for the
    notebook (``display`` -> ``print_figure``). The pixels of that first canvas
    are never shown or saved. With the inline backend (only there) the figure
    is laid out as that redraw would lay it out (a draw without rendering, so
    constrained layout runs the same number of times and the image shown in the
    notebook stays byte-identical) and marked as drawn. Changing the figure
    later marks it stale again, so later changes are still drawn and shown.
    """
    canvas = getattr(fig, "canvas", None)
    if canvas is None or getattr(canvas, "manager", None) is None:
        return
    if "backend_inline" not in str(mpl.get_backend()) or not mpl.is_interactive():
        return
    fig.draw_without_rendering()
    fig.stale = False


def close_all() -> None:
    """Close every open figure (for tests and long notebooks)."""
    plt.close("all")


__all__ = [
    "OKABE_ITO", "INK", "NEUTRAL", "WIDTHS", "LABELS", "LANGUAGES", "set_style", "outlet_color", "outlet_palette",
    "figsize", "localize", "label", "label_or", "add_labels", "language", "number", "footnote", "describe_n", "sources_of",
    "save_figure", "close_all",
]
