"""Content negotiation: parsing ``Accept`` (with q-values) and choosing a format.

The best offer is the one with the highest q-value; on a tie, the one named by the
more specific media range (``text/csv`` beats ``text/*`` beats ``*/*``), then the
server's order of preference. ``q=0`` refuses a type.

A ``format``, ``output`` or ``results`` parameter overrides ``Accept`` with the values that
clients send: a name (``json``, ``xml``, ``csv``, ``tsv``, ``turtle``, ``n3``, ``rdf+xml``,
``json-ld`` …) or media types, several of them comma-separated. SPARQLWrapper repeats the
parameter (``format=tsv&format=text/tab-separated-values``): the first value that names a
format for the answer wins, and a value that names none is ignored, so ``Accept`` decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from citynet.formats import (
    CSV,
    DATASET_FORMATS,
    GRAPH_FORMATS,
    HTML,
    JSON,
    JSONLD,
    NQUADS,
    NTRIPLES,
    RDFXML,
    RESULT_FORMATS,
    SPREADSHEET_CSV,
    TRIG,
    TSV,
    TURTLE,
    XML,
    Format,
    named,
)

# The formats are defined in citynet.formats; they are named here too, as the server's offers.
__all__ = ["CSV", "DATASET_FORMATS", "GRAPH_FORMATS", "HTML", "JSON", "JSONLD", "NQUADS", "NTRIPLES", "RDFXML",
           "RESULT_FORMATS", "SPREADSHEET_CSV", "TRIG", "TSV", "TURTLE", "XML", "Format", "MediaRange",
           "accepted_list", "by_name", "choose", "first_named", "parse_accept"]

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


#: Accept headers up to this long have their choice kept (clients send the same few again and again).
_KEPT_HEADER = 512


def choose(header: str | None, offers: Sequence[Format]) -> Format | None:
    """The offer the client prefers, None if it accepts none of them.
    No ``Accept`` header (or one with no valid media range) means "anything": the first offer."""
    if header is not None and len(header) > _KEPT_HEADER:
        return _choose(header, tuple(offers))
    return _kept_choice(header, tuple(offers))


@lru_cache(maxsize=256)
def _kept_choice(header: str | None, offers: tuple[Format, ...]) -> Format | None:
    return _choose(header, offers)


def _choose(header: str | None, offers: tuple[Format, ...]) -> Format | None:
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
            found = [(s, q) for s, q in matches if s is not None]
            if not found:
                continue
            specificity, q = max(found)  # the most specific range decides the q-value
            if q <= 0:
                continue
            key = (q, specificity, -index)
            if best is None or key > best:
                best, chosen = key, offer
    return chosen


def by_name(value: str, offers: Sequence[Format]) -> Format | None:
    """The offer a ``?format=`` value names: a name such as ``csv``, or a media type; a
    comma-separated list of them names its first known one. None if it names none."""
    return first_named([value], offers)


def first_named(values: Sequence[str], offers: Sequence[Format]) -> Format | None:
    """The offer named by the first of ``values`` (each a comma-separated list) that names one:
    repeats and unknown values are tolerated, as clients send them."""
    for value in values:
        for part in value.split(",")[:16]:
            chosen = named(part, offers)
            if chosen is not None:
                return chosen
    return None


def accepted_list(offers: Sequence[Format]) -> str:
    return ", ".join(o.media_type for o in offers)
