"""Running stored and ad-hoc SPARQL queries on the graph, with parameters bound
as typed RDF terms by the engine (never pasted into the query text)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Protocol
from typing import Literal as Choice

import pyoxigraph
from rdflib import Graph, Literal, URIRef, Variable
from rdflib.term import Node

from citynet.constructed import ConstructedGraph
from citynet.errors import QueryError
from citynet.graph import KnowledgeGraph, shipped_graph
from citynet.parameters import ENTITY_TYPES, Parameter
from citynet.results import QueryResult
from citynet.solutions import Solutions
from citynet.sparql_safety import parse_read_only_query, refuse_service, refuse_update
from citynet.stored_queries import StoredQuery, catalogue
from citynet.terms import XSD_STRING, to_oxigraph

Engine = Choice["oxigraph", "rdflib"]


def queries() -> list[StoredQuery]:
    """The stored queries, with their metadata."""
    return list(catalogue())


def query(name: str, graph: KnowledgeGraph | None = None, *, engine: Engine = "oxigraph",
          **params: Any) -> QueryResult:
    """Run the stored query ``name`` with typed parameters. Its rows are read through the
    query's declared column types; ``terms`` stay as the engine answered."""
    stored = catalogue().get(name)
    # Not `graph or …`: that would call len(), which counts every triple of the store.
    graph = graph if graph is not None else shipped_graph()
    bindings = bind_parameters(stored, params, graph)
    result = run(stored.text, graph, bindings, engine=engine, prepared=stored)
    result.columns = stored.columns
    return result


def sparql(text: str, graph: KnowledgeGraph | None = None, *, base_iri: str | None = None) -> QueryResult:
    """Run an ad-hoc read-only query (no updates, no SERVICE) on ``graph`` (default: the
    shipped graph; :meth:`KnowledgeGraph.from_files` or :meth:`KnowledgeGraph.from_store`
    for data of one's own). Oxigraph parses and answers it, exactly as it would directly;
    ``base_iri`` resolves relative IRIs in the query."""
    if not text.strip():
        raise QueryError("the query is empty", hint="give a SELECT, CONSTRUCT, ASK or DESCRIBE query")
    refuse_service(text)
    return run(text, graph if graph is not None else shipped_graph(), {}, base_iri=base_iri)


class EntityLookup(Protocol):
    """Where entity parameters are looked up: the local graph, or a remote store."""

    def classes_of(self, iri: str) -> frozenset[str]:
        """The classes of the entity ``iri`` (empty when it is none)."""

    def resolve(self, text: str, kind: str, allowed_classes: tuple[str, ...]) -> str:
        """The IRI of the one entity of ``allowed_classes`` that ``text`` names."""


class LocalLookup:
    """Entities of a local graph: classes looked up directly, names through its name index."""

    def __init__(self, graph: KnowledgeGraph) -> None:
        self.graph = graph

    def classes_of(self, iri: str) -> frozenset[str]:
        try:
            return self.graph.classes_of(iri)
        except ValueError:
            return frozenset()

    def resolve(self, text: str, kind: str, allowed_classes: tuple[str, ...]) -> str:
        return self.graph.names.resolve(text, kind, allowed_classes)


def bind_parameters(stored: StoredQuery, params: Mapping[str, Any],
                    graph: KnowledgeGraph | EntityLookup) -> dict[str, Node]:
    """Check ``params`` against what the query declares and turn them into RDF terms; names
    and IRIs of entities are looked up in ``graph`` (a local graph or a remote lookup)."""
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


def to_term(parameter: Parameter, value: Any, graph: KnowledgeGraph | EntityLookup) -> Node:
    if parameter.type in ENTITY_TYPES:
        if isinstance(value, URIRef):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            raise QueryError(f"parameter {parameter.name!r} expects the name or IRI of a "
                             f"{parameter.type}, got {value!r}")
        value = value.strip()
        lookup = LocalLookup(graph) if isinstance(graph, KnowledgeGraph) else graph
        if _is_entity_of(lookup, value, ENTITY_TYPES[parameter.type]):
            return URIRef(value)  # an IRI of the graph: no need to look up names
        return URIRef(lookup.resolve(value, parameter.type, ENTITY_TYPES[parameter.type]))
    return parameter.to_literal_term(value)


def _is_entity_of(lookup: EntityLookup, value: str, allowed_classes: tuple[str, ...]) -> bool:
    """Whether ``value`` is the IRI of a typed entity of one of ``allowed_classes`` (any class
    if none): looked up directly, where a name lookup would read every label of the graph."""
    if not value.startswith(("http://", "https://", "urn:")) or any(c in value for c in ' <>"{}|\\^`'):
        return False
    classes = lookup.classes_of(value)
    return bool(classes) and (not allowed_classes or not classes.isdisjoint(allowed_classes))


def run(text: str, graph: KnowledgeGraph, bindings: Mapping[str, Node], *,
        engine: Engine = "oxigraph", prepared: StoredQuery | None = None,
        base_iri: str | None = None) -> QueryResult:
    if engine == "rdflib":
        compiled = prepared.prepared if prepared else parse_read_only_query(text)
        return _from_rdflib(graph.rdflib_graph.query(
            compiled, initBindings={Variable(k): v for k, v in bindings.items()}))
    try:
        answer = graph.store.query(
            text, base_iri=base_iri,
            substitutions={pyoxigraph.Variable(k): to_oxigraph(v) for k, v in bindings.items()})
        return _from_oxigraph(answer)
    except SyntaxError as error:
        refuse_update(text)
        line, column = _position(str(error))
        raise QueryError(f"SPARQL syntax error: {error}", line=line, column=column) from None
    except (OSError, RuntimeError, ValueError) as error:
        raise QueryError(f"query failed: {error}") from None


_POSITION = re.compile(r"\bat (\d+):(\d+)")


def _position(message: str) -> tuple[int | None, int | None]:
    """Line and column of Oxigraph's syntax error message ("error at 1:23: …")."""
    match = _POSITION.search(message)
    return (int(match.group(1)), int(match.group(2))) if match else (None, None)


def _from_oxigraph(answer: Any) -> QueryResult:
    """The engine's answer, kept as it wrote it (see :mod:`citynet.solutions`). Evaluation is
    lazy in Oxigraph: errors surface here, while the solutions are read."""
    if isinstance(answer, pyoxigraph.QueryBoolean):
        return QueryResult(form="ASK", boolean=bool(answer))
    if isinstance(answer, pyoxigraph.QuerySolutions):
        solutions = Solutions.from_oxigraph(answer)
        return QueryResult(form="SELECT", variables=solutions.variables, terms=solutions)
    return QueryResult(form="CONSTRUCT", constructed=ConstructedGraph(answer))


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
    return QueryResult(form="CONSTRUCT", constructed=ConstructedGraph(graph=graph))


def _plain(term: Node | None) -> Node | None:
    """rdflib keeps xsd:string explicit where Oxigraph drops it: make them alike."""
    if isinstance(term, Literal) and term.datatype == URIRef(XSD_STRING):
        return Literal(str(term))
    return term
