"""The server's settings: one typed, frozen dataclass with the limits and their defaults."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import Any

from citynet.errors import InputError

DEFAULT_BASE_IRI = "https://w3id.org/citynet/"


@dataclass(frozen=True)
class Settings:
    """How ``citynet serve`` listens, and the limits every request is held to.

    Queries are evaluated in ``workers`` separate processes. The data is parsed once, into
    an on-disk Oxigraph store that every worker opens read-only; a worker copies it into
    memory (faster queries, more memory) where the graph has at most ``in_memory_up_to``
    triples (``hold`` "auto"), always ("memory") or never ("disk"). A query that runs longer than
    ``query_timeout`` seconds is stopped by killing its worker (which is then
    replaced). One worker is always kept for quick queries: a query still running
    after ``slow_query_after`` seconds needs one of ``workers - 1`` "long-query
    slots", and when all of them are taken it is stopped with 503 (busy).
    """

    host: str = "127.0.0.1"
    port: int = 8000
    #: Worker processes that evaluate queries.
    workers: int = 3
    #: How workers hold the graph: "auto", "memory" or "disk" (see the class doc).
    hold: str = "auto"
    #: With hold "auto": the largest graph (triples) that workers copy into memory. About
    #: 400 bytes a triple per worker: the default keeps 3 workers under 1 GB together.
    in_memory_up_to: int = 750_000
    #: Seconds a query may run before it is stopped (504).
    query_timeout: float = 10.0
    #: Seconds after which a running query counts as long-running (see the class doc).
    slow_query_after: float = 1.0
    #: Seconds a request may wait for a free worker before it is answered 503.
    queue_timeout: float = 10.0
    #: Most rows (SELECT) or triples (CONSTRUCT/DESCRIBE) in one answer; beyond it the
    #: answer is cut and says so (header ``Citynet-Truncated``, and a note in JSON).
    max_rows: int = 10_000
    #: Longest query text accepted, in characters (413 beyond).
    max_query_length: int = 20_000
    #: Largest request body accepted, in bytes (413 beyond).
    max_body_bytes: int = 100_000
    #: Deepest nesting of ``{ ( [`` in a query (400 beyond): deeper queries can exhaust
    #: the parsers' stacks.
    max_nesting_depth: int = 40
    #: Memory (address space) per worker process, in MiB; 0 for no limit.
    worker_memory_mb: int = 2048
    #: Open connections uvicorn accepts at once (503 beyond).
    max_connections: int = 200
    #: Origins allowed by CORS ("*" for any: the endpoint is public and read-only).
    cors_origins: tuple[str, ...] = ("*",)
    #: The IRI base that the server's paths stand for: ``{base_iri}id/city/rostock`` is
    #: served at ``/id/city/rostock``.
    base_iri: str = DEFAULT_BASE_IRI
    #: One line per request on the ``citynet.server.access`` logger.
    access_log: bool = True

    def __post_init__(self) -> None:
        def positive(name: str) -> None:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                    or value <= 0:
                raise InputError(f"server setting {name} must be a positive number, got {value!r}")

        for name in ("workers", "query_timeout", "slow_query_after", "queue_timeout", "max_rows",
                     "max_query_length", "max_body_bytes", "max_nesting_depth", "max_connections"):
            positive(name)
        for name in ("workers", "max_rows", "max_query_length", "max_body_bytes", "max_nesting_depth",
                     "max_connections", "worker_memory_mb", "port"):
            if not isinstance(getattr(self, name), int) or isinstance(getattr(self, name), bool):
                raise InputError(f"server setting {name} must be a whole number, got {getattr(self, name)!r}")
        if not 0 <= self.port <= 65535:
            raise InputError(f"port must be between 0 and 65535, got {self.port}")
        if self.worker_memory_mb < 0:
            raise InputError("worker_memory_mb must be 0 (no limit) or more")
        if self.hold not in ("auto", "memory", "disk"):
            raise InputError(f"hold must be auto, memory or disk, got {self.hold!r}")
        if not isinstance(self.in_memory_up_to, int) or self.in_memory_up_to < 0:
            raise InputError(f"in_memory_up_to must be a whole number of triples, got {self.in_memory_up_to!r}")
        if not self.base_iri.endswith("/"):
            raise InputError(f"base_iri must end with '/', got {self.base_iri!r}")

    def holds_in_memory(self, triples: int) -> bool:
        """Do workers copy a graph of ``triples`` into memory?"""
        return self.hold == "memory" or (self.hold == "auto" and triples <= self.in_memory_up_to)

    @property
    def long_query_slots(self) -> int:
        """How many workers may be busy with long-running queries at once."""
        return max(1, self.workers - 1)

    def with_changes(self, **changes: Any) -> Settings:
        """A copy with some settings changed (None values are ignored)."""
        known = {f.name for f in fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise InputError(f"unknown server settings: {', '.join(sorted(unknown))}")
        return replace(self, **{k: v for k, v in changes.items() if v is not None})
