"""Security and robustness of a real server, one test per point: read-only, no outbound
access, the query time limit (with light queries still answered), the row cap and its
signal, the length and body caps, the nesting guard, concurrency, CSV formulas."""

from __future__ import annotations

import csv
import io
import re
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pyoxigraph
import pytest

import citynet
from citynet.errors import QueryError
from citynet.querying.sparql_lexer import uses_service
from citynet.server.guard import Refused
from citynet.server.settings import Settings
from tests.server_harness import Listener, server_fixtures

TIMEOUT = 2.0
MAX_ROWS = 500
WORKERS = 3
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
LIGHT = "SELECT ?s WHERE { ?s a <https://w3id.org/citynet/def#CityNetwork> }"


server, http = server_fixtures("--timeout", str(TIMEOUT), "--max-rows", str(MAX_ROWS), "--workers", str(WORKERS),
                               "--slow-query-after", "0.5", "--queue-timeout", "8")


@pytest.fixture
def listener():
    listening = Listener()
    yield listening
    listening.close()


def triples(http: httpx.Client) -> int:
    answer = http.get("/sparql", params={"query": COUNT})
    assert answer.status_code == 200
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


# ---------------------------------------------------------------- read-only


def updates(url: str) -> list[str]:
    return [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
        "CLEAR ALL", "DROP DEFAULT", "CREATE GRAPH <urn:g>", "ADD DEFAULT TO <urn:g>",
        f"LOAD <{url}/data.ttl>", f"LOAD SILENT <{url}/data.ttl> INTO GRAPH <urn:g>",
        "SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    ]


def test_updates_are_refused_and_the_store_is_unchanged(http, listener):
    before = triples(http)
    for update in updates(listener.url):
        as_query = http.get("/sparql", params={"query": update})
        assert as_query.status_code == 400, update
        as_form = http.post("/sparql", data={"query": update})
        assert as_form.status_code == 400, update
        assert http.post("/sparql", content=update, headers={"Content-Type": "application/sparql-query"}
                         ).status_code == 400
        assert http.post("/sparql", data={"update": update}).status_code == 403
        as_update = http.post("/sparql", content=update, headers={"Content-Type": "application/sparql-update"})
        assert as_update.status_code == 403 and "read-only" in as_update.text
    assert "updates are not allowed" in http.get("/sparql", params={"query": "CLEAR ALL"}).text
    assert triples(http) == before == len(citynet.shipped_graph())
    time.sleep(0.3)
    assert listener.received == []


# ---------------------------------------------------------------- no outbound access


def remote_queries(url: str) -> list[str]:
    return [
        f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} }}",
        f"select * where {{ ?x ?y ?z . service <{url}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ VALUES ?endpoint {{ <{url}/sparql> }} SERVICE ?endpoint {{ ?s ?p ?o }} }}",
        f"PREFIX ex: <{url}/> SELECT * WHERE {{ SERVICE ex:sparql {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p 1.SERVICE <{url}/sparql> {{ ?a ?b ?c }} }}",  # a number, then the keyword
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        f"ASK {{ OPTIONAL {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }} }}",
        f"SELECT * FROM <{url}/g> WHERE {{ ?s ?p ?o }}",  # noqa: S608 (hostile SPARQL, on purpose)
        f"SELECT * FROM NAMED <{url}/g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",  # noqa: S608
        f"CONSTRUCT {{ ?s ?p ?o }} FROM <{url}/g> WHERE {{ ?s ?p ?o }}",
        f"ASK FROM <{url}/g> {{ ?s ?p ?o }}",
        f"DESCRIBE <{url}/thing> FROM <{url}/g>",
    ]


def test_no_request_ever_leaves_the_server(http, listener):
    for query in remote_queries(listener.url):
        answer = http.get("/sparql", params={"query": query})
        assert answer.status_code == 400, query
        assert "SERVICE is not allowed" in answer.text or "is not a graph of this endpoint" in answer.text, query
        assert http.post("/sparql", data={"query": query}).status_code == 400
    for parameter in ("default-graph-uri", "named-graph-uri"):
        answer = http.get("/sparql", params={"query": COUNT, parameter: f"{listener.url}/g"})
        assert answer.status_code == 400 and "is not a graph of this endpoint" in answer.text
    time.sleep(0.5)
    assert listener.received == [], "the server contacted the listener"


def run_on_queries(url: str) -> list[str]:
    """Oxigraph reads a keyword with a name run on after it as the keyword and the name
    (``SERVICEa:x``, ``FROM:g``, ``NOTEXISTS``), and ends a comment at "\\r", where rdflib reads on."""
    return [
        f"PREFIX a: <{url}/> SELECT * {{ BIND(NOTEXISTS{{SERVICEa:x{{ ?s ?p ?o }}}} AS ?b) }}",
        f"PREFIX a: <{url}/> SELECT * {{ ?s ?p ?o FILTER(NOTEXISTS{{SERVICESILENTa:x{{ ?s ?p ?o }}}}) }}",
        f"PREFIX : <{url}/> SELECT ?o FROM:g WHERE {{ ?s ?p ?o }}",
        f"PREFIX a: <{url}/> SELECT ?o FROMa:g WHERE {{ ?s ?p ?o }}",
        f"SELECT * {{ #\rSERVICE <{url}/sparql> {{ ?s ?p ?o }}\n }}",
        f"SELECT * FROM <https://w3id.org/citynet/graph/networks> #\rFROM <{url}/g>\n {{ ?s ?p ?o }}",  # noqa: S608
        # Oxigraph reads \u escapes only in strings and IRIs: '\u0027' is one quote to it, a long
        # string's start to a reader that expands escapes first.
        f"SELECT * {{ BIND('\\u0027' AS ?a) SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} BIND('\\u0027' AS ?b) }}",
        f'SELECT * {{ BIND("\\u0022" AS ?a) SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} BIND("\\u0022" AS ?b) }}',
        # A name's escaped quote (ex:a\') is no string's start, and rdflib reads "\U000A" as a line end.
        f"PREFIX ex: <http://x/> SELECT * WHERE {{ # \\U000A BIND('''\nBIND(ex:a\\' AS ?k) "
        f"SERVICE SILENT <{url}/sparql> {{ ?x ?y ?z }} #'\n# ''' AS ?q)\n}}",
        f"PREFIX ex: <http://x/> SELECT * WHERE {{ BIND(ex:a\\' AS ?k) SERVICE <{url}/sparql> {{ }} #'\n}}",
    ]


def test_a_keyword_run_on_into_a_name_or_after_a_comment_reaches_no_host(http, listener):
    for query in run_on_queries(listener.url):
        for _ in range(3):  # by the third time, a quick answer would come from the server process
            answer = http.get("/sparql", params={"query": query})
            assert answer.status_code == 400, (query, answer.text)
    time.sleep(0.5)
    assert listener.received == [], "the server contacted the listener"


@pytest.mark.parametrize(("query", "escape"), [
    ("SELECT * { BIND('\\u0027' AS ?a) }", "\\u0027"),
    ('SELECT * { BIND("a\\u000Ab" AS ?a) }', "\\u000A"),
    ("SELECT * { ?s ?p ?o FILTER (?o = \\U0000003C) }", "\\U0000003C"),
    ("SELECT * { # \\U000A BIND('''\n ?s ?p ?o }", "\\U000A"),  # rdflib reads \U and four digits
    ("SELECT * { BIND('caf\\u00e9' AS ?a) }", None),
    ("SELECT * { ?s ?p ?o } # \\u0053ERVICE", None),
])
def test_an_escape_that_writes_syntax_is_refused(query, escape):
    """A quote, line end or bracket written as a \\u escape is refused by the first check and by
    the library; letters, digits and characters beyond ASCII are read."""
    from citynet.querying.sparql_lexer import escaped_syntax
    from citynet.server.guard import check_query_text

    assert escaped_syntax(query) == escape
    if escape is None:
        check_query_text(query, Settings())
        return
    with pytest.raises(Refused, match="syntax as " + re.escape(escape)):
        check_query_text(query, Settings())
    with pytest.raises(QueryError, match="syntax as " + re.escape(escape)):
        citynet.sparql(query)


def test_the_word_service_elsewhere_is_not_refused(http):
    for query in ['SELECT ?service WHERE { BIND ("SERVICE <http://x/> {}" AS ?service) }',
                  "PREFIX service: <urn:x:> SELECT * WHERE { ?s service:SERVICE ?o } # SERVICE <http://x/>",
                  "SELECT * WHERE { ?s <urn:SERVICE> ?o }"]:
        assert http.get("/sparql", params={"query": query}).status_code == 200, query


# ---------------------------------------------------------------- time limit


def _get(url: str, query: str, out: list, timeout: float = 30) -> None:
    out.append(httpx.get(url, params={"query": query}, timeout=timeout))


def test_a_heavy_query_is_stopped_while_light_ones_are_answered(server, http):
    before = server.health()["stats"]
    heavy: list = []
    thread = threading.Thread(target=_get, args=(server.sparql, HEAVY, heavy))
    thread.start()
    time.sleep(0.3)
    answered_meanwhile = 0
    while thread.is_alive() and answered_meanwhile < 200:
        assert http.get("/sparql", params={"query": LIGHT}).status_code == 200
        answered_meanwhile += thread.is_alive()
    thread.join(timeout=TIMEOUT + 10)
    answer, = heavy
    assert answer.status_code == 504
    assert f"limit of {TIMEOUT:g} s" in answer.text
    # Meanwhile, light queries went on being answered: they did not wait for the heavy one.
    assert answered_meanwhile >= 5
    # The worker was killed and replaced; the pool is whole again.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and len(server.health()["workers"]) < WORKERS:
        time.sleep(0.2)
    after = server.health()
    assert len(after["workers"]) == WORKERS
    assert after["stats"]["timeouts"] > before["timeouts"] and after["stats"]["replaced"] > before["replaced"]
    assert triples(http) == len(citynet.shipped_graph())


def test_many_heavy_queries_cannot_take_every_worker(server, http):
    heavy: list = []
    threads = [threading.Thread(target=_get, args=(server.sparql, HEAVY, heavy)) for _ in range(WORKERS + 1)]
    for thread in threads:
        thread.start()
    time.sleep(0.2)
    answered_meanwhile = 0
    while any(t.is_alive() for t in threads) and answered_meanwhile < 300:
        assert http.get("/sparql", params={"query": LIGHT}).status_code == 200
        answered_meanwhile += any(t.is_alive() for t in threads)
    for thread in threads:
        thread.join(timeout=30)
    statuses = sorted(answer.status_code for answer in heavy)
    assert set(statuses) <= {503, 504} and 503 in statuses
    busy = next(answer for answer in heavy if answer.status_code == 503)
    assert "busy" in busy.text and int(busy.headers["retry-after"]) >= 1
    assert answered_meanwhile >= 5  # light queries were answered while the heavy ones held their workers


# ---------------------------------------------------------------- row cap


def test_the_row_cap_is_applied_and_signalled(http):
    answer = http.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert answer.status_code == 200
    assert answer.headers["citynet-truncated"] == "true"
    assert answer.headers["citynet-row-limit"] == str(MAX_ROWS)
    document = answer.json()
    assert len(document["results"]["bindings"]) == MAX_ROWS
    assert document["truncated"] is True and document["rowLimit"] == MAX_ROWS and "LIMIT" in document["note"]
    read = pyoxigraph.parse_query_results(answer.content, pyoxigraph.QueryResultsFormat.JSON)
    assert len(list(read)) == MAX_ROWS  # a reader that takes no members after the bindings reads it too
    as_csv = http.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers={"Accept": "text/csv"})
    assert len(as_csv.text.splitlines()) == MAX_ROWS + 1 and as_csv.headers["citynet-truncated"] == "true"
    as_xml = http.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"},
                      headers={"Accept": "application/sparql-results+xml"})
    assert as_xml.text.count("<result>") == MAX_ROWS and "cut at this endpoint's limit" in as_xml.text
    graph = http.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": "text/turtle"})
    assert graph.headers["citynet-truncated"] == "true" and graph.text.startswith("# The answer was cut")


def test_answers_within_the_cap_are_not_marked(http):
    for limit in (10, MAX_ROWS):
        answer = http.get("/sparql", params={"query": f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {limit}"})
        assert "citynet-truncated" not in answer.headers
        assert "truncated" not in answer.json() and len(answer.json()["results"]["bindings"]) == limit


# ---------------------------------------------------------------- size caps


def test_long_queries_and_large_bodies_are_413(http):
    long_query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 25_000
    assert http.get("/sparql", params={"query": long_query}).status_code == 413
    direct = http.post("/sparql", content=long_query, headers={"Content-Type": "application/sparql-query"})
    assert direct.status_code == 413 and "20000" in direct.text
    big_form = http.post("/sparql", data={"query": COUNT, "padding": "x" * 200_000})
    assert big_form.status_code == 413 and "100000" in big_form.text

    def chunks():  # no Content-Length: the cap holds while reading
        for _ in range(50):
            yield b"#" * 10_000

    streamed = http.post("/sparql", content=chunks(), headers={"Content-Type": "application/sparql-query"})
    assert streamed.status_code == 413, streamed.text
    assert http.get("/sparql", params={"query": LIGHT}).status_code == 200


# ---------------------------------------------------------------- nesting


def test_deeply_nested_queries_are_400_not_a_crash(server, http):
    crashes = server.health()["stats"]["crashes"]
    nested = [
        "SELECT * WHERE " + "{ " * 1000 + "?s ?p ?o " + "} " * 1000,
        "SELECT * WHERE { ?s ?p ?o FILTER (" + "(" * 9000 + "1" + ")" * 9000 + ") }",
        "SELECT * WHERE { ?s ?p ?o FILTER (" + "\\u0028" * 2000 + "1" + ")" * 2000 + ") }",
        "SELECT * WHERE { ?s ?p " + "[ <urn:p> " * 500 + "1" + " ]" * 500 + " }",
    ]
    for query in nested:
        answer = http.post("/sparql", content=query, headers={"Content-Type": "application/sparql-query"})
        assert answer.status_code == 400, answer.text
        assert "nest" in answer.text and "Recursion" not in answer.text
    # Nesting within the limit is parsed (deeper than rdflib's parser manages by default).
    within = "SELECT * WHERE { ?s ?p ?o FILTER (" + "(" * 35 + "true" + ")" * 35 + ") } LIMIT 1"
    assert http.get("/sparql", params={"query": within}).status_code == 200
    assert server.health()["stats"]["crashes"] == crashes


# ---------------------------------------------------------------- concurrency


def test_concurrent_queries_are_all_answered_correctly(server):
    stored = len(citynet.query("members-of-network", network="ICNCM"))

    def ask(i: int) -> tuple[int, int, int]:
        with httpx.Client(base_url=server.base_url, timeout=30) as client:
            if i % 3 == 0:
                answer = client.get("/queries/members-of-network", params={"network": "ICNCM"})
                return answer.status_code, len(answer.json()["results"]["bindings"]), stored
            limit = 1 + i % 40
            answer = client.post("/sparql", data={"query": f"SELECT ?s WHERE {{ ?s ?p ?o }} LIMIT {limit}"})
            return answer.status_code, len(answer.json()["results"]["bindings"]), limit

    with ThreadPoolExecutor(16) as pool:
        outcomes = list(pool.map(ask, range(96)))
    assert all(status == 200 for status, _, _ in outcomes)
    assert all(got == expected for _, got, expected in outcomes)


# ---------------------------------------------------------------- CSV formulas

FORMULAS = r"""PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
  SELECT ?text ?number WHERE { VALUES (?text ?number) {
    ("=HYPERLINK(\"http://example.org\",\"click\")" "-0.5805"^^xsd:decimal)
    ("+SUM(A1:A9)" 1) ("@cmd" 2) ("-2+3" "-7"^^xsd:integer) ("\tcell" 3.5e-2) ("-0.5805" "+4"^^xsd:integer)
    ("plain" "-") } }"""
TEXTS = ["=HYPERLINK(\"http://example.org\",\"click\")", "+SUM(A1:A9)", "@cmd", "-2+3", "\tcell", "-0.5805", "plain"]


def test_sparql_csv_carries_every_value_unchanged(http):
    answer = http.get("/sparql", params={"query": FORMULAS}, headers={"Accept": "text/csv"})
    assert answer.status_code == 200
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0] == ["text", "number"]
    assert [r[0] for r in rows[1:]] == TEXTS  # SPARQL CSV is data for programs: no formula guard
    assert answer.content == citynet.sparql(FORMULAS).to_csv().encode()  # what the engine writes
    members = http.get("/queries/members-of-network", params={"network": "UBC", "format": "csv"})
    assert members.text == citynet.query("members-of-network", network="UBC").to_csv()


def test_the_query_pages_spreadsheet_download_defuses_formulas_but_not_numbers(http):
    answer = http.get("/query/spreadsheet.csv", params={"query": FORMULAS})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert [r[0] for r in rows[1:]] == ["'" + t if t != "-0.5805" and t != "plain" else t for t in TEXTS]
    numbers = [r[1] for r in rows[1:]]
    assert numbers[:4] == ["-0.5805", "1", "2", "-7"] and numbers[-1] == "'-"
    assert not any(n.startswith("'") for n in numbers[:-1])
    assert http.get("/query/spreadsheet.csv").status_code == 400
    script = http.get("/static/query.js").text  # the link; its words come from the page, in its language
    assert "/query/spreadsheet.csv?" in script and 'word("sheet")' in script
    assert '<span data-key="sheet">CSV for spreadsheets</span>' in http.get("/query").text


def test_hostile_headers_do_not_break_the_server(server, http):
    huge_accept = ", ".join(f"application/x-{i};q=0.{i % 10}" for i in range(500))
    assert http.get("/sparql", params={"query": LIGHT}, headers={"Accept": huge_accept}).status_code == 406
    host, port = server.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        raw.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                    b"Content-Length: abc\r\n\r\n" + LIGHT.encode())
        status_line = raw.recv(200).split(b"\r\n")[0]
    assert status_line.startswith(b"HTTP/1.1 4"), status_line
    assert http.get("/sparql", params={"query": LIGHT}, headers={"Accept": ";;;,,,/"}).status_code == 200


def test_the_rest_of_a_body_answered_early_is_not_taken_for_a_head(server):
    # A body past the cap is answered 413 before it is read; its remaining bytes, which the
    # server reads and drops, are no request head: the next request on the connection is answered.
    host, port = server.base_url.removeprefix("http://").split(":")
    body = b"#" * 300_000
    with socket.create_connection((host, int(port)), timeout=30) as raw:
        raw.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                    b"Content-Length: %d\r\n\r\n" % len(body) + body[:1000])
        received = raw.recv(4096)
        assert received.startswith(b"HTTP/1.1 413"), received[:100]
        raw.sendall(body[1000:])
        raw.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        # The 413's body may come in a later packet than its head: read on to the second answer.
        while received.count(b"HTTP/1.1 ") < 2:
            chunk = raw.recv(4096)
            assert chunk, "the server closed the connection"
            received += chunk
        second = received[received.index(b"HTTP/1.1 ", 1):]
        assert second.split(b"\r\n")[0] == b"HTTP/1.1 200 OK", second[:200]


@pytest.mark.parametrize(("query", "service"), [
    ("PREFIX : <http://127.0.0.1:9/> SELECT * { SERVICE:x { ?s ?p ?o } }", True),
    ("PREFIX a: <http://127.0.0.1:9/> SELECT * { SERVICEa:x{ ?s ?p ?o } }", True),
    ("SELECT * { SERVICESILENT ?x # a comment\n { ?s ?p ?o } }", True),
    ("PREFIX : <http://127.0.0.1:9/> SELECT * { ?s ?p ?o.SERVICE:x{} }", True),
    ("PREFIX a: <http://127.0.0.1:9/> SELECT * { BIND(NOT EXISTS { SERVICEa:x { } } AS ?b) }", True),
    ("SELECT * { #\rSERVICE <http://127.0.0.1:9/> { ?s ?p ?o }\n }", True),
    ("PREFIX service: <urn:x:> SELECT * WHERE { ?s service:SERVICE ?o }", False),
    ("PREFIX service: <urn:x:> SELECT * WHERE { GRAPH service:g { ?s ?p ?o } }", False),
    ("SELECT ?service WHERE { BIND ('SERVICE:x {' AS ?service) }", False),
    ("PREFIX service: <urn:x:> SELECT * FROM service:g { ?s ?p ?o }", False),
    ("PREFIX : <urn:x:> SELECT * { ?s a :ServicePoint .\n { ?s ?p ?o } }", False),
    ("PREFIX : <urn:x:> SELECT * { ?s a :Service }", False),
])
def test_service_is_found_as_oxigraph_reads_it(query, service):
    """Oxigraph reads SERVICE run on into the service's name (``SERVICEa:x {``) as the keyword,
    and ends a comment at "\\r": the first check, and the library's, read it so too."""
    from citynet.server.guard import check_query_text

    assert uses_service(query) is service
    if service:
        with pytest.raises(Refused, match="SERVICE is not allowed"):
            check_query_text(query, Settings())
        with pytest.raises(QueryError, match="SERVICE is not allowed"):
            citynet.sparql(query)
    else:
        check_query_text(query, Settings())


@pytest.mark.parametrize("query", ["SELECT * WHERE { ?s ?p 1.SERVICE <http://x/> { ?a ?b ?c } }",
                                   "SELECT * WHERE { ?s a.SERVICE <http://x/> { ?a ?b ?c } }"])
def test_the_first_check_finds_service_after_a_number_or_a_dot(query):
    # The workers' parser refuses these too: this is the check before any parser runs.
    from citynet.server.guard import scan

    assert scan(query, 64)[1] == "SERVICE"
