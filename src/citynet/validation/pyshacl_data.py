"""The rdflib graph pySHACL needs, taken from the Oxigraph copy: only what it reads.

pySHACL validates a focus node by reading the triples around it: the values its shapes'
paths reach, the types of those values (sh:class), the values of nested shapes, all of
the node's own triples (sh:closed, sh:equals). How far that goes follows from the shapes:
``reach`` counts the levels of nodes whose triples a shape can read, and says whether a
path goes backwards (sh:inversePath). ``subgraph`` then takes, from the given focus nodes,
every triple of the nodes within that many levels (incoming ones too where a path goes
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
from rdflib.collection import Collection
from rdflib.term import Node

from citynet.graph.terms import OxigraphTerm
from citynet.validation.oxigraph_copy import OxigraphCopy
from citynet.validation.shacl_graph import TARGETS

_UNBOUNDED = 1 << 30
# Parameters whose value is a shape checked on the same node or on each value node.
_NESTED_ONE = (SH.node, SH.property, SH["not"], SH.qualifiedValueShape)
_NESTED_LIST = (SH["and"], SH["or"], SH.xone)
_DEFAULT = ox.DefaultGraph()


@dataclass(frozen=True)
class Reach:
    """For each shape with targets, how many levels of nodes (the focus node is level 0)
    pySHACL may read triples of when it validates the shape; and whether it reads
    incoming triples too, for any shape."""

    levels: dict[Node, int]
    inverse: bool

    def of(self, shapes: Iterable[Node]) -> int:
        """The levels for a focus node of ``shapes`` (all shapes' most, for one not known)."""
        most = max(self.levels.values(), default=1)
        return max((self.levels.get(shape, most) for shape in shapes), default=most)


def reach(shapes: Graph) -> Reach | None:
    """What pySHACL may read around a focus node, for each shape of ``shapes``; None if it
    may read anything in the data."""
    if (None, SH.sparql, None) in shapes or (None, SH.parameter, None) in shapes or (
            None, SH.target, None) in shapes or (None, SH.js, None) in shapes:
        return None
    walker = _Walker(shapes)
    shapes_with_targets = {s for t in TARGETS for s in shapes.subjects(t, None)}
    shapes_with_targets |= {s for kind in (SH.NodeShape, SH.PropertyShape) for s in shapes.subjects(RDF.type, kind)}
    levels = {s: min(walker.levels(s, frozenset()), _UNBOUNDED) for s in shapes_with_targets}
    return Reach(levels=levels, inverse=walker.inverse)


class _Walker:
    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        self.inverse = False

    def levels(self, shape: Node, seen: frozenset[Node]) -> int:
        """Levels of nodes whose triples validating ``shape`` on a node may read (1: the
        node's own)."""
        if shape in seen:
            return _UNBOUNDED  # a recursive shape: no bound
        seen = seen | {shape}
        nested = [n for p in _NESTED_ONE for n in self.shapes.objects(shape, p)]
        nested += [m for p in _NESTED_LIST for n in self.shapes.objects(shape, p) for m in self._list(n)]
        inner = max((self.levels(n, seen) for n in nested), default=0)
        path = self.shapes.value(shape, SH.path)
        if path is None:
            return max(1, inner)
        steps = self._path_length(path, frozenset())
        # The values are at ``steps``; their own triples (sh:class) are one level more.
        return min(_UNBOUNDED, steps + max(1, inner))

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
        try:
            return list(Collection(self.shapes, node))
        except Exception:  # a broken list: pySHACL reports it; read nothing more here
            return []


def subgraph(copy: OxigraphCopy, seeds: dict[Node, int], inverse: bool, shapes: Graph) -> Graph:
    """The triples pySHACL may read when validating ``seeds``, each with the levels its
    shapes read (see the module's text)."""
    store = copy.store
    graph = Graph()
    add = graph.add
    convert = copy.rdflib_converter()
    # A node's triples are read at most once, with the most levels left of any way to it:
    # the nodes are taken by levels left, most first.
    left: dict[OxigraphTerm, int] = {}
    for seed, levels in seeds.items():
        try:
            stored = copy.to_oxigraph(seed)
        except TypeError:
            continue
        left[stored] = max(levels, left.get(stored, 0))
    waiting: dict[int, list[OxigraphTerm]] = {}
    for node, levels in left.items():
        waiting.setdefault(levels, []).append(node)
    order = [-levels for levels in waiting]
    heapq.heapify(order)
    read: set[OxigraphTerm] = set()

    def reached(node: OxigraphTerm, levels: int) -> None:
        if levels > left.get(node, 0):
            if levels not in waiting:
                heapq.heappush(order, -levels)
            left[node] = levels
            waiting.setdefault(levels, []).append(node)

    while order:
        levels = -heapq.heappop(order)
        for node in waiting.pop(levels):
            if node in read or levels < 1:
                continue
            read.add(node)
            if not isinstance(node, ox.Literal):
                for quad in store.quads_for_pattern(node, None, None, _DEFAULT):
                    add((convert(quad.subject), convert(quad.predicate), convert(quad.object)))
                    reached(quad.object, levels - 1)
            if inverse:
                for quad in store.quads_for_pattern(None, None, node, _DEFAULT):
                    add((convert(quad.subject), convert(quad.predicate), convert(quad.object)))
                    reached(quad.subject, levels - 1)
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
