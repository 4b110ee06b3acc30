"""Quick queries answered in the server process itself, without the trip to a worker.

A query worker gives a query a time limit (by killing it), a memory limit and no network, and
costs each request a round trip: the job down a pipe, the answer back, each pickled, and a
hand-over between threads on both sides; about as much processor time as a small query itself.
A job that has been seen to be quick needs none of that: the store is read-only, so the same
job (text, parameters, dataset, format, row cap) does the same work each time. After a worker
has answered a job within ``inline_up_to`` seconds of processor time (evaluation and
serialization), this lane answers it on the event loop, with the worker's own
:func:`~citynet.server.worker.handle`, on a store held as each worker holds its own: the same
rows in the same order, the same bytes.

- The worker's reading of the query (its form, whether it names its dataset) comes with the
  job: the text was checked there (no update, no SERVICE, only local graphs) and is not
  parsed again here.
- Only an answer leaves this lane. An error, a refusal or a run that takes more than
  ``_SLOWER`` times the limit (a busy machine) sends the job back to the workers, the next
  time and this time: a worker gives it the answer it would have had.
- In memory, the lane's copy of the graph counts against the server process's share of the
  memory budget: where it would take more than half of that share, there is no lane.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from typing import Any, NamedTuple

from citynet.server import worker
from citynet.server.settings import BYTES_PER_TRIPLE, Settings

log = logging.getLogger("citynet.server")

#: A quick job that takes this many times ``inline_up_to`` here goes back to the workers.
_SLOWER = 4
#: Jobs remembered as quick, the most recently used kept (with their texts, each at most
#: ``max_query_length`` characters).
_REMEMBERED = 1024


class Reading(NamedTuple):
    """What a worker read of a quick job's query."""

    form: str
    has_dataset: bool


def job_key(job: dict[str, Any]) -> tuple[Any, ...]:
    """What makes a job's work: its query and parameters, its dataset, the format asked for (writing
    one answer as JSON or as XML is not the same work) and the row cap."""
    bindings = tuple(sorted((name, str(term)) for name, term in (job.get("bindings") or {}).items()))
    return (job.get("kind"), job.get("text"), bindings, job.get("result_format"), job.get("graph_format"),
            tuple(job.get("default_graphs") or ()), tuple(job.get("named_graphs") or ()), job.get("base_iri"),
            job.get("max_rows"))


class InlineLane:
    def __init__(self, settings: Settings) -> None:
        self.limit = settings.inline_up_to
        self.held: worker.Held | None = None
        self._quick: OrderedDict[tuple[Any, ...], Reading] = OrderedDict()

    @staticmethod
    def wanted(settings: Settings, triples: int, in_memory: bool) -> bool:
        """Is there a lane for a graph of ``triples``, held in memory or not (see the module doc)?"""
        if settings.inline_up_to <= 0:
            return False
        budget = settings.server_memory_mb * 2**20 // 2 if settings.memory_budget_mb else None
        return not in_memory or budget is None or triples * BYTES_PER_TRIPLE <= budget

    def open(self, store_path: str, in_memory: bool) -> None:
        """Hold the graph as the workers hold it (blocking: run it in a thread)."""
        self.held = worker.hold(store_path, in_memory)

    def answer(self, job: dict[str, Any]) -> dict[str, Any] | None:
        """The answer to ``job`` if it is known to be quick, else None (a worker answers it)."""
        if self.held is None:
            return None
        key = job_key(job)
        reading = self._quick.get(key)
        if reading is None:
            return None
        self._quick.move_to_end(key)
        started = time.thread_time()
        try:
            reply = worker.handle(self.held, {**job, "trusted": True, "form": reading.form,
                                              "has_dataset": reading.has_dataset})
        except Exception as error:  # a bug: the worker path answers, and reports it as it does
            log.warning("a quick query failed in the server process (%s); it goes to the workers",
                        type(error).__name__)
            reply = {"ok": False}
        answered = bool(reply.get("ok"))
        if not answered or time.thread_time() - started > _SLOWER * self.limit:
            del self._quick[key]
        return {**reply, "inline": True} if answered else None

    def learn(self, job: dict[str, Any], reply: dict[str, Any]) -> None:
        """Remember ``job`` as quick if a worker's ``reply`` says so."""
        if self.held is None or not reply.get("ok") or reply.get("form") is None:
            return
        if reply.get("evaluation_cpu", self.limit + 1) > self.limit:
            return
        key = job_key(job)
        self._quick[key] = Reading(reply["form"], bool(reply.get("has_dataset")))
        self._quick.move_to_end(key)
        while len(self._quick) > _REMEMBERED:
            self._quick.popitem(last=False)
