"""citynet.validate for any data and any shapes, and its reports as SHACL defines them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import OWL, RDF, SH, Graph, Literal, URIRef

import citynet
from citynet.cli import main
from citynet.validation.output import render_json, render_turtle

ONTOLOGY = URIRef("https://w3id.org/citynet/def")
CNSH = "https://w3id.org/citynet/shapes#"
SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
ex:PersonShape a sh:NodeShape ; sh:targetClass ex:Person ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ] ;
    sh:property [ sh:path ex:nick ; sh:maxCount 1 ; sh:severity sh:Warning ] .
"""
DATA = """@prefix ex: <http://example.org/> .
ex:ann a ex:Person ; ex:name "Ann" .
ex:bob a ex:Person ; ex:nick "B" , "Bo" .
"""
UNTYPED = "@prefix city: <https://w3id.org/citynet/id/city/> .\n" \
          "@prefix gn: <http://www.geonames.org/ontology#> .\ncity:nowhere gn:countryCode \"DE\" .\n"


def _files(tmp_path: Path) -> tuple[Path, Path]:
    shapes, data = tmp_path / "shapes.ttl", tmp_path / "data.ttl"
    shapes.write_text(SHAPES, encoding="utf-8")
    data.write_text(DATA, encoding="utf-8")
    return shapes, data


def _summary(report: citynet.ValidationReport) -> set[tuple]:
    return {(f.severity, f.focus_node, f.path, f.component) for f in report.findings}


def test_any_data_against_any_shapes_from_files_or_graphs(tmp_path: Path) -> None:
    shapes, data = _files(tmp_path)
    from_files = citynet.validate([data], shapes=shapes, ontology=False)
    from_graphs = citynet.validate(Graph().parse(data), shapes=Graph().parse(shapes), ontology=False)
    bob = URIRef("http://example.org/bob")
    expected = {(citynet.Severity.VIOLATION, bob, URIRef("http://example.org/name"), SH.MinCountConstraintComponent),
                (citynet.Severity.WARNING, bob, URIRef("http://example.org/nick"), SH.MaxCountConstraintComponent)}
    assert _summary(from_files) == _summary(from_graphs) == expected
    assert [f.line for f in from_files.violations] == [3] and from_graphs.violations[0].file is None


def test_a_given_shapes_graph_is_not_changed(tmp_path: Path) -> None:
    shapes_file, data = _files(tmp_path)
    shapes = Graph().parse(shapes_file)
    before = len(shapes)
    citynet.validate([data], shapes=shapes, ontology=False)
    assert len(shapes) == before


def test_a_loaded_knowledge_graph(tmp_path: Path) -> None:
    path = tmp_path / "draft.ttl"
    path.write_text(UNTYPED, encoding="utf-8")
    report = citynet.validate(citynet.KnowledgeGraph([path]))
    assert report.files == [path] and not report.passes()
    assert any(f.file == path and f.line == 3 for f in report.violations)


def test_conforms_as_shacl_says_and_passes_as_the_exit_code_says(tmp_path: Path) -> None:
    shapes, _ = _files(tmp_path)
    warnings_only = tmp_path / "warnings.ttl"
    warnings_only.write_text(DATA.replace('ex:bob a ex:Person ;', 'ex:bob a ex:Person ; ex:name "Bob" ;'),
                             encoding="utf-8")
    report = citynet.validate([warnings_only], shapes=shapes, ontology=False)
    assert not report.conforms and report.passes() and not report.passes(citynet.Severity.WARNING)
    assert (None, SH.conforms, Literal(False)) in Graph().parse(data=render_turtle(report), format="turtle")
    clean = tmp_path / "clean.ttl"
    clean.write_text('@prefix ex: <http://example.org/> .\nex:ann a ex:Person ; ex:name "Ann" .\n', encoding="utf-8")
    assert citynet.validate([clean], shapes=shapes, ontology=False).conforms


def test_every_result_names_its_constraint_component(tmp_path: Path) -> None:
    path = tmp_path / "draft.ttl"
    year = '"20x1"^^<http://www.w3.org/2001/XMLSchema#gYear>'
    path.write_text(UNTYPED + f"city:nowhere <http://example.org/y> {year} .\n", encoding="utf-8")
    report = citynet.validate([path])
    graph = report.graph
    results = list(graph.objects(None, SH.result))
    assert len(results) == len(report.findings)
    components = {graph.value(r, SH.sourceConstraintComponent) for r in results}
    assert {SH.SPARQLConstraintComponent, URIRef(CNSH + "LexicalFormConstraintComponent")} <= components
    assert all(graph.value(r, SH.sourceShape) is not None for r in results)
    assert all(f.component is not None for f in report.findings)


def test_whole_graph_rules_keep_the_offender_in_sh_value(tmp_path: Path) -> None:
    """SHACL's report names the ontology node as focus; people read the offender."""
    path = tmp_path / "draft.ttl"
    path.write_text(UNTYPED, encoding="utf-8")
    report = citynet.validate([path])
    nowhere = URIRef("https://w3id.org/citynet/id/city/nowhere")
    rule = next(f for f in report.violations if f.focus_node == ONTOLOGY)
    assert rule.value == nowhere and rule.about == nowhere and rule.file == path
    document = json.loads(render_json(report))
    found = next(f for f in document["findings"] if f["focus_node"] == str(ONTOLOGY))
    assert found["value"] == str(nowhere) and found["about"] == str(nowhere)
    graph = Graph().parse(data=render_turtle(report), format="turtle")
    assert any(graph.value(r, SH.value) == nowhere for r in graph.subjects(SH.focusNode, ONTOLOGY))
    assert (ONTOLOGY, RDF.type, OWL.Ontology) not in graph


def test_the_fast_path_switch_gives_the_same_findings(tmp_path: Path) -> None:
    shapes, data = _files(tmp_path)
    fast = citynet.validate([data], shapes=shapes, ontology=False)
    plain = citynet.validate([data], shapes=shapes, ontology=False, fast=False)
    assert _summary(fast) == _summary(plain) and plain.fallbacks == {"all shapes": "the fast path is off"}


def test_shapes_without_shacl_are_refused(tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacI#> .\n<http://example.org/S> a sh:NodeShape .\n",
                      encoding="utf-8")
    with pytest.raises(citynet.InputError, match="no SHACL shape"):
        citynet.validate(shapes=shapes)


# ---------------------------------------------------------------- the command line

def test_cli_with_shapes_of_ones_own(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shapes, data = _files(tmp_path)
    assert main(["validate", "--shapes", str(shapes), "--no-ontology", str(data)]) == 1
    out = capsys.readouterr().out
    assert "1 data file fails: 1 violations, 1 warnings, 0 notes" in out
    assert f"{data.name}:3: Violation: <http://example.org/bob> <http://example.org/name>" in out


def test_cli_fail_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shapes, _ = _files(tmp_path)
    data = tmp_path / "warnings.ttl"
    data.write_text(DATA.replace('ex:bob a ex:Person ;', 'ex:bob a ex:Person ; ex:name "Bob" ;'), encoding="utf-8")
    arguments = ["validate", "--shapes", str(shapes), "--no-ontology", str(data)]
    assert main(arguments) == 0
    assert main([*arguments, "--fail-on", "warning"]) == 1
    assert "1 data file fails" in capsys.readouterr().out.splitlines()[-1]


def test_cli_turtle_report_without_term_checks_is_pyshacls(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shapes, data = _files(tmp_path)
    main(["validate", "--shapes", str(shapes), "--no-ontology", "--no-term-checks", "--format", "turtle", str(data)])
    graph = Graph().parse(data=capsys.readouterr().out, format="turtle")
    assert len(list(graph.subjects(RDF.type, SH.ValidationResult))) == 2
