"""A read-only SPARQL 1.1 Graph Store HTTP Protocol at ``/store`` (as the Oxigraph server
names it), for clients that fetch whole graphs:

- ``GET /store?default``: the default graph (the union of all graphs, as queries see it);
- ``GET /store?graph=IRI``: one named graph (404 if the dataset has none of that name; a
  relative IRI resolves against ``/store``);
- ``GET /store``: the whole dataset, each graph with its name (N-Quads or TriG);
- ``HEAD`` the same, without the body; ``PUT``, ``POST``, ``DELETE`` and ``PATCH`` are
  refused with 405 (the endpoint is read-only).

Graphs come as Turtle (the default), N-Triples, JSON-LD or RDF/XML by ``Accept``, read by a
query worker under the same time limit and row cap as queries.
"""

from __future__ import annotations

from urllib.parse import urljoin

from starlette.requests import Request
from starlette.responses import Response

from citynet.formats import DATASET_FORMATS, GRAPH_FORMATS
from citynet.server import negotiation
from citynet.server.execution import execute
from citynet.server.protocol import public_base, state_of
from citynet.server.responses import error

READ_METHODS = ("GET", "HEAD")
_EVERY_TRIPLE = "CONSTRUCT WHERE { ?s ?p ?o }"


async def graph_store(request: Request) -> Response:
    if request.method not in READ_METHODS:
        return error(request, 405, "this endpoint is read-only: the Graph Store answers GET and HEAD, "
                                   f"not {request.method}", log_note="read-only", headers={"Allow": "GET, HEAD"})
    state = state_of(request)
    params = list(request.query_params.multi_items())
    graphs = [value for key, value in params if key == "graph"]
    default = any(key == "default" for key, _ in params)
    if len(graphs) > 1 or (graphs and default):
        return error(request, 400, "name one graph: ?default or ?graph=IRI, once", log_note="bad-graph")
    accept = request.headers.get("accept")
    assert state.pool is not None
    if not graphs and not default:
        fmt = negotiation.choose(accept, DATASET_FORMATS)
        if fmt is None:
            return error(request, 406, "the dataset comes as " + negotiation.accepted_list(DATASET_FORMATS),
                         log_note="not-acceptable")
        return await execute(request, state.pool, state.settings, text="", kind="dataset", form="DATASET",
                             table_format=None, graph_format=fmt)
    fmt = negotiation.choose(accept, GRAPH_FORMATS)
    if fmt is None:
        return error(request, 406, "a graph comes as " + negotiation.accepted_list(GRAPH_FORMATS),
                     log_note="not-acceptable")
    named: list[str] = []
    if graphs:
        iri = urljoin(public_base(request) + "store", graphs[0])
        if iri not in state.local_graphs:
            return error(request, 404, f"this endpoint has no graph <{iri}>; its graphs are: "
                                       + ", ".join(f"<{g}>" for g in state.local_graphs), log_note="no-graph")
        named = [iri]
    return await execute(request, state.pool, state.settings, text=_EVERY_TRIPLE, form="CONSTRUCT",
                         table_format=None, graph_format=fmt, default_graphs=named)
