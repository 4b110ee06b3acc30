"""What the server holds while it runs: the graph, the worker pool, and what is
computed once at start-up (the stored queries' forms, graph sizes, the OpenAPI document)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from rdflib import Graph

from citynet.graph.knowledge_graph import KnowledgeGraph
from citynet.querying.stored_queries import QueryCatalogue, catalogue
from citynet.server.dataset import load_dataset, triples_per_graph
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

    #: The named graphs of the dataset (see :mod:`citynet.server.dataset`).
    local_graphs: list[str] = field(default_factory=list)
    #: Last-Modified of every document made from the graph (see :mod:`citynet.server.conditional`).
    last_modified: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))

    @property
    def rdf(self) -> Graph:
        return self.graph.rdflib_graph

    def prepare(self) -> None:
        """Blocking start-up work: parse each stored query once, build the name index and
        the rdflib graph, count the triples of each file."""
        self.forms = {q.name: q.form for q in self.queries}
        _ = self.graph.names
        _ = self.graph.rdflib_graph
        self.graph_sizes = triples_per_graph(load_dataset(self.graph.files))
        self.local_graphs = list(self.graph_sizes)
        from citynet.publish.publication import config_path
        from citynet.server.conditional import newest_modification, source_files

        self.last_modified = newest_modification(source_files(self.graph.files, config_path()))
        from citynet.server.api import openapi_document
        from citynet.server.linked_data import _site_page

        self.openapi = openapi_document(self)
        _site_page(self, self.settings.base_iri)  # builds citynet.publish.site's model now, if the site is there

    def remember(self, key: Any, make: Any) -> Any:
        """A small bounded cache for computed documents (``make()`` on a miss)."""
        if key not in self.cache:
            if len(self.cache) >= 256:
                self.cache.pop(next(iter(self.cache)))
            self.cache[key] = make()
        return self.cache[key]

    async def start(self) -> None:
        await asyncio.get_running_loop().run_in_executor(None, self.prepare)
        self.pool = WorkerPool(self.graph.files, self.settings)
        await self.pool.start()

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.close()
