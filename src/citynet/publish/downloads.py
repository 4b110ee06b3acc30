"""The download files the catalog describes: each export's bytes, where they are published,
and their size and SHA-256 checksum.

The size and checksum are those of the bytes ``citynet export -o`` and ``citynet publish``
write (:func:`citynet.publish.exports.write_export`), so a harvester that compares them with the file
it fetched, or with what it fetched last time, finds them equal while the data is unchanged. They
are counted and hashed while the export is written: no download is held whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from citynet.formats import EXPORT_FORMATS, by_name
from citynet.graph.knowledge_graph import KnowledgeGraph
from citynet.publish.exports import write_export
from citynet.publish.publication import PublicationConfig
from citynet.streams import SupportsWrite, Tally

if TYPE_CHECKING:  # catalog.py imports this module
    from citynet.publish.catalog import What


@dataclass(frozen=True)
class Download:
    """One download file: its export format, its path below the base URL, its URL, size and checksum."""

    fmt: str
    path: str
    """Below the base URL, as the site holds it: ``download/citynet.ttl``."""
    url: str
    size: int
    """In bytes (``dcat:byteSize``)."""
    sha256: str
    """Lower-case hexadecimal (``spdx:checksumValue``)."""


def download_path(config: PublicationConfig, fmt: str) -> str:
    return f"{config.paths.downloads}{config.paths.file_stem}.{by_name(fmt, EXPORT_FORMATS).suffix}"


def write_download(graph: KnowledgeGraph, config: PublicationConfig, fmt: str,
                   stream: SupportsWrite | None) -> Download:
    """The download of ``fmt`` written to ``stream`` (or only counted and hashed, with
    ``None``), and its description: size and checksum of the bytes written."""
    tally = Tally(stream, hashing=True)
    write_export(graph, fmt, tally)
    path = download_path(config, fmt)
    return Download(fmt=fmt, path=path, url=config.url(path), size=tally.size, sha256=tally.hexdigest())


#: The dataset's descriptions published as files beside the downloads, in these formats: the DCAT
#: catalog at ``{paths.catalog}.ttl`` (``.rdf``, ``.jsonld``), the VoID at ``void.ttl`` (``.jsonld``).
DESCRIPTION_FORMATS: dict[What, tuple[str, ...]] = {"dcat": ("turtle", "rdfxml", "jsonld"),
                                                   "void": ("turtle", "jsonld")}


def description_files(config: PublicationConfig) -> dict[str, tuple[What, str]]:
    """Each description file's path below the base URL, and what it holds (``dcat`` or
    ``void``) in which format: ``{"catalog.ttl": ("dcat", "turtle"), …}``."""
    stems: dict[What, str] = {"dcat": config.paths.catalog, "void": "void"}
    return {f"{stems[what]}.{by_name(fmt, EXPORT_FORMATS).suffix}": (what, fmt)
            for what, formats in DESCRIPTION_FORMATS.items() for fmt in formats}


def downloads(graph: KnowledgeGraph, config: PublicationConfig) -> dict[str, Download]:
    """Every download's description by export format: each export is made and hashed as it
    streams past, one after another, and kept nowhere."""
    return {fmt.name: write_download(graph, config, fmt.name, None) for fmt in EXPORT_FORMATS}
