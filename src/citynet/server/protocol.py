"""The SPARQL 1.1 Protocol endpoint at ``/sparql`` (query operation only).

- ``GET /sparql?query=…``, ``POST`` with ``application/x-www-form-urlencoded`` (``query=…``)
  or with ``application/sparql-query`` (the query as the body);
- ``default-graph-uri`` / ``named-graph-uri`` may name only the endpoint's own graphs
  (one per source file, ``https://w3id.org/citynet/graph/{file stem}``); by default
  the default graph is their union;
- ``GET /sparql`` without a query: the SPARQL service description (Turtle, RDF/XML,
  N-Triples or JSON-LD; a browser is sent to the query page);
- updates (``update=``, ``application/sparql-update``) are refused with 403.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, VOID, XSD
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from citynet.formats import GRAPH_FORMATS, HTML, RESULT_FORMATS
from citynet.server import negotiation
from citynet.server.execution import NotAcceptable, execute, format_values, negotiate
from citynet.server.guard import Refused, check_graph_iris, check_query_text
from citynet.server.responses import error
from citynet.server.state import ServerState

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")  # bound as a prefix; each format has its IRI
_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")
_READ_ONLY = ("this endpoint is read-only: it answers SPARQL queries (SELECT, ASK, CONSTRUCT, DESCRIBE) "
              "and refuses updates")


@lru_cache(maxsize=128)
def query_parameters(query_string: bytes) -> tuple[tuple[str, str], ...]:
    """The parameters of a query string, read as Starlette reads them, once per string: decoding
    a query's percent-escapes is a Python loop, and clients send the same requests again and
    again. At most 128 strings are kept, each at most a request head long."""
    return tuple(parse_qsl(query_string.decode("latin-1"), keep_blank_values=True))


def state_of(request: Request) -> ServerState:
    return request.app.state.citynet


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it is known to exceed ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise Refused(400, "the Content-Length header is not a number", note="bad-length")
        if int(declared) > limit:
            raise Refused(413, f"the request body is {int(declared)} bytes; this endpoint accepts at most {limit}",
                          note="body-too-large")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Refused(413, f"the request body is larger than this endpoint accepts ({limit} bytes)",
                          note="body-too-large")
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "the request body is not valid UTF-8", note="bad-encoding") from None


def _one(params: list[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in params if k == name]
    if len(values) > 1:
        raise Refused(400, f"give the {name!r} parameter once, not {len(values)} times", note="repeated-param")
    return values[0] if values else None


async def sparql(request: Request) -> Response:
    state = state_of(request)
    settings = state.settings
    try:
        params = list(query_parameters(request.scope["query_string"]))
        text: str | None
        if request.method == "POST":
            content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type == "application/sparql-update":
                raise Refused(403, _READ_ONLY, note="update")
            body = await read_body(request, settings.max_body_bytes)
            if content_type == "application/x-www-form-urlencoded":
                try:
                    params += parse_qsl(_decode(body), keep_blank_values=True, max_num_fields=100)
                except ValueError:
                    raise Refused(400, "the form has too many fields", note="bad-form") from None
                if any(k == "update" for k, _ in params):
                    raise Refused(403, _READ_ONLY, note="update")
                text = _one(params, "query")
                if text is None:
                    raise Refused(400, "the form has no 'query' field", note="no-query")
            elif content_type == "application/sparql-query":
                if _one(params, "query") is not None:
                    raise Refused(400, "give the query either as the body or as ?query=, not both", note="bad-request")
                text = _decode(body)
            else:
                raise Refused(415, "POST a query as application/sparql-query or as an "
                                   "application/x-www-form-urlencoded form with a 'query' field"
                                   f" (got Content-Type {content_type or 'none'!r})", note="bad-content-type")
        else:
            if any(k == "update" for k, _ in params):
                raise Refused(403, _READ_ONLY, note="update")
            text = _one(params, "query")
            if text is None:
                if any(k in ("default-graph-uri", "named-graph-uri") for k, _ in params):
                    raise Refused(400, "default-graph-uri and named-graph-uri need a query", note="no-query")
                return service_description(request)
        default_graphs = [v for k, v in params if k == "default-graph-uri"]
        named_graphs = [v for k, v in params if k == "named-graph-uri"]
        check_graph_iris(default_graphs, named_graphs, state.local_graphs)
        check_query_text(text, settings)
        table, graph = negotiate(request, format_values(params))
    except Refused as refused:
        return error(request, refused.status, refused.message, log_note=refused.note)
    except NotAcceptable as refused:
        return error(request, 406, str(refused), log_note="not-acceptable")
    assert state.pool is not None
    # Relative IRIs in a query resolve against the endpoint's address (the protocol's
    # "service-defined base IRI", as the Oxigraph server does).
    return await execute(request, state.pool, settings, text=text, table_format=table, graph_format=graph,
                         default_graphs=default_graphs, named_graphs=named_graphs,
                         base_iri=public_base(request) + "sparql")


# ---------------------------------------------------------------- service description


def public_base(request: Request) -> str:
    """The server's own base URL (scheme, host, port), from the request when its Host
    header is well-formed, else from the settings."""
    host = request.headers.get("host", "")
    if not _HOST.match(host):
        settings = state_of(request).settings
        host = f"{settings.host}:{settings.port}"
    scheme = request.url.scheme if request.url.scheme in ("http", "https") else "http"
    return f"{scheme}://{host}/"


def service_description(request: Request) -> Response:
    offers = (*GRAPH_FORMATS, HTML)
    chosen = negotiation.choose(request.headers.get("accept"), offers)
    if chosen is None:
        return error(request, 406, "the service description comes as " + negotiation.accepted_list(GRAPH_FORMATS),
                     log_note="not-acceptable")
    if chosen is HTML:
        return RedirectResponse("/", status_code=303, headers={"Vary": "Accept"})
    state = state_of(request)
    endpoint = public_base(request) + "sparql"
    fmt = chosen.rdflib
    assert fmt is not None  # rdflib writes every graph format
    body = state.remember(("sd", endpoint, fmt),
                          lambda: describe_service(state, endpoint).serialize(format=fmt).encode("utf-8"))
    return Response(body, media_type=chosen.content_type, headers={"Vary": "Accept"})


def describe_service(state: ServerState, endpoint: str) -> Graph:
    settings = state.settings
    rdf = Graph()
    for prefix, namespace in (("sd", SD), ("formats", FORMATS), ("void", VOID), ("dct", DCTERMS), ("xsd", XSD)):
        rdf.bind(prefix, namespace)
    service = URIRef(endpoint)
    rdf.add((service, RDF.type, SD.Service))
    rdf.add((service, SD.endpoint, service))
    rdf.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    rdf.add((service, SD.feature, SD.UnionDefaultGraph))
    rdf.add((service, SD.defaultEntailmentRegime, URIRef("http://www.w3.org/ns/entailment/Simple")))
    for served in (*RESULT_FORMATS, *GRAPH_FORMATS):
        assert served.w3c_iri is not None  # every format the endpoint answers in has one
        rdf.add((service, SD.resultFormat, URIRef(served.w3c_iri)))
    rdf.add((service, DCTERMS.title, Literal("citynet SPARQL endpoint", lang="en")))
    rdf.add((service, DCTERMS.description, Literal(
        "A read-only SPARQL 1.1 endpoint over the citynet knowledge graph. It never contacts other hosts "
        "(no SERVICE, no remote FROM). Limits: a query runs at most "
        f"{settings.query_timeout:g} s; answers are cut at {settings.max_rows} rows (header Citynet-Truncated); "
        f"queries up to {settings.max_query_length} characters, request bodies up to {settings.max_body_bytes} "
        f"bytes, nesting up to {settings.max_nesting_depth} levels.", lang="en")))
    dataset = BNode()
    rdf.add((service, SD.defaultDataset, dataset))
    rdf.add((dataset, RDF.type, SD.Dataset))
    default = BNode()
    rdf.add((dataset, SD.defaultGraph, default))
    rdf.add((default, RDF.type, SD.Graph))
    rdf.add((default, VOID.triples, Literal(len(state.graph), datatype=XSD.integer)))
    for name, size in state.graph_sizes.items():
        named, described = BNode(), BNode()
        rdf.add((dataset, SD.namedGraph, named))
        rdf.add((named, RDF.type, SD.NamedGraph))
        rdf.add((named, SD.name, URIRef(name)))
        rdf.add((named, SD.graph, described))
        rdf.add((described, RDF.type, SD.Graph))
        rdf.add((described, VOID.triples, Literal(size, datatype=XSD.integer)))
    return rdf
