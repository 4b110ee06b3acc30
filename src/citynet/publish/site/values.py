"""Values in plain words: links to pages, dates, years, numbers and texts in their language.

A :class:`Value` is what a page shows for one RDF term; the ``show`` macro of
``templates/macros.html`` writes it (a link, an external link, code, or text in its language).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal as Choice

from rdflib import RDF, XSD, BNode, Literal, URIRef
from rdflib.term import Node

from citynet.graph.prefixes import compact
from citynet.publish.site.collect import ORG, TIME, SiteModel
from citynet.publish.site.i18n import day, days, gettext, number
from citynet.publish.site.paths import Format, Links

_WIKIDATA = "http://www.wikidata.org/entity/"


def plain_date(value: datetime.date) -> str:
    """27 September 2021 (27. September 2021 on a German page)."""
    return day(value)


def date_range(start: Node | None, end: Node | None) -> str | None:
    """"27–29 September 2021", "6 June – 9 June 2006", or one date."""
    first = start.toPython() if isinstance(start, Literal) else None
    last = end.toPython() if isinstance(end, Literal) else None
    if not isinstance(first, datetime.date):
        return plain_literal(start) if start is not None else None
    if not isinstance(last, datetime.date) or last == first:
        return plain_date(first)
    return days(first, last)


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
        return gettext("yes") if literal.toPython() is True else gettext("no")
    if datatype == XSD.duration and text == "P1Y":
        return gettext("year")
    if datatype in _DECIMALS and _POINT_NUMBER.fullmatch(text):
        # as the page's language writes it (54,0887), every digit kept
        return number(Decimal(text), len(text.split(".", 1)[1]))
    return text


_DECIMALS = frozenset({XSD.decimal, XSD.double, XSD.float})
_POINT_NUMBER = re.compile(r"[+-]?\d+\.\d+")


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
    #: A name shown in English on a page in another language, for want of one in that language.
    fallback: bool = False


def text_in_language(literal: Literal, page_lang: str = "en") -> Value:
    """A text, marked with its language when that differs from the page's."""
    other = literal.language if literal.language and literal.language.lower() != page_lang else None
    return Value(plain_literal(literal), lang=other)


@dataclass
class View:
    """What a page needs to show values: the model and the page's link style."""

    model: SiteModel
    links: Links

    @property
    def lang(self) -> str:
        return self.links.lang

    def name(self, node: Node) -> Value:
        """The name of ``node`` in the page's language; else in English, marked as such."""
        if self.lang == "en":
            return Value(self.model.label(node))
        text, other = self.model.label_in(node, self.lang)
        if other is not None:
            composed = self._membership_name(node)
            if composed is not None:
                return Value(composed)
        return Value(text, lang=other, fallback=other is not None)

    def _membership_name(self, node: Node) -> str | None:
        """A membership's name made in the page's language from its member's and its network's
        names ("Rostock im Netzwerk „Union der Ostseestädte“"), where the graph names it only in
        English ("Rostock in the Union of the Baltic Cities"); None for anything else."""
        member, network = self.model.value(node, ORG.member), self.model.value(node, ORG.organization)
        if member is None or network is None:
            return None
        return gettext("%(member)s in %(network)s") % {"member": self.name(member).text,
                                                       "network": self.name(network).text}

    def href(self, node: Node | None, fmt: Format = "html") -> str | None:
        if node is not None and str(node) in self.model.ontology_iris:
            return self.links.page("def", fmt)  # the ontology and its version: the ontology's page
        entity = self.model.entity(node) if node is not None else None
        return self.links.page(entity.path, fmt) if entity else None

    def text(self, node: Node, prop: URIRef) -> Value | None:
        """A text of ``node`` (``schema:description`` …) in the page's language; else the English
        one, marked as such."""
        own = self.model.text(node, prop, self.lang)
        if own is not None or self.lang == "en":
            return Value(own) if own is not None else None
        english = self.model.text(node, prop, "en")
        return Value(english, lang="en", fallback=True) if english is not None else None

    def value(self, node: Node | None, text: str | None = None) -> Value:
        """A link to the page of ``node``; an external link for other IRIs; text otherwise."""
        if node is None:
            return Value()
        if isinstance(node, Literal):
            return text_in_language(node, self.lang)
        if isinstance(node, BNode):
            return self.blank(node)
        label = text or self.model.label(node)
        href = self.href(node)
        if href:
            if text is None and self.lang != "en":
                name = self.name(node)
                return Value(name.text, href, "link", lang=name.lang, fallback=name.fallback)
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
                parts.append(gettext("from %(time)s") % {"time": self._instant(begin)})
            if end is not None:
                parts.append(gettext("until %(time)s") % {"time": self._instant(end)})
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
        return gettext("an unknown time")
