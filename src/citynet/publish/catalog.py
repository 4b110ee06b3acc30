"""Dataset descriptions for open-data portals and search engines.

- :func:`build_catalog`: a DCAT-AP.de catalog (the profile GovData and CKAN's
  ckanext-dcat harvest) with the dataset, one distribution per export format of
  :mod:`citynet.publish.exports` (with its size and SHA-256 checksum), and the SPARQL endpoint as a
  data service and as a distribution that points to it (ckanext-dcat imports datasets and
  their distributions only, so a service alone stays invisible to a portal);
- :func:`build_void`: a VoID description with counts and partitions;
- :func:`schema_org_dataset`: a schema.org ``Dataset`` in JSON-LD, for a landing page.

Who publishes, where and under which licence comes from the publication config
(:mod:`citynet.publish.publication`). What the data holds comes from the graph, by SPARQL:
counts, the period it covers, when it was created and last modified, its creator.
Controlled-vocabulary values are IRIs, each with an ``rdf:type``, as the
DCAT-AP range checks expect.
"""

from __future__ import annotations

import calendar
import datetime
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from typing import Literal as Choice

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, VOID, XSD
from rdflib.term import Node

from citynet.errors import InputError
from citynet.formats import (
    DESCRIPTION_FORMATS,
    EXPORT_FORMATS,
    JSONLD,
    RDF_EXPORT_FORMATS,
    RDFXML,
    TURTLE,
    Format,
    by_name,
    names,
)
from citynet.graph.knowledge_graph import KnowledgeGraph
from citynet.graph.prefixes import PREFIXES
from citynet.publish.downloads import Download, downloads
from citynet.publish.publication import DATA_THEMES, EU_AUTHORITY, PublicationConfig, load_config
from citynet.publish.stable_text import rdfxml, sorted_jsonld, stable_graph
from citynet.querying.execute import run
from citynet.querying.stored_queries import catalogue

DCATAP = Namespace("http://data.europa.eu/r5r/")  # as DCAT-AP 3 and ckanext-dcat write it
DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SCHEMA_ORG = "https://schema.org/"
FILE_TYPE = Namespace(f"{EU_AUTHORITY}file-type/")
GEOSPARQL = Namespace("http://www.opengis.net/ont/geosparql#")
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
SHA256 = SPDX.checksumAlgorithm_sha256
ENDPOINT_DISTRIBUTION = "sparql"
"""The last path segment of the distribution that points to the SPARQL service."""

VIEW_QUERIES = {"csv": "memberships", "geojson": "member-locations"}
"""The stored query behind each tabular export (see :func:`citynet.publish.exports.export`);
its summary describes the distribution."""

What = Choice["dcat", "void", "schema"]

_PREFIXES = """
PREFIX cn: <https://w3id.org/citynet/def#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

# Dates of what the data describes (founding years, memberships, conferences, statements),
# not of the documents it comes from: sources and the ontology document are left out.
# ?from and ?to are sort keys ("1991" counts as 1991-01-01 for the start, 1991-12-31 for the end).
_TEMPORAL_VALUES = """
  ?s ?p ?value .
  FILTER (isLITERAL(?value) && DATATYPE(?value) IN (xsd:date, xsd:dateTime, xsd:gYear, xsd:gYearMonth))
  FILTER NOT EXISTS { ?s a cn:Source }
  FILTER NOT EXISTS { ?s a owl:Ontology }
  BIND (STR(?value) AS ?text)
  BIND (IF(DATATYPE(?value) = xsd:gYear, CONCAT(?text, "-01-01"),
        IF(DATATYPE(?value) = xsd:gYearMonth, CONCAT(?text, "-01"), SUBSTR(?text, 1, 10))) AS ?from)
  BIND (IF(DATATYPE(?value) = xsd:gYear, CONCAT(?text, "-12-31"),
        IF(DATATYPE(?value) = xsd:gYearMonth, CONCAT(?text, "-31"), SUBSTR(?text, 1, 10))) AS ?to)
"""
TEMPORAL_QUERY = _PREFIXES + f"""
SELECT ?earliest ?latest WHERE {{
  {{ SELECT (?value AS ?earliest) WHERE {{ {_TEMPORAL_VALUES} }} ORDER BY ?from ?text LIMIT 1 }}
  {{ SELECT (?value AS ?latest) WHERE {{ {_TEMPORAL_VALUES} }} ORDER BY DESC(?to) DESC(?text) LIMIT 1 }}
}}
"""

# The ontology document: its IRI, creator, and when it was created; the newest dct:modified
# anywhere in the graph (ontology or data) is when the dataset last changed.
DOCUMENT_QUERY = _PREFIXES + """
SELECT ?ontology ?creator ?created ?version ?modified WHERE {
  ?ontology a owl:Ontology .
  OPTIONAL { ?ontology dct:creator ?creator }
  OPTIONAL { ?ontology dct:created ?created }
  OPTIONAL { ?ontology owl:versionInfo ?version }
  { SELECT (MAX(?date) AS ?modified) WHERE {
      ?s dct:modified ?date . FILTER (DATATYPE(?date) IN (xsd:date, xsd:dateTime)) } }
}
ORDER BY ?ontology LIMIT 1
"""

# Places by their GeoNames feature: the English name and the coordinates, for spatial coverage.
PLACES_QUERY = """
PREFIX cn: <https://w3id.org/citynet/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX wgs: <http://www.w3.org/2003/01/geo/wgs84_pos#>
SELECT ?feature (SAMPLE(?label) AS ?name) (SAMPLE(?latitude) AS ?lat) (SAMPLE(?longitude) AS ?long) WHERE {
  ?place cn:geonamesFeature ?feature .
  OPTIONAL { ?place rdfs:label ?label . FILTER (LANGMATCHES(LANG(?label), "en")) }
  OPTIONAL { ?place wgs:lat ?latitude ; wgs:long ?longitude }
}
GROUP BY ?feature
"""

# VoID: every number is a count over the store's default graph (ontology + data).
VOID_TOTALS_QUERY = """
SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects)
       (COUNT(DISTINCT ?p) AS ?properties)
WHERE { ?s ?p ?o }
"""
# ?uriSpace is bound by the engine (and so projected: Oxigraph binds projected variables only).
VOID_ENTITIES_QUERY = """
SELECT ?uriSpace (COUNT(DISTINCT ?s) AS ?entities) WHERE {
  ?s ?p ?o . FILTER (isIRI(?s) && STRSTARTS(STR(?s), ?uriSpace))
}
GROUP BY ?uriSpace
"""
VOID_CLASSES_QUERY = """
SELECT (COUNT(DISTINCT ?class) AS ?classes) WHERE { ?s a ?class }
"""
CLASS_PARTITION_QUERY = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?entities) WHERE { ?s a ?class } GROUP BY ?class ORDER BY ?class
"""
PROPERTY_PARTITION_QUERY = """
SELECT ?property (COUNT(*) AS ?triples) WHERE { ?s ?property ?o } GROUP BY ?property ORDER BY ?property
"""


# ---------------------------------------------------------------- what the graph says


def _select(graph: KnowledgeGraph, text: str, **bindings: Literal | URIRef) -> list[dict[str, Node]]:
    """Each solution's bound values by variable name (an unbound variable has no entry)."""
    result = run(text, graph, bindings)
    return [{name: value for name, value in zip(result.variables, row, strict=True) if value is not None}
            for row in result.terms]


def temporal_coverage(graph: KnowledgeGraph) -> tuple[Literal, Literal] | None:
    """The earliest and the latest date or year in the data, as they are written there."""
    rows = _select(graph, TEMPORAL_QUERY)
    if not rows or "earliest" not in rows[0]:
        return None
    earliest, latest = rows[0]["earliest"], rows[0]["latest"]
    assert isinstance(earliest, Literal) and isinstance(latest, Literal)  # dates and years
    return earliest, latest


def period_bounds(earliest: Literal, latest: Literal) -> tuple[Literal, Literal]:
    """The first and the last day of the period from ``earliest`` to ``latest``, as xsd:date:
    a year 1991 starts on 1991-01-01 and ends on 1991-12-31. DCAT-AP 2 accepts only dates here."""
    return Literal(_day(earliest, last=False), datatype=XSD.date), Literal(_day(latest, last=True), datatype=XSD.date)


def _day(value: Literal, last: bool) -> datetime.date:
    text = str(value)
    if value.datatype == XSD.gYear:
        return datetime.date(int(text[:4]), 12, 31) if last else datetime.date(int(text[:4]), 1, 1)
    if value.datatype == XSD.gYearMonth:
        year, month = int(text[:4]), int(text[5:7])
        return datetime.date(year, month, calendar.monthrange(year, month)[1] if last else 1)
    return datetime.date.fromisoformat(text[:10])


def places(graph: KnowledgeGraph) -> dict[str, dict[str, Node]]:
    """The graph's places by GeoNames feature IRI: their English name, latitude and longitude."""
    return {str(row["feature"]): row for row in _select(graph, PLACES_QUERY)}


def document_facts(graph: KnowledgeGraph) -> dict[str, Node]:
    """The ontology IRI, its creator, creation date and version, and the newest dct:modified."""
    rows = _select(graph, DOCUMENT_QUERY)
    if not rows:
        raise InputError("the graph has no owl:Ontology: cannot date or attribute the dataset",
                         hint="describe the ontology document with dct:created and dct:modified")
    return rows[0]


def _required(facts: Mapping[str, Node], name: str, what: str) -> Node:
    value = facts.get(name)
    if value is None:
        raise InputError(f"the graph gives no {what}: the dataset description needs it",
                         hint=f"add it to the ontology header ({facts.get('ontology')})")
    return value


def _iri(node: Node | None) -> URIRef | None:
    return node if isinstance(node, URIRef) else None


# ---------------------------------------------------------------- DCAT-AP.de


def build_catalog(graph: KnowledgeGraph, config: PublicationConfig | None = None,
                  files: Mapping[str, Download] | None = None) -> Graph:
    """A DCAT-AP.de catalog: the catalog, the dataset, its distributions and the SPARQL service.

    ``files`` are the downloads by export format, with their sizes and checksums; without
    them each export is made once here to measure it (``citynet publish`` passes the ones it
    writes)."""
    config = config or load_config()
    files = files if files is not None else downloads(graph, config)
    facts = document_facts(graph)
    out = _new_graph()
    shared = _Shared(
        modified=_required(facts, "modified", "dct:modified date"),
        issued=facts.get("created"),
        ontology=_iri(facts.get("ontology")),
        publisher=_add_publisher(out, config),
        licence=_add_licence(out, config),
        contact=_add_contact(out, config),
        languages=[_typed(out, iri, DCTERMS.LinguisticSystem) for iri in config.dataset.languages],
        spatial=[_add_location(out, iri, places(graph)) for iri in config.dataset.spatial],
    )
    _add_catalog(out, config, shared)
    _add_dataset(out, config, shared, temporal_coverage(graph), files)
    _add_service(out, config, shared)
    return out


@dataclass(frozen=True)
class _Shared:
    """Nodes and values that the catalog, the dataset and the service have in common."""

    modified: Node
    issued: Node | None
    ontology: URIRef | None
    publisher: URIRef
    licence: URIRef
    contact: BNode
    languages: list[URIRef]
    spatial: list[URIRef]


def _add_catalog(out: Graph, config: PublicationConfig, shared: _Shared) -> None:
    catalog = URIRef(config.catalog_iri)
    out.add((catalog, RDF.type, DCAT.Catalog))
    _add_texts(out, catalog, DCTERMS.title, config.catalog.title)
    _add_texts(out, catalog, DCTERMS.description, config.catalog.description)
    out.add((catalog, DCTERMS.publisher, shared.publisher))
    out.add((catalog, DCTERMS.license, shared.licence))
    out.add((catalog, FOAF.homepage, _typed(out, config.catalog.homepage or config.base_url, FOAF.Document)))
    _add_dates(out, catalog, shared)
    taxonomy = _typed(out, DATA_THEMES, SKOS.ConceptScheme)
    _add_texts(out, taxonomy, DCTERMS.title, config.labels[DATA_THEMES])
    out.add((catalog, DCAT.themeTaxonomy, taxonomy))
    for node in shared.languages:
        out.add((catalog, DCTERMS.language, node))
    for node in shared.spatial:
        out.add((catalog, DCTERMS.spatial, node))
    out.add((catalog, DCAT.dataset, URIRef(config.dataset_iri)))
    out.add((catalog, DCAT.service, service_iri(config)))


def _add_dataset(out: Graph, config: PublicationConfig, shared: _Shared,
                 coverage: tuple[Literal, Literal] | None, files: Mapping[str, Download]) -> None:
    dataset = URIRef(config.dataset_iri)
    out.add((dataset, RDF.type, DCAT.Dataset))
    _add_texts(out, dataset, DCTERMS.title, config.dataset.title)
    _add_texts(out, dataset, DCTERMS.description, config.dataset.description)
    _add_keywords_and_themes(out, config, dataset)
    out.add((dataset, DCTERMS.identifier, Literal(config.dataset_iri)))
    _add_dates(out, dataset, shared)
    out.add((dataset, DCTERMS.publisher, shared.publisher))
    out.add((dataset, DCAT.contactPoint, shared.contact))
    out.add((dataset, DCAT.landingPage, _typed(out, config.base_url, FOAF.Document)))
    out.add((dataset, DCATDE.contributorID, _add_concept(out, config, config.contributor_id)))
    if shared.ontology is not None:
        out.add((dataset, DCTERMS.conformsTo, _typed(out, shared.ontology, DCTERMS.Standard)))
    for node in shared.languages:
        out.add((dataset, DCTERMS.language, node))
    for node in shared.spatial:
        out.add((dataset, DCTERMS.spatial, node))
    if config.dataset.accrual_periodicity:
        out.add((dataset, DCTERMS.accrualPeriodicity,
                 _typed(out, config.dataset.accrual_periodicity, DCTERMS.Frequency)))
    if config.dataset.access_rights:
        out.add((dataset, DCTERMS.accessRights, _typed(out, config.dataset.access_rights, DCTERMS.RightsStatement)))
    if coverage is not None:
        period = BNode()
        start, end = period_bounds(*coverage)
        out.add((dataset, DCTERMS.temporal, period))
        out.add((period, RDF.type, DCTERMS.PeriodOfTime))
        out.add((period, DCAT.startDate, start))
        out.add((period, DCAT.endDate, end))
    for fmt in EXPORT_FORMATS:
        out.add((dataset, DCAT.distribution, _add_distribution(out, config, fmt, shared, files[fmt.name])))
    out.add((dataset, DCAT.distribution, _add_endpoint_distribution(out, config, shared)))


def _add_service(out: Graph, config: PublicationConfig, shared: _Shared) -> None:
    service = service_iri(config)
    out.add((service, RDF.type, DCAT.DataService))
    _add_texts(out, service, DCTERMS.title, {lang: f"{title} (SPARQL)" for lang, title in config.dataset.title.items()})
    out.add((service, DCAT.endpointURL, _typed(out, config.sparql_endpoint, RDFS.Resource)))
    out.add((service, DCAT.servesDataset, URIRef(config.dataset_iri)))
    out.add((service, DCTERMS.conformsTo, _typed(out, SPARQL_PROTOCOL, DCTERMS.Standard)))
    out.add((service, DCTERMS.publisher, shared.publisher))
    out.add((service, DCTERMS.license, shared.licence))
    out.add((service, DCAT.contactPoint, shared.contact))
    _add_keywords_and_themes(out, config, service)


def _add_dates(out: Graph, subject: URIRef, shared: _Shared) -> None:
    out.add((subject, DCTERMS.modified, shared.modified))
    if shared.issued is not None:
        out.add((subject, DCTERMS.issued, shared.issued))


def _add_keywords_and_themes(out: Graph, config: PublicationConfig, subject: URIRef) -> None:
    for language, words in config.dataset.keywords.items():
        for word in words:
            out.add((subject, DCAT.keyword, Literal(word, lang=language)))
    for theme in config.dataset.themes:
        out.add((subject, DCAT.theme, _add_concept(out, config, theme)))


def service_iri(config: PublicationConfig) -> URIRef:
    """The SPARQL service as a resource (its endpoint URL is another: ``config.sparql_endpoint``)."""
    return URIRef(f"{config.catalog_iri}/service/sparql")


def distribution_iri(config: PublicationConfig, fmt: str) -> URIRef:
    return URIRef(f"{config.dataset_iri}/{fmt}")


def media_type_iri(fmt: Format) -> URIRef:
    """The IANA media-type IRI of an export format (``…/media-types/text/turtle``)."""
    return URIRef(IANA_MEDIA_TYPES + fmt.media_type)


def _add_distribution(out: Graph, config: PublicationConfig, fmt: Format, shared: _Shared,
                      file: Download) -> URIRef:
    distribution = distribution_iri(config, fmt.name)
    if file.url != config.download_url(f".{fmt.suffix}"):
        raise ValueError(f"the {fmt.name} download measured is {file.url}, not the one described")
    url = _typed(out, file.url, RDFS.Resource)
    out.add((distribution, RDF.type, DCAT.Distribution))
    _add_texts(out, distribution, DCTERMS.title,
               {lang: f"{title} ({fmt.label})" for lang, title in config.dataset.title.items()})
    if fmt.name in VIEW_QUERIES:
        stored = catalogue().get(VIEW_QUERIES[fmt.name])
        out.add((distribution, DCTERMS.description, Literal(stored.summary, lang="en")))
    else:
        _add_texts(out, distribution, DCTERMS.description, config.distribution_description)
        if shared.ontology is not None:
            out.add((distribution, DCTERMS.conformsTo, shared.ontology))
    out.add((distribution, DCAT.accessURL, url))
    out.add((distribution, DCAT.downloadURL, url))
    assert fmt.eu_file_type is not None  # every export format has its code
    out.add((distribution, DCTERMS.format, _typed(out, FILE_TYPE[fmt.eu_file_type], DCTERMS.MediaTypeOrExtent)))
    out.add((distribution, DCAT.mediaType, _typed(out, media_type_iri(fmt), DCTERMS.MediaType)))
    # DCAT 3 and DCAT-AP 3 type the size as xsd:nonNegativeInteger (DCAT-AP.de 2.0 wanted xsd:decimal).
    out.add((distribution, DCAT.byteSize, Literal(file.size, datatype=XSD.nonNegativeInteger)))
    out.add((distribution, SPDX.checksum, _add_checksum(out, file.sha256)))
    _add_terms_of_use(out, config, distribution, shared)
    return distribution


def _add_endpoint_distribution(out: Graph, config: PublicationConfig, shared: _Shared) -> URIRef:
    """The SPARQL endpoint as a distribution of the dataset, pointing to the service."""
    distribution = distribution_iri(config, ENDPOINT_DISTRIBUTION)
    out.add((distribution, RDF.type, DCAT.Distribution))
    _add_texts(out, distribution, DCTERMS.title,
               {lang: f"{title} (SPARQL)" for lang, title in config.dataset.title.items()})
    out.add((distribution, DCAT.accessURL, _typed(out, config.sparql_endpoint, RDFS.Resource)))
    out.add((distribution, DCAT.accessService, service_iri(config)))
    _add_terms_of_use(out, config, distribution, shared)
    return distribution


def _add_terms_of_use(out: Graph, config: PublicationConfig, distribution: URIRef, shared: _Shared) -> None:
    """Licence, attribution, availability and date: the same on every distribution."""
    out.add((distribution, DCTERMS.license, shared.licence))
    if config.licence.attribution:
        out.add((distribution, DCATDE.licenseAttributionByText, Literal(config.licence.attribution)))
    if config.dataset.availability:
        out.add((distribution, DCATAP.availability, _add_concept(out, config, config.dataset.availability)))
    out.add((distribution, DCTERMS.modified, shared.modified))


def _add_checksum(out: Graph, sha256: str) -> BNode:
    checksum = BNode()
    out.add((checksum, RDF.type, SPDX.Checksum))
    out.add((checksum, SPDX.algorithm, _typed(out, SHA256, SPDX.ChecksumAlgorithm)))
    out.add((checksum, SPDX.checksumValue, Literal(sha256, datatype=XSD.hexBinary)))
    return checksum


def _add_publisher(out: Graph, config: PublicationConfig) -> URIRef:
    agent = URIRef(config.publisher.iri)
    out.add((agent, RDF.type, FOAF.Agent))
    out.add((agent, RDF.type, FOAF.Organization))
    out.add((agent, FOAF.name, Literal(config.publisher.name)))
    if config.publisher.type:
        out.add((agent, DCTERMS.type, _add_concept(out, config, config.publisher.type)))
    if config.publisher.homepage:
        out.add((agent, FOAF.homepage, _typed(out, config.publisher.homepage, FOAF.Document)))
    return agent


def _add_concept(out: Graph, config: PublicationConfig, iri: str) -> URIRef:
    """A concept of a controlled vocabulary, with the label the config copies from it."""
    concept = _typed(out, iri, SKOS.Concept)
    _add_texts(out, concept, SKOS.prefLabel, config.labels[iri])
    return concept


def _add_location(out: Graph, iri: str, known: Mapping[str, Mapping[str, Node | None]]) -> URIRef:
    """A place of the spatial coverage; where the graph has it, with its centroid (WKT, CRS84)."""
    location = _typed(out, iri, DCTERMS.Location)
    place = known.get(iri)
    if place is not None and "lat" in place and "long" in place:
        out.add((location, DCAT.centroid,
                 Literal(f"POINT({place['long']} {place['lat']})", datatype=GEOSPARQL.wktLiteral)))
    return location


def _add_contact(out: Graph, config: PublicationConfig) -> BNode:
    contact = BNode()
    out.add((contact, RDF.type, VCARD.Organization))
    out.add((contact, RDF.type, VCARD.Kind))  # what DCAT-AP checks, for validators without vCard
    out.add((contact, VCARD.fn, Literal(config.contact.name)))
    if config.contact.email:
        out.add((contact, VCARD.hasEmail, URIRef(f"mailto:{config.contact.email}")))
    if config.contact.url:
        out.add((contact, VCARD.hasURL, URIRef(config.contact.url)))
    return contact


def _add_licence(out: Graph, config: PublicationConfig) -> URIRef:
    licence = _typed(out, config.licence.iri, DCTERMS.LicenseDocument)
    # The licence list's own name for it: CKAN portals (ckanext-dcat) find a licence in their
    # register by its IRI or by this title, and GovData's register keeps the licence text there.
    _add_texts(out, licence, DCTERMS.title, config.labels.get(config.licence.iri, {}))
    if config.licence.type:
        out.add((licence, DCTERMS.type, _add_concept(out, config, config.licence.type)))
    if config.licence.document != config.licence.iri:
        out.add((licence, RDFS.seeAlso, URIRef(config.licence.document)))
    return licence


# ---------------------------------------------------------------- VoID


def build_void(graph: KnowledgeGraph, config: PublicationConfig | None = None) -> Graph:
    """A VoID description of the graph (ontology + data): sizes, partitions, dumps, endpoint."""
    config = config or load_config()
    out = _new_graph()
    dataset = URIRef(config.dataset_iri)
    totals = _select(graph, VOID_TOTALS_QUERY)[0]
    entities = _select(graph, VOID_ENTITIES_QUERY, uriSpace=Literal(config.uri_space))
    classes = _select(graph, VOID_CLASSES_QUERY)[0]
    out.add((dataset, RDF.type, VOID.Dataset))
    _add_texts(out, dataset, DCTERMS.title, config.dataset.title)
    out.add((dataset, DCTERMS.publisher, URIRef(config.publisher.iri)))
    out.add((dataset, DCTERMS.license, URIRef(config.licence.document)))
    facts = document_facts(graph)
    if (modified := facts.get("modified")) is not None:
        out.add((dataset, DCTERMS.modified, modified))
    out.add((dataset, VOID.triples, totals["triples"]))
    out.add((dataset, VOID.distinctSubjects, totals["subjects"]))
    out.add((dataset, VOID.distinctObjects, totals["objects"]))
    out.add((dataset, VOID.properties, totals["properties"]))
    out.add((dataset, VOID.entities, entities[0]["entities"] if entities else Literal(0)))
    out.add((dataset, VOID.classes, classes["classes"]))
    out.add((dataset, VOID.uriSpace, Literal(config.uri_space)))
    out.add((dataset, VOID.sparqlEndpoint, URIRef(config.sparql_endpoint)))
    for fmt in RDF_EXPORT_FORMATS:
        out.add((dataset, VOID.dataDump, URIRef(config.download_url(f".{fmt.suffix}"))))
    used: set[str] = set()
    for row in _select(graph, CLASS_PARTITION_QUERY):
        partition = BNode()
        out.add((dataset, VOID.classPartition, partition))
        out.add((partition, VOID["class"], row["class"]))
        out.add((partition, VOID.entities, row["entities"]))
        used.add(str(row["class"]))
    for row in _select(graph, PROPERTY_PARTITION_QUERY):
        partition = BNode()
        out.add((dataset, VOID.propertyPartition, partition))
        out.add((partition, VOID.property, row["property"]))
        out.add((partition, VOID.triples, row["triples"]))
        used.add(str(row["property"]))
    for vocabulary in sorted({_namespace(iri) for iri in used} - {config.base_url, config.uri_space}):
        out.add((dataset, VOID.vocabulary, URIRef(vocabulary)))
    return out


def _namespace(iri: str) -> str:
    """``https://schema.org/`` for ``https://schema.org/name``; ``…/def#`` for ``…/def#City``."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[:cut + 1]


# ---------------------------------------------------------------- schema.org


def schema_org_dataset(graph: KnowledgeGraph, config: PublicationConfig | None = None) -> dict[str, Any]:
    """A schema.org ``Dataset`` as JSON-LD, with its @context embedded (no reader needs the
    network). Texts are in the config's first language; keywords in all of them."""
    config = config or load_config()
    facts = document_facts(graph)
    language = next(iter(config.dataset.title))
    names = {iri: str(place["name"]) for iri, place in places(graph).items() if "name" in place}
    document: dict[str, Any] = {
        "@context": {"@vocab": SCHEMA_ORG, **{key: {"@type": "@id"} for key in
                                              ("url", "contentUrl", "license", "sameAs")}},
        "@type": "Dataset",
        "@id": config.dataset_iri,
        "name": config.dataset.title[language],
        "description": config.dataset.description.get(language) or next(iter(config.dataset.description.values())),
        "url": config.base_url,
        "identifier": config.dataset_iri,
        "license": config.licence.document,
        "isAccessibleForFree": True,
        "inLanguage": list(config.dataset.title),
        "keywords": [word for words in config.dataset.keywords.values() for word in words],
        "publisher": _schema_publisher(config),
        "spatialCoverage": [{"@type": "Place", "sameAs": iri, **({"name": names[iri]} if iri in names else {})}
                            for iri in config.dataset.spatial],
        "includedInDataCatalog": {"@type": "DataCatalog", "@id": config.catalog_iri,
                                  "name": config.catalog.title.get(language)
                                  or next(iter(config.catalog.title.values()))},
        "distribution": [
            {"@type": "DataDownload", "name": f"{config.dataset.title[language]} ({fmt.label})",
             "encodingFormat": fmt.media_type, "contentUrl": config.download_url(f".{fmt.suffix}")}
            for fmt in EXPORT_FORMATS
        ],
    }
    if facts.get("creator") is not None:
        document["creator"] = {"@type": "Organization", "name": str(facts["creator"])}
    if facts.get("modified") is not None:
        document["dateModified"] = str(facts["modified"])
    if facts.get("created") is not None:
        document["datePublished"] = str(facts["created"])
    if facts.get("version") is not None:
        document["version"] = str(facts["version"])
    coverage = temporal_coverage(graph)
    if coverage is not None:
        document["temporalCoverage"] = f"{coverage[0]}/{coverage[1]}"
    return document


def _schema_publisher(config: PublicationConfig) -> dict[str, Any]:
    publisher: dict[str, Any] = {"@type": "Organization", "@id": config.publisher.iri, "name": config.publisher.name}
    if config.publisher.homepage:
        publisher["url"] = config.publisher.homepage
    contact: dict[str, Any] = {"@type": "ContactPoint", "name": config.contact.name}
    if config.contact.email:
        contact["email"] = config.contact.email
    if config.contact.url:
        contact["url"] = config.contact.url
    publisher["contactPoint"] = contact
    return publisher


# ---------------------------------------------------------------- output


def render(description: Graph | Mapping[str, Any], fmt: str) -> str:
    """A description in ``fmt`` (turtle, rdfxml, jsonld). A schema.org dict is written as it
    is for jsonld, and read as JSON-LD into a graph for the other formats."""
    if fmt not in names(DESCRIPTION_FORMATS):
        raise InputError(f"unknown format {fmt!r} for a dataset description",
                         hint=f"formats: {', '.join(names(DESCRIPTION_FORMATS))}")
    chosen = by_name(fmt, DESCRIPTION_FORMATS)
    if isinstance(description, Mapping):
        if chosen is JSONLD:
            return json.dumps(description, ensure_ascii=False, indent=2) + "\n"
        description = _new_graph().parse(data=json.dumps(description), format="json-ld")
    description = stable_graph(description, _new_graph())
    terms = {str(term) for triple in description for term in triple if isinstance(term, URIRef)}
    used = {prefix: str(namespace) for prefix, namespace in _BINDINGS.items()
            if any(term.startswith(str(namespace)) for term in terms)}
    if chosen is TURTLE:
        return description.serialize(format="turtle")
    if chosen is RDFXML:
        return rdfxml(description, used)
    return sorted_jsonld(description.serialize(format="json-ld", context=used, auto_compact=True))


def catalog_document(graph: KnowledgeGraph, fmt: str = "turtle", what: What = "dcat",
                     config: PublicationConfig | None = None, files: Mapping[str, Download] | None = None) -> str:
    """The DCAT-AP.de catalog, the VoID description or the schema.org Dataset, as text
    (what the ``citynet catalog`` command prints). ``files``: see :func:`build_catalog`."""
    config = config or load_config()
    if what == "dcat":
        return render(build_catalog(graph, config, files), fmt)
    if what == "void":
        return render(build_void(graph, config), fmt)
    if what == "schema":
        return render(schema_org_dataset(graph, config), fmt)
    raise InputError(f"unknown description {what!r}", hint="choose dcat, void or schema")


_BINDINGS = {
    **{prefix: Namespace(iri) for prefix, iri in PREFIXES.items()},
    "dcat": DCAT, "dcatap": DCATAP, "dcatde": DCATDE, "geosparql": GEOSPARQL, "spdx": SPDX, "vcard": VCARD,
    "void": VOID,
}


def _new_graph() -> Graph:
    out = Graph(bind_namespaces="core")  # core includes xml: (RDF/XML writes xml:lang)
    for prefix, namespace in _BINDINGS.items():
        out.bind(prefix, namespace)
    return out


def _typed(out: Graph, iri: str | URIRef, rdf_type: URIRef) -> URIRef:
    """The IRI, typed in ``out``: DCAT-AP checks the class of every value."""
    node = URIRef(iri)
    out.add((node, RDF.type, rdf_type))
    return node


def _add_texts(out: Graph, subject: Node, predicate: URIRef, texts: Mapping[str, str]) -> None:
    """One language-tagged literal per entry of ``texts`` (language tag -> text)."""
    for language, text in texts.items():
        out.add((subject, predicate, Literal(text, lang=language)))
