"""Running a query through the worker pool and turning the reply into an HTTP response:
the negotiated format, the truncation signal, and errors with readable messages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rdflib.term import Node
from starlette.requests import Request
from starlette.responses import Response

from citynet.formats import DATASET_FORMATS, GRAPH_FORMATS, RESULT_FORMATS, SPREADSHEET_CSV, Format, by_name
from citynet.graph.terms import to_oxigraph
from citynet.server import negotiation
from citynet.server.costs import adhoc_key
from citynet.server.pool import PoolError, WorkerPool
from citynet.server.responses import error, note
from citynet.server.settings import Settings

TRUNCATED_HEADER = "Citynet-Truncated"
ROW_LIMIT_HEADER = "Citynet-Row-Limit"
#: Parameters that name the answer's format, as SPARQLWrapper, YASGUI and others send them.
FORMAT_PARAMETERS = ("format", "output", "results")
_SERVED = (*RESULT_FORMATS, *GRAPH_FORMATS, *DATASET_FORMATS, SPREADSHEET_CSV)


class NotAcceptable(Exception):
    pass


def format_values(params: Sequence[tuple[str, str]]) -> list[str]:
    """The values of the format parameters, in the order the request gives them."""
    return [value for key, value in params if key in FORMAT_PARAMETERS]


def negotiate(request: Request, requested: Sequence[str], forms: Sequence[str] = ("SELECT", "CONSTRUCT")
              ) -> tuple[Format | None, Format | None]:
    """The format for tables (SELECT, ASK) and for graphs (CONSTRUCT, DESCRIBE): the first
    of the ``requested`` values (``?format=`` and the like) that names one, else the best by
    ``Accept``. Raises :class:`NotAcceptable` if nothing fits."""
    wants_table = any(f in ("SELECT", "ASK") for f in forms)
    wants_graph = any(f in ("CONSTRUCT", "DESCRIBE") for f in forms)
    accept = request.headers.get("accept")
    table = graph = None
    if wants_table:
        table = negotiation.first_named(requested, RESULT_FORMATS) or negotiation.choose(accept, RESULT_FORMATS)
    if wants_graph:
        graph = negotiation.first_named(requested, GRAPH_FORMATS) or negotiation.choose(accept, GRAPH_FORMATS)
    if table is None and graph is None:
        shown = (accept or "") if len(accept or "") <= 200 else (accept or "")[:200] + "…"
        asked = f"format {', '.join(map(repr, requested[:4]))} nor " if requested else ""
        raise NotAcceptable(f"neither {asked}the media types in Accept: {shown!r} can be served here; "
                            + _offers(wants_table, wants_graph))
    return table, graph


def _offers(table: bool, graph: bool) -> str:
    parts = []
    if table:
        parts.append("SELECT and ASK answers come as " + negotiation.accepted_list(RESULT_FORMATS))
    if graph:
        parts.append("CONSTRUCT and DESCRIBE answers as " + negotiation.accepted_list(GRAPH_FORMATS))
    return "; ".join(parts)


async def execute(request: Request, pool: WorkerPool, settings: Settings, *, text: str,
                  table_format: Format | None, graph_format: Format | None,
                  bindings: Mapping[str, Node] | None = None, form: str | None = None,
                  default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = (),
                  base_iri: str | None = None, kind: str = "query",
                  headers: Mapping[str, str] | None = None, cost_key: str | None = None) -> Response:
    """Run ``text`` in a worker and answer with its result. ``form`` is given for stored
    queries and the server's own queries (trusted: already checked); ad-hoc queries are
    checked by the worker. ``base_iri`` resolves relative IRIs in the query. ``cost_key``
    names the query for what the pool learns of its cost (by default, its text)."""
    job = {
        "kind": kind, "text": text, "trusted": form is not None, "form": form,
        # Oxigraph terms pickle: the worker binds them as they come.
        "bindings": {k: to_oxigraph(v) for k, v in (bindings or {}).items()},
        "result_format": table_format.name if table_format else None,
        "graph_format": graph_format.name if graph_format else None,
        "default_graphs": list(default_graphs), "named_graphs": list(named_graphs),
        "base_iri": base_iri, "max_rows": settings.max_rows,
    }
    try:
        key = cost_key or (f"server:{kind}" if kind != "query" else
                           adhoc_key(text, base_iri, default_graphs, named_graphs))
        reply = await pool.run(job, key)
    except PoolError as failure:
        headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else None
        return error(request, failure.status, failure.message, log_note=failure.note, headers=headers)
    if not reply["ok"]:
        message = reply["message"]
        if reply["status"] == 406 and reply.get("form"):
            table = reply["form"] in ("SELECT", "ASK")
            message += "; " + _offers(table, not table)
        return error(request, reply["status"], message, log_note=reply.get("note"))
    chosen = by_name(reply["format"], _SERVED)
    headers = {"Vary": "Accept", "Cache-Control": "no-store", **(headers or {})}
    note(request, f"{reply['form'].lower()}:{reply['count']}")
    if reply.get("inline"):
        note(request, "inline")
    if reply["truncated"]:
        headers[TRUNCATED_HEADER] = "true"
        headers[ROW_LIMIT_HEADER] = str(settings.max_rows)
        note(request, "truncated")
    return Response(reply["body"], media_type=chosen.content_type, headers=headers)
