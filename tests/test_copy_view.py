"""The rdflib view of the validation copy answers every triple pattern as the rdflib graph
built from the same copy does: the constraints that run in rdflib read the view instead."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from citynet.validation.copy_view import copy_graph
from citynet.validation.data_access import StoreData
from citynet.validation.oxigraph_copy import OxigraphCopy
from citynet.validation.parsed_files import parse_files
from citynet.validation.pyshacl_data import full_graph

# Literals Oxigraph stores in another form ("5.0" as "5", "+7" as "7", PT60S as PT1M), an
# ill-typed one, language tags in two cases, blank nodes inside and outside lists.
DATA = """\
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a a ex:Thing ; ex:size "5.0"^^xsd:decimal , "2"^^xsd:decimal ; ex:count "+7"^^xsd:int ;
    ex:wait "PT60S"^^xsd:duration ; ex:name "Rostock"@de , "Ниш"@sr-Cyrl , "plain" ;
    ex:bad "abc"^^xsd:integer ; ex:part [ ex:name "inner" ; ex:next [ ex:size "1"^^xsd:decimal ] ] .
ex:b ex:list ( ex:a "one" 2 ) ; ex:size "5.0"^^xsd:decimal ; ex:link ex:a .
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
        assert set(view.triples(pattern)) == set(built.triples(pattern)), pattern  # type: ignore[arg-type]


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


def test_constraints_read_the_view_only_where_the_copy_is_injective(tmp_path: Path) -> None:
    copy = _parsed_copy(tmp_path)
    size = URIRef("http://example.org/size")
    assert len(StoreData(copy, []).reading(frozenset({size}))) == len(full_graph(copy))  # the view: all
    merged = tmp_path / "merged.ttl"  # "3.50" and "3.5" become one term in Oxigraph
    merged.write_text(DATA + 'ex:c ex:size "3.50"^^xsd:decimal , "3.5"^^xsd:decimal .\n', encoding="utf-8")
    merging = parse_files([merged]).copy
    assert not merging.injective
    with_size = set(full_graph(merging).triples((None, size, None)))
    assert set(StoreData(merging, []).reading(frozenset({size}))) == with_size
