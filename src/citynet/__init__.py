"""citynet: city-network knowledge as linked data.

    >>> import citynet
    >>> report = citynet.validate()           # the shipped graph against its shapes
    >>> for row in citynet.query("networks-of-place", place="Rostock"):
    ...     print(row.networkName, row.since)

In a triplestore (README, "Using a triplestore")::

    citynet.push(None, "http://127.0.0.1:7878/store", "https://example.org/citynet")
    citynet.remote_query("networks-of-place", "http://127.0.0.1:7878/query", {"place": "Rostock"},
                         graph_iri="https://example.org/citynet")
"""

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
