"""Conversion of RDF terms between pyoxigraph and rdflib."""

from __future__ import annotations

from typing import Any

import pyoxigraph
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from citynet.errors import QueryError


def to_oxigraph(term: Node) -> pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal:
    if isinstance(term, URIRef):
        return pyoxigraph.NamedNode(str(term))
    if isinstance(term, BNode):
        return pyoxigraph.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return pyoxigraph.Literal(str(term), language=term.language)
        if term.datatype:
            return pyoxigraph.Literal(str(term), datatype=pyoxigraph.NamedNode(str(term.datatype)))
        return pyoxigraph.Literal(str(term))
    raise TypeError(f"cannot bind {term!r}")


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def to_rdflib(term: Any) -> Node | None:
    if term is None:
        return None
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == XSD_STRING else URIRef(datatype))
    if isinstance(term, pyoxigraph.Triple):
        raise QueryError("the answer holds an RDF 1.2 triple term, which rdflib cannot represent",
                         hint="read it with to_csv() or lexical_rows(), or query for its parts")
    raise TypeError(f"unsupported term {term!r}")


def to_rdflib_as_written(term: Any) -> Node | None:
    """The rdflib term for a pyoxigraph term with its lexical form kept as Oxigraph wrote it.

    rdflib rewrites some literals to a canonical form when it builds them (``"30000"^^xsd:double``
    becomes ``"30000.0"``, ``"PT0S"`` becomes ``"P0D"``); ``normalize=False`` keeps the text."""
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return Literal(term.value, lang=term.language, normalize=False)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == XSD_STRING else URIRef(datatype), normalize=False)
    return to_rdflib(term)


def lexical(term: Any) -> str | None:
    """The text of a pyoxigraph term as SPARQL's CSV results write it."""
    if term is None:
        return None
    if isinstance(term, pyoxigraph.BlankNode):
        return "_:" + term.value
    if isinstance(term, pyoxigraph.Triple):
        return f"<< {term} >>"
    return term.value
