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
from citynet.errors import InputError
from citynet.names import NameIndex
from citynet.persistent import open_store
from citynet.rdf_files import collect_turtle_files, describe_oxigraph_error, load_turtle_files
from citynet.terms import RDF_TYPE


class KnowledgeGraph:
    """The ontology and a set of data files, loaded into an embedded Oxigraph store."""

    def __init__(self, data_files: Sequence[Path] | None = None, *, persistent: bool = False,
                 cache_dir: Path | None = None) -> None:
        """Load the ontology and ``data_files`` (default: the shipped data).

        ``persistent=True`` keeps the store on disk under ``cache_dir`` (default
        ``~/.cache/citynet``), keyed by the files' content: a second start with the
        same files reopens it instead of parsing again. Large graphs want this.
        """
        self.ontology_file = resources.ontology_path()
        self.data_files = list(data_files) if data_files is not None else resources.data_files()
        self.persistent = persistent
        self._classes: dict[str, frozenset[str]] = {}
        if persistent:
            self.store = open_store(self.files, cache_dir)
        else:
            self.store = pyoxigraph.Store()
            for path in self.files:
                _load_into(self.store, path)

    @classmethod
    def from_paths(cls, paths: Sequence[Path], **options: Any) -> KnowledgeGraph:
        """The ontology plus the Turtle files found at ``paths`` (files or folders)."""
        return cls(collect_turtle_files(paths), **options)

    @property
    def files(self) -> list[Path]:
        return [self.ontology_file, *self.data_files]

    def __len__(self) -> int:
        return len(self.store)

    def classes_of(self, iri: str) -> frozenset[str]:
        """The classes ``iri`` is typed with, remembered: like the name index, this assumes
        the graph does not change once loaded. Raises ValueError for a malformed IRI."""
        classes = self._classes.get(iri)
        if classes is None:
            if len(self._classes) >= _CLASS_CACHE_SIZE:
                self._classes.clear()  # bounded: a server hears any IRIs its clients make up
            types = self.store.quads_for_pattern(pyoxigraph.NamedNode(iri), _RDF_TYPE, None)
            classes = self._classes[iri] = frozenset(quad.object.value for quad in types)
        return classes

    def triples_by_subject(self) -> Iterator[pyoxigraph.Quad]:
        """Every triple of the graph, those of each subject together (as JSON-LD's node
        objects want them)."""
        quads = self.store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())
        if self.persistent:
            # The on-disk store reads its subject-first index in order. Were that to change,
            # a subject would get two node objects: more text, the same graph.
            yield from quads
            return
        # The in-memory store iterates in no such order: look each subject up.
        for subject in dict.fromkeys(quad.subject for quad in quads):
            yield from self.store.quads_for_pattern(subject, None, None, pyoxigraph.DefaultGraph())

    @cached_property
    def names(self) -> NameIndex:
        """Entities by name, for parameters given as names ("Rostock", "UBC", "Wien")."""
        return NameIndex(self.store)

    @cached_property
    def rdflib_graph(self) -> Graph:
        """All triples as one rdflib graph (parsed from the same files)."""
        graph = Graph()
        for turtle in load_turtle_files(self.files):
            graph += turtle.graph
        return graph


_RDF_TYPE = pyoxigraph.NamedNode(RDF_TYPE)
_CLASS_CACHE_SIZE = 10_000


def _load_into(store: pyoxigraph.Store, path: Path) -> None:
    try:
        store.bulk_load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE,
                        base_iri=path.resolve().as_uri())
    except SyntaxError as error:
        message, line, column = describe_oxigraph_error(str(error))
        raise InputError(f"Turtle syntax error: {message}", path=path, line=line, column=column,
                         hint="run `citynet validate` on this file for a full report") from None
    except OSError as error:
        raise InputError(f"cannot read file: {error}", path=path) from None


_shipped: KnowledgeGraph | None = None


def shipped_graph() -> KnowledgeGraph:
    """The graph citynet ships (ontology and data/), loaded once per process."""
    global _shipped
    if _shipped is None:
        _shipped = KnowledgeGraph()
    return _shipped
