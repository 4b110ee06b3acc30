"""What each kind of entity shows first, in words: a network its members, a place its
networks, an edition its date, host and topics, a source its quotes, a term its
definitions. Every kind then gets the generic facts, links and sources (sections.py).

Each kind's function gathers what its template (``templates/kinds/{kind}.html``) shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rdflib import OWL, RDF, RDFS, SKOS, Literal, URIRef
from rdflib.term import Node

from citynet.graph.prefixes import compact
from citynet.publish.site.collect import CN, DCT, FOAF, GN, ORG, SCHEMA, WGS, Entity, kind_name, sort_key, term_group
from citynet.publish.site.i18n import N_, current, gettext, number
from citynet.publish.site.maps import network_map, place_map
from citynet.publish.site.sections import kind_label_of, membership_words
from citynet.publish.site.values import Value, View, date_range, plain_literal, text_in_language


@dataclass
class Shown:
    """A kind's template and what it shows, and the properties (out and in) it already shows."""

    template: str
    data: dict[str, Any] = field(default_factory=dict)
    outbound: set[URIRef] = field(default_factory=set)
    inbound: set[URIRef] = field(default_factory=set)
    mentions: list[Node] = field(default_factory=list)  # whose names mark a quote as relevant


def description_of(view: View, node: Node) -> Value | None:
    """The description in the page's language; else the English one, marked as such."""
    return view.text(node, SCHEMA.description) or view.text(node, SKOS.definition)


def _ordinal(number: Node) -> str:
    """15th for 15; the value as it is if it is not a whole number."""
    try:
        n = int(str(number))
    except ValueError:
        return str(number)
    if current() == "de":
        return f"{n}."  # 15. (Tagung)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _count(value: Node | None) -> str:
    """A stated count as the page's language writes numbers (the value as it is if not a number)."""
    try:
        return number(int(str(value)))
    except ValueError:
        return str(value)


def _year_of(view: View, event: Node) -> str:
    year = view.model.value(event, CN.year)
    return plain_literal(year) if isinstance(year, Literal) else ""


def _kind_words(view: View, node: Node) -> str:
    entity = view.model.entity(node)
    return kind_label_of(view, entity) if entity is not None else ""


# ---------------------------------------------------------------- networks

_PRECISION_WORDS = {"atLeast": N_("at least %(num)s members"), "moreThan": N_("more than %(num)s members"),
                    "approximate": N_("about %(num)s members"), "": N_("%(num)s members")}


def network(view: View, entity: Entity) -> Shown:
    model, node = view.model, entity.iri
    founded = model.value(node, SCHEMA.foundingDate)
    official = model.value(node, CN.isOfficial)
    complete = model.value(node, CN.memberListComplete)
    statements = []
    for statement in model.values(node, CN.statedMemberCount):
        precision = model.value(statement, CN.precision)
        stated_on = model.value(statement, CN.statedOn)
        statements.append({
            "words": gettext(_PRECISION_WORDS.get(str(precision).rsplit('#', 1)[-1], _PRECISION_WORDS[""]))
                     % {"num": _count(model.value(statement, CN.count))},
            "href": view.href(statement),
            "stated_on": plain_literal(stated_on) if isinstance(stated_on, Literal) else None,
            "stated_by": model.sources_of(statement)})
    members = []
    for membership in model.memberships_in(node):
        place = model.value(membership, ORG.member)
        start = model.membership_start(membership)
        country = model.value(place, GN.countryCode)
        members.append({
            "place": place,
            "kind": kind_name("region") if model.is_a(place, CN.Region)
            else kind_name("city") if model.is_a(place, CN.City) else "",
            "country": str(country) if country is not None else "",
            "since": plain_literal(start) if start is not None else "",
            "roles": model.values(membership, ORG.role),
            "bodies": model.values(membership, CN.representedBy),
            "href": view.href(membership), "place_label": model.label(place)})
    return Shown(
        "kinds/network.html",
        {"description": description_of(view, node),
         "founded": plain_literal(founded) if founded is not None else None,
         "founding_places": model.values(node, SCHEMA.foundingLocation),
         "founding_events": model.values(node, CN.foundingEvent),
         "initiators": model.values(node, CN.initiatedBy),
         "secretariats": model.values(node, CN.secretariat),
         "official": bool(official.toPython()) if isinstance(official, Literal) else None,
         "homepages": [str(h) for h in model.values(node, FOAF.homepage)],
         "statements": statements,
         "complete": (gettext(": a source names them all") if complete.toPython()
                      else gettext(", those a source names: the list is not complete"))
                     if isinstance(complete, Literal) else "",
         "members": members,
         "map": network_map(view, entity),
         "parts": [(p, _kind_words(view, p)) for p in model.values(node, ORG.hasSubOrganization)],
         "series": [(s, len(model.inbound(s, SCHEMA.superEvent))) for s in model.inbound(node, SCHEMA.organizer)],
         "claims": claims_about(view, node)},
        outbound={SCHEMA.description, SCHEMA.foundingDate, SCHEMA.foundingLocation, CN.foundingEvent,
                  CN.initiatedBy, CN.secretariat, CN.isOfficial, FOAF.homepage, CN.statedMemberCount,
                  CN.memberListComplete, ORG.hasSubOrganization},
        inbound={ORG.organization, SCHEMA.organizer, RDF.subject})


def claims_about(view: View, node: Node) -> list[dict[str, Any]]:
    """Claims on which sources disagree: what each source says (the ``claims`` macro)."""
    model = view.model
    rows = []
    for claim in sorted(model.inbound(node, RDF.subject),
                        key=lambda c: (str(model.value(c, RDF.predicate)), sort_key(model.label(c)))):
        prop = model.value(claim, RDF.predicate)
        rows.append({"claim": claim, "property": model.property_label(prop) if isinstance(prop, URIRef) else "",
                     "value": model.value(claim, RDF.object), "sources": model.sources_of(claim)})
    return rows


# ---------------------------------------------------------------- places

def place(view: View, entity: Entity) -> Shown:
    model, node = view.model, entity.iri
    memberships = sorted(model.memberships_of(node),
                         key=lambda m: sort_key(model.label(model.value(m, ORG.organization))))
    networks = [str(model.value(m, ORG.organization)) for m in memberships]
    country = model.value(node, GN.countryCode)
    coordinates = model.coordinates(node)
    where = None
    if coordinates:
        lon, lat = coordinates
        where = _degrees(lat, N_("%(degrees)s° N"), N_("%(degrees)s° S")) + ", " + _degrees(
            lon, N_("%(degrees)s° E"), N_("%(degrees)s° W"))
    twins = sorted(set(model.values(node, CN.twinCity)) | set(model.inbound(node, CN.twinCity)),
                   key=lambda t: sort_key(model.label(t)))
    events = [(event, gettext("hosted")) for event in model.inbound(node, CN.hostedBy)]
    events += [(event, gettext("attended")) for event in model.inbound(node, SCHEMA.attendee)
               if (event, CN.hostedBy, node) not in model.rdf]
    events.sort(key=lambda e: (_year_of(view, e[0]), sort_key(model.label(e[0]))))
    outbound = {WGS.lat, WGS.long, GN.countryCode, SKOS.note} | ({CN.twinCity} if twins else set())
    return Shown(
        "kinds/place.html",
        {"what": "region" if entity.kind == "region" else "city",
         "country": str(country) if country is not None else None, "where": where,
         "note": view.text(node, SKOS.note),
         "memberships": [{"words": membership_words(view, m), "href": view.href(m), "label": view.name(m).text}
                         for m in memberships],
         "map": place_map(view, entity, networks),
         "twins": twins,
         "events": [(event, _year_of(view, event), part) for event, part in events],
         "bodies": model.inbound(node, CN.actsFor)},
        outbound=outbound, inbound={ORG.member, CN.twinCity, CN.hostedBy, SCHEMA.attendee, CN.actsFor})


def _degrees(value: float, positive: str, negative: str) -> str:
    """54.0887° N / 54,0887° N; east is O (Ost) in German."""
    return gettext(positive if value >= 0 else negative) % {"degrees": number(abs(value), 4)}


# ---------------------------------------------------------------- memberships

def membership(view: View, entity: Entity) -> Shown:
    model, node = view.model, entity.iri
    member = model.value(node, ORG.member)
    network_node = model.value(node, ORG.organization)
    return Shown(
        "kinds/membership.html",
        {"member": member, "started": model.membership_start(node) is not None,
         "words": membership_words(view, node)},
        outbound={ORG.member, ORG.organization, ORG.role, CN.representedBy, ORG.memberDuring},
        mentions=[n for n in (member, network_node) if n is not None])


# ---------------------------------------------------------------- events

def event(view: View, entity: Entity) -> Shown:
    model, node = view.model, entity.iri
    if model.is_a(node, CN.ConferenceSeries):
        return series(view, entity)
    number = model.value(node, CN.editionNumber)
    kind = _kind_words(view, node)
    when = date_range(model.value(node, SCHEMA.startDate), model.value(node, SCHEMA.endDate)) or _year_of(view, node)
    places, countries = model.value(node, CN.participatingPlaceCount), model.value(node, CN.participatingCountryCount)
    media = model.values(node, CN.relatedMedia)
    return Shown(
        "kinds/event.html",
        {"parent": model.value(node, SCHEMA.superEvent),
         "edition": (gettext("%(nth)s edition") % {"nth": _ordinal(number)} if number is not None
                     else gettext("An edition")),
         "an_event": gettext("An event") if kind in ("", "event") else gettext("An event (%(kind)s)") % {"kind": kind},
         "when": when, "on": bool(when) and when[0].isdigit() and len(when) > 4,
         "hosts": model.values(node, CN.hostedBy),
         "description": description_of(view, node),
         "founded": model.inbound(node, CN.foundingEvent),
         "topics": model.values(node, CN.topic),
         "counts": [words for words in (
             gettext("%(num)s cities or regions") % {"num": _count(places)} if places is not None else None,
             gettext("from %(num)s countries") % {"num": _count(countries)} if countries is not None else None)
             if words],
         "attendees": model.values(node, SCHEMA.attendee),
         "media": media},
        outbound={SCHEMA.superEvent, CN.editionNumber, CN.year, SCHEMA.startDate, SCHEMA.endDate, CN.hostedBy,
                  CN.topic, CN.participatingPlaceCount, CN.participatingCountryCount, SCHEMA.attendee,
                  SCHEMA.description} | ({CN.relatedMedia} if media else set()),
        inbound={CN.foundingEvent})


def series(view: View, entity: Entity) -> Shown:
    model, node = view.model, entity.iri
    editions = []
    for edition in sorted(model.inbound(node, SCHEMA.superEvent), key=lambda e: (_year_of(view, e), str(e))):
        number = model.value(edition, CN.editionNumber)
        count = model.value(edition, CN.participatingPlaceCount)
        editions.append({
            "year": _year_of(view, edition) or model.label(edition), "href": view.href(edition),
            "edition": _ordinal(number) if number is not None else "",
            "dates": date_range(model.value(edition, SCHEMA.startDate), model.value(edition, SCHEMA.endDate)) or "",
            "hosts": model.values(edition, CN.hostedBy), "topics": model.values(edition, CN.topic),
            "places": str(count) if count is not None else ""})
    return Shown(
        "kinds/series.html",
        {"description": description_of(view, node), "organisers": model.values(node, SCHEMA.organizer),
         "schedules": model.values(node, SCHEMA.eventSchedule), "priorities": model.values(node, CN.priorityTopic),
         "editions": editions, "claims": claims_about(view, node)},
        outbound={SCHEMA.description, SCHEMA.organizer, CN.priorityTopic, SCHEMA.eventSchedule},
        inbound={SCHEMA.superEvent, RDF.subject})


# ---------------------------------------------------------------- topics and roles (SKOS)

def concept(view: View, entity: Entity) -> Shown:
    model, node = view.model, entity.iri
    data: dict[str, Any] = {"description": description_of(view, node), "scheme": model.is_a(node, SKOS.ConceptScheme)}
    if data["scheme"]:
        data["concepts"] = sorted(set(model.inbound(node, SKOS.inScheme)) | set(model.values(node, SKOS.hasTopConcept)),
                                  key=lambda c: sort_key(model.label(c)))
    else:
        data.update(
            schemes=model.values(node, SKOS.inScheme), priority_of=model.inbound(node, CN.priorityTopic),
            editions=[(e, _year_of(view, e), model.values(e, CN.hostedBy))
                      for e in sorted(model.inbound(node, CN.topic), key=lambda e: _year_of(view, e))],
            holders=model.inbound(node, ORG.role))
    return Shown("kinds/concept.html", data,
                 outbound={SKOS.definition, SKOS.inScheme, SKOS.topConceptOf, SKOS.hasTopConcept},
                 inbound={CN.topic, CN.priorityTopic, SKOS.inScheme, SKOS.topConceptOf, SKOS.hasTopConcept, ORG.role})


# ---------------------------------------------------------------- sources and claims

def source(view: View, entity: Entity) -> Shown:
    model, node = view.model, entity.iri
    issued = model.value(node, DCT.issued)
    url = model.value(node, SCHEMA.url)
    citing = sorted(((_kind_words(view, c), c) for c in model.inbound(node, DCT.source)), key=lambda r: r[0])
    return Shown(
        "kinds/source.html",
        {"publisher": model.value(node, CN.publisherName),
         "issued": plain_literal(issued) if isinstance(issued, Literal) else None,
         "language": model.value(node, DCT.language), "url": str(url) if url is not None else None,
         "quotes": [q for q in model.values(node, CN.quote) if isinstance(q, Literal)],
         "citing": citing},
        outbound={SCHEMA.url, CN.publisherName, DCT.issued, DCT.language, CN.quote}, inbound={DCT.source})


def claim(view: View, entity: Entity) -> Shown:
    model, node = view.model, entity.iri
    subject = model.value(node, RDF.subject)
    prop = model.value(node, RDF.predicate)
    value = model.value(node, RDF.object)
    conflicts = sorted(set(model.values(node, CN.conflictsWith)) | set(model.inbound(node, CN.conflictsWith)),
                       key=lambda c: sort_key(model.label(c)))
    asserted = subject is not None and prop is not None and value is not None and (subject, prop, value) in model.rdf
    return Shown(
        "kinds/claim.html",
        {"sources": model.sources_of(node), "subject": subject, "value": value,
         "property": model.property_label(prop) if isinstance(prop, URIRef) else "",
         "quotes": [q for q in model.values(node, CN.quote) if isinstance(q, Literal)],
         "conflicts": conflicts, "asserted": asserted},
        outbound={RDF.subject, RDF.predicate, RDF.object, CN.quote, CN.conflictsWith}, inbound={CN.conflictsWith},
        mentions=[subject] if subject is not None else [])


# ---------------------------------------------------------------- bodies

def body(view: View, entity: Entity) -> Shown:
    model, node = view.model, entity.iri
    return Shown("kinds/body.html",
                 {"places": model.values(node, CN.actsFor), "represented": model.inbound(node, CN.representedBy)},
                 outbound={CN.actsFor}, inbound={CN.representedBy})


def statement(view: View, entity: Entity) -> Shown:
    model, node = view.model, entity.iri
    networks = model.inbound(node, CN.statedMemberCount)
    stated = model.value(node, CN.statedOn)
    return Shown("kinds/statement.html",
                 {"count": model.value(node, CN.count), "precision": model.value(node, CN.precision),
                  "networks": networks, "stated": plain_literal(stated) if isinstance(stated, Literal) else None},
                 inbound={CN.statedMemberCount}, mentions=list(networks))


# ---------------------------------------------------------------- ontology terms

def term(view: View, entity: Entity) -> Shown:
    model, node = view.model, entity.iri
    group = term_group(entity)
    data: dict[str, Any] = {"details": term_details(view, entity), "instances": [], "uses": None,
                            "name": view.name(node)}  # the class's label in the page's language
    if group == "class":
        data["instances"] = sorted({s for s in model.rdf.subjects(RDF.type, node) if model.entity(s)},
                                   key=lambda s: sort_key(model.label(s)))
    elif group == "property":
        uses = list(model.rdf.subject_objects(node))
        data["uses"] = (len(uses), len({s for s, _ in uses})) if uses else None
    return Shown("kinds/term.html", data,
                 outbound={RDFS.label, SKOS.definition, RDFS.domain, RDFS.range, RDFS.subClassOf, RDFS.subPropertyOf,
                           RDF.type, RDFS.isDefinedBy},
                 inbound={RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range})


@dataclass(frozen=True)
class TermDetails:
    """Labels and definitions in English and German, and the term's place in the ontology
    (the ``term_details`` macro of parts.html)."""

    names: list[tuple[str, list[Value], list[str]]]  # language code, names, definitions
    described: list[tuple[str, list[Value]]]


def term_details(view: View, entity: Entity) -> TermDetails:
    model, node = view.model, entity.iri
    names = []
    for lang in ("en", "de"):
        labels = [text_in_language(lit) for lit in model.rdf.objects(node, RDFS.label)
                  if isinstance(lit, Literal) and lit.language == lang]
        definitions = [str(lit) for lit in model.rdf.objects(node, SKOS.definition)
                       if isinstance(lit, Literal) and lit.language == lang]
        if labels or definitions:
            names.append((lang, labels, definitions))
    described: list[tuple[str, Sequence[Node]]] = [(gettext("Kind"), model.values(node, RDF.type))]
    for prop, words in ((RDFS.subClassOf, N_("Subclass of")), (RDFS.subPropertyOf, N_("Subproperty of")),
                        (RDFS.domain, N_("Domain (used on)")), (RDFS.range, N_("Range (values)")),
                        (OWL.disjointWith, N_("Disjoint with"))):
        described.append((gettext(words), model.values(node, prop)))
    for prop, words in ((RDFS.subClassOf, N_("Subclasses")), (RDFS.subPropertyOf, N_("Subproperties")),
                        (RDFS.domain, N_("Properties used on it")), (RDFS.range, N_("Properties with values of it"))):
        described.append((gettext(words), model.inbound(node, prop)))
    return TermDetails(names, [(words, [_term_value(view, n) for n in nodes]) for words, nodes in described if nodes])


def _term_value(view: View, node: Node) -> Value:
    """A term by its name (``City``), anything else by its label or compact IRI."""
    entity = view.model.entity(node)
    if entity is not None:
        return Value(entity.slug if entity.kind == "term" else entity.label, view.links.page(entity.path), "link")
    iri = str(node)
    return Value(compact(iri), iri, "external") if iri.startswith("http") else Value(iri, style="code")


# ---------------------------------------------------------------- dispatch

KIND_SECTIONS: dict[str, Callable[[View, Entity], Shown]] = {
    "network": network,
    "city": place,
    "region": place,
    "membership": membership,
    "event": event,
    "topic": concept,
    "role": concept,
    "source": source,
    "claim": claim,
    "body": body,
    "statement": statement,
    "term": term,
}


def sections_for(view: View, entity: Entity) -> Shown:
    """The kind's own sections; other kinds (parts, logos, media) have a description only."""
    handler = KIND_SECTIONS.get(entity.kind)
    if handler is not None:
        return handler(view, entity)
    return Shown("kinds/other.html", {"description": description_of(view, entity.iri)},
                 outbound={SCHEMA.description})

