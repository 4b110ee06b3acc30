"""The one conversion of terms between pyoxigraph and rdflib: faithful to the engine's text by
default, rdflib's canonical form only where asked for, and the same both ways."""

from __future__ import annotations

import pyoxigraph
import pytest
from rdflib import XSD, BNode, Graph, Literal, URIRef

from citynet.errors import QueryError
from citynet.graph.terms import (
    as_simple_literal,
    rdflib_converter,
    to_oxigraph,
    to_oxigraph_triple,
    to_rdflib,
    to_rdflib_triple,
    written_alike,
)
from citynet.scale.remote import parse_json_results

DOUBLE = pyoxigraph.NamedNode(str(XSD.double))
DURATION = pyoxigraph.NamedNode(str(XSD.dayTimeDuration))
TERMS = [
    pyoxigraph.NamedNode("https://w3id.org/citynet/id/city/rostock"),
    pyoxigraph.BlankNode("b0"),
    pyoxigraph.Literal("Rostock"),
    pyoxigraph.Literal("Rostock", language="de"),
    pyoxigraph.Literal("30000", datatype=DOUBLE),
    pyoxigraph.Literal("PT0S", datatype=DURATION),
    pyoxigraph.Literal("2016", datatype=pyoxigraph.NamedNode(str(XSD.gYear))),
]


@pytest.mark.parametrize("term", TERMS, ids=str)
def test_a_term_goes_to_rdflib_and_back_unchanged(term):
    assert to_oxigraph(to_rdflib(term)) == term


def test_lexical_forms_stay_as_the_engine_wrote_them():
    assert str(to_rdflib(pyoxigraph.Literal("30000", datatype=DOUBLE))) == "30000"
    assert str(to_rdflib(pyoxigraph.Literal("PT0S", datatype=DURATION))) == "PT0S"
    assert to_rdflib(pyoxigraph.Literal("a")) == Literal("a")  # xsd:string: no datatype in rdflib
    assert to_rdflib(None) is None


def test_canonical_terms_equal_those_rdflib_parses():
    parsed = Graph().parse(data='<urn:s> <urn:p> "30000"^^<http://www.w3.org/2001/XMLSchema#double> .',
                           format="turtle")
    value = next(iter(parsed.objects()))
    canonical = to_rdflib(pyoxigraph.Literal("30000", datatype=DOUBLE), canonical=True)
    assert canonical == value and str(canonical) == str(value) == "30000.0"  # rdflib rewrote it
    assert written_alike(Literal("30000", datatype=XSD.double, normalize=False),
                         pyoxigraph.Literal("30000", datatype=DOUBLE))
    assert not written_alike(value, pyoxigraph.Literal("30000", datatype=DOUBLE))
    assert not written_alike(Literal("x", lang="EN"), pyoxigraph.Literal("x", language="en"))


def test_triples_both_ways():
    triple = (URIRef("urn:s"), URIRef("urn:p"), Literal("1.50", datatype=XSD.decimal, normalize=False))
    oxigraph_triple = to_oxigraph_triple(triple)
    assert oxigraph_triple.object == pyoxigraph.Literal("1.50", datatype=pyoxigraph.NamedNode(str(XSD.decimal)))
    assert to_rdflib_triple(oxigraph_triple) == triple
    with pytest.raises(ValueError, match="not an RDF triple"):
        to_oxigraph_triple((Literal("s"), URIRef("urn:p"), URIRef("urn:o")))


def test_a_triple_term_cannot_become_rdflib():
    nested = pyoxigraph.Triple(pyoxigraph.NamedNode("urn:s"), pyoxigraph.NamedNode("urn:p"), pyoxigraph.Literal("o"))
    with pytest.raises(QueryError, match=r"RDF 1\.2 triple term"):
        to_rdflib(nested)


def test_the_converter_converts_each_distinct_term_once():
    convert = rdflib_converter()
    first = convert(pyoxigraph.Literal("30000", datatype=DOUBLE))
    assert convert(pyoxigraph.Literal("30000", datatype=DOUBLE)) is first
    assert convert(None) is None


def test_rdflibs_explicit_xsd_string_becomes_the_simple_literal_oxigraph_holds():
    assert as_simple_literal(Literal("a", datatype=XSD.string)) == Literal("a")
    assert as_simple_literal(Literal("a", lang="en")) == Literal("a", lang="en")
    assert as_simple_literal(BNode("b")) == BNode("b")
    assert as_simple_literal(None) is None


def test_remote_results_keep_the_endpoints_text():
    result = parse_json_results(
        b'{"head": {"vars": ["n", "d", "s"]}, "results": {"bindings": [{'
        b'"n": {"type": "literal", "datatype": "http://www.w3.org/2001/XMLSchema#double", "value": "30000"},'
        b'"d": {"type": "typed-literal", "datatype": "http://www.w3.org/2001/XMLSchema#dayTimeDuration",'
        b' "value": "PT0S"}, "s": {"type": "literal", "value": "nodeID://not-a-node"}}]}}')
    assert [str(term) for term in result.terms[0]] == ["30000", "PT0S", "nodeID://not-a-node"]
    assert result.to_csv() == "n,d,s\r\n30000,PT0S,nodeID://not-a-node\r\n"
