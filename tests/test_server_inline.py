"""The inline lane (:mod:`citynet.server.inline`): a query a worker has answered quickly is
answered in the server process the next times, with the same bytes as the worker's answer, in
every format, cut at the row limit the same way; anything new still goes to a worker."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

import citynet
from citynet.errors import InputError
from citynet.server import worker
from citynet.server.inline import InlineLane
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
    f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH}> WHERE {{ ?s ?p ?o }}",  # noqa: S608 (not the union's count)
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


def inline_count(http: httpx.Client) -> int:
    return http.get("/health").json()["stats"]["inline"]


@pytest.mark.parametrize(("text", "status"), [
    # Refused by the worker alone (the server process does not parse the text).
    ("SELECT * FROM <http://elsewhere.example/g> WHERE { ?s ?p ?o }", 400),
    ("SELECT * WHERE { ?s ?p", 400),
    # Quick now, but a random number or the clock may make the next run far slower.
    ("SELECT (COUNT(*) AS ?n) WHERE { { BIND (RAND() AS ?r) FILTER (?r < 2) } ?a ?b ?c }", 200),
    ("SELECT ?now WHERE { BIND (now() AS ?now) }", 200),
    ("SELECT (STRUUID() AS ?id) (BNODE() AS ?b) WHERE {}", 200),
    # More than the lane's limit of processor time (a cross product of the graph with itself).
    ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }", 200),
])
def test_what_is_refused_slow_or_varying_never_runs_in_the_lane(http, text, status):
    before = inline_count(http)
    for _ in range(3):
        assert http.get("/sparql", params={"query": text}).status_code == status
    assert inline_count(http) == before


def test_a_text_is_not_answered_as_another(http):
    text = f"SELECT ?p WHERE {{ <{ROSTOCK}> ?p ?o }} ORDER BY ?p LIMIT 2"
    asked_thrice(http, "/sparql", params={"query": text})
    before = inline_count(http)
    assert http.get("/sparql", params={"query": text + " "}).status_code == 200
    assert inline_count(http) == before


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


# ---------------------------------------------------------------- the lane alone


@pytest.fixture
def lane() -> InlineLane:
    store = ox.Store()
    for n in range(3):
        store.add(ox.Quad(ox.NamedNode(f"http://example.org/{n}"), ox.NamedNode("http://example.org/p"),
                          ox.Literal(n), ox.NamedNode("http://example.org/g")))
    lane = InlineLane(Settings())
    lane.held = worker.Held(store, True, frozenset({"http://example.org/g"}), worker.Counter(store))
    return lane


def job(text: str = "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s") -> dict:
    return {"kind": "query", "text": text, "trusted": False, "form": None, "bindings": {},
            "result_format": "json", "graph_format": None, "default_graphs": [], "named_graphs": [],
            "base_iri": None, "max_rows": 2}


def learned(lane: InlineLane, asked: dict, cpu: float = 0.0001) -> dict:
    """A worker's reply to ``asked``, as the lane learns from it."""
    reply = worker.handle(lane.held, {**asked, "lane": "light"})
    assert reply["ok"]
    lane.learn(asked, {**reply, "evaluation_cpu": cpu})
    return reply


def test_the_lane_answers_what_a_worker_answered_quickly(lane):
    assert lane.answer(job()) is None
    reply = learned(lane, job())
    answer = lane.answer(job())
    assert answer is not None and answer["inline"]
    assert (answer["body"], answer["truncated"], answer["count"]) == (reply["body"], True, 2)
    assert lane.answer(job(job()["text"] + " ")) is None  # another text
    assert lane.answer({**job(), "result_format": "xml"}) is None  # another format


def test_the_lane_learns_nothing_slow_varying_or_refused(lane):
    learned(lane, job(), cpu=lane.limit * 2)
    assert lane.answer(job()) is None
    for text in ("SELECT (RAND() AS ?r) WHERE {}", "SELECT ?s WHERE { ?s ?p ?o FILTER (NOW() > ?o) }"):
        learned(lane, job(text))
        assert lane.answer(job(text)) is None
    lane.learn(job(), {"ok": False, "status": 400, "form": "SELECT", "evaluation_cpu": 0})
    assert lane.answer(job()) is None


def test_a_slow_or_failed_run_sends_the_job_back_to_the_workers(lane, monkeypatch):
    learned(lane, job())
    monkeypatch.setattr(lane, "limit", 0.0)  # any run is now "slow": answered, then forgotten
    assert lane.answer(job()) is not None
    assert lane.answer(job()) is None
    monkeypatch.undo()
    learned(lane, job())

    def broken(held, asked):
        raise RuntimeError("a bug")

    monkeypatch.setattr(worker, "handle", broken)
    assert lane.answer(job()) is None  # a worker answers it, and reports the bug as it does
    monkeypatch.undo()
    assert lane.answer(job()) is None  # forgotten


def test_an_answer_that_fitted_is_written_whole_and_a_cut_one_is_cut_again(lane, monkeypatch):
    fitted = {**job(), "max_rows": 3}
    learned(lane, fitted)
    learned(lane, job())  # 3 rows, cut at 2
    writes = []
    monkeypatch.setattr(worker.serializers, "whole", lambda answer, fmt: writes.append(fmt) or b"whole")
    assert lane.answer(fitted)["body"] == b"whole"
    assert lane.answer(job())["body"] != b"whole" and writes == ["json"]
    monkeypatch.undo()
    for fmt in TABLE_FORMATS:
        asked = {**fitted, "result_format": fmt}
        reply = learned(lane, asked)
        answer = lane.answer(asked)
        assert (answer["body"], answer["truncated"], answer["count"]) == (reply["body"], False, 3)
