"""Pushing the graph to real triplestores and running every stored query there.

The servers run on 127.0.0.1 on free ports, started and stopped by these tests:
Oxigraph (`pip install oxigraph` brings the `oxigraph` binary) and Virtuoso 7
(Debian: `apt-get install virtuoso-opensource-7-bin`, which brings `virtuoso-t`).
Without a binary, its tests are skipped and the reason says what to install.

Differences that the Virtuoso comparison tolerates, and only those:
- Virtuoso returns the booleans of EXISTS and NOT EXISTS as xsd:integer 1 and 0;
- GROUP_CONCAT lists come in any order (so they are compared sorted, as everywhere).

network-profile with a given network was once an expected failure on Virtuoso 7.2.5 (its
OPTIONAL values were lost while the VALUES block stood before them); with the block at the
end of the group Virtuoso gives the local results, and the test checks that it does.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph
import pytest
from rdflib import XSD, BNode, Literal, URIRef
from rdflib.compare import to_canonical_graph

import citynet
from citynet.errors import CitynetError, QueryError
from citynet.querying.execute import _from_oxigraph, bind_parameters
from citynet.querying.stored_queries import catalogue
from citynet.scale.generate import generate
from citynet.scale.remote import RemoteError, parse_json_results, push, remote_query, with_values

QUERY_NAMES = [q.name for q in citynet.queries()]
GRAPH = "https://w3id.org/citynet/graph/test"


def example_params(name: str) -> dict[str, object]:
    return {p.name: p.example for p in catalogue().get(name).parameters if p.required}


# Parameter sets beyond the examples: defaults left out or changed, optional ones given.
VARIATIONS = [
    ("shared-networks", {"place": "Rostock", "min_shared": 2}),
    ("shared-networks", {"place": "Coventry"}),
    ("twin-cities", {}),
    ("network-profile", {"network": "UBC"}),
    ("memberships-in-year", {"year": 2016}),
    ("search", {"text": "wien"}),
    ("conference-editions", {"series": "Memory Cities international colloquium"}),
]


def normalised(result: citynet.QueryResult, like: citynet.QueryResult | None = None):
    """Rows sorted; GROUP_CONCAT lists sorted; blank nodes alike. Where ``like`` (the local
    result) has a boolean in a column, 1 and 0 of xsd:integer count as true and false."""
    if result.graph is not None:
        # Canonical forms: rdflib's isomorphism test can fail equal graphs with many alike blank nodes.
        return set(to_canonical_graph(result.graph))
    if result.form == "ASK":
        return result.boolean
    boolean_columns = set()
    if like is not None:
        for row in like.terms:
            for i, term in enumerate(row):
                if isinstance(term, Literal) and term.datatype == XSD.boolean:
                    boolean_columns.add(i)

    def cell(i: int, term) -> str:
        if term is None:
            return ""
        if isinstance(term, BNode):
            return "_:"
        if isinstance(term, Literal):
            if i in boolean_columns and term.datatype in (XSD.integer, XSD.boolean):
                return "true" if str(term) in ("1", "true") else "false"
            if "; " in str(term):
                return "; ".join(sorted(str(term).split("; ")))
        return term.n3()

    return sorted(tuple(cell(i, t) for i, t in enumerate(row)) for row in result.terms)


# ---------------------------------------------------------------- the VALUES rewrite, locally

@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[citynet.KnowledgeGraph, dict]:
    path = tmp_path_factory.mktemp("remote") / "generated.ttl"
    report = generate(8000, 3, path, progress=False)
    return citynet.KnowledgeGraph([path]), report.examples


def _values_equal_substitution(graph: citynet.KnowledgeGraph, name: str, params: dict) -> None:
    stored = catalogue().get(name)
    substituted = citynet.query(name, graph=graph, **params)
    rewritten = with_values(stored.text, bind_parameters(stored, params, graph))
    by_values = _from_oxigraph(graph.store.query(rewritten))
    assert len(substituted) > 0 or name == "shared-networks", f"{name} {params} finds nothing"
    assert normalised(by_values) == normalised(substituted), name


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_values_block_gives_what_substitution_gives(name, generated):
    """Each stored query, with a VALUES block instead of engine substitution, on the
    shipped graph and on a generated one: a parameter used only in FILTER or HAVING
    would differ (rdflib issue #1772), so every one is checked."""
    _values_equal_substitution(citynet.shipped_graph(), name, example_params(name))
    graph, examples = generated
    _values_equal_substitution(graph, name, examples.get(name, {}))


@pytest.mark.parametrize(("name", "params"), VARIATIONS)
def test_values_block_with_other_parameters(name, params):
    _values_equal_substitution(citynet.shipped_graph(), name, params)


def test_with_values_places_from_and_values_in_the_outer_group_and_subselects():
    text = """#+ summary: where { is this? "}" # not here
PREFIX ex: <http://example.org/where#>
CONSTRUCT { ?s ex:p "where {" } WHERE { ?s ex:q ?x . { SELECT ?s WHERE { ?s ex:r ?y } }
  { SELECT ?z { ?z ex:t "select ?x" } } }"""
    out = with_values(text, {"x": Literal(2, datatype=XSD.integer), "s": URIRef("http://e/s")},
                      from_graph="http://example.org/g")
    # The first sub-SELECT projects ?s, so it gets a block of its own; the second projects neither.
    assert out.endswith("""CONSTRUCT { ?s ex:p "where {" } FROM <http://example.org/g>
WHERE { ?s ex:q ?x . { SELECT ?s WHERE { ?s ex:r ?y   VALUES (?s) { (<http://e/s>) }\n} }
  { SELECT ?z { ?z ex:t "select ?x" } } """
                        """  VALUES (?x ?s) { ("2"^^<http://www.w3.org/2001/XMLSchema#integer> <http://e/s>) }\n}""")
    assert with_values("SELECT * { ?s ?p ?o } LIMIT 1", {}, from_graph="http://g/") == \
        "SELECT * FROM <http://g/>\n{ ?s ?p ?o } LIMIT 1"


@pytest.mark.parametrize("value", ['Rostock" } UNION { ?s ?p ?o } #', "x\\\") || true || (\\\"", "'; DROP ALL; #"])
def test_a_hostile_string_stays_a_literal(value):
    graph = citynet.shipped_graph()
    stored = catalogue().get("search")
    text = with_values(stored.text, bind_parameters(stored, {"text": value}, graph))
    assert _from_oxigraph(graph.store.query(text)).terms == []


def test_a_missing_graph_iri_or_bad_auth_is_refused():
    with pytest.raises(CitynetError, match="not an absolute IRI"):
        push(None, "http://127.0.0.1:9/store", "not an iri")
    with pytest.raises(CitynetError, match="unknown authentication"):
        push(None, "http://127.0.0.1:9/store", GRAPH, "u", "p", auth="kerberos")


def test_connection_refused_is_a_clear_error():
    port = _free_port()
    with pytest.raises(RemoteError, match=r"cannot connect to .*connection refused") as error:
        push(None, f"http://127.0.0.1:{port}/store", GRAPH)
    assert "running" in error.value.hint
    with pytest.raises(RemoteError, match="cannot connect"):
        remote_query("twin-cities", f"http://127.0.0.1:{port}/query")


def test_json_results_of_virtuoso_are_read():
    result = parse_json_results(b'{"head": {"vars": ["a", "b", "c", "d"]}, "results": {"bindings": [{'
                                b'"a": {"type": "uri", "value": "http://x"}, '
                                b'"b": {"type": "typed-literal", "datatype": "http://www.w3.org/2001/XMLSchema#gYear",'
                                b' "value": "2016"}, "c": {"type": "literal", "xml:lang": "de", "value": "Wien"}, '
                                b'"d": {"type": "bnode", "value": "nodeID://b1"}}]}}')
    assert result.rows()[0]["b"] == 2016 and result.rows()[0]["c"] == "Wien"
    assert result.terms[0][3] == BNode("b1")


# ---------------------------------------------------------------- real servers

@dataclass
class Server:
    name: str
    store: str        # Graph Store endpoint
    sparql: str       # query endpoint
    user: str | None = None
    password: str | None = None
    auth: str = "basic"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server stopped at start (exit {process.returncode}):\n{log.read_text()[-2000:]}")
        try:
            if httpx.get(url, timeout=2, trust_env=False).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    pytest.fail(f"the server did not answer within {seconds} s:\n{log.read_text()[-2000:]}")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _oxigraph_binary() -> str | None:
    beside = Path(sys.executable).with_name("oxigraph")
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory) -> Iterator[Server]:
    binary = _oxigraph_binary()
    if binary is None:
        pytest.skip("the Oxigraph server is not installed: pip install oxigraph (it brings the `oxigraph` binary)")
    folder = tmp_path_factory.mktemp("oxigraph")
    port = _free_port()
    log = folder / "server.log"
    with log.open("w") as stream:
        process = subprocess.Popen([binary, "serve", "--location", str(folder / "data"),
                                    "--bind", f"127.0.0.1:{port}"], stdout=stream, stderr=subprocess.STDOUT)
    try:
        _wait_for(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", process, log)
        yield Server("oxigraph", f"http://127.0.0.1:{port}/store", f"http://127.0.0.1:{port}/query")
    finally:
        _stop(process)


VIRTUOSO_INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 4
CheckpointInterval = 60
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
DirsAllowed = {d}
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}
MaxClientConnections = 4
ServerThreads = 4
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 300
"""


@pytest.fixture(scope="module")
def virtuoso_server(tmp_path_factory) -> Iterator[Server]:
    binary = shutil.which("virtuoso-t")
    if binary is None:
        pytest.skip("Virtuoso is not installed: apt-get install virtuoso-opensource-7-bin "
                    "(Debian; it brings `virtuoso-t`)")
    folder = tmp_path_factory.mktemp("virtuoso")
    http_port, sql_port = _free_port(), _free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(d=folder, sql_port=sql_port, http_port=http_port))
    log = folder / "stdout.log"
    with log.open("w") as stream:
        process = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)], cwd=folder,
                                   stdout=stream, stderr=subprocess.STDOUT)
    try:
        _wait_for(f"http://127.0.0.1:{http_port}/sparql?query=ASK%7B%7D", process, log)
        # A private instance on loopback, made for this test: the default dba password.
        password = os.environ.get("CITYNET_TEST_VIRTUOSO_PASSWORD", "dba")
        yield Server("virtuoso", f"http://127.0.0.1:{http_port}/sparql-graph-crud-auth",
                     f"http://127.0.0.1:{http_port}/sparql", "dba", password, "digest")
    finally:
        _stop(process)


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def server(request) -> Server:
    server = request.getfixturevalue(f"{request.param}_server")
    report = push(None, server.store, GRAPH, server.user, server.password, server.auth)
    assert report.status in (200, 201, 204)
    assert report.triples == len(citynet.shipped_graph())
    return server


@pytest.mark.slow
@pytest.mark.parametrize("name", QUERY_NAMES)
def test_every_stored_query_gives_the_local_results_remotely(server, name):
    params = example_params(name)
    local = citynet.query(name, **params)
    remote = remote_query(name, server.sparql, params, graph_iri=GRAPH)
    assert remote.form == local.form and len(remote) == len(local) > 0
    assert normalised(remote, like=local) == normalised(local, like=local)


@pytest.mark.slow
@pytest.mark.parametrize(("name", "params"), VARIATIONS)
def test_other_parameters_remotely(server, name, params):
    local = citynet.query(name, **params)
    remote = remote_query(name, server.sparql, params, graph_iri=GRAPH)
    assert normalised(remote, like=local) == normalised(local, like=local)


@pytest.mark.slow
def test_a_long_query_goes_as_a_form_post(server):
    params = example_params("members-of-network")
    local = citynet.query("members-of-network", **params)
    remote = remote_query("members-of-network", server.sparql, params, graph_iri=GRAPH, method="POST")
    assert normalised(remote, like=local) == normalised(local, like=local)


@pytest.mark.slow
def test_push_replaces_the_named_graph(server, tmp_path):
    small = tmp_path / "one.ttl"
    small.write_text('<https://w3id.org/citynet/id/city/x> a <https://w3id.org/citynet/def#City> ; '
                     '<http://www.w3.org/2000/01/rdf-schema#label> "X"@en .\n')
    other = "https://w3id.org/citynet/graph/replaced"
    graph = citynet.KnowledgeGraph([small])
    for _ in range(2):
        push(graph, server.store, other, server.user, server.password, server.auth, format="turtle")
    text = "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/citynet/graph/replaced> WHERE { ?s ?p ?o }"
    count = httpx.get(server.sparql, params={"query": text},
                      headers={"Accept": "application/sparql-results+json"}, trust_env=False)
    assert int(parse_json_results(count.content).terms[0][0]) == len(graph)


@pytest.mark.slow
def test_a_wrong_address_is_a_404(server):
    base = server.store.rsplit("/", 1)[0]
    with pytest.raises(RemoteError, match=r"404|501") as error:
        push(None, f"{base}/no-such-store", GRAPH, server.user, server.password, server.auth)
    if server.name == "oxigraph":  # Virtuoso answers a PUT to an unknown path with 501
        assert "404" in str(error.value) and "/store" in error.value.hint


@pytest.mark.slow
def test_wrong_credentials_are_a_401(virtuoso_server):
    with pytest.raises(RemoteError, match=r"refused the credentials .*401"):
        push(None, virtuoso_server.store, GRAPH, "dba", "not-the-password", "digest")
    with pytest.raises(RemoteError, match="401") as error:
        push(None, virtuoso_server.store, GRAPH, "dba", virtuoso_server.password, "basic")
    assert "--digest" in error.value.hint


def test_remote_query_checks_parameters_locally():
    with pytest.raises(QueryError, match="no place is named"):
        remote_query("networks-of-place", "http://127.0.0.1:9/query", place="Atlantis")


def test_push_counts_what_it_sends(oxigraph_server):
    report = push(None, oxigraph_server.store, GRAPH)
    served = pyoxigraph.parse(
        httpx.get(oxigraph_server.store, params={"graph": GRAPH}, headers={"Accept": "application/n-triples"},
                  trust_env=False).content, format=pyoxigraph.RdfFormat.N_TRIPLES)
    assert len(list(served)) == report.triples == len(citynet.shipped_graph())


@pytest.mark.parametrize("text", [
    # The sub-SELECT only counts ?city: its own ?city must stay free.
    "SELECT ?city ?network ?n WHERE { { SELECT ?network (COUNT(?city) AS ?n) WHERE { ?city ex:memberOf ?network }"
    " GROUP BY ?network } ?city ex:memberOf ?network . }",
    # The middle sub-SELECT does not project ?city, so the inner one is not the outer ?city.
    "SELECT ?city ?n WHERE { ?city ex:p ?y . { SELECT (COUNT(*) AS ?n) WHERE { { SELECT ?city WHERE"
    " { ?city ex:memberOf ?c } } } } }",
    # Braces in the projection are not the WHERE group.
    "SELECT ?city ?e WHERE { { SELECT ?city (EXISTS { ?city ex:p ?y } AS ?e) WHERE { ?city ?q ?o } } }",
    # SELECT * projects ?city: the LIMIT must pick the bound one.
    "SELECT ?city WHERE { { SELECT * WHERE { ?city ex:memberOf ?o } LIMIT 1 } }",
])
def test_values_blocks_in_subselects_mean_what_substitution_means(text):
    store = pyoxigraph.Store()
    ex = "http://example.org/"
    for city in "cab":
        store.add(pyoxigraph.Quad(pyoxigraph.NamedNode(ex + city), pyoxigraph.NamedNode(ex + "memberOf"),
                                  pyoxigraph.NamedNode(ex + "net")))
        store.add(pyoxigraph.Quad(pyoxigraph.NamedNode(ex + city), pyoxigraph.NamedNode(ex + "p"),
                                  pyoxigraph.NamedNode(ex + "y")))
    query = f"PREFIX ex: <{ex}>\n{text}"

    def rows(answer) -> list[tuple[str, ...]]:
        return sorted(tuple(str(term) for term in solution) for solution in answer)

    substituted = rows(store.query(query, substitutions={pyoxigraph.Variable("city"): pyoxigraph.NamedNode(ex + "a")}))
    assert rows(store.query(with_values(query, {"city": URIRef(ex + "a")}))) == substituted
