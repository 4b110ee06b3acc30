"""Collecting what the site publishes: every entity with a page, its kind and its names.

An entity gets a page when it is the subject of a statement and its IRI has a page
path (see :mod:`citynet.publish.site.paths`): the data entities under ``…/id/{kind}/{slug}``,
and the terms the citynet ontology defines (``…/def#Term``).
"""

from __future__ import annotations

import unicodedata
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from rdflib import OWL, RDF, RDFS, SKOS, BNode, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, SDO, TIME
from rdflib.term import Node

from citynet.graph.knowledge_graph import KnowledgeGraph
from citynet.graph.prefixes import compact
from citynet.graph.store_view import StoreView
from citynet.namespace import CN
from citynet.publish.site.i18n import N_, current, gettext
from citynet.publish.site.paths import ONTOLOGY, TERM_BASE, kind_of, page_path

__all__ = ["CN", "DCT", "FOAF", "GN", "ORG", "SCHEMA", "TIME", "WGS", "Entity", "SiteModel"]

# rdflib's closed namespaces (and citynet's): a mistyped term is an error, and no term is
# mistaken for a method of str (a plain Namespace gives str.count for NS.count).
DCT, SCHEMA = DCTERMS, SDO
GN = Namespace("http://www.geonames.org/ontology#")
WGS = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")

LABEL_PROPERTIES = (RDFS.label, SKOS.prefLabel, SCHEMA.name)

# Kinds of data entity (the {kind} of …/id/{kind}/{slug}): singular and plural, for people.
KIND_NAMES: dict[str, tuple[str, str]] = {
    "network": (N_("city network"), N_("City networks")),
    "city": (N_("city"), N_("Cities")),
    "region": (N_("region"), N_("Regions")),
    "membership": (N_("membership"), N_("Memberships")),
    "event": (N_("event"), N_("Conferences and events")),
    "topic": (N_("topic"), N_("Topics")),
    "source": (N_("source"), N_("Sources")),
    "body": (N_("public body"), N_("Public bodies")),
    "part": (N_("network part"), N_("Network parts")),
    "claim": (N_("claim"), N_("Disputed claims")),
    "statement": (N_("member count statement"), N_("Member count statements")),
    "role": (N_("role"), N_("Roles")),
    "logo": (N_("logo"), N_("Logos")),
    "media": (N_("media"), N_("Media")),
}
# The order of kinds in the navigation and on the home page.
KIND_ORDER = tuple(KIND_NAMES)
# Kinds of page that are no data: named on their pages, never listed with the data kinds.
_PAGE_KIND_NAMES = {"term": (N_("ontology term"), N_("Ontology terms"))}


def kind_name(kind: str, plural: bool = False) -> str:
    """The kind's name in the language of the page being made."""
    singular, many = KIND_NAMES.get(kind) or _PAGE_KIND_NAMES.get(kind) or (kind, kind.capitalize() + "s")
    return gettext(many if plural else singular)


@dataclass
class Entity:
    """One published entity: its IRI, page path, kind and English name."""

    iri: URIRef
    path: str
    kind: str  # a data kind ("city", "network", …), "term" or "ontology"
    label: str
    classes: frozenset[URIRef] = field(default_factory=frozenset)

    @property
    def slug(self) -> str:
        return self.path.rsplit("/", 1)[-1]


def sort_key(text: str) -> str:
    """Sort "Łódź" with L and "Ö" with O, ignoring case."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class SiteModel:
    """The graph as the site sees it: entities with pages, names and the links between them."""

    def __init__(self, graph: KnowledgeGraph) -> None:
        self.graph = graph
        # The store answers every lookup: no rdflib copy of the whole graph (see StoreView).
        self.rdf = StoreView(graph.store)
        self._entities: dict[URIRef, Entity] = {}
        self._remembered: dict[str, Any] = {}

    @cached_property
    def _pages(self) -> dict[URIRef, str]:
        """Every IRI with a page, and its kind: one pass over the store, the first time a page
        needs to know what else has one (labels are looked up when a page shows them)."""
        pages: dict[URIRef, str] = {}
        for subject in sorted(self.rdf.iri_subjects()):
            path = page_path(str(subject))
            if path is None or path.endswith("index") or path == "def":
                continue
            if str(subject).startswith(TERM_BASE):
                if (subject, RDFS.isDefinedBy, URIRef(ONTOLOGY)) not in self.rdf:
                    continue
                pages[subject] = "term"
            else:
                pages[subject] = kind_of(str(subject)) or "other"
        return pages

    # ------------------------------------------------------------ per graph, once

    def remember(self, key: str, make: Callable[[], Any]) -> Any:
        """``make()``, computed once for this graph (which does not change once loaded)."""
        if key not in self._remembered:
            self._remembered[key] = make()
        return self._remembered[key]

    @classmethod
    def of(cls, graph: KnowledgeGraph) -> SiteModel:
        """The model of ``graph``, built once per graph object (a server calls this per request)."""
        model = _models.get(graph)
        if model is None:
            model = cls(graph)
            _models[graph] = model
        return model

    # ------------------------------------------------------------ lookups

    def entity(self, node: Node | str) -> Entity | None:
        """The entity with a page at ``node``, or None."""
        if isinstance(node, BNode | Literal):
            return None
        iri = URIRef(str(node))
        found = self._entities.get(iri)
        if found is None and iri in self._pages:
            classes = frozenset(c for c in self.rdf.objects(iri, RDF.type) if isinstance(c, URIRef))
            found = self._entities[iri] = Entity(iri, page_path(str(iri)) or "", self._pages[iri], self.label(iri),
                                                 classes)
        return found

    def of_kind(self, kind: str) -> list[Entity]:
        entities = (self.entity(iri) for iri, its_kind in self._pages.items() if its_kind == kind)
        return sorted((e for e in entities if e is not None), key=lambda e: sort_key(e.label))

    @cached_property
    def ontology_iris(self) -> frozenset[str]:
        """The ontology's IRI and its version IRIs: all described by the ontology's page."""
        return frozenset({ONTOLOGY, *(str(v) for v in self.rdf.objects(URIRef(ONTOLOGY), OWL.versionIRI))})

    @cached_property
    def kinds(self) -> list[str]:
        present = {kind for kind in self._pages.values() if kind not in ("term", "other")}
        return [k for k in KIND_ORDER if k in present] + sorted(present - set(KIND_ORDER))

    def is_a(self, node: Node | None, cls: URIRef) -> bool:
        return node is not None and (node, RDF.type, cls) in self.rdf

    def values(self, node: Node | None, prop: URIRef) -> list[Node]:
        """Objects of ``node prop``, in a stable order (IRIs by label, literals by text)."""
        return [] if node is None else sorted(self.rdf.objects(node, prop), key=self._order)

    def value(self, node: Node | None, prop: URIRef) -> Node | None:
        found = self.values(node, prop)
        return found[0] if found else None

    def inbound(self, node: Node, prop: URIRef) -> list[URIRef]:
        """Subjects that point to ``node`` with ``prop``, by label."""
        return sorted((s for s in self.rdf.subjects(prop, node) if isinstance(s, URIRef)), key=self._order)

    def _order(self, node: Node) -> tuple[int, str]:
        if isinstance(node, Literal):
            return (1, sort_key(str(node)))
        if isinstance(node, BNode):
            return (2, str(node))
        return (0, sort_key(self.label(node)))

    # ------------------------------------------------------------ names

    def label(self, node: Node | None, lang: str = "en") -> str:
        """The name of ``node`` in ``lang`` (else English, else any), or its compact IRI."""
        if node is None:
            return ""
        for wanted in (lang, "en", None):
            for prop in LABEL_PROPERTIES:
                for literal in self.rdf.objects(node, prop):
                    if isinstance(literal, Literal) and (wanted is None or literal.language == wanted):
                        return str(literal)
        return compact(str(node))

    def label_in(self, node: Node, lang: str) -> tuple[str, str | None]:
        """The name of ``node`` in ``lang``, and None; else the English name (or any) and its
        language, so that a page can mark a name that is not in its own language."""
        for wanted in (lang, None, "en"):
            for prop in LABEL_PROPERTIES:
                for literal in self.rdf.objects(node, prop):
                    if isinstance(literal, Literal) and literal.language == wanted:
                        return str(literal), None if wanted in (lang, None) else wanted
        text = self.label(node, lang)
        return text, None

    def names(self, node: Node) -> list[Literal]:
        """Every label of ``node`` (rdfs:label, skos:prefLabel), English first."""
        found = {lit for prop in (RDFS.label, SKOS.prefLabel) for lit in self.rdf.objects(node, prop)
                 if isinstance(lit, Literal)}
        return sorted(found, key=lambda lit: (lit.language != "en", lit.language or "", str(lit)))

    def other_names(self, node: Node) -> list[Literal]:
        """Names besides the one shown as the title: other languages, alternative labels."""
        title = self.label(node)
        found: dict[tuple[str, str | None], Literal] = {}
        for prop in (RDFS.label, SKOS.prefLabel, SKOS.altLabel, SCHEMA.alternateName, CN.abbreviation):
            for lit in self.rdf.objects(node, prop):
                if isinstance(lit, Literal) and str(lit) != title:
                    found.setdefault((str(lit), lit.language), lit)
        return sorted(found.values(), key=lambda lit: (lit.language or "", sort_key(str(lit))))

    def text(self, node: Node, prop: URIRef, lang: str = "en") -> str | None:
        """One language-tagged text of ``node prop`` in ``lang``, else untagged."""
        fallback = None
        for literal in self.rdf.objects(node, prop):
            if isinstance(literal, Literal):
                if literal.language == lang:
                    return str(literal)
                if literal.language is None:
                    fallback = str(literal)
        return fallback

    def property_label(self, prop: Node) -> str:
        """A property's label from the ontology in the page's language (else English), else
        citynet's word for it, translated."""
        if str(prop).startswith(TERM_BASE):
            lang = current()
            return (self.text(prop, RDFS.label, lang) if lang != "en" else None) or self.label(prop)
        words = PROPERTY_WORDS.get(prop) if isinstance(prop, URIRef) else None
        return gettext(words) if words else compact(str(prop))

    # ------------------------------------------------------------ structure

    @cached_property
    def superclasses(self) -> dict[URIRef, set[URIRef]]:
        """Every class with all its superclasses (rdfs:subClassOf, transitively), itself included."""
        direct: dict[URIRef, set[URIRef]] = defaultdict(set)
        for sub, sup in self.rdf.subject_objects(RDFS.subClassOf):
            if isinstance(sub, URIRef) and isinstance(sup, URIRef):
                direct[sub].add(sup)
        closure: dict[URIRef, set[URIRef]] = {}

        def up(cls: URIRef, seen: frozenset[URIRef] = frozenset()) -> set[URIRef]:
            if cls in closure:
                return closure[cls]
            result = {cls}
            for parent in direct.get(cls, ()):
                if parent not in seen:
                    result |= up(parent, seen | {cls})
            closure[cls] = result
            return result

        for cls in list(direct):
            up(cls)
        return closure

    def all_classes(self, node: Node) -> set[URIRef]:
        """The classes of ``node`` with their superclasses."""
        result: set[URIRef] = set()
        for cls in self.rdf.objects(node, RDF.type):
            if isinstance(cls, URIRef):
                result |= self.superclasses.get(cls, {cls})
        return result

    def superproperties(self, prop: URIRef) -> list[URIRef]:
        """``prop`` and its superproperties, nearest first."""
        result, queue = [prop], [prop]
        while queue:
            for parent in self.rdf.objects(queue.pop(0), RDFS.subPropertyOf):
                if isinstance(parent, URIRef) and parent not in result:
                    result.append(parent)
                    queue.append(parent)
        return result

    def memberships_of(self, place: Node) -> list[URIRef]:
        return self.inbound(place, ORG.member)

    def memberships_in(self, network: Node) -> list[URIRef]:
        return sorted(self.inbound(network, ORG.organization),
                      key=lambda m: sort_key(self.label(self.value(m, ORG.member))))

    def membership_start(self, membership: Node) -> Literal | None:
        return self._interval_end(membership, TIME.hasBeginning)

    def membership_end(self, membership: Node) -> Literal | None:
        return self._interval_end(membership, TIME.hasEnd)

    def _interval_end(self, membership: Node, which: URIRef) -> Literal | None:
        for interval in self.rdf.objects(membership, ORG.memberDuring):
            for instant in self.rdf.objects(interval, which):
                for prop in (TIME.inXSDgYear, TIME.inXSDDate, TIME.inXSDDateTimeStamp):
                    value = self.value(instant, prop)
                    if isinstance(value, Literal):
                        return value
        return None

    def sources_of(self, node: Node) -> list[URIRef]:
        return [s for s in self.values(node, DCT.source) if isinstance(s, URIRef)]

    def coordinates(self, node: Node) -> tuple[float, float] | None:
        """(longitude, latitude) in WGS84 degrees, when both are given."""
        lat, lon = self.value(node, WGS.lat), self.value(node, WGS.long)
        try:
            return (float(str(lon)), float(str(lat))) if lat is not None and lon is not None else None
        except ValueError:
            return None

    def terms(self) -> list[Entity]:
        """Ontology terms: classes, then properties, then individuals, each by name."""
        order = {"class": 0, "property": 1, "individual": 2}
        return sorted(self.of_kind("term"), key=lambda e: (order[term_group(e)], sort_key(e.slug)))

    def iter_pages(self) -> Iterator[Entity]:
        entities = (self.entity(iri) for iri in self._pages)
        yield from sorted((e for e in entities if e is not None), key=lambda e: e.path)


def term_group(entity: Entity) -> str:
    if OWL.Class in entity.classes or RDFS.Class in entity.classes:
        return "class"
    if entity.classes & {OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property, OWL.AnnotationProperty}:
        return "property"
    return "individual"


_models: weakref.WeakKeyDictionary[KnowledgeGraph, SiteModel] = weakref.WeakKeyDictionary()


# Words for properties outside the citynet ontology (which labels its own terms).
PROPERTY_WORDS: dict[URIRef, str] = {
    RDF.type: N_("type"),
    RDFS.label: N_("name"),
    RDFS.comment: N_("comment"),
    RDFS.seeAlso: N_("see also"),
    RDFS.subClassOf: N_("subclass of"),
    RDFS.subPropertyOf: N_("subproperty of"),
    RDFS.domain: N_("domain"),
    RDFS.range: N_("range"),
    RDFS.isDefinedBy: N_("defined by"),
    RDF.subject: N_("about"),
    RDF.predicate: N_("property"),
    RDF.object: N_("value"),
    OWL.disjointWith: N_("disjoint with"),
    OWL.versionIRI: N_("version IRI"),
    OWL.versionInfo: N_("version"),
    SKOS.prefLabel: N_("name"),
    SKOS.altLabel: N_("also called"),
    SKOS.definition: N_("definition"),
    SKOS.note: N_("note"),
    SKOS.inScheme: N_("in scheme"),
    SKOS.topConceptOf: N_("top concept of"),
    SKOS.hasTopConcept: N_("top concepts"),
    SCHEMA.name: N_("title"),
    SCHEMA.alternateName: N_("also called"),
    SCHEMA.description: N_("description"),
    SCHEMA.foundingDate: N_("founded"),
    SCHEMA.foundingLocation: N_("founded in"),
    SCHEMA.logo: N_("logo"),
    SCHEMA.caption: N_("caption"),
    SCHEMA.url: N_("web address"),
    SCHEMA.superEvent: N_("part of the series"),
    SCHEMA.startDate: N_("start date"),
    SCHEMA.endDate: N_("end date"),
    SCHEMA.attendee: N_("attendee"),
    SCHEMA.organizer: N_("organiser"),
    SCHEMA.eventSchedule: N_("schedule"),
    SCHEMA.repeatFrequency: N_("repeats every"),
    FOAF.homepage: N_("homepage"),
    ORG.member: N_("member"),
    ORG.organization: N_("network"),
    ORG.memberDuring: N_("member during"),
    ORG.role: N_("role"),
    ORG.hasSubOrganization: N_("parts"),
    ORG.subOrganizationOf: N_("part of"),
    GN.countryCode: N_("country code"),
    WGS.lat: N_("latitude"),
    WGS.long: N_("longitude"),
    DCT.source: N_("sources"),
    DCT.language: N_("language"),
    DCT.issued: N_("published"),
    DCT.title: N_("title"),
    DCT.description: N_("description"),
    DCT.creator: N_("creator"),
    DCT.license: N_("licence"),
    DCT.created: N_("created"),
    DCT.modified: N_("modified"),
    TIME.hasBeginning: N_("from"),
    TIME.hasEnd: N_("until"),
    TIME.inXSDgYear: N_("year"),
    TIME.inXSDDate: N_("date"),
}

# How to say "X points here with P" on the page of the thing pointed at.
INVERSE_WORDS: dict[URIRef, str] = {
    ORG.member: N_("Memberships"),
    ORG.organization: N_("Memberships"),
    ORG.role: N_("Memberships in this role"),
    ORG.subOrganizationOf: N_("Parts"),
    ORG.hasSubOrganization: N_("Part of"),
    CN.hostedBy: N_("Hosted"),
    SCHEMA.attendee: N_("Attended"),
    CN.topic: N_("Conferences on this topic"),
    CN.priorityTopic: N_("A priority topic of"),
    SCHEMA.superEvent: N_("Editions"),
    CN.representedBy: N_("Represents members in"),
    CN.actsFor: N_("Bodies acting for it"),
    CN.initiatedBy: N_("Initiated"),
    DCT.source: N_("Cited by"),
    RDF.subject: N_("Claims about it"),
    RDF.predicate: N_("Claims about this property"),
    SCHEMA.organizer: N_("Organises"),
    CN.secretariat: N_("Secretariat of"),
    SCHEMA.foundingLocation: N_("Founding place of"),
    CN.foundingEvent: N_("Founding event of"),
    CN.twinCity: N_("Twin city of"),
    CN.conflictsWith: N_("Conflicting claims"),
    CN.statedMemberCount: N_("Stated for"),
    CN.precision: N_("Used by"),
    SCHEMA.logo: N_("Logo of"),
    CN.relatedMedia: N_("Media of"),
    SCHEMA.eventSchedule: N_("Schedule of"),
    SKOS.inScheme: N_("Concepts"),
    SKOS.topConceptOf: N_("Top concepts"),
    SKOS.hasTopConcept: N_("In scheme"),
    RDFS.subClassOf: N_("Subclasses"),
    RDFS.subPropertyOf: N_("Subproperties"),
    RDFS.domain: N_("Properties with this domain"),
    RDFS.range: N_("Properties with this range"),
    OWL.disjointWith: N_("Disjoint with"),
}
