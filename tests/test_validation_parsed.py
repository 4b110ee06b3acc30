"""Validation of files parsed by Oxigraph alone gives exactly plain pySHACL's findings.

Generated graphs with every kind of defect the generator injects are validated on the fast
path (Oxigraph's parse, pySHACL on a graph of only the candidate focus nodes' surroundings)
and compared, finding by finding (file and line included):

* at 2k triples, with plain pySHACL (``fast=False``: rdflib's parse, pySHACL on the whole
  graph). Plain pySHACL takes minutes at 10k on 2 cores, most of it in its SPARQL
  constraints, run once per focus node: too slow for the suite, so the larger graph is
  compared with the step before, below;
* at 10k triples, with the fast path over rdflib's parse (the path this one replaced,
  held to plain pySHACL's report by tests/test_w3c_shacl.py and
  tests/test_validation_fidelity.py). There the Oxigraph parse must not hand the files
  to rdflib's parser at all."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph
from rdflib.namespace import XSD

from citynet.errors import InputError
from citynet.scale.generate import DEFECT_KINDS, generate
from citynet.validation import Finding, ValidationReport, oxigraph_copy, validate
from citynet.validation import parsed_files as parsed_files_module
from citynet.validation import validator as validator_module
from citynet.validation.data_access import StoreData
from citynet.validation.parsed_files import ParsedFiles, parse_files
from citynet.validation.term_checks import TermProblem, graph_term_problems


def _key(finding: Finding) -> tuple[str, ...]:
    shape = finding.shape
    # A blank-node shape is named differently in each parse of the shapes: its kind stays.
    blank = shape is None or (str(shape).startswith("n") and ":" not in str(shape))
    shape_name = "blank shape" if blank else str(shape)
    return (str(finding.focus_node), str(finding.path), str(finding.value), shape_name, str(finding.component),
            finding.severity_name, finding.message, str(finding.file), str(finding.line))


def _findings(report: ValidationReport) -> list[tuple[str, ...]]:
    return sorted(map(_key, report.findings))


def _defective(folder: Path, triples: int) -> Path:
    out = folder / f"defects-{triples}.ttl"
    generate(triples, seed=3, out=out, defects={kind: 2 for kind in DEFECT_KINDS})
    return out


# Each defect kind injected twice gives at least this many findings.
_AT_LEAST = sum(DEFECT_KINDS[k].violations_each * 2 for k in DEFECT_KINDS)


def test_the_oxigraph_parse_gives_pyshacls_findings(tmp_path: Path) -> None:
    data = _defective(tmp_path, 2_000)
    plain = validate([data], fast=False)
    assert _findings(validate([data])) == _findings(plain)
    # Every defect kind was found (the comparison is not between two empty reports).
    assert len(plain.findings) >= _AT_LEAST


def test_constraints_run_in_rdflib_without_a_graph_of_all_the_data(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The two constraints with a nested FILTER NOT EXISTS run in rdflib on a view of the
    Oxigraph copy, never on an rdflib graph of all the data, and find what pySHACL finds on
    all of it: a host that is not a member (injected), and a complete
    member list that lists one member too many (added here)."""
    data = _defective(tmp_path, 2_000)
    # Tags in lower case: a tag with capitals (sr-Cyrl) sends the constraints that read
    # language tags to rdflib too, one of them with a variable predicate (all the data).
    data.write_text(re.sub(r'"@[\w-]+', lambda tag: tag.group().lower(), data.read_text()), encoding="utf-8")
    complete = re.search(r'^(network:\S+) a cn:CityNetwork ;(?:\n    .*)*?\n    cn:memberListComplete "true"',
                         data.read_text(), flags=re.M)
    assert complete is not None, "the generated graph has a network with a complete member list"
    extra = tmp_path / "extra.ttl"
    extra.write_text("@prefix network: <https://w3id.org/citynet/id/network/> .\n"
                     "@prefix org: <http://www.w3.org/ns/org#> .\n"
                     f"<https://w3id.org/citynet/id/membership/extra> a org:Membership ;\n"
                     f"    org:organization {complete.group(1)} ;\n"
                     "    org:member <https://w3id.org/citynet/id/city/extra-town> .\n", encoding="utf-8")

    def refuse(self: StoreData) -> None:
        raise AssertionError("an rdflib graph of all the data was built")

    with monkeypatch.context() as patched:
        patched.setattr(StoreData, "full", property(refuse))
        fast = validate([data, extra])
    plain = validate([data, extra], fast=False)
    assert _findings(fast) == _findings(plain)
    messages = [finding.message for finding in plain.findings]
    assert any(m.startswith("The member list is declared complete, but lists") for m in messages)
    assert any(m.startswith("The host ") for m in messages)


def test_at_10k_the_oxigraph_parse_gives_the_rdflib_parses_findings(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    data = _defective(tmp_path, 10_000)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("rdflib parsed the files")

    with monkeypatch.context() as patched:
        patched.setattr(validator_module, "load_turtle_files", refuse)
        fast = validate([data])
    # The path before this one: rdflib parses the files, the fast path validates that graph.
    monkeypatch.setattr(validator_module, "_validate_parsed", lambda *args: None)
    through_rdflib = validate([data])
    assert _findings(fast) == _findings(through_rdflib)
    assert len(fast.findings) >= _AT_LEAST
    assert fast.fallbacks == through_rdflib.fallbacks


def test_an_upper_case_language_tag_keeps_its_case(tmp_path: Path) -> None:
    data = tmp_path / "tags.ttl"
    data.write_text('@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
                    '<https://w3id.org/citynet/id/city/x> a <https://w3id.org/citynet/def#City> ;\n'
                    '    rdfs:label "X"@sr-Cyrl .\n', encoding="utf-8")
    assert sorted(map(_key, validate([data]).findings)) == sorted(map(_key, validate([data], fast=False).findings))


def test_the_copy_remembers_only_the_literals_it_may_store_in_another_form(tmp_path: Path) -> None:
    # A lower-case tagged or simple string is stored as written and found in the store when
    # asked for; remembering each (most literals of a big graph) took memory for nothing.
    from rdflib import Literal

    data = tmp_path / "literals.ttl"
    data.write_text('@prefix ex: <http://example.org/> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
                    'ex:a ex:p "Rostock"@de, "Ниш"@sr-Cyrl, "plain", "05"^^xsd:integer .\n', encoding="utf-8")
    copy = parse_files([data]).copy
    remembered = set(copy._to)
    assert remembered == {Literal("Ниш", lang="sr-Cyrl"), Literal("05", datatype=XSD.integer)}
    german = Literal("Rostock", lang="de")
    assert copy.originals(ox.Literal("Rostock", language="de")) == [german]
    assert copy.to_rdflib(copy.to_oxigraph(german)) == german
    assert copy._in_data(german) and not copy._in_data(Literal("Rostock", lang="fr"))


def test_a_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e .\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        validate([bad])
    assert raised.value.path == bad and raised.value.line == 3


_LONG = """@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a a ex:C ; ex:p ex:b , _:x ; ex:q "1.0"^^xsd:decimal , "abc"^^xsd:integer .
_:x ex:p [ ex:q "x"@EN ] ; ex:r ( ex:c "2"^^xsd:int ) .
ex:b ex:p <http://example.org/has%20space> ; ex:r ex:c .
ex:c a ex:C .
"""


def _gathered(parsed: ParsedFiles) -> tuple[object, ...]:
    """What a parse gathered and stored, blank nodes aside (they are new in each parse)."""

    def written(term: object) -> str:
        return "_:" if isinstance(term, ox.BlankNode) else str(parsed.copy.to_rdflib(term))  # type: ignore[arg-type]

    stored = sorted((str(quad.graph_name), *map(written, (quad.subject, quad.predicate, quad.object)))
                    for quad in parsed.copy.store)
    where = sorted((str(node), rank) for node, rank in parsed.where.items() if isinstance(node, ox.NamedNode))
    problems = sorted((str(problem.term), problem.message) for _, problem in parsed.problems)
    data_triples = parsed.copy.store.quads_for_pattern(None, None, None, ox.DefaultGraph())
    return stored, where, problems, sorted(map(str, parsed.copy._to)), len(list(data_triples))


def test_oxigraph_loads_a_file_beside_the_parse_with_the_parses_triples(tmp_path: Path) -> None:
    """A file goes into the store by Oxigraph's own load, on a thread, while the parse gathers
    the rest: the store and what is gathered are those of storing the parse's triples."""
    data = tmp_path / "data.ttl"
    data.write_text(_LONG, encoding="utf-8")
    beside = parse_files([data])
    assert beside.blank_file == 0  # loaded beside the parse, with blank nodes
    from_the_parse = parsed_files_module._parse_files([data], True, load_alongside=False)
    assert from_the_parse is not None and from_the_parse.blank_file is None
    assert _gathered(beside) == _gathered(from_the_parse)
    assert _gathered(beside)[-1] == 15


def test_a_long_file_goes_into_the_store_in_batches_and_loses_nothing(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Triples stored from the parse go in a batch at a time (``oxigraph_copy._BATCH``): with
    batches of two, the store and what the parse gathers are those of one batch, and a
    syntax error after the first batches still names its line."""
    data = tmp_path / "long.ttl"
    data.write_text(_LONG, encoding="utf-8")

    def gathered() -> tuple[object, ...]:
        parsed = parsed_files_module._parse_files([data], True, load_alongside=False)
        assert parsed is not None
        return _gathered(parsed)

    whole = gathered()
    monkeypatch.setattr(oxigraph_copy, "_BATCH", 2)
    assert gathered() == whole and whole[-1] == 15

    with data.open("a", encoding="utf-8") as file:
        file.write("ex:d ex:e .\n")
    parse, routes = parsed_files_module._parse_files, []
    for alongside in (True, False):
        monkeypatch.setattr(parsed_files_module, "_parse_files", _one_route(parse, alongside, routes))
        with pytest.raises(InputError) as raised:
            validate([data])
        assert raised.value.path == data and raised.value.line == 7
    assert routes == [True, False]


def _one_route(parse: Callable[..., object], alongside: bool, routes: list[bool]) -> Callable[..., object]:
    """``parsed_files._parse_files`` on one route only, noting it in ``routes``."""

    def forced(paths: list[Path], check_terms: bool, *, load_alongside: bool) -> object:
        routes.append(alongside)
        return parse(paths, check_terms, load_alongside=alongside)

    return forced


def test_a_term_with_a_stand_in_is_stored_from_the_parse(tmp_path: Path) -> None:
    """Oxigraph's own load stores an IRI with a space as written; validation needs its stand-in,
    so a file that writes one is stored from the parse."""
    data = tmp_path / "data.ttl"
    data.write_text(_LONG.replace("has%20space", "has space"), encoding="utf-8")
    parsed = parse_files([data])
    assert parsed.blank_file is None
    assert {str(q.object) for q in parsed.copy.store.quads_for_pattern(None, None, None, ox.DefaultGraph())
            if str(q.object).startswith("<urn:citynet:invalid-iri:")} == {"<urn:citynet:invalid-iri:http://example.org/has%20space>"}


@pytest.mark.parametrize(("text", "loaded"), [
    ('[] ex:q "abc"^^xsd:integer ; ex:r "x" .\n[] ex:q "1"^^xsd:integer .\n', True),
    # Two blank nodes with the same triple: which stored node is which is not known.
    ('[] ex:q "abc"^^xsd:integer ; ex:r "x" .\n[] ex:q "abc"^^xsd:integer .\n', False),
], ids=["one-node-with-the-triple", "two-nodes-with-the-triple"])
def test_a_term_problem_on_a_blank_node_names_the_stored_node(text: str, loaded: bool, tmp_path: Path) -> None:
    """A term problem names its subject; on a blank node, the one in the store. Oxigraph's own
    load names blank nodes otherwise than the parse: the stored node is the one blank node
    with the problem's triple, and where there is not one, the file is stored from the parse."""
    data = tmp_path / "data.ttl"
    data.write_text("@prefix ex: <http://example.org/> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
                    + text, encoding="utf-8")
    parsed = parse_files([data])
    assert (parsed.blank_file == 0) is loaded
    assert parsed.problems
    for _, problem in parsed.problems:
        assert isinstance(problem.subject, BNode)
        assert parsed.file_of(problem.subject) is not None  # a node of the store
        stored = parsed.copy.to_oxigraph(problem.subject)
        assert {str(q.object) for q in parsed.copy.store.quads_for_pattern(stored, None, None)} >= {
            '"abc"^^<http://www.w3.org/2001/XMLSchema#integer>'}


def test_blank_nodes_of_two_files_point_to_their_files(tmp_path: Path) -> None:
    """Oxigraph's load makes a file's blank nodes without telling the parse which: the first
    file with blank nodes is loaded so, a later one is stored from the parse. A finding on a
    blank node names its file either way."""
    files = [tmp_path / "first.ttl", tmp_path / "plain.ttl", tmp_path / "second.ttl"]
    files[0].write_text("@prefix ex: <http://example.org/> .\n[] a ex:T ; ex:name \"first\" .\n", encoding="utf-8")
    files[1].write_text("@prefix ex: <http://example.org/> .\nex:a a ex:T ; ex:q ex:b .\n", encoding="utf-8")
    files[2].write_text("@prefix ex: <http://example.org/> .\n_:b a ex:T ; ex:name \"second\" .\n", encoding="utf-8")
    parsed = parse_files(files)
    assert parsed.blank_file == 0
    shapes = Graph().parse(data="""@prefix ex: <http://example.org/> . @prefix sh: <http://www.w3.org/ns/shacl#> .
ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:property [ sh:path ex:q ; sh:minCount 1 ] .""", format="turtle")
    report = validate(files, shapes, ontology=False, check_terms=False)
    assert sorted(str(f.file.name) for f in report.findings if isinstance(f.focus_node, BNode)) == [  # type: ignore[union-attr]
        "first.ttl", "second.ttl"]


def test_term_problems_are_found_on_every_triple_as_in_the_rdflib_parse(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """An IRI is judged once, when first seen, but reported on every triple that writes it,
    as the checks of rdflib's parse report it; so is a literal."""
    data = tmp_path / "terms.ttl"
    data.write_text("""@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:p <http://example.org/has space> ; ex:q "abc"^^xsd:integer ; ex:r <http://example.org/has space> .
<http://example.org/has space> ex:p "1"^^xsd:integer , "x"^^xsd:integer ; ex:s _:x .
ex:b <http://example.org/bad|pipe> ex:a , "abc"^^xsd:integer .
_:x ex:p <http://example.org/bad|pipe> , [ ex:q "2020-13-01"^^xsd:date ] .
""", encoding="utf-8")

    def key(problem: TermProblem) -> tuple[str, ...]:  # blank nodes are named apart by each parse
        subject = "blank" if isinstance(problem.subject, BNode) else str(problem.subject)
        return subject, str(problem.predicate), str(problem.term), problem.message

    parsed = sorted(key(problem) for _, problem in parse_files([data]).problems)
    assert parsed == sorted(map(key, graph_term_problems(Graph().parse(data, format="turtle"))))
    assert len(parsed) == 12  # 8 for an IRI with a space or a "|" in it, 4 for a literal

    # Both routes report a problem written in two triples with the same subject and predicate once.
    def findings(report: ValidationReport) -> list[tuple[str, ...]]:
        return sorted(("blank", *_key(f)[1:]) if isinstance(f.focus_node, BNode) else _key(f) for f in report.findings)

    fast = validate([data])
    monkeypatch.setattr(validator_module, "_validate_parsed", lambda *args: None)
    assert findings(fast) == findings(validate([data]))
    assert len(fast.findings) == 10


def test_a_malformed_datatype_iri_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    # Oxigraph's lenient parse lets the IRI through and its store refuses it: the files go to
    # rdflib's parse, whose term checks now read a literal's datatype IRI too.
    data = tmp_path / "datatypes.ttl"
    data.write_text("@prefix ex: <http://example.org/> .\n"
                    'ex:a ex:k "y"^^<http://example.org/bad|type> , "z"^^<http://example.org/bad|type> .\n'
                    'ex:b ex:k "y"^^<http://example.org/bad type> .\n', encoding="utf-8")
    findings = validate([data], ontology=False).findings
    assert sorted((str(f.focus_node), str(f.value), f.line) for f in findings) == [
        ("http://example.org/a", "http://example.org/bad|type", 2),
        ("http://example.org/b", "http://example.org/bad type", 3)]
    assert all(f.message.endswith("(percent-encode it, e.g. %20 for a space)") for f in findings)
