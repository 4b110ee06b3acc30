"""Running stored and ad-hoc SPARQL queries on the graph, with parameters bound
as typed RDF terms by the engine (never pasted into the query text)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from typing import Literal as Choice

import pyoxigraph
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.term import Node

from citynet.errors import QueryError
from citynet.graph import KnowledgeGraph, shipped_graph
from citynet.parameters import ENTITY_TYPES, Parameter
from citynet.results import QueryResult
from citynet.sparql_safety import parse_read_only_query
from citynet.stored_queries import StoredQuery, catalogue

Engine = Choice["oxigraph", "rdflib"]


def queries() -> list[StoredQuery]:
    """The stored queries, with their metadata."""
    return list(catalogue())


def query(name: str, graph: KnowledgeGraph | None = None, *, engine: Engine = "oxigraph",
          **params: Any) -> QueryResult:
    """Run the stored query ``name`` with typed parameters."""
    stored = catalogue().get(name)
    graph = graph or shipped_graph()
    bindings = bind_parameters(stored, params, graph)
    return run(stored.text, graph, bindings, engine=engine, prepared=stored)


def sparql(text: str, graph: KnowledgeGraph | None = None) -> QueryResult:
    """Run an ad-hoc read-only query (no updates, no SERVICE)."""
    parse_read_only_query(text)
    return run(text, graph or shipped_graph(), {})


def bind_parameters(stored: StoredQuery, params: Mapping[str, Any],
                    graph: KnowledgeGraph) -> dict[str, Node]:
    """Check ``params`` against what the query declares and turn them into RDF terms."""
    expected = ", ".join(p.signature() for p in stored.parameters) or "no parameters"
    unknown = sorted(set(params) - {p.name for p in stored.parameters})
    if unknown:
        raise QueryError(f"query {stored.name!r} has no parameter {', '.join(map(repr, unknown))}",
                         hint=f"it takes: {expected}")
    bindings: dict[str, Node] = {}
    for parameter in stored.parameters:
        if parameter.name in params and params[parameter.name] is not None:
            value = params[parameter.name]
        elif parameter.required:
            raise QueryError(f"query {stored.name!r} needs parameter {parameter.name!r}",
                             hint=f"it takes: {expected}; e.g. {parameter.name}={parameter.example}")
        elif parameter.default is not None:
            value = parameter.default
        else:
            continue
        bindings[parameter.name] = to_term(parameter, value, graph)
    return bindings


def to_term(parameter: Parameter, value: Any, graph: KnowledgeGraph) -> Node:
    if parameter.type in ENTITY_TYPES:
        if isinstance(value, URIRef):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            raise QueryError(f"parameter {parameter.name!r} expects the name or IRI of a "
                             f"{parameter.type}, got {value!r}")
        return URIRef(graph.names.resolve(value.strip(), parameter.type, ENTITY_TYPES[parameter.type]))
    return parameter.to_literal_term(value)


def run(text: str, graph: KnowledgeGraph, bindings: Mapping[str, Node], *,
        engine: Engine = "oxigraph", prepared: StoredQuery | None = None) -> QueryResult:
    if engine == "rdflib":
        compiled = prepared.prepared if prepared else parse_read_only_query(text)
        return _from_rdflib(graph.rdflib_graph.query(
            compiled, initBindings={Variable(k): v for k, v in bindings.items()}))
    try:
        answer = graph.store.query(
            text, substitutions={pyoxigraph.Variable(k): to_oxigraph(v) for k, v in bindings.items()})
    except SyntaxError as error:
        raise QueryError(f"SPARQL syntax error: {error}") from None
    except (OSError, RuntimeError, ValueError) as error:
        raise QueryError(f"query failed: {error}") from None
    return _from_oxigraph(answer)


# ---------------------------------------------------------------- term conversion

def to_oxigraph(term: Node) -> pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal:
    if isinstance(term, URIRef):
        return pyoxigraph.NamedNode(str(term))
    if isinstance(term, BNode):
        return pyoxigraph.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return pyoxigraph.Literal(str(term), language=term.language)
        if term.datatype:
            return pyoxigraph.Literal(str(term), datatype=pyoxigraph.NamedNode(str(term.datatype)))
        return pyoxigraph.Literal(str(term))
    raise TypeError(f"cannot bind {term!r}")


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_rdflib(term: Any) -> Node | None:
    if term is None:
        return None
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == _XSD_STRING else URIRef(datatype))
    raise TypeError(f"unsupported term {term!r}")


def _from_oxigraph(answer: Any) -> QueryResult:
    if isinstance(answer, pyoxigraph.QueryBoolean):
        return QueryResult(form="ASK", boolean=bool(answer))
    if isinstance(answer, pyoxigraph.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows = [tuple(to_rdflib(solution[v]) for v in variables) for solution in answer]
        return QueryResult(form="SELECT", variables=variables, terms=rows)
    graph = Graph()
    for triple in answer:
        graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
    return QueryResult(form="CONSTRUCT", graph=graph)


def _from_rdflib(answer: Any) -> QueryResult:
    if answer.type == "ASK":
        return QueryResult(form="ASK", boolean=bool(answer.askAnswer))
    if answer.type == "SELECT":
        variables = [str(v) for v in answer.vars]
        rows = [tuple(_plain(row[v]) for v in answer.vars) for row in answer]
        return QueryResult(form="SELECT", variables=variables, terms=rows)
    graph = Graph()
    for triple in answer.graph:
        graph.add(tuple(_plain(t) for t in triple))
    return QueryResult(form="CONSTRUCT", graph=graph)


def _plain(term: Node | None) -> Node | None:
    """rdflib keeps xsd:string explicit where Oxigraph drops it: make them alike."""
    if isinstance(term, Literal) and term.datatype == URIRef(_XSD_STRING):
        return Literal(str(term))
    return term
