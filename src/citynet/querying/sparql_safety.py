"""Refusing SPARQL from outside that writes or reaches other hosts: a lexical check for
``SERVICE`` before Oxigraph parses an ad-hoc query, and rdflib's full parse for the stored
queries and the server's workers.

rdflib's SPARQL grammar takes a fifth of a second to build: it is imported by the functions
that parse with it, so that a command that never does (a stored query on Oxigraph) never
builds it.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from citynet.errors import QueryError
from citynet.querying.sparql_lexer import escaped_syntax, expand_codepoints, lexemes, uses_service

if TYPE_CHECKING:
    from rdflib.plugins.sparql.sparql import Query as PreparedQuery

# rdflib's SPARQL parser keeps global state and breaks for good when first used
# from several threads at once: every parse goes through this lock.
_PARSER_LOCK = threading.Lock()


def parse_read_only_query(text: str, *, source: Path | str | None = None,
                          base_iri: str | None = None) -> PreparedQuery:
    """Parse ``text`` as a SPARQL 1.1 query; refuse updates and SERVICE. ``base_iri``
    resolves relative IRIs."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql import prepareQuery

    path = Path(source) if isinstance(source, str) else source
    refuse_service(text, path)  # also where rdflib reads a comment, after "#\r", and Oxigraph does not
    refuse_escaped_syntax(text, path)  # where rdflib reads a \u escape that Oxigraph does not
    try:
        with _PARSER_LOCK:
            prepared = prepareQuery(text, base=base_iri)
    except ParseException as error:
        if _is_update(text):
            raise QueryError("updates are not allowed: citynet answers read-only queries",
                             path=path, hint="use SELECT, CONSTRUCT, ASK or DESCRIBE") from None
        raise QueryError(f"SPARQL syntax error: {error.msg}", path=path, line=error.lineno,
                         column=error.col) from None
    except Exception as error:  # rdflib raises assorted errors for malformed queries
        raise QueryError(f"SPARQL query cannot be parsed: {error}", path=path) from None
    if _contains_service(prepared.algebra):
        raise QueryError("SERVICE is not allowed: citynet queries only its own graph", path=path,
                         hint="remove the SERVICE clause")
    return prepared


def refuse_unread_service(text: str) -> None:
    """For a text that mentions SERVICE in any spelling: refuse it unless the quick reading
    (:mod:`citynet.querying.sparql_outline`) or rdflib's parser reads it, and reads no SERVICE.
    The lexical check (:func:`refuse_service`) cannot tell a ``<`` that starts an IRI from one
    that means "less than", which Oxigraph tells by where it stands; both readers do."""
    from citynet.querying.sparql_outline import outline

    if "SERVICE" not in expand_codepoints(text).upper() or outline(text) is not None:
        return
    parse_read_only_query(text)


def refuse_escaped_syntax(text: str, path: Path | None = None) -> None:
    """Refuse a query that writes a quote, a bracket or other ASCII syntax as a ``\\u`` escape:
    the checks before Oxigraph would read it otherwise than Oxigraph (:func:`escaped_syntax`)."""
    escape = escaped_syntax(text)
    if escape is not None:
        raise QueryError(f"the query writes a character of SPARQL's syntax as {escape}; citynet takes "
                         "\\u escapes only for letters, digits and characters beyond ASCII", path=path,
                         hint="write the character itself (in a string, escape a quote as \\' or \\\")")


def refuse_service(text: str, path: Path | None = None) -> None:
    """Refuse a query that uses ``SERVICE`` anywhere as a keyword (also written with ``\\u``
    escapes, or run on into the name after it: :func:`uses_service`), before any parser sees it;
    strings, IRIs, comments and ``?service`` do not count."""
    if uses_service(text):
        raise QueryError("SERVICE is not allowed: citynet queries only its own graph", path=path,
                         hint="remove the SERVICE clause")


#: Brackets nested deeper than this are refused before Oxigraph parses an ad-hoc query: its
#: parser recurses once per level, and some thousands of levels overflow its stack, which
#: ends the process (a crash, not an error). The server's own limit is lower (its settings).
MAX_NESTING = 256


def refuse_deep_nesting(text: str, limit: int = MAX_NESTING) -> None:
    """Refuse a query whose ``{ }``, ``( )`` or ``[ ]`` nest more than ``limit`` levels deep
    (strings, IRIs and comments do not count; ``\\u0028`` does)."""
    depth = 0
    for offset, lexeme in lexemes(expand_codepoints(text)):
        if lexeme in "{([":
            depth += 1
            if depth > limit:
                raise QueryError(f"the query nests {{ }}, ( ) or [ ] more than {limit} levels deep "
                                 f"(at character {offset + 1} of the query, with its \\u escapes read); "
                                 "citynet does not run queries nested so deeply",
                                 hint="write the inner part as a separate pattern or BIND")
        elif lexeme in "})]":
            depth = max(0, depth - 1)


def refuse_update(text: str) -> None:
    """For a text the query parser refused: say so plainly if it is an update."""
    if _is_update(text):
        raise QueryError("updates are not allowed: citynet answers read-only queries",
                         hint="use SELECT, CONSTRUCT, ASK or DESCRIBE")


def _is_update(text: str) -> bool:
    """Whether ``text`` parses as an update with at least one operation (an empty text, or
    one with only comments, is a valid empty update, but no update anyone sent)."""
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        with _PARSER_LOCK:
            parsed = parseUpdate(text)
    except Exception:
        return False
    # Not parsed.get("request"): rdflib's CompValue.get returns the key itself when it is missing.
    return "request" in parsed and bool(parsed["request"])


def _contains_service(node: Any) -> bool:
    """Walk rdflib's algebra (nested dicts and lists) looking for a SERVICE pattern."""
    stack = [node]
    seen: set[int] = set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if getattr(current, "name", None) == "ServiceGraphPattern":
            return True
        if isinstance(current, dict):
            stack.extend(current.values())
        elif isinstance(current, (list, tuple)):
            stack.extend(current)
    return False
