"""The dataset layout of a store built from files, the same for the CLI's on-disk store and
the server.

Each file's triples go to a named graph of their own, ``https://w3id.org/citynet/graph/{file
stem}`` (the named graphs of N-Quads and TriG files stay as the files name them, and their
default-graph triples go to the file's graph), and every triple is also in the default
graph. So a query sees all the data as its default graph, and FROM, FROM NAMED and the Graph
Store can name one file's graph. Each file is parsed once: the default graph is copied from
the named graphs inside the store.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pyoxigraph

from citynet.graph.files import load_rdf_file
from citynet.graph.select import select

GRAPH_BASE = "https://w3id.org/citynet/graph/"


def graph_name(path: Path) -> str:
    """The IRI of the named graph that holds a file's triples."""
    return f"{GRAPH_BASE}{path.stem}"


def load_dataset(store: pyoxigraph.Store, files: Sequence[Path],
                 load: Callable[[pyoxigraph.Store, Path, pyoxigraph.NamedNode], None] | None = None) -> None:
    """Fill ``store`` with ``files`` in the dataset layout. ``load`` loads one file into a
    named graph (default: :func:`citynet.graph.files.load_rdf_file`)."""
    for path in files:
        target = pyoxigraph.NamedNode(graph_name(path))
        if load is None:
            load_rdf_file(store, path, to_graph=target)
        else:
            load(store, path, target)
    for graph in list(store.named_graphs()):
        store.bulk_extend(pyoxigraph.Quad(quad.subject, quad.predicate, quad.object, pyoxigraph.DefaultGraph())
                          for quad in store.quads_for_pattern(None, None, None, graph))


def named_graph_quads(source: pyoxigraph.Store, target: pyoxigraph.Store) -> None:
    """Copy the named graphs of ``source`` into ``target`` (the in-memory copy of a query worker,
    see :func:`citynet.server.worker.hold`)."""
    for graph in sorted(source.named_graphs(), key=str):  # every copy made in the same order
        target.bulk_extend(source.quads_for_pattern(None, None, None, graph))


def default_graph_size(store: pyoxigraph.Store) -> int:
    """The number of triples in the store's default graph itself (not the union of its graphs)."""
    (row,) = select(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    return int(row["n"].value)


def local_graph_names(store: pyoxigraph.Store) -> list[str]:
    """The IRIs of the dataset's named graphs, sorted."""
    return sorted(graph.value for graph in store.named_graphs() if isinstance(graph, pyoxigraph.NamedNode))


def triples_per_graph(store: pyoxigraph.Store) -> dict[str, int]:
    """Triples per named graph, counted by the engine."""
    rows = select(store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {row["g"].value: int(row["n"].value) for row in rows if isinstance(row["g"], pyoxigraph.NamedNode)}
