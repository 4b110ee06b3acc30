"""The prefixes citynet shows IRIs with, for people (tables, reports)."""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

DATA_KINDS = ("body", "city", "claim", "event", "logo", "media", "membership", "network", "part",
              "region", "role", "source", "statement", "topic")

PREFIXES: dict[str, str] = {
    "cn": "https://w3id.org/citynet/def#",
    "cnsh": "https://w3id.org/citynet/shapes#",
    **{kind: f"https://w3id.org/citynet/id/{kind}/" for kind in DATA_KINDS},
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "gn": "http://www.geonames.org/ontology#",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "time": "http://www.w3.org/2006/time#",
    "wgs": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def namespace_manager() -> NamespaceManager:
    manager = NamespaceManager(Graph(), bind_namespaces="none")
    for prefix, iri in PREFIXES.items():
        manager.bind(prefix, Namespace(iri))
    return manager


def compact(term: str | Node) -> str:
    """``city:rostock`` for an IRI in a known namespace, else the term's text."""
    iri = str(term)
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            local = iri[len(namespace):]
            if local and all(c.isalnum() or c in "-_." for c in local) and not local.endswith("."):
                return f"{prefix}:{local}"
    return iri


def is_citynet(iri: URIRef | str) -> bool:
    return str(iri).startswith("https://w3id.org/citynet/")
