"""The W3C SPARQL 1.1 Protocol tests, sent by hand as HTTP exchanges (the manifest's requests
byte for byte, over a socket) to ``citynet serve`` and to the Oxigraph server, both started
here on 127.0.0.1 with the same dataset and stopped at the end.

The update operation's tests (``update_*``) do not apply: both endpoints answer queries only
(``citynet serve`` is read-only by design; the reference runs ``oxigraph serve-read-only``
to match). The tests of badly formed update requests do apply: they must be refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest

from tests.http_exchange import Reply, exchange
from tests.oxigraph_harness import running_oxigraph
from tests.server_harness import RunningServer, running_server
from tests.w3c_suite import MISSING, PROTOCOL_MANIFEST, ProtocolRequest, ProtocolTest, protocol_tests

pytestmark = [pytest.mark.skipif(not PROTOCOL_MANIFEST.is_file(), reason=MISSING), pytest.mark.slow]

TESTS = protocol_tests() if PROTOCOL_MANIFEST.is_file() else []
NOT_APPLICABLE = ("the update operation: both endpoints offer the query operation only (the protocol "
                  "lets a service offer either)")
KASEI = "http://kasei.us/2009/09/sparql/data/"
#: Where the reference fails a test, and why (citynet is expected to pass every test).
_NQUADS = ("the Oxigraph server answers a {} query without Accept in N-Quads, which is not among the "
           "formats the test allows (RDF/XML, Turtle, N-Triples, RDFa)")
REFERENCE_FAILURES = {"query_content_type_describe": _NQUADS.format("DESCRIBE"),
                      "query_content_type_construct": _NQUADS.format("CONSTRUCT")}

#: What each expected format allows (the manifest's names: "expect one of …").
FORMATS = {
    "boolean": {"application/sparql-results+xml", "application/sparql-results+json"},
    "tabular": {"application/sparql-results+xml", "application/sparql-results+json", "text/csv",
                "text/tab-separated-values"},
    "RDF": {"application/rdf+xml", "text/turtle", "application/n-triples", "application/xhtml+xml"},
}


def dataset_file(folder: Path) -> Path:
    """Every graph the tests name, in one N-Quads file: data1–3 as the manifest gives them,
    and data0, which the tests name without data (the original endpoints fetched it from
    kasei.us), with one triple in the pattern of the others."""
    graphs = {iri: path for test in TESTS for path, iri in test.graph_data}
    lines = [f"<{KASEI}data0.rdf> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
             f"<http://xmlns.com/foaf/0.1/Document> <{KASEI}data0.rdf> ."]
    for iri, path in sorted(graphs.items()):
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES):
            lines.append(f"{ox.Quad(triple.subject, triple.predicate, triple.object, ox.NamedNode(iri))} .")
    target = folder / "protocol-tests.nq"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


class Endpoint:
    """Where to send the manifest's requests: the query (and update) paths of one server."""

    def __init__(self, name: str, port: int, query_path: str, update_path: str) -> None:
        self.name, self.port, self.query_path, self.update_path = name, port, query_path, update_path

    def send(self, request: ProtocolRequest) -> Reply:
        path = self.update_path if request.is_update else self.query_path
        target = path + request.target.removeprefix("/sparql/").removeprefix("/sparql")
        return exchange("127.0.0.1", self.port, request.method, target, list(request.headers), request.body)


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return dataset_file(tmp_path_factory.mktemp("protocol-data"))


@pytest.fixture(scope="module")
def citynet_endpoint(tmp_path_factory, data) -> Iterator[Endpoint]:
    with running_server(tmp_path_factory.mktemp("citynet"), "--data", str(data), "--no-ontology") as server:
        yield Endpoint("citynet", _port(server), "/sparql", "/sparql")


@pytest.fixture(scope="module")
def oxigraph_endpoint(tmp_path_factory, data) -> Iterator[Endpoint]:
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph"), [data]) as server:
        yield Endpoint("oxigraph", server.port, "/query", "/update")


def _port(server: RunningServer) -> int:
    return int(server.base_url.rsplit(":", 1)[1])


def by_id(tests: list[ProtocolTest], failures: dict[str, str] | None = None) -> list:
    params = []
    for test in tests:
        marks = []
        if test.id.startswith("update_"):
            marks.append(pytest.mark.skip(reason=NOT_APPLICABLE))
        elif test.id in (failures or {}):
            marks.append(pytest.mark.xfail(reason=(failures or {})[test.id], strict=True))
        params.append(pytest.param(test, id=test.id, marks=marks))
    return params


def check(reply: Reply, request: ProtocolRequest) -> None:
    assert f"{reply.status // 100}xx" in request.statuses, f"status {reply.status}: {reply.body[:300]!r}"
    if request.format is not None:
        assert reply.media_type in FORMATS[request.format], reply.media_type
        if request.format == "RDF":
            list(ox.parse(reply.body, format=ox.RdfFormat.from_media_type(reply.media_type)))
            return
        answer = ox.parse_query_results(reply.body, ox.QueryResultsFormat.from_media_type(reply.media_type))
        if request.format == "boolean":
            assert isinstance(answer, ox.QueryBoolean)
        else:
            assert isinstance(answer, ox.QuerySolutions) and list(answer)
        if request.boolean is not None:
            assert bool(answer) is request.boolean


@pytest.mark.parametrize("test", by_id(TESTS))
def test_protocol_citynet(citynet_endpoint: Endpoint, test: ProtocolTest):
    for request in test.requests:
        check(citynet_endpoint.send(request), request)


@pytest.mark.parametrize("test", by_id(TESTS, REFERENCE_FAILURES))
def test_protocol_reference(oxigraph_endpoint: Endpoint, test: ProtocolTest):
    for request in test.requests:
        check(oxigraph_endpoint.send(request), request)


# ---------------------------------------------------------------- beyond the manifest

DATA1 = f"{KASEI}data1.rdf"
SELECT_ONE = quote("SELECT (1 AS ?one) WHERE {}", safe="")
FROM_NAMED = quote(f"SELECT ?g FROM NAMED <{DATA1}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", safe="")  # noqa: S608
FROM_ELSEWHERE = quote("ASK FROM <http://example.org/none> {}", safe="")
EVERY_TRIPLE = quote("CONSTRUCT WHERE { ?s ?p ?o }", safe="")
GRAPH1 = quote(DATA1, safe="")
RESULTS_JSON, PLAIN = "application/sparql-results+json", "text/plain"


@dataclass(frozen=True)
class Exchange:
    """A request clients make, and each server's answer: (status, media type or None)."""

    method: str
    target: str  # {sparql} stands for the query endpoint's path
    citynet: tuple[int, str | None]
    oxigraph: tuple[int, str | None]
    headers: tuple[tuple[str, str], ...] = ()


#: Where the two answers differ, the README says so ("The server", differences from Oxigraph).
CLIENT_EXCHANGES = {
    "format=csv": Exchange("GET", f"{{sparql}}?query={SELECT_ONE}&format=csv", (200, "text/csv"),
                           (200, RESULTS_JSON)),
    "format repeated": Exchange("GET", f"{{sparql}}?query={SELECT_ONE}&format=tsv&format=text%2Ftab-separated-values",
                                (200, "text/tab-separated-values"), (200, RESULTS_JSON)),
    "unknown format: Accept decides": Exchange("GET", f"{{sparql}}?query={SELECT_ONE}&format=n3", (200, "text/csv"),
                                               (200, "text/csv"), (("Accept", "text/csv"),)),
    "FROM NAMED a graph it holds": Exchange("GET", f"{{sparql}}?query={FROM_NAMED}", (200, RESULTS_JSON),
                                            (200, RESULTS_JSON)),
    "FROM a graph it does not hold": Exchange("GET", f"{{sparql}}?query={FROM_ELSEWHERE}", (400, PLAIN),
                                              (200, RESULTS_JSON)),
    "CONSTRUCT, Accept: application/json": Exchange("GET", f"{{sparql}}?query={EVERY_TRIPLE}",
                                                    (200, "application/ld+json"), (200, "application/ld+json"),
                                                    (("Accept", "application/json"),)),
    "CONSTRUCT without Accept": Exchange("GET", f"{{sparql}}?query={EVERY_TRIPLE}", (200, "text/turtle"),
                                         (200, "application/n-quads")),
    "graph store: default graph": Exchange("GET", "/store?default", (200, "text/turtle"), (200, "application/n-quads")),
    "graph store: a named graph": Exchange("GET", f"/store?graph={GRAPH1}", (200, "application/n-triples"),
                                           (200, "application/n-triples"), (("Accept", "application/n-triples"),)),
    "graph store: no such graph": Exchange("GET", "/store?graph=http%3A%2F%2Fexample.org%2Fnone", (404, PLAIN),
                                           (404, PLAIN)),
    "graph store: default and graph": Exchange("GET", f"/store?default&graph={GRAPH1}", (400, PLAIN), (400, PLAIN)),
    "graph store: the dataset": Exchange("GET", "/store", (200, "application/n-quads"), (200, "application/n-quads")),
    "graph store: HEAD": Exchange("HEAD", f"/store?graph={GRAPH1}", (200, None), (200, None)),
    "graph store: PUT": Exchange("PUT", f"/store?graph={GRAPH1}", (405, PLAIN), (403, PLAIN),
                                 (("Content-Type", "application/n-triples"),)),
    "graph store: DELETE": Exchange("DELETE", f"/store?graph={GRAPH1}", (405, PLAIN), (403, PLAIN)),
}


@pytest.mark.parametrize("server", ["citynet", "oxigraph"])
@pytest.mark.parametrize("name", CLIENT_EXCHANGES)
def test_exchanges_clients_make(request, server: str, name: str):
    exchange_ = CLIENT_EXCHANGES[name]
    endpoint: Endpoint = request.getfixturevalue(f"{server}_endpoint")
    body = b"<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n" \
        if exchange_.method == "PUT" else None
    reply = exchange("127.0.0.1", endpoint.port, exchange_.method, exchange_.target.format(sparql=endpoint.query_path),
                     list(exchange_.headers), body)
    status, media_type = getattr(exchange_, server)
    assert reply.status == status, reply.body[:300]
    if media_type is not None:
        assert reply.media_type == media_type
    if name == "FROM NAMED a graph it holds":
        assert [s["g"].value for s in ox.parse_query_results(reply.body, ox.QueryResultsFormat.JSON)] == [DATA1]
    if name == "graph store: a named graph":
        assert reply.body.decode().startswith(f"<{DATA1}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>")
