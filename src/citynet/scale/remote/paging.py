"""Whole answers from stores that cut them short.

A store may send only the first rows of an answer. citynet notices when:

- the answer carries ``X-SPARQL-MaxRows: N`` (Virtuoso's ``ResultSetMaxRows``) and N rows;
- it carries ``Citynet-Truncated: true`` (``citynet serve --max-rows``);
- it has exactly as many rows as a known cap (:data:`KNOWN_CAPS`), without saying so.

A SELECT answer is then read again in pages with LIMIT and OFFSET, over an order made total: the
query's own ORDER BY, then the text of every projected variable it does not mention. Pages follow
one another until one comes back empty, each starting after the rows received so far, so a cap
smaller than the page still gives every row. SPARQL orders such pages; Virtuoso, though, refuses
an ORDER BY whose OFFSET + LIMIT passes MaxSortedTopRows (``SR353``, 10,000 by default) and,
given a cap, has answered such pages with values of one row in another. For Virtuoso the ordered
query therefore becomes a sub-SELECT that the pages slice (its "scrollable cursor": Virtuoso
keeps a sub-SELECT's order, SPARQL does not promise it), and a COUNT checks that the pages add up.

A CONSTRUCT answer is checked too (:func:`graph_cap`) and, when cut, built again from pages of
its solutions (:func:`read_whole_graph`). When an answer cannot be read whole,
:class:`RowLimitError` says so and names the setting: never a silent cut.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from rdflib import Graph
from rdflib.term import Node

from citynet.querying.constructed import ConstructedGraph
from citynet.querying.results import QueryResult
from citynet.querying.sparql_lexer import lexemes
from citynet.scale.remote.http import RemoteError
from citynet.scale.remote.sparql import Answer
from citynet.scale.remote.values import strip_comments, where_clause

#: Row caps that stores apply without always saying so: Virtuoso's stock ResultSetMaxRows and
#: citynet serve's default --max-rows.
KNOWN_CAPS = frozenset({10_000})
SETTINGS = ("Virtuoso: ResultSetMaxRows in the [SPARQL] section of virtuoso.ini; "
            "citynet serve: --max-rows")

# Runs a (paged) query text and gives the answer; the caller adds FROM, VALUES and the transport.
Runner = Callable[[str], Answer]
GraphRunner = Callable[[str, str], Answer]  # the text and its form


class RowLimitError(RemoteError):
    """The store cut the answer at a row cap, and it could not be read whole (CLI exit code 1)."""

    exit_code = 1


def row_cap(answer: Answer, known_caps: frozenset[int] = KNOWN_CAPS) -> int | None:
    """The cap at which the store cut this answer, or None when it seems whole."""
    rows = len(answer.result)
    declared = answer.headers.get("x-sparql-maxrows")
    if declared and declared.isdigit() and rows >= int(declared) > 0:
        return int(declared)
    if answer.headers.get("citynet-truncated", "").lower() == "true":
        limit = answer.headers.get("citynet-row-limit", "")
        return int(limit) if limit.isdigit() and int(limit) > 0 else rows
    return rows if rows in known_caps else None


def read_whole(text: str, variables: list[str], cap: int, run: Runner, endpoint: str, *,
               cursor: bool = False) -> QueryResult:
    """All rows of the SELECT query ``text``, read ``cap`` rows at a time; ``cursor``: as a
    sub-SELECT sliced by the pages (Virtuoso), checked by a COUNT."""
    if not cursor:
        try:
            return _pages(text, variables, cap, run, wrapped=False)
        except RemoteError as error:
            if "SR353" not in error.message:
                raise
    result = _pages(text, variables, cap, run, wrapped=True)
    counted = run(count_text(text)).result
    expected = int(str(counted.terms[0][0])) if len(counted) == 1 and counted.terms[0][0] is not None else -1
    if expected != len(result):
        raise RowLimitError(f"{endpoint} cut the answer at {cap:,} rows, and the {len(result):,} rows read in pages "
                            f"do not add up to the {expected:,} it counts", hint=f"raise the cap: {SETTINGS}")
    return result


def _pages(text: str, variables: list[str], cap: int, run: Runner, *, wrapped: bool) -> QueryResult:
    rows: list[tuple[Node | None, ...]] = []
    while True:
        page = run(paged_text(text, variables, cap, len(rows), wrapped=wrapped)).result
        if len(page) == 0:
            return QueryResult(form="SELECT", variables=variables, terms=rows)
        order = [page.variables.index(v) if v in page.variables else None for v in variables]
        rows += [tuple(None if i is None else row[i] for i in order) for row in page.terms]


def paged_text(text: str, variables: list[str], limit: int, offset: int, *, wrapped: bool) -> str:
    """``text`` as a sub-SELECT ordered by its own ORDER BY then the text of every other projected
    variable, sliced by LIMIT and OFFSET; ``wrapped``: that ordered query itself a sub-SELECT that
    the query around it slices (Virtuoso's scrollable cursor).

    The keys sort the query's answer, not its solutions: so they may name what it projects,
    aggregates included, and Virtuoso sees each key once."""
    modifiers = _modifiers(text)
    if {word for _, word in modifiers} & {"LIMIT", "OFFSET", "VALUES"}:
        raise RowLimitError("the query has a LIMIT, OFFSET or VALUES of its own after its WHERE group, "
                            "so it cannot be read in pages", hint=f"raise the cap: {SETTINGS}")
    own = _order_conditions(text, modifiers)
    mentioned = set(re.findall(r"[?$]([A-Za-z0-9_]+)", own))
    keys = f"{own} {_tie_breakers(v for v in variables if v not in mentioned)}".strip()
    select = _select_keyword(text)
    projection = " ".join(f"?{v}" for v in variables)
    ordered = f"SELECT {projection} WHERE {{\n{{\n{text[select:].rstrip()}\n}}\n}}\nORDER BY {keys}"
    slice_ = f"\nLIMIT {limit} OFFSET {offset}"
    if not wrapped:
        return f"{text[:select]}{ordered}{slice_}"
    return f"{text[:select]}SELECT {projection} WHERE {{\n{{\n{ordered}\n}}\n}}{slice_}"


def graph_cap(answer: Answer, run: Runner) -> int | None:
    """The cap at which the store may have cut a graph (a CONSTRUCT answer), or None.

    citynet serve flags a cut graph; Virtuoso does not, but it flags a cut SELECT. So the store
    is asked for one row more than the graph has triples: if it cuts that answer at a cap no
    larger than the graph, the graph may have been cut too."""
    flagged = row_cap(answer, frozenset())
    if flagged is not None:
        return flagged
    probe = row_cap(run(f"SELECT ?s WHERE {{ ?s ?p ?o }} LIMIT {len(answer.result) + 1}"), frozenset())
    return probe if probe is not None and len(answer.result) >= probe else None


def read_whole_graph(text: str, template_triples: int, cap: int, run: GraphRunner, endpoint: str) -> QueryResult:
    """The whole graph of the CONSTRUCT query ``text``, built page by page from its solutions.

    Each page takes as many solutions, in a total order (a sub-SELECT sliced by the page, as for
    Virtuoso's SELECT pages), as can give fewer triples than the cap: ``template_triples`` is
    how many one solution gives at most. The pages' graphs together are the graph."""
    construct = next(i for i, word in lexemes(text) if word.upper() == "CONSTRUCT")
    where, _, _ = where_clause(text)
    template = text[construct + len("CONSTRUCT"):where]
    variables = sorted(set(re.findall(r"[?$]([A-Za-z0-9_]+)", strip_comments(text[where:]))))
    projection = " ".join(f"?{v}" for v in variables)
    solutions = f"SELECT {projection} {text[where:].rstrip()}\nORDER BY {_tie_breakers(variables)}"
    counted = run(f"{text[:construct]}SELECT (COUNT(*) AS ?solutions) WHERE {{\n{{\n{solutions}\n}}\n}}",
                  "SELECT").result
    total = int(str(counted.terms[0][0]))
    page = max(1, (cap - 1) // max(template_triples, 1))
    whole = Graph()
    for offset in range(0, total, page):
        part = run(f"{text[:construct]}CONSTRUCT {template.strip()}\nWHERE {{\n{{\n{solutions}\n}}\n}}\n"
                   f"LIMIT {page} OFFSET {offset}", "CONSTRUCT").result
        if len(part) >= cap:
            raise RowLimitError(f"{endpoint} cut a page of this graph at its cap of {cap:,} triples",
                                hint=f"raise the cap: {SETTINGS}")
        assert part.constructed is not None
        whole += part.constructed.graph
    return QueryResult(form="CONSTRUCT", constructed=ConstructedGraph(graph=whole))


def count_text(text: str) -> str:
    """A query that counts the rows ``text`` answers."""
    select = _select_keyword(text)
    return f"{text[:select]}SELECT (COUNT(*) AS ?rows) WHERE {{\n{{\n{text[select:]}\n}}\n}}"


def _modifiers(text: str) -> list[tuple[int, str]]:
    """The keywords after the outer WHERE group: GROUP, HAVING, ORDER, LIMIT, OFFSET, VALUES."""
    _, _, close = where_clause(text)
    depth = 0
    found = []
    for i, lexeme in lexemes(text, close + 1):
        if lexeme in "({[":
            depth += 1
        elif lexeme in ")}]":
            depth -= 1
        elif depth == 0 and lexeme.upper() in ("GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"):
            found.append((i, lexeme.upper()))
    return found


def _tie_breakers(variables: Iterable[str]) -> str:
    """Sort keys that order every row the same way on every request: by the text of each term.
    Ordered by the terms themselves, Virtuoso gives pages of a sub-SELECT whose IRIs and literals
    mix (an OPTIONAL's ?o) in an order that changes from one request to the next."""
    return " ".join(f"STR(?{v})" for v in variables)


def _order_conditions(text: str, modifiers: list[tuple[int, str]]) -> str:
    """The conditions of the query's own ORDER BY, or nothing."""
    start = next((i for i, word in modifiers if word == "ORDER"), None)
    if start is None:
        return ""
    clause = " ".join(strip_comments(text[start:]).split())
    return re.sub(r"^ORDER\s+BY\s+", "", clause, flags=re.IGNORECASE)


def _select_keyword(text: str) -> int:
    for i, lexeme in lexemes(text):
        if lexeme.upper() == "SELECT":
            return i
    raise RowLimitError("only a SELECT query can be read in pages")
