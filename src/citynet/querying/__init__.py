"""Querying the graph: stored queries and their parameters, ad-hoc SPARQL, and results."""

from citynet.querying.execute import queries, query, sparql
from citynet.querying.results import QueryResult, Row
from citynet.querying.stored_queries import StoredQuery

__all__ = ["QueryResult", "Row", "StoredQuery", "queries", "query", "sparql"]
