"""The hostile catalogue (``../shared/reference/hostile-catalogue.md``), section 2: hostile input
to the command line and the Python API; and causes 3, 4 and 8 of issue 15 (exit code 2 with a
message for what the system or a parser refuses, files written with the umask's mode, a warning
for a prefix bound twice).

Catalogue row → test (rows tested elsewhere are named with their test):

- 1/2 ``sparql -`` with SERVICE, ``\\u0053ERVICE`` → test_service_is_refused_and_nothing_is_contacted
- 3/4 FROM ``file:`` / FROM NAMED a listener → test_from_reads_no_file_and_contacts_nobody
- 5 LOAD, INSERT DATA → test_updates_are_refused_and_nothing_is_contacted
- 18 41 / 500 nested ``{``, 100 000 nested ``(`` → test_deep_nesting_is_an_answer_or_exit_2_never_a_crash
- 19 40–90 disjoint triple patterns: not run (0.6 GB to over 3 GB in Oxigraph's planner; the
  CLI runs the user's own query with no memory cap, as the catalogue notes)
- 10 hostile ``--param`` values → test_string_parameters_stay_literals, test_place_payloads_are_not_places
- 11 misspelled, bare, wrong-typed and repeated parameters → test_parameter_mistakes_name_what_the_query_takes
- ``query ../../etc/passwd`` → test_a_query_name_is_not_a_path
- ``-o /proc/version`` → test_an_output_that_cannot_be_created_is_exit_2_naming_it
- 6 remote ``@context`` → test_json_ld_with_a_remote_context_is_not_read
- 8 ``owl:imports`` → test_owl_imports_are_not_followed
- 7 ``@base <file:///etc/>`` → test_a_file_base_reads_no_file
- 14 bad date, IRI with a space, ``"20x1"^^xsd:gYear`` → test_ill_typed_values_and_bad_iris_are_violations_with_lines
- 12 no final dot → test_a_missing_final_dot_is_a_syntax_error_with_its_place
- 18 Turtle nested 300 / 1 000 / 3 000 levels → test_turtle_nested_too_deeply_for_rdflib_is_exit_2_with_its_place
  (where rdflib reads the file), test_deep_nesting_is_read_where_oxigraph_parses_for_validation (100 000)
- 25 RDF/XML with a DTD named ``.ttl`` → test_rdf_xml_with_a_dtd_is_refused_as_turtle
- 17 a 100 MB literal → test_a_literal_longer_than_the_parser_reads_is_exit_2_with_its_place
- 15 duplicate ``@prefix`` (section 5) → test_a_prefix_bound_twice_is_a_warning_with_file_and_line
- 21 16 threads parsing never-seen queries (section 5) → test_queries_from_many_threads_are_all_answered
- file modes of ``-o`` (section 3) → test_output_files_get_the_umasks_mode
- byte-reproducible exports (section 3, a note) →
  tests/test_exports.py::test_every_export_is_the_same_bytes_in_another_process

Each case runs on 127.0.0.1 only and within a bounded time.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from rdflib import SH, Graph

import citynet
from citynet import resources
from citynet.cli import main
from citynet.errors import QueryError
from tests.hostile import citynet as run_citynet
from tests.server_harness import Listener


@pytest.fixture
def listener():
    listening = Listener()
    yield listening
    listening.close()


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def quiet(listener: Listener) -> bool:
    """Whether nothing has reached the listener (given a moment to arrive)."""
    time.sleep(0.3)
    return listener.received == []


def clean_failure(result, *words: str) -> bool:
    """Exit 2, one message naming ``words``, no traceback and no "bug" hint."""
    return (result.returncode == 2 and all(word in result.stderr for word in words)
            and "Traceback" not in result.stderr and "bug in citynet" not in result.stderr)


# ---------------------------------------------------------------- SPARQL from outside


def test_service_is_refused_and_nothing_is_contacted(listener, tmp_path):
    for text in (f"SELECT * WHERE {{ SERVICE <{listener.url}/x> {{ ?s ?p ?o }} }}",
                 f"SELECT * WHERE {{ \\u0053ERVICE <{listener.url}/x> {{ ?s ?p ?o }} }}"):
        result = run_citynet("sparql", "-", stdin=text)
        assert clean_failure(result, "SERVICE is not allowed"), result.stderr
        with pytest.raises(QueryError, match="SERVICE is not allowed"):
            citynet.sparql(text)
    assert quiet(listener)


def test_service_hidden_from_a_lexer_is_refused_and_nothing_is_contacted(listener):
    """Oxigraph reads "<" as "less than" after an operand, and SERVICE run on into the name after
    it: a lexer that takes "<…>" as an IRI, or stops a name at "%" or "é", would miss these."""
    url = listener.url
    for text in (f'SELECT * WHERE {{ FILTER(1<2#> """\n) SERVICE <{url}/x> {{ ?s ?p ?o }} \n#"""\n }}',
                 f"SELECT * WHERE {{ FILTER(1<'x>') SERVICE <{url}/x> {{ ?s ?p ?o }} FILTER('x'!='') }}",
                 f"PREFIX a: <{url}/> SELECT * {{ SERVICEa:%41b {{ ?s ?p ?o }} }}",
                 f"PREFIX a: <{url}/> SELECT * {{ SERVICEa:\u00e9b {{ ?s ?p ?o }} }}"):
        with pytest.raises(QueryError):
            citynet.sparql(text)
    assert quiet(listener)


def test_from_reads_no_file_and_contacts_nobody(listener):
    for text in ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
                 f"SELECT * FROM NAMED <{listener.url}/g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"):  # noqa: S608
        result = citynet.sparql(text)
        assert len(result) == 0, text
    assert quiet(listener)


def test_updates_are_refused_and_nothing_is_contacted(listener):
    for text in (f"LOAD <{listener.url}/x>", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"):
        result = run_citynet("sparql", "-", stdin=text)
        assert clean_failure(result, "updates are not allowed"), result.stderr
    assert quiet(listener)


@pytest.mark.parametrize("text", [
    "SELECT * WHERE " + "{" * 41 + " ?s ?p ?o " + "}" * 41 + " LIMIT 1",
    "SELECT * WHERE " + "{" * 500 + " ?s ?p ?o " + "}" * 500 + " LIMIT 1",
    "ASK { FILTER(" + "(" * 100_000 + "1" + ")" * 100_000 + ") }",
    "ASK { FILTER(" + "\\u0028" * 5_000 + "1" + ")" * 5_000 + ") }",
], ids=["41 braces", "500 braces", "100000 parentheses", "5000 escaped parentheses"])
def test_deep_nesting_is_an_answer_or_exit_2_never_a_crash(text):
    # Oxigraph's parser overflows its stack (SIGSEGV) some thousand levels deep: refused before.
    result = run_citynet("sparql", "-", stdin=text)
    assert result.returncode in (0, 2), result
    assert "Traceback" not in result.stderr and "bug in citynet" not in result.stderr
    if result.returncode == 2:
        assert "more than 256 levels deep" in result.stderr
    else:
        assert "(1 row)" in result.stdout


# ---------------------------------------------------------------- stored-query parameters


@pytest.mark.parametrize("value", ['"} ; DROP ALL #', "x\\u0022 . ?s ?p ?o } #", "a\nb"])
def test_string_parameters_stay_literals(capsys, value):
    code, out, err = run(capsys, "query", "search", "--param", f"text={value}", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["results"]["bindings"] == []


@pytest.mark.parametrize("value", ['Rostock" } UNION { ?s ?p ?o } #',
                                   "https://w3id.org/citynet/id/city/rostock> ?p ?o } #"])
def test_place_payloads_are_not_places(capsys, value):
    code, _, err = run(capsys, "query", "networks-of-place", "--param", f"place={value}")
    assert code == 2 and "no place is named" in err and "Traceback" not in err


@pytest.mark.parametrize("args", [
    ["networks-of-place", "--param", "palce=Rostock"],
    ["networks-of-place", "--param", "Rostock"],
    ["shared-networks", "--param", "place=Rostock", "--param", "min_shared=x"],
    ["networks-of-place", "--param", "place=Rostock", "--param", "place=Wien"],
])
def test_parameter_mistakes_name_what_the_query_takes(capsys, args):
    code, _, err = run(capsys, "query", *args)
    assert code == 2 and "Traceback" not in err
    assert "place" in err or "min_shared" in err


@pytest.mark.parametrize("call", [
    lambda: citynet.query("networks-of-place", palce="Rostock"),
    lambda: citynet.query("networks-of-place", place="Rostock", extra=1),
    lambda: citynet.query("networks-of-place", place=123),
    lambda: citynet.query("networks-of-place", place=None),
])
def test_parameter_mistakes_in_python_are_query_errors(call):
    with pytest.raises(QueryError, match="place"):
        call()


def test_a_query_name_is_not_a_path(capsys):
    code, _, err = run(capsys, "query", "../../etc/passwd")
    assert code == 2 and "no stored query named" in err


# ---------------------------------------------------------------- files that point elsewhere


def test_json_ld_with_a_remote_context_is_not_read(listener, tmp_path):
    document = json.dumps({"@context": f"{listener.url}/ctx.jsonld", "@id": "http://x/a"})
    for name in ("ctx.jsonld", "ctx.ttl"):
        (tmp_path / name).write_text(document)
        result = run_citynet("validate", name, cwd=tmp_path)
        assert clean_failure(result, name), result.stderr
    assert quiet(listener)


def test_owl_imports_are_not_followed(listener, tmp_path, capsys):
    (tmp_path / "imp.ttl").write_text(
        f"<http://e/o> a <http://www.w3.org/2002/07/owl#Ontology> ; <http://www.w3.org/2002/07/owl#imports> "
        f"<{listener.url}/i.ttl>, <file:///etc/passwd> .\n")
    code, out, _ = run(capsys, "validate", str(tmp_path / "imp.ttl"))
    assert code == 0 and "conforms" in out
    assert quiet(listener)


def test_a_file_base_reads_no_file(tmp_path, capsys):
    (tmp_path / "b.ttl").write_text("@base <file:///etc/> .\n<passwd> <http://www.w3.org/2000/01/rdf-schema#seeAlso> "
                                    "<shadow> .\n")
    code, out, _ = run(capsys, "validate", str(tmp_path / "b.ttl"))
    assert code == 0 and "conforms" in out
    graph = citynet.KnowledgeGraph.from_files([tmp_path / "b.ttl"])
    assert len(graph) == 1  # the IRIs are names: nothing from /etc came in


# ---------------------------------------------------------------- Turtle that parsers choke on

BADDATE = """@prefix schema: <http://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix cn: <https://w3id.org/citynet/def#> .
<https://w3id.org/citynet/id/event/x> a cn:ConferenceEdition ; schema:startDate "2021-13-45"^^xsd:date ;
  cn:year "20x1"^^xsd:gYear .
<https://w3id.org/citynet/id/city/a b> a cn:City .
"""


def test_ill_typed_values_and_bad_iris_are_violations_with_lines(tmp_path, capsys):
    (tmp_path / "baddate.ttl").write_text(BADDATE)
    code, out, _ = run(capsys, "validate", str(tmp_path / "baddate.ttl"))
    assert code == 1
    lines = out.splitlines()
    for needle, line in (('"2021-13-45"', 4), ('"20x1"', 5), ("city/a b", 6)):
        found = [text for text in lines if needle in text and "Violation" in text]
        assert found and f"baddate.ttl:{line}:" in found[0], (needle, out)


def test_a_missing_final_dot_is_a_syntax_error_with_its_place(tmp_path):
    (tmp_path / "nodot.ttl").write_text("<http://x/a> <http://x/b> <http://x/c>")
    result = run_citynet("validate", "nodot.ttl", cwd=tmp_path)
    assert clean_failure(result, "nodot.ttl:1:39", "Turtle syntax error"), result.stderr


@pytest.mark.parametrize("depth", [300, 1000, 3000])
@pytest.mark.parametrize("brackets", ["[ <http://x/p> ", "( "])
def test_turtle_nested_too_deeply_for_rdflib_is_exit_2_with_its_place(tmp_path, depth, brackets):
    """Where validation reads a file with rdflib (here: an explicit ^^xsd:string, which Oxigraph's
    parse would drop, sends it that way), rdflib's parser recurses once per level."""
    closing = " ]" if brackets.startswith("[") else " )"
    (tmp_path / "d.ttl").write_text('<http://x/a> <http://x/c> "s"^^<http://www.w3.org/2001/XMLSchema#string> .\n'
                                    "<http://x/a> <http://x/b> " + brackets * depth + "<http://x/o>"
                                    + closing * depth + " .\n")
    result = run_citynet("validate", "d.ttl", cwd=tmp_path)
    column = len("<http://x/a> <http://x/b> ") + len(brackets) * (depth - 1) + 1
    assert clean_failure(result, f"d.ttl:2:{column}:", f"nested {depth} levels deep"), result.stderr
    assert "labels (_:b1)" in result.stderr


@pytest.mark.parametrize("brackets", ["[ <http://x/p> ", "( "])
def test_deep_nesting_is_read_where_oxigraph_parses_for_validation(tmp_path, brackets):
    """The catalogue's 100,000 nested ( or [ ]: Oxigraph's parse, which validation uses for
    Turtle it reads the same way, follows them; the data is valid and conforms."""
    depth = 100_000
    closing = " ]" if brackets.startswith("[") else " )"
    (tmp_path / "d.ttl").write_text("<http://x/a> <http://x/b> " + brackets * depth + "<http://x/o>"
                                    + closing * depth + " .\n")
    result = run_citynet("validate", "--no-ontology", "--shapes", str(resources.shapes_path()), "d.ttl",
                         cwd=tmp_path, timeout=300)
    assert result.returncode == 0 and "conforms" in result.stdout, result.stderr


def test_nesting_the_parser_can_follow_is_read(tmp_path, capsys):
    (tmp_path / "d.ttl").write_text("<http://x/a> <http://x/b> " + "[ <http://x/p> " * 60 + "<http://x/o>"
                                    + " ]" * 60 + " .\n")
    code, out, _ = run(capsys, "validate", "--no-ontology", "--shapes", str(resources.shapes_path()),
                       str(tmp_path / "d.ttl"))
    assert code == 0 and "conforms" in out


def test_rdf_xml_with_a_dtd_is_refused_as_turtle(tmp_path):
    laughs = '<!ENTITY l0 "lol">' + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    (tmp_path / "rdfxml.ttl").write_text(f'<?xml version="1.0"?>\n<!DOCTYPE rdf [{laughs}]>\n'
                                         '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
                                         '<rdf:Description rdf:about="http://x/a"><rdf:value>&l9;</rdf:value>'
                                         "</rdf:Description></rdf:RDF>\n")
    result = run_citynet("validate", "rdfxml.ttl", cwd=tmp_path, timeout=60)
    assert clean_failure(result, "rdfxml.ttl:", "Turtle syntax error"), result.stderr


def test_a_literal_longer_than_the_parser_reads_is_exit_2_with_its_place(tmp_path):
    # Over Oxigraph's 16 MiB token buffer (the catalogue used 100 MB; the limit is the same).
    with (tmp_path / "huge.ttl").open("w") as stream:
        stream.write('<http://x/s> <http://x/p> "small" .\n<http://x/a> <http://x/b> "')
        stream.write("A" * (17 * 1024 * 1024))
        stream.write('" .\n')
    for args in (["validate", "huge.ttl"], ["sparql", "-", "--data", "huge.ttl"]):
        result = run_citynet(*args, cwd=tmp_path, stdin="ASK {}")
        assert clean_failure(result, "huge.ttl:2:27:", "longer than 16 MiB"), result.stderr


# ---------------------------------------------------------------- what the system refuses (cause 3)


@pytest.mark.parametrize("args", [
    ["query", "class-counts"], ["export", "--format", "turtle"], ["catalog"], ["validate"],
    ["generate", "--triples", "10"],
])
def test_an_output_that_cannot_be_created_is_exit_2_naming_it(args):
    target = "/proc/version"
    command = [*args, target] if args[0] == "generate" else [*args, "-o", target]
    result = run_citynet(*command)
    assert clean_failure(result, target, "cannot create a file in /proc"), result.stderr


def test_a_full_device_is_exit_2_naming_it(tmp_path):
    # A node of its own for the full device (/dev/full's numbers), never the system's: code
    # that renamed a file over its target would replace the node it is given.
    full = tmp_path / "full"
    try:
        os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    except PermissionError:
        pytest.skip("making a device node needs root (CAP_MKNOD)")
    result = run_citynet("export", "--format", "turtle", "-o", str(full))
    assert clean_failure(result, str(full), "No space left on device", "disk is full"), result.stderr
    assert stat.S_ISCHR(full.stat().st_mode)  # written into, not replaced
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full"]


def test_an_invalid_endpoint_url_is_exit_2_naming_it():
    for args in (["push", "--graph", "https://example.org/g"], ["query", "class-counts"]):
        result = run_citynet(*args, "--endpoint", "http://[::1/store")
        assert clean_failure(result, "'http://[::1/store' is not a valid URL"), result.stderr


def test_a_query_on_standard_input_that_is_not_utf8_is_exit_2():
    result = subprocess.run([sys.executable, "-m", "citynet", "sparql", "-"], input=b"SELECT \xff\xfe WHERE {}",
                            capture_output=True, timeout=120, check=False)
    assert result.returncode == 2 and b"not UTF-8 text (byte 8)" in result.stderr
    assert b"Traceback" not in result.stderr


# ---------------------------------------------------------------- file modes (cause 4)


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_output_files_get_the_umasks_mode(tmp_path, umask, mode):
    commands = {"export.ttl": ["export", "--format", "turtle", "-o"], "catalog.ttl": ["catalog", "-o"],
                "counts.csv": ["query", "class-counts", "--format", "csv", "-o"],
                "report.txt": ["validate", "-o"], "generated.ttl": ["generate", "--triples", "50"]}
    for name, command in commands.items():
        result = run_citynet(*command, name, cwd=tmp_path, umask=umask)
        assert result.returncode == 0, result.stderr
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == mode, name
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(commands)  # no temporary file left


def test_a_replaced_file_keeps_its_mode(tmp_path):
    target = tmp_path / "c.ttl"
    target.write_text("old\n")
    target.chmod(0o640)
    result = run_citynet("catalog", "-o", "c.ttl", cwd=tmp_path, umask=0o022)
    assert result.returncode == 0 and target.read_text() != "old\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_output_through_a_symbolic_link_writes_the_file_it_points_to(tmp_path, capsys):
    (tmp_path / "real.ttl").write_text("old\n")
    (tmp_path / "link.ttl").symlink_to("real.ttl")
    code, _, err = run(capsys, "catalog", "-o", str(tmp_path / "link.ttl"))
    assert code == 0, err
    assert (tmp_path / "link.ttl").is_symlink() and (tmp_path / "real.ttl").read_text().startswith("@prefix")


def test_output_into_a_fifo_is_written_into_it(tmp_path, capsys):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    code, _, err = run(capsys, "query", "class-counts", "--format", "csv", "-o", str(fifo))
    reader.join(timeout=60)
    assert code == 0, err
    assert stat.S_ISFIFO(fifo.stat().st_mode) and got and got[0].startswith(b"class,")


# ---------------------------------------------------------------- a prefix bound twice (cause 8)


def test_a_prefix_bound_twice_is_a_warning_with_file_and_line(tmp_path, capsys):
    dupe = tmp_path / "dupe.ttl"
    dupe.write_text("@prefix ex: <http://a/> .\n@prefix ex: <http://b/> .\nex:x ex:y ex:z .\n")
    code, out, _ = run(capsys, "validate", "--info", str(dupe))
    assert code == 0  # a warning: exit 1 only with --fail-on warning
    assert "dupe.ttl:2: Warning: @prefix ex: is bound again, to <http://b/>; line 1 bound it to <http://a/>" in out
    assert "1 warnings" in out
    assert run(capsys, "validate", "--fail-on", "warning", str(dupe))[0] == 1
    code, out, _ = run(capsys, "validate", "--format", "json", str(dupe))
    finding = json.loads(out)["findings"][0]
    assert finding["severity"] == "Warning" and finding["line"] == 2 and finding["value"] == "http://b/"
    assert finding["component"] == "https://w3id.org/citynet/shapes#PrefixRebindingConstraintComponent"
    code, out, _ = run(capsys, "validate", "--format", "turtle", str(dupe))
    report = Graph().parse(data=out, format="turtle")
    assert (None, SH.resultSeverity, SH.Warning) in report


def test_a_prefix_bound_again_to_the_same_namespace_or_in_text_is_no_warning(tmp_path, capsys):
    same = tmp_path / "same.ttl"
    same.write_text('@prefix ex: <http://a/> .\n# @prefix ex: <http://c/> .\n<http://x/s> <http://x/p> """\n'
                    '@prefix ex: <http://d/> .\n""" .\nPREFIX ex: <http://a/>\nex:x ex:y ex:z .\n')
    code, out, _ = run(capsys, "validate", str(same))
    assert code == 0 and "0 warnings" in out


def test_the_shipped_data_binds_no_prefix_twice(report):
    assert not [f for f in report.findings if "bound again" in f.message]


# ---------------------------------------------------------------- threads


def test_queries_from_many_threads_are_all_answered():
    shapes = [
        'SELECT ?s WHERE {{ ?s ?p ?o FILTER REGEX(STR(?s), "x{i}") }}',
        "SELECT ?s WHERE {{ ?s ?p ?o OPTIONAL {{ ?s <urn:n{i}> ?n }} FILTER(!BOUND(?n)) }} LIMIT 3",
        "SELECT (GROUP_CONCAT(?o) AS ?g) WHERE {{ ?s <urn:p{i}> ?o }} GROUP BY ?s HAVING(COUNT(?o) > 0)",
        "CONSTRUCT {{ ?s <urn:q> {i} }} WHERE {{ VALUES ?s {{ <urn:s{i}> }} }}",
        "SELECT (IF(BOUND(?x), 1, COALESCE(?y, {i})) AS ?v) WHERE {{}}",
        "SELECT ?s WHERE {{ {{ ?s <urn:a{i}> ?o }} UNION {{ ?s <urn:b> ?o }} MINUS {{ ?s <urn:c> ?o }} }}",
        "SELECT ?s WHERE {{ ?s (<urn:p{i}>|^<urn:q>)* ?o }} LIMIT 1",
        "ASK {{ ?s ?p {i} }}",
    ]
    barrier = threading.Barrier(16)

    def work(worker: int) -> int:
        barrier.wait(timeout=60)
        answered = 0
        for round_ in range(6):
            text = shapes[(worker + round_) % len(shapes)].format(i=worker * 100 + round_)
            citynet.sparql(text)
            answered += 1
        return answered

    with ThreadPoolExecutor(16) as pool:
        assert sum(pool.map(work, range(16))) == 96
    assert len(citynet.sparql("SELECT ?n WHERE { ?n a <https://w3id.org/citynet/def#CityNetwork> }")) == 4
