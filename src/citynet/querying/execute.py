"""Running stored and ad-hoc SPARQL queries on the graph, with parameters bound
as typed RDF terms by the engine (never pasted into the query text)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Protocol
from typing import Literal as Choice

import pyoxigraph
from rdflib import Graph, URIRef, Variable
from rdflib.term import Identifier

from citynet.errors import QueryError
from citynet.graph.knowledge_graph import KnowledgeGraph, shipped_graph
from citynet.graph.terms import as_simple_literal, to_oxigraph
from citynet.querying.parameters import ENTITY_TYPES, Parameter
from citynet.querying.results import QueryResult
from citynet.querying.solutions import Solutions
from citynet.querying.sparql_safety import (
    parse_read_only_query,
    refuse_deep_nesting,
    refuse_escaped_syntax,
    refuse_service,
    refuse_unread_service,
    refuse_update,
)
from citynet.querying.stored_queries import StoredQuery, catalogue

Engine = Choice["oxigraph", "rdflib"]
ENGINES: tuple[Engine, ...] = ("oxigraph", "rdflib")


def queries() -> list[StoredQuery]:
    """The stored queries, with their metadata."""
    return list(catalogue())


def query(name: str, params: Mapping[str, object] | None = None, /, *, graph: KnowledgeGraph | None = None,
          engine: Engine = "oxigraph", **keyword_params: object) -> QueryResult:
    """Run the stored query ``name`` on ``graph`` (default: the shipped graph) with its
    parameters in ``params``, a mapping from parameter name to value, bound as typed RDF terms.

    Any parameter can go in ``params``, whatever its name. Keyword arguments are a shorthand
    for the others, ``query("networks-of-place", place="Rostock")``: a parameter named
    ``graph`` or ``engine`` goes in ``params``, since those keywords are the function's own.

    Its rows are read through the query's declared column types; ``terms`` stay as the engine
    answered."""
    stored, knowledge_graph, bindings = bind_call(name, params, keyword_params, graph)
    result = run(stored.text, knowledge_graph, bindings, engine=engine, prepared=stored)
    result.columns = stored.columns
    return result


def bind_call(name: str, params: Mapping[str, object] | None, keyword_params: Mapping[str, object],
              graph: KnowledgeGraph | None) -> tuple[StoredQuery, KnowledgeGraph, dict[str, Identifier]]:
    """What a call of a query function names: the stored query, the graph that resolves names
    (default: the shipped graph) and the parameters bound as RDF terms."""
    stored = catalogue().get(name)
    given = merge_params(params, keyword_params)
    # Not `graph or …`: that would call len(), which counts every triple of the store.
    knowledge_graph = check_graph(graph) if graph is not None else shipped_graph()
    return stored, knowledge_graph, bind_parameters(stored, given, knowledge_graph)


def merge_params(params: Mapping[str, object] | None, keyword_params: Mapping[str, object]) -> dict[str, object]:
    """The parameters of a call: the mapping and the keyword shorthand together, each name once."""
    if params is not None and not isinstance(params, Mapping):
        hint = ("give the graph as graph=…" if isinstance(params, KnowledgeGraph)
                else "give a mapping such as {'place': 'Rostock'}")
        raise QueryError(f"the parameters must be a mapping from name to value, not {type(params).__name__}",
                         hint=hint)
    given = dict(params or {})
    twice = sorted(set(given) & set(keyword_params))
    if twice:
        raise QueryError(f"parameter {', '.join(map(repr, twice))} is given both in params and as a keyword")
    given.update(keyword_params)
    return given


def check_graph(graph: object) -> KnowledgeGraph:
    """``graph`` if it is a KnowledgeGraph: a value meant for a query parameter named ``graph``
    belongs in ``params``."""
    if not isinstance(graph, KnowledgeGraph):
        raise QueryError(f"graph= takes the KnowledgeGraph to query, not {type(graph).__name__}",
                         hint="a query parameter named 'graph' goes in params: query(name, {'graph': …})")
    return graph


def sparql(text: str, graph: KnowledgeGraph | None = None, *, base_iri: str | None = None) -> QueryResult:
    """Run an ad-hoc read-only query (no updates, no SERVICE) on ``graph`` (default: the
    shipped graph; :meth:`KnowledgeGraph.from_files` or :meth:`KnowledgeGraph.from_store`
    for data of one's own). Oxigraph parses and answers it, exactly as it would directly;
    ``base_iri`` resolves relative IRIs in the query."""
    if not text.strip():
        raise QueryError("the query is empty", hint="give a SELECT, CONSTRUCT, ASK or DESCRIBE query")
    refuse_service(text)
    refuse_deep_nesting(text)
    refuse_escaped_syntax(text)
    refuse_unread_service(text)
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


def bind_parameters(stored: StoredQuery, params: Mapping[str, object],
                    graph: KnowledgeGraph | EntityLookup) -> dict[str, Identifier]:
    """Check ``params`` against what the query declares and turn them into RDF terms; names
    and IRIs of entities are looked up in ``graph`` (a local graph or a remote lookup)."""
    expected = ", ".join(p.signature() for p in stored.parameters) or "no parameters"
    unknown = sorted(set(params) - {p.name for p in stored.parameters})
    if unknown:
        raise QueryError(f"query {stored.name!r} has no parameter {', '.join(map(repr, unknown))}",
                         hint=f"it takes: {expected}")
    bindings: dict[str, Identifier] = {}
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


def to_term(parameter: Parameter, value: Any, graph: KnowledgeGraph | EntityLookup) -> Identifier:
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


def run(text: str, graph: KnowledgeGraph, bindings: Mapping[str, Identifier], *,
        engine: Engine = "oxigraph", prepared: StoredQuery | None = None,
        base_iri: str | None = None) -> QueryResult:
    if engine not in ENGINES:
        raise QueryError(f"unknown engine {engine!r}", hint=f"engines: {', '.join(ENGINES)}; a query parameter "
                                                            "named 'engine' goes in params: query(name, {'engine': …})")
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
    """The engine's answer, kept as it wrote it (see :mod:`citynet.querying.solutions`). Evaluation is
    lazy in Oxigraph: errors surface here, while the solutions are read."""
    if isinstance(answer, pyoxigraph.QueryBoolean):
        return QueryResult(form="ASK", boolean=bool(answer))
    if isinstance(answer, pyoxigraph.QuerySolutions):
        solutions = Solutions.from_oxigraph(answer)
        return QueryResult(form="SELECT", variables=solutions.variables, terms=solutions)
    from citynet.querying.constructed import ConstructedGraph  # with its writers, only for graphs

    return QueryResult(form="CONSTRUCT", constructed=ConstructedGraph(answer))


def _from_rdflib(answer: Any) -> QueryResult:
    if answer.type == "ASK":
        return QueryResult(form="ASK", boolean=bool(answer.askAnswer))
    # rdflib keeps xsd:string explicit where Oxigraph drops it: make them alike.
    if answer.type == "SELECT":
        variables = [str(v) for v in answer.vars]
        rows = [tuple(as_simple_literal(row[v]) for v in answer.vars) for row in answer]
        return QueryResult(form="SELECT", variables=variables, terms=rows)
    from citynet.querying.constructed import ConstructedGraph

    graph = Graph()
    for subject, predicate, value in answer.graph:
        graph.add((as_simple_literal(subject), as_simple_literal(predicate), as_simple_literal(value)))
    return QueryResult(form="CONSTRUCT", constructed=ConstructedGraph(graph=graph))
