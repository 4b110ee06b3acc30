"""Shape tests: every SHACL shape in ontology/shapes.ttl has a valid and an invalid case.

Each file in tests/shapes/ is a pySHACL/DASH test case: a small, self-contained data
graph followed by a ``dash:GraphValidationTestCase`` node whose ``dash:expectedResult``
is the report that ``citynet.validate`` must give for the data. File names say which
shape or constraint a case is for: ``<name>-valid.ttl`` and ``<name>-invalid-<what>.ttl``
(``WellFormedTerms-…`` for what citynet checks itself: ill-typed literals, bad IRIs).

The test-case node starts a line (``<> a dash:GraphValidationTestCase``) and runs to
the end of the file. It is cut off before validating: its expected results name
shapes (``cnsh:…``) and focus nodes, which the whole-graph rules would otherwise
report as undefined references.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyshacl
import pytest
from rdflib import RDF, SH, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

import citynet
from citynet import resources
from citynet.graph.files import quiet_rdflib
from citynet.graph.prefixes import compact
from citynet.validation.validator import Finding, Severity

DASH = Namespace("http://datashapes.org/dash#")
CNSH = "https://w3id.org/citynet/shapes#"
SHACL_NAMESPACE = "http://www.w3.org/ns/shacl#"

CASES_DIR = Path(__file__).parent / "shapes"
CASE_FILES = sorted(CASES_DIR.glob("*.ttl"))
TEST_CASE_START = re.compile(r"^<> a dash:GraphValidationTestCase\b", re.MULTILINE)
CASE_NAME = re.compile(r"^(?P<shape>[A-Za-z]+)-(?:valid|invalid-[a-z0-9-]+)$")

SEVERITIES = {SH.Violation: Severity.VIOLATION, SH.Warning: Severity.WARNING, SH.Info: Severity.INFO}

KNOWN_BUGS: dict[str, str] = {}


@dataclass(frozen=True)
class ExpectedResult:
    focus: Node
    value: Node | None  # compared where the expected result gives one
    path: Node | None
    severity: Severity
    shape: Node | None
    constraint: Node | None

    def __str__(self) -> str:
        named = " ".join(_show(n) for n in (self.shape, self.constraint) if n is not None)
        value = f" value {_show(self.value)}" if self.value is not None else ""
        return f"{self.severity.value} {_show(self.focus)}{value} {_show(self.path)} {named}".rstrip()


@dataclass(frozen=True)
class ShapeCase:
    path: Path
    data: str  # the Turtle text without the test-case node
    comment: str
    conforms: bool
    results: list[ExpectedResult]


def _show(node: Node | None) -> str:
    return "-" if node is None else compact(node) if isinstance(node, URIRef) else str(node)


def _case_triples(graph: Graph, node: Node) -> Graph:
    """The test-case node's triples and those of the blank nodes below it."""
    found, todo = Graph(), [node]
    while todo:
        subject = todo.pop()
        for s, p, o in graph.triples((subject, None, None)):
            found.add((s, p, o))
            if isinstance(o, BNode):
                todo.append(o)
    return found


def _ground(graph: Graph) -> set:
    """The triples without blank nodes (rdflib cannot compare graphs with bad IRIs by isomorphism)."""
    return {t for t in graph if not any(isinstance(term, BNode) for term in t)}


def load_case(path: Path) -> ShapeCase:
    quiet_rdflib()
    text = path.read_text(encoding="utf-8")
    start = TEST_CASE_START.search(text)
    assert start, f'{path.name}: no line starting with "<> a dash:GraphValidationTestCase"'
    data = text[: start.start()]
    full = Graph().parse(data=text, format="turtle", publicID=path.resolve().as_uri())
    cases = list(full.subjects(RDF.type, DASH.GraphValidationTestCase))
    assert len(cases) == 1, f"{path.name}: expected one dash:GraphValidationTestCase, found {len(cases)}"
    case = cases[0]
    assert not str(case).startswith("https://w3id.org/citynet/"), "the test-case node must not be a citynet IRI"

    # Cutting the text must remove exactly the test case, nothing of the data.
    case_graph = _case_triples(full, case)
    stripped = Graph().parse(data=data, format="turtle", publicID=path.resolve().as_uri())
    data_graph = full - case_graph
    assert len(data_graph) == len(stripped) and _ground(data_graph) == _ground(stripped), (
        f"{path.name}: the test case is not the end of the file")
    assert (None, None, case) not in full, f"{path.name}: the data refers to the test-case node"

    report = full.value(case, DASH.expectedResult)
    assert report is not None and (report, RDF.type, SH.ValidationReport) in full
    conforms = full.value(report, SH.conforms)
    assert isinstance(conforms, Literal), f"{path.name}: the expected report needs sh:conforms"
    results = []
    for result in full.objects(report, SH.result):
        severity = full.value(result, SH.resultSeverity)
        assert severity in SEVERITIES, f"{path.name}: unknown sh:resultSeverity {severity}"
        focus = full.value(result, SH.focusNode)
        assert isinstance(focus, URIRef), f"{path.name}: every expected result needs an IRI sh:focusNode"
        results.append(ExpectedResult(
            focus=focus, value=full.value(result, SH.value), path=full.value(result, SH.resultPath),
            severity=SEVERITIES[severity],
            shape=full.value(result, SH.sourceShape), constraint=full.value(result, SH.sourceConstraint)))
    comment = full.value(case, URIRef("http://www.w3.org/2000/01/rdf-schema#comment"))
    assert comment, f"{path.name}: the test case needs an rdfs:comment saying what it checks"
    return ShapeCase(path=path, data=data, comment=str(comment), conforms=conforms.toPython(), results=results)


# ---------------------------------------------------------------- the shapes graph


@cache
def shapes_graph() -> Graph:
    return Graph().parse(resources.shapes_path(), format="turtle")


@cache
def named_shapes() -> frozenset[URIRef]:
    """Every named shape and named SPARQL constraint in shapes.ttl."""
    graph = shapes_graph()
    kinds = (SH.NodeShape, SH.PropertyShape, SH.SPARQLConstraint)
    return frozenset(node for kind in kinds for node in graph.subjects(RDF.type, kind)
                     if isinstance(node, URIRef) and str(node).startswith(CNSH))


@cache
def _message_pattern(constraint: URIRef) -> re.Pattern[str]:
    """The constraint's sh:message as a pattern: {?var} and {$var} stand for any text."""
    message = shapes_graph().value(constraint, SH.message)
    assert message is not None, f"{compact(constraint)} has no sh:message to recognise its results by"
    parts = re.split(r"\{[?$]\w+\}", str(message))
    return re.compile(".*".join(re.escape(part) for part in parts), re.DOTALL)


def _comes_from(finding: Finding, constraint: URIRef) -> bool:
    """Findings do not carry sh:sourceConstraint: a finding comes from a SPARQL constraint
    if its shape holds the constraint and its message is the constraint's message."""
    held = isinstance(finding.shape, URIRef) and (finding.shape, SH.sparql, constraint) in shapes_graph()
    return held and _message_pattern(constraint).fullmatch(finding.message) is not None


def _matches(expected: ExpectedResult, finding: Finding) -> bool:
    return (
        (finding.focus_node, finding.path, finding.severity) == (expected.focus, expected.path, expected.severity)
        and (expected.value is None or finding.value == expected.value)
        and (expected.shape is None or finding.shape == expected.shape)
        and (expected.constraint is None or _comes_from(finding, expected.constraint))
    )


def _show_finding(finding: Finding) -> str:
    shape = _show(finding.shape) if isinstance(finding.shape, URIRef) else "(unnamed shape)" if finding.shape else ""
    return (f"{finding.severity.value} {_show(finding.focus_node)} {_show(finding.path)} {shape}".rstrip()
            + f": {finding.message}")


# ---------------------------------------------------------------- one test per case file


def _case_param(path: Path):
    reason = KNOWN_BUGS.get(path.stem)
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(path, id=path.stem, marks=marks)


@pytest.mark.parametrize("path", [_case_param(p) for p in CASE_FILES])
def test_shape_case(path: Path, tmp_path: Path) -> None:
    case = load_case(path)
    # The file's own expected report must be consistent with its name.
    has_violation = any(r.severity is Severity.VIOLATION for r in case.results)
    assert case.conforms == (not case.results), "sh:conforms is false exactly when there is a result (SHACL 3.6.1)"
    if path.stem.endswith("-valid"):
        assert case.conforms and not case.results, "a -valid case expects no results"
    else:
        assert case.results, "an invalid case expects at least one result"

    data_file = tmp_path / path.name
    data_file.write_text(case.data, encoding="utf-8")
    report = citynet.validate([data_file])

    compared = {Severity.VIOLATION, Severity.WARNING}
    if any(r.severity is Severity.INFO for r in case.results):
        compared.add(Severity.INFO)
    findings = [f for f in report.findings if f.severity in compared]
    # Match each expected result to its own finding, the most specific expectations first.
    unmatched = list(findings)
    missing = []
    for expected in sorted(case.results, key=lambda r: (r.constraint is None, r.shape is None)):
        match = next((f for f in unmatched if _matches(expected, f)), None)
        if match is None:
            missing.append(expected)
        else:
            unmatched.remove(match)
    problems = [f"expected, not reported: {e}" for e in missing]
    problems += [f"reported, not expected: {_show_finding(f)}" for f in unmatched]
    assert not problems, f"{case.comment}\n" + "\n".join(problems)
    assert report.passes() is not has_violation


# ---------------------------------------------------------------- coverage of the shapes


def test_every_named_shape_has_a_valid_and_an_invalid_case() -> None:
    stems = {p.stem for p in CASE_FILES}
    missing = []
    for shape in sorted(named_shapes()):
        name = shape.removeprefix(CNSH)
        if f"{name}-valid" not in stems:
            missing.append(f"tests/shapes/{name}-valid.ttl")
        if not any(stem.startswith(f"{name}-invalid-") for stem in stems):
            missing.append(f"tests/shapes/{name}-invalid-<what>.ttl")
    assert not missing, "shapes without test cases; add:\n" + "\n".join(missing)


def test_every_case_file_names_an_existing_shape() -> None:
    names = {shape.removeprefix(CNSH) for shape in named_shapes()}
    stale = []
    for path in CASE_FILES:
        match = CASE_NAME.match(path.stem)
        if match is None or (match["shape"] is not None and match["shape"] not in names):
            stale.append(path.name)
    assert not stale, ("case files that name no shape of shapes.ttl (renamed or removed shape?), or whose "
                       "names are not <shape>-valid or <shape>-invalid-<what>: " + ", ".join(stale))
    assert set(KNOWN_BUGS) <= {p.stem for p in CASE_FILES}, "KNOWN_BUGS names a case file that does not exist"


def test_expected_results_name_existing_shapes() -> None:
    names = named_shapes()
    unknown = set()
    for path in CASE_FILES:
        for result in load_case(path).results:
            unknown |= {n for n in (result.shape, result.constraint) if n is not None and n not in names}
    assert not unknown, f"expected results name shapes that shapes.ttl does not define: {sorted(unknown)}"


def test_invalid_cases_catch_a_typo_in_the_shacl_namespace() -> None:
    """With a misspelt SHACL namespace pySHACL finds no shapes and every graph conforms:
    the valid cases still pass, and only the invalid cases notice."""
    shapes_text = resources.shapes_path().read_text(encoding="utf-8")
    assert SHACL_NAMESPACE in shapes_text
    typo = shapes_text.replace(SHACL_NAMESPACE, "http://www.w3.org/ns/shacI#")
    case = load_case(CASES_DIR / "englishLabel-invalid-missing.ttl")
    data = Graph().parse(resources.ontology_path(), format="turtle")
    data.parse(data=case.data, format="turtle")

    def conforms(shapes: str) -> bool:
        shacl = Graph().parse(data=shapes, format="turtle")
        return pyshacl.validate(data, shacl_graph=shacl, inference="none", allow_warnings=True)[0]

    assert not conforms(shapes_text)
    assert conforms(typo)
