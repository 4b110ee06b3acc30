"""The releases recorded in the repository: ``releases/releases.json`` (one record per release,
read by the catalog and VoID) beside each release's dump (``releases/citynet-VERSION.trig``),
and ``CHANGELOG.md`` for people.

A release is identified by what it holds: the SHA-256 of its canonical graph (ontology and
data, blank nodes named by RDFC-1.0), computed from the Oxigraph store that holds it, so that
telling whether a graph is a release needs no rdflib copy of it. The catalog describes the
shipped graph as a release only when the graph is that release's, so data changed since the
last release is never called by its version.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph
from rdflib import Graph

from citynet.errors import InputError
from citynet.graph.knowledge_graph import KnowledgeGraph

RELEASES_FOLDER = "releases"
RELEASES_FILE = "releases.json"
CHANGELOG_FILE = "CHANGELOG.md"
VERSION_PATTERN = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")


@dataclass(frozen=True)
class Release:
    version: str
    modified: str
    """When the released graph last changed (ISO date): the date of the commit that made it so."""
    commit: str | None
    """The commit the release was made from."""
    digest: str
    """``sha256:`` of the canonical N-Triples of the graph (ontology and data)."""
    triples: int
    dump: str
    """The dump, relative to the repository: ``releases/citynet-0.1.0.trig``."""
    notes: str
    """What changed, in one paragraph (``adms:versionNotes``)."""
    previous: str | None

    @property
    def iri(self) -> str:
        """The release as a dataset of its own: the dataset IRI plus ``/VERSION``."""
        from citynet.publish.publication import load_config

        return version_iri(load_config().dataset_iri, self.version)

    @property
    def dump_name(self) -> str:
        return Path(self.dump).name


def version_iri(dataset_iri: str, version: str) -> str:
    return f"{dataset_iri}/{version}"


def version_key(version: str) -> tuple[int, ...]:
    match = VERSION_PATTERN.fullmatch(version)
    if match is None:
        raise InputError(f"{version!r} is not a version number MAJOR.MINOR.PATCH", hint="e.g. 0.2.0")
    return tuple(int(part) for part in match.groups())


@dataclass(frozen=True)
class ReleaseHistory:
    path: Path
    releases: tuple[Release, ...]
    """Oldest first."""

    @classmethod
    def load(cls, repository: Path) -> ReleaseHistory:
        path = repository / RELEASES_FOLDER / RELEASES_FILE
        if not path.is_file():
            return cls(path, ())
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            releases = tuple(Release(**record) for record in document["releases"])
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise InputError(f"cannot read the release records: {error}", path=path,
                             hint="the file is written by `citynet release`; restore it from git") from None
        return cls(path, tuple(sorted(releases, key=lambda r: version_key(r.version))))

    def get(self, version: str) -> Release | None:
        return next((release for release in self.releases if release.version == version), None)

    @property
    def latest(self) -> Release | None:
        return self.releases[-1] if self.releases else None

    def chain(self, release: Release) -> list[Release]:
        """The release and every one before it, newest first (following ``previous``)."""
        found: list[Release] = []
        current: Release | None = release
        while current is not None:
            found.append(current)
            current = self.get(current.previous) if current.previous else None
        return found

    def release_of(self, graph: KnowledgeGraph) -> Release | None:
        """The release whose graph is the one given: its size is compared first, so that
        other data is told apart without canonicalising it."""
        candidates = [release for release in self.releases if release.triples == len(graph)]
        if not candidates:
            return None
        digest = graph_digest(graph)
        return next((release for release in reversed(candidates) if release.digest == digest), None)

    def with_release(self, release: Release) -> ReleaseHistory:
        return ReleaseHistory(self.path, (*self.releases, release))

    def to_json(self) -> str:
        return json.dumps({"releases": [asdict(release) for release in self.releases]},
                          indent=2, ensure_ascii=False) + "\n"


def store_digest(store: pyoxigraph.Store) -> str:
    """SHA-256 of the canonical N-Triples of every triple in ``store`` (all its graphs, as one
    graph), sorted: the same graph gives the same digest whatever the files' layout, order or
    blank node names. Blank nodes are named by RDFC-1.0 (Oxigraph's canonicalisation), and
    literals are in the form the store keeps them (``"x"@EN`` as ``"x"@en``, ``4.0`` as ``4``),
    so Turtle files and the TriG dump Oxigraph wrote from them give the same digest."""
    dataset = pyoxigraph.Dataset(pyoxigraph.Quad(quad.subject, quad.predicate, quad.object)
                                 for quad in store.quads_for_pattern(None, None, None))
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    lines = sorted(f"{quad.subject} {quad.predicate} {quad.object} ." for quad in dataset)
    return "sha256:" + hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def graph_digest(graph: Graph | KnowledgeGraph) -> str:
    """The digest (:func:`store_digest`) of a citynet graph, read from its store (no rdflib
    copy of it is made), or of an rdflib graph, put into a store first."""
    if isinstance(graph, KnowledgeGraph):
        return store_digest(graph.store)
    store = pyoxigraph.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return store_digest(store)
