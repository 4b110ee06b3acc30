"""A store's answer read as a QueryResult: every term exactly as the store wrote it."""

from __future__ import annotations

import json

import httpx
import pyoxigraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from citynet.constructed import ConstructedGraph
from citynet.remote.http import RemoteError
from citynet.results import QueryResult
from citynet.terms import XSD_STRING, to_rdflib_as_written

_GRAPH_FORMATS = {"application/n-triples": pyoxigraph.RdfFormat.N_TRIPLES,
                  "text/plain": pyoxigraph.RdfFormat.N_TRIPLES,
                  "text/turtle": pyoxigraph.RdfFormat.TURTLE,
                  "application/rdf+xml": pyoxigraph.RdfFormat.RDF_XML}


def parse_json_results(payload: bytes | str) -> QueryResult:
    """SPARQL 1.1 Query Results JSON as a QueryResult (Virtuoso's "typed-literal" included)."""
    try:
        document = json.loads(payload)
    except ValueError as error:
        raise RemoteError(f"the endpoint answered with something that is not JSON: {error}") from None
    if "boolean" in document:
        return QueryResult(form="ASK", boolean=bool(document["boolean"]))
    variables = list(document.get("head", {}).get("vars", []))
    rows = [tuple(_json_term(binding.get(v)) for v in variables)
            for binding in document.get("results", {}).get("bindings", [])]
    return QueryResult(form="SELECT", variables=variables, terms=rows)


def _json_term(value: dict[str, str] | None) -> Node | None:
    if value is None:
        return None
    kind = value.get("type")
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"].removeprefix("nodeID://"))
    # normalize=False: the endpoint's lexical form, unchanged ("30000"^^xsd:double stays so).
    language = value.get("xml:lang")
    if language:
        return Literal(value["value"], lang=language, normalize=False)
    datatype = value.get("datatype")
    if datatype and datatype != XSD_STRING:
        return Literal(value["value"], datatype=URIRef(datatype), normalize=False)
    return Literal(value["value"], normalize=False)


def parse_graph_answer(response: httpx.Response, form: str) -> QueryResult:
    """A CONSTRUCT or DESCRIBE answer in N-Triples, Turtle or RDF/XML."""
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in _GRAPH_FORMATS:
        raise RemoteError(f"the endpoint answered a {form} query with {media or 'no media type'!r}",
                          hint="expected N-Triples or Turtle")
    graph = Graph()
    try:
        for triple in pyoxigraph.parse(response.content, format=_GRAPH_FORMATS[media]):
            graph.add((to_rdflib_as_written(triple.subject), to_rdflib_as_written(triple.predicate),
                       to_rdflib_as_written(triple.object)))
    except SyntaxError as error:
        raise RemoteError(f"the endpoint's {media} answer cannot be parsed: {error}") from None
    return QueryResult(form=form, constructed=ConstructedGraph(graph=graph))
