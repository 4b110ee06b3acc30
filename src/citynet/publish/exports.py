"""The graph in every RDF format, and tabular and GeoJSON views of it.

Named graphs: in N-Quads and TriG each source file is its own graph
(``https://w3id.org/citynet/graph/{file stem}``), so a consumer can tell the
ontology from the data and one domain from another; their union is the graph.

The same graph, loaded from the same files, gives the same bytes in every format: the
catalog publishes each download's size and checksum, and a harvester compares them. The
order of the triples is the store's (which follows the files), and blank nodes, which the
parser names at random, are renamed ``b0``, ``b1``, … in the order they first appear
(numbered by :class:`~citynet.publish.blank_numbers.BlankNodeNumbers`, in little memory).
Not so for a graph held on disk (over ``IN_MEMORY_UP_TO_BYTES`` of files) that has blank nodes:
that store orders statements by the random ids its loader gave them, so a store built anew
from the same files can write them in another order. N-Quads and TriG, read from the files,
keep their bytes.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph

from citynet.errors import InputError, QueryError
from citynet.formats import (
    DATASET_FORMATS,
    EXPORT_FORMATS,
    GEOJSON,
    JSONLD,
    MEMBERSHIPS_CSV,
    RDF_EXPORT_FORMATS,
    by_name,
    names,
    write_into,
)
from citynet.graph.dataset import graph_name
from citynet.graph.files import describe_oxigraph_error
from citynet.graph.knowledge_graph import KnowledgeGraph
from citynet.graph.prefixes import PREFIXES
from citynet.publish import located_members
from citynet.publish.blank_numbers import BlankNodeNumbers
from citynet.publish.jsonld import write_jsonld_into
from citynet.streams import SupportsWrite, Tally, TextChunks

# Views of citynet.formats.EXPORT_FORMATS by name, in the catalog's order.
RDF_FORMATS = names(RDF_EXPORT_FORMATS)
MEDIA_TYPES = {fmt.name: fmt.media_type for fmt in EXPORT_FORMATS}
SUFFIXES = {fmt.name: f".{fmt.suffix}" for fmt in EXPORT_FORMATS}


def write_export(graph: KnowledgeGraph, fmt: str, stream: SupportsWrite) -> None:
    """The whole graph (or a view of it) in ``fmt``, written to ``stream`` as it is made:
    the file ``citynet export -o`` and ``citynet publish`` write, UTF-8, ending with a
    newline. The catalog's sizes and checksums are those of these bytes. Nothing holds the
    whole text: Oxigraph's writers and citynet's JSON-LD writer stream the statements from
    the store (or the files) to ``stream`` in chunks."""
    tally = Tally(stream)
    _write(graph, fmt, tally)
    if tally.last != b"\n":
        tally.write(b"\n")
    tally.flush()


def export_bytes(graph: KnowledgeGraph, fmt: str) -> bytes:
    """What :func:`write_export` writes, as bytes: for small graphs (and tests)."""
    out = io.BytesIO()
    write_export(graph, fmt, out)
    return out.getvalue()


def export(graph: KnowledgeGraph, fmt: str) -> str:
    """The whole graph (or a view of it) in ``fmt``, as text: for small graphs. A large
    one is written with :func:`write_export`."""
    out = io.BytesIO()
    _write(graph, fmt, out)
    return out.getvalue().decode("utf-8")


def _write(graph: KnowledgeGraph, fmt: str, stream: SupportsWrite) -> None:
    if fmt in RDF_FORMATS:
        write_rdf(graph, fmt, stream)
    elif fmt == MEMBERSHIPS_CSV.name:
        from citynet.curate.table_export import write_table_csv  # the table `citynet import` reads back

        write_table_csv(graph, "memberships", stream)
    elif fmt == GEOJSON.name:
        write_geojson(graph, stream)
    else:
        raise InputError(f"unknown export format {fmt!r}", hint=f"formats: {', '.join(names(EXPORT_FORMATS))}")


def write_rdf(graph: KnowledgeGraph, fmt: str, stream: SupportsWrite) -> None:
    chosen = by_name(fmt, RDF_EXPORT_FORMATS)
    if chosen is JSONLD:
        # Written by citynet, compacted with its @context: pyoxigraph writes JSON-LD expanded, and
        # rdflib's compacting writer took 17 times as long (benchmarks/README.md, "JSON-LD export").
        # The JSON-LD writer renames blank nodes as stable_blank_nodes would, as it writes: the
        # same text without a renamed copy of every triple.
        write_jsonld_into(graph.triples_by_subject(), stream, stable_blank_nodes=True)
        return
    if chosen in DATASET_FORMATS:  # each source file in a named graph of its own
        quads: Iterable[pyoxigraph.Quad] = file_quads(graph.files)
    else:
        quads = graph.store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())
    write_into(stable_blank_nodes(quads), chosen, stream, PREFIXES)


def stable_blank_nodes(quads: Iterable[pyoxigraph.Quad]) -> Iterator[pyoxigraph.Quad]:
    """The quads with their blank nodes renamed ``b0``, ``b1``, … in order of first
    appearance: a graph read twice from the same files gives the same names, where the
    parser's own are random. Distinct nodes stay distinct, so the graph is the same.
    (Graph names are left as they are: an export's named graphs are IRIs.)"""
    number = BlankNodeNumbers().number
    blank = pyoxigraph.BlankNode
    # A subject's quads mostly come one after another (the on-disk store's order gives them so):
    # it is renamed once for the run. The first blank subject is never None: it is renamed.
    subject: pyoxigraph.BlankNode | None = None
    renamed_subject = blank("b")

    def rename(node: pyoxigraph.BlankNode) -> pyoxigraph.BlankNode:
        return blank(f"b{number(node)}")

    for quad in quads:
        term, value = quad.subject, quad.object
        if type(term) is blank:
            if term != subject:
                subject, renamed_subject = term, rename(term)
            yield pyoxigraph.Quad(renamed_subject, quad.predicate,
                                  rename(value) if type(value) is blank else value, quad.graph_name)
        elif type(value) is blank:
            yield pyoxigraph.Quad(term, quad.predicate, rename(value), quad.graph_name)
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


def write_geojson(graph: KnowledgeGraph, stream: SupportsWrite) -> None:
    """The GeoJSON FeatureCollection of :func:`member_locations_geojson`, written feature by
    feature: the same bytes as ``json.dumps`` of the whole collection."""
    encode = json.JSONEncoder(ensure_ascii=False).encode  # no indent: the C encoder, several times faster
    out = TextChunks(stream)
    out.write('{"type": "FeatureCollection", "features": [')
    separator = ""
    for feature in member_features(graph):
        out.write(separator)
        out.write(encode(feature))
        separator = ", "
    out.write("]}")
    out.flush()


def member_locations_geojson(graph: KnowledgeGraph) -> dict[str, Any]:
    """A GeoJSON FeatureCollection: one point per member with coordinates, and its networks."""
    return {"type": "FeatureCollection", "features": list(member_features(graph))}


def member_features(graph: KnowledgeGraph) -> Iterator[dict[str, Any]]:
    """A GeoJSON Feature per member with coordinates: a point, and its networks (the rows of the
    ``member-locations`` query, read from the store without holding its answer)."""
    try:
        yield from located_members.member_features(graph.store)
    except (OSError, RuntimeError) as error:  # the store, or the temporary files of the sort
        raise QueryError(f"reading the store or sorting its rows on disk failed: {error}") from None
