"""Tests for analysis.plot.style: colours, labels in two languages, footnotes, byte-stable files."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from analysis import plot
from analysis.plot import style


@pytest.fixture(autouse=True)
def _english():
    yield
    style.set_style(language="en")


def _luminance(hex_color: str) -> float:
    r, g, b = (int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5))
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_outlet_colours_follow_sorted_names_whatever_the_row_order():
    style.set_style(outlets=["videoaktiv", "curved", "videoaktiv"])
    first = plot.outlet_palette(["curved", "videoaktiv"])
    style.set_style(outlets=["curved", "videoaktiv"])
    assert plot.outlet_palette(["curved", "videoaktiv"]) == first
    assert first == {"curved": style.OKABE_ITO[0], "videoaktiv": style.OKABE_ITO[1]}


def test_unregistered_outlet_gets_next_free_colour_and_keeps_it():
    style.set_style(outlets=["a", "b"])
    c = plot.outlet_color("zeta")
    assert c == style.OKABE_ITO[2]
    assert plot.outlet_color("zeta") == c
    assert len(set(plot.outlet_palette(["a", "b", "zeta"]).values())) == 3


def test_more_outlets_than_colours_warns():
    with pytest.warns(UserWarning, match="colours repeat"):
        style.set_style(outlets=[f"outlet{i}" for i in range(len(style.OKABE_ITO) + 1)])


def test_palette_colours_are_distinct_and_visible_on_white():
    assert len(set(style.OKABE_ITO)) == len(style.OKABE_ITO)
    # the first four colours (used by up to four outlets) keep a contrast of at least 2:1 on white
    for color in style.OKABE_ITO[:4]:
        assert (1.05) / (_luminance(color) + 0.05) >= 2.0, color


def test_labels_switch_language_with_one_setting():
    style.set_style(language="en")
    assert plot.label("sentence length") == "Sentence length (words)"
    style.set_style(language="de")
    assert plot.label("sentence length") == "Satzlänge (Wörter)"
    assert plot.label("headline") == "Überschrift"
    assert plot.language() == "de"
    style.set_style()  # no language given: keeps German
    assert plot.language() == "de"


def test_unknown_label_names_close_keys_and_unknown_language_lists_known():
    with pytest.raises(KeyError, match="sentence length"):
        plot.label("sentence lenght")
    with pytest.raises(ValueError, match="en, de"):
        style.set_style(language="fr")
    assert plot.label_or("some_rule") == "some_rule"


def test_add_labels_falls_back_to_english():
    plot.add_labels({"test-only key": {"en": "English only"}})
    style.set_style(language="de")
    assert plot.label("test-only key") == "English only"
    with pytest.raises(ValueError, match="English"):
        plot.add_labels({"bad": {"de": "nur deutsch"}})


def test_numbers_use_decimal_comma_in_german():
    style.set_style(language="en")
    assert plot.number(1234.5, 1) == "1,234.5"
    assert plot.number(0.123, 1, percent=True) == "12.3%"
    style.set_style(language="de")
    assert plot.number(1234.5, 1) == "1.234,5"
    assert plot.number(0.123, 1, percent=True) == "12,3 %"


def test_describe_n_uses_singular_and_language():
    style.set_style(language="en")
    assert plot.describe_n({"articles": 1, "sentences": 38}) == "n = 1 article, 38 sentences"
    style.set_style(language="de")
    assert plot.describe_n({"articles": 2, "sentences": 1}) == "n = 2 Artikel, 1 Satz"


def test_footnote_names_source_and_n_and_lands_in_the_saved_figure(tmp_path):
    style.set_style(outlets=["a", "b"])
    articles = pd.DataFrame({"outlet": ["a", "b", "b"], "outlet_name": ["A", "B", "B"],
                             "date": ["2022-05-01", "2022-05-20", ""]})
    fig, ax = plt.subplots(figsize=plot.figsize("column"))
    ax.plot([0, 1], [0, 1])
    text = plot.footnote(ax, articles=articles, note="Mean of two raters.")
    # wrapped to the width of a single-column figure
    assert "\n" in text.get_text()
    assert text.get_text().replace("\n", " ") == (
        "Source: A, B (2022-05-01 – 2022-05-20). n = 3 articles. Mean of two raters."
    )
    # calling again replaces the footnote instead of stacking a second one
    plot.footnote(fig, source="X", n={"sentences": 5})
    assert [t.get_text() for t in fig.texts] == ["Source: X. n = 5 sentences."]
    # the footnote lies below the axes and is inside the saved (tight) bounding box
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    note_box = fig.texts[0].get_window_extent(renderer)
    assert note_box.y1 <= ax.get_window_extent(renderer).y0
    tight = fig.get_tightbbox(renderer)
    assert tight.y0 * fig.dpi <= note_box.y0 + 1


def test_figsize_column_and_wide():
    assert plot.figsize("column") == (3.5, 1.75)
    assert plot.figsize("wide", 3) == (7.2, 3.0)
    with pytest.raises(ValueError, match="column"):
        plot.figsize("huge")


def test_save_figure_is_byte_identical_between_runs(tmp_path):
    style.set_style(outlets=["a"], language="de")
    written = []
    for run in range(2):
        fig, ax = plt.subplots(figsize=plot.figsize("column"))
        ax.bar(["Überschrift", "Fließtext"], [1, 3], color=plot.outlet_color("a"))
        plot.footnote(ax, source="Test", n=4)
        files = plot.save_figure(fig, "t", notebook="00-test", directory=tmp_path / str(run))
        written.append([f.read_bytes() for f in files])
        plt.close(fig)
    assert [f.suffix for f in files] == [".png", ".svg"]
    assert written[0] == written[1]
    assert b"Software" not in written[0][0]


_INLINE_SCRIPT = r'''
import hashlib, os, sys
import matplotlib as mpl
mpl.use("module://matplotlib_inline.backend_inline")
import matplotlib.pyplot as plt
import pandas as pd
from IPython.core.pylabtools import print_figure
from analysis import plot

plot.set_style(outlets=["curved", "videoaktiv"])
plt.ion()   # as in a Jupyter kernel
rows = [{"method": m, "outlet": o, "label": lab}
        for m in ["textblob-de", "textblob-de-corrected", "gerntsa-lr"]
        for o, n in [("videoaktiv", (1, 8, 6)), ("curved", (1, 16, 6))]
        for lab, k in zip(["negative", "neutral", "positive"], n) for _ in range(k)]
for mode in ["save_figure", "redraw", "no_redraw"]:
    folder = os.path.join(sys.argv[1], mode)
    ax = plot.sentiment_labels(pd.DataFrame(rows), title="Sentence labels by method and outlet")
    plot.footnote(ax, source="curved, VIDEOAKTIV (2022-05)", n={"sentences": 38})
    fig = ax.figure
    if mode == "save_figure":
        plot.save_figure(fig, "t", notebook="00-test", directory=folder)
        print(mode, "stale", fig.stale)
    else:  # what save_figure did before, then what pyplot's post-execute hook does with a stale figure
        os.makedirs(folder)
        with mpl.rc_context({"svg.hashsalt": "media-coverage-analysis"}):
            for ext, meta in [("png", {"Software": None}), ("svg", {"Date": None, "Creator": None})]:
                fig.savefig(f"{folder}/00-test_t.{ext}", format=ext, metadata=meta)
        if mode == "redraw":
            fig.canvas.draw_idle()
    print(mode, "shown", hashlib.sha256(print_figure(fig, "png", bbox_inches="tight")).hexdigest())
    for ext in ("png", "svg"):
        print(mode, ext, hashlib.sha256(open(f"{folder}/00-test_t.{ext}", "rb").read()).hexdigest())
    plt.close(fig)
'''


def test_save_figure_spares_the_inline_backend_a_redraw_without_changing_what_is_shown(tmp_path):
    """With the inline backend, save_figure marks the figure drawn (no post-cell redraw) and the image shown
    in the notebook and the files stay byte-identical to the full redraw; skipping the layout would not."""
    import os
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", _INLINE_SCRIPT, str(tmp_path)], capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    seen: dict = {}
    for line in out.stdout.strip().splitlines():
        mode, key, value = line.split(" ")
        seen.setdefault(mode, {})[key] = value
    new, old, skipped = seen["save_figure"], seen["redraw"], seen["no_redraw"]
    assert new.pop("stale") == "False"
    assert new == old
    # the layout run by the spared redraw matters: without it the image shown would differ by a pixel
    assert skipped["shown"] != old["shown"]


def test_save_figure_leaves_other_backends_alone(tmp_path):
    fig, ax = plt.subplots(figsize=plot.figsize("column"), layout="constrained")
    ax.plot([0, 1], [0, 1])
    plot.save_figure(fig, "t", notebook="00-test", directory=tmp_path)
    assert fig.stale  # Agg (tests, scripts): nothing is marked, nothing extra is drawn
    plt.close(fig)
