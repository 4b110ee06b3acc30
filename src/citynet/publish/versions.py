"""Which release of the data a graph is, for the catalog, VoID and the site: the version,
its notes, the date its data last changed, and the releases before it (DCAT 3 versioning:
``dcat:version``, ``adms:versionNotes``, ``dcat:previousVersion``, ``dcat:hasVersion``).

A graph that is no recorded release (data changed since, or data of one's own) has no version:
its description says nothing about versions rather than something untrue.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import BinaryIO

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import XSD

from citynet import resources
from citynet.curate.releases import Release, ReleaseHistory, version_iri
from citynet.graph.knowledge_graph import KnowledgeGraph
from citynet.publish.publication import PublicationConfig
from citynet.streams import SupportsWrite

ADMS = Namespace("http://www.w3.org/ns/adms#")
DCAT3 = Namespace("http://www.w3.org/ns/dcat#")
"""DCAT 3's terms as plain IRIs: rdflib's DCAT namespace predates dcat:version and warns on it."""


@dataclass(frozen=True)
class Versioning:
    release: Release
    earlier: list[Release]
    """The releases before it, newest first, back to the first."""
    folder: Path
    """The repository (or installed resources) holding the dumps."""

    @property
    def modified(self) -> Literal:
        return Literal(self.release.modified, datatype=XSD.date)


def versioning_of(graph: KnowledgeGraph, history: ReleaseHistory | None = None,
                  folder: Path | None = None) -> Versioning | None:
    folder = folder if folder is not None else resources.resource_root()
    history = history if history is not None else ReleaseHistory.load(folder)
    if not history.releases:
        return None
    release = history.release_of(graph)
    if release is None:
        return None
    return Versioning(release, history.chain(release)[1:], folder)


def add_version(out: Graph, subject: URIRef, release: Release, config: PublicationConfig) -> None:
    out.add((subject, DCAT3.version, Literal(release.version)))
    out.add((subject, ADMS.versionNotes, Literal(release.notes, lang="en")))
    if release.previous:
        out.add((subject, DCAT3.previousVersion, URIRef(version_iri(config.dataset_iri, release.previous))))


def dump_path(config: PublicationConfig, version: str) -> str:
    """Below the base URL, where the site publishes a release's dump."""
    return f"{config.paths.downloads}{config.paths.file_stem}-{version}.trig"


def release_dump_files(graph: KnowledgeGraph, config: PublicationConfig,
                       folder: Path | None = None) -> dict[str, Path]:
    """The dumps of the releases before the graph's, by the path below the base URL the catalog
    gives them (``download/citynet-0.1.0.trig``), with the file that holds each. ``folder``:
    the one holding ``releases/``, by default citynet's own."""
    versioning = versioning_of(graph, folder=folder)
    if versioning is None:
        return {}
    return {dump_path(config, release.version): versioning.folder / release.dump for release in versioning.earlier
            if (versioning.folder / release.dump).is_file()}


def release_downloads(graph: KnowledgeGraph,
                      config: PublicationConfig) -> Iterator[tuple[str, Callable[[BinaryIO], None]]]:
    """The dumps of the releases before the graph's, at the addresses the catalog gives them:
    each as a function that copies its file into a stream (see ``site_files``)."""
    for path, file in release_dump_files(graph, config).items():
        yield path, partial(copy_file, file)


def copy_file(file: Path, stream: SupportsWrite) -> None:
    """``file``'s bytes into ``stream``, a block at a time."""
    with file.open("rb") as source:
        shutil.copyfileobj(source, stream)
