"""A persistent on-disk Oxigraph store, built once from the files and reopened while they
have not changed: the one parse of the data that the CLI and every server worker share.

The store holds the dataset layout of :mod:`citynet.graph.dataset` (a named graph per file,
all triples also in the default graph). It lives in ``CACHE/<key>``, where the key is a
SHA-256 over the layout, the pyoxigraph version and every file's name and bytes. A build
goes to a temporary sibling folder and is renamed into place when complete, so a crash never
leaves a half-built store that would later be reopened as if whole.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO, cast

import pyoxigraph

from citynet.errors import InputError
from citynet.graph.dataset import load_dataset
from citynet.graph.files import RDF_SUFFIXES, describe_oxigraph_error
from citynet.graph.progress import Progress

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
    target = (cache_dir or default_cache_dir()) / content_key(files)
    if not (target / _COMPLETE_MARK).is_file():
        build_store(files, target)
    return target


def open_store(files: Sequence[Path], cache_dir: Path | None = None) -> pyoxigraph.Store:
    """A read-only store holding ``files``: reopened if built before, else built now."""
    return pyoxigraph.Store.read_only(str(store_path(files, cache_dir)))


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
    except SyntaxError as error:
        message, line, column = describe_oxigraph_error(str(error))
        raise InputError(f"{fmt.name} syntax error: {message}", path=path, line=line, column=column) from None


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
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
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
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
