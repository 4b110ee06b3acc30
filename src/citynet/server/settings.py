"""The server's settings: one typed, frozen dataclass with the limits and their defaults."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import Any

from citynet.errors import InputError

DEFAULT_BASE_IRI = "https://w3id.org/citynet/"
#: What a worker's in-memory copy of the graph costs, about (measured: README, Architecture).
BYTES_PER_TRIPLE = 400
_SERVER_MIN_MB = 256
_MIN_WORKER_MB = 128


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
    #: Seconds after which a running query counts as heavy (see the class doc).
    slow_query_after: float = 0.5
    #: Processor seconds: a query a worker answered within this (the same text, parameters,
    #: dataset and format) is answered in the server process itself the next times, without
    #: the trip to a worker (see :mod:`citynet.server.inline`); 0 for never. About the round
    #: trip it saves: the server process runs such queries one at a time, where workers run
    #: them side by side, so a longer query is better off in a worker.
    inline_up_to: float = 0.001
    #: A query whose plan's estimate passes this many rows is heavy before it runs.
    plan_budget: int = 2_000_000
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
    #: Memory for the whole server, in MiB: the server process, and the query workers, each
    #: limited to an equal share of what the server process leaves (see ``worker_memory_mb``).
    memory_budget_mb: int = 1536
    #: Seconds a client has to send a request's head (its first line and headers), from the
    #: moment it connects or its previous answer was sent (408, and the connection is closed).
    header_timeout: float = 10.0
    #: Seconds a client has to send a request's body once its head is in (the connection is closed).
    body_timeout: float = 20.0
    #: Seconds an idle keep-alive connection stays open.
    keep_alive_timeout: float = 5.0
    #: Open connections at once; beyond, the oldest that is not being answered is closed
    #: (one from the address holding the most), or if every one is, the new one gets 503.
    max_connections: int = 1000
    #: Open connections from one client address; beyond, the address's oldest connection
    #: that is not being answered is closed (so a flood costs its sender), else 503.
    max_connections_per_client: int = 100
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
                     "max_query_length", "max_body_bytes", "max_nesting_depth", "max_connections",
                     "max_connections_per_client", "header_timeout", "body_timeout", "keep_alive_timeout",
                     "plan_budget"):
            positive(name)
        for name in ("workers", "max_rows", "max_query_length", "max_body_bytes", "max_nesting_depth",
                     "max_connections", "max_connections_per_client", "memory_budget_mb", "plan_budget", "port"):
            if not isinstance(getattr(self, name), int) or isinstance(getattr(self, name), bool):
                raise InputError(f"server setting {name} must be a whole number, got {getattr(self, name)!r}")
        if not 0 <= self.port <= 65535:
            raise InputError(f"port must be between 0 and 65535, got {self.port}")
        if isinstance(self.inline_up_to, bool) or not isinstance(self.inline_up_to, (int, float)) \
                or not math.isfinite(self.inline_up_to) or self.inline_up_to < 0:
            raise InputError(f"server setting inline_up_to must be 0 or a positive number of seconds, "
                             f"got {self.inline_up_to!r}")
        if self.memory_budget_mb < 0:
            raise InputError("memory_budget_mb must be 0 (no limit) or more")
        if self.memory_budget_mb and self.worker_memory_mb < _MIN_WORKER_MB:
            raise InputError(f"a memory budget of {self.memory_budget_mb} MiB leaves {self.worker_memory_mb} MiB to "
                             f"each of {self.workers} query workers; they need at least {_MIN_WORKER_MB} MiB each")
        if self.hold not in ("auto", "memory", "disk"):
            raise InputError(f"hold must be auto, memory or disk, got {self.hold!r}")
        if not isinstance(self.in_memory_up_to, int) or self.in_memory_up_to < 0:
            raise InputError(f"in_memory_up_to must be a whole number of triples, got {self.in_memory_up_to!r}")
        if not self.base_iri.endswith("/"):
            raise InputError(f"base_iri must end with '/', got {self.base_iri!r}")

    def holds_in_memory(self, triples: int) -> bool:
        """Do workers copy a graph of ``triples`` into memory? With "auto", only while the copy
        takes at most half of a worker's memory share (the rest is for queries)."""
        if self.hold != "auto":
            return self.hold == "memory"
        fits = not self.memory_budget_mb or triples * BYTES_PER_TRIPLE <= self.worker_memory_mb * 2**20 // 2
        return triples <= self.in_memory_up_to and fits

    @property
    def server_memory_mb(self) -> int:
        """The part of the budget kept for the server process itself (HTTP, pages, the
        name index, the fork server): a quarter, and at least 256 MiB."""
        return max(_SERVER_MIN_MB, self.memory_budget_mb // 4)

    @property
    def worker_memory_mb(self) -> int:
        """Each query worker's memory limit (``RLIMIT_DATA``), in MiB, derived from
        ``memory_budget_mb``: an equal share of what the server process leaves; 0 for none."""
        if not self.memory_budget_mb:
            return 0
        return (self.memory_budget_mb - self.server_memory_mb) // self.workers

    @property
    def heavy_slots(self) -> int:
        """How many workers may run heavy queries at once: all but one (with a single
        worker, that one: there is then no capacity kept for light queries)."""
        return max(1, self.workers - 1)

    def with_changes(self, **changes: Any) -> Settings:
        """A copy with some settings changed (None values are ignored)."""
        known = {f.name for f in fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise InputError(f"unknown server settings: {', '.join(sorted(unknown))}")
        return replace(self, **{k: v for k, v in changes.items() if v is not None})
