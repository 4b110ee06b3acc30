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

from citynet.errors import InputError
from citynet.formats import (
    DATASET_FORMATS,
    EXPORT_FORMATS,
    GEOJSON,
    JSONLD,
    MEMBERSHIPS_CSV,
    RDF_EXPORT_FORMATS,
    by_name,
    names,
    write,
)
from citynet.graph.dataset import graph_name
from citynet.graph.files import describe_oxigraph_error
from citynet.graph.knowledge_graph import KnowledgeGraph
from citynet.graph.prefixes import PREFIXES
from citynet.publish.jsonld import write_jsonld
from citynet.querying.execute import query

# Views of citynet.formats.EXPORT_FORMATS by name, in the catalog's order.
RDF_FORMATS = names(RDF_EXPORT_FORMATS)
MEDIA_TYPES = {fmt.name: fmt.media_type for fmt in EXPORT_FORMATS}
SUFFIXES = {fmt.name: f".{fmt.suffix}" for fmt in EXPORT_FORMATS}


def export(graph: KnowledgeGraph, fmt: str) -> str:
    """The whole graph (or a view of it) in ``fmt``."""
    if fmt in RDF_FORMATS:
        return export_rdf(graph, fmt)
    if fmt == MEMBERSHIPS_CSV.name:
        return query("memberships", graph=graph).to_csv(spreadsheet_safe=True)
    if fmt == GEOJSON.name:
        # No indent: json.dumps then uses its C encoder, several times faster on large maps.
        return json.dumps(member_locations_geojson(graph), ensure_ascii=False)
    raise InputError(f"unknown export format {fmt!r}", hint=f"formats: {', '.join(names(EXPORT_FORMATS))}")


def export_rdf(graph: KnowledgeGraph, fmt: str) -> str:
    chosen = by_name(fmt, RDF_EXPORT_FORMATS)
    if chosen is JSONLD:
        # Written by citynet, compacted with its @context: pyoxigraph writes JSON-LD expanded, and
        # rdflib's compacting writer took 17 times as long (benchmarks/README.md, "JSON-LD export").
        return write_jsonld(stable_blank_nodes(graph.triples_by_subject()))
    if chosen in DATASET_FORMATS:  # each source file in a named graph of its own
        quads: Iterable[pyoxigraph.Quad] = file_quads(graph.files)
    else:
        quads = graph.store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())
    return write(stable_blank_nodes(quads), chosen, PREFIXES).decode("utf-8")


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


def member_locations_geojson(graph: KnowledgeGraph) -> dict[str, Any]:
    """A GeoJSON FeatureCollection: one point per member with coordinates, and its networks."""
    result = query("member-locations", graph=graph)
    column = {name: i for i, name in enumerate(result.variables)}
    member, lat, long, name, kind, country, networks = (
        column[c] for c in ("member", "lat", "long", "name", "kind", "country", "networks"))
    features = []
    for row in result.lexical_rows():
        latitude, longitude, listed = row[lat], row[long], row[networks]
        assert latitude is not None and longitude is not None  # the query selects members with both
        features.append({
            "type": "Feature",
            "id": row[member],
            "geometry": {"type": "Point", "coordinates": [float(longitude), float(latitude)]},
            "properties": {
                "name": row[name], "kind": row[kind], "country": row[country],
                "networks": sorted(listed.split("; ")) if listed else [],
            },
        })
    return {"type": "FeatureCollection", "features": features}
