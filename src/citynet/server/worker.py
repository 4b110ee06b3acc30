"""A query worker: a separate process with its own Oxigraph store, loaded from the same
Turtle files as the server's graph, that checks, runs and serializes one query at a time.

Running queries in processes lets the server stop a query that runs too long by
killing its worker, which no thread allows. Each worker:

- cuts itself off the network first (a network namespace of its own, where the OS
  allows it), so even a query that slipped past every check could not reach a host;
- caps its memory (``RLIMIT_AS``);
- loads each file into a named graph ``https://w3id.org/citynet/graph/{file stem}`` and
  queries their union as the default graph (the same triples as the server's graph);
- parses every ad-hoc query with rdflib first (refusing updates and SERVICE, and
  FROM / FROM NAMED graphs that are not local), once per distinct text.

The pipe protocol: the parent sends a job dict, the worker answers with a reply dict;
``None`` asks the worker to stop.
"""

from __future__ import annotations

import ctypes
import itertools
import os
import sys
import time
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph

from citynet.errors import QueryError
from citynet.server import serializers
from citynet.sparql_safety import parse_read_only_query

_CLONE_NEWNET = 0x40000000
_CLONE_NEWUSER = 0x10000000
_RECURSION_LIMIT = 6000  # the text guard keeps nesting shallow; rdflib's parser recurses a lot per level


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
    if megabytes <= 0:
        return False
    try:
        import resource

        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        return True
    except (ImportError, ValueError, OSError):
        return False


def load_store(files: list[str], graph_names: list[str]) -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    for path, name in zip(files, graph_names, strict=True):
        store.bulk_load(path=path, format=pyoxigraph.RdfFormat.TURTLE, base_iri=Path(path).resolve().as_uri(),
                        to_graph=pyoxigraph.NamedNode(name))
    return store


class Failure(Exception):
    def __init__(self, status: int, message: str, note: str) -> None:
        super().__init__(message)
        self.status, self.message, self.note = status, message, note


@lru_cache(maxsize=512)
def analyse(text: str, local_graphs: frozenset[str]) -> tuple[str, bool]:
    """Parse an ad-hoc query once: its form, and whether it names its own dataset (FROM).
    Raises :class:`Failure` for what the endpoint does not run."""
    try:
        prepared = parse_read_only_query(text)
    except QueryError as error:
        note = "update" if "updates are not allowed" in error.message else (
            "service" if "SERVICE" in error.message else "syntax")
        raise Failure(400, str(error), note) from None
    except RecursionError:
        raise Failure(400, "the query is nested too deeply to be parsed", "too-deep") from None
    form = prepared.algebra.name.removesuffix("Query").upper()
    clauses = prepared.algebra.get("datasetClause") or []
    for clause in clauses:
        iri = str(clause.get("default") or clause.get("named"))
        if iri not in local_graphs:
            keyword = "FROM NAMED" if clause.get("named") is not None else "FROM"
            raise Failure(400, f"{keyword} <{iri}> is not a graph of this endpoint: it never loads data "
                               "from elsewhere. Its graphs are: " + ", ".join(f"<{g}>" for g in sorted(local_graphs)),
                          "remote-graph")
    return form, bool(clauses)


def _term(spec: tuple[str, ...]) -> Any:
    kind = spec[0]
    if kind == "uri":
        return pyoxigraph.NamedNode(spec[1])
    if kind == "bnode":
        return pyoxigraph.BlankNode(spec[1])
    _, value, language, datatype = spec
    if language:
        return pyoxigraph.Literal(value, language=language)
    if datatype:
        return pyoxigraph.Literal(value, datatype=pyoxigraph.NamedNode(datatype))
    return pyoxigraph.Literal(value)


def handle(store: pyoxigraph.Store, local_graphs: frozenset[str], job: dict[str, Any]) -> dict[str, Any]:
    """Run one job; every outcome is a reply dict."""
    started = time.perf_counter()
    text: str = job["text"]
    form: str | None = None
    try:
        if job.get("trusted"):
            form, has_dataset = job["form"], False
        else:
            form, has_dataset = analyse(text, local_graphs)
        fmt = job["result_format"] if form in ("SELECT", "ASK") else job["graph_format"]
        if fmt is None:
            raise Failure(406, f"a {form} query's answer cannot be given in the format asked for", "not-acceptable")
        options: dict[str, Any] = {}
        if job.get("default_graphs") or job.get("named_graphs"):
            options["default_graph"] = [pyoxigraph.NamedNode(g) for g in job.get("default_graphs") or ()]
            options["named_graphs"] = [pyoxigraph.NamedNode(g) for g in job.get("named_graphs") or ()]
        elif not has_dataset:
            options["use_default_graph_as_union"] = True
        substitutions = {pyoxigraph.Variable(k): _term(v) for k, v in (job.get("bindings") or {}).items()}
        limit: int = job["max_rows"]
        try:
            answer = store.query(text, substitutions=substitutions, **options)
            body, truncated, count = _serialize(answer, fmt, limit)
        except SyntaxError as error:
            raise Failure(400, f"SPARQL syntax error: {error}", "syntax") from None
        except OSError as error:
            raise Failure(400, f"the query failed: {error}", "failed") from None
        return {"ok": True, "form": form, "format": fmt, "body": body, "truncated": truncated, "count": count,
                "seconds": time.perf_counter() - started}
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
        return serializers.SELECT_WRITERS[fmt](variables, rows, truncated, limit), truncated, len(rows)
    triples, truncated = _take(answer, limit)
    return serializers.graph(triples, fmt, truncated, limit), truncated, len(triples)


def _take(items: Iterable[Any], limit: int) -> tuple[list[Any], bool]:
    """At most ``limit`` items, and whether there were more (reads one past the limit, no further)."""
    taken = list(itertools.islice(items, limit + 1))
    return taken[:limit], len(taken) > limit


def main(connection: Any, files: list[str], graph_names: list[str], memory_mb: int) -> None:
    """The worker process: set up, say ready, then answer jobs until told to stop."""
    isolated = isolate_from_network()
    limited = limit_memory(memory_mb)
    sys.setrecursionlimit(_RECURSION_LIMIT)
    try:
        store = load_store(files, graph_names)
    except Exception as error:  # reported to the parent, which logs it
        connection.send({"ready": False, "error": f"{type(error).__name__}: {error}"})
        return
    local = frozenset(graph_names)
    connection.send({"ready": True, "pid": os.getpid(), "isolated": isolated, "memory_limited": limited,
                     "triples": len(store)})
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        connection.send(handle(store, local, job))
