"""The SPARQL 1.1 Protocol at /sparql, the stored-query API, OpenAPI, CORS, the access
log and the query page, against a real server with real clients (SPARQLWrapper,
rdflib's SPARQLStore, httpx)."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, POST, POSTDIRECTLY, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

import citynet
from tests.server_harness import server_fixtures

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
CN = "https://w3id.org/citynet/def#"
NETWORKS = f"""PREFIX cn: <{CN}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?network ?name WHERE {{
  ?network a cn:CityNetwork ; rdfs:label ?name . FILTER (LANGMATCHES(LANG(?name), "en"))
}} ORDER BY ?name"""
CONSTRUCT = f"CONSTRUCT {{ ?n ?p ?o }} WHERE {{ ?n a <{CN}CityNetwork> ; ?p ?o }}"
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"


server, http = server_fixtures()


def network_names() -> list[str]:
    return sorted(str(row.name) for row in citynet.sparql(NETWORKS))


# ---------------------------------------------------------------- real SPARQL clients


def test_sparqlwrapper_select_by_get_post_and_direct_post(server):
    for method, request_method in ((None, None), (POST, None), (POST, POSTDIRECTLY)):
        client = SPARQLWrapper(server.sparql)
        client.setQuery(NETWORKS)
        client.setReturnFormat(JSON)
        if method:
            client.setMethod(method)
        if request_method:
            client.setRequestMethod(request_method)
        bindings = client.queryAndConvert()["results"]["bindings"]
        assert sorted(b["name"]["value"] for b in bindings) == network_names()
        assert {b["name"]["xml:lang"] for b in bindings} == {"en"}


def test_sparqlwrapper_ask_and_construct(server):
    client = SPARQLWrapper(server.sparql)
    client.setQuery(f"ASK {{ ?n a <{CN}CityNetwork> }}")
    client.setReturnFormat(JSON)
    assert client.queryAndConvert()["boolean"] is True
    client.setQuery(f"ASK {{ ?n a <{CN}NoSuchClass> }}")
    client.setReturnFormat(XML)
    assert client.queryAndConvert().getElementsByTagName("boolean")[0].firstChild.data == "false"
    for fmt in (XML, TURTLE):  # SPARQLWrapper asks for RDF/XML by default for CONSTRUCT
        client = SPARQLWrapper(server.sparql)
        client.setQuery(CONSTRUCT)
        client.setReturnFormat(fmt)
        result = client.queryAndConvert()
        graph = result if isinstance(result, Graph) else Graph().parse(data=result, format="turtle")
        assert len(graph) == len(citynet.sparql(CONSTRUCT).graph)


def test_sparqlwrapper_reports_a_malformed_query(server):
    client = SPARQLWrapper(server.sparql)
    client.setQuery("SELECT ?x WHERE { ?x ?y }")
    client.setReturnFormat(JSON)
    with pytest.raises(QueryBadFormed) as raised:
        client.queryAndConvert()
    assert "syntax" in str(raised.value).lower()


def test_rdflib_sparqlstore_queries_the_endpoint(server):
    store = SPARQLStore(server.sparql, returnFormat="json")
    graph = Graph(store=store)
    rows = list(graph.query(NETWORKS))
    assert sorted(str(r.name) for r in rows) == network_names()
    assert all(isinstance(r.network, URIRef) and isinstance(r.name, Literal) for r in rows)
    assert bool(graph.query(f"ASK {{ ?n a <{CN}CityNetwork> }}").askAnswer) is True
    store.close()
    # With its default returnFormat, SPARQLStore asks for RDF/XML and SPARQL XML results.
    default_store = SPARQLStore(server.sparql)
    constructed = Graph(store=default_store).query(CONSTRUCT).graph
    assert len(constructed) == len(citynet.sparql(CONSTRUCT).graph)
    assert len(list(Graph(store=default_store).query(NETWORKS))) == len(network_names())
    default_store.close()


# ---------------------------------------------------------------- formats and negotiation


def test_every_results_format_by_accept(http):
    expected = network_names()
    answer = http.get("/sparql", params={"query": NETWORKS}, headers={"Accept": "application/sparql-results+json"})
    assert answer.headers["content-type"].startswith("application/sparql-results+json")
    assert sorted(b["name"]["value"] for b in answer.json()["results"]["bindings"]) == expected

    answer = http.get("/sparql", params={"query": NETWORKS}, headers={"Accept": "application/sparql-results+xml"})
    assert answer.headers["content-type"].startswith("application/sparql-results+xml")
    root = ET.fromstring(answer.content)  # noqa: S314 (our own server's answer)
    names = [b.findtext(f"{RESULTS_NS}literal") for b in root.iter(f"{RESULTS_NS}binding") if b.get("name") == "name"]
    assert sorted(names) == expected

    answer = http.get("/sparql", params={"query": NETWORKS}, headers={"Accept": "text/csv"})
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert sorted(r["name"] for r in rows) == expected

    answer = http.get("/sparql", params={"query": NETWORKS}, headers={"Accept": "text/tab-separated-values"})
    lines = answer.text.splitlines()
    assert lines[0] == "?network\t?name"
    assert all(line.split("\t")[0].startswith("<https://w3id.org/citynet/id/network/") for line in lines[1:])
    assert '"Memory Cities"@en' in answer.text


@pytest.mark.parametrize(("accept", "expected"), [
    ("application/sparql-results+json;q=0.5, text/csv", "text/csv"),
    ("text/csv;q=0.1, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ("*/*", "application/sparql-results+json"),
    ("text/*", "text/csv"),
    ("text/csv;q=0, text/*", "text/tab-separated-values"),
    ("application/json", "application/sparql-results+json"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/sparql-results+json"),
    ("image/png, */*;q=0.1", "application/sparql-results+json"),
])
def test_q_values_choose_the_format(http, accept, expected):
    answer = http.get("/sparql", params={"query": NETWORKS}, headers={"Accept": accept})
    assert answer.status_code == 200
    assert answer.headers["content-type"].split(";")[0] == expected
    assert "Accept" in answer.headers["vary"]


@pytest.mark.parametrize(("accept", "parser"), [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"),
    ("application/rdf+xml", "xml"),
])
def test_construct_and_describe_in_each_rdf_format(http, accept, parser):
    expected = len(citynet.sparql(CONSTRUCT).graph)
    answer = http.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": accept})
    assert answer.status_code == 200
    assert answer.headers["content-type"].split(";")[0] == accept
    assert len(Graph().parse(data=answer.text, format=parser)) == expected
    described = http.post("/sparql", content="DESCRIBE <https://w3id.org/citynet/id/network/ubc>",
                           headers={"Content-Type": "application/sparql-query", "Accept": accept})
    assert described.status_code == 200
    graph = Graph().parse(data=described.text, format=parser)
    assert (URIRef("https://w3id.org/citynet/id/network/ubc"), None, None) in graph


def test_unsupported_accept_is_406_with_the_offers(http):
    answer = http.get("/sparql", params={"query": NETWORKS}, headers={"Accept": "image/png"})
    assert answer.status_code == 406
    assert "application/sparql-results+json" in answer.text
    construct_as_csv = http.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": "text/csv"})
    assert construct_as_csv.status_code == 406
    assert "text/turtle" in construct_as_csv.text
    unknown = http.get("/sparql", params={"query": NETWORKS, "format": "yaml"}, headers={"Accept": "image/png"})
    assert unknown.status_code == 406 and "'yaml'" in unknown.text


def test_format_parameter_overrides_accept(http):
    answer = http.get("/sparql", params={"query": NETWORKS, "format": "csv"}, headers={"Accept": "application/json"})
    assert answer.headers["content-type"].startswith("text/csv")
    answer = http.get("/sparql", params={"query": CONSTRUCT, "format": "json"})
    assert answer.headers["content-type"].startswith("application/ld+json")


@pytest.mark.parametrize(("query", "params", "expected"), [
    (NETWORKS, [("format", "json")], "application/sparql-results+json"),
    (NETWORKS, [("format", "xml")], "application/sparql-results+xml"),
    (NETWORKS, [("output", "csv")], "text/csv"),
    (NETWORKS, [("format", "tsv"), ("format", "text/tab-separated-values")], "text/tab-separated-values"),
    (NETWORKS, [("format", "application/sparql-results+xml")], "application/sparql-results+xml"),
    (NETWORKS, [("format", "json"), ("output", "json"), ("results", "json")], "application/sparql-results+json"),
    (NETWORKS, [("format", "yaml")], "application/sparql-results+json"),  # unknown: Accept (*/*) decides
    (NETWORKS, [("format", "yaml"), ("format", "csv")], "text/csv"),  # the first value that names a format
    (CONSTRUCT, [("format", "n3")], "text/turtle"),
    (CONSTRUCT, [("format", "turtle")], "text/turtle"),
    (CONSTRUCT, [("format", "rdf+xml"), ("format", "application/rdf+xml")], "application/rdf+xml"),
    (CONSTRUCT, [("format", "xml")], "application/rdf+xml"),
    (CONSTRUCT, [("format", "json-ld"), ("format", "application/ld+json,application/x-json+ld")],
     "application/ld+json"),
    (CONSTRUCT, [("format", "nt")], "application/n-triples"),
])
def test_format_parameters_take_what_clients_send(http, query, params, expected):
    answer = http.get("/sparql", params=[("query", query), *params])
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].split(";")[0] == expected


def test_an_unknown_format_falls_back_to_accept(http):
    answer = http.get("/sparql", params={"query": NETWORKS, "format": "n3"}, headers={"Accept": "text/csv"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    stored = http.get("/queries/members-of-network", params=[("network", "UBC"), ("format", "csv"),
                                                             ("format", "text/csv"), ("output", "csv")])
    assert stored.status_code == 200 and stored.headers["content-type"].startswith("text/csv")


def test_malformed_queries_are_400_with_a_readable_message(http):
    answer = http.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("text/plain")
    assert "syntax" in answer.text.lower() and "Traceback" not in answer.text
    assert http.get("/sparql", params={"query": "   "}).status_code == 400
    assert http.get("/sparql", params=[("query", NETWORKS), ("query", NETWORKS)]).status_code == 400
    wrong_type = http.post("/sparql", content=NETWORKS, headers={"Content-Type": "text/plain"})
    assert wrong_type.status_code == 415
    not_utf8 = http.post("/sparql", content=b"SELECT * WHERE { ?s ?p \xff }",
                         headers={"Content-Type": "application/sparql-query"})
    assert not_utf8.status_code == 400 and "UTF-8" in not_utf8.text


def test_local_graphs_by_protocol_parameters_and_from(http):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    whole = int(http.get("/sparql", params={"query": count}).json()["results"]["bindings"][0]["n"]["value"])
    assert whole == len(citynet.shipped_graph())
    networks = "https://w3id.org/citynet/graph/networks"
    by_parameter = http.get("/sparql", params={"query": count, "default-graph-uri": networks}).json()
    part = int(by_parameter["results"]["bindings"][0]["n"]["value"])
    assert 0 < part < whole
    from_query = f"SELECT (COUNT(*) AS ?n) FROM <{networks}> WHERE {{ ?s ?p ?o }}"  # noqa: S608 (SPARQL)
    by_from = http.get("/sparql", params={"query": from_query})
    assert int(by_from.json()["results"]["bindings"][0]["n"]["value"]) == part
    named = http.get("/sparql", params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"}).json()
    assert networks in {b["g"]["value"] for b in named["results"]["bindings"]}


def test_from_named_reads_a_local_graph(http):
    networks = "https://w3id.org/citynet/graph/networks"
    query = f"SELECT DISTINCT ?g FROM NAMED <{networks}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"  # noqa: S608
    answer = http.get("/sparql", params={"query": query})
    assert answer.status_code == 200, answer.text
    assert [b["g"]["value"] for b in answer.json()["results"]["bindings"]] == [networks]
    only_named = f"ASK FROM NAMED <{networks}> {{ ?s ?p ?o }}"  # the default graph is empty then
    assert http.get("/sparql", params={"query": only_named}).json()["boolean"] is False


@pytest.mark.parametrize(("clause", "keyword"), [("FROM NAMED", "FROM NAMED"), ("FROM", "FROM")])
def test_a_remote_graph_is_refused_naming_its_keyword(http, clause, keyword):
    query = f"SELECT * {clause} <http://example.org/elsewhere> WHERE {{ ?s ?p ?o }}"
    answer = http.get("/sparql", params={"query": query})
    assert answer.status_code == 400
    assert answer.text.startswith(f"{keyword} <http://example.org/elsewhere> is not a graph of this endpoint")


def test_relative_iris_resolve_against_the_endpoint(http, server):
    answer = http.get("/sparql", params={"query": "SELECT ?x WHERE { BIND(<thing> AS ?x) }"})
    assert answer.json()["results"]["bindings"][0]["x"]["value"] == server.base_url + "/thing"


def test_a_graph_without_files_cannot_be_served():
    import pyoxigraph

    from citynet.server import create_app

    with pytest.raises(citynet.InputError, match="loads its graph from files"):
        create_app(citynet.KnowledgeGraph.from_store(pyoxigraph.Store()))


# ---------------------------------------------------------------- graph store (read-only)


def test_graph_store_reads_the_default_graph_and_each_named_graph(http):
    default = http.get("/store?default", headers={"Accept": "application/n-triples"})
    assert default.status_code == 200 and default.headers["content-type"].startswith("application/n-triples")
    assert len(Graph().parse(data=default.text, format="nt")) == len(citynet.shipped_graph())
    networks = "https://w3id.org/citynet/graph/networks"
    one = http.get("/store", params={"graph": networks})
    assert one.headers["content-type"].startswith("text/turtle")
    count = f"SELECT (COUNT(*) AS ?n) FROM <{networks}> WHERE {{ ?s ?p ?o }}"  # noqa: S608
    expected = int(http.get("/sparql", params={"query": count}).json()["results"]["bindings"][0]["n"]["value"])
    assert len(Graph().parse(data=one.text, format="turtle")) == expected > 0
    as_json = http.get("/store", params={"graph": networks}, headers={"Accept": "application/json"})
    assert as_json.headers["content-type"].startswith("application/ld+json")
    dataset = http.get("/store")
    assert dataset.headers["content-type"].startswith("application/n-quads")
    assert f"<{networks}> .\n" in dataset.text


def test_graph_store_head_and_errors(http):
    networks = "https://w3id.org/citynet/graph/networks"
    head = http.head("/store", params={"graph": networks})
    assert head.status_code == 200 and head.content == b"" and head.headers["content-type"].startswith("text/turtle")
    missing = http.get("/store", params={"graph": "https://example.org/none"})
    assert missing.status_code == 404 and "no graph <https://example.org/none>" in missing.text
    assert http.get("/store", params=[("default", ""), ("graph", networks)]).status_code == 400
    for method in ("PUT", "POST", "DELETE", "PATCH"):
        refused = http.request(method, "/store", params={"graph": networks}, content=b"<a:b> <a:c> <a:d> .",
                               headers={"Content-Type": "application/n-triples"})
        assert refused.status_code == 405 and refused.headers["allow"] == "GET, HEAD", method
    assert len(Graph().parse(data=http.get("/store?default").text, format="turtle")) == len(citynet.shipped_graph())


# ---------------------------------------------------------------- service description


def test_service_description(http, server):
    answer = http.get("/sparql", headers={"Accept": "text/turtle"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/turtle")
    description = Graph().parse(data=answer.text, format="turtle")
    endpoint = URIRef(server.sparql)
    assert (endpoint, SD.endpoint, endpoint) in description
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in description
    assert len(list(description.objects(None, SD.namedGraph))) == len(citynet.shipped_graph().files)
    as_xml = http.get("/sparql", headers={"Accept": "application/rdf+xml"})
    assert len(Graph().parse(data=as_xml.text, format="xml")) == len(description)
    browser = http.get("/sparql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert browser.status_code == 303 and browser.headers["location"] == "/"


# ---------------------------------------------------------------- stored queries


def test_stored_query_list(http):
    listed = http.get("/queries").json()
    assert [q["name"] for q in listed] == citynet.querying.stored_queries.catalogue().names()
    shared = next(q for q in listed if q["name"] == "shared-networks")
    assert {p["name"]: p["type"] for p in shared["parameters"]} == {"place": "place", "min_shared": "integer"}
    assert shared["url"] == "/queries/shared-networks" and "SELECT" in shared["sparql"]


def test_stored_query_runs_like_citynet_query(http):
    answer = http.get("/queries/networks-of-place", params={"place": "Rostock"})
    assert answer.status_code == 200
    expected = json.loads(citynet.query("networks-of-place", place="Rostock").to_json())
    assert answer.json()["results"]["bindings"] == expected["results"]["bindings"]
    assert http.get("/queries/networks-of-place", params={"place": "Wien"}).json()["results"]["bindings"][0][
        "place"]["value"] == "https://w3id.org/citynet/id/city/vienna"
    as_csv = http.get("/queries/members-of-network", params={"network": "UBC", "format": "csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    as_turtle = http.get("/queries/network-subgraph", params={"network": "UBC"}, headers={"Accept": "text/turtle"})
    assert len(Graph().parse(data=as_turtle.text, format="turtle")) == len(
        citynet.query("network-subgraph", network="UBC").graph)


@pytest.mark.parametrize(("path", "params", "status", "words"), [
    ("/queries/shared-networks", {"place": "Dunkirk", "min_shared": "many"}, 400, "whole number"),
    ("/queries/networks-of-place", {}, 400, "needs parameter 'place'"),
    ("/queries/networks-of-place", {"place": "Rostok"}, 400, "did you mean"),
    ("/queries/networks-of-place", {"place": "Rostock", "colour": "red"}, 400, "no parameter 'colour'"),
    ("/queries/memberships-in-year", {"year": "20000"}, 400, "a year"),
    ("/queries/no-such-query", {}, 404, "no stored query"),
])
def test_stored_query_errors_say_what_is_wrong(http, path, params, status, words):
    answer = http.get(path, params=params)
    assert answer.status_code == status
    assert words in answer.text


def test_stored_query_values_are_bound_never_pasted(http):
    for value in ['") } UNION { ?s ?p ?o } #', "x' . ?s ?p ?o . #", "}} INSERT DATA { <a:b> <a:c> <a:d> }"]:
        answer = http.get("/queries/search", params={"text": value})
        assert answer.status_code == 200
        assert answer.json()["results"]["bindings"] == []


def test_openapi_is_generated_from_the_query_headers(http):
    document = http.get("/openapi.json").json()
    assert document["openapi"].startswith("3.")
    for stored in citynet.queries():
        operation = document["paths"][f"/queries/{stored.name}"]["get"]
        assert operation["summary"] == stored.summary
        declared = {p["name"]: p for p in operation["parameters"]}
        assert set(declared) == {p.name for p in stored.parameters} | {"format"}
    shared = {p["name"]: p for p in document["paths"]["/queries/shared-networks"]["get"]["parameters"]}
    assert shared["min_shared"]["schema"] == {"type": "integer", "default": 1}
    assert shared["min_shared"]["required"] is False and shared["place"]["required"] is True
    assert shared["place"]["example"] == "Coventry"
    year = {p["name"]: p for p in document["paths"]["/queries/memberships-in-year"]["get"]["parameters"]}["year"]
    assert year["schema"]["type"] == "integer" and year["schema"]["maximum"] == 9999
    assert "text/turtle" in document["paths"]["/queries/network-subgraph"]["get"]["responses"]["200"]["content"]
    assert "/sparql" in document["paths"]


# ---------------------------------------------------------------- CORS, headers, log, page


def test_cors_for_browser_clients(http):
    preflight = http.options("/sparql", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    simple = http.get("/sparql", params={"query": NETWORKS}, headers={"Origin": "https://example.org"})
    assert simple.headers["access-control-allow-origin"] == "*"
    assert "citynet-truncated" in simple.headers["access-control-expose-headers"].lower()
    assert simple.headers["x-content-type-options"] == "nosniff"


def test_access_log_has_one_clear_line_per_request(http, server):
    http.get("/sparql", params={"query": NETWORKS})
    http.get("/queries/networks-of-place", params={"place": "Rostock\nFAKE 200 line"})
    sparql_line = r'"GET /sparql\?query=\S+" 200 \d+B [\d.]+ms select:4'
    forged = "/queries/networks-of-place?place=Rostock%0AFAKE"
    lines = server.log_lines_once(sparql_line, re.escape(forged))
    assert any(re.search(sparql_line, line) for line in lines)
    # A value with a newline stays on its request's line, encoded: it cannot forge a line.
    assert any(forged in line for line in lines)
    assert not any(line.startswith("FAKE") for line in lines)


def test_query_page_loads_nothing_from_other_hosts(http):
    page = http.get("/query", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "<textarea" in page.text
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "http" not in policy
    # What the browser loads: scripts, stylesheets, the icon (inline, data:). Other links (the
    # canonical address, the navigation) are followed only when a person clicks them.
    loaded = re.findall(r'<script src="([^"]*)"', page.text)
    loaded += re.findall(r'<link rel="(?:stylesheet|icon)" href="([^"]*)"', page.text)
    loaded += re.findall(r'<img [^>]*src="([^"]*)"', page.text)
    assert len(loaded) >= 3
    assert all((ref.startswith("/") and not ref.startswith("//")) or ref.startswith("data:") for ref in loaded)
    script = http.get("/static/query.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert not re.search(r"fetch\(\s*[\"'`](?!/)", script.text), "every fetch goes to this server"
    assert "import(" not in script.text and "XMLHttpRequest" not in script.text
    style = http.get("/static/query.css")
    assert "url(" not in style.text and "@import" not in style.text
    assert http.get("/static/../app.py").status_code == 404
    home = http.get("/", headers={"Accept": "text/html"})
    assert home.status_code == 200
    if importlib.util.find_spec("citynet.publish.site") is None:
        assert home.text == page.text  # without the site, / is the query page
    else:
        assert 'href="/style.css"' in home.text  # the site's home page: the base IRI, dereferenced
