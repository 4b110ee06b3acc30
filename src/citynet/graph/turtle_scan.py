"""A light scan of Turtle (and N-Triples, TriG) text, for what the parsers do not say: where
brackets nest too deeply, where a term is too long, and which ``@prefix`` a file binds twice.

The scan knows only what it must skip so as not to be fooled: comments, strings, IRIs and
escapes. It does not check the syntax (the parsers do that).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_TOKEN = re.compile(r'''
    (?P<comment>\#[^\n]*+)
  | (?P<string>"""(?:[^"\\]++|\\.|"(?!""))*+(?:"""|\Z)
             |'\'\'(?:[^'\\]++|\\.|'(?!''))*+(?:'\'\'|\Z)
             |"(?:[^"\\\n]++|\\.)*+"?
             |'(?:[^'\\\n]++|\\.)*+'?)
  | (?P<iri><[^<>"{}|^`\\\s]*+>)
  | (?P<directive>(?<![^\s.])(?:@prefix|(?i:prefix))\s++(?P<prefix>[^\s:]*+):\s*+<(?P<namespace>[^>\s]*+)>)
  | (?P<open>[\[(])
  | (?P<close>[\])])
  | (?P<escape>\\.)
''', re.VERBOSE | re.DOTALL)

# A cheap first look for prefix directives; the full scan confirms what it finds.
# "@prefix" is "prefix" after an "@": one case-blind word is the faster scan of a large file.
_CANDIDATE = re.compile(r"(?i:prefix)\s+([^\s:]*):\s*<([^>\s]*)>")


@dataclass(frozen=True)
class Place:
    line: int
    column: int


@dataclass(frozen=True)
class PrefixConflict:
    """``@prefix prefix:`` bound at ``line`` to ``namespace``, after being bound to
    ``earlier`` at ``earlier_line`` in the same file."""

    prefix: str
    namespace: str
    line: int
    earlier: str
    earlier_line: int


def _tokens(text: str) -> Iterator[tuple[re.Match[str], int]]:
    """The tokens that matter, each with its 1-based line."""
    line, position = 1, 0
    for match in _TOKEN.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        yield match, line


def _column(text: str, offset: int) -> int:
    return offset - text.rfind("\n", 0, offset)


def deepest_nesting(text: str) -> tuple[int, Place | None]:
    """How deep ``[ ]`` and ``( )`` nest, and where the first bracket at that depth opens."""
    depth = deepest = 0
    place: Place | None = None
    for match, line in _tokens(text):
        kind = match.lastgroup
        if kind == "open":
            depth += 1
            if depth > deepest:
                deepest, place = depth, Place(line, _column(text, match.start()))
        elif kind == "close":
            depth = max(depth - 1, 0)
    return deepest, place


def first_long_term(text: str, limit: int) -> Place | None:
    """Where the first string or IRI longer than ``limit`` characters starts."""
    for match, line in _tokens(text):
        if match.lastgroup in ("string", "iri") and match.end() - match.start() > limit:
            return Place(line, _column(text, match.start()))
    return None


def prefix_conflicts(text: str) -> list[PrefixConflict]:
    """Each ``@prefix`` (or ``PREFIX``) that binds a prefix again, to another namespace."""
    seen: dict[str, str] = {}
    for match in _CANDIDATE.finditer(text):
        if seen.setdefault(match[1], match[2]) != match[2]:
            break
    else:
        return []  # no prefix is bound to two namespaces even in the rough look
    bound: dict[str, tuple[str, int]] = {}
    conflicts = []
    for match, line in _tokens(text):
        if match.lastgroup != "directive":
            continue
        prefix, namespace = match["prefix"], match["namespace"]
        earlier = bound.get(prefix)
        if earlier is not None and earlier[0] != namespace:
            conflicts.append(PrefixConflict(prefix, namespace, line, earlier[0], earlier[1]))
        bound[prefix] = (namespace, line)
    return conflicts
