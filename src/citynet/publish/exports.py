"""The graph in every RDF format, and tabular and GeoJSON views of it.

Named graphs: in N-Quads and TriG each source file is its own graph
(``https://w3id.org/citynet/graph/{file stem}``), so a consumer can tell the
ontology from the data and one domain from another; their union is the graph.

The same graph, loaded from the same files, gives the same bytes in every format: the
catalog publishes each download's size and checksum, and a harvester compares them. The
order of the triples is the store's (which follows the files), and blank nodes, which the
parser names at random, are renamed ``b0``, ``b1``, … in the order they first appear.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph
from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from citynet.errors import InputError
from citynet.graph.dataset import graph_name
from citynet.graph.files import describe_oxigraph_error
from citynet.graph.knowledge_graph import KnowledgeGraph
from citynet.graph.prefixes import PREFIXES
from citynet.graph.terms import to_oxigraph
from citynet.publish.jsonld import by_subject, write_jsonld
from citynet.querying.execute import query

RDF_FORMATS: dict[str, pyoxigraph.RdfFormat | None] = {
    "turtle": pyoxigraph.RdfFormat.TURTLE,
    "ntriples": pyoxigraph.RdfFormat.N_TRIPLES,
    "nquads": pyoxigraph.RdfFormat.N_QUADS,
    "trig": pyoxigraph.RdfFormat.TRIG,
    "rdfxml": pyoxigraph.RdfFormat.RDF_XML,
    "jsonld": None,  # rdflib, to compact with citynet's @context
}
TABLE_FORMATS = ("csv", "geojson")
MEDIA_TYPES = {
    "turtle": "text/turtle", "ntriples": "application/n-triples", "nquads": "application/n-quads",
    "trig": "application/trig", "rdfxml": "application/rdf+xml", "jsonld": "application/ld+json",
    "csv": "text/csv", "geojson": "application/geo+json",
}
SUFFIXES = {"turtle": ".ttl", "ntriples": ".nt", "nquads": ".nq", "trig": ".trig", "rdfxml": ".rdf",
            "jsonld": ".jsonld", "csv": ".csv", "geojson": ".geojson"}


def export(graph: KnowledgeGraph, fmt: str) -> str:
    """The whole graph (or a view of it) in ``fmt``."""
    if fmt in RDF_FORMATS:
        return export_rdf(graph, fmt)
    if fmt == "csv":
        from citynet.curate.table_export import table_csv  # the table `citynet import` reads back

        return table_csv(graph, "memberships")
    if fmt == "geojson":
        # No indent: json.dumps then uses its C encoder, several times faster on large maps.
        return json.dumps(member_locations_geojson(graph), ensure_ascii=False)
    raise InputError(f"unknown export format {fmt!r}",
                     hint=f"formats: {', '.join([*RDF_FORMATS, *TABLE_FORMATS])}")


def export_rdf(graph: KnowledgeGraph, fmt: str) -> str:
    if fmt == "jsonld":
        return write_jsonld(stable_blank_nodes(graph.triples_by_subject()))
    rdf_format = RDF_FORMATS[fmt]
    if rdf_format.supports_datasets:
        quads: Iterable[pyoxigraph.Quad] = file_quads(graph.files)
    else:
        quads = graph.store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())
    prefixes = PREFIXES if fmt in ("turtle", "trig", "rdfxml") else None
    return pyoxigraph.serialize(stable_blank_nodes(quads), format=rdf_format, prefixes=prefixes).decode("utf-8")


def export_bytes(graph: KnowledgeGraph, fmt: str) -> bytes:
    """The export as the file ``citynet export -o`` and ``citynet publish`` write: UTF-8,
    ending with a newline. The catalog's sizes and checksums are those of these bytes."""
    text = export(graph, fmt)
    return (text if text.endswith("\n") else text + "\n").encode("utf-8")


def stable_blank_nodes(quads: Iterable[pyoxigraph.Quad]) -> Iterator[pyoxigraph.Quad]:
    """The quads with their blank nodes renamed ``b0``, ``b1``, … in order of first
    appearance: a graph read twice from the same files gives the same names, where the
    parser's own are random. Distinct nodes stay distinct, so the graph is the same.
    (Graph names are left as they are: an export's named graphs are IRIs.)"""
    names: dict[pyoxigraph.BlankNode, pyoxigraph.BlankNode] = {}
    blank = pyoxigraph.BlankNode

    def rename(node: pyoxigraph.BlankNode) -> pyoxigraph.BlankNode:
        new = names.get(node)
        if new is None:
            new = names[node] = blank(f"b{len(names)}")
        return new

    for quad in quads:
        subject, value = quad.subject, quad.object
        if type(subject) is blank:
            yield pyoxigraph.Quad(rename(subject), quad.predicate,
                                  rename(value) if type(value) is blank else value, quad.graph_name)
        elif type(value) is blank:
            yield pyoxigraph.Quad(subject, quad.predicate, rename(value), quad.graph_name)
        else:
            yield quad


def file_quads(files: Iterable[Path]) -> Iterator[pyoxigraph.Quad]:
    """Each file's triples in its own named graph, streamed from the parser: no second
    store holds them. Blank nodes are renamed apart, so that ``_:b`` in two files stays two
    nodes. A statement written twice in one file comes out twice (the same dataset)."""
    for path in files:
        name = pyoxigraph.NamedNode(graph_name(path))
        try:
            for triple in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE,
                                           base_iri=path.resolve().as_uri(), rename_blank_nodes=True):
                yield pyoxigraph.Quad(triple.subject, triple.predicate, triple.object, name)
        except SyntaxError as error:  # the file changed since the graph was loaded
            message, line, column = describe_oxigraph_error(str(error))
            raise InputError(f"Turtle syntax error: {message}", path=path, line=line, column=column) from None


def to_jsonld(rdf: Graph) -> str:
    """JSON-LD compacted with citynet's @context, embedded so that no reader needs the network.
    Subjects and statements in a stable order, so that the same graph gives the same text."""
    return write_jsonld(by_subject(pyoxigraph.Triple(*map(to_oxigraph, triple)) for triple in rdf))


def describe(rdf: Graph, entity: URIRef) -> Graph:
    """The entity's own statements, with the blank nodes they lead to (its bounded description)."""
    out = Graph(namespace_manager=rdf.namespace_manager)
    stack: list[Node] = [entity]
    seen: set[Node] = set()
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in rdf.predicate_objects(node):
            out.add((node, p, o))
            if isinstance(o, BNode):
                stack.append(o)
    return out


def member_locations_geojson(graph: KnowledgeGraph) -> dict[str, Any]:
    """A GeoJSON FeatureCollection: one point per member with coordinates, and its networks."""
    result = query("member-locations", graph)
    column = {name: i for i, name in enumerate(result.variables)}
    member, lat, long, name, kind, country, networks = (
        column[c] for c in ("member", "lat", "long", "name", "kind", "country", "networks"))
    return {"type": "FeatureCollection", "features": [
        {
            "type": "Feature",
            "id": row[member],
            "geometry": {"type": "Point", "coordinates": [float(row[long]), float(row[lat])]},
            "properties": {
                "name": row[name], "kind": row[kind], "country": row[country],
                "networks": sorted(row[networks].split("; ")) if row[networks] else [],
            },
        }
        for row in result.lexical_rows()
    ]}
