"""Validation of citynet data against the shapes, with a typed report.

The SHACL results are pySHACL's, reached faster (see ``shacl_results``); citynet adds
what SHACL cannot see in a parsed graph (ill-typed literals, malformed IRIs) and says
which file each finding comes from.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from rdflib import RDF, SH, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from citynet import resources, sparql_constraints
from citynet.core_candidates import validate_core
from citynet.oxigraph_copy import OxigraphCopy
from citynet.prefixes import compact, namespace_manager
from citynet.rdf_files import TurtleFile, collect_turtle_files, line_of, load_turtle_files

ONTOLOGY_IRI = URIRef("https://w3id.org/citynet/def")

# Characters that RFC 3987 does not allow anywhere in an IRI.
_BAD_IRI_CHARACTERS = re.compile(r'[\x00-\x20<>"{}|\\^`]')


class Severity(StrEnum):
    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"


@dataclass(frozen=True)
class Finding:
    """One problem found in the data."""

    severity: Severity
    focus_node: Node
    message: str
    path: Node | None = None
    value: Node | None = None
    shape: Node | None = None
    file: Path | None = None
    line: int | None = None


@dataclass
class ValidationReport:
    """What validation found, violations kept apart from warnings and notes."""

    files: list[Path]
    findings: list[Finding] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not self.violations

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.VIOLATION]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    @property
    def infos(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.INFO]


def validate(paths: Sequence[Path] | None = None) -> ValidationReport:
    """Validate the shipped data, or the Turtle files and folders in ``paths``,
    together with the citynet ontology. Raises InputError for unreadable input."""
    ontology = resources.ontology_path()
    data_paths = resources.data_files() if paths is None else collect_turtle_files(paths)
    data_paths = [p for p in data_paths if p.resolve() != ontology.resolve()]
    ontology_file, *data_files = load_turtle_files([ontology, *data_paths])

    # The ontology goes into the data graph: without its subclass axioms pySHACL would
    # skip instances of subclasses (cn:City as cn:Place). Passed as ont_graph instead,
    # pySHACL 0.40 loses language-tagged literals of the ontology when mixing it in.
    data_graph = Graph()
    for turtle in [ontology_file, *data_files]:
        data_graph += turtle.graph
    results = shacl_results(data_graph, Graph().parse(resources.shapes_path(), format="turtle"))
    locator = _Locator([ontology_file, *data_files])
    findings = [*_shacl_findings(results, locator), *_term_findings(data_files)]
    findings.sort(key=_finding_order)
    return ValidationReport(files=[t.path for t in data_files], findings=findings)


def shacl_results(data_graph: Graph, shapes: Graph) -> Graph:
    """The SHACL validation results for ``data_graph``, as pySHACL alone gives them:
    the SPARQL constraints run in Oxigraph (citynet.sparql_constraints), and pySHACL
    checks the rest on the focus nodes that could fail (citynet.core_candidates).
    ``shapes`` is used up: it loses the sh:sparql triples taken over."""
    sparql = sparql_constraints.take_sparql_constraints(shapes)
    copy = OxigraphCopy(data_graph)
    results = validate_core(data_graph, shapes, copy)
    results += sparql_constraints.evaluate(sparql, shapes, data_graph, copy)
    return results


def _finding_order(finding: Finding) -> tuple:
    return (list(Severity).index(finding.severity), str(finding.file or ""), finding.line or 0,
            str(finding.focus_node), str(finding.path or ""), finding.message)


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

    def locate(self, node: Node) -> tuple[Path | None, int | None]:
        turtle = self.file_of(node)
        if turtle is None:
            return None, None
        if turtle.path not in self._indexes:
            self._indexes[turtle.path] = _SubjectIndex(turtle.text)
        return turtle.path, _line_of_node(turtle, node, self._indexes[turtle.path])


class _SubjectIndex:
    """The line each subject of a Turtle file is written on: the first line that begins,
    after its indentation, with it. Built once per file, not searched once per finding."""

    def __init__(self, text: str) -> None:
        self._lines: dict[str, int] = {}
        for number, line in enumerate(text.split("\n"), start=1):
            words = line.split(None, 1)
            if not words:
                continue
            # "ex:a;" and "ex:a." are ex:a followed by punctuation; "ex:a.b" is a name itself.
            word = words[0]
            for end in [*(m.start() for m in re.finditer("[;,.]", word)), len(word)]:
                self._lines.setdefault(word[:end], number)

    def line(self, candidate: str) -> int | None:
        return self._lines.get(candidate)


def _line_of_node(turtle: TurtleFile, node: Node, index: _SubjectIndex) -> int | None:
    if not isinstance(node, URIRef):
        return None
    candidates = [f"<{node}>"]
    try:
        prefix, _, local = turtle.graph.namespace_manager.compute_qname(node, generate=False)
        candidates.insert(0, f"{prefix}:{local}")
    except (KeyError, ValueError):
        pass
    for candidate in candidates:
        line = index.line(candidate)
        if line is not None:
            return line
    for candidate in candidates:
        line = line_of(turtle.text, candidate)
        if line:
            return line
    return None


def _shacl_findings(results: Graph, locator: _Locator) -> Iterable[Finding]:
    # Only top-level results: those nested under sh:detail (from sh:node) repeat them.
    for result in results.objects(None, SH.result):
        focus = results.value(result, SH.focusNode)
        value = results.value(result, SH.value)
        if focus == ONTOLOGY_IRI and value is not None:
            # Whole-graph rules run from the ontology node and name the offender as the value.
            focus, value = value, None
        path = results.value(result, SH.resultPath)
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        severity = results.value(result, SH.resultSeverity)
        file, line = locator.locate(focus)
        yield Finding(
            severity=Severity(str(severity).rsplit("#", 1)[-1]),
            focus_node=focus,
            path=path if isinstance(path, URIRef) else (_describe_path(results, path) if path else None),
            value=value,
            message=messages[0] if messages else "does not conform",
            shape=results.value(result, SH.sourceShape),
            file=file,
            line=line,
        )


def _describe_path(results: Graph, path: Node) -> Literal:
    return Literal(" / ".join(str(o) for o in results.objects(path, None)))


def _term_findings(files: Sequence[TurtleFile]) -> Iterable[Finding]:
    """Problems in single terms: rdflib accepts both silently."""
    for turtle in files:
        for s, p, o in turtle.graph:
            if isinstance(o, Literal) and o.ill_typed:
                yield Finding(
                    severity=Severity.VIOLATION, focus_node=s, path=p, value=o,
                    message=f'"{o}" is not a valid {_short(o.datatype)} value',
                    file=turtle.path, line=line_of(turtle.text, f'"{o}"'))
            for term in (s, p, o):
                if isinstance(term, URIRef) and _BAD_IRI_CHARACTERS.search(str(term)):
                    yield Finding(
                        severity=Severity.VIOLATION, focus_node=s, path=p, value=term,
                        message=f"<{term}> is not a valid IRI: it contains a space or one of "
                                '<>"{}|\\^` (percent-encode it, e.g. %20 for a space)',
                        file=turtle.path, line=line_of(turtle.text, str(term)))


# ---------------------------------------------------------------- rendering

def _short(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        text = compact(node)
        return text if text != str(node) else f"<{node}>"
    if isinstance(node, BNode):
        return "[blank node]"
    if isinstance(node, Literal):
        return node.n3(namespace_manager())
    return str(node)


def render_text(report: ValidationReport, *, show_info: bool = False) -> str:
    lines = []
    shown = [f for f in report.findings if show_info or f.severity is not Severity.INFO]
    for finding in shown:
        where = ""
        if finding.file:
            where = f"{_display_path(finding.file)}{f':{finding.line}' if finding.line else ''}: "
        about = _short(finding.focus_node)
        if finding.path is not None:
            about += f" {_short(finding.path)}"
        lines.append(f"{where}{finding.severity.value}: {about}: {finding.message}")
    count = len(report.files)
    noun = "data file" if count == 1 else "data files"
    if report.conforms:
        verdict = "conforms" if count == 1 else "conform"
    else:
        verdict = "does not conform" if count == 1 else "do not conform"
    hidden = "" if show_info else " (--info lists them)"
    lines.append(
        f"{count} {noun} {verdict}: {len(report.violations)} violations, "
        f"{len(report.warnings)} warnings, {len(report.infos)} notes{hidden if report.infos else ''}")
    return "\n".join(lines)


def render_json(report: ValidationReport) -> str:
    def term(node: Node | None) -> str | None:
        return None if node is None else (str(node) if isinstance(node, URIRef) else node.n3())

    return json.dumps({
        "conforms": report.conforms,
        "counts": {"violations": len(report.violations), "warnings": len(report.warnings),
                   "infos": len(report.infos)},
        "files": [str(p) for p in report.files],
        "findings": [{
            "severity": f.severity.value, "focus_node": term(f.focus_node), "path": term(f.path),
            "value": term(f.value), "message": f.message,
            "shape": term(f.shape) if isinstance(f.shape, URIRef) else None,
            "file": str(f.file) if f.file else None, "line": f.line,
        } for f in report.findings],
    }, indent=2, ensure_ascii=False)


def render_turtle(report: ValidationReport) -> str:
    """The report as a SHACL validation report graph."""
    graph = Graph()
    graph.namespace_manager = namespace_manager()
    graph.bind("sh", SH)
    root = BNode()
    graph.add((root, RDF.type, SH.ValidationReport))
    graph.add((root, SH.conforms, Literal(report.conforms)))
    for finding in report.findings:
        node = BNode()
        graph.add((root, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.focusNode, finding.focus_node))
        graph.add((node, SH.resultSeverity, SH[finding.severity.value]))
        graph.add((node, SH.resultMessage, Literal(finding.message)))
        if isinstance(finding.path, URIRef):
            graph.add((node, SH.resultPath, finding.path))
        if finding.value is not None:
            graph.add((node, SH.value, finding.value))
        if isinstance(finding.shape, URIRef):
            graph.add((node, SH.sourceShape, finding.shape))
        if finding.file:
            graph.add((node, RDF_SEE_ALSO, URIRef(finding.file.resolve().as_uri())))
    return graph.serialize(format="turtle")


RDF_SEE_ALSO = URIRef("http://www.w3.org/2000/01/rdf-schema#seeAlso")


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
