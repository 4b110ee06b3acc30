"""The pages people read, on the server: the static site's own pages (the same Jinja2
templates, :mod:`citynet.publish.site`), with links under ``/`` and a "Query" entry in the
navigation; a plain page for an IRI the site has no page for; the site's stylesheet and map.

Every page loads only this server's own resources, and its Content-Security-Policy says so.
"""

from __future__ import annotations

import threading

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from citynet.publish.site import CSS, Page, render_map, render_page, render_resource_page, render_served_page
from citynet.server import negotiation
from citynet.server.conditional import answer
from citynet.server.negotiation import HTML, TURTLE
from citynet.server.responses import error
from citynet.server.state import ServerState

#: Where the query page is: the navigation of every page links it.
QUERY_PAGE = "/query"
#: Only this server's own resources. Style attributes are allowed: the home page's network
#: colours and the maps' sizes are written as them. No inline script runs (the JSON-LD blocks
#: are data, not scripts).
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
#: The query page runs a script and writes no style attribute: no inline style either.
QUERY_CSP = PAGE_CSP.replace(" 'unsafe-inline'", "")

_lock = threading.Lock()  # the site's model fills its caches as pages ask: one page at a time


def state_of(request: Request) -> ServerState:
    return request.app.state.citynet


def site_page(state: ServerState, iri: str) -> str | None:
    """The site's page for ``iri`` (links under "/"), or None if the site has no page for it."""
    with _lock:
        return render_page(state.graph, iri, base="/", query_page=QUERY_PAGE)


def served_page(state: ServerState, page: Page) -> str:
    """A page the server makes (the query page), in the site's frame."""
    with _lock:
        return render_served_page(state.graph, page, base="/", query_page=QUERY_PAGE)


def resource_page(state: ServerState, iri: str, data_path: str) -> str | None:
    """The plain page of an IRI the site has no page for (see citynet.publish.site.render_resource_page)."""
    with _lock:
        return render_resource_page(state.graph, iri, base="/", data_path=data_path, query_page=QUERY_PAGE)


def html_answer(request: Request, state: ServerState, page: str, headers: dict[str, str] | None = None,
                policy: str = PAGE_CSP) -> Response:
    """A page with its ETag, Last-Modified and Content-Security-Policy (or 304)."""
    return answer(request, page.encode("utf-8"), state.last_modified, response_class=HTMLResponse,
                  headers={**(headers or {}), "Content-Security-Policy": policy})


async def home(request: Request) -> Response:
    """``/``: the site's home page (the base IRI, dereferenced) for browsers, else the query page."""
    state = state_of(request)
    if negotiation.choose(request.headers.get("accept"), (HTML, TURTLE)) is HTML:
        page = await run_in_threadpool(site_page, state, state.settings.base_iri)
        if page is not None:
            return html_answer(request, state, page, {"Vary": "Accept"})
    from citynet.server.page import query_page

    return await query_page(request)


async def home_file(request: Request) -> Response:
    """``/index.html``: the home page, as the static site names it."""
    state = state_of(request)
    page = await run_in_threadpool(site_page, state, state.settings.base_iri)
    if page is None:  # pragma: no cover - the site always has a home page
        return error(request, 404, "no home page", log_note="not-found")
    return html_answer(request, state, page)


async def stylesheet(request: Request) -> Response:
    """``/style.css``: the stylesheet of every page."""
    return answer(request, CSS.encode("utf-8"), state_of(request).last_modified,
                  media_type="text/css; charset=utf-8", headers={"Cache-Control": "public, max-age=3600"})


async def map_svg(request: Request) -> Response:
    """``/map.svg``: the home page's map as a file of its own, its points linking under "/"."""
    state = state_of(request)

    def draw() -> bytes:
        with _lock:
            return render_map(state.graph, base="/").encode("utf-8")

    body = await run_in_threadpool(lambda: state.remember("map.svg", draw))
    return answer(request, body, state.last_modified, media_type="image/svg+xml",
                  headers={"Content-Security-Policy": PAGE_CSP})
