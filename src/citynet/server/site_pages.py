"""The pages people read, on the server: the static site's own pages (the same Jinja2
templates, :mod:`citynet.publish.site`), with links under ``/`` and a "Query" entry in the
navigation; a plain page for an IRI the site has no page for; the site's stylesheet and map.

Every page loads only this server's own resources, and its Content-Security-Policy says so.
"""

from __future__ import annotations

import threading

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from citynet.publish.site import CSS, Page, render_map, render_page, render_resource_page, render_served_page
from citynet.publish.site.i18n import DEFAULT, LANGUAGES
from citynet.publish.site.paths import SITE_PAGES, language_folder
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


def query_page_of(lang: str) -> str:
    return "/" + language_folder(lang) + QUERY_PAGE.lstrip("/")


def site_page(state: ServerState, iri: str, lang: str = "en") -> str | None:
    """The site's page for ``iri`` (links under "/"), or None if the site has no page for it."""
    with _lock:
        return render_page(state.graph, iri, base="/", query_page=query_page_of(lang), lang=lang)


def served_page(state: ServerState, page: Page, lang: str = "en") -> str:
    """A page the server makes (the query page), in the site's frame."""
    with _lock:
        return render_served_page(state.graph, page, base="/", query_page=query_page_of(lang), lang=lang)


def resource_page(state: ServerState, iri: str, data_path: str, lang: str = "en") -> str | None:
    """The plain page of an IRI the site has no page for (see citynet.publish.site.render_resource_page)."""
    with _lock:
        return render_resource_page(state.graph, iri, base="/", data_path=data_path,
                                    query_page=query_page_of(lang), lang=lang)


def preferred_language(request: Request) -> str:
    """The site's language that ``Accept-Language`` prefers (English when it names neither)."""
    best, best_q = DEFAULT, 0.0
    for _position, item in enumerate((request.headers.get("accept-language") or "").split(",")[:50]):
        tag, _, params = item.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and q > best_q:
            best, best_q = primary, q
    return best


def language_redirect(request: Request, path: str) -> Response | None:
    """A 303 to the page at ``path`` in the language ``Accept-Language`` prefers, if that is not
    English. The pages' own addresses never depend on the header; only this redirect does."""
    lang = preferred_language(request)
    if lang == DEFAULT:
        return None
    return RedirectResponse("/" + language_folder(lang) + path.lstrip("/"), status_code=303,
                            headers={"Vary": "Accept, Accept-Language"})


def html_answer(request: Request, state: ServerState, page: str, headers: dict[str, str] | None = None,
                policy: str = PAGE_CSP) -> Response:
    """A page with its ETag, Last-Modified and Content-Security-Policy (or 304)."""
    return answer(request, page.encode("utf-8"), state.last_modified, response_class=HTMLResponse,
                  headers={**(headers or {}), "Content-Security-Policy": policy})


async def home(request: Request) -> Response:
    """``/``: the site's home page (the base IRI, dereferenced) for browsers, else the query page."""
    state = state_of(request)
    if negotiation.choose(request.headers.get("accept"), (HTML, TURTLE)) is HTML:
        moved = language_redirect(request, "/")
        if moved is not None:
            return moved
        page = await run_in_threadpool(site_page, state, state.settings.base_iri)
        if page is not None:
            return html_answer(request, state, page, {"Vary": "Accept, Accept-Language"})
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


async def own_page(request: Request) -> Response:
    """``/imprint`` and ``/accessibility`` (also with ``.html``): the site's own pages."""
    state = state_of(request)
    name = request.url.path.strip("/").removesuffix(".html")
    page = await run_in_threadpool(site_page, state, state.settings.base_iri + name)
    if page is None:  # pragma: no cover - the site always has them
        return error(request, 404, "no such page", log_note="not-found")
    return html_answer(request, state, page)


def _iri_of(base: str, path: str) -> tuple[str, str | None] | None:
    """The IRI whose page is at ``path`` (below ``de/``), and its document path for the plain
    page of an IRI the site has no page for."""
    path = path.removesuffix(".html")
    if path in ("", "index"):
        return base, None
    if path == "def" or path in SITE_PAGES:
        return base + path, None
    if path.startswith("def/"):
        return base + "def#" + path[len("def/"):], None
    parts = path.split("/")
    if parts[0] in ("id", "doc") and len(parts) == 3:
        if parts[2] in ("", "index"):
            return f"{base}id/{parts[1]}/", None
        return f"{base}id/{parts[1]}/{parts[2]}", f"/doc/{parts[1]}/{parts[2]}"
    return None


async def translated(request: Request) -> Response:
    """``/de/…``: every page in German, at the path of its English page below ``/de/``."""
    from citynet.server.page import query_page

    lang = request.url.path.split("/")[1]
    path = request.path_params["path"]
    if path == "query":
        return await query_page(request, lang)
    state = state_of(request)
    found = _iri_of(state.settings.base_iri, path)
    page = None
    if found is not None:
        iri, data_path = found

        def make() -> str | None:
            return site_page(state, iri, lang) or (
                resource_page(state, iri, data_path, lang) if data_path else None)

        page = await run_in_threadpool(make)
    if page is None:
        return error(request, 404, f"no page at {request.url.path}", log_note="not-found")
    return html_answer(request, state, page)


#: The routes of the pages in other languages and of the site's own pages, for app.py.
ROUTES = [
    *(Route(f"/{name}{suffix}", own_page) for name in SITE_PAGES for suffix in ("", ".html")),
    *(Route(f"/{lang}/{{path:path}}", translated) for lang in LANGUAGES if lang != DEFAULT),
]
