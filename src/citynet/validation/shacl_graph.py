"""Reading a SHACL shapes graph as pySHACL reads it: what validation's Oxigraph paths share.

Where pySHACL departs from the SHACL text, this follows pySHACL, because citynet's fast
path must give pySHACL's report: a shape is deactivated by any true-ish sh:deactivated, a
shape typed owl:Class has an implicit class target, and an inverse path over a sequence
inverts each step in order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pyshacl.helper.path_helper import shacl_path_to_sparql_path
from pyshacl.shapes_graph import ShapesGraph
from rdflib import OWL, RDF, RDFS, SH, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

TARGETS = (SH.targetNode, SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf)
# Where one shape refers to another (rdf:first: in the lists of sh:and, sh:or, sh:xone).
SHAPE_LINKS = (SH.node, SH.property, SH["not"], SH.qualifiedValueShape, RDF.first)


def is_true(node: Node | None) -> bool:
    """A boolean parameter such as sh:uniqueLang is set only by the literal true."""
    return isinstance(node, Literal) and node.value is True


def is_deactivated(shapes: Graph, shape: Node) -> bool:
    """pySHACL deactivates a shape whose sh:deactivated literal has a true-ish value (1, any
    string, true)."""
    value = shapes.value(shape, SH.deactivated)
    return isinstance(value, Literal) and bool(value.value)


def pyshacl_shapes(shapes: Graph) -> set[Node]:
    """The nodes pySHACL takes for shapes: those typed sh:NodeShape or sh:PropertyShape, the
    subjects of targets, sh:property and sh:node, and the shapes that shape parameters name
    (sh:property, sh:node, sh:not, sh:qualifiedValueShape, and the members of the lists of
    sh:and, sh:or and sh:xone). Any of them that is a class has its instances as targets."""
    found = {s for kind in (SH.NodeShape, SH.PropertyShape) for s in shapes.subjects(RDF.type, kind)}
    found |= {s for link in (*TARGETS, SH.property, SH.node) for s in shapes.subjects(link, None)}
    found |= {o for link in (SH.node, SH.property, SH["not"], SH.qualifiedValueShape)
              for o in shapes.objects(None, link)}
    found |= {m for link in (SH["and"], SH["or"], SH.xone) for head in shapes.objects(None, link)
              for m in list_members(shapes, head)}
    return found


def list_members(shapes: Graph, head: Node) -> list[Node]:
    """The members of the RDF list ``head``; none for a broken list (pySHACL refuses the
    shapes, and says why)."""
    try:
        return list(Collection(shapes, head))
    except Exception:
        return []


def class_types(shapes: Graph) -> set[Node]:
    """The types that make a shape its own class target: rdfs:Class and its direct
    subclasses, owl:Class among them (pySHACL adds that axiom to every shapes graph)."""
    return {RDFS.Class, OWL.Class, *shapes.subjects(RDFS.subClassOf, RDFS.Class)}


def implicit_class(shapes: Graph, shape: Node, types: set[Node] | None = None) -> bool:
    types = class_types(shapes) if types is None else types
    return any(t in types for t in shapes.objects(shape, RDF.type))


Write = Callable[[URIRef], str]


def _angled(iri: URIRef) -> str:
    return f"<{iri}>"


def value_path(shapes: Graph, path: Node, write: Write = _angled, inverse: bool = False) -> str | None:
    """A SHACL property path as a SPARQL property path that reaches the value nodes pySHACL
    reaches (``value_nodes_from_path``): an inverse inverts each step where it stands.
    ``write`` turns an IRI into query text; None where the path cannot be written."""
    if isinstance(path, URIRef):
        return f"^{write(path)}" if inverse else write(path)
    if (path, RDF.first, None) in shapes:
        return _joined(shapes, Collection(shapes, path), "/", write, inverse)
    inner = shapes.value(path, SH.inversePath)
    if inner is not None:
        return value_path(shapes, inner, write, not inverse)
    options = shapes.value(path, SH.alternativePath)
    if options is not None:
        return _joined(shapes, Collection(shapes, options), "|", write, inverse)
    for predicate, operator in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = shapes.value(path, predicate)
        if inner is not None:
            text = value_path(shapes, inner, write, inverse)
            return None if text is None else f"({text}){operator}"
    return None


def _joined(shapes: Graph, parts: Iterable[Node], operator: str, write: Write, inverse: bool) -> str | None:
    written = [value_path(shapes, p, write, inverse) for p in parts]
    if len(written) < 2 or None in written:
        return None  # pySHACL refuses a list of fewer than two paths
    return "(" + operator.join(written) + ")"  # type: ignore[arg-type]


def reaches_its_start(shapes: Graph, path: Node) -> bool:
    """Does the path reach its start node (zero steps)? pySHACL counts a focus node as its own
    value of such a path even where the node is not in the data; SPARQL engines may not."""
    if isinstance(path, URIRef):
        return False
    if (path, RDF.first, None) in shapes:
        return all(reaches_its_start(shapes, p) for p in Collection(shapes, path))
    inner = shapes.value(path, SH.inversePath)
    if inner is not None:
        return reaches_its_start(shapes, inner)
    options = shapes.value(path, SH.alternativePath)
    if options is not None:
        return any(reaches_its_start(shapes, p) for p in Collection(shapes, options))
    return (path, SH.zeroOrMorePath, None) in shapes or (path, SH.zeroOrOnePath, None) in shapes


def path_for_sparql_constraint(shapes: Graph, path: Node) -> str | None:
    """``$PATH`` as pySHACL writes it into a SHACL-SPARQL query (its own function; pySHACL
    shortens IRIs with the declared prefixes, which names the same IRIs)."""
    try:
        return shacl_path_to_sparql_path(ShapesGraph(_copy(shapes)), path)
    except Exception:  # pySHACL reports a path it cannot write
        return None


def _copy(shapes: Graph) -> Graph:
    """pySHACL adds axioms to a shapes graph it wraps: give it a copy."""
    copy = Graph()
    copy += shapes
    return copy

