"""``citynet serve``: a read-only SPARQL 1.1 endpoint with dereferenceable IRIs.

    >>> from citynet.server import create_app, serve, Settings
    >>> serve("127.0.0.1", 8000)                        # until interrupted
    >>> app = create_app(settings=Settings(workers=2))  # an ASGI app, for any ASGI server

What it serves:

==========================  =====================================================
``/``, ``/query``           a query page for people (editor, stored queries, table)
``/sparql``                 SPARQL 1.1 Protocol (GET, POST form, POST sparql-query);
                            without a query, the service description
``/queries``                the stored queries (JSON); ``/queries/{name}?p=v`` runs one
``/openapi.json``           OpenAPI 3.1 for the above, from the query headers
``/id/{kind}/{slug}``       data IRIs: 303 to ``/doc/{kind}/{slug}`` (negotiated)
``/def``                    the ontology (terms are hash IRIs ``/def#Term``)
``/catalog``                the DCAT catalog; ``/.well-known/void`` the VoID description
``/health``                 workers, counters and limits (JSON)
==========================  =====================================================

The modules: :mod:`~citynet.server.settings` (limits), :mod:`~citynet.server.app`
(app factory, middleware), :mod:`~citynet.server.protocol` (``/sparql``),
:mod:`~citynet.server.negotiation` (``Accept``), :mod:`~citynet.server.guard` (checks
before a query runs), :mod:`~citynet.server.pool` and :mod:`~citynet.server.worker`
(evaluation in worker processes, with a time limit), :mod:`~citynet.server.serializers`,
:mod:`~citynet.server.api` (stored queries, OpenAPI),
:mod:`~citynet.server.linked_data` (dereferencing; its docstring documents the IRI
scheme and the 303 choice), :mod:`~citynet.server.page` (the query page).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from citynet.server.settings import Settings

if TYPE_CHECKING:
    from citynet.server.app import create_app, serve

__all__ = ["Settings", "create_app", "serve"]


def __getattr__(name: str) -> Any:
    # Starlette and uvicorn are imported only when the app is wanted: the query workers
    # (which import citynet.server.worker) and `citynet serve --help` do without them.
    if name in ("create_app", "serve"):
        from citynet.server import app

        return getattr(app, name)
    raise AttributeError(f"module 'citynet.server' has no attribute {name!r}")
