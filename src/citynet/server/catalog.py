"""The catalog's own IRIs, dereferenced: ``/catalog`` (DCAT-AP.de) and ``/.well-known/void``
(VoID), negotiated as Turtle, RDF/XML or JSON-LD; and every other IRI the catalog describes
below the base (``/dataset``, its distributions ``/dataset/turtle`` …, the data service
``/catalog/service/sparql``) answers with the catalog, which is where it is described.

The catalog here is the one ``citynet publish`` writes: the sizes and checksums it gives are
those of the downloads this server serves (:mod:`citynet.server.downloads`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from rdflib.namespace import DCAT
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from citynet.publish.catalog import What, build_catalog, catalog_document
from citynet.publish.publication import load_config
from citynet.server import negotiation
from citynet.server.conditional import answer
from citynet.server.downloads import catalog_files
from citynet.server.negotiation import JSONLD, RDFXML, TURTLE
from citynet.server.responses import error
from citynet.server.state import ServerState

CATALOG_FORMATS = (TURTLE, RDFXML, JSONLD)
#: The classes of what the catalog describes, whose IRIs the server answers for.
_DESCRIBED = (DCAT.Catalog, DCAT.Dataset, DCAT.Distribution, DCAT.DataService)


def _state(request: Request) -> ServerState:
    return request.app.state.citynet


def described_paths(state: ServerState) -> frozenset[str]:
    """The paths of the catalog, dataset, distribution and data-service IRIs below the base
    (``dataset``, ``dataset/turtle``, ``catalog/service/sparql`` …). Blocking."""
    def find() -> frozenset[str]:
        config = load_config()
        catalog = build_catalog(state.graph, config, catalog_files(state))
        return frozenset(str(node)[len(config.base_url):] for kind in _DESCRIBED
                         for node in catalog.subjects(predicate=None, object=kind)
                         if str(node).startswith(config.base_url))
    return state.remember("described paths", find)


async def _description(request: Request, what: What) -> Response:
    fmt = negotiation.choose(request.headers.get("accept"), CATALOG_FORMATS)
    if fmt is None:
        return error(request, 406, "the description comes as " + negotiation.accepted_list(CATALOG_FORMATS),
                     log_note="not-acceptable")
    state = _state(request)

    def build() -> bytes:
        files = catalog_files(state) if what == "dcat" else None
        return state.remember(("catalog", what, fmt.name),
                              lambda: catalog_document(state.graph, fmt.name, what, files=files).encode("utf-8"))

    try:
        body = await run_in_threadpool(build)
    except Exception as failure:  # a missing or broken publication config, say
        return error(request, 503, f"the {what.upper()} description cannot be built: {failure}",
                     log_note="catalog-failed")
    return answer(request, body, state.last_modified, media_type=fmt.content_type, headers={"Vary": "Accept"})


async def catalog(request: Request) -> Response:
    """``/catalog``: the DCAT-AP.de catalog."""
    return await _description(request, "dcat")


async def void(request: Request) -> Response:
    """``/.well-known/void``: the VoID description."""
    return await _description(request, "void")


Handler = Callable[[Request], Awaitable[Response]]


def described(fallback: Handler) -> Handler:
    """A handler for any path: the catalog for an IRI it describes below ``/dataset`` or
    ``/catalog/``, else ``fallback``."""
    async def handler(request: Request) -> Response:
        state = _state(request)
        path = request.url.path.lstrip("/")
        try:
            config = load_config()
            below = path == config.paths.dataset or path.startswith((config.paths.dataset + "/",
                                                                     config.paths.catalog + "/"))
            if below and path in await run_in_threadpool(described_paths, state):
                return await _description(request, "dcat")
        except Exception as failure:  # a missing or broken publication config
            return error(request, 503, f"the catalog cannot be built: {failure}", log_note="catalog-failed")
        return await fallback(request)
    return handler
