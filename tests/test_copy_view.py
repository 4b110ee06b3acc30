"""The rdflib view of the validation copy answers every triple pattern as the rdflib graph
built from the same copy does: the constraints that run in rdflib read the view instead."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from citynet.validation import validate
from citynet.validation.copy_view import CopyView, copy_graph
from citynet.validation.data_access import StoreData
from citynet.validation.oxigraph_copy import OxigraphCopy
from citynet.validation.parsed_files import parse_files
from citynet.validation.pyshacl_data import full_graph

# Literals Oxigraph stores in another form ("5.0" as "5", "+7" as "7", PT60S as PT1M), an
# ill-typed one, language tags in two cases, a tag Oxigraph's parser lets through but its
# Literal refuses (a subtag of 9 letters), blank nodes inside and outside lists.
DATA = """\
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a a ex:Thing ; ex:size "5.0"^^xsd:decimal , "2"^^xsd:decimal ; ex:count "+7"^^xsd:int ;
    ex:wait "PT60S"^^xsd:duration ; ex:name "Rostock"@de , "Ниш"@sr-Cyrl , "plain" , "x"@en-abcdefghi ;
    ex:bad "abc"^^xsd:integer ; ex:part [ ex:name "inner" ; ex:next [ ex:size "1"^^xsd:decimal ] ] .
ex:b ex:list ( ex:a "one" 2 ) ; ex:size "5.0"^^xsd:decimal ; ex:link ex:a ; ex:alias "x"@en-abcdefghi .
"""

# Terms a pattern may name that are not in the data, or are there in another form.
PROBES: list[Node] = [
    Literal("5", datatype=XSD.decimal), Literal("5.00", datatype=XSD.decimal), Literal("7", datatype=XSD.integer),
    Literal("7", datatype=XSD.int), Literal("PT1M", datatype=XSD.duration), Literal("Ниш", lang="sr-cyrl"),
    Literal("plain", datatype=XSD.string), Literal("Rostock"), URIRef("http://example.org/missing"),
    BNode("missing"), URIRef("not an iri"), RDF.type,
]


def _parsed_copy(tmp_path: Path) -> OxigraphCopy:
    data = tmp_path / "data.ttl"
    data.write_text(DATA, encoding="utf-8")
    parsed = parse_files([data])
    assert parsed.faithful
    return parsed.copy


def _assert_same_answers(copy: OxigraphCopy) -> None:
    built, view = full_graph(copy), copy_graph(copy)
    assert len(view) == len(built) > 20
    assert set(view) == set(built)
    terms = sorted({term for triple in built for term in triple} | set(PROBES), key=repr)
    positions: list[list[Node | None]] = [[None, *terms]] * 3
    for pattern in itertools.product(*positions):
        expected = set(built.triples(pattern))  # type: ignore[arg-type]
        # The view looks a term up by the stored term it was found as, once it has answered
        # with it (``view`` has answered with every term), else by the copy's form of it.
        assert set(view.triples(pattern)) == expected, pattern  # type: ignore[arg-type]
        assert set(copy_graph(copy).triples(pattern)) == expected, pattern  # type: ignore[arg-type]


def test_the_view_of_a_parsed_copy_answers_every_pattern_as_its_graph(tmp_path: Path) -> None:
    copy = _parsed_copy(tmp_path)
    assert copy.injective and copy.lossy_kinds  # some literals are stored in another form
    _assert_same_answers(copy)


def test_the_view_of_a_copy_of_a_graph_answers_every_pattern_as_its_graph() -> None:
    copy = OxigraphCopy(Graph().parse(data=DATA, format="turtle"))
    assert copy.injective
    _assert_same_answers(copy)


def test_the_view_answers_sparql_as_its_graph(tmp_path: Path) -> None:
    copy = _parsed_copy(tmp_path)
    query = """PREFIX ex: <http://example.org/>
        SELECT ?s ?v WHERE { ?s ex:size ?v . FILTER NOT EXISTS { ?s ex:part/ex:name "inner" .
            FILTER NOT EXISTS { ?s ex:missing ?c } } }"""
    rows = {tuple(row) for row in copy_graph(copy).query(query)}  # type: ignore[arg-type]
    assert rows == {tuple(row) for row in full_graph(copy).query(query)}  # type: ignore[arg-type]
    assert len(rows) == 2  # ex:a has the inner part and no ex:missing: its two sizes are left out


def test_the_view_is_read_only(tmp_path: Path) -> None:
    view = copy_graph(_parsed_copy(tmp_path))
    with pytest.raises(TypeError, match="read-only"):
        view.add((URIRef("http://example.org/x"), RDF.type, URIRef("http://example.org/Y")))


def test_asking_the_view_leaves_the_copy_as_it_was(tmp_path: Path) -> None:
    # The copy takes a term it remembers for one of the data (OxigraphCopy._in_data).
    copy = _parsed_copy(tmp_path)
    five = Literal("5", datatype=XSD.decimal)  # the data has "5.0", stored as 5
    originals = copy.originals(copy.stored_form(Literal("5.0", datatype=XSD.decimal)))
    view = copy_graph(copy)
    assert set(view.triples((None, None, five))) == set()
    assert copy.originals(copy.stored_form(Literal("5.0", datatype=XSD.decimal))) == originals
    assert five not in originals


def test_constraints_that_run_in_rdflib_read_the_view() -> None:
    copy = OxigraphCopy(Graph().parse(data=DATA, format="turtle"))
    assert isinstance(StoreData(copy, []).reading().store, CopyView)


def test_a_nested_exists_constraint_finds_a_malformed_language_tag_as_pyshacl_does(tmp_path: Path) -> None:
    """A literal whose stored form the copy cannot write as a literal is looked up by the
    other terms of its pattern (it used to match nothing: a false violation)."""
    data = tmp_path / "data.ttl"
    data.write_text('@prefix ex: <http://example.org/> .\nex:a a ex:T ; ex:name "x"@en-abcdefghi .\n'
                    'ex:b ex:alias "x"@en-abcdefghi .\n', encoding="utf-8")
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:sparql [ sh:message "name {?n} is nobody's alias" ;
  sh:select \"\"\"PREFIX ex: <http://example.org/>
  SELECT $this ?n WHERE { $this ex:name ?n .
      FILTER NOT EXISTS { ?o ex:alias ?n . FILTER NOT EXISTS { ?o ex:gone ?z } } }\"\"\" ] .
""", encoding="utf-8")
    fast = validate(data, shapes, ontology=False, check_terms=False)
    assert fast.fallbacks  # the constraint ran in rdflib, on the view
    assert [f.message for f in fast.findings] == [f.message for f in validate(
        data, shapes, ontology=False, check_terms=False, fast=False).findings] == []
