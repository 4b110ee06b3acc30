"""The RDF published beside each page: Turtle and JSON-LD of the page's entity document
(:mod:`citynet.publish.entity_document`, the same the server and ``citynet export --entity``
give). The ontology's page has the ontology itself: its Turtle is the ontology file."""

from __future__ import annotations

from citynet.publish.entity_document import document_bytes, entity_document, ontology_document
from citynet.publish.site.collect import SiteModel
from citynet.publish.site.paths import ONTOLOGY

#: The data files beside a page: suffix and document format.
DATA_FORMATS = {"ttl": "turtle", "jsonld": "jsonld"}


def data_file(model: SiteModel, iri: str, suffix: str) -> bytes:
    """What ``{page}.{suffix}`` beside the page of ``iri`` holds (``suffix``: ``ttl`` or ``jsonld``)."""
    fmt = DATA_FORMATS[suffix]
    ontology_file = model.graph.ontology_file
    if iri == ONTOLOGY and ontology_file is not None:
        if fmt == "turtle":
            return ontology_file.read_bytes()  # the file as it is: nothing re-serialised
        return document_bytes(ontology_document(ontology_file), fmt)
    return document_bytes(entity_document(model.graph.store, iri), fmt)
