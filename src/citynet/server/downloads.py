"""The files ``citynet publish`` writes for machines, at the same paths: the downloads the catalog
names (``/download/citynet.ttl`` …) and the catalog and VoID as files (``/catalog.ttl`` …).

A download is byte for byte the file ``publish`` writes (both come from
:func:`citynet.publish.downloads.write_download`), so the catalog's size and checksum hold for
it. The server makes them once for a graph, when the first one (or the catalog) is asked for,
and keeps them on disk in the cache folder (``$CITYNET_CACHE_DIR/downloads/…``, keyed by the
graph's files and by the code that writes exports): a restart reuses them. A download is
written to its file as it is made (counted and hashed on the way, then renamed into place) and
streamed from that file, so neither making nor serving one holds it in memory. Its ETag is the
catalog's checksum.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

import citynet
from citynet import resources
from citynet.formats import TRIG
from citynet.graph.knowledge_graph import KnowledgeGraph, held_on_disk_by_default
from citynet.graph.persistent import content_key, default_cache_dir
from citynet.output import atomic_file, atomic_write
from citynet.publish.catalog import catalog_document
from citynet.publish.downloads import Download, description_files, download_path, write_download
from citynet.publish.exports import MEDIA_TYPES, SUFFIXES
from citynet.publish.publication import PublicationConfig, load_config
from citynet.publish.versions import copy_file, release_dump_files
from citynet.server.conditional import answer, answer_file
from citynet.server.responses import error
from citynet.server.state import ServerState
from citynet.streams import Tally

_MANIFEST = "manifest.json"  # written last: a folder without it is incomplete
_lock = threading.Lock()  # one export at a time, however many first requests arrive together


@dataclass(frozen=True)
class StoredDownload:
    download: Download
    file: Path


def cache_folder(graph: KnowledgeGraph) -> Path:
    return default_cache_dir() / "downloads" / f"{_code_key()}-{content_key(graph.files)}"


@cache
def _code_key() -> str:
    """A hash of what the export bytes depend on besides the data: citynet's code, its stored
    queries (the CSV and GeoJSON views) and its JSON-LD context. A changed exporter, even
    without a new version number, makes its downloads anew."""
    package = Path(citynet.__file__).resolve().parent
    files = sorted([*package.rglob("*.py"), *resources.queries_dir().rglob("*.rq"),
                    resources.resource_root() / "ontology" / "context.jsonld"])
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\n" + path.read_bytes() + b"\n")
    return digest.hexdigest()[:16]


def stored_downloads(state: ServerState) -> dict[str, StoredDownload]:
    """Every download by its path below the base URL (``download/citynet.ttl``), made now if
    this graph's have not been made before. Blocking: call it from a thread."""
    with _lock:
        return state.remember("downloads", lambda: _prepare(_as_publish_holds_it(state.graph), load_config()))


def _as_publish_holds_it(graph: KnowledgeGraph) -> KnowledgeGraph:
    """The graph held as ``citynet publish`` holds it for the same files. The order of an
    export's statements, and so its bytes, follow how the store is held (the on-disk store
    reads its index in order, the in-memory one its own way), and the catalog's checksums
    are those of publish's files: data small enough for publish to hold in memory is read
    again into memory here; larger data publish holds on disk, in this very store."""
    if not graph.files or not graph.persistent or held_on_disk_by_default(graph.files):
        return graph
    return KnowledgeGraph(graph.data_files, persistent=False, ontology=graph.ontology_file is not None)


def catalog_files(state: ServerState) -> dict[str, Download]:
    """The downloads by export format, as the catalog describes them."""
    return {stored.download.fmt: stored.download for stored in stored_downloads(state).values()}


def _prepare(graph: KnowledgeGraph, config: PublicationConfig) -> dict[str, StoredDownload]:
    folder = cache_folder(graph)
    manifest = folder / _MANIFEST
    made: dict[str, Download] = {}
    if manifest.is_file():
        for fmt, known in json.loads(manifest.read_text(encoding="utf-8")).items():
            # The path and URL follow the config of today; the bytes, the graph and the code (the key).
            path = download_path(config, fmt)
            made[fmt] = Download(fmt=fmt, path=path, url=config.url(path), size=known["size"], sha256=known["sha256"])
    if set(made) != set(MEDIA_TYPES) or not all(_intact(folder, d) for d in made.values()):
        folder.mkdir(parents=True, exist_ok=True)
        made = {}
        for fmt in MEDIA_TYPES:  # each written to its file as it is made, and hashed on the way
            with atomic_file(_file(folder, fmt)) as stream:
                made[fmt] = write_download(graph, config, fmt, stream)
        atomic_write(manifest, json.dumps({fmt: {"size": d.size, "sha256": d.sha256} for fmt, d in made.items()},
                                          indent=1) + "\n")
    return {d.path: StoredDownload(d, _file(folder, fmt)) for fmt, d in made.items()}


def _file(folder: Path, fmt: str) -> Path:
    return folder / f"{fmt}{SUFFIXES[fmt]}"


def _intact(folder: Path, download: Download) -> bool:
    """The file is there, as long as the manifest says (a full check would read every byte)."""
    file = _file(folder, download.fmt)
    return file.is_file() and file.stat().st_size == download.size


async def published_file(request: Request) -> Response:
    """Any other path: a download or a description file, if the catalog names one there; else 404."""
    state: ServerState = request.app.state.citynet
    path = request.path_params["path"]
    try:
        config = load_config()
    except Exception as failure:  # a missing or broken publication config
        return error(request, 503, f"the publication config cannot be read: {failure}", log_note="config-failed")
    descriptions = description_files(config)
    if path in descriptions:
        what, fmt = descriptions[path]

        def build() -> bytes:
            files = catalog_files(state) if what == "dcat" else None
            return state.remember(("description file", path),
                                  lambda: catalog_document(state.graph, fmt, what, config, files).encode("utf-8"))

        body = await run_in_threadpool(build)
        return answer(request, body, state.last_modified, media_type=_content_type(fmt))
    if path.startswith(config.paths.downloads):
        stored = (await run_in_threadpool(stored_downloads, state)).get(path)
        if stored is not None:
            return answer_file(request, stored.file, stored.download.sha256, state.last_modified,
                               media_type=_content_type(stored.download.fmt))
        dump = (await run_in_threadpool(release_dumps, state, config)).get(path)
        if dump is not None:
            return answer_file(request, dump.file, dump.download.sha256, state.last_modified,
                               media_type=_content_type(TRIG.name))
    return error(request, 404, f"nothing is published at /{path}", log_note="not-found")


def release_dumps(state: ServerState, config: PublicationConfig) -> dict[str, StoredDownload]:
    """The dumps of the releases before the graph's (``download/citynet-0.1.0.trig`` …), which
    the catalog names as the distributions of those versions: served from the files
    ``citynet release`` wrote. Blocking."""
    def find() -> dict[str, StoredDownload]:
        found = {}
        for path, file in release_dump_files(state.graph, config).items():
            tally = Tally(None, hashing=True)
            copy_file(file, tally)  # hashed in blocks, never read whole
            download = Download(fmt=TRIG.name, path=path, url=config.url(path), size=tally.size,
                                sha256=tally.hexdigest())
            found[path] = StoredDownload(download, file)
        return found
    return state.remember("release dumps", find)


def _content_type(fmt: str) -> str:
    return MEDIA_TYPES[fmt] + "; charset=utf-8"  # every export is UTF-8 text

