"""An Oxigraph copy of an rdflib graph, for validation queries that rdflib is too slow for.

The copy is made from the rdflib terms themselves (not by parsing the files again), so
that both see the same triples; results are turned back into the rdflib terms they came
from. Oxigraph's store holds many literals in a canonical form: ``"4.0"^^xsd:decimal``
comes back as ``"4"``, ``"+5"^^xsd:int`` as ``"5"^^xsd:integer``, ``PT60S`` as ``PT1M``,
``"x"@EN`` as ``"x"@en``, and ``"a"`` and ``"a"^^xsd:string`` are one term. So the copy
learns the stored form of every literal (by storing it once on its own) and keeps, for
each stored form, the terms it stands for. It says where it is not a faithful picture:

* ``lossy_kinds`` names the datatypes of the terms stored in another form (``LOSSY`` lists
  those stored forms, in a named graph, so that queries can treat them with care);
* ``injective`` is False where two terms became one; then the copy counts values
  differently from rdflib, and callers that count must not use it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from citynet.graph.select import select
from citynet.graph.terms import OxigraphNode as OxTerm
from citynet.graph.terms import OxigraphTerm, once_per_term, to_oxigraph, to_rdflib, written_alike

# Literals that are not valid for their datatype in rdflib's view, kept as objects in
# this named graph: Oxigraph cannot tell. That is rdflib's ``ill_typed``, or no Python
# value for a datatype whose values pySHACL's sh:datatype checks by their Python type.
ILL_TYPED = ox.NamedNode("urn:citynet:validation:ill-typed")
# The stored forms of terms of the data that are not stored as written.
LOSSY = ox.NamedNode("urn:citynet:validation:lossy")
_TYPE_CHECKED = {XSD.string, RDF.langString, XSD.integer, XSD.float, XSD.decimal, XSD.boolean,
                 XSD.date, XSD.time, XSD.dateTime}
_SCRATCH = ox.NamedNode("urn:citynet:validation:stored-as:")
_XSD_STRING = str(XSD.string)
# ``add`` stores this many triples per bulk load: pyoxigraph holds a load's triples until it
# ends (one load of a million parsed triples peaked 220 MB higher).
_BATCH = 100_000

_IRI_UNSAFE = re.compile(r"[^A-Za-z0-9._~:/?#@!$&'()*+,;=%\[\]-]")


def as_written(literal: ox.Literal, tag_cases: dict[str, str]) -> Literal:
    """A parsed literal as rdflib's parser gives it. Oxigraph writes every language tag in
    lower case (``sr-Cyrl`` becomes ``sr-cyrl``), rdflib keeps it as written: ``tag_cases``
    gives, for each tag the file writes with capitals, that form by its lower-case one."""
    term = to_rdflib(literal, canonical=True)
    assert isinstance(term, Literal)  # a literal converts to a literal
    tag = tag_cases.get(literal.language) if literal.language is not None else None
    return term if tag is None else Literal(str(term), lang=tag)


class OxigraphCopy:
    """The triples of an rdflib graph in an Oxigraph store (default graph), with the
    term conversions both ways."""

    def __init__(self, graph: Graph | None = None) -> None:
        self._to: dict[Node, OxTerm] = {}
        # A stored form -> the terms it stands for, where that is not simply the stored
        # form converted back (so this stays small: only the lossy terms).
        self._back: dict[OxTerm, list[Node]] = {}
        self._stored: dict[Node, OxTerm] = {}
        self._object_kinds: dict[Node, frozenset[str]] = {}
        self._subclasses: dict[Node, list[ox.NamedNode] | None] = {}
        # Made from parsed triples (``add``): ``_to`` then holds only the literals whose
        # stored form may differ, and other terms are judged in the store.
        self._parsed = graph is None
        self._invalid_iris: dict[str, URIRef] = {}  # a stand-in's IRI -> the IRI as written
        self.store = ox.Store()
        if graph is not None:
            known, convert, quad = self._to, self.to_oxigraph, ox.Quad
            # Dict lookups first: most terms recur. A subject or predicate of an rdflib graph is
            # never a literal, so no check slows this loop over every triple.
            self.store.bulk_extend(
                quad(known.get(s) or convert(s), known.get(p) or convert(p),  # type: ignore[arg-type]
                     known.get(o) or convert(o))
                for s, p, o in graph)
            self.finish()

    @classmethod
    def empty(cls) -> OxigraphCopy:
        """A copy to fill with parsed triples (``add``, ``note_literal``), then ``finish``."""
        return cls(None)

    def add(self, quads: Iterable[ox.Quad]) -> None:
        """Parsed triples, with terms as Oxigraph's parser wrote them (blank nodes already
        apart per file), from an iterator: no Python list of them is made (at a million
        triples, the parse for validation took 10.0 s with lists of 100,000, 8.4 s without)."""
        quads = iter(quads)
        while (first := next(quads, None)) is not None:
            self.store.bulk_extend(itertools.chain((first,), itertools.islice(quads, _BATCH - 1)))

    def note_literal(self, literal: ox.Literal, written: Literal, tag_cases: dict[str, str]) -> None:
        """A literal of the triples ``add`` stores, and ``written``, the same literal as rdflib
        parses it (``as_written``): one whose stored form may differ is remembered. A simple
        string, and a language-tagged one whose tag the files write in lower case, is stored
        as written: it is looked up in the store when asked for, not remembered (at a million
        triples, most literals are of these kinds)."""
        if literal.language is not None and literal.language not in tag_cases:
            return
        if literal.language is not None or literal.datatype.value != _XSD_STRING:
            self._to.setdefault(written, to_oxigraph(written))

    def finish(self) -> None:
        for term, stored in _stored_forms(self._to).items():
            self._stored[term] = stored
            if not written_alike(term, stored):
                self._back.setdefault(stored, []).append(term)
        # The kinds (datatype IRIs) of the stored forms that are not the written ones.
        self.lossy_kinds = frozenset(stored.datatype.value for stored in self._back if isinstance(stored, ox.Literal))
        self.injective = all(_stands_for_one(stored, terms, self._in_data) for stored, terms in self._back.items())
        ill_typed = [self._to[o] for o in self._to if _ill_typed(o)]
        self.has_ill_typed = bool(ill_typed)
        self.store.bulk_extend(ox.Quad(ILL_TYPED, ILL_TYPED, term, ILL_TYPED) for term in ill_typed)
        self.store.bulk_extend(ox.Quad(LOSSY, LOSSY, stored, LOSSY) for stored in self._back)

    def _in_data(self, term: Node) -> bool:
        """Is ``term`` (a literal as rdflib parses it) a term of the data?"""
        if term in self._to or not self._parsed or _may_change(term):
            return term in self._to
        # A simple string or a lower-case language-tagged one is stored as written.
        return next(self.store.quads_for_pattern(None, None, to_oxigraph(term), ox.DefaultGraph()), None) is not None

    def has_node(self, term: OxTerm) -> bool:
        """Is ``term`` (as stored) a subject or an object of the data?"""
        def any_triple(s: ox.NamedNode | ox.BlankNode | None, o: OxTerm | None) -> bool:
            return next(self.store.quads_for_pattern(s, None, o, ox.DefaultGraph()), None) is not None

        return (not isinstance(term, ox.Literal) and any_triple(term, None)) or any_triple(None, term)

    def stand_in(self, written: str) -> ox.NamedNode:
        """The term for a parsed IRI: itself, or the stand-in for one Oxigraph refuses."""
        try:
            return ox.NamedNode(written)
        except ValueError:
            stand_in = _convert(URIRef(written))
            assert isinstance(stand_in, ox.NamedNode)  # an IRI's stand-in is an IRI
            self._invalid_iris[stand_in.value] = URIRef(written)
            return stand_in

    @property
    def has_stand_ins(self) -> bool:
        """Has a parsed IRI been given a stand-in (``stand_in``)?"""
        return bool(self._invalid_iris)

    def to_oxigraph(self, term: Node) -> OxTerm:
        found = self._to.get(term)
        if found is None:
            found = self._to[term] = _convert(term)
        return found

    def stored_form(self, term: Node) -> OxTerm:
        """The form Oxigraph gives ``term`` in answers (remembered)."""
        stored = self._stored.get(term)
        if stored is None:
            stored = self._stored[term] = _stored_forms({term: self.to_oxigraph(term)})[term]
        return stored

    def lookup_form(self, term: Node) -> OxTerm:
        """The form ``stored_form`` gives, for a term asked about rather than one of the data:
        nothing is remembered (``_in_data`` takes a remembered term for one of the data)."""
        stored = self._stored.get(term)
        if stored is None:
            stored = _stored_forms({term: self._to.get(term) or _convert(term)})[term]
        return stored

    def to_rdflib(self, term: OxigraphTerm) -> Node:
        """The original term; for a stored form that stands for several (only where the
        copy is not ``injective``), one of them. The copy holds no triple terms (neither
        rdflib nor the parse for validation gives any): one raises TypeError."""
        if isinstance(term, ox.Triple):
            raise TypeError(f"a triple term, which the copy does not hold: {term}")
        originals = self._back.get(term)
        if originals:
            return originals[0]
        if isinstance(term, ox.NamedNode) and term.value in self._invalid_iris:
            return self._invalid_iris[term.value]
        return to_rdflib(term, canonical=True)

    def rdflib_converter(self) -> Callable[[OxigraphTerm], Node]:
        """``to_rdflib`` that converts each distinct term once, for one pass over many
        triples or rows (a graph built from them shares one object per term)."""
        return once_per_term(self.to_rdflib)

    def subclasses(self, cls: Node) -> list[ox.NamedNode] | None:
        """``cls`` and its subclasses in the data (``rdfs:subClassOf*``), found once: a query
        then tests ``?x a ?k`` against the list, where the path would search the hierarchy
        for each ``?x``. None where ``cls`` or one of them is not an IRI (query text cannot
        name a blank node, and IN compares literals by value, not as terms)."""
        if cls not in self._subclasses:
            stored = self.to_oxigraph(cls)
            if not isinstance(stored, ox.NamedNode):  # in query text, a blank node is a variable
                self._subclasses[cls] = None
                return None
            query = f"SELECT DISTINCT ?k WHERE {{ ?k <{RDFS.subClassOf}>* {stored} }}"
            found = [row["k"] for row in select(self.store, query)]
            named = [k for k in found if isinstance(k, ox.NamedNode)]
            self._subclasses[cls] = named if named and len(named) == len(found) else None
        return self._subclasses[cls]

    def originals(self, term: OxTerm) -> list[Node]:
        """Every term of the data that is stored as ``term``."""
        originals = list(self._back.get(term, ()))
        plain = to_rdflib(term, canonical=True)
        if self._in_data(plain) or not originals:
            originals.append(plain)
        return originals

    def object_kinds(self, predicate: Node) -> frozenset[str]:
        """The datatypes of the objects of ``predicate`` in the data, and "node" if any
        is an IRI or a blank node (remembered per predicate)."""
        kinds = self._object_kinds.get(predicate)
        if kinds is None:
            query = (f'SELECT DISTINCT ?kind WHERE {{ ?s {self.to_oxigraph(predicate)} ?o . '
                     'BIND (IF(isLiteral(?o), STR(DATATYPE(?o)), "node") AS ?kind) }')
            rows = select(self.store, query)
            kinds = self._object_kinds[predicate] = frozenset(row["kind"].value for row in rows)
        return kinds


def _stored_forms(terms: dict[Node, OxTerm]) -> dict[Node, OxTerm]:
    """How Oxigraph gives each term back: literals are stored once each in a scratch store
    and read back; other terms come back as they went in."""
    found = dict(terms)
    literals = [(term, converted) for term, converted in terms.items() if _may_change(term)]
    scratch = ox.Store()
    scratch.bulk_extend(ox.Quad(ox.NamedNode(f"{_SCRATCH.value}{index}"), _SCRATCH, converted)
                        for index, (_, converted) in enumerate(literals))
    for quad in scratch:
        found[literals[int(quad.subject.value.removeprefix(_SCRATCH.value))][0]] = quad.object
    return found


def _may_change(term: Node) -> bool:
    """Could Oxigraph store ``term`` in another form? Not a simple string, and not a
    language-tagged one with a tag in lower case."""
    return isinstance(term, Literal) and (
        term.datatype is not None or (term.language is not None and term.language != term.language.lower()))


def _stands_for_one(stored: OxTerm, terms: list[Node], in_data: Callable[[Node], bool]) -> bool:
    """Is ``terms`` the only term stored as ``stored``? rdflib itself takes "b"@en and
    "b"@EN as one term: that is no merge."""
    plain = to_rdflib(stored, canonical=True)
    return len(terms) == 1 and (plain == terms[0] or not in_data(plain))


def _ill_typed(term: Node) -> bool:
    return isinstance(term, Literal) and (
        term.ill_typed is True or (term.datatype in _TYPE_CHECKED and term.value is None))


def _convert(term: Node) -> OxTerm:
    try:
        return to_oxigraph(term)
    except ValueError:
        if isinstance(term, BNode):
            return ox.BlankNode()
        # An IRI with a space or the like (citynet reports it): kept apart, as an IRI.
        return ox.NamedNode("urn:citynet:invalid-iri:" + _IRI_UNSAFE.sub(
            lambda m: "".join(f"%{b:02X}" for b in m[0].encode()), str(term)))
