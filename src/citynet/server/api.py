"""The stored queries as a web API, and its OpenAPI description.

- ``GET /queries``: the stored queries with their typed parameters (JSON);
- ``GET /queries/{name}?param=value``: run one, with the checks and name resolution of
  :func:`citynet.query` (a value is bound as a typed RDF term, never pasted into the
  query text); the format by ``Accept`` or ``?format=``;
- ``GET /openapi.json``: OpenAPI 3.1, generated from the query headers. The document is
  built as data and written by ``json.dumps``; no text from a header is pasted into
  another syntax.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from citynet import __version__
from citynet.errors import QueryError
from citynet.formats import DATASET_FORMATS, GRAPH_FORMATS, JSON, JSONLD, RESULT_FORMATS
from citynet.querying.execute import bind_parameters
from citynet.querying.parameters import ENTITY_TYPES, Parameter
from citynet.querying.stored_queries import StoredQuery
from citynet.server.execution import FORMAT_PARAMETERS, NotAcceptable, execute, format_values, negotiate
from citynet.server.responses import error

if TYPE_CHECKING:
    from citynet.server.state import ServerState

RESERVED = set(FORMAT_PARAMETERS)


def _state(request: Request) -> ServerState:
    return request.app.state.citynet


def describe_query(state: ServerState, stored: StoredQuery) -> dict[str, Any]:
    out = stored.describe()
    out["url"] = f"/queries/{stored.name}"
    examples = {p.name: p.example for p in stored.parameters if p.example is not None}
    out["example"] = f"/queries/{stored.name}" + (f"?{urlencode(examples)}" if examples else "")
    out["sparql"] = stored.text
    return out


async def list_queries(request: Request) -> Response:
    state = _state(request)
    return JSONResponse([describe_query(state, q) for q in state.queries])


async def run_query(request: Request) -> Response:
    state = _state(request)
    name = request.path_params["name"]
    try:
        stored = state.queries.get(name)
    except QueryError as missing:
        return error(request, 404, str(missing), log_note="no-such-query")
    values: dict[str, str] = {}
    params = list(request.query_params.multi_items())
    for key, value in params:
        if key in RESERVED:
            continue  # format, output, results: repeats tolerated, as SPARQL clients send them
        if key in values:
            return error(request, 400, f"give the parameter {key!r} once", log_note="repeated-param")
        values[key] = value
    try:
        bindings = bind_parameters(stored, values, state.graph)
    except QueryError as bad:
        return error(request, 400, str(bad), log_note="bad-param")
    form = state.forms[stored.name]
    try:
        table, graph = negotiate(request, format_values(params), forms=(form,))
    except NotAcceptable as refused:
        return error(request, 406, str(refused), log_note="not-acceptable")
    assert state.pool is not None
    return await execute(request, state.pool, state.settings, text=stored.text, table_format=table,
                         graph_format=graph, bindings=bindings, form=form)


async def openapi(request: Request) -> Response:
    return JSONResponse(_state(request).openapi)


# ---------------------------------------------------------------- OpenAPI

_ENTITY_HELP = "a name in any language (ignoring case and accents), an abbreviation, or the IRI"


def parameter_schema(parameter: Parameter) -> dict[str, Any]:
    schema: dict[str, Any]
    if parameter.type in ("integer", "year"):
        schema = {"type": "integer"}
        if parameter.type == "year":
            schema.update(minimum=1, maximum=9999)
    elif parameter.type == "iri":
        schema = {"type": "string", "format": "iri"}
    else:
        schema = {"type": "string", "minLength": 1}
    if parameter.default is not None:
        schema["default"] = parameter.default
    return schema


def parameter_object(parameter: Parameter) -> dict[str, Any]:
    description = parameter.description
    if parameter.type in ENTITY_TYPES:
        kind = "entity" if parameter.type == "entity" else f"{parameter.type}"
        description = f"{description} ({kind}: {_ENTITY_HELP})".strip()
    out: dict[str, Any] = {"name": parameter.name, "in": "query", "required": parameter.required,
                           "description": description, "schema": parameter_schema(parameter)}
    if parameter.example is not None:
        out["example"] = parameter.example
    return out


def _content(form: str) -> dict[str, Any]:
    if form in ("SELECT", "ASK"):
        return {f.media_type: {"schema": {"$ref": "#/components/schemas/SparqlResults"}}
                if f is JSON else {"schema": {"type": "string"}} for f in RESULT_FORMATS}
    return {f.media_type: {"schema": {"type": "object"} if f is JSONLD else {"type": "string"}}
            for f in GRAPH_FORMATS}


def _errors(*codes: int) -> dict[str, Any]:
    text = {"text/plain": {"schema": {"type": "string"}}}
    reasons = {400: "A malformed query or a parameter that does not fit; the message says which",
               403: "An update: the endpoint is read-only", 404: "No such query, entity or graph",
               405: "A write to the Graph Store: the endpoint is read-only",
               406: "None of the accepted media types can be served", 413: "The query or the body is too long",
               415: "Unsupported request body type",
               503: "Busy or shutting down; see Retry-After", 504: "The query ran past the time limit"}
    return {str(c): {"description": reasons[c], "content": text} for c in codes}


def _format_parameter(form: str) -> dict[str, Any]:
    formats = RESULT_FORMATS if form in ("SELECT", "ASK") else GRAPH_FORMATS
    return {"name": "format", "in": "query", "required": False,
            "description": "The answer's format; overrides the Accept header (also as `output` or `results`, "
                           "repeated, or as a media type; a value that names no format leaves it to Accept)",
            "schema": {"type": "string", "enum": [f.name for f in formats]}}


def openapi_document(state: ServerState) -> dict[str, Any]:
    settings = state.settings
    paths: dict[str, Any] = {}
    for stored in state.queries:
        form = state.forms[stored.name]
        paths[f"/queries/{stored.name}"] = {"get": {
            "operationId": stored.name, "summary": stored.summary, "description": stored.description,
            "tags": ["stored queries", *stored.tags],
            "parameters": [parameter_object(p) for p in stored.parameters] + [_format_parameter(form)],
            "responses": {"200": {"description": f"The {form} answer; cut at {settings.max_rows} rows "
                                                 "(header Citynet-Truncated: true) if longer",
                                  "content": _content(form)},
                          **_errors(400, 406, 503, 504)}}}
    query_parameter = {"name": "query", "in": "query", "required": True, "schema": {"type": "string"},
                       "description": "A SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE)",
                       "example": "SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o }"}
    graph_parameters = [{"name": name, "in": "query", "required": False, "description": "One of the endpoint's "
                         "own graphs (see the service description); remote graphs are refused",
                         "schema": {"type": "array", "items": {"type": "string", "format": "iri"}},
                         "style": "form", "explode": True} for name in ("default-graph-uri", "named-graph-uri")]
    answers = {"description": "SELECT and ASK: SPARQL results; CONSTRUCT and DESCRIBE: RDF",
               "content": {**_content("SELECT"), **_content("CONSTRUCT")}}
    paths["/sparql"] = {
        "get": {"operationId": "sparqlQuery", "summary": "SPARQL 1.1 Protocol: a query by GET",
                "description": "Without `query`, the SPARQL service description.", "tags": ["sparql"],
                "parameters": [{**query_parameter, "required": False}, *graph_parameters],
                "responses": {"200": answers, **_errors(400, 403, 406, 413, 503, 504)}},
        "post": {"operationId": "sparqlQueryPost", "summary": "SPARQL 1.1 Protocol: a query by POST",
                 "tags": ["sparql"], "requestBody": {"required": True, "content": {
                     "application/sparql-query": {"schema": {"type": "string"}},
                     "application/x-www-form-urlencoded": {"schema": {
                         "type": "object", "required": ["query"],
                         "properties": {"query": {"type": "string"}}}}}},
                 "responses": {"200": answers, **_errors(400, 403, 406, 413, 415, 503, 504)}},
    }
    graph_store_parameters = [
        {"name": "default", "in": "query", "required": False, "allowEmptyValue": True,
         "description": "The default graph (the union of all graphs)", "schema": {"type": "string"}},
        {"name": "graph", "in": "query", "required": False, "description": "A named graph of the dataset",
         "schema": {"type": "string", "format": "iri"}}]
    paths["/store"] = {"get": {
        "operationId": "graphStoreGet", "tags": ["sparql"],
        "summary": "SPARQL 1.1 Graph Store Protocol, read-only: a graph (?default, ?graph=IRI) or the dataset",
        "description": "HEAD answers the same without the body; PUT, POST, DELETE and PATCH are 405.",
        "parameters": graph_store_parameters,
        "responses": {"200": {"description": "The graph (Turtle, N-Triples, JSON-LD, RDF/XML) or, without a "
                                             "parameter, the dataset (N-Quads, TriG)",
                              "content": {**_content("CONSTRUCT"),
                                          **{f.media_type: {"schema": {"type": "string"}} for f in DATASET_FORMATS}}},
                      **_errors(400, 404, 405, 406, 503, 504)}}}
    paths["/queries"] = {"get": {"operationId": "listQueries", "summary": "The stored queries and their parameters",
                                 "tags": ["stored queries"], "responses": {"200": {
                                     "description": "One object per stored query",
                                     "content": {"application/json": {"schema": {"type": "array"}}}}}}}
    paths["/id/{kind}/{slug}"] = {"get": {
        "operationId": "entity", "summary": "A data IRI: 303 See Other to its description at /doc/{kind}/{slug}",
        "tags": ["linked data"],
        "parameters": [{"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
                       for n in ("kind", "slug")],
        "responses": {"303": {"description": "See the document that describes the entity"},
                      **_errors(404)}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "citynet", "version": __version__,
                 "description": "City-network knowledge as linked data: a read-only SPARQL endpoint, the "
                                "stored queries as an API, and dereferenceable IRIs."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": {"SparqlResults": {
            "type": "object", "description": "SPARQL 1.1 Query Results JSON Format",
            "properties": {"head": {"type": "object"}, "results": {"type": "object"}, "boolean": {"type": "boolean"},
                           "truncated": {"type": "boolean"}, "rowLimit": {"type": "integer"},
                           "note": {"type": "string"}}}}},
    }
