"""The RDF published beside each page: Turtle and JSON-LD.

An entity's data is its bounded description (its statements, with the blank nodes
they lead to: :func:`citynet.publish.exports.describe`) plus the statements of other entities
that point to it (which memberships a network has, which entities cite a source),
leaving out ``rdf:type`` statements that point to a class. The ontology document's
data is the whole ontology.
"""

from __future__ import annotations

from rdflib import RDF, Graph, URIRef

from citynet.graph.prefixes import namespace_manager
from citynet.publish.exports import describe, to_jsonld
from citynet.publish.site.collect import SiteModel
from citynet.publish.site.paths import ONTOLOGY


def entity_graph(model: SiteModel, iri: URIRef) -> Graph:
    """What the ``.ttl`` and ``.jsonld`` beside the page of ``iri`` hold."""
    out = Graph(namespace_manager=namespace_manager())
    if str(iri) == ONTOLOGY:
        ontology = Graph()
        ontology.parse(model.graph.ontology_file, format="turtle")
        for triple in ontology:
            out.add(triple)
        return out
    for triple in describe(model.rdf, iri):
        out.add(triple)
    for subject, prop in model.rdf.subject_predicates(iri):
        if prop != RDF.type and isinstance(subject, URIRef):
            out.add((subject, prop, iri))
    return out


def turtle(graph: Graph) -> str:
    return graph.serialize(format="turtle")


def jsonld(graph: Graph) -> str:
    return to_jsonld(graph)
