"""The query page for people (``/`` and ``/query``) and its two assets, served from the
package. The page talks to this server only: no CDN, no fonts or scripts from elsewhere
(and its Content-Security-Policy says so to the browser)."""

from __future__ import annotations

from functools import cache
from importlib import resources

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from citynet.server.html import CSP
from citynet.server.responses import error

ASSETS = {"query.js": "text/javascript; charset=utf-8", "query.css": "text/css; charset=utf-8"}


@cache
def _read(name: str) -> bytes:
    return resources.files("citynet.server").joinpath("static", name).read_bytes()


async def query_page(request: Request) -> Response:
    return HTMLResponse(_read("index.html"), headers={"Content-Security-Policy": CSP, "Cache-Control": "no-cache"})


async def asset(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in ASSETS:
        return error(request, 404, "no such file", log_note="not-found")
    return Response(_read(name), media_type=ASSETS[name], headers={"Cache-Control": "public, max-age=3600"})
