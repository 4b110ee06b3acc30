"""Whole pages: one per entity, an index per kind, the ontology document and the home page."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from rdflib import OWL, SKOS, Literal, URIRef

from citynet.publish.site.collect import CN, DCT, GN, ORG, SCHEMA, Entity, kind_name, term_group
from citynet.publish.site.kinds import _table, sections_for, term_details
from citynet.publish.site.layout import Page
from citynet.publish.site.maps import home_map, network_legend
from citynet.publish.site.markup import Markup, el, join, render
from citynet.publish.site.paths import ONTOLOGY, SITE_BASE, kind_index_iri, page_path
from citynet.publish.site.schemaorg import SchemaOrg
from citynet.publish.site.sections import facts, inbound, kind_label_of, sources, title_block
from citynet.publish.site.values import View, plain_literal

# Long texts that the kind's own sections show in full: not repeated among all facts.
_SHOWN_IN_FULL = {CN.quote, SCHEMA.description, SKOS.definition, SKOS.note}


def entity_page(view: View, entity: Entity) -> Page:
    shown = sections_for(view, entity)
    kind_label = kind_label_of(view, entity)
    main = join([
        Markup(""),
        title_block(view, entity, kind_label),
        *shown.sections,
        sources(view, entity, shown.mentions),
        facts(view, entity, skip=_SHOWN_IN_FULL & (shown.outbound | {CN.quote})),
        inbound(view, entity, skip=shown.inbound),
        Markup(""),
    ], Markup("\n"))
    section = "def" if entity.kind == "term" else entity.kind
    description = view.model.text(entity.iri, SCHEMA.description) or view.model.text(entity.iri, SKOS.definition)
    return Page(path=entity.path, title=entity.label, main=main, section=section, iri=str(entity.iri), has_data=True,
                schema=[SchemaOrg(view.model).entity(entity)],
                description=description or f"{entity.label}: {kind_label} in the citynet knowledge graph.")


# ---------------------------------------------------------------- indexes of one kind

Columns = tuple[list[str], Callable[[Entity], list[Markup | str]]]


def _columns(view: View, kind: str) -> Columns:
    model = view.model

    def networks_of(e: Entity) -> Markup:
        nets = [model.value(m, ORG.organization) for m in model.memberships_of(e.iri)]
        return join((view.link(n, str(model.value(n, CN.abbreviation) or model.label(n))) for n in nets if n), ", ")

    def count(e: Entity, prop: URIRef) -> str:
        return str(len(model.inbound(e.iri, prop)))

    def value(e: Entity, prop: URIRef) -> str:
        v = model.value(e.iri, prop)
        return plain_literal(v) if isinstance(v, Literal) else (model.label(v) if v is not None else "")

    if kind == "network":
        return (["Abbreviation", "Founded", "Members listed"],
                lambda e: [value(e, CN.abbreviation), value(e, SCHEMA.foundingDate), count(e, ORG.organization)])
    if kind in ("city", "region"):
        return (["Country", "Networks"], lambda e: [value(e, GN.countryCode), networks_of(e)])
    if kind == "membership":
        return (["Member", "Network", "Since"], lambda e: [
            view.link(model.value(e.iri, ORG.member)), view.link(model.value(e.iri, ORG.organization)),
            plain_literal(s) if (s := model.membership_start(e.iri)) is not None else ""])
    if kind == "event":
        return (["Kind", "Year", "Host"], lambda e: [
            kind_label_of(view, e), value(e, CN.year), view.links_list(model.values(e.iri, CN.hostedBy))])
    if kind == "source":
        return (["Published by", "Date", "Cited by"], lambda e: [
            value(e, CN.publisherName), value(e, DCT.issued), count(e, DCT.source)])
    if kind == "topic":
        return (["Kind", "Conferences"], lambda e: [kind_label_of(view, e), count(e, CN.topic)])
    return (["Kind"], lambda e: [kind_label_of(view, e)])


def kind_index_page(view: View, kind: str) -> Page:
    entities = view.model.of_kind(kind)
    path = page_path(kind_index_iri(kind)) or f"id/{kind}/index"
    title = kind_name(kind, plural=True)
    headers, cells = _columns(view, kind)
    rows = [[el("a", e.label, href=view.links.page(e.path)), *cells(e)] for e in entities]
    main = render([
        el("p", "Index", class_="kind"),
        el("h1", title),
        el("p", f"{len(entities)} {kind_name(kind) if len(entities) == 1 else title.lower()} in the graph, by name. "
                f"Their IRIs start with ", el("code", kind_index_iri(kind)), "."),
        _table(f"{title}: one row each.", ["Name", *headers], rows),
    ])
    urls = [view.links.page(e.path) for e in entities]
    return Page(path=path, title=title, main=main, section=kind, iri=kind_index_iri(kind),
                schema=[SchemaOrg(view.model).item_list(title, entities, urls)],
                description=f"{title} in the citynet knowledge graph.")


# ---------------------------------------------------------------- the ontology

def ontology_page(view: View) -> Page:
    model = view.model
    node = URIRef(ONTOLOGY)
    title = model.label(node)
    intro = []
    for lang in ("en", "de"):
        text = next((str(lit) for lit in model.rdf.objects(node, DCT.description)
                     if isinstance(lit, Literal) and lit.language == lang), None)
        if text:
            intro.append(el("p", " ".join(text.split()), lang=lang, class_="lead" if lang == "en" else None))
    meta = []
    for prop, words in ((OWL.versionInfo, "Version"), (OWL.versionIRI, "Version IRI"), (DCT.created, "Created"),
                        (DCT.modified, "Modified"), (DCT.creator, "Creator"), (DCT.license, "Licence")):
        for value in model.values(node, prop):
            meta += [el("dt", words), el("dd", view.value(value))]
    meta += [el("dt", "Namespace"), el("dd", el("code", ONTOLOGY + "#"), " (prefix ", el("code", "cn:"), ")")]

    groups = {"class": [], "property": [], "individual": []}
    for entity in model.terms():
        groups[term_group(entity)].append(entity)
    headings = {"class": "Classes", "property": "Properties", "individual": "Individuals"}
    contents, parts = [], []
    for group, entities in groups.items():
        if not entities:
            continue
        contents.append(el("li", el("a", f"{headings[group]} ({len(entities)})", href=f"#{group}-list")))
        parts.append(el("h2", headings[group], id=f"{group}-list"))
        parts.append(el("p", join((el("a", e.slug, href=f"#{e.slug}") for e in entities), " · ")))
        for entity in entities:
            parts.append(el("section", [
                el("h3", el("a", entity.slug, href=view.links.page(entity.path)), " — ", entity.label,
                   id=entity.slug),
                term_details(view, entity, group),
            ], aria_labelledby=entity.slug))
    main = render([
        el("p", "Ontology", class_="kind"),
        el("h1", title),
        *intro,
        el("p", "IRI: ", el("code", ONTOLOGY), " · Data: ",
           el("a", "Turtle", href=view.links.page("def", "ttl"), type="text/turtle"), ", ",
           el("a", "JSON-LD", href=view.links.page("def", "jsonld"), type="application/ld+json"),
           class_="data-links"),
        el("dl", meta, class_="facts"),
        el("nav", el("ul", contents), aria_label="Contents"),
        *parts,
    ])
    schema = {"@context": "https://schema.org", "@type": "DefinedTermSet", "@id": ONTOLOGY, "name": title,
              "hasDefinedTerm": [{"@type": "DefinedTerm", "@id": str(e.iri), "name": e.label, "termCode": e.slug}
                                 for e in model.terms()]}
    return Page(path="def", title=title, main=main, section="def", iri=ONTOLOGY, has_data=True, schema=[schema],
                description=" ".join((model.text(node, DCT.description) or title).split()))


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
        colour = legend.colour(str(network.iri))
        facts_line = f"{members} member{'s' if members != 1 else ''} listed"
        if founded is not None:
            facts_line += f" · founded {plain_literal(founded)}"
        description = model.text(network.iri, SCHEMA.description)
        cards.append(el("li", [
            el("a", el("span", class_="swatch", style=f"background:{colour}"), network.label,
               href=view.links.page(network.path), class_="card-title"),
            el("span", str(abbreviation), class_="muted") if abbreviation else None,
            el("p", facts_line),
            el("p", description, class_="muted") if description else None,
        ]))
    browse = []
    for kind in model.kinds:
        path = page_path(kind_index_iri(kind))
        if path:
            browse.append(el("li", el("a", kind_name(kind, plural=True), href=view.links.page(path)),
                             f" ({len(model.of_kind(kind))})"))
    browse.append(el("li", el("a", "The ontology", href=view.links.page("def")), f" ({len(model.terms())} terms)"))
    intro = model.text(URIRef(ONTOLOGY), DCT.description)
    main = render([
        el("h1", "City networks and their members"),
        el("p", "What cities publish about their international ties, as linked data: "
                "the networks, their members and memberships, conferences, topics, and the source of every "
                "statement.", class_="lead"),
        el("h2", f"The {len(networks)} networks", id="networks"),
        el("ul", cards, class_="cards"),
        el("h2", "Where the members are", id="map"),
        home_map(view),
        el("h2", "Browse", id="browse"),
        el("ul", browse, class_="columns"),
        el("h2", "For machines", id="data"),
        el("p", "Every page has its data beside it, as Turtle (", el("code", ".ttl"), ") and JSON-LD (",
           el("code", ".jsonld"), "), linked from the page and from its head. A page's path is its IRI after ",
           el("code", SITE_BASE), ": ", el("code", "id/city/rostock"), " describes ",
           el("code", SITE_BASE + "id/city/rostock"), ". The map above is also a file of its own: ",
           el("a", "map.svg", href=view.links.asset("map.svg"), type="image/svg+xml"), "."),
    ])
    return Page(path="index", title="City networks and their members", main=main, section="home", iri=SITE_BASE,
                schema=[SchemaOrg(model).dataset(networks)],
                description=" ".join((intro or "citynet").split()))


def all_pages(view_for: Callable[[str], View]) -> Iterator[tuple[Page, View]]:
    """Every page of the site, each with the view (link style) it is rendered with."""
    view = view_for("index")
    model = view.model
    yield home_page(view), view
    view = view_for("def")
    yield ontology_page(view), view
    for kind in model.kinds:
        path = page_path(kind_index_iri(kind)) or f"id/{kind}/index"
        view = view_for(path)
        yield kind_index_page(view, kind), view
    for entity in model.iter_pages():
        view = view_for(entity.path)
        yield entity_page(view, entity), view
