"""Replacing a named graph in a triplestore without ever leaving it half-written.

``push(graph, "http://127.0.0.1:7878/store", "https://example.org/g")``:

1. writes the graph as N-Triples to an anonymous temporary file, in chunks that keep each
   blank node's triples together (:mod:`citynet.scale.remote.chunks`);
2. loads the chunks into a new staging graph ``urn:citynet:staging:<uuid>`` by Graph Store
   POSTs, one after the other, and counts the staging graph: it must hold every triple sent;
3. replaces the target in one SPARQL Update, ``MOVE GRAPH <staging> TO GRAPH <target>``; when
   its answer does not come in time, the store is watched until the staging graph is gone (a
   MOVE of a large graph may outlast ``timeout``: Oxigraph's takes longer than the load);
4. counts the target again and reports.

A failed or interrupted load (Ctrl-C, SIGTERM) drops the staging graph and checks that it stays
empty, and leaves the target as it was; the temporary file has no name, so nothing is left
locally on any exit (SIGKILL too, which leaves the staging graph in the store: the target is
still untouched). Loading is retried from the start, after a backoff, when a failure is transient
(a connection lost, a timeout, a 5xx, a count that does not match), into a new staging graph:
that makes the whole load idempotent, where re-sending one chunk would not be (its blank nodes
would be new nodes), and a request of the failed load that the store completes late cannot reach
it. Counting is retried on its own.

Per store:

- **Oxigraph server.** Each POST and the MOVE are transactions: readers see the old graph until
  the MOVE commits, then the new one.
- **Virtuoso 7.2.** Its Graph Store waits on its own locks while loading a large body (146 MB:
  14–24 lock waits in ``status()``, each time) and now and then never finishes: no answer, the
  graph part-loaded, and every later PUT into that graph waiting behind it. A ``curl`` PUT of
  the same file does the same, so the request is not the cause (README, "Why pushes to Virtuoso
  stalled"; ``benchmarks/STALL-RESULTS.md``). Requests of a few megabytes, sent one after the
  other, made no lock waits in any load. Virtuoso's MOVE is one transaction: a
  failure aborts it whole. But with the stock TransactionAfterImageLimit (50 MB) that transaction
  cannot replace a large graph (1M triples by 1M: ``SR325``); citynet then runs the MOVE in
  Virtuoso's autocommit mode (``DEFINE sql:log-enable 3``), where a reader may see the target
  partly replaced for the seconds it takes, and reports it (``PushReport.atomic``). Either way
  the target is only ever replaced by a staging graph that was counted complete, and Virtuoso
  finishes a MOVE it has begun even when citynet is killed meanwhile.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from dataclasses import dataclass, field

import httpx
from rdflib import URIRef

from citynet.errors import CitynetError
from citynet.graph.knowledge_graph import KnowledgeGraph, shipped_graph
from citynet.graph.progress import Progress
from citynet.scale.remote.addresses import credentials, parse_endpoint
from citynet.scale.remote.chunks import DEFAULT_CHUNK_BYTES, ChunkedGraph, write_chunks
from citynet.scale.remote.endpoints import Endpoints
from citynet.scale.remote.http import Auth, Connection, RemoteError, check, send
from citynet.scale.remote.iris import check_iri
from citynet.scale.remote.sparql import count_triples, update

STAGING_PREFIX = "urn:citynet:staging:"
_TOO_BIG_FOR_ONE_TRANSACTION = "SR325"  # Virtuoso: "log after image size went above the limit"
_CLEANUP_SECONDS = 30.0
# Pauses before the counts that check a dropped staging graph stays empty: a request cut off by an
# interruption may still be committed by the store after the drop.
_SETTLE_PAUSES = (0.5, 2.0)
_POLL_SECONDS = 2.0  # between counts while a MOVE whose answer did not come may still be running


@dataclass(frozen=True)
class PushReport:
    endpoint: str
    graph_iri: str
    triples: int        # sent
    stored: int         # counted in the target afterwards: equal to ``triples``
    previous: int       # counted in the target before
    bytes: int
    requests: int       # Graph Store requests of the load that succeeded
    attempts: int       # loads started
    atomic: bool        # whether the store replaced the target in one transaction
    seconds: float
    staging_graph: str


def push(graph: KnowledgeGraph | None, endpoint: str, graph_iri: str, user: str | None = None,
         password: str | None = None, auth: Auth = "basic", *, timeout: float = 600.0, retries: int = 3,
         backoff: float = 0.5, query_endpoint: str | None = None, update_endpoint: str | None = None,
         chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> PushReport:
    """Replace the named graph ``graph_iri`` in the store whose Graph Store is at ``endpoint``
    with ``graph`` (default: the shipped graph, ontology included).

    ``timeout`` is per request, in seconds; ``retries`` how often a failed load, count or drop
    is tried again. The query and update services follow from ``endpoint`` for the Oxigraph
    server and Virtuoso; give them for other stores. Raises RemoteError when the store cannot
    be reached, refuses us, or ends up holding other than what was sent.
    """
    check_iri(graph_iri, "graph IRI")
    if chunk_bytes < 1:
        raise CitynetError(f"the chunk size must be a positive number of bytes, got {chunk_bytes!r}")
    target = parse_endpoint(endpoint)
    endpoints = Endpoints.for_graph_store(endpoint, query_endpoint, update_endpoint)
    connection = Connection(*credentials(target, user, password), auth, timeout, retries, backoff)
    graph = graph if graph is not None else shipped_graph()
    staging = _Staging()
    started = time.perf_counter()
    with write_chunks(graph, chunk_bytes) as chunked, connection.client() as client:
        # First a small request: it checks the address and credentials, and fetches a Digest
        # challenge, so that no large body is sent only to be refused.
        previous = connection.retrying(lambda: count_triples(client, endpoints.query, graph_iri))
        atomic = True
        if chunked.triples == 0:
            attempts = 0
            connection.retrying(lambda: update(client, endpoints.update, f"DROP SILENT GRAPH {_n3(graph_iri)}"))
        else:
            try:
                attempts = _load(client, connection, endpoints, staging, chunked)
            except BaseException:
                # Close the connections first: a POST cut off half-sent would otherwise stay open,
                # and the store could still be adding its triples while the staging graph is dropped.
                client.close()
                _drop_quietly(connection, endpoints, staging.iri)
                raise
            atomic = _move(client, connection, endpoints, staging.iri, graph_iri, chunked.triples, previous)
        stored = connection.retrying(lambda: count_triples(client, endpoints.query, graph_iri))
    if stored != chunked.triples:
        raise RemoteError(f"after the push, <{graph_iri}> holds {stored:,} triples, not the {chunked.triples:,} sent",
                          hint="another client may have written to it at the same time; push again")
    return PushReport(endpoint=target.shown, graph_iri=graph_iri, triples=chunked.triples, stored=stored,
                      previous=previous, bytes=chunked.bytes, requests=len(chunked.chunks), attempts=attempts,
                      atomic=atomic, seconds=time.perf_counter() - started, staging_graph=staging.iri)


@dataclass
class _Staging:
    """The staging graph of the current load: each load gets a new one."""

    iri: str = field(default_factory=lambda: f"{STAGING_PREFIX}{uuid.uuid4()}")

    def renew(self) -> None:
        self.iri = f"{STAGING_PREFIX}{uuid.uuid4()}"


def _load(client: httpx.Client, connection: Connection, endpoints: Endpoints, staging: _Staging,
          chunked: ChunkedGraph) -> int:
    """Fill a staging graph and count it; the number of loads it took. A load that failed is
    dropped and the next goes into a new staging graph, which requests of the failed one that
    the store completes late cannot reach."""
    last: RemoteError | None = None
    for attempt in range(1, connection.retries + 2):
        try:
            if attempt > 1:
                _drop_quietly(connection, endpoints, staging.iri)
                staging.renew()
            _send_chunks(client, endpoints.graph_store, staging.iri, chunked)
            counted = connection.retrying(lambda: count_triples(client, endpoints.query, staging.iri))
            if counted == chunked.triples:
                return attempt
            last = RemoteError(f"the staging graph <{staging.iri}> holds {counted:,} triples, not the "
                               f"{chunked.triples:,} sent", transient=True,
                               hint="the store lost or merged triples while loading; the target was not touched")
        except RemoteError as error:
            if not error.transient:
                raise
            last = error
        if attempt <= connection.retries:
            time.sleep(connection.backoff * 2 ** (attempt - 1))
    assert last is not None
    raise RemoteError(f"loading failed {connection.retries + 1} times, the last time with: {last.message}",
                      hint=last.hint or "the target graph was not touched")


def _send_chunks(client: httpx.Client, graph_store: str, staging: str, chunked: ChunkedGraph) -> None:
    headers = {"Content-Type": "application/n-triples; charset=utf-8"}
    with Progress(chunked.bytes, "sending", unit="bytes") as bar:
        for chunk in chunked.chunks:
            response = send(client, "POST", graph_store, graph_store, params={"graph": staging},
                            content=chunked.read(chunk), headers=headers)
            check(response, graph_store, "Graph Store")
            bar.advance(chunk.size)


def _move(client: httpx.Client, connection: Connection, endpoints: Endpoints, staging: str, graph_iri: str,
          expected: int, previous: int) -> bool:
    """Replace the target with the staging graph in one update; whether it was one transaction.

    Not retried: when the answer is lost, the counts tell whether the store did it. A MOVE whose
    answer did not come (a timeout, a lost connection) may still be running: the store is watched
    for as long again as a request may take (``timeout``), until the staging graph is gone."""
    move = f"MOVE GRAPH {_n3(staging)} TO GRAPH {_n3(graph_iri)}"
    atomic = True
    try:
        update(client, endpoints.update, move)
        return atomic
    except RemoteError as error:
        failure = error
    if _TOO_BIG_FOR_ONE_TRANSACTION in failure.message:
        # Virtuoso aborted the MOVE whole (the target is as it was): its transaction log would
        # have grown past TransactionAfterImageLimit. Its own pragma runs it in autocommit mode.
        atomic = False
        try:
            update(client, endpoints.update, f"DEFINE sql:log-enable 3 {move}")
            return atomic
        except RemoteError as error:
            failure = error

    def counts() -> tuple[int, int]:
        return (connection.retrying(lambda: count_triples(client, endpoints.query, graph_iri)),
                connection.retrying(lambda: count_triples(client, endpoints.query, staging)))

    target, left = counts()
    if failure.status is None and failure.transient:  # no answer: the store may still be moving it
        deadline = time.monotonic() + connection.timeout
        while (target, left) != (expected, 0) and time.monotonic() < deadline:
            time.sleep(_POLL_SECONDS)
            target, left = counts()
    if (target, left) == (expected, 0):
        return atomic
    if target == previous and left == expected:
        _drop_quietly(connection, endpoints, staging)
        raise RemoteError(f"the store did not move the staging graph into place: {failure.message}; "
                          f"<{graph_iri}> was left as it was ({target:,} triples)", hint=failure.hint) from None
    raise RemoteError(f"the store did not move the staging graph into place: {failure.message}; "
                      f"<{graph_iri}> holds {target:,} triples and <{staging}> {left:,}",
                      hint=failure.hint or f"push again; then drop the staging graph: DROP GRAPH <{staging}>") from None


def _drop_quietly(connection: Connection, endpoints: Endpoints, staging: str) -> None:
    """Remove the staging graph after a failed or interrupted load: within a short time, and never
    raising over the error that brought us here.

    A POST cut off by the interruption may already be with the store, which can add its triples
    after the drop. The Oxigraph server then even keeps them where ``DROP GRAPH`` no longer sees
    them (it answers 204 and the triples stay): so the staging graph is counted again after
    a pause, twice, and emptied again, by ``DELETE WHERE`` after the first time, until both counts
    find it empty."""
    quick = Connection(connection.user, connection.password, connection.auth, timeout=_CLEANUP_SECONDS, retries=0)
    deadline = time.monotonic() + _CLEANUP_SECONDS
    emptying = f"DROP SILENT GRAPH {_n3(staging)}"
    with contextlib.suppress(Exception), quick.client() as client:
        while True:
            update(client, endpoints.update, emptying)
            empty = True
            for pause in _SETTLE_PAUSES:
                time.sleep(pause)
                empty = count_triples(client, endpoints.query, staging) == 0
                if not empty:
                    break
            if empty or time.monotonic() > deadline:
                return
            emptying = f"DELETE WHERE {{ GRAPH {_n3(staging)} {{ ?s ?p ?o }} }}"


def _n3(iri: str) -> str:
    return URIRef(iri).n3()
