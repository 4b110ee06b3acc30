"""The query page for people (``/`` and ``/query``), its two assets, served from the
package, and its "CSV for spreadsheets" download. The page talks to this server only: no
CDN, no fonts or scripts from elsewhere (and its Content-Security-Policy says so to the
browser)."""

from __future__ import annotations

from functools import cache
from importlib import resources

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from citynet.server.conditional import answer
from citynet.server.execution import execute
from citynet.server.guard import Refused, check_query_text
from citynet.server.html import CSP
from citynet.server.negotiation import SPREADSHEET_CSV
from citynet.server.protocol import public_base, state_of
from citynet.server.responses import error

ASSETS = {"query.js": "text/javascript; charset=utf-8", "query.css": "text/css; charset=utf-8"}


@cache
def _read(name: str) -> bytes:
    return resources.files("citynet.server").joinpath("static", name).read_bytes()


async def query_page(request: Request) -> Response:
    return answer(request, _read("index.html"), state_of(request).last_modified, response_class=HTMLResponse,
                  headers={"Content-Security-Policy": CSP, "Cache-Control": "no-cache"})


async def asset(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in ASSETS:
        return error(request, 404, "no such file", log_note="not-found")
    return answer(request, _read(name), state_of(request).last_modified, media_type=ASSETS[name],
                  headers={"Cache-Control": "public, max-age=3600"})


async def spreadsheet_download(request: Request) -> Response:
    """``/query/spreadsheet.csv?query=…``: a SELECT answer as CSV for a person to open in a
    spreadsheet. A cell the spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab
    or carriage return first; numbers excepted) gets a leading ``'``. That changes values, so
    programs read ``/sparql``, whose CSV is the engine's, unchanged."""
    state = state_of(request)
    texts = request.query_params.getlist("query")
    try:
        if len(texts) != 1:
            raise Refused(400, "give one 'query' parameter", note="no-query")
        check_query_text(texts[0], state.settings)
    except Refused as refused:
        return error(request, refused.status, refused.message, log_note=refused.note)
    assert state.pool is not None
    return await execute(request, state.pool, state.settings, text=texts[0], table_format=SPREADSHEET_CSV,
                         graph_format=None, base_iri=public_base(request) + "sparql",
                         headers={"Content-Disposition": 'attachment; filename="citynet-query.csv"'})
