"""Checks a query text must pass before it is sent to a worker: its length, how deeply
it nests, and no ``SERVICE`` (which would make the engine call another host).

The scan is lexical and cheap: it skips strings, IRIs and comments, so ``"{"`` or
``<http://x/{>`` do not count, and ``?service`` or ``ex:service`` are not the keyword.
The workers check again with a full parser (:mod:`citynet.sparql_safety`) before any
evaluation; this first pass keeps hostile texts (a million ``(``) from reaching a
parser at all, since nesting beyond what a parser's stack holds crashes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from citynet.server.settings import Settings

_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_\-.:]*")
_VARIABLE = re.compile(r"[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]*")
_LANG = re.compile(r"@[A-Za-z][A-Za-z0-9\-]*")
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
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
    depth, keyword = scan(expand_codepoints(text), settings.max_nesting_depth)
    if depth > settings.max_nesting_depth:
        raise Refused(400, f"the query nests {{ }}, ( ) or [ ] more than {settings.max_nesting_depth} "
                           "levels deep; this endpoint does not run queries nested so deeply",
                      note="too-deep")
    if keyword:
        raise Refused(400, REFUSED_KEYWORDS[keyword], note="service")


def expand_codepoints(text: str) -> str:
    """SPARQL reads ``\\u0053`` as ``S`` anywhere in a query, before parsing: so does this check."""
    def character(match: re.Match[str]) -> str:
        try:
            return chr(int(match.group(1) or match.group(2), 16))
        except ValueError:
            return "\ufffd"
    return _CODEPOINT.sub(character, text)


def scan(text: str, limit: int) -> tuple[int, str | None]:
    """The deepest bracket nesting of ``text`` (stopping once past ``limit``) and the first
    refused keyword found, if any."""
    depth = deepest = 0
    keyword: str | None = None
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if c in "\"'":
            i = _skip_string(text, i)
            continue
        if c == "<":
            match = _IRIREF.match(text, i)
            i = match.end() if match else i + 1
            continue
        if c in "?$":
            i = _VARIABLE.match(text, i).end()  # type: ignore[union-attr]
            continue
        if c == "@":
            match = _LANG.match(text, i)
            i = match.end() if match else i + 1
            continue
        if c in _OPENERS:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest, keyword
        elif c in _CLOSERS:
            depth = max(0, depth - 1)
        elif c.isalpha() or c == "_":
            match = _WORD.match(text, i)
            if match:
                word = match.group()
                if keyword is None and ":" not in word and word.upper() in REFUSED_KEYWORDS \
                        and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] in ":_")):
                    keyword = word.upper()
                i = match.end()
                continue
        i += 1
    return deepest, keyword


def _skip_string(text: str, start: int) -> int:
    quote = text[start]
    long = text.startswith(quote * 3, start)
    delimiter = quote * 3 if long else quote
    i = start + len(delimiter)
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if text.startswith(delimiter, i):
            return i + len(delimiter)
        if not long and c in "\r\n":
            return i  # an unterminated short string: the parser will say so
        i += 1
    return n


def check_graph_iris(default: Iterable[str], named: Iterable[str], local: Iterable[str]) -> None:
    """Refuse ``default-graph-uri`` / ``named-graph-uri`` values that are not local graphs."""
    allowed = set(local)
    for parameter, iris in (("default-graph-uri", default), ("named-graph-uri", named)):
        for iri in iris:
            if iri not in allowed:
                raise Refused(400, f"{parameter} <{iri}> is not a graph of this endpoint: it never loads "
                                   "data from elsewhere. Its graphs are: "
                                   + ", ".join(f"<{g}>" for g in sorted(allowed)), note="remote-graph")
