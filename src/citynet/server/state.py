"""What the server holds while it runs: the graph, the worker pool, and what is
computed once at start-up (the stored queries' forms, graph sizes, the OpenAPI document).

The data is parsed once, into the on-disk store of :mod:`citynet.graph.persistent` (reopened
while the files are unchanged); the server process and every worker open that one store."""

from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from citynet.graph.dataset import triples_per_graph
from citynet.graph.knowledge_graph import KnowledgeGraph
from citynet.graph.persistent import store_path
from citynet.querying.stored_queries import QueryCatalogue, catalogue
from citynet.server.connections import ConnectionGuard
from citynet.server.inline import InlineLane
from citynet.server.pool import WorkerPool
from citynet.server.settings import Settings

log = logging.getLogger("citynet.server")


@dataclass
class ServerState:
    graph: KnowledgeGraph
    settings: Settings
    queries: QueryCatalogue = field(default_factory=catalogue)
    pool: WorkerPool | None = None
    #: Named graph IRI (one per file) -> number of triples.
    graph_sizes: dict[str, int] = field(default_factory=dict)
    forms: dict[str, str] = field(default_factory=dict)
    openapi: dict[str, Any] | None = None
    cache: dict[Any, Any] = field(default_factory=dict)
    #: The connection guard, when run by :func:`citynet.server.serve` (another ASGI server has its own).
    connections: ConnectionGuard | None = None

    #: The named graphs of the dataset (see :mod:`citynet.server.dataset`).
    local_graphs: list[str] = field(default_factory=list)
    #: Last-Modified of every document made from the graph (see :mod:`citynet.server.conditional`).
    last_modified: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))

    def open_store(self) -> None:
        """Open the on-disk store (built now if the files are new): the one parse of the data."""
        if not self.graph.persistent:
            self.graph = KnowledgeGraph(self.graph.data_files, persistent=True,
                                        ontology=self.graph.ontology_file is not None)

    def prepare(self) -> None:
        """Blocking start-up work: parse each stored query once, count the triples of each
        file. The name index and the site's model (the pages' data, which at a million triples
        takes longer than the rest of the start) are built meanwhile: a request that names an
        entity, or asks for a page, waits for them; a query does not."""
        from citynet.server.site_pages import site_page

        threading.Thread(target=lambda: self.graph.names, name="citynet-name-index", daemon=True).start()
        threading.Thread(target=site_page, args=(self, self.settings.base_iri), name="citynet-site-model",
                         daemon=True).start()
        self.forms = {q.name: q.form for q in self.queries}
        self.graph_sizes = triples_per_graph(self.graph.store)
        self.local_graphs = list(self.graph_sizes)
        from citynet.publish.publication import config_path
        from citynet.server.conditional import newest_modification, source_files

        self.last_modified = newest_modification(source_files(self.graph.files, config_path()))
        from citynet.server.api import openapi_document

        self.openapi = openapi_document(self)

    def remember(self, key: Any, make: Any) -> Any:
        """A small bounded cache for computed documents (``make()`` on a miss)."""
        if key not in self.cache:
            if len(self.cache) >= 256:
                self.cache.pop(next(iter(self.cache)))
            self.cache[key] = make()
        return self.cache[key]

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self.open_store)
        in_memory = self.settings.holds_in_memory(len(self.graph))
        inline = InlineLane.wanted(self.settings, len(self.graph), in_memory)
        self.pool = WorkerPool(store_path(self.graph.files), in_memory, self.settings, inline)
        # The workers open the store while this process prepares the rest.
        await asyncio.gather(loop.run_in_executor(None, self.prepare), self.pool.start())

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.close()
