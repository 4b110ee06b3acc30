"""A query worker: a separate process that checks, runs and serializes one query at a time,
on the server's store (opened read-only: the data was parsed once, before any worker started).

Running queries in processes lets the server stop a query that runs too long by
killing its worker, which no thread allows. Each worker:

- cuts itself off the network first (a network namespace of its own, where the OS
  allows it), so even a query that slipped past every check could not reach a host;
- caps its memory (``RLIMIT_DATA``: the memory it writes to, which is what it uses; the
  address space it reserves is many times more, so ``RLIMIT_AS`` would cap nothing useful);
- opens the store, in the dataset layout of :mod:`citynet.graph.dataset` (a named graph per
  file, and every triple once in the default graph), or copies it into memory, and queries
  its default graph unless the query or the request names its dataset. The copy leaves out
  the default graph, asking for the union of the named graphs instead, where that union
  holds each triple once (no triple in two files): the same set of triples, in half the memory;
- reads every ad-hoc query first, once per distinct text: quickly where
  :mod:`citynet.querying.sparql_outline` can, else with rdflib's parser, which refuses updates
  and SERVICE; refuses FROM / FROM NAMED graphs that are not local, and estimates the query's
  cost from its plan (:mod:`citynet.server.plan_cost`): a query sent as light whose
  estimate passes the budget is handed back unrun, marked heavy;
- runs each query in a thread other than its main one: a heavy one in a new thread at a
  lower CPU priority (a higher nice value) from the start, any other in a thread kept from
  one light query to the next, until a query in it runs past the grace period and its
  priority is lowered; the thread then ends with that query, and the next light query gets
  a new one. Linux sets priorities per thread and a new thread starts at its creator's, so
  no thread ever needs its priority raised again (which an unprivileged process may not do);
- writes SELECT and ASK answers with Oxigraph's serializers (:mod:`citynet.server.serializers`).

The pipe protocol: the parent sends a job dict, the worker answers with a reply dict;
``None`` asks the worker to stop.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import os
import queue
import sys
import threading
import time
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, NamedTuple

import pyoxigraph
from rdflib.term import Identifier

from citynet.errors import CitynetError, QueryError
from citynet.graph.dataset import default_graph_size, local_graph_names, named_graph_quads
from citynet.graph.terms import to_oxigraph
from citynet.querying.sparql_outline import outline
from citynet.querying.sparql_safety import parse_read_only_query
from citynet.server import serializers
from citynet.server.plan_cost import Pattern, estimate_rows, is_variable, triple_patterns

_CLONE_NEWNET = 0x40000000
_CLONE_NEWUSER = 0x10000000
_RECURSION_LIMIT = 6000  # the text guard keeps nesting shallow; rdflib's parser recurses a lot per level
#: The nice value of a thread running a heavy query: light ones (nice 0) come first.
HEAVY_NICENESS = 10
#: Counting a pattern's triples for the plan's estimate stops here (enough to tell heavy from light).
_COUNT_CAP = 100_000


def isolate_from_network() -> bool:
    """Move this process into a network namespace of its own (no interfaces that reach out).
    True if that worked; where the OS does not allow it, the checks before evaluation remain."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        for flags in (_CLONE_NEWNET, _CLONE_NEWUSER | _CLONE_NEWNET):
            if libc.unshare(flags) == 0:
                return True
    except (OSError, AttributeError):
        pass
    return False


def limit_memory(megabytes: int) -> bool:
    """Cap the memory this process writes to (heap and private mappings) at ``megabytes``."""
    if megabytes <= 0:
        return False
    try:
        import resource

        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
        return True
    except (ImportError, ValueError, OSError):
        return False


def lower_priority(thread_id: int | None = None) -> None:
    """Give a thread (this one by default) the heavy queries' nice value; Linux keeps nice
    values per thread. Where the OS refuses, the query runs at normal priority."""
    if hasattr(os, "setpriority"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, thread_id or threading.get_native_id(), HEAVY_NICENESS)


class Failure(Exception):
    def __init__(self, status: int, message: str, note: str) -> None:
        super().__init__(message)
        self.status, self.message, self.note = status, message, note


class Analysis(NamedTuple):
    form: str
    #: Does it name its own dataset (FROM, FROM NAMED)?
    has_dataset: bool
    patterns: tuple[Pattern, ...]


@lru_cache(maxsize=512)
def analyse(text: str, local_graphs: frozenset[str], base_iri: str | None = None) -> Analysis:
    """Read an ad-hoc query once: its form, whether it names its own dataset (FROM,
    FROM NAMED), and its triple patterns. Read by :func:`~citynet.querying.sparql_outline.outline`
    where it can (a fraction of a millisecond), else parsed by rdflib (tens of milliseconds).
    Raises :class:`Failure` for what the endpoint does not run."""
    quick = outline(text)
    if quick is None:
        return parsed(text, local_graphs, base_iri)
    _check_dataset(quick.dataset, local_graphs)
    return Analysis(quick.form, bool(quick.dataset), quick.patterns)


@lru_cache(maxsize=512)
def parsed(text: str, local_graphs: frozenset[str], base_iri: str | None = None) -> Analysis:
    """:func:`analyse` by rdflib's parser, which refuses updates, SERVICE and syntax errors
    with its own messages (also called for a text Oxigraph refuses after a quick reading)."""
    try:
        prepared = parse_read_only_query(text, base_iri=base_iri)
    except QueryError as error:
        note = "update" if "updates are not allowed" in error.message else (
            "service" if "SERVICE" in error.message else "syntax")
        raise Failure(400, str(error), note) from None
    except RecursionError:
        raise Failure(400, "the query is nested too deeply to be parsed", "too-deep") from None
    form = prepared.algebra.name.removesuffix("Query").upper()
    # rdflib's datasetClause is a list of CompValues holding either "default" (FROM) or
    # "named" (FROM NAMED). Test with `in`: CompValue.get returns the key itself when missing.
    algebra = prepared.algebra
    clauses = (algebra["datasetClause"] if "datasetClause" in algebra else None) or []  # noqa: SIM401 (see above)
    dataset = [("FROM NAMED", str(c["named"])) if "named" in c else ("FROM", str(c["default"])) for c in clauses]
    _check_dataset(dataset, local_graphs)
    return Analysis(form, bool(clauses), tuple(triple_patterns(algebra)))


def _check_dataset(dataset: Iterable[tuple[str, str]], local_graphs: frozenset[str]) -> None:
    for keyword, iri in dataset:
        if iri not in local_graphs:
            raise Failure(400, f"{keyword} <{iri}> is not a graph of this endpoint: it never loads data "
                               "from elsewhere. Its graphs are: " + ", ".join(f"<{g}>" for g in sorted(local_graphs)),
                          "remote-graph")


@lru_cache(maxsize=512)
def planned_rows(text: str, local_graphs: frozenset[str], base_iri: str | None, counter: Counter) -> int:
    """The plan's estimate of a query :func:`analyse` has read, once per text: the store is
    read-only, so it stays what it was."""
    return estimate_rows(analyse(text, local_graphs, base_iri).patterns, counter.count)


class Counter:
    """How many triples match a pattern, counted up to a cap, once per pattern (the store is
    read-only), in ``graph`` (None: in every graph)."""

    def __init__(self, store: pyoxigraph.Store, graph: pyoxigraph.DefaultGraph | None = None) -> None:
        self.store, self.graph = store, graph
        self.count = lru_cache(maxsize=4096)(self._count)

    def _count(self, pattern: Pattern) -> int:
        try:
            terms = [to_oxigraph(t) if isinstance(t, Identifier) and not is_variable(t) else None for t in pattern]
            matches = self.store.quads_for_pattern(terms[0], terms[1], terms[2], self.graph)  # type: ignore[arg-type]
            return sum(1 for _ in itertools.islice(matches, _COUNT_CAP))
        except (TypeError, ValueError):  # a literal as subject, say: it matches nothing
            return 0


def handle(held: Held, job: dict[str, Any]) -> dict[str, Any]:
    """Run one job; every outcome is a reply dict."""
    started = time.perf_counter()
    store, local_graphs = held.store, held.local_graphs
    if job.get("kind") == "dataset":
        return _dataset(store, job, started)
    text: str = job["text"]
    form: str | None = None
    try:
        if job.get("trusted"):
            form, has_dataset = job["form"], job.get("has_dataset", False)
        else:
            form, has_dataset, _ = analyse(text, local_graphs, job.get("base_iri"))
            if job.get("lane") != "heavy":
                rows = planned_rows(text, local_graphs, job.get("base_iri"), held.counter)
                if rows > job.get("plan_budget", rows):
                    return {"ok": False, "heavy": True, "estimate": rows, "form": form}
        fmt = job["result_format"] if form in ("SELECT", "ASK") else job["graph_format"]
        if fmt is None:
            raise Failure(406, f"a {form} query's answer cannot be given in the format asked for", "not-acceptable")
        options: dict[str, Any] = {}
        if job.get("default_graphs") or job.get("named_graphs"):
            options["default_graph"] = [pyoxigraph.NamedNode(g) for g in job.get("default_graphs") or ()]
            options["named_graphs"] = [pyoxigraph.NamedNode(g) for g in job.get("named_graphs") or ()]
        elif not has_dataset and held.union_default:
            options["use_default_graph_as_union"] = True
        substitutions = {pyoxigraph.Variable(k): v for k, v in (job.get("bindings") or {}).items()}
        limit: int = job["max_rows"]
        evaluating = time.thread_time()
        try:
            answer = store.query(text, substitutions=substitutions, base_iri=job.get("base_iri"), **options)
            whole_rows = job.get("whole_rows")
            if (whole_rows is not None and fmt in serializers.WHOLE_FORMATS
                    and isinstance(answer, pyoxigraph.QuerySolutions | pyoxigraph.QueryBoolean)):
                # Seen to fit the row cap before (the quick-query lane): nothing to cut.
                body, truncated, count = serializers.whole(answer, fmt), False, whole_rows
            else:
                body, truncated, count = _serialize(answer, fmt, limit)
        except SyntaxError as error:
            if not job.get("trusted"):
                # Read quickly, the text was not checked whole: where rdflib refuses it too, its
                # message (with line and column) is the one this endpoint has always given.
                try:
                    parsed(text, local_graphs, job.get("base_iri"))
                except Failure:
                    form = None  # refused before its form is read, as rdflib alone refuses it
                    raise
            raise Failure(400, f"SPARQL syntax error: {error}", "syntax") from None
        except (OSError, ValueError) as error:
            raise Failure(400, f"the query failed: {error}", "failed") from None
        except CitynetError as error:
            # An answer the format cannot hold (JSON-LD and an IRI that reads as a compact IRI).
            raise Failure(406, f"the answer cannot be written in the format asked for: {error.message}",
                          "not-acceptable") from None
        return {"ok": True, "form": form, "has_dataset": has_dataset, "format": fmt, "body": body,
                "truncated": truncated, "count": count, "seconds": time.perf_counter() - started,
                "evaluation_cpu": time.thread_time() - evaluating}
    except Failure as failure:
        return {"ok": False, "status": failure.status, "message": failure.message, "note": failure.note,
                "form": form}
    except MemoryError:
        return {"ok": False, "status": 503, "note": "memory", "retire": True,
                "message": "the query needs more memory than this endpoint allows one query"}


def _serialize(answer: Any, fmt: str, limit: int) -> tuple[bytes, bool, int]:
    if isinstance(answer, pyoxigraph.QueryBoolean):
        return serializers.ask(bool(answer), fmt), False, 1
    if isinstance(answer, pyoxigraph.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows, truncated = _take((tuple(solution) for solution in answer), limit)
        return serializers.select(variables, rows, fmt, truncated, limit), truncated, len(rows)
    triples, truncated = _take(answer, limit)
    return serializers.graph(triples, fmt, truncated, limit), truncated, len(triples)


def _dataset(store: pyoxigraph.Store, job: dict[str, Any], started: float) -> dict[str, Any]:
    """The whole dataset, every graph with its name (the Graph Store's GET without a graph)."""
    evaluating = time.thread_time()
    limit: int = job["max_rows"]
    # Graphs in the order of their names: a store in memory lists them in an order of its own.
    named = (quad for graph in sorted(store.named_graphs(), key=str)
             for quad in store.quads_for_pattern(None, None, None, graph))  # not the default graph's copy
    quads, truncated = _take(named, limit)
    body = serializers.dataset(quads, job["graph_format"], truncated, limit)
    return {"ok": True, "form": "DATASET", "format": job["graph_format"], "body": body, "truncated": truncated,
            "count": len(quads), "seconds": time.perf_counter() - started,
            "evaluation_cpu": time.thread_time() - evaluating}


def _take(items: Iterable[Any], limit: int) -> tuple[list[Any], bool]:
    """At most ``limit`` items, and whether there were more (reads one past the limit, no further)."""
    taken = list(itertools.islice(items, limit + 1))
    return taken[:limit], len(taken) > limit


class Held(NamedTuple):
    """The graph a worker queries: its store, and how a query's default graph is asked for."""

    store: pyoxigraph.Store
    #: The default graph is the union of the named graphs, asked for as such (no copy of it is
    #: held), where that union holds each triple once; else the store holds the default graph.
    union_default: bool
    local_graphs: frozenset[str]
    counter: Counter


def hold(path: str, in_memory: bool) -> Held:
    """The server's store, read-only; or a copy of it in memory: its named graphs, and its
    default graph only if some triple is in two named graphs (a query's default graph is a set
    of triples, where the union of the named graphs would give that triple twice)."""
    on_disk = pyoxigraph.Store.read_only(path)
    store, union = on_disk, False
    if in_memory:
        store, union = pyoxigraph.Store(), True
        named_graph_quads(on_disk, store)
        if len(store) != default_graph_size(on_disk):
            store.bulk_extend(on_disk.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph()))
            union = False
    counter = Counter(store, None if union else pyoxigraph.DefaultGraph())
    return Held(store, union, frozenset(local_graph_names(store)), counter)


class LightThread:
    """The thread light queries run in, one after another: starting a thread per query cost
    more than many a query. Once its priority is lowered (a query ran past the grace period)
    it takes no new query and ends after the one it runs."""

    def __init__(self) -> None:
        self._tasks: queue.SimpleQueue[tuple[Any, threading.Event] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._serve, name="citynet-query", daemon=True)
        self._thread.start()
        self.lowered = False

    def _serve(self) -> None:
        while True:
            task = self._tasks.get()
            if task is None:
                return
            work, finished = task
            try:
                work()
            finally:
                finished.set()

    def run(self, work: Any, grace: float | None) -> None:
        """Run ``work`` here; past ``grace`` seconds lower this thread's priority and wait on."""
        finished = threading.Event()
        self._tasks.put((work, finished))
        if not finished.wait(grace):
            self.lowered = True
            self._tasks.put(None)  # ends once this query has
            lower_priority(self._thread.native_id)
            finished.wait()


_light: LightThread | None = None


def light_thread() -> LightThread:
    """The light queries' thread: the current one while its priority is normal, else a new one."""
    global _light
    if _light is None or _light.lowered:
        _light = LightThread()
    return _light


def run_job(held: Held, job: dict[str, Any]) -> dict[str, Any]:
    """Run one job in a thread other than this one: a heavy one in a new thread at a lower
    priority, a light one in the light queries' thread, lowered once it has run past the job's
    ``grace`` seconds."""
    box: dict[str, dict[str, Any]] = {}

    def target() -> None:
        if job.get("lane") == "heavy":
            lower_priority()
        started = time.thread_time()
        try:
            box["reply"] = handle(held, job)
        except Exception as error:  # a bug: answered, and this worker replaced
            box["reply"] = {"ok": False, "status": 500, "note": "crash", "retire": True,
                            "message": f"the query failed in its worker: {type(error).__name__}"}
        # The processor time the query took: what the pool learns its cost from (the time
        # it waited for a processor on a busy machine says nothing about the query).
        box["reply"]["cpu"] = time.thread_time() - started

    if job.get("lane") != "heavy":
        light_thread().run(target, job.get("grace"))
        return box["reply"]
    thread = threading.Thread(target=target, name="citynet-query", daemon=True)
    thread.start()
    thread.join(job.get("grace"))
    if thread.is_alive():
        lower_priority(thread.native_id)
        thread.join()
    return box["reply"]


def main(connection: Any, store_path: str, in_memory: bool, memory_mb: int) -> None:
    """The worker process: set up, say ready, then answer jobs until told to stop."""
    isolated = isolate_from_network()
    limited = limit_memory(memory_mb)
    sys.setrecursionlimit(_RECURSION_LIMIT)
    try:
        held = hold(store_path, in_memory)
    except Exception as error:  # reported to the parent, which logs it
        connection.send({"ready": False, "error": f"{type(error).__name__}: {error}"})
        return
    connection.send({"ready": True, "pid": os.getpid(), "isolated": isolated, "memory_limited": limited,
                     "triples": len(held.store)})
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        connection.send(run_job(held, job))
