"""Oxigraph queries answered on a thread of their own while Python works on.

pyoxigraph lets go of the GIL while it evaluates a query, so a query that scans the copy
runs on a second core while rdflib and pySHACL work on the first: validation asks its
Oxigraph questions early and waits for an answer only where it needs it. Only raw
solutions cross between the threads; turning them into rdflib terms touches the copy's
caches, which stay with the thread that asked."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from dataclasses import dataclass
from queue import SimpleQueue
from types import TracebackType

import pyoxigraph as ox

from citynet.graph.select import select
from citynet.graph.terms import OxigraphTerm


@dataclass(frozen=True)
class Answer:
    """A SELECT query's variables, and its solutions by variable name (bound ones only)."""

    variables: list[str]
    solutions: list[dict[str, OxigraphTerm]]


class BackgroundQueries:
    """Answers SELECT queries on one store, in the order asked, on a daemon thread: a query
    still running when validation stops (an error elsewhere) does not hold up the exit."""

    def __init__(self, store: ox.Store) -> None:
        self._store = store
        self._asked: SimpleQueue[tuple[str, Future[Answer]] | None] = SimpleQueue()
        self._pending: list[Future[Answer]] = []
        self._thread = threading.Thread(target=self._answer_all, name="citynet-oxigraph", daemon=True)
        self._thread.start()

    def ask(self, query: str) -> Future[Answer]:
        future: Future[Answer] = Future()
        self._pending.append(future)
        self._asked.put((query, future))
        return future

    def close(self) -> None:
        """Drop the questions not yet taken up, and let the thread end."""
        for future in self._pending:
            future.cancel()
        self._asked.put(None)

    def __enter__(self) -> BackgroundQueries:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def _answer_all(self) -> None:
        while (asked := self._asked.get()) is not None:
            query, future = asked
            if not future.set_running_or_notify_cancel():
                continue
            try:
                answer = _answer(self._store, query)
            except Exception as error:  # the asker meets it where it takes the answer
                # Without the traceback: its frames would let the asker's thread drop
                # pyoxigraph's solutions, which must die on the thread that made them.
                future.set_exception(error.with_traceback(None))
            else:
                future.set_result(answer)


def _answer(store: ox.Store, query: str) -> Answer:
    solutions = select(store, query)
    names = [variable.value for variable in solutions.variables]
    return Answer(names, [{name: term for name in names if (term := solution[name]) is not None}
                          for solution in solutions])
