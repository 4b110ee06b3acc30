"""Small RDF descriptions (the catalog, VoID, schema.org) written as the same text in every
process, so that a checksum or an ETag of them changes only when the description does.

rdflib names blank nodes at random and writes RDF/XML and JSON-LD in the order of its hash
sets, which differs from one process to the next. Here blank nodes are named after what they
hold (rdflib's canonical labels), triples are taken in one sorted order, RDF/XML is written by
Oxigraph in that order, and JSON-LD's node objects and value lists are sorted.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from rdflib import Graph
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from citynet.formats import RDFXML, write
from citynet.graph.terms import to_oxigraph_triple


def stable_graph(description: Graph, into: Graph) -> Graph:
    """``description``'s triples added to ``into`` (a graph with the wanted prefixes), with
    blank nodes named after their content."""
    into += to_canonical_graph(description)
    return into


def in_order(description: Graph) -> list[tuple[Node, Node, Node]]:
    return sorted(description, key=lambda triple: [term.n3() for term in triple])


def rdfxml(description: Graph, prefixes: Mapping[str, str]) -> str:
    """RDF/XML of the triples in sorted order (Oxigraph writes them in the order given; rdflib
    in that of a hash set)."""
    triples = map(to_oxigraph_triple, in_order(description))
    return write(triples, RDFXML, prefixes).decode("utf-8")


def sorted_jsonld(text: str) -> str:
    """rdflib's JSON-LD with its node objects sorted by ``@id`` and every list of values sorted:
    the same graph (no ``@list`` is written here, so order carries no meaning)."""
    return json.dumps(_sorted(json.loads(text)), ensure_ascii=False, indent=2) + "\n"


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: value[key] if key == "@context" else _sorted(value[key]) for key in value}
    if isinstance(value, list):
        return sorted((_sorted(item) for item in value), key=lambda item: json.dumps(item, sort_keys=True))
    return value
