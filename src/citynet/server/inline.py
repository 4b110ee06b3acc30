"""Quick queries answered in the server process itself, without the trip to a worker.

A query worker gives a query a time limit (by killing it), a memory limit and no network, and
costs each request a round trip: the job down a pipe, the answer back, each pickled, and a
hand-over between threads on both sides; about as much processor time as a small query itself.
A job that has been seen to be quick needs none of that, if it does the same work each time: on
a read-only store the same job (text, parameters, dataset, format, row cap) does, unless its
text asks for a random number, the clock or new identifiers. After a worker has answered such a
job within ``inline_up_to`` seconds of processor time (evaluation and serialization), this lane
answers it on the event loop, with the worker's own :func:`~citynet.server.worker.handle`, on a
store held as each worker holds its own. The answer is the one a worker gives (where SPARQL
leaves the order of rows to the engine, it may come in another order, as from another worker).

- A text that uses ``RAND``, ``NOW``, ``UUID``, ``STRUUID`` or ``BNODE`` is never learned: its
  next run may cost much more than the last (``FILTER (RAND() < 0.5)`` before a cross product),
  and here nothing could stop it. Nor is one that uses ``SERVICE`` (refused before it reaches a
  worker; should one ever get through, it stays in a worker, which has no network).
- The worker's reading of the query (its form, whether it names its dataset) comes with the
  job: the text was checked there (no update, no SERVICE, only local graphs) and is not
  parsed again here.
- A SELECT or ASK answer the worker wrote whole (it fitted the row cap) is written here
  straight by Oxigraph's serializer, without reading its rows first to cut them at the cap
  (:func:`~citynet.server.serializers.whole`: the same bytes). The same job on a read-only
  store gives the same rows, so it fits again.
- Only an answer leaves this lane. An error or a refusal sends the job to a worker, which gives
  it the answer it would have had; a run that took more than ``_SLOWER`` times the limit (a busy
  machine) is answered, and the job goes to the workers from then on.
- In memory, the lane's copy of the graph counts against the server process's share of the
  memory budget: where it would take more than half of that share, there is no lane.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from typing import Any, NamedTuple

from citynet.querying.sparql_lexer import has_any_keyword, uses_service
from citynet.server import serializers, worker
from citynet.server.costs import text_digest
from citynet.server.settings import BYTES_PER_TRIPLE, Settings

log = logging.getLogger("citynet.server")

#: A quick job that takes this many times ``inline_up_to`` here goes back to the workers.
_SLOWER = 4
#: Jobs remembered as quick (by digest), the most recently used kept.
_REMEMBERED = 4096
#: Keywords that make a query's work change from run to run.
_VARYING = frozenset({"RAND", "NOW", "UUID", "STRUUID", "BNODE"})


class Reading(NamedTuple):
    """What a worker read of a quick job's query."""

    form: str
    has_dataset: bool
    #: The number of rows, where the worker's answer was a SELECT or ASK answer written whole
    #: in a SPARQL result format; else None (it is cut at the row cap as in a worker).
    whole_rows: int | None


def job_key(job: dict[str, Any]) -> str:
    """What makes a job's work: its query and parameters, its dataset, the format asked for (writing
    one answer as JSON or as XML is not the same work), the row cap and how the query was read. A
    digest: the lane keeps many keys, and a text may be long."""
    bindings = sorted((name, str(term)) for name, term in (job.get("bindings") or {}).items())
    return text_digest(job.get("text") or "", job.get("kind"), job.get("trusted"), job.get("form"), bindings,
                       job.get("result_format"), job.get("graph_format"), job.get("default_graphs"),
                       job.get("named_graphs"), job.get("base_iri"), job.get("max_rows"))


def varies(text: str | None) -> bool:
    """Does the query use a function whose value changes from run to run, or SERVICE?"""
    return text is not None and (has_any_keyword(text, _VARYING) or uses_service(text))


class InlineLane:
    def __init__(self, settings: Settings) -> None:
        self.limit = settings.inline_up_to
        self.held: worker.Held | None = None
        self._quick: OrderedDict[str, Reading] = OrderedDict()

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
                                              "has_dataset": reading.has_dataset,
                                              "whole_rows": reading.whole_rows})
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
        if reply.get("evaluation_cpu", self.limit + 1) > self.limit or varies(job.get("text")):
            return
        key = job_key(job)
        whole = (not reply.get("truncated") and reply["form"] in ("SELECT", "ASK")
                 and reply.get("format") in serializers.WHOLE_FORMATS)
        self._quick[key] = Reading(reply["form"], bool(reply.get("has_dataset")),
                                   reply.get("count") if whole else None)
        self._quick.move_to_end(key)
        while len(self._quick) > _REMEMBERED:
            self._quick.popitem(last=False)
