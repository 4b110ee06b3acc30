"""Binding parameters of a stored query for a remote store: a ``VALUES`` block made of
``term.n3()`` in the query's outermost WHERE group, and ``FROM <graph>`` for one named graph.

Nothing the caller types is pasted into the query text as SPARQL. The block joins the parameter
with that whole group, so it binds a variable used only in FILTER or HAVING just as a
substitution does; tests/test_remote.py checks that every stored query gives the same results
both ways.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from rdflib import BNode, URIRef
from rdflib.term import Node

from citynet.errors import QueryError
from citynet.querying.sparql_lexer import lexemes
from citynet.scale.remote.iris import check_iri


def with_values(text: str, bindings: Mapping[str, Node], *, from_graph: str | None = None) -> str:
    """``text`` with a VALUES block for ``bindings`` closing its WHERE group, and a
    ``FROM <from_graph>`` before it. Terms are written with ``n3()``, which escapes them.

    A sub-SELECT is evaluated before the group around it and does not see its VALUES: one
    that projects a bound variable (by name or by ``*``) gets a block of its own, so that its
    filters see the value as with Oxigraph's substitution; and so on down, through sub-SELECTs
    that project it. One that does not project it keeps its own variable of that name."""
    where, opening, close = where_clause(text)
    insertions: list[tuple[int, str]] = []
    if bindings:
        insertions.append((close, _values_block(bindings)))
        insertions += _subselect_blocks(text, opening, close, bindings)
    if from_graph is not None:
        check_iri(from_graph, "graph IRI")
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
    clause = strip_comments(" ".join(top_level))
    variable = re.compile(rf"[?$]{re.escape(name)}(?![\w\u00b7\u00c0-\uffff])")
    return bool(variable.search(clause)) or ("*" in clause and bool(variable.search(body)))


def _values_block(bindings: Mapping[str, Node]) -> str:
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(_n3(term) for term in bindings.values())
    return f"  VALUES ({names}) {{ ({values}) }}\n"


def where_clause(text: str, start: int = 0) -> tuple[int, int, int]:
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
        where, sub_opening, sub_close = where_clause(text, i)
        yield text[i + len(keyword):where], sub_opening, sub_close
        position = sub_close + 1


def _is_template(text: str, brace: int) -> bool:
    """Whether the brace opens a CONSTRUCT template (which comes before WHERE)."""
    return re.search(r"CONSTRUCT\s*$", strip_comments(text[:brace]), re.IGNORECASE) is not None


def strip_comments(text: str) -> str:
    return re.sub(r"#[^\n]*", "", text)


def _n3(term: Node) -> str:
    if isinstance(term, BNode):
        raise QueryError("a blank node cannot be sent to a remote endpoint as a parameter")
    return term.n3()
