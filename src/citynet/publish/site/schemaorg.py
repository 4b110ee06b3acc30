"""schema.org JSON-LD for search engines, mapped from the graph.

Types come from the ontology: an entity's nearest schema.org superclass (``cn:City
rdfs:subClassOf schema:City``, ``cn:Region`` → ``schema:AdministrativeArea``,
``cn:CityNetwork`` → ``schema:Organization``, ``cn:ConferenceEdition`` → ``schema:Event``),
else a schema.org type for the W3C vocabulary class (``org:Membership`` →
``OrganizationRole``, ``skos:Concept`` → ``DefinedTerm``, ``foaf:Document`` →
``CreativeWork``, ``rdf:Statement`` → ``Claim``). Properties in the schema.org
namespace, or below one (``cn:wikidataEntity rdfs:subPropertyOf schema:sameAs``), keep
their schema.org name; :data:`PROPERTY_MAP` names the others. Memberships become
``member``/``memberOf`` with an ``OrganizationRole`` that carries the start date and role.
"""

from __future__ import annotations

import json
from typing import Any

from rdflib import OWL, RDF, RDFS, SKOS, XSD, BNode, Literal, URIRef
from rdflib.namespace import PROV
from rdflib.term import Node

from citynet.publish.site.collect import CN, DCT, FOAF, GN, ORG, SCHEMA, WGS, Entity, SiteModel
from citynet.publish.site.paths import ONTOLOGY

_SCHEMA = str(SCHEMA)

# schema.org types for classes of other vocabularies.
TYPE_MAP: dict[URIRef, str] = {
    ORG.Membership: "OrganizationRole",
    ORG.Organization: "Organization",
    ORG.OrganizationalUnit: "Organization",
    ORG.Role: "DefinedTerm",
    SKOS.Concept: "DefinedTerm",
    SKOS.ConceptScheme: "DefinedTermSet",
    FOAF.Document: "CreativeWork",
    PROV.Entity: "CreativeWork",
    RDF.Statement: "Claim",
    OWL.Class: "DefinedTerm",
    OWL.ObjectProperty: "DefinedTerm",
    OWL.DatatypeProperty: "DefinedTerm",
    OWL.NamedIndividual: "DefinedTerm",
    OWL.Ontology: "DefinedTermSet",
}

# schema.org properties for properties of other vocabularies ("" leaves one out).
PROPERTY_MAP: dict[URIRef, str] = {
    RDFS.label: "name",
    SKOS.prefLabel: "name",
    SKOS.altLabel: "alternateName",
    CN.abbreviation: "alternateName",
    SKOS.definition: "description",
    SKOS.note: "disambiguatingDescription",
    FOAF.homepage: "url",
    DCT.source: "citation",
    DCT.issued: "datePublished",
    DCT.language: "inLanguage",
    CN.publisherName: "publisher",
    CN.quote: "text",
    CN.hostedBy: "location",
    CN.topic: "about",
    CN.priorityTopic: "about",
    CN.secretariat: "location",
    CN.relatedMedia: "subjectOf",
    CN.year: "startDate",
    ORG.hasSubOrganization: "subOrganization",
    ORG.subOrganizationOf: "parentOrganization",
    ORG.role: "roleName",
    SKOS.inScheme: "inDefinedTermSet",
    SKOS.topConceptOf: "",
    SKOS.hasTopConcept: "hasDefinedTerm",
    RDF.subject: "about",
    RDFS.isDefinedBy: "inDefinedTermSet",
    CN.conflictsWith: "isRelatedTo",
}


class SchemaOrg:
    """Builds schema.org JSON-LD objects for the entities of one model."""

    def __init__(self, model: SiteModel) -> None:
        self.model = model

    # ------------------------------------------------------------ types

    def types(self, node: Node) -> list[str]:
        """The nearest schema.org types of ``node``, from its classes upwards."""
        rdf = self.model.rdf
        frontier = [c for c in rdf.objects(node, RDF.type) if isinstance(c, URIRef)]
        seen: set[URIRef] = set()
        while frontier:
            found = sorted({str(c)[len(_SCHEMA):] for c in frontier if str(c).startswith(_SCHEMA)})
            if found:
                return found
            seen.update(frontier)
            frontier = [p for c in frontier for p in rdf.objects(c, RDFS.subClassOf)
                        if isinstance(p, URIRef) and p not in seen]
        mapped = sorted({TYPE_MAP[c] for c in self.model.all_classes(node) if c in TYPE_MAP})
        return mapped[:1] or ["Thing"]

    def _type_value(self, node: Node) -> str | list[str]:
        types = self.types(node)
        return types[0] if len(types) == 1 else types

    def property_name(self, prop: Node) -> str | None:
        if not isinstance(prop, URIRef):
            return None
        for candidate in self.model.superproperties(prop):
            if str(candidate).startswith(_SCHEMA):
                return str(candidate)[len(_SCHEMA):]
            if candidate in PROPERTY_MAP:
                return PROPERTY_MAP[candidate] or None
        return None

    # ------------------------------------------------------------ values

    def reference(self, node: Node) -> dict[str, Any]:
        """A short node: id, type and name."""
        return {"@id": str(node), "@type": self._type_value(node), "name": self.model.label(node)}

    def literal(self, literal: Literal) -> Any:
        if literal.datatype in (XSD.integer, XSD.int, XSD.nonNegativeInteger, XSD.positiveInteger):
            return int(literal)
        if literal.datatype == XSD.boolean:
            return bool(literal.toPython())
        if literal.datatype == XSD.decimal:
            return float(literal)
        return str(literal)

    def value(self, node: Node, name: str) -> Any:
        if isinstance(node, Literal):
            if name == "publisher":
                return {"@type": "Organization", "name": str(node)}
            return self.literal(node)
        if isinstance(node, BNode):
            return None
        if self.model.entity(node) is not None:
            return self.reference(node)
        return str(node)

    # ------------------------------------------------------------ entities

    def entity(self, entity: Entity) -> dict[str, Any]:
        """The schema.org description of one entity (what its page is about)."""
        model, node = self.model, entity.iri
        out: dict[str, list[Any]] = {}

        def add(name: str, value: Any) -> None:
            if value is not None and value != [] and value not in out.setdefault(name, []):
                out[name].append(value)

        add("name", entity.label)
        for lit in model.other_names(node):
            add("alternateName", str(lit))
        for prop, obj in sorted(model.rdf.predicate_objects(node), key=lambda po: (str(po[0]), str(po[1]))):
            if prop in (RDF.type, RDFS.label, SKOS.prefLabel) or prop in (WGS.lat, WGS.long, GN.countryCode):
                continue
            name = self.property_name(prop)
            if not name or name == "alternateName":
                continue
            if isinstance(obj, Literal) and obj.language and obj.language != "en" and name in (
                    "description", "name", "text", "disambiguatingDescription"):
                continue
            add(name, self.value(obj, name))
        if "startDate" in out and any(isinstance(v, str) and len(v) > 4 for v in out["startDate"]):
            out["startDate"] = [v for v in out["startDate"] if not (isinstance(v, str) and len(v) == 4)]
        coordinates = model.coordinates(node)
        if coordinates:
            add("geo", {"@type": "GeoCoordinates", "longitude": coordinates[0], "latitude": coordinates[1]})
        country = model.value(node, GN.countryCode)
        if isinstance(country, Literal):
            add("address", {"@type": "PostalAddress", "addressCountry": str(country)})
        for membership in model.memberships_of(node):
            network = model.value(membership, ORG.organization)
            if network is not None:
                add("memberOf", self._role(membership, "memberOf", network))
        for membership in model.memberships_in(node):
            place = model.value(membership, ORG.member)
            if place is not None:
                add("member", self._role(membership, "member", place))
        for edition in model.inbound(node, SCHEMA.superEvent):
            add("subEvent", self.reference(edition))
        if entity.kind == "term":
            add("termCode", entity.slug)
            add("inDefinedTermSet", {"@id": ONTOLOGY, "@type": "DefinedTermSet",
                                     "name": model.label(URIRef(ONTOLOGY))})
        result: dict[str, Any] = {"@context": "https://schema.org", "@type": self._type_value(node), "@id": str(node)}
        for name, values in out.items():
            result[name] = values[0] if len(values) == 1 else values
        if "url" not in result:
            result["url"] = str(node)
        if model.is_a(node, ORG.Membership):
            return self._membership(entity, result)
        return result

    def _role(self, membership: URIRef, prop: str, target: Node) -> dict[str, Any]:
        role: dict[str, Any] = {"@type": "OrganizationRole", "@id": str(membership), prop: self.reference(target)}
        start, end = self.model.membership_start(membership), self.model.membership_end(membership)
        if start is not None:
            role["startDate"] = str(start)
        if end is not None:
            role["endDate"] = str(end)
        role_names = [self.model.label(r) for r in self.model.values(membership, ORG.role)]
        if role_names:
            role["roleName"] = role_names[0] if len(role_names) == 1 else role_names
        return role

    def _membership(self, entity: Entity, described: dict[str, Any]) -> dict[str, Any]:
        """A membership as schema.org says it: the network, with a member role."""
        model = self.model
        network, place = model.value(entity.iri, ORG.organization), model.value(entity.iri, ORG.member)
        role = self._role(entity.iri, "member", place) if place is not None else {"@type": "OrganizationRole"}
        role["name"] = entity.label
        if "citation" in described:
            role["citation"] = described["citation"]
        if network is None:
            return {"@context": "https://schema.org", **role}
        return {"@context": "https://schema.org", **self.reference(network), "member": role}

    def item_list(self, name: str, entities: list[Entity], urls: list[str]) -> dict[str, Any]:
        """An index page: an ItemList of its entities."""
        return {
            "@context": "https://schema.org", "@type": "ItemList", "name": name,
            "numberOfItems": len(entities),
            "itemListElement": [
                {"@type": "ListItem", "position": i, "url": url,
                 "item": self.reference(e.iri)}
                for i, (e, url) in enumerate(zip(entities, urls, strict=True), start=1)],
        }

    def dataset(self, networks: list[Entity]) -> dict[str, Any]:
        """The home page: the graph as a Dataset, described by the ontology's metadata."""
        model, ontology = self.model, URIRef(ONTOLOGY)
        data: dict[str, Any] = {
            "@context": "https://schema.org", "@type": "Dataset",
            "name": "citynet: international city networks as linked data",
            "description": model.text(ontology, DCT.description) or "",
            "about": [self.reference(n.iri) for n in networks],
        }
        for prop, name in ((DCT.license, "license"), (DCT.creator, "creator"), (DCT.modified, "dateModified"),
                           (OWL.versionInfo, "version")):
            value = model.value(ontology, prop)
            if value is not None:
                data[name] = str(value)
        return data


def script(data: dict[str, Any]) -> str:
    """JSON for a ``<script type="application/ld+json">``, safe inside HTML."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
