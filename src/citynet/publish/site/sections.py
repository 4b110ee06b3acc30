"""What every entity page shows (``templates/entity.html``): the title block, all its facts,
what links to it, its sources."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import RDF, RDFS, SKOS, Literal, URIRef
from rdflib.term import Node

from citynet.graph.names import normalise
from citynet.publish.site.collect import CN, DCT, INVERSE_WORDS, ORG, SCHEMA, Entity, kind_name, sort_key
from citynet.publish.site.i18n import gettext
from citynet.publish.site.values import Value, View, plain_literal, text_in_language

# Shown in the title block, not among the facts.
TITLE_PROPERTIES = frozenset({RDFS.label, SKOS.prefLabel, SKOS.altLabel, CN.abbreviation, DCT.source})


def other_names(view: View, entity: Entity) -> list[tuple[Value, str | None]]:
    """The names besides the title, each with its language tag."""
    return [(text_in_language(lit), lit.language) for lit in view.model.other_names(entity.iri)]


def facts(view: View, entity: Entity, skip: Iterable[URIRef] = ()) -> list[tuple[Value, list[Value]]]:
    """Every statement about the entity, by property (a link to the property's page where it
    has one), in words."""
    model = view.model
    skipped = TITLE_PROPERTIES | set(skip)
    by_property: dict[URIRef, list[Node]] = defaultdict(list)
    for prop, obj in model.rdf.predicate_objects(entity.iri):
        if prop not in skipped and isinstance(prop, URIRef):
            by_property[prop].append(obj)
    rows = []
    for prop in sorted(by_property, key=lambda p: (p != RDF.type, sort_key(model.property_label(p)))):
        term = model.entity(prop)
        label = model.property_label(prop)
        words = Value(label, view.links.page(term.path), "link") if term else Value(label)
        ordered: list[Node] = sorted(by_property[prop], key=model._order)
        rows.append((words, view.values(ordered)))
    return rows


def inbound(view: View, entity: Entity, skip: Iterable[URIRef] = ()) -> list[tuple[str, list[Value]]]:
    """What points to the entity, grouped by how ("Hosted", "Cited by", …)."""
    model = view.model
    skipped = {RDF.type, *skip}
    groups: dict[URIRef, list[URIRef]] = defaultdict(list)
    for subject, prop in model.rdf.subject_predicates(entity.iri):
        if prop not in skipped and isinstance(prop, URIRef) and isinstance(subject, URIRef) \
                and model.entity(subject) is not None:
            groups[prop].append(subject)
    rows = []
    for prop in sorted(groups, key=lambda p: sort_key(INVERSE_WORDS.get(p) or model.property_label(p))):
        subjects = sorted(set(groups[prop]), key=lambda s: sort_key(model.label(s)))
        words = INVERSE_WORDS.get(prop)
        shown = gettext(words) if words else gettext("“%(property)s” of") % {"property": model.property_label(prop)}
        rows.append((shown, view.values(subjects)))
    return rows


@dataclass(frozen=True)
class Quote:
    text: str
    lang: str | None


@dataclass(frozen=True)
class CitedSource:
    """One source of an entity: its link, what is known of it, and its quotes."""

    link: Value
    about: list[Value]
    matching: list[Quote]
    other: list[Quote]


def sources(view: View, entity: Entity, mentions: Iterable[Node] = ()) -> list[CitedSource]:
    """The entity's sources, each with the quoted words that name the entity (or, when
    ``mentions`` are given, that name each of them: a membership's member and network);
    the other quotes are folded away."""
    model = view.model
    required = [_names_of(view, node) for node in (list(mentions) or [entity.iri])]

    def names_all(quote: Literal) -> bool:
        text = normalise(str(quote))
        return all(any(name in text for name in names) for names in required)

    cited = []
    for source in model.sources_of(entity.iri):
        quotes = [q for q in model.values(source, CN.quote) if isinstance(q, Literal)]
        about = []
        url = model.value(source, SCHEMA.url)
        if url is not None:
            about.append(Value(gettext("read the source"), str(url), "external"))
        publisher = model.value(source, CN.publisherName)
        if publisher is not None:
            about.append(Value(gettext("published by %(publisher)s") % {"publisher": publisher}))
        issued = model.value(source, DCT.issued)
        if isinstance(issued, Literal):
            about.append(Value(gettext("on %(date)s") % {"date": plain_literal(issued)}))
        cited.append(CitedSource(view.value(source), about,
                                 [Quote(str(q), q.language) for q in quotes if names_all(q)],
                                 [Quote(str(q), q.language) for q in quotes if not names_all(q)]))
    return cited


def _names_of(view: View, node: Node) -> set[str]:
    """Every name of ``node``, normalised (case and accents ignored), three letters or more."""
    model = view.model
    found = [str(lit) for lit in model.names(node)]
    for prop in (SKOS.altLabel, CN.abbreviation, SCHEMA.alternateName):
        found += [str(o) for o in model.rdf.objects(node, prop) if isinstance(o, Literal)]
    return {n for n in map(normalise, found) if len(n) >= 3}


def kind_label_of(view: View, entity: Entity) -> str:
    """What the entity is, in words: the labels of its most specific classes, in the page's language."""
    model = view.model
    classes = [c for c in entity.classes
               if not any(c != other and c in model.superclasses.get(other, ()) for other in entity.classes)]
    labels = sorted({model.label(c, view.lang) if model.entity(c) else kind_name(entity.kind) for c in classes})
    return ", ".join(labels) if labels else kind_name(entity.kind)


@dataclass(frozen=True)
class MembershipWords:
    """"International City Network for Crisis Management (ICNCM) since 2016, represented by …",
    written by the ``membership_words`` macro of parts.html."""

    target: Value
    abbreviation: str | None
    start: str | None
    end: str | None
    roles: list[Value]
    bodies: list[Value]


def membership_words(view: View, membership: Node, subject: str = "network") -> MembershipWords:
    model = view.model
    target = model.value(membership, ORG.organization if subject == "network" else ORG.member)
    abbreviation = model.value(target, CN.abbreviation) if subject == "network" and target is not None else None
    start, end = model.membership_start(membership), model.membership_end(membership)
    return MembershipWords(
        target=view.value(target) if target is not None else Value(gettext("an unknown network")),
        abbreviation=str(abbreviation) if abbreviation is not None else None,
        start=plain_literal(start) if start is not None else None,
        end=plain_literal(end) if end is not None else None,
        roles=view.values(model.values(membership, ORG.role)),
        bodies=view.values(model.values(membership, CN.representedBy)))
