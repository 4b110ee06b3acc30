"""The W3C SPARQL 1.1 test suites, read from their manifests in ``../shared/external/w3c/``.

Files are named by the IRIs the W3C publishes them under
(``http://www.w3.org/2009/sparql/docs/tests/data-sparql11/…``), as the expected results
expect: a graph loaded from ``data.ttl`` is named by that IRI, and relative IRIs in a
query resolve against the query file's IRI.

Answers are compared the way the suites say (see the README of the suite folder):
result sets as multisets of solutions, in order only under ORDER BY, with blank nodes
matched by structure; graphs by isomorphism (Oxigraph's canonicalization).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, Graph, Namespace
from rdflib.collection import Collection

from citynet.graph.terms import to_oxigraph
from tests.conftest import SHARED

SUITE = SHARED / "external" / "w3c" / "sparql" / "sparql11"
W3C_BASE = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/"
MISSING = (f"the W3C SPARQL 1.1 test suite ({SUITE}) is not next to this checkout; "
           "see ../shared/external/w3c/README.md")

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
RS = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/result-set#")

Term = Any  # a pyoxigraph term, or None for an unbound variable


def iri_of(path: Path) -> str:
    """The IRI the W3C publishes a suite file under."""
    return W3C_BASE + path.relative_to(SUITE).as_posix()


def path_of(iri: str) -> Path:
    if iri.startswith(W3C_BASE):
        return SUITE / iri[len(W3C_BASE):]
    if iri.startswith("file://"):
        return Path(iri.removeprefix("file://"))
    raise ValueError(f"not a file of the suite: {iri}")


@dataclass(frozen=True)
class EvaluationTest:
    """One ``mf:QueryEvaluationTest`` (or ``mf:CSVResultFormatTest``)."""

    id: str
    kind: str
    query: Path
    data: tuple[Path, ...]
    graph_data: tuple[Path, ...]
    result: Path

    @property
    def query_text(self) -> str:
        return self.query.read_text(encoding="utf-8")

    @property
    def base_iri(self) -> str:
        return iri_of(self.query)

    def store(self) -> ox.Store:
        """A fresh store with the test's dataset: ``qt:data`` in the default graph, each
        ``qt:graphData`` in a named graph called by its IRI."""
        store = ox.Store()
        for path in self.data:
            store.load(path=str(path), format=_rdf_format(path), base_iri=iri_of(path))
        for path in self.graph_data:
            store.load(path=str(path), format=_rdf_format(path), base_iri=iri_of(path),
                       to_graph=ox.NamedNode(iri_of(path)))
        return store

    @property
    def ordered(self) -> bool:
        return bool(re.search(r"ORDER\s+BY", self.query_text, re.IGNORECASE))


def _rdf_format(path: Path) -> ox.RdfFormat:
    return {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".rdf": ox.RdfFormat.RDF_XML,
            ".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS}[path.suffix]


def _manifest(path: Path) -> Graph:
    # Parsed from its text with the W3C IRI as base, so that every file IRI is a W3C IRI.
    return Graph().parse(data=path.read_text(encoding="utf-8"), format="turtle", publicID=iri_of(path))


def manifests(top: str) -> Iterator[Path]:
    """The manifests ``top`` includes, in order (those whose folder is missing are left out)."""
    graph = _manifest(SUITE / top)
    for manifest in graph.objects(None, MF.include):
        for item in Collection(graph, manifest):
            path = path_of(str(item))
            if path.is_file():
                yield path


def evaluation_tests(top: str) -> list[EvaluationTest]:
    """The query evaluation tests of the manifests that ``top`` includes, in manifest order."""
    found: list[EvaluationTest] = []
    for path in manifests(top):
        graph = _manifest(path)
        entries = next(graph.objects(None, MF.entries))
        for entry in Collection(graph, entries):
            kind = graph.value(entry, RDF.type)
            if kind not in (MF.QueryEvaluationTest, MF.CSVResultFormatTest):
                continue
            action = graph.value(entry, MF.action)
            name = f"{path.parent.name}/{str(entry).rsplit('#', 1)[-1]}"
            found.append(EvaluationTest(
                id=name, kind=str(kind).rsplit("#", 1)[-1],
                query=path_of(str(graph.value(action, QT.query))),
                data=tuple(path_of(str(d)) for d in sorted(graph.objects(action, QT.data))),
                graph_data=tuple(path_of(str(d)) for d in sorted(graph.objects(action, QT.graphData))),
                result=path_of(str(graph.value(entry, MF.result)))))
    return found


# ---------------------------------------------------------------- answers


@dataclass
class Answer:
    """An answer in a comparable form: a boolean, a result set or a graph (as quads)."""

    boolean: bool | None = None
    variables: tuple[str, ...] = ()
    rows: list[tuple[Term, ...]] = field(default_factory=list)
    triples: list[ox.Triple] | None = None

    @classmethod
    def of(cls, answer: Any) -> Answer:
        """From what pyoxigraph returns (a live answer, or parsed results)."""
        if isinstance(answer, ox.QueryBoolean):
            return cls(boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            variables = tuple(v.value for v in answer.variables)
            return cls(variables=variables, rows=[tuple(s[v] for v in variables) for s in answer])
        return cls(triples=list(answer))

    def describe(self) -> str:
        if self.boolean is not None:
            return f"ASK {self.boolean}"
        if self.triples is not None:
            return "\n".join(sorted(str(t) for t in self.triples)) or "(no triples)"
        lines = [" ".join("?" + v for v in self.variables)]
        lines += [" ".join("UNDEF" if t is None else str(t) for t in row) for row in self.rows]
        return "\n".join(lines)


def expected_answer(test: EvaluationTest) -> Answer:
    path = test.result
    if path.suffix in (".srx", ".srj", ".tsv"):
        formats = {".srx": ox.QueryResultsFormat.XML, ".srj": ox.QueryResultsFormat.JSON,
                   ".tsv": ox.QueryResultsFormat.TSV}
        return Answer.of(ox.parse_query_results(path=str(path), format=formats[path.suffix]))
    if path.suffix == ".ttl":
        graph = Graph().parse(data=path.read_text(encoding="utf-8"), format="turtle", publicID=iri_of(path))
        result_set = graph.value(predicate=RDF.type, object=RS.ResultSet)
        if result_set is not None:
            return _rdf_result_set(graph, result_set)
        triples = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=iri_of(path))
        return Answer(triples=[ox.Triple(q.subject, q.predicate, q.object) for q in triples])
    raise ValueError(f"no reader for the result file {path.name}")


def _rdf_result_set(graph: Graph, result_set: Any) -> Answer:
    """A result set written in the DAWG result-set vocabulary (``rs:ResultSet``)."""
    variables = tuple(str(v) for v in graph.objects(result_set, RS.resultVariable))
    rows = []
    for solution in graph.objects(result_set, RS.solution):
        values = {str(graph.value(b, RS.variable)): graph.value(b, RS.value)
                  for b in graph.objects(solution, RS.binding)}
        rows.append(tuple(to_oxigraph(values[v]) if v in values else None for v in variables))
    return Answer(variables=variables, rows=rows)


def same_answer(actual: Answer, expected: Answer, *, ordered: bool) -> bool:
    """Whether two answers are equal as the suite compares them (see the module doc)."""
    if expected.boolean is not None or actual.boolean is not None:
        return actual.boolean == expected.boolean
    if expected.triples is not None or actual.triples is not None:
        return (actual.triples is not None and expected.triples is not None
                and canonical(actual.triples) == canonical(expected.triples))
    if set(actual.variables) != set(expected.variables):
        return False
    order = list(expected.variables)
    mine = [_reorder(row, actual.variables, order) for row in actual.rows]
    return rows_match(mine, expected.rows, ordered=ordered)


def canonical(triples: Iterable[ox.Triple]) -> set[ox.Quad]:
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set(dataset)


def _reorder(row: Sequence[Term], variables: Sequence[str], order: Sequence[str]) -> tuple[Term, ...]:
    by_name = dict(zip(variables, row, strict=True))
    return tuple(by_name[v] for v in order)


def rows_match(actual: list[tuple[Term, ...]], expected: list[tuple[Term, ...]], *, ordered: bool,
               exact: bool = False) -> bool:
    """Equal multisets of rows (lists, if ``ordered``), blank nodes matched by a bijection;
    numbers and booleans compared by value unless ``exact``."""
    if len(actual) != len(expected):
        return False
    if not exact:
        actual = [tuple(map(by_value, row)) for row in actual]
        expected = [tuple(map(by_value, row)) for row in expected]
    if not any(_has_blank(row) for row in actual + expected):
        return actual == expected if ordered else Counter(actual) == Counter(expected)
    return _match_blank_nodes(actual, expected, ordered)


_XSD = "http://www.w3.org/2001/XMLSchema#"
_DECIMALS = {_XSD + name for name in (
    "decimal", "integer", "nonPositiveInteger", "negativeInteger", "long", "int", "short", "byte",
    "nonNegativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte", "positiveInteger")}


def by_value(term: Term) -> Term:
    """A number or boolean literal as its value (the expected results write ``"1.0"`` where an
    engine may write ``"1"``; Jena's and rdflib's harnesses compare these by value too)."""
    if not isinstance(term, ox.Literal) or term.language:
        return term
    datatype = term.datatype.value
    try:
        if datatype in _DECIMALS:
            return ("decimal", Decimal(term.value.strip()))
        if datatype in (_XSD + "double", _XSD + "float"):
            return (datatype, float(term.value.strip()))
        if datatype == _XSD + "boolean" and term.value.strip() in ("true", "false", "1", "0"):
            return ("boolean", term.value.strip() in ("true", "1"))
    except (ValueError, ArithmeticError):
        pass  # ill-typed: compared as written
    return term


def _has_blank(row: Sequence[Term]) -> bool:
    return any(isinstance(t, ox.BlankNode) for t in row)


def _match_blank_nodes(actual: list, expected: list, ordered: bool) -> bool:
    """Backtracking search for a blank node bijection that makes the rows equal."""

    def fits(row: tuple, other: tuple, mapping: dict, used: set) -> dict | None:
        extended = dict(mapping)
        taken = set(used)
        for a, b in zip(row, other, strict=True):
            if isinstance(a, ox.BlankNode) and isinstance(b, ox.BlankNode):
                if a in extended:
                    if extended[a] != b:
                        return None
                elif b in taken:
                    return None
                else:
                    extended[a] = b
                    taken.add(b)
            elif a != b:
                return None
        return extended

    def search(index: int, remaining: list[int], mapping: dict) -> bool:
        if index == len(actual):
            return True
        candidates = [index] if ordered else remaining
        for position in candidates:
            extended = fits(actual[index], expected[position], mapping, set(mapping.values()))
            if extended is not None:
                rest = remaining if ordered else [p for p in remaining if p != position]
                if search(index + 1, rest, extended):
                    return True
        return False

    return search(0, list(range(len(expected))), {})


# ---------------------------------------------------------------- protocol tests

HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
PROTOCOL_MANIFEST = SUITE / "protocol" / "manifest.ttl"


@dataclass(frozen=True)
class ProtocolRequest:
    """One ``ht:Request`` and what its response must be."""

    method: str
    target: str  # the manifest's absolutePath, with its /sparql/ prefix
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    statuses: frozenset[str]  # "2xx", "3xx", "4xx" …
    format: str | None  # "boolean", "tabular", "RDF"
    boolean: bool | None

    @property
    def is_update(self) -> bool:
        """Whether this is an update request (an endpoint may take those at another address)."""
        query = self.target.partition("?")[2]
        content_type = dict(self.headers).get("content-type", "")
        return ("update=" in query or "using-graph-uri=" in query or "using-named-graph-uri=" in query
                or content_type.startswith("application/sparql-update")
                or (self.body is not None and self.body.startswith(b"update=")))


@dataclass(frozen=True)
class ProtocolTest:
    id: str
    name: str
    requests: tuple[ProtocolRequest, ...]
    #: (file, graph IRI) for each ``ut:graphData``.
    graph_data: tuple[tuple[Path, str], ...]


def protocol_tests() -> list[ProtocolTest]:
    graph = _manifest(PROTOCOL_MANIFEST)
    entries = next(graph.objects(None, MF.entries))
    found = []
    for entry in Collection(graph, entries):
        action = graph.value(entry, MF.action)
        requests = [_protocol_request(graph, r) for r in Collection(graph, graph.value(action, HT.requests))]
        data = tuple((path_of(str(graph.value(d, UT.graph))), str(graph.value(d, RDFS.label)))
                     for d in graph.objects(entry, UT.graphData))
        found.append(ProtocolTest(str(entry).rsplit("#", 1)[-1], str(graph.value(entry, MF.name)),
                                  tuple(requests), data))
    return found


def _protocol_request(graph: Graph, request: Any) -> ProtocolRequest:
    headers = []
    listed = graph.value(request, HT.headers)
    for header in Collection(graph, listed) if listed is not None else ():
        headers.append((str(graph.value(header, HT.fieldName)), str(graph.value(header, HT.fieldValue))))
    content = graph.value(request, HT.body)
    body = None
    if content is not None:
        encoding = str(graph.value(content, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(content, CNT.chars)).encode(encoding.lower())
    response = graph.value(request, HT.resp)
    statuses = frozenset(str(s).rsplit("StatusCode", 1)[-1] for s in graph.objects(response, MF.expectedStatus))
    expected_format = graph.value(response, MF.expectedFormat)
    expected_boolean = graph.value(response, MF.expectedBoolean)
    return ProtocolRequest(
        method=str(graph.value(request, HT.methodName)), target=str(graph.value(request, HT.absolutePath)),
        headers=tuple(headers), body=body, statuses=statuses,
        format=None if expected_format is None else str(expected_format),
        boolean=None if expected_boolean is None else bool(expected_boolean.toPython()))
