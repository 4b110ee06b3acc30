"""The graph in every RDF format, and tabular and GeoJSON views of it.

Named graphs: in N-Quads and TriG each source file is its own graph
(``https://w3id.org/citynet/graph/{file stem}``), so a consumer can tell the
ontology from the data and one domain from another; their union is the graph.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph
from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from citynet import resources
from citynet.errors import InputError
from citynet.graph import KnowledgeGraph
from citynet.prefixes import PREFIXES
from citynet.querying import query

GRAPH_BASE = "https://w3id.org/citynet/graph/"

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


def graph_name(path: Path) -> str:
    return f"{GRAPH_BASE}{path.stem}"


@cache
def jsonld_context() -> dict[str, Any]:
    """citynet's published JSON-LD @context (ontology/context.jsonld): short, readable keys."""
    return json.loads((resources.resource_root() / "ontology" / "context.jsonld").read_text(encoding="utf-8"))


def export(graph: KnowledgeGraph, fmt: str) -> str:
    """The whole graph (or a view of it) in ``fmt``."""
    if fmt in RDF_FORMATS:
        return export_rdf(graph, fmt)
    if fmt == "csv":
        return query("memberships", graph).to_csv()
    if fmt == "geojson":
        return json.dumps(member_locations_geojson(graph), ensure_ascii=False, indent=1)
    raise InputError(f"unknown export format {fmt!r}",
                     hint=f"formats: {', '.join([*RDF_FORMATS, *TABLE_FORMATS])}")


def export_rdf(graph: KnowledgeGraph, fmt: str) -> str:
    if fmt == "jsonld":
        return to_jsonld(graph.rdflib_graph)
    rdf_format = RDF_FORMATS[fmt]
    if rdf_format.supports_datasets:
        dataset = pyoxigraph.Store()
        for path in graph.files:
            dataset.bulk_load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE,
                              base_iri=path.resolve().as_uri(), to_graph=pyoxigraph.NamedNode(graph_name(path)))
        quads: Iterable[pyoxigraph.Quad] = dataset
    else:
        quads = graph.store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())
    prefixes = PREFIXES if fmt in ("turtle", "trig", "rdfxml") else None
    return pyoxigraph.serialize(quads, format=rdf_format, prefixes=prefixes).decode("utf-8")


def to_jsonld(rdf: Graph) -> str:
    """JSON-LD compacted with citynet's @context, embedded so that no reader needs the network."""
    return rdf.serialize(format="json-ld", context=jsonld_context()["@context"], auto_compact=True)


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
    features = []
    for row in query("member-locations", graph):
        features.append({
            "type": "Feature",
            "id": str(row.member),
            "geometry": {"type": "Point", "coordinates": [float(row.long), float(row.lat)]},
            "properties": {
                "name": row.name, "kind": row.kind, "country": row.country,
                "networks": sorted(row.networks.split("; ")) if row.networks else [],
            },
        })
    return {"type": "FeatureCollection", "features": features}
