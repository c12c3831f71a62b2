"""Nothing is downloaded at run time: the whole pipeline runs on the seeds with the network blocked.

Python sockets are replaced by a guard that refuses (and records) every
connection and name lookup except to the loopback interface (Jupyter and Dask
talk to themselves over it). The guard catches downloads that a library might
swallow: the test fails if any attempt was recorded, even a failed one. A last
test runs the command line in a network namespace without any network
(``unshare -n``), which also catches C code that bypasses Python's sockets.
"""
from __future__ import annotations

import ipaddress
import json
import shutil
import socket
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest

from analysis import actors, corpus, paths, tokens

LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


def _is_local(host) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    host = str(host)
    if host in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback or ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


class NetworkGuard:
    """Refuses non-loopback connections and lookups, remembering each attempt."""

    def __init__(self, monkeypatch):
        self.attempts: list[str] = []
        real_connect = socket.socket.connect
        real_connect_ex = socket.socket.connect_ex
        real_sendto = socket.socket.sendto
        real_getaddrinfo = socket.getaddrinfo
        real_create = socket.create_connection
        guard = self

        def check(kind, address):
            if isinstance(address, (str, bytes)) and not isinstance(address, tuple):
                return  # AF_UNIX path
            host = address[0] if isinstance(address, tuple) and address else address
            if not _is_local(host):
                guard.attempts.append(f"{kind} {address!r}")
                raise OSError(101, f"network access blocked by the test: {kind} {address!r}")

        def connect(self, address):
            if self.family != socket.AF_UNIX:
                check("connect", address)
            return real_connect(self, address)

        def connect_ex(self, address):
            if self.family != socket.AF_UNIX:
                check("connect_ex", address)
            return real_connect_ex(self, address)

        def sendto(self, data, *args):
            address = args[-1]
            if self.family != socket.AF_UNIX:
                check("sendto", address)
            return real_sendto(self, data, *args)

        def getaddrinfo(host, *args, **kwargs):
            check("getaddrinfo", (host,))
            return real_getaddrinfo(host, *args, **kwargs)

        def create_connection(address, *args, **kwargs):
            check("create_connection", address)
            return real_create(address, *args, **kwargs)

        monkeypatch.setattr(socket.socket, "connect", connect)
        monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
        monkeypatch.setattr(socket.socket, "sendto", sendto)
        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        monkeypatch.setattr(socket, "create_connection", create_connection)


@pytest.fixture
def offline(monkeypatch):
    guard = NetworkGuard(monkeypatch)
    yield guard
    assert guard.attempts == [], f"network access attempted: {guard.attempts}"


def test_the_guard_blocks_the_internet(offline):
    with pytest.raises(OSError, match="blocked"):
        socket.create_connection(("example.org", 80), timeout=1)
    with pytest.raises(OSError, match="blocked"):
        socket.getaddrinfo("pypi.org", 443)
    offline.attempts.clear()  # these two were ours
    socket.getaddrinfo("localhost", 80)  # loopback stays open


def _optional(name):
    import importlib

    try:
        return importlib.import_module(f"analysis.{name}")
    except ModuleNotFoundError:
        return None


def test_library_pipeline_offline(offline, tmp_path):
    from analysis import plot

    articles = corpus.load(paths.SEEDS)
    sentences = corpus.sentences(articles)
    toks = tokens.tokenize(sentences)
    mentions = actors.mentions(sentences)
    assert len(articles) == 2 and len(sentences) > 30 and len(toks) > 500 and len(mentions) > 10
    done = ["load", "sentences", "tokens", "actors"]
    sentiment = _optional("sentiment")
    if sentiment is not None and hasattr(sentiment, "score"):
        scored = sentiment.score(sentences)
        assert scored["polarity"].between(-1, 1).all()
        done.append("sentiment")
    framing = _optional("framing")
    if framing is not None and hasattr(framing, "code"):
        coded = framing.code(sentences)
        assert len(coded) == len(sentences)
        done.append("framing")
    keyness = _optional("keyness")
    if keyness is not None and hasattr(keyness, "compare"):
        keys = keyness.compare(toks, by="outlet")
        assert set(keys["target"]) == {"videoaktiv", "curved"}
        done.append("keyness")
    plot.set_style(outlets=articles["outlet"])
    overview = _optional("overview")
    if overview is not None and hasattr(plot, "sentence_lengths"):
        ax = plot.sentence_lengths(overview.sentence_lengths(sentences))
        written = plot.save_figure(ax.figure, "offline", notebook="test", directory=tmp_path)
        assert all(p.stat().st_size > 0 for p in written)
        done.append("figure")
    assert {"load", "sentences", "tokens", "actors"} <= set(done)


def test_command_line_offline(offline, tmp_path, capsys):
    cli = _optional("cli")
    if cli is None or _optional("pipeline") is None:
        pytest.skip("the command line (analysis.cli) does not exist yet")
    out = tmp_path / "out"
    code = cli.main(["run", str(paths.SEEDS), "--out", str(out), "--workers", "1", "--no-cache",
                     "--cache-dir", str(tmp_path / "cache"), "--quiet"])
    assert code == 0, capsys.readouterr().err
    written = {p.name for p in out.iterdir()}
    assert any(name.startswith("articles") for name in written)
    assert any(name.startswith("sentences") for name in written)


NOTEBOOKS = sorted(paths.NOTEBOOKS.glob("[0-9]*.ipynb"))


@pytest.mark.skipif(not NOTEBOOKS, reason="no notebooks yet")
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_code_offline(offline, tmp_path, notebook, monkeypatch, capsys):
    """Every code cell of the notebook, run in this process with the network blocked.

    The figures go to a temporary folder, as ``papermill -p figures_dir`` would
    send them; the project's figures are not touched.
    """
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    monkeypatch.chdir(paths.NOTEBOOKS)
    default_figures = tmp_path / "default-figures"  # stands in for figures/, which must stay untouched
    monkeypatch.setattr(paths, "FIGURES", default_figures)
    figures_dir = tmp_path / "figures"
    namespace: dict = {"__name__": "__main__", "display": lambda *a, **k: None}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i, cell in enumerate(nb["cells"]):
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"])
            source = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
            code = compile(source, f"{notebook.name} cell {i}", "exec")
            exec(code, namespace)  # noqa: S102 - our own notebook, not user data
            if "parameters" in cell.get("metadata", {}).get("tags", []):
                namespace["figures_dir"] = str(figures_dir)
    capsys.readouterr()
    assert not default_figures.exists() or not any(default_figures.iterdir()), \
        "the notebook wrote into figures/ despite figures_dir"
    if "save_figure" in json.dumps(nb["cells"]):
        assert any(figures_dir.glob(f"{notebook.stem}_*.png")), "no figure written to figures_dir"


def test_command_line_in_a_namespace_without_network(tmp_path):
    """OS-level check: ``unshare -n`` gives the process no network at all (not even loopback)."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("unshare is not installed")
    probe = subprocess.run([unshare, "-n", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"unshare -n is not permitted here: {probe.stderr.decode(errors='replace').strip()}")
    if _optional("cli") is None or _optional("pipeline") is None:
        pytest.skip("the command line (analysis.cli) does not exist yet")
    out = tmp_path / "out"
    result = subprocess.run(
        [unshare, "-n", sys.executable, "-m", "analysis", "run", str(paths.SEEDS), "--out", str(out),
         "--workers", "1", "--no-cache", "--quiet"],
        capture_output=True, text=True, timeout=600, cwd=paths.ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    articles = pd.read_parquet(next(out.glob("articles*.parquet")))
    assert sorted(articles["outlet"]) == ["curved", "videoaktiv"]
