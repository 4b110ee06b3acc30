"""The brackets and words of a SPARQL text, with strings, IRIs, comments, variables and
language tags skipped: enough to find keywords and groups without a full parser.

``"{"``, ``<http://x/{>``, ``# {`` and ``?where`` are none of them a bracket or keyword.
Used by the server's first check of a query (:mod:`citynet.server.guard`), by its quick-query
lane (:mod:`citynet.server.inline`) and to place VALUES blocks in stored queries
(:mod:`citynet.scale.remote`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from functools import cache

BRACKETS = "{}()[]"
_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
# A keyword, or a prefixed name: only after its colon may a word run on across dots, so
# that "1.SERVICE" and "a.SERVICE" still show the keyword. A name's local part may hold
# escapes (ex:a\' is one name to Oxigraph, no string's start) and %-encoded bytes.
_LOCAL = r"(?:[A-Za-z0-9_\-.:]|\\[_~.\-!$&'()*+,;=/?#@%]|%[0-9A-Fa-f]{2})*"
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*(?::" + _LOCAL + ")?")
_LANG = re.compile(r"@[A-Za-z][A-Za-z0-9\-]*")
_LINE_END = re.compile(r"[\r\n]")
_EMPTY_PREFIX_NAME = re.compile(":" + _LOCAL)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
#: An escape as rdflib reads it: ``\\u`` or ``\\U``, then four hex digits, or eight.
_LOOSE_CODEPOINT = re.compile(r"\\[uU]([0-9A-Fa-f]{4})([0-9A-Fa-f]{4})?")


@cache
def _variable() -> re.Pattern[str]:
    # Compiled at first use: its wide character class takes milliseconds to compile, and most
    # commands never read a query with this lexer.
    return re.compile(r"[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]*")


def expand_codepoints(text: str) -> str:
    """SPARQL reads ``\\u0053`` as ``S`` anywhere in a query, before parsing: so do the checks."""
    def character(match: re.Match[str]) -> str:
        try:
            return chr(int(match.group(1) or match.group(2), 16))
        except (ValueError, OverflowError):  # past the last code point (OverflowError past 2**31)
            return "\ufffd"
    return _CODEPOINT.sub(character, text)


def has_keyword(text: str, keyword: str) -> bool:
    """Whether ``keyword`` (upper case) is used as a keyword anywhere in the query ``text``."""
    return has_any_keyword(text, {keyword})


def has_any_keyword(text: str, keywords: Collection[str]) -> bool:
    """Whether any of ``keywords`` (upper case) is used as a keyword anywhere in ``text``."""
    return any(lexeme.upper() in keywords for _, lexeme in lexemes(expand_codepoints(text)))


def uses_service(text: str) -> bool:
    """Whether ``text`` uses SERVICE as Oxigraph reads it: the keyword, or the keyword with the
    service's name or SILENT run on after it and a group after that (``SERVICEa:x {``,
    ``SERVICE:x {``, ``SERVICESILENT ?x {``), which Oxigraph reads as ``SERVICE a:x {``. Before a
    group, a name otherwise follows GRAPH, or FROM where WHERE is left out (``GRAPH service:g {``);
    a name that ends a triple before a group (``?s ?p service:o . { … }``) is refused too."""
    words = [lexeme.upper() for _, lexeme in lexemes(expand_codepoints(text))]
    for index, word in enumerate(words):
        if word == "SERVICE" or (word.startswith("SERVICE") and words[index + 1:index + 2] == ["{"]
                                 and words[index - 1:index] not in (["GRAPH"], ["FROM"], ["NAMED"])):
            return True
    return False


def escaped_syntax(text: str) -> str | None:
    """The first ``\\u`` escape in ``text`` that writes an ASCII character other than a letter or
    a digit (``\\u0027`` for ``'``), or None. Oxigraph reads escapes only inside strings and
    IRIs, where this lexer (and rdflib) read them everywhere first: ``'\\u0027'`` is a string of
    one quote to Oxigraph, and the start of a long string to them, which then hides what follows."""
    for match in _LOOSE_CODEPOINT.finditer(text):
        # Every reading of it: four digits (rdflib's "\\U000A" too), and eight.
        codes = [int(match.group(1), 16)]
        if match.group(2):
            codes.append(int(match.group(1) + match.group(2), 16))
        if any(code < 0x80 and not chr(code).isalnum() for code in codes):
            return match.group()
    return None


def lexemes(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, str]]:
    """``(offset, lexeme)`` for each bracket and each word of ``text[start:end]``."""
    i, n = start, len(text) if end is None else end
    while i < n:
        c = text[i]
        if c == "#":
            # A comment ends at a line's end, "\r" as well as "\n" (so Oxigraph reads it): what
            # follows "#\r" is query text.
            match = _LINE_END.search(text, i)
            i = n if match is None else match.end()
        elif c in "\"'":
            i = _skip_string(text, i)
        elif c == "<":
            match = _IRIREF.match(text, i)
            i = match.end() if match else i + 1
        elif c in "?$":
            i = _variable().match(text, i).end()  # type: ignore[union-attr]
        elif c == "@":
            match = _LANG.match(text, i)
            i = match.end() if match else i + 1
        elif c in BRACKETS:
            yield i, c
            i += 1
        elif c == ":":  # a name with the empty prefix: ":Service" is no keyword
            match = _EMPTY_PREFIX_NAME.match(text, i)
            assert match is not None  # it matches the colon at least
            yield i, match.group()
            i = match.end()
        elif c.isalpha() or c == "_":
            match = _WORD.match(text, i)
            if match is None:  # a letter outside ASCII: not SPARQL syntax
                i += 1
                continue
            yield i, match.group()
            i = match.end()
        else:
            i += 1


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
