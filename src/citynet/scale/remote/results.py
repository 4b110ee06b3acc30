"""A store's answer read as a QueryResult: every term exactly as the store wrote it."""

from __future__ import annotations

import json

import httpx
import pyoxigraph
from rdflib import Graph

from citynet.formats import NTRIPLES, RDFXML, TURTLE
from citynet.graph.terms import to_rdflib_triple
from citynet.querying.constructed import ConstructedGraph
from citynet.querying.results import QueryResult
from citynet.querying.solutions import Solutions
from citynet.scale.remote.http import RemoteError

_GRAPH_FORMATS = (NTRIPLES, TURTLE, RDFXML)


def parse_json_results(payload: bytes | str) -> QueryResult:
    """SPARQL 1.1 Query Results JSON as a QueryResult, read by Oxigraph's parser (which takes
    Virtuoso's "typed-literal" too) and kept as the endpoint wrote it, like a local answer."""
    data = payload.encode("utf-8") if isinstance(payload, str) else payload
    if b"nodeID://" in data:
        data = _standard(data)
    try:
        answer = _parse(data)
    except SyntaxError:
        try:  # members of the store's own after the bindings, which Oxigraph's reader refuses
            answer = _parse(_standard(data))
        except SyntaxError as error:
            raise RemoteError(f"the endpoint's JSON results cannot be read: {error}") from None
    if isinstance(answer, QueryResult):
        return answer
    return QueryResult(form="SELECT", variables=answer.variables, terms=answer)


def _parse(data: bytes) -> QueryResult | Solutions:
    answer = pyoxigraph.parse_query_results(data, pyoxigraph.QueryResultsFormat.JSON)
    if isinstance(answer, pyoxigraph.QueryBoolean):
        return QueryResult(form="ASK", boolean=bool(answer))
    return Solutions.from_oxigraph(answer)


def _standard(data: bytes) -> bytes:
    """The answer with only the members SPARQL defines (``head``, ``results`` with its
    ``bindings``, ``boolean``), in that order, and blank nodes as labels: Virtuoso names them
    ``nodeID://b1``, which is not a blank node label (``b1``)."""
    try:
        document = json.loads(data)
    except ValueError as error:
        raise RemoteError(f"the endpoint answered with something that is not JSON: {error}") from None
    if not isinstance(document, dict):
        raise RemoteError("the endpoint answered with JSON that is not SPARQL results")
    standard: dict[str, object] = {"head": document.get("head", {})}
    if "boolean" in document:
        standard["boolean"] = document["boolean"]
    else:
        bindings = (document.get("results") or {}).get("bindings", [])
        for binding in bindings:
            for value in binding.values():
                if value.get("type") == "bnode":
                    value["value"] = value["value"].removeprefix("nodeID://")
        standard["results"] = {"bindings": bindings}
    return json.dumps(standard).encode("utf-8")


def parse_graph_answer(response: httpx.Response, form: str) -> QueryResult:
    """A CONSTRUCT or DESCRIBE answer in N-Triples, Turtle or RDF/XML."""
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    fmt = next((f for f in _GRAPH_FORMATS if media in f.media_types()), None)
    if fmt is None or fmt.rdf is None:
        raise RemoteError(f"the endpoint answered a {form} query with {media or 'no media type'!r}",
                          hint="expected N-Triples or Turtle")
    graph = Graph()
    try:
        for triple in pyoxigraph.parse(response.content, format=fmt.rdf):
            graph.add(to_rdflib_triple(triple))
    except SyntaxError as error:
        raise RemoteError(f"the endpoint's {fmt.label} answer cannot be parsed: {error}") from None
    return QueryResult(form=form, constructed=ConstructedGraph(graph=graph))
