"""A content-addressed cache of exported figures (and of the image a notebook shows).

:func:`analysis.plot.save_figure` renders every figure three times: PNG at
300 dpi, SVG, and (in a notebook) the image shown under the cell. Rendering is
most of what a notebook costs on a small corpus, and it is a pure function of
the figure and of the environment it is drawn in. This module names that
input with a key, so a figure drawn once is never drawn again: the files (and
the image shown) are copied from the cache, byte for byte as the renderer wrote
them the first time.

The key (:func:`figure_key`) is a BLAKE2b digest of

* a serialisation of the figure: ``pickle`` of the Figure (every artist, its
  data, positions, colours, texts, fonts as requested, transforms), in which

  - a class or function named by reference is followed by a fingerprint of the
    code behind the name: the version of matplotlib, NumPy, Pillow and
    Python for those packages and the standard library; for any other package
    (seaborn, pandas, this project, ...) its version when it is installed from a
    wheel, else the content of all its ``.py`` files (an editable install such
    as this project's);
  - a function that cannot be named (a lambda, a nested function, e.g. a tick
    formatter) is described by its code, defaults, closure and module, and
    the values of the module globals it reads (so ``lambda v, _: f"{v:.0%}"``
    works, and editing it changes the key);
  - anything defined in ``__main__`` (a notebook cell), anything that cannot be
    pickled, ``text.usetex`` and figures with ``draw_event`` callbacks make the
    figure uncacheable: it is rendered as without the cache;
* every rcParam (sorted), the label language of :mod:`analysis.plot.style`;
* the versions of matplotlib, NumPy, Pillow, FreeType, zlib and Python, and
  the fonts matplotlib can find (file, family, style, weight);
* what is asked for: the formats, the metadata, the export code's
  :data:`VERSION`.

The key is computed before anything is drawn (drawing changes a figure's
state: layouts and tick positions are computed then), so a cold and a warm run
of the same notebook compute the same keys.

What is exact, and what is not. Every draw changes a figure a little (three
successive ``savefig`` calls of a figure with a constrained layout give three
different PNGs), so the cache reproduces a draw only if the figure has the same
history. :func:`analysis.plot.save_figure` keeps that: the image a notebook
shows is taken from the cache only if nothing in the figure changed after it
was saved (matplotlib's stale signal) and the rcParams are the same; a figure
saved again first gets the draws a hit skipped. A figure *changed* after a hit
and then shown or saved again is drawn from its state before the skipped
exports, so its layout can differ by a pixel from a run without the cache
(the content is the same). ``cache=False`` or ``MEDIA_ANALYSIS_FIGURE_CACHE=off``
avoids that.

Location: ``$MEDIA_ANALYSIS_FIGURE_CACHE`` if set (``off``, ``0`` or ``no``
switch the cache off), else ``figures/`` under :func:`analysis.cache.cache_root`
(``$XDG_CACHE_HOME/media-analysis``, default ``~/.cache/media-analysis``). It
keeps at most ``$MEDIA_ANALYSIS_FIGURE_CACHE_MB`` megabytes (default 200),
dropping the least recently used figures first. ``python -m
analysis.plot.figure_cache clear`` (or :func:`clear`) empties it.

This module imports only the standard library at import time.
"""
from __future__ import annotations

import copyreg
import io
import os
import pickle
import shutil
import sys
import types
from collections.abc import Mapping
from pathlib import Path

from ..cache import _blake2b, cache_root  # standard library only

__all__ = ["VERSION", "ENV", "Uncacheable", "cache_dir", "figure_state", "figure_key", "rc_digest", "Entry", "load",
           "store", "clear", "size"]

#: Bumped whenever save_figure writes its files differently; part of every key.
VERSION = "1"
#: The environment variable that moves (a folder) or switches off (``off``) the cache.
ENV = "MEDIA_ANALYSIS_FIGURE_CACHE"
ENV_MB = "MEDIA_ANALYSIS_FIGURE_CACHE_MB"
DEFAULT_MB = 200

_OFF = {"off", "0", "no", "false", ""}
# Packages whose code is pinned by the versions in the key (matplotlib, NumPy,
# Pillow, Python); other packages are fingerprinted by version or source.
_PINNED = {"matplotlib", "mpl_toolkits", "numpy", "PIL", "builtins", "__builtin__"}


class Uncacheable(Exception):
    """The figure holds something the key cannot describe safely; render it instead."""


def cache_dir() -> Path | None:
    """The cache folder, or ``None`` when the cache is switched off (``MEDIA_ANALYSIS_FIGURE_CACHE=off``)."""
    env = os.environ.get(ENV)
    if env is not None:
        return None if env.strip().lower() in _OFF else Path(env).expanduser().resolve()
    return cache_root() / "figures"


# --------------------------------------------------------------------------- the key

_FILE_DIGESTS: dict[str, tuple[tuple[int, int, int], bytes]] = {}
_PACKAGE_DIGESTS: dict[str, str] = {}


def _file_digest(path: str) -> bytes:
    st = os.stat(path)
    sig = (st.st_size, st.st_mtime_ns, st.st_ino)
    known = _FILE_DIGESTS.get(path)
    if known is not None and known[0] == sig:
        return known[1]
    with open(path, "rb") as f:
        digest = _blake2b(f.read(), digest_size=16).digest()
    _FILE_DIGESTS[path] = (sig, digest)
    return digest


def _package_fingerprint(top: str) -> str:
    """What the code of a top-level package is: a version for installed wheels, else a digest of its sources."""
    if top in _PINNED or top in sys.stdlib_module_names:
        return ""
    module = sys.modules.get(top)
    if module is None or top == "__main__":
        raise Uncacheable(f"code from {top!r} (defined in the session, not in a file)")
    known = _PACKAGE_DIGESTS.get(top)
    if known is not None and not known.startswith("src:"):
        return known
    where = getattr(module, "__file__", None)
    locations = list(getattr(module, "__path__", []) or [])
    version = getattr(module, "__version__", None)
    installed = where is not None and ("site-packages" in where or "dist-packages" in where)
    if installed and isinstance(version, str):
        value = f"{top}=={version}"
    else:
        if where is None and not locations:
            raise Uncacheable(f"no source files for {top!r}")
        files = []
        if locations:
            for base in locations:
                for dirpath, dirnames, filenames in os.walk(base):
                    dirnames[:] = sorted(d for d in dirnames if d != "__pycache__" and not d.startswith("."))
                    files.extend(os.path.join(dirpath, f) for f in sorted(filenames) if f.endswith(".py"))
        else:
            files = [where]
        h = _blake2b(digest_size=16)
        for path in files:
            h.update(path.encode("utf-8", "surrogatepass"))
            h.update(_file_digest(path))
        value = "src:" + h.hexdigest()
    _PACKAGE_DIGESTS[top] = value
    return value


def _code_description(code: types.CodeType) -> tuple:
    consts = tuple(_code_description(c) if isinstance(c, types.CodeType) else c for c in code.co_consts)
    return (code.co_code, consts, code.co_names, code.co_varnames, code.co_freevars, code.co_cellvars,
            code.co_argcount, code.co_posonlyargcount, code.co_kwonlyargcount, code.co_flags)


def _names_read(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            names |= _names_read(c)
    return names


def _described(*parts):  # the reduction target of unnamed functions (never called: keys are never unpickled)
    raise RuntimeError("figure cache keys are not meant to be unpickled")


class _KeyPickler(pickle.Pickler):
    """A pickler for keys: named code is followed by its fingerprint; unnamed functions by their code."""

    def __init__(self, file):
        from matplotlib.cbook import CallbackRegistry, Grouper
        from matplotlib.transforms import TransformNode

        super().__init__(file, protocol=5)
        self.packages: set[str] = set()
        self._special = (TransformNode, CallbackRegistry, Grouper)

    def reducer_override(self, obj):
        if isinstance(obj, self._special):
            return copyreg.__newobj__, (type(obj),), _stable_state(obj)
        if isinstance(obj, type):
            self._named(obj.__module__)
            return NotImplemented
        if isinstance(obj, types.FunctionType):
            module = obj.__module__ or ""
            if module == "__main__":
                raise Uncacheable(f"function {obj.__qualname__!r} defined in the session")
            if "<" not in obj.__qualname__:  # importable by name: pickled by reference
                self._named(module)
                return NotImplemented
            self._named(module)
            cells = []
            for cell in obj.__closure__ or ():
                try:
                    cells.append(cell.cell_contents)
                except ValueError:
                    cells.append("<empty cell>")
            g = obj.__globals__
            read = {n: g[n] for n in sorted(_names_read(obj.__code__)) if n in g}
            return _described, (module, obj.__qualname__, _code_description(obj.__code__),
                                obj.__defaults__, obj.__kwdefaults__, tuple(cells), read)
        if isinstance(obj, types.ModuleType):
            self._named(obj.__name__)
            return _described, ("module", obj.__name__)
        if isinstance(obj, types.BuiltinFunctionType):
            self._named(getattr(obj, "__module__", None) or "builtins")
        return NotImplemented

    def _named(self, module: str) -> None:
        top = (module or "").partition(".")[0]
        if top == "__main__":
            raise Uncacheable("code defined in the session (__main__)")
        self.packages.add(top)


def _stable_state(obj) -> dict:
    """The pickled state of three matplotlib helpers, without what differs between identical figures.

    Their own ``__getstate__`` keys a transform's parents by ``id()``, orders the
    axes sharing a limit by ``id()`` (a set), and *advances* a callback
    registry's id counter (pickling would change the figure). None of these
    reach the rendering.
    """
    from matplotlib.cbook import CallbackRegistry, Grouper

    if isinstance(obj, CallbackRegistry):
        return {**vars(obj), "callbacks": {s: [proxy() for cid, proxy in d.items() if cid in obj._pickled_cids]
                                           for s, d in obj.callbacks.items()},
                "_func_cid_map": None, "_cid_gen": None}
    if isinstance(obj, Grouper):
        order = obj._ordering
        return {**vars(obj), "_mapping": [(k, sorted(v, key=order.get)) for k, v in obj._mapping.items()],
                "_ordering": list(order.items())}
    state = obj.__getstate__()  # a TransformNode
    state["_parents"] = list(state["_parents"].values())
    return state


_ENVIRONMENT: dict[str, str] = {}


def _environment() -> str:
    """Versions of the rendering stack and the fonts matplotlib can use (computed once per process)."""
    import matplotlib as mpl
    from matplotlib import font_manager

    fonts = font_manager.fontManager
    marker = f"{id(fonts)}:{len(fonts.ttflist)}:{len(fonts.afmlist)}"
    if _ENVIRONMENT.get("marker") != marker:
        import zlib

        import matplotlib.image  # noqa: F401 - imports Pillow, which writes the PNGs
        import numpy as np

        pillow = getattr(sys.modules.get("PIL"), "__version__", "?")

        try:
            from matplotlib import ft2font
            freetype = ft2font.__freetype_version__
        except Exception:  # pragma: no cover
            freetype = "?"
        h = _blake2b(digest_size=16)
        for part in (sys.version, mpl.__version__, np.__version__, pillow, freetype, zlib.ZLIB_RUNTIME_VERSION):
            h.update(str(part).encode() + b"\0")
        for f in sorted((f.fname, f.name, f.style, f.variant, str(f.weight), str(f.stretch), str(f.size))
                        for f in [*fonts.ttflist, *fonts.afmlist]):
            h.update("\t".join(f).encode("utf-8", "surrogatepass") + b"\n")
        _ENVIRONMENT.update(marker=marker, digest=h.hexdigest())
    return _ENVIRONMENT["digest"]


def rc_digest() -> str:
    """A digest of every rcParam (as matplotlib validated them)."""
    import matplotlib as mpl

    h = _blake2b(digest_size=16)
    for k in sorted(mpl.rcParams):
        h.update(f"{k}={mpl.rcParams[k]!r}\n".encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def figure_state(fig) -> tuple[bytes, set[str]]:
    """The key serialisation of a figure and the top-level packages its named code comes from.

    Raises
    ------
    Uncacheable
        If the figure holds something that cannot be described safely.
    """
    import matplotlib as mpl

    if mpl.rcParams["text.usetex"]:
        raise Uncacheable("text.usetex renders with the TeX installation")
    canvas = getattr(fig, "canvas", None)
    callbacks = getattr(getattr(canvas, "callbacks", None), "callbacks", {}) or {}
    if any(callbacks.get(event) for event in ("draw_event", "resize_event")):
        raise Uncacheable("draw_event/resize_event callbacks can change the figure while it is drawn")
    buffer = io.BytesIO()
    pickler = _KeyPickler(buffer)
    try:
        pickler.dump(fig)
    except Uncacheable:
        raise
    except Exception as error:  # anything unpicklable: render as without the cache
        raise Uncacheable(f"cannot serialise the figure: {type(error).__name__}: {error}") from None
    return buffer.getvalue(), pickler.packages


def figure_key(fig, *, request: Mapping | None = None, state: bytes | None = None,
               packages: set[str] | None = None) -> str | None:
    """The cache key of rendering ``fig`` as ``request`` describes, or ``None`` if it is uncacheable.

    Parameters
    ----------
    fig
        The Figure, before it is drawn for export.
    request
        What is rendered and how (formats, metadata, ...): anything with a
        deterministic ``repr``.
    state, packages
        The result of :func:`figure_state` if it was computed already.
    """
    try:
        if state is None:
            state, packages = figure_state(fig)
        fingerprints = sorted(f"{p}:{_package_fingerprint(p)}" for p in packages or ())
    except Uncacheable:
        return None
    from . import style

    h = _blake2b(digest_size=20)
    for part in (f"figure-cache {VERSION}", _environment(), rc_digest(), repr(sorted(style._STATE.items())),
                 repr(sorted((request or {}).items())), "\n".join(fingerprints)):
        h.update(part.encode("utf-8", "surrogatepass") + b"\0")
    h.update(state)
    return h.hexdigest()


# --------------------------------------------------------------------------- the store


class Entry:
    """The cached parts (files, shown images) of one key, in ``<cache>/<key[:2]>/<key>/``."""

    def __init__(self, root: Path, key: str):
        self.key = key
        self.folder = root / key[:2] / key

    def get(self, part: str) -> bytes | None:
        try:
            return (self.folder / part).read_bytes()
        except OSError:
            return None

    def has(self, *parts: str) -> bool:
        return all((self.folder / p).is_file() for p in parts)

    def put(self, part: str, data: bytes) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = self.folder / f".tmp-{os.getpid()}-{part}"
            tmp.write_bytes(data)
            os.replace(tmp, self.folder / part)
        except OSError:  # a read-only or full cache never fails a figure
            pass

    def touch(self) -> None:
        try:
            os.utime(self.folder)
        except OSError:
            pass


def load(key: str, parts: tuple[str, ...]) -> dict[str, bytes] | None:
    """The cached bytes of every part, or ``None`` if any is missing (or the cache is off)."""
    root = cache_dir()
    if root is None:
        return None
    entry = Entry(root, key)
    out = {}
    for part in parts:
        data = entry.get(part)
        if data is None:
            return None
        out[part] = data
    entry.touch()
    return out


def store(key: str, parts: Mapping[str, bytes]) -> None:
    """Keep the parts under ``key`` and trim the cache to its size bound."""
    root = cache_dir()
    if root is None:
        return
    entry = Entry(root, key)
    for part, data in parts.items():
        entry.put(part, data)
    entry.touch()
    _trim(root)


def size(root: Path | None = None) -> tuple[int, int]:
    """(entries, bytes) in the cache."""
    root = root if root is not None else cache_dir()
    entries, total = 0, 0
    for folder in _entries(root):
        entries += 1
        total += sum(f.stat().st_size for f in folder.iterdir() if f.is_file())
    return entries, total


def _entries(root: Path | None):
    if root is None or not root.is_dir():
        return []
    return [e for d in root.iterdir() if d.is_dir() and len(d.name) == 2 for e in d.iterdir() if e.is_dir()]


def _limit() -> int:
    try:
        return int(float(os.environ.get(ENV_MB, DEFAULT_MB)) * 1_000_000)
    except ValueError:
        return DEFAULT_MB * 1_000_000


def _trim(root: Path) -> None:
    """Drop the least recently used entries until the cache is under 80 % of its bound (if it is over it)."""
    try:
        sized = []
        for folder in _entries(root):
            st = folder.stat()
            sized.append((st.st_mtime_ns, folder, sum(f.stat().st_size for f in folder.iterdir() if f.is_file())))
        total, limit = sum(s for _, _, s in sized), _limit()
        if total <= limit:
            return
        for _, folder, s in sorted(sized, key=lambda t: t[0]):
            shutil.rmtree(folder, ignore_errors=True)
            total -= s
            if total <= 0.8 * limit:
                break
    except OSError:  # another process trimming at the same time
        pass


def clear() -> int:
    """Empty the figure cache; returns the number of figures removed."""
    root = cache_dir()
    n = len(_entries(root))
    if root is not None and root.is_dir():
        shutil.rmtree(root, ignore_errors=True)
    return n


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m analysis.plot.figure_cache",
                                     description="The cache of rendered figures used by plot.save_figure.")
    parser.add_argument("command", choices=("info", "clear"))
    args = parser.parse_args(argv)
    root = cache_dir()
    if root is None:
        print(f"the figure cache is switched off ({ENV}={os.environ.get(ENV)!r})")
        return 0
    if args.command == "clear":
        print(f"removed {clear()} figure(s) from {root}")
    else:
        n, total = size(root)
        print(f"{root}: {n} figure(s), {total / 1e6:.1f} MB (bound {_limit() / 1e6:.0f} MB, {ENV_MB})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
