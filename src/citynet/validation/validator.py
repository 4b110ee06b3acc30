"""Validation of RDF data against SHACL shapes, with a typed report.

Any data (files, an rdflib graph, a loaded ``KnowledgeGraph``) against any shapes (citynet's
by default). The SHACL results are pySHACL's, reached faster (see ``shacl_results``);
citynet adds what SHACL cannot see in a parsed graph (ill-typed literals, malformed IRIs:
``citynet.validation.term_checks``) and says which file and line each finding comes from.

Files are parsed once, by Oxigraph (``citynet.validation.parsed_files``): the triples go
straight into the store the fast path queries, and the same pass notes where each node is
typed, described or mentioned (the file of a finding; its line comes from the file's text and
prefixes) and makes the term checks. pySHACL then gets an rdflib graph of only what it reads
around the candidate focus nodes (``citynet.validation.pyshacl_data``), not all the data. Where
Oxigraph's parse could give other terms than rdflib's (an explicit ``^^xsd:string``, a language
tag written in two cases), or its copy would merge literals, the files are read by rdflib instead.

The two SPARQL constraints of citynet's shapes with a nested FILTER NOT EXISTS
(``cnsh:hostIsMemberOfOrganiser``, ``cnsh:completeMemberListMatchesCount``) run once in rdflib,
on a view of the Oxigraph copy that looks up the triples each pattern asks for
(``citynet.validation.copy_view``). Measured at 100k triples (``benchmarks/nested_exists_bench.py``,
RESULTS-nested-exists.md, a loaded machine): hostIsMemberOfOrganiser took 6 s in rdflib on a
built graph, 20 s in Oxigraph over the whole graph (which evaluates the nested pattern in full
for each outer row, so it grows quadratically) and 35 ms per focus node in Oxigraph with
``$this`` substituted (29 s for its 822 focus nodes, each evaluation also growing with the
graph). On the view the two take under a second there; at a million triples 5.7 s, where
building their graphs took 8.5 s and running them 5 s more.

Oxigraph's own queries (each shape's candidates, the SPARQL constraints it runs) are all asked
at the start and answered on a thread of their own (``citynet.validation.background``): the
evaluation lets go of Python's lock, so it takes a second core while the rdflib constraints
and pySHACL work on the first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from pyshacl.rdfutil.clone import clone_blank_node
from rdflib import OWL, RDF, RDFS, SH, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from citynet import resources
from citynet.errors import InputError
from citynet.graph.files import TurtleFile, collect_turtle_files, line_of, load_turtle_files
from citynet.validation import sparql_constraints
from citynet.validation.background import BackgroundQueries
from citynet.validation.collector import fewer_collections
from citynet.validation.core_candidates import CoreValidation, pyshacl_results
from citynet.validation.data_access import DataAccess, GraphData, StoreData
from citynet.validation.oxigraph_copy import OxigraphCopy
from citynet.validation.parsed_files import ParsedFile, ParsedFiles, parse_files
from citynet.validation.shacl_graph import path_for_sparql_constraint
from citynet.validation.term_checks import (
    TERM_CHECK_SHAPE,
    TermProblem,
    graph_term_problems,
    located,
    prefix_problems,
    term_problems,
)

if TYPE_CHECKING:
    from citynet.graph.knowledge_graph import KnowledgeGraph



class Severity(StrEnum):
    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"

    @property
    def rank(self) -> int:
        """Higher is worse."""
        return {"Info": 0, "Warning": 1, "Violation": 2}[self.value]


@dataclass(frozen=True)
class Finding:
    """One SHACL validation result, or one of citynet's term checks.

    ``focus_node``, ``path``, ``value``, ``shape`` and ``component`` are the result's own
    terms, as SHACL defines them. ``severity`` is the result's sh:resultSeverity where that
    is one of SHACL's three; a severity of one's own (kept in ``result_severity``) counts as a
    violation. ``about`` is the node a person should look at: the
    focus node, except for a whole-graph rule run from an ontology node, where it is the
    offending value. ``file`` and ``line`` say where ``about`` is written."""

    severity: Severity
    focus_node: Node
    message: str
    path: Node | None = None
    value: Node | None = None
    shape: Node | None = None
    component: Node | None = None
    about: Node | None = None
    file: Path | None = None
    line: int | None = None
    result_severity: Node | None = None

    @property
    def severity_name(self) -> str:
        """sh:Violation, sh:Warning and sh:Info by name; another severity by its IRI."""
        node = self.result_severity
        if node is None or node in (SH.Violation, SH.Warning, SH.Info):
            return self.severity.value
        return str(node)


@dataclass
class ValidationReport:
    """What validation found, violations kept apart from warnings and notes.

    ``graph`` is the SHACL validation report (``sh:ValidationReport``) with every result.
    ``fallbacks`` names each shape or SPARQL constraint that was not checked on the fast
    path, with the reason: those were checked by plain pySHACL, or run in rdflib."""

    files: list[Path]
    findings: list[Finding] = field(default_factory=list)
    graph: Graph = field(default_factory=Graph)
    fallbacks: dict[str, str] = field(default_factory=dict)

    @property
    def conforms(self) -> bool:
        """As SHACL defines it: no result at all, whatever its severity."""
        return not self.findings

    def passes(self, fail_on: Severity = Severity.VIOLATION) -> bool:
        """No finding of severity ``fail_on`` or worse. citynet's exit code follows this,
        allowing warnings and notes by default (pySHACL's --allow-warnings --allow-infos)."""
        return not any(f.severity.rank >= fail_on.rank for f in self.findings)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.VIOLATION]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    @property
    def infos(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.INFO]


def validate(data: str | Path | Iterable[str | Path] | Graph | KnowledgeGraph | None = None,
             shapes: str | Path | Iterable[str | Path] | Graph | None = None, *, ontology: bool = True,
             fast: bool = True, check_terms: bool = True) -> ValidationReport:
    """Validate ``data`` against ``shapes``.

    ``data``: None (the shipped data), a path or a sequence of paths (Turtle files or
    folders), an rdflib ``Graph``, or a loaded ``KnowledgeGraph`` (whose files are read
    again, for file and line). ``shapes``: None (citynet's shapes), a path or paths, or a
    ``Graph`` (it is not changed). ``ontology``: add citynet's ontology to the data, so
    that SHACL sees its subclass axioms (a ``KnowledgeGraph`` always holds it).
    ``fast=False`` runs plain pySHACL, for comparison. ``check_terms=False`` leaves out
    citynet's checks of lexical forms and IRIs: the report is then exactly pySHACL's.
    Raises InputError for unreadable input."""
    with fewer_collections():  # see citynet.validation.collector
        return _validate(data, shapes, ontology=ontology, fast=fast, check_terms=check_terms)


def _validate(data: object, shapes: object, *, ontology: bool, fast: bool, check_terms: bool) -> ValidationReport:
    if fast and not isinstance(data, Graph):
        report = _validate_parsed(data, shapes, ontology, check_terms)
        if report is not None:
            return report
    data_graph, located, files = _load_data(data, ontology)
    shapes_graph = _load_shapes(shapes)
    results, fallbacks = shacl_results(data_graph, shapes_graph, fast=fast)
    # A term written in two triples with the same subject and predicate is one problem, as on
    # the parsed route (``_validate_parsed``).
    problems = [] if not check_terms else list(dict.fromkeys([
        *(term_problems(located) if located else graph_term_problems(data_graph)), *prefix_problems(located)]))
    graph = _report_graph(results, problems)
    findings = list(map(_term_finding, problems))
    ontologies = set(data_graph.subjects(RDF.type, OWL.Ontology))
    for result, finding in _shacl_findings(results, ontologies, _Locator(located)):
        findings.append(finding)
        if finding.file is not None:
            graph.add((result, RDFS.seeAlso, URIRef(finding.file.resolve().as_uri())))
    findings.sort(key=_finding_order)
    return ValidationReport(files=files, findings=findings, graph=graph, fallbacks=fallbacks)


def shacl_results(data_graph: Graph, shapes: Graph, *, fast: bool = True) -> tuple[Graph, dict[str, str]]:
    """The SHACL results for ``data_graph``, as pySHACL alone gives them, in one
    sh:ValidationReport; and what was checked off the fast path, with the reason.

    The fast path: the SPARQL constraints run in Oxigraph (citynet.validation.sparql_constraints),
    and pySHACL checks the rest on the focus nodes that could fail (citynet.validation.core_candidates).
    ``shapes`` is used up: it loses the sh:sparql triples taken over."""
    if not fast:
        return _one_report(pyshacl_results(data_graph, shapes)), {"all shapes": "the fast path is off"}
    copy = OxigraphCopy(data_graph)
    return _fast_results(GraphData(data_graph), copy, shapes)


def _fast_results(data: DataAccess, copy: OxigraphCopy, shapes: Graph) -> tuple[Graph, dict[str, str]]:
    """``shacl_results`` on the fast path, for data read from ``data`` and its copy."""
    as_given = _copy(shapes)
    taken, kept = sparql_constraints.take_sparql_constraints(shapes)
    # Oxigraph answers the candidate and constraint queries on a second core while the
    # rdflib constraints and pySHACL run here.
    with BackgroundQueries(copy.store) as background:
        core = CoreValidation(data, shapes, copy, background)
        rows = sparql_constraints.ConstraintRows(taken, data, copy, background)
        results, whole_shapes = core.run()
        in_rdflib = sparql_constraints.evaluate(taken, as_given, rows, results)
    _blank_shapes_as_given(results, as_given)
    fallbacks = {
        **{f"shape {_name(s)}": f"checked by pySHACL on all its focus nodes: {why}" for s, why in whole_shapes.items()},
        **{f"constraint {_name(c)}": f"checked by pySHACL: {why}" for c, why in kept.items()},
        **{f"constraint {_name(c)}": f"run once in rdflib: {why}" for c, why in in_rdflib.items()},
    }
    return _one_report(results), fallbacks


def _blank_shapes_as_given(results: Graph, shapes: Graph) -> None:
    """pySHACL copies a blank-node shape, constraint or path into the report with the
    triples below it; it saw the shapes as the fast path changed them (targets, sh:sparql).
    Copy them again from ``shapes``, the shapes graph as given, once each."""
    heads = {o for p in (SH.sourceShape, SH.sourceConstraint, SH.resultPath)
             for o in results.objects(None, p) if isinstance(o, BNode)}
    below: set[Node] = set()
    todo: list[Node] = list(heads)
    while todo:
        node = todo.pop()
        if node not in below:
            below.add(node)
            todo += [o for o in results.objects(node, None) if isinstance(o, BNode)]
    for node in below:
        results.remove((node, None, None))
    for head in heads:
        if (head, None, None) not in results:
            clone_blank_node(shapes, head, results, keepid=True)


def _copy(graph: Graph) -> Graph:
    """A copy of ``graph`` with its prefixes: pySHACL writes terms in messages with them."""
    return _merged([graph])


def _merged(graphs: Iterable[Graph]) -> Graph:
    """The union of ``graphs``, with their prefixes (the first graph's where two differ)."""
    merged = Graph()
    for graph in graphs:
        merged += graph
        for prefix, namespace in graph.namespaces():
            merged.bind(prefix, namespace, override=False)
    return merged


# ---------------------------------------------------------------- files, parsed by Oxigraph

def _validate_parsed(data: object, shapes: object, ontology: bool, check_terms: bool) -> ValidationReport | None:
    """``validate`` for files, with the data parsed by Oxigraph only (see
    citynet.validation.parsed_files); None where that could change the report (then the
    files are read by rdflib as well)."""
    paths, ontology = _data_paths(data, ontology)
    parsed = parse_files([resources.ontology_path(), *paths] if ontology else paths, check_terms=check_terms)
    if not parsed.faithful or not parsed.copy.injective:
        return None
    shapes_graph = _load_shapes(shapes)
    access = StoreData(parsed.copy, _prefixes(parsed.files))
    results, fallbacks = _fast_results(access, parsed.copy, shapes_graph)
    problems: list[TermProblem] = []
    if check_terms:
        unique = dict.fromkeys((index, problem) for index, problem in parsed.problems)
        problems += [located(problem, parsed.files[index].path, parsed.files[index].text) for index, problem in unique]
        problems += prefix_problems(parsed.files)
    graph = _report_graph(results, problems)
    findings = list(map(_term_finding, problems))
    for result, finding in _shacl_findings(results, access.ontologies(), _ParsedLocator(parsed)):
        findings.append(finding)
        if finding.file is not None:
            graph.add((result, RDFS.seeAlso, URIRef(finding.file.resolve().as_uri())))
    findings.sort(key=_finding_order)
    return ValidationReport(files=paths, findings=findings, graph=graph, fallbacks=fallbacks)


def _prefixes(files: Sequence[ParsedFile]) -> list[tuple[str, str]]:
    """The files' prefixes, as merging rdflib's graphs of them bound them (``_merged``)."""
    bound: list[tuple[str, str]] = []
    for file in files:
        graph = Graph()
        for prefix, namespace in file.prefixes.items():
            graph.bind(prefix, namespace)
        bound += [(prefix, str(namespace)) for prefix, namespace in graph.namespaces()]
    return bound


# ---------------------------------------------------------------- inputs

def _data_paths(data: object, ontology: bool) -> tuple[list[Path], bool]:
    """The data files to read (without citynet's ontology), and whether to add the ontology."""
    from citynet.graph.knowledge_graph import KnowledgeGraph

    if isinstance(data, KnowledgeGraph):
        paths, ontology = data.data_files, True
    elif data is None:
        paths = resources.data_files()
    else:
        paths = collect_turtle_files(_paths(data))
    own_ontology = resources.ontology_path().resolve()
    return [p for p in paths if p.resolve() != own_ontology], ontology


def _load_data(data: object, ontology: bool) -> tuple[Graph, list[TurtleFile], list[Path]]:
    """The data graph, the files it was read from (for locations), and the data files."""
    if isinstance(data, Graph):
        if not ontology:
            return data, [], []
        merged = _copy(data)
        merged += load_turtle_files([resources.ontology_path()])[0].graph
        return merged, [], []
    paths, ontology = _data_paths(data, ontology)
    files = load_turtle_files([resources.ontology_path(), *paths] if ontology else paths)
    # The ontology goes into the data graph: without its subclass axioms pySHACL would
    # skip instances of subclasses (cn:City as cn:Place). Passed as ont_graph instead,
    # pySHACL 0.40 loses language-tagged literals of the ontology when mixing it in.
    return _merged(turtle.graph for turtle in files), files, paths


def _load_shapes(shapes: object) -> Graph:
    if shapes is None:
        return Graph().parse(resources.shapes_path(), format="turtle")
    if isinstance(shapes, Graph):
        return _copy(shapes)  # the fast path takes triples out of the shapes it is given
    graph = _merged(turtle.graph for turtle in load_turtle_files(collect_turtle_files(_paths(shapes))))
    if (None, RDF.type, SH.NodeShape) not in graph and (None, RDF.type, SH.PropertyShape) not in graph and not any(
            graph.triples((None, SH.targetClass, None))):
        raise InputError("the shapes hold no SHACL shape (no sh:NodeShape, sh:PropertyShape or sh:targetClass)",
                         hint=f"check the SHACL namespace: it is {SH}")
    return graph


def _paths(given: object) -> list[Path]:
    if isinstance(given, (str, Path)):
        return [Path(given)]
    if isinstance(given, Iterable):
        return [Path(p) for p in given]
    raise TypeError(f"expected a path, paths, a Graph or a KnowledgeGraph, not {type(given).__name__}")


# ---------------------------------------------------------------- the report

def _one_report(*graphs: Graph) -> Graph:
    """The results of the report graphs under one sh:ValidationReport, whose sh:conforms
    is true only when there is no result (SHACL 3.6.1)."""
    report_nodes = {r for g in graphs for r in g.subjects(RDF.type, SH.ValidationReport)} | {
        r for g in graphs for r in g.subjects(SH.result, None)}
    merged = Graph()
    merged.bind("sh", SH)
    report = BNode()
    results = []
    for graph in graphs:
        for triple in graph:
            if triple[0] in report_nodes:
                if triple[1] == SH.result:
                    results.append(triple[2])
                continue
            merged.add(triple)
    merged.add((report, RDF.type, SH.ValidationReport))
    merged.add((report, SH.conforms, Literal(not results)))
    for result in results:
        merged.add((report, SH.result, result))
    return merged


def _report_graph(results: Graph, problems: list[TermProblem]) -> Graph:
    """The SHACL report with citynet's term checks added as results of their own."""
    graph = Graph()
    graph += results
    for prefix, namespace in results.namespaces():
        graph.bind(prefix, namespace, override=False)
    report = next(graph.subjects(RDF.type, SH.ValidationReport))
    if problems:
        graph.set((report, SH.conforms, Literal(False)))
    for problem in problems:
        node = BNode()
        graph.add((report, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.focusNode, problem.subject))
        if problem.predicate is not None:
            graph.add((node, SH.resultPath, problem.predicate))
        graph.add((node, SH.value, problem.term))
        graph.add((node, SH.resultSeverity, problem.severity))
        graph.add((node, SH.sourceShape, TERM_CHECK_SHAPE))
        graph.add((node, SH.sourceConstraintComponent, problem.component))
        graph.add((node, SH.resultMessage, Literal(problem.message)))
        if problem.file is not None:
            graph.add((node, RDFS.seeAlso, URIRef(problem.file.resolve().as_uri())))
    return graph


def _shacl_findings(results: Graph, ontologies: set[Node], locator: _Locator | _ParsedLocator,
                    ) -> Iterable[tuple[Node, Finding]]:
    # Only top-level results: those nested under sh:detail (from sh:node) repeat them.
    for report in results.subjects(RDF.type, SH.ValidationReport):
        for result in results.objects(report, SH.result):
            focus = results.value(result, SH.focusNode)
            assert focus is not None  # every SHACL validation result has a focus node
            value = results.value(result, SH.value)
            # Whole-graph rules run from the ontology node and name the offender as the value.
            about = value if focus in ontologies and isinstance(value, (URIRef, BNode)) else focus
            path = results.value(result, SH.resultPath)
            messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
            file, line = locator.locate(about)
            severity = results.value(result, SH.resultSeverity)
            yield result, Finding(
                severity=_SEVERITIES.get(severity, Severity.VIOLATION) if isinstance(severity, URIRef)
                else Severity.VIOLATION, result_severity=severity,
                focus_node=focus,
                path=path if isinstance(path, URIRef) or path is None else _describe_path(results, path),
                value=value,
                message=messages[0] if messages else "does not conform",
                shape=results.value(result, SH.sourceShape),
                component=results.value(result, SH.sourceConstraintComponent),
                about=about, file=file, line=line,
            )


_SEVERITIES = {SH.Violation: Severity.VIOLATION, SH.Warning: Severity.WARNING, SH.Info: Severity.INFO}


def _term_finding(problem: TermProblem) -> Finding:
    return Finding(severity=_SEVERITIES[problem.severity], focus_node=problem.subject, path=problem.predicate,
                   value=problem.term, message=problem.message, shape=TERM_CHECK_SHAPE,
                   component=problem.component, about=problem.subject, file=problem.file, line=problem.line)


def _describe_path(results: Graph, path: Node) -> Literal:
    """A complex path, for people: as a SPARQL property path."""
    written = path_for_sparql_constraint(results, path)
    return Literal(written if written is not None else " / ".join(str(o) for o in results.objects(path, None)))


def _finding_order(finding: Finding) -> tuple[int, str, int, str, str, str]:
    return (-finding.severity.rank, str(finding.file or ""), finding.line or 0,
            str(finding.about), str(finding.path or ""), finding.message)


def _name(node: Node) -> str:
    return f"<{node}>" if isinstance(node, URIRef) else "a blank node"


class _Locator:
    """Says in which file (and on which line) a node is described."""

    def __init__(self, files: Sequence[TurtleFile]) -> None:
        self._files = files
        self._indexes: dict[Path, _SubjectIndex] = {}

    def file_of(self, node: Node) -> TurtleFile | None:
        typed = [t for t in self._files if (node, RDF.type, None) in t.graph]
        described = typed or [t for t in self._files if (node, None, None) in t.graph]
        mentioned = described or [t for t in self._files if (None, None, node) in t.graph]
        return mentioned[0] if mentioned else None

    def locate(self, node: Node | None) -> tuple[Path | None, int | None]:
        turtle = None if node is None else self.file_of(node)
        if turtle is None:
            return None, None
        if turtle.path not in self._indexes:
            self._indexes[turtle.path] = _SubjectIndex(turtle.text)
        return turtle.path, _line_of_node(turtle, node, self._indexes[turtle.path])  # type: ignore[arg-type]


class _SubjectIndex:
    """The line each subject of a Turtle file is written on: the first line that begins,
    after its indentation, with it. Built once per file, not searched once per finding."""

    def __init__(self, text: str) -> None:
        self._lines: dict[str, int] = {}
        first_line = self._lines.setdefault
        for number, line in enumerate(text.split("\n"), start=1):
            words = line.split(None, 1)
            if not words or words[0] in self._lines:  # a word seen: so were its parts
                continue
            # "ex:a;" and "ex:a." are ex:a followed by punctuation; "ex:a.b" is a name itself.
            word = words[0]
            for mark in _PUNCTUATION.finditer(word):
                first_line(word[:mark.start()], number)
            first_line(word, number)

    def line(self, candidate: str) -> int | None:
        return self._lines.get(candidate)


class _ParsedLocator:
    """``_Locator`` for files parsed by Oxigraph: the file from the parse's index, the
    line from the file's text and prefixes."""

    def __init__(self, parsed: ParsedFiles) -> None:
        self._parsed = parsed
        self._indexes: dict[Path, _SubjectIndex] = {}

    def locate(self, node: Node | None) -> tuple[Path | None, int | None]:
        file = None if node is None else self._parsed.file_of(node)
        if file is None or not isinstance(node, URIRef):
            return (None, None) if file is None else (file.path, None)
        if file.path not in self._indexes:
            self._indexes[file.path] = _SubjectIndex(file.text)
        # The longest namespace first: the name the file most likely writes.
        names = [f"{prefix}:{node[len(namespace):]}" for prefix, namespace in sorted(
            file.prefixes.items(), key=lambda item: -len(item[1])) if node.startswith(namespace)]
        return file.path, _line_of(file.text, self._indexes[file.path], [*names[:1], f"<{node}>", *names[1:]])


def _line_of_node(turtle: TurtleFile, node: Node, index: _SubjectIndex) -> int | None:
    if not isinstance(node, URIRef):
        return None
    candidates = [f"<{node}>"]
    try:
        prefix, _, local = turtle.graph.namespace_manager.compute_qname(node, generate=False)
        candidates.insert(0, f"{prefix}:{local}")
    except (KeyError, ValueError):
        pass
    return _line_of(turtle.text, index, candidates)


def _line_of(text: str, index: _SubjectIndex, candidates: list[str]) -> int | None:
    for candidate in candidates:
        line = index.line(candidate)
        if line is not None:
            return line
    for candidate in candidates:
        line = line_of(text, candidate)
        if line:
            return line
    return None


_PUNCTUATION = re.compile("[;,.]")
