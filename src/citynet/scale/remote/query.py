"""Stored queries run at a remote SPARQL endpoint, with the answer a local query gives.

``remote_query("networks-of-place", "http://127.0.0.1:7878/query", {"place": "Rostock"}, graph_iri=…)``:

- names and IRIs of entities are looked up in the remote store (:mod:`citynet.scale.remote.names`),
  or in a local graph when ``graph=`` is given;
- parameters are bound by a VALUES block (:mod:`citynet.scale.remote.values`); with ``graph_iri``
  the query reads only that named graph (``FROM <graph_iri>``), which Virtuoso needs: it holds
  some thousand system triples in other graphs;
- an answer that the store cut at a row cap is read whole in pages, or refused
  (:mod:`citynet.scale.remote.paging`), a graph (CONSTRUCT) from pages of its solutions;
- the result carries the query's declared column types, so its rows are those of a local query.
"""

from __future__ import annotations

from collections.abc import Mapping

from citynet.graph.knowledge_graph import KnowledgeGraph
from citynet.querying.execute import LocalLookup, bind_parameters, check_graph, merge_params
from citynet.querying.results import QueryResult
from citynet.querying.stored_queries import catalogue
from citynet.scale.remote import sparql
from citynet.scale.remote.addresses import credentials, parse_endpoint
from citynet.scale.remote.http import Auth, Connection
from citynet.scale.remote.names import RemoteLookup
from citynet.scale.remote.paging import (
    KNOWN_CAPS,
    SETTINGS,
    RowLimitError,
    graph_cap,
    read_whole,
    read_whole_graph,
    row_cap,
)
from citynet.scale.remote.sparql import Answer, Method
from citynet.scale.remote.values import with_values


def remote_query(name: str, endpoint: str, params: Mapping[str, object] | None = None, /, *,
                 graph_iri: str | None = None, graph: KnowledgeGraph | None = None, user: str | None = None,
                 password: str | None = None, auth: Auth = "basic", method: Method = "auto",
                 timeout: float = 120.0, retries: int = 2, row_caps: frozenset[int] = KNOWN_CAPS,
                 paging: bool = True, **keyword_params: object) -> QueryResult:
    """Run the stored query ``name`` at the SPARQL endpoint ``endpoint``, with its parameters
    in ``params`` (keyword arguments are a shorthand for those whose names are not this
    function's own, as in :func:`citynet.query`).

    Parameters are checked locally and their names and IRIs looked up in the remote store
    (in ``graph``, a local KnowledgeGraph, when given). With ``graph_iri`` the query reads only
    that named graph. A failed request is sent again up to ``retries`` times when the failure
    is transient. An answer cut at a row cap is read whole in pages (``paging=False``: refused).
    Raises RemoteError, or RowLimitError when a row cap cut the answer and it was not read whole.
    """
    stored = catalogue().get(name)
    given = merge_params(params, keyword_params)
    local = check_graph(graph) if graph is not None else None
    target = parse_endpoint(endpoint)
    shown = target.shown  # messages name the endpoint with its password masked
    connection = Connection(*credentials(target, user, password), auth, timeout, retries)
    with connection.client() as client:
        lookup = LocalLookup(local) if local is not None else RemoteLookup(client, endpoint, graph_iri, method)
        bindings = bind_parameters(stored, given, lookup)

        def run(text: str, form: str = "SELECT") -> Answer:
            bound = with_values(text, bindings, from_graph=graph_iri)
            return connection.retrying(lambda: sparql.query(client, endpoint, bound, form, method))

        answer = run(stored.text, stored.form)
        result = answer.result
        if stored.form == "CONSTRUCT":
            cap = graph_cap(answer, lambda text: run(text))
            if cap is not None and not paging:
                raise RowLimitError(f"{shown} may have cut this graph of {len(result):,} triples at its cap of "
                                    f"{cap:,}", hint=f"leave out --no-paging to read it in pages, or raise the cap: "
                                                     f"{SETTINGS}")
            if cap is not None:
                template = len(stored.prepared.algebra["template"])
                result = read_whole_graph(stored.text, template, cap, run, shown)
        cap = row_cap(answer, row_caps) if stored.form == "SELECT" else None
        if cap is not None and not paging:
            raise RowLimitError(f"{shown} cut the answer at {cap:,} rows",
                                hint=f"leave out --no-paging to read it in pages, or raise the cap: {SETTINGS}")
        if cap is not None:
            cursor = "x-sparql-maxrows" in answer.headers  # Virtuoso: see citynet.scale.remote.paging
            result = read_whole(stored.text, list(result.variables), cap, run, shown, cursor=cursor)
    result.columns = stored.columns
    return result
