"""An rdflib graph that reads the Oxigraph copy, for the constraints that run in rdflib.

rdflib's engine asks its store for the triples matching one pattern at a time, mostly with
a subject or an object bound. Answering those from the Oxigraph copy reads only what the
query reaches, where building an rdflib graph of the triples with the query's predicates
costs about 20 µs a triple for all of them (8.5 s at a million triples, for two constraints
that read a few thousand).

The view answers as the built graph would: each found triple is converted back as the graph
is built (``OxigraphCopy.to_rdflib``) and kept only where it equals the pattern's terms, so a
term stored in another form matches what it matches in the built graph. It is used only where
the copy is injective: there, distinct stored triples stay distinct when converted back.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.stores.memory import Memory
from rdflib.store import Store
from rdflib.term import Node

from citynet.validation.oxigraph_copy import OxigraphCopy

_DEFAULT = ox.DefaultGraph()
_Triple = tuple[Node, Node, Node]


class CopyView(Store):
    """A read-only rdflib store over the default graph of an injective Oxigraph copy."""

    def __init__(self, copy: OxigraphCopy) -> None:
        super().__init__()
        self._copy = copy
        self._convert = copy.rdflib_converter()
        # The stored term of each term this view has answered with: the key to look it up again.
        self._keys: dict[Node, ox.NamedNode | ox.BlankNode | ox.Literal] = {}
        self._names = Memory()

    def triples(self, triple_pattern: tuple[Node | None, Node | None, Node | None],
                context: object = None) -> Iterator[tuple[_Triple, Iterator[None]]]:
        s, p, o = triple_pattern
        if any(term is not None and not isinstance(term, (URIRef, BNode, Literal)) for term in triple_pattern):
            return  # a variable or a graph: rdflib's engine does not ask for those
        if isinstance(s, Literal) or isinstance(p, (Literal, BNode)):
            return  # no triple of the data has a literal subject, or a predicate that is not an IRI
        subject, predicate, object_ = (self._key(term) for term in (s, p, o))
        # An IRI or a blank node is stored as one (an IRI Oxigraph refuses, as its stand-in).
        assert not isinstance(subject, ox.Literal) and not isinstance(predicate, (ox.Literal, ox.BlankNode))
        convert, keys = self._convert, self._keys
        for quad in self._copy.store.quads_for_pattern(subject, predicate, object_, _DEFAULT):
            triple = (convert(quad.subject), convert(quad.predicate), convert(quad.object))
            if (s is None or triple[0] == s) and (p is None or triple[1] == p) and (o is None or triple[2] == o):
                for term, stored in zip(triple, (quad.subject, quad.predicate, quad.object), strict=True):
                    keys[term] = stored  # type: ignore[assignment]  # the copy holds no triple terms
                yield triple, iter(())

    def _key(self, term: Node | None) -> ox.NamedNode | ox.BlankNode | ox.Literal | None:
        """The stored term to look ``term`` up by, None where the position is left open (the
        term unbound, or a literal the copy cannot give a literal key: the equality test on
        each found triple then decides)."""
        if term is None:
            return None
        known = self._keys.get(term)
        if known is not None:
            return known
        stored = self._copy.lookup_form(term)
        if isinstance(term, Literal) and not isinstance(stored, ox.Literal):
            return None  # a literal Oxigraph cannot build as written (a malformed language tag)
        return stored

    def __len__(self, context: object = None) -> int:
        return sum(1 for _ in self._copy.store.quads_for_pattern(None, None, None, _DEFAULT))

    def contexts(self, triple: object = None) -> Generator[Graph, None, None]:
        yield from ()

    def add(self, triple: object, context: object = None, quoted: bool = False) -> None:
        raise TypeError("a view of the validation copy is read-only")

    def remove(self, triple: object, context: object = None) -> None:
        raise TypeError("a view of the validation copy is read-only")

    # Prefixes are kept as rdflib's memory store keeps them (a graph binds its defaults).
    def bind(self, prefix: str, namespace: URIRef, override: bool = True) -> None:
        self._names.bind(prefix, namespace, override)

    def prefix(self, namespace: URIRef) -> str | None:
        return self._names.prefix(namespace)

    def namespace(self, prefix: str) -> URIRef | None:
        return self._names.namespace(prefix)

    def namespaces(self) -> Iterator[tuple[str, URIRef]]:
        return self._names.namespaces()


def copy_graph(copy: OxigraphCopy) -> Graph:
    """All the data of ``copy`` as an rdflib graph that reads it on demand."""
    return Graph(store=CopyView(copy))
