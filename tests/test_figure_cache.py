"""Tests for analysis.plot.figure_cache and its use by plot.save_figure (files and the image a notebook shows)."""
from __future__ import annotations

import os
import subprocess
import sys
import threading

import matplotlib as mpl
import matplotlib.pyplot as plt
import pytest

from analysis import plot
from analysis.plot import figure_cache, style


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(figure_cache.ENV, str(folder))
    monkeypatch.delenv(figure_cache.ENV_MB, raising=False)
    state, colors = dict(style._STATE), dict(style._OUTLET_COLORS)
    with mpl.rc_context():  # the style and the rcParams changed below do not leak into other tests
        style.set_style(outlets=["a", "b"], language="en")
        yield folder
    style._STATE.clear(), style._STATE.update(state)
    style._OUTLET_COLORS.clear(), style._OUTLET_COLORS.update(colors)


@pytest.fixture
def renders(monkeypatch):
    """Count the files matplotlib renders (Figure.savefig calls)."""
    calls = []
    original = mpl.figure.Figure.savefig

    def counting(self, *args, **kwargs):
        calls.append(kwargs.get("format"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(mpl.figure.Figure, "savefig", counting)
    return calls


def _figure(*, values=(1, 3), title="Tone", size=(3.5, 2.0), formatter=None):
    fig, ax = plt.subplots(figsize=size)
    ax.bar(["Überschrift", "Fließtext"], list(values), color=[plot.outlet_color("a"), plot.outlet_color("b")])
    ax.set_title(title)
    if formatter is not None:
        ax.yaxis.set_major_formatter(plt.FuncFormatter(formatter))
    plot.footnote(ax, source="Test", n=4)
    return fig


def _save(fig, folder, **kwargs):
    files = plot.save_figure(fig, "t", notebook="00-test", directory=folder, **kwargs)
    plt.close(fig)
    return {p.name: p.read_bytes() for p in files}


def test_a_hit_writes_the_bytes_a_render_writes_without_rendering(cache, renders, tmp_path):
    first = _save(_figure(), tmp_path / "miss")
    assert renders == ["png", "svg"]
    assert figure_cache.size(cache)[0] == 1
    second = _save(_figure(), tmp_path / "hit")
    assert renders == ["png", "svg"]  # nothing rendered the second time
    assert second == first
    os.environ[figure_cache.ENV] = "off"
    assert _save(_figure(), tmp_path / "off") == first  # and what the renderer writes today


@pytest.mark.parametrize("change", ["data", "title", "size", "dpi", "formats", "language", "rc"])
def test_a_changed_figure_or_request_misses(cache, renders, tmp_path, change):
    _save(_figure(), tmp_path / "first")
    n = len(renders)
    kwargs = {}
    if change == "data":
        fig = _figure(values=(1, 4))
    elif change == "title":
        fig = _figure(title="Tone!")
    elif change == "size":
        fig = _figure(size=(3.5, 2.1))
    elif change == "dpi":
        mpl.rcParams["savefig.dpi"] = 200
        fig = _figure()
    elif change == "formats":
        fig, kwargs = _figure(), {"formats": ("png",)}
    elif change == "language":  # labels read at draw time may depend on it
        style.set_style(outlets=["a", "b"], language="de")
        fig = _figure()
    else:
        fig = _figure()
        mpl.rcParams["path.simplify"] = False
    _save(fig, tmp_path / "second", **kwargs)
    assert len(renders) > n, f"a figure with another {change} was taken from the cache"


def test_keys_are_stable_across_processes_and_hash_seeds_and_do_not_change_the_figure(tmp_path):
    script = (
        "import matplotlib; matplotlib.use('Agg')\n"
        "import matplotlib.pyplot as plt\n"
        "from analysis import plot\n"
        "from analysis.plot import figure_cache\n"
        "plot.set_style(outlets=['a', 'b'])\n"
        "fig, axs = plt.subplots(1, 2, sharey=True)\n"
        "axs[0].bar(['x', 'y'], [1, 2]); axs[1].plot([0, 1], [2, 1]); axs[0].twinx().plot([0, 1], [5, 6])\n"
        "axs[1].yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter())\n"
        "keys = [figure_cache.figure_key(fig, request={'r': 1}) for _ in range(2)]\n"
        "assert keys[0] == keys[1], keys  # computing a key leaves the figure as it was\n"
        "print(keys[0])\n"
    )
    keys = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, figure_cache.ENV: str(tmp_path / "c")}
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env)
        keys.add(out.stdout.strip())
    assert len(keys) == 1 and len(keys.pop()) == 40


def test_switched_off_by_environment_or_argument(cache, renders, tmp_path, monkeypatch):
    _save(_figure(), tmp_path / "a", cache=False)
    _save(_figure(), tmp_path / "b", cache=False)
    assert renders == ["png", "svg"] * 2 and figure_cache.size(cache) == (0, 0)
    monkeypatch.setenv(figure_cache.ENV, "off")
    assert figure_cache.cache_dir() is None
    _save(_figure(), tmp_path / "c")
    _save(_figure(), tmp_path / "d")
    assert renders == ["png", "svg"] * 4 and not cache.exists()


def test_an_unpicklable_figure_is_rendered_and_saved(cache, renders, tmp_path):
    fig = _figure()
    fig.axes[0]._lock = threading.Lock()  # cannot be pickled
    with pytest.raises(figure_cache.Uncacheable):
        figure_cache.figure_state(fig)
    files = _save(fig, tmp_path / "x")
    assert set(files) == {"00-test_t.png", "00-test_t.svg"} and all(files.values())
    assert renders == ["png", "svg"] and figure_cache.size(cache) == (0, 0)


def test_a_lambda_formatter_is_keyed_by_its_code_and_session_code_is_not_cached(cache, renders, tmp_path):
    first = _save(_figure(formatter=lambda v, _: f"{v:.1f}"), tmp_path / "a")
    assert _save(_figure(formatter=lambda v, _: f"{v:.1f}"), tmp_path / "b") == first
    assert len(renders) == 2  # the same code: a hit
    _save(_figure(formatter=lambda v, _: f"{v:.2f}"), tmp_path / "c")
    assert len(renders) == 4  # other code: a miss

    def in_session(v, _):
        return str(v)

    in_session.__module__ = "__main__"  # as a function defined in a notebook cell
    fig = _figure(formatter=in_session)
    assert figure_cache.figure_key(fig) is None
    _save(fig, tmp_path / "d")
    _save(_figure(formatter=in_session), tmp_path / "e")
    assert len(renders) == 8


def test_the_cache_keeps_to_its_bound_dropping_the_least_recently_used(cache, monkeypatch):
    monkeypatch.setenv(figure_cache.ENV_MB, "0.0025")  # 2,500 bytes
    for i, key in enumerate(["aa" + "0" * 38, "bb" + "0" * 38, "cc" + "0" * 38]):
        figure_cache.store(key, {"file.png": bytes(1000)})
        os.utime(cache / key[:2] / key, ns=(10**9 * (i + 1),) * 2)  # distinct ages
    figure_cache.store("dd" + "0" * 38, {"file.png": bytes(1000)})
    left = sorted(p.name[:2] for p in cache.glob("*/*"))
    assert "aa" not in left and "dd" in left
    assert figure_cache.size(cache)[1] <= 2500
    assert figure_cache.load("dd" + "0" * 38, ("file.png",)) == {"file.png": bytes(1000)}
    assert figure_cache.load("dd" + "0" * 38, ("file.png", "file.svg")) is None  # every part or nothing
    assert figure_cache.clear() == len(left) and not cache.exists()


# --------------------------------------------------------------------------- in a notebook kernel

_CELLS = [
    "import matplotlib.pyplot as plt\nfrom analysis import plot\nplot.set_style(outlets=['a', 'b'])",
    "fig, ax = plt.subplots(figsize=plot.figsize('column'), layout='constrained')\n"
    "ax.bar(['x', 'y'], [1, 3], color=plot.outlet_color('a'))\nax.set_title('Saved as it is shown')\n"
    "files = plot.save_figure(fig, 'shown', notebook='00-test', directory=FOLDER)",
    "fig, ax = plt.subplots(figsize=plot.figsize('column'))\nax.plot([0, 1], [1, 0])\n"
    "files = plot.save_figure(fig, 'changed', notebook='00-test', directory=FOLDER)\n"
    "ax.set_title(TITLE)",
]


def _run_notebook(tmp_path, name, cache_setting, title="Changed after saving"):
    from nbformat.v4 import new_code_cell, new_notebook

    from analysis.bench import notebooks as bench

    folder = tmp_path / name
    cells = [new_code_cell(f"FOLDER = {str(folder)!r}\nTITLE = {title!r}")] + [new_code_cell(c) for c in _CELLS]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    old = os.environ.get(figure_cache.ENV)
    os.environ[figure_cache.ENV] = cache_setting
    try:
        bench.execute(nb, cwd=tmp_path, timeout=120)
    finally:
        if old is None:
            os.environ.pop(figure_cache.ENV)
        else:
            os.environ[figure_cache.ENV] = old
    outputs = [c.outputs for c in nb.cells]
    assert not [o for out in outputs for o in out if o.output_type == "error"], outputs
    files = {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
    return outputs, files


def test_a_notebook_shows_and_writes_the_same_bytes_cold_warm_and_without_the_cache(tmp_path):
    cache = str(tmp_path / "cache")
    cold = _run_notebook(tmp_path, "cold", cache)
    entries = figure_cache.size(tmp_path / "cache")[0]
    warm = _run_notebook(tmp_path, "warm", cache)
    off = _run_notebook(tmp_path, "off", "off")
    assert cold == warm == off
    images = [o for out in cold[0] for o in out if "image/png" in o.get("data", {})]
    assert len(images) == 2  # both figures shown, the second one with its new title
    assert entries == 2 and figure_cache.size(tmp_path / "cache")[0] == 2
    # the first figure's entry holds the image shown; the second (changed after saving) only its files
    parts = sorted(sorted(p.name for p in e.iterdir()) for e in (tmp_path / "cache").glob("*/*"))
    assert [len([p for p in ps if p.startswith("shown.")]) for ps in parts] in ([0, 1], [1, 0])


def test_a_figure_changed_after_saving_is_shown_as_it_is_now(tmp_path):
    cache = str(tmp_path / "cache")
    cold = _run_notebook(tmp_path, "cold", cache, title="One title")
    warm = _run_notebook(tmp_path, "warm", cache, title="Another title")
    off = _run_notebook(tmp_path, "off", "off", title="Another title")
    assert warm == off
    shown = [[o["data"]["image/png"] for cell in run[0] for o in cell if "image/png" in o.get("data", {})]
             for run in (cold, warm)]
    assert shown[0][0] == shown[1][0]  # the unchanged figure, from the cache
    assert shown[0][1] != shown[1][1]  # the changed one, rendered as it is now


def test_the_cache_never_unpickles_it_only_digests():
    """figure_cache imports pickle only to serialise a figure into a key (its Pickler writes into a digest);
    nothing it stores or reads is ever unpickled: the cached parts are the PNG/SVG bytes themselves."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(figure_cache))
    used = {node.attr for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "pickle"}
    assert used == {"Pickler"}
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    assert not names & {"loads", "load", "Unpickler"}


def test_a_figure_saved_twice_gets_the_same_second_files_cold_and_warm(cache, tmp_path):
    """A hit skips the export renders; saving the same figure again draws them first (every draw moves a
    constrained layout a little), so the second files are those of a run without the cache."""
    import pandas as pd

    rows = [{"method": m, "outlet": o, "label": lab}
            for m in ["textblob-de", "gerntsa-lr"] for o, n in [("a", (1, 8, 6)), ("b", (1, 16, 6))]
            for lab, k in zip(["negative", "neutral", "positive"], n) for _ in range(k)]

    def twice(name):
        ax = plot.sentiment_labels(pd.DataFrame(rows), title="Saved twice")
        plot.footnote(ax, source="Test", n={"sentences": 38})
        fig = ax.figure
        first = plot.save_figure(fig, "one", notebook="00-test", directory=tmp_path / name)
        second = plot.save_figure(fig, "two", notebook="00-test", directory=tmp_path / name)
        plt.close(fig)
        return [p.read_bytes() for p in first + second]

    cold, warm = twice("cold"), twice("warm")
    os.environ[figure_cache.ENV] = "off"
    off = twice("off")
    assert cold == warm == off
    assert off[0] != off[2]  # the second save of a constrained layout differs from the first: the test can fail
