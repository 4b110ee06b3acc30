"""SHACL-SPARQL constraints (``sh:sparql``) evaluated with Oxigraph instead of pySHACL.

pySHACL runs each SPARQL constraint once per focus node, parsing the query anew each
time with rdflib's pure-Python engine: most of the validation time on large graphs.
Here each constraint runs once over the whole graph, in Oxigraph:

* a query whose ``$this`` is used only where a pattern binds it is run with ``$this``
  unbound; each row names its focus node, and rows for nodes that are not focus nodes
  of the shape are dropped. This equals pre-binding ``$this`` (SHACL 1.0, 5.3.1);
  ``_mode`` checks the query's algebra and refuses every other form;
* a query that does not use ``$this`` below SELECT (a whole-graph rule) runs once, and
  its rows count for every focus node, as with pre-binding.

A query runs once in rdflib instead where Oxigraph could answer it otherwise on this data
(``citynet.validation.engine_agreement``), and where it has a FILTER (NOT) EXISTS inside another or
inside an OPTIONAL: Oxigraph evaluates those in quadratic time (see ``_nested_exists``, and the
figures in ``citynet.validation.validator``'s text).

Everything else follows pySHACL 0.40 (sparql_based_constraints.py), so that reports do
not change: ``$PATH`` substitution, ``sh:prefixes`` (plus rdf, rdfs, owl), ``sh:message``
templates with ``{?var}`` / ``{$var}``, the shape's ``sh:severity`` and ``sh:message``,
``sh:deactivated``, ``?failure``, ``?path`` and ``?value``, and duplicate rows dropped.
Constraints this module cannot take over exactly stay in the shapes graph for pySHACL:
shapes nested in other shapes, SPARQL-based targets, and queries that need pre-binding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox
from pyshacl.errors import ValidationFailure
from pyshacl.helper import get_query_helper_cls
from pyshacl.rdfutil.clone import clone_blank_node
from rdflib import OWL, RDF, RDFS, SH, BNode, Graph, Literal, Variable
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.query import ResultRow
from rdflib.term import Identifier, Node

from citynet.errors import InputError
from citynet.graph.select import select
from citynet.validation.background import BackgroundQueries
from citynet.validation.data_access import DataAccess, GraphData
from citynet.validation.engine_agreement import disagreement, walk
from citynet.validation.oxigraph_copy import OxigraphCopy
from citynet.validation.shacl_graph import (
    SHAPE_LINKS,
    TARGETS,
    class_types,
    implicit_class,
    is_deactivated,
    path_for_sparql_constraint,
)

THIS = Variable("this")
# pySHACL's patterns for $this and $PATH in query text (helper/sparql_query_helper.py).
_THIS_IN_TEXT = re.compile(r"([\s{}()])[\$\?]this", flags=re.M)
_PATH_IN_TEXT = re.compile(r"([\s{}()])[\$\?]PATH", flags=re.M)
_PRE_BOUND_IN_TEXT = re.compile(r"[\$\?](?:currentShape|shapesGraph)\b")


@dataclass(frozen=True)
class SparqlConstraint:
    """One ``sh:sparql`` constraint of one shape, ready to run."""

    shape: Node
    constraint: Node
    text: str  # the sh:select text as written
    query: str  # prefixes declared, $PATH replaced
    global_rule: bool  # True: $this is not used below SELECT
    prebinds_this: bool  # pySHACL's pattern finds $this in the text, and pre-binds it
    in_rdflib: bool  # True: run by rdflib (see _nested_exists), else by Oxigraph
    severity: Node
    messages: tuple[Literal, ...]  # the constraint's and the shape's sh:message
    path: Node | None  # sh:path of a property shape


@dataclass(frozen=True)
class _Context:
    """Where a shape's focus nodes come from: its own targets, or a node shape
    that holds it through sh:property."""

    shape: Node
    parent: Node | None = None


Taken = list[tuple[SparqlConstraint, list[_Context]]]


def take_sparql_constraints(shapes: Graph) -> tuple[Taken, dict[Node, str]]:
    """The SPARQL constraints this module can evaluate, each with the contexts pySHACL
    would evaluate it in; their ``sh:sparql`` triples are removed from ``shapes``, so
    that pySHACL, given ``shapes`` afterwards, checks the rest. Also the constraints
    left to pySHACL, each with the reason."""
    taken: Taken = []
    kept: dict[Node, str] = {}
    for shape, constraint in sorted(set(shapes.subject_objects(SH.sparql))):
        contexts = _contexts(shapes, shape)
        if contexts is None:
            kept[constraint] = "its shape is nested in another or has a SPARQL-based target"
            continue
        prepared = _prepare(shapes, shape, constraint)
        if isinstance(prepared, str):
            kept[constraint] = prepared
            continue
        shapes.remove((shape, SH.sparql, constraint))
        if not _constraint_deactivated(shapes, constraint):
            taken.append((prepared, contexts))
    return taken, kept


def _constraint_deactivated(shapes: Graph, constraint: Node) -> bool:
    value = shapes.value(constraint, SH.deactivated)
    return isinstance(value, Literal) and value.value is True


def _is_top_level(shapes: Graph, shape: Node) -> bool:
    """A node shape that no shape refers to, with only the four standard kinds of target."""
    return (
        (shape, SH.path, None) not in shapes
        and not any((None, link, shape) in shapes for link in SHAPE_LINKS)
        and (shape, SH.target, None) not in shapes
        and ((shape, RDF.type, SH.NodeShape) in shapes
             or any((shape, target, None) in shapes for target in TARGETS))
    )


def _contexts(shapes: Graph, shape: Node) -> list[_Context] | None:
    """The contexts ``shape`` is validated in, or None where this module cannot follow."""
    if is_deactivated(shapes, shape):
        return []
    if _is_top_level(shapes, shape):
        return [_Context(shape)]
    if (shape, SH.path, None) not in shapes or (shape, SH.target, None) in shapes:
        return None
    contexts = []
    if any((shape, target, None) in shapes for target in TARGETS) or implicit_class(shapes, shape):
        contexts.append(_Context(shape))
    for link in SHAPE_LINKS:
        for parent in shapes.subjects(link, shape):
            if link != SH.property or not _is_top_level(shapes, parent):
                return None
            if not is_deactivated(shapes, parent):
                contexts.append(_Context(shape, parent))
    return contexts


def _prepare(shapes: Graph, shape: Node, constraint: Node) -> SparqlConstraint | str:
    """The constraint ready to run, or why pySHACL keeps it."""
    selects = list(shapes.objects(constraint, SH.select))
    if len(selects) != 1 or not isinstance(selects[0], Literal):
        return "it has no single sh:select (pySHACL reports it)"
    deactivated = shapes.value(constraint, SH.deactivated)
    if deactivated is not None and not (isinstance(deactivated, Literal) and isinstance(deactivated.value, bool)):
        return "its sh:deactivated is not a boolean (pySHACL reports it)"
    text = str(selects[0])
    if _PRE_BOUND_IN_TEXT.search(text):
        return "it uses $currentShape or $shapesGraph"  # pySHACL pre-binds one and refuses the other
    path = shapes.value(shape, SH.path)
    if path is not None:
        written = path_for_sparql_constraint(shapes, path)
        if written is None:
            return "its shape's path cannot be written in SPARQL"
        text = _PATH_IN_TEXT.sub(lambda m: m.group(1) + written, text)  # as pySHACL substitutes it
    elif _PATH_IN_TEXT.search(text):
        return "it uses $PATH outside a property shape"
    query = _prefix_declarations(shapes, constraint) + "\n" + text
    if _algebra(query) is None:
        return "its query does not parse with the prefixes it declares (pySHACL's rdflib adds the data graph's)"
    prebinds_this = _THIS_IN_TEXT.search(text) is not None
    mode = _mode(query, prebinds_this)
    if mode is None:
        return "it needs $this pre-bound, or uses a form SHACL forbids"
    messages = [*shapes.objects(constraint, SH.message), *shapes.objects(shape, SH.message)]
    return SparqlConstraint(
        shape=shape, constraint=constraint, text=str(selects[0]), query=query, global_rule=mode == "global",
        prebinds_this=prebinds_this,
        in_rdflib=_nested_exists(query),
        severity=shapes.value(shape, SH.severity) or SH.Violation,
        messages=tuple(m for m in messages if isinstance(m, Literal)), path=path)


def _prefix_declarations(shapes: Graph, constraint: Node) -> str:
    """PREFIX lines as pySHACL writes them: rdf, rdfs, owl, then the sh:declare
    values of the constraint's sh:prefixes (of every ontology when that has none)."""
    prefixes = {"rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL)}
    ontologies = set(shapes.subjects(RDF.type, OWL.Ontology))
    for holder in shapes.objects(constraint, SH.prefixes):
        own = set(shapes.objects(holder, SH.declare))
        declares = own if own and holder in ontologies else own.union(
            *(shapes.objects(o, SH.declare) for o in ontologies))
        for declare in declares:
            prefixes[str(shapes.value(declare, SH.prefix))] = str(shapes.value(declare, SH.namespace))
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items())


# ---------------------------------------------------------------- is pre-binding needed?

# Graph patterns inside FILTER (NOT) EXISTS that rdflib keeps in syntax form; these
# could see $this unbound where pre-binding would give it a value.
_UNSAFE_IN_EXISTS = {"OptionalGraphPattern", "MinusGraphPattern", "GraphGraphPattern",
                     "ServiceGraphPattern", "InlineData", "Bind", "SubSelect"}


# MINUS, VALUES and SERVICE (forbidden in SHACL, reported by pySHACL) and subqueries.
_FORBIDDEN = ("Minus", "MinusGraphPattern", "values", "InlineData", "ToMultiSet", "SubSelect",
              "ServiceGraphPattern")


class _NeedsPrebinding(Exception):
    pass


@lru_cache(maxsize=256)
def _algebra(query: str) -> CompValue | None:
    try:
        return translateQuery(parseQuery(query)).algebra
    except Exception:  # a query rdflib cannot read stays with pySHACL
        return None


def _nested_exists(query: str) -> bool:
    """Is a FILTER (NOT) EXISTS inside another one, or inside an OPTIONAL? Oxigraph 0.5
    evaluates such a pattern in full for each row of the enclosing one (quadratic:
    minutes for a million triples); rdflib evaluates it with the row's values bound."""
    exists = ("Builtin_EXISTS", "Builtin_NOTEXISTS")
    for node in walk(_algebra(query)):
        if isinstance(node, CompValue) and node.name in exists:
            inner = node.graph
        elif isinstance(node, CompValue) and node.name == "LeftJoin":
            inner = [node.p2, node.expr]
        else:
            continue
        if any(_contains_name(inner, name) for name in exists):
            return True
    return False


def _mode(query: str, binds_this: bool) -> str | None:
    """"global" if $this is not used below SELECT, "once" if running the query once
    with $this unbound gives the rows pre-binding gives, None otherwise (and for the
    forms SHACL forbids, which pySHACL reports)."""
    algebra = _algebra(query)
    if algebra is None or algebra.name != "SelectQuery" or any(_contains_name(algebra, name) for name in _FORBIDDEN):
        return None
    node = algebra.p
    limited = False
    while node.name in ("Slice", "Distinct", "Reduced"):
        limited, node = limited or node.name == "Slice", node.p
    if node.name != "Project":
        return None
    if not binds_this or THIS not in _variables(node.p):
        return "global"
    if THIS not in node.PV or limited:
        return None
    try:
        _check_top(node.p)
    except _NeedsPrebinding:
        return None
    return "once"


def _check_top(node: CompValue) -> None:
    """Solution modifiers and grouping above the WHERE pattern."""
    while node.name in ("Distinct", "Reduced", "OrderBy"):
        node = node.p
    # Above a GROUP BY $this, filters (HAVING) and extends act within one focus node.
    above = node
    while above.name in ("Filter", "Extend"):
        if above.name == "Extend" and above.var == THIS and not str(above.expr).startswith("__agg_"):
            raise _NeedsPrebinding
        above = above.p
    if above.name == "AggregateJoin":
        group = above.p
        if group.name != "Group" or not group.expr or THIS not in group.expr:
            raise _NeedsPrebinding
        node = group.p
    if THIS not in _bound(node, frozenset()):
        raise _NeedsPrebinding


def _bound(node: CompValue, outside: frozenset) -> set:
    """The variables every solution of ``node`` binds; raises _NeedsPrebinding where
    $this is used in a place its value would not come from a pattern."""
    name = node.name
    if name == "BGP":
        return {t for triple in node.triples for t in triple if isinstance(t, Variable)}
    if name == "Join":
        return _bound(node.p1, outside) | _bound(node.p2, outside)
    if name == "Union":
        return _bound(node.p1, outside) & _bound(node.p2, outside)
    if name == "LeftJoin":
        left = _bound(node.p1, outside)
        _bound(node.p2, outside)
        if (THIS in _variables(node.p2) or THIS in _variables(node.expr)) and THIS not in left | outside:
            raise _NeedsPrebinding
        return left
    if name == "Filter":
        inner = _bound(node.p, outside)
        _check_expression(node.expr, inner | outside)
        return inner
    if name == "Extend":
        inner = _bound(node.p, outside)
        if node.var == THIS:
            raise _NeedsPrebinding
        _check_expression(node.expr, inner | outside)
        return inner
    raise _NeedsPrebinding  # subqueries, VALUES, MINUS, GRAPH, SERVICE, grouping


def _check_expression(expression: object, bound: set) -> None:
    if THIS in _variables(expression) and THIS not in bound:
        raise _NeedsPrebinding
    if any(_contains_name(expression, name) for name in _UNSAFE_IN_EXISTS):
        raise _NeedsPrebinding


def _variables(node: object) -> set:
    return {n for n in walk(node) if isinstance(n, Variable)}


def _contains_name(node: object, name: str) -> bool:
    return any(isinstance(n, CompValue) and n.name == name for n in walk(node))


# ---------------------------------------------------------------- evaluation


class ConstraintRows:
    """The rows of each constraint's query, asked for before the results are built: the
    queries Oxigraph answers go to ``background`` at once, and those that must run in
    rdflib run here, on the caller's thread, while Oxigraph works on."""

    def __init__(self, constraints: Taken, graph: Graph | DataAccess, data: OxigraphCopy,
                 background: BackgroundQueries) -> None:
        self.access = GraphData(graph) if isinstance(graph, Graph) else graph
        self.data = data
        # The constraints run in rdflib, each with the reason.
        self.in_rdflib: dict[Node, str] = {}
        for constraint, _ in constraints:
            if constraint.in_rdflib:
                self.in_rdflib[constraint.constraint] = ("a nested FILTER EXISTS, which Oxigraph evaluates in "
                                                         "quadratic time")
            else:
                algebra = _algebra(constraint.query)
                assert algebra is not None  # a constraint is made only of a query rdflib reads
                reason = disagreement(algebra, data)
                if reason is not None:
                    self.in_rdflib[constraint.constraint] = reason
        self._asked = {constraint.constraint: background.ask(constraint.query)
                       for constraint, _ in constraints if constraint.constraint not in self.in_rdflib}
        self._found = {constraint.constraint: _rows_in_rdflib(constraint, self.access)
                       for constraint, _ in constraints if constraint.constraint in self.in_rdflib}

    def of(self, constraint: SparqlConstraint) -> tuple[dict[Node | None, list[_Row]], bool]:
        """The query's rows, by the focus node they are about (None for a whole-graph rule),
        and whether it selects $this."""
        if constraint.constraint in self._found:
            return self._found[constraint.constraint]
        answer = self._asked[constraint.constraint].result()
        convert = self.data.rdflib_converter()
        found = ({name: convert(term) for name, term in solution.items()} for solution in answer.solutions)
        return _by_focus(constraint, found), "this" in answer.variables


def _rows_in_rdflib(constraint: SparqlConstraint, access: DataAccess) -> tuple[dict[Node | None, list[_Row]], bool]:
    result = access.reading().query(constraint.query)
    names = [str(v) for v in result.vars or []]
    return _by_focus(constraint, (_row(row) for row in result)), "this" in names


def evaluate(constraints: Taken, shapes: Graph, rows: ConstraintRows, results: Graph) -> dict[Node, str]:
    """Add the constraints' results to the report ``results``, from their ``rows``, with the
    terms pySHACL would report; return the constraints run in rdflib, each with the reason.
    ``shapes`` is the shapes graph as given (its sh:sparql triples in place): blank nodes
    are copied from it."""
    access = rows.access
    report = next(results.subjects(RDF.type, SH.ValidationReport), None)
    if report is None:
        report = BNode()
        results.add((report, RDF.type, SH.ValidationReport))
    finder = _FocusNodes(shapes, access, rows.data)
    for constraint, contexts in constraints:
        found_by_focus, projects_this = rows.of(constraint)
        if any(finder.of(context.parent or context.shape) for context in contexts):
            _refuse_as_pyshacl_does(constraint)
        for context in contexts:
            shape = context.parent or context.shape
            for focus in finder.of(shape):
                if constraint.global_rule:
                    found = found_by_focus.get(None, [])
                    if projects_this and constraint.prebinds_this:
                        found = [{**row, "this": focus} for row in found]  # as if pre-bound
                elif focus in finder.outside_data(shape):
                    found = _rows_bound(constraint, access.full, focus)  # the unbound run cannot reach it
                else:
                    found = found_by_focus.get(focus, [])
                for result in _results(constraint, focus, found):
                    _add_result(results, report, constraint, shapes, access, *result)
    return rows.in_rdflib


def _refuse_as_pyshacl_does(constraint: SparqlConstraint) -> None:
    """pySHACL checks a query's text (MINUS, VALUES, SERVICE, nested SELECT, AS) when it runs
    it for a focus node, and refuses the whole validation where the check fails."""
    helper = get_query_helper_cls()
    try:
        helper.check_invalid_sparql(helper, constraint.text)
    except ValidationFailure as failure:
        raise InputError(f"pySHACL refuses the SPARQL constraint {constraint.constraint.n3()}: {failure}",
                         hint="SHACL 5.3 forbids MINUS, VALUES and SERVICE in constraints") from None


class _FocusNodes:
    """The focus nodes of a shape's targets, as pySHACL's Shape.focus_nodes finds them: from
    the Oxigraph copy, or from rdflib's graph where the copy merged literals (it cannot say
    which of them is a focus node). Remembered per shape."""

    def __init__(self, shapes: Graph, graph: DataAccess, data: OxigraphCopy) -> None:
        self.shapes, self.access, self.data = shapes, graph, data
        self._types = class_types(shapes)
        self._found: dict[Node, list[Node]] = {}
        self._outside: dict[Node, set[Node]] = {}
        self._of_class: dict[Node, list[Node]] = {}  # shapes often target the same class

    def of(self, shape: Node) -> list[Node]:
        if shape not in self._found:
            found: dict[Node, None] = dict.fromkeys(self.shapes.objects(shape, SH.targetNode))
            classes = set(self.shapes.objects(shape, SH.targetClass))
            if implicit_class(self.shapes, shape, self._types):
                classes.add(shape)
            for cls in classes:
                if cls not in self._of_class:
                    self._of_class[cls] = list(self._instances(cls))
                found.update(dict.fromkeys(self._of_class[cls]))
            for predicate in self.shapes.objects(shape, SH.targetSubjectsOf):
                found.update(dict.fromkeys(self._ends(predicate, subjects=True)))
            for predicate in self.shapes.objects(shape, SH.targetObjectsOf):
                found.update(dict.fromkeys(self._ends(predicate, subjects=False)))
            self._found[shape] = list(found)
        return self._found[shape]

    def outside_data(self, shape: Node) -> set[Node]:
        """Target nodes that are no subject or object of the data."""
        if shape not in self._outside:
            self._outside[shape] = {n for n in self.shapes.objects(shape, SH.targetNode)
                                    if not self.access.has_node(n)}
        return self._outside[shape]

    def _instances(self, cls: Node) -> Iterable[Node]:
        if not self.data.injective:
            graph = self.access.full
            for subclass in graph.transitive_subjects(RDFS.subClassOf, cls):
                yield from graph.subjects(RDF.type, subclass)
            return
        listed = self.data.subclasses(cls)
        if listed is None:
            yield from self._select(f"SELECT DISTINCT ?f ?c WHERE {{ ?f a/<{RDFS.subClassOf}>* ?c }}", c=cls)
        else:
            kinds = " ".join(map(str, listed))
            yield from self._select(f"SELECT DISTINCT ?f WHERE {{ VALUES ?k {{ {kinds} }} ?f a ?k }}")

    def _ends(self, predicate: Node, *, subjects: bool) -> Iterable[Node]:
        if not self.data.injective:
            graph = self.access.full
            return graph.subjects(predicate, None) if subjects else graph.objects(None, predicate)
        pattern = "?f ?p ?o" if subjects else "?s ?p ?f"
        return self._select(f"SELECT DISTINCT ?f ?p WHERE {{ {pattern} }}", p=predicate)

    def _select(self, query: str, **bound: Node) -> Iterable[Node]:
        substitutions = {ox.Variable(k): self.data.to_oxigraph(v) for k, v in bound.items()}
        for solution in select(self.data.store, query, substitutions=substitutions):
            yield self.data.to_rdflib(solution["f"])


_Row = dict[str, Node]


def _rows_bound(constraint: SparqlConstraint, graph: Graph, focus: Node) -> list[_Row]:
    """The rows for one focus node with $this pre-bound, as pySHACL runs the query."""
    assert isinstance(focus, Identifier)  # every node of an rdflib graph is
    result = graph.query(constraint.query, initBindings={"this": focus})
    return [_row(row) for row in result]


def _row(row: object) -> _Row:
    """One solution of an rdflib SELECT answer, by variable name."""
    assert isinstance(row, ResultRow)  # rdflib answers a SELECT query with rows
    return {str(name): value for name, value in row.asdict().items()}


def _by_focus(constraint: SparqlConstraint, found: Iterable[_Row]) -> dict[Node | None, list[_Row]]:
    rows: dict[Node | None, list[_Row]] = {}
    for row in found:
        key = None if constraint.global_rule else row.get("this")
        rows.setdefault(key, []).append(row)
    return rows


def _results(constraint: SparqlConstraint, focus: Node, rows: list[_Row]) -> Iterator[tuple]:
    """(focus, value, path, message variables) per result, as pySHACL's
    SPARQLBasedConstraint builds them from the rows for one focus node."""
    default_value = None if constraint.path is not None else focus
    seen: list[tuple] = []
    failed = False
    for row in rows:
        variables = dict(row)
        if variables.pop("failure", None) is not None:
            if not failed:
                failed = True
                yield focus, default_value, None, variables
            continue
        path, value, this = (variables.pop(k, None) for k in ("path", "value", "this"))
        if path is None and value is None and this is None:
            continue
        key = (this, path, value, variables)
        if key in seen:
            continue
        seen.append(key)
        value = default_value if value is None else value
        named = {**variables, **{k: v for k, v in (("this", this), ("path", path), ("value", value))
                                 if v is not None}}
        yield this or focus, value, path, named


def _add_result(results: Graph, report: Node, constraint: SparqlConstraint, shapes: Graph, data: DataAccess,
                focus: Node, value: Node | None, path: Node | None, variables: _Row) -> None:
    """One result, as pySHACL writes it: blank nodes (a shape, a path, a focus node) come
    with the triples below them, from the graph they are in."""
    node = BNode()
    results.add((report, SH.result, node))
    results.add((node, RDF.type, SH.ValidationResult))
    path = path if path is not None else constraint.path
    for predicate, term, source in ((SH.focusNode, focus, data), (SH.sourceShape, constraint.shape, shapes),
                                    (SH.sourceConstraint, constraint.constraint, shapes),
                                    (SH.value, value, data), (SH.resultPath, path, shapes)):
        if term is not None:
            from_graph = source if isinstance(source, Graph) else source.describe(term)
            results.add((node, predicate, _with_blank_nodes(from_graph, term, results)))
    results.add((node, SH.resultSeverity, constraint.severity))
    results.add((node, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
    for message in constraint.messages:
        results.add((node, SH.resultMessage, Literal(_fill_in(str(message), variables))))


def _fill_in(message: str, variables: _Row) -> str:
    """{?var} and {$var} replaced by the values the row binds, others left as they are, as
    pySHACL does it: the value is a regular-expression replacement (a backslash escapes)."""
    for name, value in variables.items():
        try:
            message = re.sub("{[?$]" + name + "}", str(value), message)
        except re.error as error:
            raise InputError(f"pySHACL cannot put {value.n3()} into the message {message!r}: {error}",
                             hint="pySHACL reads a backslash in a value as an escape") from None
    return message


def _with_blank_nodes(source: Graph, node: Node, target: Graph) -> Node:
    """``node``, with what is below it when it is a blank node (pySHACL's own copy, made
    once per report as pySHACL makes it: a list copied twice would get two tails)."""
    if isinstance(node, BNode) and (node, None, None) not in target:
        clone_blank_node(source, node, target, keepid=True)
    return node
