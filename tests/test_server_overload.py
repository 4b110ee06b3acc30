"""The server under slow, flooding and heavy clients: connections that never finish their
request, more heavy queries than workers, and the memory budget. Every test asserts what
happens (statuses, counters, closed connections), never how fast; each server runs on
127.0.0.1 and is started and stopped here."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import Literal, URIRef, Variable

from citynet.errors import InputError
from citynet.server.costs import CostBook
from citynet.server.plan_cost import estimate_rows
from citynet.server.pool import HeavySlots
from citynet.server.settings import Settings
from tests.server_harness import RunningServer, start_server

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
STORED = "/queries/networks-of-place"
WORKERS = 3


def _port(server: RunningServer) -> int:
    return int(server.base_url.rsplit(":", 1)[1])


def _half_open(server: RunningServer, count: int) -> list[socket.socket]:
    """``count`` connections that each send half a request's head, and then nothing."""
    sockets = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", _port(server)), timeout=15)
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        sockets.append(sock)
    return sockets


def _read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (the socket's timeout bounds the wait)."""
    received = b""
    with contextlib.suppress(ConnectionResetError):
        while chunk := sock.recv(4096):
            received += chunk
    return received


# ---------------------------------------------------------------- slow and flooding clients


@pytest.fixture(scope="module")
def guarded(tmp_path_factory) -> Iterator[RunningServer]:
    running = start_server(tmp_path_factory.mktemp("guarded"), "--header-timeout", "2", "--body-timeout", "2",
                           "--max-connections-per-client", "100")
    yield running
    running.stop()


def test_a_new_clients_stored_query_is_answered_while_250_half_open_connections_are_held(guarded):
    before = guarded.health()["connections"]
    attack = _half_open(guarded, 250)
    try:
        answer = httpx.get(guarded.base_url + STORED, params={"place": "Rostock"}, timeout=30)
        assert answer.status_code == 200
        assert "Union of the Baltic Cities" in answer.text
        # The flood cost its sender: beyond 100 from one address, its own oldest connections were closed.
        after = guarded.health()["connections"]
        assert after["evicted"] - before["evicted"] >= 150
        assert after["refused"] == before["refused"]
    finally:
        for sock in attack:
            sock.close()


def test_a_request_head_not_sent_in_time_is_answered_408_and_closed(guarded):
    sock, = _half_open(guarded, 1)
    with sock:
        received = _read_until_closed(sock)
    assert received.startswith(b"HTTP/1.1 408 ")
    assert guarded.health()["connections"]["header_timeouts"] >= 1


def test_a_body_not_sent_in_time_closes_the_connection_and_the_server_goes_on(guarded):
    with socket.create_connection(("127.0.0.1", _port(guarded)), timeout=15) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: 5000\r\n\r\nSELECT")
        _read_until_closed(sock)  # returns once the server has closed it
    assert guarded.health()["connections"]["body_timeouts"] >= 1
    assert httpx.get(guarded.base_url + STORED, params={"place": "Rostock"}, timeout=30).status_code == 200


def test_an_idle_connection_that_sends_nothing_is_closed(guarded):
    with socket.create_connection(("127.0.0.1", _port(guarded)), timeout=15) as sock:
        assert _read_until_closed(sock).startswith(b"HTTP/1.1 408 ")


# ---------------------------------------------------------------- heavy clients


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> Iterator[RunningServer]:
    running = start_server(tmp_path_factory.mktemp("loaded"), "--workers", str(WORKERS), "--timeout", "4")
    yield running
    running.stop()


def _niceness_of_threads(pids: list[int]) -> list[int]:
    values = []
    for pid in pids:
        for task in Path(f"/proc/{pid}/task").glob("*"):
            with contextlib.suppress(OSError, IndexError, ValueError):
                values.append(int((task / "stat").read_text().rsplit(")", 1)[1].split()[16]))
    return values


def test_overflowing_heavy_queries_get_503_with_retry_after_and_no_worker_is_killed_for_it(loaded):
    before = loaded.health()
    answers: list[httpx.Response] = []

    def heavy() -> None:
        answers.append(httpx.get(loaded.sparql, params={"query": HEAVY}, timeout=60))

    threads = [threading.Thread(target=heavy) for _ in range(2 * WORKERS)]
    for thread in threads:
        thread.start()
    # While the heavy queries hold their slots: light queries are answered, and the heavy
    # ones run at a lower CPU priority.
    deadline = time.monotonic() + 30
    while loaded.health()["heavySlots"]["taken"] < WORKERS - 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    niceness: list[int] = []
    while 10 not in niceness and time.monotonic() < deadline:  # the query threads start just after
        niceness = _niceness_of_threads(loaded.health()["workers"])
    light = httpx.get(loaded.base_url + STORED, params={"place": "Rostock"}, timeout=30)
    for thread in threads:
        thread.join(timeout=60)

    assert light.status_code == 200
    assert 10 in niceness
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses.count(504) == WORKERS - 1  # the heavy slots: all workers but one
    assert statuses.count(503) == len(threads) - (WORKERS - 1)
    for refused in (answer for answer in answers if answer.status_code == 503):
        assert int(refused.headers["retry-after"]) >= 1
        assert "heavy" in refused.text
    # Only the workers whose queries ran out of time were replaced; the refused ones cost none.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        after = loaded.health()
        if len(after["workers"]) == WORKERS and after["stats"]["replaced"] - before["stats"]["replaced"] >= 2:
            break
        time.sleep(0.2)
    replaced = after["stats"]["replaced"] - before["stats"]["replaced"]
    timeouts = after["stats"]["timeouts"] - before["stats"]["timeouts"]
    assert replaced == timeouts == WORKERS - 1
    assert after["stats"]["crashes"] == before["stats"]["crashes"]
    assert after["stats"]["heavy_refused"] - before["stats"]["heavy_refused"] == statuses.count(503)
    assert after["heavySlots"]["taken"] == 0


def test_a_query_known_as_heavy_is_refused_before_it_takes_a_worker(loaded):
    # The pool has learned this text (the test above, or now): with the slots taken, it is
    # refused at once, and no worker sees it (none is busy or replaced for it).
    blockers = [threading.Thread(target=httpx.get, args=(loaded.sparql,),
                                 kwargs={"params": {"query": HEAVY + " # " + str(i)}, "timeout": 60})
                for i in range(WORKERS - 1)]
    for thread in blockers:
        thread.start()
    deadline = time.monotonic() + 30
    while loaded.health()["heavySlots"]["taken"] < WORKERS - 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    before = loaded.health()["stats"]
    refused = httpx.get(loaded.sparql, params={"query": HEAVY}, timeout=30)
    after = loaded.health()["stats"]
    for thread in blockers:
        thread.join(timeout=60)
    assert refused.status_code == 503 and int(refused.headers["retry-after"]) >= 1
    assert after["heavy_refused"] == before["heavy_refused"] + 1
    assert after["answered"] == before["answered"]  # no worker answered anything for it


def test_a_query_that_took_its_workers_memory_is_not_run_again(loaded):
    # 90 unconnected patterns: Oxigraph's planner exhausts the worker's share of the budget.
    bomb = "SELECT * WHERE { " + " . ".join(f"?s{i} ?p{i} ?o{i}" for i in range(90)) + " } LIMIT 1"
    first = httpx.get(loaded.sparql, params={"query": bomb}, timeout=60)
    assert first.status_code in (500, 503) and "memory" in first.text
    before = loaded.health()["stats"]
    again = httpx.get(loaded.sparql, params={"query": bomb}, timeout=60)
    after = loaded.health()["stats"]
    assert again.status_code == first.status_code and "memory" in again.text
    assert after["remembered"] == before["remembered"] + 1
    assert after["crashes"] == before["crashes"] and after["replaced"] == before["replaced"]


# ---------------------------------------------------------------- the parts on their own


def test_the_plan_estimate_tells_a_cross_product_from_a_join():
    a, b, c, d = (Variable(n) for n in "abcd")
    label, kind = URIRef("http://www.w3.org/2000/01/rdf-schema#label"), URIRef("urn:kind")
    counts = {None: 2000, kind: 30, label: 500}

    def cardinality(pattern) -> int:
        return counts[pattern[1] if isinstance(pattern[1], URIRef) else None]

    assert estimate_rows([(a, b, c), (d, Variable("e"), Variable("f"))], cardinality) == 2000 ** 2
    assert estimate_rows([(a, kind, Literal("x")), (a, label, b)], cardinality) == 30  # joined on ?a
    assert estimate_rows([], cardinality) == 1


def test_the_cost_book_learns_and_unlearns():
    book = CostBook(size=2)
    book.learn("q1", 3.0, grace=0.5)
    assert book.is_heavy("q1")
    book.learn("q1", 0.1, grace=0.5)
    assert not book.is_heavy("q1")
    for key in ("a", "b", "c"):
        book.mark_heavy(key)
    assert len(book) == 2 and not book.is_heavy("a")


def test_heavy_slots_are_counted_and_say_when_one_frees():
    slots = HeavySlots(1)
    token = slots.take(time.monotonic() + 3.2)
    assert token is not None and slots.take(time.monotonic() + 1) is None
    assert slots.seconds_to_free() == 4
    slots.give_back(token)
    assert slots.taken == 0


def test_every_workers_memory_limit_comes_from_the_servers_budget():
    settings = Settings(memory_budget_mb=2048, workers=4)
    assert settings.server_memory_mb == 512
    assert settings.worker_memory_mb == (2048 - 512) // 4
    assert Settings(memory_budget_mb=0).worker_memory_mb == 0  # no limit
    assert not Settings(memory_budget_mb=1024).holds_in_memory(750_000)  # the copy would not fit a share
    assert Settings(memory_budget_mb=8192).holds_in_memory(750_000)
    with pytest.raises(InputError, match="at least"):
        Settings(memory_budget_mb=300, workers=8)
