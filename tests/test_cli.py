"""The command line: exit codes, output formats, and bad input met with clear errors."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import SH

from citynet import resources
from citynet.cli import main

VALID = """@prefix cn: <https://w3id.org/citynet/def#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix schema: <https://schema.org/> .

<https://w3id.org/citynet/id/source/draft> a cn:Source ; rdfs:label "A draft"@en .
<https://w3id.org/citynet/id/city/springfield> a cn:City ;
    rdfs:label "Springfield"@en ;
    dct:source <https://w3id.org/citynet/id/source/draft> .
"""


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write(tmp_path: Path, text: str, name: str = "draft.ttl") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- validate

def test_validate_shipped_graph_passes(capsys):
    code, out, _ = run(capsys, "validate")
    assert code == 0
    # Notes (sh:Info) are allowed by default; in SHACL's sense the graph does not conform.
    assert "9 data files pass: 0 violations, 0 warnings" in out


def test_validate_other_data(capsys, tmp_path):
    code, out, _ = run(capsys, "validate", str(write(tmp_path, VALID)))
    assert code == 0, out


def test_validate_a_folder(capsys, tmp_path):
    write(tmp_path, VALID)
    code, out, _ = run(capsys, "validate", str(tmp_path))
    assert code == 0 and "1 data file passes: 0 violations, 0 warnings, 4 notes" in out


@pytest.mark.parametrize(("text", "line", "what"), [
    (VALID.replace('"Springfield"@en ;', '"Springfield"@en'), 10, "syntax error"),  # reported where the next token is
    (VALID.rstrip().rstrip("."), 10, "syntax error"),  # missing final dot
    (VALID.replace('"A draft"@en', '"A draft@en'), 7, "syntax error"),
    (VALID.replace("@prefix xsd:", "@prefx xsd:"), 4, "syntax error"),
])
def test_syntax_error_names_file_and_line_without_traceback(capsys, tmp_path, text, line, what):
    path = write(tmp_path, text)
    code, _, err = run(capsys, "validate", str(path))
    assert code == 2
    assert f"{path}:{line}" in err
    assert what in err and "Traceback" not in err


def test_ill_typed_literal_is_a_violation_with_its_file(capsys, tmp_path):
    path = write(tmp_path, VALID.replace(
        'rdfs:label "Springfield"@en ;', 'rdfs:label "Springfield"@en ; schema:foundingDate "2021-13-45"^^xsd:date ;'))
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 1
    assert "2021-13-45" in out and "not a valid xsd:date" in out
    assert str(path.name) in out


def test_iri_with_a_space_is_a_violation_with_its_file(capsys, tmp_path):
    bad_link = "<https://w3id.org/citynet/id/city/springfield> rdfs:seeAlso <http://example.org/a b> .\n"
    path = write(tmp_path, VALID + bad_link)
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 1
    assert "is not a valid IRI" in out and f"{path.name}:11" in out


def test_missing_required_property_is_reported_with_its_file(capsys, tmp_path):
    path = write(tmp_path, VALID.replace('    rdfs:label "Springfield"@en ;\n', ""))
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 1
    assert f"{path.name}:8: Violation: city:springfield rdfs:label" in out


@pytest.mark.parametrize("args", [["validate", "no-such-file.ttl"], ["validate", "README.md"]])
def test_unreadable_input_is_exit_2(capsys, args):
    code, _, err = run(capsys, *args)
    assert code == 2 and err.startswith("citynet: error:")


def test_non_utf8_file(capsys, tmp_path):
    path = tmp_path / "latin1.ttl"
    path.write_bytes(VALID.replace("A draft", "Ein Entwurf für Düsseldorf").encode("latin-1"))
    code, _, err = run(capsys, "validate", str(path))
    assert code == 2 and "not UTF-8" in err and f"{path}:7" in err


def test_validate_json_and_turtle_reports(capsys, tmp_path):
    path = write(tmp_path, VALID.replace('    rdfs:label "Springfield"@en ;\n', ""))
    code, out, _ = run(capsys, "validate", str(path), "--format", "json")
    document = json.loads(out)
    assert code == 1 and document["conforms"] is False and document["passes"] is False
    violation = next(f for f in document["findings"] if f["severity"] == "Violation")
    assert violation["file"] == str(path) and violation["line"] == 8
    code, out, _ = run(capsys, "validate", str(path), "--format", "turtle")
    report = Graph().parse(data=out, format="turtle")
    assert (None, SH.conforms, None) in report and len(list(report.subjects(SH.focusNode, None))) >= 1


# ---------------------------------------------------------------- stats, queries, query, sparql

def test_stats(capsys):
    code, out, _ = run(capsys, "stats")
    assert code == 0
    assert "22  International City Network for Crisis Management  (stated: 22 (exact))" in out
    code, out, _ = run(capsys, "stats", "--format", "json")
    assert json.loads(out)["classes"]["city network"] == 4


def test_queries_lists_every_stored_query(capsys):
    code, out, _ = run(capsys, "queries")
    names = [p.stem for p in resources.queries_dir().glob("*.rq")]
    assert code == 0 and all(name in out for name in names)


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "xml"])
def test_query_formats(capsys, fmt):
    code, out, _ = run(capsys, "query", "networks-of-place", "--param", "place=Wien", "--format", fmt)
    assert code == 0 and "International City Network for Crisis Management" in out


def test_construct_query_as_turtle(capsys):
    code, out, _ = run(capsys, "query", "network-subgraph", "-p", "network=UBC", "--format", "turtle")
    assert code == 0 and len(Graph().parse(data=out, format="turtle")) > 20
    code, _, err = run(capsys, "query", "network-subgraph", "-p", "network=UBC", "--format", "csv")
    assert code == 2 and "is a graph" in err


@pytest.mark.parametrize(("args", "message"), [
    (["query", "networks-of-places"], "no stored query named 'networks-of-places'"),
    (["query", "networks-of-place"], "needs parameter 'place'"),
    (["query", "networks-of-place", "-p", "place"], "is not KEY=VALUE"),
    (["query", "networks-of-place", "-p", "place=Atlantis"], "no place is named 'Atlantis'"),
    (["query", "shared-networks", "-p", "place=Rostock", "-p", "min_shared=many"], "expects a whole number"),
])
def test_query_errors(capsys, args, message):
    code, _, err = run(capsys, *args)
    assert code == 2 and message in err and "Traceback" not in err


def test_sparql_from_stdin(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    code, out, _ = run(capsys, "sparql", "-", "--format", "csv")
    assert code == 0 and int(out.splitlines()[1]) > 1000


def test_csv_from_the_cli_is_faithful_and_defuses_formulas_only_when_asked(capsys, monkeypatch):
    cells = 'SELECT ?cell WHERE { VALUES ?cell { "=1+2" "-0.5" } }'
    monkeypatch.setattr(sys, "stdin", io.StringIO(cells))
    code, out, _ = run(capsys, "sparql", "-", "--format", "csv")
    assert code == 0 and out.splitlines()[1:] == ["=1+2", "-0.5"]  # SPARQL CSV: the values unchanged
    monkeypatch.setattr(sys, "stdin", io.StringIO(cells))
    code, out, _ = run(capsys, "sparql", "-", "--format", "csv", "--spreadsheet-safe")
    assert code == 0 and out.splitlines()[1:] == ["'=1+2", "-0.5"]
    code, out, _ = run(capsys, "query", "networks-of-place", "-p", "place=Wien", "--format", "csv",
                       "--spreadsheet-safe")
    assert code == 0 and "International City Network for Crisis Management" in out
    monkeypatch.setattr(sys, "stdin", io.StringIO(cells))
    code, _, err = run(capsys, "sparql", "-", "--format", "json", "--spreadsheet-safe")
    assert code == 2 and "--spreadsheet-safe is for --format csv" in err


def test_serve_without_the_ontology_needs_data(capsys):
    code, _, err = run(capsys, "serve", "--no-ontology")
    assert code == 2 and "--no-ontology needs --data" in err


def test_sparql_on_data_of_ones_own_with_a_base_iri(capsys, monkeypatch, tmp_path):
    data = write(tmp_path, "<https://example.org/a> <https://example.org/p> \"PT0S\"^^"
                           "<http://www.w3.org/2001/XMLSchema#dayTimeDuration> .\n", "mine.ttl")
    monkeypatch.setattr(sys, "stdin", io.StringIO("SELECT ?o WHERE { <a> ?p ?o }"))
    code, out, _ = run(capsys, "sparql", "-", "--data", str(data), "--base", "https://example.org/",
                       "--format", "xml")
    assert code == 0 and ">PT0S</literal>" in out
    monkeypatch.setattr(sys, "stdin", io.StringIO("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    code, out, _ = run(capsys, "sparql", "-", "--data", str(data), "--format", "csv")
    assert code == 0 and out.splitlines() == ["n", "1"]  # no ontology added


def test_sparql_refuses_updates(capsys, tmp_path):
    path = write(tmp_path, "DELETE WHERE { ?s ?p ?o }", "drop.rq")
    code, _, err = run(capsys, "sparql", str(path))
    assert code == 2 and "updates are not allowed" in err


# ---------------------------------------------------------------- writing files

def test_output_file_is_written_whole(capsys, tmp_path):
    target = tmp_path / "rostock.csv"
    code, _, _ = run(capsys, "query", "networks-of-place", "-p", "place=Rostock", "--format", "csv", "-o", str(target))
    assert code == 0 and target.read_text().count("\n") == 5
    assert [p.name for p in tmp_path.iterdir()] == ["rostock.csv"]  # no temporary file left behind


def test_failed_command_leaves_existing_output_alone(capsys, tmp_path):
    target = tmp_path / "keep.csv"
    target.write_text("precious\n")
    code, _, _ = run(capsys, "query", "networks-of-place", "-p", "place=Atlantis", "-o", str(target))
    assert code == 2 and target.read_text() == "precious\n"


def test_no_command_rewrites_the_shipped_data(capsys, tmp_path):
    def digest() -> dict[str, str]:
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in resources.data_files()}

    before = digest()
    for args in (["validate"], ["validate", "--format", "turtle"], ["stats"],
                 ["query", "members-of-network", "-p", "network=ICNCM", "-o", str(tmp_path / "x.json"),
                  "--format", "json"]):
        run(capsys, *args)
    assert digest() == before


# ---------------------------------------------------------------- the real executable

def test_console_script_runs_and_documents_exit_codes():
    result = subprocess.run([sys.executable, "-m", "citynet", "query", "--help"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert "exit codes: 0 success" in result.stdout
    bad = subprocess.run([sys.executable, "-m", "citynet", "validate", "/nonexistent.ttl"],
                         capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and "no such file" in bad.stderr and "Traceback" not in bad.stderr


def test_an_unexpected_error_is_one_line_and_exit_70(capsys, monkeypatch):
    import citynet.querying.stats

    def broken(graph=None):
        raise RuntimeError("store went away")

    monkeypatch.setattr(citynet.querying.stats, "render_stats", broken)
    code, _, err = run(capsys, "stats")
    assert code == 70
    assert "internal error: RuntimeError: store went away" in err and "Traceback" not in err
