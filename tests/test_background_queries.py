"""The thread that answers validation's Oxigraph queries while Python works on."""

from __future__ import annotations

import threading

import pyoxigraph as ox
import pytest

from citynet.graph.select import select
from citynet.validation.background import BackgroundQueries

EX = "http://example.org/"


@pytest.fixture
def store() -> ox.Store:
    store = ox.Store()
    store.bulk_extend(ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(f"{EX}p"), ox.Literal(i)) for i in range(50))
    store.add(ox.Quad(ox.NamedNode(f"{EX}s0"), ox.NamedNode(f"{EX}q"), ox.BlankNode("b")))
    return store


QUERIES = [
    "SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o } ORDER BY DESC(?o)",
    "SELECT ?s ?b WHERE { ?s <http://example.org/p> 0 OPTIONAL { ?s <http://example.org/q> ?b } }",
    "SELECT ?s ?none WHERE { ?s <http://example.org/p> 3 OPTIONAL { ?s <http://example.org/q> ?none } }",
    "SELECT ?s WHERE { ?s <http://example.org/nothing> ?o }",
]


def test_answers_are_the_stores_own_in_its_order(store: ox.Store) -> None:
    with BackgroundQueries(store) as background:
        asked = [background.ask(query) for query in QUERIES]
        for query, future in zip(QUERIES, asked, strict=True):
            answer = future.result(timeout=30)
            solutions = select(store, query)
            assert answer.variables == [v.value for v in solutions.variables]
            assert answer.solutions == [{name: s[name] for name in answer.variables if s[name] is not None}
                                        for s in solutions]
    assert asked[2].result().solutions == [{"s": ox.NamedNode(f"{EX}s3")}]  # an unbound variable is left out


def test_an_error_reaches_the_asker_and_the_thread_goes_on(store: ox.Store) -> None:
    with BackgroundQueries(store) as background:
        wrong = background.ask("SELECT ?s WHERE { ?s ")
        right = background.ask("SELECT ?s WHERE { ?s <http://example.org/q> ?o }")
        with pytest.raises(SyntaxError):
            wrong.result(timeout=30)
        assert right.result(timeout=30).solutions == [{"s": ox.NamedNode(f"{EX}s0")}]


def test_closing_drops_the_questions_not_taken_up_and_ends_the_thread(store: ox.Store) -> None:
    before = set(threading.enumerate())
    release = threading.Event()
    background = BackgroundQueries(store)
    started = background.ask("SELECT ?s WHERE { ?s ?p ?o }")
    assert len(started.result(timeout=30).solutions) == 51
    # Hold the thread in a question of its own, so the next ones are still waiting when closed.
    background._asked.put(("", _Blocking(release)))  # type: ignore[arg-type]
    waiting = [background.ask("SELECT ?s WHERE { ?s ?p ?o }") for _ in range(3)]
    background.close()
    release.set()
    assert all(future.cancelled() for future in waiting)
    for thread in set(threading.enumerate()) - before:
        thread.join(timeout=30)
        assert not thread.is_alive()


class _Blocking:
    """A stand-in for a future whose question keeps the thread until ``release`` is set."""

    def __init__(self, release: threading.Event) -> None:
        self.release = release

    def set_running_or_notify_cancel(self) -> bool:
        self.release.wait(timeout=30)
        return False
