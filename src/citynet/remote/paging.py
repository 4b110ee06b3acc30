"""Whole answers from stores that cut them short.

A store may send only the first rows of an answer. citynet notices when:

- the answer carries ``X-SPARQL-MaxRows: N`` (Virtuoso's ``ResultSetMaxRows``) and N rows;
- it carries ``Citynet-Truncated: true`` (``citynet serve --max-rows``);
- it has exactly as many rows as a known cap (:data:`KNOWN_CAPS`), without saying so.

It then reads the answer in pages of the cap's size, with LIMIT and OFFSET over an order made
total: the query's own ORDER BY, then every projected variable. Virtuoso refuses an ORDER BY
whose OFFSET + LIMIT passes ResultSetMaxRows (``SR353``); for it the ordered query becomes a
sub-SELECT that the pages slice (Virtuoso keeps a sub-SELECT's order; SPARQL does not promise
it), and a COUNT of the same query checks that the pages add up. When the answer cannot be
read whole, :class:`RowLimitError` says so and names the setting: never a silent cut.
"""

from __future__ import annotations

from collections.abc import Callable

from citynet.remote.http import RemoteError
from citynet.remote.sparql import Answer
from citynet.remote.values import where_clause
from citynet.results import QueryResult
from citynet.sparql_lexer import lexemes

#: Row caps that stores apply without always saying so: Virtuoso's stock ResultSetMaxRows and
#: citynet serve's default --max-rows.
KNOWN_CAPS = frozenset({10_000})
SETTINGS = ("Virtuoso: ResultSetMaxRows in the [SPARQL] section of virtuoso.ini; "
            "citynet serve: --max-rows")

# Runs a (paged) query text and gives the answer; the caller adds FROM, VALUES and the transport.
Runner = Callable[[str], Answer]


class RowLimitError(RemoteError):
    """The store cut the answer at a row cap, and it could not be read whole."""


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


def read_whole(text: str, variables: list[str], cap: int, run: Runner, endpoint: str) -> QueryResult:
    """All rows of the SELECT query ``text``, read ``cap`` rows at a time."""
    try:
        return _pages(text, variables, cap, run, wrapped=False)
    except RemoteError as error:
        if "SR353" not in error.message:
            raise
    result = _pages(text, variables, cap, run, wrapped=True)
    counted = run(count_text(text)).result
    expected = int(counted.terms[0][0]) if len(counted) == 1 and counted.terms[0][0] is not None else -1
    if expected != len(result):
        raise RowLimitError(f"{endpoint} cut the answer at {cap:,} rows, and the {len(result):,} rows read in pages "
                            f"do not add up to the {expected:,} it counts", hint=f"raise the cap: {SETTINGS}")
    return result


def _pages(text: str, variables: list[str], cap: int, run: Runner, *, wrapped: bool) -> QueryResult:
    rows: list[tuple] = []
    while True:
        page = run(paged_text(text, variables, cap, len(rows), wrapped=wrapped)).result
        order = [page.variables.index(v) if v in page.variables else None for v in variables]
        rows += [tuple(None if i is None else row[i] for i in order) for row in page.terms]
        if len(page) < cap:
            return QueryResult(form="SELECT", variables=variables, terms=rows)


def paged_text(text: str, variables: list[str], limit: int, offset: int, *, wrapped: bool) -> str:
    """``text`` ordered by its own ORDER BY then every projected variable, sliced by LIMIT and OFFSET;
    ``wrapped``: the ordered query as a sub-SELECT, sliced by the query around it."""
    modifiers = _modifiers(text)
    keywords = {word for _, word in modifiers}
    if keywords & {"LIMIT", "OFFSET", "VALUES"}:
        raise RowLimitError("the query has a LIMIT, OFFSET or VALUES of its own after its WHERE group, "
                            "so it cannot be read in pages", hint=f"raise the cap: {SETTINGS}")
    tie_breakers = " ".join(f"?{v}" for v in variables)
    # On a line of its own: the query may end in a comment.
    ordered = text.rstrip() + (f"\n  {tie_breakers}" if "ORDER" in keywords else f"\nORDER BY {tie_breakers}")
    slice_ = f"\nLIMIT {limit} OFFSET {offset}"
    if not wrapped:
        return ordered + slice_
    select = _select_keyword(text)
    return f"{text[:select]}SELECT {tie_breakers} WHERE {{\n{{\n{ordered[select:]}\n}}\n}}{slice_}"


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


def _select_keyword(text: str) -> int:
    for i, lexeme in lexemes(text):
        if lexeme.upper() == "SELECT":
            return i
    raise RowLimitError("only a SELECT query can be read in pages")
