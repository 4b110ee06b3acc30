"""Running a query through the worker pool and turning the reply into an HTTP response:
the negotiated format, the truncation signal, and errors with readable messages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node
from starlette.requests import Request
from starlette.responses import Response

from citynet.server import negotiation
from citynet.server.negotiation import GRAPH_FORMATS, RESULT_FORMATS, Format
from citynet.server.pool import PoolError, WorkerPool
from citynet.server.responses import error, note
from citynet.server.settings import Settings

TRUNCATED_HEADER = "Citynet-Truncated"
ROW_LIMIT_HEADER = "Citynet-Row-Limit"
_BY_NAME = {f.name: f for f in (*RESULT_FORMATS, *GRAPH_FORMATS)}


class NotAcceptable(Exception):
    pass


def negotiate(request: Request, format_name: str | None, forms: Sequence[str] = ("SELECT", "CONSTRUCT")
              ) -> tuple[Format | None, Format | None]:
    """The format for tables (SELECT, ASK) and for graphs (CONSTRUCT, DESCRIBE), chosen by
    ``?format=`` when given, else by ``Accept``. Raises :class:`NotAcceptable` if neither fits."""
    wants_table = any(f in ("SELECT", "ASK") for f in forms)
    wants_graph = any(f in ("CONSTRUCT", "DESCRIBE") for f in forms)
    if format_name:
        table = negotiation.by_name(format_name, RESULT_FORMATS) if wants_table else None
        graph = negotiation.by_name(format_name, GRAPH_FORMATS) if wants_graph else None
        if table is None and graph is None:
            raise NotAcceptable(f"unknown format {format_name!r}; formats: "
                                + _format_names(wants_table, wants_graph))
        return table, graph
    accept = request.headers.get("accept")
    table = negotiation.choose(accept, RESULT_FORMATS) if wants_table else None
    graph = negotiation.choose(accept, GRAPH_FORMATS) if wants_graph else None
    if table is None and graph is None:
        shown = accept if len(accept or "") <= 200 else accept[:200] + "…"
        raise NotAcceptable(f"none of the media types in Accept: {shown!r} can be served here; "
                            + _offers(wants_table, wants_graph))
    return table, graph


def _format_names(table: bool, graph: bool) -> str:
    names = [f.name for f in RESULT_FORMATS] * table + [f.name for f in GRAPH_FORMATS] * graph
    return ", ".join(dict.fromkeys(names))


def _offers(table: bool, graph: bool) -> str:
    parts = []
    if table:
        parts.append("SELECT and ASK answers come as " + negotiation.accepted_list(RESULT_FORMATS))
    if graph:
        parts.append("CONSTRUCT and DESCRIBE answers as " + negotiation.accepted_list(GRAPH_FORMATS))
    return "; ".join(parts)


def term_spec(term: Node) -> tuple[str, ...]:
    """A parameter value (an rdflib term) as plain data for the worker's pipe."""
    if isinstance(term, URIRef):
        return ("uri", str(term))
    if isinstance(term, BNode):
        return ("bnode", str(term))
    if isinstance(term, Literal):
        return ("literal", str(term), term.language or "", str(term.datatype) if term.datatype else "")
    raise TypeError(f"cannot bind {term!r}")


async def execute(request: Request, pool: WorkerPool, settings: Settings, *, text: str,
                  table_format: Format | None, graph_format: Format | None,
                  bindings: Mapping[str, Node] | None = None, form: str | None = None,
                  default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = ()) -> Response:
    """Run ``text`` in a worker and answer with its result. ``form`` is given for stored
    queries (trusted: already checked); ad-hoc queries are checked by the worker."""
    job = {
        "text": text, "trusted": form is not None, "form": form,
        "bindings": {k: term_spec(v) for k, v in (bindings or {}).items()},
        "result_format": table_format.name if table_format else None,
        "graph_format": graph_format.name if graph_format else None,
        "default_graphs": list(default_graphs), "named_graphs": list(named_graphs),
        "max_rows": settings.max_rows,
    }
    try:
        reply = await pool.run(job)
    except PoolError as failure:
        headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else None
        return error(request, failure.status, failure.message, log_note=failure.note, headers=headers)
    if not reply["ok"]:
        message = reply["message"]
        if reply["status"] == 406 and reply.get("form"):
            table = reply["form"] in ("SELECT", "ASK")
            message += "; " + _offers(table, not table)
        return error(request, reply["status"], message, log_note=reply.get("note"))
    chosen = _BY_NAME[reply["format"]]
    headers = {"Vary": "Accept", "Cache-Control": "no-store"}
    note(request, f"{reply['form'].lower()}:{reply['count']}")
    if reply["truncated"]:
        headers[TRUNCATED_HEADER] = "true"
        headers[ROW_LIMIT_HEADER] = str(settings.max_rows)
        note(request, "truncated")
    return Response(reply["body"], media_type=chosen.content_type, headers=headers)
