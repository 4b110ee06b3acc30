"""A validation report as people read it (text) and as programs read it (JSON, Turtle)."""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import SH, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from citynet.graph.prefixes import compact, namespace_manager
from citynet.validation.validator import Finding, Severity, ValidationReport


def render_text(report: ValidationReport, *, show_info: bool = False,
                fail_on: Severity = Severity.VIOLATION) -> str:
    """One line per finding (the offender of a whole-graph rule shown as its subject),
    then a summary line with the verdict."""
    lines = [_line(f) for f in report.findings if show_info or f.severity is not Severity.INFO]
    count = len(report.files)
    noun = "data file" if count == 1 else "data files"
    if report.conforms:
        verdict = "conforms" if count == 1 else "conform"
    elif report.passes(fail_on):
        verdict = "passes" if count == 1 else "pass"
    else:
        verdict = "fails" if count == 1 else "fail"
    hidden = " (--info lists them)" if report.infos and not show_info else ""
    lines.append(f"{count} {noun} {verdict}: {len(report.violations)} violations, "
                 f"{len(report.warnings)} warnings, {len(report.infos)} notes{hidden}")
    return "\n".join(lines)


def _line(finding: Finding) -> str:
    where = ""
    if finding.file:
        where = f"{_display_path(finding.file)}{f':{finding.line}' if finding.line else ''}: "
    about = _short(finding.about if finding.about is not None else finding.focus_node)
    if finding.path is not None:
        about += f" {_short(finding.path)}"
    return f"{where}{finding.severity_name}: {about}: {finding.message}"


def render_json(report: ValidationReport, *, fail_on: Severity = Severity.VIOLATION) -> str:
    """The findings with SHACL's terms (focus node, path, value, shape, component), and
    where each is written."""
    def term(node: Node | None) -> str | None:
        return None if node is None else (str(node) if isinstance(node, URIRef) else node.n3())

    return json.dumps({
        "conforms": report.conforms,
        "passes": report.passes(fail_on),
        "counts": {"violations": len(report.violations), "warnings": len(report.warnings),
                   "infos": len(report.infos)},
        "files": [str(p) for p in report.files],
        "findings": [{
            "severity": f.severity_name, "focus_node": term(f.focus_node), "path": term(f.path),
            "value": term(f.value), "message": f.message, "shape": term(f.shape),
            "component": term(f.component), "about": term(f.about),
            "file": str(f.file) if f.file else None, "line": f.line,
        } for f in report.findings],
        "fallbacks": report.fallbacks,
    }, indent=2, ensure_ascii=False)


def render_turtle(report: ValidationReport) -> str:
    """The SHACL validation report graph (sh:ValidationReport)."""
    graph = Graph()
    graph += report.graph
    graph.namespace_manager = namespace_manager()
    graph.bind("sh", SH)
    return graph.serialize(format="turtle")


def _short(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        text = str(compact(node))
        return text if text != str(node) else f"<{node}>"
    if isinstance(node, BNode):
        return "[blank node]"
    if isinstance(node, Literal):
        return node.n3(namespace_manager())
    return str(node)


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
