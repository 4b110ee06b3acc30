"""The W3C SHACL test suite (data-shapes, ``core/`` and ``sparql/``), read from its manifests.

Each test names a data graph, a shapes graph and the expected validation report, or
``sht:Failure`` where a validator must refuse the shapes. Reports are compared as the
suite says: ``sh:conforms`` and the set of results by focus node, path, value, source shape,
severity and constraint component (messages ignored). Blank nodes are the same nodes as
in the test file (data, shapes and report share it), except in paths, which are compared
by their structure.

Run as a script, it prints the pass counts of citynet and plain pySHACL side by side:
``python -m tests.w3c_shacl``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyshacl
from rdflib import RDF, SH, BNode, Graph, Namespace
from rdflib.collection import Collection
from rdflib.term import Node

import citynet
from tests.conftest import SHARED

SUITE = SHARED / "external" / "w3c" / "data-shapes-test-suite" / "tests"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
_KEYS = (SH.focusNode, SH.resultPath, SH.value, SH.sourceShape, SH.resultSeverity, SH.sourceConstraintComponent)

Outcome = tuple[bool, frozenset] | None  # (conforms, results); None: the validator refused the shapes


@dataclass(frozen=True)
class SuiteTest:
    name: str  # the file, relative to the suite, without .ttl
    data: Graph
    data_file: Path  # the file the data graph is read from
    shapes: Graph
    expected: Outcome  # None: sht:Failure


def suite_tests() -> list[SuiteTest]:
    return sorted(_read_manifest(SUITE / "manifest.ttl"), key=lambda t: t.name)


def _read_manifest(manifest: Path) -> Iterator[SuiteTest]:
    graph = Graph().parse(manifest, format="turtle")
    for included in graph.objects(None, MF.include):
        yield from _read_manifest(_path(included))
    for entries in graph.objects(None, MF.entries):
        for entry in Collection(graph, entries):
            yield _read_test(_path(entry))


def _path(iri: Node) -> Path:
    path = Path(str(iri).removeprefix("file://"))
    return path if path.suffix == ".ttl" else path.with_suffix(".ttl")


def _read_test(file: Path) -> SuiteTest:
    graph = Graph().parse(file, format="turtle")
    test = next(graph.subjects(RDF.type, SHT.Validate))
    action = graph.value(test, MF.action)

    def load(iri: Node) -> Graph:
        path = _path(iri)
        return graph if path == file else Graph().parse(path, format="turtle")

    expected = graph.value(test, MF.result)
    data = graph.value(action, SHT.dataGraph)
    return SuiteTest(
        name=str(file.relative_to(SUITE).with_suffix("")), data=load(data), data_file=_path(data),
        shapes=load(graph.value(action, SHT.shapesGraph)),
        expected=None if expected == SHT.Failure else outcome(graph, expected))


def outcome(graph: Graph, report: Node) -> tuple[bool, frozenset]:
    """A report's sh:conforms and its results as comparable tuples."""
    results = frozenset(
        tuple(_describe(graph, graph.value(result, key)) if key == SH.resultPath else graph.value(result, key)
              for key in _KEYS)
        for result in graph.objects(report, SH.result))
    return graph.value(report, SH.conforms).toPython(), results


def _describe(graph: Graph, node: Node | None) -> object:
    """A path given by blank nodes, by its structure."""
    if not isinstance(node, BNode):
        return node
    if (node, RDF.first, None) in graph:
        return tuple(_describe(graph, item) for item in Collection(graph, node))
    return tuple(sorted((str(p), _describe(graph, o)) for p, o in graph.predicate_objects(node)))


def _report_outcome(report: Graph) -> tuple[bool, frozenset]:
    return outcome(report, next(report.subjects(RDF.type, SH.ValidationReport)))


def run_citynet(test: SuiteTest, *, fast: bool = True, from_file: bool = False) -> tuple[Outcome, dict[str, str]]:
    """citynet's report as the SHACL suite reads it (its term checks left out), and the
    shapes and constraints it checked off the fast path. ``from_file``: the data is read from
    its file, as ``citynet validate FILE`` reads it (Oxigraph's parse where it is faithful),
    not given as the rdflib graph pySHACL gets."""
    try:
        data = test.data_file if from_file else test.data
        report = citynet.validate(data, test.shapes, ontology=False, fast=fast, check_terms=False)
    except Exception:  # a validator refusing the shapes (sht:Failure) raises
        return None, {}
    return _report_outcome(report.graph), report.fallbacks


def run_pyshacl(test: SuiteTest) -> Outcome:
    shapes = Graph()
    shapes += test.shapes  # pySHACL is given its own copy, as citynet is
    try:
        return _report_outcome(pyshacl.validate(test.data, shacl_graph=shapes, inference="none")[1])
    except Exception:
        return None


def without_blank_labels(found: Outcome) -> object:
    """An outcome with every blank node as one name (two parses of a file name them apart),
    its results counted: two that differ only in their blank nodes stay two."""
    if found is None:
        return None
    conforms, results = found
    return conforms, Counter(tuple("_:blank" if isinstance(term, BNode) else term for term in result)
                             for result in results)


def passes(test: SuiteTest, found: Outcome) -> bool:
    return found == test.expected


def main() -> None:
    tests = suite_tests()
    counts = {"pySHACL": 0, "citynet": 0, "fast": 0, "same as pySHACL": 0}
    runners: dict[str, Callable[[SuiteTest], Outcome]] = {"pySHACL": run_pyshacl}
    for test in tests:
        plain = runners["pySHACL"](test)
        found, fallbacks = run_citynet(test)
        counts["pySHACL"] += passes(test, plain)
        counts["citynet"] += passes(test, found)
        counts["same as pySHACL"] += found == plain
        counts["fast"] += not fallbacks
        if not passes(test, found) or fallbacks:
            print(f"{test.name}: pySHACL {'pass' if passes(test, plain) else 'FAIL'}, citynet "
                  f"{'pass' if passes(test, found) else 'FAIL'}; off the fast path: {fallbacks or '-'}")
    total = len(tests)
    print(f"{total} tests: pySHACL passes {counts['pySHACL']}, citynet passes {counts['citynet']}; "
          f"citynet's report equals pySHACL's on {counts['same as pySHACL']}; "
          f"entirely on the fast path: {counts['fast']} ({counts['fast'] / total:.0%})")


if __name__ == "__main__":
    main()
