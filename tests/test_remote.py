"""Running every stored query on real triplestores, and the VALUES rewrite that binds its parameters.

The servers run on 127.0.0.1 on free ports (``tests/triplestores.py``): the Oxigraph server and
Virtuoso 7 with Debian's stock settings. Without a binary, their tests are skipped and the reason
says what to install. Results are compared through the queries' declared column types: the same
terms, types included, on every store, with no difference tolerated.
"""

from __future__ import annotations

from collections.abc import Iterator

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
from tests.conftest import drop_graph
from tests.triplestores import Triplestore, free_port

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


def typed_rows(result: citynet.QueryResult):
    """What must be equal on every store: the rows in the declared column types, in any order
    (blank nodes alike); a graph by its canonical form."""
    if result.graph is not None:
        # Canonical forms: rdflib's isomorphism test can fail equal graphs with many alike blank nodes.
        return set(to_canonical_graph(result.graph))
    if result.form == "ASK":
        return result.boolean
    return sorted(tuple("_:" if isinstance(t, BNode) else "" if t is None else t.n3() for t in row)
                  for row in result.coerced().terms)


def normalised(result: citynet.QueryResult):
    """The rows in any order, GROUP_CONCAT lists sorted: for comparing two engines' raw answers."""
    if result.graph is not None:
        return set(to_canonical_graph(result.graph))
    if result.form == "ASK":
        return result.boolean

    def cell(term) -> str:
        if term is None:
            return ""
        if isinstance(term, BNode):
            return "_:"
        if isinstance(term, Literal) and "; " in str(term):
            return "; ".join(sorted(str(term).split("; ")))
        return term.n3()

    return sorted(tuple(map(cell, row)) for row in result.terms)


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
    with pytest.raises(CitynetError, match="query and update services") as error:
        push(None, "http://127.0.0.1:9/rdf-graph-store", GRAPH)
    assert "--update-endpoint" in error.value.hint


def test_connection_refused_is_a_clear_error():
    port = free_port()
    with pytest.raises(RemoteError, match=r"cannot connect to .*connection refused") as error:
        push(None, f"http://127.0.0.1:{port}/store", GRAPH, retries=0)
    assert "running" in error.value.hint
    with pytest.raises(RemoteError, match="cannot connect"):
        remote_query("twin-cities", f"http://127.0.0.1:{port}/query", retries=0)


def test_json_results_of_virtuoso_are_read():
    result = parse_json_results(b'{"head": {"vars": ["a", "b", "c", "d"]}, "results": {"bindings": [{'
                                b'"a": {"type": "uri", "value": "http://x"}, '
                                b'"b": {"type": "typed-literal", "datatype": "http://www.w3.org/2001/XMLSchema#gYear",'
                                b' "value": "2016"}, "c": {"type": "literal", "xml:lang": "de", "value": "Wien"}, '
                                b'"d": {"type": "bnode", "value": "nodeID://b1"}}]}}')
    assert result.rows()[0]["b"] == 2016 and result.rows()[0]["c"] == "Wien"
    assert result.terms[0][3] == BNode("b1")


def test_json_results_with_members_of_a_stores_own_are_read():
    """Members beside head and results, before or after them (Oxigraph's reader alone refuses
    those after the bindings), are left out; the rows and a boolean stay."""
    rows = b'"head": {"vars": ["a"]}, "results": {"bindings": [{"a": {"type": "literal", "value": "x"}}], "n": 1}'
    for document in (b'{' + rows + b', "truncated": true}', b'{"truncated": true, ' + rows + b'}'):
        assert parse_json_results(document).rows() == [{"a": "x"}]
    assert parse_json_results(b'{"head": {}, "boolean": true, "note": "x"}').boolean is True
    with pytest.raises(RemoteError, match="not JSON"):
        parse_json_results(b"<html>busy</html>")


def test_remote_query_checks_parameters_before_sending():
    with pytest.raises(QueryError, match="no place is named"):
        remote_query("networks-of-place", "http://127.0.0.1:9/query", graph=citynet.shipped_graph(),
                     place="Atlantis")
    with pytest.raises(QueryError, match="expects a year"):
        remote_query("memberships-in-year", "http://127.0.0.1:9/query", year="last year")


# ---------------------------------------------------------------- real servers

@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def server(request) -> Iterator[Triplestore]:
    server = request.getfixturevalue(f"{request.param}_store")
    report = push(None, server.store, GRAPH, **server.credentials)
    assert report.stored == report.triples == len(citynet.shipped_graph())
    yield server
    for graph in (GRAPH, "https://w3id.org/citynet/graph/replaced"):
        drop_graph(server, graph)


@pytest.mark.slow
@pytest.mark.parametrize("name", QUERY_NAMES)
def test_every_stored_query_gives_the_local_rows_remotely(server, name):
    """Names resolved in the store, rows in their declared types: equal to the local ones."""
    params = example_params(name)
    local = citynet.query(name, **params)
    remote = remote_query(name, server.sparql, graph_iri=GRAPH, **server.credentials, **params)
    assert remote.form == local.form and len(remote) == len(local) > 0
    assert typed_rows(remote) == typed_rows(local)


@pytest.mark.slow
@pytest.mark.parametrize(("name", "params"), VARIATIONS)
def test_other_parameters_remotely(server, name, params):
    local = citynet.query(name, **params)
    remote = remote_query(name, server.sparql, graph_iri=GRAPH, **server.credentials, **params)
    assert typed_rows(remote) == typed_rows(local)


@pytest.mark.slow
def test_a_long_query_goes_as_a_form_post(server):
    params = example_params("members-of-network")
    local = citynet.query("members-of-network", **params)
    remote = remote_query("members-of-network", server.sparql, graph_iri=GRAPH, method="POST", **server.credentials,
                          **params)
    assert typed_rows(remote) == typed_rows(local)


@pytest.mark.slow
@pytest.mark.parametrize(("text", "iri"), [
    ("krakow", "https://w3id.org/citynet/id/city/krakow"),
    ("NIS", "https://w3id.org/citynet/id/city/nis"),
    ("Masovian-Voivodeship", "https://w3id.org/citynet/id/region/masovian-voivodeship"),
    ("Rostock", "https://w3id.org/citynet/id/city/rostock"),
])
def test_names_are_looked_up_in_the_store_as_locally(server, text, iri):
    assert citynet.shipped_graph().names.resolve(text, "place", ()) == iri
    result = remote_query("networks-of-place", server.sparql, graph_iri=GRAPH, **server.credentials, place=text)
    assert {row.place for row in result} == {URIRef(iri)}


@pytest.mark.slow
def test_an_unknown_name_in_the_store_says_what_to_do(server):
    with pytest.raises(QueryError, match="no place is named 'Atlantis'") as error:
        remote_query("networks-of-place", server.sparql, graph_iri=GRAPH, **server.credentials, place="Atlantis")
    assert f"--endpoint {server.sparql}" in error.value.hint
    with pytest.raises(QueryError, match="no network is named 'Rostock'"):
        remote_query("members-of-network", server.sparql, graph_iri=GRAPH, **server.credentials, network="Rostock")


@pytest.mark.slow
def test_push_replaces_the_named_graph(server, tmp_path):
    small = tmp_path / "one.ttl"
    small.write_text('<https://w3id.org/citynet/id/city/x> a <https://w3id.org/citynet/def#City> ; '
                     '<http://www.w3.org/2000/01/rdf-schema#label> "X"@en .\n')
    other = "https://w3id.org/citynet/graph/replaced"
    graph = citynet.KnowledgeGraph([small])
    first = push(citynet.shipped_graph(), server.store, other, **server.credentials)
    second = push(graph, server.store, other, **server.credentials)
    assert second.previous == first.stored == len(citynet.shipped_graph())
    assert second.stored == len(graph)
    text = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/citynet/graph/replaced> { ?s ?p ?o } }"
    auth = httpx.DigestAuth(server.user, server.password) if server.user else None
    count = httpx.get(server.sparql, params={"query": text}, auth=auth,
                      headers={"Accept": "application/sparql-results+json"}, trust_env=False)
    assert int(parse_json_results(count.content).terms[0][0]) == len(graph)


@pytest.mark.slow
def test_a_wrong_address_is_a_404(server):
    base = server.store.rsplit("/", 1)[0]
    with pytest.raises(RemoteError, match=r"404|501") as error:
        push(None, f"{base}/no-such-store", GRAPH, **server.credentials,
             query_endpoint=server.sparql, update_endpoint=server.update or server.sparql)
    if server.name == "oxigraph":  # Virtuoso answers a POST to an unknown path with 501
        assert "404" in str(error.value) and "/store" in error.value.hint


@pytest.mark.slow
def test_wrong_credentials_are_a_401(virtuoso_store):
    with pytest.raises(RemoteError, match=r"refused the credentials .*401"):
        push(None, virtuoso_store.store, GRAPH, "dba", "not-the-password", "digest")
    with pytest.raises(RemoteError, match="401") as error:
        push(None, virtuoso_store.store, GRAPH, "dba", virtuoso_store.password, "basic")
    assert "--digest" in error.value.hint


@pytest.mark.slow
def test_push_counts_what_it_sends(oxigraph_store):
    report = push(None, oxigraph_store.store, GRAPH)
    served = pyoxigraph.parse(
        httpx.get(oxigraph_store.store, params={"graph": GRAPH}, headers={"Accept": "application/n-triples"},
                  trust_env=False).content, format=pyoxigraph.RdfFormat.N_TRIPLES)
    assert len(list(served)) == report.triples == report.stored == len(citynet.shipped_graph())


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


@pytest.mark.parametrize(("message", "setting"), [
    # Virtuoso's own words, as stock Virtuoso 7.2 answered them (memberships, with 2M triples in
    # other graphs; member-locations past ResultSetMaxRows; a MOVE of 1M triples over 1M).
    ("Virtuoso 42000 Error The estimated execution time 2233 (sec) exceeds the limit of 400 (sec).",
     "MaxQueryCostEstimationTime"),
    ("Virtuoso 22023 Error SR353: Sorted TOP clause specifies more then 20000 rows to sort. Only 10000 are "
     "allowed.", "MaxSortedTopRows"),
    ("Virtuoso 40005 Error SR325: Transaction aborted because it's log after image size went above the limit",
     "TransactionAfterImageLimit"),
])
def test_known_store_limits_are_named_and_not_retried(message, setting):
    from citynet.scale.remote.hints import hint_for, is_lasting

    assert setting in hint_for(message) and is_lasting(message)


def test_a_deadlock_is_worth_another_load():
    from citynet.scale.remote.hints import hint_for, is_lasting

    message = "Error 40001 SR172: Transaction deadlocked"
    assert "deadlock" in hint_for(message) and not is_lasting(message)
