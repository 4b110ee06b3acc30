"""The one place that loads the citynet graph: ontology plus data.

Oxigraph (pyoxigraph) holds the triples and answers SPARQL; rdflib gives the
term and graph API and feeds pySHACL, and is built only when asked for.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import pyoxigraph
from rdflib import Graph

from citynet import resources
from citynet.graph.files import (
    TURTLE_SUFFIXES,
    collect_rdf_files,
    collect_turtle_files,
    load_rdf_file,
    load_turtle_files,
)
from citynet.graph.names import NameIndex
from citynet.graph.persistent import load_into_memory, open_store
from citynet.graph.select import select
from citynet.graph.terms import RDF_TYPE, to_rdflib_triple


class KnowledgeGraph:
    """An embedded Oxigraph store: by default the citynet ontology and a set of data files.

    Any other data can be queried too, without the ontology: :meth:`from_files` (RDF files
    as they are) or :meth:`from_store` (a pyoxigraph Store one has filled).
    """

    def __init__(self, data_files: Sequence[Path] | None = None, *, persistent: bool | None = None,
                 cache_dir: Path | None = None, ontology: bool = True, in_memory: bool = False) -> None:
        """Load the ontology (unless ``ontology=False``) and ``data_files`` (default: the
        shipped data). Triples go to the default graph; N-Quads and TriG files keep their
        named graphs.

        ``persistent=True`` keeps the store on disk under ``cache_dir`` (default
        ``~/.cache/citynet``), keyed by the files' content: a second start with the same
        files reopens it at once instead of parsing again, and the server's workers share
        it. ``persistent=None`` (the default) chooses by size: in memory up to
        ``IN_MEMORY_UP_TO_BYTES`` of files, on disk above.

        ``in_memory=True`` with the on-disk store: build or reopen it, then query a copy of
        it in memory (its default graph, which holds every triple), loaded from an N-Triples
        snapshot kept beside it (written the first time). The copy takes seconds
        at a million triples (about 400 bytes a triple); then the whole-graph queries run 2 to
        3× as fast as on disk: for long sessions and many queries.
        """
        self.ontology_file = resources.ontology_path() if ontology else None
        self.data_files = list(data_files) if data_files is not None else resources.data_files()
        if persistent is None:
            persistent = held_on_disk_by_default(self.files)
        self.persistent = persistent and not in_memory
        self._classes: dict[str, frozenset[str]] = {}
        if persistent and in_memory:
            self.store = load_into_memory(self.files, cache_dir)
        elif persistent:
            self.store = open_store(self.files, cache_dir)
        else:
            self.store = pyoxigraph.Store()
            for path in self.files:
                load_rdf_file(self.store, path)

    @classmethod
    def from_paths(cls, paths: Sequence[Path], **options: Any) -> KnowledgeGraph:
        """The ontology plus the Turtle files found at ``paths`` (files or folders)."""
        return cls(collect_turtle_files(paths), **options)

    @classmethod
    def from_files(cls, paths: Sequence[Path], **options: Any) -> KnowledgeGraph:
        """Any RDF data of one's own, without citynet's ontology: the files found at ``paths``
        (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD; folders are searched)."""
        return cls(collect_rdf_files(paths), ontology=False, **options)

    @classmethod
    def from_store(cls, store: pyoxigraph.Store) -> KnowledgeGraph:
        """A pyoxigraph Store one has filled, queried as it is (its default graph is the
        default graph; nothing is added). It has no files, so ``citynet serve`` cannot
        start workers from it."""
        graph = cls([], ontology=False)
        graph.store = store
        return graph

    @property
    def files(self) -> list[Path]:
        return [self.ontology_file, *self.data_files] if self.ontology_file is not None else list(self.data_files)

    def __len__(self) -> int:
        """Triples in the store; in the on-disk store, whose default graph holds every triple
        and each file's graph a copy of its own, the default graph's."""
        return self._triples

    @cached_property
    def _triples(self) -> int:
        if not self.persistent:
            return len(self.store)
        rows = select(self.store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(next(iter(rows))["n"].value)

    def classes_of(self, iri: str) -> frozenset[str]:
        """The classes ``iri`` is typed with, remembered: like the name index, this assumes
        the graph does not change once loaded. Raises ValueError for a malformed IRI."""
        classes = self._classes.get(iri)
        if classes is None:
            if len(self._classes) >= _CLASS_CACHE_SIZE:
                self._classes.clear()  # bounded: a server hears any IRIs its clients make up
            types = self.store.quads_for_pattern(pyoxigraph.NamedNode(iri), _RDF_TYPE, None)
            classes = self._classes[iri] = frozenset(
                quad.object.value for quad in types if not isinstance(quad.object, pyoxigraph.Triple))
        return classes

    def triples_by_subject(self) -> Iterator[pyoxigraph.Quad]:
        """Every triple of the graph, those of each subject together (as JSON-LD's node
        objects want them)."""
        quads = self.store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())
        if self.persistent:
            # The on-disk store reads its subject-first index in order. Were that to change,
            # a subject would get two node objects: more text, the same graph. The store's
            # own iterator, not a generator around it: a step less for every triple.
            return quads
        # The in-memory store iterates in no such order: look each subject up.
        return self._each_subjects_quads(quads)

    def _each_subjects_quads(self, quads: Iterator[pyoxigraph.Quad]) -> Iterator[pyoxigraph.Quad]:
        for subject in dict.fromkeys(quad.subject for quad in quads):
            yield from self.store.quads_for_pattern(subject, None, None, pyoxigraph.DefaultGraph())

    @cached_property
    def names(self) -> NameIndex:
        """Entities by name, for parameters given as names ("Rostock", "UBC", "Wien")."""
        return NameIndex(self.store)

    @cached_property
    def rdflib_graph(self) -> Graph:
        """All triples as one rdflib graph: parsed from the same files where they are all
        Turtle, else read from the store (the triples of every graph)."""
        graph = Graph()
        if self.files and all(path.suffix in TURTLE_SUFFIXES for path in self.files):
            for turtle in load_turtle_files(self.files):
                graph += turtle.graph
            return graph
        for quad in self.store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph()):
            graph.add(to_rdflib_triple(quad))
        return graph


_RDF_TYPE = pyoxigraph.NamedNode(RDF_TYPE)
#: Above this many bytes of files, a graph is kept on disk (about 250,000 triples of Turtle):
#: a later start reopens it in milliseconds instead of parsing for seconds.
IN_MEMORY_UP_TO_BYTES = 10 * 1024 * 1024


def held_on_disk_by_default(files: Sequence[Path]) -> bool:
    """What ``persistent=None`` chooses for these files: on disk above ``IN_MEMORY_UP_TO_BYTES``."""
    return sum(p.stat().st_size for p in files if p.is_file()) > IN_MEMORY_UP_TO_BYTES


_CLASS_CACHE_SIZE = 10_000


_shipped: KnowledgeGraph | None = None


def shipped_graph() -> KnowledgeGraph:
    """The graph citynet ships (ontology and data/), loaded once per process."""
    global _shipped
    if _shipped is None:
        _shipped = KnowledgeGraph()
    return _shipped
