"""An Oxigraph copy of an rdflib graph, for validation queries that rdflib is too slow for.

The copy is made from the rdflib terms themselves (not by parsing the files again), so
that both see the same triples; results are turned back into the rdflib terms they came
from. rdflib keeps some terms apart that Oxigraph takes as one (``"a"`` and
``"a"^^xsd:string``; ``"1.50"`` and ``"1.5"`` as xsd:decimal; language tags in another
case); where that merges triples, ``exact`` is False and callers that count values must
not use the copy.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
from rdflib import RDF, XSD, BNode, Graph, Literal
from rdflib.term import Node

from citynet.terms import XSD_STRING, to_oxigraph, to_rdflib

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal

# Literals that are not valid for their datatype in rdflib's view, kept as objects in
# this named graph: Oxigraph cannot tell. That is rdflib's ``ill_typed``, or no Python
# value for a datatype whose values pySHACL's sh:datatype checks by their Python type.
ILL_TYPED = ox.NamedNode("urn:citynet:validation:ill-typed")
_TYPE_CHECKED = {XSD.string, RDF.langString, XSD.integer, XSD.float, XSD.decimal, XSD.boolean,
                 XSD.date, XSD.time, XSD.dateTime}

_IRI_UNSAFE = re.compile(r"[^A-Za-z0-9._~:/?#@!$&'()*+,;=%\[\]-]")


class OxigraphCopy:
    """The triples of an rdflib graph in an Oxigraph store (default graph), with the
    term conversions both ways."""

    def __init__(self, graph: Graph) -> None:
        self._to: dict[Node, OxTerm] = {}
        self._back: dict[OxTerm, Node] = {}
        self.store = ox.Store()
        known, convert, quad = self._to, self.to_oxigraph, ox.Quad
        self.store.bulk_extend(  # dict lookups first: most terms recur
            quad(known.get(s) or convert(s), known.get(p) or convert(p), known.get(o) or convert(o))
            for s, p, o in graph)
        # Oxigraph writes some literals canonically: two triples that differ only there
        # are one triple in the copy.
        self.exact = len(self.store) == len(graph)
        self.store.bulk_extend(ox.Quad(ILL_TYPED, ILL_TYPED, self._to[o], ILL_TYPED)
                               for o in self._to if _ill_typed(o))

    def to_oxigraph(self, term: Node) -> OxTerm:
        found = self._to.get(term)
        if found is None:
            found = self._to[term] = _convert(term)
            if not _converts_back(term, found):
                self._back[found] = term
        return found

    def to_rdflib(self, term: OxTerm) -> Node:
        return self._back.get(term) or to_rdflib(term)


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


def _converts_back(term: Node, converted: OxTerm) -> bool:
    """Does ``_from_oxigraph`` give ``term`` again? (Without building an rdflib Literal,
    which parses its value: slow for a million literals.)"""
    if isinstance(term, Literal):
        if converted.value != str(term):
            return False
        if term.language:
            return converted.language == term.language
        if term.datatype is None:
            return True  # a simple literal: xsd:string in Oxigraph, no datatype back in rdflib
        return str(term.datatype) != XSD_STRING and converted.datatype.value == str(term.datatype)
    return converted.value == str(term)
