"""A query's cost, estimated from its plan before it runs, so that a heavy query is known
as heavy before it takes a worker (see :mod:`citynet.server.pool`).

The estimate is the number of rows the query's triple patterns can join to, taking every
group of patterns that share no variable with the others as a cross product: each group
counts as its most selective pattern (the fewest matching triples), and the groups
multiply. ``?a ?b ?c . ?d ?e ?f . ?g ?h ?i`` over 2,000 triples is 2,000³ = 8·10⁹ rows,
``?s a cn:City ; rdfs:label ?name`` the number of cities. It errs towards heavy: the
patterns of every part of the query (``UNION`` branches, ``OPTIONAL``, sub-queries,
``EXISTS``) are taken together, and a property path counts as any predicate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from rdflib.term import BNode, Variable

Pattern = tuple[Any, Any, Any]
#: Estimates are cut here: far beyond any budget, and small enough to print.
CEILING = 10**30


def triple_patterns(algebra: Any) -> list[Pattern]:
    """Every triple pattern in rdflib's algebra of a query, from any part of it."""
    found: list[Pattern] = []
    stack, seen = [algebra], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, dict):  # rdflib's CompValue is an OrderedDict
            if getattr(node, "name", None) == "BGP":
                found.extend(tuple(t) for t in node.get("triples") or ())
            stack.extend(v for v in node.values() if isinstance(v, dict | list | tuple))
        elif isinstance(node, list | tuple):
            stack.extend(v for v in node if isinstance(v, dict | list | tuple))
    return found


def is_variable(term: Any) -> bool:
    return isinstance(term, Variable | BNode)


def estimate_rows(patterns: Iterable[Pattern], cardinality: Callable[[Pattern], int]) -> int:
    """The estimated rows of joining ``patterns``; ``cardinality`` counts a pattern's triples."""
    patterns = list(patterns)
    if not patterns:
        return 1
    parent = list(range(len(patterns)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_with: dict[Any, int] = {}
    for index, pattern in enumerate(patterns):
        for term in pattern:
            if isinstance(term, Variable):  # a blank node in a pattern is local to it
                if term in first_with:
                    parent[root(index)] = root(first_with[term])
                else:
                    first_with[term] = index
    smallest: dict[int, int] = {}
    for index, pattern in enumerate(patterns):
        group = root(index)
        count = cardinality(pattern)
        smallest[group] = min(count, smallest.get(group, count))
    rows = 1
    for count in smallest.values():
        rows = min(CEILING, rows * max(1, count))
    return rows
