"""The query page for people (``/query``, and ``/`` for clients that do not ask for HTML), its two
assets, served from the package, and its "CSV for spreadsheets" download. The page is the
site's (``templates/query.html`` in the site's frame), so that the query page and the pages of
the graph are one site. It talks to this server only: no CDN, no fonts or scripts from
elsewhere (and its Content-Security-Policy says so to the browser)."""

from __future__ import annotations

from functools import cache
from importlib import resources

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from citynet.formats import EXPORT_FORMATS, by_name
from citynet.publish.catalog import VIEW_QUERIES
from citynet.publish.downloads import download_path
from citynet.publish.exports import MEDIA_TYPES
from citynet.publish.publication import load_config
from citynet.publish.site import Page
from citynet.publish.site.i18n import LANGUAGES, gettext, language
from citynet.publish.site.paths import language_folder
from citynet.querying.stored_queries import catalogue
from citynet.server.conditional import answer
from citynet.server.execution import execute
from citynet.server.guard import Refused, check_query_text
from citynet.server.negotiation import SPREADSHEET_CSV
from citynet.server.protocol import public_base, state_of
from citynet.server.responses import error
from citynet.server.site_pages import QUERY_CSP, served_page
from citynet.server.state import ServerState

_JS, _CSS = "text/javascript; charset=utf-8", "text/css; charset=utf-8"
#: What /static/ serves, and nothing else. The editor is CodeMirror, vendored unchanged by
#: scripts/codemirror.py (static/codemirror/SOURCE.md says which version, from where).
ASSETS = {"query.js": _JS, "query.css": _CSS, "codemirror/codemirror.js": _JS, "codemirror/codemirror.css": _CSS,
          "codemirror/sparql.js": _JS}


@cache
def _read(name: str) -> bytes:
    return resources.files("citynet.server").joinpath("static", *name.split("/")).read_bytes()


EXAMPLE = """PREFIX cn: <https://w3id.org/citynet/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?network ?name WHERE {
  ?network a cn:CityNetwork ; rdfs:label ?name .
  FILTER (LANGMATCHES(LANG(?name), "en"))
}
ORDER BY ?name"""


def _services() -> list[tuple[str, str, str]]:
    """What the page tells programs: (what, address, how to use it), in the page's language."""
    config = load_config()
    downloads = [(gettext("%(format)s download") % {"format": by_name(fmt, EXPORT_FORMATS).label},
                  "/" + download_path(config, fmt),
                  (gettext("the stored query %(name)s") % {"name": VIEW_QUERIES[fmt]} if fmt in VIEW_QUERIES
                   else gettext("the whole graph")) + f", {MEDIA_TYPES[fmt]}") for fmt in MEDIA_TYPES]
    return [
        (gettext("SPARQL endpoint"), "/sparql",
         gettext("SPARQL 1.1 Protocol (GET or POST); without a query, the service description")),
        (gettext("Stored queries"), "/queries",
         gettext("their names, parameters and SPARQL, as JSON; run one at /queries/{name}")),
        ("OpenAPI", "/openapi.json", gettext("the stored-query API, described for client generators")),
        (gettext("Catalog"), "/" + config.paths.catalog,
         gettext("DCAT-AP.de, as portals harvest it (Turtle, RDF/XML, JSON-LD)")),
        ("VoID", "/.well-known/void", gettext("the dataset described in VoID")),
        *downloads,
    ]


def render_query_page(state: ServerState, lang: str = "en") -> bytes:
    base = state.settings.base_iri
    with language(lang):
        page = Page(path="query", title=gettext("Query the graph"), template="query.html", section="query",
                    url=base + language_folder(lang) + "query",
                    urls={code: base + language_folder(code) + "query" for code in LANGUAGES},
                    hrefs={code: "/" + language_folder(code) + "query" for code in LANGUAGES},
                    data={"example": EXAMPLE, "services": _services(),
                          "stored": [(q.name, q.summary) for q in sorted(catalogue(), key=lambda q: q.name)]},
                    description=gettext("Ask the citynet knowledge graph a read-only SPARQL 1.1 query."))
    return served_page(state, page, lang).encode("utf-8")


async def query_page(request: Request, lang: str = "en") -> Response:
    state = state_of(request)
    body = await run_in_threadpool(state.remember, f"query-page-{lang}", lambda: render_query_page(state, lang))
    return answer(request, body, state.last_modified, response_class=HTMLResponse,
                  headers={"Content-Security-Policy": QUERY_CSP, "Cache-Control": "no-cache"})


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
