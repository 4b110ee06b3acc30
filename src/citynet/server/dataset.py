"""The server's dataset: how its files are loaded, the same way in every worker and in the
server process that describes them.

Each file's triples go to a named graph of their own, ``https://w3id.org/citynet/graph/{file
stem}``; the named graphs of N-Quads and TriG files stay as the files name them (their
default-graph triples go to the file's graph). The default graph a query sees is the union
of all graphs, unless the query (FROM, FROM NAMED) or the request (``default-graph-uri``,
``named-graph-uri``) names its dataset.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyoxigraph

from citynet.graph.files import load_rdf_file
from citynet.publish.exports import graph_name


def load_dataset(files: Sequence[Path]) -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    for path in files:
        load_rdf_file(store, path, to_graph=pyoxigraph.NamedNode(graph_name(path)))
    return store


def local_graph_names(store: pyoxigraph.Store) -> list[str]:
    """The IRIs of the dataset's named graphs, sorted."""
    return sorted(graph.value for graph in store.named_graphs() if isinstance(graph, pyoxigraph.NamedNode))


def triples_per_graph(store: pyoxigraph.Store) -> dict[str, int]:
    """Triples per named graph."""
    return {name: sum(1 for _ in store.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(name)))
            for name in local_graph_names(store)}
