"""SHACL core validation with pySHACL, on only the focus nodes that could fail.

pySHACL checks every focus node on its own, in Python: about 0.25 ms per node and shape,
minutes for a million triples, nearly all of it on nodes that conform. Here Oxigraph first
selects, per shape with targets, the focus nodes that *could* produce a result, and
pySHACL validates the shape on those alone (given as its ``sh:targetNode`` values).
Every result is still pySHACL's own, message included.

The selection must never leave out a node pySHACL would report. Each constraint becomes
a SPARQL condition that holds for every node that can fail it (it may hold for more):
``_shape_fails`` for "could produce a result", ``_shape_conforms`` for "could conform"
(needed under sh:not and sh:xone). A condition that errs counts as true (``COALESCE(…, true)``), and a
constraint without a rule here counts as "could fail", so a shape this module does not
understand is validated on all its focus nodes, as before. What SPARQL cannot see as
rdflib does is computed in Python and marked in named graphs of the Oxigraph copy:
literals rdflib takes as ill-typed, and values that fail an sh:pattern (Python's regex).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from itertools import combinations, count

import pyoxigraph as ox
import pyshacl
from rdflib import RDF, RDFS, SH, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from citynet.oxigraph_copy import ILL_TYPED, OxigraphCopy
from citynet.shacl_graph import TARGETS, is_true, sparql_path

# Parameters that constrain nothing on their own.
_NOT_CONSTRAINTS = {RDF.type, SH.path, *TARGETS, SH.message, SH.severity, SH.name, SH.description,
                    SH.deactivated, SH.order, SH.group, SH.defaultValue, SH.flags,
                    RDFS.label, RDFS.comment}
_COUNTING = {SH.minCount, SH.maxCount, SH.uniqueLang, SH.qualifiedValueShape, SH.qualifiedMinCount,
             SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint}
_NODE_KINDS = {SH.IRI: "isIRI({})", SH.BlankNode: "isBlank({})", SH.Literal: "isLiteral({})",
               SH.BlankNodeOrIRI: "!isLiteral({})", SH.BlankNodeOrLiteral: "!isIRI({})",
               SH.IRIOrLiteral: "!isBlank({})"}
_RANGES = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
_MAX_DEPTH = 8

Condition = str | None  # a SPARQL expression; None stands for "true"


def validate_core(data: Graph, shapes: Graph, copy: OxigraphCopy) -> Graph:
    """pySHACL's results for ``data`` and ``shapes``, from the focus nodes that could fail.

    For the run, each shape's targets are replaced by ``sh:targetNode`` for just those
    nodes (``shapes`` is restored afterwards): pySHACL then validates every shape, nested
    ones included, exactly as in a full run, only on fewer focus nodes."""
    plan = _Selection(shapes, data, copy).plan() if copy.exact else None
    if plan is None:
        return _pyshacl(data, shapes)
    removed: list[tuple[Node, Node, Node]] = []
    added: list[tuple[Node, Node, Node]] = []
    for shape, query in plan.items():
        if query is None:
            continue  # all its focus nodes
        removed += [(shape, t, o) for t in TARGETS for o in shapes.objects(shape, t)]
        added += [(shape, SH.targetNode, copy.to_rdflib(row["this"])) for row in copy.store.query(query)]
    try:
        for triple in removed:
            shapes.remove(triple)
        for triple in added:
            shapes.add(triple)
        return _pyshacl(data, shapes)
    finally:
        for triple in added:
            shapes.remove(triple)
        for triple in removed:
            shapes.add(triple)


def _pyshacl(data: Graph, shapes: Graph) -> Graph:
    return pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)[1]


class _Selection:
    """Writes, for each shape with targets, the query for its focus nodes that could fail."""

    def __init__(self, shapes: Graph, data: Graph, copy: OxigraphCopy) -> None:
        self.shapes, self.data, self.copy = shapes, data, copy
        self._names = count()
        self._pattern_marks: dict[Node, ox.NamedNode] = {}

    def plan(self) -> dict[Node, str | None] | None:
        """Shape → query for its focus nodes that could fail (None: all of them);
        None if pySHACL must run as usual."""
        if (None, SH.target, None) in self.shapes:
            return None  # SPARQL-based targets
        plan: dict[Node, str | None] = {}
        for shape in self._targeted_shapes():
            condition = self._shape_fails(shape, "?this", 0)
            targets = self._targets(shape)
            plan[shape] = None if condition is None or targets is None else (
                f"SELECT DISTINCT ?this WHERE {{ {targets} FILTER ({condition}) }}")
        return plan

    def _targeted_shapes(self) -> list[Node]:
        shapes = {s for target in TARGETS for s in self.shapes.subjects(target, None)}
        shapes |= {s for kind in (SH.NodeShape, SH.PropertyShape)
                   for s in self.shapes.subjects(RDF.type, kind) if self._implicit_class(s)}
        return sorted(shapes, key=str)

    def _implicit_class(self, shape: Node) -> bool:
        classes = {RDFS.Class, *self.shapes.subjects(RDFS.subClassOf, RDFS.Class)}
        return any(t in classes for t in self.shapes.objects(shape, RDF.type))

    def _targets(self, shape: Node) -> str | None:
        """A graph pattern binding ?this to the focus nodes, as pySHACL's Shape.focus_nodes
        (None for an implicit class target, which cannot be replaced by sh:targetNode)."""
        if self._implicit_class(shape) or any(
                isinstance(o, BNode) for t in TARGETS for o in self.shapes.objects(shape, t)):
            return None
        patterns = []
        nodes = [n.n3() for n in self.shapes.objects(shape, SH.targetNode)]
        if nodes:
            patterns.append(f"VALUES ?this {{ {' '.join(nodes)} }}")
        classes = set(self.shapes.objects(shape, SH.targetClass))
        patterns += [f"?this a/<{RDFS.subClassOf}>* {c.n3()} ." for c in classes]
        patterns += [f"?this {p.n3()} ?{self._name()} ." for p in self.shapes.objects(shape, SH.targetSubjectsOf)]
        patterns += [f"?{self._name()} {p.n3()} ?this ." for p in self.shapes.objects(shape, SH.targetObjectsOf)]
        return " UNION ".join(f"{{ {p} }}" for p in patterns)

    def _name(self) -> str:
        return f"v{next(self._names)}"

    # ------------------------------------------------------------ could fail

    def _shape_fails(self, shape: Node, node: str, depth: int) -> Condition:
        if depth > _MAX_DEPTH:
            return None
        if is_true(self.shapes.value(shape, SH.deactivated)):
            return "false"
        if (shape, SH.path, None) in self.shapes:
            return self._property_fails(shape, node, depth)
        return self._value_fails(shape, node, None, depth)

    def _property_fails(self, shape: Node, node: str, depth: int) -> Condition:
        path = sparql_path(self.shapes, self.shapes.value(shape, SH.path))
        if path is None:
            return None
        value, other = f"?{self._name()}", f"?{self._name()}"
        parts: list[Condition] = []
        for parameter, argument in self.shapes.predicate_objects(shape):
            if parameter not in _COUNTING:
                continue
            limit = _integer(argument)
            if parameter == SH.minCount and limit is not None and limit <= 1:
                parts.append(f"NOT EXISTS {{ {node} {path} {value} }}" if limit == 1 else "false")
            elif parameter == SH.maxCount and limit == 0:
                parts.append(f"EXISTS {{ {node} {path} {value} }}")
            elif parameter == SH.maxCount and limit == 1:
                parts.append(f"EXISTS {{ {node} {path} {value} . {node} {path} {other} . "
                             f"FILTER (!sameTerm({value}, {other})) }}")
            elif parameter == SH.uniqueLang and isinstance(argument, Literal):
                if is_true(argument):  # pySHACL skips sh:uniqueLang false
                    same_language = _safe(f'!sameTerm({value}, {other}) && LANG({value}) != "" && '
                                          f'LCASE(LANG({value})) = LCASE(LANG({other}))')
                    parts.append(f"EXISTS {{ {node} {path} {value} . {node} {path} {other} . "
                                 f"FILTER ({same_language}) }}")
            else:
                return None  # larger counts and qualified shapes
        predicate = self.shapes.value(shape, SH.path)
        each = self._value_fails(shape, value, predicate if isinstance(predicate, URIRef) else None, depth)
        if each != "false":
            test = "" if each is None else f" FILTER ({each})"
            parts.append(f"EXISTS {{ {node} {path} {value} .{test} }}")
        return _any(parts)

    def _value_fails(self, shape: Node, node: str, predicate: URIRef | None, depth: int) -> Condition:
        """Could ``node`` fail the constraints that ``shape`` puts on each value node?
        ``predicate`` is the shape's path where that is one predicate."""
        parts: list[Condition] = []
        for parameter, argument in self.shapes.predicate_objects(shape):
            if parameter in _NOT_CONSTRAINTS or (parameter in _COUNTING and (shape, SH.path, None) in self.shapes):
                continue
            if parameter == SH["class"] and isinstance(argument, URIRef):
                parts.append(f"NOT EXISTS {{ {node} a/<{RDFS.subClassOf}>* {argument.n3()} }}")
            elif parameter == SH.datatype and isinstance(argument, URIRef) and argument not in (
                    RDFS.Literal, RDFS.Datatype):
                parts.append(_safe(f"!isLiteral({node}) || DATATYPE({node}) != {argument.n3()}"))
                parts.append(f"EXISTS {{ GRAPH {ILL_TYPED} {{ {ILL_TYPED} {ILL_TYPED} {node} }} }}")
            elif parameter == SH.nodeKind and argument in _NODE_KINDS:
                parts.append(_safe("!(" + _NODE_KINDS[argument].format(node) + ")"))
            elif parameter == SH.pattern:
                mark = self._pattern_mark(shape, predicate)
                parts.append(None if mark is None else f"EXISTS {{ GRAPH {mark} {{ {mark} {mark} {node} }} }}")
            elif parameter == SH["in"] and _all_iris(self._list(argument)):
                members = " || ".join(f"sameTerm({node}, {m.n3()})" for m in self._list(argument))
                parts.append(f"!({members or 'false'})")
            elif parameter in _RANGES and _exact_number(argument):
                # pySHACL compares Python values exactly (a float with a Decimal); SPARQL
                # promotes to double: a float or double value is left to pySHACL.
                inexact = f"DATATYPE({node}) IN (<{XSD.float}>, <{XSD.double}>)"
                within = f"{node} {_RANGES[parameter]} {argument.n3()}"
                parts.append(_safe(f"!isNumeric({node}) || {inexact} || !({within})"))
                parts.append(f"EXISTS {{ GRAPH {ILL_TYPED} {{ {ILL_TYPED} {ILL_TYPED} {node} }} }}")
            elif parameter == SH.node:
                parts.append(None if (argument, SH.path, None) in self.shapes
                             else self._shape_fails(argument, node, depth + 1))
            elif parameter == SH.property:
                parts.append(self._shape_fails(argument, node, depth + 1))
            elif parameter == SH["not"]:
                parts.append(self._shape_conforms(argument, node, depth + 1))
            elif parameter == SH["and"]:
                parts.append(_any(self._shape_fails(m, node, depth + 1) for m in self._list(argument)))
            elif parameter == SH["or"]:
                parts.append(_all(self._shape_fails(m, node, depth + 1) for m in self._list(argument)))
            elif parameter == SH.xone:
                members = self._list(argument)
                both = [_all([self._shape_conforms(a, node, depth + 1), self._shape_conforms(b, node, depth + 1)])
                        for a, b in combinations(members, 2)]
                parts.append(_any([*both, _all(self._shape_fails(m, node, depth + 1) for m in members)]))
            else:
                return None  # a constraint without a rule here: could fail
        return _any(parts)

    # ------------------------------------------------------------ could conform

    def _shape_conforms(self, shape: Node, node: str, depth: int) -> Condition:
        # With allow_warnings, pySHACL counts a shape of severity Warning or Info as conforming.
        if depth > _MAX_DEPTH or is_true(self.shapes.value(shape, SH.deactivated)) or any(
                s in (SH.Warning, SH.Info) for s in self.shapes.objects(shape, SH.severity)):
            return None
        parts: list[Condition] = []
        is_property = (shape, SH.path, None) in self.shapes
        for parameter, argument in self.shapes.predicate_objects(shape):
            if is_property:
                if parameter == SH.minCount and _integer(argument) == 1:
                    path = sparql_path(self.shapes, self.shapes.value(shape, SH.path))
                    parts.append(None if path is None else f"EXISTS {{ {node} {path} ?{self._name()} }}")
                continue  # the values' constraints: could conform
            if parameter == SH["class"] and isinstance(argument, URIRef):
                parts.append(f"EXISTS {{ {node} a/<{RDFS.subClassOf}>* {argument.n3()} }}")
            elif parameter == SH.datatype and isinstance(argument, URIRef) and argument not in (
                    RDFS.Literal, RDFS.Datatype):
                parts.append(_safe(f"isLiteral({node}) && DATATYPE({node}) = {argument.n3()}"))
            elif parameter == SH.nodeKind and argument in _NODE_KINDS:
                parts.append(_safe(_NODE_KINDS[argument].format(node)))
            elif parameter == SH.property or (parameter == SH.node and (argument, SH.path, None) not in self.shapes):
                parts.append(self._shape_conforms(argument, node, depth + 1))
            elif parameter == SH["not"]:
                parts.append(self._shape_fails(argument, node, depth + 1))
            elif parameter == SH["and"]:
                parts.append(_all(self._shape_conforms(m, node, depth + 1) for m in self._list(argument)))
            elif parameter in (SH["or"], SH.xone):
                parts.append(_any(self._shape_conforms(m, node, depth + 1) for m in self._list(argument)))
        return _all(parts)

    # ------------------------------------------------------------ helpers

    def _list(self, node: Node) -> list[Node]:
        return list(Collection(self.shapes, node))

    def _pattern_mark(self, shape: Node, predicate: URIRef | None) -> ox.NamedNode | None:
        """A named graph holding the values of ``predicate`` that fail the shape's sh:pattern,
        tested as pySHACL tests them (PatternConstraintComponent)."""
        if predicate is None:
            return None
        if shape not in self._pattern_marks:
            flags = self.shapes.value(shape, SH.flags)
            patterns = [_compile(p, flags) for p in self.shapes.objects(shape, SH.pattern)]
            mark = ox.NamedNode(f"urn:citynet:validation:pattern:{len(self._pattern_marks)}")
            self._pattern_marks[shape] = mark
            values = set(self.data.objects(None, predicate))
            failing = {v for v in values if not all(_matches(p, v) for p in patterns)}
            self.copy.store.bulk_extend(ox.Quad(mark, mark, self.copy.to_oxigraph(v), mark) for v in failing)
        return self._pattern_marks[shape]


def _compile(pattern: Node, flags: Node | None) -> re.Pattern[str]:
    text = str(pattern.value) if isinstance(pattern, Literal) and pattern.value is not None and len(
        pattern.value) > 1 else str(pattern)
    options = 0
    if flags is not None:
        written = str(flags.value if isinstance(flags, Literal) else flags).lower()
        options = (re.I if "i" in written else 0) | (re.M if "m" in written else 0)
    return re.compile(text, options)


def _matches(pattern: re.Pattern[str], value: Node) -> bool:
    if isinstance(value, BNode):
        return False
    if isinstance(value, Literal) and value.value is not None and value.datatype in (
            None, RDF.langString, URIRef("http://www.w3.org/2001/XMLSchema#string")):
        text = str(value.value)
    else:
        text = str(value)
    return bool(pattern.match(text) or pattern.search(text))


def _safe(expression: str) -> str:
    """An expression that is true where it would err: an error must not hide a candidate."""
    return f"COALESCE(({expression}), true)"


def _any(parts: Iterable[Condition]) -> Condition:
    parts = list(parts)
    if any(p is None for p in parts):
        return None
    kept = [p for p in parts if p != "false"]
    return " || ".join(f"({p})" for p in kept) if kept else "false"


def _all(parts: Iterable[Condition]) -> Condition:
    parts = list(parts)
    if "false" in parts:
        return "false"
    kept = [p for p in parts if p is not None]
    return " && ".join(f"({p})" for p in kept) if kept else None


def _integer(node: Node) -> int | None:
    return node.value if isinstance(node, Literal) and isinstance(node.value, int) else None


def _exact_number(node: Node) -> bool:
    """An integer or decimal literal (not a float or double, not a boolean)."""
    return isinstance(node, Literal) and isinstance(node.value, (int, Decimal)) and not isinstance(
        node.value, bool)


def _all_iris(nodes: list[Node]) -> bool:
    return all(isinstance(n, URIRef) for n in nodes)
