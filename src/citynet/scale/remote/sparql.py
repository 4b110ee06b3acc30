"""The SPARQL 1.1 protocol as a client: queries (GET, or a form POST when long) and updates.

Virtuoso does not answer a POST of ``application/sparql-query``, so long queries go as a form.
An answer that Virtuoso marks as partial (``X-SQL-State: S1TAT``: its "anytime" results, cut
off at MaxQueryExecutionTime) is refused, never passed on as if it were whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal as Choice
from urllib.parse import urlencode

import httpx
from rdflib import URIRef

from citynet.querying.results import QueryResult
from citynet.scale.remote.addresses import redact_url
from citynet.scale.remote.hints import hint_for
from citynet.scale.remote.http import RemoteError, check, send
from citynet.scale.remote.results import parse_graph_answer, parse_json_results

Method = Choice["auto", "GET", "POST"]
LONG_QUERY = 1800  # characters of the encoded query above which it goes as a form POST
_PARTIAL_STATES = {"S1TAT"}


@dataclass(frozen=True)
class Answer:
    result: QueryResult
    headers: httpx.Headers


def query(client: httpx.Client, endpoint: str, text: str, form: str, method: Method = "auto") -> Answer:
    """Send the query ``text`` (of ``form`` SELECT, ASK, CONSTRUCT or DESCRIBE)."""
    accept = ("application/sparql-results+json" if form in ("SELECT", "ASK")
              else "application/n-triples, text/turtle;q=0.9")
    encoded = urlencode({"query": text})
    if method == "POST" or (method == "auto" and len(encoded) > LONG_QUERY):
        response = send(client, "POST", endpoint, endpoint, content=encoded.encode(),
                        headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})
    else:
        separator = "&" if "?" in endpoint else "?"
        response = send(client, "GET", endpoint + separator + encoded, endpoint, headers={"Accept": accept})
    check(response, endpoint, "SPARQL endpoint")
    state = response.headers.get("x-sql-state", "")
    if state in _PARTIAL_STATES:
        message = response.headers.get("x-sql-message", state)
        raise RemoteError(f"{redact_url(endpoint)} sent partial results: {message}", hint=hint_for("S1TAT"))
    if form in ("SELECT", "ASK"):
        return Answer(parse_json_results(response.content), response.headers)
    return Answer(parse_graph_answer(response, form), response.headers)


def update(client: httpx.Client, endpoint: str, text: str) -> None:
    """Send the SPARQL Update ``text`` as a form POST (``update=``)."""
    response = send(client, "POST", endpoint, endpoint, content=urlencode({"update": text}).encode(),
                    headers={"Content-Type": "application/x-www-form-urlencoded",
                             "Accept": "application/sparql-results+json, */*;q=0.1"})
    check(response, endpoint, "SPARQL Update service")


def count_triples(client: httpx.Client, endpoint: str, graph_iri: str) -> int:
    """How many triples the named graph holds (0 when it does not exist)."""
    text = f"SELECT (COUNT(*) AS ?triples) WHERE {{ GRAPH {URIRef(graph_iri).n3()} {{ ?s ?p ?o }} }}"
    result = query(client, endpoint, text, "SELECT").result
    try:
        return int(str(result.terms[0][0]))
    except (IndexError, TypeError, ValueError):
        raise RemoteError(f"{redact_url(endpoint)} did not answer a count of triples") from None
