"""The inline lane (:mod:`citynet.server.inline`): a query a worker has answered quickly is
answered in the server process the next times, with the same bytes as the worker's answer, in
every format, cut at the row limit the same way; anything new still goes to a worker."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

import citynet
from citynet.errors import InputError
from citynet.server.settings import Settings
from tests.server_harness import RunningServer, running_server

CN = "https://w3id.org/citynet/def#"
ROSTOCK = "https://w3id.org/citynet/id/city/rostock"
GRAPH = "https://w3id.org/citynet/graph/networks"
TABLE_FORMATS = ("json", "xml", "csv", "tsv")
GRAPH_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
               "application/rdf+xml": "xml"}
#: Ad-hoc queries of every form, with a dataset of their own or not, relative IRIs, typed and
#: language-tagged literals; some have more rows than the server's limit of 5.
ADHOC = [
    f"SELECT ?p ?o WHERE {{ <{ROSTOCK}> ?p ?o }} ORDER BY ?p ?o",
    f"SELECT ?n (COUNT(*) AS ?c) WHERE {{ ?n a <{CN}CityNetwork> ; ?p ?o }} GROUP BY ?n ORDER BY ?n",
    f"ASK {{ <{ROSTOCK}> ?p ?o }}",
    f"ASK {{ <{ROSTOCK}> <{CN}noSuchProperty> ?o }}",
    f"CONSTRUCT {{ <{ROSTOCK}> ?p ?o }} WHERE {{ <{ROSTOCK}> ?p ?o }}",
    f"DESCRIBE <{ROSTOCK}>",
    "SELECT ?g (COUNT(*) AS ?c) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    f"SELECT ?s FROM <{GRAPH}> WHERE {{ ?s a <{CN}CityNetwork> }} ORDER BY ?s",  # noqa: S608
    "SELECT ?x WHERE { BIND (<relative> AS ?x) }",
    'SELECT ?x ?y WHERE { VALUES (?x ?y) { ("a"@de 1) ("b"^^<http://example.org/t> 2.50) (UNDEF true) } }',
]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[RunningServer]:
    with running_server(tmp_path_factory.mktemp("inline"), "--max-rows", "5") as running:
        yield running


@pytest.fixture(scope="module")
def http(server) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


def inline_lines(server: RunningServer) -> list[str]:
    return [line for line in server.log().splitlines() if re.search(r"ms .*\binline\b", line)]


def same_answer(first: httpx.Response, later: httpx.Response) -> bool:
    """The same bytes; for a graph with blank nodes, the same graph (each run names them anew)."""
    if first.content == later.content:
        return True
    parser = GRAPH_TYPES.get(first.headers["content-type"].split(";")[0])
    return parser is not None and isomorphic(Graph().parse(data=first.text, format=parser),
                                             Graph().parse(data=later.text, format=parser))


def asked_thrice(http: httpx.Client, path: str, **options) -> list[httpx.Response]:
    answers = [http.get(path, **options) for _ in range(3)]
    for answer in answers:
        assert answer.status_code == 200, answer.text
        assert answer.headers.get("citynet-truncated") == answers[0].headers.get("citynet-truncated")
    return answers


def requests() -> Iterator[tuple[str, dict]]:
    for stored in citynet.queries():
        params = {p.name: str(p.example) for p in stored.parameters if p.example is not None}
        if stored.form == "SELECT":
            for fmt in TABLE_FORMATS:
                yield f"/queries/{stored.name}", {"params": {**params, "format": fmt}}
        else:
            for media_type in GRAPH_TYPES:
                yield f"/queries/{stored.name}", {"params": params, "headers": {"Accept": media_type}}
    for text in ADHOC:
        form = text.split()[0]
        kinds = TABLE_FORMATS if form in ("SELECT", "ASK") else GRAPH_TYPES
        for kind in kinds:
            options = {"format": kind} if form in ("SELECT", "ASK") else {}
            headers = {"Accept": kind} if form not in ("SELECT", "ASK") else {}
            yield "/sparql", {"params": {"query": text, **options}, "headers": headers}
    yield "/sparql", {"params": {"query": "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 3",
                                 "default-graph-uri": GRAPH, "format": "json"}}


def test_answers_from_the_server_process_are_the_workers_answers(http, server):
    before = len(inline_lines(server))
    asked = 0
    for path, options in requests():
        first, *later = asked_thrice(http, path, **options)
        asked += 1
        for answer in later:
            assert same_answer(first, answer), (path, options)
    answered_inline = len(inline_lines(server)) - before
    # Most of these are quick (a few ms): their second and third asking came from the lane.
    assert answered_inline >= asked, f"{answered_inline} of {2 * asked} answers came from the inline lane"
    assert http.get("/health").json()["stats"]["inline"] >= answered_inline


def test_a_cut_answer_is_cut_the_same_way_in_the_lane(http, server):
    text = ADHOC[0]  # Rostock has more than 5 statements
    answers = asked_thrice(http, "/sparql", params={"query": text, "format": "json"})
    assert answers[0].headers["citynet-truncated"] == "true"
    assert answers[0].json()["truncated"] is True and len(answers[0].json()["results"]["bindings"]) == 5
    assert answers[2].content == answers[0].content


def test_new_parameters_go_to_a_worker_first(http, server):
    asked_thrice(http, "/queries/networks-of-place", params={"place": "Rostock"})
    http.get("/queries/networks-of-place", params={"place": "Riga"})
    lines = server.log_lines_once(r"place=Riga")
    riga = [line for line in lines if "place=Riga" in line]
    assert len(riga) == 1 and "inline" not in riga[0]
    rostock = [line for line in lines if "place=Rostock" in line]
    assert "inline" in rostock[-1]


def test_a_refused_query_is_never_answered_inline(http, server):
    for _ in range(3):
        assert http.get("/sparql", params={"query": "SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }"}
                        ).status_code == 400
        assert http.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p"}).status_code == 400
    assert not [line for line in inline_lines(server) if " 400 " in line]


def test_the_lane_can_be_turned_off(tmp_path):
    with running_server(tmp_path, "--inline-up-to", "0") as server, server.client() as client:
        for _ in range(3):
            assert client.get("/queries/networks-of-place", params={"place": "Rostock"}).status_code == 200
        server.log_lines_once(r"place=Rostock.*select")
        assert inline_lines(server) == [] and server.health()["stats"]["inline"] == 0


@pytest.mark.parametrize("value", [-0.1, float("nan"), float("inf"), True, "0.1"])
def test_the_setting_must_be_a_number_of_seconds(value):
    with pytest.raises(InputError, match="inline_up_to"):
        Settings(inline_up_to=value)
