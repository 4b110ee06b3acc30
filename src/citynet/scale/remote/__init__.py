"""The graph in a triplestore: pushed into a named graph, and queried there.

- :func:`push` replaces a named graph through the SPARQL 1.1 Graph Store Protocol and SPARQL
  Update, never leaving it half-written (:mod:`citynet.scale.remote.push`);
- :func:`remote_query` runs a stored query at a SPARQL endpoint and gives the rows a local
  query gives (:mod:`citynet.scale.remote.query`).

Tested with the Oxigraph server (``oxigraph serve``: ``/store``, ``/query``, ``/update``) and
Virtuoso 7.2 with Debian's stock settings (``/sparql-graph-crud-auth`` and ``/sparql-auth``
with Digest authentication, ``/sparql`` for reading).
"""

from citynet.scale.remote.addresses import Endpoint, parse_endpoint, readable_on_the_way, redact_url
from citynet.scale.remote.endpoints import Endpoints
from citynet.scale.remote.http import Connection, RemoteError
from citynet.scale.remote.paging import RowLimitError
from citynet.scale.remote.push import STAGING_PREFIX, PushReport, push
from citynet.scale.remote.query import remote_query
from citynet.scale.remote.results import parse_json_results
from citynet.scale.remote.values import with_values

__all__ = [
    "STAGING_PREFIX",
    "Connection",
    "Endpoint",
    "Endpoints",
    "PushReport",
    "RemoteError",
    "RowLimitError",
    "parse_endpoint",
    "parse_json_results",
    "push",
    "readable_on_the_way",
    "redact_url",
    "remote_query",
    "with_values",
]
