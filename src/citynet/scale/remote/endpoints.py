"""The three services of a store that a push uses: the Graph Store, queries and updates.

Stores lay them out differently; for the two that citynet is tested with, the query and
update services follow from the Graph Store's address:

- Oxigraph server: ``…/store``, ``…/query``, ``…/update``;
- Virtuoso 7: ``…/sparql-graph-crud-auth`` and ``…/sparql-auth`` (both Digest); the
  unauthenticated ``…/sparql-graph-crud`` goes with ``…/sparql``.

For any other store, give them with ``--query-endpoint`` and ``--update-endpoint``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from citynet.errors import CitynetError

# Graph Store path ending → (query path, update path)
_LAYOUTS = {
    "/store": ("/query", "/update"),
    "/sparql-graph-crud-auth": ("/sparql-auth", "/sparql-auth"),
    "/sparql-graph-crud": ("/sparql", "/sparql"),
}


@dataclass(frozen=True)
class Endpoints:
    graph_store: str
    query: str
    update: str

    @classmethod
    def for_graph_store(cls, graph_store: str, query: str | None = None, update: str | None = None) -> Endpoints:
        """The services of the store whose Graph Store is at ``graph_store``: those given, the
        rest from the known layouts."""
        check_url(graph_store)
        path = graph_store.split("?", 1)[0].rstrip("/")
        known = next(((path[: -len(end)], paths) for end, paths in _LAYOUTS.items() if path.endswith(end)), None)
        if known is not None:
            base, (query_path, update_path) = known
            query = query or base + query_path
            update = update or base + update_path
        if query is None or update is None:
            raise CitynetError(f"cannot tell the query and update services of the store at {graph_store}",
                               hint="give --query-endpoint and --update-endpoint (a push loads a staging "
                                    "graph, counts it, then moves it into place with SPARQL Update)")
        check_url(query)
        check_url(update)
        return cls(graph_store=graph_store, query=query, update=update)


def check_url(url: str) -> None:
    if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", url or ""):
        raise CitynetError(f"{url!r} is not an http(s) address", hint="for example http://127.0.0.1:7878/store")
