"""Running citynet's own SELECT queries on an Oxigraph store."""

from __future__ import annotations

from typing import Any

import pyoxigraph


def select(store: pyoxigraph.Store, query: str, **options: Any) -> pyoxigraph.QuerySolutions:
    """The solutions of a SELECT query (``options`` as for ``Store.query``). Raises TypeError
    for another form: citynet's own queries are known to be SELECT queries."""
    answer = store.query(query, **options)
    if not isinstance(answer, pyoxigraph.QuerySolutions):
        raise TypeError(f"expected a SELECT query, got one answered by {type(answer).__name__}")
    return answer
