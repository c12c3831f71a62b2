"""A cache of derived tables, keyed by what they were computed from.

Two levels, both under one folder (:func:`cache_root`: ``--cache-dir``, else
``$XDG_CACHE_HOME/media-analysis``, else ``~/.cache/media-analysis``):

``runs/<key>/``
    The finished output files of one ``python -m analysis run``. The key is a
    hash of the input's *content* (not its name or date), the column mapping and
    the version of every stage (below). A warm re-run finds the folder, copies
    the files into ``--out`` (nothing at all if they are still there as placed) and is done: it imports neither pandas nor
    any analysis code, so it costs little more than starting Python.
``chunks/<stage>/<version>/<chunk key>.parquet``
    The rows of one stage (sentences, sentiment, frames, term counts) for one
    chunk of articles. The chunk key is a hash of the chunk's articles (id,
    outlet, parts and text); chunk boundaries are chosen by the article hashes
    themselves (content-defined chunking), so editing, adding or removing one
    article changes only the chunk it falls in. A stage's version is a hash of
    the source files and data files it runs on (e.g. the codebook YAML for
    frames) and of the versions of the stages it reads, so a changed codebook
    re-codes frames but reuses sentences, sentiment and term counts.

Content hashes of input files are remembered by path, size, modification time
and inode (as ``git`` and ``make`` do), so a warm run does not re-read a large
corpus; a file modified within two seconds of being hashed is always re-hashed.

This module imports only the standard library at import time (pandas and
pyarrow are imported inside the functions that read or write tables).
"""
from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "FORMAT",
    "cache_root",
    "file_digest",
    "input_digest",
    "text_digest",
    "sources_digest",
    "json_snapshot",
    "Cache",
    "stage_versions",
    "run_key",
]

#: Bumped when the layout of cached files changes; part of every key.
FORMAT = "1"
_PACKAGE = Path(__file__).resolve().parent
_RACY_NS = 2_000_000_000  # a file modified this close to its hashing is never trusted by stat


def cache_root(cache_dir: str | os.PathLike | None = None) -> Path:
    """The cache folder: ``cache_dir``, else ``$XDG_CACHE_HOME/media-analysis``, else ``~/.cache/media-analysis``."""
    if cache_dir:
        return Path(cache_dir).expanduser().resolve()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return (Path(base) / "media-analysis").resolve()


try:  # the built-in BLAKE2 module loads faster than hashlib (which loads OpenSSL)
    from _blake2 import blake2b as _blake2b
except ImportError:  # pragma: no cover - other Python builds
    from hashlib import blake2b as _blake2b


def text_digest(*values: str | bytes) -> str:
    """A short hex digest of the values (each length-prefixed, so ``("ab", "c") != ("a", "bc")``)."""
    h = _blake2b(digest_size=16)
    for v in values:
        data = v if isinstance(v, bytes) else str(v).encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def _hash_file(path: Path) -> str:
    """BLAKE2b (256 bit) of a file's bytes, read in 1 MiB blocks."""
    h = _blake2b(digest_size=32)
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


class _StatMemo:
    """Remembered content hashes, keyed by path and checked against size, mtime and inode."""

    def __init__(self, root: Path | None):
        self.file = root / "inputs.json" if root is not None else None
        self.data: dict = {}
        self.dirty = False
        if self.file is not None and self.file.is_file():
            try:
                self.data = json.loads(self.file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self.data = {}

    def digest(self, path: Path) -> str:
        st = path.stat()
        key = str(path.resolve())
        sig = [st.st_size, st.st_mtime_ns, st.st_ino]
        entry = self.data.get(key)
        if entry and entry.get("sig") == sig and entry.get("hashed_ns", 0) - st.st_mtime_ns > _RACY_NS:
            return entry["blake2b"]
        hashed_ns = time.time_ns()
        value = _hash_file(path)
        self.data[key] = {"sig": sig, "blake2b": value, "hashed_ns": hashed_ns}
        self.dirty = True
        return value

    def save(self) -> None:
        if self.file is None or not self.dirty:
            return
        if len(self.data) > 10_000:  # keep the memo small: drop the oldest entries
            items = sorted(self.data.items(), key=lambda kv: kv[1].get("hashed_ns", 0))[-5_000:]
            self.data = dict(items)
        _write_atomic(self.file, json.dumps(self.data).encode("utf-8"))
        self.dirty = False


def file_digest(path: str | os.PathLike, *, root: Path | None = None) -> str:
    """BLAKE2b hash of a file's bytes (remembered under ``root`` by path, size, mtime and inode)."""
    memo = _StatMemo(root)
    value = memo.digest(Path(path))
    memo.save()
    return value


def input_digest(path: str | os.PathLike, *, root: Path | None = None) -> str:
    """Content hash of a corpus: one file's bytes, or every file of a folder with its relative name.

    Hidden files are ignored, as :func:`analysis.corpus.load` ignores them.
    """
    path = Path(path).expanduser()
    memo = _StatMemo(root)
    try:
        if path.is_dir():
            h = _blake2b(digest_size=32)
            for p in sorted(path.rglob("*")):
                rel = p.relative_to(path)
                if p.is_file() and not any(part.startswith(".") for part in rel.parts):
                    h.update(f"{rel.as_posix()}\0{memo.digest(p)}\n".encode("utf-8"))
            return "dir-" + h.hexdigest()
        return memo.digest(path)
    finally:
        memo.save()


def sources_digest(patterns: Iterable[str], *, extra: Iterable[str | os.PathLike] = (), base: Path = _PACKAGE) -> str:
    """Hash of the package files matching ``patterns`` (globs relative to the package) and of ``extra`` files.

    This is the "version" of a method: any edit to its code or data changes it.
    Missing patterns contribute their name only (so adding the module later
    changes the version).
    """
    h = _blake2b(digest_size=32)
    files: list[Path] = []
    for pattern in patterns:
        found = sorted(p for p in base.glob(pattern) if p.is_file() and "__pycache__" not in p.parts)
        h.update(f"pattern:{pattern}:{len(found)}\n".encode())
        files.extend(found)
    for p in extra:
        p = Path(p)
        files.append(p)
    for p in files:
        try:
            rel = p.relative_to(base).as_posix()
        except ValueError:
            rel = str(p)
        h.update(f"{rel}\0".encode("utf-8"))
        try:
            h.update(p.read_bytes())
        except OSError:
            h.update(b"<missing>")
    return h.hexdigest()[:20]


def _write_atomic(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".tmp-{os.getpid()}-{target.name}")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def json_snapshot(
    folder: Path | None,
    name: str,
    *,
    sources: Iterable[str | os.PathLike],
    version: str,
    build: Callable[[], Any],
    encode: Callable[[Any], Any],
    restore: Callable[[Any], Any],
) -> tuple[Any, str]:
    """Data derived from installed data files, kept as JSON so later processes skip deriving it.

    The file is ``folder/<name>-<digest>.json``, the digest taken over ``version``
    and the bytes of every ``sources`` file, so a changed data file or a new
    ``version`` (bump it when ``build``/``encode`` change) gives a new file.
    No pickle: a damaged or foreign file can only fail to decode, which counts
    as a miss (the data are built and the file written again).

    Parameters
    ----------
    folder
        The cache folder; ``None`` turns the snapshot off (always ``build``).
    build
        Derives the data from the sources (the slow way); its result is returned.
    encode
        Turns ``build``'s result into JSON-ready data.
    restore
        Turns decoded JSON data into the result ``build`` would give; raises
        ``ValueError``, ``KeyError``, ``TypeError`` or ``IndexError`` for data it
        cannot use.

    Returns
    -------
    tuple
        The result and how it was obtained: ``"snapshot"`` or ``"built"``.
    """
    path = None
    if folder is not None:
        h = _blake2b(digest_size=12)
        h.update(version.encode("utf-8"))
        try:
            for source in sources:
                data = Path(source).read_bytes()
                h.update(len(data).to_bytes(8, "little"))
                h.update(data)
            path = Path(folder) / f"{name}-{h.hexdigest()}.json"
        except OSError:
            path = None  # a source file missing: nothing to key a snapshot by
    if path is not None and path.is_file():
        try:
            return restore(json.loads(path.read_text(encoding="utf-8"))), "snapshot"
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            pass  # damaged: built and written again below
    value = build()
    if path is not None:
        try:
            _write_atomic(path, json.dumps(encode(value), ensure_ascii=False).encode("utf-8"))
        except OSError:  # a read-only cache folder: built in every process
            pass
    return value, "built"


def _stamp(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def place(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` atomically (never a link: an edited output must not change the cache)."""
    import shutil

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".tmp-{os.getpid()}-{target.name}")
    shutil.copyfile(source, tmp)
    os.replace(tmp, target)


MARKER = ".media-analysis.json"


def read_marker(out: Path) -> dict:
    """What the last run placed in an output folder (key and file stamps), or ``{}``."""
    try:
        return json.loads((Path(out) / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_marker(out: Path, key: str | None, names: Iterable[str]) -> None:
    """Record the run key and the current stamps of the output files."""
    out = Path(out)
    stamps = {}
    for name in names:
        with_stamp = out / name
        if with_stamp.is_file():
            stamps[name] = _stamp(with_stamp)
    _write_atomic(out / MARKER, json.dumps({"key": key, "files": stamps}).encode("utf-8"))


class Cache:
    """The cache folder, or a disabled cache that stores nothing (``enabled=False``).

    Parameters
    ----------
    root
        The cache folder (see :func:`cache_root`).
    enabled
        ``False`` for ``--no-cache``: every lookup misses and nothing is written.
    """

    def __init__(self, root: str | os.PathLike | None = None, *, enabled: bool = True):
        self.root = cache_root(root)
        self.enabled = enabled

    # ----------------------------------------------------------------- inputs and keys
    def input_digest(self, path: str | os.PathLike) -> str:
        """Content hash of the corpus at ``path`` (remembered in the cache folder when enabled)."""
        return input_digest(path, root=self.root if self.enabled else None)

    # ----------------------------------------------------------------- level 1: finished runs
    def run_dir(self, key: str) -> Path:
        return self.root / "runs" / key

    def get_run(self, key: str) -> dict | None:
        """The manifest of a finished run, or ``None`` if it is missing or any file changed since."""
        if not self.enabled:
            return None
        folder = self.run_dir(key)
        try:
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        for name, stamp in manifest.get("files", {}).items():
            try:
                if _stamp(folder / name) != stamp:
                    return None  # modified behind our back: recompute
            except OSError:
                return None
        return manifest

    def put_run(self, key: str, files: Mapping[str, Path], info: Mapping) -> None:
        """Store copies of the output files of a finished run, with a manifest."""
        if not self.enabled:
            return
        import shutil

        folder = self.run_dir(key)
        tmp = folder.with_name(f".tmp-{os.getpid()}-{key}")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        stamps = {}
        for name, path in files.items():
            place(Path(path), tmp / name)
            stamps[name] = _stamp(tmp / name)
        manifest = dict(info, files=stamps, key=key, format=FORMAT)
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)

    def restore_run(self, key: str, manifest: Mapping, out: Path) -> list[str]:
        """Copy a cached run's files into ``out``; returns the names of the files that were copied.

        Files are copied, not linked, so editing an output in place can never
        change the cache or another output folder. ``out/.media-analysis.json``
        records what was placed; files still as placed are not copied again.
        """
        folder = self.run_dir(key)
        out.mkdir(parents=True, exist_ok=True)
        placed_before = read_marker(out)
        placed = []
        for name in manifest["files"]:
            target = out / name
            try:
                unchanged = placed_before.get("key") == key and placed_before["files"].get(name) == _stamp(target)
            except (OSError, KeyError, AttributeError):
                unchanged = False
            if not unchanged:
                place(folder / name, target)
                placed.append(name)
        if placed:
            write_marker(out, key, manifest["files"])
        return placed

    # ----------------------------------------------------------------- level 2: chunks of a stage
    def chunk_path(self, stage: str, version: str, chunk_key: str) -> Path:
        return self.root / "chunks" / stage / version / f"{chunk_key}.parquet"

    def read_chunk(self, stage: str, version: str, chunk_key: str):
        """The cached table of one stage for one chunk, or ``None``."""
        if not self.enabled:
            return None
        path = self.chunk_path(stage, version, chunk_key)
        if not path.is_file():
            return None
        import pyarrow.parquet as pq

        try:
            return pq.read_table(path).to_pandas()
        except Exception:  # noqa: BLE001 - a damaged cache file is a miss, never an error
            return None

    def write_chunk(self, stage: str, version: str, chunk_key: str, table):
        """Store one stage's table for one chunk (a pandas DataFrame).

        Returns the Arrow table written (``pa.Table.from_pandas`` without the index,
        with pandas metadata), so a caller that needs the table in Arrow form does not
        convert it again; ``None`` when the cache is off.
        """
        if not self.enabled:
            return None
        import pyarrow as pa
        import pyarrow.parquet as pq

        path = self.chunk_path(stage, version, chunk_key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
        arrow = pa.Table.from_pandas(table, preserve_index=False)
        pq.write_table(arrow, tmp, compression="zstd")
        os.replace(tmp, path)
        return arrow

    def size(self) -> int:
        """Bytes used by the cache folder."""
        return sum(p.stat().st_size for p in self.root.rglob("*") if p.is_file()) if self.root.is_dir() else 0

    def clear(self) -> None:
        """Remove everything in the cache folder."""
        import shutil

        shutil.rmtree(self.root, ignore_errors=True)


# --------------------------------------------------------------------------- versions and keys

#: The framing codebook the pipeline uses unless told otherwise.
DEFAULT_CODEBOOK = "tech-partnership"


def _codebook_file(codebook: str | os.PathLike) -> Path:
    p = Path(codebook).expanduser()
    if p.suffix.lower() in {".yaml", ".yml"} or p.is_file():
        return p.resolve()
    return _PACKAGE / "codebooks" / f"{codebook}.yaml"


def stage_versions(
    *,
    codebook: str | os.PathLike = DEFAULT_CODEBOOK,
    sentiment_method: str | None = None,
    by: str = "outlet",
    measure: str = "g2",
    mapping: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The version of every stage: a hash of its code, data and options, and of the stages it reads.

    Needs no pandas: it hashes files. A change to the codebook file changes only
    ``frames`` (and the run key); a change to the segmenter changes everything
    downstream of ``sentences``.
    """
    d = sources_digest
    load_v = d(["corpus.py", "cleaning.py"]) + text_digest(json.dumps(sorted((mapping or {}).items())))
    sent_v = text_digest(load_v, d(["segment.py"]))
    tok_v = text_digest(sent_v, d(["tokens.py"]))
    senti_v = text_digest(sent_v, d(["sentiment/**/*.py", "sentiment.py", "data/sentiment/**/*", "tokens.py"]),
                                    str(sentiment_method))
    frames_v = text_digest(sent_v, d(["framing.py", "codebook.py", "tokens.py"], extra=[_codebook_file(codebook)]),
                                     str(codebook))
    counts_v = text_digest(tok_v, by, "counts-1", d(["pipeline.py"]))
    key_v = text_digest(counts_v, d(["keyness.py", "terms.py", "data/terms/**/*"]), measure)
    return {"load": load_v, "sentences": sent_v, "tokens": tok_v, "sentiment": senti_v, "frames": frames_v,
            "counts": counts_v, "keyness": key_v}


def run_key(input_digest: str, *, versions: Mapping[str, str], mapping: Mapping[str, str], options: Mapping) -> str:
    """The finished-run cache key: input content, column mapping, stage versions and options."""
    return text_digest(
        FORMAT, input_digest, json.dumps(sorted(mapping.items())), json.dumps(sorted(versions.items())),
        json.dumps(sorted((k, str(v)) for k, v in options.items())),
    )
