"""The rdflib graph pySHACL needs, taken from the Oxigraph copy: only what it reads.

pySHACL validates a focus node by reading the triples around it: the values its shapes'
paths reach, the types of those values (sh:class), the values of nested shapes, all of
the node's own triples (sh:closed, sh:equals). How far that goes follows from the shapes:
``reach`` counts, for each shape, the levels of nodes whose triples it can read (of the
values at the end of a path without nested shapes or sh:closed, only the types), and says whether a path
goes backwards (sh:inversePath). ``subgraph`` then takes, from each given focus node, every
triple of the nodes within its shapes' levels (incoming ones too where a path goes
backwards), everything below a blank node reached (pySHACL describes a blank node in
its messages by its triples), and the whole class hierarchy (rdfs:subClassOf).

Where the shapes can read further than any bound (a recursive shape, a path with ``*``
or ``+``), the levels go on until no new node is reached. Where they can read anything
(a SPARQL constraint or component left to pySHACL, a SPARQL-based target), ``reach``
gives None, and the caller gives pySHACL all the data.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import RDF, RDFS, SH, BNode, Graph
from rdflib.term import Node

from citynet.graph.terms import OxigraphTerm
from citynet.validation.oxigraph_copy import OxigraphCopy
from citynet.validation.shacl_graph import TARGETS, list_members, pyshacl_shapes

_UNBOUNDED = 1 << 30
# Parameters whose value is a shape checked on the same node or on each value node.
_NESTED_ONE = (SH.node, SH.property, SH["not"], SH.qualifiedValueShape)
_NESTED_LIST = (SH["and"], SH["or"], SH.xone)
_DEFAULT = ox.DefaultGraph()
# Parameters of a property shape that read no triple of a value node but its types.
_READ_NO_MORE_THAN_TYPES = {
    SH.path, SH["class"], SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount, SH.minLength, SH.maxLength,
    SH.pattern, SH.flags, SH.languageIn, SH.uniqueLang, SH["in"], SH.hasValue, SH.minInclusive, SH.maxInclusive,
    SH.minExclusive, SH.maxExclusive, SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals,
    *_NESTED_ONE, *_NESTED_LIST, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint,
    *TARGETS, SH.name, SH.description, SH.message, SH.severity, SH.order, SH.group, SH.defaultValue,
    SH.deactivated}
_RDF_TYPE = ox.NamedNode(str(RDF.type))
_SHACL = str(SH)


@dataclass(frozen=True)
class Reach:
    """For each shape with targets, the depth around a focus node that pySHACL may read
    when it validates the shape; and whether it reads incoming triples too, for any shape.

    A depth counts half levels: 2 per level of nodes whose triples are read (the focus
    node is the first), and 1 for a last level of which only the ``rdf:type`` triples are
    read (the values that sh:class tests). So the larger of two depths reads all that
    either reads."""

    depths: dict[Node, int]
    inverse: bool

    def of(self, shapes: Iterable[Node]) -> int:
        """The depth for a focus node of ``shapes`` (all shapes' most, for one not known)."""
        most = max(self.depths.values(), default=2)
        return max((self.depths.get(shape, most) for shape in shapes), default=most)


def reach(shapes: Graph) -> Reach | None:
    """What pySHACL may read around a focus node, for each shape of ``shapes``; None if it
    may read anything in the data."""
    if (None, SH.sparql, None) in shapes or (None, SH.parameter, None) in shapes or (
            None, SH.target, None) in shapes or (None, SH.js, None) in shapes:
        return None
    walker = _Walker(shapes)
    # Every shape may have targets: a shape that is a class has its instances as targets.
    depths = {s: min(walker.depth(s), _UNBOUNDED) for s in pyshacl_shapes(shapes)}
    return Reach(depths=depths, inverse=walker.inverse)


class _Walker:
    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        self.inverse = False
        self._depths: dict[Node, int] = {}
        self._walking: set[Node] = set()

    def depth(self, shape: Node) -> int:
        """The depth (see Reach) that validating ``shape`` on a node may read (2: the
        node's own triples). Each shape is walked once (shapes reached by many ways took
        exponential time): one reached again while it is walked is recursive, with no bound,
        and so is every shape on the way from it back to itself."""
        found = self._depths.get(shape)
        if found is None:
            if shape in self._walking:
                return _UNBOUNDED
            self._walking.add(shape)
            try:
                found = self._depths[shape] = self._walk(shape)
            finally:
                self._walking.discard(shape)
        return found

    def _walk(self, shape: Node) -> int:
        nested = [n for p in _NESTED_ONE for n in self.shapes.objects(shape, p)]
        nested += [m for p in _NESTED_LIST for n in self.shapes.objects(shape, p) for m in self._list(n)]
        if (shape, SH.qualifiedValueShapesDisjoint, None) in self.shapes:
            # Each value is also checked against the qualified shapes of the sibling property shapes.
            nested += [q for parent in self.shapes.subjects(SH.property, shape)
                       for sibling in self.shapes.objects(parent, SH.property)
                       for q in self.shapes.objects(sibling, SH.qualifiedValueShape)]
        inner = max((self.depth(n) for n in nested), default=0)
        path = self.shapes.value(shape, SH.path)
        if path is None:
            return max(2, inner)
        steps = self._path_length(path, frozenset())
        # The values are ``steps`` levels down. Of their own triples, a shape that nests none
        # reads only the types (sh:class), unless it has a parameter that reads more
        # (sh:closed, which pySHACL applies to each value) or one not known here.
        own = {p for p in self.shapes.predicates(shape, None) if str(p).startswith(_SHACL)}
        values = 1 if own <= _READ_NO_MORE_THAN_TYPES else 2
        return min(_UNBOUNDED, 2 * steps + max(values, inner))

    def _path_length(self, path: Node, seen: frozenset[Node]) -> int:
        if path in seen:
            return _UNBOUNDED
        seen = seen | {path}
        if (path, RDF.first, None) in self.shapes:
            return min(_UNBOUNDED, sum(self._path_length(p, seen) for p in self._list(path)))
        inner = self.shapes.value(path, SH.inversePath)
        if inner is not None:
            self.inverse = True
            return self._path_length(inner, seen)
        options = self.shapes.value(path, SH.alternativePath)
        if options is not None:
            return max((self._path_length(p, seen) for p in self._list(options)), default=0)
        if (path, SH.zeroOrMorePath, None) in self.shapes or (path, SH.oneOrMorePath, None) in self.shapes:
            inner = self.shapes.value(path, SH.zeroOrMorePath) or self.shapes.value(path, SH.oneOrMorePath)
            if inner is not None:
                self._path_length(inner, seen)  # for sh:inversePath inside
            return _UNBOUNDED
        inner = self.shapes.value(path, SH.zeroOrOnePath)
        if inner is not None:
            return self._path_length(inner, seen)
        return 1  # a predicate

    def _list(self, node: Node) -> list[Node]:
        return list_members(self.shapes, node)


def subgraph(copy: OxigraphCopy, seeds: dict[Node, int], inverse: bool, shapes: Graph) -> Graph:
    """The triples pySHACL may read when validating ``seeds``, each with the depth its
    shapes read (see Reach)."""
    store = copy.store
    graph = Graph()
    add = graph.add
    convert = copy.rdflib_converter()
    # A node is read at most once, to the greatest depth left of any way to it: the nodes
    # are taken by the depth left, greatest first.
    left: dict[OxigraphTerm, int] = {}
    for seed, depth in seeds.items():
        try:
            stored = copy.to_oxigraph(seed)
        except TypeError:
            continue
        left[stored] = max(depth, left.get(stored, 0))
    waiting: dict[int, list[OxigraphTerm]] = {}
    for node, depth in left.items():
        waiting.setdefault(depth, []).append(node)
    order = [-depth for depth in waiting]
    heapq.heapify(order)
    read: set[OxigraphTerm] = set()

    def reached(node: OxigraphTerm, depth: int) -> None:
        if depth > left.get(node, 0):
            if depth not in waiting:
                heapq.heappush(order, -depth)
            left[node] = depth
            waiting.setdefault(depth, []).append(node)

    while order:
        depth = -heapq.heappop(order)
        for node in waiting.pop(depth):
            if node in read or depth < 1:
                continue
            read.add(node)
            if isinstance(node, ox.Literal):
                quads: Iterable[ox.Quad] = ()
            elif depth == 1:  # only its types
                quads = store.quads_for_pattern(node, _RDF_TYPE, None, _DEFAULT)
            else:
                quads = store.quads_for_pattern(node, None, None, _DEFAULT)
            for quad in quads:
                add((convert(quad.subject), convert(quad.predicate), convert(quad.object)))
                reached(quad.object, depth - 2)
            if inverse and depth > 1:
                for quad in store.quads_for_pattern(None, None, node, _DEFAULT):
                    add((convert(quad.subject), convert(quad.predicate), convert(quad.object)))
                    reached(quad.subject, depth - 2)
    # A blank focus node with no triple of its own: pySHACL finds the node in the data by a
    # triple that names it (to describe it in a message), so the triples that point to it go too.
    for seed in seeds:
        if isinstance(seed, BNode) and (seed, None, None) not in graph and (None, None, seed) not in graph:
            for quad in store.quads_for_pattern(None, None, copy.to_oxigraph(seed), _DEFAULT):
                add((convert(quad.subject), convert(quad.predicate), convert(quad.object)))
    # Blank nodes reached: all below them, for pySHACL's descriptions of them.
    blanks = [n for n in {copy.to_oxigraph(t) for t in _blank_objects(graph)} if isinstance(n, ox.BlankNode)]
    done: set[ox.BlankNode] = set()
    while blanks:
        blank = blanks.pop()
        if blank in done:
            continue
        done.add(blank)
        for quad in store.quads_for_pattern(blank, None, None, _DEFAULT):
            add((convert(quad.subject), convert(quad.predicate), convert(quad.object)))
            if isinstance(quad.object, ox.BlankNode):
                blanks.append(quad.object)
    # The class hierarchy, and the triples that give a shape its subjects or objects as targets.
    for predicate in (RDFS.subClassOf, *shapes.objects(None, SH.targetObjectsOf),
                      *shapes.objects(None, SH.targetSubjectsOf)):
        stored = copy.to_oxigraph(predicate)
        if not isinstance(stored, ox.NamedNode):
            continue  # a literal as a predicate: no triple has it
        for quad in store.quads_for_pattern(None, stored, None, _DEFAULT):
            add((convert(quad.subject), convert(quad.predicate), convert(quad.object)))
    return graph


def _blank_objects(graph: Graph) -> set[Node]:
    return {o for o in graph.objects() if isinstance(o, BNode)} | {s for s in graph.subjects() if isinstance(s, BNode)}


def full_graph(copy: OxigraphCopy) -> Graph:
    """All the data, as an rdflib graph."""
    return _graph_of(copy, copy.store.quads_for_pattern(None, None, None, _DEFAULT))


def _graph_of(copy: OxigraphCopy, quads: Iterable[ox.Quad]) -> Graph:
    graph = Graph()
    convert = copy.rdflib_converter()
    graph.addN((convert(q.subject), convert(q.predicate), convert(q.object), graph) for q in quads)
    return graph
