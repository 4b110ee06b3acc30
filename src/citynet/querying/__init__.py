"""Querying the graph: stored queries and their parameters, ad-hoc SPARQL, and results.

The names below are imported at first use (PEP 562): a submodule such as the SPARQL lexer can
be used without loading the engines."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from citynet.querying.execute import queries, query, sparql
    from citynet.querying.results import QueryResult, Row
    from citynet.querying.stored_queries import StoredQuery

_HOMES = {
    "queries": "citynet.querying.execute", "query": "citynet.querying.execute", "sparql": "citynet.querying.execute",
    "QueryResult": "citynet.querying.results", "Row": "citynet.querying.results",
    "StoredQuery": "citynet.querying.stored_queries",
}

__all__ = ["QueryResult", "Row", "StoredQuery", "queries", "query", "sparql"]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'citynet.querying' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
