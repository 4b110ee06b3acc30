"""rdflib-style lookups (``objects``, ``subjects``, ``in`` …) answered by the Oxigraph store.

The site's pages and the server's documents read a few statements at a time. They ask the
store that already holds the graph, so no process needs a second, rdflib copy of all of it
(at a million triples that copy takes gigabytes).

The view reads the union of the store's graphs, as a statement in two graphs is one statement
to the reader: each answer lists a term once. Terms come back as rdflib terms with their
lexical form as written (``"30000"^^xsd:double`` stays ``30000``), so that a page shows what
the data says. Oxigraph keeps language tags in lower case (RDF compares them without case);
the view gives them in BCP 47's usual case, as the files write them: ``sr-Cyrl``, ``en-GB``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyoxigraph
from rdflib import Literal, URIRef
from rdflib.term import Node

from citynet.graph.terms import OxigraphTerm, to_oxigraph, to_rdflib

Triple = tuple[Node, Node, Node]


def bcp47_case(tag: str) -> str:
    """``sr-Cyrl`` for ``sr-cyrl``, ``en-GB`` for ``en-gb``: scripts in title case, regions in
    upper case, the rest in lower case (BCP 47, 2.1.1). Subtags after a singleton stay as they are."""
    parts = tag.split("-")
    out = [parts[0].lower()]
    for index, part in enumerate(parts[1:], start=1):
        if len(parts[index - 1]) == 1:  # an extension or private use: no case convention
            out.extend(parts[index:])
            break
        out.append(part.title() if len(part) == 4 else part.upper() if len(part) == 2 else part.lower())
    return "-".join(out)


def _rdflib(term: OxigraphTerm) -> Node:
    node = to_rdflib(term)
    if isinstance(node, Literal) and node.language:
        return Literal(str(node), lang=bcp47_case(node.language))
    return node


def _term(node: Node | None) -> Any:
    """The Oxigraph term, for any position of a pattern (a literal subject matches nothing)."""
    return None if node is None else to_oxigraph(node)


class StoreView:
    """Read-only access to a pyoxigraph Store with the part of rdflib's ``Graph`` API that
    the site uses. Lookups are not cached: the store answers them from its indexes."""

    def __init__(self, store: pyoxigraph.Store) -> None:
        self.store = store

    def _quads(self, subject: Node | None, predicate: Node | None, value: Node | None) -> Iterator[pyoxigraph.Quad]:
        return self.store.quads_for_pattern(_term(subject), _term(predicate), _term(value), None)

    def triples(self, pattern: tuple[Node | None, Node | None, Node | None]) -> Iterator[Triple]:
        """The statements matching ``pattern`` (None matches anything), each once."""
        seen = dict.fromkeys((q.subject, q.predicate, q.object) for q in self._quads(*pattern))
        for s, p, o in seen:
            yield _rdflib(s), _rdflib(p), _rdflib(o)

    def __contains__(self, triple: Triple) -> bool:
        return next(iter(self._quads(*triple)), None) is not None

    def objects(self, subject: Node, predicate: Node) -> Iterator[Node]:
        for value in dict.fromkeys(q.object for q in self._quads(subject, predicate, None)):
            yield _rdflib(value)

    def subjects(self, predicate: Node, value: Node) -> Iterator[Node]:
        for subject in dict.fromkeys(q.subject for q in self._quads(None, predicate, value)):
            yield _rdflib(subject)

    def predicate_objects(self, subject: Node) -> Iterator[tuple[Node, Node]]:
        for _, p, o in self.triples((subject, None, None)):
            yield p, o

    def subject_predicates(self, value: Node) -> Iterator[tuple[Node, Node]]:
        for s, p, _ in self.triples((None, None, value)):
            yield s, p

    def subject_objects(self, predicate: Node) -> Iterator[tuple[Node, Node]]:
        for s, _, o in self.triples((None, predicate, None)):
            yield s, o

    def iri_subjects(self) -> Iterator[URIRef]:
        """Every IRI that is the subject of a statement, once (a pass over the whole store)."""
        subjects = dict.fromkeys(q.subject for q in self.store.quads_for_pattern(None, None, None, None))
        for subject in subjects:
            if isinstance(subject, pyoxigraph.NamedNode):
                yield URIRef(subject.value)
