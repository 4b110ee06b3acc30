"""Values in plain words: links to pages, dates, years, numbers and texts in their language.

A :class:`Value` is what a page shows for one RDF term; the ``show`` macro of
``templates/macros.html`` writes it (a link, an external link, code, or text in its language).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal as Choice

from rdflib import RDF, XSD, BNode, Literal, URIRef
from rdflib.term import Node

from citynet.graph.prefixes import compact
from citynet.publish.site.collect import TIME, SiteModel
from citynet.publish.site.paths import Format, Links

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
_WIKIDATA = "http://www.wikidata.org/entity/"


def plain_date(value: datetime.date) -> str:
    """27 September 2021."""
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def date_range(start: Node | None, end: Node | None) -> str | None:
    """"27–29 September 2021", "6 June – 9 June 2006", or one date."""
    first = start.toPython() if isinstance(start, Literal) else None
    last = end.toPython() if isinstance(end, Literal) else None
    if not isinstance(first, datetime.date):
        return plain_literal(start) if start is not None else None
    if not isinstance(last, datetime.date) or last == first:
        return plain_date(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {_MONTHS[first.month - 1]} {first.year}"
    if first.year == last.year:
        return f"{first.day} {_MONTHS[first.month - 1]} – {plain_date(last)}"
    return f"{plain_date(first)} – {plain_date(last)}"


def plain_literal(literal: Node) -> str:
    """A literal as a person reads it: years as 2016, dates as 27 September 2021, yes/no
    (an IRI, where a literal was expected, as its compact form)."""
    if not isinstance(literal, Literal):
        return compact(str(literal))
    datatype = literal.datatype
    text = str(literal)
    if literal.ill_typed:
        return text
    if datatype == XSD.gYear:
        return text[:4] if text[:4].isdigit() else text
    if datatype == XSD.date:
        value = literal.toPython()
        return plain_date(value) if isinstance(value, datetime.date) else text
    if datatype == XSD.boolean:
        return "yes" if literal.toPython() is True else "no"
    if datatype == XSD.duration and text == "P1Y":
        return "year"
    return text


Style = Choice["text", "link", "external", "code", "statements"]


@dataclass(frozen=True)
class Value:
    """One value as a page shows it."""

    text: str = ""
    href: str | None = None
    style: Style = "text"
    #: The language of a text in another language than the page's (English).
    lang: str | None = None
    #: A blank node's statements, in words: (property, value).
    statements: tuple[tuple[str, Value], ...] = ()


def text_in_language(literal: Literal, page_lang: str = "en") -> Value:
    """A text, marked with its language when that differs from the page's."""
    other = literal.language if literal.language and literal.language.lower() != page_lang else None
    return Value(plain_literal(literal), lang=other)


@dataclass
class View:
    """What a page needs to show values: the model and the page's link style."""

    model: SiteModel
    links: Links

    def href(self, node: Node | None, fmt: Format = "html") -> str | None:
        if node is not None and str(node) in self.model.ontology_iris:
            return self.links.page("def", fmt)  # the ontology and its version: the ontology's page
        entity = self.model.entity(node) if node is not None else None
        return self.links.page(entity.path, fmt) if entity else None

    def value(self, node: Node | None, text: str | None = None) -> Value:
        """A link to the page of ``node``; an external link for other IRIs; text otherwise."""
        if node is None:
            return Value()
        if isinstance(node, Literal):
            return text_in_language(node)
        if isinstance(node, BNode):
            return self.blank(node)
        label = text or self.model.label(node)
        href = self.href(node)
        if href:
            return Value(label, href, "link")
        iri = str(node)
        if iri.startswith(_WIKIDATA):
            return Value(f"Wikidata {iri[len(_WIKIDATA):]}", iri, "external")
        if iri.startswith(("http://", "https://")):
            shown = text or (label if label != compact(iri) else compact(iri))
            return Value(shown, iri, "external")
        return Value(iri, style="code")

    def values(self, nodes: Iterable[Node | None]) -> list[Value]:
        return [self.value(node) for node in nodes]

    def blank(self, node: BNode) -> Value:
        """A blank node in words: an interval as "from 2016", else its statements inline."""
        model = self.model
        begin = model.value(node, TIME.hasBeginning)
        end = model.value(node, TIME.hasEnd)
        if begin is not None or end is not None:
            parts = []
            if begin is not None:
                parts.append("from " + self._instant(begin))
            if end is not None:
                parts.append("until " + self._instant(end))
            return Value(" ".join(parts))
        statements = tuple((model.property_label(p), self.value(o))
                           for p, o in sorted(model.rdf.predicate_objects(node), key=lambda po: str(po[0]))
                           if not (isinstance(o, URIRef) and p == RDF.type))
        return Value(style="statements", statements=statements)

    def _instant(self, node: Node) -> str:
        for prop in (TIME.inXSDgYear, TIME.inXSDDate, TIME.inXSDDateTimeStamp):
            value = self.model.value(node, prop)
            if isinstance(value, Literal):
                return plain_literal(value)
        return "an unknown time"
