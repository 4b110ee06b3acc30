"""Pushing to real triplestores: the exact count or a clear failure, and never a half-written graph.

The stores are the Oxigraph server and Virtuoso 7 with Debian's stock settings, on 127.0.0.1
(``tests/triplestores.py``). The 100,000-triple graph also holds more twinnings than Virtuoso's
stock ResultSetMaxRows (10,000): the twin-cities query shows that such an answer is read whole,
or refused with exit 1 naming the setting.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph
import pytest

import citynet
from citynet.cli import main
from citynet.scale.generate import generate
from citynet.scale.remote import STAGING_PREFIX, RemoteError, parse_json_results, push, remote_query
from citynet.scale.remote.chunks import write_chunks
from tests.conftest import drop_graph
from tests.triplestores import Triplestore, free_port, missing, start_oxigraph_server

TARGET = "https://w3id.org/citynet/graph/pushed"
STORES = ["oxigraph", "virtuoso"]


def select(server: Triplestore, text: str) -> list[tuple]:
    answer = httpx.get(server.sparql, params={"query": text}, headers={"Accept": "application/sparql-results+json"},
                       timeout=120, trust_env=False)
    answer.raise_for_status()
    return list(parse_json_results(answer.content).terms)


def count(server: Triplestore, graph_iri: str) -> int:
    return int(select(server, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}")[0][0])


def staging_graphs(server: Triplestore) -> list[str]:
    rows = select(server, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                          f'FILTER (STRSTARTS(STR(?g), "{STAGING_PREFIX}")) }}')
    return [str(row[0]) for row in rows]


# ---------------------------------------------------------------- chunks

def test_chunks_keep_blank_nodes_together_and_the_graph_whole(tmp_path):
    path = tmp_path / "small.ttl"
    generate(3000, 5, path, progress=False)
    graph = citynet.KnowledgeGraph.from_paths([path])
    with write_chunks(graph, chunk_bytes=20_000) as chunked:
        assert len(chunked.chunks) > 10 and chunked.triples == len(graph)
        assert all(chunk.size <= 20_000 for chunk in chunked.chunks[:-1] if chunk.triples > 1)
        # Each chunk is a document of its own, as a store reads it: their union must be the graph.
        union = pyoxigraph.Store()
        for number, chunk in enumerate(chunked.chunks):
            for triple in pyoxigraph.parse(chunked.read(chunk), format=pyoxigraph.RdfFormat.N_TRIPLES):
                union.add(pyoxigraph.Quad(*_rename(triple, number)))
    assert len(union) == len(graph)
    original = citynet.KnowledgeGraph.from_store(graph.store).rdflib_graph
    assert citynet.KnowledgeGraph.from_store(union).rdflib_graph.isomorphic(original)


def _rename(triple: pyoxigraph.Triple, document: int) -> tuple:
    """Blank nodes of different documents are different nodes."""
    def term(t):
        return pyoxigraph.BlankNode(f"d{document}x{t.value}") if isinstance(t, pyoxigraph.BlankNode) else t
    return term(triple.subject), triple.predicate, term(triple.object)


def test_nothing_is_written_to_a_named_file(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    with write_chunks(citynet.shipped_graph()) as chunked:
        assert chunked.triples == len(citynet.shipped_graph())
        assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- 100,000 triples

@pytest.fixture(scope="module")
def hundred_thousand(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("push") / "generated-100k.ttl"
    generate(100_000, 2, path, progress=False)
    return path


@pytest.fixture(scope="module", params=STORES)
def loaded(request, hundred_thousand) -> Iterator[tuple[Triplestore, citynet.KnowledgeGraph]]:
    """A store that holds the 100k graph in TARGET, pushed by the CLI."""
    server = request.getfixturevalue(f"{request.param}_store")
    credentials = ["--user", server.user, "--digest"] if server.user else []
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CITYNET_PASSWORD", server.password or "")
        assert main(["push", "--endpoint", server.store, "--graph", TARGET, "--data", str(hundred_thousand),
                     *credentials]) == 0
    yield server, citynet.KnowledgeGraph.from_paths([hundred_thousand])
    drop_graph(server, TARGET)


@pytest.mark.slow
def test_a_push_of_100k_triples_is_exact(loaded):
    server, graph = loaded
    assert count(server, TARGET) == len(graph) > 100_000
    report = push(graph, server.store, TARGET, **server.credentials)
    assert (report.previous, report.triples, report.stored) == (len(graph), len(graph), len(graph))
    assert report.requests >= report.bytes // 4_000_000 > 1 and report.attempts == 1
    assert count(server, TARGET) == len(graph) and staging_graphs(server) == []


@pytest.mark.slow
def test_an_answer_over_the_row_cap_is_read_whole(loaded, capsys):
    server, graph = loaded
    local = citynet.query("twin-cities", graph=graph)
    assert len(local) > 10_000  # Virtuoso's stock ResultSetMaxRows
    remote = remote_query("twin-cities", server.sparql, graph_iri=TARGET)
    assert len(remote) == len(local)
    assert sorted(map(tuple, remote.coerced().terms)) == sorted(map(tuple, local.coerced().terms))


@pytest.mark.slow
def test_without_paging_a_cut_answer_fails_with_exit_1_naming_the_setting(loaded, capsys):
    server, _ = loaded
    if server.name != "virtuoso":
        pytest.skip("the Oxigraph server has no row cap")
    code = main(["query", "twin-cities", "--endpoint", server.sparql, "--graph", TARGET, "--no-paging",
                 "--format", "csv"])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert "cut the answer at 10,000 rows" in err and "ResultSetMaxRows" in err


# ---------------------------------------------------------------- interrupted and failing pushes

def _push_in_background(server: Triplestore, data: Path, tmp: Path) -> subprocess.Popen:
    credentials = ["--user", server.user, "--digest"] if server.user else []
    env = {**os.environ, "TMPDIR": str(tmp), "CITYNET_PASSWORD": server.password or ""}
    command = [str(Path(sys.executable).with_name("citynet")), "push", "--endpoint", server.store, "--graph", TARGET,
               "--data", str(data), "--chunk-size", "200000", *credentials]
    return subprocess.Popen(command,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_loading(server: Triplestore, process: subprocess.Popen, seconds: float = 120) -> str:
    """The staging graph, once the push has loaded part of it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        staged = staging_graphs(server)
        if staged and count(server, staged[0]) > 0:
            return staged[0]
        time.sleep(0.05)
    process.kill()
    pytest.fail("the push did not start loading")


@pytest.fixture(scope="module")
def bigger(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("push") / "generated-300k.ttl"
    generate(300_000, 4, path, progress=False)
    return path


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_push_killed_part_way_leaves_the_previous_graph_and_nothing_local(loaded, bigger, tmp_path, how):
    server, graph = loaded
    before = count(server, TARGET)
    assert before == len(graph)
    local = tmp_path / "tmp"
    local.mkdir()
    process = _push_in_background(server, bigger, local)
    staging = _wait_for_loading(server, process)
    process.send_signal(how)
    _, err = process.communicate(timeout=60)
    assert count(server, TARGET) == before  # the previous graph, whole
    assert list(local.iterdir()) == []      # no temporary file, however it ended
    if how == signal.SIGTERM:
        assert process.returncode == 143 and "terminated" in err
        assert count(server, staging) == 0  # the staging graph was dropped on the way out
    else:
        assert process.returncode == -signal.SIGKILL
        _drop_until_gone(server, staging)  # what a user does, as the push's report says
    assert staging_graphs(server) == []


def _drop_until_gone(server: Triplestore, staging: str) -> None:
    """Drop a killed push's staging graph; a POST it had sent may be committed after a first drop.
    As the push itself does (citynet.scale.remote.push._drop_quietly), later rounds empty it by
    DELETE WHERE: the Oxigraph server may answer a DROP GRAPH and keep such late triples."""
    deadline = time.monotonic() + 60
    emptying = f"DROP SILENT GRAPH <{staging}>"
    while True:
        httpx.post(server.update, data={"update": emptying}, trust_env=False,
                   auth=httpx.DigestAuth(server.user, server.password) if server.user else None).raise_for_status()
        time.sleep(2)
        if count(server, staging) == 0 or time.monotonic() > deadline:
            return
        emptying = f"DELETE WHERE {{ GRAPH <{staging}> {{ ?s ?p ?o }} }}"


@pytest.mark.slow
def test_a_store_that_comes_up_late_is_waited_for(tmp_path):
    reason = missing("oxigraph")
    if reason:
        pytest.skip(reason)
    port = free_port()
    late: list[Triplestore] = []
    starter = threading.Timer(1.0, lambda: late.append(start_oxigraph_server(tmp_path / "late", port=port)))
    starter.start()
    try:
        report = push(None, f"http://127.0.0.1:{port}/store", TARGET, retries=5, backoff=0.5)
        assert report.stored == len(citynet.shipped_graph())
    finally:
        starter.join()
        for server in late:
            server.stop()


@pytest.mark.slow
def test_a_store_that_goes_away_leaves_a_clear_error(tmp_path):
    reason = missing("oxigraph")
    if reason:
        pytest.skip(reason)
    server = start_oxigraph_server(tmp_path / "gone")
    push(None, server.store, TARGET)
    server.stop()
    with pytest.raises(RemoteError, match="cannot connect") as error:
        push(None, server.store, TARGET, retries=2, backoff=0.1)
    assert "running" in error.value.hint


@pytest.mark.slow
def test_pushing_an_empty_graph_empties_the_target(oxigraph_store):
    push(None, oxigraph_store.store, TARGET + "/emptied")
    report = push(citynet.KnowledgeGraph.from_store(pyoxigraph.Store()), oxigraph_store.store, TARGET + "/emptied")
    assert (report.previous, report.triples, report.stored) == (len(citynet.shipped_graph()), 0, 0)
    assert count(oxigraph_store, TARGET + "/emptied") == 0


@pytest.mark.slow
def test_a_move_whose_answer_is_late_is_watched_until_done(oxigraph_store, monkeypatch):
    """The MOVE's answer does not come (as when it outlasts --timeout), but the store carries it
    out a moment later: the push watches the counts and reports the graph replaced."""
    import importlib

    module = importlib.import_module("citynet.scale.remote.push")
    real_update = module.update
    moves: list[threading.Thread] = []

    def late(client, endpoint, text):
        if not text.startswith("MOVE"):
            return real_update(client, endpoint, text)
        def carry_out() -> None:  # the store does it a moment later; its answer is never read
            with httpx.Client(trust_env=False, timeout=60) as own:
                real_update(own, endpoint, text)

        move = threading.Timer(1.0, carry_out)
        moves.append(move)
        move.start()
        raise RemoteError(f"{endpoint} did not answer within the timeout", transient=True)

    monkeypatch.setattr(module, "update", late)
    monkeypatch.setattr(module, "_POLL_SECONDS", 0.1)
    target = TARGET + "/late-move"
    report = push(None, oxigraph_store.store, target, timeout=60)
    moves[0].join()
    assert len(moves) == 1 and report.atomic
    assert report.stored == count(oxigraph_store, target) == len(citynet.shipped_graph())
    assert staging_graphs(oxigraph_store) == []
    drop_graph(oxigraph_store, target)


@pytest.mark.slow
def test_a_move_that_never_comes_leaves_the_target_and_no_staging_graph(oxigraph_store, monkeypatch):
    import importlib

    module = importlib.import_module("citynet.scale.remote.push")
    real_update = module.update

    def lost(client, endpoint, text):
        if text.startswith("MOVE"):
            raise RemoteError(f"{endpoint} did not answer within the timeout", transient=True)
        return real_update(client, endpoint, text)

    target = TARGET + "/lost-move"
    push(None, oxigraph_store.store, target)
    monkeypatch.setattr(module, "update", lost)
    monkeypatch.setattr(module, "_POLL_SECONDS", 0.1)
    small = citynet.KnowledgeGraph.from_store(pyoxigraph.Store())
    small.store.add(pyoxigraph.Quad(pyoxigraph.NamedNode("urn:x:s"), pyoxigraph.NamedNode("urn:x:p"),
                                    pyoxigraph.Literal("o")))
    with pytest.raises(RemoteError, match=r"did not move the staging graph into place.*was left as it was"):
        push(small, oxigraph_store.store, target, timeout=1, retries=0)
    assert count(oxigraph_store, target) == len(citynet.shipped_graph())
    assert staging_graphs(oxigraph_store) == []
    drop_graph(oxigraph_store, target)


@pytest.mark.slow
def test_a_load_that_fails_part_way_is_loaded_again_into_a_new_staging_graph(oxigraph_store, monkeypatch):
    """The answer to the third POST is lost (the store has its triples): the load is dropped and
    made again, into a staging graph of its own, and the target gets the exact count."""
    import importlib

    module = importlib.import_module("citynet.scale.remote.push")
    real_send = module.send
    posts: list[str] = []

    def losing(client, method, url, endpoint, **options):
        response = real_send(client, method, url, endpoint, **options)
        if method == "POST":
            posts.append(options["params"]["graph"])
            if len(posts) == 3:
                raise RemoteError(f"request to {endpoint} failed: connection lost", transient=True)
        return response

    monkeypatch.setattr(module, "send", losing)
    target = TARGET + "/reloaded"
    report = push(None, oxigraph_store.store, target, chunk_bytes=20_000, retries=2, backoff=0.1)
    assert report.attempts == 2 and len(set(posts)) == 2 and report.staging_graph == posts[-1]
    assert report.stored == count(oxigraph_store, target) == len(citynet.shipped_graph())
    assert staging_graphs(oxigraph_store) == []
    drop_graph(oxigraph_store, target)
