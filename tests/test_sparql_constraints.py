"""The SPARQL constraints run in Oxigraph give exactly the results pySHACL gives alone.

Every comparison validates one data graph twice: with plain pySHACL and the full shapes,
and with ``citynet.validation.validator.shacl_results`` (Oxigraph for sh:sparql, pySHACL for the
rest). The results must be equal one for one, message and value included.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyshacl
import pytest
from rdflib import SH, BNode, Graph, URIRef

from citynet import resources
from citynet.graph.files import load_turtle_files
from citynet.scale.generate import DEFECT_KINDS, generate
from citynet.validation.sparql_constraints import _mode, take_sparql_constraints
from citynet.validation.validator import shacl_results
from tests.test_shapes import CASE_FILES, load_case

EX = "http://example.org/"


def _summary(results: Graph) -> Counter:
    """Each result as (severity, focus, path, value, shape, messages); blank-node paths by their triples."""
    summary: Counter = Counter()
    for result in results.objects(None, SH.result):
        path = _describe(results, results.value(result, SH.resultPath))
        summary[(
            results.value(result, SH.resultSeverity), results.value(result, SH.focusNode), path,
            results.value(result, SH.value), _describe(results, results.value(result, SH.sourceShape)),
            tuple(sorted(str(m) for m in results.objects(result, SH.resultMessage))),
        )] += 1
    return summary


def _describe(graph: Graph, node: object) -> object:
    """A blank-node path by its structure: blank node ids differ between two parses."""
    if not isinstance(node, BNode):
        return node
    return tuple(sorted((str(p), str(_describe(graph, o))) for p, o in graph.predicate_objects(node)))


def _plain_pyshacl(data: Graph, shapes: Graph) -> Graph:
    return pyshacl.validate(data, shacl_graph=shapes, inference="none")[1]


def _assert_same_results(data: Graph, shapes_text: str | None = None) -> Counter:
    def shapes() -> Graph:
        if shapes_text is None:
            return Graph().parse(resources.shapes_path(), format="turtle")
        return Graph().parse(data=shapes_text, format="turtle")

    expected = _summary(_plain_pyshacl(data, shapes()))
    assert _summary(shacl_results(data, shapes())[0]) == expected
    return expected


def _with_ontology(*paths: Path) -> Graph:
    graph = Graph()
    for turtle in load_turtle_files([resources.ontology_path(), *paths]):
        graph += turtle.graph
    return graph


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_same_results_as_pyshacl_on_shape_cases(path: Path, tmp_path: Path) -> None:
    data_file = tmp_path / path.name
    data_file.write_text(load_case(path).data, encoding="utf-8")
    _assert_same_results(_with_ontology(data_file))


def test_same_results_as_pyshacl_on_shipped_data() -> None:
    _assert_same_results(_with_ontology(*resources.data_files()))


def test_same_results_as_pyshacl_on_a_graph_with_every_defect(tmp_path: Path) -> None:
    path = tmp_path / "defects.ttl"
    generate(4000, 3, path, dict.fromkeys(DEFECT_KINDS, 2), progress=False)
    found = _assert_same_results(_with_ontology(path))
    sparql_shapes = {s for s, _ in Graph().parse(resources.shapes_path()).subject_objects(SH.sparql)}
    assert sum(n for result, n in found.items() if result[4] in sparql_shapes) >= 6, (
        "the defects should give results from SPARQL constraints")


def test_every_shipped_sparql_constraint_is_taken_over() -> None:
    shapes = Graph().parse(resources.shapes_path(), format="turtle")
    count = len(set(shapes.objects(None, SH.sparql)))
    taken, kept = take_sparql_constraints(shapes)
    assert len(taken) == count > 0 and not kept
    assert (None, SH.sparql, None) not in shapes


# ---------------------------------------------------------------- the SHACL-SPARQL details

SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .

ex: a owl:Ontology ; sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .

ex:ThingShape a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:message "shape message for {$this}"@en ;
    sh:sparql [ sh:prefixes ex: ; sh:message "{?this} has {?n} ({?value}) {?unbound}" ;
        sh:select "SELECT $this ?n WHERE { $this ex:n ?n . FILTER (?n > 1) }" ] ;
    sh:sparql [ sh:prefixes ex: ;
        sh:select "SELECT $this ?value WHERE { $this ex:link ?value . ?value ex:n ?m . }" ] ;
    sh:sparql [ sh:prefixes ex: ; sh:message "{?value}: a name, no number" ;
        sh:select '''SELECT $this ?value WHERE { $this ex:link ?value .
            FILTER EXISTS { ?value ex:name ?name . FILTER NOT EXISTS { ?value ex:n ?n } } }''' ] ;
    sh:sparql [ sh:prefixes ex: ; sh:deactivated true ;
        sh:select "SELECT $this WHERE { $this ex:n ?n }" ] ;
    sh:property ex:namePath .

ex:namePath a sh:PropertyShape ; sh:path ( ex:link ex:name ) ; sh:severity sh:Warning ;
    sh:sparql [ sh:prefixes ex: ; sh:message "Path value {?value}" ;
        sh:select "SELECT $this ?value WHERE { $this $PATH ?value . FILTER (STRLEN(?value) > 3) }" ] .

ex:SubjectsShape a sh:NodeShape ; sh:targetSubjectsOf ex:link ; sh:severity sh:Info ;
    sh:sparql [ sh:prefixes ex: ; sh:message "failure here" ;
        sh:select "SELECT $this ?failure WHERE { $this ex:link ?x . BIND (true AS ?failure) }" ] ;
    sh:sparql [ sh:prefixes ex: ; sh:message "{?value} is linked from outside" ;
        sh:select "SELECT $this ?value WHERE { $this ex:link ?value . OPTIONAL { ?other ex:link $this } }" ] .

ex:WholeGraph a sh:NodeShape ; sh:targetNode ex:root , ex:other ;
    sh:sparql [ sh:prefixes ex: ; sh:message "{?value} has no name ({$this})" ;
        sh:select '''SELECT DISTINCT $this ?value
            WHERE { ?value a ex:Thing . FILTER NOT EXISTS { ?value ex:name ?x } }''' ] .
"""

DATA = """
@prefix ex: <http://example.org/> .
ex:a a ex:Thing ; ex:n 1 , 2 , 3 ; ex:link ex:b , ex:c ; ex:name "a" .
ex:b a ex:Thing ; ex:n 5 ; ex:link ex:a ; ex:name "long name" , "bee" .
ex:c ex:name "longer" ; ex:n 0 .
ex:d a ex:Thing ; ex:link ex:e .
ex:e ex:name "e" .
"""


def test_same_results_as_pyshacl_for_the_shacl_sparql_features() -> None:
    found = _assert_same_results(Graph().parse(data=DATA, format="turtle"), SHAPES)
    assert sum(found.values()) >= 10
    messages = {m for result in found for m in result[5]}
    assert f"{EX}a has 2 ({EX}a) {{?unbound}}" in messages  # value defaults to the focus node
    assert f"shape message for {EX}a" in messages
    assert "Path value long name" in messages
    assert f"{EX}d has no name ({EX}root)" in messages
    assert f"{EX}e: a name, no number" in messages  # a nested EXISTS: run by rdflib
    assert f"{EX}c: a name, no number" not in messages


def test_which_queries_run_once() -> None:
    prefix = "PREFIX ex: <http://example.org/>\n"
    assert _mode(prefix + "SELECT $this WHERE { $this ex:p ?o }", True) == "once"
    assert _mode(prefix + "SELECT $this ?v WHERE { ?v ex:p ?o }", True) == "global"
    assert _mode(prefix + "SELECT $this (COUNT(?o) AS ?n) WHERE { $this ex:p ?o } GROUP BY $this", True) == "once"
    # These need $this pre-bound: pySHACL keeps them.
    assert _mode(prefix + "SELECT $this WHERE { ?s ex:p ?o OPTIONAL { $this ex:q ?s } }", True) is None
    assert _mode(prefix + "SELECT $this WHERE { { $this ex:p ?o } UNION { ?s ex:q ?o } }", True) is None
    assert _mode(prefix + "SELECT $this WHERE { ?s ex:p ?o FILTER (?o != $this) }", True) is None
    assert _mode(prefix + "SELECT $this (COUNT(?o) AS ?n) WHERE { $this ex:p ?o }", True) is None
    assert _mode(prefix + "SELECT $this WHERE { $this ex:p ?o } LIMIT 1", True) is None
    assert _mode(prefix + "SELECT $this WHERE { $this ex:p ?o MINUS { $this ex:q ?o } }", True) is None


def test_a_query_that_needs_prebinding_stays_with_pyshacl() -> None:
    shapes_text = SHAPES.replace(
        "SELECT $this ?value WHERE { $this ex:link ?value . ?value ex:n ?m . }",
        "SELECT $this ?value WHERE { ?value ex:n ?m . FILTER (?value != $this) }")
    shapes = Graph().parse(data=shapes_text, format="turtle")
    taken = {c.constraint for c, _ in take_sparql_constraints(shapes)[0]}
    assert len(list(shapes.objects(None, SH.sparql))) == 1 and len(taken) == 6
    found = _assert_same_results(Graph().parse(data=DATA, format="turtle"), shapes_text)
    assert any(result[1] == URIRef(f"{EX}d") and result[3] == URIRef(f"{EX}a") for result in found)


# ---------------------------------------------------------------- where findings are located

@pytest.mark.parametrize(("text", "candidate", "line"), [
    ("ex:a a ex:T .\n", "ex:a", 1),
    ("\n\n  ex:a a ex:T .\n", "ex:a", 3),          # the subject's own line, not the blank one above
    ("ex:ab a ex:T .\nex:a;\n", "ex:a", 2),         # ex:ab is another name
    ("x ex:a .\n\tex:a, ex:b .\n", "ex:a", 2),      # first at the start of a line
    ("x ex:a .\n\tex:a, ex:b .\n", "ex:b", None),   # never a line's first word
    ("ex:a.b .\n", "ex:a.b", 1),
    ("ex:b ex:p ex:a .\n\n\nex:a ex:p 1 .\n", "ex:a", 4),
    ("<a b> ex:p 1 .\n", "<a b>", None),            # not one word: found by the fallback search
])
def test_subject_lines_are_the_lines_the_subjects_begin(text: str, candidate: str, line: int | None) -> None:
    from citynet.validation.validator import _SubjectIndex

    assert _SubjectIndex(text).line(candidate) == line


# ---------------------------------------------------------------- core constraints on candidates only

CORE_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .

ex:ThingShape a sh:NodeShape ; sh:targetClass ex:Thing ; sh:nodeKind sh:IRI ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:string ] ;
    sh:property [ sh:path ex:label ; sh:datatype rdf:langString ; sh:uniqueLang true ] ;
    sh:property [ sh:path ex:code ; sh:pattern "^[a-z]+$" ; sh:flags "i" ] ;
    sh:property [ sh:path [ sh:inversePath ex:code ] ; sh:pattern "^x" ] ;
    sh:property [ sh:path ex:size ; sh:datatype xsd:integer ; sh:minInclusive 0 ; sh:maxExclusive 10 ] ;
    sh:property [ sh:path ex:kind ; sh:in ( ex:a ex:b ) ] ;
    sh:property [ sh:path ex:level ; sh:in ( 1 2 ) ] ;
    sh:property [ sh:path ex:when ; sh:or ( [ sh:datatype xsd:gYear ] [ sh:datatype xsd:date ] ) ] ;
    sh:property [ sh:path ex:part ; sh:node ex:PartShape ] ;
    sh:property [ sh:path ex:tag ; sh:minCount 2 ] ;
    sh:not [ sh:class ex:Forbidden ; sh:severity sh:Warning ] .

ex:PartShape a sh:NodeShape ; sh:class ex:Part ;
    sh:xone ( [ sh:property [ sh:path ex:a ; sh:minCount 1 ] ] [ sh:property [ sh:path ex:b ; sh:minCount 1 ] ] ) .

ex:NotPart a sh:NodeShape ; sh:targetSubjectsOf ex:part ; sh:not [ sh:class ex:Part ] ; sh:severity sh:Info .
ex:Objects a sh:NodeShape ; sh:targetObjectsOf ex:kind ; sh:nodeKind sh:IRI .
ex:Off a sh:NodeShape ; sh:targetClass ex:Thing ; sh:deactivated true ; sh:nodeKind sh:Literal .
[] a sh:NodeShape ; sh:targetNode ex:t1 , ex:nothing ; sh:property [ sh:path ex:name ; sh:maxCount 0 ] .
"""

CORE_DATA = """
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:Sub rdfs:subClassOf ex:Thing .
ex:t1 a ex:Thing ; ex:name "one" ; ex:label "a"@en , "b"@de ; ex:code "abc" ; ex:size 3 ; ex:kind ex:a ;
    ex:level 1 ; ex:when "2001"^^xsd:gYear ; ex:part ex:p1 ; ex:tag 1 , 2 .
ex:t2 a ex:Sub ; ex:name "two" , "zwei" ; ex:label "a"@en , "b"@EN ; ex:code "ABC" , "ab1" ; ex:size 10 ;
    ex:kind ex:c ; ex:level 3 ; ex:when "2001-02-30"^^xsd:date ; ex:part ex:p2 , ex:p3 ; ex:tag 1 .
ex:t3 a ex:Thing , ex:Forbidden ; ex:name "three"^^xsd:string ; ex:size "many"^^xsd:integer ; ex:tag 1 , 2 ;
    ex:label "plain" ; ex:when "2001" .
ex:t4 a ex:Thing ; ex:name "four"@en ; ex:size -1 ; ex:kind "a" ; ex:tag 1 , 2 .
ex:t5 a ex:Thing ; ex:tag 1 , 2 ; ex:size 5.0 .
_:b a ex:Thing ; ex:name "blank" ; ex:tag 1 , 2 .
ex:p1 a ex:Part ; ex:a 1 .
ex:p2 a ex:Part ; ex:a 1 ; ex:b 2 ; ex:part ex:p1 .
ex:p3 ex:b 1 .
ex:x1 ex:code "xyz" .
"""


def test_same_results_as_pyshacl_for_core_constraints() -> None:
    found = _assert_same_results(Graph().parse(data=CORE_DATA, format="turtle"), CORE_SHAPES)
    focus = {result[1] for result in found}
    assert {URIRef(f"{EX}t{n}") for n in range(2, 6)} <= focus and len(found) >= 20


def test_only_focus_nodes_that_could_fail_are_given_to_pyshacl() -> None:
    from citynet.validation.core_candidates import _Selection
    from citynet.validation.oxigraph_copy import OxigraphCopy

    data = Graph().parse(data=CORE_DATA, format="turtle")
    shapes = Graph().parse(data=CORE_SHAPES, format="turtle")
    copy = OxigraphCopy(data)
    selection = _Selection(shapes, data, copy)
    plan = selection.plan()
    assert copy.injective and copy.lossy_kinds  # "5.0" is stored as "5"
    assert not selection.fallbacks
    candidates = {s: {r["this"].value for r in copy.store.query(q)} for s, q in plan.items() if q is not None}
    assert candidates[URIRef(f"{EX}NotPart")] == {f"{EX}p2"}  # the only subject of ex:part that is an ex:Part
    assert candidates[URIRef(f"{EX}Objects")] == {"a"}
    assert candidates[URIRef(f"{EX}Off")] == set()


def test_pyshacl_checks_everything_where_oxigraph_would_merge_terms() -> None:
    from citynet.validation.oxigraph_copy import OxigraphCopy

    data = Graph().parse(data=CORE_DATA + 'ex:t1 ex:size "3.50"^^xsd:decimal , "3.5"^^xsd:decimal .',
                         format="turtle")
    assert not OxigraphCopy(data).injective
    _assert_same_results(data, CORE_SHAPES)


def test_shipped_shapes_select_candidates() -> None:
    from citynet.validation.core_candidates import _Selection
    from citynet.validation.oxigraph_copy import OxigraphCopy

    shapes = Graph().parse(resources.shapes_path(), format="turtle")
    take_sparql_constraints(shapes)
    plan = _Selection(shapes, Graph(), OxigraphCopy(Graph())).plan()
    # sh:qualifiedValueShape has no rule here: the ontology terms are all checked.
    assert {str(s).rsplit("#", 1)[-1] for s, q in plan.items() if q is None} == {"OntologyTermShape"}


# ---------------------------------------------------------------- corner cases found in review

_PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex: sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .
"""


@pytest.mark.parametrize(("shapes", "data"), [
    # pySHACL compares a double with a decimal limit exactly; SPARQL would promote it.
    ("ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:property [ sh:path ex:v ; sh:maxInclusive 0.1 ] .",
     'ex:a a ex:T ; ex:v "0.1"^^xsd:double .'),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:property [ sh:path ex:v ; sh:minInclusive 0.3 ] .",
     'ex:a a ex:T ; ex:v "0.3"^^xsd:float .'),
    # $currentShape is pre-bound to the shape.
    ("""ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:sparql [ sh:message "m" ;
        sh:select "SELECT $this WHERE { $this ?p ?o . FILTER (!BOUND($currentShape)) }" ] .""",
     "ex:a a ex:T ."),
    ("""ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:sparql [ sh:message "m" ;
        sh:select "SELECT $this WHERE { $this ?p ?o . FILTER (BOUND($currentShape)) }" ] .""",
     "ex:a a ex:T ."),
    # rdflib keeps 1.50 and 1.5 apart; Oxigraph's copy would merge them.
    ("""ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:sparql [ sh:message "two values" ; sh:prefixes ex: ;
        sh:select "SELECT $this WHERE { $this ex:v ?v } GROUP BY $this HAVING (COUNT(DISTINCT ?v) > 1)" ] .""",
     "ex:a a ex:T ; ex:v 1.50, 1.5 ."),
], ids=["double-vs-decimal", "float-vs-decimal", "current-shape-unbound", "current-shape-bound",
        "decimals-merged"])
def test_same_results_as_pyshacl_in_corner_cases(shapes: str, data: str) -> None:
    _assert_same_results(Graph().parse(data=_PREFIXES + data, format="turtle"), _PREFIXES + shapes)
