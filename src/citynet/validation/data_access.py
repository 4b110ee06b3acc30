"""What validation reads of the data, from an rdflib graph or from the Oxigraph copy alone.

Given an rdflib graph, validation reads it. Given files, the data is only in the Oxigraph
copy (``citynet.validation.parsed_files``): pySHACL gets an rdflib graph of just what it
reads for the focus nodes it checks (``citynet.validation.pyshacl_data``); a constraint that
must run in rdflib reads a view of the copy (``citynet.validation.copy_view``), and an rdflib
graph of all the data is built only where neither can serve.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import OWL, RDF, Graph
from rdflib.term import Node

from citynet.graph.terms import OxigraphNode, OxigraphTerm
from citynet.validation.copy_view import copy_graph
from citynet.validation.oxigraph_copy import OxigraphCopy
from citynet.validation.pyshacl_data import full_graph, reach, subgraph

_DEFAULT = ox.DefaultGraph()


class DataAccess(ABC):
    """What validation reads of the data, wherever the data is held."""

    @property
    @abstractmethod
    def full(self) -> Graph:
        """All the data as one rdflib graph (built on first use where the data is elsewhere)."""

    @abstractmethod
    def reading(self) -> Graph:
        """An rdflib graph of all the data for a query that runs in rdflib (where the data is
        elsewhere, one that reads it on demand)."""

    @abstractmethod
    def has_node(self, node: Node) -> bool:
        """Is ``node`` a subject or an object of the data (a node of the graph, to SPARQL)?"""

    @abstractmethod
    def has_object(self, predicate: Node, node: Node) -> bool:
        """Is there a triple ``?s predicate node``?"""

    @abstractmethod
    def objects(self, predicate: Node) -> Iterable[Node]:
        """The distinct objects of ``predicate``."""

    @abstractmethod
    def ontologies(self) -> set[Node]:
        """The subjects typed owl:Ontology."""

    @abstractmethod
    def describe(self, node: Node) -> Graph:
        """A graph that holds what is below the blank node ``node``."""

    @abstractmethod
    def for_pyshacl(self, seeds: dict[Node, list[Node]] | None, shapes: Graph) -> Graph:
        """The graph pySHACL validates ``seeds`` in, each given with the shapes it is a focus
        node of (all focus nodes of ``shapes``: None)."""


class GraphData(DataAccess):
    """The data as an rdflib graph."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    @property
    def full(self) -> Graph:
        return self.graph

    def reading(self) -> Graph:
        return self.graph

    def has_node(self, node: Node) -> bool:
        return (node, None, None) in self.graph or (None, None, node) in self.graph

    def has_object(self, predicate: Node, node: Node) -> bool:
        return (None, predicate, node) in self.graph

    def objects(self, predicate: Node) -> Iterable[Node]:
        return set(self.graph.objects(None, predicate))

    def ontologies(self) -> set[Node]:
        return set(self.graph.subjects(RDF.type, OWL.Ontology))

    def describe(self, node: Node) -> Graph:
        return self.graph

    def for_pyshacl(self, seeds: dict[Node, list[Node]] | None, shapes: Graph) -> Graph:
        return self.graph


class StoreData(DataAccess):
    """The data in an Oxigraph copy that holds exactly the parsed triples (and is injective:
    each stored term stands for one term of the data)."""

    def __init__(self, copy: OxigraphCopy, prefixes: Iterable[tuple[str, str]]) -> None:
        self.copy = copy
        self._prefixes = list(prefixes)
        self._full: Graph | None = None

    @property
    def full(self) -> Graph:
        if self._full is None:
            self._full = self._bound(full_graph(self.copy))
        return self._full

    def reading(self) -> Graph:
        # A view, not a built graph: the constraints that run in rdflib read a few thousand
        # triples of a million, and an rdflib graph costs about 20 µs and 1 KB a triple.
        return self.full if self._full is not None else self._bound(copy_graph(self.copy))

    def _bound(self, graph: Graph) -> Graph:
        """pySHACL writes terms in messages with the data's prefixes: bind them as the
        merged parsed graphs had them."""
        for prefix, namespace in self._prefixes:
            graph.bind(prefix, namespace, override=False)
        return graph

    def has_node(self, node: Node) -> bool:
        term = self._term(node)
        return term is not None and self.copy.has_node(term)

    def has_object(self, predicate: Node, node: Node) -> bool:
        p, o = self._term(predicate), self._term(node)
        return isinstance(p, ox.NamedNode) and o is not None and self._any(None, p, o)

    def objects(self, predicate: Node) -> Iterable[Node]:
        p = self._term(predicate)
        if not isinstance(p, ox.NamedNode):
            return set()
        return {self.copy.to_rdflib(q.object) for q in self.copy.store.quads_for_pattern(None, p, None, _DEFAULT)}

    def ontologies(self) -> set[Node]:
        return {self.copy.to_rdflib(q.subject) for q in self.copy.store.quads_for_pattern(
            None, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(OWL.Ontology)), _DEFAULT)}

    def describe(self, node: Node) -> Graph:
        graph = Graph()
        todo: list[OxigraphTerm | None] = [self._term(node)]
        done: set[ox.BlankNode] = set()
        while todo:
            term = todo.pop()
            if not isinstance(term, ox.BlankNode) or term in done:
                continue
            done.add(term)
            for quad in self.copy.store.quads_for_pattern(term, None, None, _DEFAULT):
                graph.add((self.copy.to_rdflib(quad.subject), self.copy.to_rdflib(quad.predicate),
                           self.copy.to_rdflib(quad.object)))
                todo.append(quad.object)
        return graph

    def for_pyshacl(self, seeds: dict[Node, list[Node]] | None, shapes: Graph) -> Graph:
        how_far = None if seeds is None else reach(shapes)
        if how_far is None or seeds is None:
            return self.full
        depths = {seed: how_far.of(validated_by) for seed, validated_by in seeds.items()}
        return self._bound(subgraph(self.copy, depths, how_far.inverse, shapes))

    def _term(self, node: Node) -> OxigraphNode | None:
        try:
            return self.copy.stored_form(node)
        except (TypeError, ValueError):
            return None

    def _any(self, s: ox.NamedNode | ox.BlankNode | None, p: ox.NamedNode | None, o: OxigraphNode | None) -> bool:
        return next(self.copy.store.quads_for_pattern(s, p, o, _DEFAULT), None) is not None
