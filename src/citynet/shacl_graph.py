"""Reading a SHACL shapes graph: what validation's Oxigraph paths share."""

from __future__ import annotations

from rdflib import RDF, SH, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

TARGETS = (SH.targetNode, SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf)


def is_true(node: Node | None) -> bool:
    """A boolean parameter such as sh:deactivated is set only by the literal true."""
    return isinstance(node, Literal) and node.value is True


def sparql_path(shapes: Graph, path: Node) -> str | None:
    """A SHACL property path as a SPARQL property path."""
    if isinstance(path, URIRef):
        return f"<{path}>"
    if (path, RDF.first, None) in shapes:
        parts = [sparql_path(shapes, p) for p in Collection(shapes, path)]
        return None if None in parts else "(" + "/".join(parts) + ")"  # type: ignore[arg-type]
    unary = {SH.inversePath: "^{}", SH.zeroOrMorePath: "{}*", SH.oneOrMorePath: "{}+",
             SH.zeroOrOnePath: "{}?"}
    for predicate, template in unary.items():
        inner = shapes.value(path, predicate)
        if inner is not None:
            text = sparql_path(shapes, inner)
            return None if text is None else "(" + template.format(text) + ")"
    options = shapes.value(path, SH.alternativePath)
    if options is not None:
        parts = [sparql_path(shapes, p) for p in Collection(shapes, options)]
        return None if None in parts else "(" + "|".join(parts) + ")"  # type: ignore[arg-type]
    return None
