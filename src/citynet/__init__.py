"""citynet: city-network knowledge as linked data.

    >>> import citynet
    >>> report = citynet.validate()           # the shipped graph against its shapes
    >>> for row in citynet.query("networks-of-place", place="Rostock"):
    ...     print(row.networkName, row.since)

In a triplestore (README, "Using a triplestore")::

    citynet.push(None, "http://127.0.0.1:7878/store", "https://example.org/citynet")
    citynet.remote_query("networks-of-place", "http://127.0.0.1:7878/query", {"place": "Rostock"},
                         graph_iri="https://example.org/citynet")

The names below are imported at first use (PEP 562), so that ``import citynet`` and every
command start without what they do not use: ``citynet query`` never loads pySHACL.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from citynet.errors import CitynetError, InputError, QueryError
    from citynet.graph.knowledge_graph import KnowledgeGraph, shipped_graph
    from citynet.querying.execute import queries, query, sparql
    from citynet.querying.results import QueryResult, Row
    from citynet.querying.stored_queries import StoredQuery
    from citynet.scale.remote.http import RemoteError
    from citynet.scale.remote.paging import RowLimitError
    from citynet.scale.remote.push import PushReport, push
    from citynet.scale.remote.query import remote_query
    from citynet.validation.validator import Finding, Severity, ValidationReport, validate

__version__ = "0.1.0"

#: Each public name and the module that defines it.
_HOMES = {
    "CitynetError": "citynet.errors", "InputError": "citynet.errors", "QueryError": "citynet.errors",
    "KnowledgeGraph": "citynet.graph.knowledge_graph", "shipped_graph": "citynet.graph.knowledge_graph",
    "queries": "citynet.querying.execute", "query": "citynet.querying.execute",
    "sparql": "citynet.querying.execute",
    "QueryResult": "citynet.querying.results", "Row": "citynet.querying.results",
    "StoredQuery": "citynet.querying.stored_queries",
    "RemoteError": "citynet.scale.remote.http", "RowLimitError": "citynet.scale.remote.paging",
    "PushReport": "citynet.scale.remote.push", "push": "citynet.scale.remote.push",
    "remote_query": "citynet.scale.remote.query",
    "Finding": "citynet.validation.validator", "Severity": "citynet.validation.validator",
    "ValidationReport": "citynet.validation.validator", "validate": "citynet.validation.validator",
}

__all__ = [
    "CitynetError",
    "Finding",
    "InputError",
    "KnowledgeGraph",
    "PushReport",
    "QueryError",
    "QueryResult",
    "RemoteError",
    "Row",
    "RowLimitError",
    "Severity",
    "StoredQuery",
    "ValidationReport",
    "__version__",
    "push",
    "queries",
    "query",
    "remote_query",
    "shipped_graph",
    "sparql",
    "validate",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'citynet' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
