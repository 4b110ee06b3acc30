"""The hostile catalogue (``../shared/reference/hostile-catalogue.md``), section 1 and the server
rows of sections 5 and 6, against a real ``citynet serve`` on 127.0.0.1 with its default limits:
injection, outbound access (a loopback listener that must hear nothing), traversal, caps,
headers, and redirects that never echo the client's Host (issue 15, cause 6).

Catalogue row → test (rows tested elsewhere are named with their test):

- 1 SERVICE in six spellings → test_service_in_every_spelling_is_refused_and_nothing_is_contacted
- 2 SERVICE ``file:`` / ``ftp:`` → test_service_to_files_gives_no_oracle
- 3 FROM / FROM NAMED ``file:``, ``default-graph-uri=file:`` → test_file_graphs_are_refused_and_never_read
- 3c FROM NAMED a local graph → tests/test_server_protocol.py::test_from_named_reads_a_local_graph and
  test_a_remote_graph_is_refused_naming_its_keyword
- 4 FROM the listener, ``\\u0068ttp``, ``named-graph-uri``, GRAPH without FROM → test_remote_graphs_are_never_fetched
  (plain FROM and the protocol parameters also in test_server_security.py::test_no_request_ever_leaves_the_server)
- 5 updates as ``query=``, ``update=`` (GET, form POST), ``sparql-update`` → test_updates_are_refused_in_every_form
  (and test_server_security.py::test_updates_are_refused_and_the_store_is_unchanged)
- 5 Graph-Store-style writes → test_writes_to_any_path_are_refused_and_change_nothing
- 18 nesting → test_nesting_at_the_limit_runs_and_beyond_it_is_400 (and
  test_server_security.py::test_deeply_nested_queries_are_400_not_a_crash)
- 18c 90 disjoint triple patterns: left to the worker-memory tests of the server's memory budget
- 17 a 26 000-character query → test_server_security.py::test_long_queries_and_large_bodies_are_413
- 19 a cross product → test_server_security.py::test_a_heavy_query_is_stopped_while_light_ones_are_answered
- 19 ReDoS, ``(p|!q)*`` → test_regular_expressions_and_paths_are_bounded
- 22 2.8 M rows → test_a_cross_product_is_cut_at_the_row_cap_and_says_so
  (the cap in detail: test_server_security.py::test_the_row_cap_is_applied_and_signalled)
- 23 Accept: unknown, HTML for SELECT, ``*/*;q=0``, JSON for CONSTRUCT, malformed → test_accept_headers
- 24 two ``query=``, POST ``text/plain``, no Content-Type, body and ``?query=`` → test_malformed_protocol_requests
- 30 ``CONSTRUCT WHERE … LIMIT 2`` → test_construct_where_works
- 10 ``/queries/search?text=`` payloads → test_search_payloads_are_bound_as_literals
- 10 ``place=`` / ``entity=`` IRI payloads → test_place_and_entity_payloads_are_400_naming_the_parameter
- wrong types → test_wrong_types_are_400
- 11 unknown, misspelled, repeated, missing parameters → test_parameter_mistakes_are_400_listing_the_parameters
- 10 000 unknown parameters, 9 000 form fields → test_many_parameters_and_form_fields_are_bounded
- 26 CSV formulas → test_server_security.py::test_sparql_csv_carries_every_value_unchanged and
  test_the_query_pages_spreadsheet_download_defuses_formulas_but_not_numbers (``/sparql`` CSV is
  now faithful, the spreadsheet download defuses), and test_a_stored_querys_csv_echoes_no_formula_unquoted
- path traversal → test_path_traversal_is_404
- reflected XSS → test_nothing_is_reflected_as_markup
- response splitting → test_no_header_can_be_injected
- 41 Host on a 303, the service description → test_a_hostile_host_header_is_never_used
- 42 Host on a trailing-slash URL → test_trailing_slash_urls_never_redirect_to_the_clients_host,
  test_the_app_never_redirects_by_trailing_slash
- 43 CORS → test_cors_allows_reading_only_without_credentials
  (and test_server_protocol.py::test_cors_for_browser_clients)
- 44 a long Accept, a 1 MB header, 20 000 headers → test_huge_headers_are_bounded
- 45 a 68 kB and a 1 MB URL → test_long_urls_are_bounded
- 46 a 100 MB body, with Content-Length and chunked; ``Content-Length: 12abc`` →
  test_huge_bodies_are_413_before_they_are_read
- 47 slowloris, 20 and section 4 (load): the tests of the server's connection handling and scheduling
- 21 the 16-way burst → test_server_security.py::test_concurrent_queries_are_all_answered_correctly
- access-log injection → test_the_access_log_escapes_what_could_forge_a_line
- default bind address, anything that writes → test_the_server_listens_on_loopback_by_default,
  test_writes_to_any_path_are_refused_and_change_nothing
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import subprocess
import sys
import time

import httpx
import pytest

from citynet.server.app import create_app
from citynet.server.settings import Settings
from tests.server_harness import Listener, server_fixtures

server, http = server_fixtures()

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
LIGHT = "SELECT ?s WHERE { ?s a <https://w3id.org/citynet/def#CityNetwork> }"


@pytest.fixture
def listener():
    listening = Listener()
    yield listening
    listening.close()


def quiet(listener: Listener) -> bool:
    time.sleep(0.5)
    return listener.received == []


def triples(http: httpx.Client) -> int:
    answer = http.get("/sparql", params={"query": COUNT})
    assert answer.status_code == 200
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def raw(server, request: bytes, read: int = 4096) -> bytes:
    """Send bytes as they are (no client library tidies them) and return the start of the answer."""
    host, port = server.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(request)
        answer = b""
        while len(answer) < read:
            try:
                chunk = connection.recv(read)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            answer += chunk
            if b"\r\n\r\n" in answer:
                break
        return answer


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


# ---------------------------------------------------------------- outbound access


def test_service_in_every_spelling_is_refused_and_nothing_is_contacted(http, listener):
    url = f"{listener.url}/s"
    for query in (f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
                  f"SELECT * WHERE {{ ?x ?y ?z OPTIONAL {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }} }}",
                  f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
                  f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ service <{url}> {{ ?s ?p ?o }} }} }} }}",
                  f"SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
                  f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ ?a ?b ?c }} }} }}"):
        answer = http.get("/sparql", params={"query": query})
        assert answer.status_code == 400 and "SERVICE is not allowed" in answer.text, query
    assert quiet(listener)


def test_service_to_files_gives_no_oracle(http):
    answers = [http.get("/sparql", params={"query": f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}"})
               for target in ("file:///etc/hostname", "file:///no/such/file", "ftp://127.0.0.1/x")]
    assert {a.status_code for a in answers} == {400}
    assert len({a.text for a in answers}) == 1  # the same words whether the file exists or not


def test_file_graphs_are_refused_and_never_read(http):
    for params in ({"query": "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"},
                   {"query": "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }"},
                   {"query": COUNT, "default-graph-uri": "file:///etc/passwd"},
                   {"query": COUNT, "named-graph-uri": "file:///etc/passwd"}):
        answer = http.get("/sparql", params=params)
        assert answer.status_code == 400 and "is not a graph of this endpoint" in answer.text, params
        assert "root:" not in answer.text


def test_remote_graphs_are_never_fetched(http, listener):
    url = listener.url
    for params in ({"query": f"SELECT * FROM <{url}/f.ttl> WHERE {{ ?s ?p ?o }}"},  # noqa: S608
                   {"query": f"SELECT * FROM <\\u0068ttp://127.0.0.1:{listener.port}/f.ttl> WHERE {{ ?s ?p ?o }}"},  # noqa: S608
                   {"query": COUNT, "named-graph-uri": f"{url}/g"}):
        assert http.get("/sparql", params=params).status_code == 400, params
    inside = http.get("/sparql", params={"query": f"SELECT * WHERE {{ GRAPH <{url}/g> {{ ?s ?p ?o }} }}"})
    assert inside.status_code == 200 and inside.json()["results"]["bindings"] == []
    assert quiet(listener)


# ---------------------------------------------------------------- writes


def test_updates_are_refused_in_every_form(http, listener):
    before = triples(http)
    for update in ("DROP ALL", f"LOAD <{listener.url}/x>", "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                   "DELETE WHERE { ?s ?p ?o }"):
        assert http.get("/sparql", params={"query": update}).status_code == 400, update
        assert http.get("/sparql", params={"update": update}).status_code == 403, update
        assert http.post("/sparql", data={"update": update}).status_code == 403, update
        assert http.post("/sparql", content=update, headers={"Content-Type": "application/sparql-update"}
                         ).status_code == 403
    assert triples(http) == before
    assert quiet(listener)


def test_writes_to_any_path_are_refused_and_change_nothing(http):
    before = triples(http)
    body = {"content": "<a:b> <a:c> <a:d> .", "headers": {"Content-Type": "text/turtle"}}
    for method, path in (("PUT", "/sparql"), ("DELETE", "/sparql"), ("PUT", "/sparql?graph=http://x/g"),
                         ("PUT", "/id/city/rostock"), ("POST", "/queries/search"), ("POST", "/store"),
                         ("PUT", "/store?graph=http://x/g"), ("DELETE", "/store?default"),
                         ("DELETE", "/data?graph=http://x/g"), ("PATCH", "/store")):
        answer = http.request(method, path, **body)
        assert answer.status_code in (404, 405), (method, path, answer.status_code)
    assert triples(http) == before


# ---------------------------------------------------------------- query shapes


def test_nesting_at_the_limit_runs_and_beyond_it_is_400(server, http):
    limit = Settings().max_nesting_depth
    crashes = server.health()["stats"]["crashes"]
    within = [
        "SELECT * WHERE " + "{" * limit + " ?s ?p ?o " + "}" * limit + " LIMIT 1",
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * (limit - 2) + "true" + ")" * (limit - 2) + ") } LIMIT 1",
        "SELECT * WHERE { ?s ?p " + "[ <urn:p> " * (limit - 1) + "1" + " ]" * (limit - 1) + " }",
        "SELECT * WHERE { ?s " + "(" * (limit - 1) + "<urn:p>" + ")" * (limit - 1) + " ?o }",
        "SELECT (" + "+".join(["1"] * 3000) + " AS ?n) WHERE {}",
    ]
    for query in within:
        assert http.post("/sparql", data={"query": query}).status_code == 200, query[:60]
    beyond = ["SELECT * WHERE " + "{" * (limit + 1) + " ?s ?p ?o " + "}" * (limit + 1),
              "SELECT (" + "-" * 3000 + "1 AS ?n) WHERE {}", "ASK { FILTER(" + "!" * 5000 + "true) }"]
    for query in beyond:
        answer = http.post("/sparql", data={"query": query})
        assert answer.status_code == 400 and "Recursion" not in answer.text, query[:60]
    assert server.health()["stats"]["crashes"] == crashes


def test_regular_expressions_and_paths_are_bounded(http):
    redos = 'SELECT * WHERE { BIND("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!" AS ?x) FILTER REGEX(?x, "^(a+)+$") }'
    assert http.get("/sparql", params={"query": redos}).json()["results"]["bindings"] == []
    path = "SELECT (COUNT(*) AS ?n) WHERE { ?s (<urn:p>|!<urn:q>)* ?o }"
    assert http.get("/sparql", params={"query": path}).status_code in (200, 504)


def test_a_cross_product_is_cut_at_the_row_cap_and_says_so(http):
    answer = http.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o . ?a ?b ?c }"})
    assert answer.status_code == 200 and answer.headers["citynet-truncated"] == "true"
    rows = Settings().max_rows
    assert answer.headers["citynet-row-limit"] == str(rows)
    assert len(answer.json()["results"]["bindings"]) == rows and answer.json()["truncated"] is True


def test_accept_headers(http):
    for accept, query in (("application/x-nonsense", "ASK {}"), ("text/html", LIGHT), ("*/*;q=0", LIGHT),
                          ("application/sparql-results+json", "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1")):
        answer = http.get("/sparql", params={"query": query}, headers={"Accept": accept})
        assert answer.status_code == 406 and "application/" in answer.text, accept
    tsv = http.get("/sparql", params={"query": LIGHT}, headers={"Accept": "text/tab-separated-values"})
    assert tsv.status_code == 200 and tsv.text.startswith("?s")
    assert "Accept" in tsv.headers["vary"] and "Origin" in tsv.headers["vary"]
    odd = http.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": ";;;,,,q=abc,*/*;q=x"})
    assert odd.status_code == 200 and odd.json()["boolean"] is True


def test_malformed_protocol_requests(http):
    assert http.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D").status_code == 400
    assert http.post("/sparql", content="ASK {}", headers={"Content-Type": "text/plain"}).status_code == 415
    assert http.post("/sparql", content=b"ASK {}", headers={"Content-Type": ""}).status_code == 415
    both = http.post("/sparql?query=ASK%7B%7D", content="ASK {}", headers={"Content-Type": "application/sparql-query"})
    assert both.status_code == 400


def test_construct_where_works(http):
    answer = http.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 2"},
                      headers={"Accept": "text/turtle"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/turtle")


# ---------------------------------------------------------------- stored-query API

SEARCH_PAYLOADS = ['"} ; DROP ALL #', 'Rostock" } UNION { ?s ?p ?o } #', "\\u0022) || true) #",
                   "x\\u0022 . ?s ?p ?o } #", ">", "<http://evil/> ?p ?o } #", "a\nb", "a\r\nX-Evil: 1", "a\x00b",
                   "*", ".*", "(a+)+$", "\\", "A" * 5000]


@pytest.mark.parametrize("text", SEARCH_PAYLOADS, ids=range(len(SEARCH_PAYLOADS)))
def test_search_payloads_are_bound_as_literals(http, text):
    answer = http.get("/queries/search", params={"text": text})
    assert answer.status_code == 200
    assert answer.json()["results"]["bindings"] == []
    assert "X-Evil" not in answer.headers


@pytest.mark.parametrize("path, name, value", [
    ("/queries/networks-of-place", "place", "https://w3id.org/citynet/id/city/rostock> . ?s ?p ?o } #"),
    ("/queries/networks-of-place", "place", "http://x/a b"),
    ("/queries/networks-of-place", "place", "javascript:alert(1)"),
    ("/queries/networks-of-place", "place", "file:///etc/passwd"),
    ("/queries/networks-of-place", "place", ""),
    ("/queries/sources-of-entity", "entity", "https://w3id.org/citynet/id/city/rostock> ?p ?o } #"),
    ("/queries/sources-of-entity", "entity", "file:///etc/passwd"),
])
def test_place_and_entity_payloads_are_400_naming_the_parameter(http, path, name, value):
    answer = http.get(path, params={name: value})
    assert answer.status_code == 400 and answer.headers["content-type"].startswith("text/plain")
    assert name in answer.text and "root:" not in answer.text


@pytest.mark.parametrize("params", [
    *({"place": "Rostock", "min_shared": value}
      for value in ("x", "1e3", "1.5", "NaN", "0x10", "99999999999999999999999", "1 ; DROP ALL")),
])
def test_wrong_types_are_400(http, params):
    answer = http.get("/queries/shared-networks", params=params)
    assert answer.status_code == 400 and "whole number" in answer.text


@pytest.mark.parametrize("year", ["20x", "2021-13", "-99999", "99999999"])
def test_wrong_years_are_400(http, year):
    answer = http.get("/queries/memberships-in-year", params={"year": year})
    assert answer.status_code == 400 and "year" in answer.text


@pytest.mark.parametrize("query_string", ["plc=Rostock", "place=Rostock&palce=x", "place=Rostock&place=Wien", ""])
def test_parameter_mistakes_are_400_listing_the_parameters(http, query_string):
    answer = http.get(f"/queries/networks-of-place?{query_string}")
    assert answer.status_code == 400 and "place" in answer.text


def test_many_parameters_and_form_fields_are_bounded(server, http):
    many = "&".join(f"p{i}=1" for i in range(10_000)).encode()  # a 68 kB URL: longer than httpx sends
    assert status_of(raw(server, b"GET /queries/search?text=a&" + many + b" HTTP/1.1\r\nHost: x\r\n\r\n")) == 400
    fields = "&".join(f"a{i}=1" for i in range(9_000))
    answer = http.post("/sparql", content=fields, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 400 and "too many fields" in answer.text
    assert http.get("/sparql", params={"query": LIGHT}).status_code == 200


def test_a_stored_querys_csv_echoes_no_formula_unquoted(http):
    answer = http.get("/queries/search", params={"text": "-", "format": "csv"})
    assert answer.status_code == 200
    assert all(not line.startswith(("=", "+", "@")) for line in answer.text.splitlines())


# ---------------------------------------------------------------- paths and headers

TRAVERSALS = ["/static/../cli.py", "/static/..%2f..%2fcli.py", "/static/%2e%2e%2f%2e%2e%2f__init__.py",
              "/id/city/..%2f..%2fetc%2fpasswd", "/doc/city/..%2F..%2Fetc%2Fpasswd", "/def/..%2f..%2fetc%2fpasswd",
              "/def.%2e%2e%2fpasswd", "/static/query.js%00.png", "/queries/..%2f..%2fetc%2fpasswd"]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_path_traversal_is_404(server, path):
    answer = raw(server, f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode(), read=65536)
    assert status_of(answer) == 404, answer[:200]
    assert b"root:" not in answer and b"import " not in answer


def test_a_raw_dot_dot_path_is_404(server):
    answer = raw(server, b"GET /../../../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 65536)
    assert status_of(answer) in (400, 404) and b"root:" not in answer


def test_nothing_is_reflected_as_markup(http):
    for path in ("/doc/city/%3Cscript%3Ealert(1)%3C%2Fscript%3E.html", "/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
                 "/queries/networks-of-place?place=%3Cscript%3Ealert(1)%3C/script%3E"):
        answer = http.get(path, headers={"Accept": "text/html"})
        assert answer.status_code >= 400
        assert answer.headers["content-type"].startswith("text/plain")
        assert answer.headers["x-content-type-options"] == "nosniff"
    page = http.get("/query", params={"query": "</textarea><script>alert(1)</script>"},
                    headers={"Accept": "text/html"})
    assert "<script>alert(1)" not in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]


def test_no_header_can_be_injected(http):
    for path in ("/sparql?query=ASK%7B%7D&format=json%0d%0aSet-Cookie:%20x=y",
                 "/queries/class-counts?format=csv%0d%0aSet-Cookie:%20x=y",
                 "/id/city/rostock%0d%0aSet-Cookie:%20x=y", "/def/City%0d%0aSet-Cookie:%20x=y"):
        answer = http.get(path)
        assert "set-cookie" not in answer.headers, path


def test_a_hostile_host_header_is_never_used(server):
    answer = raw(server, b"GET /id/city/rostock HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
    assert status_of(answer) == 303 and b"\r\nlocation: /doc/city/rostock\r\n" in answer.lower()
    described = raw(server, b"GET /sparql HTTP/1.1\r\nHost: a> <b\r\nAccept: text/turtle\r\nConnection: close\r\n\r\n",
                    read=1 << 20)
    assert status_of(described) == 200 and b"a> <b" not in described.split(b"\r\n\r\n", 1)[1]


@pytest.mark.parametrize("path", ["/id/city/rostock/", "/sparql/", "/queries/", "/queries/class-counts/",
                                  "/doc/city/rostock/", "/def/", "/health/", "/catalog/", "/static/query.js/",
                                  "/query/", "/id/city"])
def test_trailing_slash_urls_never_redirect_to_the_clients_host(server, path):
    answer = raw(server, f"GET {path} HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n".encode())
    assert b"evil.example" not in answer
    if 300 <= status_of(answer) < 400:
        location = next(line for line in answer.split(b"\r\n") if line.lower().startswith(b"location:"))
        assert location.split(b":", 1)[1].strip().startswith(b"/"), location


def test_the_app_never_redirects_by_trailing_slash(graph):
    """Starlette's own trailing-slash redirect (an absolute URL from the client's Host) is off,
    whatever routes there are: without the catch-all route, such a path is still a 404."""
    app = create_app(graph)
    app.router.routes = [route for route in app.router.routes if getattr(route, "path", "") != "/{path:path}"]
    scope = {"type": "http", "method": "GET", "path": "/id/city/rostock/", "raw_path": b"/id/city/rostock/",
             "query_string": b"", "headers": [(b"host", b"evil.example")], "scheme": "http",
             "server": ("127.0.0.1", 8000), "root_path": "", "http_version": "1.1"}
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(app.router(scope, receive, send))
    start = sent[0]
    assert start["status"] == 404, start
    assert not any(name == b"location" for name, _ in start["headers"])


def test_cors_allows_reading_only_without_credentials(http):
    preflight = http.options("/sparql", headers={"Origin": "http://evil.example",
                                                 "Access-Control-Request-Method": "POST"})
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert set(preflight.headers["access-control-allow-methods"].replace(" ", "").split(",")) == {"GET", "POST", "HEAD"}
    assert "access-control-allow-credentials" not in preflight.headers
    put = http.options("/sparql", headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "PUT"})
    assert put.status_code == 400
    simple = http.get("/sparql", params={"query": "ASK {}"},
                      headers={"Origin": "http://evil.example", "Cookie": "session=1"})
    assert simple.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in simple.headers


def test_huge_headers_are_bounded(server, http):
    long_accept = ",".join(f"a/b{i}" for i in range(4000)) + ",*/*;q=0.1"
    assert http.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "application/x-none," + long_accept}
                    ).status_code in (200, 406)
    only_unknown = ",".join(f"a/b{i}" for i in range(4001))
    assert http.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": only_unknown}).status_code == 406
    megabyte = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 1_000_000 + b"\r\n\r\n"
    assert status_of(raw(server, megabyte)) == 400
    many = b"GET /health HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(20_000)) + b"\r\n"
    assert status_of(raw(server, many)) == 400
    assert http.get("/sparql", params={"query": LIGHT}).status_code == 200


def test_long_urls_are_bounded(server, http):
    query = "SELECT%20*%20WHERE%20%7B%20?s%20?p%20?o%20%7D%20LIMIT%201%20%23" + "x" * 19_000
    # 60 kB: the longest query the server takes (max_query_length), percent-encoded, fits. Past
    # 64 kB uvicorn's httptools refuses the URL (400); the head limit bounds it in any case.
    long = f"GET /sparql?query={query}&junk={'y' * 41_000} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    assert status_of(raw(server, long)) == 200
    huge = b"GET /sparql?query=" + b"a" * 1_000_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    assert status_of(raw(server, huge)) == 400


def test_huge_bodies_are_413_before_they_are_read(server, http):
    declared = raw(server, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                           b"Content-Length: 100000000\r\n\r\n")
    assert status_of(declared) == 413  # answered before a byte of the body was sent
    host, port = server.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                           b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = b"%x\r\n" % 65536 + b"a" * 65536 + b"\r\n"
        answer = b""
        for _ in range(1600):  # up to 100 MB; the server answers long before
            try:
                connection.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            connection.settimeout(0.001)
            try:
                answer += connection.recv(4096)
            except (TimeoutError, BlockingIOError):
                pass
            finally:
                connection.settimeout(30)
            if b"\r\n" in answer:
                break
        if b"\r\n" not in answer:
            with contextlib.suppress(ConnectionResetError, TimeoutError):
                answer += connection.recv(4096)
    assert status_of(answer) == 413
    assert status_of(raw(server, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                                 b"Content-Length: 12abc\r\n\r\nASK {}")) == 400
    assert http.get("/sparql", params={"query": LIGHT}).status_code == 200


def test_the_access_log_escapes_what_could_forge_a_line(server, http):
    http.get("/id/city/rostock%0d%0aX-Evil:%201")
    http.get("/sparql?query=ASK%7B%7D%0d%0aX-Forged:%201")
    lines = server.log_lines_once(r"rostock\\x0d\\x0aX-Evil", r"X-Forged")
    assert any("/id/city/rostock\\x0d\\x0aX-Evil" in line for line in lines)
    assert not any(line.startswith(("X-Evil", "X-Forged")) for line in lines)


def test_the_server_listens_on_loopback_by_default():
    assert Settings().host == "127.0.0.1"
    shown = subprocess.run([sys.executable, "-m", "citynet", "serve", "--help"], capture_output=True, text=True,
                           timeout=120, check=True).stdout
    assert "default 127.0.0.1" in shown
