"""citynet: city-network knowledge as linked data.

    >>> import citynet
    >>> report = citynet.validate()           # the shipped graph against its shapes
    >>> for row in citynet.query("networks-of-place", place="Rostock"):
    ...     print(row.networkName, row.since)
"""

from citynet.errors import CitynetError, InputError, QueryError
from citynet.graph.knowledge_graph import KnowledgeGraph, shipped_graph
from citynet.querying.execute import queries, query, sparql
from citynet.querying.results import QueryResult, Row
from citynet.querying.stored_queries import StoredQuery
from citynet.validation.validator import Finding, Severity, ValidationReport, validate

__version__ = "0.1.0"

__all__ = [
    "CitynetError",
    "Finding",
    "InputError",
    "KnowledgeGraph",
    "QueryError",
    "QueryResult",
    "Row",
    "Severity",
    "StoredQuery",
    "ValidationReport",
    "__version__",
    "queries",
    "query",
    "shipped_graph",
    "sparql",
    "validate",
]
