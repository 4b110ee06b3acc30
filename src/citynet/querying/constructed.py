"""The graph a CONSTRUCT or DESCRIBE query answers with, turned into rdflib only when read.

Building an rdflib Graph costs more than Oxigraph takes to construct the triples (every
literal is parsed again): counting the triples, or writing them out in a format Oxigraph
serialises itself, does not pay for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

import pyoxigraph
from rdflib import Graph

from citynet.formats import GRAPH_FORMATS, JSONLD, named, write
from citynet.graph.prefixes import PREFIXES
from citynet.graph.terms import XSD_STRING, rdflib_converter, to_oxigraph_triple
from citynet.publish.jsonld import by_subject, write_jsonld


class ConstructedGraph:
    """Distinct triples, from Oxigraph terms or from an rdflib Graph."""

    def __init__(self, triples: Iterable[pyoxigraph.Triple] | None = None, *, graph: Graph | None = None) -> None:
        if (triples is None) == (graph is None):
            raise TypeError("give either Oxigraph triples or an rdflib graph")
        # A CONSTRUCT may produce a triple more than once; a graph holds it once.
        self._triples = None if triples is None else list(dict.fromkeys(triples))
        if graph is not None:
            self.__dict__["graph"] = graph  # the cached_property's slot: already built

    def __len__(self) -> int:
        return len(self._triples) if self._triples is not None else len(self.graph)

    @cached_property
    def graph(self) -> Graph:
        graph = Graph()
        convert = rdflib_converter()
        add = graph.add
        for triple in self._triples or ():
            subject, predicate, value = convert(triple.subject), convert(triple.predicate), convert(triple.object)
            assert subject is not None and predicate is not None and value is not None  # a triple has all three
            add((subject, predicate, value))
        return graph

    def serialize(self, format: str = "turtle") -> str:
        """The triples in ``format``: a graph format of :mod:`citynet.formats` by any of its names
        (``turtle``, ``nt``, ``xml``, ``json-ld`` …), or else any format rdflib writes."""
        fmt = named(format, GRAPH_FORMATS)
        if fmt is JSONLD:  # compacted with citynet's context, from any source
            triples = self._triples if self._triples is not None else map(to_oxigraph_triple, self.graph)
            return write_jsonld(by_subject(triples))
        if self._triples is None or fmt is None or fmt.rdf is None:
            return self.graph.serialize(format=format)
        prefixes = _used_prefixes(self._triples) if fmt.takes_prefixes else None
        return write(self._triples, fmt, prefixes).decode("utf-8")


def _used_prefixes(triples: list[pyoxigraph.Triple]) -> dict[str, str]:
    """citynet's prefixes that name something in ``triples``: no unused declarations."""
    iris = {term.value for triple in triples for term in (triple.subject, triple.predicate, triple.object)
            if isinstance(term, pyoxigraph.NamedNode)}
    iris |= {triple.object.datatype.value for triple in triples
             if isinstance(triple.object, pyoxigraph.Literal) and not triple.object.language
             and triple.object.datatype.value != XSD_STRING}  # written as a plain "…"
    # Every citynet namespace ends in "/" or "#": cut each IRI there, not test every prefix.
    namespaces = {iri[: max(iri.rfind("/"), iri.rfind("#")) + 1] for iri in iris}
    return {prefix: namespace for prefix, namespace in PREFIXES.items() if namespace in namespaces}
