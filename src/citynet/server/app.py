"""The ASGI application: routes, middleware (access log, security headers, CORS) and the
life cycle of the worker pool."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from citynet import __version__
from citynet.errors import InputError
from citynet.graph.knowledge_graph import KnowledgeGraph, shipped_graph
from citynet.server import api, catalog, downloads, graph_store, linked_data, page, protocol, site_pages
from citynet.server.execution import ROW_LIMIT_HEADER, TRUNCATED_HEADER
from citynet.server.responses import LOG_NOTE
from citynet.server.settings import Settings
from citynet.server.state import ServerState

access_log = logging.getLogger("citynet.server.access")
log = logging.getLogger("citynet.server")

_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\"\\]")
_SECURITY_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]


def _printable(text: str, limit: int) -> str:
    """Text safe for one log line: control characters, quotes and backslashes escaped, cut at ``limit``."""
    text = text if len(text) <= limit else text[:limit] + "…"
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


class AccessLogMiddleware:
    """One line per request: client, method, path (query string shortened), status, bytes,
    milliseconds, and notes from the handlers (``timeout``, ``truncated``, ``select:12``…).
    Also adds ``X-Content-Type-Options`` and ``Referrer-Policy`` to every answer."""

    def __init__(self, app: ASGIApp, enabled: bool = True) -> None:
        self.app = app
        self.enabled = enabled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        notes: list[str] = []
        scope[LOG_NOTE] = notes
        status = 0
        size = 0
        logged = False

        def write_line() -> None:
            nonlocal logged
            if logged or not self.enabled:
                return
            logged = True
            client = scope.get("client")
            path = scope.get("path", "")
            query = scope.get("query_string", b"").decode("latin-1")
            target = _printable(path, 200) + ("?" + _printable(query, 120) if query else "")
            access_log.info('%s "%s %s" %d %dB %.1fms%s', f"{client[0]}:{client[1]}" if client else "-",
                            scope.get("method", "?"), target, status or 500, size,
                            (time.perf_counter() - started) * 1000, (" " + " ".join(notes)) if notes else "")

        async def sending(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in _SECURITY_HEADERS if k not in present]
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
                if not message.get("more_body", False):
                    write_line()  # before the last bytes leave: a client that has the answer finds the line
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception:
            notes.append("exception")
            raise
        finally:
            write_line()


async def health(request: Request) -> Response:
    state: ServerState = request.app.state.citynet
    pool = state.pool
    return JSONResponse({
        "status": "ok" if pool is not None and pool.pids() else "starting",
        "version": __version__, "triples": len(state.graph),
        "workers": pool.pids() if pool else [], "networkIsolation": pool.isolated if pool else None,
        "stats": vars(pool.stats) if pool else {},
        "heavySlots": {"count": pool.heavy.count, "taken": pool.heavy.taken} if pool else None,
        "connections": vars(state.connections.stats) if state.connections else None,
        "limits": {"queryTimeout": state.settings.query_timeout, "maxRows": state.settings.max_rows,
                   "maxQueryLength": state.settings.max_query_length,
                   "maxBodyBytes": state.settings.max_body_bytes,
                   "maxNestingDepth": state.settings.max_nesting_depth,
                   "memoryBudgetMiB": state.settings.memory_budget_mb,
                   "workerMemoryMiB": state.settings.worker_memory_mb},
    })


def create_app(graph: KnowledgeGraph | None = None, settings: Settings | None = None) -> Starlette:
    """The citynet server as an ASGI app (run it with uvicorn, or :func:`citynet.server.serve`).

    ``graph`` defaults to the shipped graph. The worker processes start with the app's
    lifespan and load the same files as ``graph``.
    """
    settings = settings or Settings()
    graph = graph if graph is not None else shipped_graph()
    if not graph.files:
        raise InputError("the server loads its graph from files, in each query worker: give a KnowledgeGraph "
                         "made from files (KnowledgeGraph.from_files), not from a store")
    state = ServerState(graph, settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await state.start()
        try:
            yield
        finally:
            await state.close()

    routes = [
        # The protocol first: the routes are tried in order, and these are asked for the most.
        Route("/sparql", protocol.sparql, methods=["GET", "POST"]),
        Route("/queries/{name}", api.run_query),
        Route("/", site_pages.home),
        Route("/index.html", site_pages.home_file),
        Route("/style.css", site_pages.stylesheet),
        Route("/map.svg", site_pages.map_svg),
        Route("/query", page.query_page),
        *site_pages.ROUTES,
        Route("/query/spreadsheet.csv", page.spreadsheet_download),
        Route("/static/{name:path}", page.asset),
        Route("/store", graph_store.graph_store, methods=["GET", "HEAD", "PUT", "POST", "DELETE", "PATCH"]),
        Route("/queries", api.list_queries),
        Route("/openapi.json", api.openapi),
        Route("/id/{kind}/", linked_data.kind_index),
        Route("/id/{kind}/{slug}", linked_data.entity),
        Route("/doc/{kind}/{slug}", linked_data.document),
        Route("/def", linked_data.ontology_document_handler),
        Route("/def.{suffix}", linked_data.ontology_file),
        Route("/def/{term}", linked_data.ontology_term),
        Route("/catalog", catalog.catalog),
        Route("/.well-known/void", catalog.void),
        Route("/health", health),
        # The rest of what publish writes and the catalog names: downloads, the catalog and VoID
        # as files, the dataset and distribution IRIs; anything else is a clear 404.
        Route("/{path:path}", catalog.described(downloads.published_file)),
    ]
    middleware = [
        Middleware(AccessLogMiddleware, enabled=settings.access_log),
        Middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST", "HEAD"],
                   allow_headers=["Accept", "Content-Type"], max_age=3600,
                   expose_headers=[TRUNCATED_HEADER, ROW_LIMIT_HEADER, "Link", "Content-Location", "Retry-After",
                                   "ETag"]),
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    # Starlette would answer a path that differs by a trailing slash with a redirect to an
    # absolute URL built from the client's Host header; such a path is a 404 here instead.
    app.router.redirect_slashes = False
    app.state.citynet = state
    return app


def configure_logging(level: int = logging.INFO) -> None:
    """Log lines on standard error: ``time level message``."""
    logger = logging.getLogger("citynet.server")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(level)
        logger.propagate = False


def serve(host: str = "127.0.0.1", port: int = 8000, graph: KnowledgeGraph | None = None,
          settings: Settings | None = None, **changes: Any) -> None:
    """Run the server until interrupted (what ``citynet serve`` calls)."""
    import uvicorn

    from citynet.server.connections import ConnectionGuard, guarded_protocol, max_head_bytes

    settings = (settings or Settings()).with_changes(host=host, port=port, **changes)
    configure_logging()
    app = create_app(graph, settings)
    guard = ConnectionGuard(settings)
    app.state.citynet.connections = guard
    log.info("citynet %s serving on http://%s:%d/ (SPARQL at /sparql)", __version__,
             f"[{settings.host}]" if ":" in settings.host else settings.host, settings.port)
    # No limit_concurrency: the guard holds connections to their limits instead (a global
    # cap that half-sent requests fill answers 503 to everyone).
    config = uvicorn.Config(
        app, host=settings.host, port=settings.port, access_log=False, server_header=False,
        http=guarded_protocol(guard), timeout_keep_alive=settings.keep_alive_timeout,  # type: ignore[arg-type]
        timeout_graceful_shutdown=5, log_level="info",
        h11_max_incomplete_event_size=max_head_bytes(settings))
    uvicorn.Server(config).run()
