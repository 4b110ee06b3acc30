"""What each kind of entity shows first, in words: a network its members, a place its
networks, an edition its date, host and topics, a source its quotes, a term its
definitions. Every kind then gets the generic facts, links and sources (sections.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib import OWL, RDF, RDFS, SKOS, Literal, URIRef
from rdflib.term import Node

from citynet.publish.site.collect import CN, DCT, FOAF, GN, ORG, SCHEMA, WGS, Entity, sort_key, term_group
from citynet.publish.site.maps import network_map, place_map
from citynet.publish.site.markup import Markup, el, join, render
from citynet.publish.site.sections import kind_label_of, membership_words
from citynet.publish.site.values import View, date_range, lang_text, plain_literal


@dataclass
class Shown:
    """The sections a kind adds, and the properties (out and in) they already show."""

    sections: list[Markup] = field(default_factory=list)
    outbound: set[URIRef] = field(default_factory=set)
    inbound: set[URIRef] = field(default_factory=set)
    mentions: list[Node] = field(default_factory=list)  # whose names mark a quote as relevant

    def add(self, *items: Markup | None) -> None:
        self.sections.extend(i for i in items if i)


def _p(*children: object, **attrs: object) -> Markup:
    return el("p", *children, **attrs)  # type: ignore[arg-type]


def _description(view: View, node: Node) -> Markup | None:
    text = view.model.text(node, SCHEMA.description) or view.model.text(node, SKOS.definition)
    return _p(text, class_="lead") if text else None


def _ordinal(number: Node) -> str:
    """15th for 15; the value as it is if it is not a whole number."""
    try:
        n = int(str(number))
    except ValueError:
        return str(number)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _year_of(view: View, event: Node) -> str:
    year = view.model.value(event, CN.year)
    return plain_literal(year) if isinstance(year, Literal) else ""


def _table(caption: str | Markup, headers: list[str], rows: list[list[Markup | str]], **attrs: object) -> Markup:
    head = el("thead", el("tr", [el("th", h, scope="col") for h in headers]))
    body = el("tbody", [
        el("tr", [el("th", row[0], scope="row"), *[el("td", cell) for cell in row[1:]]]) for row in rows])
    table = el("table", el("caption", caption), head, body, **attrs)  # type: ignore[arg-type]
    return el("div", table, class_="table-wrap")  # scrolls sideways on a narrow screen, not the page


# ---------------------------------------------------------------- networks

def network(view: View, entity: Entity) -> Shown:
    model, node = view.model, entity.iri
    shown = Shown(outbound={SCHEMA.description, SCHEMA.foundingDate, SCHEMA.foundingLocation, CN.foundingEvent,
                            CN.initiatedBy, CN.secretariat, CN.isOfficial, FOAF.homepage, CN.statedMemberCount,
                            CN.memberListComplete, ORG.hasSubOrganization},
                  inbound={ORG.organization, SCHEMA.organizer, RDF.subject})
    shown.add(_description(view, node))

    facts: list[Markup | str] = []
    founded = model.value(node, SCHEMA.foundingDate)
    if founded is not None:
        sentence: list[Markup | str] = [f"Founded in {plain_literal(founded)}"]
        for place in model.values(node, SCHEMA.foundingLocation):
            sentence += [" in ", view.link(place)]
        for event in model.values(node, CN.foundingEvent):
            sentence += [", at the ", view.link(event)]
        facts.append(el("li", sentence, "."))
    initiators = model.values(node, CN.initiatedBy)
    if initiators:
        facts.append(el("li", "Initiated by ", view.links_list(initiators, " and "), "."))
    for place in model.values(node, CN.secretariat):
        facts.append(el("li", "Its secretariat is in ", view.link(place), "."))
    official = model.value(node, CN.isOfficial)
    if isinstance(official, Literal):
        facts.append(el("li", "Its sources call it an " + ("official" if official.toPython() else "unofficial")
                        + " association."))
    for homepage in model.values(node, FOAF.homepage):
        facts.append(el("li", "Website: ", el("a", str(homepage), href=str(homepage), class_="external")))

    memberships = model.memberships_in(node)
    listed = len(memberships)
    for statement in model.values(node, CN.statedMemberCount):
        count = model.value(statement, CN.count)
        precision = model.value(statement, CN.precision)
        stated_on = model.value(statement, CN.statedOn)
        words = {"atLeast": "at least ", "moreThan": "more than ", "approximate": "about "}.get(
            str(precision).rsplit("#", 1)[-1], "")
        line: list[Markup | str] = [el("a", f"{words}{count} members", href=view.href(statement))]
        if isinstance(stated_on, Literal):
            line.append(f" in {plain_literal(stated_on)}")
        stated_by = model.sources_of(statement)
        if stated_by:
            line += [", as ", view.links_list(stated_by, " and "), " states"]
        facts.append(el("li", "Stated: ", line, "."))
    complete = model.value(node, CN.memberListComplete)
    listed_words = f"This site lists {listed} member{'s' if listed != 1 else ''}"
    if isinstance(complete, Literal) and complete.toPython():
        listed_words += ": a source names them all"
    elif isinstance(complete, Literal):
        listed_words += ", those a source names: the list is not complete"
    facts.append(el("li", listed_words, "."))
    shown.add(el("ul", facts, class_="summary"))

    shown.add(el("h2", f"Members ({listed})", id="members"))
    shown.add(network_map(view, entity))
    rows = []
    for membership in memberships:
        place = model.value(membership, ORG.member)
        start = model.membership_start(membership)
        place_kind = "region" if model.is_a(place, CN.Region) else "city" if model.is_a(place, CN.City) else ""
        country = model.value(place, GN.countryCode)
        rows.append([
            view.link(place), place_kind, str(country) if country is not None else "",
            plain_literal(start) if start is not None else "",
            join((view.link(r) for r in model.values(membership, ORG.role)), ", "),
            join((view.link(b) for b in model.values(membership, CN.representedBy)), ", "),
            el("a", "membership", href=view.href(membership), aria_label=f"membership of {model.label(place)}"),
        ])
    if rows:
        shown.add(_table(f"The {listed} members of {entity.label} that this site lists, by name.",
                         ["Member", "Kind", "Country", "Member since", "Role", "Represented by", "Details"], rows,
                         class_="members"))

    parts = model.values(node, ORG.hasSubOrganization)
    if parts:
        shown.add(el("h2", "Parts", id="parts"),
                  el("ul", [el("li", view.link(p), f" ({_kind_words(view, p)})") for p in parts]))

    series = model.inbound(node, SCHEMA.organizer)
    if series:
        items = []
        for s in series:
            editions = model.inbound(s, SCHEMA.superEvent)
            items.append(el("li", view.link(s), f": {len(editions)} known edition{'s' if len(editions) != 1 else ''}"))
        shown.add(el("h2", "Conferences it organises", id="conferences"), el("ul", items))
    shown.add(claims_about(view, node))
    return shown


def _kind_words(view: View, node: Node) -> str:
    entity = view.model.entity(node)
    return kind_label_of(view, entity) if entity is not None else ""


def claims_about(view: View, node: Node) -> Markup | None:
    """Claims on which sources disagree: a table of what each source says."""
    model = view.model
    claims = model.inbound(node, RDF.subject)
    if not claims:
        return None
    rows = []
    for claim in sorted(claims, key=lambda c: (str(model.value(c, RDF.predicate)), sort_key(model.label(c)))):
        prop = model.value(claim, RDF.predicate)
        value = model.value(claim, RDF.object)
        rows.append([view.link(claim), model.property_label(prop) if isinstance(prop, URIRef) else "",
                     view.value(value) if value is not None else "", view.links_list(model.sources_of(claim), "; ")])
    return render([
        el("h2", "Where sources disagree", id="claims"),
        _p("The graph records each source's claim with its words, and does not assert any of them."),
        _table("Claims about this entity, by property.", ["Claim", "Property", "Value", "Source"], rows),
    ])


# ---------------------------------------------------------------- places

def place(view: View, entity: Entity) -> Shown:
    model, node = view.model, entity.iri
    shown = Shown(inbound={ORG.member, CN.twinCity, CN.hostedBy, SCHEMA.attendee, CN.actsFor})
    what = "region" if entity.kind == "region" else "city"
    country = model.value(node, GN.countryCode)
    coordinates = model.coordinates(node)
    sentence: list[Markup | str] = [f"{entity.label} is a {what}"]
    if country is not None:
        sentence.append(f" (country code {country})")
    if coordinates:
        lon, lat = coordinates
        sentence.append(f", at {abs(lat):.4f}° {'N' if lat >= 0 else 'S'}, {abs(lon):.4f}° {'E' if lon >= 0 else 'W'}")
    sentence.append(".")
    note = model.text(node, SKOS.note)
    shown.add(_p(sentence, class_="lead"), _p(note, class_="note") if note else None)

    memberships = sorted(model.memberships_of(node),
                         key=lambda m: sort_key(model.label(model.value(m, ORG.organization))))
    networks = [str(model.value(m, ORG.organization)) for m in memberships]
    if memberships:
        count = len(memberships)
        shown.add(
            el("h2", f"Networks ({count})", id="networks"),
            _p(f"{entity.label} is a member of {count} city network{'s' if count != 1 else ''}:"),
            el("ul", [el("li", membership_words(view, m), " (", el("a", "details", href=view.href(m),
                                                                 aria_label=f"details of {model.label(m)}"), ")")
                      for m in memberships], class_="networks"))
    else:
        shown.add(_p(f"The graph lists no network that {entity.label} is a member of."))
    shown.add(place_map(view, entity, networks))

    twins = sorted(set(model.values(node, CN.twinCity)) | set(model.inbound(node, CN.twinCity)),
                   key=lambda t: sort_key(model.label(t)))
    if twins:
        shown.outbound.add(CN.twinCity)
        shown.add(el("h2", "Twin cities", id="twins"), el("ul", [el("li", view.link(t)) for t in twins]))

    events = []
    for event in model.inbound(node, CN.hostedBy):
        events.append((event, "host"))
    for event in model.inbound(node, SCHEMA.attendee):
        if (event, CN.hostedBy, node) not in model.rdf:
            events.append((event, "attended"))
    if events:
        events.sort(key=lambda e: (_year_of(view, e[0]), sort_key(model.label(e[0]))))
        rows = [[view.link(e), _year_of(view, e), role] for e, role in events]
        shown.add(el("h2", "Conferences and events", id="events"),
                  _table(f"Events {entity.label} hosted or attended, by year.", ["Event", "Year", "Part"], rows))
    bodies = model.inbound(node, CN.actsFor)
    if bodies:
        shown.add(el("h2", "Public bodies", id="bodies"),
                  _p("Offices that act for ", entity.label, ": ", view.links_list(bodies, "; "), "."))
    shown.outbound |= {WGS.lat, WGS.long, GN.countryCode, SKOS.note}
    return shown


# ---------------------------------------------------------------- memberships

def membership(view: View, entity: Entity) -> Shown:
    model, node = view.model, entity.iri
    member = model.value(node, ORG.member)
    network_node = model.value(node, ORG.organization)
    start = model.membership_start(node)
    parts: list[Markup | str] = [view.link(member) if member is not None else "A place"]
    parts.append(" has been a member of " if start is not None else " is a member of ")
    parts.append(membership_words(view, node))
    parts.append("." if start is not None else "; the sources give no start date.")
    shown = Shown(outbound={ORG.member, ORG.organization, ORG.role, CN.representedBy, ORG.memberDuring},
                  mentions=[n for n in (member, network_node) if n is not None])
    shown.add(_p(parts, class_="lead"))
    return shown


# ---------------------------------------------------------------- events

def event(view: View, entity: Entity) -> Shown:
    model, node = view.model, entity.iri
    if model.is_a(node, CN.ConferenceSeries):
        return series(view, entity)
    shown = Shown(outbound={SCHEMA.superEvent, CN.editionNumber, CN.year, SCHEMA.startDate, SCHEMA.endDate,
                            CN.hostedBy, CN.topic, CN.participatingPlaceCount, CN.participatingCountryCount,
                            SCHEMA.attendee, SCHEMA.description},
                  inbound={CN.foundingEvent})
    when = date_range(model.value(node, SCHEMA.startDate), model.value(node, SCHEMA.endDate)) or _year_of(view, node)
    sentence: list[Markup | str] = []
    number = model.value(node, CN.editionNumber)
    parent = model.value(node, SCHEMA.superEvent)
    if parent is not None:
        sentence += ["The ", f"{_ordinal(number)} edition" if number is not None else "An edition", " of ",
                     view.link(parent)]
    else:
        kind = _kind_words(view, node)
        sentence.append("An event" if kind in ("", "event") else f"An event ({kind})")
    if when:
        sentence.append(f", held {'on ' if when[0].isdigit() and len(when) > 4 else 'in '}{when}")
    hosts = model.values(node, CN.hostedBy)
    if hosts:
        sentence += [", hosted by ", view.links_list(hosts, " and ")]
    sentence.append(".")
    shown.add(_p(sentence, class_="lead"), _description(view, node))
    founded = model.inbound(node, CN.foundingEvent)
    if founded:
        shown.add(_p("At this event ", view.links_list(founded, " and "), " was founded."))

    details = []
    topics = model.values(node, CN.topic)
    if topics:
        details.append(el("li", "Topics: ", view.links_list(topics, "; "), "."))
    places = model.value(node, CN.participatingPlaceCount)
    countries = model.value(node, CN.participatingCountryCount)
    if places is not None or countries is not None:
        words = "Taking part, as a source states: "
        counts = []
        if places is not None:
            counts.append(f"{places} cities or regions")
        if countries is not None:
            counts.append(f"from {countries} countries")
        details.append(el("li", words, " ".join(counts), "."))
    attendees = model.values(node, SCHEMA.attendee)
    if attendees:
        named = f"Named attendees ({len(attendees)}): "
        details.append(el("li", named, view.links_list(attendees, ", "), "."))
    media = model.values(node, CN.relatedMedia)
    if media:
        shown.outbound.add(CN.relatedMedia)
        details.append(el("li", "Media: ", view.links_list(media, "; "), "."))
    if details:
        shown.add(el("ul", details, class_="summary"))
    return shown


def series(view: View, entity: Entity) -> Shown:
    model, node = view.model, entity.iri
    shown = Shown(outbound={SCHEMA.description, SCHEMA.organizer, CN.priorityTopic, SCHEMA.eventSchedule},
                  inbound={SCHEMA.superEvent, RDF.subject})
    shown.add(_description(view, node))
    facts = []
    organisers = model.values(node, SCHEMA.organizer)
    if organisers:
        facts.append(el("li", "Organised by ", view.links_list(organisers, " and "), "."))
    for schedule in model.values(node, SCHEMA.eventSchedule):
        facts.append(el("li", "Schedule: ", view.link(schedule), "."))
    priorities = model.values(node, CN.priorityTopic)
    if priorities:
        facts.append(el("li", "Priority topics: ", view.links_list(priorities, "; "), "."))
    if facts:
        shown.add(el("ul", facts, class_="summary"))
    editions = sorted(model.inbound(node, SCHEMA.superEvent), key=lambda e: (_year_of(view, e), str(e)))
    rows = []
    for edition in editions:
        number = model.value(edition, CN.editionNumber)
        when = date_range(model.value(edition, SCHEMA.startDate), model.value(edition, SCHEMA.endDate)) or ""
        count = model.value(edition, CN.participatingPlaceCount)
        rows.append([
            el("a", _year_of(view, edition) or model.label(edition), href=view.href(edition)),
            _ordinal(number) if number is not None else "", when,
            view.links_list(model.values(edition, CN.hostedBy), ", "),
            view.links_list(model.values(edition, CN.topic), "; "),
            str(count) if count is not None else "",
        ])
    shown.add(el("h2", f"Known editions ({len(editions)})", id="editions"))
    if rows:
        shown.add(_table("Editions by year, with what the sources say about each.",
                         ["Year", "Edition", "Dates", "Host", "Topics", "Places taking part"], rows))
    shown.add(claims_about(view, node))
    return shown


# ---------------------------------------------------------------- topics and roles (SKOS)

def concept(view: View, entity: Entity) -> Shown:
    model, node = view.model, entity.iri
    shown = Shown(outbound={SKOS.definition, SKOS.inScheme, SKOS.topConceptOf, SKOS.hasTopConcept},
                  inbound={CN.topic, CN.priorityTopic, SKOS.inScheme, SKOS.topConceptOf, SKOS.hasTopConcept,
                           ORG.role})
    shown.add(_description(view, node))
    if model.is_a(node, SKOS.ConceptScheme):
        concepts = sorted(set(model.inbound(node, SKOS.inScheme)) | set(model.values(node, SKOS.hasTopConcept)),
                          key=lambda c: sort_key(model.label(c)))
        shown.add(el("h2", f"Concepts ({len(concepts)})", id="concepts"),
                  el("ul", [el("li", view.link(c)) for c in concepts], class_="columns"))
        return shown
    schemes = model.values(node, SKOS.inScheme)
    if schemes:
        shown.add(_p("In ", view.links_list(schemes, " and "), "."))
    series_list = model.inbound(node, CN.priorityTopic)
    if series_list:
        shown.add(_p("A priority topic of ", view.links_list(series_list, " and "), "."))
    editions = sorted(model.inbound(node, CN.topic), key=lambda e: _year_of(view, e))
    if editions:
        shown.add(el("h2", "Conferences on this topic", id="conferences"),
                  _table("Editions that dealt with this topic, by year.", ["Edition", "Year", "Host"],
                         [[view.link(e), _year_of(view, e), view.links_list(model.values(e, CN.hostedBy))]
                          for e in editions]))
    holders = model.inbound(node, ORG.role)
    if holders:
        shown.add(el("h2", "Memberships in this role", id="memberships"),
                  el("ul", [el("li", view.link(m)) for m in holders]))
    return shown


# ---------------------------------------------------------------- sources and claims

def source(view: View, entity: Entity) -> Shown:
    model, node = view.model, entity.iri
    shown = Shown(outbound={SCHEMA.url, CN.publisherName, DCT.issued, DCT.language, CN.quote},
                  inbound={DCT.source})
    facts: list[Markup | str] = []
    publisher = model.value(node, CN.publisherName)
    issued = model.value(node, DCT.issued)
    language = model.value(node, DCT.language)
    sentence: list[Markup | str] = ["A source"]
    if publisher is not None:
        sentence.append(f" published by {publisher}")
    if isinstance(issued, Literal):
        sentence.append(f" on {plain_literal(issued)}")
    if language is not None:
        sentence.append(f" (language: {language})")
    sentence.append(".")
    facts.append(_p(sentence, class_="lead"))
    url = model.value(node, SCHEMA.url)
    if url is not None:
        facts.append(_p("Read it at ", el("a", str(url), href=str(url), class_="external"), "."))
    else:
        facts.append(_p("The sources give no web address for it; its title says where it is.", class_="muted"))
    shown.add(*facts)
    quotes = [q for q in model.values(node, CN.quote) if isinstance(q, Literal)]
    if quotes:
        shown.add(el("h2", f"What the graph quotes from it ({len(quotes)})", id="quotes"),
                  render([el("blockquote", el("p", str(q)), lang=q.language or None) for q in quotes]))
    citing = model.inbound(node, DCT.source)
    if citing:
        rows = sorted(([_kind_words(view, c), view.link(c)] for c in citing), key=lambda r: r[0])
        shown.add(el("h2", f"Statements taken from it ({len(citing)})", id="cited-by"),
                  _table("Entities that cite this source, by kind and name.", ["Kind", "Entity"], rows))
    return shown


def claim(view: View, entity: Entity) -> Shown:
    model, node = view.model, entity.iri
    subject = model.value(node, RDF.subject)
    prop = model.value(node, RDF.predicate)
    value = model.value(node, RDF.object)
    shown = Shown(outbound={RDF.subject, RDF.predicate, RDF.object, CN.quote, CN.conflictsWith},
                  inbound={CN.conflictsWith}, mentions=[subject] if subject is not None else [])
    sources = model.sources_of(node)
    shown.add(_p(view.links_list(sources, " and ") if sources else "A source", " says: ",
                 view.link(subject) if subject is not None else "something", " — ",
                 model.property_label(prop) if isinstance(prop, URIRef) else "", " — ",
                 el("strong", view.value(value)) if value is not None else "", ".", class_="lead"))
    quotes = [q for q in model.values(node, CN.quote) if isinstance(q, Literal)]
    if quotes:
        shown.add(el("h2", "In the source's words", id="quotes"),
                  render([el("blockquote", el("p", str(q)), lang=q.language or None) for q in quotes]))
    conflicts = sorted(set(model.values(node, CN.conflictsWith)) | set(model.inbound(node, CN.conflictsWith)),
                       key=lambda c: sort_key(model.label(c)))
    if conflicts:
        shown.add(el("h2", "Conflicting claims", id="conflicts"),
                  _p("Other sources say otherwise, so the graph records the claims and asserts none of them:"),
                  el("ul", [el("li", view.link(c)) for c in conflicts]))
    elif subject is not None and prop is not None and value is not None and (subject, prop, value) in model.rdf:
        shown.add(_p("The graph keeps this source's words as a claim; the statement itself is recorded on ",
                     view.link(subject), ", where the sources agree."))
    else:
        # A link the source suggests without making it: kept as a claim only.
        shown.add(_p("The graph keeps this source's words as a claim and does not assert the statement."))
    return shown


# ---------------------------------------------------------------- bodies

def body(view: View, entity: Entity) -> Shown:
    model, node = view.model, entity.iri
    shown = Shown(outbound={CN.actsFor}, inbound={CN.representedBy})
    places = model.values(node, CN.actsFor)
    sentence: list[Markup | str] = [f"{entity.label} is a public body"]
    if places:
        sentence += [" that acts for ", view.links_list(places, " and ")]
    sentence.append(".")
    shown.add(_p(sentence, class_="lead"))
    represented = model.inbound(node, CN.representedBy)
    if represented:
        shown.add(el("h2", "Represents members in networks", id="represents"),
                  el("ul", [el("li", view.link(m)) for m in represented]))
    return shown


def statement(view: View, entity: Entity) -> Shown:
    model, node = view.model, entity.iri
    networks = model.inbound(node, CN.statedMemberCount)
    shown = Shown(inbound={CN.statedMemberCount}, mentions=list(networks))
    count, precision = model.value(node, CN.count), model.value(node, CN.precision)
    sentence: list[Markup | str] = ["A source states ", f"{count} members" if count is not None else "a member count"]
    if precision is not None:
        sentence += [" (", view.link(precision), ")"]
    if networks:
        sentence += [" for ", view.links_list(networks, " and ")]
    stated = model.value(node, CN.statedOn)
    if isinstance(stated, Literal):
        sentence.append(f", in {plain_literal(stated)}")
    sentence.append(".")
    shown.add(_p(sentence, class_="lead"))
    return shown


# ---------------------------------------------------------------- ontology terms

def term(view: View, entity: Entity) -> Shown:
    model, node = view.model, entity.iri
    group = term_group(entity)
    shown = Shown(outbound={RDFS.label, SKOS.definition, RDFS.domain, RDFS.range, RDFS.subClassOf,
                            RDFS.subPropertyOf, RDF.type, RDFS.isDefinedBy},
                  inbound={RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range})
    shown.add(term_details(view, entity, group))
    if group == "class":
        instances = sorted({s for s in model.rdf.subjects(RDF.type, node) if model.entity(s)},
                           key=lambda s: sort_key(model.label(s)))
        if instances:
            many = "entities" if len(instances) != 1 else "entity"
            shown.add(el("h2", f"In this graph: {len(instances)} {entity.label} {many}", id="instances"),
                      el("ul", [el("li", view.link(i)) for i in instances], class_="columns"))
    elif group == "property":
        uses = [(s, o) for s, o in model.rdf.subject_objects(node)]
        if uses:
            shown.add(el("h2", "In this graph", id="uses"),
                      _p(f"Used in {len(uses)} statement{'s' if len(uses) != 1 else ''}, by ",
                         f"{len({s for s, _ in uses})} subjects."))
    return shown


def term_details(view: View, entity: Entity, group: str, heading_level: str = "h2") -> Markup:
    """Labels and definitions in English and German, types, domain, range, super- and subterms."""
    model, node = view.model, entity.iri
    rows = []
    for lang, language in (("en", "English"), ("de", "German")):
        labels = [lit for lit in model.rdf.objects(node, RDFS.label)
                  if isinstance(lit, Literal) and lit.language == lang]
        definitions = [lit for lit in model.rdf.objects(node, SKOS.definition)
                       if isinstance(lit, Literal) and lit.language == lang]
        if labels or definitions:
            rows.append([language, join((lang_text(lit) for lit in labels), "; "),
                         join((el("span", str(d), lang=lang) for d in definitions), " ")])
    parts: list[Markup] = []
    if rows:
        parts.append(_table("Names and definitions.", ["Language", "Name", "Definition"],
                            [[r[0], el("span", r[1], lang="de" if r[0] == "German" else None),
                              r[2]] for r in rows], class_="terms"))
    described: list[tuple[str, list[Node]]] = []
    types = [c for c in model.values(node, RDF.type)]
    described.append(("Kind", types))
    for prop, words in ((RDFS.subClassOf, "Subclass of"), (RDFS.subPropertyOf, "Subproperty of"),
                        (RDFS.domain, "Domain (used on)"), (RDFS.range, "Range (values)"),
                        (OWL.disjointWith, "Disjoint with")):
        described.append((words, model.values(node, prop)))
    for prop, words in ((RDFS.subClassOf, "Subclasses"), (RDFS.subPropertyOf, "Subproperties"),
                        (RDFS.domain, "Properties used on it"), (RDFS.range, "Properties with values of it")):
        described.append((words, model.inbound(node, prop)))
    items = []
    for words, nodes in described:
        if nodes:
            items += [el("dt", words), el("dd", join((_term_link(view, n) for n in nodes), "; "))]
    if items:
        parts.append(el("dl", items, class_="facts"))
    return render(parts)


def _term_link(view: View, node: Node) -> Markup:
    entity = view.model.entity(node)
    if entity is not None:
        return el("a", entity.slug if entity.kind == "term" else entity.label, href=view.links.page(entity.path))
    from citynet.graph.prefixes import compact
    iri = str(node)
    return el("a", compact(iri), href=iri, class_="external") if iri.startswith("http") else el("code", iri)


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
    shown = Shown(outbound={SCHEMA.description})
    shown.add(_description(view, entity.iri))
    return shown
