"""citynet: city-network knowledge as linked data.

    >>> import citynet
    >>> report = citynet.validate()           # the shipped graph against its shapes
    >>> for row in citynet.query("networks-of-place", place="Rostock"):
    ...     print(row.networkName, row.since)

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
    "Finding": "citynet.validation.validator", "Severity": "citynet.validation.validator",
    "ValidationReport": "citynet.validation.validator", "validate": "citynet.validation.validator",
}

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


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'citynet' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
