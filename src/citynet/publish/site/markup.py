"""A tiny, escaping HTML builder: text is escaped unless it is already :class:`Markup`.

    >>> el("a", "Rostock & co", href="id/city/rostock.html")
    '<a href="id/city/rostock.html">Rostock &amp; co</a>'
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Union

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                  "track", "wbr"})


class Markup(str):
    """A string that is already HTML (or SVG) and must not be escaped again."""

    __slots__ = ()


Child = Union[str, "Markup", int, float, None, Iterable["Child"]]


def render(child: Child) -> Markup:
    """``child`` as HTML: strings escaped, Markup as is, iterables joined, None dropped."""
    if child is None or child is False:
        return Markup("")
    if isinstance(child, Markup):
        return child
    if isinstance(child, str):
        return Markup(escape(child, quote=False))
    if isinstance(child, int | float):
        return Markup(escape(str(child)))
    return Markup("".join(render(c) for c in child))


def attributes(attrs: dict[str, object]) -> str:
    """` name="value"` pairs; a trailing underscore is dropped (``class_``), ``_`` becomes ``-``,
    True gives a bare attribute and None or False leaves it out."""
    parts = []
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        name = key.rstrip("_").replace("_", "-")
        if value is True:
            parts.append(f" {name}")
        else:
            parts.append(f' {name}="{escape(str(value), quote=True)}"')
    return "".join(parts)


def el(tag: str, *children: Child, **attrs: object) -> Markup:
    """One element with escaped attributes and children."""
    opening = f"<{tag}{attributes(attrs)}>"
    if tag in VOID:
        return Markup(opening)
    return Markup(f"{opening}{render(children)}</{tag}>")


def join(items: Iterable[Child], separator: str | Markup = ", ") -> Markup:
    """Items rendered and joined by ``separator`` (escaped unless Markup)."""
    sep = render(separator)
    return Markup(sep.join(render(i) for i in items))
