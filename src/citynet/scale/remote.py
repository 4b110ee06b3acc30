"""The graph on a real triplestore: push it to a named graph, and run stored queries there.

``push(graph, "http://127.0.0.1:7878/store", "https://w3id.org/citynet/graph/main")``
replaces a named graph through the SPARQL 1.1 Graph Store HTTP Protocol (an HTTP PUT
of the whole graph, streamed as N-Triples or Turtle), with Basic or Digest
authentication. ``remote_query("networks-of-place", "http://127.0.0.1:7878/query",
{"place": "Rostock"}, graph_iri=…)`` runs a stored query against a SPARQL endpoint and
returns the same ``QueryResult`` as a local query.

Parameters are resolved locally first (a place name becomes its IRI through the local
graph's name index) and bound by a ``VALUES`` block made of ``term.n3()`` in the
query's outermost WHERE group: nothing the caller types is pasted into the query text
as SPARQL. The block joins the parameter with that whole group, so it binds a variable
used only in FILTER or HAVING just as a substitution does; tests/test_remote.py checks
that every stored query gives the same results both ways.

Endpoints that were tried: Oxigraph (``oxigraph serve``: Graph Store at ``/store``,
queries at ``/query``) and Virtuoso 7 (Graph Store with Digest authentication at
``/sparql-graph-crud-auth``, queries at ``/sparql``). Virtuoso holds some thousand
system triples in other graphs, so give ``graph_iri``: the query then reads
``FROM <graph_iri>`` only. Queries go as GET, or as a form POST when long (Virtuoso
does not answer a POST of ``application/sparql-query``).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from typing import Literal as Choice
from urllib.parse import urlencode

import httpx
import pyoxigraph
from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from citynet.errors import CitynetError, QueryError
from citynet.formats import NTRIPLES, RDFXML, TURTLE, names
from citynet.graph.knowledge_graph import KnowledgeGraph, shipped_graph
from citynet.graph.progress import Progress
from citynet.graph.terms import to_rdflib_triple
from citynet.querying.constructed import ConstructedGraph
from citynet.querying.execute import bind_call
from citynet.querying.results import QueryResult
from citynet.querying.solutions import Solutions
from citynet.querying.sparql_lexer import lexemes

Auth = Choice["basic", "digest"]

_PUSH_FORMATS = (NTRIPLES, TURTLE)
_LONG_QUERY = 1800  # characters of the encoded query above which it goes as a form POST

# Stored queries that remote_query refuses, with the reason; empty while every stored
# query gives the same results with a VALUES block as with substitution.
REFUSED: dict[str, str] = {}


class RemoteError(CitynetError):
    """A triplestore that cannot be reached, refuses us, or answers with an error."""


@dataclass(frozen=True)
class PushReport:
    endpoint: str
    graph_iri: str
    triples: int
    bytes: int
    seconds: float
    status: int


# ---------------------------------------------------------------- push

class _FileBody:
    """A request body read from a file in chunks: iterable again, so that an
    authentication round trip can send it a second time."""

    def __init__(self, path: Path, chunk: int = 1 << 20) -> None:
        self.path = path
        self.chunk = chunk

    def __iter__(self) -> Iterator[bytes]:
        with self.path.open("rb") as stream, \
                Progress(self.path.stat().st_size, "sending", unit="bytes") as bar:
            while block := stream.read(self.chunk):
                bar.advance(len(block))
                yield block


def push(graph: KnowledgeGraph | None, endpoint: str, graph_iri: str, user: str | None = None,
         password: str | None = None, auth: Auth = "basic", *, format: str = "ntriples",
         timeout: float = 600.0) -> PushReport:
    """Replace the named graph ``graph_iri`` at the Graph Store ``endpoint`` with ``graph``
    (default: the shipped graph, ontology included), by an HTTP PUT.

    Raises RemoteError when the store cannot be reached, refuses the credentials (401,
    403), has no Graph Store at that address (404) or answers with another error.
    """
    graph = graph if graph is not None else shipped_graph()
    _check_iri(graph_iri, "graph IRI")
    pushed = next((fmt for fmt in _PUSH_FORMATS if fmt.name == format), None)
    if pushed is None or pushed.rdf is None:
        raise CitynetError(f"cannot push as {format!r}", hint=f"formats: {', '.join(names(_PUSH_FORMATS))}")
    url = _with_query(endpoint, {"graph": graph_iri})
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="citynet-push-") as folder:
        body = Path(folder) / f"graph.{pushed.suffix}"
        quads = graph.store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())
        triples = 0

        def counted(bar: Progress) -> Iterator[pyoxigraph.Quad]:
            nonlocal triples
            for quad in quads:
                triples += 1
                if triples % 10_000 == 0:
                    bar.update(triples)
                yield quad

        with Progress(1, "writing the graph", unit="triples") as bar:
            if bar.enabled:
                bar.total = max(len(graph), 1)  # counting costs a pass over the store: only for the bar
            pyoxigraph.serialize(counted(bar), output=str(body), format=pushed.rdf)
            bar.update(triples)
        size = body.stat().st_size
        headers = {"Content-Type": pushed.content_type, "Content-Length": str(size)}
        with _client(user, password, auth, timeout) as client:
            if user is not None and auth == "digest":
                _request(client, "HEAD", url, endpoint)  # fetch the challenge before sending the body
            response = _request(client, "PUT", url, endpoint, content=_FileBody(body), headers=headers)
    _raise_for_status(response, endpoint, "Graph Store")
    return PushReport(endpoint=endpoint, graph_iri=graph_iri, triples=triples, bytes=size,
                      seconds=time.perf_counter() - started, status=response.status_code)


# ---------------------------------------------------------------- queries

def remote_query(name: str, endpoint: str, params: Mapping[str, object] | None = None, /, *,
                 graph_iri: str | None = None, graph: KnowledgeGraph | None = None, user: str | None = None,
                 password: str | None = None, auth: Auth = "basic", method: Choice["auto", "GET", "POST"] = "auto",
                 timeout: float = 120.0, **keyword_params: object) -> QueryResult:
    """Run the stored query ``name`` at the SPARQL endpoint ``endpoint``, with its parameters
    in ``params`` (keyword arguments are a shorthand for those whose names are not this
    function's own, as in :func:`citynet.query`).

    Parameters are checked and resolved to RDF terms locally (names through ``graph``'s
    name index, default the shipped graph), then bound by a VALUES block. With
    ``graph_iri`` the query reads only that named graph (``FROM <graph_iri>``).
    """
    if name in REFUSED:
        raise QueryError(f"query {name!r} cannot run on a remote endpoint: {REFUSED[name]}")
    stored, _, bindings = bind_call(name, params, keyword_params, graph)
    text = with_values(stored.text, bindings, from_graph=graph_iri)
    form = stored.form
    accept = ("application/sparql-results+json" if form in ("SELECT", "ASK")
              else "application/n-triples, text/turtle;q=0.9")
    encoded = urlencode({"query": text})
    use_post = method == "POST" or (method == "auto" and len(encoded) > _LONG_QUERY)
    with _client(user, password, auth, timeout) as client:
        if use_post:
            response = _request(client, "POST", endpoint, endpoint, content=encoded.encode(),
                                headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})
        else:
            response = _request(client, "GET", _with_query(endpoint, {"query": text}), endpoint,
                                headers={"Accept": accept})
    _raise_for_status(response, endpoint, "SPARQL endpoint")
    if form in ("SELECT", "ASK"):
        return parse_json_results(response.content)
    return QueryResult(form=form, constructed=ConstructedGraph(graph=_parse_graph(response)))


def with_values(text: str, bindings: Mapping[str, Node], *, from_graph: str | None = None) -> str:
    """``text`` with a VALUES block for ``bindings`` closing its WHERE group, and a
    ``FROM <from_graph>`` before it. Terms are written with ``n3()``, which escapes them.

    A sub-SELECT is evaluated before the group around it and does not see its VALUES: one
    that projects a bound variable (by name or by ``*``) gets a block of its own, so that its
    filters see the value as with Oxigraph's substitution; and so on down, through sub-SELECTs
    that project it. One that does not project it keeps its own variable of that name."""
    where, opening, close = _where_clause(text)
    insertions: list[tuple[int, str]] = []
    if bindings:
        insertions.append((close, _values_block(bindings)))
        insertions += _subselect_blocks(text, opening, close, bindings)
    if from_graph is not None:
        _check_iri(from_graph, "graph IRI")
        insertions.append((where, f"FROM {URIRef(from_graph).n3()}\n"))
    # At the end of the group: Virtuoso 7 loses the bindings of OPTIONALs that read a
    # variable bound by a VALUES block before them. Where in the group it stands changes
    # nothing else: the block joins with the whole group, and its filters see it.
    for offset, addition in sorted(insertions, key=lambda insertion: insertion[0], reverse=True):
        text = text[:offset] + addition + text[offset:]
    return text


def _subselect_blocks(text: str, opening: int, close: int,
                      bindings: Mapping[str, Node]) -> list[tuple[int, str]]:
    blocks: list[tuple[int, str]] = []
    for projection, sub_opening, sub_close in _child_subselects(text, opening, close):
        projected = {name: term for name, term in bindings.items()
                     if _projects(projection, text[sub_opening:sub_close], name)}
        if projected:
            blocks.append((sub_close, _values_block(projected)))
            blocks += _subselect_blocks(text, sub_opening, sub_close, projected)
    return blocks


def _projects(projection: str, body: str, name: str) -> bool:
    """Whether a SELECT clause projects ``?name``: as a variable of its own (not one read by
    an expression in parentheses), or by ``*`` when its WHERE group mentions it."""
    depth, top_level = 0, []
    start = 0
    for i, lexeme in lexemes(projection):
        if lexeme == "(":
            if depth == 0:
                top_level.append(projection[start:i])
            depth += 1
        elif lexeme == ")":
            depth -= 1
            if depth == 0:
                start = i + 1
    if depth == 0:
        top_level.append(projection[start:])
    clause = _strip_comments(" ".join(top_level))
    variable = re.compile(rf"[?$]{re.escape(name)}(?![\w\u00b7\u00c0-\uffff])")
    return bool(variable.search(clause)) or ("*" in clause and bool(variable.search(body)))


def _values_block(bindings: Mapping[str, Node]) -> str:
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(_n3(term) for term in bindings.values())
    return f"  VALUES ({names}) {{ ({values}) }}\n"


def parse_json_results(payload: bytes | str) -> QueryResult:
    """SPARQL 1.1 Query Results JSON as a QueryResult, read by Oxigraph's parser (which takes
    Virtuoso's "typed-literal" too) and kept as the endpoint wrote it, like a local answer."""
    data = payload.encode("utf-8") if isinstance(payload, str) else payload
    if b"nodeID://" in data:
        data = _without_node_ids(data)
    try:
        answer = pyoxigraph.parse_query_results(data, pyoxigraph.QueryResultsFormat.JSON)
        if isinstance(answer, pyoxigraph.QueryBoolean):
            return QueryResult(form="ASK", boolean=bool(answer))
        solutions = Solutions.from_oxigraph(answer)
    except SyntaxError as error:
        raise RemoteError(f"the endpoint's JSON results cannot be read: {error}") from None
    return QueryResult(form="SELECT", variables=solutions.variables, terms=solutions)


def _without_node_ids(data: bytes) -> bytes:
    """Virtuoso names blank nodes ``nodeID://b1``, which is not a blank node label: ``b1``."""
    try:
        document = json.loads(data)
    except ValueError as error:
        raise RemoteError(f"the endpoint answered with something that is not JSON: {error}") from None
    for binding in document.get("results", {}).get("bindings", []):
        for value in binding.values():
            if value.get("type") == "bnode":
                value["value"] = value["value"].removeprefix("nodeID://")
    return json.dumps(document).encode("utf-8")


_CONSTRUCT_FORMATS = (NTRIPLES, TURTLE, RDFXML)


def _parse_graph(response: httpx.Response) -> Graph:
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    fmt = next((f for f in _CONSTRUCT_FORMATS if media in f.media_types()), None)
    if fmt is None or fmt.rdf is None:
        raise RemoteError(f"the endpoint answered a CONSTRUCT query with {media or 'no media type'!r}",
                          hint="expected N-Triples or Turtle")
    graph = Graph()
    try:
        for triple in pyoxigraph.parse(response.content, format=fmt.rdf):
            graph.add(to_rdflib_triple(triple))
    except SyntaxError as error:
        raise RemoteError(f"the endpoint's {fmt.label} answer cannot be parsed: {error}") from None
    return graph


# ---------------------------------------------------------------- the WHERE clause

def _where_clause(text: str, start: int = 0) -> tuple[int, int, int]:
    """Offsets of the first WHERE keyword from ``start`` (or of the group, where WHERE is
    left out), of the brace that opens its group and of the brace that closes it. Braces
    in parentheses before the group (``(EXISTS { … } AS ?e)``) are not the group."""
    depth = parentheses = 0
    where: int | None = None
    opening: int | None = None
    for i, lexeme in lexemes(text, start):
        if opening is None and lexeme in "()":
            parentheses += 1 if lexeme == "(" else -1
        elif opening is None and parentheses:
            continue
        elif opening is None and depth == 0 and lexeme.upper() == "WHERE":
            where = i
        elif lexeme == "{":
            if opening is None and depth == 0 and (where is not None or not _is_template(text, i)):
                opening = i
            depth += 1
        elif lexeme == "}":
            depth -= 1
            if depth == 0 and opening is not None:
                return (opening if where is None else where), opening, i
    raise QueryError("the query has no WHERE clause to bind parameters in")


def _child_subselects(text: str, opening: int, close: int) -> Iterator[tuple[str, int, int]]:
    """The projection text and the group braces of each sub-SELECT inside the group from
    ``opening`` to ``close``, but not of those nested in them."""
    position = opening + 1
    while True:
        found = next(((i, lexeme) for i, lexeme in lexemes(text, position, close) if lexeme.upper() == "SELECT"),
                     None)
        if found is None:
            return
        i, keyword = found
        where, sub_opening, sub_close = _where_clause(text, i)
        yield text[i + len(keyword):where], sub_opening, sub_close
        position = sub_close + 1


def _is_template(text: str, brace: int) -> bool:
    """Whether the brace opens a CONSTRUCT template (which comes before WHERE)."""
    return re.search(r"CONSTRUCT\s*$", _strip_comments(text[:brace]), re.IGNORECASE) is not None


def _strip_comments(text: str) -> str:
    return re.sub(r"#[^\n]*", "", text)


def _n3(term: Node) -> str:
    if isinstance(term, BNode):
        raise QueryError("a blank node cannot be sent to a remote endpoint as a parameter")
    return term.n3()


# ---------------------------------------------------------------- HTTP

def _check_iri(value: str, what: str) -> None:
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+", value or ""):
        raise CitynetError(f"{what} {value!r} is not an absolute IRI",
                           hint="for example https://w3id.org/citynet/graph/main")


def _with_query(url: str, params: Mapping[str, str]) -> str:
    return url + ("&" if "?" in url else "?") + urlencode(params)


def _client(user: str | None, password: str | None, auth: Auth, timeout: float) -> httpx.Client:
    if auth not in ("basic", "digest"):
        raise CitynetError(f"unknown authentication {auth!r}", hint="use basic or digest")
    credentials: httpx.Auth | None = None
    if user is not None:
        # CITYNET_REMOTE_PASSWORD: the name this API read before it shared the CLI's.
        secret = password if password is not None else (
            os.environ.get("CITYNET_PASSWORD") or os.environ.get("CITYNET_REMOTE_PASSWORD", ""))
        credentials = httpx.DigestAuth(user, secret) if auth == "digest" else httpx.BasicAuth(user, secret)
    return httpx.Client(auth=credentials, timeout=httpx.Timeout(timeout, connect=10.0), trust_env=False)


def _request(client: httpx.Client, method: str, url: str, endpoint: str, **options: Any) -> httpx.Response:
    try:
        return client.request(method, url, **options)
    except httpx.ConnectError as error:
        raise RemoteError(f"cannot connect to {endpoint}: {_reason(error)}",
                          hint="is the triplestore running, and is this its address and port?") from None
    except httpx.TimeoutException:
        raise RemoteError(f"{endpoint} did not answer in time",
                          hint="a large graph or a slow query may need a longer timeout") from None
    except httpx.StreamConsumed:
        raise RemoteError(f"{endpoint} asked to authenticate again after the body was sent",
                          hint="check the user name and password") from None
    except httpx.HTTPError as error:
        raise RemoteError(f"request to {endpoint} failed: {error}") from None


def _reason(error: Exception) -> str:
    text = str(error)
    return "connection refused" if "refused" in text.lower() else text


def _raise_for_status(response: httpx.Response, endpoint: str, what: str) -> None:
    status = response.status_code
    if status < 300:
        return
    detail = " ".join(response.text.split())[:300]
    if status in (401, 403):
        raise RemoteError(f"{endpoint} refused the credentials (HTTP {status})",
                          hint="check --user and --password; Virtuoso's Graph Store wants --digest")
    if status == 404:
        raise RemoteError(f"no {what} at {endpoint} (HTTP 404)",
                          hint="Oxigraph: /store and /query; Virtuoso: /sparql-graph-crud-auth and /sparql")
    raise RemoteError(f"{endpoint} answered HTTP {status}: {detail}")
