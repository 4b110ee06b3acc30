"""Checks a query text must pass before it is sent to a worker: its length, how deeply
it nests, and no ``SERVICE`` (which would make the engine call another host).

The scan is lexical and cheap: it skips strings, IRIs and comments, so ``"{"`` or
``<http://x/{>`` do not count, and ``?service`` or ``ex:service`` are not the keyword.
The workers check again before any evaluation: a text with ``SERVICE`` or an update is never
read by their quick reader (:mod:`citynet.querying.sparql_outline`), and rdflib's full parser
(:mod:`citynet.querying.sparql_safety`) refuses it. This first pass keeps hostile texts (a million
``(``) from reaching a parser at all, since nesting beyond what a parser's stack holds crashes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from citynet.querying.sparql_lexer import escaped_syntax, expand_codepoints, lexemes, uses_service
from citynet.server.settings import Settings

_OPENERS = "{(["
_CLOSERS = "})]"

#: Keywords refused wherever they appear as keywords.
REFUSED_KEYWORDS = {
    "SERVICE": "SERVICE is not allowed: this endpoint queries only its own graph and never contacts "
               "other hosts",
}


class Refused(Exception):
    """A request the server will not run, with the HTTP status and a message for people."""

    def __init__(self, status: int, message: str, *, note: str = "refused") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.note = note


def check_query_text(text: str, settings: Settings) -> None:
    """Raise :class:`Refused` for a query too long, too deeply nested, or using SERVICE."""
    if len(text) > settings.max_query_length:
        raise Refused(413, f"the query is {len(text)} characters long; this endpoint accepts at most "
                           f"{settings.max_query_length}", note="query-too-long")
    if not text.strip():
        raise Refused(400, "the query is empty", note="empty-query")
    depth, keyword = _scanned(text, settings.max_nesting_depth)
    if depth > settings.max_nesting_depth:
        raise Refused(400, f"the query nests {{ }}, ( ) or [ ] more than {settings.max_nesting_depth} "
                           "levels deep; this endpoint does not run queries nested so deeply",
                      note="too-deep")
    if keyword:
        raise Refused(400, REFUSED_KEYWORDS[keyword], note="service")
    escape = escaped_syntax(text)
    if escape is not None:
        raise Refused(400, f"the query writes a character of SPARQL's syntax as {escape}; this endpoint "
                           "takes \\u escapes only for letters, digits and characters beyond ASCII: write "
                           "the character itself", note="escape")


@lru_cache(maxsize=256)
def _scanned(text: str, limit: int) -> tuple[int, str | None]:
    """:func:`scan` of a query text as SPARQL reads it, once per text: the scan is a Python
    loop over every character, and clients send the same texts again and again. At most 256
    texts of at most ``max_query_length`` characters are kept."""
    depth, keyword = scan(expand_codepoints(text), limit)
    if keyword is None and depth <= limit and uses_service(text):
        keyword = "SERVICE"  # run on into the service's name: SERVICEa:x {
    return depth, keyword


def scan(text: str, limit: int) -> tuple[int, str | None]:
    """The deepest bracket nesting of ``text`` (stopping once past ``limit``) and the first
    refused keyword found, if any."""
    depth = deepest = 0
    keyword: str | None = None
    for _, lexeme in lexemes(text):
        if lexeme in _OPENERS:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest, keyword
        elif lexeme in _CLOSERS:
            depth = max(0, depth - 1)
        elif keyword is None and lexeme.upper() in REFUSED_KEYWORDS:
            keyword = lexeme.upper()
    return deepest, keyword


def check_graph_iris(default: Iterable[str], named: Iterable[str], local: Iterable[str]) -> None:
    """Refuse ``default-graph-uri`` / ``named-graph-uri`` values that are not local graphs."""
    allowed = set(local)
    for parameter, iris in (("default-graph-uri", default), ("named-graph-uri", named)):
        for iri in iris:
            if iri not in allowed:
                raise Refused(400, f"{parameter} <{iri}> is not a graph of this endpoint: it never loads "
                                   "data from elsewhere. Its graphs are: "
                                   + ", ".join(f"<{g}>" for g in sorted(allowed)), note="remote-graph")
