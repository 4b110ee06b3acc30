"""The server's default graph is a set of triples however its workers hold the graph: in memory
(the union of the files' graphs) or on disk (the store's default graph). A triple stated in two
files is one triple of the default graph; every triple once, never once per graph that holds it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

import citynet
from citynet.graph.dataset import graph_name
from tests.server_harness import running_server

EX = "http://example.org/"
#: Two files that share one triple (``ex:shared``), each with one of its own.
FILES = {
    "first": f"<{EX}shared> <{EX}p> <{EX}o> .\n<{EX}first> <{EX}p> \"one\"@en .\n",
    "second": f"<{EX}shared> <{EX}p> <{EX}o> .\n<{EX}second> <{EX}p> \"two\"@de .\n",
}
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("holding")
    paths = []
    for name, text in FILES.items():
        path = folder / f"{name}.ttl"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="module", params=["memory", "disk"])
def http(request, files, tmp_path_factory) -> Iterator[httpx.Client]:
    options = ("--data", *map(str, files), "--no-ontology", "--no-validate", "--hold", request.param)
    with running_server(tmp_path_factory.mktemp("server"), *options) as server, server.client() as client:
        yield client


def select(http: httpx.Client, query: str, **params: str) -> list[dict]:
    answer = http.get("/sparql", params={"query": query, **params},
                      headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200, answer.text
    return answer.json()["results"]["bindings"]


def test_a_triple_in_two_files_is_one_triple_of_the_default_graph(http):
    assert select(http, COUNT)[0]["n"]["value"] == "3"
    rows = select(http, "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s")
    assert [row["s"]["value"] for row in rows] == [f"{EX}first", f"{EX}second", f"{EX}shared"]
    default = http.get("/store", params={"default": ""}, headers={"Accept": "application/n-triples"})
    assert len(Graph().parse(data=default.text, format="nt")) == 3
    assert default.text.count(f"<{EX}shared>") == 1


def test_each_named_graph_holds_its_file(http, files):
    rows = select(http, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    assert [(row["g"]["value"], row["n"]["value"]) for row in rows] == [(graph_name(f), "2") for f in files]
    first = graph_name(files[0])
    assert select(http, COUNT, **{"default-graph-uri": first})[0]["n"]["value"] == "2"
    from_first = f"SELECT (COUNT(*) AS ?n) FROM <{first}> WHERE {{ ?s ?p ?o }}"  # noqa: S608
    assert select(http, from_first)[0]["n"]["value"] == "2"


@pytest.fixture(scope="module")
def on_disk(tmp_path_factory) -> Iterator[httpx.Client]:
    with running_server(tmp_path_factory.mktemp("disk"), "--hold", "disk") as server, server.client() as client:
        yield client


def test_the_shipped_graph_on_disk_counts_each_triple_once(on_disk):
    assert int(select(on_disk, COUNT)[0]["n"]["value"]) == len(citynet.shipped_graph())


@pytest.mark.parametrize("stored", citynet.queries(), ids=lambda q: q.name)
def test_every_stored_query_on_disk_answers_as_the_command_line(on_disk, stored):
    """The command line queries the default graph of its own store: the reference here."""
    params = {p.name: str(p.example) for p in stored.parameters if p.example is not None}
    expected = citynet.query(stored.name, **params)
    if stored.form == "CONSTRUCT":
        answer = on_disk.get(f"/queries/{stored.name}", params=params, headers={"Accept": "application/n-triples"})
        assert answer.status_code == 200, answer.text
        assert isomorphic(Graph().parse(data=answer.text, format="nt"), expected.graph)
        return
    answer = on_disk.get(f"/queries/{stored.name}", params={**params, "format": "json"})
    assert answer.status_code == 200, answer.text
    assert cells(answer.json()) == cells(json.loads(expected.to_json()))


def cells(answer: dict) -> list[dict]:
    """The rows in any order, each GROUP_CONCAT list as a sorted list: SPARQL leaves the order of
    tied rows (sources-of-entity) and of a list's parts (conference-editions) to the store, and
    each store has its own."""
    rows = [{name: {**term, "value": sorted(term["value"].split("; "))} for name, term in row.items()}
            for row in answer["results"]["bindings"]]
    return sorted(rows, key=lambda row: json.dumps(row, sort_keys=True))
