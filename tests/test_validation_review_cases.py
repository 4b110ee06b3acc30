"""Regression cases from reviews of the fast path: each once gave another report than pySHACL.

One case per defect found, as pySHACL's own test suite keeps one file per issue. Each is
compared term for term with plain pySHACL (see ``test_validation_fidelity``).
"""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph

import citynet
from tests.test_validation_fidelity import PREFIXES, same_as_pyshacl

_MIXED = 'ex:a a ex:T ; ex:s "1" , "a"@en ; ex:i 1 ; ex:l "b"@en , "a"@fr ; ex:b true .\n'


def sparql_shape(select: str, prefixes: str = "ex:") -> str:
    return (f"ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:sparql [ sh:prefixes {prefixes} ; "
            f'sh:message "m {{?value}}" ; sh:select """{select}""" ] .')


REVIEW_CASES = {
    "owl-class-is-an-implicit-target": (
        "ex:a a ex:S .",
        "@prefix owl: <http://www.w3.org/2002/07/owl#> . ex:S a sh:NodeShape , owl:Class ; "
        'sh:sparql [ sh:prefixes ex: ; sh:message "bad" ; sh:select "SELECT $this WHERE { $this a ex:S }" ] .'),
    "inverse-of-a-sequence": (
        "ex:F a ex:T . ex:x ex:p ex:F . ex:y ex:q ex:x .",
        "ex:S a sh:NodeShape ; sh:targetClass ex:T ; "
        "sh:property [ sh:path [ sh:inversePath ( ex:p ex:q ) ] ; sh:class ex:C ] ."),
    "deactivated-by-a-number": (
        "ex:a a ex:T .", "ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:not [ sh:deactivated 1 ; sh:class ex:C ] ."),
    "sparql-shape-deactivated-by-a-number": (
        "ex:a a ex:T .",
        'ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:deactivated 1 ; sh:sparql [ sh:prefixes ex: ; '
        'sh:message "m" ; sh:select "SELECT $this WHERE { $this a ex:T }" ] .'),
    "absent-target-zero-length-sparql": (
        "ex:a ex:q ex:b .",
        'ex:S a sh:NodeShape ; sh:targetNode ex:absent ; sh:sparql [ sh:prefixes ex: ; '
        'sh:message "m {?value}" ; sh:select "SELECT $this ?value WHERE { $this ex:p* ?value }" ] .'),
    "absent-target-zero-or-more": (
        "ex:a ex:q ex:b .",
        "ex:S a sh:NodeShape ; sh:targetNode ex:absent ; "
        "sh:property [ sh:path [ sh:zeroOrMorePath ex:p ] ; sh:class ex:C ] ."),
    "literal-target-zero-or-one": (
        "ex:a ex:q ex:b .",
        "ex:S a sh:NodeShape ; sh:targetNode 1 ; sh:property [ sh:path [ sh:zeroOrOnePath ex:p ] ; sh:maxCount 0 ] ."),
    "this-that-pyshacl-does-not-pre-bind": (
        "ex:a a ex:T . ex:b ex:q ex:c . ex:c ex:p ex:d .", sparql_shape("SELECT * WHERE {?x ex:p ?y.?this ex:q ?x}")),
    "property-shape-with-implicit-class-target": (
        "ex:a a ex:P .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . ex:P a sh:PropertyShape , rdfs:Class ; "
        'sh:path ex:p ; sh:sparql [ sh:prefixes ex: ; sh:message "no p" ; '
        'sh:select "SELECT $this WHERE { $this a ex:P . FILTER NOT EXISTS { $this $PATH ?v } }" ] .'),
    "path-variable-inside-a-longer-path": (
        "ex:a a ex:T ; ex:p ex:x . ex:x ex:r ex:y .",
        "ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:property [ sh:path [ sh:alternativePath ( ex:p ex:q ) ] ; "
        'sh:sparql [ sh:prefixes ex: ; sh:message "m {?value}" ; '
        'sh:select "SELECT $this ?value WHERE { $this $PATH/ex:r ?value }" ] ] .'),
    "backslash-in-a-message-value": (
        r'ex:a a ex:T ; ex:v "C:\\new" .', sparql_shape("SELECT $this ?value WHERE { $this ex:v ?value }")),
    "string-against-integer": (
        _MIXED, sparql_shape("SELECT $this ?value WHERE { $this ex:s ?value ; ex:i ?i . FILTER (!(?value < ?i)) }")),
    "languages-ordered": (
        _MIXED, sparql_shape("SELECT $this ?value WHERE { $this ex:l ?value ; ex:l ?w . FILTER (?value < ?w) }")),
    "min-over-mixed-kinds": (
        'ex:a a ex:T ; ex:v 2 , "a" , ex:z .',
        sparql_shape("SELECT $this (MIN(?v) AS ?value) WHERE { $this ex:v ?v } GROUP BY $this")),
    "sample": (
        "ex:a a ex:T ; ex:v ex:x1 , ex:x2 , ex:x3 , ex:x4 , ex:x5 .",
        sparql_shape("SELECT $this (SAMPLE(?v) AS ?value) WHERE { $this ex:v ?v } GROUP BY $this")),
    "regex-look-ahead": (
        'ex:a a ex:T ; ex:v "abcd" , "xyz" .',
        sparql_shape('SELECT $this ?value WHERE { $this ex:v ?value . FILTER (!REGEX(?value, "^(?!abc)")) }')),
    "isnumeric-of-an-ill-typed-integer": (
        'ex:a a ex:T ; ex:v "abc"^^xsd:integer .',
        sparql_shape("SELECT $this ?value WHERE { $this ex:v ?value . FILTER (isNumeric(?value)) }")),
    "cast-to-boolean": (
        'ex:a a ex:T ; ex:v "TRUE" , "yes" , "1" .',
        sparql_shape("SELECT $this ?value WHERE { $this ex:v ?value . "
                     "FILTER (COALESCE(xsd:boolean(?value), false)) }")),
    "blank-shape-with-core-and-sparql-results": (
        "ex:a a ex:T .",
        "ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:property [ sh:path [ sh:inversePath ex:p ] ; sh:minCount 1 ; "
        'sh:sparql [ sh:prefixes ex: ; sh:message "m" ; sh:select "SELECT $this WHERE { $this a ex:T }" ] ] .'),
    "blank-shape-with-targets-nested": (
        "ex:a a ex:T .",
        "[] a sh:NodeShape ; sh:targetClass ex:T ; sh:node _:B . _:B a sh:NodeShape ; sh:targetClass ex:U ; "
        "sh:class ex:C ."),
    "nested-blank-property-shape-taken-over": (
        "ex:a a ex:T .",
        "[] a sh:NodeShape ; sh:targetClass ex:T ; sh:class ex:C ; sh:property [ sh:path ex:p ; "
        'sh:sparql [ sh:prefixes ex: ; sh:message "m" ; sh:select "SELECT $this WHERE { $this ex:nothing ?x }" ] ] .'),
    "iris-with-a-space-in-the-shapes": (
        "ex:a a ex:T ; ex:p ex:b .",
        "ex:S a sh:NodeShape ; sh:targetClass ex:T ; "
        "sh:property [ sh:path ex:p ; sh:class <http://example.org/C D> ] ."),
    # pySHACL checks each value against the qualified shapes of the siblings too, which read deeper.
    "disjoint-qualified-shapes-with-a-deeper-sibling": (
        "ex:a a ex:T ; ex:p1 ex:m . ex:m ex:p ex:v . ex:v ex:r ex:w . ex:w a ex:K .",
        "ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:property ex:P1 , ex:P2 . "
        "ex:P1 sh:path ( ex:p1 ex:p ) ; sh:qualifiedValueShape [ sh:nodeKind sh:IRI ] ; sh:qualifiedMinCount 1 ; "
        "sh:qualifiedValueShapesDisjoint true . "
        "ex:P2 sh:path ex:q ; sh:qualifiedValueShape [ sh:property [ sh:path ex:r ; sh:class ex:K ] ] ; "
        "sh:qualifiedMinCount 0 ."),
    # Neither typed as a shape nor given a target: a class that has sh:property is one for pySHACL.
    "class-with-a-property-shape": (
        "ex:a a ex:T ; ex:p ex:m . ex:m ex:q ex:v . ex:v a ex:Other . ex:b a ex:U .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . "
        "ex:T a rdfs:Class ; sh:property [ sh:path ( ex:p ex:q ) ; sh:class ex:K ] . "
        "ex:U2 a sh:NodeShape ; sh:targetClass ex:U ; sh:nodeKind sh:IRI ."),
    # pySHACL looks a blank focus node up in the data by a triple that names it.
    "blank-focus-node-without-triples-of-its-own": (
        "ex:n3 ex:p _:b2 .",
        "ex:S0 a sh:NodeShape ; sh:targetObjectsOf ex:p ; sh:property [ sh:path ex:r ; sh:hasValue ex:n1 ] ."),
}


@pytest.mark.filterwarnings("ignore::UserWarning")  # rdflib warns of the IRI with a space
@pytest.mark.parametrize("route", ["graph", "file"])
@pytest.mark.parametrize(("data", "shapes"), REVIEW_CASES.values(), ids=REVIEW_CASES.keys())
def test_same_report_as_pyshacl(data: str, shapes: str, route: str, tmp_path: Path,
                                request: pytest.FixtureRequest) -> None:
    """Each case as an rdflib graph, and as a file (parsed by Oxigraph, validated on a subgraph)."""
    if route == "file" and data == REVIEW_CASES["sample"][0]:
        request.applymarker(pytest.mark.xfail(strict=True, reason=(
            "SAMPLE may give any value: rdflib gives the first in its graph's order, which is the file's "
            "for pySHACL and the Oxigraph store's on the file route (a known difference, not yet closed)")))
    same_as_pyshacl(data, shapes, folder=tmp_path if route == "file" else None)


@pytest.mark.parametrize("select", ["SELECT $this WHERE { $this ex:service ?s }",
                                    "SELECT $this WHERE { $this a ex:T MINUS { $this ex:p ?x } }"],
                         ids=["service-by-pyshacl-s-pattern", "minus"])
def test_shapes_pyshacl_refuses_are_refused(select: str) -> None:
    data = Graph().parse(data=PREFIXES + "ex:a a ex:T ; ex:service ex:b .", format="turtle")
    shapes = Graph().parse(data=PREFIXES + sparql_shape(select), format="turtle")
    assert not isinstance(pyshacl.validate(data, shacl_graph=shapes, inference="none")[1], Graph)
    for fast in (True, False):
        with pytest.raises(citynet.InputError, match="pySHACL"):
            citynet.validate(data, shapes, ontology=False, fast=fast)
