"""The entity document: what citynet publishes about one IRI, the same everywhere.

The static site writes it beside each page (``id/city/rostock.ttl``, ``.jsonld``), the server
answers it for ``/id/city/rostock`` (Turtle, JSON-LD, N-Triples, RDF/XML) and ``citynet export
--entity`` writes it. All three call :func:`entity_document` on the Oxigraph store.

**Which statements.** Those a client needs to show the entity and name its links in both
directions without another request, and no more (as Bizer, Cyganiak and Heath's tutorial
*How to Publish Linked Data on the Web* answers "What should I return as RDF description for
a URI?"):

1. every statement about the entity, with the blank nodes they lead to, and theirs
   (its bounded description: a blank node has no IRI to be fetched by);
2. every statement of another IRI that points to it (which memberships a network has,
   which entities cite a source), except ``rdf:type``: a class's document does not list
   each instance of the class, which may be a hundred thousand;
3. the labels (``rdfs:label``, ``skos:prefLabel``) of every other IRI in 1 and 2, so that a
   client can name the links.

Statements from blank nodes to the entity are left out (nothing else in the document could
say which node they are about). For Rostock that is 42 statements: 13 about it, 10 pointing to
it (4 memberships, 5 events, a public body), 19 labels.

**Stable bytes.** The statements come in an order that does not depend on the store's blank
node names, and the blank nodes are renamed ``b0``, ``b1``… in order of appearance, so the
same graph gives the same document in every process (and an ETag that stays put).

The ontology document (``…/def``) is the ontology file: its Turtle is the file as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph

from citynet.errors import InputError
from citynet.graph.knowledge_graph import KnowledgeGraph
from citynet.graph.prefixes import PREFIXES
from citynet.graph.terms import RDF_TYPE, XSD_STRING
from citynet.publish.exports import stable_blank_nodes
from citynet.publish.jsonld import write_jsonld

RDFS_LABEL = pyoxigraph.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SKOS_PREF_LABEL = pyoxigraph.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
LABELS = (RDFS_LABEL, SKOS_PREF_LABEL)
_RDF_TYPE = pyoxigraph.NamedNode(RDF_TYPE)
_XSD_STRING = pyoxigraph.NamedNode(XSD_STRING)

#: The formats an entity document is written in: the names the exports use.
DOCUMENT_FORMATS: dict[str, pyoxigraph.RdfFormat | None] = {
    "turtle": pyoxigraph.RdfFormat.TURTLE,
    "ntriples": pyoxigraph.RdfFormat.N_TRIPLES,
    "rdfxml": pyoxigraph.RdfFormat.RDF_XML,
    "jsonld": None,  # citynet's own writer, compacted with its @context
}

Term = pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal


def exists(store: pyoxigraph.Store, iri: str) -> bool:
    """Whether the graph says anything about ``iri`` or points to it."""
    node = pyoxigraph.NamedNode(iri)
    return next(store.quads_for_pattern(node, None, None, None), None) is not None \
        or next(store.quads_for_pattern(None, None, node, None), None) is not None


def entity_document(store: pyoxigraph.Store, iri: str) -> list[pyoxigraph.Triple]:
    """The statements of the entity document of ``iri`` (see the module's doc), in a stable
    order with stable blank node names; empty when the graph does not know ``iri``."""
    node = pyoxigraph.NamedNode(iri)
    look = _Lookup(store)
    statements = look.bounded_description(node)
    pointing = sorted((t for t in look.triples(None, None, node)
                       if isinstance(t.subject, pyoxigraph.NamedNode) and t.predicate != _RDF_TYPE),
                      key=lambda t: (str(t.subject), t.predicate.value))
    statements += pointing
    neighbours = sorted({term.value for t in statements for term in (t.subject, t.object)
                         if isinstance(term, pyoxigraph.NamedNode) and term != node})
    for neighbour in neighbours:
        for label in LABELS:
            statements += sorted(look.triples(pyoxigraph.NamedNode(neighbour), label, None),
                                 key=lambda t: _key(t.object, look))
    return list(_stable_blank_nodes(by_subject_in_order(statements)))


def ontology_document(path: Path) -> list[pyoxigraph.Triple]:
    """The ontology file's statements, each subject's together, blank nodes named stably."""
    triples = pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    return list(_stable_blank_nodes(by_subject_in_order(list(triples))))


def document_bytes(triples: Iterable[pyoxigraph.Triple], fmt: str) -> bytes:
    """The document in ``fmt`` (a key of :data:`DOCUMENT_FORMATS`), with the prefixes it uses."""
    triples = list(triples)
    if fmt not in DOCUMENT_FORMATS:
        raise ValueError(f"unknown document format {fmt!r}: {', '.join(DOCUMENT_FORMATS)}")
    rdf_format = DOCUMENT_FORMATS[fmt]
    if rdf_format is None:
        return write_jsonld(triples).encode("utf-8")
    prefixes = _used_prefixes(triples) if fmt != "ntriples" else None
    written = pyoxigraph.serialize(triples, format=rdf_format, prefixes=prefixes)
    assert written is not None  # without an output, serialize returns the bytes
    return written


def entity_export(graph: KnowledgeGraph, iri: str, fmt: str) -> str:
    """``citynet export --entity IRI``: the entity document as text; an InputError for an
    IRI the graph does not know or a format a document is not written in."""
    if fmt not in DOCUMENT_FORMATS:
        raise InputError(f"an entity document is written as {', '.join(DOCUMENT_FORMATS)}, not {fmt}")
    try:
        known = exists(graph.store, iri)
    except ValueError:  # not an IRI at all
        known = False
    if not known:
        raise InputError(f"the graph says nothing about <{iri}>", hint="give the full IRI of an entity, "
                         "e.g. https://w3id.org/citynet/id/city/rostock")
    return document_bytes(entity_document(graph.store, iri), fmt).decode("utf-8")


# ---------------------------------------------------------------- order and names

class _Lookup:
    """Statements of the union of the store's graphs, each once; blank nodes' sort keys."""

    def __init__(self, store: pyoxigraph.Store) -> None:
        self.store = store
        self.signatures: dict[pyoxigraph.BlankNode, tuple] = {}

    def triples(self, subject: Term | None, predicate: pyoxigraph.NamedNode | None,
                value: Term | None) -> list[pyoxigraph.Triple]:
        quads = self.store.quads_for_pattern(subject, predicate, value, None)  # type: ignore[arg-type]
        return list(dict.fromkeys(pyoxigraph.Triple(q.subject, q.predicate, q.object) for q in quads))

    def own(self, node: Term) -> list[pyoxigraph.Triple]:
        return sorted(self.triples(node, None, None), key=lambda t: (t.predicate.value, _key(t.object, self)))

    def bounded_description(self, node: pyoxigraph.NamedNode) -> list[pyoxigraph.Triple]:
        """The node's statements and, depth first, those of the blank nodes they lead to."""
        out: list[pyoxigraph.Triple] = []
        seen: set[Term] = set()

        def visit(current: Term) -> None:
            seen.add(current)
            statements = self.own(current)
            out.extend(statements)
            for triple in statements:
                if isinstance(triple.object, pyoxigraph.BlankNode) and triple.object not in seen:
                    visit(triple.object)

        visit(node)
        return out

    def signature(self, blank: pyoxigraph.BlankNode, path: frozenset = frozenset()) -> tuple:
        """What a blank node says (recursively): its place in the order, whatever its name."""
        if blank in path:
            return ()
        if blank not in self.signatures:
            inner = path | {blank}
            self.signatures[blank] = tuple(sorted(
                (t.predicate.value, _key(t.object, self, inner)) for t in self.triples(blank, None, None)))
        return self.signatures[blank]


def _key(term: object, look: _Lookup, path: frozenset = frozenset()) -> tuple:
    if isinstance(term, pyoxigraph.NamedNode):
        return (0, term.value)
    if isinstance(term, pyoxigraph.Literal):
        return (1, term.value, term.language or "", term.datatype.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return (2, look.signature(term, path))
    return (3, str(term))  # an RDF 1.2 triple term


def by_subject_in_order(triples: Iterable[pyoxigraph.Triple]) -> Iterator[pyoxigraph.Triple]:
    """Each subject's statements together (as Turtle and JSON-LD group them), subjects in the
    order they first appear, each statement once."""
    groups: dict[object, dict[pyoxigraph.Triple, None]] = {}
    for triple in triples:
        groups.setdefault(triple.subject, {})[triple] = None
    for group in groups.values():
        yield from group


def _stable_blank_nodes(triples: Iterable[pyoxigraph.Triple]) -> Iterator[pyoxigraph.Triple]:
    """The triples with their blank nodes renamed ``b0``, ``b1``… in order of appearance, as
    the exports name theirs."""
    quads = (pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in triples)
    return (quad.triple for quad in stable_blank_nodes(quads))


def _used_prefixes(triples: list[pyoxigraph.Triple]) -> dict[str, str]:
    iris = {term.value for t in triples for term in (t.subject, t.predicate, t.object)
            if isinstance(term, pyoxigraph.NamedNode)}
    iris |= {t.object.datatype.value for t in triples
             if isinstance(t.object, pyoxigraph.Literal) and not t.object.language and t.object.datatype != _XSD_STRING}
    return {prefix: namespace for prefix, namespace in PREFIXES.items()
            if any(iri.startswith(namespace) for iri in iris)}
