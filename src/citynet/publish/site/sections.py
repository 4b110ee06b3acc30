"""Parts every entity page has: the title block, all its facts, what links to it, its sources."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rdflib import RDF, RDFS, SKOS, Literal, URIRef
from rdflib.term import Node

from citynet.graph.names import normalise
from citynet.publish.site.collect import CN, DCT, INVERSE_WORDS, ORG, SCHEMA, Entity, kind_name, sort_key
from citynet.publish.site.markup import Markup, el, join, render
from citynet.publish.site.values import View, lang_text, plain_literal

# Shown in the title block, not among the facts.
TITLE_PROPERTIES = frozenset({RDFS.label, SKOS.prefLabel, SKOS.altLabel, CN.abbreviation, DCT.source})


def title_block(view: View, entity: Entity, kind_label: str) -> Markup:
    model = view.model
    others = model.other_names(entity.iri)
    also = None
    if others:
        also = el("p", "Also: ", join((_name(lit) for lit in others), "; "), class_="also")
    data_links = el(
        "p",
        "IRI: ", el("code", str(entity.iri)), " · Data: ",
        el("a", "Turtle", href=view.links.page(entity.path, "ttl"), type="text/turtle"), ", ",
        el("a", "JSON-LD", href=view.links.page(entity.path, "jsonld"), type="application/ld+json"),
        class_="data-links")
    return render([el("p", kind_label, class_="kind"), el("h1", entity.label), also, data_links])


def _name(literal: Literal) -> Markup:
    text = lang_text(literal)
    return render([text, f" ({literal.language})"]) if literal.language else text


def facts(view: View, entity: Entity, skip: Iterable[URIRef] = ()) -> Markup:
    """Every statement about the entity, by property, in words (a definition list)."""
    model = view.model
    skipped = TITLE_PROPERTIES | set(skip)
    by_property: dict[URIRef, list[Node]] = defaultdict(list)
    for prop, obj in model.rdf.predicate_objects(entity.iri):
        if prop not in skipped:
            by_property[prop].append(obj)
    if not by_property:
        return Markup("")
    rows = []
    for prop in sorted(by_property, key=lambda p: (p != RDF.type, sort_key(model.property_label(p)))):
        objects = sorted(by_property[prop], key=model._order)
        values = [_type_link(view, o) if prop == RDF.type else view.value(o) for o in objects]
        term = model.entity(prop)
        label = model.property_label(prop)
        rows.append(el("dt", el("a", label, href=view.links.page(term.path)) if term else label))
        rows.append(el("dd", join(values, "; ")))
    return render([el("h2", "All facts", id="facts"), el("dl", rows, class_="facts")])


def _type_link(view: View, cls: Node) -> Markup:
    entity = view.model.entity(cls)
    if entity is not None:
        return el("a", entity.label, href=view.links.page(entity.path))
    return view.link(cls)


def inbound(view: View, entity: Entity, skip: Iterable[URIRef] = ()) -> Markup:
    """What points to the entity, grouped by how ("Hosted", "Cited by", …)."""
    model = view.model
    skipped = {RDF.type, *skip}
    groups: dict[URIRef, list[URIRef]] = defaultdict(list)
    for subject, prop in model.rdf.subject_predicates(entity.iri):
        if prop not in skipped and isinstance(subject, URIRef) and model.entity(subject) is not None:
            groups[prop].append(subject)
    if not groups:
        return Markup("")
    rows = []
    for prop in sorted(groups, key=lambda p: sort_key(INVERSE_WORDS.get(p) or model.property_label(p))):
        subjects = sorted(set(groups[prop]), key=lambda s: sort_key(model.label(s)))
        heading = INVERSE_WORDS.get(prop) or f"“{model.property_label(prop)}” of"
        rows.append(el("dt", heading))
        rows.append(el("dd", join((view.link(s) for s in subjects), "; ")))
    return render([el("h2", "Linked from", id="linked-from"), el("dl", rows, class_="facts")])


def sources(view: View, entity: Entity, mentions: Iterable[Node] = ()) -> Markup:
    """The entity's sources, each with the quoted words that name the entity (or, when
    ``mentions`` are given, that name each of them: a membership's member and network);
    the other quotes are folded away."""
    model = view.model
    cited = model.sources_of(entity.iri)
    if not cited:
        return Markup("")
    required = [_names_of(view, node) for node in (list(mentions) or [entity.iri])]

    def names_all(quote: Literal) -> bool:
        text = normalise(str(quote))
        return all(any(name in text for name in names) for names in required)

    items = []
    for source in cited:
        quotes = [q for q in model.values(source, CN.quote) if isinstance(q, Literal)]
        matching = [q for q in quotes if names_all(q)]
        rest = [q for q in quotes if q not in matching]
        about = []
        url = model.value(source, SCHEMA.url)
        if url is not None:
            about.append(el("a", "read the source", href=str(url), class_="external"))
        publisher = model.value(source, CN.publisherName)
        if publisher is not None:
            about.append(f"published by {publisher}")
        issued = model.value(source, DCT.issued)
        if isinstance(issued, Literal):
            about.append(f"on {plain_literal(issued)}")
        parts = [view.link(source)]
        if about:
            parts += [" — ", join(about, ", ")]
        parts += [_quote(q, True) for q in matching]
        if rest:
            label = f"{'Other quotes' if matching else 'Quotes'} from this source ({len(rest)})"
            parts.append(el("details", el("summary", label), [_quote(q, False) for q in rest]))
        items.append(el("li", parts))
    return render([
        el("h2", "Sources", id="sources"),
        el("p", f"The statements on this page come from {len(cited)} source{'s' if len(cited) != 1 else ''}. "
                "Quoted words that name what this page is about are shown; the other quotes are folded.",
           class_="muted"),
        el("ol", items, class_="sources"),
    ])


def _quote(literal: Literal, match: bool) -> Markup:
    return el("blockquote", el("p", str(literal)), lang=literal.language or None,
              class_="match" if match else None)


def _names_of(view: View, node: Node) -> set[str]:
    """Every name of ``node``, normalised (case and accents ignored), three letters or more."""
    model = view.model
    found = [str(lit) for lit in model.names(node)]
    for prop in (SKOS.altLabel, CN.abbreviation, SCHEMA.alternateName):
        found += [str(o) for o in model.rdf.objects(node, prop) if isinstance(o, Literal)]
    return {n for n in map(normalise, found) if len(n) >= 3}


def kind_label_of(view: View, entity: Entity) -> str:
    """What the entity is, in words: the English labels of its most specific classes."""
    model = view.model
    classes = [c for c in entity.classes
               if not any(c != other and c in model.superclasses.get(other, ()) for other in entity.classes)]
    labels = sorted({model.label(c) if model.entity(c) else kind_name(entity.kind) for c in classes})
    return ", ".join(labels) if labels else kind_name(entity.kind)


def membership_words(view: View, membership: Node, subject: str = "network") -> Markup:
    """"International City Network for Crisis Management (ICNCM) since 2016, represented by …"."""
    model = view.model
    target = model.value(membership, ORG.organization if subject == "network" else ORG.member)
    parts: list[Markup | str] = [view.link(target) if target is not None else "an unknown network"]
    if subject == "network" and target is not None:
        abbreviation = model.value(target, CN.abbreviation)
        if abbreviation is not None:
            parts.append(f" ({abbreviation})")
    start, end = model.membership_start(membership), model.membership_end(membership)
    if start is not None:
        parts.append(f" since {plain_literal(start)}")
    if end is not None:
        parts.append(f" until {plain_literal(end)}")
    for role in model.values(membership, ORG.role):
        parts += [", as ", view.link(role)]
    for body in model.values(membership, CN.representedBy):
        parts += [", represented by ", view.link(body)]
    return render(parts)
