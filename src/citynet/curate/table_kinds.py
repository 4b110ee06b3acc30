"""The four tables people edit: their columns, what each column says in RDF, and which file
holds their entities. Export, import and the CSV on the Web metadata all read these definitions,
so the three cannot drift apart.

Every table has a key column (the entity's IRI; empty on a new row, which mints one), columns
the import writes, read-only columns (shown for orientation; they are edited in another table)
and the ``source`` and ``quote`` of the row: no statement without a source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal as Choice

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, RDFS, XSD

CN = Namespace("https://w3id.org/citynet/def#")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
GN = Namespace("http://www.geonames.org/ontology#")
WGS = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
TIME = Namespace("http://www.w3.org/2006/time#")

Role = Choice["key", "value", "reference", "link", "interval", "class", "readonly", "source", "quote"]

LIST_SEPARATOR = "; "
"""Between the values of a cell that holds several (roles, sources' quotes are one a line)."""


@dataclass(frozen=True)
class Column:
    name: str
    role: Role
    description: str
    predicate: URIRef | None = None
    datatype: URIRef | None = None
    """For values: the literal's datatype (None: a string with the language ``language``)."""
    language: str | None = None
    kind: str | None = None
    """For references: what a name is resolved to (place, network, role, body, series, source)."""
    classes: tuple[URIRef, ...] = ()
    required: bool = False
    multiple: bool = False

    @property
    def editable(self) -> bool:
        return self.role != "readonly"


@dataclass(frozen=True)
class TableKind:
    name: str
    title: str
    file: str
    """The data file new entities of this kind go to."""
    classes: tuple[URIRef, ...]
    """An entity of one of these classes is a row."""
    iri_base: str
    columns: tuple[Column, ...]

    @property
    def key(self) -> Column:
        return self.columns[0]

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]


ID = "https://w3id.org/citynet/id/"
PLACE_CLASSES = (CN.City, CN.Region)
SOURCE_COLUMNS = (
    Column("source", "source", "The source of the row: its IRI, its name, or the address of the document. "
           "It is added to the entity's sources.", DCTERMS.source, kind="source", classes=(CN.Source,),
           required=True),
    Column("quote", "quote", "Words of the source that support the row, verbatim. Words that are not yet "
           "among the source's quotes are added to them.", CN.quote, required=True),
)

MEMBERSHIPS = TableKind(
    "memberships", "Memberships of places in city networks", "memberships.ttl", (ORG.Membership,),
    f"{ID}membership/", (
        Column("membership", "key", "The membership's IRI; empty on a new row (one is made from the network "
               "and the member)."),
        Column("network", "reference", "The network: its IRI, name or abbreviation.", ORG.organization,
               kind="network", classes=(CN.CityNetwork,), required=True),
        Column("networkName", "readonly", "The network's English name (read-only here)."),
        Column("abbreviation", "readonly", "The network's abbreviation (read-only here)."),
        Column("member", "reference", "The member, a city or region: its IRI or name in any language.",
               ORG.member, kind="place", classes=PLACE_CLASSES, required=True),
        Column("memberName", "readonly", "The member's English name (read-only here: edit it in the places table)."),
        Column("kind", "readonly", "city or region (read-only here)."),
        Column("country", "readonly", "The member's ISO 3166-1 country code (read-only here)."),
        Column("lat", "readonly", "The member's latitude, WGS84 (read-only here)."),
        Column("long", "readonly", "The member's longitude, WGS84 (read-only here)."),
        Column("since", "interval", "When the membership began: a year (2016) or a date (2016-05-27).",
               ORG.memberDuring),
        Column("until", "interval", "When it ended: a year or a date; empty while it lasts.", ORG.memberDuring),
        Column("role", "reference", "The member's role in the network (e.g. co-founder); several separated by '; '.",
               ORG.role, kind="role", classes=(ORG.Role,), multiple=True),
        Column("representedBy", "reference", "The body that represents the member in the network; several "
               "separated by '; '.", CN.representedBy, kind="body", classes=(CN.Body,), multiple=True),
        *SOURCE_COLUMNS,
    ))

PLACES = TableKind(
    "places", "Cities and regions", "places.ttl", PLACE_CLASSES, ID, (
        Column("place", "key", "The place's IRI; empty on a new row (one is made from the name)."),
        Column("kind", "class", "city or region.", required=True),
        Column("name", "value", "The English name.", RDFS.label, language="en", required=True),
        Column("country", "value", "ISO 3166-1 alpha-2 country code.", GN.countryCode),
        Column("lat", "value", "Latitude, WGS84 decimal degrees.", WGS.lat, XSD.decimal),
        Column("long", "value", "Longitude, WGS84 decimal degrees.", WGS.long, XSD.decimal),
        Column("wikidata", "link", "The Wikidata entity (http://www.wikidata.org/entity/Q…).", CN.wikidataEntity),
        Column("geonames", "link", "The GeoNames feature (https://sws.geonames.org/…/).", CN.geonamesFeature),
        *SOURCE_COLUMNS,
    ))

EVENTS = TableKind(
    "events", "Conferences and other meetings", "events.ttl",
    (SCHEMA.Event, CN.ConferenceEdition, CN.FoundingEvent), f"{ID}event/", (
        Column("event", "key", "The event's IRI; empty on a new row (one is made from the name)."),
        Column("kind", "class", "conference edition, founding event or event; several separated by '; '.",
               required=True, multiple=True),
        Column("name", "value", "The English name.", RDFS.label, language="en", required=True),
        Column("series", "reference", "The conference series it is an edition of: its IRI or name.",
               SCHEMA.superEvent, kind="series", classes=(CN.ConferenceSeries,)),
        Column("edition", "value", "The edition's number in its series.", CN.editionNumber, XSD.integer),
        Column("year", "value", "The year it took place.", CN.year, XSD.gYear),
        Column("start", "value", "The first day (YYYY-MM-DD).", SCHEMA.startDate, XSD.date),
        Column("end", "value", "The last day (YYYY-MM-DD).", SCHEMA.endDate, XSD.date),
        Column("host", "reference", "The host city or region: its IRI or name.", CN.hostedBy, kind="place",
               classes=PLACE_CLASSES),
        Column("places", "value", "How many places took part, as a source counts them.",
               CN.participatingPlaceCount, XSD.integer),
        Column("countries", "value", "How many countries took part, as a source counts them.",
               CN.participatingCountryCount, XSD.integer),
        *SOURCE_COLUMNS,
    ))

SOURCES = TableKind(
    "sources", "Sources and the words quoted from them", "sources.ttl", (CN.Source,), f"{ID}source/", (
        Column("source", "key", "The source's IRI; empty on a new row (one is made from the name)."),
        Column("name", "value", "What the source is, in English (its title and publisher).", RDFS.label,
               language="en", required=True),
        Column("url", "link", "Where the document is.", SCHEMA.url),
        Column("publisher", "value", "Who published it.", CN.publisherName),
        Column("language", "value", "The document's language (a BCP 47 tag such as de).", DCTERMS.language),
        Column("issued", "value", "When it was published (YYYY-MM-DD).", DCTERMS.issued, XSD.date),
        Column("quoteLanguage", "value", "The language tag of the quotes (zxx for no language).", required=True),
        Column("quote", "quote", "The words the data relies on, verbatim; one quote a line.", CN.quote,
               required=True, multiple=True),
    ))

KINDS: dict[str, TableKind] = {kind.name: kind for kind in (MEMBERSHIPS, PLACES, EVENTS, SOURCES)}

EVENT_KINDS = {"conference edition": CN.ConferenceEdition, "founding event": CN.FoundingEvent,
               "event": SCHEMA.Event}
PLACE_KINDS = {"city": CN.City, "region": CN.Region}
