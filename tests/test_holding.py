"""How a big graph is held: the in-memory copy of the on-disk store (``in_memory=True``,
loaded from its N-Triples snapshot) holds the same triples and gives the same answers as the
store it was copied from."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph
from rdflib.compare import to_canonical_graph

import citynet
from citynet import resources
from citynet.errors import InputError
from citynet.graph.persistent import load_into_memory, snapshot_path, store_path, write_snapshot
from citynet.graph.terms import to_rdflib_triple
from citynet.scale.generate import generate

QUERY_NAMES = [q.name for q in citynet.queries()]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, dict]:
    path = tmp_path_factory.mktemp("generated") / "graph.ttl"
    return path, generate(20_000, 3, path, progress=False).examples


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cache")


def _triples(store: pyoxigraph.Store) -> set:
    """The default graph in canonical form: the copy is written out and read back in, which
    names its blank nodes anew."""
    graph = Graph()
    for quad in store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph()):
        graph.add(to_rdflib_triple(quad))
    return set(to_canonical_graph(graph))


def test_the_copy_holds_the_default_graph_of_the_store_and_nothing_else(cache):
    on_disk = citynet.KnowledgeGraph(persistent=True, cache_dir=cache)
    copy = load_into_memory(on_disk.files, cache)
    assert list(copy.named_graphs()) == []
    assert len(copy) == len(on_disk)
    assert _triples(copy) == _triples(on_disk.store)
    assert any(isinstance(q.subject, pyoxigraph.BlankNode) for q in copy)  # the membership periods


def test_the_snapshot_is_written_once_and_read_again(tmp_path):
    files = [resources.ontology_path(), *resources.data_files()]
    first = citynet.KnowledgeGraph(persistent=True, cache_dir=tmp_path, in_memory=True)
    snapshot = snapshot_path(store_path(files, tmp_path))
    assert snapshot.is_file()
    written = snapshot.stat().st_mtime_ns
    second = citynet.KnowledgeGraph(persistent=True, cache_dir=tmp_path, in_memory=True)
    assert snapshot.stat().st_mtime_ns == written and len(first) == len(second)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([snapshot.name, snapshot.stem])  # no staging file


class _FailingStore:
    """A store whose writer fails part way, as a full disk or a read error would make it."""

    def dump(self, output, format, *, from_graph=None):
        with open(output, "wb") as stream:
            stream.write(b"<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n")
        raise OSError("IO error: No space left on device")


def test_a_failed_snapshot_is_an_error_and_leaves_no_file(tmp_path):
    target = tmp_path / "store.nt"
    with pytest.raises(InputError, match="No space left"):
        write_snapshot(_FailingStore(), target)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []  # neither a part of the graph as a snapshot, nor the staging file


def test_a_graph_in_memory_is_not_persistent_and_counts_the_same(tmp_path):
    on_disk = citynet.KnowledgeGraph(persistent=True, cache_dir=tmp_path)
    in_memory = citynet.KnowledgeGraph(persistent=True, cache_dir=tmp_path, in_memory=True)
    assert on_disk.persistent and not in_memory.persistent
    assert len(in_memory) == len(on_disk) == len(citynet.shipped_graph())
    assert len([p for p in tmp_path.iterdir() if p.is_dir()]) == 1  # the store reopened, not built twice


def _answer(result: citynet.QueryResult) -> object:
    """The rows, every term as the engine wrote it; a graph in canonical form.

    Rows are compared as a sorted list, and a GROUP_CONCAT list as its sorted items: SPARQL
    leaves the order of tied rows and of a group's members to the engine, and Oxigraph's
    differs between its on-disk and in-memory stores (as it did between a graph parsed into
    memory and the on-disk store before)."""
    if result.graph is not None:
        return set(to_canonical_graph(result.graph))

    def cell(text: str | None) -> str | None:
        return "; ".join(sorted(text.split("; "))) if text and "; " in text else text

    return sorted((tuple(cell(c) for c in row) for row in result.lexical_rows()), key=repr)


def _same(name: str, graph: citynet.KnowledgeGraph, copy: citynet.KnowledgeGraph, params: dict) -> None:
    on_disk, in_memory = citynet.query(name, graph=graph, **params), citynet.query(name, graph=copy, **params)
    assert len(on_disk) > 0, f"{name} finds nothing with {params}"
    assert _answer(in_memory) == _answer(on_disk), name


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_every_stored_query_answers_alike_on_the_shipped_data(cache, name):
    stored = next(q for q in citynet.queries() if q.name == name)
    params = {p.name: p.example for p in stored.parameters if p.required}
    graph = citynet.KnowledgeGraph(persistent=True, cache_dir=cache)
    copy = citynet.KnowledgeGraph(persistent=True, cache_dir=cache, in_memory=True)
    _same(name, graph, copy, params)


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_every_stored_query_answers_alike_on_a_generated_graph(generated, cache, name):
    path, examples = generated
    graph = citynet.KnowledgeGraph([path], persistent=True, cache_dir=cache)
    copy = citynet.KnowledgeGraph([path], persistent=True, cache_dir=cache, in_memory=True)
    _same(name, graph, copy, examples.get(name, {}))
