"""A generator of large, realistic citynet graphs, for benchmarks and tests.

``generate(triples=100_000, seed=1, out=Path("big.ttl"))`` writes a Turtle file in
citynet's own ontology and IRI scheme (``https://w3id.org/citynet/id/{kind}/{slug}``)
that conforms to the shapes: cities and regions in some twenty countries with names
in their languages, country codes, coordinates, Wikidata and GeoNames ids; networks
with stated member counts, parts, founding events and disputed founding dates;
memberships with periods, roles and representing bodies; conference series with
yearly editions hosted by places that were members of the organiser that year,
topics from a SKOS scheme; and sources, cited by every entity.

The output depends only on ``triples`` and ``seed``: the same arguments give the
same bytes. The file holds ``triples`` data triples exactly, once that is above a
few thousand (smaller graphs come out a little larger: every kind of entity is
there at least a few times); loading it adds the ontology's triples.

``defects={"bad-country-code": 3, …}`` injects known errors (see ``DEFECT_KINDS``);
the report names the entities each was put on, so a test can check that validation
finds exactly those.

The generated names are invented ("Rosenheim-an-der-Lind" is not a real place), the
identifiers look like Wikidata and GeoNames ids but point nowhere in particular, and
the web addresses use the reserved ``.example`` domain.
"""

from __future__ import annotations

import os
import random
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from citynet.errors import InputError
from citynet.graph.prefixes import PREFIXES
from citynet.graph.progress import Progress

ID = "https://w3id.org/citynet/id/"


FIRST_YEAR, LAST_YEAR = 1950, 2025


@dataclass(frozen=True)
class DefectKind:
    """A kind of error the generator can inject, and what validation reports for each."""

    description: str
    violations_each: int


DEFECT_KINDS: dict[str, DefectKind] = {
    "membership-ends-before-start": DefectKind(
        "a membership whose recorded end year is before its start year", 1),
    "host-not-member": DefectKind(
        "a conference edition hosted by a place that is not a member of the organising network", 1),
    "missing-english-label": DefectKind(
        "a place with names in other languages but none in English", 1),
    "undefined-reference": DefectKind(
        "a place that links (rdfs:seeAlso) to a citynet IRI that is defined nowhere", 1),
    "ill-typed-date": DefectKind(
        "a source whose dct:issued is not a valid xsd:date (\"2019-02-30\"): reported once as an "
        "ill-typed literal and once by the shape's sh:datatype", 2),
    "bad-country-code": DefectKind(
        "a place whose gn:countryCode is not an ISO 3166-1 alpha-2 code (\"DEU\", \"de\")", 1),
    "missing-source": DefectKind(
        "a membership that cites no dct:source", 1),
}


def parse_defects(text: str | None) -> dict[str, int]:
    """``"bad-country-code=3,host-not-member=1"`` → a dict; for the command line."""
    defects: dict[str, int] = {}
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        kind, _, count = part.partition("=")
        kind = kind.strip()
        if kind not in DEFECT_KINDS:
            raise InputError(f"unknown defect kind {kind!r}", hint=f"kinds: {', '.join(DEFECT_KINDS)}")
        if not count.strip().isdigit():
            raise InputError(f"defect {kind!r} needs a count, as in {kind}=3")
        defects[kind] = defects.get(kind, 0) + int(count)
    return defects


@dataclass
class GenerationReport:
    """What ``generate`` wrote: triple and entity counts, injected defects (kind →
    the IRIs of the entities they are on), and query parameters that fit the data."""

    path: Path
    seed: int
    triples: int
    entities: dict[str, int] = field(default_factory=dict)
    defects: dict[str, list[str]] = field(default_factory=dict)
    examples: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def expected_violations(self) -> int:
        return sum(DEFECT_KINDS[kind].violations_each * len(iris) for kind, iris in self.defects.items())


# ---------------------------------------------------------------- countries and names

@dataclass(frozen=True)
class Country:
    code: str
    language: str
    lat: tuple[float, float]
    long: tuple[float, float]
    roots: tuple[str, ...]
    suffixes: tuple[str, ...]
    script: str = "latin"            # latin, cyrillic or greek: the script of the local name
    region_en: str = "{} Region"
    region_local: str = "{}"


_GERMANIC = ("Alt", "Bern", "Brand", "Eich", "Falk", "Gold", "Hohen", "Kirch", "Lin", "Mar", "Neu",
             "Ober", "Ros", "Stein", "Wald", "Wester", "Wolf", "Lauen", "Hel", "Dor", "Fried", "Grün",
             "Hag", "Kron", "Lind", "Mühl", "Ried", "Schön", "Tann", "Weiß", "Horn", "Elm")
_SLAVIC = ("Bia", "Bor", "Brz", "Chor", "Dęb", "Gor", "Kal", "Kras", "Lub", "Mil", "Nowo", "Ost", "Pod",
           "Rad", "Sła", "Stara", "Such", "Tor", "Wiel", "Zab", "Zło", "Żar", "Vel", "Mal", "Dobr",
           "Krus", "Nov", "Bel", "Zlat", "Ozer", "Gradi", "Lip")
_ROMANCE = ("Beau", "Mont", "Cham", "Châte", "Fontaine", "Vall", "Roche", "Ber", "Clair", "Mar", "Bel",
            "Castel", "Villa", "Borgo", "Roc", "Val", "Porto", "Fior", "Ponte", "Torre", "Alca", "Cas",
            "Sol", "Lun", "Rive", "Pra", "Ser", "Mira", "Ca", "Ro", "Lo", "San")
_NORDIC = ("Jär", "Kos", "Lah", "Mikk", "Por", "Sei", "Tam", "Vaa", "Kuu", "Hyv", "Pär", "Tar", "Vil",
           "Rak", "Kur", "Haap", "Jel", "Vent", "Liep", "Daug", "Sig", "Kaun", "Šiaul", "Pan", "Alyt",
           "Uten", "Ös", "Lil", "Sand", "Fal", "Ny", "Hol")

COUNTRIES: tuple[Country, ...] = (
    Country("DE", "de", (47.3, 54.9), (6.0, 15.0), _GERMANIC,
            ("burg", "heim", "stadt", "hausen", "feld", "dorf", "bach", "berg", "au", "ingen"),
            region_en="{} District", region_local="Landkreis {}"),
    Country("AT", "de", (46.5, 48.9), (9.6, 17.0), _GERMANIC, ("kirchen", "brunn", "dorf", "au", "eck", "stein")),
    Country("NL", "nl", (51.0, 53.4), (3.5, 7.1), _GERMANIC, ("dam", "recht", "hoven", "wijk", "veen", "kerk")),
    Country("SE", "sv", (55.5, 67.5), (11.5, 23.5), _NORDIC, ("köping", "by", "holm", "stad", "vik", "sund", "borg"),
            region_en="{} County", region_local="{} län"),
    Country("DK", "da", (54.8, 57.6), (8.2, 12.6), _NORDIC, ("by", "rup", "sted", "bjerg", "lev", "høj")),
    Country("NO", "nb", (58.0, 70.0), (5.0, 30.0), _NORDIC, ("vik", "stad", "fjord", "dal", "heim", "nes")),
    Country("FI", "fi", (60.0, 68.0), (21.0, 30.0), _NORDIC, ("vi", "ki", "järvi", "koski", "la", "nen", "salo")),
    Country("EE", "et", (57.6, 59.6), (21.8, 28.1), _NORDIC, ("nu", "tu", "jandi", "vere", "saare", "küla")),
    Country("LV", "lv", (55.7, 58.0), (21.0, 28.2), _NORDIC, ("ava", "pils", "ciems", "spils", "ulda")),
    Country("LT", "lt", (54.0, 56.4), (21.0, 26.8), _NORDIC, ("as", "iai", "ėnai", "ys", "ampolė", "ava")),
    Country("PL", "pl", (49.0, 54.8), (14.2, 24.0), _SLAVIC, ("ów", "ice", "owo", "sk", "ów", "no", "lin", "awa"),
            region_en="{} Voivodeship", region_local="województwo {}"),
    Country("CZ", "cs", (48.6, 51.0), (12.1, 18.8), _SLAVIC, ("ov", "ice", "any", "ín", "ec", "ná")),
    Country("SK", "sk", (47.8, 49.6), (17.0, 22.5), _SLAVIC, ("ovce", "any", "ava", "ín", "ec")),
    Country("SI", "sl", (45.4, 46.9), (13.4, 16.6), _SLAVIC, ("je", "ica", "ovo", "ec", "ina")),
    Country("HR", "hr", (42.4, 46.5), (13.5, 19.4), _SLAVIC, ("ac", "ica", "ovo", "in", "evo")),
    Country("UA", "uk", (45.0, 52.3), (22.2, 40.2), _SLAVIC, ("iv", "ivka", "opil", "ovo", "ets"), script="cyrillic",
            region_en="{} Oblast", region_local="{} область"),
    Country("RS", "sr-Cyrl", (42.2, 46.2), (18.8, 23.0), _SLAVIC, ("ac", "evo", "ica", "in", "ovo"), script="cyrillic"),
    Country("BG", "bg", (41.2, 44.2), (22.4, 28.6), _SLAVIC, ("ovo", "ets", "ik", "ograd", "ino"), script="cyrillic"),
    Country("FR", "fr", (43.0, 50.9), (-1.5, 7.5), _ROMANCE, ("ville", "court", "mont", "ac", "ay", "ières", "euil"),
            region_en="{} Department", region_local="département de {}"),
    Country("IT", "it", (37.9, 46.5), (7.0, 18.0), _ROMANCE, ("ano", "ella", "ino", "ona", "ate", "era")),
    Country("ES", "es", (36.2, 43.5), (-8.9, 3.2), _ROMANCE, ("ejo", "ares", "illa", "ena", "osa", "al", "ón"),
            region_en="Province of {}", region_local="Provincia de {}"),
    Country("PT", "pt", (37.0, 42.1), (-9.5, -6.2), _ROMANCE, ("ão", "eira", "elo", "inho", "al")),
    Country("GR", "el", (35.0, 41.5), (20.0, 26.5), _ROMANCE, ("ina", "aia", "os", "ada", "poli", "ini"),
            script="greek"),
    Country("HU", "hu", (45.8, 48.5), (16.2, 22.8), ("Szé", "Deb", "Kecs", "Nyír", "Győr", "Sop", "Eger", "Mis",
                                                    "Bala", "Tata", "Vác", "Zala"),
            ("kes", "halom", "egyháza", "vár", "falva", "háza", "újhely")),
)
_MIDDLES = ("", "", "en", "er", "a", "o", "i", "el", "an", "ar")

_CYRILLIC = dict(zip("abcdefghijklmnopqrstuvwxyz", "абцдефгхийклмнопкрстуввхыз", strict=True))
_GREEK = dict(zip("abcdefghijklmnopqrstuvwxyz", "αβκδεφγηιικλμνοπκρστουβξυζ", strict=True))
_ASCII = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "đ": "d", "Đ": "D"})


def slugify(text: str) -> str:
    """The English name in lower case, with hyphens and no accents (README, "IRIs")."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_ASCII))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def _script(text: str, script: str) -> str:
    if script == "latin":
        return text
    table = _CYRILLIC if script == "cyrillic" else _GREEK
    plain = slugify(text).replace("-", " ")
    converted = "".join(table.get(c, c) for c in plain)
    return " ".join(word[:1].upper() + word[1:] for word in converted.split())


# ---------------------------------------------------------------- Turtle terms

def literal(text: str, language: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"@{language}' if language else f'"{escaped}"'


def typed(value: object, datatype: str) -> str:
    return f'"{value}"^^xsd:{datatype}'


def iri(kind: str, slug: str) -> str:
    return f"{kind}:{slug}"


def full_iri(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local


# An entity: its subject (a CURIE) and (predicate, object, extra triples in the object) rows.
Row = tuple[str, str, int]


@dataclass
class Entity:
    subject: str
    rows: list[Row]

    def triples(self) -> int:
        return sum(1 + extra for _, _, extra in self.rows)

    def replace(self, predicate: str, objects: Iterable[str]) -> None:
        self.rows = [r for r in self.rows if r[0] != predicate] + [(predicate, o, 0) for o in objects]


@dataclass
class Membership:
    entity: Entity
    network: int
    place: int
    start: int | None
    end: int | None


# ---------------------------------------------------------------- the generator

_NETWORK_REGIONS = ("Baltic", "Danube", "Alpine", "Adriatic", "North Sea", "Atlantic", "Mediterranean",
                    "Carpathian", "Nordic", "Central European", "European", "Black Sea", "Rhine", "Hanseatic",
                    "Arctic", "Iberian", "Balkan", "Oder", "Elbe", "Vistula")
_NETWORK_THEMES = ("Resilient", "Green", "Historic", "Port", "University", "Peace", "Smart", "Cultural",
                   "Solar", "Healthy", "Cycling", "River", "Twin", "Fortress", "Spa", "Wine", "Salt",
                   "Youth", "Garden", "Memory")
_NETWORK_FORMS = ("Union of {r} {t} Cities", "{r} {t} Cities Network", "Association of {t} Cities of the {r} Region",
                  "{r} Alliance of {t} Cities", "League of {r} {t} Towns", "{t} Cities Forum {r}")
_NETWORK_FORMS_DE = ("Union der {t}-Städte ({r})", "Netzwerk der {t}-Städte ({r})", "Verband der {t}-Städte ({r})",
                     "Allianz der {t}-Städte ({r})", "Bund der {t}-Städte ({r})", "Forum der {t}-Städte ({r})")
_TOPIC_ADJECTIVES = ("urban", "coastal", "regional", "digital", "cross-border", "municipal", "sustainable",
                     "civil", "public", "green", "local", "rural")
_TOPIC_NOUNS = {"resilience": "Resilienz", "flood protection": "Hochwasserschutz", "energy security":
                "Energiesicherheit", "mobility": "Mobilität", "heritage": "Kulturerbe", "emergency response":
                "Notfallhilfe", "water management": "Wasserwirtschaft", "cyber security": "Cybersicherheit",
                "tourism": "Tourismus", "public health": "Gesundheit", "climate adaptation": "Klimaanpassung",
                "housing": "Wohnen", "youth participation": "Jugendbeteiligung", "waste management":
                "Abfallwirtschaft", "port logistics": "Hafenlogistik", "air quality": "Luftqualität",
                "crisis communication": "Krisenkommunikation", "disaster recovery": "Wiederaufbau"}
_PUBLISHERS = ("Municipal Gazette", "Regional Statistics Office", "City Network Observer", "Baltic News Wire",
               "European Towns Review", "Council Bulletin", "Local Government Journal", "Twin Towns Register",
               "Conference Proceedings Service", "Open Gazetteer", "Civic Archive", "Press Office Digest")
_PART_THEMES = ("Sustainable Cities", "Safe Cities", "Cultural Cities", "Youthful Cities", "Planning Cities",
                "Smart Cities", "Inclusive Cities", "Learning Cities", "Healthy Cities", "Energy")
_ROLES = {"co-founder": ("co-founder", "Mitgründer", "A member that founded the network together with others."),
          "initiator": ("initiator", "Initiator", "The member on whose initiative the network was founded."),
          "board-member": ("board member", "Vorstandsmitglied", "A member that sits on the network's board."),
          "observer": ("observer", "Beobachter", "A place that takes part without full membership rights.")}
_BODY_KINDS = (("{} Fire Department", "Feuerwehr {}"), ("{} Office for International Relations",
               "Amt für internationale Beziehungen {}"), ("{} Civil Protection Agency", "Katastrophenschutz {}"),
               ("{} Mayor's Office", "Büro des Bürgermeisters {}"))


class _Generator:
    def __init__(self, triples: int, seed: int, defects: dict[str, int]) -> None:
        self.target = triples
        self.rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
        self.defects = defects
        self.slugs: set[str] = set()
        self.sources: list[Entity] = []
        self.places: list[Entity] = []
        self.place_info: list[tuple[str, Country, str]] = []   # (curie, country, English name)
        self.place_langs: list[str] = []
        self.bodies: dict[int, list[str]] = {}                   # place → bodies acting for it
        self.entities: list[Entity] = []                         # everything but places and sources
        self.memberships: list[Membership] = []
        self.network_members: list[list[Membership]] = []
        self.networks: list[Entity] = []
        self.network_names: list[str] = []
        self.editions: list[tuple[Entity, int, int]] = []        # (edition, organiser network, host place or -1)
        self.topics: list[str] = []
        self.counts: dict[str, int] = {}
        self.examples: dict[str, dict[str, Any]] = {}
        self.defect_iris: dict[str, list[str]] = {}
        self.complete_networks: set[int] = set()
        self.wikidata: set[int] = set()
        self.geonames: set[int] = set()

    # ------------------------------------------------------------ helpers

    def unique_slug(self, kind: str, name: str) -> str:
        base = slugify(name)
        slug, n = base, 2
        while f"{kind}/{slug}" in self.slugs:
            slug, n = f"{base}-{n}", n + 1
        self.slugs.add(f"{kind}/{slug}")
        return slug

    def cite(self, k: int = 1) -> list[Row]:
        chosen = {self.rng.randrange(len(self.sources)) for _ in range(k)}
        return [("dct:source", self.sources[i].subject, 0) for i in sorted(chosen)]

    def count(self, kind: str, n: int = 1) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + n

    def unique_id(self, used: set[int], low: int, high: int) -> int:
        while True:
            value = self.rng.randint(low, high)
            if value not in used:
                used.add(value)
                return value

    # ------------------------------------------------------------ plan

    def build(self) -> None:
        t = self.target
        self.make_sources(max(12, t // 90))
        self.make_roles()
        self.make_topics(max(12, min(len(_TOPIC_ADJECTIVES) * len(_TOPIC_NOUNS), t // 2500 + 12)))
        self.make_places(max(40, int(t * 0.32 / 11)))
        self.make_bodies()
        self.make_networks(max(4, t // 5000), target_memberships=max(60, int(t * 0.56 / 12)))
        self.make_series(max(2, int(t * 0.15 / 15 / 14)))
        self.pick_examples()

    # ------------------------------------------------------------ sources

    def make_sources(self, n: int) -> None:
        for i in range(n):
            publisher = _PUBLISHERS[i % len(_PUBLISHERS)]
            year = self.rng.randint(2000, LAST_YEAR)
            issued = f"{year}-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}"
            title = f"{publisher}: report no. {i + 1} of {issued}"
            slug = self.unique_slug("source", f"{publisher} {i + 1}")
            language = self.rng.choice(("en", "en", "de", "fr", "pl", "sv"))
            rows: list[Row] = [("a", "cn:Source", 0), ("rdfs:label", literal(title, "en"), 0)]
            if self.rng.random() < 0.9:
                rows.append(("schema:url", f"<https://{slugify(publisher)}.example/reports/{i + 1}>", 0))
            rows += [("dct:language", literal(language), 0),
                     ("cn:publisherName", literal(publisher), 0),
                     ("dct:issued", typed(issued, "date"), 0),
                     ("cn:quote", literal(f"Report {i + 1} lists the members, meetings and partnerships "
                                          f"known to the {publisher} in {year}.", "en"), 0)]
            self.sources.append(Entity(iri("source", slug), rows))
        self.count("source", n)

    # ------------------------------------------------------------ roles and topics

    def make_roles(self) -> None:
        scheme = Entity("role:scheme", [
            ("a", "skos:ConceptScheme", 0),
            ("skos:prefLabel", literal("Roles of members in city networks", "en"), 0),
            ("skos:prefLabel", literal("Rollen von Mitgliedern in Städtenetzwerken", "de"), 0)])
        self.entities.append(scheme)
        for slug, (english, german, definition) in _ROLES.items():
            scheme.rows.append(("skos:hasTopConcept", iri("role", slug), 0))
            self.entities.append(Entity(iri("role", slug), [
                ("a", "org:Role", 0), ("a", "skos:Concept", 0),
                ("skos:prefLabel", literal(english, "en"), 0), ("skos:prefLabel", literal(german, "de"), 0),
                ("skos:definition", literal(definition, "en"), 0), ("skos:inScheme", "role:scheme", 0),
                ("skos:topConceptOf", "role:scheme", 0), *self.cite()]))
        self.count("role", len(_ROLES))

    def make_topics(self, n: int) -> None:
        scheme = Entity("topic:city-network-topics", [
            ("a", "skos:ConceptScheme", 0),
            ("skos:prefLabel", literal("Topics of city network conferences", "en"), 0),
            ("skos:prefLabel", literal("Themen der Konferenzen von Städtenetzwerken", "de"), 0),
            *self.cite()])
        self.entities.append(scheme)
        nouns = list(_TOPIC_NOUNS.items())
        combos = [(a, noun, german) for noun, german in nouns for a in _TOPIC_ADJECTIVES]
        self.rng.shuffle(combos)
        for adjective, noun, german in combos[:n]:
            english = f"{adjective} {noun}"
            slug = self.unique_slug("topic", english)
            curie = iri("topic", slug)
            rows: list[Row] = [("a", "skos:Concept", 0), ("skos:prefLabel", literal(english, "en"), 0)]
            if self.rng.random() < 0.5:
                rows.append(("skos:prefLabel", literal(f"{german} ({adjective})", "de"), 0))
            if self.rng.random() < 0.2:
                rows.append(("skos:altLabel", literal(noun, "en"), 0))
            rows += [("skos:inScheme", scheme.subject, 0), ("skos:topConceptOf", scheme.subject, 0), *self.cite()]
            scheme.rows.append(("skos:hasTopConcept", curie, 0))
            self.entities.append(Entity(curie, rows))
            self.topics.append(curie)
        self.count("topic", len(self.topics))

    # ------------------------------------------------------------ places

    def place_name(self, country: Country) -> str:
        rng = self.rng
        for attempt in range(40):
            name = rng.choice(country.roots) + rng.choice(_MIDDLES) + rng.choice(country.suffixes)
            name = name.replace(" ", "")
            if attempt > 20:
                name += rng.choice((" an der Lind", " Nord", " Süd", "-Ost", " Mare", " Nova", " Wielki"))
            if f"city/{slugify(name)}" not in self.slugs and f"region/{slugify(name)}" not in self.slugs:
                return name
        return f"{name} {rng.randint(2, 10**6)}"

    def make_places(self, n: int) -> None:
        rng = self.rng
        weights = [3 if c.code in ("DE", "PL", "FR", "IT", "ES", "SE") else 1 for c in COUNTRIES]
        for _ in range(n):
            country = rng.choices(COUNTRIES, weights)[0]
            region = rng.random() < 0.05
            root = self.place_name(country)
            local_root = _script(root, country.script)
            if region:
                english, local = country.region_en.format(root), country.region_local.format(local_root)
                kind = "region"
            else:
                english, local, kind = root, local_root, "city"
            slug = self.unique_slug(kind, english)
            curie = iri(kind, slug)
            rows: list[Row] = [("a", "cn:Region" if region else "cn:City", 0),
                               ("rdfs:label", literal(english, "en"), 0),
                               ("rdfs:label", literal(local, country.language), 0)]
            if rng.random() < 0.1 and country.language != "de":
                rows.append(("rdfs:label", literal(root + "er Land" if region else root, "de"), 0))
            if rng.random() < 0.15:
                rows.append(("skos:altLabel", literal(slugify(english).replace("-", " ").title(), "en"), 0))
            rows.append(("gn:countryCode", literal(country.code), 0))
            if rng.random() < 0.95:
                rows += [("wgs:lat", typed(_coordinate(rng.uniform(*country.lat)), "decimal"), 0),
                         ("wgs:long", typed(_coordinate(rng.uniform(*country.long)), "decimal"), 0)]
            if rng.random() < 0.93:
                qid = self.unique_id(self.wikidata, 1000, 99_999_999)
                rows.append(("cn:wikidataEntity", f"<http://www.wikidata.org/entity/Q{qid}>", 0))
            if rng.random() < 0.9:
                gid = self.unique_id(self.geonames, 100_000, 12_000_000)
                rows.append(("cn:geonamesFeature", f"<https://sws.geonames.org/{gid}/>", 0))
            rows += self.cite(rng.choice((1, 1, 2, 3)))
            self.places.append(Entity(curie, rows))
            self.place_info.append((curie, country, english))
        self.count("place", n)

    def make_bodies(self) -> None:
        rng = self.rng
        for index, (curie, _country, english) in enumerate(self.place_info):
            if curie.startswith("region:") or rng.random() > 0.08:
                continue
            name_en, name_de = rng.choice(_BODY_KINDS)
            slug = self.unique_slug("body", name_en.format(english))
            body = iri("body", slug)
            self.entities.append(Entity(body, [
                ("a", "cn:Body", 0), ("rdfs:label", literal(name_en.format(english), "en"), 0),
                ("rdfs:label", literal(name_de.format(english), "de"), 0), ("cn:actsFor", curie, 0),
                *self.cite()]))
            self.bodies.setdefault(index, []).append(body)
            self.count("body")

    # ------------------------------------------------------------ networks and memberships

    def network_name(self) -> tuple[str, str, str]:
        rng = self.rng
        for _ in range(200):
            form = rng.randrange(len(_NETWORK_FORMS))
            region, theme = rng.choice(_NETWORK_REGIONS), rng.choice(_NETWORK_THEMES)
            english = _NETWORK_FORMS[form].format(r=region, t=theme)
            if f"network/{slugify(english)}" not in self.slugs:
                break
        else:
            english = f"{english} {rng.randint(2, 10**6)}"
        german = _NETWORK_FORMS_DE[form].format(r=region, t=theme)
        initials = "".join(w[0] for w in re.split(r"[\s-]+", english) if w[:1].isupper())
        return english, german, initials

    def make_networks(self, n: int, target_memberships: int) -> None:
        rng = self.rng
        by_country: dict[str, list[int]] = {}
        for index, (_, country, _) in enumerate(self.place_info):
            by_country.setdefault(country.code, []).append(index)
        weights = [1 / (rank + 1) ** 0.9 for rank in range(n)]
        scale = target_memberships / sum(weights)
        abbreviations: set[str] = set()
        for k in range(n):
            english, german, initials = self.network_name()
            abbreviation, suffix = initials, 2
            while abbreviation in abbreviations or len(abbreviation) < 2:
                abbreviation, suffix = f"{initials}{suffix}", suffix + 1
            abbreviations.add(abbreviation)
            slug = self.unique_slug("network", abbreviation.lower())
            curie = iri("network", slug)
            founded = rng.choice((rng.randint(FIRST_YEAR, 1990), rng.randint(1990, 2015), rng.randint(1980, 2010)))
            homes = rng.sample(sorted(by_country), min(len(by_country), rng.randint(2, 8)))
            pool = [i for code in homes for i in by_country[code]]
            size = max(3, min(int(weights[k] * scale), len(self.places) // 2))
            members: list[int] = []
            chosen: set[int] = set()
            while len(members) < size:
                i = rng.choice(pool) if rng.random() < 0.8 and pool else rng.randrange(len(self.places))
                if i not in chosen:
                    chosen.add(i)
                    members.append(i)
            rows: list[Row] = [("a", "cn:CityNetwork", 0), ("rdfs:label", literal(english, "en"), 0),
                               ("rdfs:label", literal(german, "de"), 0), ("cn:abbreviation", literal(abbreviation), 0),
                               ("schema:description", literal(
                                   f"A network of {len(members)} or so cities and regions that work together "
                                   f"on {rng.choice(_TOPIC_ADJECTIVES)} {rng.choice(list(_TOPIC_NOUNS))}.", "en"), 0),
                               ("foaf:homepage", f"<https://www.{slug}.example/>", 0)]
            disputed = rng.random() < 0.15
            if not disputed:
                rows.append(("schema:foundingDate", typed(founded, "gYear"), 0))
            initiator = members[0]
            if rng.random() < 0.4:
                rows.append(("cn:initiatedBy", self.place_info[initiator][0], 0))
            location = None
            if rng.random() < 0.5:
                location = self.place_info[initiator][0]
                rows.append(("schema:foundingLocation", location, 0))
            if rng.random() < 0.6:
                rows.append(("cn:secretariat", self.place_info[rng.choice(members)][0], 0))
            if rng.random() < 0.1:
                rows.append(("cn:isOfficial", typed(str(rng.random() < 0.5).lower(), "boolean"), 0))
            network_index = len(self.networks)
            entity = Entity(curie, rows)
            self.networks.append(entity)
            self.network_names.append(english)
            self.network_members.append([])
            self.entities.append(entity)
            # memberships
            for position, place in enumerate(members):
                self.make_membership(network_index, slug, english, place, founded, position)
            listed = len(members)
            # A complete list is checked against the current members: those whose membership has not ended.
            current = sum(1 for m in self.network_members[network_index] if m.end is None)
            complete = rng.random() < 0.3
            if complete:
                self.complete_networks.add(network_index)
            rows.append(("cn:memberListComplete", typed(str(complete).lower(), "boolean"), 0))
            statements = [("exact", current)] if complete else []
            others: list[list[tuple[str, int]]] = [[("approximate", round(listed, -1) or 10)],
                                                    [("atLeast", max(1, listed - 3))], []]
            if not complete:  # an exact count that differs is allowed only for an incomplete list
                others.append([("exact", listed + rng.randint(1, 20))])
            statements += rng.choice(others)
            for number, (precision, value) in enumerate(statements, 1):
                statement = iri("statement", f"{slug}-members-{number}")
                rows.append(("cn:statedMemberCount", statement, 0))
                wording = {"exact": f"{value} members", "approximate": f"about {value} members",
                           "atLeast": f"at least {value} members"}[precision]
                srows: list[Row] = [("a", "cn:MemberCountStatement", 0),
                                    ("rdfs:label", literal(f"{abbreviation}: {wording}", "en"), 0),
                                    ("cn:count", str(value), 0), ("cn:precision", f"cn:{precision}", 0)]
                if rng.random() < 0.6:
                    year = rng.randint(max(founded, 2000), LAST_YEAR)
                    srows.append(("cn:statedOn", typed(year, "gYear") if rng.random() < 0.5
                                  else typed(f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "date"), 0))
                self.entities.append(Entity(statement, srows + self.cite()))
                self.count("member count statement")
            for theme in rng.sample(_PART_THEMES, rng.choice((0, 0, 1, 2, 3, 5))):
                part_class = rng.choice(("cn:Commission", "cn:Commission", "cn:WorkingGroup", "cn:Council"))
                kind_name = {"cn:Commission": "Commission", "cn:WorkingGroup": "Working Group",
                             "cn:Council": "Council"}[part_class]
                name = f"{abbreviation} {theme} {kind_name}"
                part = iri("part", self.unique_slug("part", name))
                rows.append(("org:hasSubOrganization", part, 0))
                prow: list[Row] = [("a", part_class, 0), ("rdfs:label", literal(name, "en"), 0),
                                   ("org:subOrganizationOf", curie, 0)]
                if rng.random() < 0.5:
                    prow.append(("schema:foundingDate", typed(rng.randint(founded, LAST_YEAR), "gYear"), 0))
                if rng.random() < 0.3:
                    prow.append(("cn:hostedBy", self.place_info[rng.choice(members)][0], 0))
                self.entities.append(Entity(part, prow + self.cite()))
                self.count("network part")
            if location and rng.random() < 0.4:
                event = iri("event", self.unique_slug("event", f"{slug}-founding-conference"))
                rows.append(("cn:foundingEvent", event, 0))
                day = f"{founded}-{rng.randint(3, 10):02d}-{rng.randint(1, 25):02d}"
                end = f"{day[:8]}{int(day[8:]) + rng.randint(0, 2):02d}"
                self.entities.append(Entity(event, [
                    ("a", "cn:FoundingEvent", 0),
                    ("rdfs:label", literal(f"Founding conference of the {english}, "
                                           f"{self.place_info[initiator][2]} {founded}", "en"), 0),
                    ("cn:year", typed(founded, "gYear"), 0), ("schema:startDate", typed(day, "date"), 0),
                    ("schema:endDate", typed(end, "date"), 0), ("cn:hostedBy", location, 0),
                    ("cn:participatingPlaceCount", str(rng.randint(3, 40)), 0), *self.cite()]))
                self.count("founding event")
            if disputed:
                years = sorted(rng.sample(range(max(FIRST_YEAR, founded - 4), founded + 4), 2))
                claims = [iri("claim", f"{slug}-founded-{y}") for y in years]
                for claim, year, other in zip(claims, years, reversed(claims), strict=True):
                    self.entities.append(Entity(claim, [
                        ("a", "cn:Claim", 0), ("rdfs:label", literal(f"{abbreviation} was founded in {year}", "en"), 0),
                        ("rdf:subject", curie, 0), ("rdf:predicate", "schema:foundingDate", 0),
                        ("rdf:object", typed(year, "gYear"), 0),
                        ("cn:quote", literal(f"The {english} was founded in {year}.", "en"), 0),
                        ("cn:conflictsWith", other, 0), *self.cite()]))
                self.count("claim", 2)
            rows += self.cite(rng.randint(1, 3))
        self.count("network", n)

    def make_membership(self, network: int, network_slug: str, network_name: str, place: int,
                        founded: int, position: int) -> None:
        rng = self.rng
        curie, _country, english = self.place_info[place]
        cofounder = position < 12 and rng.random() < 0.5
        start: int | None = founded if cofounder else rng.randint(founded, LAST_YEAR)
        if not cofounder and rng.random() < 0.25:
            start = None
        end = None
        if start is not None and rng.random() < 0.15 and start < LAST_YEAR:
            end = rng.randint(start + 1, min(LAST_YEAR, start + 20))
        slug = self.unique_slug("membership", f"{network_slug}-{curie.split(':')[1]}")
        rows: list[Row] = [("a", "org:Membership", 0),
                           ("rdfs:label", literal(f"{english} in the {network_name}", "en"), 0),
                           ("org:member", curie, 0), ("org:organization", self.networks[network].subject, 0)]
        entity = Entity(iri("membership", slug), rows)
        membership = Membership(entity, network, place, start, end)
        if start is not None:
            rows.append(self.interval(start, end, as_date=rng.random() < 0.1))
        if position == 0:
            rows.append(("org:role", "role:initiator", 0))
        elif cofounder and rng.random() < 0.3:
            rows.append(("org:role", "role:co-founder", 0))
        elif rng.random() < 0.03:
            rows.append(("org:role", rng.choice(("role:board-member", "role:observer")), 0))
        if place in self.bodies and rng.random() < 0.7:
            rows.append(("cn:representedBy", self.bodies[place][0], 0))
        rows += self.cite(rng.choice((1, 1, 2)))
        self.memberships.append(membership)
        self.network_members[network].append(membership)
        self.count("membership")

    def interval(self, start: int, end: int | None, *, as_date: bool = False) -> Row:
        def instant(year: int) -> str:
            if as_date:
                value = f"time:inXSDDate {typed(f'{year}-{self.rng.randint(1, 12):02d}-01', 'date')}"
            else:
                value = f"time:inXSDgYear {typed(year, 'gYear')}"
            return f"[ a time:Instant ; {value} ]"
        text = f"[ a time:Interval ; time:hasBeginning {instant(start)}"
        extra = 4
        if end is not None:
            text += f" ; time:hasEnd {instant(end)}"
            extra += 3
        return ("org:memberDuring", text + " ]", extra)

    # ------------------------------------------------------------ conferences

    def make_series(self, n: int) -> None:
        rng = self.rng
        sizes = [len(m) for m in self.network_members]
        for _ in range(n):
            network = rng.choices(range(len(self.networks)), sizes)[0]
            adjective, noun = rng.choice(_TOPIC_ADJECTIVES), rng.choice(list(_TOPIC_NOUNS))
            english = f"{self.network_names[network]} Conference on {adjective.capitalize()} {noun.title()}"
            slug = self.unique_slug("event", english)
            series = iri("event", slug)
            rows: list[Row] = [("a", "cn:ConferenceSeries", 0), ("rdfs:label", literal(english, "en"), 0),
                               ("rdfs:label", literal(f"Konferenz: {_TOPIC_NOUNS[noun]}", "de"), 0),
                               ("schema:organizer", self.networks[network].subject, 0)]
            if rng.random() < 0.3:
                rows.append(("schema:alternateName", literal(f"{adjective.capitalize()} {noun} conference", "en"), 0))
            for topic in rng.sample(self.topics, min(len(self.topics), rng.randint(1, 4))):
                rows.append(("cn:priorityTopic", topic, 0))
            if rng.random() < 0.5:
                schedule = f"{series}-schedule"
                rows.append(("schema:eventSchedule", schedule, 0))
                self.entities.append(Entity(schedule, [
                    ("a", "schema:Schedule", 0), ("rdfs:label", literal("Yearly, at different places", "en"), 0),
                    ("schema:repeatFrequency", typed("P1Y", "duration"), 0), *self.cite()]))
            self.entities.append(Entity(series, rows + self.cite(rng.randint(1, 2))))
            self.count("conference series")
            first = rng.randint(1995, LAST_YEAR - 3)
            number = 0
            for year in range(first, min(LAST_YEAR, first + rng.randint(6, 26)) + 1):
                number += 1
                if rng.random() < 0.12:
                    continue  # an edition no source mentions
                self.make_edition(series, english, network, year, number)

    def make_edition(self, series: str, series_name: str, network: int, year: int, number: int) -> None:
        rng = self.rng
        members = self.network_members[network]
        host = -1
        for _ in range(30):
            m = rng.choice(members)
            if (m.start is None or m.start <= year) and (m.end is None or m.end >= year):
                host = m.place
                break
        edition = iri("event", f"{series.split(':')[1]}-{year}")
        where = f", {self.place_info[host][2]}" if host >= 0 else ""
        rows: list[Row] = [("a", "cn:ConferenceEdition", 0),
                           ("rdfs:label", literal(f"{_ordinal(number)} {series_name}{where} {year}", "en"), 0),
                           ("schema:superEvent", series, 0), ("cn:year", typed(year, "gYear"), 0)]
        if rng.random() < 0.8:
            rows.append(("cn:editionNumber", str(number), 0))
        if rng.random() < 0.7:
            start = f"{year}-{rng.randint(3, 11):02d}-{rng.randint(1, 25):02d}"
            rows.append(("schema:startDate", typed(start, "date"), 0))
            if rng.random() < 0.8:
                end = f"{start[:8]}{int(start[8:]) + rng.randint(0, 3):02d}"
                rows.append(("schema:endDate", typed(end, "date"), 0))
        if host >= 0:
            rows.append(("cn:hostedBy", self.place_info[host][0], 0))
        for topic in rng.sample(self.topics, rng.randint(1, 3)):
            rows.append(("cn:topic", topic, 0))
        attendees = sorted({rng.choice(members).place for _ in range(rng.choice((0, 0, 2, 5, 8)))})
        for place in attendees:
            rows.append(("schema:attendee", self.place_info[place][0], 0))
        if rng.random() < 0.6:
            rows.append(("cn:participatingPlaceCount", str(len(attendees) + rng.randint(0, 12)), 0))
        if rng.random() < 0.2:
            rows.append(("cn:participatingCountryCount", str(rng.randint(1, 15)), 0))
        entity = Entity(edition, rows + self.cite(rng.randint(1, 2)))
        self.entities.append(entity)
        self.editions.append((entity, network, host))
        self.count("conference edition")

    # ------------------------------------------------------------ defects

    def inject_defects(self) -> None:
        rng = self.rng
        used: set[str] = set()
        hosting = {(self.place_info[host][0], network) for _, network, host in self.editions if host >= 0}

        def pick(candidates: list[Entity], kind: str, n: int, fits: Callable[[Entity], bool]) -> list[Entity]:
            order = list(range(len(candidates)))
            rng.shuffle(order)
            chosen: list[Entity] = []
            for i in order:
                if len(chosen) == n:
                    break
                entity = candidates[i]
                if entity.subject not in used and fits(entity):
                    used.add(entity.subject)
                    chosen.append(entity)
            if len(chosen) < n:
                raise InputError(f"the graph is too small for {n} defects of kind {kind!r} "
                                 f"(found room for {len(chosen)})", hint="ask for more triples or fewer defects")
            self.defect_iris[kind] = [full_iri(e.subject) for e in chosen]
            return chosen

        by_entity = {id(m.entity): m for m in self.memberships}
        for kind, n in self.defects.items():
            if n <= 0:
                continue
            if kind == "membership-ends-before-start":
                def ends_fit(e: Entity) -> bool:
                    m = by_entity[id(e)]
                    return (m.start is not None and m.end is None and m.start > FIRST_YEAR
                            and m.network not in self.complete_networks
                            and (self.place_info[m.place][0], m.network) not in hosting)
                for entity in pick([m.entity for m in self.memberships], kind, n, ends_fit):
                    m = by_entity[id(entity)]
                    assert m.start is not None  # ends_fit chose memberships with a start
                    m.end = m.start - rng.randint(1, 5)
                    entity.rows = [r for r in entity.rows if r[0] != "org:memberDuring"]
                    entity.rows.append(self.interval(m.start, m.end))
            elif kind == "host-not-member":
                editions = {id(e): (network, host) for e, network, host in self.editions}
                for entity in pick([e for e, _, host in self.editions if host >= 0], kind, n, lambda e: True):
                    network, _ = editions[id(entity)]
                    members = {m.place for m in self.network_members[network]}
                    outsiders = [i for i in range(len(self.places)) if i not in members]
                    entity.replace("cn:hostedBy", [self.place_info[rng.choice(outsiders)][0]])
            elif kind == "missing-english-label":
                for entity in pick(self.places, kind, n, lambda e: True):
                    entity.rows = [r for r in entity.rows if not (r[0] == "rdfs:label" and r[1].endswith("@en"))]
            elif kind == "undefined-reference":
                for entity in pick(self.places, kind, n, lambda e: True):
                    entity.rows.append(("rdfs:seeAlso", f"{entity.subject}-old-name", 0))
            elif kind == "ill-typed-date":
                for entity in pick(self.sources, kind, n, lambda e: True):
                    year = next(r[1][1:5] for r in entity.rows if r[0] == "dct:issued")
                    entity.replace("dct:issued", [typed(f"{year}-02-30", "date")])
            elif kind == "bad-country-code":
                for entity in pick(self.places, kind, n, lambda e: True):
                    code = next(r[1] for r in entity.rows if r[0] == "gn:countryCode").strip('"')
                    entity.replace("gn:countryCode", [literal(rng.choice((code.lower(), code + "X")))])
            elif kind == "missing-source":
                for entity in pick([m.entity for m in self.memberships], kind, n, lambda e: True):
                    entity.rows = [r for r in entity.rows if r[0] != "dct:source"]
            else:  # pragma: no cover - parse_defects and generate check the kinds
                raise InputError(f"unknown defect kind {kind!r}")

    # ------------------------------------------------------------ examples

    def pick_examples(self) -> None:
        """Parameters for every stored query that find something in this graph."""
        per_place: dict[int, int] = {}
        for m in self.memberships:
            per_place[m.place] = per_place.get(m.place, 0) + 1
        busiest = max(sorted(per_place), key=lambda p: per_place[p])
        place = full_iri(self.place_info[busiest][0])
        sizes = [len(m) for m in self.network_members]
        largest = max(range(len(sizes)), key=lambda i: sizes[i])
        median = sorted(range(len(sizes)), key=lambda i: sizes[i])[len(sizes) // 2]
        series_count: dict[str, int] = {}
        for edition, _, _ in self.editions:
            superevent = next(r[1] for r in edition.rows if r[0] == "schema:superEvent")
            series_count[superevent] = series_count.get(superevent, 0) + 1
        series = full_iri(max(sorted(series_count), key=lambda s: series_count[s]))
        disputed = [e.subject for e in self.entities if e.subject.startswith("claim:")]
        claim_subject = next((r[1] for e in self.entities if e.subject in disputed[:1]
                              for r in e.rows if r[0] == "rdf:subject"), self.networks[median].subject)
        twinned = self.place_info[0][0]
        text = slugify(self.place_info[busiest][2])[:4]
        network = full_iri(self.networks[median].subject)
        self.examples = {
            "networks-of-place": {"place": place},
            "members-of-network": {"network": network},
            "shared-networks": {"place": place, "min_shared": 2},
            "network-profile": {"network": network},
            "conference-editions": {"series": series},
            "series-topics": {"series": series},
            "twin-cities": {"place": full_iri(twinned)},
            "memberships-in-year": {"year": 2018},
            "search": {"text": text},
            "sources-of-entity": {"entity": full_iri(claim_subject)},
            "entity-neighbourhood": {"entity": place},
            "network-subgraph": {"network": network},
            "largest-network": {"network": full_iri(self.networks[largest].subject)},
        }

    # ------------------------------------------------------------ writing

    def write(self, stream: TextIO, progress: Progress) -> int:
        written = 0
        stream.write("# A generated citynet graph: invented places, networks and events for benchmarks\n"
                     "# and tests (citynet.scale.generate). Nothing here describes the real world.\n")
        for prefix, namespace in PREFIXES.items():
            stream.write(f"@prefix {prefix}: <{namespace}> .\n")
        for group in (self.sources, self.places, self.entities, [m.entity for m in self.memberships]):
            for entity in group:
                stream.write(_render(entity))
                written += entity.triples()
                progress.update(written)
        # Twin-city ties fill the graph up to the number of triples asked for.
        places = [curie for curie, _, _ in self.place_info]
        pairs: set[tuple[int, int]] = set()
        budget = self.target - written
        stream.write("\n")
        attempts = 0
        while len(pairs) < budget and attempts < budget * 4 + 100:
            attempts += 1
            a, b = sorted(self.rng.sample(range(len(places)), 2))
            if (a, b) in pairs:
                continue
            pairs.add((a, b))
            stream.write(f"{places[a]} cn:twinCity {places[b]} .\n")
            if len(pairs) % 1000 == 0:
                progress.update(written + len(pairs))
        if not pairs:  # a small graph still gets one twinning, for the twin-cities query
            stream.write(f"{places[0]} cn:twinCity {places[1]} .\n")
            pairs.add((0, 1))
        self.count("twin-city tie", len(pairs))
        first = min(pairs)
        self.examples["twin-cities"] = {"place": full_iri(places[first[0]])}
        written += len(pairs)
        progress.update(written)
        return written


def _coordinate(value: float) -> str:
    """Five decimals, the last one not 0: the canonical xsd:decimal form, which Oxigraph
    and rdflib write alike."""
    text = f"{value:.5f}"
    return text[:-1] + "1" if text.endswith("0") else text


def _render(entity: Entity) -> str:
    rows = [f"{p} {o}" for p, o, _ in entity.rows]
    return f"\n{entity.subject} " + " ;\n    ".join(rows) + " .\n"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def generate(triples: int, seed: int, out: Path, defects: dict[str, int] | None = None, *,
             progress: bool | None = None) -> GenerationReport:
    """Write a generated graph of about ``triples`` triples to ``out`` (Turtle).

    The same ``triples`` and ``seed`` give the same file. ``defects`` maps kinds of
    ``DEFECT_KINDS`` to how many of each to inject. Progress is shown on standard
    error when it is a terminal (``progress=None``), always (True) or never (False).
    The file is written atomically: a failure leaves no half-written file.
    """
    if not isinstance(triples, int) or triples < 1:
        raise InputError(f"the number of triples must be a positive whole number, got {triples!r}")
    defects = dict(defects or {})
    unknown = sorted(set(defects) - set(DEFECT_KINDS))
    if unknown:
        raise InputError(f"unknown defect kind {', '.join(map(repr, unknown))}",
                         hint=f"kinds: {', '.join(DEFECT_KINDS)}")
    generator = _Generator(triples, seed, defects)
    generator.build()
    generator.inject_defects()
    out = Path(out)
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise InputError("folder does not exist", path=folder)
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream, \
                Progress(triples, f"generating {out.name}", unit="triples",
                         enabled=progress) as bar:
            written = generator.write(stream, bar)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return GenerationReport(path=out, seed=seed, triples=written, entities=dict(generator.counts),
                            defects=generator.defect_iris, examples=generator.examples)
