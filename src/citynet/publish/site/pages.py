"""Whole pages: one per entity, an index per kind, the ontology document and the home page.
Each gathers what its template shows (``templates/entity.html``, ``kind_index.html``,
``ontology.html``, ``home.html``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from rdflib import OWL, SKOS, Literal, URIRef

from citynet.publish.site.collect import CN, DCT, GN, ORG, SCHEMA, Entity, kind_name, term_group
from citynet.publish.site.i18n import N_, gettext, ngettext
from citynet.publish.site.kinds import sections_for, term_details
from citynet.publish.site.layout import Page
from citynet.publish.site.legal import LEGAL_PAGES
from citynet.publish.site.maps import home_map, network_legend
from citynet.publish.site.paths import ONTOLOGY, SITE_BASE, kind_index_iri, page_path
from citynet.publish.site.schemaorg import SchemaOrg
from citynet.publish.site.sections import facts, inbound, kind_label_of, other_names, sources
from citynet.publish.site.values import Value, View, plain_literal

# Long texts that the kind's own sections show in full: not repeated among all facts.
_SHOWN_IN_FULL = {CN.quote, SCHEMA.description, SKOS.definition, SKOS.note}


def entity_page(view: View, entity: Entity) -> Page:
    shown = sections_for(view, entity)
    kind_label = kind_label_of(view, entity)
    section = "def" if entity.kind == "term" else entity.kind
    # in the page's language (or untagged); else citynet's own words, not an English description
    description = (view.model.text(entity.iri, SCHEMA.description, view.lang)
                   or view.model.text(entity.iri, SKOS.definition, view.lang))
    data = {"entity": entity, "kind_label": kind_label, "also": other_names(view, entity), "shown": shown,
            "sources": sources(view, entity, shown.mentions),
            "facts": facts(view, entity, skip=_SHOWN_IN_FULL & (shown.outbound | {CN.quote})),
            "inbound": inbound(view, entity, skip=shown.inbound)}
    return Page(path=entity.path, title=view.name(entity.iri).text, template="entity.html", data=data, section=section,
                iri=str(entity.iri), has_data=True, schema=[SchemaOrg(view.model).entity(entity)],
                description=description or gettext("%(name)s: %(kind)s in the citynet knowledge graph.")
                % {"name": view.name(entity.iri).text, "kind": kind_label})


# ---------------------------------------------------------------- indexes of one kind

Cells = Callable[[Entity], list[list[Value]]]


def _columns(view: View, kind: str) -> tuple[list[str], Cells]:
    """The columns an index of ``kind`` shows besides the name, and each row's cells."""
    model = view.model

    def networks_of(e: Entity) -> list[Value]:
        nets = [model.value(m, ORG.organization) for m in model.memberships_of(e.iri)]
        return [view.value(n, str(model.value(n, CN.abbreviation) or model.label(n))) for n in nets if n]

    def count(e: Entity, prop: URIRef) -> list[Value]:
        return [Value(str(len(model.inbound(e.iri, prop))))]

    def value(e: Entity, prop: URIRef) -> list[Value]:
        v = model.value(e.iri, prop)
        return [Value(plain_literal(v) if isinstance(v, Literal) else (model.label(v) if v is not None else ""))]

    def words(text: str) -> list[Value]:
        return [Value(text)]

    if kind == "network":
        return ([gettext("Abbreviation"), gettext("Founded"), gettext("Members listed")],
                lambda e: [value(e, CN.abbreviation), value(e, SCHEMA.foundingDate), count(e, ORG.organization)])
    if kind in ("city", "region"):
        return ([gettext("Country"), gettext("Networks")], lambda e: [value(e, GN.countryCode), networks_of(e)])
    if kind == "membership":
        return ([gettext("Member"), gettext("Network"), gettext("Since")], lambda e: [
            [view.value(model.value(e.iri, ORG.member))], [view.value(model.value(e.iri, ORG.organization))],
            words(plain_literal(s) if (s := model.membership_start(e.iri)) is not None else "")])
    if kind == "event":
        return ([gettext("Kind"), gettext("Year"), gettext("Host")], lambda e: [
            words(kind_label_of(view, e)), value(e, CN.year), view.values(model.values(e.iri, CN.hostedBy))])
    if kind == "source":
        return ([gettext("Published by"), gettext("Date"), gettext("Cited by")], lambda e: [
            value(e, CN.publisherName), value(e, DCT.issued), count(e, DCT.source)])
    if kind == "topic":
        return ([gettext("Kind"), gettext("Conferences")],
                lambda e: [words(kind_label_of(view, e)), count(e, CN.topic)])
    return ([gettext("Kind")], lambda e: [words(kind_label_of(view, e))])


def kind_index_page(view: View, kind: str) -> Page:
    entities = view.model.of_kind(kind)
    path = page_path(kind_index_iri(kind)) or f"id/{kind}/index"
    title = kind_name(kind, plural=True)
    headers, cells = _columns(view, kind)
    rows = [(view.value(e.iri), cells(e)) for e in entities]
    urls = [view.links.page(e.path) for e in entities]
    data = {"kind_iri": kind_index_iri(kind), "headers": headers, "rows": rows,
            "words": kind_name(kind) if len(entities) == 1 else title.lower()}
    return Page(path=path, title=title, template="kind_index.html", data=data, section=kind, iri=kind_index_iri(kind),
                schema=[SchemaOrg(view.model).item_list(title, entities, urls)],
                description=gettext("%(what)s in the citynet knowledge graph.") % {"what": title})


# ---------------------------------------------------------------- the ontology

_GROUP_HEADINGS = {"class": N_("Classes"), "property": N_("Properties"), "individual": N_("Individuals")}


def ontology_page(view: View) -> Page:
    model = view.model
    node = URIRef(ONTOLOGY)
    title = model.label(node, view.lang)
    intro = []
    for lang in ("en", "de"):
        text = next((str(lit) for lit in model.rdf.objects(node, DCT.description)
                     if isinstance(lit, Literal) and lit.language == lang), None)
        if text:
            intro.append((lang, " ".join(text.split())))
    meta = []
    for prop, words in ((OWL.versionInfo, N_("Version")), (OWL.versionIRI, N_("Version IRI")),
                        (DCT.created, N_("Created")), (DCT.modified, N_("Modified")), (DCT.creator, N_("Creator")),
                        (DCT.license, N_("Licence"))):
        meta += [(gettext(words), view.value(value)) for value in model.values(node, prop)]
    if view.lang != "en":  # the page's language first
        intro.sort(key=lambda item: item[0] != view.lang)
    groups: dict[str, list[Entity]] = {"class": [], "property": [], "individual": []}
    for entity in model.terms():
        groups[term_group(entity)].append(entity)
    data = {"iri": ONTOLOGY, "intro": intro, "meta": meta,
            "groups": [(group, gettext(_GROUP_HEADINGS[group]), [(e, term_details(view, e)) for e in entities])
                       for group, entities in groups.items() if entities]}
    schema = {"@context": "https://schema.org", "@type": "DefinedTermSet", "@id": ONTOLOGY, "name": title,
              "hasDefinedTerm": [{"@type": "DefinedTerm", "@id": str(e.iri), "name": e.label, "termCode": e.slug}
                                 for e in model.terms()]}
    description = " ".join((model.text(node, DCT.description, view.lang) or title).split())
    return Page(path="def", title=title, template="ontology.html", data=data, section="def", iri=ONTOLOGY,
                has_data=True, schema=[schema], description=description)


# ---------------------------------------------------------------- home

def home_page(view: View) -> Page:
    model = view.model
    networks = model.of_kind("network")
    legend = network_legend(view)
    cards = []
    for network in networks:
        abbreviation = model.value(network.iri, CN.abbreviation)
        members = len(model.memberships_in(network.iri))
        founded = model.value(network.iri, SCHEMA.foundingDate)
        facts_line = ngettext("%(n)d member listed", "%(n)d members listed", members) % {"n": members}
        if founded is not None:
            facts_line += " · " + gettext("founded %(year)s") % {"year": plain_literal(founded)}
        cards.append({"label": view.name(network.iri), "href": view.links.page(network.path),
                      "colour": legend.colour(str(network.iri)),
                      "abbreviation": str(abbreviation) if abbreviation else None, "facts": facts_line,
                      "description": view.text(network.iri, SCHEMA.description)})
    browse = [(kind_name(kind, plural=True), view.links.page(path), len(model.of_kind(kind)))
              for kind in model.kinds if (path := page_path(kind_index_iri(kind)))]
    intro = model.text(URIRef(ONTOLOGY), DCT.description, view.lang)
    data = {"cards": cards, "map": home_map(view), "browse": browse, "terms": len(model.terms()), "base": SITE_BASE}
    return Page(path="index", title=gettext("City networks and their members"), template="home.html", data=data,
                section="home", iri=SITE_BASE, schema=[SchemaOrg(model).dataset(networks)],
                description=" ".join((intro or "citynet").split()))


def all_pages(view_for: Callable[[str], View]) -> Iterator[tuple[Page, View]]:
    """Every page of the site, each with the view (link style) it is rendered with."""
    view = view_for("index")
    model = view.model
    yield home_page(view), view
    view = view_for("def")
    yield ontology_page(view), view
    for make in LEGAL_PAGES.values():
        view = view_for("index")
        yield make(view), view
    for kind in model.kinds:
        path = page_path(kind_index_iri(kind)) or f"id/{kind}/index"
        view = view_for(path)
        yield kind_index_page(view, kind), view
    for entity in model.iter_pages():
        view = view_for(entity.path)
        yield entity_page(view, entity), view
