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
understand is validated on all its focus nodes: plain pySHACL for that shape alone. What
SPARQL cannot see as rdflib does is computed in Python and marked in named graphs of the
Oxigraph copy: literals rdflib takes as ill-typed, values that fail an sh:pattern
(Python's regex), and literals the copy does not hold as written (``LOSSY``: a test of
their datatype counts as true both ways).

On a property shape, a rule that looks only at values holds for no focus node without
values; a constraint that can fail without any value (sh:hasValue, sh:equals, sh:sparql,
components of one's own) makes the whole shape "could fail".
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations, count

import pyoxigraph as ox
import pyshacl
from rdflib import RDF, RDFS, SH, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from citynet.errors import InputError
from citynet.graph.terms import OxigraphTerm
from citynet.validation.background import Answer, BackgroundQueries
from citynet.validation.data_access import DataAccess, GraphData
from citynet.validation.oxigraph_copy import ILL_TYPED, LOSSY, OxigraphCopy
from citynet.validation.shacl_graph import (
    SHAPE_LINKS,
    TARGETS,
    class_types,
    implicit_class,
    is_deactivated,
    is_true,
    pyshacl_shapes,
    reaches_its_start,
    value_path,
)

# SHACL terms on a shape that constrain nothing on their own.
_NOT_CONSTRAINTS = {SH.path, *TARGETS, SH.message, SH.severity, SH.name, SH.description, SH.deactivated,
                    SH.order, SH.group, SH.defaultValue, SH.flags, SH.prefixes, SH.declare,
                    SH.select}  # a shape can be its own SPARQL constraint
# Constraints that a property shape puts on each value node on its own: no value, no result.
_PER_VALUE = {SH["class"], SH.datatype, SH.nodeKind, SH.pattern, SH["in"], SH.languageIn, SH.minLength,
              SH.maxLength, SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH.node,
              SH.property, SH["not"], SH["and"], SH["or"], SH.xone, SH.closed, SH.ignoredProperties,
              SH.disjoint, SH.lessThan, SH.lessThanOrEquals}
_COUNTING = {SH.minCount, SH.maxCount, SH.uniqueLang, SH.qualifiedValueShape, SH.qualifiedMinCount,
             SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint}
_NODE_KINDS: dict[Node, str] = {SH.IRI: "isIRI({})", SH.BlankNode: "isBlank({})", SH.Literal: "isLiteral({})",
               SH.BlankNodeOrIRI: "!isLiteral({})", SH.BlankNodeOrLiteral: "!isIRI({})",
               SH.IRIOrLiteral: "!isBlank({})"}
_RANGES: dict[Node, str] = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
_MAX_DEPTH = 8
_COLLECT_AFTER = 100_000  # triples given to pySHACL; below, a collection costs more than it frees
_MAX_COUNT = 4  # sh:minCount and sh:maxCount up to this are selected by a join of that many values

@dataclass(frozen=True)
class Unknown:
    """A condition that cannot be written: it stands for "true", and says why."""

    reason: str


Condition = str | Unknown  # a SPARQL expression, or "true" for want of a rule


class CoreValidation:
    """pySHACL's results for ``data`` and ``shapes``, from the focus nodes that could fail.

    Made, it plans a query per shape and asks ``background`` for the answers; ``run`` then
    takes them and validates. For the run, each shape's targets are replaced by
    ``sh:targetNode`` for just those nodes (``shapes`` is restored afterwards): pySHACL then
    validates every shape, nested ones included, exactly as in a full run, only on fewer
    focus nodes. It gets the data that ``data.for_pyshacl`` gives for those nodes and the
    focus nodes of shapes validated in full."""

    def __init__(self, data: Graph | DataAccess, shapes: Graph, copy: OxigraphCopy,
                 background: BackgroundQueries) -> None:
        self.access = GraphData(data) if isinstance(data, Graph) else data
        self.shapes, self.copy = shapes, copy
        self.selection = _Selection(shapes, self.access, copy)
        # Shape → the answer that gives its candidates (None: all its focus nodes, unknown).
        self.asked: dict[Node, tuple[bool, Future[Answer] | None]] = {}
        for shape, query in self.selection.plan().items():
            if query is None:  # all its focus nodes
                targets = self.selection.target_pattern(shape)
                query = None if targets is None else f"SELECT DISTINCT ?this WHERE {{ {targets} }}"
                self.asked[shape] = (True, None if query is None else background.ask(query))
            else:
                self.asked[shape] = (False, background.ask(query))

    def run(self) -> tuple[Graph, dict[Node, str]]:
        """pySHACL's results graph, and the shapes validated on all their focus nodes, each
        with the reason."""
        shapes, copy, selection = self.shapes, self.copy, self.selection
        removed: list[tuple[Node, Node, Node]] = []
        added: list[tuple[Node, Node, Node]] = []
        # Each node pySHACL validates, with the shapes it validates it against.
        seeds: dict[Node, list[Node]] | None = {}
        for shape, (in_full, asked) in self.asked.items():
            if in_full:
                if asked is None or seeds is None:
                    seeds = None
                else:
                    focus = [copy.to_rdflib(row["this"]) for row in asked.result().solutions]
                    for node in (*focus, *shapes.objects(shape, SH.targetNode)):
                        seeds.setdefault(node, []).append(shape)
                continue
            assert asked is not None  # a shape with a query
            removed += selection.targeting(shape)
            candidates = dict.fromkeys(node for row in asked.result().solutions
                                       for node in selection.focus_nodes_for(shape, row["this"]))
            # Target nodes that no query can judge stay focus nodes: blank ones (a query cannot
            # name them), and those the data does not hold (paths of length zero reach them).
            candidates.update(dict.fromkeys(n for n in shapes.objects(shape, SH.targetNode)
                                            if isinstance(n, BNode) or not self.access.has_node(n)))
            added += [(shape, SH.targetNode, node) for node in candidates]
            if seeds is not None:
                for node in candidates:
                    seeds.setdefault(node, []).append(shape)
        try:
            for triple in removed:
                shapes.remove(triple)
            for triple in added:
                shapes.add(triple)
            data = self.access.for_pyshacl(seeds, shapes)
            results = pyshacl_results(data, shapes)
            if len(data) >= _COLLECT_AFTER:
                # What pySHACL built on the data is cyclic garbage (a million objects at 1M
                # triples): freed now, it does not add to the memory the report takes next.
                del data
                gc.collect()
            return results, selection.fallbacks
        finally:
            for triple in added:
                shapes.remove(triple)
            for triple in removed:
                shapes.add(triple)


def pyshacl_results(data: Graph, shapes: Graph) -> Graph:
    """pySHACL's results graph, as its defaults give it: SHACL's own semantics, in
    which a shape with any result, of any severity, does not conform. Shapes that pySHACL
    refuses are bad input."""
    try:
        results = pyshacl.validate(data, shacl_graph=shapes, inference="none")[1]
    except Exception as error:  # pySHACL's errors for shapes it cannot load or run
        raise InputError(f"pySHACL cannot validate with these shapes: {type(error).__name__}: {error}",
                         hint="see the SHACL specification for the construct named") from None
    if not isinstance(results, Graph):  # a ValidationFailure
        raise InputError(f"pySHACL refuses these shapes: {results}",
                         hint="see the SHACL specification for the construct named")
    return results


class _Selection:
    """Writes, for each shape with targets, the query for its focus nodes that could fail."""

    def __init__(self, shapes: Graph, data: Graph | DataAccess, copy: OxigraphCopy) -> None:
        self.shapes, self.copy = shapes, copy
        self.data = GraphData(data) if isinstance(data, Graph) else data
        self._names = count()
        self._pattern_marks: dict[Node, ox.NamedNode] = {}
        self._filled: dict[ox.NamedNode, bool] = {}  # mark → does it list any term
        self.fallbacks: dict[Node, str] = {}
        # pySHACL takes a shape typed with rdfs:Class (or a subclass of it) as its own class target.
        self._class_types = class_types(shapes)
        # Parameters of SPARQL-based constraint components declared in the shapes.
        self._custom = {p for parameter in shapes.objects(None, SH.parameter)
                        for p in shapes.objects(parameter, SH.path)}

    def plan(self) -> dict[Node, str | None]:
        """Shape → query for its focus nodes that could fail (None: all of them, with
        the reason in ``fallbacks``)."""
        plan: dict[Node, str | None] = {}
        for shape in self._targeted_shapes():
            condition = self._shape_fails(shape, "?this", 0)
            targets = self._targets(shape)
            if targets is None:
                self.fallbacks[shape] = "its targets cannot be selected in SPARQL (sh:target, or a blank node " \
                                        "as class or predicate)"
            elif isinstance(shape, BNode) and any((None, link, shape) in self.shapes for link in SHAPE_LINKS):
                # pySHACL's messages quote a blank shape that others refer to, targets included.
                self.fallbacks[shape] = "a blank-node shape that other shapes refer to"
            elif isinstance(condition, Unknown):
                self.fallbacks[shape] = "no selection rule for " + condition.reason
            plan[shape] = None if shape in self.fallbacks else (
                f"SELECT DISTINCT ?this WHERE {{ {targets} FILTER ({condition}) }}")
        return plan

    def focus_nodes_for(self, shape: Node, found: OxigraphTerm) -> list[Node]:
        """The focus nodes of ``shape`` that the stored term ``found`` stands for: a
        canonical literal may stand for several written ones (4.0 and 4.00), and for a
        target node written in the shapes."""
        if not isinstance(found, ox.Literal):
            return [self.copy.to_rdflib(found)]
        written = [n for n in self.shapes.objects(shape, SH.targetNode) if self.copy.stored_form(n) == found]
        objects_of = list(self.shapes.objects(shape, SH.targetObjectsOf))
        if objects_of:
            in_data = self.copy.originals(found)
            written += [n for n in in_data if len(in_data) == 1 or any(self.data.has_object(p, n) for p in objects_of)]
        return written

    def targeting(self, shape: Node) -> list[tuple[Node, Node, Node]]:
        """The triples that give ``shape`` its targets, an implicit class target included."""
        triples: list[tuple[Node, Node, Node]] = [(shape, t, o) for t in TARGETS for o in self.shapes.objects(shape, t)]
        return triples + [(shape, RDF.type, c) for c in self.shapes.objects(shape, RDF.type) if c in self._class_types]

    def target_pattern(self, shape: Node) -> str | None:
        """A graph pattern binding ?this to the shape's focus nodes (None: see _targets)."""
        return self._targets(shape)

    def _targeted_shapes(self) -> list[Node]:
        shapes = {s for target in (*TARGETS, SH.target) for s in self.shapes.subjects(target, None)}
        shapes |= {s for s in pyshacl_shapes(self.shapes) if self._implicit_class(s)}
        return sorted(shapes, key=str)

    def _implicit_class(self, shape: Node) -> bool:
        return implicit_class(self.shapes, shape, self._class_types)

    def _targets(self, shape: Node) -> str | None:
        """A graph pattern binding ?this to the focus nodes, as pySHACL's Shape.focus_nodes
        (but for blank target nodes: see CoreValidation); None for SPARQL-based targets and
        blank classes or predicates."""
        if (shape, SH.target, None) in self.shapes or any(
                isinstance(o, BNode) for t in TARGETS[1:] for o in self.shapes.objects(shape, t)):
            return None
        patterns = []
        nodes = [str(self.copy.to_oxigraph(n)) for n in self.shapes.objects(shape, SH.targetNode)
                 if not isinstance(n, BNode)]
        if nodes:
            patterns.append(f"VALUES ?this {{ {' '.join(nodes)} }}")
        classes = set(self.shapes.objects(shape, SH.targetClass))
        if self._implicit_class(shape):
            classes.add(shape)
        patterns += [f"?this a/<{RDFS.subClassOf}>* {self._term(c)} ." for c in classes]
        subjects_of, objects_of = (self.shapes.objects(shape, t) for t in (SH.targetSubjectsOf, SH.targetObjectsOf))
        patterns += [f"?this {self._term(p)} ?{self._name()} ." for p in subjects_of]
        patterns += [f"?{self._name()} {self._term(p)} ?this ." for p in objects_of]
        return " UNION ".join(f"{{ {p} }}" for p in patterns) or "FILTER (false)"

    def _name(self) -> str:
        return f"v{next(self._names)}"

    def _term(self, term: Node) -> str:
        """A term as query text, as the copy holds it (citynet's stand-in for a bad IRI)."""
        return str(self.copy.to_oxigraph(term))

    def _unknown_rule(self, parameter: Node) -> Unknown:
        """``parameter`` has no rule here: the shape is checked on every focus node."""
        return Unknown(_short(parameter))

    # ------------------------------------------------------------ could fail

    def _shape_fails(self, shape: Node, node: str, depth: int) -> Condition:
        if depth > _MAX_DEPTH:
            return Unknown(f"shapes nested more than {_MAX_DEPTH} deep")
        if is_deactivated(self.shapes, shape):
            return "false"
        if (shape, SH.path, None) in self.shapes:
            return self._property_fails(shape, node, depth)
        return self._value_fails(shape, node, None, depth)

    def _property_fails(self, shape: Node, node: str, depth: int) -> Condition:
        shacl_path = self.shapes.value(shape, SH.path)
        assert shacl_path is not None  # called for property shapes only
        path = value_path(self.shapes, shacl_path, self._term)
        if path is None:
            return Unknown("a path SPARQL cannot write")
        # A path of length zero gives the focus node as a value, in the data or not.
        itself = reaches_its_start(self.shapes, shacl_path)
        value, other = f"?{self._name()}", f"?{self._name()}"
        parts: list[Condition] = []
        for parameter, argument in self._constraints(shape):
            if itself and parameter in (*_COUNTING, SH.hasValue):
                return Unknown(f"{_short(parameter)} on a path of length zero")
            if parameter == SH.hasValue and isinstance(argument, URIRef):
                same = f"sameTerm({value}, {self._term(argument)})"
                parts.append(f"NOT EXISTS {{ {node} {path} {value} . FILTER ({same}) }}")
                continue
            if parameter not in (*_COUNTING, *_PER_VALUE):
                return self._unknown_rule(parameter)  # may fail with no value at all
            if parameter not in _COUNTING:
                continue
            if not self.copy.injective:
                return self._unknown_rule(parameter)  # the copy merged values: it counts too few
            limit = _integer(argument)
            if parameter == SH.minCount and limit is not None and limit <= _MAX_COUNT:
                parts.append(f"NOT {self._values(node, path, limit)}" if limit > 0 else "false")
            elif parameter == SH.maxCount and limit is not None and limit < _MAX_COUNT:
                parts.append(self._values(node, path, limit + 1))
            elif parameter == SH.uniqueLang and isinstance(argument, Literal):
                if is_true(argument):  # pySHACL skips sh:uniqueLang false
                    same_language = _safe(f'!sameTerm({value}, {other}) && LANG({value}) != "" && '
                                          f'LCASE(LANG({value})) = LCASE(LANG({other}))')
                    parts.append(f"EXISTS {{ {node} {path} {value} . {node} {path} {other} . "
                                 f"FILTER ({same_language}) }}")
            else:
                return self._unknown_rule(parameter)  # larger counts and qualified shapes
        each = self._value_fails(shape, value, shacl_path if isinstance(shacl_path, URIRef) else None, depth)
        if each != "false":
            test = "" if isinstance(each, Unknown) else f" FILTER ({each})"
            parts.append(f"EXISTS {{ {node} {path} {value} .{test} }}")
            if itself:
                parts.append(self._value_fails(shape, node, None, depth))
        return _any(parts)

    def _value_fails(self, shape: Node, node: str, predicate: URIRef | None, depth: int) -> Condition:
        """Could ``node`` fail the constraints that ``shape`` puts on each value node?
        ``predicate`` is the shape's path where that is one predicate."""
        parts: list[Condition] = []
        for parameter, argument in self._constraints(shape):
            if parameter in (*_COUNTING, SH.hasValue) and (shape, SH.path, None) in self.shapes:
                continue  # on the value set: _property_fails
            if parameter == SH["class"] and isinstance(argument, URIRef):
                parts.append(f"NOT {self._instance_of(node, argument)}")
            elif parameter == SH.datatype and isinstance(argument, URIRef) and argument not in (
                    RDFS.Literal, RDFS.Datatype):
                parts.append(_safe(f"!isLiteral({node}) || DATATYPE({node}) != {self._term(argument)}"))
                parts.append(self._marked(ILL_TYPED, node))
                if str(argument) in self.copy.lossy_kinds:  # a value of another kind is not stored as one
                    parts.append(self._marked(LOSSY, node))  # its datatype may not be the written one
            elif parameter == SH.nodeKind and argument in _NODE_KINDS:
                parts.append(_safe("!(" + _NODE_KINDS[argument].format(node) + ")"))
            elif parameter == SH.pattern:
                mark = self._pattern_mark(shape, predicate)
                parts.append(self._unknown_rule(parameter) if mark is None else self._marked(mark, node))
            elif parameter == SH.hasValue and isinstance(argument, URIRef) and (
                    shape, SH.path, None) not in self.shapes:
                parts.append(f"!sameTerm({node}, {self._term(argument)})")
            elif parameter == SH["in"] and _all_iris(self._list(argument)):
                members = " || ".join(f"sameTerm({node}, {self._term(m)})" for m in self._list(argument))
                parts.append(f"!({members or 'false'})")
            elif parameter in _RANGES and _exact_number(argument):
                # pySHACL compares Python values exactly (a float with a Decimal); SPARQL
                # promotes to double: a float or double value is left to pySHACL.
                inexact = f"DATATYPE({node}) IN (<{XSD.float}>, <{XSD.double}>)"
                within = f"{node} {_RANGES[parameter]} {self._term(argument)}"
                parts.append(_safe(f"!isNumeric({node}) || {inexact} || !({within})"))
                parts.append(self._marked(ILL_TYPED, node))
            elif parameter == SH.node:
                parts.append(self._unknown_rule(parameter) if (argument, SH.path, None) in self.shapes
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
                alternatives = self._list(argument)
                both = [_all([self._shape_conforms(a, node, depth + 1), self._shape_conforms(b, node, depth + 1)])
                        for a, b in combinations(alternatives, 2)]
                parts.append(_any([*both, _all(self._shape_fails(m, node, depth + 1) for m in alternatives)]))
            else:
                return self._unknown_rule(parameter)  # a constraint without a rule here: could fail
        return _any(parts)

    # ------------------------------------------------------------ could conform

    def _shape_conforms(self, shape: Node, node: str, depth: int) -> Condition:
        # As SHACL says (and pySHACL without allow_warnings), a shape with a result of any
        # severity does not conform: severity plays no part here.
        if depth > _MAX_DEPTH or is_deactivated(self.shapes, shape):
            return Unknown("a deactivated or deeply nested shape")
        parts: list[Condition] = []
        is_property = (shape, SH.path, None) in self.shapes
        for parameter, argument in self._constraints(shape):
            if is_property:
                shacl_path = self.shapes.value(shape, SH.path)
                assert shacl_path is not None  # a property shape
                if parameter == SH.minCount and _integer(argument) == 1 and not reaches_its_start(
                        self.shapes, shacl_path):
                    path = value_path(self.shapes, shacl_path, self._term)
                    parts.append(Unknown("a path SPARQL cannot write") if path is None
                                 else f"EXISTS {{ {node} {path} ?{self._name()} }}")
                continue  # the values' constraints: could conform
            if parameter == SH["class"] and isinstance(argument, URIRef):
                parts.append(self._instance_of(node, argument))
            elif parameter == SH.datatype and isinstance(argument, URIRef) and argument not in (
                    RDFS.Literal, RDFS.Datatype):
                parts.append(_any([_safe(f"isLiteral({node}) && DATATYPE({node}) = {self._term(argument)}"),
                                   self._marked(LOSSY, node)]))
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

    def _constraints(self, shape: Node) -> Iterator[tuple[Node, Node]]:
        """The shape's constraint parameters: SHACL's own, and those of the constraint
        components declared in the shapes; not annotations such as rdfs:label."""
        for parameter, argument in self.shapes.predicate_objects(shape):
            if parameter not in _NOT_CONSTRAINTS and (str(parameter).startswith(str(SH)) or parameter in self._custom):
                yield parameter, argument

    def _values(self, node: str, path: str, count: int) -> str:
        """Does ``node`` have at least ``count`` distinct values on ``path``?"""
        names = [f"?{self._name()}" for _ in range(count)]
        patterns = " ".join(f"{node} {path} {name} ." for name in names)
        distinct = " && ".join(f"!sameTerm({a}, {b})" for a, b in combinations(names, 2))
        return f"EXISTS {{ {patterns}{f' FILTER ({distinct})' if distinct else ''} }}"

    def _list(self, node: Node) -> list[Node]:
        return list(Collection(self.shapes, node))

    def _instance_of(self, node: str, cls: URIRef) -> str:
        """Is ``node`` an instance of ``cls`` or of a subclass, as SHACL's sh:class asks?"""
        listed = self.copy.subclasses(cls)
        if listed is None:
            return f"EXISTS {{ {node} a/<{RDFS.subClassOf}>* {self._term(cls)} }}"
        kind = f"?{self._name()}"
        return f"EXISTS {{ {node} a {kind} . FILTER ({kind} IN ({', '.join(map(str, listed))})) }}"

    def _marked(self, mark: ox.NamedNode, node: str) -> str:
        """Is ``node`` listed in the named graph ``mark`` of the copy? "false" where the graph
        is empty: a lookup per value and constraint saved, in data without such terms."""
        if mark not in self._filled:
            self._filled[mark] = next(self.copy.store.quads_for_pattern(None, None, None, mark), None) is not None
        return f"EXISTS {{ GRAPH {mark} {{ {mark} {mark} {node} }} }}" if self._filled[mark] else "false"

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
            values = set(self.data.objects(predicate))
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


def _short(node: Node) -> str:
    return f"sh:{node.removeprefix(str(SH))}" if isinstance(node, URIRef) and node.startswith(str(SH)) else str(node)


def _safe(expression: str) -> str:
    """An expression that is true where it would err: an error must not hide a candidate."""
    return f"COALESCE(({expression}), true)"


def _any(parts: Iterable[Condition]) -> Condition:
    parts = list(parts)
    unknown = next((p for p in parts if isinstance(p, Unknown)), None)
    if unknown is not None:
        return unknown
    kept = [p for p in parts if p != "false"]
    return " || ".join(f"({p})" for p in kept) if kept else "false"


def _all(parts: Iterable[Condition]) -> Condition:
    parts = list(parts)
    if "false" in parts:
        return "false"
    kept = [p for p in parts if not isinstance(p, Unknown)]
    return " && ".join(f"({p})" for p in kept) if kept else Unknown("a shape without constraints")


def _integer(node: Node) -> int | None:
    return node.value if isinstance(node, Literal) and isinstance(node.value, int) else None


def _exact_number(node: Node) -> bool:
    """An integer or decimal literal (not a float or double, not a boolean)."""
    return isinstance(node, Literal) and isinstance(node.value, (int, Decimal)) and not isinstance(
        node.value, bool)


def _all_iris(nodes: list[Node]) -> bool:
    return all(isinstance(n, URIRef) for n in nodes)
