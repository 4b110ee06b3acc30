"""A persistent on-disk Oxigraph store, built once from the files and reopened while they
have not changed: the one parse of the data that the CLI and every server worker share.

The store holds the dataset layout of :mod:`citynet.graph.dataset` (a named graph per file,
all triples also in the default graph). It lives in ``CACHE/<key>``, where the key is a
SHA-256 over the layout, the pyoxigraph version and every file's name and bytes. A build
goes to a temporary sibling folder and is renamed into place when complete, so a crash never
leaves a half-built store that would later be reopened as if whole; the next run removes the
staging folder a killed build left (its name says which process made it).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO, cast

import pyoxigraph

from citynet.errors import InputError
from citynet.graph.dataset import load_dataset
from citynet.graph.files import RDF_SUFFIXES, parse_error
from citynet.graph.progress import Progress
from citynet.leftovers import create_file, create_folder, sweep

_CHUNK = 1 << 20
_COMPLETE_MARK = "citynet-store-complete"
_LAYOUT = "dataset layout 1: a named graph per file, all triples in the default graph"


def default_cache_dir() -> Path:
    """``$CITYNET_CACHE_DIR``, else ``$XDG_CACHE_HOME/citynet``, else ``~/.cache/citynet``."""
    if os.environ.get("CITYNET_CACHE_DIR"):
        return Path(os.environ["CITYNET_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "citynet"


def content_key(files: Sequence[Path]) -> str:
    digest = hashlib.sha256(f"{_LAYOUT}\npyoxigraph {pyoxigraph.__version__}\n".encode())
    for path in files:
        digest.update(f"{path.name}\n".encode())
        with path.open("rb") as stream:
            while chunk := stream.read(_CHUNK):
                digest.update(chunk)
        digest.update(b"\n")
    return digest.hexdigest()[:32]


def store_path(files: Sequence[Path], cache_dir: Path | None = None) -> Path:
    """The folder of the store holding ``files``, built now unless it was before."""
    cache = cache_dir or default_cache_dir()
    target = cache / content_key(files)
    sweep(cache, ".", "")  # the staging folders of builds that were killed
    if not (target / _COMPLETE_MARK).is_file():
        build_store(files, target)
    return target


def open_store(files: Sequence[Path], cache_dir: Path | None = None) -> pyoxigraph.Store:
    """A read-only store holding ``files``: reopened if built before, else built now."""
    return pyoxigraph.Store.read_only(str(store_path(files, cache_dir)))


def snapshot_path(store: Path) -> Path:
    """The N-Triples snapshot of the store's default graph, beside the store."""
    return store.with_name(f"{store.name}.nt")


def load_into_memory(files: Sequence[Path], cache_dir: Path | None = None) -> pyoxigraph.Store:
    """An in-memory store holding ``files``: the default graph of their on-disk store, read
    from its N-Triples snapshot (written the first time, beside the store).

    Of the ways measured (``benchmarks/holding.py``) a bulk load from a file is the fastest:
    copying the on-disk store quad by quad takes more than twice as long. The snapshot came
    from Oxigraph's writer, so the loader skips its checks."""
    store = store_path(files, cache_dir)
    snapshot = snapshot_path(store)
    if not snapshot.is_file():
        write_snapshot(pyoxigraph.Store.read_only(str(store)), snapshot)
    memory = pyoxigraph.Store()
    memory.bulk_load(path=str(snapshot), format=pyoxigraph.RdfFormat.N_TRIPLES, lenient=True)
    return memory


def write_snapshot(disk: pyoxigraph.Store, target: Path) -> None:
    """Write the default graph of ``disk`` to ``target`` in N-Triples: to a staging file named
    for this process, renamed into place when complete (a later run sweeps one a crash left)."""
    try:
        descriptor, staging = create_file(target.parent, f".{target.name}.")
        os.close(descriptor)
        try:
            disk.dump(str(staging), pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
            staging.replace(target)
        finally:
            staging.unlink(missing_ok=True)
    except OSError as error:
        raise _cache_error(target.parent, error) from None


def _bulk_load(store: pyoxigraph.Store, path: Path, graph: pyoxigraph.NamedNode, bar: Progress) -> None:
    fmt = RDF_SUFFIXES.get(path.suffix, pyoxigraph.RdfFormat.TURTLE)
    base = path.resolve().as_uri()
    try:
        if not bar.enabled:
            store.bulk_load(path=str(path), format=fmt, base_iri=base, to_graph=graph)
            return
        with path.open("rb") as stream:
            reader = cast(BinaryIO, _CountingReader(stream, bar))  # read() is all the parser calls
            store.bulk_load(input=reader, format=fmt, base_iri=base, to_graph=graph)
    except (SyntaxError, MemoryError) as error:
        raise parse_error(error, path, fmt) from None


class _CountingReader:
    """A binary stream that moves a progress bar by the bytes the parser reads."""

    def __init__(self, stream: BinaryIO, bar: Progress) -> None:
        self._stream = stream
        self._bar = bar

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self._bar.advance(len(data))
        return data


def build_store(files: Sequence[Path], target: Path) -> None:
    """Build the store of ``files`` at ``target``: in a staging folder named for this process
    (``.<key>.<owner tag>``, see :mod:`citynet.leftovers`), renamed into place when complete."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = create_folder(target.parent, f".{target.name}.")
    except OSError as error:
        raise _cache_error(target.parent, error) from None
    try:
        store = pyoxigraph.Store(str(staging))
        with Progress(sum(p.stat().st_size for p in files), "building the store", unit="bytes") as bar:
            load_dataset(store, files, lambda into, path, graph: _bulk_load(into, path, graph, bar))
        store.optimize()
        store.flush()
        del store
        (staging / _COMPLETE_MARK).write_text("complete\n")
        if target.exists() and not (target / _COMPLETE_MARK).is_file():
            shutil.rmtree(target)  # an incomplete build left by a crash
        try:
            staging.rename(target)
        except OSError:
            if not (target / _COMPLETE_MARK).is_file():
                raise
            # Another process finished the same build first: use theirs.
    except OSError as error:
        raise _cache_error(target.parent, error) from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _cache_error(cache: Path, error: OSError) -> InputError:
    reason = error.strerror or str(error)  # RocksDB's errors have no errno: "IO error: … No space left …"
    return InputError(f"cannot build the graph's on-disk store in the cache folder: {reason}", path=cache,
                      hint="free some space there, or set CITYNET_CACHE_DIR to a folder you can write to")
