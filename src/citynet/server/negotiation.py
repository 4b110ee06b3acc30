"""Content negotiation: parsing ``Accept`` (with q-values) and choosing a format.

The best offer is the one with the highest q-value; on a tie, the one named by the
more specific media range (``text/csv`` beats ``text/*`` beats ``*/*``), then the
server's order of preference. ``q=0`` refuses a type.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    """One representation the server can write."""

    name: str
    media_type: str
    #: Other media types a client may ask for to get this format.
    also: tuple[str, ...] = ()
    #: Names accepted in ``?format=`` besides ``name``.
    names: tuple[str, ...] = ()
    suffix: str = ""

    @property
    def content_type(self) -> str:
        textual = self.media_type.startswith("text/") or self.media_type.endswith(("+json", "+xml", "/json"))
        textual = textual or self.media_type in ("application/n-triples",)
        return f"{self.media_type}; charset=utf-8" if textual else self.media_type

    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.also)


# SELECT and ASK results (SPARQL 1.1 Query Results formats).
JSON = Format("json", "application/sparql-results+json", also=("application/json",))
XML = Format("xml", "application/sparql-results+xml")
CSV = Format("csv", "text/csv")
TSV = Format("tsv", "text/tab-separated-values")
RESULT_FORMATS = (JSON, XML, CSV, TSV)

# Graphs (CONSTRUCT and DESCRIBE answers, entity descriptions, the service description).
TURTLE = Format("turtle", "text/turtle", also=("application/x-turtle",), names=("ttl",), suffix="ttl")
NTRIPLES = Format("ntriples", "application/n-triples", also=("text/plain",), names=("nt",), suffix="nt")
JSONLD = Format("jsonld", "application/ld+json", names=("json-ld", "json"), suffix="jsonld")
RDFXML = Format("rdfxml", "application/rdf+xml", names=("rdf", "xml"), suffix="rdf")
GRAPH_FORMATS = (TURTLE, NTRIPLES, JSONLD, RDFXML)

HTML = Format("html", "text/html", also=("application/xhtml+xml",), suffix="html")

_ANY = ("*", "*")


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int | None:
        """2 for an exact match, 1 for ``type/*``, 0 for ``*/*``; None if it does not match."""
        kind, _, sub = media_type.partition("/")
        if (self.type, self.subtype) == _ANY:
            return 0
        if self.type != kind:
            return None
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else None


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an ``Accept`` header; malformed parts are skipped."""
    ranges: list[MediaRange] = []
    for part in (header or "").split(",")[:64]:
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        kind, slash, sub = media.partition("/")
        if not slash or not kind or not sub or (kind == "*" and sub != "*"):
            continue
        q = 1.0
        for parameter in pieces[1:]:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = -1.0
        if 0.0 <= q <= 1.0:
            ranges.append(MediaRange(kind, sub, q))
    return ranges


def choose(header: str | None, offers: Sequence[Format]) -> Format | None:
    """The offer the client prefers, None if it accepts none of them.
    No ``Accept`` header (or one with no valid media range) means "anything": the first offer."""
    if not offers:
        return None
    ranges = parse_accept(header)
    if not ranges:
        return offers[0]
    best: tuple[float, int, int] | None = None
    chosen: Format | None = None
    for index, offer in enumerate(offers):
        for media_type in offer.media_types():
            matches = [(r.specificity(media_type), r.q) for r in ranges]
            matches = [(s, q) for s, q in matches if s is not None]
            if not matches:
                continue
            specificity, q = max(matches)  # the most specific range decides the q-value
            if q <= 0:
                continue
            key = (q, specificity, -index)
            if best is None or key > best:
                best, chosen = key, offer
    return chosen


def by_name(name: str, offers: Sequence[Format]) -> Format | None:
    """The offer called ``name`` in ``?format=`` (a name such as ``csv`` or a media type)."""
    wanted = name.strip().lower()
    for offer in offers:
        if wanted == offer.name or wanted in offer.names or wanted in offer.media_types():
            return offer
    return None


def accepted_list(offers: Sequence[Format]) -> str:
    return ", ".join(o.media_type for o in offers)
