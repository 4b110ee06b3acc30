"""citynet: city-network knowledge as linked data.

    >>> import citynet
    >>> report = citynet.validate()           # the shipped graph against its shapes
    >>> for row in citynet.query("networks-of-place", place="Rostock"):
    ...     print(row.networkName, row.since)

In a triplestore (README, "Using a triplestore")::

    citynet.push(None, "http://127.0.0.1:7878/store", "https://example.org/citynet")
    citynet.remote_query("networks-of-place", "http://127.0.0.1:7878/query",
                         "https://example.org/citynet", place="Rostock")
"""

from citynet.errors import CitynetError, InputError, QueryError
from citynet.graph import KnowledgeGraph, shipped_graph
from citynet.querying import queries, query, sparql
from citynet.remote import PushReport, RemoteError, RowLimitError, push, remote_query
from citynet.results import QueryResult, Row
from citynet.stored_queries import StoredQuery
from citynet.validation import Finding, Severity, ValidationReport, validate

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
